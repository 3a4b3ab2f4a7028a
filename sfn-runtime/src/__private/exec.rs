//! The state of one running execution: identities, clock, event ids, history.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::events::{Event, History};
use crate::execution::{Execution, ExecutionError, ExecutionIds, RunOptions, Status};
use crate::timestamp::format_service;
use crate::{Error, names};

/// The type of a state, for event names and the context object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// `Pass`
    Pass,
    /// `Task`
    Task,
    /// `Choice`
    Choice,
    /// `Wait`
    Wait,
    /// `Succeed`
    Succeed,
    /// `Fail`
    Fail,
    /// `Parallel`
    Parallel,
    /// `Map`
    Map,
}

impl StateKind {
    fn entered(self) -> &'static str {
        match self {
            StateKind::Pass => "PassStateEntered",
            StateKind::Task => "TaskStateEntered",
            StateKind::Choice => "ChoiceStateEntered",
            StateKind::Wait => "WaitStateEntered",
            StateKind::Succeed => "SucceedStateEntered",
            StateKind::Fail => "FailStateEntered",
            StateKind::Parallel => "ParallelStateEntered",
            StateKind::Map => "MapStateEntered",
        }
    }

    fn exited(self) -> &'static str {
        match self {
            StateKind::Pass => "PassStateExited",
            StateKind::Task => "TaskStateExited",
            StateKind::Choice => "ChoiceStateExited",
            StateKind::Wait => "WaitStateExited",
            StateKind::Succeed => "SucceedStateExited",
            // A Fail state never exits; the execution fails instead.
            StateKind::Fail => "FailStateExited",
            StateKind::Parallel => "ParallelStateExited",
            StateKind::Map => "MapStateExited",
        }
    }
}

#[derive(Debug)]
struct Ids {
    execution_id: String,
    execution_name: Arc<str>,
    role_arn: String,
    state_machine_id: String,
    state_machine_name: String,
}

/// What every part of one execution shares: its identity, clock and events.
#[derive(Debug)]
struct Shared {
    /// The workflow's own name.
    machine: &'static str,
    /// The identities the run options give.
    given: ExecutionIds,
    /// The identities, derived on first use (only the context object, the
    /// history and `run_with`'s report need them).
    ids: OnceLock<Ids>,
    /// Whether anything reads state entry times (the context object or the history).
    timed: bool,
    express: bool,
    input: Value,
    start_wall: DateTime<Utc>,
    start_clock: Instant,
    /// The id of the newest event.
    last_event: AtomicU64,
    history: Option<Mutex<Vec<Event>>>,
}

/// One running execution, as seen by one state machine in it: the top level,
/// or one Parallel branch or Map iteration, which run concurrently and share
/// the execution's identity, clock and event history. Generated code threads
/// `&mut Exec` through every state.
#[derive(Debug)]
pub struct Exec {
    shared: Arc<Shared>,
    /// The newest event this state machine emitted (`previousEventId` of its next one).
    last_event: u64,
    /// The newest event id of the whole execution, while `alone`.
    count: u64,
    /// Whether this is the only state machine of the execution emitting
    /// events now (no branch or iteration runs concurrently), so that it
    /// counts event ids itself in `count` instead of in the shared counter.
    alone: bool,
    /// Whether this is the top-level state machine, alone again once its
    /// branches have ended.
    top: bool,
    entered_any: bool,
    /// Whether no state needs the clock and no history is recorded, so that
    /// entering and leaving a state only counts event ids.
    plain: bool,
    state: &'static str,
    state_kind: StateKind,
    entered_event: u64,
    entered_at: DateTime<Utc>,
    retry_count: u32,
    task_token: Option<Arc<str>>,
    /// `$$.Map.Item` while a Map state builds an iteration's input.
    map_item: Option<(usize, Value)>,
}

/// The execution a task attempt belongs to, as its [`crate::TaskContext`] holds it.
#[derive(Debug, Clone)]
pub struct ExecutionRef(Arc<Shared>);

