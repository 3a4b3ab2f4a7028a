//! The conformance harness: runs every recorded case (see `../shared/conformance`)
//! with the workflow compiled by sfn, compares with the result AWS recorded,
//! and reports pass rates by class and by feature.
//!
//! Environment:
//! - `SFN_CONFORMANCE_DIR`: the case directory (read at build time by `build.rs`).
//! - `SFN_CONFORMANCE_RESULTS`: write each case's actual result there, as JSON Lines.
//! - `SFN_CONFORMANCE_BLESS=1`: rewrite `conformance-expected-pass.txt` from this run.
//!
//! The run fails (exit status 1) when a case listed in `conformance-expected-pass.txt`
//! does not pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::{Map, Value};
use sfn_runtime::{AbortHandle, Execution, ExecutionIds, RunOptions};
use sfn_tests::{Behaviour, CASES, Case, Lambdas, StandIns, python_json};

/// How long (virtual time) an execution may run before it is reported as `RUNNING`.
const DEADLINE: Duration = Duration::from_secs(24 * 3600);

const EXPECTED_PASS_FILE: &str = "conformance-expected-pass.txt";
const KNOWN_EXCEPTIONS_FILE: &str = "conformance-known-exceptions.txt";

/// How one case ended in this harness.
enum Outcome {
    Passed,
    /// Supported, but the result differs (or the compiler rejected a definition AWS ran).
    Failed(String),
    /// Needs a feature outside the compiler's support, or a service with no stand-in.
    Unsupported(String),
}

/// What the execution produced.
struct Actual {
    status: String,
    output: Option<Value>,
    error: Option<String>,
    cause: Option<String>,
}

struct Record {
    case: &'static Case,
    class: String,
    features: Vec<String>,
    outcome: Outcome,
    /// The reason the case is a known exception, if it is one.
    exception: Option<String>,
    result_line: Value,
}

fn main() {
    let started = Instant::now();
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let expected_pass_path = manifest.join(EXPECTED_PASS_FILE);
    let exceptions = read_known_exceptions(&manifest.join(KNOWN_EXCEPTIONS_FILE));
    let bless = std::env::var("SFN_CONFORMANCE_BLESS").is_ok_and(|v| v == "1");

    // Panics inside an execution are reported per case; keep the default message off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a tokio runtime");

    let mut records = Vec::with_capacity(CASES.len());
    for case in CASES {
        records.push(run_case(&rt, case, &exceptions));
    }
    let _ = std::panic::take_hook();

    if let Some(path) = std::env::var_os("SFN_CONFORMANCE_RESULTS") {
        let mut text = String::new();
        for record in &records {
            text.push_str(&record.result_line.to_string());
            text.push('\n');
        }
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {err}", PathBuf::from(&path).display());
            std::process::exit(2);
        }
    }

    let code = report(&records, &expected_pass_path, bless, started.elapsed());
    std::process::exit(code);
}

/// `id<TAB or spaces>reason` lines; `#` starts a comment.
fn read_known_exceptions(path: &std::path::Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((id, reason)) => (id.to_owned(), reason.trim().to_owned()),
            None => (l.to_owned(), "listed as a known exception".to_owned()),
        })
        .collect()
}

