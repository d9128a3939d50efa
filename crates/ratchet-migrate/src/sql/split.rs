//! Splitting a migration file into statements, per dialect, the way each engine's own
//! client does it (psql, the mysql client, the sqlite3 shell).
//!
//! The splitter is a hand-written lexer, not a parser: it must split files a parser would
//! reject, and `DELIMITER` is a client command no server grammar knows. Beyond quotes and
//! comments, it follows each client's rules for where a `;` does not end a statement:
//!
//! - PostgreSQL (like psql): inside parentheses, and inside the `BEGIN ... END` of a
//!   `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (SQL-standard `BEGIN ATOMIC` bodies).
//! - MySQL/MariaDB: inside the `BEGIN ... END` of a trigger, procedure, function or event
//!   (or its bare `IF ... END IF` / loop body), and of a MariaDB `BEGIN NOT ATOMIC` block;
//!   and everywhere after a `DELIMITER` command until `DELIMITER ;`.
//! - SQLite (like `sqlite3_complete`): inside `CREATE TRIGGER`, until a `;` that follows a
//!   lone `END`.

use std::iter::Peekable;

use super::lexer::{self, Lexer, Rules, Significant, Token, TokenKind};
use super::{Dialect, Statement};

/// A file that cannot be split: an unterminated string, comment, quoted identifier,
/// dollar-quoted body or BEGIN ... END block (or bare MySQL IF/loop body, or SQLite trigger
/// body), an unclosed parenthesis (PostgreSQL, where psql would read on to the end of the
/// file), or a MySQL `DELIMITER` without an argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SplitError {
    /// 1-based line where the unterminated construct starts.
    pub line: u32,
    /// 1-based column where it starts.
    pub column: u32,
    /// What is unterminated and what to do.
    pub message: String,
}

/// Splits `text` into statements. Lines and columns are 1-based within `text`.
///
/// Each statement's `sql` runs from its first token (leading whitespace and comments
/// dropped) to just before its delimiter, with trailing whitespace trimmed; comments inside
/// or after the last token are kept, so a statement may end in a `--` comment. Empty
/// statements are skipped; a last statement without a delimiter counts.
pub fn split(text: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    Splitter::new(text, dialect).run()
}

/// 1-based line and column of a byte offset, found by walking forward from the last one
/// asked for, so that positions asked in order cost linear time overall.
struct Position<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    column: u32,
}

impl Position<'_> {
    fn at(&mut self, target: usize) -> (u32, u32) {
        let target = target.min(self.bytes.len());
        if target < self.pos {
            self.pos = 0;
            self.line = 1;
            self.column = 1;
        }
        for &b in &self.bytes[self.pos..target] {
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count chars, not bytes: continuation bytes add nothing.
                self.column = self.column.saturating_add(1);
            }
        }
        self.pos = target;
        (self.line, self.column)
    }
}

/// The statement being read: where it started and the nesting that keeps a `;` from
/// ending it.
struct Current {
    start: usize,
    line: u32,
    column: u32,
    /// Open parentheses (PostgreSQL, where psql does not end a statement inside them; MySQL
    /// only to ignore `begin` used as a parameter name).
    parens: u32,
    /// The outermost open parenthesis, for the error message.
    paren_open: usize,
    /// Open BEGIN/CASE blocks.
    blocks: u32,
    /// The outermost open block and its keyword, for the error message.
    block_open: usize,
    block_keyword: &'static str,
    /// A BEGIN or END whose meaning depends on the next token.
    pending: Option<Pending>,
    /// The previous token was `.`, so a keyword-looking word is a column (`NEW.end`).
    after_dot: bool,
    /// MySQL: the previous token is one after which a statement starts (`FOR EACH ROW`, `DO`,
    /// `THEN`, `;` inside a body...), so IF is the IF statement, not the IF() function.
    statement_position: bool,
    /// MySQL: open IF/LOOP/WHILE/REPEAT/FOR statements outside any BEGIN ... END (a trigger
    /// or event body that is a bare IF), the outermost one's offset and keyword.
    bare: u32,
    bare_open: usize,
    bare_keyword: &'static str,
    /// SQLite: significant tokens since the last `;`, and whether the first was END.
    segment_tokens: u32,
    segment_is_end: bool,
    /// SQLite: the first BEGIN of the statement, for the error message.
    first_begin: Option<usize>,
    /// Whether the statement can hold a BEGIN ... END body; worked out on first need.
    compound: Option<bool>,
}

impl Current {
    fn new(start: usize, line: u32, column: u32) -> Current {
        Current {
            start,
            line,
            column,
            parens: 0,
            paren_open: start,
            blocks: 0,
            block_open: start,
            block_keyword: "BEGIN",
            pending: None,
            after_dot: false,
            statement_position: true,
            bare: 0,
            bare_open: start,
            bare_keyword: "IF",
            segment_tokens: 0,
            segment_is_end: false,
            first_begin: None,
            compound: None,
        }
    }

    fn open_block(&mut self, at: usize, keyword: &'static str) {
        if self.blocks == 0 {
            self.block_open = at;
            self.block_keyword = keyword;
        }
        self.blocks += 1;
    }

    /// An END that is not part of `END IF` and friends; a stray one closes nothing.
    fn close_block(&mut self) {
        self.blocks = self.blocks.saturating_sub(1);
    }
}

