//! The command line: every flag is documented where it is defined.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ratchet_migrate::sql::Dialect;

/// Safe schema migrations for PostgreSQL, MySQL/MariaDB and SQLite: apply, record and roll
/// back migrations with an append-only ledger and one migrator at a time.
#[derive(Debug, Parser)]
#[command(name = "ratchet", version, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if ratchet was started in <DIR> (where ratchet.toml is).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The database URL; overrides --target, DATABASE_URL and ratchet.toml.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// A database named in ratchet.toml's [targets].
    #[arg(long, global = true, value_name = "NAME")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For programs; the shapes are stable.
    Json,
    /// GitHub Actions workflow annotations (`lint`, `check-rollbacks`).
    Github,
    /// SARIF 2.1.0, for code-scanning tools (`lint`).
    Sarif,
    /// Graphviz dot (`graph`).
    Dot,
}

/// Options of the commands that take the migrator lock.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// How long to wait for another ratchet holding the migrator lock ("30s", "10m"); 0
    /// fails at once. Default: [run] lock_timeout, or 10m.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub lock_timeout: Option<Duration>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write ratchet.toml and migrations/, adopting another tool's folder when there is one.
    Init,
    /// Create the files of a new migration with the next version.
    New(NewArgs),
    /// Show each migration: applied, pending, rolled back, failed, drifted or missing.
    Status,
    /// Apply pending migrations.
    Up(UpArgs),
    /// Roll back applied migrations with their down files, dependents first.
    Down(DownArgs),
    /// Show the ledger: every apply, rollback and failure, nothing deleted.
    History,
    /// Analyse SQL without a database: what is dangerous, with the file, line and fix.
    Lint(LintArgs),
    /// Show what `up` (or `down`) would run, each statement's lock and risk.
    Plan(PlanArgs),
    /// Explain a lint rule, or list them all.
    Rule(RuleArgs),
    /// Run verify queries now: each must return no rows or a single 0.
    Verify(VerifyArgs),
    /// Accept a reviewed checksum change, or clear a failed row; recorded in the ledger.
    Repair(RepairArgs),
    /// Adopt an existing database: record migrations up to VERSION as applied without
    /// running them.
    Baseline(BaselineArgs),
    /// Put back data that a guarded rollback saved, once its table or column exists again.
    Restore(RestoreArgs),
    /// Print the schema as deterministic, diffable text (or write it, with pg_dump beside it).
    Snapshot(SnapshotArgs),
    /// On a scratch database: up, down and up again for each migration; the schema must
    /// round-trip.
    CheckRollbacks,
    /// Show which migration depends on which, and why (--format dot for Graphviz).
    Graph(GraphArgs),
    /// Write a new forward migration that undoes an applied one.
    Revert(RevertArgs),
    /// Inspect, pause and resume batched backfills.
    Backfill(BackfillArgs),
}

/// `ratchet graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The SQL dialect the statements are read in; default: the database URL's, else
    /// postgres.
    #[arg(long, value_parser = parse_dialect)]
    pub dialect: Option<Dialect>,
}

/// `ratchet revert`.
#[derive(Debug, Args)]
pub struct RevertArgs {
    /// The applied migration to undo.
    #[arg(value_name = "VERSION", value_parser = parse_version)]
    pub version: i64,
}

/// `ratchet backfill`.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: BackfillCommand,
}

/// `ratchet backfill <command>`.
#[derive(Debug, Subcommand)]
pub enum BackfillCommand {
    /// Show each backfill: state, rows done, rate and ETA.
    Status {
        /// Only this migration's backfill.
        #[arg(value_name = "VERSION", value_parser = parse_version)]
        version: Option<i64>,
    },
    /// Pause running backfills: a running ratchet stops after its current batch, and `up`
    /// leaves them until `ratchet backfill resume`.
    Pause {
        /// Only this migration's backfill.
        #[arg(value_name = "VERSION", value_parser = parse_version)]
        version: Option<i64>,
    },
    /// Continue paused or interrupted backfills from their last committed batch.
    Resume {
        /// Only this migration's backfill.
        #[arg(value_name = "VERSION", value_parser = parse_version)]
        version: Option<i64>,
        /// After the keys that existed at the start, walk the keys added since.
        #[arg(long)]
        final_pass: bool,
        /// Lock options.
        #[command(flatten)]
        lock: LockArgs,
    },
}

/// `ratchet new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What the migration does, e.g. add_priority.
    pub name: String,
    /// Also create a down file (reversible migration).
    #[arg(long)]
    pub down: bool,
    /// Also create a verify file (for data migrations).
    #[arg(long)]
    pub verify: bool,
    /// Start from a batched backfill template (implies --verify).
    #[arg(long)]
    pub backfill: bool,
}

/// `ratchet lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration folders (any supported layout) or SQL files; default: the project's
    /// migrations folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The SQL dialect; default: the database URL's, else postgres.
    #[arg(long, value_parser = parse_dialect)]
    pub dialect: Option<Dialect>,
}

/// `ratchet plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Plan up to and including this version (with --down: roll back everything after it).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub to: Option<i64>,
    /// Plan a rollback instead (the newest migration, or down to --to).
    #[arg(long)]
    pub down: bool,
}

/// `ratchet rule`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's id; all rules are listed when omitted.
    pub id: Option<String>,
}

