//! Regression tests for the unbounded costs the Kernel 2 issue measured, each now refused at
//! validation (naming the field) or bounded while running:
//! - a 6.7 KB document with every limit at its maximum, 1 ms heartbeat and auto-commit intervals
//!   and a 24 h duration (about 10 hours of work before);
//! - one `produce_many` of a million records as a single uninterruptible step;
//! - a 1 MiB document whose trace held a copy of every 1 KB value (600 MiB and growing);
//! - a share link with `step=18446744073709551615`;
//! - seek replaying from the start.
//!
//! Memory is measured by this test binary's own allocator (a counter around the system one).
use std::sync::atomic::Ordering;
use std::sync::Mutex;

use mqplay_core::budget::{MAX_RECORDS, MAX_WORK_UNITS};
use mqplay_core::kafka::producer::SEND_SLICE;
use mqplay_core::{Scenario, Sim};
use serde_json::{json, Value};

mod support {
    pub mod counting_alloc;
}
use support::counting_alloc::{Counting, LIVE, PEAK};

/// Tests that read the counters run one at a time.
static MEASURING: Mutex<()> = Mutex::new(());

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak live heap bytes while `f` runs, above what was live before.
fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    (r, PEAK.load(Ordering::Relaxed) - base)
}

fn consumers(n: usize, group: &str, heartbeat_ms: u64, commit_ms: u64) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({ "id": format!("{group}-{i}"), "group": group, "topics": ["t0", "t1"],
                    "auto_offset_reset": "earliest", "heartbeat_interval_ms": heartbeat_ms,
                    "auto_commit_interval_ms": commit_ms, "session_timeout_ms": 6000 })
        })
        .collect()
}

/// The document the issue measured: 9 brokers, 8 topics of 64 partitions, 8 producers, 32
/// consumers heartbeating and committing every millisecond, for 24 hours.
fn everything_at_the_maximum() -> Value {
    let topics: Vec<Value> = (0..8)
        .map(|t| json!({ "name": format!("t{t}"), "partitions": 64 }))
        .collect();
    let producers: Vec<Value> = (0..8)
        .map(|p| json!({ "id": format!("p{p}"), "linger_ms": 0 }))
        .collect();
    json!({
        "version": 2, "seed": 1, "duration_ms": 86_400_000,
        "kafka": { "brokers": 9, "topics": topics, "producers": producers,
                   "consumers": consumers(32, "g", 1, 1) }
    })
}

#[test]
fn the_ten_hour_document_is_refused_and_names_what_to_change() {
    let doc = everything_at_the_maximum();
    let text = doc.to_string();
    assert!(text.len() < 8_000, "a small document: {} bytes", text.len());
    let errors = Scenario::from_json(&text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "duration_ms");
    let reason = &errors[0].reason;
    assert!(
        reason.contains("work units") && reason.contains(&MAX_WORK_UNITS.to_string()),
        "{reason}"
    );
    assert!(reason.contains("heartbeats"), "says what costs: {reason}");
}

#[test]
fn the_estimate_is_an_upper_bound_of_what_a_busy_document_costs() {
    // The same cluster for 20 s (a debug-build test must stay quick): what it really spends is
    // below what validation estimated, so a document the estimate admits stays in the budget.
    let mut doc = everything_at_the_maximum();
    doc["duration_ms"] = json!(20_000);
    let scenario = Scenario::from_json(&doc.to_string()).expect("20 s of it loads");
    let estimate = scenario.estimate().expect("valid").total();
    let mut sim = Sim::new(scenario).unwrap();
    sim.run_to_end();
    assert!(sim.halted().is_none(), "{:?}", sim.halted());
    assert!(
        sim.work() <= estimate,
        "spent {} work units, estimated {estimate}",
        sim.work()
    );
    // ...and not absurdly above it either: the estimate is meant to be close.
    assert!(sim.work() * 2 >= estimate, "spent {}, estimated {estimate}", sim.work());
}

#[test]
fn a_run_that_reaches_the_work_budget_halts_and_says_so() {
    let text = json!({
        "version": 2, "seed": 3, "duration_ms": 600_000,
        "kafka": { "brokers": 1, "topics": [{ "name": "t0", "partitions": 1 }, { "name": "t1", "partitions": 1 }],
                   "consumers": consumers(4, "g", 1, 1) }
    })
    .to_string();
    let scenario = Scenario::from_json(&text).unwrap();
    let limits = mqplay_core::Limits {
        max_work: 20_000,
        ..mqplay_core::Limits::default()
    };
    let mut sim = Sim::with_limits(scenario, limits).unwrap();
    sim.run_to_end();
    let why = sim.halted().expect("halted");
    assert!(why.contains("work budget") && why.contains("20000"), "{why}");
    assert!(sim.work() <= 20_000 + 1_000, "stopped at once: {}", sim.work());
    assert!(sim.now_ms() < 600_000, "it did not pretend to reach the end");
    let summary = mqplay_core::summary::Summary::of(&sim);
    assert_eq!(summary.halted.as_deref(), Some(why));
}

