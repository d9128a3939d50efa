//! The tokenizer shared by the splitter and the classifier.
//!
//! It only needs to know where tokens end, so it knows quotes, comments, dollar quotes and
//! words, and nothing of SQL grammar. It works on bytes: every byte at or above 0x80 counts
//! as a word byte (as in PostgreSQL's lexer), so a multi-byte character always lies inside
//! one token and every token boundary is a char boundary.

use super::Dialect;

/// What a token is. Punctuation is one ASCII byte, whatever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Spaces, tabs, newlines, form feeds.
    Whitespace,
    /// `-- ...` or MySQL `# ...`, up to (not including) the newline.
    LineComment,
    /// `/* ... */`.
    BlockComment,
    /// MySQL `/*! ... */` or MariaDB `/*M! ... */`: the server runs what is inside.
    ExecComment,
    /// A bare identifier or keyword.
    Word,
    /// A number (or, in MySQL, an identifier that starts with a digit).
    Number,
    /// A string literal, with any prefix (`E`, `U&`, `B`, `X`, `N`).
    String,
    /// `"..."`, `` `...` ``, `[...]`, `U&"..."`.
    QuotedIdent,
    /// PostgreSQL `$tag$ ... $tag$`.
    DollarString,
    /// Any other single ASCII byte.
    Punct,
}

/// One token: its kind, its byte offset and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) text: &'a str,
}

impl Token<'_> {
    /// Byte offset just past the token.
    pub(crate) fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Whether this is the bare word `kw` (ASCII case-insensitive).
    pub(crate) fn is_word(&self, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation byte `c`.
    pub(crate) fn is_punct(&self, c: u8) -> bool {
        self.kind == TokenKind::Punct && self.text.as_bytes() == [c]
    }

    /// Whitespace and comments: what the server ignores. Executable comments are not trivia.
    pub(crate) fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

/// An unterminated construct: where it starts and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub(crate) start: usize,
    pub(crate) message: String,
}

/// The lexical rules of one dialect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// PostgreSQL nests `/* */`; MySQL and SQLite end at the first `*/`.
    nested_comments: bool,
    /// MySQL only treats `--` as a comment when a space or control character follows.
    dash_comment_needs_space: bool,
    hash_comments: bool,
    exec_comments: bool,
    dollar_quotes: bool,
    /// Backslash escapes in plain `'...'` / `"..."` strings (MySQL).
    backslash_escapes: bool,
    /// `"..."` is a string (MySQL) rather than an identifier.
    double_quote_string: bool,
    backtick_ident: bool,
    bracket_ident: bool,
    /// PostgreSQL `E'...'` and `U&'...'`.
    pg_prefixes: bool,
    /// MySQL identifiers may start with `$`.
    dollar_starts_word: bool,
}

impl Rules {
    /// Rules for when the dialect is not known: PostgreSQL's, plus backtick identifiers.
    /// Only used to find leading words, where a string or quoted name ends the search anyway.
    pub(crate) const GENERIC: Rules = Rules {
        nested_comments: true,
        dash_comment_needs_space: false,
        hash_comments: false,
        exec_comments: false,
        dollar_quotes: true,
        backslash_escapes: false,
        double_quote_string: false,
        backtick_ident: true,
        bracket_ident: false,
        pg_prefixes: true,
        dollar_starts_word: false,
    };

    /// The rules of `dialect`.
    pub(crate) fn of(dialect: Dialect) -> Rules {
        match dialect {
            Dialect::Postgres => Rules {
                backtick_ident: false,
                ..Rules::GENERIC
            },
            Dialect::Mysql => Rules {
                nested_comments: false,
                dash_comment_needs_space: true,
                hash_comments: true,
                exec_comments: true,
                dollar_quotes: false,
                backslash_escapes: true,
                double_quote_string: true,
                backtick_ident: true,
                bracket_ident: false,
                pg_prefixes: false,
                dollar_starts_word: true,
            },
            Dialect::Sqlite => Rules {
                nested_comments: false,
                dash_comment_needs_space: false,
                hash_comments: false,
                exec_comments: false,
                dollar_quotes: false,
                backslash_escapes: false,
                double_quote_string: false,
                backtick_ident: true,
                bracket_ident: true,
                pg_prefixes: false,
                dollar_starts_word: false,
            },
        }
    }
}

