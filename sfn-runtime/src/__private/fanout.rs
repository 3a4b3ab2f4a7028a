//! Parallel branches and Map iterations: concurrent nested state machines
//! driven inside the execution's task.
//!
//! Branches and iterations are futures polled by one driver, so they borrow
//! the workflow's handlers instead of needing `'static` copies of them. A Map
//! starts an iteration only when its concurrency limit allows, and keeps only
//! the iterations that are still waiting: an iteration that completes when
//! first polled is gone before the next one starts, so a Map over many items
//! holds memory for its items and results, not for one future per item.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use futures_util::FutureExt;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{Map, Value};

use super::exec::Exec;
use crate::{Error, names};

/// A running Parallel branch.
pub type Branch<'a> = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>;

/// Boxes one branch's run so that branches of different types share a list.
pub fn branch<'a>(run: impl Future<Output = Result<Value, Error>> + Send + 'a) -> Branch<'a> {
    Box::pin(run)
}

fn error_details(error: &Error) -> Map<String, Value> {
    let mut d = Map::new();
    if !error.name().is_empty() {
        d.insert("error".into(), error.name().into());
    }
    if let Some(cause) = error.cause() {
        d.insert("cause".into(), cause.into());
    }
    d
}

/// Runs a Parallel state's branches concurrently: the array of their outputs
/// in branch order, or the first failure, which stops the other branches.
pub async fn parallel(exec: &mut Exec, branches: Vec<Branch<'_>>) -> Result<Value, Error> {
    exec.event("ParallelStateStarted", |_| Map::new());
    let mut results = vec![Value::Null; branches.len()];
    let mut running: FuturesUnordered<_> = branches
        .into_iter()
        .enumerate()
        .map(|(i, b)| b.map(move |r| (i, r)))
        .collect();
    while let Some((i, outcome)) = running.next().await {
        match outcome {
            Ok(output) => results[i] = output,
            Err(error) => {
                drop(running);
                exec.join();
                exec.event("ParallelStateFailed", |_| error_details(&error));
                return Err(error);
            }
        }
    }
    exec.join();
    exec.event("ParallelStateSucceeded", |_| Map::new());
    Ok(Value::Array(results))
}

/// How a Map state runs its iterations.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapSpec {
    /// The Map state's name, for iteration events.
    pub state: &'static str,
    /// At most this many iterations at once; 0 means no limit.
    pub max_concurrency: u64,
    /// `ToleratedFailureCount`, when given.
    pub tolerated_count: Option<u64>,
    /// `ToleratedFailurePercentage`, when given.
    pub tolerated_percentage: Option<f64>,
}

impl MapSpec {
    /// Whether any failure tolerance is configured: then failures beyond it
    /// fail the Map with `States.ExceedToleratedFailureThreshold`, instead of
    /// the first failure failing it with its own error.
    fn tolerant(&self) -> bool {
        self.tolerated_count.is_some() || self.tolerated_percentage.is_some()
    }

    fn exceeded(&self, failed: u64, total: usize) -> bool {
        let over_count = self.tolerated_count.is_some_and(|c| failed > c);
        let over_percentage = self.tolerated_percentage.is_some_and(|p| {
            // usize to f64 is exact for any realistic number of items.
            total > 0 && (failed as f64) * 100.0 / (total as f64) > p
        });
        match (self.tolerated_count, self.tolerated_percentage) {
            (Some(_), Some(_)) => over_count || over_percentage,
            (Some(_), None) => over_count,
            (None, Some(_)) => over_percentage,
            (None, None) => failed > 0,
        }
    }
}

