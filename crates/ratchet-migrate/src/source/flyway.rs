//! Flyway's layout: versioned migrations `V<version>__<description>.sql` and their undo
//! scripts `U<version>__<description>.sql`, in the folder or its subfolders (Flyway scans
//! locations recursively). A script config file beside a script (`V1__x.sql.conf`)
//! holding `executeInTransaction=false` runs it outside a transaction.
//!
//! ratchet versions are integers, so Flyway's dotted versions (`V1.1__x.sql`) are
//! refused with a message, as are repeatable migrations (`R__x.sql`) and callbacks
//! (`beforeMigrate.sql`...), which ratchet has no equivalent for.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::Migration;
use super::files::{Collector, Role, build, list_recursive, no_marker, parse_version};
use crate::sql::Dialect;
use crate::{Error, Result};

const EXPECTED: &str = "`V<version>__<description>.sql` for versioned migrations and \
                        `U<version>__<description>.sql` for their undo scripts, <version> \
                        being digits";

/// Loads a Flyway folder.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    let mut collector = Collector::default();
    for entry in list_recursive(dir)? {
        if !entry.is_sql() {
            continue;
        }
        let (role, version, description) = classify(&entry.path, &entry.name)?;
        let version =
            parse_version(version).map_err(|message| Error::source(&entry.path, 0, message))?;
        // Flyway pairs an undo script with its migration by version alone.
        collector.add(version, &version.to_string(), description, role, entry.path)?;
    }
    collector
        .finish()?
        .into_iter()
        .map(|unit| {
            let up_conf = conf_path(&unit.up);
            let down_conf = unit.down.as_deref().map(conf_path);
            let mut migration = build(unit, dialect, &no_marker)?;
            migration.up.directives.no_transaction |= !execute_in_transaction(&up_conf)?;
            if let (Some(down), Some(conf)) = (&mut migration.down, down_conf) {
                down.directives.no_transaction |= !execute_in_transaction(&conf)?;
            }
            Ok(migration)
        })
        .collect()
}

/// True for the names Flyway gives versioned and undo migrations, dotted versions
/// included: what makes a folder a Flyway one.
pub(super) fn looks_like_flyway(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(['V', 'U']) else {
        return name.starts_with("R__") && name.ends_with(".sql");
    };
    rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains("__") && name.ends_with(".sql")
}

/// The role, version digits and description of a Flyway file name, or the reason it is
/// not one ratchet can run.
fn classify<'a>(path: &Path, name: &'a str) -> Result<(Role, &'a str, &'a str)> {
    let Some(stem) = name.strip_suffix(".sql") else {
        return Err(unexpected(path));
    };
    if stem.starts_with("R__") {
        return Err(Error::source(
            path,
            0,
            "Flyway repeatable migrations (`R__`) are not supported: they have no version, so \
             ratchet cannot order them among the others or record them once in its ledger \
             (Flyway reruns them whenever they change); make this a versioned migration \
             `V<version>__<description>.sql`, or move it out of the migrations folder",
        ));
    }
    let event = stem.split_once("__").map_or(stem, |(event, _)| event);
    if is_callback(event) {
        return Err(Error::source(
            path,
            0,
            format!(
                "`{event}` is a Flyway callback, and ratchet does not run callbacks (they hang \
                 on Flyway's own lifecycle and have no version); move this file out of the \
                 migrations folder"
            ),
        ));
    }
    let mut chars = stem.chars();
    let role = match chars.next() {
        Some('V') => Role::Up,
        Some('U') => Role::Down,
        Some('B') if chars.next().is_some_and(|c| c.is_ascii_digit()) => {
            return Err(Error::source(
                path,
                0,
                "Flyway baseline migrations (`B<version>__`) are not supported; adopt an \
                 existing database with `ratchet baseline` and keep only `V` migrations here",
            ));
        }
        _ => return Err(unexpected(path)),
    };
    let Some((version, description)) = chars.as_str().split_once("__") else {
        return Err(unexpected(path));
    };
    if description.is_empty() || version.is_empty() {
        return Err(unexpected(path));
    }
    if !version.bytes().all(|b| b.is_ascii_digit()) {
        let dotted = version
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
            && version.starts_with(|c: char| c.is_ascii_digit());
        if !dotted {
            return Err(unexpected(path));
        }
        return Err(Error::source(
            path,
            0,
            format!(
                "Flyway version `{version}` is not an integer: ratchet versions are whole \
                 numbers (stored as BIGINT), so dotted and underscored versions cannot be \
                 ordered; rename the migrations with whole-number versions that keep their \
                 order (for example 1 → 100, 1.1 → 101, 1.2 → 102)"
            ),
        ));
    }
    Ok((role, version, description))
}

fn unexpected(path: &Path) -> Error {
    super::files::unexpected_name(path, "flyway", EXPECTED)
}

/// Flyway's callback events are `before...` and `after...` in camel case (`beforeMigrate`,
/// `afterEachMigrateError`), plus `createSchema`.
fn is_callback(event: &str) -> bool {
    let after_prefix = event
        .strip_prefix("before")
        .or_else(|| event.strip_prefix("after"));
    event == "createSchema" || after_prefix.is_some_and(|rest| rest.starts_with(char::is_uppercase))
}

