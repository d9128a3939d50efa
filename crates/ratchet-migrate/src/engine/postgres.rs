//! PostgreSQL: transactional DDL, `pg_advisory_lock`, `lock_timeout`.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection};

use super::{DbError, DbErrorKind, Engine, LockHolder, Param, Row, db_error, with_connect_timeout};
use crate::sql::Dialect;

/// The advisory lock key, "RATCHET" in ASCII. Advisory locks are scoped to the current
/// database, so one key serves every database on a server. It never changes: two ratchet
/// versions migrating one database must exclude each other.
const LOCK_KEY: i64 = 0x0052_4154_4348_4554;

/// A PostgreSQL connection.
pub(super) struct PostgresEngine {
    conn: PgConnection,
    target: String,
    secrets: Vec<String>,
    server_version: u32,
}

impl PostgresEngine {
    pub(super) async fn connect(url: &str, target: String) -> Result<Self, String> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| format!("bad PostgreSQL URL: {e}"))?
            .application_name("ratchet");
        let conn = with_connect_timeout(PgConnection::connect_with(&options)).await?;
        let mut engine = PostgresEngine {
            conn,
            target,
            secrets: crate::url::secrets(url),
            server_version: 0,
        };
        let version = engine
            .query("SHOW server_version_num")
            .await
            .map_err(|e| e.message)?;
        engine.server_version = first_value(&version)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(engine)
    }

    fn error(&self, error: sqlx::Error) -> DbError {
        let kind = match &error {
            sqlx::Error::Database(db) => match db.code().as_deref() {
                // lock_not_available: lock_timeout expired (or NOWAIT).
                Some("55P03") => DbErrorKind::LockTimeout,
                // admin_shutdown, crash_shutdown, cannot_connect_now
                Some("57P01" | "57P02" | "57P03") => DbErrorKind::Connection,
                _ => DbErrorKind::Other,
            },
            _ => DbErrorKind::Other,
        };
        db_error(error, &self.secrets, kind)
    }
}

fn first_value(rows: &[Row]) -> Option<&str> {
    rows.first()?.first()?.as_deref()
}

#[async_trait]
impl Engine for PostgresEngine {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
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
        let sql = format!("{sql} RETURNING id");
        let query = super::bind(sqlx::query(AssertSqlSafe(sql)), params);
        match query.fetch_one(&mut self.conn).await {
            Ok(row) => sqlx::Row::try_get::<i64, _>(&row, 0).map_err(|e| self.error(e)),
            Err(e) => Err(self.error(e)),
        }
    }

    async fn set_lock_timeout(&mut self, timeout: Duration) -> Result<(), DbError> {
        let value = format!("{}ms", timeout.as_millis().max(1));
        self.execute_with(
            "SELECT set_config('lock_timeout', $1, false)",
            &[Param::Text(value)],
        )
        .await
        .map(|_| ())
    }

    async fn try_lock(&mut self, holder: &LockHolder) -> Result<bool, DbError> {
        let rows = self
            .query(&format!("SELECT pg_try_advisory_lock({LOCK_KEY})"))
            .await?;
        let locked = first_value(&rows) == Some("t");
        if locked {
            // Whoever waits reads the holder from pg_stat_activity; so does a DBA.
            let mut name = holder.encode();
            name.truncate(63);
            self.execute_with(
                "SELECT set_config('application_name', $1, false)",
                &[Param::Text(name)],
            )
            .await?;
        }
        Ok(locked)
    }

    async fn lock_holder(&mut self) -> Result<Option<LockHolder>, DbError> {
        let sql = format!(
            "SELECT a.application_name, a.pid::text, coalesce(host(a.client_addr), 'local socket'), \
                    to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted \
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND l.classid = {} AND l.objid = {} AND l.objsubid = 1",
            LOCK_KEY >> 32,
            LOCK_KEY & 0xffff_ffff
        );
        let rows = self.query(&sql).await?;
        Ok(rows.first().map(|row| {
            let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            LockHolder::decode(&text(0)).unwrap_or_else(|| LockHolder {
                host: text(2),
                pid: format!("{} (server process)", text(1)),
                since: Some(text(3)),
            })
        }))
    }

    async fn unlock(&mut self) -> Result<(), DbError> {
        self.query(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
            .await?;
        self.execute("SELECT set_config('application_name', 'ratchet', false)")
            .await
            .map(|_| ())
    }
}
