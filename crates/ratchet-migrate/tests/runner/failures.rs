//! Failing migrations: nothing is left half-applied without the ledger saying so, and every
//! error names the file, the line and the database's message.

use ratchet_migrate::plan::UpOptions;
use ratchet_migrate::runner::Runner;
use ratchet_migrate::status::{self, State};
use ratchet_migrate::{Error, engine, ledger};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    syntax_error_rolls_back_or_is_recorded,
    missing_table_is_reported_with_file_and_line,
    mysql_failure_records_statements_done,
    verify_failure_gates_the_migration,
    drifted_migration_blocks_up_until_repaired,
    missing_file_blocks_up,
    out_of_order_needs_a_flag,
    unreachable_database_hides_the_password,
);

const CREATE: (&str, &str) = (
    "0001_create.up.sql",
    "CREATE TABLE orders (id INT PRIMARY KEY, total INT);\n",
);

async fn syntax_error_rolls_back_or_is_recorded(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        CREATE,
        (
            "0002_broken.up.sql",
            "-- two statements, the second is broken\nCREATE TABLE first_one (id INT);\n\nCREAT TABLE second_one (id INT);\n",
        ),
    ]);
    let error = up(&db, &folder).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("0002_broken.up.sql:4: statement failed: CREAT TABLE second_one (id INT)"),
        "{text}"
    );
    assert!(matches!(error, Error::Statement { line: 4, .. }));
    match kind {
        // Transactional DDL: the first statement is rolled back with the second, and the
        // ledger only has the migration that succeeded.
        Kind::Postgres | Kind::Sqlite => {
            assert!(!db.has_table("first_one"));
            assert_eq!(db.ledger(), [(1, "applied".to_string(), false)]);
        }
        // MySQL committed the first CREATE: the ledger says so.
        Kind::Mysql => {
            assert!(db.has_table("first_one"));
            assert_eq!(
                db.rows("SELECT state, statements_done FROM ratchet_migrations WHERE version = 2"),
                [[Some("failed".to_string()), Some("1".to_string())]]
            );
        }
    }
}

async fn missing_table_is_reported_with_file_and_line(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[(
        "0001_alter.up.sql",
        "ALTER TABLE no_such_table ADD COLUMN x INT;\n",
    )]);
    let text = message(up(&db, &folder).await);
    assert!(
        text.contains("0001_alter.up.sql:1: statement failed: ALTER TABLE no_such_table"),
        "{text}"
    );
    assert!(
        text.to_lowercase().contains("no_such_table"),
        "database message missing: {text}"
    );
    let ledger = db.ledger();
    match kind {
        Kind::Mysql => assert_eq!(ledger, [(1, "failed".to_string(), false)]),
        _ => assert!(ledger.is_empty(), "{ledger:?}"),
    }
}

async fn mysql_failure_records_statements_done(kind: Kind) {
    if kind != Kind::Mysql {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let three_steps = "ALTER TABLE orders ADD COLUMN a INT NULL;\n\
                       ALTER TABLE orders ADD COLUMN b INT NULL;\n\
                       ALTER TABLE orders ADD COLUMN a INT NULL;\n\
                       ALTER TABLE orders ADD COLUMN c INT NULL;\n";
    let folder = Folder::new(&[CREATE, ("0002_three_steps.up.sql", three_steps)]);
    let text = message(up(&db, &folder).await);
    assert!(text.contains("0002_three_steps.up.sql:3:"), "{text}");
    assert_eq!(
        db.rows("SELECT state, statements_done FROM ratchet_migrations WHERE version = 2"),
        [[Some("failed".to_string()), Some("2".to_string())]]
    );
    assert_eq!(db.columns("orders"), ["id", "total", "a", "b"]);

    let mut engine = connect(&db).await;
    let rows = ledger::rows(engine.as_mut()).await.unwrap();
    let statuses = status::compute(&folder.set(dialect(kind)), &rows);
    let failed = &statuses[1];
    assert_eq!(failed.state, State::Failed);
    let detail = failed.detail.clone().unwrap();
    assert!(
        detail.starts_with("2 of 4 statements committed"),
        "{detail}"
    );
    assert!(
        detail.contains("lines 1, 2); not committed: lines 3, 4"),
        "{detail}"
    );
    assert!(detail.contains("statement 3 of 4"), "{detail}");

    // `up` refuses until a person has looked, and says what to do.
    let error = up(&db, &folder).await.unwrap_err();
    assert!(is_refused(&error));
    assert!(error.to_string().contains("ratchet repair 2"), "{error}");

    // Undo by hand, fix the file, clear the row, go again: the failed row stays in history.
    db.execute("ALTER TABLE orders DROP COLUMN a, DROP COLUMN b");
    folder.write(
        "0002_three_steps.up.sql",
        "ALTER TABLE orders ADD COLUMN a INT NULL;\nALTER TABLE orders ADD COLUMN b INT NULL;\nALTER TABLE orders ADD COLUMN c INT NULL;\n",
    );
    let set = folder.set(dialect(kind));
    let mut sink = |_| {};
    let repaired = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .repair(&set, &[2], Some("dropped a and b by hand"))
        .await
        .unwrap();
    assert_eq!(repaired.len(), 1);
    up(&db, &folder).await.unwrap();
    assert_eq!(
        db.ledger(),
        [
            (1, "applied".to_string(), false),
            (2, "failed".to_string(), true),
            (2, "applied".to_string(), false)
        ]
    );
    let note = db
        .scalar("SELECT note FROM ratchet_migrations WHERE version = 2 AND state = 'failed'")
        .unwrap();
    assert!(note.contains("dropped a and b by hand"), "{note}");
}

async fn verify_failure_gates_the_migration(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        CREATE,
        (
            "0002_seed.up.sql",
            "INSERT INTO orders (id, total) VALUES (1, 10), (2, NULL);\n",
        ),
        (
            "0002_seed.verify.sql",
            "SELECT count(*) FROM orders WHERE total IS NULL;\n",
        ),
    ]);
    let error = up(&db, &folder).await.unwrap_err();
    assert!(
        matches!(error, Error::VerifyFailed { line: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("1 row(s): (1)"), "{error}");
    // The data migration is rolled back with its failed verification (one transaction on
    // every engine, MySQL included: the script changes data only).
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders").as_deref(),
        Some("0")
    );
    assert_eq!(db.ledger(), [(1, "applied".to_string(), false)]);

    folder.write(
        "0002_seed.up.sql",
        "INSERT INTO orders (id, total) VALUES (1, 10), (2, 20);\n",
    );
    up(&db, &folder).await.unwrap();
    let mut engine = connect(&db).await;
    let set = folder.set(dialect(kind));
    let mut sink = |_| {};
    let outcomes = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .verify(&set, None)
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].failure.is_none());

    // `verify` now catches data that went bad since.
    db.execute("INSERT INTO orders (id, total) VALUES (3, NULL)");
    let outcomes = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .verify(&set, Some(2))
        .await
        .unwrap();
    assert!(
        outcomes[0]
            .failure
            .as_deref()
            .unwrap()
            .contains("0002_seed.verify.sql:1")
    );
}

