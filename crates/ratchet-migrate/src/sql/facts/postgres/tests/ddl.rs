//! Schema changes: tables, columns, constraints, indexes, drops, types and objects.

use super::*;

// --- CREATE TABLE -------------------------------------------------------------------------

#[test]
fn create_table_with_columns_and_constraints() {
    let sql = "CREATE TABLE IF NOT EXISTS public.\"Users\" (\n\
        id bigserial PRIMARY KEY,\n\
        Email VARCHAR(255) NOT NULL UNIQUE,\n\
        created_at timestamptz NOT NULL DEFAULT now(),\n\
        amount numeric(10, 2) DEFAULT 0 CHECK (amount >= 0),\n\
        tags text[],\n\
        org_id int REFERENCES orgs (id) ON DELETE CASCADE,\n\
        note text NULL,\n\
        g int GENERATED ALWAYS AS IDENTITY,\n\
        doubled int GENERATED ALWAYS AS (amount * 2) STORED,\n\
        CONSTRAINT positive CHECK (amount > 0),\n\
        FOREIGN KEY (org_id) REFERENCES s.orgs ON DELETE SET NULL,\n\
        PRIMARY KEY (id, org_id),\n\
        UNIQUE (\"Email\", org_id),\n\
        EXCLUDE USING gist (tags WITH &&)\n)";
    let mut id = col("id", ty("bigserial", &[], false, "bigserial"));
    id.not_null = true;
    id.primary_key = true;
    id.generated = Some(Generated::Serial);
    let mut email = col("email", ty("varchar", &["255"], false, "VARCHAR(255)"));
    email.not_null = true;
    email.unique = true;
    let mut created = col("created_at", ty("timestamptz", &[], false, "timestamptz"));
    created.not_null = true;
    created.default = Some(e("now()", Volatility::Stable));
    let mut amount = col(
        "amount",
        ty("numeric", &["10", "2"], false, "numeric(10, 2)"),
    );
    amount.default = Some(e("0", Volatility::Constant));
    amount.check = Some(e("amount >= 0", Volatility::Volatile));
    let tags = col("tags", ty("text", &[], true, "text[]"));
    let mut org = col("org_id", ty("integer", &[], false, "int"));
    org.not_null = true;
    org.references = Some(fk(&[], n("orgs"), &["id"], Some("cascade")));
    let note = col("note", ty("text", &[], false, "text"));
    let mut g = col("g", ty("integer", &[], false, "int"));
    g.generated = Some(Generated::Identity);
    g.not_null = true;
    let mut doubled = col("doubled", ty("integer", &[], false, "int"));
    doubled.generated = Some(Generated::Stored(e("amount * 2", Volatility::Volatile)));
    let constraint = |name: Option<&str>, kind| Constraint {
        name: name.map(str::to_string),
        kind,
        not_valid: false,
    };
    check(
        sql,
        vec![(
            Op::CreateTable {
                table: q("public", "Users"),
                columns: vec![id, email, created, amount, tags, org, note, g, doubled],
                constraints: vec![
                    constraint(
                        Some("positive"),
                        ConstraintKind::Check(e("amount > 0", Volatility::Volatile)),
                    ),
                    constraint(
                        None,
                        ConstraintKind::ForeignKey(fk(
                            &["org_id"],
                            q("s", "orgs"),
                            &[],
                            Some("set null"),
                        )),
                    ),
                    constraint(
                        None,
                        ConstraintKind::PrimaryKey {
                            columns: strings(&["id", "org_id"]),
                            using_index: None,
                        },
                    ),
                    constraint(
                        None,
                        ConstraintKind::Unique {
                            columns: strings(&["Email", "org_id"]),
                            using_index: None,
                        },
                    ),
                    constraint(None, ConstraintKind::Exclude),
                ],
                if_not_exists: true,
                as_query: false,
                temporary: false,
            },
            "CREATE",
        )],
    );
}

