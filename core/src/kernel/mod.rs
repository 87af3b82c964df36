//! The broker-neutral simulation kernel: virtual time, the event queue ordered by (time,
//! sequence), the seeded PRNG, the node table, the network with its one fault layer (latency,
//! partitions, drops, delays, slow nodes, crashes and restarts), request/response bookkeeping with
//! timeouts, the work budget and the trace ring. It knows no broker: messages, timers and trace
//! events are type parameters, and systems (`kafka/`, later `rabbit/`, `rocket/`, `delay/`) reach
//! it through `send`, `timer`, `record` and the `Due` items the loop in `sim.rs` hands them.
pub mod chunked;
pub mod net;
pub mod rng;
pub mod time;
pub mod trace;

use alloc::collections::{BTreeMap, BTreeSet, BinaryHeap};
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;

use net::{Compiled, CompiledKind, FaultRule, NetworkSpec};
use rng::Rng;
use time::Instant;
use trace::{KernelEvent, TraceEntry, TraceRing};

/// A node anywhere in the scenario: a broker, a client, a controller. Ids are dense, in the order
/// systems register their nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The system the node belongs to (`kafka`), for qualified names (`kafka:broker-0`).
    pub system: &'static str,
    pub name: String,
    pub up: bool,
    /// Counts crashes: a message sent to an earlier life, or a timer set by one, is dropped.
    pub incarnation: u32,
}

/// Bounds on everything that grows (TigerBeetle style): past them the simulation halts, or the
/// trace drops its oldest entries, and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_queued_events: usize,
    pub max_trace_entries: usize,
    /// Work units (events processed plus trace entries made) a run may spend; see `budget`.
    pub max_work: u64,
    /// Work units between checkpoints at first (`sim::Sim` doubles it when it thins them). Tests
    /// set it small to exercise seeking on short runs.
    pub checkpoint_interval: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_queued_events: 200_000,
            // 250 000 entries of 40 bytes: 10 MB, far more than the page's log shows; the runner
            // prints every entry as it is made, whatever the ring keeps.
            max_trace_entries: 250_000,
            max_work: crate::budget::MAX_WORK_UNITS,
            checkpoint_interval: crate::sim::CHECKPOINT_INTERVAL,
        }
    }
}

/// Why a request failed without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection broke: the peer crashed, or refused the connection because it is down.
    Disconnected,
    /// No answer within the request's timeout; the requester closed that connection.
    TimedOut,
}

/// What a node receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery<M> {
    /// A one-way message.
    Message(M),
    Request {
        id: u64,
        body: M,
    },
    Response {
        id: u64,
        body: M,
    },
    Failed {
        id: u64,
        why: Failure,
    },
}

impl<M> Delivery<M> {
    /// The same delivery with its body converted; `None` when `f` refuses the body.
    pub fn try_map<N>(self, f: impl FnOnce(M) -> Option<N>) -> Option<Delivery<N>> {
        Some(match self {
            Delivery::Message(m) => Delivery::Message(f(m)?),
            Delivery::Request { id, body } => Delivery::Request { id, body: f(body)? },
            Delivery::Response { id, body } => Delivery::Response { id, body: f(body)? },
            Delivery::Failed { id, why } => Delivery::Failed { id, why },
        })
    }
}

/// How a request is tracked: its timeout, and the connection ("lane") it travels on between the
/// two nodes. A timeout closes that connection and fails every request still on it, as a TCP
/// client does (Kafka's `NetworkClient#handleTimedOutRequests`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSpec {
    pub timeout_ms: u64,
    pub lane: u8,
    /// A name for sentences ("JoinGroup").
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
enum Event<M, T> {
    Deliver {
        from: NodeId,
        to: NodeId,
        to_incarnation: u32,
        delivery: Delivery<M>,
    },
    Timer {
        node: NodeId,
        incarnation: u32,
        timer: T,
    },
    FaultEdge {
        rule: u32,
        begins: bool,
    },
}

