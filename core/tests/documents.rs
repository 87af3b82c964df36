//! Random valid documents: whatever loads can be replayed, sought, extended by a click, exported
//! and shared (the Kernel 2 promise that a document that loads is never a dead end).
//!
//! Proptest builds a version-2 document: a small Kafka cluster, actions valid in the order they
//! run but listed in a shuffled document order (the time-order bug's shape), node crashes and
//! restarts, and network fault rules (partitions, drops, delays, slow nodes). For each document
//! that loads, the test checks:
//! - replay: two runs give the same trace; the run stays within the work budget;
//! - seek: going to random steps gives exactly the state and trace of a fresh run to that step;
//! - click: a learner's produce (or crash) at a random moment is accepted and runs;
//! - export: the JSON loads back to an equal scenario that runs the same;
//! - share: a link carrying the scenario and a step gives both back.
//!
//! Fixed seed (`MQPLAY_PROPTEST_SEED` explores others), no regression files: a failure prints
//! the document, which then becomes a named test.
use mqplay_core::budget::MAX_WORK_UNITS;
use mqplay_core::kafka::spec::Action as K;
use mqplay_core::kernel::net::NodeFault;
use mqplay_core::scenario::Action;
use mqplay_core::{share, Limits, Scenario, Sim};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Value};

#[derive(Debug, Clone)]
enum Op {
    Produce { key: Option<u8> },
    ProduceMany { count: u32, keyed: bool },
    AddConsumer,
    RemoveConsumer(u8),
    Commit(u8),
    CrashConsumer(u8),
    RestartConsumer(u8),
    CrashBroker(u8),
    RestartBroker(u8),
    AddPartitions(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => prop::option::of(0u8..5).prop_map(|key| Op::Produce { key }),
        2 => (1u32..300, any::<bool>()).prop_map(|(count, keyed)| Op::ProduceMany { count, keyed }),
        1 => Just(Op::AddConsumer),
        1 => any::<u8>().prop_map(Op::RemoveConsumer),
        1 => any::<u8>().prop_map(Op::Commit),
        1 => any::<u8>().prop_map(Op::CrashConsumer),
        1 => any::<u8>().prop_map(Op::RestartConsumer),
        2 => any::<u8>().prop_map(Op::CrashBroker),
        2 => any::<u8>().prop_map(Op::RestartBroker),
        1 => (1u8..3).prop_map(Op::AddPartitions),
    ]
}

#[derive(Debug, Clone)]
enum Rule {
    Partition(u8, u8),
    Drop(u8, u8, u32),
    Delay(u8, u32),
    Slow(u8, u32),
}

fn rule() -> impl Strategy<Value = (Rule, u64, Option<u64>)> {
    let kind = prop_oneof![
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Rule::Partition(a, b)),
        (any::<u8>(), any::<u8>(), 1u32..=60).prop_map(|(a, b, p)| Rule::Drop(a, b, p)),
        (any::<u8>(), 1u32..400).prop_map(|(a, ms)| Rule::Delay(a, ms)),
        (any::<u8>(), 1u32..400).prop_map(|(a, ms)| Rule::Slow(a, ms)),
    ];
    (kind, 0u64..60_000, prop::option::of(1u64..40_000))
}

/// A shape and operations with their times; `order` shuffles the document order.
#[derive(Debug, Clone)]
struct Doc {
    seed: u64,
    brokers: u32,
    partitions: u32,
    consumers: u32,
    ops: Vec<(u64, Op)>,
    rules: Vec<(Rule, u64, Option<u64>)>,
    order: Vec<prop::sample::Index>,
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        any::<u64>(),
        1u32..=3,
        1u32..=4,
        0u32..=2,
        prop::collection::vec((0u64..80_000, op()), 0..24),
        prop::collection::vec(rule(), 0..3),
        prop::collection::vec(any::<prop::sample::Index>(), 24),
    )
        .prop_map(|(seed, brokers, partitions, consumers, ops, rules, order)| Doc {
            seed,
            brokers,
            partitions,
            consumers,
            ops,
            rules,
            order,
        })
}

