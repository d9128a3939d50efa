//! MySQL and MariaDB statements into actions.
//!
//! sqlparser (MySQL dialect) reads the structure of most statements; what it has no grammar
//! for, and real migrations contain, is read lexically here:
//!
//! - stored routines, triggers and events (`BEGIN ... END` bodies): the object created and a
//!   trigger's table;
//! - `PREPARE`/`EXECUTE` (dynamic SQL, unknown by nature), `DEALLOCATE PREPARE`;
//! - `SET` in all its forms, transaction control, `OPTIMIZE`/`ANALYZE`/`REPAIR TABLE`,
//!   `LOAD DATA`, `DROP INDEX ... ALGORITHM=`, `DROP EVENT`;
//! - in `ALTER TABLE`, table options (`ENGINE=`, `ROW_FORMAT=`, `CONVERT TO CHARACTER SET`:
//!   a table copy), `DROP KEY`, `DROP CHECK`, `RENAME INDEX`, `ADD COLUMN (a ..., b ...)`,
//!   and the `ALGORITHM=`/`LOCK=` clauses.
//!
//! A statement sqlparser rejects because of a legacy column attribute (`varchar(255)
//! binary`), MariaDB's `PERSISTENT` or table options it does not know is parsed again with
//! those words blanked out (same length, so positions hold).
//!
//! Inline `KEY`/`INDEX` definitions of a CREATE TABLE become CreateIndex actions on the new
//! table, after its CreateTable action; `UNIQUE KEY` stays a unique constraint of the table.

use super::sqlparser_ast::{
    self as ast, Flavor, Segment, Toks, TypeText, blank, collapse, drop_index, drop_primary, one,
};
use super::{Action, Extracted, IndexDef, ObjectKind, OnlineOptions, Op};
use crate::sql::Dialect;
use crate::sql::lexer::TokenKind;

/// Words that end a column's type in MySQL: the column attributes.
const TYPE_STOP: &[&str] = &[
    "NOT",
    "NULL",
    "DEFAULT",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "AUTO_INCREMENT",
    "COMMENT",
    "COLLATE",
    "CHARACTER",
    "CHARSET",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "GENERATED",
    "AS",
    "ON",
    "INVISIBLE",
    "VISIBLE",
    "FIRST",
    "AFTER",
    "STORAGE",
    "COLUMN_FORMAT",
    "SRID",
    "ENGINE_ATTRIBUTE",
    "SECONDARY_ENGINE_ATTRIBUTE",
    "WITH",
    "WITHOUT",
    "SERIAL",
    "STORED",
    "VIRTUAL",
    "PERSISTENT",
    "COMPRESSED",
];

static FLAVOR: Flavor = Flavor {
    dialect: Dialect::Mysql,
    type_stop: TYPE_STOP,
    canonical,
    normalize,
    alter_segment,
};

/// Reads one statement.
pub(super) fn extract(sql: &str) -> Extracted {
    let toks = Toks::new(sql, Dialect::Mysql);
    if let Some(result) = lexical(&toks) {
        return result;
    }
    ast::guarded(sql, Dialect::Mysql, parsed)
}

/// Statements read through sqlparser (on the guarded thread).
fn parsed(sql: &str) -> Extracted {
    let toks = Toks::new(sql, Dialect::Mysql);
    if is_alter_table(&toks) {
        return ast::alter_table(&toks, &FLAVOR);
    }
    let actions = match ast::parse_and_convert(&toks, &FLAVOR) {
        Ok(actions) => actions,
        Err(e) => match fallback(&toks) {
            Some(actions) => actions,
            None => return Err(format!("ratchet could not read this statement: {e}")),
        },
    };
    let online = if index_statement(&toks) {
        trailing_online(&toks)
    } else {
        OnlineOptions::default()
    };
    Ok((actions, online))
}

fn is_alter_table(toks: &Toks<'_>) -> bool {
    let mut i = 1;
    while toks.is_any(i, &["ONLINE", "OFFLINE", "IGNORE"]) {
        i += 1;
    }
    toks.is(0, "ALTER") && toks.is(i, "TABLE")
}

/// `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX` or `DROP INDEX`.
fn index_statement(toks: &Toks<'_>) -> bool {
    (toks.is(0, "CREATE") && (1..4).any(|i| toks.is(i, "INDEX")))
        || (toks.is(0, "DROP") && toks.is(1, "INDEX"))
}

/// `ALGORITHM [=] x` and `LOCK [=] x` anywhere outside parentheses.
fn trailing_online(toks: &Toks<'_>) -> OnlineOptions {
    let mut online = OnlineOptions::default();
    let mut depth = 0usize;
    for i in 0..toks.len() {
        if toks.is_punct(i, b'(') {
            depth += 1;
        } else if toks.is_punct(i, b')') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 {
            let v = if toks.is_punct(i + 1, b'=') {
                i + 2
            } else {
                i + 1
            };
            if let Some((algorithm, value)) = ast::online_value(toks, i, v) {
                if algorithm {
                    online.algorithm = Some(value);
                } else {
                    online.lock = Some(value);
                }
            }
        }
    }
    online
}

/// Statements read without sqlparser: `None` hands the statement to it.
fn lexical(toks: &Toks<'_>) -> Option<Extracted> {
    let Some(first) = toks.word(0) else {
        // Nothing but comments: nothing to do. Anything else not starting with a word
        // (`(SELECT ...)`) goes to the parser.
        return toks
            .t
            .is_empty()
            .then(|| Ok((Vec::new(), OnlineOptions::default())));
    };
    let second = toks.word(1).unwrap_or_default();
    let other = |description: String| Some(one(Op::Other { description }));
    let unknown = |reason: &str| {
        Some(one(Op::Unknown {
            reason: reason.into(),
        }))
    };
    match first.as_str() {
        "BEGIN" if second == "NOT" || second == "ATOMIC" => unknown(
            "a MariaDB BEGIN NOT ATOMIC block: ratchet does not read the statements inside it",
        ),
        "BEGIN" | "START" | "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => {
            ast::transaction(toks.sql).map(one)
        }
        "XA" => unknown("an XA transaction statement: ratchet does not follow XA transactions"),
        "PREPARE" => unknown(
            "dynamic SQL: PREPARE builds a statement from a string, which ratchet cannot read",
        ),
        "EXECUTE" => {
            unknown("dynamic SQL: EXECUTE runs a prepared statement whose text ratchet cannot read")
        }
        // Releasing a prepared statement runs nothing.
        "DEALLOCATE" => other("DEALLOCATE PREPARE".into()),
        "DROP" if second == "PREPARE" => other("DEALLOCATE PREPARE".into()),
        "CALL" => unknown("CALL runs a procedure whose statements ratchet cannot see"),
        "DO" => unknown(
            "DO evaluates expressions (and the functions they call) ratchet does not analyse",
        ),
        "SET" => Some(set(toks)),
        "CREATE" => {
            let kind_at = routine_kind(toks)?;
            ast::create_routine(toks, kind_at).map(one)
        }
        "DROP" => {
            let kind = match second.as_str() {
                "EVENT" => ObjectKind::Event,
                "PROCEDURE" => ObjectKind::Procedure,
                "FUNCTION" => ObjectKind::Function,
                "TRIGGER" => ObjectKind::Trigger,
                "INDEX" => return drop_index_statement(toks),
                "USER" | "ROLE" | "SERVER" | "LOGFILE" | "TABLESPACE" | "RESOURCE" => {
                    return other(toks.words_from(0, 2));
                }
                _ => return None,
            };
            ast::drop_objects(toks, 1, kind).map(|actions| Ok((actions, OnlineOptions::default())))
        }
        "ALTER" => match second.as_str() {
            "DATABASE" | "SCHEMA" | "EVENT" | "PROCEDURE" | "FUNCTION" | "SERVER" | "INSTANCE"
            | "LOGFILE" | "TABLESPACE" | "USER" | "RESOURCE" | "SEQUENCE" => {
                other(format!("ALTER {second}"))
            }
            _ => None,
        },
        "OPTIMIZE" | "REPAIR" | "ANALYZE" | "CHECK" | "CHECKSUM" => table_maintenance(toks, &first),
        "LOAD" if second == "DATA" || second == "XML" => load_data(toks),
        "USE" => other(collapse(toks.sql)),
        "LOCK" | "UNLOCK" => other(toks.words_from(0, 2)),
        "FLUSH" | "GRANT" | "REVOKE" | "INSTALL" | "UNINSTALL" | "PURGE" | "RESET" | "KILL" => {
            other(first)
        }
        "RENAME" if second == "USER" => other("RENAME USER".into()),
        "SHOW" | "DESCRIBE" | "DESC" | "HELP" => Some(one(Op::Query { reads: Vec::new() })),
        _ => None,
    }
}

/// The index of TRIGGER/PROCEDURE/FUNCTION/EVENT in a CREATE, past `OR REPLACE`,
/// `DEFINER = ...`, `AGGREGATE`; `None` for any other CREATE.
fn routine_kind(toks: &Toks<'_>) -> Option<usize> {
    for i in 1..toks.len() {
        match toks.word(i).as_deref() {
            Some("TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT") => return Some(i),
            // A table, index, view...: not a routine. `(` cannot come before the kind.
            Some(
                "TABLE" | "INDEX" | "VIEW" | "DATABASE" | "SCHEMA" | "USER" | "ROLE" | "SERVER"
                | "TABLESPACE" | "LOGFILE" | "SPATIAL" | "FULLTEXT" | "UNIQUE" | "TEMPORARY"
                | "SEQUENCE" | "ALGORITHM" | "SQL",
            ) => return None,
            _ if toks.is_punct(i, b'(') => return None,
            _ => {}
        }
    }
    None
}

