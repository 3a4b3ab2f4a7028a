//! How much the ratio to hand-written moves from one process to the next:
//! `spread tasks 6` runs the workload in 6 fresh processes. Each process
//! alternates batches of sfn and hand-written runs (inputs built outside the
//! timing, both driven by the same runtime) and reports the median ratio of
//! its batches; a fresh process gets a fresh heap and address layout, which
//! criterion's single process cannot show.

use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use sfn_benches::compiled::{self, Echo};
use sfn_benches::{handwritten, inputs, runtime};

/// Marks a child process: it measures and prints one line.
const CHILD: &str = "SFN_SPREAD_CHILD";
const ROUNDS: usize = 15;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "tasks".to_owned());
    if std::env::var_os(CHILD).is_some() {
        measure(&which);
        return;
    }
    let processes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(6);
    let exe = std::env::current_exe().expect("the path of this program");
    let mut ratios = Vec::with_capacity(processes);
    println!("{which}: sfn / hand-written in {processes} processes");
    for p in 1..=processes {
        let out = Command::new(&exe)
            .arg(&which)
            .env(CHILD, "1")
            .output()
            .expect("a child process");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let ratio: f64 = line
            .split_whitespace()
            .next()
            .and_then(|r| r.parse().ok())
            .expect("a ratio first");
        println!("  process {p}: {line}");
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "  min {:.3}, median {:.3}, max {:.3}",
        ratios[0],
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1]
    );
}

/// Times alternating batches of the two forms of `which`, and prints the
/// median ratio and the median time per execution of each.
fn measure(which: &str) {
    let rt = runtime();
    let chain = compiled::chain::Workflow::new(());
    let tasks = compiled::tasks::Workflow::new(Echo);
    let map = compiled::map::Workflow::new(());
    let intrinsics = compiled::intrinsics::Workflow::new(());
    let parallel = compiled::parallel::Workflow::new(());
    let (input, batch) = match which {
        "chain" => (inputs::chain(), 4000),
        "tasks" => (inputs::tasks(), 2000),
        "map" => (inputs::map(10_000), 10),
        "intrinsics" => (inputs::intrinsics(), 4000),
        "parallel" => (inputs::parallel(), 4000),
        other => panic!("unknown workload {other}"),
    };
    let sfn = |i: Value| match which {
        "chain" => rt.block_on(chain.run(i)).ok(),
        "tasks" => rt.block_on(tasks.run(i)).ok(),
        "map" => rt.block_on(map.run(i)).ok(),
        "intrinsics" => rt.block_on(intrinsics.run(i)).ok(),
        _ => rt.block_on(parallel.run(i)).ok(),
    };
    let hand = |i: Value| match which {
        "chain" => rt.block_on(async { handwritten::chain(i) }).ok(),
        "tasks" => rt.block_on(handwritten::tasks(i)).ok(),
        "map" => rt.block_on(async { handwritten::map(i) }).ok(),
        "intrinsics" => rt.block_on(async { handwritten::intrinsics(i) }).ok(),
        _ => rt.block_on(async { handwritten::parallel(i) }).ok(),
    };
    let time = |run: &dyn Fn(Value) -> Option<Value>| {
        let inputs: Vec<Value> = (0..batch).map(|_| input.clone()).collect();
        let mut outputs = Vec::with_capacity(batch);
        let start = Instant::now();
        for i in inputs {
            outputs.push(run(i));
        }
        let elapsed = start.elapsed().as_secs_f64() / batch as f64;
        assert!(outputs.iter().all(Option::is_some), "every run succeeds");
        elapsed
    };
    let (mut ratios, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let s = time(&sfn);
        let h = time(&hand);
        ratios.push(s / h);
        a.push(s);
        b.push(h);
    }
    for v in [&mut ratios, &mut a, &mut b] {
        v.sort_by(f64::total_cmp);
    }
    let m = ROUNDS / 2;
    println!(
        "{:.3} (sfn {:.2} µs, hand-written {:.2} µs)",
        ratios[m],
        a[m] * 1e6,
        b[m] * 1e6
    );
}
