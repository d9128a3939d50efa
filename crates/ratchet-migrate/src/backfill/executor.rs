//! The adaptive executor: walks the key in batches, each one short transaction holding the
//! statement and its checkpoint, sized to a target time, throttled, stoppable between
//! batches, and records the migration in the ledger like a statement-by-statement step: a
//! `failed` row with a "running" note while it runs, `applied` once the verify queries pass.

use std::time::{Duration, Instant};

use super::checkpoint::{self, Checkpoint, Phase, State};
use super::keyset::{KeyValue, Keyset, Pass, verify_sql_for_whole_table};
use super::lag::LagWatch;
use super::{BackfillRun, Progress};
use crate::engine::{DbError, DbErrorKind, Engine};
use crate::event::Event;
use crate::ledger::{self, Change, NewRow, RowState};
use crate::plan::Step;
use crate::source::{BatchSize, Migration};
use crate::sql::Statement;
use crate::{Error, Result};

/// How a backfill step ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Verified and recorded as applied.
    Applied,
    /// `--canary-only`: stopped after the canary (or before a backfill without one); the
    /// migrations after it wait.
    Halted,
}

/// The note of a backfill's ledger row while it runs, so that a killed ratchet leaves a
/// row that tells the truth.
const RUNNING_NOTE: &str = "backfill in progress, or interrupted: `ratchet backfill status` \
                            shows how far it got; `ratchet up` (or `ratchet backfill resume`) \
                            continues from its last committed batch";

/// How often replica lag is read while it is below the threshold.
const LAG_CHECK_EVERY: Duration = Duration::from_secs(1);

/// Runs (or resumes) the backfill step of `migration`.
pub(crate) async fn run(
    engine: &mut dyn Engine,
    events: &mut (dyn FnMut(Event) + Send),
    run: &BackfillRun,
    step: &Step,
    migration: &Migration,
) -> Result<Outcome> {
    let Some(directive) = &migration.up.directives.backfill else {
        return Err(Error::Usage(format!(
            "migration {} has no backfill directive",
            migration.version
        )));
    };
    if run.canary_only && directive.canary.is_none() && step.ledger_id.is_none() {
        events(Event::BackfillStopped {
            version: migration.version,
            message: format!(
                "migration {} is a backfill without a canary: --canary-only stops before it; \
                 `ratchet up` runs it",
                migration.version
            ),
        });
        return Ok(Outcome::Halted);
    }
    let keyset = Keyset::prepare(engine, &step.path, directive, &step.statements).await?;
    checkpoint::ensure(engine).await?;
    let lag =
        if run.settings.replicas.is_empty() && engine.dialect() != crate::sql::Dialect::Postgres {
            None
        } else {
            Some(LagWatch::connect(engine.dialect(), &run.settings.replicas).await?)
        };
    engine
        .set_lock_timeout(run.settings.lock_timeout)
        .await
        .map_err(|e| e.context("cannot set the backfill's lock timeout"))?;
    let (checkpoint, resumed) = match step.ledger_id {
        Some(ledger_id) => (resume(engine, migration, ledger_id).await?, true),
        None => (start(engine, migration, &keyset, run).await?, false),
    };
    let fixed = match directive.batch {
        BatchSize::Rows(n) => Some(n),
        BatchSize::Auto => None,
    };
    let mut executor = Executor {
        engine,
        events,
        run,
        keyset,
        sizer: Sizer::new(&run.settings, fixed, checkpoint.batch_size),
        cp: checkpoint,
        lag,
        last_lag_check: None,
        clock: Instant::now(),
        migration,
        statement: step.statements.first().cloned().unwrap_or(Statement {
            sql: String::new(),
            line: directive.line,
            column: 1,
        }),
    };
    if executor.cp.state == State::CanaryVerified {
        if run.canary_only {
            let message = format!(
                "migration {}: its canary was already verified; `ratchet up` continues with the \
                 rest of {}",
                migration.version, directive.table
            );
            (executor.events)(Event::BackfillStopped {
                version: migration.version,
                message,
            });
            return Ok(Outcome::Halted);
        }
        checkpoint::set_state(
            executor.engine,
            executor.cp.id,
            &[State::CanaryVerified],
            State::Running,
            None,
        )
        .await?;
        executor.cp.state = State::Running;
    }
    (executor.events)(Event::BackfillStarted {
        version: migration.version,
        table: directive.table.clone(),
        key: directive.key.clone(),
        rows_estimated: executor.cp.rows_estimated,
        resumed_at: resumed.then_some(executor.cp.rows_done + executor.cp.canary_rows),
        canary: directive.canary.clone(),
    });
    run.stop.set_graceful(true);
    let outcome = executor.drive().await;
    run.stop.set_graceful(false);
    outcome
}

