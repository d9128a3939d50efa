//! Guarded rollbacks against real databases: a down script that would destroy real data
//! saves it first (or refuses, or records the accepted loss), and `restore` puts it back.

use ratchet_migrate::backups::{self, Backup, BackupKind};
use ratchet_migrate::event::Event;
use ratchet_migrate::ledger::{self, LedgerRow};
use ratchet_migrate::plan::{DownOptions, DownTarget, UpOptions};
use ratchet_migrate::restore::{self, Restored};
use ratchet_migrate::runner::Runner;
use ratchet_migrate::{Error, Result};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    shop_priority_pair_is_saved_and_restored,
    empty_column_and_table_are_dropped_without_a_backup,
    accepted_data_loss_skips_the_backup_and_records_why,
    keyless_table_with_data_is_refused,
    delete_in_a_down_saves_the_deleted_rows,
    dropped_table_is_saved_whole_and_restored,
    failing_down_keeps_no_backup_where_the_engine_allows,
    narrowing_type_change_saves_key_and_column,
    inexact_delete_copies_the_whole_small_table,
    no_transaction_down_commits_the_copy_first,
    one_copy_of_a_table_covers_its_columns,
);

const BACKFILL: i64 = 20261101090400;
const ADD_PRIORITY: i64 = 20261101090200;
const SEED: i64 = 20261101090100;

async fn down_with(
    db: &TestDb,
    folder: &Folder,
    target: DownTarget,
    options: &DownOptions,
    events: &Events,
) -> Result<Vec<i64>> {
    let mut engine = connect(db).await;
    let set = folder.set(engine.dialect());
    let mut sink = events.sink();
    let mut runner = Runner::new(engine.as_mut(), quick_settings(), &mut sink);
    runner.down(&set, target, options).await
}

async fn restore_backup(db: &TestDb, id: i64) -> Result<Restored> {
    let mut engine = connect(db).await;
    let mut sink = |_| {};
    restore::restore(engine.as_mut(), id, quick_settings(), &mut sink).await
}

async fn backup_rows(db: &TestDb) -> Vec<Backup> {
    let mut engine = connect(db).await;
    backups::list(engine.as_mut()).await.unwrap()
}

async fn ledger_rows(db: &TestDb) -> Vec<LedgerRow> {
    let mut engine = connect(db).await;
    ledger::rows(engine.as_mut()).await.unwrap()
}

/// The note of the newest rolled-back row of `version`.
async fn rollback_note(db: &TestDb, version: i64) -> String {
    ledger_rows(db)
        .await
        .into_iter()
        .rev()
        .find(|r| r.version == version && r.rolled_back_at.is_some())
        .and_then(|r| r.note)
        .unwrap_or_default()
}

fn accept(reason: &str) -> DownOptions {
    DownOptions {
        accept_data_loss: Some(reason.into()),
        ..DownOptions::default()
    }
}

/// The copy's rows, ordered by its first column.
fn copy_rows(db: &TestDb, backup: &Backup) -> Vec<Vec<Option<String>>> {
    db.rows(&format!("SELECT * FROM {} ORDER BY 1", backup.backup_table))
}

fn priorities(db: &TestDb) -> Vec<(String, Option<String>)> {
    db.rows("SELECT id, priority FROM orders ORDER BY id")
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone()))
        .collect()
}

