//! Checkpoints: `ratchet_backfills`, one row per run of a backfill migration (per ledger
//! row), updated in the same transaction as each batch, so that the row always says
//! exactly which key ranges committed.
//!
//! | column | meaning |
//! |---|---|
//! | `id` | primary key |
//! | `ledger_id`, `version` | the ledger row of this application, and the migration |
//! | `table_name`, `key_columns` | what it walks (key columns comma-separated) |
//! | `phase` | `canary`, `main`, `final_pass`, `verify` or `done` |
//! | `state` | `running` (or interrupted), `paused`, `canary_verified`, `failed`, `done` |
//! | `last_key` | the last key of the last committed batch of the phase (JSON array of text), NULL before the first |
//! | `end_key` | the greatest key when the phase started: where the walk ends |
//! | `rows_done` | keys walked by the main pass and the final pass |
//! | `canary_rows` | rows walked by the canary pass |
//! | `rows_changed` | rows the statement changed (affected rows) |
//! | `rows_estimated` | rows in the table (catalog estimate, refined as it goes) |
//! | `batch_size`, `batches` | the current batch size and the batches committed |
//! | `elapsed_ms` | time spent running, over every run |
//! | `started_at`, `updated_at` | when it started and when the last batch committed |
//! | `note` | the last error, or why it stopped |

use serde::Serialize;

use super::keyset::KeyValue;
use crate::engine::{Engine, Param};
use crate::ledger::{now_sql, placeholder, timestamp_sql};
use crate::sql::Dialect;
use crate::{Error, Result};

/// The checkpoint table's name.
pub const TABLE: &str = "ratchet_backfills";

/// Where a backfill is in its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Walking the canary subset.
    Canary,
    /// Walking every key that existed at the start.
    Main,
    /// Walking keys added since the start.
    FinalPass,
    /// Batches done; the verify queries run.
    Verify,
    /// Verified and recorded as applied.
    Done,
}

/// Whether a backfill runs, waits or is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Running, or interrupted (killed, Ctrl-C, an error): `ratchet up` continues it.
    Running,
    /// Paused by `ratchet backfill pause`: `up` leaves it, `backfill resume` continues it.
    Paused,
    /// `up --canary-only` stopped after a verified canary: `up` continues it.
    CanaryVerified,
    /// Its verify queries failed: `ratchet repair` clears it, then `up` starts over.
    Failed,
    /// Finished and applied.
    Done,
}

