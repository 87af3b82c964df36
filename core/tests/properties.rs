//! Property tests for the Kafka simulation, in the style of quinn-proto's `TestOp` fuzzing: proptest
//! generates a seed, a small cluster and a list of operations (produce, add/remove/crash consumers,
//! crash/restart brokers, add partitions, let time pass); the test applies them one by one through
//! `Sim::push_action` (exactly what a learner's click does) and checks invariants after every one.
//!
//! The seed is part of the generated input, so a failure prints everything needed to replay it:
//! `seed`, the cluster shape and the minimised `ops` list.
//!
//! No regression file is written (`failure_persistence: None`): the failing input is printed, and
//! a case worth keeping becomes an explicit test below.
use std::collections::{BTreeMap, BTreeSet};

use mqplay_core::check::with_kafka;
use mqplay_core::kafka::check::consumed_by_group;
use mqplay_core::kafka::consumer::Phase;
use mqplay_core::kafka::spec::{Action as K, ConsumerSpec, OffsetReset};
use mqplay_core::kafka::system::Kafka;
use mqplay_core::kafka::trace::Event as KafkaEvent;
use mqplay_core::kernel::net::NodeFault;
use mqplay_core::scenario::Action;
use mqplay_core::systems::Event;
use mqplay_core::{Limits, Scenario, Sim};

fn kafka(sim: &Sim) -> &Kafka {
    sim.kafka().expect("a Kafka scenario")
}

/// `(partition, offset)` the group consumed, in trace order.
fn consumed(sim: &Sim) -> Vec<(u32, u64)> {
    with_kafka(sim, |r| consumed_by_group(r, GROUP, TOPIC, None)).unwrap_or_default()
}
use proptest::prelude::*;
mod support {
    pub mod proptest_config;
}
use support::proptest_config::config;

const TOPIC: &str = "orders";
const GROUP: &str = "g";
const PRODUCER: &str = "p";
/// A small key space, so keys collide and per-key ordering is exercised on few partitions.
const KEYS: [&str; 5] = ["a", "b", "c", "d", "e"];
/// Partitions the test grows a topic to at most (the scenario limit is 64; 8 keeps runs cheap).
const PARTITION_CAP: u32 = 8;
/// The base scenario's duration: long enough that no operation list is cut short by it.
const DURATION_MS: u64 = 3_600_000;
/// Quiet time after the operations, with every broker back up, before the "eventually" checks.
/// It covers the longest waits in the model: a dead member's `session.timeout.ms` (at most 45 s
/// here), `delivery.timeout.ms` (120 s) for batches that waited out an outage, and the auto commit
/// interval (5 s) after the last consumption.
const SETTLE_MS: u64 = 180_000;

/// One thing the test does to the simulation. Indices are taken modulo what exists, so every
/// generated list is meaningful and shrinks well.
#[derive(Debug, Clone)]
enum Op {
    /// `producer.send` with a key from `KEYS` (or none) and a unique value.
    Produce {
        key: Option<usize>,
    },
    /// `count` sends in a row, keyless (sticky partitioner) or over 3 distinct keys.
    ProduceMany {
        count: u32,
        keyless: bool,
    },
    /// A new consumer joins the group.
    AddConsumer,
    /// `consumer.close()` of the i-th consumer ever created (a no-op if it is already gone).
    RemoveConsumer(usize),
    /// The i-th consumer's process dies without a word.
    CrashConsumer(usize),
    /// `commitSync()` by the i-th consumer.
    Commit(usize),
    CrashBroker(u32),
    RestartBroker(u32),
    /// Grow the topic by 1 or 2 partitions (up to `PARTITION_CAP`).
    AddPartitions(u32),
    /// An action `push_action` must refuse; the simulation must stay exactly as it was.
    Invalid(u8),
    /// Let virtual time pass.
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::option::of(0..KEYS.len()).prop_map(|key| Op::Produce { key }),
        2 => (1u32..=50, any::<bool>()).prop_map(|(count, keyless)| Op::ProduceMany { count, keyless }),
        1 => Just(Op::AddConsumer),
        1 => (0usize..8).prop_map(Op::RemoveConsumer),
        1 => (0usize..8).prop_map(Op::CrashConsumer),
        1 => (0usize..8).prop_map(Op::Commit),
        1 => (0u32..3).prop_map(Op::CrashBroker),
        1 => (0u32..3).prop_map(Op::RestartBroker),
        1 => (1u32..=2).prop_map(Op::AddPartitions),
        1 => (0u8..4).prop_map(Op::Invalid),
        // Short advances land inside message latencies (1-3 ms) and between a crash and a
        // restart; long ones let timers fire (heartbeats, sessions, linger, retries, fencing).
        4 => prop_oneof![1u64..=5, 1u64..20_000].prop_map(Op::Advance),
    ]
}

/// The shape of the generated cluster; the seed drives placement, latencies, member ids, jitter.
#[derive(Debug, Clone)]
struct Shape {
    seed: u64,
    brokers: u32,
    partitions: u32,
    consumers: usize,
    session_timeout_ms: u64,
    /// Every member's `partition.assignment.strategy`: Kafka's default (eager range), or one
    /// assignor, cooperative-sticky among them, so the invariants hold for each protocol.
    strategy: &'static [&'static str],
}

const STRATEGIES: [&[&str]; 4] = [
    &["range", "cooperative-sticky"],
    &["cooperative-sticky"],
    &["sticky"],
    &["roundrobin"],
];

