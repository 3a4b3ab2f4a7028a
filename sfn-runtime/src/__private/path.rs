//! JSONPath evaluation over compiled steps.
//!
//! `sfn-codegen` parses every path of a workflow at compile time and emits it
//! as a `static` slice of [`Step`]s; nothing here parses path text. Definite
//! paths (names and indexes only) select at most one node with [`get`];
//! indefinite ones (wildcards, slices, unions, `..`, filters) gather every
//! match into an array with [`select`], as Step Functions does.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// One step of a compiled path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// `.name` or `['name']`.
    Field(&'static str),
    /// `[3]`, `[-1]` (from the end).
    Index(i64),
    /// `.*` or `[*]`: every member or element.
    Wildcard,
    /// `[start:end:step]`.
    Slice(Option<i64>, Option<i64>, i64),
    /// `['a','b']` or `[0,2]`: each listed member or element (fields and indexes only).
    Union(&'static [Step]),
    /// `..`: this node and every node below it, in document order.
    Descend,
    /// `[?(…)]`: the elements (or member values) for which the filter holds.
    Filter(&'static Filter),
}

/// A filter expression of `[?(…)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Filter {
    /// `@.a.b`: the relative path matches something.
    Exists(&'static [Step]),
    /// `@.a <op> literal`.
    Compare(&'static [Step], CmpOp, Literal),
    /// `x && y`.
    And(&'static Filter, &'static Filter),
    /// `x || y`.
    Or(&'static Filter, &'static Filter),
    /// `!x`.
    Not(&'static Filter),
}

/// A comparison operator in a filter.
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

/// A literal in a filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(f64),
    /// A quoted string.
    Str(&'static str),
}

/// The member name a path starts with, when its first step is one.
#[inline]
pub fn first_field(steps: &[Step]) -> Option<&'static str> {
    match steps.first() {
        Some(Step::Field(name)) => Some(name),
        _ => None,
    }
}

/// Follows a definite path. On a miss, returns the index of the step that found nothing.
#[inline]
pub fn get<'v>(root: &'v Value, steps: &[Step]) -> Result<&'v Value, usize> {
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        node = match step_one(node, step) {
            Some(next) => next,
            None => return Err(i),
        };
    }
    Ok(node)
}

#[inline]
fn step_one<'v>(node: &'v Value, step: &Step) -> Option<&'v Value> {
    match (step, node) {
        (Step::Field(name), Value::Object(map)) => map.get(*name),
        (Step::Index(i), Value::Array(items)) => items.get(resolve_index(*i, items.len())?),
        _ => None,
    }
}

/// Moves the node at a definite path out of `root`, leaving `null`; a miss
/// gives `null` (callers check the path first).
pub fn take(root: &mut Value, steps: &[Step]) -> Value {
    get_mut(root, steps).map(std::mem::take).unwrap_or_default()
}

/// The node at the definite path `steps` in `root`, to change in place.
pub fn get_mut<'v>(root: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    let mut node = root;
    for step in steps {
        node = match (step, node) {
            (Step::Field(name), Value::Object(map)) => map.get_mut(*name)?,
            (Step::Index(i), Value::Array(items)) => {
                let len = items.len();
                items.get_mut(resolve_index(*i, len)?)?
            }
            _ => return None,
        };
    }
    Some(node)
}

fn resolve_index(i: i64, len: usize) -> Option<usize> {
    if i >= 0 {
        usize::try_from(i).ok()
    } else {
        let back = usize::try_from(i.unsigned_abs()).ok()?;
        len.checked_sub(back)
    }
}

/// Follows an indefinite path: every match, cloned into an array (possibly empty).
pub fn select(root: &Value, steps: &[Step]) -> Value {
    let mut current: Vec<&Value> = vec![root];
    for step in steps {
        let mut next = Vec::new();
        for node in current {
            apply(node, step, &mut next);
        }
        current = next;
    }
    Value::Array(current.into_iter().cloned().collect())
}

fn apply<'v>(node: &'v Value, step: &Step, out: &mut Vec<&'v Value>) {
    match step {
        Step::Field(_) | Step::Index(_) => out.extend(step_one(node, step)),
        Step::Wildcard => children(node, out),
        Step::Slice(start, end, by) => {
            if let Value::Array(items) = node {
                slice(items, *start, *end, *by, out);
            }
        }
        Step::Union(parts) => {
            for part in *parts {
                out.extend(step_one(node, part));
            }
        }
        Step::Descend => descend(node, out),
        Step::Filter(filter) => {
            let mut candidates = Vec::new();
            children(node, &mut candidates);
            out.extend(candidates.into_iter().filter(|c| holds(filter, c)));
        }
    }
}

