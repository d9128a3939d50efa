//! What the formats share: listing a folder, reading `<version>_<name>`, and pairing the
//! up, down and verify files of one version into a migration.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry as MapEntry;
use std::path::{Path, PathBuf};

use super::{Migration, Script, checksum, read_text};
use crate::sql::Dialect;
use crate::{Error, Result};

/// One entry of a migrations folder.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The file or folder name.
    pub name: String,
    /// `dir.join(name)`: relative when the folder was given relative.
    pub path: PathBuf,
    /// A folder (or a link to one).
    pub is_dir: bool,
}

impl Entry {
    /// A `.sql` file in any letter case: the files ratchet must not skip silently. A
    /// `0001_x.up.SQL` counts, so that it is reported instead of vanishing.
    pub fn is_sql(&self) -> bool {
        !self.is_dir && self.name.to_ascii_lowercase().ends_with(".sql")
    }
}

/// The entries of `dir` sorted by name, hidden ones (`.gitkeep`, `.DS_Store`) left out.
/// Sorting makes errors and detection independent of the file system's order.
pub(super) fn list(dir: &Path) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let item = item.map_err(|e| Error::io(dir, e))?;
        let path = dir.join(item.file_name());
        let Some(name) = item.file_name().to_str().map(str::to_owned) else {
            if item
                .file_name()
                .to_string_lossy()
                .to_ascii_lowercase()
                .ends_with(".sql")
            {
                return Err(Error::source(
                    path,
                    0,
                    "the file name is not valid UTF-8; rename it with a UTF-8 name",
                ));
            }
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let file_type = item.file_type().map_err(|e| Error::io(&path, e))?;
        // A broken link is taken for a file: reading it then reports the real problem.
        let is_dir = file_type.is_dir()
            || (file_type.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_dir()));
        entries.push(Entry { name, path, is_dir });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// The entries of `dir` and of its subfolders, depth first, in name order. Folders are
