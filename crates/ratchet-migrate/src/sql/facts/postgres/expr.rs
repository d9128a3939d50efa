//! Expressions: their text, their volatility, and the tables a query reads.

use std::collections::HashSet;
use std::sync::OnceLock;

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{SyntaxKind, SyntaxNode};

use super::names::{name_of, text};
use crate::sql::facts::{Expr, Name, Volatility};

/// An expression as written, with its volatility.
pub(super) fn expr(e: &ast::Expr) -> Expr {
    Expr {
        text: text(e.syntax()),
        volatility: volatility(e.syntax()),
    }
}

/// [`expr`] of any node that holds an expression (a `WHERE CURRENT OF`, a `SET` value).
pub(super) fn expr_of(node: &SyntaxNode) -> Expr {
    Expr {
        text: text(node),
        volatility: volatility(node),
    }
}

/// How much a volatility class may vary: the volatility of an expression is that of its
/// most varying part.
fn rank(v: Volatility) -> u8 {
    match v {
        Volatility::Constant => 0,
        Volatility::Stable => 1,
        Volatility::Unknown => 2,
        Volatility::Volatile => 3,
    }
}

fn worst(a: Volatility, b: Volatility) -> Volatility {
    if rank(b) > rank(a) { b } else { a }
}

/// Whether an expression gives the same value for every row. The walk is over the
/// tree's nodes (iterative: a deeply nested expression cannot exhaust the stack):
/// literals and operators are constant, function calls are judged by name, column
/// references and subqueries vary per row.
pub(super) fn volatility(node: &SyntaxNode) -> Volatility {
    let mut result = Volatility::Constant;
    for n in node.descendants() {
        let v = match n.kind() {
            SyntaxKind::SELECT
            | SyntaxKind::SELECT_INTO
            | SyntaxKind::COMPOUND_SELECT
            | SyntaxKind::PAREN_SELECT
            | SyntaxKind::VALUES
            | SyntaxKind::TABLE => Volatility::Volatile,
            SyntaxKind::CALL_EXPR => call_volatility(&n),
            SyntaxKind::NAME_REF => name_ref_volatility(&n),
            // `SET c = DEFAULT`: whatever the column's default is.
            SyntaxKind::LITERAL
                if n.first_token().map(|t| t.kind()) == Some(SyntaxKind::DEFAULT_KW) =>
            {
                Volatility::Unknown
            }
            _ => Volatility::Constant,
        };
        result = worst(result, v);
        if result == Volatility::Volatile {
            break;
        }
    }
    result
}

/// The function a call names: `now()`, `pg_catalog.now()`. `None` for the special forms
/// (`extract(...)`, `substring(... from ...)`), whose arguments are judged on their own.
fn called_function(call: &SyntaxNode) -> Option<String> {
    let call = ast::CallExpr::cast(call.clone())?;
    call.arg_list()?;
    match call.expr()? {
        ast::Expr::NameRef(name) => Some(name.text()),
        ast::Expr::FieldExpr(field) => field.field().map(|f| f.text()),
        _ => None,
    }
}

fn call_volatility(call: &SyntaxNode) -> Volatility {
    match called_function(call) {
        Some(name) => function_volatility(&name),
        None => Volatility::Constant,
    }
}

/// A name in an expression: a callee (judged with its call), a keyword such as
/// `current_timestamp` (stable), or a column reference (varies per row).
fn name_ref_volatility(name: &SyntaxNode) -> Volatility {
    let Some(parent) = name.parent() else {
        return Volatility::Volatile;
    };
    let is_first_child = |parent: &SyntaxNode, child: &SyntaxNode| {
        parent.first_child().is_some_and(|first| &first == child)
    };
    if parent.kind() == SyntaxKind::CALL_EXPR && is_first_child(&parent, name) {
        return Volatility::Constant;
    }
    if parent.kind() == SyntaxKind::FIELD_EXPR
        && parent.parent().is_some_and(|grand| {
            grand.kind() == SyntaxKind::CALL_EXPR && is_first_child(&grand, &parent)
        })
    {
        return Volatility::Constant;
    }
    let keyword = name
        .first_token()
        .map(|t| t.kind())
        .unwrap_or(SyntaxKind::IDENT);
    match keyword {
        SyntaxKind::CURRENT_DATE_KW
        | SyntaxKind::CURRENT_TIME_KW
        | SyntaxKind::CURRENT_TIMESTAMP_KW
        | SyntaxKind::LOCALTIME_KW
        | SyntaxKind::LOCALTIMESTAMP_KW
        | SyntaxKind::CURRENT_USER_KW
        | SyntaxKind::CURRENT_ROLE_KW
        | SyntaxKind::SESSION_USER_KW
        | SyntaxKind::SYSTEM_USER_KW
        | SyntaxKind::USER_KW
        | SyntaxKind::CURRENT_CATALOG_KW
        | SyntaxKind::CURRENT_SCHEMA_KW => Volatility::Stable,
        _ => Volatility::Volatile,
    }
}

