//! Choice-state comparison operators (spec §3.2, §3.3) used by generated code.
//!
//! The literal-operand forms (`string_equals`, `numeric_less_than`, …) compare the Variable's
//! value with a literal whose type was checked at compile time; [`compare_path`] implements the
//! `…Path` forms, where both operands come from data. A value of the wrong JSON type never raises
//! an error: the comparison is simply `false`. Strings are ordered like Java `String.compareTo`
//! (by UTF-16 code unit), numbers are compared as `f64`, timestamps as instants.

use std::cmp::Ordering;

use serde_json::Value;

use crate::timestamp::{self, Timestamp};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Orders two strings lexicographically by UTF-16 code unit (Java `String.compareTo`).
#[inline]
fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The value as a timestamp, if it is a string in the ASL timestamp format.
#[inline]
fn as_timestamp(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(timestamp::parse)
}

/// Compares `v` (if it is a string) with `lit`, then tests the ordering.
#[inline]
fn str_cmp(v: &Value, lit: &str, test: fn(Ordering) -> bool) -> bool {
    v.as_str().is_some_and(|s| test(cmp_utf16(s, lit)))
}

/// Compares `v` (if it is a number) with `lit` as `f64`.
#[inline]
fn num_cmp(v: &Value, lit: f64, test: fn(f64, f64) -> bool) -> bool {
    v.as_f64().is_some_and(|n| test(n, lit))
}

/// Compares `v` (if it is a valid timestamp string) with `lit` as instants.
#[inline]
fn ts_cmp(v: &Value, lit: Timestamp, test: fn(Ordering) -> bool) -> bool {
    as_timestamp(v).is_some_and(|t| test(t.cmp(&lit)))
}

// ---------------------------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------------------------

/// `StringEquals`: `v` is a string equal to `lit` (exact, no normalisation).
#[inline]
pub fn string_equals(v: &Value, lit: &str) -> bool {
    v.as_str() == Some(lit)
}

/// `StringLessThan`: `v` is a string ordered before `lit` (UTF-16 code-unit order).
#[inline]
pub fn string_less_than(v: &Value, lit: &str) -> bool {
    str_cmp(v, lit, Ordering::is_lt)
}

/// `StringGreaterThan`: `v` is a string ordered after `lit` (UTF-16 code-unit order).
#[inline]
pub fn string_greater_than(v: &Value, lit: &str) -> bool {
    str_cmp(v, lit, Ordering::is_gt)
}

/// `StringLessThanEquals`: `v` is a string ordered before or equal to `lit`.
#[inline]
pub fn string_less_than_equals(v: &Value, lit: &str) -> bool {
    str_cmp(v, lit, Ordering::is_le)
}

/// `StringGreaterThanEquals`: `v` is a string ordered after or equal to `lit`.
#[inline]
pub fn string_greater_than_equals(v: &Value, lit: &str) -> bool {
    str_cmp(v, lit, Ordering::is_ge)
}

/// One element of a `StringMatches` pattern.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `*`: any run of characters, possibly empty.
    Star,
    /// A character that must match exactly.
    Lit(char),
}

/// Reads the pattern token starting at byte `i` of `p`; returns it and the index after it.
///
/// Invalid escapes (which [`is_valid_string_matches_pattern`] rejects at compile time) are
/// handled leniently: a backslash not followed by `*` or `\` is a literal backslash.
#[inline]
fn token_at(p: &str, i: usize) -> Option<(Token, usize)> {
    let mut chars = p.get(i..)?.chars();
    match chars.next()? {
        '*' => Some((Token::Star, i + 1)),
        '\\' => match chars.next() {
            Some(c @ ('*' | '\\')) => Some((Token::Lit(c), i + 2)),
            _ => Some((Token::Lit('\\'), i + 1)),
        },
        c => Some((Token::Lit(c), i + c.len_utf8())),
    }
}

/// The character starting at byte `i` of `s`, if any.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..)?.chars().next()
}

