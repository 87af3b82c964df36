//! The timer lab as the kernel sees it: a node per wheel (named as the scenario names it), the
//! tasks in an arena, and kernel timers standing for the threads that drive the wheels — Kafka's
//! reaper wakes when the delay queue's first bucket is due, Netty's worker at the end of each tick
//! that has work. At one instant the scenario's actions come first, then the threads: an
//! `add_many` too big for one step goes on in later steps at the same instant, and a thread due
//! meanwhile is held until its last slice is in (`held`), since the kernel runs timers of one
//! instant in the order they were set.
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::hashed::HashedWheel;
use super::spec::{Action, DelaySpec, WheelKind, ADD_SLICE};
use super::spec::{PRODUCER_NODE, REDIS_NODE};
use super::trace::{Event, TaskTold};
use super::wheel::HierarchicalWheel;
use super::zset::{Claim, Out, Peer, Poller, RedisLab, Wire};
use super::{TaskId, SYSTEM};
use crate::kernel::chunked::ChunkVec;
use crate::kernel::time::Instant;
use crate::kernel::Delivery;
use crate::kernel::NodeId;
use crate::systems::{Event as SimEvent, Message as SimMessage, SimKernel as K, Timer as SimTimer, Trace as Ring};

/// Tasks whose outcome is kept one by one (named tasks always): the rest are counted.
pub const TRACKED_TASKS: u32 = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    /// Kafka's reaper wakes: the delay queue's first bucket is due.
    Reap { wheel: u8 },
    /// Netty's worker ends tick `tick`.
    Tick { wheel: u8, tick: u64 },
    /// The next slice of an `add_many`.
    AddSlice { many: u32 },
    /// A Redis poller wakes from its sleep.
    Poll { poller: u8 },
    /// A Redis poller's publish in hand is done.
    PublishDone { poller: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Named(u32),
    Many { many: u32, ordinal: u32 },
}

/// What never changes once a task is added (24 bytes, in a shared arena).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskInfo {
    pub label: Label,
    pub wheel: u8,
    pub added_at_ms: u64,
    /// `delayMs + now` (Kafka's `expirationMs`); for Netty the deadline is this minus `startTime`.
    pub expiration_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Waiting,
    Ran { at_ms: u64 },
    Cancelled { at_ms: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracked {
    pub outcome: Outcome,
    /// Re-insertions (Kafka) or rounds passed (Netty).
    pub moves: u32,
}

#[derive(Debug, Clone)]
pub enum Engine {
    Hierarchical(HierarchicalWheel),
    Simple(HashedWheel),
}

#[derive(Debug, Clone)]
pub struct WheelState {
    pub name: String,
    pub kind: WheelKind,
    pub configured_size: u32,
    pub start_ms: u64,
    pub node: NodeId,
    pub engine: Engine,
    /// When the driving thread is next woken (a kernel timer is set for it).
    armed: Option<u64>,
    pub stats: Stats,
}

/// Counts over every task of a wheel, whatever is tracked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub added: u64,
    pub ran: u64,
    pub cancelled: u64,
    pub moves: u64,
    /// Times the driving thread woke with work (Kafka: reaper polls that got a bucket; Netty:
    /// busy ticks).
    pub wakeups: u64,
    /// Run time minus expiration, smallest and largest.
    pub earliest_offset_ms: Option<i64>,
    pub latest_offset_ms: Option<i64>,
    /// Runs outside the wheel's promise (Kafka: at most one tick early, never late; Netty: never
    /// early, at most one tick late), with the first one.
    pub outside_bound: u64,
    #[serde(skip)]
    pub first_outside: Option<TaskId>,
}

