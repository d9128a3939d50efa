//! `check-rollbacks`: proves, on a scratch database, that every down file undoes its up
//! file and that the up can run again afterwards, before anyone needs the rollback.
//!
//! The scratch database is new (PostgreSQL, MySQL: `ratchet_check_<random>` on the server
//! of the configured URL; SQLite: a file in a temporary folder) and is dropped at the end,
//! whatever happened. For each migration, in order: snapshot, up, snapshot, down, compare
//! with the first snapshot, up again (and compare with the second). The up and down run
//! through [`Runner`], the code path `ratchet up` and `ratchet down` use, with lint off
//! and data loss accepted (the scratch database holds no data worth saving).

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

use serde::Serialize;

use crate::config::{Mode, RunSettings};
use crate::engine::{self, Engine};
use crate::event::Event;
use crate::ledger::{self, RowState};
use crate::plan::{DownOptions, DownTarget, UpOptions};
use crate::runner::Runner;
use crate::snapshot;
use crate::source::{Migration, MigrationSet};
use crate::sql::Dialect;
use crate::{Error, Result};

/// The reason recorded for the data a down destroys on the scratch database.
const ACCEPTED_LOSS: &str = "check-rollbacks scratch database";

/// What the check found for one migration. The names (snake case) are a stable contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The down restored the schema exactly, and the up ran again.
    Ok,
    /// The migration has no down file.
    DownMissing,
    /// After the down, the schema differs from the schema before the up.
    DownDiffers,
    /// The down failed.
    DownFails,
    /// The up failed when run again after its down (or built a different schema).
    UpNotRerunnable,
    /// The up failed the first time; nothing after it could be checked.
    UpFails,
    /// Not checked: an earlier migration left the scratch database unusable.
    NotChecked,
}

impl CheckResult {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Ok => "ok",
            CheckResult::DownMissing => "down_missing",
            CheckResult::DownDiffers => "down_differs",
            CheckResult::DownFails => "down_fails",
            CheckResult::UpNotRerunnable => "up_not_rerunnable",
            CheckResult::UpFails => "up_fails",
            CheckResult::NotChecked => "not_checked",
        }
    }

    /// Whether this result fails the check (exit code 3).
    pub fn is_failure(self) -> bool {
        self != CheckResult::Ok
    }
}

/// One migration's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationCheck {
    /// The migration's version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// What the check found.
    pub result: CheckResult,
    /// The schema diff, the error, or what to do; empty when ok.
    pub detail: String,
    /// The file at fault: the down file, or the up file when there is no down file.
    pub file: PathBuf,
}

/// What `check-rollbacks` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The scratch database (its name; for SQLite, its file), already dropped.
    pub scratch_database: String,
    /// Each migration, in order.
    pub migrations: Vec<MigrationCheck>,
}

impl Report {
    /// Whether any migration failed its check.
    pub fn failed(&self) -> bool {
        self.migrations.iter().any(|m| m.result.is_failure())
    }
}

