//! Workflows whose data the compiler splits into parts (Pass and Choice
//! states over objects of known members) must behave exactly as ASL says for
//! whole JSON values: member order, joins of different constants, loops,
//! nested ResultPaths, and AWS's error texts, which quote the whole input.
//! Expected values are worked out by hand from `../shared/spec/ASL.md`
//! (§5 paths, §6 data flow, §12 events), not taken from the code under test.

use sfn_runtime::{RunOptions, Status, Value, json};

sfn_runtime::include_workflow!("tests/workflows/shapes.asl.json");

fn run(input: Value) -> sfn_runtime::Execution {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(shapes::Workflow::new(()).run_with(input, RunOptions::new().record_history(true)))
}

#[test]
fn members_keep_their_order_through_joins_and_loops() {
    // Big order: total 150 > 100; the loop sets `stage` in place (§6.3: an
    // existing member is replaced where it is); the limit 200 > total 150.
    let done =
        run(json!({"order": {"id": "A-1", "total": 150, "limit": 200}, "mode": "ok", "extra": 1}));
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(
        done.output.unwrap().to_string(),
        r#"{"summary":{"id":"A-1","band":"big","stage":"again"},"checks":{"limit":{"ok":true},"id":"A-1"},"total":150}"#
    );
    // The other constant of the join, and the other branch.
    let done = run(json!({"order": {"id": "B-2", "total": 50, "limit": 40}, "mode": "ok"}));
    assert_eq!(
        done.output.unwrap().to_string(),
        r#"{"summary":{"id":"B-2","band":"small","stage":"again"},"checks":{"limit":{"ok":false},"id":"B-2"},"total":50}"#
    );
}

#[test]
fn recorded_events_show_the_whole_data() {
    // §12: each StateEntered event carries the state's whole input.
    let done = run(json!({"order": {"id": "A-1", "total": 150, "limit": 200}, "mode": "ok"}));
    let entered: Vec<(String, String)> = done
        .history
        .events
        .iter()
        .filter(|e| e.kind.ends_with("StateEntered"))
        .map(|e| {
            (
                e.details["name"].as_str().unwrap().to_owned(),
                e.details["input"].to_string(),
            )
        })
        .collect();
    let order = r#"{"id":"A-1","total":150,"limit":200}"#;
    let names: Vec<&str> = entered.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Start", "Route", "Big", "Round", "Again", "Round", "Mode", "Within", "Copy", "Finish"
        ]
    );
    assert_eq!(
        entered[1].1,
        format!(r#"{{"order":{order},"stage":"start","mode":"ok"}}"#)
    );
    assert_eq!(
        entered[6].1,
        format!(
            r#"{{"order":{order},"stage":"again","mode":"ok","pricing":{{"band":"big","rate":0.1}}}}"#
        )
    );
    assert_eq!(
        entered[9].1,
        format!(
            r#"{{"order":{order},"stage":"again","mode":"ok","pricing":{{"band":"big","rate":0.1}},"checks":{{"limit":{{"ok":true}},"id":"A-1"}}}}"#
        )
    );
    let exited = done
        .history
        .events
        .iter()
        .rfind(|e| e.kind == "PassStateExited")
        .unwrap();
    assert_eq!(
        exited.details["output"].to_string(),
        r#"{"summary":{"id":"A-1","band":"big","stage":"again"},"checks":{"limit":{"ok":true},"id":"A-1"},"total":150}"#
    );
}

#[test]
fn a_missing_input_path_names_the_path() {
    // ExecutionStarted is event 1; seven states of two events each come
    // before "Bad input path" is entered as event 16.
    let done =
        run(json!({"order": {"id": "C-3", "total": 10, "limit": 5}, "mode": "missing-input"}));
    assert_eq!(done.status, Status::Failed);
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Bad input path' (entered at the event id #16). \
             Invalid path '$.order.missing' : No results for path: $['order']['missing']"
        )
    );
}

#[test]
fn a_missing_template_path_quotes_the_whole_input() {
    let done =
        run(json!({"order": {"id": "D-4", "total": 10, "limit": 5}, "mode": "missing-field"}));
    assert_eq!(done.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        done.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Bad field' (entered at the event id #16). \
             The JSONPath '$.order.gone' specified for the field 'gone.$' could not be found in the input \
             '{\"order\":{\"id\":\"D-4\",\"total\":10,\"limit\":5},\"stage\":\"again\",\"mode\":\"missing-field\",\"pricing\":{\"band\":\"small\",\"rate\":0}}'"
        )
    );
}

mod registers {
    use sfn_runtime::{RunOptions, Status, json};

    sfn_runtime::include_workflow!("tests/workflows/registers.asl.json");

    #[test]
    fn values_that_trade_places_keep_their_own() {
        // §2.3: each Parameters field takes the value at its path in the
        // state's input, so swapping `a` and `b` twice puts them back, and
        // the member order is the template's.
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let input = json!({"a": 1, "b": 2, "c": {"deep": [3]}});
        let done = rt.block_on(
            registers::Workflow::new(()).run_with(input, RunOptions::new().record_history(true)),
        );
        assert_eq!(done.status, Status::Succeeded);
        assert_eq!(
            done.output.unwrap().to_string(),
            r#"{"p":"x","q":{"deep":[3]},"r":3}"#
        );
        // §12: the input each state entered with, whole.
        let entered: Vec<String> = done
            .history
            .events
            .iter()
            .filter(|e| e.kind == "PassStateEntered")
            .map(|e| e.details["input"].to_string())
            .collect();
        assert_eq!(
            entered,
            [
                r#"{"a":1,"b":2,"c":{"deep":[3]}}"#,
                r#"{"a":2,"b":1,"c":{"deep":[3]}}"#,
                r#"{"first":1,"second":2,"third":{"deep":[3]}}"#,
                r#"{"deep":[3]}"#,
                r#"{"kept":{"deep":[3]},"added":"x"}"#,
            ]
        );
    }
}