/// `V1__x.sql.conf` for `V1__x.sql`.
fn conf_path(script: &Path) -> PathBuf {
    let mut name = OsString::from(script.as_os_str());
    name.push(".conf");
    PathBuf::from(name)
}

/// Reads the script config file at `path`, if there is one: whether the script runs in a
/// transaction (Flyway's `executeInTransaction`, true by default).
fn execute_in_transaction(path: &Path) -> Result<bool> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut in_transaction = true;
    for (index, line) in text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            return Err(Error::source(
                path,
                line_no,
                "expected `key=value`, such as `executeInTransaction=false`",
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "executeInTransaction" => {
                in_transaction = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(Error::source(
                            path,
                            line_no,
                            format!("`executeInTransaction` is `true` or `false`, not `{value}`"),
                        ));
                    }
                };
            }
            // ratchet reads every file as UTF-8 and replaces no placeholders, which these
            // settings may only confirm.
            "encoding"
                if value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8") => {}
            "placeholderReplacement" if value.eq_ignore_ascii_case("false") => {}
            _ => {
                return Err(Error::source(
                    path,
                    line_no,
                    format!(
                        "ratchet does not support `{key}={value}` in a Flyway script config; the \
                         setting it reads is `executeInTransaction` (and `encoding=UTF-8`, \
                         `placeholderReplacement=false`, which change nothing)"
                    ),
                ));
            }
        }
    }
    Ok(in_transaction)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CREATE_A, CREATE_A_SHA256, folder, lines, source_error, versions};
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    fn load_flyway(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::Flyway), Dialect::Mysql).map(|set| set.migrations)
    }

    #[track_caller]
    fn refused(name: &str) -> String {
        let root = folder(&[("V1__ok.sql", CREATE_A), (name, CREATE_A)]);
        let (path, line, message) = source_error(load_flyway(root.path()));
        assert_eq!((path, line), (root.path().join(name), 0), "{name}");
        message
    }

    #[test]
    fn reads_versioned_and_undo_migrations() {
        let root = folder(&[
            ("V1__Create_person_table.sql", CREATE_A),
            ("U1__Drop_person_table.sql", "DROP TABLE a;\n"),
            ("V2__Add people.sql", "\nINSERT INTO a VALUES (1);\n"),
            ("V010__ten.sql", "SELECT 10;\n"),
            ("flyway.conf", "flyway.url=jdbc:h2:mem:"),
        ]);
        let migrations = load_flyway(root.path()).expect("load");
        // The description is kept as written, underscores and all.
        assert_eq!(
            versions(&migrations),
            vec![(1, "Create_person_table"), (2, "Add people"), (10, "ten")]
        );
        assert_eq!(migrations[0].checksum, CREATE_A_SHA256);
        let undo = migrations[0].down.as_ref().expect("undo");
        assert_eq!(undo.path, root.path().join("U1__Drop_person_table.sql"));
        assert_eq!(lines(&migrations[1].up), vec![2]);
        assert!(migrations[1].down.is_none());
    }

    #[test]
    fn subfolders_are_read() {
        let root = folder(&[
            ("V1__a.sql", CREATE_A),
            ("release-2/V2__b.sql", CREATE_A),
            ("release-2/undo/U2__b.sql", "DROP TABLE b;"),
        ]);
        let migrations = load_flyway(root.path()).expect("load");
        assert_eq!(versions(&migrations), vec![(1, "a"), (2, "b")]);
        assert_eq!(
            migrations[1].up.path,
            root.path().join("release-2/V2__b.sql")
        );
        assert_eq!(
            migrations[1].down.as_ref().expect("undo").path,
            root.path().join("release-2/undo/U2__b.sql")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_back_to_a_parent_folder_is_not_followed_forever() {
        let root = folder(&[("V1__a.sql", CREATE_A), ("sub/V2__b.sql", CREATE_A)]);
        std::os::unix::fs::symlink(root.path(), root.path().join("sub/loop")).expect("symlink");
        let migrations = load_flyway(root.path()).expect("load");
        assert_eq!(versions(&migrations), vec![(1, "a"), (2, "b")]);
    }

    #[test]
    fn one_version_twice_is_an_error() {
        let root = folder(&[("V1__a.sql", CREATE_A), ("V01__b.sql", CREATE_A)]);
        let (path, _, message) = source_error(load_flyway(root.path()));
        assert_eq!(path, root.path().join("V1__a.sql"));
        assert!(message.contains("V01__b.sql"), "{message}");
    }

    #[test]
    fn an_undo_without_its_migration_is_an_error() {
        let root = folder(&[("V1__a.sql", CREATE_A), ("U2__b.sql", "DROP TABLE b;")]);
        let (path, _, message) = source_error(load_flyway(root.path()));
        assert_eq!(path, root.path().join("U2__b.sql"));
        assert!(message.starts_with("this down script has no up script of version 2"));
    }

    #[test]
    fn dotted_and_underscored_versions_are_refused() {
        let expected = |version: &str| {
            format!(
                "Flyway version `{version}` is not an integer: ratchet versions are whole numbers \
                 (stored as BIGINT), so dotted and underscored versions cannot be ordered; rename \
                 the migrations with whole-number versions that keep their order (for example \
                 1 → 100, 1.1 → 101, 1.2 → 102)"
            )
        };
        assert_eq!(refused("V1.1__x.sql"), expected("1.1"));
        assert_eq!(refused("V1_1__x.sql"), expected("1_1"));
        assert_eq!(refused("V2.0.3__x.sql"), expected("2.0.3"));
    }

    #[test]
    fn repeatable_migrations_are_refused() {
        assert_eq!(
            refused("R__views.sql"),
            "Flyway repeatable migrations (`R__`) are not supported: they have no version, so \
             ratchet cannot order them among the others or record them once in its ledger \
             (Flyway reruns them whenever they change); make this a versioned migration \
             `V<version>__<description>.sql`, or move it out of the migrations folder"
        );
    }

    #[test]
    fn callbacks_are_refused_by_name() {
        assert_eq!(
            refused("beforeMigrate.sql"),
            "`beforeMigrate` is a Flyway callback, and ratchet does not run callbacks (they hang \
             on Flyway's own lifecycle and have no version); move this file out of the \
             migrations folder"
        );
        for name in [
            "afterMigrate.sql",
            "afterMigrate__refresh_views.sql",
            "beforeEachMigrateStatement.sql",
            "afterMigrateError.sql",
            "createSchema.sql",
        ] {
            assert!(refused(name).contains("is a Flyway callback"), "{name}");
        }
    }

    #[test]
    fn baseline_migrations_are_refused() {
        assert!(refused("B5__baseline.sql").starts_with("Flyway baseline migrations"));
    }

    #[test]
    fn other_names_show_the_pattern() {
        let expected = "this file name does not match the flyway layout, which expects \
                        `V<version>__<description>.sql` for versioned migrations and \
                        `U<version>__<description>.sql` for their undo scripts, <version> being \
                        digits; rename the file, or move it out of the migrations folder";
        for name in [
            "v2__lower.sql",
            "V2_single.sql",
            "V2__.sql",
            "V__x.sql",
            "V2__x.SQL",
            "Vx__x.sql",
            "after.sql",
            "before_deploy.sql",
            "seed.sql",
        ] {
            assert_eq!(refused(name), expected, "{name}");
        }
    }

    #[test]
    fn a_script_config_can_turn_the_transaction_off() {
        let root = folder(&[
            ("V1__a.sql", "CREATE INDEX CONCURRENTLY i ON a (id);"),
            (
                "V1__a.sql.conf",
                "# Flyway script config\nexecuteInTransaction=false\n",
            ),
            ("U1__a.sql", "DROP INDEX i;"),
            ("V2__b.sql", CREATE_A),
            (
                "V2__b.sql.conf",
                "encoding=UTF-8\nexecuteInTransaction = true\n",
            ),
            ("U2__b.sql", "DROP TABLE a;"),
            ("U2__b.sql.conf", "executeInTransaction:FALSE"),
        ]);
        let migrations = load_flyway(root.path()).expect("load");
        assert!(migrations[0].up.directives.no_transaction);
        assert!(
            !migrations[0]
                .down
                .as_ref()
                .expect("undo")
                .directives
                .no_transaction
        );
        assert!(!migrations[1].up.directives.no_transaction);
        assert!(
            migrations[1]
                .down
                .as_ref()
                .expect("undo")
                .directives
                .no_transaction
        );
    }

    #[test]
    fn unsupported_script_config_is_an_error_at_its_line() {
        let root = folder(&[
            ("V1__a.sql", CREATE_A),
            (
                "V1__a.sql.conf",
                "executeInTransaction=false\nshouldExecute=false\n",
            ),
        ]);
        let (path, line, message) = source_error(load_flyway(root.path()));
        assert_eq!((path, line), (root.path().join("V1__a.sql.conf"), 2));
        assert_eq!(
            message,
            "ratchet does not support `shouldExecute=false` in a Flyway script config; the \
             setting it reads is `executeInTransaction` (and `encoding=UTF-8`, \
             `placeholderReplacement=false`, which change nothing)"
        );
        let root = folder(&[
            ("V1__a.sql", CREATE_A),
            ("V1__a.sql.conf", "executeInTransaction=no"),
        ]);
        let (_, line, message) = source_error(load_flyway(root.path()));
        assert_eq!(line, 1);
        assert_eq!(
            message,
            "`executeInTransaction` is `true` or `false`, not `no`"
        );
    }

    #[test]
    fn flyway_names_are_recognised_for_detection() {
        for name in ["V1__a.sql", "V1.1__a.sql", "U3__a.sql", "R__views.sql"] {
            assert!(looks_like_flyway(name), "{name}");
        }
        for name in [
            "V1_a.sql",
            "Va__a.sql",
            "0001_a.sql",
            "V1__a.sql.conf",
            "R_x.sql",
        ] {
            assert!(!looks_like_flyway(name), "{name}");
        }
    }
}
