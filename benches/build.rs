//! Compiles the benchmark workloads through the build.rs door.

fn main() {
    sfn_codegen::Builder::new()
        .workflow("workflows/chain.asl.json")
        .workflow("workflows/tasks.asl.json")
        .workflow("workflows/map.asl.json")
        .workflow("workflows/intrinsics.asl.json")
        .workflow("workflows/parallel.asl.json")
        .run();
}
