//! Tables: CREATE TABLE (and AS, SELECT INTO), ALTER TABLE with each sub-command, DROP
//! TABLE, TRUNCATE; their columns and constraints.

use squawk_syntax::SyntaxNode;
use squawk_syntax::ast::{self, AstNode};

use super::Walker;
use super::expr::expr;
use super::names::{describe, ident, last_name, name_of, name_opt, text};
use super::types::{data_type, unknown_type};
use crate::sql::facts::{
    ColumnDef, Constraint, ConstraintKind, DataType, Expr, ForeignKey, Generated, Name, Op,
    Volatility,
};

/// `CREATE [TEMP] TABLE [IF NOT EXISTS] t (...)`, `CREATE TABLE p PARTITION OF t ...`.
pub(super) fn create_table(w: &mut Walker, create: &ast::CreateTable) {
    let mut columns: Vec<ColumnDef> = Vec::new();
    let mut constraints = Vec::new();
    let mut not_null = Vec::new();
    for arg in create.table_arg_list().iter().flat_map(|list| list.args()) {
        match arg {
            ast::TableArg::Column(column) => {
                // A partition's or typed table's column list only adds options to columns
                // it already has: those entries have no type and are not new columns.
                if let Some(def) = column_def(&column) {
                    columns.push(def);
                }
            }
            ast::TableArg::TableConstraint(table_constraint) => {
                let Some(c) = ast::Constraint::cast(table_constraint.syntax().clone()) else {
                    continue;
                };
                if let ast::Constraint::NotNullConstraint(nn) = &c {
                    // PostgreSQL 18's table-level `NOT NULL column`.
                    not_null.push(ident(nn.column_name_ref().as_ref()));
                } else if let Some(constraint) = constraint(&c) {
                    constraints.push(constraint);
                }
            }
            // `LIKE other INCLUDING ...` copies columns ratchet cannot see here.
            ast::TableArg::LikeClause(_) => {}
        }
    }
    // Table constraints on one column say what a column constraint would; a primary key
    // makes all its columns NOT NULL.
    for constraint in &constraints {
        let (key_columns, primary) = match &constraint.kind {
            ConstraintKind::PrimaryKey { columns, .. } => (columns, true),
            ConstraintKind::Unique { columns, .. } => (columns, false),
            _ => continue,
        };
        for column in columns.iter_mut() {
            if !key_columns.contains(&column.name) {
                continue;
            }
            let alone = key_columns.len() == 1;
            if primary {
                column.not_null = true;
                column.primary_key |= alone;
            } else {
                column.unique |= alone;
            }
        }
    }
    for column in columns.iter_mut() {
        if not_null.contains(&column.name) {
            column.not_null = true;
        }
    }
    w.push(
        Op::CreateTable {
            table: name_opt(create.table_name().as_ref()),
            columns,
            constraints,
            if_not_exists: create.if_not_exists().is_some(),
            as_query: false,
            temporary: is_temporary(create.persistence()),
        },
        create.syntax(),
    );
}

/// `CREATE TABLE t AS SELECT ...` (copies rows, unless `WITH NO DATA`).
pub(super) fn create_table_as(w: &mut Walker, create: &ast::CreateTableAs) {
    let no_data = matches!(create.data_option(), Some(ast::DataOption::WithNoData(_)));
    w.push(
        Op::CreateTable {
            table: name_opt(create.table_name().as_ref()),
            columns: Vec::new(),
            constraints: Vec::new(),
            if_not_exists: create.if_not_exists().is_some(),
            as_query: !no_data,
            temporary: is_temporary(create.persistence()),
        },
        create.syntax(),
    );
}

/// `SELECT ... INTO t FROM ...`: creates `t` from the query's rows.
pub(super) fn select_into(w: &mut Walker, select: &ast::SelectInto) {
    let into = select.into_clause();
    w.push(
        Op::CreateTable {
            table: name_opt(into.as_ref().and_then(|i| i.table_name()).as_ref()),
            columns: Vec::new(),
            constraints: Vec::new(),
            if_not_exists: false,
            as_query: true,
            temporary: is_temporary(into.and_then(|i| i.persistence())),
        },
        select.syntax(),
    );
}

