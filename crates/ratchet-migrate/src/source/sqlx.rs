//! sqlx-cli's layout: simple migrations `<version>_<name>.sql`, or reversible ones
//! `<version>_<name>.up.sql` and `<version>_<name>.down.sql`. sqlx runs a file outside a
//! transaction when it starts with `-- no-transaction`.

use std::path::Path;

use super::Migration;
use super::files::{Role, Suffix, SuffixedLayout};
use crate::Result;
use crate::sql::Dialect;

const LAYOUT: SuffixedLayout<'static> = SuffixedLayout {
    format: "sqlx",
    expected: "`<version>_<name>.sql`, or `<version>_<name>.up.sql` with optional \
               `<version>_<name>.down.sql`, <version> being digits",
    role: |suffix| match suffix {
        Suffix::Up | Suffix::Plain => Some(Role::Up),
        Suffix::Down => Some(Role::Down),
        // sqlx would read `0001_x.verify.sql` as a simple migration named `x.verify`, whose
        // version then clashes with `0001_x`'s: saying so is clearer than that clash.
        Suffix::Verify => None,
    },
    no_transaction: has_marker,
    dialect_variants: false,
};

/// Loads a sqlx folder.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    LAYOUT.load(dir, dialect)
}

/// sqlx's own test: the file starts with the marker (a byte-order mark aside).
pub(super) fn has_marker(text: &str) -> bool {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .starts_with("-- no-transaction")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CREATE_A, CREATE_A_SHA256, folder, lines, source_error, versions};
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    fn load_sqlx(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::Sqlx), Dialect::Sqlite).map(|set| set.migrations)
    }

    #[test]
    fn reads_simple_and_reversible_migrations() {
        let root = folder(&[
            ("20220101000000_create_a.sql", CREATE_A),
            ("20220102000000_b.up.sql", "\n\nCREATE TABLE b (id int);\n"),
            ("20220102000000_b.down.sql", "DROP TABLE b;\n"),
        ]);
        let migrations = load_sqlx(root.path()).expect("load");
        assert_eq!(
            versions(&migrations),
            vec![(20220101000000, "create_a"), (20220102000000, "b")]
        );
        assert_eq!(migrations[0].checksum, CREATE_A_SHA256);
        assert!(migrations[0].down.is_none());
        assert_eq!(lines(&migrations[1].up), vec![3]);
        assert!(migrations[1].down.is_some());
    }

    #[test]
    fn a_leading_no_transaction_comment_runs_outside_a_transaction() {
        let root = folder(&[
            (
                "1_concurrent.sql",
                "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n",
            ),
            ("2_plain.up.sql", "SELECT 1;\n-- no-transaction\n"),
            (
                "2_plain.down.sql",
                "-- no-transaction\nDROP INDEX CONCURRENTLY i;\n",
            ),
        ]);
        let migrations = load_sqlx(root.path()).expect("load");
        assert!(migrations[0].up.directives.no_transaction);
        // sqlx only reads the marker at the very start of the file.
        assert!(!migrations[1].up.directives.no_transaction);
        let down = migrations[1].down.as_ref().expect("down");
        assert!(down.directives.no_transaction);
    }

    #[test]
    fn a_simple_and_a_reversible_migration_may_not_share_a_version() {
        let root = folder(&[("1_a.sql", CREATE_A), ("1_a.up.sql", CREATE_A)]);
        let (path, _, message) = source_error(load_sqlx(root.path()));
        assert_eq!(path, root.path().join("1_a.up.sql"));
        assert!(
            message.starts_with("version 1 is also used by"),
            "{message}"
        );
    }

    #[test]
    fn verify_files_are_not_sqlx_files() {
        let root = folder(&[("1_a.sql", CREATE_A), ("1_a.verify.sql", "SELECT 0;")]);
        let (path, line, message) = source_error(load_sqlx(root.path()));
        assert_eq!((path, line), (root.path().join("1_a.verify.sql"), 0));
        assert_eq!(
            message,
            "this file name does not match the sqlx layout, which expects `<version>_<name>.sql`, \
             or `<version>_<name>.up.sql` with optional `<version>_<name>.down.sql`, <version> \
             being digits; rename the file, or move it out of the migrations folder"
        );
    }

    #[test]
    fn the_marker_test_skips_a_byte_order_mark() {
        assert!(has_marker("\u{feff}-- no-transaction\n"));
        assert!(!has_marker(" -- no-transaction\n"));
    }
}
