use crate::lint::{Context, Report, Rule, RuleMeta, Severity, declare_rule};
use crate::sql::analysis::{AnalyzedStatement, CatalogView, Schema, TableInfo};
use crate::sql::facts::{ColumnDef, ConstraintKind, ForeignKey, Name, ObjectKind, Op};

declare_rule! {
    /// ## What it does
    /// Finds SQLite's table rebuild in a migration (`CREATE TABLE new_x ...; INSERT INTO
    /// new_x SELECT ... FROM x; DROP TABLE x; ALTER TABLE new_x RENAME TO x`, or the
    /// variant that renames `x` away first) and reports what it gets wrong:
    ///
    /// - **rows not copied**: no `INSERT INTO new_x ... SELECT ... FROM x` before the
    ///   `DROP TABLE x`; a column that both tables have but the `INSERT` leaves out (its
    ///   values are silently lost); `SELECT *` when the two tables' columns differ in
    ///   number or order (`*` copies by position: values land in the wrong columns, or the
    ///   statement fails);
    /// - **indexes and triggers lost**: `DROP TABLE x` drops x's indexes and triggers;
    ///   those ratchet knows from the earlier migrations must be created again;
    /// - **renaming the old table away** (`ALTER TABLE x RENAME TO x_old`) while other
    ///   tables' foreign keys, views or triggers name it: since SQLite 3.26 the rename
    ///   rewrites them to name `x_old`, and `DROP TABLE x_old` then leaves them pointing
    ///   at a table that no longer exists;
    /// - **foreign keys not switched off** (a warning): other tables reference `x`, and
    ///   the file does not turn foreign keys off the only way that works, before any
    ///   transaction (`-- ratchet:no-transaction` and `PRAGMA foreign_keys = OFF`).
    ///
    /// ## Why is this bad?
    /// The rebuild is how SQLite changes a table's shape, and each step done wrong loses
    /// something silently: copied rows, a column's values, the indexes the queries need
    /// (the application slows down instead of failing), the triggers that kept data
    /// consistent.
    ///
    /// Foreign keys: with `PRAGMA foreign_keys = ON`, `DROP TABLE x` first deletes every
    /// row of `x`, which runs the `ON DELETE` actions of the tables that reference it
    /// (`CASCADE` deletes their rows, `SET NULL` clears them) or fails. The pragma cannot
    /// be changed inside a transaction (it is silently ignored there). **ratchet itself
    /// runs SQLite migrations with foreign keys off and runs `PRAGMA foreign_key_check`
    /// before committing**, so under ratchet this rebuild is safe; the warning is for the
    /// same file run by another tool with foreign keys on (an ORM's migrator, a test
    /// harness, an application connection).
    ///
    /// ## Lock taken
    /// SQLite's database write lock for the whole rebuild (the copy of every row), until
    /// the migration's transaction commits: every other writer waits, then gets
    /// `SQLITE_BUSY`.
    ///
    /// ## Engines and versions
    /// SQLite, all versions; the rename-away pitfall from 3.26.0 (unless
    /// `PRAGMA legacy_alter_table = ON`).
    ///
    /// ## Example
    /// ```sql no-check
    /// -- orders has an index orders_customer_idx, and order_items references it
    /// CREATE TABLE new_orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total INTEGER NOT NULL);
    /// INSERT INTO new_orders SELECT * FROM orders;
    /// DROP TABLE orders;
    /// ALTER TABLE new_orders RENAME TO orders;
    /// ```
    ///
    /// ## Use instead
    /// ```sql
    /// -- ratchet:no-transaction
    /// PRAGMA foreign_keys = OFF;
    /// BEGIN;
    /// CREATE TABLE new_orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total INTEGER NOT NULL);
    /// INSERT INTO new_orders (id, customer_id, total) SELECT id, customer_id, total FROM orders;
    /// DROP TABLE orders;
    /// ALTER TABLE new_orders RENAME TO orders;
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// PRAGMA foreign_key_check;
    /// COMMIT;
    /// PRAGMA foreign_keys = ON;
    /// ```
    pub struct SqliteRebuildPitfalls {
        id: "sqlite-rebuild-pitfalls",
        severity: Error,
        engines: [Sqlite],
        summary: "a SQLite table rebuild that loses rows, columns, indexes or triggers, or breaks foreign keys",
    }
}

