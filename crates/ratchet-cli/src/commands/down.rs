//! `ratchet down`: roll back with down files, newest first.

use ratchet_migrate::Result;
use ratchet_migrate::plan::{DownOptions, DownTarget};
use ratchet_migrate::runner::Runner;
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{DownArgs, Format};
use crate::render;

#[derive(Serialize)]
struct RolledBackJson<'a> {
    rolled_back: &'a [i64],
}

pub async fn run(project: &Project, args: &DownArgs) -> Result<Outcome> {
    let format = project.output("down", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let target = match (args.version, args.to) {
        (Some(version), _) => DownTarget::Only(version),
        (None, Some(to)) => DownTarget::To(to),
        (None, None) => DownTarget::Last,
    };
    let url = engine.target().to_string();
    let mut printer = render::event_printer(format);
    let snapshots = project.snapshot_settings()?;
    let mut runner = Runner::new(
        engine.as_mut(),
        project.run_settings(&args.lock),
        &mut printer,
    )
    .with_snapshots(snapshots);
    let options = DownOptions {
        mode: project.config.mode,
        cascade: args.cascade,
        accept_data_loss: args.accept_data_loss.clone(),
    };
    let rolled_back = runner.down(&set, target, &options).await?;
    if format == Format::Json {
        render::print_json(&RolledBackJson {
            rolled_back: &rolled_back,
        })?;
    } else if rolled_back.is_empty() {
        println!("nothing to roll back on {url}");
    } else {
        println!("rolled back {} migration(s) on {url}", rolled_back.len());
    }
    Ok(Outcome::Ok)
}
