//! What a statement does, as far as the runner needs to know: DDL or DML, transaction
//! control, and whether it may run inside a transaction.
//!
//! This is the lexical first cut: it reads a statement's words with the splitter's lexer
//! (comments skipped, strings and quoted names never mistaken for keywords). The statement
//! facts of the analysis layer refine it; an unrecognised statement is
//! [`StatementKind::Unknown`], never assumed harmless.

use std::iter::Peekable;

use serde::Serialize;

use super::lexer::{Rules, Significant, Token, TokenKind};
use super::{Dialect, Statement};

/// The broad class of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// Changes the schema: CREATE, ALTER, DROP, RENAME, COMMENT, GRANT... Also maintenance
    /// (VACUUM, ANALYZE, OPTIMIZE TABLE, REINDEX) and PostgreSQL's `SELECT ... INTO`, which
    /// creates a table.
    Ddl,
    /// Changes data: INSERT, UPDATE, DELETE, MERGE, COPY, TRUNCATE counts as DDL-like data loss
    /// but is classified here as DML because it changes rows, not the schema. A `WITH` whose
    /// CTEs change rows is DML too.
    Dml,
    /// Reads only: SELECT, WITH ... SELECT, EXPLAIN, SHOW.
    Query,
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT...
    TransactionControl,
    /// SET, RESET, PRAGMA, USE, LOCK/UNLOCK TABLES: session settings and locks.
    Session,
    /// Anything ratchet does not recognise, and what can do anything (PostgreSQL `DO`,
    /// `CALL`, `EXECUTE`, MariaDB `BEGIN NOT ATOMIC`). Treated as unsafe everywhere.
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
    /// ROLLBACK, ABORT (not ROLLBACK TO SAVEPOINT).
    Rollback,
    /// SAVEPOINT, RELEASE, ROLLBACK TO.
    Savepoint,
}

type Tokens<'a> = Peekable<Significant<'a>>;

fn tokens(sql: &str, dialect: Dialect) -> Tokens<'_> {
    Significant::new(sql, Rules::of(dialect), true).peekable()
}

/// The next token, upper-cased, if it is a word; not consumed.
fn peek_word(tokens: &mut Tokens<'_>) -> Option<String> {
    tokens
        .peek()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.to_ascii_uppercase())
}

fn peek_is(tokens: &mut Tokens<'_>, keywords: &[&str]) -> bool {
    tokens
        .peek()
        .is_some_and(|t| keywords.iter().any(|k| t.is_word(k)))
}

/// The statement's broad class.
pub fn statement_kind(statement: &Statement, dialect: Dialect) -> StatementKind {
    let mut tokens = tokens(&statement.sql, dialect);
    // `(SELECT ...) UNION (SELECT ...)`
    while tokens.next_if(|t| t.is_punct(b'(')).is_some() {}
    match tokens.next() {
        Some(t) if t.kind == TokenKind::Word => {
            kind_from(&t.text.to_ascii_uppercase(), &mut tokens, dialect)
        }
        _ => StatementKind::Unknown,
    }
}

