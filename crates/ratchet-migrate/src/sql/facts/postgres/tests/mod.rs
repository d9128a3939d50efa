//! Tests of the PostgreSQL extractor: every construct with its exact actions and offsets
//! (`ddl`, `dml`), volatility, errors, properties, and (when present) the evaluation
//! corpus.

mod ddl;
mod dml;

use super::{extract, read};
use crate::sql::facts::{
    Action, ColumnDef, Constraint, ConstraintKind, DataType, Expr, ForeignKey, Generated, IndexDef,
    Name, ObjectKind, Op, TransactionOp, Volatility,
};

// --- helpers ------------------------------------------------------------------------------

pub(super) fn actions(sql: &str) -> Vec<Action> {
    match extract(sql) {
        Ok((actions, online)) => {
            assert_eq!(online, Default::default(), "{sql}");
            actions
        }
        Err(e) => panic!("{sql}\n{e}"),
    }
}

pub(super) fn single(sql: &str) -> Op {
    let mut all = actions(sql);
    assert_eq!(all.len(), 1, "{sql}\n{all:#?}");
    all.remove(0).op
}

pub(super) fn n(name: &str) -> Name {
    Name::new(name)
}

pub(super) fn q(schema: &str, name: &str) -> Name {
    Name {
        schema: Some(schema.into()),
        name: name.into(),
    }
}

pub(super) fn ty(name: &str, args: &[&str], array: bool, text: &str) -> DataType {
    DataType {
        name: name.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        array,
        text: text.into(),
    }
}

pub(super) fn col(name: &str, data_type: DataType) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        data_type,
        not_null: false,
        primary_key: false,
        unique: false,
        default: None,
        generated: None,
        references: None,
        check: None,
    }
}

pub(super) fn e(text: &str, volatility: Volatility) -> Expr {
    Expr {
        text: text.into(),
        volatility,
    }
}

pub(super) fn fk(
    columns: &[&str],
    table: Name,
    referred: &[&str],
    on_delete: Option<&str>,
) -> ForeignKey {
    ForeignKey {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        table,
        referred: referred.iter().map(|c| c.to_string()).collect(),
        on_delete: on_delete.map(str::to_string),
    }
}

pub(super) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

/// Checks `sql`'s actions against `(op, words)`: each action's offset is where `words`
/// first occurs in `sql`.
pub(super) fn check(sql: &str, expected: Vec<(Op, &str)>) {
    let got = actions(sql);
    let want: Vec<Action> = expected
        .into_iter()
        .map(|(op, words)| Action {
            op,
            offset: sql
                .find(words)
                .unwrap_or_else(|| panic!("`{words}` is not in `{sql}`")),
        })
        .collect();
    assert_eq!(got, want, "\n{sql}");
}

// --- names, offsets, errors -----------------------------------------------------------------

#[test]
fn names_fold_like_postgresql() {
    assert_eq!(
        single("DROP TABLE \"MySchema\".Orders"),
        Op::DropTable {
            table: q("MySchema", "orders"),
            if_exists: false,
            cascade: false,
        }
    );
    assert_eq!(
        single("DROP TABLE db.app.\"Order\"\"s\""),
        Op::DropTable {
            table: q("app", "Order\"s"),
            if_exists: false,
            cascade: false,
        }
    );
    let Op::AddColumn { column, .. } = single("ALTER TABLE t ADD \"CamelCase\" TEXT") else {
        panic!()
    };
    assert_eq!(column.name, "CamelCase");
}

#[test]
fn empty_and_comment_only_statements_do_nothing() {
    assert_eq!(actions(""), Vec::new());
    assert_eq!(actions("-- nothing\n/* at all */"), Vec::new());
    assert_eq!(actions(";"), Vec::new());
}

