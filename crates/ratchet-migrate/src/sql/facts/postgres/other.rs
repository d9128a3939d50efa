//! Settings, transaction control, maintenance, and the statements ratchet reads but does
//! not model (GRANT, COMMENT...).

use squawk_syntax::ast::{self, AstNode};

use super::Walker;
use super::names::{describe, leading_keywords, literal_value, name_of, name_opt, text};
use crate::sql::facts::{Name, Op, TransactionOp};

/// Any statement not read elsewhere.
pub(super) fn statement(w: &mut Walker, stmt: &ast::Stmt) {
    use ast::Stmt as S;
    let node = stmt.syntax();
    let op = match stmt {
        S::Set(s) => set(s),
        S::SetRole(s) => Op::SetSetting {
            name: "role".into(),
            value: s
                .set_role_target()
                .map(|t| setting_value(t.syntax()))
                .unwrap_or_default(),
            local: is_local(s.set_scope()),
        },
        S::SetSessionAuth(s) => Op::SetSetting {
            name: "session_authorization".into(),
            value: s
                .set_session_auth_target()
                .map(|t| setting_value(t.syntax()))
                .unwrap_or_default(),
            local: is_local(s.set_scope()),
        },
        S::Reset(s) => reset(match s.reset_target() {
            Some(ast::ResetTarget::All(_)) => "all".to_string(),
            Some(ast::ResetTarget::ConfigParameterRef(p)) => setting_name(&p),
            Some(ast::ResetTarget::ResetTimeZone(_)) => "timezone".to_string(),
            Some(ast::ResetTarget::ResetTransactionIsolation(_)) => {
                "transaction_isolation".to_string()
            }
            None => String::new(),
        }),
        S::ResetRole(_) => reset("role".into()),
        S::ResetSessionAuth(_) => reset("session_authorization".into()),
        S::Begin(_) => transaction(TransactionOp::Begin),
        S::Commit(ast::Commit::CommitTransaction(_)) => transaction(TransactionOp::Commit),
        S::Rollback(ast::Rollback::RollbackTransaction(_)) => transaction(TransactionOp::Rollback),
        S::Rollback(ast::Rollback::RollbackToSavepoint(_))
        | S::SavepointCreate(_)
        | S::ReleaseSavepoint(_) => transaction(TransactionOp::Savepoint),
        S::Vacuum(s) => return vacuum(w, s),
        S::Cluster(s) => return cluster(w, s),
        S::Refresh(s) => Op::Other {
            description: format!(
                "REFRESH MATERIALIZED VIEW {}{}",
                if s.concurrently_token().is_some() {
                    "CONCURRENTLY "
                } else {
                    ""
                },
                name_opt(s.view_ref().as_ref())
            ),
        },
        // The lock mode and the tables matter to a reader: the whole statement.
        S::Lock(_) => Op::Other {
            description: describe(node),
        },
        S::CommentOn(_) => Op::Other {
            description: leading_keywords(node, 3),
        },
        // What is altered, in a few words (`ALTER SEQUENCE s OWNED BY t.id`).
        _ if leading_keywords(node, 1) == "ALTER" => Op::Other {
            description: describe(node),
        },
        _ => Op::Other {
            description: leading_keywords(node, 3),
        },
    };
    w.push(op, node);
}

fn transaction(control: TransactionOp) -> Op {
    Op::Transaction { control }
}

fn is_local(scope: Option<ast::SetScope>) -> bool {
    matches!(scope, Some(ast::SetScope::LocalScope(_)))
}

fn reset(name: String) -> Op {
    Op::SetSetting {
        name,
        value: String::new(),
        local: false,
    }
}

/// A setting's name, lower case, with its prefix (`statement_timeout`,
/// `myapp.tenant`).
fn setting_name(parameter: &ast::ConfigParameterRef) -> String {
    let name = name_of(parameter.syntax());
    match name.schema {
        Some(prefix) => format!("{prefix}.{}", name.name),
        None => name.name,
    }
}

/// A setting's value without quotes: strings unquoted, names folded, other values as
/// written; a list joined with `, `.
fn setting_value(node: &squawk_syntax::SyntaxNode) -> String {
    if let Some(literal) = ast::Literal::cast(node.clone()) {
        return literal_value(&literal);
    }
    if node.kind() == squawk_syntax::SyntaxKind::CONFIG_VALUE_NAME
        || node.kind() == squawk_syntax::SyntaxKind::ROLE_REF
    {
        return name_of(node).name;
    }
    match node.first_child() {
        Some(child) if child.text_range() == node.text_range() => setting_value(&child),
        _ => text(node),
    }
}