#[derive(Debug, Clone)]
struct Many {
    wheel: u8,
    prefix: Rc<str>,
    count: u32,
    added: u32,
    min_ms: i64,
    max_ms: i64,
    at_ms: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Delay {
    pub wheels: Vec<WheelState>,
    tasks: ChunkVec<TaskInfo>,
    names: Vec<Rc<str>>,
    by_name: BTreeMap<(u8, Rc<str>), TaskId>,
    many: Vec<Many>,
    pub tracked: BTreeMap<TaskId, Tracked>,
    /// The Redis sorted-set delay queue, if the section has one.
    pub redis: Option<RedisLab>,
    /// Its nodes: Redis, the producer, the pollers.
    redis_nodes: Option<(NodeId, NodeId, Vec<NodeId>)>,
    /// Thread wakeups (reaper, worker tick, poller) that came due while an `add_many` still had
    /// slices to add at this instant, in the order they came; set again when the last slice is in.
    held: Vec<(NodeId, Timer)>,
}

impl Delay {
    pub fn new(spec: &DelaySpec, k: &mut K) -> Delay {
        let wheels = spec
            .wheels
            .iter()
            .enumerate()
            .map(|(i, w)| WheelState {
                name: w.name.clone(),
                kind: w.kind,
                configured_size: w.wheel_size(),
                start_ms: w.start_ms,
                node: k.add_node(SYSTEM, w.name.clone()),
                engine: match w.kind {
                    WheelKind::Hierarchical => {
                        Engine::Hierarchical(HierarchicalWheel::new(i as u8, w.tick_ms(), w.wheel_size(), w.start_ms))
                    }
                    WheelKind::Simple => Engine::Simple(HashedWheel::new(i as u8, w.tick_ms(), w.wheel_size())),
                },
                armed: None,
                stats: Stats::default(),
            })
            .collect();
        let (redis, redis_nodes) = match &spec.redis {
            None => (None, None),
            Some(r) => {
                let lab = RedisLab::new(
                    r.key.clone(),
                    r.pollers
                        .iter()
                        .map(|p| Poller {
                            publish_ms: p.publish_ms,
                            lease_ms: p.lease_ms(),
                            ..Poller::new(p.name.clone(), p.interval_ms, p.limit, p.claim)
                        })
                        .collect(),
                );
                let nodes = (
                    k.add_node(SYSTEM, REDIS_NODE.into()),
                    k.add_node(SYSTEM, PRODUCER_NODE.into()),
                    r.pollers.iter().map(|p| k.add_node(SYSTEM, p.name.clone())).collect(),
                );
                (Some(lab), Some(nodes))
            }
        };
        Delay {
            wheels,
            tasks: ChunkVec::new(),
            names: Vec::new(),
            by_name: BTreeMap::new(),
            many: Vec::new(),
            tracked: BTreeMap::new(),
            redis,
            redis_nodes,
            held: Vec::new(),
        }
    }

    /// At time 0 every poller makes its first poll.
    pub fn start(&mut self, k: &mut K, trace: &mut Ring) {
        let pollers = self.redis.as_ref().map_or(0, |r| r.pollers.len());
        for p in 0..pollers {
            self.redis_run(k, trace, |lab, now, out| lab.poll(p as u8, now, out));
        }
    }

    /// A command or reply arrived at `to`.
    pub fn deliver(&mut self, k: &mut K, trace: &mut Ring, to: NodeId, from: NodeId, wire: Wire) {
        let (Some(to), Some(from)) = (self.peer(to), self.peer(from)) else {
            return;
        };
        self.redis_run(k, trace, |lab, now, out| match to {
            Peer::Redis => lab.redis(now, from, wire, out),
            _ => lab.reply(now, to, wire, out),
        });
    }

    fn peer(&self, node: NodeId) -> Option<Peer> {
        let (redis, producer, pollers) = self.redis_nodes.as_ref()?;
        if node == *redis {
            Some(Peer::Redis)
        } else if node == *producer {
            Some(Peer::Producer)
        } else {
            pollers.iter().position(|n| *n == node).map(|p| Peer::Poller(p as u8))
        }
    }

    fn node_of(&self, peer: Peer) -> Option<NodeId> {
        let (redis, producer, pollers) = self.redis_nodes.as_ref()?;
        match peer {
            Peer::Redis => Some(*redis),
            Peer::Producer => Some(*producer),
            Peer::Poller(p) => pollers.get(p as usize).copied(),
        }
    }

    /// Runs a Redis-lab handler and does what it asks: entries, sends over the network, wakes.
    fn redis_run(&mut self, k: &mut K, trace: &mut Ring, f: impl FnOnce(&mut RedisLab, u64, &mut Out)) {
        let now = k.now().ms();
        let Some(lab) = self.redis.as_mut() else {
            return;
        };
        let mut out = Out::default();
        f(lab, now, &mut out);
        for (peer, event) in out.events {
            if let Some(node) = self.node_of(peer) {
                k.record(trace, node, SimEvent::Delay(event));
            }
        }
        for (from, to, wire) in out.send {
            if let (Some(from), Some(to)) = (self.node_of(from), self.node_of(to)) {
                k.send(trace, from, to, Delivery::Message(SimMessage::Delay(wire)), None);
            }
        }
        let wakes = out.wake.into_iter().map(|(p, ms)| (p, ms, Timer::Poll { poller: p }));
        let publishes = out
            .publish_at
            .into_iter()
            .map(|(p, ms)| (p, ms, Timer::PublishDone { poller: p }));
        for (p, after_ms, timer) in wakes.chain(publishes) {
            if let Some(node) = self.node_of(Peer::Poller(p)) {
                k.timer(node, k.now().after_ms(after_ms), SimTimer::Delay(timer));
            }
        }
    }

