use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `TRUNCATE ... CASCADE`.
    ///
    /// ## Why is this bad?
    /// `CASCADE` also empties every table that has a foreign key to a truncated table, and
    /// every table referencing those, recursively, with nothing but a `NOTICE` to say so.
    /// With `customers <- orders <- order_items`, `TRUNCATE customers CASCADE` empties all
    /// three. The list grows silently as other migrations add foreign keys: a statement
    /// that emptied one lookup table last year empties the orders today. (A `TRUNCATE ...
    /// CASCADE` in a migration caused Linear's production incident of January 2024.)
    ///
    /// Plain `TRUNCATE` fails instead when another table references the truncated one,
    /// which is what you want. That `TRUNCATE` of a table in use destroys its rows is a
    /// matter for the data-loss rules (`down-migration-destroys-data` for down migrations)
    /// and for review; this rule is about the tables you did not name.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on every table truncated, named or reached by the cascade.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions. (MySQL refuses to truncate a referenced InnoDB table, and
    /// SQLite has no `TRUNCATE`.)
    ///
    /// ## Example
    /// ```sql
    /// TRUNCATE import_batches CASCADE;
    /// ```
    ///
    /// ## Use instead
    /// Name every table to empty:
    /// ```sql
    /// TRUNCATE import_batches, import_rows;
    /// ```
    pub struct BanTruncateCascade {
        id: "ban-truncate-cascade",
        severity: Error,
        engines: [Postgres],
        summary: "TRUNCATE ... CASCADE silently empties every table that references the truncated ones",
    }
}

impl Rule for BanTruncateCascade {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for statement in &up.statements {
            // One action per table; CASCADE belongs to the statement: report it once.
            let truncated: Vec<_> = statement
                .actions
                .iter()
                .filter_map(|a| match &a.action.op {
                    Op::Truncate {
                        table,
                        cascade: true,
                    } => Some((a, table)),
                    _ => None,
                })
                .collect();
            let Some((first, _)) = truncated.first() else {
                continue;
            };
            let names = truncated
                .iter()
                .map(|(_, t)| t.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            report.at(
                up,
                statement,
                first.action.offset,
                format!(
                    "TRUNCATE ... CASCADE also empties every table that references {names}, \
                     recursively, destroying rows of tables this statement does not name"
                ),
                format!(
                    "drop CASCADE and name every table to empty (TRUNCATE {names}, ...); \
                     without it, PostgreSQL refuses if another table still references them"
                ),
            );
        }
    }
}
