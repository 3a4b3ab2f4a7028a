//! End-to-end behaviour of compiled workflows on tokio's paused clock.
//! Expected values come from the ASL specification (`../shared/spec/ASL.md`),
//! section by section as noted, not from the code under test.

use std::sync::Mutex;
use std::time::Duration;

use sfn_runtime::{Error, ExecutionIds, RunOptions, Status, TaskContext, TaskResult, Value, json};
use tokio::time::Instant;

sfn_runtime::include_workflow!("tests/workflows/retry_catch.asl.json");
sfn_runtime::include_workflow!("tests/workflows/limits.asl.json");
sfn_runtime::include_workflow!("tests/workflows/data_flow.asl.json");
sfn_runtime::include_workflow!("tests/workflows/errors.asl.json");
sfn_runtime::include_workflow!("tests/workflows/timeout.asl.json");
sfn_runtime::include_workflow!("tests/workflows/names.asl.json" as tricky_names);

/// Fails with the scripted error names in order, then succeeds; records when each attempt ran.
struct Script {
    errors: Mutex<Vec<&'static str>>,
    attempts: Mutex<Vec<Instant>>,
}

impl Script {
    fn new(errors: &[&'static str]) -> Self {
        let mut errors = errors.to_vec();
        errors.reverse();
        Script {
            errors: Mutex::new(errors),
            attempts: Mutex::new(Vec::new()),
        }
    }

    fn gaps(&self) -> Vec<u64> {
        let attempts = self.attempts.lock().unwrap();
        attempts
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs())
            .collect()
    }
}

