//! ratchet's own layout: `<version>_<name>.up.sql`, with optional `.down.sql` and
//! `.verify.sql` beside it.

use std::path::Path;

use super::Migration;
use super::files::{Role, Suffix, SuffixedLayout, no_marker};
use crate::Result;
use crate::sql::Dialect;

const LAYOUT: SuffixedLayout<'static> = SuffixedLayout {
    format: "native",
    expected: "`<version>_<name>.up.sql` with optional `<version>_<name>.down.sql` and \
               `<version>_<name>.verify.sql`, <version> being digits (a \
               `<version>_<name>.down.mysql.sql` replaces the down file on MySQL; likewise \
               for up, verify, postgres and sqlite)",
    role: |suffix| match suffix {
        Suffix::Up => Some(Role::Up),
        Suffix::Down => Some(Role::Down),
        Suffix::Verify => Some(Role::Verify),
        Suffix::Plain => None,
    },
    // ratchet's own marker is the `-- ratchet:no-transaction` directive.
    no_transaction: no_marker,
    dialect_variants: true,
};

/// Loads a folder in ratchet's own layout.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    LAYOUT.load(dir, dialect)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{
        CREATE_A, CREATE_A_SHA256, folder, lines, source_error, versions, write,
    };
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    fn load_native(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::Native), Dialect::Postgres).map(|set| set.migrations)
    }

    const EXPECTED: &str = "this file name does not match the native layout, which expects \
                            `<version>_<name>.up.sql` with optional `<version>_<name>.down.sql` \
                            and `<version>_<name>.verify.sql`, <version> being digits (a \
                            `<version>_<name>.down.mysql.sql` replaces the down file on MySQL; \
                            likewise for up, verify, postgres and sqlite); rename the file, or \
                            move it out of the migrations folder";

    #[test]
    fn dialect_variants_replace_the_plain_file_on_their_dialect() {
        let root = folder(&[
            ("0001_index.up.sql", "CREATE INDEX i ON t (c);\n"),
            ("0001_index.down.sql", "DROP INDEX i;\n"),
            ("0001_index.down.mysql.sql", "DROP INDEX i ON t;\n"),
            ("0002_mysql_only.up.mysql.sql", "SET @x = 1;\n"),
        ]);
        let on = |dialect| {
            load_set(root.path(), None, dialect)
                .expect("load")
                .migrations
        };
        let postgres = on(Dialect::Postgres);
        assert_eq!(versions(&postgres), vec![(1, "index")]);
        let down = postgres[0].down.as_ref().expect("down");
        assert_eq!(down.statements[0].sql, "DROP INDEX i");
        let mysql = on(Dialect::Mysql);
        assert_eq!(versions(&mysql), vec![(1, "index"), (2, "mysql_only")]);
        let down = mysql[0].down.as_ref().expect("down");
        assert_eq!(down.path, root.path().join("0001_index.down.mysql.sql"));
        assert_eq!(down.statements[0].sql, "DROP INDEX i ON t");
    }

    #[test]
    fn reads_up_down_and_verify_scripts() {
        let root = folder(&[
            ("0001_create_a.up.sql", CREATE_A),
            ("0001_create_a.down.sql", "DROP TABLE a;\n"),
            (
                "0001_create_a.verify.sql",
                "-- every row has an id\n\nSELECT count(*) FROM a WHERE id IS NULL;\n",
            ),
            (
                "0002_fill.up.sql",
                "\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\n",
            ),
            ("README.md", "how to write migrations"),
            (".gitkeep", ""),
            (".0003_hidden.up.sql", "SELECT 1;"),
            ("0003_typo.up.sq1", "SELECT 1;"),
            ("archive/0009_old.up.sql", "SELECT 1;"),
        ]);
        let migrations = load_native(root.path()).expect("load");
        assert_eq!(versions(&migrations), vec![(1, "create_a"), (2, "fill")]);
        let first = &migrations[0];
        assert_eq!(first.checksum, CREATE_A_SHA256);
        assert_eq!(first.up.path, root.path().join("0001_create_a.up.sql"));
        assert_eq!(lines(&first.up), vec![1]);
        let down = first.down.as_ref().expect("down");
        assert_eq!(down.path, root.path().join("0001_create_a.down.sql"));
        assert_eq!(down.statements[0].sql, "DROP TABLE a");
        let verify = first.verify.as_ref().expect("verify");
        assert_eq!(verify.path, root.path().join("0001_create_a.verify.sql"));
        let second = &migrations[1];
        assert!(second.down.is_none() && second.verify.is_none());
        assert_eq!(lines(&second.up), vec![2, 3]);
    }

    #[test]
    fn versions_are_numbers_and_sort_as_numbers() {
        let root = folder(&[
            ("10_ten.up.sql", CREATE_A),
            ("0002_two.up.sql", CREATE_A),
            ("00000000000000_zero.up.sql", CREATE_A),
            ("20261101090000_stamp.up.sql", CREATE_A),
        ]);
        let migrations = load_native(root.path()).expect("load");
        assert_eq!(
            versions(&migrations),
            vec![
                (0, "zero"),
                (2, "two"),
                (10, "ten"),
                (20261101090000, "stamp")
            ]
        );
    }

    #[test]
    fn the_name_is_everything_after_the_version() {
        let root = folder(&[("0001_add_priority_to_tasks.up.sql", CREATE_A)]);
        let migrations = load_native(root.path()).expect("load");
        assert_eq!(migrations[0].name, "add_priority_to_tasks");
    }

    #[test]
    fn directives_are_read_per_script() {
        let root = folder(&[
            (
                "0001_a.up.sql",
                "-- ratchet:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n",
            ),
            (
                "0001_a.down.sql",
                "-- ratchet:phase contract\nDROP INDEX i;\n",
            ),
        ]);
        let migrations = load_native(root.path()).expect("load");
        assert!(migrations[0].up.directives.no_transaction);
        let down = migrations[0].down.as_ref().expect("down");
        assert!(!down.directives.no_transaction);
        assert_eq!(down.directives.phase, Some(super::super::Phase::Contract));
    }

    #[test]
    fn a_misnamed_sql_file_is_reported_with_the_pattern() {
        let root = folder(&[("0001_a.up.sql", CREATE_A), ("0003-add.up.sql", CREATE_A)]);
        let (path, line, message) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join("0003-add.up.sql"), 0));
        assert_eq!(message, EXPECTED);
    }

    #[test]
    fn other_misnamed_files_are_reported_too() {
        for name in [
            "0001_a.sql",
            "0001_a.UP.SQL",
            "0001_a.up.SQL",
            "0001.up.sql",
            "0001_.up.sql",
            "_a.up.sql",
            "v1_a.up.sql",
            "schema.sql",
        ] {
            let root = folder(&[(name, CREATE_A)]);
            let (path, line, message) = source_error(load_native(root.path()));
            assert_eq!((path, line), (root.path().join(name), 0), "{name}");
            assert_eq!(message, EXPECTED, "{name}");
        }
    }

    #[test]
    fn one_version_twice_names_both_files() {
        let root = folder(&[("0001_a.up.sql", CREATE_A), ("1_b.up.sql", CREATE_A)]);
        let (path, line, message) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join("1_b.up.sql"), 0));
        assert_eq!(
            message,
            format!(
                "version 1 is also used by {}; each migration needs its own version (the files \
                 of one migration share their `<version>_<name>`): renumber or rename one of them",
                root.path().join("0001_a.up.sql").display()
            )
        );
    }

    #[test]
    fn a_down_file_named_unlike_its_up_file_is_another_migration() {
        let root = folder(&[
            ("0001_a.up.sql", CREATE_A),
            ("0001_b.down.sql", "DROP TABLE a;"),
        ]);
        let (path, _, message) = source_error(load_native(root.path()));
        assert_eq!(path, root.path().join("0001_b.down.sql"));
        assert!(
            message.contains(&root.path().join("0001_a.up.sql").display().to_string()),
            "{message}"
        );
    }

    #[test]
    fn a_down_file_without_an_up_file_is_an_error() {
        let root = folder(&[
            ("0001_a.up.sql", CREATE_A),
            ("0002_b.down.sql", "DROP TABLE b;"),
        ]);
        let (path, line, message) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join("0002_b.down.sql"), 0));
        assert_eq!(
            message,
            "this down script has no up script of version 2 beside it; add the up script, or \
             delete this file"
        );
    }

    #[test]
    fn a_verify_file_without_an_up_file_is_an_error() {
        let root = folder(&[("0002_b.verify.sql", "SELECT 0;")]);
        let (path, _, message) = source_error(load_native(root.path()));
        assert_eq!(path, root.path().join("0002_b.verify.sql"));
        assert!(message.starts_with("this verify script has no up script of version 2"));
    }

    #[test]
    fn a_version_beyond_i64_is_an_error() {
        let name = "99999999999999999999_big.up.sql";
        let root = folder(&[(name, CREATE_A)]);
        let (path, line, message) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join(name), 0));
        assert_eq!(
            message,
            "version `99999999999999999999` is too large: ratchet versions are 64-bit integers, \
             at most 9223372036854775807; renumber the migration"
        );
        let root = folder(&[("9223372036854775807_max.up.sql", CREATE_A)]);
        assert_eq!(load_native(root.path()).expect("load")[0].version, i64::MAX);
    }

    #[test]
    fn a_file_that_is_not_utf8_is_named() {
        let root = folder(&[("0001_a.up.sql", CREATE_A)]);
        write(root.path(), "0001_a.down.sql", b"DROP TABLE \xff;");
        let (path, line, message) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join("0001_a.down.sql"), 0));
        assert!(message.starts_with("not valid UTF-8"), "{message}");
    }

    #[test]
    fn a_bad_directive_is_reported_at_its_line() {
        let root = folder(&[(
            "0001_a.up.sql",
            "-- adds a\n-- ratchet:phase sideways\nSELECT 1;\n",
        )]);
        let (path, line, _) = source_error(load_native(root.path()));
        assert_eq!((path, line), (root.path().join("0001_a.up.sql"), 2));
    }
}