fn shape() -> impl Strategy<Value = Shape> {
    (
        any::<u64>(),
        2u32..=3,
        2u32..=4,
        1usize..=2,
        prop_oneof![Just(6_000u64), Just(10_000), Just(45_000)],
        0..STRATEGIES.len(),
    )
        .prop_map(
            |(seed, brokers, partitions, consumers, session_timeout_ms, strategy)| Shape {
                strategy: STRATEGIES[strategy],
                ..shape_of(seed, brokers, partitions, consumers, session_timeout_ms)
            },
        )
}

fn consumer_spec(id: &str, shape: &Shape) -> ConsumerSpec {
    ConsumerSpec {
        auto_offset_reset: OffsetReset::Earliest,
        session_timeout_ms: shape.session_timeout_ms,
        assignment_strategy: shape.strategy.iter().map(|a| String::from(*a)).collect(),
        ..ConsumerSpec::with_defaults(id, GROUP, vec![TOPIC.into()])
    }
}

/// The base scenario, written as a document so it also goes through the loader's validation.
fn base_scenario(s: &Shape) -> Scenario {
    let consumers: Vec<String> = (0..s.consumers)
        .map(|i| {
            format!(
                r#"{{"id":"c{i}","group":"{GROUP}","topics":["{TOPIC}"],"auto_offset_reset":"earliest",
                    "session_timeout_ms":{},"partition.assignment.strategy":{:?}}}"#,
                s.session_timeout_ms, s.strategy
            )
        })
        .collect();
    let text = format!(
        r#"{{"version":1,"seed":{},"duration_ms":{DURATION_MS},
            "network":{{"latency_ms_min":1,"latency_ms_max":3}},
            "kafka":{{"brokers":{},"topics":[{{"name":"{TOPIC}","partitions":{}}}],
                      "producers":[{{"id":"{PRODUCER}"}}],
                      "consumers":[{}]}}}}"#,
        s.seed,
        s.brokers,
        s.partitions,
        consumers.join(",")
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("base scenario does not load: {e:?}\n{text}"))
}

/// A simulation plus what the test knows about it.
struct Run {
    sim: Sim,
    shape: Shape,
    /// Ids of every consumer ever created, in creation order.
    consumers: Vec<String>,
    partitions: u32,
    next_value: u64,
    last_now: u64,
    /// The group's generation at the previous check: generations only grow.
    last_generation: u32,
    /// `(steps, trace_hash)` after every operation, for the replay checks.
    checkpoints: Vec<(u64, u64)>,
}

impl Run {
    fn new(shape: &Shape) -> Run {
        let sim = Sim::new(base_scenario(shape)).expect("base scenario is valid");
        Run {
            sim,
            shape: shape.clone(),
            consumers: (0..shape.consumers).map(|i| format!("c{i}")).collect(),
            partitions: shape.partitions,
            next_value: 0,
            last_now: 0,
            last_generation: 0,
            checkpoints: Vec::new(),
        }
    }

    fn consumer(&self, i: usize) -> String {
        self.consumers[i % self.consumers.len()].clone()
    }

    /// Schedules `action` at the next millisecond and runs up to it, so it has taken effect.
    fn act(&mut self, action: Action) -> Result<(), TestCaseError> {
        let at = self
            .sim
            .push_action(action.clone())
            .map_err(|e| TestCaseError::fail(format!("valid action {action:?} refused: {e:?}")))?;
        self.sim.run_until(at);
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match *op {
            Op::Produce { key } => {
                self.next_value += 1;
                self.act(Action::Kafka(K::Produce {
                    producer: PRODUCER.into(),
                    topic: TOPIC.into(),
                    key: key.map(|k| KEYS[k].into()),
                    value: format!("v{}", self.next_value),
                }))?;
            }
            Op::ProduceMany { count, keyless } => self.act(Action::Kafka(K::ProduceMany {
                producer: PRODUCER.into(),
                topic: TOPIC.into(),
                count,
                key_prefix: (!keyless).then(|| "k".into()),
                distinct_keys: 3,
                value_bytes: 16,
            }))?,
            Op::AddConsumer => {
                let id = format!("c{}", self.consumers.len());
                self.act(Action::Kafka(K::AddConsumer {
                    consumer: consumer_spec(&id, &self.shape),
                }))?;
                self.consumers.push(id);
            }
            Op::RemoveConsumer(i) => self.act(Action::Kafka(K::RemoveConsumer {
                consumer: self.consumer(i),
            }))?,
            Op::CrashConsumer(i) => self.act(Action::Fault(NodeFault::Crash { node: self.consumer(i) }))?,
            Op::Commit(i) => self.act(Action::Kafka(K::Commit {
                consumer: self.consumer(i),
            }))?,
            Op::CrashBroker(b) => self.act(Action::Fault(NodeFault::Crash {
                node: format!("broker-{}", b % self.shape.brokers),
            }))?,
            Op::RestartBroker(b) => self.act(Action::Fault(NodeFault::Restart {
                node: format!("broker-{}", b % self.shape.brokers),
            }))?,
            Op::AddPartitions(more) => {
                let count = (self.partitions + more).min(PARTITION_CAP);
                if count > self.partitions {
                    self.act(Action::Kafka(K::AddPartitions {
                        topic: TOPIC.into(),
                        count,
                    }))?;
                    self.partitions = count;
                } else {
                    // At the cap: asking for the same count must be refused (Kafka cannot shrink
                    // or keep a topic's partition count with CreatePartitions).
                    self.refused(Action::Kafka(K::AddPartitions {
                        topic: TOPIC.into(),
                        count,
                    }))?;
                }
            }
            Op::Invalid(kind) => {
                let action = match kind {
                    0 => Action::Fault(NodeFault::Crash {
                        node: format!("broker-{}", self.shape.brokers),
                    }),
                    1 => Action::Kafka(K::RemoveConsumer {
                        consumer: "ghost".into(),
                    }),
                    2 => Action::Kafka(K::Produce {
                        producer: PRODUCER.into(),
                        topic: "nope".into(),
                        key: None,
                        value: "v".into(),
                    }),
                    _ => Action::Kafka(K::AddPartitions {
                        topic: TOPIC.into(),
                        count: self.partitions,
                    }),
                };
                self.refused(action)?;
            }
            Op::Advance(ms) => {
                let until = self.sim.now_ms() + ms;
                self.sim.run_until(until);
            }
        }
        self.checkpoints.push((self.sim.steps(), self.sim.trace_hash()));
        Ok(())
    }

