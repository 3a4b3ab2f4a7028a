//! Parallel, Map (inline and distributed) and intrinsic functions, end to end
//! on tokio's paused clock. Expected values come from the ASL specification
//! (`../shared/spec/ASL.md`, sections as noted), not from the code under test.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sfn_runtime::{Error, ExecutionIds, RunOptions, Status, TaskContext, TaskResult, Value, json};
use tokio::time::Instant;

sfn_runtime::include_workflow!("tests/workflows/parallel.asl.json");
sfn_runtime::include_workflow!("tests/workflows/map.asl.json");
sfn_runtime::include_workflow!("tests/workflows/distributed.asl.json");
sfn_runtime::include_workflow!("tests/workflows/intrinsics.asl.json");

/// Lookups that record which ones ran.
#[derive(Default)]
struct Directory {
    calls: Mutex<Vec<&'static str>>,
}

impl parallel::Handlers for Directory {
    async fn find_address(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        self.calls.lock().unwrap().push("address");
        Ok(json!({"street": "1 Main St", "for": input["customer"]}))
    }

    async fn find_phone(&self, _input: Value, _ctx: TaskContext) -> TaskResult {
        self.calls.lock().unwrap().push("phone");
        Ok(json!("555-0100"))
    }
}

#[tokio::test(start_paused = true)]
async fn parallel_branches_run_concurrently_and_keep_branch_order() {
    // §7.1: every branch gets the effective input, branches run concurrently,
    // the result lists the branch outputs in `Branches` order.
    let workflow = parallel::Workflow::new(Directory::default());
    let start = Instant::now();
    let output = workflow
        .run(json!({"customer": "c-1", "fail": false}))
        .await
        .unwrap();
    // The branches wait 10 s and 4 s: together they take 10 s, not 14 s.
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(
        output,
        json!({
            "customer": "c-1",
            "fail": false,
            "contact": {"address": {"street": "1 Main St", "for": "c-1"}, "phone": "555-0100"}
        })
    );
    // The phone branch finished first; order of results is still branch order.
    assert_eq!(
        *workflow.handlers().calls.lock().unwrap(),
        ["phone", "address"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_branch_stops_the_others_and_is_caught() {
    // §7.1: the Parallel fails with the failing branch's own error and stops
    // the other branches; its Catch handles that error.
    let workflow = parallel::Workflow::new(Directory::default());
    let start = Instant::now();
    let output = workflow
        .run(json!({"customer": "c-2", "fail": true}))
        .await
        .unwrap();
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert!(workflow.handlers().calls.lock().unwrap().is_empty());
    assert_eq!(
        output,
        json!({
            "customer": "c-2",
            "fail": true,
            "error": {"Error": "PhoneLookupFailed", "Cause": "no phone on record"}
        })
    );
}

/// Processes items for one second each; counts how many run at once.
#[derive(Default)]
struct Workers {
    running: AtomicUsize,
    most: AtomicUsize,
    calls: AtomicUsize,
    failed_once: Mutex<Vec<Value>>,
}

impl map::Handlers for Workers {
    async fn process_item(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        let item = &input["item"];
        if item["fail"] == json!(true) {
            return Err(Error::new(
                "ItemFailed",
                format!("item {} failed", item["n"]),
            ));
        }
        if item["transient"] == json!(true) {
            let mut failed_once = self.failed_once.lock().unwrap();
            if !failed_once.contains(item) {
                failed_once.push(item.clone());
                return Err(Error::new("Transient", "try again"));
            }
        }
        Ok(json!({"n": item["n"], "position": input["position"], "order": input["orderId"]}))
    }
}

fn order(items: usize, concurrency: Value, tolerated: u64) -> Value {
    let items: Vec<Value> = (0..items).map(|n| json!({"n": n})).collect();
    json!({"order": {"id": "o-1", "items": items, "concurrency": concurrency, "tolerated": tolerated}})
}

#[tokio::test(start_paused = true)]
async fn map_runs_at_most_max_concurrency_iterations_at_once() {
    // §7.2: at most MaxConcurrency iterations in flight; results in item order;
    // ItemSelector sees `$$.Map.Item.Index`/`Value` and the Map's input.
    let workflow = map::Workflow::new(Workers::default());
    let start = Instant::now();
    let output = workflow.run(order(7, json!(3), 0)).await.unwrap();
    // 7 one-second items, 3 at a time: 3 rounds.
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    assert_eq!(workflow.handlers().most.load(Ordering::SeqCst), 3);
    let results = output["order"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r, &json!({"n": i, "position": i, "order": "o-1"}));
    }
}

#[tokio::test(start_paused = true)]
async fn map_concurrency_zero_is_unbounded() {
    let workflow = map::Workflow::new(Workers::default());
    let start = Instant::now();
    workflow.run(order(50, json!(0), 0)).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(workflow.handlers().most.load(Ordering::SeqCst), 50);
}

#[tokio::test(start_paused = true)]
async fn map_concurrency_one_is_sequential() {
    let workflow = map::Workflow::new(Workers::default());
    let start = Instant::now();
    workflow.run(order(4, json!(1), 0)).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(4));
    assert_eq!(workflow.handlers().most.load(Ordering::SeqCst), 1);
}

fn with_failures(mut input: Value, failing: &[usize]) -> Value {
    for &i in failing {
        input["order"]["items"][i]["fail"] = json!(true);
    }
    input
}

#[tokio::test(start_paused = true)]
async fn tolerated_failures_keep_the_map_going() {
    // §7.2 step 7: with ToleratedFailureCount 2, two failed items do not fail
    // the Map; their slots hold the Error Output (the spec's recommendation).
    let workflow = map::Workflow::new(Workers::default());
    let output = workflow
        .run(with_failures(order(5, json!(0), 2), &[1, 3]))
        .await
        .unwrap();
    let results = &output["order"]["results"];
    assert_eq!(results[0], json!({"n": 0, "position": 0, "order": "o-1"}));
    assert_eq!(
        results[1],
        json!({"Error": "ItemFailed", "Cause": "item 1 failed"})
    );
    assert_eq!(
        results[3],
        json!({"Error": "ItemFailed", "Cause": "item 3 failed"})
    );
}

#[tokio::test(start_paused = true)]
async fn failures_beyond_the_tolerance_fail_the_map() {
    // §7.2 step 7: more failures than tolerated → States.ExceedToleratedFailureThreshold.
    let workflow = map::Workflow::new(Workers::default());
    let err = workflow
        .run(with_failures(order(5, json!(0), 1), &[1, 3]))
        .await
        .unwrap_err();
    assert_eq!(err.status, Status::Failed);
    assert_eq!(
        err.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert_eq!(
        err.cause.as_deref(),
        Some("The specified tolerated failure threshold was exceeded")
    );
    // The Map's retrier ran it once more: 2 × 5 items.
    assert_eq!(workflow.handlers().calls.load(Ordering::SeqCst), 10);
}

#[tokio::test(start_paused = true)]
async fn map_retry_reruns_every_item() {
    // §7.2 step 8: the Map's Retry re-runs the whole Map. With no failure
    // tolerated, one failed item exceeds the threshold, which the Map retries.
    let workflow = map::Workflow::new(Workers::default());
    let mut input = order(4, json!(0), 0);
    input["order"]["items"][2]["transient"] = json!(true);
    let start = Instant::now();
    let output = workflow.run(input).await.unwrap();
    assert_eq!(workflow.handlers().calls.load(Ordering::SeqCst), 8);
    // One second for the first run, one for the retry interval, one for the rerun.
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    assert_eq!(output["order"]["results"].as_array().unwrap().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn an_invalid_max_concurrency_path_is_a_runtime_error() {
    // The message recorded from AWS in test_max_concurrency_path--NoNumber.
    let workflow = map::Workflow::new(Workers::default());
    let err = workflow
        .run(order(2, json!("NoNumber"), 0))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        err.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Process items' (entered at the event id #2). \
             The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.concurrency"
        )
    );
}

/// A fake S3: one CSV object, and the objects written.
#[derive(Default)]
struct Bucket {
    requests: Mutex<Vec<Value>>,
    written: Mutex<Vec<Value>>,
}

impl distributed::Handlers for Bucket {
    async fn s3_get_object(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        self.requests.lock().unwrap().push(input);
        Ok(json!({"Body": "id,amount\n1,10\n2,20\n3,30\n4,40\n5,50\n6,60\n"}))
    }

    async fn s3_put_object(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        self.written.lock().unwrap().push(input);
        Ok(json!({}))
    }
}

#[tokio::test(start_paused = true)]
async fn distributed_map_reads_batches_and_writes_results() {
    let workflow = distributed::Workflow::new(Bucket::default());
    let output = workflow
        .run(json!({"key": "orders.csv", "region": "eu"}))
        .await
        .unwrap();
    let bucket = workflow.handlers();
    // The reader's Parameters reach the getObject handler.
    assert_eq!(
        *bucket.requests.lock().unwrap(),
        [json!({"Bucket": "orders", "Key": "orders.csv"})]
    );
    // The result names the manifest under Prefix/<map run id>/ (recorded
    // test_map_state_result_writer), and the map run is labelled.
    let arn = output["MapRunArn"].as_str().unwrap();
    let run_id = arn.rsplit(':').next().unwrap();
    assert!(arn.contains(":mapRun:distributed/Orders:"), "{arn}");
    let manifest = format!("runs/{run_id}/manifest.json");
    assert_eq!(
        output["ResultWriterDetails"],
        json!({"Bucket": "results", "Key": manifest})
    );
    let written = bucket.written.lock().unwrap();
    let keys: Vec<&str> = written.iter().map(|w| w["Key"].as_str().unwrap()).collect();
    assert_eq!(keys, [format!("runs/{run_id}/SUCCEEDED_0.json"), manifest]);
    assert!(written.iter().all(|w| w["Bucket"] == json!("results")));
    // MaxItems 5 of 6 rows, batches of 2 (§7.2 ItemBatcher): 2 + 2 + 1 items,
    // each batch with its BatchInput; CSV values are strings.
    let records: Vec<Value> = serde_json::from_str(written[0]["Body"].as_str().unwrap()).unwrap();
    let outputs: Vec<Value> = records
        .iter()
        .map(|r| serde_json::from_str(r["Output"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            json!({"region": "eu", "count": 2, "first": "1"}),
            json!({"region": "eu", "count": 2, "first": "3"}),
            json!({"region": "eu", "count": 1, "first": "5"}),
        ]
    );
    assert!(records.iter().all(|r| r["Status"] == json!("SUCCEEDED")));
}

fn intrinsic_options() -> RunOptions {
    RunOptions::new().ids(ExecutionIds {
        execution_id: Some(
            "arn:aws:states:us-east-1:123456789012:execution:intrinsics:exec-1".into(),
        ),
        execution_name: Some("exec-1".into()),
        ..ExecutionIds::default()
    })
}

#[tokio::test]
async fn intrinsic_functions_compute_what_the_spec_says() {
    let workflow = intrinsics::Workflow::new(());
    let input = json!({
        "firstName": "Ada", "lastName": "Lovelace", "id": 7,
        "items": [1, 2, 3, 4, 5],
        "payloadString": "{\"a\": 1}",
        "a": {"a": {"a1": 1}, "b": 2, "d": 3},
        "b": {"a": {"a3": 1}, "c": 3, "d": 4}
    });
    let output = workflow
        .run_with(input, intrinsic_options())
        .await
        .into_result()
        .unwrap();
    assert_eq!(
        output,
        json!({
            // §8.4
            "greeting": "Welcome to Ada Lovelace's playlist.",
            "ids": [7, "exec-1", null],
            "count": 5,
            "parsed": {"a": 1},
            "region": "us-east-1",
            // §8.3
            "chunks": [[1, 2], [3, 4], [5]],
            "sum": 3,
            "hash": "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
            "encoded": "RGF0YSB0byBlbmNvZGU=",
            "merged": {"a": {"a3": 1}, "b": 2, "c": 3, "d": 4},
            "range": [1, 3, 5, 7, 9],
            "unique": [1, 2, 3, 4]
        })
    );
}

#[tokio::test]
async fn a_failing_intrinsic_raises_intrinsic_failure() {
    // §8.5: failures inside a function raise States.IntrinsicFailure.
    let workflow = intrinsics::Workflow::new(());
    let input = json!({
        "firstName": "Ada", "lastName": "Lovelace", "id": 7, "items": [1],
        "payloadString": "1", "a": {}, "b": {}, "probe": true
    });
    let err = workflow
        .run_with(input, intrinsic_options())
        .await
        .into_result()
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.IntrinsicFailure"));
    let cause = err.cause.unwrap();
    assert!(cause.contains("States.ArrayGetItem"), "{cause}");
}

#[test]
fn runs_with_parallel_and_map_states_can_be_spawned() {
    // A run is a `Send` future, so it can go to `tokio::spawn` on a
    // multi-threaded runtime, branches and iterations included.
    fn assert_send<T: Send>(_: &T) {}
    let parallel = parallel::Workflow::new(Directory::default());
    let map = map::Workflow::new(Workers::default());
    let distributed = distributed::Workflow::new(Bucket::default());
    assert_send(&parallel.run(json!({})));
    assert_send(&map.run(json!({})));
    assert_send(&distributed.run(json!({})));
}
