use super::type_advice::{
    LockTimeout, is_concurrent, lock_timeout_change, queueing_lock, replay, who_queues,
};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};


declare_rule! {
    /// ## What it does
    /// Reports a migration that turns PostgreSQL's `lock_timeout` off — `SET lock_timeout =
    /// 0` (or `'0'`, `'0ms'`), `SET lock_timeout TO DEFAULT`, `RESET lock_timeout`,
    /// `RESET ALL`, `set_config('lock_timeout', '0', ...)` — when:
    /// - a statement after it (before a timeout is set again) takes a lock that blocks
    ///   writes on a table that existed before the migration; or
    /// - it is a session-level setting that nothing sets back, so it outlives the
    ///   migration.
    ///
    /// It stays quiet when only `CONCURRENTLY` statements follow: they wait for older
    /// transactions by design and block no reads or writes, so a timeout would only make
    /// them fail (ratchet lifts its own timeout for them anyway).
    ///
    /// ## Why is this bad?
    /// ratchet runs migrations with a `lock_timeout` (`[run] ddl_lock_timeout`) so that a
    /// statement waiting for its lock behind a long transaction gives up, rather than make
    /// every query on the table queue behind it. Turning it off removes that protection:
    /// an `ALTER TABLE` stuck behind a long `SELECT` then makes the table unavailable for
    /// as long as that `SELECT` runs. (`RESET` and `DEFAULT` go back to the server's
    /// setting, which is 0 unless the server or role sets one.) A plain `SET` lasts for
    /// the session, not the transaction: the later migrations ratchet runs on the same
    /// connection inherit it.
    ///
    /// ## Lock taken
    /// Whatever the following statements take; the rule looks at locks that block writes.
    ///
    /// ## Engines and versions
    /// PostgreSQL 9.3+ (`lock_timeout`).
    ///
    /// ## Example
    /// ```sql
    /// SET lock_timeout = 0;
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    ///
    /// ## Use instead
    /// Leave the timeout on (ratchet retries a statement that timed out). To wait
    /// longer, set a longer timeout rather than none:
    /// ```sql
    /// SET LOCAL lock_timeout = '30s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    pub struct LockTimeoutDisabled {
        id: "lock-timeout-disabled",
        severity: Warning,
        engines: [Postgres],
        summary: "lock_timeout turned off: a DDL statement waiting for its lock blocks every query on the table",
    }
}

impl Rule for LockTimeoutDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        // The blocking lock of each action, judged against the schema before it.
        let mut locks = Vec::new();
        replay(cx, |step, origins| {
            if let Some(mode) = queueing_lock(step, origins) {
                locks.push((step, mode));
            }
        });
        for (index, statement) in up.statements.iter().enumerate() {
            let Some(LockTimeout::Disabled { local }) = lock_timeout_change(statement) else {
                continue;
            };
            let mut blocking = None;
            let mut concurrent = false;
            let mut set_again = false;
            for later in &up.statements[index + 1..] {
                if lock_timeout_change(later).is_some() {
                    // Set again (a later disabling is judged on its own).
                    set_again = true;
                    break;
                }
                if is_concurrent(later) {
                    concurrent = true;
                    continue;
                }
                if let Some(found) = locks
                    .iter()
                    .find(|(step, _)| std::ptr::eq(step.statement, later))
                {
                    blocking = Some(*found);
                    break;
                }
            }
            let help = "remove it: ratchet sets lock_timeout itself ([run] ddl_lock_timeout) \
                        and retries a statement that timed out; to wait longer, set a longer \
                        timeout rather than none";
            if let Some((step, mode)) = blocking {
                let table = step.action.action.op.table();
                report.at(
                    up,
                    statement,
                    0,
                    format!(
                        "this turns lock_timeout off, so the statement on line {} waits \
                         without limit for its {} lock on {}, and while it waits {} queues \
                         behind it",
                        step.statement.statement.line,
                        mode.name(),
                        table.map_or_else(|| "its table".to_string(), ToString::to_string),
                        who_queues(mode, table)
                    ),
                    help,
                );
            } else if !concurrent && !local && !set_again {
                report.at(
                    up,
                    statement,
                    0,
                    "this turns lock_timeout off for the rest of the session: later \
                     migrations run on the same connection wait for their locks without \
                     limit",
                    "remove it, use SET LOCAL, or set a timeout again at the end of the file",
                );
            }
        }
    }
}

