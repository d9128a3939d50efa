//! `ratchet.toml` and the environment.
//!
//! ```toml
//! [database]
//! url = "${DATABASE_URL}"        # ${VAR} and ${VAR:-default} are expanded
//!
//! [migrations]
//! dir = "migrations"
//! mode = "reversible"            # or "forward-only"
//! format = "native"              # optional; detected from the files when absent
//!
//! [run]
//! lock_timeout = "10m"           # how long `up`/`down` wait for another ratchet
//! ddl_lock_timeout = "5s"        # per statement: PostgreSQL lock_timeout, MySQL lock_wait_timeout
//! ddl_lock_retries = 5           # retries, with backoff, after a statement's lock timeout
//!
//! [lint]
//! start_after = 20261101090000
//!
//! [snapshots]
//! dir = ".ratchet/snapshots"    # schema snapshots saved before risky migrations
//! [backfill]                     # see docs/backfills.md
//! target_batch_time = "100ms"
//! max_replica_lag = "5s"
//! replicas = ["postgres://replica-1/app"]
//!
//! [targets.green]
//! url = "postgres://..."
//! ```
//!
//! The URL is chosen in this order: `--database-url`, `--target <name>`, the
//! `DATABASE_URL` environment variable, `[database] url`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::lint::Severity;
use crate::source::SourceFormat;
use crate::{Error, Result};

/// The name of the configuration file in a project folder.
pub const FILE_NAME: &str = "ratchet.toml";

/// Whether migrations may be rolled back with down files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Down files are allowed and `down` runs them.
    #[default]
    Reversible,
    /// No down files: a rollback is a new forward migration (`ratchet revert`).
    ForwardOnly,
}

/// A project's configuration, with defaults filled in.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from, if there was one.
    pub path: Option<PathBuf>,
    /// `[database] url`, not yet expanded.
    pub database_url: Option<String>,
    /// `[migrations] dir`, relative to the project folder.
    pub migrations_dir: PathBuf,
    /// `[migrations] mode`.
    pub mode: Mode,
    /// `[migrations] format`, when set.
    pub format: Option<SourceFormat>,
    /// Settings of `up` and `down`.
    pub run: RunSettings,
    /// `[lint] start_after`.
    pub lint_start_after: Option<i64>,
    /// The rest of `[lint]`.
    pub lint: LintSettings,
    /// `[targets.<name>] url`, not yet expanded.
    pub targets: BTreeMap<String, String>,
    /// `[snapshots] dir`, relative to the project folder: where `up` and `down` save a
    /// schema snapshot before a migration that destroys data or rewrites a table.
    pub snapshots_dir: PathBuf,
    /// `[backfill]`: how batched backfills run.
    pub backfill: BackfillSettings,
}

/// `[backfill]`: how batched backfills (`-- ratchet:backfill`) run. See docs/backfills.md.
#[derive(Debug, Clone, PartialEq)]
pub struct BackfillSettings {
    /// Each batch aims to take about this long (`target_batch_time`, default 100 ms): a
    /// row the batch changed stays locked for up to this long. See docs/benchmarks.md for why.
    pub target_batch_time: Duration,
    /// Rows of the first batch (`batch_size`, default 1000).
    pub batch_size: u64,
    /// The smallest batch the adaptive size goes down to (`min_batch_size`, default 10).
    pub min_batch_size: u64,
    /// The largest batch (`max_batch_size`, default 100000).
    pub max_batch_size: u64,
    /// How long one batch waits for a row or table lock before it gives up, shrinks and
    /// backs off (`lock_timeout`, default 500 ms; MySQL rounds up to whole seconds).
    pub lock_timeout: Duration,
    /// Lock timeouts in a row after which the backfill stops (`lock_retries`, default 20).
    pub lock_retries: u32,
    /// At most this many rows per second (`max_rows_per_second`; none by default).
    pub max_rows_per_second: Option<u64>,
    /// After each batch, pause for this fraction of the batch's time (`pause_ratio`,
    /// default 0: 1.0 pauses as long as the batch took).
    pub pause_ratio: f64,
    /// Replica lag above which the backfill pauses (`max_replica_lag`, default 5 s).
    pub max_replica_lag: Duration,
    /// Replicas whose lag is watched (`replicas`, URLs; `${VAR}` expanded). On PostgreSQL
    /// the primary's own `pg_stat_replication` is watched as well.
    pub replicas: Vec<String>,
    /// After the keys that existed at the start, run a final pass over keys added since
    /// (`final_pass`, default false; `ratchet up --final-pass`).
    pub final_pass: bool,
}