/// `DROP INDEX [ONLINE|OFFLINE] [IF EXISTS] name ON table [ALGORITHM=...] [LOCK=...]`.
fn drop_index_statement(toks: &Toks<'_>) -> Option<Extracted> {
    let mut i = 2;
    if toks.is_any(i, &["ONLINE", "OFFLINE"]) {
        i += 1;
    }
    let (if_exists, i) = toks.if_exists(i);
    let (name, after) = toks.name(i)?;
    if !toks.is(after, "ON") {
        return None;
    }
    let (table, _) = toks.name(after + 1)?;
    Some(Ok((
        vec![Action {
            op: drop_index(name, Some(table), if_exists),
            offset: 0,
        }],
        trailing_online(toks),
    )))
}

/// `OPTIMIZE|ANALYZE|REPAIR|CHECK|CHECKSUM [NO_WRITE_TO_BINLOG|LOCAL] TABLE t [, t]`.
fn table_maintenance(toks: &Toks<'_>, first: &str) -> Option<Extracted> {
    let mut i = 1;
    if toks.is_any(i, &["NO_WRITE_TO_BINLOG", "LOCAL"]) {
        i += 1;
    }
    if !toks.is_any(i, &["TABLE", "TABLES"]) {
        return None;
    }
    let mut names = Vec::new();
    let mut j = i + 1;
    while let Some((name, after)) = toks.name(j) {
        names.push(name.to_string());
        if !toks.is_punct(after, b',') {
            break;
        }
        j = after + 1;
    }
    let what = match first {
        // InnoDB's OPTIMIZE TABLE is ALTER TABLE ... FORCE: a full rebuild.
        "OPTIMIZE" => ": rebuilds each table and its indexes",
        "REPAIR" => ": rewrites each table (MyISAM)",
        _ => "",
    };
    Some(one(Op::Other {
        description: format!("{first} TABLE {}{what}", names.join(", ")),
    }))
}

/// `LOAD DATA|XML ... INTO TABLE t`: rows inserted from a file.
fn load_data(toks: &Toks<'_>) -> Option<Extracted> {
    let into = (2..toks.len()).find(|&i| toks.is(i, "INTO") && toks.is(i + 1, "TABLE"))?;
    let (table, _) = toks.name(into + 2)?;
    Some(one(Op::Insert {
        table,
        from_query: false,
    }))
}

/// `SET` in its MySQL forms: one SetSetting per assignment. Session variables are named
/// plainly (`foreign_key_checks`, whether written `SESSION x`, `@@x` or `@@session.x`);
/// global ones `@@global.x` (or `@@persist.x`); user variables `@x`.
fn set(toks: &Toks<'_>) -> Extracted {
    let setting = |name: &str, value: String| Op::SetSetting {
        name: name.into(),
        value,
        local: false,
    };
    let rest = |from: usize| value_text(toks, from, toks.len());
    match toks.word(1).as_deref() {
        Some("NAMES") => return one(setting("names", rest(2))),
        Some("CHARSET") => return one(setting("character set", rest(2))),
        Some("CHARACTER") if toks.is(2, "SET") => return one(setting("character set", rest(3))),
        Some("TRANSACTION") => return one(setting("transaction", rest(2))),
        Some("GLOBAL" | "SESSION" | "LOCAL") if toks.is(2, "TRANSACTION") => {
            return one(setting("transaction", rest(3)));
        }
        Some("PASSWORD" | "ROLE" | "RESOURCE") => {
            return one(Op::Other {
                description: toks.words_from(0, 2),
            });
        }
        Some("DEFAULT") if toks.is(2, "ROLE") => {
            return one(Op::Other {
                description: "SET DEFAULT ROLE".into(),
            });
        }
        Some("STATEMENT") => {
            return one(Op::Unknown {
                reason: "SET STATEMENT ... FOR runs a statement ratchet does not analyse here"
                    .into(),
            });
        }
        _ => {}
    }
    let pieces = toks.split_commas(1, toks.len());
    if pieces.is_empty() {
        return Err("ratchet could not read this SET: it sets nothing".into());
    }
    let many = pieces.len() > 1;
    let mut actions = Vec::new();
    for (a, b) in pieces {
        let Some(eq) = (a..b).find(|&i| toks.is_punct(i, b'=')) else {
            return Err(format!(
                "ratchet could not read `{}` in this SET",
                collapse(toks.text(a, b))
            ));
        };
        // `:=` is `:` then `=`.
        let name_end = if eq > a && toks.is_punct(eq - 1, b':') {
            eq - 1
        } else {
            eq
        };
        let name = variable_name(toks, a, name_end).ok_or_else(|| {
            format!(
                "ratchet could not read the variable in `{}`",
                collapse(toks.text(a, b))
            )
        })?;
        actions.push(Action {
            op: setting(&name, value_text(toks, eq + 1, b)),
            offset: if many { toks.start(a) } else { 0 },
        });
    }
    Ok((actions, OnlineOptions::default()))
}

/// The name of a variable written in tokens `a..b`, as [`set`] names it.
fn variable_name(toks: &Toks<'_>, a: usize, b: usize) -> Option<String> {
    let mut i = a;
    let mut scope = None;
    if let Some(w) = toks.word(i).filter(|w| {
        matches!(
            w.as_str(),
            "GLOBAL" | "SESSION" | "LOCAL" | "PERSIST" | "PERSIST_ONLY"
        )
    }) {
        scope = Some(w);
        i += 1;
    }
    let ats = (i..b).take_while(|&k| toks.is_punct(k, b'@')).count();
    i += ats;
    let text: String = (i..b)
        .map(|k| {
            let t = toks.t[k];
            if t.kind == TokenKind::QuotedIdent || t.kind == TokenKind::String {
                ast::unquote_ident(t.text)
            } else {
                t.text.to_string()
            }
        })
        .collect::<String>()
        .to_ascii_lowercase();
    if text.is_empty() {
        return None;
    }
    if ats == 1 {
        return Some(format!("@{text}"));
    }
    // `@@global.x`, `@@session.x`.
    let (scope, name) = match text.split_once('.') {
        Some((s, n))
            if ats == 2
                && matches!(
                    s,
                    "global" | "session" | "local" | "persist" | "persist_only"
                ) =>
        {
            (Some(s.to_ascii_uppercase()), n.to_string())
        }
        _ => (scope, text),
    };
    Some(match scope.as_deref() {
        Some("GLOBAL" | "PERSIST" | "PERSIST_ONLY") => {
            format!(
                "@@{}.{name}",
                scope.unwrap_or_default().to_ascii_lowercase()
            )
        }
        _ => name,
    })
}

/// A value as written: a lone string unquoted, anything else as its text.
fn value_text(toks: &Toks<'_>, a: usize, b: usize) -> String {
    match toks.t.get(a) {
        Some(t) if b == a + 1 && t.kind == TokenKind::String => {
            ast::unquote_string(t.text, Dialect::Mysql)
        }
        _ => collapse(toks.text(a, b)),
    }
}

/// Lexical readings for statements sqlparser rejected.
fn fallback(toks: &Toks<'_>) -> Option<Vec<Action>> {
    if toks.is(0, "CREATE") && (1..4).any(|i| toks.is(i, "INDEX")) {
        return create_index(toks).map(|op| vec![Action { op, offset: 0 }]);
    }
    if toks.is(0, "UPDATE") {
        return multi_table_update(toks);
    }
    if toks.is_any(0, &["CREATE", "ALTER"]) {
        return view(toks).map(|op| vec![Action { op, offset: 0 }]);
    }
    None
}

/// `CREATE|ALTER [OR REPLACE] [ALGORITHM=...] [DEFINER=...] [SQL SECURITY ...] VIEW name
/// [(columns)] AS query` where sqlparser rejects the clauses before VIEW: the view, with
/// the tables its query reads when sqlparser can read the query alone.
fn view(toks: &Toks<'_>) -> Option<Op> {
    let kind_at = (1..toks.len())
        .take_while(|&i| !toks.is(i, "AS"))
        .find(|&i| toks.is(i, "VIEW"))?;
    let (name, mut after) = toks.name(kind_at + 1)?;
    if toks.is_punct(after, b'(') {
        after = toks.close(after)? + 1;
    }
    if !toks.is(after, "AS") {
        return None;
    }
    let query = &toks.sql[toks.start(after + 1)..];
    let tables = match ast::parse_one(query, Dialect::Mysql) {
        Ok(stmt @ sqlparser::ast::Statement::Query(_)) => {
            let query_toks = Toks::new(query, Dialect::Mysql);
            ast::Cx::new(&FLAVOR, &query_toks, query).reads(&stmt)
        }
        _ => Vec::new(),
    };
    Some(Op::CreateObject {
        kind: ObjectKind::View,
        name,
        tables,
        or_replace: toks.is(0, "ALTER") || toks.is(2, "REPLACE"),
    })
}

/// `UPDATE a, b SET ...`, which sqlparser lacks, read as the `UPDATE a CROSS JOIN b SET
/// ...` it means. (The rewrite changes lengths: nothing of an UPDATE is placed by
/// position.)
fn multi_table_update(toks: &Toks<'_>) -> Option<Vec<Action>> {
    let set = toks.find_top(1, &["SET"])?;
    let commas: Vec<usize> = toks
        .split_commas(1, set)
        .iter()
        .skip(1)
        .map(|&(a, _)| a - 1)
        .collect();
    if commas.is_empty() {
        return None;
    }
    let mut rewritten = String::with_capacity(toks.sql.len() + 16 * commas.len());
    let mut from = 0;
    for c in commas {
        let t = toks.t[c];
        rewritten.push_str(&toks.sql[from..t.start]);
        rewritten.push_str(" CROSS JOIN ");
        from = t.end();
    }
    rewritten.push_str(&toks.sql[from..]);
    let stmt = ast::parse_one(&rewritten, Dialect::Mysql).ok()?;
    let rewritten_toks = Toks::new(&rewritten, Dialect::Mysql);
    ast::Cx::new(&FLAVOR, &rewritten_toks, &rewritten)
        .statement(&stmt)
        .ok()
}

