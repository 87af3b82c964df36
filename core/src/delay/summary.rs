//! The timer lab's part of the end-of-run summary: per wheel, its shape, how far its clocks got,
//! what ran and how close to its expiration, how often its thread woke; and the tracked tasks'
//! outcomes. A `promise` sentence says whether every run kept the wheel's bound.
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::spec::WheelKind;
use super::view::DelayView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelaySummary {
    pub wheels: BTreeMap<String, WheelSummary>,
    /// Tracked tasks (named ones and the first added) as `wheel/task`.
    pub tasks: BTreeMap<String, TaskSummary>,
    pub task_total: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis: Option<RedisSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedisSummary {
    pub key: String,
    pub left_in_set: u64,
    /// Per poller: polls, empty polls, ZREMs won and lost, published.
    pub pollers: BTreeMap<String, [u64; 5]>,
    /// Per member: due, published at, late by, claimed by, publishes, lost races.
    pub members: BTreeMap<String, MemberSummary>,
    pub published: u64,
    pub duplicates: u64,
    pub early: u64,
    /// Members a crashed poller had taken out of the set and never published.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lost: u64,
    /// Poller crashes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub crashes: u64,
    pub max_late_ms: Option<i64>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub due_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_by: Option<String>,
    pub published: u32,
    pub lost_races: u32,
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub lost: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WheelSummary {
    pub class: String,
    pub tick_ms: u64,
    pub wheel_size: u32,
    /// Levels made (overflow wheels included); 1 for Netty.
    pub levels: u32,
    /// Each level's clock (`currentTimeMs`) at the end.
    pub clocks_ms: Vec<u64>,
    pub added: u64,
    pub ran: u64,
    pub cancelled: u64,
    pub still_waiting: u64,
    /// Re-insertions (Kafka) or rounds passed (Netty).
    pub moves: u64,
    pub wakeups: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks_elapsed: Option<u64>,
    pub earliest_offset_ms: Option<i64>,
    pub latest_offset_ms: Option<i64>,
    pub promise: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub added_at_ms: u64,
    pub delay_ms: i64,
    pub expiration_ms: i64,
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_ms: Option<i64>,
    pub moves: u32,
}

impl DelaySummary {
    pub fn of(v: &DelayView) -> DelaySummary {
        DelaySummary {
            wheels: v
                .wheels
                .iter()
                .map(|w| {
                    let bound = match w.kind {
                        WheelKind::Hierarchical => "each task ran when its bucket (its expiration rounded down to the tick) was due, or at once if that had passed",
                        WheelKind::Simple => "each task ran after its deadline, within one tick",
                    };
                    let promise = match (w.stats.outside_bound, &w.first_outside) {
                        (0, _) => format!("kept: {bound}"),
                        (n, first) => format!(
                            "broken by {n} task(s), first {}: expected that {bound}",
                            first.as_deref().unwrap_or("?")
                        ),
                    };
                    (
                        w.name.clone(),
                        WheelSummary {
                            class: w.class.into(),
                            tick_ms: w.tick_ms,
                            wheel_size: w.wheel_size,
                            levels: w.levels.len() as u32,
                            clocks_ms: w.levels.iter().map(|l| l.current_ms).collect(),
                            added: w.stats.added,
                            ran: w.stats.ran,
                            cancelled: w.stats.cancelled,
                            still_waiting: w.stats.added - w.stats.ran - w.stats.cancelled,
                            moves: w.stats.moves,
                            wakeups: w.stats.wakeups,
                            ticks_elapsed: (w.kind == WheelKind::Simple).then_some(w.ticks_elapsed),
                            earliest_offset_ms: w.stats.earliest_offset_ms,
                            latest_offset_ms: w.stats.latest_offset_ms,
                            promise,
                        },
                    )
                })
                .collect(),
            tasks: v
                .tasks
                .iter()
                .map(|t| {
                    (
                        format!("{}/{}", t.wheel, t.name),
                        TaskSummary {
                            added_at_ms: t.added_at_ms,
                            delay_ms: t.delay_ms,
                            expiration_ms: t.expiration_ms,
                            state: t.state.into(),
                            at_ms: t.at_ms,
                            offset_ms: t.offset_ms,
                            moves: t.moves,
                        },
                    )
                })
                .collect(),
            task_total: v.task_total,
            redis: v.redis.as_ref().map(|r| RedisSummary {
                key: r.key.clone(),
                left_in_set: r.set_size,
                pollers: r
                    .pollers
                    .iter()
                    .map(|p| (p.name.clone(), [p.polls, p.empty_polls, p.won, p.lost, p.published]))
                    .collect(),
                members: r
                    .members
                    .iter()
                    .map(|m| {
                        (
                            m.member.clone(),
                            MemberSummary {
                                due_ms: m.due_ms,
                                published_at_ms: m.published_at_ms,
                                late_ms: m.late_ms,
                                claimed_by: m.claimed_by.clone(),
                                published: m.published,
                                lost_races: m.lost_races,
                                lost: m.lost,
                            },
                        )
                    })
                    .collect(),
                published: r.published,
                duplicates: r.duplicates,
                early: r.early,
                lost: r.lost,
                crashes: r.pollers.iter().map(|p| p.crashes).sum(),
                max_late_ms: r.max_late_ms,
            }),
        }
    }
}
