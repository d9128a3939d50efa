//! Backfill speed against the application's comfort, in the same run on the same server.
//!
//! Builds a 2,000,000-row `orders` table on the local PostgreSQL and MariaDB/MySQL, runs an
//! application load against it (single-row reads and updates at a fixed rate, from this
//! process, while the backfill runs in another), and fills `priority` on a fresh copy of the
//! table, one way after another:
//!
//! - **plain**: one `UPDATE orders SET priority = ... WHERE priority IS NULL`;
//! - **loop**: the classic loop over fixed id ranges of 5,000 with a 0.1 s sleep (a PL/pgSQL
//!   `DO` block with `COMMIT`, a stored procedure on MySQL);
//! - **ratchet**: `ratchet up` of a migration with `-- ratchet:backfill table=orders key=id`
//!   and a verify file, with the default settings (100 ms batches), and again with 50 ms
//!   batches.
//!
//! The table has a secondary index, `orders (customer_id)`, as real tables do; the plain
//! `UPDATE` and ratchet run once more on a copy without it, which shows what the index
//! costs a batched backfill (on PostgreSQL, a lot: see docs/benchmarks.md).
//!
//! For each it prints the time, rows/s, the application's p50/p99/max latency, its longest
//! lock wait and the table's size afterwards, with ratios against the plain `UPDATE` and
//! against the application's latency with no backfill, measured first in the same run.
//! Latency counts from when a query was due, not when it was sent, so a client stuck
//! behind a lock is charged for every query it could not send (no coordinated omission).
//! The longest lock wait is the slowest single-row update by primary key, timed from
//! sending it to its answer: the update itself takes well under a millisecond, so this is
//! its wait for the row lock, rounded up. (Sampling the server's lock views instead is
//! blind on MariaDB: `information_schema.innodb_trx` is a cache that is not refreshed
//! while it is read more often than every 100 ms.)
//!
//! Run: `cargo bench -p ratchet-cli --bench backfill`. Environment:
//! `RATCHET_TEST_POSTGRES_URL`, `RATCHET_TEST_MYSQL_URL` (the test suite's servers),
//! `RATCHET_BENCH_ENGINES=postgres,mysql`, `RATCHET_BENCH_ROWS=2000000`,
//! `RATCHET_BENCH_APP_RATE=200` (application queries per second, half reads, half updates).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratchet_test_support::{Kind, server_url, with_database};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection, Row};

const DEFAULT_ROWS: u64 = 2_000_000;
const DEFAULT_APP_RATE: u64 = 200;
const APP_CLIENTS: u64 = 8;
const BASELINE_TIME: Duration = Duration::from_secs(20);
const WARM_UP: Duration = Duration::from_secs(2);
/// After a fresh copy, for the server's background writes to calm down.
const SETTLE: Duration = Duration::from_secs(10);
const LOOP_RANGE: u64 = 5_000;
const FILL: &str = "priority = CASE WHEN total > 1000 THEN 'high' ELSE 'normal' END";
const BENCH_DB: &str = "ratchet_bench_run";
const TEMPLATE_DB: &str = "ratchet_bench_template";

#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Postgres,
    Mysql,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL/MariaDB",
        }
    }

    /// The test suite's server (`RATCHET_TEST_POSTGRES_URL`, `RATCHET_TEST_MYSQL_URL`)
    /// pointed at `database`.
    fn url(self, database: &str) -> String {
        let kind = match self {
            Engine::Postgres => Kind::Postgres,
            Engine::Mysql => Kind::Mysql,
        };
        with_database(&server_url(kind).unwrap(), database)
    }
}

/// One connection to either engine: the bench needs only a handful of operations.
enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
}

impl Conn {
    async fn open(engine: Engine, database: &str) -> Conn {
        let url = engine.url(database);
        match engine {
            Engine::Postgres => Conn::Pg(PgConnection::connect(&url).await.unwrap()),
            Engine::Mysql => Conn::My(MySqlConnection::connect(&url).await.unwrap()),
        }
    }