/// `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX [IF NOT EXISTS] name [USING x] ON t (cols)`.
fn create_index(toks: &Toks<'_>) -> Option<Op> {
    let index = (1..4).find(|&i| toks.is(i, "INDEX"))?;
    let unique = (1..index).any(|i| toks.is(i, "UNIQUE"));
    let (if_not_exists, i) = toks.if_exists(index + 1);
    let (name, after) = toks.name(i)?;
    let on = (after..toks.len()).find(|&k| toks.is(k, "ON"))?;
    let (table, after_table) = toks.name(on + 1)?;
    let open = (after_table..toks.len()).find(|&k| toks.is_punct(k, b'('))?;
    let close = toks.close(open)?;
    let columns = toks
        .split_commas(open + 1, close)
        .into_iter()
        .map(|(a, b)| match toks.t[a].kind {
            TokenKind::QuotedIdent if b == a + 1 => ast::unquote_ident(toks.t[a].text),
            _ if b == a + 1 => toks.t[a].text.to_string(),
            // `a DESC`, `a(10)`: the column as written.
            _ => collapse(toks.text(a, b)),
        })
        .collect();
    Some(Op::CreateIndex(IndexDef {
        name: Some(name),
        table,
        columns,
        unique,
        concurrently: false,
        if_not_exists,
        predicate: None,
    }))
}

// ---------------------------------------------------------------------------------------
// ALTER TABLE sub-commands

/// Table options and partition maintenance: what `ALTER TABLE` changes besides columns,
/// indexes and constraints. All are read as [`Op::AlterTableOther`], which the effects judge a table copy.
const TABLE_OPTIONS: &[&str] = &[
    "ENGINE",
    "ROW_FORMAT",
    "CONVERT",
    "DEFAULT",
    "CHARACTER",
    "CHARSET",
    "COLLATE",
    "COMMENT",
    "AUTO_INCREMENT",
    "KEY_BLOCK_SIZE",
    "AVG_ROW_LENGTH",
    "MAX_ROWS",
    "MIN_ROWS",
    "PACK_KEYS",
    "CHECKSUM",
    "PAGE_CHECKSUM",
    "DELAY_KEY_WRITE",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "ENCRYPTION",
    "ENCRYPTED",
    "ENCRYPTION_KEY_ID",
    "COMPRESSION",
    "PAGE_COMPRESSED",
    "PAGE_COMPRESSION_LEVEL",
    "TABLESPACE",
    "DATA",
    "INDEX",
    "INSERT_METHOD",
    "UNION",
    "TRANSACTIONAL",
    "FORCE",
    "ORDER",
    "DISABLE",
    "ENABLE",
    "DISCARD",
    "IMPORT",
    "PARTITION",
    "REMOVE",
    "COALESCE",
    "REORGANIZE",
    "EXCHANGE",
    "ANALYZE",
    "CHECK",
    "OPTIMIZE",
    "REBUILD",
    "REPAIR",
    "TRUNCATE",
    "WITH",
    "WITHOUT",
    "UPGRADE",
    "SECONDARY_ENGINE",
    "SECONDARY_LOAD",
    "SECONDARY_UNLOAD",
    "AUTOEXTEND_SIZE",
    "IETF_QUOTES",
    "SEQUENCE",
];

