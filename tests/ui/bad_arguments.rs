// The macro takes a path literal and an optional `as module`.
sfn_runtime::include_workflow!(workflows::order);

fn main() {}
