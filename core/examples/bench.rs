//! Benchmark: one scenario with 100 000 keyed records (3 brokers, 6 partitions, a producer and a
//! group of two consumers) run to its end. Prints one JSON line: events processed, wall time and
//! events per second. Built natively and for wasm32-wasip1 (run under Node's WASI) by
//! `scripts/bench.sh`, which compares the two. A program that prints figures, not a test.
use std::time::Instant;

use mqplay_core::{Scenario, Sim};

const SCENARIO: &str = r#"{
  "version": 1, "seed": 2026, "duration_ms": 120000,
  "kafka": {
    "brokers": 3,
    "topics": [{ "name": "orders", "partitions": 6 }],
    "producers": [{ "id": "p1" }],
    "consumers": [
      { "id": "c1", "group": "g", "topics": ["orders"], "auto_offset_reset": "earliest" },
      { "id": "c2", "group": "g", "topics": ["orders"], "auto_offset_reset": "earliest" }
    ]
  },
  "actions": [
    { "at_ms": 7000, "do": "produce_many", "producer": "p1", "topic": "orders", "count": 100000,
      "key_prefix": "order", "distinct_keys": 1000, "value_bytes": 32 }
  ]
}"#;

fn main() {
    let scenario = Scenario::from_json(SCENARIO).expect("the benchmark scenario is valid");
    let start = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let seconds = start.elapsed().as_secs_f64();
    let view = sim.view();
    let kafka = view.kafka.as_ref().expect("a Kafka scenario");
    let records: u64 = kafka
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .map(|p| p.log_end_offset)
        .sum();
    let consumed: u64 = kafka.consumers.iter().map(|c| c.consumed_total).sum();
    assert_eq!(records, 100_000, "every record must be appended");
    println!(
        "{{\"records\":{records},\"consumed\":{consumed},\"events\":{},\"trace_entries\":{},\"seconds\":{seconds:.3},\"events_per_second\":{:.0},\"records_per_second\":{:.0}}}",
        sim.steps(),
        sim.trace_total(),
        sim.steps() as f64 / seconds,
        records as f64 / seconds
    );
}
