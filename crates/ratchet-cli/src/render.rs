//! Rendering for people and programs: events as lines, tables, JSON.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use comfy_table::{Table, presets};
use ratchet_migrate::event::Event;
use ratchet_migrate::lint::{Finding, Severity};
use ratchet_migrate::plan::Direction;
use ratchet_migrate::{Error, Result};
use serde::Serialize;

use crate::cli::Format;

/// A sink for library events: lines on stdout, or on stderr when stdout carries JSON.
pub fn event_printer(format: Format) -> impl FnMut(Event) + Send {
    // Backfill progress is a bar on a terminal, periodic lines elsewhere.
    let mut progress = crate::progress::ProgressView::new(format);
    move |event| {
        if progress.handle(&event) {
            return;
        }
        let Some(line) = event_line(&event) else {
            return;
        };
        progress.line(&line);
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
            batched: false,
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
        Event::BackupTaken {
            id,
            version,
            source,
            backup_table,
            rows,
            with_rollback,
        } => format!(
            "saved {source} ({rows} row{}) to {backup_table} before rolling back {version}{}; \
             restore with `ratchet restore {id}`",
            if *rows == 1 { "" } else { "s" },
            if *with_rollback {
                ", in the rollback's transaction"
            } else {
                ", committed first"
            }
        ),
        Event::SnapshotSaved {
            version,
            direction,
            reason,
            path,
            pg_dump,
            pg_dump_skipped,
        } => {
            let mut line = format!(
                "saved a schema snapshot before {} {version} ({reason}): {}",
                match direction {
                    Direction::Up => "applying",
                    Direction::Down => "rolling back",
                },
                path.display()
            );
            if let Some(dump) = pg_dump {
                line.push_str(&format!("\n  pg_dump --schema-only: {}", dump.display()));
            }
            if let Some(why) = pg_dump_skipped {
                line.push_str(&format!("\n  no pg_dump file: {why}"));
            }
            line
        }
        Event::BackfillStarted {
            version,
            table,
            key,
            rows_estimated,
            resumed_at,
            canary,
        } => {
            let mut line = format!("backfill {version} {table} by {}", key.join(", "));
            if let Some(rows) = rows_estimated {
                line.push_str(&format!(": ~{rows} rows"));
            }
            if let Some(canary) = canary {
                line.push_str(&format!(", canary first: {canary}"));
            }
            if let Some(done) = resumed_at {
                line.push_str(&format!(" (resuming: {done} rows already done)"));
            }
            line
        }
        Event::BackfillThrottled {
            version,
            reason,
            wait,
        } => format!(
            "backfill {version} waits: {reason}; looking again every {}",
            duration(*wait)
        ),
        Event::BackfillLockTimeout {
            version,
            attempt,
            retries,
            batch_size,
            backoff,
        } => format!(
            "backfill {version}: a batch timed out waiting for a lock ({attempt}/{retries}); \
             retrying with {batch_size} rows in {}",
            duration(*backoff)
        ),
        Event::BackfillCanaryPassed {
            version,
            rows,
            queries,
        } => format!(
            "backfill {version}: canary done ({rows} rows) and verified by {queries} quer{}",
            if *queries == 1 { "y" } else { "ies" }
        ),
        Event::BackfillStopped { message, .. } => message.clone(),
        Event::BackfillProgress(progress) => crate::progress::plain_line(progress),
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

/// Findings the way rustc shows errors: the rule, the message, the file:line:col, the
/// source line with the spot marked, and the fix. Accepted findings are left out (the
/// summary counts them).
pub fn findings_human(findings: &[Finding], color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.allowed.is_none()) {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let source = sources
            .entry(f.file.clone())
            .or_insert_with(|| std::fs::read_to_string(&f.file).ok());
        let path = f.file.display().to_string();
        let title = level.primary_title(f.message.as_str()).id(f.rule);
        let line_text = source
            .as_deref()
            .and_then(|s| s.lines().nth(f.line.saturating_sub(1) as usize));
        let mut report = vec![match line_text {
            Some(line) => {
                let start = line
                    .char_indices()
                    .nth(f.column.saturating_sub(1) as usize)
                    .map_or(line.len(), |(i, _)| i);
                let end = line.trim_end().len().max(start);
                let end = if end == start {
                    (start + 1).min(line.len().max(start))
                } else {
                    end
                };
                title.element(
                    Snippet::source(line)
                        .line_start(f.line as usize)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            None => title.element(
                annotate_snippets::Origin::path(path.as_str())
                    .line(f.line as usize)
                    .char_column(f.column as usize),
            ),
        }];
        if let Some(help) = &f.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out.push_str(&findings_summary(findings));
    out
}

/// "2 errors, 1 warning, 1 allowed" (or "no problems found").
pub fn findings_summary(findings: &[Finding]) -> String {
    let count = |severity| {
        findings
            .iter()
            .filter(|f| f.allowed.is_none() && f.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    for (severity, word) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "note"),
    ] {
        let n = count(severity);
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    let allowed = findings.iter().filter(|f| f.allowed.is_some()).count();
    if allowed > 0 {
        parts.push(format!("{allowed} allowed"));
    }
    if parts.is_empty() {
        "no problems found".to_string()
    } else {
        parts.join(", ")
    }
}

/// A GitHub Actions workflow command's message, escaped (`%`, CR and LF).
pub fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub Actions workflow command's property value, escaped (also `:` and `,`).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one line per finding.
pub fn findings_github(findings: &[Finding]) -> String {
    let (data, property) = (github_data, github_property);
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.allowed.is_none()) {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            property(&f.file.display().to_string()),
            f.line,
            f.column,
            property(&format!("ratchet {}", f.rule)),
            data(&message)
        ));
    }
    out
}

/// SARIF 2.1.0 for code-scanning tools; accepted findings carry a suppression.
pub fn findings_sarif(findings: &[Finding]) -> serde_json::Value {
    use serde_json::json;
    let rules: Vec<_> = ratchet_migrate::lint::rules::ALL
        .iter()
        .map(|rule| {
            let m = rule.meta();
            json!({
                "id": m.id,
                "shortDescription": { "text": m.summary },
                "help": { "text": m.documentation(), "markdown": m.documentation() },
                "defaultConfiguration": { "level": sarif_level(m.severity) },
            })
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str(&format!(" Help: {help}"));
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.file.display().to_string().replace('\\', "/") },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
            });
            if let Some(reason) = &f.allowed {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ratchet",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
