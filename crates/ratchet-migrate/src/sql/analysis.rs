//! Migrations analysed in order: every statement's facts, and every action's effects judged
//! against the schema as the earlier migrations (and the earlier statements of the same
//! migration) left it.
//!
//! The [`Catalog`] is ratchet's model of the schema, rebuilt by replaying the migrations'
//! actions; it knows which migration created each table and added each column, so rules can
//! tell a table created in the same migration from one the application already uses.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::classify::{self, MigrationKind};
use super::facts::{
    self, Action, ColumnDef, Constraint, ConstraintKind, Effects, Name, Op, ServerVersion,
    StatementFacts,
};
use super::{Dialect, Statement};
use crate::source::{Directives, Migration, Phase, Script};

/// A column as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    /// Its current definition.
    pub def: ColumnDef,
    /// The migration that added it (`None`: it came with a table created before ratchet's
    /// history, or by a loose file).
    pub added_by: Option<i64>,
    /// The phase of the migration that added it.
    pub added_in_phase: Option<Phase>,
}

/// A constraint as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstraintInfo {
    /// Its name, when known.
    pub name: Option<String>,
    /// What it constrains.
    pub kind: ConstraintKind,
    /// Whether existing rows were checked (not `NOT VALID`, or validated since).
    pub validated: bool,
}

/// An index as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexInfo {
    /// Its name, when known.
    pub name: Option<String>,
    /// Indexed columns or expressions.
    pub columns: Vec<String>,
    /// `UNIQUE`.
    pub unique: bool,
}

/// A table as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// Its name.
    pub name: Name,
    /// Its columns in order.
    pub columns: Vec<ColumnInfo>,
    /// Its constraints.
    pub constraints: Vec<ConstraintInfo>,
    /// Its indexes.
    pub indexes: Vec<IndexInfo>,
    /// The migration that created it.
    pub created_by: Option<i64>,
}

impl TableInfo {
    /// A column by name (case-insensitive).
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns
            .iter()
            .find(|c| c.def.name.eq_ignore_ascii_case(name))
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut ColumnInfo> {
        self.columns
            .iter_mut()
            .find(|c| c.def.name.eq_ignore_ascii_case(name))
    }
}

/// ratchet's model of the schema, from replaying migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Catalog {
    tables: BTreeMap<String, TableInfo>,
}

