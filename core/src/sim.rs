//! The discrete-event loop. Events (message deliveries and timers) wait in a queue ordered by
//! (virtual time, sequence number); the scenario's timed actions are merged in, and win ties with
//! queued events at the same millisecond. One event is one step. The PRNG, the queue and the nodes
//! are all owned here, so `Sim::new(scenario)` followed by N steps always reaches the same state,
//! which is how `seek` goes back in time: it replays.
use alloc::collections::{BTreeMap, BinaryHeap};
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::{Ordering, Reverse};

use crate::kafka::{
    broker, group, BrokerId, Cluster, ConsumerIdx, Ctx, Effect, Msg, NodeId, ProducerIdx, RecordData, Timer,
    BROKER_SESSION_TIMEOUT_MS,
};
use crate::kafka::{consumer::Consumer, producer::Producer};
use crate::rng::Rng;
use crate::scenario::{Action, Scenario, ScenarioError, TimedAction, MAX_DURATION_MS};
use crate::time::Instant;
use crate::trace::{TraceEntry, TraceKind};

/// Bounds on everything that grows (TigerBeetle style): past them the simulation halts or drops
/// the oldest trace entries, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_queued_events: usize,
    pub max_trace_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_queued_events: 2_000_000,
            max_trace_entries: 200_000,
        }
    }
}

/// How far past its time a live action extends a scenario, so a learner can keep playing.
pub const LIVE_EXTENSION_MS: u64 = 60_000;

/// What one `advance` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The trace gained at least one entry.
    Entry,
    /// Time passed (up to the quiet limit) without anything worth a sentence.
    Quiet,
    /// Nothing is left to happen within the scenario's duration.
    Finished,
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// `incarnation` is the destination broker's life when the message was sent: a request on a
    /// connection to an earlier life died with that connection and is never processed.
    Deliver {
        from: NodeId,
        to: NodeId,
        msg: Msg,
        incarnation: u32,
    },
    Timer {
        node: NodeId,
        timer: Timer,
    },
}

#[derive(Debug, Clone)]
struct Queued {
    at: Instant,
    seq: u64,
    event: Event,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Debug, Clone)]
pub struct Sim {
    scenario: Scenario,
    limits: Limits,
    next_action: usize,
    queue: BinaryHeap<Reverse<Queued>>,
    seq: u64,
    now: Instant,
    steps: u64,
    rng: Rng,
    pub(crate) cluster: Cluster,
    pub(crate) producers: Vec<Producer>,
    pub(crate) consumers: Vec<Consumer>,
    /// Requests sent to a broker and not answered yet: id -> (client, broker).
    pending: BTreeMap<u64, (NodeId, BrokerId)>,
    next_request_id: u64,
    trace: Vec<TraceEntry>,
    trace_dropped: u64,
    halted: Option<String>,
    effects: Vec<Effect>,
}

impl Sim {
    pub fn new(scenario: Scenario) -> Result<Sim, Vec<ScenarioError>> {
        Sim::with_limits(scenario, Limits::default())
    }

