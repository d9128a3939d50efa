//! The consequences of an action on an engine: the lock it takes, whether it rewrites or
//! scans the table, whether it destroys data. Derived from the action alone (plus the
//! column's previous definition, when the caller knows it), for every parser alike.
//!
//! Where ratchet cannot tell (an unknown statement, a type change from an unknown type),
//! the answer is the cautious one.

use serde::Serialize;

use super::{
    Action, ColumnDef, ConstraintKind, DataType, Generated, Name, ObjectKind, OnlineOptions, Op,
};
use crate::sql::Dialect;

/// The server versions ratchet judges for. When linting without a database the defaults
/// are used (or `[lint]`'s settings); when migrating, the real server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServerVersion {
    /// PostgreSQL `server_version_num` (150004 for 15.4).
    pub postgres: u32,
    /// MySQL or MariaDB as `major * 10000 + minor * 100 + patch` (80036, 101106).
    pub mysql: u32,
    /// Whether the MySQL server is MariaDB (its online DDL differs).
    pub mariadb: bool,
    /// SQLite as `major * 1000000 + minor * 1000 + patch` (3045001).
    pub sqlite: u32,
}

impl Default for ServerVersion {
    /// PostgreSQL 14, MySQL 8.0.36, SQLite 3.45: versions in wide use in 2026, and not
    /// the newest, so that version-dependent advice errs on the careful side.
    fn default() -> Self {
        ServerVersion {
            postgres: 140_000,
            mysql: 80_036,
            mariadb: false,
            sqlite: 3_045_000,
        }
    }
}

/// PostgreSQL's table lock modes, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PgLock {
    /// SELECT.
    AccessShare,
    /// SELECT FOR UPDATE.
    RowShare,
    /// INSERT, UPDATE, DELETE.
    RowExclusive,
    /// VALIDATE CONSTRAINT, CREATE INDEX CONCURRENTLY: blocks other DDL only.
    ShareUpdateExclusive,
    /// CREATE INDEX: blocks writes.
    Share,
    /// CREATE TRIGGER, ADD FOREIGN KEY: blocks writes.
    ShareRowExclusive,
    /// REFRESH MATERIALIZED VIEW CONCURRENTLY: blocks writes.
    Exclusive,
    /// Most ALTER TABLE forms, DROP, TRUNCATE: blocks reads and writes.
    AccessExclusive,
}

impl PgLock {
    /// The mode as PostgreSQL names it.
    pub fn name(self) -> &'static str {
        match self {
            PgLock::AccessShare => "ACCESS SHARE",
            PgLock::RowShare => "ROW SHARE",
            PgLock::RowExclusive => "ROW EXCLUSIVE",
            PgLock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            PgLock::Share => "SHARE",
            PgLock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            PgLock::Exclusive => "EXCLUSIVE",
            PgLock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }
}

/// MySQL's online-DDL algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MysqlAlgorithm {
    /// Metadata only.
    Instant,
    /// In place (may rebuild the table, usually with concurrent DML).
    Inplace,
    /// A full copy of the table; writes wait until it ends.
    Copy,
}

/// The lock an action takes on the object it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "engine", rename_all = "snake_case")]
pub enum Lock {
    /// Nothing anyone else uses (a new table, a session setting).
    None,
    /// A PostgreSQL table lock.
    Postgres {
        /// The mode.
        mode: PgLock,
    },
    /// A MySQL online-DDL operation, or row locks for data changes.
    Mysql {
        /// The algorithm the server will use (`None` for data changes: row locks only).
        algorithm: Option<MysqlAlgorithm>,
        /// Whether writes to the table wait until it ends.
        blocks_writes: bool,
    },
    /// SQLite's database-wide write lock, held until the transaction commits.
    SqliteWrite,
    /// ratchet cannot tell: treated as blocking everything.
    Unknown,
}

impl Lock {
    /// Whether reads of the table wait for it.
    pub fn blocks_reads(self) -> bool {
        match self {
            Lock::Postgres { mode } => mode == PgLock::AccessExclusive,
            Lock::Mysql { algorithm, .. } => algorithm == Some(MysqlAlgorithm::Copy),
            Lock::Unknown => true,
            Lock::None | Lock::SqliteWrite => false,
        }
    }

    /// Whether writes to the table wait for it.
    pub fn blocks_writes(self) -> bool {
        match self {
            Lock::Postgres { mode } => mode >= PgLock::Share,
            Lock::Mysql { blocks_writes, .. } => blocks_writes,
            Lock::SqliteWrite | Lock::Unknown => true,
            Lock::None => false,
        }
    }

