//! MySQL's and MariaDB's schema, from `information_schema`, for the connected database.
//! Integer display widths (`int(11)`) are dropped, defaults are rendered the way MariaDB
//! does (literals quoted) on both servers, and view definitions lose the database name
//! the server writes into them, so that the same schema reads the same in any database.

use std::collections::BTreeMap;

use super::{
    Column, Constraint, ConstraintKind, EnumType, Index, Routine, Snapshot, Table, Trigger, View,
    first_value, grouped_by_first_two, is_own_table, optional, run, text,
};
use crate::engine::{DbError, Engine};
use crate::sql::Dialect;

pub(super) async fn introspect(engine: &mut dyn Engine) -> Result<Snapshot, DbError> {
    let version = engine.server_version();
    let mut snapshot = Snapshot::empty(Dialect::Mysql);
    let identity = run(engine, "the server", "SELECT DATABASE(), VERSION()").await?;
    let database = first_value(&identity).unwrap_or_default();
    // Read here rather than from `Engine::is_mariadb`, which the MySQL engine does not
    // answer yet.
    let mariadb = identity
        .first()
        .map(|row| text(row, 1).to_ascii_lowercase().contains("mariadb"))
        .unwrap_or(false);

    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let rows = run(
        engine,
        "tables",
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.tables \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
    )
    .await?;
    for row in rows {
        let name = text(&row, 0);
        if is_own_table(&name) {
            continue;
        }
        let mut attributes = Vec::new();
        if text(&row, 1) == "SYSTEM VERSIONED" {
            attributes.push("system versioned".to_string());
        }
        tables.insert(name.clone(), Table::new(name, attributes));
    }

    let rows = run(
        engine,
        "columns",
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
           GENERATION_EXPRESSION, DATA_TYPE \
         FROM information_schema.columns WHERE TABLE_SCHEMA = DATABASE()",
    )
    .await?;
    for row in &rows {
        let Some(table) = tables.get_mut(&text(row, 0)) else {
            continue;
        };
        let data_type = text(row, 7).to_ascii_lowercase();
        let extra = text(row, 5).to_ascii_lowercase();
        let words: Vec<&str> = extra.split_whitespace().collect();
        let generated = words.contains(&"generated");
        // MySQL 8 marks expression defaults; the expression is the default itself.
        let expression_default = words.contains(&"default_generated");
        let mut attributes = Vec::new();
        if generated {
            let stored = words.contains(&"stored") || words.contains(&"persistent");
            attributes.push(format!(
                "generated always as ({}) {}",
                text(row, 6),
                if stored { "stored" } else { "virtual" }
            ));
        }
        let rest: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| {
                !matches!(
                    *w,
                    "default_generated" | "generated" | "virtual" | "stored" | "persistent"
                )
            })
            .collect();
        if !rest.is_empty() {
            attributes.push(rest.join(" "));
        }
        let default = if generated {
            None
        } else {
            column_default(
                row.get(4).cloned().flatten(),
                mariadb,
                &data_type,
                expression_default,
            )
        };
        table.columns.push(Column {
            name: text(row, 1),
            data_type: normalize_type(&text(row, 2)),
            nullable: text(row, 3) == "YES",
            default,
            attributes,
        });
        if data_type == "enum" {
            snapshot.enums.push(EnumType {
                name: format!("{}.{}", text(row, 0), text(row, 1)),
                values: enum_values(&text(row, 2)),
            });
        }
    }

    // Functional key parts (MySQL 8.0.13+) have an expression instead of a column.
    let expression = if !mariadb && version >= 80_013 {
        "EXPRESSION"
    } else {
        "NULL"
    };
    let rows = run(
        engine,
        "indexes",
        &format!(
            "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, \
               COLLATION, {expression} \
             FROM information_schema.statistics WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
        ),
    )
    .await?;
    let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
    for row in rows {
        let (table, name) = (text(&row, 0), text(&row, 1));
        let mut part = match optional(&row, 3) {
            Some(column) => column,
            None => format!("({})", text(&row, 7)),
        };
        if let Some(length) = optional(&row, 4) {
            part.push_str(&format!("({length})"));
        }
        if text(&row, 6) == "D" {
            part.push_str(" desc");
        }
        let method = text(&row, 5).to_ascii_lowercase();
        indexes
            .entry((table, name.clone()))
            .or_insert_with(|| Index {
                name,
                unique: text(&row, 2) == "0",
                method: (method != "btree" && !method.is_empty()).then_some(method),
                columns: Vec::new(),
                include: Vec::new(),
                predicate: None,
                attributes: Vec::new(),
            })
            .columns
            .push(part);
    }
    for ((table_name, _), index) in indexes {
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        if index.name == "PRIMARY" {
            table.constraints.push(Constraint {
                kind: ConstraintKind::PrimaryKey {
                    columns: index.columns,
                },
                name: None,
                attributes: Vec::new(),
            });
        } else {
            // A MySQL unique key is an index: it is listed with the indexes.
            table.indexes.push(index);
        }
    }

    let rows = run(
        engine,
        "foreign keys",
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, \
           CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN k.REFERENCED_TABLE_NAME \
                ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END, \
           k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE \
         FROM information_schema.key_column_usage k \
         JOIN information_schema.referential_constraints r \
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
          AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .await?;
    for ((table_name, name), rows) in grouped_by_first_two(rows) {
        let (Some(table), Some(first)) = (tables.get_mut(&table_name), rows.first()) else {
            continue;
        };
        table.constraints.push(Constraint {
            kind: ConstraintKind::ForeignKey {
                columns: rows.iter().map(|r| text(r, 2)).collect(),
                references: text(first, 3),
                referenced_columns: rows.iter().map(|r| text(r, 4)).collect(),
                on_delete: text(first, 5).to_ascii_lowercase(),
                on_update: text(first, 6).to_ascii_lowercase(),
            },
            name: Some(name),
            attributes: Vec::new(),
        });
    }

    // CHECK constraints: MariaDB 10.2.1+ (names unique per table), MySQL 8.0.16+ (names
    // unique per database, table found through table_constraints).
    let checks = if mariadb && version >= 100_201 {
        Some(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.check_constraints \
             WHERE CONSTRAINT_SCHEMA = DATABASE()",
        )
    } else if !mariadb && version >= 80_016 {
        Some(
            "SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE \
             FROM information_schema.check_constraints c \
             JOIN information_schema.table_constraints t \
               ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA \
              AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK' \
             WHERE c.CONSTRAINT_SCHEMA = DATABASE()",
        )
    } else {
        None
    };
    if let Some(sql) = checks {
        for row in run(engine, "check constraints", sql).await? {
            let Some(table) = tables.get_mut(&text(&row, 0)) else {
                continue;
            };
            table.constraints.push(Constraint {
                kind: ConstraintKind::Check {
                    expression: text(&row, 2),
                },
                name: Some(text(&row, 1)),
                attributes: Vec::new(),
            });
        }
    }
    snapshot.tables = tables.into_values().collect();

    let qualifier = format!("`{}`.", database.replace('`', "``"));
    let rows = run(
        engine,
        "views",
        "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.views \
         WHERE TABLE_SCHEMA = DATABASE()",
    )
    .await?;
    snapshot.views = rows
        .iter()
        .map(|row| View {
            name: text(row, 0),
            materialized: false,
            definition: text(row, 1).replace(&qualifier, ""),
            indexes: Vec::new(),
        })
        .collect();

    let rows = run(
        engine,
        "triggers",
        "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, \
           ACTION_ORIENTATION, ACTION_STATEMENT \
         FROM information_schema.triggers WHERE TRIGGER_SCHEMA = DATABASE()",
    )
    .await?;
    snapshot.triggers = rows
        .iter()
        .filter(|row| !is_own_table(&text(row, 1)))
        .map(|row| Trigger {
            name: text(row, 0),
            table: text(row, 1),
            definition: format!(
                "{} {} for each {}\n{}",
                text(row, 2).to_ascii_lowercase(),
                text(row, 3).to_ascii_lowercase(),
                text(row, 4).to_ascii_lowercase(),
                text(row, 5)
            ),
        })
        .collect();

    let rows = run(
        engine,
        "routine parameters",
        "SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER \
         FROM information_schema.parameters \
         WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0 \
         ORDER BY SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION",
    )
    .await?;
    let mut parameters: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in rows {
        let mut parameter = Vec::new();
        if let Some(mode) = optional(&row, 2).filter(|_| text(&row, 1) == "PROCEDURE") {
            parameter.push(mode.to_ascii_lowercase());
        }
        parameter.push(text(&row, 3));
        parameter.push(normalize_type(&text(&row, 4)));
        parameters
            .entry((text(&row, 0), text(&row, 1)))
            .or_default()
            .push(parameter.join(" "));
    }
    let rows = run(
        engine,
        "routines",
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION \
         FROM information_schema.routines \
         WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE')",
    )
    .await?;
    snapshot.routines = rows
        .iter()
        .map(|row| {
            let (name, kind) = (text(row, 0), text(row, 1));
            let arguments = parameters
                .remove(&(name.clone(), kind.clone()))
                .unwrap_or_default();
            let mut definition = String::new();
            if let Some(returns) = optional(row, 2) {
                definition.push_str(&format!("returns {}\n", normalize_type(&returns)));
            }
            definition.push_str(&text(row, 3));
            Routine {
                kind: kind.to_ascii_lowercase(),
                signature: format!("{name}({})", arguments.join(", ")),
                definition,
            }
        })
        .collect();
    Ok(snapshot)
}

