use super::pg_locks::{pg_version_name, serial_or_identity};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{Generated, Op, Volatility};

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... ADD COLUMN` that makes PostgreSQL rewrite a table that
    /// existed before the migration:
    ///
    /// - a volatile `DEFAULT` (`random()`, `gen_random_uuid()`, `clock_timestamp()`,
    ///   `nextval(...)`, a function ratchet does not know);
    /// - any `DEFAULT` before PostgreSQL 11;
    /// - a `GENERATED ALWAYS AS (...) STORED` column.
    ///
    /// A constant or stable default (`0`, `'new'`, `now()`, `current_timestamp`) on
    /// PostgreSQL 11 or later is only a catalog change and is not reported. `serial` and
    /// identity columns are reported by `adding-serial-primary-key-field`. A table created in
    /// the same migration is not reported: it has no rows to rewrite.
    ///
    /// ## Why is this bad?
    /// A volatile default has a different value for every row, so PostgreSQL computes it
    /// for each existing row and writes a new copy of the whole table (and rebuilds all its
    /// indexes), holding an `ACCESS EXCLUSIVE` lock throughout: nobody can read or write
    /// the table for minutes or hours, and the disk needs room for a second copy. The same
    /// goes for a stored generated column, and, before PostgreSQL 11, for any default.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table (blocks reads and writes) for the whole rewrite.
    ///
    /// ## Engines and versions
    /// PostgreSQL. From 11 on, a non-volatile default is stored once in the catalog and no
    /// rewrite happens; before 11, every default rewrites. ratchet judges for the version in
    /// `[lint] postgres_version` (14 unless set). PostgreSQL 18's `VIRTUAL` generated
    /// columns are computed on read and need no rewrite.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
    /// ```
    ///
    /// ## Use instead
    /// Add the column without the default, give new rows the default, then fill existing
    /// rows in batches (a data migration with `-- ratchet:backfill`):
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN token uuid;
    /// ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
    /// ```
    pub struct AddingFieldWithDefault {
        id: "adding-field-with-default",
        severity: Error,
        engines: [Postgres],
        summary: "ADD COLUMN with a volatile default (or a stored generated column) rewrites the table",
    }
}

impl Rule for AddingFieldWithDefault {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        let before_11 = cx.version.postgres < 110_000;
        for (statement, action) in up.actions() {
            let Op::AddColumn { table, column, .. } = &action.action.op else {
                continue;
            };
            if !action.table_existed || !action.effects.rewrites || serial_or_identity(column) {
                continue;
            }
            let rewrite = format!(
                "PostgreSQL rewrites every row of {table} under an ACCESS EXCLUSIVE lock: reads \
                 and writes of {table} wait until the rewrite ends"
            );
            let backfill = "add the column without a default, SET DEFAULT for new rows in the \
                            same migration, then fill existing rows in batches (a data \
                            migration with `-- ratchet:backfill`)";
            let (message, help) = match (&column.generated, &column.default) {
                (Some(Generated::Stored(_)), _) => (
                    format!(
                        "ADD COLUMN {} ... STORED computes the generated column for every \
                         existing row: {rewrite}",
                        column.name
                    ),
                    "add a plain nullable column kept up to date by a trigger and fill existing \
                     rows in batches; on PostgreSQL 18+, a VIRTUAL generated column needs no \
                     rewrite"
                        .to_string(),
                ),
                (_, Some(default)) if default.volatility.may_vary_per_row() => {
                    let why = if default.volatility == Volatility::Unknown {
                        format!(
                            "ratchet does not know whether DEFAULT {} is volatile and assumes \
                             it is; then",
                            default.text
                        )
                    } else {
                        format!("DEFAULT {} is volatile, so", default.text)
                    };
                    let help = if default.volatility == Volatility::Unknown {
                        format!(
                            "{backfill}; if the function is STABLE or IMMUTABLE, accept this \
                             with `-- ratchet:allow adding-field-with-default -- <why>`"
                        )
                    } else {
                        backfill.to_string()
                    };
                    (
                        format!("ADD COLUMN {}: {why} {rewrite}", column.name),
                        help,
                    )
                }
                (_, Some(default)) if before_11 => (
                    format!(
                        "ADD COLUMN {} DEFAULT {}: before PostgreSQL 11 any default is written \
                         into every row: {rewrite} (ratchet judges for PostgreSQL {}; `[lint] \
                         postgres_version` sets it)",
                        column.name,
                        default.text,
                        pg_version_name(cx.version.postgres)
                    ),
                    backfill.to_string(),
                ),
                // A rewrite for a reason this rule does not own.
                _ => continue,
            };
            report.at(up, statement, action.action.offset, message, help);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::pg_locks::test_support::lint_pg;

    const RULE: &str = "adding-field-with-default";

    #[test]
    fn any_default_rewrites_before_postgres_11() {
        let add = "ALTER TABLE orders ADD COLUMN priority integer NOT NULL DEFAULT 0;";
        assert!(lint_pg(RULE, &[add], 110_000).is_empty());
        let findings = lint_pg(RULE, &[add], 100_000);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].message.contains("before PostgreSQL 11"));
        assert!(findings[0].message.contains("PostgreSQL 10"));
    }

    #[test]
    fn a_stable_default_is_fine_from_postgres_11() {
        let add = "ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();";
        assert!(lint_pg(RULE, &[add], 140_000).is_empty());
        let add = "ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT clock_timestamp();";
        assert_eq!(lint_pg(RULE, &[add], 140_000).len(), 1);
    }
}
