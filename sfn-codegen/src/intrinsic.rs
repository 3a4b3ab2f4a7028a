//! Intrinsic function calls (`States.Format('{}', $.name)`, ASL §8): parsing
//! and the compile-time checks of arity and literal argument types.

use std::ops::Range;

use serde_json::Value;

use crate::path::{self, Path, Root};

/// The eighteen intrinsic functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `States.Format`
    Format,
    /// `States.StringToJson`
    StringToJson,
    /// `States.JsonToString`
    JsonToString,
    /// `States.Array`
    Array,
    /// `States.ArrayPartition`
    ArrayPartition,
    /// `States.ArrayContains`
    ArrayContains,
    /// `States.ArrayRange`
    ArrayRange,
    /// `States.ArrayGetItem`
    ArrayGetItem,
    /// `States.ArrayLength`
    ArrayLength,
    /// `States.ArrayUnique`
    ArrayUnique,
    /// `States.Base64Encode`
    Base64Encode,
    /// `States.Base64Decode`
    Base64Decode,
    /// `States.Hash`
    Hash,
    /// `States.JsonMerge`
    JsonMerge,
    /// `States.MathRandom`
    MathRandom,
    /// `States.MathAdd`
    MathAdd,
    /// `States.StringSplit`
    StringSplit,
    /// `States.UUID`
    Uuid,
}

/// What a literal argument must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Anything.
    Any,
    /// A string.
    Str,
    /// A number (rounded to an integer at run time).
    Int,
    /// An array: no literal can be one.
    Array,
    /// An object: no literal can be one.
    Object,
    /// A boolean.
    Bool,
}

impl Func {
    const ALL: [(&'static str, Func); 18] = [
        ("States.Format", Func::Format),
        ("States.StringToJson", Func::StringToJson),
        ("States.JsonToString", Func::JsonToString),
        ("States.Array", Func::Array),
        ("States.ArrayPartition", Func::ArrayPartition),
        ("States.ArrayContains", Func::ArrayContains),
        ("States.ArrayRange", Func::ArrayRange),
        ("States.ArrayGetItem", Func::ArrayGetItem),
        ("States.ArrayLength", Func::ArrayLength),
        ("States.ArrayUnique", Func::ArrayUnique),
        ("States.Base64Encode", Func::Base64Encode),
        ("States.Base64Decode", Func::Base64Decode),
        ("States.Hash", Func::Hash),
        ("States.JsonMerge", Func::JsonMerge),
        ("States.MathRandom", Func::MathRandom),
        ("States.MathAdd", Func::MathAdd),
        ("States.StringSplit", Func::StringSplit),
        ("States.UUID", Func::Uuid),
    ];

    /// The function's name as written, `States.…`.
    pub fn name(self) -> &'static str {
        Func::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("States", |(n, _)| n)
    }

    fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    /// The argument types, for fixed-arity functions; `None` for variadic ones.
    fn params(self) -> Option<&'static [Want]> {
        use Want::*;
        Some(match self {
            Func::Format | Func::Array => return None,
            Func::StringToJson => &[Str],
            Func::JsonToString => &[Any],
            Func::ArrayPartition => &[Array, Int],
            Func::ArrayContains => &[Array, Any],
            Func::ArrayRange => &[Int, Int, Int],
            Func::ArrayGetItem => &[Array, Int],
            Func::ArrayLength | Func::ArrayUnique => &[Array],
            Func::Base64Encode | Func::Base64Decode => &[Str],
            Func::Hash => &[Any, Str],
            Func::JsonMerge => &[Object, Object, Bool],
            Func::MathRandom => &[Int, Int, Int],
            Func::MathAdd => &[Int, Int],
            Func::StringSplit => &[Str, Str],
            Func::Uuid => &[],
        })
    }

    /// Whether the function always returns a string (so it may give a Fail
    /// state's `ErrorPath` or `CausePath`).
    pub fn returns_string(self) -> bool {
        matches!(
            self,
            Func::Format
                | Func::JsonToString
                | Func::ArrayGetItem
                | Func::Base64Encode
                | Func::Base64Decode
                | Func::Hash
                | Func::Uuid
        )
    }
}

