//! Batched backfills on the three engines: keyset batches over real key values (sparse,
//! negative, 64-bit, uuid, text and composite keys; pre-filled ranges), canary, verify gate,
//! lock timeouts, a final pass, and stopping and resuming with exactly-once updates.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ratchet_migrate::backfill::{self, StopSignal};
use ratchet_migrate::config::BackfillSettings;
use ratchet_migrate::engine;
use ratchet_migrate::event::Event;
use ratchet_migrate::plan::UpOptions;
use ratchet_migrate::runner::Runner;
use ratchet_migrate::{Error, Result};

use crate::engine_tests;
use crate::support::*;

/// Small batches and short waits, so that every test walks many batches quickly.
fn settings() -> BackfillSettings {
    BackfillSettings {
        batch_size: 4,
        min_batch_size: 2,
        max_batch_size: 40,
        lock_timeout: Duration::from_millis(100),
        lock_retries: 50,
        ..BackfillSettings::default()
    }
}

async fn run_up(
    db: &TestDb,
    folder: &Folder,
    options: &UpOptions,
    settings: BackfillSettings,
    stop: StopSignal,
    sink: &mut (dyn FnMut(Event) + Send),
) -> Result<Vec<i64>> {
    let mut engine = connect(db).await;
    let set = folder.set(engine.dialect());
    let mut runner =
        Runner::new(engine.as_mut(), quick_settings(), sink).with_backfill(settings, stop);
    runner.up(&set, options).await
}

async fn backfill_up(db: &TestDb, folder: &Folder, events: &Events) -> Result<Vec<i64>> {
    let mut sink = events.sink();
    run_up(
        db,
        folder,
        &UpOptions::default(),
        settings(),
        StopSignal::new(),
        &mut sink,
    )
    .await
}

fn bigint(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "INTEGER",
        _ => "BIGINT",
    }
}

/// `orders` with the given key column definitions and rows of (key values..., total).
fn create_orders(db: &TestDb, key_columns: &str, primary_key: &str, rows: &[String]) {
    db.execute(&format!(
        "CREATE TABLE orders ({key_columns}, total INT NOT NULL, priority VARCHAR(10), \
         updates INT NOT NULL DEFAULT 0, PRIMARY KEY ({primary_key}))"
    ));
    for chunk in rows.chunks(200) {
        let columns = primary_key.to_string();
        db.execute(&format!(
            "INSERT INTO orders ({columns}, total) VALUES {}",
            chunk.join(", ")
        ));
    }
}

const FILL: &str = "UPDATE orders SET priority = CASE WHEN total > 50 THEN 'high' ELSE 'normal' END, \
                    updates = updates + 1\nWHERE priority IS NULL;\n";
const NO_NULLS: &str = "SELECT count(*) FROM orders WHERE priority IS NULL;\n";

fn folder_with(directive: &str, up: &str, verify: &str) -> Folder {
    Folder::new(&[
        ("0001_fill.up.sql", &format!("{directive}\n{up}")),
        ("0001_fill.verify.sql", verify),
    ])
}

