//! Snapshots before risky steps: `up` and `down` save the schema before a step whose
//! statements destroy data or rewrite a table, judged by the statement facts.

use std::collections::BTreeMap;

use super::SnapshotSettings;
use crate::engine::Engine;
use crate::event::Event;
use crate::plan::{self, Step};
use crate::source::MigrationSet;
use crate::{Error, Result};

/// The steps of a run that destroy data or rewrite a table, each with why (for people).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskySteps(BTreeMap<i64, String>);

impl RiskySteps {
    /// Why the step of `version` is risky (its first destructive or rewriting statement),
    /// or `None` when it is not.
    pub fn reason(&self, version: i64) -> Option<&str> {
        self.0.get(&version).map(String::as_str)
    }
}

/// Which of `steps` destroy data or rewrite a table, judged on `engine`'s dialect and
/// version against the schema the earlier migrations build.
pub fn risky_steps(set: &MigrationSet, steps: &[Step], engine: &dyn Engine) -> RiskySteps {
    if steps.is_empty() {
        return RiskySteps::default();
    }
    RiskySteps(
        plan::analyze_steps(set, steps, engine.dialect(), engine.versions())
            .into_iter()
            .filter_map(|planned| {
                let statement = planned
                    .analysis
                    .iter()
                    .find(|s| s.destroys.is_some() || s.rewrites)?;
                Some((
                    planned.step.version,
                    format!(
                        "{}:{}: {}",
                        planned.step.path.display(),
                        statement.line,
                        statement.risk
                    ),
                ))
            })
            .collect(),
    )
}

/// Saves the snapshot (and the `pg_dump` file) before `step`; returns the event that
/// says where. A snapshot that cannot be written stops the run before the step.
pub async fn save_before_step(
    engine: &mut dyn Engine,
    settings: &SnapshotSettings,
    step: &Step,
    reason: &str,
) -> Result<Event> {
    let path = settings.file_for(step.version, step.direction);
    let pg_dump_path = path.with_extension("pg_dump.sql");
    let saved = super::save(engine, settings.url.as_deref(), &path, Some(pg_dump_path))
        .await
        .map_err(|e| Error::Refused {
            message: format!(
                "migration {} is risky ({reason}), so ratchet saves a schema snapshot before \
                 it runs, and could not: {e}. Migration {} did not run; fix the folder, or \
                 choose another with [snapshots] dir in ratchet.toml",
                step.version, step.version
            ),
        })?;
    Ok(Event::SnapshotSaved {
        version: step.version,
        direction: step.direction,
        reason: reason.to_string(),
        path: saved.path,
        pg_dump: saved.pg_dump,
        pg_dump_skipped: saved.pg_dump_skipped,
    })
}
