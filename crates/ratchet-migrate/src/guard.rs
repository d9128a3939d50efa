//! Guarded rollbacks: before a down script destroys data, ratchet saves it (or records
//! that the user accepted the loss). Being written.

use crate::Result;
use crate::engine::Engine;
use crate::plan::{DownOptions, Step};
use crate::source::Migration;

/// Runs before a down step's statements; returns the note for the ledger row.
pub(crate) async fn protect(
    engine: &mut dyn Engine,
    step: &Step,
    migration: &Migration,
    options: &DownOptions,
) -> Result<Option<String>> {
    let _ = (engine, step, migration);
    Ok(options
        .accept_data_loss
        .as_ref()
        .map(|reason| format!("accepted data loss: {reason}")))
}
