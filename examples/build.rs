//! Compiles the order and pipeline workflows through the build.rs door (the
//! hello example uses the `include_workflow!` macro instead).

fn main() {
    sfn_codegen::Builder::new()
        .workflow("workflows/order.asl.json")
        .workflow("workflows/pipeline.asl.json")
        .run();
}
