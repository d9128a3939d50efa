//! The dependency graph of a migration folder: which migration needs which, and why.
//!
//! Dependencies are explicit (`-- ratchet:requires V`, and `-- ratchet:reverts V`: a
//! revert needs what it undoes) or inferred from the statement facts of the up scripts,
//! replayed in version order: a migration that alters, indexes, references, renames,
//! writes to or drops an object depends on the migration that created it (004 indexes
//! `orders.priority`, which 003 added: 004 depends on 003). A column's creator is the
//! migration that added it (or created its table); a table's is the one that created it,
//! and a rename makes the renaming migration the creator of the new name, since rolling
//! it back takes that name away.
//!
//! Only up scripts count: they build the schema the later migrations rely on. An object
//! ratchet never saw created (it came before ratchet's history) gives no dependency.
//!
//! A `requires` naming a version that has no migration is an error, and so is a cycle
//! (only an explicit `requires` on a later version can close one). A `reverts` of a
//! migration whose file is gone gives no edge: `up` checks the ledger instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::source::{Migration, MigrationSet};
use crate::sql::Dialect;
use crate::sql::analysis::{AnalyzedMigration, Analyzer};
use crate::sql::facts::{ColumnDef, ConstraintKind, DataType, ForeignKey, Name, ObjectKind, Op};
use crate::{Error, Result};

/// One dependency of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The migration depended on.
    pub version: i64,
    /// Why, for people ("indexes orders.priority, added by 3"), in the order found.
    pub reasons: Vec<String>,
}

/// Which migration depends on which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Each migration's dependencies (every migration of the folder has an entry), by
    /// version, dependencies in version order.
    pub edges: BTreeMap<i64, Vec<Dependency>>,
}

impl Graph {
    /// The graph of a folder, its statements read in `dialect`.
    pub fn build(set: &MigrationSet, dialect: Dialect) -> Result<Graph> {
        let mut analyzer = Analyzer::new(dialect, Default::default());
        let mut registry = Registry::default();
        let mut edges = BTreeMap::new();
        for migration in &set.migrations {
            let analyzed = analyzer.analyze(migration);
            let mut found = Found::new(migration.version);
            explicit(set, migration, &mut found)?;
            registry.replay(&analyzed, &mut found);
            analyzer.commit(&analyzed);
            edges.insert(migration.version, found.into_dependencies());
        }
        let graph = Graph { edges };
        graph.refuse_cycles(set)?;
        Ok(graph)
    }

    /// The dependencies of a migration (none for a version the graph does not know).
    pub fn dependencies(&self, version: i64) -> &[Dependency] {
        self.edges.get(&version).map_or(&[], Vec::as_slice)
    }

    /// Why `dependent` depends on `dependency` directly, if it does.
    pub fn dependency(&self, dependent: i64, dependency: i64) -> Option<&Dependency> {
        self.dependencies(dependent)
            .iter()
            .find(|d| d.version == dependency)
    }

    /// The migrations that depend on `version` directly, with why, in version order.
    pub fn dependents(&self, version: i64) -> Vec<(i64, &Dependency)> {
        self.edges
            .iter()
            .filter_map(|(v, deps)| deps.iter().find(|d| d.version == version).map(|d| (*v, d)))
            .collect()
    }

    /// Every migration among `among` that depends on one of `versions`, directly or
    /// through others of `among` (`versions` themselves excluded).
    pub fn dependents_within(
        &self,
        versions: &BTreeSet<i64>,
        among: &BTreeSet<i64>,
    ) -> BTreeSet<i64> {
        let mut found = BTreeSet::new();
        let mut queue: Vec<i64> = versions.iter().copied().collect();
        while let Some(version) = queue.pop() {
            for (dependent, _) in self.dependents(version) {
                if among.contains(&dependent)
                    && !versions.contains(&dependent)
                    && found.insert(dependent)
                {
                    queue.push(dependent);
                }
            }
        }
        found
    }

    /// `versions` in an order that applies every dependency before its dependents, oldest
    /// first among migrations that do not depend on each other.
    pub fn apply_order(&self, versions: &BTreeSet<i64>) -> Vec<i64> {
        self.order(versions, false)
    }

    /// `versions` in an order that rolls every dependent back before what it depends on,
    /// newest first among migrations that do not depend on each other.
    pub fn rollback_order(&self, versions: &BTreeSet<i64>) -> Vec<i64> {
        self.order(versions, true)
    }