/// Whole-string glob match of `text` against `pattern` (see [`string_matches`]).
///
/// Iterative wildcard matching that remembers only the most recent `*`: worst case
/// `O(len(text) * len(pattern))`, no recursion, no allocation.
fn glob_match(text: &str, pattern: &str) -> bool {
    let (mut ti, mut pi) = (0usize, 0usize);
    // (pattern index just after the last `*`, text index that `*` currently extends to)
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < text.len() {
        match token_at(pattern, pi) {
            Some((Token::Star, next)) => {
                backtrack = Some((next, ti));
                pi = next;
                continue;
            }
            Some((Token::Lit(c), next)) if char_at(text, ti) == Some(c) => {
                ti += c.len_utf8();
                pi = next;
                continue;
            }
            _ => {}
        }
        // Mismatch: let the last `*` swallow one more character, or fail.
        match backtrack.as_mut() {
            Some((star_next, star_ti)) => match char_at(text, *star_ti) {
                Some(c) => {
                    *star_ti += c.len_utf8();
                    ti = *star_ti;
                    pi = *star_next;
                }
                None => return false,
            },
            None => return false,
        }
    }
    // Text consumed: the rest of the pattern must be stars only.
    while let Some((tok, next)) = token_at(pattern, pi) {
        if tok != Token::Star {
            return false;
        }
        pi = next;
    }
    true
}

/// `StringMatches`: `v` is a string that matches the glob `pattern` as a whole.
///
/// `*` matches any run of characters (including none), `\*` matches a literal `*` and `\\` a
/// literal `\`; every other character matches itself. Runs in
/// `O(len(v) * len(pattern))` time at worst.
#[inline]
pub fn string_matches(v: &Value, pattern: &str) -> bool {
    v.as_str().is_some_and(|s| glob_match(s, pattern))
}

