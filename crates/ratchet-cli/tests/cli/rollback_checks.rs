//! `ratchet check-rollbacks`: exit codes, the three output formats and the JSON contract.

use crate::support::*;

/// A project with one sound migration and one whose down forgets an index (so that its
/// up cannot run again either, and the third cannot be checked).
fn forgetful_project() -> Project {
    Project::with(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20));\n",
        ),
        ("0001_orders.down.sql", "DROP TABLE orders;\n"),
        (
            "0002_index.up.sql",
            "CREATE INDEX orders_status_idx ON orders (status);\n",
        ),
        ("0002_index.down.sql", "SELECT 1;\n"),
        ("0002_index.down.mysql.sql", "SELECT 1;\n"),
        (
            "0003_note.up.sql",
            "ALTER TABLE orders ADD COLUMN note TEXT;\n",
        ),
    ])
}

/// Output with the scratch database's random name masked.
fn masked_scratch(text: &str) -> String {
    let text = masked(text);
    regex_lite::Regex::new(r"\S*ratchet_check_\w+(/scratch\.db)?")
        .unwrap()
        .replace_all(&text, "[scratch]")
        .into_owned()
}

#[test]
fn human_output_shows_the_diff_and_exits_3() {
    let project = forgetful_project();
    let output = project.ratchet(&["--database-url", "sqlite:app.db", "check-rollbacks"]);
    assert_code(&output, 3);
    insta::assert_snapshot!("check_rollbacks_human", masked_scratch(&stdout(&output)));
}

#[test]
fn json_output_has_the_documented_shape() {
    let project = forgetful_project();
    let output = project.ratchet(&[
        "--database-url",
        "sqlite:app.db",
        "check-rollbacks",
        "--format",
        "json",
    ]);
    assert_code(&output, 3);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&json), ["migrations", "scratch_database"]);
    let migrations = json["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), 3);
    for m in migrations {
        assert_eq!(keys(m), ["detail", "file", "name", "result", "version"]);
    }
    let row = |i: usize| {
        (
            migrations[i]["version"].as_i64().unwrap(),
            migrations[i]["name"].as_str().unwrap(),
            migrations[i]["result"].as_str().unwrap(),
        )
    };
    assert_eq!(row(0), (1, "orders", "ok"));
    assert_eq!(row(1), (2, "index", "down_differs"));
    assert_eq!(row(2), (3, "note", "not_checked"));
    assert_eq!(migrations[0]["detail"], "");
    let detail = migrations[1]["detail"].as_str().unwrap();
    assert!(
        detail.contains("+  index orders_status_idx (status)"),
        "{detail}"
    );
    assert!(
        detail.contains("and the up then failed when run again"),
        "{detail}"
    );
    // Progress goes to stderr, so that stdout is only JSON.
    assert!(
        stderr(&output).contains("dropped the scratch database"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn github_output_annotates_the_file_at_fault() {
    let project = forgetful_project();
    let output = project.ratchet(&[
        "--database-url",
        "sqlite:app.db",
        "check-rollbacks",
        "--format",
        "github",
    ]);
    assert_code(&output, 3);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with(
            "::error file=migrations/0002_index.down.sql,title=ratchet check-rollbacks%3A down_differs::2 index: the down leaves"
        ),
        "{out}"
    );
    assert!(
        lines[0].contains("%0A+  index orders_status_idx (status)"),
        "{out}"
    );
    assert!(
        lines[1].starts_with(
            "::warning file=migrations/0003_note.up.sql,title=ratchet check-rollbacks%3A not_checked::3 note: not checked"
        ),
        "{out}"
    );
    assert_eq!(
        lines[2],
        "2 of 3 migration(s) did not pass the rollback check"
    );
}

#[test]
fn a_sound_project_exits_0() {
    let project = Project::shop();
    let output = project.ratchet(&["check-rollbacks"]);
    assert_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.ends_with(
            "all 6 migration(s) round-trip: each down restores the schema and each up runs again\n"
        ),
        "{out}"
    );
    // The project's own database was not touched.
    assert!(!project.path().join("shop.db").exists());
}

fn scratch_left_on_server(db: &TestDb, name: &str) -> Option<String> {
    match db.kind {
        Kind::Postgres => db.scalar(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
        )),
        _ => db.scalar(&format!(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{name}'"
        )),
    }
}

fn on_server(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let project = forgetful_project();
    let output = project.ratchet(&[
        "--database-url",
        &db.url,
        "check-rollbacks",
        "--format",
        "json",
    ]);
    assert_code(&output, 3);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name = json["scratch_database"].as_str().unwrap();
    assert!(name.starts_with("ratchet_check_"), "{name}");
    assert_eq!(scratch_left_on_server(&db, name).as_deref(), Some("0"));
    assert_eq!(json["migrations"][1]["result"], "down_differs");

    let output = Project::shop().ratchet(&["--database-url", &db.url, "check-rollbacks"]);
    assert_code(&output, 0);
}

#[test]
fn postgres_scratch_database_is_dropped() {
    on_server(Kind::Postgres);
}

#[test]
fn mysql_scratch_database_is_dropped() {
    on_server(Kind::Mysql);
}
