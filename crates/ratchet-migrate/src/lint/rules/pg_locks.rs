//! What the PostgreSQL lock rules share: which table an index belongs to, whether a table
//! is new in the migration, how ratchet groups a script's statements into transactions,
//! and what a lock mode blocks.

use crate::lint::Context;
use crate::sql::analysis::{AnalyzedScript, ConstraintInfo, Schema};
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::facts::{ColumnDef, ConstraintKind, Generated, Name, Op, PgLock, ServerVersion};

/// What the holder of `mode` on a table makes others wait for, for messages.
pub(super) fn blocks(mode: PgLock) -> &'static str {
    match mode {
        PgLock::AccessExclusive => "reads and writes",
        PgLock::Share | PgLock::ShareRowExclusive | PgLock::Exclusive => "writes",
        _ => "other schema changes",
    }
}

/// A PostgreSQL `server_version_num` as people write it: 140000 is "14", 90600 is "9.6".
pub(super) fn pg_version_name(version: u32) -> String {
    if version >= 100_000 {
        (version / 10_000).to_string()
    } else {
        format!("{}.{}", version / 10_000, version / 100 % 100)
    }
}

/// Whether a new column numbers its rows itself (`serial`, `bigserial`, `smallserial`,
/// `GENERATED ... AS IDENTITY`): every existing row gets a value when it is added.
pub(super) fn serial_or_identity(column: &ColumnDef) -> bool {
    matches!(
        column.generated,
        Some(Generated::Serial | Generated::Identity)
    ) || matches!(
        column.data_type.name.as_str(),
        "serial" | "bigserial" | "smallserial"
    )
}

/// Whether the migration being linted created `table` (it is new, empty and unused: the
/// lock rules stay quiet about it). A table ratchet does not know at all is taken to exist.
pub(super) fn created_by_migration(cx: &Context<'_>, table: &Name) -> bool {
    cx.catalog.table(table).is_none()
        && cx.migration.up.actions().any(|(_, a)| {
            matches!(&a.action.op, Op::CreateTable { table: t, .. } if t.key() == table.key())
        })
}

/// The table an index is on, from the migrations before this one or this migration's own
/// `CREATE INDEX`; `None` when ratchet never saw the index created.
pub(super) fn index_table(cx: &Context<'_>, index: &Name) -> Option<Name> {
    let named = |n: Option<&str>| n.is_some_and(|n| n.eq_ignore_ascii_case(&index.name));
    for table in cx.catalog.tables() {
        // A UNIQUE or PRIMARY KEY constraint's index carries the constraint's name.
        let by_constraint = table.constraints.iter().any(|c| {
            matches!(
                c.kind,
                ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. }
            ) && named(c.name.as_deref())
        });
        if by_constraint || table.indexes.iter().any(|i| named(i.name.as_deref())) {
            return Some(table.name.clone());
        }
    }
    cx.migration
        .up
        .actions()
        .find_map(|(_, a)| match &a.action.op {
            Op::CreateIndex(def) if named(def.name.as_ref().map(|n| n.name.as_str())) => {
                Some(def.table.clone())
            }
            _ => None,
        })
}

/// How ratchet runs a script's statements on PostgreSQL (mirroring the runner's plan): all
/// in one transaction, or, when one of them cannot run in a transaction or the file says
/// `-- ratchet:no-transaction`, one by one, each committing on its own except those the
/// file itself groups between `BEGIN` and `COMMIT`.
pub(super) struct Transactions {
    /// Per statement, the transaction it runs in (equal ids commit together); `None` for
    /// transaction control itself.
    group: Vec<Option<usize>>,
    /// Per statement, whether it sits inside the file's own `BEGIN` ... `COMMIT`.
    explicit: Vec<bool>,
}

impl Transactions {
    /// The layout of `script` on a server of `version`.
    pub fn of(script: &AnalyzedScript, version: &ServerVersion) -> Transactions {
        let forced_out = script.statements.iter().any(|s| {
            s.facts.no_transaction.is_some()
                || (version.postgres < 120_000 && classify::is_enum_add_value(&s.statement))
        });
        let whole_file = !script.directives.no_transaction && !forced_out;
        let mut group = Vec::with_capacity(script.statements.len());
        let mut explicit = Vec::with_capacity(script.statements.len());
        let mut next = 0usize;
        let mut block: Option<usize> = None;
        for s in &script.statements {
            let control = classify::transaction_control(&s.statement);
            if whole_file {
                // A BEGIN/COMMIT around the whole file is absorbed into ratchet's own
                // transaction (any other one is refused when the plan is made).
                group.push(if control.is_some() { None } else { Some(0) });
                explicit.push(false);
                continue;
            }
            match control {
                Some(TransactionControl::Begin) => {
                    block = Some(next);
                    next += 1;
                    group.push(None);
                    explicit.push(false);
                }
                Some(TransactionControl::Commit | TransactionControl::Rollback) => {
                    block = None;
                    group.push(None);
                    explicit.push(false);
                }
                Some(TransactionControl::Savepoint) => {
                    group.push(None);
                    explicit.push(block.is_some());
                }
                None => {
                    let id = block.unwrap_or_else(|| {
                        next += 1;
                        next - 1
                    });
                    group.push(Some(id));
                    explicit.push(block.is_some());
                }
            }
        }
        Transactions { group, explicit }
    }

