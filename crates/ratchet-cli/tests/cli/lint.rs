//! `ratchet lint`, `ratchet rule`, `ratchet plan` and the lint gate of `up`.

use serde_json::Value;

use crate::support::*;

const INDEX_ON_EXISTING: &[(&str, &str)] = &[
    (
        "0001_create_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);\n",
    ),
    (
        "0002_index_status.up.sql",
        "-- index the status\nCREATE INDEX orders_status_idx ON orders (status);\n",
    ),
];

#[test]
fn lint_reports_with_file_line_and_exit_3() {
    let project = Project::with(INDEX_ON_EXISTING);
    let output = project.ratchet(&["lint", "--dialect", "postgres"]);
    assert_code(&output, 3);
    insta::assert_snapshot!("lint_human", stdout(&output));

    let json = project.ratchet(&["lint", "--dialect", "postgres", "--format", "json"]);
    assert_code(&json, 3);
    let value: Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = value["findings"].as_array().unwrap();
    let finding = findings
        .iter()
        .find(|f| f["rule"] == "require-concurrent-index-creation")
        .unwrap();
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "migrations/0002_index_status.up.sql");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 1);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("blocks writes")
    );
    assert!(finding["help"].as_str().unwrap().contains("CONCURRENTLY"));
}

#[test]
fn lint_github_and_sarif_formats() {
    let project = Project::with(INDEX_ON_EXISTING);
    let github = project.ratchet(&["lint", "--dialect", "postgres", "--format", "github"]);
    assert_code(&github, 3);
    let text = stdout(&github);
    assert!(
        text.contains("::error file=migrations/0002_index_status.up.sql,line=2,col=1,title=ratchet require-concurrent-index-creation::"),
        "{text}"
    );
    let sarif = project.ratchet(&["lint", "--dialect", "postgres", "--format", "sarif"]);
    assert_code(&sarif, 3);
    let value: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ratchet");
    let result = &run["results"].as_array().unwrap()[0];
    assert_eq!(result["ruleId"], "require-concurrent-index-creation");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn allow_directive_and_config_silence_findings() {
    let project = Project::with(&[
        INDEX_ON_EXISTING[0],
        (
            "0002_index_status.up.sql",
            "-- ratchet:allow require-concurrent-index-creation -- orders has 40 rows\nCREATE INDEX orders_status_idx ON orders (status);\n",
        ),
    ]);
    let output = project.ratchet(&["lint", "--dialect", "postgres", "--format", "json"]);
    assert_code(&output, 0);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["findings"][0]["allowed"], "orders has 40 rows");

    let project = Project::with(INDEX_ON_EXISTING);
    project.write(
        "ratchet.toml",
        "[lint.rules]\nrequire-concurrent-index-creation = \"warning\"\n",
    );
    let output = project.ratchet(&["lint", "--dialect", "postgres"]);
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("warning[require-concurrent-index-creation]"),
        "{}",
        stdout(&output)
    );

    project.write("ratchet.toml", "[lint.rules]\nno-such-rule = \"off\"\n");
    let output = project.ratchet(&["lint", "--dialect", "postgres"]);
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("[lint.rules] no-such-rule: there is no such rule"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn lint_reads_other_tools_layouts_without_config() {
    let layouts: &[(&str, &[(&str, &str)])] = &[
        (
            "sqlx",
            &[
                ("20200101000000_create.sql", "CREATE TABLE t (id int);\n"),
                ("20200102000000_index.sql", "CREATE INDEX t_id ON t (id);\n"),
            ],
        ),
        (
            "diesel",
            &[
                (
                    "2020-01-01-000000_create/up.sql",
                    "CREATE TABLE t (id int);\n",
                ),
                ("2020-01-01-000000_create/down.sql", "DROP TABLE t;\n"),
                (
                    "2020-01-02-000000_index/up.sql",
                    "CREATE INDEX t_id ON t (id);\n",
                ),
                ("2020-01-02-000000_index/down.sql", "DROP INDEX t_id;\n"),
            ],
        ),
        (
            "dbmate",
            &[
                (
                    "20200101000000_create.sql",
                    "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n",
                ),
                (
                    "20200102000000_index.sql",
                    "-- migrate:up\nCREATE INDEX t_id ON t (id);\n\n-- migrate:down\nDROP INDEX t_id;\n",
                ),
            ],
        ),
        (
            "flyway",
            &[
                ("V1__create.sql", "CREATE TABLE t (id int);\n"),
                ("V2__index.sql", "CREATE INDEX t_id ON t (id);\n"),
            ],
        ),
        (
            "golang-migrate",
            &[
                ("1_create.up.sql", "CREATE TABLE t (id int);\n"),
                ("2_index.up.sql", "CREATE INDEX t_id ON t (id);\n"),
                ("2_index.down.sql", "DROP INDEX t_id;\n"),
            ],
        ),
    ];
    for (layout, files) in layouts {
        let project = Project::empty();
        for (name, text) in *files {
            project.write(&format!("db/{name}"), text);
        }
        let output = project.ratchet(&["lint", "--format", "json", "db"]);
        let value: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{layout}: {e}: {}", stderr(&output)));
        let rules: Vec<&str> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&"require-concurrent-index-creation"),
            "{layout}: {rules:?}"
        );
        let line = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "require-concurrent-index-creation")
            .unwrap()["line"]
            .as_i64()
            .unwrap();
        let expected = if *layout == "dbmate" { 2 } else { 1 };
        assert_eq!(line, expected, "{layout}");
    }
}

