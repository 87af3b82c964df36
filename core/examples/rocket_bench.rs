//! Benchmark: a RocketMQ document at its message limit (`rocket_bench [MESSAGES]`, default
//! 10 000): two brokers of 8 queues each, each with a slave its master replicates to, sends of
//! 1 000 a second apart (plain, hash-ordered and transactional ones whose local transaction
//! stays UNKNOW until a check answers COMMIT), a concurrent group whose listener fails one key
//! in ten twice (through `%RETRY%` and the delay levels), an orderly group and a broadcasting
//! member. Run to the end, then 200 seeks. Prints one JSON line: messages, deliveries, events,
//! work units, entries, wall time, messages/s, seek p50/p99, peak heap bytes, and the checkers'
//! verdicts. A program that prints figures, not a test; `scripts/bench.sh` runs it.
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

fn scenario(messages: u32) -> Scenario {
    let mut actions = Vec::new();
    let mut left = messages;
    let mut i = 0u64;
    while left > 0 {
        let n = left.min(1000);
        let at = 1000 + i * 1000;
        actions.push(match i % 3 {
            0 => format!(r#"{{"at_ms": {at}, "rocketmq": {{"do": "send", "producer": "p1", "topic": "orders", "keys": "k{}", "count": {n}}}}}"#, i % 10),
            1 => format!(r#"{{"at_ms": {at}, "rocketmq": {{"do": "send", "producer": "p2", "topic": "orders", "keys": "o{i}", "count": {n}, "selector": {{"by": "hash", "arg": "order-{i}"}}}}}}"#),
            _ => format!(r#"{{"at_ms": {at}, "rocketmq": {{"do": "send", "producer": "p1", "topic": "orders", "keys": "k0", "count": {n}}}}}"#),
        });
        left -= n;
        i += 1;
    }
    for t in 0..20u64 {
        actions.push(format!(
            r#"{{"at_ms": {}, "rocketmq": {{"do": "send_transaction", "producer": "tx", "topic": "orders", "keys": "tx-{t}", "local": "UNKNOW", "check": ["COMMIT_MESSAGE"]}}}}"#,
            500 + t * 100
        ));
    }
    let text = format!(
        r#"{{"version": 2, "seed": 2026, "duration_ms": 120000,
  "rocketmq": {{
    "brokers": [{{"name": "broker-a", "slave": true}}, {{"name": "broker-b", "slave": true}}],
    "topics": [{{"name": "orders", "queues": 8}}],
    "producers": [{{"name": "p1", "group": "pg"}}, {{"name": "p2", "group": "pg2"}}, {{"name": "tx", "group": "txg"}}],
    "consumers": [
      {{"name": "c1", "group": "stock", "topic": "orders", "consume_ms": 2, "fail": [{{"keys": "k3", "times": 2}}]}},
      {{"name": "c2", "group": "stock", "topic": "orders", "consume_ms": 2, "fail": [{{"keys": "k3", "times": 2}}]}},
      {{"name": "o1", "group": "ship", "topic": "orders", "orderly": true, "consume_ms": 1}},
      {{"name": "b1", "group": "audit", "topic": "orders", "messageModel": "BROADCASTING", "consume_ms": 1}}
    ]
  }},
  "actions": [{}]}}"#,
        actions.join(",\n")
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("the RocketMQ benchmark scenario is valid: {e:?}"))
}

fn main() {
    let messages: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(9_980);
    let scenario = scenario(messages);
    let started = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let wall = started.elapsed().as_secs_f64();
    let summary = mqplay_core::summary::Summary::of(&sim);
    let r = summary.rocketmq.as_ref().expect("the RocketMQ summary");
    let steps = sim.steps();
    let halted = sim.halted().map(String::from);
    let (p50, p99) = seek_timing::seek_p50_p99_ms(&mut sim, 200);
    let checks: Vec<String> = r.checks.iter().map(|(n, ok, _)| format!("\"{n}\":{ok}")).collect();
    println!(
        "{{\"messages\":{},\"deliveries\":{},\"duplicates\":{},\"events\":{steps},\"work_units\":{},\"entries\":{},\"wall_ms\":{:.1},\"messages_per_second\":{:.0},\"seek_p50_ms\":{:.2},\"seek_p99_ms\":{:.2},\"peak_heap_bytes\":{},\"halted\":{:?},\"checks\":{{{}}}}}",
        r.sent,
        r.deliveries,
        r.duplicates,
        summary.work_units,
        summary.trace_entries,
        wall * 1000.0,
        r.sent as f64 / wall,
        p50,
        p99,
        PEAK.load(Ordering::Relaxed),
        halted,
        checks.join(","),
    );
}
