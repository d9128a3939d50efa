use super::pg_locks::{has_validated_not_null_check, pg_version_name};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{CatalogView, Schema};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` on a table that existed
    /// before the migration, unless PostgreSQL can skip the scan: on PostgreSQL 12 and
    /// later, when a validated `CHECK (column IS NOT NULL)` is on the table (from an earlier
    /// migration, or added and validated earlier in this one).
    ///
    /// A table created in the same migration, and a column that is already `NOT NULL`, are
    /// not reported. Adding a new `NOT NULL` column is `adding-required-field`'s business.
    ///
    /// ## Why is this bad?
    /// To set `NOT NULL`, PostgreSQL reads every row to prove none is `NULL`, holding an
    /// `ACCESS EXCLUSIVE` lock the whole time: nobody can read or write the table until
    /// the scan ends, which takes minutes on a large table. (And if a row is `NULL`, the
    /// statement fails after all that.)
    ///
    /// From PostgreSQL 12 on, a validated `CHECK (column IS NOT NULL)` constraint proves
    /// the same thing, and `SET NOT NULL` then skips the scan. The check can be added
    /// `NOT VALID` (instant) and validated later under a lock that blocks nobody.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table (blocks reads and writes) for the whole scan; only
    /// for an instant when a validated check spares the scan. `VALIDATE CONSTRAINT` takes
    /// `SHARE UPDATE EXCLUSIVE` (blocks only other schema changes).
    ///
    /// ## Engines and versions
    /// PostgreSQL. The scan is skipped thanks to a validated check from PostgreSQL 12 on;
    /// before 12, `SET NOT NULL` always scans (keep the validated check instead: it enforces
    /// the same). ratchet judges for the version in `[lint] postgres_version` (14 unless set).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Three migrations (backfill any `NULL` first):
    /// ```sql no-check
    /// -- 0011_orders_customer_id_check.up.sql: instant
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null
    ///     CHECK (customer_id IS NOT NULL) NOT VALID;
    ///
    /// -- 0012_validate_orders_customer_id_check.up.sql: scans without blocking reads or writes
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;
    ///
    /// -- 0013_orders_customer_id_not_null.up.sql: instant on PostgreSQL 12+
    /// ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
    /// ALTER TABLE orders DROP CONSTRAINT orders_customer_id_not_null;
    /// ```
    pub struct AddingNotNullableField {
        id: "adding-not-nullable-field",
        severity: Error,
        engines: [Postgres],
        summary: "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
    }
}

impl Rule for AddingNotNullableField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        // The schema as each statement finds it: the catalog before the migration, with the
        // migration's own earlier actions (a check added and validated above) applied.
        let mut catalog = CatalogView::new(cx.catalog);
        let pg12 = cx.version.postgres >= 120_000;
        for (statement, action) in up.actions() {
            if let Op::SetNotNull { table, column } = &action.action.op
                && action.table_existed
                && !action.previous.as_ref().is_some_and(|c| c.not_null)
            {
                let checked = catalog
                    .table(table)
                    .is_some_and(|t| has_validated_not_null_check(&t.constraints, column));
                if !checked {
                    report.at(
                        up,
                        statement,
                        action.action.offset,
                        format!(
                            "SET NOT NULL on {table}.{column} scans every row of {table} under \
                             an ACCESS EXCLUSIVE lock: reads and writes of {table} wait until \
                             the scan ends"
                        ),
                        format!(
                            "add CHECK ({column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in \
                             a later migration, then SET NOT NULL (PostgreSQL 12+ uses the \
                             check to skip the scan) and drop the check"
                        ),
                    );
                } else if !pg12 {
                    report.at(
                        up,
                        statement,
                        action.action.offset,
                        format!(
                            "SET NOT NULL on {table}.{column} scans every row of {table} under \
                             an ACCESS EXCLUSIVE lock: before PostgreSQL 12 the validated \
                             CHECK ({column} IS NOT NULL) does not spare the scan (ratchet \
                             judges for PostgreSQL {}; `[lint] postgres_version` sets it)",
                            pg_version_name(cx.version.postgres)
                        ),
                        "keep the validated CHECK constraint instead of SET NOT NULL until the \
                         server runs PostgreSQL 12 or later: it enforces the same",
                    );
                }
            }
            catalog.apply(
                &action.action,
                Some(cx.migration.version),
                up.directives.phase,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::pg_locks::test_support::lint_pg;

    const RULE: &str = "adding-not-nullable-field";
    const CREATE: &str = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);";

    #[test]
    fn a_validated_check_spares_the_scan_only_from_postgres_12() {
        let check = "\
ALTER TABLE orders ADD CONSTRAINT c CHECK (\"customer_id\" IS NOT NULL);
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
";
        assert!(lint_pg(RULE, &[CREATE, check], 120_000).is_empty());
        let findings = lint_pg(RULE, &[CREATE, check], 110_000);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].message.contains("before PostgreSQL 12"));
    }

    #[test]
    fn a_check_not_yet_validated_does_not_count() {
        let check = "\
ALTER TABLE orders ADD CONSTRAINT c CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
";
        assert_eq!(lint_pg(RULE, &[CREATE, check], 140_000).len(), 1);
        let validated = "\
ALTER TABLE orders VALIDATE CONSTRAINT c;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
";
        let added = "ALTER TABLE orders ADD CONSTRAINT c CHECK (customer_id IS NOT NULL) NOT VALID;";
        assert!(lint_pg(RULE, &[CREATE, added, validated], 140_000).is_empty());
    }

    #[test]
    fn a_column_already_not_null_is_not_reported() {
        let create = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);";
        let set = "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;";
        assert!(lint_pg(RULE, &[create, set], 140_000).is_empty());
    }
}
