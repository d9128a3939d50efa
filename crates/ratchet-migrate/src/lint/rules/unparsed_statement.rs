use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::{Op, Parsed};

declare_rule! {
    /// ## What it does
    /// Reports every statement ratchet cannot analyse: one its parser cannot read, and one
    /// whose effect cannot be known before it runs (a PostgreSQL `DO` block running
    /// dynamic SQL, `CALL`, `EXECUTE`, MySQL `PREPARE`).
    ///
    /// ## Why is this bad?
    /// ratchet never assumes that what it cannot read is safe. Such a statement may take
    /// an exclusive lock, rewrite a table or destroy data, and no other rule can tell.
    /// A person has to read it.
    ///
    /// ## Example
    /// ```sql
    /// DO $$ BEGIN EXECUTE 'ALTER TABLE ' || tbl || ' ADD COLUMN x int'; END $$;
    /// ```
    ///
    /// ## Use instead
    /// Write the statements out, so that ratchet (and reviewers) can see them:
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN x int;
    /// ```
    /// or, once reviewed, accept it: `-- ratchet:allow unparsed-statement -- <why it is safe>`.
    pub struct UnparsedStatement {
        id: "unparsed-statement",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a statement ratchet cannot analyse is never assumed safe",
    }
}

impl Rule for UnparsedStatement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let m = cx.migration;
        for script in [Some(&m.up), m.down.as_ref()].into_iter().flatten() {
            for statement in &script.statements {
                let reason = match &statement.facts.parsed {
                    Parsed::Unparsed { message } => Some(format!(
                        "ratchet cannot parse this statement ({message}), so it cannot tell \
                         what it locks or destroys"
                    )),
                    Parsed::Parsed => statement.actions.iter().find_map(|a| match &a.action.op {
                        Op::Unknown { reason } => Some(format!(
                            "{reason}: ratchet cannot tell what it locks or destroys"
                        )),
                        _ => None,
                    }),
                };
                if let Some(message) = reason {
                    report.at(
                        script,
                        statement,
                        0,
                        message,
                        "review it by hand; once reviewed, accept it with \
                         `-- ratchet:allow unparsed-statement -- <why it is safe>`",
                    );
                }
            }
        }
    }
}
