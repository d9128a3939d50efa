use std::path::{Path, PathBuf};
use std::process::Output;

pub use ratchet_test_support::{Kind, TestDb};

/// A project folder in a temporary directory.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A copy of examples/shop.
    pub fn shop() -> Project {
        let project = Project::empty();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop");
        copy_dir(&example, project.path());
        // A database left by someone running the quick start in the example folder.
        let _ = std::fs::remove_file(project.path().join("shop.db"));
        project
    }

    /// A project whose migrations are `files` (name, text).
    pub fn with(files: &[(&str, &str)]) -> Project {
        let project = Project::empty();
        std::fs::create_dir_all(project.path().join("migrations")).unwrap();
        for (name, text) in files {
            project.write(&format!("migrations/{name}"), text);
        }
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `ratchet <args>` run in the project, with no DATABASE_URL from the environment.
    pub fn ratchet(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(binary());
        command
            .current_dir(self.path())
            .env_remove("DATABASE_URL")
            .args(args);
        command
    }
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ratchet"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Output with what changes from run to run (times, durations, hosts, temp paths) masked,
/// for snapshots.
pub fn masked(text: &str) -> String {
    let mut settings = Vec::new();
    for (pattern, replacement) in [
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[time]"),
        (r"\d{8}T\d{6}Z", "[stamp]"),
        (r"\d+ rows/s", "[rate] rows/s"),
        // Whether a progress line has an ETA depends on timing.
        (r", ETA \S+", ""),
        (r"batch \d+", "batch [size]"),
        (r"\(\d+(\.\d+)? m?s\)", "([elapsed])"),
        (r"\b\d+ ms\b", "[ms]"),
        (r"sqlite:\S+", "sqlite:[path]"),
        (r"ratchet_test_\w+", "[database]"),
    ] {
        settings.push((pattern, replacement));
    }
    let mut out = text.to_string();
    // Masking changes widths, and table columns are as wide as their widest value (a
    // "12 ms" against a "9 ms"): runs of spaces are folded so that alignment cannot flake.
    settings.push((r" {2,}", "  "));
    for (pattern, replacement) in settings {
        out = regex_lite::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, replacement)
            .into_owned();
    }
    out
}

/// Asserts the exit code, showing the output when it differs.
#[track_caller]
pub fn assert_code(output: &Output, expected: i32) {
    assert_eq!(
        code(output),
        expected,
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(output),
        stderr(output)
    );
}