fn run_case(
    rt: &tokio::runtime::Runtime,
    case: &'static Case,
    exceptions: &HashMap<String, String>,
) -> Record {
    let data: Value = std::fs::read_to_string(case.file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("cannot read the case file {}", case.file));
    let class = data["class"].as_str().unwrap_or("?").to_owned();
    let features: Vec<String> = strings(&data["features"]);
    let exception = exceptions.get(case.id).cloned();
    let mut record = Record {
        case,
        class,
        features,
        outcome: Outcome::Passed,
        exception,
        result_line: Value::Null,
    };

    let unsupported = |reason: String| {
        (
            Outcome::Unsupported(reason.clone()),
            serde_json::json!({ "id": case.id, "status": "UNSUPPORTED", "reason": reason }),
        )
    };
    let (outcome, line) = match (case.rejected, case.needs, case.def) {
        (Some(r), _, _) if r.code == "unsupported" => {
            unsupported(format!("unsupported: {}", r.message))
        }
        (Some(r), _, _) => (
            Outcome::Failed(format!("the compiler rejected the definition: {}", r.short)),
            serde_json::json!({ "id": case.id, "status": "REJECTED", "reason": r.short }),
        ),
        (None, Some(needs), _) => unsupported(format!("needs a service with no stand-in: {needs}")),
        (None, None, None) => unsupported("not compiled".to_owned()),
        (None, None, Some(def)) => match execute(rt, case, def, &data) {
            Ok(actual) => {
                let line = result_line(case.id, &actual);
                let outcome = match compare_case(&data, &actual) {
                    Ok(()) => Outcome::Passed,
                    Err(reason) => Outcome::Failed(reason),
                };
                (outcome, line)
            }
            Err(panic) => (
                Outcome::Failed(format!("the execution panicked: {panic}")),
                serde_json::json!({ "id": case.id, "status": "PANICKED", "reason": panic }),
            ),
        },
    };
    record.outcome = outcome;
    record.result_line = line;
    record
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn result_line(id: &str, actual: &Actual) -> Value {
    let mut line = Map::new();
    line.insert("id".into(), id.into());
    line.insert("status".into(), actual.status.clone().into());
    if actual.status == "SUCCEEDED" {
        line.insert(
            "output".into(),
            actual.output.clone().unwrap_or(Value::Null),
        );
    } else if actual.status != "RUNNING" {
        line.insert(
            "error".into(),
            actual.error.clone().map_or(Value::Null, Value::String),
        );
        line.insert(
            "cause".into(),
            actual.cause.clone().map_or(Value::Null, Value::String),
        );
    }
    Value::Object(line)
}

/// Runs a case on the paused clock: its input, its context ids, its Lambdas.
fn execute(
    rt: &tokio::runtime::Runtime,
    case: &Case,
    def: usize,
    data: &Value,
) -> Result<Actual, String> {
    let mut lambdas = Lambdas::new();
    for lambda in data["lambdas"].as_array().into_iter().flatten() {
        let Some(behaviour) = lambda["name"].as_str().and_then(Behaviour::from_name) else {
            continue;
        };
        for key in ["function_name", "arn"] {
            if let Some(name) = lambda[key].as_str() {
                lambdas.insert(sfn_tests::function_name(name).to_owned(), behaviour);
            }
        }
    }
    let context = &data["context"];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let ids = ExecutionIds {
        execution_id: text(&context["Execution"]["Id"]),
        execution_name: text(&context["Execution"]["Name"]),
        role_arn: text(&context["Execution"]["RoleArn"]),
        state_machine_id: text(&context["StateMachine"]["Id"]),
        state_machine_name: text(&context["StateMachine"]["Name"]),
        region: Some("us-east-1".into()),
        account: Some("111111111111".into()),
    };
    let mut options = RunOptions::new()
        .ids(ids)
        .sync_express(data["execution_api"] == "StartSyncExecution");
    let stop = strings(&data["features"])
        .iter()
        .any(|f| f == "API:StopExecution");
    let abort = AbortHandle::new();
    if stop {
        options = options.abort_handle(abort.clone());
    }
    let input = data["input"].clone();
    let stand_ins = StandIns::new(lambdas);
    let run = async move {
        let execution = sfn_tests::run_def(def, input, options, stand_ins);
        let stopper = async move {
            if stop {
                // StopExecution while the first state (a 60 s Wait) is running.
                tokio::time::sleep(Duration::from_secs(1)).await;
                abort.abort();
            }
        };
        let (result, ()) = tokio::join!(tokio::time::timeout(DEADLINE, execution), stopper);
        result.ok()
    };
    let joined = rt.block_on(async move { tokio::spawn(run).await });
    match joined {
        Ok(Some(execution)) => Ok(actual_of(execution)),
        Ok(None) => Ok(Actual {
            status: "RUNNING".into(),
            output: None,
            error: None,
            cause: None,
        }),
        Err(err) => match err.try_into_panic() {
            Ok(payload) => Err(payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into())),
            Err(err) => Err(format!("the execution task failed: {err} ({})", case.id)),
        },
    }
}

