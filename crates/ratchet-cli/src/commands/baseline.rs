//! `ratchet baseline V`: adopt an existing database.

use ratchet_migrate::Result;
use ratchet_migrate::runner::Runner;

use super::Project;
use crate::Outcome;
use crate::cli::BaselineArgs;
use crate::render;

pub async fn run(project: &Project, args: &BaselineArgs) -> Result<Outcome> {
    project.human_only("baseline")?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let target = engine.target().to_string();
    let mut printer = render::event_printer(project.global.format);
    let mut runner = Runner::new(
        engine.as_mut(),
        project.run_settings(&args.lock),
        &mut printer,
    );
    let adopted = runner.baseline(&set, args.version).await?;
    println!(
        "recorded {} migration(s) up to {} as applied on {target}, without running them",
        adopted.len(),
        args.version
    );
    Ok(Outcome::Ok)
}
