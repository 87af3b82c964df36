//! RabbitMQ checks and measures for lessons (`{"rabbitmq": {"check": ...}}`), read off the
//! broker's view and the trace: where a message went, why it died, who got it, what a publisher
//! was told.
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::trace::Told;
use super::view::RabbitView;
use crate::check::Verdict;
use crate::scenario::Text;

/// Visits every RabbitMQ entry the trace holds, oldest first, with its time (ms).
pub type Entries<'a> = &'a dyn Fn(&mut dyn FnMut(u64, &Told));

/// What a check or a measure reads.
pub struct Read<'a> {
    pub view: &'a RabbitView,
    pub entries: Entries<'a>,
}

impl Read<'_> {
    fn find<T>(&self, mut f: impl FnMut(&Told) -> Option<T>) -> Option<T> {
        let mut found = None;
        (self.entries)(&mut |_, t| {
            if found.is_none() {
                found = f(t);
            }
        });
        found
    }
    /// When the first entry `f` accepts was made.
    fn first_at(&self, mut f: impl FnMut(&Told) -> bool) -> Option<u64> {
        let mut found = None;
        (self.entries)(&mut |at, t| {
            if found.is_none() && f(t) {
                found = Some(at);
            }
        });
        found
    }
    fn count(&self, mut f: impl FnMut(&Told) -> bool) -> u64 {
        let mut n = 0;
        (self.entries)(&mut |_, t| {
            if f(t) {
                n += 1;
            }
        });
        n
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// `queue` holds exactly `ready` ready messages.
    QueueReady { queue: String, ready: u64 },
    /// `queue` exists (or, with `exists` false, does not).
    QueueExists { queue: String, exists: bool },
    /// The consumer got exactly `count` deliveries.
    Deliveries { consumer_tag: String, count: u64 },
    /// No message left a queue without a dead-letter exchange, or in a deleted queue or a restart.
    NothingLost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// Ready messages in `queue` ("0" if it does not exist).
    ReadyCount { queue: String },
    /// The queues publish `message` reached, comma-separated in name order ("none").
    QueuesReached { message: u64 },
    /// Why `message` first left a queue undelivered (`expired`, `maxlen`, `rejected`,
    /// `delivery_limit`), or "none".
    DeathReason { message: u64 },
    /// The queue `message` is ready in now, or "none".
    WhereIs { message: u64 },
    /// The consumer that got `message` first, or "none".
    DeliveredTo { message: u64 },
    /// How often `message` was delivered to consumers or fetched.
    TimesDelivered { message: u64 },
    /// When `message` was first delivered to a consumer or fetched (ms), or "none".
    DeliveredAtMs { message: u64 },
    /// The broker's answer to publish `publish_seq` on `connection`: "ack", "nack" or "none".
    Confirm { connection: String, publish_seq: u64 },
    /// How many publishes came back in `basic.return`.
    Returned,
    /// Messages a restart lost.
    LostInRestart,
}

fn verdict(passed: bool, en: String, zh: String) -> Verdict {
    Verdict {
        passed,
        detail: Text { en, zh },
    }
}

impl Check {
    pub fn evaluate(&self, r: &Read<'_>) -> Verdict {
        match self {
            Check::QueueReady { queue, ready } => {
                let actual = r.view.queues.iter().find(|q| &q.name == queue).map(|q| q.ready);
                verdict(
                    actual == Some(*ready),
                    format!(
                        "{queue} holds {} ready messages (expected {ready})",
                        actual.unwrap_or(0)
                    ),
                    format!("{queue} 有 {} 条就绪消息（应为 {ready}）", actual.unwrap_or(0)),
                )
            }
            Check::QueueExists { queue, exists } => {
                let actual = r.view.queues.iter().any(|q| &q.name == queue);
                let (en, zh) = if actual {
                    ("exists", "存在")
                } else {
                    ("does not exist", "不存在")
                };
                verdict(
                    actual == *exists,
                    format!("queue {queue} {en}"),
                    format!("队列 {queue} {zh}"),
                )
            }
            Check::Deliveries { consumer_tag, count } => {
                let n = r.count(|t| matches!(t, Told::BasicDeliver { consumer_tag: c, .. } if c == consumer_tag));
                verdict(
                    n == *count,
                    format!("{consumer_tag} got {n} deliveries (expected {count})"),
                    format!("{consumer_tag} 收到 {n} 次投递（应为 {count}）"),
                )
            }
            Check::NothingLost => {
                let l = r.view.ledger;
                let lost = l.dropped + l.deleted_with_queue + l.lost_in_restart;
                verdict(
                    lost == 0,
                    format!("{lost} messages were lost"),
                    format!("丢失了 {lost} 条消息"),
                )
            }
        }
    }
}