/// Whether `p` is a valid `StringMatches` pattern: every backslash is followed by `*` or `\`.
pub fn is_valid_string_matches_pattern(p: &str) -> bool {
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('*' | '\\')) {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Numeric operators
// ---------------------------------------------------------------------------------------------

/// `NumericEquals`: `v` is a number equal to `lit` (as `f64`, so `0 == 0.0`).
#[inline]
pub fn numeric_equals(v: &Value, lit: f64) -> bool {
    num_cmp(v, lit, |a, b| a == b)
}

/// `NumericLessThan`: `v` is a number less than `lit`.
#[inline]
pub fn numeric_less_than(v: &Value, lit: f64) -> bool {
    num_cmp(v, lit, |a, b| a < b)
}

/// `NumericGreaterThan`: `v` is a number greater than `lit`.
#[inline]
pub fn numeric_greater_than(v: &Value, lit: f64) -> bool {
    num_cmp(v, lit, |a, b| a > b)
}

/// `NumericLessThanEquals`: `v` is a number less than or equal to `lit`.
#[inline]
pub fn numeric_less_than_equals(v: &Value, lit: f64) -> bool {
    num_cmp(v, lit, |a, b| a <= b)
}

/// `NumericGreaterThanEquals`: `v` is a number greater than or equal to `lit`.
#[inline]
pub fn numeric_greater_than_equals(v: &Value, lit: f64) -> bool {
    num_cmp(v, lit, |a, b| a >= b)
}

// ---------------------------------------------------------------------------------------------
// Boolean operator
// ---------------------------------------------------------------------------------------------

/// `BooleanEquals`: `v` is a JSON boolean equal to `lit` (no truthiness: `0`, `"true"` → false).
#[inline]
pub fn boolean_equals(v: &Value, lit: bool) -> bool {
    v.as_bool() == Some(lit)
}

// ---------------------------------------------------------------------------------------------
// Timestamp operators
// ---------------------------------------------------------------------------------------------

/// `TimestampEquals`: `v` is a timestamp string denoting the same instant as `lit`.
#[inline]
pub fn timestamp_equals(v: &Value, lit: Timestamp) -> bool {
    ts_cmp(v, lit, Ordering::is_eq)
}

/// `TimestampLessThan`: `v` is a timestamp string denoting an instant before `lit`.
#[inline]
pub fn timestamp_less_than(v: &Value, lit: Timestamp) -> bool {
    ts_cmp(v, lit, Ordering::is_lt)
}

/// `TimestampGreaterThan`: `v` is a timestamp string denoting an instant after `lit`.
#[inline]
pub fn timestamp_greater_than(v: &Value, lit: Timestamp) -> bool {
    ts_cmp(v, lit, Ordering::is_gt)
}

/// `TimestampLessThanEquals`: `v` is a timestamp string denoting an instant not after `lit`.
#[inline]
pub fn timestamp_less_than_equals(v: &Value, lit: Timestamp) -> bool {
    ts_cmp(v, lit, Ordering::is_le)
}

/// `TimestampGreaterThanEquals`: `v` is a timestamp string denoting an instant not before `lit`.
#[inline]
pub fn timestamp_greater_than_equals(v: &Value, lit: Timestamp) -> bool {
    ts_cmp(v, lit, Ordering::is_ge)
}

// ---------------------------------------------------------------------------------------------
// Type tests
// ---------------------------------------------------------------------------------------------

/// `IsNull: true`: `v` is JSON `null`.
#[inline]
pub fn is_null(v: &Value) -> bool {
    v.is_null()
}

/// `IsNumeric: true`: `v` is a JSON number (booleans are not numbers).
#[inline]
pub fn is_numeric(v: &Value) -> bool {
    v.is_number()
}

/// `IsString: true`: `v` is a JSON string.
#[inline]
pub fn is_string(v: &Value) -> bool {
    v.is_string()
}

/// `IsBoolean: true`: `v` is `true` or `false`.
#[inline]
pub fn is_boolean(v: &Value) -> bool {
    v.is_boolean()
}

/// `IsTimestamp: true`: `v` is a string in the ASL timestamp format (see [`timestamp::parse`]).
#[inline]
pub fn is_timestamp(v: &Value) -> bool {
    as_timestamp(v).is_some()
}

// ---------------------------------------------------------------------------------------------
// Path operand forms
// ---------------------------------------------------------------------------------------------

/// A comparison operator that has a `…Path` form (e.g. [`Op::StringEquals`] for
/// `StringEqualsPath`). `StringMatches` and the `Is*` tests have no `…Path` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `StringEqualsPath`.
    StringEquals,
    /// `StringLessThanPath`.
    StringLessThan,
    /// `StringGreaterThanPath`.
    StringGreaterThan,
    /// `StringLessThanEqualsPath`.
    StringLessThanEquals,
    /// `StringGreaterThanEqualsPath`.
    StringGreaterThanEquals,
    /// `NumericEqualsPath`.
    NumericEquals,
    /// `NumericLessThanPath`.
    NumericLessThan,
    /// `NumericGreaterThanPath`.
    NumericGreaterThan,
    /// `NumericLessThanEqualsPath`.
    NumericLessThanEquals,
    /// `NumericGreaterThanEqualsPath`.
    NumericGreaterThanEquals,
    /// `BooleanEqualsPath`.
    BooleanEquals,
    /// `TimestampEqualsPath`.
    TimestampEquals,
    /// `TimestampLessThanPath`.
    TimestampLessThan,
    /// `TimestampGreaterThanPath`.
    TimestampGreaterThan,
    /// `TimestampLessThanEqualsPath`.
    TimestampLessThanEquals,
    /// `TimestampGreaterThanEqualsPath`.
    TimestampGreaterThanEquals,
}

