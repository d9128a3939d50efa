//! What a statement does, as far as the runner needs to know: DDL or DML, transaction
//! control, and whether it may run inside a transaction.
//!
//! This is the lexical first cut (leading keywords, comments and quotes skipped). The
//! statement facts of the analysis layer refine it; an unrecognised statement is
//! [`StatementKind::Unknown`], never assumed harmless.

use serde::Serialize;

use super::{Dialect, Statement};

/// The broad class of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// Changes the schema: CREATE, ALTER, DROP, RENAME, COMMENT, GRANT...
    Ddl,
    /// Changes data: INSERT, UPDATE, DELETE, MERGE, COPY, TRUNCATE counts as DDL-like data loss
    /// but is classified here as DML because it changes rows, not the schema.
    Dml,
    /// Reads only: SELECT, WITH ... SELECT, EXPLAIN, SHOW.
    Query,
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT...
    TransactionControl,
    /// SET, RESET, PRAGMA, USE: session settings.
    Session,
    /// Anything ratchet does not recognise. Treated as unsafe everywhere.
    Unknown,
}

/// A migration's kind, from its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationKind {
    /// Only schema changes.
    Schema,
    /// Only data changes.
    Data,
    /// Both, or something ratchet cannot classify.
    Mixed,
}

impl MigrationKind {
    /// The value stored in the ledger's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationKind::Schema => "schema",
            MigrationKind::Data => "data",
            MigrationKind::Mixed => "mixed",
        }
    }
}

/// Transaction-control statements a migration file may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionControl {
    /// BEGIN, START TRANSACTION.
    Begin,
    /// COMMIT, END.
    Commit,
    /// ROLLBACK (not ROLLBACK TO SAVEPOINT).
    Rollback,
    /// SAVEPOINT, RELEASE, ROLLBACK TO.
    Savepoint,
}

/// The statement's broad class.
pub fn statement_kind(statement: &Statement, dialect: Dialect) -> StatementKind {
    let _ = dialect;
    let words = leading_words(&statement.sql, 2);
    match words.first().map(String::as_str) {
        Some(
            "CREATE" | "ALTER" | "DROP" | "RENAME" | "COMMENT" | "GRANT" | "REVOKE" | "REINDEX"
            | "CLUSTER" | "VACUUM" | "ANALYZE" | "REFRESH",
        ) => StatementKind::Ddl,
        Some("INSERT" | "UPDATE" | "DELETE" | "MERGE" | "COPY" | "TRUNCATE" | "REPLACE") => {
            StatementKind::Dml
        }
        Some("SELECT" | "WITH" | "EXPLAIN" | "SHOW" | "VALUES" | "TABLE") => StatementKind::Query,
        Some("BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT" | "RELEASE") => {
            StatementKind::TransactionControl
        }
        Some("SET" | "RESET" | "PRAGMA" | "USE") => StatementKind::Session,
        _ => StatementKind::Unknown,
    }
}

/// If the statement is transaction control, which kind.
pub fn transaction_control(statement: &Statement) -> Option<TransactionControl> {
    let words = leading_words(&statement.sql, 2);
    let second = words.get(1).map(String::as_str);
    match words.first().map(String::as_str)? {
        "BEGIN" => Some(TransactionControl::Begin),
        "START" if second == Some("TRANSACTION") => Some(TransactionControl::Begin),
        "COMMIT" | "END" => Some(TransactionControl::Commit),
        "ROLLBACK" if second == Some("TO") => Some(TransactionControl::Savepoint),
        "ROLLBACK" => Some(TransactionControl::Rollback),
        "SAVEPOINT" | "RELEASE" => Some(TransactionControl::Savepoint),
        _ => None,
    }
}

/// Why the statement cannot run inside a transaction block, if it cannot.
pub fn no_transaction_reason(statement: &Statement, dialect: Dialect) -> Option<&'static str> {
    let words = leading_words(&statement.sql, 4);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match (dialect, w.as_slice()) {
        (Dialect::Postgres, ["CREATE", "INDEX", "CONCURRENTLY", ..])
        | (Dialect::Postgres, ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"]) => {
            Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
        }
        (Dialect::Postgres, ["DROP", "INDEX", "CONCURRENTLY", ..]) => {
            Some("DROP INDEX CONCURRENTLY cannot run inside a transaction block")
        }
        (Dialect::Postgres, ["REINDEX", ..]) if words.iter().any(|w| w == "CONCURRENTLY") => {
            Some("REINDEX CONCURRENTLY cannot run inside a transaction block")
        }
        (Dialect::Postgres | Dialect::Sqlite, ["VACUUM", ..]) => {
            Some("VACUUM cannot run inside a transaction block")
        }
        (Dialect::Postgres, ["CREATE", "DATABASE", ..] | ["DROP", "DATABASE", ..]) => {
            Some("CREATE/DROP DATABASE cannot run inside a transaction block")
        }
        (Dialect::Postgres, ["ALTER", "SYSTEM", ..]) => {
            Some("ALTER SYSTEM cannot run inside a transaction block")
        }
        _ => None,
    }
}

/// The kind of a migration made of these statements.
pub fn migration_kind(statements: &[Statement], dialect: Dialect) -> MigrationKind {
    let (mut schema, mut data, mut unknown) = (false, false, false);
    for statement in statements {
        match statement_kind(statement, dialect) {
            StatementKind::Ddl => schema = true,
            StatementKind::Dml => data = true,
            StatementKind::Unknown => unknown = true,
            StatementKind::Query | StatementKind::TransactionControl | StatementKind::Session => {}
        }
    }
    match (schema, data, unknown) {
        (_, _, true) | (true, true, _) => MigrationKind::Mixed,
        (false, true, false) => MigrationKind::Data,
        _ => MigrationKind::Schema,
    }
}

/// The first `n` words of a statement, upper-cased, skipping comments.
pub fn leading_words(sql: &str, n: usize) -> Vec<String> {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Whether the statement is `ALTER TYPE ... ADD VALUE` (PostgreSQL enums), which cannot run
/// in a transaction before PostgreSQL 12.
pub fn is_enum_add_value(statement: &Statement) -> bool {
    let words = leading_words(&statement.sql, 64);
    words.len() >= 4
        && words[0] == "ALTER"
        && words[1] == "TYPE"
        && words.windows(2).any(|w| w[0] == "ADD" && w[1] == "VALUE")
}
