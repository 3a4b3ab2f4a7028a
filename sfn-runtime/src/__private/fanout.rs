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

use super::distributed::{self, ChildOutcome, ChildRecord, ReaderConfig, WriterConfig};
use super::exec::{Exec, Inline};
use super::task::{ResourceKind, TaskSpec, invoke};
use crate::{Error, TaskContext, TaskResult, names};

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
pub async fn parallel<const N: usize>(
    exec: &mut Exec,
    branches: [Branch<'_>; N],
) -> Result<Value, Error> {
    exec.event("ParallelStateStarted", |_| Map::new());
    let mut results = vec![Value::Null; N];
    let mut unstarted = Some(branches);
    let mut running = FuturesUnordered::new();
    // Each branch is polled once in order; only those that wait are kept,
    // and polled as they are woken.
    let outcome = poll_fn(|cx| {
        if let Some(branches) = unstarted.take() {
            for (i, mut branch) in branches.into_iter().enumerate() {
                match branch.as_mut().poll(cx) {
                    Poll::Ready(Ok(output)) => results[i] = output,
                    Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                    Poll::Pending => running.push(branch.map(move |r| (i, r))),
                }
            }
        }
        loop {
            match running.poll_next_unpin(cx) {
                Poll::Ready(Some((i, Ok(output)))) => results[i] = output,
                Poll::Ready(Some((_, Err(error)))) => return Poll::Ready(Err(error)),
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    })
    .await;
    drop(running);
    ended(
        exec,
        outcome,
        "ParallelStateSucceeded",
        "ParallelStateFailed",
    )?;
    Ok(Value::Array(results))
}

/// One Parallel branch that never waits: a call of its run loop.
pub type InlineBranch<'a> = &'a dyn Fn(&mut Exec, &Value) -> Result<Value, Error>;

/// [`parallel`] for branches that never wait (no Task, Wait, Parallel or
/// Map state in any of them): each is a plain call, one after another on one
/// reused view of the execution, with the same events and results. Every
/// branch borrows `input`, and copies only the parts of it that it keeps.
pub fn parallel_inline(
    exec: &mut Exec,
    input: &Value,
    branches: &[InlineBranch<'_>],
) -> Result<Value, Error> {
    exec.event("ParallelStateStarted", |_| Map::new());
    let mut results = Vec::with_capacity(branches.len());
    let mut inline = Inline::new(exec);
    let mut each = || {
        for run in branches {
            let outcome = run(inline.start(exec), input);
            inline.finish(exec);
            results.push(outcome?);
        }
        Ok(())
    };
    let outcome = each();
    ended(
        exec,
        outcome,
        "ParallelStateSucceeded",
        "ParallelStateFailed",
    )?;
    Ok(Value::Array(results))
}

/// After the branches or iterations of a state: its next event follows the
/// newest one of the execution, and says how the state ended.
fn ended(
    exec: &mut Exec,
    outcome: Result<(), Error>,
    succeeded: &'static str,
    failed: &'static str,
) -> Result<(), Error> {
    exec.join();
    match &outcome {
        Ok(()) => exec.event(succeeded, |_| Map::new()),
        Err(error) => exec.event(failed, |_| error_details(error)),
    }
    outcome
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
pub async fn map<'a, I, In, S, R, F>(
    exec: &mut Exec,
    spec: MapSpec,
    items: I,
    select: S,
    run: R,
) -> Result<Vec<Value>, Error>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
    S: FnMut(&mut Exec, usize, I::Item) -> Result<In, Error>,
    R: FnMut(Exec, In) -> F,
    F: Future<Output = Result<Value, Error>> + Send + 'a,
{
    drive_map(exec, spec, items, select, run, None).await
}

/// [`map`] for a Map with a `ResultWriter`: also returns one record per
/// iteration (its input, outcome and times) for the writer, as a Distributed
/// Map run reports its child executions, and the Map run's ARN.
pub async fn map_recorded<'a, I, S, R, F>(
    exec: &mut Exec,
    spec: MapSpec,
    label: Option<&str>,
    items: I,
    select: S,
    run: R,
) -> Result<(Vec<ChildRecord>, String), Error>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
    S: FnMut(&mut Exec, usize, I::Item) -> Result<Value, Error>,
    R: FnMut(Exec, Value) -> F,
    F: Future<Output = Result<Value, Error>> + Send + 'a,
{
    let machine = exec.state_machine_id().to_owned();
    let run_id = uuid::Uuid::new_v4().to_string();
    let name = label.map_or_else(|| run_id[..8].to_owned(), str::to_owned);
    let map_run = distributed::map_run_arn(&machine, &name, &run_id);
    let items = items.into_iter();
    let mut records: Vec<ChildRecord> = (0..items.len())
        .map(|_| ChildRecord {
            execution_arn: String::new(),
            name: String::new(),
            state_machine_arn: distributed::child_state_machine_arn(&machine, &name),
            input: Value::Null,
            outcome: ChildOutcome::Pending,
            start_date: None,
            stop_date: None,
        })
        .collect();
    let keep = Keep {
        records: &mut records,
        machine: &machine,
        name: &name,
        input: Value::clone,
    };
    drive_map(exec, spec, items, select, run, Some(keep)).await?;
    Ok((records, map_run))
}

/// Where [`map_recorded`] keeps its records.
struct Keep<'k, In> {
    records: &'k mut Vec<ChildRecord>,
    machine: &'k str,
    name: &'k str,
    /// An iteration's input as one value.
    input: fn(&In) -> Value,
}

/// Runs a Map's iterations; with `keep`, records each one for a ResultWriter.
async fn drive_map<'a, I, In, S, R, F>(
    exec: &mut Exec,
    spec: MapSpec,
    items: I,
    mut select: S,
    mut run: R,
    mut keep: Option<Keep<'_, In>>,
) -> Result<Vec<Value>, Error>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
    S: FnMut(&mut Exec, usize, I::Item) -> Result<In, Error>,
    R: FnMut(Exec, In) -> F,
    F: Future<Output = Result<Value, Error>> + Send + 'a,
{
    let items = items.into_iter();
    let total = items.len();
    map_started(exec, total);
    let limit = match usize::try_from(spec.max_concurrency) {
        Ok(0) | Err(_) => usize::MAX,
        Ok(n) => n,
    };
    let mut results = vec![Value::Null; total];
    let mut items = items.into_iter().enumerate();
    let mut running = FuturesUnordered::new();
    let mut spare = None;
    let mut tally = Tally::new(spec, total);
    let mut finish = |exec: &mut Exec,
                      index: usize,
                      outcome: Result<Value, Error>,
                      keep: &mut Option<Keep<'_, In>>| {
        let succeeded = outcome.is_ok();
        let record = keep.as_mut().map(|keep| {
            let record = &mut keep.records[index];
            record.stop_date = Some(exec.now());
            if let Err(error) = &outcome {
                record.outcome = ChildOutcome::Failed {
                    error: (!error.name().is_empty()).then(|| error.name().to_owned()),
                    cause: error.cause().map(str::to_owned),
                };
            }
            record
        });
        let value = tally.settle(exec, index, outcome)?;
        // A recorded iteration's output goes to its record: the writer
        // reads the records, not the results.
        match record {
            Some(record) if succeeded => record.outcome = ChildOutcome::Succeeded(value),
            _ => results[index] = value,
        }
        Ok::<(), Error>(())
    };
    let outcome = poll_fn(|cx| {
        loop {
            while running.len() < limit {
                let Some((index, item)) = items.next() else {
                    break;
                };
                let input = match select(exec, index, item) {
                    Ok(input) => input,
                    Err(error) => return Poll::Ready(Err(error)),
                };
                exec.event("MapIterationStarted", |_| iteration(index, spec.state));
                if let Some(keep) = &mut keep {
                    let child = uuid::Uuid::new_v4().to_string();
                    let record = &mut keep.records[index];
                    record.execution_arn =
                        distributed::child_execution_arn(keep.machine, keep.name, &child);
                    record.name = child;
                    record.input = (keep.input)(&input);
                    record.start_date = Some(exec.now());
                }
                // Poll the new iteration at once, in a box kept from an
                // iteration that completed: one that completes now needs no
                // allocation and no place among the waiting ones.
                let iteration = run(exec.branch(), input).map(move |r| (index, r));
                let mut slot = match spare.take() {
                    Some(mut slot) => {
                        Pin::set(&mut slot, iteration);
                        slot
                    }
                    None => Box::pin(iteration),
                };
                match slot.as_mut().poll(cx) {
                    Poll::Ready((index, outcome)) => {
                        spare = Some(slot);
                        if let Err(error) = finish(exec, index, outcome, &mut keep) {
                            return Poll::Ready(Err(error));
                        }
                    }
                    Poll::Pending => running.push(slot),
                }
            }
            match running.poll_next_unpin(cx) {
                Poll::Ready(Some((index, outcome))) => {
                    if let Err(error) = finish(exec, index, outcome, &mut keep) {
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
    ended(exec, outcome, "MapStateSucceeded", "MapStateFailed")?;
    Ok(results)
}

/// [`map`] for an item processor that never waits (it has no Task, Wait,
/// Parallel or Map state): its iterations are plain calls, one after another
/// on one reused view of the execution, with the same events and results.
/// `run` borrows each iteration's input, which stays where `select` built it.
pub fn map_inline<I, In, S, R>(
    exec: &mut Exec,
    spec: MapSpec,
    items: I,
    mut select: S,
    mut run: R,
) -> Result<Vec<Value>, Error>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator,
    S: FnMut(&mut Exec, usize, I::Item) -> Result<In, Error>,
    R: FnMut(&mut Exec, &mut In) -> Result<Value, Error>,
{
    let items = items.into_iter();
    let total = items.len();
    map_started(exec, total);
    let mut results = Vec::with_capacity(total);
    let mut tally = Tally::new(spec, total);
    let mut inline = Inline::new(exec);
    let each = || {
        for (index, item) in items.enumerate() {
            // The input stays here, lent to the run: the registers of an
            // item processor are not copied again to start it.
            let mut input = select(exec, index, item)?;
            exec.event("MapIterationStarted", |_| iteration(index, spec.state));
            let outcome = run(inline.start(exec), &mut input);
            inline.finish(exec);
            // The output goes to its place before the event is counted, so
            // that it is moved once, straight from where the run left it.
            match outcome {
                Ok(output) => {
                    results.push(output);
                    tally.succeeded(exec, index);
                }
                Err(error) => results.push(tally.failed(exec, index, error)?),
            }
        }
        Ok(())
    };
    let outcome = each();
    ended(exec, outcome, "MapStateSucceeded", "MapStateFailed")?;
    Ok(results)
}

fn map_started(exec: &mut Exec, total: usize) {
    exec.event("MapStateStarted", |_| {
        let mut d = Map::new();
        d.insert("length".into(), total.into());
        d
    });
}

/// How the iterations of one Map state ended so far.
struct Tally {
    spec: MapSpec,
    total: usize,
    failed: u64,
}

impl Tally {
    fn new(spec: MapSpec, total: usize) -> Tally {
        Tally {
            spec,
            total,
            failed: 0,
        }
    }

    /// Emits the end of iteration `index`: the value that stands for it in
    /// the Map's result, or the error that fails the Map.
    fn settle(
        &mut self,
        exec: &mut Exec,
        index: usize,
        outcome: Result<Value, Error>,
    ) -> Result<Value, Error> {
        match outcome {
            Ok(output) => {
                self.succeeded(exec, index);
                Ok(output)
            }
            Err(error) => self.failed(exec, index, error),
        }
    }

    /// Emits the success of iteration `index`.
    #[inline]
    fn succeeded(&self, exec: &mut Exec, index: usize) {
        let name = self.spec.state;
        exec.event("MapIterationSucceeded", |_| iteration(index, name));
    }

    /// Emits the failure of iteration `index`: the error output that stands
    /// for it while failures are tolerated, else the error that fails the Map.
    #[cold]
    #[inline(never)]
    fn failed(&mut self, exec: &mut Exec, index: usize, error: Error) -> Result<Value, Error> {
        let name = self.spec.state;
        exec.event("MapIterationFailed", |_| iteration(index, name));
        if !self.spec.tolerant() || error.name() == names::RUNTIME {
            return Err(error);
        }
        self.failed += 1;
        if self.spec.exceeded(self.failed, self.total) {
            return Err(Error::new(
                names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            ));
        }
        Ok(error.to_output())
    }
}

fn iteration(index: usize, name: &str) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("index".into(), index.into());
    d.insert("name".into(), name.into());
    d
}

/// A Map state's items, borrowed: the value at `ItemsPath` must be an array.
pub fn items_ref<'v>(exec: &Exec, items: &'v Value, text: &str) -> Result<&'v [Value], Error> {
    match items {
        Value::Array(items) => Ok(items),
        _ => Err(not_an_array(exec, text)),
    }
}

fn not_an_array(exec: &Exec, text: &str) -> Error {
    exec.runtime_error(format_args!(
        "Reference path \"{text}\" must point to array."
    ))
}

/// A Map state's items: the value at `ItemsPath` must be an array.
pub fn map_items(exec: &Exec, items: Value, text: &str) -> Result<Vec<Value>, Error> {
    match items {
        Value::Array(items) => Ok(items),
        _ => Err(not_an_array(exec, text)),
    }
}

/// How AWS shows a bad value in the messages of the `…Path` fields: strings
/// as they are, anything else as compact JSON.
fn not_valid(exec: &Exec, field: &str, value: &Value, kind: &str, text: &str) -> Error {
    exec.runtime_error(distributed::not_a_valid(field, value, kind, text))
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

/// Runs a Map's `ItemReader`: calls its handler (bound like a Task's) with the
/// evaluated `Parameters`, then reads the items from the response as
/// `config` says. Any failure is `States.ItemReaderFailed`.
pub async fn read_items<F, Fut>(
    exec: &mut Exec,
    state: &'static str,
    resource: &'static str,
    config: &ReaderConfig,
    max_items: Option<u64>,
    request: Value,
    call: F,
) -> Result<Vec<Value>, Error>
where
    F: FnOnce(Value, TaskContext) -> Fut,
    Fut: Future<Output = TaskResult>,
{
    let spec = s3_spec(state, resource);
    let response = invoke(exec, &spec, request, None, None, call)
        .await
        .map_err(|e| wrap(names::ITEM_READER_FAILED, &e))?;
    distributed::read_items(config, max_items, response)
        .map_err(|cause| Error::new(names::ITEM_READER_FAILED, cause))
}

fn s3_spec(state: &'static str, resource: &'static str) -> TaskSpec {
    let api = resource.rsplit(':').next().unwrap_or(resource);
    TaskSpec {
        state,
        resource,
        kind: ResourceKind::Service {
            resource_type: "s3",
            api,
        },
        uses_token: false,
    }
}

/// An error of a reader's or writer's handler, reported under `name`.
fn wrap(name: &'static str, error: &Error) -> Error {
    let cause = match error.cause() {
        Some(cause) => format!("{}: {cause}", error.name()),
        None => error.name().to_owned(),
    };
    Error::new(name, cause)
}

/// `ReaderConfig.MaxItemsPath`: a non-negative integer, 0 meaning no limit.
pub fn max_items_path(exec: &Exec, value: &Value, text: &str) -> Result<Option<u64>, Error> {
    let n = distributed::path_integer("MaxItemsPath", text, value)
        .map_err(|detail| exec.runtime_error(detail))?;
    distributed::max_items_limit(n).map_err(|cause| Error::new(names::ITEM_READER_FAILED, cause))
}

/// `MaxItemsPerBatchPath` / `MaxInputBytesPerBatchPath`: a positive integer.
pub fn batch_limit_path(exec: &Exec, field: &str, value: &Value, text: &str) -> Result<u64, Error> {
    let n = distributed::path_integer(field, text, value).map_err(|d| exec.runtime_error(d))?;
    let literal = field.trim_end_matches("Path");
    distributed::batch_limit(literal, n).map_err(|d| exec.runtime_error(d))
}

/// The iteration inputs of a Map with an `ItemBatcher`: every item through
/// `select` (with `$$.Map.Item` set), then grouped into batches.
pub fn batch<I, S>(
    exec: &mut Exec,
    items: I,
    mut select: S,
    max_items: Option<u64>,
    max_bytes: Option<u64>,
    batch_input: Option<Value>,
) -> Result<Vec<Value>, Error>
where
    I: IntoIterator,
    S: FnMut(&mut Exec, usize, I::Item) -> Result<Value, Error>,
{
    let items = items.into_iter();
    let mut selected = Vec::with_capacity(items.size_hint().0);
    for (index, item) in items.enumerate() {
        selected.push(select(exec, index, item)?);
    }
    distributed::batch_items(selected, max_items, max_bytes, batch_input.as_ref())
        .map_err(|detail| exec.runtime_error(detail))
}

/// Runs a Map's `ResultWriter`: lays out the result files, writes each one
/// through the `putObject` handler (when the writer has a `Resource`), and
/// returns the Map's result. Any failure is `States.ResultWriterFailed`.
pub async fn write_results<F, Fut>(
    exec: &mut Exec,
    state: &'static str,
    config: &WriterConfig,
    parameters: Option<Value>,
    run: (Vec<ChildRecord>, String),
    mut call: F,
) -> Result<Value, Error>
where
    F: FnMut(Value, TaskContext) -> Fut,
    Fut: Future<Output = TaskResult>,
{
    let (records, map_run) = run;
    let plan = distributed::plan_write(config, parameters.as_ref(), &map_run, records)
        .map_err(|cause| Error::new(names::RESULT_WRITER_FAILED, cause))?;
    let spec = s3_spec(state, "arn:aws:states:::s3:putObject");
    for request in plan.requests() {
        invoke(exec, &spec, request, None, None, &mut call)
            .await
            .map_err(|e| wrap(names::RESULT_WRITER_FAILED, &e))?;
    }
    Ok(plan.result)
}

/// The result of a Map whose `ResultWriter` has only a `WriterConfig`: the
/// iterations' results shaped by its `Transformation`, written nowhere.
pub fn shape_results(
    config: &WriterConfig,
    run: (Vec<ChildRecord>, String),
) -> Result<Value, Error> {
    let (records, map_run) = run;
    distributed::plan_write(config, None, &map_run, records)
        .map(|plan| plan.result)
        .map_err(|cause| Error::new(names::RESULT_WRITER_FAILED, cause))
}