/// The seed's data, rolled back with the priority pair, is saved; restore after `up`
/// brings every value back, even over what the backfill computed again.
async fn shop_priority_pair_is_saved_and_restored(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Folder::shop();
    up(&db, &shop).await.unwrap();
    // Real data that the backfill would not compute.
    for (id, priority) in [(1, "urgent"), (2, "low"), (3, "urgent"), (5, "vip")] {
        db.execute(&format!(
            "UPDATE orders SET priority = '{priority}' WHERE id = {id}"
        ));
    }
    db.execute("UPDATE orders SET priority = NULL WHERE id = 4");
    let before = priorities(&db);

    let events = Events::default();
    let rolled_back = down_with(
        &db,
        &shop,
        DownTarget::To(SEED),
        &DownOptions::default(),
        &events,
    )
    .await
    .unwrap();
    assert_eq!(rolled_back.len(), 4);
    assert!(!db.columns("orders").contains(&"priority".to_string()));

    let saved = backup_rows(&db).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    let backup = &saved[0];
    assert_eq!(backup.version, BACKFILL);
    assert_eq!(backup.kind, BackupKind::Column);
    assert_eq!(backup.source(), "orders.priority");
    assert_eq!(backup.key_columns, ["id"]);
    assert_eq!(backup.rows, Some(4), "the NULL of order 4 is not data");
    assert!(
        backup
            .destroyed_by
            .contains("UPDATE orders SET priority = NULL")
    );
    assert_eq!(copy_rows(&db, backup).len(), 4);
    let note = rollback_note(&db, BACKFILL).await;
    assert!(
        note.contains(&format!(
            "saved orders.priority (4 rows) to {}; restore with `ratchet restore {}`",
            backup.backup_table, backup.id
        )),
        "{note}"
    );
    assert_eq!(
        note.contains("MySQL commits CREATE TABLE at once"),
        kind == Kind::Mysql,
        "{note}"
    );
    // By the time 090200 drops the column, the backfill's down has emptied it.
    let note = rollback_note(&db, ADD_PRIORITY).await;
    assert!(note.contains("nothing was lost"), "{note}");
    assert!(events.all().iter().any(|e| matches!(
        e,
        Event::BackupTaken { id, rows: 4, .. } if *id == backup.id
    )));

    // Not before the column is back.
    let early = restore_backup(&db, backup.id).await;
    let early = message(early);
    assert!(
        early.contains("column orders.priority does not exist yet")
            && early.contains(&format!("re-apply migration {BACKFILL} first")),
        "{early}"
    );

    up(&db, &shop).await.unwrap();
    assert_ne!(
        priorities(&db),
        before,
        "the backfill computed its own values"
    );
    let restored = restore_backup(&db, backup.id).await.unwrap();
    assert_eq!(restored.rows_restored, 4);
    assert_eq!(restored.rows_skipped, 0);
    let after: Vec<(String, Option<String>)> = priorities(&db)
        .into_iter()
        .map(|(id, p)| if id == "4" { (id, None) } else { (id, p) })
        .collect();
    assert_eq!(after, before, "every saved value is back");
    assert_eq!(
        priorities(&db)[3].1.as_deref(),
        Some("high"),
        "order 4 keeps what the backfill gave it"
    );

    let recorded = &backup_rows(&db).await[0];
    assert!(recorded.restored_at.is_some());
    assert!(recorded.restored_by.as_deref().unwrap().contains('@'));
    assert_eq!(recorded.restored_rows, Some(4));
    let again = message(restore_backup(&db, backup.id).await);
    assert!(again.contains("already restored"), "{again}");
    let missing = restore_backup(&db, 99).await.unwrap_err();
    assert!(matches!(missing, Error::Usage(_)), "{missing}");
}

async fn empty_column_and_table_are_dropped_without_a_backup(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_tags.up.sql",
            "CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20) DEFAULT 'none');",
        ),
        ("1_tags.down.sql", "DROP TABLE tags;"),
        (
            "2_color.up.sql",
            "ALTER TABLE tags ADD COLUMN color VARCHAR(10) DEFAULT 'red';",
        ),
        ("2_color.down.sql", "ALTER TABLE tags DROP COLUMN color;"),
    ]);
    up(&db, &folder).await.unwrap();
    // Rows, but the column holds only its default and NULL.
    db.execute("INSERT INTO tags (id) VALUES (1)");
    db.execute("INSERT INTO tags (id, color) VALUES (2, NULL)");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    let note = rollback_note(&db, 2).await;
    assert_eq!(
        note,
        "tags.color held no data (only NULL or its default): dropped without a backup, \
         nothing was lost"
    );
    db.execute("DELETE FROM tags");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert_eq!(
        rollback_note(&db, 1).await,
        "table tags was empty: nothing was lost"
    );
    assert!(backup_rows(&db).await.is_empty());
    assert!(!db.has_table("tags"));
}

