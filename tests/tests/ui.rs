//! Compile-fail tests of `include_workflow!`: what a user sees for a broken
//! workflow file, a missing file, bad macro arguments and a missing handler.
//! `TRYBUILD=overwrite` rewrites the `.stderr` files.

#[test]
fn compile_errors() {
    // trybuild compiles each case in a crate of its own under `target/`; the
    // macro resolves workflow paths against this crate instead.
    // SAFETY: set before trybuild starts any thread, and only read by child processes.
    unsafe { std::env::set_var("SFN_MANIFEST_DIR_OVERRIDE", env!("CARGO_MANIFEST_DIR")) };
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