/// One argument of a call.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A literal: a string (escapes resolved), number, boolean or null.
    Literal(Value),
    /// The template of `States.Format` when written literally: the text
    /// between the quotes with its `\{`, `\}`, `\'` and `\\` escapes kept.
    FormatTemplate(String),
    /// A path into the input (`$…`) or the context object (`$$…`).
    Path(Path),
    /// A nested call.
    Call(Box<Call>),
}

/// A parsed call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function.
    pub func: Func,
    /// The arguments.
    pub args: Vec<Arg>,
}

impl Call {
    /// Whether any argument, at any depth, is a path of the context object.
    pub fn reads_context(&self) -> bool {
        self.args.iter().any(|a| match a {
            Arg::Path(p) => p.root == Root::Context,
            Arg::Call(c) => c.reads_context(),
            _ => false,
        })
    }

    /// Whether any argument, at any depth, is a path of the input.
    pub fn reads_input(&self) -> bool {
        self.args.iter().any(|a| match a {
            Arg::Path(p) => p.root != Root::Context,
            Arg::Call(c) => c.reads_input(),
            _ => false,
        })
    }
}

/// A malformed call: where (a byte offset into the call text) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Byte offset into the text.
    pub offset: usize,
    /// How many bytes from `offset` are wrong; 0 for the one character there.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when that is clear.
    pub help: Option<String>,
    /// The call is valid ASL that sfn does not compile yet.
    pub unsupported: bool,
}

fn err(offset: usize, message: impl Into<String>) -> Error {
    Error {
        offset,
        len: 0,
        message: message.into(),
        help: None,
        unsupported: false,
    }
}

/// An error about the bytes `range` of the text.
fn err_in(range: &Range<usize>, message: impl Into<String>) -> Error {
    Error {
        len: range.len(),
        ..err(range.start, message)
    }
}

/// The deepest nesting of calls that AWS accepts in one field.
pub const MAX_NESTING: usize = 10;

