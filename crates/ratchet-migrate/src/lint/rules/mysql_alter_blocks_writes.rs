use super::mysql_online::{self, Outcome};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{ConstraintKind, MysqlAlgorithm, Op};

declare_rule! {
    /// ## What it does
    /// Reports an `ALTER TABLE` or `CREATE INDEX` on a table that existed before the
    /// migration when the server runs it with `ALGORITHM=COPY`, or otherwise makes writes
    /// to the table wait until it ends. Judged for the server version of `[lint]
    /// mysql_version` (MySQL 8.0.36 unless set), for example:
    ///
    /// - `MODIFY`/`CHANGE` that changes a column's type (`INT` → `BIGINT`, `VARCHAR(255)`
    ///   → `TEXT`, a `VARCHAR` crossing 255 bytes), or whose old type ratchet cannot see;
    /// - `ADD CONSTRAINT ... CHECK`, `ADD FOREIGN KEY` with `foreign_key_checks` on (the
    ///   default), `DROP PRIMARY KEY` without adding another in the same statement;
    /// - adding a `STORED` generated column, adding an `AUTO_INCREMENT` column;
    /// - `CONVERT TO CHARACTER SET`, `ENGINE=` another engine, `ENCRYPTION=`;
    /// - `FULLTEXT` and `SPATIAL` indexes (built in place, but under a shared lock);
    /// - an explicit `ALGORITHM=COPY`, `LOCK=SHARED` or `LOCK=EXCLUSIVE`.
    ///
    /// A table created in the same migration is empty and unused: the rule stays quiet.
    /// `ADD FOREIGN KEY` after `SET foreign_key_checks = 0` runs in place and is reported
    /// by `mysql-add-foreign-key` instead; a change of an `ENUM`'s value list by
    /// `mysql-enum-rebuild`; a statement whose clauses the server refuses by
    /// `mysql-missing-online-options`.
    ///
    /// ## Why is this bad?
    /// With `ALGORITHM=COPY` MySQL creates a new table, copies every row into it, rebuilds
    /// every index and swaps the tables. Reads go on, but every `INSERT`, `UPDATE` and
    /// `DELETE` on the table waits until the whole copy ends: minutes to hours on a large
    /// table, while the application's connections pile up behind the lock. It also needs
    /// the table's size again in free disk space, and replicas replay the whole copy
    /// after it (replication lag of the same length).
    ///
    /// ## Lock taken
    /// `ALGORITHM=COPY`: a shared metadata lock for the whole copy (reads allowed, writes
    /// wait), an exclusive one for the swap. `FULLTEXT`/`SPATIAL` indexes: `INPLACE` with
    /// `LOCK=SHARED` (reads allowed, writes wait). Everything else that `ALGORITHM=INSTANT`
    /// or `INPLACE` with `LOCK=NONE` can do is not reported.
    ///
    /// ## Engines and versions
    /// MySQL and MariaDB. Version dependent: MySQL before 8.0.12 has no `INSTANT` (adding a
    /// column rebuilds in place, writes allowed); MariaDB 10.4.3+ widens integer columns
    /// instantly; MariaDB 11.2+ runs `ALGORITHM=COPY` with `LOCK=NONE` by default (the copy
    /// is still long, but writes go on), so only an explicit `LOCK=SHARED`/`EXCLUSIVE` is
    /// reported there.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders MODIFY total BIGINT NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// For a large table, run the change with an online schema-change tool: `gh-ost` or
    /// `pt-online-schema-change` copy the table in the background while writes go on,
    /// then swap the tables in a brief lock. Or reach the same schema in online steps
    /// (expand/contract), each a migration of its own:
    /// ```sql
    /// -- 1. expand: a new column, added instantly
    /// ALTER TABLE orders ADD COLUMN total_v2 BIGINT NULL, ALGORITHM=INSTANT;
    /// ```
    /// then 2. write both columns from the application and backfill `total_v2` in
    /// batches (`-- ratchet:backfill`), 3. switch reads to `total_v2`, 4. contract: drop
    /// `total` (`ALGORITHM=INSTANT` on MySQL 8.0.29+) and rename `total_v2`.
    pub struct MysqlAlterBlocksWrites {
        id: "mysql-alter-blocks-writes",
        severity: Error,
        engines: [Mysql],
        summary: "an ALTER TABLE that copies the table (ALGORITHM=COPY) or otherwise blocks writes until it ends",
    }
}