/// What the loop must hand to a system next.
#[derive(Debug, Clone, PartialEq)]
pub enum Due<M, T> {
    Delivery {
        to: NodeId,
        from: NodeId,
        delivery: Delivery<M>,
    },
    Timer {
        node: NodeId,
        timer: T,
    },
    /// Requests failed by a timeout: `(requester, request id)`, in request order.
    TimedOut(Vec<(NodeId, u64)>),
    /// The event was the kernel's own, or was dropped (a message to a crashed node's earlier life).
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    from: NodeId,
    to: NodeId,
    spec: RequestSpec,
    deadline: Instant,
    /// The responder has sent its answer (which may still be on the wire, or lost).
    answered: bool,
}

/// The queue: a heap of `(time, sequence, slot)` keys over a slab of events, so heap moves are
/// small whatever an event carries.
#[derive(Debug, Clone)]
struct Queue<M, T> {
    heap: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    slab: Vec<Option<Event<M, T>>>,
    free: Vec<u32>,
}

impl<M, T> Queue<M, T> {
    fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            slab: Vec::new(),
            free: Vec::new(),
        }
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
    fn push(&mut self, at: Instant, seq: u64, event: Event<M, T>) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slab.push(Some(event));
                (self.slab.len() - 1) as u32
            }
        };
        self.heap.push(Reverse((at, seq, slot)));
    }
    fn peek_time(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }
    fn pop(&mut self) -> Option<Event<M, T>> {
        let Reverse((_, _, slot)) = self.heap.pop()?;
        self.free.push(slot);
        self.slab.get_mut(slot as usize)?.take()
    }
}

/// What a system's handler borrows from the kernel while it runs: the time, the PRNG, request
/// ids, and a way to record trace entries straight into the ring (the per-record hot path).
pub struct Io<'a> {
    pub now: Instant,
    pub rng: &'a mut Rng,
    pub next_request_id: &'a mut u64,
    pub steps: u64,
    /// Work units spent: one per trace entry recorded through this borrow.
    pub work: &'a mut u64,
}

impl Io<'_> {
    pub fn record<E: PartialEq>(&mut self, trace: &mut TraceRing<E>, node: NodeId, event: E) {
        *self.work += 1;
        trace.push(TraceEntry::new(self.steps, self.now.ms(), node, event));
    }
}

#[derive(Debug, Clone)]
pub struct Kernel<M, T> {
    now: Instant,
    steps: u64,
    work: u64,
    seq: u64,
    pub rng: Rng,
    queue: Queue<M, T>,
    nodes: Vec<Node>,
    pending: BTreeMap<u64, Pending>,
    deadlines: BTreeSet<(Instant, u64)>,
    /// Request ids, unique over the run; systems take them from here.
    pub next_request_id: u64,
    network: NetworkSpec,
    rules: Rc<Vec<FaultRule>>,
    compiled: Vec<Compiled>,
    limits: Limits,
    halted: Option<String>,
}

impl<M: Clone, T: Clone> Kernel<M, T> {
    pub fn new(seed: u64, network: NetworkSpec, limits: Limits) -> Self {
        Kernel {
            now: Instant::ZERO,
            steps: 0,
            work: 0,
            seq: 0,
            rng: Rng::seeded(seed),
            queue: Queue::new(),
            nodes: Vec::new(),
            pending: BTreeMap::new(),
            deadlines: BTreeSet::new(),
            next_request_id: 0,
            network,
            rules: Rc::new(Vec::new()),
            compiled: Vec::new(),
            limits,
            halted: None,
        }
    }

