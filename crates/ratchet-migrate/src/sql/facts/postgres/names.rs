//! Names, texts and short descriptions read off the syntax tree.

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{SyntaxKind, SyntaxNode, SyntaxToken};

use crate::sql::facts::Name;

/// The first token of `node` that is not whitespace or a comment: where the words of a
/// node start (rowan may attach leading trivia to a node).
pub(super) fn first_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .find(|token| !token.kind().is_trivia())
}

/// The name held by `node`: a possibly qualified path (`schema.table`), or a bare name
/// (`SchemaRef`, `Trigger`...). Unquoted parts are folded to lower case the way PostgreSQL
/// folds them; quoted parts are kept as written, without their quotes.
pub(super) fn name_of(node: &SyntaxNode) -> Name {
    let segments: Vec<String> = node
        .descendants()
        .filter(|n| {
            matches!(
                n.kind(),
                SyntaxKind::PATH_SEGMENT | SyntaxKind::PATH_SEGMENT_REF
            )
        })
        .map(|n| ast::normalize_name_node(&n))
        .collect();
    match segments.as_slice() {
        [] => Name::new(bare_name(node)),
        [name] => Name::new(name.clone()),
        // `database.schema.name`: the database part names the current database anyway.
        [.., schema, name] => Name {
            schema: Some(schema.clone()),
            name: name.clone(),
        },
    }
}

/// A name that is not a path (`Schema`, `RoleRef`...): the first node, `node` or below,
/// that holds the name's token itself (`ROLE_REF` wraps a `ROLE_NAME_REF`).
fn bare_name(node: &SyntaxNode) -> String {
    node.descendants()
        .find(|n| {
            n.children_with_tokens()
                .filter_map(|element| element.into_token())
                .any(|token| !token.kind().is_trivia())
        })
        .map(|n| ast::normalize_name_node(&n))
        .unwrap_or_default()
}

/// [`name_of`] for an optional node (a tree with errors may lack it; the caller only reads
/// trees without errors, so this is belt and braces).
pub(super) fn name_opt(node: Option<&impl AstNode>) -> Name {
    node.map(|n| name_of(n.syntax()))
        .unwrap_or_else(|| Name::new(String::new()))
}

/// The identifier of a simple name node (a column name), folded like [`name_of`].
pub(super) fn ident(node: Option<&impl AstNode>) -> String {
    node.map(|n| bare_name(n.syntax())).unwrap_or_default()
}

/// The last part of a possibly qualified name: constraint names are written as paths in
/// the grammar but have no schema.
pub(super) fn last_name(node: Option<&impl AstNode>) -> String {
    node.map(|n| name_of(n.syntax()).name).unwrap_or_default()
}

/// The text of `node` exactly as written, without surrounding whitespace.
pub(super) fn text(node: &SyntaxNode) -> String {
    node.text().to_string().trim().to_string()
}

/// A string literal's value, unquoted and unescaped; any other literal's text.
pub(super) fn literal_value(literal: &ast::Literal) -> String {
    let is_string = matches!(
        literal.kind(),
        Some(
            ast::LitKind::String(_)
                | ast::LitKind::EscString(_)
                | ast::LitKind::DollarQuotedString(_)
                | ast::LitKind::NationalString(_)
                | ast::LitKind::UnicodeEscString(_)
        )
    );
    match literal.string_value() {
        Some(value) if is_string => value,
        _ => text(literal.syntax()),
    }
}

/// The longest description [`describe`] gives, in characters.
const DESCRIPTION_MAX: usize = 80;

/// A short, normalized rendering of `node` for messages: comments dropped, whitespace
/// collapsed, keywords in upper case ("SET (fillfactor = 70)"); cut at
/// [`DESCRIPTION_MAX`] characters.
pub(super) fn describe(node: &SyntaxNode) -> String {
    let mut out = String::new();
    let mut previous: Option<SyntaxKind> = None;
    for token in node
        .descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| !token.kind().is_trivia())
    {
        let kind = token.kind();
        let glued = matches!(
            kind,
            SyntaxKind::COMMA | SyntaxKind::R_PAREN | SyntaxKind::DOT | SyntaxKind::R_BRACK
        ) || matches!(
            previous,
            Some(SyntaxKind::L_PAREN | SyntaxKind::DOT | SyntaxKind::L_BRACK)
        ) || (kind == SyntaxKind::L_PAREN && previous.is_some_and(|p| !p.is_keyword()))
            || (kind == SyntaxKind::COLON && previous == Some(SyntaxKind::COLON));
        if previous.is_some() && !glued {
            out.push(' ');
        }
        if kind.is_keyword() && !in_name(&token, node) {
            out.push_str(&token.text().to_ascii_uppercase());
        } else {
            out.push_str(token.text());
        }
        previous = Some(kind);
        if out.chars().count() > DESCRIPTION_MAX {
            let cut: String = out.chars().take(DESCRIPTION_MAX - 1).collect();
            return format!("{}…", cut.trim_end());
        }
    }
    out
}

/// Whether `token` is part of a name (a keyword used as one, like the role `admin`), up to
/// `top`: names keep their case in descriptions.
fn in_name(token: &SyntaxToken, top: &SyntaxNode) -> bool {
    token
        .parent_ancestors()
        .take_while(|ancestor| ancestor != top)
        .any(|ancestor| {
            matches!(
                ancestor.kind(),
                SyntaxKind::NAME_REF
                    | SyntaxKind::PATH_SEGMENT
                    | SyntaxKind::PATH_SEGMENT_REF
                    | SyntaxKind::COLUMN_NAME
                    | SyntaxKind::COLUMN_NAME_REF
                    | SyntaxKind::ROLE
                    | SyntaxKind::ROLE_REF
                    | SyntaxKind::ROLE_NAME_REF
                    | SyntaxKind::CONSTRAINT_NAME
                    | SyntaxKind::TRIGGER
                    | SyntaxKind::TRIGGER_REF
                    | SyntaxKind::SCHEMA
                    | SyntaxKind::SCHEMA_REF
                    | SyntaxKind::TABLESPACE_REF
            )
        })
}

/// The leading keywords of a statement, upper case, at most `max` of them ("COMMENT ON
/// TABLE", "GRANT").
pub(super) fn leading_keywords(node: &SyntaxNode, max: usize) -> String {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| !token.kind().is_trivia())
        .take_while(|token| token.kind().is_keyword())
        .take(max)
        .map(|token| token.text().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}
