use super::type_advice::{LockTimeout, lock_timeout_change, queueing_lock, replay, who_queues};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports a migration whose statements take a lock that blocks writes (`ACCESS
    /// EXCLUSIVE` for most `ALTER TABLE` forms and `DROP`, `SHARE` for `CREATE INDEX`...)
    /// on a table that existed before it, without setting `lock_timeout` itself before the
    /// first such statement. Reported once, at that statement.
    ///
    /// **ratchet sets `lock_timeout` itself** when it runs migrations (`[run]
    /// ddl_lock_timeout`, 5 seconds by default) and retries a statement that timed out. So
    /// the rule is information only, and it stays quiet for a folder in ratchet's own
    /// layout, whose files ratchet runs. It reports files in another tool's layout (sqlx,
    /// diesel, dbmate, Flyway, golang-migrate... whose tools set no timeout) and loose files
    /// (`ratchet lint file.sql`): the files another tool, or psql, may run as they are.
    ///
    /// ## Why is this bad?
    /// A lock request waits for every conflicting lock held before it, and every later
    /// request waits behind it. An `ALTER TABLE` that queues behind one long-running
    /// `SELECT` on the table makes every other query on the table queue behind the
    /// `ALTER`: the table is unavailable, for as long as that `SELECT` runs, though the
    /// `ALTER` itself would take milliseconds. With a `lock_timeout` the `ALTER` gives up
    /// instead, the queue drains, and it can be retried.
    ///
    /// ## Lock taken
    /// Whatever the statement takes; the rule looks at locks that block writes.
    ///
    /// ## Engines and versions
    /// PostgreSQL 9.3+ (`lock_timeout`).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// SET lock_timeout = '5s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    pub struct MissingLockTimeout {
        id: "missing-lock-timeout",
        severity: Info,
        engines: [Postgres],
        summary: "a blocking lock is taken without a lock_timeout of the file's own (ratchet sets one itself)",
    }
}

impl Rule for MissingLockTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        // Only ratchet's own layout has verify files: files ratchet runs, with its timeout.
        if cx.verify_files {
            return;
        }
        let up = &cx.migration.up;
        let mut timeout_set = false;
        let mut reported = false;
        replay(cx, |step, origins| {
            if reported {
                return;
            }
            if matches!(step.action.action.op, Op::SetSetting { .. } | Op::Query { .. })
                && let Some(change) = lock_timeout_change(step.statement)
            {
                timeout_set = change == LockTimeout::Enabled;
                return;
            }
            if timeout_set {
                return;
            }
            let Some(mode) = queueing_lock(step, origins) else {
                return;
            };
            let table = step.action.action.op.table();
            reported = true;
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                format!(
                    "this takes {} on {}, and the file sets no lock_timeout before it: where \
                     no tool sets one, it waits without limit behind any long transaction \
                     while {} queues behind it",
                    mode.name(),
                    table.map_or_else(|| "its table".to_string(), ToString::to_string),
                    who_queues(mode, table)
                ),
                "begin the file with SET lock_timeout = '5s': other tools and psql set none \
                 (ratchet sets [run] ddl_lock_timeout itself)",
            );
        });
    }
}
