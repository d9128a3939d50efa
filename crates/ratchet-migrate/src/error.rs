use std::path::PathBuf;

/// Everything that can go wrong in ratchet. Each message names the file, line or key at
/// fault and, where there is one, the next step.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// ratchet.toml (or the environment it refers to) is missing a value or has a bad one.
    #[error("{}: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A migration file is malformed: bad name, bad directive, unterminated string...
    #[error("{}:{line}: {message}", path.display())]
    Source {
        /// The migration file.
        path: PathBuf,
        /// 1-based line in that file (0 when the problem is the file as a whole).
        line: u32,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The command line or the request itself is wrong.
    #[error("{0}")]
    Usage(String),
    /// The database could not be reached. The URL is shown without its password.
    #[error("cannot connect to {target}: {message}")]
    Connect {
        /// The database URL, password removed.
        target: String,
        /// The driver's message.
        message: String,
    },
    /// A statement of a migration failed.
    #[error("{}:{line}: statement failed: {statement}\n  {message}", path.display())]
    Statement {
        /// The file the statement came from.
        path: PathBuf,
        /// The statement's first line in that file.
        line: u32,
        /// The statement's first line of text.
        statement: String,
        /// The database's message.
        message: String,
    },
    /// A query ratchet itself runs (ledger, lock, session settings) failed.
    #[error("{context}: {message}")]
    Database {
        /// What ratchet was doing.
        context: String,
        /// The database's message.
        message: String,
    },
    /// ratchet refuses to go on until a person has looked: drifted or failed migrations,
    /// a missing down file, out-of-order versions...
    #[error("{message}")]
    Refused {
        /// Why, and what to do.
        message: String,
    },
    /// Another migrator held the lock for longer than the lock timeout.
    #[error(
        "gave up after {waited} waiting for the migrator lock held by {holder}; \
         wait for that run to finish or raise --lock-timeout"
    )]
    LockTimeout {
        /// How long ratchet waited, rendered ("30s").
        waited: String,
        /// Who holds the lock, as far as the database can tell.
        holder: String,
    },
    /// Lint found error-level problems in migrations `up` was about to apply.
    #[error("{}", lint_refusal(findings))]
    LintRefused {
        /// The findings that block (and the others, for context).
        findings: Vec<crate::lint::Finding>,
    },
    /// A backfill stopped on request (Ctrl-C, `ratchet backfill pause`) after checkpointing
    /// its last batch; `ratchet up` or `ratchet backfill resume` continues it.
    #[error("{message}")]
    BackfillStopped {
        /// What stopped and how to go on.
        message: String,
        /// Stopped by an interrupt (Ctrl-C) rather than a pause.
        interrupted: bool,
    },
    /// A verify query returned rows: the data migration did not do what it promised.
    #[error("{}:{line}: verify query returned {rows}\n  {statement}", path.display())]
    VerifyFailed {
        /// The verify file.
        path: PathBuf,
        /// The query's first line in that file.
        line: u32,
        /// The query's first line of text.
        statement: String,
        /// The offending rows, rendered.
        rows: String,
    },
}

impl Error {
    /// True when the user's input is at fault (config, files, arguments): exit code 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Config { .. } | Error::Source { .. } | Error::Usage(_)
        )
    }

    /// True when a check found a problem (a failing verify query, lint errors): exit
    /// code 3.
    pub fn is_check_failure(&self) -> bool {
        matches!(self, Error::VerifyFailed { .. } | Error::LintRefused { .. })
    }

    /// True when a run stopped on an interrupt (Ctrl-C) after a clean checkpoint: exit
    /// code 130, as shells expect.
    pub fn is_interrupt(&self) -> bool {
        matches!(
            self,
            Error::BackfillStopped {
                interrupted: true,
                ..
            }
        )
    }

    pub(crate) fn source(path: impl Into<PathBuf>, line: u32, message: impl Into<String>) -> Self {
        Error::Source {
            path: path.into(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

fn lint_refusal(findings: &[crate::lint::Finding]) -> String {
    let blocking: Vec<&crate::lint::Finding> = findings.iter().filter(|f| f.blocks()).collect();
    let mut text = format!(
        "nothing was applied: lint found {} error(s) in the pending migrations",
        blocking.len()
    );
    for f in blocking {
        text.push_str(&format!(
            "\n  {}:{}:{}: error[{}]: {}",
            f.file.display(),
            f.line,
            f.column,
            f.rule,
            f.message
        ));
        if let Some(help) = &f.help {
            text.push_str(&format!("\n    help: {help}"));
        }
    }
    text.push_str(
        "\nFix them, or accept a reviewed finding with `-- ratchet:allow <rule> -- <reason>` \
         at the top of its file (`ratchet rule <rule>` explains each)",
    );
    text
}

/// `Result` with ratchet's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