/// (updates, rows) of the table: every row changed exactly once is `[(1, n)]`.
fn updates(db: &TestDb) -> Vec<(i64, i64)> {
    db.rows("SELECT updates, count(*) FROM orders GROUP BY updates ORDER BY updates")
        .into_iter()
        .map(|r| {
            (
                r[0].as_deref().unwrap().parse().unwrap(),
                r[1].as_deref().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn checkpoint(db: &TestDb) -> (String, String, i64) {
    let row = db
        .rows("SELECT phase, state, rows_done FROM ratchet_backfills ORDER BY id DESC")
        .into_iter()
        .next()
        .expect("a checkpoint");
    (
        row[0].clone().unwrap(),
        row[1].clone().unwrap(),
        row[2].as_deref().unwrap().parse().unwrap(),
    )
}

fn progress(events: &Events) -> Vec<backfill::Progress> {
    events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::BackfillProgress(p) => Some(p),
            _ => None,
        })
        .collect()
}

/// Gaps far larger than a batch, negative keys and keys at the ends of 64-bit integers do
/// not end the walk early or skip a row.
async fn sparse_negative_and_bigint_keys(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let mut keys: Vec<i64> = vec![
        i64::MIN + 1,
        -9_000_000_000_000_000_000,
        -5_000_000_000,
        -7,
        0,
        1,
        2,
        3,
        1_000,
        1_000_000,
        1_000_000_000_000,
        1_000_000_000_000_001,
        i64::MAX,
    ];
    keys.extend(100..131);
    let rows: Vec<String> = keys
        .iter()
        .map(|k| format!("({k}, {})", k.rem_euclid(100)))
        .collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=id batch=3",
        FILL,
        NO_NULLS,
    );
    let events = Events::default();
    assert_eq!(backfill_up(&db, &folder, &events).await.unwrap(), vec![1]);
    assert_eq!(updates(&db), vec![(1, keys.len() as i64)]);
    assert_eq!(db.ledger(), vec![(1, "applied".into(), false)]);
    assert_eq!(
        checkpoint(&db),
        ("done".into(), "done".into(), keys.len() as i64)
    );
    let batches = progress(&events);
    // 44 keys in batches of 3: 15 batches, whatever the gaps between the keys.
    assert_eq!(batches.len(), 15, "{batches:?}");
    assert!(batches.iter().all(|p| p.batch_size == 3));
    let last = batches.last().unwrap();
    assert_eq!(last.rows_done, keys.len() as u64);
    assert_eq!(last.rows_estimated, Some(keys.len() as u64));
}

/// Ranges already filled (by dual writes) cost a batch but change nothing, and do not end
/// the backfill: the rows after them are filled too.
async fn prefilled_ranges(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=120).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    db.execute("UPDATE orders SET priority = 'dual' WHERE id BETWEEN 10 AND 90");
    let folder = folder_with("-- ratchet:backfill table=orders key=id", FILL, NO_NULLS);
    let events = Events::default();
    assert_eq!(backfill_up(&db, &folder, &events).await.unwrap(), vec![1]);
    assert_eq!(updates(&db), vec![(0, 81), (1, 39)]);
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders WHERE priority = 'dual'")
            .as_deref(),
        Some("81")
    );
    let last = progress(&events).pop().unwrap();
    assert_eq!((last.rows_done, last.rows_changed), (120, 39));
    // Adaptive: the size grew past the first batch of 4 (cheap batches), within the bounds.
    assert!(progress(&events).iter().any(|p| p.batch_size > 4));
    assert!(progress(&events).iter().all(|p| p.batch_size <= 40));
}

/// uuid keys (PostgreSQL's uuid type; CHAR(36) and TEXT elsewhere) walk in the database's
/// own order.
async fn uuid_keys(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let key_type = match kind {
        Kind::Postgres => "uuid NOT NULL",
        Kind::Mysql => "CHAR(36) NOT NULL",
        Kind::Sqlite => "TEXT NOT NULL",
    };
    let rows: Vec<String> = (0u64..75)
        .map(|i| {
            let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            format!(
                "('{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}', {})",
                h >> 32,
                (h >> 16) & 0xffff,
                h & 0xfff,
                (h >> 20) & 0xfff,
                h & 0xffff_ffff_ffff,
                i
            )
        })
        .collect();
    create_orders(&db, &format!("id {key_type}"), "id", &rows);
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=id batch=7",
        FILL,
        NO_NULLS,
    );
    let events = Events::default();
    assert_eq!(backfill_up(&db, &folder, &events).await.unwrap(), vec![1]);
    assert_eq!(updates(&db), vec![(1, 75)]);
    assert_eq!(progress(&events).len(), 11);
}

/// A composite key walks as a row value: the same id under several tenants, gaps in both.
async fn composite_keys(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let mut rows = Vec::new();
    for tenant in [-3, 1, 2, 50] {
        for id in [1i64, 2, 3, 7, 1_000, 1_000_000_000_000, 5, 6] {
            rows.push(format!("({tenant}, {id}, {})", id % 97));
        }
    }
    create_orders(
        &db,
        &format!("tenant INT NOT NULL, id {} NOT NULL", bigint(kind)),
        "tenant, id",
        &rows,
    );
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=tenant,id batch=5",
        FILL,
        NO_NULLS,
    );
    let events = Events::default();
    assert_eq!(backfill_up(&db, &folder, &events).await.unwrap(), vec![1]);
    assert_eq!(updates(&db), vec![(1, 32)]);
    // 32 rows in batches of 5: 7 batches.
    assert_eq!(progress(&events).len(), 7);
    let last_key = db.scalar("SELECT last_key FROM ratchet_backfills").unwrap();
    assert_eq!(last_key, r#"["50","1000000000000"]"#);
}

