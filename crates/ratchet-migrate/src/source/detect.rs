//! Telling a migrations folder's layout from its files, for projects that do not say
//! `format = "..."` in ratchet.toml.

use std::path::{Path, PathBuf};

use super::files::{Entry, Suffix, list, list_recursive, split_suffix, split_version_name};
use super::{SourceFormat, check_dir, dbmate, flyway, sqlx};
use crate::{Error, Result};

/// The layout of the migrations in `dir`:
///
/// - a subfolder holding `up.sql`: diesel;
/// - a `V<digits>...__<description>.sql` file (or `U...`, `R__...`), here or in a
///   subfolder: Flyway;
/// - a `.sql` file with a `-- migrate:up` line: dbmate;
/// - `<version>_<name>.sql` files: sqlx (which also allows `.up.sql` / `.down.sql`);
/// - only `.up.sql`, `.down.sql` and `.verify.sql` files: native, or sqlx when one of
///   them starts with sqlx's `-- no-transaction` and there is no verify file (ratchet
///   would otherwise read that marker as a plain comment and run the file in a
///   transaction). golang-migrate's files read the same as native ones.
///
/// An empty folder is native. Files of two layouts are an error naming one of each,
/// since guessing would run the other layout's files wrongly or not at all.
pub fn detect_format(dir: &Path) -> Result<SourceFormat> {
    check_dir(dir)?;
    let mut signals = Signals::default();
    for entry in list(dir)? {
        signals.see(entry)?;
    }
    let native_family = signals.native_family(dir)?;
    let found: Vec<(SourceFormat, PathBuf)> = [
        signals.diesel.map(|path| (SourceFormat::Diesel, path)),
        signals.flyway.map(|path| (SourceFormat::Flyway, path)),
        signals.dbmate.map(|path| (SourceFormat::Dbmate, path)),
        native_family,
    ]
    .into_iter()
    .flatten()
    .collect();
    match found.as_slice() {
        [] => Ok(SourceFormat::Native),
        [(format, _)] => Ok(*format),
        [(a, a_path), (b, b_path), ..] => Err(conflict(dir, (*a, a_path), (*b, b_path))),
    }
}

/// The first file seen of each kind that points to a layout.
#[derive(Default)]
struct Signals {
    diesel: Option<PathBuf>,
    flyway: Option<PathBuf>,
    dbmate: Option<PathBuf>,
    /// `.up.sql` or `.down.sql`.
    up_down: Option<PathBuf>,
    /// An up or down file starting with sqlx's `-- no-transaction`.
    sqlx_marker: Option<PathBuf>,
    verify: Option<PathBuf>,
    /// `<version>_<name>.sql` without a `-- migrate:up` line.
    plain: Option<PathBuf>,
}