impl Phase {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Canary => "canary",
            Phase::Main => "main",
            Phase::FinalPass => "final_pass",
            Phase::Verify => "verify",
            Phase::Done => "done",
        }
    }

    fn parse(text: &str) -> Option<Phase> {
        [
            Phase::Canary,
            Phase::Main,
            Phase::FinalPass,
            Phase::Verify,
            Phase::Done,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

impl State {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Paused => "paused",
            State::CanaryVerified => "canary_verified",
            State::Failed => "failed",
            State::Done => "done",
        }
    }

    fn parse(text: &str) -> Option<State> {
        [
            State::Running,
            State::Paused,
            State::CanaryVerified,
            State::Failed,
            State::Done,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One row of `ratchet_backfills`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkpoint {
    /// Primary key.
    pub id: i64,
    /// The ledger row of this application.
    pub ledger_id: i64,
    /// The migration's version.
    pub version: i64,
    /// The table it walks.
    pub table: String,
    /// The key columns.
    pub key: Vec<String>,
    /// Where it is.
    pub phase: Phase,
    /// Whether it runs.
    pub state: State,
    /// The last key of the last committed batch of the phase.
    pub last_key: Option<KeyValue>,
    /// Where the phase's walk ends (the greatest key when it started).
    pub end_key: Option<KeyValue>,
    /// Keys walked by the main and final passes.
    pub rows_done: u64,
    /// Rows walked by the canary pass.
    pub canary_rows: u64,
    /// Rows the statement changed.
    pub rows_changed: u64,
    /// Rows in the table, estimated.
    pub rows_estimated: Option<u64>,
    /// The current batch size.
    pub batch_size: u64,
    /// Batches committed.
    pub batches: u64,
    /// Time spent running, over every run.
    pub elapsed_ms: u64,
    /// When it started (UTC, RFC 3339).
    pub started_at: String,
    /// When the last batch committed.
    pub updated_at: String,
    /// The last error, or why it stopped.
    pub note: Option<String>,
}

fn create_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                ledger_id BIGINT NOT NULL UNIQUE,
                version BIGINT NOT NULL,
                table_name TEXT NOT NULL,
                key_columns TEXT NOT NULL,
                phase TEXT NOT NULL,
                state TEXT NOT NULL,
                last_key TEXT,
                end_key TEXT,
                rows_done BIGINT NOT NULL DEFAULT 0,
                canary_rows BIGINT NOT NULL DEFAULT 0,
                rows_changed BIGINT NOT NULL DEFAULT 0,
                rows_estimated BIGINT,
                batch_size BIGINT NOT NULL,
                batches BIGINT NOT NULL DEFAULT 0,
                elapsed_ms BIGINT NOT NULL DEFAULT 0,
                started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                note TEXT
            )"
        ),
        Dialect::Mysql => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                ledger_id BIGINT NOT NULL,
                version BIGINT NOT NULL,
                table_name VARCHAR(255) NOT NULL,
                key_columns VARCHAR(1024) NOT NULL,
                phase VARCHAR(16) NOT NULL,
                state VARCHAR(16) NOT NULL,
                last_key TEXT NULL,
                end_key TEXT NULL,
                rows_done BIGINT NOT NULL DEFAULT 0,
                canary_rows BIGINT NOT NULL DEFAULT 0,
                rows_changed BIGINT NOT NULL DEFAULT 0,
                rows_estimated BIGINT NULL,
                batch_size BIGINT NOT NULL,
                batches BIGINT NOT NULL DEFAULT 0,
                elapsed_ms BIGINT NOT NULL DEFAULT 0,
                started_at DATETIME(6) NOT NULL,
                updated_at DATETIME(6) NOT NULL,
                note TEXT NULL,
                UNIQUE KEY {TABLE}_ledger_id (ledger_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        ),
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                ledger_id INTEGER NOT NULL UNIQUE,
                version INTEGER NOT NULL,
                table_name TEXT NOT NULL,
                key_columns TEXT NOT NULL,
                phase TEXT NOT NULL,
                state TEXT NOT NULL,
                last_key TEXT,
                end_key TEXT,
                rows_done INTEGER NOT NULL DEFAULT 0,
                canary_rows INTEGER NOT NULL DEFAULT 0,
                rows_changed INTEGER NOT NULL DEFAULT 0,
                rows_estimated INTEGER,
                batch_size INTEGER NOT NULL,
                batches INTEGER NOT NULL DEFAULT 0,
                elapsed_ms INTEGER NOT NULL DEFAULT 0,
                started_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                note TEXT
            )"
        ),
    }
}

/// Creates the checkpoint table if it does not exist.
pub(crate) async fn ensure(engine: &mut dyn Engine) -> Result<()> {
    engine
        .execute(&create_sql(engine.dialect()))
        .await
        .map(|_| ())
        .map_err(|e| e.context(format!("cannot create the checkpoint table {TABLE}")))
}

/// Whether the checkpoint table exists (read-only commands do not create it).
pub(crate) async fn exists(engine: &mut dyn Engine) -> Result<bool> {
    crate::ledger::table_exists(engine, TABLE).await
}

fn key_json(key: Option<&KeyValue>) -> Option<String> {
    key.map(|k| serde_json::to_string(k).unwrap_or_default())
}

