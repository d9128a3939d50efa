//! `ratchet revert V`: undo an applied migration with a new forward migration.
//!
//! The new migration takes the next version, is named `revert_<name>` and starts with
//! `-- ratchet:reverts V`; applying it (`ratchet up`) links V's live ledger row to it
//! (`reverted_by`). Its statements come from V's down file when V has one, copied as
//! written (an empty down file does not count); otherwise they are generated from V's statement facts, last statement first,
//! for what can be inverted without knowing data:
//!
//! | V did | the revert does |
//! |---|---|
//! | `CREATE TABLE` | `DROP TABLE` |
//! | `ADD COLUMN` | `DROP COLUMN` |
//! | `CREATE INDEX` | `DROP INDEX` (`CONCURRENTLY` on PostgreSQL, in a `no-transaction` migration) |
//! | `ADD CONSTRAINT` (named) | `DROP CONSTRAINT` (MySQL: `DROP FOREIGN KEY`, `DROP INDEX`, `DROP PRIMARY KEY`) |
//! | `CREATE TYPE`, `VIEW`, `TRIGGER`, `FUNCTION`, `PROCEDURE`, `SEQUENCE`... | `DROP` it |
//! | `RENAME` a table or column | rename it back |
//! | `SET NOT NULL` | `DROP NOT NULL` |
//!
//! Whatever lives inside a table V created (its columns, indexes, triggers, rows) goes
//! with the table. Everything else (a `DROP`, a data change, a type change, a statement
//! ratchet cannot read) cannot be inverted from the statement alone: the revert is then
//! refused, naming each such statement by file and line, and must be written by hand.
//!
//! Nothing is accepted on the user's behalf: a generated `DROP COLUMN` is reported by
//! `ban-drop-column` like any other until someone reviews it and adds an allow.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::graph::Graph;
use crate::ledger::LedgerRow;
use crate::source::{self, Migration, MigrationSet, SourceFormat};
use crate::sql::Dialect;
use crate::sql::analysis::{AnalyzedMigration, Analyzer, Catalog, Schema};
use crate::sql::facts::{ConstraintKind, Name, ObjectKind, Op};
use crate::status::{self, State};
use crate::{Error, Result};

/// A revert, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct Revert {
    /// The migration it undoes.
    pub reverts: i64,
    /// That migration's name.
    pub reverts_name: String,
    /// The new migration's version.
    pub version: i64,
    /// The new migration's name (`revert_<name>`).
    pub name: String,
    /// Where its statements come from (for the connected engine).
    pub source: RevertSource,
    /// The files to write: the plain one first, then variants for other engines when V
    /// has dialect variants.
    pub files: Vec<RevertFile>,
    /// What a person must check before applying it (besides lint's findings).
    pub review: Vec<String>,
}

/// Where a revert's statements come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevertSource {
    /// Copied from the migration's down file.
    DownFile {
        /// The down file.
        path: PathBuf,
    },
    /// Generated from the migration's statement facts.
    Generated {
        /// How many statements were generated.
        statements: usize,
    },
}

/// One file of a revert.
#[derive(Debug, Clone, Serialize)]
pub struct RevertFile {
    /// Where it goes.
    pub path: PathBuf,
    /// The engine it is for, when it is a dialect variant (`.up.mysql.sql`).
    pub dialect: Option<Dialect>,
    /// Its text.
    #[serde(skip)]
    pub text: String,
}