    pub fn now(&self) -> Instant {
        self.now
    }
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn work(&self) -> u64 {
        self.work
    }
    pub fn limits(&self) -> Limits {
        self.limits
    }
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }
    pub fn queued(&self) -> usize {
        self.queue.len()
    }
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0 as usize)
    }
    pub fn is_up(&self, id: NodeId) -> bool {
        self.node(id).is_some_and(|n| n.up)
    }
    pub fn fault_rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// A node by its name, or by `system:name`.
    pub fn node_by_name(&self, name: &str) -> Option<NodeId> {
        let (system, bare) = match name.split_once(':') {
            Some((s, n)) => (Some(s), n),
            None => (None, name),
        };
        self.nodes
            .iter()
            .position(|n| n.name == bare && system.is_none_or(|s| s == n.system))
            .map(|i| NodeId(i as u32))
    }

    pub fn add_node(&mut self, system: &'static str, name: String) -> NodeId {
        self.nodes.push(Node {
            system,
            name,
            up: true,
            incarnation: 0,
        });
        // A rule may name a node that only now exists (a consumer added by an action).
        self.compile_rules();
        NodeId((self.nodes.len() - 1) as u32)
    }

    /// Installs the scenario's fault rules and queues the moments they begin and end.
    pub fn set_fault_rules(&mut self, rules: Rc<Vec<FaultRule>>) {
        let known = self.rules.len();
        self.rules = rules;
        self.compile_rules();
        let windows: Vec<(u64, Option<u64>)> = self.rules.iter().skip(known).map(FaultRule::window).collect();
        for (i, (from_ms, until_ms)) in windows.into_iter().enumerate() {
            let i = known + i;
            let rule = i as u32;
            self.push(Instant(from_ms), Event::FaultEdge { rule, begins: true });
            if let Some(until) = until_ms {
                self.push(Instant(until), Event::FaultEdge { rule, begins: false });
            }
        }
    }

    fn compile_rules(&mut self) {
        let nodes = &self.nodes;
        let resolve = |name: &str| -> Option<NodeId> {
            let (system, bare) = match name.split_once(':') {
                Some((s, n)) => (Some(s), n),
                None => (None, name),
            };
            nodes
                .iter()
                .position(|n| n.name == bare && system.is_none_or(|s| s == n.system))
                .map(|i| NodeId(i as u32))
        };
        self.compiled = self.rules.iter().map(|r| Compiled::new(r, &resolve)).collect();
    }

    /// Time of the next queued event or request deadline.
    pub fn next_time(&self) -> Option<Instant> {
        let q = self.queue.peek_time();
        let d = self.deadlines.first().map(|(at, _)| *at);
        match (q, d) {
            (Some(q), Some(d)) => Some(q.min(d)),
            (q, d) => q.or(d),
        }
    }

    /// Starts a step at `t`: the clock moves, the step and work counters count it.
    pub fn begin_step(&mut self, t: Instant) {
        self.now = self.now.max(t);
        self.steps += 1;
        self.work += 1;
        if self.work >= self.limits.max_work && self.halted.is_none() {
            self.halted = Some(alloc::format!(
                "the work budget of {} units (events plus trace entries) is used up",
                self.limits.max_work
            ));
        }
    }

    /// Moves the clock without an event (a quiet stretch, the end of `run_until`).
    pub fn set_clock(&mut self, t: Instant) {
        self.now = self.now.max(t);
    }

    pub fn halt(&mut self, why: String) {
        if self.halted.is_none() {
            self.halted = Some(why);
        }
    }

    /// The parts a handler may use while the kernel is otherwise untouched.
    pub fn io(&mut self) -> Io<'_> {
        Io {
            now: self.now,
            rng: &mut self.rng,
            next_request_id: &mut self.next_request_id,
            steps: self.steps,
            work: &mut self.work,
        }
    }

    /// Records a trace entry at the current step and time.
    pub fn record<E: PartialEq>(&mut self, trace: &mut TraceRing<E>, node: NodeId, event: E) {
        self.work += 1;
        trace.push(TraceEntry::new(self.steps, self.now.ms(), node, event));
    }

    fn push(&mut self, at: Instant, event: Event<M, T>) -> bool {
        if self.queue.len() >= self.limits.max_queued_events {
            self.halt(alloc::format!(
                "the event queue reached its limit of {} events",
                self.limits.max_queued_events
            ));
            return false;
        }
        self.seq += 1;
        self.queue.push(at, self.seq, event);
        true
    }

    /// A timer for `node`, fired at `at` unless the node crashes first.
    pub fn timer(&mut self, node: NodeId, at: Instant, timer: T) {
        let incarnation = self.node(node).map_or(0, |n| n.incarnation);
        self.push(
            at,
            Event::Timer {
                node,
                incarnation,
                timer,
            },
        );
    }

    /// Sends `delivery` from `from` to `to` over the network: one latency draw, then the fault
    /// rules. A request is tracked until its response arrives, it times out, or its peer crashes.
    pub fn send<E: From<KernelEvent> + PartialEq>(
        &mut self,
        trace: &mut TraceRing<E>,
        from: NodeId,
        to: NodeId,
        delivery: Delivery<M>,
        request: Option<RequestSpec>,
    ) {
        match (&delivery, request) {
            (Delivery::Request { id, .. }, Some(spec)) => {
                let deadline = self.now + spec.timeout_ms;
                self.pending.insert(
                    *id,
                    Pending {
                        from,
                        to,
                        spec,
                        deadline,
                        answered: false,
                    },
                );
                self.deadlines.insert((deadline, *id));
            }
            (Delivery::Response { id, .. }, _) => {
                if let Some(p) = self.pending.get_mut(id) {
                    p.answered = true;
                }
            }
            _ => {}
        }
        let latency = self
            .rng
            .between(self.network.latency_ms_min, self.network.latency_ms_max);
        let mut extra_ms = 0;
        // What a lost message was, for the sentence: the request's name, or its response's.
        let what = match (&delivery, request) {
            (_, Some(r)) => (r.label, false),
            (Delivery::Response { id, .. }, None) => (self.pending.get(id).map_or("request", |p| p.spec.label), true),
            _ => ("message", false),
        };
        // A partition with an end holds what crosses it until then (TCP retransmits), and
        // delivers it in order: everything held arrives `latency_ms_max` after the end.
        let mut held_until: Option<u64> = None;
        let mut notes: Vec<KernelEvent> = Vec::new();
        let mut lost_any = false;
        for (i, rule) in self.compiled.iter().enumerate() {
            if !rule.active(self.now.ms()) {
                continue;
            }
            let (lost, held) = match &rule.kind {
                CompiledKind::Partition(a, b) => {
                    let pair = (Some(from), Some(to));
                    let cut = pair == (*a, *b) || pair == (*b, *a);
                    let healed = (rule.until_ms != u64::MAX).then_some(rule.until_ms);
                    match (cut, healed) {
                        (true, Some(until)) => (false, Some(until)),
                        (true, None) => (true, None),
                        _ => (false, None),
                    }
                }
                CompiledKind::Drop {
                    from: f,
                    to: t,
                    percent,
                } => (
                    net::matches(f, from) && net::matches(t, to) && self.rng.below(100) < u64::from(*percent),
                    None,
                ),
                CompiledKind::Delay {
                    from: f,
                    to: t,
                    extra_ms: e,
                } => {
                    if net::matches(f, from) && net::matches(t, to) {
                        extra_ms += e;
                    }
                    (false, None)
                }
                CompiledKind::Slow(node, e) => {
                    if *node == Some(to) {
                        extra_ms += e;
                    }
                    (false, None)
                }
            };
            if lost || held.is_some() {
                let note = trace::Lost {
                    from,
                    to,
                    rule: i as u32,
                    what: what.0,
                    response: what.1,
                    held_until: held,
                };
                if lost {
                    notes.push(KernelEvent::MessageLost(note.into()));
                    lost_any = true;
                    break;
                }
                notes.push(KernelEvent::MessageHeld(note.into()));
                held_until = held_until.max(held);
            }
        }
        for note in notes {
            self.record(trace, from, E::from(note));
        }
        if lost_any {
            return;
        }
        if let Some(until) = held_until {
            let to_incarnation = self.node(to).map_or(0, |n| n.incarnation);
            let at = Instant(until).after_ms(self.network.latency_ms_max + extra_ms);
            self.push(
                at,
                Event::Deliver {
                    from,
                    to,
                    to_incarnation,
                    delivery,
                },
            );
            return;
        }
        let to_incarnation = self.node(to).map_or(0, |n| n.incarnation);
        self.push(
            self.now + latency + extra_ms,
            Event::Deliver {
                from,
                to,
                to_incarnation,
                delivery,
            },
        );
    }

    /// Tells `to` that request `id` failed, one network hop later (how a client sees a reset or
    /// refused connection). Not subject to fault rules: it models the client noticing locally.
    fn fail_over_network(&mut self, from: NodeId, to: NodeId, id: u64) {
        let latency = self
            .rng
            .between(self.network.latency_ms_min, self.network.latency_ms_max);
        let to_incarnation = self.node(to).map_or(0, |n| n.incarnation);
        self.push(
            self.now + latency,
            Event::Deliver {
                from,
                to,
                to_incarnation,
                delivery: Delivery::Failed {
                    id,
                    why: Failure::Disconnected,
                },
            },
        );
    }

    fn forget(&mut self, id: u64) -> Option<Pending> {
        let p = self.pending.remove(&id)?;
        self.deadlines.remove(&(p.deadline, id));
        Some(p)
    }

    /// The node's process dies: later messages to it are dropped, its timers never fire, and every
    /// request it had not answered fails at its requester as a broken connection.
    pub fn crash(&mut self, node: NodeId) -> bool {
        let Some(n) = self.nodes.get_mut(node.0 as usize) else {
            return false;
        };
        if !n.up {
            return false;
        }
        n.up = false;
        n.incarnation += 1;
        let broken: Vec<(u64, NodeId)> = self
            .pending
            .iter()
            .filter(|(_, p)| p.to == node && !p.answered)
            .map(|(id, p)| (*id, p.from))
            .collect();
        for (id, requester) in broken {
            self.forget(id);
            self.fail_over_network(node, requester, id);
        }
        // Its own requests can no longer time out: nobody is left to notice. (They stay pending,
        // so a responder that crashes later still "resets" them, as it always has.)
        let own: Vec<(Instant, u64)> = self
            .pending
            .iter()
            .filter(|(_, p)| p.from == node)
            .map(|(id, p)| (p.deadline, *id))
            .collect();
        for key in own {
            self.deadlines.remove(&key);
        }
        true
    }

    pub fn restart(&mut self, node: NodeId) -> bool {
        match self.nodes.get_mut(node.0 as usize) {
            Some(n) if !n.up => {
                n.up = true;
                true
            }
            _ => false,
        }
    }

    /// Takes the next item due at `t` (queued events first, then request deadlines), applying the
    /// kernel's own rules: deliveries to a crashed node or its earlier life are dropped, a request to
    /// a node that is down is refused, a response to a request that timed out is ignored.
    pub fn pop_due<E: From<KernelEvent> + PartialEq>(&mut self, t: Instant, trace: &mut TraceRing<E>) -> Due<M, T> {
        if self.queue.peek_time() == Some(t) {
            let Some(event) = self.queue.pop() else {
                return Due::Nothing;
            };
            return match event {
                Event::Deliver {
                    from,
                    to,
                    to_incarnation,
                    delivery,
                } => self.accept(from, to, to_incarnation, delivery),
                Event::Timer {
                    node,
                    incarnation,
                    timer,
                } => {
                    if self.node(node).is_some_and(|n| n.incarnation == incarnation) {
                        Due::Timer { node, timer }
                    } else {
                        Due::Nothing
                    }
                }
                Event::FaultEdge { rule, begins } => {
                    let event = if begins {
                        KernelEvent::FaultBegins { rule }
                    } else {
                        KernelEvent::FaultEnds { rule }
                    };
                    let node = self.rule_node(rule as usize);
                    self.record(trace, node, E::from(event));
                    Due::Nothing
                }
            };
        }
        let Some(&(at, id)) = self.deadlines.first() else {
            return Due::Nothing;
        };
        if at != t {
            return Due::Nothing;
        }
        let Some(expired) = self.forget(id) else {
            return Due::Nothing;
        };
        if !self.is_up(expired.from) {
            return Due::Nothing;
        }
        // The requester closes the connection: everything else in flight on it fails too.
        let mut failed = alloc::vec![(expired.from, id)];
        let same: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| p.from == expired.from && p.to == expired.to && p.spec.lane == expired.spec.lane)
            .map(|(id, _)| *id)
            .collect();
        for other in same {
            self.forget(other);
            failed.push((expired.from, other));
        }
        failed.sort_by_key(|(_, id)| *id);
        let timed_out = trace::TimedOut {
            to: expired.to,
            what: expired.spec.label,
            timeout_ms: expired.spec.timeout_ms,
            failed: failed.len() as u32,
        };
        self.record(
            trace,
            expired.from,
            E::from(KernelEvent::RequestTimedOut(timed_out.into())),
        );
        Due::TimedOut(failed)
    }

    /// The node a fault rule's begin/end entry is attributed to: its first named node.
    fn rule_node(&self, rule: usize) -> NodeId {
        match self.compiled.get(rule).map(|c| &c.kind) {
            Some(CompiledKind::Partition(Some(a), _)) | Some(CompiledKind::Slow(Some(a), _)) => *a,
            Some(CompiledKind::Drop {
                from: Some(Some(a)), ..
            })
            | Some(CompiledKind::Delay {
                from: Some(Some(a)), ..
            })
            | Some(CompiledKind::Drop { to: Some(Some(a)), .. })
            | Some(CompiledKind::Delay { to: Some(Some(a)), .. }) => *a,
            _ => NodeId(0),
        }
    }

    fn accept(&mut self, from: NodeId, to: NodeId, to_incarnation: u32, delivery: Delivery<M>) -> Due<M, T> {
        let (up, same_life) = self
            .node(to)
            .map_or((false, false), |n| (n.up, n.incarnation == to_incarnation));
        match &delivery {
            // Sent to an earlier life: its requester was told the connection broke at the crash.
            Delivery::Request { .. } if !same_life => return Due::Nothing,
            Delivery::Request { id, .. } if !up => {
                // Connection refused: the requester learns one network hop later.
                let id = *id;
                self.forget(id);
                self.fail_over_network(to, from, id);
                return Due::Nothing;
            }
            Delivery::Response { id, .. } => {
                let known = self.forget(*id).is_some();
                if !known || !up || !same_life {
                    return Due::Nothing;
                }
            }
            _ if !up || !same_life => return Due::Nothing,
            _ => {}
        }
        Due::Delivery { to, from, delivery }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type K = Kernel<&'static str, &'static str>;
    type Ring = TraceRing<KernelEvent>;

    fn kernel() -> (K, Ring, NodeId, NodeId) {
        let mut k = K::new(1, NetworkSpec::default(), Limits::default());
        let a = k.add_node("test", "a".into());
        let b = k.add_node("test", "b".into());
        (k, TraceRing::new(100), a, b)
    }

    /// Runs the kernel alone, collecting what would reach systems.
    fn drain(k: &mut K, ring: &mut Ring) -> Vec<(u64, Due<&'static str, &'static str>)> {
        let mut out = Vec::new();
        while let Some(t) = k.next_time() {
            k.begin_step(t);
            let due = k.pop_due(t, ring);
            if due != Due::Nothing {
                out.push((t.ms(), due));
            }
        }
        out
    }

    fn spec(timeout_ms: u64) -> Option<RequestSpec> {
        Some(RequestSpec {
            timeout_ms,
            lane: 0,
            label: "Test",
        })
    }

    #[test]
    fn events_come_out_in_time_then_sequence_order() {
        let (mut k, mut ring, a, _) = kernel();
        k.timer(a, Instant(5), "second");
        k.timer(a, Instant(3), "first");
        k.timer(a, Instant(5), "third");
        let fired: Vec<&str> = drain(&mut k, &mut ring)
            .into_iter()
            .filter_map(|(_, d)| match d {
                Due::Timer { timer, .. } => Some(timer),
                _ => None,
            })
            .collect();
        assert_eq!(fired, ["first", "second", "third"]);
    }

    #[test]
    fn a_crash_fails_unanswered_requests_and_drops_later_messages() {
        let (mut k, mut ring, a, b) = kernel();
        k.send(&mut ring, a, b, Delivery::Request { id: 1, body: "req" }, spec(30_000));
        k.crash(b);
        let got = drain(&mut k, &mut ring);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(matches!(
            got[0].1,
            Due::Delivery {
                delivery: Delivery::Failed {
                    id: 1,
                    why: Failure::Disconnected
                },
                ..
            }
        ));
        // While b is down, a new request is refused one hop later.
        k.send(&mut ring, a, b, Delivery::Request { id: 2, body: "req" }, spec(30_000));
        let got = drain(&mut k, &mut ring);
        assert!(matches!(
            got[0].1,
            Due::Delivery {
                delivery: Delivery::Failed { id: 2, .. },
                ..
            }
        ));
    }

    #[test]
    fn a_timeout_fails_every_request_on_the_same_connection() {
        let (mut k, mut ring, a, b) = kernel();
        k.set_fault_rules(Rc::new(alloc::vec![FaultRule::Partition {
            between: ["a".into(), "b".into()],
            from_ms: 0,
            until_ms: None
        }]));
        k.send(&mut ring, a, b, Delivery::Request { id: 1, body: "x" }, spec(1_000));
        k.send(&mut ring, a, b, Delivery::Request { id: 2, body: "y" }, spec(5_000));
        let got = drain(&mut k, &mut ring);
        assert_eq!(got, [(1_000, Due::TimedOut(alloc::vec![(a, 1), (a, 2)]))]);
        let lost = ring
            .iter()
            .filter(|e| matches!(e.event, KernelEvent::MessageLost { .. }))
            .count();
        assert_eq!(lost, 2);
    }

    #[test]
    fn a_response_stops_the_timeout_and_delay_rules_add_latency() {
        let (mut k, mut ring, a, b) = kernel();
        k.set_fault_rules(Rc::new(alloc::vec![FaultRule::Delay {
            from: Some("b".into()),
            to: None,
            extra_ms: 500,
            from_ms: 0,
            until_ms: None
        }]));
        k.send(&mut ring, a, b, Delivery::Request { id: 1, body: "q" }, spec(1_000));
        k.send(&mut ring, b, a, Delivery::Response { id: 1, body: "r" }, None);
        let got = drain(&mut k, &mut ring);
        let times: Vec<u64> = got.iter().map(|(t, _)| *t).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(times[1] >= 501, "the delayed response came at {}", times[1]);
        assert!(!got.iter().any(|(_, d)| matches!(d, Due::TimedOut(_))));
    }

    #[test]
    fn timers_of_an_earlier_life_never_fire() {
        let (mut k, mut ring, a, _) = kernel();
        k.timer(a, Instant(10), "stale");
        k.crash(a);
        k.restart(a);
        k.timer(a, Instant(20), "fresh");
        let fired: Vec<_> = drain(&mut k, &mut ring).into_iter().map(|(t, _)| t).collect();
        assert_eq!(fired, [20]);
    }

    #[test]
    fn the_work_budget_halts_the_run() {
        let mut k = K::new(
            1,
            NetworkSpec::default(),
            Limits {
                max_work: 3,
                ..Limits::default()
            },
        );
        let a = k.add_node("test", "a".into());
        for t in 1..10 {
            k.timer(a, Instant(t), "tick");
        }
        for _ in 0..3 {
            let t = k.next_time().unwrap();
            k.begin_step(t);
        }
        assert!(k.halted().is_some_and(|h| h.contains("work budget")));
    }
}
