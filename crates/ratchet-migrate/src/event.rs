//! Events the library reports while it works; the CLI renders them.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::LockHolder;
use crate::plan::Direction;

/// Something that happened during a run, in the order it happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// Another migrator holds the lock; ratchet waits (up to `timeout`).
    LockWaiting {
        /// Who holds it, when the database can tell.
        holder: Option<LockHolder>,
        /// How long ratchet will wait.
        timeout: Duration,
    },
    /// The lock was taken after waiting.
    LockAcquired {
        /// How long ratchet waited.
        waited: Duration,
    },
    /// A migration starts.
    MigrationStarted {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
        /// Whether it runs in one transaction.
        transactional: bool,
        /// How many statements it runs.
        statements: usize,
        /// Whether it runs as a batched backfill.
        batched: bool,
    },
    /// A statement hit its lock timeout; ratchet backs off and tries again.
    LockTimeoutRetry {
        /// The migration's version.
        version: i64,
        /// The file of the statement.
        path: PathBuf,
        /// The statement's line.
        line: u32,
        /// This retry's number (1-based).
        attempt: u32,
        /// How many retries are allowed.
        retries: u32,
        /// How long ratchet waits before retrying.
        backoff: Duration,
    },
    /// A migration's verify queries passed.
    VerifyPassed {
        /// The migration's version.
        version: i64,
        /// How many queries ran.
        queries: usize,
    },
    /// A migration finished.
    MigrationFinished {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
        /// How long it took.
        elapsed: Duration,
    },
    /// A notice for the user (how a step runs, what was absorbed, what was skipped).
    Notice(String),
    /// A guarded rollback copied data its down script is about to destroy.
    BackupTaken {
        /// The backup's id (`ratchet restore <id>`).
        id: i64,
        /// The migration being rolled back.
        version: i64,
        /// What was saved, for people (`orders.priority`, `table orders`).
        source: String,
        /// The copy (`ratchet_backup.b1_orders_priority`).
        backup_table: String,
        /// Rows copied.
        rows: i64,
        /// Whether the copy commits (or rolls back) with the rollback; `false` when it
        /// committed before the down statements ran (MySQL, no-transaction scripts).
        with_rollback: bool,
    },
    /// A schema snapshot was saved before a migration that destroys data or rewrites a
    /// table (see [`crate::snapshot`]).
    SnapshotSaved {
        /// The migration's version.
        version: i64,
        /// Up or down.
        direction: Direction,
        /// What makes the step risky (its first destructive or rewriting statement).
        reason: String,
        /// The snapshot file.
        path: PathBuf,
        /// The `pg_dump --schema-only` file beside it, when one was written.
        pg_dump: Option<PathBuf>,
        /// Why there is no `pg_dump` file, on PostgreSQL.
        pg_dump_skipped: Option<String>,
    },
    /// `check-rollbacks` finished checking one migration.
    RollbackChecked(crate::check_rollbacks::MigrationCheck),
    /// A batched backfill starts, or resumes from its checkpoint.
    BackfillStarted {
        /// The migration's version.
        version: i64,
        /// The table it walks.
        table: String,
        /// The key columns it walks, in order.
        key: Vec<String>,
        /// Rows the table holds, as the catalog estimates them.
        rows_estimated: Option<u64>,
        /// Where it resumes: rows already done, when resuming.
        resumed_at: Option<u64>,
        /// Its canary predicate, when it has one.
        canary: Option<String>,
    },
    /// A batch committed, with the progress so far.
    BackfillProgress(crate::backfill::Progress),
    /// The backfill waits: replica lag, or a lock it could not get.
    BackfillThrottled {
        /// The migration's version.
        version: i64,
        /// Why, for people ("replica lag 7.2 s on replica-1 is above 5 s").
        reason: String,
        /// How long it waits before looking again.
        wait: Duration,
    },
    /// A batch hit its lock timeout: it was rolled back, the batch size shrinks and the
    /// backfill backs off before trying again.
    BackfillLockTimeout {
        /// The migration's version.
        version: i64,
        /// Lock timeouts in a row.
        attempt: u32,
        /// How many in a row are allowed.
        retries: u32,
        /// The smaller batch size it tries next.
        batch_size: u64,
        /// How long it waits first.
        backoff: Duration,
    },
    /// The canary subset is done and its verify queries passed.
    BackfillCanaryPassed {
        /// The migration's version.
        version: i64,
        /// Rows the canary covered.
        rows: u64,
        /// Verify queries that checked it.
        queries: usize,
    },
    /// A backfill stopped before the end and kept its checkpoint: Ctrl-C, `ratchet backfill
    /// pause`, or `--canary-only`.
    BackfillStopped {
        /// The migration's version.
        version: i64,
        /// Why, and how to go on.
        message: String,
    },
}
