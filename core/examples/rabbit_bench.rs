//! Benchmark: a RabbitMQ script at the document limit (`rabbit_bench [MESSAGES]`, default the
//! 20 000 of `rabbit::spec::MAX_MESSAGES`): publishes in actions of 1 000 to a topic exchange
//! bound to three queues, one with a TTL and a dead-letter exchange, consumed by two prefetch-10
//! consumers that ack after 1 ms and one that rejects every delivery (after 5 ms) to its DLQ, run to its end,
//! then 200 seeks to random steps. Prints one JSON line: messages, message copies, events, work
//! units, entries, wall time, copies/s, seek p50/p99, peak heap bytes (this program's allocator).
//! A program that prints figures, not a test; `scripts/bench.sh` runs it.
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
    let per_action = 1000.min(messages.max(1));
    let actions: Vec<String> = (0..messages.div_ceil(per_action))
        .map(|i| {
            format!(
                r#"{{"at_ms": {}, "rabbitmq": {{"do": "publish", "exchange": "orders", "routing_key": "order.eu.paid", "body": "order {{n}}", "count": {per_action}}}}}"#,
                100 + i * 200
            )
        })
        .collect();
    let text = format!(
        r##"{{
  "version": 2, "seed": 2026, "duration_ms": 30000,
  "rabbitmq": {{ "setup": [
    {{"do": "declare_exchange", "exchange": "orders", "type": "topic", "durable": true}},
    {{"do": "declare_exchange", "exchange": "dlx", "type": "fanout", "durable": true}},
    {{"do": "declare_queue", "queue": "billing", "durable": true}},
    {{"do": "declare_queue", "queue": "audit", "durable": true,
      "arguments": [["x-message-ttl", {{"type": "long", "value": 50}}], ["x-dead-letter-exchange", {{"type": "longstr", "value": "dlx"}}]]}},
    {{"do": "declare_queue", "queue": "fraud", "durable": true,
      "arguments": [["x-dead-letter-exchange", {{"type": "longstr", "value": "dlx"}}]]}},
    {{"do": "declare_queue", "queue": "dlq", "durable": true}},
    {{"do": "bind_queue", "queue": "billing", "exchange": "orders", "routing_key": "order.#"}},
    {{"do": "bind_queue", "queue": "audit", "exchange": "orders", "routing_key": "order.*.paid"}},
    {{"do": "bind_queue", "queue": "fraud", "exchange": "orders", "routing_key": "#.paid"}},
    {{"do": "bind_queue", "queue": "dlq", "exchange": "dlx"}},
    {{"do": "basic_qos", "connection": "w1", "prefetch_count": 10}},
    {{"do": "basic_consume", "connection": "w1", "queue": "billing", "consumer_tag": "w1", "on_delivery": {{"do": "ack", "after_ms": 1}}}},
    {{"do": "basic_qos", "connection": "w2", "prefetch_count": 10}},
    {{"do": "basic_consume", "connection": "w2", "queue": "billing", "consumer_tag": "w2", "on_delivery": {{"do": "ack", "after_ms": 1}}}},
    {{"do": "basic_qos", "connection": "checker", "prefetch_count": 10}},
    {{"do": "basic_consume", "connection": "checker", "queue": "fraud", "consumer_tag": "checker",
      "on_delivery": {{"do": "reject", "after_ms": 5, "requeue": false}}}}
  ]}},
  "actions": [{}]
}}"##,
        actions.join(",\n")
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("the RabbitMQ benchmark scenario is valid: {e:?}"))
}

fn main() {
    let messages: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let scenario = scenario(messages);
    let started = Instant::now();
    let mut sim = Sim::new(scenario).expect("valid");
    sim.run_to_end();
    let wall = started.elapsed().as_secs_f64();
    let summary = mqplay_core::summary::Summary::of(&sim);
    let ledger = summary.rabbitmq.as_ref().map(|r| r.ledger).unwrap_or_default();
    let steps = sim.steps();
    let (p50, p99) = seek_timing::seek_p50_p99_ms(&mut sim, 200);
    println!(
        "{{\"messages\":{messages},\"copies\":{},\"events\":{steps},\"work_units\":{},\"entries\":{},\"wall_ms\":{:.1},\"copies_per_second\":{:.0},\"seek_p50_ms\":{:.2},\"seek_p99_ms\":{:.2},\"peak_heap_bytes\":{},\"conservation\":{:?}}}",
        ledger.enqueued,
        summary.work_units,
        summary.trace_entries,
        wall * 1000.0,
        ledger.enqueued as f64 / wall,
        p50,
        p99,
        PEAK.load(Ordering::Relaxed),
        summary.rabbitmq.map(|r| r.conservation).unwrap_or_default(),
    );
}
