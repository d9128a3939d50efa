//! The keyset planner: takes the backfill's UPDATE or DELETE apart where batches restrict
//! it, learns the key columns' types from the catalog, and writes the SQL of each step of
//! a batch (the next boundary, the restricted statement, the remaining count).
//!
//! Batches are ranges of the key's real values, `(last, boundary]`, never arithmetic on
//! ids: the boundary is read from the table (`ORDER BY key LIMIT 1 OFFSET n-1`), so gaps,
//! negative and 64-bit keys, uuids, text and composite keys all walk the same way. A
//! composite key compares as a row value, `(a, b) > (x, y)` (PostgreSQL, SQLite 3.15+), or
//! spelled out lexicographically on MySQL/MariaDB, whose optimizer only uses an index
//! range for the spelled-out form.

use std::ops::Range;

use crate::engine::{Engine, Param};
use crate::source::Backfill;
use crate::sql::lexer::{Lexer, Rules, Token, TokenKind};
use crate::sql::{Dialect, Statement};
use crate::{Error, Result};

/// A key value as the database renders it as text, one string per key column.
pub type KeyValue = Vec<String>;

/// Whether the statement updates or deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatementKind {
    Update,
    Delete,
}

/// The backfill's statement, taken apart where batches restrict it.
#[derive(Debug, Clone)]
pub(crate) struct BatchStatement {
    sql: String,
    /// Byte range of the WHERE condition, when there is one.
    filter: Option<Range<usize>>,
    /// Where a WHERE clause goes when there is none (before RETURNING, or the end).
    insert_at: usize,
    /// The table as written in the statement (`public.orders`, `"Orders"`).
    pub(crate) table_sql: String,
    /// What qualifies the table's columns inside the statement: its alias, else the table.
    reference: String,
}

/// Depth-0 significant tokens of a statement.
fn significant(sql: &str, dialect: Dialect) -> std::result::Result<Vec<(Token<'_>, u32)>, String> {
    let mut lexer = Lexer::new(sql, Rules::of(dialect));
    let mut out = Vec::new();
    let mut depth: u32 = 0;
    while let Some(token) = lexer.next_token() {
        let token = token.map_err(|e| e.message)?;
        if token.is_trivia() {
            continue;
        }
        if token.is_punct(b')') {
            depth = depth.saturating_sub(1);
        }
        out.push((token, depth));
        if token.is_punct(b'(') {
            depth += 1;
        }
    }
    Ok(out)
}

fn is_name(token: &Token<'_>) -> bool {
    matches!(token.kind, TokenKind::Word | TokenKind::QuotedIdent)
}

/// Words that end a table reference rather than name its alias.
const NOT_AN_ALIAS: &[&str] = &[
    "set",
    "where",
    "using",
    "returning",
    "join",
    "inner",
    "left",
    "right",
    "cross",
    "natural",
    "straight_join",
    "full",
    "use",
    "force",
    "ignore",
    "partition",
    "order",
    "limit",
    "indexed",
    "not",
    "from",
];

