//! Guarded rollbacks: before a down script destroys data, ratchet checks whether the data
//! is real and, when it is, saves it first, or records that the user accepted the loss.
//!
//! What a down script destroys comes from its statement facts, judged against the schema
//! the migrations build (replayed with the [`Analyzer`]): dropped tables and columns,
//! truncated and deleted rows, values an `UPDATE` overwrites, narrowing type changes.
//! Whether that data is real comes from the database: the table has rows, the column holds
//! a value other than NULL and its default. Real data is copied to a backup table (the
//! whole table, or its key and the doomed column), listed in `ratchet_backups` and in the
//! ledger row's note, in the same transaction as the down script where the engine allows
//! it. `ratchet restore <id>` ([`crate::restore`]) puts it back.

pub(crate) mod catalog;
mod doom;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use self::catalog::{Column, quote, table_sql};
use self::doom::{Cause, Doom, Doomed, Filter};
use crate::backups::{self, BackupKind, NewBackup};
use crate::engine::{DbError, Engine};
use crate::event::Event;
use crate::plan::{Direction, DownOptions, Step};
use crate::source::MigrationSet;
use crate::sql::Dialect;
use crate::sql::analysis::Analyzer;
use crate::sql::facts::{Name, ServerVersion};
use crate::{Error, Result};

/// A DELETE whose condition ratchet cannot reuse exactly is saved as a copy of its whole
/// table, up to this many rows; a larger table is refused (copying it inside the rollback
/// would hold the rollback's locks for too long).
const WHOLE_TABLE_LIMIT: i64 = 100_000;

/// The data each down step of a plan destroys, found before the plan runs.
#[derive(Debug, Default)]
pub(crate) struct Guard {
    plans: BTreeMap<i64, Vec<Doom>>,
}

/// A copy to take.
#[derive(Debug, Clone)]
struct Save {
    destroyed_by: String,
    kind: BackupKind,
    table: Name,
    column: Option<String>,
    /// The table's columns, from the catalog.
    columns: Vec<Column>,
    /// The key the copy is restored by (empty: a whole table without one).
    key: Vec<String>,
    /// The copy's WHERE, if it does not take every row.
    predicate: Option<String>,
    /// Every row and every column of the table.
    whole: bool,
    /// What is saved, for people.
    label: String,
}

/// What the guard found about one doomed piece of data.
#[derive(Debug, Clone)]
enum Finding {
    /// There is nothing to lose: the note says why.
    Empty(String),
    /// ratchet cannot copy it (a type, a schema, an unreadable statement).
    Unsaved(String),
    /// Real data to save.
    Real(Save),
    /// Real data that cannot be saved: what, why and what to do.
    Unsavable {
        label: String,
        destroyed_by: String,
        why: String,
        fix: String,
    },
}

impl Guard {
    /// Finds what the down steps of `steps` destroy, replaying `set` in version order so
    /// that each down script is judged against the schema its up script built.
    pub(crate) fn prepare(
        set: &MigrationSet,
        steps: &[Step],
        dialect: Dialect,
        version: ServerVersion,
    ) -> Guard {
        let wanted: BTreeSet<i64> = steps
            .iter()
            .filter(|s| s.direction == Direction::Down)
            .map(|s| s.version)
            .collect();
        let Some(&newest) = wanted.last() else {
            return Guard::default();
        };
        let mut analyzer = Analyzer::new(dialect, version);
        let mut plans = BTreeMap::new();
        for migration in set.migrations.iter().take_while(|m| m.version <= newest) {
            let analyzed = analyzer.analyze(migration);
            if wanted.contains(&migration.version)
                && let Some(down) = &analyzed.down
            {
                plans.insert(migration.version, doom::dooms(down, dialect));
            }
            analyzer.commit(&analyzed);
        }
        Guard { plans }
    }