/// A DELETE runs in batches too.
async fn batched_delete(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=50).map(|k| format!("({}, {k})", k * 3)).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=id batch=6",
        "DELETE FROM orders WHERE total % 2 = 0;\n",
        "SELECT count(*) FROM orders WHERE total % 2 = 0;\n",
    );
    assert_eq!(
        backfill_up(&db, &folder, &Events::default()).await.unwrap(),
        vec![1]
    );
    assert_eq!(
        db.scalar("SELECT count(*) FROM orders").as_deref(),
        Some("25")
    );
}

/// A canary whose rows come out wrong stops the backfill before the rest of the table is
/// touched; the ledger row is failed with the query's output, and `up` refuses after.
async fn canary_stops_a_bad_mapping(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=100).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = Folder::new(&[
        (
            "0001_fill.up.sql",
            "-- ratchet:backfill table=orders key=id canary=\"id > 80\"\n\
             UPDATE orders SET priority = CASE WHEN total > 90 THEN 'high' END, \
             updates = updates + 1\nWHERE priority IS NULL;\n",
        ),
        (
            "0001_fill.verify.sql",
            "SELECT count(*) FROM orders WHERE priority IS NULL AND :canary;\n",
        ),
        ("0002_next.up.sql", "CREATE TABLE next_thing (id INT);\n"),
    ]);
    let events = Events::default();
    let err = backfill_up(&db, &folder, &events).await.unwrap_err();
    assert!(matches!(err, Error::VerifyFailed { .. }), "{err}");
    assert!(err.to_string().contains("1 row(s): (10)"), "{err}");
    // Only the canary's rows were touched; the rest of the table and the next migration not.
    assert_eq!(updates(&db), vec![(0, 80), (1, 20)]);
    assert!(!db.has_table("next_thing"));
    assert_eq!(db.ledger(), vec![(1, "failed".into(), false)]);
    let note = db.scalar("SELECT note FROM ratchet_migrations").unwrap();
    assert!(
        note.contains("canary failed verification after 20 rows"),
        "{note}"
    );
    assert!(note.contains("(10)"), "{note}");
    assert_eq!(checkpoint(&db), ("canary".into(), "failed".into(), 0));
    let err = backfill_up(&db, &folder, &events).await.unwrap_err();
    assert!(is_refused(&err), "{err}");
    assert!(err.to_string().contains("ratchet repair 1"), "{err}");
    // Fix the mapping, clear the failed run: `up` starts the backfill over, canary first;
    // the old run shows as abandoned.
    folder.write(
        "0001_fill.up.sql",
        &format!("-- ratchet:backfill table=orders key=id canary=\"id > 80\"\n{FILL}"),
    );
    db.execute("UPDATE orders SET priority = NULL");
    let mut engine = connect(&db).await;
    let set = folder.set(engine.dialect());
    let mut sink = |_| {};
    Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .repair(&set, &[1], Some("fixed the mapping"))
        .await
        .unwrap();
    assert_eq!(
        backfill_up(&db, &folder, &events).await.unwrap(),
        vec![1, 2]
    );
    assert_eq!(updates(&db), vec![(1, 80), (2, 20)]);
    let states: Vec<String> = backfill::status(engine.as_mut(), false)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.shown_state)
        .collect();
    assert_eq!(states, vec!["abandoned", "done"]);
}

/// A good canary passes, then the rest is done without doing the canary's rows twice;
/// `--canary-only` stops after it, and `up` goes on from there.
async fn canary_first_then_the_rest(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=60).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = Folder::new(&[
        (
            "0001_fill.up.sql",
            &format!("-- ratchet:backfill table=orders key=id canary=\"total >= 45\"\n{FILL}"),
        ),
        (
            "0001_fill.verify.sql",
            "SELECT count(*) FROM orders WHERE priority IS NULL AND :canary;\n",
        ),
        ("0002_next.up.sql", "CREATE TABLE next_thing (id INT);\n"),
    ]);
    let events = Events::default();
    let mut sink = events.sink();
    let canary_only = UpOptions {
        canary_only: true,
        ..UpOptions::default()
    };
    let applied = run_up(
        &db,
        &folder,
        &canary_only,
        settings(),
        StopSignal::new(),
        &mut sink,
    )
    .await
    .unwrap();
    assert!(applied.is_empty());
    assert_eq!(updates(&db), vec![(0, 44), (1, 16)]);
    assert!(!db.has_table("next_thing"));
    assert_eq!(
        checkpoint(&db),
        ("main".into(), "canary_verified".into(), 0)
    );
    assert!(events.all().iter().any(|e| matches!(
        e,
        Event::BackfillCanaryPassed {
            rows: 16,
            queries: 1,
            ..
        }
    )));
    assert!(
        events
            .all()
            .iter()
            .any(|e| matches!(e, Event::BackfillStopped { .. }))
    );
    // `up` continues after the canary, on the same ledger row.
    assert_eq!(
        backfill_up(&db, &folder, &Events::default()).await.unwrap(),
        vec![1, 2]
    );
    assert_eq!(updates(&db), vec![(1, 60)]);
    assert_eq!(
        db.ledger(),
        vec![(1, "applied".into(), false), (2, "applied".into(), false)]
    );
}