async fn accepted_data_loss_skips_the_backup_and_records_why(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Folder::shop();
    up(&db, &shop).await.unwrap();
    let events = Events::default();
    down_with(
        &db,
        &shop,
        DownTarget::To(SEED),
        &accept("priorities are recomputed by the backfill"),
        &events,
    )
    .await
    .unwrap();
    assert!(backup_rows(&db).await.is_empty());
    assert!(!db.has_table("ratchet_backups"), "no copy was taken");
    assert!(!db.has_table("ratchet_backup_b1_orders_priority"));
    let note = rollback_note(&db, BACKFILL).await;
    assert!(
        note.starts_with("accepted data loss: priorities are recomputed by the backfill\n"),
        "{note}"
    );
    assert!(
        note.contains("not saved: orders.priority, which held data"),
        "{note}"
    );
    assert!(
        events
            .all()
            .iter()
            .any(|e| matches!(e, Event::Notice(n) if n.contains("not saved: orders.priority")))
    );
}

async fn keyless_table_with_data_is_refused(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_events.up.sql",
            "CREATE TABLE events (name VARCHAR(20) NOT NULL, payload VARCHAR(50));",
        ),
        (
            "2_source.up.sql",
            "ALTER TABLE events ADD COLUMN source VARCHAR(20);",
        ),
        (
            "2_source.down.sql",
            "ALTER TABLE events DROP COLUMN source;",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO events (name, source) VALUES ('signup', 'web')");
    let error = down(&db, &folder, DownTarget::Last).await.unwrap_err();
    assert!(is_refused(&error), "{error:?}");
    let message = error.to_string();
    for expected in [
        "migration 2 was not rolled back",
        "2_source.down.sql:1: ALTER TABLE events DROP COLUMN source",
        "would destroy events.source, which holds data",
        "events has no primary key (nor a unique key on NOT NULL columns)",
        "give events a primary key (or a unique NOT NULL key) in a new migration",
        "--accept-data-loss \"<reason>\"",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} not in:\n{message}"
        );
    }
    // Nothing happened: the column, the data and an honest ledger.
    assert!(db.columns("events").contains(&"source".to_string()));
    let live = ledger_rows(&db).await;
    assert!(
        live.iter()
            .all(|r| r.state == ledger::RowState::Applied && r.rolled_back_at.is_none()),
        "{live:?}"
    );
    assert!(backup_rows(&db).await.is_empty());

    // The loss, once accepted, goes through.
    down_with(
        &db,
        &folder,
        DownTarget::Last,
        &accept("test data"),
        &Events::default(),
    )
    .await
    .unwrap();
    assert!(!db.columns("events").contains(&"source".to_string()));
}

