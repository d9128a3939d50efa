use super::sqlite_rebuild_pitfalls::{catalog_before, mentions, schema_objects};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::{Schema, TableInfo};
use crate::sql::facts::{ConstraintKind, Generated, ObjectKind, Op, Volatility};

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE` statements that SQLite refuses at run time:
    ///
    /// - forms SQLite's `ALTER TABLE` does not have: `ALTER COLUMN ... TYPE`,
    ///   `SET`/`DROP NOT NULL`, `SET`/`DROP DEFAULT`, `ADD`/`DROP CONSTRAINT`, MySQL's
    ///   `MODIFY`/`CHANGE`... (SQLite only has `RENAME TO`, `RENAME COLUMN`, `ADD COLUMN`
    ///   and `DROP COLUMN`);
    /// - `ADD COLUMN` of a `PRIMARY KEY` or `UNIQUE` column, of a `NOT NULL` column without
    ///   a non-NULL default, with a default that is not a constant (`CURRENT_TIMESTAMP`,
    ///   any expression in parentheses), or of a `STORED` generated column;
    /// - `DROP COLUMN` (SQLite 3.35+) of a column that is in the `PRIMARY KEY`, `UNIQUE`,
    ///   indexed, used by a foreign key (of its table or another), named in another
    ///   column's `CHECK` or generated expression, or used by a view or trigger: ratchet
    ///   reads these from the earlier migrations;
    /// - `DROP COLUMN` before SQLite 3.35.0 and `RENAME COLUMN` before 3.25.0.
    ///
    /// ## Why is this bad?
    /// The migration fails when it runs, on every database, after the statements before it
    /// ran (in a transaction they are rolled back; without one they stay). A failure
    /// found at deploy time is found too late: the change needs a different shape, a
    /// table rebuild.
    ///
    /// ## Lock taken
    /// SQLite's database write lock, held until the migration's transaction commits; a
    /// rebuild copies the whole table under it, and every other writer waits
    /// (`SQLITE_BUSY` after its `busy_timeout`).
    ///
    /// ## Engines and versions
    /// SQLite. `DROP COLUMN` needs 3.35.0, `RENAME COLUMN` 3.25.0; judged for `[lint]`'s
    /// SQLite version (3.45 unless set).
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN placed_at TEXT NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// SQLite's table rebuild (<https://www.sqlite.org/lang_altertable.html#otheralter>):
    /// create the new shape under a new name, copy the rows, drop the old table, rename,
    /// then recreate the old table's indexes, triggers and views:
    /// ```sql
    /// CREATE TABLE new_orders (
    ///     id INTEGER PRIMARY KEY,
    ///     customer_id INTEGER NOT NULL REFERENCES customers (id),
    ///     placed_at TEXT NOT NULL
    /// );
    /// INSERT INTO new_orders (id, customer_id, placed_at)
    ///     SELECT id, customer_id, coalesce(created_at, '1970-01-01') FROM orders;
    /// DROP TABLE orders;
    /// ALTER TABLE new_orders RENAME TO orders;
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// ```
    /// The whole procedure, in SQLite's twelve steps: (1) if foreign keys are on, turn them
    /// off with `PRAGMA foreign_keys = OFF` outside any transaction (with
    /// `-- ratchet:no-transaction`; ratchet itself already runs SQLite migrations with
    /// them off), (2) begin a transaction, (3) note the table's indexes, triggers and
    /// views (`SELECT sql FROM sqlite_schema WHERE tbl_name = 'orders'`), (4) `CREATE
    /// TABLE new_orders` in the new shape, (5) `INSERT INTO new_orders (...) SELECT ...
    /// FROM orders` naming every column, (6) `DROP TABLE orders`, (7) `ALTER TABLE
    /// new_orders RENAME TO orders`, (8) recreate the indexes, triggers and views, (9)
    /// drop and recreate views that used the changed columns, (10) `PRAGMA
    /// foreign_key_check` must return no rows (ratchet checks it before committing),
    /// (11) commit, (12) turn foreign keys back on if they were. See
    /// `sqlite-rebuild-pitfalls` for what goes wrong.
    pub struct SqliteAlterNeedsRebuild {
        id: "sqlite-alter-needs-rebuild",
        severity: Error,
        engines: [Sqlite],
        summary: "an ALTER TABLE that SQLite refuses at run time: the change needs a table rebuild",
    }
}

const REBUILD: &str = "rebuild the table instead: CREATE TABLE new_t (the new shape); INSERT \
                       INTO new_t (cols) SELECT cols FROM t; DROP TABLE t; ALTER TABLE new_t \
                       RENAME TO t; then recreate t's indexes, triggers and views \
                       (https://www.sqlite.org/lang_altertable.html#otheralter; `ratchet rule \
                       sqlite-alter-needs-rebuild` lists the twelve steps)";

