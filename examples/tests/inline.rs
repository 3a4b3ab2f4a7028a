//! Parallel branches and Map iterations whose states never wait run as plain
//! calls, one after another, and a Map's ItemSelector slots borrow from the
//! item and the input. Neither may change what an execution gives: outputs,
//! errors and the event history (ids and links) must be those of branches
//! and iterations run as futures. Expected values are worked out by hand
//! from `../shared/spec/ASL.md` (§6 data flow, §8 Map and Parallel, §12
//! events), not taken from the code under test.

use sfn_runtime::{RunOptions, Status, Value, json};

sfn_runtime::include_workflow!("tests/workflows/inline_map.asl.json");
sfn_runtime::include_workflow!("tests/workflows/inline_parallel.asl.json");
sfn_runtime::include_workflow!("tests/workflows/inline_wide_map.asl.json");
sfn_runtime::include_workflow!("tests/workflows/lent_parallel.asl.json");

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn run_map(input: Value) -> sfn_runtime::Execution {
    block_on(inline_map::Workflow::new(()).run_with(input, RunOptions::new()))
}

#[test]
fn borrowed_item_slots_give_whole_values() {
    let input = json!({
        "config": {"tag": "t"},
        "items": [{"name": "a", "size": 20}, {"name": "b", "size": 5}]
    });
    let done = run_map(input);
    assert_eq!(done.status, Status::Succeeded);
    // Item 0 (size 20 > 10) is kept whole, twice; item 1 is picked apart and
    // marked. ResultPath `$.results` adds the results after the input's members.
    assert_eq!(
        done.output.unwrap().to_string(),
        concat!(
            r#"{"config":{"tag":"t"},"items":[{"name":"a","size":20},{"name":"b","size":5}],"#,
            r#""results":[{"item":{"name":"a","size":20},"again":{"name":"a","size":20},"tag":"t","kind":"fixed"},"#,
            r#"{"name":"b","index":1,"seen":true}]}"#
        )
    );
}

#[test]
fn an_iteration_with_more_registers_than_its_selector_fills() {
    // Each iteration's input is `{"v": item}`; "Spread" makes it
    // `{"a": item, "b": item, "i": 1}` and "Done" passes it on. Without
    // ResultPath the Map's output is the array of the iterations' outputs.
    let done = block_on(
        inline_wide_map::Workflow::new(())
            .run_with(json!({"items": [1, "x", {"k": [true]}]}), RunOptions::new()),
    );
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        done.output.unwrap().to_string(),
        concat!(
            r#"[{"a":1,"b":1,"i":1},{"a":"x","b":"x","i":1},"#,
            r#"{"a":{"k":[true]},"b":{"k":[true]},"i":1}]"#
        )
    );
}

#[test]
fn a_missing_item_path_fails_the_map_with_the_paths_text() {
    // The second item has no `size`: the ItemSelector's definite path fails
    // with States.Runtime (§13: AWS raises it for template paths), quoting
    // the Map state's input. The Map state entered at event 2.
    let done = run_map(
        json!({"config": {"tag": "t"}, "items": [{"name": "a", "size": 1}, {"name": "x"}]}),
    );
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Each' (entered at the event id #2). \
             The JSONPath '$$.Map.Item.Value.size' specified for the field 'size.$' could not be found in the input \
             '{\"config\":{\"tag\":\"t\"},\"items\":[{\"name\":\"a\",\"size\":1},{\"name\":\"x\"}]}'"
        )
    );
}

#[test]
fn a_missing_path_inside_an_iteration_quotes_the_whole_iteration_input() {
    // Item 0 has no `name`: "Pick" fails. Events so far: ExecutionStarted 1,
    // MapStateEntered 2, MapStateStarted 3, MapIterationStarted 4, "Big?"
    // entered 5 and exited 6, "Pick" entered 7. The input it quotes is the
    // ItemSelector's object, rebuilt from its borrowed parts in member order.
    let done = run_map(json!({"config": {"tag": "t"}, "items": [{"size": 1}]}));
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Pick' (entered at the event id #7). \
             The JSONPath '$.item.name' specified for the field 'name.$' could not be found in the input \
             '{\"index\":0,\"item\":{\"size\":1},\"size\":1,\"tag\":\"t\",\"kind\":\"fixed\"}'"
        )
    );
}