/// Prepares the revert of migration `version` (which must be applied and not yet
/// reverted), its statements read in `dialect`. Nothing is written.
pub fn plan(
    set: &MigrationSet,
    rows: &[LedgerRow],
    version: i64,
    dialect: Dialect,
) -> Result<Revert> {
    let Some(migration) = set.get(version) else {
        return Err(Error::Usage(format!(
            "there is no migration {version} in {}; `ratchet status` lists them",
            set.dir.display()
        )));
    };
    refuse_unrevertable(set, rows, migration)?;
    let (text, source, mut review) = revert_text(set, migration, dialect)?;
    review.extend(dependents_review(set, rows, version, dialect)?);
    let new_version = crate::source::next_version(set.migrations.iter().map(|m| m.version));
    let name = format!(
        "revert_{}",
        crate::source::slug(&migration.name).unwrap_or_else(|| "migration".into())
    );
    let mut files = vec![RevertFile {
        path: path_for(set, new_version, &name, None),
        dialect: None,
        text: wrap_for_layout(set.format, &text),
    }];
    if set.format == SourceFormat::Native {
        for other in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            if other == dialect {
                continue;
            }
            // Another engine only needs a file of its own when V has one for it.
            let Ok(other_set) = source::load(&set.dir, Some(set.format), other) else {
                continue;
            };
            let Some(theirs) = other_set.get(version) else {
                continue;
            };
            let down_path = |m: &Migration| m.down.as_ref().map(|d| d.path.clone());
            if theirs.up.path == migration.up.path && down_path(theirs) == down_path(migration) {
                continue;
            }
            match revert_text(&other_set, theirs, other) {
                Ok((their_text, _, their_review)) if their_text != text => {
                    files.push(RevertFile {
                        path: path_for(set, new_version, &name, Some(other)),
                        dialect: Some(other),
                        text: their_text,
                    });
                    review.extend(their_review.into_iter().map(|r| format!("{other}: {r}")));
                }
                Ok(_) => {}
                Err(e) => review.push(format!(
                    "no {other} variant was written ({e}); on {other} the plain file runs: \
                     write {} by hand",
                    path_for(set, new_version, &name, Some(other)).display()
                )),
            }
        }
    }
    Ok(Revert {
        reverts: version,
        reverts_name: migration.name.clone(),
        version: new_version,
        name,
        source,
        files,
        review,
    })
}

/// Writes a revert's files; refuses to overwrite anything.
pub fn write(revert: &Revert) -> Result<()> {
    for file in &revert.files {
        if file.path.exists() {
            return Err(Error::Usage(format!(
                "{} already exists; nothing was written",
                file.path.display()
            )));
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    for file in &revert.files {
        let outcome = file
            .path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&file.path, &file.text));
        if let Err(e) = outcome {
            // Leave no half-written revert behind.
            for path in written {
                let _ = std::fs::remove_file(path);
            }
            return Err(Error::io(&file.path, e));
        }
        written.push(&file.path);
    }
    Ok(())
}

/// Only an applied migration that is not already reverted (or about to be) can be.
fn refuse_unrevertable(
    set: &MigrationSet,
    rows: &[LedgerRow],
    migration: &Migration,
) -> Result<()> {
    let version = migration.version;
    let statuses = status::compute(set, rows);
    let state = statuses
        .iter()
        .find(|s| s.version == version)
        .map_or(State::Pending, |s| s.state);
    let refused = |message: String| Err(Error::Refused { message });
    match state {
        State::Applied => {}
        State::Pending | State::RolledBack => {
            return refused(format!(
                "migration {version} is not applied ({}): there is nothing to revert",
                state.as_str().replace('_', " ")
            ));
        }
        State::Failed => {
            return refused(format!(
                "migration {version} failed part-way: finish or undo its committed statements \
                 by hand, then run `ratchet repair {version}`; a revert undoes applied \
                 migrations"
            ));
        }
        State::Drifted => {
            return refused(format!(
                "migration {version} has drifted: its file is not what was applied, so a revert \
                 written from it could undo the wrong thing; restore the file (or accept the \
                 change with `ratchet repair {version}`) first"
            ));
        }
        State::Missing => {
            return refused(format!("migration {version} has no file to revert from"));
        }
    }
    if let Some(by) = rows
        .iter()
        .find(|r| r.is_live() && r.version == version)
        .and_then(|r| r.reverted_by)
    {
        return refused(format!(
            "migration {version} is already reverted by migration {by}; `ratchet history` \
             shows when"
        ));
    }
    if let Some(other) = set
        .migrations
        .iter()
        .find(|m| m.up.directives.reverts == Some(version))
    {
        let applied = statuses
            .iter()
            .any(|s| s.version == other.version && s.state == State::Applied);
        return refused(if applied {
            format!(
                "{} already reverts migration {version}, and is applied",
                other.up.path.display()
            )
        } else {
            format!(
                "{} already reverts migration {version} and is not applied yet: review it and \
                 run `ratchet up`, or delete it to write a new one",
                other.up.path.display()
            )
        });
    }
    Ok(())
}