/// ALTER TABLE sub-commands read lexically (`None`: sqlparser reads it).
fn alter_segment(seg: &Segment<'_>) -> Option<ast::SegmentOps> {
    let toks = seg.toks;
    let s = seg.start;
    let table = || seg.table.clone();
    let other = || {
        Some(Ok(vec![Op::AlterTableOther {
            table: table(),
            description: collapse(seg.text()),
        }]))
    };
    let first = toks.word(s)?;
    let second = toks.word(s + 1).unwrap_or_default();
    match first.as_str() {
        "DROP" => match second.as_str() {
            "INDEX" | "KEY" => {
                let (if_exists, i) = toks.if_exists(s + 2);
                let (name, _) = toks.name(i)?;
                Some(Ok(vec![drop_index(name, Some(table()), if_exists)]))
            }
            "CHECK" | "CONSTRAINT" | "FOREIGN" => {
                let start = if second == "FOREIGN" { s + 3 } else { s + 2 };
                let (if_exists, i) = toks.if_exists(start);
                let (name, _) = toks.name(i)?;
                Some(Ok(vec![Op::DropConstraint {
                    table: table(),
                    name: name.name,
                    if_exists,
                    cascade: false,
                }]))
            }
            "PRIMARY" => Some(Ok(vec![drop_primary(table())])),
            // Dropping a partition drops its rows.
            "PARTITION" => other(),
            _ => None,
        },
        "RENAME" => match second.as_str() {
            "INDEX" | "KEY" => {
                let (name, after) = toks.name(s + 2)?;
                if !toks.is(after, "TO") {
                    return None;
                }
                let (to, _) = toks.name(after + 1)?;
                Some(Ok(vec![Op::RenameObject {
                    kind: ObjectKind::Index,
                    name,
                    to,
                }]))
            }
            "COLUMN" | "TO" | "AS" => None,
            // `RENAME new_name`: TO and AS are optional in MySQL.
            _ => {
                let (to, after) = toks.name(s + 1)?;
                (after == seg.end).then(|| Ok(vec![Op::RenameTable { table: table(), to }]))
            }
        },
        // `ALTER INDEX i [IN]VISIBLE`, `ALTER [COLUMN] c SET [IN]VISIBLE`,
        // `ALTER CHECK c [NOT] ENFORCED`: metadata sqlparser does not know.
        "ALTER"
            if second == "INDEX"
                || second == "CHECK"
                || second == "CONSTRAINT"
                || toks.is_any(seg.end - 1, &["VISIBLE", "INVISIBLE", "ENFORCED"]) =>
        {
            other()
        }
        "ADD" if second == "PARTITION" => other(),
        // `ADD [COLUMN] (a INT, b INT)`: several columns, each parsed on its own.
        "ADD"
            if toks.is_punct(s + 1, b'(') || (second == "COLUMN" && toks.is_punct(s + 2, b'(')) =>
        {
            let open = if toks.is_punct(s + 1, b'(') {
                s + 1
            } else {
                s + 2
            };
            let close = toks.close(open)?;
            let mut ops = Vec::new();
            for (a, b) in toks.split_commas(open + 1, close) {
                let piece = Segment {
                    start: a,
                    end: b,
                    ..*seg
                };
                match ast::parse_segment_as(&piece, &FLAVOR, "ADD COLUMN ") {
                    Ok(more) => ops.extend(more),
                    Err(e) => return Some(Err(e)),
                }
            }
            Some(Ok(ops))
        }
        "DEFAULT" if !toks.is_any(s + 1, &["CHARSET", "CHARACTER", "COLLATE"]) => None,
        _ if TABLE_OPTIONS.contains(&first.as_str()) => other(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Types and rewrites

/// Canonical MySQL type names: `int` (integer, int4), `bigint`, `smallint`, `tinyint` (also
/// bool), `mediumint`, `numeric` (decimal, dec, fixed; default precision 10, scale 0),
/// `double precision` (double, real), `float`, `varchar`, `char` (default length 1),
/// `text`..., with ` unsigned` appended to unsigned numbers. Integer display widths
/// (`int(11)`) are dropped: they change nothing stored.
fn canonical(t: &TypeText) -> (String, Vec<String>) {
    const MODIFIERS: &[&str] = &[
        "unsigned", "signed", "zerofill", "binary", "ascii", "unicode", "byte",
    ];
    let words: Vec<&str> = t
        .words
        .iter()
        .enumerate()
        .filter(|(k, w)| *k == 0 || !MODIFIERS.contains(&w.as_str()))
        .map(|(_, w)| w.as_str())
        .collect();
    let unsigned = t.words.iter().chain(&t.trailing).any(|w| w == "unsigned");
    let base = words.join(" ");
    let mut args = t.args.clone();
    let name = match base.as_str() {
        "int" | "integer" | "int4" => "int",
        "bigint" | "int8" => "bigint",
        "smallint" | "int2" => "smallint",
        "tinyint" | "int1" | "bool" | "boolean" => "tinyint",
        "mediumint" | "int3" | "middleint" => "mediumint",
        "serial" => "bigint unsigned",
        "decimal" | "dec" | "numeric" | "fixed" => "numeric",
        "double" | "double precision" | "real" | "float8" => "double precision",
        "float" | "float4" => "float",
        "varchar"
        | "character varying"
        | "char varying"
        | "nvarchar"
        | "national varchar"
        | "national character varying"
        | "national char varying"
        | "nchar varchar"
        | "nchar varying"
        | "varcharacter" => "varchar",
        "char" | "character" | "nchar" | "national char" | "national character" => "char",
        "long" | "long varchar" => "mediumtext",
        "long varbinary" => "mediumblob",
        _ => "",
    };
    let mut name = if name.is_empty() {
        base.clone()
    } else {
        name.to_string()
    };
    let integer = matches!(
        name.as_str(),
        "int" | "bigint" | "smallint" | "tinyint" | "mediumint" | "bigint unsigned"
    );
    if integer {
        args.clear();
    }
    if name == "numeric" {
        match args.len() {
            0 => args = vec!["10".into(), "0".into()],
            1 => args.push("0".into()),
            _ => {}
        }
    }
    if name == "char" && args.is_empty() {
        args.push("1".into());
    }
    let numeric = integer || matches!(name.as_str(), "numeric" | "double precision" | "float");
    if unsigned && numeric && !name.ends_with(" unsigned") {
        name.push_str(" unsigned");
    }
    (name, args)
}

/// Blanks what sqlparser's MySQL grammar lacks: legacy column attributes after a type
/// (`varchar(255) binary`, `ascii`, `unicode`), MariaDB's `PERSISTENT` (written as
/// `STORED`), index options (`VISIBLE`, `WITH PARSER`) and a CREATE TABLE's table options,
/// which no fact depends on; joins the words of `LONG VARCHAR` and `NATIONAL VARCHAR`.
fn normalize(toks: &Toks<'_>, flavor: &Flavor) -> Option<String> {
    let mut buf = toks.sql.as_bytes().to_vec();
    let mut changed = false;
    for span in ast::column_types(toks, flavor.type_stop) {
        // `LONG VARCHAR`, `NATIONAL VARCHAR(10)`: one word for sqlparser (the type itself
        // is read from the text).
        if span
            .words
            .first()
            .is_some_and(|&k| toks.is_any(k, &["LONG", "NATIONAL"]))
        {
            for pair in span.words.windows(2) {
                let (a, b) = (toks.t[pair[0]], toks.t[pair[1]]);
                let gap = &mut buf[a.end()..b.start];
                if gap.iter().all(|c| c.is_ascii_whitespace()) {
                    gap.fill(b'_');
                    changed = true;
                }
            }
        }
        for &k in span.words.iter().skip(1).chain(&span.trailing) {
            if toks.is_any(k, &["BINARY", "ASCII", "UNICODE", "BYTE"]) {
                let t = toks.t[k];
                blank(&mut buf, t.start, t.end());
                changed = true;
            }
        }
    }
    for k in 1..toks.len() {
        // Index options sqlparser lacks: `(a) VISIBLE`, `(a) INVISIBLE`, `(a) WITH PARSER x`
        // (not a column named so: that follows `(` or `,`).
        let after_column_start = toks.is_punct(k - 1, b'(') || toks.is_punct(k - 1, b',');
        let ends_element =
            k + 1 >= toks.len() || toks.is_punct(k + 1, b',') || toks.is_punct(k + 1, b')');
        if toks.is_any(k, &["VISIBLE", "INVISIBLE"]) && !after_column_start && ends_element {
            let t = toks.t[k];
            blank(&mut buf, t.start, t.end());
            changed = true;
        }
        if toks.is(k, "WITH")
            && toks.is(k + 1, "PARSER")
            && toks.is_punct(k - 1, b')')
            && k + 2 < toks.len()
        {
            blank(&mut buf, toks.start(k), toks.t[k + 2].end());
            changed = true;
        }
        if toks.is(k, "PERSISTENT") && toks.is_punct(k - 1, b')') {
            let t = toks.t[k];
            let replacement = b"STORED";
            blank(&mut buf, t.start, t.end());
            buf[t.start..t.start + replacement.len()].copy_from_slice(replacement);
            changed = true;
        }
    }
    if let Some(close) = create_table_options(toks) {
        // From the end of the column list: options may sit in `/*! ... */` comments, which
        // must go whole.
        blank(&mut buf, toks.t[close].end(), toks.sql.len());
        changed = true;
    }
    if !changed {
        return None;
    }
    String::from_utf8(buf).ok()
}

/// The `)` closing a CREATE TABLE's column list, when table options follow it and there is
/// no `AS SELECT`, `SELECT` or `LIKE` among them.
fn create_table_options(toks: &Toks<'_>) -> Option<usize> {
    let table = (1..5).find(|&i| toks.is(i, "TABLE"))?;
    if !toks.is(0, "CREATE") {
        return None;
    }
    let (_, at) = toks.if_exists(table + 1);
    let (_, after) = toks.name(at)?;
    if !toks.is_punct(after, b'(') {
        return None;
    }
    let close = toks.close(after)?;
    let first = close + 1;
    if first >= toks.len()
        || toks
            .find_top(
                first,
                &[
                    "AS", "SELECT", "LIKE", "WITH", "IGNORE", "REPLACE", "VALUES", "TABLE",
                ],
            )
            .is_some()
    {
        return None;
    }
    Some(close)
}

#[cfg(test)]
mod tests {
    use super::super::sqlparser_ast::test_support::*;
    use super::super::{
        Constraint, ConstraintKind, ForeignKey, Generated, IndexDef, Name, ObjectKind,
        OnlineOptions, Op, TransactionOp, Volatility,
    };
    use super::extract;

    use Volatility::{Constant, Stable, Volatile};

    fn index(name: &str, table: Name, columns: &[&str], unique: bool) -> Op {
        Op::CreateIndex(IndexDef {
            name: Some(n(name)),
            table,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique,
            concurrently: false,
            if_not_exists: false,
            predicate: None,
        })
    }

    fn index_def(name: &str, columns: &[&str]) -> IndexDef {
        match index(name, n("t"), columns, false) {
            Op::CreateIndex(def) => def,
            _ => unreachable!(),
        }
    }

    fn constraint(name: Option<&str>, kind: ConstraintKind) -> Constraint {
        Constraint {
            name: name.map(str::to_string),
            kind,
            not_valid: false,
        }
    }

    fn fk(columns: &[&str], table: &str, referred: &[&str], on_delete: Option<&str>) -> ForeignKey {
        ForeignKey {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            table: n(table),
            referred: referred.iter().map(|c| c.to_string()).collect(),
            on_delete: on_delete.map(str::to_string),
        }
    }

    fn create_table(table: Name, columns: Vec<super::super::ColumnDef>) -> Op {
        Op::CreateTable {
            table,
            columns,
            constraints: Vec::new(),
            if_not_exists: false,
            as_query: false,
            temporary: false,
        }
    }

    fn other(description: &str) -> Op {
        Op::Other {
            description: description.into(),
        }
    }

    fn table_other(description: &str) -> Op {
        Op::AlterTableOther {
            table: n("t"),
            description: description.into(),
        }
    }

    fn set(name: &str, value: &str) -> Op {
        Op::SetSetting {
            name: name.into(),
            value: value.into(),
            local: false,
        }
    }

    fn online(sql: &str) -> OnlineOptions {
        read(extract, sql).1
    }

    #[test]
    fn create_table_columns() {
        let sql = "CREATE TABLE IF NOT EXISTS db.users (\n  id bigint(20) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  email varchar(255) NOT NULL UNIQUE,\n  status enum('active','it''s') NOT NULL DEFAULT 'active',\n  created_at datetime DEFAULT CURRENT_TIMESTAMP,\n  token char(36) DEFAULT (uuid()),\n  score DOUBLE DEFAULT (rand()),\n  price decimal(10,2),\n  flag bool,\n  org_id int REFERENCES orgs(id) ON DELETE SET NULL,\n  n INTEGER CHECK (n > 0),\n  full_name varchar(100) AS (concat(first_name, last_name)) STORED,\n  v int GENERATED ALWAYS AS (n + 1) VIRTUAL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
        let columns = vec![
            super::super::ColumnDef {
                not_null: true,
                primary_key: true,
                generated: Some(Generated::Serial),
                ..col("id", ty("bigint unsigned", &[], "bigint(20) unsigned"))
            },
            super::super::ColumnDef {
                not_null: true,
                unique: true,
                ..col("email", ty("varchar", &["255"], "varchar(255)"))
            },
            super::super::ColumnDef {
                not_null: true,
                default: Some(ex("'active'", Constant)),
                ..col(
                    "status",
                    ty("enum", &["active", "it's"], "enum('active','it''s')"),
                )
            },
            super::super::ColumnDef {
                default: Some(ex("CURRENT_TIMESTAMP", Stable)),
                ..col("created_at", ty("datetime", &[], "datetime"))
            },
            super::super::ColumnDef {
                default: Some(ex("(uuid())", Volatile)),
                ..col("token", ty("char", &["36"], "char(36)"))
            },
            super::super::ColumnDef {
                default: Some(ex("(rand())", Volatile)),
                ..col("score", ty("double precision", &[], "DOUBLE"))
            },
            col("price", ty("numeric", &["10", "2"], "decimal(10,2)")),
            col("flag", ty("tinyint", &[], "bool")),
            super::super::ColumnDef {
                references: Some(fk(&[], "orgs", &["id"], Some("set null"))),
                ..col("org_id", ty("int", &[], "int"))
            },
            super::super::ColumnDef {
                check: Some(ex("n > 0", Volatile)),
                ..col("n", ty("int", &[], "INTEGER"))
            },
            super::super::ColumnDef {
                generated: Some(Generated::Stored(ex(
                    "concat(first_name, last_name)",
                    Volatile,
                ))),
                ..col("full_name", ty("varchar", &["100"], "varchar(100)"))
            },
            super::super::ColumnDef {
                generated: Some(Generated::Virtual(ex("n + 1", Volatile))),
                ..col("v", ty("int", &[], "int"))
            },
        ];
        check(
            extract,
            vec![(
                sql,
                vec![(
                    0,
                    Op::CreateTable {
                        table: qn("db", "users"),
                        columns,
                        constraints: Vec::new(),
                        if_not_exists: true,
                        as_query: false,
                        temporary: false,
                    },
                )],
            )],
        );
    }

    #[test]
    fn create_table_constraints_and_inline_indexes() {
        let sql = "CREATE TABLE `t` (\n  `a` int NOT NULL,\n  `b` int,\n  PRIMARY KEY (`a`),\n  KEY `idx_b` (`b`),\n  UNIQUE KEY `uk` (`b`, `a`),\n  INDEX (`a`, `b`),\n  FULLTEXT KEY ft (b),\n  CONSTRAINT `fk_b` FOREIGN KEY (`b`) REFERENCES `u` (`id`) ON DELETE CASCADE,\n  CHECK (a > 0)\n)";
        let table = Op::CreateTable {
            table: n("t"),
            columns: vec![
                super::super::ColumnDef {
                    not_null: true,
                    ..col("a", ty("int", &[], "int"))
                },
                col("b", ty("int", &[], "int")),
            ],
            constraints: vec![
                constraint(
                    None,
                    ConstraintKind::PrimaryKey {
                        columns: vec!["a".into()],
                        using_index: None,
                    },
                ),
                constraint(
                    Some("uk"),
                    ConstraintKind::Unique {
                        columns: vec!["b".into(), "a".into()],
                        using_index: None,
                    },
                ),
                constraint(
                    Some("fk_b"),
                    ConstraintKind::ForeignKey(fk(&["b"], "u", &["id"], Some("cascade"))),
                ),
                constraint(None, ConstraintKind::Check(ex("a > 0", Volatile))),
            ],
            if_not_exists: false,
            as_query: false,
            temporary: false,
        };
        let unnamed = Op::CreateIndex(IndexDef {
            name: None,
            table: n("t"),
            columns: vec!["a".into(), "b".into()],
            unique: false,
            concurrently: false,
            if_not_exists: false,
            predicate: None,
        });
        check(
            extract,
            vec![(
                sql,
                vec![
                    (0, table),
                    (
                        at(sql, "KEY `idx_b`"),
                        index("idx_b", n("t"), &["b"], false),
                    ),
                    (at(sql, "INDEX (`a`"), unnamed),
                    (at(sql, "FULLTEXT"), index("ft", n("t"), &["b"], false)),
                ],
            )],
        );
    }

    #[test]
    fn create_table_variants() {
        let like = "CREATE TEMPORARY TABLE IF NOT EXISTS t2 LIKE db.t";
        let workbench = "CREATE TABLE t (visible INT NOT NULL, UNIQUE INDEX v_uq (visible ASC) VISIBLE, INDEX v (visible) INVISIBLE)";
        let select = "CREATE TABLE t2 AS SELECT a FROM t JOIN u ON t.id = u.id";
        let serial = "CREATE TABLE t (id SERIAL, a int(11) DEFAULT NULL, b tinyint(1) unsigned zerofill, c LONG VARCHAR, d NATIONAL VARCHAR(10))";
        let legacy = "CREATE TABLE /*_*/t (\n a varchar(255) binary NOT NULL default '',\n b int AS (c) PERSISTENT\n) /*$wgDBTableOptions*/ /*!40000 ENGINE=INNODB */ PAGE_CHECKSUM=1";
        check(
            extract,
            vec![
                (
                    like,
                    vec![
                        (
                            0,
                            Op::CreateTable {
                                table: n("t2"),
                                columns: Vec::new(),
                                constraints: Vec::new(),
                                if_not_exists: true,
                                as_query: false,
                                temporary: true,
                            },
                        ),
                        (
                            at(like, "LIKE"),
                            Op::Query {
                                reads: vec![qn("db", "t")],
                            },
                        ),
                    ],
                ),
                (
                    select,
                    vec![
                        (
                            0,
                            Op::CreateTable {
                                table: n("t2"),
                                columns: Vec::new(),
                                constraints: Vec::new(),
                                if_not_exists: false,
                                as_query: true,
                                temporary: false,
                            },
                        ),
                        (
                            at(select, "SELECT"),
                            Op::Query {
                                reads: vec![n("t"), n("u")],
                            },
                        ),
                    ],
                ),
                (
                    serial,
                    vec![(
                        0,
                        create_table(
                            n("t"),
                            vec![
                                super::super::ColumnDef {
                                    not_null: true,
                                    unique: true,
                                    generated: Some(Generated::Serial),
                                    ..col("id", ty("bigint unsigned", &[], "SERIAL"))
                                },
                                super::super::ColumnDef {
                                    default: Some(ex("NULL", Constant)),
                                    ..col("a", ty("int", &[], "int(11)"))
                                },
                                col(
                                    "b",
                                    ty("tinyint unsigned", &[], "tinyint(1) unsigned zerofill"),
                                ),
                                col("c", ty("mediumtext", &[], "LONG VARCHAR")),
                                col("d", ty("varchar", &["10"], "NATIONAL VARCHAR(10)")),
                            ],
                        ),
                    )],
                ),
                (
                    workbench,
                    vec![
                        (
                            0,
                            Op::CreateTable {
                                table: n("t"),
                                columns: vec![super::super::ColumnDef {
                                    not_null: true,
                                    ..col("visible", ty("int", &[], "INT"))
                                }],
                                constraints: vec![constraint(
                                    Some("v_uq"),
                                    ConstraintKind::Unique {
                                        columns: vec!["visible".into()],
                                        using_index: None,
                                    },
                                )],
                                if_not_exists: false,
                                as_query: false,
                                temporary: false,
                            },
                        ),
                        (
                            at(workbench, "INDEX v "),
                            index("v", n("t"), &["visible"], false),
                        ),
                    ],
                ),
                (
                    legacy,
                    vec![(
                        0,
                        create_table(
                            n("t"),
                            vec![
                                super::super::ColumnDef {
                                    not_null: true,
                                    default: Some(ex("''", Constant)),
                                    ..col("a", ty("varchar", &["255"], "varchar(255) binary"))
                                },
                                super::super::ColumnDef {
                                    generated: Some(Generated::Stored(ex("c", Volatile))),
                                    ..col("b", ty("int", &[], "int"))
                                },
                            ],
                        ),
                    )],
                ),
            ],
        );
    }

    #[test]
    fn alter_table_columns() {
        let multi = "ALTER TABLE t\n  ADD COLUMN a int NOT NULL DEFAULT 0 AFTER b,\n  DROP COLUMN c,\n  DROP d";
        check(
            extract,
            vec![
                (
                    "ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0",
                    vec![(
                        14,
                        Op::AddColumn {
                            table: n("t"),
                            column: super::super::ColumnDef {
                                not_null: true,
                                default: Some(ex("0", Constant)),
                                ..col("c", ty("int", &[], "INT"))
                            },
                            if_not_exists: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE db.t ADD c varchar(20) FIRST",
                    vec![(
                        17,
                        Op::AddColumn {
                            table: qn("db", "t"),
                            column: col("c", ty("varchar", &["20"], "varchar(20)")),
                            if_not_exists: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ADD COLUMN IF NOT EXISTS c datetime(6) DEFAULT NOW(6)",
                    vec![(
                        14,
                        Op::AddColumn {
                            table: n("t"),
                            column: super::super::ColumnDef {
                                default: Some(ex("NOW(6)", Stable)),
                                ..col("c", ty("datetime", &["6"], "datetime(6)"))
                            },
                            if_not_exists: true,
                        },
                    )],
                ),
                (
                    multi,
                    vec![
                        (
                            at(multi, "ADD"),
                            Op::AddColumn {
                                table: n("t"),
                                column: super::super::ColumnDef {
                                    not_null: true,
                                    default: Some(ex("0", Constant)),
                                    ..col("a", ty("int", &[], "int"))
                                },
                                if_not_exists: false,
                            },
                        ),
                        (
                            at(multi, "DROP COLUMN"),
                            Op::DropColumn {
                                table: n("t"),
                                column: "c".into(),
                                if_exists: false,
                                cascade: false,
                            },
                        ),
                        (
                            at(multi, "DROP d"),
                            Op::DropColumn {
                                table: n("t"),
                                column: "d".into(),
                                if_exists: false,
                                cascade: false,
                            },
                        ),
                    ],
                ),
                (
                    "ALTER TABLE t DROP COLUMN IF EXISTS c",
                    vec![(
                        14,
                        Op::DropColumn {
                            table: n("t"),
                            column: "c".into(),
                            if_exists: true,
                            cascade: false,
                        },
                    )],
                ),
                (
                    "ALTER TABLE t RENAME COLUMN a TO b",
                    vec![(
                        14,
                        Op::RenameColumn {
                            table: n("t"),
                            column: "a".into(),
                            to: "b".into(),
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ADD (a int, b varchar(10) NOT NULL)",
                    vec![
                        (
                            14,
                            Op::AddColumn {
                                table: n("t"),
                                column: col("a", ty("int", &[], "int")),
                                if_not_exists: false,
                            },
                        ),
                        (
                            14,
                            Op::AddColumn {
                                table: n("t"),
                                column: super::super::ColumnDef {
                                    not_null: true,
                                    ..col("b", ty("varchar", &["10"], "varchar(10)"))
                                },
                                if_not_exists: false,
                            },
                        ),
                    ],
                ),
                (
                    "ALTER TABLE /*_*/t ADD COLUMN c int",
                    vec![(
                        19,
                        Op::AddColumn {
                            table: n("t"),
                            column: col("c", ty("int", &[], "int")),
                            if_not_exists: false,
                        },
                    )],
                ),
                (
                    "ALTER ONLINE IGNORE TABLE t DROP COLUMN c",
                    vec![(
                        28,
                        Op::DropColumn {
                            table: n("t"),
                            column: "c".into(),
                            if_exists: false,
                            cascade: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn alter_table_redefinitions_and_defaults() {
        let change = "ALTER TABLE t CHANGE COLUMN a b varchar(255) BINARY NOT NULL DEFAULT '', MODIFY c bigint(20) unsigned NOT NULL";
        check(
            extract,
            vec![
                (
                    change,
                    vec![
                        (
                            14,
                            Op::RedefineColumn {
                                table: n("t"),
                                column: "a".into(),
                                new: super::super::ColumnDef {
                                    not_null: true,
                                    default: Some(ex("''", Constant)),
                                    ..col("b", ty("varchar", &["255"], "varchar(255) BINARY"))
                                },
                            },
                        ),
                        (
                            at(change, "MODIFY"),
                            Op::RedefineColumn {
                                table: n("t"),
                                column: "c".into(),
                                new: super::super::ColumnDef {
                                    not_null: true,
                                    ..col("c", ty("bigint unsigned", &[], "bigint(20) unsigned"))
                                },
                            },
                        ),
                    ],
                ),
                (
                    "ALTER TABLE t MODIFY COLUMN s enum('a','b','c') NOT NULL DEFAULT 'a'",
                    vec![(
                        14,
                        Op::RedefineColumn {
                            table: n("t"),
                            column: "s".into(),
                            new: super::super::ColumnDef {
                                not_null: true,
                                default: Some(ex("'a'", Constant)),
                                ..col("s", ty("enum", &["a", "b", "c"], "enum('a','b','c')"))
                            },
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ALTER COLUMN c SET DEFAULT 5, ALTER c DROP DEFAULT",
                    vec![
                        (
                            14,
                            Op::SetDefault {
                                table: n("t"),
                                column: "c".into(),
                                default: ex("5", Constant),
                            },
                        ),
                        (
                            44,
                            Op::DropDefault {
                                table: n("t"),
                                column: "c".into(),
                            },
                        ),
                    ],
                ),
            ],
        );
    }

    #[test]
    fn alter_table_indexes_and_constraints() {
        let add = "ALTER TABLE t ADD INDEX idx (a, b), ADD UNIQUE KEY uk (c), ADD FULLTEXT INDEX ft (d), ADD UNIQUE (e)";
        let drop = "ALTER TABLE t DROP INDEX idx, DROP KEY k2, DROP INDEX `PRIMARY`, DROP INDEX IF EXISTS k3";
        let cons = "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) ON DELETE CASCADE, ADD PRIMARY KEY (id), ADD CONSTRAINT ck CHECK (a > 0)";
        let drops = "ALTER TABLE t DROP FOREIGN KEY fk, DROP PRIMARY KEY, DROP CHECK ck, DROP CONSTRAINT c2";
        let drop_constraint = |name: &str| Op::DropConstraint {
            table: n("t"),
            name: name.into(),
            if_exists: false,
            cascade: false,
        };
        let drop_index = |name: &str, if_exists| Op::DropIndex {
            name: n(name),
            table: Some(n("t")),
            concurrently: false,
            if_exists,
        };
        check(
            extract,
            vec![
                (
                    add,
                    vec![
                        (14, index("idx", n("t"), &["a", "b"], false)),
                        (at(add, "ADD UNIQUE KEY"), index("uk", n("t"), &["c"], true)),
                        (at(add, "ADD FULLTEXT"), index("ft", n("t"), &["d"], false)),
                        (
                            at(add, "ADD UNIQUE ("),
                            Op::AddConstraint {
                                table: n("t"),
                                constraint: constraint(
                                    None,
                                    ConstraintKind::Unique {
                                        columns: vec!["e".into()],
                                        using_index: None,
                                    },
                                ),
                            },
                        ),
                    ],
                ),
                (
                    drop,
                    vec![
                        (14, drop_index("idx", false)),
                        (at(drop, "DROP KEY"), drop_index("k2", false)),
                        (at(drop, "DROP INDEX `"), drop_constraint("PRIMARY")),
                        (at(drop, "DROP INDEX IF"), drop_index("k3", true)),
                    ],
                ),
                (
                    cons,
                    vec![
                        (
                            14,
                            Op::AddConstraint {
                                table: n("t"),
                                constraint: constraint(
                                    Some("fk"),
                                    ConstraintKind::ForeignKey(fk(
                                        &["a"],
                                        "u",
                                        &["id"],
                                        Some("cascade"),
                                    )),
                                ),
                            },
                        ),
                        (
                            at(cons, "ADD PRIMARY"),
                            Op::AddConstraint {
                                table: n("t"),
                                constraint: constraint(
                                    None,
                                    ConstraintKind::PrimaryKey {
                                        columns: vec!["id".into()],
                                        using_index: None,
                                    },
                                ),
                            },
                        ),
                        (
                            at(cons, "ADD CONSTRAINT ck"),
                            Op::AddConstraint {
                                table: n("t"),
                                constraint: constraint(
                                    Some("ck"),
                                    ConstraintKind::Check(ex("a > 0", Volatile)),
                                ),
                            },
                        ),
                    ],
                ),
                (
                    drops,
                    vec![
                        (14, drop_constraint("fk")),
                        (at(drops, "DROP PRIMARY"), drop_constraint("PRIMARY")),
                        (at(drops, "DROP CHECK"), drop_constraint("ck")),
                        (at(drops, "DROP CONSTRAINT"), drop_constraint("c2")),
                    ],
                ),
                (
                    "ALTER TABLE t ADD INDEX IF NOT EXISTS i (a)",
                    vec![(
                        14,
                        Op::CreateIndex(IndexDef {
                            if_not_exists: true,
                            ..index_def("i", &["a"])
                        }),
                    )],
                ),
                (
                    "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY IF NOT EXISTS (a) REFERENCES u (id)",
                    vec![(
                        14,
                        Op::AddConstraint {
                            table: n("t"),
                            constraint: constraint(
                                Some("fk"),
                                ConstraintKind::ForeignKey(fk(&["a"], "u", &["id"], None)),
                            ),
                        },
                    )],
                ),
                (
                    "ALTER TABLE t ADD FULLTEXT INDEX ft (title, body(20)) WITH PARSER ngram",
                    vec![(14, index("ft", n("t"), &["title", "body(20)"], false))],
                ),
                (
                    "ALTER TABLE t RENAME INDEX a TO b",
                    vec![(
                        14,
                        Op::RenameObject {
                            kind: ObjectKind::Index,
                            name: n("a"),
                            to: n("b"),
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn alter_table_renames_and_options() {
        let rename = |to: Name| Op::RenameTable { table: n("t"), to };
        let options = "ALTER TABLE t ENGINE=InnoDB, ROW_FORMAT = DYNAMIC";
        check(
            extract,
            vec![
                ("ALTER TABLE t RENAME TO u", vec![(14, rename(n("u")))]),
                (
                    "ALTER TABLE t RENAME AS db.u",
                    vec![(14, rename(qn("db", "u")))],
                ),
                ("ALTER TABLE t RENAME u", vec![(14, rename(n("u")))]),
                (
                    options,
                    vec![
                        (14, table_other("ENGINE=InnoDB")),
                        (
                            at(options, "ROW_FORMAT"),
                            table_other("ROW_FORMAT = DYNAMIC"),
                        ),
                    ],
                ),
                (
                    "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                    vec![(
                        14,
                        table_other("CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
                    )],
                ),
                (
                    "ALTER TABLE t DEFAULT CHARSET=utf8mb4",
                    vec![(14, table_other("DEFAULT CHARSET=utf8mb4"))],
                ),
                (
                    "ALTER TABLE t COMMENT = 'a, b'",
                    vec![(14, table_other("COMMENT = 'a, b'"))],
                ),
                (
                    "ALTER TABLE t AUTO_INCREMENT = 100",
                    vec![(14, table_other("AUTO_INCREMENT = 100"))],
                ),
                ("ALTER TABLE t FORCE", vec![(14, table_other("FORCE"))]),
                (
                    "ALTER TABLE t DROP PARTITION p0",
                    vec![(14, table_other("DROP PARTITION p0"))],
                ),
            ],
        );
    }

    #[test]
    fn online_options() {
        let instant = OnlineOptions {
            algorithm: Some("INSTANT".into()),
            lock: Some("NONE".into()),
        };
        let inplace = OnlineOptions {
            algorithm: Some("INPLACE".into()),
            lock: Some("NONE".into()),
        };
        assert_eq!(
            online("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE"),
            instant
        );
        assert_eq!(
            online("ALTER TABLE t ADD COLUMN c INT, algorithm = instant, lock none"),
            instant
        );
        assert_eq!(
            online("CREATE INDEX i ON t (c) ALGORITHM=INPLACE LOCK=NONE"),
            inplace
        );
        assert_eq!(
            online("DROP INDEX i ON t ALGORITHM INPLACE LOCK=NONE"),
            inplace
        );
        assert_eq!(
            online("ALTER TABLE t ADD COLUMN c INT, LOCK=SHARED"),
            OnlineOptions {
                algorithm: None,
                lock: Some("SHARED".into())
            }
        );
        assert_eq!(
            online("ALTER TABLE t ADD COLUMN c INT"),
            OnlineOptions::default()
        );
        // The ALTER TABLE itself is all that is left.
        let (actions, _) = read(extract, "ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT");
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn indexes() {
        let drop_index = |table| Op::DropIndex {
            name: n("i"),
            table,
            concurrently: false,
            if_exists: false,
        };
        check(
            extract,
            vec![
                (
                    "CREATE INDEX i ON t (a)",
                    vec![(0, index("i", n("t"), &["a"], false))],
                ),
                (
                    "CREATE UNIQUE INDEX i USING BTREE ON db.t (a(10), b DESC) ALGORITHM=INPLACE",
                    vec![(0, index("i", qn("db", "t"), &["a(10)", "b"], true))],
                ),
                (
                    "CREATE FULLTEXT INDEX i ON t (body)",
                    vec![(0, index("i", n("t"), &["body"], false))],
                ),
                (
                    "CREATE INDEX /*i*/i ON /*_*/t (a, b)",
                    vec![(0, index("i", n("t"), &["a", "b"], false))],
                ),
                ("DROP INDEX i ON t", vec![(0, drop_index(Some(n("t"))))]),
                (
                    "DROP INDEX i ON t LOCK=NONE",
                    vec![(0, drop_index(Some(n("t"))))],
                ),
                (
                    "DROP INDEX `PRIMARY` ON t",
                    vec![(
                        0,
                        Op::DropConstraint {
                            table: n("t"),
                            name: "PRIMARY".into(),
                            if_exists: false,
                            cascade: false,
                        },
                    )],
                ),
            ],
        );
    }

    #[test]
    fn drops_renames_truncates() {
        let multi = "DROP TABLE IF EXISTS a, db.b";
        let rename = "RENAME TABLE a TO b, c TO d";
        let drop_table = |table, if_exists| Op::DropTable {
            table,
            if_exists,
            cascade: false,
        };
        let drop = |kind, name, if_exists| Op::DropObject {
            kind,
            name,
            if_exists,
            cascade: false,
        };
        check(
            extract,
            vec![
                ("DROP TABLE t", vec![(0, drop_table(n("t"), false))]),
                (
                    multi,
                    vec![
                        (at(multi, "a,"), drop_table(n("a"), true)),
                        (at(multi, "db.b"), drop_table(qn("db", "b"), true)),
                    ],
                ),
                (
                    "DROP TEMPORARY TABLE IF EXISTS t",
                    vec![(0, drop_table(n("t"), true))],
                ),
                (
                    "RENAME TABLE a TO b",
                    vec![(
                        0,
                        Op::RenameTable {
                            table: n("a"),
                            to: n("b"),
                        },
                    )],
                ),
                (
                    rename,
                    vec![
                        (
                            13,
                            Op::RenameTable {
                                table: n("a"),
                                to: n("b"),
                            },
                        ),
                        (
                            21,
                            Op::RenameTable {
                                table: n("c"),
                                to: n("d"),
                            },
                        ),
                    ],
                ),
                (
                    "TRUNCATE TABLE t",
                    vec![(
                        0,
                        Op::Truncate {
                            table: n("t"),
                            cascade: false,
                        },
                    )],
                ),
                (
                    "TRUNCATE db.t",
                    vec![(
                        0,
                        Op::Truncate {
                            table: qn("db", "t"),
                            cascade: false,
                        },
                    )],
                ),
                (
                    "DROP DATABASE IF EXISTS d",
                    vec![(0, drop(ObjectKind::Database, n("d"), true))],
                ),
                (
                    "DROP SCHEMA d",
                    vec![(0, drop(ObjectKind::Database, n("d"), false))],
                ),
                (
                    "DROP VIEW v",
                    vec![(0, drop(ObjectKind::View, n("v"), false))],
                ),
                (
                    "DROP TRIGGER IF EXISTS db.tr",
                    vec![(0, drop(ObjectKind::Trigger, qn("db", "tr"), true))],
                ),
                (
                    "DROP PROCEDURE IF EXISTS p",
                    vec![(0, drop(ObjectKind::Procedure, n("p"), true))],
                ),
                (
                    "DROP FUNCTION f",
                    vec![(0, drop(ObjectKind::Function, n("f"), false))],
                ),
                (
                    "DROP EVENT IF EXISTS e",
                    vec![(0, drop(ObjectKind::Event, n("e"), true))],
                ),
            ],
        );
    }

    #[test]
    fn created_objects() {
        let create = |kind, name, tables, or_replace| Op::CreateObject {
            kind,
            name,
            tables,
            or_replace,
        };
        check(
            extract,
            vec![
                (
                    "CREATE OR REPLACE VIEW v AS SELECT a FROM t JOIN u ON t.id = u.id",
                    vec![(
                        0,
                        create(ObjectKind::View, n("v"), vec![n("t"), n("u")], true),
                    )],
                ),
                (
                    "CREATE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW db.v AS SELECT * FROM t",
                    vec![(
                        0,
                        create(ObjectKind::View, qn("db", "v"), vec![n("t")], false),
                    )],
                ),
                (
                    "ALTER ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v (a) AS SELECT a FROM t",
                    vec![(0, create(ObjectKind::View, n("v"), vec![n("t")], true))],
                ),
                (
                    "ALTER VIEW v AS SELECT * FROM t",
                    vec![(0, create(ObjectKind::View, n("v"), vec![n("t")], true))],
                ),
                (
                    "CREATE SEQUENCE s",
                    vec![(0, create(ObjectKind::Sequence, n("s"), vec![], false))],
                ),
                (
                    "CREATE EVENT IF NOT EXISTS e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t",
                    vec![(0, create(ObjectKind::Event, n("e"), vec![], false))],
                ),
                (
                    "CREATE DATABASE IF NOT EXISTS d CHARACTER SET utf8mb4",
                    vec![(0, create(ObjectKind::Database, n("d"), vec![], false))],
                ),
                (
                    "CREATE SCHEMA d",
                    vec![(0, create(ObjectKind::Database, n("d"), vec![], false))],
                ),
                (
                    "CREATE DEFINER=`root`@`%` TRIGGER tr BEFORE UPDATE ON db.t FOR EACH ROW BEGIN\n  IF NEW.a IS NULL THEN SET NEW.a = 1; END IF;\nEND",
                    vec![(
                        0,
                        create(ObjectKind::Trigger, n("tr"), vec![qn("db", "t")], false),
                    )],
                ),
                (
                    "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (NEW.id)",
                    vec![(0, create(ObjectKind::Trigger, n("tr"), vec![n("t")], false))],
                ),
                (
                    "CREATE PROCEDURE p(IN x INT)\nBEGIN\n  SELECT x;\nEND",
                    vec![(0, create(ObjectKind::Procedure, n("p"), vec![], false))],
                ),
                (
                    "CREATE OR REPLACE DEFINER = CURRENT_USER FUNCTION IF NOT EXISTS db.f(a INT) RETURNS INT DETERMINISTIC RETURN a + 1",
                    vec![(0, create(ObjectKind::Function, qn("db", "f"), vec![], true))],
                ),
            ],
        );
    }

    #[test]
    fn data_changes() {
        let insert_select = "INSERT INTO t (a) SELECT a FROM u WHERE b IN (SELECT b FROM v)";
        let insert = |table, from_query| Op::Insert { table, from_query };
        check(
            extract,
            vec![
                (
                    "INSERT INTO t VALUES (1, 'a')",
                    vec![(0, insert(n("t"), false))],
                ),
                (
                    "INSERT IGNORE INTO db.t (a) VALUES (1)",
                    vec![(0, insert(qn("db", "t"), false))],
                ),
                (
                    "REPLACE INTO t VALUES (1)",
                    vec![(0, insert(n("t"), false))],
                ),
                ("INSERT INTO t SET a = 1", vec![(0, insert(n("t"), false))]),
                (
                    "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 2",
                    vec![(0, insert(n("t"), false))],
                ),
                (
                    insert_select,
                    vec![
                        (0, insert(n("t"), true)),
                        (
                            at(insert_select, "SELECT"),
                            Op::Query {
                                reads: vec![n("u"), n("v")],
                            },
                        ),
                    ],
                ),
                (
                    "LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE t FIELDS TERMINATED BY ','",
                    vec![(0, insert(n("t"), false))],
                ),
                (
                    "UPDATE t SET a = 1, b = NOW(), c = UUID(), d = e + 1 WHERE id = 5",
                    vec![(
                        0,
                        Op::Update {
                            table: n("t"),
                            assignments: vec![
                                ("a".into(), ex("1", Constant)),
                                ("b".into(), ex("NOW()", Stable)),
                                ("c".into(), ex("UUID()", Volatile)),
                                ("d".into(), ex("e + 1", Volatile)),
                            ],
                            filter: Some(ex("id = 5", Volatile)),
                            reads: vec![],
                        },
                    )],
                ),
                (
                    "UPDATE t SET a = lower('X') ORDER BY id LIMIT 100",
                    vec![(
                        0,
                        Op::Update {
                            table: n("t"),
                            assignments: vec![("a".into(), ex("lower('X')", Constant))],
                            filter: None,
                            reads: vec![],
                        },
                    )],
                ),
                (
                    "UPDATE a JOIN b ON a.id = b.id SET a.x = b.y WHERE a.q IN (SELECT q FROM c)",
                    vec![(
                        0,
                        Op::Update {
                            table: n("a"),
                            assignments: vec![("x".into(), ex("b.y", Volatile))],
                            filter: Some(ex("a.q IN (SELECT q FROM c)", Volatile)),
                            reads: vec![n("b"), n("c")],
                        },
                    )],
                ),
                (
                    "UPDATE Threads, Posts SET Threads.DeleteAt = Posts.DeleteAt WHERE Posts.Id = Threads.PostId",
                    vec![(
                        0,
                        Op::Update {
                            table: n("Threads"),
                            assignments: vec![("DeleteAt".into(), ex("Posts.DeleteAt", Volatile))],
                            filter: Some(ex("Posts.Id = Threads.PostId", Volatile)),
                            reads: vec![n("Posts")],
                        },
                    )],
                ),
                (
                    "DELETE FROM t",
                    vec![(
                        0,
                        Op::Delete {
                            table: n("t"),
                            filter: None,
                        },
                    )],
                ),
                (
                    "DELETE FROM t WHERE created < NOW() - INTERVAL 30 DAY LIMIT 1000",
                    vec![(
                        0,
                        Op::Delete {
                            table: n("t"),
                            filter: Some(ex("created < NOW() - INTERVAL 30 DAY", Volatile)),
                        },
                    )],
                ),
                (
                    "DELETE t1 FROM table1 AS t1 JOIN table2 t2 ON t1.id = t2.id WHERE t2.x = 1",
                    vec![
                        (
                            0,
                            Op::Delete {
                                table: n("table1"),
                                filter: Some(ex("t2.x = 1", Volatile)),
                            },
                        ),
                        (
                            0,
                            Op::Query {
                                reads: vec![n("table2")],
                            },
                        ),
                    ],
                ),
                (
                    "SELECT * FROM t WHERE a IN (SELECT b FROM db.u)",
                    vec![(
                        0,
                        Op::Query {
                            reads: vec![n("t"), qn("db", "u")],
                        },
                    )],
                ),
                (
                    "WITH x AS (SELECT * FROM t) SELECT * FROM x",
                    vec![(
                        0,
                        Op::Query {
                            reads: vec![n("t")],
                        },
                    )],
                ),
                ("SELECT 1", vec![(0, Op::Query { reads: vec![] })]),
                ("SELECT 1 FROM DUAL", vec![(0, Op::Query { reads: vec![] })]),
                (
                    "EXPLAIN ANALYZE DELETE FROM t WHERE a = 1",
                    vec![(
                        0,
                        Op::Delete {
                            table: n("t"),
                            filter: Some(ex("a = 1", Volatile)),
                        },
                    )],
                ),
                (
                    "EXPLAIN SELECT * FROM t",
                    vec![(0, Op::Query { reads: vec![] })],
                ),
                (
                    "WITH old AS (SELECT id FROM u WHERE x < 5) DELETE FROM t WHERE id IN (SELECT id FROM old)",
                    vec![
                        (
                            0,
                            Op::Delete {
                                table: n("t"),
                                filter: Some(ex("id IN (SELECT id FROM old)", Volatile)),
                            },
                        ),
                        (
                            0,
                            Op::Query {
                                reads: vec![n("u")],
                            },
                        ),
                    ],
                ),
            ],
        );
    }

    #[test]
    fn session_and_transactions() {
        let multi =
            "SET @@session.sql_mode = 'STRICT_ALL_TABLES', GLOBAL max_connections = 10, @x := 5";
        let tx = |control| Op::Transaction { control };
        let dump =
            "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */";
        check(
            extract,
            vec![
                (
                    "SET foreign_key_checks = 0",
                    vec![(0, set("foreign_key_checks", "0"))],
                ),
                (
                    "SET SESSION FOREIGN_KEY_CHECKS = 1",
                    vec![(0, set("foreign_key_checks", "1"))],
                ),
                (
                    "SET @@foreign_key_checks = OFF",
                    vec![(0, set("foreign_key_checks", "OFF"))],
                ),
                (
                    multi,
                    vec![
                        (4, set("sql_mode", "STRICT_ALL_TABLES")),
                        (at(multi, "GLOBAL"), set("@@global.max_connections", "10")),
                        (at(multi, "@x"), set("@x", "5")),
                    ],
                ),
                (
                    "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
                    vec![(0, set("names", "utf8mb4 COLLATE utf8mb4_unicode_ci"))],
                ),
                ("SET NAMES 'utf8'", vec![(0, set("names", "utf8"))]),
                (
                    "SET CHARACTER SET utf8",
                    vec![(0, set("character set", "utf8"))],
                ),
                (
                    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                    vec![(0, set("transaction", "ISOLATION LEVEL READ COMMITTED"))],
                ),
                (
                    "/*!40101 SET NAMES utf8 */",
                    vec![(0, set("names", "utf8"))],
                ),
                (
                    dump,
                    vec![
                        (
                            at(dump, "@OLD"),
                            set("@old_foreign_key_checks", "@@FOREIGN_KEY_CHECKS"),
                        ),
                        (at(dump, " FOREIGN") + 1, set("foreign_key_checks", "0")),
                    ],
                ),
                (
                    "SET @sql = (SELECT IF(1, 'ALTER TABLE t ADD c INT', 'SELECT 1'))",
                    vec![(
                        0,
                        set(
                            "@sql",
                            "(SELECT IF(1, 'ALTER TABLE t ADD c INT', 'SELECT 1'))",
                        ),
                    )],
                ),
                ("START TRANSACTION", vec![(0, tx(TransactionOp::Begin))]),
                ("BEGIN", vec![(0, tx(TransactionOp::Begin))]),
                ("BEGIN WORK", vec![(0, tx(TransactionOp::Begin))]),
                ("COMMIT", vec![(0, tx(TransactionOp::Commit))]),
                ("ROLLBACK", vec![(0, tx(TransactionOp::Rollback))]),
                ("SAVEPOINT s", vec![(0, tx(TransactionOp::Savepoint))]),
                (
                    "ROLLBACK TO SAVEPOINT s",
                    vec![(0, tx(TransactionOp::Savepoint))],
                ),
                (
                    "RELEASE SAVEPOINT s",
                    vec![(0, tx(TransactionOp::Savepoint))],
                ),
                (
                    "LOCK TABLES t WRITE, u READ",
                    vec![(0, other("LOCK TABLES"))],
                ),
                ("UNLOCK TABLES", vec![(0, other("UNLOCK TABLES"))]),
                ("USE mydb", vec![(0, other("USE mydb"))]),
                ("GRANT SELECT ON db.* TO 'u'@'%'", vec![(0, other("GRANT"))]),
                (
                    "REVOKE SELECT ON db.* FROM 'u'@'%'",
                    vec![(0, other("REVOKE"))],
                ),
                ("ANALYZE TABLE t", vec![(0, other("ANALYZE TABLE t"))]),
                (
                    "OPTIMIZE TABLE t, db.u",
                    vec![(
                        0,
                        other("OPTIMIZE TABLE t, db.u: rebuilds each table and its indexes"),
                    )],
                ),
                ("FLUSH PRIVILEGES", vec![(0, other("FLUSH"))]),
            ],
        );
    }

    #[test]
    fn unknowable_statements() {
        let unknown = |sql: &str, words: &str| {
            let (actions, _) = read(extract, sql);
            match actions.as_slice() {
                [(0, Op::Unknown { reason })] => {
                    assert!(reason.contains(words), "`{sql}`: {reason}")
                }
                other => panic!("`{sql}`: {other:?}"),
            }
        };
        unknown("PREPARE stmt FROM @sql", "dynamic SQL");
        unknown("PREPARE stmt FROM 'ALTER TABLE t ADD c INT'", "dynamic SQL");
        unknown("EXECUTE stmt", "dynamic SQL");
        unknown("EXECUTE stmt USING @a", "dynamic SQL");
        unknown("CALL migrate_users(1)", "CALL");
        unknown(
            "BEGIN NOT ATOMIC\n  DECLARE x INT;\n  SELECT 1;\nEND",
            "NOT ATOMIC",
        );
        unknown("DO RELEASE_LOCK('x')", "DO");
        check(
            extract,
            vec![
                (
                    "DEALLOCATE PREPARE stmt",
                    vec![(0, other("DEALLOCATE PREPARE"))],
                ),
                ("DROP PREPARE stmt", vec![(0, other("DEALLOCATE PREPARE"))]),
                ("-- nothing but a comment", vec![]),
            ],
        );
    }

    #[test]
    fn positions_survive_unicode_tabs_and_line_breaks() {
        let sql = "CREATE TABLE `tä` (\r\n\t`näme` varchar(10) DEFAULT 'a\nb', -- é\r\n\tü /* 🦀 */ DECIMAL(5, 1) UNSIGNED,\r\n\tKEY ï (ü)\r\n)";
        let (actions, _) = read(extract, sql);
        let [
            (0, Op::CreateTable { columns, .. }),
            (k, Op::CreateIndex(_)),
        ] = actions.as_slice()
        else {
            panic!("{actions:?}")
        };
        assert_eq!(*k, at(sql, "KEY"));
        let types: Vec<(&str, &str, &str)> = columns
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.data_type.name.as_str(),
                    c.data_type.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            types,
            [
                ("näme", "varchar", "varchar(10)"),
                ("ü", "numeric unsigned", "DECIMAL(5, 1) UNSIGNED")
            ]
        );
        let alter = "ALTER TABLE `tä`\n\t-- ß\n\tADD COLUMN `ö` TEXT,\n\tDROP COLUMN `ñ`";
        let (actions, _) = read(extract, alter);
        let offsets: Vec<usize> = actions.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [at(alter, "ADD"), at(alter, "DROP")]);
    }

    #[test]
    fn errors_say_what_was_not_read() {
        let err = |sql: &str| match extract(sql) {
            Ok(r) => panic!("`{sql}` was read: {r:?}"),
            Err(e) => e,
        };
        let e = err("ALTER TABLE t FROBNICATE x, ADD COLUMN c INT");
        assert!(e.contains("`FROBNICATE x`"), "{e}");
        assert!(err("SELEKT 1").starts_with("ratchet could not read this statement"));
        assert!(err("CREATE TABLE (").starts_with("ratchet could not read"));
        assert!(err("ALTER TABLE").contains("ALTER TABLE"));
        assert!(err("UPDATE SET").starts_with("ratchet could not read"));
        let deep = format!("SELECT {}1", "- ".repeat(5000));
        assert!(err(&deep).contains("levels deep"));
    }
}
