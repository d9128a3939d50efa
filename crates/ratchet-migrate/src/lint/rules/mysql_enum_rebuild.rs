use super::mysql_online;
use crate::lint::{Context, Report, Rule, RuleMeta, declare_rule};
use crate::sql::analysis::ActionFacts;
use crate::sql::facts::{DataType, Op};

declare_rule! {
    /// ## What it does
    /// Reports a `MODIFY` or `CHANGE` of an `ENUM` (or `SET`) column of an existing table
    /// whose new value list does not just append values at the end of the old one: it
    /// removes a value, reorders the list, inserts a value in the middle, or grows an
    /// `ENUM` past 255 values (a `SET` past 8, 16, 24 or 32 members), which changes the
    /// column's storage size.
    ///
    /// ratchet compares with the column's definition from the earlier migrations. When it
    /// does not know it (the table predates ratchet's history), it reports the change
    /// cautiously and says so. It stays quiet when the statement carries
    /// `ALGORITHM=INSTANT` (or `INPLACE`/`NOCOPY`, or `LOCK=NONE`): then MySQL refuses a
    /// change that would copy the table instead of blocking writes.
    ///
    /// ## Why is this bad?
    /// An `ENUM` is stored as the value's position in the list. Appending at the end keeps
    /// every stored position, so MySQL only changes metadata (`ALGORITHM=INSTANT`).
    /// Anything else changes what the stored numbers mean: MySQL copies the whole table
    /// (`ALGORITHM=COPY`) and writes wait until the copy ends.
    ///
    /// Removing a value is worse: in strict mode the `ALTER` fails on the first row that
    /// holds it ("Data truncated"), after copying part of a possibly large table; without
    /// strict mode those rows silently become the empty string `''`.
    ///
    /// ## Lock taken
    /// Appending: `ALGORITHM=INSTANT`, no lock on rows. Anything else: `ALGORITHM=COPY`,
    /// writes wait for the whole copy (MariaDB 11.2+ lets them go on during the copy).
    ///
    /// ## Engines and versions
    /// MySQL 8.0 and MariaDB 10.3+ (instant append); on MySQL 5.7 appending is in place,
    /// also without a copy.
    ///
    /// ## Example
    /// ```sql
    /// -- ratchet cannot see the old list: it reports cautiously
    /// ALTER TABLE orders MODIFY status ENUM('new', 'shipped', 'paid') NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Append new values at the end of the list, and say that it must be instant:
    /// ```sql
    /// ALTER TABLE orders MODIFY status ENUM('new', 'paid', 'shipped', 'refunded') NOT NULL,
    ///     ALGORITHM=INSTANT;
    /// ```
    /// To remove a value, first move its rows to another value (a data migration in
    /// batches), then remove it with gh-ost or pt-online-schema-change on a large table.
    pub struct MysqlEnumRebuild {
        id: "mysql-enum-rebuild",
        severity: Error,
        engines: [Mysql],
        summary: "changing an ENUM's values other than appending at the end copies the table",
    }
}

/// Whether `action` is an ENUM/SET list change that this rule judges (so that
/// `mysql-alter-blocks-writes` does not report it twice).
pub(super) fn owns(action: &ActionFacts) -> bool {
    let Op::RedefineColumn { new, .. } = &action.action.op else {
        return false;
    };
    is_list_type(&new.data_type)
        && action
            .previous
            .as_ref()
            .is_none_or(|p| p.data_type.name == new.data_type.name)
}

fn is_list_type(t: &DataType) -> bool {
    matches!(t.name.as_str(), "enum" | "set")
}

/// Bytes a list type's value takes: what must not change for an instant change.
fn storage_bytes(t: &DataType) -> usize {
    let n = t.args.len();
    if t.name == "set" {
        match n.div_ceil(8) {
            0 | 1 => 1,
            2 => 2,
            3 => 3,
            4 => 4,
            _ => 8,
        }
    } else if n <= 255 {
        1
    } else {
        2
    }
}

