//! Applies plans: takes the migrator lock, runs each step in a transaction where the engine
//! allows it (statement by statement where it does not), records every step in the ledger,
//! and reports [`Event`]s.

use std::time::{Duration, Instant};

use crate::config::RunSettings;
use crate::engine::{DbError, DbErrorKind, Engine, LockHolder};
use crate::event::Event;
use crate::ledger::{self, Change, NewRow, RowState};
use crate::plan::{self, Direction, DownOptions, DownTarget, Step, UpOptions};
use crate::source::{Migration, MigrationSet, Script};
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::{Dialect, Statement};
use crate::{Error, Result};

/// The note a running non-transactional migration carries until it finishes, so that a
/// ratchet killed part-way leaves a ledger row that tells the truth.
const RUNNING_NOTE: &str = "interrupted: ratchet did not finish this migration (or is running \
                            it now); statements_done counts the statements that committed";

/// Runs migrations on one database.
pub struct Runner<'a> {
    pub(crate) engine: &'a mut dyn Engine,
    settings: RunSettings,
    events: &'a mut (dyn FnMut(Event) + Send),
    /// The options of the `down` under way.
    down: DownOptions,
    /// What the down steps under way destroy (see [`crate::guard`]).
    guard: crate::guard::Guard,
    /// Where to save schema snapshots before risky steps; `None`: not saved.
    snapshots: Option<crate::snapshot::SnapshotSettings>,
    /// How backfills run (settings, Ctrl-C, `--canary-only`).
    backfill: crate::backfill::BackfillRun,
    /// A step asked the run to stop after it (`--canary-only`).
    halted: bool,
}

/// The outcome of one migration's verify queries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyOutcome {
    /// The migration's version.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// Queries that ran.
    pub queries: usize,
    /// What failed, if anything.
    pub failure: Option<String>,
}

/// Why a step stopped.
enum Failure {
    /// A statement failed.
    Statement {
        path: std::path::PathBuf,
        statement: Statement,
        error: DbError,
    },
    /// Anything else, already an [`Error`].
    Other(Error),
}

impl Failure {
    fn is_lock_timeout(&self) -> bool {
        matches!(self, Failure::Statement { error, .. } if error.kind == DbErrorKind::LockTimeout)
    }

    fn into_error(self) -> Error {
        match self {
            Failure::Statement {
                path,
                statement,
                error,
            } => Error::Statement {
                path,
                line: statement.line,
                statement: statement.first_line().to_string(),
                message: error.message,
            },
            Failure::Other(e) => e,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Other(e)
    }
}

impl<'a> Runner<'a> {
    /// A runner on `engine` that reports to `events`.
    pub fn new(
        engine: &'a mut dyn Engine,
        settings: RunSettings,
        events: &'a mut (dyn FnMut(Event) + Send),
    ) -> Self {
        Runner {
            engine,
            settings,
            events,
            down: DownOptions::default(),
            guard: crate::guard::Guard::default(),
            snapshots: None,
            backfill: crate::backfill::BackfillRun::default(),
            halted: false,
        }
    }

    /// Saves a schema snapshot (and, on PostgreSQL, a `pg_dump --schema-only` file when a
    /// compatible pg_dump is on PATH) before each step that destroys data or rewrites a
    /// table, and reports where with [`Event::SnapshotSaved`].
    pub fn with_snapshots(mut self, settings: crate::snapshot::SnapshotSettings) -> Self {
        self.snapshots = Some(settings);
        self
    }

    /// Sets how backfills run: `[backfill]` (replica URLs expanded) and the signal that
    /// stops one after its current batch (Ctrl-C).
    pub fn with_backfill(
        mut self,
        settings: crate::config::BackfillSettings,
        stop: crate::backfill::StopSignal,
    ) -> Self {
        self.backfill.settings = settings;
        self.backfill.stop = stop;
        self
    }

