use crate::config::Mode;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports every down file (a down section, an undo file) of a project whose
    /// ratchet.toml says `mode = "forward-only"`.
    ///
    /// ## Why is this bad?
    /// A forward-only project never runs a down file: `ratchet down` refuses, and a
    /// rollback is a new forward migration, reviewed and applied like any other. A down
    /// file there is never run and never tested, yet it reads like a way back: someone
    /// under pressure will run it by hand, against a schema it was not written for. The
    /// team chose forward-only so that this cannot happen.
    ///
    /// ## Engines and versions
    /// All engines and versions. Projects in the default `mode = "reversible"` are not
    /// checked.
    ///
    /// ## Example
    /// With `mode = "forward-only"` in ratchet.toml, beside `0007_add_priority.up.sql`:
    /// ```sql no-check
    /// -- 0007_add_priority.down.sql
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    ///
    /// ## Use instead
    /// Delete the down file. When migration 7 must be undone, `ratchet revert 7` writes a
    /// new forward migration (`-- ratchet:reverts 7`) from its statements, to review and
    /// apply with `ratchet up`:
    /// ```sql no-check
    /// -- 0012_revert_add_priority.up.sql
    /// -- ratchet:reverts 7
    /// ALTER TABLE orders DROP COLUMN priority;
    /// ```
    pub struct DownFileInForwardOnly {
        id: "down-file-in-forward-only",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a down file in a forward-only project: it is never run, and misleads",
    }
}

impl Rule for DownFileInForwardOnly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        if cx.mode != Mode::ForwardOnly {
            return;
        }
        let Some(down) = &cx.migration.down else {
            return;
        };
        let version = cx.migration.version;
        let message = "a down file in a forward-only project: `ratchet down` refuses to run it, \
                       so it is never tested, and it misleads whoever reaches for it";
        let help = format!(
            "delete it; to undo migration {version}, `ratchet revert {version}` writes a new \
             forward migration to review and apply"
        );
        // A down section shares its file with the up script (dbmate): point at it.
        match down.statements.first() {
            Some(first) if down.path == cx.migration.up.path => {
                report.at(down, first, 0, message, help);
            }
            _ => report.file(&down.path, message, help),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Mode;
    use crate::lint::rules::testing::{only, render};
    use crate::lint::{LintOptions, lint_folder};
    use crate::sql::Dialect;

    const ID: &str = "down-file-in-forward-only";

    fn lint(files: &[(&str, &str)], dialect: Dialect, mode: Mode) -> String {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let options = LintOptions {
            mode,
            ..only(ID, dialect)
        };
        render(&lint_folder(dir.path(), None, &options), dir.path())
    }

    #[test]
    fn a_down_file_is_an_error_in_forward_only_mode_on_every_engine() {
        let files = [
            ("0001_orders.up.sql", "CREATE TABLE orders (id INT);\n"),
            ("0002_priority.up.sql", "ALTER TABLE orders ADD COLUMN p INT;\n"),
            (
                "0002_priority.down.sql",
                "-- undo\nALTER TABLE orders DROP COLUMN p;\n",
            ),
        ];
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_eq!(
                lint(&files, dialect, Mode::ForwardOnly),
                "error[down-file-in-forward-only]: a down file in a forward-only project: \
                 `ratchet down` refuses to run it, so it is never tested, and it misleads \
                 whoever reaches for it\n  --> 0002_priority.down.sql:1:1\n  = help: delete \
                 it; to undo migration 2, `ratchet revert 2` writes a new forward migration to \
                 review and apply\n",
                "{dialect}"
            );
            assert_eq!(
                lint(&files, dialect, Mode::Reversible),
                "(no findings)\n",
                "{dialect}"
            );
        }
    }

    #[test]
    fn a_down_section_is_reported_where_it_starts() {
        let files = [(
            "20240101000000_orders.sql",
            "-- migrate:up\nCREATE TABLE orders (id INT);\n\n-- migrate:down\nDROP TABLE orders;\n",
        )];
        let out = lint(&files, Dialect::Postgres, Mode::ForwardOnly);
        assert!(
            out.contains("--> 20240101000000_orders.sql:5:1"),
            "{out}"
        );
    }

    #[test]
    fn forward_only_folders_without_down_files_are_clean() {
        let files = [
            ("0001_orders.up.sql", "CREATE TABLE orders (id INT);\n"),
            ("0002_revert.up.sql", "-- ratchet:reverts 1\nDROP TABLE orders;\n"),
        ];
        assert_eq!(
            lint(&files, Dialect::Sqlite, Mode::ForwardOnly),
            "(no findings)\n"
        );
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).exists());
    }
}