impl ExecutionRef {
    /// The execution's name (given in the run options, or a UUID).
    pub(crate) fn name(&self) -> &str {
        &self.0.ids().execution_name
    }
}

impl Shared {
    fn ids(&self) -> &Ids {
        self.ids.get_or_init(|| {
            let given = &self.given;
            let region = given.region.as_deref().unwrap_or("local");
            let account = given.account.as_deref().unwrap_or("000000000000");
            let machine_name = given
                .state_machine_name
                .clone()
                .unwrap_or_else(|| self.machine.to_owned());
            // Unique, not secret: a v4 UUID from a fast generator.
            let execution_name = given.execution_name.clone().unwrap_or_else(|| {
                let bytes = fastrand::u128(..).to_le_bytes();
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string()
            });
            Ids {
                execution_id: given.execution_id.clone().unwrap_or_else(|| {
                    format!(
                        "arn:aws:states:{region}:{account}:execution:{machine_name}:{execution_name}"
                    )
                }),
                state_machine_id: given.state_machine_id.clone().unwrap_or_else(|| {
                    format!("arn:aws:states:{region}:{account}:stateMachine:{machine_name}")
                }),
                role_arn: given
                    .role_arn
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:iam::{account}:role/{machine_name}-role")),
                execution_name: execution_name.into(),
                state_machine_name: machine_name,
            }
        })
    }
}

impl Exec {
    /// Starts an execution of the workflow `machine` with `input`.
    ///
    /// `reads_context` says whether the workflow reads the context object (`$$`);
    /// only then, or when the history is recorded, is the input kept as
    /// `$$.Execution.Input`, which spares every other run a deep copy.
    pub fn start(
        machine: &'static str,
        options: &RunOptions,
        input: &Value,
        reads_context: bool,
    ) -> Exec {
        let now = Utc::now();
        let timed = reads_context || options.record_history;
        let shared = Shared {
            machine,
            given: options.ids.clone(),
            ids: OnceLock::new(),
            timed,
            express: options.express,
            input: if timed { input.clone() } else { Value::Null },
            start_wall: now,
            start_clock: Instant::now(),
            last_event: AtomicU64::new(0),
            history: options.record_history.then(|| Mutex::new(Vec::new())),
        };
        let mut exec = Exec {
            shared: Arc::new(shared),
            last_event: 0,
            count: 0,
            alone: true,
            top: true,
            entered_any: false,
            plain: !timed,
            state: "",
            state_kind: StateKind::Pass,
            entered_event: 0,
            entered_at: now,
            retry_count: 0,
            task_token: None,
            map_item: None,
        };
        exec.event("ExecutionStarted", |exec| {
            let mut d = Map::new();
            d.insert("input".into(), exec.shared.input.clone());
            d.insert("roleArn".into(), exec.shared.ids().role_arn.clone().into());
            d
        });
        exec
    }

    /// The view of a Parallel branch or Map iteration started by the current
    /// state: the same execution, with its own current state.
    pub fn branch(&mut self) -> Exec {
        if std::mem::replace(&mut self.alone, false) {
            // From now on every id comes from the shared counter.
            self.shared.last_event.store(self.count, Ordering::Relaxed);
        }
        self.child(false)
    }

    /// A new state machine of this execution, started now by the current state.
    fn child(&self, alone: bool) -> Exec {
        let mut child = Exec {
            shared: Arc::clone(&self.shared),
            last_event: 0,
            count: 0,
            alone,
            top: false,
            entered_any: true,
            plain: self.plain,
            state: "",
            state_kind: StateKind::Pass,
            entered_event: 0,
            entered_at: self.entered_at,
            retry_count: 0,
            task_token: None,
            map_item: None,
        };
        child.restart(self, alone);
        child
    }