fn is_temporary(persistence: Option<ast::Persistence>) -> bool {
    matches!(persistence, Some(ast::Persistence::Temp(_)))
}

fn new_column(name: String, data_type: DataType) -> ColumnDef {
    let serial = matches!(
        data_type.name.as_str(),
        "serial" | "bigserial" | "smallserial"
    );
    ColumnDef {
        name,
        data_type,
        not_null: serial,
        primary_key: false,
        unique: false,
        default: None,
        generated: serial.then_some(Generated::Serial),
        references: None,
        check: None,
    }
}

/// A column of `CREATE TABLE`; `None` when it has no type (a partition's column options).
fn column_def(column: &ast::Column) -> Option<ColumnDef> {
    let ty = column.ty()?;
    let mut def = new_column(ident(column.name().as_ref()), data_type(&ty));
    for clause in column.clauses() {
        if let ast::ColumnClause::ColumnConstraint(c) = clause
            && let Some(c) = ast::Constraint::cast(c.syntax().clone())
        {
            apply_column_constraint(&mut def, &c);
        }
    }
    Some(def)
}

/// The column of `ALTER TABLE ... ADD COLUMN`.
fn added_column(add: &ast::AddColumn) -> ColumnDef {
    let data_type = add.ty().map(|t| data_type(&t)).unwrap_or_else(unknown_type);
    let mut def = new_column(ident(add.column_name().as_ref()), data_type);
    for c in add.constraints() {
        apply_column_constraint(&mut def, &c);
    }
    def
}

fn apply_column_constraint(def: &mut ColumnDef, c: &ast::Constraint) {
    use ast::Constraint as C;
    match c {
        C::NotNullConstraint(_) => def.not_null = true,
        C::NullConstraint(_) => def.not_null = false,
        C::PrimaryKeyConstraint(_) => {
            def.primary_key = true;
            def.not_null = true;
        }
        C::UniqueConstraint(_) => def.unique = true,
        C::DefaultConstraint(d) => def.default = d.expr().map(|e| expr(&e)),
        C::GeneratedConstraint(g) => {
            def.generated = match g.generated_as() {
                Some(ast::GeneratedAs::GeneratedIdentity(_)) => Some(Generated::Identity),
                Some(ast::GeneratedAs::GeneratedStored(stored)) => {
                    let e = stored.expr().map(|e| expr(&e)).unwrap_or_else(unknown_expr);
                    match stored.generated_kind() {
                        Some(ast::GeneratedKind::Stored(_)) => Some(Generated::Stored(e)),
                        // PostgreSQL 18 made VIRTUAL the default; before it, STORED was
                        // required, so an unmarked column can only be virtual.
                        Some(ast::GeneratedKind::Virtual(_)) | None => Some(Generated::Virtual(e)),
                    }
                }
                None => def.generated.take(),
            };
            // An identity column is NOT NULL implicitly.
            if def.generated == Some(Generated::Identity) {
                def.not_null = true;
            }
        }
        C::ReferencesConstraint(r) => {
            def.references = Some(ForeignKey {
                columns: Vec::new(),
                table: name_opt(r.table().as_ref()),
                referred: r.column().map(|c| ident(Some(&c))).into_iter().collect(),
                on_delete: on_delete(r.referential_actions()),
            });
        }
        C::CheckConstraint(check) => def.check = check.expr().map(|e| expr(&e)),
        // Table constraints written after a column: PostgreSQL rejects them there.
        C::ExcludeConstraint(_) | C::ForeignKeyConstraint(_) => {}
    }
}

fn unknown_expr() -> Expr {
    Expr {
        text: String::new(),
        volatility: Volatility::Unknown,
    }
}

/// `ON DELETE` of a foreign key, lower case ("cascade", "set null").
fn on_delete(actions: ast::AstChildren<ast::ReferentialAction>) -> Option<String> {
    actions.into_iter().find_map(|action| match action {
        ast::ReferentialAction::OnDeleteAction(on_delete) => on_delete.ref_action().map(|a| {
            text(a.syntax())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        }),
        ast::ReferentialAction::OnUpdateAction(_) => None,
    })
}