#[test]
fn create_table_variants() {
    let table =
        |name: Name, columns: Vec<ColumnDef>, as_query: bool, temporary: bool| Op::CreateTable {
            table: name,
            columns,
            constraints: Vec::new(),
            if_not_exists: false,
            as_query,
            temporary,
        };
    let a = || vec![col("a", ty("integer", &[], false, "int"))];
    assert_eq!(
        single("CREATE TEMPORARY TABLE t (a int)"),
        table(n("t"), a(), false, true)
    );
    assert_eq!(
        single("CREATE UNLOGGED TABLE t (a int)"),
        table(n("t"), a(), false, false)
    );
    assert_eq!(
        single("CREATE TABLE t AS SELECT * FROM u"),
        table(n("t"), Vec::new(), true, false)
    );
    assert_eq!(
        single("CREATE TEMP TABLE t AS SELECT * FROM u WITH NO DATA"),
        table(n("t"), Vec::new(), false, true)
    );
    check(
        "SELECT a, b INTO TEMP TABLE t2 FROM u WHERE a > 1",
        vec![(table(n("t2"), Vec::new(), true, true), "SELECT")],
    );
    // A partition's column list only adds options to inherited columns.
    assert_eq!(
        single("CREATE TABLE p1 PARTITION OF p (a WITH OPTIONS NOT NULL) FOR VALUES IN (1)"),
        table(n("p1"), Vec::new(), false, false)
    );
    assert_eq!(
        single("CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (1) TO (10)"),
        table(n("p2"), Vec::new(), false, false)
    );
    assert_eq!(
        single("CREATE TABLE t (LIKE u INCLUDING ALL, a int)"),
        table(n("t"), a(), false, false)
    );
    // PostgreSQL 18's table-level NOT NULL, before or after its column.
    let mut not_null = a();
    not_null[0].not_null = true;
    assert_eq!(
        single("CREATE TABLE t (NOT NULL a, a int)"),
        table(n("t"), not_null.clone(), false, false)
    );
    // A one-column key is the column's.
    let keyed = |sql: &str| match single(sql) {
        Op::CreateTable { columns, .. } => columns[0].clone(),
        other => panic!("{other:?}"),
    };
    let key = keyed("CREATE TABLE t (a int, PRIMARY KEY (a))");
    assert!(key.primary_key && key.not_null && !key.unique);
    let key = keyed("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b))");
    assert!(!key.primary_key && key.not_null);
    let key = keyed("CREATE TABLE t (a int, UNIQUE (a))");
    assert!(key.unique && !key.not_null);
    // A virtual generated column (the PostgreSQL 18 default).
    let mut virtual_column = col("v", ty("integer", &[], false, "int"));
    virtual_column.generated = Some(Generated::Virtual(e("a + 1", Volatility::Volatile)));
    let mut columns = a();
    columns.push(virtual_column);
    assert_eq!(
        single("CREATE TABLE t (a int, v int GENERATED ALWAYS AS (a + 1))"),
        table(n("t"), columns, false, false)
    );
}

#[test]
fn column_types_have_canonical_names() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &[&str], bool)] = &[
        ("int", "integer", &[], false),
        ("INT4", "integer", &[], false),
        ("integer", "integer", &[], false),
        ("int8", "bigint", &[], false),
        ("BIGINT", "bigint", &[], false),
        ("int2", "smallint", &[], false),
        ("smallint", "smallint", &[], false),
        ("serial", "serial", &[], false),
        ("serial4", "serial", &[], false),
        ("bigserial", "bigserial", &[], false),
        ("serial8", "bigserial", &[], false),
        ("smallserial", "smallserial", &[], false),
        ("character varying(255)", "varchar", &["255"], false),
        ("varchar(255)", "varchar", &["255"], false),
        ("VARCHAR", "varchar", &[], false),
        ("char(3)", "char", &["3"], false),
        ("character", "char", &[], false),
        ("bpchar", "char", &[], false),
        ("\"char\"", "\"char\"", &[], false),
        ("timestamp", "timestamp", &[], false),
        ("timestamp without time zone", "timestamp", &[], false),
        ("timestamp with time zone", "timestamptz", &[], false),
        ("timestamptz", "timestamptz", &[], false),
        ("timestamp(3) with time zone", "timestamptz", &["3"], false),
        ("time", "time", &[], false),
        ("time with time zone", "timetz", &[], false),
        ("timetz", "timetz", &[], false),
        ("decimal(10,2)", "numeric", &["10", "2"], false),
        ("numeric", "numeric", &[], false),
        ("bool", "boolean", &[], false),
        ("boolean", "boolean", &[], false),
        ("float8", "double precision", &[], false),
        ("double precision", "double precision", &[], false),
        ("float", "double precision", &[], false),
        ("float(10)", "real", &[], false),
        ("float4", "real", &[], false),
        ("real", "real", &[], false),
        ("text", "text", &[], false),
        ("TEXT", "text", &[], false),
        ("jsonb", "jsonb", &[], false),
        ("uuid", "uuid", &[], false),
        ("bytea", "bytea", &[], false),
        ("date", "date", &[], false),
        ("text[]", "text", &[], true),
        ("int array", "integer", &[], true),
        ("integer[][]", "integer", &[], true),
        ("pg_catalog.int8", "bigint", &[], false),
        ("public.mood", "public.mood", &[], false),
        ("\"MyType\"", "MyType", &[], false),
        ("Mood", "mood", &[], false),
        ("interval day to second", "interval", &["day to second"], false),
        ("interval(3)", "interval", &["3"], false),
        ("bit varying(3)", "bit varying", &["3"], false),
        ("varbit", "bit varying", &[], false),
        ("bit(8)", "bit", &["8"], false),
    ];
    for (written, name, args, array) in cases {
        let sql = format!("CREATE TABLE t (c {written})");
        let Op::CreateTable { columns, .. } = single(&sql) else {
            panic!("{sql}");
        };
        assert_eq!(
            columns[0].data_type,
            ty(name, args, *array, written),
            "{written}"
        );
    }
}