    /// The kernel crashed or restarted one of the lab's nodes. Pollers lose what they hold (see
    /// `RedisLab::crash`); Redis and the producer keep their state (Redis as with
    /// `appendfsync always`), missing only the commands sent to them while down.
    pub fn node_changed(&mut self, k: &mut K, trace: &mut Ring, node: NodeId, crashed: bool) {
        let Some(Peer::Poller(p)) = self.peer(node) else {
            return;
        };
        self.redis_run(k, trace, |lab, now, out| {
            if crashed {
                lab.crash(p, out)
            } else {
                lab.restart(p, now, out)
            }
        });
    }

    pub fn redis_key(&self) -> String {
        self.redis.as_ref().map_or_else(String::new, |r| r.key.clone())
    }
    pub fn member_name(&self, m: u32) -> String {
        self.redis.as_ref().map_or_else(String::new, |r| r.name(m).into())
    }
    pub fn member_due(&self, m: u32) -> i64 {
        self.redis
            .as_ref()
            .and_then(|r| r.fates.get(m as usize))
            .map_or(0, |f| f.due_ms)
    }
    /// The end of a member's lease, while it has one.
    pub fn member_lease(&self, m: u32) -> Option<i64> {
        self.redis
            .as_ref()
            .and_then(|r| r.fates.get(m as usize))
            .and_then(|f| f.leased_until_ms)
    }
    pub fn poller_name(&self, p: u8) -> String {
        self.redis
            .as_ref()
            .and_then(|r| r.pollers.get(p as usize))
            .map_or_else(|| "?".into(), |p| p.name.clone())
    }
    /// The command a poller sends, as redis-cli would show it.
    pub fn range_command(&self, p: u8, max_ms: i64) -> String {
        let key = self.redis_key();
        match self.redis.as_ref().and_then(|r| r.pollers.get(p as usize)) {
            Some(poller) if poller.claim == Claim::Lua => alloc::format!(
                "EVAL \"local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2]) for _, v in ipairs(m) do redis.call('ZREM', KEYS[1], v) end return m\" 1 {key} {max_ms} {}",
                poller.limit
            ),
            Some(poller) if poller.claim == Claim::Lease => alloc::format!(
                "EVAL \"local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2]) for _, v in ipairs(m) do redis.call('ZADD', KEYS[1], ARGV[3], v) end return m\" 1 {key} {max_ms} {} {}",
                poller.limit,
                max_ms + poller.lease_ms as i64
            ),
            Some(poller) => alloc::format!("ZRANGEBYSCORE {key} -inf {max_ms} LIMIT 0 {}", poller.limit),
            None => String::new(),
        }
    }

    pub fn task(&self, t: TaskId) -> TaskInfo {
        self.tasks.get(t as usize).copied().unwrap_or(TaskInfo {
            label: Label::Named(0),
            wheel: 0,
            added_at_ms: 0,
            expiration_ms: 0,
        })
    }
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }
    pub fn task_wheel(&self, t: TaskId) -> u8 {
        self.task(t).wheel
    }
    pub fn task_name(&self, t: TaskId) -> String {
        match self.task(t).label {
            Label::Named(i) => self
                .names
                .get(i as usize)
                .map_or_else(String::new, |n| String::from(&**n)),
            Label::Many { many, ordinal } => {
                alloc::format!("{}-{ordinal}", self.many.get(many as usize).map_or("?", |m| &*m.prefix))
            }
        }
    }
    pub fn task_told(&self, t: TaskId) -> TaskTold {
        let info = self.task(t);
        TaskTold {
            wheel: self.wheel_name(info.wheel),
            task: self.task_name(t),
            added_at_ms: info.added_at_ms,
            delay_ms: info.expiration_ms - info.added_at_ms as i64,
            expiration_ms: info.expiration_ms,
        }
    }
    pub fn wheel_name(&self, w: u8) -> String {
        self.wheels
            .get(w as usize)
            .map_or_else(|| "?".into(), |w| w.name.clone())
    }
    /// A level's tick and bucket count.
    pub fn level_shape(&self, w: u8, level: u8) -> (u64, u32) {
        match self.wheels.get(w as usize).map(|w| &w.engine) {
            Some(Engine::Hierarchical(h)) => (h.levels.get(level as usize).map_or(1, |l| l.tick_ms), h.wheel_size),
            Some(Engine::Simple(s)) => (s.tick_ms, s.wheel_len),
            None => (1, 1),
        }
    }
    /// A level's tick and the expiration of the bucket a task with `expiration_ms` has there.
    pub fn level_of(&self, w: u8, level: u8, expiration_ms: i64) -> (u64, i64) {
        let (tick, _) = self.level_shape(w, level);
        (tick, expiration_ms.max(0) / tick as i64 * tick as i64)
    }
    pub fn is_simple(&self, w: u8) -> bool {
        self.wheels.get(w as usize).is_some_and(|w| w.kind == WheelKind::Simple)
    }
    pub fn hashed_start(&self, w: u8) -> u64 {
        match self.wheels.get(w as usize).map(|w| &w.engine) {
            Some(Engine::Simple(s)) => s.start_ms.unwrap_or(0),
            _ => 0,
        }
    }
    /// Netty's `deadline` (from `startTime`), or Kafka's expiration.
    pub fn deadline_of(&self, t: TaskId) -> i64 {
        let info = self.task(t);
        info.expiration_ms - self.hashed_start(info.wheel) as i64
    }