    /// Makes this view of the execution a new state machine started now by
    /// `parent`'s current state, as [`Exec::child`] builds one, in place.
    #[inline]
    fn restart(&mut self, parent: &Exec, alone: bool) {
        self.last_event = parent.last_event;
        self.count = parent.count;
        self.alone = alone;
        self.entered_any = true;
        self.state = "";
        self.state_kind = StateKind::Pass;
        self.entered_event = 0;
        self.entered_at = parent.entered_at;
        self.retry_count = 0;
        self.task_token = None;
        self.map_item = None;
    }

    /// After branches ran: the next event follows the newest one of the execution.
    pub fn join(&mut self) {
        if self.alone {
            self.last_event = self.count;
        } else {
            self.last_event = self.shared.last_event.load(Ordering::Relaxed);
            self.alone = self.top;
            self.count = self.last_event;
        }
    }

    /// The id of a new event: counted here while this state machine is
    /// alone, else in the shared counter.
    #[inline]
    fn next_event_id(&self) -> u64 {
        if self.alone {
            self.count + 1
        } else {
            self.shared.last_event.fetch_add(1, Ordering::Relaxed) + 1
        }
    }

    /// Sets `$$.Map.Item` (index and value) for building one iteration's input.
    pub fn set_map_item(&mut self, index: usize, value: Value) {
        self.map_item = Some((index, value));
    }

    /// Clears `$$.Map.Item`, giving the item's value back.
    pub fn take_map_item(&mut self) -> Value {
        self.map_item.take().map(|(_, v)| v).unwrap_or_default()
    }