    /// A topological order of `versions` (Kahn's algorithm). `reverse`: dependents first,
    /// newest first; else dependencies first, oldest first.
    fn order(&self, versions: &BTreeSet<i64>, reverse: bool) -> Vec<i64> {
        // blockers[v]: the members of `versions` that must come before v.
        let mut blockers: BTreeMap<i64, BTreeSet<i64>> =
            versions.iter().map(|v| (*v, BTreeSet::new())).collect();
        for &v in versions {
            for dep in self.dependencies(v) {
                if dep.version == v || !versions.contains(&dep.version) {
                    continue;
                }
                let (before, after) = if reverse {
                    (v, dep.version)
                } else {
                    (dep.version, v)
                };
                blockers.entry(after).or_default().insert(before);
            }
        }
        let mut order = Vec::with_capacity(versions.len());
        while !blockers.is_empty() {
            let ready = blockers
                .iter()
                .filter(|(_, b)| b.is_empty())
                .map(|(v, _)| *v);
            // A cycle cannot be built (`build` refuses one); should one appear anyway, the
            // rest follow in plain version order rather than being lost.
            let next = if reverse { ready.max() } else { ready.min() }.unwrap_or_else(|| {
                let mut rest = blockers.keys().copied();
                if reverse {
                    rest.next_back()
                } else {
                    rest.next()
                }
                .unwrap_or_default()
            });
            blockers.remove(&next);
            for b in blockers.values_mut() {
                b.remove(&next);
            }
            order.push(next);
        }
        order
    }