    pub fn apply(&mut self, k: &mut K, trace: &mut Ring, action: &Action) {
        let now = k.now().ms();
        match action {
            Action::Add { wheel, task, delay_ms } => {
                let Some(w) = self.wheel_index(wheel) else {
                    return;
                };
                let name: Rc<str> = Rc::from(task.as_str());
                self.names.push(name.clone());
                let label = Label::Named((self.names.len() - 1) as u32);
                let id = self.push_task(label, w, now, *delay_ms);
                self.by_name.insert((w, name), id);
                self.tracked.insert(
                    id,
                    Tracked {
                        outcome: Outcome::Waiting,
                        moves: 0,
                    },
                );
                let mut out = Vec::new();
                self.add_to_wheel(w, id, now, &mut out);
                self.emit(k, trace, w, out);
            }
            Action::AddMany {
                wheel,
                prefix,
                count,
                delay_ms_min,
                delay_ms_max,
            } => {
                let Some(w) = self.wheel_index(wheel) else {
                    return;
                };
                self.many.push(Many {
                    wheel: w,
                    prefix: Rc::from(prefix.as_str()),
                    count: *count,
                    added: 0,
                    min_ms: *delay_ms_min,
                    max_ms: *delay_ms_max,
                    at_ms: now,
                });
                self.add_slice(k, trace, (self.many.len() - 1) as u32);
            }
            Action::Zadd { member, delay_ms } => {
                self.redis_run(k, trace, |lab, now, out| lab.zadd(now, member, *delay_ms, out));
            }
            Action::ZaddMany {
                prefix,
                count,
                delay_ms_min,
                delay_ms_max,
            } => {
                let span = (delay_ms_max - delay_ms_min) as u64;
                let delays: Vec<i64> = (0..*count)
                    .map(|_| delay_ms_min + k.rng.below(span + 1) as i64)
                    .collect();
                self.redis_run(k, trace, |lab, now, out| {
                    for (i, delay) in delays.iter().enumerate() {
                        lab.zadd(now, &alloc::format!("{prefix}-{i}"), *delay, out);
                    }
                });
            }
            Action::Cancel { wheel, task } => {
                let Some(w) = self.wheel_index(wheel) else {
                    return;
                };
                let Some(&id) = self.by_name.get(&(w, Rc::from(task.as_str()))) else {
                    return;
                };
                let outcome = self.tracked.get(&id).map(|t| t.outcome);
                let expiration = self.task(id).expiration_ms;
                let deadline = self.deadline_of(id);
                let event = match (&mut self.wheels[w as usize].engine, outcome) {
                    (_, Some(Outcome::Cancelled { at_ms })) => Event::CancelAgain {
                        task: id,
                        cancelled_at_ms: at_ms,
                    },
                    (_, Some(Outcome::Ran { .. }) | None) => Event::CancelTooLate { task: id },
                    (Engine::Hierarchical(h), Some(Outcome::Waiting)) => Event::Cancelled {
                        task: id,
                        left: h.cancel(id, expiration),
                    },
                    (Engine::Simple(s), Some(Outcome::Waiting)) => {
                        s.cancel(id, false);
                        Event::Cancelled {
                            task: id,
                            left: s.bucket_of(id, deadline).map(|b| (0, b)),
                        }
                    }
                };
                if let Event::Cancelled { .. } = event {
                    self.wheels[w as usize].stats.cancelled += 1;
                    if let Some(t) = self.tracked.get_mut(&id) {
                        t.outcome = Outcome::Cancelled { at_ms: now };
                    }
                }
                self.emit(k, trace, w, alloc::vec![event]);
            }
        }
    }

