//! Helpers for the source tests: folders of files and the parts of a source error.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{Migration, Script};
use crate::{Error, Result};

/// `CREATE TABLE a (id int);\n` and its SHA-256 (from `sha256sum`).
pub const CREATE_A: &str = "CREATE TABLE a (id int);\n";
pub const CREATE_A_SHA256: &str =
    "c2de7559380e5ebf65caa7d59e166558e80243cf7e70006cc98d1593d94203c1";

/// A temporary folder holding `files` (`(relative path, content)`), subfolders created.
pub fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

/// Writes `bytes` to `dir/name`, creating subfolders.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, bytes).expect("write file");
}

/// The path, line and message of a source error; panics on anything else.
#[track_caller]
pub fn source_error<T: std::fmt::Debug>(result: Result<T>) -> (PathBuf, u32, String) {
    match result {
        Err(Error::Source {
            path,
            line,
            message,
        }) => (path, line, message),
        other => panic!("expected a source error, got {other:?}"),
    }
}

/// The first lines of a script's statements.
pub fn lines(script: &Script) -> Vec<u32> {
    script.statements.iter().map(|s| s.line).collect()
}

/// Versions and names of loaded migrations.
pub fn versions(migrations: &[Migration]) -> Vec<(i64, &str)> {
    migrations
        .iter()
        .map(|m| (m.version, m.name.as_str()))
        .collect()
}