    /// Continues paused or interrupted backfills (all, or the one of `version`), applying
    /// the migrations up to the last of them; returns the versions applied.
    pub async fn resume_backfills(
        &mut self,
        set: &MigrationSet,
        version: Option<i64>,
        options: &UpOptions,
    ) -> Result<Vec<i64>> {
        self.lock().await?;
        let result = async {
            ledger::ensure(self.engine).await?;
            let versions = crate::backfill::unpause(self.engine, version).await?;
            let Some(last) = versions.last().copied() else {
                return match version {
                    Some(v) => Err(Error::Usage(format!(
                        "migration {v} has no paused or interrupted backfill; `ratchet backfill \
                         status` lists them"
                    ))),
                    None => Ok(Vec::new()),
                };
            };
            let mut options = options.clone();
            options.to = Some(options.to.map_or(last, |to| to.min(last)));
            self.up_locked(set, &options).await
        }
        .await;
        self.unlock(result).await
    }

    /// Applies pending migrations; returns the versions applied.
    pub async fn up(&mut self, set: &MigrationSet, options: &UpOptions) -> Result<Vec<i64>> {
        self.backfill.canary_only = options.canary_only;
        self.backfill.final_pass = options.final_pass || self.backfill.settings.final_pass;
        self.lock().await?;
        let result = self.up_locked(set, options).await;
        self.unlock(result).await
    }

    /// Rolls migrations back; returns the versions rolled back. A down script that
    /// destroys data saves it first (see [`crate::guard`]) unless the options accept the
    /// loss.
    pub async fn down(
        &mut self,
        set: &MigrationSet,
        target: DownTarget,
        options: &DownOptions,
    ) -> Result<Vec<i64>> {
        self.down = options.clone();
        self.lock().await?;
        let result = self.down_locked(set, target).await;
        self.unlock(result).await
    }

    /// Runs the verify queries of applied migrations (or of one) now.
    pub async fn verify(
        &mut self,
        set: &MigrationSet,
        version: Option<i64>,
    ) -> Result<Vec<VerifyOutcome>> {
        let rows = ledger::rows(self.engine).await?;
        if let Some(v) = version {
            let migration = set
                .get(v)
                .ok_or_else(|| Error::Usage(format!("there is no migration with version {v}")))?;
            if migration.verify.is_none() {
                return Err(Error::Usage(format!(
                    "migration {v} has no verify file ({})",
                    migration.up.path.display()
                )));
            }
        }
        let mut outcomes = Vec::new();
        for migration in &set.migrations {
            let applied = rows.iter().any(|r| {
                r.is_live() && r.version == migration.version && r.state == RowState::Applied
            });
            let Some(verify) = &migration.verify else {
                continue;
            };
            if version.is_some_and(|v| v != migration.version) || (version.is_none() && !applied) {
                continue;
            }
            let failure = match run_verify(self.engine, verify).await {
                Ok(_) => None,
                Err(f) => Some(f.into_error().to_string()),
            };
            outcomes.push(VerifyOutcome {
                version: migration.version,
                name: migration.name.clone(),
                queries: verify.statements.len(),
                failure,
            });
        }
        Ok(outcomes)
    }

    /// Takes the migrator lock, waiting for another migrator up to the lock timeout.
    pub(crate) async fn lock(&mut self) -> Result<()> {
        let me = LockHolder::this_process();
        let started = Instant::now();
        let mut holder = None;
        let mut pause = Duration::from_millis(100);
        loop {
            let taken = self
                .engine
                .try_lock(&me)
                .await
                .map_err(|e| e.context("cannot take the migrator lock"))?;
            if taken {
                if holder.is_some() {
                    (self.events)(Event::LockAcquired {
                        waited: started.elapsed(),
                    });
                }
                return Ok(());
            }
            if holder.is_none() {
                let who = self.engine.lock_holder().await.ok().flatten();
                (self.events)(Event::LockWaiting {
                    holder: who.clone(),
                    timeout: self.settings.lock_timeout,
                });
                holder = Some(who);
            }
            let waited = started.elapsed();
            if waited >= self.settings.lock_timeout {
                return Err(Error::LockTimeout {
                    waited: humantime::format_duration(Duration::from_secs(waited.as_secs()))
                        .to_string(),
                    holder: holder
                        .flatten()
                        .map_or_else(|| "another migrator".to_string(), |h| h.to_string()),
                });
            }
            tokio::time::sleep(pause.min(self.settings.lock_timeout - waited)).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    /// Releases the lock, keeping the first error.
    pub(crate) async fn unlock<T>(&mut self, result: Result<T>) -> Result<T> {
        let released = self.engine.unlock().await;
        match (result, released) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.context("cannot release the migrator lock")),
            (Ok(v), Ok(())) => Ok(v),
        }
    }

