//! Statement facts: what each statement does, read by the lint rules, `plan`, dependency
//! inference and the backfill engine.
//!
//! A statement is parsed (per dialect, see [`analyze`]) into [`Action`]s: one per thing it
//! does (an `ALTER TABLE` with three sub-commands has three). The consequences of an action
//! on a given engine (the lock it takes, whether it rewrites or scans the table, whether it
//! destroys data) are derived in one place, [`effects`], from the action alone, so that
//! every parser feeds the same judgement.
//!
//! **Nothing is silently classified as safe**: a statement the parser cannot read has
//! [`Parsed::Unparsed`] and a single [`Op::Unknown`] action, whose effects are the worst
//! (an exclusive lock, a possible rewrite, possible data loss).

pub mod effects;
mod mysql;
mod postgres;
mod sqlite;
mod sqlparser_ast;

use serde::Serialize;

use super::classify::{self, StatementKind};
use super::{Dialect, Statement};

pub use effects::{DataLoss, Effects, Lock, MysqlAlgorithm, PgLock, ServerVersion};

/// A possibly schema-qualified object name. `name` is as written without quotes; unquoted
/// names are folded the way the dialect folds them (lower case in PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Name {
    /// The schema (or MySQL database), when written.
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl Name {
    /// An unqualified name.
    pub fn new(name: impl Into<String>) -> Name {
        Name {
            schema: None,
            name: name.into(),
        }
    }

    /// The key ratchet compares names by: lower case, schema dropped (migrations of one
    /// project almost always work in one schema; a qualified and an unqualified mention of
    /// one table must match).
    pub fn key(&self) -> String {
        self.name.to_lowercase()
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A column type as written, with its canonical name for comparisons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataType {
    /// Canonical lower-case name: `integer` (for int, int4), `bigint` (int8), `smallint`,
    /// `serial`, `bigserial`, `smallserial`, `varchar` (character varying), `char`
    /// (character, bpchar), `text`, `timestamp` (without time zone), `timestamptz`,
    /// `time`, `timetz`, `date`, `numeric` (decimal), `boolean`, `json`, `jsonb`, `uuid`,
    /// `real`, `double precision`, `bytea`, MySQL's `int`, `tinyint`, `enum`, `datetime`...;
    /// otherwise the name as written, lower case.
    pub name: String,
    /// Arguments: lengths, precision and scale, or an enum's values (unquoted).
    pub args: Vec<String>,
    /// An array type (`text[]`).
    pub array: bool,
    /// The type exactly as written.
    pub text: String,
}

/// An expression as written, with what ratchet knows of its volatility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expr {
    /// The expression's text.
    pub text: String,
    /// Whether it gives the same value for every row.
    pub volatility: Volatility,
}

/// Whether an expression's value depends on the row or the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    /// A literal, or an expression of literals and immutable functions: same value for
    /// every row.
    Constant,
    /// Same value within a statement (`now()`, `current_timestamp`).
    Stable,
    /// Can differ per row (`random()`, `gen_random_uuid()`, `clock_timestamp()`,
    /// `nextval()`, a subquery).
    Volatile,
    /// Calls something ratchet does not know; treated as volatile.
    Unknown,
}

impl Volatility {
    /// Whether the value may differ from row to row (or ratchet cannot tell).
    pub fn may_vary_per_row(self) -> bool {
        matches!(self, Volatility::Volatile | Volatility::Unknown)
    }
}

/// How a column's value is generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Generated {
    /// `serial`, `bigserial`, MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
    Serial,
    /// `GENERATED ... AS IDENTITY`.
    Identity,
    /// `GENERATED ALWAYS AS (expr) STORED` (MySQL `STORED`/`PERSISTENT`).
    Stored(Expr),
    /// A virtual generated column (MySQL, SQLite).
    Virtual(Expr),
}

