//! Benchmark: the bench scenario (3 brokers, 6 partitions, one producer, a group of two consumers)
//! with N keyed records (`bench [N] [SEEKS]`, default 100 000 and 1 000; `scripts/bench.sh` runs
//! 10^6 too) run to its end, then SEEKS seeks to random steps. Prints one JSON line: records,
//! events (steps), work units and trace entries; wall time and records/s, events/s; seek latency
//! p50/p99 and the slowest; checkpoints kept; peak heap bytes (counted by this program's
//! allocator). A 20 000-record run comes first, untimed but reported (`cold_*`): in wasm the engine
//! starts on its baseline compiler and moves hot code to the optimizing one while it runs, so the
//! first run measures that warm-up, the second the simulator. Built natively and for
//! wasm32-wasip1 (run under Node's WASI) by `scripts/bench.sh`. A program that prints figures, not
//! a test.
use std::sync::atomic::Ordering;
use std::time::Instant;

use mqplay_core::{Scenario, Sim};

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, ALLOCS, PEAK};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn scenario(records: u32) -> Scenario {
    let text = format!(
        r#"{{
  "version": 2, "seed": 2026, "duration_ms": 600000,
  "kafka": {{
    "brokers": 3,
    "topics": [{{ "name": "orders", "partitions": 6 }}],
    "producers": [{{ "id": "p1" }}],
    "consumers": [
      {{ "id": "c1", "group": "g", "topics": ["orders"], "auto_offset_reset": "earliest" }},
      {{ "id": "c2", "group": "g", "topics": ["orders"], "auto_offset_reset": "earliest" }}
    ]
  }},
  "actions": [
    {{ "at_ms": 7000, "kafka": {{ "do": "produce_many", "producer": "p1", "topic": "orders", "count": {records},
      "key_prefix": "order", "distinct_keys": 1000, "value_bytes": 32 }} }}
  ]
}}"#
    );
    Scenario::from_json(&text).expect("the benchmark scenario is valid")
}

/// `bench worst`: the costliest kind of valid document, 9 brokers, 8 topics of 64 partitions and
/// 32 consumers heartbeating and committing every millisecond, made as long as validation admits;
/// run to its end. Prints its work units, wall time and units/s: the worst case the budget allows.
fn worst() {
    let topics: Vec<String> = (0..8)
        .map(|t| format!(r#"{{"name":"t{t}","partitions":64}}"#))
        .collect();
    let consumers: Vec<String> = (0..32)
        .map(|i| {
            format!(
                r#"{{"id":"c{i}","group":"g","topics":["t0","t1"],"auto_offset_reset":"earliest","heartbeat_interval_ms":1,"auto_commit_interval_ms":1,"session_timeout_ms":6000}}"#
            )
        })
        .collect();
    let doc = |duration: u64| {
        format!(
            r#"{{"version":2,"seed":1,"duration_ms":{duration},"kafka":{{"brokers":9,"topics":[{}],"consumers":[{}]}}}}"#,
            topics.join(","),
            consumers.join(",")
        )
    };
    let (mut lo, mut hi) = (1_000u64, 86_400_000u64);
    while hi - lo > 100 {
        let mid = (lo + hi) / 2;
        if Scenario::from_json(&doc(mid)).is_ok() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let scenario = Scenario::from_json(&doc(lo)).expect("valid");
    let estimate = scenario.estimate().map_or(0, |c| c.total());
    let start = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"worst_duration_ms\":{lo},\"estimate\":{estimate},\"work_units\":{},\"halted\":{},\"seconds\":{seconds:.3},\"units_per_second\":{:.0},\"peak_heap_bytes\":{}}}",
        sim.work(),
        sim.halted().is_some(),
        sim.work() as f64 / seconds,
        PEAK.load(Ordering::Relaxed)
    );
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("worst") {
        return worst();
    }
    let records: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let seeks: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let cold = Instant::now();
    let mut warm_up = Sim::new(scenario(20_000)).expect("valid");
    warm_up.run_to_end();
    let cold_seconds = cold.elapsed().as_secs_f64();
    drop(warm_up);
    let scenario = scenario(records);
    let allocs_before = ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let seconds = start.elapsed().as_secs_f64();
    let allocations = ALLOCS.load(Ordering::Relaxed) - allocs_before;
    let view = sim.view();
    let kafka = view.kafka.as_ref().expect("a Kafka scenario");
    let appended: u64 = kafka
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .map(|p| p.log_end_offset)
        .sum();
    let consumed: u64 = kafka.consumers.iter().map(|c| c.consumed_total).sum();
    assert_eq!(appended, u64::from(records), "every record must be appended");
    assert!(sim.halted().is_none(), "halted: {:?}", sim.halted());

    let (end, work, entries) = (sim.steps(), sim.work(), sim.trace_total());
    // Seeks to random steps (a pinned xorshift, so every run seeks to the same steps).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut latencies = vec![0.0];
    for _ in 0..seeks {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let target = x % (end + 1);
        let t = Instant::now();
        sim.seek(target);
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(sim.steps(), target);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    println!(
        "{{\"cold_records_per_second\":{:.0},\"records\":{records},\"consumed\":{consumed},\"events\":{end},\"work_units\":{},\"trace_entries\":{},\"seconds\":{seconds:.3},\"records_per_second\":{:.0},\"events_per_second\":{:.0},\"seek_ms_p50\":{:.3},\"seek_ms_p99\":{:.3},\"seek_ms_max\":{:.3},\"checkpoints\":{},\"allocations\":{allocations},\"peak_heap_bytes\":{}}}",
        20_000.0 / cold_seconds,
        work,
        entries,
        f64::from(records) / seconds,
        end as f64 / seconds,
        pct(0.5),
        pct(0.99),
        pct(1.0),
        sim.checkpoint_count(),
        PEAK.load(Ordering::Relaxed)
    );
}
