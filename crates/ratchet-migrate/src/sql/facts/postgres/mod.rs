//! PostgreSQL statements into actions, read with squawk-syntax: a lossless syntax tree of
//! PostgreSQL's grammar (it agreed with PostgreSQL's own parser on every statement of the
//! evaluation corpus), with the byte range of every node and keyword, so each action
//! points at the exact words it is about.
//!
//! The statement arrives already split ([`crate::sql::split`]). A statement the grammar
//! rejects is an `Err`: its facts are then unknown, never guessed.

mod dml;
mod expr;
mod names;
mod objects;
mod other;
mod table;
#[cfg(test)]
mod tests;
mod types;

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::plpgsql::Plpgsql;
use squawk_syntax::syntax_error::SyntaxError;
use squawk_syntax::{SourceFile, SyntaxNode, SyntaxToken};

use super::{Action, Extracted, OnlineOptions, Op};
use names::first_token;

/// Statements at most this long (in bytes)...
const SMALL: usize = 2 * 1024;
/// ... and bracketed at most this deep are read on the caller's stack; the others on a
/// thread of their own with [`BIG_STACK`]: the parser recurses once per nesting level (a
/// 2 MiB stack overflows after about 400 nested subqueries in a debug build), and a stack
/// overflow aborts the process, which no `catch_unwind` can stop.
const SHALLOW: usize = 64;
/// The stack of the reading thread: address space only, committed as it is used.
const BIG_STACK: usize = 256 << 20;
/// Brackets nested deeper than this are refused outright (PostgreSQL itself stops far
/// earlier, at its `max_stack_depth`).
const MAX_DEPTH: usize = 5_000;

const PANICKED: &str = "ratchet's PostgreSQL parser failed on this statement; \
                        please report it to ratchet with the statement";

/// Reads one statement.
pub(super) fn extract(sql: &str) -> Extracted {
    let depth = bracket_depth(sql);
    if depth > MAX_DEPTH {
        return Err(format!(
            "the statement nests brackets {depth} levels deep; ratchet reads at most \
             {MAX_DEPTH} (simplify the statement)"
        ));
    }
    if sql.len() <= SMALL && depth <= SHALLOW {
        return guarded(sql);
    }
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("ratchet-pg-reader".into())
            .stack_size(BIG_STACK)
            .spawn_scoped(scope, || guarded(sql));
        match spawned {
            Ok(reader) => reader.join().unwrap_or_else(|_| Err(PANICKED.to_string())),
            // No thread to be had: read here, which suffices for all but pathological input.
            Err(_) => guarded(sql),
        }
    })
}

/// [`read`], with a panic of the parser turned into an unreadable statement: the parser is
/// a third-party crate, and one odd statement must not end a migration run.
fn guarded(sql: &str) -> Extracted {
    std::panic::catch_unwind(|| read(sql)).unwrap_or_else(|_| Err(PANICKED.to_string()))
}

/// How deep `(` and `[` nest in `sql`, outside single-quoted strings and comments (an
/// over-estimate is harmless: it only moves the reading to the big stack).
fn bracket_depth(sql: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            // `''` inside a string reads as two strings: the same for counting.
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    deepest
}

fn read(sql: &str) -> Extracted {
    let parse = SourceFile::parse(sql);
    if let Some(error) = parse.errors().first() {
        return Err(syntax_error(sql, error));
    }
    let mut walker = Walker::new(None);
    for stmt in parse.tree().stmts() {
        walker.stmt(&stmt);
    }
    Ok((walker.actions, OnlineOptions::default()))
}

/// The message of a statement the grammar rejects: where, and what to do.
fn syntax_error(sql: &str, error: &SyntaxError) -> String {
    let start = usize::from(error.range().start());
    let near: String = sql
        .get(start..)
        .unwrap_or_default()
        .trim_start()
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(30)
        .collect();
    let near = near.trim();
    let place = if near.is_empty() {
        "at the end of the statement".to_string()
    } else {
        format!("near `{near}`")
    };
    format!(
        "PostgreSQL syntax error {place}: {}; fix the statement (if PostgreSQL accepts it, \
         ratchet's parser does not know this syntax: please report it)",
        error.message()
    )
}

