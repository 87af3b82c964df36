//! Benchmark: 10⁶ timer tasks (`delay_bench [TASKS] [simple]`, default 1 000 000 on Kafka's
//! purgatory wheel, tick 1 ms, 20 buckets), added by `add_many` actions of 100 000 a second apart
//! with delays drawn from 0 to 60 s, run to the end (every task runs), then 200 seeks to random
//! steps. Prints one JSON line: tasks, levels made, re-insertions, wakeups, events, work units,
//! entries, wall time, tasks/s, seek p50/p99, peak heap bytes (this program's allocator), and
//! whether every run kept the wheel's bound. A program that prints figures, not a test;
//! `scripts/bench.sh` runs it.
use std::sync::atomic::Ordering;
use std::time::Instant;

use mqplay_core::{Scenario, Sim};

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;
#[path = "../tests/support/seek_timing.rs"]
mod seek_timing;
use counting_alloc::{Counting, PEAK};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn scenario(tasks: u32, simple: bool) -> Scenario {
    let per_action = 100_000.min(tasks.max(1));
    let actions: Vec<String> = (0..tasks.div_ceil(per_action))
        .map(|i| {
            format!(
                r#"{{"at_ms": {}, "delay": {{"do": "add_many", "wheel": "timer", "prefix": "op{i}", "count": {per_action}, "delay_ms_min": 0, "delay_ms_max": 60000}}}}"#,
                i * 1000
            )
        })
        .collect();
    let kind = if simple { "simple" } else { "hierarchical" };
    let text = format!(
        r#"{{"version": 2, "seed": 2026, "duration_ms": 80000,
  "delay": {{"wheels": [{{"name": "timer", "kind": "{kind}"}}]}},
  "actions": [{}]}}"#,
        actions.join(",\n")
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("the timer benchmark scenario is valid: {e:?}"))
}

fn main() {
    let tasks: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let simple = std::env::args().nth(2).as_deref() == Some("simple");
    let scenario = scenario(tasks, simple);
    let started = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let wall = started.elapsed().as_secs_f64();
    let summary = mqplay_core::summary::Summary::of(&sim);
    let wheel = summary
        .delay
        .as_ref()
        .and_then(|d| d.wheels.get("timer").cloned())
        .expect("the timer wheel");
    let steps = sim.steps();
    let (p50, p99) = seek_timing::seek_p50_p99_ms(&mut sim, 200);
    println!(
        "{{\"wheel\":{:?},\"tasks\":{tasks},\"ran\":{},\"levels\":{},\"moves\":{},\"wakeups\":{},\"events\":{steps},\"work_units\":{},\"entries\":{},\"wall_ms\":{:.1},\"tasks_per_second\":{:.0},\"seek_p50_ms\":{:.2},\"seek_p99_ms\":{:.2},\"peak_heap_bytes\":{},\"promise\":{:?}}}",
        wheel.class,
        wheel.ran,
        wheel.levels,
        wheel.moves,
        wheel.wakeups,
        summary.work_units,
        summary.trace_entries,
        wall * 1000.0,
        f64::from(tasks) / wall,
        p50,
        p99,
        PEAK.load(Ordering::Relaxed),
        wheel.promise,
    );
}