    async fn up_locked(&mut self, set: &MigrationSet, options: &UpOptions) -> Result<Vec<i64>> {
        ledger::ensure(self.engine).await?;
        self.set_lock_timeout(self.settings.ddl_lock_timeout)
            .await?;
        let rows = ledger::rows(self.engine).await?;
        let dialect = self.engine.dialect();
        let in_progress = crate::backfill::in_progress(self.engine).await?;
        let steps = plan::up_plan_resuming(
            set,
            &rows,
            options,
            dialect,
            self.engine.server_version(),
            &in_progress,
        )?;
        for (version, found) in &in_progress {
            if matches!(found, crate::backfill::InProgress::Paused { .. })
                && options.to.is_none_or(|to| *version <= to)
            {
                (self.events)(Event::Notice(format!(
                    "migration {version}: its backfill is paused (`ratchet backfill pause`); \
                     `ratchet backfill resume` continues it, and the migrations after it wait"
                )));
            }
        }
        if let Some(lint) = &options.lint {
            self.lint_gate(set, &steps, lint)?;
        }
        self.run_steps(set, &steps).await
    }

    /// Runs steps in order; returns the versions done.
    async fn run_steps(&mut self, set: &MigrationSet, steps: &[Step]) -> Result<Vec<i64>> {
        let mut done = Vec::new();
        let risky = self.risky_steps(set, steps);
        for step in steps {
            let migration = set.get(step.version).ok_or_else(|| {
                Error::Usage(format!("migration {} vanished from the plan", step.version))
            })?;
            self.save_snapshot_if_risky(step, &risky).await?;
            self.run_step(step, migration).await?;
            if std::mem::take(&mut self.halted) {
                break;
            }
            done.push(step.version);
        }
        Ok(done)
    }

    /// The steps that destroy data or rewrite a table, when snapshots are to be saved.
    fn risky_steps(&self, set: &MigrationSet, steps: &[Step]) -> crate::snapshot::RiskySteps {
        match &self.snapshots {
            Some(_) => crate::snapshot::risky_steps(set, steps, &*self.engine),
            None => crate::snapshot::RiskySteps::default(),
        }
    }

    /// Before a step that destroys data or rewrites a table: saves a snapshot of the
    /// schema as it is, so that what the step changed can be seen and rebuilt.
    async fn save_snapshot_if_risky(
        &mut self,
        step: &Step,
        risky: &crate::snapshot::RiskySteps,
    ) -> Result<()> {
        let (Some(settings), Some(reason)) = (&self.snapshots, risky.reason(step.version)) else {
            return Ok(());
        };
        let event = crate::snapshot::save_before_step(self.engine, settings, step, reason).await?;
        (self.events)(event);
        Ok(())
    }

    /// Lints the migrations about to be applied (judged against the schema every earlier
    /// migration builds) and refuses error-level findings that are not allowed.
    fn lint_gate(
        &mut self,
        set: &MigrationSet,
        steps: &[Step],
        options: &crate::lint::LintOptions,
    ) -> Result<()> {
        if steps.is_empty() {
            return Ok(());
        }
        let mut options = options.clone();
        options.dialect = self.engine.dialect();
        options.version = self.engine.versions();
        let findings =
            crate::lint::lint_set(set, &options, |v| steps.iter().any(|s| s.version == v));
        if findings.iter().any(crate::lint::Finding::blocks) {
            return Err(Error::LintRefused { findings });
        }
        // Warnings about down files matter when rolling back, not now.
        let up_files: Vec<&std::path::Path> = steps.iter().map(|s| s.path.as_path()).collect();
        for f in findings
            .iter()
            .filter(|f| f.allowed.is_none() && up_files.contains(&f.file.as_path()))
        {
            (self.events)(Event::Notice(format!(
                "{}:{}:{}: {}[{}]: {}",
                f.file.display(),
                f.line,
                f.column,
                f.severity.as_str(),
                f.rule,
                f.message
            )));
        }
        Ok(())
    }

