//! Data changes, queries, volatility, settings, transactions, DO blocks and the statements ratchet does not model.

use super::*;

// --- data changes and queries ---------------------------------------------------------------

#[test]
fn inserts() {
    let insert = |table: Name, from_query| Op::Insert { table, from_query };
    let cases: Vec<(&str, Op)> = vec![
        ("INSERT INTO t (a) VALUES (1), (2)", insert(n("t"), false)),
        ("INSERT INTO s.t DEFAULT VALUES", insert(q("s", "t"), false)),
        (
            "INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING",
            insert(n("t"), true),
        ),
        ("INSERT INTO t AS x TABLE u", insert(n("t"), true)),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, "INSERT")]);
    }
}

#[test]
fn updates_and_deletes() {
    check(
        "UPDATE ONLY s.t AS x SET a = 1, b = now(), c = random(), d = DEFAULT, (e, f) = (2, g + 1) \
         FROM u JOIN v ON true WHERE x.id = u.id AND u.k IN (SELECT k FROM w)",
        vec![(
            Op::Update {
                table: q("s", "t"),
                assignments: vec![
                    ("a".into(), e("1", Volatility::Constant)),
                    ("b".into(), e("now()", Volatility::Stable)),
                    ("c".into(), e("random()", Volatility::Volatile)),
                    ("d".into(), e("DEFAULT", Volatility::Unknown)),
                    ("e".into(), e("2", Volatility::Constant)),
                    ("f".into(), e("g + 1", Volatility::Volatile)),
                ],
                filter: Some(e(
                    "x.id = u.id AND u.k IN (SELECT k FROM w)",
                    Volatility::Volatile,
                )),
                reads: vec![n("u"), n("v"), n("w")],
            },
            "UPDATE",
        )],
    );
    check(
        "UPDATE t SET a = 0",
        vec![(
            Op::Update {
                table: n("t"),
                assignments: vec![("a".into(), e("0", Volatility::Constant))],
                filter: None,
                reads: Vec::new(),
            },
            "UPDATE",
        )],
    );
    check(
        "DELETE FROM t USING u WHERE t.a = u.a",
        vec![(
            Op::Delete {
                table: n("t"),
                filter: Some(e("t.a = u.a", Volatility::Volatile)),
            },
            "DELETE",
        )],
    );
    check(
        "DELETE FROM s.t",
        vec![(
            Op::Delete {
                table: q("s", "t"),
                filter: None,
            },
            "DELETE",
        )],
    );
    check(
        "DELETE FROM t WHERE CURRENT OF c",
        vec![(
            Op::Delete {
                table: n("t"),
                filter: Some(e("CURRENT OF c", Volatility::Unknown)),
            },
            "DELETE",
        )],
    );
}

#[test]
fn with_data_modifying_statements() {
    let sql = "WITH moved AS (DELETE FROM a WHERE old RETURNING *), \
               touched AS (UPDATE c SET n = n + 1 WHERE id = 1 RETURNING id) \
               INSERT INTO b SELECT * FROM moved";
    check(
        sql,
        vec![
            (
                Op::Delete {
                    table: n("a"),
                    filter: Some(e("old", Volatility::Volatile)),
                },
                "DELETE",
            ),
            (
                Op::Update {
                    table: n("c"),
                    assignments: vec![("n".into(), e("n + 1", Volatility::Volatile))],
                    filter: Some(e("id = 1", Volatility::Volatile)),
                    reads: Vec::new(),
                },
                "UPDATE",
            ),
            (
                Op::Insert {
                    table: n("b"),
                    from_query: true,
                },
                "INSERT",
            ),
        ],
    );
    check(
        "WITH x AS (INSERT INTO log VALUES (1) RETURNING id) SELECT * FROM x JOIN u ON true",
        vec![
            (
                Op::Insert {
                    table: n("log"),
                    from_query: false,
                },
                "INSERT",
            ),
            (
                Op::Query {
                    reads: vec![n("u")],
                },
                "WITH",
            ),
        ],
    );
}

