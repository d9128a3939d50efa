//! The replica-lag throttle against a real PostgreSQL streaming replica: the test builds a
//! primary (initdb) and a replica (pg_basebackup) from the installed PostgreSQL binaries on
//! free loopback ports, delays the replica's replay (`recovery_min_apply_delay`), and stops
//! both when it ends.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ratchet_migrate::backfill::StopSignal;
use ratchet_migrate::config::BackfillSettings;
use ratchet_migrate::engine;
use ratchet_migrate::event::Event;
use ratchet_migrate::plan::UpOptions;
use ratchet_migrate::runner::Runner;

use crate::support::*;

/// The installed PostgreSQL's bin folder, the newest version.
fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_basebackup").exists())
        .collect();
    found.sort();
    found.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A primary and its streaming replica, stopped on drop.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_root: bool,
    primary_port: u16,
    replica_port: u16,
}

impl Cluster {
    /// Runs a PostgreSQL program (as the postgres user when the tests run as root, since
    /// initdb refuses root).
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command.args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn start() -> Option<Cluster> {
        let Some(bin) = pg_bin() else {
            eprintln!("skipping: no PostgreSQL binaries under /usr/lib/postgresql");
            return None;
        };
        let uid = Command::new("id").arg("-u").output().ok()?;
        let as_root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let dir = tempfile::tempdir().unwrap();
        if as_root {
            let chown = Command::new("chown")
                .args(["postgres", &dir.path().display().to_string()])
                .status()
                .ok()?;
            if !chown.success() {
                eprintln!("skipping: there is no postgres user to run the test cluster");
                return None;
            }
        }
        let cluster = Cluster {
            bin,
            dir,
            as_root,
            primary_port: free_port(),
            replica_port: free_port(),
        };
        let primary = cluster.path("primary");
        let replica = cluster.path("replica");
        cluster.run(
            "initdb",
            &["-D", &primary, "-U", "postgres", "-A", "trust", "--no-sync"],
        );
        append(
            &Path::new(&primary).join("postgresql.conf"),
            &format!(
                "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
                 max_wal_senders = 4\nfsync = off\nshared_buffers = 16MB\n",
                cluster.primary_port,
                cluster.dir.path().display()
            ),
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &primary,
                "-l",
                &cluster.path("primary.log"),
                "-w",
                "start",
            ],
        );
        cluster.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &cluster.primary_port.to_string(),
                "-U",
                "postgres",
                "-D",
                &replica,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
        );
        // Replay lags 1 s behind the primary; the replica reports its progress often.
        append(
            &Path::new(&replica).join("postgresql.conf"),
            &format!(
                "port = {}\nrecovery_min_apply_delay = '1s'\n\
                 wal_receiver_status_interval = 1s\n",
                cluster.replica_port
            ),
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &replica,
                "-l",
                &cluster.path("replica.log"),
                "-w",
                "start",
            ],
        );
        Some(cluster)
    }

    fn primary_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            self.primary_port
        )
    }

    fn replica_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            self.replica_port
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for data in ["replica", "primary"] {
            let path = self.bin.join("pg_ctl");
            let data = self.path(data);
            let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
            let _ = if self.as_root {
                Command::new("runuser")
                    .args(["-u", "postgres", "--"])
                    .arg(&path)
                    .args(args)
                    .output()
            } else {
                Command::new(&path).args(args).output()
            };
        }
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// Above `max_replica_lag` the backfill waits and says so, reading the lag from the
/// primary's `pg_stat_replication` and from a configured replica URL; it still finishes
/// with every row done once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replica_lag_pauses_the_backfill_postgres() {
    let Some(cluster) = tokio::task::spawn_blocking(Cluster::start).await.unwrap() else {
        return;
    };
    let replica_port = format!(":{}/", cluster.replica_port);
    for (table, replicas, expected) in [
        ("orders_a", Vec::new(), "pg_stat_replication"),
        (
            "orders_b",
            vec![cluster.replica_url()],
            replica_port.as_str(),
        ),
    ] {
        let mut primary = engine::connect(&cluster.primary_url()).await.unwrap();
        primary
            .execute(&format!(
                "CREATE TABLE {table} (id BIGINT PRIMARY KEY, priority TEXT, updates INT NOT NULL DEFAULT 0)"
            ))
            .await
            .unwrap();
        primary
            .execute(&format!(
                "INSERT INTO {table} (id) SELECT generate_series(1, 30)"
            ))
            .await
            .unwrap();
        let folder = Folder::new(&[
            (
                "0001_fill.up.sql",
                &format!(
                    "-- ratchet:backfill table={table} key=id batch=10\n\
                     UPDATE {table} SET priority = 'x', updates = updates + 1 WHERE priority IS NULL;\n"
                ),
            ),
            (
                "0001_fill.verify.sql",
                &format!("SELECT count(*) FROM {table} WHERE priority IS NULL;\n"),
            ),
        ]);
        let settings = BackfillSettings {
            max_replica_lag: Duration::from_millis(300),
            max_rows_per_second: Some(20),
            replicas,
            ..BackfillSettings::default()
        };
        let events = Events::default();
        let mut sink = events.sink();
        let set = folder.set(primary.dialect());
        // Each table is its own project: a fresh ledger per run.
        primary
            .execute("DROP TABLE IF EXISTS ratchet_migrations, ratchet_backfills")
            .await
            .unwrap();
        let mut runner = Runner::new(primary.as_mut(), quick_settings(), &mut sink)
            .with_backfill(settings, StopSignal::new());
        assert_eq!(
            runner.up(&set, &UpOptions::default()).await.unwrap(),
            vec![1]
        );
        let throttled: Vec<String> = events
            .all()
            .into_iter()
            .filter_map(|e| match e {
                Event::BackfillThrottled { reason, .. } => Some(reason),
                _ => None,
            })
            .collect();
        assert!(
            !throttled.is_empty(),
            "{table}: the backfill never waited for the replica"
        );
        // Without replica URLs the primary's view is the only source; with one, the
        // replica's own lag is read too (and the worst of the two is reported).
        assert!(
            throttled
                .iter()
                .all(|r| r.contains("max_replica_lag is 0.3 s")),
            "{throttled:?}"
        );
        assert!(
            throttled.iter().any(|r| r.contains(expected)),
            "{throttled:?}"
        );
        let counts = primary
            .query(&format!(
                "SELECT updates, count(*) FROM {table} GROUP BY updates"
            ))
            .await
            .unwrap();
        assert_eq!(
            counts,
            vec![vec![Some("1".to_string()), Some("30".to_string())]]
        );
    }
}
