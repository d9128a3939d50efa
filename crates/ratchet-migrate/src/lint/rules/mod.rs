//! Every rule, one file each. The list below is the only list: documentation, `ratchet
//! rule`, configuration checks and the lint run all read [`ALL`].

use super::{Rule, RuleMeta};

/// Declares the rule modules and the registry from one list.
macro_rules! rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in documentation order.
        pub static ALL: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

rules! {
    // Every engine: what ratchet cannot read.
    invalid_file::InvalidFile,
    unparsed_statement::UnparsedStatement,
    unused_allow::UnusedAllow,
    // Every engine: the shape of migrations (ratchet's own rules).
    ddl_and_dml_in_one_migration::DdlAndDmlInOneMigration,
    data_migration_without_verify::DataMigrationWithoutVerify,
    update_or_delete_without_where::UpdateOrDeleteWithoutWhere,
    unbatched_data_change::UnbatchedDataChange,
    not_null_with_backfill::NotNullWithBackfill,
    backfill_never_matches::BackfillNeverMatches,
    contract_without_expand::ContractWithoutExpand,
    down_migration_destroys_data::DownMigrationDestroysData,
    down_does_not_undo_up::DownDoesNotUndoUp,
    down_file_in_forward_only::DownFileInForwardOnly,
    transaction_nesting::TransactionNesting,
    // Every engine: drops and renames the running application still depends on.
    ban_drop_table::BanDropTable,
    ban_drop_column::BanDropColumn,
    ban_drop_database::BanDropDatabase,
    renaming_column::RenamingColumn,
    renaming_table::RenamingTable,
    // PostgreSQL: locks and rewrites.
    require_concurrent_index_creation::RequireConcurrentIndexCreation,
    require_concurrent_index_deletion::RequireConcurrentIndexDeletion,
    ban_concurrent_index_creation_in_transaction::BanConcurrentIndexCreationInTransaction,
    constraint_missing_not_valid::ConstraintMissingNotValid,
    disallowed_unique_constraint::DisallowedUniqueConstraint,
    adding_not_nullable_field::AddingNotNullableField,
    adding_required_field::AddingRequiredField,
    adding_field_with_default::AddingFieldWithDefault,
    changing_column_type::ChangingColumnType,
    adding_serial_primary_key_field::AddingSerialPrimaryKeyField,
    table_rewrite_maintenance::TableRewriteMaintenance,
    ban_truncate_cascade::BanTruncateCascade,
    missing_lock_timeout::MissingLockTimeout,
    lock_timeout_disabled::LockTimeoutDisabled,
    // PostgreSQL (and MySQL): types that cost later.
    prefer_bigint_over_int::PreferBigintOverInt,
    prefer_bigint_over_smallint::PreferBigintOverSmallint,
    prefer_text_field::PreferTextField,
    prefer_timestamptz::PreferTimestamptz,
    ban_char_field::BanCharField,
    prefer_jsonb::PreferJsonb,
    // MySQL/MariaDB: online DDL.
    mysql_alter_blocks_writes::MysqlAlterBlocksWrites,
    mysql_missing_online_options::MysqlMissingOnlineOptions,
    mysql_enum_rebuild::MysqlEnumRebuild,
    mysql_add_foreign_key::MysqlAddForeignKey,
    // SQLite: what ALTER TABLE cannot do.
    sqlite_alter_needs_rebuild::SqliteAlterNeedsRebuild,
    sqlite_rebuild_pitfalls::SqliteRebuildPitfalls,
}

/// Shared by the PostgreSQL lock rules.
mod pg_locks;

/// Shared judgement of MySQL online DDL for the `mysql-*` rules.
mod mysql_online;

/// Shapes of whole migrations, shared by ratchet's own rules.
mod migration_shape;

/// The rule reporting `-- ratchet:allow` directives that match no finding (the lint run
/// reports it itself).
pub(crate) static UNUSED_ALLOW: &RuleMeta = &unused_allow::UnusedAllow::META;

/// The rule reporting files that cannot be loaded.
pub(crate) static INVALID_FILE: &RuleMeta = &invalid_file::InvalidFile::META;

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}

mod type_advice;

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in ALL {
            let meta = rule.meta();
            assert!(seen.insert(meta.id), "duplicate rule id {}", meta.id);
            assert!(
                meta.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                meta.id
            );
            assert!(!meta.engines.is_empty(), "{} applies to no engine", meta.id);
            let doc = meta.documentation();
            for heading in ["## What it does", "## Why", "## Example", "## Use instead"] {
                assert!(
                    doc.contains(heading),
                    "{} lacks `{heading}` in its docs",
                    meta.id
                );
            }
        }
    }
}
