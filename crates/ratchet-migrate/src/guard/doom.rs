//! Which data a down script destroys, from its statement facts: the plan the guard checks
//! against the database before the script runs.
//!
//! The guard runs before the script's first statement, so every doomed object is named as
//! it is then: a table the script renames before dropping it is followed back to its name
//! before the script, and a table or column the script creates itself holds nothing
//! worth saving.

use std::collections::HashMap;

use crate::sql::Dialect;
use crate::sql::analysis::AnalyzedScript;
use crate::sql::facts::{DataLoss, Name, Op, Volatility};
use crate::sql::lexer::{Rules, Significant, Token, TokenKind};

/// One statement's destruction of data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doom {
    /// Where: `file:line`.
    pub(crate) at: String,
    /// The statement's first line.
    pub(crate) statement: String,
    /// What it destroys.
    pub(crate) what: Doomed,
}

impl Doom {
    /// `file:line: statement`, for notes and the backup's row.
    pub(crate) fn destroyed_by(&self) -> String {
        format!("{}: {}", self.at, self.statement)
    }
}

/// Which rows a DELETE or an UPDATE touches, as far as ratchet can say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Every row (no WHERE).
    All,
    /// The rows this condition selects, as written in the statement: it can be reused in a
    /// SELECT on the same table.
    Exact(String),
    /// Some rows, but the condition cannot be reused as it is (an alias, a join, `USING`
    /// or `FROM`, `LIMIT`, `RETURNING`, a `WITH` prefix...).
    Inexact,
}

/// Why a column's values are lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// `DROP COLUMN`.
    Dropped,
    /// `UPDATE ... SET column = ...`.
    Overwritten,
    /// A type change that may cut or round values.
    Narrowed,
}

/// What a statement destroys, named as the database knows it before the script runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Doomed {
    /// `DROP TABLE`: the whole table.
    Table {
        /// The table.
        table: Name,
    },
    /// `TRUNCATE`, `DELETE` without `WHERE`: every row.
    AllRows {
        /// The table.
        table: Name,
    },
    /// `DELETE ... WHERE`: the rows the condition selects.
    Rows {
        /// The table.
        table: Name,
        /// The condition.
        filter: Filter,
    },
    /// A column's values.
    Column {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// Why they are lost.
        cause: Cause,
        /// Which rows lose them.
        filter: Filter,
        /// A constant that values equal to are not lost: the column's default (a dropped
        /// column comes back with it) or the value an UPDATE writes.
        unchanged_if: Option<String>,
    },
    /// A table rebuilt the SQLite way (create a new table, copy, drop the old one, rename
    /// the new one into its place): the columns the new table does not have are lost.
    Rebuilt {
        /// The table.
        table: Name,
        /// The new table's columns.
        kept: Vec<String>,
    },
    /// Something ratchet cannot copy: a schema, a type, a sequence, a statement it cannot
    /// read, the tables a cascade reaches.
    Unsaved {
        /// What, for people.
        description: String,
    },
}

/// A table as the script has changed it so far.
#[derive(Debug, Clone)]
enum TableState {
    /// It existed before the script: `origin` is its name then; `columns` maps a column's
    /// current name (lower case) to its name before the script, `None` for a column the
    /// script added.
    Existing {
        origin: Name,
        columns: HashMap<String, Option<String>>,
        renamed: bool,
    },
    /// The script created it, with these columns.
    Created { columns: Vec<String> },
    /// The script dropped it (or renamed it away).
    Gone,
}

#[derive(Default)]
struct Tracker {
    tables: HashMap<String, TableState>,
    /// Tables that existed and were dropped: the index of their [`Doomed::Table`].
    dropped: HashMap<String, usize>,
}

impl Tracker {
    fn state(&self, table: &Name) -> TableState {
        self.tables
            .get(&table.key())
            .cloned()
            .unwrap_or_else(|| TableState::Existing {
                origin: table.clone(),
                columns: HashMap::new(),
                renamed: false,
            })
    }

    /// The table as named before the script, and whether the script renamed it or any of
    /// its columns, when it existed before the script.
    fn origin(&self, table: &Name) -> Option<(Name, bool)> {
        match self.state(table) {
            TableState::Existing {
                origin,
                columns,
                renamed,
            } => Some((
                origin,
                renamed
                    || columns
                        .iter()
                        .any(|(k, v)| v.as_deref().is_some_and(|v| !v.eq_ignore_ascii_case(k))),
            )),
            _ => None,
        }
    }

