//! SQLite statements into actions.
//!
//! sqlparser (SQLite dialect) reads tables, indexes, views and data changes. Read lexically
//! here: `PRAGMA` (sqlparser rejects `= OFF` and the call form), triggers (sqlparser rejects
//! `IF NOT EXISTS`, and only the trigger's table matters), `REINDEX`, `DETACH`, `VACUUM`,
//! transaction control. Column types are kept as written, lower case: SQLite gives any
//! sequence of words a type affinity (`UNSIGNED BIG INT`), and sqlparser, which rejects
//! multi-word names, gets them joined by `_` on a second attempt.
//!
//! SQLite's ALTER TABLE can only add, drop and rename columns and rename the table; other
//! forms sqlparser accepts are still mapped to their ops, so that a rule can say they need
//! a table rebuild.

use super::sqlparser_ast::{self as ast, Flavor, Segment, Toks, TypeText, collapse, one};
use super::{Extracted, Name, OnlineOptions, Op};
use crate::sql::Dialect;
use crate::sql::lexer::TokenKind;

/// Words that end a column's type in SQLite: the column constraints.
const TYPE_STOP: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
    "AUTOINCREMENT",
    "ON",
];

static FLAVOR: Flavor = Flavor {
    dialect: Dialect::Sqlite,
    type_stop: TYPE_STOP,
    canonical,
    normalize,
    alter_segment,
};

/// Reads one statement.
pub(super) fn extract(sql: &str) -> Extracted {
    let toks = Toks::new(sql, Dialect::Sqlite);
    if let Some(result) = lexical(&toks) {
        return result;
    }
    ast::guarded(sql, Dialect::Sqlite, parsed)
}

/// Statements read through sqlparser (on the guarded thread).
fn parsed(sql: &str) -> Extracted {
    let toks = Toks::new(sql, Dialect::Sqlite);
    if toks.is(0, "ALTER") && toks.is(1, "TABLE") {
        return ast::alter_table(&toks, &FLAVOR);
    }
    let actions = ast::parse_and_convert(&toks, &FLAVOR)
        .map_err(|e| format!("ratchet could not read this statement: {e}"))?;
    Ok((actions, OnlineOptions::default()))
}

/// Statements read without sqlparser: `None` hands the statement to it.
fn lexical(toks: &Toks<'_>) -> Option<Extracted> {
    let Some(first) = toks.word(0) else {
        return toks
            .t
            .is_empty()
            .then(|| Ok((Vec::new(), OnlineOptions::default())));
    };
    match first.as_str() {
        "PRAGMA" => Some(pragma(toks)),
        "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => {
            ast::transaction(toks.sql).map(one)
        }
        "CREATE" => {
            let mut k = 1;
            if toks.is_any(k, &["TEMP", "TEMPORARY"]) {
                k += 1;
            }
            if !toks.is(k, "TRIGGER") {
                return None;
            }
            ast::create_routine(toks, k).map(one)
        }
        "REINDEX" => {
            // `REINDEX` alone rebuilds every index; otherwise a table, index or collation.
            let target = toks.name(1).map_or_else(|| Name::new(""), |(name, _)| name);
            Some(one(Op::Reindex {
                target,
                concurrently: false,
            }))
        }
        "DETACH" => Some(one(Op::Other {
            description: collapse(toks.sql),
        })),
        // VACUUM rewrites the whole database file, holding its write lock.
        "VACUUM" => Some(one(Op::Other {
            description: "VACUUM: rebuilds the database file".into(),
        })),
        "ANALYZE" => Some(one(Op::Other {
            description: "ANALYZE".into(),
        })),
        _ => None,
    }
}

/// PRAGMAs that report rather than set; those naming a table read it.
const QUERY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
    "database_list",
    "collation_list",
    "compile_options",
    "function_list",
    "module_list",
    "pragma_list",
];