/// Runs one Map iteration per item: `select` builds an iteration's input
/// while `$$.Map.Item` is set on `exec`, `run` runs the item processor.
/// Returns the outputs in item order.
pub async fn map<'a, S, R, F>(
    exec: &mut Exec,
    spec: MapSpec,
    items: Vec<Value>,
    mut select: S,
    mut run: R,
) -> Result<Vec<Value>, Error>
where
    S: FnMut(&mut Exec) -> Result<Value, Error>,
    R: FnMut(Exec, Value) -> F,
    F: Future<Output = Result<Value, Error>> + Send + 'a,
{
    let total = items.len();
    exec.event("MapStateStarted", |_| {
        let mut d = Map::new();
        d.insert("length".into(), total.into());
        d
    });
    let limit = match usize::try_from(spec.max_concurrency) {
        Ok(0) | Err(_) => usize::MAX,
        Ok(n) => n,
    };
    let mut results = vec![Value::Null; total];
    let mut items = items.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut failed = 0u64;
    let name = spec.state;
    let mut finish = |exec: &mut Exec, index: usize, outcome: Result<Value, Error>| match outcome {
        Ok(output) => {
            results[index] = output;
            exec.event("MapIterationSucceeded", |_| iteration(index, name));
            Ok(())
        }
        Err(error) => {
            exec.event("MapIterationFailed", |_| iteration(index, name));
            if !spec.tolerant() || error.name() == names::RUNTIME {
                return Err(error);
            }
            failed += 1;
            results[index] = error.to_output();
            if spec.exceeded(failed, total) {
                return Err(Error::new(
                    names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    "The specified tolerated failure threshold was exceeded",
                ));
            }
            Ok(())
        }
    };
    let outcome = poll_fn(|cx| {
        loop {
            while running.len() < limit {
                let Some((index, item)) = items.next() else {
                    break;
                };
                exec.set_map_item(index, item);
                let input = select(exec);
                exec.take_map_item();
                let input = match input {
                    Ok(input) => input,
                    Err(error) => return Poll::Ready(Err(error)),
                };
                exec.event("MapIterationStarted", |_| iteration(index, name));
                running.push(run(exec.branch(), input).map(move |r| (index, r)));
                // Poll the new iteration now: if it completes at once, it is
                // dropped before the next one is created.
                if let Poll::Ready(Some((index, outcome))) = running.poll_next_unpin(cx) {
                    if let Err(error) = finish(exec, index, outcome) {
                        return Poll::Ready(Err(error));
                    }
                }
            }
            match running.poll_next_unpin(cx) {
                Poll::Ready(Some((index, outcome))) => {
                    if let Err(error) = finish(exec, index, outcome) {
                        return Poll::Ready(Err(error));
                    }
                }
                Poll::Ready(None) if items.len() == 0 => return Poll::Ready(Ok(())),
                Poll::Ready(None) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    })
    .await;
    drop(running);
    exec.join();
    match outcome {
        Ok(()) => {
            exec.event("MapStateSucceeded", |_| Map::new());
            Ok(results)
        }
        Err(error) => {
            exec.event("MapStateFailed", |_| error_details(&error));
            Err(error)
        }
    }
}

fn iteration(index: usize, name: &str) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("index".into(), index.into());
    d.insert("name".into(), name.into());
    d
}

/// A Map state's items: the value at `ItemsPath` must be an array.
pub fn map_items(exec: &Exec, items: Value, text: &str) -> Result<Vec<Value>, Error> {
    match items {
        Value::Array(items) => Ok(items),
        _ => Err(exec.runtime_error(format_args!(
            "Reference path \"{text}\" must point to array."
        ))),
    }
}

/// How AWS shows a bad value in the messages of the `…Path` fields: strings
/// as they are, anything else as compact JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => super::path::compact(other),
    }
}

fn not_valid(exec: &Exec, field: &str, value: &Value, kind: &str, text: &str) -> Error {
    exec.runtime_error(format_args!(
        "The {field} field refers to value \"{}\" which is not a valid {kind}: {text}",
        shown(value)
    ))
}

fn integer(value: &Value) -> Option<i64> {
    value.as_i64()
}

/// `MaxConcurrencyPath`: a non-negative integer. A negative value is accepted
/// by AWS, whose execution then never starts an iteration: it stays running
/// until the execution times out or is stopped, and so does this one.
pub async fn max_concurrency_path(exec: &Exec, value: &Value, text: &str) -> Result<u64, Error> {
    match integer(value) {
        Some(n) if n >= 0 => Ok(n.unsigned_abs()),
        Some(_) => std::future::pending().await,
        None => Err(not_valid(
            exec,
            "MaxConcurrencyPath",
            value,
            "integer",
            text,
        )),
    }
}

/// `ToleratedFailureCountPath`: a non-negative integer.
pub fn tolerated_count_path(exec: &Exec, value: &Value, text: &str) -> Result<u64, Error> {
    match integer(value) {
        Some(n) if n >= 0 => Ok(n.unsigned_abs()),
        Some(_) => Err(exec.runtime_error("ToleratedFailureCount cannot be negative.")),
        None => Err(not_valid(
            exec,
            "ToleratedFailureCountPath",
            value,
            "integer",
            text,
        )),
    }
}

/// `ToleratedFailurePercentagePath`: a number from 0 to 100.
pub fn tolerated_percentage_path(exec: &Exec, value: &Value, text: &str) -> Result<f64, Error> {
    match value.as_f64() {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Some(_) => Err(exec.runtime_error("ToleratedFailurePercentage must be between 0 and 100.")),
        None => Err(not_valid(
            exec,
            "ToleratedFailurePercentagePath",
            value,
            "float",
            text,
        )),
    }
}