impl Rule for SqliteAlterNeedsRebuild {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let m = cx.migration;
        for (script, is_up) in [(Some(&m.up), true), (m.down.as_ref(), false)] {
            let Some(script) = script else {
                continue;
            };
            for (si, statement) in script.statements.iter().enumerate() {
                for action in &statement.actions {
                    let problem = refusal(cx, si, &action.action.op, is_up);
                    if let Some((message, help)) = problem {
                        report.at(script, statement, action.action.offset, message, help);
                    }
                }
            }
        }
    }
}

/// Why SQLite refuses `op`, with the remedy.
fn refusal(cx: &Context<'_>, si: usize, op: &Op, is_up: bool) -> Option<(String, String)> {
    let unsupported = |what: String| {
        Some((
            format!(
                "SQLite's ALTER TABLE cannot {what}: the statement fails when the migration runs"
            ),
            REBUILD.to_string(),
        ))
    };
    let version = cx.version.sqlite;
    match op {
        Op::AlterColumnType { table, column, .. } => {
            unsupported(format!("change the type of {table}.{column}"))
        }
        Op::RedefineColumn { table, column, .. } => {
            unsupported(format!("redefine {table}.{column} (MODIFY/CHANGE)"))
        }
        Op::SetNotNull { table, column } => {
            unsupported(format!("add NOT NULL to {table}.{column}"))
        }
        Op::DropNotNull { table, column } => {
            unsupported(format!("drop NOT NULL from {table}.{column}"))
        }
        Op::SetDefault { table, column, .. } | Op::DropDefault { table, column } => {
            unsupported(format!("change the default of {table}.{column}"))
        }
        Op::AddConstraint { table, .. } => unsupported(format!("add a constraint to {table}")),
        Op::DropConstraint { table, name, .. } => {
            unsupported(format!("drop the constraint {name} of {table}"))
        }
        Op::ValidateConstraint { table, name } => {
            unsupported(format!("validate the constraint {name} of {table}"))
        }
        Op::AlterTableOther { table, description } => {
            unsupported(format!("{description} (on {table})"))
        }
        Op::RenameColumn { table, column, .. } if version < 3_025_000 => Some((
            format!(
                "RENAME COLUMN needs SQLite 3.25.0 (judged for {}): renaming {table}.{column} \
                 fails",
                sqlite_version(version)
            ),
            REBUILD.to_string(),
        )),
        Op::AddColumn { table, column, .. } => {
            let default_null = column
                .default
                .as_ref()
                .is_none_or(|d| d.text.trim().eq_ignore_ascii_case("null"));
            let why = if column.primary_key {
                "a PRIMARY KEY column".to_string()
            } else if column.unique {
                "a UNIQUE column".to_string()
            } else if matches!(column.generated, Some(Generated::Stored(_))) {
                "a STORED generated column (a VIRTUAL one can be added)".to_string()
            } else if column.not_null
                && default_null
                && !matches!(column.generated, Some(Generated::Virtual(_)))
            {
                "a NOT NULL column without a non-NULL default (existing rows would hold NULL)"
                    .to_string()
            } else if let Some(d) = column.default.as_ref().filter(|d| {
                d.text.trim_start().starts_with('(') || d.volatility != Volatility::Constant
            }) {
                format!(
                    "a column whose default is not a constant ({}: SQLite cannot fill existing \
                     rows with it)",
                    d.text
                )
            } else {
                return None;
            };
            Some((
                format!(
                    "SQLite cannot ADD COLUMN {} to {table} as {why}: the statement fails when \
                     the migration runs",
                    column.name
                ),
                format!(
                    "add the column without it (nullable, or with a constant default) and fill \
                     it afterwards, or {REBUILD}"
                ),
            ))
        }
        Op::DropColumn { table, column, .. } => {
            if version < 3_035_000 {
                return Some((
                    format!(
                        "DROP COLUMN needs SQLite 3.35.0 (judged for {}): dropping \
                         {table}.{column} fails",
                        sqlite_version(version)
                    ),
                    REBUILD.to_string(),
                ));
            }
            // The catalog is that of the up script; the down script runs against another.
            if !is_up {
                return None;
            }
            let catalog = catalog_before(cx, si);
            let info = catalog.table(table)?;
            let uses = drop_column_blockers(cx, si, info, &catalog, column);
            if uses.is_empty() {
                return None;
            }
            Some((
                format!(
                    "SQLite refuses to DROP COLUMN {table}.{column}: it is {}; the statement fails \
                     when the migration runs",
                    uses.join(", ")
                ),
                format!(
                    "drop what uses it first (the index, view or trigger) and recreate it \
                     without the column, or {REBUILD}"
                ),
            ))
        }
        _ => None,
    }
}

fn sqlite_version(v: u32) -> String {
    format!(
        "SQLite {}.{}.{}",
        v / 1_000_000,
        v / 1_000 % 1_000,
        v % 1_000
    )
}

