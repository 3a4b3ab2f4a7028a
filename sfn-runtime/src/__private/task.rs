//! Running one attempt of a Task state: events, timeouts, heartbeats, panics.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use serde_json::{Map, Value};
use tokio::sync::Notify;
use tokio::time::{Instant, sleep_until};

use super::exec::Exec;
use crate::task::{TaskContext, TaskResult};
use crate::{Error, names};

/// The payload limit of Step Functions: 256 KiB of UTF-8.
const PAYLOAD_LIMIT: usize = 262_144;

/// How a `Resource` is invoked, which decides the events and the result shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// A Lambda function ARN: the handler's result is the task result as is.
    LambdaFunction,
    /// `arn:aws:states:::lambda:invoke`: the handler gets `Payload`, its result is wrapped.
    LambdaInvoke,
    /// Another `arn:aws:states:::<service>:<api>` integration.
    Service {
        /// The service part, e.g. `sqs` or `aws-sdk:s3`.
        resource_type: &'static str,
        /// The API part, e.g. `sendMessage.waitForTaskToken`.
        api: &'static str,
    },
    /// An activity ARN.
    Activity,
}

/// What generated code knows about a Task state at compile time.
#[derive(Debug, Clone, Copy)]
pub struct TaskSpec {
    /// The state's name.
    pub state: &'static str,
    /// The state's `Resource`.
    pub resource: &'static str,
    /// How the resource is invoked.
    pub kind: ResourceKind,
    /// Whether the integration pattern gives the handler a task token.
    pub uses_token: bool,
}

impl TaskSpec {
    /// The kinds of the attempt's events: `LambdaFunction…` for a Lambda ARN,
    /// `Activity…` for an activity, `Task…` for an integration.
    fn events(&self) -> &'static TaskEvents {
        match self.kind {
            ResourceKind::LambdaFunction => &LAMBDA_EVENTS,
            ResourceKind::Activity => &ACTIVITY_EVENTS,
            ResourceKind::LambdaInvoke | ResourceKind::Service { .. } => &TASK_EVENTS,
        }
    }

    fn resource_details(&self) -> Map<String, Value> {
        let mut d = Map::new();
        match self.kind {
            ResourceKind::LambdaInvoke => {
                d.insert("resourceType".into(), "lambda".into());
                d.insert("resource".into(), "invoke".into());
            }
            ResourceKind::Service { resource_type, api } => {
                d.insert("resourceType".into(), resource_type.into());
                d.insert("resource".into(), api.into());
            }
            ResourceKind::LambdaFunction | ResourceKind::Activity => {}
        }
        d
    }

    /// The name AWS uses for the task in a `States.DataLimitExceeded` cause.
    fn limit_name(&self) -> &'static str {
        match self.kind {
            ResourceKind::LambdaInvoke => "lambda",
            ResourceKind::Service { resource_type, .. } => resource_type,
            ResourceKind::LambdaFunction | ResourceKind::Activity => self.resource,
        }
    }
}

