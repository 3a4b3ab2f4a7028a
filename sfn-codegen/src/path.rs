//! JSONPath as Step Functions reads it (the Jayway dialect), parsed at compile time.
//!
//! A parsed [`Path`] is later emitted as a `static` slice of
//! `sfn_runtime::__private::path::Step`s, so no path text is parsed at run time.

/// What a path starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$`: the data the field applies to.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The path text as written.
    pub text: String,
    /// Where it starts.
    pub root: Root,
    /// The steps after the root.
    pub steps: Vec<Step>,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`, `['name']`
    Field(String),
    /// `[3]`, `[-1]`
    Index(i64),
    /// `.*`, `[*]`
    Wildcard,
    /// `[start:end:step]`
    Slice(Option<i64>, Option<i64>, i64),
    /// `['a','b']`, `[0,1]`
    Union(Vec<Step>),
    /// `..`
    Descend,
    /// `[?(…)]`
    Filter(Filter),
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `@.a`
    Exists(Vec<Step>),
    /// `@.a < 3`
    Compare(Vec<Step>, CmpOp, Literal),
    /// `x && y`
    And(Box<Filter>, Box<Filter>),
    /// `x || y`
    Or(Box<Filter>, Box<Filter>),
    /// `!x`
    Not(Box<Filter>),
}

/// A filter comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A filter literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// a number
    Num(f64),
    /// `'text'` or `"text"`
    Str(String),
}

/// A syntax error at a byte offset of the path text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Byte offset into the path text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl Path {
    /// A path that selects at most one node: names and single indexes only.
    pub fn is_definite(&self) -> bool {
        self.steps
            .iter()
            .all(|s| matches!(s, Step::Field(_) | Step::Index(_)))
    }
}

/// Parses a path (`$…`, `$$…` or `$var…`).
pub fn parse(text: &str) -> Result<Path, PathError> {
    let mut p = Parser {
        text,
        pos: 0,
        filter_depth: 0,
        filter_terms: 0,
    };
    if !p.eat('$') {
        return Err(p.error("a path must start with `$`"));
    }
    let root = if p.eat('$') {
        Root::Context
    } else if p.peek().is_some_and(|c| c.is_alphabetic() || c == '_') {
        let start = p.pos;
        while p.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            p.bump();
        }
        Root::Variable(text[start..p.pos].to_owned())
    } else {
        Root::Input
    };
    let steps = p.steps(false)?;
    if p.pos < text.len() {
        return Err(p.error("unexpected character in path"));
    }
    Ok(Path {
        text: text.to_owned(),
        root,
        steps,
    })
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Filter nesting and size so far, bounded so that parsing and emitting stay shallow.
    filter_depth: usize,
    filter_terms: usize,
}

/// The most `!`/`(` nesting and the most comparisons one filter may have.
const MAX_FILTER_DEPTH: usize = 32;
const MAX_FILTER_TERMS: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.text[self.pos..].chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn error(&self, message: &str) -> PathError {
        PathError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    /// Steps until the end of the text (or, inside a filter, until a character
    /// that cannot continue a relative path).
    fn steps(&mut self, in_filter: bool) -> Result<Vec<Step>, PathError> {
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.bump();
                    if self.eat('.') {
                        steps.push(Step::Descend);
                        match self.peek() {
                            Some('[') => {}
                            Some('*') => {
                                self.bump();
                                steps.push(Step::Wildcard);
                            }
                            _ => steps.push(Step::Field(self.name(in_filter)?)),
                        }
                    } else if self.peek() == Some('[') {
                        // `$.abc.['def ghi']`: a dot before a bracket is tolerated.
                    } else if self.eat('*') {
                        steps.push(Step::Wildcard);
                    } else {
                        steps.push(Step::Field(self.name(in_filter)?));
                    }
                }
                Some('[') => {
                    self.bump();
                    steps.push(self.bracket()?);
                }
                _ => return Ok(steps),
            }
        }
    }

    fn name(&mut self, in_filter: bool) -> Result<String, PathError> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            let stop =
                c == '.' || c == '[' || (in_filter && (c.is_whitespace() || "=!<>&|)".contains(c)));
            if stop {
                break;
            }
            self.bump();
            if c == '\\' {
                match self.bump() {
                    Some(escaped) => name.push(escaped),
                    None => return Err(self.error("a backslash must be followed by a character")),
                }
            } else {
                name.push(c);
            }
        }
        if name.is_empty() {
            return Err(self.error("expected a member name after `.`"));
        }
        Ok(name)
    }

    fn bracket(&mut self) -> Result<Step, PathError> {
        self.skip_ws();
        if self.eat('*') {
            self.skip_ws();
            return self.close(Step::Wildcard);
        }
        if self.eat('?') {
            self.skip_ws();
            if !self.eat('(') {
                return Err(self.error("expected `(` after `?` in a filter"));
            }
            let filter = self.filter_or()?;
            self.skip_ws();
            if !self.eat(')') {
                return Err(self.error("expected `)` to close the filter"));
            }
            self.skip_ws();
            return self.close(Step::Filter(filter));
        }
        if matches!(self.peek(), Some('\'' | '"')) {
            let mut names = vec![Step::Field(self.quoted()?)];
            self.skip_ws();
            while self.eat(',') {
                self.skip_ws();
                names.push(Step::Field(self.quoted()?));
                self.skip_ws();
            }
            let step = if names.len() == 1 {
                names.remove(0)
            } else {
                Step::Union(names)
            };
            return self.close(step);
        }
        // Indexes, unions of indexes and slices.
        let first = self.int_opt()?;
        self.skip_ws();
        if self.peek() == Some(':') {
            self.bump();
            self.skip_ws();
            let end = self.int_opt()?;
            self.skip_ws();
            let mut by = 1;
            if self.eat(':') {
                self.skip_ws();
                by = self.int_opt()?.unwrap_or(1);
                if by == 0 {
                    return Err(self.error("a slice step cannot be 0"));
                }
            }
            self.skip_ws();
            return self.close(Step::Slice(first, end, by));
        }
        let Some(first) = first else {
            return Err(
                self.error("expected an index, a quoted name, `*`, a slice or a filter after `[`")
            );
        };
        let mut items = vec![Step::Index(first)];
        while self.eat(',') {
            self.skip_ws();
            match self.int_opt()? {
                Some(i) => items.push(Step::Index(i)),
                None => return Err(self.error("expected an index after `,`")),
            }
            self.skip_ws();
        }
        let step = if items.len() == 1 {
            items.remove(0)
        } else {
            Step::Union(items)
        };
        self.close(step)
    }

    fn close(&mut self, step: Step) -> Result<Step, PathError> {
        if self.eat(']') {
            Ok(step)
        } else {
            Err(self.error("expected `]`"))
        }
    }

    fn int_opt(&mut self) -> Result<Option<i64>, PathError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.bump();
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let digits = &self.text[start..self.pos];
        if digits.is_empty() {
            return Ok(None);
        }
        digits.parse().map(Some).map_err(|_| PathError {
            offset: start,
            message: "expected an integer".to_owned(),
        })
    }

    fn quoted(&mut self) -> Result<String, PathError> {
        let quote = self.bump().unwrap_or('\'');
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unterminated quoted name")),
                // Inside quotes a backslash escapes only the quote character;
                // elsewhere it is an ordinary character (as AWS reads `$['a\\"b']`).
                Some('\\') if self.peek() == Some(quote) => {
                    self.bump();
                    out.push(quote);
                }
                Some(c) if c == quote => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn filter_or(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_and()?;
        loop {
            self.skip_ws();
            if self.eat_str("||") {
                let right = self.filter_and()?;
                left = Filter::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_and(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_unary()?;
        loop {
            self.skip_ws();
            if self.eat_str("&&") {
                let right = self.filter_unary()?;
                left = Filter::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn filter_unary(&mut self) -> Result<Filter, PathError> {
        self.filter_depth += 1;
        let result = self.filter_unary_inner();
        self.filter_depth -= 1;
        result
    }

    fn filter_unary_inner(&mut self) -> Result<Filter, PathError> {
        self.skip_ws();
        if self.filter_depth > MAX_FILTER_DEPTH {
            return Err(self.error("the filter nests too deeply"));
        }
        self.filter_terms += 1;
        if self.filter_terms > MAX_FILTER_TERMS {
            return Err(self.error("the filter has too many terms"));
        }
        if self.peek() == Some('!') && self.peek2() != Some('=') {
            self.bump();
            return Ok(Filter::Not(Box::new(self.filter_unary()?)));
        }
        if self.eat('(') {
            let inner = self.filter_or()?;
            self.skip_ws();
            if !self.eat(')') {
                return Err(self.error("expected `)`"));
            }
            return Ok(inner);
        }
        if !self.eat('@') {
            return Err(self.error("a filter compares `@`-relative paths, e.g. `?(@.price < 10)`"));
        }
        let steps = self.steps(true)?;
        if steps
            .iter()
            .any(|s| !matches!(s, Step::Field(_) | Step::Index(_)))
        {
            return Err(self.error("a path inside a filter may only use names and indexes"));
        }
        self.skip_ws();
        let op = if self.eat_str("==") {
            CmpOp::Eq
        } else if self.eat_str("!=") {
            CmpOp::Ne
        } else if self.eat_str("<=") {
            CmpOp::Le
        } else if self.eat_str(">=") {
            CmpOp::Ge
        } else if self.eat('<') {
            CmpOp::Lt
        } else if self.eat('>') {
            CmpOp::Gt
        } else {
            return Ok(Filter::Exists(steps));
        };
        self.skip_ws();
        let literal = self.literal()?;
        Ok(Filter::Compare(steps, op, literal))
    }

    fn literal(&mut self) -> Result<Literal, PathError> {
        if matches!(self.peek(), Some('\'' | '"')) {
            return Ok(Literal::Str(self.quoted()?));
        }
        for (word, lit) in [
            ("true", Literal::Bool(true)),
            ("false", Literal::Bool(false)),
            ("null", Literal::Null),
        ] {
            if self.eat_str(word) {
                return Ok(lit);
            }
        }
        let start = self.pos;
        // A bare word compares as a string (`[?(@.key == FooBar)]`), as the
        // asl-validator corpus expects of valid definitions.
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.bump();
            }
            return Ok(Literal::Str(self.text[start..self.pos].to_owned()));
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || "+-.eE".contains(c))
        {
            self.bump();
        }
        self.text[start..self.pos]
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Literal::Num)
            .ok_or_else(|| PathError {
                offset: start,
                message: "expected a number, a quoted string, `true`, `false` or `null`".to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(text: &str) -> Vec<Step> {
        parse(text).unwrap().steps
    }

    #[test]
    fn reference_paths_from_the_spec() {
        assert_eq!(
            steps("$.store.book"),
            vec![Step::Field("store".into()), Step::Field("book".into())]
        );
        assert_eq!(
            steps(r"$.store\.book"),
            vec![Step::Field("store.book".into())]
        );
        assert_eq!(
            steps("$.ledgers[0][22][315].foo"),
            vec![
                Step::Field("ledgers".into()),
                Step::Index(0),
                Step::Index(22),
                Step::Index(315),
                Step::Field("foo".into())
            ]
        );
        assert_eq!(steps("$['store'][0]['book']").len(), 3);
        assert_eq!(
            steps("$.abc.['def ghi']"),
            vec![Step::Field("abc".into()), Step::Field("def ghi".into())]
        );
        assert_eq!(
            steps("$.input-value"),
            vec![Step::Field("input-value".into())]
        );
        assert!(parse("$.a.b").unwrap().is_definite());
    }

    #[test]
    fn indefinite_forms() {
        assert_eq!(
            steps("$.a[1:]"),
            vec![Step::Field("a".into()), Step::Slice(Some(1), None, 1)]
        );
        assert_eq!(
            steps("$.a[-3:]"),
            vec![Step::Field("a".into()), Step::Slice(Some(-3), None, 1)]
        );
        assert_eq!(steps("$[*][*]"), vec![Step::Wildcard, Step::Wildcard]);
        assert_eq!(
            steps("$..name"),
            vec![Step::Descend, Step::Field("name".into())]
        );
        assert_eq!(
            steps("$.a[0,1]"),
            vec![
                Step::Field("a".into()),
                Step::Union(vec![Step::Index(0), Step::Index(1)])
            ]
        );
        let filter = steps("$[?(@.year <= 1999)]");
        assert_eq!(
            filter,
            vec![Step::Filter(Filter::Compare(
                vec![Step::Field("year".into())],
                CmpOp::Le,
                Literal::Num(1999.0)
            ))]
        );
        assert!(!parse("$.a[*]").unwrap().is_definite());
    }

    #[test]
    fn roots() {
        assert_eq!(parse("$$.Execution.Id").unwrap().root, Root::Context);
        assert_eq!(
            parse("$myVar.x").unwrap().root,
            Root::Variable("myVar".into())
        );
        assert_eq!(parse("$").unwrap().steps, vec![]);
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(parse("a.b").unwrap_err().offset, 0);
        assert_eq!(parse("$.a[").unwrap_err().offset, 4);
        assert!(parse("$.a['x'").is_err());
        assert!(parse("$.").is_err());
        assert!(parse("$[1:2:0]").is_err());
    }
}