/// Whitespace as all three engines see it (ASCII only).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_tag_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// A tokenizer over `text`, from any char boundary.
#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    rules: Rules,
    /// A client delimiter other than `;` (MySQL `DELIMITER`). The mysql client finds it
    /// anywhere outside strings and comments, even inside a word (`END$$`), so words and
    /// numbers stop where it starts.
    delimiter: &'a [u8],
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str, rules: Rules) -> Lexer<'a> {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            rules,
            delimiter: &[],
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to `pos`, which must be a char boundary (callers only pass token ends, ASCII
    /// positions or the end of the text).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        debug_assert!(self.text.is_char_boundary(pos.min(self.text.len())));
        self.pos = pos.min(self.bytes.len());
    }

    /// Sets the custom delimiter words must stop at; empty for none.
    pub(crate) fn set_delimiter(&mut self, delimiter: &'a str) {
        self.delimiter = delimiter.as_bytes();
    }

    /// Whether the custom delimiter starts at byte `i`.
    fn delimiter_at(&self, i: usize) -> bool {
        starts_with_ignore_case(&self.bytes[i..], self.delimiter)
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// The next token, `None` at the end of the text.
    pub(crate) fn next_token(&mut self) -> Option<Result<Token<'a>, LexError>> {
        let start = self.pos;
        let b = self.byte(start)?;
        let next = self.byte(start + 1);
        let result = match b {
            _ if is_space(b) => {
                let end = self.scan_while(start + 1, is_space);
                Ok((TokenKind::Whitespace, end))
            }
            b'-' if next == Some(b'-') && self.dash_comment_at(start) => {
                Ok((TokenKind::LineComment, self.line_end(start)))
            }
            b'#' if self.rules.hash_comments => Ok((TokenKind::LineComment, self.line_end(start))),
            b'/' if next == Some(b'*') => self.block_comment(start),
            b'\'' => self.string(start, start + 1, b'\'', self.rules.backslash_escapes),
            b'"' if self.rules.double_quote_string => {
                self.string(start, start + 1, b'"', self.rules.backslash_escapes)
            }
            b'"' => self.quoted_ident(start, start + 1, b'"'),
            b'`' if self.rules.backtick_ident => self.quoted_ident(start, start + 1, b'`'),
            b'[' if self.rules.bracket_ident => self.quoted_ident(start, start + 1, b']'),
            b'$' if self.rules.dollar_quotes => match self.dollar_tag_end(start) {
                Some(tag_end) => self.dollar_string(start, tag_end),
                None => Ok((TokenKind::Punct, start + 1)),
            },
            b'$' if self.rules.dollar_starts_word => Ok((TokenKind::Word, self.word_end(start))),
            b'0'..=b'9' => Ok((TokenKind::Number, self.word_end(start))),
            _ if is_word_start(b) => self.word_or_prefixed(start, b, next),
            _ => Ok((TokenKind::Punct, start + 1)),
        };
        Some(result.map(|(kind, end)| {
            self.pos = end;
            Token {
                kind,
                start,
                text: &self.text[start..end],
            }
        }))
    }

    fn scan_while(&self, from: usize, pred: fn(u8) -> bool) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| !pred(b))
            .map_or(self.bytes.len(), |n| from + n)
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |n| from + n)
    }

    /// `--` at `start` opens a comment, given the dialect.
    fn dash_comment_at(&self, start: usize) -> bool {
        !self.rules.dash_comment_needs_space || self.byte(start + 2).is_none_or(|c| c <= b' ')
    }

    /// The end of the word starting at `start`, stopping before a custom delimiter.
    fn word_end(&self, start: usize) -> usize {
        let bytes = self.bytes;
        // Continuation bytes of a multi-byte first char are word bytes, and a delimiter (valid
        // UTF-8) can never match from one, so starting one byte on is safe.
        let mut i = start + 1;
        match self.delimiter.first() {
            None => return self.scan_while(i, is_word_byte),
            Some(&first) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    if bytes[i].eq_ignore_ascii_case(&first) && self.delimiter_at(i) {
                        break;
                    }
                    i += 1;
                }
            }
        }
        i
    }

    fn word_or_prefixed(
        &self,
        start: usize,
        b: u8,
        next: Option<u8>,
    ) -> Result<(TokenKind, usize), LexError> {
        let upper = b.to_ascii_uppercase();
        if next == Some(b'\'') {
            match upper {
                b'E' if self.rules.pg_prefixes => {
                    return self.string(start, start + 2, b'\'', true);
                }
                b'B' | b'X' | b'N' => {
                    return self.string(start, start + 2, b'\'', self.rules.backslash_escapes);
                }
                _ => {}
            }
        }
        if upper == b'U' && self.rules.pg_prefixes && next == Some(b'&') {
            match self.byte(start + 2) {
                Some(b'\'') => return self.string(start, start + 3, b'\'', false),
                Some(b'"') => return self.quoted_ident(start, start + 3, b'"'),
                _ => {}
            }
        }
        Ok((TokenKind::Word, self.word_end(start)))
    }

    /// A string from `start` whose body starts at `body`; `quote` closes it, doubled quotes
    /// stand for one, and `backslash` says whether `\` escapes the next byte.
    fn string(
        &self,
        start: usize,
        body: usize,
        quote: u8,
        backslash: bool,
    ) -> Result<(TokenKind, usize), LexError> {
        let bytes = self.bytes;
        let mut i = body;
        while let Some(n) = bytes[i..]
            .iter()
            .position(|&c| c == quote || (backslash && c == b'\\'))
        {
            i += n;
            if bytes[i] == b'\\' {
                // Skipping one byte is enough even before a multi-byte char: its
                // continuation bytes are neither quotes nor backslashes.
                i += 2;
            } else if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return Ok((TokenKind::String, i + 1));
            }
            if i >= bytes.len() {
                break;
            }
        }
        let q = quote as char;
        let prefix = &self.text[start..body - 1];
        let hint = if backslash {
            format!(" (\\{q} and {q}{q} are quotes inside it)")
        } else {
            format!(" (write {q}{q} for a quote inside it)")
        };
        let what = if prefix.is_empty() {
            "string literal".to_owned()
        } else {
            format!("{prefix}{q}...{q} string")
        };
        Err(LexError {
            start,
            message: format!("unterminated {what} started here; close it with {q}{hint}"),
        })
    }

    fn quoted_ident(
        &self,
        start: usize,
        body: usize,
        close: u8,
    ) -> Result<(TokenKind, usize), LexError> {
        let bytes = self.bytes;
        // Brackets have no escape; quotes and backticks are doubled.
        let doubled = close != b']';
        let mut i = body;
        while let Some(n) = bytes[i..].iter().position(|&c| c == close) {
            i += n;
            if doubled && bytes.get(i + 1) == Some(&close) {
                i += 2;
            } else {
                return Ok((TokenKind::QuotedIdent, i + 1));
            }
        }
        let c = close as char;
        let hint = if doubled {
            format!(" (write {c}{c} for a {c} inside the name)")
        } else {
            String::new()
        };
        Err(LexError {
            start,
            message: format!(
                "unterminated quoted identifier started here; close it with {c}{hint}"
            ),
        })
    }

    fn block_comment(&self, start: usize) -> Result<(TokenKind, usize), LexError> {
        let bytes = self.bytes;
        let exec = self.rules.exec_comments
            && (self.byte(start + 2) == Some(b'!')
                || (self.byte(start + 2) == Some(b'M') && self.byte(start + 3) == Some(b'!')));
        let kind = if exec {
            TokenKind::ExecComment
        } else {
            TokenKind::BlockComment
        };
        let body = start + 2;
        if !self.rules.nested_comments {
            if let Some(n) = find_bytes(&bytes[body..], b"*/") {
                return Ok((kind, body + n + 2));
            }
        } else {
            let mut depth = 1u32;
            let mut i = body;
            while let Some(n) = bytes[i..].iter().position(|&c| c == b'*' || c == b'/') {
                i += n;
                match (bytes[i], bytes.get(i + 1)) {
                    (b'/', Some(b'*')) => {
                        depth += 1;
                        i += 2;
                    }
                    (b'*', Some(b'/')) => {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            return Ok((kind, i));
                        }
                    }
                    _ => i += 1,
                }
            }
        }
        let message = if exec {
            "unterminated executable comment /*! started here; close it with */".to_owned()
        } else if self.rules.nested_comments {
            "unterminated block comment started here; close it with */ (comments nest in \
             PostgreSQL: every /* inside it needs its own */)"
                .to_owned()
        } else {
            "unterminated block comment started here; close it with */".to_owned()
        };
        Err(LexError { start, message })
    }

    /// If a dollar-quote tag starts at `start` (`$$` or `$tag$`), the end of the tag.
    fn dollar_tag_end(&self, start: usize) -> Option<usize> {
        let bytes = self.bytes;
        let first = *bytes.get(start + 1)?;
        if first == b'$' {
            return Some(start + 2);
        }
        // `$1` is a parameter: a tag cannot start with a digit.
        if !(first.is_ascii_alphabetic() || first == b'_' || first >= 0x80) {
            return None;
        }
        let end = self.scan_while(start + 2, is_tag_byte);
        (bytes.get(end) == Some(&b'$')).then_some(end + 1)
    }

    fn dollar_string(&self, start: usize, tag_end: usize) -> Result<(TokenKind, usize), LexError> {
        let tag = &self.text[start..tag_end];
        match self.text[tag_end..].find(tag) {
            Some(n) => Ok((TokenKind::DollarString, tag_end + n + tag.len())),
            None => Err(LexError {
                start,
                message: format!(
                    "unterminated dollar-quoted string {tag} started here; close it with {tag}"
                ),
            }),
        }
    }
}