// --- ALTER TABLE --------------------------------------------------------------------------

#[test]
fn alter_table_actions() {
    let sql = "ALTER TABLE ONLY public.\"Foo\"\n\
        ADD COLUMN IF NOT EXISTS x int4[] NOT NULL DEFAULT now(),\n\
        ALTER COLUMN y TYPE varchar(20) USING y::text,\n\
        DROP COLUMN z CASCADE,\n\
        DROP w,\n\
        RENAME COLUMN a TO b,\n\
        ALTER COLUMN c SET NOT NULL,\n\
        ALTER COLUMN d DROP NOT NULL,\n\
        ALTER e SET DEFAULT gen_random_uuid(),\n\
        ALTER COLUMN f DROP DEFAULT,\n\
        ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (c) ON DELETE CASCADE NOT VALID,\n\
        VALIDATE CONSTRAINT fk,\n\
        DROP CONSTRAINT IF EXISTS old CASCADE,\n\
        SET (fillfactor = 70),\n\
        ADD PRIMARY KEY USING INDEX idx";
    let table = || q("public", "Foo");
    let mut x = col("x", ty("integer", &[], true, "int4[]"));
    x.not_null = true;
    x.default = Some(e("now()", Volatility::Stable));
    check(
        sql,
        vec![
            (
                Op::AddColumn {
                    table: table(),
                    column: x,
                    if_not_exists: true,
                },
                "ADD COLUMN",
            ),
            (
                Op::AlterColumnType {
                    table: table(),
                    column: "y".into(),
                    data_type: ty("varchar", &["20"], false, "varchar(20)"),
                    using: Some(e("y::text", Volatility::Volatile)),
                },
                "ALTER COLUMN y",
            ),
            (
                Op::DropColumn {
                    table: table(),
                    column: "z".into(),
                    if_exists: false,
                    cascade: true,
                },
                "DROP COLUMN z",
            ),
            (
                Op::DropColumn {
                    table: table(),
                    column: "w".into(),
                    if_exists: false,
                    cascade: false,
                },
                "DROP w",
            ),
            (
                Op::RenameColumn {
                    table: table(),
                    column: "a".into(),
                    to: "b".into(),
                },
                "RENAME COLUMN",
            ),
            (
                Op::SetNotNull {
                    table: table(),
                    column: "c".into(),
                },
                "ALTER COLUMN c",
            ),
            (
                Op::DropNotNull {
                    table: table(),
                    column: "d".into(),
                },
                "ALTER COLUMN d",
            ),
            (
                Op::SetDefault {
                    table: table(),
                    column: "e".into(),
                    default: e("gen_random_uuid()", Volatility::Volatile),
                },
                "ALTER e",
            ),
            (
                Op::DropDefault {
                    table: table(),
                    column: "f".into(),
                },
                "ALTER COLUMN f",
            ),
            (
                Op::AddConstraint {
                    table: table(),
                    constraint: Constraint {
                        name: Some("fk".into()),
                        kind: ConstraintKind::ForeignKey(fk(
                            &["a"],
                            n("b"),
                            &["c"],
                            Some("cascade"),
                        )),
                        not_valid: true,
                    },
                },
                "ADD CONSTRAINT fk",
            ),
            (
                Op::ValidateConstraint {
                    table: table(),
                    name: "fk".into(),
                },
                "VALIDATE",
            ),
            (
                Op::DropConstraint {
                    table: table(),
                    name: "old".into(),
                    if_exists: true,
                    cascade: true,
                },
                "DROP CONSTRAINT",
            ),
            (
                Op::AlterTableOther {
                    table: table(),
                    description: "SET (fillfactor = 70)".into(),
                },
                "SET (",
            ),
            (
                Op::AddConstraint {
                    table: table(),
                    constraint: Constraint {
                        name: None,
                        kind: ConstraintKind::PrimaryKey {
                            columns: Vec::new(),
                            using_index: Some("idx".into()),
                        },
                        not_valid: false,
                    },
                },
                "ADD PRIMARY KEY",
            ),
        ],
    );
}

