//! ASL errors: a name that Retry and Catch match on, and an optional cause.

use std::borrow::Cow;
use std::fmt;

/// The error names that the Step Functions service itself raises.
pub mod names {
    /// Matches every error except `States.Runtime` (only valid in `ErrorEquals`).
    pub const ALL: &str = "States.ALL";
    /// A task failed; as a matcher it also matches every non-`States.` error.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A task or the whole execution ran past its timeout, or missed a heartbeat.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A task missed its heartbeat; reported as `States.Timeout`, matched by both names.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// An unrecoverable error in the data processing of a state; never retried or caught.
    pub const RUNTIME: &str = "States.Runtime";
    /// `ResultPath` could not be applied to the state's input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A payload exceeded the 256 KiB service limit.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// An intrinsic function failed at run time.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A Map state had more failed iterations than it tolerates.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A Map state's `ItemReader` could not read the items.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Map state's `ResultWriter` could not write the results.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// Insufficient privileges to run the task.
    pub const PERMISSIONS: &str = "States.Permissions";
}

/// An error as Step Functions knows it: a name (`Error`) and a cause (`Cause`).
///
/// Task handlers return it to fail a task; Retry and Catch match on
/// [`name`](Error::name). A Fail state without `Error` produces an error whose
/// name is empty, which an execution reports as having no error name.
///
/// It is one pointer wide, so that the `Result`s every state returns stay
/// small on the path where nothing fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Parts>);

#[derive(Clone, PartialEq, Eq)]
struct Parts {
    name: Cow<'static, str>,
    cause: Option<String>,
}

impl Error {
    /// An error with a name and a cause.
    pub fn new(name: impl Into<Cow<'static, str>>, cause: impl Into<String>) -> Self {
        Error::from_name(name.into(), Some(cause.into()))
    }

    /// An error with a name and no cause.
    pub fn named(name: impl Into<Cow<'static, str>>) -> Self {
        Error::from_name(name.into(), None)
    }

    /// An error whose name and cause may both be absent (a Fail state's result).
    pub fn from_parts(name: Option<String>, cause: Option<String>) -> Self {
        Error::from_name(name.map(Cow::Owned).unwrap_or(Cow::Borrowed("")), cause)
    }

    fn from_name(name: Cow<'static, str>, cause: Option<String>) -> Self {
        Error(Box::new(Parts { name, cause }))
    }

    /// The error name that `ErrorEquals` matches on; empty when a Fail state gave none.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The human-readable cause, if any.
    pub fn cause(&self) -> Option<&str> {
        self.0.cause.as_deref()
    }

    /// `true` for `States.Runtime`, which nothing can retry or catch.
    pub fn is_runtime(&self) -> bool {
        self.0.name == names::RUNTIME
    }

    /// The Error Output object a catcher receives: `{"Error": …, "Cause": …}`.
    pub fn to_output(&self) -> serde_json::Value {
        let mut map = serde_json::Map::with_capacity(2);
        map.insert("Error".into(), self.0.name.as_ref().into());
        map.insert("Cause".into(), self.0.cause.as_deref().unwrap_or("").into());
        serde_json::Value::Object(map)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("name", &self.0.name)
            .field("cause", &self.0.cause)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.0.name.is_empty() {
            "(no error name)"
        } else {
            &self.0.name
        };
        match &self.0.cause {
            Some(cause) => write!(f, "{name}: {cause}"),
            None => f.write_str(name),
        }
    }
}

impl std::error::Error for Error {}

/// Handlers that work with their own serde types can use `?` on (de)serialisation.
impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::new(names::TASK_FAILED, err.to_string())
    }
}