#[test]
fn unparsable_statement_is_a_finding_never_silence() {
    let project = Project::empty();
    project.write(
        "broken.sql",
        "CREATE TABLE ok (id int);\nALTER TABLE ok ADD COLUMN;\n",
    );
    let output = project.ratchet(&[
        "lint",
        "--dialect",
        "postgres",
        "--format",
        "json",
        "broken.sql",
    ]);
    assert_code(&output, 3);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &value["findings"].as_array().unwrap()[0];
    assert_eq!(finding["rule"], "unparsed-statement");
    assert_eq!(finding["line"], 2);
}

#[test]
fn rule_prints_its_documentation() {
    let project = Project::empty();
    let output = project.ratchet(&["rule", "require-concurrent-index-creation"]);
    assert_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.starts_with("require-concurrent-index-creation (error; PostgreSQL)"),
        "{text}"
    );
    assert!(
        text.contains("## Why is this bad?") && text.contains("CREATE INDEX CONCURRENTLY"),
        "{text}"
    );
    let list = project.ratchet(&["rule"]);
    assert_code(&list, 0);
    assert!(stdout(&list).contains("unparsed-statement"));
    let unknown = project.ratchet(&["rule", "concurrent"]);
    assert_code(&unknown, 2);
    assert!(
        stderr(&unknown).contains("did you mean"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn plan_shows_locks_and_risks() {
    let shop = Project::shop();
    let output = shop.ratchet(&["plan"]);
    assert_code(&output, 0);
    insta::assert_snapshot!("plan_shop_sqlite", masked(&stdout(&output)));
    assert_code(&shop.ratchet(&["up"]), 0);
    let down = shop.ratchet(&[
        "plan",
        "--down",
        "--to",
        "20261101090100",
        "--format",
        "json",
    ]);
    assert_code(&down, 0);
    let value: Value = serde_json::from_slice(&down.stdout).unwrap();
    let steps = value["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[0]["direction"], "down");
    let drop_column = steps
        .iter()
        .find(|s| s["version"] == 20261101090200i64)
        .unwrap();
    assert!(
        drop_column["analysis"][0]["destroys"]
            .as_str()
            .unwrap()
            .contains("priority")
    );
}

#[test]
fn plan_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let project = Project::with(&[
        (
            "0001_create_orders.up.sql",
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n",
        ),
        (
            "0002_changes.up.sql",
            "-- ratchet:no-transaction\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n",
        ),
        (
            "0003_more.up.sql",
            "ALTER TABLE orders ADD COLUMN note text DEFAULT 'x';\nALTER TABLE orders ALTER COLUMN status TYPE varchar(10);\nUPDATE orders SET note = 'y' WHERE id < 10;\n",
        ),
    ]);
    let output = project.ratchet(&["--database-url", &db.url, "plan"]);
    assert_code(&output, 0);
    insta::assert_snapshot!("plan_postgres", masked(&stdout(&output)));
}

#[test]
fn up_refuses_lint_errors_until_allowed() {
    let Some(db) = TestDb::postgres() else { return };
    let project = Project::with(INDEX_ON_EXISTING);
    let url = db.url.as_str();
    let refused = project.ratchet(&["--database-url", url, "up"]);
    assert_code(&refused, 3);
    insta::assert_snapshot!("up_lint_refusal", masked(&stderr(&refused)));
    assert!(!db.has_table("ratchet_migrations") || db.ledger().is_empty());
    assert!(!db.has_table("orders"));

    project.write(
        "migrations/0002_index_status.up.sql",
        "-- ratchet:allow require-concurrent-index-creation -- orders is created empty just before\nCREATE INDEX orders_status_idx ON orders (status);\n",
    );
    let applied = project.ratchet(&["--database-url", url, "up"]);
    assert_code(&applied, 0);
    assert_eq!(
        db.scalar("SELECT note FROM ratchet_migrations WHERE version = 2")
            .as_deref(),
        Some("allowed require-concurrent-index-creation: orders is created empty just before")
    );
}