/// The verify gate: batches done but a verify query fails: the row stays failed with the
/// query's output and nothing after it runs.
async fn verify_gate(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=30).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = Folder::new(&[
        (
            "0001_fill.up.sql",
            "-- ratchet:backfill table=orders key=id\n\
             UPDATE orders SET priority = 'x', updates = updates + 1 WHERE priority IS NULL AND total > 3;\n",
        ),
        ("0001_fill.verify.sql", NO_NULLS),
        ("0002_next.up.sql", "CREATE TABLE next_thing (id INT);\n"),
    ]);
    let err = backfill_up(&db, &folder, &Events::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::VerifyFailed { .. }), "{err}");
    assert!(!db.has_table("next_thing"));
    assert_eq!(db.ledger(), vec![(1, "failed".into(), false)]);
    let note = db.scalar("SELECT note FROM ratchet_migrations").unwrap();
    assert!(
        note.contains("all batches committed (30 rows walked, 27 changed), but verify failed"),
        "{note}"
    );
    assert!(note.contains("1 row(s): (3)"), "{note}");
    assert_eq!(checkpoint(&db), ("verify".into(), "failed".into(), 30));
    let mut engine = connect(&db).await;
    let set = folder.set(engine.dialect());
    let rows = ratchet_migrate::ledger::rows(engine.as_mut())
        .await
        .unwrap();
    let status = ratchet_migrate::status::compute(&set, &rows);
    assert_eq!(status[0].state, ratchet_migrate::status::State::Failed);
    assert!(
        status[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("verify failed")
    );
}

/// Ctrl-C (the stop signal) ends the backfill after its current batch, with the checkpoint
/// committed; the next `up` continues on the same ledger row, and no row is done twice.
async fn stop_and_resume_exactly_once(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=80)
        .map(|k| format!("({}, {k})", k * 11 - 300))
        .collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=id batch=5",
        FILL,
        NO_NULLS,
    );
    let stop = StopSignal::new();
    let seen = Arc::new(Mutex::new(0));
    let mut sink = {
        let (stop, seen) = (stop.clone(), seen.clone());
        move |e: Event| {
            if matches!(e, Event::BackfillProgress(_)) {
                *seen.lock().unwrap() += 1;
                if *seen.lock().unwrap() == 3 {
                    stop.request();
                }
            }
        }
    };
    let err = run_up(
        &db,
        &folder,
        &UpOptions::default(),
        settings(),
        stop,
        &mut sink,
    )
    .await
    .unwrap_err();
    assert!(err.is_interrupt(), "{err}");
    assert!(err.to_string().contains("checkpoint at key -135"), "{err}");
    assert_eq!(updates(&db), vec![(0, 65), (1, 15)]);
    assert_eq!(checkpoint(&db), ("main".into(), "running".into(), 15));
    assert_eq!(db.ledger(), vec![(1, "failed".into(), false)]);
    let events = Events::default();
    assert_eq!(backfill_up(&db, &folder, &events).await.unwrap(), vec![1]);
    assert_eq!(updates(&db), vec![(1, 80)]);
    assert_eq!(db.ledger(), vec![(1, "applied".into(), false)]);
    assert!(events.all().iter().any(|e| matches!(
        e,
        Event::BackfillStarted {
            resumed_at: Some(15),
            ..
        }
    )));
}

