//! Helpers shared by the drop, rename, type-advice and lock-timeout rules.
//!
//! - [`replay`]: the migration's up actions, each with [`Origins`]: which tables and
//!   columns the migration's earlier actions created. `ActionFacts::table_existed` tells a
//!   table created in this migration from an older one, but it also calls a table renamed
//!   earlier in the migration "new"; origins follow renames, so a rule can tell "created
//!   here" from "renamed here".
//! - [`declared_columns`]: every column definition a migration writes (CREATE TABLE,
//!   ADD COLUMN, ALTER COLUMN ... TYPE, MySQL MODIFY/CHANGE), with where to point at it.
//! - Name bookkeeping for replacements (a table dropped and another renamed into its
//!   place): the application keeps finding a table of that name.
//! - Integer keys, for the `prefer-bigint-*` rules.
//! - `lock_timeout` settings and the locks that make others queue.

use crate::lint::{Context, Report};
use crate::source::Phase;
use crate::sql::Dialect;
use std::collections::{BTreeMap, BTreeSet};

use crate::sql::analysis::{
    ActionFacts, AnalyzedScript, AnalyzedStatement, Catalog, Schema, TableInfo,
};
use crate::sql::classify;
use crate::sql::facts::{
    ColumnDef, Constraint, ConstraintKind, DataType, ForeignKey, Generated, Lock, Name, Op, PgLock,
};

/// One action of the up script with its statement and position among the script's
/// actions.
#[derive(Clone, Copy)]
pub(super) struct Step<'a> {
    /// The statement.
    pub statement: &'a AnalyzedStatement,
    /// The action.
    pub action: &'a ActionFacts,
    /// Its index among all the up script's actions, in order.
    pub index: usize,
}

/// Every action of the up script, in order.
pub(super) fn steps<'a>(cx: &Context<'a>) -> Vec<Step<'a>> {
    cx.migration
        .up
        .actions()
        .enumerate()
        .map(|(index, (statement, action))| Step {
            statement,
            action,
            index,
        })
        .collect()
}

/// Calls `f` for every action of the up script with what the migration's earlier actions
/// did.
pub(super) fn replay<'a>(cx: &Context<'a>, mut f: impl FnMut(Step<'a>, &Origins<'a>)) {
    let mut origins = Origins::new(cx.catalog);
    for step in steps(cx) {
        f(step, &origins);
        origins.apply(&step.action.action.op);
    }
}

/// A table's columns and constraints.
#[derive(Debug, Clone, Default)]
pub(super) struct TableShape {
    /// Its columns.
    pub columns: Vec<ColumnDef>,
    /// Its table constraints.
    pub constraints: Vec<Constraint>,
}

