//! Bad input and failures: clear messages, exit codes 1 and 2, nothing lost.

use crate::support::*;

#[test]
fn bad_usage_exits_2() {
    let project = Project::empty();
    let output = project.ratchet(&["--no-such-flag"]);
    assert_code(&output, 2);
    let output = project.ratchet(&["down", "12abc"]);
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("`12abc` is not a version"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn config_errors_name_the_key_and_the_file() {
    let project = Project::with(&[]);
    project.write("ratchet.toml", "[migrations]\ndirr = \"db\"\n");
    let output = project.ratchet(&["--database-url", "sqlite:x.db", "status"]);
    assert_code(&output, 2);
    insta::assert_snapshot!("config_unknown_key", stderr(&output));

    project.write(
        "ratchet.toml",
        "[database]\nurl = \"${NO_SUCH_VARIABLE_HERE}\"\n",
    );
    let output = project.ratchet(&["status"]);
    assert_code(&output, 2);
    assert_eq!(
        stderr(&output),
        "error: ratchet.toml: [database] url: environment variable NO_SUCH_VARIABLE_HERE is not \
         set; set it, or pass --database-url\n"
    );
}

#[test]
fn no_database_configured_says_how_to_configure_one() {
    let project = Project::with(&[]);
    let output = project.ratchet(&["status"]);
    assert_code(&output, 2);
    assert!(
        stderr(&output).contains("pass --database-url, set DATABASE_URL"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn duplicate_versions_exit_2_naming_both_files() {
    let project = Project::with(&[
        ("0001_a.up.sql", "CREATE TABLE a (id INT);\n"),
        ("1_b.up.sql", "CREATE TABLE b (id INT);\n"),
    ]);
    let output = project.ratchet(&["--database-url", "sqlite:x.db", "up"]);
    assert_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("0001_a.up.sql") && err.contains("1_b.up.sql"),
        "{err}"
    );
    assert!(
        !project.path().join("x.db").exists() || {
            // Nothing was recorded: the files were rejected before any change.
            let db = format!("sqlite:{}", project.path().join("x.db").display());
            let status = project.ratchet(&["--database-url", &db, "history", "--format", "json"]);
            String::from_utf8_lossy(&status.stdout).contains("\"entries\": []")
        }
    );
}

#[test]
fn unreachable_database_exits_1_without_the_password() {
    let project = Project::with(&[("0001_a.up.sql", "CREATE TABLE a (id INT);\n")]);
    let output = project.ratchet(&[
        "--database-url",
        "postgres://app:hunter2@127.0.0.1:1/shop",
        "up",
    ]);
    assert_code(&output, 1);
    let err = stderr(&output);
    assert!(
        err.starts_with("error: cannot connect to postgres://app:***@127.0.0.1:1/shop: "),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn failing_statement_reports_file_line_and_database_message() {
    let Some(db) = TestDb::postgres() else { return };
    let project = Project::with(&[
        ("0001_a.up.sql", "CREATE TABLE a (id INT);\n"),
        (
            "0002_b.up.sql",
            "-- adds b\nCREATE TABLE b (id INT);\nINSERT INTO missing_table VALUES (1);\n",
        ),
    ]);
    let output = project.ratchet(&["--database-url", &db.url, "up"]);
    assert_code(&output, 1);
    insta::assert_snapshot!("statement_failed_postgres", masked(&stderr(&output)));
    assert!(
        stdout(&output).contains("applied 1 a"),
        "{}",
        stdout(&output)
    );
    assert!(!db.has_table("b"));
    assert_eq!(db.ledger(), [(1, "applied".to_string(), false)]);
}

/// The contract's MySQL case: a migration failing at its third statement reports exactly
/// two statements committed, and `up` refuses until it is repaired.
#[test]
fn mysql_failure_at_the_third_statement() {
    let Some(db) = TestDb::mysql() else { return };
    let project = Project::with(&[
        (
            "0001_create_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "0002_three_steps.up.sql",
            "ALTER TABLE orders ADD COLUMN a INT NULL;\nALTER TABLE orders ADD COLUMN b INT NULL;\n\
             ALTER TABLE orders ADD COLUMN a INT NULL;\nALTER TABLE orders ADD COLUMN c INT NULL;\n",
        ),
    ]);
    let url = db.url.as_str();
    let first = project.ratchet(&["--database-url", url, "up"]);
    assert_code(&first, 1);
    assert!(
        stderr(&first).contains("0002_three_steps.up.sql:3: statement failed"),
        "{}",
        stderr(&first)
    );
    assert_eq!(
        db.rows("SELECT state, statements_done FROM ratchet_migrations WHERE version = 2"),
        [[Some("failed".to_string()), Some("2".to_string())]]
    );
    let status = project.ratchet(&["--database-url", url, "status"]);
    assert_code(&status, 0);
    insta::assert_snapshot!("mysql_failed_status", masked(&stdout(&status)));
    let again = project.ratchet(&["--database-url", url, "up"]);
    assert_code(&again, 1);
    insta::assert_snapshot!("mysql_failed_refusal", masked(&stderr(&again)));
}
