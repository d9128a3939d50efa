//! The README's quick start, and the shop example on every engine.

use serde_json::Value;

use crate::support::*;

#[test]
fn quick_start_applies_the_shop_and_shows_its_status() {
    let shop = Project::shop();
    let up = shop.ratchet(&["up"]);
    assert_code(&up, 0);
    insta::assert_snapshot!("quick_start_up", masked(&stdout(&up)));

    let status = shop.ratchet(&["status"]);
    assert_code(&status, 0);
    insta::assert_snapshot!("quick_start_status", masked(&stdout(&status)));

    // Running it again is a no-op that says so.
    let again = shop.ratchet(&["up"]);
    assert_code(&again, 0);
    assert_eq!(
        stdout(&again),
        "nothing to apply: sqlite:shop.db is up to date\n"
    );
}

#[test]
fn json_outputs_have_the_documented_shapes() {
    let shop = Project::shop();
    assert_code(&shop.ratchet(&["up", "--to", "20261101090200"]), 0);

    let status: Value =
        serde_json::from_slice(&shop.ratchet(&["status", "--format", "json"]).stdout).unwrap();
    let migrations = status["migrations"].as_array().unwrap();
    assert_eq!(migrations.len(), 6);
    assert_eq!(migrations[0]["version"], 20261101090000i64);
    assert_eq!(migrations[0]["name"], "create_orders");
    assert_eq!(migrations[0]["state"], "applied");
    assert_eq!(migrations[3]["state"], "pending");

    let history: Value =
        serde_json::from_slice(&shop.ratchet(&["history", "--format", "json"]).stdout).unwrap();
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for key in [
        "id",
        "version",
        "name",
        "kind",
        "checksum",
        "applied_at",
        "applied_by",
        "execution_time_ms",
        "rolled_back_at",
        "rolled_back_by",
        "reverted_by",
        "state",
        "statements_done",
        "note",
    ] {
        assert!(
            entries[0].get(key).is_some(),
            "history entry lacks {key}: {}",
            entries[0]
        );
    }

    let plan: Value = serde_json::from_slice(
        &shop
            .ratchet(&["up", "--dry-run", "--format", "json"])
            .stdout,
    )
    .unwrap();
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["version"], 20261101090300i64);
    assert_eq!(steps[0]["transactional"], true);
    assert_eq!(steps[0]["statements"][0]["line"], 1);
}

#[test]
fn dry_run_shows_the_plan_and_changes_nothing() {
    let shop = Project::shop();
    let output = shop.ratchet(&["up", "--dry-run"]);
    assert_code(&output, 0);
    insta::assert_snapshot!("dry_run", masked(&stdout(&output)));
    let status: Value =
        serde_json::from_slice(&shop.ratchet(&["status", "--format", "json"]).stdout).unwrap();
    assert!(
        status["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "pending")
    );
}

/// up, down --to 0, up on each engine: the ledger keeps the rolled-back rows.
fn shop_round_trip(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let shop = Project::shop();
    let url = db.url.as_str();
    assert_code(&shop.ratchet(&["--database-url", url, "up"]), 0);
    assert!(db.has_table("shipments"));
    let down = shop.ratchet(&["--database-url", url, "down", "--to", "0"]);
    assert_code(&down, 0);
    assert!(stdout(&down).contains("rolled back 6 migration(s)"));
    assert!(!db.has_table("orders"));
    assert_code(&shop.ratchet(&["--database-url", url, "up"]), 0);
    assert_eq!(
        db.scalar("SELECT count(*) FROM ratchet_migrations WHERE version = 20261101090000 AND rolled_back_at IS NOT NULL")
            .as_deref(),
        Some("1")
    );
    assert_eq!(db.ledger().len(), 12);
}

#[test]
fn shop_round_trip_postgres() {
    shop_round_trip(Kind::Postgres);
}

#[test]
fn shop_round_trip_mysql() {
    shop_round_trip(Kind::Mysql);
}

#[test]
fn shop_round_trip_sqlite() {
    shop_round_trip(Kind::Sqlite);
}

#[test]
fn verify_exits_3_when_a_check_fails() {
    let shop = Project::shop();
    assert_code(&shop.ratchet(&["up"]), 0);
    let ok = shop.ratchet(&["verify"]);
    assert_code(&ok, 0);
    assert!(
        stdout(&ok).contains("ok     20261101090400 backfill_priority (1 query)"),
        "{}",
        stdout(&ok)
    );
    shop.write(
        "migrations/20261101090400_backfill_priority.verify.sql",
        "SELECT id, customer FROM orders WHERE total > 1000;\n",
    );
    let failed = shop.ratchet(&["verify", "20261101090400"]);
    assert_code(&failed, 3);
    insta::assert_snapshot!("verify_failed", masked(&stdout(&failed)));
}
