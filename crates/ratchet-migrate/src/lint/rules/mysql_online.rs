//! MySQL/MariaDB online DDL as the `mysql-*` rules judge it: the algorithm and lock an
//! `ALTER TABLE` / `CREATE INDEX` sub-command gets from the server by default, what the
//! statement's `ALGORITHM=` / `LOCK=` clauses ask for, and whether the server refuses them.
//!
//! The judgement starts from [`effects`](crate::sql::facts::effects) (judged without the
//! statement's clauses, i.e. what the server picks by itself; it knows table options,
//! MariaDB's instant integer widening and online copy) and corrects the cases that need
//! the statement or the script around it (each names the manual's table it follows):
//! - `SET foreign_key_checks = 0` earlier in the script makes `ADD FOREIGN KEY` INPLACE;
//! - `DROP PRIMARY KEY, ADD PRIMARY KEY (...)` in one statement is INPLACE (MySQL 8.0
//!   "Primary Key Operations"), while `DROP PRIMARY KEY` alone copies;
//! - `FULLTEXT` and `SPATIAL` indexes are built INPLACE but under `LOCK=SHARED`: writes
//!   wait (MySQL 8.0 "Secondary Index Operations").

use crate::lint::Context;
use crate::sql::analysis::{ActionFacts, AnalyzedScript, AnalyzedStatement};
use crate::sql::facts::effects::effects;
use crate::sql::facts::{ConstraintKind, Lock, MysqlAlgorithm, OnlineOptions, Op};
use crate::sql::{Dialect, facts::ServerVersion};

/// What the server does with one sub-command when the statement asks for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Judgement {
    /// The algorithm the server picks by itself.
    pub algorithm: MysqlAlgorithm,
    /// Whether writes to the table wait until it ends.
    pub blocks_writes: bool,
    /// Whether the table is rebuilt (its rows rewritten), even in place.
    pub rebuilds: bool,
    /// Whether only metadata changes: such a sub-command cannot fall back to a copy.
    pub metadata_only: bool,
    /// A COPY that MariaDB 11.2+ runs with concurrent writes.
    pub online_copy: bool,
}

/// What the statement's `ALGORITHM=` / `LOCK=` clauses make of a [`Judgement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It runs; `blocks_writes` says whether writes wait for it.
    Runs {
        /// The algorithm used.
        algorithm: MysqlAlgorithm,
        /// Whether writes wait.
        blocks_writes: bool,
    },
    /// The server refuses the statement: the clause asks for more than it can do.
    Refused {
        /// Why, in the server's terms.
        reason: String,
    },
}

/// The name of an algorithm as the clause spells it.
pub(crate) fn algorithm_name(algorithm: MysqlAlgorithm) -> &'static str {
    match algorithm {
        MysqlAlgorithm::Instant => "INSTANT",
        MysqlAlgorithm::Inplace => "INPLACE",
        MysqlAlgorithm::Copy => "COPY",
    }
}

/// Whether the server is MariaDB 11.2 or later, whose COPY lets writes go on.
pub(crate) fn mariadb_online_copy(version: &ServerVersion) -> bool {
    version.mariadb && version.mysql >= 110_200
}

/// The server, for messages: "MySQL 8.0.36", "MariaDB 10.11.6".
pub(crate) fn server_name(version: &ServerVersion) -> String {
    let v = version.mysql;
    format!(
        "{} {}.{}.{}",
        if version.mariadb { "MariaDB" } else { "MySQL" },
        v / 10_000,
        v / 100 % 100,
        v % 100
    )
}

/// The text of the `index`-th action of a statement: from its offset to the next
/// action's (the whole statement when offsets are unknown).
pub(crate) fn action_text(statement: &AnalyzedStatement, index: usize) -> &str {
    let sql = &statement.statement.sql;
    let start = statement
        .actions
        .get(index)
        .map(|a| a.action.offset)
        .unwrap_or(0);
    let end = statement
        .actions
        .iter()
        .map(|a| a.action.offset)
        .filter(|&o| o > start)
        .min()
        .unwrap_or(sql.len());
    if start == 0 && end == sql.len() {
        return sql;
    }
    sql.get(start..end).unwrap_or(sql)
}

/// Whether `SET foreign_key_checks = 0` (or `OFF`) is in force in the script before
/// statement number `before` (ratchet runs a script in one session).
pub(crate) fn foreign_key_checks_off(script: &AnalyzedScript, before: usize) -> bool {
    let mut off = false;
    for statement in script.statements.iter().take(before) {
        for action in &statement.actions {
            if let Op::SetSetting { name, value, .. } = &action.action.op
                && setting_name(name) == "foreign_key_checks"
                && !name.to_ascii_lowercase().contains("global")
            {
                off = matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "0" | "off" | "false"
                );
            }
        }
    }
    off
}

