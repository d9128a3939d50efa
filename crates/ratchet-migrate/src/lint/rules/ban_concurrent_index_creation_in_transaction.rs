use super::pg_locks::{Transactions, transactional_work};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{AnalyzedScript, AnalyzedStatement};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and
    /// `REINDEX ... CONCURRENTLY`:
    ///
    /// - between the file's own `BEGIN` and `COMMIT`, where PostgreSQL refuses to run them;
    /// - in a file that also holds other schema or data changes. None of these statements
    ///   can run in a transaction, so ratchet runs such a file statement by statement,
    ///   without a transaction: the other statements lose their atomicity.
    ///
    /// Up and down files are checked. Session settings (`SET lock_timeout ...`), queries and
    /// statements that cannot run in a transaction either (another `CREATE INDEX
    /// CONCURRENTLY`) may share the file, as may changes grouped between the file's own
    /// `BEGIN` and `COMMIT` (they stay atomic together). A file marked `-- ratchet:no-transaction` has chosen to run
    /// statement by statement and is only checked for the first case.
    ///
    /// ## Why is this bad?
    /// Inside a transaction block the statement fails (`CREATE INDEX CONCURRENTLY cannot
    /// run inside a transaction block`), and with it the migration.
    ///
    /// Next to other statements it runs, but the file is no longer all-or-nothing: if the
    /// index build fails (a duplicate value for a unique index, a deadlock, a lock timeout),
    /// the statements before it have committed and stay, those after it never ran, and the
    /// migration is recorded as failed halfway. A retry has to pick up from there by hand.
    ///
    /// ## Lock taken
    /// `SHARE UPDATE EXCLUSIVE` on the table (blocks only other schema changes): the reason
    /// to build concurrently. The statements that share the file keep their own locks, but
    /// each is committed (and its lock released) as soon as it ends.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions (`REINDEX CONCURRENTLY` exists since 12).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN status text;
    /// CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
    /// ```
    ///
    /// ## Use instead
    /// The column in one migration, the index in the next, alone:
    /// ```sql
    /// -- 0002_index_orders_status.up.sql (0001 added the column)
    /// SET lock_timeout = '5s';
    /// CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
    /// ```
    pub struct BanConcurrentIndexCreationInTransaction {
        id: "ban-concurrent-index-creation-in-transaction",
        severity: Error,
        engines: [Postgres],
        summary: "a CONCURRENTLY index statement inside a transaction, or sharing its file with other changes",
    }
}

impl Rule for BanConcurrentIndexCreationInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let m = cx.migration;
        for script in [Some(&m.up), m.down.as_ref()].into_iter().flatten() {
            check_script(cx, script, report);
        }
    }
}

/// The statement's concurrent index action, as its words ("CREATE INDEX CONCURRENTLY").
fn concurrent(statement: &AnalyzedStatement) -> Option<&'static str> {
    statement.actions.iter().find_map(|a| match &a.action.op {
        Op::CreateIndex(index) if index.concurrently => Some("CREATE INDEX CONCURRENTLY"),
        Op::DropIndex {
            concurrently: true,
            ..
        } => Some("DROP INDEX CONCURRENTLY"),
        Op::Reindex {
            concurrently: true,
            ..
        } => Some("REINDEX CONCURRENTLY"),
        _ => None,
    })
}

fn check_script(cx: &Context<'_>, script: &AnalyzedScript, report: &mut Report) {
    let layout = Transactions::of(script, cx.version);
    // Statements that would be atomic together in ratchet's transaction, were it not for
    // the statements that cannot run in one (those lose nothing: they never could).
    let exposed: Vec<u32> = script
        .statements
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            transactional_work(s.facts.kind)
                && s.facts.no_transaction.is_none()
                && concurrent(s).is_none()
                && !layout.in_explicit_block(*i)
        })
        .map(|(_, s)| s.statement.line)
        .collect();
    for (i, statement) in script.statements.iter().enumerate() {
        let Some(what) = concurrent(statement) else {
            continue;
        };
        if layout.in_explicit_block(i) {
            report.at(
                script,
                statement,
                0,
                format!(
                    "{what} cannot run inside a transaction block: PostgreSQL rejects it \
                     between the file's BEGIN and COMMIT, and the migration fails"
                ),
                "move it out of the BEGIN ... COMMIT block, into a migration of its own",
            );
        } else if !script.directives.no_transaction && !exposed.is_empty() {
            // A few lines locate the problem; a long list would drown the message.
            let mut lines = exposed
                .iter()
                .take(5)
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            if exposed.len() > 5 {
                lines.push_str(", ...");
            }
            let others = match exposed.len() {
                1 => format!("the other change in it (line {lines}) loses its atomicity"),
                n => format!("the {n} other changes in it (lines {lines}) lose their atomicity"),
            };
            report.at(
                script,
                statement,
                0,
                format!(
                    "{what} cannot run in a transaction, so ratchet runs this whole file \
                     statement by statement: {others}; if a statement fails, those before it stay committed and the migration \
                     is left half-applied"
                ),
                format!(
                    "put the {what} in a migration of its own (SET statements may stay with it)"
                ),
            );
        }
    }
}