/// Parses an intrinsic call: the whole of `text` must be one call.
pub fn parse(text: &str) -> Result<Call, Error> {
    let mut p = Parser { text, pos: 0 };
    let call = p.call(1)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(err(
            p.pos,
            "unexpected text after the intrinsic function call",
        ));
    }
    Ok(call)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn call(&mut self, depth: usize) -> Result<Call, Error> {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(self.rest().len());
        let name = &self.text[start..start + len];
        let name_span = start..start + len;
        if depth > MAX_NESTING {
            return Err(err_in(
                &name_span,
                format!("intrinsic function calls can be nested at most {MAX_NESTING} deep"),
            ));
        }
        let Some(func) = Func::from_name(name) else {
            let mut e = err_in(&name_span, format!("unknown intrinsic function `{name}`"));
            let names = Func::ALL.iter().map(|(n, _)| *n);
            e.help = Some(match crate::diagnostic::did_you_mean(name, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "the intrinsic functions are `States.Format`, `States.Array`, `States.Hash`, … (ASL §8.3)".to_owned(),
            });
            return Err(e);
        };
        self.pos += len;
        if self.peek() != Some('(') {
            return Err(err(self.pos, format!("expected `(` after `{name}`")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        let mut offsets = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let arg_start = self.pos;
                let format_template = func == Func::Format && args.is_empty();
                args.push(self.arg(depth, format_template)?);
                let arg_end = arg_start + self.text[arg_start..self.pos].trim_end().len();
                offsets.push(arg_start..arg_end);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(err(self.pos, "expected `,` or `)` after an argument")),
                    None => return Err(err(self.pos, format!("missing `)` to close `{name}(`"))),
                }
            }
        }
        let call = Call { func, args };
        check_arguments(&call, &name_span, &offsets)?;
        Ok(call)
    }

    fn arg(&mut self, depth: usize, format_template: bool) -> Result<Arg, Error> {
        let start = self.pos;
        match self.peek() {
            Some('\'') => {
                let raw = self.string()?;
                if format_template {
                    Ok(Arg::FormatTemplate(raw))
                } else {
                    Ok(Arg::Literal(Value::String(unescape(&raw))))
                }
            }
            Some('$') => {
                let text = self.path_text();
                match path::parse(text) {
                    Ok(p) => {
                        if let Root::Variable(name) = &p.root {
                            let mut e = err(
                                start,
                                format!(
                                    "workflow variables (`${name}`) are not supported yet by sfn"
                                ),
                            );
                            e.unsupported = true;
                            return Err(e);
                        }
                        Ok(Arg::Path(p))
                    }
                    Err(e) => Err(err(
                        start + e.offset,
                        format!("invalid path: {}", e.message),
                    )),
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let len = self
                    .rest()
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                    .unwrap_or(self.rest().len());
                let word = &self.text[start..start + len];
                match word {
                    "true" => {
                        self.pos += len;
                        Ok(Arg::Literal(Value::Bool(true)))
                    }
                    "false" => {
                        self.pos += len;
                        Ok(Arg::Literal(Value::Bool(false)))
                    }
                    "null" => {
                        self.pos += len;
                        Ok(Arg::Literal(Value::Null))
                    }
                    _ => Ok(Arg::Call(Box::new(self.call(depth + 1)?))),
                }
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) => Err(err(
                start,
                "expected an argument: a 'string', a number, true, false, null, a path or a call",
            )),
            None => Err(err(start, "expected an argument")),
        }
    }

    /// A quoted string; returns the raw text between the quotes after checking its escapes.
    fn string(&mut self) -> Result<String, Error> {
        let open = self.pos;
        self.pos += 1;
        let mut raw = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(err(open, "unterminated string: missing the closing `'`"));
            };
            self.pos += c.len_utf8();
            match c {
                '\'' => return Ok(raw),
                '\\' => {
                    let at = self.pos - 1;
                    match self.peek() {
                        Some(e @ ('\'' | '{' | '}' | '\\')) => {
                            self.pos += 1;
                            raw.push('\\');
                            raw.push(e);
                        }
                        _ => {
                            let escaped = self.peek().map_or(0, char::len_utf8);
                            let mut e = err_in(
                                &(at..at + 1 + escaped),
                                "invalid escape in an intrinsic string",
                            );
                            e.help = Some(
                                "only `\\'`, `\\{`, `\\}` and `\\\\` are escapes here (in the JSON file, write `\\\\'` and so on)"
                                    .to_owned(),
                            );
                            return Err(e);
                        }
                    }
                }
                c => raw.push(c),
            }
        }
    }

    /// The text of a path argument: up to a `,` or `)` outside brackets and quotes.
    fn path_text(&mut self) -> &str {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (i, c) in self.rest().char_indices() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '\'' | '"' => quote = Some(c),
                '[' | '(' => depth += 1,
                ']' | ')' if depth > 0 => depth -= 1,
                ',' | ')' if depth == 0 => {
                    self.pos = start + i;
                    return self.text[start..start + i].trim_end();
                }
                _ => {}
            }
        }
        self.pos = self.text.len();
        self.text[start..].trim_end()
    }

    fn number(&mut self) -> Result<Arg, Error> {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
            .unwrap_or(self.rest().len());
        let text = &self.text[start..start + len];
        self.pos += len;
        match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Number(_)) => Ok(Arg::Literal(v)),
            _ => Err(err_in(
                &(start..start + len),
                format!("`{text}` is not a valid number"),
            )),
        }
    }
}

/// Resolves the escapes of a checked string literal.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e) = chars.next() {
                out.push(e);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The number of unescaped `{}` placeholders in a Format template.