fn children<'v>(node: &'v Value, out: &mut Vec<&'v Value>) {
    match node {
        Value::Object(map) => out.extend(map.values()),
        Value::Array(items) => out.extend(items.iter()),
        _ => {}
    }
}

fn descend<'v>(node: &'v Value, out: &mut Vec<&'v Value>) {
    out.push(node);
    match node {
        Value::Object(map) => map.values().for_each(|v| descend(v, out)),
        Value::Array(items) => items.iter().for_each(|v| descend(v, out)),
        _ => {}
    }
}

fn slice<'v>(
    items: &'v [Value],
    start: Option<i64>,
    end: Option<i64>,
    by: i64,
    out: &mut Vec<&'v Value>,
) {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let clamp = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
    if by > 0 {
        let (mut i, stop) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(len)));
        while i < stop {
            out.extend(usize::try_from(i).ok().and_then(|i| items.get(i)));
            i += by;
        }
    } else if by < 0 {
        let mut i = start.map_or(len - 1, |s| clamp(s).min(len - 1));
        let stop = end.map_or(-1, clamp);
        while i > stop {
            out.extend(usize::try_from(i).ok().and_then(|i| items.get(i)));
            i += by;
        }
    }
}

fn holds(filter: &Filter, item: &Value) -> bool {
    match filter {
        Filter::Exists(steps) => relative(item, steps).is_some(),
        Filter::Compare(steps, op, lit) => {
            relative(item, steps).is_some_and(|v| compare(v, *op, lit))
        }
        Filter::And(a, b) => holds(a, item) && holds(b, item),
        Filter::Or(a, b) => holds(a, item) || holds(b, item),
        Filter::Not(a) => !holds(a, item),
    }
}

fn relative<'v>(item: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    get(item, steps).ok()
}

