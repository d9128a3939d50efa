use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `CREATE INDEX` without `CONCURRENTLY` on a table that existed before the
    /// migration.
    ///
    /// ## Why is this bad?
    /// A plain `CREATE INDEX` takes a `SHARE` lock on the table for the whole build: every
    /// `INSERT`, `UPDATE` and `DELETE` waits until the index is built, which takes minutes
    /// on a large table. `CREATE INDEX CONCURRENTLY` builds the index while writes go on
    /// (it takes `SHARE UPDATE EXCLUSIVE`, which blocks only other schema changes).
    ///
    /// A table created in the same migration is empty and unused: indexing it plainly is
    /// fine, and the rule stays quiet.
    ///
    /// ## Lock taken
    /// `SHARE` on the table (blocks writes) for the whole build; with `CONCURRENTLY`,
    /// `SHARE UPDATE EXCLUSIVE` (blocks no reads or writes).
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_status_idx ON orders (status);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
    /// ```
    /// ratchet runs a migration holding `CONCURRENTLY` without a transaction, statement by
    /// statement. Keep such an index in a migration of its own: if the build fails it
    /// leaves an `INVALID` index to drop before retrying.
    pub struct RequireConcurrentIndexCreation {
        id: "require-concurrent-index-creation",
        severity: Error,
        engines: [Postgres],
        summary: "CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds",
    }
}

impl Rule for RequireConcurrentIndexCreation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            if let Op::CreateIndex(index) = &action.action.op
                && !index.concurrently
                && action.table_existed
            {
                report.at(
                    up,
                    statement,
                    action.action.offset,
                    format!(
                        "CREATE INDEX without CONCURRENTLY blocks writes to {} until the index \
                         is built",
                        index.table
                    ),
                    "use CREATE INDEX CONCURRENTLY, in a migration of its own",
                );
            }
        }
    }
}