/// `SET [LOCAL|SESSION] name {TO|=} value`, `SET TIME ZONE ...`, `SET SCHEMA '...'`.
fn set(s: &ast::Set) -> Op {
    let local = is_local(s.set_scope());
    let (name, value) = match s.set_target() {
        Some(ast::SetTarget::SetConfig(config)) => {
            let name = config
                .config_parameter_ref()
                .map(|p| setting_name(&p))
                .unwrap_or_default();
            let value = match config.config_assignment() {
                Some(ast::ConfigAssignment::ToConfigValue(to)) if to.default_token().is_some() => {
                    "default".to_string()
                }
                Some(ast::ConfigAssignment::ToConfigValue(to)) => to
                    .config_values()
                    .map(|v| setting_value(v.syntax()))
                    .collect::<Vec<_>>()
                    .join(", "),
                Some(ast::ConfigAssignment::FromCurrent(_)) => "from current".to_string(),
                None => String::new(),
            };
            (name, value)
        }
        Some(ast::SetTarget::SetTimeZone(zone)) => {
            let value = if let Some(value) = zone.config_value() {
                setting_value(value.syntax())
            } else if let Some(cast) = zone.cast_expr() {
                text(cast.syntax())
            } else if zone.local_token().is_some() {
                "local".to_string()
            } else {
                "default".to_string()
            };
            ("timezone".to_string(), value)
        }
        Some(ast::SetTarget::SetSchemaValue(schema)) => (
            "search_path".to_string(),
            schema
                .literal()
                .map(|l| literal_value(&l))
                .unwrap_or_default(),
        ),
        Some(ast::SetTarget::SetCatalog(catalog)) => (
            "catalog".to_string(),
            catalog
                .literal()
                .map(|l| literal_value(&l))
                .unwrap_or_default(),
        ),
        Some(ast::SetTarget::SetXmlOption(option)) => (
            "xmloption".to_string(),
            option
                .xml_document_or_content()
                .map(|d| text(d.syntax()).to_ascii_lowercase())
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    Op::SetSetting { name, value, local }
}

/// `VACUUM FULL t` rewrites `t` under an ACCESS EXCLUSIVE lock, like an `ALTER TABLE`
/// that rewrites: it is reported as one [`Op::AlterTableOther`] per table, so that the
/// effects give the lock (the description starts with `VACUUM FULL`). A plain `VACUUM`
/// blocks nobody.
fn vacuum(w: &mut Walker, vacuum: &ast::Vacuum) {
    let tables: Vec<(Name, squawk_syntax::SyntaxNode)> = vacuum
        .table_and_columns_list()
        .iter()
        .flat_map(|list| list.table_and_columnss())
        .filter_map(|t| t.table_relation_name())
        .map(|r| (name_opt(r.table_name_ref().as_ref()), r.syntax().clone()))
        .collect();
    if !vacuum.is_full() {
        w.push(
            Op::Other {
                description: leading_keywords(vacuum.syntax(), 3),
            },
            vacuum.syntax(),
        );
    } else if tables.is_empty() {
        w.push(
            Op::Other {
                description: "VACUUM FULL of every table of the database (each rewritten \
                              under an ACCESS EXCLUSIVE lock)"
                    .into(),
            },
            vacuum.syntax(),
        );
    } else {
        for (table, at) in tables {
            w.push(
                Op::AlterTableOther {
                    table,
                    description: "VACUUM FULL (rewrites the table)".into(),
                },
                &at,
            );
        }
    }
}

/// `CLUSTER t [USING index]` rewrites `t` in index order under an ACCESS EXCLUSIVE lock:
/// reported like `VACUUM FULL` (see [`vacuum`]).
fn cluster(w: &mut Walker, cluster: &ast::Cluster) {
    let table = cluster
        .table_name_ref()
        .map(|t| t.syntax().clone())
        .or_else(|| {
            cluster
                .cluster_legacy()
                .and_then(|l| l.on_path())
                .and_then(|p| p.table_name_ref())
                .map(|t| t.syntax().clone())
        });
    match table {
        Some(table) => w.push(
            Op::AlterTableOther {
                table: name_of(&table),
                description: "CLUSTER (rewrites the table in index order)".into(),
            },
            cluster.syntax(),
        ),
        None => w.push(
            Op::Other {
                description: "CLUSTER of every table clustered before (each rewritten under \
                              an ACCESS EXCLUSIVE lock)"
                    .into(),
            },
            cluster.syntax(),
        ),
    }
}
