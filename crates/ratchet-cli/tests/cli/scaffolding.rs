//! `init` and `new`.

use crate::support::*;

#[test]
fn init_writes_a_config_and_a_migrations_folder() {
    let project = Project::empty();
    let output = project.ratchet(&["init"]);
    assert_code(&output, 0);
    assert!(project.path().join("migrations").is_dir());
    let config = std::fs::read_to_string(project.path().join("ratchet.toml")).unwrap();
    assert!(config.contains("url = \"${DATABASE_URL}\""), "{config}");
    assert!(config.contains("dir = \"migrations\""), "{config}");
    // Refuses to overwrite.
    assert_code(&project.ratchet(&["init"]), 2);
}

#[test]
fn init_adopts_a_dbmate_folder() {
    let project = Project::empty();
    project.write(
        "db/migrations/20200101000000_create.sql",
        "-- migrate:up\nCREATE TABLE a (id INT);\n-- migrate:down\nDROP TABLE a;\n",
    );
    let output = project.ratchet(&["init"]);
    assert_code(&output, 0);
    assert!(
        stdout(&output).contains("found dbmate migrations in db/migrations"),
        "{}",
        stdout(&output)
    );
    let config = std::fs::read_to_string(project.path().join("ratchet.toml")).unwrap();
    assert!(
        config.contains("dir = \"db/migrations\"\nformat = \"dbmate\""),
        "{config}"
    );
    // And the project runs as it is.
    let up = project.ratchet(&["--database-url", "sqlite:app.db", "up"]);
    assert_code(&up, 0);
    let down = project.ratchet(&["--database-url", "sqlite:app.db", "down"]);
    assert_code(&down, 0);
}

#[test]
fn new_creates_the_next_version() {
    let project = Project::with(&[("0001_first.up.sql", "CREATE TABLE a (id INT);\n")]);
    let output = project.ratchet(&["new", "Add priority", "--down", "--verify"]);
    assert_code(&output, 0);
    assert_eq!(
        stdout(&output),
        "created migrations/0002_add_priority.up.sql\n\
         created migrations/0002_add_priority.down.sql\n\
         created migrations/0002_add_priority.verify.sql\n"
    );
    let fresh = Project::empty();
    let output = fresh.ratchet(&["new", "create_orders"]);
    assert_code(&output, 0);
    let name = stdout(&output);
    assert!(
        regex_lite::Regex::new(r"^created migrations/\d{14}_create_orders\.up\.sql\n$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
}
