//! RabbitMQ's part of the end-of-run summary: every queue's final counts, the exchanges and
//! bindings a script made, and what is still open. Maps are ordered, so the JSON is stable.
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::broker::Ledger;
use super::view::RabbitView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RabbitSummary {
    pub published: u64,
    pub queues: BTreeMap<String, QueueSummary>,
    /// Exchanges other than the built-in ones, as `name (type)`.
    pub exchanges: Vec<String>,
    /// As `source -> queue:name [key]`.
    pub bindings: Vec<String>,
    /// Open connections with their open channel numbers.
    pub connections: BTreeMap<String, Vec<u16>>,
    /// Where every message copy went, and whether the count balances.
    pub ledger: Ledger,
    pub conservation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSummary {
    #[serde(rename = "type")]
    pub kind: String,
    pub durable: bool,
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    /// Publish numbers of the ready messages, head first (at most 50).
    pub ready_messages: Vec<u64>,
}

impl RabbitSummary {
    pub fn of(v: &RabbitView) -> RabbitSummary {
        RabbitSummary {
            published: v.published,
            queues: v
                .queues
                .iter()
                .map(|q| {
                    (
                        q.name.clone(),
                        QueueSummary {
                            kind: q.kind.into(),
                            durable: q.durable,
                            ready: q.ready,
                            unacked: q.unacked,
                            consumers: q.consumers,
                            ready_messages: q.ready_messages.clone(),
                        },
                    )
                })
                .collect(),
            exchanges: v
                .exchanges
                .iter()
                .filter(|x| !x.builtin)
                .map(|x| format!("{} ({})", x.name, x.kind))
                .collect(),
            bindings: v
                .bindings
                .iter()
                .map(|b| {
                    let args = if b.arguments.is_empty() {
                        String::new()
                    } else {
                        format!(" {{{}}}", b.arguments)
                    };
                    format!(
                        "{} -> {}:{} [{}]{args}",
                        b.source, b.destination_kind, b.destination, b.routing_key
                    )
                })
                .collect(),
            connections: v
                .connections
                .iter()
                .map(|c| (c.name.clone(), c.channels.iter().map(|ch| ch.number).collect()))
                .collect(),
            ledger: v.ledger,
            conservation: v.ledger.verdict(v.queues.iter().map(|q| q.ready + q.unacked).sum()),
        }
    }
}
