//! Batched backfills: a data migration with `-- ratchet:backfill table=<t> key=<col>` runs
//! its UPDATE (or DELETE) as many short transactions over ranges of the key's real values,
//! sized to a target time, throttled by lock waits, a rate limit and replica lag,
//! checkpointed in `ratchet_backfills` with each batch, canary first when asked, and gated
//! by the migration's verify queries. See docs/backfills.md.
//!
//! - [`keyset`]: the planner (boundaries, restricted statements, key types).
//! - `executor`: the adaptive loop, throttles and the ledger.
//! - [`checkpoint`]: the `ratchet_backfills` table.
//! - `lag`: replica lag.

pub mod checkpoint;
mod executor;
pub mod keyset;
mod lag;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;

pub use checkpoint::{Checkpoint, Phase, State};
pub(crate) use executor::{Outcome, run};
pub use keyset::{Pass, verify_sql_for_whole_table};

use crate::config::BackfillSettings;
use crate::engine::Engine;
use crate::ledger::{self, RowState};
use crate::{Error, Result};

/// Progress of a backfill after a batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The migration's version.
    pub version: i64,
    /// The table it walks.
    pub table: String,
    /// The pass the batch belongs to.
    pub pass: Pass,
    /// Rows walked so far in this pass (the canary's, or the main and final passes').
    pub rows_done: u64,
    /// Rows this pass walks in all, as far as known: the table's estimate for the main
    /// pass, refined as it goes (never below `rows_done`); unknown for the canary.
    pub rows_estimated: Option<u64>,
    /// Rows the statement changed so far.
    pub rows_changed: u64,
    /// The batch size ratchet uses next.
    pub batch_size: u64,
    /// Batches committed.
    pub batches: u64,
    /// Rows walked per second (time spent running, over every run).
    pub rows_per_second: f64,
    /// Time left at that rate, when the total is known.
    pub eta: Option<Duration>,
}

/// Asks a running backfill to stop after its current batch (Ctrl-C). Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<StopInner>);

#[derive(Debug, Default)]
struct StopInner {
    requested: AtomicBool,
    graceful: AtomicBool,
}

impl StopSignal {
    /// A signal nobody has raised.
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    /// Asks the backfill to stop after its current batch.
    pub fn request(&self) {
        self.0.requested.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_requested(&self) -> bool {
        self.0.requested.load(Ordering::SeqCst)
    }

    /// Whether a backfill is running now, so that a stop ends it cleanly after its batch
    /// (otherwise an interrupt should end the process as usual).
    pub fn is_graceful(&self) -> bool {
        self.0.graceful.load(Ordering::SeqCst)
    }

    fn set_graceful(&self, on: bool) {
        self.0.graceful.store(on, Ordering::SeqCst);
    }
}

/// How backfills run in one `up`: the settings, the stop signal and `up`'s options.
#[derive(Debug, Clone, Default)]
pub struct BackfillRun {
    /// `[backfill]`, with the replica URLs expanded.
    pub settings: BackfillSettings,
    /// Raised to stop after the current batch.
    pub stop: StopSignal,
    /// Stop after the first backfill's canary (`up --canary-only`).
    pub canary_only: bool,
    /// Walk keys added since the start too (`--final-pass`).
    pub final_pass: bool,
}

/// What `up` does with a backfill found in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InProgress {
    /// Interrupted (or stopped by an error, or after its canary): `up` continues it from its
    /// checkpoint, on the ledger row it started.
    Resume {
        /// The live ledger row (state `failed` while it runs).
        ledger_id: i64,
    },
    /// Paused: `up` stops before it; `ratchet backfill resume` continues it.
    Paused {
        /// The live ledger row.
        ledger_id: i64,
    },
}

/// The backfills in progress, by version: those whose live ledger row is `failed` and whose
/// checkpoint can go on.
pub async fn in_progress(engine: &mut dyn Engine) -> Result<BTreeMap<i64, InProgress>> {
    let checkpoints = checkpoint::all(engine).await?;
    if checkpoints.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows = ledger::rows(engine).await?;
    let mut found = BTreeMap::new();
    for c in checkpoints {
        let live_failed = rows
            .iter()
            .any(|r| r.id == c.ledger_id && r.is_live() && r.state == RowState::Failed);
        if !live_failed {
            continue;
        }
        match c.state {
            State::Running | State::CanaryVerified => {
                found.insert(
                    c.version,
                    InProgress::Resume {
                        ledger_id: c.ledger_id,
                    },
                );
            }
            State::Paused => {
                found.insert(
                    c.version,
                    InProgress::Paused {
                        ledger_id: c.ledger_id,
                    },
                );
            }
            State::Failed | State::Done => {}
        }
    }
    Ok(found)
}

