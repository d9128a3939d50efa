use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

use super::migration_shape::is_data_change;

declare_rule! {
    /// ## What it does
    /// Reports a data migration without a verify file: a migration whose up file only
    /// changes rows, or one with a `-- ratchet:backfill` directive, and no
    /// `<version>_<name>.verify.sql` beside it.
    ///
    /// Loose files (`ratchet lint file.sql`) are not migrations of a folder and are never
    /// reported, nor are the migrations of other tools' layouts (sqlx, diesel, dbmate,
    /// Flyway, golang-migrate), which have no place for a verify file.
    ///
    /// ## Why is this bad?
    /// A schema change either happened or failed; a data change can succeed and still be
    /// wrong: a `WHERE` that misses rows, a join that matches none, a backfill that skipped
    /// a range. Nothing notices until the application reads the rows it expected to be
    /// filled, or a later `SET NOT NULL` fails in production.
    ///
    /// A verify file holds queries that return no rows (or a single `0`) when the data is
    /// right. ratchet runs them after the up file, in the same transaction where the engine
    /// allows it, and the migration only counts as applied when they pass; `ratchet verify`
    /// runs them again at any time.
    ///
    /// ## Engines and versions
    /// All engines.
    ///
    /// ## Example
    /// `0008_backfill_priority.up.sql`, with no verify file:
    /// ```sql no-check
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET priority = 1 WHERE status = 'urgent' AND priority IS NULL;
    /// ```
    ///
    /// ## Use instead
    /// Add `0008_backfill_priority.verify.sql`, counting the rows the backfill should have
    /// filled and did not:
    /// ```sql no-check
    /// SELECT count(*) FROM orders WHERE status = 'urgent' AND priority IS NULL;
    /// ```
    pub struct DataMigrationWithoutVerify {
        id: "data-migration-without-verify",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a data migration has no verify file to check what it did",
    }
}

impl Rule for DataMigrationWithoutVerify {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let m = cx.migration;
        if cx.standalone || !cx.verify_files || m.verify.is_some() {
            return;
        }
        let backfill = m.up.directives.backfill.is_some();
        if !backfill && !cx.is_data_migration() {
            return;
        }
        let what = if backfill {
            "this backfill"
        } else {
            "this data migration"
        };
        let message = format!(
            "{what} has no verify file: nothing checks that the data change did what it \
             meant before the migration counts as applied"
        );
        let file_name =
            m.up.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        let verify = suggested_verify_name(&file_name)
            .map(|name| format!("`{name}`"))
            .unwrap_or_else(|| "a verify file".to_string());
        let help = format!(
            "add {verify} with queries that return no rows (or a single 0) when the data is \
             right, e.g. `SELECT count(*) FROM <table> WHERE <rows still to change>`"
        );
        // At the first data change, so the position says what needs checking.
        match m.up.actions().find(|(_, a)| is_data_change(&a.action.op)) {
            Some((statement, action)) => {
                report.at(&m.up, statement, action.action.offset, message, help)
            }
            None => report.file(&m.up.path, message, help),
        }
    }
}

/// `0008_x.verify.sql` for `0008_x.up.sql` (and `.up.postgres.sql`).
fn suggested_verify_name(up: &str) -> Option<String> {
    let stem = up.strip_suffix(".sql")?;
    let stem = ["postgres", "mysql", "sqlite"]
        .iter()
        .find_map(|d| stem.strip_suffix(&format!(".{d}")))
        .unwrap_or(stem);
    Some(format!("{}.verify.sql", stem.strip_suffix(".up")?))
}

#[cfg(test)]
mod tests {
    use crate::lint::lint_scripts;
    use crate::lint::rules::testing::only;
    use crate::source::Script;
    use crate::sql::Dialect;

    /// A loose file is not a migration of a folder: no verify file is expected of it.
    #[test]
    fn loose_files_are_not_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backfill.sql");
        std::fs::write(
            &path,
            "UPDATE orders SET priority = 1 WHERE priority IS NULL;\n",
        )
        .unwrap();
        let script = Script::from_file(&path, Dialect::Postgres).unwrap();
        let findings = lint_scripts(
            &[script],
            &only("data-migration-without-verify", Dialect::Postgres),
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn verify_file_names() {
        let name = super::suggested_verify_name;
        assert_eq!(name("0008_x.up.sql").as_deref(), Some("0008_x.verify.sql"));
        assert_eq!(
            name("0008_x.up.mysql.sql").as_deref(),
            Some("0008_x.verify.sql")
        );
        assert_eq!(name("V8__x.sql"), None);
    }
}