#[test]
fn queries() {
    let query = |reads: Vec<Name>| Op::Query { reads };
    let cases: Vec<(&str, Op)> = vec![
        ("SELECT 1", query(Vec::new())),
        (
            "SELECT * FROM a, s.b LEFT JOIN c ON true WHERE EXISTS (SELECT 1 FROM d)",
            query(vec![n("a"), q("s", "b"), n("c"), n("d")]),
        ),
        (
            "SELECT 1 FROM a UNION ALL SELECT 2 FROM b",
            query(vec![n("a"), n("b")]),
        ),
        ("TABLE t", query(vec![n("t")])),
        ("VALUES (1), (2)", query(Vec::new())),
        (
            "WITH w AS (SELECT * FROM t) SELECT * FROM w",
            query(vec![n("t")]),
        ),
        (
            "SELECT * FROM t FOR UPDATE SKIP LOCKED",
            query(vec![n("t")]),
        ),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, sql.split(' ').next().unwrap_or_default())]);
    }
    // EXPLAIN plans; EXPLAIN ANALYZE runs the statement.
    assert_eq!(
        single("EXPLAIN DELETE FROM t"),
        Op::Other {
            description: "EXPLAIN".into()
        }
    );
    check(
        "EXPLAIN (ANALYZE, BUFFERS) DELETE FROM t",
        vec![(
            Op::Delete {
                table: n("t"),
                filter: None,
            },
            "DELETE",
        )],
    );
    assert!(matches!(
        single("EXPLAIN ANALYZE UPDATE t SET a = 1"),
        Op::Update { .. }
    ));
    assert_eq!(
        single("EXPLAIN (ANALYZE false) DELETE FROM t"),
        Op::Other {
            description: "EXPLAIN".into()
        }
    );
}

#[test]
fn copy_and_merge() {
    check(
        "COPY s.t (a, b) FROM STDIN WITH (FORMAT csv)",
        vec![(
            Op::Insert {
                table: q("s", "t"),
                from_query: false,
            },
            "COPY",
        )],
    );
    check(
        "COPY t TO STDOUT",
        vec![(
            Op::Query {
                reads: vec![n("t")],
            },
            "COPY",
        )],
    );
    check(
        "COPY (SELECT * FROM u) TO STDOUT",
        vec![(
            Op::Query {
                reads: vec![n("u")],
            },
            "SELECT",
        )],
    );
    let sql = "MERGE INTO t USING s ON t.id = s.id \
               WHEN MATCHED AND s.gone THEN DELETE \
               WHEN MATCHED THEN UPDATE SET a = s.a \
               WHEN NOT MATCHED THEN INSERT VALUES (s.id) \
               WHEN NOT MATCHED BY SOURCE THEN DO NOTHING";
    check(
        sql,
        vec![
            (
                Op::Delete {
                    table: n("t"),
                    filter: Some(e("(t.id = s.id) AND (s.gone)", Volatility::Volatile)),
                },
                "DELETE",
            ),
            (
                Op::Update {
                    table: n("t"),
                    assignments: vec![("a".into(), e("s.a", Volatility::Volatile))],
                    filter: Some(e("t.id = s.id", Volatility::Volatile)),
                    reads: vec![n("s")],
                },
                "UPDATE",
            ),
            (
                Op::Insert {
                    table: n("t"),
                    from_query: true,
                },
                "INSERT",
            ),
        ],
    );
}

// --- volatility -----------------------------------------------------------------------------

#[test]
fn default_volatility() {
    #[rustfmt::skip]
    let cases: &[(&str, Volatility)] = &[
        // Constant: literals, casts of literals, immutable functions of constants.
        ("0", Volatility::Constant),
        ("-1.5", Volatility::Constant),
        ("'x'", Volatility::Constant),
        ("true", Volatility::Constant),
        ("NULL", Volatility::Constant),
        ("'{}'::jsonb", Volatility::Constant),
        ("CAST('1' AS int)", Volatility::Constant),
        ("interval '1 day'", Volatility::Constant),
        ("'a' || 'b'", Volatility::Constant),
        ("ARRAY[1, 2]", Volatility::Constant),
        ("lower('X')", Volatility::Constant),
        ("upper(lower('a'))", Volatility::Constant),
        ("coalesce(NULL, 1)", Volatility::Constant),
        ("greatest(1, 2)", Volatility::Constant),
        ("(1 + 2) * 3", Volatility::Constant),
        // Stable: fixed for the statement.
        ("now()", Volatility::Stable),
        ("NOW()", Volatility::Stable),
        ("pg_catalog.now()", Volatility::Stable),
        ("CURRENT_TIMESTAMP", Volatility::Stable),
        ("current_timestamp(3)", Volatility::Stable),
        ("current_date", Volatility::Stable),
        ("localtimestamp", Volatility::Stable),
        ("transaction_timestamp()", Volatility::Stable),
        ("statement_timestamp()", Volatility::Stable),
        ("current_user", Volatility::Stable),
        ("now() + interval '1 day'", Volatility::Stable),
        ("now()::date", Volatility::Stable),
        ("to_char(now(), 'YYYY')", Volatility::Stable),
        ("current_setting('app.x')", Volatility::Stable),
        // Volatile: differs per row.
        ("random()", Volatility::Volatile),
        ("gen_random_uuid()", Volatility::Volatile),
        ("public.uuid_generate_v4()", Volatility::Volatile),
        ("clock_timestamp()", Volatility::Volatile),
        ("timeofday()", Volatility::Volatile),
        ("nextval('seq'::regclass)", Volatility::Volatile),
        ("(random() * 10)::int", Volatility::Volatile),
        ("(SELECT max(id) FROM t)", Volatility::Volatile),
        ("coalesce(NULL, random())", Volatility::Volatile),
        // Unknown: functions ratchet does not know.
        ("my_func()", Volatility::Unknown),
        ("app.next_code(1)", Volatility::Unknown),
        ("lower(my_func())", Volatility::Unknown),
    ];
    for (default, volatility) in cases {
        let sql = format!("ALTER TABLE t ADD COLUMN c int DEFAULT {default}");
        let Op::AddColumn { column, .. } = single(&sql) else {
            panic!("{sql}");
        };
        assert_eq!(column.default, Some(e(default, *volatility)), "{sql}");
    }
}

