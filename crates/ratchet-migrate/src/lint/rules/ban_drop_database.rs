use super::type_advice::steps;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::{Dialect, classify};
use crate::sql::facts::{ObjectKind, Op};

declare_rule! {
    /// ## What it does
    /// Reports `DROP DATABASE`, and `DROP SCHEMA` that can drop what the schema holds:
    /// every MySQL `DROP SCHEMA` (a synonym of `DROP DATABASE`) and PostgreSQL's
    /// `DROP SCHEMA ... CASCADE`.
    ///
    /// ## Why is this bad?
    /// Every table in the database or schema goes with it, with all its rows, and every
    /// view, function, sequence and type. No down migration brings that back, and every
    /// application connected to it breaks at once. A migration is almost never the place
    /// for it; when it is (a scratch schema), say so with an allow.
    ///
    /// PostgreSQL's `DROP SCHEMA` without `CASCADE` refuses to drop a schema that still
    /// contains anything, so it destroys no data: the rule stays quiet there. So it does for
    /// a database or schema created in the same migration.
    ///
    /// ## Lock taken
    /// PostgreSQL's `DROP DATABASE` cannot run while anyone is connected to the database
    /// (`WITH (FORCE)` disconnects them); `DROP SCHEMA ... CASCADE` takes `ACCESS EXCLUSIVE`
    /// on every table it drops. MySQL takes metadata locks on every table.
    ///
    /// ## Engines and versions
    /// PostgreSQL and MySQL/MariaDB, all versions. (SQLite's databases are files; `DETACH`
    /// destroys nothing.)
    ///
    /// ## Example
    /// ```sql
    /// DROP SCHEMA billing CASCADE;
    /// ```
    ///
    /// ## Use instead
    /// Drop the objects one by one, each after the application stopped using it, and the
    /// emptied schema last (without `CASCADE` it fails if anything is left):
    /// ```sql
    /// -- ratchet:phase contract
    /// DROP TABLE billing.invoices;
    /// DROP SCHEMA billing;
    /// ```
    pub struct BanDropDatabase {
        id: "ban-drop-database",
        severity: Error,
        engines: [Postgres, Mysql],
        summary: "DROP DATABASE or DROP SCHEMA ... CASCADE destroys every table in it",
    }
}

impl Rule for BanDropDatabase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let all = steps(cx);
        let up = &cx.migration.up;
        for step in &all {
            let Op::DropObject {
                kind,
                name,
                cascade,
                ..
            } = &step.action.action.op
            else {
                continue;
            };
            let container = matches!(kind, ObjectKind::Database | ObjectKind::Schema);
            // PostgreSQL's default RESTRICT only drops an empty schema.
            let restricted =
                cx.dialect == Dialect::Postgres && *kind == ObjectKind::Schema && !cascade;
            let created_here = all[..step.index].iter().any(|s| {
                matches!(&s.action.action.op, Op::CreateObject { kind: k, name: n, .. }
                    if matches!(k, ObjectKind::Database | ObjectKind::Schema)
                        && n.key() == name.key())
            });
            if !container || restricted || created_here {
                continue;
            }
            // MySQL's parser may call either spelling a database: say what was written.
            let written_schema = classify::leading_words(&step.statement.statement.sql, 2)
                .get(1)
                .is_some_and(|w| w == "SCHEMA");
            let what = match (cx.dialect, kind) {
                (Dialect::Postgres, ObjectKind::Schema) => "DROP SCHEMA ... CASCADE",
                (Dialect::Mysql, _) if written_schema => "DROP SCHEMA (a database in MySQL)",
                _ => "DROP DATABASE",
            };
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                format!(
                    "{what} destroys every table in {name} with all its rows, and every \
                     application using {name} breaks at once"
                ),
                "drop the objects one at a time, each after the application stopped using \
                 it; if this really is a scratch database, accept it with \
                 `-- ratchet:allow ban-drop-database -- <why>`",
            );
        }
    }
}
