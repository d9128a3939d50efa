use super::*;
use crate::ledger::RowState;

/// A migrations folder in a temporary directory.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Ledger rows saying `versions` of `set` are applied.
fn applied(set: &MigrationSet, versions: &[i64]) -> Vec<LedgerRow> {
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let m = set.get(*v).unwrap();
            LedgerRow {
                id: i64::try_from(i).unwrap() + 1,
                version: *v,
                name: m.name.clone(),
                kind: "schema".into(),
                checksum: m.checksum.clone(),
                applied_at: "2026-01-01T00:00:00Z".into(),
                applied_by: "me@here".into(),
                execution_time_ms: Some(1),
                rolled_back_at: None,
                rolled_back_by: None,
                reverted_by: None,
                state: RowState::Applied,
                statements_done: 1,
                note: None,
            }
        })
        .collect()
}

const ORDERS: &str =
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16), total INT);\n";

/// The statements every engine can invert, and the engine's own (constraints, types,
/// functions, triggers).
fn inverted_migration(dialect: Dialect) -> String {
    let mut up = String::from(
        "-- Customers, linked from orders.\n\
         CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100));\n\
         CREATE INDEX customers_name_idx ON customers (name);\n\
         INSERT INTO customers (id, name) VALUES (1, 'Ada');\n\
         ALTER TABLE orders ADD COLUMN customer_id BIGINT;\n\
         CREATE INDEX orders_customer_idx ON orders (customer_id);\n\
         CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;\n",
    );
    match dialect {
        Dialect::Postgres => up.push_str(
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) \
             REFERENCES customers (id) NOT VALID;\n\
             ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n\
             CREATE TYPE mood AS ENUM ('happy', 'sad');\n\
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
             CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n\
             ALTER TABLE orders RENAME COLUMN status TO state;\n",
        ),
        Dialect::Mysql => up.push_str(
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) \
             REFERENCES customers (id);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_status_uq UNIQUE (status);\n\
             CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.total = NEW.total;\n",
        ),
        Dialect::Sqlite => up.push_str(
            "CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN SELECT 1; END;\n\
             ALTER TABLE orders RENAME COLUMN status TO state;\n",
        ),
    }
    up
}

#[test]
fn generated_inversions_on_every_engine() {
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        let dir = folder(&[
            ("0001_orders.up.sql", ORDERS),
            ("0002_customers.up.sql", &inverted_migration(dialect)),
        ]);
        let set = source::load(dir.path(), None, dialect).unwrap();
        let revert = plan(&set, &applied(&set, &[1, 2]), 2, dialect).unwrap();
        assert_eq!(
            (revert.version, revert.name.as_str()),
            (3, "revert_customers")
        );
        assert_eq!(revert.files.len(), 1, "{dialect}");
        assert_eq!(
            revert.files[0].path,
            dir.path().join("0003_revert_customers.up.sql")
        );
        assert!(revert.review.is_empty(), "{:?}", revert.review);
        insta::assert_snapshot!(format!("generated_{dialect}"), revert.files[0].text);
        // The file is a migration ratchet reads back as a revert of 2.
        write(&revert).unwrap();
        let again = source::load(dir.path(), None, dialect).unwrap();
        let written = again.get(3).unwrap();
        assert_eq!(written.up.directives.reverts, Some(2));
        assert_eq!(
            written.up.directives.no_transaction,
            dialect == Dialect::Postgres
        );
        assert!(matches!(revert.source, RevertSource::Generated { .. }));
    }
}