#[test]
fn records_beyond_the_budget_are_refused_at_the_action_that_adds_them() {
    let many = |count: u32| json!({ "at_ms": 10, "kafka": { "do": "produce_many", "producer": "p", "topic": "t0", "count": count } });
    let text = json!({
        "version": 2, "seed": 1, "duration_ms": 60_000,
        "kafka": { "brokers": 1, "topics": [{ "name": "t0", "partitions": 4 }], "producers": [{ "id": "p" }] },
        "actions": [many(1_000_000), many(500_000), many(600_000)]
    })
    .to_string();
    let errors = Scenario::from_json(&text).unwrap_err();
    assert_eq!(errors[0].path, "actions[0].kafka.count", "{errors:?}");
    assert!(errors[0].reason.contains(&MAX_RECORDS.to_string()), "{errors:?}");
}

fn produce_many(count: u32, value_bytes: u32) -> Scenario {
    let text = json!({
        "version": 2, "seed": 7, "duration_ms": 120_000,
        "kafka": { "brokers": 3, "topics": [{ "name": "t0", "partitions": 6 }], "producers": [{ "id": "p" }],
                   "consumers": [{ "id": "c", "group": "g", "topics": ["t0"], "auto_offset_reset": "earliest" }] },
        "actions": [{ "at_ms": 5000, "kafka": { "do": "produce_many", "producer": "p", "topic": "t0",
                      "count": count, "key_prefix": "k", "distinct_keys": 100, "value_bytes": value_bytes } }]
    });
    Scenario::from_json(&text.to_string()).unwrap()
}

#[test]
fn a_large_produce_many_is_many_small_steps() {
    // Each step does at most a slice of sends (plus what one fetch returns), so the page can
    // show progress and stop between steps.
    let mut sim = Sim::new(produce_many(200_000, 16)).unwrap();
    let mut largest = 0;
    let mut steps = 0;
    loop {
        let before = sim.work();
        if !sim.step() {
            break;
        }
        largest = largest.max(sim.work() - before);
        steps += 1;
    }
    let view = sim.view();
    let kafka = view.kafka.unwrap();
    assert_eq!(kafka.producers[0].acked, 200_000);
    assert!(steps > 200, "{steps} steps");
    // A slice's sends and their trace entries, or one fetch response of at most 500 records.
    let bound = u64::from(SEND_SLICE) + 600;
    assert!(largest <= bound, "one step spent {largest} work units (bound {bound})");
}

#[test]
fn send_blocks_on_a_full_buffer_memory_instead_of_failing() {
    // 700 000 records of ~1 KB are ~700 MB: far more than buffer.memory (32 MiB) can hold at
    // once, so send() blocks until acknowledgements free memory, as KafkaProducer.send does.
    let mut sim = Sim::new(produce_many(40_000, 1024)).unwrap();
    sim.run_to_end();
    let view = sim.view();
    let p = &view.kafka.as_ref().unwrap().producers[0];
    assert_eq!((p.sent, p.acked, p.failed), (40_000, 40_000, 0), "{p:?}");
    let blocked = sim
        .trace()
        .iter()
        .filter(|e| sim.tell(e).key() == "SendBlocked")
        .count();
    assert!(blocked > 0, "the producer should have blocked at least once");
}

#[test]
fn a_one_mebibyte_document_of_large_values_stays_small_in_memory() {
    // 940 produce actions with 1 000-byte values: just under 1 MiB of document. Trace entries refer
    // to records by id, so memory holds each value once (in the document), not once per entry.
    let actions: Vec<Value> = (0..940)
        .map(|i| {
            json!({ "at_ms": 1000 + i, "kafka": { "do": "produce", "producer": "p", "topic": "t0",
                    "key": format!("k{}", i % 10), "value": "v".repeat(1000) } })
        })
        .collect();
    let text = json!({
        "version": 2, "seed": 5, "duration_ms": 600_000,
        "kafka": { "brokers": 3, "topics": [{ "name": "t0", "partitions": 6 }], "producers": [{ "id": "p" }],
                   "consumers": consumers(3, "g", 3000, 5000).into_iter().map(|mut c| { c["topics"] = json!(["t0"]); c }).collect::<Vec<_>>() },
        "actions": actions
    })
    .to_string();
    assert!(
        text.len() > 1_000_000 && text.len() <= 1024 * 1024,
        "{} bytes",
        text.len()
    );
    let (sim, peak) = peak_during(|| {
        let mut sim = Sim::new(Scenario::from_json(&text).unwrap()).unwrap();
        sim.run_to_end();
        sim
    });
    assert!(sim.trace_total() > 2_800);
    assert!(peak < 48 * 1024 * 1024, "peak heap {} MiB", peak / (1024 * 1024));
}

