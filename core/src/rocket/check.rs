//! The checkers the issue names, run over a RocketMQ simulation, and the lesson checks and
//! measures (`{"rocketmq": {"check": ...}}`):
//! - a transactional message is delivered iff its local transaction committed, and once;
//! - a delayed message never comes out early, and comes out within its bound (one look of the
//!   schedule task, 100 ms, after its level's delay; within its timer slot);
//! - messages a selector sent with one argument are consumed in send order, per group.
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::system::Rocket;
use crate::check::Verdict;
use crate::scenario::Text;

fn text(en: String, zh: String) -> Text {
    Text { en, zh }
}

/// Every checker's verdict, and the duplicate count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkers {
    pub verdicts: Vec<(&'static str, bool, Text)>,
    pub duplicates: u64,
}

impl Checkers {
    pub fn of(r: &Rocket) -> Checkers {
        let verdicts = [
            ("transactions", transactions(r)),
            ("delays", delays(r)),
            ("order", order(r, None)),
        ]
        .into_iter()
        .map(|(name, v)| (name, v.passed, v.detail))
        .collect();
        Checkers {
            verdicts,
            duplicates: r.consumed.values().map(|n| u64::from(n.saturating_sub(1))).sum(),
        }
    }
}

/// Delivered iff the local transaction committed, and at most once.
pub fn transactions(r: &Rocket) -> Verdict {
    let mut bad: Vec<String> = Vec::new();
    let mut n = 0;
    for (i, s) in r.sent.iter().enumerate() {
        let Some(t) = &s.transaction else { continue };
        n += 1;
        let m = i + 1;
        match (s.commits, t.db_committed) {
            (0, Some(true)) if matches!(t.ended, Some("rollback") | Some("discard")) => bad.push(format!(
                "#{m}: committed locally, never delivered ({})",
                t.ended.unwrap_or("")
            )),
            (c, db) if c > 0 && db != Some(true) => {
                bad.push(format!("#{m}: delivered, but its local transaction did not commit"))
            }
            (c, _) if c > 1 => bad.push(format!("#{m}: committed {c} times, so delivered {c} times")),
            _ => {}
        }
    }
    Verdict {
        passed: bad.is_empty(),
        detail: if bad.is_empty() {
            text(
                format!("all {n} transactional messages: delivered exactly when their local transaction committed"),
                format!("全部 {n} 条事务消息：仅在本地事务提交时投递"),
            )
        } else {
            text(bad.join("; "), format!("违反：{}", bad.join("；")))
        },
    }
}

/// No delayed message came out early or late.
pub fn delays(r: &Rocket) -> Verdict {
    let mut bad = Vec::new();
    let mut n = 0;
    for (i, s) in r.sent.iter().enumerate() {
        let (Some((_, lo, hi)), Some(out)) = (s.delay_bound, s.came_out_ms) else {
            continue;
        };
        n += 1;
        if out < lo {
            bad.push(format!("#{}: out at {out} ms, {} ms early", i + 1, lo - out));
        } else if out > hi {
            bad.push(format!("#{}: out at {out} ms, {} ms past its bound", i + 1, out - hi));
        }
    }
    Verdict {
        passed: bad.is_empty(),
        detail: if bad.is_empty() {
            text(
                format!("{n} delayed messages came out on time, none early"),
                format!("{n} 条延迟消息按时转出，没有提前"),
            )
        } else {
            text(bad.join("; "), bad.join("；"))
        },
    }
}

