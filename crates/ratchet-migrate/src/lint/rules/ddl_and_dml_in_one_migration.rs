use std::collections::BTreeSet;

use crate::lint::{Context, Report, Rule, RuleMeta, Severity, declare_rule};
use crate::sql::Dialect;
use crate::sql::analysis::ActionFacts;
use crate::sql::facts::Op;

use super::migration_shape::{is_data_change, is_schema_change, runs_in_transaction};

declare_rule! {
    /// ## What it does
    /// Reports a migration whose up file both changes the schema (DDL) and changes rows of
    /// a table that existed before it (`INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`).
    ///
    /// Filling a table created in the same migration (seeding a new lookup table) is not
    /// reported: nobody uses that table yet, and its rows belong with its creation.
    ///
    /// ## Why is this bad?
    /// A schema change and a data change want to run differently:
    ///
    /// - **PostgreSQL**: both run in one transaction, and every lock is held until it
    ///   commits. An `ALTER TABLE` takes an `ACCESS EXCLUSIVE` lock on the table; followed
    ///   by an `UPDATE` of a million rows, it keeps the table closed to reads and writes for
    ///   the whole update.
    /// - **MySQL/MariaDB**: every DDL statement commits implicitly, so the two cannot be
    ///   rolled back together. If the data change fails, the schema change stays, the data
    ///   is half changed, and there is no transaction to undo it. This is an error there.
    /// - **SQLite**: the whole migration holds the database's write lock; every writer of
    ///   the application waits for the data change to end.
    ///
    /// Everywhere, a data change in a migration of its own can be run in batches
    /// (`-- ratchet:backfill`), checked by a verify file before it counts as applied, and
    /// retried alone.
    ///
    /// ## Engines and versions
    /// All engines; a warning on PostgreSQL and SQLite, an error on MySQL/MariaDB.
    /// GRANT, COMMENT, ANALYZE and the like do not count as schema changes here, and
    /// neither does a temporary table the data change works with.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    /// UPDATE orders SET priority = 1 WHERE status = 'urgent';
    /// ```
    ///
    /// ## Use instead
    /// Two migrations: the schema change, then the data change with its verify file.
    /// ```sql no-check
    /// -- 0007_add_priority.up.sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    ///
    /// -- 0008_backfill_priority.up.sql
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET priority = 1 WHERE status = 'urgent' AND priority IS NULL;
    ///
    /// -- 0008_backfill_priority.verify.sql
    /// SELECT count(*) FROM orders WHERE status = 'urgent' AND priority IS NULL;
    /// ```
    /// A new lookup table and its rows stay together:
    /// ```sql no-check
    /// CREATE TABLE order_statuses (code text PRIMARY KEY, label text NOT NULL);
    /// INSERT INTO order_statuses VALUES ('new', 'New'), ('paid', 'Paid');
    /// ```
    pub struct DdlAndDmlInOneMigration {
        id: "ddl-and-dml-in-one-migration",
        severity: Warning,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a migration mixes schema changes and data changes",
    }
}

impl Rule for DdlAndDmlInOneMigration {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        // A temporary table is a tool of the data change, not a schema change.
        let temporary: BTreeSet<String> = up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::CreateTable {
                    table,
                    temporary: true,
                    ..
                } => Some(table.key()),
                _ => None,
            })
            .collect();
        let is_schema_change = |a: &ActionFacts| {
            is_schema_change(&a.action.op)
                && !a
                    .action
                    .op
                    .table()
                    .is_some_and(|t| temporary.contains(&t.key()))
        };
        let Some((schema, _)) = up.actions().find(|(_, a)| is_schema_change(a)) else {
            return;
        };
        // The schema change that locks a table in use, if one does: its lock is what the
        // data change prolongs.
        let locking = up.actions().find(|(_, a)| {
            is_schema_change(a)
                && a.table_existed
                && a.effects.lock.blocks_writes()
                && a.action.op.table().is_some()
        });
        // A table created in this migration has no readers or writers yet: rows put into
        // it belong with its creation.
        let Some((statement, action)) = up
            .actions()
            .find(|(_, a)| is_data_change(&a.action.op) && a.table_existed)
        else {
            return;
        };
        let table = action
            .action
            .op
            .table()
            .map(ToString::to_string)
            .unwrap_or_default();
        let line = schema.statement.line;
        let (severity, message) = match cx.dialect {
            Dialect::Mysql => (
                Severity::Error,
                format!(
                    "this migration changes the schema (line {line}) and the rows of {table}: \
                     MySQL commits each DDL statement implicitly, so if the data change fails \
                     the schema change stays, with the data half changed, and neither can be \
                     rolled back"
                ),
            ),
            _ if !runs_in_transaction(up, cx.dialect, cx.version) => (
                Severity::Warning,
                format!(
                    "this migration changes the schema (line {line}) and the rows of {table}, \
                     and runs without a transaction: if the data change fails, the schema \
                     change stays, with the data half changed"
                ),
            ),
            Dialect::Sqlite => (
                Severity::Warning,
                format!(
                    "this migration changes the schema (line {line}) and the rows of {table} \
                     in one transaction: the database's write lock is held until the data \
                     change ends, and every writer waits"
                ),
            ),
            Dialect::Postgres => (
                Severity::Warning,
                match locking {
                    Some((statement, lock)) => {
                        let locked = lock
                            .action
                            .op
                            .table()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let blocks = if lock.effects.lock.blocks_reads() {
                            "every read and write"
                        } else {
                            "every write"
                        };
                        let both = if locked == table {
                            format!(
                                "alters {locked} (line {}) and changes its rows",
                                statement.statement.line
                            )
                        } else {
                            format!(
                                "alters {locked} (line {}) and changes the rows of {table}",
                                statement.statement.line
                            )
                        };
                        format!(
                            "this migration {both} in one transaction: every lock either takes is \
                             held until both end, so the {} lock on {locked}, which blocks \
                             {blocks}, lasts as long as the data change",
                            lock.effects.lock.describe()
                        )
                    }
                    None => format!(
                        "this migration changes the schema (line {line}) and the rows of {table}: \
                         the data change runs in the schema change's transaction, and cannot be \
                         batched, verified or retried on its own"
                    ),
                },
            ),
        };
        report.at_severity(
            severity,
            up,
            statement,
            action.action.offset,
            message,
            "move the data change into a migration of its own, with a verify file (and \
             `-- ratchet:backfill` for a large table)",
        );
    }
}
