//! JSON with positions: every value and member key keeps its byte span.
//!
//! Parsing is done by `jsonc-parser` in strict mode (no comments, no trailing
//! commas, quoted keys only), because serde_json keeps no positions. Duplicate
//! keys are kept, in order, so that validation can report them.

use jsonc_parser::ast;
use jsonc_parser::common::Ranged;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// A JSON value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub kind: JsonKind,
    /// Where the value's text is.
    pub span: Span,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members, in order, duplicates included.
    Object(Vec<Member>),
}

/// An object member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key's text (with quotes) is.
    pub key_span: Span,
    /// The value.
    pub value: Json,
}

impl Json {
    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if the value is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            JsonKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The first member named `key`, if the value is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// A word for the value's type, for messages: `a string`, `an object`, …
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }

    /// The value without positions.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Number(raw) => serde_json::from_str(raw).unwrap_or(Value::Null),
            JsonKind::String(s) => Value::String(s.clone()),
            JsonKind::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            JsonKind::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// How deeply arrays and objects may nest. Real definitions stay far below;
/// the bound keeps every recursive stage of the compiler off the stack limit.
pub const MAX_DEPTH: usize = 128;

/// The offset of the first bracket that nests deeper than [`MAX_DEPTH`].
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses `text` as one strict JSON document.
pub fn parse(text: &str) -> Result<Json, Diagnostic> {
    if let Some(at) = too_deep(text) {
        return Err(Diagnostic::new(
            Code::InvalidJson,
            Span::new(at, at + 1),
            format!("the definition nests arrays and objects more than {MAX_DEPTH} levels deep"),
        ));
    }
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
    };
    let collect = jsonc_parser::CollectOptions::default();
    match jsonc_parser::parse_to_ast(text, &collect, &options) {
        Ok(result) => match result.value {
            Some(value) => Ok(convert(value)),
            None => Err(Diagnostic::new(
                Code::InvalidJson,
                Span::new(0, text.len().min(1)),
                "the workflow file is empty; a definition must be a JSON object",
            )),
        },
        Err(err) => {
            let range = err.range();
            let message = err.kind().to_string();
            let message = lowercase_first(&message);
            Err(Diagnostic::new(
                Code::InvalidJson,
                Span::new(range.start, range.end.max(range.start)),
                format!("invalid JSON: {message}"),
            ))
        }
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn span_of(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

fn convert(value: ast::Value<'_>) -> Json {
    let span = span_of(value.range());
    let kind = match value {
        ast::Value::NullKeyword(_) => JsonKind::Null,
        ast::Value::BooleanLit(b) => JsonKind::Bool(b.value),
        ast::Value::NumberLit(n) => JsonKind::Number(n.value.to_owned()),
        ast::Value::StringLit(s) => JsonKind::String(s.value.into_owned()),
        ast::Value::Array(a) => JsonKind::Array(a.elements.into_iter().map(convert).collect()),
        ast::Value::Object(o) => JsonKind::Object(
            o.properties
                .into_iter()
                .map(|p| {
                    let key_span = span_of(p.name.range());
                    Member {
                        key: p.name.into_string(),
                        key_span,
                        value: convert(p.value),
                    }
                })
                .collect(),
        ),
    };
    Json { kind, span }
}
