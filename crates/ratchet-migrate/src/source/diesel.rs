//! diesel's layout: one folder per migration, `<version>_<name>/up.sql` and optional
//! `down.sql`. diesel removes the dashes of the version, so the folder
//! `2019-02-26-002946_create_users` is version 20190226002946, and its own setup
//! migration `00000000000000_diesel_initial_setup` is version 0. A `metadata.toml` holding
//! `run_in_transaction = false` runs both scripts outside a transaction.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::Migration;
use super::files::{Collector, Role, build, list, no_marker, parse_version, unexpected_name};
use crate::sql::Dialect;
use crate::{Error, Result};

const EXPECTED_DIR: &str = "migration folders named `<version>_<name>` (such as \
                            `2019-02-26-002946_create_users`) holding `up.sql` and an optional \
                            `down.sql`";

/// Loads a diesel folder.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    let mut collector = Collector::default();
    let mut no_transaction = BTreeMap::new();
    for entry in list(dir)? {
        if !entry.is_dir {
            if entry.is_sql() {
                return Err(unexpected_name(&entry.path, "diesel", EXPECTED_DIR));
            }
            continue;
        }
        let files = list(&entry.path)?;
        let Some((version, name)) = split_dir_name(&entry.name) else {
            // Folders that hold no migration files (`schema`, an editor's folder) are not
            // migrations; one that holds SQL is a misnamed migration.
            if let Some(sql) = files.iter().find(|f| f.is_sql()) {
                return Err(unexpected_name(&sql.path, "diesel", EXPECTED_DIR));
            }
            continue;
        };
        let version =
            parse_version(&version).map_err(|message| Error::source(&entry.path, 0, message))?;
        let mut has_script = false;
        for file in files {
            let role = match file.name.as_str() {
                "up.sql" => Role::Up,
                "down.sql" => Role::Down,
                "metadata.toml" => {
                    if !read_metadata(&file.path)? {
                        no_transaction.insert(version, true);
                    }
                    continue;
                }
                _ if file.is_sql() => {
                    return Err(unexpected_name(
                        &file.path,
                        "diesel",
                        "`up.sql` and an optional `down.sql` in each migration folder",
                    ));
                }
                _ => continue,
            };
            has_script = true;
            collector.add(version, &entry.name, name, role, file.path)?;
        }
        if !has_script {
            return Err(Error::source(
                &entry.path,
                0,
                "this migration folder has no `up.sql`; add one, or delete the folder",
            ));
        }
    }
    collector
        .finish()?
        .into_iter()
        .map(|unit| {
            let flag = no_transaction.get(&unit.version).copied().unwrap_or(false);
            let mut migration = build(unit, dialect, &no_marker)?;
            migration.up.directives.no_transaction |= flag;
            if let Some(down) = &mut migration.down {
                down.directives.no_transaction |= flag;
            }
            Ok(migration)
        })
        .collect()
}

/// Splits `2019-02-26-002946_create_users` into version digits `20190226002946` and name
/// `create_users`, as diesel does: the version is everything before the first `_`, its
/// dashes removed.
fn split_dir_name(dir_name: &str) -> Option<(String, &str)> {
    let (version, name) = dir_name.split_once('_')?;
    let starts_with_digit = version.bytes().next().is_some_and(|b| b.is_ascii_digit());
    let digits_and_dashes = version.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    (starts_with_digit && digits_and_dashes && !name.is_empty())
        .then(|| (version.replace('-', ""), name))
}

#[derive(Deserialize)]
struct Metadata {
    // diesel's default: run in a transaction.
    #[serde(default = "yes")]
    run_in_transaction: bool,
}

fn yes() -> bool {
    true
}