/// Checks every migration of `set` on a scratch database created beside the database at
/// `url` (which is only used to reach the server). `set` must be loaded for `url`'s
/// dialect. The scratch database is dropped before this returns, even on failure.
pub async fn check_rollbacks(
    url: &str,
    set: &MigrationSet,
    settings: RunSettings,
    mode: Mode,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report> {
    if mode == Mode::ForwardOnly {
        return Err(Error::Usage(
            "this project is forward-only (mode = \"forward-only\" in ratchet.toml): it has no \
             down files to check; a rollback there is a new forward migration (`ratchet revert`)"
                .into(),
        ));
    }
    let scratch = Scratch::create(url).await?;
    events(Event::Notice(format!(
        "created the scratch database {}",
        scratch.name
    )));
    let checked = check_on(&scratch, set, settings, events).await;
    let dropped = scratch.drop().await;
    match (&checked, &dropped) {
        (_, Ok(name)) => events(Event::Notice(format!(
            "dropped the scratch database {name}"
        ))),
        (Err(_), Err(e)) => events(Event::Notice(e.to_string())),
        (Ok(_), Err(_)) => {}
    }
    let migrations = checked?;
    let scratch_database = dropped?;
    Ok(Report {
        scratch_database,
        migrations,
    })
}

async fn check_on(
    scratch: &Scratch,
    set: &MigrationSet,
    settings: RunSettings,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Vec<MigrationCheck>> {
    let mut engine = engine::connect(&scratch.url).await?;
    let mut checks: Vec<MigrationCheck> = Vec::new();
    let mut stopped: Option<i64> = None;
    for migration in &set.migrations {
        let check = match stopped {
            Some(at) => MigrationCheck {
                version: migration.version,
                name: migration.name.clone(),
                result: CheckResult::NotChecked,
                detail: format!(
                    "not checked: migration {at} left the scratch database in a state the \
                     later migrations cannot be checked on"
                ),
                file: migration.up.path.clone(),
            },
            None => {
                let (check, go_on) =
                    check_one(engine.as_mut(), set, migration, settings.clone()).await?;
                if !go_on {
                    stopped = Some(migration.version);
                }
                check
            }
        };
        events(Event::RollbackChecked(check.clone()));
        checks.push(check);
    }
    Ok(checks)
}

/// Checks one migration; returns the check and whether later migrations can be checked
/// (the migration is applied again and the database is in a known state).
async fn check_one(
    engine: &mut dyn Engine,
    set: &MigrationSet,
    migration: &Migration,
    settings: RunSettings,
) -> Result<(MigrationCheck, bool)> {
    let version = migration.version;
    let mut check = MigrationCheck {
        version,
        name: migration.name.clone(),
        result: CheckResult::Ok,
        detail: String::new(),
        file: migration
            .down
            .as_ref()
            .map_or_else(|| migration.up.path.clone(), |down| down.path.clone()),
    };
    let before_up = snapshot::take(engine).await?.render();
    if let Err(e) = up(engine, set, version, settings.clone()).await {
        check.result = CheckResult::UpFails;
        check.file = migration.up.path.clone();
        check.detail = format!("the up failed on the scratch database: {e}");
        return Ok((check, false));
    }
    let after_up = snapshot::take(engine).await?.render();
    if migration.down.is_none() {
        check.result = CheckResult::DownMissing;
        check.detail = format!(
            "no down file: write one beside {}, or make the project forward-only",
            migration.up.path.display()
        );
        return Ok((check, true));
    }
    if let Err(e) = down(engine, set, version, settings.clone()).await {
        check.result = CheckResult::DownFails;
        check.detail = format!("the down failed: {e}");
        // A down that failed inside a transaction left everything as it was (the migration
        // is still applied); anything else leaves a state nothing can be built on.
        let intact = ledger::rows(engine).await.is_ok_and(|rows| {
            rows.iter()
                .any(|r| r.is_live() && r.version == version && r.state == RowState::Applied)
        }) && snapshot::take(engine).await.map(|s| s.render()).ok()
            == Some(after_up.clone());
        return Ok((check, intact));
    }
    let after_down = snapshot::take(engine).await?.render();
    if after_down != before_up {
        check.result = CheckResult::DownDiffers;
        check.detail = format!(
            "the down leaves the schema different from before the up:\n{}",
            snapshot::diff(&before_up, &after_down, "before up", "after down")
        );
    }
    if let Err(e) = up(engine, set, version, settings).await {
        if check.result == CheckResult::Ok {
            check.result = CheckResult::UpNotRerunnable;
            check.file = migration.up.path.clone();
            check.detail = format!("the up failed when run again after the down: {e}");
        } else {
            check
                .detail
                .push_str(&format!("and the up then failed when run again: {e}"));
        }
        return Ok((check, false));
    }
    let after_up_again = snapshot::take(engine).await?.render();
    if check.result == CheckResult::Ok && after_up_again != after_up {
        check.result = CheckResult::UpNotRerunnable;
        check.file = migration.up.path.clone();
        check.detail = format!(
            "the up ran again after the down but built a different schema:\n{}",
            snapshot::diff(&after_up, &after_up_again, "after up", "after up again")
        );
    }
    Ok((check, true))
}

async fn up(
    engine: &mut dyn Engine,
    set: &MigrationSet,
    version: i64,
    settings: RunSettings,
) -> Result<Vec<i64>> {
    let mut ignore = |_event: Event| {};
    let options = UpOptions {
        to: Some(version),
        lint: None,
        ..UpOptions::default()
    };
    Runner::new(engine, settings, &mut ignore)
        .up(set, &options)
        .await
}

async fn down(
    engine: &mut dyn Engine,
    set: &MigrationSet,
    version: i64,
    settings: RunSettings,
) -> Result<Vec<i64>> {
    let mut ignore = |_event: Event| {};
    let options = DownOptions {
        mode: Mode::Reversible,
        accept_data_loss: Some(ACCEPTED_LOSS.into()),
        ..DownOptions::default()
    };
    Runner::new(engine, settings, &mut ignore)
        .down(set, DownTarget::Only(version), &options)
        .await
}

/// A database that exists for one check.
struct Scratch {
    dialect: Dialect,
    /// The configured URL: reaches the server to create and drop the scratch database.
    server_url: String,
    /// The scratch database's name (SQLite: its file).
    name: String,
    /// Its URL.
    url: String,
    /// SQLite's temporary folder, removed on drop.
    folder: Option<tempfile::TempDir>,
}

impl Scratch {
    async fn create(url: &str) -> Result<Scratch> {
        let dialect = Dialect::from_url(url).ok_or_else(|| {
            Error::Usage(format!(
                "unsupported database URL `{}`: it must start with postgres://, mysql://, \
                 mariadb:// or sqlite:",
                crate::url::redact(url)
            ))
        })?;
        if dialect == Dialect::Sqlite {
            let folder = tempfile::Builder::new()
                .prefix("ratchet_check_")
                .tempdir()
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            let path = folder.path().join("scratch.db");
            return Ok(Scratch {
                dialect,
                server_url: url.to_string(),
                name: path.display().to_string(),
                url: format!("sqlite:{}", path.display()),
                folder: Some(folder),
            });
        }
        let name = scratch_name();
        let (mut server, server_url) = connect_to_server(url, dialect).await?;
        server
            .execute(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| Error::Database {
                context: format!(
                    "cannot create the scratch database {name} on the server of {} \
                     (check-rollbacks needs a user that may create and drop databases)",
                    server.target()
                ),
                message: e.message,
            })?;
        Ok(Scratch {
            dialect,
            url: with_database(&server_url, &name),
            server_url,
            name,
            folder: None,
        })
    }

    /// Drops the database; returns its name.
    async fn drop(self) -> Result<String> {
        if let Some(folder) = self.folder {
            let path = folder.path().to_path_buf();
            folder.close().map_err(|e| Error::io(path, e))?;
            return Ok(self.name);
        }
        let failed = |message: String| Error::Database {
            context: format!(
                "could not drop the scratch database {}; drop it by hand",
                self.name
            ),
            message,
        };
        let mut server = engine::connect(&self.server_url)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let sql = match self.dialect {
            // Our own connection to it may not be gone yet on the server's side.
            Dialect::Postgres if server.server_version() >= 130_000 => {
                format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
            }
            _ => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let mut attempt = 0;
        loop {
            match server.execute(&sql).await {
                Ok(_) => return Ok(self.name),
                // PostgreSQL before 13: the scratch connection closes asynchronously.
                Err(e) if attempt < 20 && e.message.contains("accessed by other users") => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Err(e) => return Err(failed(e.message)),
            }
        }
    }
}

/// A connection to the server of `url` and the URL that made it: the configured database,
/// or, when that one does not exist (yet), a database every server has (PostgreSQL's
/// `postgres`, MySQL's `information_schema`).
async fn connect_to_server(url: &str, dialect: Dialect) -> Result<(Box<dyn Engine>, String)> {
    let error = match engine::connect(url).await {
        Ok(server) => return Ok((server, url.to_string())),
        Err(error) => error,
    };
    let fallback = match dialect {
        Dialect::Postgres => with_database(url, "postgres"),
        Dialect::Mysql => with_database(url, "information_schema"),
        Dialect::Sqlite => return Err(error),
    };
    match engine::connect(&fallback).await {
        Ok(server) => Ok((server, fallback)),
        Err(_) => Err(error),
    }
}

/// `ratchet_check_<16 random hex digits>`.
fn scratch_name() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    format!("ratchet_check_{:016x}", hasher.finish())
}

/// `url` with its database (the path) replaced by `name`, query parameters kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..path_start])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_urls_keep_the_server_and_parameters() {
        assert_eq!(
            with_database(
                "postgres://u:p@h:5432/app?sslmode=require",
                "ratchet_check_1"
            ),
            "postgres://u:p@h:5432/ratchet_check_1?sslmode=require"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "ratchet_check_1"),
            "mysql://root@127.0.0.1:3306/ratchet_check_1"
        );
    }

    #[test]
    fn scratch_names_differ() {
        let (a, b) = (scratch_name(), scratch_name());
        assert_ne!(a, b);
        assert!(a.starts_with("ratchet_check_") && a.len() == "ratchet_check_".len() + 16);
    }
}