    async fn down_locked(&mut self, set: &MigrationSet, target: DownTarget) -> Result<Vec<i64>> {
        ledger::ensure(self.engine).await?;
        self.set_lock_timeout(self.settings.ddl_lock_timeout)
            .await?;
        let rows = ledger::rows(self.engine).await?;
        let dialect = self.engine.dialect();
        let steps = plan::down_plan_with(
            set,
            &rows,
            target,
            &self.down,
            dialect,
            self.engine.server_version(),
        )?;
        self.guard = crate::guard::Guard::prepare(set, &steps, dialect, self.engine.versions());
        self.run_steps(set, &steps).await
    }

    async fn set_lock_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.engine
            .set_lock_timeout(timeout)
            .await
            .map_err(|e| e.context("cannot set the statement lock timeout"))
    }

    async fn run_step(&mut self, step: &Step, migration: &Migration) -> Result<()> {
        (self.events)(Event::MigrationStarted {
            version: step.version,
            name: step.name.clone(),
            direction: step.direction,
            transactional: step.transactional,
            statements: step.statements.len(),
            batched: step.batched,
        });
        for notice in &step.notices {
            (self.events)(Event::Notice(format!("{}: {notice}", step.path.display())));
        }
        let started = Instant::now();
        if step.direction == Direction::Up && migration.up.directives.backfill.is_some() {
            let outcome = crate::backfill::run(
                self.engine,
                &mut *self.events,
                &self.backfill,
                step,
                migration,
            )
            .await;
            let restored = self.set_lock_timeout(self.settings.ddl_lock_timeout).await;
            match outcome? {
                crate::backfill::Outcome::Halted => {
                    self.halted = true;
                    return Ok(());
                }
                crate::backfill::Outcome::Applied => {
                    restored?;
                    self.record_revert(migration).await?;
                }
            }
        } else if step.transactional {
            self.run_in_transaction(step, migration, started).await?;
        } else {
            self.run_statement_by_statement(step, migration, started)
                .await?;
        }
        (self.events)(Event::MigrationFinished {
            version: step.version,
            name: step.name.clone(),
            direction: step.direction,
            elapsed: started.elapsed(),
        });
        Ok(())
    }

    /// PostgreSQL, SQLite (and MySQL data-only scripts): the statements, the verify queries
    /// and the ledger row commit together or not at all. A lock timeout rolls the whole
    /// step back and retries it after a pause.
    async fn run_in_transaction(
        &mut self,
        step: &Step,
        migration: &Migration,
        started: Instant,
    ) -> Result<()> {
        let mut attempt = 0;
        loop {
            let outcome = match self.engine.begin().await {
                Ok(()) => self.transaction_body(step, migration, started).await,
                Err(error) => Err(Failure::Statement {
                    path: step.path.clone(),
                    statement: Statement {
                        sql: "BEGIN".into(),
                        line: step.statements.first().map_or(1, |s| s.line),
                        column: 1,
                    },
                    error,
                }),
            };
            let failure = match outcome {
                Ok(()) => {
                    return self
                        .engine
                        .execute("COMMIT")
                        .await
                        .map(|_| ())
                        .map_err(|e| {
                            e.context(format!(
                                "migration {}: COMMIT failed, nothing was applied",
                                step.version
                            ))
                        });
                }
                Err(failure) => failure,
            };
            // The transaction may already be gone (a failed BEGIN, a lost connection).
            let _ = self.engine.execute("ROLLBACK").await;
            if failure.is_lock_timeout() && attempt < self.settings.ddl_lock_retries {
                attempt += 1;
                self.announce_retry(step, &failure, attempt).await;
                continue;
            }
            return Err(failure.into_error());
        }
    }

    async fn transaction_body(
        &mut self,
        step: &Step,
        migration: &Migration,
        started: Instant,
    ) -> Result<(), Failure> {
        let guard_note = match step.direction {
            Direction::Down => self.guard_down(step).await?,
            Direction::Up => None,
        };
        for statement in &step.statements {
            self.execute(step, statement).await?;
        }
        if step.direction == Direction::Up
            && let Some(verify) = &migration.verify
        {
            let queries = run_verify(self.engine, verify).await?;
            (self.events)(Event::VerifyPassed {
                version: step.version,
                queries,
            });
        }
        if let Some(problem) = self
            .engine
            .pre_commit_check()
            .await
            .map_err(|e| Failure::Other(e.context("cannot check integrity before commit")))?
        {
            return Err(Failure::Other(Error::Refused {
                message: format!(
                    "{}: {problem}; the migration was rolled back",
                    step.path.display()
                ),
            }));
        }
        match step.direction {
            Direction::Up => {
                let dialect = self.engine.dialect();
                ledger::insert(
                    self.engine,
                    &NewRow {
                        statements_done: count(step.statements.len()),
                        execution_time_ms: Some(millis(started.elapsed())),
                        note: allow_note(migration),
                        ..NewRow::of(migration, dialect, RowState::Applied)
                    },
                )
                .await?;
                self.record_revert(migration).await?;
            }
            Direction::Down => {
                let id = live_row(step)?;
                ledger::update(self.engine, id, Change::RolledBack { note: guard_note }).await?;
                self.undo_revert_link(migration).await?;
            }
        }
        Ok(())
    }