// --- settings and transactions --------------------------------------------------------------

#[test]
fn settings() {
    let set = |name: &str, value: &str, local| Op::SetSetting {
        name: name.into(),
        value: value.into(),
        local,
    };
    let cases: Vec<(&str, Op)> = vec![
        (
            "SET statement_timeout = '5s'",
            set("statement_timeout", "5s", false),
        ),
        (
            "SET LOCAL lock_timeout TO 1000",
            set("lock_timeout", "1000", true),
        ),
        (
            "SET SESSION Search_Path TO app, \"Public\", 'x'",
            set("search_path", "app, Public, x", false),
        ),
        ("SET myapp.tenant = 42", set("myapp.tenant", "42", false)),
        (
            "SET statement_timeout TO DEFAULT",
            set("statement_timeout", "default", false),
        ),
        ("SET TIME ZONE 'UTC'", set("timezone", "UTC", false)),
        ("SET SCHEMA 'app'", set("search_path", "app", false)),
        ("SET ROLE admin", set("role", "admin", false)),
        ("SET LOCAL ROLE 'admin'", set("role", "admin", true)),
        ("RESET lock_timeout", set("lock_timeout", "", false)),
        ("RESET ALL", set("all", "", false)),
        ("RESET ROLE", set("role", "", false)),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, sql.split(' ').next().unwrap_or_default())]);
    }
}

#[test]
fn transaction_control() {
    let t = |control| Op::Transaction { control };
    let cases: Vec<(&str, Op)> = vec![
        ("BEGIN", t(TransactionOp::Begin)),
        (
            "BEGIN ISOLATION LEVEL SERIALIZABLE",
            t(TransactionOp::Begin),
        ),
        ("START TRANSACTION", t(TransactionOp::Begin)),
        ("COMMIT", t(TransactionOp::Commit)),
        ("END", t(TransactionOp::Commit)),
        ("ROLLBACK", t(TransactionOp::Rollback)),
        ("ABORT", t(TransactionOp::Rollback)),
        ("SAVEPOINT s", t(TransactionOp::Savepoint)),
        ("RELEASE SAVEPOINT s", t(TransactionOp::Savepoint)),
        ("ROLLBACK TO SAVEPOINT s", t(TransactionOp::Savepoint)),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, sql.split(' ').next().unwrap_or_default())]);
    }
}

// --- DO, CALL, EXECUTE ----------------------------------------------------------------------

#[test]
fn do_blocks_with_plain_sql_are_read_with_their_positions() {
    let sql = "DO $$\nBEGIN\n  ALTER TABLE t ADD COLUMN c int;\n  UPDATE t SET c = 0;\nEND\n$$";
    check(
        sql,
        vec![
            (
                Op::AddColumn {
                    table: n("t"),
                    column: col("c", ty("integer", &[], false, "int")),
                    if_not_exists: false,
                },
                "ADD COLUMN",
            ),
            (
                Op::Update {
                    table: n("t"),
                    assignments: vec![("c".into(), e("0", Volatility::Constant))],
                    filter: None,
                    reads: Vec::new(),
                },
                "UPDATE",
            ),
        ],
    );
    // Every branch of an IF, and exception handlers, are what the block may do.
    let sql = "DO LANGUAGE plpgsql $body$ BEGIN \
        IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN \
          CREATE TYPE mood AS ENUM ('sad'); \
        ELSE \
          RAISE NOTICE 'exists'; \
        END IF; \
      EXCEPTION WHEN duplicate_object THEN DROP TABLE x; \
      END $body$";
    check(
        sql,
        vec![
            (
                Op::CreateType {
                    name: n("mood"),
                    enum_values: Some(strings(&["sad"])),
                },
                "CREATE TYPE",
            ),
            (
                Op::DropTable {
                    table: n("x"),
                    if_exists: false,
                    cascade: false,
                },
                "x;",
            ),
        ],
    );
}

