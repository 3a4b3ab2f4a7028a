//! The conformance harness's compiled side: every recorded case's definition
//! compiled by sfn (through `build.rs`), the stand-in Lambda functions the
//! Task states call, and the table of cases. `tests/conformance.rs` runs them.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sfn_runtime::{Error, TaskContext, TaskResult, Value, json};

/// One recorded case, as `build.rs` found it.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The case's `id`.
    pub id: &'static str,
    /// The case file (JSON).
    pub file: &'static str,
    /// The compiled definition that runs it; `None` when it cannot run.
    pub def: Option<usize>,
    /// The definition as it was given to the compiler.
    pub def_file: &'static str,
    /// Why the compiler rejected the definition.
    pub rejected: Option<Rejection>,
    /// The services the case needs that have no stand-in (comma-separated).
    pub needs: Option<&'static str>,
}

/// The diagnostic that stopped a definition.
#[derive(Debug, Clone, Copy)]
pub struct Rejection {
    /// The diagnostic code (`unsupported`, `unknown-field`, ...).
    pub code: &'static str,
    /// Its message.
    pub message: &'static str,
    /// `path:line:column: error[code]: message`.
    pub short: &'static str,
}

/// The behaviours of the recorded Lambda functions (README, "The Lambda functions the tasks call").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Returns its input event unchanged.
    IdFunction,
    /// Fails with `Exception` and Lambda's JSON error object as the cause.
    RaiseException,
    /// Fails with `CustomException` and no message.
    RaiseCustomException,
    /// Sleeps 60 s (virtual), then returns its input.
    Wait60Seconds,
    /// Returns 257 KiB of `a`.
    LargeOutputString,
    /// Returns the JSON string `"HelloWorld!"`.
    ReturnBytesStr,
    /// Returns `{"Return": "HelloWorld"}`.
    EchoFunction,
    /// Returns `input-event-` followed by Python's repr of the event.
    ReturnDecoratedInput,
}

impl Behaviour {
    /// The behaviour of a handler name from a case's `lambdas` list.
    pub fn from_name(name: &str) -> Option<Behaviour> {
        Some(match name {
            "id_function" => Behaviour::IdFunction,
            "raise_exception" => Behaviour::RaiseException,
            "raise_custom_exception" => Behaviour::RaiseCustomException,
            "wait_60_seconds" => Behaviour::Wait60Seconds,
            "large_output_string" => Behaviour::LargeOutputString,
            "return_bytes_str" => Behaviour::ReturnBytesStr,
            "echo_function" => Behaviour::EchoFunction,
            "return_decorated_input" => Behaviour::ReturnDecoratedInput,
            _ => return None,
        })
    }
}

/// The Lambda functions of one case: function name → behaviour.
pub type Lambdas = HashMap<String, Behaviour>;

/// The handlers every compiled definition runs with: the case's Lambda functions.
#[derive(Debug, Clone, Default)]
pub struct StandIns {
    lambdas: Arc<Lambdas>,
}

impl StandIns {
    /// Stand-ins for the functions in `lambdas`.
    pub fn new(lambdas: Lambdas) -> StandIns {
        StandIns {
            lambdas: Arc::new(lambdas),
        }
    }
}

/// The fake account and region of the recordings.
const ACCOUNT: &str = "111111111111";
const REGION: &str = "us-east-1";

/// The function name in a function ARN (`arn:aws:lambda:…:function:NAME[:qualifier]`)
/// or a partial ARN; a plain name as is.
pub fn function_name(name_or_arn: &str) -> &str {
    match name_or_arn.split_once("function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => name_or_arn,
    }
}

/// A fresh request id in UUID shape (deterministic, so runs are reproducible).
fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Every Task state of every compiled definition calls this.
///
/// The function is the one in the Task's `Resource` (a function ARN) or, for
/// `arn:aws:states:::lambda:invoke`, the `FunctionName` parameter.
pub async fn stand_in(stand_ins: StandIns, input: Value, ctx: TaskContext) -> TaskResult {
    let resource = ctx.resource();
    let invoke = !resource.contains(":function:");
    let requested = if invoke {
        match ctx.function_name() {
            Some(name) => name.to_owned(),
            None => {
                return Err(Error::new(
                    "sfn-tests.NoStandIn",
                    format!("no stand-in serves the resource `{resource}`"),
                ));
            }
        }
    } else {
        resource.to_owned()
    };
    let name = function_name(&requested);
    let Some(&behaviour) = stand_ins.lambdas.get(name) else {
        // What Lambda answers for a function that does not exist.
        let arn = if requested.starts_with("arn:") {
            requested.clone()
        } else {
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
        };
        return Err(Error::new(
            "Lambda.ResourceNotFoundException",
            format!(
                "Function not found: {arn}:$LATEST (Service: AWSLambda; Status Code: 404; \
                 Error Code: ResourceNotFoundException; Request ID: {}; Proxy: null)",
                request_id()
            ),
        ));
    };
    match behaviour {
        Behaviour::IdFunction => Ok(input),
        Behaviour::RaiseException => Err(lambda_error(
            invoke,
            "Exception",
            "Some exception was raised.",
            "  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n",
        )),
        Behaviour::RaiseCustomException => Err(lambda_error(
            invoke,
            "CustomException",
            "",
            "  File \"/var/task/handler.py\", line 9, in handler\n    raise CustomException()\n",
        )),
        Behaviour::Wait60Seconds => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(input)
        }
        Behaviour::LargeOutputString => Ok(Value::String("a".repeat(257 * 1024))),
        Behaviour::ReturnBytesStr => Ok(Value::String("HelloWorld!".into())),
        Behaviour::EchoFunction => Ok(json!({ "Return": "HelloWorld" })),
        Behaviour::ReturnDecoratedInput => Ok(Value::String(format!(
            "input-event-{}",
            python_repr(&input)
        ))),
    }
}

/// A failed Lambda invocation: the error type, and Lambda's JSON error object as
/// the cause. The recordings show the object as the Python runtime wrote it
/// (`", "` and `": "` separators) for a function ARN resource, and re-serialised
/// compactly by the `lambda:invoke` integration.
fn lambda_error(invoke: bool, error_type: &'static str, message: &str, trace: &str) -> Error {
    let object = json!({
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id(),
        "stackTrace": [trace],
    });
    let cause = if invoke {
        object.to_string()
    } else {
        python_json(&object)
    };
    Error::new(error_type, cause)
}

/// JSON text as Python's `json.dumps` writes it by default: `", "` and `": "`
/// separators, non-ASCII characters escaped.
pub fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write_python_json(value, &mut out);
    out
}

fn write_python_json(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_string(key, out);
                out.push_str(": ");
                write_python_json(item, out);
            }
            out.push('}');
        }
        Value::String(s) => write_python_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_python_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr` of a JSON value as `json.loads` would give it.
pub fn python_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if n.is_f64() {
                let f = n.as_f64().unwrap_or_default();
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("{f:.1}")
                } else {
                    format!("{f}")
                }
            } else {
                n.to_string()
            }
        }
        Value::String(s) => {
            let quote = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            let mut out = String::new();
            out.push(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                        out.push_str(&format!("\\x{:02x}", c as u32))
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        python_repr(&Value::String(k.clone())),
                        python_repr(v)
                    )
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/conformance_cases.rs"));
