//! Lint: rules over the statement facts of migrations, each in its own file under
//! [`rules`], each documented in the doc comment that `ratchet rule <id>` prints.
//!
//! Findings are data, never errors: a rule reports what it sees with the consequence
//! (`message`) and the remedy (`help`); the caller decides what an error-level finding
//! means (exit code 3 for `ratchet lint`, a refusal for `ratchet up`).

pub mod rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, Mode};
use crate::source::{MigrationSet, Script};
use crate::sql::Dialect;
use crate::sql::analysis::{
    AnalyzedMigration, AnalyzedScript, AnalyzedStatement, Analyzer, Catalog,
};
use crate::sql::classify::MigrationKind;
use crate::sql::facts::ServerVersion;
use crate::{Error, Result};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably wrong; does not fail `lint` or stop `up`.
    Warning,
    /// Fails `lint` (exit 3) and stops `up`, unless allowed with a reason.
    Error,
}

impl Severity {
    /// The name in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, kebab-case (`require-concurrent-index-creation`).
    pub id: &'static str,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// The engines the rule applies to.
    pub engines: &'static [Dialect],
    /// One line: what it detects.
    pub summary: &'static str,
    /// The rule's documentation (Markdown), from its doc comment.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// A lint rule.
pub trait Rule: Sync {
    /// Its identity and documentation.
    fn meta(&self) -> &'static RuleMeta;
    /// Reports what it finds in one migration.
    fn check(&self, cx: &Context<'_>, report: &mut Report);
}

/// Declares a rule: its doc comment becomes its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// What it does...
///     pub struct RequireConcurrentIndexCreation {
///         id: "require-concurrent-index-creation",
///         severity: Error,
///         engines: [Postgres],
///         summary: "CREATE INDEX without CONCURRENTLY blocks writes",
///     }
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            engines: [$($engine:ident),* $(,)?],
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;

        impl $name {
            pub(crate) const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                id: $id,
                severity: $crate::lint::Severity::$severity,
                engines: &[$($crate::sql::Dialect::$engine),*],
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// What a rule sees of one migration.
pub struct Context<'a> {
    /// The dialect.
    pub dialect: Dialect,
    /// The server versions judged for.
    pub version: &'a ServerVersion,
    /// The migration.
    pub migration: &'a AnalyzedMigration,
    /// The schema before this migration, from the migrations before it.
    pub catalog: &'a Catalog,
    /// The migrations before this one, in order.
    pub earlier: &'a [AnalyzedMigration],
    /// The project's mode.
    pub mode: Mode,
    /// A loose file rather than a migration of a folder: no down or verify file is
    /// expected of it.
    pub standalone: bool,
    /// Whether the folder's layout has verify files (ratchet's own does; sqlx, diesel,
    /// dbmate, Flyway and golang-migrate folders do not).
    pub verify_files: bool,
}

impl Context<'_> {
    /// Whether the migration changes data and not the schema.
    pub fn is_data_migration(&self) -> bool {
        self.migration.kind == MigrationKind::Data
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// How serious it is (after configuration).
    pub severity: Severity,
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong and what it costs.
    pub message: String,
    /// What to do instead.
    pub help: Option<String>,
    /// The reason given by `-- ratchet:allow`, when the finding is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

impl Finding {
    /// The finding for a file that cannot be loaded (`invalid-file`), from the loading
    /// error.
    pub fn invalid_file(error: &Error) -> Finding {
        let (file, line, message) = match error {
            Error::Source {
                path,
                line,
                message,
            } => (path.clone(), (*line).max(1), message.clone()),
            Error::Io { path, source } => (path.clone(), 1, source.to_string()),
            other => (PathBuf::new(), 1, other.to_string()),
        };
        Finding {
            rule: rules::INVALID_FILE.id,
            severity: rules::INVALID_FILE.severity,
            file,
            line,
            column: 1,
            message,
            help: None,
            allowed: None,
        }
    }

    /// Whether it should fail `lint` and stop `up`.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error && self.allowed.is_none()
    }
}

/// Where findings are collected for one rule.
pub struct Report {
    rule: &'static RuleMeta,
    findings: Vec<Finding>,
}

impl Report {
    fn new(rule: &'static RuleMeta) -> Report {
        Report {
            rule,
            findings: Vec::new(),
        }
    }

    /// Reports a finding at a statement, `offset` bytes into its text (the action's
    /// offset, or 0 for the statement's start).
    pub fn at(
        &mut self,
        script: &AnalyzedScript,
        statement: &AnalyzedStatement,
        offset: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (line, column) = position(statement, offset);
        self.findings.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            file: script.path.clone(),
            line,
            column,
            message: message.into(),
            help: Some(help.into()).filter(|h: &String| !h.is_empty()),
            allowed: None,
        });
    }

