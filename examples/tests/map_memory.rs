//! A Map over 100,000 items holds memory for its items and results, not for
//! one running iteration per item (issue: "memory proportional to the data").
//! Measured with a counting allocator; this binary holds only this test so
//! that nothing else allocates while it runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sfn_runtime::{TaskContext, TaskResult, Value, json};

sfn_runtime::include_workflow!("tests/workflows/big_map.asl.json");

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

struct Doubler;

impl big_map::Handlers for Doubler {
    async fn double(&self, input: Value, _ctx: TaskContext) -> TaskResult {
        Ok(
            json!({"index": input["index"], "doubled": input["value"]["n"].as_u64().unwrap_or(0) * 2}),
        )
    }
}

#[test]
fn map_over_100_000_items_uses_memory_in_proportion_to_the_data() {
    const ITEMS: usize = 100_000;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let workflow = big_map::Workflow::new(Doubler);

    let before = CURRENT.load(Ordering::Relaxed);
    let input = Value::Array(
        (0..ITEMS)
            .map(|n| json!({"n": n, "even": n % 2 == 0}))
            .collect(),
    );
    let input_bytes = CURRENT.load(Ordering::Relaxed) - before;

    PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
    let base = CURRENT.load(Ordering::Relaxed) - input_bytes;
    let output = runtime.block_on(workflow.run(input)).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - base;

    let results = output.as_array().unwrap();
    assert_eq!(results.len(), ITEMS);
    assert_eq!(results[4], json!({"index": 4, "doubled": 8}));
    assert_eq!(
        results[5],
        json!({"index": 5, "value": {"n": 5, "even": false}})
    );
    // The input, the items, each iteration's input and the results are all
    // data of the same size order; a future kept per item would add several
    // KiB each (hundreds of MiB here).
    eprintln!(
        "input {} KiB, peak during the run {} KiB ({:.1}x)",
        input_bytes / 1024,
        peak / 1024,
        peak as f64 / input_bytes as f64
    );
    assert!(
        peak < 4 * input_bytes,
        "peak {peak} bytes for an input of {input_bytes} bytes"
    );
}