impl Catalog {
    /// Applies one action of migration `version` (in `phase`).
    pub fn apply(&mut self, action: &Action, version: Option<i64>, phase: Option<Phase>) {
        match &action.op {
            Op::CreateTable {
                table,
                columns,
                constraints,
                ..
            } => {
                let mut info = TableInfo {
                    name: table.clone(),
                    columns: columns
                        .iter()
                        .map(|def| ColumnInfo {
                            def: def.clone(),
                            added_by: version,
                            added_in_phase: phase,
                        })
                        .collect(),
                    constraints: constraints.iter().map(constraint_info).collect(),
                    indexes: Vec::new(),
                    created_by: version,
                };
                for column in columns {
                    if let Some(check) = &column.check {
                        info.constraints.push(ConstraintInfo {
                            name: None,
                            kind: ConstraintKind::Check(check.clone()),
                            validated: true,
                        });
                    }
                }
                self.tables.insert(table.key(), info);
            }
            Op::DropTable { table, .. } => {
                self.tables.remove(&table.key());
            }
            Op::RenameTable { table, to } => {
                if let Some(mut info) = self.tables.remove(&table.key()) {
                    info.name = to.clone();
                    self.tables.insert(to.key(), info);
                }
            }
            Op::AddColumn { table, column, .. } => {
                if let Some(info) = self.tables.get_mut(&table.key())
                    && info.column(&column.name).is_none()
                {
                    info.columns.push(ColumnInfo {
                        def: column.clone(),
                        added_by: version,
                        added_in_phase: phase,
                    });
                }
            }
            Op::DropColumn { table, column, .. } => {
                if let Some(info) = self.tables.get_mut(&table.key()) {
                    info.columns
                        .retain(|c| !c.def.name.eq_ignore_ascii_case(column));
                }
            }
            Op::RenameColumn { table, column, to } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.name = to.clone();
                }
            }
            Op::AlterColumnType {
                table,
                column,
                data_type,
                ..
            } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.data_type = data_type.clone();
                }
            }
            Op::RedefineColumn { table, column, new } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def = new.clone();
                }
            }
            Op::SetNotNull { table, column } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.not_null = true;
                }
            }
            Op::DropNotNull { table, column } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.not_null = false;
                }
            }
            Op::SetDefault {
                table,
                column,
                default,
            } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.default = Some(default.clone());
                }
            }
            Op::DropDefault { table, column } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.def.default = None;
                }
            }
            Op::AddConstraint { table, constraint } => {
                if let Some(info) = self.tables.get_mut(&table.key()) {
                    info.constraints.push(constraint_info(constraint));
                }
            }
            Op::ValidateConstraint { table, name } => {
                if let Some(info) = self.tables.get_mut(&table.key()) {
                    for c in &mut info.constraints {
                        if c.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                        {
                            c.validated = true;
                        }
                    }
                }
            }
            Op::DropConstraint { table, name, .. } => {
                if let Some(info) = self.tables.get_mut(&table.key()) {
                    info.constraints.retain(|c| {
                        !c.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    });
                }
            }
            Op::CreateIndex(index) => {
                if let Some(info) = self.tables.get_mut(&index.table.key()) {
                    info.indexes.push(IndexInfo {
                        name: index.name.as_ref().map(|n| n.name.clone()),
                        columns: index.columns.clone(),
                        unique: index.unique,
                    });
                }
            }
            Op::DropIndex { name, .. } => {
                for info in self.tables.values_mut() {
                    info.indexes.retain(|i| {
                        !i.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(&name.name))
                    });
                }
            }
            _ => {}
        }
    }

    fn column_mut(&mut self, table: &Name, column: &str) -> Option<&mut ColumnInfo> {
        self.tables.get_mut(&table.key())?.column_mut(column)
    }
}

/// Read access to a schema: the catalog itself, or a view of it part-way through a
/// migration.
pub trait Schema {
    /// The table with this key ([`Name::key`]).
    fn get(&self, key: &str) -> Option<&TableInfo>;
    /// The key of the table holding the index named `index`.
    fn index_table(&self, index: &str) -> Option<String>;
    /// Every table.
    fn tables(&self) -> Box<dyn Iterator<Item = &TableInfo> + '_>;

    /// A table by name.
    fn table(&self, name: &Name) -> Option<&TableInfo> {
        self.get(&name.key())
    }

    /// A column of a table.
    fn column(&self, table: &Name, column: &str) -> Option<&ColumnInfo> {
        self.table(table)?.column(column)
    }
}

fn has_index(table: &TableInfo, index: &str) -> bool {
    table.indexes.iter().any(|i| {
        i.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(index))
    })
}

impl Schema for Catalog {
    fn get(&self, key: &str) -> Option<&TableInfo> {
        self.tables.get(key)
    }

    fn tables(&self) -> Box<dyn Iterator<Item = &TableInfo> + '_> {
        Box::new(self.tables.values())
    }

    fn index_table(&self, index: &str) -> Option<String> {
        self.tables
            .iter()
            .find(|(_, t)| has_index(t, index))
            .map(|(k, _)| k.clone())
    }
}

/// The schema as a script's statements change it, on top of a base schema. Only the
/// tables the script touches are copied, so analysing a migration costs what the migration
/// touches, not the size of the schema (a folder of thousands of migrations stays linear).
/// Rules that follow a migration statement by statement use it the same way.
pub struct CatalogView<'a> {
    base: &'a dyn Schema,
    /// Tables changed by the script; `None` marks a table dropped or renamed away.
    local: BTreeMap<String, Option<TableInfo>>,
}

