//! Runtime support for AWS Step Functions workflows compiled to Rust by `sfn`.
//!
//! Application code normally uses only three things from this crate: the
//! [`include_workflow!`] macro (behind the default `macros` feature), the task
//! handler types ([`TaskContext`], [`TaskResult`], [`Error`]) and the execution
//! types ([`RunOptions`], [`Execution`], [`ExecutionError`]). Everything the
//! generated code needs beyond that lives in [`__private`] and is not a stable
//! API.
#![deny(missing_docs)]

pub mod choice;
mod error;
pub mod events;
mod execution;
mod task;
pub mod timestamp;

#[doc(hidden)]
pub mod __private;

pub use error::{Error, names};
pub use events::{Event, History};
pub use execution::{AbortHandle, Execution, ExecutionError, ExecutionIds, RunOptions, Status};
pub use serde_json::{Map, Value, json};
pub use task::{TaskContext, TaskResult, from_input, to_output};

#[cfg(feature = "macros")]
pub use sfn_macros::include_workflow;
