//! Backfills through the real binary: SIGKILL at several points and SIGINT, then resume,
//! with every row updated exactly once; `backfill pause|resume|status`; `--canary-only`.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

const ROWS: i64 = 300;

/// `orders` with ROWS rows (sparse, partly negative keys) and a project whose one
/// migration fills `priority` in batches of 10 at 150 rows/s (about 2 s in all).
fn setup(kind: Kind, canary: Option<&str>) -> Option<(TestDb, Project)> {
    let db = TestDb::of(kind)?;
    db.execute(
        "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, total INT NOT NULL, \
         priority VARCHAR(10), updates INT NOT NULL DEFAULT 0)",
    );
    let values: Vec<String> = (1..=ROWS)
        .map(|i| format!("({}, {})", i * 13 - 1000, i % 100))
        .collect();
    db.execute(&format!(
        "INSERT INTO orders (id, total) VALUES {}",
        values.join(", ")
    ));
    let canary = canary
        .map(|c| format!(" canary=\"{c}\""))
        .unwrap_or_default();
    let project = Project::with(&[
        (
            "0001_fill.up.sql",
            &format!(
                "-- ratchet:backfill table=orders key=id batch=10{canary}\n\
                 UPDATE orders SET priority = CASE WHEN total > 50 THEN 'high' ELSE 'normal' END,\n\
                 updates = updates + 1\nWHERE priority IS NULL;\n"
            ),
        ),
        (
            "0001_fill.verify.sql",
            "SELECT count(*) FROM orders WHERE priority IS NULL AND :canary;\n",
        ),
    ]);
    project.write("ratchet.toml", "[backfill]\nmax_rows_per_second = 150\n");
    Some((db, project))
}

