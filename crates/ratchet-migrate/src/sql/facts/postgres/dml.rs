//! Data changes and queries: INSERT, UPDATE, DELETE, MERGE, COPY, SELECT, EXPLAIN, and
//! the data-modifying statements of a `WITH`.

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{SyntaxKind, SyntaxNode};

use super::Walker;
use super::expr::{expr, expr_of, reads};
use super::names::{ident, name_opt, text};
use crate::sql::facts::{Expr, Op, Volatility};

/// The data-modifying statements of the `WITH` clauses of `node` (`WITH d AS (DELETE ...
/// RETURNING *) INSERT ...`): their actions come before the statement's own.
fn ctes(w: &mut Walker, node: &SyntaxNode) {
    for with in node
        .descendants()
        .filter(|n| n.kind() == SyntaxKind::WITH_CLAUSE)
    {
        // A WITH of a data-modifying statement below `node` is that statement's own.
        let nested = with
            .ancestors()
            .skip(1)
            .take_while(|ancestor| ancestor != node)
            .any(|ancestor| is_data_change(ancestor.kind()));
        if nested {
            continue;
        }
        let Some(with) = ast::WithClause::cast(with) else {
            continue;
        };
        for table in with.with_tables() {
            match table.query() {
                Some(ast::WithQuery::Insert(s)) => insert(w, &s),
                Some(ast::WithQuery::Update(s)) => update(w, &s),
                Some(ast::WithQuery::Delete(s)) => delete(w, &s),
                Some(ast::WithQuery::Merge(s)) => merge(w, &s),
                _ => {}
            }
        }
    }
}

fn is_data_change(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::INSERT | SyntaxKind::UPDATE | SyntaxKind::DELETE | SyntaxKind::MERGE
    )
}

/// `INSERT INTO t ... VALUES | SELECT | DEFAULT VALUES`.
pub(super) fn insert(w: &mut Walker, insert: &ast::Insert) {
    ctes(w, insert.syntax());
    let from_query = matches!(
        insert.insert_source(),
        Some(ast::InsertSource::SelectVariant(variant))
            if !matches!(variant, ast::SelectVariant::Values(_))
    );
    w.push_keyword(
        Op::Insert {
            table: name_opt(insert.relation_name_ref().as_ref()),
            from_query,
        },
        insert.insert_token(),
        insert.syntax(),
    );
}

/// `UPDATE t SET ... [FROM ...] [WHERE ...]`.
pub(super) fn update(w: &mut Walker, update: &ast::Update) {
    ctes(w, update.syntax());
    let op = Op::Update {
        table: name_opt(
            update
                .relation_name()
                .and_then(|r| r.relation_name_ref())
                .as_ref(),
        ),
        assignments: update
            .set_clause()
            .map(|set| assignments(&set))
            .unwrap_or_default(),
        filter: filter(update.where_clause_or_current_of()),
        // The target is a RELATION_NAME, not a FROM item: only the other tables count.
        reads: reads(update.syntax()),
    };
    w.push_keyword(op, update.update_token(), update.syntax());
}

/// `SET a = 1, (b, c) = (2, 3), d = DEFAULT`.
fn assignments(set: &ast::SetClause) -> Vec<(String, Expr)> {
    let mut out = Vec::new();
    for column in set
        .set_column_list()
        .iter()
        .flat_map(|list| list.set_columns())
    {
        match column {
            ast::SetColumn::SetSingleColumn(single) => {
                let name = ident(single.column_target().and_then(|t| t.name()).as_ref());
                out.push((name, set_expr(single.set_expr())));
            }
            ast::SetColumn::SetMultipleColumns(multiple) => {
                let targets: Vec<String> = multiple
                    .column_target_list()
                    .iter()
                    .flat_map(|list| list.column_targets())
                    .map(|t| ident(t.name().as_ref()))
                    .collect();
                if let Some(values) = multiple.set_expr_list() {
                    let values: Vec<Expr> = values.set_exprs().map(|e| set_expr(Some(e))).collect();
                    for (i, name) in targets.into_iter().enumerate() {
                        let value = values.get(i).cloned().unwrap_or_else(|| Expr {
                            text: String::new(),
                            volatility: Volatility::Unknown,
                        });
                        out.push((name, value));
                    }
                } else {
                    // `(a, b) = (SELECT ...)`: each column gets a value of the subquery.
                    let value = multiple
                        .paren_select()
                        .map(|s| expr_of(s.syntax()))
                        .unwrap_or(Expr {
                            text: String::new(),
                            volatility: Volatility::Volatile,
                        });
                    for name in targets {
                        out.push((name, value.clone()));
                    }
                }
            }
        }
    }
    out
}

