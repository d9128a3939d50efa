use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

use super::migration_shape::{backfill_covers, primary_key};

declare_rule! {
    /// ## What it does
    /// Reports an `UPDATE` or `DELETE` without a `WHERE` on a table that existed before the
    /// migration.
    ///
    /// Not reported: a table created in the same migration (it holds only what the
    /// migration put there), and a statement whose table is named by the file's
    /// `-- ratchet:backfill` directive (changing every row, in batches, is then what the
    /// author declared).
    ///
    /// ## Why is this bad?
    /// A missing `WHERE` is the classic slip: the statement meant for some rows changes or
    /// deletes all of them. When it is intended, it is still one statement over the whole
    /// table: an `UPDATE` writes a new version of every row, locks every row until it
    /// commits (the application's writes to them wait), bloats the table by its own size
    /// and sends the whole change to the replicas as one transaction. A `DELETE` without
    /// `WHERE` destroys every row.
    ///
    /// ## Lock taken
    /// Row locks on every row of the table until the migration commits (PostgreSQL,
    /// MySQL); SQLite's database write lock.
    ///
    /// ## Engines and versions
    /// All engines and versions.
    ///
    /// ## Example
    /// ```sql
    /// UPDATE orders SET priority = 0;
    /// ```
    ///
    /// ## Use instead
    /// Say which rows, so that a re-run skips the done ones, and let ratchet batch it:
    /// ```sql
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET priority = 0 WHERE priority IS NULL;
    /// ```
    /// To empty a table on purpose, `TRUNCATE` says so (or accept the finding with
    /// `-- ratchet:allow update-or-delete-without-where -- <why>`).
    pub struct UpdateOrDeleteWithoutWhere {
        id: "update-or-delete-without-where",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "UPDATE or DELETE without WHERE changes every row of a table in use",
    }
}

impl Rule for UpdateOrDeleteWithoutWhere {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let (table, message) = match &action.action.op {
                Op::Update {
                    table,
                    filter: None,
                    ..
                } => (
                    table,
                    format!(
                        "UPDATE without WHERE changes every row of {table} in one statement: \
                         every row stays locked until it commits, and the change reaches the \
                         replicas as one huge transaction"
                    ),
                ),
                Op::Delete {
                    table,
                    filter: None,
                } => (
                    table,
                    format!("DELETE without WHERE destroys every row of {table}"),
                ),
                _ => continue,
            };
            if !action.table_existed || backfill_covers(up, table) {
                continue;
            }
            let key = primary_key(cx.catalog, table).unwrap_or_else(|| "<primary key>".into());
            let help = if matches!(action.action.op, Op::Delete { .. }) {
                format!(
                    "add the WHERE that selects the rows meant; to empty the table on purpose, \
                     TRUNCATE says so, or delete in batches with `-- ratchet:backfill \
                     table={table} key={key}`"
                )
            } else {
                format!(
                    "add the WHERE that selects the rows meant; to change every row, run it in \
                     batches with `-- ratchet:backfill table={table} key={key}`, in a migration \
                     of its own"
                )
            };
            report.at(up, statement, action.action.offset, message, help);
        }
    }
}
