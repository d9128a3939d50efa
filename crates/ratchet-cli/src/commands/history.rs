//! `ratchet history`: the ledger, every row, in the order written.

use ratchet_migrate::backups::{self, Backup};
use ratchet_migrate::{Result, ledger};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::Format;
use crate::render;

#[derive(Serialize)]
struct HistoryJson<'a> {
    entries: &'a [ledger::LedgerRow],
    /// Copies that guarded rollbacks took (`ratchet restore <id>`).
    backups: &'a [Backup],
}

pub async fn run(project: &Project) -> Result<Outcome> {
    let format = project.output("history", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let entries = ledger::rows(engine.as_mut()).await?;
    let backups = backups::list(engine.as_mut()).await?;
    if format == Format::Json {
        render::print_json(&HistoryJson {
            entries: &entries,
            backups: &backups,
        })?;
        return Ok(Outcome::Ok);
    }
    if entries.is_empty() {
        println!(
            "the ledger is empty: nothing has been applied to {}",
            engine.target()
        );
        return Ok(Outcome::Ok);
    }
    let rows = entries
        .iter()
        .map(|r| {
            let rolled_back = match (&r.rolled_back_at, &r.rolled_back_by) {
                (Some(at), Some(by)) => format!("{at} by {by}"),
                (Some(at), None) => at.clone(),
                _ => String::new(),
            };
            vec![
                r.id.to_string(),
                r.version.to_string(),
                r.name.clone(),
                r.kind.clone(),
                r.state.as_str().to_string(),
                format!("{} by {}", r.applied_at, r.applied_by),
                r.execution_time_ms
                    .map(|ms| format!("{ms} ms"))
                    .unwrap_or_default(),
                rolled_back,
            ]
        })
        .collect();
    println!(
        "{}",
        render::table(
            &[
                "ID",
                "VERSION",
                "NAME",
                "KIND",
                "STATE",
                "APPLIED",
                "TOOK",
                "ROLLED BACK"
            ],
            rows
        )
    );
    for r in &entries {
        if let Some(by) = r.reverted_by {
            println!("#{} ({}): reverted by {by}", r.id, r.version);
        }
        if let Some(note) = &r.note {
            println!(
                "#{} ({}): {}",
                r.id,
                r.version,
                note.replace('\n', "\n    ")
            );
        }
    }
    if !backups.is_empty() {
        println!("\nbackups taken before rollbacks (`ratchet restore <id>` puts one back):");
        println!("{}", backups_table(&backups));
    }
    Ok(Outcome::Ok)
}

fn backups_table(backups: &[Backup]) -> String {
    let rows = backups
        .iter()
        .map(|b| {
            let restored = match (&b.restored_at, &b.restored_by) {
                (Some(at), by) => format!(
                    "{at} by {} ({} rows)",
                    by.as_deref().unwrap_or("?"),
                    b.restored_rows.unwrap_or(0)
                ),
                _ => String::new(),
            };
            vec![
                b.id.to_string(),
                b.version.to_string(),
                b.kind.as_str().to_string(),
                b.source(),
                b.backup_table.clone(),
                b.rows
                    .map_or_else(|| "incomplete".to_string(), |r| r.to_string()),
                format!("{} by {}", b.created_at, b.created_by),
                restored,
            ]
        })
        .collect();
    render::table(
        &[
            "ID", "VERSION", "KIND", "SOURCE", "BACKUP", "ROWS", "TAKEN", "RESTORED",
        ],
        rows,
    )
}
