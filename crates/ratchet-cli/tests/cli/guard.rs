//! Guarded rollbacks through the binary: `down` saves real data, `restore` puts it back,
//! `history` lists the backups; refusals and accepted losses exit as documented.

use serde_json::Value;

use crate::support::*;

/// Output with the parts that change from run to run masked, `user@host` included.
fn stable(text: &str) -> String {
    let text = masked(text);
    regex_lite::Regex::new(r"by \S+@\S+")
        .unwrap()
        .replace_all(&text, "by [who]")
        .into_owned()
}

fn priorities(db: &TestDb) -> Vec<Vec<Option<String>>> {
    db.rows("SELECT id, priority FROM orders ORDER BY id")
}

/// The shop's priority pair rolled back with real data in `priority`, re-applied, and
/// restored: every value comes back.
fn rollback_and_restore(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Project::shop();
    let url = db.url.as_str();
    assert_code(&shop.ratchet(&["--database-url", url, "up"]), 0);
    for (id, priority) in [
        (1, "urgent"),
        (2, "low"),
        (3, "urgent"),
        (4, "vip"),
        (5, "low"),
    ] {
        db.execute(&format!(
            "UPDATE orders SET priority = '{priority}' WHERE id = {id}"
        ));
    }
    let before = priorities(&db);

    let down = shop.ratchet(&["--database-url", url, "down", "--to", "20261101090100"]);
    assert_code(&down, 0);
    let copy = if kind == Kind::Postgres {
        "ratchet_backup.b1_orders_priority"
    } else {
        "ratchet_backup_b1_orders_priority"
    };
    let out = stdout(&down);
    assert!(
        out.contains(&format!(
            "saved orders.priority (5 rows) to {copy} before rolling back 20261101090400"
        )) && out.contains("restore with `ratchet restore 1`"),
        "{out}"
    );
    if kind == Kind::Sqlite {
        insta::assert_snapshot!("guarded_down", stable(&out));
    }

    let early = shop.ratchet(&["--database-url", url, "restore", "1"]);
    assert_code(&early, 1);
    assert_eq!(
        stderr(&early),
        "error: column orders.priority does not exist yet: re-apply migration 20261101090400 \
         first (`ratchet up`), then run `ratchet restore 1` again\n"
    );

    assert_code(&shop.ratchet(&["--database-url", url, "up"]), 0);
    assert_ne!(priorities(&db), before);
    let restore = shop.ratchet(&["--database-url", url, "restore", "1"]);
    assert_code(&restore, 0);
    assert_eq!(
        stdout(&restore),
        format!("restored backup 1: 5 row(s) of orders.priority put back from {copy}\n")
    );
    assert_eq!(priorities(&db), before, "every value is back");

    let history = shop.ratchet(&["--database-url", url, "history", "--format", "json"]);
    assert_code(&history, 0);
    let history: Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(history["entries"].as_array().unwrap().len(), 10);
    let backups = history["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 1);
    let backup = &backups[0];
    assert_eq!(backup["id"], 1);
    assert_eq!(backup["version"], 20261101090400i64);
    assert_eq!(backup["kind"], "column");
    assert_eq!(backup["source_table"], "orders");
    assert_eq!(backup["source_column"], "priority");
    assert_eq!(backup["backup_table"], copy);
    assert_eq!(backup["key_columns"], serde_json::json!(["id"]));
    assert_eq!(backup["rows"], 5);
    assert_eq!(backup["restored_rows"], 5);
    assert!(backup["restored_at"].is_string() && backup["created_by"].is_string());
    let noted = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["note"].as_str())
        .any(|n| n.contains(&format!("saved orders.priority (5 rows) to {copy}")));
    assert!(noted, "the ledger row's note names the backup");

    if kind == Kind::Sqlite {
        let human = shop.ratchet(&["--database-url", url, "history"]);
        assert_code(&human, 0);
        insta::assert_snapshot!("history_with_backups", stable(&stdout(&human)));
    }
    let again = shop.ratchet(&["--database-url", url, "restore", "1"]);
    assert_code(&again, 1);
    let unknown = shop.ratchet(&["--database-url", url, "restore", "7"]);
    assert_code(&unknown, 2);
    assert!(stderr(&unknown).contains("there is no backup 7"));
}

