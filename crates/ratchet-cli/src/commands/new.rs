//! `ratchet new`: create a migration's files with the next version, in the project's layout.

use std::path::PathBuf;

use ratchet_migrate::config::Mode;
use ratchet_migrate::source::{self, SourceFormat};
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};

use super::Project;
use crate::Outcome;
use crate::cli::NewArgs;

pub fn run(project: &Project, args: &NewArgs) -> Result<Outcome> {
    project.human_only("new")?;
    let name = source::slug(&args.name).ok_or_else(|| {
        Error::Usage(format!(
            "`{}` has no letters or digits; name the migration, e.g. add_priority",
            args.name
        ))
    })?;
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
    let version_text = source::version_text(source::next_version(versions), format);
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