/// A new backfill: its ledger row (`failed`, "running") and its checkpoint commit together,
/// so that a kill leaves both or neither.
async fn start(
    engine: &mut dyn Engine,
    migration: &Migration,
    keyset: &Keyset,
    run: &BackfillRun,
) -> Result<Checkpoint> {
    let directive = migration
        .up
        .directives
        .backfill
        .as_ref()
        .ok_or_else(|| Error::Usage("not a backfill".into()))?;
    if keyset.null_key_rows(engine).await? {
        return Err(Error::Refused {
            message: format!(
                "{}: rows of {} have a NULL in the key ({}): no key range holds them, so the \
                 backfill would skip them. Choose a NOT NULL key (the primary key), or give \
                 those rows a key first",
                migration.up.path.display(),
                directive.table,
                directive.key.join(", ")
            ),
        });
    }
    let end_key = keyset.max_key(engine).await?;
    let rows_estimated = keyset.estimate_rows(engine).await?;
    let phase = if directive.canary.is_some() {
        Phase::Canary
    } else {
        Phase::Main
    };
    let dialect = engine.dialect();
    engine
        .begin()
        .await
        .map_err(|e| e.context("cannot open the transaction that starts the backfill"))?;
    let started = async {
        let ledger_id = ledger::insert(
            engine,
            &NewRow {
                note: Some(RUNNING_NOTE.into()),
                ..NewRow::of(migration, dialect, RowState::Failed)
            },
        )
        .await?;
        let mut cp = Checkpoint {
            id: 0,
            ledger_id,
            version: migration.version,
            table: directive.table.clone(),
            key: directive.key.clone(),
            phase,
            state: State::Running,
            last_key: None,
            end_key,
            rows_done: 0,
            canary_rows: 0,
            rows_changed: 0,
            rows_estimated,
            batch_size: match directive.batch {
                BatchSize::Rows(n) => n,
                BatchSize::Auto => run.settings.batch_size,
            },
            batches: 0,
            elapsed_ms: 0,
            started_at: String::new(),
            updated_at: String::new(),
            note: None,
        };
        cp.id = checkpoint::insert(engine, &cp).await?;
        Ok::<Checkpoint, Error>(cp)
    }
    .await;
    match started {
        Ok(cp) => {
            engine
                .execute("COMMIT")
                .await
                .map_err(|e| e.context("cannot commit the start of the backfill"))?;
            Ok(cp)
        }
        Err(e) => {
            let _ = engine.execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// A backfill found in progress: its ledger row must still hold the file's checksum.
async fn resume(
    engine: &mut dyn Engine,
    migration: &Migration,
    ledger_id: i64,
) -> Result<Checkpoint> {
    let rows = ledger::rows(engine).await?;
    let row = rows
        .iter()
        .find(|r| r.id == ledger_id)
        .ok_or_else(|| Error::Refused {
            message: format!(
                "migration {}: ledger row {ledger_id} is gone",
                migration.version
            ),
        })?;
    if row.checksum != migration.checksum {
        return Err(Error::Refused {
            message: format!(
                "migration {}: {} changed since its backfill started (checksum {} then, {} now), \
                 so its checkpoint no longer describes what ran. Restore the file to continue \
                 from the checkpoint, or clear the run with `ratchet repair {}` and `ratchet up` \
                 to start the backfill over",
                migration.version,
                migration.up.path.display(),
                crate::status::short(&row.checksum),
                crate::status::short(&migration.checksum),
                migration.version
            ),
        });
    }
    let cp = checkpoint::all(engine)
        .await?
        .into_iter()
        .find(|c| c.ledger_id == ledger_id)
        .ok_or_else(|| Error::Refused {
            message: format!(
                "migration {}: no checkpoint for ledger row {ledger_id}",
                migration.version
            ),
        })?;
    match cp.state {
        State::Running | State::CanaryVerified => Ok(cp),
        State::Paused => Err(Error::Refused {
            message: format!(
                "migration {}'s backfill is paused; `ratchet backfill resume` continues it",
                migration.version
            ),
        }),
        State::Failed | State::Done => Err(Error::Refused {
            message: format!(
                "migration {}'s backfill is {}; `ratchet backfill status` says why",
                migration.version,
                cp.state.as_str()
            ),
        }),
    }
}

/// Why a batch did not commit.
enum BatchError {
    /// A lock wait timed out (or a deadlock): smaller, later, again.
    Lock(DbError),
    /// Anything else: the backfill stops (resumably).
    Other(Error),
}

struct Executor<'a> {
    engine: &'a mut dyn Engine,
    events: &'a mut (dyn FnMut(Event) + Send),
    run: &'a BackfillRun,
    keyset: Keyset,
    sizer: Sizer,
    cp: Checkpoint,
    lag: Option<LagWatch>,
    last_lag_check: Option<Instant>,
    /// When running time was last added to the checkpoint.
    clock: Instant,
    migration: &'a Migration,
    statement: Statement,
}

impl Executor<'_> {
    async fn drive(&mut self) -> Result<Outcome> {
        loop {
            match self.cp.phase {
                Phase::Canary => {
                    self.walk(Pass::Canary).await?;
                    self.verify_canary().await?;
                    self.cp.phase = Phase::Main;
                    self.cp.last_key = None;
                    self.save_alone().await?;
                    if self.run.canary_only {
                        return self.halt_after_canary().await;
                    }
                }
                Phase::Main => {
                    self.walk(Pass::Main).await?;
                    let next = if self.run.final_pass {
                        let now = self.keyset.max_key(self.engine).await?;
                        if now != self.cp.end_key {
                            // The main pass ends where it ends; the final pass walks on from
                            // there to the greatest key now.
                            self.cp.end_key = now;
                            Phase::FinalPass
                        } else {
                            Phase::Verify
                        }
                    } else {
                        Phase::Verify
                    };
                    self.cp.phase = next;
                    self.save_alone().await?;
                }
                Phase::FinalPass => {
                    self.walk(Pass::FinalPass).await?;
                    self.cp.phase = Phase::Verify;
                    self.save_alone().await?;
                }
                Phase::Verify | Phase::Done => return self.finish().await,
            }
        }
    }

    /// Walks the key from the checkpoint to the end of the phase, one batch at a time.
    async fn walk(&mut self, pass: Pass) -> Result<()> {
        let mut lock_timeouts = 0;
        loop {
            self.check_stop().await?;
            self.wait_for_replicas().await?;
            let Some(end) = self.cp.end_key.clone() else {
                return Ok(());
            };
            let after = self.cp.last_key.clone();
            if after.as_ref() == Some(&end) {
                return Ok(());
            }
            let size = self.sizer.size();
            let began = Instant::now();
            let boundary = self
                .keyset
                .boundary(self.engine, pass, after.as_ref(), &end, size)
                .await?;
            let (up_to, walked) = match boundary {
                Some(key) => (key, size),
                None => {
                    let rest = self
                        .keyset
                        .count(self.engine, pass, after.as_ref(), &end)
                        .await?;
                    (end.clone(), rest)
                }
            };
            match self.write_batch(pass, after.as_ref(), up_to, walked).await {
                Ok(()) => lock_timeouts = 0,
                Err(BatchError::Lock(error)) => {
                    lock_timeouts += 1;
                    if lock_timeouts > self.run.settings.lock_retries {
                        let error = self.statement_error(error);
                        return Err(self.stopped_by_error(error).await);
                    }
                    self.sizer.shrink();
                    let backoff = backoff(lock_timeouts);
                    (self.events)(Event::BackfillLockTimeout {
                        version: self.cp.version,
                        attempt: lock_timeouts,
                        retries: self.run.settings.lock_retries,
                        batch_size: self.sizer.size(),
                        backoff,
                    });
                    sleep(&self.run.stop, backoff).await;
                    continue;
                }
                Err(BatchError::Other(error)) => return Err(self.stopped_by_error(error).await),
            }
            let took = began.elapsed();
            self.sizer.observe(walked, took);
            self.progress(pass);
            sleep(&self.run.stop, self.pause_after(walked, took)).await;
        }
    }

    /// One batch: the restricted statement and the checkpoint, in one short transaction.
    async fn write_batch(
        &mut self,
        pass: Pass,
        after: Option<&KeyValue>,
        up_to: KeyValue,
        walked: u64,
    ) -> Result<(), BatchError> {
        let (sql, params) = self.keyset.batch(pass, after, &up_to);
        if let Err(e) = self.engine.begin().await {
            return Err(self.classify(e));
        }
        let outcome = async {
            let changed = self
                .engine
                .execute_with(&sql, &params)
                .await
                .map_err(|e| self.classify(e))?;
            let mut next = self.cp.clone();
            next.last_key = Some(up_to);
            match pass {
                Pass::Canary => next.canary_rows += walked,
                Pass::Main | Pass::FinalPass => next.rows_done += walked,
            }
            next.rows_changed += changed;
            next.batches += 1;
            next.batch_size = self.sizer.size();
            next.note = None;
            if matches!(pass, Pass::Main | Pass::FinalPass) {
                // Refined as it goes: never below the rows walked, exact at the end.
                next.rows_estimated = if next.last_key == next.end_key {
                    Some(next.rows_done)
                } else {
                    Some(next.rows_estimated.unwrap_or(0).max(next.rows_done))
                };
            }
            next.elapsed_ms += millis(self.clock.elapsed());
            checkpoint::save(self.engine, &next)
                .await
                .map_err(BatchError::Other)?;
            Ok::<Checkpoint, BatchError>(next)
        }
        .await;
        match outcome {
            Ok(next) => match self.engine.execute("COMMIT").await {
                Ok(_) => {
                    self.cp = next;
                    self.clock = Instant::now();
                    Ok(())
                }
                Err(e) => {
                    let _ = self.engine.execute("ROLLBACK").await;
                    Err(self.classify(e))
                }
            },
            Err(e) => {
                let _ = self.engine.execute("ROLLBACK").await;
                Err(e)
            }
        }
    }

    /// Lock timeouts and deadlocks are retried with a smaller batch; anything else stops.
    fn classify(&self, error: DbError) -> BatchError {
        if error.kind == DbErrorKind::LockTimeout
            || error.message.to_lowercase().contains("deadlock")
        {
            BatchError::Lock(error)
        } else {
            BatchError::Other(self.statement_error(error))
        }
    }

    fn statement_error(&self, error: DbError) -> Error {
        Error::Statement {
            path: self.migration.up.path.clone(),
            line: self.statement.line,
            statement: self.statement.first_line().to_string(),
            message: error.message,
        }
    }

    /// How long to wait after a batch: a share of its time, and what the rate limit needs.
    fn pause_after(&self, walked: u64, took: Duration) -> Duration {
        let mut pause = took.mul_f64(self.run.settings.pause_ratio);
        if let Some(rate) = self.run.settings.max_rows_per_second {
            let least = Duration::from_secs_f64(walked as f64 / rate as f64);
            pause = pause.max(least.saturating_sub(took));
        }
        pause
    }

    fn progress(&mut self, pass: Pass) {
        let walked = self.cp.rows_done + self.cp.canary_rows;
        let rate = if self.cp.elapsed_ms > 0 {
            walked as f64 * 1000.0 / self.cp.elapsed_ms as f64
        } else {
            0.0
        };
        let (done, estimate) = match pass {
            Pass::Canary => (self.cp.canary_rows, None),
            Pass::Main | Pass::FinalPass => (self.cp.rows_done, self.cp.rows_estimated),
        };
        let eta = estimate
            .filter(|_| rate > 0.0)
            .map(|total| Duration::from_secs_f64(total.saturating_sub(done) as f64 / rate));
        (self.events)(Event::BackfillProgress(Progress {
            version: self.cp.version,
            table: self.cp.table.clone(),
            pass,
            rows_done: done,
            rows_estimated: estimate,
            rows_changed: self.cp.rows_changed,
            batch_size: self.sizer.size(),
            batches: self.cp.batches,
            rows_per_second: rate,
            eta,
        }));
    }

    /// Between batches: Ctrl-C, or `ratchet backfill pause` from elsewhere.
    async fn check_stop(&mut self) -> Result<()> {
        let where_it_is = format!(
            "{} rows done, checkpoint {}",
            self.cp.rows_done + self.cp.canary_rows,
            self.cp.last_key.as_ref().map_or_else(
                || "before the first key".to_string(),
                |k| format!("at key {}", k.join(", "))
            )
        );
        if self.run.stop.is_requested() {
            let message = format!(
                "interrupted: the backfill of {} (migration {}) stopped after its current batch \
                 ({where_it_is}); `ratchet up` or `ratchet backfill resume` continues from there",
                self.cp.table, self.cp.version
            );
            self.note_stop(&message).await;
            return Err(Error::BackfillStopped {
                message,
                interrupted: true,
            });
        }
        if checkpoint::state(self.engine, self.cp.id).await? == Some(State::Paused) {
            self.cp.state = State::Paused;
            let message = format!(
                "paused: the backfill of {} (migration {}) stopped after its current batch \
                 ({where_it_is}); `ratchet backfill resume` continues it, and `ratchet up` \
                 leaves it (and what comes after it) until then",
                self.cp.table, self.cp.version
            );
            self.note_stop(&message).await;
            return Err(Error::BackfillStopped {
                message,
                interrupted: false,
            });
        }
        Ok(())
    }

    /// Records why the backfill stopped in its ledger row (which stays `failed`: not applied).
    async fn note_stop(&mut self, message: &str) {
        (self.events)(Event::BackfillStopped {
            version: self.cp.version,
            message: message.to_string(),
        });
        let _ = ledger::update(
            self.engine,
            self.cp.ledger_id,
            Change::Failed {
                note: format!("backfill {message}"),
            },
        )
        .await;
    }

    /// An error ends this run; the checkpoint stays resumable: `up` continues from the last
    /// committed batch once the cause is fixed.
    async fn stopped_by_error(&mut self, error: Error) -> Error {
        let note = format!(
            "backfill stopped by an error after {} rows (committed batches are done, up to key \
             {}): {error}; fix the cause, then `ratchet up` continues from there",
            self.cp.rows_done + self.cp.canary_rows,
            self.cp
                .last_key
                .as_ref()
                .map_or_else(|| "none".to_string(), |k| k.join(", "))
        );
        self.cp.note = Some(error.to_string());
        self.cp.elapsed_ms += millis(self.clock.elapsed());
        self.clock = Instant::now();
        let _ = checkpoint::save(self.engine, &self.cp).await;
        match ledger::update(self.engine, self.cp.ledger_id, Change::Failed { note }).await {
            Ok(()) => error,
            Err(ledger_error) => Error::Database {
                context: error.to_string(),
                message: format!("and the ledger could not record the failure: {ledger_error}"),
            },
        }
    }

    /// Waits while a replica is further behind than `max_replica_lag`, saying so.
    async fn wait_for_replicas(&mut self) -> Result<()> {
        let Some(watch) = self.lag.as_mut() else {
            return Ok(());
        };
        if self
            .last_lag_check
            .is_some_and(|at| at.elapsed() < LAG_CHECK_EVERY)
        {
            return Ok(());
        }
        let max = self.run.settings.max_replica_lag;
        let mut announced: Option<Instant> = None;
        loop {
            let worst = watch.worst(self.engine).await?;
            self.last_lag_check = Some(Instant::now());
            let Some(lag) = worst.filter(|l| l.behind.is_none_or(|b| b > max)) else {
                return Ok(());
            };
            let wait = Duration::from_millis(500);
            if announced.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
                let behind = lag.behind.map_or_else(
                    || "not replicating".to_string(),
                    |b| format!("{:.1} s behind", b.as_secs_f64()),
                );
                (self.events)(Event::BackfillThrottled {
                    version: self.cp.version,
                    reason: format!(
                        "{} is {behind} (max_replica_lag is {:.1} s)",
                        lag.replica,
                        max.as_secs_f64()
                    ),
                    wait,
                });
                announced = Some(Instant::now());
            }
            if self.run.stop.is_requested() {
                return Ok(());
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The canary's verify queries (those naming `:canary`), restricted to it. A failure
    /// stops the backfill before the rest of the table is touched.
    async fn verify_canary(&mut self) -> Result<()> {
        let version = self.cp.version;
        let Some(verify) = &self.migration.verify else {
            (self.events)(Event::Notice(format!(
                "migration {version}: no verify file, so nothing checked the canary's rows; \
                 add a verify query that names :canary"
            )));
            return Ok(());
        };
        let queries: Vec<(Statement, String)> = verify
            .statements
            .iter()
            .filter_map(|s| {
                self.keyset
                    .canary_verify(&s.sql)
                    .map(|sql| (s.clone(), sql))
            })
            .collect();
        if queries.is_empty() {
            (self.events)(Event::Notice(format!(
                "{}: no verify query names :canary, so nothing checked the canary's rows before \
                 the rest of the table",
                verify.path.display()
            )));
        }
        if let Err(error) = run_verify(self.engine, &verify.path, &queries).await {
            let note = format!(
                "canary failed verification after {} rows; the rest of the table was not \
                 touched: {error}. Fix the statement (and the canary's rows), then `ratchet \
                 repair {version}` and `ratchet up` start the backfill over",
                self.cp.canary_rows
            );
            return Err(self.fail(error, note).await);
        }
        (self.events)(Event::BackfillCanaryPassed {
            version,
            rows: self.cp.canary_rows,
            queries: queries.len(),
        });
        Ok(())
    }

    async fn halt_after_canary(&mut self) -> Result<Outcome> {
        checkpoint::set_state(
            self.engine,
            self.cp.id,
            &[State::Running],
            State::CanaryVerified,
            None,
        )
        .await?;
        let message = format!(
            "canary of migration {} verified ({} rows); stopped there (--canary-only) for a \
             person to look: `ratchet up` continues with the rest of {}",
            self.cp.version, self.cp.canary_rows, self.cp.table
        );
        (self.events)(Event::BackfillStopped {
            version: self.cp.version,
            message: message.clone(),
        });
        ledger::update(
            self.engine,
            self.cp.ledger_id,
            Change::Failed {
                note: format!("backfill {message}"),
            },
        )
        .await?;
        Ok(Outcome::Halted)
    }

    /// A verify failure: the checkpoint becomes `failed` and so does the ledger row, with
    /// the query's output; `up` refuses until `ratchet repair`.
    async fn fail(&mut self, error: Error, note: String) -> Error {
        let _ = checkpoint::set_state(
            self.engine,
            self.cp.id,
            &[State::Running, State::CanaryVerified, State::Paused],
            State::Failed,
            Some(&error.to_string()),
        )
        .await;
        match ledger::update(self.engine, self.cp.ledger_id, Change::Failed { note }).await {
            Ok(()) => error,
            Err(ledger_error) => Error::Database {
                context: error.to_string(),
                message: format!("and the ledger could not record the failure: {ledger_error}"),
            },
        }
    }

    /// The gate: the verify queries run on the whole table; the migration is applied only
    /// if they pass, in one transaction with the checkpoint's end.
    async fn finish(&mut self) -> Result<Outcome> {
        self.check_stop().await?;
        let version = self.cp.version;
        if let Some(verify) = &self.migration.verify {
            let dialect = self.engine.dialect();
            let queries: Vec<(Statement, String)> = verify
                .statements
                .iter()
                .map(|s| (s.clone(), verify_sql_for_whole_table(&s.sql, dialect)))
                .collect();
            match run_verify(self.engine, &verify.path, &queries).await {
                Ok(n) => (self.events)(Event::VerifyPassed {
                    version,
                    queries: n,
                }),
                Err(error) => {
                    let note = format!(
                        "all batches committed ({} rows walked, {} changed), but verify failed: \
                         {error}. Fix the data, then `ratchet repair {version}` (or fix the \
                         statement and start over)",
                        self.cp.rows_done, self.cp.rows_changed
                    );
                    return Err(self.fail(error, note).await);
                }
            }
        }
        self.cp.elapsed_ms += millis(self.clock.elapsed());
        self.clock = Instant::now();
        self.cp.phase = Phase::Done;
        self.cp.rows_estimated = Some(self.cp.rows_done);
        self.engine
            .begin()
            .await
            .map_err(|e| e.context("cannot open the transaction that records the backfill"))?;
        let recorded = async {
            if let Some(problem) = self
                .engine
                .pre_commit_check()
                .await
                .map_err(|e| e.context("cannot check integrity after the backfill"))?
            {
                return Err(Error::Refused {
                    message: format!(
                        "{}: {problem}; the backfill's batches committed: fix the rows, then \
                         `ratchet repair {version}`",
                        self.migration.up.path.display()
                    ),
                });
            }
            checkpoint::save(self.engine, &self.cp).await?;
            checkpoint::set_state(
                self.engine,
                self.cp.id,
                &[State::Running, State::Paused, State::CanaryVerified],
                State::Done,
                None,
            )
            .await?;
            ledger::update(
                self.engine,
                self.cp.ledger_id,
                Change::Applied {
                    execution_time_ms: i64::try_from(self.cp.elapsed_ms).unwrap_or(i64::MAX),
                    note: crate::runner::allow_note(self.migration),
                },
            )
            .await
        }
        .await;
        match recorded {
            Ok(()) => {
                self.engine
                    .execute("COMMIT")
                    .await
                    .map_err(|e| e.context("cannot commit the end of the backfill"))?;
                self.cp.state = State::Done;
                Ok(Outcome::Applied)
            }
            Err(error) => {
                let _ = self.engine.execute("ROLLBACK").await;
                let note = format!("all batches committed, but {error}");
                Err(self.fail(error, note).await)
            }
        }
    }

    /// Writes the checkpoint on its own (between phases).
    async fn save_alone(&mut self) -> Result<()> {
        self.cp.elapsed_ms += millis(self.clock.elapsed());
        self.clock = Instant::now();
        checkpoint::save(self.engine, &self.cp).await
    }
}

/// Sleeps, waking early when a stop is asked for.
async fn sleep(stop: &super::StopSignal, total: Duration) {
    let until = Instant::now() + total;
    while !stop.is_requested() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        tokio::time::sleep(left.min(Duration::from_millis(100))).await;
    }
}

/// Runs verify queries; each must return no rows, or one row holding a single 0.
async fn run_verify(
    engine: &mut dyn Engine,
    path: &std::path::Path,
    queries: &[(Statement, String)],
) -> Result<usize> {
    for (statement, sql) in queries {
        let rows = engine.query(sql).await.map_err(|error| Error::Statement {
            path: path.to_path_buf(),
            line: statement.line,
            statement: statement.first_line().to_string(),
            message: error.message,
        })?;
        if let Some(failure) = crate::runner::verify_rows_failure(&rows) {
            return Err(Error::VerifyFailed {
                path: path.to_path_buf(),
                line: statement.line,
                statement: statement.first_line().to_string(),
                rows: failure,
            });
        }
    }
    Ok(queries.len())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// 100 ms, 200 ms, 400 ms... up to 10 s, with up to 25% jitter so that the backfill and the
/// application's retries do not line up.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(100)
        .saturating_mul(1 << attempt.saturating_sub(1).min(7))
        .min(Duration::from_secs(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base + base.mul_f64(f64::from(nanos % 250) / 1000.0)
}

/// The adaptive batch size: the time per row is smoothed over recent batches (an
/// exponential moving average, as GitLab's batch optimizer does, except that a slower
/// batch is believed at once), and the size moves
/// toward `target / time per row`, at most halving or doubling per batch, within bounds.
/// A fixed size (`batch=<n>`) stays fixed, except that a lock timeout halves it until a
/// batch commits again.
#[derive(Debug, Clone)]
struct Sizer {
    size: f64,
    min: f64,
    max: f64,
    fixed: Option<u64>,
    target: f64,
    per_row: Option<f64>,
}

/// Weight of the newest batch in the moving average.
const EMA_ALPHA: f64 = 0.4;

impl Sizer {
    fn new(settings: &crate::config::BackfillSettings, fixed: Option<u64>, saved: u64) -> Sizer {
        let min = settings.min_batch_size.max(1) as f64;
        let mut max = settings.max_batch_size.max(1) as f64;
        if let Some(rate) = settings.max_rows_per_second {
            // Under a rate limit, batches of about one target time's worth of rows keep
            // the pauses short and even.
            let per_target = rate as f64 * settings.target_batch_time.as_secs_f64();
            max = max.min(per_target.max(min));
        }
        let start = match fixed {
            Some(n) => n as f64,
            None => (saved.max(1) as f64).clamp(min, max.max(min)),
        };
        Sizer {
            size: start,
            min,
            max: max.max(min),
            fixed,
            target: settings.target_batch_time.as_secs_f64(),
            per_row: None,
        }
    }

    fn size(&self) -> u64 {
        (self.size.round() as u64).max(1)
    }

    fn observe(&mut self, rows: u64, took: Duration) {
        if let Some(n) = self.fixed {
            self.size = (self.size * 2.0).min(n as f64);
            return;
        }
        if rows == 0 {
            return;
        }
        let per_row = took.as_secs_f64() / rows as f64;
        // A slower batch counts at once, a faster one through the average: the rows of a
        // batch stay locked until it commits, so after a batch that ran long (a checkpoint,
        // a burst of traffic) the next one must be short, while growing back can wait.
        let smoothed = match self.per_row {
            Some(previous) if per_row > previous => per_row,
            Some(previous) => EMA_ALPHA * per_row + (1.0 - EMA_ALPHA) * previous,
            None => per_row,
        };
        self.per_row = Some(smoothed);
        let ideal = if smoothed > 0.0 {
            self.target / smoothed
        } else {
            self.size * 2.0
        };
        self.size = ideal
            .clamp(self.size * 0.5, self.size * 2.0)
            .clamp(self.min, self.max);
    }

    fn shrink(&mut self) {
        let floor = if self.fixed.is_some() { 1.0 } else { self.min };
        self.size = (self.size / 2.0).max(floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BackfillSettings;

    #[test]
    fn batch_size_follows_the_target_time() {
        let settings = BackfillSettings {
            target_batch_time: Duration::from_millis(150),
            ..BackfillSettings::default()
        };
        let mut sizer = Sizer::new(&settings, None, 1000);
        // Cheap rows: 1000 rows in 10 ms; the size doubles per batch up to the target.
        for _ in 0..3 {
            sizer.observe(
                sizer.size(),
                Duration::from_millis(10) * (sizer.size() as u32 / 1000),
            );
        }
        assert_eq!(sizer.size(), 8000);
        // Expensive rows: 1 ms each; the size halves toward 150 rows.
        let mut sizer = Sizer::new(&settings, None, 1000);
        for _ in 0..10 {
            let n = sizer.size();
            sizer.observe(n, Duration::from_millis(n));
        }
        assert_eq!(sizer.size(), 150);
        sizer.shrink();
        assert_eq!(sizer.size(), 75);
        let mut fixed = Sizer::new(&settings, Some(50), 1000);
        assert_eq!(fixed.size(), 50);
        fixed.shrink();
        fixed.shrink();
        assert_eq!(fixed.size(), 13);
        fixed.observe(13, Duration::from_millis(1));
        fixed.observe(26, Duration::from_millis(1));
        assert_eq!(fixed.size(), 50);
    }

    #[test]
    fn a_slow_batch_shrinks_the_next_at_once() {
        let settings = BackfillSettings {
            target_batch_time: Duration::from_millis(100),
            ..BackfillSettings::default()
        };
        let mut sizer = Sizer::new(&settings, None, 1000);
        sizer.observe(1000, Duration::from_millis(100));
        assert_eq!(sizer.size(), 1000);
        // Four times slower: the next batch is halved (the most one step allows), not
        // eased down through the average.
        sizer.observe(1000, Duration::from_millis(400));
        assert_eq!(sizer.size(), 500);
        sizer.observe(500, Duration::from_millis(200));
        assert_eq!(sizer.size(), 250);
        // Fast again: it grows back through the average.
        sizer.observe(250, Duration::from_millis(25));
        assert_eq!(sizer.size(), 357);
    }

    #[test]
    fn rate_limit_caps_the_batch() {
        let settings = BackfillSettings {
            max_rows_per_second: Some(200),
            target_batch_time: Duration::from_millis(150),
            ..BackfillSettings::default()
        };
        let sizer = Sizer::new(&settings, None, 1000);
        assert_eq!(sizer.size(), 30);
    }
}