fn columns(refs: ast::AstChildren<ast::ColumnNameRef>) -> Vec<String> {
    refs.map(|c| ident(Some(&c))).collect()
}

/// A table constraint; `None` for the kinds that only exist on columns.
fn constraint(c: &ast::Constraint) -> Option<Constraint> {
    use ast::Constraint as C;
    let index_columns = |parameters: Option<ast::IndexParameters>| {
        parameters
            .and_then(|p| p.column_list())
            .map(|list| columns(list.column_name_refs()))
            .unwrap_or_default()
    };
    let using_index =
        |using: Option<ast::UsingIndexName>| using.map(|u| last_name(u.index_ref().as_ref()));
    let kind = match c {
        C::PrimaryKeyConstraint(pk) => ConstraintKind::PrimaryKey {
            columns: index_columns(pk.index_parameters()),
            using_index: using_index(pk.using_index()),
        },
        C::UniqueConstraint(unique) => ConstraintKind::Unique {
            columns: index_columns(unique.index_parameters()),
            using_index: using_index(unique.using_index()),
        },
        C::ForeignKeyConstraint(fk) => ConstraintKind::ForeignKey(ForeignKey {
            columns: fk
                .from_columns()
                .map(|l| columns(l.column_name_refs()))
                .unwrap_or_default(),
            table: name_opt(fk.table_name_ref().as_ref()),
            referred: fk
                .to_columns()
                .map(|l| columns(l.column_name_refs()))
                .unwrap_or_default(),
            on_delete: on_delete(fk.referential_actions()),
        }),
        C::CheckConstraint(check) => {
            ConstraintKind::Check(check.expr().map(|e| expr(&e)).unwrap_or_else(unknown_expr))
        }
        C::ExcludeConstraint(_) => ConstraintKind::Exclude,
        C::NotNullConstraint(_)
        | C::NullConstraint(_)
        | C::DefaultConstraint(_)
        | C::GeneratedConstraint(_)
        | C::ReferencesConstraint(_) => return None,
    };
    Some(Constraint {
        name: c.constraint_name().map(|n| ident(Some(&n))),
        kind,
        not_valid: c.is_not_valid(),
    })
}

pub(super) fn cascades(behavior: Option<ast::DropBehavior>) -> bool {
    matches!(behavior, Some(ast::DropBehavior::Cascade(_)))
}

/// `ALTER TABLE [IF EXISTS] [ONLY] t action, ...`: one action per sub-command.
pub(super) fn alter_table(w: &mut Walker, alter: &ast::AlterTable) {
    if alter.all_in_tablespace().is_some() {
        w.push(
            Op::Unknown {
                reason: "ALTER TABLE ALL IN TABLESPACE moves every table of a tablespace, \
                         each under an ACCESS EXCLUSIVE lock"
                    .into(),
            },
            alter.syntax(),
        );
        return;
    }
    let table = name_opt(
        alter
            .table_relation_name()
            .and_then(|r| r.table_name_ref())
            .as_ref(),
    );
    for action in alter.actions() {
        let op = alter_table_action(&table, &action);
        w.push(op, action.syntax());
    }
}

