//! `ratchet backfill status|pause|resume`: inspect, pause and continue batched backfills.

use ratchet_migrate::Result;
use ratchet_migrate::backfill::{self, BackfillStatus, StopSignal};
use ratchet_migrate::engine::{Engine, LockHolder};
use ratchet_migrate::lint::LintOptions;
use ratchet_migrate::plan::UpOptions;
use ratchet_migrate::runner::Runner;
use ratchet_migrate::sql::Dialect;
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{BackfillArgs, BackfillCommand, Format};
use crate::render;

#[derive(Serialize)]
struct StatusJson<'a> {
    backfills: &'a [BackfillStatus],
}

#[derive(Serialize)]
struct VersionsJson<'a> {
    paused: &'a [i64],
}

#[derive(Serialize)]
struct AppliedJson<'a> {
    applied: &'a [i64],
}

pub async fn run(project: &Project, args: &BackfillArgs) -> Result<Outcome> {
    match &args.command {
        BackfillCommand::Status { version } => status(project, *version).await,
        BackfillCommand::Pause { version } => pause(project, *version).await,
        BackfillCommand::Resume {
            version,
            final_pass,
            lock,
        } => {
            let format = project.output("backfill resume", &[Format::Human, Format::Json])?;
            let mut engine = project.connect().await?;
            let set = project.migrations(engine.dialect())?;
            let options = UpOptions {
                final_pass: *final_pass,
                lint: Some(LintOptions::from_config(&project.config, engine.dialect())?),
                ..UpOptions::default()
            };
            let target = engine.target().to_string();
            let mut printer = render::event_printer(format);
            let stop = StopSignal::new();
            stop_on_ctrl_c(&stop);
            let mut runner = Runner::new(engine.as_mut(), project.run_settings(lock), &mut printer)
                .with_backfill(project.backfill_settings()?, stop);
            let applied = runner.resume_backfills(&set, *version, &options).await?;
            if format == Format::Json {
                render::print_json(&AppliedJson { applied: &applied })?;
            } else if applied.is_empty() {
                println!("nothing to resume: no backfill on {target} is paused or interrupted");
            } else {
                println!("applied {} migration(s) to {target}", applied.len());
            }
            Ok(Outcome::Ok)
        }
    }
}

/// Whether a ratchet holds the migrator lock now (so that a `running` checkpoint is really
/// running, not interrupted).
async fn migrator_running(engine: &mut dyn Engine) -> bool {
    match engine.dialect() {
        // The lock file keeps the last holder's name; only trying the lock tells.
        Dialect::Sqlite => match engine.try_lock(&LockHolder::this_process()).await {
            Ok(true) => {
                let _ = engine.unlock().await;
                false
            }
            _ => true,
        },
        Dialect::Postgres | Dialect::Mysql => {
            matches!(engine.lock_holder().await, Ok(Some(_)))
        }
    }
}

async fn status(project: &Project, version: Option<i64>) -> Result<Outcome> {
    let format = project.output("backfill status", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let running = migrator_running(engine.as_mut()).await;
    let mut all = backfill::status(engine.as_mut(), running).await?;
    all.retain(|b| version.is_none_or(|v| v == b.checkpoint.version));
    if format == Format::Json {
        render::print_json(&StatusJson { backfills: &all })?;
        return Ok(Outcome::Ok);
    }
    if all.is_empty() {
        println!("no backfills on {}", engine.target());
        return Ok(Outcome::Ok);
    }
    let rows = all
        .iter()
        .map(|b| {
            let c = &b.checkpoint;
            let rows = match (c.phase, c.rows_estimated) {
                (ratchet_migrate::backfill::Phase::Canary, _) => {
                    format!("{} (canary)", c.canary_rows)
                }
                (_, Some(total)) => format!("{}/{total}", c.rows_done),
                (_, None) => c.rows_done.to_string(),
            };
            vec![
                c.version.to_string(),
                c.table.clone(),
                c.phase.as_str().to_string(),
                b.shown_state.clone(),
                rows,
                c.rows_changed.to_string(),
                format!("{:.0}/s", b.rows_per_second),
                b.eta_seconds
                    .map(|s| {
                        humantime::format_duration(std::time::Duration::from_secs(s as u64))
                            .to_string()
                    })
                    .unwrap_or_else(|| "-".into()),
                c.updated_at.clone(),
            ]
        })
        .collect();
    println!(
        "{}",
        render::table(
            &[
                "VERSION", "TABLE", "PHASE", "STATE", "ROWS", "CHANGED", "RATE", "ETA", "UPDATED"
            ],
            rows
        )
    );
    for b in &all {
        let c = &b.checkpoint;
        let next = match b.shown_state.as_str() {
            "interrupted" => Some("`ratchet up` or `ratchet backfill resume` continues it"),
            "paused" => Some("`ratchet backfill resume` continues it"),
            "canary_verified" => Some("canary verified; `ratchet up` continues with the rest"),
            "failed" => Some("`ratchet repair` clears it, then `ratchet up` starts over"),
            _ => None,
        };
        if let Some(next) = next {
            println!("{} {}: {next}", b.shown_state, c.version);
        }
        if let Some(note) = &c.note
            && b.shown_state != "done"
        {
            println!("  {note}");
        }
    }
    Ok(Outcome::Ok)
}

async fn pause(project: &Project, version: Option<i64>) -> Result<Outcome> {
    let format = project.output("backfill pause", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let paused = backfill::pause(engine.as_mut(), version).await?;
    if format == Format::Json {
        render::print_json(&VersionsJson { paused: &paused })?;
    } else if paused.is_empty() {
        println!("no backfill is running or interrupted: nothing to pause");
    } else {
        for v in &paused {
            println!(
                "paused the backfill of migration {v}: a running ratchet stops after its current \
                 batch; `ratchet backfill resume` continues it"
            );
        }
    }
    Ok(Outcome::Ok)
}

/// Ctrl-C while a backfill runs: finish the batch, checkpoint, exit with a clear message
/// (exit code 130). A second Ctrl-C, or one outside a backfill, ends the process at once,
/// as usual (the database rolls back the open transaction).
pub fn stop_on_ctrl_c(stop: &StopSignal) {
    let stop = stop.clone();
    tokio::spawn(async move {
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            if stop.is_graceful() && !stop.is_requested() {
                stop.request();
                eprintln!(
                    "\ninterrupt: finishing the current batch and saving the checkpoint \
                     (Ctrl-C again to stop at once)"
                );
            } else {
                eprintln!("\ninterrupted");
                std::process::exit(130);
            }
        }
    });
}