async fn drifted_migration_blocks_up_until_repaired(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[CREATE]);
    up(&db, &folder).await.unwrap();
    folder.write(
        "0001_create.up.sql",
        "CREATE TABLE orders (id INT PRIMARY KEY, total INT); -- reviewed\n",
    );
    folder.write("0002_more.up.sql", "CREATE TABLE more_things (id INT);\n");
    let error = up(&db, &folder).await.unwrap_err();
    let text = error.to_string();
    assert!(is_refused(&error), "{text}");
    assert!(text.contains("migration 1 has drifted"), "{text}");
    assert!(text.contains("ratchet repair 1"), "{text}");
    assert!(!db.has_table("more_things"));

    let mut engine = connect(&db).await;
    let set = folder.set(dialect(kind));
    let mut sink = |_| {};
    Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .repair(&set, &[], None)
        .await
        .unwrap();
    up(&db, &folder).await.unwrap();
    assert!(db.has_table("more_things"));
    let note = db
        .scalar("SELECT note FROM ratchet_migrations WHERE version = 1")
        .unwrap();
    assert!(note.contains("accepted checksum"), "{note}");
}

async fn missing_file_blocks_up(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[CREATE, ("0002_b.up.sql", "CREATE TABLE b (id INT);\n")]);
    up(&db, &folder).await.unwrap();
    folder.remove("0002_b.up.sql");
    folder.write("0003_c.up.sql", "CREATE TABLE c (id INT);\n");
    let text = message(up(&db, &folder).await);
    assert!(
        text.contains("migration 2 (b) is applied but its file is missing"),
        "{text}"
    );
    let options = UpOptions {
        ignore_missing: true,
        ..Default::default()
    };
    up_with(&db, &folder, &options, quick_settings(), &Events::default())
        .await
        .unwrap();
    assert!(db.has_table("c"));
}

async fn out_of_order_needs_a_flag(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[CREATE, ("0003_c.up.sql", "CREATE TABLE c (id INT);\n")]);
    up(&db, &folder).await.unwrap();
    folder.write("0002_b.up.sql", "CREATE TABLE b (id INT);\n");
    let text = message(up(&db, &folder).await);
    assert!(text.contains("2 ("), "{text}");
    assert!(text.contains("--out-of-order"), "{text}");
    let options = UpOptions {
        out_of_order: true,
        ..Default::default()
    };
    up_with(&db, &folder, &options, quick_settings(), &Events::default())
        .await
        .unwrap();
    assert!(db.has_table("b"));
}

async fn unreachable_database_hides_the_password(kind: Kind) {
    let url = match kind {
        Kind::Postgres => "postgres://app:s3cr3t-pw@127.0.0.1:1/shop",
        Kind::Mysql => "mysql://app:s3cr3t-pw@127.0.0.1:1/shop",
        Kind::Sqlite => "sqlite:/nonexistent-dir/s3cr3t-pw/shop.db",
    };
    let text = match engine::connect(url).await {
        Ok(_) => panic!("connected to {url}"),
        Err(e) => e.to_string(),
    };
    assert!(text.starts_with("cannot connect to "), "{text}");
    if kind != Kind::Sqlite {
        assert!(!text.contains("s3cr3t-pw"), "{text}");
        assert!(text.contains("app:***@127.0.0.1:1"), "{text}");
    }
}
