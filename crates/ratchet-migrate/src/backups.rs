//! The table `ratchet_backups`: one row per copy of data that a guarded rollback saved
//! before its down script destroyed it (see `ratchet down` and `ratchet restore`).
//!
//! The copies themselves are tables: in the schema `ratchet_backup` on PostgreSQL
//! (`ratchet_backup.b1_orders_priority`), prefixed with `ratchet_backup_` in the database
//! itself on MySQL and SQLite (`ratchet_backup_b1_orders_priority`). A copy is never
//! dropped by ratchet: it stays until a person drops it.
//!
//! | column | meaning |
//! |---|---|
//! | `id` | primary key, increasing; `ratchet restore <id>` |
//! | `version` | the migration whose down script would have destroyed the data |
//! | `ledger_id` | the ledger row of the rollback |
//! | `kind` | `table` (a dropped table), `rows` (deleted or truncated rows) or `column` (a column's values: dropped, overwritten or narrowed) |
//! | `source_schema`, `source_table`, `source_column` | where the data was (`source_column` NULL for `table` and `rows`) |
//! | `backup_table` | the copy, as it is named in SQL |
//! | `key_columns` | the key the values are put back by, as a JSON array (empty: no key) |
//! | `row_count` | rows in the copy (NULL while it is being taken) |
//! | `destroyed_by` | the down statement, `file:line: text` |
//! | `created_at`, `created_by` | when (UTC) and by whom (`user@host`) |
//! | `restored_at`, `restored_by`, `restored_rows` | set by `ratchet restore` |
//! | `note` | how the copy relates to the rollback (committed before it, on MySQL) |

use serde::Serialize;

use crate::engine::{Engine, Param};
use crate::ledger::{applied_by, now_sql, placeholder, timestamp_sql};
use crate::sql::Dialect;
use crate::{Error, Result};

/// The table that lists the backups.
pub const TABLE: &str = "ratchet_backups";

/// The PostgreSQL schema that holds the copies.
pub const PG_SCHEMA: &str = "ratchet_backup";

/// The prefix of the copies' names on MySQL and SQLite.
pub const PREFIX: &str = "ratchet_backup_";

/// What a backup holds, which decides how `restore` puts it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// A whole table that a down script dropped: every row, every column.
    Table,
    /// Rows that a down script deleted or truncated, every column.
    Rows,
    /// The key and one column's values, which a down script dropped, overwrote or
    /// narrowed.
    Column,
}

