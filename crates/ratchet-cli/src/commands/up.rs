//! `ratchet up`: apply pending migrations (or, with --dry-run, show how they would run).

use ratchet_migrate::backfill::StopSignal;
use ratchet_migrate::lint::LintOptions;
use ratchet_migrate::plan::{self, Step, UpOptions};
use ratchet_migrate::runner::Runner;
use ratchet_migrate::{Result, ledger};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, UpArgs};
use crate::render;

#[derive(Serialize)]
struct PlanJson<'a> {
    steps: &'a [Step],
}

#[derive(Serialize)]
struct AppliedJson<'a> {
    applied: &'a [i64],
}

pub async fn run(project: &Project, args: &UpArgs) -> Result<Outcome> {
    let format = project.output("up", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let set = project.migrations(engine.dialect())?;
    let options = UpOptions {
        to: args.to,
        canary_only: args.canary_only,
        final_pass: args.final_pass,
        out_of_order: args.out_of_order,
        ignore_missing: args.ignore_missing,
        lint: Some(LintOptions::from_config(&project.config, engine.dialect())?),
    };
    if args.dry_run {
        let rows = ledger::rows(engine.as_mut()).await?;
        let in_progress = ratchet_migrate::backfill::in_progress(engine.as_mut()).await?;
        let steps = plan::up_plan_resuming(
            &set,
            &rows,
            &options,
            engine.dialect(),
            engine.server_version(),
            &in_progress,
        )?;
        if format == Format::Json {
            render::print_json(&PlanJson { steps: &steps })?;
        } else {
            print_plan(engine.target(), &steps);
        }
        return Ok(Outcome::Ok);
    }
    let target = engine.target().to_string();
    let mut printer = render::event_printer(format);
    let snapshots = project.snapshot_settings()?;
    let stop = StopSignal::new();
    super::backfill::stop_on_ctrl_c(&stop);
    let mut runner = Runner::new(
        engine.as_mut(),
        project.run_settings(&args.lock),
        &mut printer,
    )
    .with_snapshots(snapshots)
    .with_backfill(project.backfill_settings()?, stop);
    let applied = runner.up(&set, &options).await?;
    if format == Format::Json {
        render::print_json(&AppliedJson { applied: &applied })?;
    } else if args.canary_only {
        println!(
            "applied {} migration(s) to {target}; stopped at the first backfill's canary \
             (--canary-only)",
            applied.len()
        );
    } else if applied.is_empty() {
        println!("nothing to apply: {target} is up to date");
    } else {
        println!("applied {} migration(s) to {target}", applied.len());
    }
    Ok(Outcome::Ok)
}

/// The dry run for people: each step, how it runs, and its statements by file line.
pub fn print_plan(target: &str, steps: &[Step]) {
    if steps.is_empty() {
        println!("nothing to apply: {target} is up to date");
        return;
    }
    println!("would apply {} migration(s) to {target}:", steps.len());
    for step in steps {
        let how = if step.batched {
            "in keyset batches"
        } else if step.transactional {
            "in one transaction"
        } else {
            "statement by statement"
        };
        println!("{} {} ({how})", step.version, step.name);
        for notice in &step.notices {
            println!("  note: {notice}");
        }
        for statement in &step.statements {
            println!(
                "  {}:{}  {}",
                step.path.display(),
                statement.line,
                statement.first_line()
            );
        }
    }
}
