//! The runner against real databases: PostgreSQL and MariaDB on the local servers (a fresh
//! database per test), SQLite in temporary files.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod backfill;
mod dependencies;
mod failures;
mod guard;
mod ledger_ops;
mod locking;
mod replica;
mod revert;
mod rollback_checks;
mod round_trip;
mod schema_snapshots;
mod tls;
