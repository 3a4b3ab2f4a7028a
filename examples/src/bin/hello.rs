//! The workflow of the AWS Step Functions introduction, with Rust functions in
//! place of its two Lambdas.
//!
//! Run it with `cargo run -p sfn-examples`.

use serde::{Deserialize, Serialize};
use sfn_runtime::{TaskContext, TaskResult, Value, from_input, json, to_output};

sfn_runtime::include_workflow!("workflows/hello.asl.json");

#[derive(Debug, Deserialize)]
struct Reading {
    sensor: String,
    values: Vec<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Summary {
    sensor: String,
    count: usize,
    mean: f64,
}

/// The application: the handlers of the workflow's Task states.
struct App;

impl hello::Handlers for App {
    /// Summarises the readings of one sensor.
    async fn process_data_function(&self, input: Value, ctx: TaskContext) -> TaskResult {
        let reading: Reading = from_input(input)?;
        let count = reading.values.len();
        let mean = if count == 0 {
            0.0
        } else {
            reading.values.iter().sum::<f64>() / count as f64
        };
        println!(
            "[{}] summarised {count} readings of {}",
            ctx.state_name(),
            reading.sensor
        );
        to_output(&Summary {
            sensor: reading.sensor,
            count,
            mean,
        })
    }

    /// "Saves" the summary: here, prints it and returns a receipt.
    async fn save_results_function(&self, input: Value, ctx: TaskContext) -> TaskResult {
        let summary: Summary = from_input(input)?;
        println!("[{}] saved {summary:?}", ctx.state_name());
        Ok(json!({ "saved": true, "sensor": summary.sensor, "mean": summary.mean }))
    }
}

#[tokio::main]
async fn main() {
    let workflow = hello::Workflow::new(App);
    let input = json!({ "sensor": "greenhouse-1", "values": [20.5, 21.0, 22.5] });
    match workflow.run(input).await {
        Ok(output) => println!("output: {output}"),
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}
