//! Database engines behind one trait: PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! An engine offers the primitives the runner and the ledger need (run a statement, read
//! rows as text, bind parameters, take the migrator lock); the logic above them is shared.

mod mysql;
mod postgres;
mod sqlite;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

use crate::sql::Dialect;
use crate::sql::facts::ServerVersion;
use crate::{Error, Result};

/// A row read back as text: each column's value as the database renders it, `None` for NULL.
pub type Row = Vec<Option<String>>;

/// A parameter bound to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// A 64-bit integer.
    Int(i64),
    /// A string.
    Text(String),
}

/// A database error, as ratchet needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    /// The database's message, with any secret of the URL scrubbed.
    pub message: String,
    /// What kind of error it is.
    pub kind: DbErrorKind,
}

/// The errors ratchet treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A statement waited longer than its lock timeout: retrying later may succeed.
    LockTimeout,
    /// The connection broke: what happened to the statement in flight is unknown.
    Connection,
    /// Anything else (syntax, missing table, constraint...).
    Other,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl DbError {
    /// Wraps this error with what ratchet was doing.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Database {
            context: context.into(),
            message: self.message,
        }
    }
}

/// Who holds the migrator lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// The host the holding ratchet runs on (or the client address the server sees).
    pub host: String,
    /// Its process id (or the server's connection id when nothing better is known).
    pub pid: String,
    /// When it took the lock (UTC, RFC 3339), when known.
    pub since: Option<String>,
}

impl LockHolder {
    /// This process, now.
    pub fn this_process() -> LockHolder {
        LockHolder {
            host: crate::ledger::host_name(),
            pid: std::process::id().to_string(),
            since: Some(
                humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            ),
        }
    }

    /// A compact one-line form for storing beside the lock (`pid=.. since=.. host=..`), host
    /// last so that truncation (PostgreSQL's 63-byte application_name) only shortens it.
    pub fn encode(&self) -> String {
        format!(
            "ratchet pid={} since={} host={}",
            self.pid,
            self.since.as_deref().unwrap_or("-"),
            self.host
        )
    }

    /// Reads what [`LockHolder::encode`] wrote.
    pub fn decode(text: &str) -> Option<LockHolder> {
        let rest = text.strip_prefix("ratchet ")?;
        let mut holder = LockHolder {
            host: String::new(),
            pid: String::new(),
            since: None,
        };
        let (head, host) = rest.split_once(" host=")?;
        holder.host = host.to_string();
        for field in head.split(' ') {
            match field.split_once('=')? {
                ("pid", pid) => holder.pid = pid.to_string(),
                ("since", "-") => {}
                ("since", since) => holder.since = Some(since.to_string()),
                _ => return None,
            }
        }
        Some(holder)
    }
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {} on {}", self.pid, self.host)?;
        if let Some(since) = &self.since {
            write!(f, " since {since}")?;
        }
        Ok(())
    }
}

/// A connection to one database, with what ratchet needs of it.
#[async_trait]
pub trait Engine: Send {
    /// The SQL dialect the database speaks.
    fn dialect(&self) -> Dialect;

    /// The database URL with its password removed, for messages.
    fn target(&self) -> &str;

    /// The server's version number (PostgreSQL `server_version_num`, MySQL `80036`-style,
    /// SQLite `3051003`-style), for decisions that depend on it.
    fn server_version(&self) -> u32;

    /// Whether a MySQL-protocol server is MariaDB.
    fn is_mariadb(&self) -> bool {
        false
    }

    /// The server's version as the statement analysis needs it.
    fn versions(&self) -> ServerVersion {
        let mut versions = ServerVersion::default();
        match self.dialect() {
            Dialect::Postgres => versions.postgres = self.server_version(),
            Dialect::Mysql => {
                versions.mysql = self.server_version();
                versions.mariadb = self.is_mariadb();
            }
            Dialect::Sqlite => versions.sqlite = self.server_version(),
        }
        versions
    }

    /// Whether schema changes can be rolled back (PostgreSQL, SQLite). On MySQL every DDL
    /// statement commits implicitly.
    fn transactional_ddl(&self) -> bool {
        self.dialect() != Dialect::Mysql
    }

    /// Runs one statement as written (simple/text protocol), returning rows affected.
    async fn execute(&mut self, sql: &str) -> Result<u64, DbError>;

    /// Runs one query as written and returns its rows as text.
    async fn query(&mut self, sql: &str) -> Result<Vec<Row>, DbError>;

    /// Runs one statement with bound parameters (`$1` on PostgreSQL, `?` elsewhere).
    async fn execute_with(&mut self, sql: &str, params: &[Param]) -> Result<u64, DbError>;

    /// Runs one query with bound parameters and returns its rows as text. The values of
    /// a prepared statement may come back in the driver's binary format: callers cast
    /// every column that is not text to text in the SQL.
    async fn query_with(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>, DbError>;

    /// Runs an INSERT with bound parameters and returns the generated `id`.
    async fn insert_returning_id(&mut self, sql: &str, params: &[Param]) -> Result<i64, DbError>;

    /// Opens a transaction that will write (SQLite takes the write lock at once, so that
    /// a busy database is noticed before any statement runs).
    async fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN").await.map(|_| ())
    }

    /// Checks that must hold before a migration's transaction commits, returning what is
    /// wrong (SQLite: `PRAGMA foreign_key_check`, since ratchet runs with foreign keys off).
    async fn pre_commit_check(&mut self) -> Result<Option<String>, DbError> {
        Ok(None)
    }

    /// Sets how long each statement may wait for a lock before it fails with
    /// [`DbErrorKind::LockTimeout`].
    async fn set_lock_timeout(&mut self, timeout: Duration) -> Result<(), DbError>;

