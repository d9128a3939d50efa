use std::collections::BTreeSet;

use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::Dialect;
use crate::sql::analysis::{Schema, ActionFacts, AnalyzedStatement};
use crate::sql::facts::{ConstraintKind, Expr, Name, Op};

use super::migration_shape::mentions;

declare_rule! {
    /// ## What it does
    /// Reports a `NOT NULL` (PostgreSQL `ALTER COLUMN ... SET NOT NULL`, MySQL
    /// `MODIFY`/`CHANGE ... NOT NULL`) or a `CHECK` constraint (added, or validated) on a
    /// column, in the same migration as, and after, an `UPDATE` that fills that column.
    ///
    /// Not reported: a table created in the same migration, and a `CHECK ... NOT VALID`,
    /// which checks no existing row.
    ///
    /// ## Why is this bad?
    /// The constraint is checked against every row, at the end of the backfill:
    ///
    /// - **PostgreSQL**: `SET NOT NULL` and `ADD CHECK` scan the whole table under an
    ///   `ACCESS EXCLUSIVE` lock (no reads, no writes), inside the backfill's transaction,
    ///   which already holds a lock on every row it updated. If the backfill missed a single
    ///   row, the check fails and the whole backfill rolls back with it.
    /// - **MySQL/MariaDB**: the `UPDATE` commits before the `MODIFY` (DDL commits
    ///   implicitly), which then rebuilds the table. If the backfill missed rows, the
    ///   `MODIFY` fails in strict mode, or silently turns their NULLs into `0` or `''`
    ///   without it, with the half-filled data already committed.
    ///
    /// The safe sequence takes three migrations: add the column; backfill it in a
    /// migration of its own, with a verify file that proves no row is left; then add the
    /// constraint. On PostgreSQL, add it as `CHECK (col IS NOT NULL) NOT VALID` (no scan),
    /// `VALIDATE CONSTRAINT` it (a scan that blocks no reads or writes), then
    /// `SET NOT NULL`, which from PostgreSQL 12 uses the validated check instead of
    /// scanning.
    ///
    /// ## Lock taken
    /// PostgreSQL: `ACCESS EXCLUSIVE` on the table for the scan. MySQL: a table rebuild
    /// (`MODIFY` to `NOT NULL` is not instant).
    ///
    /// ## Engines and versions
    /// All engines; SQLite cannot add either constraint to an existing table (it rebuilds
    /// the table instead), so it is not reported there in practice.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    /// UPDATE orders SET priority = 0 WHERE priority IS NULL;
    /// ALTER TABLE orders ALTER COLUMN priority SET NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// ```sql no-check
    /// -- 0007_add_priority.up.sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    ///
    /// -- 0008_backfill_priority.up.sql
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET priority = 0 WHERE priority IS NULL;
    /// -- 0008_backfill_priority.verify.sql
    /// SELECT count(*) FROM orders WHERE priority IS NULL;
    ///
    /// -- 0009_priority_not_null.up.sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_priority_not_null
    ///     CHECK (priority IS NOT NULL) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_priority_not_null;
    /// ALTER TABLE orders ALTER COLUMN priority SET NOT NULL;
    /// ```
    pub struct NotNullWithBackfill {
        id: "not-null-with-backfill",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "NOT NULL or CHECK added in the same migration as the backfill it depends on",
    }
}

impl Rule for NotNullWithBackfill {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        let actions: Vec<(&AnalyzedStatement, &ActionFacts)> = up.actions().collect();
        let mut reported = BTreeSet::new();
        for (i, (update_statement, update)) in actions.iter().enumerate() {
            let Op::Update {
                table, assignments, ..
            } = &update.action.op
            else {
                continue;
            };
            // A new table's UPDATE fills nothing anyone reads yet.
            if !update.table_existed {
                continue;
            }
            let filled: Vec<&str> = assignments.iter().map(|(c, _)| c.as_str()).collect();
            for (j, (statement, action)) in actions.iter().enumerate().skip(i + 1) {
                if reported.contains(&j) {
                    continue;
                }
                let Some(found) = constraint_on(cx, &actions, action, table, &filled) else {
                    continue;
                };
                reported.insert(j);
                let line = update_statement.statement.line;
                let (message, help) = explain(cx.dialect, &found, line);
                report.at(up, statement, action.action.offset, message, help);
            }
        }
    }
}

