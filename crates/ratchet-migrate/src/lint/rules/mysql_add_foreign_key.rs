use super::mysql_online;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{ConstraintKind, Op};

declare_rule! {
    /// ## What it does
    /// Reports `ADD FOREIGN KEY` on a table that existed before the migration when it runs
    /// without blocking writes, at a cost worth knowing:
    ///
    /// - after `SET foreign_key_checks = 0` in the same file (one session), MySQL adds
    ///   the key `INPLACE` without copying the table, but **does not check the existing
    ///   rows**: orphans stay, unseen;
    /// - on MariaDB 11.2+ with the checks on, it copies the whole table, with writes going
    ///   on during the copy.
    ///
    /// With `foreign_key_checks` on (the default) MySQL copies the table and blocks writes:
    /// that is an error of `mysql-alter-blocks-writes`, not repeated here. A table created
    /// in the same migration is not reported.
    ///
    /// ## Why is this bad?
    /// There is no way in MySQL to add a foreign key that is both checked and online:
    ///
    /// - checked (`foreign_key_checks = 1`): `ALGORITHM=COPY`, writes to the table wait
    ///   until every row is copied and checked;
    /// - online (`foreign_key_checks = 0`): `ALGORITHM=INPLACE`, metadata only, but rows
    ///   that reference nothing are kept, and the application later fails in confusing
    ///   places (a `DELETE` of the parent that cascades nowhere, joins that lose rows).
    ///   `foreign_key_checks = 0` also stays in force for the rest of the session unless
    ///   set back.
    ///
    /// Online schema-change tools do not help much: **gh-ost does not support foreign
    /// keys at all** (neither on the changed table nor referencing it);
    /// pt-online-schema-change does, with `--alter-foreign-keys-method`, whose choices
    /// either rebuild the child tables or briefly drop the key checks.
    ///
    /// ## Lock taken
    /// With the checks off: `ALGORITHM=INPLACE`, metadata only, concurrent reads and
    /// writes. With them on: `ALGORITHM=COPY`, writes wait (MariaDB 11.2+: they go on).
    ///
    /// ## Engines and versions
    /// MySQL and MariaDB, InnoDB, all versions.
    ///
    /// ## Example
    /// ```sql
    /// SET foreign_key_checks = 0;
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// SET foreign_key_checks = 1;
    /// ```
    ///
    /// ## Use instead
    /// Prove there are no orphans, and make the migration fail if there are: check them in
    /// the migration's verify file, and accept the finding once reviewed:
    /// ```sql no-check
    /// -- 0012_orders_customer_fk.up.sql
    /// -- ratchet:allow mysql-add-foreign-key -- orphans checked by the verify query
    /// SET foreign_key_checks = 0;
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    ///     FOREIGN KEY (customer_id) REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE;
    /// SET foreign_key_checks = 1;
    ///
    /// -- 0012_orders_customer_fk.verify.sql: no rows = verified
    /// SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
    /// WHERE o.customer_id IS NOT NULL AND c.id IS NULL LIMIT 1;
    /// ```
    /// Or declare the foreign key when the table is created, before it holds data.
    pub struct MysqlAddForeignKey {
        id: "mysql-add-foreign-key",
        severity: Warning,
        engines: [Mysql],
        summary: "ADD FOREIGN KEY on an existing table either copies it or, with foreign_key_checks=0, leaves existing rows unchecked",
    }
}

impl Rule for MysqlAddForeignKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (si, statement) in up.statements.iter().enumerate() {
            for (ai, action) in statement.actions.iter().enumerate() {
                let Op::AddConstraint { table, constraint } = &action.action.op else {
                    continue;
                };
                let ConstraintKind::ForeignKey(fk) = &constraint.kind else {
                    continue;
                };
                if !action.table_existed {
                    continue;
                }
                let columns = if fk.columns.is_empty() {
                    "its columns".to_string()
                } else {
                    format!("{table}.{}", fk.columns.join(", "))
                };
                let (message, help) = if mysql_online::foreign_key_checks_off(up, si) {
                    (
                        format!(
                            "with foreign_key_checks = 0 MySQL adds this foreign key in place \
                             without blocking writes, but does not check the rows {table} \
                             already has: values of {columns} that match no row of {} stay, \
                             unseen",
                            fk.table
                        ),
                        format!(
                            "check for orphans in the migration's verify file (SELECT ... FROM \
                             {table} LEFT JOIN {} ... WHERE the key is set and the parent is \
                             missing), set foreign_key_checks back to 1 right after, then \
                             accept this finding with `-- ratchet:allow mysql-add-foreign-key \
                             -- <why>`",
                            fk.table
                        ),
                    )
                } else {
                    match mysql_online::judge(cx, up, si, ai) {
                        Some(j) if j.online_copy => (
                            format!(
                                "{} copies {table} to add this foreign key (writes go on, but the \
                                 copy takes as long as rewriting the whole table, and replicas \
                                 replay it after)",
                                mysql_online::server_name(cx.version)
                            ),
                            "on a large table, run it at a quiet time; `SET foreign_key_checks \
                             = 0` before it makes it instant but leaves existing rows unchecked"
                                .to_string(),
                        ),
                        // The blocking copy is mysql-alter-blocks-writes' error.
                        _ => continue,
                    }
                };
                report.at(up, statement, action.action.offset, message, help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mysql_online::testing::{lint_as, mariadb, mysql};

    const RULE: &str = "mysql-add-foreign-key";
    const ADD: &str = "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk \
                       FOREIGN KEY (customer_id) REFERENCES customers (id);";

    #[test]
    fn unchecked_keys_are_reported_and_blocking_ones_left_to_the_other_rule() {
        let off = format!("SET foreign_key_checks = 0;\n{ADD}");
        assert_eq!(lint_as(RULE, &off, mysql(80_036)).len(), 1);
        assert!(lint_as(RULE, ADD, mysql(80_036)).is_empty());
        assert!(lint_as(RULE, ADD, mariadb(101_106)).is_empty());
        // MariaDB 11.2+ copies online: worth a warning.
        assert_eq!(lint_as(RULE, ADD, mariadb(110_402)).len(), 1);
    }
}
