//! dbmate's layout: one file per migration, `<version>_<name>.sql`, holding an up
//! section after a `-- migrate:up` line and an optional down section after a
//! `-- migrate:down` line. A marker's `transaction:false` option runs that section outside
//! a transaction. Both scripts keep the lines they have in the file.

use std::path::Path;

use super::files::{Collector, Role, list, parse_version, split_version_name, unexpected_name};
use super::{Migration, Script, checksum, directive, read_text};
use crate::sql::Dialect;
use crate::{Error, Result};

const EXPECTED: &str = "`<version>_<name>.sql` files with a `-- migrate:up` section and an \
                        optional `-- migrate:down` section, <version> being digits";

/// Loads a dbmate folder.
pub(super) fn load(dir: &Path, dialect: Dialect) -> Result<Vec<Migration>> {
    let mut collector = Collector::default();
    for entry in list(dir)? {
        if !entry.is_sql() {
            continue;
        }
        let parsed = entry
            .name
            .strip_suffix(".sql")
            .and_then(|stem| Some((stem, split_version_name(stem)?)));
        let Some((stem, (version, name))) = parsed else {
            return Err(unexpected_name(&entry.path, "dbmate", EXPECTED));
        };
        let version =
            parse_version(version).map_err(|message| Error::source(&entry.path, 0, message))?;
        collector.add(version, stem, name, Role::Up, entry.path)?;
    }
    collector
        .finish()?
        .into_iter()
        .map(|unit| {
            let text = read_text(&unit.up)?;
            let (up, down) = parse_sections(&unit.up, &text, dialect)?;
            Ok(Migration {
                version: unit.version,
                name: unit.name,
                up,
                down,
                verify: None,
                checksum: checksum(text.as_bytes()),
            })
        })
        .collect()
}

/// Which section a marker opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

impl Direction {
    fn marker(self) -> &'static str {
        match self {
            Direction::Up => "-- migrate:up",
            Direction::Down => "-- migrate:down",
        }
    }
}

/// A `-- migrate:up` or `-- migrate:down` line: its direction and its options. dbmate
/// also accepts `--migrate:up`; `-- migrate:upgrade` is an ordinary comment.
fn marker(line: &str) -> Option<(Direction, &str)> {
    let rest = line.trim_start().strip_prefix("--")?.trim_start();
    let (direction, options) = if let Some(options) = rest.strip_prefix("migrate:up") {
        (Direction::Up, options)
    } else {
        (Direction::Down, rest.strip_prefix("migrate:down")?)
    };
    (options.is_empty() || options.starts_with(char::is_whitespace))
        .then(|| (direction, options.trim()))
}

/// True when `text` has a `-- migrate:up` line: what makes a `.sql` file a dbmate one.
pub(super) fn has_up_marker(text: &str) -> bool {
    text.lines()
        .any(|line| matches!(marker(line), Some((Direction::Up, _))))
}

/// A marker found in the file.
struct Found<'a> {
    /// 1-based line of the marker.
    line: u32,
    /// Byte offset where the section after the marker starts.
    body_start: usize,
    /// Byte offset of the marker line itself.
    start: usize,
    options: &'a str,
}

