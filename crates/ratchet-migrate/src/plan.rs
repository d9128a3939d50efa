//! What `up` and `down` would run, in order, and the checks that must pass first.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::Mode;
use crate::ledger::LedgerRow;
use crate::source::{Migration, MigrationSet, Script};
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::{Dialect, Statement};
use crate::status::{self, State};
use crate::{Error, Result};

/// Forward or backward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Applying the up script.
    Up,
    /// Running the down script.
    Down,
}

/// One migration to run in one direction.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The migration's version.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// Which script runs.
    pub direction: Direction,
    /// The script's file.
    pub path: PathBuf,
    /// Whether the statements and the ledger row commit in one transaction.
    pub transactional: bool,
    /// The statements to run, in order (a BEGIN/COMMIT wrapping the whole file removed).
    pub statements: Vec<Statement>,
    /// Why the step runs the way it does (no transaction, absorbed BEGIN/COMMIT...).
    pub notices: Vec<String>,
    /// The ledger row a rollback closes.
    #[serde(skip)]
    pub ledger_id: Option<i64>,
}

/// Options of `up`.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Apply pending migrations up to and including this version.
    pub to: Option<i64>,
    /// Apply pending migrations older than the newest applied one.
    pub out_of_order: bool,
    /// Go on although applied migrations have no file.
    pub ignore_missing: bool,
}

/// What `down` rolls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// The newest applied migration.
    Last,
    /// Every applied migration newer than this version (`--to 0`: all).
    To(i64),
    /// This one migration; refused while newer migrations are applied.
    Only(i64),
}

/// The migrations `up` would apply, after checking that nothing applied has drifted, failed
/// or gone missing.
pub fn up_plan(
    set: &MigrationSet,
    rows: &[LedgerRow],
    options: &UpOptions,
    dialect: Dialect,
    server_version: u32,
) -> Result<Vec<Step>> {
    let statuses = status::compute(set, rows);
    refuse_unhealthy(&statuses, options.ignore_missing)?;
    let newest_applied = statuses
        .iter()
        .filter(|s| s.state != State::Pending && s.state != State::RolledBack)
        .map(|s| s.version)
        .max();
    if let Some(to) = options.to
        && set.get(to).is_none()
    {
        return Err(Error::Usage(format!(
            "--to {to}: there is no migration with version {to}"
        )));
    }
    let pending: Vec<&Migration> = statuses
        .iter()
        .filter(|s| matches!(s.state, State::Pending | State::RolledBack))
        .filter(|s| options.to.is_none_or(|to| s.version <= to))
        .filter_map(|s| set.get(s.version))
        .collect();
    if !options.out_of_order
        && let Some(newest) = newest_applied
    {
        let late: Vec<String> = pending
            .iter()
            .filter(|m| m.version < newest)
            .map(|m| format!("{} ({})", m.version, m.up.path.display()))
            .collect();
        if !late.is_empty() {
            return Err(Error::Refused {
                message: format!(
                    "pending migration(s) {} are older than the newest applied migration \
                     {newest}; they were probably merged from another branch. Check that they \
                     do not depend on anything newer, then run `ratchet up --out-of-order`",
                    late.join(", ")
                ),
            });
        }
    }
    pending
        .into_iter()
        .map(|m| step(m, &m.up, Direction::Up, dialect, server_version, None))
        .collect()
}

/// The migrations `down` would roll back, newest first.
pub fn down_plan(
    set: &MigrationSet,
    rows: &[LedgerRow],
    target: DownTarget,
    mode: Mode,
    dialect: Dialect,
    server_version: u32,
) -> Result<Vec<Step>> {
    if mode == Mode::ForwardOnly {
        return Err(Error::Refused {
            message: "this project is forward-only (mode = \"forward-only\" in ratchet.toml): \
                      roll back with a new forward migration, `ratchet revert <version>`"
                .into(),
        });
    }
    let statuses = status::compute(set, rows);
    let live: Vec<&status::MigrationStatus> = statuses
        .iter()
        .filter(|s| !matches!(s.state, State::Pending | State::RolledBack))
        .collect();
    let chosen: Vec<&status::MigrationStatus> = match target {
        DownTarget::Last => live.last().copied().into_iter().collect(),
        DownTarget::To(version) => live
            .iter()
            .rev()
            .filter(|s| s.version > version)
            .copied()
            .collect(),
        DownTarget::Only(version) => {
            let Some(this) = live.iter().find(|s| s.version == version) else {
                return Err(Error::Usage(format!(
                    "migration {version} is not applied; `ratchet status` lists what is"
                )));
            };
            let newer: Vec<String> = live
                .iter()
                .filter(|s| s.version > version)
                .map(|s| s.version.to_string())
                .collect();
            if !newer.is_empty() {
                return Err(Error::Refused {
                    message: format!(
                        "newer migration(s) {} are applied after {version}; roll them back \
                         first, or use `ratchet down --to <version>`",
                        newer.join(", ")
                    ),
                });
            }
            vec![*this]
        }
    };
    refuse_unhealthy(
        &chosen.iter().map(|s| (*s).clone()).collect::<Vec<_>>(),
        false,
    )?;
    let mut no_down = Vec::new();
    let mut steps = Vec::new();
    for status in chosen {
        let Some(migration) = set.get(status.version) else {
            continue;
        };
        match &migration.down {
            Some(down) => steps.push(step(
                migration,
                down,
                Direction::Down,
                dialect,
                server_version,
                status.ledger_id,
            )?),
            None => no_down.push(format!(
                "{} ({})",
                migration.version,
                migration.up.path.display()
            )),
        }
    }
    if !no_down.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "no down file for {}: write one beside the up file, or roll back with a new \
                 forward migration (`ratchet revert <version>`)",
                no_down.join(", ")
            ),
        });
    }
    Ok(steps)
}

