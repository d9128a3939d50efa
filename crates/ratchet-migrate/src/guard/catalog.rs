//! What the database's own catalog says about a table: whether it exists, its columns and
//! its key. The replayed migrations say what was meant; the catalog says what is, and a
//! backup is only as good as the key it is restored by.

use crate::engine::{DbError, Engine, Row};
use crate::sql::Dialect;
use crate::sql::facts::Name;

/// An identifier quoted for `dialect`.
pub(crate) fn quote(dialect: Dialect, ident: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

/// A table name quoted (and qualified, when it was written qualified) for `dialect`.
pub(crate) fn table_sql(dialect: Dialect, table: &Name) -> String {
    match &table.schema {
        Some(schema) => format!("{}.{}", quote(dialect, schema), quote(dialect, &table.name)),
        None => quote(dialect, &table.name),
    }
}

/// A string literal for `dialect` (MySQL reads backslash escapes in strings by default).
pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    let text = text.replace('\'', "''");
    match dialect {
        Dialect::Mysql => format!("'{}'", text.replace('\\', "\\\\")),
        Dialect::Postgres | Dialect::Sqlite => format!("'{text}'"),
    }
}

/// A backup table's name (`ratchet_backup.b1_x` or `ratchet_backup_b1_x`) as a [`Name`];
/// backup names are plain, so a dot only ever separates the PostgreSQL schema.
pub(crate) fn backup_name(backup_table: &str) -> Name {
    match backup_table.split_once('.') {
        Some((schema, name)) => Name {
            schema: Some(schema.to_string()),
            name: name.to_string(),
        },
        None => Name::new(backup_table),
    }
}

