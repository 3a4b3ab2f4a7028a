//! Runs one workload in a loop, for a profiler: `profile chain 200000`.

use sfn_benches::compiled::{self, Echo};
use sfn_benches::{handwritten, inputs, runtime};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "chain".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let rt = runtime();
    let chain = compiled::chain::Workflow::new(());
    let tasks = compiled::tasks::Workflow::new(Echo);
    let map = compiled::map::Workflow::new(());
    let parallel = compiled::parallel::Workflow::new(());
    let intrinsics = compiled::intrinsics::Workflow::new(());
    let map_input = inputs::map(10_000);
    let chain_input = inputs::chain();
    for _ in 0..n {
        let out: Option<serde_json::Value> = match which.as_str() {
            "chain" => rt.block_on(chain.run(chain_input.clone())).ok(),
            "chain-hand" => rt
                .block_on(async { handwritten::chain(chain_input.clone()) })
                .ok(),
            "tasks" => rt.block_on(tasks.run(inputs::tasks())).ok(),
            "tasks-hand" => rt.block_on(handwritten::tasks(inputs::tasks())).ok(),
            "map-hand" => rt
                .block_on(async { handwritten::map(map_input.clone()) })
                .ok(),
            "parallel-hand" => rt
                .block_on(async { handwritten::parallel(inputs::parallel()) })
                .ok(),
            "intrinsics-hand" => rt
                .block_on(async { handwritten::intrinsics(inputs::intrinsics()) })
                .ok(),
            "map" => rt.block_on(map.run(map_input.clone())).ok(),
            "parallel" => rt.block_on(parallel.run(inputs::parallel())).ok(),
            "intrinsics" => rt.block_on(intrinsics.run(inputs::intrinsics())).ok(),
            other => panic!("unknown workload {other}"),
        };
        std::hint::black_box(out);
    }
}