struct Splitter<'a> {
    text: &'a str,
    dialect: Dialect,
    lexer: Lexer<'a>,
    position: Position<'a>,
    /// The MySQL client delimiter, when `DELIMITER` changed it from `;`.
    delimiter: Option<&'a str>,
    current: Option<Current>,
    out: Vec<Statement>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str, dialect: Dialect) -> Splitter<'a> {
        Splitter {
            text,
            dialect,
            lexer: Lexer::new(text, Rules::of(dialect)),
            position: Position {
                bytes: text.as_bytes(),
                pos: 0,
                line: 1,
                column: 1,
            },
            delimiter: None,
            current: None,
            out: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        loop {
            let pos = self.lexer.pos();
            if let Some(delimiter) = self.delimiter
                && lexer::starts_with_ignore_case(
                    &self.text.as_bytes()[pos..],
                    delimiter.as_bytes(),
                )
            {
                self.finish(pos);
                self.lexer.set_pos(pos + delimiter.len());
                continue;
            }
            let Some(token) = self.lexer.next_token() else {
                break;
            };
            let token = token.map_err(|e| self.error(e.start, e.message))?;
            if token.is_trivia() {
                continue;
            }
            if self.delimiter.is_none() && token.is_punct(b';') {
                self.semicolon(token.start);
                continue;
            }
            if self.current.is_none() {
                if self.dialect == Dialect::Mysql
                    && token.is_word("DELIMITER")
                    && self.at_line_start(token.start)
                {
                    self.delimiter_command(token)?;
                    continue;
                }
                let (line, column) = self.position.at(token.start);
                self.current = Some(Current::new(token.start, line, column));
            }
            self.track(token);
        }
        self.end_of_text()?;
        Ok(self.out)
    }

    fn error(&mut self, at: usize, message: String) -> SplitError {
        let (line, column) = self.position.at(at);
        SplitError {
            line,
            column,
            message,
        }
    }

    /// Ends the current statement, if any, just before `end`.
    fn finish(&mut self, end: usize) {
        if let Some(current) = self.current.take() {
            let sql = self.text[current.start..end]
                .trim_end_matches(|c: char| c.is_ascii() && lexer::is_space(c as u8));
            self.out.push(Statement {
                sql: sql.to_owned(),
                line: current.line,
                column: current.column,
            });
        }
    }

    fn semicolon(&mut self, at: usize) {
        let Some(current) = self.current.as_mut() else {
            // `;;` or a `;` after comments only: an empty statement.
            return;
        };
        if let Some(pending) = current.pending.take() {
            resolve(current, self.dialect, pending, After::Semicolon);
        }
        let inside = match self.dialect {
            Dialect::Postgres => current.parens > 0 || current.blocks > 0,
            Dialect::Mysql => current.blocks > 0 || current.bare > 0,
            Dialect::Sqlite => !(current.segment_tokens == 1 && current.segment_is_end),
        };
        if inside && compound(self.text, self.dialect, current) {
            current.segment_tokens = 0;
            current.after_dot = false;
            current.statement_position = true;
            return;
        }
        // psql keeps reading past a `;` inside parentheses, whatever the statement.
        if self.dialect == Dialect::Postgres && current.parens > 0 {
            return;
        }
        self.finish(at);
    }

    /// Follows the nesting of one significant token of the current statement.
    fn track(&mut self, token: Token<'a>) {
        let dialect = self.dialect;
        let Some(current) = self.current.as_mut() else {
            return;
        };
        let after_dot = std::mem::replace(&mut current.after_dot, token.is_punct(b'.'));
        let statement_position = std::mem::replace(
            &mut current.statement_position,
            token.is_punct(b':')
                || ["ROW", "DO", "THEN", "ELSE", "LOOP", "REPEAT"]
                    .iter()
                    .any(|k| token.is_word(k)),
        );
        if let Some(pending) = current.pending.take()
            && resolve(current, dialect, pending, After::Token(&token))
        {
            return;
        }
        if token.kind == TokenKind::Punct {
            match token.text.as_bytes()[0] {
                b'(' => {
                    if current.parens == 0 {
                        current.paren_open = token.start;
                    }
                    current.parens += 1;
                }
                b')' => current.parens = current.parens.saturating_sub(1),
                _ => {}
            }
        }
        if dialect == Dialect::Sqlite {
            current.segment_tokens = current.segment_tokens.saturating_add(1);
            if current.segment_tokens == 1 {
                current.segment_is_end = token.is_word("END");
            }
            if current.first_begin.is_none() && token.is_word("BEGIN") {
                current.first_begin = Some(token.start);
            }
            return;
        }
        if token.kind != TokenKind::Word || after_dot {
            return;
        }
        // psql's heuristic, shared with MySQL: BEGIN outside parentheses opens (a BEGIN in
        // parentheses is a parameter name), CASE opens (in PostgreSQL only inside a BEGIN, as
        // psql has it), END closes. Whether BEGIN and END are keywords at all waits for the
        // next token.
        if dialect == Dialect::Mysql && statement_position && current.blocks == 0 {
            // Inside BEGIN ... END these need no counting: IF ... END IF nests within the
            // block. A body that is a bare IF (or loop) has no BEGIN, so count it here.
            if let Some(keyword) = BARE_CONSTRUCTS.iter().find(|k| token.is_word(k)) {
                if current.bare == 0 {
                    current.bare_open = token.start;
                    current.bare_keyword = keyword;
                }
                current.bare += 1;
                return;
            }
        }
        if token.is_word("BEGIN") && current.parens == 0 {
            current.pending = Some(Pending::Begin(token.start));
        } else if token.is_word("CASE") && (dialect == Dialect::Mysql || current.blocks > 0) {
            current.open_block(token.start, "CASE");
        } else if token.is_word("END") {
            current.pending = Some(Pending::End);
        }
    }

    fn end_of_text(&mut self) -> Result<(), SplitError> {
        let len = self.text.len();
        let Some(current) = self.current.as_mut() else {
            return Ok(());
        };
        if self.delimiter.is_some() {
            // With a custom delimiter the client ends statements only there, BEGIN or not.
            self.finish(len);
            return Ok(());
        }
        if let Some(pending) = current.pending.take() {
            resolve(current, self.dialect, pending, After::EndOfText);
        }
        let problem = match self.dialect {
            Dialect::Postgres if current.parens > 0 => Some((
                current.paren_open,
                "unclosed parenthesis started here; close it with ) (psql does not end a \
                 statement at a ; inside parentheses, so the rest of the file was read as \
                 part of this statement)"
                    .to_owned(),
            )),
            Dialect::Mysql
                if current.bare > 0
                    && (current.blocks == 0 || current.bare_open < current.block_open)
                    && compound(self.text, self.dialect, current) =>
            {
                let keyword = current.bare_keyword;
                Some((
                    current.bare_open,
                    format!(
                        "unterminated {keyword} statement started here; close it with END \
                         {keyword}, then end the statement with ;"
                    ),
                ))
            }
            Dialect::Postgres | Dialect::Mysql
                if current.blocks > 0 && compound(self.text, self.dialect, current) =>
            {
                let keyword = current.block_keyword;
                let close = if keyword == "CASE" {
                    "END (or END CASE)"
                } else {
                    "END"
                };
                Some((
                    current.block_open,
                    format!(
                        "unterminated {keyword} ... END block started here; close it with \
                         {close}, then end the statement with ;"
                    ),
                ))
            }
            Dialect::Sqlite
                if !(current.segment_tokens == 1 && current.segment_is_end)
                    && compound(self.text, self.dialect, current) =>
            {
                Some((
                    current.first_begin.unwrap_or(current.start),
                    "unterminated CREATE TRIGGER body started here; end it with END; after \
                     the last statement's ;"
                        .to_owned(),
                ))
            }
            _ => None,
        };
        if let Some((at, message)) = problem {
            return Err(self.error(at, message));
        }
        self.finish(len);
        Ok(())
    }

    /// Whether only spaces and tabs come before `at` on its line.
    fn at_line_start(&self, at: usize) -> bool {
        self.text.as_bytes()[..at]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(|&b| b == b' ' || b == b'\t')
    }

    /// The mysql client's `DELIMITER xx`: the rest of the line is the command.
    fn delimiter_command(&mut self, token: Token<'a>) -> Result<(), SplitError> {
        let bytes = self.text.as_bytes();
        let line_end = bytes[token.end()..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |n| token.end() + n);
        let rest = &self.text[token.end()..line_end];
        let argument = rest.split_ascii_whitespace().next().map(strip_quotes);
        let starts_with_space = rest.starts_with([' ', '\t']);
        let Some(argument) = argument.filter(|a| !a.is_empty() && starts_with_space) else {
            return Err(self.error(
                token.start,
                "DELIMITER needs an argument after a space on the same line: write DELIMITER // to end \
                 statements with //, and DELIMITER ; to go back to ;"
                    .to_owned(),
            ));
        };
        self.delimiter = (argument != ";").then_some(argument);
        self.lexer.set_delimiter(self.delimiter.unwrap_or(""));
        self.lexer.set_pos(line_end);
        Ok(())
    }
}

