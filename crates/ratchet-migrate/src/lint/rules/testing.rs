//! The rules' table-driven tests: every folder under `tests/fixtures/lint/<rule-id>/` is a
//! case (`bad...` must produce findings of that rule, `good...` none), linted with that
//! rule alone and snapshotted. A case named `<case>.mysql` or `<case>.sqlite` runs on that
//! dialect; otherwise on the rule's first engine. Each rule's documented examples are
//! checked too: the `sql` block under "## Example" must trigger the rule, the one under
//! "## Use instead" must not (a block fenced as ```` ```sql no-check ```` is skipped).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::ALL;
use crate::lint::{Finding, LintOptions, lint_folder, lint_scripts};
use crate::source::Script;
use crate::sql::Dialect;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// Options that run only `rule`.
pub(crate) fn only(rule: &str, dialect: Dialect) -> LintOptions {
    let mut options = LintOptions::new(dialect);
    for other in ALL {
        if other.meta().id != rule {
            options.severities.insert(other.meta().id.to_string(), None);
        }
    }
    options
}

/// Findings as people read them, with paths relative to `root`.
pub(crate) fn render(findings: &[Finding], root: &Path) -> String {
    let mut out = String::new();
    for f in findings {
        let file = f
            .file
            .strip_prefix(root)
            .unwrap_or(&f.file)
            .display()
            .to_string();
        let _ = writeln!(out, "{}[{}]: {}", f.severity.as_str(), f.rule, f.message);
        let _ = writeln!(out, "  --> {file}:{}:{}", f.line, f.column);
        if let Some(help) = &f.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        if let Some(reason) = &f.allowed {
            let _ = writeln!(out, "  = allowed: {reason}");
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

fn case_dialect(case: &str, default: Dialect) -> Dialect {
    case.rsplit_once('.')
        .and_then(|(_, d)| d.parse().ok())
        .unwrap_or(default)
}

#[test]
fn fixtures_of_every_rule() {
    let mut missing = Vec::new();
    for rule in ALL {
        let meta = rule.meta();
        let dir = fixtures().join(meta.id);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            missing.push(meta.id);
            continue;
        };
        let mut cases: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        cases.sort();
        assert!(
            cases.iter().any(|c| c.starts_with("bad"))
                && cases.iter().any(|c| c.starts_with("good")),
            "{}: needs a bad and a good case under {}",
            meta.id,
            dir.display()
        );
        for case in cases {
            let dialect = case_dialect(&case, meta.engines[0]);
            let root = dir.join(&case);
            let mut options = only(meta.id, dialect);
            // A case named `...forward-only...` runs as a forward-only project.
            if case.contains("forward-only") {
                options.mode = crate::config::Mode::ForwardOnly;
            }
            let findings = lint_folder(&root, None, &options);
            let ours = findings.iter().filter(|f| f.rule == meta.id).count();
            if case.starts_with("bad") {
                assert!(ours > 0, "{}/{case}: expected findings, got none", meta.id);
            } else {
                assert_eq!(
                    ours,
                    0,
                    "{}/{case}: expected none:\n{}",
                    meta.id,
                    render(&findings, &root)
                );
            }
            insta::assert_snapshot!(format!("{}__{case}", meta.id), render(&findings, &root));
        }
    }
    // unused-allow is reported by the lint run itself and has its own fixtures too.
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

/// The `sql` code block that follows `heading` in a rule's documentation.
fn example(doc: &str, heading: &str) -> Option<String> {
    let after = doc.split_once(heading)?.1;
    let section = after.split("\n## ").next().unwrap_or(after);
    let start = section.find("```sql\n")? + "```sql\n".len();
    let end = section[start..].find("```")?;
    Some(section[start..start + end].to_string())
}

#[test]
fn documented_examples_behave_as_documented() {
    for rule in ALL {
        let meta = rule.meta();
        let doc = meta.documentation();
        for (heading, should_fire) in [("## Example", true), ("## Use instead", false)] {
            let Some(sql) = example(&doc, heading) else {
                continue;
            };
            // Examples are written for the rule's first engine.
            for &dialect in &meta.engines[..1] {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("example.sql");
                std::fs::write(&path, &sql).unwrap();
                let script = Script::from_file(&path, dialect)
                    .unwrap_or_else(|e| panic!("{} {heading}: {e}", meta.id));
                let findings = lint_scripts(&[script], &only(meta.id, dialect));
                let fired = findings.iter().any(|f| f.rule == meta.id);
                assert_eq!(
                    fired,
                    should_fire,
                    "{} on {dialect}: the documented `{heading}` {} the rule:\n{sql}\n{}",
                    meta.id,
                    if should_fire {
                        "does not trigger"
                    } else {
                        "triggers"
                    },
                    render(&findings, dir.path())
                );
            }
        }
    }
}
