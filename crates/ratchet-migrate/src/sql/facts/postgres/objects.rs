//! Indexes, types, and the other objects: views, functions, triggers, schemas,
//! sequences, extensions...

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{SyntaxKind, SyntaxNode};

use super::Walker;
use super::expr::reads;
use super::names::{describe, literal_value, name_of, name_opt, text};
use super::table::cascades;
use crate::sql::facts::{IndexDef, Name, ObjectKind, Op};

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON t (...) [WHERE ...]`.
pub(super) fn create_index(w: &mut Walker, create: &ast::CreateIndex) {
    let columns = create
        .partition_item_list()
        .iter()
        .flat_map(|list| list.partition_items())
        .filter_map(|item| item.expr())
        .map(|e| match &e {
            ast::Expr::NameRef(name) => name.text(),
            _ => text(e.syntax()),
        })
        .collect();
    let index = IndexDef {
        name: create.index().map(|i| name_of(i.syntax())),
        table: name_opt(
            create
                .table_relation_name()
                .and_then(|r| r.table_name_ref())
                .as_ref(),
        ),
        columns,
        unique: create.unique_token().is_some(),
        concurrently: create.concurrently_token().is_some(),
        if_not_exists: create.if_not_exists().is_some(),
        predicate: create
            .where_clause()
            .and_then(|w| w.expr())
            .map(|e| text(e.syntax())),
    };
    w.push(Op::CreateIndex(index), create.syntax());
}

/// `DROP INDEX [CONCURRENTLY] [IF EXISTS] a, b`: one action per index, at its name.
pub(super) fn drop_index(w: &mut Walker, drop: &ast::DropIndex) {
    for index in drop.index_refs() {
        w.push(
            Op::DropIndex {
                name: name_of(index.syntax()),
                table: None,
                concurrently: drop.concurrently_token().is_some(),
                if_exists: drop.if_exists().is_some(),
            },
            index.syntax(),
        );
    }
}

/// `REINDEX [(CONCURRENTLY)] INDEX|TABLE|SCHEMA|DATABASE|SYSTEM [CONCURRENTLY] name`.
pub(super) fn reindex(w: &mut Walker, reindex: &ast::Reindex) {
    use ast::ReindexTarget as R;
    let database = |db: Option<ast::DatabaseRef>| {
        db.map(|d| name_of(d.syntax()))
            .unwrap_or_else(|| Name::new("(current database)"))
    };
    let target = match reindex.reindex_target() {
        Some(R::ReindexTargetIndex(t)) => name_opt(t.index_ref().as_ref()),
        Some(R::ReindexTargetTable(t)) => name_opt(t.table_name_ref().as_ref()),
        Some(R::ReindexTargetSchema(t)) => name_opt(t.schema_ref().as_ref()),
        Some(R::ReindexTargetDatabase(t)) => database(t.database_ref()),
        Some(R::ReindexTargetSystem(t)) => database(t.database_ref()),
        None => Name::new(String::new()),
    };
    w.push(
        Op::Reindex {
            target,
            concurrently: reindex.is_concurrently(),
        },
        reindex.syntax(),
    );
}

/// `CREATE TYPE t AS ENUM (...)` (and composite, range and base types).
pub(super) fn create_type(w: &mut Walker, create: &ast::CreateType) {
    let enum_values = match create.kind() {
        Some(ast::CreateTypeKind::EnumType(e)) => Some(
            e.variant_list()
                .iter()
                .flat_map(|list| list.variants())
                .filter_map(|v| v.literal())
                .map(|l| literal_value(&l))
                .collect(),
        ),
        _ => None,
    };
    w.push(
        Op::CreateType {
            name: name_opt(create.type_name().as_ref()),
            enum_values,
        },
        create.syntax(),
    );
}

/// `ALTER TYPE t ADD VALUE 'v'`, `ALTER TYPE t RENAME TO u`; other forms are described.
pub(super) fn alter_type(w: &mut Walker, alter: &ast::AlterType) {
    let name = name_opt(alter.type_name_ref().as_ref());
    let op = match alter.action() {
        Some(ast::AlterTypeAction::AddValue(add)) => Op::AlterTypeAddValue {
            name,
            value: add.literal().map(|l| literal_value(&l)).unwrap_or_default(),
        },
        Some(ast::AlterTypeAction::TypeRenameTo(rename)) => Op::RenameObject {
            kind: ObjectKind::Type,
            name,
            to: name_opt(rename.type_name().as_ref()),
        },
        _ => Op::Other {
            description: describe(alter.syntax()),
        },
    };
    let at = match alter.action() {
        Some(action) => action.syntax().clone(),
        None => alter.syntax().clone(),
    };
    w.push(op, &at);
}

/// `DROP` of the objects a `DROP` statement lists: one action each, at its name.
fn drop_objects(
    w: &mut Walker,
    kind: ObjectKind,
    names: impl IntoIterator<Item = SyntaxNode>,
    if_exists: bool,
    cascade: bool,
) {
    for name in names {
        w.push(
            Op::DropObject {
                kind,
                name: name_of(&name),
                if_exists,
                cascade,
            },
            &name,
        );
    }
}

fn nodes<N: AstNode>(children: impl IntoIterator<Item = N>) -> Vec<SyntaxNode> {
    children.into_iter().map(|n| n.syntax().clone()).collect()
}

/// `CREATE`, `DROP` and `ALTER ... RENAME TO` of objects other than tables, indexes and
/// types. False when `stmt` is none of those.
pub(super) fn object(w: &mut Walker, stmt: &ast::Stmt) -> bool {
    use ast::Stmt as S;
    match stmt {
        S::DropSchema(d) => drop_objects(
            w,
            ObjectKind::Schema,
            nodes(d.schema_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropDatabase(d) => drop_objects(
            w,
            ObjectKind::Database,
            nodes(d.database_ref()),
            d.if_exists().is_some(),
            false,
        ),
        S::DropType(d) => drop_objects(
            w,
            ObjectKind::Type,
            nodes(d.type_name_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropDomain(d) => drop_objects(
            w,
            ObjectKind::Other,
            nodes(d.domain_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropView(d) => drop_objects(
            w,
            ObjectKind::View,
            nodes(d.view_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropMaterializedView(d) => drop_objects(
            w,
            ObjectKind::MaterializedView,
            nodes(d.view_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropFunction(d) => drop_objects(
            w,
            ObjectKind::Function,
            nodes(
                d.function_sig_list()
                    .iter()
                    .flat_map(|l| l.function_sigs())
                    .filter_map(|s| s.function_name_ref()),
            ),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropProcedure(d) => drop_objects(
            w,
            ObjectKind::Procedure,
            nodes(
                d.procedure_sig_list()
                    .iter()
                    .flat_map(|l| l.procedure_sigs())
                    .filter_map(|s| s.procedure_name_ref()),
            ),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropRoutine(d) => drop_objects(
            w,
            ObjectKind::Function,
            nodes(
                d.routine_sig_list()
                    .iter()
                    .flat_map(|l| l.routine_sigs())
                    .filter_map(|s| s.routine_name_ref()),
            ),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropTrigger(d) => drop_objects(
            w,
            ObjectKind::Trigger,
            nodes(d.trigger_ref()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropSequence(d) => drop_objects(
            w,
            ObjectKind::Sequence,
            nodes(d.sequence_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropExtension(d) => drop_objects(
            w,
            ObjectKind::Extension,
            nodes(d.extension_refs()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropPolicy(d) => drop_objects(
            w,
            ObjectKind::Other,
            nodes(d.policy_ref()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropRule(d) => drop_objects(
            w,
            ObjectKind::Other,
            nodes(d.rule_ref()),
            d.if_exists().is_some(),
            cascades(d.drop_behavior()),
        ),
        S::DropOwned(d) => w.push(
            Op::Unknown {
                reason: "DROP OWNED drops every object a role owns, whatever they are".into(),
            },
            d.syntax(),
        ),
        S::CreateView(c) => create_object(
            w,
            stmt,
            ObjectKind::View,
            name_opt(c.view().as_ref()),
            c.query().map(|q| reads(q.syntax())).unwrap_or_default(),
            c.or_replace().is_some(),
        ),
        S::CreateMaterializedView(c) => create_object(
            w,
            stmt,
            ObjectKind::MaterializedView,
            name_opt(c.view().as_ref()),
            c.query().map(|q| reads(q.syntax())).unwrap_or_default(),
            false,
        ),
        S::CreateFunction(c) => create_object(
            w,
            stmt,
            ObjectKind::Function,
            name_opt(c.name().as_ref()),
            Vec::new(),
            c.or_replace().is_some(),
        ),
        S::CreateProcedure(c) => create_object(
            w,
            stmt,
            ObjectKind::Procedure,
            name_opt(c.name().as_ref()),
            Vec::new(),
            c.or_replace().is_some(),
        ),
        S::CreateAggregate(c) => create_object(
            w,
            stmt,
            ObjectKind::Function,
            name_opt(c.aggregate_name().as_ref()),
            Vec::new(),
            c.or_replace().is_some(),
        ),
        S::CreateTrigger(c) => create_object(
            w,
            stmt,
            ObjectKind::Trigger,
            name_opt(c.trigger().as_ref()),
            c.on_relation()
                .and_then(|o| o.relation_name_ref())
                .map(|r| name_of(r.syntax()))
                .into_iter()
                .collect(),
            c.or_replace().is_some(),
        ),
        S::CreateSchema(c) => {
            let name = c
                .schema_name()
                .map(|n| name_of(&n))
                .unwrap_or_else(|| Name::new(String::new()));
            create_object(w, stmt, ObjectKind::Schema, name, Vec::new(), false);
            // `CREATE SCHEMA s CREATE TABLE t (...) ...`: the elements are statements.
            for element in c.schema_elements() {
                if let Some(inner) = ast::Stmt::cast(element.syntax().clone()) {
                    w.stmt(&inner);
                }
            }
        }
        S::CreateSequence(c) => create_object(
            w,
            stmt,
            ObjectKind::Sequence,
            name_opt(c.sequence().as_ref()),
            Vec::new(),
            false,
        ),
        S::CreateExtension(c) => create_object(
            w,
            stmt,
            ObjectKind::Extension,
            name_opt(c.extension().as_ref()),
            Vec::new(),
            false,
        ),
        S::CreateDomain(c) => create_object(
            w,
            stmt,
            ObjectKind::Other,
            name_opt(c.domain().as_ref()),
            Vec::new(),
            false,
        ),
        S::CreateDatabase(c) => create_object(
            w,
            stmt,
            ObjectKind::Database,
            name_opt(c.database().as_ref()),
            Vec::new(),
            false,
        ),
        S::CreatePolicy(c) => create_object(
            w,
            stmt,
            ObjectKind::Other,
            name_opt(c.policy().as_ref()),
            c.on_table()
                .and_then(|o| o.table_name_ref())
                .map(|t| name_of(t.syntax()))
                .into_iter()
                .collect(),
            false,
        ),
        S::CreateRule(c) => create_object(
            w,
            stmt,
            ObjectKind::Other,
            name_opt(c.rule().as_ref()),
            c.rule_on()
                .and_then(|o| o.relation_name_ref())
                .map(|r| name_of(r.syntax()))
                .into_iter()
                .collect(),
            c.or_replace().is_some(),
        ),
        S::CreateForeignTable(c) => create_object(
            w,
            stmt,
            ObjectKind::Other,
            name_opt(c.table_name().as_ref()),
            Vec::new(),
            false,
        ),
        _ => return rename_object(w, stmt),
    }
    true
}

fn create_object(
    w: &mut Walker,
    stmt: &ast::Stmt,
    kind: ObjectKind,
    name: Name,
    tables: Vec<Name>,
    or_replace: bool,
) {
    w.push(
        Op::CreateObject {
            kind,
            name,
            tables,
            or_replace,
        },
        stmt.syntax(),
    );
}

/// `ALTER INDEX|VIEW|SEQUENCE|FUNCTION|... x RENAME TO y`. False for other statements
/// (and other `ALTER`s of those objects, which are described as `Other`).
fn rename_object(w: &mut Walker, stmt: &ast::Stmt) -> bool {
    use ast::Stmt as S;
    let (kind, name) = match stmt {
        S::AlterIndex(a) => (ObjectKind::Index, a.index_ref().map(|n| n.syntax().clone())),
        S::AlterView(a) => (ObjectKind::View, a.view_ref().map(|n| n.syntax().clone())),
        S::AlterMaterializedView(a) => (
            ObjectKind::MaterializedView,
            a.view_ref().map(|n| n.syntax().clone()),
        ),
        S::AlterSequence(a) => (
            ObjectKind::Sequence,
            a.sequence_ref().map(|n| n.syntax().clone()),
        ),
        S::AlterFunction(a) => (
            ObjectKind::Function,
            a.function_sig()
                .and_then(|s| s.function_name_ref())
                .map(|n| n.syntax().clone()),
        ),
        S::AlterProcedure(a) => (
            ObjectKind::Procedure,
            a.procedure_sig()
                .and_then(|s| s.procedure_name_ref())
                .map(|n| n.syntax().clone()),
        ),
        S::AlterRoutine(a) => (
            ObjectKind::Function,
            a.routine_sig()
                .and_then(|s| s.routine_name_ref())
                .map(|n| n.syntax().clone()),
        ),
        S::AlterSchema(a) => (
            ObjectKind::Schema,
            a.schema_ref().map(|n| n.syntax().clone()),
        ),
        S::AlterTrigger(a) => (
            ObjectKind::Trigger,
            a.trigger_ref().map(|n| n.syntax().clone()),
        ),
        S::AlterDomain(a) => (
            ObjectKind::Other,
            a.domain_ref().map(|n| n.syntax().clone()),
        ),
        S::AlterDatabase(a) => (
            ObjectKind::Database,
            a.database_ref().map(|n| n.syntax().clone()),
        ),
        _ => return false,
    };
    // The `RENAME TO` clause, whatever the object: its last child is the new name.
    let Some(rename) = stmt
        .syntax()
        .children()
        .flat_map(|child| child.descendants_with_tokens())
        .filter_map(|element| element.into_node())
        .find(|node| is_rename_to(node.kind()))
    else {
        return false;
    };
    let (Some(name), Some(to)) = (name, rename.last_child()) else {
        return false;
    };
    w.push(
        Op::RenameObject {
            kind,
            name: name_of(&name),
            to: name_of(&to),
        },
        &rename,
    );
    true
}

fn is_rename_to(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::INDEX_RENAME_TO
            | SyntaxKind::VIEW_RENAME_TO
            | SyntaxKind::SEQUENCE_RENAME_TO
            | SyntaxKind::FUNCTION_RENAME_TO
            | SyntaxKind::PROCEDURE_RENAME_TO
            | SyntaxKind::ROUTINE_RENAME_TO
            | SyntaxKind::SCHEMA_RENAME_TO
            | SyntaxKind::TRIGGER_RENAME_TO
            | SyntaxKind::DOMAIN_RENAME_TO
            | SyntaxKind::DATABASE_RENAME_TO
    )
}
