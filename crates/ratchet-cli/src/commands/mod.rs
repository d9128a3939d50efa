//! One file per command; this module holds what they share: the project's configuration,
//! its migrations and the database connection.

mod baseline;
mod down;
mod history;
mod init;
mod new;
mod repair;
mod status;
mod up;
mod verify;

use std::path::Path;

use ratchet_migrate::config::{Config, RunSettings};
use ratchet_migrate::engine::{self, Engine};
use ratchet_migrate::source::{self, MigrationSet};
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};

use crate::Outcome;
use crate::cli::{Cli, Command, GlobalArgs, LockArgs};

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
        Command::Verify(args) => verify::run(&project, &args).await,
        Command::Repair(args) => repair::run(&project, &args).await,
        Command::Baseline(args) => baseline::run(&project, &args).await,
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

    /// Refuses output formats a command does not have.
    pub fn human_only(&self, command: &str) -> Result<()> {
        if self.global.format == crate::cli::Format::Human {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "`ratchet {command}` has no --format json output"
            )))
        }
    }
}