/// Per group, messages one producer sent with one selector argument were first consumed in the
/// order they were sent.
pub fn order(r: &Rocket, group: Option<&str>) -> Verdict {
    // (group, producer, key) → ordinals in the order of their first successful consumption.
    let mut seen: BTreeMap<(String, u8, String), Vec<u32>> = BTreeMap::new();
    let mut first: BTreeMap<(String, u32), ()> = BTreeMap::new();
    for (m, _, status, c) in &r.deliveries {
        if !matches!(*status, "CONSUME_SUCCESS" | "SUCCESS") {
            continue;
        }
        let g = r.consumers[*c as usize].group.clone();
        if group.is_some_and(|x| x != g) {
            continue;
        }
        let s = &r.sent[*m as usize - 1];
        let Some(key) = &s.order_key else { continue };
        if first.insert((g.clone(), *m), ()).is_some() {
            continue;
        }
        seen.entry((g, s.producer, key.clone())).or_default().push(*m);
    }
    let mut bad = Vec::new();
    for ((g, _, key), list) in &seen {
        if list.windows(2).any(|w| w[0] > w[1]) {
            let l: Vec<String> = list.iter().map(|m| format!("#{m}")).collect();
            bad.push(format!("{g}, key {key}: consumed {}", l.join(" ")));
        }
    }
    Verdict {
        passed: bad.is_empty(),
        detail: if bad.is_empty() {
            text(
                format!("{} ordered keys, each consumed in send order", seen.len()),
                format!("{} 个顺序键，每个都按发送顺序消费", seen.len()),
            )
        } else {
            text(
                format!("out of order: {}", bad.join("; ")),
                format!("乱序：{}", bad.join("；")),
            )
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    Transactions,
    Delays,
    Order {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
    /// Message `#message` ends in `state` (see `view::MessageView::state`).
    State {
        message: u32,
        state: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// Where the message is: `stored`, `half`, `dlq`, ...
    State { message: u32 },
    /// Times a listener ran on it.
    Deliveries { message: u32 },
    /// Check-backs the broker sent for a transactional message.
    Checks { message: u32 },
    /// The queue id its SEND_OK reported (the queue it was sent to).
    QueueId { message: u32 },
    /// The queue of the parking topic a half, delayed or timer message waited in
    /// (`SCHEDULE_TOPIC_XXXX` queue `level - 1`, say).
    ParkedQueueId { message: u32 },
    /// When it first left the schedule service or timer store (ms).
    CameOutMs { message: u32 },
    /// When a consumer's listener first ran on it (ms).
    ConsumedAtMs { message: u32 },
}

impl Check {
    pub fn evaluate(&self, r: &Rocket) -> Verdict {
        match self {
            Check::Transactions => transactions(r),
            Check::Delays => delays(r),
            Check::Order { group } => order(r, group.as_deref()),
            Check::State { message, state } => match r.sent.get((*message as usize).wrapping_sub(1)) {
                None => Verdict {
                    passed: false,
                    detail: text(format!("no message #{message}"), format!("没有消息 #{message}")),
                },
                Some(_) => {
                    let now = r.state(*message);
                    Verdict {
                        passed: now == state,
                        detail: text(format!("#{message} is {now}"), format!("#{message} 的状态：{now}")),
                    }
                }
            },
        }
    }
}

impl Measure {
    pub fn evaluate(&self, r: &Rocket) -> Option<String> {
        let m = match self {
            Measure::State { message }
            | Measure::Deliveries { message }
            | Measure::Checks { message }
            | Measure::QueueId { message }
            | Measure::ParkedQueueId { message }
            | Measure::CameOutMs { message }
            | Measure::ConsumedAtMs { message } => *message,
        };
        let s = r.sent.get((m as usize).wrapping_sub(1))?;
        match self {
            Measure::State { .. } => Some(r.state(m).to_string()),
            Measure::Deliveries { .. } => Some(s.deliveries.to_string()),
            Measure::Checks { .. } => s.transaction.as_ref().map(|t| t.checks.to_string()),
            Measure::QueueId { .. } => s.ack.map(|a| a.1.to_string()),
            Measure::ParkedQueueId { .. } => s.parked.as_ref().map(|p| p.1.to_string()),
            Measure::CameOutMs { .. } => s.came_out_ms.map(|t| t.to_string()),
            Measure::ConsumedAtMs { .. } => s
                .hops
                .iter()
                .find(|h| h.to == "consumer" && h.from == "broker")
                .map(|h| h.at_ms.to_string()),
        }
    }
}
