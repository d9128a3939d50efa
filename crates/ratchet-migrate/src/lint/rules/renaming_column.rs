use super::type_advice::{
    column_name_given_back, column_name_vacated, column_rename, replay, steps,
};
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::facts::Op;

declare_rule! {
    /// ## What it does
    /// Reports the renaming of a column that existed before the migration: `ALTER TABLE ...
    /// RENAME COLUMN`, and MySQL's `CHANGE [COLUMN] old new ...` with a different name.
    ///
    /// ## Why is this bad?
    /// The application version that is running while the migration runs still names the
    /// old column. From the moment the rename commits, every query of it that names the
    /// column fails (`column "email" does not exist`), and so does every query of an ORM
    /// that caches the table's columns, until the new version is deployed everywhere. Nor
    /// can the new version be deployed first: the column it names does not exist yet.
    ///
    /// The rule stays quiet for a column added in the same migration, and for a swap that
    /// keeps the name in use (`DROP COLUMN price` then `RENAME COLUMN price_new TO price`,
    /// as the contract step of an expand/contract type change does).
    ///
    /// ## Lock taken
    /// PostgreSQL: `ACCESS EXCLUSIVE`, briefly (a catalog change). MySQL: instant
    /// (`RENAME COLUMN`, or `CHANGE` keeping the type). SQLite: the database write lock.
    ///
    /// ## Engines and versions
    /// PostgreSQL, MySQL/MariaDB and SQLite (3.25+ for `RENAME COLUMN`), all versions.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users RENAME COLUMN email TO email_address;
    /// ```
    ///
    /// ## Use instead
    /// Expand and contract, over several deploys (`ratchet new --expand-contract` writes
    /// the sequence):
    /// ```sql no-check
    /// -- 1. expand: add the new column and keep it in sync with writes to the old one
    /// ALTER TABLE users ADD COLUMN email_address text;
    /// CREATE FUNCTION users_email_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    /// BEGIN NEW.email_address := NEW.email; RETURN NEW; END $$;
    /// CREATE TRIGGER users_email_sync BEFORE INSERT OR UPDATE ON users
    ///     FOR EACH ROW EXECUTE FUNCTION users_email_sync();
    /// -- 2. backfill (in batches): UPDATE users SET email_address = email WHERE ...;
    /// -- 3. deploy code that reads and writes email_address only
    /// -- 4. contract, in a migration marked `-- ratchet:phase contract`:
    /// DROP TRIGGER users_email_sync ON users;
    /// ALTER TABLE users DROP COLUMN email;
    /// ```
    /// With an ORM, renaming the attribute in the code while keeping the column's name is
    /// often enough.
    pub struct RenamingColumn {
        id: "renaming-column",
        severity: Error,
        engines: [Postgres, Mysql, Sqlite],
        summary: "renaming a column breaks the application version still using the old name",
    }
}

impl Rule for RenamingColumn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let all = steps(cx);
        let up = &cx.migration.up;
        replay(cx, |step, origins| {
            let Some((table, column, to)) = column_rename(&step.action.action.op) else {
                return;
            };
            if origins.added_here(table, column)
                || column_name_given_back(&all, step.index, table, column)
                || column_name_vacated(&all, step.index, table, to)
            {
                return;
            }
            let how = match &step.action.action.op {
                Op::RedefineColumn { .. } => "CHANGE renames",
                _ => "renaming",
            };
            report.at(
                up,
                step.statement,
                step.action.action.offset,
                format!(
                    "{how} {table}.{column} to {to}: the application version still running \
                     fails on every query that names {column}"
                ),
                format!(
                    "expand/contract instead: add {to}, keep it in sync with {column} \
                     (trigger or dual writes), backfill, switch the code to {to}, then drop \
                     {column} in a contract migration"
                ),
            );
        });
    }
}