fn int(n: u64) -> Param {
    Param::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn text_or_null(dialect: Dialect, value: Option<String>, params: &mut Vec<Param>) -> String {
    match value {
        Some(v) => {
            params.push(Param::Text(v));
            placeholder(dialect, params.len())
        }
        None => "NULL".into(),
    }
}

/// Inserts a new checkpoint and returns its id.
pub(crate) async fn insert(engine: &mut dyn Engine, c: &Checkpoint) -> Result<i64> {
    let d = engine.dialect();
    let mut params = vec![
        Param::Int(c.ledger_id),
        Param::Int(c.version),
        Param::Text(c.table.clone()),
        Param::Text(c.key.join(",")),
        Param::Text(c.phase.as_str().into()),
        Param::Text(c.state.as_str().into()),
        int(c.batch_size),
    ];
    let mut values: Vec<String> = (1..=params.len()).map(|n| placeholder(d, n)).collect();
    values.push(text_or_null(d, key_json(c.end_key.as_ref()), &mut params));
    values.push(match c.rows_estimated {
        Some(n) => {
            params.push(int(n));
            placeholder(d, params.len())
        }
        None => "NULL".into(),
    });
    let sql = format!(
        "INSERT INTO {TABLE} (ledger_id, version, table_name, key_columns, phase, state, \
         batch_size, end_key, rows_estimated, started_at, updated_at) VALUES ({}, {now}, {now})",
        values.join(", "),
        now = now_sql(d)
    );
    engine
        .insert_returning_id(&sql, &params)
        .await
        .map_err(|e| {
            e.context(format!(
                "cannot write the checkpoint of migration {}",
                c.version
            ))
        })
}

/// Writes the checkpoint's progress (run it in the batch's transaction). The state is
/// left alone: another ratchet may have paused it meanwhile (see [`set_state`]).
pub(crate) async fn save(engine: &mut dyn Engine, c: &Checkpoint) -> Result<()> {
    let d = engine.dialect();
    let mut params = vec![
        Param::Text(c.phase.as_str().into()),
        int(c.rows_done),
        int(c.canary_rows),
        int(c.rows_changed),
        int(c.batch_size),
        int(c.batches),
        int(c.elapsed_ms),
    ];
    let names = [
        "phase",
        "rows_done",
        "canary_rows",
        "rows_changed",
        "batch_size",
        "batches",
        "elapsed_ms",
    ];
    let mut sets: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{n} = {}", placeholder(d, i + 1)))
        .collect();
    let last = text_or_null(d, key_json(c.last_key.as_ref()), &mut params);
    sets.push(format!("last_key = {last}"));
    let end = text_or_null(d, key_json(c.end_key.as_ref()), &mut params);
    sets.push(format!("end_key = {end}"));
    let estimate = match c.rows_estimated {
        Some(n) => {
            params.push(int(n));
            placeholder(d, params.len())
        }
        None => "NULL".into(),
    };
    sets.push(format!("rows_estimated = {estimate}"));
    let note = text_or_null(d, c.note.clone(), &mut params);
    sets.push(format!("note = {note}"));
    sets.push(format!("updated_at = {}", now_sql(d)));
    params.push(Param::Int(c.id));
    let sql = format!(
        "UPDATE {TABLE} SET {} WHERE id = {}",
        sets.join(", "),
        placeholder(d, params.len())
    );
    engine
        .execute_with(&sql, &params)
        .await
        .map(|_| ())
        .map_err(|e| {
            e.context(format!(
                "cannot write the checkpoint of migration {}",
                c.version
            ))
        })
}

/// Every checkpoint, oldest first; none when the table does not exist.
pub async fn all(engine: &mut dyn Engine) -> Result<Vec<Checkpoint>> {
    if !exists(engine).await? {
        return Ok(Vec::new());
    }
    let d = engine.dialect();
    let sql = format!(
        "SELECT id, ledger_id, version, table_name, key_columns, phase, state, last_key, \
                end_key, rows_done, canary_rows, rows_changed, rows_estimated, batch_size, \
                batches, elapsed_ms, {}, {}, note \
         FROM {TABLE} ORDER BY id",
        timestamp_sql(d, "started_at"),
        timestamp_sql(d, "updated_at")
    );
    let rows = engine
        .query(&sql)
        .await
        .map_err(|e| e.context(format!("cannot read the checkpoints in {TABLE}")))?;
    rows.iter().map(|r| parse(r)).collect()
}

/// The state stored now (another ratchet may have paused it).
pub(crate) async fn state(engine: &mut dyn Engine, id: i64) -> Result<Option<State>> {
    let sql = format!(
        "SELECT state FROM {TABLE} WHERE id = {}",
        placeholder(engine.dialect(), 1)
    );
    let rows = engine
        .query_with(&sql, &[Param::Int(id)])
        .await
        .map_err(|e| e.context("cannot read the backfill's state"))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .cloned()
        .flatten()
        .and_then(|s| State::parse(&s)))
}

