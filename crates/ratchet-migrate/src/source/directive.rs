//! `-- ratchet:` directives: comments at the top of a migration file, one per line.
//!
//! The top of a file is its leading comment block: the lines before the first line that
//! is neither blank nor a `--` comment. A directive below it is an error rather than a
//! comment, since it would otherwise silently not apply. `--ratchet:` and
//! `--   ratchet:` are read like `-- ratchet:`.

use std::path::Path;

use serde::Serialize;

use super::files::parse_version;
use crate::{Error, Result};

/// The directives of one script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Directives {
    /// `-- ratchet:requires <version>`: explicit dependencies.
    pub requires: Vec<i64>,
    /// `-- ratchet:no-transaction` (or the source tool's equivalent).
    pub no_transaction: bool,
    /// `-- ratchet:allow <rule> -- <reason>`: accepted lint findings.
    pub allows: Vec<Allow>,
    /// `-- ratchet:backfill table=<t> key=<col>[,<col>] [canary="<predicate>"] [batch=<n>|auto]`.
    pub backfill: Option<Backfill>,
    /// `-- ratchet:phase expand|backfill|contract`.
    pub phase: Option<Phase>,
    /// `-- ratchet:reverts <version>`: this forward migration undoes that one.
    pub reverts: Option<i64>,
}

/// An accepted lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allow {
    /// The rule id.
    pub rule: String,
    /// Why it is acceptable here; required, and recorded in the ledger.
    pub reason: String,
    /// The directive's line.
    pub line: u32,
}

/// How a data migration's UPDATE or DELETE is run in batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backfill {
    /// The table the statement changes.
    pub table: String,
    /// The key columns batches are taken over, in order (one for a simple key).
    pub key: Vec<String>,
    /// A predicate selecting the rows to do first, verified before the rest.
    pub canary: Option<String>,
    /// Rows per batch, or adaptive.
    pub batch: BatchSize,
    /// The directive's line.
    pub line: u32,
}

/// Batch size of a backfill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchSize {
    /// Adapted to keep each batch near the target batch time.
    Auto,
    /// A fixed number of rows.
    Rows(u64),
}

/// The expand/contract phase a migration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Adds the new shape beside the old one.
    Expand,
    /// Fills the new shape.
    Backfill,
    /// Removes the old shape.
    Contract,
}

impl Directives {
    /// Reads the directives at the top of `text` (which starts at line `first_line` of
    /// `path`). An unknown or malformed `-- ratchet:` comment is an error, and so is a
    /// directive below the first statement.
    pub fn parse(path: &Path, text: &str, first_line: u32) -> Result<Directives> {
        let mut parser = Parser {
            path,
            directives: Directives::default(),
            phase_line: None,
            reverts_line: None,
        };
        let mut in_header = true;
        for (index, raw) in text.lines().enumerate() {
            let line = first_line.saturating_add(u32::try_from(index).unwrap_or(u32::MAX));
            let raw = if index == 0 {
                raw.strip_prefix('\u{feff}').unwrap_or(raw)
            } else {
                raw
            };
            let trimmed = raw.trim();
            if in_header && !trimmed.is_empty() && !trimmed.starts_with("--") {
                in_header = false;
            }
            let Some((prefix, body)) = split_directive(trimmed) else {
                continue;
            };
            if !in_header {
                return Err(parser.error(
                    line,
                    "directives go at the top of the file, before the first statement; move \
                     this line up into the comments that open the file",
                ));
            }
            if prefix != PREFIX {
                return Err(parser.error(
                    line,
                    format!(
                        "write the directive prefix in lower case: `-- {PREFIX}`, not `{prefix}`"
                    ),
                ));
            }
            parser.apply(line, body)?;
        }
        Ok(parser.directives)
    }
}

const PREFIX: &str = "ratchet:";

/// The directives there are, for messages.
const KNOWN: &str = "`requires`, `no-transaction`, `allow`, `backfill`, `phase` and `reverts`";