    /// Finds a cycle and reports it with the files of every migration in it.
    fn refuse_cycles(&self, set: &MigrationSet) -> Result<()> {
        // Iterative depth-first search; colours: 1 on the stack, 2 done.
        let mut colour: BTreeMap<i64, u8> = BTreeMap::new();
        for &start in self.edges.keys() {
            if colour.contains_key(&start) {
                continue;
            }
            let mut stack: Vec<(i64, usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some((node, next)) = stack.last_mut() {
                let node = *node;
                let deps = self.dependencies(node);
                if *next >= deps.len() {
                    colour.insert(node, 2);
                    stack.pop();
                    continue;
                }
                let dep = deps[*next].version;
                *next += 1;
                match colour.get(&dep) {
                    None => {
                        colour.insert(dep, 1);
                        stack.push((dep, 0));
                    }
                    Some(1) => {
                        let from = stack.iter().position(|(v, _)| *v == dep).unwrap_or(0);
                        let cycle: Vec<i64> = stack[from..].iter().map(|(v, _)| *v).collect();
                        return Err(self.cycle_error(set, &cycle));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    /// The error for a cycle `cycle[0] -> cycle[1] -> ... -> cycle[0]`, at the explicit
    /// `requires` that points forward (the edge to remove).
    fn cycle_error(&self, set: &MigrationSet, cycle: &[i64]) -> Error {
        let path_of = |v: i64| {
            set.get(v)
                .map_or_else(|| PathBuf::from(v.to_string()), |m| m.up.path.clone())
        };
        let mut lines = Vec::new();
        let mut forward = None;
        for (i, &v) in cycle.iter().enumerate() {
            let dep = cycle[(i + 1) % cycle.len()];
            let reasons = self
                .dependency(v, dep)
                .map(|d| d.reasons.join("; "))
                .unwrap_or_default();
            lines.push(format!(
                "  {} depends on {dep} ({}): {reasons}",
                path_of(v).display(),
                path_of(dep).display()
            ));
            if dep > v && forward.is_none() {
                forward = Some((v, dep));
            }
        }
        let (at, line, advice) = match forward.and_then(|(v, dep)| Some((set.get(v)?, dep))) {
            Some((migration, dep)) => (
                migration.up.path.clone(),
                directive_line(migration, "requires", dep),
                format!(
                    "migration {} cannot require {dep}, which comes after it and needs it: \
                     remove that `-- ratchet:requires`, or give the migrations versions in \
                     the order they must run",
                    migration.version
                ),
            ),
            None => (
                path_of(cycle[0]),
                0,
                "remove one of these dependencies".to_string(),
            ),
        };
        Error::Source {
            path: at,
            line,
            message: format!(
                "dependency cycle between migrations {}:\n{}\n{advice}",
                cycle
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                lines.join("\n")
            ),
        }
    }
}

/// The explicit dependencies of a migration: `requires` and `reverts`.
fn explicit(set: &MigrationSet, migration: &Migration, found: &mut Found) -> Result<()> {
    let directives = &migration.up.directives;
    let named = directives
        .requires
        .iter()
        .map(|v| ("requires", *v))
        .chain(directives.reverts.map(|v| ("reverts", v)));
    for (directive, version) in named {
        if version == migration.version {
            return Err(Error::Source {
                path: migration.up.path.clone(),
                line: directive_line(migration, directive, version),
                message: format!(
                    "`ratchet:{directive} {version}` names this migration itself; remove it"
                ),
            });
        }
        // A reverted migration whose file is gone (squashed, say) may still be applied:
        // `up` checks the ledger before applying its revert.
        if directive == "reverts" && set.get(version).is_none() {
            continue;
        }
        if set.get(version).is_none() {
            return Err(Error::Source {
                path: migration.up.path.clone(),
                line: directive_line(migration, directive, version),
                message: format!(
                    "`ratchet:{directive} {version}`: there is no migration {version} in {} \
                     (no file has that version); correct the version, or restore the \
                     migration's file",
                    set.dir.display()
                ),
            });
        }
        found.add(
            version,
            format!(
                "`-- ratchet:{directive} {version}` in {}",
                file_name(migration)
            ),
        );
    }
    Ok(())
}

/// The line of a `-- ratchet:<directive>` naming `version` in a migration's up file (0
/// when it cannot be found again).
fn directive_line(migration: &Migration, directive: &str, version: i64) -> u32 {
    let Ok(text) = std::fs::read_to_string(&migration.up.path) else {
        return 0;
    };
    let marker = format!("ratchet:{directive}");
    text.lines()
        .position(|line| {
            line.trim_start().starts_with("--")
                && line.split_once(&marker).is_some_and(|(_, args)| {
                    args.split(',')
                        .any(|a| a.trim().parse::<i64>().ok() == Some(version))
                })
        })
        .map_or(0, |i| u32::try_from(i + 1).unwrap_or(0))
}

fn file_name(migration: &Migration) -> String {
    migration
        .up
        .path
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
}

/// The dependencies found for one migration, with their reasons, in the order found.
struct Found {
    version: i64,
    reasons: BTreeMap<i64, Vec<String>>,
}

impl Found {
    fn new(version: i64) -> Found {
        Found {
            version,
            reasons: BTreeMap::new(),
        }
    }

    /// Records a dependency on `on` (none on itself, or on an unknown creator).
    fn add(&mut self, on: i64, reason: String) {
        if on == self.version {
            return;
        }
        let reasons = self.reasons.entry(on).or_default();
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }

    fn add_opt(&mut self, on: Option<(i64, String)>) {
        if let Some((on, reason)) = on {
            self.add(on, reason);
        }
    }

    fn into_dependencies(self) -> Vec<Dependency> {
        self.reasons
            .into_iter()
            .map(|(version, reasons)| Dependency { version, reasons })
            .collect()
    }
}

/// A column as the replay knows it.
#[derive(Debug, Clone)]
struct ColumnEntry {
    name: String,
    /// The migration that gave it its current name (added it, or renamed it).
    creator: Option<i64>,
}

/// A table as the replay knows it.
#[derive(Debug, Clone)]
struct TableEntry {
    name: Name,
    /// The migration that created it (`None`: it came before ratchet's history).
    creator: Option<i64>,
    /// The migration that gave it its current name, when a rename did.
    renamed_by: Option<i64>,
    columns: BTreeMap<String, ColumnEntry>,
    /// Named constraints, by lower-case name: (name, creator).
    constraints: BTreeMap<String, (String, Option<i64>)>,
}

impl TableEntry {
    fn unknown(name: &Name) -> TableEntry {
        TableEntry {
            name: name.clone(),
            creator: None,
            renamed_by: None,
            columns: BTreeMap::new(),
            constraints: BTreeMap::new(),
        }
    }
}

/// An index as the replay knows it.
#[derive(Debug, Clone)]
struct IndexEntry {
    name: String,
    creator: i64,
    table: String,
    /// Indexed columns, lower case.
    columns: Vec<String>,
}

/// Who created what, replayed migration by migration.
#[derive(Debug, Default)]
struct Registry {
    tables: BTreeMap<String, TableEntry>,
    indexes: BTreeMap<String, IndexEntry>,
    /// Other objects (views, types, triggers, functions...), by kind and lower-case name.
    objects: BTreeMap<(ObjectKind, String), (String, i64)>,
}

impl Registry {
    /// Records the dependencies of a migration's up actions and what they create.
    fn replay(&mut self, migration: &AnalyzedMigration, found: &mut Found) {
        let m = migration.version;
        for (_, action) in migration.up.actions() {
            self.action(&action.action.op, m, found);
        }
    }

    fn action(&mut self, op: &Op, m: i64, found: &mut Found) {
        match op {
            Op::CreateTable {
                table,
                columns,
                constraints,
                if_not_exists,
                temporary,
                ..
            } => {
                for column in columns {
                    self.column_needs(table, column, found);
                }
                for constraint in constraints {
                    if let ConstraintKind::ForeignKey(fk) = &constraint.kind {
                        self.references(table, fk, found);
                    }
                }
                if *temporary || (*if_not_exists && self.tables.contains_key(&table.key())) {
                    return;
                }
                let mut entry = TableEntry::unknown(table);
                entry.creator = Some(m);
                for column in columns {
                    entry.columns.insert(
                        column.name.to_lowercase(),
                        ColumnEntry {
                            name: column.name.clone(),
                            creator: Some(m),
                        },
                    );
                }
                for constraint in constraints {
                    if let Some(name) = &constraint.name {
                        entry
                            .constraints
                            .insert(name.to_lowercase(), (name.clone(), Some(m)));
                    }
                }
                self.tables.insert(table.key(), entry);
            }
            Op::DropTable { table, .. } => {
                self.whole_table("drops", table, found);
                self.tables.remove(&table.key());
                self.indexes.retain(|_, i| i.table != table.key());
            }
            Op::RenameTable { table, to } => {
                self.whole_table("renames", table, found);
                let mut entry = self
                    .tables
                    .remove(&table.key())
                    .unwrap_or_else(|| TableEntry::unknown(table));
                entry.name = to.clone();
                entry.renamed_by = Some(m);
                for index in self.indexes.values_mut() {
                    if index.table == table.key() {
                        index.table = to.key();
                    }
                }
                self.tables.insert(to.key(), entry);
            }
            Op::Truncate { table, .. } => found.add_opt(self.table_dep("truncates", table)),
            Op::Insert { table, .. } => found.add_opt(self.table_dep("inserts into", table)),
            Op::Delete { table, .. } => found.add_opt(self.table_dep("deletes from", table)),
            Op::AlterTableOther { table, description } => {
                found.add_opt(self.table_dep(&format!("alters ({description})"), table));
            }
            Op::Update {
                table, assignments, ..
            } => {
                let columns: Vec<&str> = assignments.iter().map(|(c, _)| c.as_str()).collect();
                self.columns_or_table("updates", table, &columns, found);
            }
            Op::AddColumn { table, column, .. } => {
                found.add_opt(self.table_dep("adds a column to", table));
                self.column_needs(table, column, found);
                let entry = self
                    .tables
                    .entry(table.key())
                    .or_insert_with(|| TableEntry::unknown(table));
                entry
                    .columns
                    .entry(column.name.to_lowercase())
                    .or_insert(ColumnEntry {
                        name: column.name.clone(),
                        creator: Some(m),
                    });
            }
            Op::DropColumn { table, column, .. } => {
                self.column_dep("drops", table, column, found);
                let key = column.to_lowercase();
                let mut gone = Vec::new();
                for (name, index) in &self.indexes {
                    if index.table == table.key() && index.columns.contains(&key) {
                        found.add(
                            index.creator,
                            format!(
                                "drops {}, and with it the index {}, created by {}",
                                column_text(table, column),
                                index.name,
                                index.creator
                            ),
                        );
                        gone.push(name.clone());
                    }
                }
                for name in gone {
                    self.indexes.remove(&name);
                }
                if let Some(entry) = self.tables.get_mut(&table.key()) {
                    entry.columns.remove(&key);
                }
            }
            Op::RenameColumn { table, column, to } => {
                self.column_dep("renames", table, column, found);
                self.rename_column(table, column, to, m);
            }
            Op::RedefineColumn { table, column, new } => {
                self.column_dep("redefines", table, column, found);
                self.type_dep(&new.data_type, found);
                if !new.name.eq_ignore_ascii_case(column) {
                    self.rename_column(table, column, &new.name, m);
                }
            }
            Op::AlterColumnType {
                table,
                column,
                data_type,
                ..
            } => {
                self.column_dep("changes the type of", table, column, found);
                self.type_dep(data_type, found);
            }
            Op::SetNotNull { table, column }
            | Op::DropNotNull { table, column }
            | Op::SetDefault { table, column, .. }
            | Op::DropDefault { table, column } => {
                self.column_dep("alters", table, column, found);
            }
            Op::AddConstraint { table, constraint } => {
                let columns: Vec<String> = match &constraint.kind {
                    ConstraintKind::PrimaryKey { columns, .. }
                    | ConstraintKind::Unique { columns, .. } => columns.clone(),
                    ConstraintKind::ForeignKey(fk) => {
                        self.references(table, fk, found);
                        fk.columns.clone()
                    }
                    ConstraintKind::Check(_) | ConstraintKind::Exclude => Vec::new(),
                };
                if let ConstraintKind::PrimaryKey {
                    using_index: Some(index),
                    ..
                }
                | ConstraintKind::Unique {
                    using_index: Some(index),
                    ..
                } = &constraint.kind
                {
                    found.add_opt(self.index_dep("adopts the index", index));
                }
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                self.columns_or_table("constrains", table, &columns, found);
                if let Some(name) = &constraint.name {
                    let entry = self
                        .tables
                        .entry(table.key())
                        .or_insert_with(|| TableEntry::unknown(table));
                    entry
                        .constraints
                        .insert(name.to_lowercase(), (name.clone(), Some(m)));
                }
            }
            Op::ValidateConstraint { table, name } => {
                self.constraint_dep("validates", table, name, found);
            }
            Op::DropConstraint { table, name, .. } => {
                self.constraint_dep("drops", table, name, found);
                if let Some(entry) = self.tables.get_mut(&table.key()) {
                    entry.constraints.remove(&name.to_lowercase());
                }
            }
            Op::CreateIndex(index) => {
                let columns: Vec<&str> = index.columns.iter().map(String::as_str).collect();
                self.columns_or_table("indexes", &index.table, &columns, found);
                if let Some(name) = &index.name
                    && !(index.if_not_exists && self.indexes.contains_key(&name.key()))
                {
                    self.indexes.insert(
                        name.key(),
                        IndexEntry {
                            name: name.to_string(),
                            creator: m,
                            table: index.table.key(),
                            columns: index.columns.iter().map(|c| c.to_lowercase()).collect(),
                        },
                    );
                }
            }
            Op::DropIndex { name, .. } => {
                found.add_opt(self.index_dep("drops the index", &name.name));
                self.indexes.remove(&name.key());
            }
            Op::Reindex { target, .. } => {
                let dep = self
                    .index_dep("rebuilds the index", &target.name)
                    .or_else(|| self.table_dep("rebuilds", target));
                found.add_opt(dep);
            }
            Op::CreateType { name, .. } => {
                self.objects
                    .insert((ObjectKind::Type, name.key()), (name.to_string(), m));
            }
            Op::AlterTypeAddValue { name, .. } => {
                found.add_opt(self.object_dep("adds a value to", ObjectKind::Type, name));
            }
            Op::CreateObject {
                kind,
                name,
                tables,
                or_replace,
            } => {
                let what = format!("{} {name}", kind.name());
                for table in tables {
                    let verb = match kind {
                        ObjectKind::Trigger => format!("creates {what} on"),
                        _ => format!("creates {what}, which reads"),
                    };
                    found.add_opt(self.table_dep(&verb, table));
                }
                if *or_replace {
                    found.add_opt(self.object_dep("replaces", *kind, name));
                }
                self.objects
                    .insert((*kind, name.key()), (name.to_string(), m));
            }
            Op::DropObject { kind, name, .. } => {
                found.add_opt(self.object_dep("drops", *kind, name));
                self.objects.remove(&(*kind, name.key()));
            }
            Op::RenameObject { kind, name, to } => {
                found.add_opt(self.object_dep("renames", *kind, name));
                self.objects.remove(&(*kind, name.key()));
                self.objects.insert((*kind, to.key()), (to.to_string(), m));
            }
            Op::Query { .. }
            | Op::SetSetting { .. }
            | Op::Transaction { .. }
            | Op::Other { .. }
            | Op::Unknown { .. } => {}
        }
    }

    /// "`verb` orders, created by 1" (and "renamed by 4" when a rename named it).
    fn table_dep(&self, verb: &str, table: &Name) -> Option<(i64, String)> {
        let entry = self.tables.get(&table.key())?;
        if let Some(renamer) = entry.renamed_by {
            return Some((
                renamer,
                format!("{verb} {}, renamed by {renamer}", entry.name),
            ));
        }
        let creator = entry.creator?;
        Some((
            creator,
            format!("{verb} {}, created by {creator}", entry.name),
        ))
    }

    /// Dependencies of an action on one column: its creator, and the migration that
    /// renamed its table, if one did. A column ratchet does not know falls back to its
    /// table.
    fn column_dep(&self, verb: &str, table: &Name, column: &str, found: &mut Found) {
        let Some(entry) = self.tables.get(&table.key()) else {
            return;
        };
        let Some(col) = entry.columns.get(&column.to_lowercase()) else {
            found.add_opt(self.table_dep(verb, table));
            return;
        };
        if let Some(creator) = col.creator {
            let how = if entry.creator == Some(creator) {
                "created by"
            } else {
                "added by"
            };
            found.add(
                creator,
                format!("{verb} {}.{}, {how} {creator}", entry.name, col.name),
            );
        }
        if let Some(renamer) = entry.renamed_by {
            found.add(
                renamer,
                format!(
                    "{verb} {}.{}, in a table renamed by {renamer}",
                    entry.name, col.name
                ),
            );
        }
    }

    /// Column dependencies for each known column of `columns`; the table's when none is
    /// known (an expression index, a CHECK).
    fn columns_or_table(&self, verb: &str, table: &Name, columns: &[&str], found: &mut Found) {
        let known: Vec<&str> = self
            .tables
            .get(&table.key())
            .map(|entry| {
                columns
                    .iter()
                    .copied()
                    .filter(|c| entry.columns.contains_key(&c.to_lowercase()))
                    .collect()
            })
            .unwrap_or_default();
        if known.is_empty() {
            found.add_opt(self.table_dep(verb, table));
        }
        for column in known {
            self.column_dep(verb, table, column, found);
        }
    }

    /// A drop or rename of a whole table depends on its creator and on every migration
    /// that added a column, index or constraint to it: their down files name the table.
    fn whole_table(&self, verb: &str, table: &Name, found: &mut Found) {
        found.add_opt(self.table_dep(verb, table));
        let Some(entry) = self.tables.get(&table.key()) else {
            return;
        };
        for column in entry.columns.values() {
            if let Some(creator) = column.creator
                && Some(creator) != entry.creator
            {
                found.add(
                    creator,
                    format!(
                        "{verb} {}, whose column {} was added by {creator}",
                        entry.name, column.name
                    ),
                );
            }
        }
        for (name, creator) in entry.constraints.values() {
            if let Some(creator) = *creator
                && Some(creator) != entry.creator
            {
                found.add(
                    creator,
                    format!(
                        "{verb} {}, whose constraint {name} was added by {creator}",
                        entry.name
                    ),
                );
            }
        }
        for index in self.indexes.values() {
            if index.table == table.key() && Some(index.creator) != entry.creator {
                found.add(
                    index.creator,
                    format!(
                        "{verb} {}, whose index {} was created by {}",
                        entry.name, index.name, index.creator
                    ),
                );
            }
        }
    }

    fn constraint_dep(&self, verb: &str, table: &Name, name: &str, found: &mut Found) {
        let known = self
            .tables
            .get(&table.key())
            .and_then(|t| t.constraints.get(&name.to_lowercase()))
            .and_then(|(name, creator)| creator.map(|c| (name, c)));
        match known {
            Some((name, creator)) => found.add(
                creator,
                format!("{verb} the constraint {name} on {table}, added by {creator}"),
            ),
            None => found.add_opt(self.table_dep(&format!("{verb} a constraint of"), table)),
        }
    }

    fn index_dep(&self, verb: &str, index: &str) -> Option<(i64, String)> {
        let entry = self.indexes.get(&index.to_lowercase())?;
        Some((
            entry.creator,
            format!("{verb} {}, created by {}", entry.name, entry.creator),
        ))
    }

    fn object_dep(&self, verb: &str, kind: ObjectKind, name: &Name) -> Option<(i64, String)> {
        let (written, creator) = self.objects.get(&(kind, name.key()))?;
        Some((
            *creator,
            format!("{verb} {} {written}, created by {creator}", kind.name()),
        ))
    }

    /// What a column definition needs: the table its `REFERENCES` names, and a type
    /// created by a migration.
    fn column_needs(&self, table: &Name, column: &ColumnDef, found: &mut Found) {
        if let Some(fk) = &column.references {
            self.references(table, fk, found);
        }
        self.type_dep(&column.data_type, found);
    }

    /// A foreign key needs the referenced table (and the referenced columns, when a
    /// migration added them).
    fn references(&self, table: &Name, fk: &ForeignKey, found: &mut Found) {
        let verb = format!("{table} references");
        let columns: Vec<&str> = fk.referred.iter().map(String::as_str).collect();
        self.columns_or_table(&verb, &fk.table, &columns, found);
    }

    fn type_dep(&self, data_type: &DataType, found: &mut Found) {
        let key = data_type.name.to_lowercase();
        let bare = key.rsplit('.').next().unwrap_or(&key).to_string();
        if let Some((written, creator)) = self.objects.get(&(ObjectKind::Type, bare)) {
            found.add(
                *creator,
                format!("uses the type {written}, created by {creator}"),
            );
        }
    }

    fn rename_column(&mut self, table: &Name, column: &str, to: &str, m: i64) {
        let entry = self
            .tables
            .entry(table.key())
            .or_insert_with(|| TableEntry::unknown(table));
        entry.columns.remove(&column.to_lowercase());
        entry.columns.insert(
            to.to_lowercase(),
            ColumnEntry {
                name: to.to_string(),
                creator: Some(m),
            },
        );
        let (old, new) = (column.to_lowercase(), to.to_lowercase());
        for index in self.indexes.values_mut() {
            if index.table == table.key() {
                for c in &mut index.columns {
                    if *c == old {
                        c.clone_from(&new);
                    }
                }
            }
        }
    }
}

fn column_text(table: &Name, column: &str) -> String {
    format!("{table}.{column}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn graph_of(files: &[(&str, &str)], dialect: Dialect) -> Result<Graph> {
        let dir = folder(files);
        let set = source::load(dir.path(), None, dialect).unwrap();
        Graph::build(&set, dialect)
    }

    /// `dependent -> dependency: reasons` lines.
    fn edges(graph: &Graph) -> Vec<String> {
        graph
            .edges
            .iter()
            .flat_map(|(v, deps)| {
                deps.iter()
                    .map(move |d| format!("{v} -> {}: {}", d.version, d.reasons.join("; ")))
            })
            .collect()
    }

    const SHOP: &[(&str, &str)] = &[
        (
            "0001_create_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, status TEXT NOT NULL);\n",
        ),
        (
            "0002_seed.up.sql",
            "INSERT INTO orders (id, status) VALUES (1, 'new');\n",
        ),
        (
            "0003_add_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority TEXT;\n",
        ),
        (
            "0004_index_priority.up.sql",
            "CREATE INDEX orders_priority_idx ON orders (priority);\n",
        ),
        (
            "0005_backfill.up.sql",
            "UPDATE orders SET priority = 'normal' WHERE priority IS NULL;\n",
        ),
        (
            "0006_customers.up.sql",
            "CREATE TABLE customers (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "0007_fk.up.sql",
            "ALTER TABLE orders ADD COLUMN customer_id BIGINT REFERENCES customers (id);\n",
        ),
    ];

    #[test]
    fn inferred_dependencies_follow_the_objects() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            let graph = graph_of(SHOP, dialect).unwrap();
            assert_eq!(
                edges(&graph),
                [
                    "2 -> 1: inserts into orders, created by 1",
                    "3 -> 1: adds a column to orders, created by 1",
                    "4 -> 3: indexes orders.priority, added by 3",
                    "5 -> 3: updates orders.priority, added by 3",
                    "7 -> 1: adds a column to orders, created by 1",
                    "7 -> 6: orders references customers.id, created by 6",
                ],
                "{dialect}"
            );
        }
    }

    #[test]
    fn drops_and_renames_depend_on_every_creator() {
        let graph = graph_of(
            &[
                (
                    "1_t.up.sql",
                    "CREATE TABLE t (id INT PRIMARY KEY, a INT);\n",
                ),
                ("2_c.up.sql", "ALTER TABLE t ADD COLUMN b INT;\n"),
                ("3_i.up.sql", "CREATE INDEX t_b ON t (b);\n"),
                ("4_r.up.sql", "ALTER TABLE t RENAME COLUMN b TO c;\n"),
                ("5_rt.up.sql", "ALTER TABLE t RENAME TO u;\n"),
                ("6_i.up.sql", "CREATE INDEX u_a ON u (a);\n"),
                ("7_d.up.sql", "DROP TABLE u;\n"),
            ],
            Dialect::Postgres,
        )
        .unwrap();
        assert_eq!(
            edges(&graph),
            [
                "2 -> 1: adds a column to t, created by 1",
                "3 -> 2: indexes t.b, added by 2",
                "4 -> 2: renames t.b, added by 2",
                "5 -> 1: renames t, created by 1",
                "5 -> 3: renames t, whose index t_b was created by 3",
                "5 -> 4: renames t, whose column c was added by 4",
                "6 -> 1: indexes u.a, created by 1",
                "6 -> 5: indexes u.a, in a table renamed by 5",
                "7 -> 3: drops u, whose index t_b was created by 3",
                "7 -> 4: drops u, whose column c was added by 4",
                "7 -> 5: drops u, renamed by 5",
                "7 -> 6: drops u, whose index u_a was created by 6",
            ]
        );
    }

    #[test]
    fn views_triggers_types_and_constraints() {
        let graph = graph_of(
            &[
                (
                    "1_t.up.sql",
                    "CREATE TABLE t (id INT PRIMARY KEY, s TEXT);\n",
                ),
                ("2_type.up.sql", "CREATE TYPE mood AS ENUM ('a', 'b');\n"),
                ("3_col.up.sql", "ALTER TABLE t ADD COLUMN m mood;\n"),
                ("4_view.up.sql", "CREATE VIEW v AS SELECT id FROM t;\n"),
                (
                    "5_check.up.sql",
                    "ALTER TABLE t ADD CONSTRAINT s_len CHECK (length(s) < 10);\n",
                ),
                (
                    "6_drop.up.sql",
                    "ALTER TABLE t DROP CONSTRAINT s_len;\nDROP VIEW v;\n",
                ),
                ("7_value.up.sql", "ALTER TYPE mood ADD VALUE 'c';\n"),
            ],
            Dialect::Postgres,
        )
        .unwrap();
        assert_eq!(
            edges(&graph),
            [
                "3 -> 1: adds a column to t, created by 1",
                "3 -> 2: uses the type mood, created by 2",
                "4 -> 1: creates view v, which reads t, created by 1",
                "5 -> 1: constrains t, created by 1",
                "6 -> 4: drops view v, created by 4",
                "6 -> 5: drops the constraint s_len on t, added by 5",
                "7 -> 2: adds a value to type mood, created by 2",
            ]
        );
    }

    #[test]
    fn explicit_requires_and_reverts_are_edges() {
        let graph = graph_of(
            &[
                ("1_a.up.sql", "SELECT 1;\n"),
                ("2_b.up.sql", "-- ratchet:requires 1\nSELECT 2;\n"),
                ("3_c.up.sql", "-- ratchet:reverts 2\nSELECT 3;\n"),
            ],
            Dialect::Sqlite,
        )
        .unwrap();
        assert_eq!(
            edges(&graph),
            [
                "2 -> 1: `-- ratchet:requires 1` in 2_b.up.sql",
                "3 -> 2: `-- ratchet:reverts 2` in 3_c.up.sql",
            ]
        );
    }

    #[test]
    fn a_missing_requires_names_the_file_and_line() {
        let error = graph_of(
            &[
                ("1_a.up.sql", "SELECT 1;\n"),
                (
                    "2_b.up.sql",
                    "-- why\n-- ratchet:requires 1, 9\nSELECT 2;\n",
                ),
            ],
            Dialect::Postgres,
        )
        .unwrap_err();
        let Error::Source {
            path,
            line,
            message,
        } = error
        else {
            panic!("{error}")
        };
        assert!(path.ends_with("2_b.up.sql"), "{}", path.display());
        assert_eq!(line, 2);
        assert!(
            message.starts_with("`ratchet:requires 9`: there is no migration 9 in "),
            "{message}"
        );
    }

    #[test]
    fn a_cycle_names_every_file_in_it() {
        let error = graph_of(
            &[
                (
                    "1_t.up.sql",
                    "-- ratchet:requires 2\nCREATE TABLE t (id INT);\n",
                ),
                ("2_i.up.sql", "CREATE INDEX t_id ON t (id);\n"),
            ],
            Dialect::Sqlite,
        )
        .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("1_t.up.sql:1: dependency cycle between migrations"),
            "{text}"
        );
        assert!(text.contains("1_t.up.sql depends on 2 ("), "{text}");
        assert!(text.contains("2_i.up.sql depends on 1 ("), "{text}");
        assert!(text.contains("indexes t.id, created by 1"), "{text}");
        assert!(text.contains("migration 1 cannot require 2"), "{text}");
    }

    #[test]
    fn orders_respect_dependencies() {
        let graph = graph_of(
            &[
                ("1_a.up.sql", "-- ratchet:requires 3\nSELECT 1;\n"),
                ("2_b.up.sql", "SELECT 2;\n"),
                ("3_c.up.sql", "SELECT 3;\n"),
            ],
            Dialect::Sqlite,
        )
        .unwrap();
        let all: BTreeSet<i64> = [1, 2, 3].into();
        assert_eq!(graph.apply_order(&all), [2, 3, 1]);
        assert_eq!(graph.rollback_order(&all), [2, 1, 3]);
        let graph = graph_of(SHOP, Dialect::Postgres).unwrap();
        let all: BTreeSet<i64> = (1..=7).collect();
        assert_eq!(graph.rollback_order(&all), [7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(graph.dependents_within(&[3].into(), &all), [4, 5].into());
        assert_eq!(
            graph.dependents_within(&[1].into(), &all),
            [2, 3, 4, 5, 7].into()
        );
    }
}