/// `PRAGMA [schema.]name [= value | (value)]`: a setting (name lower case, value as written
/// without quotes), or for the reporting pragmas a query.
fn pragma(toks: &Toks<'_>) -> Extracted {
    let Some((name, after)) = toks.name(1) else {
        return Err("ratchet could not read the name of this PRAGMA".into());
    };
    let name = name.name.to_ascii_lowercase();
    let value = if toks.is_punct(after, b'=') {
        value_text(toks, after + 1, toks.len())
    } else if toks.is_punct(after, b'(') {
        let close = toks.close(after).unwrap_or(toks.len());
        value_text(toks, after + 1, close)
    } else {
        String::new()
    };
    if QUERY_PRAGMAS.contains(&name.as_str()) {
        let reads = match name.as_str() {
            "table_info" | "table_xinfo" | "index_list" | "foreign_key_list"
            | "foreign_key_check"
                if !value.is_empty() =>
            {
                vec![Name::new(value)]
            }
            _ => Vec::new(),
        };
        return one(Op::Query { reads });
    }
    one(Op::SetSetting {
        name,
        value,
        local: false,
    })
}

/// A value as written: a lone string or quoted name unquoted, anything else as its text.
fn value_text(toks: &Toks<'_>, a: usize, b: usize) -> String {
    match toks.t.get(a) {
        Some(t) if b == a + 1 && t.kind == TokenKind::String => {
            ast::unquote_string(t.text, Dialect::Sqlite)
        }
        Some(t) if b == a + 1 && t.kind == TokenKind::QuotedIdent => ast::unquote_ident(t.text),
        _ => collapse(toks.text(a, b)),
    }
}

/// SQLite's ALTER TABLE forms are all sqlparser's.
fn alter_segment(_: &Segment<'_>) -> Option<ast::SegmentOps> {
    None
}

/// A SQLite type as written, lower case: its words (`unsigned big int`) and arguments.
fn canonical(t: &TypeText) -> (String, Vec<String>) {
    (t.words.join(" "), t.args.clone())
}

