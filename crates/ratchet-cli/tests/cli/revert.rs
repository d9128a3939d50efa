//! Forward-only projects: down files are a lint error, `down` points to `revert`, and
//! `revert` writes a forward migration that `up` applies, linking the ledger.

use serde_json::Value;

use crate::support::*;

const FORWARD_ONLY: &str = "[migrations]\ndir = \"migrations\"\nmode = \"forward-only\"\n";

fn project() -> Project {
    let project = Project::with(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16));\n",
        ),
        (
            "0002_add_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority VARCHAR(16);\n",
        ),
        (
            "0002_add_priority.down.sql",
            "ALTER TABLE orders DROP COLUMN priority;\n",
        ),
    ]);
    project.write("ratchet.toml", FORWARD_ONLY);
    project
}

#[test]
fn forward_only_projects_revert_with_a_new_migration() {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mysql] {
        let Some(db) = TestDb::of(kind) else { continue };
        let project = project();
        let url = db.url.as_str();
        let run = |args: &[&str]| {
            let mut all = vec!["--database-url", url];
            all.extend_from_slice(args);
            project.ratchet(&all)
        };

        // The down file is a lint error, so `up` applies nothing until it is gone.
        let lint = run(&["lint"]);
        assert_code(&lint, 3);
        assert!(
            stdout(&lint).contains("error[down-file-in-forward-only]"),
            "{}",
            stdout(&lint)
        );
        assert_code(&run(&["up"]), 3);
        std::fs::remove_file(project.path().join("migrations/0002_add_priority.down.sql")).unwrap();
        assert_code(&run(&["up"]), 0);

        let down = run(&["down"]);
        assert_code(&down, 1);
        assert!(
            stderr(&down).contains("`ratchet revert <version>`"),
            "{}",
            stderr(&down)
        );

        // revert writes 0003 and says what needs review.
        let revert = run(&["revert", "2"]);
        assert_code(&revert, 0);
        let text = stdout(&revert);
        if kind == Kind::Sqlite {
            insta::assert_snapshot!("revert_generated", text);
        }
        assert!(
            text.starts_with(
                "created migrations/0003_revert_add_priority.up.sql\n  reverts 2 add_priority: \
                 1 statement(s) generated from its statements, last first\nneeds review before \
                 `ratchet up`:\n"
            ),
            "{kind:?}: {text}"
        );
        assert!(text.contains("error[ban-drop-column]"), "{text}");
        let path = project
            .path()
            .join("migrations/0003_revert_add_priority.up.sql");
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("-- ratchet:reverts 2\n"), "{written}");
        assert!(
            written.ends_with("ALTER TABLE orders DROP COLUMN priority;\n"),
            "{written}"
        );

        // `up` refuses the DROP COLUMN until a reviewer accepts it.
        let refused = run(&["up"]);
        assert_code(&refused, 3);
        assert!(stderr(&refused).contains("ban-drop-column"));
        std::fs::write(
            &path,
            written.replacen(
                "\n",
                "\n-- ratchet:allow ban-drop-column -- reverts 2: priority was never used\n",
                1,
            ),
        )
        .unwrap();
        let up = run(&["up"]);
        assert_code(&up, 0);
        assert!(!db.columns("orders").contains(&"priority".to_string()));

        // The ledger is linked, and status and history say so.
        let status = run(&["status"]);
        assert!(
            stdout(&status).contains("applied 2: reverted by 3\n"),
            "{}",
            stdout(&status)
        );
        let history = run(&["history"]);
        assert!(
            stdout(&history).contains("(2): reverted by 3\n"),
            "{}",
            stdout(&history)
        );
        let json: Value =
            serde_json::from_slice(&run(&["history", "--format", "json"]).stdout).unwrap();
        let entry = json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["version"] == 2)
            .unwrap()
            .clone();
        assert_eq!(entry["reverted_by"], 3);
        let json: Value =
            serde_json::from_slice(&run(&["status", "--format", "json"]).stdout).unwrap();
        assert_eq!(json["migrations"][1]["reverted_by"], 3);

        // Once is enough.
        let again = run(&["revert", "2"]);
        assert_code(&again, 1);
        assert_eq!(
            stderr(&again),
            "error: migration 2 is already reverted by migration 3; `ratchet history` shows \
             when\n"
        );
    }
}

#[test]
fn what_cannot_be_inverted_is_named_and_nothing_is_written() {
    let project = Project::with(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16));\n",
        ),
        (
            "0002_status_v2.up.sql",
            "ALTER TABLE orders ADD COLUMN status_v2 VARCHAR(64);\n\
             UPDATE orders SET status_v2 = UPPER(status) WHERE status IS NOT NULL;\n\
             ALTER TABLE orders DROP COLUMN status;\n",
        ),
    ]);
    let db = TestDb::sqlite();
    let run = |args: &[&str]| {
        let mut all = vec!["--database-url", db.url.as_str()];
        all.extend_from_slice(args);
        project.ratchet(&all)
    };
    // Not applied yet: nothing to revert.
    let pending = run(&["revert", "2"]);
    assert_code(&pending, 1);
    assert_eq!(
        stderr(&pending),
        "error: migration 2 is not applied (pending): there is nothing to revert\n"
    );
    assert_code(&run(&["up"]), 3);
    let allowed = "-- ratchet:allow ban-drop-column -- test\n\
                   -- ratchet:allow ddl-and-dml-in-one-migration -- test\n\
                   -- ratchet:allow data-migration-without-verify -- test\n\
                   -- ratchet:allow unbatched-data-change -- test\n";
    let up_file = project.path().join("migrations/0002_status_v2.up.sql");
    let text = std::fs::read_to_string(&up_file).unwrap();
    std::fs::write(&up_file, format!("{allowed}{text}")).unwrap();
    let up = run(&["up"]);
    assert_code(&up, 0);

    let output = run(&["revert", "2"]);
    assert_code(&output, 1);
    insta::assert_snapshot!("revert_cannot_invert", stderr(&output));
    assert_eq!(
        std::fs::read_dir(project.path().join("migrations"))
            .unwrap()
            .count(),
        2
    );
}