    fn wheel_index(&self, name: &str) -> Option<u8> {
        self.wheels.iter().position(|w| w.name == name).map(|i| i as u8)
    }

    fn push_task(&mut self, label: Label, w: u8, now: u64, delay_ms: i64) -> TaskId {
        let id = self.tasks.len() as TaskId;
        self.tasks.push(TaskInfo {
            label,
            wheel: w,
            added_at_ms: now,
            expiration_ms: now as i64 + delay_ms,
        });
        self.wheels[w as usize].stats.added += 1;
        if id < TRACKED_TASKS {
            self.tracked.entry(id).or_insert(Tracked {
                outcome: Outcome::Waiting,
                moves: 0,
            });
        }
        id
    }

    fn add_to_wheel(&mut self, w: u8, id: TaskId, now: u64, out: &mut Vec<Event>) {
        let expiration = self.task(id).expiration_ms;
        match &mut self.wheels[w as usize].engine {
            Engine::Hierarchical(h) => h.add(id, expiration, false, out),
            Engine::Simple(s) => s.new_timeout(id, now, out),
        }
    }

    /// True while the wheel's reaper is inside `advanceClock` (it holds `SystemTimer`'s write
    /// lock).
    fn locked(&self, w: u8) -> bool {
        matches!(&self.wheels[w as usize].engine, Engine::Hierarchical(h) if h.reaping)
    }

    /// True while an `add_many` made at this instant has slices left to add (all its slices run
    /// at the instant of its action, so any unfinished one is of now).
    fn adding(&self, now: u64) -> bool {
        self.many
            .iter()
            .rev()
            .take_while(|m| m.at_ms == now)
            .any(|m| m.added < m.count)
    }

    fn add_slice(&mut self, k: &mut K, trace: &mut Ring, many: u32) {
        let Some(m) = self.many.get(many as usize).cloned() else {
            return;
        };
        if self.locked(m.wheel) {
            // `SystemTimer.add` waits for the read lock: try again after the flush's next slice.
            // Unreached as long as threads are held while slices remain (a reaper can only be
            // inside `advanceClock` once every add of its instant is in); kept so a change there
            // cannot add into a wheel mid-flush.
            let node = self.wheels[m.wheel as usize].node;
            k.timer(node, k.now(), SimTimer::Delay(Timer::AddSlice { many }));
            return;
        }
        let now = k.now().ms();
        let n = (m.count - m.added).min(ADD_SLICE);
        let mut out = Vec::new();
        let span = (m.max_ms - m.min_ms) as u64;
        for i in 0..n {
            let delay = m.min_ms + k.rng.below(span + 1) as i64;
            let id = self.push_task(
                Label::Many {
                    many,
                    ordinal: m.added + i,
                },
                m.wheel,
                m.at_ms,
                delay,
            );
            self.add_to_wheel(m.wheel, id, now, &mut out);
        }
        self.many[many as usize].added += n;
        self.emit(k, trace, m.wheel, out);
        if self.many[many as usize].added < m.count {
            let node = self.wheels[m.wheel as usize].node;
            k.timer(node, k.now(), SimTimer::Delay(Timer::AddSlice { many }));
        } else if !self.adding(now) {
            // The instant's adds are all in: the threads that came due meanwhile go now, in the
            // order they came.
            for (node, timer) in core::mem::take(&mut self.held) {
                k.timer(node, k.now(), SimTimer::Delay(timer));
            }
        }
    }

    /// The node whose kernel timer stands for a thread's wakeup.
    fn thread_node(&self, timer: &Timer) -> Option<NodeId> {
        match *timer {
            Timer::Reap { wheel } | Timer::Tick { wheel, .. } => self.wheels.get(wheel as usize).map(|w| w.node),
            Timer::Poll { poller } | Timer::PublishDone { poller } => self.node_of(Peer::Poller(poller)),
            Timer::AddSlice { .. } => None,
        }
    }