/// `ratchet up`.
#[derive(Debug, Args)]
pub struct UpArgs {
    /// Apply pending migrations up to and including this version.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub to: Option<i64>,
    /// Show what would run, and how, without touching the database.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply pending migrations older than the newest applied one.
    #[arg(long)]
    pub out_of_order: bool,
    /// Go on although applied migrations have no file.
    #[arg(long)]
    pub ignore_missing: bool,
    /// Stop after the first backfill's canary (its batches and verify queries), for a
    /// person to look; `ratchet up` then continues.
    #[arg(long)]
    pub canary_only: bool,
    /// After a backfill's keys that existed at its start, walk the keys added since.
    #[arg(long)]
    pub final_pass: bool,
    /// Lock options.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `ratchet down`.
#[derive(Debug, Args)]
pub struct DownArgs {
    /// Roll back only this migration (refused while migrations that depend on it are
    /// applied, unless --cascade).
    #[arg(value_name = "VERSION", value_parser = parse_version, conflicts_with = "to")]
    pub version: Option<i64>,
    /// Roll back every migration newer than this version (0: all of them).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub to: Option<i64>,
    /// Roll back the applied migrations that depend on those rolled back first.
    #[arg(long)]
    pub cascade: bool,
    /// Destroy data the down files drop without saving it first; the reason is recorded
    /// in the ledger.
    #[arg(long, value_name = "REASON")]
    pub accept_data_loss: Option<String>,
    /// Lock options.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `ratchet verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this migration's verify file (applied or not).
    #[arg(value_name = "VERSION", value_parser = parse_version)]
    pub version: Option<i64>,
}

/// `ratchet repair`.
#[derive(Debug, Args)]
pub struct RepairArgs {
    /// The migrations to repair; all drifted and failed ones when none is given.
    #[arg(value_name = "VERSION", value_parser = parse_version)]
    pub versions: Vec<i64>,
    /// Why the repair is right, recorded in the ledger.
    #[arg(long)]
    pub reason: Option<String>,
    /// Lock options.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `ratchet baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The newest migration the database already has.
    #[arg(value_name = "VERSION", value_parser = parse_version)]
    pub version: i64,
    /// Lock options.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `ratchet restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup's id, as `down` printed it and `ratchet history` lists it.
    #[arg(value_name = "ID", value_parser = parse_backup_id)]
    pub id: i64,
    /// Lock options.
    #[command(flatten)]
    pub lock: LockArgs,
}

fn parse_backup_id(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("`{text}` is not a backup id: `ratchet history` lists the backups"))
}

/// `ratchet snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE instead of printing it; on PostgreSQL also write
    /// `pg_dump --schema-only` to FILE.pg_dump.sql when a compatible pg_dump is on PATH.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Versions are integers; leading zeros are not significant.
fn parse_version(text: &str) -> Result<i64, String> {
    text.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
        format!(
            "`{text}` is not a version: versions are whole numbers, like 20261101090000 or 0003"
        )
    })
}

fn parse_dialect(text: &str) -> Result<Dialect, String> {
    text.parse()
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text).map_err(|e| format!("{e}; write a duration such as 30s or 10m"))
}

/// The README's command table, from the definitions above, so that it cannot drift.
#[cfg(test)]
pub fn command_table() -> String {
    use clap::CommandFactory;
    let mut out = String::from("| command | what it does |\n|---|---|\n");
    let mut commands: Vec<(String, clap::Command)> = Vec::new();
    for command in Cli::command().get_subcommands() {
        if command.has_subcommands() {
            for sub in command.get_subcommands() {
                commands.push((
                    format!("{} {}", command.get_name(), sub.get_name()),
                    sub.clone(),
                ));
            }
        } else {
            commands.push((command.get_name().to_string(), command.clone()));
        }
    }
    for (name, command) in &commands {
        let mut usage = format!("ratchet {name}");
        for arg in command.get_arguments() {
            if arg.is_global_set() || arg.get_id() == "help" {
                continue;
            }
            let value = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map_or_else(|| arg.get_id().as_str().to_uppercase(), ToString::to_string);
            let many = matches!(arg.get_num_args(), Some(n) if n.max_values() > 1);
            let piece = match arg.get_long() {
                Some(long) if arg.get_action().takes_values() => format!("--{long} <{value}>"),
                Some(long) => format!("--{long}"),
                None if many => format!("<{value}>..."),
                None => format!("<{value}>"),
            };
            if arg.is_required_set() {
                usage.push_str(&format!(" {piece}"));
            } else {
                usage.push_str(&format!(" [{piece}]"));
            }
        }
        let about = command
            .get_about()
            .map(ToString::to_string)
            .unwrap_or_default();
        out.push_str(&format!("| `{usage}` | {about} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    /// The table between the markers in README.md is the one clap describes. Run with
    /// `RATCHET_BLESS=1` to rewrite it after changing a command.
    #[test]
    fn readme_command_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (start, end) = ("<!-- commands:start -->\n", "<!-- commands:end -->");
        let from = readme.find(start).expect("start marker") + start.len();
        let to = readme.find(end).expect("end marker");
        let table = super::command_table();
        if std::env::var("RATCHET_BLESS").is_ok_and(|v| v == "1") {
            let updated = format!("{}{table}{}", &readme[..from], &readme[to..]);
            std::fs::write(path, updated).unwrap();
            return;
        }
        assert_eq!(
            &readme[from..to],
            table,
            "README.md's command table is stale: run RATCHET_BLESS=1 cargo test -p ratchet-cli"
        );
    }
}