    pub fn with_limits(mut scenario: Scenario, limits: Limits) -> Result<Sim, Vec<ScenarioError>> {
        scenario.validate()?;
        // Actions run in time order; equal times keep document order (a stable sort).
        scenario.actions.sort_by_key(|a| a.at_ms);
        let mut rng = Rng::seeded(scenario.seed);
        let topics: Vec<(String, u32)> = scenario
            .kafka
            .topics
            .iter()
            .map(|t| (t.name.clone(), t.partitions))
            .collect();
        let cluster = Cluster::new(scenario.kafka.brokers, &topics, &mut rng);
        let producers = scenario.kafka.producers.iter().cloned().map(Producer::new).collect();
        let consumers = scenario.kafka.consumers.iter().cloned().map(Consumer::new).collect();
        let mut sim = Sim {
            scenario,
            limits,
            next_action: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            now: Instant::ZERO,
            steps: 0,
            rng,
            cluster,
            producers,
            consumers,
            pending: BTreeMap::new(),
            next_request_id: 0,
            trace: Vec::new(),
            trace_dropped: 0,
            halted: None,
            effects: Vec::new(),
        };
        for i in 0..sim.consumers.len() {
            sim.with_ctx(NodeId::Consumer(ConsumerIdx(i)), |s, ctx| {
                s.consumers[i].start(ctx, s.cluster)
            });
        }
        Ok(sim)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn now_ms(&self) -> u64 {
        self.now.ms()
    }
    /// Events processed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }
    /// Entries dropped from the front of the trace to respect `Limits::max_trace_entries`.
    pub fn trace_dropped(&self) -> u64 {
        self.trace_dropped
    }
    /// Total entries ever made: kept plus dropped.
    pub fn trace_total(&self) -> u64 {
        self.trace_dropped + self.trace.len() as u64
    }
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// Time of the next event or action, if any is due within the scenario's duration.
    pub fn next_wakeup(&self) -> Option<u64> {
        let q = self.queue.peek().map(|Reverse(e)| e.at.ms());
        let a = self.scenario.actions.get(self.next_action).map(|a| a.at_ms);
        let t = match (q, a) {
            (Some(q), Some(a)) => q.min(a),
            (q, a) => q.or(a)?,
        };
        (t <= self.scenario.duration_ms && self.halted.is_none()).then_some(t)
    }

    pub fn finished(&self) -> bool {
        self.next_wakeup().is_none()
    }

    /// Process one event or action. Returns false when there is nothing left to do.
    pub fn step(&mut self) -> bool {
        let Some(t) = self.next_wakeup() else {
            return false;
        };
        self.now = Instant(t);
        self.steps += 1;
        let action_due = self
            .scenario
            .actions
            .get(self.next_action)
            .is_some_and(|a| a.at_ms == t);
        if action_due {
            let action = self.scenario.actions[self.next_action].action.clone();
            self.next_action += 1;
            self.apply(action);
        } else if let Some(Reverse(q)) = self.queue.pop() {
            self.dispatch(q.event);
        }
        true
    }

    /// Process every event due at or before `t_ms` (capped by the duration), then set the clock to it.
    pub fn run_until(&mut self, t_ms: u64) {
        let end = t_ms.min(self.scenario.duration_ms);
        while self.next_wakeup().is_some_and(|t| t <= end) {
            self.step();
        }
        if self.halted.is_none() {
            self.now = self.now.max(Instant(end));
        }
    }

    pub fn run_steps(&mut self, n: u64) {
        for _ in 0..n {
            if !self.step() {
                break;
            }
        }
    }

    /// Run to the end of the scenario (or a halt).
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }

    /// Step until the trace gains an entry, but process at most `max_events` events and let at most
    /// `max_quiet_ms` of virtual time pass: a quiet stretch (heartbeats, empty fetches) then shows
    /// as the clock moving rather than as a jump to the end of the scenario.
    pub fn advance(&mut self, max_events: u64, max_quiet_ms: u64) -> Advance {
        let before = self.trace_total();
        let deadline = self.now.ms().saturating_add(max_quiet_ms);
        for _ in 0..max_events {
            match self.next_wakeup() {
                None => return Advance::Finished,
                Some(t) if t > deadline => {
                    self.run_until(deadline);
                    return Advance::Quiet;
                }
                Some(_) => {
                    self.step();
                }
            }
            if self.trace_total() > before {
                return Advance::Entry;
            }
        }
        Advance::Quiet
    }

    /// Go to the state after exactly `step` events, by replaying the scenario from the start.
    pub fn seek(&mut self, step: u64) {
        if let Ok(mut fresh) = Sim::with_limits(self.scenario.clone(), self.limits) {
            fresh.run_steps(step);
            *self = fresh;
        }
    }

    /// Add an action at the next millisecond (a learner's click). It becomes part of the scenario,
    /// so replays, seeks and share links include it. Returns the time it was scheduled for.
    pub fn push_action(&mut self, action: Action) -> Result<u64, Vec<ScenarioError>> {
        let at_ms = self.now.ms() + 1;
        let mut candidate = self.scenario.clone();
        candidate.duration_ms = candidate
            .duration_ms
            .max(at_ms.saturating_add(LIVE_EXTENSION_MS))
            .min(MAX_DURATION_MS);
        let index = candidate.actions.partition_point(|a| a.at_ms <= at_ms);
        candidate.actions.insert(index, TimedAction { at_ms, action });
        candidate.validate()?;
        self.scenario = candidate;
        Ok(at_ms)
    }

    fn with_ctx<R>(&mut self, me: NodeId, f: impl FnOnce(&mut SimParts<'_>, &mut Ctx<'_>) -> R) -> R {
        let mut effects = core::mem::take(&mut self.effects);
        let result = {
            let mut ctx = Ctx {
                now: self.now,
                me,
                rng: &mut self.rng,
                out: &mut effects,
                next_request_id: &mut self.next_request_id,
            };
            let mut parts = SimParts {
                cluster: &mut self.cluster,
                producers: &mut self.producers,
                consumers: &mut self.consumers,
            };
            f(&mut parts, &mut ctx)
        };
        self.apply_effects(&mut effects);
        self.effects = effects;
        result
    }