/// not returned themselves.
pub(super) fn list_recursive(dir: &Path) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    walk(dir, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// `seen` holds the real paths of the folders being walked, so that a link back to one of
/// them ends the walk there instead of looping forever.
fn walk(dir: &Path, seen: &mut Vec<PathBuf>, out: &mut Vec<Entry>) -> Result<()> {
    let real = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    if seen.contains(&real) {
        return Ok(());
    }
    seen.push(real);
    for entry in list(dir)? {
        if entry.is_dir {
            walk(&entry.path, seen, out)?;
        } else {
            out.push(entry);
        }
    }
    seen.pop();
    Ok(())
}

/// The largest version, for messages.
const MAX_VERSION: i64 = i64::MAX;

/// Reads a version: ASCII digits, leading zeros not significant, at most `i64::MAX`.
/// The error is a message to put after the file or directive at fault.
pub(super) fn parse_version(text: &str) -> std::result::Result<i64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{text}` is not a version: versions are digits, such as 20261101090000"
        ));
    }
    text.parse::<i64>().map_err(|_| {
        format!(
            "version `{text}` is too large: ratchet versions are 64-bit integers, at most \
             {MAX_VERSION}; renumber the migration"
        )
    })
}

/// Splits `<version>_<name>` into its digits and its name, both non-empty. `None` when
/// `stem` has another shape.
pub(super) fn split_version_name(stem: &str) -> Option<(&str, &str)> {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let (version, rest) = stem.split_at(digits);
    let name = rest.strip_prefix('_')?;
    (!version.is_empty() && !name.is_empty()).then_some((version, name))
}

/// The error for a `.sql` file whose name is not one of the format's: `expected`
/// describes the names the format accepts.
pub(super) fn unexpected_name(path: &Path, format: &str, expected: &str) -> Error {
    Error::source(
        path,
        0,
        format!(
            "this file name does not match the {format} layout, which expects {expected}; \
             rename the file, or move it out of the migrations folder"
        ),
    )
}

/// What a file is to its migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The forward script.
    Up,
    /// The rollback script.
    Down,
    /// The checks run after up.
    Verify,
}

impl Role {
    fn noun(self) -> &'static str {
        match self {
            Role::Up => "up script",
            Role::Down => "down script",
            Role::Verify => "verify script",
        }
    }
}

/// The files of one version, pairing in progress.
#[derive(Debug)]
struct Slot {
    /// What the files of one migration must share (`0001_add` for `0001_add.up.sql`).
    key: String,
    /// The file that opened the slot, so that there always is one to name.
    first: PathBuf,
    name: Option<String>,
    up: Option<PathBuf>,
    down: Option<PathBuf>,
    verify: Option<PathBuf>,
}

impl Slot {
    fn role_mut(&mut self, role: Role) -> &mut Option<PathBuf> {
        match role {
            Role::Up => &mut self.up,
            Role::Down => &mut self.down,
            Role::Verify => &mut self.verify,
        }
    }

    fn any_path(&self) -> &Path {
        self.up.as_deref().unwrap_or(&self.first)
    }
}

/// The files of one migration, paired.
#[derive(Debug)]
pub(super) struct Unit {
    pub version: i64,
    pub name: String,
    pub up: PathBuf,
    pub down: Option<PathBuf>,
    pub verify: Option<PathBuf>,
}

/// Pairs files by version, refusing two migrations with one version and scripts whose up
/// script is missing.
#[derive(Debug, Default)]
pub(super) struct Collector {
    slots: BTreeMap<i64, Slot>,
}

impl Collector {
    /// Adds `path`, the `role` script of `version`. `key` is what the files of one
    /// migration share; a second file of the version with another key belongs to another
    /// migration, which may not have the same version. `name` counts for up scripts.
    pub fn add(
        &mut self,
        version: i64,
        key: &str,
        name: &str,
        role: Role,
        path: PathBuf,
    ) -> Result<()> {
        let slot = match self.slots.entry(version) {
            MapEntry::Vacant(vacant) => vacant.insert(Slot {
                key: key.to_owned(),
                first: path.clone(),
                name: None,
                up: None,
                down: None,
                verify: None,
            }),
            MapEntry::Occupied(occupied) => {
                let slot = occupied.into_mut();
                if let Some(other) = slot.role_mut(role).as_ref() {
                    return Err(duplicate(&path, version, other));
                }
                if slot.key != key {
                    return Err(duplicate(&path, version, slot.any_path()));
                }
                slot
            }
        };
        if role == Role::Up {
            slot.name = Some(name.to_owned());
        }
        *slot.role_mut(role) = Some(path);
        Ok(())
    }

    /// The migrations, in version order.
    pub fn finish(self) -> Result<Vec<Unit>> {
        self.slots
            .into_iter()
            .map(|(version, slot)| {
                let Some(up) = slot.up else {
                    let (role, path) = slot
                        .down
                        .map(|down| (Role::Down, down))
                        .or(slot.verify.map(|verify| (Role::Verify, verify)))
                        .unwrap_or((Role::Up, slot.first));
                    return Err(Error::source(
                        path,
                        0,
                        format!(
                            "this {} has no up script of version {version} beside it; add the \
                             up script, or delete this file",
                            role.noun()
                        ),
                    ));
                };
                Ok(Unit {
                    version,
                    name: slot.name.unwrap_or_default(),
                    up,
                    down: slot.down,
                    verify: slot.verify,
                })
            })
            .collect()
    }
}

fn duplicate(path: &Path, version: i64, other: &Path) -> Error {
    Error::source(
        path,
        0,
        format!(
            "version {version} is also used by {}; each migration needs its own version (the \
             files of one migration share their `<version>_<name>`): renumber or rename one of \
             them",
            other.display()
        ),
    )
}

/// Reads the scripts of `unit`. `tool_no_transaction` says whether a script's text
/// carries the source tool's own "no transaction" marker.
pub(super) fn build(
    unit: Unit,
    dialect: Dialect,
    tool_no_transaction: &dyn Fn(&str) -> bool,
) -> Result<Migration> {
    let up_text = read_text(&unit.up)?;
    let checksum = checksum(up_text.as_bytes());
    let up = script(&unit.up, &up_text, dialect, tool_no_transaction)?;
    let down = unit
        .down
        .map(|path| {
            let text = read_text(&path)?;
            script(&path, &text, dialect, tool_no_transaction)
        })
        .transpose()?;
    let verify = unit
        .verify
        .map(|path| Script::from_file(&path, dialect))
        .transpose()?;
    Ok(Migration {
        version: unit.version,
        name: unit.name,
        up,
        down,
        verify,
        checksum,
    })
}

fn script(
    path: &Path,
    text: &str,
    dialect: Dialect,
    tool_no_transaction: &dyn Fn(&str) -> bool,
) -> Result<Script> {
    let mut script = Script::parse(path, text, 1, dialect)?;
    script.directives.no_transaction |= tool_no_transaction(text);
    Ok(script)
}

/// For formats without a "no transaction" marker of their own.
pub(super) fn no_marker(_: &str) -> bool {
    false
}

/// The part of a file name after `<version>_<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Suffix {
    /// `.up.sql`
    Up,
    /// `.down.sql`
    Down,
    /// `.verify.sql`
    Verify,
    /// `.sql` alone
    Plain,
}

/// Splits `0001_add.up.sql` into `0001_add` and [`Suffix::Up`], and a dialect variant
/// `0001_add.down.mysql.sql` into `0001_add`, [`Suffix::Down`] and MySQL. `None` unless the
/// name ends in `.sql` written in lower case.
pub(super) fn split_suffix(name: &str) -> Option<(&str, Suffix, Option<Dialect>)> {
    let stem = name.strip_suffix(".sql")?;
    let (stem, dialect) = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite]
        .into_iter()
        .find_map(|d| {
            let tagged = stem.strip_suffix(d.name())?.strip_suffix('.')?;
            // Only a role suffix before the tag makes it a variant: `0001_x.mysql.sql`
            // is a migration named `x.mysql`, read as the layout says.
            [".up", ".down", ".verify"]
                .iter()
                .any(|role| tagged.ends_with(role))
                .then_some((tagged, Some(d)))
        })
        .unwrap_or((stem, None));
    let (stem, suffix) = if let Some(stem) = stem.strip_suffix(".up") {
        (stem, Suffix::Up)
    } else if let Some(stem) = stem.strip_suffix(".down") {
        (stem, Suffix::Down)
    } else if let Some(stem) = stem.strip_suffix(".verify") {
        (stem, Suffix::Verify)
    } else {
        (stem, Suffix::Plain)
    };
    Some((stem, suffix, dialect))
}

