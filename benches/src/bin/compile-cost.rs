//! The compile-side cost: expansion time and generated lines for workflows of
//! 10, 100 and 1,000 states, and `cargo check` of a crate that includes the
//! 1,000-state one with `include_workflow!`.
//!
//! `cargo run --release -p sfn-benches --bin compile-cost`

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use sfn_codegen::{Options, SourceFile, compile, format};

/// A workflow of `n` states: mostly Pass states with Parameters and
/// ResultPath, a Choice every 5th state and a Task every 10th.
fn workflow(n: usize) -> String {
    let mut states = Map::new();
    let name = |i: usize| format!("Step {i}");
    for i in 0..n {
        let next = if i + 1 < n {
            json!(name(i + 1))
        } else {
            Value::Null
        };
        let mut state = match i % 10 {
            5 => json!({
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.count", "NumericGreaterThan": i, "Next": next},
                    {"Variable": "$.label", "StringEquals": format!("label {i}"), "Next": next}
                ],
                "Default": next
            }),
            9 => json!({
                "Type": "Task",
                "Resource": format!("arn:aws:lambda:us-east-1:123456789012:function:step-{}", i % 7),
                "Retry": [{"ErrorEquals": ["Transient"], "MaxAttempts": 2}],
                "ResultSelector": {"value.$": "$.value"},
                "ResultPath": format!("$.results.r{i}")
            }),
            _ => json!({
                "Type": "Pass",
                "Parameters": {"index": i, "count.$": "$.count", "label.$": "$.label"},
                "ResultPath": format!("$.steps.s{i}")
            }),
        };
        if i % 10 != 5 {
            match next {
                Value::Null => state["End"] = json!(true),
                next => state["Next"] = next,
            }
        }
        states.insert(name(i), state);
    }
    let def = json!({"Comment": format!("{n} states"), "StartAt": name(0), "States": states});
    serde_json::to_string_pretty(&def).expect("a JSON text")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let out = std::env::temp_dir().join("sfn-compile-cost");
    std::fs::create_dir_all(&out).expect("a scratch directory");
    println!("### Compile side\n");
    println!(
        "| states | JSON lines | expansion (parse, validate, lower, emit) | + prettyplease | generated lines |"
    );
    println!("|---|---|---|---|---|");
    for n in [10, 100, 1000] {
        let text = workflow(n);
        let file = SourceFile::new(format!("flows/s{n}.asl.json"), text.clone());
        let runs = if n >= 1000 { 5 } else { 21 };
        let mut expand = Vec::new();
        let mut formatted = Vec::new();
        let mut lines = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let tokens = compile(&file, &Options::default()).expect("the workflow compiles");
            expand.push(start.elapsed());
            let start = Instant::now();
            let code = format(tokens, &file.display_path);
            formatted.push(start.elapsed());
            lines = code.lines().count();
        }
        println!(
            "| {n} | {} | {:.2} ms | {:.2} ms | {lines} |",
            text.lines().count(),
            median(expand).as_secs_f64() * 1e3,
            median(formatted).as_secs_f64() * 1e3,
        );
        std::fs::write(out.join(format!("s{n}.asl.json")), &text).expect("write the workflow");
    }

    println!(
        "\n| states | `cargo check` of a crate holding the workflow (dependencies built, the crate from clean) |"
    );
    println!("|---|---|");
    for n in [100, 1000] {
        let time = check_crate(&out, n);
        println!("| {n} | {:.2} s |", time.as_secs_f64());
    }
}

/// `cargo check` of a crate that includes the `n`-state workflow through the
/// macro: its dependencies are built first, then the crate alone is cleaned
/// (incremental state included) and checked; the median of three.
fn check_crate(out: &Path, n: usize) -> Duration {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sfn-runtime");
    let name = format!("check{n}");
    let krate = out.join(&name);
    std::fs::create_dir_all(krate.join("src")).expect("the crate directory");
    let file = format!("s{n}.asl.json");
    std::fs::copy(out.join(&file), krate.join(&file)).expect("copy the workflow");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nsfn-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    std::fs::write(
        krate.join("src/lib.rs"),
        format!("sfn_runtime::include_workflow!({file:?});\n"),
    )
    .expect("write lib.rs");
    let cargo = |args: &[&str]| {
        let start = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&krate)
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "cargo {args:?} failed in {}",
            krate.display()
        );
        start.elapsed()
    };
    cargo(&["check", "--quiet"]);
    let times = (0..3)
        .map(|_| {
            cargo(&["clean", "--quiet", "-p", &name]);
            cargo(&["check", "--quiet"])
        })
        .collect();
    median(times)
}