/// Applied migrations that depend on the reverted one stay applied: the reviewer must
/// know.
fn dependents_review(
    set: &MigrationSet,
    rows: &[LedgerRow],
    version: i64,
    dialect: Dialect,
) -> Result<Vec<String>> {
    let graph = Graph::build(set, dialect)?;
    let applied: BTreeSet<i64> = rows
        .iter()
        .filter(|r| r.is_live() && r.reverted_by.is_none())
        .map(|r| r.version)
        .collect();
    // A dependent whose own revert is already written will be undone first.
    let reverting: BTreeSet<i64> = set
        .migrations
        .iter()
        .filter_map(|m| m.up.directives.reverts)
        .collect();
    Ok(graph
        .dependents(version)
        .into_iter()
        .filter(|(v, _)| applied.contains(v) && !reverting.contains(v))
        .map(|(v, dep)| {
            format!(
                "migration {v} depends on {version} ({}) and stays applied: revert it first \
                 (`ratchet revert {v}`), or check that it still works once this revert ran",
                dep.reasons.join("; ")
            )
        })
        .collect())
}

/// The revert's text for one engine, where it came from, and review notes.
fn revert_text(
    set: &MigrationSet,
    migration: &Migration,
    dialect: Dialect,
) -> Result<(String, RevertSource, Vec<String>)> {
    let version = migration.version;
    let file_name = |path: &Path| {
        path.file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
    };
    // An empty down section (dbmate's `-- migrate:down` with nothing under it, a
    // template never filled) undoes nothing: generate instead.
    if let Some(down) = migration.down.as_ref().filter(|d| !d.statements.is_empty()) {
        let body = if down.path == migration.up.path {
            // A down section of the up file (dbmate): its statements, as written.
            down.statements
                .iter()
                .map(|s| format!("{};\n", s.sql))
                .collect::<String>()
        } else {
            std::fs::read_to_string(&down.path).map_err(|e| Error::io(&down.path, e))?
        };
        let text = format!(
            "-- ratchet:reverts {version}\n\
             -- Reverts migration {version} ({}), copied by `ratchet revert {version}`\n\
             -- from {}. Review it before `ratchet up`.\n{body}",
            migration.name,
            file_name(&down.path),
        );
        return Ok((
            text,
            RevertSource::DownFile {
                path: down.path.clone(),
            },
            Vec::new(),
        ));
    }
    let generated = generate(set, migration, dialect)?;
    let mut text = format!("-- ratchet:reverts {version}\n");
    if generated.no_transaction {
        text.push_str("-- ratchet:no-transaction\n");
    }
    text.push_str(&format!(
        "-- Reverts migration {version} ({}), generated by `ratchet revert {version}`\n\
         -- from the statements of {}, last first. Review it before `ratchet up`.\n",
        migration.name,
        file_name(&migration.up.path),
    ));
    for statement in &generated.statements {
        text.push_str(statement);
        text.push('\n');
    }
    Ok((
        text,
        RevertSource::Generated {
            statements: generated.statements.len(),
        },
        generated.review,
    ))
}

/// Statements generated from a migration's facts.
struct Generated {
    statements: Vec<String>,
    /// Whether a statement cannot run in a transaction (PostgreSQL `CONCURRENTLY`).
    no_transaction: bool,
    review: Vec<String>,
}

/// The inverse of one action.
enum Inverse {
    /// This statement undoes it.
    Statement(String),
    /// Nothing to undo (a setting, a query, something inside a table that is dropped).
    Nothing,
    /// It cannot be undone from the statement alone; why.
    Impossible(String),
}

