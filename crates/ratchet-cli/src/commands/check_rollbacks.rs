//! `ratchet check-rollbacks`: up, down and up again for each migration on a scratch
//! database; every down must restore the schema. For CI.

use ratchet_migrate::check_rollbacks::{self, CheckResult, MigrationCheck, Report};
use ratchet_migrate::event::Event;
use ratchet_migrate::sql::Dialect;
use ratchet_migrate::{Error, Result};

use super::Project;
use crate::Outcome;
use crate::cli::Format;
use crate::render;

pub async fn run(project: &Project) -> Result<Outcome> {
    let format = project.output(
        "check-rollbacks",
        &[Format::Human, Format::Json, Format::Github],
    )?;
    let url = project.url()?;
    let dialect = Dialect::from_url(&url).ok_or_else(|| {
        Error::Usage(format!(
            "unsupported database URL `{}`: it must start with postgres://, mysql://, \
             mariadb:// or sqlite:",
            ratchet_migrate::url::redact(&url)
        ))
    })?;
    let set = project.migrations(dialect)?;
    let mut printer = render::event_printer(format);
    let mut events = |event: Event| printer(event);
    let report = check_rollbacks::check_rollbacks(
        &url,
        &set,
        project.config.run.clone(),
        project.config.mode,
        &mut events,
    )
    .await?;
    match format {
        Format::Json => render::print_json(&report)?,
        Format::Github => print!("{}", github(&report)),
        _ => print!("{}", human(&report)),
    }
    Ok(if report.failed() {
        Outcome::ProblemsFound
    } else {
        Outcome::Ok
    })
}

/// One line per migration, the detail of each failure indented under it, and a summary.
fn human(report: &Report) -> String {
    let mut out = String::new();
    for check in &report.migrations {
        out.push_str(&format!(
            "{:<18} {} {}",
            check.result.as_str(),
            check.version,
            check.name
        ));
        if check.result.is_failure() && check.result != CheckResult::NotChecked {
            out.push_str(&format!(" ({})", check.file.display()));
        }
        out.push('\n');
        if check.result.is_failure() {
            for line in check.detail.lines() {
                out.push_str(format!("    {line}").trim_end());
                out.push('\n');
            }
        }
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn summary(report: &Report) -> String {
    let total = report.migrations.len();
    let failed = report
        .migrations
        .iter()
        .filter(|m| m.result.is_failure())
        .count();
    if total == 0 {
        "no migrations to check".to_string()
    } else if failed == 0 {
        format!(
            "all {total} migration(s) round-trip: each down restores the schema and each up \
             runs again"
        )
    } else {
        format!("{failed} of {total} migration(s) did not pass the rollback check")
    }
}

/// GitHub Actions workflow commands: an error on the file at fault for each failure.
fn github(report: &Report) -> String {
    let mut out = String::new();
    for check in report.migrations.iter().filter(|m| m.result.is_failure()) {
        let command = if check.result == CheckResult::NotChecked {
            "warning"
        } else {
            "error"
        };
        out.push_str(&format!(
            "::{command} file={},title={}::{}\n",
            render::github_property(&check.file.display().to_string()),
            render::github_property(&format!(
                "ratchet check-rollbacks: {}",
                check.result.as_str()
            )),
            render::github_data(&message(check))
        ));
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn message(check: &MigrationCheck) -> String {
    format!("{} {}: {}", check.version, check.name, check.detail)
}
