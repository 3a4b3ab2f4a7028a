//! The generated code of the example workflows, as formatted text.
//!
//! The same files are compiled (under `clippy -D warnings`) by the examples
//! crate, so these snapshots are known to build. `BLESS=1` rewrites them.

use std::path::Path;

use sfn_codegen::{Options, SourceFile, compile_to_string};

fn check(relative: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(relative)).expect("the example workflow exists");
    let file = SourceFile::new(relative, text);
    let code = match compile_to_string(&file, &Options::default()) {
        Ok(code) => code,
        Err(diags) => panic!("{}", diags.render(&file)),
    };
    let stem = relative
        .rsplit('/')
        .next()
        .unwrap_or(relative)
        .replace(".asl.json", ".rs");
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(stem);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&snapshot, &code).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == code,
        "generated code for {relative} differs from {}; run with BLESS=1 to update\n--- generated ---\n{code}",
        snapshot.display()
    );
}

#[test]
fn hello_workflow() {
    check("examples/workflows/hello.asl.json");
}

#[test]
fn order_workflow() {
    check("examples/workflows/order.asl.json");
}

#[test]
fn pipeline_workflow() {
    check("examples/workflows/pipeline.asl.json");
}

#[test]
fn parallel_workflow() {
    check("examples/tests/workflows/parallel.asl.json");
}

#[test]
fn map_workflow() {
    check("examples/tests/workflows/map.asl.json");
}

#[test]
fn distributed_map_workflow() {
    check("examples/tests/workflows/distributed.asl.json");
}

#[test]
fn intrinsics_workflow() {
    check("examples/tests/workflows/intrinsics.asl.json");
}

#[test]
fn shapes_workflow() {
    check("examples/tests/workflows/shapes.asl.json");
}

#[test]
fn tricky_names_workflow() {
    check("examples/tests/workflows/names.asl.json");
}

#[test]
fn generation_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("examples/workflows/order.asl.json")).unwrap();
    let file = SourceFile::new("examples/workflows/order.asl.json", text);
    let first = compile_to_string(&file, &Options::default()).unwrap();
    let second = compile_to_string(&file, &Options::default()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn inline_map_workflow() {
    check("examples/tests/workflows/inline_map.asl.json");
}

#[test]
fn inline_wide_map_workflow() {
    check("examples/tests/workflows/inline_wide_map.asl.json");
}

#[test]
fn inline_parallel_workflow() {
    check("examples/tests/workflows/inline_parallel.asl.json");
}

#[test]
fn lent_parallel_workflow() {
    check("examples/tests/workflows/lent_parallel.asl.json");
}

#[test]
fn registers_workflow() {
    check("examples/tests/workflows/registers.asl.json");
}