impl Signals {
    fn see(&mut self, entry: Entry) -> Result<()> {
        if entry.is_dir {
            let up = entry.path.join("up.sql");
            if up.is_file() {
                self.diesel.get_or_insert(up);
            } else if self.flyway.is_none() {
                self.flyway = list_recursive(&entry.path)?
                    .into_iter()
                    .find(|file| flyway::looks_like_flyway(&file.name))
                    .map(|file| file.path);
            }
            return Ok(());
        }
        if !entry.is_sql() {
            return Ok(());
        }
        if flyway::looks_like_flyway(&entry.name) {
            self.flyway.get_or_insert(entry.path);
            return Ok(());
        }
        // Detection only looks; a file that is not UTF-8 is reported when it is loaded.
        let bytes = std::fs::read(&entry.path).map_err(|e| Error::io(&entry.path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        if dbmate::has_up_marker(&text) {
            self.dbmate.get_or_insert(entry.path);
            return Ok(());
        }
        let Some((stem, suffix, _)) = split_suffix(&entry.name) else {
            return Ok(());
        };
        if split_version_name(stem).is_none() {
            return Ok(());
        }
        match suffix {
            Suffix::Up | Suffix::Down => {
                if sqlx::has_marker(&text) {
                    self.sqlx_marker.get_or_insert(entry.path.clone());
                }
                self.up_down.get_or_insert(entry.path);
            }
            Suffix::Verify => {
                self.verify.get_or_insert(entry.path);
            }
            Suffix::Plain => {
                self.plain.get_or_insert(entry.path);
            }
        }
        Ok(())
    }

    /// Native or sqlx, from the `<version>_<name>...` files, with the file that decided.
    fn native_family(&mut self, dir: &Path) -> Result<Option<(SourceFormat, PathBuf)>> {
        // In a dbmate folder a `<version>_<name>.sql` file without a marker is a dbmate
        // migration missing its `-- migrate:up`, which loading reports.
        let plain = if self.dbmate.is_some() {
            None
        } else {
            self.plain.take()
        };
        Ok(match (self.verify.take(), plain) {
            (Some(verify), Some(plain)) => {
                return Err(conflict(
                    dir,
                    (SourceFormat::Native, &verify),
                    (SourceFormat::Sqlx, &plain),
                ));
            }
            (Some(verify), None) => Some((SourceFormat::Native, verify)),
            (None, Some(plain)) => Some((SourceFormat::Sqlx, plain)),
            (None, None) => match (self.sqlx_marker.take(), self.up_down.take()) {
                (Some(marked), _) => Some((SourceFormat::Sqlx, marked)),
                (None, Some(up_down)) => Some((SourceFormat::Native, up_down)),
                (None, None) => None,
            },
        })
    }
}

fn conflict(dir: &Path, a: (SourceFormat, &Path), b: (SourceFormat, &Path)) -> Error {
    Error::source(
        dir,
        0,
        format!(
            "the migrations folder mixes layouts: {} is a {} migration, but {} is a {} one; keep \
             one layout per folder, or say which one to read with `format = \"{}\"` in the \
             `[migrations]` section of ratchet.toml",
            a.1.display(),
            a.0,
            b.1.display(),
            b.0,
            a.0
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CREATE_A, folder, source_error};
    use super::super::{Dialect, load};
    use super::*;

    const DBMATE: &str = "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n";

    #[track_caller]
    fn detected(files: &[(&str, &str)]) -> SourceFormat {
        let root = folder(files);
        detect_format(root.path()).expect("detect")
    }

    #[test]
    fn each_layout_is_recognised() {
        assert_eq!(detected(&[]), SourceFormat::Native);
        assert_eq!(
            detected(&[("README.md", "notes"), (".gitkeep", "")]),
            SourceFormat::Native
        );
        assert_eq!(
            detected(&[
                ("0001_a.up.sql", CREATE_A),
                ("0001_a.down.sql", CREATE_A),
                ("0001_a.verify.sql", CREATE_A)
            ]),
            SourceFormat::Native
        );
        assert_eq!(
            detected(&[("1_a.up.sql", CREATE_A), ("1_a.down.sql", CREATE_A)]),
            SourceFormat::Native
        );
        assert_eq!(
            detected(&[("1_a.sql", CREATE_A), ("2_b.up.sql", CREATE_A)]),
            SourceFormat::Sqlx
        );
        assert_eq!(
            detected(&[("2019-02-26-002946_a/up.sql", CREATE_A), ("README.md", "")]),
            SourceFormat::Diesel
        );
        assert_eq!(
            detected(&[("V1__a.sql", CREATE_A), ("R__views.sql", CREATE_A)]),
            SourceFormat::Flyway
        );
        assert_eq!(detected(&[("V1.1__a.sql", CREATE_A)]), SourceFormat::Flyway);
        assert_eq!(
            detected(&[("sub/V1__a.sql", CREATE_A)]),
            SourceFormat::Flyway
        );
        assert_eq!(detected(&[("1_a.sql", DBMATE)]), SourceFormat::Dbmate);
    }

    #[test]
    fn a_dbmate_file_missing_its_marker_does_not_make_the_folder_sqlx() {
        let root = folder(&[("1_a.sql", DBMATE), ("2_b.sql", CREATE_A)]);
        assert_eq!(
            detect_format(root.path()).expect("detect"),
            SourceFormat::Dbmate
        );
        // Loading then says what is wrong with the file.
        let (path, line, _) = source_error(load(root.path(), None, Dialect::Postgres));
        assert_eq!((path, line), (root.path().join("2_b.sql"), 1));
    }

    #[test]
    fn sqlx_reversible_files_with_sqlx_s_marker_are_sqlx() {
        let marked = "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n";
        assert_eq!(
            detected(&[("1_a.up.sql", CREATE_A), ("2_b.up.sql", marked)]),
            SourceFormat::Sqlx
        );
        // sqlx has no verify files: with one, the folder is native.
        assert_eq!(
            detected(&[("2_b.up.sql", marked), ("2_b.verify.sql", "SELECT 0;")]),
            SourceFormat::Native
        );
    }

    #[test]
    fn misnamed_files_alone_leave_the_folder_native() {
        let root = folder(&[("0003-add.up.sql", CREATE_A)]);
        assert_eq!(
            detect_format(root.path()).expect("detect"),
            SourceFormat::Native
        );
        let (path, _, message) = source_error(load(root.path(), None, Dialect::Postgres));
        assert_eq!(path, root.path().join("0003-add.up.sql"));
        assert!(message.contains("native layout"), "{message}");
    }

    #[test]
    fn load_uses_the_detected_format() {
        let root = folder(&[("V1__a.sql", CREATE_A)]);
        let set = load(root.path(), None, Dialect::Postgres).expect("load");
        assert_eq!(set.format, SourceFormat::Flyway);
        assert_eq!(set.migrations[0].name, "a");
    }

    #[test]
    fn an_explicit_format_skips_detection() {
        // Native-looking files read as golang-migrate when the project says so.
        let root = folder(&[("1_a.up.sql", CREATE_A)]);
        let set = load(
            root.path(),
            Some(SourceFormat::GolangMigrate),
            Dialect::Postgres,
        )
        .expect("load");
        assert_eq!(set.format, SourceFormat::GolangMigrate);
    }

    #[test]
    fn mixed_layouts_name_a_file_of_each() {
        let root = folder(&[
            ("2019-02-26-002946_a/up.sql", CREATE_A),
            ("V1__b.sql", CREATE_A),
        ]);
        let (path, line, message) = source_error(detect_format(root.path()));
        assert_eq!((path, line), (root.path().to_path_buf(), 0));
        assert_eq!(
            message,
            format!(
                "the migrations folder mixes layouts: {} is a diesel migration, but {} is a \
                 flyway one; keep one layout per folder, or say which one to read with \
                 `format = \"diesel\"` in the `[migrations]` section of ratchet.toml",
                root.path().join("2019-02-26-002946_a/up.sql").display(),
                root.path().join("V1__b.sql").display()
            )
        );
    }

    #[test]
    fn other_mixes_are_errors_too() {
        for (files, first, second) in [
            (
                &[("1_a.sql", DBMATE), ("2_b.up.sql", CREATE_A)][..],
                "1_a.sql",
                "2_b.up.sql",
            ),
            (
                &[("V1__a.sql", CREATE_A), ("2_b.sql", CREATE_A)][..],
                "V1__a.sql",
                "2_b.sql",
            ),
            (
                &[
                    ("1_a.verify.sql", CREATE_A),
                    ("1_a.up.sql", CREATE_A),
                    ("2_b.sql", CREATE_A),
                ][..],
                "1_a.verify.sql",
                "2_b.sql",
            ),
            (
                &[
                    ("2019-02-26-002946_a/up.sql", CREATE_A),
                    ("1_a.up.sql", CREATE_A),
                ][..],
                "2019-02-26-002946_a/up.sql",
                "1_a.up.sql",
            ),
        ] {
            let root = folder(files);
            let (path, _, message) = source_error(detect_format(root.path()));
            assert_eq!(path, root.path());
            let first = root.path().join(first).display().to_string();
            let second = root.path().join(second).display().to_string();
            assert!(
                message.contains(&first) && message.contains(&second),
                "{message}"
            );
            assert!(message.contains("in the `[migrations]` section of ratchet.toml"));
        }
    }

    #[test]
    fn a_missing_folder_is_reported() {
        let root = folder(&[]);
        let (path, _, message) = source_error(detect_format(&root.path().join("nope")));
        assert_eq!(path, root.path().join("nope"));
        assert!(message.starts_with("the migrations folder does not exist"));
    }
}
