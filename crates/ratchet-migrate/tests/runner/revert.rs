//! `revert` on real databases: a generated revert, applied with `up`, brings the schema
//! back and links the ledger; a hand-written one restores data (the seed's example:
//! `status` restored from `status_v2`), and rolling it back unlinks the ledger.

use ratchet_migrate::ledger;
use ratchet_migrate::plan::DownTarget;
use ratchet_migrate::revert::{self, RevertSource};
use ratchet_migrate::status;

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    a_generated_revert_restores_the_schema_and_links_the_ledger,
    a_hand_written_revert_restores_status_from_status_v2,
);

/// The schema as sorted `kind:name` lines (tables, views, columns with their types,
/// indexes, keys, triggers, routines, enum types), ratchet's own tables left out.
fn schema(db: &TestDb, kind: Kind) -> Vec<String> {
    let queries: Vec<&str> = match kind {
        Kind::Postgres => vec![
            "SELECT table_type || ':' || table_name FROM information_schema.tables \
             WHERE table_schema = current_schema()",
            "SELECT 'column:' || table_name || '.' || column_name || ':' || data_type \
             FROM information_schema.columns WHERE table_schema = current_schema()",
            "SELECT 'index:' || indexname FROM pg_indexes WHERE schemaname = current_schema()",
            "SELECT 'key:' || constraint_name FROM information_schema.table_constraints \
             WHERE table_schema = current_schema() \
             AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')",
            "SELECT 'trigger:' || trigger_name FROM information_schema.triggers \
             WHERE trigger_schema = current_schema()",
            "SELECT 'routine:' || routine_name FROM information_schema.routines \
             WHERE routine_schema = current_schema()",
            "SELECT 'type:' || t.typname FROM pg_type t \
             JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = current_schema() AND t.typtype = 'e'",
        ],
        Kind::Mysql => vec![
            "SELECT CONCAT(table_type, ':', table_name) FROM information_schema.tables \
             WHERE table_schema = DATABASE()",
            "SELECT CONCAT('column:', table_name, '.', column_name, ':', data_type) \
             FROM information_schema.columns WHERE table_schema = DATABASE()",
            "SELECT DISTINCT CONCAT('index:', table_name, '.', index_name) \
             FROM information_schema.statistics WHERE table_schema = DATABASE()",
            "SELECT CONCAT('key:', constraint_name) FROM information_schema.table_constraints \
             WHERE table_schema = DATABASE()",
            "SELECT CONCAT('trigger:', trigger_name) FROM information_schema.triggers \
             WHERE trigger_schema = DATABASE()",
        ],
        Kind::Sqlite => vec![
            "SELECT type || ':' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
            "SELECT 'column:' || m.name || '.' || p.name || ':' || p.type \
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'",
        ],
    };
    let mut lines: Vec<String> = queries
        .into_iter()
        .flat_map(|q| db.rows(q))
        .filter_map(|row| row.into_iter().next().flatten())
        .filter(|line| !line.to_lowercase().contains("ratchet_"))
        .collect();
    lines.sort();
    lines
}

/// The live ledger row's `reverted_by` of a version, as text.
fn reverted_by(db: &TestDb, version: i64) -> Option<String> {
    db.scalar(&format!(
        "SELECT reverted_by FROM ratchet_migrations \
         WHERE version = {version} AND rolled_back_at IS NULL"
    ))
}

/// A migration whose every statement the revert can invert, in the engine's SQL.
fn customers(kind: Kind) -> String {
    let mut up = String::from(
        "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100));\n\
         CREATE INDEX customers_name_idx ON customers (name);\n\
         INSERT INTO customers (id, name) VALUES (1, 'Ada');\n\
         ALTER TABLE orders ADD COLUMN customer_id BIGINT;\n\
         CREATE INDEX orders_customer_idx ON orders (customer_id);\n\
         CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;\n",
    );
    up.push_str(match kind {
        Kind::Postgres => {
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) \
             REFERENCES customers (id) NOT VALID;\n\
             ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n\
             CREATE TYPE mood AS ENUM ('happy', 'sad');\n\
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
             CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n\
             ALTER TABLE orders RENAME COLUMN status TO state;\n"
        }
        Kind::Mysql => {
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) \
             REFERENCES customers (id);\n\
             ALTER TABLE orders ADD CONSTRAINT orders_total_uq UNIQUE (total);\n\
             CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.total = NEW.total;\n\
             ALTER TABLE orders RENAME COLUMN status TO state;\n"
        }
        Kind::Sqlite => {
            "CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN SELECT 1; END;\n\
             ALTER TABLE orders RENAME COLUMN status TO state;\n"
        }
    });
    up
}