    /// Reports a finding with a severity other than the rule's default (a rule that is
    /// an error on one engine and a warning on another). A severity configured in
    /// `[lint.rules]` still wins.
    pub fn at_severity(
        &mut self,
        severity: Severity,
        script: &AnalyzedScript,
        statement: &AnalyzedStatement,
        offset: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.at(script, statement, offset, message, help);
        if let Some(last) = self.findings.last_mut() {
            last.severity = severity;
        }
    }

    /// Reports a finding about a whole file (line 1).
    pub fn file(&mut self, path: &Path, message: impl Into<String>, help: impl Into<String>) {
        self.findings.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            message: message.into(),
            help: Some(help.into()).filter(|h: &String| !h.is_empty()),
            allowed: None,
        });
    }
}

/// The file line and column of `offset` bytes into a statement.
fn position(statement: &AnalyzedStatement, offset: usize) -> (u32, u32) {
    let s = &statement.statement;
    let offset = offset.min(s.sql.len());
    let before = s.sql.get(..offset).unwrap_or_default();
    let newlines = before.matches('\n').count() as u32;
    if newlines == 0 {
        (s.line, s.column + before.chars().count() as u32)
    } else {
        let last = before.rsplit('\n').next().unwrap_or_default();
        (s.line + newlines, last.chars().count() as u32 + 1)
    }
}

/// Every rule's documentation as one Markdown page (`docs/rules.md` is this text).
pub fn reference() -> String {
    let mut out = String::from(
        "# Lint rules\n\nGenerated from the rules' source (`ratchet rule <id>` prints one). \
         Severities can be changed, or rules turned off, in ratchet.toml's `[lint.rules]`; \
         a finding is accepted with `-- ratchet:allow <rule> -- <reason>` at the top of \
         the file.\n\n| rule | severity | engines | detects |\n|---|---|---|---|\n",
    );
    for rule in rules::ALL {
        let m = rule.meta();
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            m.id,
            m.id,
            m.severity.as_str(),
            engines(m),
            m.summary
        ));
    }
    for rule in rules::ALL {
        let m = rule.meta();
        out.push_str(&format!(
            "\n## {}\n\n*{}* · {} · {}\n\n{}\n",
            m.id,
            m.severity.as_str(),
            engines(m),
            m.summary,
            format!("\n{}", m.documentation())
                .replace("\n## ", "\n### ")
                .trim_start()
                .replace("```sql no-check", "```sql")
        ));
    }
    out
}

