//! The ledger `ratchet_migrations`: one row per application of a migration, never deleted.
//!
//! A rollback sets `rolled_back_at` on the row; applying again inserts a new row, so the
//! table is a complete audit. A row is *live* while `rolled_back_at` is NULL, and at most
//! one row per version is live: the database enforces it (a partial unique index on
//! PostgreSQL and SQLite, a unique generated column on MySQL).
//!
//! | column | meaning |
//! |---|---|
//! | `id` | primary key, increasing |
//! | `version`, `name` | the migration |
//! | `kind` | `schema`, `data` or `mixed`, from its statements |
//! | `checksum` | hex SHA-256 of the file holding the up script |
//! | `applied_at`, `applied_by` | when (UTC) and by whom (`user@host`) it was applied |
//! | `execution_time_ms` | how long it took; NULL while running or when it failed |
//! | `rolled_back_at`, `rolled_back_by` | set when it was rolled back (or a failed row was cleared by `repair`) |
//! | `reverted_by` | the version of the forward migration that undid it |
//! | `state` | `applied`, `failed` or `rolled_back` |
//! | `statements_done` | statements of the up script that committed (what matters on MySQL, where a failed migration cannot be rolled back) |
//! | `note` | why: accepted lint findings, accepted data loss, repairs, where a failure stopped |

use serde::Serialize;

use crate::engine::{Engine, Param};
use crate::source::Migration;
use crate::sql::{Dialect, classify};
use crate::{Error, Result};

/// The ledger table's name.
pub const TABLE: &str = "ratchet_migrations";

/// The state of a ledger row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// The migration is applied.
    Applied,
    /// The migration stopped part-way (or is running right now); `statements_done` says how
    /// far it got.
    Failed,
    /// The migration was rolled back.
    RolledBack,
}

impl RowState {
    /// The value stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Applied => "applied",
            RowState::Failed => "failed",
            RowState::RolledBack => "rolled_back",
        }
    }

    fn parse(text: &str) -> Option<RowState> {
        [RowState::Applied, RowState::Failed, RowState::RolledBack]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// Primary key; rows are in the order they were written.
    pub id: i64,
    /// The migration's version.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// `schema`, `data` or `mixed`.
    pub kind: String,
    /// Hex SHA-256 of the up file when it was applied.
    pub checksum: String,
    /// When it was applied (UTC, RFC 3339).
    pub applied_at: String,
    /// `user@host` that applied it.
    pub applied_by: String,
    /// How long it took.
    pub execution_time_ms: Option<i64>,
    /// When it was rolled back (or cleared), if it was.
    pub rolled_back_at: Option<String>,
    /// Who rolled it back.
    pub rolled_back_by: Option<String>,
    /// The version of the forward migration that reverted it.
    pub reverted_by: Option<i64>,
    /// `applied`, `failed` or `rolled_back`.
    pub state: RowState,
    /// Statements of the up script that committed.
    pub statements_done: i64,
    /// Reasons and repairs.
    pub note: Option<String>,
}

impl LedgerRow {
    /// A live row is the current record of its version (not rolled back or cleared).
    pub fn is_live(&self) -> bool {
        self.rolled_back_at.is_none()
    }
}

/// A row to insert.
#[derive(Debug, Clone)]
pub struct NewRow {
    /// The migration's version.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// `schema`, `data` or `mixed`.
    pub kind: String,
    /// Hex SHA-256 of the up file.
    pub checksum: String,
    /// The row's state.
    pub state: RowState,
    /// Statements that committed.
    pub statements_done: i64,
    /// How long it took, once known.
    pub execution_time_ms: Option<i64>,
    /// A note.
    pub note: Option<String>,
}

impl NewRow {
    /// A row for `migration` in `state`, its kind judged from its statements; no statement
    /// done, no time and no note until the caller says otherwise.
    pub(crate) fn of(migration: &Migration, dialect: Dialect, state: RowState) -> NewRow {
        NewRow {
            version: migration.version,
            name: migration.name.clone(),
            kind: classify::migration_kind(&migration.up.statements, dialect)
                .as_str()
                .to_string(),
            checksum: migration.checksum.clone(),
            state,
            statements_done: 0,
            execution_time_ms: None,
            note: None,
        }
    }
}