/// ASCII case-insensitive `haystack.starts_with(needle)`; false for an empty needle.
pub(crate) fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack.len() >= needle.len()
        && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The tokens of `text` that the server sees: no whitespace, no comments. Stops at the
/// first unterminated construct. With `expand_exec`, the inside of MySQL executable comments
/// is tokenized in place (so `/*!40101 SET NAMES utf8 */` reads as `SET NAMES utf8`).
#[derive(Debug, Clone)]
pub(crate) struct Significant<'a> {
    outer: Lexer<'a>,
    inner: Option<Lexer<'a>>,
    expand_exec: bool,
}

impl<'a> Significant<'a> {
    pub(crate) fn new(text: &'a str, rules: Rules, expand_exec: bool) -> Significant<'a> {
        Significant {
            outer: Lexer::new(text, rules),
            inner: None,
            expand_exec,
        }
    }
}

impl<'a> Iterator for Significant<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            if let Some(inner) = &mut self.inner {
                match inner.next_token() {
                    Some(Ok(t)) if t.is_trivia() => continue,
                    Some(Ok(t)) => return Some(t),
                    _ => self.inner = None,
                }
            }
            let t = self.outer.next_token()?.ok()?;
            if t.is_trivia() {
                continue;
            }
            if t.kind == TokenKind::ExecComment && self.expand_exec {
                self.inner = Some(exec_body_lexer(self.outer.text, t, self.outer.rules));
                continue;
            }
            return Some(t);
        }
    }
}