/// A view or trigger, from the migrations so far.
pub(super) struct SchemaObject {
    /// View or trigger.
    pub kind: ObjectKind,
    /// Its name.
    pub name: String,
    /// The tables it is on or reads (lower-case keys).
    pub tables: Vec<String>,
    /// Its `CREATE` statement.
    pub sql: String,
}

/// The views and triggers that exist before statement `before` of the up script: the
/// catalog does not keep them, so they are replayed from the migrations.
pub(super) fn schema_objects(cx: &Context<'_>, before: usize) -> Vec<SchemaObject> {
    let mut objects: Vec<SchemaObject> = Vec::new();
    let earlier = cx.earlier.iter().flat_map(|m| m.up.statements.iter());
    let current = cx.migration.up.statements.iter().take(before);
    for statement in earlier.chain(current) {
        for action in &statement.actions {
            match &action.action.op {
                Op::CreateObject {
                    kind: kind @ (ObjectKind::View | ObjectKind::Trigger),
                    name,
                    tables,
                    ..
                } => {
                    objects.retain(|o| !o.name.eq_ignore_ascii_case(&name.name));
                    objects.push(SchemaObject {
                        kind: *kind,
                        name: name.name.clone(),
                        tables: tables.iter().map(Name::key).collect(),
                        sql: statement.statement.sql.clone(),
                    });
                }
                Op::DropObject { name, .. } => {
                    objects.retain(|o| !o.name.eq_ignore_ascii_case(&name.name));
                }
                // A table's triggers go with it.
                Op::DropTable { table, .. } => objects.retain(|o| {
                    !(o.kind == ObjectKind::Trigger && o.tables.first() == Some(&table.key()))
                }),
                _ => {}
            }
        }
    }
    objects
}

/// The schema before statement `before` of the up script.
pub(super) fn catalog_before<'a>(cx: &Context<'a>, before: usize) -> CatalogView<'a> {
    let mut catalog = CatalogView::new(cx.catalog);
    let phase = cx.migration.up.directives.phase;
    for statement in cx.migration.up.statements.iter().take(before) {
        for action in &statement.actions {
            catalog.apply(&action.action, Some(cx.migration.version), phase);
        }
    }
    catalog
}

/// Whether `text` names the identifier `name` (as a whole word, quoted or not).
pub(super) fn mentions(text: &str, name: &str) -> bool {
    let text = text.to_lowercase();
    let name = name.to_lowercase();
    if name.is_empty() {
        return false;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(pos) = text[from..].find(&name) {
        let start = from + pos;
        let end = start + name.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident(c));
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_ident(c));
        if before_ok && after_ok {
            return true;
        }
        from = start + name.len().max(1);
    }
    false
}

/// The foreign keys of other tables that reference `table`, with the referencing table.
fn referencing(catalog: &dyn Schema, table: &Name) -> Vec<(Name, ForeignKey)> {
    let mut out = Vec::new();
    for t in catalog.tables() {
        if t.name.key() == table.key() {
            continue;
        }
        for c in &t.constraints {
            if let ConstraintKind::ForeignKey(fk) = &c.kind
                && fk.table.key() == table.key()
            {
                out.push((t.name.clone(), fk.clone()));
            }
        }
        for c in &t.columns {
            if let Some(fk) = &c.def.references
                && fk.table.key() == table.key()
            {
                let mut fk = fk.clone();
                if fk.columns.is_empty() {
                    fk.columns = vec![c.def.name.clone()];
                }
                out.push((t.name.clone(), fk));
            }
        }
    }
    out
}

