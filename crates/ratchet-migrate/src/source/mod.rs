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
//!
//! In every layout, hidden files and files that are not `.sql` (README.md, .gitkeep) are
//! ignored, but a `.sql` file whose name does not fit the layout is an error: a
//! misnamed migration must not be skipped silently. Versions are digits, leading zeros
//! not significant (`0001` is 1), and fit in an `i64`; two migrations with one version,
//! and a down or verify script without its up script, are errors. When no format is
//! given, [`detect_format`] picks one from the files.

mod dbmate;
mod detect;
mod diesel;
pub mod directive;
mod files;
mod flyway;
mod golang_migrate;
mod native;
mod sqlx;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sql::{Dialect, Statement};
use crate::{Error, Result};

pub use detect::detect_format;
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
        let text = read_text(path)?;
        Script::parse(path, &text, 1, dialect)
    }

    /// Parses a script from `text`, which starts at line `first_line` of `path`.
    pub fn parse(path: &Path, text: &str, first_line: u32, dialect: Dialect) -> Result<Script> {
        let directives = Directives::parse(path, text, first_line)?;
        // Editors on Windows may save a byte-order mark; it is not SQL.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let offset = first_line.saturating_sub(1);
        let mut statements = crate::sql::split(text, dialect)
            .map_err(|e| Error::source(path, e.line.saturating_add(offset), e.message.clone()))?;
        for statement in &mut statements {
            statement.line = statement.line.saturating_add(offset);
        }
        Ok(Script {
            path: path.to_path_buf(),
            statements,
            directives,
        })
    }
}

/// Versions below this are sequential (0001, 0002...); above, timestamps.
const SEQUENTIAL_LIMIT: i64 = 1_000_000_000;

/// The version for a new migration: the next number in a sequential folder, else the UTC
/// time (`YYYYMMDDHHMMSS`); always above every existing version.
pub fn next_version(existing: impl IntoIterator<Item = i64>) -> i64 {
    let max = existing.into_iter().max();
    if let Some(max) = max
        && max < SEQUENTIAL_LIMIT
    {
        return max + 1;
    }
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let digits: String = now.chars().filter(char::is_ascii_digit).collect();
    let version: i64 = digits.parse().unwrap_or(0);
    match max {
        Some(max) if version <= max => max + 1,
        _ => version,
    }
}

/// A version as file names write it in `format`: `0004`, `20261101090000`, or diesel's
/// `2026-11-01-090000`.
pub fn version_text(version: i64, format: SourceFormat) -> String {
    if version < SEQUENTIAL_LIMIT {
        return format!("{version:04}");
    }
    if format == SourceFormat::Diesel {
        let d = format!("{version:014}");
        return format!("{}-{}-{}-{}", &d[..4], &d[4..6], &d[6..8], &d[8..]);
    }
    version.to_string()
}

/// A migration name as a file-name-safe slug (`Add priority!` → `add_priority`); `None`
/// when it has no letters or digits.
pub fn slug(name: &str) -> Option<String> {
    let slug = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    (!slug.is_empty()).then_some(slug)
}

/// Loads a migrations folder in `format`, or in the format [`detect_format`] finds when
/// `format` is `None`.
pub fn load(dir: &Path, format: Option<SourceFormat>, dialect: Dialect) -> Result<MigrationSet> {
    check_dir(dir)?;
    let format = match format {
        Some(format) => format,
        None => detect_format(dir)?,
    };
    let migrations = match format {
        SourceFormat::Native => native::load(dir, dialect)?,
        SourceFormat::Sqlx => sqlx::load(dir, dialect)?,
        SourceFormat::Diesel => diesel::load(dir, dialect)?,
        SourceFormat::Dbmate => dbmate::load(dir, dialect)?,
        SourceFormat::Flyway => flyway::load(dir, dialect)?,
        SourceFormat::GolangMigrate => golang_migrate::load(dir, dialect)?,
    };
    Ok(MigrationSet {
        dir: dir.to_path_buf(),
        format,
        migrations,
    })
}

