//! `ratchet restore`: put back data that a guarded rollback saved.

use ratchet_migrate::Result;
use ratchet_migrate::backups::BackupKind;
use ratchet_migrate::restore::{self, Restored};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, RestoreArgs};
use crate::render;

#[derive(Serialize)]
struct RestoredJson<'a> {
    restored: &'a Restored,
}

pub async fn run(project: &Project, args: &RestoreArgs) -> Result<Outcome> {
    let format = project.output("restore", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let mut printer = render::event_printer(format);
    let restored = restore::restore(
        engine.as_mut(),
        args.id,
        project.run_settings(&args.lock),
        &mut printer,
    )
    .await?;
    if format == Format::Json {
        render::print_json(&RestoredJson {
            restored: &restored,
        })?;
        return Ok(Outcome::Ok);
    }
    let backup = &restored.backup;
    println!(
        "restored backup {}: {} row(s) of {} put back from {}",
        backup.id,
        restored.rows_restored,
        backup.source(),
        backup.backup_table
    );
    if restored.rows_skipped > 0 {
        let table = match &backup.source_schema {
            Some(schema) => format!("{schema}.{}", backup.source_table),
            None => backup.source_table.clone(),
        };
        match backup.kind {
            BackupKind::Column => println!(
                "{} saved row(s) have no row with their key in {table} any more; they stay in {}",
                restored.rows_skipped, backup.backup_table
            ),
            BackupKind::Table | BackupKind::Rows => println!(
                "{} saved row(s) were already in {table} and were left as they are",
                restored.rows_skipped
            ),
        }
    }
    Ok(Outcome::Ok)
}