    /// Tries to take the migrator lock without waiting; `holder` describes this process.
    async fn try_lock(&mut self, holder: &LockHolder) -> Result<bool, DbError>;

    /// Who holds the migrator lock, as far as the database can tell.
    async fn lock_holder(&mut self) -> Result<Option<LockHolder>, DbError>;

    /// Releases the migrator lock.
    async fn unlock(&mut self) -> Result<(), DbError>;
}

/// Opens a connection to the database at `url` (`postgres://`, `mysql://`, `mariadb://`,
/// `sqlite:`). TLS settings in the URL (`sslmode`, `ssl-mode`, `sslrootcert`...) apply.
pub async fn connect(url: &str) -> Result<Box<dyn Engine>> {
    let target = crate::url::redact(url);
    let connect_error = |message: String| Error::Connect {
        target: target.clone(),
        message: crate::url::scrub(&message, url),
    };
    let engine: Box<dyn Engine> = match Dialect::from_url(url) {
        Some(Dialect::Postgres) => Box::new(
            postgres::PostgresEngine::connect(url, target.clone())
                .await
                .map_err(connect_error)?,
        ),
        Some(Dialect::Mysql) => Box::new(
            mysql::MysqlEngine::connect(url, target.clone())
                .await
                .map_err(connect_error)?,
        ),
        Some(Dialect::Sqlite) => Box::new(
            sqlite::SqliteEngine::connect(url, target.clone())
                .await
                .map_err(connect_error)?,
        ),
        None => {
            return Err(Error::Usage(format!(
                "unsupported database URL `{target}`: it must start with postgres://, \
                 mysql://, mariadb:// or sqlite:"
            )));
        }
    };
    Ok(engine)
}

/// How long ratchet waits for a server to answer a connection attempt.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Converts a driver error, classifying it and scrubbing secrets of `url`.
fn db_error(error: sqlx::Error, url_secrets: &[String], kind: DbErrorKind) -> DbError {
    let mut message = match &error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    };
    for secret in url_secrets {
        message = message.replace(secret.as_str(), "***");
    }
    let kind = match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
            DbErrorKind::Connection
        }
        _ => kind,
    };
    DbError { message, kind }
}

/// Rows affected, which each driver reports in its own type.
trait RowsAffected {
    fn rows(&self) -> u64;
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::mysql::MySqlQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

/// Runs one statement as written, through the simple (text) protocol, so that any
/// statement runs the way the database's own client would run it.
async fn run_execute<'c, DB>(
    conn: impl sqlx::Executor<'c, Database = DB>,
    sql: &str,
) -> Result<u64, sqlx::Error>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
{
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    sqlx::raw_sql(sql)
        .execute(conn)
        .await
        .map(|done| done.rows())
}

/// Runs one query as written (simple protocol: every value comes back as text).
async fn run_query<'c, DB>(
    conn: impl sqlx::Executor<'c, Database = DB>,
    sql: &str,
) -> Result<Vec<Row>, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> Option<String>: sqlx::Decode<'r, DB>,
    String: sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    let rows = sqlx::raw_sql(sql).fetch_all(conn).await?;
    Ok(rows.iter().map(row_as_text).collect())
}

/// Runs one statement with bound parameters (a prepared statement).
async fn run_execute_with<'c, DB>(
    conn: impl sqlx::Executor<'c, Database = DB>,
    sql: &str,
    params: &[Param],
) -> Result<u64, sqlx::Error>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DB::Arguments: sqlx::IntoArguments<DB>,
{
    bind(sqlx::query(sqlx::AssertSqlSafe(sql.to_string())), params)
        .execute(conn)
        .await
        .map(|done| done.rows())
}

/// Runs one query with bound parameters (a prepared statement) and returns its rows.
async fn run_query_with<'c, DB>(
    conn: impl sqlx::Executor<'c, Database = DB>,
    sql: &str,
    params: &[Param],
) -> Result<Vec<Row>, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> Option<String>: sqlx::Decode<'r, DB>,
    String: sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DB::Arguments: sqlx::IntoArguments<DB>,
{
    let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql.to_string())), params)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(row_as_text).collect())
}

/// Binds ratchet's parameters to a query, on any of the three drivers.
fn bind<'q, DB: sqlx::Database>(
    mut query: sqlx::query::Query<'q, DB, DB::Arguments>,
    params: &[Param],
) -> sqlx::query::Query<'q, DB, DB::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for param in params {
        query = match param {
            Param::Int(i) => query.bind(*i),
            Param::Text(s) => query.bind(s.clone()),
        };
    }
    query
}

/// Reads every column of a row as text, whatever its type.
fn row_as_text<R>(row: &R) -> Row
where
    R: sqlx::Row,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..row.len())
        .map(|i| row.try_get_unchecked::<Option<String>, _>(i).ok().flatten())
        .collect()
}

/// Runs `future` with the connection timeout.
async fn with_connect_timeout<T>(
    future: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(match e {
            sqlx::Error::Database(db) => db.message().to_string(),
            other => other.to_string(),
        }),
        Err(_) => Err(format!(
            "no answer within {}s; check the host and port, and that the server is running",
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_holder_round_trips() {
        let holder = LockHolder {
            host: "web-1".into(),
            pid: "4242".into(),
            since: Some("2026-11-26T02:19:00Z".into()),
        };
        assert_eq!(LockHolder::decode(&holder.encode()), Some(holder.clone()));
        assert_eq!(
            holder.to_string(),
            "pid 4242 on web-1 since 2026-11-26T02:19:00Z"
        );
        assert_eq!(LockHolder::decode("psql"), None);
    }
}
