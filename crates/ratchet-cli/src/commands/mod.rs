//! One file per command; this module holds what they share: the project's configuration,
//! its migrations and the database connection.

mod backfill;
mod baseline;
mod check_rollbacks;
mod down;
mod graph;
mod history;
mod init;
mod lint;
mod new;
mod plan;
mod repair;
mod restore;
mod revert;
mod rule;
mod snapshot;
mod status;
mod up;
mod verify;

use std::path::Path;

use ratchet_migrate::config::{Config, RunSettings};
use ratchet_migrate::engine::{self, Engine};
use ratchet_migrate::snapshot::SnapshotSettings;
use ratchet_migrate::source::{self, MigrationSet};
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};

use crate::Outcome;
use clap::ValueEnum;

use crate::cli::{Cli, Command, Format, GlobalArgs, LockArgs};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<Outcome> {
    let project = Project::open(cli.global)?;
    match cli.command {
        Command::Init => init::run(&project),
        Command::New(args) => new::run(&project, &args),
        Command::Status => status::run(&project).await,
        Command::Up(args) => up::run(&project, &args).await,
        Command::Down(args) => down::run(&project, &args).await,
        Command::History => history::run(&project).await,
        Command::Lint(args) => lint::run(&project, &args),
        Command::Plan(args) => plan::run(&project, &args).await,
        Command::Rule(args) => rule::run(&project, &args),
        Command::Verify(args) => verify::run(&project, &args).await,
        Command::Repair(args) => repair::run(&project, &args).await,
        Command::Baseline(args) => baseline::run(&project, &args).await,
        Command::Restore(args) => restore::run(&project, &args).await,
        Command::Snapshot(args) => snapshot::run(&project, &args).await,
        Command::CheckRollbacks => check_rollbacks::run(&project).await,
        Command::Graph(args) => graph::run(&project, &args),
        Command::Revert(args) => revert::run(&project, &args).await,
        Command::Backfill(args) => backfill::run(&project, &args).await,
    }
}

/// The project ratchet runs in: the current folder (after `-C`), its configuration and the
/// global options.
pub struct Project {
    /// ratchet.toml, or the defaults.
    pub config: Config,
    /// The global options.
    pub global: GlobalArgs,
}

impl Project {
    fn open(global: GlobalArgs) -> Result<Project> {
        Ok(Project {
            config: Config::load(Path::new(""))?,
            global,
        })
    }

    /// The database URL after the overrides.
    pub fn url(&self) -> Result<String> {
        self.config.database_url(
            self.global.database_url.as_deref(),
            self.global.target.as_deref(),
        )
    }

    /// Connects to the database.
    pub async fn connect(&self) -> Result<Box<dyn Engine>> {
        engine::connect(&self.url()?).await
    }

    /// Loads the migrations, split for `dialect`.
    pub fn migrations(&self, dialect: Dialect) -> Result<MigrationSet> {
        source::load(&self.config.migrations_dir, self.config.format, dialect)
    }

    /// Run settings with the command line's lock timeout applied.
    pub fn run_settings(&self, lock: &LockArgs) -> RunSettings {
        let mut settings = self.config.run.clone();
        if let Some(timeout) = lock.lock_timeout {
            settings.lock_timeout = timeout;
        }
        settings
    }

    /// Where `up` and `down` save schema snapshots before risky migrations.
    pub fn snapshot_settings(&self) -> Result<SnapshotSettings> {
        Ok(SnapshotSettings {
            dir: self.config.snapshots_dir.clone(),
            url: Some(self.url()?),
        })
    }

    /// `[backfill]` with the replica URLs expanded.
    pub fn backfill_settings(&self) -> Result<ratchet_migrate::config::BackfillSettings> {
        let mut settings = self.config.backfill.clone();
        settings.replicas = self.config.replica_urls()?;
        Ok(settings)
    }

    /// The output format, refused when the command does not have it.
    pub fn output(&self, command: &str, formats: &[Format]) -> Result<Format> {
        let format = self.global.format;
        if formats.contains(&format) {
            return Ok(format);
        }
        let names: Vec<String> = formats
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        Err(Error::Usage(format!(
            "`ratchet {command}` has no --format {}; it has {}",
            format
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default(),
            names.join(", ")
        )))
    }

    /// Refuses every output format but human.
    pub fn human_only(&self, command: &str) -> Result<()> {
        self.output(command, &[Format::Human]).map(|_| ())
    }
}