    /// A few words for plans and messages: "ACCESS EXCLUSIVE", "INPLACE, writes allowed".
    pub fn describe(self) -> String {
        match self {
            Lock::None => "none".into(),
            Lock::Postgres { mode } => mode.name().into(),
            Lock::Mysql {
                algorithm: None, ..
            } => "row locks".into(),
            Lock::Mysql {
                algorithm: Some(algorithm),
                blocks_writes,
            } => format!(
                "{}{}",
                match algorithm {
                    MysqlAlgorithm::Instant => "INSTANT",
                    MysqlAlgorithm::Inplace => "INPLACE",
                    MysqlAlgorithm::Copy => "COPY",
                },
                if blocks_writes {
                    ", blocks writes"
                } else {
                    ", writes allowed"
                }
            ),
            Lock::SqliteWrite => "database write lock".into(),
            Lock::Unknown => "unknown".into(),
        }
    }
}

/// Data an action destroys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "loss", rename_all = "snake_case")]
pub enum DataLoss {
    /// A whole table and its rows.
    Table {
        /// The table.
        table: Name,
    },
    /// A column's values.
    Column {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// Rows of a table (`all`: every row).
    Rows {
        /// The table.
        table: Name,
        /// TRUNCATE, or DELETE without WHERE.
        all: bool,
    },
    /// A type change that may truncate or round values (`certain`: the old type is known
    /// to be wider).
    Narrowing {
        /// The table.
        table: Name,
        /// The column.
        column: String,
        /// Whether the narrowing is certain, rather than possible.
        certain: bool,
    },
    /// A schema, database, type or other object and everything in or of it.
    Object {
        /// What kind.
        kind: ObjectKind,
        /// Its name.
        name: Name,
    },
    /// A statement ratchet cannot read may destroy anything.
    Unknown,
}

impl DataLoss {
    /// A few words: "table orders", "column orders.priority".
    pub fn describe(&self) -> String {
        match self {
            DataLoss::Table { table } => format!("table {table} and its rows"),
            DataLoss::Column { table, column } => format!("column {table}.{column} and its values"),
            DataLoss::Rows { table, all: true } => format!("every row of {table}"),
            DataLoss::Rows { table, all: false } => format!("rows of {table}"),
            DataLoss::Narrowing {
                table,
                column,
                certain,
            } => format!(
                "values of {table}.{column} that {} fit the narrower type",
                if *certain { "do not" } else { "may not" }
            ),
            DataLoss::Object { kind, name } => {
                format!("{} {name} and everything in it", kind.name())
            }
            DataLoss::Unknown => "anything (ratchet cannot read the statement)".into(),
        }
    }
}

/// The consequences of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effects {
    /// The lock on the changed table (or object).
    pub lock: Lock,
    /// Whether every row is rewritten (and the indexes rebuilt) while the lock is held.
    pub rewrites: bool,
    /// Whether every row is read while the lock is held (a validation, an index build).
    pub scans: bool,
    /// What data it destroys.
    pub destroys: Option<DataLoss>,
}

impl Effects {
    fn new(lock: Lock) -> Effects {
        Effects {
            lock,
            rewrites: false,
            scans: false,
            destroys: None,
        }
    }

    fn rewriting(mut self) -> Effects {
        self.rewrites = true;
        self.scans = true;
        self
    }

    fn scanning(mut self) -> Effects {
        self.scans = true;
        self
    }

    fn destroying(mut self, loss: DataLoss) -> Effects {
        self.destroys = Some(loss);
        self
    }
}

/// The effects of `action` on `dialect`. `previous` is the column's definition before the
/// action (for type changes), when known.
pub fn effects(
    action: &Action,
    dialect: Dialect,
    online: &OnlineOptions,
    version: &ServerVersion,
    previous: Option<&ColumnDef>,
) -> Effects {
    match dialect {
        Dialect::Postgres => postgres(&action.op, version, previous),
        Dialect::Mysql => mysql(&action.op, online, version, previous),
        Dialect::Sqlite => sqlite(&action.op),
    }
}

/// Data loss that does not depend on the engine.
fn data_loss(op: &Op) -> Option<DataLoss> {
    match op {
        Op::DropTable { table, .. } => Some(DataLoss::Table {
            table: table.clone(),
        }),
        Op::DropColumn { table, column, .. } => Some(DataLoss::Column {
            table: table.clone(),
            column: column.clone(),
        }),
        Op::Truncate { table, .. } => Some(DataLoss::Rows {
            table: table.clone(),
            all: true,
        }),
        Op::Delete { table, filter } => Some(DataLoss::Rows {
            table: table.clone(),
            all: filter.is_none(),
        }),
        Op::DropObject { kind, name, .. }
            if matches!(
                kind,
                ObjectKind::Schema
                    | ObjectKind::Database
                    | ObjectKind::Type
                    | ObjectKind::MaterializedView
                    | ObjectKind::Sequence
                    | ObjectKind::Extension
            ) =>
        {
            Some(DataLoss::Object {
                kind: *kind,
                name: name.clone(),
            })
        }
        Op::Unknown { .. } => Some(DataLoss::Unknown),
        _ => None,
    }
}

