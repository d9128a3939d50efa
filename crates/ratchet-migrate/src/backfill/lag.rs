//! Replica lag, the throttle that protects replicas (and failovers) from a backfill that
//! writes faster than they replay.
//!
//! - PostgreSQL primary: `pg_stat_replication.replay_lag` of every streaming replica the
//!   primary knows (no configuration needed).
//! - PostgreSQL replicas named in `[backfill] replicas`: `now() -
//!   pg_last_xact_replay_timestamp()` while WAL is received but not yet replayed, 0 when
//!   replay has caught up.
//! - MySQL/MariaDB replicas named in `[backfill] replicas`: `Seconds_Behind_Source` (or
//!   `Seconds_Behind_Master`) of `SHOW REPLICA STATUS` (or `SHOW SLAVE STATUS` on older
//!   servers). Replication that is not running (NULL) counts as infinite lag, as in gh-ost:
//!   a stopped replica falls further behind with every batch.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};

use crate::engine::{self, Engine};
use crate::sql::Dialect;
use crate::{Error, Result};

/// The worst lag seen, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lag {
    /// Which replica ("replica-1 (pg_stat_replication)", a redacted URL).
    pub(crate) replica: String,
    /// How far behind it is; `None` when replication is not running.
    pub(crate) behind: Option<Duration>,
}

enum Replica {
    Postgres {
        url: String,
        target: String,
        conn: Option<Box<dyn Engine>>,
    },
    Mysql {
        url: String,
        target: String,
        conn: Option<MySqlConnection>,
    },
}

/// Watches the lag of the primary's replicas and of the configured ones.
pub(crate) struct LagWatch {
    replicas: Vec<Replica>,
    /// Whether to read the primary's `pg_stat_replication` (PostgreSQL).
    primary_view: bool,
}

impl LagWatch {
    /// Connects to the configured replicas; an unreachable one is an error before anything
    /// runs.
    pub(crate) async fn connect(primary: Dialect, urls: &[String]) -> Result<LagWatch> {
        let mut replicas = Vec::new();
        for url in urls {
            let target = crate::url::redact(url);
            let replica = match Dialect::from_url(url) {
                Some(Dialect::Postgres) => Replica::Postgres {
                    url: url.clone(),
                    target,
                    conn: None,
                },
                Some(Dialect::Mysql) => Replica::Mysql {
                    url: url.clone(),
                    target,
                    conn: None,
                },
                _ => {
                    return Err(Error::Usage(format!(
                        "[backfill] replicas: `{target}` is not a PostgreSQL or MySQL URL"
                    )));
                }
            };
            replicas.push(replica);
        }
        let mut watch = LagWatch {
            replicas,
            primary_view: primary == Dialect::Postgres,
        };
        for replica in &mut watch.replicas {
            replica_lag(replica).await?;
        }
        Ok(watch)
    }

    /// The worst lag now, if any replica is behind at all.
    pub(crate) async fn worst(&mut self, primary: &mut dyn Engine) -> Result<Option<Lag>> {
        let mut worst: Option<Lag> = None;
        let mut consider = |lag: Lag| {
            let rank = |l: &Lag| l.behind.unwrap_or(Duration::MAX);
            if worst.as_ref().is_none_or(|w| rank(&lag) > rank(w)) {
                worst = Some(lag);
            }
        };
        if self.primary_view {
            // Columns a role without pg_read_all_stats cannot see read NULL: no lag known.
            match primary
                .query(
                    "SELECT coalesce(application_name, ''), \
                            CAST(EXTRACT(EPOCH FROM replay_lag) AS text) \
                     FROM pg_stat_replication",
                )
                .await
            {
                Ok(rows) => {
                    for row in rows {
                        let name = row.first().cloned().flatten().unwrap_or_default();
                        let seconds = row
                            .get(1)
                            .cloned()
                            .flatten()
                            .and_then(|s| s.parse::<f64>().ok())
                            .unwrap_or(0.0);
                        consider(Lag {
                            replica: format!("replica {name} (pg_stat_replication)"),
                            behind: Some(Duration::from_secs_f64(seconds.max(0.0))),
                        });
                    }
                }
                Err(_) => self.primary_view = false,
            }
        }
        for replica in &mut self.replicas {
            match replica_lag(replica).await {
                Ok(lag) => consider(lag),
                // A replica that stops answering is treated as behind: ratchet waits for it.
                Err(e) => {
                    match replica {
                        Replica::Postgres { conn, .. } => *conn = None,
                        Replica::Mysql { conn, .. } => *conn = None,
                    }
                    consider(Lag {
                        replica: format!("{} (cannot read its lag: {e})", replica_target(replica)),
                        behind: None,
                    });
                }
            }
        }
        Ok(worst)
    }
}