/// A column definition (CREATE TABLE, ADD COLUMN, MySQL MODIFY/CHANGE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnDef {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub data_type: DataType,
    /// `NOT NULL` (a PRIMARY KEY column counts).
    pub not_null: bool,
    /// `PRIMARY KEY` on the column.
    pub primary_key: bool,
    /// `UNIQUE` on the column.
    pub unique: bool,
    /// `DEFAULT ...`.
    pub default: Option<Expr>,
    /// Identity, serial, generated.
    pub generated: Option<Generated>,
    /// `REFERENCES ...` on the column.
    pub references: Option<ForeignKey>,
    /// `CHECK (...)` on the column.
    pub check: Option<Expr>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// The referencing columns (empty for a column constraint: the column itself).
    pub columns: Vec<String>,
    /// The referenced table.
    pub table: Name,
    /// The referenced columns (empty: the primary key).
    pub referred: Vec<String>,
    /// `ON DELETE` action as written (`cascade`, `set null`...), lower case.
    pub on_delete: Option<String>,
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Constraint {
    /// Its name, when written.
    pub name: Option<String>,
    /// What it constrains.
    pub kind: ConstraintKind,
    /// PostgreSQL `NOT VALID`: existing rows are not checked now.
    pub not_valid: bool,
}

/// The kinds of table constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// `PRIMARY KEY (...)`; `using_index` for `PRIMARY KEY USING INDEX name`.
    PrimaryKey {
        /// The key columns.
        columns: Vec<String>,
        /// An existing index it adopts.
        using_index: Option<String>,
    },
    /// `UNIQUE (...)`; `using_index` for `UNIQUE USING INDEX name`.
    Unique {
        /// The unique columns.
        columns: Vec<String>,
        /// An existing index it adopts.
        using_index: Option<String>,
    },
    /// `FOREIGN KEY (...) REFERENCES ...`.
    ForeignKey(ForeignKey),
    /// `CHECK (...)`.
    Check(Expr),
    /// `EXCLUDE ...` (PostgreSQL).
    Exclude,
}

/// An index definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexDef {
    /// The index's name, when written.
    pub name: Option<Name>,
    /// The indexed table.
    pub table: Name,
    /// Indexed columns, or expression texts.
    pub columns: Vec<String>,
    /// `UNIQUE`.
    pub unique: bool,
    /// PostgreSQL `CONCURRENTLY`.
    pub concurrently: bool,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// A partial index's predicate.
    pub predicate: Option<String>,
}

/// The kinds of objects statements touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A schema (or MySQL database used as one).
    Schema,
    /// A database.
    Database,
    /// A table.
    Table,
    /// A column.
    Column,
    /// An index.
    Index,
    /// A constraint.
    Constraint,
    /// A type or enum.
    Type,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A trigger.
    Trigger,
    /// A function.
    Function,
    /// A procedure.
    Procedure,
    /// A sequence.
    Sequence,
    /// An extension.
    Extension,
    /// A MySQL event.
    Event,
    /// Anything else (domain, policy, role...).
    Other,
}

impl ObjectKind {
    /// The kind for people: "table", "materialized view".
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Database => "database",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Index => "index",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Type => "type",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Extension => "extension",
            ObjectKind::Event => "event",
            ObjectKind::Other => "object",
        }
    }
}

