//! The three forms of each workload do the same work: same output for the
//! same input. (Expected values are each other's, so this also checks the
//! hand-written baselines and the interpreter against the compiled workflow.)

use serde_json::json;
use sfn_benches::compiled::{self, Echo};
use sfn_benches::interpreter::{self, Interpreted};
use sfn_benches::{handwritten, inputs, runtime};

#[test]
fn chain() {
    let rt = runtime();
    let workflow = compiled::chain::Workflow::new(());
    let sfn = rt.block_on(workflow.run(inputs::chain())).unwrap();
    assert_eq!(sfn, handwritten::chain(inputs::chain()).unwrap());
    assert_eq!(
        sfn,
        Interpreted::new(interpreter::CHAIN)
            .run(&inputs::chain())
            .unwrap()
    );
    assert_eq!(sfn["summary"]["quantity"], json!("few"));
    assert_eq!(sfn["loyalty"]["level"], json!("gold"));
}

#[test]
fn tasks() {
    let rt = runtime();
    let workflow = compiled::tasks::Workflow::new(Echo);
    let sfn = rt.block_on(workflow.run(inputs::tasks())).unwrap();
    assert_eq!(
        sfn,
        rt.block_on(handwritten::tasks(inputs::tasks())).unwrap()
    );
    assert_eq!(
        sfn,
        Interpreted::new(interpreter::TASKS)
            .run(&inputs::tasks())
            .unwrap()
    );
    assert_eq!(sfn["last"]["step"], json!(10));
}

#[test]
fn map() {
    let rt = runtime();
    let workflow = compiled::map::Workflow::new(());
    let sfn = rt.block_on(workflow.run(inputs::map(1000))).unwrap();
    assert_eq!(sfn, handwritten::map(inputs::map(1000)).unwrap());
    assert_eq!(sfn["results"][7], json!({"index": 7, "kind": "odd"}));
}

#[test]
fn intrinsics() {
    let rt = runtime();
    let workflow = compiled::intrinsics::Workflow::new(());
    let sfn = rt.block_on(workflow.run(inputs::intrinsics())).unwrap();
    assert_eq!(sfn, handwritten::intrinsics(inputs::intrinsics()).unwrap());
    assert_eq!(sfn["next"], json!(9));
}

#[test]
fn parallel() {
    let rt = runtime();
    let workflow = compiled::parallel::Workflow::new(());
    let sfn = rt.block_on(workflow.run(inputs::parallel())).unwrap();
    assert_eq!(sfn, handwritten::parallel(inputs::parallel()).unwrap());
    assert_eq!(sfn["branches"][3]["branch"], json!(4));
}
