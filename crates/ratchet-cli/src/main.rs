//! The `ratchet` command: parses arguments, runs the library, renders what it reports and
//! sets the exit code (0 ok, 1 failed, 2 bad usage or input, 3 checks found problems).

mod cli;
mod commands;
mod progress;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

/// A command's outcome beyond success: problems found by a check (exit 3).
pub enum Outcome {
    /// Everything is fine.
    Ok,
    /// A check found problems; they were printed.
    ProblemsFound,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(dir) = &cli.global.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        eprintln!("error: -C {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::ProblemsFound) => ExitCode::from(3),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(if e.is_interrupt() {
                130
            } else if e.is_bad_input() {
                2
            } else if e.is_check_failure() {
                3
            } else {
                1
            })
        }
    }
}