fn actual_of(execution: Execution) -> Actual {
    Actual {
        status: execution.status.as_str().to_owned(),
        output: execution.output,
        error: execution.error,
        cause: execution.cause,
    }
}

// ---------------------------------------------------------------------------
// Comparison (FORMAT.md, "Comparison rules")

/// Compares the actual result with the recorded one, after normalising the actual one.
fn compare_case(data: &Value, actual: &Actual) -> Result<(), String> {
    let expected = &data["expected"];
    let expected_status = expected["status"].as_str().unwrap_or("?");
    if actual.status != expected_status {
        let got = match actual.status.as_str() {
            "SUCCEEDED" => format!(
                "SUCCEEDED with {}",
                short(&actual.output.clone().unwrap_or(Value::Null))
            ),
            "RUNNING" => "RUNNING".into(),
            status => format!(
                "{status} (error {}, cause {})",
                actual
                    .error
                    .as_deref()
                    .map_or("none".into(), |e| format!("{e:?}")),
                actual
                    .cause
                    .as_deref()
                    .map_or("none".into(), |c| truncate(&format!("{c:?}"), 160))
            ),
        };
        let wanted = match expected_status {
            "SUCCEEDED" => format!("SUCCEEDED with {}", short(&expected["output"])),
            status => format!(
                "{status} (error {}, cause {})",
                expected.get("error").map_or("none".into(), short),
                expected.get("cause").map_or("none".into(), short)
            ),
        };
        return Err(format!("expected {wanted}, got {got}"));
    }
    let normalized = normalize(data, actual);
    let mut placeholders: BTreeSet<String> = strings(&data["expected_placeholders"])
        .into_iter()
        .collect();
    placeholders.extend(strings(&data["expected_error_cause_placeholders"]));
    let mut matcher = Matcher::new(placeholders);
    // LocalStack did not verify the values under these keys (`$..Key` paths) when it
    // recorded the case, so only their presence is compared.
    matcher.unverified = strings(&data["provenance"]["localstack_skip_verify_paths"])
        .into_iter()
        .filter_map(|p| p.strip_prefix("$..").map(str::to_owned))
        .collect();
    match expected_status {
        "SUCCEEDED" => matcher.check("output", &expected["output"], &normalized["output"]),
        "FAILED" => {
            // A recorded result without `error`/`cause` had none (its ExecutionFailed
            // event has none either), so the actual one must have none.
            for key in ["error", "cause"] {
                match expected.get(key) {
                    Some(want) => matcher.check(key, want, &normalized[key])?,
                    None => {
                        if !normalized[key].is_null() {
                            return Err(format!(
                                "expected no {key}, got {}",
                                short(&normalized[key])
                            ));
                        }
                    }
                }
            }
            Ok(())
        }
        // TIMED_OUT and ABORTED were recorded with the status only.
        _ => Ok(()),
    }
}