    /// A column as named before the script, when it existed then.
    fn column_origin(&self, table: &Name, column: &str) -> Option<String> {
        match self.state(table) {
            TableState::Existing { columns, .. } => match columns.get(&column.to_lowercase()) {
                Some(origin) => origin.clone(),
                None => Some(column.to_string()),
            },
            _ => None,
        }
    }

    fn set(&mut self, table: &Name, state: TableState) {
        self.tables.insert(table.key(), state);
    }

    fn set_column(&mut self, table: &Name, column: &str, origin: Option<String>) {
        match self.state(table) {
            TableState::Existing {
                origin: t,
                mut columns,
                renamed,
            } => {
                columns.insert(column.to_lowercase(), origin);
                self.set(
                    table,
                    TableState::Existing {
                        origin: t,
                        columns,
                        renamed,
                    },
                );
            }
            TableState::Created { mut columns } => {
                if !columns.iter().any(|c| c.eq_ignore_ascii_case(column)) {
                    columns.push(column.to_string());
                }
                self.set(table, TableState::Created { columns });
            }
            TableState::Gone => {}
        }
    }
}

/// The data `script` (a down script, analysed against the schema its up script built)
/// destroys, in statement order.
pub(crate) fn dooms(script: &AnalyzedScript, dialect: Dialect) -> Vec<Doom> {
    let file = script.path.file_name().map_or_else(
        || script.path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let mut tracker = Tracker::default();
    let mut out: Vec<Doom> = Vec::new();
    for statement in &script.statements {
        let doom = |what: Doomed| Doom {
            at: format!("{file}:{}", statement.statement.line),
            statement: statement.statement.first_line().to_string(),
            what,
        };
        for facts in &statement.actions {
            let op = &facts.action.op;
            match op {
                Op::CreateTable { table, columns, .. } => {
                    tracker.set(
                        table,
                        TableState::Created {
                            columns: columns.iter().map(|c| c.name.clone()).collect(),
                        },
                    );
                }
                Op::DropTable { table, .. } => {
                    if let Some((origin, _)) = tracker.origin(table) {
                        tracker.dropped.insert(table.key(), out.len());
                        out.push(doom(Doomed::Table { table: origin }));
                    }
                    tracker.set(table, TableState::Gone);
                }
                Op::RenameTable { table, to } => {
                    let state = tracker.state(table);
                    tracker.set(table, TableState::Gone);
                    if let (TableState::Created { columns }, Some(index)) =
                        (&state, tracker.dropped.get(&to.key()).copied())
                        && let Some(Doomed::Table { table: old }) =
                            out.get(index).map(|d| d.what.clone())
                    {
                        out[index].what = Doomed::Rebuilt {
                            table: old,
                            kept: columns.clone(),
                        };
                    }
                    let moved = match state {
                        TableState::Existing {
                            origin, columns, ..
                        } => TableState::Existing {
                            origin,
                            columns,
                            renamed: true,
                        },
                        other => other,
                    };
                    tracker.set(to, moved);
                }
                Op::AddColumn { table, column, .. } => {
                    tracker.set_column(table, &column.name, None);
                }
                Op::RenameColumn { table, column, to } => {
                    let origin = tracker.column_origin(table, column);
                    tracker.set_column(table, column, None);
                    if let TableState::Created { columns } = tracker.state(table) {
                        let renamed = columns
                            .into_iter()
                            .map(|c| {
                                if c.eq_ignore_ascii_case(column) {
                                    to.clone()
                                } else {
                                    c
                                }
                            })
                            .collect();
                        tracker.set(table, TableState::Created { columns: renamed });
                    } else {
                        tracker.set_column(table, to, origin);
                    }
                }
                Op::DropColumn { table, column, .. } => {
                    if let (Some((origin, _)), Some(original)) =
                        (tracker.origin(table), tracker.column_origin(table, column))
                    {
                        let unchanged_if = facts
                            .previous
                            .as_ref()
                            .and_then(|p| p.default.as_ref())
                            .filter(|d| d.volatility == Volatility::Constant)
                            .map(|d| d.text.clone());
                        out.push(doom(Doomed::Column {
                            table: origin,
                            column: original,
                            cause: Cause::Dropped,
                            filter: Filter::All,
                            unchanged_if,
                        }));
                    }
                    // Whatever comes back under this name later is new.
                    tracker.set_column(table, column, None);
                }
                Op::Truncate { table, cascade } => {
                    if let Some((origin, _)) = tracker.origin(table) {
                        out.push(doom(Doomed::AllRows {
                            table: origin.clone(),
                        }));
                        if *cascade {
                            out.push(doom(Doomed::Unsaved {
                                description: format!(
                                    "the rows of the tables that reference {origin} (TRUNCATE \
                                     ... CASCADE empties them too)"
                                ),
                            }));
                        }
                    }
                }
                Op::Delete { table, filter } => {
                    if let Some((origin, renamed)) = tracker.origin(table) {
                        let what = match filter {
                            None if simple_delete(&statement.statement.sql, dialect)
                                == Some(Filter::All) =>
                            {
                                Doomed::AllRows { table: origin }
                            }
                            _ => Doomed::Rows {
                                table: origin,
                                filter: if renamed {
                                    Filter::Inexact
                                } else {
                                    simple_delete(&statement.statement.sql, dialect)
                                        .unwrap_or(Filter::Inexact)
                                },
                            },
                        };
                        out.push(doom(what));
                    }
                }
                Op::Update {
                    table,
                    assignments,
                    reads,
                    ..
                } => {
                    let Some((origin, renamed)) = tracker.origin(table) else {
                        continue;
                    };
                    let filter = if renamed || !reads.is_empty() {
                        Filter::Inexact
                    } else {
                        simple_update(&statement.statement.sql, dialect).unwrap_or(Filter::Inexact)
                    };
                    for (columns, value) in assignments {
                        // `SET (a, b) = (...)` names several columns at once.
                        let single = !columns.contains(',');
                        for column in columns.split(',').map(str::trim) {
                            let Some(original) = tracker.column_origin(table, column) else {
                                continue;
                            };
                            let unchanged_if = (single && value.volatility == Volatility::Constant)
                                .then(|| value.text.clone());
                            out.push(doom(Doomed::Column {
                                table: origin.clone(),
                                column: original,
                                cause: Cause::Overwritten,
                                filter: filter.clone(),
                                unchanged_if,
                            }));
                        }
                    }
                }
                _ => {}
            }
            match &facts.effects.destroys {
                Some(DataLoss::Narrowing { table, column, .. }) => {
                    if let (Some((origin, _)), Some(original)) =
                        (tracker.origin(table), tracker.column_origin(table, column))
                    {
                        out.push(doom(Doomed::Column {
                            table: origin,
                            column: original,
                            cause: Cause::Narrowed,
                            filter: Filter::All,
                            unchanged_if: None,
                        }));
                    }
                    if let Op::RedefineColumn { table, column, new } = op
                        && !new.name.eq_ignore_ascii_case(column)
                    {
                        let origin = tracker.column_origin(table, column);
                        tracker.set_column(table, column, None);
                        tracker.set_column(table, &new.name, origin);
                    }
                }
                Some(loss @ (DataLoss::Object { .. } | DataLoss::Unknown)) => {
                    out.push(doom(Doomed::Unsaved {
                        description: loss.describe(),
                    }));
                }
                _ => {}
            }
        }
    }
    out
}

fn tokens(sql: &str, dialect: Dialect) -> Vec<Token<'_>> {
    Significant::new(sql, Rules::of(dialect), dialect == Dialect::Mysql).collect()
}