/// What a statement does. Names of columns are as written (unquoted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `CREATE TABLE`.
    CreateTable {
        /// The new table.
        table: Name,
        /// Its columns.
        columns: Vec<ColumnDef>,
        /// Its table constraints.
        constraints: Vec<Constraint>,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
        /// `CREATE TABLE ... AS SELECT` / `SELECT ... INTO` (copies rows).
        as_query: bool,
        /// `TEMPORARY`.
        temporary: bool,
    },
    /// `DROP TABLE` (one action per table).
    DropTable {
        /// The table.
        table: Name,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER TABLE ... RENAME TO`, MySQL `RENAME TABLE`.
    RenameTable {
        /// The table.
        table: Name,
        /// Its new name.
        to: Name,
    },
    /// `TRUNCATE` (one action per table).
    Truncate {
        /// The table.
        table: Name,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER TABLE ... ADD COLUMN`.
    AddColumn {
        /// The table.
        table: Name,
        /// The new column.
        column: ColumnDef,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER TABLE ... RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// Its new name.
        to: String,
    },
    /// `ALTER COLUMN ... TYPE` (PostgreSQL), or the type part of a column redefinition.
    AlterColumnType {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// The new type.
        data_type: DataType,
        /// `USING expr`.
        using: Option<Expr>,
    },
    /// MySQL `MODIFY`/`CHANGE COLUMN`: the whole column is redefined (type, nullability,
    /// default), possibly renamed.
    RedefineColumn {
        /// The table.
        table: Name,
        /// The column's current name.
        column: String,
        /// The new definition (its name is the new name).
        new: ColumnDef,
    },
    /// `ALTER COLUMN ... SET NOT NULL`.
    SetNotNull {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN ... DROP NOT NULL`.
    DropNotNull {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// `ALTER COLUMN ... SET DEFAULT`.
    SetDefault {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// The default.
        default: Expr,
    },
    /// `ALTER COLUMN ... DROP DEFAULT`.
    DropDefault {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT` (and MySQL `ADD PRIMARY KEY`/`ADD FOREIGN KEY`).
    AddConstraint {
        /// The table.
        table: Name,
        /// The constraint.
        constraint: Constraint,
    },
    /// `ALTER TABLE ... VALIDATE CONSTRAINT`.
    ValidateConstraint {
        /// The table.
        table: Name,
        /// The constraint.
        name: String,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` (MySQL `DROP FOREIGN KEY`, `DROP PRIMARY KEY`,
    /// `DROP CHECK`).
    DropConstraint {
        /// The table.
        table: Name,
        /// The constraint (`PRIMARY` for MySQL's primary key).
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `CREATE INDEX` (MySQL `ALTER TABLE ... ADD INDEX` too).
    CreateIndex(IndexDef),
    /// `DROP INDEX` (MySQL `ALTER TABLE ... DROP INDEX` too).
    DropIndex {
        /// The index.
        name: Name,
        /// The table (MySQL), when written.
        table: Option<Name>,
        /// PostgreSQL `CONCURRENTLY`.
        concurrently: bool,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `REINDEX`.
    Reindex {
        /// What is rebuilt (an index, a table...).
        target: Name,
        /// `CONCURRENTLY`.
        concurrently: bool,
    },
    /// `CREATE TYPE` (enum values when it is an enum).
    CreateType {
        /// The type.
        name: Name,
        /// An enum's values.
        enum_values: Option<Vec<String>>,
    },
    /// `ALTER TYPE ... ADD VALUE`.
    AlterTypeAddValue {
        /// The enum type.
        name: Name,
        /// The new value.
        value: String,
    },
    /// `CREATE` of an object not modelled above (view, trigger, function, schema,
    /// sequence, extension...).
    CreateObject {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: Name,
        /// The table it is on (a trigger), or the tables it reads (a view).
        tables: Vec<Name>,
        /// `OR REPLACE`.
        or_replace: bool,
    },
    /// `DROP` of an object not modelled above (type, view, schema, database...).
    DropObject {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: Name,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER ... RENAME TO` of an object not modelled above.
    RenameObject {
        /// What kind of object.
        kind: ObjectKind,
        /// Its name.
        name: Name,
        /// Its new name.
        to: Name,
    },
    /// `INSERT` (and `COPY ... FROM`, `REPLACE`).
    Insert {
        /// The table.
        table: Name,
        /// `INSERT ... SELECT` (rows from a query).
        from_query: bool,
    },
    /// `UPDATE`.
    Update {
        /// The table.
        table: Name,
        /// `SET column = expr`.
        assignments: Vec<(String, Expr)>,
        /// The `WHERE` condition.
        filter: Option<Expr>,
        /// Other tables it reads (`FROM`, joins, subqueries).
        reads: Vec<Name>,
    },
    /// `DELETE`.
    Delete {
        /// The table.
        table: Name,
        /// The `WHERE` condition.
        filter: Option<Expr>,
    },
    /// `SELECT` and other queries.
    Query {
        /// The tables read.
        reads: Vec<Name>,
    },
    /// `SET name = value`, `SET LOCAL`, `PRAGMA name = value`, `RESET`.
    SetSetting {
        /// The setting, lower case.
        name: String,
        /// The value as written (without quotes); empty for RESET.
        value: String,
        /// `SET LOCAL` (transaction-scoped).
        local: bool,
    },
    /// `BEGIN`, `COMMIT`...
    Transaction {
        /// Which.
        control: TransactionOp,
    },
    /// An `ALTER TABLE` sub-command that ratchet reads but does not model (storage
    /// parameters, ownership, comments...).
    AlterTableOther {
        /// The table.
        table: Name,
        /// What it does, in a few words ("SET (fillfactor = 70)").
        description: String,
    },
    /// A statement that parsed but is not modelled (GRANT, COMMENT, ANALYZE...). `kind`
    /// says whether it is harmless: a `DO` block or a `CALL` can do anything.
    Other {
        /// The statement's leading keywords ("GRANT", "COMMENT ON").
        description: String,
    },
    /// A statement the parser could not read, or whose meaning cannot be known statically
    /// (a `DO` block, `EXECUTE`, a procedure call). Treated as unsafe everywhere.
    Unknown {
        /// Why it is unknown (the parser's message).
        reason: String,
    },
}

/// Transaction control, as an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionOp {
    /// BEGIN, START TRANSACTION.
    Begin,
    /// COMMIT, END.
    Commit,
    /// ROLLBACK.
    Rollback,
    /// SAVEPOINT, RELEASE, ROLLBACK TO.
    Savepoint,
}

impl Op {
    /// The table the action is about, if it is about one.
    pub fn table(&self) -> Option<&Name> {
        match self {
            Op::CreateTable { table, .. }
            | Op::DropTable { table, .. }
            | Op::RenameTable { table, .. }
            | Op::Truncate { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumnType { table, .. }
            | Op::RedefineColumn { table, .. }
            | Op::SetNotNull { table, .. }
            | Op::DropNotNull { table, .. }
            | Op::SetDefault { table, .. }
            | Op::DropDefault { table, .. }
            | Op::AddConstraint { table, .. }
            | Op::ValidateConstraint { table, .. }
            | Op::DropConstraint { table, .. }
            | Op::Insert { table, .. }
            | Op::Update { table, .. }
            | Op::Delete { table, .. }
            | Op::AlterTableOther { table, .. } => Some(table),
            Op::CreateIndex(index) => Some(&index.table),
            Op::DropIndex { table, .. } => table.as_ref(),
            _ => None,
        }
    }
}

/// One thing a statement does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// What it does.
    #[serde(flatten)]
    pub op: Op,
    /// Byte offset, within the statement's text, of the words the action is about (the
    /// `ADD COLUMN` of an `ALTER TABLE`), for precise positions; 0 when unknown.
    pub offset: usize,
}

/// Whether the parser read a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Parsed {
    /// Read completely.
    Parsed,
    /// Not read: its actions are a single [`Op::Unknown`].
    Unparsed {
        /// The parser's message.
        message: String,
    },
}