/// Refuses to go on while applied migrations are failed, drifted or (unless ignored) missing.
fn refuse_unhealthy(statuses: &[status::MigrationStatus], ignore_missing: bool) -> Result<()> {
    let mut problems = Vec::new();
    for s in statuses {
        match s.state {
            State::Failed => problems.push(format!(
                "migration {} ({}) failed: {}.\n  Finish or undo its committed statements by \
                 hand, then run `ratchet repair {}` to clear the failed row",
                s.version,
                s.name,
                s.detail.as_deref().unwrap_or("see `ratchet status`"),
                s.version
            )),
            State::Drifted => problems.push(format!(
                "migration {} has drifted: {}.\n  Restore the file as it was applied, or, if the \
                 change is reviewed and harmless, accept it with `ratchet repair {}`",
                s.version,
                s.detail.as_deref().unwrap_or_default(),
                s.version
            )),
            State::Missing if !ignore_missing => problems.push(format!(
                "migration {} ({}) is applied but its file is missing.\n  Restore it from \
                 version control, or pass --ignore-missing",
                s.version, s.name
            )),
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused {
            message: problems.join("\n"),
        })
    }
}

/// Prepares one script to run: decides the transaction mode and absorbs a BEGIN/COMMIT that
/// wraps the whole file.
fn step(
    migration: &Migration,
    script: &Script,
    direction: Direction,
    dialect: Dialect,
    server_version: u32,
    ledger_id: Option<i64>,
) -> Result<Step> {
    let mut notices = Vec::new();
    let mut statements = script.statements.clone();
    let no_transaction_reason = statements.iter().find_map(|s| {
        classify::no_transaction_reason(s, dialect)
            .map(|reason| (s.line, reason.to_string()))
            .or_else(|| {
                (dialect == Dialect::Postgres
                    && server_version < 120_000
                    && classify::is_enum_add_value(s))
                .then(|| {
                    (
                        s.line,
                        "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before \
                         PostgreSQL 12"
                            .to_string(),
                    )
                })
            })
    });
    let mut transactional = match dialect {
        // DDL commits implicitly on MySQL: only a script of data changes is atomic there.
        Dialect::Mysql => statements.iter().all(|s| {
            matches!(
                classify::statement_kind(s, dialect),
                StatementKind::Dml | StatementKind::Query | StatementKind::Session
            )
        }),
        Dialect::Postgres | Dialect::Sqlite => true,
    };
    if script.directives.no_transaction {
        transactional = false;
    } else if let Some((line, reason)) = &no_transaction_reason
        && transactional
    {
        transactional = false;
        notices.push(format!(
            "runs without a transaction, statement by statement: line {line}: {reason}"
        ));
    }
    let control = |s: &Statement| classify::transaction_control(s);
    if transactional
        && statements.len() >= 2
        && control(&statements[0]) == Some(TransactionControl::Begin)
        && statements.last().and_then(control) == Some(TransactionControl::Commit)
    {
        statements.remove(0);
        statements.pop();
        notices.push(
            "the BEGIN/COMMIT around the whole file is absorbed into ratchet's own transaction"
                .into(),
        );
    }
    if transactional && let Some(s) = statements.iter().find(|s| control(s).is_some()) {
        return Err(Error::source(
            &script.path,
            s.line,
            format!(
                "`{}` inside a migration that ratchet runs in a transaction would end that \
                 transaction early; remove it, or put `-- ratchet:no-transaction` at the top \
                 of the file and manage transactions yourself",
                s.first_line()
            ),
        ));
    }
    Ok(Step {
        version: migration.version,
        name: migration.name.clone(),
        direction,
        path: script.path.clone(),
        transactional,
        statements,
        notices,
        ledger_id,
    })
}