/// A constraint that checks a filled column.
enum Found {
    /// `SET NOT NULL` or a redefinition as `NOT NULL` of the column.
    NotNull { table: Name, column: String },
    /// A CHECK (added, or validated) that names the column.
    Check {
        table: Name,
        column: String,
        validate: bool,
    },
}

/// Whether `action` constrains one of the `filled` columns of `table`.
fn constraint_on(
    cx: &Context<'_>,
    actions: &[(&AnalyzedStatement, &ActionFacts)],
    action: &ActionFacts,
    table: &Name,
    filled: &[&str],
) -> Option<Found> {
    // A redefinition of a column that was NOT NULL already adds nothing to check.
    let was_not_null = action.previous.as_ref().is_some_and(|p| p.not_null);
    let filled_one = |column: &str| filled.iter().any(|c| c.eq_ignore_ascii_case(column));
    let checked_by = |expr: &Expr| filled.iter().find(|c| mentions(&expr.text, c));
    match &action.action.op {
        Op::SetNotNull { table: t, column } if t.key() == table.key() && filled_one(column) => {
            Some(Found::NotNull {
                table: t.clone(),
                column: column.clone(),
            })
        }
        Op::RedefineColumn {
            table: t,
            column,
            new,
        } if t.key() == table.key() && new.not_null && !was_not_null && filled_one(column) => {
            Some(Found::NotNull {
                table: t.clone(),
                column: column.clone(),
            })
        }
        Op::AddConstraint {
            table: t,
            constraint,
        } if t.key() == table.key() && !constraint.not_valid => match &constraint.kind {
            ConstraintKind::Check(expr) => checked_by(expr).map(|c| Found::Check {
                table: t.clone(),
                column: (*c).to_string(),
                validate: false,
            }),
            _ => None,
        },
        Op::ValidateConstraint { table: t, name } if t.key() == table.key() => {
            // The check is the one added earlier in this migration, or one the catalog
            // knows.
            let added_here = actions.iter().find_map(|(_, a)| match &a.action.op {
                Op::AddConstraint {
                    table: at,
                    constraint,
                } if at.key() == table.key()
                    && constraint
                        .name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name)) =>
                {
                    Some(constraint.kind.clone())
                }
                _ => None,
            });
            let known = || {
                cx.catalog.table(table).and_then(|info| {
                    info.constraints
                        .iter()
                        .find(|c| {
                            c.name
                                .as_deref()
                                .is_some_and(|n| n.eq_ignore_ascii_case(name))
                        })
                        .map(|c| c.kind.clone())
                })
            };
            match added_here.or_else(known) {
                Some(ConstraintKind::Check(expr)) => checked_by(&expr).map(|c| Found::Check {
                    table: t.clone(),
                    column: (*c).to_string(),
                    validate: true,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The message and help for a constraint found after the backfill at `line`.
fn explain(dialect: Dialect, found: &Found, line: u32) -> (String, String) {
    let (what, table, column) = match found {
        Found::NotNull { table, column } => ("NOT NULL", table, column),
        Found::Check {
            table,
            column,
            validate,
        } => (
            if *validate {
                "validating this CHECK"
            } else {
                "this CHECK"
            },
            table,
            column,
        ),
    };
    let message = match dialect {
        Dialect::Mysql => format!(
            "{what} on {table}.{column} in the migration that backfills it (UPDATE at line \
             {line}): the UPDATE commits before this DDL, which rebuilds the table; a row the \
             backfill missed makes it fail (or, outside strict mode, silently become 0 or '') \
             with the half-filled data already committed"
        ),
        _ => format!(
            "{what} on {table}.{column} in the migration that backfills it (UPDATE at line \
             {line}): every row is checked under an ACCESS EXCLUSIVE lock inside the \
             backfill's transaction, and a row the backfill missed rolls the whole backfill \
             back"
        ),
    };
    let help = match (dialect, found) {
        (Dialect::Mysql, _) => format!(
            "backfill {column} in a migration of its own with a verify file, and add the \
             constraint in a later migration, once the verify passed"
        ),
        (_, Found::NotNull { .. }) => format!(
            "backfill {column} in a migration of its own with a verify file; in a later \
             migration add `CHECK ({column} IS NOT NULL) NOT VALID`, VALIDATE it, then SET \
             NOT NULL"
        ),
        (_, Found::Check { .. }) => format!(
            "backfill {column} in a migration of its own with a verify file; in a later \
             migration add the CHECK as NOT VALID, then VALIDATE CONSTRAINT it (a scan that \
             blocks no reads or writes)"
        ),
    };
    (message, help)
}
