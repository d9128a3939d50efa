use super::type_advice::report_types;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `json` columns: in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`.
    ///
    /// ## Why is this bad?
    /// `json` has no equality operator, so any query that compares whole values fails on
    /// it: `SELECT DISTINCT`, `GROUP BY`, `UNION` (without `ALL`), `IN (...)`, a `UNIQUE`
    /// constraint or a b-tree index. Adding a `json` column to a table that such queries
    /// read (`SELECT DISTINCT orders.*`) breaks them at once (`could not identify an
    /// equality operator for type json`). `json` also stores the text as written and parses
    /// it again on every access, and cannot be GIN-indexed.
    ///
    /// `jsonb` supports all of that. It does not keep whitespace, key order or duplicate
    /// keys: use `json` only when those must be preserved byte for byte.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions (`jsonb` since 9.4).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE events ADD COLUMN payload json;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE events ADD COLUMN payload jsonb;
    /// ```
    pub struct PreferJsonb {
        id: "prefer-jsonb",
        severity: Warning,
        engines: [Postgres],
        summary: "json has no equality operator: DISTINCT, GROUP BY and UNIQUE fail on it",
    }
}

impl Rule for PreferJsonb {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        report_types(
            cx,
            report,
            |t| t.name == "json",
            |d| {
                format!(
                    "{} is {}: json has no equality operator, so SELECT DISTINCT, GROUP BY, \
                     UNION and UNIQUE over it fail, and every access parses the text again",
                    d.qualified(),
                    d.data_type.text
                )
            },
            |_| {
                "use jsonb (it drops whitespace, key order and duplicate keys; keep json only \
                 if those must be preserved)"
                    .into()
            },
        );
    }
}