fn replica_target(replica: &Replica) -> &str {
    match replica {
        Replica::Postgres { target, .. } | Replica::Mysql { target, .. } => target,
    }
}

async fn replica_lag(replica: &mut Replica) -> Result<Lag> {
    match replica {
        Replica::Postgres { url, target, conn } => {
            if conn.is_none() {
                *conn = Some(engine::connect(url).await?);
            }
            let Some(db) = conn.as_mut() else {
                return Err(Error::Usage(format!("cannot connect to {target}")));
            };
            let rows = db
                .query(
                    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 'primary' \
                            WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM \
                                 pg_last_wal_replay_lsn() THEN '0' \
                            ELSE CAST(EXTRACT(EPOCH FROM now() - \
                                 pg_last_xact_replay_timestamp()) AS text) END",
                )
                .await
                .map_err(|e| e.context(format!("cannot read the replay lag of {target}")))?;
            let value = rows.first().and_then(|r| r.first()).cloned().flatten();
            match value.as_deref() {
                Some("primary") => Err(Error::Usage(format!(
                    "[backfill] replicas: {target} is not a replica (pg_is_in_recovery() is \
                     false); list the replicas' URLs"
                ))),
                Some(seconds) => Ok(Lag {
                    replica: target.clone(),
                    behind: Some(Duration::from_secs_f64(
                        seconds.parse::<f64>().unwrap_or(0.0).max(0.0),
                    )),
                }),
                None => Ok(Lag {
                    replica: target.clone(),
                    behind: None,
                }),
            }
        }
        Replica::Mysql { url, target, conn } => {
            if conn.is_none() {
                let for_driver = match url.strip_prefix("mariadb:") {
                    Some(rest) => format!("mysql:{rest}"),
                    None => url.clone(),
                };
                let options = MySqlConnectOptions::from_str(&for_driver).map_err(|e| {
                    Error::Usage(format!("[backfill] replicas: bad URL {target}: {e}"))
                })?;
                let connected =
                    MySqlConnection::connect_with(&options)
                        .await
                        .map_err(|e| Error::Connect {
                            target: target.clone(),
                            message: crate::url::scrub(&e.to_string(), url),
                        })?;
                *conn = Some(connected);
            }
            let Some(db) = conn.as_mut() else {
                return Err(Error::Usage(format!("cannot connect to {target}")));
            };
            mysql_lag(db, target).await
        }
    }
}

/// `SHOW REPLICA STATUS` (MySQL 8.0.22+, MariaDB 10.5.1+), else `SHOW SLAVE STATUS`,
/// read by column name: the columns' positions differ between versions.
async fn mysql_lag(db: &mut MySqlConnection, target: &str) -> Result<Lag> {
    let mut rows = Vec::new();
    let mut last_error = None;
    for sql in ["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"] {
        match sqlx::raw_sql(sql).fetch_all(&mut *db).await {
            Ok(found) => {
                rows = found;
                last_error = None;
                break;
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    if let Some(message) = last_error {
        return Err(Error::Database {
            context: format!("cannot read the replication status of {target}"),
            message,
        });
    }
    let Some(row) = rows.first() else {
        return Err(Error::Usage(format!(
            "[backfill] replicas: {target} is not a replica (SHOW REPLICA STATUS is empty); \
             list the replicas' URLs"
        )));
    };
    let mut seconds = None;
    for column in ["Seconds_Behind_Source", "Seconds_Behind_Master"] {
        if let Ok(value) = sqlx::Row::try_get_unchecked::<Option<String>, _>(row, column) {
            seconds = Some(value);
            break;
        }
    }
    let behind = seconds
        .flatten()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Ok(Lag {
        replica: target.to_string(),
        behind,
    })
}