fn postgres(op: &Op, version: &ServerVersion, previous: Option<&ColumnDef>) -> Effects {
    use PgLock::*;
    let lock = |mode| Lock::Postgres { mode };
    let base = match op {
        Op::CreateTable { as_query, .. } => {
            let effects = Effects::new(Lock::None);
            if *as_query {
                effects.scanning()
            } else {
                effects
            }
        }
        Op::DropTable { .. } | Op::Truncate { .. } | Op::RenameTable { .. } => {
            Effects::new(lock(AccessExclusive))
        }
        Op::AddColumn { column, .. } => {
            let effects = Effects::new(lock(AccessExclusive));
            if pg_add_column_rewrites(column, version) {
                effects.rewriting()
            } else if column.primary_key
                || column.unique
                || column.check.is_some()
                || column.references.is_some()
            {
                effects.scanning()
            } else {
                effects
            }
        }
        Op::DropColumn { .. }
        | Op::RenameColumn { .. }
        | Op::DropNotNull { .. }
        | Op::SetDefault { .. }
        | Op::DropDefault { .. }
        | Op::DropConstraint { .. } => Effects::new(lock(AccessExclusive)),
        Op::AlterTableOther { description, .. } => {
            let effects = Effects::new(lock(AccessExclusive));
            if rewrites_table(description) {
                effects.rewriting()
            } else {
                effects
            }
        }
        Op::AlterColumnType {
            table,
            column,
            data_type,
            using,
        } => {
            let change = type_change(previous.map(|c| &c.data_type), data_type);
            let mut effects = Effects::new(lock(AccessExclusive));
            if using.is_some() || change.rewrites {
                effects = effects.rewriting();
            } else if change.scans {
                effects = effects.scanning();
            }
            if let Some(certain) = change.narrows {
                effects = effects.destroying(DataLoss::Narrowing {
                    table: table.clone(),
                    column: column.clone(),
                    certain,
                });
            }
            effects
        }
        Op::RedefineColumn { .. } => Effects::new(Lock::Unknown).rewriting(),
        Op::SetNotNull { .. } => Effects::new(lock(AccessExclusive)).scanning(),
        Op::AddConstraint { constraint, .. } => {
            let mode = match constraint.kind {
                ConstraintKind::ForeignKey(_) => ShareRowExclusive,
                _ => AccessExclusive,
            };
            let effects = Effects::new(lock(mode));
            let adopts_index = matches!(
                &constraint.kind,
                ConstraintKind::PrimaryKey {
                    using_index: Some(_),
                    ..
                } | ConstraintKind::Unique {
                    using_index: Some(_),
                    ..
                }
            );
            if constraint.not_valid || adopts_index {
                effects
            } else {
                effects.scanning()
            }
        }
        Op::ValidateConstraint { .. } => Effects::new(lock(ShareUpdateExclusive)).scanning(),
        Op::CreateIndex(index) => Effects::new(lock(if index.concurrently {
            ShareUpdateExclusive
        } else {
            Share
        }))
        .scanning(),
        Op::DropIndex { concurrently, .. } => Effects::new(lock(if *concurrently {
            ShareUpdateExclusive
        } else {
            AccessExclusive
        })),
        Op::Reindex { concurrently, .. } => Effects::new(lock(if *concurrently {
            ShareUpdateExclusive
        } else {
            Share
        }))
        .rewriting(),
        Op::CreateType { .. } | Op::SetSetting { .. } | Op::Transaction { .. } => {
            Effects::new(Lock::None)
        }
        Op::AlterTypeAddValue { .. } => Effects::new(Lock::None),
        Op::CreateObject { kind, .. } => Effects::new(match kind {
            ObjectKind::Trigger => lock(ShareRowExclusive),
            _ => Lock::None,
        }),
        Op::DropObject { kind, .. } | Op::RenameObject { kind, .. } => Effects::new(match kind {
            ObjectKind::Trigger | ObjectKind::View | ObjectKind::MaterializedView => {
                lock(AccessExclusive)
            }
            ObjectKind::Schema | ObjectKind::Database => Lock::Unknown,
            _ => Lock::None,
        }),
        Op::Insert { .. } | Op::Update { .. } | Op::Delete { .. } => {
            Effects::new(lock(RowExclusive))
        }
        Op::Query { .. } => Effects::new(lock(AccessShare)),
        Op::Other { .. } => Effects::new(Lock::None),
        Op::Unknown { .. } => Effects::new(Lock::Unknown).rewriting(),
    };
    with_loss(base, op)
}