/// The actual result as the recorder saw it: `{status, output}` or
/// `{status, error, cause}` (a cause that is a JSON object text, parsed), with the
/// case's `normalization` and then the generic replacements applied.
fn normalize(data: &Value, actual: &Actual) -> Value {
    let mut doc = Map::new();
    doc.insert("status".into(), actual.status.clone().into());
    if actual.status == "SUCCEEDED" {
        doc.insert(
            "output".into(),
            actual.output.clone().unwrap_or(Value::Null),
        );
    } else {
        doc.insert(
            "error".into(),
            actual.error.clone().map_or(Value::Null, Value::String),
        );
        let cause = match &actual.cause {
            Some(c) if c.trim_start().starts_with('{') => serde_json::from_str::<Value>(c)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| c.clone().into()),
            Some(c) => c.clone().into(),
            None => Value::Null,
        };
        doc.insert("cause".into(), cause);
    }
    let mut doc = Value::Object(doc);
    let mut references: HashMap<(String, String), usize> = HashMap::new();
    for rule in data["normalization"].as_array().into_iter().flatten() {
        match rule["kind"].as_str() {
            Some("regex") => {
                let (Some(pattern), Some(replacement)) =
                    (rule["pattern"].as_str(), rule["replacement"].as_str())
                else {
                    continue;
                };
                doc = regex_replace(&doc, pattern, replacement);
            }
            Some("jsonpath") => {
                let Some(path) = rule["jsonpath"].as_str() else {
                    continue;
                };
                let steps = parse_jsonpath(path);
                let replacement = rule["replacement"].as_str().unwrap_or("");
                let reference = rule["reference"].as_bool().unwrap_or(false);
                replace_at_path(&mut doc, &steps, &mut |value| {
                    replacement_value(value, replacement, reference, &mut references)
                });
            }
            Some("key_value") => {
                let Some(key) = rule["key"].as_str() else {
                    continue;
                };
                let replacement = rule["replacement"].as_str().unwrap_or("");
                let reference = rule["reference"].as_bool().unwrap_or(false);
                let steps = vec![(true, key.to_owned())];
                replace_at_path(&mut doc, &steps, &mut |value| {
                    replacement_value(value, replacement, reference, &mut references)
                });
            }
            _ => {}
        }
    }
    generic_replacements(doc)
}

fn replacement_value(
    value: &Value,
    replacement: &str,
    reference: bool,
    references: &mut HashMap<(String, String), usize>,
) -> Value {
    if !reference {
        return replacement.into();
    }
    let next = 1 + references.keys().filter(|(r, _)| r == replacement).count();
    let n = *references
        .entry((replacement.to_owned(), value.to_string()))
        .or_insert(next);
    format!("<{replacement}:{n}>").into()
}

/// Applies a Python regex substitution to the Python-style JSON text of `doc`.
fn regex_replace(doc: &Value, pattern: &str, replacement: &str) -> Value {
    let text = python_json(doc);
    let replaced = match Regex::new(pattern) {
        Ok(re) => re
            .replace_all(&text, |caps: &regex::Captures<'_>| {
                python_template(replacement, caps)
            })
            .into_owned(),
        // Syntax the regex crate lacks: apply the pattern as a literal string.
        Err(_) => text.replace(pattern, replacement),
    };
    serde_json::from_str(&replaced).unwrap_or_else(|_| doc.clone())
}

/// Expands a Python `re.sub` replacement template.
fn python_template(template: &str, caps: &regex::Captures<'_>) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(d) if d.is_ascii_digit() => {
                let mut n = d.to_string();
                if let Some(&e) = chars.peek().filter(|e| e.is_ascii_digit()) {
                    n.push(e);
                    chars.next();
                }
                let i: usize = n.parse().unwrap_or(0);
                out.push_str(caps.get(i).map_or("", |m| m.as_str()));
            }
            Some('g') if chars.peek() == Some(&'<') => {
                chars.next();
                let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                let group = match name.parse::<usize>() {
                    Ok(i) => caps.get(i),
                    Err(_) => caps.name(&name),
                };
                out.push_str(group.map_or("", |m| m.as_str()));
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            // Python leaves other escapes alone.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `$..a.b..c` as `(recursive, key)` steps.
fn parse_jsonpath(path: &str) -> Vec<(bool, String)> {
    let rest = path.strip_prefix('$').unwrap_or(path);
    let mut steps = Vec::new();
    let mut i = 0;
    let bytes = rest.as_bytes();
    while i < bytes.len() {
        let recursive = rest[i..].starts_with("..");
        i += if recursive { 2 } else { 1 };
        let end = rest[i..].find('.').map_or(rest.len(), |e| i + e);
        steps.push((recursive, rest[i..end].to_owned()));
        i = end;
    }
    steps
}

fn replace_at_path(
    value: &mut Value,
    steps: &[(bool, String)],
    f: &mut dyn FnMut(&Value) -> Value,
) {
    let Some(((recursive, key), rest)) = steps.split_first() else {
        let new = f(value);
        *value = new;
        return;
    };
    if let Value::Object(map) = value {
        if let Some(child) = map.get_mut(key) {
            replace_at_path(child, rest, f);
        }
    }
    if *recursive {
        match value {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if k != key {
                        replace_at_path(child, steps, f);
                    }
                }
            }
            Value::Array(items) => {
                for child in items {
                    replace_at_path(child, steps, f);
                }
            }
            _ => {}
        }
    }
}

