//! `check-rollbacks` on real servers: each kind of broken rollback is caught, a sound
//! project passes, and the scratch database is gone afterwards whatever happened.

use ratchet_migrate::check_rollbacks::{CheckResult, Report, check_rollbacks};
use ratchet_migrate::config::Mode;
use ratchet_migrate::event::Event;

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    every_kind_of_broken_rollback_is_caught,
    a_sound_project_passes,
    scratch_database_is_dropped_when_an_up_fails,
    the_configured_database_need_not_exist,
);

/// Runs the check beside `db` and asserts that the scratch database is gone.
async fn check(db: &TestDb, folder: &Folder) -> (Report, Vec<Event>) {
    let events = Events::default();
    let mut sink = events.sink();
    let set = folder.set(dialect(db.kind));
    let report = check_rollbacks(&db.url, &set, quick_settings(), Mode::Reversible, &mut sink)
        .await
        .unwrap();
    assert_scratch_gone(db, &report.scratch_database);
    (report, events.all())
}

fn assert_scratch_gone(db: &TestDb, scratch: &str) {
    let left = match db.kind {
        Kind::Postgres => db.scalar(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{scratch}'"
        )),
        Kind::Mysql => db.scalar(&format!(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{scratch}'"
        )),
        Kind::Sqlite => {
            let path = std::path::Path::new(scratch);
            assert!(path.is_absolute(), "{scratch}");
            Some(
                if path.exists() || path.parent().unwrap().exists() {
                    "1"
                } else {
                    "0"
                }
                .into(),
            )
        }
    };
    assert_eq!(
        left.as_deref(),
        Some("0"),
        "scratch database {scratch} is still there"
    );
    if db.kind != Kind::Sqlite {
        assert!(scratch.starts_with("ratchet_check_"), "{scratch}");
    }
}

fn results(report: &Report) -> Vec<(i64, CheckResult)> {
    report
        .migrations
        .iter()
        .map(|m| (m.version, m.result))
        .collect()
}

async fn every_kind_of_broken_rollback_is_caught(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_create.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(100) NOT NULL, status VARCHAR(20));\n\
             CREATE TABLE settings (k VARCHAR(50) PRIMARY KEY, v VARCHAR(50));\n",
        ),
        (
            "1_create.down.sql",
            "DROP TABLE settings;\nDROP TABLE orders;\n",
        ),
        // The down forgets one of the two indexes (IF NOT EXISTS lets the up run again).
        (
            "2_indexes.up.sql",
            "CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders (customer);\n\
             CREATE INDEX IF NOT EXISTS orders_status_idx ON orders (status);\n",
        ),
        ("2_indexes.down.sql", "DROP INDEX orders_customer_idx;\n"),
        (
            "2_indexes.down.mysql.sql",
            "DROP INDEX orders_customer_idx ON orders;\n",
        ),
        (
            "3_note.up.sql",
            "ALTER TABLE orders ADD COLUMN note VARCHAR(200);\n",
        ),
        ("4_audit.up.sql", "CREATE TABLE audit (id INT);\n"),
        ("4_audit.down.sql", "DROP TABLE no_such_table;\n"),
        // The down leaves the row behind: the schema round-trips, the up cannot run again.
        (
            "5_seed.up.sql",
            "INSERT INTO settings (k, v) VALUES ('mode', 'fast');\n",
        ),
        (
            "5_seed.down.sql",
            "UPDATE settings SET v = 'slow' WHERE k = 'mode';\n",
        ),
    ]);
    let (report, events) = check(&db, &folder).await;
    assert!(report.failed());
    let expected_last = match kind {
        // The failed down was rolled back with its transaction: checking goes on.
        Kind::Postgres | Kind::Sqlite => CheckResult::UpNotRerunnable,
        // MySQL committed nothing, but the ledger row is failed: nothing can be built on it.
        Kind::Mysql => CheckResult::NotChecked,
    };
    assert_eq!(
        results(&report),
        [
            (1, CheckResult::Ok),
            (2, CheckResult::DownDiffers),
            (3, CheckResult::DownMissing),
            (4, CheckResult::DownFails),
            (5, expected_last),
        ],
        "{report:#?}"
    );
    let m = &report.migrations;
    assert_eq!(m[0].detail, "");
    assert!(
        m[1].detail.contains("+  index orders_status_idx (status)"),
        "the diff names the forgotten index: {}",
        m[1].detail
    );
    assert!(
        !m[1].detail.contains("orders_customer_idx"),
        "{}",
        m[1].detail
    );
    assert!(m[1].file.ends_with(match kind {
        Kind::Mysql => "2_indexes.down.mysql.sql",
        _ => "2_indexes.down.sql",
    }));
    assert!(m[2].file.ends_with("3_note.up.sql"));
    assert!(
        m[3].detail.contains("4_audit.down.sql:1"),
        "{}",
        m[3].detail
    );
    assert!(m[3].detail.contains("no_such_table"), "{}", m[3].detail);
    if expected_last == CheckResult::UpNotRerunnable {
        assert!(m[4].detail.contains("5_seed.up.sql:1"), "{}", m[4].detail);
        assert!(m[4].file.ends_with("5_seed.up.sql"));
    } else {
        assert!(m[4].detail.contains("migration 4"), "{}", m[4].detail);
    }
    let checked = events
        .iter()
        .filter(|e| matches!(e, Event::RollbackChecked(_)))
        .count();
    assert_eq!(checked, 5, "one event per migration");
    // The configured database itself was never touched.
    assert!(!db.has_table("orders"));
    assert!(!db.has_table("ratchet_migrations"));
}

async fn a_sound_project_passes(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let (report, _) = check(&db, &Folder::shop()).await;
    assert_eq!(report.migrations.len(), 6);
    assert!(
        report
            .migrations
            .iter()
            .all(|m| m.result == CheckResult::Ok),
        "{report:#?}"
    );
    assert!(!report.failed());
}

async fn scratch_database_is_dropped_when_an_up_fails(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_create.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY);\n",
        ),
        ("1_create.down.sql", "DROP TABLE orders;\n"),
        (
            "2_broken.up.sql",
            "ALTER TABLE no_such_table ADD COLUMN x INT;\n",
        ),
        ("2_broken.down.sql", "SELECT 1;\n"),
        ("3_later.up.sql", "CREATE TABLE later (id INT);\n"),
        ("3_later.down.sql", "DROP TABLE later;\n"),
    ]);
    let (report, _) = check(&db, &folder).await;
    assert_eq!(
        results(&report),
        [
            (1, CheckResult::Ok),
            (2, CheckResult::UpFails),
            (3, CheckResult::NotChecked),
        ]
    );
    assert!(report.migrations[1].detail.contains("2_broken.up.sql:1"));
}

async fn the_configured_database_need_not_exist(kind: Kind) {
    if kind == Kind::Sqlite {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let url = db.missing_database_url();
    let set = Folder::shop().set(dialect(kind));
    let mut sink = |_| {};
    let report = check_rollbacks(&url, &set, quick_settings(), Mode::Reversible, &mut sink)
        .await
        .unwrap();
    assert!(!report.failed(), "{report:#?}");
    assert_scratch_gone(&db, &report.scratch_database);
}

#[tokio::test]
async fn forward_only_projects_are_refused() {
    let db = TestDb::sqlite();
    let set = Folder::shop().set(dialect(db.kind));
    let mut sink = |_| {};
    let error = check_rollbacks(
        &db.url,
        &set,
        quick_settings(),
        Mode::ForwardOnly,
        &mut sink,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("forward-only"), "{error}");
}