/// The `AlterTableOther` forms that rewrite the whole table: `VACUUM FULL`, `CLUSTER`,
/// and the ALTER TABLE forms the PostgreSQL reader marks as rewriting (SET LOGGED/UNLOGGED,
/// SET TABLESPACE, SET ACCESS METHOD, SET EXPRESSION). `ALTER TABLE ... CLUSTER ON` only
/// records an index and is not one of them.
fn rewrites_table(description: &str) -> bool {
    description.starts_with("VACUUM FULL") || description.contains("rewrit")
}

fn with_loss(effects: Effects, op: &Op) -> Effects {
    match (effects.destroys.is_some(), data_loss(op)) {
        (false, Some(loss)) => effects.destroying(loss),
        _ => effects,
    }
}

/// Whether PostgreSQL rewrites the table to add this column: any default before 11; a
/// volatile default, a stored generated column, an identity or serial column since.
fn pg_add_column_rewrites(column: &ColumnDef, version: &ServerVersion) -> bool {
    let volatile_default = column
        .default
        .as_ref()
        .is_some_and(|d| d.volatility.may_vary_per_row());
    let generated = matches!(
        column.generated,
        Some(Generated::Stored(_) | Generated::Identity | Generated::Serial)
    ) || matches!(
        column.data_type.name.as_str(),
        "serial" | "bigserial" | "smallserial"
    );
    (version.postgres < 110_000 && column.default.is_some()) || volatile_default || generated
}

/// What a change from `old` to `new` costs and risks.
struct TypeChange {
    rewrites: bool,
    scans: bool,
    /// `Some(true)`: values are certainly cut; `Some(false)`: they may be.
    narrows: Option<bool>,
}