async fn delete_in_a_down_saves_the_deleted_rows(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Folder::shop();
    up_with(
        &db,
        &shop,
        &UpOptions {
            to: Some(SEED),
            ..UpOptions::default()
        },
        quick_settings(),
        &Events::default(),
    )
    .await
    .unwrap();
    // Orders the application wrote: the seed's down must not touch them.
    db.execute("INSERT INTO orders (id, customer, total) VALUES (6, 'Alan', 10.00)");
    db.execute("UPDATE orders SET status = 'refunded' WHERE id = 2");
    down(&db, &shop, DownTarget::Last).await.unwrap();
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders").as_deref(),
        Some("1")
    );

    let saved = backup_rows(&db).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    let backup = &saved[0];
    assert_eq!(backup.kind, BackupKind::Rows);
    assert_eq!(backup.rows, Some(5));
    assert_eq!(backup.key_columns, ["id"]);
    let copied: Vec<String> = copy_rows(&db, backup)
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    assert_eq!(
        copied,
        ["1", "2", "3", "4", "5"],
        "exactly the rows the DELETE removed"
    );
    let note = rollback_note(&db, SEED).await;
    assert!(
        note.contains("saved the rows of orders the DELETE removes (5 rows)"),
        "{note}"
    );

    // Order 3 came back meanwhile: it stays as it is, the other four come back whole.
    db.execute("INSERT INTO orders (id, customer, total) VALUES (3, 'Edsger again', 1.00)");
    let restored = restore_backup(&db, backup.id).await.unwrap();
    assert_eq!((restored.rows_restored, restored.rows_skipped), (4, 1));
    assert_eq!(
        db.rows("SELECT id, customer, status FROM orders ORDER BY id")
            .into_iter()
            .map(|r| r
                .into_iter()
                .map(Option::unwrap)
                .collect::<Vec<_>>()
                .join(" "))
            .collect::<Vec<_>>(),
        [
            "1 Ada paid",
            "2 Grace refunded",
            "3 Edsger again new",
            "4 Barbara shipped",
            "5 Donald new",
            "6 Alan new"
        ]
    );
}

async fn dropped_table_is_saved_whole_and_restored(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_items.up.sql",
            "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT);",
        ),
        ("1_items.down.sql", "DROP TABLE items;"),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO items (id, name, qty) VALUES (1, 'bolt', 40), (2, 'nut', NULL)");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert!(!db.has_table("items"));
    let backup = backup_rows(&db).await.remove(0);
    assert_eq!(backup.kind, BackupKind::Table);
    assert_eq!(backup.source(), "items");
    assert_eq!(backup.rows, Some(2));
    assert!(
        rollback_note(&db, 1)
            .await
            .contains("saved table items (2 rows)"),
    );
    let early = message(restore_backup(&db, backup.id).await);
    assert!(
        early.contains("table items does not exist yet: re-apply migration 1 first"),
        "{early}"
    );
    up(&db, &folder).await.unwrap();
    let restored = restore_backup(&db, backup.id).await.unwrap();
    assert_eq!(restored.rows_restored, 2);
    assert_eq!(
        db.rows("SELECT id, name, qty FROM items ORDER BY id"),
        [
            vec![Some("1".into()), Some("bolt".into()), Some("40".into())],
            vec![Some("2".into()), Some("nut".into()), None],
        ]
    );
}

/// PostgreSQL and SQLite take the copy in the down's transaction: a down that fails after
/// it leaves neither the copy nor its row. MySQL commits the copy first, and says so.
async fn failing_down_keeps_no_backup_where_the_engine_allows(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_notes.up.sql",
            "CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(50));",
        ),
        (
            "2_mood.up.sql",
            "ALTER TABLE notes ADD COLUMN mood VARCHAR(10);",
        ),
        (
            "2_mood.down.sql",
            "ALTER TABLE notes DROP COLUMN mood;\nINSERT INTO no_such_table VALUES (1);",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO notes (id, body, mood) VALUES (1, 'hi', 'happy')");
    let error = down(&db, &folder, DownTarget::Last).await.unwrap_err();
    assert!(error.to_string().contains("no_such_table"), "{error}");
    let saved = backup_rows(&db).await;
    match kind {
        Kind::Postgres | Kind::Sqlite => {
            assert!(saved.is_empty(), "{saved:?}");
            assert!(!db.has_table("ratchet_backups"));
            assert!(!db.has_table("ratchet_backup_b1_notes_mood"));
            if kind == Kind::Postgres {
                assert_eq!(
                    db.scalar(
                        "SELECT count(*) FROM information_schema.schemata \
                         WHERE schema_name = 'ratchet_backup'"
                    )
                    .as_deref(),
                    Some("0"),
                    "the copy's schema went with the transaction"
                );
            }
            assert!(db.columns("notes").contains(&"mood".to_string()));
            assert_eq!(
                db.scalar("SELECT mood FROM notes WHERE id = 1").as_deref(),
                Some("happy")
            );
        }
        Kind::Mysql => {
            // The copy committed before the DROP COLUMN, which committed too: the copy is
            // all that is left of the values, and it is listed.
            assert_eq!(saved.len(), 1, "{saved:?}");
            assert!(
                saved[0]
                    .note
                    .as_deref()
                    .unwrap()
                    .contains("committed before")
            );
            assert_eq!(
                copy_rows(&db, &saved[0]),
                [vec![Some("1".into()), Some("happy".into())]]
            );
        }
    }
}