    /// A refused action leaves no trace: same scenario, same state, same trace.
    fn refused(&mut self, action: Action) -> Result<(), TestCaseError> {
        let scenario = self.sim.scenario().clone();
        let hash = self.sim.trace_hash();
        let view = self.sim.view();
        let result = self.sim.push_action(action.clone());
        prop_assert!(result.is_err(), "invalid action {action:?} was accepted");
        prop_assert_eq!(self.sim.scenario(), &scenario);
        prop_assert_eq!(self.sim.trace_hash(), hash);
        prop_assert_eq!(self.sim.view(), view);
        Ok(())
    }

    /// Invariants that hold after every operation, whatever happened before.
    fn check(&mut self) -> Result<(), TestCaseError> {
        let sim = &self.sim;
        let view = sim.view();
        let cluster = &kafka(sim).cluster;

        // The trace is bounded (TigerBeetle-style limits) and time never runs backwards.
        prop_assert!(sim.trace().len() <= Limits::default().max_trace_entries);
        prop_assert!(sim.halted().is_none(), "halted: {:?}", sim.halted());
        prop_assert!(sim.now_ms() >= self.last_now, "clock went back");
        self.last_now = sim.now_ms();
        for (a, b) in sim.trace().iter().zip(sim.trace().iter().skip(1)) {
            prop_assert!(
                a.at_ms() <= b.at_ms() && a.step() <= b.step(),
                "trace out of order: {:?} then {:?}",
                a,
                b
            );
        }

        // Each partition log holds records the producer made (offsets are positions 0..len: what
        // consumers, lag and the lane view all assume).
        prop_assert_eq!(cluster.topics[0].partitions.len() as u32, self.partitions);
        let arena = kafka(sim).records.len();
        let mut leo: BTreeMap<String, u64> = BTreeMap::new();
        let mut total_records = 0u64;
        for t in &cluster.topics {
            for (p, part) in t.partitions.iter().enumerate() {
                for r in part.log.iter() {
                    prop_assert!(
                        (r.0 as usize) < arena,
                        "{}-{} holds an unknown record {:?}",
                        t.name,
                        p,
                        r
                    );
                }
                leo.insert(format!("{}-{p}", t.name), part.log.len() as u64);
                total_records += part.log.len() as u64;
            }
        }
        let kview = view.kafka.as_ref().expect("a Kafka view");

        for g in &kview.groups {
            // A committed offset is a position some consumer reached, so never past the log end;
            // lag (shown as LEO - committed) can then never be negative.
            for o in &g.offsets {
                prop_assert_eq!(Some(&o.log_end_offset), leo.get(&o.partition));
                if let Some(c) = o.committed {
                    prop_assert!(
                        c <= o.log_end_offset,
                        "{}: committed {c} > LEO {}",
                        o.partition,
                        o.log_end_offset
                    );
                    prop_assert_eq!(o.lag, Some(o.log_end_offset - c));
                }
            }
            if g.state == "Stable" && !g.members.is_empty() {
                // A stable generation gives each partition to at most one member...
                let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
                for m in &g.members {
                    for p in &m.partitions {
                        if let Some(other) = owner.insert(p, &m.consumer) {
                            prop_assert!(false, "{p} assigned to both {other} and {} in {}", m.consumer, g.id);
                        }
                    }
                }
                // ...and covers every partition the leader knew of when it assigned: `0..n` for
                // some n <= the current count. (Right after add_partitions the group is briefly
                // still on the old assignment, until the leader rejoins.) A cooperative
                // generation may leave out a partition whose owner must give it up first; the
                // follow-up rebalance hands it on, which `check_settled` sees.
                let n = owner.len() as u32;
                prop_assert!(n <= self.partitions);
                let cooperative = self.shape.strategy == ["cooperative-sticky"];
                for p in (0..n).filter(|_| !cooperative) {
                    let name = format!("{TOPIC}-{p}");
                    prop_assert!(owner.contains_key(name.as_str()), "{} misses {name}: {:?}", g.id, owner);
                }
            }
        }

        // A consumer's position is inside the log.
        for c in &kview.consumers {
            for (p, pos, _) in &c.positions {
                prop_assert!(*pos <= leo[p], "{} at {pos} past the end of {p} ({})", c.id, leo[p]);
            }
        }

        // Order: the first time the group sees each record, per partition, is 0, 1, 2, ...
        // Redeliveries after a rebalance or crash are allowed (at-least-once); a record seen for
        // the first time after a later one would be reordering, and a skipped offset a loss.
        let consumed = consumed(sim);
        let mut next: BTreeMap<u32, u64> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (p, o) in consumed {
            prop_assert!(
                o < leo[&format!("{TOPIC}-{p}")],
                "consumed {TOPIC}-{p}@{o} is not in the log"
            );
            if seen.insert((p, o)) {
                let expected = next.entry(p).or_insert(0);
                prop_assert_eq!(o, *expected, "first consumptions of {}-{} out of order", TOPIC, p);
                *expected += 1;
            }
        }

        // What a consumer reports having read is what the log holds at that offset.
        for e in sim.trace().iter() {
            if let Event::Kafka(KafkaEvent::RecordConsumed {
                topic,
                partition,
                offset,
                record,
                consumer,
            }) = &e.event
            {
                let log = &cluster.topics[usize::from(*topic)].partitions[*partition as usize].log;
                prop_assert_eq!(
                    log.get(*offset as usize),
                    Some(record),
                    "consumer {} read {}-{}@{} with the wrong record",
                    consumer,
                    topic,
                    partition,
                    offset
                );
            }
        }

        // Exclusive ownership: two running consumers of the group never both believe they own a
        // partition (the eager protocol revokes everything before a new generation hands it out;
        // the cooperative assignor hands a partition on only after its owner gave it up).
        let mut holder: BTreeMap<String, &str> = BTreeMap::new();
        for c in kafka(sim).consumers.iter().filter(|c| c.is_running()) {
            for tp in &c.assigned {
                if let Some(other) = holder.insert(cluster.tp_name(*tp), &c.spec.id) {
                    prop_assert!(false, "{} and {} both own {}", other, c.spec.id, cluster.tp_name(*tp));
                }
            }
        }

        // Generations never go back.
        if let Some(g) = kview.groups.iter().find(|g| g.id == GROUP) {
            prop_assert!(g.generation >= self.last_generation, "generation went back");
            self.last_generation = g.generation;
        }

        // Per-partition producer order: single `produce` values are numbered in send order, and
        // each partition's log holds them in that order (idempotent producer, one request in
        // flight per partition). Only first appearances are compared: duplicates are a separate
        // (known) bug, see `bug_request_to_crashed_broker_is_applied_after_restart`.
        let actions = &sim.scenario().actions;
        for part in &cluster.topics[0].partitions {
            let mut seen = BTreeSet::new();
            let firsts: Vec<u64> = part
                .log
                .iter()
                .filter_map(|r| kafka(sim).records.value(actions, *r).strip_prefix('v')?.parse().ok())
                .filter(|n| seen.insert(*n))
                .collect();
            prop_assert!(
                firsts.windows(2).all(|w| w[0] < w[1]),
                "log out of send order: {:?}",
                firsts
            );
        }

        // Producer bookkeeping: every accepted send is acked, failed, or still queued/in flight;
        // nothing is acked that is not in a log.
        let pv = &kview.producers[0];
        prop_assert_eq!(pv.sent, pv.acked + pv.failed + pv.queued, "producer stats: {:?}", pv);
        prop_assert!(
            pv.acked <= total_records,
            "acked {} > records in logs {total_records}",
            pv.acked
        );
        Ok(())
    }