/// Generates the inverse of a migration's up script, last statement first.
fn generate(set: &MigrationSet, migration: &Migration, dialect: Dialect) -> Result<Generated> {
    // The schema before the migration, and what earlier migrations created: a CREATE OR
    // REPLACE of one of those cannot be undone by dropping it.
    let mut analyzer = Analyzer::new(dialect, Default::default());
    let mut earlier_objects: BTreeSet<(ObjectKind, String)> = BTreeSet::new();
    let mut analyzed: Option<AnalyzedMigration> = None;
    for m in &set.migrations {
        let a = analyzer.analyze(m);
        if m.version == migration.version {
            analyzed = Some(a);
            break;
        }
        for (_, action) in a.up.actions() {
            match &action.action.op {
                Op::CreateObject { kind, name, .. } => {
                    earlier_objects.insert((*kind, name.key()));
                }
                Op::CreateType { name, .. } => {
                    earlier_objects.insert((ObjectKind::Type, name.key()));
                }
                _ => {}
            }
        }
        analyzer.commit(&a);
    }
    let Some(analyzed) = analyzed else {
        return Err(Error::Usage(format!(
            "there is no migration {}",
            migration.version
        )));
    };
    let inverter = Inverter {
        dialect,
        before: analyzer.catalog(),
        earlier_objects: &earlier_objects,
        created_tables: analyzed
            .up
            .actions()
            .filter_map(|(_, a)| match &a.action.op {
                Op::CreateTable {
                    table,
                    temporary: false,
                    ..
                } => Some(table.key()),
                _ => None,
            })
            .collect(),
    };
    let mut generated = Generated {
        statements: Vec::new(),
        no_transaction: false,
        review: Vec::new(),
    };
    let mut impossible = Vec::new();
    for statement in analyzed.up.statements.iter().rev() {
        for action in statement.actions.iter().rev() {
            match inverter.invert(&action.action.op, &mut generated) {
                Inverse::Statement(sql) => generated.statements.push(sql),
                Inverse::Nothing => {}
                Inverse::Impossible(why) => impossible.push(format!(
                    "{}:{}: `{}`: {why}",
                    migration.up.path.display(),
                    statement.statement.line,
                    statement.statement.first_line()
                )),
            }
        }
    }
    let by_hand = format!(
        "write the revert by hand: `ratchet new revert_{}`, with `-- ratchet:reverts {}` at \
         the top of its up file",
        crate::source::slug(&migration.name).unwrap_or_else(|| "migration".into()),
        migration.version
    );
    if !impossible.is_empty() {
        impossible.reverse();
        return Err(Error::Refused {
            message: format!(
                "cannot invert migration {} automatically:\n  {}\n{by_hand}",
                migration.version,
                impossible.join("\n  ")
            ),
        });
    }
    if generated.statements.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "migration {} ({}) changes nothing ratchet can undo; if it must be undone, \
                 {by_hand}",
                migration.version,
                migration.up.path.display()
            ),
        });
    }
    Ok(generated)
}

/// Inverts actions of one migration.
struct Inverter<'a> {
    dialect: Dialect,
    /// The schema before the migration.
    before: &'a Catalog,
    earlier_objects: &'a BTreeSet<(ObjectKind, String)>,
    /// Tables the migration created: what it put in them goes when they are dropped.
    created_tables: BTreeSet<String>,
}