    async fn execute(&mut self, sql: &str) {
        let result = match self {
            Conn::Pg(c) => sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                .execute(c)
                .await
                .map(|_| ()),
            Conn::My(c) => sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                .execute(c)
                .await
                .map(|_| ()),
        };
        if let Err(e) = result {
            panic!("{sql}: {e}");
        }
    }

    /// The first column of the first row, as a 64-bit integer.
    async fn scalar(&mut self, sql: &str) -> i64 {
        match self {
            Conn::Pg(c) => sqlx::query(AssertSqlSafe(sql.to_string()))
                .fetch_one(c)
                .await
                .unwrap()
                .get::<i64, _>(0),
            Conn::My(c) => sqlx::query(AssertSqlSafe(sql.to_string()))
                .fetch_one(c)
                .await
                .unwrap()
                .get::<i64, _>(0),
        }
    }

    /// One application query: a read or a single-row update of `id`.
    async fn app_query(&mut self, id: i64, update: bool) -> Result<(), sqlx::Error> {
        let read = "SELECT status, total FROM orders WHERE id = ";
        let write = "UPDATE orders SET status = CASE WHEN status = 'paid' THEN 'shipped' \
                     ELSE 'paid' END WHERE id = ";
        let sql = if update { write } else { read };
        match self {
            Conn::Pg(c) => sqlx::query(AssertSqlSafe(format!("{sql}$1")))
                .bind(id)
                .fetch_optional(c)
                .await
                .map(drop),
            Conn::My(c) => sqlx::query(AssertSqlSafe(format!("{sql}?")))
                .bind(id)
                .fetch_optional(c)
                .await
                .map(drop),
        }
    }
}

/// The application's experience over one measured window.
#[derive(Default)]
struct AppStats {
    queries: usize,
    errors: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    /// The slowest single-row update, from sending it to its answer: its lock wait plus
    /// the update itself (well under a millisecond). Reads take no row locks.
    longest_lock_wait: Duration,
}

/// How the column is filled.
#[derive(Clone, Copy)]
enum Way {
    Plain,
    Loop,
    /// `ratchet up`, with its default settings or this `target_batch_time`.
    Ratchet {
        target_batch_time: Option<&'static str>,
    },
}

/// One way of filling the column, on a table with or without a secondary index.
#[derive(Clone, Copy)]
struct Case {
    way: Way,
    /// `orders (customer_id)`: its order is unrelated to the key's, so every batch touches
    /// leaf pages all over it. Without it, updates only touch the primary key's pages.
    secondary_index: bool,
}

impl Case {
    fn name(self) -> String {
        let way = match self.way {
            Way::Plain => "plain UPDATE".to_string(),
            Way::Loop => "loop of 5,000 ids, 0.1 s sleep".to_string(),
            Way::Ratchet {
                target_batch_time: None,
            } => "ratchet, defaults".to_string(),
            Way::Ratchet {
                target_batch_time: Some(t),
            } => format!("ratchet, target_batch_time = {t}"),
        };
        if self.secondary_index {
            way
        } else {
            format!("{way} (primary key only)")
        }
    }
}

const CASES: [Case; 6] = [
    Case {
        way: Way::Plain,
        secondary_index: true,
    },
    Case {
        way: Way::Loop,
        secondary_index: true,
    },
    Case {
        way: Way::Ratchet {
            target_batch_time: None,
        },
        secondary_index: true,
    },
    Case {
        way: Way::Ratchet {
            target_batch_time: Some("50ms"),
        },
        secondary_index: true,
    },
    Case {
        way: Way::Plain,
        secondary_index: false,
    },
    Case {
        way: Way::Ratchet {
            target_batch_time: None,
        },
        secondary_index: false,
    },
];

/// One way of filling the column, measured.
struct Outcome {
    case: Case,
    time: Duration,
    rows: u64,
    app: AppStats,
    table_bytes: i64,
}

