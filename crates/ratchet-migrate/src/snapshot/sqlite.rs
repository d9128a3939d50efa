//! SQLite's schema, from `sqlite_master` and the `pragma_table_xinfo`, `pragma_index_list`,
//! `pragma_index_xinfo` and `pragma_foreign_key_list` table functions. What the pragmas do
//! not tell (CHECK constraints, generated columns' expressions, AUTOINCREMENT, expression
//! index parts and partial index predicates) is read from the stored `CREATE` text.
//! Declared types are only lower-cased and spaced one way: in SQLite `INT` and `INTEGER`
//! are different declarations (only `INTEGER PRIMARY KEY` is the rowid).

use std::collections::BTreeMap;

use super::{
    Column, Constraint, ConstraintKind, Index, Snapshot, Table, Trigger, View, collapse_whitespace,
    flag, grouped_by_first_two, is_own_table, optional, run, text,
};
use crate::engine::{DbError, Engine};
use crate::sql::Dialect;
use crate::sql::lexer::{Lexer, Rules, Token, TokenKind};

pub(super) async fn introspect(engine: &mut dyn Engine) -> Result<Snapshot, DbError> {
    let mut snapshot = Snapshot::empty(Dialect::Sqlite);
    let objects = run(
        engine,
        "sqlite_master",
        "SELECT type, name, tbl_name, sql FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .await?;
    let sql_of = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| text(o, 0) == kind && text(o, 1) == name)
            .map(|o| text(o, 3))
            .unwrap_or_default()
    };

    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut definitions: BTreeMap<String, TableDefinition> = BTreeMap::new();
    let rows = run(
        engine,
        "tables",
        "SELECT name, wr, strict FROM pragma_table_list \
         WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .await?;
    for row in rows {
        let name = text(&row, 0);
        if is_own_table(&name) {
            continue;
        }
        let mut attributes = Vec::new();
        if flag(&row, 1) {
            attributes.push("without rowid".to_string());
        }
        if flag(&row, 2) {
            attributes.push("strict".to_string());
        }
        let definition = TableDefinition::read(&sql_of("table", &name));
        let mut table = Table::new(name.clone(), attributes);
        for (check_name, expression) in &definition.checks {
            table.constraints.push(Constraint {
                kind: ConstraintKind::Check {
                    expression: expression.clone(),
                },
                name: check_name.clone(),
                attributes: Vec::new(),
            });
        }
        definitions.insert(name.clone(), definition);
        tables.insert(name, table);
    }

    let rows = run(
        engine,
        "columns",
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' \
         ORDER BY m.name, p.pk",
    )
    .await?;
    let mut primary_keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let table_name = text(&row, 0);
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        let definition = definitions.get(&table_name);
        let name = text(&row, 1);
        let mut attributes = Vec::new();
        let hidden = text(&row, 6);
        if hidden == "2" || hidden == "3" {
            let expression = definition
                .and_then(|d| d.generated.get(&name.to_lowercase()))
                .cloned()
                .unwrap_or_default();
            let storage = if hidden == "3" { "stored" } else { "virtual" };
            attributes.push(format!("generated always as ({expression}) {storage}"));
        }
        if definition.is_some_and(|d| d.autoincrement.as_deref() == Some(&name.to_lowercase())) {
            attributes.push("autoincrement".to_string());
        }
        if let Some(collation) = definition.and_then(|d| d.collations.get(&name.to_lowercase())) {
            attributes.push(format!("collate {collation}"));
        }
        if text(&row, 5) != "0" {
            primary_keys
                .entry(table_name)
                .or_default()
                .push(name.clone());
        }
        table.columns.push(Column {
            name,
            data_type: normalize_type(&text(&row, 2)),
            nullable: !flag(&row, 3),
            default: optional(&row, 4),
            attributes,
        });
    }
    for (table_name, columns) in &primary_keys {
        if let Some(table) = tables.get_mut(table_name) {
            table.constraints.push(Constraint {
                kind: ConstraintKind::PrimaryKey {
                    columns: columns.clone(),
                },
                name: None,
                attributes: Vec::new(),
            });
        }
    }

    let rows = run(
        engine,
        "indexes",
        "SELECT m.name, il.name, il.\"unique\", il.origin, ii.cid, ii.name, ii.\"desc\", \
           ii.coll \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il \
         JOIN pragma_index_xinfo(il.name) ii \
         WHERE m.type = 'table' AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno",
    )
    .await?;
    // (origin, index, key parts as written) by (table, index name).
    let mut indexes: BTreeMap<(String, String), (String, Index, Vec<String>)> = BTreeMap::new();
    for row in rows {
        let (table_name, name) = (text(&row, 0), text(&row, 1));
        let origin = text(&row, 3);
        let (_, index, written_parts) =
            indexes
                .entry((table_name, name.clone()))
                .or_insert_with(|| {
                    let written = IndexDefinition::read(&sql_of("index", &name));
                    let index = Index {
                        name,
                        unique: flag(&row, 2),
                        method: None,
                        columns: Vec::new(),
                        include: Vec::new(),
                        predicate: written.predicate,
                        attributes: Vec::new(),
                    };
                    (origin, index, written.parts)
                });
        let position = index.columns.len();
        // An expression part (cid -2) has no column name: take it as written.
        let mut part = match optional(&row, 5) {
            Some(column) if text(&row, 4) != "-2" => column,
            _ => written_parts.get(position).cloned().unwrap_or_default(),
        };
        let collation = text(&row, 7);
        if !collation.eq_ignore_ascii_case("BINARY") && !collation.is_empty() {
            part.push_str(&format!(" collate {collation}"));
        }
        if flag(&row, 6) {
            part.push_str(" desc");
        }
        index.columns.push(part);
    }
    for ((table_name, _), (origin, index, _)) in indexes {
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        match origin.as_str() {
            // The primary key of a WITHOUT ROWID table: shown as the primary key.
            "pk" => {}
            // A UNIQUE constraint; SQLite names its index by position, so no name is kept.
            "u" => table.constraints.push(Constraint {
                kind: ConstraintKind::Unique {
                    columns: index.columns,
                },
                name: None,
                attributes: Vec::new(),
            }),
            _ => table.indexes.push(index),
        }
    }

    let rows = run(
        engine,
        "foreign keys",
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
    )
    .await?;
    for ((table_name, _), rows) in grouped_by_first_two(rows) {
        let Some(first) = rows.first() else {
            continue;
        };
        let references = text(first, 2);
        let mut referenced_columns: Vec<String> = rows.iter().map(|r| text(r, 4)).collect();
        // `REFERENCES t` without columns means t's primary key.
        if referenced_columns.iter().all(String::is_empty) {
            referenced_columns = primary_keys.get(&references).cloned().unwrap_or_default();
        }
        let constraint = Constraint {
            kind: ConstraintKind::ForeignKey {
                columns: rows.iter().map(|r| text(r, 3)).collect(),
                references,
                referenced_columns,
                on_delete: text(first, 6).to_ascii_lowercase(),
                on_update: text(first, 5).to_ascii_lowercase(),
            },
            name: None,
            attributes: Vec::new(),
        };
        if let Some(table) = tables.get_mut(&table_name) {
            table.constraints.push(constraint);
        }
    }
    snapshot.tables = tables.into_values().collect();

    for object in &objects {
        let (kind, name, table, sql) = (
            text(object, 0),
            text(object, 1),
            text(object, 2),
            text(object, 3),
        );
        match kind.as_str() {
            "view" => snapshot.views.push(View {
                name,
                materialized: false,
                definition: view_query(&sql),
                indexes: Vec::new(),
            }),
            "trigger" if !is_own_table(&table) => snapshot.triggers.push(Trigger {
                name,
                table,
                definition: collapse_whitespace(&sql, Dialect::Sqlite),
            }),
            _ => {}
        }
    }
    Ok(snapshot)
}