    fn apply_effects(&mut self, effects: &mut Vec<Effect>) {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { from, to, msg } => {
                    match (&msg, to) {
                        (Msg::Request { id, .. }, NodeId::Broker(b)) => {
                            self.pending.insert(*id, (from, b));
                        }
                        (Msg::Response { id, .. }, _) => {
                            self.pending.remove(id);
                        }
                        _ => {}
                    }
                    let latency = self.rng.between(
                        self.scenario.network.latency_ms_min,
                        self.scenario.network.latency_ms_max,
                    );
                    let incarnation = match to {
                        NodeId::Broker(b) => self.cluster.broker(b).map_or(0, |x| x.incarnation),
                        _ => 0,
                    };
                    self.push(
                        self.now + latency,
                        Event::Deliver {
                            from,
                            to,
                            msg,
                            incarnation,
                        },
                    );
                }
                Effect::Timer { node, at, timer } => self.push(at, Event::Timer { node, timer }),
                Effect::Trace { node, kind } => self.record(node, kind),
            }
        }
    }

    fn push(&mut self, at: Instant, event: Event) {
        if self.queue.len() >= self.limits.max_queued_events {
            if self.halted.is_none() {
                let limit = self.limits.max_queued_events as u64;
                self.record(
                    NodeId::Controller,
                    TraceKind::LimitReached {
                        what: "queued events".into(),
                        limit,
                    },
                );
                self.halted = Some(alloc::format!("the event queue reached its limit of {limit}"));
            }
            return;
        }
        self.seq += 1;
        self.queue.push(Reverse(Queued {
            at,
            seq: self.seq,
            event,
        }));
    }

    fn record(&mut self, node: NodeId, kind: TraceKind) {
        if self.limits.max_trace_entries == 0 {
            self.trace_dropped += 1;
            return;
        }
        if self.trace.len() >= self.limits.max_trace_entries {
            // Drop the oldest tenth at once so trimming stays cheap.
            let cut = (self.limits.max_trace_entries / 10).max(1);
            self.trace.drain(..cut);
            self.trace_dropped += cut as u64;
        }
        let node = self.node_name(node);
        self.trace.push(TraceEntry {
            step: self.steps,
            at_ms: self.now.ms(),
            node,
            kind,
        });
    }

    pub fn node_name(&self, node: NodeId) -> String {
        match node {
            NodeId::Broker(b) => alloc::format!("broker-{}", b.0),
            NodeId::Controller => "controller".into(),
            NodeId::Producer(p) => self
                .producers
                .get(p.0)
                .map_or_else(|| "producer".into(), |p| p.spec.id.clone()),
            NodeId::Consumer(c) => self
                .consumers
                .get(c.0)
                .map_or_else(|| "consumer".into(), |c| c.spec.id.clone()),
        }
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Deliver {
                from,
                to,
                msg,
                incarnation,
            } => match to {
                NodeId::Broker(b) => {
                    let up = self.cluster.broker(b).is_some_and(|x| x.up);
                    let same_life = self.cluster.broker(b).is_some_and(|x| x.incarnation == incarnation);
                    match msg {
                        // Sent before a crash: its client was told "disconnected" then; drop it.
                        Msg::Request { .. } if !same_life => {}
                        Msg::Request { id, body } if up => {
                            self.with_ctx(to, |s, ctx| broker::handle_request(s.cluster, b, ctx, from, id, body));
                        }
                        Msg::Request { id, .. } => {
                            // Connection refused: the client learns at once (one network hop later).
                            self.pending.remove(&id);
                            self.with_ctx(to, |_, ctx| ctx.send(from, Msg::Disconnected { id }));
                        }
                        _ => {}
                    }
                }
                NodeId::Producer(p) => {
                    self.with_ctx(to, |s, ctx| s.producers[p.0].on_message(ctx, s.cluster, msg));
                }
                NodeId::Consumer(c) => {
                    self.with_ctx(to, |s, ctx| s.consumers[c.0].on_message(ctx, s.cluster, msg));
                }
                NodeId::Controller => {}
            },
            Event::Timer { node, timer } => match node {
                NodeId::Producer(p) => self.with_ctx(node, |s, ctx| s.producers[p.0].on_timer(ctx, s.cluster, &timer)),
                NodeId::Consumer(c) => self.with_ctx(node, |s, ctx| s.consumers[c.0].on_timer(ctx, s.cluster, &timer)),
                NodeId::Broker(b) => {
                    if let (Timer::FetchWait { park_id }, true) = (&timer, self.cluster.broker(b).is_some_and(|x| x.up))
                    {
                        self.with_ctx(node, |s, ctx| broker::on_fetch_wait(s.cluster, ctx, *park_id));
                    }
                }
                NodeId::Controller => match timer {
                    Timer::Fence { broker, incarnation } => self.fence(broker, incarnation),
                    Timer::GroupJoinDeadline { ref group, .. }
                    | Timer::MemberSession { ref group, .. }
                    | Timer::PendingMemberExpiry { ref group, .. } => {
                        // What a group timer does, its coordinator does: attribute it there.
                        let me = self
                            .cluster
                            .coordinator_for(group)
                            .map_or(NodeId::Controller, NodeId::Broker);
                        self.with_ctx(me, |s, ctx| group::on_timer(s.cluster, ctx, &timer));
                    }
                    _ => {}
                },
            },
        }
    }

    fn apply(&mut self, action: Action) {
        let producer = |s: &Sim, id: &str| s.producers.iter().position(|p| p.spec.id == id);
        let consumer = |s: &Sim, id: &str| s.consumers.iter().position(|c| c.spec.id == id);
        match action {
            Action::Produce {
                producer: pid,
                topic,
                key,
                value,
            } => {
                let (Some(p), Some(t)) = (producer(self, &pid), self.cluster.topic_index(&topic)) else {
                    return;
                };
                self.with_ctx(NodeId::Producer(ProducerIdx(p)), |s, ctx| {
                    s.producers[p].send(ctx, s.cluster, t, RecordData { key, value })
                });
            }
            Action::ProduceMany {
                producer: pid,
                topic,
                count,
                key_prefix,
                distinct_keys,
                value_bytes,
            } => {
                let (Some(p), Some(t)) = (producer(self, &pid), self.cluster.topic_index(&topic)) else {
                    return;
                };
                self.with_ctx(NodeId::Producer(ProducerIdx(p)), |s, ctx| {
                    for i in 0..count {
                        let key = key_prefix
                            .as_ref()
                            .map(|k| alloc::format!("{k}-{}", i % distinct_keys.max(1)));
                        let mut value = alloc::format!("#{i}");
                        while value.len() < value_bytes as usize {
                            value.push('.');
                        }
                        s.producers[p].send(ctx, s.cluster, t, RecordData { key, value });
                    }
                });
            }
            Action::AddConsumer { consumer: spec } => {
                let i = self.consumers.len();
                self.consumers.push(Consumer::new(spec));
                self.with_ctx(NodeId::Consumer(ConsumerIdx(i)), |s, ctx| {
                    s.consumers[i].start(ctx, s.cluster)
                });
            }
            Action::RemoveConsumer { consumer: id } => {
                let Some(c) = consumer(self, &id) else { return };
                self.with_ctx(NodeId::Consumer(ConsumerIdx(c)), |s, ctx| {
                    s.consumers[c].close(ctx, s.cluster)
                });
            }
            Action::Commit { consumer: id } => {
                let Some(c) = consumer(self, &id) else { return };
                self.with_ctx(NodeId::Consumer(ConsumerIdx(c)), |s, ctx| {
                    s.consumers[c].commit_now(ctx)
                });
            }
            Action::CrashConsumer { consumer: id } => {
                let Some(c) = consumer(self, &id) else { return };
                self.with_ctx(NodeId::Consumer(ConsumerIdx(c)), |s, ctx| s.consumers[c].crash(ctx));
            }
            Action::AddPartitions { topic, count } => {
                let Some(t) = self.cluster.topic_index(&topic) else {
                    return;
                };
                let Some(from) = self.cluster.add_partitions(t, count, &mut self.rng) else {
                    return;
                };
                self.with_ctx(NodeId::Controller, |_, ctx| {
                    ctx.trace(TraceKind::PartitionsAdded {
                        topic: topic.clone(),
                        from,
                        to: count,
                    })
                });
                for c in 0..self.consumers.len() {
                    self.with_ctx(NodeId::Consumer(ConsumerIdx(c)), |s, ctx| {
                        s.consumers[c].on_partitions_added(ctx, s.cluster)
                    });
                }
            }
            Action::CrashBroker { broker } => self.crash_broker(BrokerId(broker)),
            Action::RestartBroker { broker } => self.restart_broker(BrokerId(broker)),
        }
    }

    fn crash_broker(&mut self, b: BrokerId) {
        let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
            return;
        };
        if !broker.up {
            return;
        }
        broker.up = false;
        broker.incarnation += 1;
        let incarnation = broker.incarnation;
        self.cluster.parked_fetches.retain(|_, f| f.broker != b);
        let broken: Vec<(u64, NodeId)> = self
            .pending
            .iter()
            .filter(|(_, (_, to))| *to == b)
            .map(|(id, (client, _))| (*id, *client))
            .collect();
        self.with_ctx(NodeId::Broker(b), |_, ctx| {
            ctx.trace(TraceKind::BrokerCrashed { broker: b.0 });
            for (id, client) in &broken {
                ctx.send(*client, Msg::Disconnected { id: *id });
            }
        });
        for (id, _) in broken {
            self.pending.remove(&id);
        }
        // The KRaft controller fences a broker that stops heartbeating.
        self.push(
            self.now + BROKER_SESSION_TIMEOUT_MS,
            Event::Timer {
                node: NodeId::Controller,
                timer: Timer::Fence { broker: b, incarnation },
            },
        );
    }

    fn fence(&mut self, b: BrokerId, incarnation: u32) {
        let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
            return;
        };
        if broker.up || broker.incarnation != incarnation || broker.fenced {
            return;
        }
        broker.fenced = true;
        self.cluster.elect_offsets_leaders_without(b);
        let offline = self.partitions_of(b);
        self.with_ctx(NodeId::Controller, |_, ctx| {
            ctx.trace(TraceKind::BrokerFenced { broker: b.0, offline })
        });
    }

    fn restart_broker(&mut self, b: BrokerId) {
        let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
            return;
        };
        if broker.up {
            return;
        }
        let was_fenced = broker.fenced;
        broker.up = true;
        broker.fenced = false;
        self.cluster.elect_offsets_leaders_with(b);
        let online = if was_fenced { self.partitions_of(b) } else { Vec::new() };
        self.with_ctx(NodeId::Broker(b), |_, ctx| {
            ctx.trace(TraceKind::BrokerRestarted { broker: b.0, online })
        });
    }

    fn partitions_of(&self, b: BrokerId) -> Vec<String> {
        let mut names = Vec::new();
        for (t, topic) in self.cluster.topics.iter().enumerate() {
            for (p, part) in topic.partitions.iter().enumerate() {
                if part.replica == b {
                    names.push(self.cluster.tp_name(crate::kafka::Tp {
                        topic: t,
                        partition: p as u32,
                    }));
                }
            }
        }
        names
    }

    /// FNV-1a over every kept trace entry's JSON, plus the number dropped: equal runs give equal hashes.
    pub fn trace_hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(&self.trace_dropped.to_le_bytes());
        for e in &self.trace {
            eat(serde_json::to_string(e).unwrap_or_default().as_bytes());
            eat(b"\n");
        }
        h
    }
}

