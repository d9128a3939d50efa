//! Rendering for people and programs: events as lines, tables, JSON.

use std::io::Write;
use std::time::Duration;

use comfy_table::{Table, presets};
use ratchet_migrate::event::Event;
use ratchet_migrate::plan::Direction;
use ratchet_migrate::{Error, Result};
use serde::Serialize;

use crate::cli::Format;

/// A sink for library events: lines on stdout, or on stderr when stdout carries JSON.
pub fn event_printer(format: Format) -> impl FnMut(Event) + Send {
    move |event| {
        let Some(line) = event_line(&event) else {
            return;
        };
        if format == Format::Human {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }
}

fn event_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::LockWaiting { holder, timeout } => format!(
            "waiting for the migrator lock, held by {} (giving up after {})",
            holder
                .as_ref()
                .map_or_else(|| "another migrator".to_string(), ToString::to_string),
            humantime::format_duration(*timeout)
        ),
        Event::LockAcquired { waited } => {
            format!("took the migrator lock after {}", duration(*waited))
        }
        Event::MigrationStarted {
            version,
            name,
            direction,
            transactional: false,
            statements,
        } => format!(
            "{} {version} {name}: {statements} statement(s), each committing on its own",
            match direction {
                Direction::Up => "applying",
                Direction::Down => "rolling back",
            }
        ),
        Event::MigrationStarted { .. } => return None,
        Event::LockTimeoutRetry {
            version,
            path,
            line,
            attempt,
            retries,
            backoff,
        } => format!(
            "{}:{line}: migration {version} timed out waiting for a lock; retry {attempt}/{retries} in {}",
            path.display(),
            duration(*backoff)
        ),
        Event::VerifyPassed { version, queries } => {
            format!(
                "verified {version}: {queries} verify quer{} passed",
                if *queries == 1 { "y" } else { "ies" }
            )
        }
        Event::MigrationFinished {
            version,
            name,
            direction,
            elapsed,
        } => format!(
            "{} {version} {name} ({})",
            match direction {
                Direction::Up => "applied",
                Direction::Down => "rolled back",
            },
            duration(*elapsed)
        ),
        Event::Notice(message) => format!("note: {message}"),
        _ => return None,
    })
}

/// A duration for people: "12 ms", "3.4 s".
pub fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// A plain table with a header row.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(header.iter().map(|h| h.to_string()));
    for row in rows {
        table.add_row(row);
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    let text = table.to_string();
    // comfy-table pads every line to the table's width; trailing blanks only get in the way.
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints a value as JSON on stdout.
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot render JSON: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Error::Io {
        path: "<stdout>".into(),
        source: e,
    })
}