/// Splits a dbmate file into its up script and its optional down script.
fn parse_sections(path: &Path, text: &str, dialect: Dialect) -> Result<(Script, Option<Script>)> {
    let mut up: Option<Found> = None;
    let mut down: Option<Found> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let start = offset;
        offset += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let content = if index == 0 {
            content.strip_prefix('\u{feff}').unwrap_or(content)
        } else {
            content
        };
        let Some((direction, options)) = marker(content) else {
            if up.is_none() {
                check_preamble(path, line, content)?;
            }
            continue;
        };
        if direction == Direction::Down && up.is_none() {
            return Err(Error::source(
                path,
                line,
                "`-- migrate:down` comes before `-- migrate:up`; put the up section first, as \
                 dbmate requires",
            ));
        }
        let slot = match direction {
            Direction::Up => &mut up,
            Direction::Down => &mut down,
        };
        if let Some(first) = slot {
            return Err(Error::source(
                path,
                line,
                format!(
                    "a second `{}` line (the first is on line {}); a dbmate file has one section \
                     of each direction: merge them or remove this marker",
                    direction.marker(),
                    first.line
                ),
            ));
        }
        *slot = Some(Found {
            line,
            body_start: offset,
            start,
            options,
        });
    }
    let Some(up) = up else {
        return Err(Error::source(
            path,
            0,
            "this dbmate migration has no `-- migrate:up` line; add `-- migrate:up` on a line of \
             its own above the up statements",
        ));
    };
    let up_end = down.as_ref().map_or(text.len(), |down| down.start);
    let up_script = section(path, text, &up, up_end, dialect)?;
    let down_script = down
        .map(|down| section(path, text, &down, text.len(), dialect))
        .transpose()?;
    Ok((up_script, down_script))
}

/// Before `-- migrate:up` dbmate allows only blank lines and comments: it runs nothing
/// outside the sections, and a directive there would belong to no script.
fn check_preamble(path: &Path, line: u32, content: &str) -> Result<()> {
    let trimmed = content.trim();
    if directive::is_directive(trimmed) {
        return Err(Error::source(
            path,
            line,
            "a `-- ratchet:` directive above `-- migrate:up` belongs to no section; move it just \
             below `-- migrate:up` (or `-- migrate:down`)",
        ));
    }
    if !trimmed.is_empty() && !trimmed.starts_with("--") {
        return Err(Error::source(
            path,
            line,
            "SQL before `-- migrate:up`: dbmate runs only the up and down sections; move this \
             statement below `-- migrate:up`",
        ));
    }
    Ok(())
}

/// The script of one section, from the line after its marker to `end`.
fn section(
    path: &Path,
    text: &str,
    found: &Found<'_>,
    end: usize,
    dialect: Dialect,
) -> Result<Script> {
    let no_transaction = parse_options(path, found)?;
    let body = text.get(found.body_start..end).unwrap_or_default();
    let first_line = found.line.saturating_add(1);
    let mut script = Script::parse(path, body, first_line, dialect)?;
    script.directives.no_transaction |= no_transaction;
    Ok(script)
}

