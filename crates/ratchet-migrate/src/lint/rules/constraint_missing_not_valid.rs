use super::pg_locks::{Transactions, blocks};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{Constraint, ConstraintKind, Lock, Name, Op, PgLock};

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... ADD CONSTRAINT` of a `FOREIGN KEY` or `CHECK` without
    /// `NOT VALID` on a table that existed before the migration, and a `VALIDATE
    /// CONSTRAINT` that runs in the same transaction as the `ADD CONSTRAINT ... NOT VALID`
    /// it validates (which takes away what `NOT VALID` gave).
    ///
    /// A table created in the same migration is not reported: it is empty and unused.
    ///
    /// ## Why is this bad?
    /// Adding a validated constraint checks every existing row while holding the lock the
    /// `ADD CONSTRAINT` takes: for a `CHECK`, `ACCESS EXCLUSIVE` on the table, so nobody
    /// can even read it until the scan ends; for a `FOREIGN KEY`, `SHARE ROW EXCLUSIVE` on
    /// both the table and the referenced table, so writes to both wait for the scan (which
    /// looks up every row in the referenced table).
    ///
    /// With `NOT VALID` the constraint is added without the scan (new and updated rows are
    /// checked from then on), and `VALIDATE CONSTRAINT` checks the existing rows later under
    /// `SHARE UPDATE EXCLUSIVE`, which blocks neither reads nor writes. But only in a later
    /// transaction: in the same one, the `ADD CONSTRAINT`'s lock is still held while
    /// `VALIDATE` scans.
    ///
    /// ## Lock taken
    /// - `ADD CONSTRAINT ... CHECK`: `ACCESS EXCLUSIVE` on the table (blocks reads and
    ///   writes) for the whole scan; with `NOT VALID`, only for an instant.
    /// - `ADD CONSTRAINT ... FOREIGN KEY`: `SHARE ROW EXCLUSIVE` on the table and on the
    ///   referenced table (blocks writes to both) for the whole scan; with `NOT VALID`, only
    ///   for an instant.
    /// - `VALIDATE CONSTRAINT`: `SHARE UPDATE EXCLUSIVE` on the table (blocks only other
    ///   schema changes), `ROW SHARE` on the referenced table.
    ///
    /// ## Engines and versions
    /// PostgreSQL: `NOT VALID` foreign keys since 9.1, `NOT VALID` checks since 9.2.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// ```
    ///
    /// ## Use instead
    /// Two migrations:
    /// ```sql no-check
    /// -- 0007_orders_customer_fk.up.sql: instant
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    ///
    /// -- 0008_validate_orders_customer_fk.up.sql: scans, without blocking reads or writes
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// ```
    pub struct ConstraintMissingNotValid {
        id: "constraint-missing-not-valid",
        severity: Error,
        engines: [Postgres],
        summary: "a FOREIGN KEY or CHECK added without NOT VALID scans the table under a lock",
    }
}

impl Rule for ConstraintMissingNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        let layout = Transactions::of(up, cx.version);
        let mut not_valid: Vec<NotValid> = Vec::new();
        for (i, statement) in up.statements.iter().enumerate() {
            for action in &statement.actions {
                match &action.action.op {
                    Op::AddConstraint { table, constraint } => {
                        if !matches!(
                            constraint.kind,
                            ConstraintKind::ForeignKey(_) | ConstraintKind::Check(_)
                        ) {
                            continue;
                        }
                        if constraint.not_valid {
                            if let Some(name) = &constraint.name {
                                not_valid.push(NotValid {
                                    statement: i,
                                    table: table.key(),
                                    name: name.to_lowercase(),
                                    lock: action.effects.lock,
                                    line: statement.statement.line,
                                });
                            }
                            continue;
                        }
                        if !action.table_existed {
                            continue;
                        }
                        let (message, help) = unvalidated(table, constraint);
                        report.at(up, statement, action.action.offset, message, help);
                    }
                    Op::ValidateConstraint { table, name } if action.table_existed => {
                        let added = not_valid.iter().find(|c| {
                            c.table == table.key()
                                && c.name == name.to_lowercase()
                                && layout.same(c.statement, i)
                        });
                        let Some(added) = added else {
                            continue;
                        };
                        let held = match added.lock {
                            Lock::Postgres { mode } => mode,
                            _ => PgLock::AccessExclusive,
                        };
                        let line = added.line;
                        report.at(
                            up,
                            statement,
                            action.action.offset,
                            format!(
                                "VALIDATE CONSTRAINT {name} runs in the same transaction as \
                                 the ADD CONSTRAINT ... NOT VALID of line {line}, whose {} \
                                 lock on {table} is held until commit: the validation scan \
                                 blocks {} of {table} as if NOT VALID had not been used",
                                held.name(),
                                blocks(held),
                            ),
                            "validate the constraint in a later migration",
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A constraint added `NOT VALID` earlier in the migration.
struct NotValid {
    /// The index of its statement.
    statement: usize,
    /// Its table's key.
    table: String,
    /// Its name, lower case.
    name: String,
    /// The lock its `ADD CONSTRAINT` took, held until that transaction commits.
    lock: Lock,
    /// Its statement's line.
    line: u32,
}

/// The message and help for a constraint added without `NOT VALID`.
fn unvalidated(table: &Name, constraint: &Constraint) -> (String, String) {
    let named = constraint
        .name
        .as_deref()
        .map(|n| format!("ADD CONSTRAINT {n}"))
        .unwrap_or_else(|| "ADD".to_string());
    match &constraint.kind {
        ConstraintKind::ForeignKey(fk) => (
            format!(
                "{named} FOREIGN KEY checks every row of {table} against {} while holding \
                 SHARE ROW EXCLUSIVE locks on both: writes to {table} and {} wait until the \
                 scan ends",
                fk.table, fk.table
            ),
            "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later migration"
                .to_string(),
        ),
        _ => (
            format!(
                "{named} CHECK scans every row of {table} under an ACCESS EXCLUSIVE lock: \
                 reads and writes of {table} wait until the scan ends"
            ),
            "add the check NOT VALID, then VALIDATE CONSTRAINT in a later migration".to_string(),
        ),
    }
}
