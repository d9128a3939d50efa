use super::pg_locks::serial_or_identity;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{ConstraintKind, Generated, Op};

declare_rule! {
    /// ## What it does
    /// Reports, on a table that existed before the migration:
    ///
    /// - `ADD COLUMN` of a `serial`, `bigserial`, `smallserial` or
    ///   `GENERATED ... AS IDENTITY` column;
    /// - `ADD COLUMN ... PRIMARY KEY`;
    /// - `ADD PRIMARY KEY` / `ADD CONSTRAINT ... PRIMARY KEY` without `USING INDEX`.
    ///
    /// A `UNIQUE` constraint or column is `disallowed-unique-constraint`'s business. A table
    /// created in the same migration is not reported: it is empty and unused.
    ///
    /// ## Why is this bad?
    /// A `serial` or identity column gives every existing row a number when it is added:
    /// PostgreSQL rewrites the whole table (and rebuilds its indexes) to store them. A
    /// primary key builds its unique index, reading and sorting every row. Both happen
    /// under the `ALTER TABLE`'s `ACCESS EXCLUSIVE` lock: nobody can read or write the
    /// table until they end, which takes minutes or hours on a large table.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table (blocks reads and writes) for the whole rewrite or
    /// index build. `CREATE UNIQUE INDEX CONCURRENTLY` takes `SHARE UPDATE EXCLUSIVE`
    /// (blocks only other schema changes), and `ADD CONSTRAINT ... PRIMARY KEY USING INDEX`
    /// holds `ACCESS EXCLUSIVE` only for an instant when the key columns are already
    /// `NOT NULL` (otherwise it scans to set them, see `adding-not-nullable-field`).
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions (identity columns since 10).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE items ADD PRIMARY KEY (id);
    /// ```
    ///
    /// ## Use instead
    /// With `id` already `NOT NULL`, build the index concurrently, then adopt it:
    /// ```sql no-check
    /// -- 0031_items_id_index.up.sql
    /// CREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);
    ///
    /// -- 0032_items_primary_key.up.sql: instant
    /// ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;
    /// ```
    /// For a new numbered column: add it as a plain nullable `bigint`, give it
    /// `DEFAULT nextval('items_id_seq')` for new rows, fill existing rows in batches
    /// (`-- ratchet:backfill`), set it `NOT NULL` the safe way, then index it as above.
    pub struct AddingSerialPrimaryKeyField {
        id: "adding-serial-primary-key-field",
        severity: Error,
        engines: [Postgres],
        summary: "a serial, identity or primary key column or constraint added to an existing table blocks reads and writes",
    }
}

impl Rule for AddingSerialPrimaryKeyField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            if !action.table_existed {
                continue;
            }
            let (message, help) = match &action.action.op {
                Op::AddColumn { table, column, .. } if serial_or_identity(column) => (
                    format!(
                        "ADD COLUMN {} {} numbers every existing row: PostgreSQL rewrites \
                         {table}{} under an ACCESS EXCLUSIVE lock, and reads and writes of \
                         {table} wait until it ends",
                        column.name,
                        if column.generated == Some(Generated::Identity) {
                            format!("{} ... AS IDENTITY", column.data_type.text)
                        } else {
                            column.data_type.text.clone()
                        },
                        if column.primary_key || column.unique {
                            " and builds its unique index"
                        } else {
                            ""
                        }
                    ),
                    if column.primary_key || column.unique {
                        format!(
                            "add a nullable bigint column with DEFAULT nextval(...) for new \
                             rows, fill existing rows in batches, then CREATE UNIQUE INDEX \
                             CONCURRENTLY and ADD CONSTRAINT ... {} USING INDEX in later \
                             migrations",
                            if column.primary_key {
                                "PRIMARY KEY"
                            } else {
                                "UNIQUE"
                            }
                        )
                    } else {
                        "add a nullable bigint column with DEFAULT nextval(...) for new rows, \
                         then fill existing rows in batches"
                            .to_string()
                    },
                ),
                Op::AddColumn { table, column, .. } if column.primary_key => (
                    format!(
                        "ADD COLUMN {} ... PRIMARY KEY builds the primary key index on \
                         {table} under an ACCESS EXCLUSIVE lock: reads and writes of {table} \
                         wait until it is built",
                        column.name
                    ),
                    "add the column without PRIMARY KEY and fill it, then CREATE UNIQUE INDEX \
                     CONCURRENTLY and ADD CONSTRAINT ... PRIMARY KEY USING INDEX in later \
                     migrations"
                        .to_string(),
                ),
                Op::AddConstraint { table, constraint } => {
                    let ConstraintKind::PrimaryKey {
                        using_index: None, ..
                    } = &constraint.kind
                    else {
                        continue;
                    };
                    let named = constraint
                        .name
                        .as_deref()
                        .map(|n| format!("ADD CONSTRAINT {n} PRIMARY KEY"))
                        .unwrap_or_else(|| "ADD PRIMARY KEY".to_string());
                    (
                        format!(
                            "{named} builds its unique index on {table} under an ACCESS \
                             EXCLUSIVE lock: reads and writes of {table} wait until it is built"
                        ),
                        "CREATE UNIQUE INDEX CONCURRENTLY in one migration, then ADD \
                         CONSTRAINT ... PRIMARY KEY USING INDEX in the next (with the key \
                         columns already NOT NULL)"
                            .to_string(),
                    )
                }
                _ => continue,
            };
            report.at(up, statement, action.action.offset, message, help);
        }
    }
}
