use std::collections::{BTreeMap, BTreeSet};

use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{AnalyzedScript, AnalyzedStatement};
use crate::sql::facts::{ConstraintKind, ObjectKind, Op};

use super::migration_shape::identifiers;

declare_rule! {
    /// ## What it does
    /// Compares a migration's down file with its up file, by object name (case-insensitive),
    /// and reports:
    ///
    /// - a table, column, index, constraint, type, view, trigger or function that the up
    ///   creates (or renames) and the down does not drop (or rename back);
    /// - one the up drops (without `IF EXISTS`) and the down does not re-create;
    /// - one the down drops that the up did not create.
    ///
    /// Dropping a table undoes everything on it (its columns, indexes, constraints,
    /// triggers), and dropping a column undoes the indexes and constraints on it. Only
    /// migrations with a down file are checked, and a file holding a statement ratchet
    /// cannot read is not judged on what that statement might do.
    ///
    /// ## Why is this bad?
    /// `ratchet down` trusts the down file to bring the schema back to what it was before
    /// the migration. One that forgets an index leaves it behind, and applying the
    /// migration again fails on `already exists`: the rollback you needed in an incident
    /// leaves you with a migration that cannot be re-applied. One that drops something the
    /// up did not create destroys part of the schema (and its data) that existed before the
    /// migration, typically a copy-paste from another down file.
    ///
    /// ## Engines and versions
    /// All engines.
    ///
    /// ## Example
    /// ```sql no-check
    /// -- 0007_add_priority.up.sql
    /// ALTER TABLE orders ADD COLUMN priority int;
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    ///
    /// -- 0007_add_priority.down.sql: forgets the index
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    ///
    /// ## Use instead
    /// ```sql no-check
    /// -- 0007_add_priority.down.sql
    /// DROP INDEX orders_customer_idx;
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    pub struct DownDoesNotUndoUp {
        id: "down-does-not-undo-up",
        severity: Warning,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a down file does not undo what its up file creates, or drops what it did not",
    }
}

impl Rule for DownDoesNotUndoUp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let Some(down_script) = &cx.migration.down else {
            return;
        };
        let up_script = &cx.migration.up;
        let up = Net::of(up_script);
        let down = Net::of(down_script);
        let up_file = up_script
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();

        // What the up creates must be gone after the down. A statement of the down that
        // ratchet cannot read may be the one that drops it.
        if !down.unknown {
            for (object, seen) in &up.created {
                if down.removes(object, seen) {
                    continue;
                }
                // An index a constraint adopted (`ADD CONSTRAINT ... USING INDEX`) goes
                // with the constraint.
                if let Object::Index(index) = object
                    && let Some((constraint, constraint_seen)) = up.adopted.get(index)
                    && down.removes(constraint, constraint_seen)
                {
                    continue;
                }
                let line = seen.statement.statement.line;
                let message = match &seen.renamed_from {
                    Some(renamed) => format!(
                        "the up renames {renamed} ({up_file}:{line}), and the down file does not \
                         rename it back: after `ratchet down` the schema is not what it was \
                         before the migration"
                    ),
                    None => format!(
                        "the up creates {} ({up_file}:{line}), and the down file does not drop \
                         it: after `ratchet down` it is left behind, and applying the migration \
                         again fails on it",
                        seen.display
                    ),
                };
                report.file(
                    &down_script.path,
                    message,
                    "make the down file undo every object the up file creates",
                );
            }
            for (object, seen) in &up.dropped {
                if seen.if_exists || seen.renamed_to || down.restores(object, seen) {
                    continue;
                }
                let line = seen.statement.statement.line;
                report.file(
                    &down_script.path,
                    format!(
                        "the up drops {} ({up_file}:{line}), and the down file does not \
                         re-create it: after `ratchet down` it is still missing",
                        seen.display
                    ),
                    if matches!(object, Object::Table(_) | Object::Column(..)) {
                        "re-create it in the down file (empty: its data cannot come back); if the \
                         migration cannot really be undone, make it forward-only: remove the down \
                         file"
                    } else {
                        "re-create it in the down file"
                    },
                );
            }
        }

        // What the down drops must be what the up created.
        if !up.unknown {
            let mut seen_objects = BTreeSet::new();
            for (object, seen, own) in &down.drops {
                // What the down created itself (a SQLite rebuild's copy) is its own business.
                if *own || up.accounts_for(object, seen) || !seen_objects.insert(object.clone()) {
                    continue;
                }
                let verb = if seen.renamed_to { "renames" } else { "drops" };
                report.at(
                    down_script,
                    seen.statement,
                    seen.offset,
                    format!(
                        "the down {verb} {}, which the up does not create: rolling back changes \
                         something that existed before this migration",
                        seen.display
                    ),
                    "remove it from the down file, or, if the up really creates it, check the \
                     names match",
                );
            }
        }
    }
}

