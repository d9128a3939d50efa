//! SQL text: splitting a file into statements per dialect, and what each statement does.

pub mod analysis;
pub mod classify;
pub mod facts;
pub(crate) mod lexer;
pub mod split;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use split::{SplitError, split};

/// The SQL dialects ratchet reads and the engines it runs them on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (and its wire-compatible relatives).
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite 3.
    Sqlite,
}

impl Dialect {
    /// The dialect a database URL speaks, from its scheme.
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next()?.to_ascii_lowercase();
        match scheme.as_str() {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    /// The dialect's name as users type it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            other => Err(format!(
                "unknown dialect `{other}`: use postgres, mysql or sqlite"
            )),
        }
    }
}

/// One statement of a migration file, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The statement's text without its terminating delimiter, surrounding whitespace and
    /// leading comments.
    pub sql: String,
    /// 1-based line of the statement's first token in its file.
    pub line: u32,
    /// 1-based column (in characters) of the statement's first token.
    pub column: u32,
}

impl Statement {
    /// The statement's first line of text, for messages.
    pub fn first_line(&self) -> &str {
        self.sql.lines().next().unwrap_or_default().trim_end()
    }
}
