use super::pg_locks::{created_by_migration, index_table};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::Dialect;
use crate::sql::classify::leading_words_in;
use crate::sql::facts::{Name, Op};

declare_rule! {
    /// ## What it does
    /// Reports table maintenance that rewrites or rebuilds under a blocking lock:
    /// `VACUUM FULL`, `CLUSTER`, and `REINDEX` without `CONCURRENTLY`.
    ///
    /// A table created in the same migration (or an index on one) is not reported. A
    /// `VACUUM FULL` or `CLUSTER` without a table name, and `REINDEX SCHEMA`, `DATABASE` or
    /// `SYSTEM`, are always reported: they reach tables in use.
    ///
    /// ## Why is this bad?
    /// `VACUUM FULL` and `CLUSTER` write a new copy of the whole table (and rebuild its
    /// indexes) while holding an `ACCESS EXCLUSIVE` lock: nobody can read or write the table
    /// for minutes or hours, and the disk needs room for a second copy.
    ///
    /// `REINDEX` rebuilds each index from scratch holding a `SHARE` lock on the table (writes
    /// wait) and an `ACCESS EXCLUSIVE` lock on the index being rebuilt; since the planner
    /// locks every index of a table it plans a query for, nearly every query on the table
    /// waits too.
    ///
    /// ## Lock taken
    /// - `VACUUM FULL`, `CLUSTER`: `ACCESS EXCLUSIVE` on the table (blocks reads and writes)
    ///   for the whole rewrite.
    /// - `REINDEX`: `SHARE` on the table (blocks writes) and `ACCESS EXCLUSIVE` on each index
    ///   while it is rebuilt (blocks the queries that plan with it).
    /// - `REINDEX ... CONCURRENTLY`: `SHARE UPDATE EXCLUSIVE` (blocks only other schema
    ///   changes).
    ///
    /// ## Engines and versions
    /// PostgreSQL. `REINDEX CONCURRENTLY` exists from PostgreSQL 12 on; before, build a new
    /// index with `CREATE INDEX CONCURRENTLY`, drop the old one with `DROP INDEX
    /// CONCURRENTLY` and rename the new one.
    ///
    /// ## Example
    /// ```sql
    /// REINDEX TABLE orders;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// REINDEX TABLE CONCURRENTLY orders;
    /// ```
    /// in a migration of its own (it cannot run in a transaction). For `VACUUM FULL` and
    /// `CLUSTER`, do not compact tables from a migration: `pg_repack` (or `pg_squeeze`)
    /// rewrites a table, in index order if asked, without blocking it; a plain `VACUUM`
    /// makes dead rows' space reusable without any blocking lock.
    pub struct TableRewriteMaintenance {
        id: "table-rewrite-maintenance",
        severity: Error,
        engines: [Postgres],
        summary: "VACUUM FULL, CLUSTER or REINDEX without CONCURRENTLY blocks the table while it rebuilds",
    }
}