    /// Liveness after `settle`: nothing left queued, one stable group of exactly the running
    /// consumers covering every partition once, everyone caught up and committed, and every record
    /// in the logs consumed at least once by the group.
    /// Ownership as the consumers told it, event by event: a partition is handed to a member
    /// only once no running member still holds it (eager members give everything up before they
    /// rejoin; a cooperative one gives up only what moves, and the assignor leaves that out until
    /// it has). Sampling the consumers after each operation would miss the milliseconds between
    /// two SyncGroup answers; the trace does not.
    fn check_handovers(&self) -> Result<(), TestCaseError> {
        use mqplay_core::kafka::trace::Told;
        let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut problem = None;
        // Eager members between noticing a rebalance and revoking: they commit and must not
        // consume meanwhile (`maybeMarkPartitionsPendingRevocation`).
        let eager = self.shape.strategy != ["cooperative-sticky"];
        let mut revoking: BTreeSet<u16> = BTreeSet::new();
        let index_of = |r: &mqplay_core::kafka::check::Read<'_>, id: &str| {
            r.kafka.consumers.iter().find(|c| c.spec.id == id).map(|c| c.index)
        };
        with_kafka(&self.sim, |r| {
            (r.events)(&mut |e| {
                if let KafkaEvent::RecordConsumed { consumer, .. } = e {
                    if revoking.contains(consumer) && problem.is_none() {
                        problem = Some(format!(
                            "consumer #{consumer} consumed while committing before its rejoin"
                        ));
                    }
                }
                let KafkaEvent::Told(told) = e else { return };
                match &**told {
                    Told::RebalanceNoticed { consumer, error } if eager && error == "REBALANCE_IN_PROGRESS" => {
                        revoking.extend(index_of(r, consumer));
                    }
                    Told::PartitionsAssigned {
                        consumer, partitions, ..
                    } => {
                        for p in partitions {
                            let other = held.iter().find(|(c, ps)| *c != consumer && ps.contains(p));
                            if let (Some((other, _)), None) = (other, &problem) {
                                problem = Some(format!("{consumer} is assigned {p} while {other} still holds it"));
                            }
                        }
                        held.insert(consumer.clone(), partitions.iter().cloned().collect());
                        // A member that held nothing is revoked without a word; its next
                        // generation ends the wait too.
                        if let Some(i) = index_of(r, consumer) {
                            revoking.remove(&i);
                        }
                    }
                    Told::CooperativeRevoke {
                        consumer, partitions, ..
                    } => {
                        if let Some(ps) = held.get_mut(consumer) {
                            for p in partitions {
                                ps.remove(p);
                            }
                        }
                    }
                    Told::PartitionsRevoked { consumer, .. }
                    | Told::PartitionsLost { consumer, .. }
                    | Told::ConsumerStopped { consumer, .. } => {
                        held.remove(consumer);
                        if let Some(i) = index_of(r, consumer) {
                            revoking.remove(&i);
                        }
                    }
                    _ => {}
                }
            })
        });
        prop_assert!(problem.is_none(), "{}", problem.unwrap_or_default());
        Ok(())
    }

    fn check_settled(&self) -> Result<(), TestCaseError> {
        let sim = &self.sim;
        let view = sim.view();
        let view = view.kafka.as_ref().expect("a Kafka view");
        let p = &view.producers[0];
        prop_assert_eq!(p.queued, 0, "records still queued after settling: {:?}", p);
        prop_assert_eq!(p.sent, p.acked + p.failed, "producer stats after settling: {:?}", p);
        let running: BTreeSet<String> = kafka(sim)
            .consumers
            .iter()
            .filter(|c| c.is_running())
            .map(|c| c.spec.id.clone())
            .collect();
        if running.is_empty() {
            return Ok(());
        }
        let group = view.groups.iter().find(|g| g.id == GROUP);
        prop_assert!(group.is_some(), "no group although consumers run");
        let group = group.unwrap();
        prop_assert_eq!(group.state.as_str(), "Stable", "group not stable after settling");
        let members: BTreeSet<String> = group.members.iter().map(|m| m.consumer.clone()).collect();
        prop_assert_eq!(&members, &running, "group members differ from running consumers");
        let mut owners: BTreeMap<String, usize> = BTreeMap::new();
        for m in &group.members {
            for part in &m.partitions {
                *owners.entry(part.clone()).or_default() += 1;
            }
            let consumer = view.consumers.iter().find(|c| c.id == m.consumer).unwrap();
            prop_assert_eq!(&consumer.assigned, &m.partitions, "consumer and coordinator disagree");
        }
        for i in 0..self.partitions {
            let name = format!("{TOPIC}-{i}");
            prop_assert_eq!(owners.get(&name).copied(), Some(1), "{} not owned exactly once", name);
        }
        for c in view.consumers.iter().filter(|c| running.contains(&c.id)) {
            for (part, _, lag) in &c.positions {
                prop_assert_eq!(*lag, 0, "{} is behind on {}", c.id, part);
            }
        }
        for o in &group.offsets {
            if o.log_end_offset > 0 {
                prop_assert_eq!(o.lag, Some(0), "committed lag on {}", o.partition);
            }
        }
        let consumed: BTreeSet<(u32, u64)> = consumed(sim).into_iter().collect();
        let topic = view.topics.iter().find(|t| t.name == TOPIC).unwrap();
        for part in &topic.partitions {
            for offset in 0..part.log_end_offset {
                prop_assert!(
                    consumed.contains(&(part.partition, offset)),
                    "{}@{} was never consumed",
                    part.name,
                    offset
                );
            }
        }
        Ok(())
    }

    /// Every broker back up, then a long quiet period.
    fn settle(&mut self) -> Result<(), TestCaseError> {
        for b in 0..self.shape.brokers {
            self.act(Action::Fault(NodeFault::Restart {
                node: format!("broker-{}", b),
            }))?;
        }
        let until = self.sim.now_ms() + SETTLE_MS;
        self.sim.run_until(until);
        Ok(())
    }
}