    /// Whether statements `a` and `b` (indexes into the script) commit together.
    pub fn same(&self, a: usize, b: usize) -> bool {
        matches!(
            (self.group.get(a), self.group.get(b)),
            (Some(Some(x)), Some(Some(y))) if x == y
        )
    }

    /// Whether statement `i` sits inside the file's own `BEGIN` ... `COMMIT` (of a file
    /// that ratchet runs statement by statement).
    pub fn in_explicit_block(&self, i: usize) -> bool {
        self.explicit.get(i).copied().unwrap_or(false)
    }
}

/// Whether a statement does work that a transaction would make atomic: a schema or data
/// change (or one ratchet cannot read), as opposed to a query, a session setting or
/// transaction control.
pub(super) fn transactional_work(kind: StatementKind) -> bool {
    matches!(
        kind,
        StatementKind::Ddl | StatementKind::Dml | StatementKind::Unknown
    )
}

/// Whether a CHECK expression is exactly `column IS NOT NULL` (quotes, case, spacing and
/// surrounding parentheses aside): the constraint that lets PostgreSQL 12+ set `NOT NULL`
/// without scanning the table.
pub(super) fn is_not_null_check(expr: &str, column: &str) -> bool {
    let unquoted: String = expr.chars().filter(|c| *c != '"').collect();
    let words = unquoted
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut text = words.as_str();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        text = inner.trim();
    }
    let column = column.to_lowercase();
    text == format!("{column} is not null")
}

/// Whether `constraints` hold a validated `CHECK (column IS NOT NULL)`.
pub(super) fn has_validated_not_null_check(constraints: &[ConstraintInfo], column: &str) -> bool {
    constraints.iter().any(|c| {
        c.validated
            && matches!(&c.kind, ConstraintKind::Check(e) if is_not_null_check(&e.text, column))
    })
}

#[cfg(test)]
pub(super) mod test_support {
    use std::path::PathBuf;

    use crate::lint::{Finding, lint_scripts};
    use crate::source::Script;
    use crate::sql::Dialect;

    /// Lints `files` as loose PostgreSQL files (`1.sql`, `2.sql`...: each sees the tables
    /// the earlier ones created) with `rule` alone, judging for PostgreSQL `version`
    /// (`server_version_num`), and returns that rule's findings.
    pub(crate) fn lint_pg(rule: &str, files: &[&str], version: u32) -> Vec<Finding> {
        let mut options = super::super::testing::only(rule, Dialect::Postgres);
        options.version.postgres = version;
        let scripts: Vec<Script> = files
            .iter()
            .enumerate()
            .map(|(i, sql)| {
                let path = PathBuf::from(format!("{}.sql", i + 1));
                Script::parse(&path, sql, 1, Dialect::Postgres).expect("test SQL loads")
            })
            .collect();
        lint_scripts(&scripts, &options)
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(sql: &str, no_transaction_directive: bool) -> Transactions {
        use crate::sql::Dialect;
        use crate::sql::analysis::Analyzer;
        let text = if no_transaction_directive {
            format!("-- ratchet:no-transaction\n{sql}")
        } else {
            sql.to_string()
        };
        let script = crate::source::Script::parse(
            std::path::Path::new("t.sql"),
            &text,
            1,
            Dialect::Postgres,
        )
        .expect("test SQL loads");
        let analyzer = Analyzer::new(Dialect::Postgres, ServerVersion::default());
        Transactions::of(&analyzer.analyze_script(&script), &ServerVersion::default())
    }

    #[test]
    fn a_file_runs_in_one_transaction_unless_a_statement_cannot() {
        let t = layout(
            "ALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;",
            false,
        );
        assert!(t.same(0, 1));
        let t = layout(
            "BEGIN;\nALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;\nCOMMIT;",
            false,
        );
        assert!(t.same(1, 2) && !t.in_explicit_block(1));
        let t = layout("ALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;", true);
        assert!(!t.same(0, 1));
        let t = layout(
            "BEGIN;\nALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;\nCOMMIT;\n\
             CREATE INDEX CONCURRENTLY i ON t (c);\nUPDATE t SET c = 2;",
            false,
        );
        assert!(t.same(1, 2) && t.in_explicit_block(1) && t.in_explicit_block(2));
        assert!(!t.same(2, 4) && !t.same(4, 5) && !t.in_explicit_block(4));
        assert!(!t.same(0, 0), "transaction control belongs to no group");
    }

    #[test]
    fn versions_read_as_people_write_them() {
        assert_eq!(pg_version_name(140_005), "14");
        assert_eq!(pg_version_name(110_000), "11");
        assert_eq!(pg_version_name(90_624), "9.6");
    }

    #[test]
    fn not_null_checks_are_recognised_as_written() {
        assert!(is_not_null_check("view_count IS NOT NULL", "view_count"));
        assert!(is_not_null_check(
            "(\"view_count\"  is not null)",
            "view_count"
        ));
        assert!(is_not_null_check(
            "((View_Count IS NOT NULL))",
            "view_count"
        ));
        assert!(!is_not_null_check("view_count IS NULL", "view_count"));
        assert!(!is_not_null_check("other IS NOT NULL", "view_count"));
        assert!(!is_not_null_check(
            "view_count IS NOT NULL AND other IS NOT NULL",
            "view_count"
        ));
    }
}