/// A backfill's state for `ratchet backfill status`.
#[derive(Debug, Clone, Serialize)]
pub struct BackfillStatus {
    /// The checkpoint.
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// The state as people should read it: `interrupted` for a running checkpoint that no
    /// ratchet is running now.
    pub shown_state: String,
    /// Rows walked per second while it ran.
    pub rows_per_second: f64,
    /// Time left at that rate, in seconds, when the total is known and it is not done.
    pub eta_seconds: Option<f64>,
}

/// Every backfill's checkpoint, newest state of each run, with its rate and ETA.
/// `migrator_running` says whether a ratchet holds the migrator lock now: a `running`
/// checkpoint without one is shown as `interrupted`.
pub async fn status(
    engine: &mut dyn Engine,
    migrator_running: bool,
) -> Result<Vec<BackfillStatus>> {
    let checkpoints = checkpoint::all(engine).await?;
    let rows = ledger::rows(engine).await?;
    // A run whose ledger row `ratchet repair` cleared will never go on: it is abandoned.
    let cleared = |c: &Checkpoint| rows.iter().any(|r| r.id == c.ledger_id && !r.is_live());
    Ok(checkpoints
        .into_iter()
        .map(|c| {
            let walked = c.rows_done + c.canary_rows;
            let rate = if c.elapsed_ms > 0 {
                walked as f64 * 1000.0 / c.elapsed_ms as f64
            } else {
                0.0
            };
            let eta_seconds = match (c.state, c.phase, c.rows_estimated) {
                (State::Done | State::Failed, _, _) => None,
                (_, Phase::Main | Phase::FinalPass, Some(total)) if rate > 0.0 => {
                    Some(total.saturating_sub(c.rows_done) as f64 / rate)
                }
                _ => None,
            };
            let shown_state = match c.state {
                State::Done => "done".to_string(),
                _ if cleared(&c) => "abandoned".to_string(),
                State::Running if !migrator_running => "interrupted".to_string(),
                other => other.as_str().to_string(),
            };
            BackfillStatus {
                checkpoint: c,
                shown_state,
                rows_per_second: rate,
                eta_seconds,
            }
        })
        .collect())
}

/// Marks running backfills (all, or the one of `version`) paused, so that a running ratchet
/// stops after its current batch and `up` leaves them. Returns the versions paused. Takes
/// no lock: the ratchet running the backfill holds it.
pub async fn pause(engine: &mut dyn Engine, version: Option<i64>) -> Result<Vec<i64>> {
    let mut paused = Vec::new();
    let live = in_progress(engine).await?;
    for c in checkpoint::all(engine).await? {
        let current = matches!(
            live.get(&c.version),
            Some(InProgress::Resume { ledger_id }) if *ledger_id == c.ledger_id
        );
        if version.is_some_and(|v| v != c.version) || !current {
            continue;
        }
        let note = "paused by `ratchet backfill pause`; `ratchet backfill resume` continues it";
        if checkpoint::set_state(
            engine,
            c.id,
            &[State::Running, State::CanaryVerified],
            State::Paused,
            Some(note),
        )
        .await?
        {
            paused.push(c.version);
        }
    }
    if let Some(v) = version
        && paused.is_empty()
    {
        return Err(Error::Usage(format!(
            "migration {v} has no running backfill to pause; `ratchet backfill status` lists them"
        )));
    }
    Ok(paused)
}

/// Marks paused backfills (all, or the one of `version`) running again; returns the
/// versions that can resume, oldest first. Run under the migrator lock.
pub(crate) async fn unpause(engine: &mut dyn Engine, version: Option<i64>) -> Result<Vec<i64>> {
    let found = in_progress(engine).await?;
    let mut versions = Vec::new();
    for c in checkpoint::all(engine).await? {
        let live = found.get(&c.version).is_some_and(|f| match f {
            InProgress::Resume { ledger_id } | InProgress::Paused { ledger_id } => {
                *ledger_id == c.ledger_id
            }
        });
        if version.is_some_and(|v| v != c.version) || !live {
            continue;
        }
        if c.state == State::Paused {
            checkpoint::set_state(engine, c.id, &[State::Paused], State::Running, None).await?;
        }
        if matches!(
            c.state,
            State::Paused | State::Running | State::CanaryVerified
        ) && !versions.contains(&c.version)
        {
            versions.push(c.version);
        }
    }
    Ok(versions)
}