    pub fn fire(&mut self, k: &mut K, trace: &mut Ring, timer: Timer) {
        let now = k.now().ms();
        let continuing = matches!(timer, Timer::Reap { wheel } if self.locked(wheel));
        if self.adding(now) && !continuing {
            // A thread woke while this instant's actions are still adding: it waits for them.
            if let Some(node) = self.thread_node(&timer) {
                self.held.push((node, timer));
                return;
            }
        }
        match timer {
            Timer::AddSlice { many } => self.add_slice(k, trace, many),
            Timer::Poll { poller } => self.redis_run(k, trace, |lab, now, out| lab.poll(poller, now, out)),
            Timer::PublishDone { poller } => {
                self.redis_run(k, trace, |lab, now, out| lab.publish_done(poller, now, out))
            }
            Timer::Reap { wheel } => {
                let ws = &mut self.wheels[wheel as usize];
                if ws.armed == Some(now) {
                    ws.armed = None;
                }
                let tasks = &self.tasks;
                let expiration_of = |t: TaskId| tasks.get(t as usize).map_or(0, |i| i.expiration_ms);
                let mut out = Vec::new();
                let mut more = false;
                if let Engine::Hierarchical(h) = &mut ws.engine {
                    // One wakeup per `advanceClock` call that got a bucket, however many steps
                    // it takes.
                    let continuing = h.reaping;
                    if h.reap(now, &expiration_of, &mut out) > 0 && !continuing {
                        ws.stats.wakeups += 1;
                    }
                    more = h.reaping;
                }
                if more {
                    // The rest of this `advanceClock`, at the same instant, in the next step.
                    ws.armed = Some(now);
                    let node = ws.node;
                    k.timer(node, k.now(), SimTimer::Delay(Timer::Reap { wheel }));
                }
                self.emit(k, trace, wheel, out);
            }
            Timer::Tick { wheel, tick } => {
                let ws = &mut self.wheels[wheel as usize];
                if ws.armed != Some(now) {
                    return;
                }
                ws.armed = None;
                let start = match &ws.engine {
                    Engine::Simple(s) => s.start_ms.unwrap_or(0) as i64,
                    Engine::Hierarchical(_) => 0,
                };
                let tasks = &self.tasks;
                let deadline_of = |t: TaskId| tasks.get(t as usize).map_or(0, |i| i.expiration_ms - start);
                let mut out = Vec::new();
                if let Engine::Simple(s) = &mut ws.engine {
                    s.process_tick(tick, &deadline_of, &mut out);
                    ws.stats.wakeups += 1;
                }
                self.emit(k, trace, wheel, out);
            }
        }
    }

    /// Records `out` on the wheel's node, keeps the counts, and wakes the driving thread when
    /// its next work is earlier than planned.
    fn emit(&mut self, k: &mut K, trace: &mut Ring, w: u8, out: Vec<Event>) {
        let now = k.now().ms();
        let node = self.wheels[w as usize].node;
        for e in out {
            match e {
                Event::Ran { task, .. } => self.ran(w, task, now),
                Event::Placed {
                    task, reinsert: true, ..
                }
                | Event::RoundPassed { task, .. } => {
                    self.wheels[w as usize].stats.moves += 1;
                    if let Some(t) = self.tracked.get_mut(&task) {
                        t.moves += 1;
                    }
                }
                _ => {}
            }
            k.record(trace, node, SimEvent::Delay(e));
        }
        let ws = &mut self.wheels[w as usize];
        let next = match &ws.engine {
            Engine::Hierarchical(h) => h.next_expiration().map(|e| (e.max(now), None)),
            Engine::Simple(s) => s
                .next_busy_tick(s.tick_at(now))
                .map(|tick| (s.tick_end_ms(tick), Some(tick))),
        };
        if let Some((at, tick)) = next {
            if ws.armed.is_none_or(|armed| at < armed) {
                ws.armed = Some(at);
                let timer = match tick {
                    None => Timer::Reap { wheel: w },
                    Some(tick) => Timer::Tick { wheel: w, tick },
                };
                k.timer(ws.node, Instant(at), SimTimer::Delay(timer));
            }
        }
    }