impl retry_catch::Handlers for Script {
    async fn flaky(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        self.attempts.lock().unwrap().push(Instant::now());
        match self.errors.lock().unwrap().pop() {
            Some(name) => Err(Error::new(name, format!("{name} happened"))),
            None => Ok(input),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn retriers_wait_with_backoff_and_keep_separate_budgets() {
    // §6.2 example: ErrorA, ErrorB, ErrorC, ErrorB → waits 1 s, 2 s, 5 s; then the first
    // retrier is exhausted and the catcher fires.
    let workflow =
        retry_catch::Workflow::new(Script::new(&["ErrorA", "ErrorB", "ErrorC", "ErrorB"]));
    let output = workflow.run(json!({"order": 7})).await.unwrap();
    assert_eq!(workflow.handlers().gaps(), vec![1, 2, 5]);
    // §2.5: the catcher's ResultPath keeps the raw input and adds the Error Output.
    assert_eq!(
        output,
        json!({"order": 7, "error-info": {"Error": "ErrorB", "Cause": "ErrorB happened"}})
    );
}

#[tokio::test(start_paused = true)]
async fn max_delay_caps_the_backoff() {
    // §6.2: Interval 3, Backoff 2, MaxDelaySeconds 4 → 3 s then 4 s.
    let workflow = retry_catch::Workflow::new(Script::new(&["Capped", "Capped"]));
    let output = workflow.run(json!({"n": 1})).await.unwrap();
    assert_eq!(workflow.handlers().gaps(), vec![3, 4]);
    assert_eq!(output, json!({"n": 1}));
}

#[tokio::test(start_paused = true)]
async fn default_retrier_makes_three_attempts() {
    // §6.2 defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0 → 5, 10, 20 s from 5 s.
    let workflow = retry_catch::Workflow::new(Script::new(&["ErrorC"; 4]));
    let output = workflow.run(json!({})).await.unwrap();
    assert_eq!(workflow.handlers().gaps(), vec![5, 10, 20]);
    assert_eq!(output["error-info"]["Error"], "ErrorC");
}

enum Slow {
    Silent,
    Beating,
    Panics,
}

impl limits::Handlers for Slow {
    async fn slow(&self, input: Value, ctx: TaskContext) -> TaskResult {
        match self {
            Slow::Silent => tokio::time::sleep(Duration::from_secs(60)).await,
            Slow::Beating => {
                for _ in 0..4 {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    ctx.heartbeat();
                }
            }
            Slow::Panics => panic!("handler bug"),
        }
        Ok(input)
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_task_misses_its_heartbeat() {
    // §5.3: a missed heartbeat is reported as States.Timeout with no cause from the task.
    let start = Instant::now();
    let output = limits::Workflow::new(Slow::Silent)
        .run(json!({}))
        .await
        .unwrap();
    assert_eq!(start.elapsed().as_secs(), 3);
    assert_eq!(output["timeout"]["Error"], "States.Timeout");
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_task_alive_until_it_finishes() {
    let output = limits::Workflow::new(Slow::Beating)
        .run(json!({"x": 1}))
        .await
        .unwrap();
    assert_eq!(output, json!({"x": 1}));
}

#[tokio::test(start_paused = true)]
async fn a_panicking_handler_is_a_task_failure() {
    let output = limits::Workflow::new(Slow::Panics)
        .run(json!({"x": 1}))
        .await
        .unwrap();
    assert_eq!(output["failure"]["Error"], "States.TaskFailed");
    assert!(
        output["failure"]["Cause"]
            .as_str()
            .unwrap()
            .contains("handler bug")
    );
}

struct Pricer;

impl data_flow::Handlers for Pricer {
    async fn price_order(&self, input: Value, ctx: TaskContext) -> TaskResult {
        assert_eq!(
            ctx.function_name(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:PriceOrder")
        );
        // §2.1: the function receives the Payload only.
        assert_eq!(input, json!({"id": 7, "fixed": 1}));
        Ok(json!({"total": 12}))
    }
}

#[tokio::test(start_paused = true)]
async fn the_data_pipeline_follows_the_spec_examples() {
    let options = RunOptions::new().ids(ExecutionIds {
        execution_name: Some("exec-1".into()),
        state_machine_name: Some("pricing".into()),
        ..ExecutionIds::default()
    });
    let execution = data_flow::Workflow::new(Pricer)
        .run_with(
            json!({"georefOf": "Home", "data": {"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}, "order": {"id": 7}}),
            options,
        )
        .await;
    assert_eq!(execution.status, Status::Succeeded);
    let output = execution.output.unwrap();
    // §4.2
    assert_eq!(output["coords"], json!({"x": 0.38, "y": 622.2}));
    // §2.3 (context values from the run options)
    assert_eq!(
        output["shaped"],
        json!({"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]}, "machine": "pricing", "execution": "exec-1"})
    );
    // §2.1: lambda:invoke wraps the result; ResultSelector reads from the wrapper.
    assert_eq!(output["priced"], json!({"total": 12, "status": 200}));
    assert_eq!(output["order"], json!({"id": 7}));
}

struct Echo;

impl errors::Handlers for Echo {
    async fn echo(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(input)
    }
}

#[tokio::test(start_paused = true)]
async fn a_result_selector_moves_its_one_path_out_of_the_result() {
    // §2.1 and §2.3: ResultSelector builds its object from the task result;
    // §2.4: ResultPath puts it in the state's input, whose members stay in order.
    let output = errors::Workflow::new(Echo)
        .run(json!({"kind": "selected", "payload": {"value": [1, {"deep": true}]}}))
        .await
        .unwrap();
    assert_eq!(
        output.to_string(),
        r#"{"kind":"selected","payload":{"value":[1,{"deep":true}]},"selected":{"tag":"selected","found":[1,{"deep":true}]}}"#
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_result_selector_path_quotes_the_whole_result() {
    // §2.3 and §6.1: States.Runtime, not caught by States.ALL; the message
    // quotes the task result the selector read, whole.
    let err = errors::Workflow::new(Echo)
        .run(json!({"kind": "missing-selected", "other": {"a": 1}}))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        err.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'NeedsSelected' (entered at the event id #4). \
             The JSONPath '$.no_such_field' specified for the field 'id.$' could not be found in the input \
             '{\"kind\":\"missing-selected\",\"other\":{\"a\":1}}'"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_parameter_path_is_an_uncatchable_runtime_error() {
    // §2.2 and §6.1: States.Runtime, never caught, not even by States.ALL.
    let err = errors::Workflow::new(Echo)
        .run(json!({"kind": "missing-parameter"}))
        .await
        .unwrap_err();
    assert_eq!(err.status, Status::Failed);
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        err.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'NeedsParameter' (entered at the event id #4). \
             The JSONPath '$.no_such_field' specified for the field 'value.$' could not be found in the input \
             '{\"kind\":\"missing-parameter\"}'"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn no_matching_choice_fails_the_execution() {
    // §3.4 / Q1: States.Runtime with AWS's cause.
    let err = errors::Workflow::new(Echo)
        .run(json!({"kind": "other"}))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        err.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Route' (entered at the event id #2). \
             Failed to transition out of the state. The state does not point to a next state."
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_missing_choice_variable_is_a_runtime_error() {
    // §3.3
    let err = errors::Workflow::new(Echo)
        .run(json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
    assert!(err.cause.unwrap().ends_with(
        "Invalid path '$.kind': The choice state's condition path references an invalid value."
    ));
}

#[tokio::test(start_paused = true)]
async fn wait_seconds_path_runs_on_the_virtual_clock() {
    let start = Instant::now();
    let out = errors::Workflow::new(Echo)
        .run(json!({"kind": "wait", "seconds": 3600}))
        .await
        .unwrap();
    assert_eq!(start.elapsed().as_secs(), 3600);
    assert_eq!(out, json!({"kind": "wait", "seconds": 3600}));
    // §4.1: a negative value is a runtime error.
    let err = errors::Workflow::new(Echo)
        .run(json!({"kind": "wait", "seconds": -1}))
        .await
        .unwrap_err();
    assert!(
        err.cause
            .unwrap()
            .ends_with("The SecondsPath parameter references a negative value: $.seconds == -1")
    );
}

#[tokio::test(start_paused = true)]
async fn fail_reads_error_and_cause_from_paths() {
    let err = errors::Workflow::new(Echo)
        .run(json!({"kind": "failure", "error": "Broken", "cause": "it broke"}))
        .await
        .unwrap_err();
    assert_eq!(
        (err.error.as_deref(), err.cause.as_deref()),
        (Some("Broken"), Some("it broke"))
    );
}

#[tokio::test(start_paused = true)]
async fn the_execution_timeout_ends_the_run() {
    // §1.1: TimeoutSeconds → the execution times out with States.Timeout.
    let start = Instant::now();
    let err = timeout::Workflow::new(()).run(json!({})).await.unwrap_err();
    assert_eq!(start.elapsed().as_secs(), 5);
    assert_eq!(err.status, Status::TimedOut);
    assert_eq!(err.error.as_deref(), Some("States.Timeout"));
}

struct Matcher;

impl tricky_names::Handlers for Matcher {
    async fn match_(&self, input: Value, ctx: TaskContext) -> TaskResult {
        assert_eq!(ctx.state_name(), "```rust\nfn main() {}\n```");
        Ok(input)
    }
}

#[tokio::test(start_paused = true)]
async fn any_state_name_compiles_and_strings_stay_data() {
    use tricky_names::State;
    assert_eq!(State::START, State::Fn);
    assert_eq!(State::ShipOrder.name(), "ship order");
    assert_eq!(State::ShipOrder2.name(), "ShipOrder");
    assert_eq!(State::Self_.name(), "Self");
    assert_eq!(State::S1st.name(), "1st");
    assert_eq!(State::ALL.len(), 7);
    let execution = tricky_names::Workflow::new(Matcher)
        .run_with(json!({}), RunOptions::new().record_history(true))
        .await;
    assert_eq!(
        execution.output,
        Some(json!({"key with \"quotes\"": "\"); panic!(\"", "r#raw": "x"}))
    );
    // §12.2: Pass and Task event sequences.
    let kinds = execution.history.kinds();
    assert_eq!(kinds.first(), Some(&"ExecutionStarted"));
    assert_eq!(kinds.last(), Some(&"ExecutionSucceeded"));
    assert!(kinds.windows(5).any(|w| w
        == [
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited"
        ]));
    assert_eq!(execution.history.events[1].previous_event_id, 0);
}
