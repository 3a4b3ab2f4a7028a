// A workflow file that is not valid JSON: one error, located in the file.
sfn_runtime::include_workflow!("ui/bad_json.asl.json");

fn main() {}