/// One rebuild found in the up script.
struct Rebuild {
    /// The table as it was (its catalog entry before the rebuild).
    old: TableInfo,
    /// The name the old rows are read from (`x`, or `x_old` when renamed away first).
    source: Name,
    /// The table being filled.
    target: Name,
    /// The new table's columns.
    target_columns: Vec<ColumnDef>,
    /// The statement that drops the old table.
    drop_at: usize,
    /// Where the new table is created.
    create_at: usize,
}

impl Rule for SqliteRebuildPitfalls {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, report: &mut Report) {
        for rebuild in find_rebuilds(cx) {
            check_rows(cx, &rebuild, report);
            check_indexes_and_triggers(cx, &rebuild, report);
            check_foreign_keys(cx, &rebuild, report);
        }
        check_renamed_away(cx, report);
    }
}

fn op_at(statements: &[AnalyzedStatement], i: usize) -> impl Iterator<Item = &Op> {
    statements
        .get(i)
        .into_iter()
        .flat_map(|s| s.actions.iter().map(|a| &a.action.op))
}

/// Rebuilds: `DROP TABLE x` of a table that existed, with a table created in this
/// migration that is renamed to `x` after it (or filled from `x_old` when `x` was
/// renamed away first).
fn find_rebuilds(cx: &Context<'_>) -> Vec<Rebuild> {
    let statements = &cx.migration.up.statements;
    let mut out = Vec::new();
    for (drop_at, _) in statements.iter().enumerate() {
        for op in op_at(statements, drop_at) {
            let Op::DropTable { table: dropped, .. } = op else {
                continue;
            };
            let before = catalog_before(cx, drop_at);
            let Some(old) = before.table(dropped).cloned() else {
                continue;
            };
            // x_old: the old table renamed away in this migration; its original name.
            let renamed_from = statements[..drop_at].iter().enumerate().find_map(|(i, s)| {
                s.actions.iter().find_map(|a| match &a.action.op {
                    Op::RenameTable { table, to } if to.key() == dropped.key() => {
                        Some((i, table.clone()))
                    }
                    _ => None,
                })
            });
            // The table that takes the old one's place.
            let replacement = match &renamed_from {
                Some((_, original)) => Some(original.clone()),
                None => statements[drop_at + 1..].iter().find_map(|s| {
                    s.actions.iter().find_map(|a| match &a.action.op {
                        Op::RenameTable { table, to } if to.key() == dropped.key() => {
                            Some(table.clone())
                        }
                        _ => None,
                    })
                }),
            };
            let Some(target) = replacement else {
                continue;
            };
            let created = statements.iter().enumerate().find_map(|(i, s)| {
                s.actions.iter().find_map(|a| match &a.action.op {
                    Op::CreateTable { table, columns, .. } if table.key() == target.key() => {
                        Some((i, columns.clone()))
                    }
                    _ => None,
                })
            });
            let Some((create_at, target_columns)) = created else {
                continue;
            };
            // A rename-away rebuild must create the new table after the rename.
            if renamed_from.as_ref().is_some_and(|(i, _)| create_at < *i) {
                continue;
            }
            out.push(Rebuild {
                old,
                source: dropped.clone(),
                target,
                target_columns,
                drop_at,
                create_at,
            });
        }
    }
    out
}

/// The column list and select list of `INSERT INTO t [(cols)] SELECT list FROM ...`.
fn insert_select_lists(sql: &str) -> Option<(Option<Vec<String>>, Vec<String>)> {
    let upper = sql.to_ascii_uppercase();
    let select = find_top_level_word(&upper, "SELECT")?;
    let head = &sql[..select];
    let columns = match (head.find('('), head.rfind(')')) {
        (Some(open), Some(close)) if open < close => Some(split_top_level(&head[open + 1..close])),
        _ => None,
    };
    let rest = &sql[select + "SELECT".len()..];
    let rest_upper = &upper[select + "SELECT".len()..];
    let end = find_top_level_word(rest_upper, "FROM").unwrap_or(rest.len());
    let mut list = rest[..end].trim();
    for keyword in ["DISTINCT ", "ALL "] {
        if list.len() >= keyword.len() && list[..keyword.len()].eq_ignore_ascii_case(keyword) {
            list = list[keyword.len()..].trim_start();
        }
    }
    Some((columns, split_top_level(list)))
}