/// Runs one attempt of a task: emits the scheduling events, calls the handler
/// built by `call`, and turns a timeout, a missed heartbeat, a panic or an
/// oversized result into the error AWS reports.
pub async fn invoke<F, Fut>(
    exec: &mut Exec,
    spec: &TaskSpec,
    input: Value,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    call: F,
) -> Result<Value, Error>
where
    F: FnOnce(Value, TaskContext) -> Fut,
    Fut: Future<Output = TaskResult>,
{
    let events = spec.events();
    exec.event(events.scheduled, |_| {
        let mut d = spec.resource_details();
        match spec.kind {
            ResourceKind::LambdaInvoke | ResourceKind::Service { .. } => {
                d.insert("region".into(), "local".into());
                d.insert("parameters".into(), input.clone());
            }
            ResourceKind::LambdaFunction | ResourceKind::Activity => {
                d.insert("resource".into(), spec.resource.into());
                d.insert("input".into(), input.clone());
            }
        }
        if let Some(t) = timeout_seconds {
            d.insert("timeoutInSeconds".into(), t.into());
        }
        if let Some(h) = heartbeat_seconds {
            d.insert("heartbeatInSeconds".into(), h.into());
        }
        d
    });
    exec.event(events.started, |_| spec.resource_details());

    let (payload, function_name, tail) = if spec.kind == ResourceKind::LambdaInvoke {
        let request = lambda_invoke_payload(exec, input)?;
        (request.payload, Some(request.function_name), request.tail)
    } else {
        (input, None, false)
    };
    let task_token = spec.uses_token.then(|| exec.issue_task_token());
    let heartbeat = heartbeat_seconds.map(|_| Arc::new(Notify::new()));
    let ctx = TaskContext {
        state_name: spec.state,
        resource: spec.resource,
        retry_count: exec.retry_count(),
        task_token,
        function_name,
        execution: exec.execution_ref(),
        heartbeat: heartbeat.clone(),
    };
    let attempt = AssertUnwindSafe(call(payload, ctx)).catch_unwind();
    // Most tasks have neither limit: no timers at all for them, and the
    // timers' large future is boxed apart so that it does not make every
    // task's future (and each move of it) larger.
    let outcome = match heartbeat_seconds.zip(heartbeat.as_deref()) {
        None if timeout_seconds.is_none() => Race::Done(attempt.await),
        beats => Box::pin(race(attempt, timeout_seconds, beats)).await,
    };

    let result = match outcome {
        Race::Done(Ok(Ok(value))) => check_size(spec, value).map(|value| {
            if spec.kind == ResourceKind::LambdaInvoke {
                lambda_invoke_response(exec, value, tail)
            } else {
                value
            }
        }),
        Race::Done(Ok(Err(err))) => Err(err),
        Race::Done(Err(panic)) => Err(Error::new(
            names::TASK_FAILED,
            format!(
                "the task handler panicked: {}",
                panic_message(panic.as_ref())
            ),
        )),
        Race::TimedOut => Err(Error::named(names::TIMEOUT)),
        Race::HeartbeatMissed => Err(Error::new(names::TIMEOUT, "the task missed its heartbeat")),
    };
    match &result {
        Ok(value) => exec.event(events.succeeded, |_| {
            let mut d = spec.resource_details();
            d.insert("output".into(), value.clone());
            d
        }),
        Err(err) => {
            let kind = if err.name() == names::TIMEOUT {
                events.timed_out
            } else {
                events.failed
            };
            exec.event(kind, |_| {
                let mut d = spec.resource_details();
                d.insert("error".into(), err.name().into());
                if let Some(cause) = err.cause() {
                    d.insert("cause".into(), cause.into());
                }
                d
            });
        }
    }
    result
}

enum Race<T> {
    Done(T),
    TimedOut,
    HeartbeatMissed,
}

async fn race<T>(
    attempt: impl Future<Output = T>,
    timeout_seconds: Option<u64>,
    heartbeat: Option<(u64, &Notify)>,
) -> Race<T> {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(timeout_seconds.unwrap_or(0));
    let beat = Duration::from_secs(heartbeat.map_or(0, |(s, _)| s));
    let mut beat_deadline = start + beat;
    let notify = heartbeat.map(|(_, n)| n);
    tokio::pin!(attempt);
    loop {
        tokio::select! {
            biased;
            value = &mut attempt => return Race::Done(value),
            () = sleep_until(deadline), if timeout_seconds.is_some() => return Race::TimedOut,
            () = sleep_until(beat_deadline), if notify.is_some() => return Race::HeartbeatMissed,
            () = notified(notify), if notify.is_some() => beat_deadline = Instant::now() + beat,
        }
    }
}

/// A heartbeat, or never.
async fn notified(notify: Option<&Notify>) {
    match notify {
        Some(n) => n.notified().await,
        None => std::future::pending().await,
    }
}

/// An upper bound of the compact JSON size of `value` (every string byte
/// escaped as `\uXXXX`, every number at its longest), or a number above
/// `stop` as soon as the bound passes it.
fn size_bound(value: &Value, stop: usize) -> usize {
    /// The bound of `value`, summed into its container's total without a
    /// call when it holds no other value. Three cases, not one per kind of
    /// value: tested in turn rather than through a jump table, whose target
    /// changes from one member to the next and is mispredicted (null,
    /// booleans and numbers are all bounded by a number's longest form).
    #[inline(always)]
    fn item(value: &Value, stop: usize) -> usize {
        if let Value::String(s) = value {
            2 + 6 * s.len()
        } else if matches!(value, Value::Array(_) | Value::Object(_)) {
            walk(value, stop)
        } else {
            24
        }
    }
    fn walk(value: &Value, stop: usize) -> usize {
        let mut total = 0;
        match value {
            Value::Array(items) => {
                total += 2 + items.len();
                for value in items {
                    total += item(value, stop);
                    if total > stop {
                        break;
                    }
                }
            }
            Value::Object(members) => {
                total += 2 + members.len();
                for (key, value) in members {
                    total += 3 + 6 * key.len() + item(value, stop);
                    if total > stop {
                        break;
                    }
                }
            }
            leaf => total += item(leaf, stop),
        }
        total
    }
    walk(value, stop)
}