/// Reads `metadata.toml`: whether the migration runs in a transaction.
fn read_metadata(path: &Path) -> Result<bool> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let metadata: Metadata = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| before.matches('\n').count() + 1)
            .and_then(|line| u32::try_from(line).ok())
            .unwrap_or(0);
        Error::source(
            path,
            line,
            format!(
                "not a valid diesel metadata.toml ({}); write `run_in_transaction = false` \
                 or remove the file",
                e.message()
            ),
        )
    })?;
    Ok(metadata.run_in_transaction)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CREATE_A, CREATE_A_SHA256, folder, lines, source_error, versions};
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    fn load_diesel(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::Diesel), Dialect::Postgres).map(|set| set.migrations)
    }

    #[test]
    fn reads_migration_folders() {
        let root = folder(&[
            ("00000000000000_diesel_initial_setup/up.sql", "SELECT 1;\n"),
            (
                "00000000000000_diesel_initial_setup/down.sql",
                "SELECT 2;\n",
            ),
            ("2019-02-26-002946_create_a/up.sql", CREATE_A),
            ("2019-02-26-002946_create_a/down.sql", "\nDROP TABLE a;\n"),
            ("2019-03-01-120000_no_down/up.sql", "SELECT 3;\n"),
            ("2019-03-01-120000_no_down/README.md", "notes"),
            (".diesel_lock", ""),
            ("schema/notes.txt", "not a migration"),
        ]);
        let migrations = load_diesel(root.path()).expect("load");
        assert_eq!(
            versions(&migrations),
            vec![
                (0, "diesel_initial_setup"),
                (20190226002946, "create_a"),
                (20190301120000, "no_down")
            ]
        );
        let create = &migrations[1];
        assert_eq!(create.checksum, CREATE_A_SHA256);
        assert_eq!(
            create.up.path,
            root.path().join("2019-02-26-002946_create_a/up.sql")
        );
        let down = create.down.as_ref().expect("down");
        assert_eq!(
            down.path,
            root.path().join("2019-02-26-002946_create_a/down.sql")
        );
        assert_eq!(lines(down), vec![2]);
        assert!(migrations[2].down.is_none());
        assert!(migrations.iter().all(|m| !m.up.directives.no_transaction));
    }

    #[test]
    fn plain_digit_versions_are_read_too() {
        let root = folder(&[("20190226002946_a/up.sql", CREATE_A)]);
        assert_eq!(
            load_diesel(root.path()).expect("load")[0].version,
            20190226002946
        );
    }

    #[test]
    fn metadata_can_turn_the_transaction_off() {
        let root = folder(&[
            (
                "2019-02-26-002946_a/up.sql",
                "CREATE INDEX CONCURRENTLY i ON a (id);\n",
            ),
            (
                "2019-02-26-002946_a/down.sql",
                "DROP INDEX CONCURRENTLY i;\n",
            ),
            (
                "2019-02-26-002946_a/metadata.toml",
                "run_in_transaction = false\n",
            ),
            ("2019-02-27-000000_b/up.sql", CREATE_A),
            (
                "2019-02-27-000000_b/metadata.toml",
                "run_in_transaction = true\n",
            ),
            ("2019-02-28-000000_c/up.sql", CREATE_A),
            ("2019-02-28-000000_c/metadata.toml", "# nothing set\n"),
        ]);
        let migrations = load_diesel(root.path()).expect("load");
        assert!(migrations[0].up.directives.no_transaction);
        assert!(
            migrations[0]
                .down
                .as_ref()
                .expect("down")
                .directives
                .no_transaction
        );
        assert!(!migrations[1].up.directives.no_transaction);
        assert!(!migrations[2].up.directives.no_transaction);
    }

    #[test]
    fn bad_metadata_is_an_error_at_its_line() {
        let root = folder(&[
            ("2019-02-26-002946_a/up.sql", CREATE_A),
            (
                "2019-02-26-002946_a/metadata.toml",
                "# settings\nrun_in_transaction = \"no\"\n",
            ),
        ]);
        let (path, line, message) = source_error(load_diesel(root.path()));
        assert_eq!(
            (path, line),
            (root.path().join("2019-02-26-002946_a/metadata.toml"), 2)
        );
        assert!(
            message.starts_with("not a valid diesel metadata.toml ("),
            "{message}"
        );
        assert!(message.ends_with("write `run_in_transaction = false` or remove the file"));
    }

    #[test]
    fn a_sql_file_outside_a_folder_is_an_error() {
        let root = folder(&[
            ("2019-02-26-002946_a/up.sql", CREATE_A),
            ("seed.sql", CREATE_A),
        ]);
        let (path, line, message) = source_error(load_diesel(root.path()));
        assert_eq!((path, line), (root.path().join("seed.sql"), 0));
        assert_eq!(
            message,
            "this file name does not match the diesel layout, which expects migration folders \
             named `<version>_<name>` (such as `2019-02-26-002946_create_users`) holding \
             `up.sql` and an optional `down.sql`; rename the file, or move it out of the \
             migrations folder"
        );
    }

    #[test]
    fn a_misnamed_folder_holding_sql_is_an_error() {
        let root = folder(&[("create_a/up.sql", CREATE_A)]);
        let (path, _, message) = source_error(load_diesel(root.path()));
        assert_eq!(path, root.path().join("create_a/up.sql"));
        assert!(message.contains("diesel layout"), "{message}");
    }

    #[test]
    fn another_sql_file_in_a_folder_is_an_error() {
        let root = folder(&[
            ("2019-02-26-002946_a/up.sql", CREATE_A),
            ("2019-02-26-002946_a/up_postgres.sql", CREATE_A),
        ]);
        let (path, _, message) = source_error(load_diesel(root.path()));
        assert_eq!(
            path,
            root.path().join("2019-02-26-002946_a/up_postgres.sql")
        );
        assert!(
            message.contains("`up.sql` and an optional `down.sql` in each migration folder"),
            "{message}"
        );
    }

    #[test]
    fn a_folder_without_scripts_is_an_error() {
        let root = folder(&[("2019-02-26-002946_a/metadata.toml", "")]);
        let (path, line, message) = source_error(load_diesel(root.path()));
        assert_eq!((path, line), (root.path().join("2019-02-26-002946_a"), 0));
        assert_eq!(
            message,
            "this migration folder has no `up.sql`; add one, or delete the folder"
        );
    }

    #[test]
    fn a_folder_with_only_down_sql_is_an_error() {
        let root = folder(&[("2019-02-26-002946_a/down.sql", "DROP TABLE a;")]);
        let (path, _, message) = source_error(load_diesel(root.path()));
        assert_eq!(path, root.path().join("2019-02-26-002946_a/down.sql"));
        assert!(
            message.starts_with("this down script has no up script"),
            "{message}"
        );
    }

    #[test]
    fn two_folders_with_one_version_are_an_error() {
        let root = folder(&[
            ("2019-02-26-002946_a/up.sql", CREATE_A),
            ("20190226002946_b/up.sql", CREATE_A),
        ]);
        let (path, _, message) = source_error(load_diesel(root.path()));
        assert_eq!(path, root.path().join("20190226002946_b/up.sql"));
        assert!(
            message.contains(
                &root
                    .path()
                    .join("2019-02-26-002946_a/up.sql")
                    .display()
                    .to_string()
            ),
            "{message}"
        );
    }

    #[test]
    fn folder_names_follow_diesel() {
        assert_eq!(
            split_dir_name("2019-02-26-002946_create_users"),
            Some(("20190226002946".to_owned(), "create_users"))
        );
        assert_eq!(
            split_dir_name("00000000000000_diesel_initial_setup"),
            Some(("00000000000000".to_owned(), "diesel_initial_setup"))
        );
        assert_eq!(split_dir_name("-2019_a"), None);
        assert_eq!(split_dir_name("2019x_a"), None);
        assert_eq!(split_dir_name("2019_"), None);
        assert_eq!(split_dir_name("2019"), None);
    }
}