impl TableShape {
    fn of(table: &TableInfo) -> TableShape {
        TableShape {
            columns: table.columns.iter().map(|c| c.def.clone()).collect(),
            constraints: table
                .constraints
                .iter()
                .map(|c| Constraint {
                    name: c.name.clone(),
                    kind: c.kind.clone(),
                    not_valid: !c.validated,
                })
                .collect(),
        }
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// What a migration's actions so far did to the names they touch: the tables and columns
/// it created (followed through renames, so "created here" is not confused with "renamed
/// here", which `ActionFacts::table_existed` does not tell apart), and the shape of the
/// tables it created. The earlier schema is read from the catalog, never copied: linting
/// stays linear in the size of the migrations, whatever the size of the schema.
pub(super) struct Origins<'a> {
    catalog: &'a Catalog,
    /// Tables created by this migration, by current key, as they stand now.
    new_tables: BTreeMap<String, TableShape>,
    /// Older tables renamed by this migration: current key to the catalog's name.
    renamed: BTreeMap<String, Name>,
    /// Older tables' names dropped or renamed away by this migration.
    gone: BTreeSet<String>,
    /// Columns this migration added to older tables: (table key, column in lower case).
    new_columns: BTreeSet<(String, String)>,
}

impl<'a> Origins<'a> {
    fn new(catalog: &'a Catalog) -> Origins<'a> {
        Origins {
            catalog,
            new_tables: BTreeMap::new(),
            renamed: BTreeMap::new(),
            gone: BTreeSet::new(),
            new_columns: BTreeSet::new(),
        }
    }

    /// Whether `table` was created by this migration. A table ratchet does not know at
    /// all was created outside its history, and is assumed to be in use.
    pub fn created_here(&self, table: &Name) -> bool {
        self.new_tables.contains_key(&table.key())
    }

    /// Whether `table.column` was added by this migration (with its table or by ADD
    /// COLUMN).
    pub fn added_here(&self, table: &Name, column: &str) -> bool {
        self.created_here(table)
            || self
                .new_columns
                .contains(&(table.key(), column.to_lowercase()))
    }

    /// The table's columns and constraints as far as ratchet knows them: a table created
    /// by this migration as it stands now; an older one as the catalog has it (changes of
    /// this migration to older tables are not applied).
    pub fn shape(&self, table: &Name) -> Option<TableShape> {
        let key = table.key();
        if let Some(shape) = self.new_tables.get(&key) {
            return Some(shape.clone());
        }
        let original = match self.renamed.get(&key) {
            Some(original) => original,
            None if self.gone.contains(&key) => return None,
            None => table,
        };
        self.catalog.table(original).map(TableShape::of)
    }

    fn exists(&self, table: &Name) -> bool {
        let key = table.key();
        self.new_tables.contains_key(&key)
            || self.renamed.contains_key(&key)
            || (!self.gone.contains(&key) && self.catalog.table(table).is_some())
    }

    fn forget(&mut self, key: &str) {
        self.new_tables.remove(key);
        self.renamed.remove(key);
        self.new_columns.retain(|(t, _)| t != key);
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::CreateTable {
                table,
                columns,
                constraints,
                if_not_exists,
                ..
            } => {
                // `IF NOT EXISTS` of a table that exists creates nothing: it stays the old
                // table, in use.
                if *if_not_exists && self.exists(table) {
                    return;
                }
                let key = table.key();
                self.forget(&key);
                self.new_tables.insert(
                    key,
                    TableShape {
                        columns: columns.clone(),
                        constraints: constraints.clone(),
                    },
                );
            }
            Op::DropTable { table, .. } => {
                let key = table.key();
                self.forget(&key);
                self.gone.insert(key);
            }
            Op::RenameTable { table, to } => {
                let (from, to_key) = (table.key(), to.key());
                let shape = self.new_tables.remove(&from);
                let original = self.renamed.remove(&from);
                let columns: Vec<_> = self
                    .new_columns
                    .iter()
                    .filter(|(t, _)| *t == from)
                    .map(|(_, c)| c.clone())
                    .collect();
                self.forget(&from);
                self.forget(&to_key);
                self.gone.insert(from);
                match shape {
                    Some(shape) => {
                        self.new_tables.insert(to_key.clone(), shape);
                    }
                    None => {
                        self.renamed
                            .insert(to_key.clone(), original.unwrap_or_else(|| table.clone()));
                    }
                }
                for column in columns {
                    self.new_columns.insert((to_key.clone(), column));
                }
            }
            Op::AddColumn { table, column, .. } => {
                let key = table.key();
                match self.new_tables.get_mut(&key) {
                    Some(shape) => shape.columns.push(column.clone()),
                    None => {
                        self.new_columns.insert((key, column.name.to_lowercase()));
                    }
                }
            }
            Op::DropColumn { table, column, .. } => {
                let key = table.key();
                if let Some(shape) = self.new_tables.get_mut(&key) {
                    shape
                        .columns
                        .retain(|c| !c.name.eq_ignore_ascii_case(column));
                }
                self.new_columns.remove(&(key, column.to_lowercase()));
            }
            Op::AlterColumnType {
                table,
                column,
                data_type,
                ..
            } => {
                if let Some(c) = self
                    .new_tables
                    .get_mut(&table.key())
                    .and_then(|s| s.column_mut(column))
                {
                    c.data_type = data_type.clone();
                }
            }
            Op::AddConstraint { table, constraint } => {
                if let Some(shape) = self.new_tables.get_mut(&table.key()) {
                    shape.constraints.push(constraint.clone());
                }
            }
            _ => {}
        }
        // MySQL MODIFY/CHANGE redefines the whole column (under its new name).
        if let Op::RedefineColumn { table, column, new } = op
            && let Some(c) = self
                .new_tables
                .get_mut(&table.key())
                .and_then(|s| s.column_mut(column))
        {
            *c = new.clone();
        }
        // Renames (RENAME COLUMN, MySQL CHANGE): the column keeps its origin.
        if let Some((table, column, to)) = column_rename(op) {
            let key = table.key();
            if let Some(c) = self
                .new_tables
                .get_mut(&key)
                .and_then(|s| s.column_mut(column))
            {
                c.name = to.to_string();
            }
            if self
                .new_columns
                .remove(&(key.clone(), column.to_lowercase()))
            {
                self.new_columns.insert((key, to.to_lowercase()));
            }
        }
    }
}

/// Whether the migration is the contract step of an expand/contract change: the one that
/// removes the old shape after the application stopped using it.
pub(super) fn is_contract(cx: &Context<'_>) -> bool {
    cx.migration.up.directives.phase == Some(Phase::Contract)
}

/// Whether an action after `index` renames a table to `name`: the name is given back, as
/// in SQLite's table rebuild (`DROP TABLE t; ALTER TABLE t_new RENAME TO t`) or a swap
/// (`RENAME TABLE t TO t_old, t_new TO t`).
pub(super) fn table_name_given_back(steps: &[Step<'_>], index: usize, name: &Name) -> bool {
    steps[index + 1..].iter().any(
        |s| matches!(&s.action.action.op, Op::RenameTable { to, .. } if to.key() == name.key()),
    )
}

/// Whether an action before `index` dropped or renamed away the table `name`: a rename
/// to it completes a rebuild or a swap.
pub(super) fn table_name_vacated(steps: &[Step<'_>], index: usize, name: &Name) -> bool {
    steps[..index].iter().any(|s| match &s.action.action.op {
        Op::DropTable { table, .. } | Op::RenameTable { table, .. } => table.key() == name.key(),
        _ => false,
    })
}

/// The new name of a column renamed by `op` (PostgreSQL/SQLite/MySQL `RENAME COLUMN`, or
/// MySQL `CHANGE old new ...` with a different name).
pub(super) fn column_rename(op: &Op) -> Option<(&Name, &str, &str)> {
    match op {
        Op::RenameColumn { table, column, to } if !column.eq_ignore_ascii_case(to) => {
            Some((table, column.as_str(), to.as_str()))
        }
        Op::RedefineColumn { table, column, new } if !column.eq_ignore_ascii_case(&new.name) => {
            Some((table, column.as_str(), new.name.as_str()))
        }
        _ => None,
    }
}

/// Whether an action after `index` renames another column of `table` to `column`.
pub(super) fn column_name_given_back(
    steps: &[Step<'_>],
    index: usize,
    table: &Name,
    column: &str,
) -> bool {
    steps[index + 1..].iter().any(|s| {
        column_rename(&s.action.action.op)
            .is_some_and(|(t, _, to)| t.key() == table.key() && to.eq_ignore_ascii_case(column))
    })
}

/// Whether an action before `index` dropped or renamed away the column `table.column`.
pub(super) fn column_name_vacated(
    steps: &[Step<'_>],
    index: usize,
    table: &Name,
    column: &str,
) -> bool {
    steps[..index].iter().any(|s| match &s.action.action.op {
        Op::DropColumn {
            table: t,
            column: c,
            ..
        } => t.key() == table.key() && c.eq_ignore_ascii_case(column),
        op => column_rename(op)
            .is_some_and(|(t, c, _)| t.key() == table.key() && c.eq_ignore_ascii_case(column)),
    })
}

/// A column definition written by a migration.
pub(super) struct Declared<'a> {
    /// The statement.
    pub statement: &'a AnalyzedStatement,
    /// The table.
    pub table: &'a Name,
    /// The column (its new name, for MySQL's CHANGE).
    pub column: &'a str,
    /// The type written.
    pub data_type: &'a DataType,
    /// The whole definition (not for `ALTER COLUMN ... TYPE`, which writes only a type).
    pub def: Option<&'a ColumnDef>,
    /// The table constraints written with it (CREATE TABLE only).
    pub constraints: &'a [Constraint],
    /// Where to point: the column's name in the statement, or the action's offset.
    pub offset: usize,
}

impl Declared<'_> {
    /// `table.column`, for messages.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.table, self.column)
    }
}

/// Every column definition in `script`, in order.
pub(super) fn declared_columns(script: &AnalyzedScript) -> Vec<Declared<'_>> {
    script
        .actions()
        .flat_map(|(statement, action)| declared_in(statement, action))
        .collect()
}

/// The column definitions one action writes.
pub(super) fn declared_in<'a>(
    statement: &'a AnalyzedStatement,
    action: &'a ActionFacts,
) -> Vec<Declared<'a>> {
    let sql = &statement.statement.sql;
    let from = action.action.offset;
    let locate = |def: &ColumnDef| locate_column(sql, from, &def.name, &def.data_type.text);
    let one = |table, def: &'a ColumnDef| Declared {
        statement,
        table,
        column: &def.name,
        data_type: &def.data_type,
        def: Some(def),
        constraints: &[],
        offset: locate(def).unwrap_or(from),
    };
    match &action.action.op {
        Op::CreateTable {
            table,
            columns,
            constraints,
            ..
        } => columns
            .iter()
            .map(|def| Declared {
                constraints,
                ..one(table, def)
            })
            .collect(),
        Op::AddColumn { table, column, .. } => vec![one(table, column)],
        Op::RedefineColumn { table, new, .. } => vec![one(table, new)],
        Op::AlterColumnType {
            table,
            column,
            data_type,
            ..
        } => vec![Declared {
            statement,
            table,
            column,
            data_type,
            def: None,
            constraints: &[],
            offset: from,
        }],
        _ => Vec::new(),
    }
}