fn placeholders(raw: &str) -> usize {
    let mut count = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                count += 1;
            }
            _ => {}
        }
    }
    count
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Arity and literal-type checks (ASL §8.5).
fn check_arguments(
    call: &Call,
    name_span: &Range<usize>,
    offsets: &[Range<usize>],
) -> Result<(), Error> {
    let name = call.func.name();
    let n = call.args.len();
    match call.func {
        Func::Format => {
            if n == 0 {
                let mut e = err_in(name_span, "`States.Format` needs a template argument");
                e.help = Some("write `States.Format('Hello, {}', $.name)`".to_owned());
                return Err(e);
            }
            if let Arg::FormatTemplate(raw) = &call.args[0] {
                let holes = placeholders(raw);
                if holes != n - 1 {
                    return Err(err_in(
                        &offsets[0],
                        format!(
                            "the template has {holes} `{{}}` placeholder{} but {} value{} given",
                            if holes == 1 { "" } else { "s" },
                            n - 1,
                            if n - 1 == 1 { " is" } else { "s are" }
                        ),
                    ));
                }
            } else if let Arg::Literal(v) = &call.args[0] {
                return Err(err_in(
                    &offsets[0],
                    format!(
                        "the template of `States.Format` must be a string, found {}",
                        describe(v)
                    ),
                ));
            }
            return Ok(());
        }
        Func::Array => return Ok(()),
        _ => {}
    }
    let params = call.func.params().unwrap_or(&[]);
    let (min, max) = match call.func {
        Func::MathRandom => (2, 3),
        _ => (params.len(), params.len()),
    };
    if n < min || n > max {
        let expected = if min == max {
            format!("{min}")
        } else {
            format!("{min} or {max}")
        };
        return Err(err_in(
            name_span,
            format!(
                "`{name}` takes {expected} argument{}, found {n}",
                if max == 1 { "" } else { "s" }
            ),
        ));
    }
    for ((arg, want), offset) in call.args.iter().zip(params).zip(offsets) {
        let Arg::Literal(v) = arg else { continue };
        let ok = match want {
            Want::Any => true,
            Want::Str => v.is_string(),
            Want::Int => v.is_number(),
            Want::Bool => v.is_boolean(),
            Want::Array | Want::Object => false,
        };
        if !ok {
            let what = match want {
                Want::Any => "any value",
                Want::Str => "a string",
                Want::Int => "an integer",
                Want::Array => "an array (from a path or a call)",
                Want::Object => "an object (from a path or a call)",
                Want::Bool => "a boolean",
            };
            return Err(err_in(
                offset,
                format!(
                    "this argument of `{name}` must be {what}, found {}",
                    describe(v)
                ),
            ));
        }
    }
    literal_values(call, offsets)
}