fn check_size(spec: &TaskSpec, value: Value) -> Result<Value, Error> {
    // Most results are far below the limit: a bound on their size, computed
    // without formatting anything, settles it; only results that might be
    // near the limit are measured exactly, by serializing them.
    if size_bound(&value, PAYLOAD_LIMIT) <= PAYLOAD_LIMIT {
        return Ok(value);
    }
    if super::path::json_len(&value) > PAYLOAD_LIMIT {
        return Err(Error::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                spec.limit_name()
            ),
        ));
    }
    Ok(value)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

/// The kinds of the events of a task attempt.
struct TaskEvents {
    scheduled: &'static str,
    started: &'static str,
    succeeded: &'static str,
    failed: &'static str,
    timed_out: &'static str,
}

static LAMBDA_EVENTS: TaskEvents = TaskEvents {
    scheduled: "LambdaFunctionScheduled",
    started: "LambdaFunctionStarted",
    succeeded: "LambdaFunctionSucceeded",
    failed: "LambdaFunctionFailed",
    timed_out: "LambdaFunctionTimedOut",
};

static ACTIVITY_EVENTS: TaskEvents = TaskEvents {
    scheduled: "ActivityScheduled",
    started: "ActivityStarted",
    succeeded: "ActivitySucceeded",
    failed: "ActivityFailed",
    timed_out: "ActivityTimedOut",
};

static TASK_EVENTS: TaskEvents = TaskEvents {
    scheduled: "TaskScheduled",
    started: "TaskStarted",
    succeeded: "TaskSucceeded",
    failed: "TaskFailed",
    timed_out: "TaskTimedOut",
};

/// What `lambda:invoke` sends to the function.
struct LambdaRequest {
    payload: Value,
    function_name: String,
    /// `LogType: Tail`: the response carries the end of the function's log.
    tail: bool,
}

/// Splits the effective input of an `arn:aws:states:::lambda:invoke` task into
/// the function name and the payload the function receives (`{}` when absent).
fn lambda_invoke_payload(exec: &Exec, input: Value) -> Result<LambdaRequest, Error> {
    let Value::Object(mut params) = input else {
        return Err(exec.runtime_error("The parameters of a lambda:invoke task must be an object."));
    };
    let function_name = match params.remove("FunctionName") {
        Some(Value::String(name)) => name,
        _ => {
            return Err(exec.runtime_error(
                "The field 'FunctionName' of a lambda:invoke task is required and must be a string.",
            ));
        }
    };
    // Lambda receives the Payload as the request body: a string is sent as is,
    // so the function sees the JSON it contains; no payload is an empty object.
    let payload = match params.remove("Payload") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::String(text)) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        Some(other) => other,
    };
    let tail = matches!(params.get("LogType"), Some(Value::String(t)) if t == "Tail");
    Ok(LambdaRequest {
        payload,
        function_name,
        tail,
    })
}

/// The result of `arn:aws:states:::lambda:invoke`: the function's result under
/// `Payload`, with the metadata Lambda's Invoke API returns.
fn lambda_invoke_response(exec: &Exec, payload: Value, tail: bool) -> Value {
    let length = python_json_len(&payload).to_string();
    let request_id = uuid::Uuid::new_v4().to_string();
    let date = exec.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let trace = format!("Root=1-{}", uuid::Uuid::new_v4().simple());
    let log = tail.then(|| {
        use base64::Engine as _;
        let text = format!(
            "START RequestId: {request_id} Version: $LATEST\nEND RequestId: {request_id}\nREPORT RequestId: {request_id}\n"
        );
        base64::engine::general_purpose::STANDARD.encode(text)
    });
    let mut headers: Vec<(&str, &str)> = vec![
        ("Connection", "keep-alive"),
        ("Content-Length", &length),
        ("Content-Type", "application/json"),
        ("Date", &date),
        ("X-Amz-Executed-Version", "$LATEST"),
        ("x-amzn-Remapped-Content-Length", "0"),
        ("x-amzn-RequestId", &request_id),
        ("X-Amzn-Trace-Id", &trace),
    ];
    if let Some(log) = &log {
        headers.push(("X-Amz-Log-Result", log));
    }
    let mut all = Map::new();
    let mut single = Map::new();
    for (name, value) in headers {
        all.insert(name.into(), Value::Array(vec![value.into()]));
        single.insert(name.into(), value.into());
    }
    let mut http = Map::new();
    http.insert("AllHttpHeaders".into(), Value::Object(all));
    http.insert("HttpHeaders".into(), Value::Object(single));
    http.insert("HttpStatusCode".into(), 200.into());
    let mut sdk = Map::new();
    sdk.insert("RequestId".into(), request_id.clone().into());
    let mut out = Map::new();
    out.insert("ExecutedVersion".into(), "$LATEST".into());
    if let Some(log) = log {
        out.insert("LogResult".into(), log.into());
    }
    out.insert("Payload".into(), payload);
    out.insert("SdkHttpMetadata".into(), Value::Object(http));
    out.insert("SdkResponseMetadata".into(), Value::Object(sdk));
    out.insert("StatusCode".into(), 200.into());
    Value::Object(out)
}

