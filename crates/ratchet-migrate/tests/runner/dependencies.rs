//! Dependencies on real databases: `down V` refuses while a dependent is applied and
//! `--cascade` rolls dependents back first; `down --to` follows the graph; `up` refuses a
//! migration whose dependency would not be applied before it; missing and cyclic
//! dependencies are errors that name the files.

use ratchet_migrate::config::Mode;
use ratchet_migrate::plan::{DownOptions, DownTarget, UpOptions};
use ratchet_migrate::runner::Runner;
use ratchet_migrate::{Error, Result};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    down_refuses_while_a_dependent_is_applied_and_cascade_rolls_it_back_first,
    down_to_follows_dependencies_and_up_refuses_a_missing_one,
    missing_and_cyclic_dependencies_are_errors_naming_files,
);

/// 1 creates orders, 2 fills it, 3 adds priority, 4 indexes it, 5 creates an unrelated
/// table: 4 depends on 3, 5 on nothing that 3 or 4 made.
fn priority_folder() -> Folder {
    Folder::new(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, total INT NOT NULL);\n",
        ),
        ("0001_orders.down.sql", "DROP TABLE orders;\n"),
        (
            "0002_seed.up.sql",
            "INSERT INTO orders (id, total) VALUES (1, 10), (2, 2000);\n",
        ),
        (
            "0002_seed.down.sql",
            "DELETE FROM orders WHERE id IN (1, 2);\n",
        ),
        (
            "0003_add_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority VARCHAR(16);\n",
        ),
        (
            "0003_add_priority.down.sql",
            "ALTER TABLE orders DROP COLUMN priority;\n",
        ),
        (
            "0004_index_priority.up.sql",
            "CREATE INDEX orders_priority_idx ON orders (priority);\n",
        ),
        (
            "0004_index_priority.down.sql",
            "DROP INDEX orders_priority_idx;\n",
        ),
        (
            "0004_index_priority.down.mysql.sql",
            "DROP INDEX orders_priority_idx ON orders;\n",
        ),
        (
            "0005_notes.up.sql",
            "CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(100));\n",
        ),
        ("0005_notes.down.sql", "DROP TABLE notes;\n"),
    ])
}

/// Whether the index exists, from the engine's catalog.
fn has_index(db: &TestDb, kind: Kind, index: &str) -> bool {
    let sql = match kind {
        Kind::Postgres => format!("SELECT count(*) FROM pg_indexes WHERE indexname = '{index}'"),
        Kind::Mysql => format!(
            "SELECT count(*) FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND index_name = '{index}'"
        ),
        Kind::Sqlite => {
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{index}'")
        }
    };
    db.scalar(&sql).as_deref() != Some("0")
}

/// Versions whose ledger row is live (not rolled back), in version order.
fn live(db: &TestDb) -> Vec<i64> {
    let mut versions: Vec<i64> = db
        .ledger()
        .into_iter()
        .filter(|(_, _, rolled_back)| !rolled_back)
        .map(|(v, _, _)| v)
        .collect();
    versions.sort_unstable();
    versions
}

async fn down_with(
    db: &TestDb,
    folder: &Folder,
    target: DownTarget,
    options: &DownOptions,
) -> Result<Vec<i64>> {
    let mut engine = connect(db).await;
    let set = folder.set(engine.dialect());
    let mut sink = |_| {};
    let mut runner = Runner::new(engine.as_mut(), quick_settings(), &mut sink);
    runner.down(&set, target, options).await
}

fn cascade() -> DownOptions {
    DownOptions {
        cascade: true,
        ..DownOptions::default()
    }
}

async fn down_refuses_while_a_dependent_is_applied_and_cascade_rolls_it_back_first(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = priority_folder();
    up(&db, &folder).await.unwrap();

    // 4 indexes the column 3 added: 3 alone is refused, naming 4 and why. 5 is newer but
    // does not depend on 3, so it is not named.
    let error = down(&db, &folder, DownTarget::Only(3)).await.unwrap_err();
    assert!(is_refused(&error), "{error}");
    let path = folder.path().join("0004_index_priority.up.sql");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot roll back 3 while 4 is applied:\n  4 ({}) depends on 3: indexes \
             orders.priority, added by 3\nroll them back first, or run `ratchet down 3 \
             --cascade` to roll them back before 3",
            path.display()
        )
    );
    assert!(db.columns("orders").contains(&"priority".to_string()));
    assert!(has_index(&db, kind, "orders_priority_idx"));
    assert_eq!(live(&db), [1, 2, 3, 4, 5]);

    // --cascade rolls 4 back first, then 3; 5 stays.
    assert_eq!(
        down_with(&db, &folder, DownTarget::Only(3), &cascade())
            .await
            .unwrap(),
        [4, 3]
    );
    assert!(!has_index(&db, kind, "orders_priority_idx"));
    assert!(!db.columns("orders").contains(&"priority".to_string()));
    assert!(db.has_table("notes"));
    assert_eq!(live(&db), [1, 2, 5]);
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders").as_deref(),
        Some("2")
    );

    // A newer migration that does not depend on it no longer blocks a single down.
    up_with(
        &db,
        &folder,
        &UpOptions {
            out_of_order: true,
            ..UpOptions::default()
        },
        quick_settings(),
        &Events::default(),
    )
    .await
    .unwrap();
    assert_eq!(down(&db, &folder, DownTarget::Only(4)).await.unwrap(), [4]);
    assert_eq!(live(&db), [1, 2, 3, 5]);
    assert!(db.has_table("notes"));

    // Transitively: rolling back 1 with --cascade takes what depends on it, dependents
    // first; 5 never used orders and stays.
    assert_eq!(
        down_with(&db, &folder, DownTarget::Only(1), &cascade())
            .await
            .unwrap(),
        [3, 2, 1]
    );
    assert_eq!(live(&db), [5]);
    assert!(!db.has_table("orders"));
    assert!(db.has_table("notes"));

    // Forward-only refuses whatever the options.
    let options = DownOptions {
        mode: Mode::ForwardOnly,
        cascade: true,
        ..DownOptions::default()
    };
    let message = message(down_with(&db, &folder, DownTarget::Only(5), &options).await);
    assert!(message.contains("`ratchet revert <version>`"), "{message}");
    assert_eq!(live(&db), [5]);
}

