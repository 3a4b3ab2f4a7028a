//! Reading and writing state data for generated code, with AWS's error texts.

use std::borrow::Cow;
use std::time::Duration;

use serde_json::Value;

use super::exec::Exec;
use super::path::{self, Step};
use crate::choice;
use crate::timestamp::{self, Timestamp};
use crate::{Error, names};

/// Reads a definite path from `data` (InputPath, OutputPath), cloning the node.
#[inline]
pub fn read_path(exec: &Exec, data: &Value, steps: &[Step], text: &str) -> Result<Value, Error> {
    match path::get(data, steps) {
        Ok(v) => Ok(v.clone()),
        Err(at) => Err(exec.path_error(text, steps, at)),
    }
}

/// Reads a definite path from `data` without copying the node.
#[inline]
pub fn read_path_ref<'v>(
    exec: &Exec,
    data: &'v Value,
    steps: &[Step],
    text: &str,
) -> Result<&'v Value, Error> {
    path::get(data, steps).map_err(|at| exec.path_error(text, steps, at))
}

/// Checks that a definite path (InputPath, OutputPath) matches inside a
/// value the generated code holds apart: `steps` inside `value`, of which the
/// first `base` lead to the node where the path's steps from index `from`
/// are read. A miss is the same `States.Runtime` error as [`read_path`] gives
/// for the whole path `all`.
#[inline]
pub fn check_path_in(
    exec: &Exec,
    value: &Value,
    steps: &[Step],
    base: usize,
    (all, from, text): (&[Step], usize, &str),
) -> Result<(), Error> {
    match path::get(value, steps) {
        Ok(_) => Ok(()),
        Err(at) => Err(exec.path_error(text, all, at.saturating_sub(base) + from)),
    }
}

/// Reads a path from the context object (`$$…`).
pub fn read_context_path(
    exec: &Exec,
    steps: &[Step],
    definite: bool,
    text: &str,
) -> Result<Value, Error> {
    let context = exec.context_part(path::first_field(steps));
    if !definite {
        return Ok(path::select(&context, steps));
    }
    match path::get(&context, steps) {
        Ok(v) => Ok(v.clone()),
        Err(at) => Err(exec.path_error(text, steps, at)),
    }
}

/// [`merge_result`] for a state with a Catch: on failure, `raw` comes back
/// with the error, for the catcher.
pub fn merge_result_or_keep(
    exec: &Exec,
    raw: Value,
    steps: &[Step],
    text: &str,
    result: Value,
) -> Result<Value, (Error, Value)> {
    path::set(raw, steps, result).map_err(|raw| (result_path_error(exec, text, &raw), raw))
}

fn result_path_error(exec: &Exec, text: &str, raw: &Value) -> Error {
    Error::new(
        names::RESULT_PATH_MATCH_FAILURE,
        format!(
            "An error occurred while executing the state '{}'. Unable to apply ResultPath '{text}' to input '{}'",
            exec.state_name(),
            path::compact(raw)
        ),
    )
}

/// Applies a ResultPath: writes `result` into `raw` at `steps`.
pub fn merge_result(
    exec: &Exec,
    raw: Value,
    steps: &[Step],
    text: &str,
    result: Value,
) -> Result<Value, Error> {
    path::set(raw, steps, result).map_err(|raw| result_path_error(exec, text, &raw))
}

fn lookup<'v>(
    exec: &Exec,
    input: &'v Value,
    context: bool,
    steps: &[Step],
) -> Option<Cow<'v, Value>> {
    if context {
        path::get(&exec.context_object(), steps)
            .ok()
            .cloned()
            .map(Cow::Owned)
    } else {
        path::get(input, steps).ok().map(Cow::Borrowed)
    }
}

fn choice_value<'v>(
    exec: &Exec,
    input: &'v Value,
    (context, steps, text): (bool, &[Step], &str),
) -> Result<Cow<'v, Value>, Error> {
    lookup(exec, input, context, steps).ok_or_else(|| choice_miss(exec, text))
}

/// The error of a Choice condition whose path matches nothing.
#[cold]
#[inline(never)]
fn choice_miss(exec: &Exec, text: &str) -> Error {
    exec.runtime_error(format_args!(
        "Invalid path '{text}': The choice state's condition path references an invalid value."
    ))
}

/// `IsPresent`: whether the Choice variable's path matches something.
#[inline]
pub fn is_present(exec: &Exec, input: &Value, context: bool, steps: &[Step]) -> bool {
    lookup(exec, input, context, steps).is_some()
}