#[test]
fn alter_table_constraints_without_names() {
    let add = |sql: &str| match single(sql) {
        Op::AddConstraint { table, constraint } => {
            assert_eq!(table, n("t"), "{sql}");
            constraint
        }
        other => panic!("{sql}: {other:?}"),
    };
    let c = |name: Option<&str>, kind, not_valid| Constraint {
        name: name.map(str::to_string),
        kind,
        not_valid,
    };
    assert_eq!(
        add("ALTER TABLE t ADD PRIMARY KEY (id)"),
        c(
            None,
            ConstraintKind::PrimaryKey {
                columns: strings(&["id"]),
                using_index: None
            },
            false
        )
    );
    assert_eq!(
        add("ALTER TABLE t ADD UNIQUE (a, b)"),
        c(
            None,
            ConstraintKind::Unique {
                columns: strings(&["a", "b"]),
                using_index: None
            },
            false
        )
    );
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u_idx"),
        c(
            Some("u"),
            ConstraintKind::Unique {
                columns: Vec::new(),
                using_index: Some("u_idx".into())
            },
            false
        )
    );
    assert_eq!(
        add("ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES b"),
        c(
            None,
            ConstraintKind::ForeignKey(fk(&["a"], n("b"), &[], None)),
            false
        )
    );
    assert_eq!(
        add("ALTER TABLE t ADD CHECK (a > 0) NOT VALID"),
        c(
            None,
            ConstraintKind::Check(e("a > 0", Volatility::Volatile)),
            true
        )
    );
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)"),
        c(Some("ex"), ConstraintKind::Exclude, false)
    );
    // PostgreSQL 18: a named NOT NULL constraint is SET NOT NULL; NOT VALID skips the scan.
    assert_eq!(
        single("ALTER TABLE t ADD CONSTRAINT nn NOT NULL a"),
        Op::SetNotNull {
            table: n("t"),
            column: "a".into()
        }
    );
    assert_eq!(
        add("ALTER TABLE t ADD CONSTRAINT nn NOT NULL a NOT VALID"),
        c(
            Some("nn"),
            ConstraintKind::Check(e("a IS NOT NULL", Volatility::Volatile)),
            true
        )
    );
}