/// Reports every declared column of the up script whose type `bad` picks, with the
/// message and help the two closures write.
pub(super) fn report_types(
    cx: &Context<'_>,
    report: &mut Report,
    bad: impl Fn(&DataType) -> bool,
    message: impl Fn(&Declared<'_>) -> String,
    help: impl Fn(&Declared<'_>) -> String,
) {
    let up = &cx.migration.up;
    for declared in declared_columns(up) {
        if bad(declared.data_type) {
            report.at(
                up,
                declared.statement,
                declared.offset,
                message(&declared),
                help(&declared),
            );
        }
    }
}

/// The byte offset of a column definition's name in `sql`, searching from `from`: the
/// first occurrence of the name (bare or quoted) followed by the first word of its type.
/// `None` when the text does not show it plainly (the caller points at the action).
fn locate_column(sql: &str, from: usize, name: &str, type_text: &str) -> Option<usize> {
    // ASCII lower-casing keeps byte offsets valid.
    let haystack = sql.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let type_word: String = type_text
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '"')
        .collect();
    if name.is_empty() || type_word.is_empty() {
        return None;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut start = from.min(haystack.len());
    while let Some(found) = haystack.get(start..)?.find(&name) {
        let at = start + found;
        let end = at + name.len();
        start = end;
        let before = haystack[..at].chars().next_back();
        if before.is_some_and(|c| is_ident(c) && c != '"' && c != '`') {
            continue;
        }
        let rest = &haystack[end..];
        let quoted = before.is_some_and(|c| c == '"' || c == '`' || c == '[');
        let rest = if quoted {
            match rest.strip_prefix(['"', '`', ']']) {
                Some(r) => r,
                None => continue,
            }
        } else if rest.starts_with(is_ident) {
            continue;
        } else {
            rest
        };
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() {
            continue;
        }
        if trimmed.starts_with(&type_word) {
            return Some(if quoted { at - 1 } else { at });
        }
    }
    None
}

/// How wide an integer type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum IntWidth {
    /// 8, 16 or 24 bits: `smallint`, `smallserial`, MySQL `tinyint`, `mediumint`.
    Small,
    /// 32 bits: `integer`, `serial`, MySQL `int`.
    Int,
    /// 64 bits: `bigint`, `bigserial`, MySQL `serial`.
    Big,
}

/// The width of an integer type on `dialect`; `None` for every other type (arrays too).
pub(super) fn int_width(data_type: &DataType, dialect: Dialect) -> Option<IntWidth> {
    if data_type.array {
        return None;
    }
    let name = data_type.name.to_ascii_lowercase();
    // MySQL's sign and display width do not change the storage size.
    let name = name
        .trim_end_matches(" zerofill")
        .trim_end_matches(" unsigned")
        .trim_end_matches(" signed");
    match (dialect, name) {
        (_, "smallint" | "smallserial" | "int2" | "serial2") => Some(IntWidth::Small),
        (Dialect::Mysql, "tinyint" | "mediumint" | "middleint" | "int1" | "int3") => {
            Some(IntWidth::Small)
        }
        (_, "integer" | "int" | "int4") => Some(IntWidth::Int),
        (Dialect::Postgres, "serial" | "serial4") => Some(IntWidth::Int),
        (_, "bigint" | "int8" | "bigserial" | "serial8") => Some(IntWidth::Big),
        // MySQL's SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
        (Dialect::Mysql, "serial") => Some(IntWidth::Big),
        _ => None,
    }
}

/// Whether an integer type is MySQL `UNSIGNED` (twice the positive range).
pub(super) fn is_unsigned(data_type: &DataType) -> bool {
    let lower = |s: &str| s.to_ascii_lowercase();
    lower(&data_type.name).contains("unsigned")
        || lower(&data_type.text).contains("unsigned")
        || data_type.args.iter().any(|a| lower(a) == "unsigned")
}

/// The largest value of an integer type, for messages.
pub(super) fn max_value(data_type: &DataType) -> &'static str {
    match (bits(data_type), is_unsigned(data_type)) {
        ("8-bit", false) => "127",
        ("8-bit", true) => "255",
        ("16-bit", false) => "32,767",
        ("16-bit", true) => "65,535",
        ("24-bit", false) => "8,388,607",
        ("24-bit", true) => "16,777,215",
        ("32-bit", false) => "2,147,483,647",
        ("32-bit", true) => "4,294,967,295",
        (_, false) => "9,223,372,036,854,775,807",
        (_, true) => "18,446,744,073,709,551,615",
    }
}