/// A lexer over the inside of an executable comment, positioned in the full text so token
/// offsets stay absolute.
fn exec_body_lexer<'a>(text: &'a str, t: Token<'a>, rules: Rules) -> Lexer<'a> {
    let bytes = t.text.as_bytes();
    let mut body = if bytes.get(2) == Some(&b'M') { 4 } else { 3 };
    // The optional version number (`/*!40101`) is not part of the statement.
    while bytes.get(body).is_some_and(u8::is_ascii_digit) {
        body += 1;
    }
    let end = t.end() - 2;
    let mut lexer = Lexer::new(&text[..end], rules);
    lexer.set_pos((t.start + body).min(end));
    lexer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        let mut lexer = Lexer::new(text, Rules::of(dialect));
        let mut out = Vec::new();
        while let Some(t) = lexer.next_token() {
            let t = t.expect("token");
            out.push((t.kind, t.text));
        }
        out
    }

    fn significant(text: &str, dialect: Dialect) -> Vec<&str> {
        Significant::new(text, Rules::of(dialect), true)
            .map(|t| t.text)
            .collect()
    }

    fn error(text: &str, dialect: Dialect) -> LexError {
        let mut lexer = Lexer::new(text, Rules::of(dialect));
        loop {
            match lexer.next_token() {
                Some(Ok(_)) => {}
                Some(Err(e)) => return e,
                None => panic!("no error in {text:?}"),
            }
        }
    }

    use TokenKind::*;

    #[test]
    fn postgres_strings_and_prefixes() {
        let pg = Dialect::Postgres;
        assert_eq!(
            kinds(r"'a\' x", pg),
            vec![(String, r"'a\'"), (Whitespace, " "), (Word, "x")]
        );
        assert_eq!(kinds(r"E'a\'b'", pg), vec![(String, r"E'a\'b'")]);
        assert_eq!(kinds("e'it''s'", pg), vec![(String, "e'it''s'")]);
        assert_eq!(kinds("U&'d\\0061'", pg), vec![(String, "U&'d\\0061'")]);
        assert_eq!(kinds("u&\"x\"", pg), vec![(QuotedIdent, "u&\"x\"")]);
        assert_eq!(kinds("B'101'", pg), vec![(String, "B'101'")]);
        assert_eq!(kinds("x'ff'", pg), vec![(String, "x'ff'")]);
        assert_eq!(kinds("somE'x'", pg), vec![(Word, "somE"), (String, "'x'")]);
        assert_eq!(kinds("\"a\"\"b\"", pg), vec![(QuotedIdent, "\"a\"\"b\"")]);
        assert_eq!(
            kinds("`a`", pg),
            vec![(Punct, "`"), (Word, "a"), (Punct, "`")]
        );
    }

    #[test]
    fn postgres_dollar_quotes_and_parameters() {
        let pg = Dialect::Postgres;
        assert_eq!(kinds("$$a;$$", pg), vec![(DollarString, "$$a;$$")]);
        assert_eq!(
            kinds("$fn$ $$ $fn$", pg),
            vec![(DollarString, "$fn$ $$ $fn$")]
        );
        assert_eq!(kinds("$1", pg), vec![(Punct, "$"), (Number, "1")]);
        assert_eq!(kinds("a$b$c", pg), vec![(Word, "a$b$c")]);
        assert_eq!(kinds("$é$x$é$", pg), vec![(DollarString, "$é$x$é$")]);
        assert_eq!(kinds("$a b", pg)[0], (Punct, "$"));
    }

    #[test]
    fn comments_per_dialect() {
        let pg = Dialect::Postgres;
        let my = Dialect::Mysql;
        assert_eq!(
            kinds("/* /* */ */x", pg),
            vec![(BlockComment, "/* /* */ */"), (Word, "x")]
        );
        assert_eq!(kinds("/* /* */ */x", my)[0], (BlockComment, "/* /* */"));
        assert_eq!(kinds("--x\ny", pg)[0], (LineComment, "--x"));
        assert_eq!(kinds("--x", my)[0], (Punct, "-"));
        assert_eq!(kinds("-- x", my)[0], (LineComment, "-- x"));
        assert_eq!(kinds("--\tx", my)[0], (LineComment, "--\tx"));
        assert_eq!(kinds("--", my)[0], (LineComment, "--"));
        assert_eq!(kinds("# x\n", my)[0], (LineComment, "# x"));
        assert_eq!(kinds("# x\n", pg)[0], (Punct, "#"));
        assert_eq!(kinds("/*!40101 SET x */", my)[0].0, ExecComment);
        assert_eq!(kinds("/*M!100100 SET x */", my)[0].0, ExecComment);
        assert_eq!(kinds("/*!x */", pg)[0].0, BlockComment);
    }

    #[test]
    fn mysql_and_sqlite_quotes() {
        let my = Dialect::Mysql;
        let lite = Dialect::Sqlite;
        assert_eq!(kinds(r#""a\"b""#, my), vec![(String, r#""a\"b""#)]);
        assert_eq!(kinds(r"'a\\'", my), vec![(String, r"'a\\'")]);
        assert_eq!(kinds("`a``b`", my), vec![(QuotedIdent, "`a``b`")]);
        assert_eq!(kinds("$x", my), vec![(Word, "$x")]);
        assert_eq!(kinds("[a b]", lite), vec![(QuotedIdent, "[a b]")]);
        assert_eq!(kinds(r"'a\'", lite), vec![(String, r"'a\'")]);
        assert_eq!(kinds("`a`", lite), vec![(QuotedIdent, "`a`")]);
    }

    #[test]
    fn words_stop_at_a_custom_delimiter() {
        let mut lexer = Lexer::new("END$$", Rules::of(Dialect::Mysql));
        lexer.set_delimiter("$$");
        let t = lexer.next_token().expect("token").expect("ok");
        assert_eq!(t.text, "END");
        assert_eq!(lexer.pos(), 3);
    }

    #[test]
    fn multibyte_text_is_never_split() {
        let toks = kinds("é;ü'ß'\u{3000}x", Dialect::Mysql);
        assert_eq!(toks[0], (Word, "é"));
        assert_eq!(toks[2], (Word, "ü"));
        assert_eq!(toks[3], (String, "'ß'"));
        assert_eq!(toks[4], (Word, "\u{3000}x"));
    }

    #[test]
    fn significant_tokens_expand_executable_comments() {
        assert_eq!(
            significant("/*!40101 SET NAMES utf8 */ -- c\n x", Dialect::Mysql),
            vec!["SET", "NAMES", "utf8", "x"]
        );
        assert_eq!(
            significant("/*M!100100 SET a=1*/", Dialect::Mysql),
            vec!["SET", "a", "=", "1"]
        );
        assert_eq!(significant("/*!*/", Dialect::Mysql), Vec::<&str>::new());
    }

    #[test]
    fn unterminated_constructs() {
        let pg = Dialect::Postgres;
        let e = error("x 'abc", pg);
        assert_eq!(e.start, 2);
        assert!(e.message.starts_with("unterminated string literal"));
        let e = error("E'a\\'", pg);
        assert!(e.message.starts_with("unterminated E'...' string"), "{e:?}");
        let e = error("$a$ x $b$", pg);
        assert_eq!(
            e.message,
            "unterminated dollar-quoted string $a$ started here; close it with $a$"
        );
        let e = error("/* /* */", pg);
        assert_eq!(e.start, 0);
        assert!(e.message.contains("nest"));
        assert!(error("\"ab", pg).message.contains("quoted identifier"));
        assert!(
            error("[ab", Dialect::Sqlite)
                .message
                .contains("close it with ]")
        );
        assert!(
            error("`ab", Dialect::Mysql)
                .message
                .contains("close it with `")
        );
        assert!(
            error("'ab\\", Dialect::Mysql)
                .message
                .contains("unterminated")
        );
        assert!(
            error("/*!ab", Dialect::Mysql)
                .message
                .contains("executable")
        );
    }
}
