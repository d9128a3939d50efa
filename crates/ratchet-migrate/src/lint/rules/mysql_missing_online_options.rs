use super::mysql_online::{self, Outcome};
use crate::lint::{Context, Report, Rule, RuleMeta, Severity, declare_rule};
use crate::sql::facts::MysqlAlgorithm;

declare_rule! {
    /// ## What it does
    /// Reports an `ALTER TABLE` or `CREATE INDEX` on a table that existed before the
    /// migration which the server runs `INSTANT` or `INPLACE` without blocking writes
    /// today, but which does not say so with `ALGORITHM=` / `LOCK=` clauses:
    /// `ALGORITHM=INSTANT` for an instant change, `ALGORITHM=INPLACE, LOCK=NONE` for one
    /// done in place (MariaDB: `ALGORITHM=NOCOPY, LOCK=NONE` when the table is not
    /// rebuilt). Changes that only touch metadata and cannot fall back to a copy
    /// (`RENAME COLUMN`, `SET DEFAULT`, `DROP INDEX`...) are not reported, nor are tables
    /// created in the same migration.
    ///
    /// It also reports, as an error, clauses the server refuses, so that the migration
    /// fails at that statement: `ALGORITHM=INPLACE` or `LOCK=NONE` on a change that needs a
    /// copy, `ALGORITHM=INSTANT` on one that cannot be instant, and on MySQL
    /// `ALGORITHM=INSTANT` together with any `LOCK=` ("Incorrect usage").
    ///
    /// ## Why is this bad?
    /// Without the clauses MySQL picks the best algorithm it can, and silently falls back
    /// to `ALGORITHM=COPY`, which blocks writes for the whole copy of the table, when it
    /// cannot do better. That happens when someone adds a sub-command to the statement
    /// (one `MODIFY` that changes a type turns the whole statement into a copy), when the
    /// server is older than the one the migration was tested on (`ADD COLUMN` is instant
    /// from 8.0.12, `DROP COLUMN` from 8.0.29), or when the table has a property that
    /// prevents the fast path (a `FULLTEXT` index, `ROW_FORMAT=COMPRESSED`, 64 instant
    /// changes already made). With the clauses, MySQL refuses the statement instead, and
    /// the migration stops before anything is locked.
    ///
    /// ## Lock taken
    /// As judged for the configured server: `INSTANT` (metadata only) or `INPLACE` with
    /// concurrent reads and writes. The clauses do not change that; they forbid worse.
    ///
    /// ## Engines and versions
    /// MySQL 5.6+ and MariaDB 10.0+ (`INSTANT` from MySQL 8.0.12 and MariaDB 10.3.7,
    /// `NOCOPY` MariaDB only). MySQL rejects `LOCK=` together with `ALGORITHM=INSTANT`.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD INDEX orders_status_idx (status);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=INPLACE, LOCK=NONE;
    /// ```
    pub struct MysqlMissingOnlineOptions {
        id: "mysql-missing-online-options",
        severity: Warning,
        engines: [Mysql],
        summary: "an online ALTER TABLE without ALGORITHM=/LOCK= can silently fall back to a blocking copy; clauses the server refuses",
    }
}

