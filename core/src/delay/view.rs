//! The timer lab as plain data for the page: each wheel's levels (Kafka) or ring (Netty) with
//! its pointer and the buckets that hold tasks, the delay queue, the counts, and the tracked
//! tasks. Bounded: at most `CELLS_PER_BUCKET` task names per bucket and `MAX_TASK_ROWS` rows.
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::spec::WheelKind;
use super::system::{Delay, Engine, Outcome, Stats};
use super::zset::{Phase, PollerState};

pub const CELLS_PER_BUCKET: usize = 6;
pub const MAX_TASK_ROWS: usize = 400;
pub const MAX_QUEUE_SHOWN: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DelayView {
    pub wheels: Vec<WheelView>,
    pub tasks: Vec<TaskView>,
    /// Tasks added in all (rows beyond `tasks` are counted, not listed).
    pub task_total: u64,
    pub redis: Option<RedisView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedisView {
    pub key: String,
    /// The set's first members in Redis's order (score, then bytes), with their scores.
    pub set: Vec<(String, i64)>,
    pub set_size: u64,
    pub pollers: Vec<PollerView>,
    /// Every member added (first `MAX_TASK_ROWS`), with what became of it.
    pub members: Vec<MemberView>,
    pub member_total: u64,
    pub published: u64,
    /// Members published more than once, and before their due time.
    pub duplicates: u64,
    pub early: u64,
    /// Members removed for a poller that crashed before publishing them.
    pub lost: u64,
    pub max_late_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PollerView {
    pub name: String,
    pub claim: super::zset::Claim,
    pub interval_ms: u64,
    pub limit: u32,
    /// `sleeping`, `ranging`, `claiming`, `publishing` or `down`.
    pub state: &'static str,
    pub publish_ms: u64,
    /// Claim `lease` only.
    pub lease_ms: Option<u64>,
    pub crashes: u64,
    pub polls: u64,
    pub empty_polls: u64,
    pub won: u64,
    pub lost: u64,
    pub published: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub member: String,
    pub added_at_ms: u64,
    pub due_ms: i64,
    pub stored_at_ms: Option<u64>,
    pub claimed_by: Option<String>,
    pub claimed_at_ms: Option<u64>,
    pub published: u32,
    pub published_at_ms: Option<u64>,
    pub late_ms: Option<i64>,
    pub lost_races: u32,
    /// Taken out of the set by a poller that crashed before publishing it.
    pub lost: bool,
    /// Leased (claim `lease`) until this score, not yet settled by its ZREM.
    pub leased_until_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WheelView {
    pub name: String,
    pub kind: WheelKind,
    /// The upstream class this wheel behaves as.
    pub class: &'static str,
    pub tick_ms: u64,
    /// Buckets per level (Netty: the configured size rounded up to a power of two).
    pub wheel_size: u32,
    pub configured_size: u32,
    pub start_ms: u64,
    pub levels: Vec<LevelView>,
    /// Buckets in Kafka's delay queue, and the first expirations in the order it will give them.
    pub queued_buckets: u64,
    pub delay_queue_ms: Vec<u64>,
    /// Netty: timeouts waiting in the `timeouts` queue for the next tick.
    pub waiting_transfer: u64,
    /// Netty: ticks since `startTime` (the worker wakes for each), and the busy ones.
    pub ticks_elapsed: u64,
    /// Tasks in the timer (`size()` / `pendingTimeouts()`).
    pub size: u64,
    pub next_wake_ms: Option<u64>,
    pub stats: Stats,
    /// The first task that ran outside the wheel's bound, by name.
    pub first_outside: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelView {
    pub level: u8,
    pub tick_ms: u64,
    pub interval_ms: u64,
    /// The level's `currentTimeMs` (Netty: the start of the tick the pointer is on).
    pub current_ms: u64,
    /// The bucket of the current time.
    pub pointer: u32,
    /// Buckets holding tasks or waiting in the delay queue, by index.
    pub buckets: Vec<BucketView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketView {
    pub index: u32,
    /// Kafka: the bucket's expiration while it is in the delay queue.
    pub expiration_ms: Option<i64>,
    pub count: u64,
    pub tasks: Vec<CellView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellView {
    pub name: String,
    pub expiration_ms: i64,
    /// Netty: `remainingRounds`.
    pub rounds: Option<i64>,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub wheel: String,
    pub name: String,
    pub added_at_ms: u64,
    pub delay_ms: i64,
    pub expiration_ms: i64,
    /// `waiting`, `ran` or `cancelled`.
    pub state: &'static str,
    pub at_ms: Option<u64>,
    /// Run time minus expiration.
    pub offset_ms: Option<i64>,
    pub moves: u32,
}

impl Delay {
    pub fn view(&self, now_ms: u64) -> DelayView {
        let cell = |t: u32, rounds: Option<i64>, cancelled: bool| CellView {
            name: self.task_name(t),
            expiration_ms: self.task(t).expiration_ms,
            rounds,
            cancelled,
        };
        let wheels = self
            .wheels
            .iter()
            .map(|w| {
                let (class, tick_ms, wheel_size, levels, queued, queue_ms, waiting, ticks, size) = match &w.engine {
                    Engine::Hierarchical(h) => {
                        let levels = h
                            .levels
                            .iter()
                            .enumerate()
                            .map(|(i, lv)| LevelView {
                                level: i as u8,
                                tick_ms: lv.tick_ms,
                                interval_ms: lv.interval_ms,
                                current_ms: lv.current_ms,
                                pointer: ((lv.current_ms / lv.tick_ms) % u64::from(h.wheel_size)) as u32,
                                buckets: lv
                                    .buckets
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, b)| b.expiration_ms >= 0 || !b.tasks.is_empty())
                                    .map(|(j, b)| BucketView {
                                        index: j as u32,
                                        expiration_ms: (b.expiration_ms >= 0).then_some(b.expiration_ms),
                                        count: b.tasks.len() as u64,
                                        tasks: b
                                            .tasks
                                            .iter()
                                            .take(CELLS_PER_BUCKET)
                                            .map(|&t| cell(t, None, false))
                                            .collect(),
                                    })
                                    .collect(),
                            })
                            .collect();
                        (
                            "org.apache.kafka.server.util.timer.SystemTimer",
                            h.levels[0].tick_ms,
                            h.wheel_size,
                            levels,
                            h.queue.len() as u64,
                            h.queue.poll_order(MAX_QUEUE_SHOWN),
                            0,
                            0,
                            h.size,
                        )
                    }
                    Engine::Simple(s) => {
                        let tick = s.tick_at(now_ms);
                        let start = s.start_ms.unwrap_or(w.start_ms);
                        let elapsed = if s.start_ms.is_some() {
                            now_ms.saturating_sub(start) / s.tick_ms
                        } else {
                            0
                        };
                        let level = LevelView {
                            level: 0,
                            tick_ms: s.tick_ms,
                            interval_ms: s.tick_ms * u64::from(s.wheel_len),
                            current_ms: start + tick * s.tick_ms,
                            pointer: (tick % u64::from(s.wheel_len)) as u32,
                            buckets: s
                                .buckets
                                .iter()
                                .enumerate()
                                .filter(|(_, b)| !b.is_empty())
                                .map(|(j, b)| BucketView {
                                    index: j as u32,
                                    expiration_ms: None,
                                    count: b.len() as u64,
                                    tasks: b
                                        .iter()
                                        .take(CELLS_PER_BUCKET)
                                        .map(|&(t, r)| cell(t, Some(r), s.cancelled.contains(&t)))
                                        .collect(),
                                })
                                .collect(),
                        };
                        (
                            "io.netty.util.HashedWheelTimer",
                            s.tick_ms,
                            s.wheel_len,
                            alloc::vec![level],
                            0,
                            Vec::new(),
                            s.queued.len() as u64,
                            elapsed,
                            s.pending,
                        )
                    }
                };
                let next_wake_ms = match &w.engine {
                    Engine::Hierarchical(h) => h.next_expiration().map(|e| e.max(now_ms)),
                    Engine::Simple(s) => s.next_busy_tick(s.tick_at(now_ms)).map(|k| s.tick_end_ms(k)),
                };
                WheelView {
                    name: w.name.clone(),
                    kind: w.kind,
                    class,
                    tick_ms,
                    wheel_size,
                    configured_size: w.configured_size,
                    start_ms: w.start_ms,
                    levels,
                    queued_buckets: queued,
                    delay_queue_ms: queue_ms,
                    waiting_transfer: waiting,
                    ticks_elapsed: ticks,
                    size,
                    next_wake_ms,
                    stats: w.stats.clone(),
                    first_outside: w.stats.first_outside.map(|t| self.task_name(t)),
                }
            })
            .collect();
        let tasks = self
            .tracked
            .iter()
            .take(MAX_TASK_ROWS)
            .map(|(&t, tracked)| {
                let info = self.task(t);
                let (state, at_ms) = match tracked.outcome {
                    Outcome::Waiting => ("waiting", None),
                    Outcome::Ran { at_ms } => ("ran", Some(at_ms)),
                    Outcome::Cancelled { at_ms } => ("cancelled", Some(at_ms)),
                };
                TaskView {
                    wheel: self.wheel_name(info.wheel),
                    name: self.task_name(t),
                    added_at_ms: info.added_at_ms,
                    delay_ms: info.expiration_ms - info.added_at_ms as i64,
                    expiration_ms: info.expiration_ms,
                    state,
                    at_ms,
                    offset_ms: (state == "ran").then(|| at_ms.unwrap_or(0) as i64 - info.expiration_ms),
                    moves: tracked.moves,
                }
            })
            .collect();
        DelayView {
            wheels,
            tasks,
            task_total: self.task_count() as u64,
            redis: self.redis.as_ref().map(|r| {
                let poller_name =
                    |p: Option<u8>| p.map(|p| r.pollers.get(p as usize).map_or("?".into(), |x| x.name.clone()));
                RedisView {
                    key: r.key.clone(),
                    set: r
                        .set
                        .iter()
                        .take(MAX_TASK_ROWS)
                        .map(|(score, m)| (r.name(m).into(), score))
                        .collect(),
                    set_size: r.set.len() as u64,
                    pollers: r
                        .pollers
                        .iter()
                        .map(|p| PollerView {
                            name: p.name.clone(),
                            claim: p.claim,
                            interval_ms: p.interval_ms,
                            limit: p.limit,
                            state: match p.state {
                                PollerState::Sleeping => "sleeping",
                                PollerState::Ranging => "ranging",
                                PollerState::Busy {
                                    phase: Phase::Claiming, ..
                                } => "claiming",
                                PollerState::Busy {
                                    phase: Phase::Publishing,
                                    ..
                                } => "publishing",
                                PollerState::Down => "down",
                            },
                            publish_ms: p.publish_ms,
                            lease_ms: (p.claim == super::zset::Claim::Lease).then_some(p.lease_ms),
                            crashes: p.crashes,
                            polls: p.polls,
                            empty_polls: p.empty_polls,
                            won: p.won,
                            lost: p.lost,
                            published: p.published,
                        })
                        .collect(),
                    members: r
                        .fates
                        .iter()
                        .enumerate()
                        .take(MAX_TASK_ROWS)
                        .map(|(m, f)| MemberView {
                            member: r.name(m as u32).into(),
                            added_at_ms: f.added_at_ms,
                            due_ms: f.due_ms,
                            stored_at_ms: f.stored_at_ms,
                            claimed_by: poller_name(f.claimed_by),
                            claimed_at_ms: f.claimed_at_ms,
                            published: f.published,
                            published_at_ms: f.first_published_ms,
                            late_ms: f
                                .first_published_ms
                                .map(|at| at as i64 - f.claimed_score.unwrap_or(f.due_ms)),
                            lost_races: f.lost_races,
                            lost: f.lost,
                            leased_until_ms: f.leased_until_ms,
                        })
                        .collect(),
                    member_total: r.fates.len() as u64,
                    published: r.fates.iter().map(|f| u64::from(f.published)).sum(),
                    duplicates: r.fates.iter().filter(|f| f.published > 1).count() as u64,
                    early: r.fates.iter().map(|f| u64::from(f.early)).sum(),
                    lost: r.fates.iter().filter(|f| f.lost).count() as u64,
                    max_late_ms: r
                        .fates
                        .iter()
                        .filter_map(|f| f.first_published_ms.map(|at| at as i64 - f.due_ms))
                        .max(),
                }
            }),
        }
    }
}
