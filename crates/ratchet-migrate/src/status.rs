//! Where each migration stands: the files compared with the ledger.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ledger::{LedgerRow, RowState};
use crate::source::{MigrationSet, Script};

/// The state of one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Applied, and the file is unchanged since.
    Applied,
    /// Not applied yet.
    Pending,
    /// Was applied, then rolled back; not applied now.
    RolledBack,
    /// Stopped part-way; `detail` says which statements committed.
    Failed,
    /// Applied, but the file changed afterwards (checksum differs).
    Drifted,
    /// Applied, but its file is gone.
    Missing,
}

impl State {
    /// The state's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::RolledBack => "rolled_back",
            State::Failed => "failed",
            State::Drifted => "drifted",
            State::Missing => "missing",
        }
    }
}

/// One migration's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The name (from the file, or from the ledger when the file is missing).
    pub name: String,
    /// Where it stands.
    pub state: State,
    /// The live ledger row's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_id: Option<i64>,
    /// When it was applied (live row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
    /// Who applied it (live row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_by: Option<String>,
    /// When it was last rolled back, when its state is `rolled_back`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back_at: Option<String>,
    /// The file's checksum now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// The checksum recorded when it was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_checksum: Option<String>,
    /// Statements of the up script that committed (failed migrations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements_done: Option<i64>,
    /// Statements in the up script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements_total: Option<usize>,
    /// The version of the forward migration that reverted it (live row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted_by: Option<i64>,
    /// A sentence for people: what committed, what changed, what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The status of every migration that has a file or a live ledger row, by version.
pub fn compute(set: &MigrationSet, rows: &[LedgerRow]) -> Vec<MigrationStatus> {
    let mut live: BTreeMap<i64, &LedgerRow> = BTreeMap::new();
    let mut last_rollback: BTreeMap<i64, &LedgerRow> = BTreeMap::new();
    for row in rows {
        if row.is_live() {
            live.insert(row.version, row);
        } else if row.state == RowState::RolledBack {
            last_rollback.insert(row.version, row);
        }
    }
    let mut versions: Vec<i64> = set.migrations.iter().map(|m| m.version).collect();
    versions.extend(live.keys().copied());
    versions.sort_unstable();
    versions.dedup();

    versions
        .into_iter()
        .map(|version| {
            let migration = set.get(version);
            let row = live.get(&version).copied();
            let mut status = MigrationStatus {
                version,
                name: migration
                    .map(|m| m.name.clone())
                    .or_else(|| row.map(|r| r.name.clone()))
                    .unwrap_or_default(),
                state: State::Pending,
                ledger_id: row.map(|r| r.id),
                applied_at: row.map(|r| r.applied_at.clone()),
                applied_by: row.map(|r| r.applied_by.clone()),
                rolled_back_at: None,
                checksum: migration.map(|m| m.checksum.clone()),
                applied_checksum: row.map(|r| r.checksum.clone()),
                statements_done: None,
                statements_total: migration.map(|m| m.up.statements.len()),
                reverted_by: row.and_then(|r| r.reverted_by),
                detail: None,
            };
            match (migration, row) {
                (None, Some(_)) => {
                    status.state = State::Missing;
                    status.detail = Some(
                        "applied, but its file is gone: restore it from version control".into(),
                    );
                }
                (Some(m), Some(row)) if row.state == RowState::Failed => {
                    status.state = State::Failed;
                    status.statements_done = Some(row.statements_done);
                    status.detail = Some(failure_detail(&m.up, row));
                }
                (Some(m), Some(row)) if row.checksum != m.checksum => {
                    status.state = State::Drifted;
                    status.detail = Some(format!(
                        "{} changed after it was applied (checksum {} then, {} now)",
                        m.up.path.display(),
                        short(&row.checksum),
                        short(&m.checksum)
                    ));
                }
                (Some(_), Some(_)) => status.state = State::Applied,
                (_, None) => {
                    if let Some(rollback) = last_rollback.get(&version) {
                        status.state = State::RolledBack;
                        status.rolled_back_at = rollback.rolled_back_at.clone();
                    }
                }
            }
            if let Some(by) = status.reverted_by
                && !matches!(status.state, State::Failed)
            {
                let reverted = format!("reverted by {by}");
                status.detail = Some(match status.detail.take() {
                    Some(detail) => format!("{detail}; {reverted}"),
                    None => reverted,
                });
            }
            status
        })
        .collect()
}

/// The first 12 characters of a checksum, for messages.
pub fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

/// Which statements of a failed migration committed and which did not, by file line.
pub fn failure_detail(up: &Script, row: &LedgerRow) -> String {
    // A backfill commits batch by batch, not statement by statement: its note says where
    // it stands (`ratchet backfill status` has the numbers).
    if up.directives.backfill.is_some()
        && let Some(note) = &row.note
    {
        return note.replace('\n', "; ");
    }
    let total = up.statements.len();
    let done = usize::try_from(row.statements_done).unwrap_or(0).min(total);
    let lines = |range: std::ops::Range<usize>| -> String {
        let numbers: Vec<String> = up.statements[range]
            .iter()
            .map(|s| s.line.to_string())
            .collect();
        let noun = if numbers.len() == 1 { "line" } else { "lines" };
        format!("{noun} {}", numbers.join(", "))
    };
    let mut detail = if done == 0 {
        format!("none of its {total} statements committed")
    } else {
        format!(
            "{done} of {total} statements committed ({} {})",
            up.path.display(),
            lines(0..done)
        )
    };
    if done < total {
        detail.push_str(&format!("; not committed: {}", lines(done..total)));
    }
    if let Some(note) = &row.note {
        detail.push_str(&format!("; {}", note.replace('\n', "; ")));
    }
    detail
}
