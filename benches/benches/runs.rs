//! `cargo bench -p sfn-benches`: every workload compiled by sfn, against the
//! same work written by hand and, where it can run it, the `asl` interpreter.
//! `cargo run --release -p sfn-benches --bin report` turns the results into
//! the tables of BENCHMARKS.md.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sfn_benches::compiled::{self, Echo};
use sfn_benches::interpreter::{self, Interpreted};
use sfn_benches::{handwritten, inputs, runtime};

fn bench(c: &mut Criterion) {
    let rt = runtime();

    let mut g = c.benchmark_group("chain");
    let input = inputs::chain();
    let workflow = compiled::chain::Workflow::new(());
    let interpreted = Interpreted::new(interpreter::CHAIN);
    g.bench_function("sfn", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(workflow.run(i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(async { handwritten::chain(i) }),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("interpreter", |b| b.iter(|| interpreted.run(&input)));
    g.finish();

    let mut g = c.benchmark_group("tasks");
    let input = inputs::tasks();
    let workflow = compiled::tasks::Workflow::new(Echo);
    let interpreted = Interpreted::new(interpreter::TASKS);
    g.bench_function("sfn", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(workflow.run(i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(handwritten::tasks(i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("interpreter", |b| b.iter(|| interpreted.run(&input)));
    g.finish();

    let mut g = c.benchmark_group("map");
    g.sample_size(20);
    let input = inputs::map(10_000);
    let workflow = compiled::map::Workflow::new(());
    g.bench_function("sfn", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(workflow.run(i)),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(async { handwritten::map(i) }),
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("intrinsics");
    let input = inputs::intrinsics();
    let workflow = compiled::intrinsics::Workflow::new(());
    g.bench_function("sfn", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(workflow.run(i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(async { handwritten::intrinsics(i) }),
            BatchSize::SmallInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("parallel");
    let input = inputs::parallel();
    let workflow = compiled::parallel::Workflow::new(());
    g.bench_function("sfn", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(workflow.run(i)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched(
            || input.clone(),
            |i| rt.block_on(async { handwritten::parallel(i) }),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