#[test]
fn what_cannot_be_inverted_is_named_by_file_and_line() {
    let dir = folder(&[
        ("0001_orders.up.sql", ORDERS),
        (
            "0002_status_v2.up.sql",
            "-- Move status to a wider column.\n\
             ALTER TABLE orders ADD COLUMN status_v2 VARCHAR(64);\n\
             UPDATE orders SET status_v2 = status;\n\
             ALTER TABLE orders DROP COLUMN status;\n\
             ALTER TABLE orders ALTER COLUMN total TYPE BIGINT;\n",
        ),
    ]);
    let set = source::load(dir.path(), None, Dialect::Postgres).unwrap();
    let error = plan(&set, &applied(&set, &[1, 2]), 2, Dialect::Postgres).unwrap_err();
    assert!(matches!(error, Error::Refused { .. }), "{error:?}");
    let path = dir.path().join("0002_status_v2.up.sql");
    let p = path.display();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot invert migration 2 automatically:\n  \
             {p}:3: `UPDATE orders SET status_v2 = status`: a data change: the rows as they \
             were before are not known\n  \
             {p}:4: `ALTER TABLE orders DROP COLUMN status`: it drops something; what it \
             dropped (its definition, its data) is not in the statement\n  \
             {p}:5: `ALTER TABLE orders ALTER COLUMN total TYPE BIGINT`: a column change: the \
             column's previous definition, and values the change rounded or cut, are not in \
             the statement\n\
             write the revert by hand: `ratchet new revert_status_v2`, with `-- ratchet:reverts \
             2` at the top of its up file"
        )
    );
    // Nothing was written.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn unnamed_indexes_and_replaced_objects_cannot_be_inverted() {
    let dir = folder(&[
        ("0001_orders.up.sql", ORDERS),
        (
            "0002_view.up.sql",
            "CREATE VIEW v AS SELECT id FROM orders;\n",
        ),
        (
            "0003_more.up.sql",
            "CREATE INDEX ON orders (total);\nCREATE OR REPLACE VIEW v AS SELECT id, total FROM orders;\n",
        ),
    ]);
    let set = source::load(dir.path(), None, Dialect::Postgres).unwrap();
    let message = plan(&set, &applied(&set, &[1, 2, 3]), 3, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(":1: `CREATE INDEX ON orders (total)`: the index has no name"),
        "{message}"
    );
    assert!(
        message.contains(
            ":2: `CREATE OR REPLACE VIEW v AS SELECT id, total FROM orders`: it replaces the \
             view v an earlier migration created"
        ),
        "{message}"
    );
}

#[test]
fn a_down_file_is_copied_under_the_header() {
    let down = "-- Put it back.\nALTER TABLE orders DROP COLUMN priority;\n";
    let dir = folder(&[
        ("0001_orders.up.sql", ORDERS),
        (
            "0002_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority INT;\n",
        ),
        ("0002_priority.down.sql", down),
        (
            "0003_index.up.sql",
            "CREATE INDEX orders_priority_idx ON orders (priority);\n",
        ),
    ]);
    let set = source::load(dir.path(), None, Dialect::Sqlite).unwrap();
    let revert = plan(&set, &applied(&set, &[1, 2, 3]), 2, Dialect::Sqlite).unwrap();
    assert_eq!(
        revert.source,
        RevertSource::DownFile {
            path: dir.path().join("0002_priority.down.sql")
        }
    );
    assert_eq!(
        revert.files[0].text,
        format!(
            "-- ratchet:reverts 2\n-- Reverts migration 2 (priority), copied by `ratchet \
             revert 2`\n-- from 0002_priority.down.sql. Review it before `ratchet up`.\n{down}"
        )
    );
    // 3 indexes the column and stays applied: the reviewer is told.
    assert_eq!(
        revert.review,
        [
            "migration 3 depends on 2 (indexes orders.priority, added by 2) and stays applied: \
          revert it first (`ratchet revert 3`), or check that it still works once this \
          revert ran"
        ]
    );
}