#[test]
fn alter_table_renames_and_other_actions() {
    check(
        "ALTER TABLE IF EXISTS s.t RENAME TO u",
        vec![(
            Op::RenameTable {
                table: q("s", "t"),
                to: n("u"),
            },
            "RENAME",
        )],
    );
    let others: &[(&str, &str)] = &[
        ("OWNER TO admin", "OWNER TO admin"),
        (
            "ATTACH PARTITION p FOR VALUES IN (1)",
            "ATTACH PARTITION p FOR VALUES IN (1)",
        ),
        (
            "DETACH PARTITION p CONCURRENTLY",
            "DETACH PARTITION p CONCURRENTLY",
        ),
        ("ENABLE TRIGGER trg", "ENABLE TRIGGER trg"),
        ("DISABLE TRIGGER ALL", "DISABLE TRIGGER ALL"),
        (
            "ALTER COLUMN a SET STATISTICS 500",
            "ALTER COLUMN a SET STATISTICS 500",
        ),
        ("CLUSTER ON idx", "CLUSTER ON idx"),
        ("SET LOGGED", "SET LOGGED (rewrites the table)"),
        ("SET UNLOGGED", "SET UNLOGGED (rewrites the table)"),
        (
            "SET TABLESPACE fast",
            "SET TABLESPACE fast (rewrites the table)",
        ),
        (
            "SET ACCESS METHOD heap",
            "SET ACCESS METHOD heap (rewrites the table)",
        ),
        (
            "ALTER COLUMN c SET EXPRESSION AS (a + 1)",
            "ALTER COLUMN c SET EXPRESSION AS (a + 1) (rewrites the table)",
        ),
        ("SET SCHEMA other", "SET SCHEMA other"),
        ("RENAME CONSTRAINT a TO b", "RENAME CONSTRAINT a TO b"),
        ("ENABLE ROW LEVEL SECURITY", "ENABLE ROW LEVEL SECURITY"),
        ("REPLICA IDENTITY FULL", "REPLICA IDENTITY FULL"),
        (
            "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY",
            "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY",
        ),
    ];
    for (action, description) in others {
        let sql = format!("ALTER TABLE t {action}");
        check(
            &sql,
            vec![(
                Op::AlterTableOther {
                    table: n("t"),
                    description: description.to_string(),
                },
                action,
            )],
        );
    }
    assert!(matches!(
        single("ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b"),
        Op::Unknown { .. }
    ));
}

// --- indexes ------------------------------------------------------------------------------