    fn ran(&mut self, w: u8, task: TaskId, now: u64) {
        let info = self.task(task);
        let offset = now as i64 - info.expiration_ms;
        let ws = &mut self.wheels[w as usize];
        let tick = match &ws.engine {
            Engine::Hierarchical(h) => h.levels[0].tick_ms as i64,
            Engine::Simple(s) => s.tick_ms as i64,
        };
        // The promise each design makes: Kafka runs a task when its bucket (its expiration
        // rounded down to a tick) is due, or at once if that has passed; Netty at the end of the
        // tick holding its deadline.
        let within = match ws.kind {
            WheelKind::Hierarchical => {
                let due = info.expiration_ms - info.expiration_ms.rem_euclid(tick);
                now as i64 == due.max(info.added_at_ms as i64)
            }
            WheelKind::Simple => {
                let since = now as i64 - info.expiration_ms.max(info.added_at_ms as i64);
                offset > 0 && since <= tick
            }
        };
        let s = &mut ws.stats;
        s.ran += 1;
        s.earliest_offset_ms = Some(s.earliest_offset_ms.map_or(offset, |o| o.min(offset)));
        s.latest_offset_ms = Some(s.latest_offset_ms.map_or(offset, |o| o.max(offset)));
        if !within {
            s.outside_bound += 1;
            s.first_outside.get_or_insert(task);
        }
        if let Some(t) = self.tracked.get_mut(&task) {
            t.outcome = Outcome::Ran { at_ms: now };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lang, Scenario, Sim};

    fn sim(wheels: &str, actions: &str) -> Sim {
        let text = alloc::format!(
            r#"{{"version": 2, "seed": 1, "duration_ms": 100000, "delay": {{"wheels": [{wheels}]}}, "actions": [{actions}]}}"#
        );
        Sim::new(Scenario::from_json(&text).unwrap()).unwrap()
    }

    /// Every entry as (time, kind, its JSON line, its English sentence).
    fn entries(sim: &Sim) -> Vec<(u64, &'static str, String, String)> {
        sim.trace()
            .iter()
            .map(|e| {
                (
                    e.at_ms(),
                    sim.tell(e).key(),
                    sim.entry_json(e, None),
                    sim.sentence(e, Lang::En),
                )
            })
            .collect()
    }

    fn hierarchical(sim: &Sim) -> &HierarchicalWheel {
        match &sim.delay().unwrap().wheels[0].engine {
            Engine::Hierarchical(h) => h,
            Engine::Simple(_) => panic!("not Kafka's wheel"),
        }
    }

    const KAFKA: &str = r#"{"name": "w", "kind": "hierarchical"}"#;

    /// An `add_many` larger than one slice, at an instant when the reaper is due: every slice is
    /// an action's work, so all of them come before the reaper (the lab's "actions before
    /// threads"); the later slices used to be kernel timers queued behind the reaper's.
    #[test]
    fn every_slice_of_an_add_many_comes_before_the_reaper_at_its_instant() {
        let mut s = sim(
            KAFKA,
            r#"{"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "x", "delay_ms": 20}},
               {"at_ms": 20, "delay": {"do": "add_many", "wheel": "w", "prefix": "m", "count": 3000,
                                       "delay_ms_min": 50, "delay_ms_max": 60}}"#,
        );
        s.run_to_end();
        let log = entries(&s);
        let last_add = log
            .iter()
            .rposition(|(_, kind, json, _)| *kind == "timing-wheel.add" && json.contains(r#""task":"m-"#))
            .unwrap();
        let first_reap = log
            .iter()
            .position(|(at, kind, _, _)| *at == 20 && *kind == "timing-wheel.bucket-expired")
            .unwrap();
        assert!(
            last_add < first_reap,
            "slice after the reaper: add {last_add}, reap {first_reap}"
        );
        assert_eq!(s.delay().unwrap().wheels[0].stats.ran, 3001);
    }

    /// A second cancel of a cancelled task does nothing, and says so: it did not run.
    #[test]
    fn a_second_cancel_says_the_task_was_already_cancelled() {
        for kind in ["hierarchical", "simple"] {
            let mut s = sim(
                &alloc::format!(r#"{{"name": "w", "kind": "{kind}"}}"#),
                r#"{"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "a", "delay_ms": 1000}},
                   {"at_ms": 10, "delay": {"do": "cancel", "wheel": "w", "task": "a"}},
                   {"at_ms": 20, "delay": {"do": "cancel", "wheel": "w", "task": "a"}}"#,
            );
            s.run_to_end();
            let log = entries(&s);
            let (_, key, _, sentence) = log.iter().find(|e| e.0 == 20).unwrap();
            assert_eq!(*key, "timer.cancel-already-cancelled", "{kind}");
            assert!(!sentence.contains("ran"), "{kind}: {sentence}");
            assert!(sentence.contains("10 ms"), "{kind}: {sentence}");
            let zh = s.sentence(s.trace().iter().find(|e| e.at_ms() == 20).unwrap(), Lang::Zh);
            assert!(zh.contains("已经取消"), "{kind}: {zh}");
            assert_eq!(s.delay().unwrap().wheels[0].stats.cancelled, 1, "{kind}");
        }
    }

    /// Netty: a cancel before the timeout left the `timeouts` queue is skipped at the transfer; a
    /// cancel after it reached a bucket takes it out of that bucket. Each sentence says which.
    #[test]
    fn a_netty_cancel_says_where_the_timeout_is() {
        let mut s = sim(
            r#"{"name": "w", "kind": "simple", "tick_ms": 100, "wheel_size": 8}"#,
            r#"{"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "queued", "delay_ms": 500}},
               {"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "placed", "delay_ms": 500}},
               {"at_ms": 50, "delay": {"do": "cancel", "wheel": "w", "task": "queued"}},
               {"at_ms": 150, "delay": {"do": "cancel", "wheel": "w", "task": "placed"}}"#,
        );
        // `queued` is cancelled before the first tick (ending at 100 ms) transfers it; `placed`
        // after it, in bucket 500 / 100 = 5.
        s.run_to_end();
        let log = entries(&s);
        let sentence = |at: u64| {
            log.iter()
                .find(|e| e.0 == at && e.1 == "timer.cancel")
                .unwrap()
                .3
                .clone()
        };
        let queued = sentence(50);
        assert!(
            queued.contains("timeouts queue") && !queued.contains("bucket"),
            "{queued}"
        );
        let placed = sentence(150);
        assert!(placed.contains("bucket 5"), "{placed}");
        assert!(!log.iter().any(|e| e.1 == "timer.run"));
    }

    /// The flush of a bucket of exactly `FLUSH_SLICE` tasks ends the step's budget while another
    /// bucket is due at the same instant: the reaper is still in its one `advanceClock` call
    /// (holding the lock), so the second bucket is no second wakeup.
    #[test]
    fn a_flush_ending_with_the_step_budget_keeps_the_reaper_awake() {
        let mut s = sim(
            KAFKA,
            r#"{"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "one", "delay_ms": 1}},
               {"at_ms": 0, "delay": {"do": "add_many", "wheel": "w", "prefix": "m", "count": 1024,
                                      "delay_ms_min": 30, "delay_ms_max": 30}},
               {"at_ms": 15, "delay": {"do": "add", "wheel": "w", "task": "z", "delay_ms": 5}}"#,
        );
        while !s.trace().iter().any(|e| e.at_ms() == 20) {
            assert!(s.step());
        }
        assert!(hierarchical(&s).flushing.is_none());
        // The level-0 bucket of 20 ms is still due: the reaper goes on in the next step.
        assert!(hierarchical(&s).next_expiration() == Some(20));
        s.run_to_end();
        let stats = &s.delay().unwrap().wheels[0].stats;
        assert_eq!(stats.ran, 1026);
        // Woken at 1, 20 and 30 ms.
        assert_eq!(stats.wakeups, 3);
    }

    /// `TimerTaskList.flush` takes one task out at a time and re-adds it, so mid-flush the timer's
    /// size counts the tasks still in the flushed bucket.
    #[test]
    fn the_size_counts_the_tasks_a_flush_has_not_reached() {
        let mut s = sim(
            KAFKA,
            r#"{"at_ms": 0, "delay": {"do": "add_many", "wheel": "w", "prefix": "m", "count": 2000,
                                      "delay_ms_min": 30, "delay_ms_max": 30}}"#,
        );
        while !s.trace().iter().any(|e| e.at_ms() == 20) {
            assert!(s.step());
        }
        let h = hierarchical(&s);
        assert_eq!(h.flushing.as_ref().map(|f| f.1), Some(super::super::wheel::FLUSH_SLICE));
        assert_eq!(h.size, 2000);
        s.run_to_end();
        assert_eq!(hierarchical(&s).size, 0);
    }

    /// `ticksPerWheel` 1 is valid for Netty (`checkPositive`, then the next power of two): one
    /// bucket, every timeout a round count.
    #[test]
    fn a_netty_wheel_of_one_bucket_runs() {
        let mut s = sim(
            r#"{"name": "w", "kind": "simple", "tick_ms": 100, "wheel_size": 1}"#,
            r#"{"at_ms": 0, "delay": {"do": "add", "wheel": "w", "task": "a", "delay_ms": 250}}"#,
        );
        s.run_to_end();
        let log = entries(&s);
        let ran = log.iter().find(|e| e.1 == "timer.run").unwrap();
        assert_eq!(ran.0, 300);
        assert_eq!(log.iter().filter(|e| e.1 == "hashed-wheel.round").count(), 2);
    }
}
