//! Migration files: ratchet's own layout and other tools' layouts, read as they are.
//!
//! | format | files |
//! |---|---|
//! | `native` | `<version>_<name>.up.sql`, optional `.down.sql` and `.verify.sql` |
//! | `sqlx` | `<version>_<name>.sql`, or `.up.sql` / `.down.sql`; `-- no-transaction` |
//! | `diesel` | `<version>_<name>/up.sql`, `down.sql`; `2019-02-26-002946` is version 20190226002946 |
//! | `dbmate` | `<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` sections |
//! | `flyway` | `V<version>__<name>.sql`, undo `U<version>__<name>.sql` |
//! | `golang-migrate` | `<version>_<name>.up.sql` / `.down.sql` |
//!
//! The checksum of a migration is the SHA-256 of the bytes of the file that holds its up
//! script (the whole file for dbmate, whose one file holds both directions). It never
//! depends on line endings being normalised or on the statements ratchet found.

pub mod directive;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::sql::{Dialect, Statement};
use crate::{Error, Result};

pub use directive::{Allow, Backfill, BatchSize, Directives, Phase};

/// A layout of migration files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// ratchet's own: `<version>_<name>.up.sql|.down.sql|.verify.sql`.
    Native,
    /// sqlx-cli: `<version>_<name>.sql` or reversible `.up.sql` / `.down.sql`.
    Sqlx,
    /// diesel: one folder per migration holding `up.sql` and `down.sql`.
    Diesel,
    /// dbmate: one file with `-- migrate:up` and `-- migrate:down` sections.
    Dbmate,
    /// Flyway: `V<version>__<name>.sql` and undo files `U<version>__<name>.sql`.
    Flyway,
    /// golang-migrate: `<version>_<name>.up.sql` and `.down.sql`.
    GolangMigrate,
}

impl SourceFormat {
    /// All formats, in the order auto-detection prefers them.
    pub const ALL: [SourceFormat; 6] = [
        SourceFormat::Native,
        SourceFormat::Sqlx,
        SourceFormat::Diesel,
        SourceFormat::Dbmate,
        SourceFormat::Flyway,
        SourceFormat::GolangMigrate,
    ];

    /// The format's name as written in ratchet.toml.
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Native => "native",
            SourceFormat::Sqlx => "sqlx",
            SourceFormat::Diesel => "diesel",
            SourceFormat::Dbmate => "dbmate",
            SourceFormat::Flyway => "flyway",
            SourceFormat::GolangMigrate => "golang-migrate",
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SourceFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown migration format `{s}`: use one of native, sqlx, diesel, dbmate, \
                     flyway, golang-migrate"
                )
            })
    }
}

/// A migration folder, loaded: every migration in version order.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    /// The folder the migrations came from.
    pub dir: PathBuf,
    /// The layout the files are in.
    pub format: SourceFormat,
    /// The migrations, sorted by version, versions unique.
    pub migrations: Vec<Migration>,
}

impl MigrationSet {
    /// The migration with this version.
    pub fn get(&self, version: i64) -> Option<&Migration> {
        self.migrations
            .binary_search_by_key(&version, |m| m.version)
            .ok()
            .map(|i| &self.migrations[i])
    }
}

/// One migration: its up script and, optionally, its down and verify scripts.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The version, ordering migrations. Leading zeros in file names are not significant.
    pub version: i64,
    /// The descriptive part of the name (`add_priority`).
    pub name: String,
    /// The forward script.
    pub up: Script,
    /// The rollback script, when the migration is reversible.
    pub down: Option<Script>,
    /// Checks that must return no rows (or a single 0) after `up`.
    pub verify: Option<Script>,
    /// Hex SHA-256 of the bytes of the file holding `up` (see the module docs).
    pub checksum: String,
}

/// One SQL script: a whole file, or a section of one (dbmate).
#[derive(Debug, Clone)]
pub struct Script {
    /// The file, as found under the migrations folder (joined to it).
    pub path: PathBuf,
    /// The script's statements; their lines are lines of `path`.
    pub statements: Vec<Statement>,
    /// The `-- ratchet:` directives (and the source tool's own, translated) at its top.
    pub directives: Directives,
}

impl Script {
    /// Reads one SQL file on its own (for `lint` on loose files).
    pub fn from_file(path: &Path, dialect: Dialect) -> Result<Script> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::source(
                path,
                0,
                format!(
                    "not valid UTF-8 (first bad byte at offset {}); save the file as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Script::parse(path, &text, 1, dialect)
    }

    /// Parses a script from `text`, which starts at line `first_line` of `path`.
    pub fn parse(path: &Path, text: &str, first_line: u32, dialect: Dialect) -> Result<Script> {
        let directives = Directives::parse(path, text, first_line)?;
        let mut statements = crate::sql::split(text, dialect)
            .map_err(|e| Error::source(path, e.line + first_line - 1, e.message.clone()))?;
        for statement in &mut statements {
            statement.line += first_line - 1;
        }
        Ok(Script {
            path: path.to_path_buf(),
            statements,
            directives,
        })
    }
}

/// Loads a migrations folder in `format`, or in the format detected from its files.
pub fn load(dir: &Path, format: Option<SourceFormat>, dialect: Dialect) -> Result<MigrationSet> {
    let _ = (dir, format, dialect);
    Err(Error::Usage("source loading is not written yet".into()))
}

/// Detects the layout of a migrations folder. (Placeholder until the loaders land.)
pub fn detect_format(dir: &Path) -> Result<SourceFormat> {
    let _ = dir;
    Ok(SourceFormat::Native)
}