#[test]
fn only_an_applied_unreverted_migration_can_be_reverted() {
    let dir = folder(&[
        ("0001_orders.up.sql", ORDERS),
        (
            "0002_priority.up.sql",
            "ALTER TABLE orders ADD COLUMN priority INT;\n",
        ),
    ]);
    let set = source::load(dir.path(), None, Dialect::Postgres).unwrap();
    let message = |rows: &[LedgerRow], v: i64| {
        plan(&set, rows, v, Dialect::Postgres)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        message(&applied(&set, &[1]), 2),
        "migration 2 is not applied (pending): there is nothing to revert"
    );
    assert_eq!(
        message(&applied(&set, &[1]), 9),
        format!(
            "there is no migration 9 in {}; `ratchet status` lists them",
            dir.path().display()
        )
    );
    let mut rows = applied(&set, &[1, 2]);
    rows[1].reverted_by = Some(3);
    assert_eq!(
        message(&rows, 2),
        "migration 2 is already reverted by migration 3; `ratchet history` shows when"
    );
    rows[1].reverted_by = None;
    rows[1].state = RowState::Failed;
    assert!(message(&rows, 2).starts_with("migration 2 failed part-way"));

    // A revert written but not applied yet is not written twice.
    let rows = applied(&set, &[1, 2]);
    let revert = plan(&set, &rows, 2, Dialect::Postgres).unwrap();
    write(&revert).unwrap();
    let set = source::load(dir.path(), None, Dialect::Postgres).unwrap();
    let message = plan(&set, &rows, 2, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(
        message.ends_with(
            "0003_revert_priority.up.sql already reverts migration 2 and is not applied yet: \
             review it and run `ratchet up`, or delete it to write a new one"
        ),
        "{message}"
    );
}

#[test]
fn dialect_variants_get_variants() {
    let dir = folder(&[
        ("0001_orders.up.sql", ORDERS),
        (
            "0002_index.up.sql",
            "CREATE INDEX orders_total_idx ON orders (total);\n",
        ),
        ("0002_index.down.sql", "DROP INDEX orders_total_idx;\n"),
        (
            "0002_index.down.mysql.sql",
            "DROP INDEX orders_total_idx ON orders;\n",
        ),
    ]);
    let set = source::load(dir.path(), None, Dialect::Sqlite).unwrap();
    let revert = plan(&set, &applied(&set, &[1, 2]), 2, Dialect::Sqlite).unwrap();
    let files: Vec<(String, Option<Dialect>)> = revert
        .files
        .iter()
        .map(|f| {
            (
                f.path.file_name().unwrap().to_string_lossy().into_owned(),
                f.dialect,
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("0003_revert_index.up.sql".to_string(), None),
            (
                "0003_revert_index.up.mysql.sql".to_string(),
                Some(Dialect::Mysql)
            ),
        ]
    );
    write(&revert).unwrap();
    let mysql = source::load(dir.path(), None, Dialect::Mysql).unwrap();
    assert_eq!(
        mysql.get(3).unwrap().up.statements[0].sql,
        "DROP INDEX orders_total_idx ON orders"
    );
    let postgres = source::load(dir.path(), None, Dialect::Postgres).unwrap();
    assert_eq!(
        postgres.get(3).unwrap().up.statements[0].sql,
        "DROP INDEX orders_total_idx"
    );
}

#[test]
fn every_layout_reads_the_revert_back() {
    let create = "CREATE TABLE t (id INT);";
    let layouts: [(&str, Vec<(&str, String)>); 5] = [
        ("sqlx", vec![("1_t.sql", format!("{create}\n"))]),
        (
            "golang-migrate",
            vec![
                ("1_t.up.sql", format!("{create}\n")),
                ("1_t.down.sql", "DROP TABLE t;\n".into()),
            ],
        ),
        (
            "diesel",
            vec![("2019-02-26-002946_t/up.sql", format!("{create}\n"))],
        ),
        (
            "dbmate",
            vec![(
                "20240101000000_t.sql",
                format!("-- migrate:up\n{create}\n-- migrate:down\n"),
            )],
        ),
        ("flyway", vec![("V1__t.sql", format!("{create}\n"))]),
    ];
    for (format, files) in layouts {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let dir = folder(&files);
        let format: SourceFormat = format.parse().unwrap();
        let set = source::load(dir.path(), Some(format), Dialect::Postgres).unwrap();
        let version = set.migrations[0].version;
        let revert = plan(&set, &applied(&set, &[version]), version, Dialect::Postgres).unwrap();
        write(&revert).unwrap();
        let again = source::load(dir.path(), Some(format), Dialect::Postgres).unwrap();
        assert_eq!(again.migrations.len(), 2, "{format}");
        let written = &again.migrations[1];
        assert!(written.version > version, "{format}");
        assert_eq!(written.name, "revert_t", "{format}");
        assert_eq!(written.up.directives.reverts, Some(version), "{format}");
        assert_eq!(
            written.up.statements.first().map(|s| s.sql.as_str()),
            Some("DROP TABLE t"),
            "{format}: {}",
            revert.files[0].text
        );
    }
}
