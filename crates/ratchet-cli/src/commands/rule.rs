//! `ratchet rule [id]`: a rule's documentation, or the list of rules.

use ratchet_migrate::lint::{self, rules};
use ratchet_migrate::{Error, Result};
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, RuleArgs};
use crate::render;

#[derive(Serialize)]
struct RuleJson {
    id: &'static str,
    severity: &'static str,
    engines: Vec<&'static str>,
    summary: &'static str,
    documentation: String,
}

pub fn run(project: &Project, args: &RuleArgs) -> Result<Outcome> {
    let format = project.output("rule", &[Format::Human, Format::Json])?;
    let selected: Vec<_> = match &args.id {
        Some(id) => vec![rules::find(id).ok_or_else(|| {
            let close: Vec<&str> = rules::ALL
                .iter()
                .map(|r| r.meta().id)
                .filter(|other| other.contains(id.as_str()) || id.contains(*other))
                .collect();
            Error::Usage(if close.is_empty() {
                format!("no rule `{id}`; `ratchet rule` lists them")
            } else {
                format!("no rule `{id}`; did you mean {}?", close.join(", "))
            })
        })?],
        None => rules::ALL.to_vec(),
    };
    if format == Format::Json {
        let list: Vec<RuleJson> = selected
            .iter()
            .map(|r| {
                let m = r.meta();
                RuleJson {
                    id: m.id,
                    severity: m.severity.as_str(),
                    engines: m.engines.iter().map(|d| d.name()).collect(),
                    summary: m.summary,
                    documentation: m.documentation(),
                }
            })
            .collect();
        render::print_json(&serde_json::json!({ "rules": list }))?;
    } else if let [rule] = selected.as_slice()
        && args.id.is_some()
    {
        let m = rule.meta();
        println!(
            "{} ({}; {})\n\n{}",
            m.id,
            m.severity.as_str(),
            lint::engines(m),
            m.documentation()
        );
    } else {
        let rows = selected
            .iter()
            .map(|r| {
                let m = r.meta();
                vec![
                    m.id.to_string(),
                    m.severity.as_str().to_string(),
                    lint::engines(m),
                    m.summary.to_string(),
                ]
            })
            .collect();
        println!(
            "{}",
            render::table(&["RULE", "SEVERITY", "ENGINES", "DETECTS"], rows)
        );
    }
    Ok(Outcome::Ok)
}
