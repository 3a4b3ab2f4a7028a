// A path that names no file.
sfn_runtime::include_workflow!("ui/no_such_workflow.asl.json");

fn main() {}
