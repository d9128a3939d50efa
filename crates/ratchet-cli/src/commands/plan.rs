//! `ratchet plan`: what `up` (or `down`) would run, each statement's lock and risk.

use ratchet_migrate::graph::Graph;
use ratchet_migrate::plan::{self, DownTarget, PlannedStep, UpOptions};
use ratchet_migrate::{Result, ledger};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, PlanArgs};
use crate::render;

#[derive(Serialize)]
struct PlanJson<'a> {
    steps: &'a [PlannedStep],
}

pub async fn run(project: &Project, args: &PlanArgs) -> Result<Outcome> {
    let format = project.output("plan", &[Format::Human, Format::Json])?;
    let mut engine = project.connect().await?;
    let dialect = engine.dialect();
    let set = project.migrations(dialect)?;
    let rows = ledger::rows(engine.as_mut()).await?;
    let steps = if args.down {
        let target = args.to.map_or(DownTarget::Last, DownTarget::To);
        plan::down_plan(
            &set,
            &rows,
            target,
            project.config.mode,
            dialect,
            engine.server_version(),
        )?
    } else {
        let options = UpOptions {
            to: args.to,
            ..UpOptions::default()
        };
        plan::up_plan(&set, &rows, &options, dialect, engine.server_version())?
    };
    let planned = plan::analyze_steps(&set, &steps, dialect, engine.versions());
    if format == Format::Json {
        render::print_json(&PlanJson { steps: &planned })?;
        return Ok(Outcome::Ok);
    }
    let mut text = render_plan(engine.target(), args.down, &planned);
    if args.down && planned.len() > 1 {
        text.push_str(&rollback_order(&Graph::build(&set, dialect)?, &planned));
    }
    print!("{text}");
    Ok(Outcome::Ok)
}

/// Why a rollback runs in its order: each step that must come before a later one, and
/// why.
fn rollback_order(graph: &Graph, steps: &[PlannedStep]) -> String {
    let mut lines = Vec::new();
    for (i, planned) in steps.iter().enumerate() {
        for later in &steps[i + 1..] {
            if let Some(dependency) = graph.dependency(planned.step.version, later.step.version) {
                lines.push(format!(
                    "  {} before {}: {}\n",
                    planned.step.version,
                    later.step.version,
                    dependency.reasons.join("; ")
                ));
            }
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "\norder: dependents are rolled back before what they depend on\n{}",
        lines.concat()
    )
}

/// The plan for people: each step, how it runs, and a line per statement.
pub fn render_plan(target: &str, down: bool, steps: &[PlannedStep]) -> String {
    let verb = if down { "roll back" } else { "apply" };
    if steps.is_empty() {
        return format!("nothing to {verb} on {target}\n");
    }
    let mut out = format!("would {verb} {} migration(s) on {target}:\n", steps.len());
    for planned in steps {
        let step = &planned.step;
        out.push_str(&format!(
            "\n{} {} ({}, {})\n",
            step.version,
            step.name,
            step.path.display(),
            if step.batched {
                "in keyset batches"
            } else if step.transactional {
                "in one transaction"
            } else {
                "statement by statement"
            }
        ));
        for notice in &step.notices {
            out.push_str(&format!("note: {notice}\n"));
        }
        let rows = planned
            .analysis
            .iter()
            .map(|s| {
                vec![
                    s.line.to_string(),
                    shorten(&s.statement, 48),
                    s.lock.clone(),
                    s.risk.clone(),
                ]
            })
            .collect();
        out.push_str(&render::table(&["LINE", "STATEMENT", "LOCK", "RISK"], rows));
        out.push('\n');
    }
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