/// What makes SQLite refuse to drop `column` of `info`.
fn drop_column_blockers(
    cx: &Context<'_>,
    si: usize,
    info: &TableInfo,
    catalog: &dyn Schema,
    column: &str,
) -> Vec<String> {
    let same = |c: &String| c.eq_ignore_ascii_case(column);
    let mut uses = Vec::new();
    let def = info.column(column).map(|c| &c.def);
    let in_pk = def.is_some_and(|d| d.primary_key)
        || info.constraints.iter().any(|c| {
            matches!(&c.kind, ConstraintKind::PrimaryKey { columns, .. } if columns.iter().any(same))
        });
    if in_pk {
        uses.push("in the PRIMARY KEY".to_string());
    }
    let unique = def.is_some_and(|d| d.unique)
        || info.constraints.iter().any(|c| {
            matches!(&c.kind, ConstraintKind::Unique { columns, .. } if columns.iter().any(same))
        });
    if unique {
        uses.push("UNIQUE".to_string());
    }
    for index in &info.indexes {
        if index.columns.iter().any(|c| same(c) || mentions(c, column)) {
            uses.push(format!(
                "indexed by {}",
                index.name.as_deref().unwrap_or("an index")
            ));
        }
    }
    let fk_own = def.is_some_and(|d| d.references.is_some())
        || info.constraints.iter().any(
            |c| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if fk.columns.iter().any(same)),
        );
    if fk_own {
        uses.push("a foreign key column".to_string());
    }
    let own_check = def.and_then(|d| d.check.as_ref());
    for c in &info.constraints {
        if let ConstraintKind::Check(expr) = &c.kind
            && Some(expr) != own_check
            && mentions(&expr.text, column)
        {
            uses.push(format!("named in the CHECK ({})", expr.text));
        }
    }
    for other in &info.columns {
        if other.def.name.eq_ignore_ascii_case(column) {
            continue;
        }
        if let Some(Generated::Stored(e) | Generated::Virtual(e)) = &other.def.generated
            && mentions(&e.text, column)
        {
            uses.push(format!("used by the generated column {}", other.def.name));
        }
    }
    let is_pk = in_pk;
    for t in catalog.tables() {
        if t.name.key() == info.name.key() {
            continue;
        }
        let mut fks: Vec<_> = t
            .constraints
            .iter()
            .filter_map(|c| match &c.kind {
                ConstraintKind::ForeignKey(fk) => Some(fk),
                _ => None,
            })
            .collect();
        fks.extend(t.columns.iter().filter_map(|c| c.def.references.as_ref()));
        if fks.iter().any(|fk| {
            fk.table.key() == info.name.key()
                && (fk.referred.iter().any(same) || (fk.referred.is_empty() && is_pk))
        }) {
            uses.push(format!("referenced by a foreign key of {}", t.name));
        }
    }
    for object in schema_objects(cx, si) {
        if mentions(&object.sql, &info.name.name) && mentions(&object.sql, column) {
            uses.push(format!(
                "used by the {} {}",
                if object.kind == ObjectKind::View {
                    "view"
                } else {
                    "trigger"
                },
                object.name
            ));
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::super::mysql_online::testing::{lint_dialect, sqlite};
    use crate::sql::Dialect;

    const RULE: &str = "sqlite-alter-needs-rebuild";

    #[test]
    fn column_commands_depend_on_the_version() {
        let drop = "ALTER TABLE orders DROP COLUMN note;";
        assert!(lint_dialect(RULE, drop, Dialect::Sqlite, sqlite(3_045_000)).is_empty());
        assert_eq!(
            lint_dialect(RULE, drop, Dialect::Sqlite, sqlite(3_034_001)).len(),
            1
        );
        let rename = "ALTER TABLE orders RENAME COLUMN note TO notes;";
        assert!(lint_dialect(RULE, rename, Dialect::Sqlite, sqlite(3_025_000)).is_empty());
        assert_eq!(
            lint_dialect(RULE, rename, Dialect::Sqlite, sqlite(3_024_000)).len(),
            1
        );
    }

    #[test]
    fn add_column_forms() {
        let fails =
            |sql: &str| !lint_dialect(RULE, sql, Dialect::Sqlite, sqlite(3_045_000)).is_empty();
        assert!(fails("ALTER TABLE t ADD COLUMN c TEXT NOT NULL;"));
        assert!(fails(
            "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT NULL;"
        ));
        assert!(fails("ALTER TABLE t ADD COLUMN c TEXT UNIQUE;"));
        assert!(fails("ALTER TABLE t ADD COLUMN c INTEGER PRIMARY KEY;"));
        assert!(fails(
            "ALTER TABLE t ADD COLUMN c TEXT DEFAULT CURRENT_TIMESTAMP;"
        ));
        assert!(fails("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT (1 + 1);"));
        assert!(!fails(
            "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '';"
        ));
        assert!(!fails("ALTER TABLE t ADD COLUMN c TEXT;"));
        assert!(!fails("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT -1;"));
    }
}
