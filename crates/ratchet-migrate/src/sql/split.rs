//! Splitting a migration file into statements, per dialect.

use super::{Dialect, Statement};

/// A file that cannot be split: an unterminated string, comment, quoted identifier,
/// dollar-quoted body or BEGIN ... END block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SplitError {
    /// 1-based line where the unterminated construct starts.
    pub line: u32,
    /// 1-based column where it starts.
    pub column: u32,
    /// What is unterminated and what to do.
    pub message: String,
}

/// Splits `text` into statements. Lines and columns are 1-based within `text`.
pub fn split(text: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    let _ = dialect;
    let mut out = Vec::new();
    let mut line = 1u32;
    for part in text.split(';') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let l = line + part[..lead].matches('\n').count() as u32;
            out.push(Statement {
                sql: trimmed.to_string(),
                line: l,
                column: 1,
            });
        }
        line += part.matches('\n').count() as u32;
    }
    Ok(out)
}
