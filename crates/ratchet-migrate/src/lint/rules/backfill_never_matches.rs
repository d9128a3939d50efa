use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{Schema, AnalyzedScript};
use crate::sql::facts::{ColumnDef, Expr, Name, Op, Volatility};

use super::migration_shape::{conjuncts, is_null_default, is_null_test};

declare_rule! {
    /// ## What it does
    /// Reports an `UPDATE ... WHERE <col> IS NULL` where `<col>` was added to an existing
    /// table (earlier in the same migration, or by an earlier migration) with a non-NULL
    /// `DEFAULT`, or as `NOT NULL`.
    ///
    /// Not reported: a column added without a default (its existing rows are NULL, which is
    /// what the backfill looks for), or with `DEFAULT NULL` or a default ratchet cannot
    /// judge; a column that came with its table; a column whose default was dropped, or
    /// that another UPDATE wrote, between its addition and this backfill; a `WHERE` where
    /// the `IS NULL` is one side of an `OR`.
    ///
    /// ## Why is this bad?
    /// When a column is added with a default, every existing row gets that default:
    /// PostgreSQL 11+ and MySQL 8.0 store it once in the catalog and return it for old rows,
    /// older PostgreSQL versions and MySQL's table copy write it into every row, and SQLite
    /// returns it for old rows. A `NOT NULL` column without a default gets none at all on
    /// a table with rows (PostgreSQL and SQLite refuse it) or the type's implicit default
    /// (MySQL: `0`, `''`).
    ///
    /// Either way no row is NULL, so `WHERE col IS NULL` matches nothing: the backfill runs,
    /// reports success, and changes no row. Every old row keeps the default instead of the
    /// value the backfill meant to compute, and nothing says so.
    ///
    /// ## Engines and versions
    /// All engines and versions.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN priority int NOT NULL DEFAULT 0;
    /// UPDATE orders SET priority = 2 WHERE priority IS NULL AND status = 'urgent';
    /// ```
    ///
    /// ## Use instead
    /// Add the column without a default, backfill the NULLs, then set the default (and
    /// `NOT NULL`), each in its own migration:
    /// ```sql
    /// -- 0007_add_priority.up.sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    /// -- 0008_backfill_priority.up.sql
    /// UPDATE orders SET priority = 2 WHERE priority IS NULL AND status = 'urgent';
    /// -- 0009_priority_default.up.sql
    /// ALTER TABLE orders ALTER COLUMN priority SET DEFAULT 0;
    /// ```
    /// Or keep the default and select the rows to change by what they are
    /// (`WHERE status = 'urgent' AND priority = 0`).
    pub struct BackfillNeverMatches {
        id: "backfill-never-matches",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "WHERE col IS NULL matches nothing: the column was added with a default",
    }
}

impl Rule for BackfillNeverMatches {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (index, (statement, action)) in up.actions().enumerate() {
            let Op::Update {
                table,
                filter: Some(filter),
                ..
            } = &action.action.op
            else {
                continue;
            };
            for column in conjuncts(&filter.text)
                .iter()
                .filter_map(|p| is_null_test(p))
            {
                let Some((def, origin)) = added_with_value(cx, up, index, table, &column) else {
                    continue;
                };
                let why = match &def.default {
                    Some(default) if judged_value(default) => format!(
                        "was added with DEFAULT {} ({origin}): every existing row got that \
                         default",
                        default.text
                    ),
                    _ => format!("was added NOT NULL ({origin}): no row can be NULL"),
                };
                report.at(
                    up,
                    statement,
                    action.action.offset,
                    format!(
                        "`{column} IS NULL` matches no row: {table}.{} {why}, so this UPDATE \
                         silently changes nothing",
                        def.name
                    ),
                    format!(
                        "add {} without a default, backfill it WHERE {} IS NULL, and set the \
                         default (and NOT NULL) in a later migration; or select the rows to \
                         change by another condition",
                        def.name, def.name
                    ),
                );
            }
        }
    }
}

/// The definition `column` of `table` was added with, and where, when it was added to an
/// existing table with a value for every existing row, and nothing since (before the
/// action at `index` of `up`) may have made some of them NULL.
fn added_with_value(
    cx: &Context<'_>,
    up: &AnalyzedScript,
    index: usize,
    table: &Name,
    column: &str,
) -> Option<(ColumnDef, String)> {
    let before: Vec<_> = up.actions().take(index).collect();
    let same_column = |t: &Name, c: &str| t.key() == table.key() && c.eq_ignore_ascii_case(column);
    // Another UPDATE of the column, or a redefinition, in between: it may have set NULLs.
    let rewritten = |op: &Op| match op {
        Op::Update {
            table: t,
            assignments,
            ..
        } => assignments.iter().any(|(c, _)| same_column(t, c)),
        Op::RedefineColumn {
            table: t,
            column: c,
            ..
        }
        | Op::DropDefault {
            table: t,
            column: c,
        }
        | Op::DropNotNull {
            table: t,
            column: c,
        }
        | Op::AlterColumnType {
            table: t,
            column: c,
            ..
        } => same_column(t, c),
        _ => false,
    };
    // Added earlier in this migration: the last addition counts.
    let here = before.iter().rposition(|(_, a)| {
        matches!(&a.action.op, Op::AddColumn { table: t, column: c, .. } if same_column(t, &c.name))
    });
    if let Some(at) = here {
        let (statement, action) = before[at];
        let Op::AddColumn { column: def, .. } = &action.action.op else {
            return None;
        };
        let since = &before[at + 1..];
        if !action.table_existed || since.iter().any(|(_, a)| rewritten(&a.action.op)) {
            return None;
        }
        return fills_existing_rows(def)
            .then(|| (def.clone(), format!("line {}", statement.statement.line)));
    }
    // Added by an earlier migration: the catalog says which.
    let info = cx.catalog.column(table, column)?;
    let version = info.added_by?;
    let position = cx.earlier.iter().position(|m| m.version == version)?;
    let adding = &cx.earlier[position];
    let def = adding.up.actions().find_map(|(_, a)| match &a.action.op {
        Op::AddColumn {
            table: t,
            column: c,
            ..
        } if same_column(t, &c.name) && a.table_existed => Some(c.clone()),
        _ => None,
    })?;
    // The column as it is now must still give every row a value, and nothing after the
    // addition may have written it.
    let later = cx.earlier[position + 1..]
        .iter()
        .flat_map(|m| m.up.actions())
        .chain(before.iter().copied());
    if later.into_iter().any(|(_, a)| rewritten(&a.action.op))
        || !fills_existing_rows(&def)
        || !fills_existing_rows(&info.def)
    {
        return None;
    }
    Some((def, format!("by migration {version}")))
}

/// Whether a column added with this definition gives every existing row a value: a
/// default that is not NULL (and that ratchet can judge), or NOT NULL.
fn fills_existing_rows(def: &ColumnDef) -> bool {
    def.not_null || def.default.as_ref().is_some_and(judged_value)
}

/// A default that is a value ratchet can vouch for: not NULL, and not a call of something
/// ratchet does not know (which could return NULL).
fn judged_value(default: &Expr) -> bool {
    !is_null_default(default) && default.volatility != Volatility::Unknown
}
