//! Starting an execution and reading how it ended.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use tokio::sync::Notify;

use crate::events::History;

/// The identities an execution reports through the context object (`$$`).
///
/// Every field is optional: what is not set is derived from the workflow's
/// name (the file stem) and a random execution name, in the shape AWS uses
/// (`arn:aws:states:<region>:<account>:execution:<machine>:<execution>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionIds {
    /// `$$.Execution.Id`.
    pub execution_id: Option<String>,
    /// `$$.Execution.Name`.
    pub execution_name: Option<String>,
    /// `$$.Execution.RoleArn`.
    pub role_arn: Option<String>,
    /// `$$.StateMachine.Id`.
    pub state_machine_id: Option<String>,
    /// `$$.StateMachine.Name`.
    pub state_machine_name: Option<String>,
    /// The region used in derived ARNs (default `local`).
    pub region: Option<String>,
    /// The account used in derived ARNs (default `000000000000`).
    pub account: Option<String>,
}

/// Options for one execution: identities, history recording, and a way to stop it.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub(crate) ids: ExecutionIds,
    pub(crate) record_history: bool,
    pub(crate) abort: Option<AbortHandle>,
    pub(crate) express: bool,
}

impl RunOptions {
    /// Default options: derived identities, no history, no abort handle.
    pub fn new() -> Self {
        RunOptions::default()
    }

    /// Sets the identities reported through `$$.Execution` and `$$.StateMachine`.
    pub fn ids(mut self, ids: ExecutionIds) -> Self {
        self.ids = ids;
        self
    }

    /// Sets the execution name (`$$.Execution.Name`).
    pub fn execution_name(mut self, name: impl Into<String>) -> Self {
        self.ids.execution_name = Some(name.into());
        self
    }

    /// Records the execution's event history, as `GetExecutionHistory` would return it.
    pub fn record_history(mut self, record: bool) -> Self {
        self.record_history = record;
        self
    }

    /// Runs as a synchronous Express execution (`StartSyncExecution`), whose
    /// context object has no `Execution.RedriveCount`.
    pub fn sync_express(mut self, express: bool) -> Self {
        self.express = express;
        self
    }

    /// Lets another task stop the execution (`StopExecution`) through `handle`.
    pub fn abort_handle(mut self, handle: AbortHandle) -> Self {
        self.abort = Some(handle);
        self
    }
}

/// Stops a running execution from elsewhere, as `StopExecution` does.
#[derive(Debug, Clone, Default)]
pub struct AbortHandle {
    inner: Arc<AbortInner>,
}

#[derive(Debug, Default)]
struct AbortInner {
    aborted: AtomicBool,
    notify: Notify,
}

impl AbortHandle {
    /// A new handle; pass a clone of it in [`RunOptions::abort_handle`].
    pub fn new() -> Self {
        AbortHandle::default()
    }

    /// Stops the execution: it ends with status [`Status::Aborted`].
    pub fn abort(&self) {
        self.inner.aborted.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    pub(crate) async fn aborted(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.inner.aborted.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

/// How an execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// A terminal state completed; the output is the execution's output.
    Succeeded,
    /// An error nothing caught ended the execution.
    Failed,
    /// The workflow's top-level `TimeoutSeconds` elapsed.
    TimedOut,
    /// The execution was stopped through an [`AbortHandle`].
    Aborted,
}

impl Status {
    /// The status as the Step Functions API spells it (`SUCCEEDED`, `FAILED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An execution that did not succeed: its status, error name and cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionError {
    /// `Failed`, `TimedOut` or `Aborted`.
    pub status: Status,
    /// The error name, when the execution reported one.
    pub error: Option<String>,
    /// The cause, when the execution reported one.
    pub cause: Option<String>,
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "execution {}", self.status)?;
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecutionError {}

/// A finished execution: how it ended, its output or error, and its history.
#[derive(Debug, Clone)]
pub struct Execution {
    /// How the execution ended.
    pub status: Status,
    /// The output, when it succeeded.
    pub output: Option<Value>,
    /// The error name, when it failed and reported one.
    pub error: Option<String>,
    /// The cause, when it failed and reported one.
    pub cause: Option<String>,
    /// The events, when [`RunOptions::record_history`] asked for them (else empty).
    pub history: History,
    /// `$$.Execution.Id` of this execution.
    pub execution_id: String,
}

impl Execution {
    /// The output on success, or the status, error and cause otherwise.
    pub fn into_result(self) -> Result<Value, ExecutionError> {
        match (self.status, self.output) {
            (Status::Succeeded, Some(output)) => Ok(output),
            (status, _) => Err(ExecutionError {
                status,
                error: self.error,
                cause: self.cause,
            }),
        }
    }
}