#[test]
fn offsets_skip_leading_comments() {
    check(
        "/* why */ -- because\nCREATE INDEX i ON t (a)",
        vec![(
            Op::CreateIndex(IndexDef {
                name: Some(n("i")),
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
}

#[test]
fn syntax_errors_say_where_and_what_to_do() {
    for (sql, near) in [
        ("SELECT FROM", "at the end of the statement"),
        (
            "CREATE TABLE t (id INTEGER AUTOINCREMENT, b int)",
            "near `AUTOINCREMENT, b int)`",
        ),
        ("ALTER TABLE t ADD DEFAULT ''", "near `''`"),
        ("UPDATE", "at the end of the statement"),
        ("frobnicate the table", "near `frobnicate the table`"),
        ("SELECT 'unterminated", "near `'unterminated`"),
        ("CREATE INDEX i ON t (a) CREATE INDEX j ON t (b)", ""),
    ] {
        let Err(message) = extract(sql) else {
            panic!("{sql} parsed");
        };
        assert!(
            message.starts_with("PostgreSQL syntax error") && message.contains(near),
            "{sql}: {message}"
        );
        assert!(message.contains("fix the statement"), "{message}");
    }
}

#[test]
fn deep_nesting_neither_overflows_the_stack_nor_is_guessed() {
    // Each of these overflows a test thread's 2 MiB stack when read on it (debug build).
    let parens = format!("SELECT {}1{}", "(".repeat(2_000), ")".repeat(2_000));
    assert!(matches!(single(&parens), Op::Query { .. }));
    let subqueries = format!("{}1{}", "SELECT (".repeat(1_000), ")".repeat(1_000));
    assert!(matches!(single(&subqueries), Op::Query { .. }));
    let case = format!(
        "SELECT {}1{}",
        "CASE WHEN true THEN ".repeat(2_000),
        " END".repeat(2_000)
    );
    assert!(matches!(single(&case), Op::Query { .. }));
    let chain = format!(
        "DELETE FROM t WHERE {}",
        vec!["id = 1"; 20_000].join(" OR ")
    );
    assert!(matches!(
        single(&chain),
        Op::Delete {
            filter: Some(_),
            ..
        }
    ));
    let too_deep = format!("SELECT {}1{}", "(".repeat(6_000), ")".repeat(6_000));
    let Err(message) = extract(&too_deep) else {
        panic!("read a statement nested 6000 levels deep")
    };
    assert!(message.contains("6000 levels deep"), "{message}");
    // Brackets in strings and comments do not count.
    let quoted = format!("SELECT '{}' -- {}\n", "(".repeat(6_000), "[".repeat(6_000));
    assert!(matches!(single(&quoted), Op::Query { .. }));
}

// --- properties ---------------------------------------------------------------------------

/// Real statements of every kind, for the mutation property test.
const SAMPLES: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS t (id bigserial PRIMARY KEY, a varchar(20) NOT NULL DEFAULT 'x', b int REFERENCES u (id) ON DELETE CASCADE, CHECK (b > 0))",
    "ALTER TABLE ONLY s.t ADD COLUMN c timestamptz DEFAULT now(), ALTER COLUMN a TYPE text USING a::text, DROP CONSTRAINT x",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (lower(a)) WHERE b IS NULL",
    "DROP INDEX CONCURRENTLY IF EXISTS a, b",
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN ALTER TABLE t ADD c int; END IF; END $$",
    "WITH d AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM d",
    "UPDATE t SET a = random(), (b, c) = (1, 2) FROM u WHERE t.id = u.id",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.id)",
    "SET LOCAL statement_timeout = '5s'",
    "CREATE TYPE mood AS ENUM ('a', 'b')",
    "COMMENT ON TABLE t IS 'é 🦀'",
    "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := now(); RETURN NEW; END $$",
];

/// The offsets of `sql`'s actions are positions in it.
fn offsets_are_positions(sql: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    // `read` rather than `extract`: a panic must fail the test, not be caught.
    if let Ok((actions, _)) = read(sql) {
        for action in actions {
            proptest::prop_assert!(
                action.offset <= sql.len() && sql.is_char_boundary(action.offset),
                "{sql}: {action:?}"
            );
        }
    }
    Ok(())
}

mod properties {
    use proptest::prelude::*;

    use super::{SAMPLES, offsets_are_positions};

    /// A sample with random edits: a cut, a deletion, an insertion of SQL-ish text.
    fn mutated() -> impl Strategy<Value = String> {
        (
            0..SAMPLES.len(),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    0usize..4,
                    "[ ();,'\"$a-z]{0,6}",
                ),
                1..4,
            ),
        )
            .prop_map(|(i, edits)| {
                let mut text = SAMPLES[i].to_string();
                for (at, kind, insert) in edits {
                    let mut pos = at.index(text.len() + 1);
                    while !text.is_char_boundary(pos) {
                        pos -= 1;
                    }
                    match kind {
                        0 => text.truncate(pos),
                        1 => {
                            let mut end = (pos + insert.len()).min(text.len());
                            while !text.is_char_boundary(end) {
                                end += 1;
                            }
                            text.replace_range(pos..end, "");
                        }
                        _ => text.insert_str(pos, &insert),
                    }
                }
                text
            })
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            offsets_are_positions(&text)?;
        }

        #[test]
        fn never_panics_on_mutated_statements(text in mutated()) {
            offsets_are_positions(&text)?;
        }
    }
}

// --- the evaluation corpus ------------------------------------------------------------------

/// The PostgreSQL migrations of the parser evaluation's corpus, when it is on this machine
/// (it is not in the repository; `RATCHET_PG_CORPUS` names another copy): at least 99% must
/// parse. psql meta-commands (`\echo ... \quit` in extension scripts) are dropped first:
/// they are psql's, not SQL.
#[test]
fn corpus_parses() {
    use crate::sql::{Dialect, split};
    let root = std::env::var("RATCHET_PG_CORPUS")
        .unwrap_or_else(|_| "/work/parser-eval/corpus".to_string());
    let Ok(projects) = std::fs::read_dir(&root) else {
        eprintln!("corpus not found: skipped");
        return;
    };
    let mut projects: Vec<_> = projects.flatten().map(|e| e.path()).collect();
    projects.sort();
    let mut totals = [(0usize, 0usize); 2];
    let mut failures = Vec::new();
    for project in projects {
        // squawk's own grammar fixtures are counted apart: they would flatter the parser.
        let fixture = project.ends_with("squawk-fixtures");
        let Ok(files) = std::fs::read_dir(project.join("pg")) else {
            continue;
        };
        let mut files: Vec<_> = files.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let text: String = text
                .lines()
                .filter(|line| !line.starts_with('\\'))
                .map(|line| format!("{line}\n"))
                .collect();
            let Ok(statements) = split(&text, Dialect::Postgres) else {
                continue;
            };
            for statement in statements {
                let total = &mut totals[usize::from(fixture)];
                total.1 += 1;
                match read(&statement.sql) {
                    Ok(_) => total.0 += 1,
                    Err(e) if !fixture => {
                        failures.push(format!("{}:{}: {e}", file.display(), statement.line))
                    }
                    Err(_) => {}
                }
            }
        }
    }
    let [(ok, total), (fixtures_ok, fixtures)] = totals;
    eprintln!(
        "corpus: {ok}/{total} migration statements parsed ({:.2}%); grammar fixtures {fixtures_ok}/{fixtures}",
        100.0 * ok as f64 / total.max(1) as f64
    );
    for failure in &failures {
        eprintln!("  {failure}");
    }
    assert!(total > 0);
    assert!(ok * 100 >= total * 99, "{ok}/{total}");
}
