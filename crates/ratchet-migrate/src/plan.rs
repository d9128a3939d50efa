//! What `up` and `down` would run, in order, and the checks that must pass first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::config::Mode;
use crate::graph::Graph;
use crate::ledger::{LedgerRow, RowState};
use crate::source::{Migration, MigrationSet, Script};
use crate::sql::analysis::{ActionFacts, AnalyzedStatement, Analyzer};
use crate::sql::classify::{self, StatementKind, TransactionControl};
use crate::sql::facts::{Lock, Op, ServerVersion};
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
    /// Whether the step is a backfill, run in keyset batches (each batch its own
    /// transaction).
    pub batched: bool,
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
    /// Stop after the first backfill's canary (`--canary-only`), for a person to look.
    pub canary_only: bool,
    /// Walk the keys added since a backfill started, after the others (`--final-pass`).
    pub final_pass: bool,
    /// Apply pending migrations older than the newest applied one.
    pub out_of_order: bool,
    /// Go on although applied migrations have no file.
    pub ignore_missing: bool,
    /// Lint the migrations to apply first, refusing error-level findings; `None` skips
    /// the gate (the dialect and versions are set from the database).
    pub lint: Option<crate::lint::LintOptions>,
}

/// Options of `down`.
#[derive(Debug, Clone, Default)]
pub struct DownOptions {
    /// The project's mode (forward-only refuses `down`).
    pub mode: Mode,
    /// Roll back the migrations that depend on the target first.
    pub cascade: bool,
    /// Destroy data without saving it first; the reason is recorded in the ledger.
    pub accept_data_loss: Option<String>,
}

/// What `down` rolls back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// The newest applied migration.
    Last,
    /// Every applied migration newer than this version (`--to 0`: all).
    To(i64),
    /// This one migration; refused while migrations that depend on it are applied
    /// (unless `--cascade`).
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
    up_plan_resuming(
        set,
        rows,
        options,
        dialect,
        server_version,
        &std::collections::BTreeMap::new(),
    )
}

/// [`up_plan`] knowing the backfills in progress ([`crate::backfill::in_progress`]): the
/// `failed` ledger row of a backfill that can go on (interrupted, stopped by an error,
/// stopped after its canary) is not refused but resumed on that row; a paused one ends the
/// plan before it.
pub fn up_plan_resuming(
    set: &MigrationSet,
    rows: &[LedgerRow],
    options: &UpOptions,
    dialect: Dialect,
    server_version: u32,
    backfills: &std::collections::BTreeMap<i64, crate::backfill::InProgress>,
) -> Result<Vec<Step>> {
    use crate::backfill::InProgress;
    let statuses = status::compute(set, rows);
    let in_progress = |s: &status::MigrationStatus| {
        s.state == State::Failed && backfills.contains_key(&s.version)
    };
    let unhealthy: Vec<status::MigrationStatus> = statuses
        .iter()
        .filter(|s| !in_progress(s))
        .cloned()
        .collect();
    refuse_unhealthy(&unhealthy, options.ignore_missing)?;
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
        .filter(|s| matches!(s.state, State::Pending | State::RolledBack) || in_progress(s))
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
    let graph = Graph::build(set, dialect)?;
    let pending = apply_order(&graph, set, pending);
    refuse_missing_dependencies(&graph, set, &statuses, &pending, options)?;
    refuse_bad_reverts(set, rows, &pending)?;
    let mut steps = Vec::new();
    for m in pending {
        let ledger_id = match backfills.get(&m.version) {
            // A paused backfill holds back what comes after it.
            Some(InProgress::Paused { .. }) => break,
            Some(InProgress::Resume { ledger_id }) => Some(*ledger_id),
            None => None,
        };
        let mut planned = step(m, &m.up, Direction::Up, dialect, server_version, ledger_id)?;
        if ledger_id.is_some() {
            planned
                .notices
                .push("resumes its backfill from the last committed batch".into());
        }
        steps.push(planned);
    }
    Ok(steps)
}

/// Pending migrations in the order that applies each dependency first (version order
/// unless a `requires` points forward).
fn apply_order<'a>(
    graph: &Graph,
    set: &'a MigrationSet,
    pending: Vec<&'a Migration>,
) -> Vec<&'a Migration> {
    let versions: BTreeSet<i64> = pending.iter().map(|m| m.version).collect();
    graph
        .apply_order(&versions)
        .into_iter()
        .filter_map(|v| set.get(v))
        .collect()
}