impl Inverter<'_> {
    fn invert(&self, op: &Op, generated: &mut Generated) -> Inverse {
        let d = self.dialect;
        let inside_new_table = |table: &Name| self.created_tables.contains(&table.key());
        match op {
            Op::CreateTable {
                table,
                if_not_exists,
                temporary,
                ..
            } => {
                if *temporary {
                    return Inverse::Nothing;
                }
                if *if_not_exists {
                    if self.before.table(table).is_some() {
                        return Inverse::Nothing;
                    }
                    generated.review.push(format!(
                        "`CREATE TABLE IF NOT EXISTS {table}`: the revert drops {table}, \
                         assuming the migration created it; if it existed before, remove the \
                         DROP TABLE"
                    ));
                }
                Inverse::Statement(format!("DROP TABLE {};", qualified(d, table)))
            }
            Op::AddColumn { table, .. } if inside_new_table(table) => Inverse::Nothing,
            Op::AddColumn { table, column, .. } => Inverse::Statement(format!(
                "ALTER TABLE {} DROP COLUMN {};",
                qualified(d, table),
                ident(d, &column.name)
            )),
            Op::CreateIndex(index) if inside_new_table(&index.table) => Inverse::Nothing,
            Op::CreateIndex(index) => {
                let Some(name) = &index.name else {
                    return Inverse::Impossible(
                        "the index has no name, so ratchet cannot name it to drop it".into(),
                    );
                };
                if index.if_not_exists && self.before.index_table(&name.name).is_some() {
                    return Inverse::Nothing;
                }
                Inverse::Statement(match d {
                    Dialect::Postgres => {
                        generated.no_transaction = true;
                        format!("DROP INDEX CONCURRENTLY {};", qualified(d, name))
                    }
                    Dialect::Mysql => format!(
                        "DROP INDEX {} ON {};",
                        ident(d, &name.name),
                        qualified(d, &index.table)
                    ),
                    Dialect::Sqlite => format!("DROP INDEX {};", qualified(d, name)),
                })
            }
            Op::AddConstraint { table, .. } if inside_new_table(table) => Inverse::Nothing,
            Op::AddConstraint { table, constraint } => {
                let table = qualified(d, table);
                let name = constraint.name.as_deref().map(|n| ident(d, n));
                match (d, &constraint.kind, name) {
                    (Dialect::Mysql, ConstraintKind::PrimaryKey { .. }, _) => {
                        Inverse::Statement(format!("ALTER TABLE {table} DROP PRIMARY KEY;"))
                    }
                    (_, _, None) => Inverse::Impossible(
                        "the constraint has no name, so ratchet cannot name it to drop it; \
                         name constraints (`ADD CONSTRAINT <name> ...`)"
                            .into(),
                    ),
                    (Dialect::Mysql, ConstraintKind::ForeignKey(_), Some(name)) => {
                        Inverse::Statement(format!("ALTER TABLE {table} DROP FOREIGN KEY {name};"))
                    }
                    (Dialect::Mysql, ConstraintKind::Unique { .. }, Some(name)) => {
                        Inverse::Statement(format!("ALTER TABLE {table} DROP INDEX {name};"))
                    }
                    (_, _, Some(name)) => {
                        Inverse::Statement(format!("ALTER TABLE {table} DROP CONSTRAINT {name};"))
                    }
                }
            }
            Op::CreateType { name, .. } => self.drop_object(ObjectKind::Type, name, None),
            Op::CreateObject {
                kind,
                name,
                tables,
                or_replace,
            } => {
                if *kind == ObjectKind::Trigger && tables.iter().any(inside_new_table) {
                    return Inverse::Nothing;
                }
                if *or_replace && self.earlier_objects.contains(&(*kind, name.key())) {
                    return Inverse::Impossible(format!(
                        "it replaces the {} {name} an earlier migration created, whose previous \
                         definition the statement does not hold",
                        kind.name()
                    ));
                }
                self.drop_object(*kind, name, tables.first())
            }
            Op::RenameTable { table, to } => Inverse::Statement(match d {
                Dialect::Mysql => format!(
                    "RENAME TABLE {} TO {};",
                    qualified(d, to),
                    qualified(d, table)
                ),
                _ => format!(
                    "ALTER TABLE {} RENAME TO {};",
                    qualified(d, to),
                    ident(d, &table.name)
                ),
            }),
            Op::RenameColumn { table, column, to } => Inverse::Statement(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {};",
                qualified(d, table),
                ident(d, to),
                ident(d, column)
            )),
            Op::SetNotNull { table, column } if d == Dialect::Postgres => {
                Inverse::Statement(format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
                    qualified(d, table),
                    ident(d, column)
                ))
            }
            Op::Insert { table, .. } | Op::Update { table, .. } | Op::Delete { table, .. }
                if inside_new_table(table) =>
            {
                Inverse::Nothing
            }
            // Nothing that lasts: settings, queries, transaction control, checks that
            // only look.
            Op::SetSetting { .. }
            | Op::Transaction { .. }
            | Op::Query { .. }
            | Op::ValidateConstraint { .. }
            | Op::Reindex { .. } => Inverse::Nothing,
            Op::DropTable { .. }
            | Op::DropColumn { .. }
            | Op::DropIndex { .. }
            | Op::DropConstraint { .. }
            | Op::DropObject { .. }
            | Op::Truncate { .. } => Inverse::Impossible(
                "it drops something; what it dropped (its definition, its data) is not in the \
                 statement"
                    .into(),
            ),
            Op::Insert { .. } | Op::Update { .. } | Op::Delete { .. } => Inverse::Impossible(
                "a data change: the rows as they were before are not known".into(),
            ),
            Op::AlterColumnType { .. } | Op::RedefineColumn { .. } => Inverse::Impossible(
                "a column change: the column's previous definition, and values the change \
                 rounded or cut, are not in the statement"
                    .into(),
            ),
            Op::SetNotNull { .. }
            | Op::DropNotNull { .. }
            | Op::SetDefault { .. }
            | Op::DropDefault { .. }
            | Op::AlterTypeAddValue { .. }
            | Op::AlterTableOther { .. }
            | Op::RenameObject { .. } => Inverse::Impossible(
                "ratchet does not invert this change; the previous state is not in the statement"
                    .into(),
            ),
            Op::Other { description } => {
                Inverse::Impossible(format!("ratchet does not invert {description}"))
            }
            Op::Unknown { .. } => Inverse::Impossible(
                "ratchet cannot read this statement, so it cannot tell what undoes it".into(),
            ),
        }
    }

    fn drop_object(&self, kind: ObjectKind, name: &Name, table: Option<&Name>) -> Inverse {
        let d = self.dialect;
        let what = match kind {
            ObjectKind::Type if d == Dialect::Postgres => "TYPE",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView if d == Dialect::Postgres => "MATERIALIZED VIEW",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::Function if d != Dialect::Sqlite => "FUNCTION",
            ObjectKind::Procedure if d != Dialect::Sqlite => "PROCEDURE",
            ObjectKind::Sequence if d != Dialect::Sqlite => "SEQUENCE",
            ObjectKind::Schema if d == Dialect::Postgres => "SCHEMA",
            ObjectKind::Extension if d == Dialect::Postgres => "EXTENSION",
            ObjectKind::Event if d == Dialect::Mysql => "EVENT",
            _ => {
                return Inverse::Impossible(format!(
                    "ratchet does not invert the creation of a {}",
                    kind.name()
                ));
            }
        };
        let on = match (kind, d, table) {
            (ObjectKind::Trigger, Dialect::Postgres, Some(table)) => {
                format!(" ON {}", qualified(d, table))
            }
            (ObjectKind::Trigger, Dialect::Postgres, None) => {
                return Inverse::Impossible(
                    "ratchet does not know the trigger's table, which DROP TRIGGER needs".into(),
                );
            }
            _ => String::new(),
        };
        let name = if kind == ObjectKind::Trigger && d == Dialect::Postgres {
            ident(d, &name.name)
        } else {
            qualified(d, name)
        };
        Inverse::Statement(format!("DROP {what} {name}{on};"))
    }
}