/// A setting's bare name: `@@session.foreign_key_checks` → `foreign_key_checks`.
fn setting_name(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    let name = name.rsplit(['.', ' ']).next().unwrap_or(&name);
    name.trim_start_matches('@').to_string()
}

/// Judges the `index`-th action of `statement` (the `statement_index`-th of `script`).
/// `None` for what is not an online-DDL operation on a table (data changes, new tables).
pub(crate) fn judge(
    cx: &Context<'_>,
    script: &AnalyzedScript,
    statement_index: usize,
    index: usize,
) -> Option<Judgement> {
    let statement = script.statements.get(statement_index)?;
    let action = statement.actions.get(index)?;
    let natural = effects(
        &action.action,
        Dialect::Mysql,
        &OnlineOptions::default(),
        cx.version,
        action.previous.as_ref(),
    );
    let Lock::Mysql {
        algorithm: Some(algorithm),
        blocks_writes,
    } = natural.lock
    else {
        return None;
    };
    let mut j = Judgement {
        algorithm,
        blocks_writes,
        rebuilds: natural.rewrites,
        metadata_only: false,
        online_copy: false,
    };
    let inplace = |rebuilds| Judgement {
        algorithm: MysqlAlgorithm::Inplace,
        blocks_writes: false,
        rebuilds,
        metadata_only: false,
        online_copy: false,
    };
    let metadata = Judgement {
        algorithm: MysqlAlgorithm::Instant,
        blocks_writes: false,
        rebuilds: false,
        metadata_only: true,
        online_copy: false,
    };
    match &action.action.op {
        Op::AddConstraint { constraint, .. }
            if matches!(constraint.kind, ConstraintKind::ForeignKey(_))
                && foreign_key_checks_off(script, statement_index) =>
        {
            j = inplace(false);
        }
        Op::DropConstraint { name, .. } if name.eq_ignore_ascii_case("primary") => {
            let adds_primary_key = statement.actions.iter().any(|a| {
                matches!(
                    &a.action.op,
                    Op::AddConstraint { constraint, .. }
                        if matches!(constraint.kind, ConstraintKind::PrimaryKey { .. })
                )
            });
            if adds_primary_key {
                j = inplace(true);
            }
        }
        Op::DropConstraint { .. }
        | Op::DropIndex { .. }
        | Op::RenameColumn { .. }
        | Op::RenameTable { .. }
        | Op::SetDefault { .. }
        | Op::DropDefault { .. } => j = metadata,
        Op::AlterTableOther { .. } if algorithm == MysqlAlgorithm::Instant => j = metadata,
        Op::CreateIndex(_) => {
            let text = action_text(statement, index).to_ascii_uppercase();
            if text.contains("FULLTEXT") || text.contains("SPATIAL") {
                j.blocks_writes = true;
            }
        }
        _ => {}
    }
    if j.algorithm == MysqlAlgorithm::Copy && mariadb_online_copy(cx.version) {
        j.online_copy = true;
    }
    Some(j)
}

/// The algorithms of `judgements` combined: the statement's is the worst of its
/// sub-commands', and it blocks writes if any does.
pub(crate) fn combine(judgements: &[Judgement]) -> Option<Judgement> {
    let mut iter = judgements.iter();
    let mut out = iter.next()?.clone();
    for j in iter {
        out.algorithm = out.algorithm.max(j.algorithm);
        out.blocks_writes |= j.blocks_writes;
        out.rebuilds |= j.rebuilds;
        out.metadata_only &= j.metadata_only;
        out.online_copy |= j.online_copy;
    }
    Some(out)
}