    /// Before a down script runs: saves the data it would destroy, or records the loss the
    /// user accepted. Returns the note for the ledger row.
    async fn guard_down(&mut self, step: &Step) -> Result<Option<String>, Failure> {
        self.guard
            .protect(self.engine, step, &self.down, self.events)
            .await
            .map_err(Failure::Other)
    }

    /// A forward migration that reverts another (`-- ratchet:reverts V`) links V's live
    /// ledger row to itself.
    async fn record_revert(&mut self, migration: &Migration) -> Result<()> {
        let Some(reverted) = migration.up.directives.reverts else {
            return Ok(());
        };
        let rows = ledger::rows(self.engine).await?;
        let Some(row) = rows.iter().find(|r| r.is_live() && r.version == reverted) else {
            return Err(Error::Refused {
                message: format!(
                    "{} reverts migration {reverted}, which is not applied",
                    migration.up.path.display()
                ),
            });
        };
        ledger::update(
            self.engine,
            row.id,
            Change::RevertedBy {
                version: migration.version,
            },
        )
        .await
    }

    /// Rolling back a forward migration that reverted another (`-- ratchet:reverts V`)
    /// makes V no longer reverted: its live row's `reverted_by` is cleared.
    async fn undo_revert_link(&mut self, migration: &Migration) -> Result<()> {
        let Some(reverted) = migration.up.directives.reverts else {
            return Ok(());
        };
        let rows = ledger::rows(self.engine).await?;
        let linked = rows.iter().find(|r| {
            r.is_live() && r.version == reverted && r.reverted_by == Some(migration.version)
        });
        match linked {
            Some(row) => ledger::update(self.engine, row.id, Change::NotReverted).await,
            None => Ok(()),
        }
    }

