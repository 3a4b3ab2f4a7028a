//! What a task handler receives and returns.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Notify;

use crate::__private::ExecutionRef;
use crate::Error;

/// What a task handler returns: the task result, or an error that Retry and
/// Catch match on.
pub type TaskResult = Result<Value, Error>;

/// Everything a task handler may want to know about the attempt it serves.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub(crate) state_name: &'static str,
    pub(crate) resource: &'static str,
    pub(crate) retry_count: u32,
    pub(crate) task_token: Option<Arc<str>>,
    pub(crate) function_name: Option<String>,
    pub(crate) execution: ExecutionRef,
    /// Only a state with `HeartbeatSeconds` listens for heartbeats.
    pub(crate) heartbeat: Option<Arc<Notify>>,
}

impl TaskContext {
    /// The name of the Task state, as written in the workflow file.
    pub fn state_name(&self) -> &str {
        self.state_name
    }

    /// The state's `Resource`.
    pub fn resource(&self) -> &str {
        self.resource
    }

    /// How many times this task has been retried in this visit of the state (0 on the first attempt).
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// The task token, for resources that use one (`.waitForTaskToken`, activities).
    pub fn task_token(&self) -> Option<&str> {
        self.task_token.as_deref()
    }

    /// The `FunctionName` of an `arn:aws:states:::lambda:invoke` task.
    pub fn function_name(&self) -> Option<&str> {
        self.function_name.as_deref()
    }

    /// The name of the running execution.
    pub fn execution_name(&self) -> &str {
        self.execution.name()
    }

    /// Reports that the task is alive, restarting its `HeartbeatSeconds` clock
    /// (a state without `HeartbeatSeconds` has no clock to restart).
    pub fn heartbeat(&self) {
        if let Some(heartbeat) = &self.heartbeat {
            heartbeat.notify_one();
        }
    }
}

/// Reads a handler's input as the handler's own type.
///
/// A value that does not fit fails the task with `States.TaskFailed`.
pub fn from_input<T: DeserializeOwned>(input: Value) -> Result<T, Error> {
    Ok(serde_json::from_value(input)?)
}

/// Turns a handler's own result type into the task result.
pub fn to_output<T: Serialize>(output: &T) -> TaskResult {
    Ok(serde_json::to_value(output)?)
}