/// One application query, as the application saw it.
struct AppSample {
    /// When the query was due: the load runs at a fixed rate.
    due: Instant,
    /// From `due` to the answer: the wait for a busy client counts.
    latency: Duration,
    /// From sending the query to the answer.
    service: Duration,
    update: bool,
    ok: bool,
}

/// A running application load: clients that query at a fixed rate.
struct AppLoad {
    stop: Arc<AtomicBool>,
    clients: Vec<tokio::task::JoinHandle<Vec<AppSample>>>,
}

impl AppLoad {
    async fn start(engine: Engine, rows: u64, rate: u64) -> AppLoad {
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        let period = Duration::from_secs_f64(APP_CLIENTS as f64 / rate as f64);
        for client in 0..APP_CLIENTS {
            let mut conn = Conn::open(engine, BENCH_DB).await;
            let stop = stop.clone();
            clients.push(tokio::spawn(async move {
                let mut random = Random(0x9E37_79B9_7F4A_7C15 ^ (client + 1));
                let mut samples = Vec::new();
                let mut ticks = tokio::time::interval(period);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                let mut update = client % 2 == 0;
                while !stop.load(Ordering::Relaxed) {
                    let due = ticks.tick().await.into_std();
                    let id = (random.next() % rows) as i64 + 1;
                    let sent = Instant::now();
                    let ok = conn.app_query(id, update).await.is_ok();
                    samples.push(AppSample {
                        due,
                        latency: due.elapsed(),
                        service: sent.elapsed(),
                        update,
                        ok,
                    });
                    update = !update;
                }
                samples
            }));
        }
        AppLoad { stop, clients }
    }

    /// Stops the load and summarises the queries that were due between `from` and `to`.
    async fn finish(self, from: Instant, to: Instant) -> AppStats {
        self.stop.store(true, Ordering::Relaxed);
        let mut latencies = Vec::new();
        let mut errors = 0;
        let mut longest_lock_wait = Duration::ZERO;
        for client in self.clients {
            for sample in client.await.unwrap() {
                if sample.due >= from && sample.due <= to {
                    latencies.push(sample.latency);
                    errors += usize::from(!sample.ok);
                    if sample.update {
                        longest_lock_wait = longest_lock_wait.max(sample.service);
                    }
                }
            }
        }
        latencies.sort();
        let at = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        AppStats {
            queries: latencies.len(),
            errors,
            p50: at(0.5),
            p99: at(0.99),
            max: latencies.last().copied().unwrap_or_default(),
            longest_lock_wait,
        }
    }
}

/// xorshift64*: the bench needs spread-out ids, not a cryptographic generator.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v}: write a whole number"))
        })
        .unwrap_or(default)
}

fn main() {
    let rows = env_number("RATCHET_BENCH_ROWS", DEFAULT_ROWS);
    let rate = env_number("RATCHET_BENCH_APP_RATE", DEFAULT_APP_RATE);
    let engines =
        std::env::var("RATCHET_BENCH_ENGINES").unwrap_or_else(|_| "postgres,mysql".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "backfill bench: {rows} rows, application load {rate} queries/s from {APP_CLIENTS} \
         connections (half reads, half single-row updates), {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for engine in engines.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let engine = match engine {
            "postgres" => Engine::Postgres,
            "mysql" => Engine::Mysql,
            other => panic!("RATCHET_BENCH_ENGINES: unknown engine {other:?} (postgres, mysql)"),
        };
        runtime.block_on(bench_engine(engine, rows, rate));
    }
}