impl<'a> CatalogView<'a> {
    /// A view of `base`, unchanged so far.
    pub fn new(base: &'a dyn Schema) -> CatalogView<'a> {
        CatalogView {
            base,
            local: BTreeMap::new(),
        }
    }

    /// Applies one action of migration `version` (in `phase`), like [`Catalog::apply`].
    pub fn apply(&mut self, action: &Action, version: Option<i64>, phase: Option<Phase>) {
        let keys = self.touched(&action.op);
        if keys.is_empty() {
            return;
        }
        // Apply to a catalog of just the touched tables, then keep the result.
        let mut scratch = Catalog::default();
        for key in &keys {
            if let Some(table) = self.get(key) {
                scratch.tables.insert(key.clone(), table.clone());
            }
        }
        scratch.apply(action, version, phase);
        for key in keys {
            let table = scratch.tables.remove(&key);
            self.local.insert(key, table);
        }
    }

    /// The keys of the tables an action may change.
    fn touched(&self, op: &Op) -> Vec<String> {
        match op {
            Op::RenameTable { table, to } => vec![table.key(), to.key()],
            Op::DropIndex {
                table: Some(table), ..
            } => vec![table.key()],
            Op::DropIndex { name, .. } => self.index_table(&name.name).into_iter().collect(),
            Op::CreateIndex(index) => vec![index.table.key()],
            op => op.table().map(Name::key).into_iter().collect(),
        }
    }
}

impl Schema for CatalogView<'_> {
    fn get(&self, key: &str) -> Option<&TableInfo> {
        match self.local.get(key) {
            Some(table) => table.as_ref(),
            None => self.base.get(key),
        }
    }

    fn tables(&self) -> Box<dyn Iterator<Item = &TableInfo> + '_> {
        let changed = self.local.values().flatten();
        let unchanged = self
            .base
            .tables()
            .filter(|t| !self.local.contains_key(&t.name.key()));
        Box::new(changed.chain(unchanged))
    }

    fn index_table(&self, index: &str) -> Option<String> {
        self.local
            .iter()
            .find(|(_, t)| t.as_ref().is_some_and(|t| has_index(t, index)))
            .map(|(k, _)| k.clone())
            .or_else(|| {
                self.base
                    .index_table(index)
                    .filter(|k| !self.local.contains_key(k))
            })
    }
}

fn constraint_info(constraint: &Constraint) -> ConstraintInfo {
    ConstraintInfo {
        name: constraint.name.clone(),
        kind: constraint.kind.clone(),
        validated: !constraint.not_valid,
    }
}

/// One action with what it does to the schema as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionFacts {
    /// The action.
    #[serde(flatten)]
    pub action: Action,
    /// Its lock, rewrite, scan and data loss on this engine.
    pub effects: Effects,
    /// Whether its table existed before this migration: `false` for a table the same
    /// migration created (nobody else uses it yet), `true` when ratchet knows the table
    /// from an earlier migration or does not know it at all (it must then assume the
    /// application uses it).
    pub table_existed: bool,
    /// The column's definition before the action, when the catalog knows it.
    pub previous: Option<ColumnDef>,
}

/// One statement with its facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalyzedStatement {
    /// The statement as written.
    pub statement: Statement,
    /// What it is.
    pub facts: StatementFacts,
    /// What each of its actions does, in order.
    pub actions: Vec<ActionFacts>,
}

/// One script analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalyzedScript {
    /// Its file.
    pub path: PathBuf,
    /// Its directives.
    pub directives: Directives,
    /// Its statements.
    pub statements: Vec<AnalyzedStatement>,
}

impl AnalyzedScript {
    /// Every action of every statement, with its statement.
    pub fn actions(&self) -> impl Iterator<Item = (&AnalyzedStatement, &ActionFacts)> {
        self.statements
            .iter()
            .flat_map(|s| s.actions.iter().map(move |a| (s, a)))
    }
}

