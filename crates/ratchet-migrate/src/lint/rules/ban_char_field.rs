use super::type_advice::report_types;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `char(n)` (`character(n)`, `character`, `bpchar`) columns: in
    /// `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN ... TYPE`. (The one-byte internal
    /// type `"char"`, quoted, is another type and is not reported.)
    ///
    /// ## Why is this bad?
    /// `char(n)` pads every value with spaces to `n` characters. The padding is ignored by
    /// comparisons between `char` values but not elsewhere: `LIKE`, concatenation after a
    /// cast, the application reading `'ab  '`, a join to a `text` column. Values longer than
    /// `n` are rejected, and a plain `character` is `char(1)`, which surprises. It is not
    /// faster in PostgreSQL — the documentation calls it usually the slowest of the string
    /// types, for the padding it stores — and changing `n` later takes an
    /// `ACCESS EXCLUSIVE` lock and rewrites the table.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions.
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE TABLE countries (
    ///     code text PRIMARY KEY CONSTRAINT countries_code_length CHECK (char_length(code) = 2),
    ///     name text NOT NULL
    /// );
    /// ```
    pub struct BanCharField {
        id: "ban-char-field",
        severity: Warning,
        engines: [Postgres],
        summary: "char(n) blank-pads its values and is no faster than text",
    }
}

impl Rule for BanCharField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        report_types(
            cx,
            report,
            |t| t.name == "char",
            |d| {
                let n = d.data_type.args.first().map(String::as_str).unwrap_or("1");
                let unit = if n == "1" { "character" } else { "characters" };
                format!(
                    "{} is {}: values are blank-padded to {n} {unit} (padding that \
                     comparisons ignore but LIKE, casts and the application see), and it is \
                     no faster than text",
                    d.qualified(),
                    d.data_type.text
                )
            },
            |_| "use text (or varchar), with a CHECK constraint if the length matters".into(),
        );
    }
}