impl BackupKind {
    /// The value stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Table => "table",
            BackupKind::Rows => "rows",
            BackupKind::Column => "column",
        }
    }

    fn parse(text: &str) -> Option<BackupKind> {
        [BackupKind::Table, BackupKind::Rows, BackupKind::Column]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One row of `ratchet_backups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backup {
    /// Primary key: `ratchet restore <id>`.
    pub id: i64,
    /// The migration whose down script would have destroyed the data.
    pub version: i64,
    /// The ledger row of the rollback.
    pub ledger_id: Option<i64>,
    /// What the copy holds.
    pub kind: BackupKind,
    /// The source table's schema, when the down script named one.
    pub source_schema: Option<String>,
    /// The source table.
    pub source_table: String,
    /// The source column (`column` backups).
    pub source_column: Option<String>,
    /// The copy, as named in SQL (`ratchet_backup.b1_orders_priority`).
    pub backup_table: String,
    /// The key the values are put back by (empty: the table had none).
    pub key_columns: Vec<String>,
    /// Rows in the copy; `None` while it is being taken (or if taking it was interrupted).
    pub rows: Option<i64>,
    /// The down statement that would have destroyed the data (`file:line: text`).
    pub destroyed_by: String,
    /// When the copy was taken (UTC, RFC 3339).
    pub created_at: String,
    /// `user@host` that took it.
    pub created_by: String,
    /// When it was restored, if it was.
    pub restored_at: Option<String>,
    /// Who restored it.
    pub restored_by: Option<String>,
    /// How many rows the restore put back.
    pub restored_rows: Option<i64>,
    /// How the copy relates to the rollback.
    pub note: Option<String>,
}

impl Backup {
    /// The source for people: `orders.priority`, `orders`, `shop.orders`.
    pub fn source(&self) -> String {
        let table = match &self.source_schema {
            Some(schema) => format!("{schema}.{}", self.source_table),
            None => self.source_table.clone(),
        };
        match &self.source_column {
            Some(column) => format!("{table}.{column}"),
            None => table,
        }
    }
}

/// A backup about to be taken.
#[derive(Debug, Clone)]
pub(crate) struct NewBackup {
    pub(crate) version: i64,
    pub(crate) ledger_id: Option<i64>,
    pub(crate) kind: BackupKind,
    pub(crate) source_schema: Option<String>,
    pub(crate) source_table: String,
    pub(crate) source_column: Option<String>,
    pub(crate) key_columns: Vec<String>,
    pub(crate) destroyed_by: String,
    pub(crate) note: Option<String>,
}

fn create_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                version BIGINT NOT NULL,
                ledger_id BIGINT,
                kind TEXT NOT NULL CHECK (kind IN ('table', 'rows', 'column')),
                source_schema TEXT,
                source_table TEXT NOT NULL,
                source_column TEXT,
                backup_table TEXT NOT NULL,
                key_columns TEXT NOT NULL,
                row_count BIGINT,
                destroyed_by TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                created_by TEXT NOT NULL,
                restored_at TIMESTAMPTZ,
                restored_by TEXT,
                restored_rows BIGINT,
                note TEXT
            )"
        ),
        Dialect::Mysql => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                version BIGINT NOT NULL,
                ledger_id BIGINT NULL,
                kind VARCHAR(16) NOT NULL,
                source_schema VARCHAR(255) NULL,
                source_table VARCHAR(255) NOT NULL,
                source_column VARCHAR(255) NULL,
                backup_table VARCHAR(255) NOT NULL,
                key_columns TEXT NOT NULL,
                row_count BIGINT NULL,
                destroyed_by TEXT NOT NULL,
                created_at DATETIME(6) NOT NULL,
                created_by VARCHAR(255) NOT NULL,
                restored_at DATETIME(6) NULL,
                restored_by VARCHAR(255) NULL,
                restored_rows BIGINT NULL,
                note TEXT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        ),
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                version INTEGER NOT NULL,
                ledger_id INTEGER,
                kind TEXT NOT NULL CHECK (kind IN ('table', 'rows', 'column')),
                source_schema TEXT,
                source_table TEXT NOT NULL,
                source_column TEXT,
                backup_table TEXT NOT NULL,
                key_columns TEXT NOT NULL,
                row_count INTEGER,
                destroyed_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                restored_at TEXT,
                restored_by TEXT,
                restored_rows INTEGER,
                note TEXT
            )"
        ),
    }
}

/// Whether `ratchet_backups` exists (read-only commands do not create it).
pub async fn exists(engine: &mut dyn Engine) -> Result<bool> {
    crate::ledger::table_exists(engine, TABLE).await
}

/// Creates `ratchet_backups` (and, on PostgreSQL, the schema of the copies) if missing.
pub(crate) async fn ensure(engine: &mut dyn Engine) -> Result<()> {
    let dialect = engine.dialect();
    if dialect == Dialect::Postgres {
        engine
            .execute(&format!("CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}"))
            .await
            .map_err(|e| e.context(format!("cannot create the schema {PG_SCHEMA}")))?;
    }
    engine
        .execute(&create_sql(dialect))
        .await
        .map_err(|e| e.context(format!("cannot create the table {TABLE}")))?;
    Ok(())
}

fn text_param(value: Option<&str>) -> Param {
    // NULLs are written as SQL, so a missing value never reaches a bind.
    Param::Text(value.unwrap_or_default().to_string())
}

/// Records a backup about to be taken (its row count unknown yet) and returns its id;
/// the copy's name is derived from the id, so the row comes first.
pub(crate) async fn insert(engine: &mut dyn Engine, new: &NewBackup) -> Result<i64> {
    let d = engine.dialect();
    let mut columns = vec!["version", "kind", "source_table", "backup_table"];
    let mut params = vec![
        Param::Int(new.version),
        Param::Text(new.kind.as_str().into()),
        Param::Text(new.source_table.clone()),
        // Replaced once the id is known.
        Param::Text(String::new()),
    ];
    let key_columns = serde_json::to_string(&new.key_columns).map_err(|e| Error::Database {
        context: format!("cannot record a backup in {TABLE}"),
        message: e.to_string(),
    })?;
    columns.extend(["key_columns", "destroyed_by", "created_by"]);
    params.extend([
        Param::Text(key_columns),
        Param::Text(new.destroyed_by.clone()),
        Param::Text(applied_by()),
    ]);
    if let Some(id) = new.ledger_id {
        columns.push("ledger_id");
        params.push(Param::Int(id));
    }
    for (column, value) in [
        ("source_schema", &new.source_schema),
        ("source_column", &new.source_column),
        ("note", &new.note),
    ] {
        if value.is_some() {
            columns.push(column);
            params.push(text_param(value.as_deref()));
        }
    }
    let mut values: Vec<String> = (1..=params.len()).map(|n| placeholder(d, n)).collect();
    columns.push("created_at");
    values.push(now_sql(d).to_string());
    let sql = format!(
        "INSERT INTO {TABLE} ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    );
    engine
        .insert_returning_id(&sql, &params)
        .await
        .map_err(|e| e.context(format!("cannot record a backup in {TABLE}")))
}

/// Sets the copy's name and row count once it is taken.
pub(crate) async fn taken(
    engine: &mut dyn Engine,
    id: i64,
    backup_table: &str,
    rows: i64,
) -> Result<()> {
    let d = engine.dialect();
    let sql = format!(
        "UPDATE {TABLE} SET backup_table = {}, row_count = {} WHERE id = {}",
        placeholder(d, 1),
        placeholder(d, 2),
        placeholder(d, 3)
    );
    engine
        .execute_with(
            &sql,
            &[
                Param::Text(backup_table.into()),
                Param::Int(rows),
                Param::Int(id),
            ],
        )
        .await
        .map_err(|e| e.context(format!("cannot record backup {id} in {TABLE}")))?;
    Ok(())
}

/// Records that backup `id` was restored, `rows` rows put back.
pub(crate) async fn restored(engine: &mut dyn Engine, id: i64, rows: i64) -> Result<()> {
    let d = engine.dialect();
    let sql = format!(
        "UPDATE {TABLE} SET restored_at = {}, restored_by = {}, restored_rows = {} \
         WHERE id = {}",
        now_sql(d),
        placeholder(d, 1),
        placeholder(d, 2),
        placeholder(d, 3)
    );
    engine
        .execute_with(
            &sql,
            &[Param::Text(applied_by()), Param::Int(rows), Param::Int(id)],
        )
        .await
        .map_err(|e| e.context(format!("cannot record the restore of backup {id}")))?;
    Ok(())
}

/// Forgets a backup whose copy could not be taken (only where no transaction undoes it).
pub(crate) async fn forget(engine: &mut dyn Engine, id: i64) -> Result<()> {
    let d = engine.dialect();
    engine
        .execute_with(
            &format!("DELETE FROM {TABLE} WHERE id = {}", placeholder(d, 1)),
            &[Param::Int(id)],
        )
        .await
        .map_err(|e| e.context(format!("cannot remove backup {id} from {TABLE}")))?;
    Ok(())
}

/// Every backup, oldest first; none when the table does not exist.
pub async fn list(engine: &mut dyn Engine) -> Result<Vec<Backup>> {
    if !exists(engine).await? {
        return Ok(Vec::new());
    }
    let d = engine.dialect();
    let sql = format!(
        "SELECT id, version, ledger_id, kind, source_schema, source_table, source_column, \
                backup_table, key_columns, row_count, destroyed_by, {}, created_by, {}, \
                restored_by, restored_rows, note \
         FROM {TABLE} ORDER BY id",
        timestamp_sql(d, "created_at"),
        timestamp_sql(d, "restored_at"),
    );
    let rows = engine
        .query(&sql)
        .await
        .map_err(|e| e.context(format!("cannot read {TABLE}")))?;
    rows.iter().map(|row| parse_row(row)).collect()
}

/// The backup with this id.
pub async fn get(engine: &mut dyn Engine, id: i64) -> Result<Option<Backup>> {
    Ok(list(engine).await?.into_iter().find(|b| b.id == id))
}

fn parse_row(row: &[Option<String>]) -> Result<Backup> {
    let bad = |what: &str| Error::Database {
        context: format!("{TABLE} holds a row ratchet cannot read"),
        message: format!("{what} in {row:?}"),
    };
    let text = |i: usize| row.get(i).cloned().flatten();
    let int = |i: usize| -> Result<Option<i64>> {
        text(i)
            .map(|t| t.parse::<i64>().map_err(|_| bad("a non-integer number")))
            .transpose()
    };
    let required = |i: usize| text(i).ok_or_else(|| bad("a NULL where a value is required"));
    let key_columns: Vec<String> = serde_json::from_str(&required(8)?)
        .map_err(|_| bad("key_columns that are not a JSON array of names"))?;
    Ok(Backup {
        id: int(0)?.ok_or_else(|| bad("a NULL id"))?,
        version: int(1)?.ok_or_else(|| bad("a NULL version"))?,
        ledger_id: int(2)?,
        kind: BackupKind::parse(&required(3)?).ok_or_else(|| bad("an unknown kind"))?,
        source_schema: text(4),
        source_table: required(5)?,
        source_column: text(6),
        backup_table: required(7)?,
        key_columns,
        rows: int(9)?,
        destroyed_by: required(10)?,
        created_at: required(11)?,
        created_by: required(12)?,
        restored_at: text(13),
        restored_by: text(14),
        restored_rows: int(15)?,
        note: text(16),
    })
}

/// The name of backup `id`'s copy of `table` (and `column`), as written in SQL: only
/// `[a-z0-9_]`, at most 63 characters (PostgreSQL's limit; MySQL's is 64), unique by its
/// id prefix.
pub(crate) fn backup_table_name(
    dialect: Dialect,
    id: i64,
    table: &str,
    column: Option<&str>,
) -> String {
    let mut base = format!("b{id}_{table}");
    if let Some(column) = column {
        base.push('_');
        base.push_str(column);
    }
    let mut clean: String = base
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() { c } else { '_' }
        })
        .collect();
    let prefix = match dialect {
        Dialect::Postgres => "",
        Dialect::Mysql | Dialect::Sqlite => PREFIX,
    };
    clean.truncate(63 - prefix.len());
    match dialect {
        Dialect::Postgres => format!("{PG_SCHEMA}.{clean}"),
        Dialect::Mysql | Dialect::Sqlite => format!("{prefix}{clean}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_are_plain_and_short() {
        assert_eq!(
            backup_table_name(Dialect::Postgres, 1, "orders", Some("priority")),
            "ratchet_backup.b1_orders_priority"
        );
        assert_eq!(
            backup_table_name(Dialect::Mysql, 12, "Orders", None),
            "ratchet_backup_b12_orders"
        );
        let long = backup_table_name(Dialect::Sqlite, 7, &"x".repeat(100), Some("y z\"w"));
        assert_eq!(long.len(), 63);
        assert!(long.starts_with("ratchet_backup_b7_xxx"));
        let odd = backup_table_name(Dialect::Sqlite, 3, "a\"b", Some("c d"));
        assert_eq!(odd, "ratchet_backup_b3_a_b_c_d");
    }
}
