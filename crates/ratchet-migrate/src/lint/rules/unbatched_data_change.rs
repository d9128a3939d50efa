use crate::sql::analysis::Schema;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

use super::migration_shape::{backfill_covers, key_columns, pins_a_key, primary_key};

declare_rule! {
    /// ## What it does
    /// Reports an `UPDATE` or `DELETE` (with a `WHERE`) of a table the migration did not
    /// create, in a file without a `-- ratchet:backfill` directive for that table.
    ///
    /// Not reported: a `WHERE` that pins a key to literal values (`id = 42`,
    /// `id IN (1, 2, 3)`), which touches a handful of rows; the key is the table's primary
    /// key or a unique column as the migrations declared them, or `id` for a table ratchet
    /// does not know. A statement without `WHERE` is `update-or-delete-without-where`'s.
    ///
    /// ## Why is this bad?
    /// One statement changes every matching row in one transaction. On a large table that
    /// means:
    ///
    /// - every matching row stays locked until it commits: the application's writes to
    ///   them wait, for minutes;
    /// - PostgreSQL keeps every old row version until it ends (bloat, vacuum falls
    ///   behind); MySQL's undo log grows with it;
    /// - replicas receive it as one huge transaction and fall behind while they apply it;
    /// - if it fails near the end, all of it rolls back, and the retry starts over.
    ///
    /// With `-- ratchet:backfill table=<t> key=<col>`, ratchet runs the statement in keyset
    /// batches over the real key values, each committed on its own, sized to a target time,
    /// pausing when replicas lag, and resumable after a crash.
    ///
    /// ## Lock taken
    /// Row locks on every matching row until the statement's transaction commits (SQLite:
    /// the database write lock).
    ///
    /// ## Engines and versions
    /// All engines and versions.
    ///
    /// ## Example
    /// ```sql
    /// UPDATE orders SET priority = 1 WHERE status = 'urgent';
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET priority = 1 WHERE status = 'urgent' AND priority IS NULL;
    /// ```
    /// The `priority IS NULL` makes each batch skip rows already done, so a resumed or
    /// repeated run does no harm.
    pub struct UnbatchedDataChange {
        id: "unbatched-data-change",
        severity: Warning,
        engines: [Postgres, Mysql, Sqlite],
        summary: "UPDATE or DELETE of a table in use in one statement, not in batches",
    }
}

impl Rule for UnbatchedDataChange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let (verb, table, filter) = match &action.action.op {
                Op::Update {
                    table,
                    filter: Some(filter),
                    ..
                } => ("UPDATE", table, filter),
                Op::Delete {
                    table,
                    filter: Some(filter),
                } => ("DELETE", table, filter),
                _ => continue,
            };
            if !action.table_existed || backfill_covers(up, table) {
                continue;
            }
            let info = cx.catalog.table(table);
            let mut keys = key_columns(info);
            if info.is_none() {
                // A table from before ratchet's history: `id` is the convention.
                keys.insert("id".into());
            }
            if pins_a_key(filter, &keys) {
                continue;
            }
            let key = primary_key(cx.catalog, table).unwrap_or_else(|| "<primary key>".into());
            report.at(
                up,
                statement,
                action.action.offset,
                format!(
                    "this {verb} changes every matching row of {table} in one statement: the \
                     rows stay locked until it commits, and it reaches the replicas as one \
                     huge transaction"
                ),
                format!(
                    "run it in batches: put `-- ratchet:backfill table={table} key={key}` at \
                     the top of the file (one data change per migration)"
                ),
            );
        }
    }
}