impl BatchStatement {
    /// Takes `statement` apart; the message says what a backfill cannot run.
    pub(crate) fn parse(sql: &str, dialect: Dialect) -> std::result::Result<Self, String> {
        let tokens = significant(sql, dialect)?;
        let top: Vec<&Token<'_>> = tokens
            .iter()
            .filter(|(_, depth)| *depth == 0)
            .map(|(t, _)| t)
            .collect();
        let mut i = 0;
        if top.first().is_some_and(|t| t.is_word("with")) {
            while i < top.len() && !(top[i].is_word("update") || top[i].is_word("delete")) {
                i += 1;
            }
        }
        let kind = match top.get(i) {
            Some(t) if t.is_word("update") => StatementKind::Update,
            Some(t) if t.is_word("delete") => StatementKind::Delete,
            _ => return Err("a backfill runs one UPDATE or DELETE".into()),
        };
        i += 1;
        let modifiers = [
            "only",
            "low_priority",
            "ignore",
            "quick",
            "or",
            "rollback",
            "abort",
            "replace",
            "fail",
        ];
        while top.get(i).is_some_and(|t| {
            modifiers.iter().any(|m| t.is_word(m))
                && !top.get(i + 1).is_some_and(|n| n.is_word("set"))
        }) {
            i += 1;
        }
        if kind == StatementKind::Delete {
            if !top.get(i).is_some_and(|t| t.is_word("from")) {
                return Err(
                    "a backfill's DELETE names one table: `DELETE FROM <table> WHERE ...`".into(),
                );
            }
            i += 1;
            while top.get(i).is_some_and(|t| t.is_word("only")) {
                i += 1;
            }
        }
        let start = match top.get(i) {
            Some(t) if is_name(t) => t.start,
            _ => return Err("cannot find the table the statement changes".into()),
        };
        let mut end = top[i].end();
        i += 1;
        while top.get(i).is_some_and(|t| t.is_punct(b'.'))
            && top.get(i + 1).is_some_and(|t| is_name(t))
        {
            end = top[i + 1].end();
            i += 2;
        }
        let table_sql = sql[start..end].to_string();
        if top.get(i).is_some_and(|t| t.is_punct(b'*')) {
            i += 1;
        }
        if top.get(i).is_some_and(|t| t.is_punct(b',')) {
            return Err(
                "a backfill changes one table; a multi-table statement is not supported".into(),
            );
        }
        let mut reference = table_sql.clone();
        if top.get(i).is_some_and(|t| t.is_word("as")) {
            i += 1;
        }
        if let Some(t) = top.get(i)
            && is_name(t)
            && !NOT_AN_ALIAS.iter().any(|w| t.is_word(w))
        {
            reference = t.text.to_string();
            i += 1;
        }
        let mut filter_start = None;
        let mut tail_start = None;
        let mut last_end = top.last().map_or(sql.len(), |t| t.end());
        for (j, t) in top.iter().enumerate().skip(i) {
            if t.is_word("where") && filter_start.is_none() && tail_start.is_none() {
                if top.get(j + 1).is_some_and(|n| n.is_word("current")) {
                    return Err("`WHERE CURRENT OF` cannot run in batches".into());
                }
                filter_start = Some(t.end());
            } else if t.is_word("returning") && tail_start.is_none() {
                tail_start = Some(t.start);
                last_end = top[..j].last().map_or(t.start, |p| p.end());
            } else if (t.is_word("order") && top.get(j + 1).is_some_and(|n| n.is_word("by")))
                || t.is_word("limit")
            {
                return Err(
                    "a backfill's statement takes no ORDER BY or LIMIT: the batches bound it"
                        .into(),
                );
            }
        }
        let filter = filter_start.map(|from| from..last_end);
        if filter
            .as_ref()
            .is_some_and(|r| sql[r.clone()].trim().is_empty())
        {
            return Err("the WHERE clause is empty".into());
        }
        Ok(BatchStatement {
            sql: sql.to_string(),
            filter,
            insert_at: last_end,
            table_sql,
            reference,
        })
    }

    /// The statement restricted by `extra` as well, which is ANDed with the statement's
    /// own condition (parenthesised, so that an `OR` in it keeps its meaning).
    pub(crate) fn restricted(&self, extra: &str) -> String {
        let sql = &self.sql;
        match &self.filter {
            Some(range) => format!(
                "{} ({}) AND {extra}{}",
                &sql[..range.start],
                sql[range.clone()].trim(),
                &sql[range.end..]
            ),
            None => format!(
                "{} WHERE {extra}{}",
                &sql[..self.insert_at],
                &sql[self.insert_at..]
            ),
        }
    }
}