/// Fewer decimals round every value: the key and the column are saved, and come back
/// once the column is wide again. (SQLite has no column type change.)
async fn narrowing_type_change_saves_key_and_column(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let widen = match kind {
        Kind::Postgres => "ALTER TABLE prices ALTER COLUMN amount TYPE NUMERIC(12, 2);",
        Kind::Mysql => "ALTER TABLE prices MODIFY amount DECIMAL(12, 2);",
        Kind::Sqlite => return,
    };
    let narrow = match kind {
        Kind::Postgres => "ALTER TABLE prices ALTER COLUMN amount TYPE NUMERIC(12, 0);",
        _ => "ALTER TABLE prices MODIFY amount DECIMAL(12, 0);",
    };
    let folder = Folder::new(&[
        (
            "1_prices.up.sql",
            "CREATE TABLE prices (sku VARCHAR(10) PRIMARY KEY, amount NUMERIC(12, 0));",
        ),
        ("2_cents.up.sql", widen),
        ("2_cents.down.sql", narrow),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO prices (sku, amount) VALUES ('a', 12.34), ('b', NULL), ('c', 7.50)");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert_eq!(
        db.scalar("SELECT amount FROM prices WHERE sku = 'a'")
            .as_deref(),
        Some("12")
    );
    let backup = backup_rows(&db).await.remove(0);
    assert_eq!(backup.source(), "prices.amount");
    assert_eq!(backup.key_columns, ["sku"]);
    assert_eq!(backup.rows, Some(2));
    up(&db, &folder).await.unwrap();
    assert_eq!(
        restore_backup(&db, backup.id).await.unwrap().rows_restored,
        2
    );
    assert_eq!(
        db.rows("SELECT sku, amount FROM prices ORDER BY sku"),
        [
            vec![Some("a".into()), Some("12.34".into())],
            vec![Some("b".into()), None],
            vec![Some("c".into()), Some("7.50".into())],
        ]
    );
}

/// A DELETE whose condition cannot be reused as it is (here: RETURNING) copies its whole
/// table, which is small, and says so.
async fn inexact_delete_copies_the_whole_small_table(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_tags.up.sql",
            "CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20));",
        ),
        (
            "2_more.up.sql",
            "-- ratchet:allow data-migration-without-verify -- test\n\
             INSERT INTO tags (id, label) VALUES (2, 'b'), (3, 'c');",
        ),
        (
            "2_more.down.sql",
            "DELETE FROM tags WHERE id > 1 RETURNING id;",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO tags (id, label) VALUES (1, 'a')");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert_eq!(db.scalar("SELECT count(*) FROM tags").as_deref(), Some("1"));
    let backup = backup_rows(&db).await.remove(0);
    assert_eq!(backup.kind, BackupKind::Rows);
    assert_eq!(backup.rows, Some(3), "the whole table");
    let note = rollback_note(&db, 2).await;
    assert!(
        note.contains("saved all of tags (ratchet cannot reuse the DELETE's condition exactly"),
        "{note}"
    );
    let restored = restore_backup(&db, backup.id).await.unwrap();
    assert_eq!((restored.rows_restored, restored.rows_skipped), (2, 1));
    assert_eq!(db.scalar("SELECT count(*) FROM tags").as_deref(), Some("3"));
}

/// A down script without a transaction cannot take its copy inside one: the copy commits
/// first, and the note says so.
async fn no_transaction_down_commits_the_copy_first(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_notes.up.sql",
            "CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(50));",
        ),
        (
            "2_mood.up.sql",
            "ALTER TABLE notes ADD COLUMN mood VARCHAR(10);",
        ),
        (
            "2_mood.down.sql",
            "-- ratchet:no-transaction\nALTER TABLE notes DROP COLUMN mood;",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO notes (id, body, mood) VALUES (1, 'hi', 'happy')");
    let events = Events::default();
    down_with(
        &db,
        &folder,
        DownTarget::Last,
        &DownOptions::default(),
        &events,
    )
    .await
    .unwrap();
    let backup = backup_rows(&db).await.remove(0);
    assert!(backup.note.as_deref().unwrap().contains("committed before"));
    let note = rollback_note(&db, 2).await;
    let expected = match kind {
        Kind::Mysql => "the backups committed before the down statements ran: MySQL commits",
        _ => {
            "the backups committed before the down statements ran: this down script runs \
              without a transaction"
        }
    };
    assert!(note.contains(expected), "{note}");
    assert!(events.all().iter().any(|e| matches!(
        e,
        Event::BackupTaken {
            with_rollback: false,
            ..
        }
    )));
    assert_eq!(
        copy_rows(&db, &backup),
        [vec![Some("1".into()), Some("happy".into())]]
    );
}

/// A script that overwrites a column and then drops its table takes one copy: the whole
/// table, taken before either statement runs.
async fn one_copy_of_a_table_covers_its_columns(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_tags.up.sql",
            "CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(20));",
        ),
        (
            "1_tags.down.sql",
            "UPDATE tags SET label = NULL;\nDROP TABLE tags;",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO tags (id, label) VALUES (1, 'a')");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    let saved = backup_rows(&db).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0].kind, BackupKind::Table);
    assert_eq!(
        copy_rows(&db, &saved[0]),
        [vec![Some("1".into()), Some("a".into())]]
    );
    let note = rollback_note(&db, 1).await;
    assert!(
        note.contains("tags.label is in the copy of table tags"),
        "{note}"
    );
}

/// SQLite's table rebuild (create, copy, drop, rename) loses the columns the new table
/// leaves out: those are saved, not the whole table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_rebuild_saves_the_column_it_leaves_out() {
    let db = TestDb::sqlite();
    let folder = Folder::new(&[
        (
            "1_orders.up.sql",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL);",
        ),
        (
            "2_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority TEXT;",
        ),
        (
            "2_priority.down.sql",
            "CREATE TABLE orders_new (id INTEGER PRIMARY KEY, customer TEXT NOT NULL);\n\
             INSERT INTO orders_new (id, customer) SELECT id, customer FROM orders;\n\
             DROP TABLE orders;\n\
             ALTER TABLE orders_new RENAME TO orders;",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    db.execute("INSERT INTO orders VALUES (1, 'Ada', 'high'), (2, 'Grace', NULL)");
    down(&db, &folder, DownTarget::Last).await.unwrap();
    assert_eq!(db.columns("orders"), ["id", "customer"]);
    let saved = backup_rows(&db).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0].source(), "orders.priority");
    assert_eq!(saved[0].rows, Some(1));
    up(&db, &folder).await.unwrap();
    assert_eq!(
        restore_backup(&db, saved[0].id)
            .await
            .unwrap()
            .rows_restored,
        1
    );
    assert_eq!(
        db.rows("SELECT id, priority FROM orders ORDER BY id"),
        [
            vec![Some("1".into()), Some("high".into())],
            vec![Some("2".into()), None]
        ]
    );
}