    /// MySQL DDL and `no-transaction` scripts: each statement commits on its own, and the
    /// ledger row says after each one how far the step got, so that a failure (or a killed
    /// ratchet) leaves a true record of what committed.
    async fn run_statement_by_statement(
        &mut self,
        step: &Step,
        migration: &Migration,
        started: Instant,
    ) -> Result<()> {
        let total = step.statements.len();
        // Before the ledger says the rollback is under way: a refusal changes nothing.
        let guard_note = match step.direction {
            Direction::Down => self.guard_down(step).await.map_err(Failure::into_error)?,
            Direction::Up => None,
        };
        let id = match step.direction {
            Direction::Up => {
                let dialect = self.engine.dialect();
                ledger::insert(
                    self.engine,
                    &NewRow {
                        note: Some(RUNNING_NOTE.into()),
                        ..NewRow::of(migration, dialect, RowState::Failed)
                    },
                )
                .await?
            }
            Direction::Down => {
                let id = live_row(step).map_err(Failure::into_error)?;
                ledger::update(
                    self.engine,
                    id,
                    Change::Failed {
                        note: rollback_progress(step, 0),
                    },
                )
                .await?;
                id
            }
        };
        let dialect = self.engine.dialect();
        let mut in_script_transaction = false;
        for (index, statement) in step.statements.iter().enumerate() {
            match classify::transaction_control(statement) {
                Some(TransactionControl::Begin) => in_script_transaction = true,
                Some(TransactionControl::Commit | TransactionControl::Rollback) => {
                    in_script_transaction = false;
                }
                _ => {}
            }
            // On MySQL a data change and the ledger's progress can commit together.
            let wrap = dialect == Dialect::Mysql
                && !in_script_transaction
                && classify::statement_kind(statement, dialect) == StatementKind::Dml;
            let progress = match step.direction {
                Direction::Up => Change::Progress {
                    statements_done: count(index + 1),
                    note: Some(RUNNING_NOTE.into()),
                },
                Direction::Down => Change::Failed {
                    note: rollback_progress(step, index + 1),
                },
            };
            if let Err(failure) = self
                .execute_and_record(step, statement, wrap, id, progress)
                .await
            {
                let note = match (&failure, step.direction) {
                    (Failure::Statement { error, .. }, Direction::Up) => format!(
                        "statement {} of {total} ({}:{}) failed: {}{}",
                        index + 1,
                        step.path.display(),
                        statement.line,
                        error.message,
                        uncertain(error)
                    ),
                    (Failure::Statement { error, .. }, Direction::Down) => format!(
                        "rollback failed at down statement {} of {total} ({}:{}): {}{}; down \
                         statements before it committed, the rest did not run",
                        index + 1,
                        step.path.display(),
                        statement.line,
                        error.message,
                        uncertain(error)
                    ),
                    (Failure::Other(e), _) => e.to_string(),
                };
                let recorded = ledger::update(self.engine, id, Change::Failed { note }).await;
                let error = failure.into_error();
                return match recorded {
                    Ok(()) => Err(error),
                    Err(ledger_error) => Err(Error::Database {
                        context: error.to_string(),
                        message: format!(
                            "and the ledger could not record the failure: {ledger_error}"
                        ),
                    }),
                };
            }
        }
        if step.direction == Direction::Up
            && let Some(verify) = &migration.verify
        {
            match run_verify(self.engine, verify).await {
                Ok(queries) => (self.events)(Event::VerifyPassed {
                    version: step.version,
                    queries,
                }),
                Err(failure) => {
                    let error = failure.into_error();
                    let note =
                        format!("all {total} statements committed, but verify failed: {error}");
                    ledger::update(self.engine, id, Change::Failed { note }).await?;
                    return Err(error);
                }
            }
        }
        let done = match step.direction {
            Direction::Up => Change::Applied {
                execution_time_ms: millis(started.elapsed()),
                note: allow_note(migration),
            },
            Direction::Down => Change::RolledBack { note: guard_note },
        };
        ledger::update(self.engine, id, done).await?;
        match step.direction {
            Direction::Up => self.record_revert(migration).await?,
            Direction::Down => self.undo_revert_link(migration).await?,
        }
        Ok(())
    }

    /// Runs one statement (retrying lock timeouts) and records its progress, in one
    /// transaction when `wrap`.
    async fn execute_and_record(
        &mut self,
        step: &Step,
        statement: &Statement,
        wrap: bool,
        id: i64,
        progress: Change,
    ) -> Result<(), Failure> {
        let mut attempt = 0;
        loop {
            if wrap {
                self.engine
                    .begin()
                    .await
                    .map_err(|e| Failure::Other(e.context("cannot open a transaction")))?;
            }
            let outcome = self.execute(step, statement).await;
            let outcome = match outcome {
                Ok(()) => ledger::update(self.engine, id, progress.clone())
                    .await
                    .map_err(Failure::Other),
                Err(f) => Err(f),
            };
            match outcome {
                Ok(()) => {
                    if wrap {
                        self.engine
                            .execute("COMMIT")
                            .await
                            .map_err(|e| Failure::Statement {
                                path: step.path.clone(),
                                statement: statement.clone(),
                                error: e,
                            })?;
                    }
                    return Ok(());
                }
                Err(failure) => {
                    if wrap {
                        let _ = self.engine.execute("ROLLBACK").await;
                    }
                    if failure.is_lock_timeout() && attempt < self.settings.ddl_lock_retries {
                        attempt += 1;
                        self.announce_retry(step, &failure, attempt).await;
                        continue;
                    }
                    return Err(failure);
                }
            }
        }
    }