    /// Runs before a down step's statements (inside its transaction where it has one):
    /// saves the real data the step would destroy, or refuses when it cannot and the
    /// loss was not accepted. Returns the note for the step's ledger row.
    pub(crate) async fn protect(
        &self,
        engine: &mut dyn Engine,
        step: &Step,
        options: &DownOptions,
        events: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Option<String>> {
        let Some(dooms) = self.plans.get(&step.version).filter(|d| !d.is_empty()) else {
            return Ok(None);
        };
        let dialect = engine.dialect();
        // PostgreSQL and SQLite copy inside the down's transaction; MySQL commits CREATE
        // TABLE at once, and a no-transaction script has no transaction to join.
        let atomic = step.transactional && dialect != Dialect::Mysql;
        let mut checker = Checker {
            engine,
            dialect,
            savepoints: atomic && dialect == Dialect::Postgres,
        };
        let mut findings = Vec::new();
        for doom in dooms {
            findings.extend(checker.assess(doom).await?);
        }
        let engine = checker.engine;
        let mut lines: Vec<String> = Vec::new();
        let real = findings
            .iter()
            .any(|f| matches!(f, Finding::Real(_) | Finding::Unsavable { .. }));
        if real && let Some(reason) = &options.accept_data_loss {
            lines.push(format!("accepted data loss: {reason}"));
            for finding in &findings {
                match finding {
                    Finding::Real(Save {
                        label,
                        destroyed_by,
                        ..
                    })
                    | Finding::Unsavable {
                        label,
                        destroyed_by,
                        ..
                    } => {
                        let line = format!("not saved: {label}, which held data ({destroyed_by})");
                        events(Event::Notice(format!(
                            "migration {}: {line}; data loss accepted",
                            step.version
                        )));
                        lines.push(line);
                    }
                    Finding::Empty(line) | Finding::Unsaved(line) => lines.push(line.clone()),
                }
            }
            return Ok(Some(lines.join("\n")));
        }
        let refusals: Vec<String> = findings
            .iter()
            .filter_map(|f| match f {
                Finding::Unsavable {
                    label,
                    destroyed_by,
                    why,
                    fix,
                } => Some(format!(
                    "  {destroyed_by}\n    would destroy {label}, which holds data, and {why}.\n    \
                     To roll back safely, {fix}"
                )),
                _ => None,
            })
            .collect();
        if !refusals.is_empty() {
            return Err(Error::Refused {
                message: format!(
                    "migration {} was not rolled back: its down script would destroy data that \
                     ratchet cannot save first:\n{}\n  Or roll back without saving, recording \
                     why: `ratchet down --accept-data-loss \"<reason>\"`",
                    step.version,
                    refusals.join("\n")
                ),
            });
        }
        let mut saves = dedupe(&findings);
        let committed_first = (!atomic && !saves.is_empty()).then_some(match dialect {
            Dialect::Mysql => {
                "committed before the down statements ran: MySQL commits CREATE TABLE at once"
            }
            _ => {
                "committed before the down statements ran: this down script runs without a \
                  transaction"
            }
        });
        let reopen = dialect == Dialect::Mysql && step.transactional && !saves.is_empty();
        if reopen {
            // The runner's transaction holds nothing yet: end it, so that the copies commit
            // honestly before the down's data changes, then open it again.
            engine
                .execute("COMMIT")
                .await
                .map_err(|e| e.context("cannot commit before saving data"))?;
        }
        if !saves.is_empty() {
            backups::ensure(engine).await?;
        }
        let mut taker = Taker {
            engine,
            dialect,
            atomic,
            version: step.version,
            ledger_id: step.ledger_id,
            note: committed_first.map(str::to_string),
        };
        for finding in &findings {
            match finding {
                Finding::Real(save) => {
                    if let Some(covered) = saves.covered_by(save) {
                        lines.push(format!("{} is in the copy of table {covered}", save.label));
                        continue;
                    }
                    if !saves.take_first(save) {
                        continue;
                    }
                    let (id, backup_table, rows) = taker.take(save).await?;
                    lines.push(format!(
                        "saved {} ({rows} row{}) to {backup_table}; restore with `ratchet restore {id}`",
                        save.label,
                        if rows == 1 { "" } else { "s" }
                    ));
                    events(Event::BackupTaken {
                        id,
                        version: step.version,
                        source: save.label.clone(),
                        backup_table,
                        rows,
                        with_rollback: atomic,
                    });
                }
                Finding::Empty(line) | Finding::Unsaved(line) => lines.push(line.clone()),
                Finding::Unsavable { .. } => {}
            }
        }
        if let Some(note) = committed_first {
            lines.push(format!("the backups {note}"));
        }
        if reopen {
            taker
                .engine
                .begin()
                .await
                .map_err(|e| e.context("cannot open the rollback's transaction again"))?;
        }
        Ok((!lines.is_empty()).then(|| lines.join("\n")))
    }
}

/// Which copies to take: a copy of a whole table covers everything else saved from that
/// table in the same step (every copy is taken before the down's first statement), and a
/// copy asked for twice is taken once.
struct Saves {
    whole: BTreeMap<String, String>,
    taken: HashSet<String>,
    any: bool,
}

impl Saves {
    fn is_empty(&self) -> bool {
        !self.any
    }