/// A schema object, by lower-case name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Object {
    Table(String),
    Column(String, String),
    /// Index names are unique per schema on PostgreSQL, per table on MySQL: the name alone
    /// identifies it within a migration.
    Index(String),
    Constraint(String, String),
    Named(ObjectKind, String),
}

/// Where an object is created or dropped, and what it hangs on.
#[derive(Debug, Clone)]
struct Seen<'a> {
    statement: &'a AnalyzedStatement,
    offset: usize,
    /// For people: "index orders_status_idx".
    display: String,
    /// The tables it belongs to (column, index, constraint, trigger) or reads (view).
    tables: Vec<String>,
    /// The columns it involves (index, constraint).
    columns: BTreeSet<String>,
    /// `CREATE OR REPLACE`: the undo may be a re-creation with the old definition.
    or_replace: bool,
    /// `DROP ... IF EXISTS`.
    if_exists: bool,
    /// The drop half of a rename.
    renamed_to: bool,
    /// The create half of a rename: the old name, for people.
    renamed_from: Option<String>,
}

/// What one script does to the schema, net.
#[derive(Debug, Default)]
struct Net<'a> {
    /// Exists at the end and not at the start.
    created: BTreeMap<Object, Seen<'a>>,
    /// Existed at the start and not at the end.
    dropped: BTreeMap<Object, Seen<'a>>,
    /// Everything created at some point.
    created_any: BTreeSet<Object>,
    /// Every drop, in order, and whether the script created the object itself before.
    drops: Vec<(Object, Seen<'a>, bool)>,
    /// Tables on which the script may create indexes or constraints whose names it does
    /// not write (inline UNIQUE or REFERENCES, unnamed ADD CONSTRAINT or ADD INDEX).
    implicit: BTreeSet<String>,
    /// Indexes adopted by a constraint (`ADD CONSTRAINT ... USING INDEX`), by index
    /// name: the constraint.
    adopted: BTreeMap<String, (Object, Seen<'a>)>,
    /// A statement ratchet cannot read.
    unknown: bool,
}

enum Event<'a> {
    Create(Object, Seen<'a>),
    Drop(Object, Seen<'a>),
}

impl<'a> Net<'a> {
    fn of(script: &'a AnalyzedScript) -> Net<'a> {
        let mut net = Net::default();
        for (statement, action) in script.actions() {
            for event in net.events(statement, action.action.offset, &action.action.op) {
                net.apply(event);
            }
        }
        net
    }

    fn apply(&mut self, event: Event<'a>) {
        match event {
            Event::Create(object, seen) => {
                self.created_any.insert(object.clone());
                // Dropped and re-created (replaced): it exists at both ends.
                if self.dropped.remove(&object).is_none() {
                    self.created.insert(object, seen);
                }
            }
            Event::Drop(object, seen) => {
                let own = self.created_any.contains(&object);
                self.drops.push((object.clone(), seen.clone(), own));
                if self.created.remove(&object).is_some() {
                    // A table created and dropped again takes what hangs on it along.
                    if let Object::Table(table) = &object {
                        self.created
                            .retain(|o, s| !belongs_to(o, s, std::slice::from_ref(table)));
                    }
                } else {
                    self.dropped.entry(object).or_insert(seen);
                }
            }
        }
    }

    /// What an action creates and drops.
    fn events(
        &mut self,
        statement: &'a AnalyzedStatement,
        offset: usize,
        op: &Op,
    ) -> Vec<Event<'a>> {
        let seen = |display: String, tables: Vec<String>| Seen {
            statement,
            offset,
            display,
            tables,
            columns: BTreeSet::new(),
            or_replace: false,
            if_exists: false,
            renamed_to: false,
            renamed_from: None,
        };
        // `old` and `new` name the object for people ("column orders.notes", "remarks").
        let rename = |from: Object, to: Object, old: String, new: String, tables: Vec<String>| {
            vec![
                Event::Drop(
                    from,
                    Seen {
                        renamed_to: true,
                        ..seen(old.clone(), tables.clone())
                    },
                ),
                Event::Create(
                    to,
                    Seen {
                        renamed_from: Some(format!("{old} to {new}")),
                        ..seen(new, tables)
                    },
                ),
            ]
        };
        match op {
            Op::CreateTable {
                table, temporary, ..
            } => {
                if *temporary {
                    return Vec::new();
                }
                // Everything on a new table goes with it; its inline constraints have
                // names the script may not write.
                self.implicit.insert(table.key());
                vec![Event::Create(
                    Object::Table(table.key()),
                    seen(format!("table {table}"), Vec::new()),
                )]
            }
            Op::DropTable {
                table, if_exists, ..
            } => vec![Event::Drop(
                Object::Table(table.key()),
                Seen {
                    if_exists: *if_exists,
                    ..seen(format!("table {table}"), Vec::new())
                },
            )],
            Op::RenameTable { table, to } => rename(
                Object::Table(table.key()),
                Object::Table(to.key()),
                format!("table {table}"),
                to.to_string(),
                Vec::new(),
            ),
            Op::AddColumn { table, column, .. } => {
                if column.unique
                    || column.primary_key
                    || column.references.is_some()
                    || column.check.is_some()
                {
                    self.implicit.insert(table.key());
                }
                vec![Event::Create(
                    Object::Column(table.key(), column.name.to_lowercase()),
                    seen(format!("column {table}.{}", column.name), vec![table.key()]),
                )]
            }
            Op::DropColumn {
                table,
                column,
                if_exists,
                ..
            } => vec![Event::Drop(
                Object::Column(table.key(), column.to_lowercase()),
                Seen {
                    if_exists: *if_exists,
                    ..seen(format!("column {table}.{column}"), vec![table.key()])
                },
            )],
            Op::RenameColumn { table, column, to } => rename(
                Object::Column(table.key(), column.to_lowercase()),
                Object::Column(table.key(), to.to_lowercase()),
                format!("column {table}.{column}"),
                to.clone(),
                vec![table.key()],
            ),
            Op::RedefineColumn { table, column, new } if !new.name.eq_ignore_ascii_case(column) => {
                rename(
                    Object::Column(table.key(), column.to_lowercase()),
                    Object::Column(table.key(), new.name.to_lowercase()),
                    format!("column {table}.{column}"),
                    new.name.clone(),
                    vec![table.key()],
                )
            }
            Op::AddConstraint { table, constraint } => {
                // A primary key or unique constraint comes with an index of its name; a
                // MySQL foreign key with one too.
                if !matches!(constraint.kind, ConstraintKind::Check(_)) || constraint.name.is_none()
                {
                    self.implicit.insert(table.key());
                }
                let adopted = match &constraint.kind {
                    ConstraintKind::PrimaryKey { using_index, .. }
                    | ConstraintKind::Unique { using_index, .. } => using_index.as_ref(),
                    _ => None,
                };
                // PostgreSQL names a constraint that adopts an index after the index.
                let Some(name) = constraint.name.as_ref().or(adopted) else {
                    return Vec::new();
                };
                let columns = match &constraint.kind {
                    ConstraintKind::PrimaryKey { columns, .. }
                    | ConstraintKind::Unique { columns, .. } => {
                        columns.iter().map(|c| c.to_lowercase()).collect()
                    }
                    ConstraintKind::ForeignKey(fk) => {
                        fk.columns.iter().map(|c| c.to_lowercase()).collect()
                    }
                    ConstraintKind::Check(expr) => identifiers(&expr.text),
                    ConstraintKind::Exclude => BTreeSet::new(),
                };
                let object = Object::Constraint(table.key(), name.to_lowercase());
                let created = Seen {
                    columns,
                    ..seen(format!("constraint {name} on {table}"), vec![table.key()])
                };
                if let Some(index) = adopted {
                    self.adopted
                        .insert(index.to_lowercase(), (object.clone(), created.clone()));
                }
                vec![Event::Create(object, created)]
            }
            Op::DropConstraint {
                table,
                name,
                if_exists,
                ..
            } => vec![Event::Drop(
                Object::Constraint(table.key(), name.to_lowercase()),
                Seen {
                    if_exists: *if_exists,
                    ..seen(format!("constraint {name} on {table}"), vec![table.key()])
                },
            )],
            Op::CreateIndex(index) => {
                let Some(name) = &index.name else {
                    self.implicit.insert(index.table.key());
                    return Vec::new();
                };
                vec![Event::Create(
                    Object::Index(name.key()),
                    Seen {
                        columns: index.columns.iter().map(|c| c.to_lowercase()).collect(),
                        ..seen(format!("index {name}"), vec![index.table.key()])
                    },
                )]
            }
            Op::DropIndex {
                name,
                table,
                if_exists,
                ..
            } => vec![Event::Drop(
                Object::Index(name.key()),
                Seen {
                    if_exists: *if_exists,
                    ..seen(
                        format!("index {name}"),
                        table.iter().map(|t| t.key()).collect(),
                    )
                },
            )],
            Op::CreateType { name, .. } => vec![Event::Create(
                Object::Named(ObjectKind::Type, name.key()),
                seen(format!("type {name}"), Vec::new()),
            )],
            Op::CreateObject {
                kind,
                name,
                tables,
                or_replace,
            } if tracked(*kind) => vec![Event::Create(
                Object::Named(*kind, name.key()),
                Seen {
                    or_replace: *or_replace,
                    ..seen(
                        format!("{} {name}", kind.name()),
                        tables.iter().map(|t| t.key()).collect(),
                    )
                },
            )],
            Op::DropObject {
                kind,
                name,
                if_exists,
                ..
            } if tracked(*kind) || *kind == ObjectKind::Index => {
                let object = if *kind == ObjectKind::Index {
                    Object::Index(name.key())
                } else {
                    Object::Named(*kind, name.key())
                };
                vec![Event::Drop(
                    object,
                    Seen {
                        if_exists: *if_exists,
                        ..seen(format!("{} {name}", kind.name()), Vec::new())
                    },
                )]
            }
            Op::RenameObject { kind, name, to } if tracked(*kind) || *kind == ObjectKind::Index => {
                let object = |n: &crate::sql::facts::Name| {
                    if *kind == ObjectKind::Index {
                        Object::Index(n.key())
                    } else {
                        Object::Named(*kind, n.key())
                    }
                };
                rename(
                    object(name),
                    object(to),
                    format!("{} {name}", kind.name()),
                    to.to_string(),
                    Vec::new(),
                )
            }
            Op::Unknown { .. } => {
                self.unknown = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Whether this (down) script removes `object`, which the up created.
    fn removes(&self, object: &Object, seen: &Seen<'_>) -> bool {
        let dropped: BTreeSet<&Object> = self.drops.iter().map(|(o, ..)| o).collect();
        if dropped.contains(object) {
            return true;
        }
        // CREATE OR REPLACE: undone by re-creating the old definition.
        if seen.or_replace && self.created_any.contains(object) {
            return true;
        }
        let tables = parent_tables(object, seen);
        if tables
            .iter()
            .any(|t| dropped.contains(&Object::Table(t.clone())))
        {
            return true;
        }
        // Dropping a column drops the indexes and constraints on it.
        matches!(object, Object::Index(_) | Object::Constraint(..))
            && tables.iter().any(|t| {
                seen.columns
                    .iter()
                    .any(|c| dropped.contains(&Object::Column(t.clone(), c.clone())))
            })
    }

    /// Whether this (down) script re-creates `object`, which the up dropped.
    fn restores(&self, object: &Object, seen: &Seen<'_>) -> bool {
        if self.created_any.contains(object) {
            return true;
        }
        let tables = parent_tables(object, seen);
        // A re-created table brings back what was defined with it.
        if tables
            .iter()
            .any(|t| self.created_any.contains(&Object::Table(t.clone())))
        {
            return true;
        }
        // An index or constraint re-created without a written name.
        matches!(object, Object::Index(_) | Object::Constraint(..))
            && (tables.iter().any(|t| self.implicit.contains(t))
                || tables.is_empty() && !self.implicit.is_empty())
    }

    /// Whether this (up) script explains a drop of `object` by the down.
    fn accounts_for(&self, object: &Object, seen: &Seen<'_>) -> bool {
        if self.created_any.contains(object) {
            return true;
        }
        let tables = parent_tables(object, seen);
        if tables
            .iter()
            .any(|t| self.created_any.contains(&Object::Table(t.clone())))
        {
            return true;
        }
        // An index or constraint the up created under a name it does not write.
        matches!(object, Object::Index(_) | Object::Constraint(..))
            && (tables.iter().any(|t| self.implicit.contains(t))
                || tables.is_empty() && !self.implicit.is_empty())
    }
}

/// The tables an object hangs on.
fn parent_tables(object: &Object, seen: &Seen<'_>) -> Vec<String> {
    match object {
        Object::Column(table, _) | Object::Constraint(table, _) => vec![table.clone()],
        _ => seen.tables.clone(),
    }
}

/// Whether an object goes when one of `tables` is dropped.
fn belongs_to(object: &Object, seen: &Seen<'_>, tables: &[String]) -> bool {
    parent_tables(object, seen)
        .iter()
        .any(|t| tables.contains(t))
}

/// The kinds of object compared besides tables, columns, indexes and constraints.
fn tracked(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Type
            | ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Trigger
            | ObjectKind::Function
            | ObjectKind::Procedure
    )
}

