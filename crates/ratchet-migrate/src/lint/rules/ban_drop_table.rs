use super::type_advice::{is_contract, replay, steps, table_name_given_back};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `DROP TABLE` of a table that existed before the migration.
    ///
    /// ## Why is this bad?
    /// The table and every row in it are gone, and no down migration can bring the rows
    /// back. Worse, the application version that is running while the migration runs still
    /// reads and writes the table: from the moment the drop commits, each of its queries on
    /// it fails (`relation "orders" does not exist`), until the new version is deployed
    /// everywhere — and if that deploy is rolled back, the old code has nothing to go back
    /// to.
    ///
    /// The rule stays quiet for:
    /// - a table created in the same migration (nobody uses it yet);
    /// - a table replaced in the same migration, as in SQLite's table rebuild
    ///   (`DROP TABLE orders; ALTER TABLE orders_new RENAME TO orders`): the application
    ///   keeps finding a table of that name;
    /// - a migration marked `-- ratchet:phase contract`: the contract step of an
    ///   expand/contract change is where the old shape is removed, once the application no
    ///   longer uses it.
    ///
    /// ## Lock taken
    /// PostgreSQL: `ACCESS EXCLUSIVE` on the table (and `CASCADE` drops dependent views and
    /// foreign keys of other tables). MySQL: a metadata lock. SQLite: the database write
    /// lock.
    ///
    /// ## Engines and versions
    /// PostgreSQL, MySQL/MariaDB and SQLite, all versions.
    ///
    /// ## Example
    /// ```sql
    /// DROP TABLE order_notes;
    /// ```
    ///
    /// ## Use instead
    /// First deploy application code that no longer reads or writes the table. Then drop it
    /// in a migration of its own, marked as the contract step (keep a copy if the rows
    /// might be wanted again):
    /// ```sql
    /// -- ratchet:phase contract
    /// DROP TABLE order_notes;
    /// ```
    /// Or accept a reviewed drop with `-- ratchet:allow ban-drop-table -- <why it is safe>`.
    pub struct BanDropTable {
        id: "ban-drop-table",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "DROP TABLE destroys the table's rows and breaks the application version still using it",
    }
}

impl Rule for BanDropTable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        if is_contract(cx) {
            return;
        }
        let all = steps(cx);
        let up = &cx.migration.up;
        replay(cx, |step, origins| {
            let Op::DropTable { table, .. } = &step.action.action.op else {
                return;
            };
            if origins.created_here(table) || table_name_given_back(&all, step.index, table) {
                return;
            }
            // `DROP TABLE IF EXISTS t; CREATE TABLE t (...)` does not remove the name, but
            // the rows are gone just the same.
            let recreated = all[step.index + 1..].iter().any(|s| {
                matches!(&s.action.action.op, Op::CreateTable { table: t, .. } if t.key() == table.key())
            });
            let message = if recreated {
                format!(
                    "DROP TABLE destroys {table} and all its rows: the CREATE TABLE {table} \
                     that follows recreates it empty"
                )
            } else {
                format!(
                    "DROP TABLE destroys {table} and all its rows, and the application \
                     version still running fails on every query that uses {table}"
                )
            };
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                message,
                format!(
                    "first deploy code that no longer uses {table}; then drop it in a later \
                     migration marked `-- ratchet:phase contract`"
                ),
            );
        });
    }
}