/// Applies `ops` one by one, checking the invariants after each.
fn run_ops(shape: &Shape, ops: &[Op]) -> Result<Run, TestCaseError> {
    let mut run = Run::new(shape);
    for op in ops {
        run.apply(op)?;
        run.check()?;
    }
    Ok(run)
}

proptest! {
    #![proptest_config(config(128))]

    /// Safety invariants after every operation, then liveness once every broker is back and the
    /// cluster has been quiet for `SETTLE_MS`: everything settles, and every record is consumed.
    #[test]
    fn invariants_hold_after_every_operation(shape in shape(), ops in prop::collection::vec(op(), 0..40)) {
        let mut run = run_ops(&shape, &ops)?;
        run.settle()?;
        run.check()?;
        run.check_settled()?;
        run.check_handovers()?;
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// Determinism: the same scenario and operations give the same trace, and `seek` (a replay
    /// from the start) reaches the very same state at a step recorded along the way, and from
    /// there the same end.
    #[test]
    fn runs_are_deterministic_and_seek_is_replay(
        shape in shape(),
        ops in prop::collection::vec(op(), 1..30),
        pick in any::<prop::sample::Index>(),
    ) {
        let a = run_ops(&shape, &ops)?;
        let b = run_ops(&shape, &ops)?;
        prop_assert_eq!(&a.checkpoints, &b.checkpoints);
        prop_assert_eq!(a.sim.trace_hash(), b.sim.trace_hash());

        let (end_steps, end_hash) = (a.sim.steps(), a.sim.trace_hash());
        let (k, k_hash) = a.checkpoints[pick.index(a.checkpoints.len())];
        let mut replay = a.sim.clone();
        replay.seek(k);
        prop_assert_eq!(replay.steps(), k);
        prop_assert_eq!(replay.trace_hash(), k_hash, "seek({}) differs from the live run at that step", k);
        replay.run_steps(end_steps - k);
        prop_assert_eq!(replay.steps(), end_steps);
        prop_assert_eq!(replay.trace_hash(), end_hash);
        // Not just the trace: the whole visible state matches (except the clock, which the live
        // run moved to the end of its last advance without an event there).
        let (mut va, mut vr) = (a.sim.view(), replay.view());
        va.now_ms = 0;
        vr.now_ms = 0;
        prop_assert_eq!(va, vr);
    }
}

/// The trace limit holds under a tiny budget too: old entries are dropped and counted, and the
/// kept ones never exceed the bound.
#[test]
fn trace_stays_within_a_small_limit() {
    let shape = shape_of(7, 3, 3, 2, 10_000);
    let limits = Limits {
        max_trace_entries: 50,
        ..Limits::default()
    };
    let mut sim = Sim::with_limits(base_scenario(&shape), limits).unwrap();
    let at = sim
        .push_action(Action::Kafka(K::ProduceMany {
            producer: PRODUCER.into(),
            topic: TOPIC.into(),
            count: 200,
            key_prefix: Some("k".into()),
            distinct_keys: 7,
            value_bytes: 16,
        }))
        .unwrap();
    let mut max_len = 0;
    for t in (at..at + 30_000).step_by(500) {
        sim.run_until(t);
        max_len = max_len.max(sim.trace().len());
    }
    assert!(max_len <= 50, "trace grew to {max_len}");
    assert!(sim.trace_dropped() > 0);
    assert_eq!(sim.trace_total(), sim.trace_dropped() + sim.trace().len() as u64);
}

// ---------------------------------------------------------------------------------------------
// Reproductions of bugs found by the properties above (minimised by proptest, then written out).
// They assert the correct behaviour, so they fail until the simulator is fixed.
// ---------------------------------------------------------------------------------------------

fn shape_of(seed: u64, brokers: u32, partitions: u32, consumers: usize, session_timeout_ms: u64) -> Shape {
    Shape {
        seed,
        brokers,
        partitions,
        consumers,
        session_timeout_ms,
        strategy: STRATEGIES[0],
    }
}

fn replay(shape: Shape, ops: &[Op]) -> Run {
    let mut run = Run::new(&shape);
    for op in ops {
        run.apply(op).unwrap();
    }
    run
}

fn produce(key: usize) -> Op {
    Op::Produce { key: Some(key) }
}

/// Bug: `Consumer::list_offsets_later` retries a failed position reset through an OffsetFetch,
/// but if that OffsetFetch fails (NOT_COORDINATOR after the coordinator moved, or a disconnect)
/// the retry chain ends: the partition stays assigned with no position and is never fetched.
///
/// Broker 0 (leader of orders-1 and the group's coordinator) crashes at 1 ms; the group forms on
/// broker 1; orders-1's reset keeps failing. Broker 0 restarts at 8905 ms, before it is fenced,
/// so the coordinator moves back and the in-flight OffsetFetch gets NOT_COORDINATOR. From then on
/// c0 never consumes orders-1.
#[test]
fn bug_position_reset_is_dropped_when_the_coordinator_moves() {
    let run = replay(
        shape_of(0, 2, 2, 1, 10_000),
        &[
            Op::CrashBroker(0),
            Op::Advance(8_904),
            Op::RestartBroker(0),
            Op::Advance(60_000),
            produce(0),
            produce(1),
            produce(2),
            produce(3),
            produce(4),
            Op::Advance(30_000),
        ],
    );
    let c0 = &kafka(&run.sim).consumers[0];
    let missing: Vec<String> = c0
        .assigned
        .iter()
        .filter(|tp| !c0.positions.contains_key(tp))
        .map(|tp| kafka(&run.sim).cluster.tp_name(*tp))
        .collect();
    assert!(missing.is_empty(), "c0 owns {missing:?} but has no position there");
    run.check_settled().unwrap();
}

/// Bug: the coordinator expires a member by `session.timeout.ms` while it waits in JoinGroup
/// (Kafka keeps members awaiting join alive, and gives new members 5 minutes), and then never
/// answers that member's parked JoinGroup, so the consumer hangs in "joining" forever.
///
/// Two consumers with the minimum session timeout (6000 ms) join a new group at once: the
/// initial rebalance delay is re-armed once (3000 + 3000 ms), c0's session ends at the same
/// millisecond, and c0 is dropped.
#[test]
fn bug_member_waiting_in_join_group_is_expired_and_never_answered() {
    let run = replay(shape_of(0, 2, 2, 2, 6_000), &[Op::Advance(60_000)]);
    let view = run.sim.view();
    let c0 = view
        .kafka
        .as_ref()
        .unwrap()
        .consumers
        .iter()
        .find(|c| c.id == "c0")
        .unwrap();
    assert_eq!(c0.phase, "stable", "c0 is stuck: {c0:?}");
    run.check_settled().unwrap();
}

/// The same bug with the default 45 s session: c0 closes, but broker 0 crashes before c0's
/// LeaveGroup arrives, so the group keeps c0 as a member; c1 starts and joins. When broker 0
/// returns it takes the group over and restarts every member's session clock in the millisecond
/// c1's JoinGroup arrives; the rebalance waits for the dead c0, and 45 s later c0 and the
/// waiting c1 expire together. The group is Empty and c1 hangs in "joining" for good. (The
/// trailing produce and add_partitions belong to the minimised case: they shift the seeded
/// latencies into that alignment.)
#[test]
fn bug_member_waiting_in_join_group_is_expired_with_default_timeouts() {
    let mut run = replay(
        shape_of(13_990_281_095_010_929_926, 2, 2, 1, 45_000),
        &[
            Op::Advance(11_079),
            Op::RemoveConsumer(0),
            Op::CrashBroker(0),
            Op::AddConsumer,
            Op::Advance(2),
            Op::Produce { key: None },
            Op::AddPartitions(1),
        ],
    );
    run.settle().unwrap();
    run.check_settled().unwrap();
}

/// Bug: a request already on the wire to a broker that crashes is answered with a disconnect at
/// once, but it is still delivered if the broker restarts before it lands. The producer has
/// retried the batch, so the batch is appended twice, although the producer is idempotent
/// (`enable.idempotence=true`, which Kafka uses to drop exactly such duplicates).
///
/// Here the batch with `v2` (key `b`, orders-2) is sent to broker 1 at 7 ms; broker 1 crashes at
/// 8 ms and restarts at 9 ms; the stale request lands at 10 ms and is appended, then the retry
/// is appended again. Crashing the broker should drop what was in flight to it.
#[test]
fn bug_request_to_crashed_broker_is_applied_after_restart() {
    let run = replay(
        shape_of(7_341_206_999_979_070_782, 2, 3, 1, 10_000),
        &[
            Op::Produce { key: None },
            produce(1),
            Op::Produce { key: None },
            Op::Advance(4),
            Op::CrashBroker(1),
            Op::RestartBroker(1),
            Op::Advance(5_000),
        ],
    );
    let k = kafka(&run.sim);
    let actions = &run.sim.scenario().actions;
    let mut values: Vec<String> = k.cluster.topics[0]
        .partitions
        .iter()
        .flat_map(|p| p.log.iter().map(|r| k.records.value(actions, *r)))
        .collect();
    values.sort_unstable();
    assert_eq!(values, ["v1", "v2", "v3"], "each send must be in the log once");
}

/// Bug: the group leader notices a partition-count change only at the instant `add_partitions`
/// runs, and only if it is in the "stable" phase then. Kafka's leader compares its assignment's
/// metadata snapshot with the current metadata on every poll, so it always rejoins eventually.
///
/// Variant 1: the partitions are added while the leader is syncing (it has computed the
/// assignment for 2 partitions and waits for SyncGroup). The group stays Stable on orders-0 and
/// orders-1 forever; what is produced to orders-2 is never consumed.
#[test]
fn bug_leader_misses_a_partition_count_change_while_syncing() {
    let shape = shape_of(0, 2, 2, 1, 10_000);
    let mut sim = Sim::new(base_scenario(&shape)).unwrap();
    while kafka(&sim).consumers[0].phase != Phase::Syncing {
        assert!(sim.step(), "c0 never reached syncing");
    }
    let at = sim
        .push_action(Action::Kafka(K::AddPartitions {
            topic: TOPIC.into(),
            count: 3,
        }))
        .unwrap();
    sim.run_until(at + 60_000);
    let view = sim.view();
    let g = view
        .kafka
        .as_ref()
        .unwrap()
        .groups
        .iter()
        .find(|g| g.id == GROUP)
        .unwrap();
    let owned: Vec<&String> = g.members.iter().flat_map(|m| &m.partitions).collect();
    assert_eq!(owned, ["orders-0", "orders-1", "orders-2"], "group: {g:?}");
}

/// Variant 2: the leader noticed the change and, with auto commit on, first commits and means to
/// rejoin after (`Then::Rejoin`); the commit goes to a coordinator that has just crashed, and the
/// disconnect handler only honours `Then::Leave`, so the rejoin is dropped.
#[test]
fn bug_leader_misses_a_partition_count_change_when_its_commit_fails() {
    let mut run = replay(
        shape_of(18_266_687_867_907_766_166, 2, 2, 1, 10_000),
        &[
            Op::AddConsumer,
            Op::Advance(6_021),
            Op::CrashBroker(1),
            Op::AddPartitions(1),
            Op::Produce { key: None },
        ],
    );
    run.settle().unwrap();
    run.check_settled().unwrap();
}

/// Bug (cost, not correctness): while a partition has no reachable leader, the consumer's
/// position reset loops OffsetFetch -> ListOffsets -> disconnect/no leader -> OffsetFetch with no
/// backoff (the comment on `list_offsets_later` promises "after a heartbeat tick"; Kafka waits
/// `retry.backoff.ms`). One broker down for a minute costs ~36x the events of a healthy minute,
/// which every `seek` then replays.
#[test]
fn bug_position_reset_retry_has_no_backoff() {
    let healthy = replay(shape_of(0, 2, 2, 1, 10_000), &[Op::Advance(60_000)]);
    let outage = replay(shape_of(0, 2, 2, 1, 10_000), &[Op::CrashBroker(0), Op::Advance(60_000)]);
    let (h, o) = (healthy.sim.steps(), outage.sim.steps());
    assert!(
        o <= 5 * h,
        "a minute with a broker down took {o} steps, a healthy minute {h}"
    );
}

/// Found by `invariants_hold_after_every_operation`: every broker crashes (the last while a
/// consumer is mid-join), all restart, and after settling every running consumer must be back
/// in the group.
#[test]
fn every_consumer_rejoins_after_all_brokers_crash_and_restart() {
    let mut run = replay(
        shape_of(8_459_260_405_791_563_225, 3, 2, 1, 6_000),
        &[
            Op::CrashBroker(2),
            Op::AddConsumer,
            Op::CrashBroker(1),
            Op::Advance(4_137),
            Op::CrashBroker(0),
            Op::Advance(12_784),
        ],
    );
    run.settle().unwrap();
    show_trace_if_asked(&run);
    run.check_settled().unwrap();
}

/// Found by `invariants_hold_after_every_operation`: a coordinator crash right at the start, a
/// restart during settling; the group must end stable with both consumers.
#[test]
fn group_forms_after_its_coordinator_crashes_at_the_start() {
    let mut run = replay(
        shape_of(1_101_686_979_562_729_293, 2, 2, 2, 6_000),
        &[Op::CrashBroker(0), Op::Produce { key: None }, Op::Advance(95)],
    );
    run.settle().unwrap();
    show_trace_if_asked(&run);
    run.check_settled().unwrap();
}

/// Found with MQPLAY_PROPTEST_SEED=110: partitions added twice, a consumer joins and another
/// closes; the group must still finish its rebalance.
#[test]
fn group_finishes_rebalancing_after_partitions_grow_and_members_change() {
    let mut run = replay(
        shape_of(13_093_778_691_077_391_156, 2, 2, 2, 6_000),
        &[
            Op::Produce { key: Some(0) },
            Op::Invalid(0),
            Op::Advance(6_025),
            Op::AddPartitions(1),
            Op::AddPartitions(1),
            Op::AddConsumer,
            Op::RemoveConsumer(0),
        ],
    );
    run.settle().unwrap();
    show_trace_if_asked(&run);
    run.check_settled().unwrap();
}

/// `SHOW_TRACE=1` prints the consumers' states and the whole trace as sentences: the quickest way
/// to see why a regression test above fails.
fn show_trace_if_asked(run: &Run) {
    if std::env::var_os("SHOW_TRACE").is_none() {
        return;
    }
    for c in &kafka(&run.sim).consumers {
        eprintln!(
            "{} phase={:?} coordinator={:?} member={:?}",
            c.spec.id, c.phase, c.coordinator, c.member_id
        );
    }
    for e in run.sim.trace().iter() {
        eprintln!(
            "{} {} {}",
            e.at_ms(),
            run.sim.node_name(e),
            run.sim.sentence(e, mqplay_core::Lang::En)
        );
    }
}

/// An eager member that notices a rebalance commits what it consumed and then gives its
/// partitions up; while that commit is in flight it fetches nothing and drops what arrives
/// (`ConsumerCoordinator.maybeMarkPartitionsPendingRevocation`), so the next owner starts where
/// it stopped. Records keep arriving right through the notice here (3 000 produced at 11.995 s,
/// the heartbeat that tells of the rebalance due at 12 s); without the mark the eager members
/// consume 250 of them after their commit (tried).
#[test]
fn an_eager_member_consumes_nothing_between_its_last_commit_and_its_revocation() {
    let text = include_str!("../../tests/golden/kafka-cooperative-vs-eager.scenario.json");
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    let actions = doc["actions"].as_array_mut().unwrap();
    actions.retain(|a| a["at_ms"] != 10_500);
    actions.push(
        serde_json::json!({"at_ms": 11_995, "kafka": {"do": "produce_many", "producer": "p1",
        "topic": "orders", "count": 3000, "key_prefix": "order", "distinct_keys": 12}}),
    );
    let mut sim = Sim::new(Scenario::from_json(&doc.to_string()).unwrap()).unwrap();
    sim.run_to_end();
    let mut revoking: BTreeSet<u16> = BTreeSet::new();
    let (mut noticed, mut during) = (0, 0);
    with_kafka(&sim, |r| {
        let index = |id: &str| r.kafka.consumers.iter().find(|c| c.spec.id == id).map(|c| c.index);
        (r.events)(&mut |e| match e {
            KafkaEvent::RecordConsumed { consumer, .. } if revoking.contains(consumer) => during += 1,
            KafkaEvent::Told(told) => match &**told {
                mqplay_core::kafka::trace::Told::RebalanceNoticed { consumer, .. } if consumer.starts_with("eager") => {
                    noticed += 1;
                    revoking.extend(index(consumer));
                }
                mqplay_core::kafka::trace::Told::PartitionsRevoked { consumer, .. } => {
                    if let Some(i) = index(consumer) {
                        revoking.remove(&i);
                    }
                }
                _ => {}
            },
            _ => {}
        })
    });
    assert_eq!(noticed, 2, "both eager members notice the rebalance");
    assert_eq!(
        during, 0,
        "records consumed between the pre-rebalance commit and the revocation"
    );
}