    /// Runs one statement of a step. A `CONCURRENTLY` build or drop waits for old
    /// transactions by design and blocks no reads or writes, so the short lock timeout that
    /// protects traffic from queued DDL is lifted for it (with the timeout it would fail on
    /// any busy database and leave an invalid index behind).
    async fn execute(&mut self, step: &Step, statement: &Statement) -> Result<(), Failure> {
        let concurrent = self.engine.dialect() == Dialect::Postgres
            && classify::leading_words(&statement.sql, 4)
                .iter()
                .any(|w| w == "CONCURRENTLY");
        if concurrent {
            self.set_lock_timeout(Duration::ZERO).await?;
        }
        let result = self.engine.execute(&statement.sql).await;
        if concurrent {
            self.set_lock_timeout(self.settings.ddl_lock_timeout)
                .await?;
        }
        result.map(|_| ()).map_err(|error| Failure::Statement {
            path: step.path.clone(),
            statement: statement.clone(),
            error,
        })
    }

    async fn announce_retry(&mut self, step: &Step, failure: &Failure, attempt: u32) {
        let line = match failure {
            Failure::Statement { statement, .. } => statement.line,
            Failure::Other(_) => 0,
        };
        let backoff = backoff(attempt);
        (self.events)(Event::LockTimeoutRetry {
            version: step.version,
            path: step.path.clone(),
            line,
            attempt,
            retries: self.settings.ddl_lock_retries,
            backoff,
        });
        tokio::time::sleep(backoff).await;
    }
}

/// Why a verify query's rows fail it ("2 row(s): (1), (2); it must return no rows or a
/// single 0"), or `None` when they pass: no rows, or one row holding a single 0.
pub(crate) fn verify_rows_failure(rows: &[crate::engine::Row]) -> Option<String> {
    let passes = rows.is_empty()
        || (rows.len() == 1
            && rows[0].len() == 1
            && rows[0][0]
                .as_deref()
                .and_then(|v| v.trim().parse::<f64>().ok())
                == Some(0.0));
    if passes {
        return None;
    }
    let shown: Vec<String> = rows
        .iter()
        .take(5)
        .map(|row| {
            let cells: Vec<&str> = row.iter().map(|c| c.as_deref().unwrap_or("NULL")).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let more = if rows.len() > 5 { ", ..." } else { "" };
    Some(format!(
        "{} row(s): {}{more}; it must return no rows or a single 0",
        rows.len(),
        shown.join(", ")
    ))
}

/// Runs a verify script; each query must return no rows, or one row holding a single 0.
/// Returns the number of queries.
async fn run_verify(engine: &mut dyn Engine, verify: &Script) -> Result<usize, Failure> {
    for statement in &verify.statements {
        // `:canary` (see docs/backfills.md) stands for every row outside a canary.
        let sql = crate::backfill::verify_sql_for_whole_table(&statement.sql, engine.dialect());
        let rows = engine
            .query(&sql)
            .await
            .map_err(|error| Failure::Statement {
                path: verify.path.clone(),
                statement: statement.clone(),
                error,
            })?;
        if let Some(failure) = verify_rows_failure(&rows) {
            return Err(Failure::Other(Error::VerifyFailed {
                path: verify.path.clone(),
                line: statement.line,
                statement: statement.first_line().to_string(),
                rows: failure,
            }));
        }
    }
    Ok(verify.statements.len())
}

fn live_row(step: &Step) -> Result<i64, Failure> {
    step.ledger_id.ok_or_else(|| {
        Failure::Other(Error::Refused {
            message: format!(
                "migration {} has no live ledger row to roll back",
                step.version
            ),
        })
    })
}

/// The accepted lint findings of a migration, recorded in its ledger row.
pub(crate) fn allow_note(migration: &Migration) -> Option<String> {
    let lines: Vec<String> = migration
        .up
        .directives
        .allows
        .iter()
        .map(|a| format!("allowed {}: {}", a.rule, a.reason))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn rollback_progress(step: &Step, done: usize) -> String {
    format!(
        "rollback interrupted: {done} of {} down statements ({}) committed; the migration is \
         partly rolled back",
        step.statements.len(),
        step.path.display()
    )
}

/// A lost connection leaves the statement in flight undecided.
fn uncertain(error: &DbError) -> &'static str {
    if error.kind == DbErrorKind::Connection {
        " (the connection was lost while it ran: it may or may not have committed)"
    } else {
        ""
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// 0.5 s, 1 s, 2 s... up to 30 s, with up to 25% jitter so that retrying migrators and
/// application retries do not line up.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500)
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(Duration::from_secs(30));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base + base.mul_f64(f64::from(nanos % 250) / 1000.0)
}