impl Doc {
    /// The JSON document: operations are turned into actions valid in time order (references
    /// to consumers that exist by then), then listed in a shuffled order.
    fn to_json(&self) -> Value {
        let mut consumers: Vec<String> = (0..self.consumers).map(|i| format!("c{i}")).collect();
        let initial: Vec<Value> = consumers
            .iter()
            .map(|id| json!({ "id": id, "group": "g", "topics": ["t"], "auto_offset_reset": "earliest", "session_timeout_ms": 10_000 }))
            .collect();
        let mut ops = self.ops.clone();
        ops.sort_by_key(|(t, _)| *t);
        let mut partitions = self.partitions;
        let pick = |list: &[String], i: u8| list.get(usize::from(i) % list.len().max(1)).cloned();
        let mut actions = Vec::new();
        for (at, op) in ops {
            let action = match op {
                Op::Produce { key } => {
                    let mut p = json!({ "do": "produce", "producer": "p", "topic": "t", "value": format!("v{at}") });
                    if let Some(k) = key {
                        p["key"] = json!(format!("k{k}"));
                    }
                    json!({ "kafka": p })
                }
                Op::ProduceMany { count, keyed } => {
                    let mut p = json!({ "do": "produce_many", "producer": "p", "topic": "t", "count": count });
                    if keyed {
                        p["key_prefix"] = json!("k");
                        p["distinct_keys"] = json!(3);
                    }
                    json!({ "kafka": p })
                }
                Op::AddConsumer => {
                    let id = format!("c{}", consumers.len());
                    consumers.push(id.clone());
                    json!({ "kafka": { "do": "add_consumer", "consumer": { "id": id, "group": "g", "topics": ["t"], "auto_offset_reset": "earliest" } } })
                }
                Op::RemoveConsumer(i) | Op::Commit(i) | Op::CrashConsumer(i) | Op::RestartConsumer(i) => {
                    let Some(c) = pick(&consumers, i) else { continue };
                    match op {
                        Op::RemoveConsumer(_) => json!({ "kafka": { "do": "remove_consumer", "consumer": c } }),
                        Op::Commit(_) => json!({ "kafka": { "do": "commit", "consumer": c } }),
                        Op::CrashConsumer(_) => json!({ "fault": { "do": "crash", "node": c } }),
                        _ => json!({ "fault": { "do": "restart", "node": c } }),
                    }
                }
                Op::CrashBroker(b) => {
                    json!({ "fault": { "do": "crash", "node": format!("broker-{}", u32::from(b) % self.brokers) } })
                }
                Op::RestartBroker(b) => {
                    json!({ "fault": { "do": "restart", "node": format!("broker-{}", u32::from(b) % self.brokers) } })
                }
                Op::AddPartitions(more) => {
                    partitions = (partitions + u32::from(more)).min(8);
                    json!({ "kafka": { "do": "add_partitions", "topic": "t", "count": partitions } })
                }
            };
            let mut timed = action;
            timed["at_ms"] = json!(at);
            actions.push(timed);
        }
        // Shuffle the document order; the run order is time order whatever the listing.
        for (i, index) in self.order.iter().enumerate() {
            if actions.len() > 1 {
                let n = actions.len();
                actions.swap(i % n, index.index(n));
            }
        }
        let mut nodes: Vec<String> = (0..self.brokers).map(|b| format!("broker-{b}")).collect();
        nodes.push("p".into());
        nodes.extend(consumers.iter().cloned());
        let node = |i: u8| nodes[usize::from(i) % nodes.len()].clone();
        let faults: Vec<Value> = self
            .rules
            .iter()
            .map(|(r, from, len)| {
                let mut f = match r {
                    Rule::Partition(a, b) => json!({ "do": "partition", "between": [node(*a), node(b.wrapping_add(1).max(1).wrapping_add(*a))] }),
                    Rule::Drop(a, b, p) => json!({ "do": "drop", "from": node(*a), "to": node(*b), "percent": p }),
                    Rule::Delay(a, ms) => json!({ "do": "delay", "to": node(*a), "extra_ms": ms }),
                    Rule::Slow(a, ms) => json!({ "do": "slow", "node": node(*a), "extra_ms": ms }),
                };
                f["from_ms"] = json!(from);
                if let Some(len) = len {
                    f["until_ms"] = json!(from + len);
                }
                f
            })
            .collect();
        json!({
            "version": 2, "seed": self.seed, "duration_ms": 120_000,
            "faults": faults,
            "kafka": { "brokers": self.brokers, "topics": [{ "name": "t", "partitions": self.partitions }],
                       "producers": [{ "id": "p" }], "consumers": initial },
            "actions": actions
        })
    }
}