#[test]
fn indexes() {
    check(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON ONLY s.t USING btree (a, lower(b) DESC, \"C\") WHERE deleted_at IS NULL",
        vec![(
            Op::CreateIndex(IndexDef {
                name: Some(n("idx")),
                table: q("s", "t"),
                columns: strings(&["a", "lower(b)", "C"]),
                unique: true,
                concurrently: true,
                if_not_exists: true,
                predicate: Some("deleted_at IS NULL".into()),
            }),
            "CREATE",
        )],
    );
    check(
        "CREATE INDEX ON t (a)",
        vec![(
            Op::CreateIndex(IndexDef {
                name: None,
                table: n("t"),
                columns: strings(&["a"]),
                unique: false,
                concurrently: false,
                if_not_exists: false,
                predicate: None,
            }),
            "CREATE",
        )],
    );
    let drop = |name: Name, concurrently, if_exists| Op::DropIndex {
        name,
        table: None,
        concurrently,
        if_exists,
    };
    check(
        "DROP INDEX CONCURRENTLY IF EXISTS a, s.b",
        vec![
            (drop(n("a"), true, true), "a,"),
            (drop(q("s", "b"), true, true), "s.b"),
        ],
    );
    check(
        "DROP INDEX idx CASCADE",
        vec![(drop(n("idx"), false, false), "idx")],
    );
    let reindex = |target: Name, concurrently| Op::Reindex {
        target,
        concurrently,
    };
    assert_eq!(
        single("REINDEX INDEX CONCURRENTLY idx"),
        reindex(n("idx"), true)
    );
    assert_eq!(single("REINDEX TABLE s.t"), reindex(q("s", "t"), false));
    assert_eq!(
        single("REINDEX (CONCURRENTLY) SCHEMA app"),
        reindex(n("app"), true)
    );
    assert_eq!(single("REINDEX DATABASE db"), reindex(n("db"), false));
}

// --- drops and truncates --------------------------------------------------------------------

#[test]
fn drops_and_truncates_give_one_action_per_object() {
    check(
        "DROP TABLE IF EXISTS a, s.b CASCADE",
        vec![
            (
                Op::DropTable {
                    table: n("a"),
                    if_exists: true,
                    cascade: true,
                },
                "a,",
            ),
            (
                Op::DropTable {
                    table: q("s", "b"),
                    if_exists: true,
                    cascade: true,
                },
                "s.b",
            ),
        ],
    );
    check(
        "TRUNCATE TABLE a, ONLY b CASCADE",
        vec![
            (
                Op::Truncate {
                    table: n("a"),
                    cascade: true,
                },
                "a,",
            ),
            (
                Op::Truncate {
                    table: n("b"),
                    cascade: true,
                },
                "ONLY b",
            ),
        ],
    );
    check(
        "TRUNCATE t",
        vec![(
            Op::Truncate {
                table: n("t"),
                cascade: false,
            },
            "t",
        )],
    );
    let drop = |kind, name: Name, if_exists, cascade| Op::DropObject {
        kind,
        name,
        if_exists,
        cascade,
    };
    let cases: Vec<(&str, Op, &str)> = vec![
        (
            "DROP SCHEMA IF EXISTS app CASCADE",
            drop(ObjectKind::Schema, n("app"), true, true),
            "app",
        ),
        (
            "DROP DATABASE db",
            drop(ObjectKind::Database, n("db"), false, false),
            "db",
        ),
        (
            "DROP TYPE s.mood",
            drop(ObjectKind::Type, q("s", "mood"), false, false),
            "s.mood",
        ),
        (
            "DROP VIEW v RESTRICT",
            drop(ObjectKind::View, n("v"), false, false),
            "v ",
        ),
        (
            "DROP MATERIALIZED VIEW IF EXISTS mv",
            drop(ObjectKind::MaterializedView, n("mv"), true, false),
            "mv",
        ),
        (
            "DROP FUNCTION f(int, text)",
            drop(ObjectKind::Function, n("f"), false, false),
            "f(",
        ),
        (
            "DROP PROCEDURE s.p",
            drop(ObjectKind::Procedure, q("s", "p"), false, false),
            "s.p",
        ),
        (
            "DROP TRIGGER IF EXISTS trg ON t",
            drop(ObjectKind::Trigger, n("trg"), true, false),
            "trg",
        ),
        (
            "DROP SEQUENCE seq CASCADE",
            drop(ObjectKind::Sequence, n("seq"), false, true),
            "seq",
        ),
        (
            "DROP EXTENSION IF EXISTS \"uuid-ossp\"",
            drop(ObjectKind::Extension, n("uuid-ossp"), true, false),
            "\"uuid",
        ),
        (
            "DROP DOMAIN email",
            drop(ObjectKind::Other, n("email"), false, false),
            "email",
        ),
        (
            "DROP POLICY p ON t",
            drop(ObjectKind::Other, n("p"), false, false),
            "p ON",
        ),
    ];
    for (sql, op, words) in cases {
        check(sql, vec![(op, words)]);
    }
    check(
        "DROP VIEW a, b",
        vec![
            (drop(ObjectKind::View, n("a"), false, false), "a,"),
            (drop(ObjectKind::View, n("b"), false, false), "b"),
        ],
    );
    assert!(matches!(single("DROP OWNED BY app"), Op::Unknown { .. }));
}

// --- types and other objects ----------------------------------------------------------------

#[test]
fn types_and_enums() {
    assert_eq!(
        single("CREATE TYPE s.mood AS ENUM ('sad', 'ok', 'it''s')"),
        Op::CreateType {
            name: q("s", "mood"),
            enum_values: Some(strings(&["sad", "ok", "it's"])),
        }
    );
    assert_eq!(
        single("CREATE TYPE pair AS (a int, b text)"),
        Op::CreateType {
            name: n("pair"),
            enum_values: None,
        }
    );
    check(
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok'",
        vec![(
            Op::AlterTypeAddValue {
                name: n("mood"),
                value: "happy".into(),
            },
            "ADD VALUE",
        )],
    );
    check(
        "ALTER TYPE mood RENAME TO feeling",
        vec![(
            Op::RenameObject {
                kind: ObjectKind::Type,
                name: n("mood"),
                to: n("feeling"),
            },
            "RENAME",
        )],
    );
    assert_eq!(
        single("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'"),
        Op::Other {
            description: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'".into()
        }
    );
}

#[test]
fn create_objects() {
    let create = |kind, name: Name, tables: Vec<Name>, or_replace| Op::CreateObject {
        kind,
        name,
        tables,
        or_replace,
    };
    let cases: Vec<(&str, Op)> = vec![
        (
            "CREATE OR REPLACE VIEW v AS SELECT a.x FROM a JOIN s.b ON true WHERE a.y IN (SELECT y FROM c)",
            create(
                ObjectKind::View,
                n("v"),
                vec![n("a"), q("s", "b"), n("c")],
                true,
            ),
        ),
        (
            "CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS WITH w AS (SELECT 1 FROM t) SELECT * FROM w",
            create(ObjectKind::MaterializedView, n("mv"), vec![n("t")], false),
        ),
        (
            "CREATE OR REPLACE FUNCTION s.f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$",
            create(ObjectKind::Function, q("s", "f"), Vec::new(), true),
        ),
        (
            "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN NULL; END $$",
            create(ObjectKind::Procedure, n("p"), Vec::new(), false),
        ),
        (
            "CREATE OR REPLACE TRIGGER trg BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION touch()",
            create(ObjectKind::Trigger, n("trg"), vec![q("s", "t")], true),
        ),
        (
            "CREATE SCHEMA IF NOT EXISTS app",
            create(ObjectKind::Schema, n("app"), Vec::new(), false),
        ),
        (
            "CREATE SEQUENCE seq START 1",
            create(ObjectKind::Sequence, n("seq"), Vec::new(), false),
        ),
        (
            "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public",
            create(ObjectKind::Extension, n("pgcrypto"), Vec::new(), false),
        ),
        (
            "CREATE DOMAIN email AS text CHECK (VALUE ~ '@')",
            create(ObjectKind::Other, n("email"), Vec::new(), false),
        ),
        (
            "CREATE POLICY own ON t USING (owner = current_user)",
            create(ObjectKind::Other, n("own"), vec![n("t")], false),
        ),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, "CREATE")]);
    }
    // The elements of CREATE SCHEMA are statements of their own.
    let all = actions("CREATE SCHEMA app CREATE TABLE t (a int) CREATE VIEW v AS SELECT a FROM t");
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(matches!(all[1].op, Op::CreateTable { .. }));
    assert_eq!(
        all[2].offset,
        "CREATE SCHEMA app CREATE TABLE t (a int) ".len()
    );
}