/// The column type without an integer's display width (`int(11)` is `int`: MySQL 8.0.19
/// stopped showing it, MariaDB still does).
fn normalize_type(column_type: &str) -> String {
    let lower = column_type.to_ascii_lowercase();
    for integer in [
        "tinyint",
        "smallint",
        "mediumint",
        "bigint",
        "int",
        "integer",
    ] {
        if let Some(rest) = lower.strip_prefix(integer)
            && let Some(after_paren) = rest.strip_prefix('(')
            && let Some(close) = after_paren.find(')')
            && after_paren[..close].chars().all(|c| c.is_ascii_digit())
        {
            return format!("{integer}{}", &after_paren[close + 1..]);
        }
    }
    // Keep an enum's values as written; the type word is already lower case.
    column_type.to_string()
}

/// The default as MariaDB shows it: literals quoted, `None` for no default or NULL.
/// MySQL 8 shows literals unquoted and marks expressions `DEFAULT_GENERATED`.
fn column_default(
    value: Option<String>,
    mariadb: bool,
    data_type: &str,
    expression: bool,
) -> Option<String> {
    let value = value?;
    if mariadb {
        return (value != "NULL").then_some(value);
    }
    let numeric = matches!(
        data_type,
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "decimal"
            | "numeric"
            | "float"
            | "double"
            | "real"
            | "bit"
            | "year"
    );
    Some(if expression || numeric {
        value
    } else {
        super::quote(&value)
    })
}

