//! Support for generated code. Not a stable API: only code emitted by
//! `sfn-codegen` of the same version may use it.

mod data;
pub mod distributed;
mod exec;
mod fanout;
pub mod intrinsic;
pub mod path;
mod retry;
mod task;
mod value;

pub use data::{
    check_path_in, fail_field, is_present, merge_result, merge_result_or_keep, positive_seconds,
    read_context_path, read_path, read_path_ref, sleep, test, test_path, text, wait_seconds,
    wait_seconds_path, wait_timestamp_path, wait_until,
};
pub use exec::{Exec, ExecutionRef, Outcome, StateKind, Step, drive};
pub use fanout::{
    Branch, InlineBranch, MapSpec, batch, batch_limit_path, branch, items_ref, map, map_inline,
    map_items, map_recorded, max_concurrency_path, max_items_path, parallel, parallel_inline,
    read_items, shape_results, tolerated_count_path, tolerated_percentage_path, write_results,
};
pub use retry::{Retrier, RetryState, catch_index, error_matches};
pub use task::{ResourceKind, TaskSpec, invoke};
pub use value::{
    Reg, arr, check_template_paths, obj, obj_in, part, regs, regs_taken, take_part,
    template_context_path, template_item_path, template_item_ref, template_miss, template_path,
    template_ref, template_take,
};

pub use crate::choice;
pub use crate::timestamp::{self, Timestamp};
pub use serde_json::{Map, Value};