const NAMES: [&str; 6] = [
    "requires",
    "no-transaction",
    "allow",
    "backfill",
    "phase",
    "reverts",
];

const ALLOW_USAGE: &str = "-- ratchet:allow <rule-id> -- <why this is safe here>";
const BACKFILL_USAGE: &str = "-- ratchet:backfill table=<table> key=<column>[,<column>...] \
                              [canary=\"<predicate>\"] [batch=<rows>|auto]";

/// True when a trimmed line is a `-- ratchet:` comment, in any letter case.
pub(super) fn is_directive(trimmed: &str) -> bool {
    split_directive(trimmed).is_some()
}

/// Splits a trimmed `-- ratchet:<body>` line into the prefix as written (any case, so
/// that `-- RATCHET:` is reported rather than ignored) and the body.
fn split_directive(trimmed: &str) -> Option<(&str, &str)> {
    let rest = trimmed.strip_prefix("--")?.trim_start();
    let prefix = rest.get(..PREFIX.len())?;
    prefix
        .eq_ignore_ascii_case(PREFIX)
        .then(|| (prefix, &rest[PREFIX.len()..]))
}

struct Parser<'a> {
    path: &'a Path,
    directives: Directives,
    phase_line: Option<u32>,
    reverts_line: Option<u32>,
}