fn config(cases: u32) -> Config {
    let seed = std::env::var("MQPLAY_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x006b_6572_6e65_6c32);
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

/// Checkpoints every 2 000 work units, so short runs seek across many of them.
fn limits() -> Limits {
    Limits {
        checkpoint_interval: 2_000,
        ..Limits::default()
    }
}

fn run(scenario: &Scenario, steps: Option<u64>) -> Sim {
    let mut sim = Sim::with_limits(scenario.clone(), limits()).expect("a loaded scenario builds");
    match steps {
        Some(n) => sim.run_steps(n),
        None => sim.run_to_end(),
    }
    sim
}

/// Everything a document that loads must allow.
fn loaded_document_is_never_a_dead_end(
    scenario: &Scenario,
    probes: &[u64],
    click_at: u64,
) -> Result<(), TestCaseError> {
    // Replay: deterministic, bounded.
    let a = run(scenario, None);
    let b = run(scenario, None);
    prop_assert_eq!(a.trace_hash(), b.trace_hash());
    prop_assert!(a.work() <= MAX_WORK_UNITS);
    prop_assert!(a.halted().is_none(), "halted: {:?}", a.halted());
    let end = a.steps();

    // Seek: the live run, sent to random steps, matches fresh runs to those steps.
    let mut live = a;
    for p in probes {
        let k = p % (end + 1);
        live.seek(k);
        let fresh = run(scenario, Some(k));
        prop_assert_eq!(live.steps(), k);
        prop_assert_eq!(
            live.trace_hash(),
            fresh.trace_hash(),
            "seek({}) differs from a fresh run",
            k
        );
        let (mut lv, mut fv) = (live.view(), fresh.view());
        // `finished` may differ only because the live run knows its end.
        lv.finished = false;
        fv.finished = false;
        prop_assert_eq!(lv, fv);
    }

    // Click: a learner's action at a random moment joins the scenario and runs; the extended
    // scenario replays to the same state.
    let mut clicked = run(scenario, Some(click_at % (end + 1)));
    let action = Action::Kafka(K::Produce {
        producer: "p".into(),
        topic: "t".into(),
        key: Some("clicked".into()),
        value: "v".into(),
    });
    let at = clicked
        .push_action(action)
        .map_err(|e| TestCaseError::fail(format!("click refused: {e:?}")))?;
    clicked.run_until(at + 1_000);
    let crash = Action::Fault(NodeFault::Crash {
        node: "broker-0".into(),
    });
    clicked
        .push_action(crash)
        .map_err(|e| TestCaseError::fail(format!("crash click refused: {e:?}")))?;
    clicked.run_until(at + 5_000);
    let mut replay =
        Sim::with_limits(clicked.scenario().clone(), limits()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    replay.run_until(at + 5_000);
    prop_assert_eq!(
        replay.trace_hash(),
        clicked.trace_hash(),
        "the extended scenario does not replay"
    );

    // Export: what the page downloads loads back, equal, and runs the same.
    for s in [scenario, clicked.scenario()] {
        let again = Scenario::from_json(&s.to_json())
            .map_err(|e| TestCaseError::fail(format!("export does not load: {e:?}")))?;
        prop_assert_eq!(&Scenario::from_json(&again.to_json()).unwrap(), &again);
        prop_assert_eq!(run(&again, None).trace_hash(), run(s, None).trace_hash());
    }

    // Share: the link gives the scenario and the step back.
    let step = probes.first().copied().unwrap_or(0) % (end + 1);
    let link = share::fragment(clicked.scenario(), step);
    let shared = share::parse_fragment(&link)
        .map_err(|e| TestCaseError::fail(format!("share link refused: {e:?}")))?
        .expect("the link carries a scenario");
    prop_assert_eq!(shared.step, step);
    prop_assert_eq!(
        run(&shared.scenario, None).trace_hash(),
        run(clicked.scenario(), None).trace_hash()
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn documents_that_load_replay_seek_click_export_and_share(
        doc in doc(),
        probes in prop::collection::vec(any::<u64>(), 3),
        click_at in any::<u64>(),
    ) {
        let text = doc.to_json().to_string();
        if let Ok(scenario) = Scenario::from_json(&text) {
            loaded_document_is_never_a_dead_end(&scenario, &probes, click_at)?;
        }
    }
}

/// Most generated documents are valid: otherwise the property above would test little.
#[test]
fn the_generator_makes_mostly_valid_documents() {
    let mut runner = proptest::test_runner::TestRunner::new(config(1));
    let strategy = doc();
    let (mut loaded, mut total) = (0, 0);
    for _ in 0..200 {
        let d = strategy.new_tree(&mut runner).unwrap().current();
        total += 1;
        if Scenario::from_json(&d.to_json().to_string()).is_ok() {
            loaded += 1;
        }
    }
    assert!(
        loaded * 10 >= total * 6,
        "only {loaded} of {total} generated documents load"
    );
}
