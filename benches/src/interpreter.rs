//! The `asl` crate (an ASL interpreter) on the workloads it can run: it has no
//! Map, Parallel or intrinsic functions, so it runs `chain` and `tasks`.

use asl::asl::execution::{ExecutionStatus, StateExecutionHandler};
use asl::asl::state_machine::StateMachine;
use asl::asl::types::execution::EmptyContext;
use serde_json::Value;

/// The Task handler: returns its input, as [`crate::handwritten::echo`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo;

impl StateExecutionHandler for Echo {
    type TaskExecutionError = String;

    fn execute_task(
        &self,
        _resource: &str,
        input: &Value,
        _credentials: Option<&Value>,
    ) -> Result<Option<Value>, String> {
        Ok(Some(input.clone()))
    }
}

/// A workload parsed once, run many times.
pub struct Interpreted {
    machine: StateMachine,
}

impl Interpreted {
    /// Parses a workflow file's text.
    pub fn new(definition: &str) -> Interpreted {
        let machine = StateMachine::parse(definition).expect("the asl crate parses the workload");
        Interpreted { machine }
    }

    /// Runs one execution to its end: the output, or the failure as text.
    pub fn run(&self, input: &Value) -> Result<Value, String> {
        let mut execution = self.machine.start(input, Echo, EmptyContext {});
        let mut last = None;
        for step in execution.by_ref() {
            last = Some(step);
        }
        match execution.status {
            ExecutionStatus::FinishedWithSuccess(output) => Ok(output.unwrap_or(Value::Null)),
            other => Err(format!("{other:?} after {:?}", last.map(|s| s.state_name))),
        }
    }
}

/// The text of the `chain` workload.
pub const CHAIN: &str = include_str!("../workflows/chain.asl.json");
/// The text of the `tasks` workload.
pub const TASKS: &str = include_str!("../workflows/tasks.asl.json");