#[test]
fn rollback_and_restore_postgres() {
    rollback_and_restore(Kind::Postgres);
}

#[test]
fn rollback_and_restore_mysql() {
    rollback_and_restore(Kind::Mysql);
}

#[test]
fn rollback_and_restore_sqlite() {
    rollback_and_restore(Kind::Sqlite);
}

fn keyless_project() -> Project {
    Project::with(&[
        (
            "1_events.up.sql",
            "CREATE TABLE events (name VARCHAR(20) NOT NULL, source VARCHAR(20));\n",
        ),
        ("1_events.down.sql", "DROP TABLE events;\n"),
        (
            "2_seed.up.sql",
            "INSERT INTO events (name, source) VALUES ('signup', 'web');\n",
        ),
        ("2_seed.down.sql", "UPDATE events SET source = NULL;\n"),
        (
            "2_seed.verify.sql",
            "SELECT 1 - count(*) FROM events WHERE name = 'signup';\n",
        ),
    ])
}

/// A keyless table with data: refused (exit 1) with the why and the way out; the way out
/// records its reason.
fn keyless_refusal_and_accepted_loss(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let project = keyless_project();
    let url = db.url.as_str();
    assert_code(&project.ratchet(&["--database-url", url, "up"]), 0);
    let refused = project.ratchet(&["--database-url", url, "down"]);
    assert_code(&refused, 1);
    insta::assert_snapshot!("keyless_refusal", stderr(&refused));
    assert_eq!(
        db.scalar("SELECT source FROM events").as_deref(),
        Some("web"),
        "nothing changed"
    );

    let accepted = project.ratchet(&[
        "--database-url",
        url,
        "down",
        "--accept-data-loss",
        "seed data, recreated by up",
    ]);
    assert_code(&accepted, 0);
    assert!(
        stdout(&accepted).contains(
            "note: migration 2: not saved: events.source, which held data (2_seed.down.sql:1: \
             UPDATE events SET source = NULL); data loss accepted"
        ),
        "{}",
        stdout(&accepted)
    );
    assert_eq!(db.scalar("SELECT source FROM events"), None);
    let history: Value = serde_json::from_slice(
        &project
            .ratchet(&["--database-url", url, "history", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(
        history["entries"][1]["note"],
        "accepted data loss: seed data, recreated by up\nnot saved: events.source, which \
         held data (2_seed.down.sql:1: UPDATE events SET source = NULL)"
    );
    assert_eq!(history["backups"], serde_json::json!([]));

    // A whole table needs no key: it is copied, and goes back into the empty table.
    let dropped = project.ratchet(&["--database-url", url, "down"]);
    assert_code(&dropped, 0);
    assert!(
        stdout(&dropped).contains("saved table events (1 row)"),
        "{}",
        stdout(&dropped)
    );
    assert_code(
        &project.ratchet(&["--database-url", url, "up", "--to", "1"]),
        0,
    );
    let restore = project.ratchet(&["--database-url", url, "restore", "1", "--format", "json"]);
    assert_code(&restore, 0);
    let restored: Value = serde_json::from_slice(&restore.stdout).unwrap();
    assert_eq!(restored["restored"]["rows_restored"], 1);
    assert_eq!(restored["restored"]["rows_skipped"], 0);
    assert_eq!(restored["restored"]["backup"]["kind"], "table");
    assert_eq!(
        restored["restored"]["backup"]["key_columns"],
        serde_json::json!([])
    );
    assert_eq!(
        db.scalar("SELECT name FROM events").as_deref(),
        Some("signup")
    );
}

#[test]
fn keyless_refusal_and_accepted_loss_sqlite() {
    keyless_refusal_and_accepted_loss(Kind::Sqlite);
}

#[test]
fn keyless_refusal_and_accepted_loss_postgres() {
    keyless_refusal_and_accepted_loss(Kind::Postgres);
}

#[test]
fn keyless_refusal_and_accepted_loss_mysql() {
    keyless_refusal_and_accepted_loss(Kind::Mysql);
}