/// The length of the response body as Lambda's Python runtime writes it
/// (`json.dumps`: `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`),
/// which is what AWS reports as `Content-Length`.
fn python_json_len(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => python_string_len(s),
        Value::Array(items) => {
            2 + items.iter().map(python_json_len).sum::<usize>() + 2 * items.len().saturating_sub(1)
        }
        Value::Object(map) => {
            2 + map
                .iter()
                .map(|(k, v)| python_string_len(k) + 2 + python_json_len(v))
                .sum::<usize>()
                + 2 * map.len().saturating_sub(1)
        }
    }
}

fn python_string_len(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if u32::from(c) < 0x20 => 6,
            c if c.is_ascii() => 1,
            c => 6 * c.len_utf16(),
        })
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: TaskSpec = TaskSpec {
        state: "Big",
        resource: "arn:aws:lambda:us-east-1:123456789012:function:big",
        kind: ResourceKind::LambdaFunction,
        uses_token: false,
    };

    /// The compact JSON text of `value`, as the service measures it.
    fn compact_len(value: &Value) -> usize {
        serde_json::to_string(value).map(|s| s.len()).unwrap_or(0)
    }

    #[test]
    fn the_bound_is_never_below_the_compact_size() {
        let values = [
            json!(null),
            json!(true),
            json!(-1.5e300),
            json!(u64::MAX),
            json!("plain"),
            json!("quote \" backslash \\ newline \n tab \t bell \u{7}"),
            json!("é ü 日本 🎉"),
            json!([]),
            json!({}),
            json!([1, [2, [3, [4, {"deep": [null, false]}]]]]),
            json!({"a": {"b": {"c": ["x", "y", {"z": 0.25}]}}, "key \"quoted\"": "v"}),
        ];
        for value in values {
            let bound = size_bound(&value, PAYLOAD_LIMIT);
            assert!(
                bound >= compact_len(&value),
                "{value}: bound {bound} < {}",
                compact_len(&value)
            );
        }
    }

    #[test]
    fn results_up_to_256_kib_pass_and_one_byte_more_fails() {
        // A string of n ASCII letters is n + 2 bytes of JSON; 262,144 bytes
        // is the service's limit (spec §5, payload limit).
        let at_limit = json!("a".repeat(262_142));
        assert_eq!(compact_len(&at_limit), 262_144);
        assert!(check_size(&SPEC, at_limit).is_ok());

        let over = json!("a".repeat(262_143));
        let err = check_size(&SPEC, over).expect_err("one byte over the limit");
        assert_eq!(err.name(), names::DATA_LIMIT_EXCEEDED);
        assert_eq!(
            err.cause(),
            Some(
                "The state/task 'arn:aws:lambda:us-east-1:123456789012:function:big' returned a result with a size exceeding the maximum number of bytes service limit."
            )
        );
    }

    #[test]
    fn nested_results_are_measured_whole() {
        // 1,000 members "kNNN": "<256 letters>", each 6 + 1 + 258 bytes, commas
        // between members, so the object is 2 + 1,000 × 265 + 999 = 266,001 bytes.
        let big: Map<String, Value> = (0..1000)
            .map(|i| (format!("k{i:03}"), Value::from("b".repeat(256))))
            .collect();
        let big = Value::Object(big);
        assert_eq!(compact_len(&big), 266_001);
        let big = json!({"outer": [big]});
        let err = check_size(&SPEC, big).expect_err("over the limit");
        assert_eq!(err.name(), names::DATA_LIMIT_EXCEEDED);

        // Small values far from the limit are accepted without measuring.
        let small = json!({"payload": {"id": "T-1", "values": [1, 2, 3, 4]}, "last": null});
        assert!(size_bound(&small, PAYLOAD_LIMIT) <= PAYLOAD_LIMIT);
        assert!(check_size(&SPEC, small).is_ok());
    }
}