/// A column as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    /// Its name.
    pub(crate) name: String,
    /// Its type as SQL (PostgreSQL `format_type`, MySQL `COLUMN_TYPE`, SQLite's declared
    /// type).
    pub(crate) type_sql: String,
    /// `NOT NULL`.
    pub(crate) not_null: bool,
    /// A generated column: its values are computed, never inserted.
    pub(crate) generated: bool,
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`: an insert must say OVERRIDING SYSTEM
    /// VALUE.
    pub(crate) identity_always: bool,
    /// A PostgreSQL type outside `pg_catalog` (an enum, a domain...): a copy keeps it as
    /// text, so that the down script can still drop the type.
    pub(crate) user_type: bool,
}

impl Column {
    /// Whether this is the column `name` (case-insensitive, as ratchet compares names).
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

fn text(row: &Row, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn truthy(value: &str) -> bool {
    matches!(value, "t" | "true" | "1")
}

/// The PostgreSQL expression for the table's oid (NULL when there is no such table).
fn pg_regclass(table: &Name) -> String {
    format!(
        "to_regclass({})",
        literal(Dialect::Postgres, &table_sql(Dialect::Postgres, table))
    )
}

fn mysql_schema(table: &Name) -> String {
    table
        .schema
        .as_deref()
        .map_or_else(|| "DATABASE()".to_string(), |s| literal(Dialect::Mysql, s))
}

fn sqlite_pragma(function: &str, table: &Name) -> String {
    match &table.schema {
        Some(schema) => format!(
            "pragma_{function}({}, {})",
            literal(Dialect::Sqlite, &table.name),
            literal(Dialect::Sqlite, schema)
        ),
        None => format!(
            "pragma_{function}({})",
            literal(Dialect::Sqlite, &table.name)
        ),
    }
}

/// The columns of `table` in order, or `None` when there is no such table (a view does not
/// count: it holds no data of its own).
pub(crate) async fn columns(
    engine: &mut dyn Engine,
    table: &Name,
) -> Result<Option<Vec<Column>>, DbError> {
    let dialect = engine.dialect();
    let exists_sql = match dialect {
        Dialect::Postgres => format!(
            "SELECT count(*) FROM pg_class WHERE oid = {} AND relkind IN ('r', 'p')",
            pg_regclass(table)
        ),
        Dialect::Mysql => format!(
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} \
             AND TABLE_NAME = {} AND TABLE_TYPE = 'BASE TABLE'",
            mysql_schema(table),
            literal(dialect, &table.name)
        ),
        Dialect::Sqlite => format!(
            "SELECT count(*) FROM {}sqlite_master WHERE type = 'table' AND name = {} \
             COLLATE NOCASE",
            table
                .schema
                .as_deref()
                .map(|s| format!("{}.", quote(dialect, s)))
                .unwrap_or_default(),
            literal(dialect, &table.name)
        ),
    };
    let found = engine.query(&exists_sql).await?;
    if found.first().map(|r| text(r, 0)).as_deref() != Some("1") {
        return Ok(None);
    }
    let sql = match dialect {
        Dialect::Postgres => {
            let generated = if engine.server_version() >= 120_000 {
                "a.attgenerated <> ''"
            } else {
                "false"
            };
            format!(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
                        {generated}, a.attidentity = 'a', \
                        t.typnamespace <> 'pg_catalog'::regnamespace \
                 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
                 WHERE a.attrelid = {} AND a.attnum > 0 AND NOT a.attisdropped \
                 ORDER BY a.attnum",
                pg_regclass(table)
            )
        }
        Dialect::Mysql => format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'NO', \
                    COALESCE(GENERATION_EXPRESSION, '') <> '', 0, 0 \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} \
             ORDER BY ORDINAL_POSITION",
            mysql_schema(table),
            literal(dialect, &table.name)
        ),
        Dialect::Sqlite => format!(
            "SELECT name, type, \"notnull\", hidden IN (2, 3), 0, 0 FROM {} ORDER BY cid",
            sqlite_pragma("table_xinfo", table)
        ),
    };
    let rows = engine.query(&sql).await?;
    Ok(Some(
        rows.iter()
            .map(|r| Column {
                name: text(r, 0),
                type_sql: text(r, 1),
                not_null: truthy(&text(r, 2)),
                generated: truthy(&text(r, 3)),
                identity_always: truthy(&text(r, 4)),
                user_type: truthy(&text(r, 5)),
            })
            .collect(),
    ))
}

/// The columns of `table`'s primary key, else of its first unique key whose columns are
/// all NOT NULL (a plain unique index on PostgreSQL, MySQL and SQLite, no partial or
/// expression index), leaving out keys that contain `without` (the column being saved
/// cannot be the key it is put back by). `None`: the table has no such key.
pub(crate) async fn key(
    engine: &mut dyn Engine,
    table: &Name,
    columns: &[Column],
    without: Option<&str>,
) -> Result<Option<Vec<String>>, DbError> {
    let dialect = engine.dialect();
    // Candidate keys, best first: (is primary, columns).
    let mut candidates: Vec<(bool, Vec<Option<String>>)> = Vec::new();
    match dialect {
        Dialect::Postgres => {
            let sql = format!(
                "SELECT i.indexrelid::text, i.indisprimary, a.attname \
                 FROM pg_index i \
                 JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                   ON true \
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                 WHERE i.indrelid = {} AND i.indisunique AND i.indisvalid \
                   AND i.indpred IS NULL AND k.ord <= i.indnkeyatts \
                 ORDER BY i.indisprimary DESC, i.indexrelid, k.ord",
                pg_regclass(table)
            );
            group(&engine.query(&sql).await?, &mut candidates);
        }
        Dialect::Mysql => {
            let sql = format!(
                "SELECT INDEX_NAME, INDEX_NAME = 'PRIMARY', COLUMN_NAME \
                 FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} AND NON_UNIQUE = 0 \
                 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
                mysql_schema(table),
                literal(dialect, &table.name)
            );
            group(&engine.query(&sql).await?, &mut candidates);
        }
        Dialect::Sqlite => {
            let primary = engine
                .query(&format!(
                    "SELECT name FROM {} WHERE pk > 0 ORDER BY pk",
                    sqlite_pragma("table_info", table)
                ))
                .await?;
            if !primary.is_empty() {
                candidates.push((true, primary.iter().map(|r| Some(text(r, 0))).collect()));
            }
            let indexes = engine
                .query(&format!(
                    "SELECT name FROM {} WHERE \"unique\" = 1 AND partial = 0 AND origin <> 'pk' \
                     ORDER BY seq",
                    sqlite_pragma("index_list", table)
                ))
                .await?;
            for index in indexes {
                let name = Name {
                    schema: table.schema.clone(),
                    name: text(&index, 0),
                };
                let parts = engine
                    .query(&format!(
                        "SELECT name FROM {} ORDER BY seqno",
                        sqlite_pragma("index_info", &name)
                    ))
                    .await?;
                candidates.push((
                    false,
                    parts.iter().map(|r| r.first().cloned().flatten()).collect(),
                ));
            }
        }
    }
    for (primary, parts) in candidates {
        // An expression in the key (a NULL column name) cannot be matched by value.
        let Some(names) = parts.into_iter().collect::<Option<Vec<String>>>() else {
            continue;
        };
        if names.is_empty()
            || without.is_some_and(|w| names.iter().any(|n| n.eq_ignore_ascii_case(w)))
        {
            continue;
        }
        // A unique key with a nullable column does not identify rows whose value is NULL.
        let all_not_null = names
            .iter()
            .all(|n| columns.iter().find(|c| c.is(n)).is_some_and(|c| c.not_null));
        if primary || all_not_null {
            return Ok(Some(names));
        }
    }
    Ok(None)
}

/// Groups `(index id, is primary, column)` rows into candidate keys, in order.
fn group(rows: &[Row], out: &mut Vec<(bool, Vec<Option<String>>)>) {
    let mut current: Option<String> = None;
    for row in rows {
        let index = text(row, 0);
        if current.as_deref() != Some(index.as_str()) {
            out.push((truthy(&text(row, 1)), Vec::new()));
            current = Some(index);
        }
        if let Some((_, parts)) = out.last_mut() {
            parts.push(row.get(2).cloned().flatten());
        }
    }
}

/// Rows of a query, counted (the first column of the first row as a number).
pub(crate) async fn count(engine: &mut dyn Engine, sql: &str) -> Result<i64, DbError> {
    let rows = engine.query(sql).await?;
    Ok(rows
        .first()
        .map(|r| text(r, 0))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(Dialect::Postgres, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote(Dialect::Mysql, "a`b"), "`a``b`");
        assert_eq!(literal(Dialect::Mysql, "o'b\\"), "'o''b\\\\'");
        assert_eq!(literal(Dialect::Sqlite, "o'b\\"), "'o''b\\'");
        let qualified = Name {
            schema: Some("shop".into()),
            name: "orders".into(),
        };
        assert_eq!(
            table_sql(Dialect::Postgres, &qualified),
            "\"shop\".\"orders\""
        );
        assert_eq!(
            backup_name("ratchet_backup.b1_orders"),
            Name {
                schema: Some("ratchet_backup".into()),
                name: "b1_orders".into()
            }
        );
        assert_eq!(
            backup_name("ratchet_backup_b1_orders"),
            Name::new("ratchet_backup_b1_orders")
        );
    }
}