/// What kind of generated key a column is, for messages: "primary key", "identity
/// column"...; `None` when it is not a key whose values keep growing.
pub(super) fn key_kind(
    column: &str,
    data_type: &DataType,
    def: Option<&ColumnDef>,
    constraints: &[Constraint],
    dialect: Dialect,
) -> Option<&'static str> {
    let name = data_type.name.to_ascii_lowercase();
    match def.and_then(|d| d.generated.as_ref()) {
        Some(Generated::Identity) => return Some("identity column"),
        Some(Generated::Serial) if dialect == Dialect::Mysql => {
            return Some("AUTO_INCREMENT column");
        }
        Some(Generated::Serial) => return Some("serial column"),
        _ => {}
    }
    if dialect == Dialect::Postgres && name.contains("serial") {
        return Some("serial column");
    }
    // A key of one column only: the columns of a composite key usually reference other
    // tables' keys, where the advice belongs.
    let single_pk =
        |columns: &[String]| columns.len() == 1 && columns[0].eq_ignore_ascii_case(column);
    let in_constraints = constraints.iter().any(
        |c| matches!(&c.kind, ConstraintKind::PrimaryKey { columns, .. } if single_pk(columns)),
    );
    if def.is_some_and(|d| d.primary_key) || in_constraints {
        return Some("primary key");
    }
    None
}

