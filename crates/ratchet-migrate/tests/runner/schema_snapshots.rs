//! Schema snapshots read from the real catalogs: the same schema gives the same text
//! however it was built, every kind of object is shown, ratchet's own tables are not, and
//! `up`/`down` save one before a step that destroys data or rewrites a table.

use ratchet_migrate::event::Event;
use ratchet_migrate::plan::{Direction, DownOptions, DownTarget, UpOptions};
use ratchet_migrate::runner::Runner;
use ratchet_migrate::snapshot::{self, SnapshotSettings};

use crate::engine_tests;
use crate::support::*;

engine_tests!(
    same_schema_built_two_ways_gives_the_same_snapshot,
    snapshot_is_saved_before_a_destructive_step,
);

/// Migration files: (name, text).
type Files = Vec<(&'static str, &'static str)>;

/// Applies `files` to a fresh database and returns its snapshot.
async fn snapshot_of(kind: Kind, files: &[(&str, &str)]) -> Option<String> {
    let db = TestDb::of(kind)?;
    let folder = Folder::new(files);
    up(&db, &folder).await.unwrap();
    let mut engine = connect(&db).await;
    Some(snapshot::take(engine.as_mut()).await.unwrap().render())
}

async fn same_schema_built_two_ways_gives_the_same_snapshot(kind: Kind) {
    let (at_once, step_by_step): (Files, Files) = match kind {
        Kind::Postgres => (
            vec![(
                "1_schema.up.sql",
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n\
                 CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, mood mood);\n\
                 CREATE TABLE orders (\n\
                   id serial PRIMARY KEY,\n\
                   customer_id int REFERENCES customers (id) ON DELETE CASCADE,\n\
                   total numeric(12,2) NOT NULL DEFAULT 0,\n\
                   CHECK (total >= 0)\n\
                 );\n\
                 CREATE INDEX orders_customer_idx ON orders (customer_id) WHERE total > 0;\n\
                 CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;\n",
            )],
            vec![
                (
                    "1_customers.up.sql",
                    "CREATE TABLE customers (id int4 PRIMARY KEY, email TEXT);\n",
                ),
                (
                    "2_orders.up.sql",
                    "CREATE SEQUENCE orders_id_seq AS integer;\nCREATE TABLE orders (id INTEGER NOT NULL DEFAULT nextval('orders_id_seq'));\nALTER SEQUENCE orders_id_seq OWNED BY orders.id;\nALTER TABLE orders ADD PRIMARY KEY (id);\n",
                ),
                (
                    "3_money.up.sql",
                    "ALTER TABLE orders ADD COLUMN total NUMERIC(12, 2) NOT NULL DEFAULT 0, ADD COLUMN customer_id INT4;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\nALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers ON DELETE CASCADE;\n",
                ),
                (
                    "4_tighten.up.sql",
                    "ALTER TABLE customers ALTER COLUMN email SET NOT NULL;\nCREATE INDEX orders_customer_idx ON orders USING btree (customer_id) WHERE (total > 0);\nCREATE TYPE mood AS ENUM ('sad', 'happy');\nALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';\nALTER TABLE customers ADD COLUMN mood mood;\n",
                ),
                (
                    "5_view.up.sql",
                    "CREATE VIEW big_orders AS\n  SELECT id, total\n  FROM orders\n  WHERE total > 100;\n",
                ),
            ],
        ),
        Kind::Mysql => (
            vec![(
                "1_schema.up.sql",
                "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, mood ENUM('sad','ok','happy'));\n\
                 CREATE TABLE orders (\n\
                   id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n\
                   customer_id INT,\n\
                   total DECIMAL(12,2) NOT NULL DEFAULT 0,\n\
                   CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,\n\
                   CONSTRAINT orders_total_check CHECK (total >= 0),\n\
                   INDEX orders_customer_idx (customer_id)\n\
                 );\n\
                 CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;\n",
            )],
            vec![
                (
                    "1_customers.up.sql",
                    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200));\n",
                ),
                (
                    "2_orders.up.sql",
                    "CREATE TABLE orders (id INT(11) NOT NULL, PRIMARY KEY (id));\nALTER TABLE orders MODIFY id INT NOT NULL AUTO_INCREMENT;\n",
                ),
                (
                    "3_money.up.sql",
                    "ALTER TABLE orders ADD COLUMN total DECIMAL(12, 2) NOT NULL DEFAULT 0, ADD COLUMN customer_id INT;\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n",
                ),
                (
                    "4_tighten.up.sql",
                    "ALTER TABLE customers MODIFY email VARCHAR(200) NOT NULL;\nALTER TABLE customers ADD COLUMN mood ENUM('sad','ok','happy') NULL DEFAULT NULL;\n",
                ),
                (
                    "5_view.up.sql",
                    "CREATE VIEW big_orders AS\n  SELECT id, total\n  FROM orders\n  WHERE total > 100;\n",
                ),
            ],
        ),
        Kind::Sqlite => (
            vec![(
                "1_schema.up.sql",
                "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n\
                 CREATE TABLE orders (\n\
                   id INTEGER PRIMARY KEY,\n\
                   total NUMERIC NOT NULL DEFAULT 0 CHECK (total >= 0),\n\
                   customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE\n\
                 );\n\
                 CREATE INDEX orders_customer_idx ON orders (customer_id) WHERE total > 0;\n\
                 CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;\n",
            )],
            vec![
                (
                    "1_customers.up.sql",
                    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);\n",
                ),
                (
                    "2_orders.up.sql",
                    "CREATE TABLE orders (id integer primary key, total numeric not null default 0 check (total >= 0));\n",
                ),
                (
                    "3_customer.up.sql",
                    "ALTER TABLE orders ADD COLUMN customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE;\nCREATE INDEX orders_customer_idx ON orders (customer_id)\n  WHERE total > 0;\n",
                ),
                // The table-rebuild procedure: new table, copy, drop, rename.
                (
                    "4_tighten.up.sql",
                    "CREATE TABLE customers_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nINSERT INTO customers_new SELECT id, email FROM customers;\nDROP TABLE customers;\nALTER TABLE customers_new RENAME TO customers;\n",
                ),
                (
                    "5_view.up.sql",
                    "CREATE VIEW big_orders AS\n  SELECT id, total\n  FROM orders\n  WHERE total > 100;\n",
                ),
            ],
        ),
    };
    let Some(first) = snapshot_of(kind, &at_once).await else {
        return;
    };
    let Some(second) = snapshot_of(kind, &step_by_step).await else {
        return;
    };
    assert_eq!(
        first,
        second,
        "{}",
        snapshot::diff(&first, &second, "one migration", "five migrations")
    );
    for expected in [
        "table customers",
        "orders_customer_idx",
        "view big_orders",
        "check",
    ] {
        assert!(first.contains(expected), "{expected} missing:\n{first}");
    }
    assert!(!first.contains("ratchet_"), "ratchet's own tables: {first}");
}