/// Judges a column type change. Without the old type, the answer is cautious: a rewrite
/// and a possible narrowing.
fn type_change(old: Option<&DataType>, new: &DataType) -> TypeChange {
    let Some(old) = old else {
        return TypeChange {
            rewrites: true,
            scans: true,
            narrows: Some(false),
        };
    };
    let same = |rewrites, narrows| TypeChange {
        rewrites,
        scans: rewrites,
        narrows,
    };
    let length = |t: &DataType| t.args.first().and_then(|a| a.parse::<u64>().ok());
    let (o, n) = (old.name.as_str(), new.name.as_str());
    if old.array != new.array {
        return same(true, Some(false));
    }
    // A shorter string or a smaller integer makes the statement fail on a value that does
    // not fit (strict mode on MySQL): checked, not lost. Rounding and truncating casts
    // change values silently: that is data loss.
    let checked = |rewrites| TypeChange {
        rewrites,
        scans: true,
        narrows: None,
    };
    match (o, n) {
        _ if same_type(old, new) => same(false, None),
        // Lengthening or unbounding a string is a catalog change only.
        ("varchar", "varchar") | ("char", "char") => match (length(old), length(new)) {
            (_, None) => same(o == "char", None),
            (Some(a), Some(b)) if b >= a => same(o == "char" && b != a, None),
            // Measured on PostgreSQL 15: a shorter length rewrites the table.
            _ => checked(true),
        },
        ("varchar" | "text", "text") | ("text", "varchar")
            if n == "text" || length(new).is_none() =>
        {
            same(false, None)
        }
        ("text", "varchar") => checked(true),
        ("numeric", "numeric") => {
            let precision = |t: &DataType| t.args.first().and_then(|a| a.parse::<u32>().ok());
            let scale = |t: &DataType| {
                t.args
                    .get(1)
                    .and_then(|a| a.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            match (precision(old), precision(new)) {
                (_, None) => same(false, None),
                (Some(p), Some(q)) if q >= p && scale(new) == scale(old) => same(false, None),
                // Fewer decimals round every value; a smaller precision only fails.
                _ if scale(new) < scale(old) => same(true, Some(true)),
                _ => checked(true),
            }
        }
        // Widening integers rewrites but keeps every value; narrowing fails on overflow.
        _ if integer_rank(o).is_some() && integer_rank(n).is_some() => {
            if integer_rank(n) > integer_rank(o) {
                same(true, None)
            } else {
                checked(true)
            }
        }
        ("timestamp", "timestamptz") | ("timestamptz", "timestamp") => same(true, None),
        ("cidr", "inet") | ("varbinary", "blob") => same(false, None),
        ("real", "double precision") => same(true, None),
        ("double precision", "real")
        | ("numeric" | "real" | "double precision", "integer" | "bigint" | "smallint")
        | ("timestamp" | "timestamptz", "date") => same(true, Some(true)),
        _ => same(true, Some(false)),
    }
}

/// The width order of integer types, PostgreSQL's and MySQL's names alike (an unsigned
/// MySQL type is its own name: a change of sign is a real type change).
fn integer_rank(name: &str) -> Option<u8> {
    match name {
        "tinyint" => Some(1),
        "smallint" => Some(2),
        "mediumint" => Some(3),
        "integer" | "int" => Some(4),
        "bigint" => Some(5),
        _ => None,
    }
}

/// Same type, as far as storage goes: the canonical name and arguments, not the text as
/// written (`INT` and `int` are one type).
fn same_type(a: &DataType, b: &DataType) -> bool {
    a.name == b.name && a.args == b.args && a.array == b.array
}

fn mysql(
    op: &Op,
    online: &OnlineOptions,
    version: &ServerVersion,
    previous: Option<&ColumnDef>,
) -> Effects {
    use MysqlAlgorithm::*;
    let ddl = |algorithm, blocks_writes| {
        Effects::new(Lock::Mysql {
            algorithm: Some(algorithm),
            blocks_writes,
        })
    };
    let instant_add = if version.mariadb {
        version.mysql >= 100_302
    } else {
        version.mysql >= 80_012
    };
    let instant_drop = if version.mariadb {
        version.mysql >= 100_400
    } else {
        version.mysql >= 80_029
    };
    let base = match op {
        Op::CreateTable { as_query, .. } => {
            let effects = Effects::new(Lock::None);
            if *as_query {
                effects.scanning()
            } else {
                effects
            }
        }
        Op::DropTable { .. } | Op::RenameTable { .. } | Op::Truncate { .. } => ddl(Instant, false),
        Op::AddColumn { column, .. } => {
            if matches!(column.generated, Some(Generated::Stored(_))) {
                ddl(Copy, true).rewriting()
            } else if matches!(column.generated, Some(Generated::Serial)) || column.primary_key {
                // An AUTO_INCREMENT column rebuilds the table without concurrent DML.
                ddl(Inplace, true).rewriting()
            } else if instant_add && !column.unique {
                ddl(Instant, false)
            } else {
                ddl(Inplace, false).rewriting()
            }
        }
        Op::DropColumn { .. } => {
            if instant_drop {
                ddl(Instant, false)
            } else {
                ddl(Inplace, false).rewriting()
            }
        }
        Op::RenameColumn { .. } | Op::SetDefault { .. } | Op::DropDefault { .. } => {
            ddl(Instant, false)
        }
        Op::RedefineColumn { table, column, new } => {
            let old = previous.map(|c| &c.data_type);
            let mut effects = match old {
                Some(old) if same_type(old, &new.data_type) => {
                    // Same type: a nullability change rebuilds in place; a default is
                    // metadata.
                    if previous.is_some_and(|p| p.not_null != new.not_null) {
                        ddl(Inplace, false).rewriting()
                    } else {
                        ddl(Instant, false)
                    }
                }
                Some(old) if enum_appended(old, &new.data_type) => ddl(Instant, false),
                // MariaDB 10.4.3 widens an integer as a metadata change (MDEV-15563).
                Some(old)
                    if version.mariadb
                        && version.mysql >= 100_403
                        && integer_widened(old, &new.data_type)
                        && previous.is_some_and(|p| p.not_null == new.not_null) =>
                {
                    ddl(Instant, false)
                }
                Some(old) if varchar_extended_in_place(old, &new.data_type) => ddl(Inplace, false),
                _ => ddl(Copy, true).rewriting(),
            };
            let change = type_change(old, &new.data_type);
            if let Some(certain) = change.narrows {
                effects = effects.destroying(DataLoss::Narrowing {
                    table: table.clone(),
                    column: column.clone(),
                    certain,
                });
            }
            effects
        }
        Op::AlterColumnType { .. } => ddl(Copy, true).rewriting(),
        Op::SetNotNull { .. } | Op::DropNotNull { .. } => ddl(Inplace, false).rewriting(),
        Op::AddConstraint { constraint, .. } => match constraint.kind {
            // With foreign_key_checks on (the default), MySQL copies the table.
            ConstraintKind::ForeignKey(_) => ddl(Copy, true).rewriting(),
            ConstraintKind::PrimaryKey { .. } => ddl(Inplace, false).rewriting(),
            ConstraintKind::Unique { .. } => ddl(Inplace, false).scanning(),
            ConstraintKind::Check(_) | ConstraintKind::Exclude => ddl(Copy, true).rewriting(),
        },
        Op::DropConstraint { name, .. } if name.eq_ignore_ascii_case("primary") => {
            ddl(Copy, true).rewriting()
        }
        // Dropping a foreign key, check or index only changes metadata.
        Op::DropConstraint { .. } | Op::DropIndex { .. } => ddl(Instant, false),
        Op::ValidateConstraint { .. } => ddl(Inplace, false),
        Op::CreateIndex(_) => ddl(Inplace, false).scanning(),
        Op::AlterTableOther { description, .. } => match table_option(description) {
            TableOption::Metadata => ddl(Instant, false),
            TableOption::Rebuild => ddl(Inplace, false).rewriting(),
            TableOption::Copy => ddl(Copy, true).rewriting(),
        },
        Op::Reindex { .. } => ddl(Copy, true).rewriting(),
        Op::Insert { .. } | Op::Update { .. } | Op::Delete { .. } => Effects::new(Lock::Mysql {
            algorithm: None,
            blocks_writes: false,
        }),
        Op::Query { .. }
        | Op::CreateType { .. }
        | Op::AlterTypeAddValue { .. }
        | Op::CreateObject { .. }
        | Op::RenameObject { .. }
        | Op::SetSetting { .. }
        | Op::Transaction { .. }
        | Op::Other { .. } => Effects::new(Lock::None),
        Op::DropObject { kind, .. } => Effects::new(match kind {
            ObjectKind::Schema | ObjectKind::Database => Lock::Unknown,
            _ => Lock::None,
        }),
        Op::Unknown { .. } => Effects::new(Lock::Unknown).rewriting(),
    };
    with_loss(requested(online_copy(base, version), online), op)
}

/// MariaDB 11.2 runs a COPY with `LOCK=NONE` by default ("Online Schema Change"): the copy
/// is still long, but writes go on.
fn online_copy(mut effects: Effects, version: &ServerVersion) -> Effects {
    if version.mariadb
        && version.mysql >= 110_200
        && let Lock::Mysql {
            algorithm: Some(MysqlAlgorithm::Copy),
            ..
        } = effects.lock
    {
        effects.lock = Lock::Mysql {
            algorithm: Some(MysqlAlgorithm::Copy),
            blocks_writes: false,
        };
    }
    effects
}

/// What a MySQL table option (an `AlterTableOther`) costs, from the MySQL 8.0 manual's
/// "Table Operations" and "Tablespace Operations" tables.
enum TableOption {
    /// `AUTO_INCREMENT=`, `COMMENT=`, `STATS_*`, index visibility and renames.
    Metadata,
    /// `ROW_FORMAT`, `KEY_BLOCK_SIZE`, `FORCE`, `ENGINE=InnoDB` (a null rebuild), a default
    /// character set: rebuilt in place, writes allowed.
    Rebuild,
    /// `CONVERT TO CHARACTER SET`, another `ENGINE`, `ENCRYPTION`, and what ratchet does not
    /// recognise.
    Copy,
}

fn table_option(description: &str) -> TableOption {
    const REBUILDS: [&str; 7] = [
        "ROW_FORMAT",
        "KEY_BLOCK_SIZE",
        "FORCE",
        "CHARACTER SET",
        "CHARSET",
        "COLLATE",
        "PAGE_COMPRESS",
    ];
    const METADATA: [&str; 10] = [
        "AUTO_INCREMENT",
        "COMMENT",
        "STATS_",
        "ALTER INDEX",
        "RENAME INDEX",
        "RENAME KEY",
        "VISIBLE",
        "ALTER CHECK",
        "DISABLE KEYS",
        "ENABLE KEYS",
    ];
    let d = description.to_ascii_uppercase();
    if d.contains("CONVERT TO") || d.contains("ENCRYPTION") {
        return TableOption::Copy;
    }
    if let Some(rest) = d.split("ENGINE").nth(1) {
        let engine = rest
            .trim_start_matches([' ', '='])
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or_default();
        return if engine == "INNODB" {
            TableOption::Rebuild
        } else {
            TableOption::Copy
        };
    }
    if REBUILDS.iter().any(|k| d.contains(k)) {
        TableOption::Rebuild
    } else if METADATA.iter().any(|k| d.contains(k)) {
        TableOption::Metadata
    } else {
        TableOption::Copy
    }
}

/// An integer type made wider with the same signedness.
fn integer_widened(old: &DataType, new: &DataType) -> bool {
    let unsigned = |t: &DataType| t.text.to_ascii_lowercase().contains("unsigned");
    let rank = |t: &DataType| t.name.split_whitespace().next().and_then(integer_rank);
    match (rank(old), rank(new)) {
        (Some(a), Some(b)) => b > a && unsigned(old) == unsigned(new),
        _ => false,
    }
}

/// An explicit `ALGORITHM=` or `LOCK=` makes MySQL refuse, rather than silently fall back
/// to something that blocks more: the statement either runs as asked or fails.
fn requested(mut effects: Effects, online: &OnlineOptions) -> Effects {
    if let Lock::Mysql {
        algorithm: Some(algorithm),
        blocks_writes,
    } = effects.lock
    {
        let algorithm = match online.algorithm.as_deref() {
            Some("INSTANT") => MysqlAlgorithm::Instant,
            Some("INPLACE") if algorithm == MysqlAlgorithm::Copy => MysqlAlgorithm::Inplace,
            Some("COPY") => MysqlAlgorithm::Copy,
            _ => algorithm,
        };
        let blocks_writes = match online.lock.as_deref() {
            Some("NONE") => false,
            Some("SHARED" | "EXCLUSIVE") => true,
            _ => blocks_writes || algorithm == MysqlAlgorithm::Copy,
        };
        effects.lock = Lock::Mysql {
            algorithm: Some(algorithm),
            blocks_writes,
        };
    }
    effects
}

/// An ENUM whose new values extend the old list at its end (and stay within one byte of
/// storage) changes instantly.
fn enum_appended(old: &DataType, new: &DataType) -> bool {
    old.name == "enum"
        && new.name == "enum"
        && new.args.len() >= old.args.len()
        && new.args.len() <= 255
        && new.args[..old.args.len()] == old.args[..]
}

/// A VARCHAR that grows within the same length-byte class (up to 255 bytes, or beyond)
/// changes in place without a copy (conservatively assuming 4-byte characters).
fn varchar_extended_in_place(old: &DataType, new: &DataType) -> bool {
    let length = |t: &DataType| t.args.first().and_then(|a| a.parse::<u64>().ok());
    match (
        old.name.as_str(),
        new.name.as_str(),
        length(old),
        length(new),
    ) {
        ("varchar", "varchar", Some(a), Some(b)) => b >= a && ((a * 4 <= 255) == (b * 4 <= 255)),
        _ => false,
    }
}

fn sqlite(op: &Op) -> Effects {
    let write = Effects::new(Lock::SqliteWrite);
    let base = match op {
        Op::CreateTable { as_query: true, .. } => write.scanning(),
        Op::DropColumn { .. } => write.rewriting(),
        // What SQLite's ALTER TABLE cannot do needs a table rebuild.
        Op::AlterColumnType { .. }
        | Op::RedefineColumn { .. }
        | Op::SetNotNull { .. }
        | Op::DropNotNull { .. }
        | Op::SetDefault { .. }
        | Op::DropDefault { .. }
        | Op::AddConstraint { .. }
        | Op::DropConstraint { .. }
        | Op::ValidateConstraint { .. } => write.rewriting(),
        Op::CreateIndex(_) => write.scanning(),
        Op::Query { .. } | Op::SetSetting { .. } | Op::Transaction { .. } | Op::Other { .. } => {
            Effects::new(Lock::None)
        }
        Op::Unknown { .. } => Effects::new(Lock::Unknown).rewriting(),
        _ => write,
    };
    with_loss(base, op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::facts::{Expr, Volatility};

    fn t(name: &str, args: &[&str]) -> DataType {
        DataType {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            array: false,
            text: name.into(),
        }
    }

    fn column(name: &str, data_type: DataType) -> ColumnDef {
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

    fn action(op: Op) -> Action {
        Action { op, offset: 0 }
    }

    fn pg(op: Op, previous: Option<&ColumnDef>) -> Effects {
        effects(
            &action(op),
            Dialect::Postgres,
            &OnlineOptions::default(),
            &ServerVersion::default(),
            previous,
        )
    }

    #[test]
    fn postgres_add_column_rewrites_only_for_volatile_defaults() {
        let mut col = column("c", t("integer", &[]));
        col.default = Some(Expr {
            text: "0".into(),
            volatility: Volatility::Constant,
        });
        let add = |c: &ColumnDef| Op::AddColumn {
            table: Name::new("t"),
            column: c.clone(),
            if_not_exists: false,
        };
        assert!(!pg(add(&col), None).rewrites);
        col.default = Some(Expr {
            text: "random()".into(),
            volatility: Volatility::Volatile,
        });
        let e = pg(add(&col), None);
        assert!(e.rewrites);
        assert!(e.lock.blocks_reads());
        let old = ServerVersion {
            postgres: 100_000,
            ..ServerVersion::default()
        };
        col.default = Some(Expr {
            text: "0".into(),
            volatility: Volatility::Constant,
        });
        let e = effects(
            &action(add(&col)),
            Dialect::Postgres,
            &OnlineOptions::default(),
            &old,
            None,
        );
        assert!(e.rewrites, "PostgreSQL 10 rewrites for any default");
    }

    #[test]
    fn postgres_type_changes() {
        let change = |old: DataType, new: DataType| {
            pg(
                Op::AlterColumnType {
                    table: Name::new("t"),
                    column: "c".into(),
                    data_type: new,
                    using: None,
                },
                Some(&column("c", old)),
            )
        };
        let e = change(t("varchar", &["10"]), t("varchar", &["20"]));
        assert!(!e.rewrites && e.destroys.is_none());
        let e = change(t("varchar", &["20"]), t("text", &[]));
        assert!(!e.rewrites && e.destroys.is_none());
        let e = change(t("varchar", &["20"]), t("varchar", &["10"]));
        assert!(e.rewrites && e.scans);
        assert_eq!(e.destroys, None, "a value that does not fit makes it fail");
        let e = change(t("integer", &[]), t("bigint", &[]));
        assert!(e.rewrites && e.destroys.is_none());
        let e = change(t("numeric", &["10", "2"]), t("numeric", &["12", "2"]));
        assert!(!e.rewrites);
        let e = change(t("numeric", &["10", "2"]), t("numeric", &["10", "0"]));
        assert!(matches!(
            e.destroys,
            Some(DataLoss::Narrowing { certain: true, .. })
        ));
        // Unknown old type: cautious.
        let e = pg(
            Op::AlterColumnType {
                table: Name::new("t"),
                column: "c".into(),
                data_type: t("text", &[]),
                using: None,
            },
            None,
        );
        assert!(e.rewrites);
        assert!(matches!(
            e.destroys,
            Some(DataLoss::Narrowing { certain: false, .. })
        ));
    }

    #[test]
    fn postgres_locks() {
        let index = |concurrently| {
            Op::CreateIndex(crate::sql::facts::IndexDef {
                name: None,
                table: Name::new("t"),
                columns: vec!["c".into()],
                unique: false,
                concurrently,
                if_not_exists: false,
                predicate: None,
            })
        };
        assert!(pg(index(false), None).lock.blocks_writes());
        assert!(!pg(index(true), None).lock.blocks_writes());
        assert!(
            pg(Op::Unknown { reason: "x".into() }, None)
                .lock
                .blocks_reads()
        );
        assert_eq!(
            pg(Op::Unknown { reason: "x".into() }, None).destroys,
            Some(DataLoss::Unknown)
        );
    }

    #[test]
    fn mysql_algorithms_depend_on_the_version() {
        let drop = action(Op::DropColumn {
            table: Name::new("t"),
            column: "c".into(),
            if_exists: false,
            cascade: false,
        });
        let at = |mysql, mariadb| {
            effects(
                &drop,
                Dialect::Mysql,
                &OnlineOptions::default(),
                &ServerVersion {
                    mysql,
                    mariadb,
                    ..ServerVersion::default()
                },
                None,
            )
        };
        assert_eq!(
            at(80_036, false).lock,
            Lock::Mysql {
                algorithm: Some(MysqlAlgorithm::Instant),
                blocks_writes: false
            }
        );
        assert!(at(80_020, false).rewrites);
        assert!(!at(101_100, true).rewrites);
        assert!(at(80_036, false).destroys.is_some());
    }

    #[test]
    fn mysql_enum_append_is_instant_and_reorder_copies() {
        let redefine = |new: DataType| {
            action(Op::RedefineColumn {
                table: Name::new("t"),
                column: "c".into(),
                new: column("c", new),
            })
        };
        let old = column("c", t("enum", &["a", "b"]));
        let judge = |a: &Action| {
            effects(
                a,
                Dialect::Mysql,
                &OnlineOptions::default(),
                &ServerVersion::default(),
                Some(&old),
            )
        };
        assert!(!judge(&redefine(t("enum", &["a", "b", "c"]))).rewrites);
        let e = judge(&redefine(t("enum", &["b", "a"])));
        assert!(e.rewrites && e.lock.blocks_writes());
    }
}