    /// The execution's clock: wall time at start plus (possibly paused) tokio time since.
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = Instant::now().saturating_duration_since(self.shared.start_clock);
        self.shared.start_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }

    /// Whether the history is being recorded (so event details are worth building).
    #[inline]
    pub fn recording(&self) -> bool {
        self.shared.history.is_some()
    }

    /// Emits one event; `details` is only called when the history is recorded.
    #[inline]
    pub fn event(&mut self, kind: &'static str, details: impl FnOnce(&Exec) -> Map<String, Value>) {
        if self.plain {
            self.count_event();
        } else {
            self.record(kind, details);
        }
    }

    /// Counts one event that nobody records.
    #[inline]
    fn count_event(&mut self) {
        self.last_event = self.next_event_id();
        self.count = self.last_event;
    }

    /// [`Exec::event`] when the history may be recorded.
    #[inline(never)]
    fn record(&mut self, kind: &'static str, details: impl FnOnce(&Exec) -> Map<String, Value>) {
        let previous = self.last_event;
        let Some(history) = &self.shared.history else {
            self.count_event();
            return;
        };
        let details = details(self);
        let timestamp = self.now();
        // The id is taken under the lock, so that ids and history order agree.
        let mut history = history.lock().unwrap_or_else(PoisonError::into_inner);
        let id = self.next_event_id();
        history.push(Event {
            id,
            previous_event_id: previous,
            timestamp,
            kind,
            details,
        });
        drop(history);
        self.last_event = id;
        self.count = id;
    }

    /// Enters a state: emits `<Type>StateEntered` and resets the per-state context.
    #[inline]
    pub fn enter(&mut self, name: &'static str, kind: StateKind, input: &Value) {
        self.enter_with(name, kind, || input.clone());
    }

    /// [`Exec::enter`] for a state whose input is held in parts: `input`
    /// builds it, and is only called when the history is recorded.
    #[inline]
    pub fn enter_with(
        &mut self,
        name: &'static str,
        kind: StateKind,
        input: impl FnOnce() -> Value,
    ) {
        if self.plain && self.entered_any && self.task_token.is_none() {
            self.state = name;
            self.state_kind = kind;
            self.retry_count = 0;
            self.count_event();
            self.entered_event = self.last_event;
        } else {
            self.enter_recorded(name, kind, input);
        }
    }

    /// [`Exec::enter_with`] when the clock or the history is needed, or
    /// for the first state.
    #[inline(never)]
    fn enter_recorded(
        &mut self,
        name: &'static str,
        kind: StateKind,
        input: impl FnOnce() -> Value,
    ) {
        self.state = name;
        self.state_kind = kind;
        self.retry_count = 0;
        self.task_token = None;
        if self.shared.timed {
            self.entered_at = self.now();
        }
        // AWS links the first state of an execution to event 0, not to ExecutionStarted.
        let linked = std::mem::replace(&mut self.entered_any, true);
        self.event(kind.entered(), |_| {
            let mut d = Map::new();
            d.insert("name".into(), name.into());
            d.insert("input".into(), input());
            d
        });
        if !linked {
            if let Some(history) = &self.shared.history {
                let mut history = history.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(event) = history.last_mut() {
                    event.previous_event_id = 0;
                }
            }
        }
        self.entered_event = self.last_event;
    }

    /// Exits the current state: emits `<Type>StateExited`.
    #[inline]
    pub fn exit(&mut self, output: &Value) {
        self.exit_with(|| output.clone());
    }

    /// [`Exec::exit`] for an output held in parts: `output` builds it, and is
    /// only called when the history is recorded.
    #[inline]
    pub fn exit_with(&mut self, output: impl FnOnce() -> Value) {
        if self.plain {
            self.count_event();
        } else {
            self.exit_recorded(output);
        }
    }

    /// [`Exec::exit_with`] when the history may be recorded: only then is
    /// the event's kind looked up.
    #[inline(never)]
    fn exit_recorded(&mut self, output: impl FnOnce() -> Value) {
        let name = self.state;
        self.record(self.state_kind.exited(), |_| {
            let mut d = Map::new();
            d.insert("name".into(), name.into());
            d.insert("output".into(), output());
            d
        });
    }

    /// The name of the current state.
    pub fn state_name(&self) -> &'static str {
        self.state
    }

    /// Counts a retry of the current state (`$$.State.RetryCount`).
    pub fn count_retry(&mut self) {
        self.retry_count += 1;
    }

    pub(crate) fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// A handle on the execution, for a task handler's context: its
    /// identities are derived only if the handler asks for them.
    pub(crate) fn execution_ref(&self) -> ExecutionRef {
        ExecutionRef(Arc::clone(&self.shared))
    }

    /// The state machine's ARN (`$$.StateMachine.Id`).
    pub fn state_machine_id(&self) -> &str {
        &self.shared.ids().state_machine_id
    }

    /// The execution's ARN (`$$.Execution.Id`).
    pub fn execution_id(&self) -> &str {
        &self.shared.ids().execution_id
    }

    /// Issues a new task token for the current attempt (callback tasks, activities).
    pub fn issue_task_token(&mut self) -> Arc<str> {
        let token: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        self.task_token = Some(Arc::clone(&token));
        token
    }

    /// A `States.Runtime` error of the current state, with AWS's prefix.
    pub fn runtime_error(&self, detail: impl fmt::Display) -> Error {
        self.state_error(names::RUNTIME, detail)
    }

    /// The result of an intrinsic function: a failure becomes `States.IntrinsicFailure`.
    #[inline]
    pub fn intrinsic(&self, outcome: Result<Value, String>) -> Result<Value, Error> {
        outcome.map_err(|detail| self.state_error(names::INTRINSIC_FAILURE, detail))
    }

    /// An error `name` of the current state, with AWS's prefix naming the state.
    fn state_error(&self, name: &'static str, detail: impl fmt::Display) -> Error {
        Error::new(
            name,
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {detail}",
                self.state, self.entered_event
            ),
        )
    }

    /// A `States.Runtime` error for a definite path that matched nothing.
    pub fn path_error(&self, text: &str, steps: &[super::path::Step], failed_at: usize) -> Error {
        self.runtime_error(super::path::missing_detail(text, steps, failed_at))
    }

    /// The context object (`$$`) as seen by the current state.
    pub fn context_object(&self) -> Value {
        self.context_part(None)
    }

    /// The context object with only its member `only` (when given): a path
    /// that starts `$$.<only>` can read nothing else, so the rest is not built.
    pub fn context_part(&self, only: Option<&str>) -> Value {
        let wants = |name: &str| only.is_none_or(|o| o == name);
        let ids = self.shared.ids();
        let mut context = Map::with_capacity(5);
        if wants("Execution") {
            let mut execution = Map::with_capacity(6);
            execution.insert("Id".into(), ids.execution_id.clone().into());
            execution.insert("Input".into(), self.shared.input.clone());
            execution.insert(
                "StartTime".into(),
                format_service(self.shared.start_wall).into(),
            );
            execution.insert("Name".into(), ids.execution_name.as_ref().into());
            execution.insert("RoleArn".into(), ids.role_arn.clone().into());
            if !self.shared.express {
                execution.insert("RedriveCount".into(), 0.into());
            }
            context.insert("Execution".into(), Value::Object(execution));
        }
        if wants("StateMachine") {
            let mut machine = Map::with_capacity(2);
            machine.insert("Id".into(), ids.state_machine_id.clone().into());
            machine.insert("Name".into(), ids.state_machine_name.clone().into());
            context.insert("StateMachine".into(), Value::Object(machine));
        }
        if wants("State") {
            let mut state = Map::with_capacity(3);
            state.insert("Name".into(), self.state.into());
            state.insert("EnteredTime".into(), format_service(self.entered_at).into());
            if self.state_kind == StateKind::Task {
                state.insert("RetryCount".into(), self.retry_count.into());
            }
            context.insert("State".into(), Value::Object(state));
        }
        if let Some(token) = self.task_token.as_ref().filter(|_| wants("Task")) {
            let mut task = Map::with_capacity(1);
            task.insert("Token".into(), token.as_ref().into());
            context.insert("Task".into(), Value::Object(task));
        }
        if let Some((index, value)) = self.map_item.as_ref().filter(|_| wants("Map")) {
            let mut item = Map::with_capacity(2);
            item.insert("Index".into(), (*index).into());
            item.insert("Value".into(), value.clone());
            let mut map = Map::with_capacity(1);
            map.insert("Item".into(), Value::Object(item));
            context.insert("Map".into(), Value::Object(map));
        }
        Value::Object(context)
    }

    /// Ends an execution run by `run`: its output, or how it failed. Unlike
    /// [`finish`](Exec::finish), it derives no identities and keeps no history.
    pub fn finish_result(self, outcome: Outcome) -> Result<Value, ExecutionError> {
        match outcome.into_parts() {
            (_, Some(output), ..) => Ok(output),
            (status, None, error, cause) => Err(ExecutionError {
                status,
                error,
                cause,
            }),
        }
    }

    /// Ends the execution with the result of its run loop (or of [`drive`]).
    pub fn finish(mut self, outcome: Outcome) -> Execution {
        let (status, output, error, cause) = outcome.into_parts();
        let kind = match status {
            Status::Succeeded => "ExecutionSucceeded",
            Status::Failed => "ExecutionFailed",
            Status::TimedOut => "ExecutionTimedOut",
            Status::Aborted => "ExecutionAborted",
        };
        self.event(kind, |_| {
            let mut d = Map::new();
            if let Some(output) = &output {
                d.insert("output".into(), output.clone());
            }
            if let Some(error) = &error {
                d.insert("error".into(), error.clone().into());
            }
            if let Some(cause) = &cause {
                d.insert("cause".into(), cause.clone().into());
            }
            d
        });
        Execution {
            status,
            output,
            error,
            cause,
            history: History {
                events: self
                    .shared
                    .history
                    .as_ref()
                    .map(|h| std::mem::take(&mut *h.lock().unwrap_or_else(PoisonError::into_inner)))
                    .unwrap_or_default(),
            },
            execution_id: self.shared.ids().execution_id.clone(),
        }
    }
}