/// Makes multi-word type names one word (`UNSIGNED BIG INT` as `UNSIGNED_BIG_INT`), blanks
/// words after a type's arguments (MediaWiki's `varchar(255) binary`) and table constraints'
/// conflict clauses, for a second attempt by sqlparser.
fn normalize(toks: &Toks<'_>, flavor: &Flavor) -> Option<String> {
    let mut buf = toks.sql.as_bytes().to_vec();
    let mut changed = false;
    for span in ast::column_types(toks, flavor.type_stop) {
        for pair in span.words.windows(2) {
            let (a, b) = (toks.t[pair[0]], toks.t[pair[1]]);
            let gap = &mut buf[a.end()..b.start];
            if gap.iter().all(|c| c.is_ascii_whitespace()) {
                gap.fill(b'_');
                changed = true;
            }
        }
        for &k in &span.trailing {
            let t = toks.t[k];
            ast::blank(&mut buf, t.start, t.end());
            changed = true;
        }
    }
    // Conflict clauses of table constraints (`UNIQUE (a) ON CONFLICT REPLACE`), which
    // sqlparser only knows on column constraints, and which no fact depends on.
    if toks.is(0, "CREATE") && (1..4).any(|i| toks.is(i, "TABLE")) {
        for k in 0..toks.len() {
            if toks.is(k, "ON") && toks.is(k + 1, "CONFLICT") && toks.word(k + 2).is_some() {
                ast::blank(&mut buf, toks.start(k), toks.t[k + 2].end());
                changed = true;
            }
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(buf).ok()
}

#[cfg(test)]
mod tests {
    use super::super::sqlparser_ast::test_support::*;
    use super::super::{
        ColumnDef, Constraint, ConstraintKind, ForeignKey, Generated, IndexDef, Name, ObjectKind,
        Op, TransactionOp, Volatility,
    };
    use super::extract;

    use Volatility::{Constant, Stable, Volatile};

    fn set(name: &str, value: &str) -> Op {
        Op::SetSetting {
            name: name.into(),
            value: value.into(),
            local: false,
        }
    }

    fn other(description: &str) -> Op {
        Op::Other {
            description: description.into(),
        }
    }

    #[test]
    fn create_table() {
        let sql = "CREATE TABLE IF NOT EXISTS \"users\" (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  name TEXT NOT NULL DEFAULT \"\",\n  created DATETIME DEFAULT CURRENT_TIMESTAMP,\n  seen TEXT DEFAULT (datetime('now')),\n  token BLOB DEFAULT (randomblob(16)),\n  big UNSIGNED BIG INT,\n  v VARYING CHARACTER(255),\n  price NUMERIC(10,5),\n  [org] INTEGER REFERENCES orgs(id) ON DELETE CASCADE,\n  untyped,\n  g INT GENERATED ALWAYS AS (id * 2) STORED,\n  h AS (id + 1),\n  UNIQUE (name) ON CONFLICT REPLACE,\n  FOREIGN KEY (big) REFERENCES other (id)\n) STRICT, WITHOUT ROWID";
        let columns = vec![
            ColumnDef {
                not_null: true,
                primary_key: true,
                generated: Some(Generated::Serial),
                ..col("id", ty("integer", &[], "INTEGER"))
            },
            ColumnDef {
                not_null: true,
                default: Some(ex("\"\"", Constant)),
                ..col("name", ty("text", &[], "TEXT"))
            },
            ColumnDef {
                default: Some(ex("CURRENT_TIMESTAMP", Stable)),
                ..col("created", ty("datetime", &[], "DATETIME"))
            },
            ColumnDef {
                default: Some(ex("(datetime('now'))", Stable)),
                ..col("seen", ty("text", &[], "TEXT"))
            },
            ColumnDef {
                default: Some(ex("(randomblob(16))", Volatile)),
                ..col("token", ty("blob", &[], "BLOB"))
            },
            col("big", ty("unsigned big int", &[], "UNSIGNED BIG INT")),
            col(
                "v",
                ty("varying character", &["255"], "VARYING CHARACTER(255)"),
            ),
            col("price", ty("numeric", &["10", "5"], "NUMERIC(10,5)")),
            ColumnDef {
                references: Some(ForeignKey {
                    columns: vec![],
                    table: n("orgs"),
                    referred: vec!["id".into()],
                    on_delete: Some("cascade".into()),
                }),
                ..col("org", ty("integer", &[], "INTEGER"))
            },
            col("untyped", ty("", &[], "")),
            ColumnDef {
                generated: Some(Generated::Stored(ex("id * 2", Volatile))),
                ..col("g", ty("int", &[], "INT"))
            },
            ColumnDef {
                generated: Some(Generated::Virtual(ex("id + 1", Volatile))),
                ..col("h", ty("", &[], ""))
            },
        ];
        let constraints = vec![
            Constraint {
                name: None,
                kind: ConstraintKind::Unique {
                    columns: vec!["name".into()],
                    using_index: None,
                },
                not_valid: false,
            },
            Constraint {
                name: None,
                kind: ConstraintKind::ForeignKey(ForeignKey {
                    columns: vec!["big".into()],
                    table: n("other"),
                    referred: vec!["id".into()],
                    on_delete: None,
                }),
                not_valid: false,
            },
        ];
        check(
            extract,
            vec![(
                sql,
                vec![(
                    0,
                    Op::CreateTable {
                        table: n("users"),
                        columns,
                        constraints,
                        if_not_exists: true,
                        as_query: false,
                        temporary: false,
                    },
                )],
            )],
        );
    }

    #[test]
    fn create_table_variants() {
        let select = "CREATE TEMP TABLE t2 AS SELECT * FROM t";
        let legacy = "CREATE TABLE /*_*/t (\n  a varchar(255) binary NOT NULL default '',\n  b int unsigned\n)";
        check(
            extract,
            vec![
                (
                    select,
                    vec![
                        (
                            0,
                            Op::CreateTable {
                                table: n("t2"),
                                columns: vec![],
                                constraints: vec![],
                                if_not_exists: false,
                                as_query: true,
                                temporary: true,
                            },
                        ),
                        (
                            at(select, "SELECT"),
                            Op::Query {
                                reads: vec![n("t")],
                            },
                        ),
                    ],
                ),
                (
                    legacy,
                    vec![(
                        0,
                        Op::CreateTable {
                            table: n("t"),
                            columns: vec![
                                ColumnDef {
                                    not_null: true,
                                    default: Some(ex("''", Constant)),
                                    ..col("a", ty("varchar", &["255"], "varchar(255) binary"))
                                },
                                col("b", ty("int unsigned", &[], "int unsigned")),
                            ],
                            constraints: vec![],
                            if_not_exists: false,
                            as_query: false,
                            temporary: false,
                        },
                    )],
                ),
                (
                    "CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(a, b)",
                    vec![(
                        0,
                        Op::CreateTable {
                            table: n("f"),
                            columns: vec![],
                            constraints: vec![],
                            if_not_exists: true,
                            as_query: false,
                            temporary: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn alter_table() {
        check(
            extract,
            vec![
                (
                    "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'x'",
                    vec![(
                        14,
                        Op::AddColumn {
                            table: n("t"),
                            column: ColumnDef {
                                not_null: true,
                                default: Some(ex("'x'", Constant)),
                                ..col("c", ty("text", &[], "TEXT"))
                            },
                            if_not_exists: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE main.t ADD c UNSIGNED BIG INT",
                    vec![(
                        19,
                        Op::AddColumn {
                            table: qn("main", "t"),
                            column: col("c", ty("unsigned big int", &[], "UNSIGNED BIG INT")),
                            if_not_exists: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE t DROP COLUMN c",
                    vec![(
                        14,
                        Op::DropColumn {
                            table: n("t"),
                            column: "c".into(),
                            if_exists: false,
                            cascade: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE t RENAME COLUMN a TO b",
                    vec![(
                        14,
                        Op::RenameColumn {
                            table: n("t"),
                            column: "a".into(),
                            to: "b".into(),
                        },
                    )],
                ),
                (
                    "ALTER TABLE t RENAME a TO b",
                    vec![(
                        14,
                        Op::RenameColumn {
                            table: n("t"),
                            column: "a".into(),
                            to: "b".into(),
                        },
                    )],
                ),
                (
                    "ALTER TABLE \"t\" RENAME TO [u]",
                    vec![(
                        16,
                        Op::RenameTable {
                            table: n("t"),
                            to: n("u"),
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn alter_forms_sqlite_cannot_do_still_map() {
        check(
            extract,
            vec![
                (
                    "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
                    vec![(
                        14,
                        Op::SetNotNull {
                            table: n("t"),
                            column: "c".into(),
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ALTER COLUMN c TYPE bigint",
                    vec![(
                        14,
                        Op::AlterColumnType {
                            table: n("t"),
                            column: "c".into(),
                            data_type: ty("bigint", &[], "BIGINT"),
                            using: None,
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)",
                    vec![(
                        14,
                        Op::AddConstraint {
                            table: n("t"),
                            constraint: Constraint {
                                name: Some("u".into()),
                                kind: ConstraintKind::Unique {
                                    columns: vec!["a".into()],
                                    using_index: None,
                                },
                                not_valid: false,
                            },
                        },
                    )],
                ),
                (
                    "ALTER TABLE t DROP CONSTRAINT u",
                    vec![(
                        14,
                        Op::DropConstraint {
                            table: n("t"),
                            name: "u".into(),
                            if_exists: false,
                            cascade: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn indexes_views_triggers() {
        let create = |kind, name, tables, or_replace| Op::CreateObject {
            kind,
            name,
            tables,
            or_replace,
        };
        let drop = |kind, name, if_exists| Op::DropObject {
            kind,
            name,
            if_exists,
            cascade: false,
        };
        check(
            extract,
            vec![
                (
                    "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a, b COLLATE NOCASE DESC) WHERE a IS NOT NULL",
                    vec![(
                        0,
                        Op::CreateIndex(IndexDef {
                            name: Some(n("i")),
                            table: n("t"),
                            columns: vec!["a".into(), "b COLLATE NOCASE".into()],
                            unique: true,
                            concurrently: false,
                            if_not_exists: true,
                            predicate: Some("a IS NOT NULL".into()),
                        }),
                    )],
                ),
                (
                    "CREATE INDEX main.i ON t (lower(a))",
                    vec![(
                        0,
                        Op::CreateIndex(IndexDef {
                            name: Some(qn("main", "i")),
                            table: n("t"),
                            columns: vec!["lower(a)".into()],
                            unique: false,
                            concurrently: false,
                            if_not_exists: false,
                            predicate: None,
                        }),
                    )],
                ),
                (
                    "DROP INDEX IF EXISTS main.i",
                    vec![(
                        0,
                        Op::DropIndex {
                            name: qn("main", "i"),
                            table: None,
                            concurrently: false,
                            if_exists: true,
                        },
                    )],
                ),
                (
                    "CREATE TRIGGER IF NOT EXISTS tr AFTER UPDATE OF a, b ON t FOR EACH ROW WHEN new.a > 0 BEGIN\n  UPDATE u SET n = n + 1;\n  DELETE FROM v;\nEND",
                    vec![(0, create(ObjectKind::Trigger, n("tr"), vec![n("t")], false))],
                ),
                (
                    "CREATE TEMP TRIGGER tr INSTEAD OF INSERT ON main.v BEGIN SELECT 1; END",
                    vec![(
                        0,
                        create(ObjectKind::Trigger, n("tr"), vec![qn("main", "v")], false),
                    )],
                ),
                (
                    "CREATE TEMP VIEW IF NOT EXISTS v AS SELECT * FROM t JOIN u USING (id)",
                    vec![(
                        0,
                        create(ObjectKind::View, n("v"), vec![n("t"), n("u")], false),
                    )],
                ),
                (
                    "DROP VIEW IF EXISTS v",
                    vec![(0, drop(ObjectKind::View, n("v"), true))],
                ),
                (
                    "DROP TRIGGER tr",
                    vec![(0, drop(ObjectKind::Trigger, n("tr"), false))],
                ),
                (
                    "DROP TABLE IF EXISTS t",
                    vec![(
                        0,
                        Op::DropTable {
                            table: n("t"),
                            if_exists: true,
                            cascade: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn pragmas() {
        check(
            extract,
            vec![
                (
                    "PRAGMA foreign_keys = OFF",
                    vec![(0, set("foreign_keys", "OFF"))],
                ),
                ("PRAGMA Foreign_Keys=0", vec![(0, set("foreign_keys", "0"))]),
                (
                    "PRAGMA main.journal_mode = 'WAL'",
                    vec![(0, set("journal_mode", "WAL"))],
                ),
                (
                    "PRAGMA cache_size = -2000",
                    vec![(0, set("cache_size", "-2000"))],
                ),
                (
                    "PRAGMA legacy_alter_table(ON)",
                    vec![(0, set("legacy_alter_table", "ON"))],
                ),
                ("PRAGMA foreign_keys", vec![(0, set("foreign_keys", ""))]),
                (
                    "PRAGMA table_info(users)",
                    vec![(
                        0,
                        Op::Query {
                            reads: vec![n("users")],
                        },
                    )],
                ),
                (
                    "PRAGMA foreign_key_check",
                    vec![(0, Op::Query { reads: vec![] })],
                ),
                (
                    "PRAGMA integrity_check",
                    vec![(0, Op::Query { reads: vec![] })],
                ),
            ],
        );
    }

    #[test]
    fn data_and_control() {
        let tx = |control| Op::Transaction { control };
        let insert_select = "INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING";
        check(
            extract,
            vec![
                (
                    "INSERT OR REPLACE INTO t VALUES (1)",
                    vec![(
                        0,
                        Op::Insert {
                            table: n("t"),
                            from_query: false,
                        },
                    )],
                ),
                (
                    "REPLACE INTO t (a) VALUES (1)",
                    vec![(
                        0,
                        Op::Insert {
                            table: n("t"),
                            from_query: false,
                        },
                    )],
                ),
                (
                    "INSERT INTO t DEFAULT VALUES",
                    vec![(
                        0,
                        Op::Insert {
                            table: n("t"),
                            from_query: false,
                        },
                    )],
                ),
                (
                    insert_select,
                    vec![
                        (
                            0,
                            Op::Insert {
                                table: n("t"),
                                from_query: true,
                            },
                        ),
                        (
                            at(insert_select, "SELECT"),
                            Op::Query {
                                reads: vec![n("u")],
                            },
                        ),
                    ],
                ),
                (
                    "UPDATE OR IGNORE t SET a = random() WHERE rowid IN (SELECT rowid FROM t LIMIT 10)",
                    vec![(
                        0,
                        Op::Update {
                            table: n("t"),
                            assignments: vec![("a".into(), ex("random()", Volatile))],
                            filter: Some(ex("rowid IN (SELECT rowid FROM t LIMIT 10)", Volatile)),
                            reads: vec![n("t")],
                        },
                    )],
                ),
                (
                    "UPDATE t SET a = u.b FROM u WHERE u.id = t.id",
                    vec![(
                        0,
                        Op::Update {
                            table: n("t"),
                            assignments: vec![("a".into(), ex("u.b", Volatile))],
                            filter: Some(ex("u.id = t.id", Volatile)),
                            reads: vec![n("u")],
                        },
                    )],
                ),
                (
                    "DELETE FROM t WHERE a = 1",
                    vec![(
                        0,
                        Op::Delete {
                            table: n("t"),
                            filter: Some(ex("a = 1", Volatile)),
                        },
                    )],
                ),
                (
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) INSERT INTO t SELECT x FROM c",
                    vec![(
                        0,
                        Op::Insert {
                            table: n("t"),
                            from_query: true,
                        },
                    )],
                ),
                (
                    "WITH s AS (SELECT id, v FROM src) UPDATE t SET v = (SELECT v FROM s WHERE s.id = t.id)",
                    vec![(
                        0,
                        Op::Update {
                            table: n("t"),
                            assignments: vec![(
                                "v".into(),
                                ex("(SELECT v FROM s WHERE s.id = t.id)", Volatile),
                            )],
                            filter: None,
                            reads: vec![n("src")],
                        },
                    )],
                ),
                (
                    "SELECT * FROM sqlite_master",
                    vec![(
                        0,
                        Op::Query {
                            reads: vec![n("sqlite_master")],
                        },
                    )],
                ),
                (
                    "BEGIN IMMEDIATE TRANSACTION",
                    vec![(0, tx(TransactionOp::Begin))],
                ),
                ("BEGIN", vec![(0, tx(TransactionOp::Begin))]),
                ("END TRANSACTION", vec![(0, tx(TransactionOp::Commit))]),
                ("COMMIT", vec![(0, tx(TransactionOp::Commit))]),
                ("ROLLBACK", vec![(0, tx(TransactionOp::Rollback))]),
                ("SAVEPOINT s", vec![(0, tx(TransactionOp::Savepoint))]),
                ("RELEASE s", vec![(0, tx(TransactionOp::Savepoint))]),
                ("ROLLBACK TO s", vec![(0, tx(TransactionOp::Savepoint))]),
                (
                    "VACUUM",
                    vec![(0, other("VACUUM: rebuilds the database file"))],
                ),
                ("ANALYZE t", vec![(0, other("ANALYZE"))]),
                ("DETACH DATABASE x", vec![(0, other("DETACH DATABASE x"))]),
                (
                    "ATTACH DATABASE 'x.db' AS x",
                    vec![(0, other("ATTACH DATABASE"))],
                ),
                (
                    "REINDEX t",
                    vec![(
                        0,
                        Op::Reindex {
                            target: n("t"),
                            concurrently: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn errors() {
        let err = |sql: &str| match extract(sql) {
            Ok(r) => panic!("`{sql}` was read: {r:?}"),
            Err(e) => e,
        };
        assert!(err("SELEKT 1").starts_with("ratchet could not read this statement"));
        assert!(err("PRAGMA").contains("PRAGMA"));
        assert!(err("ALTER TABLE t FROB x").contains("`FROB x`"));
        let name: Name = n("x");
        assert_eq!(name.key(), "x");
    }
}