/// A change to an existing row.
#[derive(Debug, Clone)]
pub enum Change {
    /// More statements committed; the note says where things stand.
    Progress {
        /// Statements of the up script that committed.
        statements_done: i64,
        /// The row's note.
        note: Option<String>,
    },
    /// The migration finished.
    Applied {
        /// How long it took.
        execution_time_ms: i64,
        /// The row's note (NULL clears the "running" note).
        note: Option<String>,
    },
    /// The migration or its rollback stopped part-way.
    Failed {
        /// The row's note, saying what committed and what did not.
        note: String,
    },
    /// The migration was rolled back.
    RolledBack {
        /// The row's note.
        note: Option<String>,
    },
    /// `repair` accepted the file's new checksum.
    Checksum {
        /// The new checksum.
        checksum: String,
        /// The row's note, recording the old one.
        note: String,
    },
    /// A later forward migration undid this one (`ratchet revert`).
    RevertedBy {
        /// The version of the forward migration.
        version: i64,
    },
    /// The forward migration that reverted this one was rolled back: it is no longer
    /// reverted.
    NotReverted,
    /// `repair` cleared a failed row: it stops being live; its state stays `failed`.
    Cleared {
        /// The row's note, saying why.
        note: String,
    },
}

/// The current time as the dialect writes it into the ledger (UTC).
pub(crate) fn now_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "now()",
        Dialect::Mysql => "UTC_TIMESTAMP(6)",
        Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    }
}

/// The n-th (1-based) bind placeholder.
pub(crate) fn placeholder(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("${n}"),
        Dialect::Mysql | Dialect::Sqlite => "?".to_string(),
    }
}

/// A timestamp column read back as RFC 3339 UTC text, to the second.
pub(crate) fn timestamp_sql(dialect: Dialect, column: &str) -> String {
    match dialect {
        Dialect::Postgres => {
            format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        }
        Dialect::Mysql => format!("DATE_FORMAT({column}, '%Y-%m-%dT%H:%i:%sZ')"),
        Dialect::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {column})"),
    }
}

/// The ledger's DDL in the engine's natural types.
fn create_sql(dialect: Dialect) -> Vec<String> {
    match dialect {
        Dialect::Postgres => vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    version BIGINT NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('schema', 'data', 'mixed')),
                    checksum TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                    applied_by TEXT NOT NULL,
                    execution_time_ms BIGINT,
                    rolled_back_at TIMESTAMPTZ,
                    rolled_back_by TEXT,
                    reverted_by BIGINT,
                    state TEXT NOT NULL CHECK (state IN ('applied', 'failed', 'rolled_back')),
                    statements_done INTEGER NOT NULL DEFAULT 0,
                    note TEXT
                )"
            ),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_one_live_row \
                 ON {TABLE} (version) WHERE rolled_back_at IS NULL"
            ),
        ],
        Dialect::Mysql => vec![format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                version BIGINT NOT NULL,
                name VARCHAR(255) NOT NULL,
                kind VARCHAR(16) NOT NULL,
                checksum CHAR(64) NOT NULL,
                applied_at DATETIME(6) NOT NULL,
                applied_by VARCHAR(255) NOT NULL,
                execution_time_ms BIGINT NULL,
                rolled_back_at DATETIME(6) NULL,
                rolled_back_by VARCHAR(255) NULL,
                reverted_by BIGINT NULL,
                state VARCHAR(16) NOT NULL,
                statements_done INT NOT NULL DEFAULT 0,
                note TEXT NULL,
                live_version BIGINT AS (IF(rolled_back_at IS NULL, version, NULL)) STORED,
                UNIQUE KEY {TABLE}_one_live_row (live_version),
                KEY {TABLE}_version (version)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        )],
        Dialect::Sqlite => vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    version INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('schema', 'data', 'mixed')),
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL,
                    applied_by TEXT NOT NULL,
                    execution_time_ms INTEGER,
                    rolled_back_at TEXT,
                    rolled_back_by TEXT,
                    reverted_by INTEGER,
                    state TEXT NOT NULL CHECK (state IN ('applied', 'failed', 'rolled_back')),
                    statements_done INTEGER NOT NULL DEFAULT 0,
                    note TEXT
                )"
            ),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_one_live_row \
                 ON {TABLE} (version) WHERE rolled_back_at IS NULL"
            ),
        ],
    }
}