/// A declared type, lower-cased, with one way of spacing (`NUMERIC(12, 2)` is
/// `numeric(12,2)`).
fn normalize_type(declared: &str) -> String {
    let spaced = declared
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::with_capacity(spaced.len());
    let chars: Vec<char> = spaced.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let after = chars.get(i + 1).copied();
            if matches!(before, Some('(' | ',')) || matches!(after, Some('(' | ')' | ',')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The significant tokens of a statement (no whitespace or comments).
fn tokens(sql: &str) -> Vec<Token<'_>> {
    let mut lexer = Lexer::new(sql, Rules::of(Dialect::Sqlite));
    let mut out = Vec::new();
    while let Some(Ok(token)) = lexer.next_token() {
        if !token.is_trivia() {
            out.push(token);
        }
    }
    out
}

/// An identifier token's name, unquoted.
fn unquote(token: &Token<'_>) -> String {
    let text = token.text;
    if token.kind == TokenKind::QuotedIdent && text.len() >= 2 {
        let quote = &text[..1];
        let inner = &text[1..text.len() - 1];
        match quote {
            "\"" => inner.replace("\"\"", "\""),
            "`" => inner.replace("``", "`"),
            _ => inner.to_string(),
        }
    } else if token.kind == TokenKind::String && text.len() >= 2 {
        text[1..text.len() - 1].replace("''", "'")
    } else {
        text.to_string()
    }
}

/// The index of the `)` that closes the `(` at `open`.
fn closing(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.is_punct(b'(') {
            depth += 1;
        } else if token.is_punct(b')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len()
}

/// Splits `tokens[from..to]` at the commas outside parentheses.
fn split_top_level(tokens: &[Token<'_>], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    for (i, token) in tokens.iter().enumerate().take(to).skip(from) {
        if token.is_punct(b'(') {
            depth += 1;
        } else if token.is_punct(b')') {
            depth = depth.saturating_sub(1);
        } else if token.is_punct(b',') && depth == 0 {
            pieces.push((start, i));
            start = i + 1;
        }
    }
    if start < to {
        pieces.push((start, to));
    }
    pieces
}

/// The source text from token `from` to token `to` (exclusive), spaced one way.
fn source(sql: &str, tokens: &[Token<'_>], from: usize, to: usize) -> String {
    match (
        tokens.get(from),
        to.checked_sub(1).and_then(|i| tokens.get(i)),
    ) {
        (Some(first), Some(last)) if from < to => {
            collapse_whitespace(&sql[first.start..last.end()], Dialect::Sqlite)
        }
        _ => String::new(),
    }
}

/// What the pragmas do not tell about a table, read from its `CREATE TABLE` text.
#[derive(Debug, Default, PartialEq, Eq)]
struct TableDefinition {
    /// CHECK constraints: (name, expression).
    checks: Vec<(Option<String>, String)>,
    /// Generated columns' expressions, by lower-cased column name.
    generated: BTreeMap<String, String>,
    /// The (lower-cased) column declared `AUTOINCREMENT`.
    autoincrement: Option<String>,
    /// Columns' declared collations, by lower-cased column name.
    collations: BTreeMap<String, String>,
}

impl TableDefinition {
    fn read(sql: &str) -> TableDefinition {
        let mut definition = TableDefinition::default();
        let tokens = tokens(sql);
        let Some(open) = tokens.iter().position(|t| t.is_punct(b'(')) else {
            return definition;
        };
        let close = closing(&tokens, open);
        const TABLE_CONSTRAINTS: [&str; 5] =
            ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
        for (from, to) in split_top_level(&tokens, open + 1, close) {
            let Some(first) = tokens.get(from) else {
                continue;
            };
            let column = (!TABLE_CONSTRAINTS.iter().any(|k| first.is_word(k)))
                .then(|| unquote(first).to_lowercase());
            let mut i = from;
            let mut constraint_name = None;
            while i < to {
                let token = &tokens[i];
                if token.is_word("CONSTRAINT") && i + 1 < to {
                    constraint_name = Some(unquote(&tokens[i + 1]));
                    i += 2;
                    continue;
                }
                let opens = tokens.get(i + 1).is_some_and(|t| t.is_punct(b'('));
                if token.is_word("CHECK") && opens {
                    let end = closing(&tokens, i + 1);
                    definition
                        .checks
                        .push((constraint_name.take(), source(sql, &tokens, i + 2, end)));
                    i = end + 1;
                    continue;
                }
                if token.is_word("AS")
                    && opens
                    && let Some(column) = &column
                {
                    let end = closing(&tokens, i + 1);
                    definition
                        .generated
                        .insert(column.clone(), source(sql, &tokens, i + 2, end));
                    i = end + 1;
                    continue;
                }
                if token.is_word("AUTOINCREMENT") {
                    definition.autoincrement.clone_from(&column);
                }
                if token.is_word("COLLATE")
                    && let (Some(column), Some(collation)) = (&column, tokens.get(i + 1))
                    && i + 1 < to
                {
                    definition
                        .collations
                        .insert(column.clone(), unquote(collation));
                    i += 2;
                    continue;
                }
                if token.is_word("PRIMARY")
                    || token.is_word("UNIQUE")
                    || token.is_word("REFERENCES")
                    || token.is_word("FOREIGN")
                    || token.is_word("NOT")
                    || token.is_word("DEFAULT")
                {
                    constraint_name = None;
                }
                i += 1;
            }
        }
        definition
    }
}

/// What the pragmas do not tell about an index, read from its `CREATE INDEX` text.
#[derive(Debug, Default, PartialEq, Eq)]
struct IndexDefinition {
    /// Each key part as written, without `COLLATE` or `ASC`/`DESC` (the pragmas give those).
    parts: Vec<String>,
    /// A partial index's `WHERE` condition.
    predicate: Option<String>,
}

impl IndexDefinition {
    fn read(sql: &str) -> IndexDefinition {
        let mut definition = IndexDefinition::default();
        let tokens = tokens(sql);
        let Some(on) = tokens.iter().position(|t| t.is_word("ON")) else {
            return definition;
        };
        let Some(open) = tokens
            .iter()
            .skip(on)
            .position(|t| t.is_punct(b'('))
            .map(|p| p + on)
        else {
            return definition;
        };
        let close = closing(&tokens, open);
        for (from, mut to) in split_top_level(&tokens, open + 1, close) {
            if to > from && (tokens[to - 1].is_word("ASC") || tokens[to - 1].is_word("DESC")) {
                to -= 1;
            }
            if to >= from + 2 && tokens[to - 2].is_word("COLLATE") {
                to -= 2;
            }
            definition.parts.push(source(sql, &tokens, from, to));
        }
        if tokens.get(close + 1).is_some_and(|t| t.is_word("WHERE")) {
            let mut end = tokens.len();
            if tokens.last().is_some_and(|t| t.is_punct(b';')) {
                end -= 1;
            }
            definition.predicate = Some(source(sql, &tokens, close + 2, end));
        }
        definition
    }
}

/// A view's query: its `CREATE VIEW` text after the `AS` that starts the query.
fn view_query(sql: &str) -> String {
    let tokens = tokens(sql);
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        if token.is_punct(b'(') {
            depth += 1;
        } else if token.is_punct(b')') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && token.is_word("AS") {
            return source(sql, &tokens, i + 1, tokens.len());
        }
    }
    collapse_whitespace(sql, Dialect::Sqlite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_are_spaced_one_way() {
        assert_eq!(normalize_type("NUMERIC( 12 , 2 )"), "numeric(12,2)");
        assert_eq!(normalize_type("Double   Precision"), "double precision");
        assert_eq!(normalize_type("INT"), "int");
    }

    #[test]
    fn reads_checks_generated_columns_and_autoincrement() {
        let definition = TableDefinition::read(
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             total REAL CHECK (total >= 0), \"Cents\" INT GENERATED ALWAYS AS (total *\n 100) STORED, \
             name TEXT COLLATE \"NOCASE\", \
             CONSTRAINT sane CHECK (total < 10 AND (id > 0)))",
        );
        assert_eq!(
            definition.checks,
            [
                (None, "total >= 0".to_string()),
                (
                    Some("sane".to_string()),
                    "total < 10 AND (id > 0)".to_string()
                )
            ]
        );
        assert_eq!(definition.generated["cents"], "total * 100");
        assert_eq!(definition.autoincrement.as_deref(), Some("id"));
        assert_eq!(definition.collations["name"], "NOCASE");
    }

    #[test]
    fn reads_index_parts_and_predicate() {
        let definition = IndexDefinition::read(
            "CREATE INDEX i ON t (a COLLATE NOCASE DESC, lower( b ), c) WHERE a <> 'x';",
        );
        assert_eq!(definition.parts, ["a", "lower( b )", "c"]);
        assert_eq!(definition.predicate.as_deref(), Some("a <> 'x'"));
    }

    #[test]
    fn view_query_skips_the_column_list() {
        assert_eq!(
            view_query("CREATE VIEW v (a, b) AS\n  SELECT x AS a, y AS b FROM t"),
            "SELECT x AS a, y AS b FROM t"
        );
    }
}
