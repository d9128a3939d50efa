//! What the MySQL/MariaDB and SQLite extractors share: sqlparser's AST turned into
//! [`Action`]s, and the lexical reading both need around it.
//!
//! sqlparser gives exact positions for names and identifiers only: keywords, types and most
//! statements have none (see the parser evaluation). So positions of sub-commands and the
//! text of column types come from our own lexer over the statement text, and the AST is used
//! for structure. Where sqlparser has no grammar for something real migrations contain, the
//! dialect modules read it lexically instead of giving up.
//!
//! Offsets: an action is placed at the start of the sub-command it is about (an `ALTER
//! TABLE` sub-command, an inline `KEY` of a `CREATE TABLE`); a statement about one object is
//! placed at 0; a statement about a list of objects (`DROP TABLE a, b`) places each action at
//! its object's name.

use std::ops::ControlFlow;

use sqlparser::ast::{self as sp, Spanned, Visit, Visitor};
use sqlparser::dialect::{MySqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Location;

use super::{
    Action, ColumnDef, Constraint, ConstraintKind, DataType, Expr, Extracted, ForeignKey,
    Generated, IndexDef, Name, ObjectKind, OnlineOptions, Op, TransactionOp, Volatility,
};
use crate::sql::lexer::{Rules, Significant, Token, TokenKind};
use crate::sql::{Dialect, Statement, classify};

// ---------------------------------------------------------------------------------------
// Running sqlparser safely

/// Statements nested deeper than this (as [`nesting`] counts) are not handed to sqlparser.
const MAX_NESTING: usize = 2000;

/// The stack of the thread sqlparser runs on. Its recursive descent uses about 100 KiB per
/// nesting level in a debug build (twenty nested subqueries overflow a 2 MiB thread), and
/// printing, visiting and dropping a long operator chain recurse once per operator. Within
/// [`MAX_NESTING`] and the parser's own recursion limit, 64 MiB is ample; it is only reserved,
/// not touched, so it costs address space, not memory.
const STACK_BYTES: usize = 64 << 20;

/// Runs `analyse` on `sql` on a thread with a large stack, so that no input can overflow
/// the caller's stack (an overflow aborts the process; it cannot be caught).
pub(super) fn guarded(sql: &str, dialect: Dialect, analyse: fn(&str) -> Extracted) -> Extracted {
    let depth = nesting(sql, dialect);
    if depth > MAX_NESTING {
        return Err(format!(
            "ratchet could not read this statement: its expressions nest {depth} levels deep, \
             more than the {MAX_NESTING} it analyses"
        ));
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("ratchet-sql-facts".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || analyse(sql));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|panic| {
                // Tests must see a panic; in use, a statement that made the parser panic is
                // one ratchet could not read.
                if cfg!(test) {
                    std::panic::resume_unwind(panic);
                }
                Err("ratchet could not read this statement: the SQL parser failed on it".into())
            }),
            Err(e) => Err(format!(
                "ratchet could not read this statement: no thread to parse it on ({e})"
            )),
        }
    })
}

