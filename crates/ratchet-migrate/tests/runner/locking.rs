//! One migrator at a time, and statements that never queue long behind a table lock.

use std::time::Duration;

use ratchet_migrate::engine::{self, LockHolder};
use ratchet_migrate::plan::UpOptions;
use ratchet_migrate::{Error, Event};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    lock_timeout_names_the_holder,
    waiting_migrator_goes_on_when_the_lock_is_released,
    concurrent_runs_apply_each_migration_once,
    statement_lock_timeout_is_retried_with_backoff,
    statement_lock_timeout_gives_up_after_the_retries,
);

fn orders_folder() -> Folder {
    Folder::new(&[
        (
            "0001_create.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY, total INT);\n",
        ),
        (
            "0002_seed.up.sql",
            "INSERT INTO orders (id, total) VALUES (1, 10), (2, 20);\n",
        ),
        (
            "0003_add.up.sql",
            "ALTER TABLE orders ADD COLUMN note VARCHAR(20);\n",
        ),
    ])
}

fn settings(lock_timeout: Duration) -> ratchet_migrate::config::RunSettings {
    ratchet_migrate::config::RunSettings {
        lock_timeout,
        ..quick_settings()
    }
}

async fn lock_timeout_names_the_holder(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = orders_folder();
    let mut holder = connect(&db).await;
    let someone = LockHolder {
        host: "deploy-box".into(),
        pid: "4242".into(),
        since: Some("2026-11-26T02:19:00Z".into()),
    };
    assert!(holder.try_lock(&someone).await.unwrap());

    let events = Events::default();
    let error = up_with(
        &db,
        &folder,
        &UpOptions::default(),
        settings(Duration::from_millis(600)),
        &events,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("held by pid 4242 on deploy-box since 2026-11-26T02:19:00Z"),
        "{text}"
    );
    assert!(text.contains("--lock-timeout"), "{text}");
    let waiting = events.all().into_iter().find_map(|e| match e {
        Event::LockWaiting { holder, .. } => Some(holder),
        _ => None,
    });
    assert_eq!(waiting, Some(Some(someone)));
    assert!(!db.has_table("orders"));
}

async fn waiting_migrator_goes_on_when_the_lock_is_released(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = orders_folder();
    let mut holder = connect(&db).await;
    assert!(holder.try_lock(&LockHolder::this_process()).await.unwrap());
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        holder.unlock().await.unwrap();
        holder
    });
    let events = Events::default();
    up_with(
        &db,
        &folder,
        &UpOptions::default(),
        settings(Duration::from_secs(20)),
        &events,
    )
    .await
    .unwrap();
    release.await.unwrap();
    let all = events.all();
    assert!(
        matches!(all.first(), Some(Event::LockWaiting { .. })),
        "{all:?}"
    );
    assert!(all.iter().any(
        |e| matches!(e, Event::LockAcquired { waited } if *waited >= Duration::from_millis(500))
    ));
    assert_eq!(db.ledger().len(), 3);
}

async fn concurrent_runs_apply_each_migration_once(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let mut files = vec![(
        "0001_create.up.sql".to_string(),
        "CREATE TABLE orders (id INT PRIMARY KEY, total INT);\n".to_string(),
    )];
    for n in 2..=8 {
        files.push((
            format!("{n:04}_col{n}.up.sql"),
            format!("ALTER TABLE orders ADD COLUMN c{n} INT;\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let folder = std::sync::Arc::new(Folder::new(&refs));
    let db = std::sync::Arc::new(db);
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (db, folder) = (db.clone(), folder.clone());
            tokio::spawn(async move { up(&db, &folder).await.unwrap() })
        })
        .collect();
    let mut applied = Vec::new();
    for run in runs {
        applied.extend(run.await.unwrap());
    }
    applied.sort_unstable();
    assert_eq!(
        applied,
        (1..=8).collect::<Vec<i64>>(),
        "each applied by exactly one run"
    );
    assert_eq!(db.ledger().len(), 8);
}

/// Holds a lock on `orders` from another session for `hold`, the way a long transaction of
/// the application would.
async fn hold_table_lock(db: &TestDb, hold: Duration) -> tokio::task::JoinHandle<()> {
    let mut blocker = engine::connect(&db.url).await.unwrap();
    match db.kind {
        Kind::Postgres => {
            blocker.execute("BEGIN").await.unwrap();
            blocker
                .execute("LOCK TABLE orders IN ACCESS SHARE MODE")
                .await
                .unwrap();
        }
        Kind::Mysql => {
            // An open transaction that read the table holds its metadata lock.
            blocker.execute("BEGIN").await.unwrap();
            blocker.query("SELECT * FROM orders").await.unwrap();
        }
        Kind::Sqlite => {
            blocker.execute("BEGIN IMMEDIATE").await.unwrap();
            blocker
                .execute("UPDATE orders SET total = total")
                .await
                .unwrap();
        }
    }
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        blocker.execute("COMMIT").await.unwrap();
    })
}

async fn statement_lock_timeout_is_retried_with_backoff(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = orders_folder();
    folder.remove("0003_add.up.sql");
    up(&db, &folder).await.unwrap();
    folder.write(
        "0003_add.up.sql",
        "ALTER TABLE orders ADD COLUMN note VARCHAR(20);\n",
    );

    // MySQL's lock_wait_timeout counts whole seconds.
    let (ddl_timeout, hold) = match kind {
        Kind::Mysql => (Duration::from_secs(1), Duration::from_millis(2500)),
        _ => (Duration::from_millis(300), Duration::from_millis(1200)),
    };
    let blocker = hold_table_lock(&db, hold).await;
    let events = Events::default();
    let settings = ratchet_migrate::config::RunSettings {
        ddl_lock_timeout: ddl_timeout,
        ddl_lock_retries: 4,
        ..quick_settings()
    };
    up_with(&db, &folder, &UpOptions::default(), settings, &events)
        .await
        .unwrap();
    blocker.await.unwrap();
    let retries: Vec<_> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::LockTimeoutRetry { line, attempt, .. } => Some((line, attempt)),
            _ => None,
        })
        .collect();
    assert!(!retries.is_empty(), "no retry reported");
    assert_eq!(retries[0], (1, 1));
    assert!(db.columns("orders").contains(&"note".to_string()));
}

async fn statement_lock_timeout_gives_up_after_the_retries(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = orders_folder();
    folder.remove("0003_add.up.sql");
    up(&db, &folder).await.unwrap();
    folder.write(
        "0003_add.up.sql",
        "ALTER TABLE orders ADD COLUMN note VARCHAR(20);\n",
    );
    let blocker = hold_table_lock(&db, Duration::from_secs(6)).await;
    let settings = ratchet_migrate::config::RunSettings {
        ddl_lock_timeout: Duration::from_secs(1),
        ddl_lock_retries: 1,
        ..quick_settings()
    };
    let error = up_with(
        &db,
        &folder,
        &UpOptions::default(),
        settings,
        &Events::default(),
    )
    .await
    .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("0003_add.up.sql:1: statement failed"),
        "{text}"
    );
    blocker.await.unwrap();
    assert!(!db.columns("orders").contains(&"note".to_string()));
    let ledger = db.ledger();
    match kind {
        // The ALTER never ran: the ledger says none of its statements committed.
        Kind::Mysql => {
            assert_eq!(ledger.last(), Some(&(3, "failed".to_string(), false)));
            assert_eq!(
                db.scalar("SELECT statements_done FROM ratchet_migrations WHERE version = 3")
                    .as_deref(),
                Some("0")
            );
        }
        _ => assert_eq!(ledger.len(), 2),
    }
}