/// MySQL compound statements closed by `END <keyword>` rather than a plain END.
const BARE_CONSTRUCTS: [&str; 5] = ["IF", "LOOP", "WHILE", "REPEAT", "FOR"];

/// A keyword whose meaning depends on what follows it.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// A BEGIN at this offset: a block, unless it is a name (`begin.x`, `begin,`).
    Begin(usize),
    /// An END: closes a block, unless it is a name (`end.x`) or, in MySQL, ends an
    /// IF/LOOP/WHILE/REPEAT/FOR that was never counted.
    End,
}

/// What follows a pending keyword.
enum After<'t, 'a> {
    Token(&'t Token<'a>),
    Semicolon,
    EndOfText,
}

/// Settles a pending keyword; true if it also used up the token after it (`END IF`).
fn resolve(
    current: &mut Current,
    dialect: Dialect,
    pending: Pending,
    after: After<'_, '_>,
) -> bool {
    match pending {
        Pending::Begin(at) => {
            let name = match after {
                After::Token(t) => {
                    t.kind == TokenKind::Punct && matches!(t.text, "." | "," | ")" | "=" | "(")
                }
                After::Semicolon => true,
                After::EndOfText => false,
            };
            if !name {
                current.open_block(at, "BEGIN");
            }
            false
        }
        Pending::End => match after {
            After::Token(t) if t.is_punct(b'.') => false,
            After::Token(t)
                if dialect == Dialect::Mysql && BARE_CONSTRUCTS.iter().any(|k| t.is_word(k)) =>
            {
                // Counted only outside blocks, so closed only there.
                if current.blocks == 0 {
                    current.bare = current.bare.saturating_sub(1);
                }
                true
            }
            After::Token(t) => {
                current.close_block();
                dialect == Dialect::Mysql && t.is_word("CASE")
            }
            After::Semicolon | After::EndOfText => {
                current.close_block();
                false
            }
        },
    }
}

/// `'//'` and friends: the mysql client accepts a quoted delimiter.
fn strip_quotes(arg: &str) -> &str {
    let bytes = arg.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&q), Some(&l)) if bytes.len() > 2 && q == l && matches!(q, b'\'' | b'"' | b'`') => {
            &arg[1..arg.len() - 1]
        }
        _ => arg,
    }
}

/// Whether the current statement is one whose body may hold `;` inside BEGIN ... END.
/// Worked out once per statement, from its first few tokens.
fn compound(text: &str, dialect: Dialect, current: &mut Current) -> bool {
    *current
        .compound
        .get_or_insert_with(|| compound_head(&text[current.start..], dialect))
}

