use super::pg_locks::serial_or_identity;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... ADD COLUMN ... NOT NULL` without a `DEFAULT` on a table
    /// that existed before the migration.
    ///
    /// Columns that fill themselves are not reported here: `serial` and identity columns
    /// (see `adding-serial-primary-key-field`) and generated columns. Neither is a table
    /// created in the same migration: it has no rows.
    ///
    /// ## Why is this bad?
    /// Every existing row would get `NULL` in the new column, which `NOT NULL` forbids: on
    /// a table with rows the statement fails (`column "priority" contains null values`).
    /// If the table happens to be empty where the migration was tried (a developer's
    /// database, CI), it passes there and fails on the first database that has data, in
    /// the middle of a deploy. And application code that does not know the column yet
    /// fails on every `INSERT`, because it does not set the new required column.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table, briefly (adding a column without a volatile default
    /// only changes the catalog from PostgreSQL 11 on).
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions. A constant `DEFAULT` is added without a table rewrite from
    /// PostgreSQL 11 on (before, see `adding-field-with-default`).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN priority integer NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// A constant default (PostgreSQL 11+: no rewrite):
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN priority integer NOT NULL DEFAULT 0;
    /// ```
    /// or the column nullable first, then a backfill, then `NOT NULL` the safe way (see
    /// `adding-not-nullable-field`).
    pub struct AddingRequiredField {
        id: "adding-required-field",
        severity: Error,
        engines: [Postgres],
        summary: "ADD COLUMN NOT NULL without DEFAULT fails on a table that has rows",
    }
}

impl Rule for AddingRequiredField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let Op::AddColumn { table, column, .. } = &action.action.op else {
                continue;
            };
            // `DEFAULT NULL` is no default at all.
            let defaulted = column
                .default
                .as_ref()
                .is_some_and(|d| !d.text.trim().eq_ignore_ascii_case("null"));
            if !action.table_existed
                || !column.not_null
                || defaulted
                || column.generated.is_some()
                || serial_or_identity(column)
            {
                continue;
            }
            report.at(
                up,
                statement,
                action.action.offset,
                format!(
                    "ADD COLUMN {} NOT NULL without a DEFAULT fails if {table} has any row (and \
                     if it is empty here, on the first database where it has rows); inserts \
                     by code that does not set {} fail too",
                    column.name, column.name
                ),
                "give it a constant DEFAULT, or add it nullable, backfill it, then set NOT NULL \
                 the safe way (see adding-not-nullable-field)",
            );
        }
    }
}