/// The values of `enum('a','b''c')`.
fn enum_values(column_type: &str) -> Vec<String> {
    let Some(inner) = column_type
        .find('(')
        .map(|open| &column_type[open + 1..])
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return Vec::new();
    };
    let mut values = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    value.push('\'');
                } else {
                    break;
                }
            } else {
                value.push(c);
            }
        }
        values.push(value);
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_display_widths_are_dropped() {
        assert_eq!(normalize_type("int(11)"), "int");
        assert_eq!(normalize_type("bigint(20) unsigned"), "bigint unsigned");
        assert_eq!(normalize_type("tinyint(1)"), "tinyint");
        assert_eq!(normalize_type("varchar(20)"), "varchar(20)");
        assert_eq!(normalize_type("decimal(12,2)"), "decimal(12,2)");
        assert_eq!(normalize_type("enum('A','b')"), "enum('A','b')");
    }

    #[test]
    fn enum_values_are_unquoted() {
        assert_eq!(
            enum_values("enum('new','it''s','a,b')"),
            ["new", "it's", "a,b"]
        );
    }

    #[test]
    fn defaults_read_the_same_on_mysql_and_mariadb() {
        assert_eq!(
            column_default(Some("'new'".into()), true, "varchar", false).as_deref(),
            Some("'new'")
        );
        assert_eq!(
            column_default(Some("new".into()), false, "varchar", false).as_deref(),
            Some("'new'")
        );
        assert_eq!(
            column_default(Some("NULL".into()), true, "text", false),
            None
        );
        assert_eq!(
            column_default(Some("0".into()), false, "int", false).as_deref(),
            Some("0")
        );
    }
}
