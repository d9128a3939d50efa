//! `ratchet snapshot`, the snapshots `up` and `down` save before risky migrations, and the
//! `pg_dump` file beside them.

use std::path::Path;

use crate::support::*;

#[test]
fn snapshot_prints_the_schema_and_writes_it_with_out() {
    let project = Project::shop();
    assert_code(&project.ratchet(&["up"]), 0);
    let output = project.ratchet(&["snapshot"]);
    assert_code(&output, 0);
    let printed = stdout(&output);
    insta::assert_snapshot!("shop_snapshot_sqlite", printed);

    let output = project.ratchet(&["snapshot", "--out", "schema/now.txt"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "wrote the schema snapshot of sqlite:shop.db to schema/now.txt\n"
    );
    let written = std::fs::read_to_string(project.path().join("schema/now.txt")).unwrap();
    assert_eq!(written, printed);
    assert!(!project.path().join("schema/now.txt.pg_dump.sql").exists());

    let output = project.ratchet(&["snapshot", "--format", "json"]);
    assert_code(&output, 2);
}

#[test]
fn up_and_down_save_a_snapshot_before_a_destructive_step() {
    let project = Project::shop();
    project.write(
        "ratchet.toml",
        "[database]\nurl = \"sqlite:shop.db\"\n[snapshots]\ndir = \"schema-history\"\n",
    );
    let output = project.ratchet(&["up"]);
    assert_code(&output, 0);
    assert!(!stdout(&output).contains("snapshot"), "{}", stdout(&output));
    assert!(!project.path().join("schema-history").exists());

    let output = project.ratchet(&["down", "--to", "20261101090100"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("saved a schema snapshot"))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[1].starts_with(
            "saved a schema snapshot before rolling back 20261101090200 \
             (migrations/20261101090200_add_priority.down.sql:1: destroys column \
             orders.priority and its values): schema-history/20261101090200_down_"
        ),
        "{out}"
    );
    // Each snapshot comes before the step it protects.
    let saved = out.find("before rolling back 20261101090200").unwrap();
    let rolled_back = out.find("rolled back 20261101090200").unwrap();
    assert!(saved < rolled_back, "{out}");

    let path = lines[1].rsplit(": ").next().unwrap();
    let text = std::fs::read_to_string(project.path().join(path)).unwrap();
    assert!(text.contains("column priority"), "{text}");
}

/// A `pg_dump` stand-in that only answers `--version`.
fn fake_pg_dump(dir: &Path, version: &str) {
    let path = dir.join("pg_dump");
    std::fs::write(
        &path,
        format!("#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn postgres_snapshot_writes_pg_dump_beside_it_or_says_why_not() {
    let Some(db) = TestDb::postgres() else { return };
    let project = Project::shop();
    let url = db.url.as_str();
    assert_code(&project.ratchet(&["--database-url", url, "up"]), 0);

    let output = project.ratchet(&["--database-url", url, "snapshot", "--out", "now.txt"]);
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("wrote pg_dump --schema-only to now.txt.pg_dump.sql"),
        "{}",
        stdout(&output)
    );
    let dump = std::fs::read_to_string(project.path().join("now.txt.pg_dump.sql")).unwrap();
    assert!(dump.contains("CREATE TABLE public.orders"), "{dump}");
    assert!(!dump.contains("ratchet_migrations"), "{dump}");
    let text = std::fs::read_to_string(project.path().join("now.txt")).unwrap();
    assert!(
        text.starts_with("-- ratchet schema snapshot (postgres)\n"),
        "{text}"
    );
    assert!(
        text.contains("index orders_priority_idx (priority)"),
        "{text}"
    );

    // No pg_dump on PATH.
    let empty = tempfile::tempdir().unwrap();
    let output = project
        .command(&["--database-url", url, "snapshot", "--out", "a.txt"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("note: no pg_dump file: pg_dump is not on PATH"),
        "{}",
        stdout(&output)
    );
    assert!(!project.path().join("a.txt.pg_dump.sql").exists());

    // A pg_dump too old for the server.
    let old = tempfile::tempdir().unwrap();
    fake_pg_dump(old.path(), "9.6.24");
    let output = project
        .command(&["--database-url", url, "snapshot", "--out", "b.txt"])
        .env("PATH", old.path())
        .output()
        .unwrap();
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains(
            "note: no pg_dump file: pg_dump on PATH is version 9.6, older than the server"
        ),
        "{out}"
    );
    assert!(project.path().join("b.txt").exists());
    assert!(!project.path().join("b.txt.pg_dump.sql").exists());
}