impl Default for BackfillSettings {
    fn default() -> Self {
        BackfillSettings {
            target_batch_time: Duration::from_millis(100),
            batch_size: 1000,
            min_batch_size: 10,
            max_batch_size: 100_000,
            lock_timeout: Duration::from_millis(500),
            lock_retries: 20,
            max_rows_per_second: None,
            pause_ratio: 0.0,
            max_replica_lag: Duration::from_secs(5),
            replicas: Vec::new(),
            final_pass: false,
        }
    }
}

/// The default of `[snapshots] dir`.
pub const DEFAULT_SNAPSHOTS_DIR: &str = ".ratchet/snapshots";

/// How migrations are run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSettings {
    /// How long to wait for another migrator holding the lock.
    pub lock_timeout: Duration,
    /// How long one statement may wait for a table lock before it gives up and retries.
    pub ddl_lock_timeout: Duration,
    /// How many times a statement that hit `ddl_lock_timeout` is retried.
    pub ddl_lock_retries: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            lock_timeout: Duration::from_secs(600),
            ddl_lock_timeout: Duration::from_secs(5),
            ddl_lock_retries: 5,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            database_url: None,
            migrations_dir: PathBuf::from("migrations"),
            mode: Mode::default(),
            format: None,
            run: RunSettings::default(),
            lint_start_after: None,
            lint: LintSettings::default(),
            targets: BTreeMap::new(),
            snapshots_dir: PathBuf::from(DEFAULT_SNAPSHOTS_DIR),
            backfill: BackfillSettings::default(),
        }
    }
}

