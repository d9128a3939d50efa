//! The ledger's shape, baseline and the CREATE INDEX CONCURRENTLY trap.

use std::time::Duration;

use ratchet_migrate::runner::Runner;

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    baseline_adopts_an_existing_database,
    one_live_row_per_version_is_enforced_by_the_database,
    concurrent_index_under_the_migrator_lock_does_not_deadlock,
    foreign_key_violations_roll_back_on_sqlite,
);

async fn baseline_adopts_an_existing_database(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::shop();
    // The database was built by hand (or another tool) up to the index.
    db.execute(
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(100) NOT NULL, \
         total NUMERIC(12, 2) NOT NULL, status VARCHAR(32) NOT NULL DEFAULT 'new', \
         created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, priority VARCHAR(16))",
    );
    let mut engine = connect(&db).await;
    let set = folder.set(dialect(kind));
    let mut sink = |_| {};
    let adopted = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .baseline(&set, 20261101090200)
        .await
        .unwrap();
    assert_eq!(adopted, [20261101090000, 20261101090100, 20261101090200]);
    let applied = up(&db, &folder).await.unwrap();
    assert_eq!(applied, [20261101090300, 20261101090400, 20261101090500]);
    let note = db
        .scalar("SELECT note FROM ratchet_migrations WHERE version = 20261101090000")
        .unwrap();
    assert!(note.contains("without running it"), "{note}");

    // A second baseline would lie about history: refused.
    let error = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .baseline(&set, 20261101090500)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("already records applied migrations"),
        "{error}"
    );
}

async fn one_live_row_per_version_is_enforced_by_the_database(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[("0001_a.up.sql", "CREATE TABLE a (id INT);\n")]);
    up(&db, &folder).await.unwrap();
    let duplicate = "INSERT INTO ratchet_migrations \
        (version, name, kind, checksum, applied_at, applied_by, state, statements_done) \
        SELECT version, name, kind, checksum, applied_at, applied_by, state, statements_done \
        FROM ratchet_migrations WHERE version = 1";
    let result = connect(&db).await.execute(duplicate).await;
    assert!(
        result.is_err(),
        "a second live row for version 1 was accepted"
    );
}

async fn concurrent_index_under_the_migrator_lock_does_not_deadlock(kind: Kind) {
    if kind != Kind::Postgres {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, status text)");
    db.execute("INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 20000) g");
    let folder = std::sync::Arc::new(Folder::new(&[(
        "0001_index.up.sql",
        "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n",
    )]));
    let db = std::sync::Arc::new(db);
    // Two migrators: one builds the index under the lock while the other waits for the
    // lock. The waiting one must not hold a transaction open that the build waits for.
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let (db, folder) = (db.clone(), folder.clone());
            tokio::spawn(async move { up(&db, &folder).await })
        })
        .collect();
    let mut applied = Vec::new();
    for run in runs {
        let result = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("CREATE INDEX CONCURRENTLY deadlocked with the migrator lock");
        applied.extend(result.unwrap().unwrap());
    }
    assert_eq!(applied, [1]);
    assert_eq!(
        db.scalar(
            "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'orders_status_idx'::regclass"
        )
        .as_deref(),
        Some("true")
    );
}

async fn foreign_key_violations_roll_back_on_sqlite(kind: Kind) {
    if kind != Kind::Sqlite {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "0001_tables.up.sql",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));\n",
        ),
        (
            "0002_bad.up.sql",
            "INSERT INTO lines (id, order_id) VALUES (1, 99);\n",
        ),
    ]);
    let text = message(up(&db, &folder).await);
    assert!(text.contains("foreign key violation"), "{text}");
    assert!(text.contains("0002_bad.up.sql"), "{text}");
    assert_eq!(
        db.scalar("SELECT count(*) FROM lines").as_deref(),
        Some("0")
    );
    assert_eq!(db.ledger().len(), 1);
}
