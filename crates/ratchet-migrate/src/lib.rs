//! ratchet's library: load migrations in ratchet's layout or another tool's, split and
//! classify their SQL, and apply or roll them back on PostgreSQL, MySQL/MariaDB or SQLite
//! with one migrator at a time and an append-only ledger.
//!
//! The library never prints: long operations report [`Event`]s to a callback, and
//! every outcome is a value or an [`Error`] whose message says what to do next.
//!
//! Migrating from an application at start-up:
//!
//! ```no_run
//! use ratchet_migrate::{config::RunSettings, engine, plan::UpOptions, runner::Runner, source};
//!
//! async fn migrate(url: &str) -> ratchet_migrate::Result<Vec<i64>> {
//!     let mut db = engine::connect(url).await?;
//!     let migrations = source::load("migrations".as_ref(), None, db.dialect())?;
//!     let mut events = |event| eprintln!("{event:?}");
//!     Runner::new(db.as_mut(), RunSettings::default(), &mut events)
//!         .up(&migrations, &UpOptions::default())
//!         .await
//! }
//! ```

pub mod backfill;
pub mod backups;
pub mod check_rollbacks;
pub mod config;
pub mod engine;
mod error;
pub mod event;
pub mod graph;
mod guard;
pub mod ledger;
pub mod lint;
pub mod plan;
pub mod repair;
pub mod restore;
pub mod revert;
pub mod runner;
pub mod snapshot;
pub mod source;
pub mod sql;
pub mod status;
pub mod url;

pub use error::{Error, Result};
pub use event::Event;