fn set_expr(value: Option<ast::SetExpr>) -> Expr {
    match value {
        // `DEFAULT`: whatever the column's default is.
        Some(value) if value.default_token().is_some() => Expr {
            text: text(value.syntax()),
            volatility: Volatility::Unknown,
        },
        Some(value) => match value.expr() {
            Some(e) => expr(&e),
            None => expr_of(value.syntax()),
        },
        None => Expr {
            text: String::new(),
            volatility: Volatility::Unknown,
        },
    }
}

/// The condition of a `WHERE` (or `WHERE CURRENT OF cursor`: one row).
fn filter(clause: Option<ast::WhereClauseOrCurrentOf>) -> Option<Expr> {
    match clause? {
        ast::WhereClauseOrCurrentOf::WhereClause(w) => Some(
            w.expr()
                .map(|e| expr(&e))
                .unwrap_or_else(|| expr_of(w.syntax())),
        ),
        ast::WhereClauseOrCurrentOf::WhereCurrentOf(current) => Some(Expr {
            text: format!("CURRENT OF {}", ident(current.cursor_ref().as_ref())),
            volatility: Volatility::Unknown,
        }),
    }
}

/// `DELETE FROM t [USING ...] [WHERE ...]`.
pub(super) fn delete(w: &mut Walker, delete: &ast::Delete) {
    ctes(w, delete.syntax());
    let op = Op::Delete {
        table: name_opt(
            delete
                .relation_name()
                .and_then(|r| r.relation_name_ref())
                .as_ref(),
        ),
        filter: filter(delete.where_clause_or_current_of()),
    };
    w.push_keyword(op, delete.delete_token(), delete.syntax());
}

/// `MERGE INTO t USING s ON ... WHEN ... THEN UPDATE|DELETE|INSERT`: one action per
/// `WHEN` clause that changes rows, at its `UPDATE`/`DELETE`/`INSERT`.
pub(super) fn merge(w: &mut Walker, merge: &ast::Merge) {
    ctes(w, merge.syntax());
    let table = name_opt(
        merge
            .table_relation_name()
            .and_then(|r| r.table_name_ref())
            .as_ref(),
    );
    let using = merge.using_on_clause();
    let source_reads = using
        .as_ref()
        .map(|u| reads(u.syntax()))
        .unwrap_or_default();
    let on = using
        .and_then(|u| u.on_clause())
        .and_then(|o| o.expr())
        .map(|e| expr(&e));
    let mut changed = false;
    for clause in merge.merge_when_clauses() {
        let (action, condition) = match clause {
            ast::MergeWhenClause::MergeWhenMatched(c) => (c.merge_action(), c.merge_condition()),
            ast::MergeWhenClause::MergeWhenNotMatchedSource(c) => {
                (c.merge_action(), c.merge_condition())
            }
            ast::MergeWhenClause::MergeWhenNotMatchedTarget(c) => {
                (c.merge_action(), c.merge_condition())
            }
        };
        let condition = condition.and_then(|c| c.expr()).map(|e| expr(&e));
        let rows = both(on.clone(), condition);
        let Some(action) = action else { continue };
        let op = match &action {
            ast::MergeAction::MergeUpdate(update) => Op::Update {
                table: table.clone(),
                assignments: update
                    .set_clause()
                    .map(|set| assignments(&set))
                    .unwrap_or_default(),
                filter: rows,
                reads: source_reads.clone(),
            },
            ast::MergeAction::MergeDelete(_) => Op::Delete {
                table: table.clone(),
                filter: rows,
            },
            ast::MergeAction::MergeInsert(_) => Op::Insert {
                table: table.clone(),
                from_query: true,
            },
            ast::MergeAction::MergeDoNothing(_) => continue,
        };
        changed = true;
        w.push(op, action.syntax());
    }
    if !changed {
        let mut all = source_reads;
        all.insert(0, table);
        w.push(Op::Query { reads: all }, merge.syntax());
    }
}