async fn bench_engine(engine: Engine, rows: u64, rate: u64) {
    let mut admin = Conn::open(engine, admin_database(engine)).await;
    let version = match &mut admin {
        Conn::Pg(c) => sqlx::query_scalar::<_, String>("SHOW server_version")
            .fetch_one(c)
            .await
            .unwrap(),
        Conn::My(c) => sqlx::query_scalar::<_, String>("SELECT version()")
            .fetch_one(c)
            .await
            .unwrap(),
    };
    println!("\n## {} {version}\n", engine.name());
    let started = Instant::now();
    build_template(engine, &mut admin, rows).await;
    println!(
        "built the {rows}-row template in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    fresh_copy(engine, &mut admin, true).await;
    let baseline = {
        let load = AppLoad::start(engine, rows, rate).await;
        tokio::time::sleep(WARM_UP).await;
        let from = Instant::now();
        tokio::time::sleep(BASELINE_TIME).await;
        load.finish(from, Instant::now()).await
    };
    let mut outcomes = Vec::new();
    for case in CASES {
        fresh_copy(engine, &mut admin, case.secondary_index).await;
        outcomes.push(run(engine, rows, rate, case).await);
    }
    print_table(&baseline, &outcomes);
    drop(admin);
    let mut admin = Conn::open(engine, admin_database(engine)).await;
    for db in [BENCH_DB, TEMPLATE_DB] {
        drop_database(engine, &mut admin, db).await;
    }
}

fn admin_database(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "postgres",
        Engine::Mysql => "mysql",
    }
}

async fn drop_database(engine: Engine, admin: &mut Conn, db: &str) {
    match engine {
        Engine::Postgres => {
            admin
                .execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .await
        }
        Engine::Mysql => {
            admin
                .execute(&format!("DROP DATABASE IF EXISTS {db}"))
                .await
        }
    }
}

/// The `orders` table the application reads and updates, in a template database.
async fn build_template(engine: Engine, admin: &mut Conn, rows: u64) {
    drop_database(engine, admin, BENCH_DB).await;
    drop_database(engine, admin, TEMPLATE_DB).await;
    admin
        .execute(&format!("CREATE DATABASE {TEMPLATE_DB}"))
        .await;
    let mut db = Conn::open(engine, TEMPLATE_DB).await;
    match engine {
        Engine::Postgres => {
            db.execute(
                "CREATE TABLE orders (
                    id bigint PRIMARY KEY,
                    customer_id bigint NOT NULL,
                    total numeric(12, 2) NOT NULL,
                    status text NOT NULL,
                    created_at timestamptz NOT NULL,
                    priority text
                )",
            )
            .await;
            db.execute(&format!(
                "INSERT INTO orders
                 SELECT g, g % 50000, (g * 7919 % 200000) / 100.0, 'paid',
                        timestamptz '2026-01-01' + g * interval '1 second', NULL
                 FROM generate_series(1::bigint, {rows}) AS g"
            ))
            .await;
            db.execute("CREATE INDEX orders_customer_id ON orders (customer_id)")
                .await;
            db.execute("VACUUM (FREEZE, ANALYZE) orders").await;
        }
        Engine::Mysql => {
            db.execute(
                "CREATE TABLE orders (
                    id BIGINT NOT NULL PRIMARY KEY,
                    customer_id BIGINT NOT NULL,
                    total DECIMAL(12, 2) NOT NULL,
                    status VARCHAR(16) NOT NULL,
                    created_at DATETIME(6) NOT NULL,
                    priority VARCHAR(16) NULL,
                    KEY orders_customer_id (customer_id)
                ) ENGINE=InnoDB",
            )
            .await;
            // Doubling a table of numbers: portable to MySQL and MariaDB, and fast.
            db.execute("CREATE TABLE numbers (n BIGINT NOT NULL PRIMARY KEY)")
                .await;
            db.execute("INSERT INTO numbers VALUES (1)").await;
            let mut have = 1;
            while have < rows {
                db.execute(&format!(
                    "INSERT INTO numbers SELECT n + {have} FROM numbers WHERE n + {have} <= {rows}"
                ))
                .await;
                have = (have * 2).min(rows);
            }
            db.execute(
                "INSERT INTO orders
                 SELECT n, n % 50000, (n * 7919 % 200000) / 100.0, 'paid',
                        TIMESTAMP '2026-01-01 00:00:00' + INTERVAL n SECOND, NULL
                 FROM numbers",
            )
            .await;
            db.execute("DROP TABLE numbers").await;
            db.execute("ANALYZE TABLE orders").await;
        }
    }
}