/// The end of a table name starting at `i` (`name`, `schema.name`, quoted or not), or
/// `None` when there is no name there.
fn name_end(t: &[Token<'_>], mut i: usize) -> Option<usize> {
    let is_ident = |t: &Token<'_>| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent);
    if !t.get(i).is_some_and(is_ident) {
        return None;
    }
    i += 1;
    while t.get(i).is_some_and(|d| d.is_punct(b'.')) && t.get(i + 1).is_some_and(is_ident) {
        i += 2;
    }
    Some(i)
}

/// The depth-0 words of `t[from..]`, with their indexes.
fn top_level_words<'t, 'a>(
    t: &'t [Token<'a>],
    from: usize,
) -> impl Iterator<Item = (usize, &'t Token<'a>)> {
    let mut depth = 0i32;
    t.iter().enumerate().skip(from).filter(move |(_, token)| {
        if token.is_punct(b'(') {
            depth += 1;
        } else if token.is_punct(b')') {
            depth -= 1;
        }
        depth == 0 && token.kind == TokenKind::Word
    })
}

/// What follows `WHERE` at `where_index`, when nothing but the condition does.
fn condition(sql: &str, t: &[Token<'_>], where_index: usize) -> Option<Filter> {
    let trailing = top_level_words(t, where_index + 1).any(|(_, w)| {
        ["ORDER", "LIMIT", "RETURNING", "OFFSET", "FETCH"]
            .iter()
            .any(|k| w.is_word(k))
    });
    if trailing || t.iter().skip(where_index).any(|w| w.is_punct(b';')) {
        return None;
    }
    let text = sql.get(t[where_index].end()..)?.trim();
    (!text.is_empty()).then(|| Filter::Exact(text.to_string()))
}

/// `DELETE FROM <table> [WHERE <condition>]` and nothing else: the rows it deletes.
pub(crate) fn simple_delete(sql: &str, dialect: Dialect) -> Option<Filter> {
    let t = tokens(sql, dialect);
    if !(t.first()?.is_word("DELETE") && t.get(1)?.is_word("FROM")) {
        return None;
    }
    let end = name_end(&t, 2)?;
    match t.get(end) {
        None => Some(Filter::All),
        Some(w) if w.is_word("WHERE") => condition(sql, &t, end),
        Some(_) => None,
    }
}

/// `UPDATE <table> SET ... [WHERE <condition>]` with no `FROM`, alias, `ORDER BY` or
/// `LIMIT`: the rows it updates.
pub(crate) fn simple_update(sql: &str, dialect: Dialect) -> Option<Filter> {
    let t = tokens(sql, dialect);
    if !t.first()?.is_word("UPDATE") {
        return None;
    }
    let end = name_end(&t, 1)?;
    if !t.get(end)?.is_word("SET") {
        return None;
    }
    let mut where_index = None;
    for (i, w) in top_level_words(&t, end + 1) {
        if ["FROM", "ORDER", "LIMIT", "RETURNING"]
            .iter()
            .any(|k| w.is_word(k))
        {
            return None;
        }
        if w.is_word("WHERE") {
            where_index = Some(i);
            break;
        }
    }
    match where_index {
        None => Some(Filter::All),
        Some(i) => condition(sql, &t, i),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::source::{Directives, Migration, Script};
    use crate::sql::analysis::Analyzer;
    use crate::sql::facts::ServerVersion;

    fn exact(text: &str) -> Option<Filter> {
        Some(Filter::Exact(text.into()))
    }

    #[test]
    fn simple_deletes_give_their_condition() {
        let pg = Dialect::Postgres;
        assert_eq!(
            simple_delete("DELETE FROM orders WHERE id BETWEEN 1 AND 5", pg),
            exact("id BETWEEN 1 AND 5")
        );
        assert_eq!(
            simple_delete("delete from \"shop\".orders\nwhere a = 1 -- why\n", pg),
            exact("a = 1 -- why")
        );
        assert_eq!(simple_delete("DELETE FROM orders", pg), Some(Filter::All));
        assert_eq!(
            simple_delete(
                "DELETE FROM t WHERE id IN (SELECT id FROM u ORDER BY id LIMIT 3)",
                pg
            ),
            exact("id IN (SELECT id FROM u ORDER BY id LIMIT 3)")
        );
        for other in [
            "DELETE FROM orders o WHERE o.id = 1",
            "DELETE FROM orders USING u WHERE u.id = orders.id",
            "DELETE FROM orders WHERE id > 3 RETURNING id",
            "DELETE FROM ONLY orders WHERE id = 1",
            "WITH x AS (SELECT 1) DELETE FROM orders WHERE id = 1",
        ] {
            assert_eq!(simple_delete(other, pg), None, "{other}");
        }
        let my = Dialect::Mysql;
        assert_eq!(
            simple_delete("DELETE FROM `t` WHERE a = 1 LIMIT 10", my),
            None
        );
        assert_eq!(simple_delete("DELETE IGNORE FROM t WHERE a = 1", my), None);
        assert_eq!(
            simple_delete("DELETE FROM `t` WHERE a = 'x;y'", my),
            exact("a = 'x;y'")
        );
    }

    #[test]
    fn simple_updates_give_their_condition() {
        let lite = Dialect::Sqlite;
        assert_eq!(
            simple_update("UPDATE orders SET priority = NULL", lite),
            Some(Filter::All)
        );
        assert_eq!(
            simple_update(
                "UPDATE orders SET p = (SELECT x FROM y WHERE y.id = orders.id) WHERE total > 5",
                lite
            ),
            exact("total > 5")
        );
        assert_eq!(
            simple_update(
                "UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END WHERE c",
                lite
            ),
            exact("c")
        );
        for other in [
            "UPDATE t SET a = u.b FROM u WHERE u.id = t.id",
            "UPDATE t AS x SET a = 1",
            "UPDATE OR IGNORE t SET a = 1",
            "UPDATE t SET a = 1 WHERE b = 2 RETURNING a",
        ] {
            assert_eq!(simple_update(other, lite), None, "{other}");
        }
        assert_eq!(
            simple_update("UPDATE t SET a = 1 ORDER BY id LIMIT 5", Dialect::Mysql),
            None
        );
    }

    fn script(dialect: Dialect, up: &str, down: &str) -> AnalyzedScript {
        let parse = |name: &str, text: &str| Script {
            path: PathBuf::from(name),
            statements: crate::sql::split(text, dialect).unwrap(),
            directives: Directives::default(),
        };
        let migration = Migration {
            version: 2,
            name: "x".into(),
            up: parse("2_x.up.sql", up),
            down: Some(parse("2_x.down.sql", down)),
            verify: None,
            checksum: String::new(),
        };
        let mut analyzer = Analyzer::new(dialect, ServerVersion::default());
        let base = Migration {
            version: 1,
            name: "base".into(),
            up: parse(
                "1_base.up.sql",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16) NOT NULL \
                 DEFAULT 'new', note TEXT);",
            ),
            down: None,
            verify: None,
            checksum: String::new(),
        };
        let analyzed = analyzer.analyze(&base);
        analyzer.commit(&analyzed);
        analyzer.analyze(&migration).down.unwrap()
    }

    fn whats(dialect: Dialect, up: &str, down: &str) -> Vec<Doomed> {
        dooms(&script(dialect, up, down), dialect)
            .into_iter()
            .map(|d| d.what)
            .collect()
    }

    #[test]
    fn a_dropped_column_knows_its_constant_default() {
        let got = whats(
            Dialect::Postgres,
            "ALTER TABLE orders ADD COLUMN priority TEXT DEFAULT 'normal';",
            "ALTER TABLE orders DROP COLUMN priority;\nALTER TABLE orders DROP COLUMN status;",
        );
        assert_eq!(
            got,
            [
                Doomed::Column {
                    table: Name::new("orders"),
                    column: "priority".into(),
                    cause: Cause::Dropped,
                    filter: Filter::All,
                    unchanged_if: Some("'normal'".into()),
                },
                Doomed::Column {
                    table: Name::new("orders"),
                    column: "status".into(),
                    cause: Cause::Dropped,
                    filter: Filter::All,
                    unchanged_if: Some("'new'".into()),
                }
            ]
        );
    }

    #[test]
    fn updates_deletes_and_drops() {
        let got = whats(
            Dialect::Sqlite,
            "SELECT 1;",
            "UPDATE orders SET note = NULL WHERE id > 2;\n\
             DELETE FROM orders WHERE id = 1;\n\
             DELETE FROM orders;\n\
             DROP TABLE orders;",
        );
        assert_eq!(
            got,
            [
                Doomed::Column {
                    table: Name::new("orders"),
                    column: "note".into(),
                    cause: Cause::Overwritten,
                    filter: Filter::Exact("id > 2".into()),
                    unchanged_if: Some("NULL".into()),
                },
                Doomed::Rows {
                    table: Name::new("orders"),
                    filter: Filter::Exact("id = 1".into()),
                },
                Doomed::AllRows {
                    table: Name::new("orders")
                },
                Doomed::Table {
                    table: Name::new("orders")
                },
            ]
        );
    }

    #[test]
    fn what_the_script_creates_or_renames_is_followed() {
        let got = whats(
            Dialect::Postgres,
            "SELECT 1;",
            "CREATE TABLE scratch (id INT);\nDROP TABLE scratch;\n\
             ALTER TABLE orders RENAME TO old_orders;\nDROP TABLE old_orders;",
        );
        assert_eq!(
            got,
            [Doomed::Table {
                table: Name::new("orders")
            }]
        );
    }

    #[test]
    fn a_sqlite_rebuild_loses_only_the_columns_it_leaves_out() {
        let got = whats(
            Dialect::Sqlite,
            "ALTER TABLE orders ADD COLUMN priority TEXT;",
            "CREATE TABLE orders_new (id BIGINT PRIMARY KEY, status VARCHAR(16), note TEXT);\n\
             INSERT INTO orders_new (id, status, note) SELECT id, status, note FROM orders;\n\
             DROP TABLE orders;\n\
             ALTER TABLE orders_new RENAME TO orders;",
        );
        assert_eq!(
            got,
            [Doomed::Rebuilt {
                table: Name::new("orders"),
                kept: vec!["id".into(), "status".into(), "note".into()],
            }]
        );
    }

    #[test]
    fn unreadable_and_object_drops_are_unsaved() {
        let got = whats(
            Dialect::Postgres,
            "SELECT 1;",
            "DROP TYPE mood;\nTRUNCATE orders CASCADE;",
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(&got[0], Doomed::Unsaved { description } if description.contains("mood")));
        assert_eq!(
            got[1],
            Doomed::AllRows {
                table: Name::new("orders")
            }
        );
        assert!(
            matches!(&got[2], Doomed::Unsaved { description } if description.contains("CASCADE"))
        );
    }
}