/// The position of `word` outside parentheses and quotes.
fn find_top_level_word(upper: &str, word: &str) -> Option<usize> {
    let bytes = upper.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0 && upper[i..].starts_with(word) => {
                    let before = upper[..i].chars().next_back();
                    let after = upper[i + word.len()..].chars().next();
                    let boundary =
                        |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
                    if boundary(before) && boundary(after) {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Splits a list at commas outside parentheses and quotes.
fn split_top_level(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    for c in list.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' | '`' | '[' => quote = Some(if c == '[' { ']' } else { c }),
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(current.trim().to_string());
                    current.clear();
                    continue;
                }
                _ => {}
            },
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// An identifier without quotes and table prefix: `"o"."total"` → `total`.
fn bare(expr: &str) -> Option<String> {
    let last = expr.rsplit('.').next()?.trim();
    let unquoted = last.trim_matches(|c| matches!(c, '"' | '`' | '[' | ']'));
    (!unquoted.is_empty()
        && unquoted
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
    .then(|| unquoted.to_lowercase())
}

fn check_rows(cx: &Context<'_>, rebuild: &Rebuild, report: &mut Report) {
    let up = &cx.migration.up;
    let Some(drop) = up.statements.get(rebuild.drop_at) else {
        return;
    };
    let drop_offset = drop
        .actions
        .iter()
        .find(|a| matches!(a.action.op, Op::DropTable { .. }))
        .map_or(0, |a| a.action.offset);
    let old = &rebuild.old;
    // The INSERT ... SELECT that fills the new table from the old one, before the drop.
    let copy = up.statements[rebuild.create_at..rebuild.drop_at]
        .iter()
        .find(|s| {
            s.actions.iter().any(|a| {
                matches!(&a.action.op, Op::Insert { table, from_query: true }
                    if table.key() == rebuild.target.key())
            }) && mentions(&s.statement.sql, &rebuild.source.name)
        });
    let Some(copy) = copy else {
        report.at(
            up,
            drop,
            drop_offset,
            format!(
                "DROP TABLE {} ends a rebuild into {}, but no INSERT INTO {} ... SELECT ... FROM \
                 {} copies its rows first: every row of {} is lost",
                rebuild.source, rebuild.target, rebuild.target, rebuild.source, old.name
            ),
            format!(
                "copy the rows before the DROP: INSERT INTO {} (columns) SELECT columns FROM {}",
                rebuild.target, rebuild.source
            ),
        );
        return;
    };
    let Some((insert_columns, select)) = insert_select_lists(&copy.statement.sql) else {
        return;
    };
    let new_names: Vec<String> = rebuild
        .target_columns
        .iter()
        .map(|c| c.name.to_lowercase())
        .collect();
    let old_names: Vec<String> = old
        .columns
        .iter()
        .map(|c| c.def.name.to_lowercase())
        .collect();
    let targets: Vec<String> = match &insert_columns {
        Some(list) => list.iter().filter_map(|c| bare(c)).collect(),
        None => new_names.clone(),
    };
    let star = select.len() == 1 && select[0].trim_end().ends_with('*');
    let mut problems = Vec::new();
    if star {
        if old_names.len() != targets.len() {
            problems.push(format!(
                "SELECT * reads {} columns of {} into {} columns of {}: SQLite refuses the INSERT",
                old_names.len(),
                old.name,
                targets.len(),
                rebuild.target
            ));
        } else {
            let moved: Vec<String> = old_names
                .iter()
                .zip(&targets)
                .filter(|(o, t)| o != t)
                .map(|(o, t)| format!("{o} into {t}"))
                .collect();
            if !moved.is_empty() {
                problems.push(format!(
                    "SELECT * copies by position, and the columns differ in order: it copies {}",
                    moved.join(", ")
                ));
            }
        }
    } else {
        let copied: Vec<&String> = targets.iter().take(select.len()).collect();
        let lost: Vec<&String> = old_names
            .iter()
            .filter(|o| new_names.contains(o) && !copied.contains(o))
            .collect();
        if !lost.is_empty() {
            let names = lost
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(format!(
                "the INSERT leaves out {names}, which both tables have: the new table's {names} \
                 start{} empty (NULL or the default), and the old values are dropped with {}",
                if lost.len() == 1 { "s" } else { "" },
                rebuild.source
            ));
        }
        let swapped: Vec<String> = select
            .iter()
            .zip(&targets)
            .filter_map(|(expr, target)| {
                let source = bare(expr)?;
                (source != *target && old_names.contains(&source) && old_names.contains(target))
                    .then(|| format!("{source} into {target}"))
            })
            .collect();
        if !swapped.is_empty() {
            problems.push(format!(
                "the select list is out of step with the columns it fills: it copies {}",
                swapped.join(", ")
            ));
        }
    }
    for problem in problems {
        report.at(
            up,
            copy,
            0,
            format!("rebuild of {}: {problem}", old.name),
            format!(
                "name the columns on both sides, in the same order: INSERT INTO {} (a, b, c) \
                 SELECT a, b, c FROM {}",
                rebuild.target, rebuild.source
            ),
        );
    }
}

fn check_indexes_and_triggers(cx: &Context<'_>, rebuild: &Rebuild, report: &mut Report) {
    let up = &cx.migration.up;
    let Some(drop) = up.statements.get(rebuild.drop_at) else {
        return;
    };
    let drop_offset = drop
        .actions
        .iter()
        .find(|a| matches!(a.action.op, Op::DropTable { .. }))
        .map_or(0, |a| a.action.offset);
    let final_name = &rebuild.old.name;
    let on_new = |t: &Name| t.key() == rebuild.target.key() || t.key() == final_name.key();
    let later = &up.statements[rebuild.create_at..];
    let created_indexes: Vec<(Option<String>, Vec<String>)> = later
        .iter()
        .flat_map(|s| s.actions.iter())
        .filter_map(|a| match &a.action.op {
            Op::CreateIndex(index) if on_new(&index.table) => Some((
                index.name.as_ref().map(|n| n.name.to_lowercase()),
                index.columns.iter().map(|c| c.to_lowercase()).collect(),
            )),
            _ => None,
        })
        .collect();
    let lost_indexes: Vec<String> = rebuild
        .old
        .indexes
        .iter()
        .filter(|index| {
            let name = index.name.as_ref().map(|n| n.to_lowercase());
            let columns: Vec<String> = index.columns.iter().map(|c| c.to_lowercase()).collect();
            !created_indexes
                .iter()
                .any(|(n, c)| (name.is_some() && *n == name) || *c == columns)
        })
        .map(|index| {
            index
                .name
                .clone()
                .unwrap_or_else(|| format!("({})", index.columns.join(", ")))
        })
        .collect();
    if !lost_indexes.is_empty() {
        report.at(
            up,
            drop,
            drop_offset,
            format!(
                "DROP TABLE {} also drops its index{} {}, and this rebuild does not create {} \
                 again: queries that used {} scan the whole table",
                rebuild.source,
                if lost_indexes.len() == 1 { "" } else { "es" },
                lost_indexes.join(", "),
                if lost_indexes.len() == 1 {
                    "it"
                } else {
                    "them"
                },
                if lost_indexes.len() == 1 {
                    "it"
                } else {
                    "them"
                },
            ),
            format!(
                "recreate {} after the RENAME (CREATE INDEX ... ON {final_name} ...)",
                lost_indexes.join(", ")
            ),
        );
    }
    let recreated: Vec<String> = later
        .iter()
        .flat_map(|s| s.actions.iter())
        .filter_map(|a| match &a.action.op {
            Op::CreateObject {
                kind: ObjectKind::Trigger,
                name,
                ..
            } => Some(name.name.to_lowercase()),
            _ => None,
        })
        .collect();
    let lost_triggers: Vec<String> = schema_objects(cx, rebuild.drop_at)
        .into_iter()
        .filter(|o| {
            o.kind == ObjectKind::Trigger
                && o.tables.first() == Some(&rebuild.source.key())
                && !recreated.contains(&o.name.to_lowercase())
        })
        .map(|o| o.name)
        .collect();
    if !lost_triggers.is_empty() {
        report.at(
            up,
            drop,
            drop_offset,
            format!(
                "DROP TABLE {} also drops its trigger{} {}, and this rebuild does not create {} \
                 again: what {} did on every write silently stops",
                rebuild.source,
                if lost_triggers.len() == 1 { "" } else { "s" },
                lost_triggers.join(", "),
                if lost_triggers.len() == 1 {
                    "it"
                } else {
                    "them"
                },
                if lost_triggers.len() == 1 {
                    "it"
                } else {
                    "they"
                },
            ),
            format!("recreate {} after the RENAME", lost_triggers.join(", ")),
        );
    }
}

/// Whether the up script turns foreign keys off the way that works: outside a
/// transaction, before statement `before`.
fn foreign_keys_off(cx: &Context<'_>, before: usize) -> bool {
    let up = &cx.migration.up;
    up.directives.no_transaction
        && up.statements.iter().take(before).any(|s| {
            s.actions.iter().any(|a| {
                matches!(&a.action.op, Op::SetSetting { name, value, .. }
                    if name.eq_ignore_ascii_case("foreign_keys")
                        && matches!(value.to_ascii_lowercase().as_str(), "off" | "0" | "false" | "no"))
            })
        })
}

fn check_foreign_keys(cx: &Context<'_>, rebuild: &Rebuild, report: &mut Report) {
    let up = &cx.migration.up;
    let Some(drop) = up.statements.get(rebuild.drop_at) else {
        return;
    };
    if foreign_keys_off(cx, rebuild.drop_at) {
        return;
    }
    let before = catalog_before(cx, rebuild.drop_at);
    let referencing = referencing(&before, &rebuild.source);
    if referencing.is_empty() {
        return;
    }
    let drop_offset = drop
        .actions
        .iter()
        .find(|a| matches!(a.action.op, Op::DropTable { .. }))
        .map_or(0, |a| a.action.offset);
    let tables: Vec<String> = referencing.iter().map(|(t, _)| t.to_string()).collect();
    let actions: Vec<String> = referencing
        .iter()
        .filter_map(|(t, fk)| {
            let action = fk.on_delete.as_deref()?;
            matches!(action, "cascade" | "set null" | "set default")
                .then(|| format!("ON DELETE {} on {t}", action.to_uppercase()))
        })
        .collect();
    let consequence = if actions.is_empty() {
        "or fails on the foreign keys".to_string()
    } else {
        format!("which runs {}", actions.join(", "))
    };
    report.at_severity(
        Severity::Warning,
        up,
        drop,
        drop_offset,
        format!(
            "{} reference{} {}: ratchet runs this rebuild with foreign keys off (and checks \
             PRAGMA foreign_key_check before committing), but run by another tool with foreign \
             keys on, DROP TABLE {} first deletes every row of it, {consequence}",
            tables.join(", "),
            if tables.len() == 1 { "s" } else { "" },
            rebuild.source,
            rebuild.source
        ),
        "make the file safe to run anywhere: `-- ratchet:no-transaction` at the top, then \
         PRAGMA foreign_keys = OFF; BEGIN; ...the rebuild...; PRAGMA foreign_key_check; COMMIT; \
         PRAGMA foreign_keys = ON; (the pragma is ignored inside a transaction)",
    );
}

/// `ALTER TABLE x RENAME TO x_old` of a table that other tables, views or triggers name:
/// SQLite 3.26+ rewrites those references to `x_old`.
fn check_renamed_away(cx: &Context<'_>, report: &mut Report) {
    if cx.version.sqlite < 3_026_000 {
        return;
    }
    let up = &cx.migration.up;
    for (i, statement) in up.statements.iter().enumerate() {
        for action in &statement.actions {
            let Op::RenameTable { table, to } = &action.action.op else {
                continue;
            };
            // Only a rename away that a new table of the old name replaces.
            let replaced = up.statements[i + 1..].iter().any(|s| {
                s.actions.iter().any(|a| {
                    matches!(&a.action.op, Op::CreateTable { table: t, .. } if t.key() == table.key())
                })
            });
            let dropped = up.statements[i + 1..].iter().any(|s| {
                s.actions.iter().any(|a| {
                    matches!(&a.action.op, Op::DropTable { table: t, .. } if t.key() == to.key())
                })
            });
            if !replaced || !dropped || legacy_alter_table(cx, i) {
                continue;
            }
            let before = catalog_before(cx, i);
            let mut users: Vec<String> = referencing(&before, table)
                .into_iter()
                .map(|(t, _)| format!("the foreign keys of {t}"))
                .collect();
            users.dedup();
            for object in schema_objects(cx, i) {
                let on_other = object.tables.first() != Some(&table.key());
                if on_other
                    && (object.tables.contains(&table.key()) || mentions(&object.sql, &table.name))
                {
                    users.push(format!(
                        "the {} {}",
                        if object.kind == ObjectKind::View {
                            "view"
                        } else {
                            "trigger"
                        },
                        object.name
                    ));
                }
            }
            if users.is_empty() {
                continue;
            }
            report.at(
                up,
                statement,
                action.action.offset,
                format!(
                    "renaming {table} away to {to} rewrites {} to name {to} (SQLite 3.26+), and \
                     DROP TABLE {to} then leaves them pointing at a table that no longer exists",
                    users.join(", ")
                ),
                format!(
                    "rebuild the other way round: CREATE TABLE new_{0} ...; INSERT INTO new_{0} \
                     SELECT ... FROM {0}; DROP TABLE {0}; ALTER TABLE new_{0} RENAME TO {0}",
                    table.name
                ),
            );
        }
    }
}

/// Whether `PRAGMA legacy_alter_table = ON` is set before statement `before`.
fn legacy_alter_table(cx: &Context<'_>, before: usize) -> bool {
    cx.migration.up.statements.iter().take(before).any(|s| {
        s.actions.iter().any(|a| {
            matches!(&a.action.op, Op::SetSetting { name, value, .. }
                if name.eq_ignore_ascii_case("legacy_alter_table")
                    && matches!(value.to_ascii_lowercase().as_str(), "on" | "1" | "true" | "yes"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_insert_select_lists() {
        let (cols, list) =
            insert_select_lists("INSERT INTO new_t (a, b) SELECT a, coalesce(b, 0) FROM t")
                .unwrap();
        assert_eq!(cols, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(list, vec!["a".to_string(), "coalesce(b, 0)".to_string()]);
        let (cols, list) =
            insert_select_lists("insert into new_t select * from t where x").unwrap();
        assert_eq!(cols, None);
        assert_eq!(list, vec!["*".to_string()]);
    }

    #[test]
    fn mentions_whole_words_only() {
        assert!(mentions("CHECK (total >= 0)", "total"));
        assert!(mentions("\"Total\" > 0", "total"));
        assert!(!mentions("subtotal > 0", "total"));
        assert!(!mentions("total_cents > 0", "total"));
    }

    #[test]
    fn renaming_away_is_a_pitfall_from_3_26() {
        use super::super::mysql_online::testing::{lint_files, sqlite};
        use crate::sql::Dialect;
        let files = [
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER);\n\
             CREATE TABLE items (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));",
            "ALTER TABLE orders RENAME TO orders_old;\n\
             CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL);\n\
             INSERT INTO orders (id, total) SELECT id, total FROM orders_old;\n\
             DROP TABLE orders_old;",
        ];
        let rule = "sqlite-rebuild-pitfalls";
        let found = |v| lint_files(rule, &files, Dialect::Sqlite, v);
        assert_eq!(found(sqlite(3_045_000)).len(), 1);
        assert!(found(sqlite(3_025_000)).is_empty());
    }
}
