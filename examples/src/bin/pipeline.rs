//! A data pipeline: a Map normalises the records of a batch four at a time,
//! then a Parallel state totals them and fingerprints them side by side.
//! Intrinsic functions split the tags, build the label and hash the records.
//!
//! The workflow is compiled by `build.rs`; run it with
//! `cargo run -p sfn-examples --bin pipeline`.

use std::sync::atomic::{AtomicU32, Ordering};

use sfn_runtime::{Error, TaskContext, TaskResult, Value, json};

include!(concat!(env!("OUT_DIR"), "/pipeline.rs"));

/// The pipeline's functions. The normaliser is rate-limited: every third call
/// is throttled, which the workflow's `Retry` absorbs.
#[derive(Default)]
struct Functions {
    calls: AtomicU32,
}

impl pipeline::Handlers for Functions {
    async fn normalise_record(&self, input: Value, ctx: TaskContext) -> TaskResult {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if call % 3 == 2 && ctx.retry_count() == 0 {
            println!("  normalise #{}: throttled", input["position"]);
            return Err(Error::new("Pipeline.Throttled", "rate limit reached"));
        }
        let record = &input["record"];
        let cents = (record["amount"].as_f64().unwrap_or(0.0) * 100.0).round();
        println!("  normalise #{}: {} cents", input["position"], cents);
        Ok(json!({
            "position": input["position"],
            "customer": record["customer"].as_str().unwrap_or("").to_lowercase(),
            "cents": cents,
        }))
    }

    async fn compute_totals(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        let records = input["normalised"].as_array().cloned().unwrap_or_default();
        let accepted: Vec<&Value> = records
            .iter()
            .filter(|r| r.get("cents").is_some())
            .collect();
        let cents: f64 = accepted.iter().filter_map(|r| r["cents"].as_f64()).sum();
        Ok(json!({
            "accepted": accepted.len(),
            "rejected": records.len() - accepted.len(),
            "cents": cents,
        }))
    }
}

#[tokio::main]
async fn main() {
    let workflow = pipeline::Workflow::new(Functions::default());
    let input = json!({
        "batchId": "2026-11-25-a",
        "tags": "eu,retail,,daily",
        "records": [
            {"customer": "ACME", "amount": 12.5},
            {"customer": "Globex", "amount": 3},
            {"customer": "Initech"},
            {"customer": "Umbrella", "amount": 40.25},
            {"customer": "Hooli", "amount": 7.75}
        ]
    });
    println!("pipeline {}:", input["batchId"]);
    match workflow.run(input).await {
        Ok(output) => println!(
            "succeeded: {}",
            serde_json::to_string_pretty(&output).unwrap_or_default()
        ),
        Err(err) => println!("failed: {err}"),
    }
}
