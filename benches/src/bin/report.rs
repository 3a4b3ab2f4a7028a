//! Prints the tables of BENCHMARKS.md: median time per execution (from the
//! last `cargo bench -p sfn-benches` run, read from `target/criterion`), the
//! ratios, allocations per execution (counted here, deterministic) and the
//! peak memory of a Map over 100,000 items.
//!
//! Run `cargo bench -p sfn-benches` first, then
//! `cargo run --release -p sfn-benches --bin report`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sfn_benches::alloc::{Counting, measure};
use sfn_benches::compiled::{self, Echo};
use sfn_benches::interpreter::{self, Interpreted};
use sfn_benches::{handwritten, inputs, runtime};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The median of one benchmark, in nanoseconds, from criterion's estimates.
fn median(root: &Path, group: &str, name: &str) -> Option<f64> {
    let file = root.join(group).join(name).join("new/estimates.json");
    let text = std::fs::read_to_string(file).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn show_time(ns: Option<f64>) -> String {
    match ns {
        None => "–".to_owned(),
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) => format!("{:.2} µs", ns / 1e3),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "–".to_owned(),
    }
}

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

fn main() {
    let rt = runtime();
    let root = criterion_dir();

    // Allocations of one execution of each form (after one warm-up run, so
    // that lazily initialised statics are not counted).
    let count = |f: &dyn Fn() -> Value| {
        f();
        let (_, n, _) = measure(f);
        n
    };
    let chain = compiled::chain::Workflow::new(());
    let tasks = compiled::tasks::Workflow::new(Echo);
    let map = compiled::map::Workflow::new(());
    let intrinsics = compiled::intrinsics::Workflow::new(());
    let parallel = compiled::parallel::Workflow::new(());
    let chain_i = Interpreted::new(interpreter::CHAIN);
    let tasks_i = Interpreted::new(interpreter::TASKS);
    let map_input = inputs::map(10_000);

    type Row<'a> = (&'a str, usize, usize, Option<usize>);
    let rows: Vec<Row> = vec![
        (
            "chain",
            count(&|| rt.block_on(chain.run(inputs::chain())).unwrap()),
            count(&|| handwritten::chain(inputs::chain()).unwrap()),
            Some(count(&|| chain_i.run(&inputs::chain()).unwrap())),
        ),
        (
            "tasks",
            count(&|| rt.block_on(tasks.run(inputs::tasks())).unwrap()),
            count(&|| rt.block_on(handwritten::tasks(inputs::tasks())).unwrap()),
            Some(count(&|| tasks_i.run(&inputs::tasks()).unwrap())),
        ),
        (
            "map",
            count(&|| rt.block_on(map.run(map_input.clone())).unwrap()),
            count(&|| handwritten::map(map_input.clone()).unwrap()),
            None,
        ),
        (
            "intrinsics",
            count(&|| rt.block_on(intrinsics.run(inputs::intrinsics())).unwrap()),
            count(&|| handwritten::intrinsics(inputs::intrinsics()).unwrap()),
            None,
        ),
        (
            "parallel",
            count(&|| rt.block_on(parallel.run(inputs::parallel())).unwrap()),
            count(&|| handwritten::parallel(inputs::parallel()).unwrap()),
            None,
        ),
    ];
    // The input's own allocations are counted in every column alike (each
    // form gets a fresh input), so they are measured and subtracted.
    let input_allocs = |f: &dyn Fn() -> Value| {
        let (_, n, _) = measure(f);
        n
    };
    let own = [
        input_allocs(&inputs::chain),
        input_allocs(&inputs::tasks),
        input_allocs(&|| map_input.clone()),
        input_allocs(&inputs::intrinsics),
        input_allocs(&inputs::parallel),
    ];

    println!("### Time per execution (median)\n");
    println!(
        "| workload | sfn | hand-written | interpreter (`asl`) | sfn / hand-written | interpreter / sfn |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, ..) in &rows {
        let s = median(&root, name, "sfn");
        let h = median(&root, name, "handwritten");
        let i = median(&root, name, "interpreter");
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            show_time(s),
            show_time(h),
            show_time(i),
            ratio(s, h),
            ratio(i, s)
        );
    }

    println!("\n### Allocations per execution (the input's own allocations excluded)\n");
    println!("| workload | sfn | hand-written | interpreter (`asl`) | sfn / hand-written |");
    println!("|---|---|---|---|---|");
    for ((name, s, h, i), own) in rows.iter().zip(own) {
        // The interpreter borrows its input (it clones it itself); the others consume a
        // fresh one, whose construction is inside the measured closure.
        let (s, h) = (s - own, h - own);
        let i = i.map_or("–".to_owned(), |i| i.to_string());
        println!(
            "| {name} | {s} | {h} | {i} | {:.2}× |",
            s as f64 / h.max(1) as f64
        );
    }

    // Peak memory of a Map over 100,000 items: the run itself, above its input.
    let big = inputs::map(100_000);
    let (_, input_bytes_count, input_bytes) = measure(|| big.clone());
    let _ = input_bytes_count;
    let (_, _, sfn_peak) = measure(|| rt.block_on(map.run(big.clone())).unwrap());
    let (_, _, hand_peak) = measure(|| handwritten::map(big.clone()).unwrap());
    println!("\n### Peak memory, Map over 100,000 items\n");
    println!("| | peak bytes in use during the run (input included) | × input size |");
    println!("|---|---|---|");
    for (name, peak) in [
        ("input alone", input_bytes),
        ("sfn", sfn_peak),
        ("hand-written", hand_peak),
    ] {
        println!(
            "| {name} | {:.1} MiB | {:.2}× |",
            peak as f64 / (1024.0 * 1024.0),
            peak as f64 / input_bytes as f64
        );
    }
}