impl Measure {
    pub fn evaluate(&self, r: &Read<'_>) -> Option<String> {
        let none = || String::from("none");
        Some(match self {
            Measure::ReadyCount { queue } => r
                .view
                .queues
                .iter()
                .find(|q| &q.name == queue)
                .map_or(0, |q| q.ready)
                .to_string(),
            Measure::QueuesReached { message } => r
                .find(|t| match t {
                    Told::BasicPublish { message: m, queues, .. } if m == message => {
                        Some(if queues.is_empty() { none() } else { queues.join(",") })
                    }
                    _ => None,
                })
                .unwrap_or_else(none),
            Measure::DeathReason { message } => r
                .find(|t| match t {
                    Told::DeadLettered { message: m, reason, .. } | Told::MessageDropped { message: m, reason, .. }
                        if m == message =>
                    {
                        Some(String::from(*reason))
                    }
                    _ => None,
                })
                .unwrap_or_else(none),
            Measure::WhereIs { message } => r
                .view
                .queues
                .iter()
                .find(|q| q.ready_messages.contains(message))
                .map_or_else(none, |q| q.name.clone()),
            Measure::DeliveredTo { message } => r
                .find(|t| match t {
                    Told::BasicDeliver {
                        consumer_tag, content, ..
                    } if content.message == *message => Some(consumer_tag.clone()),
                    _ => None,
                })
                .unwrap_or_else(none),
            Measure::DeliveredAtMs { message } => r
                .first_at(|t| match t {
                    Told::BasicDeliver { content, .. } | Told::BasicGetOk { content, .. } => {
                        content.message == *message
                    }
                    _ => false,
                })
                .map_or_else(none, |at| at.to_string()),
            Measure::TimesDelivered { message } => r
                .count(|t| match t {
                    Told::BasicDeliver { content, .. } | Told::BasicGetOk { content, .. } => {
                        content.message == *message
                    }
                    _ => false,
                })
                .to_string(),
            Measure::Confirm {
                connection,
                publish_seq,
            } => r
                .find(|t| match t {
                    Told::ConfirmAck {
                        connection: c,
                        delivery_tag,
                        ..
                    } if c == connection && delivery_tag == publish_seq => Some(String::from("ack")),
                    Told::ConfirmNack {
                        connection: c,
                        delivery_tag,
                        ..
                    } if c == connection && delivery_tag == publish_seq => Some(String::from("nack")),
                    _ => None,
                })
                .unwrap_or_else(none),
            Measure::Returned => r.count(|t| matches!(t, Told::BasicReturn { .. })).to_string(),
            Measure::LostInRestart => r.view.ledger.lost_in_restart.to_string(),
        })
    }
}

/// Names a lesson may highlight: exchanges, queues, connections and consumer tags.
pub fn names(view: &RabbitView) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    names.extend(view.exchanges.iter().map(|x| x.name.clone()));
    names.extend(view.queues.iter().map(|q| q.name.clone()));
    for c in &view.connections {
        names.push(c.name.clone());
        for ch in &c.channels {
            names.extend(ch.consumers.iter().map(|k| k.tag.clone()));
        }
    }
    names
}