/// FORMAT.md, "Generic replacements applied to every recording".
fn generic_replacements(doc: Value) -> Value {
    use std::sync::OnceLock;
    static DATE: OnceLock<Regex> = OnceLock::new();
    static UUID: OnceLock<Regex> = OnceLock::new();
    let date = DATE.get_or_init(|| {
        // A well-formed date-time only: the recordings keep invalid ones (month 13,
        // hour 25, a space for `T`, no zone) as they were.
        Regex::new(concat!(
            r"[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])",
            r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?",
            r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
        ))
        .expect("date regex")
    });
    let uuid = UUID.get_or_init(|| {
        Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
            .expect("uuid regex")
    });
    let text = python_json(&doc)
        .replace("arn:aws:", "arn:<partition>:")
        .replace("us-east-1", "<region>");
    let text = date.replace_all(&text, "date");
    let mut doc: Value = serde_json::from_str(&text).unwrap_or(doc);
    let mut uuids: HashMap<String, usize> = HashMap::new();
    fn walk(value: &mut Value, uuid: &Regex, uuids: &mut HashMap<String, usize>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let lower = key.to_ascii_lowercase();
                    if lower.ends_with("id") {
                        if let Some(s) = child.as_str().filter(|s| uuid.is_match(s)) {
                            let next = uuids.len() + 1;
                            let n = *uuids.entry(s.to_owned()).or_insert(next);
                            *child = format!("<uuid:{n}>").into();
                            continue;
                        }
                    }
                    // Recorded datetime objects became `timestamp`; a date-time string
                    // under such a key went through the date rule instead (`date`).
                    if lower.contains("timestamp") && child.is_number() {
                        *child = "timestamp".into();
                        continue;
                    }
                    walk(child, uuid, uuids);
                }
            }
            Value::Array(items) => {
                for child in items {
                    walk(child, uuid, uuids);
                }
            }
            _ => {}
        }
    }
    walk(&mut doc, uuid, &mut uuids);
    doc
}

/// Compares expected with actual: objects order-insensitively, `<...>` tokens and
/// the case's bare placeholder words as wildcards where the expected has them.
struct Matcher {
    placeholders: BTreeSet<String>,
    /// Keys whose values the recording did not verify: compared for presence only.
    unverified: BTreeSet<String>,
    token: Regex,
}

impl Matcher {
    fn new(placeholders: BTreeSet<String>) -> Matcher {
        Matcher {
            placeholders,
            unverified: BTreeSet::new(),
            token: Regex::new(r"<[A-Za-z_][^<>\s]*>").expect("token regex"),
        }
    }