/// The class of a statement whose first word is `first` (upper-case), `tokens` following.
fn kind_from(first: &str, tokens: &mut Tokens<'_>, dialect: Dialect) -> StatementKind {
    use StatementKind::*;
    match first {
        "CREATE" | "ALTER" | "DROP" | "RENAME" | "COMMENT" | "GRANT" | "REVOKE" | "REINDEX"
        | "CLUSTER" | "VACUUM" | "REFRESH" | "SECURITY" | "IMPORT" | "REASSIGN" | "OPTIMIZE"
        | "REPAIR" => Ddl,
        "ANALYZE" | "ANALYSE" => {
            // MariaDB's `ANALYZE SELECT|UPDATE|...` runs the statement and reports on it;
            // everywhere else ANALYZE collects statistics.
            if dialect == Dialect::Mysql {
                if tokens.next_if(|t| t.is_word("FORMAT")).is_some() {
                    tokens.next_if(|t| t.is_punct(b'='));
                    tokens.next_if(|t| t.kind == TokenKind::Word);
                }
                if let Some(verb) = peek_word(tokens).filter(|w| {
                    matches!(
                        w.as_str(),
                        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "WITH" | "VALUES"
                    )
                }) {
                    tokens.next();
                    return kind_from(&verb, tokens, dialect);
                }
            }
            Ddl
        }
        "EXPLAIN" | "DESCRIBE" | "DESC" => explain(tokens, dialect),
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "COPY" | "TRUNCATE" | "REPLACE" => Dml,
        // MySQL `LOAD DATA|XML`; PostgreSQL `LOAD 'library'` loads code.
        "LOAD" if dialect == Dialect::Mysql && peek_is(tokens, &["DATA", "XML"]) => Dml,
        "SELECT" => select(tokens, dialect, false),
        "WITH" => select(tokens, dialect, true),
        "VALUES" | "TABLE" | "SHOW" => Query,
        "CHECK" | "CHECKSUM" if dialect == Dialect::Mysql => Query,
        // MariaDB `BEGIN NOT ATOMIC ... END` is a block that can do anything.
        "BEGIN" if peek_is(tokens, &["NOT", "ATOMIC"]) => Unknown,
        "START" if !peek_is(tokens, &["TRANSACTION"]) => Unknown,
        // Two-phase commit: not something a migration's transaction handling can reason about.
        "COMMIT" | "ROLLBACK" if peek_is(tokens, &["PREPARED"]) => Unknown,
        "BEGIN" | "START" | "COMMIT" | "ROLLBACK" | "END" | "ABORT" | "SAVEPOINT" | "RELEASE" => {
            TransactionControl
        }
        "PREPARE" if peek_is(tokens, &["TRANSACTION"]) => Unknown,
        "SET" | "RESET" | "PRAGMA" | "USE" | "LOCK" | "UNLOCK" | "DISCARD" | "PREPARE"
        | "DEALLOCATE" | "ATTACH" | "DETACH" => Session,
        // DO, CALL, EXECUTE run code ratchet cannot see.
        _ => Unknown,
    }
}

/// EXPLAIN, DESCRIBE: a query, unless ANALYZE makes it run the statement it explains.
fn explain(tokens: &mut Tokens<'_>, dialect: Dialect) -> StatementKind {
    let mut analyze = false;
    while let Some(t) = tokens.next() {
        if t.is_punct(b'(') {
            // PostgreSQL's option list: `EXPLAIN (ANALYZE, BUFFERS) ...`.
            let mut depth = 1u32;
            while depth > 0 {
                let Some(t) = tokens.next() else {
                    return StatementKind::Query;
                };
                if t.is_punct(b'(') {
                    depth += 1;
                } else if t.is_punct(b')') {
                    depth -= 1;
                } else if t.is_word("ANALYZE") || t.is_word("ANALYSE") {
                    analyze = true;
                }
            }
            continue;
        }
        if t.kind != TokenKind::Word {
            continue;
        }
        let word = t.text.to_ascii_uppercase();
        match word.as_str() {
            "ANALYZE" | "ANALYSE" => analyze = true,
            "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "WITH" | "VALUES" | "TABLE"
            | "CREATE" | "EXECUTE" | "DECLARE" | "REPLACE" => {
                return if analyze {
                    kind_from(&word, tokens, dialect)
                } else {
                    StatementKind::Query
                };
            }
            _ => {}
        }
    }
    StatementKind::Query
}

/// SELECT and WITH: a query, unless a CTE changes rows or a top-level INTO writes somewhere.
fn select(tokens: &mut Tokens<'_>, dialect: Dialect, with: bool) -> StatementKind {
    let mut depth = 0u32;
    let mut prev: Option<Token<'_>> = None;
    let mut into: Option<Option<String>> = None;
    while let Some(t) = tokens.next() {
        if t.is_punct(b'(') {
            depth += 1;
        } else if t.is_punct(b')') {
            depth = depth.saturating_sub(1);
        } else if t.kind == TokenKind::Word && !prev.is_some_and(|p| p.is_punct(b'.')) {
            let changes_rows = ["INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE"]
                .iter()
                .any(|k| t.is_word(k));
            // Not `FOR [NO KEY] UPDATE` (a lock) nor `replace(...)`, `insert(...)` (functions).
            let lock = prev.is_some_and(|p| p.is_word("FOR") || p.is_word("KEY"));
            if with && changes_rows && !lock && !tokens.peek().is_some_and(|n| n.is_punct(b'(')) {
                return StatementKind::Dml;
            }
            if depth == 0 && into.is_none() && t.is_word("INTO") {
                into = Some(peek_word(tokens));
            }
        }
        prev = Some(t);
    }
    match (into, dialect) {
        (None, _) | (Some(_), Dialect::Sqlite) => StatementKind::Query,
        // PostgreSQL `SELECT ... INTO t` creates table t.
        (Some(_), Dialect::Postgres) => StatementKind::Ddl,
        // MySQL writes a file on the server, or sets user variables.
        (Some(target), Dialect::Mysql) => match target.as_deref() {
            Some("OUTFILE" | "DUMPFILE") => StatementKind::Unknown,
            _ => StatementKind::Session,
        },
    }
}