/// Branches or iterations that never wait, run one after another inside
/// the state that starts them, on one reused view of the execution: nothing
/// is allocated per run, and event ids are counted exactly as when they run
/// as futures (each completes when first polled, in the same order).
#[derive(Debug)]
pub(crate) struct Inline {
    /// The view the runs use, kept from one run to the next.
    child: Exec,
}

impl Inline {
    /// Runs started by `exec`'s current state.
    pub(crate) fn new(exec: &Exec) -> Inline {
        Inline {
            child: exec.child(exec.alone),
        }
    }

    /// The view of the execution for one branch or iteration started now
    /// by `exec`'s state, with a fresh current state, as [`Exec::branch`]
    /// would start it. [`Inline::finish`] follows the run.
    ///
    /// Nothing here may call out of line: the event ids it copies were
    /// just stored by `exec`, and are then taken from registers rather
    /// than loaded back from memory still being written.
    #[inline]
    pub(crate) fn start(&mut self, exec: &Exec) -> &mut Exec {
        self.child.restart(exec, exec.alone);
        &mut self.child
    }

    /// After a run: `exec` goes on counting events where the run stopped.
    #[inline]
    pub(crate) fn finish(&self, exec: &mut Exec) {
        let child = &self.child;
        if exec.alone {
            if child.alone {
                exec.count = child.count;
            } else {
                // The run started branches of its own: the shared counter,
                // which it seeded, is the count now.
                exec.alone = false;
            }
        }
    }
}

