//! `ratchet restore <id>`: puts data that a guarded rollback saved back in place, by key,
//! once the migration that rolled back is applied again and its table or column exists.
//!
//! - A `column` backup sets the column of every row whose key is in the copy to the saved
//!   value (`UPDATE ... FROM`, per engine). Saved rows whose key is no longer in the table
//!   are counted and left in the copy.
//! - A `table` or `rows` backup inserts the saved rows whose key is not in the table (a row
//!   that is there again, re-inserted by the migration's up script say, is left as it is
//!   and counted as skipped: the table's current row wins, nothing is overwritten). A copy
//!   without a key goes back only into an empty table.
//!
//! The restore and its record in `ratchet_backups` (`restored_at`, `restored_by`,
//! `restored_rows`) commit together, under the migrator lock. A backup is restored once.

use serde::Serialize;

use crate::backups::{self, Backup, BackupKind};
use crate::config::RunSettings;
use crate::engine::Engine;
use crate::event::Event;
use crate::guard::catalog::{self, Column, literal, quote, table_sql};
use crate::runner::Runner;
use crate::sql::Dialect;
use crate::sql::facts::Name;
use crate::{Error, Result};

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The backup, as it was before the restore.
    pub backup: Backup,
    /// Rows put back: values set (`column`) or rows inserted (`table`, `rows`).
    pub rows_restored: i64,
    /// Saved rows not put back: for `column`, rows whose key is no longer in the table;
    /// for `table` and `rows`, rows whose key is already there.
    pub rows_skipped: i64,
}

/// Restores backup `id` under the migrator lock (waiting as `settings` say, reporting the
/// wait to `events`).
pub async fn restore(
    engine: &mut dyn Engine,
    id: i64,
    settings: RunSettings,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Restored> {
    let mut runner = Runner::new(engine, settings, events);
    runner.lock().await?;
    let result = restore_locked(runner.engine, id).await;
    runner.unlock(result).await
}

async fn restore_locked(engine: &mut dyn Engine, id: i64) -> Result<Restored> {
    let Some(backup) = backups::get(engine, id).await? else {
        return Err(Error::Usage(format!(
            "there is no backup {id}; `ratchet history` lists the backups"
        )));
    };
    if let Some(at) = &backup.restored_at {
        return Err(Error::Refused {
            message: format!(
                "backup {id} was already restored on {at} by {} ({} row(s)); a backup is \
                 restored once (its copy {} is still there to read)",
                backup.restored_by.as_deref().unwrap_or("someone"),
                backup.restored_rows.unwrap_or(0),
                backup.backup_table
            ),
        });
    }
    let Some(saved_rows) = backup.rows else {
        return Err(Error::Refused {
            message: format!(
                "backup {id} was never completed (the rollback taking it was interrupted); \
                 look at {} by hand",
                backup.backup_table
            ),
        });
    };
    let copy_name = catalog::backup_name(&backup.backup_table);
    let Some(copy_columns) = read_columns(engine, &copy_name).await? else {
        return Err(Error::Refused {
            message: format!(
                "the copy {} of backup {id} no longer exists: there is nothing to restore",
                backup.backup_table
            ),
        });
    };
    let target = Name {
        schema: backup.source_schema.clone(),
        name: backup.source_table.clone(),
    };
    let reapply = format!(
        "re-apply migration {} first (`ratchet up`), then run `ratchet restore {id}` again",
        backup.version
    );
    let Some(target_columns) = read_columns(engine, &target).await? else {
        return Err(Error::Refused {
            message: format!("table {target} does not exist yet: {reapply}"),
        });
    };
    let missing: Vec<&str> = match &backup.source_column {
        Some(column) => backup
            .key_columns
            .iter()
            .chain(std::iter::once(column))
            .map(String::as_str)
            .filter(|c| !target_columns.iter().any(|t| t.is(c)))
            .collect(),
        None => copy_columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| !target_columns.iter().any(|t| t.is(c)))
            .collect(),
    };
    if !missing.is_empty() {
        let what = match (&backup.source_column, missing.as_slice()) {
            (Some(column), [only]) if only.eq_ignore_ascii_case(column) => {
                format!("column {target}.{column} does not exist yet")
            }
            _ => format!(
                "table {target} has no column(s) {} that backup {id} holds",
                missing.join(", ")
            ),
        };
        return Err(Error::Refused {
            message: format!("{what}: {reapply}"),
        });
    }
    engine
        .begin()
        .await
        .map_err(|e| e.context("cannot open a transaction for the restore"))?;
    let outcome = async {
        let restored = put_back(
            engine,
            &backup,
            &copy_name,
            &copy_columns,
            &target,
            &target_columns,
        )
        .await?;
        backups::restored(engine, id, restored).await?;
        Ok::<i64, Error>(restored)
    }
    .await;
    let rows_restored = match outcome {
        Ok(rows) => rows,
        Err(e) => {
            let _ = engine.execute("ROLLBACK").await;
            return Err(e);
        }
    };
    engine
        .execute("COMMIT")
        .await
        .map_err(|e| e.context(format!("cannot commit the restore of backup {id}")))?;
    Ok(Restored {
        backup,
        rows_restored,
        rows_skipped: (saved_rows - rows_restored).max(0),
    })
}

