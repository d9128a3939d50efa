use super::type_advice::{column_name_given_back, is_contract, replay, steps};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... DROP COLUMN` of a column that existed before the migration.
    ///
    /// ## Why is this bad?
    /// The column's values are gone, and no down migration can bring them back. The
    /// application version that is running while the migration runs still uses the column:
    /// from the moment the drop commits, every query that names it fails (`column "note"
    /// does not exist`), and so does every `INSERT` and `SELECT` of an ORM that caches the
    /// table's columns (ActiveRecord, Django, Hibernate), even where the code never names
    /// the column.
    ///
    /// The rule stays quiet for:
    /// - a column added (or a table created) in the same migration;
    /// - a column replaced in the same migration (`DROP COLUMN price` followed by
    ///   `RENAME COLUMN price_new TO price`): the application keeps finding the name;
    /// - a migration marked `-- ratchet:phase contract`, the step of an expand/contract
    ///   change that removes the old shape once the application no longer uses it.
    ///
    /// ## Lock taken
    /// PostgreSQL: `ACCESS EXCLUSIVE` on the table, briefly (the column is only marked
    /// dropped). MySQL: instant from 8.0.29 (MariaDB 10.4), an in-place rebuild before.
    /// SQLite (3.35+): rewrites the table under the database write lock.
    ///
    /// ## Engines and versions
    /// PostgreSQL, MySQL/MariaDB and SQLite, all versions.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders DROP COLUMN note;
    /// ```
    ///
    /// ## Use instead
    /// First deploy application code that no longer reads or writes the column (with an
    /// ORM, tell it to ignore the column, e.g. ActiveRecord's `ignored_columns`). Then drop
    /// it in a migration of its own, marked as the contract step:
    /// ```sql
    /// -- ratchet:phase contract
    /// ALTER TABLE orders DROP COLUMN note;
    /// ```
    /// Or accept a reviewed drop with `-- ratchet:allow ban-drop-column -- <why it is safe>`.
    pub struct BanDropColumn {
        id: "ban-drop-column",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "DROP COLUMN destroys its values and breaks the application version still using it",
    }
}

impl Rule for BanDropColumn {
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
            let Op::DropColumn { table, column, .. } = &step.action.action.op else {
                return;
            };
            if origins.added_here(table, column)
                || column_name_given_back(&all, step.index, table, column)
            {
                return;
            }
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                format!(
                    "dropping {table}.{column} destroys its values, and the application \
                     version still running fails on every query that uses it"
                ),
                format!(
                    "first deploy code that no longer reads or writes {column} (ORMs: tell \
                     them to ignore it); then drop it in a later migration marked \
                     `-- ratchet:phase contract`"
                ),
            );
        });
    }
}