/// 2 requires 3 (a later version): `up` applies 3 before 2, `down --to 0` rolls 2 back
/// before 3, and `up --to 2` is refused since 3 would not be there.
fn forward_requires_folder() -> Folder {
    Folder::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n"),
        ("1_a.down.sql", "DROP TABLE a;\n"),
        (
            "2_report.up.sql",
            "-- The report reads c, which migration 3 creates.\n\
             -- ratchet:requires 3\n\
             CREATE VIEW report AS SELECT id FROM c;\n",
        ),
        ("2_report.down.sql", "DROP VIEW report;\n"),
        ("3_c.up.sql", "CREATE TABLE c (id INT PRIMARY KEY);\n"),
        ("3_c.down.sql", "DROP TABLE c;\n"),
        ("4_d.up.sql", "CREATE TABLE d (id INT PRIMARY KEY);\n"),
        ("4_d.down.sql", "DROP TABLE d;\n"),
    ])
}

async fn down_to_follows_dependencies_and_up_refuses_a_missing_one(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = forward_requires_folder();

    // `up --to 2` would apply 2 without 3: refused, naming both, and nothing applied.
    let options = UpOptions {
        to: Some(2),
        ..UpOptions::default()
    };
    let error = up_with(&db, &folder, &options, quick_settings(), &Events::default())
        .await
        .unwrap_err();
    assert!(is_refused(&error), "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with(
            "nothing was applied: applying out of order would break a dependency:\n  2 ("
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "2_report.up.sql) depends on 3 ({}), which is pending and would not be applied \
             before it: `-- ratchet:requires 3` in 2_report.up.sql; `--to 2` leaves it out: \
             apply up to 3 or later",
            folder.path().join("3_c.up.sql").display()
        )),
        "{text}"
    );
    assert!(db.ledger().is_empty());

    // `up` applies 3 before 2.
    assert_eq!(up(&db, &folder).await.unwrap(), [1, 3, 2, 4]);
    assert_eq!(
        db.scalar("SELECT count(*) FROM report").as_deref(),
        Some("0")
    );

    // `down --to 2` would take 3 away from 2, which stays: refused unless --cascade.
    let message = message(down(&db, &folder, DownTarget::To(2)).await);
    assert!(
        message.starts_with("`--to 2` would leave 2 applied without what it depends on"),
        "{message}"
    );
    assert_eq!(live(&db), [1, 2, 3, 4]);

    // `down --to 0`: dependents first (2 before 3), newest first otherwise. On
    // PostgreSQL dropping c before the view on it would fail.
    assert_eq!(
        down(&db, &folder, DownTarget::To(0)).await.unwrap(),
        [4, 2, 3, 1]
    );
    assert!(live(&db).is_empty());
    assert!(!db.has_table("c"));
}

async fn missing_and_cyclic_dependencies_are_errors_naming_files(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let missing = Folder::new(&[
        ("1_a.up.sql", "CREATE TABLE a (id INT);\n"),
        (
            "2_b.up.sql",
            "-- ratchet:requires 7\nCREATE TABLE b (id INT);\n",
        ),
    ]);
    let error = up(&db, &missing).await.unwrap_err();
    let Error::Source {
        path,
        line,
        message,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((path, *line), (&missing.path().join("2_b.up.sql"), 1));
    assert_eq!(
        message,
        &format!(
            "`ratchet:requires 7`: there is no migration 7 in {} (no file has that version); \
             correct the version, or restore the migration's file",
            missing.path().display()
        )
    );
    assert!(error.is_bad_input());
    assert!(db.ledger().is_empty());

    // 1 requires 2, and 2 indexes the table 1 creates.
    let cycle = Folder::new(&[
        (
            "1_a.up.sql",
            "-- ratchet:requires 2\nCREATE TABLE a (id INT);\n",
        ),
        ("2_b.up.sql", "CREATE INDEX a_id ON a (id);\n"),
    ]);
    let error = up(&db, &cycle).await.unwrap_err();
    let (a, b) = (
        cycle.path().join("1_a.up.sql"),
        cycle.path().join("2_b.up.sql"),
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}:1: dependency cycle between migrations 1, 2:\n  {} depends on 2 ({}): \
             `-- ratchet:requires 2` in 1_a.up.sql\n  {} depends on 1 ({}): indexes a.id, \
             created by 1\nmigration 1 cannot require 2, which comes after it and needs it: \
             remove that `-- ratchet:requires`, or give the migrations versions in the order \
             they must run",
            a.display(),
            a.display(),
            b.display(),
            b.display(),
            a.display()
        )
    );
    assert!(db.ledger().is_empty());
}