impl Rule for MysqlAlterBlocksWrites {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (si, statement) in up.statements.iter().enumerate() {
            for (ai, action) in statement.actions.iter().enumerate() {
                if !mysql_online::is_online_ddl(action) || super::mysql_enum_rebuild::owns(action) {
                    continue;
                }
                let Some(j) = mysql_online::judge(cx, up, si, ai) else {
                    continue;
                };
                let online = &statement.facts.online;
                let Outcome::Runs {
                    algorithm,
                    blocks_writes: true,
                } = mysql_online::outcome(&j, online, cx.version)
                else {
                    continue;
                };
                let Some(table) = action.action.op.table() else {
                    continue;
                };
                let what = mysql_online::describe(action);
                let server = mysql_online::server_name(cx.version);
                let chosen_lock = matches!(online.lock.as_deref(), Some("SHARED" | "EXCLUSIVE"));
                let message = if chosen_lock {
                    format!(
                        "LOCK={} makes writes to {table} wait until {what} ends",
                        online.lock.as_deref().unwrap_or_default()
                    )
                } else if algorithm == MysqlAlgorithm::Copy {
                    format!(
                        "{what}: {server} copies {table} (ALGORITHM=COPY), and writes to {table} \
                         wait until the whole table is copied"
                    )
                } else {
                    format!(
                        "{what}: {server} runs it ALGORITHM={} but under a shared lock, and \
                         writes to {table} wait until it ends",
                        mysql_online::algorithm_name(algorithm)
                    )
                };
                let help = match &action.action.op {
                    Op::AddConstraint { constraint, .. }
                        if matches!(constraint.kind, ConstraintKind::ForeignKey(_)) =>
                    {
                        "`SET foreign_key_checks = 0` before it makes it INPLACE without blocking \
                         writes, but then existing rows are not checked (see \
                         mysql-add-foreign-key); pt-online-schema-change can run it online \
                         (--alter-foreign-keys-method), gh-ost cannot (it does not support \
                         foreign keys)"
                    }
                    _ if chosen_lock => "drop the LOCK= clause, or use LOCK=NONE",
                    _ => {
                        "for a large table, run this change with gh-ost or \
                         pt-online-schema-change (they copy in the background while writes go \
                         on), or reach the same schema in online steps: add a new column, \
                         backfill it in batches, switch, drop the old one"
                    }
                };
                report.at(up, statement, action.action.offset, message, help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mysql_online::testing::{lint_as, lint_files, mariadb, mysql};
    use crate::sql::Dialect;

    const RULE: &str = "mysql-alter-blocks-writes";

    #[test]
    fn type_change_copies_on_every_version_before_mariadb_11_2() {
        let sql = "ALTER TABLE orders MODIFY total BIGINT NOT NULL;";
        assert_eq!(lint_as(RULE, sql, mysql(80_036)).len(), 1);
        assert_eq!(lint_as(RULE, sql, mysql(50_744)).len(), 1);
        assert_eq!(lint_as(RULE, sql, mariadb(101_106)).len(), 1);
        // MariaDB 11.2+ copies with concurrent writes by default.
        assert!(lint_as(RULE, sql, mariadb(110_402)).is_empty());
        // ... unless the statement asks for a lock.
        let locked = "ALTER TABLE orders MODIFY total BIGINT NOT NULL, LOCK=SHARED;";
        assert_eq!(lint_as(RULE, locked, mariadb(110_402)).len(), 1);
    }

    #[test]
    fn add_column_never_blocks_writes_on_any_version() {
        let sql = "ALTER TABLE orders ADD COLUMN note VARCHAR(100) NULL;";
        for v in [mysql(50_744), mysql(80_011), mysql(80_020), mysql(80_036)] {
            assert!(lint_as(RULE, sql, v).is_empty(), "{v:?}");
        }
        // An AUTO_INCREMENT column is added in place without concurrent writes.
        let serial = "ALTER TABLE orders ADD COLUMN seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE;";
        assert_eq!(lint_as(RULE, serial, mysql(80_036)).len(), 1);
    }

    #[test]
    fn table_options_follow_the_manual() {
        let blocks = |sql: &str| !lint_as(RULE, sql, mysql(80_036)).is_empty();
        assert!(blocks(
            "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4;"
        ));
        assert!(blocks("ALTER TABLE orders ENGINE=MyISAM;"));
        assert!(!blocks("ALTER TABLE orders ENGINE=InnoDB;"));
        assert!(!blocks("ALTER TABLE orders ROW_FORMAT=DYNAMIC;"));
        assert!(!blocks("ALTER TABLE orders AUTO_INCREMENT=1000;"));
    }

    #[test]
    fn replacing_the_primary_key_in_one_statement_is_in_place() {
        let blocks = |sql: &str| !lint_as(RULE, sql, mysql(80_036)).is_empty();
        assert!(blocks("ALTER TABLE orders DROP PRIMARY KEY;"));
        assert!(!blocks(
            "ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, region);"
        ));
    }

    #[test]
    fn foreign_key_checks_decide_the_algorithm() {
        let add = "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk \
                   FOREIGN KEY (customer_id) REFERENCES customers (id);";
        assert_eq!(lint_as(RULE, add, mysql(80_036)).len(), 1);
        let off = format!("SET foreign_key_checks = 0;\n{add}\nSET foreign_key_checks = 1;");
        assert!(lint_as(RULE, &off, mysql(80_036)).is_empty());
        let back_on = format!("SET foreign_key_checks = 0;\nSET foreign_key_checks = 1;\n{add}");
        assert_eq!(lint_as(RULE, &back_on, mysql(80_036)).len(), 1);
    }

    #[test]
    fn fulltext_indexes_block_writes() {
        let blocks = |sql: &str| !lint_as(RULE, sql, mysql(80_036)).is_empty();
        assert!(blocks(
            "CREATE FULLTEXT INDEX orders_note_ft ON orders (note);"
        ));
        assert!(!blocks("CREATE INDEX orders_note_idx ON orders (note);"));
    }

    #[test]
    fn mariadb_widens_integers_instantly_from_10_4_3() {
        let files = [
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT NOT NULL);",
            "ALTER TABLE orders MODIFY qty BIGINT NOT NULL;",
        ];
        let blocks = |v| !lint_files(RULE, &files, Dialect::Mysql, v).is_empty();
        assert!(blocks(mysql(80_036)));
        assert!(blocks(mariadb(100_402)));
        assert!(!blocks(mariadb(100_403)));
        assert!(!blocks(mariadb(101_106)));
    }
}