/// Evaluates a `…Path` comparison `v <op> other`, where both operands come from data.
///
/// Both values must have the operator's type — both strings, both numbers, both booleans, or
/// both valid timestamp strings — otherwise the result is `false`.
pub fn compare_path(op: Op, v: &Value, other: &Value) -> bool {
    use Op::*;
    let test: fn(Ordering) -> bool = match op {
        StringEquals | NumericEquals | BooleanEquals | TimestampEquals => Ordering::is_eq,
        StringLessThan | NumericLessThan | TimestampLessThan => Ordering::is_lt,
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => Ordering::is_gt,
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => Ordering::is_le,
        StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => {
            Ordering::is_ge
        }
    };
    let ordering = match op {
        StringEquals
        | StringLessThan
        | StringGreaterThan
        | StringLessThanEquals
        | StringGreaterThanEquals => match (v.as_str(), other.as_str()) {
            (Some(a), Some(b)) => Some(cmp_utf16(a, b)),
            _ => None,
        },
        NumericEquals
        | NumericLessThan
        | NumericGreaterThan
        | NumericLessThanEquals
        | NumericGreaterThanEquals => match (v.as_f64(), other.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
        BooleanEquals => match (v.as_bool(), other.as_bool()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => match (as_timestamp(v), as_timestamp(other)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
    };
    ordering.is_some_and(test)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> Timestamp {
        timestamp::parse(s).unwrap_or_else(|| panic!("{s:?} should parse"))
    }

    fn non_values() -> Vec<Value> {
        vec![
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1.5),
            json!(""),
            json!("x"),
            json!([]),
            json!({}),
            json!([1]),
            json!({"a": 1}),
        ]
    }

    #[test]
    fn boolean_equals_type_mismatch() {
        for v in [json!(0), json!("true"), json!(null), json!([]), json!({})] {
            assert!(!boolean_equals(&v, true), "{v}");
            assert!(!boolean_equals(&v, false), "{v}");
        }
        assert!(boolean_equals(&json!(true), true));
        assert!(boolean_equals(&json!(false), false));
        assert!(!boolean_equals(&json!(true), false));
    }

    #[test]
    fn numeric_equals_type_mismatch() {
        for v in [
            json!(false),
            json!(""),
            json!([]),
            json!("0"),
            json!(null),
            json!({}),
        ] {
            assert!(!numeric_equals(&v, 0.0), "{v}");
            assert!(!numeric_less_than(&v, 1.0), "{v}");
            assert!(!numeric_greater_than(&v, -1.0), "{v}");
            assert!(!numeric_less_than_equals(&v, 0.0), "{v}");
            assert!(!numeric_greater_than_equals(&v, 0.0), "{v}");
        }
    }

    #[test]
    fn numeric_comparisons() {
        assert!(numeric_equals(&json!(0), 0.0));
        assert!(numeric_equals(&json!(0.0), 0.0));
        assert!(numeric_equals(&json!(-0.0), 0.0));
        assert!(numeric_equals(&json!(20), 20.0));
        assert!(numeric_less_than(&json!(29.999), 30.0));
        assert!(!numeric_less_than(&json!(30), 30.0));
        assert!(numeric_less_than_equals(&json!(30), 30.0));
        assert!(numeric_greater_than(&json!(-1), -2.0));
        assert!(!numeric_greater_than(&json!(-2), -2.0));
        assert!(numeric_greater_than_equals(&json!(-2), -2.0));
        assert!(numeric_greater_than(&json!(u64::MAX), 1e19));
        assert!(numeric_less_than(&json!(i64::MIN), -1e18));
    }

    #[test]
    fn string_equals_type_mismatch() {
        for v in [
            json!(1),
            json!(1.5),
            json!(null),
            json!([]),
            json!(["HelloWorld"]),
        ] {
            assert!(!string_equals(&v, "HelloWorld"), "{v}");
            assert!(!string_less_than(&v, "zzz"), "{v}");
            assert!(!string_greater_than(&v, ""), "{v}");
            assert!(!string_less_than_equals(&v, "zzz"), "{v}");
            assert!(!string_greater_than_equals(&v, ""), "{v}");
            assert!(!string_matches(&v, "*"), "{v}");
        }
        assert!(string_equals(&json!("HelloWorld"), "HelloWorld"));
        assert!(!string_equals(&json!("helloworld"), "HelloWorld"));
        assert!(!string_equals(&json!("HelloWorld "), "HelloWorld"));
    }

    #[test]
    fn string_ordering() {
        assert!(string_less_than(&json!("a"), "b"));
        assert!(string_less_than(&json!(""), "a"));
        assert!(string_less_than(&json!("ab"), "abc"));
        assert!(string_less_than(&json!("B"), "a"));
        assert!(!string_less_than(&json!("a"), "a"));
        assert!(string_less_than_equals(&json!("a"), "a"));
        assert!(string_greater_than(&json!("b"), "a"));
        assert!(string_greater_than_equals(&json!("b"), "b"));
        assert!(!string_greater_than(&json!("b"), "b"));
    }

    #[test]
    fn string_ordering_is_utf16() {
        // U+1F600 is encoded as surrogates D83D DE00, which sort before U+FF21 (Java order),
        // whereas in UTF-8 / code-point order it sorts after.
        let emoji = "\u{1F600}";
        let fullwidth_a = "\u{FF21}";
        assert!(emoji > fullwidth_a); // Rust byte order differs
        assert!(string_less_than(&json!(emoji), fullwidth_a));
        assert!(string_greater_than(&json!(fullwidth_a), emoji));
        assert!(string_less_than(&json!("x\u{10000}"), "x\u{E000}"));
        assert!(compare_path(
            Op::StringLessThan,
            &json!(emoji),
            &json!(fullwidth_a)
        ));
        // Within the BMP (below the surrogate range) the orders agree.
        assert!(string_less_than(&json!("é"), "ü"));
        assert!(string_greater_than(&json!("é"), "z"));
    }

    #[test]
    fn timestamp_type_mismatch() {
        let lit = ts("2023-02-24T12:15:56Z");
        for v in [
            json!("2023-02-24 12:15:56.832957"),
            json!("2023-02-24T12:15:56"),
            json!("not a date"),
            json!(1_677_240_956),
            json!(null),
            json!(true),
            json!([]),
            json!({}),
        ] {
            assert!(!timestamp_equals(&v, lit), "{v}");
            assert!(!timestamp_less_than(&v, lit), "{v}");
            assert!(!timestamp_greater_than(&v, lit), "{v}");
            assert!(!timestamp_less_than_equals(&v, lit), "{v}");
            assert!(!timestamp_greater_than_equals(&v, lit), "{v}");
        }
    }

    #[test]
    fn timestamp_comparisons() {
        let noon = ts("2016-03-14T12:00:00Z");
        assert!(timestamp_equals(&json!("2016-03-14T07:00:00-05:00"), noon));
        assert!(timestamp_equals(&json!("2016-03-14T12:00:00.000Z"), noon));
        assert!(timestamp_less_than(
            &json!("2016-03-14T11:59:59.999Z"),
            noon
        ));
        assert!(timestamp_less_than(
            &json!("2016-03-14T12:00:00+01:00"),
            noon
        ));
        assert!(timestamp_greater_than(
            &json!("2016-03-14T12:00:00-01:00"),
            noon
        ));
        assert!(timestamp_less_than_equals(
            &json!("2016-03-14T13:00:00+01:00"),
            noon
        ));
        assert!(timestamp_greater_than_equals(
            &json!("2016-03-14T12:00:00Z"),
            noon
        ));
        assert!(!timestamp_greater_than(
            &json!("2016-03-14T12:00:00Z"),
            noon
        ));
        // A timestamp string is still a string.
        assert!(string_equals(
            &json!("2016-03-14T12:00:00Z"),
            "2016-03-14T12:00:00Z"
        ));
    }

    #[test]
    fn is_tests() {
        assert!(is_null(&json!(null)));
        assert!(is_numeric(&json!(0)));
        assert!(is_numeric(&json!(-1.5e10)));
        assert!(is_string(&json!("")));
        assert!(is_boolean(&json!(false)));
        assert!(is_timestamp(&json!("2016-03-14T01:59:00Z")));
        assert!(is_timestamp(&json!("2016-03-14T01:59:00.5+01:00")));
        assert!(!is_timestamp(&json!("2016-12-05 21:29:29Z")));
        assert!(!is_timestamp(&json!("2016-13-05T21:29:29Z")));
        for v in non_values() {
            assert_eq!(is_null(&v), v == json!(null), "{v}");
            assert_eq!(is_numeric(&v), matches!(v, Value::Number(_)), "{v}");
            assert_eq!(is_string(&v), matches!(v, Value::String(_)), "{v}");
            assert_eq!(is_boolean(&v), matches!(v, Value::Bool(_)), "{v}");
            assert!(!is_timestamp(&v), "{v}");
        }
        assert!(!is_numeric(&json!(true)));
        assert!(!is_numeric(&json!("1")));
        assert!(!is_boolean(&json!("true")));
        assert!(!is_null(&json!("null")));
    }

    #[test]
    fn string_matches_cases() {
        let m = |s: &str, p: &str| string_matches(&json!(s), p);
        assert!(m("log-2024.txt", "log-*.txt"));
        assert!(m("log-.txt", "log-*.txt"));
        assert!(!m("log-2024.txt.gz", "log-*.txt"));
        assert!(!m("xlog-1.txt", "log-*.txt"));
        // Escaped star is literal.
        assert!(m("a*b", "a\\*b"));
        assert!(!m("axb", "a\\*b"));
        assert!(m("*", "\\*"));
        assert!(!m("x", "\\*"));
        // Escaped backslash.
        assert!(m("a\\b", "a\\\\b"));
        assert!(m("a\\*", "a\\\\*"));
        assert!(m("a\\xyz", "a\\\\*"));
        // Empty pattern matches only the empty string.
        assert!(m("", ""));
        assert!(!m("a", ""));
        // `*` alone matches anything.
        assert!(m("", "*"));
        assert!(m("anything at all", "*"));
        assert!(m("", "**"));
        // Multiple stars.
        assert!(m("abcXdefYghi", "abc*def*ghi"));
        assert!(m("abcdefghi", "abc*def*ghi"));
        assert!(m("abc-def-def-ghi", "*def*ghi"));
        assert!(!m("abcdefgh", "abc*def*ghi"));
        assert!(m("aXbXc", "*X*X*"));
        assert!(!m("aXb", "*X*X*"));
        assert!(m("mississippi", "m*iss*ppi"));
        assert!(m("mississippi", "*s*s*s*s*"));
        assert!(!m("mississippi", "*s*s*s*s*s*"));
        // No other special characters.
        assert!(m("a?c", "a?c"));
        assert!(!m("abc", "a?c"));
        assert!(m("[a].+", "[a].+"));
        // Non-ASCII text.
        assert!(m("héllo wörld 😀", "h*o w*😀"));
        assert!(m("😀😀", "*😀"));
        assert!(!m("é", "e*"));
        // Case sensitive.
        assert!(!m("LOG-1.txt", "log-*.txt"));
    }

    #[test]
    fn string_matches_invalid_pattern_does_not_panic() {
        let m = |s: &str, p: &str| string_matches(&json!(s), p);
        assert!(m("\\", "\\"));
        assert!(m("a\\b", "a\\b"));
        assert!(m("a\\bc", "a\\b*"));
        assert!(!m("ab", "a\\b"));
    }

    #[test]
    fn string_matches_is_not_exponential() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "*a".repeat(50));
        assert!(!string_matches(&json!(text), &pattern));
        let pattern = format!("{}a", "*a".repeat(50));
        assert!(string_matches(&json!(text), &pattern));
    }

    #[test]
    fn pattern_validation() {
        for ok in [
            "",
            "*",
            "log-*.txt",
            "a\\*b",
            "a\\\\b",
            "\\\\",
            "\\*\\\\*",
            "😀*",
        ] {
            assert!(is_valid_string_matches_pattern(ok), "{ok:?}");
        }
        for bad in ["\\", "a\\", "a\\b", "\\n", "\\?", "a\\\\\\", "\\😀"] {
            assert!(!is_valid_string_matches_pattern(bad), "{bad:?}");
        }
    }

    #[test]
    fn compare_path_type_rules() {
        use Op::*;
        // Strings.
        assert!(compare_path(StringEquals, &json!("a"), &json!("a")));
        assert!(!compare_path(StringEquals, &json!("1"), &json!(1)));
        assert!(compare_path(StringLessThan, &json!("a"), &json!("b")));
        assert!(compare_path(StringGreaterThan, &json!("b"), &json!("a")));
        assert!(compare_path(StringLessThanEquals, &json!("a"), &json!("a")));
        assert!(compare_path(
            StringGreaterThanEquals,
            &json!("a"),
            &json!("a")
        ));
        // Numbers.
        assert!(compare_path(NumericEquals, &json!(0), &json!(0.0)));
        assert!(!compare_path(NumericEquals, &json!(0), &json!(false)));
        assert!(!compare_path(NumericEquals, &json!(0), &json!("0")));
        assert!(compare_path(NumericLessThan, &json!(1), &json!(2.5)));
        assert!(compare_path(NumericGreaterThan, &json!(3), &json!(2.5)));
        assert!(compare_path(NumericLessThanEquals, &json!(2), &json!(2)));
        assert!(compare_path(NumericGreaterThanEquals, &json!(2), &json!(2)));
        assert!(!compare_path(NumericGreaterThan, &json!(2), &json!(2)));
        // Booleans.
        assert!(compare_path(BooleanEquals, &json!(true), &json!(true)));
        assert!(compare_path(BooleanEquals, &json!(false), &json!(false)));
        assert!(!compare_path(BooleanEquals, &json!(true), &json!(false)));
        assert!(!compare_path(BooleanEquals, &json!(true), &json!("true")));
        assert!(!compare_path(BooleanEquals, &json!(null), &json!(null)));
        // Timestamps.
        let a = json!("2016-03-14T12:00:00Z");
        let b = json!("2016-03-14T07:00:00-05:00");
        let later = json!("2016-03-14T12:00:01Z");
        assert!(compare_path(TimestampEquals, &a, &b));
        assert!(compare_path(TimestampLessThan, &b, &later));
        assert!(compare_path(TimestampGreaterThan, &later, &a));
        assert!(compare_path(TimestampLessThanEquals, &a, &b));
        assert!(compare_path(TimestampGreaterThanEquals, &a, &b));
        assert!(!compare_path(StringEquals, &a, &b));
        assert!(!compare_path(
            TimestampEquals,
            &json!("2016-03-14 12:00:00Z"),
            &json!("2016-03-14 12:00:00Z")
        ));
        assert!(!compare_path(TimestampEquals, &a, &json!(1_457_956_800)));
    }

    #[test]
    fn compare_path_mixed_types_are_false() {
        use Op::*;
        let ops = [
            StringEquals,
            StringLessThan,
            StringGreaterThan,
            StringLessThanEquals,
            StringGreaterThanEquals,
            NumericEquals,
            NumericLessThan,
            NumericGreaterThan,
            NumericLessThanEquals,
            NumericGreaterThanEquals,
            BooleanEquals,
            TimestampEquals,
            TimestampLessThan,
            TimestampGreaterThan,
            TimestampLessThanEquals,
            TimestampGreaterThanEquals,
        ];
        let values = non_values();
        for op in ops {
            for a in &values {
                for b in &values {
                    let same_kind = std::mem::discriminant(a) == std::mem::discriminant(b);
                    if !same_kind {
                        assert!(!compare_path(op, a, b), "{op:?} {a} {b}");
                    }
                }
                // Arrays, objects and null never compare, even with themselves.
                if matches!(a, Value::Null | Value::Array(_) | Value::Object(_)) {
                    assert!(!compare_path(op, a, a), "{op:?} {a}");
                }
            }
        }
    }
}