/// What the statement's clauses make of the judgement of one of its sub-commands.
pub(crate) fn outcome(j: &Judgement, online: &OnlineOptions, version: &ServerVersion) -> Outcome {
    let algorithm = online.algorithm.as_deref().unwrap_or("DEFAULT");
    let lock = online.lock.as_deref().unwrap_or("DEFAULT");
    let server = server_name(version);
    let refused = |reason: String| Outcome::Refused { reason };
    if !version.mariadb && algorithm == "INSTANT" && lock != "DEFAULT" {
        return refused(format!(
            "{server} refuses LOCK={lock} together with ALGORITHM=INSTANT (\"Incorrect usage \
             of ALGORITHM=INSTANT and LOCK=NONE/SHARED/EXCLUSIVE\")"
        ));
    }
    let used = match algorithm {
        "INSTANT" => {
            if j.algorithm != MysqlAlgorithm::Instant {
                return refused(format!(
                    "it needs {}, so {server} refuses ALGORITHM=INSTANT",
                    algorithm_name(j.algorithm)
                ));
            }
            MysqlAlgorithm::Instant
        }
        "NOCOPY" => {
            if j.algorithm == MysqlAlgorithm::Copy || j.rebuilds {
                return refused(format!(
                    "it {}, so {server} refuses ALGORITHM=NOCOPY",
                    if j.algorithm == MysqlAlgorithm::Copy {
                        "needs COPY"
                    } else {
                        "rebuilds the table"
                    }
                ));
            }
            j.algorithm
        }
        "INPLACE" => {
            if j.algorithm == MysqlAlgorithm::Copy {
                return refused(format!(
                    "it needs COPY, so {server} refuses ALGORITHM=INPLACE"
                ));
            }
            // MySQL does what was asked (an INSTANT-able change is then rebuilt in
            // place); MariaDB reads it as "INPLACE or better".
            if version.mariadb {
                j.algorithm
            } else {
                MysqlAlgorithm::Inplace
            }
        }
        "COPY" => MysqlAlgorithm::Copy,
        _ => j.algorithm,
    };
    let online_copy = used == MysqlAlgorithm::Copy && mariadb_online_copy(version);
    let natural_blocks = if used == MysqlAlgorithm::Copy {
        !online_copy
    } else {
        j.blocks_writes
    };
    let blocks_writes = match lock {
        "NONE" => {
            if natural_blocks {
                return refused(format!(
                    "it blocks writes ({}), so {server} refuses LOCK=NONE",
                    algorithm_name(used)
                ));
            }
            false
        }
        "SHARED" | "EXCLUSIVE" => true,
        _ => natural_blocks,
    };
    Outcome::Runs {
        algorithm: used,
        blocks_writes,
    }
}

/// Whether the clauses keep the server from silently falling back to a blocking
/// algorithm: `LOCK=NONE`, or `ALGORITHM=INSTANT` (MariaDB: `NOCOPY` too).
pub(crate) fn guarded(online: &OnlineOptions, version: &ServerVersion) -> bool {
    online.lock.as_deref() == Some("NONE")
        || online.algorithm.as_deref() == Some("INSTANT")
        || (version.mariadb && online.algorithm.as_deref() == Some("NOCOPY"))
}

/// The clauses to write for a statement judged `j`.
pub(crate) fn clauses_for(j: &Judgement, version: &ServerVersion) -> &'static str {
    match j.algorithm {
        MysqlAlgorithm::Instant if version.mariadb => "ALGORITHM=INSTANT, LOCK=NONE",
        MysqlAlgorithm::Instant => "ALGORITHM=INSTANT",
        MysqlAlgorithm::Inplace if version.mariadb && !j.rebuilds => "ALGORITHM=NOCOPY, LOCK=NONE",
        _ => "ALGORITHM=INPLACE, LOCK=NONE",
    }
}

/// Whether the action is a sub-command of `ALTER TABLE` (or `CREATE INDEX`) on a table
/// the application already uses: what these rules judge.
pub(crate) fn is_online_ddl(action: &ActionFacts) -> bool {
    action.table_existed && is_alter(action)
}

/// Whether the action is a sub-command of `ALTER TABLE` (or `CREATE INDEX`), the
/// statements that take `ALGORITHM=` and `LOCK=`.
pub(crate) fn is_alter(action: &ActionFacts) -> bool {
    matches!(
        action.action.op,
        Op::AddColumn { .. }
            | Op::DropColumn { .. }
            | Op::RenameColumn { .. }
            | Op::AlterColumnType { .. }
            | Op::RedefineColumn { .. }
            | Op::SetNotNull { .. }
            | Op::DropNotNull { .. }
            | Op::SetDefault { .. }
            | Op::DropDefault { .. }
            | Op::AddConstraint { .. }
            | Op::ValidateConstraint { .. }
            | Op::DropConstraint { .. }
            | Op::CreateIndex(_)
            | Op::DropIndex { .. }
            | Op::AlterTableOther { .. }
    )
}

