//! The state of one running execution: identities, clock, event ids, history.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::events::{Event, History};
use crate::execution::{Execution, RunOptions, Status};
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

/// One running execution. Generated code threads `&mut Exec` through every state.
#[derive(Debug)]
pub struct Exec {
    ids: Ids,
    express: bool,
    input: Value,
    start_wall: DateTime<Utc>,
    start_clock: Instant,
    last_event: u64,
    entered_any: bool,
    history: Option<Vec<Event>>,
    state: &'static str,
    state_kind: StateKind,
    entered_event: u64,
    entered_at: DateTime<Utc>,
    retry_count: u32,
    task_token: Option<Arc<str>>,
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
        let given = &options.ids;
        let region = given.region.as_deref().unwrap_or("local");
        let account = given.account.as_deref().unwrap_or("000000000000");
        let machine_name = given
            .state_machine_name
            .clone()
            .unwrap_or_else(|| machine.to_owned());
        let execution_name = given
            .execution_name
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let ids = Ids {
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
        };
        let now = Utc::now();
        let mut exec = Exec {
            ids,
            express: options.express,
            input: if reads_context || options.record_history {
                input.clone()
            } else {
                Value::Null
            },
            start_wall: now,
            start_clock: Instant::now(),
            last_event: 0,
            entered_any: false,
            history: options.record_history.then(Vec::new),
            state: "",
            state_kind: StateKind::Pass,
            entered_event: 0,
            entered_at: now,
            retry_count: 0,
            task_token: None,
        };
        exec.event("ExecutionStarted", |exec| {
            let mut d = Map::new();
            d.insert("input".into(), exec.input.clone());
            d.insert("roleArn".into(), exec.ids.role_arn.clone().into());
            d
        });
        exec
    }

    /// The execution's clock: wall time at start plus (possibly paused) tokio time since.
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = Instant::now().saturating_duration_since(self.start_clock);
        self.start_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }

    /// Whether the history is being recorded (so event details are worth building).
    #[inline]
    pub fn recording(&self) -> bool {
        self.history.is_some()
    }

    /// Emits one event; `details` is only called when the history is recorded.
    pub fn event(&mut self, kind: &'static str, details: impl FnOnce(&Exec) -> Map<String, Value>) {
        let previous = self.last_event;
        self.last_event += 1;
        if self.history.is_some() {
            let event = Event {
                id: self.last_event,
                previous_event_id: previous,
                timestamp: self.now(),
                kind,
                details: details(self),
            };
            if let Some(history) = &mut self.history {
                history.push(event);
            }
        }
    }

    /// Enters a state: emits `<Type>StateEntered` and resets the per-state context.
    pub fn enter(&mut self, name: &'static str, kind: StateKind, input: &Value) {
        self.state = name;
        self.state_kind = kind;
        self.retry_count = 0;
        self.task_token = None;
        self.entered_at = self.now();
        // AWS links the first state of an execution to event 0, not to ExecutionStarted.
        let linked = std::mem::replace(&mut self.entered_any, true);
        self.event(kind.entered(), |_| {
            let mut d = Map::new();
            d.insert("name".into(), name.into());
            d.insert("input".into(), input.clone());
            d
        });
        if !linked {
            if let Some(event) = self.history.as_mut().and_then(|h| h.last_mut()) {
                event.previous_event_id = 0;
            }
        }
        self.entered_event = self.last_event;
    }

    /// Leaves the current state: emits `<Type>StateExited`.
    pub fn exit(&mut self, output: &Value) {
        let name = self.state;
        self.event(self.state_kind.exited(), |_| {
            let mut d = Map::new();
            d.insert("name".into(), name.into());
            d.insert("output".into(), output.clone());
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

    pub(crate) fn execution_name(&self) -> Arc<str> {
        Arc::clone(&self.ids.execution_name)
    }

    /// Issues a new task token for the current attempt (callback tasks, activities).
    pub fn issue_task_token(&mut self) -> Arc<str> {
        let token: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        self.task_token = Some(Arc::clone(&token));
        token
    }

    /// A `States.Runtime` error of the current state, with AWS's prefix.
    pub fn runtime_error(&self, detail: impl fmt::Display) -> Error {
        Error::new(
            names::RUNTIME,
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
        let mut execution = Map::with_capacity(6);
        execution.insert("Id".into(), self.ids.execution_id.clone().into());
        execution.insert("Input".into(), self.input.clone());
        execution.insert("StartTime".into(), format_service(self.start_wall).into());
        execution.insert("Name".into(), self.ids.execution_name.as_ref().into());
        execution.insert("RoleArn".into(), self.ids.role_arn.clone().into());
        if !self.express {
            execution.insert("RedriveCount".into(), 0.into());
        }
        let mut state = Map::with_capacity(3);
        state.insert("Name".into(), self.state.into());
        state.insert("EnteredTime".into(), format_service(self.entered_at).into());
        if self.state_kind == StateKind::Task {
            state.insert("RetryCount".into(), self.retry_count.into());
        }
        let mut machine = Map::with_capacity(2);
        machine.insert("Id".into(), self.ids.state_machine_id.clone().into());
        machine.insert("Name".into(), self.ids.state_machine_name.clone().into());
        let mut context = Map::with_capacity(4);
        context.insert("Execution".into(), Value::Object(execution));
        context.insert("StateMachine".into(), Value::Object(machine));
        context.insert("State".into(), Value::Object(state));
        if let Some(token) = &self.task_token {
            let mut task = Map::with_capacity(1);
            task.insert("Token".into(), token.as_ref().into());
            context.insert("Task".into(), Value::Object(task));
        }
        Value::Object(context)
    }

    /// Ends the execution with the result of its run loop (or of [`drive`]).
    pub fn finish(mut self, outcome: Outcome) -> Execution {
        let (status, output, error, cause) = match outcome {
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
        };
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
                events: self.history.take().unwrap_or_default(),
            },
            execution_id: self.ids.execution_id,
        }
    }
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

/// Runs the run loop `machine` under the execution timeout and abort handle.
pub async fn drive(
    options: &RunOptions,
    timeout_seconds: Option<u64>,
    machine: impl Future<Output = Result<Value, Error>>,
) -> Outcome {
    let machine = async {
        match machine.await {
            Ok(output) => Outcome::Succeeded(output),
            Err(err) => Outcome::Failed(err),
        }
    };
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