/// Refuses to apply a migration whose dependency is neither applied nor applied before it
/// in this run (`up --to` leaving it out, a `requires` on a migration that is not there
/// yet).
fn refuse_missing_dependencies(
    graph: &Graph,
    set: &MigrationSet,
    statuses: &[status::MigrationStatus],
    pending: &[&Migration],
    options: &UpOptions,
) -> Result<()> {
    let applied: BTreeSet<i64> = statuses
        .iter()
        .filter(|s| matches!(s.state, State::Applied | State::Drifted | State::Missing))
        .map(|s| s.version)
        .collect();
    let mut problems = Vec::new();
    let mut before: BTreeSet<i64> = BTreeSet::new();
    for migration in pending {
        for dependency in graph.dependencies(migration.version) {
            let version = dependency.version;
            if applied.contains(&version) || before.contains(&version) {
                continue;
            }
            let state = statuses
                .iter()
                .find(|s| s.version == version)
                .map_or(State::Pending, |s| s.state);
            let left_out = match options.to {
                Some(to) if version > to => {
                    format!("; `--to {to}` leaves it out: apply up to {version} or later")
                }
                _ => String::new(),
            };
            problems.push(format!(
                "{} ({}) depends on {version} ({}), which is {} and would not be applied \
                 before it: {}{left_out}",
                migration.version,
                migration.up.path.display(),
                set.get(version)
                    .map_or_else(String::new, |m| m.up.path.display().to_string()),
                state.as_str().replace('_', " "),
                dependency.reasons.join("; "),
            ));
        }
        before.insert(migration.version);
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Refused {
        message: format!(
            "nothing was applied: applying out of order would break a dependency:\n  {}",
            problems.join("\n  ")
        ),
    })
}

/// Refuses to apply a revert (`-- ratchet:reverts V`) of a migration that another
/// migration already reverted, or that will not be applied when the revert runs (its
/// ledger row is what the revert links).
fn refuse_bad_reverts(
    set: &MigrationSet,
    rows: &[LedgerRow],
    pending: &[&Migration],
) -> Result<()> {
    for (index, migration) in pending.iter().enumerate() {
        let Some(reverted) = migration.up.directives.reverts else {
            continue;
        };
        let live = rows.iter().find(|r| r.is_live() && r.version == reverted);
        let earlier = live
            .and_then(|r| r.reverted_by)
            .filter(|by| *by != migration.version)
            .or_else(|| {
                pending[..index]
                    .iter()
                    .find(|m| m.up.directives.reverts == Some(reverted))
                    .map(|m| m.version)
            });
        if let Some(by) = earlier {
            return Err(Error::Refused {
                message: format!(
                    "{} reverts migration {reverted}, which migration {by}{} already reverts; \
                     remove one of them",
                    migration.up.path.display(),
                    set.get(by)
                        .map_or_else(String::new, |m| format!(" ({})", m.up.path.display())),
                ),
            });
        }
        let applied_first = pending[..index].iter().any(|m| m.version == reverted);
        if live.is_none_or(|r| r.state != RowState::Applied) && !applied_first {
            return Err(Error::Refused {
                message: format!(
                    "nothing was applied: {} reverts migration {reverted}, which is not applied; \
                     correct its `-- ratchet:reverts`, or apply {reverted} first",
                    migration.up.path.display(),
                ),
            });
        }
    }
    Ok(())
}

/// The migrations `down` would roll back, in reverse dependency order, without
/// `--cascade` (see [`down_plan_with`]).
pub fn down_plan(
    set: &MigrationSet,
    rows: &[LedgerRow],
    target: DownTarget,
    mode: Mode,
    dialect: Dialect,
    server_version: u32,
) -> Result<Vec<Step>> {
    let options = DownOptions {
        mode,
        ..DownOptions::default()
    };
    down_plan_with(set, rows, target, &options, dialect, server_version)
}