fn compare(v: &Value, op: CmpOp, lit: &Literal) -> bool {
    use std::cmp::Ordering;
    let ordering = match (v, lit) {
        (Value::Number(n), Literal::Num(l)) => n.as_f64().and_then(|n| n.partial_cmp(l)),
        (Value::String(s), Literal::Str(l)) => Some(s.as_str().cmp(l)),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        (Value::Null, Literal::Null) => Some(Ordering::Equal),
        _ => None,
    };
    match (op, ordering) {
        (CmpOp::Ne, None) => true,
        (_, None) => false,
        (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
        (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
    }
}

/// The path in the bracket notation AWS uses in messages: `$['a'][0]`.
pub fn bracketed(steps: &[Step]) -> String {
    let mut out = String::from("$");
    for step in steps {
        match step {
            Step::Field(name) => {
                let _ = write!(out, "['{name}']");
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Step::Wildcard => out.push_str("[*]"),
            Step::Descend => out.push_str(".."),
            Step::Slice(..) | Step::Union(_) | Step::Filter(_) => out.push_str("[…]"),
        }
    }
    out
}

/// The detail AWS gives when an InputPath, OutputPath or similar path misses:
/// `Invalid path '$.a' : No results for path: $['a']`, or `Missing property in
/// path $['a']` when a step before the last one found nothing.
pub fn missing_detail(text: &str, steps: &[Step], failed_at: usize) -> String {
    if failed_at + 1 >= steps.len() {
        format!(
            "Invalid path '{text}' : No results for path: {}",
            bracketed(steps)
        )
    } else {
        format!(
            "Invalid path '{text}' : Missing property in path {}",
            bracketed(&steps[..=failed_at])
        )
    }
}

/// Compact JSON text of a value, for messages.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Length in bytes of a value's compact JSON text, without building it.
pub fn json_len(value: &Value) -> usize {
    /// Counts the bytes written to it.
    struct ByteCount(usize);
    impl std::io::Write for ByteCount {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = ByteCount(0);
    // Writing to a counter cannot fail; a failure would only undercount.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A value as AWS shows it inside a message: a string as it is, anything
/// else as compact JSON.
pub fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

/// Writes `value` at the reference path `steps` inside `target` (ResultPath).
///
/// Missing objects on the way are created. Returns `None` when the path cannot
/// be applied: a step meets a value that is not an object, or an index that
/// does not exist.
pub fn set(mut target: Value, steps: &[Step], value: Value) -> Result<Value, Value> {
    if steps.is_empty() {
        return Ok(value);
    }
    if set_in(&mut target, steps, value) {
        Ok(target)
    } else {
        Err(target)
    }
}

fn set_in(node: &mut Value, steps: &[Step], value: Value) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        *node = value;
        return true;
    };
    let slot = match (step, node) {
        (Step::Field(name), Value::Object(map)) if rest.is_empty() => {
            // An existing member is replaced in place: no new key to allocate.
            match map.get_mut(*name) {
                Some(slot) => *slot = value,
                None => {
                    map.insert((*name).to_owned(), value);
                }
            }
            return true;
        }
        (Step::Field(name), Value::Object(map)) => {
            if !map.contains_key(*name) {
                map.insert((*name).to_owned(), Value::Object(Map::new()));
            }
            match map.get_mut(*name) {
                Some(slot) => slot,
                None => return false,
            }
        }
        (Step::Index(i), Value::Array(items)) => {
            let len = items.len();
            match resolve_index(*i, len).and_then(|i| items.get_mut(i)) {
                Some(slot) => slot,
                None => return false,
            }
        }
        _ => return false,
    };
    set_in(slot, rest, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static VALS: [Step; 2] = [Step::Field("vals"), Step::Index(0)];

    #[test]
    fn definite_paths_follow_names_and_indexes() {
        let input = json!({"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]});
        assert_eq!(get(&input, &VALS), Ok(&json!(0)));
        assert_eq!(
            get(&input, &[Step::Field("vals"), Step::Index(-1)]),
            Ok(&json!(50))
        );
        assert_eq!(
            get(&input, &[Step::Field("nope"), Step::Field("x")]),
            Err(0)
        );
        assert_eq!(get(&json!("foo"), &[Step::Field("x")]), Err(0));
    }

    #[test]
    fn slices_and_wildcards_gather_arrays() {
        // §2.3: "last3.$": "$.vals[-3:]" on [0,10,20,30,40,50] gives [30,40,50].
        let input = json!({"vals": [0, 10, 20, 30, 40, 50]});
        let steps = [Step::Field("vals"), Step::Slice(Some(-3), None, 1)];
        assert_eq!(select(&input, &steps), json!([30, 40, 50]));
        // §2.2: `$.items[*]` on `{}` gives `[]`.
        assert_eq!(
            select(&json!({}), &[Step::Field("items"), Step::Wildcard]),
            json!([])
        );
        let nested = json!([[1, 2], [3]]);
        assert_eq!(
            select(&nested, &[Step::Wildcard, Step::Wildcard]),
            json!([1, 2, 3])
        );
    }

    #[test]
    fn filters_and_descent() {
        static YEAR: [Step; 1] = [Step::Field("year")];
        static OLD: Filter = Filter::Compare(&YEAR, CmpOp::Le, Literal::Num(1999.0));
        let input = json!([{"year": 1990}, {"year": 2005}, {"name": "x"}]);
        assert_eq!(
            select(&input, &[Step::Filter(&OLD)]),
            json!([{"year": 1990}])
        );
        let tree = json!({"a": {"name": 1, "b": {"name": 2}}});
        assert_eq!(
            select(&tree, &[Step::Descend, Step::Field("name")]),
            json!([1, 2])
        );
    }

    #[test]
    fn result_path_creates_objects_and_rejects_scalars() {
        // §2.4 examples.
        let input = json!({"master": {"detail": [1, 2, 3]}});
        let sum = [
            Step::Field("master"),
            Step::Field("result"),
            Step::Field("sum"),
        ];
        assert_eq!(
            set(input.clone(), &sum, json!(6)),
            Ok(json!({"master": {"detail": [1, 2, 3], "result": {"sum": 6}}}))
        );
        let detail = [Step::Field("master"), Step::Field("detail")];
        assert_eq!(
            set(input, &detail, json!(6)),
            Ok(json!({"master": {"detail": 6}}))
        );
        assert!(set(json!("foo"), &[Step::Field("x")], json!(1)).is_err());
    }

    #[test]
    fn messages_use_bracket_notation() {
        let steps = [Step::Field("no"), Step::Field("such")];
        assert_eq!(
            missing_detail("$.no.such", &steps, 0),
            "Invalid path '$.no.such' : Missing property in path $['no']"
        );
        assert_eq!(
            missing_detail("$.no.such", &steps, 1),
            "Invalid path '$.no.such' : No results for path: $['no']['such']"
        );
    }
}