/// `ratchet backfill pause` (the checkpoint's state) stops a running backfill after its
/// batch; `up` leaves it pending; `resume` finishes it.
async fn pause_and_resume(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=40).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = Folder::new(&[
        (
            "0001_fill.up.sql",
            &format!("-- ratchet:backfill table=orders key=id batch=4\n{FILL}"),
        ),
        ("0001_fill.verify.sql", NO_NULLS),
        ("0002_next.up.sql", "CREATE TABLE next_thing (id INT);\n"),
    ]);
    let url = db.url.clone();
    let mut paused = false;
    let mut sink = move |e: Event| {
        if matches!(e, Event::BackfillProgress(ref p) if p.batches == 2) && !paused {
            paused = true;
            // Another process pauses it, as `ratchet backfill pause` does.
            let url = url.clone();
            std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(async {
                        let mut other = engine::connect(&url).await.unwrap();
                        assert_eq!(
                            backfill::pause(other.as_mut(), None).await.unwrap(),
                            vec![1]
                        );
                    })
            })
            .join()
            .unwrap();
        }
    };
    let err = run_up(
        &db,
        &folder,
        &UpOptions::default(),
        settings(),
        StopSignal::new(),
        &mut sink,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BackfillStopped {
                interrupted: false,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(updates(&db), vec![(0, 32), (1, 8)]);
    assert_eq!(checkpoint(&db).1, "paused");
    // `up` leaves a paused backfill, and what comes after it, pending.
    let events = Events::default();
    assert_eq!(
        backfill_up(&db, &folder, &events).await.unwrap(),
        Vec::<i64>::new()
    );
    assert!(!db.has_table("next_thing"));
    assert!(
        events
            .all()
            .iter()
            .any(|e| matches!(e, Event::Notice(n) if n.contains("paused")))
    );
    // `backfill resume` continues it (and applies nothing after it).
    let mut engine = connect(&db).await;
    let set = folder.set(engine.dialect());
    let mut sink = |_| {};
    let mut runner = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .with_backfill(settings(), StopSignal::new());
    let resumed = runner
        .resume_backfills(&set, None, &UpOptions::default())
        .await
        .unwrap();
    assert_eq!(resumed, vec![1]);
    assert_eq!(updates(&db), vec![(1, 40)]);
    assert!(!db.has_table("next_thing"));
}

/// A batch that waits for a lock longer than the lock timeout is rolled back, the batch
/// shrinks, ratchet backs off and tries again; the backfill still finishes exactly once.
async fn lock_timeouts_back_off(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=30).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = folder_with(
        "-- ratchet:backfill table=orders key=id batch=8",
        FILL,
        NO_NULLS,
    );
    let hold = if kind == Kind::Mysql {
        Duration::from_millis(2500)
    } else {
        Duration::from_millis(700)
    };
    // After the first batch, the application takes a lock the next batch needs and holds
    // it: SQLite's write lock, or a row lock in the next batch's range.
    let holder: Arc<Mutex<Option<std::thread::JoinHandle<()>>>> = Arc::default();
    let events = Events::default();
    let mut sink = {
        let (holder, url, mut record) = (holder.clone(), db.url.clone(), events.sink());
        move |e: Event| {
            let first = matches!(e, Event::BackfillProgress(ref p) if p.batches == 1);
            record(e);
            if !first {
                return;
            }
            let (locked_tx, locked_rx) = std::sync::mpsc::channel();
            let url = url.clone();
            let thread = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(async {
                        let mut app = engine::connect(&url).await.unwrap();
                        if kind == Kind::Sqlite {
                            app.execute("BEGIN IMMEDIATE").await.unwrap();
                        } else {
                            app.execute("BEGIN").await.unwrap();
                            app.execute("UPDATE orders SET total = total WHERE id = 12")
                                .await
                                .unwrap();
                        }
                        locked_tx.send(()).unwrap();
                        tokio::time::sleep(hold).await;
                        app.execute("COMMIT").await.unwrap();
                    })
            });
            locked_rx.recv().unwrap();
            *holder.lock().unwrap() = Some(thread);
        }
    };
    let applied = run_up(
        &db,
        &folder,
        &UpOptions::default(),
        settings(),
        StopSignal::new(),
        &mut sink,
    )
    .await
    .unwrap();
    assert_eq!(applied, vec![1]);
    holder.lock().unwrap().take().unwrap().join().unwrap();
    let timeouts: Vec<u64> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::BackfillLockTimeout { batch_size, .. } => Some(batch_size),
            _ => None,
        })
        .collect();
    assert!(!timeouts.is_empty(), "no lock timeout was reported");
    assert_eq!(timeouts[0], 4, "the batch halves after a lock timeout");
    assert_eq!(updates(&db), vec![(1, 30)]);
}

