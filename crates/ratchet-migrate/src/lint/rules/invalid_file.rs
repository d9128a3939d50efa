use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a migration file ratchet cannot load: an unterminated string, comment or
    /// dollar-quoted body, an unknown or malformed `-- ratchet:` directive (an `allow`
    /// without a reason among them), a file name that matches no layout, two files with
    /// one version.
    ///
    /// ## Why is this bad?
    /// `ratchet up` refuses to run such a folder: nothing in it can be applied until the
    /// file is fixed. `lint` says so early, with the file and line.
    ///
    /// ## Example
    /// ```sql no-check
    /// -- ratchet:allow require-concurrent-index-creation
    /// CREATE INDEX orders_status_idx ON orders (status);
    /// ```
    ///
    /// ## Use instead
    /// ```sql no-check
    /// -- ratchet:allow require-concurrent-index-creation -- orders has 40 rows
    /// CREATE INDEX orders_status_idx ON orders (status);
    /// ```
    pub struct InvalidFile {
        id: "invalid-file",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "a migration file ratchet cannot load",
    }
}

impl Rule for InvalidFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Loading reports it: a file that cannot be loaded never reaches the rules.
    fn check(&self, _: &Context<'_>, _: &mut Report) {}
}
