//! SQLite: transactional DDL, a file lock beside the database, `busy_timeout`.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection};

use super::{DbError, DbErrorKind, Engine, LockHolder, Param, Row, db_error, with_connect_timeout};
use crate::sql::Dialect;

/// A SQLite connection.
pub(super) struct SqliteEngine {
    conn: SqliteConnection,
    target: String,
    server_version: u32,
    /// `<database>.ratchet-lock`, or `None` for an in-memory database (nobody to exclude).
    lock_path: Option<PathBuf>,
    /// The open lock file while this process holds the migrator lock.
    lock_file: Option<File>,
}

impl SqliteEngine {
    pub(super) async fn connect(url: &str, target: String) -> Result<Self, String> {
        // Foreign keys stay off while migrating, as in the sqlite3 shell and as SQLite's
        // table-rebuild procedure requires (with them on, dropping the old table of a
        // rebuild fires ON DELETE CASCADE). Integrity is checked before each commit instead
        // (`pre_commit_check`).
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("bad SQLite URL: {e}"))?
            .create_if_missing(true)
            .foreign_keys(false);
        let filename = options.get_filename().to_path_buf();
        let in_memory = filename.as_os_str() == ":memory:" || url.contains(":memory:");
        let conn = with_connect_timeout(SqliteConnection::connect_with(&options)).await?;
        let mut engine = SqliteEngine {
            conn,
            target,
            server_version: 0,
            lock_path: (!in_memory).then(|| {
                let mut name = filename.into_os_string();
                name.push(".ratchet-lock");
                PathBuf::from(name)
            }),
            lock_file: None,
        };
        let rows = engine
            .query("SELECT sqlite_version()")
            .await
            .map_err(|e| e.message)?;
        let version = rows
            .first()
            .and_then(|r| r.first())
            .cloned()
            .flatten()
            .unwrap_or_default();
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        engine.server_version = parts.next().unwrap_or(0) * 1_000_000
            + parts.next().unwrap_or(0) * 1_000
            + parts.next().unwrap_or(0);
        Ok(engine)
    }

    fn error(&self, error: sqlx::Error) -> DbError {
        let kind = match &error {
            sqlx::Error::Database(db) => {
                let code: i64 = db.code().and_then(|c| c.parse().ok()).unwrap_or(0);
                // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
                if matches!(code & 0xff, 5 | 6) {
                    DbErrorKind::LockTimeout
                } else {
                    DbErrorKind::Other
                }
            }
            _ => DbErrorKind::Other,
        };
        db_error(error, &[], kind)
    }

    fn lock_io_error(&self, action: &str, e: std::io::Error) -> DbError {
        DbError {
            message: format!(
                "cannot {action} the lock file {}: {e}",
                self.lock_path
                    .as_deref()
                    .unwrap_or(std::path::Path::new(""))
                    .display()
            ),
            kind: DbErrorKind::Other,
        }
    }
}

#[async_trait]
impl Engine for SqliteEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn target(&self) -> &str {
        &self.target
    }

    fn server_version(&self) -> u32 {
        self.server_version
    }

    async fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        super::run_execute(&mut self.conn, sql)
            .await
            .map_err(|e| self.error(e))
    }

    async fn query(&mut self, sql: &str) -> Result<Vec<Row>, DbError> {
        super::run_query(&mut self.conn, sql)
            .await
            .map_err(|e| self.error(e))
    }

    async fn execute_with(&mut self, sql: &str, params: &[Param]) -> Result<u64, DbError> {
        super::run_execute_with(&mut self.conn, sql, params)
            .await
            .map_err(|e| self.error(e))
    }

    async fn query_with(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>, DbError> {
        super::run_query_with(&mut self.conn, sql, params)
            .await
            .map_err(|e| self.error(e))
    }

    async fn insert_returning_id(&mut self, sql: &str, params: &[Param]) -> Result<i64, DbError> {
        let query = super::bind(sqlx::query(AssertSqlSafe(sql.to_string())), params);
        match query.execute(&mut self.conn).await {
            Ok(done) => Ok(done.last_insert_rowid()),
            Err(e) => Err(self.error(e)),
        }
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN IMMEDIATE").await.map(|_| ())
    }

    async fn pre_commit_check(&mut self) -> Result<Option<String>, DbError> {
        let violations = self.query("PRAGMA foreign_key_check").await?;
        if violations.is_empty() {
            return Ok(None);
        }
        let listed: Vec<String> = violations
            .iter()
            .take(5)
            .map(|row| {
                let col = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                format!("{} rowid {} references {}", col(0), col(1), col(2))
            })
            .collect();
        Ok(Some(format!(
            "{} foreign key violation(s) after the migration, e.g. {}",
            violations.len(),
            listed.join("; ")
        )))
    }

    async fn set_lock_timeout(&mut self, timeout: Duration) -> Result<(), DbError> {
        self.execute(&format!(
            "PRAGMA busy_timeout = {}",
            timeout.as_millis().max(1)
        ))
        .await
        .map(|_| ())
    }

    async fn try_lock(&mut self, holder: &LockHolder) -> Result<bool, DbError> {
        let Some(path) = self.lock_path.clone() else {
            return Ok(true);
        };
        // An OS file lock, not a row: it is released when the process dies, so a killed
        // ratchet never leaves a stale lock behind.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| self.lock_io_error("open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(false),
            Err(TryLockError::Error(e)) => return Err(self.lock_io_error("lock", e)),
        }
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(holder.encode().as_bytes()))
            .and_then(|()| file.flush());
        written.map_err(|e| self.lock_io_error("write", e))?;
        self.lock_file = Some(file);
        Ok(true)
    }

    async fn lock_holder(&mut self) -> Result<Option<LockHolder>, DbError> {
        let Some(path) = &self.lock_path else {
            return Ok(None);
        };
        let mut text = String::new();
        let read = File::open(path).and_then(|mut f| f.read_to_string(&mut text));
        Ok(read.ok().and_then(|_| LockHolder::decode(text.trim())))
    }

    async fn unlock(&mut self) -> Result<(), DbError> {
        if let Some(file) = self.lock_file.take() {
            file.unlock().map_err(|e| self.lock_io_error("unlock", e))?;
        }
        Ok(())
    }
}