/// A fresh `BENCH_DB` holding a copy of the template, warm in the cache, after the
/// server has had time to write out the copy.
async fn fresh_copy(engine: Engine, admin: &mut Conn, secondary_index: bool) {
    drop_database(engine, admin, BENCH_DB).await;
    match engine {
        Engine::Postgres => {
            admin
                .execute(&format!(
                    "CREATE DATABASE {BENCH_DB} TEMPLATE {TEMPLATE_DB}"
                ))
                .await;
        }
        Engine::Mysql => {
            admin.execute(&format!("CREATE DATABASE {BENCH_DB}")).await;
            admin
                .execute(&format!(
                    "CREATE TABLE {BENCH_DB}.orders LIKE {TEMPLATE_DB}.orders"
                ))
                .await;
            admin
                .execute(&format!(
                    "INSERT INTO {BENCH_DB}.orders SELECT * FROM {TEMPLATE_DB}.orders"
                ))
                .await;
        }
    }
    let mut db = Conn::open(engine, BENCH_DB).await;
    if !secondary_index {
        match engine {
            Engine::Postgres => db.execute("DROP INDEX orders_customer_id").await,
            Engine::Mysql => {
                db.execute("ALTER TABLE orders DROP INDEX orders_customer_id")
                    .await
            }
        }
    }
    match engine {
        Engine::Postgres => db.execute("CHECKPOINT").await,
        Engine::Mysql => db.execute("ANALYZE TABLE orders").await,
    }
    db.scalar("SELECT count(*) FROM orders WHERE priority IS NULL")
        .await;
    tokio::time::sleep(SETTLE).await;
}

/// Runs one way of filling `priority` under the application load and measures it.
async fn run(engine: Engine, rows: u64, rate: u64, case: Case) -> Outcome {
    let load = AppLoad::start(engine, rows, rate).await;
    tokio::time::sleep(WARM_UP).await;
    let from = Instant::now();
    let detail = match case.way {
        Way::Plain => plain_update(engine).await,
        Way::Loop => fixed_loop(engine).await,
        Way::Ratchet { target_batch_time } => ratchet_up(engine, target_batch_time).await,
    };
    let to = Instant::now();
    let app = load.finish(from, to).await;
    let mut db = Conn::open(engine, BENCH_DB).await;
    let left = db
        .scalar("SELECT count(*) FROM orders WHERE priority IS NULL")
        .await;
    assert_eq!(
        left,
        0,
        "{} left {left} rows without a priority",
        case.name()
    );
    let table_bytes = match engine {
        Engine::Postgres => db.scalar("SELECT pg_total_relation_size('orders')").await,
        Engine::Mysql => {
            db.execute("ANALYZE TABLE orders").await;
            db.scalar(
                "SELECT CAST(data_length + index_length AS SIGNED) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = 'orders'",
            )
            .await
        }
    };
    let outcome = Outcome {
        case,
        time: to - from,
        rows,
        app,
        table_bytes,
    };
    println!(
        "{}: {:.1} s, app p99 {:.1} ms{}",
        case.name(),
        outcome.time.as_secs_f64(),
        ms(outcome.app.p99),
        if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        }
    );
    outcome
}

async fn plain_update(engine: Engine) -> String {
    let mut db = Conn::open(engine, BENCH_DB).await;
    db.execute(&format!("UPDATE orders SET {FILL} WHERE priority IS NULL"))
        .await;
    String::new()
}