/// Words that must be quoted to be names.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "by",
    "check",
    "column",
    "constraint",
    "create",
    "default",
    "delete",
    "desc",
    "distinct",
    "drop",
    "from",
    "grant",
    "group",
    "in",
    "index",
    "insert",
    "key",
    "like",
    "limit",
    "not",
    "null",
    "or",
    "order",
    "primary",
    "references",
    "select",
    "table",
    "to",
    "trigger",
    "union",
    "unique",
    "update",
    "user",
    "values",
    "where",
    "with",
];

/// A name as SQL, quoted only when it must be.
fn ident(dialect: Dialect, name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        // PostgreSQL folds unquoted names to lower case.
        && (dialect != Dialect::Postgres || !name.chars().any(|c| c.is_ascii_uppercase()))
        && !RESERVED.contains(&name.to_ascii_lowercase().as_str());
    if plain {
        return name.to_string();
    }
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn qualified(dialect: Dialect, name: &Name) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, &name.name)),
        None => ident(dialect, &name.name),
    }
}

/// Where the new migration's up script goes, in the folder's layout.
fn path_for(set: &MigrationSet, version: i64, name: &str, dialect: Option<Dialect>) -> PathBuf {
    let v = crate::source::version_text(version, set.format);
    match (set.format, dialect) {
        (SourceFormat::Native, Some(dialect)) => set
            .dir
            .join(format!("{v}_{name}.up.{}.sql", dialect.name())),
        (SourceFormat::Native | SourceFormat::Sqlx | SourceFormat::GolangMigrate, _) => {
            set.dir.join(format!("{v}_{name}.up.sql"))
        }
        (SourceFormat::Diesel, _) => set.dir.join(format!("{v}_{name}")).join("up.sql"),
        (SourceFormat::Dbmate, _) => set.dir.join(format!("{v}_{name}.sql")),
        (SourceFormat::Flyway, _) => set.dir.join(format!("V{v}__{name}.sql")),
    }
}

/// dbmate keeps both directions in one file, in sections.
fn wrap_for_layout(format: SourceFormat, text: &str) -> String {
    match format {
        SourceFormat::Dbmate => format!("-- migrate:up\n{text}\n-- migrate:down\n"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