/// One migration analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalyzedMigration {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// Schema, data or mixed.
    pub kind: MigrationKind,
    /// The up script.
    pub up: AnalyzedScript,
    /// The down script.
    pub down: Option<AnalyzedScript>,
    /// The verify script.
    pub verify: Option<AnalyzedScript>,
}

/// Analyses migrations in order, keeping the catalog they build.
#[derive(Debug, Clone)]
pub struct Analyzer {
    dialect: Dialect,
    version: ServerVersion,
    catalog: Catalog,
}

impl Analyzer {
    /// An analyzer for `dialect` judging for `version`, with an empty catalog.
    pub fn new(dialect: Dialect, version: ServerVersion) -> Analyzer {
        Analyzer {
            dialect,
            version,
            catalog: Catalog::default(),
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The server versions judged for.
    pub fn server_version(&self) -> &ServerVersion {
        &self.version
    }

    /// The schema as the migrations committed so far left it.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Analyses a migration against the current catalog, without changing it.
    pub fn analyze(&self, migration: &Migration) -> AnalyzedMigration {
        let mut after_up = CatalogView::new(&self.catalog);
        let up = self.script(&migration.up, &mut after_up, Some(migration.version));
        let down = migration
            .down
            .as_ref()
            .map(|down| self.script(down, &mut CatalogView::new(&after_up), None));
        let verify = migration
            .verify
            .as_ref()
            .map(|verify| self.script(verify, &mut CatalogView::new(&after_up), None));
        AnalyzedMigration {
            version: migration.version,
            name: migration.name.clone(),
            kind: classify::migration_kind(&migration.up.statements, self.dialect),
            up,
            down,
            verify,
        }
    }

    /// Analyses a loose script (a file outside any migration history).
    pub fn analyze_script(&self, script: &Script) -> AnalyzedScript {
        self.script(script, &mut CatalogView::new(&self.catalog), None)
    }

    /// Applies a migration's up actions to the catalog: later migrations see its schema.
    pub fn commit(&mut self, migration: &AnalyzedMigration) {
        let phase = migration.up.directives.phase;
        for (_, action) in migration.up.actions() {
            self.catalog
                .apply(&action.action, Some(migration.version), phase);
        }
    }

    fn script(
        &self,
        script: &Script,
        view: &mut CatalogView<'_>,
        version: Option<i64>,
    ) -> AnalyzedScript {
        let phase = script.directives.phase;
        let statements = script
            .statements
            .iter()
            .map(|statement| {
                let facts = facts::analyze(statement, self.dialect);
                let actions = facts
                    .actions
                    .iter()
                    .map(|action| {
                        let table = action.op.table();
                        let previous = previous_column(&action.op)
                            .and_then(|(t, c)| view.column(t, c))
                            .map(|c| c.def.clone());
                        let effects = facts::effects::effects(
                            action,
                            self.dialect,
                            &facts.online,
                            &self.version,
                            previous.as_ref(),
                        );
                        // Existed before this script, or unknown to ratchet (then the
                        // application must be assumed to use it).
                        let table_existed = !matches!(action.op, Op::CreateTable { .. })
                            && table.is_none_or(|t| {
                                view.base.get(&t.key()).is_some() || view.table(t).is_none()
                            });
                        view.apply(action, version, phase);
                        ActionFacts {
                            action: action.clone(),
                            effects,
                            table_existed,
                            previous,
                        }
                    })
                    .collect();
                AnalyzedStatement {
                    statement: statement.clone(),
                    facts,
                    actions,
                }
            })
            .collect();
        AnalyzedScript {
            path: script.path.clone(),
            directives: script.directives.clone(),
            statements,
        }
    }
}

/// The column whose previous definition judges the action.
fn previous_column(op: &Op) -> Option<(&Name, &str)> {
    match op {
        Op::AlterColumnType { table, column, .. }
        | Op::RedefineColumn { table, column, .. }
        | Op::SetNotNull { table, column }
        | Op::DropColumn { table, column, .. }
        | Op::RenameColumn { table, column, .. } => Some((table, column.as_str())),
        _ => None,
    }
}
