//! The benchmark workloads of `BENCHMARKS.md`, each in three forms that do
//! the same JSON work: compiled by sfn ([`compiled`]), written by hand with
//! serde_json ([`handwritten`]), and run by the `asl` interpreter
//! ([`interpreter`], for the workloads it supports). The tests check that
//! the three give the same output, so the comparison is like for like.

pub mod alloc;
pub mod handwritten;
pub mod inputs;
pub mod interpreter;

/// The workloads, compiled by sfn from `workflows/*.asl.json` (see `build.rs`).
#[allow(missing_docs, reason = "generated code documents itself")]
pub mod compiled {
    include!(concat!(env!("OUT_DIR"), "/chain.rs"));
    include!(concat!(env!("OUT_DIR"), "/tasks.rs"));
    include!(concat!(env!("OUT_DIR"), "/map.rs"));
    include!(concat!(env!("OUT_DIR"), "/intrinsics.rs"));
    include!(concat!(env!("OUT_DIR"), "/parallel.rs"));

    use sfn_runtime::{TaskContext, TaskResult, Value};

    /// The Task handler of the `tasks` workload: returns its input.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Echo;

    impl tasks::Handlers for Echo {
        async fn echo(&self, input: Value, _ctx: TaskContext) -> TaskResult {
            crate::handwritten::echo(input).await
        }
    }
}

/// A single-threaded tokio runtime, as the benchmarks drive every async run.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
}
