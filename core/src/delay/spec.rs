//! The `delay` section of a scenario: a timer lab. It declares timing wheels and the timed actions
//! add tasks to them (`{"at_ms": 5, "delay": {"do": "add", "wheel": "purgatory", "task": "t1",
//! "delay_ms": 30}}`), many at once, or cancel one. Virtual time is the clock: the wheels advance
//! as their owners' threads would (Kafka's reaper when a bucket is due, Netty's worker on each
//! tick), so stepping the simulation *is* advancing the clock.
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::{hashed, wheel};
use crate::budget::Cost;
use crate::scenario::{err, ScenarioError, MAX_NAME_BYTES};

type Errors = Vec<ScenarioError>;

pub const MAX_WHEELS: usize = 8;
/// Buckets per wheel: the dial draws every one.
pub const MAX_WHEEL_SIZE: u32 = 4096;
pub const MAX_TICK_MS: u64 = 3_600_000;
/// Tasks per document: the bench's 10⁶, each a 24-byte slot shared by checkpoints.
pub const MAX_TASKS: u64 = 1_000_000;
/// Tasks one `add_many` may add; they are added in slices of `ADD_SLICE` (one step each).
pub const MAX_ADD_MANY: u32 = 100_000;
pub const ADD_SLICE: u32 = 1024;
/// Delays may be negative (Kafka's `TimerTest` adds tasks with -5..-1 ms) and reach 30 days.
pub const MIN_DELAY_MS: i64 = -86_400_000;
pub const MAX_DELAY_MS: i64 = 30 * 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelaySpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wheels: Vec<WheelSpec>,
    /// A Redis sorted set used as a delay queue, with its pollers (`zset.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis: Option<RedisSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSpec {
    /// The sorted set's key (the seed's `delay_queue`).
    #[serde(default = "default_key")]
    pub key: String,
    pub pollers: Vec<PollerSpec>,
}

