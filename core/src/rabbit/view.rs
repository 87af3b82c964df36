//! What the page and the summary show of RabbitMQ: exchanges with their bindings, queues with
//! their counts and settings, connections with their channels and consumers. Plain data.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::queue::{Overflow, QueueType};
use super::routing::{Destination, FieldValue, Table};
use super::system::Rabbit;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RabbitView {
    pub exchanges: Vec<ExchangeView>,
    pub bindings: Vec<BindingView>,
    pub queues: Vec<QueueView>,
    pub connections: Vec<ConnectionView>,
    pub published: u64,
    pub ledger: super::broker::Ledger,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub alternate_exchange: Option<String>,
    /// One of the exchanges every vhost has (`""`, `amq.*`).
    pub builtin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BindingView {
    pub source: String,
    /// `queue` or `exchange`.
    pub destination_kind: &'static str,
    pub destination: String,
    pub routing_key: String,
    /// `key=value` pairs, for headers bindings.
    pub arguments: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive_owner: Option<String>,
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    /// Ready messages head first, by publish number (at most [`MAX_SHOWN_MESSAGES`]).
    pub ready_messages: Vec<u64>,
    /// When the head message expires, if it has a TTL.
    pub head_expires_at_ms: Option<u64>,
    /// When `x-expires` deletes the queue unless it is used.
    pub idle_deadline_ms: Option<u64>,
    /// The settings that decide its behaviour, as `x-` arguments (`x-message-ttl=100`).
    pub settings: Vec<String>,
    pub dead_letter_exchange: Option<String>,
    /// The first ready messages in full (at most [`MAX_DETAILED_MESSAGES`]).
    pub head: Vec<MessageView>,
}

/// One ready message as the inspector shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub number: u64,
    pub body: String,
    pub redelivered: bool,
    pub expires_at_ms: Option<u64>,
    /// Its `x-death` history, newest first: `(reason, queue, count)`.
    pub deaths: Vec<(String, String, u64)>,
    /// The headers a consumer would see, as `key=value` text (x-death summarised above).
    pub headers: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionView {
    pub name: String,
    pub channels: Vec<ChannelView>,
    /// What its publishers were told while it is open: acks, nacks, returns.
    pub confirmed: u64,
    pub nacked: u64,
    pub returned: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelView {
    pub number: u16,
    pub confirm: bool,
    pub prefetch_count: u16,
    pub global_prefetch_count: u16,
    pub unacked: u64,
    pub consumers: Vec<ConsumerView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerView {
    pub tag: String,
    pub queue: String,
    pub no_ack: bool,
    pub prefetch_count: u16,
    pub unacked: u32,
}

/// Messages listed per queue in the view.
pub const MAX_SHOWN_MESSAGES: usize = 50;
/// Messages per queue shown in full.
pub const MAX_DETAILED_MESSAGES: usize = 5;

fn value_text(v: &FieldValue) -> String {
    match v {
        FieldValue::LongStr(s) => s.clone(),
        other => super::routing::erlang_term_text(other),
    }
}

fn table_text(t: &Table) -> String {
    let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k}={}", value_text(v))).collect();
    parts.join(", ")
}

impl Rabbit {
    pub fn view(&self) -> RabbitView {
        let b = &self.broker;
        let exchanges = b
            .topology
            .exchanges()
            .map(|x| ExchangeView {
                name: x.name.clone(),
                kind: x.kind.as_str(),
                durable: x.durable,
                auto_delete: x.auto_delete,
                internal: x.internal,
                alternate_exchange: x.alternate_exchange.clone(),
                builtin: x.name.is_empty() || x.name.starts_with("amq."),
            })
            .collect();
        let bindings = b
            .topology
            .bindings()
            .map(|binding| {
                let (destination_kind, destination) = match &binding.destination {
                    Destination::Queue(q) => ("queue", q.clone()),
                    Destination::Exchange(x) => ("exchange", x.clone()),
                };
                BindingView {
                    source: binding.source.clone(),
                    destination_kind,
                    destination,
                    routing_key: binding.routing_key.clone(),
                    arguments: table_text(&binding.arguments),
                }
            })
            .collect();
        let queues = b
            .queues
            .iter()
            .map(|(name, q)| {
                let c = q.queue.config();
                let mut settings = Vec::new();
                let mut set = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        settings.push(format!("{k}={v}"));
                    }
                };
                set("x-message-ttl", c.message_ttl_ms.map(|v| format!("{v}")));
                set("x-expires", c.expires_ms.map(|v| format!("{v}")));
                set("x-max-length", c.max_length.map(|v| format!("{v}")));
                set("x-max-length-bytes", c.max_length_bytes.map(|v| format!("{v}")));
                let limited = c.max_length.is_some() || c.max_length_bytes.is_some();
                set(
                    "x-overflow",
                    limited.then(|| {
                        match c.overflow {
                            Overflow::DropHead => "drop-head",
                            Overflow::RejectPublish => "reject-publish",
                            Overflow::RejectPublishDlx => "reject-publish-dlx",
                        }
                        .into()
                    }),
                );
                set("x-dead-letter-exchange", c.dead_letter_exchange.clone());
                set("x-dead-letter-routing-key", c.dead_letter_routing_key.clone());
                if c.queue_type == QueueType::Quorum {
                    set(
                        "x-delivery-limit",
                        Some(c.delivery_limit.map_or_else(|| "unlimited".into(), |v| format!("{v}"))),
                    );
                }
                if q.single_active_consumer {
                    set("x-single-active-consumer", Some("true".into()));
                }
                QueueView {
                    name: name.clone(),
                    kind: match c.queue_type {
                        QueueType::Classic => "classic",
                        QueueType::Quorum => "quorum",
                    },
                    durable: q.durable,
                    auto_delete: q.auto_delete,
                    exclusive_owner: q.exclusive_owner.clone(),
                    ready: q.queue.message_count(),
                    unacked: q.queue.unacked_count(),
                    consumers: q.registered.len() as u64,
                    ready_messages: q
                        .queue
                        .ready_messages()
                        .take(MAX_SHOWN_MESSAGES)
                        .map(|(n, _, _)| n)
                        .collect(),
                    head_expires_at_ms: q.queue.next_expiry_ms(),
                    idle_deadline_ms: q.idle_deadline_ms,
                    settings,
                    dead_letter_exchange: c.dead_letter_exchange.clone(),
                    head: q
                        .queue
                        .ready_details()
                        .take(MAX_DETAILED_MESSAGES)
                        .map(|(m, expires_at_ms, redelivered)| {
                            let headers: Table =
                                m.client_headers().into_iter().filter(|(k, _)| k != "x-death").collect();
                            MessageView {
                                number: m.number,
                                body: String::from_utf8_lossy(&m.body).into_owned(),
                                redelivered,
                                expires_at_ms,
                                deaths: m
                                    .deaths
                                    .iter()
                                    .map(|d| (d.reason.as_str().into(), d.queue.clone(), d.count))
                                    .collect(),
                                headers: table_text(&headers),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let connections = b
            .connections
            .iter()
            .map(|(name, c)| ConnectionView {
                name: name.clone(),
                confirmed: c.confirmed,
                nacked: c.nacked,
                returned: c.returned,
                channels: c
                    .channels
                    .iter()
                    .map(|(n, ch)| ChannelView {
                        number: *n,
                        confirm: ch.confirm,
                        prefetch_count: ch.prefetch_next,
                        global_prefetch_count: ch.prefetch_global,
                        unacked: ch.unacked.len() as u64,
                        consumers: ch
                            .consumers
                            .iter()
                            .map(|(tag, c)| ConsumerView {
                                tag: tag.clone(),
                                queue: c.queue.clone(),
                                no_ack: c.no_ack,
                                prefetch_count: c.prefetch,
                                unacked: c.unacked,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        RabbitView {
            exchanges,
            bindings,
            queues,
            connections,
            published: b.published,
            ledger: b.ledger,
        }
    }
}