/// A few words naming what an action does, for messages.
pub(crate) fn describe(action: &ActionFacts) -> String {
    match &action.action.op {
        Op::AddColumn { column, .. } => format!("ADD COLUMN {}", column.name),
        Op::DropColumn { column, .. } => format!("DROP COLUMN {column}"),
        Op::RenameColumn { column, .. } => format!("RENAME COLUMN {column}"),
        Op::AlterColumnType { column, .. } => format!("changing the type of {column}"),
        Op::RedefineColumn { column, new, .. } => {
            if action
                .previous
                .as_ref()
                .is_some_and(|p| p.data_type != new.data_type)
            {
                format!(
                    "changing the type of {column} from {} to {}",
                    action
                        .previous
                        .as_ref()
                        .map(|p| p.data_type.text.as_str())
                        .unwrap_or_default(),
                    new.data_type.text
                )
            } else if action.previous.is_none() {
                format!(
                    "redefining {column} as {} (ratchet does not know its current definition, \
                     so it assumes a type change)",
                    new.data_type.text
                )
            } else {
                format!("redefining {column}")
            }
        }
        Op::SetNotNull { column, .. } => format!("SET NOT NULL on {column}"),
        Op::DropNotNull { column, .. } => format!("DROP NOT NULL on {column}"),
        Op::SetDefault { column, .. } | Op::DropDefault { column, .. } => {
            format!("changing the default of {column}")
        }
        Op::AddConstraint { constraint, .. } => match &constraint.kind {
            ConstraintKind::PrimaryKey { .. } => "ADD PRIMARY KEY".into(),
            ConstraintKind::Unique { .. } => "ADD UNIQUE".into(),
            ConstraintKind::ForeignKey(_) => "ADD FOREIGN KEY".into(),
            ConstraintKind::Check(_) => "ADD CHECK".into(),
            ConstraintKind::Exclude => "ADD CONSTRAINT".into(),
        },
        Op::DropConstraint { name, .. } if name.eq_ignore_ascii_case("primary") => {
            "DROP PRIMARY KEY".into()
        }
        Op::DropConstraint { name, .. } => format!("DROP CONSTRAINT {name}"),
        Op::ValidateConstraint { name, .. } => format!("validating {name}"),
        Op::CreateIndex(index) => match &index.name {
            Some(name) => format!("building index {}", name.name),
            None => "building an index".into(),
        },
        Op::DropIndex { name, .. } => format!("DROP INDEX {}", name.name),
        Op::AlterTableOther { description, .. } => description.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::lint::rules::testing::only;
    use crate::lint::{Finding, lint_scripts};
    use crate::source::Script;
    use crate::sql::Dialect;
    use crate::sql::facts::ServerVersion;

    /// The findings of `rule` alone on `sql` as a loose file, judged for `version`.
    pub(crate) fn lint_as(rule: &str, sql: &str, version: ServerVersion) -> Vec<Finding> {
        lint_dialect(rule, sql, Dialect::Mysql, version)
    }

    /// The findings of `rule` alone on `sql` as a loose file of `dialect`.
    pub(crate) fn lint_dialect(
        rule: &str,
        sql: &str,
        dialect: Dialect,
        version: ServerVersion,
    ) -> Vec<Finding> {
        lint_files(rule, &[sql], dialect, version)
    }

    /// The findings of `rule` alone on loose files in order (later files see the tables
    /// earlier ones created, as tables that existed).
    pub(crate) fn lint_files(
        rule: &str,
        files: &[&str],
        dialect: Dialect,
        version: ServerVersion,
    ) -> Vec<Finding> {
        let dir = tempfile::tempdir().unwrap();
        let scripts: Vec<Script> = files
            .iter()
            .enumerate()
            .map(|(i, sql)| {
                let path = dir.path().join(format!("{i}.sql"));
                std::fs::write(&path, sql).unwrap();
                Script::from_file(&path, dialect).unwrap()
            })
            .collect();
        let mut options = only(rule, dialect);
        options.version = version;
        lint_scripts(&scripts, &options)
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }

    /// MySQL `v` (80036 for 8.0.36).
    pub(crate) fn mysql(v: u32) -> ServerVersion {
        ServerVersion {
            mysql: v,
            mariadb: false,
            ..ServerVersion::default()
        }
    }

    /// MariaDB `v` (101106 for 10.11.6).
    pub(crate) fn mariadb(v: u32) -> ServerVersion {
        ServerVersion {
            mysql: v,
            mariadb: true,
            ..ServerVersion::default()
        }
    }

    /// SQLite `v` (3035000 for 3.35.0).
    pub(crate) fn sqlite(v: u32) -> ServerVersion {
        ServerVersion {
            sqlite: v,
            ..ServerVersion::default()
        }
    }
}
