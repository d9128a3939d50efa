//! Backfill progress: a bar (rows, rate, ETA) when stderr is a terminal, plain periodic
//! lines otherwise (logs and CI keep a readable record).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ratchet_migrate::backfill::{Pass, Progress};
use ratchet_migrate::event::Event;

use crate::cli::Format;

/// How often a plain progress line is written when there is no terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Renders backfill progress events; other events go through [`ProgressView::line`].
pub struct ProgressView {
    format: Format,
    terminal: bool,
    bar: Option<ProgressBar>,
    /// The last progress not yet written as a plain line, and when one last was.
    pending: Option<Progress>,
    last_line: Option<Instant>,
}

impl ProgressView {
    pub fn new(format: Format) -> ProgressView {
        ProgressView {
            format,
            terminal: std::io::stderr().is_terminal(),
            bar: None,
            pending: None,
            last_line: None,
        }
    }

    /// Takes the events it renders itself; returns false for the others.
    pub fn handle(&mut self, event: &Event) -> bool {
        match event {
            Event::BackfillProgress(progress) => {
                self.progress(progress);
                true
            }
            Event::BackfillStarted { .. }
            | Event::BackfillCanaryPassed { .. }
            | Event::BackfillStopped { .. }
            | Event::VerifyPassed { .. }
            | Event::MigrationFinished { .. } => {
                self.finish_pass();
                false
            }
            _ => false,
        }
    }

    /// Writes a line of another event, without tearing the bar.
    pub fn line(&self, line: &str) {
        let format = self.format;
        let print = || {
            if format == Format::Human {
                println!("{line}");
            } else {
                eprintln!("{line}");
            }
        };
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    fn progress(&mut self, progress: &Progress) {
        if self.terminal {
            let bar = self.bar.get_or_insert_with(|| new_bar(progress));
            if let Some(total) = progress.rows_estimated {
                bar.set_length(total);
            }
            bar.set_position(progress.rows_done);
            bar.set_message(detail(progress));
            return;
        }
        self.pending = Some(progress.clone());
        if self.last_line.is_none_or(|at| at.elapsed() >= PLAIN_EVERY) {
            self.flush_plain();
        }
    }

    fn flush_plain(&mut self) {
        if let Some(progress) = self.pending.take() {
            self.last_line = Some(Instant::now());
            self.line(&plain_line(&progress));
        }
    }

    /// A pass ended (or the backfill stopped): clear the bar, write the last plain line.
    fn finish_pass(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.flush_plain();
        self.last_line = None;
    }
}

fn new_bar(progress: &Progress) -> ProgressBar {
    let bar = match progress.rows_estimated {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = match progress.rows_estimated {
        Some(_) => "{prefix} [{bar:30}] {pos}/{len} rows  {msg}",
        None => "{prefix} {spinner} {pos} rows  {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(format!(
        "{} {}{}",
        progress.version,
        progress.table,
        if progress.pass == Pass::Canary {
            " (canary)"
        } else {
            ""
        }
    ));
    bar
}

fn detail(progress: &Progress) -> String {
    let mut text = format!(
        "{:.0} rows/s, batch {}",
        progress.rows_per_second, progress.batch_size
    );
    if let Some(eta) = progress.eta {
        text.push_str(&format!(", ETA {}", eta_text(eta)));
    }
    text
}

fn eta_text(eta: Duration) -> String {
    humantime::format_duration(Duration::from_secs(eta.as_secs())).to_string()
}

/// `backfill 3 orders: 4500/10000 rows (45%), 1200 rows/s, batch 500, ETA 4s`.
pub fn plain_line(progress: &Progress) -> String {
    let pass = match progress.pass {
        Pass::Canary => " canary",
        Pass::Main => "",
        Pass::FinalPass => " final pass",
    };
    let rows = match progress.rows_estimated {
        Some(total) if total > 0 => format!(
            "{}/{total} rows ({:.0}%)",
            progress.rows_done,
            progress.rows_done as f64 * 100.0 / total as f64
        ),
        _ => format!("{} rows", progress.rows_done),
    };
    format!(
        "backfill {} {}{pass}: {rows}, {} changed, {}",
        progress.version,
        progress.table,
        progress.rows_changed,
        detail(progress)
    )
}