/// Two conditions that must both hold.
fn both(a: Option<Expr>, b: Option<Expr>) -> Option<Expr> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let text = format!("({}) AND ({})", a.text, b.text);
            Some(Expr {
                volatility: worse(a.volatility, b.volatility),
                text,
            })
        }
        (a, b) => a.or(b),
    }
}

fn worse(a: Volatility, b: Volatility) -> Volatility {
    let rank = |v| match v {
        Volatility::Constant => 0,
        Volatility::Stable => 1,
        Volatility::Unknown => 2,
        Volatility::Volatile => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// `COPY t FROM ...` inserts rows; `COPY t TO ...` and `COPY (query) TO ...` read them.
pub(super) fn copy(w: &mut Walker, copy: &ast::Copy) {
    if let Some(table) = copy.copy_table() {
        let name = name_opt(table.table_name_ref().as_ref());
        let op = match copy.copy_direction() {
            Some(ast::CopyDirection::CopyFrom(_)) => Op::Insert {
                table: name,
                from_query: false,
            },
            _ => Op::Query { reads: vec![name] },
        };
        w.push(op, copy.syntax());
        return;
    }
    let inner = copy
        .copy_query()
        .and_then(|q| q.preparable_stmt())
        .and_then(|s| ast::Stmt::cast(s.syntax().clone()));
    match inner {
        // `COPY (UPDATE ... RETURNING ...) TO`: the inner statement runs.
        Some(stmt @ (ast::Stmt::Insert(_) | ast::Stmt::Update(_) | ast::Stmt::Delete(_)))
        | Some(stmt @ ast::Stmt::Merge(_)) => w.stmt(&stmt),
        Some(stmt) => query(w, stmt.syntax()),
        None => w.push(Op::Query { reads: Vec::new() }, copy.syntax()),
    }
}

/// `SELECT`, `VALUES`, `TABLE t` and set operations: the tables they read, after the
/// data-modifying statements of their `WITH`.
pub(super) fn query(w: &mut Walker, node: &SyntaxNode) {
    ctes(w, node);
    w.push(Op::Query { reads: reads(node) }, node);
}

/// `EXPLAIN stmt` only plans; `EXPLAIN ANALYZE stmt` runs it.
pub(super) fn explain(w: &mut Walker, explain: &ast::Explain) {
    let analyze = match explain.explain_mode() {
        Some(ast::ExplainMode::ExplainAnalyze(_)) => true,
        Some(ast::ExplainMode::ExplainOptionList(options)) => {
            options.explain_options().any(|option| {
                let name = option
                    .explain_option_name()
                    .map(|n| text(n.syntax()).to_ascii_lowercase())
                    .unwrap_or_default();
                let off = option.explain_option_value().is_some_and(|v| {
                    matches!(
                        text(v.syntax()).to_ascii_lowercase().as_str(),
                        "false" | "off" | "0" | "no"
                    )
                });
                (name == "analyze" || name == "analyse") && !off
            })
        }
        _ => false,
    };
    let inner = explain
        .explain_stmt()
        .and_then(|s| ast::Stmt::cast(s.syntax().clone()));
    match inner {
        Some(stmt) if analyze => w.stmt(&stmt),
        _ => w.push(
            Op::Other {
                description: "EXPLAIN".into(),
            },
            explain.syntax(),
        ),
    }
}
