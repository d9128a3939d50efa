//! `repair` and `baseline`: the ledger edits a person asks for, each recorded in `note`.

use serde::Serialize;

use crate::ledger::{self, Change, NewRow, RowState};
use crate::runner::Runner;
use crate::source::MigrationSet;
use crate::status::{self, State};
use crate::{Error, Result};

/// What `repair` did to one migration's live row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repaired {
    /// The migration's version.
    pub version: i64,
    /// What was done, in words.
    pub action: String,
}

fn stamp(reason: Option<&str>) -> String {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
    let by = ledger::applied_by();
    match reason {
        Some(reason) => format!("{now} by {by}: {reason}"),
        None => format!("{now} by {by}"),
    }
}

impl Runner<'_> {
    /// Accepts the reviewed checksum change of drifted migrations and clears failed rows
    /// (all of them, or only `versions`). Each repair is recorded in the row's note.
    pub async fn repair(
        &mut self,
        set: &MigrationSet,
        versions: &[i64],
        reason: Option<&str>,
    ) -> Result<Vec<Repaired>> {
        self.lock().await?;
        let result = self.repair_locked(set, versions, reason).await;
        self.unlock(result).await
    }

    async fn repair_locked(
        &mut self,
        set: &MigrationSet,
        versions: &[i64],
        reason: Option<&str>,
    ) -> Result<Vec<Repaired>> {
        let rows = ledger::rows(self.engine).await?;
        let statuses = status::compute(set, &rows);
        for version in versions {
            match statuses.iter().find(|s| s.version == *version) {
                Some(s) if matches!(s.state, State::Failed | State::Drifted) => {}
                Some(s) => {
                    return Err(Error::Usage(format!(
                        "migration {version} is {}: there is nothing to repair",
                        s.state.as_str()
                    )));
                }
                None => {
                    return Err(Error::Usage(format!(
                        "there is no migration with version {version}"
                    )));
                }
            }
        }
        let mut repaired = Vec::new();
        for s in &statuses {
            if !versions.is_empty() && !versions.contains(&s.version) {
                continue;
            }
            let Some(row) = rows.iter().find(|r| r.is_live() && r.version == s.version) else {
                continue;
            };
            let (change, action) = match s.state {
                State::Failed => {
                    let action = format!(
                        "cleared the failed row ({} statement(s) had committed); the migration \
                         is pending again",
                        row.statements_done
                    );
                    let note = ledger::append_note(
                        row.note.as_deref(),
                        &format!("repair {}: {action}", stamp(reason)),
                    );
                    (Change::Cleared { note }, action)
                }
                State::Drifted => {
                    let checksum = s.checksum.clone().unwrap_or_default();
                    let action = format!(
                        "accepted the changed file (checksum {} replaces {})",
                        status::short(&checksum),
                        status::short(&row.checksum)
                    );
                    let note = ledger::append_note(
                        row.note.as_deref(),
                        &format!(
                            "repair {}: accepted checksum {checksum} replacing {}",
                            stamp(reason),
                            row.checksum
                        ),
                    );
                    (Change::Checksum { checksum, note }, action)
                }
                _ => continue,
            };
            ledger::update(self.engine, row.id, change).await?;
            repaired.push(Repaired {
                version: s.version,
                action,
            });
        }
        Ok(repaired)
    }

    /// Adopts a database that was migrated by other means: records every migration up to
    /// and including `version` as applied, without running it.
    pub async fn baseline(&mut self, set: &MigrationSet, version: i64) -> Result<Vec<i64>> {
        self.lock().await?;
        let result = self.baseline_locked(set, version).await;
        self.unlock(result).await
    }

    async fn baseline_locked(&mut self, set: &MigrationSet, version: i64) -> Result<Vec<i64>> {
        ledger::ensure(self.engine).await?;
        let rows = ledger::rows(self.engine).await?;
        if let Some(live) = rows.iter().find(|r| r.is_live()) {
            return Err(Error::Refused {
                message: format!(
                    "the ledger already records applied migrations (version {} first): \
                     baseline adopts a database that ratchet has not migrated yet",
                    live.version
                ),
            });
        }
        let adopted: Vec<_> = set
            .migrations
            .iter()
            .filter(|m| m.version <= version)
            .collect();
        if adopted.is_empty() {
            return Err(Error::Usage(format!(
                "no migration has a version up to {version}; baseline records the migrations \
                 the database already has"
            )));
        }
        let dialect = self.engine.dialect();
        let note = format!(
            "baseline {}: recorded as applied without running it",
            stamp(None)
        );
        for migration in &adopted {
            ledger::insert(
                self.engine,
                &NewRow {
                    note: Some(note.clone()),
                    ..NewRow::of(migration, dialect, RowState::Applied)
                },
            )
            .await?;
        }
        Ok(adopted.iter().map(|m| m.version).collect())
    }
}
