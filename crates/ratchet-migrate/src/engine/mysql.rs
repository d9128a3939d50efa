//! MySQL and MariaDB: DDL commits implicitly, `GET_LOCK`, `lock_wait_timeout`.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use sqlx::{AssertSqlSafe, Connection};

use super::{DbError, DbErrorKind, Engine, LockHolder, Param, Row, db_error, with_connect_timeout};
use crate::sql::Dialect;

/// Where the holder of the migrator lock writes who it is: `GET_LOCK` itself cannot say.
const HOLDER_TABLE: &str = "ratchet_lock";

/// A MySQL or MariaDB connection.
pub(super) struct MysqlEngine {
    conn: MySqlConnection,
    target: String,
    secrets: Vec<String>,
    server_version: u32,
    mariadb: bool,
    /// `GET_LOCK` names are server-wide: the name carries the database's.
    lock_name: String,
}

impl MysqlEngine {
    pub(super) async fn connect(url: &str, target: String) -> Result<Self, String> {
        // sqlx knows the mysql:// scheme only; MariaDB users write mariadb://.
        let url_for_driver = match url.strip_prefix("mariadb:") {
            Some(rest) => format!("mysql:{rest}"),
            None => url.to_string(),
        };
        let options = MySqlConnectOptions::from_str(&url_for_driver)
            .map_err(|e| format!("bad MySQL URL: {e}"))?;
        let conn = with_connect_timeout(MySqlConnection::connect_with(&options)).await?;
        let mut engine = MysqlEngine {
            conn,
            target,
            secrets: crate::url::secrets(url),
            server_version: 0,
            mariadb: false,
            lock_name: String::new(),
        };
        let rows = engine
            .query("SELECT VERSION(), DATABASE()")
            .await
            .map_err(|e| e.message)?;
        let row = rows.first().cloned().unwrap_or_default();
        let version = row.first().cloned().flatten().unwrap_or_default();
        engine.server_version = parse_version(&version);
        engine.mariadb = version.to_ascii_lowercase().contains("mariadb");
        let database = row.get(1).cloned().flatten().ok_or_else(|| {
            "the URL names no database; add it to the path: mysql://user@host:3306/<database>"
                .to_string()
        })?;
        engine.lock_name = lock_name(&database);
        Ok(engine)
    }

    fn error(&self, error: sqlx::Error) -> DbError {
        let kind = match &error {
            sqlx::Error::Database(db) => match db.try_downcast_ref::<MySqlDatabaseError>() {
                // ER_LOCK_WAIT_TIMEOUT: lock_wait_timeout (metadata) or
                // innodb_lock_wait_timeout (rows) expired.
                Some(e) if e.number() == 1205 => DbErrorKind::LockTimeout,
                // CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ER_CONNECTION_KILLED
                Some(e) if matches!(e.number(), 2006 | 2013 | 1927) => DbErrorKind::Connection,
                _ => DbErrorKind::Other,
            },
            _ => DbErrorKind::Other,
        };
        db_error(error, &self.secrets, kind)
    }
}

/// `10.11.19-MariaDB-0+deb12u1` → 101119, `8.0.36` → 80036.
fn parse_version(version: &str) -> u32 {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .take(3)
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    major * 10_000 + minor * 100 + patch
}

/// `GET_LOCK` names are at most 64 characters, and ratchet quotes this one into SQL: a
/// database name that is long or holds anything unusual is replaced by its hash.
fn lock_name(database: &str) -> String {
    let mut name = format!("ratchet:{database}");
    let plain = database
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'));
    if name.len() > 64 || !plain {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(database.as_bytes());
        name = format!("ratchet:{:x}", digest);
        name.truncate(64);
    }
    name
}

#[async_trait]
impl Engine for MysqlEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn target(&self) -> &str {
        &self.target
    }

    fn server_version(&self) -> u32 {
        self.server_version
    }

    fn is_mariadb(&self) -> bool {
        self.mariadb
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
            Ok(done) => i64::try_from(done.last_insert_id()).map_err(|_| DbError {
                message: "the ledger's id overflowed a signed 64-bit integer".into(),
                kind: DbErrorKind::Other,
            }),
            Err(e) => Err(self.error(e)),
        }
    }

    async fn set_lock_timeout(&mut self, timeout: Duration) -> Result<(), DbError> {
        // Both are whole seconds; a metadata-lock wait must not queue an ALTER in front of
        // the application's queries for long.
        let seconds = timeout.as_secs().max(1);
        self.execute(&format!(
            "SET SESSION lock_wait_timeout = {seconds}, innodb_lock_wait_timeout = {seconds}"
        ))
        .await
        .map(|_| ())
    }

    async fn try_lock(&mut self, holder: &LockHolder) -> Result<bool, DbError> {
        let rows = self
            .query(&format!("SELECT GET_LOCK('{}', 0)", self.lock_name))
            .await?;
        let locked = rows.first().and_then(|r| r.first()).cloned().flatten() == Some("1".into());
        if locked {
            self.execute(&format!(
                "CREATE TABLE IF NOT EXISTS {HOLDER_TABLE} (\
                   lock_name VARCHAR(64) NOT NULL PRIMARY KEY, \
                   holder VARCHAR(255) NOT NULL, \
                   acquired_at DATETIME(6) NOT NULL\
                 ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
            ))
            .await?;
            self.execute_with(
                &format!(
                    "REPLACE INTO {HOLDER_TABLE} (lock_name, holder, acquired_at) \
                     VALUES (?, ?, UTC_TIMESTAMP(6))"
                ),
                &[
                    Param::Text(self.lock_name.clone()),
                    Param::Text(holder.encode()),
                ],
            )
            .await?;
        }
        Ok(locked)
    }

    async fn lock_holder(&mut self) -> Result<Option<LockHolder>, DbError> {
        let rows = self
            .query(&format!("SELECT IS_USED_LOCK('{}')", self.lock_name))
            .await?;
        let Some(connection_id) = rows.first().and_then(|r| r.first()).cloned().flatten() else {
            return Ok(None);
        };
        let recorded = self
            .query(&format!(
                "SELECT holder FROM {HOLDER_TABLE} WHERE lock_name = '{}'",
                self.lock_name
            ))
            .await
            .ok()
            .and_then(|rows| rows.first().and_then(|r| r.first()).cloned().flatten())
            .and_then(|text| LockHolder::decode(&text));
        Ok(Some(recorded.unwrap_or(LockHolder {
            host: "unknown host".into(),
            pid: format!("{connection_id} (server connection id)"),
            since: None,
        })))
    }

    async fn unlock(&mut self) -> Result<(), DbError> {
        self.query(&format!("SELECT RELEASE_LOCK('{}')", self.lock_name))
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("10.11.19-MariaDB-0+deb12u1"), 101119);
        assert_eq!(parse_version("8.0.36"), 80036);
        assert_eq!(parse_version("garbage"), 0);
    }

    #[test]
    fn lock_names_fit_in_64_characters() {
        assert_eq!(lock_name("shop"), "ratchet:shop");
        assert_eq!(lock_name(&"x".repeat(100)).len(), 64);
        assert!(!lock_name("o'brien").contains('\''));
    }
}