async fn read_columns(engine: &mut dyn Engine, table: &Name) -> Result<Option<Vec<Column>>> {
    catalog::columns(engine, table)
        .await
        .map_err(|e| e.context(format!("cannot read the columns of {table}")))
}

/// The saved value of `column` as the target column takes it: PostgreSQL copies keep user
/// types as text, so values are cast to the target's type.
fn value(dialect: Dialect, alias: &str, column: &Column, target: Option<&Column>) -> String {
    let source = format!("{alias}.{}", quote(dialect, &column.name));
    match (dialect, target) {
        (Dialect::Postgres, Some(t)) => format!("CAST({source} AS {})", t.type_sql),
        _ => source,
    }
}

/// `t.k1 = b.k1 AND t.k2 = b.k2`.
fn key_match(dialect: Dialect, key: &[String], left: &str, right: &str) -> String {
    key.iter()
        .map(|k| {
            let k = quote(dialect, k);
            format!("{left}.{k} = {right}.{k}")
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

async fn put_back(
    engine: &mut dyn Engine,
    backup: &Backup,
    copy_name: &Name,
    copy_columns: &[Column],
    target: &Name,
    target_columns: &[Column],
) -> Result<i64> {
    let d = engine.dialect();
    let copy = table_sql(d, copy_name);
    let table = table_sql(d, target);
    let target_column = |name: &str| target_columns.iter().find(|c| c.is(name));
    let failed = |e: crate::engine::DbError| {
        e.context(format!(
            "cannot restore backup {} into {}",
            backup.id,
            backup.source()
        ))
    };
    match (backup.kind, &backup.source_column) {
        (BackupKind::Column, Some(column)) => {
            let saved =
                copy_columns
                    .iter()
                    .find(|c| c.is(column))
                    .ok_or_else(|| Error::Refused {
                        message: format!(
                            "the copy {} has no column {column}: restore by hand",
                            backup.backup_table
                        ),
                    })?;
            let matched = catalog::count(
                engine,
                &format!(
                    "SELECT count(*) FROM {copy} AS b JOIN {table} AS t ON {}",
                    key_match(d, &backup.key_columns, "t", "b")
                ),
            )
            .await
            .map_err(failed)?;
            let set_column = quote(d, &saved.name);
            let sql = match d {
                Dialect::Postgres => format!(
                    "UPDATE {table} AS t SET {set_column} = {} FROM {copy} AS b WHERE {}",
                    value(d, "b", saved, target_column(column)),
                    key_match(d, &backup.key_columns, "t", "b")
                ),
                Dialect::Mysql => format!(
                    "UPDATE {table} AS t JOIN {copy} AS b ON {} SET t.{set_column} = b.{set_column}",
                    key_match(d, &backup.key_columns, "t", "b")
                ),
                Dialect::Sqlite => {
                    let outer = quote(d, &target.name);
                    let matches = key_match(d, &backup.key_columns, "b", &outer);
                    format!(
                        "UPDATE {table} SET {set_column} = (SELECT b.{set_column} FROM {copy} AS b \
                         WHERE {matches}) WHERE EXISTS (SELECT 1 FROM {copy} AS b WHERE {matches})"
                    )
                }
            };
            engine.execute(&sql).await.map_err(failed)?;
            Ok(matched)
        }
        _ => {
            // Generated columns compute their own values.
            let columns: Vec<(&Column, Option<&Column>)> = copy_columns
                .iter()
                .map(|c| (c, target_column(&c.name)))
                .filter(|(_, t)| !t.is_some_and(|t| t.generated))
                .collect();
            let names: Vec<String> = columns.iter().map(|(c, _)| quote(d, &c.name)).collect();
            let values: Vec<String> = columns.iter().map(|(c, t)| value(d, "b", c, *t)).collect();
            let overriding = if d == Dialect::Postgres
                && columns
                    .iter()
                    .any(|(_, t)| t.is_some_and(|t| t.identity_always))
            {
                " OVERRIDING SYSTEM VALUE"
            } else {
                ""
            };
            let filter = if backup.key_columns.is_empty() {
                let present = catalog::count(engine, &format!("SELECT count(*) FROM {table}"))
                    .await
                    .map_err(failed)?;
                if present > 0 {
                    return Err(Error::Refused {
                        message: format!(
                            "{target} already has {present} row(s), and backup {} has no key to \
                             tell which saved rows are missing ({} had no primary key when it was \
                             saved): empty {target} first, or copy the rows you need by hand \
                             from {}",
                            backup.id, target, backup.backup_table
                        ),
                    });
                }
                String::new()
            } else {
                format!(
                    " WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {})",
                    key_match(d, &backup.key_columns, "t", "b")
                )
            };
            let sql = format!(
                "INSERT INTO {table} ({}){overriding} SELECT {} FROM {copy} AS b{filter}",
                names.join(", "),
                values.join(", ")
            );
            let inserted = engine.execute(&sql).await.map_err(failed)?;
            if d == Dialect::Postgres {
                advance_sequences(engine, target, &columns).await?;
            }
            Ok(i64::try_from(inserted).unwrap_or(i64::MAX))
        }
    }
}

/// PostgreSQL: rows inserted with their own ids leave a serial or identity column's
/// sequence behind them; move it past the largest id, so that the next insert does not
/// collide. (MySQL's AUTO_INCREMENT and SQLite's rowid follow explicit ids by themselves.)
async fn advance_sequences(
    engine: &mut dyn Engine,
    target: &Name,
    columns: &[(&Column, Option<&Column>)],
) -> Result<()> {
    let d = Dialect::Postgres;
    let table = table_sql(d, target);
    for (column, _) in columns {
        let sequence = engine
            .query(&format!(
                "SELECT pg_get_serial_sequence({}, {})",
                literal(d, &table),
                literal(d, &column.name)
            ))
            .await
            .map_err(|e| {
                e.context(format!(
                    "cannot find the sequence of {target}.{}",
                    column.name
                ))
            })?;
        let Some(sequence) = sequence.first().and_then(|r| r.first()).cloned().flatten() else {
            continue;
        };
        let seq = literal(d, &sequence);
        engine
            .query(&format!(
                "SELECT setval({seq}::regclass, m) FROM (SELECT max({}) AS m FROM {table}) AS x \
                 WHERE m IS NOT NULL AND m > COALESCE(pg_sequence_last_value({seq}::regclass), 0)",
                quote(d, &column.name)
            ))
            .await
            .map_err(|e| e.context(format!("cannot advance the sequence {sequence}")))?;
    }
    Ok(())
}