/// `[lint]` settings besides `start_after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintSettings {
    /// `postgres_version = "14"`: judge version-dependent rules for this server.
    pub postgres_version: Option<u32>,
    /// `mysql_version = "8.0.36"` or `"mariadb 10.11"`: (is MariaDB, version number).
    pub mysql_version: Option<(bool, u32)>,
    /// `[lint.rules]`: severity by rule id (`"off"` is `None`). Ids are checked by the
    /// lint module, which knows the rules.
    pub rules: BTreeMap<String, Option<Severity>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    database: RawDatabase,
    #[serde(default)]
    migrations: RawMigrations,
    #[serde(default)]
    run: RawRun,
    #[serde(default)]
    lint: RawLint,
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
    #[serde(default)]
    snapshots: RawSnapshots,
    #[serde(default)]
    backfill: RawBackfill,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSnapshots {
    dir: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBackfill {
    target_batch_time: Option<String>,
    batch_size: Option<u64>,
    min_batch_size: Option<u64>,
    max_batch_size: Option<u64>,
    lock_timeout: Option<String>,
    lock_retries: Option<u32>,
    max_rows_per_second: Option<u64>,
    pause_ratio: Option<f64>,
    max_replica_lag: Option<String>,
    #[serde(default)]
    replicas: Vec<String>,
    final_pass: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMigrations {
    dir: Option<PathBuf>,
    mode: Option<Mode>,
    format: Option<SourceFormat>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRun {
    lock_timeout: Option<String>,
    ddl_lock_timeout: Option<String>,
    ddl_lock_retries: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLint {
    start_after: Option<i64>,
    postgres_version: Option<String>,
    mysql_version: Option<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    url: String,
}

impl Config {
    /// Reads `ratchet.toml` in `project_dir`, or the defaults when there is none.
    pub fn load(project_dir: &Path) -> Result<Config> {
        let path = project_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Parses the text of a configuration file read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let bad = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let duration = |key: &str, value: Option<String>, default: Duration| match value {
            None => Ok(default),
            Some(v) => humantime::parse_duration(&v).map_err(|e| {
                bad(format!(
                    "[run] {key} = \"{v}\": {e}; write a duration such as \"5s\" or \"10m\""
                ))
            }),
        };
        let defaults = RunSettings::default();
        let run = RunSettings {
            lock_timeout: duration("lock_timeout", raw.run.lock_timeout, defaults.lock_timeout)?,
            ddl_lock_timeout: duration(
                "ddl_lock_timeout",
                raw.run.ddl_lock_timeout,
                defaults.ddl_lock_timeout,
            )?,
            ddl_lock_retries: raw
                .run
                .ddl_lock_retries
                .unwrap_or(defaults.ddl_lock_retries),
        };
        if run.ddl_lock_timeout.is_zero() {
            return Err(bad(
                "[run] ddl_lock_timeout must be more than zero: a zero lock timeout means \
                 \"wait forever\" on PostgreSQL"
                    .into(),
            ));
        }
        if let Some(dir) = &raw.migrations.dir
            && dir.as_os_str().is_empty()
        {
            return Err(bad(
                "[migrations] dir is empty; name the migrations folder".into()
            ));
        }
        if let Some(dir) = &raw.snapshots.dir
            && dir.as_os_str().is_empty()
        {
            return Err(bad(
                "[snapshots] dir is empty; name the folder for schema snapshots".into(),
            ));
        }
        let lint = LintSettings {
            postgres_version: raw
                .lint
                .postgres_version
                .as_deref()
                .map(|v| {
                    parse_postgres_version(v).ok_or_else(|| {
                        bad(format!(
                            "[lint] postgres_version = \"{v}\": write a version such as \"14\" or \"15.4\""
                        ))
                    })
                })
                .transpose()?,
            mysql_version: raw
                .lint
                .mysql_version
                .as_deref()
                .map(|v| {
                    parse_mysql_version(v).ok_or_else(|| {
                        bad(format!(
                            "[lint] mysql_version = \"{v}\": write a version such as \"8.0.36\" or \"mariadb 10.11\""
                        ))
                    })
                })
                .transpose()?,
            rules: raw
                .lint
                .rules
                .iter()
                .map(|(id, level)| {
                    let severity = match level.as_str() {
                        "error" => Some(Severity::Error),
                        "warning" => Some(Severity::Warning),
                        "info" => Some(Severity::Info),
                        "off" => None,
                        other => {
                            return Err(bad(format!(
                                "[lint.rules] {id} = \"{other}\": use \"error\", \"warning\", \"info\" or \"off\""
                            )));
                        }
                    };
                    Ok((id.clone(), severity))
                })
                .collect::<Result<_>>()?,
        };
        let backfill = parse_backfill(raw.backfill, &bad)?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            database_url: raw.database.url,
            migrations_dir: raw
                .migrations
                .dir
                .unwrap_or_else(|| PathBuf::from("migrations")),
            mode: raw.migrations.mode.unwrap_or_default(),
            format: raw.migrations.format,
            run,
            lint_start_after: raw.lint.start_after,
            lint,
            targets: raw.targets.into_iter().map(|(k, v)| (k, v.url)).collect(),
            snapshots_dir: raw
                .snapshots
                .dir
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SNAPSHOTS_DIR)),
            backfill,
        })
    }

    /// The `[backfill] replicas` URLs with `${VAR}` expanded.
    pub fn replica_urls(&self) -> Result<Vec<String>> {
        let env = |name: &str| std::env::var(name).ok();
        self.backfill
            .replicas
            .iter()
            .map(|url| {
                expand(url, "[backfill] replicas", &env).map_err(|message| Error::Config {
                    path: self
                        .path
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(FILE_NAME)),
                    message,
                })
            })
            .collect()
    }

    /// The database URL to use, after the overrides, with `${VAR}` expanded.
    pub fn database_url(&self, cli_url: Option<&str>, target: Option<&str>) -> Result<String> {
        self.database_url_with(cli_url, target, |name| std::env::var(name).ok())
    }

    /// [`Config::database_url`] with the environment given as a function (for tests).
    pub fn database_url_with(
        &self,
        cli_url: Option<&str>,
        target: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<String> {
        if let Some(url) = cli_url {
            return Ok(url.to_string());
        }
        let config_path = || {
            self.path
                .clone()
                .unwrap_or_else(|| PathBuf::from(FILE_NAME))
        };
        if let Some(name) = target {
            let url = self.targets.get(name).ok_or_else(|| Error::Config {
                path: config_path(),
                message: if self.targets.is_empty() {
                    format!("no target `{name}`: add a [targets.{name}] table with a url")
                } else {
                    format!(
                        "no target `{name}`; the targets are: {}",
                        self.targets.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                },
            })?;
            return expand(url, &format!("[targets.{name}] url"), &env).map_err(|message| {
                Error::Config {
                    path: config_path(),
                    message,
                }
            });
        }
        if let Some(url) = env("DATABASE_URL").filter(|u| !u.is_empty()) {
            return Ok(url);
        }
        match &self.database_url {
            Some(url) => expand(url, "[database] url", &env).map_err(|message| Error::Config {
                path: config_path(),
                message,
            }),
            None => Err(Error::Usage(
                "no database: pass --database-url, set DATABASE_URL, or set [database] url in \
                 ratchet.toml"
                    .into(),
            )),
        }
    }
}

/// Checks and fills in `[backfill]`.
fn parse_backfill(raw: RawBackfill, bad: &impl Fn(String) -> Error) -> Result<BackfillSettings> {
    let defaults = BackfillSettings::default();
    let duration = |key: &str, value: Option<String>, default: Duration| match value {
        None => Ok(default),
        Some(v) => match humantime::parse_duration(&v) {
            Ok(d) if !d.is_zero() => Ok(d),
            Ok(_) => Err(bad(format!("[backfill] {key} must be more than zero"))),
            Err(e) => Err(bad(format!(
                "[backfill] {key} = \"{v}\": {e}; write a duration such as \"50ms\" or \"5s\""
            ))),
        },
    };
    let settings = BackfillSettings {
        target_batch_time: duration(
            "target_batch_time",
            raw.target_batch_time,
            defaults.target_batch_time,
        )?,
        batch_size: raw.batch_size.unwrap_or(defaults.batch_size),
        min_batch_size: raw.min_batch_size.unwrap_or(defaults.min_batch_size),
        max_batch_size: raw.max_batch_size.unwrap_or(defaults.max_batch_size),
        lock_timeout: duration("lock_timeout", raw.lock_timeout, defaults.lock_timeout)?,
        lock_retries: raw.lock_retries.unwrap_or(defaults.lock_retries),
        max_rows_per_second: raw.max_rows_per_second,
        pause_ratio: raw.pause_ratio.unwrap_or(defaults.pause_ratio),
        max_replica_lag: duration(
            "max_replica_lag",
            raw.max_replica_lag,
            defaults.max_replica_lag,
        )?,
        replicas: raw.replicas,
        final_pass: raw.final_pass.unwrap_or(defaults.final_pass),
    };
    if settings.min_batch_size == 0 || settings.min_batch_size > settings.max_batch_size {
        return Err(bad(format!(
            "[backfill] min_batch_size = {} and max_batch_size = {}: the minimum must be at \
             least 1 and at most the maximum",
            settings.min_batch_size, settings.max_batch_size
        )));
    }
    if settings.batch_size == 0 {
        return Err(bad("[backfill] batch_size must be at least 1".into()));
    }
    if !(settings.pause_ratio >= 0.0 && settings.pause_ratio.is_finite()) {
        return Err(bad(format!(
            "[backfill] pause_ratio = {}: write a number of 0 or more (0.5 pauses half as long \
             as each batch took)",
            settings.pause_ratio
        )));
    }
    if settings.max_rows_per_second == Some(0) {
        return Err(bad(
            "[backfill] max_rows_per_second must be at least 1 (leave it out for no limit)".into(),
        ));
    }
    Ok(settings)
}

/// `"14"` → 140000, `"15.4"` → 150004 (PostgreSQL's `server_version_num`).
fn parse_postgres_version(text: &str) -> Option<u32> {
    let mut parts = text.trim().split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    (parts.next().is_none() && major >= 9).then_some(major * 10_000 + minor)
}

/// `"8.0.36"` → (false, 80036), `"mariadb 10.11"` → (true, 101100).
fn parse_mysql_version(text: &str) -> Option<(bool, u32)> {
    let text = text.trim().to_ascii_lowercase();
    let (mariadb, number) = match text.strip_prefix("mariadb") {
        Some(rest) => (true, rest.trim_start_matches([' ', '-'])),
        None => (
            false,
            text.strip_prefix("mysql")
                .unwrap_or(&text)
                .trim_start_matches([' ', '-']),
        ),
    };
    let parts: Vec<u32> = number
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [major, minor] => Some((mariadb, major * 10_000 + minor * 100)),
        [major, minor, patch] => Some((mariadb, major * 10_000 + minor * 100 + patch)),
        _ => None,
    }
}

