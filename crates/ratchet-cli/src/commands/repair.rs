//! `ratchet repair`: accept reviewed checksum changes, clear failed rows.

use ratchet_migrate::Result;
use ratchet_migrate::runner::Runner;

use super::Project;
use crate::Outcome;
use crate::cli::RepairArgs;
use crate::render;

pub async fn run(project: &Project, args: &RepairArgs) -> Result<Outcome> {
    project.human_only("repair")?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let mut printer = render::event_printer(project.global.format);
    let mut runner = Runner::new(
        engine.as_mut(),
        project.run_settings(&args.lock),
        &mut printer,
    );
    let repaired = runner
        .repair(&set, &args.versions, args.reason.as_deref())
        .await?;
    if repaired.is_empty() {
        println!("nothing to repair: no migration is drifted or failed");
    }
    for r in &repaired {
        println!("repaired {}: {}", r.version, r.action);
    }
    Ok(Outcome::Ok)
}
