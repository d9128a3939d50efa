//! `graph`, and `down` / `plan --down` following dependencies, on every engine.

use serde_json::Value;

use crate::support::*;

#[test]
fn graph_shows_the_shop_dependencies_as_text_json_and_dot() {
    let shop = Project::shop();
    let text = shop.ratchet(&["graph"]);
    assert_code(&text, 0);
    insta::assert_snapshot!("graph_text", stdout(&text));

    let dot = shop.ratchet(&["graph", "--format", "dot"]);
    assert_code(&dot, 0);
    insta::assert_snapshot!("graph_dot", stdout(&dot));

    let json: Value =
        serde_json::from_slice(&shop.ratchet(&["graph", "--format", "json"]).stdout).unwrap();
    let migrations = json["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), 6);
    let index = &migrations[3];
    assert_eq!(index["version"], 20261101090300i64);
    assert_eq!(index["name"], "index_priority");
    assert_eq!(index["dependencies"][0]["version"], 20261101090200i64);
    assert_eq!(
        index["dependencies"][0]["reasons"][0],
        "indexes orders.priority, added by 20261101090200"
    );

    // dot is graph's alone.
    let other = shop.ratchet(&["status", "--format", "dot"]);
    assert_code(&other, 2);
    assert_eq!(
        stderr(&other),
        "error: `ratchet status` has no --format dot; it has human, json\n"
    );
}

#[test]
fn graph_errors_name_the_files() {
    let project = Project::with(&[
        (
            "1_a.up.sql",
            "-- ratchet:requires 2\nCREATE TABLE a (id INT);\n",
        ),
        ("2_b.up.sql", "CREATE INDEX a_id ON a (id);\n"),
    ]);
    let output = project.ratchet(&["graph", "--dialect", "sqlite"]);
    assert_code(&output, 2);
    insta::assert_snapshot!("graph_cycle", stderr(&output));

    // A requires of a version that does not exist, and `up` refusing it before anything.
    let project = Project::with(&[
        ("1_a.up.sql", "CREATE TABLE a (id INT);\n"),
        (
            "2_b.up.sql",
            "-- b needs a\n-- ratchet:requires 1, 7\nSELECT 1;\n",
        ),
    ]);
    let expected = "error: migrations/2_b.up.sql:2: `ratchet:requires 7`: there is no migration 7 \
                    in migrations (no file has that version); correct the version, or restore \
                    the migration's file\n";
    let output = project.ratchet(&["graph"]);
    assert_code(&output, 2);
    assert_eq!(stderr(&output), expected);
    let db = TestDb::sqlite();
    let output = project.ratchet(&["--database-url", &db.url, "up"]);
    assert_code(&output, 2);
    assert_eq!(stderr(&output), expected);
    assert!(!db.has_table("a"));
}

/// The engines' URLs for a test: SQLite always, the servers when they run.
fn databases() -> Vec<TestDb> {
    [Kind::Sqlite, Kind::Postgres, Kind::Mysql]
        .into_iter()
        .filter_map(TestDb::of)
        .collect()
}

#[test]
fn down_refuses_while_a_dependent_is_applied_and_cascade_rolls_it_back_first() {
    for db in databases() {
        let shop = Project::shop();
        let url = db.url.as_str();
        let run = |args: &[&str]| {
            let mut all = vec!["--database-url", url];
            all.extend_from_slice(args);
            shop.ratchet(&all)
        };
        assert_code(&run(&["up"]), 0);

        let refused = run(&["down", "20261101090200"]);
        assert_code(&refused, 1);
        // The dependents' files differ per engine (dialect variants).
        if db.kind == Kind::Sqlite {
            insta::assert_snapshot!("down_dependent_refusal", stderr(&refused));
        }
        assert!(
            stderr(&refused).starts_with(
                "error: cannot roll back 20261101090200 while 20261101090300, 20261101090400 \
                 are applied:\n"
            ),
            "{}",
            stderr(&refused)
        );

        // The plan shows the order and why.
        let plan = run(&["plan", "--down", "--to", "20261101090100"]);
        assert_code(&plan, 0);
        let text = stdout(&plan);
        assert!(
            text.contains(
                "order: dependents are rolled back before what they depend on\n  \
                 20261101090400 before 20261101090200: updates orders.priority, added by \
                 20261101090200\n  20261101090300 before 20261101090200: indexes \
                 orders.priority, added by 20261101090200\n"
            ),
            "{}: {text}",
            db.kind.name()
        );
        if db.kind == Kind::Sqlite {
            insta::assert_snapshot!("plan_down_order", masked(&text));
        }

        let cascade = run(&["down", "20261101090200", "--cascade"]);
        assert_code(&cascade, 0);
        let text = masked(&stdout(&cascade));
        let order: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("rolled back 2026"))
            .collect();
        assert_eq!(
            order,
            [
                "rolled back 20261101090400 backfill_priority ([elapsed])",
                "rolled back 20261101090300 index_priority ([elapsed])",
                "rolled back 20261101090200 add_priority ([elapsed])",
            ],
            "{}: {text}",
            db.kind.name()
        );
        assert!(
            text.contains("note: migrations/20261101090300_index_priority.down")
                && text.contains(
                    "rolled back first, with --cascade: it depends on 20261101090200 (indexes \
                 orders.priority, added by 20261101090200)"
                ),
            "{text}"
        );
        let status: Value =
            serde_json::from_slice(&run(&["status", "--format", "json"]).stdout).unwrap();
        let states: Vec<&str> = status["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["state"].as_str().unwrap())
            .collect();
        assert_eq!(
            states,
            [
                "applied",
                "applied",
                "rolled_back",
                "rolled_back",
                "rolled_back",
                "applied"
            ]
        );
        assert!(!db.columns("orders").contains(&"priority".to_string()));
        assert!(db.has_table("shipments"));
    }
}