/// Sets the state of checkpoint `id` when it is one of `from`; returns whether it did.
pub(crate) async fn set_state(
    engine: &mut dyn Engine,
    id: i64,
    from: &[State],
    to: State,
    note: Option<&str>,
) -> Result<bool> {
    let d = engine.dialect();
    let mut params = vec![Param::Text(to.as_str().into())];
    let note_sql = text_or_null(d, note.map(str::to_string), &mut params);
    params.push(Param::Int(id));
    let id_placeholder = placeholder(d, params.len());
    let states: Vec<String> = from
        .iter()
        .map(|s| {
            params.push(Param::Text(s.as_str().into()));
            placeholder(d, params.len())
        })
        .collect();
    let sql = format!(
        "UPDATE {TABLE} SET state = {}, note = {note_sql}, updated_at = {} \
         WHERE id = {id_placeholder} AND state IN ({})",
        placeholder(d, 1),
        now_sql(d),
        states.join(", ")
    );
    let changed = engine
        .execute_with(&sql, &params)
        .await
        .map_err(|e| e.context("cannot change the backfill's state"))?;
    Ok(changed > 0)
}

fn parse(row: &[Option<String>]) -> Result<Checkpoint> {
    let bad = |what: &str| Error::Database {
        context: format!("{TABLE} holds a row ratchet cannot read"),
        message: format!("{what} in {row:?}"),
    };
    let text = |i: usize| row.get(i).cloned().flatten();
    let number = |i: usize| -> Result<Option<i64>> {
        text(i)
            .map(|t| t.parse::<i64>().map_err(|_| bad("a non-integer number")))
            .transpose()
    };
    let count = |i: usize| -> Result<u64> {
        Ok(number(i)?.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    };
    let key = |i: usize| -> Result<Option<KeyValue>> {
        text(i)
            .map(|t| {
                serde_json::from_str::<KeyValue>(&t).map_err(|_| bad("a key that is not JSON"))
            })
            .transpose()
    };
    Ok(Checkpoint {
        id: number(0)?.ok_or_else(|| bad("a NULL id"))?,
        ledger_id: number(1)?.ok_or_else(|| bad("a NULL ledger_id"))?,
        version: number(2)?.ok_or_else(|| bad("a NULL version"))?,
        table: text(3).unwrap_or_default(),
        key: text(4)
            .unwrap_or_default()
            .split(',')
            .map(str::to_string)
            .collect(),
        phase: text(5)
            .and_then(|p| Phase::parse(&p))
            .ok_or_else(|| bad("an unknown phase"))?,
        state: text(6)
            .and_then(|s| State::parse(&s))
            .ok_or_else(|| bad("an unknown state"))?,
        last_key: key(7)?,
        end_key: key(8)?,
        rows_done: count(9)?,
        canary_rows: count(10)?,
        rows_changed: count(11)?,
        rows_estimated: number(12)?.and_then(|n| u64::try_from(n).ok()),
        batch_size: count(13)?,
        batches: count(14)?,
        elapsed_ms: count(15)?,
        started_at: text(16).unwrap_or_default(),
        updated_at: text(17).unwrap_or_default(),
        note: text(18),
    })
}