/// The parts of the simulation a handler may touch, borrowed apart from the PRNG and effect list.
struct SimParts<'a> {
    cluster: &'a mut Cluster,
    producers: &'a mut Vec<Producer>,
    consumers: &'a mut Vec<Consumer>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet_scenario() -> Scenario {
        // One consumer that is stable after ~6 s, then only heartbeats and empty fetches.
        Scenario::from_json(
            r#"{"version":1,"seed":1,"duration_ms":60000,
                "kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}],
                "consumers":[{"id":"c","group":"g","topics":["t"]}]}}"#,
        )
        .unwrap()
    }

    #[test]
    fn advance_stops_after_the_quiet_limit_instead_of_jumping_to_the_end() {
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        sim.run_until(20_000);
        let before = sim.trace_total();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Quiet);
        assert_eq!(sim.now_ms(), 25_000, "the clock moved exactly the quiet limit");
        assert_eq!(sim.trace_total(), before);
    }

    #[test]
    fn advance_reports_entries_and_the_end() {
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Entry);
        sim.run_to_end();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Finished);
    }

    #[test]
    fn actions_win_ties_with_queued_events() {
        // A live action lands at now+1 and runs before any event queued for that millisecond,
        // which is what makes replays of learner clicks exact.
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        sim.run_until(10_000);
        let at = sim.push_action(Action::CrashBroker { broker: 0 }).unwrap();
        assert_eq!(at, 10_001);
        sim.run_until(at);
        let replay = {
            let mut r = Sim::new(sim.scenario().clone()).unwrap();
            r.run_until(at);
            r
        };
        assert_eq!(replay.trace(), sim.trace());
        assert!(matches!(
            sim.trace().last().map(|e| &e.kind),
            Some(TraceKind::BrokerCrashed { broker: 0 })
        ));
    }
}