async fn snapshot_is_saved_before_a_destructive_step(kind: Kind) {
    let Some(db) = TestDb::of(kind) else { return };
    let folder = Folder::new(&[
        (
            "1_orders.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY, total INT);\n",
        ),
        ("1_orders.down.sql", "DROP TABLE orders;\n"),
        (
            "2_note.up.sql",
            "ALTER TABLE orders ADD COLUMN note VARCHAR(100);\n",
        ),
        ("2_note.down.sql", "ALTER TABLE orders DROP COLUMN note;\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let settings = SnapshotSettings {
        dir: dir.path().join("snapshots"),
        url: Some(db.url.clone()),
    };
    let events = Events::default();
    let mut engine = connect(&db).await;
    let set = folder.set(engine.dialect());
    let mut sink = events.sink();

    // Creating a table and adding a column destroy nothing: no snapshot.
    Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .with_snapshots(settings.clone())
        .up(&set, &UpOptions::default())
        .await
        .unwrap();
    assert!(!settings.dir.exists(), "no risky step, no snapshot");

    // Rolling back 2 drops a column: the snapshot is taken before, with the column in it.
    Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .with_snapshots(settings.clone())
        .down(&set, DownTarget::Only(2), &DownOptions::default())
        .await
        .unwrap();
    assert_eq!(db.columns("orders"), ["id", "total"]);
    let saved: Vec<_> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::SnapshotSaved {
                version,
                direction,
                reason,
                path,
                pg_dump,
                pg_dump_skipped,
            } => Some((version, direction, reason, path, pg_dump, pg_dump_skipped)),
            _ => None,
        })
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let (version, direction, reason, path, pg_dump, pg_dump_skipped) = &saved[0];
    assert_eq!((*version, *direction), (2, Direction::Down));
    assert!(reason.contains("2_note.down.sql:1"), "{reason}");
    assert!(reason.contains("destroys"), "{reason}");
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("2_down_") && name.ends_with("Z.txt"),
        "{name}"
    );
    assert_eq!(path.parent().unwrap(), settings.dir);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains("column note"),
        "taken before the step:\n{text}"
    );
    if kind == Kind::Postgres {
        let dump = pg_dump
            .as_ref()
            .unwrap_or_else(|| panic!("{pg_dump_skipped:?}"));
        assert_eq!(dump, &path.with_extension("pg_dump.sql"));
        let dump = std::fs::read_to_string(dump).unwrap();
        assert!(dump.contains("CREATE TABLE public.orders"), "{dump}");
        assert!(!dump.contains("ratchet_migrations"), "{dump}");
    } else {
        assert_eq!((pg_dump, pg_dump_skipped), (&None, &None));
    }
}