async fn fixed_loop(engine: Engine) -> String {
    let mut db = Conn::open(engine, BENCH_DB).await;
    match engine {
        Engine::Postgres => {
            db.execute(&format!(
                "DO $$
                 DECLARE lo bigint; hi bigint;
                 BEGIN
                   SELECT min(id), max(id) INTO lo, hi FROM orders;
                   WHILE lo <= hi LOOP
                     UPDATE orders SET {FILL}
                     WHERE id >= lo AND id < lo + {LOOP_RANGE} AND priority IS NULL;
                     COMMIT;
                     PERFORM pg_sleep(0.1);
                     lo := lo + {LOOP_RANGE};
                   END LOOP;
                 END $$"
            ))
            .await;
        }
        Engine::Mysql => {
            db.execute(&format!(
                "CREATE PROCEDURE fill_priority()
                 BEGIN
                   DECLARE lo BIGINT; DECLARE hi BIGINT;
                   SELECT min(id), max(id) INTO lo, hi FROM orders;
                   WHILE lo <= hi DO
                     UPDATE orders SET {FILL}
                     WHERE id >= lo AND id < lo + {LOOP_RANGE} AND priority IS NULL;
                     COMMIT;
                     DO SLEEP(0.1);
                     SET lo = lo + {LOOP_RANGE};
                   END WHILE;
                 END"
            ))
            .await;
            db.execute("CALL fill_priority()").await;
            db.execute("DROP PROCEDURE fill_priority").await;
        }
    }
    String::new()
}

/// `ratchet up` of a backfill migration, in its own process, as a user would run it.
async fn ratchet_up(engine: Engine, target_batch_time: Option<&'static str>) -> String {
    let project = tempfile::tempdir().unwrap();
    let migrations = project.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        project.path().join("ratchet.toml"),
        format!(
            "[database]\nurl = \"{}\"\n\n[migrations]\ndir = \"migrations\"\n{}",
            engine.url(BENCH_DB),
            target_batch_time.map_or(String::new(), |t| format!(
                "\n[backfill]\ntarget_batch_time = \"{t}\"\n"
            ))
        ),
    )
    .unwrap();
    std::fs::write(
        migrations.join("20260101000000_backfill_priority.up.sql"),
        format!("-- ratchet:backfill table=orders key=id\nUPDATE orders SET {FILL}\nWHERE priority IS NULL;\n"),
    )
    .unwrap();
    std::fs::write(
        migrations.join("20260101000000_backfill_priority.verify.sql"),
        "SELECT count(*) FROM orders WHERE priority IS NULL;\n",
    )
    .unwrap();
    let ratchet = PathBuf::from(env!("CARGO_BIN_EXE_ratchet"));
    let output = tokio::task::spawn_blocking(move || {
        Command::new(ratchet)
            .arg("-C")
            .arg(project.path())
            .arg("up")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "ratchet up failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut db = Conn::open(engine, BENCH_DB).await;
    let batches = db.scalar("SELECT batches FROM ratchet_backfills").await;
    let last_size = db.scalar("SELECT batch_size FROM ratchet_backfills").await;
    format!("{batches} batches, last batch {last_size} rows")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(bytes: i64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn print_table(baseline: &AppStats, outcomes: &[Outcome]) {
    println!(
        "\nno backfill: app p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms, longest lock wait {:.0} ms, \
         {} queries, {} errors\n",
        ms(baseline.p50),
        ms(baseline.p99),
        ms(baseline.max),
        ms(baseline.longest_lock_wait),
        baseline.queries,
        baseline.errors
    );
    println!(
        "| way | time | rows/s | × plain rows/s | app p50 | app p99 | p99 × no backfill | app max \
         | longest lock wait | app errors | table after |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let rate = |o: &Outcome| o.rows as f64 / o.time.as_secs_f64();
    for o in outcomes {
        // Against the plain UPDATE of the same table.
        let plain = outcomes
            .iter()
            .find(|p| {
                matches!(p.case.way, Way::Plain) && p.case.secondary_index == o.case.secondary_index
            })
            .map_or(f64::NAN, rate);
        println!(
            "| {} | {:.1} s | {:.0} | {:.2} | {:.2} ms | {:.2} ms | {:.1} | {:.0} ms | {:.0} ms | {} \
             | {:.0} MiB |",
            o.case.name(),
            o.time.as_secs_f64(),
            rate(o),
            rate(o) / plain,
            ms(o.app.p50),
            ms(o.app.p99),
            ms(o.app.p99) / ms(baseline.p99).max(f64::MIN_POSITIVE),
            ms(o.app.max),
            ms(o.app.longest_lock_wait),
            o.app.errors,
            mib(o.table_bytes),
        );
    }
}