    /// The table whose whole copy already holds `save`'s data.
    fn covered_by(&self, save: &Save) -> Option<String> {
        if save.whole {
            return None;
        }
        self.whole.get(&save.table.key()).cloned()
    }

    /// Whether `save` is the first of its kind (a second identical copy is skipped).
    fn take_first(&mut self, save: &Save) -> bool {
        let signature = format!(
            "{}|{:?}|{:?}|{}",
            save.table.key(),
            save.column.as_deref().map(str::to_lowercase),
            save.predicate,
            save.whole
        );
        self.taken.insert(signature)
    }
}

fn dedupe(findings: &[Finding]) -> Saves {
    let mut whole = BTreeMap::new();
    let mut any = false;
    for finding in findings {
        if let Finding::Real(save) = finding {
            any = true;
            if save.whole {
                whole
                    .entry(save.table.key())
                    .or_insert_with(|| save.table.to_string());
            }
        }
    }
    Saves {
        whole,
        taken: HashSet::new(),
        any,
    }
}

/// Looks at the database to tell real data from nothing.
struct Checker<'e> {
    engine: &'e mut dyn Engine,
    dialect: Dialect,
    /// A failed query aborts a PostgreSQL transaction: probes that may fail run inside a
    /// savepoint there.
    savepoints: bool,
}

