use super::type_advice::{
    replay, steps, table_name_given_back, table_name_vacated,
};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::Dialect;
use crate::sql::facts::{ObjectKind, Op};

declare_rule! {
    /// ## What it does
    /// Reports the renaming of a table that existed before the migration: `ALTER TABLE ...
    /// RENAME TO`, and MySQL's `RENAME TABLE`.
    ///
    /// ## Why is this bad?
    /// The application version that is running while the migration runs still names the
    /// old table. From the moment the rename commits, every one of its queries on the table
    /// fails (`relation "orders" does not exist`) until the new version is deployed
    /// everywhere; nor can the new version go first, since the new name does not exist yet.
    ///
    /// The rule stays quiet when the old name keeps working:
    /// - a view of the old name is created in the same migration (PostgreSQL and MySQL:
    ///   a view over a single table accepts inserts, updates and deletes too; SQLite's
    ///   views are read-only, so there the rule still reports);
    /// - another table is renamed to the old name in the same migration (a swap, or
    ///   SQLite's table rebuild: `DROP TABLE orders; ALTER TABLE orders_new RENAME TO
    ///   orders`);
    /// - the table was created in the same migration.
    ///
    /// ## Lock taken
    /// PostgreSQL: `ACCESS EXCLUSIVE`, briefly (a catalog change). MySQL: a metadata lock.
    /// SQLite: the database write lock.
    ///
    /// ## Engines and versions
    /// PostgreSQL, MySQL/MariaDB and SQLite, all versions.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders RENAME TO purchases;
    /// ```
    ///
    /// ## Use instead
    /// Rename, and leave a view with the old name in the same migration, so that both
    /// versions of the application work; drop the view once no code uses the old name:
    /// ```sql
    /// ALTER TABLE orders RENAME TO purchases;
    /// CREATE VIEW orders AS SELECT * FROM purchases;
    /// ```
    /// (A view lists the columns the table had when it was created: recreate it if columns
    /// are added before it is dropped.) Or expand/contract: a new table, writes to both,
    /// backfill, reads switched, the old table dropped in a contract migration.
    pub struct RenamingTable {
        id: "renaming-table",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "renaming a table breaks the application version still using the old name",
    }
}

impl Rule for RenamingTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let all = steps(cx);
        let up = &cx.migration.up;
        replay(cx, |step, origins| {
            let Op::RenameTable { table, to } = &step.action.action.op else {
                return;
            };
            let view_keeps_name = cx.dialect != Dialect::Sqlite
                && all[step.index + 1..].iter().any(|s| {
                    matches!(&s.action.action.op, Op::CreateObject { kind: ObjectKind::View, name, .. }
                        if name.key() == table.key())
                });
            if origins.created_here(table)
                || view_keeps_name
                || table_name_given_back(&all, step.index, table)
                || table_name_vacated(&all, step.index, to)
            {
                return;
            }
            let help = if cx.dialect == Dialect::Sqlite {
                format!(
                    "expand/contract instead: create {to}, write to both tables, backfill, \
                     switch the code to {to}, then drop {table} in a contract migration"
                )
            } else {
                format!(
                    "create a view named {table} in the same migration (CREATE VIEW {table} \
                     AS SELECT * FROM {to}) and drop it once no code uses {table}; or \
                     expand/contract"
                )
            };
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                format!(
                    "renaming {table} to {to}: the application version still running fails \
                     on every query that names {table}"
                ),
                help,
            );
        });
    }
}