/// A foreign key as declared: inline on a column (`Some`) or as a table constraint.
type DeclaredKey<'a> = (&'a ForeignKey, Option<&'a ColumnDef>);

/// A single-column foreign key that a step declares, with the referencing column's type
/// and the referenced key column's type.
pub(super) struct Reference {
    /// `table.column` of the referencing column.
    pub column: String,
    /// Its type.
    pub data_type: DataType,
    /// `table.column` of the referenced key.
    pub target: String,
    /// The referenced key's type.
    pub target_type: DataType,
    /// Where to point: the referencing column's definition, or the action.
    pub offset: usize,
}

/// The foreign keys `step` declares (inline `REFERENCES`, `FOREIGN KEY` constraints of a
/// new table, `ADD CONSTRAINT ... FOREIGN KEY`) whose two types are known.
pub(super) fn references(step: Step<'_>, origins: &Origins<'_>) -> Vec<Reference> {
    let sql = &step.statement.statement.sql;
    let from = step.action.action.offset;
    // The table being created is not in the catalog yet, and may reference itself.
    let (table, own, fks): (&Name, &[ColumnDef], Vec<DeclaredKey<'_>>) =
        match &step.action.action.op {
            Op::CreateTable {
                table,
                columns,
                constraints,
                ..
            } => {
                let mut fks: Vec<_> = columns
                    .iter()
                    .filter_map(|c| c.references.as_ref().map(|fk| (fk, Some(c))))
                    .collect();
                fks.extend(constraints.iter().filter_map(|c| match &c.kind {
                    ConstraintKind::ForeignKey(fk) => Some((fk, None)),
                    _ => None,
                }));
                (table, columns.as_slice(), fks)
            }
            Op::AddColumn { table, column, .. } => (
                table,
                std::slice::from_ref(column),
                column
                    .references
                    .iter()
                    .map(|fk| (fk, Some(column)))
                    .collect(),
            ),
            Op::AddConstraint {
                table,
                constraint:
                    Constraint {
                        kind: ConstraintKind::ForeignKey(fk),
                        ..
                    },
            } => (table, &[][..], vec![(fk, None)]),
            _ => return Vec::new(),
        };
    let mut out = Vec::new();
    for (fk, inline) in fks {
        // Composite keys pair columns by position; only single-column keys are judged.
        let column = match inline {
            Some(def) => def.name.clone(),
            None if fk.columns.len() == 1 => fk.columns[0].clone(),
            None => continue,
        };
        let data_type = own
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&column))
            .map(|c| c.data_type.clone())
            .or_else(|| {
                let shape = origins.shape(table)?;
                let found = shape
                    .columns
                    .into_iter()
                    .find(|c| c.name.eq_ignore_ascii_case(&column))?;
                Some(found.data_type)
            });
        let Some(data_type) = data_type else {
            continue;
        };
        let target: Option<ColumnDef> = if fk.table.key() == table.key() && !own.is_empty() {
            let constraints = match &step.action.action.op {
                Op::CreateTable { constraints, .. } => constraints.as_slice(),
                _ => &[],
            };
            key_column(own, constraints, &fk.referred).cloned()
        } else {
            origins
                .shape(&fk.table)
                .and_then(|t| key_column(&t.columns, &t.constraints, &fk.referred).cloned())
        };
        let Some(target) = target else {
            continue;
        };
        out.push(Reference {
            column: format!("{table}.{column}"),
            offset: locate_column(sql, from, &column, &data_type.text).unwrap_or(from),
            data_type,
            target: format!("{}.{}", fk.table, target.name),
            target_type: target.data_type,
        });
    }
    out
}

