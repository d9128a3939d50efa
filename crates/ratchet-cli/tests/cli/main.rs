//! The real `ratchet` binary, end to end: output, exit codes and the database afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod backfill;
mod dependencies;
mod errors;
mod guard;
mod lint;
mod locking;
mod quick_start;
mod revert;
mod rollback_checks;
mod scaffolding;
mod schema_snapshots;
