use std::collections::BTreeSet;

use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{ActionFacts, AnalyzedStatement, CatalogView, Schema};
use crate::sql::facts::{DataLoss, Name, ObjectKind, Op};

declare_rule! {
    /// ## What it does
    /// Reports each statement of a down file that destroys data: `DROP TABLE`,
    /// `DROP COLUMN`, `TRUNCATE`, `DELETE`, a type change that rounds or cuts values, a
    /// dropped schema, type or sequence. SQLite's table rebuild (copy, drop, rename) is
    /// judged by the columns its copy leaves out; a materialized view, whose rows its query
    /// brings back, is not reported.
    ///
    /// ## Why is this bad?
    /// A down file is written on the day the migration is, against an empty development
    /// database. It runs months later against production, where the table it drops holds
    /// every row written since the migration was applied. Rolling back then throws that
    /// data away.
    ///
    /// `ratchet down` does not run such a down unguarded: before the destructive statement
    /// it checks whether the doomed table or column holds data, and if it does it copies
    /// the data to a backup table (`ratchet_backup`, recorded in the ledger and restorable),
    /// or refuses unless `--accept-data-loss "<reason>"` is given (the reason is recorded).
    /// The finding says, at review time, that this will happen.
    ///
    /// Once a migration's table or column carries data that matters, rolling it back is
    /// usually the wrong tool: undo it with a new forward migration instead (marked
    /// `-- ratchet:reverts <version>`), reviewed like any other, which can keep or move the
    /// data rather than drop it.
    ///
    /// ## Engines and versions
    /// All engines and versions. A statement ratchet cannot read is reported by
    /// `unparsed-statement`, not here.
    ///
    /// ## Example
    /// `0007_add_priority.up.sql` adds a column; its down file drops it, and with it every
    /// priority set since:
    /// ```sql no-check
    /// -- 0007_add_priority.down.sql
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    ///
    /// ## Use instead
    /// Keep the down file when the migration is young and the column still empty (the
    /// finding is then only a reminder; accept it with
    /// `-- ratchet:allow down-migration-destroys-data -- <why>`). Once the column holds
    /// data, undo the change with a forward migration that keeps it:
    /// ```sql no-check
    /// -- 0012_retire_priority.up.sql
    /// -- ratchet:reverts 7
    /// CREATE TABLE order_priorities_archive AS SELECT id, priority FROM orders;
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    pub struct DownMigrationDestroysData {
        id: "down-migration-destroys-data",
        severity: Warning,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a down file destroys data: rolling back loses what was written since",
    }
}

