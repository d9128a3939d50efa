use super::pg_locks::serial_or_identity;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{ConstraintKind, Op};

declare_rule! {
    /// ## What it does
    /// Reports, on a table that existed before the migration, `ADD CONSTRAINT ... UNIQUE`
    /// without `USING INDEX`, and `ADD COLUMN ... UNIQUE`.
    ///
    /// A primary key (`ADD PRIMARY KEY`, a `PRIMARY KEY`, `serial` or identity column) is
    /// reported by `adding-serial-primary-key-field` instead. A table created in the same
    /// migration is not reported: it is empty and unused.
    ///
    /// ## Why is this bad?
    /// A `UNIQUE` constraint is enforced by a unique index, and adding the constraint builds
    /// that index while holding the `ALTER TABLE`'s `ACCESS EXCLUSIVE` lock: nobody can read
    /// or write the table until every row has been read and sorted, which takes minutes on
    /// a large table. (A plain `CREATE UNIQUE INDEX` would at least let reads go on;
    /// `CONCURRENTLY` lets writes go on too.)
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table (blocks reads and writes) for the whole index build.
    /// `CREATE UNIQUE INDEX CONCURRENTLY` takes `SHARE UPDATE EXCLUSIVE` (blocks only other
    /// schema changes), and `ADD CONSTRAINT ... UNIQUE USING INDEX` then holds
    /// `ACCESS EXCLUSIVE` only for an instant.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions (`USING INDEX` exists since 9.1).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Use instead
    /// Build the index concurrently in one migration, adopt it in the next:
    /// ```sql no-check
    /// -- 0005_users_email_index.up.sql
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    ///
    /// -- 0006_users_email_unique.up.sql: instant (the index is renamed to the constraint's name)
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
    /// ```
    /// If the build fails (a duplicate value, a lock timeout), it leaves an `INVALID` index:
    /// drop it, fix the data, build again.
    pub struct DisallowedUniqueConstraint {
        id: "disallowed-unique-constraint",
        severity: Error,
        engines: [Postgres],
        summary: "a UNIQUE constraint added without USING INDEX blocks reads and writes while its index builds",
    }
}

impl Rule for DisallowedUniqueConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            if !action.table_existed {
                continue;
            }
            match &action.action.op {
                Op::AddConstraint { table, constraint } => {
                    let ConstraintKind::Unique {
                        using_index: None, ..
                    } = &constraint.kind
                    else {
                        continue;
                    };
                    let named = constraint
                        .name
                        .as_deref()
                        .map(|n| format!("ADD CONSTRAINT {n} UNIQUE"))
                        .unwrap_or_else(|| "ADD UNIQUE".to_string());
                    report.at(
                        up,
                        statement,
                        action.action.offset,
                        format!(
                            "{named} builds its unique index on {table} under an ACCESS \
                             EXCLUSIVE lock: reads and writes of {table} wait until the \
                             index is built"
                        ),
                        "CREATE UNIQUE INDEX CONCURRENTLY in one migration, then ADD \
                         CONSTRAINT ... UNIQUE USING INDEX in the next",
                    );
                }
                Op::AddColumn { table, column, .. }
                    if column.unique && !column.primary_key && !serial_or_identity(column) =>
                {
                    report.at(
                        up,
                        statement,
                        action.action.offset,
                        format!(
                            "ADD COLUMN {} ... UNIQUE builds a unique index on {table} under \
                             an ACCESS EXCLUSIVE lock: reads and writes of {table} wait until \
                             the index is built",
                            column.name
                        ),
                        "add the column without UNIQUE, then CREATE UNIQUE INDEX CONCURRENTLY \
                         in a later migration (and ADD CONSTRAINT ... UNIQUE USING INDEX in \
                         the next, if you need the constraint)",
                    );
                }
                _ => {}
            }
        }
    }
}
