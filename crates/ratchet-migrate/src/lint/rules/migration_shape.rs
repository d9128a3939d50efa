//! What several of ratchet's own rules read of a whole migration rather than of one
//! statement: which tables it creates, whether it changes data or schema, whether ratchet
//! runs it in a transaction, and the few shapes of a `WHERE` condition they judge
//! (`col IS NULL`, `id = 42`).
//!
//! Conditions are read with a small tokenizer of their own: the extractors give a
//! condition as text, and the rules only need its identifiers, literals and top-level
//! `AND`s.

use std::collections::BTreeSet;

use crate::sql::Dialect;
use crate::sql::analysis::{AnalyzedScript, AnalyzedStatement, Catalog, Schema, TableInfo};
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::facts::{ConstraintKind, Expr, Name, Op, ServerVersion};

/// The catalog key of a table named in a directive (`public.orders`, `"Orders"`): the last
/// part, unquoted, lower case, like [`Name::key`].
pub(super) fn directive_table_key(table: &str) -> String {
    let last = table.rsplit('.').next().unwrap_or(table);
    last.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
        .to_lowercase()
}

/// Whether the script's `-- ratchet:backfill` directive names `table`: ratchet then runs
/// its data change in keyset batches.
pub(super) fn backfill_covers(script: &AnalyzedScript, table: &Name) -> bool {
    script
        .directives
        .backfill
        .as_ref()
        .is_some_and(|b| directive_table_key(&b.table) == table.key())
}

/// The keys of the tables the script creates.
pub(super) fn created_tables(script: &AnalyzedScript) -> BTreeSet<String> {
    script
        .actions()
        .filter_map(|(_, a)| match &a.action.op {
            Op::CreateTable { table, .. } => Some(table.key()),
            _ => None,
        })
        .collect()
}

/// Whether the action changes rows (TRUNCATE included: it changes rows, not the schema).
pub(super) fn is_data_change(op: &Op) -> bool {
    matches!(
        op,
        Op::Insert { .. } | Op::Update { .. } | Op::Delete { .. } | Op::Truncate { .. }
    )
}

/// Whether the action changes the schema. GRANT, COMMENT, ANALYZE and the like
/// ([`Op::Other`]) do not count: they hold no lock worth mentioning and change no shape;
/// an unknown statement is left to `unparsed-statement`.
pub(super) fn is_schema_change(op: &Op) -> bool {
    !matches!(
        op,
        Op::Insert { .. }
            | Op::Update { .. }
            | Op::Delete { .. }
            | Op::Truncate { .. }
            | Op::Query { .. }
            | Op::SetSetting { .. }
            | Op::Transaction { .. }
            | Op::Other { .. }
            | Op::Unknown { .. }
    )
}

/// Transaction control, read the way the runner reads it (lexically, so that it is known
/// even of a statement the parser cannot read).
pub(super) fn transaction_control(statement: &AnalyzedStatement) -> Option<TransactionControl> {
    classify::transaction_control(&statement.statement)
}

/// Why the statement cannot run inside a transaction block, if it cannot: the statement's
/// own reason, or PostgreSQL's `ALTER TYPE ... ADD VALUE` before version 12.
pub(super) fn no_transaction_reason(
    statement: &AnalyzedStatement,
    dialect: Dialect,
    version: &ServerVersion,
) -> Option<String> {
    statement.facts.no_transaction.clone().or_else(|| {
        (dialect == Dialect::Postgres
            && version.postgres < 120_000
            && classify::is_enum_add_value(&statement.statement))
        .then(|| {
            "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12"
                .to_string()
        })
    })
}

/// Whether ratchet runs the script in one transaction: the runner's decision (`plan.rs`'s
/// `step`), repeated here so that lint judges a file the way `up` will run it.
pub(super) fn runs_in_transaction(
    script: &AnalyzedScript,
    dialect: Dialect,
    version: &ServerVersion,
) -> bool {
    if script.directives.no_transaction {
        return false;
    }
    if script
        .statements
        .iter()
        .any(|s| no_transaction_reason(s, dialect, version).is_some())
    {
        return false;
    }
    match dialect {
        // DDL commits implicitly on MySQL: only a script of data changes is atomic there.
        Dialect::Mysql => script.statements.iter().all(|s| {
            matches!(
                classify::statement_kind(&s.statement, dialect),
                StatementKind::Dml | StatementKind::Query | StatementKind::Session
            )
        }),
        Dialect::Postgres | Dialect::Sqlite => true,
    }
}

