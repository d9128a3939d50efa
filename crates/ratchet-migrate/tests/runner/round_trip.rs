//! The shop example applies, rolls back and applies again on every engine, and the ledger
//! tells the whole story.

use ratchet_migrate::ledger;
use ratchet_migrate::plan::DownTarget;
use ratchet_migrate::status::{self, State};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    shop_round_trip_keeps_every_ledger_row,
    down_to_a_version_and_single_down,
    no_transaction_is_inferred_for_concurrent_index,
    wrapping_begin_commit_is_absorbed,
);

async fn shop_round_trip_keeps_every_ledger_row(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Folder::shop();

    let applied = up(&db, &shop).await.unwrap();
    assert_eq!(applied.len(), 6);
    assert_eq!(
        db.columns("orders"),
        [
            "id",
            "customer",
            "total",
            "status",
            "created_at",
            "priority"
        ]
    );
    assert!(db.has_table("shipments"));
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders WHERE priority = 'high'")
            .as_deref(),
        Some("2")
    );

    let rolled_back = down(&db, &shop, DownTarget::To(0)).await.unwrap();
    assert_eq!(rolled_back.len(), 6);
    assert_eq!(rolled_back[0], 20261101090500, "newest first");
    assert!(!db.has_table("orders"));
    assert!(!db.has_table("shipments"));

    up(&db, &shop).await.unwrap();
    assert!(db.has_table("shipments"));

    let ledger = db.ledger();
    assert_eq!(ledger.len(), 12, "{ledger:?}");
    let first = ledger
        .iter()
        .filter(|r| r.0 == 20261101090000)
        .collect::<Vec<_>>();
    assert_eq!(
        first,
        [
            &(20261101090000, "rolled_back".to_string(), true),
            &(20261101090000, "applied".to_string(), false)
        ]
    );

    let mut engine = connect(&db).await;
    let rows = ledger::rows(engine.as_mut()).await.unwrap();
    let statuses = status::compute(&shop.set(dialect(kind)), &rows);
    assert!(
        statuses.iter().all(|s| s.state == State::Applied),
        "{statuses:?}"
    );
    let seed = rows
        .iter()
        .find(|r| r.version == 20261101090100 && r.is_live())
        .unwrap();
    assert_eq!(seed.kind, "data");
    assert_eq!(seed.statements_done, 1);
    assert!(seed.applied_by.contains('@'));
    assert!(seed.execution_time_ms.is_some());
    let create = rows.iter().find(|r| r.version == 20261101090000).unwrap();
    assert_eq!(create.kind, "schema");
    assert!(create.rolled_back_by.is_some());
    assert_eq!(create.checksum.len(), 64);
}

async fn down_to_a_version_and_single_down(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Folder::shop();
    up(&db, &shop).await.unwrap();

    let error = down(&db, &shop, DownTarget::Only(20261101090200))
        .await
        .unwrap_err();
    assert!(is_refused(&error), "{error}");
    // Refused by its dependents (the index, the backfill), not by every newer migration:
    // shipments does not use priority.
    assert!(
        error.to_string().starts_with(
            "cannot roll back 20261101090200 while 20261101090300, 20261101090400 are applied"
        ),
        "{error}"
    );

    assert_eq!(
        down(&db, &shop, DownTarget::To(20261101090300))
            .await
            .unwrap(),
        [20261101090500, 20261101090400]
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders WHERE priority IS NULL")
            .as_deref(),
        Some("5")
    );
    assert_eq!(
        down(&db, &shop, DownTarget::Last).await.unwrap(),
        [20261101090300]
    );
    assert_eq!(
        down(&db, &shop, DownTarget::Only(20261101090200))
            .await
            .unwrap(),
        [20261101090200]
    );
    assert!(!db.columns("orders").contains(&"priority".to_string()));

    // A version that is not applied is named.
    let message = message(down(&db, &shop, DownTarget::Only(20261101090400)).await);
    assert!(
        message.contains("20261101090400 is not applied"),
        "{message}"
    );
}

async fn no_transaction_is_inferred_for_concurrent_index(kind: Kind) {
    if kind != Kind::Postgres {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text);",
        ),
        (
            "0002_index.up.sql",
            "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n",
        ),
        (
            "0002_index.down.sql",
            "DROP INDEX CONCURRENTLY orders_status_idx;\n",
        ),
    ]);
    let events = Events::default();
    up_with(&db, &folder, &Default::default(), quick_settings(), &events)
        .await
        .unwrap();
    assert_eq!(
        db.scalar(
            "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'orders_status_idx'::regclass"
        )
        .as_deref(),
        Some("true")
    );
    let notices: Vec<String> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            ratchet_migrate::Event::Notice(n) => Some(n),
            _ => None,
        })
        .collect();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("without a transaction") && n.contains("line 1")),
        "{notices:?}"
    );
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert_eq!(
        db.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_status_idx'")
            .as_deref(),
        Some("0")
    );
}

async fn wrapping_begin_commit_is_absorbed(kind: Kind) {
    if kind == Kind::Mysql {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[(
        "0001_wrapped.up.sql",
        "BEGIN;\nCREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\nCOMMIT;\n",
    )]);
    up(&db, &folder).await.unwrap();
    assert!(db.has_table("a") && db.has_table("b"));
    assert_eq!(db.ledger(), [(1, "applied".to_string(), false)]);

    // A COMMIT in the middle would end ratchet's transaction early: refused before running.
    folder.write(
        "0002_split.up.sql",
        "CREATE TABLE c (id INT);\nCOMMIT;\nCREATE TABLE d (id INT);\n",
    );
    let message = message(up(&db, &folder).await);
    assert!(message.contains("0002_split.up.sql:2:"), "{message}");
    assert!(message.contains("ratchet:no-transaction"), "{message}");
    assert!(!db.has_table("c"));
}