/// If the statement is transaction control, which kind.
pub fn transaction_control(statement: &Statement) -> Option<TransactionControl> {
    let words = leading_words(&statement.sql, 3);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["BEGIN", "NOT" | "ATOMIC", ..] | ["COMMIT" | "ROLLBACK", "PREPARED", ..] => None,
        ["BEGIN", ..] | ["START", "TRANSACTION", ..] => Some(TransactionControl::Begin),
        ["COMMIT" | "END", ..] => Some(TransactionControl::Commit),
        ["ROLLBACK", "TO", ..] | ["ROLLBACK", "WORK" | "TRANSACTION", "TO", ..] => {
            Some(TransactionControl::Savepoint)
        }
        ["ROLLBACK" | "ABORT", ..] => Some(TransactionControl::Rollback),
        ["SAVEPOINT" | "RELEASE", ..] => Some(TransactionControl::Savepoint),
        _ => None,
    }
}

/// The statement's shape for matching: words upper-cased, quoted names as `"`, and the
/// punctuation `(`, `)`, `=`; up to the first string or `n` items.
fn shape(sql: &str, dialect: Dialect, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for t in Significant::new(sql, Rules::of(dialect), true) {
        if out.len() >= n {
            break;
        }
        match t.kind {
            TokenKind::Word => out.push(t.text.to_ascii_uppercase()),
            TokenKind::QuotedIdent => out.push("\"".to_owned()),
            TokenKind::Punct if matches!(t.text, "(" | ")" | "=") => out.push(t.text.to_owned()),
            TokenKind::String | TokenKind::DollarString | TokenKind::ExecComment => break,
            _ => {}
        }
    }
    out
}

/// Why the statement cannot run inside a transaction block, if it cannot (or, for SQLite's
/// `PRAGMA foreign_keys`, would silently do nothing there).
///
/// PostgreSQL's `ALTER TYPE ... ADD VALUE` is not listed: it may run in a transaction from
/// PostgreSQL 12 on, so the runner decides by server version; see [`is_enum_add_value`].
/// MySQL has no transactional DDL, so nothing is listed for it.
pub fn no_transaction_reason(statement: &Statement, dialect: Dialect) -> Option<&'static str> {
    let words = shape(&statement.sql, dialect, 16);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let has = |word: &str| w.contains(&word);
    match dialect {
        Dialect::Postgres => match w.as_slice() {
            ["CREATE", "INDEX", "CONCURRENTLY", ..]
            | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => {
                Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
            }
            ["DROP", "INDEX", "CONCURRENTLY", ..] => {
                Some("DROP INDEX CONCURRENTLY cannot run inside a transaction block")
            }
            ["REINDEX", rest @ ..] => reindex_reason(rest),
            ["VACUUM", ..] => Some("VACUUM cannot run inside a transaction block"),
            ["CREATE" | "DROP", "DATABASE", ..] => {
                Some("CREATE/DROP DATABASE cannot run inside a transaction block")
            }
            ["ALTER", "SYSTEM", ..] => Some("ALTER SYSTEM cannot run inside a transaction block"),
            ["CREATE" | "DROP", "TABLESPACE", ..] => {
                Some("CREATE/DROP TABLESPACE cannot run inside a transaction block")
            }
            ["ALTER", "DATABASE", ..] if w.windows(2).any(|p| p == ["SET", "TABLESPACE"]) => {
                Some("ALTER DATABASE ... SET TABLESPACE cannot run inside a transaction block")
            }
            ["CREATE" | "DROP", "SUBSCRIPTION", ..] => Some(
                "CREATE/DROP SUBSCRIPTION cannot run inside a transaction block when it \
                 creates or drops a replication slot",
            ),
            ["ALTER", "SUBSCRIPTION", ..] if has("REFRESH") || has("PUBLICATION") => Some(
                "ALTER SUBSCRIPTION ... REFRESH PUBLICATION (or a publication change that \
                 refreshes) cannot run inside a transaction block",
            ),
            ["ALTER", "TABLE", ..] if has("DETACH") && has("CONCURRENTLY") => Some(
                "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY cannot run inside a \
                 transaction block",
            ),
            ["CLUSTER", rest @ ..]
                if rest
                    .iter()
                    .all(|w| matches!(*w, "VERBOSE" | "(" | ")" | "TRUE" | "FALSE" | "ON")) =>
            {
                Some("CLUSTER without a table name cannot run inside a transaction block")
            }
            _ => None,
        },
        Dialect::Sqlite => match w.as_slice() {
            ["VACUUM", ..] => Some("VACUUM cannot run inside a transaction block"),
            ["PRAGMA", rest @ ..] => {
                // The name is the word before `=` or `(`: `PRAGMA main.journal_mode = WAL`.
                let set = rest.iter().position(|w| matches!(*w, "=" | "("))?;
                match *rest[..set].last()? {
                    "JOURNAL_MODE" => Some(
                        "PRAGMA journal_mode cannot change to or from WAL inside a transaction",
                    ),
                    "FOREIGN_KEYS" => Some(
                        "PRAGMA foreign_keys does nothing inside a transaction; it must run \
                         outside one to take effect",
                    ),
                    _ => None,
                }
            }
            _ => None,
        },
        Dialect::Mysql => None,
    }
}