/// The columns that identify a row of the table: its primary key and unique columns,
/// when each is a single column.
pub(super) fn key_columns(table: Option<&TableInfo>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let Some(table) = table else {
        return keys;
    };
    for column in &table.columns {
        if column.def.primary_key || column.def.unique {
            keys.insert(column.def.name.to_lowercase());
        }
    }
    for constraint in &table.constraints {
        if let ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } =
            &constraint.kind
            && let [column] = columns.as_slice()
        {
            keys.insert(column.to_lowercase());
        }
    }
    for index in &table.indexes {
        if index.unique
            && let [column] = index.columns.as_slice()
        {
            keys.insert(column.to_lowercase());
        }
    }
    keys
}

/// The primary key of a table, as `key=` of a backfill directive wants it.
pub(super) fn primary_key(catalog: &Catalog, table: &Name) -> Option<String> {
    let info = catalog.table(table)?;
    let columns: Vec<String> = info
        .constraints
        .iter()
        .find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => Some(columns.clone()),
            _ => None,
        })
        .unwrap_or_else(|| {
            info.columns
                .iter()
                .filter(|c| c.def.primary_key)
                .map(|c| c.def.name.clone())
                .collect()
        });
    (!columns.is_empty()).then(|| columns.join(","))
}

/// A token of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// A bare word (identifier or keyword), as written.
    Word(String),
    /// A quoted identifier, unquoted.
    Quoted(String),
    /// A string literal.
    Str,
    /// A number.
    Num,
    /// One byte of punctuation.
    Punct(char),
}

impl Tok {
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(word))
    }

    /// An identifier's name, lower case: a bare word that is not a keyword of the
    /// shapes read here, or a quoted identifier.
    fn ident(&self) -> Option<String> {
        match self {
            Tok::Word(w)
                if ![
                    "and", "or", "not", "is", "null", "in", "true", "false", "between", "like",
                ]
                .contains(&w.to_lowercase().as_str()) =>
            {
                Some(w.to_lowercase())
            }
            Tok::Quoted(q) => Some(q.to_lowercase()),
            _ => None,
        }
    }
}