impl Parser<'_> {
    fn error(&self, line: u32, message: impl Into<String>) -> Error {
        Error::source(self.path, line, message)
    }

    fn apply(&mut self, line: u32, body: &str) -> Result<()> {
        let body = body.trim();
        let (name, args) = match body.split_once(char::is_whitespace) {
            Some((name, args)) => (name, args.trim()),
            None => (body, ""),
        };
        match name {
            "requires" => self.requires(line, args),
            "no-transaction" => {
                if !args.is_empty() {
                    return Err(self.error(
                        line,
                        "`ratchet:no-transaction` takes no arguments; write \
                         `-- ratchet:no-transaction` alone on its line",
                    ));
                }
                self.directives.no_transaction = true;
                Ok(())
            }
            "allow" => self.allow(line, args),
            "backfill" => self.backfill(line, args),
            "phase" => self.phase(line, args),
            "reverts" => self.reverts(line, args),
            "" => Err(self.error(
                line,
                format!("`-- ratchet:` needs a directive name: one of {KNOWN}"),
            )),
            unknown => {
                let hint = closest(unknown)
                    .map(|name| format!(" (did you mean `{name}`?)"))
                    .unwrap_or_default();
                Err(self.error(
                    line,
                    format!(
                        "unknown directive `ratchet:{unknown}`{hint}; the directives are {KNOWN}"
                    ),
                ))
            }
        }
    }

    fn requires(&mut self, line: u32, args: &str) -> Result<()> {
        const USAGE: &str = "write `-- ratchet:requires <version>[, <version>...]`";
        if args.is_empty() {
            return Err(self.error(
                line,
                format!("`ratchet:requires` needs the version it depends on; {USAGE}"),
            ));
        }
        for part in args.split(',') {
            let version = parse_version(part.trim()).map_err(|message| {
                self.error(line, format!("`ratchet:requires`: {message}; {USAGE}"))
            })?;
            if !self.directives.requires.contains(&version) {
                self.directives.requires.push(version);
            }
        }
        Ok(())
    }

    fn allow(&mut self, line: u32, args: &str) -> Result<()> {
        let (rule, rest) = match args.split_once(char::is_whitespace) {
            Some((rule, rest)) => (rule, rest.trim()),
            None => (args, ""),
        };
        if rule.is_empty() || rule.starts_with("--") {
            return Err(self.error(
                line,
                format!("`ratchet:allow` needs a rule id and a reason; write `{ALLOW_USAGE}`"),
            ));
        }
        if !rule
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(self.error(
                line,
                format!(
                    "`{rule}` is not a rule id: rule ids are lower-case letters, digits and `-` \
                     (as `ratchet lint` prints them); write `{ALLOW_USAGE}`"
                ),
            ));
        }
        let reason = match rest.strip_prefix("--") {
            Some(reason) => reason.trim(),
            None if rest.is_empty() => "",
            None => {
                return Err(self.error(
                    line,
                    format!(
                        "expected `-- <reason>` after the rule id `{rule}`, found `{rest}`; \
                         write `{ALLOW_USAGE}`"
                    ),
                ));
            }
        };
        if reason.is_empty() {
            return Err(self.error(
                line,
                format!(
                    "`ratchet:allow {rule}` needs a reason, which is recorded with the migration: \
                     add `-- <why this is safe here>` after the rule id"
                ),
            ));
        }
        self.directives.allows.push(Allow {
            rule: rule.to_owned(),
            reason: reason.to_owned(),
            line,
        });
        Ok(())
    }

    fn backfill(&mut self, line: u32, args: &str) -> Result<()> {
        if let Some(first) = &self.directives.backfill {
            return Err(self.error(
                line,
                format!(
                    "a second `ratchet:backfill` (the first is on line {}); a migration backfills \
                     one table: put the other backfill in a migration of its own",
                    first.line
                ),
            ));
        }
        let pairs = key_values(args)
            .map_err(|message| self.error(line, format!("{message}; write `{BACKFILL_USAGE}`")))?;
        let mut table = None;
        let mut key = None;
        let mut canary = None;
        let mut batch = None;
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "table" => &mut table,
                "key" => &mut key,
                "canary" => &mut canary,
                "batch" => &mut batch,
                other => {
                    return Err(self.error(
                        line,
                        format!(
                            "`ratchet:backfill` has no `{other}=`; its settings are `table`, \
                             `key`, `canary` and `batch`: write `{BACKFILL_USAGE}`"
                        ),
                    ));
                }
            };
            if slot.is_some() {
                return Err(self.error(
                    line,
                    format!("`{name}=` is given twice in `ratchet:backfill`; keep one"),
                ));
            }
            if value.is_empty() {
                return Err(self.error(
                    line,
                    format!(
                        "`{name}=` is empty in `ratchet:backfill`; give it a value: write \
                         `{BACKFILL_USAGE}`"
                    ),
                ));
            }
            *slot = Some(value);
        }
        let Some(table) = table else {
            return Err(self.error(
                line,
                format!(
                    "`ratchet:backfill` needs `table=<table>`, the table it updates; write \
                     `{BACKFILL_USAGE}`"
                ),
            ));
        };
        let Some(key) = key else {
            return Err(self.error(
                line,
                format!(
                    "`ratchet:backfill` needs `key=<column>[,<column>...]`, the key the batches \
                     walk (the primary key, usually); write `{BACKFILL_USAGE}`"
                ),
            ));
        };
        let key: Vec<String> = key
            .split(',')
            .map(|column| column.trim().to_owned())
            .collect();
        if key.iter().any(String::is_empty) {
            return Err(self.error(
                line,
                "`key=` lists columns separated by commas, with none empty: `key=id` or \
                 `key=tenant_id,id`",
            ));
        }
        let batch = match batch.as_deref() {
            None | Some("auto") => BatchSize::Auto,
            Some(rows) => match rows.parse::<u64>() {
                Ok(count) if count > 0 && rows.bytes().all(|b| b.is_ascii_digit()) => {
                    BatchSize::Rows(count)
                }
                _ => {
                    return Err(self.error(
                        line,
                        format!(
                            "`batch={rows}` is not a batch size; write `batch=<rows>` with a \
                             number of rows above 0, or `batch=auto`"
                        ),
                    ));
                }
            },
        };
        self.directives.backfill = Some(Backfill {
            table,
            key,
            canary,
            batch,
            line,
        });
        Ok(())
    }

    fn phase(&mut self, line: u32, args: &str) -> Result<()> {
        if let Some(first) = self.phase_line {
            return Err(self.error(
                line,
                format!(
                    "a second `ratchet:phase` (the first is on line {first}); a migration belongs \
                     to one phase: keep one"
                ),
            ));
        }
        let phase = match args {
            "expand" => Phase::Expand,
            "backfill" => Phase::Backfill,
            "contract" => Phase::Contract,
            other => {
                let found = if other.is_empty() {
                    String::new()
                } else {
                    format!(", not `{other}`")
                };
                return Err(self.error(
                    line,
                    format!(
                        "`ratchet:phase` is `expand`, `backfill` or `contract`{found}; write \
                         `-- ratchet:phase expand` (or backfill, contract)"
                    ),
                ));
            }
        };
        self.directives.phase = Some(phase);
        self.phase_line = Some(line);
        Ok(())
    }

    fn reverts(&mut self, line: u32, args: &str) -> Result<()> {
        const USAGE: &str = "write `-- ratchet:reverts <version>`";
        if let Some(first) = self.reverts_line {
            return Err(self.error(
                line,
                format!(
                    "a second `ratchet:reverts` (the first is on line {first}); a migration \
                     reverts one migration: keep one"
                ),
            ));
        }
        if args.is_empty() {
            return Err(self.error(
                line,
                format!("`ratchet:reverts` needs the version this migration undoes; {USAGE}"),
            ));
        }
        let version = parse_version(args).map_err(|message| {
            self.error(line, format!("`ratchet:reverts`: {message}; {USAGE}"))
        })?;
        self.directives.reverts = Some(version);
        self.reverts_line = Some(line);
        Ok(())
    }
}

