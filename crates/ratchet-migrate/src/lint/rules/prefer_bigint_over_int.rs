use super::type_advice::{IntWidth, check_int_keys};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports 32-bit integer keys whose values keep growing: an `integer`/`int` primary
    /// key, an `integer` identity column, a PostgreSQL `serial`, a MySQL `INT
    /// AUTO_INCREMENT`. Also reports an `integer` foreign key column that references a
    /// `bigint` key.
    ///
    /// ## Why is this bad?
    /// A 32-bit key runs out at 2,147,483,647 (4,294,967,295 unsigned): then every insert
    /// fails. Tables reach that sooner than expected — ids are consumed by rolled-back
    /// inserts and by `INSERT ... ON CONFLICT` too. Changing the type when it happens is
    /// the worst time: on PostgreSQL `ALTER COLUMN ... TYPE bigint` rewrites the table and
    /// its indexes under an `ACCESS EXCLUSIVE` lock, and every foreign key column that
    /// references it must change too; MySQL copies the table and blocks writes meanwhile.
    /// A `bigint` costs 4 more bytes per row.
    ///
    /// An `integer` foreign key column referencing a `bigint` key cannot hold the keys
    /// past 2,147,483,647. (An `integer` foreign key column referencing an `integer` key
    /// is consistent with it: the finding belongs to the key.) Plain `integer` columns that
    /// are not keys (a quantity, a count) are fine.
    ///
    /// ## Lock taken
    /// Widening later: PostgreSQL `ACCESS EXCLUSIVE` with a rewrite; MySQL a table copy
    /// that blocks writes.
    ///
    /// ## Engines and versions
    /// PostgreSQL and MySQL/MariaDB, all versions. (SQLite's integers are all 64-bit.)
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE orders (id serial PRIMARY KEY, total numeric(12, 2) NOT NULL);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE TABLE orders (
    ///     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ///     total numeric(12, 2) NOT NULL
    /// );
    /// ```
    pub struct PreferBigintOverInt {
        id: "prefer-bigint-over-int",
        severity: Warning,
        engines: [Postgres, Mysql],
        summary: "a 32-bit integer key runs out at 2^31 values; widening it later rewrites the table",
    }
}

impl Rule for PreferBigintOverInt {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        check_int_keys(cx, report, IntWidth::Int);
    }
}