/// Keys added after the start are the application's job, unless a final pass is asked for.
async fn final_pass(kind: Kind) {
    for with_final_pass in [false, true] {
        let Some(db) = TestDb::of(kind) else { return };
        let rows: Vec<String> = (1..=20).map(|k| format!("({k}, {k})")).collect();
        create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
        let folder = folder_with(
            "-- ratchet:backfill table=orders key=id batch=5",
            FILL,
            NO_NULLS,
        );
        let url = db.url.clone();
        let mut inserted = false;
        let mut sink = move |e: Event| {
            if matches!(e, Event::BackfillProgress(_)) && !inserted {
                inserted = true;
                let url = url.clone();
                std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap()
                        .block_on(async {
                            let mut app = engine::connect(&url).await.unwrap();
                            app.execute("INSERT INTO orders (id, total) VALUES (21, 21), (500, 5)")
                                .await
                                .unwrap();
                        })
                })
                .join()
                .unwrap();
            }
        };
        let options = UpOptions {
            final_pass: with_final_pass,
            ..UpOptions::default()
        };
        let result = run_up(
            &db,
            &folder,
            &options,
            settings(),
            StopSignal::new(),
            &mut sink,
        )
        .await;
        if with_final_pass {
            assert_eq!(result.unwrap(), vec![1]);
            assert_eq!(updates(&db), vec![(1, 22)]);
            assert_eq!(checkpoint(&db).2, 22);
        } else {
            // The two new rows are left to the application; the verify query notices.
            let err = result.unwrap_err();
            assert!(err.to_string().contains("1 row(s): (2)"), "{err}");
            assert_eq!(updates(&db), vec![(0, 2), (1, 20)]);
        }
    }
}

/// Rows with a NULL key would be in no range: refused before anything runs.
async fn null_keys_are_refused(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    db.execute(
        "CREATE TABLE orders (code VARCHAR(10), total INT, priority VARCHAR(10), updates INT)",
    );
    db.execute("INSERT INTO orders (code, total) VALUES ('a', 1), (NULL, 2)");
    let folder = folder_with("-- ratchet:backfill table=orders key=code", FILL, NO_NULLS);
    let err = backfill_up(&db, &folder, &Events::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("have a NULL in the key (code)"),
        "{err}"
    );
    assert!(db.ledger().is_empty());
}

/// A configured replica that is not one is refused before anything runs: PostgreSQL
/// (`pg_is_in_recovery()`) and MySQL (`SHOW REPLICA STATUS` is empty).
async fn a_replica_url_that_is_no_replica_is_refused(kind: Kind) {
    if kind == Kind::Sqlite {
        return;
    }
    let Some(db) = TestDb::of(kind) else { return };
    let rows: Vec<String> = (1..=5).map(|k| format!("({k}, {k})")).collect();
    create_orders(&db, &format!("id {} NOT NULL", bigint(kind)), "id", &rows);
    let folder = folder_with("-- ratchet:backfill table=orders key=id", FILL, NO_NULLS);
    let settings = BackfillSettings {
        replicas: vec![db.url.clone()],
        ..settings()
    };
    let mut sink = |_| {};
    let err = run_up(
        &db,
        &folder,
        &UpOptions::default(),
        settings,
        StopSignal::new(),
        &mut sink,
    )
    .await
    .unwrap_err();
    let expected = match kind {
        Kind::Postgres => "is not a replica (pg_is_in_recovery() is false)",
        _ => "is not a replica (SHOW REPLICA STATUS is empty)",
    };
    assert!(err.to_string().contains(expected), "{err}");
    assert_eq!(updates(&db), vec![(0, 5)]);
    assert!(db.ledger().is_empty());
}

engine_tests!(
    a_replica_url_that_is_no_replica_is_refused,
    sparse_negative_and_bigint_keys,
    prefilled_ranges,
    uuid_keys,
    composite_keys,
    batched_delete,
    canary_stops_a_bad_mapping,
    canary_first_then_the_rest,
    verify_gate,
    stop_and_resume_exactly_once,
    pause_and_resume,
    lock_timeouts_back_off,
    final_pass,
    null_keys_are_refused,
);
