//! `ratchet graph`: which migration depends on which, and why; as text, JSON or
//! Graphviz dot. Reads the files only: no database is needed.

use ratchet_migrate::Result;
use ratchet_migrate::graph::{Dependency, Graph};
use ratchet_migrate::source::MigrationSet;
use ratchet_migrate::sql::Dialect;
use serde::Serialize;

use super::Project;
use crate::Outcome;
use crate::cli::{Format, GraphArgs};

#[derive(Serialize)]
struct GraphJson<'a> {
    migrations: Vec<NodeJson<'a>>,
}

#[derive(Serialize)]
struct NodeJson<'a> {
    version: i64,
    name: &'a str,
    path: String,
    dependencies: &'a [Dependency],
}

pub fn run(project: &Project, args: &GraphArgs) -> Result<Outcome> {
    let format = project.output("graph", &[Format::Human, Format::Json, Format::Dot])?;
    let dialect = args
        .dialect
        .or_else(|| project.url().ok().and_then(|url| Dialect::from_url(&url)))
        .unwrap_or(Dialect::Postgres);
    let set = project.migrations(dialect)?;
    let graph = Graph::build(&set, dialect)?;
    match format {
        Format::Json => crate::render::print_json(&GraphJson {
            migrations: set
                .migrations
                .iter()
                .map(|m| NodeJson {
                    version: m.version,
                    name: &m.name,
                    path: m.up.path.display().to_string(),
                    dependencies: graph.dependencies(m.version),
                })
                .collect(),
        })?,
        Format::Dot => print!("{}", dot(&set, &graph)),
        _ => print!("{}", text(&set, &graph)),
    }
    Ok(Outcome::Ok)
}

/// Each migration, then what it needs and why, indented.
pub fn text(set: &MigrationSet, graph: &Graph) -> String {
    if set.migrations.is_empty() {
        return format!("no migrations in {}\n", set.dir.display());
    }
    let mut out = String::new();
    for migration in &set.migrations {
        out.push_str(&format!("{} {}\n", migration.version, migration.name));
        for dependency in graph.dependencies(migration.version) {
            let name = set.get(dependency.version).map_or("", |m| m.name.as_str());
            out.push_str(&format!("  needs {} {name}\n", dependency.version));
            for reason in &dependency.reasons {
                out.push_str(&format!("    {reason}\n"));
            }
        }
    }
    out
}

/// The graph in Graphviz's dot language: an arrow from each migration to what it needs,
/// labelled with why.
pub fn dot(set: &MigrationSet, graph: &Graph) -> String {
    let mut out = String::from(
        "digraph migrations {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for migration in &set.migrations {
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\\n{}\"];\n",
            migration.version,
            migration.version,
            escape(&migration.name)
        ));
    }
    for migration in &set.migrations {
        for dependency in graph.dependencies(migration.version) {
            let label = dependency
                .reasons
                .iter()
                .map(|r| escape(r))
                .collect::<Vec<_>>()
                .join("\\n");
            out.push_str(&format!(
                "  \"{}\" -> \"{}\" [label=\"{label}\"];\n",
                migration.version, dependency.version
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// A string for a dot `"..."` literal.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
