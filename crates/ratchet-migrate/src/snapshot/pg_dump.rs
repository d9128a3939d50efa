//! `pg_dump --schema-only` beside a PostgreSQL snapshot: the schema in a form `psql` can
//! restore, when a `pg_dump` that can dump this server is on PATH. pg_dump refuses to dump
//! a server of a newer major version than its own, so that is checked first.

use std::path::Path;
use std::process::Command;

/// What became of the `pg_dump` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgDump {
    /// The file was written.
    Written,
    /// It was not, for this reason (for people).
    Skipped(String),
}

/// Query parameters libpq understands (sqlx takes a few more, which libpq would reject).
const LIBPQ_PARAMS: [&str; 11] = [
    "host",
    "port",
    "user",
    "dbname",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "options",
    "connect_timeout",
];

/// Runs `pg_dump --schema-only` against `url` into `path`, leaving ratchet's own tables
/// out. The password goes through `PGPASSWORD`, never the command line.
pub async fn pg_dump(url: &str, server_version: u32, path: &Path) -> PgDump {
    let (url, path) = (url.to_string(), path.to_path_buf());
    tokio::task::spawn_blocking(move || run(&url, server_version, &path))
        .await
        .unwrap_or_else(|e| PgDump::Skipped(format!("pg_dump did not finish: {e}")))
}

fn run(url: &str, server_version: u32, path: &Path) -> PgDump {
    let version = match Command::new("pg_dump").arg("--version").output() {
        Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return PgDump::Skipped("pg_dump is not on PATH".into());
        }
        Err(e) => return PgDump::Skipped(format!("cannot run pg_dump: {e}")),
    };
    let Some(dump_major) = pg_dump_major(&version) else {
        return PgDump::Skipped(format!(
            "cannot tell pg_dump's version from `{}`",
            version.trim()
        ));
    };
    let server_major = server_major(server_version);
    if dump_major < server_major {
        return PgDump::Skipped(format!(
            "pg_dump on PATH is version {}, older than the server (PostgreSQL {}), which it \
             refuses to dump; put pg_dump {} or newer on PATH",
            show_major(dump_major),
            show_major(server_major),
            show_major(server_major)
        ));
    }
    let (libpq_url, password) = libpq_url(url);
    let mut command = Command::new("pg_dump");
    command
        .arg("--schema-only")
        .arg("--lock-wait-timeout=30s")
        .arg(format!("--exclude-schema={}", super::BACKUP_SCHEMA))
        .arg(format!("--file={}", path.display()))
        .arg(format!("--dbname={libpq_url}"))
        .env("PGCONNECT_TIMEOUT", "15");
    for table in super::OWN_TABLES {
        command.arg(format!("--exclude-table=*.{table}"));
    }
    command.arg(format!("--exclude-table=*.{}*", super::BACKUP_TABLE_PREFIX));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    match command.output() {
        Ok(output) if output.status.success() => PgDump::Written,
        Ok(output) => {
            let _ = std::fs::remove_file(path);
            let message = crate::url::scrub(&String::from_utf8_lossy(&output.stderr), url);
            PgDump::Skipped(format!("pg_dump failed: {}", message.trim()))
        }
        Err(e) => PgDump::Skipped(format!("cannot run pg_dump: {e}")),
    }
}

/// `pg_dump (PostgreSQL) 15.20 (Debian ...)` → 1500; `9.6.3` → 906 (the major version
/// comparable across the 9.x and 10+ numbering schemes).
fn pg_dump_major(version: &str) -> Option<u32> {
    let number = version
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let mut parts = number.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next()?.parse().ok()?;
    if major >= 10 {
        Some(major * 100)
    } else {
        let minor: u32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some(major * 100 + minor)
    }
}

/// `server_version_num` (150004, 90603) → 1500, 906.
fn server_major(version_num: u32) -> u32 {
    if version_num >= 100_000 {
        version_num / 10_000 * 100
    } else {
        version_num / 100
    }
}

fn show_major(major: u32) -> String {
    if major >= 1000 {
        (major / 100).to_string()
    } else {
        format!("{}.{}", major / 100, major % 100)
    }
}

/// The URL as libpq takes it (parameters it does not know removed) and the password,
/// taken out of it.
fn libpq_url(url: &str) -> (String, Option<String>) {
    crate::url::without_password(url, |key| LIBPQ_PARAMS.contains(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_across_numbering_schemes() {
        assert_eq!(
            pg_dump_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n"),
            Some(1500)
        );
        assert_eq!(pg_dump_major("pg_dump (PostgreSQL) 9.6.3"), Some(906));
        assert_eq!(server_major(150_004), 1500);
        assert_eq!(server_major(90_603), 906);
        assert_eq!(show_major(906), "9.6");
        assert_eq!(show_major(1700), "17");
    }

    #[test]
    fn password_leaves_the_url() {
        assert_eq!(
            libpq_url(
                "postgres://app:p%40ss@db:5432/shop?sslmode=require&statement-cache-capacity=0"
            ),
            (
                "postgres://app@db:5432/shop?sslmode=require".to_string(),
                Some("p@ss".to_string())
            )
        );
        assert_eq!(
            libpq_url("postgresql://db/shop?password=x"),
            ("postgresql://db/shop".to_string(), Some("x".to_string()))
        );
    }
}