/// Whether the ledger table exists (read-only commands do not create it).
pub async fn exists(engine: &mut dyn Engine) -> Result<bool> {
    table_exists(engine, TABLE).await
}

/// Whether one of ratchet's own tables exists in the connection's schema (database).
pub(crate) async fn table_exists(engine: &mut dyn Engine, table: &str) -> Result<bool> {
    let sql = match engine.dialect() {
        Dialect::Postgres => format!(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
        Dialect::Mysql => format!(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = '{table}'"
        ),
        Dialect::Sqlite => {
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
        }
    };
    let rows = engine
        .query(&sql)
        .await
        .map_err(|e| e.context(format!("cannot look for the table {table}")))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .cloned()
        .flatten()
        .as_deref()
        == Some("1"))
}

/// Creates the ledger table if it does not exist.
pub async fn ensure(engine: &mut dyn Engine) -> Result<()> {
    for sql in create_sql(engine.dialect()) {
        engine
            .execute(&sql)
            .await
            .map_err(|e| e.context(format!("cannot create the ledger table {TABLE}")))?;
    }
    Ok(())
}

/// Every ledger row in the order written; none when the table does not exist yet.
pub async fn rows(engine: &mut dyn Engine) -> Result<Vec<LedgerRow>> {
    if !exists(engine).await? {
        return Ok(Vec::new());
    }
    let d = engine.dialect();
    let sql = format!(
        "SELECT id, version, name, kind, checksum, {}, applied_by, execution_time_ms, {}, \
                rolled_back_by, reverted_by, state, statements_done, note \
         FROM {TABLE} ORDER BY id",
        timestamp_sql(d, "applied_at"),
        timestamp_sql(d, "rolled_back_at"),
    );
    let rows = engine
        .query(&sql)
        .await
        .map_err(|e| e.context(format!("cannot read the ledger {TABLE}")))?;
    rows.into_iter().map(|row| parse_row(&row)).collect()
}

fn parse_row(row: &[Option<String>]) -> Result<LedgerRow> {
    let bad = |what: &str| Error::Database {
        context: format!("the ledger {TABLE} holds a row ratchet cannot read"),
        message: format!("{what} in {row:?}"),
    };
    let text = |i: usize| row.get(i).cloned().flatten();
    let int = |i: usize| -> Result<Option<i64>> {
        text(i)
            .map(|t| t.parse::<i64>().map_err(|_| bad("a non-integer number")))
            .transpose()
    };
    let required = |i: usize| text(i).ok_or_else(|| bad("a NULL where a value is required"));
    Ok(LedgerRow {
        id: int(0)?.ok_or_else(|| bad("a NULL id"))?,
        version: int(1)?.ok_or_else(|| bad("a NULL version"))?,
        name: required(2)?,
        kind: required(3)?,
        checksum: required(4)?,
        applied_at: required(5)?,
        applied_by: required(6)?,
        execution_time_ms: int(7)?,
        rolled_back_at: text(8),
        rolled_back_by: text(9),
        reverted_by: int(10)?,
        state: RowState::parse(&required(11)?).ok_or_else(|| bad("an unknown state"))?,
        statements_done: int(12)?.unwrap_or(0),
        note: text(13),
    })
}

/// A column value in an INSERT or UPDATE: bound, or SQL written as is.
enum Value {
    Bound(Param),
    Now,
    Null,
}

/// Renders `col = value` pairs with placeholders numbered from 1, and the parameters.
fn assignments(
    dialect: Dialect,
    values: Vec<(&str, Value)>,
) -> (Vec<String>, Vec<String>, Vec<Param>) {
    let (mut columns, mut exprs, mut params) = (Vec::new(), Vec::new(), Vec::new());
    for (column, value) in values {
        columns.push(column.to_string());
        exprs.push(match value {
            Value::Bound(p) => {
                params.push(p);
                placeholder(dialect, params.len())
            }
            Value::Now => now_sql(dialect).to_string(),
            Value::Null => "NULL".to_string(),
        });
    }
    (columns, exprs, params)
}