/// The referenced column of a foreign key: the one named, or the table's single-column
/// primary key.
fn key_column<'c>(
    columns: &'c [ColumnDef],
    constraints: &[Constraint],
    referred: &[String],
) -> Option<&'c ColumnDef> {
    let name = match referred {
        [one] => one.clone(),
        [] => {
            if let Some(c) = columns.iter().find(|c| c.primary_key) {
                return Some(c);
            }
            constraints.iter().find_map(|c| match &c.kind {
                ConstraintKind::PrimaryKey { columns, .. } if columns.len() == 1 => {
                    Some(columns[0].clone())
                }
                _ => None,
            })?
        }
        _ => return None,
    };
    columns.iter().find(|c| c.name.eq_ignore_ascii_case(&name))
}

/// What a statement does to PostgreSQL's `lock_timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LockTimeout {
    /// Sets a timeout.
    Enabled,
    /// Sets it to 0, or resets it to the server's default (0 unless the server or role
    /// sets one): lock waits are unbounded.
    Disabled {
        /// `SET LOCAL`: until the end of the transaction only.
        local: bool,
    },
}

/// What `statement` does to `lock_timeout`, if anything: `SET [LOCAL|SESSION]
/// lock_timeout`, `RESET lock_timeout`, `RESET ALL`, or `SELECT set_config('lock_timeout',
/// ...)`.
pub(super) fn lock_timeout_change(statement: &AnalyzedStatement) -> Option<LockTimeout> {
    let mut change = None;
    for action in &statement.actions {
        match &action.action.op {
            Op::SetSetting { name, value, local } => {
                let name = name.to_ascii_lowercase();
                let value = value.trim().trim_matches(['\'', '"']).trim();
                if name == "lock_timeout" {
                    change = Some(timeout_value(value, *local));
                } else if name == "all" && value.is_empty() {
                    change = Some(LockTimeout::Disabled { local: *local });
                }
            }
            Op::Query { .. } => {
                if let Some(found) = set_config_lock_timeout(&statement.statement.sql) {
                    change = Some(found);
                }
            }
            _ => {}
        }
    }
    change
}

/// The meaning of a `lock_timeout` value: `0`, `'0ms'`, `DEFAULT` or an empty (RESET)
/// value disable it; any other number enables it.
fn timeout_value(value: &str, local: bool) -> LockTimeout {
    let lower = value.to_ascii_lowercase();
    if lower.is_empty() || lower == "default" {
        return LockTimeout::Disabled { local };
    }
    let number: String = lower
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    // A value that is not a number is left to PostgreSQL to reject: not reported.
    if number.parse::<f64>().is_ok_and(|n| n == 0.0) {
        LockTimeout::Disabled { local }
    } else {
        LockTimeout::Enabled
    }
}