#[test]
fn a_link_step_of_u64_max_is_clamped_and_ends() {
    let mut sim = Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
    sim.seek(u64::MAX);
    assert!(sim.finished(), "ran to the end of the scenario and stopped");
    let end = sim.steps();
    assert!(end <= sim.max_steps());
    // The same link when the page gets there frame by frame: each frame is bounded.
    let mut page = Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
    let target = page.max_steps(); // what u64::MAX clamps to
    let mut frames = 0;
    while !page.run_toward(target, 10_000) {
        frames += 1;
        assert!(frames < 10_000);
    }
    assert_eq!(page.steps(), end);
    // And a share link carrying that step parses (the step is the page's to clamp).
    let link = mqplay_core::share::fragment(sim.scenario(), u64::MAX);
    let shared = mqplay_core::share::parse_fragment(&link).unwrap().unwrap();
    assert_eq!(shared.step, u64::MAX);
}

#[test]
fn seek_replays_at_most_a_checkpoint_interval() {
    let mut sim = Sim::new(produce_many(100_000, 32)).unwrap();
    sim.run_to_end();
    let end = sim.steps();
    let bound = sim.checkpoint_interval() + u64::from(SEND_SLICE) + 600;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let target = x % (end + 1);
        let replayed = sim.seek(target);
        assert_eq!(sim.steps(), target);
        assert!(
            replayed <= bound,
            "seek({target}) replayed {replayed} units (bound {bound})"
        );
    }
    // Checkpoints are bounded in number whatever the run's length.
    assert!(sim.checkpoint_count() <= mqplay_core::sim::MAX_CHECKPOINTS);
}

/// A busy RocketMQ document: consumers that fail every message through all 16 retries, an
/// orderly group that suspends, transactions nobody answers. What it spends stays within what
/// validation estimated, so the budget check holds for RocketMQ too.
#[test]
fn the_rocketmq_estimate_is_an_upper_bound() {
    let mut actions = Vec::new();
    for i in 0..20u64 {
        actions.push(json!({"at_ms": 1000 + i * 500, "rocketmq": {"do": "send", "producer": "p", "topic": "t", "keys": format!("k{}", i % 3), "count": 50}}));
        actions.push(json!({"at_ms": 1200 + i * 500, "rocketmq": {"do": "send_transaction", "producer": "p", "topic": "t", "local": "UNKNOW"}}));
        actions.push(json!({"at_ms": 1300 + i * 500, "rocketmq": {"do": "send", "producer": "p", "topic": "t", "keys": "k0", "selector": {"by": "hash", "arg": format!("o{i}")}}}));
    }
    let doc = json!({
        "version": 2, "seed": 4, "duration_ms": 18_000_000,
        "rocketmq": {
            "brokers": [{"name": "a"}, {"name": "b"}],
            "topics": [{"name": "t", "queues": 4}],
            "producers": [{"name": "p", "group": "pg"}],
            "consumers": [
                {"name": "c1", "group": "g1", "topic": "t", "fail": [{"keys": "k0"}]},
                {"name": "c2", "group": "g1", "topic": "t", "fail": [{"keys": "k0"}]},
                {"name": "c3", "group": "g2", "topic": "t", "orderly": true, "fail": [{"keys": "k1", "times": 3}]},
                {"name": "c4", "group": "g3", "topic": "t", "messageModel": "BROADCASTING"}
            ]
        },
        "actions": actions,
    });
    let scenario = Scenario::from_json(&doc.to_string()).expect("valid");
    let estimate = scenario.estimate().expect("valid").total();
    let mut sim = Sim::new(scenario).unwrap();
    sim.run_to_end();
    assert!(sim.halted().is_none(), "{:?}", sim.halted());
    assert!(
        sim.work() <= estimate,
        "spent {} work units, estimated {estimate}",
        sim.work()
    );
    assert!(
        sim.work() * 20 >= estimate,
        "spent {}, estimated {estimate}",
        sim.work()
    );
}
