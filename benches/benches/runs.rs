//! `cargo bench -p sfn-benches`: every workload compiled by sfn, against the
//! same work written by hand and, where it can run it, the `asl` interpreter.
//! `cargo run --release -p sfn-benches --bin report` turns the results into
//! the tables of BENCHMARKS.md.

use std::future::Future;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use serde_json::Value;
use sfn_benches::compiled::{self, Echo};
use sfn_benches::interpreter::{self, Interpreted};
use sfn_benches::{handwritten, inputs, runtime};
use tokio::runtime::Runtime;

/// Times `run` on a fresh copy of `input` (the copy is not timed), driven by
/// the same runtime for every form of a workload.
fn time<F, Fut>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    name: &str,
    input: &Value,
    size: BatchSize,
    run: F,
) where
    F: Fn(Value) -> Fut,
    Fut: Future,
{
    g.bench_function(name, |b| {
        b.iter_batched(|| input.clone(), |i| rt.block_on(run(i)), size)
    });
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let small = BatchSize::SmallInput;

    let mut g = c.benchmark_group("chain");
    let input = inputs::chain();
    let workflow = compiled::chain::Workflow::new(());
    let interpreted = Interpreted::new(interpreter::CHAIN);
    time(&mut g, &rt, "sfn", &input, small, |i| workflow.run(i));
    time(&mut g, &rt, "handwritten", &input, small, |i| async {
        handwritten::chain(i)
    });
    g.bench_function("interpreter", |b| b.iter(|| interpreted.run(&input)));
    g.finish();

    let mut g = c.benchmark_group("tasks");
    let input = inputs::tasks();
    let workflow = compiled::tasks::Workflow::new(Echo);
    let interpreted = Interpreted::new(interpreter::TASKS);
    time(&mut g, &rt, "sfn", &input, small, |i| workflow.run(i));
    time(
        &mut g,
        &rt,
        "handwritten",
        &input,
        small,
        handwritten::tasks,
    );
    g.bench_function("interpreter", |b| b.iter(|| interpreted.run(&input)));
    g.finish();

    let mut g = c.benchmark_group("map");
    g.sample_size(20);
    let input = inputs::map(10_000);
    let workflow = compiled::map::Workflow::new(());
    let large = BatchSize::LargeInput;
    time(&mut g, &rt, "sfn", &input, large, |i| workflow.run(i));
    time(&mut g, &rt, "handwritten", &input, large, |i| async {
        handwritten::map(i)
    });
    g.finish();

    let mut g = c.benchmark_group("intrinsics");
    let input = inputs::intrinsics();
    let workflow = compiled::intrinsics::Workflow::new(());
    time(&mut g, &rt, "sfn", &input, small, |i| workflow.run(i));
    time(&mut g, &rt, "handwritten", &input, small, |i| async {
        handwritten::intrinsics(i)
    });
    g.finish();

    let mut g = c.benchmark_group("parallel");
    let input = inputs::parallel();
    let workflow = compiled::parallel::Workflow::new(());
    time(&mut g, &rt, "sfn", &input, small, |i| workflow.run(i));
    time(&mut g, &rt, "handwritten", &input, small, |i| async {
        handwritten::parallel(i)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