fn text_or_null(value: Option<String>) -> Value {
    value.map_or(Value::Null, |v| Value::Bound(Param::Text(v)))
}

/// Inserts a row and returns its id.
pub async fn insert(engine: &mut dyn Engine, row: &NewRow) -> Result<i64> {
    let d = engine.dialect();
    let (columns, exprs, params) = assignments(
        d,
        vec![
            ("version", Value::Bound(Param::Int(row.version))),
            ("name", Value::Bound(Param::Text(row.name.clone()))),
            ("kind", Value::Bound(Param::Text(row.kind.clone()))),
            ("checksum", Value::Bound(Param::Text(row.checksum.clone()))),
            ("applied_at", Value::Now),
            ("applied_by", Value::Bound(Param::Text(applied_by()))),
            (
                "execution_time_ms",
                row.execution_time_ms
                    .map_or(Value::Null, |ms| Value::Bound(Param::Int(ms))),
            ),
            (
                "state",
                Value::Bound(Param::Text(row.state.as_str().into())),
            ),
            (
                "statements_done",
                Value::Bound(Param::Int(row.statements_done)),
            ),
            ("note", text_or_null(row.note.clone())),
        ],
    );
    let sql = format!(
        "INSERT INTO {TABLE} ({}) VALUES ({})",
        columns.join(", "),
        exprs.join(", ")
    );
    engine
        .insert_returning_id(&sql, &params)
        .await
        .map_err(|e| {
            e.context(format!(
                "cannot record version {} in the ledger",
                row.version
            ))
        })
}

/// Applies a change to the row with this id.
pub async fn update(engine: &mut dyn Engine, id: i64, change: Change) -> Result<()> {
    let d = engine.dialect();
    let values = match change {
        Change::Progress {
            statements_done,
            note,
        } => vec![
            ("statements_done", Value::Bound(Param::Int(statements_done))),
            ("note", text_or_null(note)),
        ],
        Change::Applied {
            execution_time_ms,
            note,
        } => vec![
            ("state", Value::Bound(Param::Text("applied".into()))),
            (
                "execution_time_ms",
                Value::Bound(Param::Int(execution_time_ms)),
            ),
            ("note", text_or_null(note)),
        ],
        Change::Failed { note } => vec![
            ("state", Value::Bound(Param::Text("failed".into()))),
            ("note", Value::Bound(Param::Text(note))),
        ],
        Change::RolledBack { note } => vec![
            ("state", Value::Bound(Param::Text("rolled_back".into()))),
            ("rolled_back_at", Value::Now),
            ("rolled_back_by", Value::Bound(Param::Text(applied_by()))),
            ("note", text_or_null(note)),
        ],
        Change::Checksum { checksum, note } => vec![
            ("checksum", Value::Bound(Param::Text(checksum))),
            ("note", Value::Bound(Param::Text(note))),
        ],
        Change::RevertedBy { version } => {
            vec![("reverted_by", Value::Bound(Param::Int(version)))]
        }
        Change::NotReverted => vec![("reverted_by", Value::Null)],
        Change::Cleared { note } => vec![
            ("rolled_back_at", Value::Now),
            ("rolled_back_by", Value::Bound(Param::Text(applied_by()))),
            ("note", Value::Bound(Param::Text(note))),
        ],
    };
    let (columns, exprs, mut params) = assignments(d, values);
    let set: Vec<String> = columns
        .iter()
        .zip(&exprs)
        .map(|(c, e)| format!("{c} = {e}"))
        .collect();
    params.push(Param::Int(id));
    let sql = format!(
        "UPDATE {TABLE} SET {} WHERE id = {}",
        set.join(", "),
        placeholder(d, params.len())
    );
    engine
        .execute_with(&sql, &params)
        .await
        .map_err(|e| e.context(format!("cannot update ledger row {id}")))?;
    Ok(())
}

/// Appends a line to a note.
pub fn append_note(note: Option<&str>, line: &str) -> String {
    match note {
        Some(existing) if !existing.is_empty() => format!("{existing}\n{line}"),
        _ => line.to_string(),
    }
}

/// This machine's host name.
pub fn host_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// `user@host` of this process, recorded as `applied_by` and `rolled_back_by`.
pub fn applied_by() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", host_name())
}
