//! Building JSON values in generated code: literals and payload templates.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::exec::Exec;
use super::path::{self, Step};

/// An object literal from its members, in order.
#[inline]
pub fn obj<const N: usize>(members: [(&'static str, Value); N]) -> Value {
    fill(Map::with_capacity(N), members)
}

/// `map` with `members` inserted, in order, as an object.
#[inline]
fn fill<const N: usize>(mut map: Map<String, Value>, members: [(&'static str, Value); N]) -> Value {
    for (k, v) in members {
        map.insert(k.to_owned(), v);
    }
    Value::Object(map)
}

/// How many members more than it gets an object may have for its map to be
/// reused by [`obj_in`]: beyond that, a new map is smaller.
const REUSE_SLACK: usize = 8;

/// An object literal from its members, in order, built in the map of
/// `source` when that is an object of about the same size: `source` is a value
/// no longer needed (a task's result once its ResultSelector has taken what
/// it uses), so its members are dropped and its allocation holds the new
/// members instead of a new map.
#[inline]
pub fn obj_in<const N: usize>(source: Value, members: [(&'static str, Value); N]) -> Value {
    match source {
        Value::Object(mut map) if map.len() <= N + REUSE_SLACK => {
            map.clear();
            fill(map, members)
        }
        _ => obj(members),
    }
}

/// An array literal.
#[inline]
pub fn arr<const N: usize>(items: [Value; N]) -> Value {
    Value::Array(Vec::from(items))
}

/// The value of a `"key.$": "$…"` template member, read from `input`.
///
/// A definite path that matches nothing is a `States.Runtime` error naming the
/// field, as AWS reports it.
pub fn template_path(
    exec: &Exec,
    input: &Value,
    steps: &[Step],
    definite: bool,
    text: &str,
    field: &str,
) -> Result<Value, crate::Error> {
    template_value(exec, input, input, steps, definite, text, field)
}

/// A definite `$…` path of a template (an intrinsic function's argument),
/// borrowed: the same `States.Runtime` error as [`template_path`] on a miss.
pub fn template_ref<'v>(
    exec: &Exec,
    input: &'v Value,
    steps: &[Step],
    text: &str,
    field: &str,
) -> Result<&'v Value, crate::Error> {
    path::get(input, steps).map_err(|_| template_miss(exec, input, text, field))
}

/// AWS's `States.Runtime` error for a template path (`text`, of the member
/// `field`) that matches nothing in `input`. Generated code that holds the
/// input in parts rebuilds it for the message.
#[cold]
pub fn template_miss(exec: &Exec, input: &Value, text: &str, field: &str) -> crate::Error {
    exec.runtime_error(format_args!(
        "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
        path::compact(input)
    ))
}

/// A copy of the node at a definite path (checked to be there; `null` if not).
#[inline]
pub fn part(value: &Value, steps: &[Step]) -> Value {
    path::get(value, steps).cloned().unwrap_or_default()
}

/// [`part`] of a slot that may borrow: taken out of an owned value, copied
/// from a borrowed one.
pub fn take_part(slot: &mut Cow<'_, Value>, steps: &[Step]) -> Value {
    match slot {
        Cow::Borrowed(value) => part(value, steps),
        Cow::Owned(value) => path::take(value, steps),
    }
}

/// A register of a run loop: the slot that holds (a part of) the data of
/// the current state. Registers are `Value`s, or `Cow<Value>`s in a block
/// whose data may borrow from the Map state that runs it.
pub trait Reg: Default {
    /// The register's value, owned, leaving the register empty (`null`).
    fn take_value(&mut self) -> Value;
}

impl Reg for Value {
    #[inline]
    fn take_value(&mut self) -> Value {
        std::mem::take(self)
    }
}

impl Reg for Cow<'_, Value> {
    #[inline]
    fn take_value(&mut self) -> Value {
        std::mem::take(self).into_owned()
    }
}

/// The `K` registers of a run loop, the first ones holding `input` (the
/// slots of its first state's input, or that input whole) and the rest empty.
#[inline]
pub fn regs<T: Reg, const N: usize, const K: usize>(input: [T; N]) -> [T; K] {
    let mut input = input.into_iter();
    std::array::from_fn(|_| input.next().unwrap_or_default())
}

/// [`regs`] for an input lent by the caller: its slots are taken, leaving
/// it empty.
#[inline]
pub fn regs_taken<T: Reg, const N: usize, const K: usize>(input: &mut [T; N]) -> [T; K] {
    std::array::from_fn(|i| input.get_mut(i).map(std::mem::take).unwrap_or_default())
}

/// The value of a `"key.$": "$$…"` template member, read from the context object.
pub fn template_context_path(
    exec: &Exec,
    input: &Value,
    steps: &[Step],
    definite: bool,
    text: &str,
    field: &str,
) -> Result<Value, crate::Error> {
    template_value(
        exec,
        &exec.context_part(path::first_field(steps)),
        input,
        steps,
        definite,
        text,
        field,
    )
}

/// Checks, before a template moves values out of its input, that each of
/// its paths (`steps`, text, field) is there: a miss is the same
/// `States.Runtime` error as [`template_path`] gives, about the whole input.
pub fn check_template_paths(
    exec: &Exec,
    input: &Value,
    paths: &[(&[Step], &str, &str)],
) -> Result<(), crate::Error> {
    for (steps, text, field) in paths {
        template_ref(exec, input, steps, text, field)?;
    }
    Ok(())
}

/// Moves the value of a template's only `"key.$": "$…"` member out of
/// `source`, which is not needed after the template: one lookup where a
/// check and a move would make two. A miss is the `States.Runtime` error
/// that quotes `source`, still whole.
pub fn template_take(
    exec: &Exec,
    source: &mut Value,
    steps: &[Step],
    text: &str,
    field: &str,
) -> Result<Value, crate::Error> {
    match path::get_mut(source, steps) {
        Some(found) => Ok(std::mem::take(found)),
        None => Err(template_miss(exec, source, text, field)),
    }
}

/// The value of a `"key.$": "$$.Map.Item.Value…"` member of a Map's
/// ItemSelector: `steps` (those after `Value`) read from the current item.
pub fn template_item_path(
    exec: &Exec,
    item: &Value,
    input: &Value,
    steps: &[Step],
    definite: bool,
    text: &str,
    field: &str,
) -> Result<Value, crate::Error> {
    template_value(exec, item, input, steps, definite, text, field)
}

/// A definite `$$.Map.Item.Value…` path of an ItemSelector, borrowed from
/// the item: a miss is the `States.Runtime` error naming the template's
/// `input`, as [`template_item_path`] reports it.
pub fn template_item_ref<'v>(
    exec: &Exec,
    source: &'v Value,
    input: &Value,
    steps: &[Step],
    text: &str,
    field: &str,
) -> Result<&'v Value, crate::Error> {
    path::get(source, steps).map_err(|_| template_miss(exec, input, text, field))
}

/// Reads a template member's path from `source`; a miss names the template's `input`.
fn template_value(
    exec: &Exec,
    source: &Value,
    input: &Value,
    steps: &[Step],
    definite: bool,
    text: &str,
    field: &str,
) -> Result<Value, crate::Error> {
    if !definite {
        return Ok(path::select(source, steps));
    }
    match path::get(source, steps) {
        Ok(v) => Ok(v.clone()),
        Err(_) => Err(template_miss(exec, input, text, field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn an_object_built_in_its_source_has_only_its_members_in_their_order() {
        // The source's members are dropped, whatever their names and order.
        let source = json!({"step": 9, "payload": {"id": "T-1"}, "last": [1, 2]});
        let built = obj_in(
            source,
            [("payload", json!({"id": "T-1"})), ("step", json!(1))],
        );
        assert_eq!(built, json!({"payload": {"id": "T-1"}, "step": 1}));
        assert_eq!(keys(&built), ["payload", "step"]);
    }

    #[test]
    fn an_object_is_built_anew_when_its_source_is_not_a_small_object() {
        let members = || [("a", json!(1)), ("b", json!("two"))];
        let wide: Map<String, Value> = (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
        for source in [
            json!([1, 2, 3]),
            json!("text"),
            json!(null),
            Value::Object(wide),
        ] {
            let built = obj_in(source, members());
            assert_eq!(built, json!({"a": 1, "b": "two"}));
            assert_eq!(keys(&built), ["a", "b"]);
        }
    }
}