    fn check(&self, path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
        let mut at = String::from(path);
        if self.matches(expected, actual, &mut at) {
            Ok(())
        } else {
            let (want, got) = (value_at(expected, &at, path), value_at(actual, &at, path));
            Err(match (want, got) {
                (Some(Value::String(w)), Some(Value::String(g))) => {
                    // Show both strings from a little before their first difference.
                    let common = w.chars().zip(g.chars()).take_while(|(a, b)| a == b).count();
                    let skip = common.saturating_sub(40);
                    let tail = |s: &str| {
                        let rest: String = s.chars().skip(skip).collect();
                        let text = truncate(&format!("{rest:?}"), 160);
                        if skip > 0 { format!("…{text}") } else { text }
                    };
                    format!("{at}: expected {}, got {}", tail(w), tail(g))
                }
                (want, got) => format!(
                    "{at}: expected {}, got {}",
                    want.map_or("(absent)".to_owned(), short),
                    got.map_or("(absent)".to_owned(), short)
                ),
            })
        }
    }

    /// Whether `actual` matches `expected`; on a mismatch `at` ends at the first difference.
    fn matches(&self, expected: &Value, actual: &Value, at: &mut String) -> bool {
        match (expected, actual) {
            (Value::String(e), _) if self.is_wildcard(e) => true,
            (Value::String(e), Value::String(a)) => e == a || self.matches_tokens(e, a),
            // Integers and floats stay apart (the recordings keep `0.0` and `0` distinct).
            (Value::Number(e), Value::Number(a)) => {
                if e.is_f64() != a.is_f64() {
                    false
                } else if let (Some(x), Some(y)) = (e.as_i64(), a.as_i64()) {
                    x == y
                } else if let (Some(x), Some(y)) = (e.as_u64(), a.as_u64()) {
                    x == y
                } else {
                    e.as_f64() == a.as_f64()
                }
            }
            (Value::Object(e), Value::Object(a)) => {
                let mut keys: BTreeSet<&String> = e.keys().collect();
                keys.extend(a.keys());
                for key in keys {
                    let len = at.len();
                    write!(at, ".{key}").unwrap();
                    match (e.get(key), a.get(key)) {
                        (Some(_), Some(_)) if self.unverified.contains(key.as_str()) => {}
                        (Some(x), Some(y)) => {
                            if !self.matches(x, y, at) {
                                return false;
                            }
                        }
                        _ => return false,
                    }
                    at.truncate(len);
                }
                true
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    return false;
                }
                for (i, (x, y)) in e.iter().zip(a).enumerate() {
                    let len = at.len();
                    write!(at, "[{i}]").unwrap();
                    if !self.matches(x, y, at) {
                        return false;
                    }
                    at.truncate(len);
                }
                true
            }
            (e, a) => e == a,
        }
    }

    /// A whole expected value that is one placeholder.
    fn is_wildcard(&self, expected: &str) -> bool {
        self.placeholders.contains(expected)
            || self
                .token
                .find(expected)
                .is_some_and(|m| m.start() == 0 && m.end() == expected.len())
    }

    /// `expected` with its `<...>` tokens as wildcards (see `pattern` for what they match).
    fn matches_tokens(&self, expected: &str, actual: &str) -> bool {
        if !self.token.is_match(expected) {
            return false;
        }
        let mut pattern = String::from("(?s)^");
        let mut last = 0;
        for m in self.token.find_iter(expected) {
            pattern.push_str(&regex::escape(&expected[last..m.start()]));
            // A placeholder stands for one value (a name, an id, a date): it never
            // spans a double quote, so it cannot hide a difference in quoting. Only
            // a placeholder for a JSON text (`<json-input:N>`) may contain quotes.
            if m.as_str().to_ascii_lowercase().contains("json") {
                pattern.push_str(".*?");
            } else {
                pattern.push_str(r#"[^"]*?"#);
            }
            last = m.end();
        }
        pattern.push_str(&regex::escape(&expected[last..]));
        pattern.push('$');
        Regex::new(&pattern).is_ok_and(|re| re.is_match(actual))
    }
}