#[test]
fn do_blocks_ratchet_cannot_follow_are_unknown() {
    let unknown = Op::Unknown {
        reason: "a DO block runs code ratchet cannot follow".into(),
    };
    for sql in [
        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$",
        "DO $$ BEGIN FOR i IN 1..10 LOOP UPDATE t SET a = i; END LOOP; END $$",
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM t LOOP NULL; END LOOP; END $$",
        "DO $$ BEGIN WHILE true LOOP EXIT; END LOOP; END $$",
        "DO $$ BEGIN CALL p(); END $$",
        "DO LANGUAGE plpython3u $$ plpy.execute('drop table x') $$",
        "DO $$ BEGIN DO $i$ BEGIN NULL; END $i$; END $$",
        "DO $$ this is not plpgsql $$",
    ] {
        check(sql, vec![(unknown.clone(), "DO")]);
    }
    assert!(matches!(single("CALL refresh_all()"), Op::Unknown { .. }));
    assert!(matches!(single("EXECUTE stmt(1)"), Op::Unknown { .. }));
    assert_eq!(actions("DO $$ BEGIN NULL; END $$"), Vec::new());
}

// --- statements ratchet does not model --------------------------------------------------------

#[test]
fn other_statements_are_described() {
    let other = |d: &str| Op::Other {
        description: d.into(),
    };
    let cases: Vec<(&str, Op)> = vec![
        ("GRANT SELECT ON t TO app", other("GRANT SELECT ON")),
        ("REVOKE ALL ON t FROM app", other("REVOKE ALL ON")),
        ("COMMENT ON COLUMN t.a IS 'x'", other("COMMENT ON COLUMN")),
        ("COMMENT ON TABLE t IS NULL", other("COMMENT ON TABLE")),
        ("ANALYZE t", other("ANALYZE")),
        ("VACUUM t", other("VACUUM")),
        ("VACUUM (VERBOSE) t", other("VACUUM")),
        ("NOTIFY channel, 'x'", other("NOTIFY")),
        (
            "REFRESH MATERIALIZED VIEW CONCURRENTLY s.mv",
            other("REFRESH MATERIALIZED VIEW CONCURRENTLY s.mv"),
        ),
        (
            "REFRESH MATERIALIZED VIEW mv WITH NO DATA",
            other("REFRESH MATERIALIZED VIEW mv"),
        ),
        (
            "LOCK TABLE t IN SHARE MODE NOWAIT",
            other("LOCK TABLE t IN SHARE MODE NOWAIT"),
        ),
        (
            "ALTER EXTENSION hstore UPDATE TO '1.8'",
            other("ALTER EXTENSION hstore UPDATE TO '1.8'"),
        ),
        ("CREATE CAST (int AS text) WITH INOUT", other("CREATE CAST")),
        ("SET TRANSACTION READ ONLY", other("SET TRANSACTION READ")),
        ("SET CONSTRAINTS ALL DEFERRED", other("SET CONSTRAINTS ALL")),
        ("PREPARE q AS SELECT 1", other("PREPARE")),
        (
            "VACUUM FULL",
            other(
                "VACUUM FULL of every table of the database (each rewritten under an ACCESS EXCLUSIVE lock)",
            ),
        ),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, sql.split(' ').next().unwrap_or_default())]);
    }
}

#[test]
fn table_rewrites_by_maintenance_commands_lock_the_table() {
    let rewrite = |table: Name, description: &str| Op::AlterTableOther {
        table,
        description: description.into(),
    };
    check(
        "VACUUM FULL ANALYZE a, s.b",
        vec![
            (rewrite(n("a"), "VACUUM FULL (rewrites the table)"), "a,"),
            (
                rewrite(q("s", "b"), "VACUUM FULL (rewrites the table)"),
                "s.b",
            ),
        ],
    );
    check(
        "VACUUM (FULL, ANALYZE) t",
        vec![(rewrite(n("t"), "VACUUM FULL (rewrites the table)"), "t")],
    );
    let clustered = "CLUSTER (rewrites the table in index order)";
    check(
        "CLUSTER t USING idx",
        vec![(rewrite(n("t"), clustered), "CLUSTER")],
    );
    check(
        "CLUSTER idx ON s.t",
        vec![(rewrite(q("s", "t"), clustered), "CLUSTER")],
    );
    assert!(matches!(single("CLUSTER"), Op::Other { .. }));
}