/// `set_config('lock_timeout', '<value>', <is_local>)` in a query (the function form of
/// SET, which some tools use): its value and scope.
fn set_config_lock_timeout(sql: &str) -> Option<LockTimeout> {
    let lower = sql.to_ascii_lowercase();
    let at = lower.find("set_config")?;
    let rest = &lower[at..];
    let name_at = rest.find("'lock_timeout'")? + "'lock_timeout'".len();
    let rest = &rest[name_at..];
    let open = rest.find('\'')?;
    let close = rest[open + 1..].find('\'')? + open + 1;
    let value = &rest[open + 1..close];
    let local = rest[close + 1..]
        .trim_start_matches([',', ' ', '\n', '\t'])
        .starts_with("true");
    Some(timeout_value(value, local))
}

/// Whether a statement is a `CONCURRENTLY` one (index build, drop or rebuild, partition
/// detach...): it waits for older transactions by design and blocks no reads or writes,
/// so a lock timeout would only make it fail. ratchet lifts its own timeout for these.
pub(super) fn is_concurrent(statement: &AnalyzedStatement) -> bool {
    statement.actions.iter().any(|a| {
        matches!(
            a.action.op,
            Op::CreateIndex(crate::sql::facts::IndexDef {
                concurrently: true,
                ..
            }) | Op::DropIndex {
                concurrently: true,
                ..
            } | Op::Reindex {
                concurrently: true,
                ..
            }
        )
    }) || classify::leading_words(&statement.statement.sql, 4)
        .iter()
        .any(|w| w == "CONCURRENTLY")
        || statement
            .statement
            .sql
            .to_ascii_uppercase()
            .split_whitespace()
            .any(|w| w == "CONCURRENTLY")
}

/// The lock an action takes that makes other sessions queue behind it while it waits:
/// one that blocks writes (`SHARE` and stronger) on a table that existed before the
/// migration. Tables created by this migration have no other users.
pub(super) fn queueing_lock(step: Step<'_>, origins: &Origins<'_>) -> Option<PgLock> {
    let Lock::Postgres { mode } = step.action.effects.lock else {
        return None;
    };
    if mode < PgLock::Share {
        return None;
    }
    match step.action.action.op.table() {
        Some(table) if origins.created_here(table) => None,
        _ => Some(mode),
    }
}

/// The integer-key rules: reports keys of `width` whose values keep growing (primary
/// keys, identity, serial and AUTO_INCREMENT columns), and foreign key columns of `width`
/// that reference a wider key.
pub(super) fn check_int_keys(cx: &Context<'_>, report: &mut Report, width: IntWidth) {
    let up = &cx.migration.up;
    let dialect = cx.dialect;
    let wider = match width {
        IntWidth::Small => "integer or bigint",
        _ => "bigint",
    };
    let remedy = match dialect {
        Dialect::Mysql => "use BIGINT (BIGINT UNSIGNED AUTO_INCREMENT for a generated key)",
        _ => "use bigint (bigint GENERATED ALWAYS AS IDENTITY, or bigserial, for a generated key)",
    };
    replay(cx, |step, origins| {
        for declared in declared_in(step.statement, step.action) {
            if int_width(declared.data_type, dialect) != Some(width) {
                continue;
            }
            // `ALTER COLUMN ... TYPE` writes only the type, and MODIFY/CHANGE no table
            // constraints: the rest is in the table as it stands.
            let shape = match &step.action.action.op {
                Op::AlterColumnType { .. } | Op::RedefineColumn { .. } => {
                    origins.shape(declared.table).unwrap_or_default()
                }
                _ => TableShape::default(),
            };
            let previous = shape
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(declared.column));
            let constraints = if declared.constraints.is_empty() {
                &shape.constraints
            } else {
                declared.constraints
            };
            let Some(kind) = key_kind(
                declared.column,
                declared.data_type,
                declared.def.or(previous),
                constraints,
                dialect,
            ) else {
                continue;
            };
            let limit = max_value(declared.data_type);
            let later = match dialect {
                Dialect::Mysql => format!("copies {} and blocks writes to it", declared.table),
                _ => format!(
                    "rewrites {} (and every foreign key column referencing it) under an \
                     ACCESS EXCLUSIVE lock",
                    declared.table
                ),
            };
            let size = bits(declared.data_type);
            let article = if size.starts_with('8') { "an" } else { "a" };
            report.at(
                up,
                declared.statement,
                declared.offset,
                format!(
                    "{} is {article} {size} {kind} ({}): inserts fail once its values pass \
                     {limit}, and changing it to {wider} then {later}",
                    declared.qualified(),
                    declared.data_type.text,
                ),
                remedy,
            );
        }
        for reference in references(step, origins) {
            let ours = int_width(&reference.data_type, dialect);
            let theirs = int_width(&reference.target_type, dialect);
            if ours != Some(width) || theirs.is_none_or(|t| t <= width) {
                continue;
            }
            let limit = max_value(&reference.data_type);
            report.at(
                up,
                step.statement,
                reference.offset,
                format!(
                    "{} is {} but references {}, a {}: once that key passes {limit}, rows \
                     referencing it cannot be stored",
                    reference.column,
                    reference.data_type.text,
                    reference.target,
                    reference.target_type.text,
                ),
                format!(
                    "give {} the type of the key it references ({})",
                    reference.column, reference.target_type.text
                ),
            );
        }
    });
}