/// A Choice data test with a literal operand. A missing variable is `States.Runtime`.
#[inline]
pub fn test(
    exec: &Exec,
    input: &Value,
    variable: (bool, &[Step], &str),
    compare: impl FnOnce(&Value) -> bool,
) -> Result<bool, Error> {
    let (context, steps, text) = variable;
    if context {
        return Ok(compare(choice_value(exec, input, variable)?.as_ref()));
    }
    match path::get(input, steps) {
        Ok(value) => Ok(compare(value)),
        Err(_) => Err(choice_miss(exec, text)),
    }
}

/// A Choice data test with a `…Path` operand.
pub fn test_path(
    exec: &Exec,
    (input, variable): (&Value, (bool, &[Step], &str)),
    (other_input, other): (&Value, (bool, &[Step], &str)),
    op: choice::Op,
) -> Result<bool, Error> {
    let value = choice_value(exec, input, variable)?;
    let other = choice_value(exec, other_input, other)?;
    Ok(choice::compare_path(op, &value, &other))
}

/// `TimeoutSecondsPath` / `HeartbeatSecondsPath`: a positive integer read from the input.
pub fn positive_seconds(
    exec: &Exec,
    input: &Value,
    steps: &[Step],
    text: &str,
    field: &str,
) -> Result<u64, Error> {
    let value = read_path(exec, input, steps, text)?;
    match value.as_u64() {
        Some(n) if n > 0 => Ok(n),
        _ => Err(exec.runtime_error(format_args!(
            "The {field} parameter does not reference a positive integer: {text} == {}",
            path::compact(&value)
        ))),
    }
}

/// `ErrorPath` / `CausePath` of a Fail state: a string read from the raw input.
pub fn fail_field(
    exec: &Exec,
    data: &Value,
    context: bool,
    steps: &[Step],
    text: &str,
    field: &str,
) -> Result<String, Error> {
    match lookup(exec, data, context, steps) {
        Some(value) => Ok(path::shown(&value)),
        None => Err(super::value::template_miss(exec, data, text, field)),
    }
}

/// A value as a Fail state's error or cause: a string as it is, anything else as compact JSON.
pub fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => path::compact(&other),
    }
}

/// Sleeps on tokio's clock (so a paused clock makes it instant).
pub async fn sleep(delay: Duration) {
    tokio::time::sleep(delay).await;
}

/// `Seconds`.
pub async fn wait_seconds(seconds: u64) {
    sleep(Duration::from_secs(seconds)).await;
}

/// `Timestamp`: waits until the instant (to the second), or not at all if it has passed.
pub async fn wait_until(exec: &Exec, until: Timestamp) -> Result<(), Error> {
    let now = Timestamp::from_chrono(exec.now());
    let delay = until.secs.saturating_sub(now.secs);
    if delay > i64::from(i32::MAX) {
        return Err(exec.runtime_error("Wait state delay is too long."));
    }
    if delay > 0 {
        sleep(Duration::from_secs(delay.unsigned_abs())).await;
    }
    Ok(())
}

/// `SecondsPath`.
pub async fn wait_seconds_path(
    exec: &Exec,
    input: &Value,
    steps: &[Step],
    text: &str,
) -> Result<(), Error> {
    let Ok(value) = path::get(input, steps) else {
        return Err(exec.runtime_error(format_args!(
            "The SecondsPath parameter does not reference an input value: {text}"
        )));
    };
    let seconds = match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => n.as_i64().unwrap_or(i64::MAX),
        other => {
            return Err(exec.runtime_error(format_args!(
                "The SecondsPath parameter cannot be parsed as a long value: {text} == {}",
                path::compact(other)
            )));
        }
    };
    if seconds < 0 {
        return Err(exec.runtime_error(format_args!(
            "The SecondsPath parameter references a negative value: {text} == {seconds}"
        )));
    }
    wait_seconds(seconds.unsigned_abs()).await;
    Ok(())
}

/// `TimestampPath`.
pub async fn wait_timestamp_path(
    exec: &Exec,
    input: &Value,
    steps: &[Step],
    text: &str,
) -> Result<(), Error> {
    let until = match path::get(input, steps) {
        Ok(Value::String(s)) => timestamp::parse(s),
        _ => None,
    };
    match until {
        Some(until) => wait_until(exec, until).await,
        None => {
            // AWS shows a string value without quotes.
            let shown = path::get(input, steps).map_or_else(|_| "null".to_owned(), path::shown);
            Err(exec.runtime_error(format_args!(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {text} == {shown}"
            )))
        }
    }
}
