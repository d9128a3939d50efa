//! `ratchet verify`: run verify queries now.

use ratchet_migrate::Result;
use ratchet_migrate::config::RunSettings;
use ratchet_migrate::runner::{Runner, VerifyOutcome};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, VerifyArgs};
use crate::render;

#[derive(Serialize)]
struct VerifyJson<'a> {
    migrations: &'a [VerifyOutcome],
}

pub async fn run(project: &Project, args: &VerifyArgs) -> Result<Outcome> {
    let format = project.output("verify", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let mut printer = render::event_printer(format);
    let mut runner = Runner::new(engine.as_mut(), RunSettings::default(), &mut printer);
    let outcomes = runner.verify(&set, args.version).await?;
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    if format == Format::Json {
        render::print_json(&VerifyJson {
            migrations: &outcomes,
        })?;
    } else {
        if outcomes.is_empty() {
            println!("no applied migration has a verify file");
        }
        for outcome in &outcomes {
            match &outcome.failure {
                None => println!(
                    "ok     {} {} ({} quer{})",
                    outcome.version,
                    outcome.name,
                    outcome.queries,
                    if outcome.queries == 1 { "y" } else { "ies" }
                ),
                Some(failure) => println!("FAILED {} {}: {failure}", outcome.version, outcome.name),
            }
        }
        if failed > 0 {
            println!("{failed} verify file(s) failed");
        }
    }
    Ok(if failed > 0 {
        Outcome::ProblemsFound
    } else {
        Outcome::Ok
    })
}
