//! golang-migrate's layout: `<version>_<title>.up.sql` and `<version>_<title>.down.sql`.
//! It is ratchet's own naming without verify files; golang-migrate's other extensions
//! (`.up.cql`, `.up.json`...) are not SQL and are not read.

use std::path::Path;

use super::Migration;
use super::files::{Role, Suffix, SuffixedLayout, no_marker};
use crate::Result;
use crate::sql::Dialect;

const LAYOUT: SuffixedLayout<'static> = SuffixedLayout {
    format: "golang-migrate",
    expected: "`<version>_<title>.up.sql` with optional `<version>_<title>.down.sql`, \
               <version> being digits",
    role: |suffix| match suffix {
        Suffix::Up => Some(Role::Up),
        Suffix::Down => Some(Role::Down),
        Suffix::Verify | Suffix::Plain => None,
    },
    // golang-migrate runs each file as one multi-statement exec and has no marker of its own.
    no_transaction: no_marker,
    dialect_variants: false,
};

/// Loads a golang-migrate folder.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    LAYOUT.load(dir, dialect)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CREATE_A, CREATE_A_SHA256, folder, source_error, versions};
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    fn load_golang(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::GolangMigrate), Dialect::Mysql).map(|set| set.migrations)
    }

    #[test]
    fn reads_up_and_down_files() {
        let root = folder(&[
            ("000001_create_users_table.up.sql", CREATE_A),
            ("000001_create_users_table.down.sql", "DROP TABLE a;\n"),
            ("1500000000_add_index.up.sql", "CREATE INDEX i ON a (id);\n"),
            ("000001_create_users_table.up.json", "{}"),
        ]);
        let migrations = load_golang(root.path()).expect("load");
        assert_eq!(
            versions(&migrations),
            vec![(1, "create_users_table"), (1500000000, "add_index")]
        );
        assert_eq!(migrations[0].checksum, CREATE_A_SHA256);
        assert!(migrations[0].down.is_some());
        assert!(migrations[1].down.is_none());
        assert!(migrations.iter().all(|m| m.verify.is_none()));
    }

    #[test]
    fn verify_files_are_not_golang_migrate_files() {
        let root = folder(&[("1_a.up.sql", CREATE_A), ("1_a.verify.sql", "SELECT 0;")]);
        let (path, line, message) = source_error(load_golang(root.path()));
        assert_eq!((path, line), (root.path().join("1_a.verify.sql"), 0));
        assert_eq!(
            message,
            "this file name does not match the golang-migrate layout, which expects \
             `<version>_<title>.up.sql` with optional `<version>_<title>.down.sql`, <version> \
             being digits; rename the file, or move it out of the migrations folder"
        );
    }

    #[test]
    fn two_up_files_of_one_version_are_an_error() {
        let root = folder(&[("1_a.up.sql", CREATE_A), ("01_b.up.sql", CREATE_A)]);
        let (path, _, message) = source_error(load_golang(root.path()));
        assert_eq!(path, root.path().join("1_a.up.sql"));
        assert!(message.contains("01_b.up.sql"), "{message}");
    }
}
