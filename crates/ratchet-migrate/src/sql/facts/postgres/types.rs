//! Column types, with the canonical names the effects compare
//! ([`crate::sql::facts::effects`] judges `varchar(10)` → `varchar(20)` or `int` → `bigint`
//! by name and arguments, so every spelling of one type must give one name).

use squawk_syntax::ast::{self, AstNode};

use super::names::{name_of, text};
use crate::sql::facts::DataType;

/// The canonical form of a type as written.
pub(super) fn data_type(ty: &ast::Type) -> DataType {
    let written = text(ty.syntax());
    // `text[]`, `int array`, `t[3][3]`: the array's element type carries the name.
    let mut base = ty.clone();
    let mut array = false;
    while let ast::Type::ArrayType(inner) = &base {
        array = true;
        match inner.ty() {
            Some(element) => base = element,
            None => break,
        }
    }
    let (name, args) = canonical(&base);
    DataType {
        name,
        args,
        array,
        text: written,
    }
}

/// A type that could not be read (only in trees with errors, which are not analysed).
pub(super) fn unknown_type() -> DataType {
    DataType {
        name: String::new(),
        args: Vec::new(),
        array: false,
        text: String::new(),
    }
}

fn canonical(ty: &ast::Type) -> (String, Vec<String>) {
    match ty {
        ast::Type::PathType(path) => {
            let args = arg_texts(path.arg_list());
            let Some(path_ref) = path.path_ref() else {
                return (String::new(), args);
            };
            let name = name_of(path_ref.syntax());
            let quoted = path_ref.segment().is_some_and(|s| s.is_quoted());
            match name.schema.as_deref() {
                None | Some("pg_catalog") => builtin(&name.name, quoted, args),
                Some(schema) => (format!("{schema}.{}", name.name), args),
            }
        }
        ast::Type::VarcharType(varchar) => ("varchar".into(), arg_texts(varchar.arg_list())),
        ast::Type::CharacterType(character) => ("char".into(), arg_texts(character.arg_list())),
        ast::Type::BitType(bit) => ("bit".into(), arg_texts(bit.arg_list())),
        ast::Type::BitVaryingType(bit) => ("bit varying".into(), arg_texts(bit.arg_list())),
        ast::Type::DoubleType(_) => ("double precision".into(), Vec::new()),
        ast::Type::TimeType(time) => {
            let name = if with_time_zone(time.timezone()) {
                "timetz"
            } else {
                "time"
            };
            (
                name.into(),
                time.literal()
                    .map(|l| text(l.syntax()))
                    .into_iter()
                    .collect(),
            )
        }
        ast::Type::TimestampType(timestamp) => {
            let name = if with_time_zone(timestamp.timezone()) {
                "timestamptz"
            } else {
                "timestamp"
            };
            (
                name.into(),
                timestamp
                    .literal()
                    .map(|l| text(l.syntax()))
                    .into_iter()
                    .collect(),
            )
        }
        ast::Type::IntervalType(interval) => {
            // The fields (`day to second`) restrict the values like a length does.
            let mut args: Vec<String> = interval
                .interval_qualifier()
                .map(|q| text(q.syntax()).to_ascii_lowercase())
                .into_iter()
                .collect();
            args.extend(interval.literal().map(|l| text(l.syntax())));
            ("interval".into(), args)
        }
        // Only reached for an array without an element type (a tree with errors).
        ast::Type::ArrayType(_) => (String::new(), Vec::new()),
    }
}

fn with_time_zone(timezone: Option<ast::Timezone>) -> bool {
    matches!(timezone, Some(ast::Timezone::WithTimezone(_)))
}

/// The arguments of `varchar(255)`, `numeric(10, 2)`: each as written, trimmed.
fn arg_texts(list: Option<ast::ArgList>) -> Vec<String> {
    list.map(|list| list.args().map(|arg| text(arg.syntax())).collect())
        .unwrap_or_default()
}

/// The canonical name of a built-in type written as a plain name (`int4`, `bool`...).
fn builtin(name: &str, quoted: bool, args: Vec<String>) -> (String, Vec<String>) {
    // `"char"` (quoted) is PostgreSQL's one-byte internal type, not `char(1)`.
    if quoted && name == "char" {
        return ("\"char\"".into(), args);
    }
    let canonical = match name {
        "int" | "int4" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "int2" | "smallint" => "smallint",
        "serial" | "serial4" => "serial",
        "bigserial" | "serial8" => "bigserial",
        "smallserial" | "serial2" => "smallserial",
        "varchar" | "character varying" => "varchar",
        "char" | "character" | "bpchar" => "char",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "time" | "time without time zone" => "time",
        "timetz" | "time with time zone" => "timetz",
        "decimal" | "numeric" | "dec" => "numeric",
        "bool" | "boolean" => "boolean",
        "float8" | "double precision" => "double precision",
        "float4" | "real" => "real",
        "varbit" | "bit varying" => "bit varying",
        // `float(p)`: single precision up to 24 bits of mantissa, double beyond.
        "float" => {
            let single = args
                .first()
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|p| p <= 24);
            let name = if single { "real" } else { "double precision" };
            return (name.into(), Vec::new());
        }
        other => other,
    };
    (canonical.to_string(), args)
}
