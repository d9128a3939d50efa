use super::type_advice::{IntWidth, check_int_keys};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports 16-bit (and MySQL 8- and 24-bit) integer keys whose values keep growing: a
    /// `smallint` primary key or identity column, a PostgreSQL `smallserial`, a MySQL
    /// `TINYINT`/`SMALLINT`/`MEDIUMINT` `AUTO_INCREMENT`. Also reports such a foreign key
    /// column that references a wider key.
    ///
    /// ## Why is this bad?
    /// A `smallint` key runs out at 32,767 values (a `TINYINT` at 127, a `MEDIUMINT` at
    /// 8,388,607): then every insert fails. Lookup tables outgrow that more often than
    /// planned, and ids are consumed by rolled-back inserts too. Widening the type later
    /// rewrites the table under an `ACCESS EXCLUSIVE` lock on PostgreSQL (and every
    /// referencing column must change too); MySQL copies the table and blocks writes.
    ///
    /// A narrow foreign key column referencing a wider key cannot hold the keys past its
    /// own limit. Plain small integer columns that are not keys are fine.
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
    /// CREATE TABLE order_statuses (id smallserial PRIMARY KEY, name text NOT NULL);
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// CREATE TABLE order_statuses (
    ///     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ///     name text NOT NULL
    /// );
    /// ```
    pub struct PreferBigintOverSmallint {
        id: "prefer-bigint-over-smallint",
        severity: Warning,
        engines: [Postgres, Mysql],
        summary: "a 16-bit integer key runs out at 32,767 values; widening it later rewrites the table",
    }
}

impl Rule for PreferBigintOverSmallint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        check_int_keys(cx, report, IntWidth::Small);
    }
}
