//! One migrator at a time, with real processes.

use std::time::Duration;

use ratchet_migrate::engine::{self, LockHolder};

use crate::support::*;

fn many_migrations() -> Project {
    let mut files = vec![(
        "0001_create.up.sql".to_string(),
        "CREATE TABLE orders (id INT PRIMARY KEY);\n".to_string(),
    )];
    for n in 2..=10 {
        files.push((
            format!("{n:04}_col{n}.up.sql"),
            format!("ALTER TABLE orders ADD COLUMN c{n} INT;\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Project::with(&refs)
}

fn two_processes_apply_each_migration_once(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let project = many_migrations();
    let children: Vec<_> = (0..2)
        .map(|_| {
            project
                .command(&["--database-url", &db.url, "up"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_code(&output, 0);
    }
    let ledger = db.ledger();
    assert_eq!(ledger.len(), 10, "{ledger:?}");
    assert!(
        ledger
            .iter()
            .all(|(_, state, rolled_back)| state == "applied" && !rolled_back)
    );
}

#[test]
fn two_processes_postgres() {
    two_processes_apply_each_migration_once(Kind::Postgres);
}

#[test]
fn two_processes_mysql() {
    two_processes_apply_each_migration_once(Kind::Mysql);
}

#[test]
fn two_processes_sqlite() {
    two_processes_apply_each_migration_once(Kind::Sqlite);
}

/// A second `up` says who holds the lock, waits, and gives up after --lock-timeout.
fn waiting_message_names_the_holder(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let project = many_migrations();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut holder = runtime.block_on(engine::connect(&db.url)).unwrap();
    let someone = LockHolder {
        host: "deploy-box".into(),
        pid: "4242".into(),
        since: Some("2026-11-26T02:19:00Z".into()),
    };
    assert!(runtime.block_on(holder.try_lock(&someone)).unwrap());
    let started = std::time::Instant::now();
    let output = project.ratchet(&["--database-url", &db.url, "up", "--lock-timeout", "1s"]);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_code(&output, 1);
    assert_eq!(
        stdout(&output),
        "waiting for the migrator lock, held by pid 4242 on deploy-box since \
         2026-11-26T02:19:00Z (giving up after 1s)\n"
    );
    assert_eq!(
        stderr(&output),
        "error: gave up after 1s waiting for the migrator lock held by pid 4242 on deploy-box \
         since 2026-11-26T02:19:00Z; wait for that run to finish or raise --lock-timeout\n"
    );
    assert!(!db.has_table("orders"));
}

#[test]
fn waiting_message_postgres() {
    waiting_message_names_the_holder(Kind::Postgres);
}

#[test]
fn waiting_message_mysql() {
    waiting_message_names_the_holder(Kind::Mysql);
}

#[test]
fn waiting_message_sqlite() {
    waiting_message_names_the_holder(Kind::Sqlite);
}
