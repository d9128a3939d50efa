use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `-- ratchet:allow <rule> -- <reason>` directive that accepts a finding the
    /// file does not have.
    ///
    /// ## Why is this bad?
    /// An allow that matches nothing is usually a typo in the rule id, or a leftover from
    /// an earlier version of the file. Either way it documents an exception that does not
    /// exist, and a typo means the finding it meant to accept is still there.
    ///
    /// ## Example
    /// ```sql
    /// -- ratchet:allow require-concurent-index-creation -- table has 40 rows
    /// CREATE INDEX orders_status_idx ON orders (status);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- ratchet:allow require-concurrent-index-creation -- table has 40 rows
    /// CREATE INDEX orders_status_idx ON orders (status);
    /// ```
    pub struct UnusedAllow {
        id: "unused-allow",
        severity: Warning,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a `-- ratchet:allow` directive matches no finding",
    }
}

impl Rule for UnusedAllow {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// The lint run checks allows after every rule has run.
    fn check(&self, _: &Context<'_>, _: &mut Report) {}
}