#[test]
fn a_missing_input_path_fails_before_any_iteration() {
    let done = run_map(json!({"config": {}, "items": [{"size": 1}]}));
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Each' (entered at the event id #2). \
             The JSONPath '$.config.tag' specified for the field 'tag.$' could not be found in the input \
             '{\"config\":{},\"items\":[{\"size\":1}]}'"
        )
    );
}

#[test]
fn inline_branches_and_iterations_keep_event_ids_and_links() {
    let done = block_on(
        inline_parallel::Workflow::new(())
            .run_with(json!({"value": 7}), RunOptions::new().record_history(true)),
    );
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        done.output.unwrap().to_string(),
        r#"{"value":7,"fan":[{"branch":"a","value":7},{"value":7,"branch":"b"}],"indexes":[{"index":0},{"index":1}]}"#
    );
    let events: Vec<(u64, u64, &str)> = done
        .history
        .events
        .iter()
        .map(|e| (e.id, e.previous_event_id, e.kind))
        .collect();
    // §12: ids count up across the execution; each event links to the one
    // before it in its own branch or iteration, the first event of a branch
    // or iteration to the state's Started event, and the state's end to the
    // newest event of the execution. The first state links to 0.
    let expected: Vec<(u64, u64, &str)> = vec![
        (1, 0, "ExecutionStarted"),
        (2, 0, "ParallelStateEntered"),
        (3, 2, "ParallelStateStarted"),
        (4, 3, "PassStateEntered"),
        (5, 4, "PassStateExited"),
        (6, 3, "PassStateEntered"),
        (7, 6, "PassStateExited"),
        (8, 7, "ParallelStateSucceeded"),
        (9, 8, "ParallelStateExited"),
        (10, 9, "MapStateEntered"),
        (11, 10, "MapStateStarted"),
        (12, 11, "MapIterationStarted"),
        (13, 12, "PassStateEntered"),
        (14, 13, "PassStateExited"),
        (15, 12, "MapIterationSucceeded"),
        (16, 15, "MapIterationStarted"),
        (17, 16, "PassStateEntered"),
        (18, 17, "PassStateExited"),
        (19, 16, "MapIterationSucceeded"),
        (20, 19, "MapStateSucceeded"),
        (21, 20, "MapStateExited"),
        (22, 21, "ExecutionSucceeded"),
    ];
    assert_eq!(events, expected);
}

#[test]
fn lent_branches_copy_only_what_they_keep() {
    // §8 (Parallel): every branch gets the effective input (here `$.order`),
    // and the result is the array of the branches' outputs, in order.
    let run = |input: Value| block_on(lent_parallel::Workflow::new(()).run(input));
    let order = json!({"id": "A-1", "total": 150, "lines": [1, 2]});
    let out = run(json!({"order": order})).expect("the workflow succeeds");
    assert_eq!(
        out.to_string(),
        r#"{"order":{"id":"A-1","total":150,"lines":[1,2]},"fan":[{"id":"A-1","total":150,"tag":"picked"},{"id":"A-1","total":150,"lines":[1,2]},{"size":"big"}],"static":[{"fixed":1}]}"#
    );
    let out = run(json!({"order": {"id": "B-2", "total": 40}})).expect("the workflow succeeds");
    assert_eq!(
        out["fan"],
        json!([{"id": "B-2", "total": 40, "tag": "picked"}, {"id": "B-2", "total": 40}, {"size": "small"}])
    );
}

#[test]
fn a_missing_path_in_a_lent_branch_fails_the_execution() {
    // `$.total` is missing: the first branch's Parameters fail with
    // States.Runtime (spec §5: the cause names the path, the field and the
    // branch's input), which `States.ALL` does not retry (§6.1).
    let failed = block_on(lent_parallel::Workflow::new(()).run(json!({"order": {"id": "C-3"}})))
        .expect_err("the workflow fails");
    assert_eq!(failed.status, Status::Failed);
    assert_eq!(failed.error.as_deref(), Some("States.Runtime"));
    let cause = failed.cause.unwrap_or_default();
    assert!(
        cause.contains(
            "The JSONPath '$.total' specified for the field 'total.$' could not be found in the input '{\"id\":\"C-3\"}'"
        ),
        "{cause}"
    );
}