/// Whether a statement starting with `text` can hold a BEGIN ... END body:
/// - PostgreSQL: `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (psql's test);
/// - MySQL: `CREATE|ALTER [OR REPLACE] [DEFINER = user] [AGGREGATE]
///   TRIGGER|PROCEDURE|FUNCTION|EVENT`, or (MariaDB) `[label:] BEGIN NOT ATOMIC`, IF, CASE,
///   LOOP, WHILE, REPEAT, FOR;
/// - SQLite: `CREATE [TEMP|TEMPORARY] TRIGGER`.
fn compound_head(text: &str, dialect: Dialect) -> bool {
    fn next_is(kw: &str, tokens: &mut Peekable<Significant<'_>>) -> bool {
        let yes = tokens.peek().is_some_and(|t| t.is_word(kw));
        if yes {
            tokens.next();
        }
        yes
    }
    let mut tokens = Significant::new(text, Rules::of(dialect), false).peekable();
    match dialect {
        Dialect::Postgres => {
            if !next_is("CREATE", &mut tokens) {
                return false;
            }
            if next_is("OR", &mut tokens) && !next_is("REPLACE", &mut tokens) {
                return false;
            }
            next_is("FUNCTION", &mut tokens) || next_is("PROCEDURE", &mut tokens)
        }
        Dialect::Sqlite => {
            if !next_is("CREATE", &mut tokens) {
                return false;
            }
            let _ = next_is("TEMP", &mut tokens) || next_is("TEMPORARY", &mut tokens);
            next_is("TRIGGER", &mut tokens)
        }
        Dialect::Mysql => {
            let Some(first) = tokens.next() else {
                return false;
            };
            // MariaDB runs compound statements outside stored programs: `BEGIN NOT ATOMIC`,
            // IF, CASE, LOOP, WHILE, REPEAT, FOR, optionally labelled.
            let label =
                first.kind == TokenKind::Word && tokens.peek().is_some_and(|t| t.is_punct(b':'));
            let opener = if label {
                tokens.next();
                match tokens.next() {
                    Some(t) => t,
                    None => return false,
                }
            } else {
                first
            };
            if opener.is_word("BEGIN") {
                return next_is("NOT", &mut tokens) && next_is("ATOMIC", &mut tokens);
            }
            if opener.is_word("CASE") || BARE_CONSTRUCTS.iter().any(|k| opener.is_word(k)) {
                return true;
            }
            if label {
                return false;
            }
            if !(first.is_word("CREATE") || first.is_word("ALTER")) {
                return false;
            }
            if next_is("OR", &mut tokens) && !next_is("REPLACE", &mut tokens) {
                return false;
            }
            if next_is("DEFINER", &mut tokens) {
                if !tokens.next().is_some_and(|t| t.is_punct(b'=')) {
                    return false;
                }
                // user, 'user', `user`, CURRENT_USER[()], each optionally @host.
                let Some(user) = tokens.next() else {
                    return false;
                };
                if user.is_word("CURRENT_USER") && tokens.peek().is_some_and(|t| t.is_punct(b'(')) {
                    tokens.next();
                    if !tokens.next().is_some_and(|t| t.is_punct(b')')) {
                        return false;
                    }
                }
                if tokens.peek().is_some_and(|t| t.is_punct(b'@')) {
                    tokens.next();
                    tokens.next();
                }
            }
            let _ = next_is("AGGREGATE", &mut tokens);
            ["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"]
                .iter()
                .any(|kw| next_is(kw, &mut tokens))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Dialect = Dialect::Postgres;
    const MY: Dialect = Dialect::Mysql;
    const LITE: Dialect = Dialect::Sqlite;

    fn sqls(text: &str, dialect: Dialect) -> Vec<String> {
        split(text, dialect)
            .unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    fn positions(text: &str, dialect: Dialect) -> Vec<(u32, u32)> {
        split(text, dialect)
            .unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
            .into_iter()
            .map(|s| (s.line, s.column))
            .collect()
    }

    fn err(text: &str, dialect: Dialect) -> SplitError {
        match split(text, dialect) {
            Ok(s) => panic!("{text:?} split without error: {s:?}"),
            Err(e) => e,
        }
    }

    // --- shared behaviour -------------------------------------------------------------

    #[test]
    fn splits_on_semicolons_with_positions() {
        for d in [PG, MY, LITE] {
            let text = "SELECT 1;\nSELECT 2;  SELECT 3;\n\n  SELECT\n  4";
            assert_eq!(
                sqls(text, d),
                ["SELECT 1", "SELECT 2", "SELECT 3", "SELECT\n  4"]
            );
            assert_eq!(positions(text, d), [(1, 1), (2, 1), (2, 12), (4, 3)]);
        }
    }

    #[test]
    fn leading_comments_are_dropped_and_inner_ones_kept() {
        for d in [PG, MY, LITE] {
            let text = "-- header\n  /* block */ SELECT 1 /* in */ + -- trailing\n 2;\n";
            let s = split(text, d).unwrap();
            assert_eq!(s.len(), 1, "{d}");
            assert_eq!(s[0].sql, "SELECT 1 /* in */ + -- trailing\n 2");
            assert_eq!((s[0].line, s[0].column), (2, 15));
        }
    }

    #[test]
    fn trailing_comment_before_the_delimiter_is_kept() {
        assert_eq!(sqls("SELECT 1 -- note\n;", PG), ["SELECT 1 -- note"]);
    }

    #[test]
    fn empty_statements_and_comment_only_text_are_skipped() {
        for d in [PG, MY, LITE] {
            assert!(sqls(";;\n-- only a comment\n;/* x */;  \n", d).is_empty());
            assert!(sqls("", d).is_empty());
            assert_eq!(sqls(";;SELECT 1;;", d), ["SELECT 1"]);
        }
    }

    #[test]
    fn last_statement_without_delimiter_counts() {
        for d in [PG, MY, LITE] {
            assert_eq!(sqls("SELECT 1;\nSELECT 2\n\n", d), ["SELECT 1", "SELECT 2"]);
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        for d in [PG, MY, LITE] {
            let text = "SELECT 'é;ü';  SELECT 'ß';\n  🦀; SELECT 3";
            let s = split(text, d).unwrap();
            let got: Vec<_> = s
                .iter()
                .map(|s| (s.sql.as_str(), s.line, s.column))
                .collect();
            assert_eq!(
                got,
                [
                    ("SELECT 'é;ü'", 1, 1),
                    ("SELECT 'ß'", 1, 16),
                    ("🦀", 2, 3),
                    ("SELECT 3", 2, 6)
                ]
            );
        }
    }

    #[test]
    fn crlf_line_endings() {
        for d in [PG, MY, LITE] {
            let s = split("SELECT 1;\r\n-- c\r\nSELECT 2;\r\n", d).unwrap();
            assert_eq!(s[1].sql, "SELECT 2");
            assert_eq!((s[1].line, s[1].column), (3, 1));
        }
    }

    #[test]
    fn strings_hide_semicolons_and_comment_starts() {
        for d in [PG, MY, LITE] {
            let text = "INSERT INTO t VALUES ('a;b', 'c -- d', 'e /* f', 'it''s;');\nSELECT 2;";
            assert_eq!(
                sqls(text, d),
                [
                    "INSERT INTO t VALUES ('a;b', 'c -- d', 'e /* f', 'it''s;')",
                    "SELECT 2"
                ]
            );
        }
    }

    #[test]
    fn prefixed_strings_behave_as_strings() {
        for d in [PG, MY, LITE] {
            let text = "SELECT B'1;0', X'3B', N'a;b';SELECT 2";
            assert_eq!(sqls(text, d), ["SELECT B'1;0', X'3B', N'a;b'", "SELECT 2"]);
        }
        assert_eq!(
            sqls("SELECT U&'d;\\0061' UESCAPE '!'; SELECT 2", PG),
            ["SELECT U&'d;\\0061' UESCAPE '!'", "SELECT 2"]
        );
    }

    #[test]
    fn errors_report_where_the_construct_starts() {
        for d in [PG, MY, LITE] {
            let e = err("SELECT 1;\nSELECT 'abc;\nSELECT 2;", d);
            assert_eq!((e.line, e.column), (2, 8), "{d}");
            assert!(
                e.message
                    .starts_with("unterminated string literal started here; close it with '")
            );
            let e = err("SELECT 1;\n  /* never closed; SELECT 2;", d);
            assert_eq!((e.line, e.column), (2, 3));
            assert!(
                e.message.starts_with("unterminated block comment"),
                "{}",
                e.message
            );
        }
        let e = err("SELECT \"abc;", PG);
        assert_eq!((e.line, e.column), (1, 8));
        assert!(e.message.contains("quoted identifier"), "{}", e.message);
    }

    #[test]
    fn never_panics_on_tricky_prefixes() {
        for d in [PG, MY, LITE] {
            for text in [
                "'",
                "\"",
                "`",
                "[",
                "$",
                "$$",
                "$a",
                "$a$",
                "-",
                "--",
                "/",
                "/*",
                "/*!",
                "/*M",
                "E'",
                "U&",
                "U&'",
                "e'\\",
                "é",
                "DELIMITER",
                "DELIMITER ",
                "BEGIN",
                "END",
                "CREATE TRIGGER",
                "CREATE FUNCTION f() BEGIN",
                "(",
                ")",
                "\u{0}",
                "#",
            ] {
                let _ = split(text, d);
            }
        }
    }

    // --- PostgreSQL ----------------------------------------------------------------------

    #[test]
    fn postgres_backslash_is_literal_in_plain_strings() {
        assert_eq!(
            sqls(r"SELECT 'a\'; SELECT 2;", PG),
            [r"SELECT 'a\'", "SELECT 2"]
        );
    }

    #[test]
    fn postgres_escape_strings() {
        assert_eq!(
            sqls(r"SELECT E'a\'b;c', e'd\\'; SELECT 2;", PG),
            [r"SELECT E'a\'b;c', e'd\\'", "SELECT 2"]
        );
        let e = err("SELECT 1;\nSELECT E'a\\';", PG);
        assert_eq!((e.line, e.column), (2, 8));
        assert!(
            e.message.starts_with("unterminated E'...' string"),
            "{}",
            e.message
        );
    }

    #[test]
    fn postgres_quoted_identifiers() {
        assert_eq!(
            sqls(r#"CREATE TABLE "a;""b" (x int); SELECT 2"#, PG),
            [r#"CREATE TABLE "a;""b" (x int)"#, "SELECT 2"]
        );
    }

    #[test]
    fn postgres_dollar_quotes() {
        let text = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 'a'';';\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 2;";
        let s = split(text, PG).unwrap();
        assert_eq!(s.len(), 2);
        assert!(s[0].sql.ends_with("$$ LANGUAGE plpgsql"));
        assert_eq!((s[1].line, s[1].column), (7, 1));

        let text = "DO $body$ BEGIN PERFORM $$;$$; END $body$;SELECT $q$it's$q$";
        assert_eq!(
            sqls(text, PG),
            [
                "DO $body$ BEGIN PERFORM $$;$$; END $body$",
                "SELECT $q$it's$q$"
            ]
        );
    }

    #[test]
    fn postgres_parameters_and_dollar_in_identifiers_are_not_dollar_quotes() {
        assert_eq!(
            sqls(
                "PREPARE p AS SELECT $1, $2; SELECT a$b$ FROM t; SELECT 3",
                PG
            ),
            [
                "PREPARE p AS SELECT $1, $2",
                "SELECT a$b$ FROM t",
                "SELECT 3"
            ]
        );
    }

    #[test]
    fn postgres_unterminated_dollar_quote() {
        let e = err("SELECT 1;\n\nCREATE FUNCTION f() AS $fn$ SELECT 1; $$;", PG);
        assert_eq!((e.line, e.column), (3, 24));
        assert_eq!(
            e.message,
            "unterminated dollar-quoted string $fn$ started here; close it with $fn$"
        );
        let e = err("SELECT $$", PG);
        assert_eq!(
            e.message,
            "unterminated dollar-quoted string $$ started here; close it with $$"
        );
    }

    #[test]
    fn postgres_block_comments_nest() {
        assert_eq!(
            sqls("/* a /* b; */ c; */ SELECT 1; /* x */ SELECT 2", PG),
            ["SELECT 1", "SELECT 2"]
        );
        let e = err("SELECT 1;\n/* a /* b */ SELECT 2;", PG);
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("nest"), "{}", e.message);
    }

    #[test]
    fn postgres_hash_and_double_dash_without_space() {
        assert_eq!(
            sqls("SELECT 1 # 2; SELECT 3", PG),
            ["SELECT 1 # 2", "SELECT 3"]
        );
        assert_eq!(
            sqls("SELECT 1--x;\n;SELECT 2", PG),
            ["SELECT 1--x;", "SELECT 2"]
        );
    }

    #[test]
    fn postgres_begin_atomic_bodies() {
        let text = "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (a);\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\nEND;\nSELECT 2;";
        let s = split(text, PG).unwrap();
        assert_eq!(s.len(), 2);
        assert!(s[0].sql.ends_with("END"));
        assert_eq!((s[1].line, s[1].column), (6, 1));

        let text = "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END; CALL p()";
        assert_eq!(sqls(text, PG).len(), 2);
    }

    #[test]
    fn postgres_transaction_begin_is_a_plain_statement() {
        assert_eq!(
            sqls("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;", PG),
            ["BEGIN", "CREATE TABLE t (id int)", "COMMIT"]
        );
        assert_eq!(
            sqls("BEGIN ISOLATION LEVEL SERIALIZABLE; END;", PG),
            ["BEGIN ISOLATION LEVEL SERIALIZABLE", "END"]
        );
    }

    #[test]
    fn postgres_begin_as_a_parameter_name_opens_nothing() {
        let text =
            "CREATE FUNCTION f(begin int) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; SELECT 2";
        assert_eq!(sqls(text, PG).len(), 2);
    }

    #[test]
    fn postgres_semicolons_inside_parentheses_do_not_split() {
        let text = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;";
        let s = sqls(text, PG);
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("(2))"));
    }

    #[test]
    fn postgres_unclosed_parenthesis_and_block_are_errors() {
        let e = err("SELECT 1;\nCREATE TABLE t (a int;\nSELECT 2;", PG);
        assert_eq!((e.line, e.column), (2, 16));
        assert!(
            e.message.starts_with("unclosed parenthesis"),
            "{}",
            e.message
        );

        let e = err(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n  BEGIN ATOMIC SELECT 1;\nSELECT 2;",
            PG,
        );
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            e.message.starts_with("unterminated BEGIN ... END block"),
            "{}",
            e.message
        );
    }

    #[test]
    fn postgres_delimiter_is_just_a_word() {
        assert_eq!(
            sqls("DELIMITER //\nSELECT 1;", PG),
            ["DELIMITER //\nSELECT 1"]
        );
    }

    // --- MySQL / MariaDB -----------------------------------------------------------------

    #[test]
    fn mysql_strings_take_backslash_escapes_and_doubled_quotes() {
        let text = r#"INSERT INTO t VALUES ('a\';b', "c\";d", 'e'';f', "g"";h", '\\');SELECT 2"#;
        assert_eq!(
            sqls(text, MY),
            [
                r#"INSERT INTO t VALUES ('a\';b', "c\";d", 'e'';f', "g"";h", '\\')"#,
                "SELECT 2"
            ]
        );
        let e = err("SELECT 1;\nSELECT 'a\\';", MY);
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("close it with '"), "{}", e.message);
    }

    #[test]
    fn mysql_backtick_identifiers() {
        assert_eq!(
            sqls("CREATE TABLE `a;``b` (x INT);SELECT 2", MY),
            ["CREATE TABLE `a;``b` (x INT)", "SELECT 2"]
        );
        let e = err("SELECT `abc;", MY);
        assert_eq!((e.line, e.column), (1, 8));
        assert!(e.message.contains("close it with `"), "{}", e.message);
    }

    #[test]
    fn mysql_double_dash_needs_a_space() {
        assert_eq!(
            sqls("SELECT 1--1;\nSELECT 2;", MY),
            ["SELECT 1--1", "SELECT 2"]
        );
        assert_eq!(
            sqls("SELECT 1 -- a; b\nSELECT 2;", MY),
            ["SELECT 1 -- a; b\nSELECT 2"]
        );
        assert_eq!(sqls("SELECT 1 --\ta;\n;", MY), ["SELECT 1 --\ta;"]);
        assert_eq!(sqls("SELECT 1;--", MY), ["SELECT 1"]);
    }

    #[test]
    fn mysql_hash_comments() {
        assert_eq!(
            sqls("# header; x\nSELECT 1; # a; b\nSELECT 2;", MY),
            ["SELECT 1", "SELECT 2"]
        );
        assert_eq!(positions("# header; x\nSELECT 1;", MY), [(2, 1)]);
    }

    #[test]
    fn mysql_block_comments_do_not_nest() {
        assert_eq!(sqls("/* a /* b */ SELECT 1; */", MY), ["SELECT 1", "*/"]);
    }

    #[test]
    fn mysql_executable_comments_are_statement_text() {
        let text = "/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @OLD=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n/*M!100100 SET a=1; */;";
        assert_eq!(
            sqls(text, MY),
            [
                "/*!40101 SET NAMES utf8mb4 */",
                "/*!40014 SET @OLD=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
                "/*M!100100 SET a=1; */"
            ]
        );
    }

    #[test]
    fn mysql_delimiter_command() {
        let text = "DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND$$\nDELIMITER ;\nCALL p();\n";
        let s = split(text, MY).unwrap();
        let got: Vec<_> = s
            .iter()
            .map(|s| (s.sql.as_str(), s.line, s.column))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND",
                    2,
                    1
                ),
                ("CALL p()", 8, 1)
            ]
        );
    }

    #[test]
    fn mysql_delimiter_variants() {
        let text = "  delimiter //\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = '//'; END //\nSELECT 1; SELECT 2//\nDelimiter ;;\nSELECT 3;;\nDELIMITER ;\nSELECT 4; SELECT 5";
        assert_eq!(
            sqls(text, MY),
            [
                "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = '//'; END",
                "SELECT 1; SELECT 2",
                "SELECT 3",
                "SELECT 4",
                "SELECT 5"
            ]
        );
        // A last statement without the custom delimiter still counts.
        assert_eq!(
            sqls("DELIMITER //\nSELECT 1; SELECT 2", MY),
            ["SELECT 1; SELECT 2"]
        );
        // Quoted delimiter arguments, and text after the argument, as the mysql client does.
        assert_eq!(
            sqls("DELIMITER '$$' ignored\nSELECT 1$$SELECT 2", MY),
            ["SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn mysql_mysqldump_trigger() {
        let text = "DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END */;;\nDELIMITER ;\nSELECT 1;";
        let s = sqls(text, MY);
        assert_eq!(s.len(), 2);
        assert!(s[0].starts_with("/*!50003 CREATE*/") && s[0].ends_with("END */"));
    }

    #[test]
    fn mysql_delimiter_without_argument() {
        let e = err("SELECT 1;\n  DELIMITER\nSELECT 2;", MY);
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            e.message.starts_with("DELIMITER needs an argument"),
            "{}",
            e.message
        );
        let e = err("DELIMITER   \n", MY);
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn mysql_delimiter_only_counts_at_the_start_of_a_line_between_statements() {
        // Inside a statement, `delimiter` is a column name.
        assert_eq!(
            sqls("CREATE TABLE t (\n  delimiter CHAR(1)\n);SELECT 1", MY),
            ["CREATE TABLE t (\n  delimiter CHAR(1)\n)", "SELECT 1"]
        );
        assert_eq!(
            sqls("SELECT 1; DELIMITER //", MY),
            ["SELECT 1", "DELIMITER //"]
        );
    }

    #[test]
    fn mysql_trigger_without_delimiter() {
        let text = "CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  IF NEW.a < 0 THEN\n    SET NEW.a = 0;\n  END IF;\n  SET NEW.end = CASE WHEN NEW.b THEN 1 ELSE 0 END;\nEND;\nSELECT 1;";
        let s = split(text, MY).unwrap();
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].sql.ends_with("END"));
        assert_eq!((s[1].line, s[1].column), (8, 1));
    }

    #[test]
    fn mysql_procedure_with_labels_loops_and_case() {
        let text = "CREATE PROCEDURE p(IN n INT)
lbl: BEGIN
  DECLARE i INT DEFAULT 0;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN SET i = -1; END;
  loop1: LOOP
    SET i = i + 1;
    IF i > n THEN LEAVE loop1; ELSEIF i = 2 THEN SET i = IF(i > 1, i, 1); END IF;
  END LOOP loop1;
  WHILE i > 0 DO SET i = i - 1; END WHILE;
  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;
  CASE i WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE;
  SELECT CASE WHEN i THEN 1 END INTO i;
END lbl;
SELECT 2;";
        let s = split(text, MY).unwrap();
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].sql.ends_with("END lbl"));
        assert_eq!(s[1].line, 14);
    }

    #[test]
    fn mysql_functions_events_and_definers() {
        for text in [
            "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN CASE WHEN 1 THEN 2 END; SELECT 3",
            "CREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN DECLARE x INT; RETURN 1; END; SELECT 3",
            "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; INSERT INTO t VALUES (1); END; SELECT 3",
            "ALTER DEFINER = CURRENT_USER EVENT e DO BEGIN DELETE FROM t; END; SELECT 3",
            "CREATE OR REPLACE DEFINER='u'@'%' PROCEDURE p() BEGIN SELECT 1; END; SELECT 3",
            "CREATE DEFINER=CURRENT_USER() AGGREGATE FUNCTION f(x INT) RETURNS INT BEGIN RETURN 1; END; SELECT 3",
            "CREATE DEFINER = root@localhost TRIGGER t AFTER DELETE ON x FOR EACH ROW BEGIN DELETE FROM y; END; SELECT 3",
            "create procedure p() begin select 1; end; SELECT 3",
        ] {
            let s = sqls(text, MY);
            assert_eq!(s.len(), 2, "{text}: {s:?}");
            assert_eq!(s[1], "SELECT 3");
        }
    }

    #[test]
    fn mysql_begin_not_atomic() {
        let text = "BEGIN NOT ATOMIC\n  DECLARE x INT;\n  SET x = 1;\nEND;\nlbl: BEGIN NOT ATOMIC SELECT 1; END lbl;\nSELECT 1;";
        let s = sqls(text, MY);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[1], "lbl: BEGIN NOT ATOMIC SELECT 1; END lbl");
    }

    #[test]
    fn mysql_bodies_that_are_a_bare_if_or_loop() {
        for text in [
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW\nIF NEW.a < 0 THEN SET NEW.a = 0;\nELSEIF NEW.a > 9 THEN SET NEW.a = IF(NEW.b, 9, 8);\nELSE IF NEW.c THEN SET NEW.c = 0; END IF;\nEND IF; SELECT 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO lbl: LOOP DELETE FROM t LIMIT 100; IF ROW_COUNT() = 0 THEN LEAVE lbl; END IF; END LOOP lbl; SELECT 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO WHILE @i < 3 DO SET @i = @i + 1; REPEAT SET @j = 1; UNTIL 1 END REPEAT; END WHILE; SELECT 1",
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW IF NEW.a THEN BEGIN IF NEW.b THEN SET NEW.c = 1; END IF; END; END IF; SELECT 1",
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW CASE WHEN NEW.a THEN SET NEW.b = 1; ELSE SET NEW.b = 2; END CASE; SELECT 1",
            "IF @x > 0 THEN SELECT 1; ELSE SELECT 2; END IF; SELECT 1",
            "lbl: WHILE @i < 3 DO SET @i = @i + 1; END WHILE lbl; SELECT 1",
        ] {
            let s = sqls(text, MY);
            assert_eq!(s.len(), 2, "{text}: {s:?}");
            assert_eq!(s[1], "SELECT 1");
        }
        // A single-statement body using the IF() function is not an IF statement.
        let text = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = IF(NEW.b, 1, 2); SELECT 1";
        assert_eq!(sqls(text, MY).len(), 2);
        let text = "CREATE PROCEDURE p() BEGIN SELECT * FROM t WHERE (a) FOR UPDATE; END; SELECT 1";
        assert_eq!(sqls(text, MY).len(), 2);
        let e = err(
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW\n  IF NEW.a THEN SET NEW.a = 0;\nSELECT 1;",
            MY,
        );
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            e.message
                .starts_with("unterminated IF statement started here; close it with END IF"),
            "{}",
            e.message
        );
    }

    #[test]
    fn mysql_transaction_begin_is_a_plain_statement() {
        assert_eq!(
            sqls("BEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT;", MY),
            ["BEGIN", "INSERT INTO t VALUES (1)", "COMMIT"]
        );
        assert_eq!(sqls("BEGIN WORK; SELECT 1", MY), ["BEGIN WORK", "SELECT 1"]);
    }

    #[test]
    fn mysql_keyword_like_identifiers_open_nothing() {
        // No BEGIN in the trigger body: `begin_log` is a word of its own.
        let text = "CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW INSERT INTO begin_log VALUES (NEW.begin); SELECT 1;";
        assert_eq!(sqls(text, MY).len(), 2);
        // Not a compound statement: BEGIN/END here are column names.
        let text = "CREATE TABLE t (begin INT, end INT); SELECT 1;";
        assert_eq!(sqls(text, MY).len(), 2);
        // A parameter called `begin`.
        let text = "CREATE PROCEDURE p(begin INT) BEGIN SELECT begin.x FROM begin; END; SELECT 1";
        assert_eq!(sqls(text, MY).len(), 2);
    }

    #[test]
    fn mysql_unterminated_block() {
        let e = err("CREATE PROCEDURE p()\nBEGIN SELECT 1;\nSELECT 2;", MY);
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.starts_with("unterminated BEGIN ... END block"),
            "{}",
            e.message
        );
        // With a custom delimiter the block ends where the delimiter says.
        assert_eq!(
            sqls("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1//", MY),
            ["CREATE PROCEDURE p() BEGIN SELECT 1"]
        );
    }

    // --- SQLite ----------------------------------------------------------------------------

    #[test]
    fn sqlite_quotes() {
        let text = r#"CREATE TABLE [a;b] ("c;""d" INT, `e;``f` INT); SELECT 'g\'; SELECT X'3B'"#;
        assert_eq!(
            sqls(text, LITE),
            [
                r#"CREATE TABLE [a;b] ("c;""d" INT, `e;``f` INT)"#,
                r"SELECT 'g\'",
                "SELECT X'3B'"
            ]
        );
        let e = err("SELECT 1;\nSELECT [abc;", LITE);
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("close it with ]"), "{}", e.message);
    }

    #[test]
    fn sqlite_comments() {
        assert_eq!(sqls("/* a /* b */ SELECT 1;", LITE), ["SELECT 1"]);
        assert_eq!(
            sqls("SELECT 1--x;\nSELECT 2;", LITE),
            ["SELECT 1--x;\nSELECT 2"]
        );
        assert_eq!(
            sqls("SELECT 1 # 2; SELECT 3", LITE),
            ["SELECT 1 # 2", "SELECT 3"]
        );
    }

    #[test]
    fn sqlite_triggers() {
        let text = "CREATE TRIGGER trg AFTER UPDATE ON t\nBEGIN\n  UPDATE log SET n = n + 1;\n  INSERT INTO audit VALUES (NEW.id, CASE WHEN NEW.end THEN 1 END);\nEND;\nSELECT 1;";
        let s = split(text, LITE).unwrap();
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].sql.ends_with("END"));
        assert_eq!(s[1].line, 6);

        let text = "CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE DELETE ON x BEGIN SELECT RAISE(ABORT, 'no;'); END; DELETE FROM x";
        assert_eq!(sqls(text, LITE).len(), 2);
        // `end` as a column name does not close the trigger.
        let text = "CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET end = 1; END;SELECT 1";
        assert_eq!(sqls(text, LITE).len(), 2);
        // A last trigger without the final `;`.
        let text = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END";
        assert_eq!(sqls(text, LITE).len(), 1);
    }

    #[test]
    fn sqlite_transactions() {
        assert_eq!(
            sqls(
                "BEGIN TRANSACTION;\nCREATE TABLE t (a);\nEND TRANSACTION;",
                LITE
            ),
            ["BEGIN TRANSACTION", "CREATE TABLE t (a)", "END TRANSACTION"]
        );
        assert_eq!(sqls("BEGIN; END;", LITE), ["BEGIN", "END"]);
    }

    #[test]
    fn sqlite_unterminated_trigger() {
        let e = err(
            "CREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n  SELECT 1;\nSELECT 2;",
            LITE,
        );
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.starts_with("unterminated CREATE TRIGGER body"),
            "{}",
            e.message
        );
    }

    #[test]
    fn large_inputs_split_in_linear_time() {
        // Many statements, one huge string, a body with many inner `;`: each would take
        // seconds if any step were quadratic.
        let many = "INSERT INTO t VALUES (1, 'a;b'); -- c\n".repeat(20_000);
        for d in [PG, MY, LITE] {
            assert_eq!(split(&many, d).unwrap().len(), 20_000);
        }
        let huge = format!("SELECT '{}'; SELECT 2", "x;".repeat(500_000));
        assert_eq!(split(&huge, PG).unwrap().len(), 2);
        let body = format!(
            "CREATE PROCEDURE p() BEGIN {} END; SELECT 2",
            "SET @a = 1; BEGIN SELECT 1; END; ".repeat(20_000)
        );
        assert_eq!(split(&body, MY).unwrap().len(), 2);
        let trigger = format!(
            "CREATE TRIGGER t AFTER INSERT ON x BEGIN {} END; SELECT 2",
            "UPDATE y SET a = 1; ".repeat(20_000)
        );
        assert_eq!(split(&trigger, LITE).unwrap().len(), 2);
        let rule = format!(
            "CREATE RULE r AS ON INSERT TO t DO ALSO ({}); SELECT 2",
            "NOTIFY x; ".repeat(20_000)
        );
        assert_eq!(split(&rule, PG).unwrap().len(), 2);
        let delimiters = "DELIMITER //\nSELECT 1//\nDELIMITER ;\nSELECT 2;\n".repeat(10_000);
        assert_eq!(split(&delimiters, MY).unwrap().len(), 20_000);
    }

    // --- properties ----------------------------------------------------------------------

    use proptest::prelude::*;

    #[rustfmt::skip]
    const FRAGMENTS: &[&str] = &[
        "'", "\"", "`", "[", "]", "$$", "$a$", "$1", "a$b", "--", "-- ", "#", "/*", "*/", "/*!",
        ";", ";;", "(", ")", ".", ":", "\\", "E'", "U&'", "x", "SELECT 1", " ", "\n", "\r\n",
        "\t", "BEGIN", "END", "CASE", "IF", "END IF", "ATOMIC", "NOT ATOMIC", "CREATE TRIGGER t",
        "CREATE FUNCTION f()", "CREATE PROCEDURE p()", "DEFINER=", "@", "DELIMITER //",
        "\nDELIMITER //\n", "\nDELIMITER ;\n", "//", " FOR EACH ROW ", "THEN", "DO", "LOOP",
        "END LOOP", "é", "ß", "🦀", "\u{3000}", "\u{0}",
    ];

    fn dialect() -> impl Strategy<Value = Dialect> {
        prop::sample::select(vec![PG, MY, LITE])
    }

    fn fragments() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
    }

    /// The text at 1-based `line` and char `column` of `text`, lines ending at `\n`.
    fn text_at(text: &str, line: u32, column: u32) -> Option<&str> {
        let line_text_start = if line == 1 {
            0
        } else {
            text.match_indices('\n').nth(line as usize - 2)?.0 + 1
        };
        let rest = &text[line_text_start..];
        let offset = rest
            .char_indices()
            .map(|(i, _)| i)
            .chain([rest.len()])
            .nth(column as usize - 1)?;
        Some(&rest[offset..])
    }

    fn check_positions(text: &str, statements: &[Statement]) -> Result<(), TestCaseError> {
        for s in statements {
            let at = text_at(text, s.line, s.column);
            prop_assert!(
                at.is_some_and(|at| at.starts_with(&s.sql)),
                "{:?} not at {}:{} of {:?}",
                s.sql,
                s.line,
                s.column,
                text
            );
            prop_assert!(!s.sql.is_empty());
            prop_assert_eq!(
                s.sql
                    .trim_end_matches(|c: char| c.is_ascii_whitespace() || c == '\u{b}'),
                s.sql.as_str()
            );
        }
        Ok(())
    }

    /// Quotes `content` as a string literal of `dialect`.
    fn literal(content: &str, dialect: Dialect) -> String {
        let mut s = content.replace('\'', "''");
        if dialect == MY {
            s = content.replace('\\', "\\\\").replace('\'', "\\'");
        }
        format!("'{s}'")
    }

    fn quoted_name(content: &str, dialect: Dialect) -> String {
        if dialect == MY {
            format!("`{}`", content.replace('`', "``"))
        } else {
            format!("\"{}\"", content.replace('"', "\"\""))
        }
    }

    /// A well-formed statement of `dialect`, built from `a` and `b` (arbitrary text).
    fn statement(dialect: Dialect, template: usize, a: &str, b: &str) -> String {
        let comment = b.replace("*/", "* /").replace("/*", "/ *");
        let line_comment = b.replace(['\n', '\r'], " ");
        match template {
            0 => format!("SELECT {}", literal(a, dialect)),
            1 => format!(
                "INSERT INTO {} VALUES ({}, 1)",
                quoted_name(a, dialect),
                literal(b, dialect)
            ),
            2 => format!("UPDATE t\nSET c = {}\nWHERE id = 2", literal(a, dialect)),
            3 => format!("SELECT 1 /* {comment} */ + 2"),
            4 => format!("SELECT 1 -- {line_comment}\n  + 2"),
            5 => match dialect {
                Dialect::Postgres => {
                    let body = a.replace('$', "");
                    format!("CREATE FUNCTION f() RETURNS text AS $fn$ {body} $fn$ LANGUAGE sql")
                }
                Dialect::Mysql => format!(
                    "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW\nBEGIN\n  SET NEW.a = {};\n  IF NEW.b THEN SET NEW.c = 1; END IF;\nEND",
                    literal(a, dialect)
                ),
                Dialect::Sqlite => format!(
                    "CREATE TRIGGER t AFTER INSERT ON x\nBEGIN\n  UPDATE y SET v = {};\n  DELETE FROM z;\nEND",
                    literal(a, dialect)
                ),
            },
            _ => match dialect {
                Dialect::Postgres => format!(
                    "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT {};\n  SELECT CASE WHEN true THEN 1 END;\nEND",
                    literal(a, dialect)
                ),
                Dialect::Mysql => format!(
                    "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW\nIF NEW.a = {} THEN\n  SET NEW.b = IF(NEW.c, 1, 2);\nELSE\n  SET NEW.b = CASE WHEN NEW.end THEN 3 END;\nEND IF",
                    literal(a, dialect)
                ),
                Dialect::Sqlite => format!("DELETE FROM t WHERE c = {}", literal(b, dialect)),
            },
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>(), d in dialect()) {
            if let Ok(statements) = split(&text, d) {
                check_positions(&text, &statements)?;
            }
        }

        #[test]
        fn never_panics_on_sql_fragments(text in fragments(), d in dialect()) {
            if let Ok(statements) = split(&text, d) {
                check_positions(&text, &statements)?;
            }
        }

        #[test]
        fn well_formed_statements_come_back_in_order(
            d in dialect(),
            parts in prop::collection::vec(
                (0usize..7, "[a-z;'\"`$\\\\\n/*é -]{0,12}", "[a-z;'\"`$\\\\\n/*é -]{0,12}"),
                1..8,
            ),
        ) {
            let statements: Vec<String> =
                parts.iter().map(|(t, a, b)| statement(d, *t, a, b)).collect();
            let text = statements.join(";\n");
            let split = split(&text, d).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
            let got: Vec<&str> = split.iter().map(|s| s.sql.as_str()).collect();
            prop_assert_eq!(&got, &statements, "{}", text);
            let mut line = 1u32;
            for (s, expected) in split.iter().zip(&statements) {
                prop_assert_eq!((s.line, s.column), (line, 1));
                line += expected.matches('\n').count() as u32 + 1;
            }
            check_positions(&text, &split)?;
        }
    }
}