impl Checker<'_> {
    /// Whether `sql` returns a row; an error leaves the transaction usable.
    async fn probe(&mut self, sql: &str) -> Result<bool, DbError> {
        if self.savepoints {
            self.engine.execute("SAVEPOINT ratchet_guard").await?;
        }
        let outcome = self.engine.query(sql).await;
        if self.savepoints {
            if outcome.is_err() {
                self.engine
                    .execute("ROLLBACK TO SAVEPOINT ratchet_guard")
                    .await?;
            }
            self.engine
                .execute("RELEASE SAVEPOINT ratchet_guard")
                .await?;
        }
        outcome.map(|rows| !rows.is_empty())
    }

    /// `SELECT 1 FROM table [WHERE predicate] LIMIT 1`.
    fn exists_sql(&self, table: &Name, predicate: Option<&str>) -> String {
        format!(
            "SELECT 1 FROM {}{} LIMIT 1",
            table_sql(self.dialect, table),
            predicate.map(|p| format!(" WHERE {p}")).unwrap_or_default()
        )
    }

    fn cannot_check(what: &str, e: DbError) -> Error {
        e.context(format!("cannot check whether {what} holds data"))
    }

    async fn has_rows(&mut self, table: &Name) -> Result<bool> {
        let sql = self.exists_sql(table, None);
        self.probe(&sql)
            .await
            .map_err(|e| Self::cannot_check(&format!("table {table}"), e))
    }

    async fn columns(&mut self, table: &Name) -> Result<Option<Vec<Column>>> {
        catalog::columns(self.engine, table)
            .await
            .map_err(|e| e.context(format!("cannot read the columns of {table}")))
    }

    async fn key(
        &mut self,
        table: &Name,
        columns: &[Column],
        without: Option<&str>,
    ) -> Result<Option<Vec<String>>> {
        catalog::key(self.engine, table, columns, without)
            .await
            .map_err(|e| e.context(format!("cannot read the keys of {table}")))
    }

    async fn assess(&mut self, doom: &Doom) -> Result<Vec<Finding>> {
        let destroyed_by = doom.destroyed_by();
        match &doom.what {
            Doomed::Table { table } => {
                self.whole(table, BackupKind::Table, &destroyed_by, None)
                    .await
            }
            Doomed::AllRows { table } => {
                self.whole(table, BackupKind::Rows, &destroyed_by, None)
                    .await
            }
            Doomed::Rows { table, filter } => self.rows(table, filter, &destroyed_by).await,
            Doomed::Column {
                table,
                column,
                cause,
                filter,
                unchanged_if,
            } => {
                self.column(
                    table,
                    column,
                    *cause,
                    filter,
                    unchanged_if.as_deref(),
                    &destroyed_by,
                )
                .await
            }
            Doomed::Rebuilt { table, kept } => {
                let Some(columns) = self.columns(table).await? else {
                    return Ok(Vec::new());
                };
                let mut findings = Vec::new();
                for lost in columns
                    .iter()
                    .filter(|c| !kept.iter().any(|k| c.is(k)) && !c.generated)
                {
                    findings.extend(
                        self.column(
                            table,
                            &lost.name,
                            Cause::Dropped,
                            &Filter::All,
                            None,
                            &destroyed_by,
                        )
                        .await?,
                    );
                }
                Ok(findings)
            }
            Doomed::Unsaved { description } => Ok(vec![Finding::Unsaved(format!(
                "not saved: {description} ({destroyed_by}); ratchet cannot copy it"
            ))]),
        }
    }

    /// A table dropped, truncated or emptied: a copy of all of it, when it has rows.
    async fn whole(
        &mut self,
        table: &Name,
        kind: BackupKind,
        destroyed_by: &str,
        label: Option<String>,
    ) -> Result<Vec<Finding>> {
        let Some(columns) = self.columns(table).await? else {
            return Ok(Vec::new());
        };
        if !self.has_rows(table).await? {
            let line = match kind {
                BackupKind::Table => format!("table {table} was empty: nothing was lost"),
                _ => format!("{table} had no rows: nothing was lost"),
            };
            return Ok(vec![Finding::Empty(line)]);
        }
        // Without a key a whole table is still worth a copy: it can be restored into an
        // empty table.
        let key = self.key(table, &columns, None).await?.unwrap_or_default();
        let label = label.unwrap_or_else(|| match kind {
            BackupKind::Table => format!("table {table}"),
            _ => format!("every row of {table}"),
        });
        Ok(vec![Finding::Real(Save {
            destroyed_by: destroyed_by.to_string(),
            kind,
            table: table.clone(),
            column: None,
            columns,
            key,
            predicate: None,
            whole: true,
            label,
        })])
    }

    /// Rows a DELETE removes: exactly those, by its own condition, or the whole table
    /// when the condition cannot be reused and the table is small.
    async fn rows(
        &mut self,
        table: &Name,
        filter: &Filter,
        destroyed_by: &str,
    ) -> Result<Vec<Finding>> {
        let Some(columns) = self.columns(table).await? else {
            return Ok(Vec::new());
        };
        if let Filter::Exact(condition) = filter {
            let predicate = format!("({condition})");
            let sql = self.exists_sql(table, Some(&predicate));
            // A condition that fails here (it may need something the script makes first)
            // is saved the inexact way.
            if let Ok(found) = self.probe(&sql).await {
                if !found {
                    return Ok(vec![Finding::Empty(format!(
                        "no row of {table} matched the DELETE ({destroyed_by}): nothing was lost"
                    ))]);
                }
                let label = format!("the rows of {table} the DELETE removes");
                return Ok(vec![match self.key(table, &columns, None).await? {
                    Some(key) => Finding::Real(Save {
                        destroyed_by: destroyed_by.to_string(),
                        kind: BackupKind::Rows,
                        table: table.clone(),
                        column: None,
                        columns,
                        key,
                        predicate: Some(predicate),
                        whole: false,
                        label,
                    }),
                    None => no_key(table, label, destroyed_by),
                }]);
            }
        }
        if matches!(filter, Filter::All) {
            return self
                .whole(table, BackupKind::Rows, destroyed_by, None)
                .await;
        }
        let bounded = format!(
            "SELECT count(*) FROM (SELECT 1 AS one FROM {} LIMIT {}) AS bounded",
            table_sql(self.dialect, table),
            WHOLE_TABLE_LIMIT + 1
        );
        let rows = catalog::count(self.engine, &bounded)
            .await
            .map_err(|e| Self::cannot_check(&format!("table {table}"), e))?;
        if rows > WHOLE_TABLE_LIMIT {
            return Ok(vec![Finding::Unsavable {
                label: format!("rows of {table}"),
                destroyed_by: destroyed_by.to_string(),
                why: format!(
                    "ratchet cannot reuse the DELETE's condition exactly (it has an alias, a \
                     join, USING, LIMIT or RETURNING), and {table} has more than \
                     {WHOLE_TABLE_LIMIT} rows, too many to copy whole inside the rollback"
                ),
                fix: format!(
                    "write the DELETE as `DELETE FROM {table} WHERE <condition>` so that \
                     ratchet can copy exactly the rows it removes"
                ),
            }]);
        }
        self.whole(
            table,
            BackupKind::Rows,
            destroyed_by,
            Some(format!(
                "all of {table} (ratchet cannot reuse the DELETE's condition exactly, so it \
                 copies the whole table)"
            )),
        )
        .await
    }

    /// A column's values: the key and the column, for the rows that hold a value the
    /// statement destroys.
    async fn column(
        &mut self,
        table: &Name,
        column: &str,
        cause: Cause,
        filter: &Filter,
        unchanged_if: Option<&str>,
        destroyed_by: &str,
    ) -> Result<Vec<Finding>> {
        let Some(columns) = self.columns(table).await? else {
            return Ok(Vec::new());
        };
        let Some(column) = columns
            .iter()
            .find(|c| c.is(column))
            .map(|c| c.name.clone())
        else {
            return Ok(Vec::new());
        };
        let quoted = quote(self.dialect, &column);
        let distinct = |value: &str| match self.dialect {
            Dialect::Postgres => format!("{quoted} IS DISTINCT FROM ({value})"),
            Dialect::Mysql => format!("NOT ({quoted} <=> ({value}))"),
            Dialect::Sqlite => format!("{quoted} IS NOT ({value})"),
        };
        // The most precise predicate first; one that fails (a default that does not
        // compare, a condition that needs the script's own changes) gives way to a
        // broader one, which saves more, never less.
        let conditions: Vec<Option<String>> = match filter {
            Filter::Exact(c) => vec![Some(format!("({c})")), None],
            _ => vec![None],
        };
        let unchanged: Vec<Option<String>> = match unchanged_if {
            Some(v) => vec![Some(distinct(v)), None],
            None => vec![None],
        };
        let mut last_error = None;
        let mut decided = None;
        'search: for condition in &conditions {
            for keep in &unchanged {
                let predicate = [
                    condition.clone(),
                    Some(format!("{quoted} IS NOT NULL")),
                    keep.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" AND ");
                let sql = self.exists_sql(table, Some(&predicate));
                match self.probe(&sql).await {
                    Ok(found) => {
                        decided = Some((found, predicate));
                        break 'search;
                    }
                    Err(e) => last_error = Some(e),
                }
            }
        }
        let Some((found, predicate)) = decided else {
            let what = format!("{table}.{column}");
            return Err(match last_error {
                Some(e) => Self::cannot_check(&what, e),
                None => Error::Refused {
                    message: format!("cannot check whether {what} holds data"),
                },
            });
        };
        let label = format!("{table}.{column}");
        if !found {
            let line = match cause {
                Cause::Dropped => format!(
                    "{label} held no data (only NULL{}): dropped without a backup, nothing was lost",
                    if unchanged_if.is_some() {
                        " or its default"
                    } else {
                        ""
                    }
                ),
                Cause::Overwritten => format!(
                    "{label}: the UPDATE ({destroyed_by}) changes no value that holds data: \
                     nothing was lost"
                ),
                Cause::Narrowed => {
                    format!("{label} held only NULL: its type changed, nothing was lost")
                }
            };
            return Ok(vec![Finding::Empty(line)]);
        }
        let Some(key) = self.key(table, &columns, Some(&column)).await? else {
            return Ok(vec![no_key(table, label, destroyed_by)]);
        };
        Ok(vec![Finding::Real(Save {
            destroyed_by: destroyed_by.to_string(),
            kind: BackupKind::Column,
            table: table.clone(),
            column: Some(column),
            columns,
            key,
            predicate: Some(predicate),
            whole: false,
            label,
        })])
    }
}

