//! `ratchet revert`: write a new forward migration that undoes an applied one, and show
//! what its reviewer must look at.

use ratchet_migrate::lint::{self, Finding, LintOptions};
use ratchet_migrate::revert::{self, Revert, RevertSource};
use ratchet_migrate::{Result, ledger};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, RevertArgs};
use crate::render;

#[derive(Serialize)]
struct RevertJson<'a> {
    #[serde(flatten)]
    revert: &'a Revert,
    findings: &'a [Finding],
}

pub async fn run(project: &Project, args: &RevertArgs) -> Result<Outcome> {
    let format = project.output("revert", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let dialect = engine.dialect();
    let set = project.migrations(dialect)?;
    let rows = ledger::rows(engine.as_mut()).await?;
    let revert = revert::plan(&set, &rows, args.version, dialect)?;
    revert::write(&revert)?;

    // Lint the new migration as `up` will, against the schema the others build.
    let mut options = LintOptions::from_config(&project.config, dialect)?;
    options.version = engine.versions();
    let after = project.migrations(dialect)?;
    let findings: Vec<Finding> = lint::lint_set(&after, &options, |v| v == revert.version)
        .into_iter()
        .filter(|f| revert.files.iter().any(|file| file.path == f.file))
        .collect();

    if format == Format::Json {
        render::print_json(&RevertJson {
            revert: &revert,
            findings: &findings,
        })?;
        return Ok(Outcome::Ok);
    }
    print!("{}", render_revert(&revert, &findings));
    Ok(Outcome::Ok)
}

/// What was written, from what, and what to review.
fn render_revert(revert: &Revert, findings: &[Finding]) -> String {
    let mut out = String::new();
    for file in &revert.files {
        match file.dialect {
            Some(dialect) => {
                out.push_str(&format!("created {} (on {dialect})\n", file.path.display()));
            }
            None => out.push_str(&format!("created {}\n", file.path.display())),
        }
    }
    let from = match &revert.source {
        RevertSource::DownFile { path } => format!("copied from its down file {}", path.display()),
        RevertSource::Generated { statements } => {
            format!("{statements} statement(s) generated from its statements, last first")
        }
    };
    out.push_str(&format!(
        "  reverts {} {}: {from}\n",
        revert.reverts, revert.reverts_name
    ));
    let blocking = findings.iter().filter(|f| f.blocks()).count();
    if revert.review.is_empty() && findings.is_empty() {
        out.push_str(&format!(
            "review it, then `ratchet up` applies it and marks {} reverted by {}\n",
            revert.reverts, revert.version
        ));
        return out;
    }
    out.push_str("needs review before `ratchet up`:\n");
    for note in &revert.review {
        out.push_str(&format!("  - {note}\n"));
    }
    if !findings.is_empty() {
        out.push_str(&format!(
            "  - lint reports {} finding(s):\n",
            findings.len()
        ));
        let text = render::findings_human(findings, false);
        for line in text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    if blocking > 0 {
        out.push_str(&format!(
            "`ratchet up` refuses the error(s) until the statement changes, or a reviewer \
             accepts each with `-- ratchet:allow <rule> -- reverts {}: <why it is safe>` at \
             the top of the file\n",
            revert.reverts
        ));
    }
    out.push_str(&format!(
        "then `ratchet up` applies it and marks {} reverted by {}\n",
        revert.reverts, revert.version
    ));
    out
}