/// Expands `${VAR}` and `${VAR:-default}` in `value`.
fn expand(value: &str, key: &str, env: &impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("{key}: `${{` without a closing `}}` in \"{value}\""))?;
        let expr = &after[..end];
        let (name, default) = match expr.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (expr, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("{key}: `${{{expr}}}` is not a valid variable name"));
        }
        match (env(name).filter(|v| !v.is_empty()), default) {
            (Some(v), _) => out.push_str(&v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {
                return Err(format!(
                    "{key}: environment variable {name} is not set; set it, or pass \
                     --database-url"
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("ratchet.toml"), text)
    }

    #[test]
    fn defaults_without_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.migrations_dir, PathBuf::from("migrations"));
        assert_eq!(config.mode, Mode::Reversible);
        assert!(config.path.is_none());
    }

    #[test]
    fn reads_every_section() {
        let config = parse(
            r#"
            [database]
            url = "sqlite:shop.db"
            [migrations]
            dir = "db/migrations"
            mode = "forward-only"
            format = "dbmate"
            [run]
            lock_timeout = "30s"
            ddl_lock_timeout = "2s"
            ddl_lock_retries = 3
            [lint]
            start_after = 20261101090000
            postgres_version = "15.4"
            mysql_version = "mariadb 10.11"
            [lint.rules]
            prefer-text-field = "off"
            require-concurrent-index-creation = "warning"
            [targets.green]
            url = "postgres://h/green"
            "#,
        )
        .unwrap();
        assert_eq!(config.migrations_dir, PathBuf::from("db/migrations"));
        assert_eq!(config.mode, Mode::ForwardOnly);
        assert_eq!(config.format, Some(SourceFormat::Dbmate));
        assert_eq!(config.run.lock_timeout, Duration::from_secs(30));
        assert_eq!(config.run.ddl_lock_timeout, Duration::from_secs(2));
        assert_eq!(config.run.ddl_lock_retries, 3);
        assert_eq!(config.lint_start_after, Some(20261101090000));
        assert_eq!(config.lint.postgres_version, Some(150004));
        assert_eq!(config.lint.mysql_version, Some((true, 101100)));
        assert_eq!(config.lint.rules["prefer-text-field"], None);
        assert_eq!(
            config.lint.rules["require-concurrent-index-creation"],
            Some(Severity::Warning)
        );
        assert_eq!(config.targets["green"], "postgres://h/green");
    }

    #[test]
    fn backfill_section() {
        let config = parse(
            "[backfill]\ntarget_batch_time = \"80ms\"\nmax_rows_per_second = 500\n\
             pause_ratio = 0.5\nmax_replica_lag = \"2s\"\nreplicas = [\"postgres://r/db\"]\n\
             final_pass = true\nmin_batch_size = 5\n",
        )
        .unwrap();
        assert_eq!(config.backfill.target_batch_time, Duration::from_millis(80));
        assert_eq!(config.backfill.max_rows_per_second, Some(500));
        assert_eq!(config.backfill.pause_ratio, 0.5);
        assert_eq!(config.backfill.max_replica_lag, Duration::from_secs(2));
        assert_eq!(
            config.backfill.replicas,
            vec!["postgres://r/db".to_string()]
        );
        assert!(config.backfill.final_pass);
        assert_eq!(config.backfill.min_batch_size, 5);
        assert_eq!(config.backfill.max_batch_size, 100_000);
        assert_eq!(parse("").unwrap().backfill, BackfillSettings::default());
        for (text, expected) in [
            ("pause_ratio = -1", "[backfill] pause_ratio = -1"),
            ("min_batch_size = 0", "[backfill] min_batch_size = 0"),
            ("target_batch_time = \"0s\"", "must be more than zero"),
            ("lag = 1", "unknown field `lag`"),
        ] {
            let err = parse(&format!("[backfill]\n{text}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn unknown_key_names_the_key_and_file() {
        let err = parse("[migrations]\ndirectory = \"m\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("ratchet.toml: "), "{err}");
        assert!(err.contains("unknown field `directory`"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = parse("[migrations]\nmode = \"sideways\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sideways"), "{err}");
        assert!(err.contains("reversible"), "{err}");
        let err = parse("[run]\nlock_timeout = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("[run] lock_timeout = \"soon\""), "{err}");
        let err = parse("[migrations]\nformat = \"liquibase\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("liquibase"), "{err}");
    }

    #[test]
    fn url_precedence_and_expansion() {
        let config = parse(
            "[database]\nurl = \"postgres://app:${PGPASS}@db/${DB:-shop}\"\n\
             [targets.blue]\nurl = \"postgres://blue/${DB}\"\n",
        )
        .unwrap();
        let env = |name: &str| match name {
            "PGPASS" => Some("pw".to_string()),
            "DB" => Some("prod".to_string()),
            _ => None,
        };
        assert_eq!(
            config.database_url_with(None, None, env).unwrap(),
            "postgres://app:pw@db/prod"
        );
        assert_eq!(
            config.database_url_with(None, Some("blue"), env).unwrap(),
            "postgres://blue/prod"
        );
        assert_eq!(
            config
                .database_url_with(Some("sqlite:x.db"), Some("blue"), env)
                .unwrap(),
            "sqlite:x.db"
        );
        let with_database_url =
            |name: &str| (name == "DATABASE_URL").then(|| "mysql://root@h/db".to_string());
        assert_eq!(
            config
                .database_url_with(None, None, with_database_url)
                .unwrap(),
            "mysql://root@h/db"
        );
        let only_pass = |name: &str| (name == "PGPASS").then(|| "pw".to_string());
        assert_eq!(
            config.database_url_with(None, None, only_pass).unwrap(),
            "postgres://app:pw@db/shop"
        );
        let err = config
            .database_url_with(None, None, |_| None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[database] url: environment variable PGPASS is not set"),
            "{err}"
        );
        let err = config
            .database_url_with(None, Some("red"), env)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no target `red`; the targets are: blue"),
            "{err}"
        );
    }

    #[test]
    fn snapshots_dir_has_a_default_and_can_be_set() {
        assert_eq!(
            parse("").unwrap().snapshots_dir,
            PathBuf::from(".ratchet/snapshots")
        );
        let config = parse("[snapshots]\ndir = \"var/schema\"\n").unwrap();
        assert_eq!(config.snapshots_dir, PathBuf::from("var/schema"));
        let error = parse("[snapshots]\ndir = \"\"\n").unwrap_err().to_string();
        assert!(error.contains("[snapshots] dir is empty"), "{error}");
        let error = parse("[snapshots]\nfolder = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("folder"), "{error}");
    }
}
