use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports `ALTER TABLE ... ALTER COLUMN ... TYPE` on a table that existed before the
    /// migration when the change rewrites the table (`integer` to `bigint`, `timestamp` to
    /// `timestamptz`, any change with `USING`...) or scans it to check the values fit (a
    /// shorter `varchar`, `text` to `varchar(n)`).
    ///
    /// ratchet judges the change from the column's old type, as the earlier migrations
    /// defined it. Changes PostgreSQL makes in the catalog alone are not reported:
    /// `varchar(n)` to a longer `varchar(m)` or to `text`, `varchar` to `text`, a `numeric`
    /// with more precision and the same scale, an unbounded `numeric`. When ratchet cannot
    /// see the old type (the table or column comes from outside the migrations), it
    /// reports the change and says so. A table created in the same migration is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A rewriting type change writes a new copy of every row and rebuilds every index of
    /// the table while holding an `ACCESS EXCLUSIVE` lock: nobody can read or write the
    /// table for minutes or hours, and the disk needs room for a second copy. A narrowing
    /// change does not rewrite, but reads every row under the same lock, and fails if a
    /// value does not fit. Either way, application code that reads the column may also
    /// break on the new type.
    ///
    /// ## Lock taken
    /// `ACCESS EXCLUSIVE` on the table (blocks reads and writes) for the whole rewrite or
    /// scan.
    ///
    /// ## Engines and versions
    /// PostgreSQL, all versions. (`timestamp` to `timestamptz` skips the rewrite from
    /// PostgreSQL 12 on when the session time zone is UTC; ratchet cannot know the session's
    /// time zone and reports it.)
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
    /// ```
    ///
    /// ## Use instead
    /// Expand and contract, over several migrations:
    /// ```sql no-check
    /// -- 0021 (expand): the new column, kept in sync by a trigger
    /// ALTER TABLE orders ADD COLUMN amount_new bigint;
    /// CREATE FUNCTION orders_amount_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    /// BEGIN NEW.amount_new := NEW.amount; RETURN NEW; END $$;
    /// CREATE TRIGGER orders_amount_sync BEFORE INSERT OR UPDATE ON orders
    ///     FOR EACH ROW EXECUTE FUNCTION orders_amount_sync();
    ///
    /// -- 0022 (backfill): existing rows, in batches
    /// -- ratchet:backfill table=orders key=id
    /// UPDATE orders SET amount_new = amount WHERE amount_new IS NULL;
    ///
    /// -- 0023 (contract), once the application reads amount_new
    /// DROP TRIGGER orders_amount_sync ON orders;
    /// ALTER TABLE orders DROP COLUMN amount;
    /// ALTER TABLE orders RENAME COLUMN amount_new TO amount;
    /// ```
    pub struct ChangingColumnType {
        id: "changing-column-type",
        severity: Error,
        engines: [Postgres],
        summary: "a column type change that rewrites or scans the table under an ACCESS EXCLUSIVE lock",
    }
}

impl Rule for ChangingColumnType {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let Op::AlterColumnType {
                table,
                column,
                data_type,
                using,
            } = &action.action.op
            else {
                continue;
            };
            let effects = &action.effects;
            if !action.table_existed || !(effects.rewrites || effects.scans) {
                continue;
            }
            let new = &data_type.text;
            let message = match &action.previous {
                None => format!(
                    "ratchet could not see the old type of {table}.{column} (no earlier \
                     migration defines it), so it assumes that changing it to {new} rewrites every \
                     row of {table} under an ACCESS EXCLUSIVE lock: reads and writes of \
                     {table} wait until it ends"
                ),
                Some(old) if effects.rewrites => format!(
                    "changing {table}.{column} from {} to {new}{} rewrites every row of \
                     {table} and rebuilds its indexes under an ACCESS EXCLUSIVE lock: reads \
                     and writes of {table} wait until it ends",
                    old.data_type.text,
                    if using.is_some() { " with USING" } else { "" },
                ),
                Some(old) => format!(
                    "changing {table}.{column} from {} to {new} reads every row of {table} \
                     under an ACCESS EXCLUSIVE lock to check that it fits (reads and writes of \
                     {table} wait until the scan ends), and fails if a value does not",
                    old.data_type.text
                ),
            };
            let mut help = "add a new column, keep it in sync with a trigger, backfill it in \
                            batches, move reads to it, then drop the old one (expand and \
                            contract)"
                .to_string();
            if action.previous.is_none() {
                help.push_str(
                    "; if the change needs no rewrite (varchar(n) to a longer varchar or to \
                     text), accept this with `-- ratchet:allow changing-column-type -- <why>`",
                );
            }
            report.at(up, statement, action.action.offset, message, help);
        }
    }
}
