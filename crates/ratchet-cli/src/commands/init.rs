//! `ratchet init`: write ratchet.toml and migrations/, adopting another tool's folder.

use std::path::{Path, PathBuf};

use ratchet_migrate::config::FILE_NAME;
use ratchet_migrate::source::{self, SourceFormat};
use ratchet_migrate::{Error, Result};

use super::Project;
use crate::Outcome;

/// Where other tools keep their migrations by default.
const KNOWN_FOLDERS: [&str; 4] = [
    "migrations",
    "db/migrations",
    "src/main/resources/db/migration",
    "sql/migrations",
];

pub fn run(project: &Project) -> Result<Outcome> {
    project.human_only("init")?;
    let config_path = Path::new(FILE_NAME);
    if config_path.exists() {
        return Err(Error::Usage(format!(
            "{FILE_NAME} already exists here; edit it, or remove it to start over"
        )));
    }
    let found = KNOWN_FOLDERS.iter().map(PathBuf::from).find(|dir| {
        dir.read_dir()
            .is_ok_and(|mut entries| entries.next().is_some())
    });
    let (dir, format) = match found {
        Some(dir) => {
            let format = source::detect_format(&dir)?;
            println!("found {} migrations in {}", format, dir.display());
            (dir, Some(format))
        }
        None => {
            let dir = PathBuf::from("migrations");
            std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
                path: dir.clone(),
                source: e,
            })?;
            println!("created {}/", dir.display());
            (dir, None)
        }
    };
    let url = project
        .global
        .database_url
        .clone()
        .unwrap_or_else(|| "${DATABASE_URL}".to_string());
    let format_line = match format {
        Some(f) if f != SourceFormat::Native => format!("format = \"{f}\"\n"),
        _ => String::new(),
    };
    let text = format!(
        "[database]\n\
         # ${{VAR}} is expanded; DATABASE_URL and --database-url override this.\n\
         url = \"{url}\"\n\
         \n\
         [migrations]\n\
         dir = \"{}\"\n\
         {format_line}\
         # \"reversible\": down files roll back. \"forward-only\": `ratchet revert` writes the undo\n\
         # as a new migration.\n\
         mode = \"reversible\"\n\
         \n\
         [run]\n\
         # How long a statement may wait for a table lock before ratchet backs off and retries.\n\
         ddl_lock_timeout = \"5s\"\n",
        dir.display().to_string().replace('\\', "/")
    );
    std::fs::write(config_path, text).map_err(|e| Error::Io {
        path: config_path.to_path_buf(),
        source: e,
    })?;
    println!("wrote {FILE_NAME}");
    Ok(Outcome::Ok)
}
