// A Task state whose handler is not implemented.
use sfn_runtime::{TaskContext, TaskResult, Value};

sfn_runtime::include_workflow!("ui/handler.asl.json");

struct App;

impl handler::Handlers for App {
    async fn charge_card(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(input)
    }
}

fn main() {
    let _workflow = handler::Workflow::new(App);
}