fn spawn_up(project: &Project, db: &TestDb, args: &[&str]) -> Child {
    let mut all = vec!["--database-url", &db.url];
    all.extend_from_slice(args);
    project
        .command(&all)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn rows_done(db: &TestDb) -> i64 {
    db.rows("SELECT rows_done FROM ratchet_backfills ORDER BY id DESC")
        .first()
        .and_then(|r| r[0].as_deref().map(|v| v.parse().unwrap()))
        .unwrap_or(0)
}

/// Waits until the backfill's checkpoint has passed `threshold` rows.
fn wait_for(db: &TestDb, child: &mut Child, threshold: i64) {
    let started = Instant::now();
    loop {
        let has_table = db.has_table("ratchet_backfills");
        if has_table && rows_done(db) >= threshold {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("ratchet exited ({status}) before {threshold} rows were done");
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Exactly once so far: the rows changed are exactly those the committed checkpoint
/// covers, each changed once.
fn assert_exactly_once_so_far(db: &TestDb) {
    let done = rows_done(db);
    let once = db
        .scalar("SELECT count(*) FROM orders WHERE updates = 1")
        .unwrap();
    let more = db
        .scalar("SELECT count(*) FROM orders WHERE updates > 1")
        .unwrap();
    assert_eq!(more, "0", "a row was updated twice");
    assert_eq!(
        once,
        done.to_string(),
        "rows updated vs rows in committed batches"
    );
    let last = db
        .scalar("SELECT last_key FROM ratchet_backfills ORDER BY id DESC")
        .map(|k| k.trim_matches(['[', ']', '"']).parse::<i64>().unwrap());
    if let Some(last) = last {
        let beyond = db
            .scalar(&format!(
                "SELECT count(*) FROM orders WHERE updates > 0 AND id > {last}"
            ))
            .unwrap();
        assert_eq!(beyond, "0", "a row past the checkpoint was updated");
    }
}

fn assert_all_once(db: &TestDb) {
    assert_eq!(
        db.rows("SELECT updates, count(*) FROM orders GROUP BY updates"),
        vec![vec![Some("1".to_string()), Some(ROWS.to_string())]]
    );
    assert_eq!(db.ledger(), vec![(1, "applied".into(), false)]);
}

/// SIGKILL at three points; each next `ratchet up` continues from the last committed
/// batch: no row skipped, none updated twice.
fn sigkill_at_several_points(kind: Kind) {
    let Some((db, project)) = setup(kind, None) else {
        return;
    };
    for threshold in [30, 120, 250] {
        let mut child = spawn_up(&project, &db, &["up"]);
        wait_for(&db, &mut child, threshold);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_exactly_once_so_far(&db);
        let done = rows_done(&db);
        assert!(done >= threshold && done < ROWS, "{done}");
        // A killed backfill is visibly unfinished, and not refused as failed.
        let status = project.ratchet(&["--database-url", &db.url, "status"]);
        assert!(
            stdout(&status).contains("backfill in progress, or interrupted"),
            "{}",
            stdout(&status)
        );
        let backfills = project.ratchet(&["--database-url", &db.url, "backfill", "status"]);
        assert_code(&backfills, 0);
        assert!(
            stdout(&backfills).contains("interrupted"),
            "{}",
            stdout(&backfills)
        );
    }
    let output = project.ratchet(&["--database-url", &db.url, "up"]);
    assert_code(&output, 0);
    assert!(stdout(&output).contains("resuming"), "{}", stdout(&output));
    assert_all_once(&db);
}

#[test]
fn sigkill_postgres() {
    sigkill_at_several_points(Kind::Postgres);
}

#[test]
fn sigkill_mysql() {
    sigkill_at_several_points(Kind::Mysql);
}

#[test]
fn sigkill_sqlite() {
    sigkill_at_several_points(Kind::Sqlite);
}

/// Ctrl-C finishes the current batch, checkpoints, exits 130 with a clear message; `up`
/// continues.
fn sigint_stops_after_the_batch(kind: Kind) {
    let Some((db, project)) = setup(kind, None) else {
        return;
    };
    let mut child = spawn_up(&project, &db, &["up"]);
    wait_for(&db, &mut child, 50);
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert_code(&output, 130);
    let err = stderr(&output);
    assert!(err.contains("finishing the current batch"), "{err}");
    assert!(
        err.contains(
            "interrupted: the backfill of orders (migration 1) stopped after its current batch"
        ),
        "{err}"
    );
    assert!(
        err.contains("`ratchet up` or `ratchet backfill resume` continues from there"),
        "{err}"
    );
    assert_exactly_once_so_far(&db);
    assert!(rows_done(&db) < ROWS);
    let output = project.ratchet(&["--database-url", &db.url, "up"]);
    assert_code(&output, 0);
    assert_all_once(&db);
}

#[test]
fn sigint_postgres() {
    sigint_stops_after_the_batch(Kind::Postgres);
}

#[test]
fn sigint_mysql() {
    sigint_stops_after_the_batch(Kind::Mysql);
}

#[test]
fn sigint_sqlite() {
    sigint_stops_after_the_batch(Kind::Sqlite);
}

/// `backfill pause` stops a running `up` after its batch; `up` leaves it; `backfill
/// resume` finishes it; `backfill status --format json` says where it is.
#[test]
fn pause_status_resume() {
    let Some((db, project)) = setup(Kind::Sqlite, None) else {
        return;
    };
    let url = db.url.clone();
    let mut child = spawn_up(&project, &db, &["up"]);
    wait_for(&db, &mut child, 40);
    let paused = project.ratchet(&["--database-url", &url, "backfill", "pause"]);
    assert_code(&paused, 0);
    assert!(
        stdout(&paused).contains("paused the backfill of migration 1"),
        "{}",
        stdout(&paused)
    );
    let output = child.wait_with_output().unwrap();
    assert_code(&output, 1);
    assert!(
        stderr(&output).contains("error: paused: the backfill of orders"),
        "{}",
        stderr(&output)
    );
    assert_exactly_once_so_far(&db);
    let up = project.ratchet(&["--database-url", &url, "up"]);
    assert_code(&up, 0);
    assert!(
        stdout(&up).contains("its backfill is paused"),
        "{}",
        stdout(&up)
    );
    let json = project.ratchet(&[
        "--database-url",
        &url,
        "--format",
        "json",
        "backfill",
        "status",
    ]);
    assert_code(&json, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let backfill = &value["backfills"][0];
    assert_eq!(backfill["version"], 1);
    assert_eq!(backfill["state"], "paused");
    assert_eq!(backfill["phase"], "main");
    assert_eq!(backfill["table"], "orders");
    assert_eq!(backfill["rows_estimated"], ROWS);
    assert!(backfill["rows_done"].as_i64().unwrap() >= 40);
    assert!(backfill["rows_per_second"].as_f64().unwrap() > 0.0);
    assert!(backfill["eta_seconds"].as_f64().unwrap() > 0.0);
    let resumed = project.ratchet(&["--database-url", &url, "backfill", "resume"]);
    assert_code(&resumed, 0);
    assert!(
        stdout(&resumed).contains("applied 1 migration(s)"),
        "{}",
        stdout(&resumed)
    );
    assert_all_once(&db);
    let status = project.ratchet(&["--database-url", &url, "backfill", "status"]);
    assert_code(&status, 0);
    let text = stdout(&status);
    assert!(
        text.starts_with("VERSION  TABLE   PHASE  STATE  ROWS     CHANGED"),
        "{text}"
    );
    assert!(
        text.contains("1        orders  done   done   300/300  300"),
        "{text}"
    );
}

/// `up --canary-only` runs and verifies the canary, stops for a person to look (exit 0);
/// `up` then does the rest without doing the canary's rows twice.
#[test]
fn canary_only_then_up() {
    let Some((db, project)) = setup(Kind::Sqlite, Some("total >= 90")) else {
        return;
    };
    let url = db.url.clone();
    let output = project.ratchet(&["--database-url", &url, "up", "--canary-only"]);
    assert_code(&output, 0);
    let text = masked(&stdout(&output));
    insta::assert_snapshot!(
        "canary_only",
        regex_lite::Regex::new(r"\d+ rows/s")
            .unwrap()
            .replace_all(&text, "[rate] rows/s")
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders WHERE updates = 1")
            .as_deref(),
        Some("30")
    );
    let output = project.ratchet(&["--database-url", &url, "up"]);
    assert_code(&output, 0);
    assert_all_once(&db);
}
