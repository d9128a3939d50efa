use crate::lint::{Context, Report, Rule, RuleMeta, Severity, declare_rule};
use crate::sql::Dialect;
use crate::sql::analysis::AnalyzedScript;
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::facts::Op;

use super::migration_shape::{no_transaction_reason, runs_in_transaction, transaction_control};

declare_rule! {
    /// ## What it does
    /// Reports transaction control that fights with ratchet's own transaction handling, in
    /// up and down files:
    ///
    /// - in a migration ratchet runs in a transaction: any `BEGIN`, `COMMIT`, `ROLLBACK`,
    ///   `SAVEPOINT` or `RELEASE`, except a `BEGIN ... COMMIT` that wraps the whole file,
    ///   which ratchet absorbs into its own transaction;
    /// - in a migration ratchet runs without one (`-- ratchet:no-transaction`, or inferred
    ///   from a statement like `CREATE INDEX CONCURRENTLY`): a statement that cannot run
    ///   inside a transaction block placed between the file's own `BEGIN` and `COMMIT`, a
    ///   `BEGIN` that is never committed, and on MySQL a DDL statement inside the file's own
    ///   transaction (it commits that transaction implicitly; a warning).
    ///
    /// ## Why is this bad?
    /// ratchet runs a migration, its verify queries and its ledger row in one transaction,
    /// so that a failure leaves nothing behind. A `COMMIT` in the middle ends that
    /// transaction early: what came before is committed, what follows runs outside it, and
    /// a failure then leaves the migration half applied while the ledger does not say so.
    /// A `ROLLBACK` throws away the statements before it; a nested `BEGIN` is a warning on
    /// PostgreSQL and an error on SQLite. `ratchet up` refuses to run such a file; this
    /// rule says so at review time, with the line.
    ///
    /// In a file that manages its own transactions, `CREATE INDEX CONCURRENTLY` (and
    /// `VACUUM`, `DROP INDEX CONCURRENTLY`, SQLite's `PRAGMA foreign_keys`...) between
    /// `BEGIN` and `COMMIT` fails ("cannot run inside a transaction block") or, for the
    /// PRAGMA, silently does nothing. On MySQL, a DDL statement inside `BEGIN ... COMMIT`
    /// commits the transaction there and then: the `COMMIT` at the end protects nothing.
    ///
    /// ## Engines and versions
    /// All engines. On MySQL ratchet runs only a file of data changes in a transaction (DDL
    /// commits implicitly), so there a file with DDL is judged as running without one.
    /// `ALTER TYPE ... ADD VALUE` cannot run in a transaction block before PostgreSQL 12.
    ///
    /// ## Example
    /// ```sql
    /// UPDATE orders SET priority = 0 WHERE priority IS NULL;
    /// COMMIT;
    /// ALTER TABLE orders ALTER COLUMN priority SET NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Let ratchet hold the transaction (a `BEGIN ... COMMIT` around the whole file is
    /// absorbed), and split what must commit separately into two migrations:
    /// ```sql
    /// BEGIN;
    /// UPDATE orders SET priority = 0 WHERE priority IS NULL;
    /// COMMIT;
    /// ```
    pub struct TransactionNesting {
        id: "transaction-nesting",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "transaction control inside a migration ratchet runs in a transaction",
    }
}

impl Rule for TransactionNesting {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let m = cx.migration;
        for script in [Some(&m.up), m.down.as_ref()].into_iter().flatten() {
            if runs_in_transaction(script, cx.dialect, cx.version) {
                in_transaction(script, report);
            } else {
                own_transactions(cx, script, report);
            }
        }
    }
}

/// Transaction control in a script ratchet wraps in its own transaction.
fn in_transaction(script: &AnalyzedScript, report: &mut Report) {
    let statements = &script.statements;
    // `BEGIN; ...; COMMIT;` around the whole file is absorbed (as the runner does).
    let wrapped = statements.len() >= 2
        && statements.first().and_then(transaction_control) == Some(TransactionControl::Begin)
        && statements.last().and_then(transaction_control) == Some(TransactionControl::Commit);
    let inner = if wrapped {
        &statements[1..statements.len() - 1]
    } else {
        &statements[..]
    };
    for statement in inner {
        let Some(control) = transaction_control(statement) else {
            continue;
        };
        let text = statement.statement.first_line();
        let reason = match control {
            TransactionControl::Begin => {
                "a transaction is open already (PostgreSQL would ignore the BEGIN with a \
                 warning, SQLite fail), and the COMMIT that presumably follows would end it early"
            }
            TransactionControl::Commit => {
                "it would commit that transaction early: the statements after it would run \
                 outside any transaction, and a failure would leave the migration half \
                 applied while the ledger does not say so"
            }
            TransactionControl::Rollback => {
                "it would roll back the statements before it, and those after it would run \
                 outside any transaction"
            }
            TransactionControl::Savepoint => {
                "savepoints in ratchet's transaction are ratchet's to manage: a failed statement \
                 fails the whole migration, which rolls back as one"
            }
        };
        report.at(
            script,
            statement,
            0,
            format!(
                "`{text}` inside a migration that ratchet runs in a transaction: `ratchet up` \
                 refuses to run this file, since {reason}"
            ),
            "remove it (a BEGIN/COMMIT around the whole file is absorbed); to manage \
             transactions yourself, put `-- ratchet:no-transaction` at the top of the file",
        );
    }
}

/// A script that runs statement by statement, managing its own transactions.
fn own_transactions(cx: &Context<'_>, script: &AnalyzedScript, report: &mut Report) {
    // The line of the file's own open BEGIN.
    let mut open: Option<(u32, usize)> = None;
    for (index, statement) in script.statements.iter().enumerate() {
        match transaction_control(statement) {
            Some(TransactionControl::Begin) => {
                open = Some((statement.statement.line, index));
                continue;
            }
            Some(TransactionControl::Commit | TransactionControl::Rollback) => {
                open = None;
                continue;
            }
            Some(TransactionControl::Savepoint) => continue,
            None => {}
        }
        let Some((line, _)) = open else {
            continue;
        };
        if let Some(reason) = no_transaction_reason(statement, cx.dialect, cx.version) {
            report.at(
                script,
                statement,
                0,
                format!("{reason}, and the BEGIN at line {line} opens one: this statement fails"),
                "move it out of the BEGIN ... COMMIT, into a migration of its own",
            );
        } else if cx.dialect == Dialect::Mysql && commits_implicitly(statement) {
            report.at_severity(
                Severity::Warning,
                script,
                statement,
                0,
                format!(
                    "MySQL commits the transaction opened at line {line} implicitly before \
                     this statement: what came before is committed, and the COMMIT that follows \
                     protects nothing"
                ),
                "drop the BEGIN/COMMIT (DDL cannot be rolled back on MySQL), and keep data \
                 changes that must be atomic in a migration of their own",
            );
        }
    }
    if let Some((line, index)) = open {
        let statement = &script.statements[index];
        report.at(
            script,
            statement,
            0,
            format!(
                "the BEGIN at line {line} is never committed: the statements after it, and \
                 ratchet's ledger updates, stay in an open transaction that is rolled back when \
                 the connection closes"
            ),
            "end the file with COMMIT",
        );
    }
}

/// Whether a MySQL statement commits the open transaction implicitly: DDL, and TRUNCATE.
fn commits_implicitly(statement: &crate::sql::analysis::AnalyzedStatement) -> bool {
    classify::statement_kind(&statement.statement, Dialect::Mysql) == StatementKind::Ddl
        || statement
            .actions
            .iter()
            .any(|a| matches!(a.action.op, Op::Truncate { .. }))
}