/// Reads `key=value` pairs separated by spaces. A value may be double-quoted to hold
/// spaces, with `\"` for a quote and `\\` for a backslash inside.
fn key_values(args: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut rest = args.trim_start();
    while !rest.is_empty() {
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..token_end];
        let name = match token.find('=') {
            Some(eq) if eq > 0 => &rest[..eq],
            _ => {
                return Err(format!(
                    "expected `key=value`, found `{token}` (quote values that hold spaces)"
                ));
            }
        };
        let after = &rest[name.len() + 1..];
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let (value, remaining) = unquote(quoted)
                .ok_or_else(|| format!("the quoted value of `{name}=` has no closing `\"`"))?;
            if !remaining.is_empty() && !remaining.starts_with(char::is_whitespace) {
                return Err(format!(
                    "put a space after the closing quote of `{name}=`, before `{}`",
                    remaining.split_whitespace().next().unwrap_or_default()
                ));
            }
            (value, remaining)
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (after[..end].to_owned(), &after[end..])
        };
        pairs.push((name.to_owned(), value));
        rest = remaining.trim_start();
    }
    Ok(pairs)
}

/// The value of a quoted string whose opening quote is already read, and the text after
/// its closing quote; `None` when it is not closed.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[index + 1..])),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                // Other backslashes belong to the predicate (a LIKE escape, a regex).
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => value.push('\\'),
            },
            c => value.push(c),
        }
    }
    None
}

