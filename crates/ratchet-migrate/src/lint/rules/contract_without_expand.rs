use std::collections::BTreeSet;

use crate::sql::analysis::Schema;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::source::Phase;
use crate::sql::facts::{Name, Op};

declare_rule! {
    /// ## What it does
    /// In a migration marked `-- ratchet:phase contract`, reports `DROP COLUMN`,
    /// `RENAME COLUMN` (MySQL `CHANGE` to a new name) and `RENAME TABLE` of a column or
    /// table that existed before the migration when no earlier migration marked
    /// `-- ratchet:phase expand` changed the same table (or added the column itself): a
    /// contract step without the expand step it depends on.
    ///
    /// Outside contract migrations, `ban-drop-column`, `renaming-column` and
    /// `renaming-table` report these statements. Not reported: a column or table created
    /// earlier in the same migration.
    ///
    /// ## Why is this bad?
    /// A deploy is not instant: while it rolls out, the old version of the application
    /// runs beside the new one, and the old one still reads and writes the column by its
    /// old name. The moment the migration drops or renames it, every query of the old
    /// version that names it fails: errors for users until the last old instance is gone
    /// (and a rollback of the application cannot help, since the column is gone).
    ///
    /// Expand/contract does it in steps that are each safe with both versions running:
    ///
    /// 1. **expand**: add the new shape beside the old (the new column, and for a rename a
    ///    trigger that keeps the two in sync); deploy the application that writes both
    ///    and reads the new one;
    /// 2. **backfill** the new column from the old, with a verify file;
    /// 3. **contract**, once no running version reads the old shape: drop the old column.
    ///
    /// ## Engines and versions
    /// All engines (SQLite can drop a column from 3.35 and rename one from 3.25).
    ///
    /// ## Example
    /// ```sql
    /// -- ratchet:phase contract
    /// ALTER TABLE orders DROP COLUMN state;
    /// ```
    ///
    /// ## Use instead
    /// ```sql no-check
    /// -- 0010_expand_status.up.sql
    /// -- ratchet:phase expand
    /// ALTER TABLE orders ADD COLUMN status text;
    /// -- (and a trigger copying writes of state to status; deploy the app reading status)
    ///
    /// -- 0011_backfill_status.up.sql (with its verify file)
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET status = state WHERE status IS NULL;
    ///
    /// -- 0012_contract_state.up.sql, once no running version reads state
    /// -- ratchet:phase contract
    /// ALTER TABLE orders DROP COLUMN state;
    /// ```
    pub struct ContractWithoutExpand {
        id: "contract-without-expand",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a column or table in use is dropped or renamed without an expand step first",
    }
}

impl Rule for ContractWithoutExpand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        let contract = up.directives.phase == Some(Phase::Contract);
        // What this migration itself brought in, up to each action: nobody uses it yet.
        let mut created: BTreeSet<String> = BTreeSet::new();
        let mut added: BTreeSet<(String, String)> = BTreeSet::new();
        for (statement, action) in up.actions() {
            let (table, column, what) = match &action.action.op {
                Op::CreateTable { table, .. } => {
                    created.insert(table.key());
                    continue;
                }
                Op::AddColumn { table, column, .. } => {
                    added.insert((table.key(), column.name.to_lowercase()));
                    continue;
                }
                Op::DropColumn { table, column, .. } => (
                    table,
                    Some(column.as_str()),
                    format!(
                        "DROP COLUMN {table}.{column} while the running application may still \
                         read it: during a deploy the old version runs beside the new one, and \
                         its queries naming {column} fail as soon as this runs"
                    ),
                ),
                Op::RenameColumn { table, column, to } => (
                    table,
                    Some(column.as_str()),
                    format!(
                        "RENAME COLUMN {table}.{column} to {to} breaks the running application: \
                         during a deploy the old version runs beside the new one, and its \
                         queries naming {column} fail as soon as this runs"
                    ),
                ),
                Op::RedefineColumn { table, column, new }
                    if !new.name.eq_ignore_ascii_case(column) =>
                {
                    (
                        table,
                        Some(column.as_str()),
                        format!(
                            "CHANGE COLUMN renames {table}.{column} to {}, breaking the running \
                             application: during a deploy the old version runs beside the new \
                             one, and its queries naming {column} fail as soon as this runs",
                            new.name
                        ),
                    )
                }
                Op::RenameTable { table, to } => (
                    table,
                    None,
                    format!(
                        "RENAME TABLE {table} to {to} breaks the running application: during a \
                         deploy the old version runs beside the new one, and its queries naming \
                         {table} fail as soon as this runs"
                    ),
                ),
                _ => continue,
            };
            let key = table.key();
            let new_here = !action.table_existed
                || created.contains(&key)
                || column.is_some_and(|c| added.contains(&(key.clone(), c.to_lowercase())));
            // What this migration added stays its own under a new name.
            if new_here {
                match &action.action.op {
                    Op::RenameTable { to, .. } => {
                        created.insert(to.key());
                    }
                    Op::RenameColumn { to, .. } => {
                        added.insert((key, to.to_lowercase()));
                    }
                    Op::RedefineColumn { new, .. } => {
                        added.insert((key, new.name.to_lowercase()));
                    }
                    _ => {}
                }
                continue;
            }
            // Outside a contract step the drop and rename rules report it.
            if !contract || expanded(cx, table, column) {
                continue;
            }
            let help = format!(
                "this migration is marked `-- ratchet:phase contract`, but no earlier migration \
                 marked `-- ratchet:phase expand` changed {table}: add the new shape in an \
                 expand migration first, and deploy the application that uses it"
            );
            report.at(up, statement, action.action.offset, what, help);
        }
    }
}

/// Whether an earlier migration marked `expand` changed `table`, or added `column` itself.
fn expanded(cx: &Context<'_>, table: &Name, column: Option<&str>) -> bool {
    if let Some(column) = column
        && cx
            .catalog
            .column(table, column)
            .is_some_and(|c| c.added_in_phase == Some(Phase::Expand))
    {
        return true;
    }
    let key = table.key();
    cx.earlier
        .iter()
        .filter(|m| m.up.directives.phase == Some(Phase::Expand))
        .flat_map(|m| m.up.actions())
        .any(|(_, a)| match &a.action.op {
            // The expand's sync trigger, or a view under the new name.
            Op::CreateObject { tables, .. } => tables.iter().any(|t| t.key() == key),
            Op::RenameTable { to, .. } => to.key() == key,
            op => op.table().is_some_and(|t| t.key() == key),
        })
}