/// MySQL's online-DDL clauses of an `ALTER TABLE` or `CREATE INDEX`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OnlineOptions {
    /// `ALGORITHM=INSTANT|INPLACE|COPY|DEFAULT`, upper case.
    pub algorithm: Option<String>,
    /// `LOCK=NONE|SHARED|EXCLUSIVE|DEFAULT`, upper case.
    pub lock: Option<String>,
}

/// Everything ratchet knows about one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementFacts {
    /// DDL, DML, query, transaction control, session setting or unknown.
    pub kind: StatementKind,
    /// What it does, in order.
    pub actions: Vec<Action>,
    /// Whether the parser read it.
    pub parsed: Parsed,
    /// MySQL `ALGORITHM=` / `LOCK=` clauses.
    pub online: OnlineOptions,
    /// Why it cannot run inside a transaction block, if it cannot.
    pub no_transaction: Option<String>,
}

impl StatementFacts {
    /// Whether the parser could not read the statement.
    pub fn is_unparsed(&self) -> bool {
        matches!(self.parsed, Parsed::Unparsed { .. })
    }
}

/// The facts of one statement in `dialect`.
pub fn analyze(statement: &Statement, dialect: Dialect) -> StatementFacts {
    let kind = classify::statement_kind(statement, dialect);
    let no_transaction = classify::no_transaction_reason(statement, dialect).map(str::to_string);
    let extracted = match dialect {
        Dialect::Postgres => postgres::extract(&statement.sql),
        Dialect::Mysql => mysql::extract(&statement.sql),
        Dialect::Sqlite => sqlite::extract(&statement.sql),
    };
    let (actions, parsed, online) = match extracted {
        Ok((actions, online)) => (actions, Parsed::Parsed, online),
        Err(message) => (
            vec![Action {
                op: Op::Unknown {
                    reason: message.clone(),
                },
                offset: 0,
            }],
            Parsed::Unparsed { message },
            OnlineOptions::default(),
        ),
    };
    StatementFacts {
        kind,
        actions,
        parsed,
        online,
        no_transaction,
    }
}

/// What a parser returns for one statement: its actions and MySQL's online options, or why
/// it could not read it.
pub(crate) type Extracted = Result<(Vec<Action>, OnlineOptions), String>;