impl Rule for MysqlMissingOnlineOptions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (si, statement) in up.statements.iter().enumerate() {
            let online = &statement.facts.online;
            let mut judgements = Vec::new();
            let mut existed = false;
            let mut refused = false;
            for (ai, action) in statement.actions.iter().enumerate() {
                if !mysql_online::is_alter(action) {
                    continue;
                }
                let Some(j) = mysql_online::judge(cx, up, si, ai) else {
                    continue;
                };
                if let Outcome::Refused { reason } = mysql_online::outcome(&j, online, cx.version) {
                    if !refused {
                        report.at_severity(
                            Severity::Error,
                            up,
                            statement,
                            action.action.offset,
                            format!(
                                "{}: {reason}, and the migration fails here",
                                mysql_online::describe(action),
                            ),
                            "remove or correct the clause, or split the statement so that each \
                             part can run as asked",
                        );
                    }
                    refused = true;
                    continue;
                }
                existed |= action.table_existed;
                judgements.push(j);
            }
            if refused || !existed || mysql_online::guarded(online, cx.version) {
                continue;
            }
            let Some(j) = mysql_online::combine(&judgements) else {
                continue;
            };
            // A copy, or a blocking change, is mysql-alter-blocks-writes' finding.
            if j.metadata_only || j.blocks_writes || j.algorithm == MysqlAlgorithm::Copy {
                continue;
            }
            let Some(table) = statement
                .actions
                .iter()
                .find_map(|a| a.action.op.table().filter(|_| a.table_existed))
            else {
                continue;
            };
            let clauses = mysql_online::clauses_for(&j, cx.version);
            let create_index = statement
                .statement
                .sql
                .trim_start()
                .get(..6)
                .is_some_and(|w| w.eq_ignore_ascii_case("create"));
            let write = if create_index {
                clauses.replace(", ", " ")
            } else {
                format!(", {clauses}")
            };
            let server = mysql_online::server_name(cx.version);
            let message = if online.algorithm.as_deref() == Some("INPLACE") {
                format!(
                    "ALGORITHM=INPLACE keeps {table} from being copied but not writes from \
                     waiting: without LOCK=NONE, {server} may take a lock that blocks writes \
                     to {table} rather than refuse"
                )
            } else {
                format!(
                    "{server} runs this {} on {table} without blocking writes today, but \
                     nothing says it must: another sub-command in the statement, or an older \
                     server, makes it silently copy {table} and block writes for the whole \
                     copy",
                    match j.algorithm {
                        MysqlAlgorithm::Instant => "change instantly",
                        _ if j.rebuilds => "change in place (rebuilding the table)",
                        _ => "change in place",
                    }
                )
            };
            report.at(
                up,
                statement,
                0,
                message,
                format!(
                    "end the statement with `{write}`: MySQL then refuses, rather than blocks, \
                     when it cannot run it that way"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mysql_online::testing::{lint_as, mariadb, mysql};

    const RULE: &str = "mysql-missing-online-options";

    #[test]
    fn suggested_clauses_depend_on_the_version() {
        let sql = "ALTER TABLE orders ADD COLUMN note VARCHAR(100) NULL;";
        let f = lint_as(RULE, sql, mysql(80_036));
        assert_eq!(f.len(), 1);
        assert!(f[0].help.as_deref().unwrap().contains("ALGORITHM=INSTANT`"));
        // Before 8.0.12 adding a column is done in place.
        let f = lint_as(RULE, sql, mysql(80_011));
        assert!(
            f[0].help
                .as_deref()
                .unwrap()
                .contains("ALGORITHM=INPLACE, LOCK=NONE")
        );
        let f = lint_as(RULE, sql, mariadb(101_106));
        assert!(
            f[0].help
                .as_deref()
                .unwrap()
                .contains("ALGORITHM=INSTANT, LOCK=NONE")
        );
    }

    #[test]
    fn refused_clauses_are_errors() {
        let instant_lock = "ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=INSTANT, LOCK=NONE;";
        let f = lint_as(RULE, instant_lock, mysql(80_036));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, crate::lint::Severity::Error);
        // MariaDB accepts LOCK=NONE with INSTANT.
        assert!(lint_as(RULE, instant_lock, mariadb(101_106)).is_empty());
        // DROP COLUMN is instant only from 8.0.29.
        let drop = "ALTER TABLE orders DROP COLUMN note, ALGORITHM=INSTANT;";
        assert!(lint_as(RULE, drop, mysql(80_036)).is_empty());
        assert_eq!(
            lint_as(RULE, drop, mysql(80_020))[0].severity,
            crate::lint::Severity::Error
        );
        let copy = "ALTER TABLE orders MODIFY total BIGINT, ALGORITHM=INPLACE, LOCK=NONE;";
        assert_eq!(lint_as(RULE, copy, mysql(80_036)).len(), 1);
    }

    #[test]
    fn guarded_and_metadata_only_statements_are_fine() {
        for sql in [
            "ALTER TABLE orders ADD INDEX orders_status_idx (status), ALGORITHM=INPLACE, LOCK=NONE;",
            "CREATE INDEX orders_status_idx ON orders (status) ALGORITHM=INPLACE LOCK=NONE;",
            "ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=INSTANT;",
            "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';",
            "ALTER TABLE orders RENAME COLUMN note TO notes;",
            "DROP INDEX orders_status_idx ON orders;",
        ] {
            assert!(lint_as(RULE, sql, mysql(80_036)).is_empty(), "{sql}");
        }
    }
}
