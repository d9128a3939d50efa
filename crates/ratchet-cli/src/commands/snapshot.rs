//! `ratchet snapshot`: the schema as deterministic, diffable text.

use ratchet_migrate::{Result, engine, snapshot};

use super::Project;
use crate::Outcome;
use crate::cli::SnapshotArgs;

pub async fn run(project: &Project, args: &SnapshotArgs) -> Result<Outcome> {
    project.human_only("snapshot")?;
    let url = project.url()?;
    let mut engine = engine::connect(&url).await?;
    let Some(path) = &args.out else {
        print!("{}", snapshot::take(engine.as_mut()).await?.render());
        return Ok(Outcome::Ok);
    };
    let saved = snapshot::save(engine.as_mut(), Some(&url), path, None).await?;
    println!(
        "wrote the schema snapshot of {} to {}",
        engine.target(),
        saved.path.display()
    );
    if let Some(dump) = &saved.pg_dump {
        println!("wrote pg_dump --schema-only to {}", dump.display());
    }
    if let Some(why) = &saved.pg_dump_skipped {
        println!("note: no pg_dump file: {why}");
    }
    Ok(Outcome::Ok)
}