/// The size of an integer type, for messages.
fn bits(data_type: &DataType) -> &'static str {
    let name = data_type.name.to_ascii_lowercase();
    if name.starts_with("tinyint") || name.starts_with("int1") {
        "8-bit"
    } else if name.starts_with("mediumint") || name.starts_with("middleint") || name == "int3" {
        "24-bit"
    } else if name.contains("small") || name.starts_with("int2") || name == "serial2" {
        "16-bit"
    } else if name.contains("big") || name == "int8" || name == "serial8" {
        "64-bit"
    } else {
        "32-bit"
    }
}

/// Who queues behind a session waiting for `mode` on `table`, for messages.
pub(super) fn who_queues(mode: PgLock, table: Option<&Name>) -> String {
    let table = table.map_or_else(|| "the table".to_string(), ToString::to_string);
    if mode == PgLock::AccessExclusive {
        format!("every query on {table}, reads included,")
    } else {
        format!("every write to {table}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_located_by_name_and_type() {
        let sql = "CREATE TABLE id (\n    id serial PRIMARY KEY,\n    \"Email\" varchar(10)\n)";
        // The table's name is not the column: the type must follow.
        assert_eq!(locate_column(sql, 0, "id", "serial"), Some(22));
        assert_eq!(&sql[22..24], "id");
        let at = locate_column(sql, 0, "Email", "varchar(10)").unwrap();
        assert_eq!(&sql[at..at + 7], "\"Email\"");
        assert_eq!(locate_column(sql, 0, "missing", "text"), None);
        // Names inside other names do not match.
        let sql = "ALTER TABLE t ADD COLUMN user_id int, ADD COLUMN id int";
        let at = locate_column(sql, 0, "id", "int").unwrap();
        assert_eq!(&sql[at - 7..at + 2], "COLUMN id");
    }

    #[test]
    fn lock_timeout_values() {
        assert_eq!(
            timeout_value("0", false),
            LockTimeout::Disabled { local: false }
        );
        assert_eq!(
            timeout_value("0ms", true),
            LockTimeout::Disabled { local: true }
        );
        assert_eq!(
            timeout_value("DEFAULT", false),
            LockTimeout::Disabled { local: false }
        );
        assert_eq!(
            timeout_value("", false),
            LockTimeout::Disabled { local: false }
        );
        assert_eq!(timeout_value("5s", false), LockTimeout::Enabled);
        assert_eq!(timeout_value("100", false), LockTimeout::Enabled);
        assert_eq!(
            set_config_lock_timeout("SELECT set_config('lock_timeout', '0', true)"),
            Some(LockTimeout::Disabled { local: true })
        );
        assert_eq!(
            set_config_lock_timeout("select pg_catalog.set_config('lock_timeout', '2s', false)"),
            Some(LockTimeout::Enabled)
        );
        assert_eq!(set_config_lock_timeout("SELECT 1"), None);
    }

    #[test]
    fn integer_widths_per_dialect() {
        let t = |name: &str| DataType {
            name: name.into(),
            args: Vec::new(),
            array: false,
            text: name.into(),
        };
        assert_eq!(
            int_width(&t("serial"), Dialect::Postgres),
            Some(IntWidth::Int)
        );
        assert_eq!(int_width(&t("serial"), Dialect::Mysql), Some(IntWidth::Big));
        assert_eq!(
            int_width(&t("int unsigned"), Dialect::Mysql),
            Some(IntWidth::Int)
        );
        assert_eq!(
            int_width(&t("mediumint"), Dialect::Mysql),
            Some(IntWidth::Small)
        );
        assert_eq!(int_width(&t("numeric"), Dialect::Postgres), None);
        assert_eq!(max_value(&t("int unsigned")), "4,294,967,295");
        assert_eq!(max_value(&t("tinyint")), "127");
        assert_eq!(max_value(&t("smallserial")), "32,767");
    }
}