/// Reads a marker's options; true when the section runs outside a transaction.
fn parse_options(path: &Path, found: &Found<'_>) -> Result<bool> {
    let mut no_transaction = false;
    for option in found.options.split_whitespace() {
        match option {
            "transaction:false" => no_transaction = true,
            "transaction:true" => no_transaction = false,
            other => {
                return Err(Error::source(
                    path,
                    found.line,
                    format!(
                        "unknown dbmate option `{other}`; the option dbmate knows is \
                         `transaction:false` (or `transaction:true`)"
                    ),
                ));
            }
        }
    }
    Ok(no_transaction)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::testing::{folder, lines, source_error, versions};
    use super::super::{SourceFormat, load as load_set};
    use super::*;

    /// Lines: 1 marker, 2-3 up statements, 4 blank, 5 marker, 6 down statement.
    const FILE: &str = "-- migrate:up\nCREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\n\n\
                        -- migrate:down\nDROP TABLE a;\n";
    const FILE_SHA256: &str = "02eb8584ae02b09ddce7ae20e49a1c3317cf573d7eb6b3641f593acf0e028925";

    fn load_dbmate(dir: &Path) -> Result<Vec<Migration>> {
        load_set(dir, Some(SourceFormat::Dbmate), Dialect::Postgres).map(|set| set.migrations)
    }

    fn parse(text: &str) -> Result<(Script, Option<Script>)> {
        parse_sections(Path::new("db/migrations/1_a.sql"), text, Dialect::Postgres)
    }

    #[test]
    fn sections_keep_their_file_lines() {
        let root = folder(&[
            ("20151129054053_create_a.sql", FILE),
            ("20151130000000_up_only.sql", "-- migrate:up\n\nSELECT 1;\n"),
        ]);
        let migrations = load_dbmate(root.path()).expect("load");
        assert_eq!(
            versions(&migrations),
            vec![(20151129054053, "create_a"), (20151130000000, "up_only")]
        );
        let create = &migrations[0];
        let path = root.path().join("20151129054053_create_a.sql");
        assert_eq!(create.checksum, FILE_SHA256);
        assert_eq!(create.up.path, path);
        assert_eq!(lines(&create.up), vec![2, 3]);
        assert_eq!(create.up.statements[1].sql, "CREATE INDEX a_id ON a (id)");
        let down = create.down.as_ref().expect("down");
        assert_eq!(down.path, path);
        assert_eq!(lines(down), vec![6]);
        assert_eq!(down.statements[0].sql, "DROP TABLE a");
        assert!(create.verify.is_none());
        assert!(migrations[1].down.is_none());
        assert_eq!(lines(&migrations[1].up), vec![3]);
    }

    #[test]
    fn comments_and_blank_lines_may_precede_the_up_section() {
        let text = "-- creates a\n\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n";
        let (up, down) = parse(text).expect("parse");
        assert_eq!(lines(&up), vec![4]);
        assert_eq!(lines(&down.expect("down")), vec![6]);
    }

    #[test]
    fn crlf_files_keep_their_lines() {
        let text = "-- migrate:up\r\nSELECT 1;\r\n\r\n-- migrate:down\r\nSELECT 2;\r\n";
        let (up, down) = parse(text).expect("parse");
        assert_eq!(lines(&up), vec![2]);
        assert_eq!(lines(&down.expect("down")), vec![5]);
    }

    #[test]
    fn markers_without_a_space_and_after_a_byte_order_mark_count() {
        let (up, down) =
            parse("\u{feff}--migrate:up\nSELECT 1;\n--migrate:down\nSELECT 2;\n").expect("parse");
        assert_eq!(lines(&up), vec![2]);
        assert_eq!(lines(&down.expect("down")), vec![4]);
    }

    #[test]
    fn transaction_false_applies_to_its_section() {
        let text = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON a (id);\n\
                    -- migrate:down\nDROP INDEX i;\n";
        let (up, down) = parse(text).expect("parse");
        assert!(up.directives.no_transaction);
        assert!(!down.expect("down").directives.no_transaction);
        let text = "-- migrate:up\nSELECT 1;\n-- migrate:down   transaction:false\nSELECT 2;\n";
        let (up, down) = parse(text).expect("parse");
        assert!(!up.directives.no_transaction);
        assert!(down.expect("down").directives.no_transaction);
    }

    #[test]
    fn directives_belong_to_their_section() {
        let text = "-- migrate:up\n-- ratchet:phase expand\nSELECT 1;\n-- migrate:down\n\
                    -- ratchet:allow drop-column -- the expand added it\nSELECT 2;\n";
        let (up, down) = parse(text).expect("parse");
        assert_eq!(up.directives.phase, Some(super::super::Phase::Expand));
        let down = down.expect("down");
        assert_eq!(down.directives.allows[0].line, 5);
        assert!(down.directives.phase.is_none());
    }

    #[test]
    fn directive_errors_carry_the_file_line() {
        let text = "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- ratchet:phase sideways\n";
        let (path, line, _) = source_error(parse(text));
        assert_eq!((path, line), (PathBuf::from("db/migrations/1_a.sql"), 4));
    }

    #[test]
    fn a_missing_up_marker_is_an_error() {
        let root = folder(&[("1_a.sql", "CREATE TABLE a (id int);\n")]);
        // Without the marker, SQL before it is found first.
        let (path, line, message) = source_error(load_dbmate(root.path()));
        assert_eq!((path, line), (root.path().join("1_a.sql"), 1));
        assert_eq!(
            message,
            "SQL before `-- migrate:up`: dbmate runs only the up and down sections; move this \
             statement below `-- migrate:up`"
        );
        let (path, line, message) = source_error(parse("-- just a comment\n"));
        assert_eq!((path, line), (PathBuf::from("db/migrations/1_a.sql"), 0));
        assert_eq!(
            message,
            "this dbmate migration has no `-- migrate:up` line; add `-- migrate:up` on a line of \
             its own above the up statements"
        );
    }

    #[test]
    fn sql_before_the_up_marker_is_an_error_at_its_line() {
        let (_, line, message) = source_error(parse(
            "-- types\nCREATE TYPE s AS ENUM ('a');\n-- migrate:up\nSELECT 1;\n",
        ));
        assert_eq!(line, 2);
        assert!(
            message.starts_with("SQL before `-- migrate:up`"),
            "{message}"
        );
    }

    #[test]
    fn a_directive_above_the_up_marker_is_an_error() {
        let (_, line, message) = source_error(parse(
            "-- ratchet:no-transaction\n-- migrate:up\nSELECT 1;\n",
        ));
        assert_eq!(line, 1);
        assert_eq!(
            message,
            "a `-- ratchet:` directive above `-- migrate:up` belongs to no section; move it just \
             below `-- migrate:up` (or `-- migrate:down`)"
        );
    }

    #[test]
    fn down_before_up_is_an_error() {
        let (_, line, message) = source_error(parse(
            "-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 1;\n",
        ));
        assert_eq!(line, 1);
        assert_eq!(
            message,
            "`-- migrate:down` comes before `-- migrate:up`; put the up section first, as dbmate \
             requires"
        );
    }

    #[test]
    fn a_second_marker_is_an_error() {
        let (_, line, message) = source_error(parse(
            "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n",
        ));
        assert_eq!(line, 3);
        assert_eq!(
            message,
            "a second `-- migrate:up` line (the first is on line 1); a dbmate file has one \
             section of each direction: merge them or remove this marker"
        );
        let text = "-- migrate:up\n-- migrate:down\nSELECT 1;\n-- migrate:down\n";
        let (_, line, _) = source_error(parse(text));
        assert_eq!(line, 4);
    }

    #[test]
    fn an_unknown_marker_option_is_an_error() {
        let (_, line, message) = source_error(parse(
            "-- migrate:up\nSELECT 1;\n-- migrate:down transaction:flase\n",
        ));
        assert_eq!(line, 3);
        assert_eq!(
            message,
            "unknown dbmate option `transaction:flase`; the option dbmate knows is \
             `transaction:false` (or `transaction:true`)"
        );
    }

    #[test]
    fn look_alike_comments_are_not_markers() {
        assert!(marker("-- migrate:upgrade the table").is_none());
        assert!(marker("-- migrate: up").is_none());
        assert_eq!(marker("--   migrate:down  "), Some((Direction::Down, "")));
        assert!(has_up_marker("SELECT 1;\n-- migrate:up\n"));
        assert!(!has_up_marker("-- migrate:down\n"));
    }

    #[test]
    fn misnamed_files_and_duplicate_versions_are_errors() {
        let root = folder(&[("create_a.sql", FILE)]);
        let (path, _, message) = source_error(load_dbmate(root.path()));
        assert_eq!(path, root.path().join("create_a.sql"));
        assert_eq!(
            message,
            "this file name does not match the dbmate layout, which expects \
             `<version>_<name>.sql` files with a `-- migrate:up` section and an optional \
             `-- migrate:down` section, <version> being digits; rename the file, or move it out \
             of the migrations folder"
        );
        let root = folder(&[("001_a.sql", FILE), ("1_b.sql", FILE)]);
        let (path, _, message) = source_error(load_dbmate(root.path()));
        assert_eq!(path, root.path().join("1_b.sql"));
        assert!(message.contains("001_a.sql"), "{message}");
    }
}