/// The engines of a rule, for people.
pub fn engines(meta: &RuleMeta) -> String {
    meta.engines
        .iter()
        .map(|d| match d {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL/MariaDB",
            Dialect::Sqlite => "SQLite",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Settings of a lint run.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The dialect.
    pub dialect: Dialect,
    /// The server versions to judge for.
    pub version: ServerVersion,
    /// The project's mode.
    pub mode: Mode,
    /// Severity overrides by rule id; `None` turns a rule off.
    pub severities: BTreeMap<String, Option<Severity>>,
    /// Migrations up to this version are replayed for context but not reported.
    pub start_after: Option<i64>,
}

impl LintOptions {
    /// Defaults for `dialect`.
    pub fn new(dialect: Dialect) -> LintOptions {
        LintOptions {
            dialect,
            version: ServerVersion::default(),
            mode: Mode::Reversible,
            severities: BTreeMap::new(),
            start_after: None,
        }
    }

    /// Options from ratchet.toml's `[lint]` (rule ids are checked).
    pub fn from_config(config: &Config, dialect: Dialect) -> Result<LintOptions> {
        let mut options = LintOptions::new(dialect);
        options.mode = config.mode;
        options.start_after = config.lint_start_after;
        if let Some(v) = config.lint.postgres_version {
            options.version.postgres = v;
        }
        if let Some((mariadb, v)) = config.lint.mysql_version {
            options.version.mariadb = mariadb;
            options.version.mysql = v;
        }
        for (id, level) in &config.lint.rules {
            if rules::find(id).is_none() {
                return Err(Error::Config {
                    path: config
                        .path
                        .clone()
                        .unwrap_or_else(|| crate::config::FILE_NAME.into()),
                    message: format!(
                        "[lint.rules] {id}: there is no such rule; `ratchet rule` lists them"
                    ),
                });
            }
            options.severities.insert(id.clone(), *level);
        }
        Ok(options)
    }

    fn severity(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severities
            .get(rule.id)
            .copied()
            .unwrap_or(Some(rule.severity))
    }
}

/// Lints a migration folder: every migration is analysed in order (so each is judged
/// against the schema the earlier ones built), and findings are reported for those after
/// `start_after` for which `report` is true.
pub fn lint_set(
    set: &MigrationSet,
    options: &LintOptions,
    report: impl Fn(i64) -> bool,
) -> Vec<Finding> {
    let mut analyzer = Analyzer::new(options.dialect, options.version);
    let mut earlier: Vec<AnalyzedMigration> = Vec::with_capacity(set.migrations.len());
    let mut findings = Vec::new();
    for migration in &set.migrations {
        let analyzed = analyzer.analyze(migration);
        let reported =
            options.start_after.is_none_or(|v| migration.version > v) && report(migration.version);
        if reported {
            let cx = Context {
                dialect: options.dialect,
                version: &options.version,
                migration: &analyzed,
                catalog: analyzer.catalog(),
                earlier: &earlier,
                mode: options.mode,
                standalone: false,
                verify_files: set.format == crate::source::SourceFormat::Native,
            };
            findings.extend(check(&cx, options));
        }
        analyzer.commit(&analyzed);
        earlier.push(analyzed);
    }
    findings
}

/// Lints a migrations folder in `format` (detected when `None`); a folder that cannot be
/// loaded gives one `invalid-file` finding.
pub fn lint_folder(
    dir: &Path,
    format: Option<crate::source::SourceFormat>,
    options: &LintOptions,
) -> Vec<Finding> {
    match crate::source::load(dir, format, options.dialect) {
        Ok(set) => lint_set(&set, options, |_| true),
        Err(e) => invalid_file_finding(&e, options),
    }
}

/// The `invalid-file` finding for a loading error, unless the rule is off.
pub fn invalid_file_finding(error: &Error, options: &LintOptions) -> Vec<Finding> {
    match options.severity(rules::INVALID_FILE) {
        Some(severity) => vec![Finding {
            severity,
            ..Finding::invalid_file(error)
        }],
        None => Vec::new(),
    }
}

/// Lints loose SQL files, in order, each as a migration of its own without down or verify
/// file (later files see the tables earlier ones created).
pub fn lint_scripts(scripts: &[Script], options: &LintOptions) -> Vec<Finding> {
    let mut analyzer = Analyzer::new(options.dialect, options.version);
    let mut earlier: Vec<AnalyzedMigration> = Vec::new();
    let mut findings = Vec::new();
    for script in scripts {
        let up = analyzer.analyze_script(script);
        let statements: Vec<_> = script.statements.clone();
        let analyzed = AnalyzedMigration {
            version: 0,
            name: script
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind: crate::sql::classify::migration_kind(&statements, options.dialect),
            up,
            down: None,
            verify: None,
        };
        let cx = Context {
            dialect: options.dialect,
            version: &options.version,
            migration: &analyzed,
            catalog: analyzer.catalog(),
            earlier: &earlier,
            mode: options.mode,
            standalone: true,
            verify_files: false,
        };
        findings.extend(check(&cx, options));
        analyzer.commit(&analyzed);
        earlier.push(analyzed);
    }
    findings
}

/// Runs every enabled rule on one migration, applies `-- ratchet:allow`, and reports allows
/// that matched nothing.
fn check(cx: &Context<'_>, options: &LintOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::ALL {
        let meta = rule.meta();
        if !meta.engines.contains(&cx.dialect) {
            continue;
        }
        let configured = match options.severities.get(meta.id) {
            Some(None) => continue,
            Some(Some(severity)) => Some(*severity),
            None => None,
        };
        let mut report = Report::new(meta);
        rule.check(cx, &mut report);
        findings.extend(report.findings.into_iter().map(|mut f| {
            if let Some(severity) = configured {
                f.severity = severity;
            }
            f
        }));
    }
    let scripts = [
        Some(&cx.migration.up),
        cx.migration.down.as_ref(),
        cx.migration.verify.as_ref(),
    ];
    for script in scripts.into_iter().flatten() {
        for allow in &script.directives.allows {
            let mut used = false;
            for finding in findings
                .iter_mut()
                .filter(|f| f.file == script.path && f.rule == allow.rule)
            {
                finding.allowed = Some(allow.reason.clone());
                used = true;
            }
            let Some(severity) = options.severity(rules::UNUSED_ALLOW) else {
                continue;
            };
            let message = match rules::find(&allow.rule) {
                None => format!(
                    "`-- ratchet:allow {}` names no rule: `ratchet rule` lists them",
                    allow.rule
                ),
                // An allow of a rule that is off, or not for this engine, waits for it.
                Some(rule)
                    if used
                        || options.severity(rule.meta()).is_none()
                        || !rule.meta().engines.contains(&cx.dialect) =>
                {
                    continue;
                }
                Some(_) => format!(
                    "`-- ratchet:allow {}` accepts a finding that this file does not have",
                    allow.rule
                ),
            };
            findings.push(Finding {
                rule: rules::UNUSED_ALLOW.id,
                severity,
                file: script.path.clone(),
                line: allow.line,
                column: 1,
                message,
                help: Some("remove the directive, or correct the rule id".into()),
                allowed: None,
            });
        }
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
    findings
}

#[cfg(test)]
mod tests {
    /// docs/rules.md is generated from the rules; run with `RATCHET_BLESS=1` to rewrite it.
    #[test]
    fn rules_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
        let generated = super::reference();
        if std::env::var("RATCHET_BLESS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs")).unwrap();
            std::fs::write(path, &generated).unwrap();
            return;
        }
        let current = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            current == generated,
            "docs/rules.md is stale: run RATCHET_BLESS=1 cargo test -p ratchet-migrate --lib lint"
        );
    }
}