/// REINDEX: CONCURRENTLY, or a whole schema, database or system.
fn reindex_reason(rest: &[&str]) -> Option<&'static str> {
    if rest.contains(&"CONCURRENTLY") {
        return Some("REINDEX CONCURRENTLY cannot run inside a transaction block");
    }
    // Skip the `( option, ... )` list to reach the object kind.
    let mut depth = 0u32;
    let object = rest.iter().find(|w| match **w {
        "(" => {
            depth += 1;
            false
        }
        ")" => {
            depth = depth.saturating_sub(1);
            false
        }
        _ => depth == 0,
    })?;
    matches!(*object, "SCHEMA" | "DATABASE" | "SYSTEM")
        .then_some("REINDEX SCHEMA/DATABASE/SYSTEM cannot run inside a transaction block")
}

/// Whether the statement is PostgreSQL's `ALTER TYPE name ADD VALUE ...`, which cannot run
/// inside a transaction block before PostgreSQL 12 (and from 12 on, the new value cannot be
/// used until the transaction commits). The runner decides by server version.
pub fn is_enum_add_value(statement: &Statement) -> bool {
    let mut t = Significant::new(&statement.sql, Rules::of(Dialect::Postgres), false).peekable();
    if !(t.next().is_some_and(|t| t.is_word("ALTER"))
        && t.next().is_some_and(|t| t.is_word("TYPE")))
    {
        return false;
    }
    // The type name: `name`, `"Name"`, `schema.name`.
    loop {
        if !t
            .next()
            .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        {
            return false;
        }
        if t.next_if(|t| t.is_punct(b'.')).is_none() {
            break;
        }
    }
    t.next().is_some_and(|t| t.is_word("ADD")) && t.next().is_some_and(|t| t.is_word("VALUE"))
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

/// The first `n` words of a statement, upper-cased. Comments are skipped, punctuation and
/// numbers are passed over, and a string, quoted identifier or dollar-quoted body ends the
/// list (so words inside them never count). The lexical rules are PostgreSQL's with MySQL
/// backticks; use [`leading_words_in`] when the dialect is known.
pub fn leading_words(sql: &str, n: usize) -> Vec<String> {
    words(Significant::new(sql, Rules::GENERIC, false), n)
}

/// [`leading_words`] with the lexical rules of `dialect`: MySQL `#` comments, `"` strings
/// and backslash escapes, SQLite `[name]`, and the inside of MySQL `/*! ... */` comments
/// read as words.
pub fn leading_words_in(sql: &str, dialect: Dialect, n: usize) -> Vec<String> {
    words(Significant::new(sql, Rules::of(dialect), true), n)
}

fn words(tokens: Significant<'_>, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    for t in tokens {
        match t.kind {
            TokenKind::Word => {
                out.push(t.text.to_ascii_uppercase());
                if out.len() >= n {
                    break;
                }
            }
            TokenKind::String
            | TokenKind::QuotedIdent
            | TokenKind::DollarString
            | TokenKind::ExecComment => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Dialect = Dialect::Postgres;
    const MY: Dialect = Dialect::Mysql;
    const LITE: Dialect = Dialect::Sqlite;

    fn stmt(sql: &str) -> Statement {
        Statement {
            sql: sql.to_owned(),
            line: 1,
            column: 1,
        }
    }

    fn kind(sql: &str, dialect: Dialect) -> StatementKind {
        statement_kind(&stmt(sql), dialect)
    }

    fn reason(sql: &str, dialect: Dialect) -> Option<&'static str> {
        no_transaction_reason(&stmt(sql), dialect)
    }

    fn tc(sql: &str) -> Option<TransactionControl> {
        transaction_control(&stmt(sql))
    }

    use StatementKind::{Ddl, Dml, Query, Session, Unknown};

    #[test]
    fn leading_words_skip_comments_and_stop_at_quotes() {
        assert_eq!(
            leading_words(
                "-- c\n/* a /* nested */ b */ create /* x */ unique\tindex",
                5
            ),
            ["CREATE", "UNIQUE", "INDEX"]
        );
        assert_eq!(
            leading_words("ALTER TABLE \"Users\" ADD x", 5),
            ["ALTER", "TABLE"]
        );
        assert_eq!(
            leading_words("ALTER TABLE `users` ADD x", 5),
            ["ALTER", "TABLE"]
        );
        assert_eq!(leading_words("SELECT 'a b' FROM t", 5), ["SELECT"]);
        assert_eq!(leading_words("DO $$ BEGIN END $$", 5), ["DO"]);
        assert_eq!(
            leading_words("SELECT 1, x.y FROM t", 5),
            ["SELECT", "X", "Y", "FROM", "T"]
        );
        assert_eq!(leading_words("a b c", 2), ["A", "B"]);
        assert!(leading_words("a b c", 0).is_empty());
        assert!(leading_words("", 3).is_empty());
        assert_eq!(leading_words("begin_log", 1), ["BEGIN_LOG"]);
    }

    #[test]
    fn leading_words_in_a_dialect() {
        assert_eq!(leading_words_in("# c\nSELECT \"x\" y", MY, 3), ["SELECT"]);
        assert_eq!(
            leading_words_in("/*!40101 SET NAMES utf8 */", MY, 3),
            ["SET", "NAMES", "UTF8"]
        );
        assert_eq!(leading_words_in("SELECT [a b] c", LITE, 3), ["SELECT"]);
        assert_eq!(
            leading_words_in("SELECT `a` c", PG, 3),
            ["SELECT", "A", "C"]
        );
    }

    #[test]
    fn ddl() {
        for d in [PG, MY, LITE] {
            for sql in [
                "CREATE TABLE t (id int)",
                "create table t as select * from u",
                "ALTER TABLE t ADD COLUMN c int",
                "DROP INDEX i",
                "/* c */ -- d\n CREATE INDEX i ON t (c)",
                "ANALYZE t",
                "REINDEX t",
            ] {
                assert_eq!(kind(sql, d), Ddl, "{sql} ({d})");
            }
        }
        assert_eq!(kind("COMMENT ON TABLE t IS 'x'", PG), Ddl);
        assert_eq!(kind("GRANT SELECT ON t TO r", PG), Ddl);
        assert_eq!(kind("VACUUM ANALYZE t", PG), Ddl);
        assert_eq!(kind("REFRESH MATERIALIZED VIEW v", PG), Ddl);
        assert_eq!(kind("OPTIMIZE TABLE t", MY), Ddl);
        assert_eq!(kind("ANALYZE TABLE t", MY), Ddl);
        assert_eq!(kind("RENAME TABLE a TO b", MY), Ddl);
        assert_eq!(
            kind(
                "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t */",
                MY
            ),
            Ddl
        );
    }

    #[test]
    fn select_into_creates_a_table_in_postgres() {
        assert_eq!(kind("SELECT * INTO new_t FROM t", PG), Ddl);
        assert_eq!(
            kind("WITH x AS (SELECT 1) SELECT * INTO TEMP y FROM x", PG),
            Ddl
        );
        assert_eq!(kind("SELECT (SELECT 1) AS a FROM t", PG), Query);
        assert_eq!(kind("SELECT 'INTO' FROM t", PG), Query);
        assert_eq!(kind("SELECT 1 INTO @x", MY), Session);
        assert_eq!(kind("SELECT * FROM t INTO OUTFILE '/tmp/x'", MY), Unknown);
        assert_eq!(kind("SELECT * INTO DUMPFILE '/tmp/x' FROM t", MY), Unknown);
    }

    #[test]
    fn dml() {
        for d in [PG, MY, LITE] {
            for sql in [
                "INSERT INTO t VALUES (1)",
                "update t set a = 1",
                "DELETE FROM t",
                "REPLACE INTO t VALUES (1)",
                "-- backfill\nUPDATE t SET a = b",
            ] {
                assert_eq!(kind(sql, d), Dml, "{sql} ({d})");
            }
        }
        assert_eq!(kind("TRUNCATE t", PG), Dml);
        assert_eq!(kind("COPY t FROM STDIN", PG), Dml);
        assert_eq!(
            kind(
                "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
                PG
            ),
            Dml
        );
        assert_eq!(kind("LOAD DATA INFILE 'x' INTO TABLE t", MY), Dml);
        assert_eq!(kind("LOAD 'auto_explain'", PG), Unknown);
    }

    #[test]
    fn with_is_dml_when_a_cte_changes_rows() {
        assert_eq!(
            kind(
                "WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved",
                PG
            ),
            Dml
        );
        assert_eq!(
            kind(
                "WITH x AS (UPDATE t SET a = 1 RETURNING id) SELECT * FROM x",
                PG
            ),
            Dml
        );
        assert_eq!(kind("WITH x AS (SELECT 1) UPDATE t SET a = 2", MY), Dml);
        assert_eq!(kind("WITH x AS (SELECT 1) DELETE FROM t", LITE), Dml);
        assert_eq!(
            kind("WITH RECURSIVE x AS (SELECT 1) SELECT * FROM x", PG),
            Query
        );
        assert_eq!(
            kind("WITH x AS (SELECT 1) SELECT * FROM x FOR UPDATE", PG),
            Query
        );
        assert_eq!(
            kind("WITH x AS (SELECT 1) SELECT * FROM x FOR NO KEY UPDATE", PG),
            Query
        );
        assert_eq!(
            kind(
                "WITH x AS (SELECT replace(a, 'b', 'c') FROM t) SELECT * FROM x",
                PG
            ),
            Query
        );
        assert_eq!(
            kind(
                "WITH x AS (SELECT t.update FROM t) SELECT 'delete' FROM x",
                PG
            ),
            Query
        );
    }

    #[test]
    fn queries() {
        for d in [PG, MY, LITE] {
            for sql in [
                "SELECT 1",
                "(SELECT 1) UNION (SELECT 2)",
                "EXPLAIN SELECT 1",
                "VALUES (1)",
            ] {
                assert_eq!(kind(sql, d), Query, "{sql} ({d})");
            }
        }
        assert_eq!(kind("SHOW TABLES", MY), Query);
        assert_eq!(kind("DESCRIBE t", MY), Query);
        assert_eq!(kind("TABLE t", PG), Query);
        assert_eq!(kind("EXPLAIN (ANALYZE, BUFFERS) SELECT 1", PG), Query);
        assert_eq!(kind("EXPLAIN QUERY PLAN DELETE FROM t", LITE), Query);
    }

    #[test]
    fn explain_analyze_runs_what_it_explains() {
        assert_eq!(kind("EXPLAIN ANALYZE UPDATE t SET a = 1", PG), Dml);
        assert_eq!(
            kind("EXPLAIN (ANALYZE true, FORMAT json) DELETE FROM t", PG),
            Dml
        );
        assert_eq!(kind("EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1", PG), Ddl);
        assert_eq!(kind("EXPLAIN UPDATE t SET a = 1", PG), Query);
        assert_eq!(kind("ANALYZE UPDATE t SET a = 1", MY), Dml);
        assert_eq!(kind("ANALYZE FORMAT=JSON SELECT 1", MY), Query);
    }

    #[test]
    fn code_that_can_do_anything_is_unknown() {
        assert_eq!(kind("DO $$ BEGIN UPDATE t SET a = 1; END $$", PG), Unknown);
        assert_eq!(kind("CALL p()", PG), Unknown);
        assert_eq!(kind("CALL p()", MY), Unknown);
        assert_eq!(kind("EXECUTE stmt", PG), Unknown);
        assert_eq!(kind("BEGIN NOT ATOMIC SELECT 1; END", MY), Unknown);
        assert_eq!(kind("lbl: BEGIN NOT ATOMIC SELECT 1; END lbl", MY), Unknown);
        assert_eq!(kind("FROBNICATE", PG), Unknown);
        assert_eq!(kind("", PG), Unknown);
        assert_eq!(kind("'string'", PG), Unknown);
        assert_eq!(kind("START SLAVE", MY), Unknown);
        assert_eq!(kind("COMMIT PREPARED 'x'", PG), Unknown);
        assert_eq!(kind("PREPARE TRANSACTION 'x'", PG), Unknown);
    }

    #[test]
    fn session_statements() {
        assert_eq!(kind("SET search_path = app", PG), Session);
        assert_eq!(kind("RESET ALL", PG), Session);
        assert_eq!(kind("LOCK TABLE t IN ACCESS EXCLUSIVE MODE", PG), Session);
        assert_eq!(kind("LOCK TABLES t WRITE", MY), Session);
        assert_eq!(kind("UNLOCK TABLES", MY), Session);
        assert_eq!(kind("USE app", MY), Session);
        assert_eq!(kind("/*!40101 SET NAMES utf8mb4 */", MY), Session);
        assert_eq!(kind("PRAGMA foreign_keys = OFF", LITE), Session);
        assert_eq!(kind("PREPARE p AS SELECT 1", PG), Session);
    }

    #[test]
    fn transaction_statements() {
        for (sql, expected) in [
            ("BEGIN", Some(TransactionControl::Begin)),
            (
                "begin transaction isolation level serializable",
                Some(TransactionControl::Begin),
            ),
            ("BEGIN IMMEDIATE", Some(TransactionControl::Begin)),
            (
                "START TRANSACTION READ ONLY",
                Some(TransactionControl::Begin),
            ),
            ("COMMIT", Some(TransactionControl::Commit)),
            ("END TRANSACTION", Some(TransactionControl::Commit)),
            ("ROLLBACK", Some(TransactionControl::Rollback)),
            ("ABORT", Some(TransactionControl::Rollback)),
            (
                "ROLLBACK TO SAVEPOINT a",
                Some(TransactionControl::Savepoint),
            ),
            ("ROLLBACK WORK TO a", Some(TransactionControl::Savepoint)),
            (
                "ROLLBACK TRANSACTION TO SAVEPOINT a",
                Some(TransactionControl::Savepoint),
            ),
            ("SAVEPOINT a", Some(TransactionControl::Savepoint)),
            ("RELEASE SAVEPOINT a", Some(TransactionControl::Savepoint)),
            ("BEGIN NOT ATOMIC SELECT 1; END", None),
            ("COMMIT PREPARED 'x'", None),
            ("ROLLBACK PREPARED 'x'", None),
            ("START SLAVE", None),
            ("SELECT 1", None),
            ("-- BEGIN\nSELECT 'BEGIN'", None),
        ] {
            assert_eq!(tc(sql), expected, "{sql}");
            let is_tc = [PG, MY, LITE]
                .iter()
                .all(|d| kind(sql, *d) == StatementKind::TransactionControl);
            assert_eq!(is_tc, expected.is_some(), "{sql}");
        }
    }

    #[test]
    fn statements_that_cannot_run_in_a_transaction() {
        for sql in [
            "CREATE INDEX CONCURRENTLY i ON t (c)",
            "create unique index concurrently if not exists i on t (c)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX TABLE CONCURRENTLY t",
            "REINDEX (VERBOSE, CONCURRENTLY) INDEX i",
            "REINDEX DATABASE app",
            "REINDEX (VERBOSE) SYSTEM app",
            "VACUUM",
            "VACUUM (ANALYZE) t",
            "CREATE DATABASE app",
            "DROP DATABASE app",
            "ALTER SYSTEM SET work_mem = '64MB'",
            "CREATE TABLESPACE s LOCATION '/x'",
            "ALTER DATABASE app SET TABLESPACE s",
            "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p",
            "ALTER SUBSCRIPTION s REFRESH PUBLICATION",
            "ALTER TABLE \"T\" DETACH PARTITION \"p\" CONCURRENTLY",
            "CLUSTER",
            "CLUSTER VERBOSE",
            "/* leading */ CREATE INDEX CONCURRENTLY i ON t (c)",
        ] {
            assert!(reason(sql, PG).is_some(), "{sql}");
        }
        for sql in [
            "CREATE INDEX i ON t (c)",
            "REINDEX TABLE t",
            "REINDEX INDEX i",
            "ALTER DATABASE app SET work_mem = '1MB'",
            "ALTER TABLE t DETACH PARTITION p",
            "CLUSTER t USING i",
            "ALTER TYPE mood ADD VALUE 'meh'",
            "SELECT 'CREATE INDEX CONCURRENTLY'",
        ] {
            assert_eq!(reason(sql, PG), None, "{sql}");
        }
        assert!(
            reason("CREATE INDEX CONCURRENTLY i ON t (c)", PG)
                .is_some_and(|r| r.contains("CREATE INDEX CONCURRENTLY"))
        );
        assert!(reason("VACUUM", LITE).is_some());
        assert!(reason("PRAGMA journal_mode = WAL", LITE).is_some());
        assert!(reason("PRAGMA main.journal_mode=delete", LITE).is_some());
        assert!(reason("PRAGMA foreign_keys = OFF", LITE).is_some_and(|r| r.contains("nothing")));
        assert_eq!(reason("PRAGMA journal_mode", LITE), None);
        assert_eq!(reason("PRAGMA user_version = 3", LITE), None);
        assert_eq!(reason("CREATE INDEX CONCURRENTLY i ON t (c)", MY), None);
        assert_eq!(reason("VACUUM", MY), None);
    }

    #[test]
    fn enum_add_value() {
        for sql in [
            "ALTER TYPE mood ADD VALUE 'meh'",
            "alter type public.mood add value if not exists 'meh' before 'ok'",
            "ALTER TYPE \"My Enum\" ADD VALUE 'x'",
            "ALTER TYPE \"s\".\"e\" ADD VALUE 'x'",
            "-- c\nALTER TYPE add ADD VALUE 'x'",
        ] {
            assert!(is_enum_add_value(&stmt(sql)), "{sql}");
        }
        for sql in [
            "ALTER TYPE mood RENAME VALUE 'a' TO 'b'",
            "ALTER TYPE mood ADD ATTRIBUTE a int",
            "ALTER TABLE t ADD VALUE int",
            "SELECT 'ALTER TYPE x ADD VALUE'",
            "ALTER TYPE",
        ] {
            assert!(!is_enum_add_value(&stmt(sql)), "{sql}");
        }
    }

    #[test]
    fn migration_kinds() {
        let schema = [
            stmt("CREATE TABLE t (id int)"),
            stmt("SET x = 1"),
            stmt("SELECT 1"),
        ];
        let data = [stmt("BEGIN"), stmt("UPDATE t SET a = 1"), stmt("COMMIT")];
        let mixed = [
            stmt("CREATE TABLE t (id int)"),
            stmt("INSERT INTO t VALUES (1)"),
        ];
        let unknown = [stmt("CREATE TABLE t (id int)"), stmt("DO $$ BEGIN END $$")];
        assert_eq!(migration_kind(&schema, PG), MigrationKind::Schema);
        assert_eq!(migration_kind(&data, PG), MigrationKind::Data);
        assert_eq!(migration_kind(&mixed, PG), MigrationKind::Mixed);
        assert_eq!(migration_kind(&unknown, PG), MigrationKind::Mixed);
        assert_eq!(migration_kind(&[], PG), MigrationKind::Schema);
        assert_eq!(MigrationKind::Mixed.as_str(), "mixed");
    }

    #[test]
    fn split_and_classify_together() {
        let text = "-- ratchet:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\nUPDATE t SET a = 1;\n";
        let statements = crate::sql::split(text, PG).unwrap();
        let kinds: Vec<_> = statements.iter().map(|s| statement_kind(s, PG)).collect();
        assert_eq!(kinds, [Ddl, Dml]);
        assert!(no_transaction_reason(&statements[0], PG).is_some());
    }
}