/// Functions whose value differs per call.
const VOLATILE: &[&str] = &[
    "clock_timestamp",
    "currval",
    "gen_random_bytes",
    "gen_random_uuid",
    "gen_salt",
    "lastval",
    "nextval",
    "pg_advisory_lock",
    "pg_advisory_xact_lock",
    "pg_sleep",
    "pg_try_advisory_lock",
    "random",
    "random_normal",
    "set_config",
    "setseed",
    "setval",
    "timeofday",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuid_generate_v7",
    "uuidv4",
    "uuidv7",
];

/// Functions fixed for the duration of a statement (the transaction's start time, a
/// setting).
const STABLE: &[&str] = &[
    "current_database",
    "current_date",
    "current_schema",
    "current_schemas",
    "current_setting",
    "current_time",
    "current_timestamp",
    "current_user",
    "localtime",
    "localtimestamp",
    "now",
    "session_user",
    "statement_timestamp",
    "transaction_timestamp",
];

/// Functions known to be immutable: with constant arguments they give a constant.
const IMMUTABLE: &[&str] = &[
    "abs",
    "array_length",
    "btrim",
    "cardinality",
    "ceil",
    "ceiling",
    "char_length",
    "character_length",
    "coalesce",
    "floor",
    "greatest",
    "initcap",
    "least",
    "left",
    "length",
    "lower",
    "lpad",
    "ltrim",
    "md5",
    "mod",
    "nullif",
    "octet_length",
    "power",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sign",
    "split_part",
    "sqrt",
    "strpos",
    "substr",
    "translate",
    "trunc",
    "upper",
];

/// Every built-in function with a non-volatile variant (`select distinct proname from
/// pg_proc where provolatile <> 'v'`), from squawk-linter (Apache-2.0 OR MIT). A function
/// listed here but not in [`IMMUTABLE`] is taken as stable: its value does not vary per
/// row, which is what the effects need.
const NON_VOLATILE: &str = include_str!("non_volatile_functions.txt");

fn non_volatile() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        NON_VOLATILE
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// The volatility of a call to the function `name` (lower case, unqualified).
pub(super) fn function_volatility(name: &str) -> Volatility {
    if VOLATILE.contains(&name) {
        Volatility::Volatile
    } else if STABLE.contains(&name) {
        Volatility::Stable
    } else if IMMUTABLE.contains(&name) {
        Volatility::Constant
    } else if non_volatile().contains(name) {
        Volatility::Stable
    } else {
        Volatility::Unknown
    }
}

/// The tables a query (or any statement part) reads: every table in a `FROM`, a join or
/// a subquery, and `TABLE t`; names of the statement's own CTEs are left out. In order of
/// appearance, without repeats.
pub(super) fn reads(node: &SyntaxNode) -> Vec<Name> {
    let ctes: HashSet<String> = node
        .descendants()
        .filter(|n| n.kind() == SyntaxKind::CTE_NAME)
        .map(|n| ast::normalize_name_node(&n))
        .collect();
    let mut out: Vec<Name> = Vec::new();
    for n in node.descendants() {
        let name = match n.kind() {
            SyntaxKind::RELATION_FROM_ITEM => ast::RelationFromItem::cast(n)
                .and_then(|item| item.path_ref())
                .map(|path| name_of(path.syntax())),
            SyntaxKind::TABLE => ast::Table::cast(n)
                .and_then(|table| table.relation_name())
                .map(|relation| name_of(relation.syntax())),
            _ => None,
        };
        if let Some(name) = name
            && !(name.schema.is_none() && ctes.contains(&name.name))
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}