/// How a key value is bound back into a query.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cast {
    /// As text; the database converts it to the column's type (SQLite affinity, MySQL
    /// strings and dates).
    None,
    /// PostgreSQL: `CAST($n AS <type>)`, the column's own type.
    Postgres(String),
    /// MySQL integers: `CAST(? AS SIGNED)` (or UNSIGNED), exact where a string compared
    /// with an integer column would go through a double.
    Mysql(&'static str),
    /// SQLite INTEGER affinity: bound as an integer (a text value compared with a rowid
    /// sorts after every integer instead of being converted).
    SqliteInteger,
    /// SQLite REAL or NUMERIC affinity: `CAST(? AS REAL|NUMERIC)`.
    Sqlite(&'static str),
}

/// One key column.
#[derive(Debug, Clone)]
pub(crate) struct KeyColumn {
    /// The column's name, quoted for SQL.
    quoted: String,
    cast: Cast,
    /// Whether the column may hold NULL (such rows cannot be in any key range).
    nullable: bool,
}

/// Where a backfill walks: the table, its key and the statement.
#[derive(Debug, Clone)]
pub(crate) struct Keyset {
    pub(crate) dialect: Dialect,
    pub(crate) statement: BatchStatement,
    keys: Vec<KeyColumn>,
    /// The canary predicate, as written.
    canary: Option<String>,
}

/// Builds a query and its parameters, numbering placeholders for the dialect.
struct Sql {
    dialect: Dialect,
    text: String,
    params: Vec<Param>,
}

impl Sql {
    fn new(dialect: Dialect) -> Sql {
        Sql {
            dialect,
            text: String::new(),
            params: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn placeholder(&mut self, param: Param) -> String {
        self.params.push(param);
        match self.dialect {
            Dialect::Postgres => format!("${}", self.params.len()),
            Dialect::Mysql | Dialect::Sqlite => "?".into(),
        }
    }

    fn key_param(&mut self, value: &str, cast: &Cast) -> String {
        if *cast == Cast::SqliteInteger
            && let Ok(n) = value.parse::<i64>()
        {
            return self.placeholder(Param::Int(n));
        }
        let p = self.placeholder(Param::Text(value.to_string()));
        match cast {
            Cast::None | Cast::SqliteInteger => p,
            Cast::Postgres(ty) => format!("CAST({p} AS {ty})"),
            Cast::Mysql(ty) | Cast::Sqlite(ty) => format!("CAST({p} AS {ty})"),
        }
    }
}

/// Quotes an identifier for the dialect.
pub(crate) fn quote_ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// An expression cast to text, so that a prepared statement's value reads as text.
fn as_text(dialect: Dialect, expr: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("CAST({expr} AS text)"),
        Dialect::Mysql => format!("CAST({expr} AS CHAR)"),
        Dialect::Sqlite => format!("CAST({expr} AS TEXT)"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmp {
    /// `key > value`: the lower bound, exclusive.
    After,
    /// `key <= value`: the upper bound, inclusive.
    UpTo,
}

impl Keyset {
    /// Checks the backfill's statement against its directive and reads the key columns'
    /// types from the catalog. Errors name the file and line.
    pub(crate) async fn prepare(
        engine: &mut dyn Engine,
        path: &std::path::Path,
        directive: &Backfill,
        statements: &[Statement],
    ) -> Result<Keyset> {
        let dialect = engine.dialect();
        let source_error = |line: u32, message: String| Error::source(path, line, message);
        let [statement] = statements else {
            return Err(source_error(
                directive.line,
                format!(
                    "a backfill file holds one UPDATE or DELETE; this one has {} statements: put \
                     the others in a migration of their own",
                    statements.len()
                ),
            ));
        };
        let parsed = BatchStatement::parse(&statement.sql, dialect)
            .map_err(|m| source_error(statement.line, format!("{m}; it cannot run in batches")))?;
        let facts = crate::sql::facts::analyze(statement, dialect);
        let changed = facts.actions.iter().find_map(|a| match &a.op {
            crate::sql::facts::Op::Update { table, .. }
            | crate::sql::facts::Op::Delete { table, .. } => Some(table.clone()),
            _ => None,
        });
        let directive_table = directive
            .table
            .rsplit('.')
            .next()
            .unwrap_or(&directive.table)
            .trim_matches(|c| c == '"' || c == '`')
            .to_lowercase();
        if let Some(table) = &changed
            && table.key() != directive_table
        {
            return Err(source_error(
                directive.line,
                format!(
                    "`ratchet:backfill table={}` but the statement at line {} changes {table}; \
                     name the table the statement changes",
                    directive.table, statement.line
                ),
            ));
        }
        let keys = describe_keys(engine, &parsed.table_sql, changed.as_ref(), &directive.key)
            .await?
            .map_err(|m| source_error(directive.line, m))?;
        Ok(Keyset {
            dialect,
            statement: parsed,
            keys,
            canary: directive.canary.clone(),
        })
    }

    /// Rows whose key is NULL: no key range holds them, so a backfill would skip them.
    pub(crate) async fn null_key_rows(&self, engine: &mut dyn Engine) -> Result<bool> {
        let nullable: Vec<&KeyColumn> = self.keys.iter().filter(|k| k.nullable).collect();
        if nullable.is_empty() {
            return Ok(false);
        }
        let condition: Vec<String> = nullable
            .iter()
            .map(|k| format!("{} IS NULL", k.quoted))
            .collect();
        let sql = format!(
            "SELECT 1 FROM {} WHERE {} LIMIT 1",
            self.statement.table_sql,
            condition.join(" OR ")
        );
        let rows = engine
            .query(&sql)
            .await
            .map_err(|e| e.context("cannot look for rows with a NULL key"))?;
        Ok(!rows.is_empty())
    }

    fn key_list(&self, qualifier: Option<&str>, descending: bool) -> String {
        self.keys
            .iter()
            .map(|k| {
                let column = match qualifier {
                    Some(q) => format!("{q}.{}", k.quoted),
                    None => k.quoted.clone(),
                };
                if descending {
                    format!("{column} DESC")
                } else {
                    column
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The key columns as text, aliased: PostgreSQL names `CAST(id AS text)` "id", and an
    /// `ORDER BY id` would then sort by the text.
    fn selected_keys(&self) -> String {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{} AS ratchet_key_{i}", as_text(self.dialect, &k.quoted)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `key > value` or `key <= value`, as a row value or spelled out.
    fn compare(
        &self,
        sql: &mut Sql,
        qualifier: Option<&str>,
        cmp: Cmp,
        value: &KeyValue,
    ) -> String {
        let columns: Vec<String> = self
            .keys
            .iter()
            .map(|k| match qualifier {
                Some(q) => format!("{q}.{}", k.quoted),
                None => k.quoted.clone(),
            })
            .collect();
        let (strict, last) = match cmp {
            Cmp::After => (">", ">"),
            Cmp::UpTo => ("<", "<="),
        };
        if columns.len() == 1 {
            let p = sql.key_param(&value[0], &self.keys[0].cast);
            return format!("{} {last} {p}", columns[0]);
        }
        if self.dialect != Dialect::Mysql {
            let params: Vec<String> = value
                .iter()
                .zip(&self.keys)
                .map(|(v, k)| sql.key_param(v, &k.cast))
                .collect();
            return format!("({}) {last} ({})", columns.join(", "), params.join(", "));
        }
        // MySQL/MariaDB: a >= x AND (a > x OR (a = x AND b > y) ...), which the range
        // optimizer reads; it does not read `(a, b) > (x, y)`.
        let lead_op = if cmp == Cmp::After { ">=" } else { "<=" };
        let lead = sql.key_param(&value[0], &self.keys[0].cast);
        let mut alternatives = Vec::new();
        for i in 0..columns.len() {
            let mut parts = Vec::new();
            for j in 0..i {
                let p = sql.key_param(&value[j], &self.keys[j].cast);
                parts.push(format!("{} = {p}", columns[j]));
            }
            let op = if i + 1 == columns.len() { last } else { strict };
            let p = sql.key_param(&value[i], &self.keys[i].cast);
            parts.push(format!("{} {op} {p}", columns[i]));
            alternatives.push(format!("({})", parts.join(" AND ")));
        }
        format!(
            "{} {lead_op} {lead} AND ({})",
            columns[0],
            alternatives.join(" OR ")
        )
    }

    /// `(after, up_to]` as a condition.
    fn range(
        &self,
        sql: &mut Sql,
        qualifier: Option<&str>,
        after: Option<&KeyValue>,
        up_to: &KeyValue,
    ) -> String {
        // Placeholders are numbered (or, with `?`, bound) in the order they are written.
        let lower = after.map(|after| self.compare(sql, qualifier, Cmp::After, after));
        let upper = self.compare(sql, qualifier, Cmp::UpTo, up_to);
        match lower {
            Some(lower) => format!("{lower} AND {upper}"),
            None => upper,
        }
    }

    fn canary_condition(&self, pass: Pass) -> Option<String> {
        let canary = self.canary.as_deref()?;
        let falsy = match self.dialect {
            Dialect::Sqlite => "0",
            Dialect::Postgres | Dialect::Mysql => "FALSE",
        };
        match pass {
            Pass::Canary => Some(format!("({canary})")),
            // A row the canary did is not done twice; a row whose predicate is NULL is not
            // a canary row.
            Pass::Main => Some(format!("NOT COALESCE(({canary}), {falsy})")),
            Pass::FinalPass => None,
        }
    }

    /// The greatest key now, the end of the walk (`None`: the table is empty).
    pub(crate) async fn max_key(&self, engine: &mut dyn Engine) -> Result<Option<KeyValue>> {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT 1",
            self.selected_keys(),
            self.statement.table_sql,
            self.key_list(None, true)
        );
        let rows = engine.query(&sql).await.map_err(|e| {
            e.context(format!(
                "cannot read the greatest key of {}",
                self.statement.table_sql
            ))
        })?;
        Ok(rows
            .into_iter()
            .next()
            .map(|row| row.into_iter().map(Option::unwrap_or_default).collect()))
    }

    /// The key `n` rows after `after` (within `up_to`), or `None` when fewer remain.
    pub(crate) async fn boundary(
        &self,
        engine: &mut dyn Engine,
        pass: Pass,
        after: Option<&KeyValue>,
        up_to: &KeyValue,
        n: u64,
    ) -> Result<Option<KeyValue>> {
        let mut sql = Sql::new(self.dialect);
        let range = self.range(&mut sql, None, after, up_to);
        let canary = match pass {
            Pass::Canary => self
                .canary_condition(pass)
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default(),
            Pass::Main | Pass::FinalPass => String::new(),
        };
        let offset = sql.placeholder(Param::Int(
            i64::try_from(n.saturating_sub(1)).unwrap_or(i64::MAX),
        ));
        sql.push(&format!(
            "SELECT {} FROM {} WHERE {range}{canary} ORDER BY {} LIMIT 1 OFFSET {offset}",
            self.selected_keys(),
            self.statement.table_sql,
            self.key_list(None, false)
        ));
        let rows = engine
            .query_with(&sql.text, &sql.params)
            .await
            .map_err(|e| {
                e.context(format!(
                    "cannot read the next batch boundary of {}",
                    self.statement.table_sql
                ))
            })?;
        Ok(rows
            .into_iter()
            .next()
            .map(|row| row.into_iter().map(Option::unwrap_or_default).collect()))
    }

    /// Rows in `(after, up_to]` (the last, short batch).
    pub(crate) async fn count(
        &self,
        engine: &mut dyn Engine,
        pass: Pass,
        after: Option<&KeyValue>,
        up_to: &KeyValue,
    ) -> Result<u64> {
        let mut sql = Sql::new(self.dialect);
        let range = self.range(&mut sql, None, after, up_to);
        let canary = match pass {
            Pass::Canary => self
                .canary_condition(pass)
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default(),
            Pass::Main | Pass::FinalPass => String::new(),
        };
        sql.push(&format!(
            "SELECT {} FROM {} WHERE {range}{canary}",
            as_text(self.dialect, "count(*)"),
            self.statement.table_sql
        ));
        let rows = engine
            .query_with(&sql.text, &sql.params)
            .await
            .map_err(|e| {
                e.context(format!(
                    "cannot count the rows of the last batch of {}",
                    self.statement.table_sql
                ))
            })?;
        Ok(first_number(&rows).unwrap_or(0))
    }

    /// The statement restricted to the batch `(after, up_to]` (and the canary), with its
    /// parameters.
    pub(crate) fn batch(
        &self,
        pass: Pass,
        after: Option<&KeyValue>,
        up_to: &KeyValue,
    ) -> (String, Vec<Param>) {
        let mut sql = Sql::new(self.dialect);
        let mut condition = self.range(&mut sql, Some(&self.statement.reference), after, up_to);
        if let Some(canary) = self.canary_condition(pass) {
            condition = format!("{condition} AND {canary}");
        }
        (self.statement.restricted(&condition), sql.params)
    }

    /// The catalog's estimate of the table's rows; a count where there is none.
    pub(crate) async fn estimate_rows(&self, engine: &mut dyn Engine) -> Result<Option<u64>> {
        let table = &self.statement.table_sql;
        let estimate = match self.dialect {
            Dialect::Postgres => engine
                .query_with(
                    "SELECT CAST(CAST(c.reltuples AS bigint) AS text) FROM pg_class c \
                     WHERE c.oid = to_regclass($1)",
                    &[Param::Text(table.clone())],
                )
                .await
                .ok()
                .and_then(|rows| first_number(&rows)),
            Dialect::Mysql => {
                let (schema, name) = split_table(table);
                let (sql, params) = match schema {
                    Some(schema) => (
                        "SELECT CAST(TABLE_ROWS AS CHAR) FROM information_schema.tables \
                         WHERE table_schema = ? AND table_name = ?",
                        vec![Param::Text(schema), Param::Text(name)],
                    ),
                    None => (
                        "SELECT CAST(TABLE_ROWS AS CHAR) FROM information_schema.tables \
                         WHERE table_schema = DATABASE() AND table_name = ?",
                        vec![Param::Text(name)],
                    ),
                };
                engine
                    .query_with(sql, &params)
                    .await
                    .ok()
                    .and_then(|rows| first_number(&rows))
            }
            Dialect::Sqlite => None,
        };
        if let Some(n) = estimate.filter(|n| *n > 0) {
            return Ok(Some(n));
        }
        // No statistics yet (a new table): count. SQLite always counts; it has no estimate.
        let rows = engine
            .query(&format!(
                "SELECT {} FROM {table}",
                as_text(self.dialect, "count(*)")
            ))
            .await
            .map_err(|e| e.context(format!("cannot count the rows of {table}")))?;
        Ok(first_number(&rows))
    }

    /// The verify queries of the canary: those that name `:canary`, restricted to it.
    pub(crate) fn canary_verify(&self, sql: &str) -> Option<String> {
        let canary = self.canary.as_deref()?;
        let replaced = replace_canary(sql, self.dialect, &format!("({canary})"));
        (replaced != sql).then_some(replaced)
    }
}

/// Which pass a batch belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// The canary subset, first.
    Canary,
    /// Every key that existed at the start (less the canary's rows).
    Main,
    /// Keys added since the start (`final_pass`).
    FinalPass,
}

fn first_number(rows: &[crate::engine::Row]) -> Option<u64> {
    rows.first()?
        .first()?
        .as_deref()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| *n >= 0.0)
        .map(|n| n as u64)
}

/// `schema.table` as written → (schema, table), quotes removed.
fn split_table(table_sql: &str) -> (Option<String>, String) {
    let unquote = |s: &str| s.trim().trim_matches(|c| c == '"' || c == '`').to_string();
    match table_sql.rsplit_once('.') {
        Some((schema, name)) => (Some(unquote(schema)), unquote(name)),
        None => (None, unquote(table_sql)),
    }
}

/// Replaces the `:canary` placeholder (outside strings and comments) with `replacement`.
pub fn replace_canary(sql: &str, dialect: Dialect, replacement: &str) -> String {
    let mut lexer = Lexer::new(sql, Rules::of(dialect));
    let mut tokens = Vec::new();
    while let Some(Ok(token)) = lexer.next_token() {
        tokens.push(token);
    }
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let after_colon = i > 0 && tokens[i - 1].is_punct(b':');
        if t.is_punct(b':')
            && !after_colon
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.is_word("canary") && n.start == t.end())
        {
            out.push_str(&sql[copied..t.start]);
            out.push_str(replacement);
            copied = tokens[i + 1].end();
            i += 2;
            continue;
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// A verify query as it runs outside the canary: `:canary` stands for every row.
pub fn verify_sql_for_whole_table(sql: &str, dialect: Dialect) -> String {
    replace_canary(sql, dialect, "(1 = 1)")
}

/// Reads the key columns' names, types and nullability from the catalog. The inner error
/// is for the user (a column that does not exist); the outer one is the database's.
async fn describe_keys(
    engine: &mut dyn Engine,
    table_sql: &str,
    table: Option<&crate::sql::facts::Name>,
    keys: &[String],
) -> Result<std::result::Result<Vec<KeyColumn>, String>> {
    let dialect = engine.dialect();
    let (schema, name) = split_table(table_sql);
    let name = table.map_or(name, |t| t.name.clone());
    // (column name, type, nullable) of every column.
    let columns: Vec<(String, String, bool)> = match dialect {
        Dialect::Postgres => {
            let rows = engine
                .query_with(
                    "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), \
                            CASE WHEN a.attnotnull THEN 'f' ELSE 't' END \
                     FROM pg_attribute a \
                     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                    &[Param::Text(table_sql.to_string())],
                )
                .await
                .map_err(|e| e.context(format!("cannot read the columns of {table_sql}")))?;
            rows.into_iter()
                .map(|r| {
                    let v = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                    (v(0), v(1), v(2) == "t")
                })
                .collect()
        }
        Dialect::Mysql => {
            let (sql, params) = match &schema {
                Some(schema) => (
                    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.columns \
                     WHERE table_schema = ? AND table_name = ?",
                    vec![Param::Text(schema.clone()), Param::Text(name.clone())],
                ),
                None => (
                    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = ?",
                    vec![Param::Text(name.clone())],
                ),
            };
            let rows = engine
                .query_with(sql, &params)
                .await
                .map_err(|e| e.context(format!("cannot read the columns of {table_sql}")))?;
            rows.into_iter()
                .map(|r| {
                    let v = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                    (v(0), v(1).to_lowercase(), v(2) == "YES")
                })
                .collect()
        }
        Dialect::Sqlite => {
            let rows = engine
                .query_with(
                    "SELECT name, CAST(type AS TEXT), CAST(\"notnull\" AS TEXT), CAST(pk AS TEXT) \
                     FROM pragma_table_info(?)",
                    &[Param::Text(name.clone())],
                )
                .await
                .map_err(|e| e.context(format!("cannot read the columns of {table_sql}")))?;
            rows.into_iter()
                .map(|r| {
                    let v = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                    let integer_pk = v(3) == "1" && v(1).eq_ignore_ascii_case("integer");
                    (v(0), v(1).to_lowercase(), v(2) != "1" && !integer_pk)
                })
                .collect()
        }
    };
    if columns.is_empty() {
        return Ok(Err(format!(
            "the backfill's table {table_sql} does not exist (or has no columns)"
        )));
    }
    let mut described = Vec::new();
    for key in keys {
        let wanted = key.trim_matches(|c| c == '"' || c == '`');
        let found = columns.iter().find(|(n, _, _)| n == wanted).or_else(|| {
            columns
                .iter()
                .find(|(n, _, _)| n.eq_ignore_ascii_case(wanted))
        });
        let (column, ty, nullable) = match found {
            Some(c) => c.clone(),
            None if dialect == Dialect::Sqlite
                && ["rowid", "_rowid_", "oid"]
                    .iter()
                    .any(|r| wanted.eq_ignore_ascii_case(r)) =>
            {
                (wanted.to_string(), "integer".to_string(), false)
            }
            None => {
                return Ok(Err(format!(
                    "key column `{key}` is not a column of {table_sql}; the columns are {}",
                    columns
                        .iter()
                        .map(|(n, _, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        };
        let cast = match dialect {
            Dialect::Postgres => Cast::Postgres(ty.clone()),
            Dialect::Mysql if ty.contains("int") && ty.contains("unsigned") => {
                Cast::Mysql("UNSIGNED")
            }
            Dialect::Mysql if ty.contains("int") => Cast::Mysql("SIGNED"),
            Dialect::Mysql if ty.contains("binary") || ty.contains("blob") => {
                return Ok(Err(format!(
                    "key column `{key}` is {ty}: a backfill walks keys it can read as text \
                     (integers, strings, uuids, dates); use another key"
                )));
            }
            // SQLite's affinity rules, by the declared type's name.
            Dialect::Sqlite if ty.contains("int") => Cast::SqliteInteger,
            Dialect::Sqlite
                if ty.contains("char") || ty.contains("clob") || ty.contains("text") =>
            {
                Cast::None
            }
            Dialect::Sqlite if ty.is_empty() || ty.contains("blob") => Cast::None,
            Dialect::Sqlite if ["real", "floa", "doub"].iter().any(|t| ty.contains(t)) => {
                Cast::Sqlite("REAL")
            }
            Dialect::Sqlite => Cast::Sqlite("NUMERIC"),
            Dialect::Mysql => Cast::None,
        };
        described.push(KeyColumn {
            quoted: quote_ident(dialect, &column),
            cast,
            nullable,
        });
    }
    Ok(Ok(described))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(sql: &str) -> BatchStatement {
        BatchStatement::parse(sql, Dialect::Postgres).unwrap()
    }

    #[test]
    fn restricts_with_and_without_where() {
        let s = parse("UPDATE orders SET p = 'x' WHERE p IS NULL OR total > 5");
        assert_eq!(s.table_sql, "orders");
        assert_eq!(
            s.restricted("k"),
            "UPDATE orders SET p = 'x' WHERE (p IS NULL OR total > 5) AND k"
        );
        let s = parse("UPDATE public.orders AS o SET p = 1 RETURNING o.id");
        assert_eq!(s.table_sql, "public.orders");
        assert_eq!(s.reference, "o");
        assert_eq!(
            s.restricted("k"),
            "UPDATE public.orders AS o SET p = 1 WHERE k RETURNING o.id"
        );
        let s = parse("DELETE FROM events e WHERE e.kind = 'x' -- old\n");
        assert_eq!(s.reference, "e");
        assert_eq!(
            s.restricted("k"),
            "DELETE FROM events e WHERE (e.kind = 'x') AND k -- old\n"
        );
        let s = parse(
            "WITH m AS (SELECT 1 WHERE true) UPDATE t SET a = (SELECT b FROM u WHERE u.id = t.id) \
             FROM m WHERE t.a IS NULL",
        );
        assert_eq!(s.reference, "t");
        assert!(s.restricted("k").ends_with("WHERE (t.a IS NULL) AND k"));
    }

    #[test]
    fn refuses_what_cannot_run_in_batches() {
        for (sql, expected) in [
            ("SELECT 1", "one UPDATE or DELETE"),
            ("UPDATE t SET a = 1 LIMIT 5", "no ORDER BY or LIMIT"),
            ("DELETE t1 FROM t1 JOIN t2", "DELETE FROM <table>"),
            ("UPDATE t, u SET t.a = 1", "multi-table"),
        ] {
            let err = BatchStatement::parse(sql, Dialect::Mysql).unwrap_err();
            assert!(err.contains(expected), "{sql}: {err}");
        }
    }

    #[test]
    fn canary_placeholder() {
        assert_eq!(
            replace_canary(
                "SELECT count(*) FROM t WHERE a IS NULL AND :canary AND b::canary = ':canary'",
                Dialect::Postgres,
                "(x > 1)"
            ),
            "SELECT count(*) FROM t WHERE a IS NULL AND (x > 1) AND b::canary = ':canary'"
        );
        assert_eq!(
            verify_sql_for_whole_table("SELECT 1 WHERE :canary", Dialect::Sqlite),
            "SELECT 1 WHERE (1 = 1)"
        );
    }

    #[test]
    fn composite_ranges() {
        let keyset = |dialect| Keyset {
            dialect,
            statement: BatchStatement::parse("UPDATE t SET a = 1", dialect).unwrap(),
            keys: vec![
                KeyColumn {
                    quoted: quote_ident(dialect, "tenant"),
                    cast: Cast::None,
                    nullable: false,
                },
                KeyColumn {
                    quoted: quote_ident(dialect, "id"),
                    cast: Cast::None,
                    nullable: false,
                },
            ],
            canary: Some("tenant = 1".into()),
        };
        let after = vec!["1".to_string(), "5".to_string()];
        let up_to = vec!["2".to_string(), "9".to_string()];
        let (sql, params) = keyset(Dialect::Sqlite).batch(Pass::Main, Some(&after), &up_to);
        assert_eq!(
            sql,
            "UPDATE t SET a = 1 WHERE (t.\"tenant\", t.\"id\") > (?, ?) AND (t.\"tenant\", t.\"id\") \
             <= (?, ?) AND NOT COALESCE((tenant = 1), 0)"
        );
        assert_eq!(params.len(), 4);
        let (sql, params) = keyset(Dialect::Mysql).batch(Pass::Canary, None, &up_to);
        assert_eq!(
            sql,
            "UPDATE t SET a = 1 WHERE t.`tenant` <= ? AND ((t.`tenant` < ?) OR (t.`tenant` = ? AND \
             t.`id` <= ?)) AND (tenant = 1)"
        );
        assert_eq!(params.len(), 4);
    }
}
