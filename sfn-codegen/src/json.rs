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
    // jsonc-parser rejects every `\uD800`–`\uDFFF` escape, even the valid
    // pairs that spell characters outside the BMP (emoji in a state name).
    // It parses a copy with those escapes neutralised (same length, so every
    // span stays right); the strings that had them are decoded again from
    // the original text, which also rejects unpaired surrogates.
    let surrogates = surrogate_escapes(text);
    let neutral;
    let parsed_text = if surrogates.is_empty() {
        text
    } else {
        let mut bytes = text.as_bytes().to_vec();
        for &at in &surrogates {
            bytes[at + 2..at + 6].copy_from_slice(b"0058");
        }
        neutral = String::from_utf8(bytes).unwrap_or_default();
        &neutral
    };
    match jsonc_parser::parse_to_ast(parsed_text, &collect, &options) {
        Ok(result) => match result.value {
            Some(value) => {
                let mut json = convert(value);
                if !surrogates.is_empty() {
                    redecode(&mut json, text, &surrogates)?;
                }
                Ok(json)
            }
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

/// The offsets of the `\uXXXX` escapes inside strings whose code unit is a
/// UTF-16 surrogate.
fn surrogate_escapes(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let (mut in_string, mut i) = (false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                let hex = text
                    .get(i + 2..i + 6)
                    .and_then(|h| u16::from_str_radix(h, 16).ok());
                if bytes.get(i + 1) == Some(&b'u')
                    && hex.is_some_and(|u| (0xD800..=0xDFFF).contains(&u))
                {
                    found.push(i);
                }
                // Skip the escaped character, whatever it is.
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Decodes again, from `text`, every string (key or value) that holds one
/// of the `surrogates` escapes.
fn redecode(json: &mut Json, text: &str, surrogates: &[usize]) -> Result<(), Diagnostic> {
    let decode = |span: Span| -> Result<Option<String>, Diagnostic> {
        let holds = surrogates
            .iter()
            .any(|&at| span.start < at && at < span.end);
        if !holds {
            return Ok(None);
        }
        serde_json::from_str::<String>(&text[span.start..span.end])
            .map(Some)
            .map_err(|_| {
                Diagnostic::new(
                    Code::InvalidJson,
                    span,
                    "invalid JSON: a `\\uD800`–`\\uDFFF` escape must be half of a surrogate pair",
                )
                .help("a character outside the Basic Multilingual Plane is written as two escapes, e.g. `\\ud83d\\ude80`")
            })
    };
    match &mut json.kind {
        JsonKind::String(s) => {
            if let Some(decoded) = decode(json.span)? {
                *s = decoded;
            }
        }
        JsonKind::Array(items) => {
            for item in items {
                redecode(item, text, surrogates)?;
            }
        }
        JsonKind::Object(members) => {
            for m in members {
                if let Some(decoded) = decode(m.key_span)? {
                    m.key = decoded;
                }
                redecode(&mut m.value, text, surrogates)?;
            }
        }
        _ => {}
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn first_member(text: &str) -> Member {
        match parse(text) {
            Ok(Json {
                kind: JsonKind::Object(mut members),
                ..
            }) => members.remove(0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn surrogate_pairs_decode_to_one_character() {
        // RFC 8259 §7: U+1F680 is written as the pair \ud83d\ude80.
        let m = first_member(r#"{"Go \ud83d\ude80": "\u00e9\uD83D\uDE80!"}"#);
        assert_eq!(m.key, "Go \u{1F680}");
        assert_eq!(m.key_span, Span::new(1, 18));
        assert_eq!(m.value.as_str(), Some("\u{e9}\u{1F680}!"));
    }

    #[test]
    fn an_escaped_backslash_is_not_an_escape() {
        let m = first_member(r#"{"a": "\\ud83d"}"#);
        assert_eq!(m.value.as_str(), Some(r"\ud83d"));
    }

    #[test]
    fn a_lone_surrogate_is_invalid_json() {
        let err = parse(r#"{"a": "x\ud83d"}"#).unwrap_err();
        assert_eq!(err.code, Code::InvalidJson);
        assert_eq!(err.span, Span::new(6, 15));
    }
}