impl Rule for DownMigrationDestroysData {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let Some(down) = &cx.migration.down else {
            return;
        };
        let up = &cx.migration.up;
        // What the up file brought into being: everything in it was written after the
        // migration was applied.
        let created_tables = super::migration_shape::created_tables(up);
        let added_columns: BTreeSet<(String, String)> = up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::AddColumn { table, column, .. } => {
                    Some((table.key(), column.name.to_lowercase()))
                }
                _ => None,
            })
            .collect();
        let retyped_columns: BTreeSet<(String, String)> = up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::AlterColumnType { table, column, .. }
                | Op::RedefineColumn { table, column, .. } => {
                    Some((table.key(), column.to_lowercase()))
                }
                _ => None,
            })
            .collect();
        let created_objects: BTreeSet<String> = up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::CreateObject { name, .. } | Op::CreateType { name, .. } => Some(name.key()),
                _ => None,
            })
            .collect();
        let filled_tables: BTreeSet<String> = up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::Insert { table, .. } | Op::Update { table, .. } => Some(table.key()),
                _ => None,
            })
            .collect();
        // The schema as the down finds it and changes it, to see through SQLite's table
        // rebuild (copy into a new table, drop the old, rename the new).
        let mut schema = CatalogView::new(cx.catalog);
        for (_, action) in up.actions() {
            schema.apply(&action.action, None, None);
        }
        let actions: Vec<_> = down.actions().collect();
        for (index, (statement, action)) in actions.iter().enumerate() {
            let losses = match &action.effects.destroys {
                // unparsed-statement reports what ratchet cannot read.
                None | Some(DataLoss::Unknown) => Vec::new(),
                Some(DataLoss::Table { table }) => match rebuilt_from(&actions[index + 1..], table)
                {
                    // A rebuild loses only the columns its copy leaves out.
                    Some(copy) => lost_columns(&schema, table, copy),
                    None => vec![DataLoss::Table {
                        table: table.clone(),
                    }],
                },
                Some(loss) => vec![loss.clone()],
            };
            schema.apply(&action.action, None, None);
            for loss in losses {
                // Whether the doomed data came with this migration (written since it was
                // applied), came before it, or may be either.
                let origin = match &loss {
                    DataLoss::Unknown => continue,
                    DataLoss::Table { table } => Some(created_tables.contains(&table.key())),
                    DataLoss::Rows { table, .. } => {
                        if created_tables.contains(&table.key()) {
                            Some(true)
                        } else if filled_tables.contains(&table.key()) {
                            None
                        } else {
                            Some(false)
                        }
                    }
                    DataLoss::Column { table, column } => Some(
                        created_tables.contains(&table.key())
                            || added_columns.contains(&(table.key(), column.to_lowercase())),
                    ),
                    DataLoss::Narrowing { table, column, .. } => {
                        let key = (table.key(), column.to_lowercase());
                        if created_tables.contains(&table.key()) || added_columns.contains(&key) {
                            Some(true)
                        } else if retyped_columns.contains(&key) {
                            // The values at risk are those the up's wider type let in.
                            None
                        } else {
                            Some(false)
                        }
                    }
                    // A materialized view's rows are its query's: re-creating it (and
                    // refreshing) brings them back.
                    DataLoss::Object {
                        kind: ObjectKind::MaterializedView,
                        ..
                    } => continue,
                    DataLoss::Object { name, .. } => {
                        if created_objects.contains(&name.key()) {
                            None
                        } else {
                            Some(false)
                        }
                    }
                };
                let message = match origin {
                    Some(true) => format!(
                        "rolling back this migration destroys {}: everything written there \
                         since the migration was applied",
                        loss.describe()
                    ),
                    Some(false) => format!(
                        "rolling back this migration destroys {}, data that the migration's up \
                         did not create",
                        loss.describe()
                    ),
                    None => format!("rolling back this migration destroys {}", loss.describe()),
                };
                report.at(
                    down,
                    statement,
                    action.action.offset,
                    message,
                    format!(
                        "`ratchet down` saves the doomed data to ratchet_backup first, or needs \
                     `--accept-data-loss \"<reason>\"`; once it holds data that matters, undo \
                     the migration with a new forward migration (`-- ratchet:reverts {}`) \
                     instead",
                        cx.migration.version
                    ),
                );
            }
        }
    }
}

/// When the table dropped is rebuilt (a later statement renames another table to its
/// name), the copy's name.
fn rebuilt_from<'a>(
    later: &[(&AnalyzedStatement, &'a ActionFacts)],
    table: &Name,
) -> Option<&'a Name> {
    later.iter().find_map(|(_, a)| match &a.action.op {
        Op::RenameTable { table: copy, to } if to.key() == table.key() => Some(copy),
        _ => None,
    })
}

/// The columns of `table` that its rebuilt `copy` does not have, as losses. Without the
/// definitions of both, the whole table counts as lost.
fn lost_columns(schema: &dyn Schema, table: &Name, copy: &Name) -> Vec<DataLoss> {
    let (Some(old), Some(new)) = (schema.table(table), schema.table(copy)) else {
        return vec![DataLoss::Table {
            table: table.clone(),
        }];
    };
    old.columns
        .iter()
        .filter(|c| new.column(&c.def.name).is_none())
        .map(|c| DataLoss::Column {
            table: table.clone(),
            column: c.def.name.clone(),
        })
        .collect()
}