/// Applies `files` with the runner (so ratchet's ledger exists), adds objects that look
/// like ratchet's own, and returns the snapshot.
async fn every_kind(kind: Kind, files: &[(&str, &str)], own: &str) -> Option<String> {
    let db = TestDb::of(kind)?;
    up(&db, &Folder::new(files)).await.unwrap();
    db.execute(own);
    let mut engine = connect(&db).await;
    let text = snapshot::take(engine.as_mut()).await.unwrap().render();
    assert!(!text.contains("ratchet_"), "ratchet's own objects: {text}");
    Some(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_snapshot_shows_every_kind_of_object() {
    let schema = "\
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 10;
CREATE SCHEMA billing;
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text COLLATE \"C\");
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int REFERENCES customers (id) ON DELETE CASCADE,
  total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  status order_status NOT NULL DEFAULT 'new',
  note varchar(200),
  created_at timestamptz NOT NULL DEFAULT now(),
  cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED,
  during tstzrange,
  CONSTRAINT orders_no_overlap EXCLUDE USING gist (during WITH &&),
  CONSTRAINT orders_note_check CHECK (note <> '') NOT VALID
);
ALTER TABLE orders ADD CONSTRAINT orders_total_small CHECK (total < 1000000) NOT VALID;
CREATE INDEX orders_open_idx ON orders (status) WHERE status <> 'shipped';
CREATE UNIQUE INDEX orders_note_key ON orders (lower(note) DESC NULLS LAST, id) INCLUDE (total);
CREATE INDEX orders_note_hash ON orders USING hash (note);
CREATE TABLE billing.invoices (id int PRIMARY KEY, order_id bigint REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE events (at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status <> 'shipped';
CREATE MATERIALIZED VIEW totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE INDEX totals_customer_idx ON totals (customer_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.created_at = now(); RETURN NEW; END$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE PROCEDURE archive(days int) LANGUAGE sql AS $$DELETE FROM orders WHERE created_at < now() - make_interval(days => days)$$;
";
    let own = "CREATE SCHEMA ratchet_backup; \
               CREATE TABLE ratchet_backup.orders_1 (id int PRIMARY KEY); \
               CREATE TABLE ratchet_backup_orders_2 (id serial PRIMARY KEY)";
    let Some(text) = every_kind(Kind::Postgres, &[("1_schema.up.sql", schema)], own).await else {
        return;
    };
    insta::assert_snapshot!("postgres_every_kind", text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_snapshot_shows_every_kind_of_object() {
    let schema = "\
CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, vip BOOLEAN DEFAULT 0);
CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id INT,
  total DECIMAL(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  status ENUM('new','paid','it''s shipped') NOT NULL DEFAULT 'new',
  code VARCHAR(40) NOT NULL DEFAULT 'x',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  cents BIGINT AS (total * 100) STORED,
  doc TEXT,
  PRIMARY KEY (id),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT orders_total_sane CHECK (total < 1000000),
  INDEX orders_status_idx (status, created_at DESC),
  INDEX orders_code_prefix (code(3)),
  FULLTEXT INDEX orders_doc_ft (doc)
);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status <> 'paid';
CREATE TRIGGER orders_round BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = ROUND(NEW.total, 2);
CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE PROCEDURE archive(IN days INT) DELETE FROM orders WHERE created_at < NOW() - INTERVAL days DAY;
";
    let own = "CREATE TABLE ratchet_backup_orders_1 (id INT PRIMARY KEY)";
    let Some(text) = every_kind(Kind::Mysql, &[("1_schema.up.sql", schema)], own).await else {
        return;
    };
    insta::assert_snapshot!("mysql_every_kind", text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_snapshot_shows_every_kind_of_object() {
    let schema = "\
CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  CONSTRAINT email_shape CHECK (email LIKE '%@%')
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers ON DELETE CASCADE,
  total NUMERIC(12, 2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  status TEXT NOT NULL DEFAULT 'new',
  cents INTEGER GENERATED ALWAYS AS (total * 100) STORED,
  created_at TEXT DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (customer_id, created_at)
);
CREATE TABLE settings (k TEXT PRIMARY KEY, v ANY) WITHOUT ROWID, STRICT;
CREATE INDEX orders_open_idx ON orders (status DESC, lower(status)) WHERE status <> 'paid';
CREATE VIEW open_orders AS
  SELECT id, total
  FROM orders WHERE status <> 'paid';
CREATE TRIGGER orders_touch AFTER UPDATE ON orders FOR EACH ROW
BEGIN
  UPDATE orders SET created_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
";
    let own = "CREATE TABLE ratchet_backup_orders_1 (id INTEGER PRIMARY KEY)";
    let Some(text) = every_kind(Kind::Sqlite, &[("1_schema.up.sql", schema)], own).await else {
        return;
    };
    insta::assert_snapshot!("sqlite_every_kind", text);
}

#[tokio::test]
async fn a_snapshot_that_cannot_be_saved_stops_the_run_before_the_step() {
    let db = TestDb::sqlite();
    let folder = Folder::new(&[
        (
            "1_orders.up.sql",
            "CREATE TABLE orders (id INT PRIMARY KEY, note TEXT);\n",
        ),
        (
            "2_drop_note.up.sql",
            "ALTER TABLE orders DROP COLUMN note;\n",
        ),
    ]);
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let settings = SnapshotSettings {
        // A folder inside a file cannot be created.
        dir: blocker.path().join("snapshots"),
        url: None,
    };
    let mut engine = connect(&db).await;
    let set = folder.set(engine.dialect());
    let mut sink = |_| {};
    let error = Runner::new(engine.as_mut(), quick_settings(), &mut sink)
        .with_snapshots(settings)
        .up(&set, &UpOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("migration 2 is risky") && error.contains("Migration 2 did not run"),
        "{error}"
    );
    assert_eq!(db.columns("orders"), ["id", "note"]);
    assert_eq!(db.ledger(), [(1, "applied".to_string(), false)]);
}