fn alter_table_action(table: &Name, action: &ast::AlterTableAction) -> Op {
    use ast::AlterTableAction as A;
    let table = table.clone();
    // These rewrite (or copy) every row under the ACCESS EXCLUSIVE lock: said in the
    // description, which is all an `AlterTableOther` carries.
    let rewrites = matches!(
        action,
        A::SetTablespace(_) | A::SetLogged(_) | A::SetUnlogged(_) | A::SetAccessMethod(_)
    ) || matches!(
        action,
        A::AlterColumn(alter)
            if matches!(alter.option(), Some(ast::AlterColumnOption::SetExpression(_)))
    );
    let other = |node: &SyntaxNode| Op::AlterTableOther {
        table: table.clone(),
        description: if rewrites {
            format!("{} (rewrites the table)", describe(node))
        } else {
            describe(node)
        },
    };
    match action {
        A::AddColumn(add) => Op::AddColumn {
            column: added_column(add),
            if_not_exists: add.if_not_exists().is_some(),
            table,
        },
        A::DropColumn(drop) => Op::DropColumn {
            column: ident(drop.column_name_ref().as_ref()),
            if_exists: drop.if_exists().is_some(),
            cascade: cascades(drop.drop_behavior()),
            table,
        },
        A::RenameColumn(rename) => Op::RenameColumn {
            column: ident(rename.column_name_ref().as_ref()),
            to: ident(rename.column_name().as_ref()),
            table,
        },
        A::TableRenameTo(rename) => Op::RenameTable {
            to: name_opt(rename.table_name().as_ref()),
            table,
        },
        A::AlterColumn(alter) => {
            let column = ident(alter.column_name_ref().as_ref());
            match alter.option() {
                Some(ast::AlterColumnOption::SetType(set)) => Op::AlterColumnType {
                    data_type: set.ty().map(|t| data_type(&t)).unwrap_or_else(unknown_type),
                    using: set.using_expr().and_then(|u| u.expr()).map(|e| expr(&e)),
                    table,
                    column,
                },
                Some(ast::AlterColumnOption::SetNotNull(_)) => Op::SetNotNull { table, column },
                Some(ast::AlterColumnOption::DropNotNull(_)) => Op::DropNotNull { table, column },
                Some(ast::AlterColumnOption::SetDefault(set)) => Op::SetDefault {
                    default: set.expr().map(|e| expr(&e)).unwrap_or_else(unknown_expr),
                    table,
                    column,
                },
                Some(ast::AlterColumnOption::DropDefault(_)) => Op::DropDefault { table, column },
                _ => other(action.syntax()),
            }
        }
        A::AddConstraint(add) => match add.constraint() {
            Some(ast::Constraint::NotNullConstraint(not_null)) => {
                // PostgreSQL 18's `ADD [CONSTRAINT c] NOT NULL column`: SET NOT NULL with
                // a name; `NOT VALID` skips the scan, like a CHECK constraint.
                let column = ident(not_null.column_name_ref().as_ref());
                let c = ast::Constraint::NotNullConstraint(not_null);
                if c.is_not_valid() {
                    Op::AddConstraint {
                        table,
                        constraint: Constraint {
                            name: c.constraint_name().map(|n| ident(Some(&n))),
                            kind: ConstraintKind::Check(Expr {
                                text: format!("{column} IS NOT NULL"),
                                volatility: Volatility::Volatile,
                            }),
                            not_valid: true,
                        },
                    }
                } else {
                    Op::SetNotNull { table, column }
                }
            }
            Some(c) => match constraint(&c) {
                Some(constraint) => Op::AddConstraint { table, constraint },
                None => other(action.syntax()),
            },
            None => other(action.syntax()),
        },
        A::ValidateConstraint(validate) => Op::ValidateConstraint {
            name: last_name(validate.constraint_name_ref().as_ref()),
            table,
        },
        A::DropConstraint(drop) => Op::DropConstraint {
            name: last_name(drop.constraint_name_ref().as_ref()),
            if_exists: drop.if_exists().is_some(),
            cascade: cascades(drop.drop_behavior()),
            table,
        },
        _ => other(action.syntax()),
    }
}

/// `DROP TABLE [IF EXISTS] a, b [CASCADE]`: one action per table, at its name.
pub(super) fn drop_table(w: &mut Walker, drop: &ast::DropTable) {
    for table in drop.table_name_refs() {
        w.push(
            Op::DropTable {
                table: name_of(table.syntax()),
                if_exists: drop.if_exists().is_some(),
                cascade: cascades(drop.drop_behavior()),
            },
            table.syntax(),
        );
    }
}

/// `TRUNCATE [TABLE] [ONLY] a, b [CASCADE]`: one action per table, at its name.
pub(super) fn truncate(w: &mut Walker, truncate: &ast::Truncate) {
    let cascade = cascades(truncate.drop_behavior());
    for relation in truncate
        .table_list()
        .iter()
        .flat_map(|list| list.table_relation_names())
    {
        w.push(
            Op::Truncate {
                table: name_opt(relation.table_name_ref().as_ref()),
                cascade,
            },
            relation.syntax(),
        );
    }
}