/// The known directive name `unknown` is most likely a typo of.
fn closest(unknown: &str) -> Option<&'static str> {
    NAMES
        .into_iter()
        .map(|name| (distance(unknown, name), name))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance, for typo hints on short names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::testing::source_error;
    use super::*;

    fn parse(text: &str) -> Result<Directives> {
        Directives::parse(Path::new("m.sql"), text, 1)
    }

    /// The line and message of the error `text` gives.
    #[track_caller]
    fn error(text: &str) -> (u32, String) {
        let (path, line, message) = source_error(parse(text));
        assert_eq!(path, PathBuf::from("m.sql"));
        (line, message)
    }

    #[test]
    fn a_file_without_directives_has_none() {
        assert_eq!(
            parse("-- adds a\nSELECT 1;\n").expect("parse"),
            Directives::default()
        );
        assert_eq!(parse("").expect("parse"), Directives::default());
    }

    #[test]
    fn every_directive_is_read() {
        let text = "-- Adds priority.\n\
                    -- ratchet:requires 20261101090000\n\
                    --ratchet:requires 3, 0004,20261101090000\n\
                    \n\
                    --    ratchet:no-transaction\n\
                    -- ratchet:allow adding-not-null-column -- the table is empty in every env\n\
                    -- ratchet:allow rule-2 --reason without a space\n\
                    -- ratchet:backfill table=tasks key=tenant_id,id \
                    canary=\"tenant_id = 7\" batch=500\n\
                    -- ratchet:phase backfill\n\
                    -- ratchet:reverts 20261101080000\n\
                    \tUPDATE tasks SET priority = 0;\n";
        let directives = parse(text).expect("parse");
        assert_eq!(
            directives,
            Directives {
                requires: vec![20261101090000, 3, 4],
                no_transaction: true,
                allows: vec![
                    Allow {
                        rule: "adding-not-null-column".into(),
                        reason: "the table is empty in every env".into(),
                        line: 6,
                    },
                    Allow {
                        rule: "rule-2".into(),
                        reason: "reason without a space".into(),
                        line: 7,
                    },
                ],
                backfill: Some(Backfill {
                    table: "tasks".into(),
                    key: vec!["tenant_id".into(), "id".into()],
                    canary: Some("tenant_id = 7".into()),
                    batch: BatchSize::Rows(500),
                    line: 8,
                }),
                phase: Some(Phase::Backfill),
                reverts: Some(20261101080000),
            }
        );
    }

    #[test]
    fn lines_count_from_first_line() {
        let directives = Directives::parse(Path::new("m.sql"), "\n-- ratchet:allow r -- ok\n", 40)
            .expect("parse");
        assert_eq!(directives.allows[0].line, 41);
        let (_, line, _) = source_error(Directives::parse(
            Path::new("m.sql"),
            "SELECT 1;\n-- ratchet:phase expand\n",
            40,
        ));
        assert_eq!(line, 41);
    }

    #[test]
    fn a_byte_order_mark_does_not_end_the_header() {
        let directives = parse("\u{feff}-- ratchet:no-transaction\n").expect("parse");
        assert!(directives.no_transaction);
    }

    #[test]
    fn phases_are_read() {
        for (word, phase) in [
            ("expand", Phase::Expand),
            ("backfill", Phase::Backfill),
            ("contract", Phase::Contract),
        ] {
            let directives = parse(&format!("-- ratchet:phase {word}\n")).expect("parse");
            assert_eq!(directives.phase, Some(phase));
        }
    }

    #[test]
    fn backfill_defaults_and_quoting() {
        let directives = parse("-- ratchet:backfill table=tasks key=id\n").expect("parse");
        let backfill = directives.backfill.expect("backfill");
        assert_eq!(backfill.key, vec!["id".to_owned()]);
        assert_eq!(backfill.canary, None);
        assert_eq!(backfill.batch, BatchSize::Auto);
        let text = concat!(
            r#"-- ratchet:backfill  batch=auto "#,
            r#"canary="note = \"x\" AND path LIKE 'a\_%' AND b = '\\'"   "#,
            r#"key=id table="public.tasks""#
        );
        let backfill = parse(text).expect("parse").backfill.expect("backfill");
        assert_eq!(
            backfill.canary.as_deref(),
            Some(r#"note = "x" AND path LIKE 'a\_%' AND b = '\'"#)
        );
        assert_eq!(backfill.table, "public.tasks");
        assert_eq!(backfill.batch, BatchSize::Auto);
    }

    #[test]
    fn sql_before_a_directive_is_an_error() {
        let text = "-- ratchet:no-transaction\nSELECT 1;\n\n  -- ratchet:phase expand\n";
        assert_eq!(
            error(text),
            (
                4,
                "directives go at the top of the file, before the first statement; move this \
                 line up into the comments that open the file"
                    .into()
            )
        );
        // A block comment is not part of the leading `--` comments either.
        assert_eq!(error("/* header */\n-- ratchet:no-transaction\n").0, 2);
    }

    #[test]
    fn ordinary_comments_after_sql_are_fine() {
        let directives = parse("SELECT 1;\n-- ratchet is great\n-- ratchet\n").expect("parse");
        assert_eq!(directives, Directives::default());
    }

    #[test]
    fn the_prefix_must_be_lower_case() {
        assert_eq!(
            error("-- Ratchet:no-transaction\n"),
            (
                1,
                "write the directive prefix in lower case: `-- ratchet:`, not `Ratchet:`".into()
            )
        );
    }

    #[test]
    fn unknown_directives_list_the_known_ones() {
        assert_eq!(
            error("-- ratchet:frobnicate now\n"),
            (
                1,
                "unknown directive `ratchet:frobnicate`; the directives are `requires`, \
                 `no-transaction`, `allow`, `backfill`, `phase` and `reverts`"
                    .into()
            )
        );
        assert_eq!(
            error("-- ratchet:no_transaction\n").1,
            "unknown directive `ratchet:no_transaction` (did you mean `no-transaction`?); the \
             directives are `requires`, `no-transaction`, `allow`, `backfill`, `phase` and \
             `reverts`"
        );
        assert!(
            error("-- ratchet:require 1\n")
                .1
                .contains("did you mean `requires`?")
        );
        assert_eq!(
            error("-- ratchet:\n").1,
            "`-- ratchet:` needs a directive name: one of `requires`, `no-transaction`, `allow`, \
             `backfill`, `phase` and `reverts`"
        );
    }

    #[test]
    fn requires_errors() {
        assert_eq!(
            error("-- ratchet:requires\n").1,
            "`ratchet:requires` needs the version it depends on; write \
             `-- ratchet:requires <version>[, <version>...]`"
        );
        assert_eq!(
            error("-- ratchet:requires 2026-11-01\n").1,
            "`ratchet:requires`: `2026-11-01` is not a version: versions are digits, such as \
             20261101090000; write `-- ratchet:requires <version>[, <version>...]`"
        );
        assert!(
            error("-- ratchet:requires 1,,2\n")
                .1
                .contains("`` is not a version")
        );
        assert!(
            error("-- ratchet:requires 1 2\n")
                .1
                .contains("`1 2` is not a version")
        );
        assert!(
            error("-- ratchet:requires 99999999999999999999\n")
                .1
                .contains("too large")
        );
    }

    #[test]
    fn no_transaction_takes_no_arguments() {
        assert_eq!(
            error("-- ratchet:no-transaction please\n").1,
            "`ratchet:no-transaction` takes no arguments; write `-- ratchet:no-transaction` \
             alone on its line"
        );
    }

    #[test]
    fn allow_errors() {
        let usage = "write `-- ratchet:allow <rule-id> -- <why this is safe here>`";
        assert_eq!(
            error("-- ratchet:allow\n").1,
            format!("`ratchet:allow` needs a rule id and a reason; {usage}")
        );
        assert_eq!(
            error("-- ratchet:allow -- because\n").1,
            format!("`ratchet:allow` needs a rule id and a reason; {usage}")
        );
        let missing_reason = "`ratchet:allow drop-column` needs a reason, which is recorded \
                              with the migration: add `-- <why this is safe here>` after the \
                              rule id";
        assert_eq!(error("-- ratchet:allow drop-column\n").1, missing_reason);
        assert_eq!(
            error("-- ratchet:allow drop-column --   \n").1,
            missing_reason
        );
        assert_eq!(
            error("-- ratchet:allow Drop_Column -- ok\n").1,
            format!(
                "`Drop_Column` is not a rule id: rule ids are lower-case letters, digits and `-` \
                 (as `ratchet lint` prints them); {usage}"
            )
        );
        assert_eq!(
            error("-- ratchet:allow drop-column because -- ok\n").1,
            format!(
                "expected `-- <reason>` after the rule id `drop-column`, found `because -- ok`; \
                 {usage}"
            )
        );
    }

    #[test]
    fn backfill_errors() {
        let usage = "write `-- ratchet:backfill table=<table> key=<column>[,<column>...] \
                     [canary=\"<predicate>\"] [batch=<rows>|auto]`";
        assert_eq!(
            error("-- ratchet:backfill key=id\n").1,
            format!("`ratchet:backfill` needs `table=<table>`, the table it updates; {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t\n").1,
            format!(
                "`ratchet:backfill` needs `key=<column>[,<column>...]`, the key the batches walk \
                 (the primary key, usually); {usage}"
            )
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id size=10\n").1,
            format!(
                "`ratchet:backfill` has no `size=`; its settings are `table`, `key`, `canary` \
                 and `batch`: {usage}"
            )
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id table=u\n").1,
            "`table=` is given twice in `ratchet:backfill`; keep one"
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id canary=\"\"\n").1,
            format!("`canary=` is empty in `ratchet:backfill`; give it a value: {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id canary=a = 1\n").1,
            format!("expected `key=value`, found `=` (quote values that hold spaces); {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id canary=\"a = 1\n").1,
            format!("the quoted value of `canary=` has no closing `\"`; {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id canary=\"a\"b\n").1,
            format!("put a space after the closing quote of `canary=`, before `b`; {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id, other\n").1,
            format!("expected `key=value`, found `other` (quote values that hold spaces); {usage}")
        );
        assert_eq!(
            error("-- ratchet:backfill table=t key=id,,x\n").1,
            "`key=` lists columns separated by commas, with none empty: `key=id` or \
             `key=tenant_id,id`"
        );
        for batch in ["0", "-5", "+5", "lots", "1e3"] {
            assert_eq!(
                error(&format!(
                    "-- ratchet:backfill table=t key=id batch={batch}\n"
                ))
                .1,
                format!(
                    "`batch={batch}` is not a batch size; write `batch=<rows>` with a number of \
                     rows above 0, or `batch=auto`"
                )
            );
        }
        assert_eq!(
            error("-- ratchet:backfill table=t key=id\n-- ratchet:backfill table=u key=id\n"),
            (
                2,
                "a second `ratchet:backfill` (the first is on line 1); a migration backfills one \
                 table: put the other backfill in a migration of its own"
                    .into()
            )
        );
    }

    #[test]
    fn phase_errors() {
        let expected = "`ratchet:phase` is `expand`, `backfill` or `contract`, not `migrate`; \
                        write `-- ratchet:phase expand` (or backfill, contract)";
        assert_eq!(error("-- ratchet:phase migrate\n").1, expected);
        assert_eq!(
            error("-- ratchet:phase\n").1,
            "`ratchet:phase` is `expand`, `backfill` or `contract`; write \
             `-- ratchet:phase expand` (or backfill, contract)"
        );
        assert_eq!(
            error("-- ratchet:phase expand\n--\n-- ratchet:phase contract\n"),
            (
                3,
                "a second `ratchet:phase` (the first is on line 1); a migration belongs to one \
                 phase: keep one"
                    .into()
            )
        );
    }

    #[test]
    fn reverts_errors() {
        assert_eq!(
            error("-- ratchet:reverts\n").1,
            "`ratchet:reverts` needs the version this migration undoes; write \
             `-- ratchet:reverts <version>`"
        );
        assert_eq!(
            error("-- ratchet:reverts 1, 2\n").1,
            "`ratchet:reverts`: `1, 2` is not a version: versions are digits, such as \
             20261101090000; write `-- ratchet:reverts <version>`"
        );
        assert_eq!(
            error("-- ratchet:reverts 1\n-- ratchet:reverts 2\n"),
            (
                2,
                "a second `ratchet:reverts` (the first is on line 1); a migration reverts one \
                 migration: keep one"
                    .into()
            )
        );
    }

    #[test]
    fn typo_distance() {
        assert_eq!(distance("phase", "phase"), 0);
        assert_eq!(distance("phas", "phase"), 1);
        assert_eq!(distance("revert", "reverts"), 1);
        assert_eq!(closest("xyz"), None);
    }
}