/// How a layout of single files named `<version>_<name><suffix>` reads its folder.
pub(super) struct SuffixedLayout<'a> {
    /// The format's name, for messages.
    pub format: &'a str,
    /// The names the format accepts, for messages.
    pub expected: &'a str,
    /// The role of a file with this suffix, `None` when the format has no such files.
    pub role: fn(Suffix) -> Option<Role>,
    /// The source tool's own "no transaction" marker.
    pub no_transaction: fn(&str) -> bool,
    /// Whether `<version>_<name>.<role>.<dialect>.sql` files replace the plain file of that
    /// role on that dialect (ratchet's own layout: a portable migration whose down file
    /// needs MySQL's `DROP INDEX ... ON`, say).
    pub dialect_variants: bool,
}

impl SuffixedLayout<'_> {
    /// Loads the `.sql` files directly in `dir`; subfolders are not read.
    pub fn load(&self, dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
        let mut files = Vec::new();
        for entry in list(dir)? {
            if !entry.is_sql() {
                continue;
            }
            let parsed = split_suffix(&entry.name).and_then(|(stem, suffix, variant)| {
                let role = (self.role)(suffix)?;
                let (version, name) = split_version_name(stem)?;
                (variant.is_none() || self.dialect_variants).then(|| {
                    (
                        stem.to_owned(),
                        version.to_owned(),
                        name.to_owned(),
                        role,
                        variant,
                    )
                })
            });
            let Some((stem, version, name, role, variant)) = parsed else {
                return Err(unexpected_name(&entry.path, self.format, self.expected));
            };
            let version = parse_version(&version)
                .map_err(|message| Error::source(&entry.path, 0, message))?;
            files.push((entry.path, stem, version, name, role, variant));
        }
        // A variant for this dialect replaces the plain file; other dialects' are not ours.
        let replaced: Vec<(String, Role)> = files
            .iter()
            .filter(|f| f.5 == Some(dialect))
            .map(|f| (f.1.clone(), f.4))
            .collect();
        let mut collector = Collector::default();
        for (path, stem, version, name, role, variant) in files {
            let keep = match variant {
                Some(d) => d == dialect,
                None => !replaced.contains(&(stem.clone(), role)),
            };
            if keep {
                collector.add(version, &stem, &name, role, path)?;
            }
        }
        collector
            .finish()?
            .into_iter()
            .map(|unit| build(unit, dialect, &self.no_transaction))
            .collect()
    }
}
