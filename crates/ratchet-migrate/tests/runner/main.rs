//! The runner against real databases: PostgreSQL and MariaDB on the local servers (a fresh
//! database per test), SQLite in temporary files.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod backfill;
mod failures;
mod ledger_ops;
mod locking;
mod replica;
mod round_trip;
mod tls;