impl Rule for TableRewriteMaintenance {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        let repack = "do not compact tables from a migration: use pg_repack or pg_squeeze, \
                      which rewrite online, or a plain VACUUM, which blocks nobody";
        for statement in &up.statements {
            // The PostgreSQL extractor reports VACUUM FULL and CLUSTER as an
            // `AlterTableOther` per table (or an `Other` for every table); the statement's
            // first word tells them from real ALTER TABLE sub-commands such as
            // `CLUSTER ON`.
            let words = leading_words_in(&statement.statement.sql, Dialect::Postgres, 1);
            let command = words.first().map(String::as_str).unwrap_or_default();
            for action in &statement.actions {
                let offset = action.action.offset;
                match (&action.action.op, command) {
                    (Op::AlterTableOther { table, .. }, "VACUUM") if action.table_existed => {
                        report.at(
                            up,
                            statement,
                            offset,
                            format!(
                                "VACUUM FULL rewrites every row of {table} under an ACCESS \
                                 EXCLUSIVE lock: reads and writes of {table} wait until the \
                                 rewrite ends"
                            ),
                            repack,
                        );
                    }
                    (Op::Other { description }, "VACUUM")
                        if description.to_ascii_uppercase().starts_with("VACUUM FULL") =>
                    {
                        report.at(
                            up,
                            statement,
                            offset,
                            "VACUUM FULL without a table rewrites every table of the database, \
                             each under an ACCESS EXCLUSIVE lock: reads and writes of each wait \
                             until it is rewritten",
                            repack,
                        );
                    }
                    (Op::AlterTableOther { table, .. }, "CLUSTER") if action.table_existed => {
                        report.at(
                            up,
                            statement,
                            offset,
                            format!(
                                "CLUSTER rewrites every row of {table} in index order under an \
                                 ACCESS EXCLUSIVE lock: reads and writes of {table} wait until \
                                 the rewrite ends"
                            ),
                            "do not re-order tables from a migration: pg_repack --order-by \
                             does it online",
                        );
                    }
                    (Op::Other { .. }, "CLUSTER") => {
                        report.at(
                            up,
                            statement,
                            offset,
                            "CLUSTER without a table rewrites every table clustered before, \
                             each under an ACCESS EXCLUSIVE lock: reads and writes of each wait \
                             until it is rewritten",
                            "do not re-order tables from a migration: pg_repack --order-by \
                             does it online",
                        );
                    }
                    (
                        Op::Reindex {
                            target,
                            concurrently: false,
                        },
                        _,
                    ) => {
                        if let Some(message) = reindex(cx, &statement.statement.sql, target) {
                            let help = if cx.version.postgres >= 120_000 {
                                "use REINDEX ... CONCURRENTLY, in a migration of its own"
                            } else {
                                "before PostgreSQL 12 there is no REINDEX CONCURRENTLY: CREATE \
                                 INDEX CONCURRENTLY a copy, DROP INDEX CONCURRENTLY the old \
                                 index, then rename the copy"
                            };
                            report.at(up, statement, offset, message, help);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The message for a `REINDEX` of `target`, or `None` when it only touches a table created
/// in this migration. The model does not say what kind of object `target` is: the
/// statement's words do (`REINDEX [(options)] INDEX|TABLE|SCHEMA|DATABASE|SYSTEM ...`).
fn reindex(cx: &Context<'_>, sql: &str, target: &Name) -> Option<String> {
    let words = leading_words_in(sql, Dialect::Postgres, 12);
    let kind = words
        .iter()
        .skip(1)
        .find(|w| matches!(w.as_str(), "INDEX" | "TABLE" | "SCHEMA" | "DATABASE" | "SYSTEM"))
        .map(String::as_str);
    let (table, what) = match kind {
        Some("INDEX") => (index_table(cx, target), format!("index {target}")),
        Some("TABLE") => (Some(target.clone()), format!("every index of {target}")),
        Some(other) => {
            let scope = match other {
                "SYSTEM" => "the system catalogs".to_string(),
                // The extractor names an omitted database "(current database)".
                _ if target.name.is_empty() || target.name.starts_with('(') => {
                    "the current database".to_string()
                }
                _ => format!("{} {target}", other.to_ascii_lowercase()),
            };
            return Some(format!(
                "REINDEX {other} rebuilds every index of {scope}, each holding a SHARE lock \
                 on its table (writes wait) and an ACCESS EXCLUSIVE lock on the index (nearly \
                 every query on that table waits too)"
            ));
        }
        None => (None, format!("{target}")),
    };
    if table.as_ref().is_some_and(|t| created_by_migration(cx, t)) {
        return None;
    }
    let on = table
        .map(|t| t.to_string())
        .unwrap_or_else(|| "its table".to_string());
    Some(format!(
        "REINDEX rebuilds {what} holding a SHARE lock on {on}, so writes wait, and an ACCESS \
         EXCLUSIVE lock on each index it rebuilds, so nearly every query on {on} waits too \
         (the planner locks all of a table's indexes)"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::pg_locks::test_support::lint_pg;

    const RULE: &str = "table-rewrite-maintenance";

    #[test]
    fn whole_database_and_schema_maintenance_is_reported() {
        for sql in [
            "CLUSTER;",
            "VACUUM FULL;",
            "REINDEX SCHEMA public;",
            "REINDEX DATABASE;",
            "REINDEX SYSTEM;",
        ] {
            assert_eq!(lint_pg(RULE, &[sql], 140_000).len(), 1, "{sql}");
        }
        for sql in [
            "VACUUM;",
            "VACUUM ANALYZE orders;",
            "REINDEX SCHEMA CONCURRENTLY public;",
        ] {
            assert!(lint_pg(RULE, &[sql], 140_000).is_empty(), "{sql}");
        }
    }

    #[test]
    fn before_postgres_12_the_help_rebuilds_by_hand() {
        let findings = lint_pg(RULE, &["REINDEX INDEX orders_status_idx;"], 110_000);
        assert_eq!(findings.len(), 1);
        let help = findings[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("before PostgreSQL 12"), "{help}");
    }
}
