// A semantic error: a misspelled `Next`, with a suggestion. The code below uses
// the module as if it had compiled; the skeleton keeps it from adding errors.
sfn_runtime::include_workflow!("ui/typo_next.asl.json");

fn main() {
    let _workflow = typo_next::Workflow::new(());
}