#[test]
fn object_renames() {
    let rename = |kind, name: Name, to: Name| Op::RenameObject { kind, name, to };
    let cases: Vec<(&str, Op)> = vec![
        (
            "ALTER INDEX IF EXISTS s.i RENAME TO j",
            rename(ObjectKind::Index, q("s", "i"), n("j")),
        ),
        (
            "ALTER VIEW v RENAME TO w",
            rename(ObjectKind::View, n("v"), n("w")),
        ),
        (
            "ALTER MATERIALIZED VIEW v RENAME TO w",
            rename(ObjectKind::MaterializedView, n("v"), n("w")),
        ),
        (
            "ALTER SEQUENCE a RENAME TO b",
            rename(ObjectKind::Sequence, n("a"), n("b")),
        ),
        (
            "ALTER FUNCTION f(int) RENAME TO g",
            rename(ObjectKind::Function, n("f"), n("g")),
        ),
        (
            "ALTER PROCEDURE p RENAME TO r",
            rename(ObjectKind::Procedure, n("p"), n("r")),
        ),
        (
            "ALTER SCHEMA a RENAME TO \"B\"",
            rename(ObjectKind::Schema, n("a"), n("B")),
        ),
        (
            "ALTER TRIGGER a ON t RENAME TO b",
            rename(ObjectKind::Trigger, n("a"), n("b")),
        ),
        (
            "ALTER DATABASE a RENAME TO b",
            rename(ObjectKind::Database, n("a"), n("b")),
        ),
    ];
    for (sql, op) in cases {
        check(sql, vec![(op, "RENAME")]);
    }
    // Other ALTERs of those objects are described.
    assert_eq!(
        single("ALTER SEQUENCE s OWNED BY t.id"),
        Op::Other {
            description: "ALTER SEQUENCE s OWNED BY t.id".into()
        }
    );
    assert_eq!(
        single("ALTER INDEX i SET (fillfactor = 80)"),
        Op::Other {
            description: "ALTER INDEX i SET (fillfactor = 80)".into()
        }
    );
}