/// The value at the mismatch path `at` (relative to `root`).
fn value_at<'v>(value: &'v Value, at: &str, root: &str) -> Option<&'v Value> {
    let rest = &at[root.len()..];
    let mut current = Some(value);
    let mut i = 0;
    let bytes = rest.as_bytes();
    while i < bytes.len() {
        let Some(v) = current else { break };
        if bytes[i] == b'.' {
            let end = rest[i + 1..]
                .find(['.', '['])
                .map_or(rest.len(), |e| i + 1 + e);
            let key = &rest[i + 1..end];
            current = v.get(key);
            i = end;
        } else if bytes[i] == b'[' {
            let end = rest[i..].find(']').map_or(rest.len(), |e| i + e);
            let index: usize = rest[i + 1..end].parse().unwrap_or(usize::MAX);
            current = v.get(index);
            i = end + 1;
        } else {
            break;
        }
    }
    current
}

fn short(value: &Value) -> String {
    truncate(&value.to_string(), 160)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

// ---------------------------------------------------------------------------
// Report

#[derive(Default, Clone, Copy)]
struct Tally {
    passed: usize,
    failed: usize,
    unsupported: usize,
    exceptions: usize,
}

impl Tally {
    fn add(&mut self, record: &Record) {
        match (&record.outcome, &record.exception) {
            (Outcome::Passed, _) => self.passed += 1,
            (Outcome::Unsupported(_), _) => self.unsupported += 1,
            (Outcome::Failed(_), Some(_)) => self.exceptions += 1,
            (Outcome::Failed(_), None) => self.failed += 1,
        }
    }

    fn row(&self, name: &str, width: usize) -> String {
        let supported = self.passed + self.failed + self.exceptions;
        let rate = if supported == 0 {
            "     -".to_owned()
        } else {
            format!("{:5.1}%", 100.0 * self.passed as f64 / supported as f64)
        };
        format!(
            "  {name:<width$} {:>6} {:>6} {:>6} {:>6}  {rate}",
            self.passed, self.failed, self.exceptions, self.unsupported
        )
    }
}

fn report(
    records: &[Record],
    expected_pass_path: &std::path::Path,
    bless: bool,
    elapsed: Duration,
) -> i32 {
    let (definitions, compiled) = sfn_tests::DEFINITIONS;
    println!(
        "sfn conformance: {} cases, {definitions} distinct definitions ({compiled} compiled and run), {:.2}s",
        records.len(),
        elapsed.as_secs_f64()
    );

    // Failures, with reasons.
    let failing: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)) && r.exception.is_none())
        .collect();
    if !failing.is_empty() {
        println!("\nfailing cases ({}):", failing.len());
        for r in &failing {
            if let Outcome::Failed(reason) = &r.outcome {
                println!(
                    "  FAIL {} [{}]: {}",
                    r.case.id,
                    r.class,
                    truncate(reason, 400)
                );
            }
        }
    }
    let excepted: Vec<&Record> = records.iter().filter(|r| r.exception.is_some()).collect();
    if !excepted.is_empty() {
        println!(
            "\nknown exceptions ({}, from {KNOWN_EXCEPTIONS_FILE}):",
            excepted.len()
        );
        for r in &excepted {
            let state = match &r.outcome {
                Outcome::Passed => "passes".to_owned(),
                Outcome::Failed(reason) => format!("differs: {}", truncate(reason, 200)),
                Outcome::Unsupported(reason) => format!("unsupported: {}", truncate(reason, 200)),
            };
            println!(
                "  {} — {} ({state})",
                r.case.id,
                r.exception.as_deref().unwrap_or("")
            );
        }
    }

    // Unsupported, grouped by reason.
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for r in records {
        if let Outcome::Unsupported(reason) = &r.outcome {
            *reasons.entry(reason.as_str()).or_default() += 1;
        }
    }
    let unsupported: usize = reasons.values().sum();
    if !reasons.is_empty() {
        println!("\nunsupported cases by reason:");
        let mut sorted: Vec<_> = reasons.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (reason, n) in sorted {
            println!("  {n:>4}  {}", truncate(reason, 200));
        }
    }

    // By class and by feature.
    let header = |title: &str, width: usize| {
        format!(
            "  {title:<width$} {:>6} {:>6} {:>6} {:>6}  {:>6}",
            "passed", "failed", "known", "unsup", "rate"
        )
    };
    let mut classes: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut features: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for r in records {
        classes.entry(r.class.as_str()).or_default().add(r);
        for f in &r.features {
            features.entry(f.as_str()).or_default().add(r);
        }
        total.add(r);
    }
    println!("\nby class (rate = passed / supported):");
    println!("{}", header("class", 12));
    for (class, tally) in &classes {
        println!("{}", tally.row(class, 12));
    }
    println!("{}", total.row("all", 12));
    let width = features
        .keys()
        .map(|f| f.chars().count())
        .max()
        .unwrap_or(8)
        .min(48);
    println!("\nby feature:");
    println!("{}", header("feature", width));
    for (feature, tally) in &features {
        println!("{}", tally.row(feature, width));
    }

    // The committed list of expected passes.
    let passing: BTreeSet<&str> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed))
        .map(|r| r.case.id)
        .collect();
    let mut code = 0;
    if bless {
        let mut text = String::new();
        for id in &passing {
            text.push_str(id);
            text.push('\n');
        }
        match std::fs::write(expected_pass_path, text) {
            Ok(()) => println!(
                "\nblessed: wrote {} ids to {}",
                passing.len(),
                expected_pass_path.display()
            ),
            Err(err) => {
                println!("\ncannot write {}: {err}", expected_pass_path.display());
                code = 2;
            }
        }
    } else {
        let listed: BTreeSet<String> = std::fs::read_to_string(expected_pass_path)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        let known: BTreeSet<&str> = records.iter().map(|r| r.case.id).collect();
        let custom_dir = std::env::var_os("SFN_CONFORMANCE_DIR").is_some();
        let regressions: Vec<&String> = listed
            .iter()
            .filter(|id| {
                !passing.contains(id.as_str()) && (known.contains(id.as_str()) || !custom_dir)
            })
            .collect();
        let new: Vec<&&str> = passing.iter().filter(|id| !listed.contains(**id)).collect();
        if !new.is_empty() {
            println!(
                "\nnewly passing ({}), add them to {EXPECTED_PASS_FILE} (SFN_CONFORMANCE_BLESS=1 rewrites it):",
                new.len()
            );
            for id in &new {
                println!("  {id}");
            }
        }
        if !regressions.is_empty() {
            println!(
                "\nREGRESSIONS ({}): listed in {EXPECTED_PASS_FILE} but not passing:",
                regressions.len()
            );
            for id in &regressions {
                let why = records.iter().find(|r| r.case.id == id.as_str()).map_or(
                    "not in the case directory".to_owned(),
                    |r| match &r.outcome {
                        Outcome::Failed(reason) => truncate(reason, 200),
                        Outcome::Unsupported(reason) => {
                            format!("unsupported: {}", truncate(reason, 200))
                        }
                        Outcome::Passed => String::new(),
                    },
                );
                println!("  {id}: {why}");
            }
            code = 1;
        }
    }

    // A known exception that passes is no longer an exception: the list must stay true.
    let stale: Vec<&Record> = records
        .iter()
        .filter(|r| r.exception.is_some() && matches!(r.outcome, Outcome::Passed))
        .collect();
    if !stale.is_empty() {
        println!(
            "\nSTALE EXCEPTIONS ({}): these pass now; remove them from {KNOWN_EXCEPTIONS_FILE}:",
            stale.len()
        );
        for r in &stale {
            println!("  {}", r.case.id);
        }
        code = 1;
    }

    let _ = std::io::stdout().flush();
    if total.exceptions > 0 {
        println!(
            "\n{} known exceptions differ (not counted as failures)",
            total.exceptions
        );
    }
    println!("\n{unsupported} unsupported");
    println!("{} passed, {} failed", total.passed, total.failed);
    code
}