/// Checks on literal values that AWS rejects when the definition is created.
fn literal_values(call: &Call, offsets: &[Range<usize>]) -> Result<(), Error> {
    let lit = |i: usize| match call.args.get(i) {
        Some(Arg::Literal(v)) => Some(v),
        _ => None,
    };
    let int = |i: usize| lit(i).and_then(Value::as_f64).map(|f| (f + 0.5).floor());
    match call.func {
        Func::Hash => {
            if let Some(Value::String(alg)) = lit(1) {
                const ALGS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];
                if !ALGS.contains(&alg.as_str()) {
                    let mut e = err_in(&offsets[1], format!("unknown hash algorithm '{alg}'"));
                    e.help = Some(match crate::diagnostic::did_you_mean(alg, ALGS) {
                        Some(s) => format!("did you mean '{s}'?"),
                        None => {
                            "use one of 'MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'".to_owned()
                        }
                    });
                    return Err(e);
                }
            }
        }
        Func::JsonMerge if lit(2) == Some(&Value::Bool(true)) => {
            let mut e = err_in(
                &offsets[2],
                "`States.JsonMerge` supports only a shallow merge",
            );
            e.help = Some("pass `false` as the third argument".to_owned());
            return Err(e);
        }
        Func::ArrayPartition if int(1).is_some_and(|s| s <= 0.0) => {
            return Err(err_in(
                &offsets[1],
                "the chunk size of `States.ArrayPartition` must be positive",
            ));
        }
        Func::ArrayRange => {
            if int(2) == Some(0.0) {
                return Err(err_in(
                    &offsets[2],
                    "the step of `States.ArrayRange` cannot be 0",
                ));
            }
            if let (Some(a), Some(b), Some(s)) = (int(0), int(1), int(2)) {
                let count = ((b - a) / s).floor() + 1.0;
                if count > 1000.0 {
                    return Err(err_in(
                        &offsets[0],
                        format!(
                            "`States.ArrayRange` would produce {count} elements; the limit is 1000"
                        ),
                    ));
                }
            }
        }
        Func::ArrayGetItem if int(1).is_some_and(|i| i < 0.0) => {
            return Err(err_in(
                &offsets[1],
                "the index of `States.ArrayGetItem` cannot be negative",
            ));
        }
        Func::MathAdd => {
            for (i, offset) in offsets.iter().enumerate().take(2) {
                if int(i).is_some_and(|v| v < f64::from(i32::MIN) || v > f64::from(i32::MAX)) {
                    return Err(err_in(
                        offset,
                        "the arguments of `States.MathAdd` must be between -2147483648 and 2147483647",
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Call {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn fails(text: &str) -> Error {
        match parse(text) {
            Ok(c) => panic!("{text} parsed: {c:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_the_spec_examples() {
        // ASL.md §8.4.
        let c = ok("States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)");
        assert_eq!(c.func, Func::Format);
        assert!(
            matches!(&c.args[0], Arg::FormatTemplate(t) if t == "Welcome to {} {}\\'s playlist.")
        );
        assert!(matches!(&c.args[1], Arg::Path(p) if p.text == "$.firstName"));
        let c = ok("States.Array($.id, $$.Execution.Name, null)");
        assert!(matches!(&c.args[1], Arg::Path(p) if p.root == Root::Context));
        assert!(matches!(&c.args[2], Arg::Literal(Value::Null)));
        let c = ok("States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 3)");
        assert!(matches!(&c.args[0], Arg::Call(inner) if inner.func == Func::StringSplit));
        assert!(matches!(&c.args[1], Arg::Literal(v) if v == &Value::from(3)));
        let c = ok("States.UUID()");
        assert!(c.args.is_empty());
    }

    #[test]
    fn unescapes_plain_string_literals() {
        // ASL.md §8.2: `\'` `\{` `\}` `\\` are the literal characters.
        let c = ok("States.StringSplit('a\\'b\\{\\}\\\\c', ',')");
        assert!(matches!(&c.args[0], Arg::Literal(Value::String(s)) if s == "a'b{}\\c"));
        assert_eq!(fails("States.StringSplit('a\\\"b', ',')").offset, 21);
    }

    #[test]
    fn paths_may_hold_commas_and_parentheses_in_brackets() {
        let c = ok("States.Array($.abc.['def, ghi'], $.x[?(@.a == 1)], $)");
        assert_eq!(c.args.len(), 3);
        assert!(matches!(&c.args[0], Arg::Path(p) if p.text == "$.abc.['def, ghi']"));
        assert!(matches!(&c.args[2], Arg::Path(p) if p.text == "$"));
    }

    #[test]
    fn rejects_what_aws_rejects() {
        assert!(
            fails("States.Nope($)")
                .message
                .contains("unknown intrinsic")
        );
        assert_eq!(
            fails("States.Fromat('{}', $)").help.as_deref(),
            Some("did you mean `States.Format`?")
        );
        assert!(
            fails("States.ArrayLength($, $)")
                .message
                .contains("takes 1 argument")
        );
        assert!(
            fails("States.MathRandom(1)")
                .message
                .contains("takes 2 or 3 arguments")
        );
        assert!(
            fails("States.Format('{} {}', $.a)")
                .message
                .contains("2 `{}` placeholders but 1 value")
        );
        assert!(
            fails("States.JsonMerge($.a, $.b, true)")
                .message
                .contains("shallow")
        );
        assert!(
            fails("States.Hash($.a, 'SHA256')").help.as_deref() == Some("did you mean 'SHA-256'?")
        );
        assert!(
            fails("States.MathAdd('1', 2)")
                .message
                .contains("must be an integer")
        );
        assert!(
            fails("States.ArrayLength('abc')")
                .message
                .contains("must be an array")
        );
        assert!(
            fails("States.ArrayRange(0, 2000, 1)")
                .message
                .contains("limit is 1000")
        );
        assert!(
            fails("States.ArrayPartition($.a, 0)")
                .message
                .contains("positive")
        );
        assert!(
            fails("States.Format('{}', $.a")
                .message
                .contains("missing `)`")
        );
        assert!(
            fails("States.Format('{}, $.a)")
                .message
                .contains("unterminated")
        );
        assert!(fails("States.UUID() x").message.contains("after"));
        // Errors cover the offending text: a name, an argument, an escape.
        let e = fails("States.Fromat('{}', $)");
        assert_eq!((e.offset, e.len), (0, "States.Fromat".len()));
        let e = fails("States.Format('{} {}', $.a)");
        assert_eq!((e.offset, e.len), (14, "'{} {}'".len()));
        let e = fails("States.MathAdd('1' , 2)");
        assert_eq!((e.offset, e.len), (15, 3));
        let e = fails("States.Format('a\\n')");
        assert_eq!((e.offset, e.len), (16, 2));
        let deep = format!("{}$.a{}", "States.Array(".repeat(11), ")".repeat(11));
        assert!(fails(&deep).message.contains("at most 10"));
        let ten = format!("{}$.a{}", "States.Array(".repeat(10), ")".repeat(10));
        ok(&ten);
    }
}