async fn a_generated_revert_restores_the_schema_and_links_the_ledger(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[(
        "0001_orders.up.sql",
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16), total INT);\n\
         INSERT INTO orders (id, status, total) VALUES (1, 'new', 50), (2, 'paid', 500);\n",
    )]);
    up(&db, &folder).await.unwrap();
    let before = schema(&db, kind);
    folder.write("0002_customers.up.sql", &customers(kind));
    assert_eq!(up(&db, &folder).await.unwrap(), [2]);
    assert_ne!(schema(&db, kind), before);

    let mut engine = connect(&db).await;
    let dialect = engine.dialect();
    let rows = ledger::rows(engine.as_mut()).await.unwrap();
    let set = folder.set(dialect);
    let plan = revert::plan(&set, &rows, 2, dialect).unwrap();
    assert!(matches!(plan.source, RevertSource::Generated { .. }));
    revert::write(&plan).unwrap();
    assert_eq!(up(&db, &folder).await.unwrap(), [3]);

    // Every object 2 made is gone, the rename undone; the rows of orders are untouched.
    assert_eq!(schema(&db, kind), before);
    assert_eq!(
        db.rows("SELECT id, status FROM orders ORDER BY id"),
        [
            [Some("1".into()), Some("new".into())],
            [Some("2".into()), Some("paid".into())]
        ]
    );
    // The ledger links 2 to its revert; status says so.
    assert_eq!(reverted_by(&db, 2).as_deref(), Some("3"));
    let rows = ledger::rows(engine.as_mut()).await.unwrap();
    let set = folder.set(dialect);
    let statuses = status::compute(&set, &rows);
    assert_eq!(statuses[1].reverted_by, Some(3));
    assert_eq!(statuses[1].detail.as_deref(), Some("reverted by 3"));

    // Reverting it again is refused; so is rolling 2 back under its revert.
    assert_eq!(
        message(revert::plan(&set, &rows, 2, dialect)),
        "migration 2 is already reverted by migration 3; `ratchet history` shows when"
    );
    let refusal = message(down(&db, &folder, DownTarget::Only(2)).await);
    assert!(
        refusal.starts_with("cannot roll back 2 while 3 is applied:"),
        "{refusal}"
    );
    // A second revert written by hand is refused by `up`, before it runs.
    folder.write(
        "0004_again.up.sql",
        "-- ratchet:reverts 2\nCREATE TABLE again (id INT);\n",
    );
    let refusal = message(up(&db, &folder).await);
    assert_eq!(
        refusal,
        format!(
            "{} reverts migration 2, which migration 3 ({}) already reverts; remove one of them",
            folder.path().join("0004_again.up.sql").display(),
            folder.path().join("0003_revert_customers.up.sql").display()
        )
    );
    assert!(!db.has_table("again"));
    // So is a revert of a migration that is not applied (here: has never existed).
    folder.write(
        "0004_again.up.sql",
        "-- ratchet:reverts 9\nCREATE TABLE again (id INT);\n",
    );
    assert_eq!(
        message(up(&db, &folder).await),
        format!(
            "nothing was applied: {} reverts migration 9, which is not applied; correct its \
             `-- ratchet:reverts`, or apply 9 first",
            folder.path().join("0004_again.up.sql").display()
        )
    );
    assert!(!db.has_table("again"));
}

async fn a_hand_written_revert_restores_status_from_status_v2(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "0001_orders.up.sql",
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(16));\n",
        ),
        (
            "0002_seed.up.sql",
            "INSERT INTO orders (id, status) VALUES (1, 'new'), (2, 'paid'), (3, 'shipped');\n",
        ),
        (
            "0003_status_v2.up.sql",
            "-- status moves to a wider column, upper case.\n\
             ALTER TABLE orders ADD COLUMN status_v2 VARCHAR(64);\n\
             UPDATE orders SET status_v2 = UPPER(status);\n\
             ALTER TABLE orders DROP COLUMN status;\n",
        ),
    ]);
    up(&db, &folder).await.unwrap();
    assert_eq!(db.columns("orders"), ["id", "status_v2"]);

    // The data movement cannot be inverted from the statements: the error names them.
    let mut engine = connect(&db).await;
    let dialect = engine.dialect();
    let rows = ledger::rows(engine.as_mut()).await.unwrap();
    let message = message(revert::plan(&folder.set(dialect), &rows, 3, dialect));
    let path = folder.path().join("0003_status_v2.up.sql");
    assert!(
        message.starts_with(&format!(
            "cannot invert migration 3 automatically:\n  {}:3: `UPDATE orders SET status_v2 = \
             UPPER(status)`: a data change",
            path.display()
        )),
        "{message}"
    );
    assert!(message.contains(":4: `ALTER TABLE orders DROP COLUMN status`: it drops"));
    assert!(message.ends_with(
        "`ratchet new revert_status_v2`, with `-- ratchet:reverts 3` at the top of its up file"
    ));

    // 0004 is the revert, written by hand: status comes back from status_v2.
    folder.write(
        "0004_restore_status.up.sql",
        "-- ratchet:reverts 3\n\
         ALTER TABLE orders ADD COLUMN status VARCHAR(16);\n\
         UPDATE orders SET status = LOWER(status_v2);\n\
         ALTER TABLE orders DROP COLUMN status_v2;\n",
    );
    folder.write(
        "0004_restore_status.down.sql",
        "ALTER TABLE orders ADD COLUMN status_v2 VARCHAR(64);\n\
         UPDATE orders SET status_v2 = UPPER(status);\n\
         ALTER TABLE orders DROP COLUMN status;\n",
    );
    assert_eq!(up(&db, &folder).await.unwrap(), [4]);
    assert_eq!(db.columns("orders"), ["id", "status"]);
    assert_eq!(
        db.rows("SELECT status FROM orders ORDER BY id"),
        [
            [Some("new".into())],
            [Some("paid".into())],
            [Some("shipped".into())]
        ]
    );
    assert_eq!(reverted_by(&db, 3).as_deref(), Some("4"));

    // Rolling the revert back undoes the link: 3 is no longer reverted.
    assert_eq!(down(&db, &folder, DownTarget::Last).await.unwrap(), [4]);
    assert_eq!(db.columns("orders"), ["id", "status_v2"]);
    assert_eq!(reverted_by(&db, 3), None);
    assert_eq!(
        db.scalar("SELECT count(*) FROM ratchet_migrations WHERE version = 4 AND rolled_back_at IS NOT NULL")
            .as_deref(),
        Some("1")
    );
}