/// The hex SHA-256 of `bytes`: a migration's checksum is this of the file holding its up
/// script.
pub fn checksum(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Reads a file that must be UTF-8 text.
fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::source(
            path,
            0,
            format!(
                "not valid UTF-8 (first bad byte at offset {}); save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The migrations folder must exist before anything is read from it.
fn check_dir(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(Error::source(
            dir,
            0,
            "this is a file, not a folder; set `dir` in the `[migrations]` section of \
             ratchet.toml to the migrations folder",
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::source(
            dir,
            0,
            "the migrations folder does not exist; run `ratchet init` to create it, or set \
             `dir` in the `[migrations]` section of ratchet.toml to where the migrations are",
        )),
        Err(e) => Err(Error::io(dir, e)),
    }
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::testing::{CREATE_A, CREATE_A_SHA256, folder, source_error, write};
    use super::*;

    #[test]
    fn new_versions_follow_the_folder_style() {
        assert_eq!(next_version([1, 2, 3]), 4);
        assert_eq!(version_text(4, SourceFormat::Native), "0004");
        let v = next_version([]);
        assert!(v > 20_260_000_000_000, "{v}");
        assert_eq!(next_version([99_990_101_000_000]), 99_990_101_000_001);
        assert_eq!(
            version_text(20_190_226_002_946, SourceFormat::Diesel),
            "2019-02-26-002946"
        );
        assert_eq!(slug("Add priority!").as_deref(), Some("add_priority"));
        assert_eq!(slug("!!!"), None);
    }

    #[test]
    fn a_missing_folder_says_to_run_init_or_set_the_dir() {
        let root = folder(&[]);
        let dir = root.path().join("migrations");
        let (path, line, message) = source_error(load(&dir, None, Dialect::Postgres));
        assert_eq!((path, line), (dir.clone(), 0));
        assert_eq!(
            message,
            "the migrations folder does not exist; run `ratchet init` to create it, or set `dir` \
             in the `[migrations]` section of ratchet.toml to where the migrations are"
        );
        // An explicit format does not skip the check.
        let (path, _, _) = source_error(load(&dir, Some(SourceFormat::Flyway), Dialect::Mysql));
        assert_eq!(path, dir);
    }

    #[test]
    fn a_file_in_place_of_the_folder_is_an_error() {
        let root = folder(&[("migrations", "")]);
        let dir = root.path().join("migrations");
        let (path, line, message) = source_error(load(&dir, None, Dialect::Sqlite));
        assert_eq!((path, line), (dir, 0));
        assert!(
            message.starts_with("this is a file, not a folder"),
            "{message}"
        );
    }

    #[test]
    fn an_empty_folder_is_native_with_no_migrations() {
        let root = folder(&[("README.md", "# migrations"), (".gitkeep", "")]);
        let set = load(root.path(), None, Dialect::Postgres).expect("load");
        assert_eq!(set.format, SourceFormat::Native);
        assert_eq!(set.dir, root.path());
        assert!(set.migrations.is_empty());
    }

    #[test]
    fn checksum_is_hex_sha256() {
        assert_eq!(
            checksum(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(checksum(CREATE_A.as_bytes()), CREATE_A_SHA256);
    }

    #[test]
    fn checksum_covers_the_bytes_as_written() {
        // CRLF and LF files differ: the checksum never normalises line endings.
        assert_ne!(checksum(b"SELECT 1;\r\n"), checksum(b"SELECT 1;\n"),);
    }

    #[test]
    fn get_finds_a_migration_by_version() {
        let root = folder(&[("0001_a.up.sql", CREATE_A), ("0003_c.up.sql", CREATE_A)]);
        let set = load(root.path(), None, Dialect::Postgres).expect("load");
        assert_eq!(set.get(3).map(|m| m.name.as_str()), Some("c"));
        assert!(set.get(2).is_none());
    }

    #[test]
    fn parse_offsets_statement_lines_by_first_line() {
        let path = Path::new("m.sql");
        let script =
            Script::parse(path, "SELECT 1;\n\nSELECT 2;\n", 10, Dialect::Postgres).expect("parse");
        assert_eq!(super::testing::lines(&script), vec![10, 12]);
        assert_eq!(script.path, path);
    }

    #[test]
    fn parse_reports_directive_errors_at_the_file_line() {
        let text = "-- ratchet:nope\nSELECT 1;\n";
        let (path, line, _) = source_error(Script::parse(
            Path::new("m.sql"),
            text,
            7,
            Dialect::Postgres,
        ));
        assert_eq!((path, line), (PathBuf::from("m.sql"), 7));
    }

    #[test]
    fn a_byte_order_mark_is_not_sql() {
        let text = "\u{feff}-- ratchet:no-transaction\nSELECT 1;\n";
        let script = Script::parse(Path::new("m.sql"), text, 1, Dialect::Postgres).expect("parse");
        assert!(script.directives.no_transaction);
        assert!(!script.statements[0].sql.contains('\u{feff}'));
    }

    #[test]
    fn from_file_refuses_a_file_that_is_not_utf8() {
        let root = folder(&[]);
        write(root.path(), "bad.sql", b"SELECT 'caf\xe9';\n");
        let path = root.path().join("bad.sql");
        let (at, line, message) = source_error(Script::from_file(&path, Dialect::Mysql));
        assert_eq!((at, line), (path, 0));
        assert_eq!(
            message,
            "not valid UTF-8 (first bad byte at offset 11); save the file as UTF-8"
        );
    }

    #[test]
    fn script_paths_are_the_folder_joined_to_the_file() {
        let root = folder(&[("0001_a.up.sql", CREATE_A)]);
        let set = load(root.path(), None, Dialect::Postgres).expect("load");
        assert_eq!(set.migrations[0].up.path, root.path().join("0001_a.up.sql"));
        // So a relative folder gives relative paths, printed as `migrations/0001_a.up.sql`.
        assert_eq!(
            Path::new("migrations").join("0001_a.up.sql"),
            PathBuf::from("migrations/0001_a.up.sql")
        );
    }

    #[test]
    fn format_names_round_trip() {
        for format in SourceFormat::ALL {
            assert_eq!(format.name().parse::<SourceFormat>(), Ok(format));
        }
        assert!("liquibase".parse::<SourceFormat>().is_err());
    }
}