fn no_key(table: &Name, label: String, destroyed_by: &str) -> Finding {
    Finding::Unsavable {
        label,
        destroyed_by: destroyed_by.to_string(),
        why: format!(
            "{table} has no primary key (nor a unique key on NOT NULL columns) to put the \
             values back by"
        ),
        fix: format!(
            "give {table} a primary key (or a unique NOT NULL key) in a new migration and \
             apply it first"
        ),
    }
}

/// Takes the copies.
struct Taker<'e> {
    engine: &'e mut dyn Engine,
    dialect: Dialect,
    /// The copy commits with the down (PostgreSQL, SQLite in a transaction).
    atomic: bool,
    version: i64,
    ledger_id: Option<i64>,
    note: Option<String>,
}

impl Taker<'_> {
    /// The select list of a copy: PostgreSQL values of a user type (an enum the down
    /// script may drop next) are kept as text, so that the copy does not depend on it.
    fn select_item(&self, column: &Column) -> String {
        let quoted = quote(self.dialect, &column.name);
        if self.dialect == Dialect::Postgres && column.user_type {
            format!("{quoted}::text AS {quoted}")
        } else {
            quoted
        }
    }

    /// Records, copies and counts one save; returns its id, the copy's name and its rows.
    async fn take(&mut self, save: &Save) -> Result<(i64, String, i64)> {
        let id = backups::insert(
            self.engine,
            &NewBackup {
                version: self.version,
                ledger_id: self.ledger_id,
                kind: save.kind,
                source_schema: save.table.schema.clone(),
                source_table: save.table.name.clone(),
                source_column: save.column.clone(),
                key_columns: save.key.clone(),
                destroyed_by: save.destroyed_by.clone(),
                note: self.note.clone(),
            },
        )
        .await?;
        let name =
            backups::backup_table_name(self.dialect, id, &save.table.name, save.column.as_deref());
        let copied = self.copy(save, id, &name).await;
        let rows = match copied {
            Ok(rows) => rows,
            Err(e) => {
                if !self.atomic {
                    // Nothing rolls these back: leave no row that names a copy that is not
                    // there.
                    let _ = self
                        .engine
                        .execute(&format!(
                            "DROP TABLE IF EXISTS {}",
                            table_sql(self.dialect, &catalog::backup_name(&name))
                        ))
                        .await;
                    let _ = backups::forget(self.engine, id).await;
                }
                return Err(e);
            }
        };
        Ok((id, name, rows))
    }

    async fn copy(&mut self, save: &Save, id: i64, name: &str) -> Result<i64> {
        let list: Vec<String> = match &save.column {
            Some(column) => save
                .key
                .iter()
                .chain(std::iter::once(column))
                .map(|n| {
                    save.columns
                        .iter()
                        .find(|c| c.is(n))
                        .map_or_else(|| quote(self.dialect, n), |c| self.select_item(c))
                })
                .collect(),
            None => save.columns.iter().map(|c| self.select_item(c)).collect(),
        };
        let target = table_sql(self.dialect, &catalog::backup_name(name));
        let sql = format!(
            "CREATE TABLE {target} AS SELECT {} FROM {}{}",
            list.join(", "),
            table_sql(self.dialect, &save.table),
            save.predicate
                .as_deref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default()
        );
        self.engine
            .execute(&sql)
            .await
            .map_err(|e| e.context(format!("cannot save {} to {name}", save.label)))?;
        let rows = catalog::count(self.engine, &format!("SELECT count(*) FROM {target}"))
            .await
            .map_err(|e| e.context(format!("cannot count the rows saved to {name}")))?;
        backups::taken(self.engine, id, name, rows).await?;
        Ok(rows)
    }
}
