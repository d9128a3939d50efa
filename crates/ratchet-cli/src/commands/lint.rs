//! `ratchet lint`: analyse SQL without a database.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use ratchet_migrate::lint::{self, Finding, LintOptions};
use ratchet_migrate::source::Script;
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, LintArgs};
use crate::render;

#[derive(Serialize)]
struct FindingsJson<'a> {
    findings: &'a [Finding],
}

pub fn run(project: &Project, args: &LintArgs) -> Result<Outcome> {
    let format = project.output(
        "lint",
        &[Format::Human, Format::Json, Format::Github, Format::Sarif],
    )?;
    // The dialect the project's database speaks, when it names one; linting needs no
    // connection.
    let dialect = args
        .dialect
        .or_else(|| project.url().ok().and_then(|url| Dialect::from_url(&url)))
        .unwrap_or(Dialect::Postgres);
    let options = LintOptions::from_config(&project.config, dialect)?;
    let findings = lint_paths(project, &args.paths, &options)?;
    match format {
        Format::Json => render::print_json(&FindingsJson {
            findings: &findings,
        })?,
        Format::Github => print!("{}", render::findings_github(&findings)),
        Format::Sarif => render::print_json(&render::findings_sarif(&findings))?,
        // `output` refused dot above; it is `graph`'s.
        Format::Human | Format::Dot => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            println!("{}", render::findings_human(&findings, color));
        }
    }
    Ok(if findings.iter().any(Finding::blocks) {
        Outcome::ProblemsFound
    } else {
        Outcome::Ok
    })
}

/// Folders are linted as migration histories (in their layout); files as loose scripts,
/// in the order given.
fn lint_paths(project: &Project, paths: &[PathBuf], options: &LintOptions) -> Result<Vec<Finding>> {
    let default = [project.config.migrations_dir.clone()];
    let paths = if paths.is_empty() {
        if !default[0].is_dir() {
            return Err(Error::Usage(format!(
                "no migrations folder `{}` here: name the files or folders to lint",
                default[0].display()
            )));
        }
        &default[..]
    } else {
        paths
    };
    let mut findings = Vec::new();
    let mut scripts = Vec::new();
    for path in paths {
        if path.is_dir() {
            // The project's folder keeps its configured layout; others are detected.
            let format = (path == &project.config.migrations_dir)
                .then_some(project.config.format)
                .flatten();
            findings.extend(lint::lint_folder(path, format, options));
        } else if path.is_file() {
            match Script::from_file(path, options.dialect) {
                Ok(script) => scripts.push(script),
                Err(e) => findings.extend(lint::invalid_file_finding(&e, options)),
            }
        } else {
            return Err(Error::Usage(format!(
                "{}: no such file or folder",
                display(path)
            )));
        }
    }
    findings.extend(lint::lint_scripts(&scripts, options));
    Ok(findings)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
