//! Fresh databases for ratchet's tests, like `#[sqlx::test]`: each test gets its own
//! database on the local servers (or a temporary SQLite file), dropped when it goes out of
//! scope, so tests run in parallel and never see each other's state.
//!
//! - `RATCHET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! - `RATCHET_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/mysql`)
//! - `RATCHET_TEST_REQUIRE_ENGINES=1`: a server that cannot be reached fails the test
//!   instead of skipping it (CI sets it).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Row};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const DEFAULT_MYSQL: &str = "mysql://root@127.0.0.1:3306/mysql";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The engines ratchet runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    Mysql,
    Sqlite,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Postgres => "postgres",
            Kind::Mysql => "mysql",
            Kind::Sqlite => "sqlite",
        }
    }
}

/// A database that exists for one test.
pub struct TestDb {
    pub kind: Kind,
    /// The URL to hand to ratchet.
    pub url: String,
    name: String,
    admin_url: String,
    _dir: Option<tempfile::TempDir>,
}

fn require_engines() -> bool {
    std::env::var("RATCHET_TEST_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

/// Runs a future to completion on a private runtime in its own thread, so that it works
/// from sync tests and from inside another runtime alike.
fn block_on<T: Send + 'static>(future: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    })
    .join()
    .unwrap()
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("ratchet_test_{}_{n}_{nanos:x}", std::process::id())
}

/// The server the tests (and the benches) use for `kind`: `RATCHET_TEST_POSTGRES_URL` or
/// `RATCHET_TEST_MYSQL_URL`, else the local default. SQLite has no server: `None`.
pub fn server_url(kind: Kind) -> Option<String> {
    let (variable, default) = match kind {
        Kind::Postgres => ("RATCHET_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        Kind::Mysql => ("RATCHET_TEST_MYSQL_URL", DEFAULT_MYSQL),
        Kind::Sqlite => return None,
    };
    Some(std::env::var(variable).unwrap_or(default.into()))
}

/// `scheme://user@host:port/<db>` with the path replaced.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..path_start])
}

impl TestDb {
    /// A fresh PostgreSQL database, or `None` (the test is skipped) when the server is down
    /// and engines are not required.
    pub fn postgres() -> Option<TestDb> {
        Self::server(Kind::Postgres, server_url(Kind::Postgres)?)
    }

    /// A fresh MySQL/MariaDB database, or `None` when the server is down (see `postgres`).
    pub fn mysql() -> Option<TestDb> {
        Self::server(Kind::Mysql, server_url(Kind::Mysql)?)
    }

    /// A fresh SQLite database in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        TestDb {
            kind: Kind::Sqlite,
            url: format!("sqlite:{}", path.display()),
            name: path.display().to_string(),
            admin_url: String::new(),
            _dir: Some(dir),
        }
    }

    /// A fresh database of each engine that is available.
    pub fn all() -> Vec<TestDb> {
        let mut dbs = Vec::new();
        dbs.extend(Self::postgres());
        dbs.extend(Self::mysql());
        dbs.push(Self::sqlite());
        dbs
    }

    /// A fresh database of `kind`, or `None` when skipped.
    pub fn of(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Postgres => Self::postgres(),
            Kind::Mysql => Self::mysql(),
            Kind::Sqlite => Some(Self::sqlite()),
        }
    }

    fn server(kind: Kind, admin_url: String) -> Option<TestDb> {
        let name = unique_name();
        let created = {
            let (admin, name) = (admin_url.clone(), name.clone());
            block_on(async move {
                let sql = format!("CREATE DATABASE {name}");
                run_on(kind, &admin, &sql).await
            })
        };
        if let Err(e) = created {
            let message = format!(
                "{} test server at {admin_url} is unavailable: {e}",
                kind.name()
            );
            if require_engines() {
                panic!("{message} (RATCHET_TEST_REQUIRE_ENGINES=1)");
            }
            eprintln!("skipping: {message}");
            return None;
        }
        Some(TestDb {
            kind,
            url: with_database(&admin_url, &name),
            name,
            admin_url,
            _dir: None,
        })
    }

    /// A URL of a database that does not exist on the same server (for error tests).
    pub fn missing_database_url(&self) -> String {
        match self.kind {
            Kind::Sqlite => "sqlite:/nonexistent-dir/never.db".into(),
            _ => with_database(&self.admin_url, "ratchet_test_no_such_database"),
        }
    }

    /// Runs statements, panicking on error.
    pub fn execute(&self, sql: &str) {
        let (kind, url, owned) = (self.kind, self.url.clone(), sql.to_string());
        block_on(async move { run_on(kind, &url, &owned).await })
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Rows of a query, each value as text (`None` for NULL).
    pub fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let (kind, url, owned) = (self.kind, self.url.clone(), sql.to_string());
        block_on(async move { fetch_on(kind, &url, &owned).await })
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first column of the first row, as text.
    pub fn scalar(&self, sql: &str) -> Option<String> {
        self.rows(sql)
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
    }

    /// Whether a table exists.
    pub fn has_table(&self, table: &str) -> bool {
        let sql = match self.kind {
            Kind::Postgres => format!(
                "SELECT count(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Kind::Mysql => format!(
                "SELECT count(*) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = '{table}'"
            ),
            Kind::Sqlite => format!(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            ),
        };
        self.scalar(&sql).as_deref() == Some("1")
    }

    /// The columns of a table, in order.
    pub fn columns(&self, table: &str) -> Vec<String> {
        let sql = match self.kind {
            Kind::Postgres => format!(
                "SELECT column_name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            ),
            Kind::Mysql => format!(
                "SELECT column_name FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            ),
            Kind::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        };
        self.rows(&sql)
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect()
    }

    /// Ledger rows as (version, state, rolled back?) in id order.
    pub fn ledger(&self) -> Vec<(i64, String, bool)> {
        self.rows(
            "SELECT version, state, CASE WHEN rolled_back_at IS NULL THEN 0 ELSE 1 END \
             FROM ratchet_migrations ORDER BY id",
        )
        .into_iter()
        .map(|r| {
            let v = |i: usize| r[i].clone().unwrap_or_default();
            (v(0).parse().unwrap(), v(1), v(2) == "1")
        })
        .collect()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.kind == Kind::Sqlite {
            return;
        }
        let (kind, admin, db) = (self.kind, self.admin_url.clone(), self.name.clone());
        let name = db.clone();
        let dropped = block_on(async move {
            let name = db;
            let sql = match kind {
                // Sessions a test left behind (a killed ratchet) must not keep it alive.
                Kind::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS {name}"),
            };
            run_on(kind, &admin, &sql).await
        });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

async fn run_on(kind: Kind, url: &str, sql: &str) -> Result<(), String> {
    fetch_on(kind, url, sql).await.map(|_| ())
}

async fn fetch_on(kind: Kind, url: &str, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let timeout = Duration::from_secs(10);
    let work = async {
        match kind {
            Kind::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
                let mut conn = PgConnection::connect_with(&options)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = conn.close().await;
                Ok(rows.iter().map(text_row).collect())
            }
            Kind::Mysql => {
                let options = MySqlConnectOptions::from_str(url).map_err(|e| e.to_string())?;
                let mut conn = MySqlConnection::connect_with(&options)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = conn.close().await;
                Ok(rows.iter().map(text_row).collect())
            }
            Kind::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| e.to_string())?
                    .create_if_missing(true);
                let mut conn = SqliteConnection::connect_with(&options)
                    .await
                    .map_err(|e| e.to_string())?;
                let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = conn.close().await;
                Ok(rows.iter().map(text_row).collect())
            }
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| format!("no answer within {}s", timeout.as_secs()))?
}

fn text_row<R>(row: &R) -> Vec<Option<String>>
where
    R: Row,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..row.len())
        .map(|i| row.try_get_unchecked::<Option<String>, _>(i).ok().flatten())
        .collect()
}
