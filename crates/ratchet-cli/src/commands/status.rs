//! `ratchet status`: each migration's state, from the files and the ledger.

use ratchet_migrate::status::{self, State};
use ratchet_migrate::{Result, ledger};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::Format;
use crate::render;

#[derive(Serialize)]
struct StatusJson<'a> {
    migrations: &'a [status::MigrationStatus],
}

pub async fn run(project: &Project) -> Result<Outcome> {
    let format = project.output("status", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let rows = ledger::rows(engine.as_mut()).await?;
    let statuses = status::compute(&set, &rows);
    if format == Format::Json {
        render::print_json(&StatusJson {
            migrations: &statuses,
        })?;
        return Ok(Outcome::Ok);
    }
    println!(
        "{} ({} migrations in {})",
        engine.target(),
        set.format,
        set.dir.display()
    );
    if statuses.is_empty() {
        println!("no migrations yet: `ratchet new <name>` creates one");
        return Ok(Outcome::Ok);
    }
    let rows = statuses
        .iter()
        .map(|s| {
            vec![
                s.version.to_string(),
                s.name.clone(),
                s.state.as_str().to_string(),
                s.applied_at
                    .clone()
                    .or_else(|| s.rolled_back_at.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    println!(
        "{}",
        render::table(&["VERSION", "NAME", "STATE", "WHEN"], rows)
    );
    for s in &statuses {
        if let Some(detail) = &s.detail {
            println!("{} {}: {detail}", s.state.as_str(), s.version);
        }
    }
    let count = |state: State| statuses.iter().filter(|s| s.state == state).count();
    let mut summary: Vec<String> = [
        State::Applied,
        State::Pending,
        State::RolledBack,
        State::Failed,
        State::Drifted,
        State::Missing,
    ]
    .into_iter()
    .filter(|s| count(*s) > 0)
    .map(|s| format!("{} {}", count(s), s.as_str().replace('_', " ")))
    .collect();
    if summary.is_empty() {
        summary.push("nothing".into());
    }
    println!("{}", summary.join(", "));
    Ok(Outcome::Ok)
}