/// What is wrong with changing list `old` into `new`, if anything.
fn change(old: &DataType, new: &DataType) -> Option<String> {
    let quoted = |vs: &[&String]| {
        vs.iter()
            .map(|v| format!("'{v}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let removed: Vec<&String> = old.args.iter().filter(|v| !new.args.contains(v)).collect();
    if !removed.is_empty() {
        return Some(format!("removes {}", quoted(&removed)));
    }
    if new.args.starts_with(&old.args) {
        if storage_bytes(old) != storage_bytes(new) {
            return Some(format!(
                "grows the list from {} to {} values, past what {} byte{} of storage hold{}",
                old.args.len(),
                new.args.len(),
                storage_bytes(old),
                if storage_bytes(old) == 1 { "" } else { "s" },
                if storage_bytes(old) == 1 { "s" } else { "" },
            ));
        }
        return None;
    }
    let inserted: Vec<&String> = new.args.iter().filter(|v| !old.args.contains(v)).collect();
    let kept: Vec<&String> = new.args.iter().filter(|v| old.args.contains(v)).collect();
    if kept.iter().copied().eq(old.args.iter()) {
        Some(format!(
            "inserts {} before existing values",
            quoted(&inserted)
        ))
    } else {
        Some("reorders the existing values".into())
    }
}

impl Rule for MysqlEnumRebuild {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        let up = &cx.migration.up;
        for (statement, action) in up.actions() {
            let Op::RedefineColumn { table, column, new } = &action.action.op else {
                continue;
            };
            if !action.table_existed || !owns(action) {
                continue;
            }
            let online = &statement.facts.online;
            // With these clauses MySQL refuses a change that would copy the table.
            let refuses_copy = matches!(
                online.algorithm.as_deref(),
                Some("INSTANT" | "INPLACE" | "NOCOPY")
            ) || (online.lock.as_deref() == Some("NONE")
                && !mysql_online::mariadb_online_copy(cx.version));
            if refuses_copy {
                continue;
            }
            let kind = new.data_type.name.to_ascii_uppercase();
            let copy = if mysql_online::mariadb_online_copy(cx.version) {
                format!(
                    "{} copies {table} (writes go on during the copy)",
                    mysql_online::server_name(cx.version)
                )
            } else {
                format!("MySQL copies {table} (ALGORITHM=COPY) and writes wait for the whole copy")
            };
            let (message, help) = match &action.previous {
                Some(previous) => {
                    let Some(what) = change(&previous.data_type, &new.data_type) else {
                        continue;
                    };
                    let removes = what.starts_with("removes");
                    if !removes && mysql_online::mariadb_online_copy(cx.version) {
                        // An online copy: slow, but nobody waits.
                        continue;
                    }
                    let mut message =
                        format!("the new {kind} list of {table}.{column} {what}: {copy}");
                    if removes {
                        message.push_str(
                            "; rows holding a removed value make the ALTER fail in strict mode, \
                             or silently become '' otherwise",
                        );
                    }
                    let help = if removes {
                        "first move the rows holding the removed values to another value (a data \
                         migration in batches), then remove them, with gh-ost or \
                         pt-online-schema-change on a large table"
                    } else {
                        "append new values at the end of the list, in their old order, and add \
                         ALGORITHM=INSTANT so that MySQL refuses rather than copies"
                    };
                    (message, help)
                }
                None => (
                    format!(
                        "ratchet cannot see the current {kind} list of {table}.{column} (the table \
                         predates the migrations it knows): unless the new list only appends \
                         values at the end, {copy}, and rows holding a removed value make the \
                         ALTER fail or become ''"
                    ),
                    "add ALGORITHM=INSTANT: MySQL then runs the change instantly or refuses it, \
                     never copying the table",
                ),
            };
            report.at(up, statement, action.action.offset, message, help);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str, values: &[&str]) -> DataType {
        DataType {
            name: name.into(),
            args: values.iter().map(|v| v.to_string()).collect(),
            array: false,
            text: name.into(),
        }
    }

    #[test]
    fn only_appending_within_the_storage_size_is_fine() {
        let old = list("enum", &["a", "b"]);
        assert_eq!(change(&old, &list("enum", &["a", "b", "c"])), None);
        assert_eq!(change(&old, &list("enum", &["a", "b"])), None);
        assert!(
            change(&old, &list("enum", &["b", "a"]))
                .unwrap()
                .contains("reorders")
        );
        assert!(
            change(&old, &list("enum", &["c", "a", "b"]))
                .unwrap()
                .contains("inserts 'c'")
        );
        assert!(
            change(&old, &list("enum", &["a"]))
                .unwrap()
                .contains("removes 'b'")
        );
        let many: Vec<String> = (0..256).map(|i| format!("v{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let old = list("enum", &many[..255]);
        assert!(
            change(&old, &list("enum", &many))
                .unwrap()
                .contains("grows")
        );
        let old = list("set", &many[..8]);
        assert!(
            change(&old, &list("set", &many[..9]))
                .unwrap()
                .contains("grows")
        );
        assert_eq!(change(&old, &list("set", &many[..8])), None);
    }
}