/// The tokens of an expression's text. Comments do not occur in the extractors' texts;
/// a malformed string simply ends the list.
pub(super) fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            // A string with a prefix (E'...', N'...') is a string.
            if i < chars.len() && chars[i] == '\'' && i - start <= 2 {
                continue;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c == '\'' {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return out,
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => i += 2,
                    Some('\\') => i += 2,
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push(Tok::Str);
        } else if c == '"' || c == '`' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            out.push(Tok::Quoted(
                chars[start..i.min(chars.len())].iter().collect(),
            ));
            i += 1;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// The top-level `AND`ed parts of a condition; the whole condition as one part when it
/// has a top-level `OR` (then no part alone decides which rows match).
pub(super) fn conjuncts(text: &str) -> Vec<Vec<Tok>> {
    let mut toks = tokens(text);
    // `(a AND b)`: the parentheses wrap everything.
    while toks.first() == Some(&Tok::Punct('(')) && closing(&toks, 0) == Some(toks.len() - 1) {
        toks = toks[1..toks.len() - 1].to_vec();
    }
    let mut parts = vec![Vec::new()];
    let mut depth = 0u32;
    for t in &toks {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth = depth.saturating_sub(1),
            _ if depth == 0 && t.is_word("or") => return vec![toks],
            _ if depth == 0 && t.is_word("and") => {
                parts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(t.clone());
        }
    }
    parts
        .into_iter()
        .map(|mut p| {
            while p.first() == Some(&Tok::Punct('(')) && closing(&p, 0) == Some(p.len() - 1) {
                p = p[1..p.len() - 1].to_vec();
            }
            p
        })
        .collect()
}

/// The index of the parenthesis closing the one at `open`.
fn closing(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0u32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A column reference at the start of `toks` (`col`, `t.col`, `"Col"`): its name, lower
/// case, and the tokens after it.
fn column_ref(toks: &[Tok]) -> Option<(String, &[Tok])> {
    let mut name = toks.first()?.ident()?;
    let mut rest = &toks[1..];
    while let [Tok::Punct('.'), next, tail @ ..] = rest {
        name = next.ident()?;
        rest = tail;
    }
    Some((name, rest))
}

/// `col IS NULL`: the column.
pub(super) fn is_null_test(part: &[Tok]) -> Option<String> {
    let (column, rest) = column_ref(part)?;
    match rest {
        [is, null] if is.is_word("is") && null.is_word("null") => Some(column),
        _ => None,
    }
}

/// A literal or a parameter, possibly negative or cast (`42`, `-1`, `'a'`, `'a'::text`,
/// `$1`, `?`): the tokens after it.
fn literal(toks: &[Tok]) -> Option<&[Tok]> {
    let mut rest = match toks {
        [Tok::Punct('-' | '$'), Tok::Num, rest @ ..]
        | [Tok::Num | Tok::Str | Tok::Punct('?'), rest @ ..] => rest,
        _ => return None,
    };
    while let [Tok::Punct(':'), Tok::Punct(':'), Tok::Word(_), tail @ ..] = rest {
        rest = tail;
    }
    Some(rest)
}

/// `col = literal`, `literal = col` or `col IN (literal, ...)`: the column pinned to a few
/// values.
pub(super) fn pinned_column(part: &[Tok]) -> Option<String> {
    if let Some((column, rest)) = column_ref(part) {
        if let [Tok::Punct('='), value @ ..] = rest
            && literal(value).is_some_and(<[Tok]>::is_empty)
        {
            return Some(column);
        }
        if let [kw, Tok::Punct('('), list @ .., Tok::Punct(')')] = rest
            && kw.is_word("in")
            && !list.is_empty()
            && list
                .split(|t| *t == Tok::Punct(','))
                .all(|v| literal(v).is_some_and(<[Tok]>::is_empty))
        {
            return Some(column);
        }
    }
    let rest = literal(part)?;
    match rest {
        [Tok::Punct('='), column @ ..] => {
            column_ref(column).and_then(|(c, tail)| tail.is_empty().then_some(c))
        }
        _ => None,
    }
}

/// Whether the condition pins one of `keys` to literal values: it selects a handful of
/// rows by their identity (`id = 42`, `id IN (1, 2) AND ...`).
pub(super) fn pins_a_key(filter: &Expr, keys: &BTreeSet<String>) -> bool {
    conjuncts(&filter.text)
        .iter()
        .filter_map(|p| pinned_column(p))
        .any(|c| keys.contains(&c))
}

/// Whether the expression names `column` (as an identifier, any case).
pub(super) fn mentions(text: &str, column: &str) -> bool {
    tokens(text)
        .iter()
        .filter_map(Tok::ident)
        .any(|i| i.eq_ignore_ascii_case(column))
}

/// The identifiers of an expression, lower case.
pub(super) fn identifiers(text: &str) -> BTreeSet<String> {
    tokens(text).iter().filter_map(Tok::ident).collect()
}

/// Whether a default expression is (a cast of) NULL.
pub(super) fn is_null_default(default: &Expr) -> bool {
    let toks = tokens(&default.text);
    let toks: Vec<&Tok> = toks
        .iter()
        .filter(|t| !matches!(t, Tok::Punct('(') | Tok::Punct(')')))
        .collect();
    match toks.as_slice() {
        [null, ..] if null.is_word("null") => true,
        [cast, null, ..] if cast.is_word("cast") && null.is_word("null") => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::facts::Volatility;

    fn expr(text: &str) -> Expr {
        Expr {
            text: text.into(),
            volatility: Volatility::Constant,
        }
    }

    #[test]
    fn null_tests_are_read_from_top_level_conjuncts() {
        let nulls = |text: &str| -> Vec<String> {
            conjuncts(text)
                .iter()
                .filter_map(|p| is_null_test(p))
                .collect()
        };
        assert_eq!(nulls("priority IS NULL"), ["priority"]);
        assert_eq!(nulls("(orders.\"Priority\" is null)"), ["priority"]);
        assert_eq!(nulls("id > 10 AND (priority IS NULL)"), ["priority"]);
        assert!(nulls("priority IS NULL OR status = 'x'").is_empty());
        assert!(nulls("priority IS NOT NULL").is_empty());
        assert!(nulls("coalesce(priority, 0) = 0").is_empty());
    }

    #[test]
    fn key_pins_are_literal_equalities() {
        let keys: BTreeSet<String> = ["id".to_string()].into();
        assert!(pins_a_key(&expr("id = 42"), &keys));
        assert!(pins_a_key(&expr("orders.id IN (1, 2, -3)"), &keys));
        assert!(pins_a_key(
            &expr("'7'::bigint = id AND status = 'x'"),
            &keys
        ));
        assert!(!pins_a_key(&expr("id > 42"), &keys));
        assert!(!pins_a_key(&expr("id = other_id"), &keys));
        assert!(!pins_a_key(&expr("id = 1 OR status = 'x'"), &keys));
        assert!(!pins_a_key(&expr("id IN (SELECT id FROM x)"), &keys));
        assert!(!pins_a_key(&expr("status = 'x'"), &keys));
    }

    #[test]
    fn null_defaults() {
        assert!(is_null_default(&expr("NULL")));
        assert!(is_null_default(&expr("NULL::text")));
        assert!(is_null_default(&expr("(NULL)")));
        assert!(is_null_default(&expr("CAST(NULL AS int)")));
        assert!(!is_null_default(&expr("0")));
        assert!(!is_null_default(&expr("'null'")));
    }

    #[test]
    fn directive_tables_are_keyed_like_names() {
        assert_eq!(directive_table_key("public.\"Orders\""), "orders");
        assert_eq!(directive_table_key("orders"), "orders");
        assert!(mentions("priority IS NOT NULL", "PRIORITY"));
        assert!(!mentions("'priority' <> ''", "priority"));
    }
}
