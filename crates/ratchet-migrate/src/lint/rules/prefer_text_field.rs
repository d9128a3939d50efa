use super::type_advice::report_types;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `varchar(n)` (`character varying(n)`) columns: in `CREATE TABLE`,
    /// `ADD COLUMN` and `ALTER COLUMN ... TYPE`. `varchar` without a length is `text` by
    /// another name and is fine.
    ///
    /// ## Why is this bad?
    /// The length is part of the column's type, and limits tend to change (names, emails
    /// and URLs outgrow 255 characters). Changing it is `ALTER COLUMN ... TYPE`, which
    /// takes an `ACCESS EXCLUSIVE` lock on the table: raising the limit (or removing it) is
    /// only a catalog change since PostgreSQL 9.2, but the lock still has to wait for every
    /// running query on the table while all new ones queue behind it; lowering the limit
    /// rewrites the whole table under that lock, and fails if a value is too long.
    ///
    /// `text` stores the same way and is as fast. A `CHECK (char_length(col) <= n)`
    /// constraint expresses the limit, and can be changed without blocking anyone: add the
    /// new constraint `NOT VALID`, `VALIDATE` it (which lets reads and writes go on), drop
    /// the old one.
    ///
    /// ## Lock taken
    /// Changing the type later: `ACCESS EXCLUSIVE` (a rewrite when the limit shrinks).
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions. (MySQL requires a length for `VARCHAR`.)
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE TABLE users (
    ///     id bigint PRIMARY KEY,
    ///     email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 255)
    /// );
    /// ```
    pub struct PreferTextField {
        id: "prefer-text-field",
        severity: Warning,
        engines: [Postgres],
        summary: "varchar(n): changing the limit later takes an ACCESS EXCLUSIVE lock",
    }
}

impl Rule for PreferTextField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        report_types(
            cx,
            report,
            |t| t.name == "varchar" && !t.args.is_empty(),
            |d| {
                format!(
                    "{} is {}: changing the limit later takes an ACCESS EXCLUSIVE lock on {} \
                     (and lowering it rewrites the table)",
                    d.qualified(),
                    d.data_type.text,
                    d.table
                )
            },
            |d| {
                let limit = d.data_type.args.first().map(String::as_str).unwrap_or("n");
                format!(
                    "use text with a CHECK (char_length({}) <= {limit}) constraint, which \
                     can be replaced without blocking (ADD CONSTRAINT ... NOT VALID, then \
                     VALIDATE CONSTRAINT)",
                    d.column
                )
            },
        );
    }
}