/// Collects the actions of the statements it is shown.
pub(super) struct Walker<'b> {
    /// The `DO` body being walked, whose positions map back to the statement's text.
    body: Option<&'b Plpgsql>,
    /// The actions so far.
    actions: Vec<Action>,
}

impl<'b> Walker<'b> {
    fn new(body: Option<&'b Plpgsql>) -> Walker<'b> {
        Walker {
            body,
            actions: Vec::new(),
        }
    }

    /// The byte offset, in the statement's text, of the first word of `node`.
    pub(super) fn offset(&self, node: &SyntaxNode) -> usize {
        match first_token(node) {
            Some(token) => self.token_offset(&token),
            None => usize::from(node.text_range().start()),
        }
    }

    /// The byte offset, in the statement's text, of `token`.
    fn token_offset(&self, token: &SyntaxToken) -> usize {
        let range = token.text_range();
        let range = match self.body {
            Some(body) => body.source_range(range),
            None => range,
        };
        usize::from(range.start())
    }

    /// Records `op`, about the words that start at `at`.
    pub(super) fn push(&mut self, op: Op, at: &SyntaxNode) {
        let offset = self.offset(at);
        self.actions.push(Action { op, offset });
    }

    /// Records `op`, about the keyword `at` (the `UPDATE` of a `WITH ... UPDATE`), or
    /// about `node` when the keyword is missing.
    pub(super) fn push_keyword(&mut self, op: Op, at: Option<SyntaxToken>, node: &SyntaxNode) {
        let offset = match at {
            Some(token) => self.token_offset(&token),
            None => self.offset(node),
        };
        self.actions.push(Action { op, offset });
    }

    /// Records a statement ratchet cannot follow: a single unknown action.
    fn unknown(&mut self, reason: &str, at: &SyntaxNode) {
        self.push(
            Op::Unknown {
                reason: reason.to_string(),
            },
            at,
        );
    }

    /// The actions of one statement.
    pub(super) fn stmt(&mut self, stmt: &ast::Stmt) {
        use ast::Stmt as S;
        match stmt {
            S::CreateTable(s) => table::create_table(self, s),
            S::CreateTableAs(s) => table::create_table_as(self, s),
            // In PL/pgSQL, `SELECT ... INTO v` assigns a variable.
            S::SelectInto(s) if self.body.is_some() => dml::query(self, s.syntax()),
            S::SelectInto(s) => table::select_into(self, s),
            S::AlterTable(s) => table::alter_table(self, s),
            S::CreateIndex(s) => objects::create_index(self, s),
            S::DropIndex(s) => objects::drop_index(self, s),
            S::Reindex(s) => objects::reindex(self, s),
            S::DropTable(s) => table::drop_table(self, s),
            S::Truncate(s) => table::truncate(self, s),
            S::CreateType(s) => objects::create_type(self, s),
            S::AlterType(s) => objects::alter_type(self, s),
            S::Insert(s) => dml::insert(self, s),
            S::Update(s) => dml::update(self, s),
            S::Delete(s) => dml::delete(self, s),
            S::Merge(s) => dml::merge(self, s),
            S::Copy(s) => dml::copy(self, s),
            S::Select(_)
            | S::CompoundSelect(_)
            | S::ParenSelect(_)
            | S::Values(_)
            | S::Table(_) => dml::query(self, stmt.syntax()),
            S::Explain(s) => dml::explain(self, s),
            S::Do(s) => self.do_block(s),
            S::Call(s) => self.unknown(
                "CALL runs a procedure whose statements ratchet cannot see",
                s.syntax(),
            ),
            S::Execute(s) => self.unknown(
                "EXECUTE runs a prepared statement ratchet cannot see",
                s.syntax(),
            ),
            S::EmptyStmt(_) => {}
            _ => {
                if !objects::object(self, stmt) {
                    other::statement(self, stmt);
                }
            }
        }
    }

    /// `DO $$ ... $$`: the PL/pgSQL body is parsed and its SQL statements are read, with
    /// their positions in the statement's text. Statements under `IF`, `CASE` or an
    /// exception handler are reported as if they ran (what the block may do). A body with
    /// loops, dynamic SQL (`EXECUTE`), cursors or procedure calls is one unknown action.
    fn do_block(&mut self, block: &ast::Do) {
        const CANNOT_FOLLOW: &str = "a DO block runs code ratchet cannot follow";
        let Some(body) = block.plpgsql() else {
            // Another language (plpython...), or a body that is not a string.
            self.unknown(CANNOT_FOLLOW, block.syntax());
            return;
        };
        if !body.errors().is_empty() {
            self.unknown(CANNOT_FOLLOW, block.syntax());
            return;
        }
        let mut inner = Walker::new(Some(&body));
        let followed = body.tree().block().is_some_and(|b| inner.plpgsql_block(&b));
        if followed {
            self.actions.append(&mut inner.actions);
        } else {
            self.unknown(CANNOT_FOLLOW, block.syntax());
        }
    }

    /// Reads a PL/pgSQL block; false when it does something ratchet cannot follow.
    fn plpgsql_block(&mut self, block: &ast::PlpgsqlBlock) -> bool {
        let body_ok = block.body().is_none_or(|b| self.plpgsql_body(&b));
        let handlers_ok = block.exception().is_none_or(|section| {
            section
                .handlers()
                .all(|h| h.body().is_none_or(|b| self.plpgsql_body(&b)))
        });
        body_ok && handlers_ok
    }

    fn plpgsql_body(&mut self, body: &ast::PlpgsqlBody) -> bool {
        use ast::PlpgsqlStmt as P;
        for stmt in body.stmts() {
            let followed = match &stmt {
                P::PlpgsqlExecSqlStmt(s) => match s.stmt() {
                    // A nested DO would need its positions mapped twice.
                    Some(ast::Stmt::Do(_)) | None => false,
                    Some(inner) => {
                        self.stmt(&inner);
                        true
                    }
                },
                P::PlpgsqlPerformStmt(s) => {
                    dml::query(self, s.syntax());
                    true
                }
                P::PlpgsqlBlock(b) => self.plpgsql_block(b),
                P::PlpgsqlIfStmt(s) => {
                    let then_ok = s.then_body().is_none_or(|b| self.plpgsql_body(&b));
                    let elsifs_ok = s
                        .elsifs()
                        .all(|e| e.body().is_none_or(|b| self.plpgsql_body(&b)));
                    let else_ok = s
                        .else_clause()
                        .and_then(|e| e.body())
                        .is_none_or(|b| self.plpgsql_body(&b));
                    then_ok && elsifs_ok && else_ok
                }
                P::PlpgsqlCaseStmt(s) => {
                    let whens_ok = s
                        .whens()
                        .all(|w| w.body().is_none_or(|b| self.plpgsql_body(&b)));
                    let else_ok = s
                        .else_clause()
                        .and_then(|e| e.body())
                        .is_none_or(|b| self.plpgsql_body(&b));
                    whens_ok && else_ok
                }
                // Statements that change nothing in the database.
                P::PlpgsqlNullStmt(_)
                | P::PlpgsqlRaiseStmt(_)
                | P::PlpgsqlAssertStmt(_)
                | P::PlpgsqlAssignStmt(_)
                | P::PlpgsqlGetDiagStmt(_)
                | P::PlpgsqlReturnStmt(_)
                | P::PlpgsqlExitStmt(_) => true,
                _ => false,
            };
            if !followed {
                return false;
            }
        }
        true
    }
}