/// Where a state's function says to go: to the next state of its block, or
/// out of it. Either way the data is in the block's registers: the next
/// state's input, or the block's output in the first register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<S> {
    /// Continue with the state `S` names.
    Next(S),
    /// The block ends; its output is in the first register.
    End,
}

/// How a run loop ended.
#[derive(Debug)]
pub enum Outcome {
    /// A terminal state completed with this output.
    Succeeded(Value),
    /// An uncaught error.
    Failed(Error),
    /// The execution's `TimeoutSeconds` elapsed.
    TimedOut,
    /// The execution was stopped.
    Aborted,
}

impl Outcome {
    /// How a run loop that was neither timed out nor aborted ended.
    pub fn of(result: Result<Value, Error>) -> Outcome {
        match result {
            Ok(output) => Outcome::Succeeded(output),
            Err(err) => Outcome::Failed(err),
        }
    }

    /// The status, output, error name and cause an execution reports.
    fn into_parts(self) -> (Status, Option<Value>, Option<String>, Option<String>) {
        match self {
            Outcome::Succeeded(output) => (Status::Succeeded, Some(output), None, None),
            Outcome::Failed(err) => {
                let error = (!err.name().is_empty()).then(|| err.name().to_owned());
                (Status::Failed, None, error, err.cause().map(str::to_owned))
            }
            Outcome::TimedOut => (
                Status::TimedOut,
                None,
                Some(names::TIMEOUT.to_owned()),
                None,
            ),
            Outcome::Aborted => (Status::Aborted, None, None, None),
        }
    }
}

/// Runs the run loop `machine` under the execution timeout and abort handle.
///
/// Without either, the run loop is awaited as it is. With one, it is boxed
/// with its timer or handle, so that the common case's future (moved at each
/// level that awaits it) is not made larger by the rare one.
pub async fn drive(
    options: &RunOptions,
    timeout_seconds: Option<u64>,
    machine: impl Future<Output = Result<Value, Error>>,
) -> Outcome {
    if timeout_seconds.is_none() && options.abort.is_none() {
        return Outcome::of(machine.await);
    }
    Box::pin(drive_limited(options, timeout_seconds, machine)).await
}

async fn drive_limited(
    options: &RunOptions,
    timeout_seconds: Option<u64>,
    machine: impl Future<Output = Result<Value, Error>>,
) -> Outcome {
    let machine = async { Outcome::of(machine.await) };
    let timed = async {
        match timeout_seconds {
            Some(secs) => tokio::time::timeout(std::time::Duration::from_secs(secs), machine)
                .await
                .unwrap_or(Outcome::TimedOut),
            None => machine.await,
        }
    };
    match &options.abort {
        Some(handle) => {
            tokio::select! {
                outcome = timed => outcome,
                () = handle.aborted() => Outcome::Aborted,
            }
        }
        None => timed.await,
    }
}
