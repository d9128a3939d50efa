//! `ratchet new`: create a migration's files with the next version, in the project's layout.

use std::path::PathBuf;

use ratchet_migrate::config::Mode;
use ratchet_migrate::source::SourceFormat;
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};

use super::Project;
use crate::Outcome;
use crate::cli::NewArgs;

/// Versions below this are sequential (0001, 0002...); above, timestamps.
const SEQUENTIAL_LIMIT: i64 = 1_000_000_000;

pub fn run(project: &Project, args: &NewArgs) -> Result<Outcome> {
    project.human_only("new")?;
    let name = slug(&args.name)?;
    let dir = &project.config.migrations_dir;
    let existing = if dir.exists() {
        // The dialect does not matter here: only versions and the layout are needed.
        Some(project.migrations(Dialect::Postgres)?)
    } else {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        None
    };
    let format = project
        .config
        .format
        .or(existing.as_ref().map(|s| s.format))
        .unwrap_or(SourceFormat::Native);
    let versions: Vec<i64> = existing
        .iter()
        .flat_map(|s| s.migrations.iter().map(|m| m.version))
        .collect();
    let down = args.down;
    let verify = args.verify || args.backfill;
    if down && project.config.mode == Mode::ForwardOnly {
        return Err(Error::Usage(
            "this project is forward-only: no down files; `ratchet revert <version>` writes the \
             undo as a new migration"
                .into(),
        ));
    }
    if verify && format != SourceFormat::Native {
        return Err(Error::Usage(format!(
            "verify files are ratchet's own layout; this folder is in the {format} layout"
        )));
    }
    let version_text = next_version(&versions, format);
    let up_text = if args.backfill {
        BACKFILL_TEMPLATE.to_string()
    } else {
        format!("-- {name}\n")
    };
    let files: Vec<(PathBuf, String)> = match format {
        SourceFormat::Native | SourceFormat::GolangMigrate | SourceFormat::Sqlx => {
            let base = format!("{version_text}_{name}");
            let mut files = Vec::new();
            if format == SourceFormat::Sqlx && !down {
                files.push((dir.join(format!("{base}.sql")), up_text));
            } else {
                files.push((dir.join(format!("{base}.up.sql")), up_text));
            }
            if down {
                files.push((dir.join(format!("{base}.down.sql")), DOWN_TEMPLATE.into()));
            }
            if verify {
                files.push((
                    dir.join(format!("{base}.verify.sql")),
                    VERIFY_TEMPLATE.into(),
                ));
            }
            files
        }
        SourceFormat::Diesel => {
            let folder = dir.join(format!("{version_text}_{name}"));
            vec![
                (folder.join("up.sql"), up_text),
                (folder.join("down.sql"), DOWN_TEMPLATE.into()),
            ]
        }
        SourceFormat::Dbmate => vec![(
            dir.join(format!("{version_text}_{name}.sql")),
            format!("-- migrate:up\n{up_text}\n-- migrate:down\n"),
        )],
        SourceFormat::Flyway => {
            let mut files = vec![(dir.join(format!("V{version_text}__{name}.sql")), up_text)];
            if down {
                files.push((
                    dir.join(format!("U{version_text}__{name}.sql")),
                    DOWN_TEMPLATE.into(),
                ));
            }
            files
        }
    };
    for (path, _) in &files {
        if path.exists() {
            return Err(Error::Usage(format!("{} already exists", path.display())));
        }
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Io {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        std::fs::write(path, text).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        println!("created {}", path.display());
    }
    Ok(Outcome::Ok)
}

const DOWN_TEMPLATE: &str = "-- Undo everything the up file does, in reverse order.\n";

const VERIFY_TEMPLATE: &str = "-- Each query must return no rows (or a single 0) once the migration has run.\n\
-- SELECT count(*) FROM orders WHERE priority IS NULL;\n";

const BACKFILL_TEMPLATE: &str = "-- ratchet:backfill table=orders key=id\n\
UPDATE orders SET priority = 'normal'\n\
WHERE priority IS NULL;\n";

/// The migration name as a file-name-safe slug.
fn slug(name: &str) -> Result<String> {
    let slug: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "`{name}` has no letters or digits; name the migration, e.g. add_priority"
        )));
    }
    Ok(slug)
}

/// The next version as written in file names: the next number for sequential projects,
/// else the UTC time (`YYYYMMDDHHMMSS`), always above every existing version.
fn next_version(existing: &[i64], format: SourceFormat) -> String {
    let max = existing.iter().copied().max();
    if let Some(max) = max
        && max < SEQUENTIAL_LIMIT
    {
        return format!("{:04}", max + 1);
    }
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let digits: String = now.chars().filter(char::is_ascii_digit).collect();
    let mut version: i64 = digits.parse().unwrap_or(0);
    if let Some(max) = max
        && version <= max
    {
        version = max + 1;
    }
    if format == SourceFormat::Diesel {
        let d = format!("{version:014}");
        format!("{}-{}-{}-{}", &d[..4], &d[4..6], &d[6..8], &d[8..])
    } else {
        version.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Add priority!").unwrap(), "add_priority");
        assert!(slug("!!!").is_err());
    }

    #[test]
    fn versions_follow_the_project_style() {
        assert_eq!(next_version(&[1, 2, 3], SourceFormat::Native), "0004");
        let v: i64 = next_version(&[], SourceFormat::Native).parse().unwrap();
        assert!(v > 20_260_000_000_000, "{v}");
        assert_eq!(
            next_version(&[99_990_101_000_000], SourceFormat::Native),
            "99990101000001"
        );
        let text = next_version(&[20_190_226_002_946], SourceFormat::Diesel);
        assert_eq!(text.len(), 17);
        assert_eq!(&text[4..5], "-");
    }
}