/// The migrations `down` would roll back, dependents before what they depend on (newest
/// first among migrations that do not depend on each other). A migration whose applied
/// dependents are not rolled back with it is refused, naming them, unless
/// `options.cascade`, which rolls them (and theirs) back first.
pub fn down_plan_with(
    set: &MigrationSet,
    rows: &[LedgerRow],
    target: DownTarget,
    options: &DownOptions,
    dialect: Dialect,
    server_version: u32,
) -> Result<Vec<Step>> {
    if options.mode == Mode::ForwardOnly {
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
    let mut chosen: BTreeSet<i64> = match target {
        DownTarget::Last => live.last().map(|s| s.version).into_iter().collect(),
        DownTarget::To(version) => live
            .iter()
            .filter(|s| s.version > version)
            .map(|s| s.version)
            .collect(),
        DownTarget::Only(version) => {
            if !live.iter().any(|s| s.version == version) {
                return Err(Error::Usage(format!(
                    "migration {version} is not applied; `ratchet status` lists what is"
                )));
            }
            [version].into()
        }
    };
    let graph = Graph::build(set, dialect)?;
    let applied: BTreeSet<i64> = live.iter().map(|s| s.version).collect();
    let dependents = graph.dependents_within(&chosen, &applied);
    let mut cascaded: BTreeMap<i64, String> = BTreeMap::new();
    if !dependents.is_empty() {
        if !options.cascade {
            return Err(dependents_refusal(
                &graph,
                set,
                target,
                &chosen,
                &dependents,
            ));
        }
        for &dependent in &dependents {
            let why = graph
                .dependencies(dependent)
                .iter()
                .filter(|d| chosen.contains(&d.version) || dependents.contains(&d.version))
                .map(|d| format!("it depends on {} ({})", d.version, d.reasons.join("; ")))
                .collect::<Vec<_>>()
                .join(", and ");
            cascaded.insert(
                dependent,
                format!("rolled back first, with --cascade: {why}"),
            );
        }
        chosen.extend(dependents);
    }
    let chosen: Vec<&status::MigrationStatus> = graph
        .rollback_order(&chosen)
        .into_iter()
        .filter_map(|v| live.iter().find(|s| s.version == v).copied())
        .collect();
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
            Some(down) => {
                let mut step = step(
                    migration,
                    down,
                    Direction::Down,
                    dialect,
                    server_version,
                    status.ledger_id,
                )?;
                if let Some(why) = cascaded.remove(&migration.version) {
                    step.notices.insert(0, why);
                }
                steps.push(step);
            }
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

/// The refusal of a rollback that would leave applied migrations without what they
/// depend on.
fn dependents_refusal(
    graph: &Graph,
    set: &MigrationSet,
    target: DownTarget,
    chosen: &BTreeSet<i64>,
    dependents: &BTreeSet<i64>,
) -> Error {
    let path = |v: i64| {
        set.get(v).map_or_else(
            || "its file is missing".to_string(),
            |m| m.up.path.display().to_string(),
        )
    };
    // The direct dependents name the reason; the rest come with them.
    let lines: Vec<String> = dependents
        .iter()
        .flat_map(|&dependent| {
            graph
                .dependencies(dependent)
                .iter()
                .filter(|d| chosen.contains(&d.version) || dependents.contains(&d.version))
                .map(move |d| {
                    format!(
                        "{dependent} ({}) depends on {}: {}",
                        path(dependent),
                        d.version,
                        d.reasons.join("; ")
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let names = dependents
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let verb = if dependents.len() == 1 { "is" } else { "are" };
    let (what, retry) = match target {
        DownTarget::Only(version) => (
            format!("cannot roll back {version} while {names} {verb} applied"),
            format!(
                "roll them back first, or run `ratchet down {version} --cascade` to roll them \
                 back before {version}"
            ),
        ),
        DownTarget::To(version) => (
            format!(
                "`--to {version}` would leave {names} applied without what {} on",
                if dependents.len() == 1 {
                    "it depends"
                } else {
                    "they depend"
                }
            ),
            "roll back to an older version, or add --cascade to roll them back too".to_string(),
        ),
        DownTarget::Last => (
            format!("cannot roll back the newest migration while {names} {verb} applied"),
            "roll them back first, or add --cascade".to_string(),
        ),
    };
    Error::Refused {
        message: format!("{what}:\n  {}\n{retry}", lines.join("\n  ")),
    }
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
    let batched = script.directives.backfill.is_some() && direction == Direction::Up;
    if let Some(backfill) = &script.directives.backfill
        && batched
    {
        transactional = false;
        notices.push(format!(
            "runs in keyset batches over {} ({}), each batch committing with its checkpoint",
            backfill.table,
            backfill.key.join(", ")
        ));
    } else if script.directives.no_transaction {
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
        batched,
        statements,
        notices,
        ledger_id,
    })
}

/// A step with what each of its statements does, for `ratchet plan`.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStep {
    /// The step.
    #[serde(flatten)]
    pub step: Step,
    /// Its statements with their lock and risk, in order.
    pub analysis: Vec<PlannedStatement>,
}

/// One statement of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStatement {
    /// Its line in the file.
    pub line: u32,
    /// Its first line of text.
    pub statement: String,
    /// The strongest lock it takes, for people ("ACCESS EXCLUSIVE").
    pub lock: String,
    /// Whether reads of the table wait for it.
    pub blocks_reads: bool,
    /// Whether writes to the table wait for it.
    pub blocks_writes: bool,
    /// Whether it rewrites a table.
    pub rewrites: bool,
    /// What it destroys, for people.
    pub destroys: Option<String>,
    /// One phrase for people: the worst of the above, or "low".
    pub risk: String,
    /// Its actions with their effects.
    pub actions: Vec<ActionFacts>,
}

/// Analyses planned steps: every migration is replayed in version order so that each step
/// is judged against the schema before it (down steps against the schema their up built).
pub fn analyze_steps(
    set: &MigrationSet,
    steps: &[Step],
    dialect: Dialect,
    version: ServerVersion,
) -> Vec<PlannedStep> {
    let mut analyzer = Analyzer::new(dialect, version);
    let mut by_version = std::collections::BTreeMap::new();
    for migration in &set.migrations {
        let analyzed = analyzer.analyze(migration);
        if let Some(step) = steps.iter().find(|s| s.version == migration.version) {
            let script = match step.direction {
                Direction::Up => Some(&analyzed.up),
                Direction::Down => analyzed.down.as_ref(),
            };
            if let Some(script) = script {
                by_version.insert(migration.version, script.statements.clone());
            }
        }
        analyzer.commit(&analyzed);
    }
    steps
        .iter()
        .map(|step| {
            let statements = by_version.remove(&step.version).unwrap_or_default();
            let analysis = step
                .statements
                .iter()
                .filter_map(|s| statements.iter().find(|a| a.statement.line == s.line))
                .map(planned)
                .collect();
            PlannedStep {
                step: step.clone(),
                analysis,
            }
        })
        .collect()
}

fn planned(statement: &AnalyzedStatement) -> PlannedStatement {
    let worst = statement
        .actions
        .iter()
        .map(|a| a.effects.lock)
        .max_by_key(|lock| {
            (
                lock.blocks_reads(),
                lock.blocks_writes(),
                *lock != Lock::None,
            )
        });
    let mut risks: Vec<String> = Vec::new();
    for action in &statement.actions {
        let table = action
            .action
            .op
            .table()
            .map_or_else(|| "the table".to_string(), ToString::to_string);
        let e = &action.effects;
        let phrase = if matches!(action.action.op, Op::Unknown { .. }) {
            Some("cannot be analysed: review by hand".to_string())
        } else if let Some(loss) = &e.destroys {
            Some(format!("destroys {}", loss.describe()))
        } else if e.rewrites {
            Some(format!("rewrites {table} under {}", e.lock.describe()))
        } else if e.lock.blocks_reads() && e.scans {
            Some(format!(
                "blocks reads and writes of {table} while it reads every row"
            ))
        } else if e.lock.blocks_writes() && e.scans {
            Some(format!("blocks writes to {table} while it reads every row"))
        } else if e.lock.blocks_reads() && action.table_existed {
            Some(format!("blocks reads and writes of {table} briefly"))
        } else {
            None
        };
        if let Some(phrase) = phrase
            && !risks.contains(&phrase)
        {
            risks.push(phrase);
        }
    }
    let destroys: Vec<String> = statement
        .actions
        .iter()
        .filter_map(|a| a.effects.destroys.as_ref().map(|l| l.describe()))
        .collect();
    PlannedStatement {
        line: statement.statement.line,
        statement: statement.statement.first_line().to_string(),
        lock: worst.map_or_else(|| "none".to_string(), |l| l.describe()),
        blocks_reads: worst.is_some_and(|l| l.blocks_reads()),
        blocks_writes: worst.is_some_and(|l| l.blocks_writes()),
        rewrites: statement.actions.iter().any(|a| a.effects.rewrites),
        destroys: (!destroys.is_empty()).then(|| destroys.join("; ")),
        risk: if risks.is_empty() {
            "low".to_string()
        } else {
            risks.join("; ")
        },
        actions: statement.actions.clone(),
    }
}