/// An upper bound on how deeply the statement's syntax tree nests: open parentheses,
/// brackets and CASE expressions, plus the operators chained at each open level (an operator
/// chain `a + b + c ...` is parsed in a loop but builds a tree as deep as it is long). Dots
/// do not count: sqlparser keeps `a.b.c` flat.
pub(super) fn nesting(sql: &str, dialect: Dialect) -> usize {
    // The operators counted at each open level, and their sum over all open levels.
    let mut levels: Vec<usize> = vec![0];
    let mut sum = 0usize;
    let mut max = 0usize;
    for t in Significant::new(sql, Rules::of(dialect), dialect == Dialect::Mysql) {
        match t.kind {
            TokenKind::Punct => match t.text.as_bytes().first() {
                Some(b'(' | b'[') => levels.push(0),
                Some(b')' | b']') if levels.len() > 1 => sum -= levels.pop().unwrap_or(0),
                Some(b',') => {
                    if let Some(top) = levels.last_mut() {
                        sum -= *top;
                        *top = 0;
                    }
                }
                Some(
                    b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'=' | b'!' | b'|' | b'&'
                    | b'^' | b'~' | b':',
                ) => {
                    if let Some(top) = levels.last_mut() {
                        *top += 1;
                        sum += 1;
                    }
                }
                _ => {}
            },
            TokenKind::Word => {
                let w = t.text.to_ascii_uppercase();
                match w.as_str() {
                    "CASE" => levels.push(0),
                    "END" if levels.len() > 1 => sum -= levels.pop().unwrap_or(0),
                    "WHEN" | "THEN" | "ELSE" => {
                        if let Some(top) = levels.last_mut() {
                            sum -= *top;
                            *top = 0;
                        }
                    }
                    "AND" | "OR" | "XOR" | "NOT" | "IS" | "LIKE" | "IN" | "BETWEEN" | "REGEXP"
                    | "RLIKE" | "DIV" | "MOD" | "COLLATE" | "ESCAPE" | "GLOB" | "MATCH"
                    | "EXISTS" | "INTERVAL" | "BINARY" | "UNION" | "EXCEPT" | "INTERSECT"
                    | "JOIN" => {
                        if let Some(top) = levels.last_mut() {
                            *top += 1;
                            sum += 1;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        max = max.max(levels.len() + sum);
    }
    max
}

static MYSQL: MySqlDialect = MySqlDialect {};
static SQLITE: SQLiteDialect = SQLiteDialect {};

/// Parses `sql` (one statement) with sqlparser in `dialect`.
pub(super) fn parse(sql: &str, dialect: Dialect) -> Result<Vec<sp::Statement>, String> {
    let grammar: &dyn sqlparser::dialect::Dialect = match dialect {
        Dialect::Sqlite => &SQLITE,
        _ => &MYSQL,
    };
    Parser::parse_sql(grammar, sql).map_err(|e| e.to_string())
}

/// The one statement sqlparser read, or why not.
pub(super) fn parse_one(sql: &str, dialect: Dialect) -> Result<sp::Statement, String> {
    let mut statements = parse(sql, dialect)?;
    match statements.len() {
        1 => statements.pop().ok_or_else(|| "no statement".to_string()),
        0 => Err("the SQL parser found no statement".into()),
        n => Err(format!(
            "the SQL parser read {n} statements where one was expected"
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Dialect hooks

/// The ops of one ALTER TABLE sub-command, or why it could not be read.
pub(super) type SegmentOps = Result<Vec<Op>, String>;

/// What differs between the two dialects in the shared conversion.
pub(super) struct Flavor {
    /// The dialect.
    pub dialect: Dialect,
    /// Words that end a column's type (the column options that may follow it).
    pub type_stop: &'static [&'static str],
    /// The canonical name and arguments of a column type.
    pub canonical: fn(&TypeText) -> (String, Vec<String>),
    /// A same-length rewrite of a statement sqlparser rejected, to try again; `None` when
    /// there is nothing to rewrite. Same length, so that positions stay valid.
    pub normalize: fn(&Toks<'_>, &Flavor) -> Option<String>,
    /// Reads an `ALTER TABLE` sub-command lexically, before sqlparser is tried; `None`
    /// leaves it to sqlparser.
    pub alter_segment: fn(&Segment<'_>) -> Option<SegmentOps>,
}

// ---------------------------------------------------------------------------------------
// Lexical helpers

/// The significant tokens of a statement (MySQL executable comments read as their content).
pub(super) struct Toks<'a> {
    /// The statement's text.
    pub sql: &'a str,
    /// Its tokens, whitespace and comments dropped.
    pub t: Vec<Token<'a>>,
}

impl<'a> Toks<'a> {
    pub(super) fn new(sql: &'a str, dialect: Dialect) -> Toks<'a> {
        Toks {
            sql,
            t: Significant::new(sql, Rules::of(dialect), dialect == Dialect::Mysql).collect(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.t.len()
    }

    /// Whether token `i` is the bare word `kw`.
    pub(super) fn is(&self, i: usize, kw: &str) -> bool {
        self.t.get(i).is_some_and(|t| t.is_word(kw))
    }

    /// Whether token `i` is one of the bare words `kws`.
    pub(super) fn is_any(&self, i: usize, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is(i, k))
    }

    /// Whether token `i` is the punctuation `c`.
    pub(super) fn is_punct(&self, i: usize, c: u8) -> bool {
        self.t.get(i).is_some_and(|t| t.is_punct(c))
    }

    /// Token `i` upper-cased, if it is a bare word.
    pub(super) fn word(&self, i: usize) -> Option<String> {
        self.t
            .get(i)
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text.to_ascii_uppercase())
    }

    /// Byte offset of token `i` (the end of the text past the last token).
    pub(super) fn start(&self, i: usize) -> usize {
        self.t.get(i).map_or(self.sql.len(), |t| t.start)
    }

    /// The text from token `i` to the end of token `j - 1`.
    pub(super) fn text(&self, i: usize, j: usize) -> &'a str {
        let start = self.start(i);
        let end = match j.checked_sub(1).and_then(|k| self.t.get(k)) {
            Some(t) if j > i => t.end(),
            _ => start,
        };
        self.sql.get(start..end).unwrap_or_default()
    }

    /// The index of the token starting at byte `offset`.
    pub(super) fn at(&self, offset: usize) -> Option<usize> {
        self.t.binary_search_by_key(&offset, |t| t.start).ok()
    }

    /// The index of the `)` closing the `(` at `open`.
    pub(super) fn close(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, t) in self.t.iter().enumerate().skip(open) {
            if t.is_punct(b'(') {
                depth += 1;
            } else if t.is_punct(b')') {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    /// The token ranges between the commas of `from..to` that are outside parentheses.
    pub(super) fn split_commas(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut start = from;
        for i in from..to.min(self.len()) {
            let t = self.t[i];
            if t.is_punct(b'(') {
                depth += 1;
            } else if t.is_punct(b')') {
                depth = depth.saturating_sub(1);
            } else if t.is_punct(b',') && depth == 0 {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
        }
        if to.min(self.len()) > start {
            out.push((start, to.min(self.len())));
        }
        out
    }

    /// The first token at or after `from` outside parentheses that is one of `kws`.
    pub(super) fn find_top(&self, from: usize, kws: &[&str]) -> Option<usize> {
        let mut depth = 0usize;
        for i in from..self.len() {
            if self.is_punct(i, b'(') {
                depth += 1;
            } else if self.is_punct(i, b')') {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && self.is_any(i, kws) {
                return Some(i);
            }
        }
        None
    }

    /// The name (possibly `schema.name`) starting at token `i`, and the index after it.
    pub(super) fn name(&self, i: usize) -> Option<(Name, usize)> {
        let mut parts = vec![self.part(i)?];
        let mut j = i + 1;
        while self.is_punct(j, b'.') {
            match self.part(j + 1) {
                Some(p) => parts.push(p),
                None => break,
            }
            j += 2;
        }
        let name = parts.pop()?;
        Some((
            Name {
                schema: parts.pop(),
                name,
            },
            j,
        ))
    }

    /// One part of a name: a word or a quoted identifier, unquoted.
    fn part(&self, i: usize) -> Option<String> {
        let t = self.t.get(i)?;
        match t.kind {
            TokenKind::Word => Some(t.text.to_string()),
            TokenKind::QuotedIdent => Some(unquote_ident(t.text)),
            _ => None,
        }
    }

    /// `IF EXISTS` / `IF NOT EXISTS` at `i`: whether present and the index after it.
    pub(super) fn if_exists(&self, i: usize) -> (bool, usize) {
        if self.is(i, "IF") && self.is(i + 1, "EXISTS") {
            (true, i + 2)
        } else if self.is(i, "IF") && self.is(i + 1, "NOT") && self.is(i + 2, "EXISTS") {
            (true, i + 3)
        } else {
            (false, i)
        }
    }

    /// The words of the statement from `i` on, upper-cased, up to `n`, for descriptions.
    pub(super) fn words_from(&self, i: usize, n: usize) -> String {
        self.t[i.min(self.len())..]
            .iter()
            .take_while(|t| t.kind == TokenKind::Word)
            .take(n)
            .map(|t| t.text.to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A quoted identifier without its quotes (`` `a``b` `` is ``a`b``).
pub(super) fn unquote_ident(text: &str) -> String {
    let (open, close) = match text.as_bytes().first() {
        Some(b'`') => ('`', '`'),
        Some(b'"') => ('"', '"'),
        Some(b'[') => ('[', ']'),
        _ => return text.to_string(),
    };
    let inner = text
        .strip_prefix(open)
        .and_then(|t| t.strip_suffix(close))
        .unwrap_or(text);
    if open == '[' {
        inner.to_string()
    } else {
        inner.replace(&format!("{close}{close}"), &close.to_string())
    }
}

/// A string literal's value: quotes, a prefix (`N`, `_utf8mb4`) and escapes removed
/// (backslash escapes in MySQL).
pub(super) fn unquote_string(text: &str, dialect: Dialect) -> String {
    let Some(open) = text.find(['\'', '"']) else {
        return text.to_string();
    };
    let quote = text[open..].chars().next().unwrap_or('\'');
    let inner = &text[open + 1..];
    let inner = inner.strip_suffix(quote).unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == quote && chars.peek() == Some(&quote) {
            chars.next();
            out.push(quote);
        } else if c == '\\' && dialect == Dialect::Mysql {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('b') => out.push('\u{8}'),
                Some('Z') => out.push('\u{1a}'),
                // `\%` and `\_` keep their backslash (they are LIKE escapes).
                Some(e @ ('%' | '_')) => {
                    out.push('\\');
                    out.push(e);
                }
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` with runs of whitespace made single spaces, for descriptions.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Overwrites bytes `start..end` of `buf` with spaces (only ever ASCII-aligned token ranges).
pub(super) fn blank(buf: &mut [u8], start: usize, end: usize) {
    for b in buf.iter_mut().take(end).skip(start) {
        *b = b' ';
    }
}

// ---------------------------------------------------------------------------------------
// Column types, read from the text

/// A column type as the lexer finds it after the column's name.
#[derive(Debug, Clone, Default)]
pub(super) struct TypeText {
    /// The type exactly as written.
    pub text: String,
    /// Its words before the parenthesised arguments, lower case (`["double", "precision"]`).
    pub words: Vec<String>,
    /// The arguments in parentheses: numbers as written, strings unquoted.
    pub args: Vec<String>,
    /// Words after the arguments, lower case (`unsigned`, `binary`).
    pub trailing: Vec<String>,
}

/// Where a column type lies in a statement's tokens.
#[derive(Debug, Clone, Default)]
pub(super) struct TypeSpan {
    /// The type's words before its arguments.
    pub words: Vec<usize>,
    /// Its `(` and `)`, if it has arguments.
    pub args: Option<(usize, usize)>,
    /// Its words after the arguments.
    pub trailing: Vec<usize>,
    /// The token after the type.
    pub end: usize,
}

impl TypeSpan {
    /// Whether the column has no type at all (SQLite allows that).
    pub(super) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The type starting at token `i`, ending before a word of `stop`, a `,` or a `)`.
pub(super) fn type_span(toks: &Toks<'_>, i: usize, stop: &[&str]) -> TypeSpan {
    let mut span = TypeSpan {
        end: i,
        ..TypeSpan::default()
    };
    let is_type_word = |j: usize| {
        toks.t.get(j).is_some_and(|t| t.kind == TokenKind::Word) && !toks.is_any(j, stop)
    };
    if !is_type_word(i) {
        return span;
    }
    span.words.push(i);
    let mut j = i + 1;
    loop {
        if span.args.is_none() && toks.is_punct(j, b'(') {
            let Some(close) = toks.close(j) else { break };
            span.args = Some((j, close));
            j = close + 1;
        } else if is_type_word(j) {
            if span.args.is_some() {
                span.trailing.push(j);
            } else {
                span.words.push(j);
            }
            j += 1;
        } else {
            break;
        }
    }
    span.end = j;
    span
}

/// The column types of a CREATE TABLE or ALTER TABLE statement, found lexically.
pub(super) fn column_types(toks: &Toks<'_>, stop: &[&str]) -> Vec<TypeSpan> {
    const NOT_COLUMNS: &[&str] = &[
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "CHECK",
        "FOREIGN",
        "KEY",
        "INDEX",
        "FULLTEXT",
        "SPATIAL",
        "PERIOD",
        "LIKE",
    ];
    let mut out = Vec::new();
    if toks.is(0, "CREATE") {
        let Some(table) = (1..5).find(|&i| toks.is(i, "TABLE")) else {
            return out;
        };
        let (_, at) = toks.if_exists(table + 1);
        let Some((_, after)) = toks.name(at) else {
            return out;
        };
        if !toks.is_punct(after, b'(') {
            return out;
        }
        let Some(close) = toks.close(after) else {
            return out;
        };
        for (a, _) in toks.split_commas(after + 1, close) {
            if !toks.is_any(a, NOT_COLUMNS) {
                out.push(type_span(toks, a + 1, stop));
            }
        }
        return out;
    }
    if !toks.is(0, "ALTER") {
        return out;
    }
    let Some(table) = (1..4).find(|&i| toks.is(i, "TABLE")) else {
        return out;
    };
    let (_, at) = toks.if_exists(table + 1);
    let Some((_, after)) = toks.name(at) else {
        return out;
    };
    for (a, b) in toks.split_commas(after, toks.len()) {
        let mut k = a + 1;
        if toks.is(k, "COLUMN") {
            k += 1;
        }
        let (_, k) = toks.if_exists(k);
        if toks.is(a, "ADD") && toks.is_punct(k, b'(') {
            if let Some(close) = toks.close(k) {
                for (c, _) in toks.split_commas(k + 1, close) {
                    out.push(type_span(toks, c + 1, stop));
                }
            }
        } else if (toks.is(a, "ADD") && !toks.is_any(a + 1, NOT_COLUMNS)) || toks.is(a, "MODIFY") {
            out.push(type_span(toks, k + 1, stop));
        } else if toks.is(a, "CHANGE") && k + 2 <= b {
            out.push(type_span(toks, k + 2, stop));
        }
    }
    out
}

/// The text and parts of a type found by [`type_span`].
pub(super) fn type_text(toks: &Toks<'_>, span: &TypeSpan, dialect: Dialect) -> TypeText {
    let Some(&first) = span.words.first() else {
        return TypeText::default();
    };
    let lower = |j: &usize| toks.t[*j].text.to_ascii_lowercase();
    let args = match span.args {
        Some((open, close)) => toks
            .split_commas(open + 1, close)
            .into_iter()
            .map(|(a, b)| match toks.t[a] {
                t if b == a + 1 && t.kind == TokenKind::String => unquote_string(t.text, dialect),
                t if b == a + 1 && t.kind == TokenKind::QuotedIdent => unquote_ident(t.text),
                _ => toks.text(a, b).to_string(),
            })
            .collect(),
        None => Vec::new(),
    };
    TypeText {
        text: toks.text(first, span.end).to_string(),
        words: span.words.iter().map(lower).collect(),
        args,
        trailing: span.trailing.iter().map(lower).collect(),
    }
}

/// A type read from a text of its own (sqlparser's rendering, when the source has none).
pub(super) fn type_from_text(text: &str, flavor: &Flavor) -> TypeText {
    let toks = Toks::new(text, flavor.dialect);
    let span = type_span(&toks, 0, &[]);
    let mut out = type_text(&toks, &span, flavor.dialect);
    out.text = text.to_string();
    out
}

fn data_type(text: &TypeText, flavor: &Flavor) -> DataType {
    let (name, args) = (flavor.canonical)(text);
    DataType {
        name,
        args,
        array: false,
        text: text.text.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Expressions

/// How sure ratchet is that a value varies, least first.
fn rank(v: Volatility) -> u8 {
    match v {
        Volatility::Constant => 0,
        Volatility::Stable => 1,
        Volatility::Unknown => 2,
        Volatility::Volatile => 3,
    }
}

/// Functions whose value is fixed for the statement (the moment, the session).
const STABLE_FUNCTIONS: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "curdate",
    "curtime",
    "utc_timestamp",
    "utc_date",
    "utc_time",
    "current_user",
    "session_user",
    "system_user",
    "user",
    "database",
    "schema",
    "connection_id",
    "version",
    "last_insert_id",
    "last_insert_rowid",
    "changes",
    "total_changes",
    "sqlite_version",
];

/// Functions that give a new value per call.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "rand",
    "random",
    "randomblob",
    "uuid",
    "uuid_short",
    "uuid_v4",
    "uuid_v7",
    "sys_guid",
    "sysdate",
    "nextval",
    "sleep",
    "get_lock",
    "release_lock",
];

/// Functions of their arguments only.
const IMMUTABLE_FUNCTIONS: &[&str] = &[
    "abs",
    "ascii",
    "bin_to_uuid",
    "cast",
    "ceil",
    "ceiling",
    "char",
    "char_length",
    "character_length",
    "coalesce",
    "concat",
    "concat_ws",
    "conv",
    "convert",
    "date_add",
    "date_format",
    "date_sub",
    "elt",
    "field",
    "floor",
    "format",
    "from_base64",
    "greatest",
    "hex",
    "if",
    "ifnull",
    "iif",
    "instr",
    "json",
    "json_array",
    "json_extract",
    "json_object",
    "json_quote",
    "lcase",
    "least",
    "left",
    "length",
    "locate",
    "lower",
    "lpad",
    "ltrim",
    "md5",
    "mod",
    "nullif",
    "octet_length",
    "pow",
    "power",
    "printf",
    "quote",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sha1",
    "sha2",
    "sign",
    "sqrt",
    "str_to_date",
    "substr",
    "substring",
    "substring_index",
    "to_base64",
    "trim",
    "truncate",
    "typeof",
    "ucase",
    "unhex",
    "unicode",
    "upper",
    "uuid_to_bin",
    "zeroblob",
];

/// SQLite's date functions: fixed for the statement with `'now'`, immutable otherwise.
const SQLITE_DATE_FUNCTIONS: &[&str] = &[
    "date",
    "time",
    "datetime",
    "julianday",
    "unixepoch",
    "strftime",
    "timediff",
];

/// What ratchet knows of how `e`'s value varies: the least certain of its parts. A column
/// reference can differ per row, so it counts as volatile (the model's definition), as does
/// a subquery.
pub(super) fn volatility(e: &sp::Expr) -> Volatility {
    let mut worst = Volatility::Constant;
    let _ = sp::visit_expressions(e, |x| {
        let v = node_volatility(x);
        if rank(v) > rank(worst) {
            worst = v;
        }
        ControlFlow::<()>::Continue(())
    });
    worst
}

fn node_volatility(e: &sp::Expr) -> Volatility {
    match e {
        sp::Expr::Function(f) => function_volatility(f),
        sp::Expr::Subquery(_) | sp::Expr::Exists { .. } => Volatility::Volatile,
        sp::Expr::In {
            target: sp::InTarget::Subquery(_),
            ..
        } => Volatility::Volatile,
        sp::Expr::Identifier(id) if id.quote_style.is_none() => {
            let word = id.value.to_ascii_lowercase();
            if STABLE_FUNCTIONS.contains(&word.as_str()) {
                Volatility::Stable
            } else if matches!(word.as_str(), "true" | "false" | "null") {
                Volatility::Constant
            } else {
                Volatility::Volatile
            }
        }
        sp::Expr::Identifier(_) | sp::Expr::CompoundIdentifier(_) => Volatility::Volatile,
        _ => Volatility::Constant,
    }
}

fn function_volatility(f: &sp::Function) -> Volatility {
    let name = f
        .name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.as_str();
    if SQLITE_DATE_FUNCTIONS.contains(&name) {
        let now = match &f.args {
            sp::FunctionArguments::List(list) => list.args.iter().any(|a| {
                matches!(
                    a,
                    sp::FunctionArg::Unnamed(sp::FunctionArgExpr::Expr(sp::Expr::Value(v)))
                        if matches!(&v.value, sp::Value::SingleQuotedString(s) if s.eq_ignore_ascii_case("now"))
                )
            }),
            _ => false,
        };
        // `date()` without arguments is today.
        let no_args = matches!(&f.args, sp::FunctionArguments::List(l) if l.args.is_empty());
        return if now || no_args {
            Volatility::Stable
        } else {
            Volatility::Constant
        };
    }
    if name == "unix_timestamp" {
        let no_args = match &f.args {
            sp::FunctionArguments::List(l) => l.args.is_empty(),
            _ => true,
        };
        return if no_args {
            Volatility::Stable
        } else {
            Volatility::Constant
        };
    }
    if STABLE_FUNCTIONS.contains(&name) {
        Volatility::Stable
    } else if VOLATILE_FUNCTIONS.contains(&name) {
        Volatility::Volatile
    } else if IMMUTABLE_FUNCTIONS.contains(&name) {
        Volatility::Constant
    } else {
        Volatility::Unknown
    }
}

// ---------------------------------------------------------------------------------------
// The conversion

/// Converts sqlparser's AST of one statement (or of a statement ratchet put together from a
/// piece of it) into actions, with positions in the original statement.
pub(super) struct Cx<'a> {
    /// The dialect's hooks.
    pub flavor: &'a Flavor,
    /// The original statement.
    pub toks: &'a Toks<'a>,
    /// Byte offset of each line start in the text sqlparser read.
    lines: Vec<usize>,
    parsed: &'a str,
    /// Offsets below `prefix` in the parsed text are not in the original; from it on, the
    /// parsed text is the original's from `base`.
    prefix: usize,
    base: usize,
}

impl<'a> Cx<'a> {
    /// A context for `parsed`, which is the original statement (or a same-length rewrite).
    pub(super) fn new(flavor: &'a Flavor, toks: &'a Toks<'a>, parsed: &'a str) -> Cx<'a> {
        Cx::piece(flavor, toks, parsed, 0, 0)
    }

    /// A context for `parsed`, whose bytes from `prefix` on are the original's from `base`.
    pub(super) fn piece(
        flavor: &'a Flavor,
        toks: &'a Toks<'a>,
        parsed: &'a str,
        prefix: usize,
        base: usize,
    ) -> Cx<'a> {
        let mut lines = vec![0];
        lines.extend(
            parsed
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Cx {
            flavor,
            toks,
            lines,
            parsed,
            prefix,
            base,
        }
    }

    fn dialect(&self) -> Dialect {
        self.flavor.dialect
    }

    /// The byte offset in the original statement of a sqlparser location.
    pub(super) fn offset(&self, loc: Location) -> Option<usize> {
        let line = usize::try_from(loc.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(loc.column).ok()?.checked_sub(1)?;
        let start = *self.lines.get(line)?;
        let rest = self.parsed.get(start..)?;
        let within = match rest.char_indices().nth(column) {
            Some((i, _)) => i,
            None if rest.chars().count() == column => rest.len(),
            None => return None,
        };
        (start + within)
            .checked_sub(self.prefix)
            .map(|o| o + self.base)
            .filter(|&o| self.toks.sql.is_char_boundary(o))
    }

    /// Where a spanned node starts in the original statement, 0 when unknown.
    fn offset_of(&self, node: &impl Spanned) -> usize {
        self.offset(node.span().start).unwrap_or(0)
    }

    /// A name as written, without quotes; `db.table` gives the schema.
    pub(super) fn name(&self, n: &sp::ObjectName) -> Name {
        let mut parts: Vec<String> =
            n.0.iter()
                .map(|p| match p.as_ident() {
                    Some(i) => i.value.clone(),
                    None => p.to_string(),
                })
                .collect();
        let name = parts.pop().unwrap_or_default();
        Name {
            schema: parts.pop(),
            name,
        }
    }

    /// An expression: sqlparser's rendering of it (spans of expressions stop short of
    /// closing parentheses, so the source text cannot be cut reliably) and its volatility.
    pub(super) fn expr(&self, e: &sp::Expr) -> Expr {
        Expr {
            text: e.to_string(),
            volatility: volatility(e),
        }
    }

    /// The type written after the identifier `after` (a column's name) in the original.
    fn type_after(&self, after: &sp::Ident, fallback: &sp::DataType) -> TypeText {
        let found = self
            .offset(after.span.start)
            .and_then(|o| self.toks.at(o))
            .map(|i| type_span(self.toks, i + 1, self.flavor.type_stop))
            .filter(|s| !s.is_empty());
        match found {
            Some(span) => type_text(self.toks, &span, self.dialect()),
            None if matches!(fallback, sp::DataType::Unspecified) => TypeText::default(),
            None => type_from_text(&fallback.to_string(), self.flavor),
        }
    }

    /// A column definition from its parts.
    pub(super) fn column<'o>(
        &self,
        name: &sp::Ident,
        ty: &sp::DataType,
        options: impl Iterator<Item = &'o sp::ColumnOption>,
    ) -> ColumnDef {
        let text = self.type_after(name, ty);
        let mut col = ColumnDef {
            name: name.value.clone(),
            data_type: data_type(&text, self.flavor),
            not_null: false,
            primary_key: false,
            unique: false,
            default: None,
            generated: None,
            references: None,
            check: None,
        };
        // MySQL's SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
        if self.dialect() == Dialect::Mysql && text.words == ["serial"] {
            col.generated = Some(Generated::Serial);
            col.not_null = true;
            col.unique = true;
        }
        for option in options {
            match option {
                sp::ColumnOption::NotNull => col.not_null = true,
                sp::ColumnOption::Default(e) => {
                    let mut default = self.expr(e);
                    // A default cannot name a column: a double-quoted "word" there is a
                    // string (SQLite reads it so).
                    if matches!(e, sp::Expr::Identifier(i) if i.quote_style == Some('"')) {
                        default.volatility = Volatility::Constant;
                    }
                    col.default = Some(default);
                }
                sp::ColumnOption::PrimaryKey(_) => {
                    col.primary_key = true;
                    col.not_null = true;
                }
                sp::ColumnOption::Unique(_) => col.unique = true,
                sp::ColumnOption::ForeignKey(fk) => {
                    col.references = Some(ForeignKey {
                        columns: Vec::new(),
                        table: self.name(&fk.foreign_table),
                        referred: fk
                            .referred_columns
                            .iter()
                            .map(|c| c.value.clone())
                            .collect(),
                        on_delete: fk.on_delete.map(|a| a.to_string().to_ascii_lowercase()),
                    });
                }
                sp::ColumnOption::Check(ck) => col.check = Some(self.expr(&ck.expr)),
                sp::ColumnOption::DialectSpecific(tokens)
                    if tokens.iter().any(|t| {
                        let t = t.to_string();
                        t.eq_ignore_ascii_case("AUTO_INCREMENT")
                            || t.eq_ignore_ascii_case("AUTOINCREMENT")
                    }) =>
                {
                    col.generated = Some(Generated::Serial);
                }
                sp::ColumnOption::Generated {
                    generation_expr: Some(e),
                    generation_expr_mode,
                    generated_as,
                    ..
                } => {
                    let expr = self.expr(e);
                    col.generated = Some(
                        if matches!(
                            generation_expr_mode,
                            Some(sp::GeneratedExpressionMode::Stored)
                        ) || matches!(generated_as, sp::GeneratedAs::ExpStored)
                        {
                            Generated::Stored(expr)
                        } else {
                            // MySQL and SQLite generate columns virtually unless told.
                            Generated::Virtual(expr)
                        },
                    );
                }
                sp::ColumnOption::Generated {
                    generation_expr: None,
                    ..
                }
                | sp::ColumnOption::Identity(_) => col.generated = Some(Generated::Identity),
                _ => {}
            }
        }
        col
    }

    /// A column definition of CREATE TABLE or ADD COLUMN.
    pub(super) fn column_def(&self, c: &sp::ColumnDef) -> ColumnDef {
        self.column(&c.name, &c.data_type, c.options.iter().map(|o| &o.option))
    }

    /// Index columns: names, or the text of expressions (`lower(a)`, MySQL's `a(10)`).
    fn index_columns(&self, columns: &[sp::IndexColumn]) -> Vec<String> {
        columns
            .iter()
            .map(|c| match &c.column.expr {
                sp::Expr::Identifier(i) => i.value.clone(),
                // MySQL's prefix of a column, `b(20)`, parses as a call.
                sp::Expr::Function(f) if f.name.0.len() == 1 => match (&f.name.0[0], &f.args) {
                    (sp::ObjectNamePart::Identifier(name), sp::FunctionArguments::List(list))
                        if list.args.len() == 1 =>
                    {
                        format!("{}({})", name.value, list.args[0])
                    }
                    _ => f.to_string(),
                },
                other => other.to_string(),
            })
            .collect()
    }

    fn idents(ids: &[sp::Ident]) -> Vec<String> {
        ids.iter().map(|i| i.value.clone()).collect()
    }

    /// A table constraint; `None` for a plain index (`KEY`, `INDEX`, `FULLTEXT`).
    pub(super) fn constraint(
        &self,
        c: &sp::TableConstraint,
        not_valid: bool,
    ) -> Option<Constraint> {
        let ident = |i: &Option<sp::Ident>| i.as_ref().map(|i| i.value.clone());
        let (name, kind) = match c {
            sp::TableConstraint::PrimaryKey(p) => (
                ident(&p.name).or(ident(&p.index_name)),
                ConstraintKind::PrimaryKey {
                    columns: self.index_columns(&p.columns),
                    using_index: None,
                },
            ),
            sp::TableConstraint::Unique(u) => (
                ident(&u.name).or(ident(&u.index_name)),
                ConstraintKind::Unique {
                    columns: self.index_columns(&u.columns),
                    using_index: None,
                },
            ),
            sp::TableConstraint::ForeignKey(f) => (
                ident(&f.name).or(ident(&f.index_name)),
                ConstraintKind::ForeignKey(ForeignKey {
                    columns: Cx::idents(&f.columns),
                    table: self.name(&f.foreign_table),
                    referred: Cx::idents(&f.referred_columns),
                    on_delete: f.on_delete.map(|a| a.to_string().to_ascii_lowercase()),
                }),
            ),
            sp::TableConstraint::Check(k) => {
                (ident(&k.name), ConstraintKind::Check(self.expr(&k.expr)))
            }
            sp::TableConstraint::PrimaryKeyUsingIndex(u) => (
                ident(&u.name),
                ConstraintKind::PrimaryKey {
                    columns: Vec::new(),
                    using_index: Some(u.index_name.value.clone()),
                },
            ),
            sp::TableConstraint::UniqueUsingIndex(u) => (
                ident(&u.name),
                ConstraintKind::Unique {
                    columns: Vec::new(),
                    using_index: Some(u.index_name.value.clone()),
                },
            ),
            sp::TableConstraint::Exclude(e) => (ident(&e.name), ConstraintKind::Exclude),
            sp::TableConstraint::Index(_) | sp::TableConstraint::FulltextOrSpatial(_) => {
                return None;
            }
        };
        Some(Constraint {
            name,
            kind,
            not_valid,
        })
    }

    /// A plain (or, with `unique`, a unique) index that a table constraint declares.
    fn constraint_index(&self, c: &sp::TableConstraint, table: &Name) -> Option<IndexDef> {
        let (name, columns, unique) = match c {
            sp::TableConstraint::Index(i) => (i.name.as_ref(), &i.columns, false),
            sp::TableConstraint::FulltextOrSpatial(i) => {
                (i.opt_index_name.as_ref(), &i.columns, false)
            }
            sp::TableConstraint::Unique(u)
                if u.index_type_display != sp::KeyOrIndexDisplay::None =>
            {
                (u.index_name.as_ref().or(u.name.as_ref()), &u.columns, true)
            }
            _ => return None,
        };
        Some(IndexDef {
            name: name.map(|n| Name::new(n.value.clone())),
            table: table.clone(),
            columns: self.index_columns(columns),
            unique,
            concurrently: false,
            if_not_exists: false,
            predicate: None,
        })
    }

    /// The tables `node` reads, in order, each once; names of common table expressions left
    /// out.
    pub(super) fn reads(&self, node: &impl Visit) -> Vec<Name> {
        dedupe(self.relations(node))
    }

    /// Every mention of a table in `node`, in order (a table read twice is there twice).
    fn relations(&self, node: &impl Visit) -> Vec<Name> {
        let mut reads = Relations::default();
        let _ = node.visit(&mut reads);
        reads
            .names
            .iter()
            .filter(|r| {
                let single = r.0.len() == 1;
                let name = self.name(r).name.to_lowercase();
                // MySQL's `FROM DUAL` reads nothing.
                !(single && (reads.ctes.contains(&name) || name == "dual"))
            })
            .map(|r| self.name(r))
            .collect()
    }

    /// The tables a data change reads besides its targets: every mention less one per target
    /// (a subquery on the target table still reads it).
    fn reads_besides(&self, node: &impl Visit, targets: &[Name]) -> Vec<Name> {
        let mut all = self.relations(node);
        for t in targets {
            if let Some(k) = all.iter().position(|r| r.key() == t.key()) {
                all.remove(k);
            }
        }
        dedupe(all)
    }

    /// The actions of one parsed statement.
    pub(super) fn statement(&self, stmt: &sp::Statement) -> Result<Vec<Action>, String> {
        let at0 = |op| vec![Action { op, offset: 0 }];
        Ok(match stmt {
            sp::Statement::CreateTable(ct) => self.create_table(ct),
            sp::Statement::CreateVirtualTable {
                name,
                if_not_exists,
                ..
            } => at0(Op::CreateTable {
                table: self.name(name),
                columns: Vec::new(),
                constraints: Vec::new(),
                if_not_exists: *if_not_exists,
                as_query: false,
                temporary: false,
            }),
            sp::Statement::CreateIndex(ci) => at0(Op::CreateIndex(IndexDef {
                name: ci.name.as_ref().map(|n| self.name(n)),
                table: self.name(&ci.table_name),
                columns: self.index_columns(&ci.columns),
                unique: ci.unique,
                concurrently: ci.concurrently,
                if_not_exists: ci.if_not_exists,
                predicate: ci.predicate.as_ref().map(|p| p.to_string()),
            })),
            sp::Statement::AlterTable(at) => {
                let table = self.name(&at.name);
                let mut out = Vec::new();
                for op in &at.operations {
                    for op in self.alter_op(&table, op)? {
                        out.push(Action { op, offset: 0 });
                    }
                }
                out
            }
            sp::Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                table,
                ..
            } => self.drop(*object_type, *if_exists, *cascade, names, table.as_ref()),
            sp::Statement::DropTrigger(d) => at0(Op::DropObject {
                kind: ObjectKind::Trigger,
                name: self.name(&d.trigger_name),
                if_exists: d.if_exists,
                cascade: false,
            }),
            sp::Statement::DropFunction(d) => {
                self.each(d.func_desc.iter().map(|f| &f.name), |name| Op::DropObject {
                    kind: ObjectKind::Function,
                    name,
                    if_exists: d.if_exists,
                    cascade: matches!(d.drop_behavior, Some(sp::DropBehavior::Cascade)),
                })
            }
            sp::Statement::DropProcedure {
                if_exists,
                proc_desc,
                drop_behavior,
            } => self.each(proc_desc.iter().map(|f| &f.name), |name| Op::DropObject {
                kind: ObjectKind::Procedure,
                name,
                if_exists: *if_exists,
                cascade: matches!(drop_behavior, Some(sp::DropBehavior::Cascade)),
            }),
            sp::Statement::Truncate(t) => {
                self.each(t.table_names.iter().map(|t| &t.name), |table| {
                    Op::Truncate {
                        table,
                        cascade: matches!(t.cascade, Some(sp::CascadeOption::Cascade)),
                    }
                })
            }
            sp::Statement::RenameTable(pairs) => {
                let many = pairs.len() > 1;
                pairs
                    .iter()
                    .map(|p| Action {
                        op: Op::RenameTable {
                            table: self.name(&p.old_name),
                            to: self.name(&p.new_name),
                        },
                        offset: if many { self.offset_of(&p.old_name) } else { 0 },
                    })
                    .collect()
            }
            sp::Statement::CreateView(v) => at0(Op::CreateObject {
                kind: if v.materialized {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                },
                name: self.name(&v.name),
                tables: self.reads(&v.query),
                or_replace: v.or_replace || v.or_alter,
            }),
            sp::Statement::AlterView(v) => {
                let name = self.name(&v.name);
                at0(Op::CreateObject {
                    kind: ObjectKind::View,
                    tables: self.reads_besides(v, std::slice::from_ref(&name)),
                    name,
                    or_replace: true,
                })
            }
            sp::Statement::CreateSequence { name, .. } => at0(Op::CreateObject {
                kind: ObjectKind::Sequence,
                name: self.name(name),
                tables: Vec::new(),
                or_replace: false,
            }),
            sp::Statement::CreateDatabase {
                db_name,
                or_replace,
                ..
            } => at0(Op::CreateObject {
                kind: ObjectKind::Database,
                name: self.name(db_name),
                tables: Vec::new(),
                or_replace: *or_replace,
            }),
            sp::Statement::CreateSchema {
                schema_name,
                or_replace,
                ..
            } => {
                let name = match schema_name {
                    sp::SchemaName::Simple(n) | sp::SchemaName::NamedAuthorization(n, _) => {
                        self.name(n)
                    }
                    sp::SchemaName::UnnamedAuthorization(i) => Name::new(i.value.clone()),
                };
                at0(Op::CreateObject {
                    // A MySQL schema is a database.
                    kind: if self.dialect() == Dialect::Mysql {
                        ObjectKind::Database
                    } else {
                        ObjectKind::Schema
                    },
                    name,
                    tables: Vec::new(),
                    or_replace: *or_replace,
                })
            }
            sp::Statement::Insert(ins) => self.insert(ins),
            sp::Statement::Update(u) => self.update(u),
            sp::Statement::Delete(d) => self.delete(d),
            sp::Statement::Query(q) => match q.body.as_ref() {
                sp::SetExpr::Insert(inner)
                | sp::SetExpr::Update(inner)
                | sp::SetExpr::Delete(inner) => self.with_data_change(q, inner)?,
                _ => at0(Op::Query {
                    reads: self.reads(q),
                }),
            },
            // EXPLAIN ANALYZE runs the statement it explains.
            sp::Statement::Explain {
                analyze: true,
                statement,
                ..
            } => self.statement(statement)?,
            sp::Statement::Explain { .. }
            | sp::Statement::ExplainTable { .. }
            | sp::Statement::ShowCreate { .. }
            | sp::Statement::ShowColumns { .. }
            | sp::Statement::ShowTables { .. }
            | sp::Statement::ShowVariables { .. }
            | sp::Statement::ShowVariable { .. }
            | sp::Statement::ShowStatus { .. }
            | sp::Statement::ShowDatabases { .. }
            | sp::Statement::ShowSchemas { .. }
            | sp::Statement::ShowCollation { .. }
            | sp::Statement::ShowFunctions { .. }
            | sp::Statement::ShowViews { .. } => at0(Op::Query { reads: Vec::new() }),
            sp::Statement::StartTransaction { .. } => at0(Op::Transaction {
                control: TransactionOp::Begin,
            }),
            sp::Statement::Commit { .. } => at0(Op::Transaction {
                control: TransactionOp::Commit,
            }),
            sp::Statement::Rollback { savepoint, .. } => at0(Op::Transaction {
                control: if savepoint.is_some() {
                    TransactionOp::Savepoint
                } else {
                    TransactionOp::Rollback
                },
            }),
            sp::Statement::Savepoint { .. } | sp::Statement::ReleaseSavepoint { .. } => {
                at0(Op::Transaction {
                    control: TransactionOp::Savepoint,
                })
            }
            sp::Statement::Grant(_)
            | sp::Statement::Revoke(_)
            | sp::Statement::GrantRole(_)
            | sp::Statement::RevokeRole(_)
            | sp::Statement::Analyze(_)
            | sp::Statement::Vacuum(_)
            | sp::Statement::Use(_)
            | sp::Statement::LockTables { .. }
            | sp::Statement::UnlockTables
            | sp::Statement::Flush { .. }
            | sp::Statement::Comment { .. }
            | sp::Statement::AttachDatabase { .. }
            | sp::Statement::CreateUser(_)
            | sp::Statement::AlterUser(_)
            | sp::Statement::CreateRole(_) => at0(Op::Other {
                description: self.describe(3),
            }),
            sp::Statement::Call(_) => at0(Op::Unknown {
                reason: "CALL runs a procedure whose statements ratchet cannot see".into(),
            }),
            _ => at0(Op::Unknown {
                reason: format!("ratchet does not analyse {} statements", self.describe(2)),
            }),
        })
    }

    /// `WITH ... INSERT|UPDATE|DELETE`: the data change, with the names of the common table
    /// expressions replaced by the tables they read.
    fn with_data_change(
        &self,
        q: &sp::Query,
        inner: &sp::Statement,
    ) -> Result<Vec<Action>, String> {
        let ctes: Vec<&sp::Cte> = q.with.iter().flat_map(|w| &w.cte_tables).collect();
        let is_cte = |n: &Name| {
            n.schema.is_none()
                && ctes
                    .iter()
                    .any(|c| c.alias.name.value.eq_ignore_ascii_case(&n.name))
        };
        let cte_reads: Vec<Name> = dedupe(
            ctes.iter()
                .flat_map(|c| self.relations(c.query.as_ref()))
                .filter(|n| !is_cte(n))
                .collect(),
        );
        let mut actions = self.statement(inner)?;
        let mut merged = false;
        for action in &mut actions {
            match &mut action.op {
                Op::Query { reads } | Op::Update { reads, .. } => {
                    reads.retain(|n| !is_cte(n));
                    if !merged {
                        reads.extend(cte_reads.iter().cloned());
                        *reads = dedupe(std::mem::take(reads));
                        merged = true;
                    }
                }
                _ => {}
            }
        }
        actions.retain(|a| !matches!(&a.op, Op::Query { reads } if reads.is_empty()));
        if !merged && !cte_reads.is_empty() {
            actions.push(Action {
                op: Op::Query { reads: cte_reads },
                offset: 0,
            });
        }
        Ok(actions)
    }

    /// The statement's leading words (up to `n`), for descriptions.
    fn describe(&self, n: usize) -> String {
        let words = self.toks.words_from(0, n);
        if words.is_empty() {
            collapse(self.toks.sql)
        } else {
            words
        }
    }

    /// One action per named object; positioned at each name when there are several.
    fn each<'n>(
        &self,
        names: impl ExactSizeIterator<Item = &'n sp::ObjectName>,
        op: impl Fn(Name) -> Op,
    ) -> Vec<Action> {
        let many = names.len() > 1;
        names
            .map(|n| Action {
                op: op(self.name(n)),
                offset: if many { self.offset_of(n) } else { 0 },
            })
            .collect()
    }

    fn drop(
        &self,
        object_type: sp::ObjectType,
        if_exists: bool,
        cascade: bool,
        names: &[sp::ObjectName],
        table: Option<&sp::ObjectName>,
    ) -> Vec<Action> {
        let object = |kind| {
            move |name| Op::DropObject {
                kind,
                name,
                if_exists,
                cascade,
            }
        };
        match object_type {
            sp::ObjectType::Table => self.each(names.iter(), |table| Op::DropTable {
                table,
                if_exists,
                cascade,
            }),
            sp::ObjectType::Index => {
                let table = table.map(|t| self.name(t));
                self.each(names.iter(), |name| {
                    drop_index(name, table.clone(), if_exists)
                })
            }
            sp::ObjectType::View => self.each(names.iter(), object(ObjectKind::View)),
            sp::ObjectType::MaterializedView => {
                self.each(names.iter(), object(ObjectKind::MaterializedView))
            }
            sp::ObjectType::Database => self.each(names.iter(), object(ObjectKind::Database)),
            sp::ObjectType::Schema if self.dialect() == Dialect::Mysql => {
                self.each(names.iter(), object(ObjectKind::Database))
            }
            sp::ObjectType::Schema => self.each(names.iter(), object(ObjectKind::Schema)),
            sp::ObjectType::Sequence => self.each(names.iter(), object(ObjectKind::Sequence)),
            sp::ObjectType::Type => self.each(names.iter(), object(ObjectKind::Type)),
            _ => self.each(names.iter(), object(ObjectKind::Other)),
        }
    }

    fn create_table(&self, ct: &sp::CreateTable) -> Vec<Action> {
        let table = self.name(&ct.name);
        let mut out = vec![Action {
            op: Op::CreateTable {
                table: table.clone(),
                columns: ct.columns.iter().map(|c| self.column_def(c)).collect(),
                constraints: ct
                    .constraints
                    .iter()
                    .filter_map(|c| self.constraint(c, false))
                    .collect(),
                if_not_exists: ct.if_not_exists,
                as_query: ct.query.is_some(),
                temporary: ct.temporary,
            },
            offset: 0,
        }];
        // Inline `KEY`/`INDEX`/`FULLTEXT` definitions build indexes on the new table: one
        // CreateIndex each, at its keyword, as if written after the CREATE TABLE.
        let starts = self.index_elements();
        let indexes = ct
            .constraints
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    sp::TableConstraint::Index(_) | sp::TableConstraint::FulltextOrSpatial(_)
                )
            })
            .filter_map(|c| self.constraint_index(c, &table));
        for (k, index) in indexes.enumerate() {
            out.push(Action {
                op: Op::CreateIndex(index),
                offset: starts.get(k).copied().unwrap_or(0),
            });
        }
        // The tables a CREATE TABLE ... AS SELECT or ... LIKE reads, for dependencies.
        if let Some(q) = &ct.query {
            let reads = self.reads(q.as_ref());
            if !reads.is_empty() {
                let offset = self
                    .toks
                    .find_top(2, &["SELECT", "WITH", "VALUES"])
                    .map_or(0, |i| self.toks.start(i));
                out.push(Action {
                    op: Op::Query { reads },
                    offset,
                });
            }
        }
        if let Some(
            sp::CreateTableLikeKind::Plain(like) | sp::CreateTableLikeKind::Parenthesized(like),
        ) = &ct.like
        {
            let offset = self
                .toks
                .t
                .iter()
                .position(|t| t.is_word("LIKE"))
                .map_or(0, |i| self.toks.start(i));
            out.push(Action {
                op: Op::Query {
                    reads: vec![self.name(&like.name)],
                },
                offset,
            });
        }
        out
    }

    /// Offsets of the inline index definitions in a CREATE TABLE's column list, in order.
    fn index_elements(&self) -> Vec<usize> {
        let toks = self.toks;
        let Some(open) = (0..toks.len()).find(|&i| toks.is_punct(i, b'(')) else {
            return Vec::new();
        };
        let Some(close) = toks.close(open) else {
            return Vec::new();
        };
        toks.split_commas(open + 1, close)
            .into_iter()
            .filter(|&(a, _)| toks.is_any(a, &["KEY", "INDEX", "FULLTEXT", "SPATIAL"]))
            .map(|(a, _)| toks.start(a))
            .collect()
    }

    fn insert(&self, ins: &sp::Insert) -> Vec<Action> {
        let table = match &ins.table {
            sp::TableObject::TableName(n) => self.name(n),
            other => Name::new(other.to_string()),
        };
        let from_query = ins
            .source
            .as_ref()
            .is_some_and(|q| !matches!(q.body.as_ref(), sp::SetExpr::Values(_)));
        let mut out = vec![Action {
            op: Op::Insert { table, from_query },
            offset: 0,
        }];
        if let Some(q) = &ins.source {
            let reads = self.reads(q.as_ref());
            if !reads.is_empty() {
                out.push(Action {
                    op: Op::Query { reads },
                    offset: self.offset_of(q.as_ref()),
                });
            }
        }
        out
    }

    fn update(&self, u: &sp::Update) -> Vec<Action> {
        let target = match &u.table.relation {
            sp::TableFactor::Table { name, .. } => self.name(name),
            other => Name::new(other.to_string()),
        };
        let assignments = u
            .assignments
            .iter()
            .map(|a| {
                let column = match &a.target {
                    sp::AssignmentTarget::ColumnName(n) => self.name(n).name,
                    sp::AssignmentTarget::Tuple(ns) => ns
                        .iter()
                        .map(|n| self.name(n).name)
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                (column, self.expr(&a.value))
            })
            .collect();
        let reads = self.reads_besides(u, std::slice::from_ref(&target));
        vec![Action {
            op: Op::Update {
                table: target,
                assignments,
                filter: u.selection.as_ref().map(|e| self.expr(e)),
                reads,
            },
            offset: 0,
        }]
    }

    fn delete(&self, d: &sp::Delete) -> Vec<Action> {
        let sources: Vec<&sp::TableWithJoins> = match &d.from {
            sp::FromTable::WithFromKeyword(t) | sp::FromTable::WithoutKeyword(t) => {
                t.iter().collect()
            }
        };
        // `DELETE a FROM a JOIN b ...` names its targets, possibly by alias.
        let factors: Vec<(&sp::ObjectName, Option<&sp::TableAlias>)> = sources
            .iter()
            .copied()
            .chain(d.using.iter().flatten())
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)))
            .filter_map(|f| match f {
                sp::TableFactor::Table { name, alias, .. } => Some((name, alias.as_ref())),
                _ => None,
            })
            .collect();
        let resolve = |n: &sp::ObjectName| -> Name {
            let written = self.name(n);
            factors
                .iter()
                .find(|(_, alias)| {
                    alias.is_some_and(|a| a.name.value.eq_ignore_ascii_case(&written.name))
                })
                .map_or(written, |(real, _)| self.name(real))
        };
        let targets: Vec<Name> = if d.tables.is_empty() {
            factors
                .first()
                .map(|(n, _)| self.name(n))
                .into_iter()
                .collect()
        } else {
            d.tables.iter().map(resolve).collect()
        };
        let filter = d.selection.as_ref().map(|e| self.expr(e));
        let mut out: Vec<Action> = targets
            .iter()
            .map(|table| Action {
                op: Op::Delete {
                    table: table.clone(),
                    filter: filter.clone(),
                },
                offset: 0,
            })
            .collect();
        let reads = self.reads_besides(d, &targets);
        if !reads.is_empty() {
            out.push(Action {
                op: Op::Query { reads },
                offset: 0,
            });
        }
        out
    }

    /// The ops of one ALTER TABLE operation sqlparser read.
    pub(super) fn alter_op(
        &self,
        table: &Name,
        op: &sp::AlterTableOperation,
    ) -> Result<Vec<Op>, String> {
        use sp::AlterTableOperation as A;
        let t = || table.clone();
        Ok(vec![match op {
            A::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => Op::AddColumn {
                table: t(),
                column: self.column_def(column_def),
                if_not_exists: *if_not_exists,
            },
            A::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => {
                return Ok(column_names
                    .iter()
                    .map(|c| Op::DropColumn {
                        table: t(),
                        column: c.value.clone(),
                        if_exists: *if_exists,
                        cascade: matches!(drop_behavior, Some(sp::DropBehavior::Cascade)),
                    })
                    .collect());
            }
            A::RenameColumn {
                old_column_name,
                new_column_name,
            } => Op::RenameColumn {
                table: t(),
                column: old_column_name.value.clone(),
                to: new_column_name.value.clone(),
            },
            A::RenameTable { table_name } => {
                let (sp::RenameTableNameKind::To(to) | sp::RenameTableNameKind::As(to)) =
                    table_name;
                Op::RenameTable {
                    table: t(),
                    to: self.name(to),
                }
            }
            A::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => Op::RedefineColumn {
                table: t(),
                column: old_name.value.clone(),
                new: self.column(new_name, data_type, options.iter()),
            },
            A::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => Op::RedefineColumn {
                table: t(),
                column: col_name.value.clone(),
                new: self.column(col_name, data_type, options.iter()),
            },
            A::AlterColumn { column_name, op } => {
                let column = column_name.value.clone();
                match op {
                    sp::AlterColumnOperation::SetNotNull => Op::SetNotNull { table: t(), column },
                    sp::AlterColumnOperation::DropNotNull => Op::DropNotNull { table: t(), column },
                    sp::AlterColumnOperation::SetDefault { value } => Op::SetDefault {
                        table: t(),
                        column,
                        default: self.expr(value),
                    },
                    sp::AlterColumnOperation::DropDefault => Op::DropDefault { table: t(), column },
                    sp::AlterColumnOperation::SetDataType {
                        data_type: ty,
                        using,
                        ..
                    } => Op::AlterColumnType {
                        table: t(),
                        column,
                        data_type: data_type(
                            &type_from_text(&ty.to_string(), self.flavor),
                            self.flavor,
                        ),
                        using: using.as_ref().map(|u| self.expr(u)),
                    },
                    other => Op::AlterTableOther {
                        table: t(),
                        description: format!("ALTER COLUMN {column} {other}"),
                    },
                }
            }
            A::AddConstraint {
                constraint,
                not_valid,
            } => match self.constraint_index(constraint, table) {
                // `ADD INDEX`, `ADD KEY`, `ADD UNIQUE INDEX|KEY`, `ADD FULLTEXT`.
                Some(index) => Op::CreateIndex(index),
                None => match self.constraint(constraint, *not_valid) {
                    Some(constraint) => Op::AddConstraint {
                        table: t(),
                        constraint,
                    },
                    None => Op::AlterTableOther {
                        table: t(),
                        description: format!("ADD {constraint}"),
                    },
                },
            },
            A::DropConstraint {
                if_exists,
                name,
                drop_behavior,
            } => Op::DropConstraint {
                table: t(),
                name: name.value.clone(),
                if_exists: *if_exists,
                cascade: matches!(drop_behavior, Some(sp::DropBehavior::Cascade)),
            },
            A::DropPrimaryKey { .. } => drop_primary(t()),
            A::DropForeignKey { name, .. } => Op::DropConstraint {
                table: t(),
                name: name.value.clone(),
                if_exists: false,
                cascade: false,
            },
            A::DropIndex { name } => drop_index(Name::new(name.value.clone()), Some(t()), false),
            A::ValidateConstraint { name } => Op::ValidateConstraint {
                table: t(),
                name: name.value.clone(),
            },
            other => Op::AlterTableOther {
                table: t(),
                description: other.to_string(),
            },
        }])
    }
}

/// `names` with repeats removed, in order.
fn dedupe(names: Vec<Name>) -> Vec<Name> {
    let mut out: Vec<Name> = Vec::with_capacity(names.len());
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `DROP INDEX`; MySQL's primary key is the index named `PRIMARY`, and dropping it is
/// dropping the primary key.
pub(super) fn drop_index(name: Name, table: Option<Name>, if_exists: bool) -> Op {
    match table {
        Some(table) if name.name.eq_ignore_ascii_case("PRIMARY") => drop_primary(table),
        table => Op::DropIndex {
            name,
            table,
            concurrently: false,
            if_exists,
        },
    }
}

/// MySQL `DROP PRIMARY KEY`.
pub(super) fn drop_primary(table: Name) -> Op {
    Op::DropConstraint {
        table,
        name: "PRIMARY".into(),
        if_exists: false,
        cascade: false,
    }
}

/// Collects relations and the names of common table expressions.
#[derive(Default)]
struct Relations {
    names: Vec<sp::ObjectName>,
    ctes: Vec<String>,
}

impl Visitor for Relations {
    type Break = ();

    fn pre_visit_query(&mut self, q: &sp::Query) -> ControlFlow<()> {
        if let Some(with) = &q.with {
            self.ctes.extend(
                with.cte_tables
                    .iter()
                    .map(|c| c.alias.name.value.to_lowercase()),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &sp::ObjectName) -> ControlFlow<()> {
        self.names.push(relation.clone());
        ControlFlow::Continue(())
    }
}

// ---------------------------------------------------------------------------------------
// Whole statements through sqlparser

/// Parses the statement and converts it; on a parse error, tries the dialect's same-length
/// rewrite once. The error is sqlparser's message for the text as written.
pub(super) fn parse_and_convert(toks: &Toks<'_>, flavor: &Flavor) -> Result<Vec<Action>, String> {
    match parse_one(toks.sql, flavor.dialect) {
        Ok(stmt) => Cx::new(flavor, toks, toks.sql).statement(&stmt),
        Err(first) => {
            let retry = (flavor.normalize)(toks, flavor).ok_or_else(|| first.clone())?;
            let stmt = parse_one(&retry, flavor.dialect).map_err(|_| first)?;
            Cx::new(flavor, toks, &retry).statement(&stmt)
        }
    }
}

// ---------------------------------------------------------------------------------------
// ALTER TABLE, one sub-command at a time

/// One comma-separated sub-command of an ALTER TABLE.
pub(super) struct Segment<'a> {
    /// The whole statement.
    pub toks: &'a Toks<'a>,
    /// Its tokens: `start..end`.
    pub start: usize,
    pub end: usize,
    /// The altered table.
    pub table: &'a Name,
    /// The table's name as written.
    pub table_text: &'a str,
}

impl Segment<'_> {
    /// The segment's text as written.
    pub(super) fn text(&self) -> &str {
        self.toks.text(self.start, self.end)
    }
}

/// Reads an `ALTER TABLE` statement sub-command by sub-command: each is positioned at its
/// first word, read lexically when the dialect knows it better than sqlparser, and otherwise
/// parsed on its own as `ALTER TABLE <name> <sub-command>`, so that one sub-command sqlparser
/// cannot read does not hide the others and every position is exact.
pub(super) fn alter_table(toks: &Toks<'_>, flavor: &Flavor) -> Extracted {
    let mut i = 1;
    // MySQL `ALTER [ONLINE] [IGNORE] TABLE`.
    while toks.is_any(i, &["ONLINE", "OFFLINE", "IGNORE"]) {
        i += 1;
    }
    if !toks.is(0, "ALTER") || !toks.is(i, "TABLE") {
        return Err("ratchet could not read this ALTER TABLE".into());
    }
    let (_, after) = toks.if_exists(i + 1);
    let Some((table, after_name)) = toks.name(after) else {
        return Err("ratchet could not read the table name of this ALTER TABLE".into());
    };
    let table_text = toks.text(after, after_name);
    let mut first = after_name;
    // MariaDB `WAIT n` / `NOWAIT`.
    if toks.is(first, "WAIT") {
        first += 2;
    } else if toks.is(first, "NOWAIT") {
        first += 1;
    }
    let mut actions = Vec::new();
    let mut online = OnlineOptions::default();
    for (start, end) in toks.split_commas(first, toks.len()) {
        let segment = Segment {
            toks,
            start,
            end,
            table: &table,
            table_text,
        };
        let offset = toks.start(start);
        if let Some((algorithm, value)) = online_option(toks, start, end) {
            if algorithm {
                online.algorithm = Some(value);
            } else {
                online.lock = Some(value);
            }
            continue;
        }
        let ops = match (flavor.alter_segment)(&segment) {
            Some(ops) => ops?,
            None => parse_segment(&segment, flavor)?,
        };
        actions.extend(ops.into_iter().map(|op| Action { op, offset }));
    }
    Ok((actions, online))
}

/// `ALGORITHM [=] value` (true) or `LOCK [=] value` (false) filling tokens `start..end`.
pub(super) fn online_option(toks: &Toks<'_>, start: usize, end: usize) -> Option<(bool, String)> {
    let v = if toks.is_punct(start + 1, b'=') {
        start + 2
    } else {
        start + 1
    };
    if v + 1 != end {
        return None;
    }
    online_value(toks, start, v)
}

/// `ALGORITHM` (true) or `LOCK` (false) at `key` with one of its values at `v`, upper case.
pub(super) fn online_value(toks: &Toks<'_>, key: usize, v: usize) -> Option<(bool, String)> {
    let value = toks.word(v)?;
    let algorithm = toks.is(key, "ALGORITHM");
    let known = if algorithm {
        ["DEFAULT", "INSTANT", "INPLACE", "COPY", "NOCOPY"].contains(&value.as_str())
    } else {
        toks.is(key, "LOCK") && ["DEFAULT", "NONE", "SHARED", "EXCLUSIVE"].contains(&value.as_str())
    };
    known.then_some((algorithm, value))
}

/// Parses one sub-command with sqlparser as `ALTER TABLE <name> <sub-command>`.
fn parse_segment(seg: &Segment<'_>, flavor: &Flavor) -> Result<Vec<Op>, String> {
    parse_segment_as(seg, flavor, "")
}

/// Parses a piece of an ALTER TABLE as `ALTER TABLE <name> <lead><piece>`.
pub(super) fn parse_segment_as(
    seg: &Segment<'_>,
    flavor: &Flavor,
    lead: &str,
) -> Result<Vec<Op>, String> {
    let toks = seg.toks;
    let base = toks.start(seg.start);
    let mut body = seg.text().as_bytes().to_vec();
    // MariaDB's `ADD COLUMN|INDEX|... IF NOT EXISTS`, `MODIFY|CHANGE COLUMN IF EXISTS`,
    // `FOREIGN KEY IF NOT EXISTS`: sqlparser's MySQL grammar has none of them; blank the words
    // out (before the first parenthesis) and keep the flag.
    let mut if_not_exists = false;
    if toks.is_any(seg.start, &["ADD", "MODIFY", "CHANGE"]) {
        let first_paren = (seg.start..seg.end)
            .find(|&k| toks.is_punct(k, b'('))
            .unwrap_or(seg.end);
        for k in seg.start + 1..first_paren {
            let (present, after) = toks.if_exists(k);
            if present {
                if_not_exists = toks.is(seg.start, "ADD");
                blank(&mut body, toks.start(k) - base, toks.start(after) - base);
                break;
            }
        }
    }
    let prefix = format!("ALTER TABLE {} {lead}", seg.table_text);
    let body = String::from_utf8(body).map_err(|e| e.to_string())?;
    let synthesized = format!("{prefix}{body}");
    let stmt = match parse_one(&synthesized, flavor.dialect) {
        Ok(stmt) => Ok((stmt, synthesized)),
        Err(e) => {
            let piece = Toks::new(&synthesized, flavor.dialect);
            match (flavor.normalize)(&piece, flavor) {
                Some(retry) => parse_one(&retry, flavor.dialect)
                    .map(|stmt| (stmt, retry))
                    .map_err(|_| e),
                None => Err(e),
            }
        }
    };
    let (stmt, parsed) = stmt.map_err(|e| {
        format!(
            "ratchet could not read `{}` in this ALTER TABLE: {e}",
            collapse(seg.text())
        )
    })?;
    let sp::Statement::AlterTable(at) = &stmt else {
        return Err(format!(
            "ratchet could not read `{}` in this ALTER TABLE",
            collapse(seg.text())
        ));
    };
    let cx = Cx::piece(flavor, toks, &parsed, prefix.len(), base);
    let mut ops = Vec::new();
    for op in &at.operations {
        ops.extend(cx.alter_op(seg.table, op)?);
    }
    if if_not_exists {
        for op in &mut ops {
            match op {
                Op::AddColumn { if_not_exists, .. } => *if_not_exists = true,
                Op::CreateIndex(index) => index.if_not_exists = true,
                _ => {}
            }
        }
    }
    Ok(ops)
}

// ---------------------------------------------------------------------------------------
// Statements read lexically in both dialects

/// `BEGIN`, `COMMIT`, `ROLLBACK [TO]`, `SAVEPOINT`, `RELEASE`, `START TRANSACTION`, `END`.
pub(super) fn transaction(sql: &str) -> Option<Op> {
    let statement = Statement {
        sql: sql.to_string(),
        line: 1,
        column: 1,
    };
    let control = match classify::transaction_control(&statement)? {
        classify::TransactionControl::Begin => TransactionOp::Begin,
        classify::TransactionControl::Commit => TransactionOp::Commit,
        classify::TransactionControl::Rollback => TransactionOp::Rollback,
        classify::TransactionControl::Savepoint => TransactionOp::Savepoint,
    };
    Some(Op::Transaction { control })
}

/// `CREATE ... TRIGGER|PROCEDURE|FUNCTION|EVENT name ...`, whose bodies sqlparser cannot
/// read in general: the object, and a trigger's table. `kind_at` is the index of the kind
/// word.
pub(super) fn create_routine(toks: &Toks<'_>, kind_at: usize) -> Option<Op> {
    let kind = match toks.word(kind_at)?.as_str() {
        "TRIGGER" => ObjectKind::Trigger,
        "PROCEDURE" => ObjectKind::Procedure,
        "FUNCTION" => ObjectKind::Function,
        "EVENT" => ObjectKind::Event,
        _ => return None,
    };
    let or_replace = (0..kind_at).any(|i| toks.is(i, "REPLACE"));
    let (_, at) = toks.if_exists(kind_at + 1);
    let (name, after) = toks.name(at)?;
    let mut tables = Vec::new();
    if kind == ObjectKind::Trigger {
        // `{BEFORE|AFTER|INSTEAD OF} {INSERT|UPDATE [OF cols]|DELETE} ON table`.
        let on = (after..toks.len()).find(|&i| toks.is(i, "ON"))?;
        tables.push(toks.name(on + 1)?.0);
    }
    Some(Op::CreateObject {
        kind,
        name,
        tables,
        or_replace,
    })
}

/// `DROP <kind> [IF EXISTS] name [, name]` for kinds sqlparser lacks; one op per name.
pub(super) fn drop_objects(
    toks: &Toks<'_>,
    kind_at: usize,
    kind: ObjectKind,
) -> Option<Vec<Action>> {
    let (if_exists, mut i) = toks.if_exists(kind_at + 1);
    let mut names = Vec::new();
    loop {
        let (name, after) = toks.name(i)?;
        names.push((name, toks.start(i)));
        if toks.is_punct(after, b',') {
            i = after + 1;
        } else {
            break;
        }
    }
    let many = names.len() > 1;
    Some(
        names
            .into_iter()
            .map(|(name, at)| Action {
                op: Op::DropObject {
                    kind,
                    name,
                    if_exists,
                    cascade: false,
                },
                offset: if many { at } else { 0 },
            })
            .collect(),
    )
}

/// A single action at 0 with default online options.
pub(super) fn one(op: Op) -> Extracted {
    Ok((vec![Action { op, offset: 0 }], OnlineOptions::default()))
}

#[cfg(test)]
mod corpus {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::sql::{Dialect, split};

    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn corpus() {
        let root = Path::new("/work/parser-eval/corpus");
        if !root.is_dir() {
            return;
        }
        let mut files = Vec::new();
        walk(root, &mut files);
        let mut tally: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        let mut failures = Vec::new();
        let mut kinds = BTreeMap::new();
        let mut notes = BTreeMap::new();
        let mut dump = std::env::var("CORPUS_DUMP")
            .ok()
            .and_then(|p| std::fs::File::create(p).ok());
        for path in files {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let parts: Vec<&str> = rel.split('/').collect();
            if parts.len() < 3 || !rel.contains(".sql") {
                continue;
            }
            let dialect = match parts[1] {
                "mysql" => Dialect::Mysql,
                "sqlite" => Dialect::Sqlite,
                _ => continue,
            };
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes).replace('\0', "");
            let Ok(statements) = split(&text, dialect) else {
                continue;
            };
            for st in statements {
                // Cut statements (a file being edited) must not trip anything either.
                for cut in [st.sql.len() / 3, st.sql.len() * 2 / 3] {
                    let cut = (cut..=st.sql.len())
                        .find(|&c| st.sql.is_char_boundary(c))
                        .unwrap_or(0);
                    let _ = super::super::mysql::extract(&st.sql[..cut]);
                    let _ = super::super::sqlite::extract(&st.sql[..cut]);
                }
                let r = match dialect {
                    Dialect::Mysql => super::super::mysql::extract(&st.sql),
                    _ => super::super::sqlite::extract(&st.sql),
                };
                let e = tally
                    .entry((parts[1].to_string(), parts[0].to_string()))
                    .or_default();
                match r {
                    Ok((actions, _)) => {
                        e.0 += 1;
                        for a in &actions {
                            assert!(
                                a.offset < st.sql.len().max(1),
                                "{rel}:{} offset {} out of range",
                                st.line,
                                a.offset
                            );
                            assert!(st.sql.is_char_boundary(a.offset));
                            let v = serde_json::to_value(&a.op).unwrap();
                            if let Some(dump) = dump.as_mut() {
                                use std::io::Write;
                                let at: String = st.sql[a.offset..].chars().take(24).collect();
                                let _ = writeln!(
                                    dump,
                                    "{rel}:{} @{} [{}] {}",
                                    st.line,
                                    a.offset,
                                    at.replace('\n', " "),
                                    v
                                );
                            }
                            let op = v["op"].as_str().unwrap_or("?").to_string();
                            *kinds.entry(format!("{} {op}", parts[1])).or_insert(0usize) += 1;
                            if matches!(op.as_str(), "unknown" | "other" | "alter_table_other") {
                                let what = v
                                    .get("reason")
                                    .or(v.get("description"))
                                    .map(|x| x.to_string())
                                    .unwrap_or_default();
                                *notes
                                    .entry(format!(
                                        "{} {op} {}",
                                        parts[1],
                                        &what[..what.len().min(90)]
                                    ))
                                    .or_insert(0usize) += 1;
                            }
                        }
                    }
                    Err(msg) => {
                        e.1 += 1;
                        failures.push(format!(
                            "{rel}:{} {}\n    {}",
                            st.line,
                            st.first_line(),
                            msg
                        ));
                    }
                }
            }
        }
        for ((d, p), (ok, bad)) in &tally {
            println!(
                "{d:7} {p:16} {ok:5} ok {bad:4} failed  {:.1}%",
                100.0 * *ok as f64 / (*ok + *bad).max(1) as f64
            );
        }
        for f in &failures {
            println!("{f}");
        }
        // The share read, over a set of projects.
        let rate = |dialect: &str, keep: &dyn Fn(&str) -> bool| {
            let (ok, bad) = tally
                .iter()
                .filter(|((d, p), _)| d == dialect && keep(p))
                .fold((0, 0), |(o, b), (_, (ok, bad))| (o + ok, b + bad));
            println!("{dialect:7} {:16} {ok:5} ok {bad:4} failed", "(total)");
            100.0 * ok as f64 / (ok + bad).max(1) as f64
        };
        let mysql_apps = rate("mysql", &|p| p != "mariadb-scripts");
        let mysql_all = rate("mysql", &|_| true);
        let sqlite = rate("sqlite", &|_| true);
        println!(
            "read: MySQL app migrations {mysql_apps:.1}%, MySQL with MariaDB's scripts {mysql_all:.1}%, SQLite {sqlite:.1}%"
        );
        assert!(mysql_apps >= 97.0, "MySQL app migrations: {mysql_apps:.1}%");
        assert!(sqlite >= 99.5, "SQLite: {sqlite:.1}%");
        if std::env::var("CORPUS_DETAIL").is_ok() {
            for (k, n) in &kinds {
                println!("{n:6} {k}");
            }
            for (k, n) in &notes {
                println!("{n:6} {k}");
            }
        }
    }
}

/// Builders and runners for the extractors' tests.
#[cfg(test)]
pub(super) mod test_support {
    use super::super::{
        Action, ColumnDef, DataType, Expr, Extracted, Name, OnlineOptions, Op, Volatility,
    };

    /// An unqualified name.
    pub fn n(name: &str) -> Name {
        Name::new(name)
    }

    /// A qualified name.
    pub fn qn(schema: &str, name: &str) -> Name {
        Name {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// A type: canonical name, arguments, text as written.
    pub fn ty(name: &str, args: &[&str], text: &str) -> DataType {
        DataType {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            array: false,
            text: text.into(),
        }
    }

    /// A nullable column without options.
    pub fn col(name: &str, data_type: DataType) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            data_type,
            not_null: false,
            primary_key: false,
            unique: false,
            default: None,
            generated: None,
            references: None,
            check: None,
        }
    }

    /// An expression.
    pub fn ex(text: &str, volatility: Volatility) -> Expr {
        Expr {
            text: text.into(),
            volatility,
        }
    }

    /// The actions of a statement that must be read, with their offsets.
    pub fn read(extract: fn(&str) -> Extracted, sql: &str) -> (Vec<(usize, Op)>, OnlineOptions) {
        match extract(sql) {
            Ok((actions, online)) => (
                actions
                    .into_iter()
                    .map(|Action { op, offset }| (offset, op))
                    .collect(),
                online,
            ),
            Err(e) => panic!("`{sql}` was not read: {e}"),
        }
    }

    /// Checks each case: the statement's actions and offsets, exactly.
    pub fn check(extract: fn(&str) -> Extracted, cases: Vec<(&str, Vec<(usize, Op)>)>) {
        for (sql, expected) in cases {
            let (actual, _) = read(extract, sql);
            assert_eq!(actual, expected, "\n  for `{sql}`");
        }
    }

    /// The offset of the first occurrence of `needle` in `sql`.
    pub fn at(sql: &str, needle: &str) -> usize {
        sql.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in `{sql}`"))
    }

    /// Statements from real migrations, to mutate in property tests.
    pub const SEEDS: &[&str] = &[
        "CREATE TABLE `db`.`t` (id int(11) unsigned NOT NULL AUTO_INCREMENT, s enum('a','b') DEFAULT 'a', d decimal(10,2), KEY idx (s, d), PRIMARY KEY (id)) ENGINE=InnoDB",
        "ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0 AFTER b, ADD INDEX i (c), DROP KEY k, ALGORITHM=INPLACE, LOCK=NONE",
        "ALTER TABLE t CHANGE COLUMN a b varchar(255) binary NOT NULL default '', MODIFY c bigint(20) unsigned NOT NULL",
        "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "UPDATE a JOIN b ON a.id = b.id SET a.x = b.y, a.z = NOW() WHERE a.q IN (SELECT q FROM c)",
        "DELETE t1 FROM table1 AS t1 JOIN table2 t2 ON t1.id = t2.id WHERE t2.x = 1",
        "CREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON db.t FOR EACH ROW BEGIN SET NEW.a = 1; END",
        "SET @@session.sql_mode = 'STRICT', GLOBAL max_connections = 10, @x := 5",
        "/*!40101 SET NAMES utf8mb4 */",
        "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a, b COLLATE NOCASE DESC) WHERE a IS NOT NULL",
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v UNSIGNED BIG INT, name TEXT NOT NULL DEFAULT '') STRICT",
        "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1; END",
        "PRAGMA main.journal_mode = 'WAL'",
        "INSERT INTO t (a, b) SELECT a, CASE WHEN b > 0 THEN 'x' ELSE \"y\" END FROM u WHERE c LIKE 'z%'",
        "WITH x AS (SELECT 1) SELECT * FROM x JOIN t ON t.id = x.id",
    ];
}

#[cfg(test)]
mod robustness {
    use proptest::prelude::*;

    use super::super::{Extracted, mysql, sqlite};
    use super::test_support::SEEDS;

    /// Runs both extractors; checks that offsets are char boundaries of the statement.
    fn both(sql: &str) -> Result<(), TestCaseError> {
        for extract in [mysql::extract as fn(&str) -> Extracted, sqlite::extract] {
            if let Ok((actions, _)) = extract(sql) {
                for a in actions {
                    prop_assert!(a.offset <= sql.len() && sql.is_char_boundary(a.offset));
                }
            }
        }
        Ok(())
    }

    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "CREATE", "TABLE", "ALTER", "ADD", "DROP", "COLUMN", "INDEX", "KEY", "UNIQUE", "PRIMARY",
        "FOREIGN", "REFERENCES", "CONSTRAINT", "CHECK", "DEFAULT", "NOT", "NULL", "ON", "TO",
        "RENAME", "CHANGE", "MODIFY", "SET", "ALGORITHM", "LOCK", "=", "INSERT", "INTO", "VALUES",
        "UPDATE", "DELETE", "FROM", "WHERE", "SELECT", "WITH", "AS", "JOIN", "TRIGGER", "BEGIN",
        "END", "PRAGMA", "PREPARE", "EXECUTE", "IF", "EXISTS", "t", "a", "b", "db.t", "`q`",
        "\"q\"", "[q]", "'s'", "1", "(", ")", ",", ";", ".", "*", "+", "@", "@@", "/*!40101",
        "*/", "--", "#", "\n", "int", "varchar(10)", "enum('a','b')", "binary", "unsigned",
        "AUTO_INCREMENT", "AUTOINCREMENT", "CASE", "WHEN", "THEN", "ENGINE", "ROW_FORMAT",
        "CONVERT", "PERSISTENT", "STORED", "GENERATED", "ALWAYS", "LIKE", "TEMPORARY", "é", "🦀",
    ];

    fn words() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 0..30).prop_map(|v| v.join(" "))
    }

    /// A seed statement with a few edits: a deletion and an insertion at arbitrary places.
    fn mutated() -> impl Strategy<Value = String> {
        (
            prop::sample::select(SEEDS),
            prop::collection::vec(
                (any::<prop::sample::Index>(), 0usize..12, "[ -~é]{0,6}"),
                1..4,
            ),
        )
            .prop_map(|(seed, edits)| {
                let mut s: Vec<char> = seed.chars().collect();
                for (at, remove, insert) in edits {
                    let at = at.index(s.len() + 1);
                    let end = (at + remove).min(s.len());
                    s.splice(at..end, insert.chars());
                }
                s.into_iter().collect()
            })
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            both(&text)?;
        }

        #[test]
        fn never_panics_on_sql_words(text in words()) {
            both(&text)?;
        }

        #[test]
        fn never_panics_on_mutated_statements(text in mutated()) {
            both(&text)?;
        }
    }

    #[test]
    fn seeds_are_read() {
        for seed in SEEDS {
            let my = mysql::extract(seed);
            let lite = sqlite::extract(seed);
            assert!(my.is_ok() || lite.is_ok(), "{seed}: {my:?} {lite:?}");
        }
    }

    /// Deeply nested statements neither overflow the caller's stack (here a small one) nor
    /// the parser's thread: beyond the limit they are refused, below it they are read on
    /// the big stack.
    #[test]
    fn deep_nesting_is_safe() {
        let cases: Vec<(String, bool)> = vec![
            (
                format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000)),
                false,
            ),
            (
                format!("UPDATE t SET a = 1{} WHERE b = 2", " + 1".repeat(1_900)),
                true,
            ),
            (format!("UPDATE t SET a = 1{}", " + 1".repeat(3_000)), false),
            (
                format!("SELECT 1 FROM t WHERE {}a", "NOT ".repeat(1_900)),
                false,
            ),
            (
                format!("SELECT {}1{}", "(SELECT ".repeat(200), ")".repeat(200)),
                false,
            ),
            (
                format!(
                    "SELECT {}1{}",
                    "CASE WHEN a THEN ".repeat(600),
                    " END".repeat(600)
                ),
                false,
            ),
            (
                format!("SELECT {}1{}", "f(".repeat(600), ")".repeat(600)),
                false,
            ),
            (
                format!(
                    "CREATE TABLE t (a {}int{})",
                    "ARRAY<".repeat(900),
                    ">".repeat(900)
                ),
                false,
            ),
            (
                format!("DELETE FROM t WHERE a = 1{}", " OR a = 1".repeat(900)),
                true,
            ),
        ];
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for (sql, readable) in cases {
                    for extract in [mysql::extract as fn(&str) -> Extracted, sqlite::extract] {
                        let r = extract(&sql);
                        if readable {
                            assert!(r.is_ok(), "{}: {r:?}", &sql[..40]);
                        }
                    }
                }
            })
            .expect("thread");
        worker.join().expect("no overflow, no panic");
    }
}
