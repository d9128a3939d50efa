use super::type_advice::report_types;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `timestamp` (`timestamp without time zone`) columns: in `CREATE TABLE`,
    /// `ADD COLUMN` and `ALTER COLUMN ... TYPE`.
    ///
    /// ## Why is this bad?
    /// A `timestamp` is a wall-clock reading with no time zone: it does not say which
    /// instant it is. `now()` (a `timestamptz`) stored into it is converted with the
    /// `TimeZone` of the session that writes it, so two application servers, or a server
    /// and a psql session, configured differently store different values for the same
    /// moment; and around a daylight-saving change one local hour happens twice, so some
    /// values are ambiguous. Comparisons and intervals across such values are silently
    /// wrong.
    ///
    /// `timestamptz` stores an absolute instant (as UTC, in the same 8 bytes) and shows it
    /// in the reader's time zone. Converting a `timestamp` column later rewrites the table
    /// under an `ACCESS EXCLUSIVE` lock (from PostgreSQL 12, not when the session's
    /// `TimeZone` is UTC), and needs every stored value's zone to be known.
    ///
    /// ## Lock taken
    /// Converting later: `ACCESS EXCLUSIVE`, with a table rewrite.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN shipped_at timestamp;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
    /// ```
    pub struct PreferTimestamptz {
        id: "prefer-timestamptz",
        severity: Warning,
        engines: [Postgres],
        summary: "timestamp without time zone stores wall-clock times whose instant depends on the writer's time zone",
    }
}

impl Rule for PreferTimestamptz {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        report_types(
            cx,
            report,
            |t| t.name == "timestamp",
            |d| {
                let written = &d.data_type.text;
                let zone = if written.to_ascii_lowercase().contains("without") {
                    ""
                } else {
                    " (without time zone)"
                };
                format!(
                    "{} is {written}{zone}: the instant stored depends on the TimeZone of the \
                     session that writes it, and converting it later rewrites {}",
                    d.qualified(),
                    d.table
                )
            },
            |_| {
                "use timestamptz (timestamp with time zone): the same 8 bytes, an absolute \
                 instant"
                    .into()
            },
        );
    }
}