fn default_key() -> String {
    "delay_queue".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollerSpec {
    pub name: String,
    /// Sleep between polls that found less than a full batch.
    #[serde(default = "default_interval")]
    pub interval_ms: u64,
    /// `LIMIT 0 <limit>` of each range.
    #[serde(default = "default_limit")]
    pub limit: u32,
    #[serde(default = "default_claim")]
    pub claim: super::zset::Claim,
    /// How long publishing a claimed member downstream takes (a broker round trip; 0: at once).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub publish_ms: u64,
    /// Claim `lease`: how long a claimed member stays hidden before it is due again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_ms: Option<u64>,
}

/// A lease of 30 s unless the scenario says otherwise (a stated choice: SQS's default
/// visibility timeout is 30 s).
pub const DEFAULT_LEASE_MS: u64 = 30_000;

impl DelaySpec {
    /// Nodes a fault may crash and restart: the Redis pollers (a node name, bare or `delay:`).
    pub fn crashable(&self, node: &str) -> bool {
        let bare = node.strip_prefix("delay:").unwrap_or(node);
        self.redis
            .as_ref()
            .is_some_and(|r| r.pollers.iter().any(|p| p.name == bare))
    }
}

impl PollerSpec {
    pub fn lease_ms(&self) -> u64 {
        self.lease_ms.unwrap_or(DEFAULT_LEASE_MS)
    }
}

fn default_interval() -> u64 {
    100
}
fn default_limit() -> u32 {
    100
}
fn default_claim() -> super::zset::Claim {
    super::zset::Claim::Zrem
}

/// Node names the Redis lab takes.
pub const REDIS_NODE: &str = "redis";
pub const PRODUCER_NODE: &str = "producer";
pub const MAX_POLLERS: usize = 4;
/// Members a document may add (ZADD sums).
pub const MAX_MEMBERS: u64 = 10_000;
pub const MAX_ZADD_MANY: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WheelKind {
    /// Kafka's `SystemTimer` + `TimingWheel` (`wheel.rs`).
    Hierarchical,
    /// Netty's `HashedWheelTimer`: one level with round counts (`hashed.rs`).
    Simple,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WheelSpec {
    pub name: String,
    pub kind: WheelKind,
    /// `tickMs` / `tickDuration`; defaults 1 ms (Kafka) and 100 ms (Netty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick_ms: Option<u64>,
    /// `wheelSize` / `ticksPerWheel`; defaults 20 (Kafka) and 512 (Netty, rounded up to a power of two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wheel_size: Option<u32>,
    /// When the timer is made (`SystemTimer`'s `startMs`, rounded down to a tick by the wheel);
    /// tasks are added from then on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_ms: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl WheelSpec {
    pub fn tick_ms(&self) -> u64 {
        self.tick_ms.unwrap_or(match self.kind {
            WheelKind::Hierarchical => wheel::KAFKA_TICK_MS,
            WheelKind::Simple => hashed::NETTY_TICK_MS,
        })
    }
    pub fn wheel_size(&self) -> u32 {
        self.wheel_size.unwrap_or(match self.kind {
            WheelKind::Hierarchical => wheel::KAFKA_WHEEL_SIZE,
            WheelKind::Simple => hashed::NETTY_TICKS_PER_WHEEL,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Kafka `SystemTimer.add(task)` with `task.delayMs`; Netty `newTimeout(task, delay, ms)`.
    Add { wheel: String, task: String, delay_ms: i64 },
    /// `count` tasks named `{prefix}-{i}`, each with a delay drawn uniformly (seeded) from
    /// `delay_ms_min..=delay_ms_max`.
    AddMany {
        wheel: String,
        prefix: String,
        count: u32,
        delay_ms_min: i64,
        delay_ms_max: i64,
    },
    /// `TimerTask.cancel()` / `Timeout.cancel()` of a task added by `add` (in Kafka, what a
    /// delayed operation does when it completes before its timeout).
    Cancel { wheel: String, task: String },
    /// The producer's `ZADD <key> <now + delay_ms> <member>`.
    Zadd { member: String, delay_ms: i64 },
    /// `count` ZADDs of `{prefix}-{i}`, delays drawn uniformly (seeded) from the range.
    ZaddMany {
        prefix: String,
        count: u32,
        delay_ms_min: i64,
        delay_ms_max: i64,
    },
}

/// Checks the section and each action in run order, and estimates the cost.
pub struct Validator {
    wheels: Vec<(String, WheelKind, u64, u64, u64)>,
    named: BTreeSet<(usize, String)>,
    prefixes: BTreeSet<(usize, String)>,
    tasks: u64,
    duration_ms: u64,
    units: u64,
    largest: Option<(usize, u64)>,
    redis: bool,
    members: u64,
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_BYTES && !name.chars().any(char::is_control)
}

impl Validator {
    pub fn new(spec: &DelaySpec, p: &str, duration_ms: u64, errors: &mut Errors) -> Validator {
        let mut v = Validator {
            wheels: Vec::new(),
            named: BTreeSet::new(),
            prefixes: BTreeSet::new(),
            tasks: 0,
            duration_ms,
            units: 0,
            largest: None,
            redis: spec.redis.is_some(),
            members: 0,
        };
        if spec.wheels.len() > MAX_WHEELS || spec.wheels.is_empty() && spec.redis.is_none() {
            errors.push(err(
                format!("{p}.wheels"),
                format!("between 1 and {MAX_WHEELS} wheels (or none beside a `redis` section)"),
            ));
        }
        let mut names: Vec<&str> = spec.wheels.iter().map(|w| w.name.as_str()).collect();
        if let Some(r) = &spec.redis {
            if !name_ok(&r.key) {
                errors.push(err(
                    format!("{p}.redis.key"),
                    format!("1 to {MAX_NAME_BYTES} bytes, no control characters"),
                ));
            }
            if r.pollers.is_empty() || r.pollers.len() > MAX_POLLERS {
                errors.push(err(
                    format!("{p}.redis.pollers"),
                    format!("between 1 and {MAX_POLLERS} pollers"),
                ));
            }
            for (i, poller) in r.pollers.iter().enumerate() {
                let q = format!("{p}.redis.pollers[{i}]");
                if !name_ok(&poller.name) {
                    errors.push(err(
                        format!("{q}.name"),
                        format!("1 to {MAX_NAME_BYTES} bytes, no control characters"),
                    ));
                }
                if names.contains(&poller.name.as_str()) || [REDIS_NODE, PRODUCER_NODE].contains(&poller.name.as_str())
                {
                    errors.push(err(
                        format!("{q}.name"),
                        format!("`{}` names another node", poller.name),
                    ));
                }
                names.push(&poller.name);
                if !(1..=60_000).contains(&poller.interval_ms) {
                    errors.push(err(format!("{q}.interval_ms"), "between 1 and 60000"));
                }
                if !(1..=1000).contains(&poller.limit) {
                    errors.push(err(format!("{q}.limit"), "between 1 and 1000"));
                }
                if poller.publish_ms > 60_000 {
                    errors.push(err(format!("{q}.publish_ms"), "between 0 and 60000"));
                }
                match (poller.claim, poller.lease_ms) {
                    (super::zset::Claim::Lease, Some(ms)) if !(1..=3_600_000).contains(&ms) => {
                        errors.push(err(format!("{q}.lease_ms"), "between 1 and 3600000"));
                    }
                    (super::zset::Claim::Lease, _) | (_, None) => {}
                    (_, Some(_)) => errors.push(err(
                        format!("{q}.lease_ms"),
                        "only a poller with claim `lease` takes a lease",
                    )),
                }
                // Each poll is a command, a reply and their entries, all run long.
                v.units = v
                    .units
                    .saturating_add((duration_ms / poller.interval_ms.max(1) + 1).saturating_mul(6));
            }
        }
        for (i, w) in spec.wheels.iter().enumerate() {
            let q = format!("{p}.wheels[{i}]");
            if !name_ok(&w.name) {
                errors.push(err(
                    format!("{q}.name"),
                    format!("1 to {MAX_NAME_BYTES} bytes, no control characters"),
                ));
            }
            if v.wheels.iter().any(|x| x.0 == w.name) {
                errors.push(err(format!("{q}.name"), format!("`{}` names another wheel", w.name)));
            }
            if !(1..=MAX_TICK_MS).contains(&w.tick_ms()) {
                errors.push(err(format!("{q}.tick_ms"), format!("between 1 and {MAX_TICK_MS}")));
            }
            // Netty checks only `ticksPerWheel > 0` (`checkPositive`) and rounds up to a power of
            // two, so 1 is a one-bucket wheel. Kafka's `TimingWheel` checks nothing at all; the
            // lower bound 2 is this lab's: with one bucket an overflow wheel's tick equals its
            // interval, so `add` climbs new levels without end (Java would overflow its stack;
            // 0 would divide by zero). The upper bound is the dial's, for both.
            let min_size = match w.kind {
                WheelKind::Simple => 1,
                WheelKind::Hierarchical => 2,
            };
            if !(min_size..=MAX_WHEEL_SIZE).contains(&w.wheel_size()) {
                errors.push(err(
                    format!("{q}.wheel_size"),
                    format!("between {min_size} and {MAX_WHEEL_SIZE}"),
                ));
            }
            if w.start_ms > duration_ms {
                errors.push(err(
                    format!("{q}.start_ms"),
                    format!("{} is after duration_ms ({duration_ms})", w.start_ms),
                ));
            }
            let size = u64::from(match w.kind {
                WheelKind::Simple => hashed::wheel_len(w.wheel_size()),
                WheelKind::Hierarchical => w.wheel_size(),
            });
            v.wheels.push((
                w.name.clone(),
                w.kind,
                w.tick_ms().max(1),
                size.max(min_size.into()),
                w.start_ms,
            ));
        }
        v
    }

    fn wheel(&self, p: &str, name: &str, at_ms: u64, errors: &mut Errors) -> Option<usize> {
        match self.wheels.iter().position(|w| w.0 == name) {
            None => {
                let names: Vec<&str> = self.wheels.iter().map(|w| w.0.as_str()).collect();
                errors.push(err(
                    format!("{p}.wheel"),
                    format!("no wheel named `{name}` (the section has {})", names.join(", ")),
                ));
                None
            }
            Some(i) if at_ms < self.wheels[i].4 => {
                errors.push(err(
                    format!("{p}.wheel"),
                    format!(
                        "`{name}` is made at {} ms (start_ms); this action is earlier",
                        self.wheels[i].4
                    ),
                ));
                None
            }
            Some(i) => Some(i),
        }
    }

    pub fn action(&mut self, p: &str, index: usize, at_ms: u64, a: &Action, errors: &mut Errors) {
        match a {
            Action::Add { wheel, task, delay_ms } => {
                let w = self.wheel(p, wheel, at_ms, errors);
                if !name_ok(task) {
                    errors.push(err(
                        format!("{p}.task"),
                        format!("1 to {MAX_NAME_BYTES} bytes, no control characters"),
                    ));
                }
                self.delay(&format!("{p}.delay_ms"), *delay_ms, errors);
                if let Some(w) = w {
                    if !self.named.insert((w, task.clone())) {
                        errors.push(err(
                            format!("{p}.task"),
                            format!("`{task}` is already a task of `{wheel}`; give each task its own name"),
                        ));
                    }
                    self.count(w, at_ms, 1, *delay_ms, index);
                }
            }
            Action::AddMany {
                wheel,
                prefix,
                count,
                delay_ms_min,
                delay_ms_max,
            } => {
                let w = self.wheel(p, wheel, at_ms, errors);
                if !name_ok(prefix) || prefix.len() > MAX_NAME_BYTES - 8 {
                    errors.push(err(
                        format!("{p}.prefix"),
                        format!("1 to {} bytes, no control characters", MAX_NAME_BYTES - 8),
                    ));
                }
                if !(1..=MAX_ADD_MANY).contains(count) {
                    errors.push(err(format!("{p}.count"), format!("between 1 and {MAX_ADD_MANY}")));
                }
                self.delay(&format!("{p}.delay_ms_min"), *delay_ms_min, errors);
                self.delay(&format!("{p}.delay_ms_max"), *delay_ms_max, errors);
                if delay_ms_min > delay_ms_max {
                    errors.push(err(format!("{p}.delay_ms_min"), "must not exceed delay_ms_max"));
                }
                if let Some(w) = w {
                    if !self.prefixes.insert((w, prefix.clone())) {
                        errors.push(err(
                            format!("{p}.prefix"),
                            format!("`{prefix}` is already used by another add_many on `{wheel}`"),
                        ));
                    }
                    self.count(w, at_ms, u64::from(*count), (*delay_ms_max).max(*delay_ms_min), index);
                }
            }
            Action::Zadd { member, delay_ms } => {
                self.zadd(p, index, 1, errors);
                if !name_ok(member) {
                    errors.push(err(
                        format!("{p}.member"),
                        format!("1 to {MAX_NAME_BYTES} bytes, no control characters"),
                    ));
                }
                self.delay(&format!("{p}.delay_ms"), *delay_ms, errors);
            }
            Action::ZaddMany {
                prefix,
                count,
                delay_ms_min,
                delay_ms_max,
            } => {
                self.zadd(p, index, u64::from(*count), errors);
                if !name_ok(prefix) || prefix.len() > MAX_NAME_BYTES - 8 {
                    errors.push(err(
                        format!("{p}.prefix"),
                        format!("1 to {} bytes, no control characters", MAX_NAME_BYTES - 8),
                    ));
                }
                if !(1..=MAX_ZADD_MANY).contains(count) {
                    errors.push(err(format!("{p}.count"), format!("between 1 and {MAX_ZADD_MANY}")));
                }
                self.delay(&format!("{p}.delay_ms_min"), *delay_ms_min, errors);
                self.delay(&format!("{p}.delay_ms_max"), *delay_ms_max, errors);
                if delay_ms_min > delay_ms_max {
                    errors.push(err(format!("{p}.delay_ms_min"), "must not exceed delay_ms_max"));
                }
            }
            Action::Cancel { wheel, task } => {
                if let Some(w) = self.wheel(p, wheel, at_ms, errors) {
                    if !self.named.contains(&(w, task.clone())) {
                        errors.push(err(
                            format!("{p}.task"),
                            format!("`{wheel}` has no task `{task}` added by an earlier `add`"),
                        ));
                    }
                    self.units = self.units.saturating_add(4);
                }
            }
        }
    }

    fn zadd(&mut self, p: &str, index: usize, n: u64, errors: &mut Errors) {
        if !self.redis {
            errors.push(err(format!("{p}.do"), "the `delay` section has no `redis` to ZADD to"));
        }
        self.members = self.members.saturating_add(n);
        // Each member: a ZADD and its reply, one range reply per poller that sees it, a ZREM
        // each and a publish, with their entries.
        self.units = self.units.saturating_add(n.saturating_mul(40));
        if self.largest.is_none_or(|(_, m)| n > m) {
            self.largest = Some((index, n));
        }
    }

    /// ZADDs in all (`MAX_MEMBERS` bounds them).
    pub fn members(&self) -> u64 {
        self.members
    }

    fn delay(&self, p: &str, delay_ms: i64, errors: &mut Errors) {
        if !(MIN_DELAY_MS..=MAX_DELAY_MS).contains(&delay_ms) {
            errors.push(err(p, format!("between {MIN_DELAY_MS} and {MAX_DELAY_MS}")));
        }
    }

    /// Adds `n` tasks' worst-case work: for a hierarchical wheel each placement, flush and run is
    /// an entry plus an event, once per level the longest delay climbs; for Netty each revolution
    /// a waiting timeout is passed costs a round entry and a tick.
    fn count(&mut self, w: usize, at_ms: u64, n: u64, max_delay_ms: i64, index: usize) {
        let (_, kind, tick, size, _) = self.wheels[w];
        self.tasks = self.tasks.saturating_add(n);
        if self.largest.is_none_or(|(_, m)| n > m) {
            self.largest = Some((index, n));
        }
        // Only the part of the delay inside the run matters.
        let reach = (max_delay_ms.max(0) as u64).min(self.duration_ms.saturating_sub(at_ms));
        let per_task = match kind {
            WheelKind::Hierarchical => {
                let mut levels = 1u64;
                let mut span = tick.saturating_mul(size);
                while span <= reach.saturating_add(tick) && levels < 64 {
                    levels += 1;
                    span = span.saturating_mul(size);
                }
                // Placed at every level on the way down, one flush each, one run.
                4 * (levels + 2)
            }
            WheelKind::Simple => {
                let revolutions = reach / tick.saturating_mul(size) + 1;
                4 * (revolutions + 3)
            }
        };
        self.units = self.units.saturating_add(n.saturating_mul(per_task));
    }

    pub fn tasks(&self) -> u64 {
        self.tasks
    }

    pub fn largest_add(&self) -> Option<(usize, u64)> {
        self.largest
    }

    pub fn estimate(&self) -> Cost {
        Cost {
            periodic: 0,
            per_record: self.units,
        }
    }
}
