use super::pg_locks::{created_by_migration, index_table};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `DROP INDEX` without `CONCURRENTLY`.
    ///
    /// An index on a table created in the same migration is not reported: nobody uses the
    /// table yet.
    ///
    /// ## Why is this bad?
    /// A plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index's table. The drop
    /// itself is quick, but the lock must first wait for every running query on the table
    /// to finish, and while it waits, every new read and write of the table queues behind
    /// it: one slow report query turns a quick drop into an outage of the table.
    /// `DROP INDEX CONCURRENTLY` waits for those queries without blocking anyone.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table and the index (blocks reads and writes) until the
    /// migration's transaction commits; with `CONCURRENTLY`, `SHARE UPDATE EXCLUSIVE`
    /// (blocks only other schema changes and `VACUUM`).
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions (`DROP INDEX CONCURRENTLY` exists since 9.2). It drops one
    /// index per statement, without `CASCADE`, and cannot run in a transaction: ratchet runs
    /// such a migration statement by statement (see `ban-concurrent-index-creation-in-transaction`).
    ///
    /// ## Example
    /// ```sql
    /// DROP INDEX orders_status_idx;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// DROP INDEX CONCURRENTLY orders_status_idx;
    /// ```
    /// Keep it in a migration of its own. If it fails midway it leaves the index `INVALID`
    /// (unused by queries): run the drop again.
    pub struct RequireConcurrentIndexDeletion {
        id: "require-concurrent-index-deletion",
        severity: Error,
        engines: [Postgres],
        summary: "DROP INDEX without CONCURRENTLY blocks reads and writes of the table",
    }
}

impl Rule for RequireConcurrentIndexDeletion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let Op::DropIndex {
                name,
                table,
                concurrently: false,
                ..
            } = &action.action.op
            else {
                continue;
            };
            let table = table.clone().or_else(|| index_table(cx, name));
            if table.as_ref().is_some_and(|t| created_by_migration(cx, t)) {
                continue;
            }
            let (on, of) = match &table {
                Some(t) => (t.to_string(), t.to_string()),
                None => ("the index's table".to_string(), "that table".to_string()),
            };
            report.at(
                up,
                statement,
                action.action.offset,
                format!(
                    "DROP INDEX {name} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on \
                     {on}: it waits for running queries, and every read and write of {of} \
                     waits behind it"
                ),
                "use DROP INDEX CONCURRENTLY, in a migration of its own",
            );
        }
    }
}
