//! One RabbitMQ node (4.0 to 4.2, AMQP 0-9-1) with its connections and channels: it runs the script's
//! methods at their virtual time and answers as the broker would. Routing is `routing`, one
//! queue's semantics `queue`; this file is the channel and consumer layer between them:
//! declares and their equivalence checks, exclusive and auto-delete lifetimes, `x-expires`,
//! publisher confirms and `basic.return`, push delivery with prefetch, settling by delivery tag,
//! requeue on channel close, dead-letter routing, and what a restart keeps.
//!
//! Sources: `rabbit_channel` (method handling and its order of checks), `rabbit_amqqueue` and
//! `rabbit_amqqueue_process` (declare, exclusive access, consumers, auto-delete, expiry),
//! `rabbit_queue_consumers` (round-robin, blocked consumers), `rabbit_limiter` (prefetch),
//! `rabbit_dead_letter`. Where the model simplifies, the comment says so.
//!
//! Bounded: each method walks at most the channel's unacked deliveries and the queues it
//! touches; dead-lettering stops at [`MAX_DEAD_LETTERS_PER_STEP`] per step.
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::queue::{drop_cycles, Accepted, Death, Delivery, Message, Queue, QueueConfig, QueueType};
use super::routing::{
    erlang_term_text, not_found, precondition_failed, resource_text, route, route_dead_letter, table_lookup, AmqpError,
    Declared, Destination, Exchange, FieldValue, ReplyCode, Routed, Table, Topology, NO_ROUTE_REPLY_TEXT,
};
use super::spec::{Action, OnDelivery, Op};
use super::trace::{Content, Hop, QueueAfterRestart, Settled, Skip, Told};
use crate::kernel::rng::Rng;

/// The only virtual host and user modelled.
pub const VHOST: &str = "/";
pub const DEFAULT_USER: &str = "guest";
/// Dead letters one step may route; past it the rest are dropped and the limit is told.
pub const MAX_DEAD_LETTERS_PER_STEP: usize = 10_000;

/// A timer of the broker.
#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    /// The head of a queue may have expired (`rabbit_amqqueue_process:ensure_ttl_timer/2`).
    Expire { queue_uid: u64 },
    /// `x-expires`: the queue has been unused since `deadline_ms - x-expires`.
    Idle { queue_uid: u64, deadline_ms: u64 },
    /// A consumer's callback settles a delivery (`on_delivery` with `after_ms`). Boxed: the
    /// kernel's queue holds timers inline.
    Callback(alloc::boxed::Box<Callback>),
    /// The channel's periodic check of its consumer deliveries' age (`rabbit_channel`'s tick,
    /// once a minute): one older than its consumer timeout closes the channel.
    ChannelTick {
        connection: String,
        channel: u16,
        generation: u32,
    },
}

/// `quorum_tick_interval`: how often a quorum queue's state machine ticks (and checks `x-expires`).
pub const QUORUM_TICK_MS: u64 = 5_000;

/// What used an idle queue, for `x-expires`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdleUse {
    /// queue.declare, passive or not, of an existing queue.
    Declare,
    /// The broker came back.
    Restart,
    /// Creation, basic.get, the last consumer leaving.
    Other,
}

/// How often a channel checks its deliveries against `consumer_timeout` ("evaluated
/// periodically, at one minute intervals": docs, Consumers, Delivery Acknowledgement Timeout).
pub const CHANNEL_TICK_MS: u64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub connection: String,
    pub channel: u16,
    pub generation: u32,
    pub delivery_tag: u64,
    pub action: OnDelivery,
    /// What the callback read off the delivery: for a reply, `reply_to` and `correlation_id`;
    /// for retry-then-park, its rejections from this queue and the content to park.
    pub reply_to: Option<String>,
    pub correlation_id: Option<String>,
    pub rejections: u64,
    pub content: Option<(String, super::spec::PublishProperties)>,
}

/// Who an entry is about: the broker itself or one client connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Broker,
    Connection(String),
}

/// What a handler gives back besides state: entries and timers, in order.
pub struct Env<'a> {
    pub now: u64,
    pub rng: &'a mut Rng,
    pub out: Vec<(Who, Told)>,
    pub timers: Vec<(u64, Timer)>,
}

impl Env<'_> {
    fn tell(&mut self, who: Who, told: Told) {
        self.out.push((who, told));
    }
    fn client(&mut self, connection: &str, told: Told) {
        self.out.push((Who::Connection(connection.into()), told));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConsumerKey {
    pub connection: String,
    pub channel: u16,
    pub tag: String,
}

#[derive(Debug, Clone)]
pub struct QueueState {
    pub uid: u64,
    pub queue: Queue,
    pub durable: bool,
    pub auto_delete: bool,
    /// The connection an exclusive queue belongs to.
    pub exclusive_owner: Option<String>,
    /// As declared, for the equivalence check of a redeclare.
    pub arguments: Table,
    pub single_active_consumer: bool,
    /// Consumers in the order they registered (the single active one is the first).
    pub registered: Vec<ConsumerKey>,
    /// `rabbit_queue_consumers`: consumers that can take a message, served from the front; one
    /// that takes a message goes to the back. One at its prefetch limit is parked in `blocked`
    /// and rejoins at the back when it has room again.
    active: VecDeque<ConsumerKey>,
    blocked: Vec<ConsumerKey>,
    had_consumer: bool,
    created_at_ms: u64,
    /// When the armed expiry timer fires.
    ttl_timer_at: Option<u64>,
    /// `x-expires`: when the queue is deleted unless used before.
    pub idle_deadline_ms: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Unacked {
    pub queue: String,
    pub queue_uid: u64,
    pub message_id: u64,
    pub number: u64,
    /// `None` for `basic.get`.
    pub consumer: Option<String>,
    /// Counts toward the channel's global prefetch: a consumer delivery from a classic queue
    /// (quorum queues never consult the channel's limiter).
    pub limited: bool,
    pub delivered_at_ms: u64,
    /// A consumer delivery's acknowledgement timeout (`None`: basic.get, or timeouts off).
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub queue: String,
    pub queue_uid: u64,
    pub no_ack: bool,
    pub exclusive: bool,
    /// Its own limit (`basic.qos` global=false before `basic.consume`; 0: none).
    pub prefetch: u16,
    pub on_delivery: OnDelivery,
    pub unacked: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Channel {
    /// Changes each time the channel number is opened again, so stale callbacks are ignored.
    pub generation: u32,
    pub opened_at_ms: u64,
    /// A consumer-timeout tick is scheduled.
    tick_armed: bool,
    pub confirm: bool,
    next_publish_seq: u64,
    next_delivery_tag: u64,
    pub unacked: BTreeMap<u64, Unacked>,
    /// Unacked consumer deliveries from classic queues (what a global limit counts).
    consumer_unacked: u32,
    /// `basic.qos` global=false: the limit for consumers started after it.
    pub prefetch_next: u16,
    /// `basic.qos` global=true: one limit shared by the channel's consumers (classic queues).
    pub prefetch_global: u16,
    pub consumers: BTreeMap<String, Consumer>,
    /// Delivery tags each consumer got, in order (what `nth` in the script counts), kept after
    /// a cancel.
    pub deliveries: BTreeMap<String, Vec<u64>>,
}

#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub channels: BTreeMap<u16, Channel>,
    /// What its publishers were told: confirms (basic.ack, basic.nack) and basic.return.
    pub confirmed: u64,
    pub nacked: u64,
    pub returned: u64,
}

/// Where every message copy went: each copy a queue accepted is, at any moment, still in a queue
/// (ready or unacked) or counted in exactly one of the other fields. `check` verifies it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    /// Copies queues accepted (publishes and dead letters, one per queue).
    pub enqueued: u64,
    pub acked: u64,
    /// Handed to an auto-ack consumer or `basic.get` with `no_ack`.
    pub auto_acked: u64,
    /// Left a queue for its dead-letter exchange (whether or not that routed anywhere).
    pub dead_lettered: u64,
    /// Left a queue with no dead-letter exchange (expired, over a limit, rejected).
    pub dropped: u64,
    /// The two above by reason.
    pub dead_lettered_by: Reasons,
    pub dropped_by: Reasons,
    pub purged: u64,
    /// In a queue when it was deleted.
    pub deleted_with_queue: u64,
    /// Transient messages and non-durable queues' messages a restart lost.
    pub lost_in_restart: u64,
    /// Publishes that reached no queue: returned to a mandatory publisher (312 NO_ROUTE), or
    /// dropped without a word. Counted per publish, not per copy: no queue held them.
    pub unroutable_returned: u64,
    pub unroutable_dropped: u64,
    /// Copies a queue refused (x-overflow reject-publish; the publisher gets basic.nack).
    pub refused: u64,
}

/// Counts by dead-letter reason (`rabbit_dead_letter:reason()`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reasons {
    pub rejected: u64,
    pub expired: u64,
    pub maxlen: u64,
    pub delivery_limit: u64,
}

impl Reasons {
    fn add(&mut self, reason: super::queue::DeathReason) {
        use super::queue::DeathReason as R;
        *match reason {
            R::Rejected => &mut self.rejected,
            R::Expired => &mut self.expired,
            R::Maxlen => &mut self.maxlen,
            R::DeliveryLimit => &mut self.delivery_limit,
        } += 1;
    }
}

impl Ledger {
    /// The conservation verdict (`Broker::check` proves the count after every step in tests):
    /// every copy a queue accepted is in a queue or in exactly one outcome.
    pub fn verdict(&self, in_queues: u64) -> String {
        let left = self.acked
            + self.auto_acked
            + self.dead_lettered
            + self.dropped
            + self.purged
            + self.deleted_with_queue
            + self.lost_in_restart;
        if self.enqueued == in_queues + left {
            format!(
                "holds: {} copies accepted = {in_queues} in queues + {left} settled or gone",
                self.enqueued
            )
        } else {
            format!(
                "broken: {} copies accepted but {in_queues} in queues + {left} settled or gone",
                self.enqueued
            )
        }
    }
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub topology: Topology,
    pub queues: BTreeMap<String, QueueState>,
    uids: BTreeMap<u64, String>,
    next_uid: u64,
    pub connections: BTreeMap<String, Connection>,
    next_generation: u32,
    /// Publishes so far (the number of the last message).
    pub published: u64,
    /// Dead letters waiting to be routed: (source queue, death).
    pending: VecDeque<(String, Death)>,
    /// Queues whose head or consumers changed in this step (timers to arm, deliveries to try).
    dirty: BTreeSet<String>,
    pub ledger: Ledger,
    /// `consumer_timeout` (0: off).
    pub consumer_timeout_ms: u64,
}

impl Default for Broker {
    fn default() -> Self {
        Broker::new()
    }
}

/// The AMQP method a script operation is.
pub fn method_name(op: &Op) -> &'static str {
    match op {
        Op::DeclareExchange { .. } => "exchange.declare",
        Op::DeleteExchange { .. } => "exchange.delete",
        Op::DeclareQueue { .. } => "queue.declare",
        Op::DeleteQueue { .. } => "queue.delete",
        Op::PurgeQueue { .. } => "queue.purge",
        Op::BindQueue { .. } => "queue.bind",
        Op::UnbindQueue { .. } => "queue.unbind",
        Op::BindExchange { .. } => "exchange.bind",
        Op::UnbindExchange { .. } => "exchange.unbind",
        Op::ConfirmSelect {} => "confirm.select",
        Op::Publish { .. } => "basic.publish",
        Op::BasicGet { .. } => "basic.get",
        Op::BasicConsume { .. } => "basic.consume",
        Op::BasicCancel { .. } => "basic.cancel",
        Op::BasicQos { .. } => "basic.qos",
        Op::BasicAck { .. } => "basic.ack",
        Op::BasicNack { .. } => "basic.nack",
        Op::BasicReject { .. } => "basic.reject",
        Op::BasicRecover { .. } => "basic.recover",
        Op::SetOnDelivery { .. } => "on_delivery",
        Op::ChannelClose {} => "channel.close",
        Op::ConnectionClose {} => "connection.close",
        Op::BrokerRestart {} => "broker_restart",
    }
}

/// `rabbit_guid:binary/2`-like names: a prefix and 22 URL-safe base64 characters.
fn generated_name(prefix: &str, rng: &mut Rng) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut name = String::from(prefix);
    let mut bits = 0u64;
    for i in 0..22 {
        if i % 10 == 0 {
            bits = rng.next_u64();
        }
        name.push(ALPHABET[(bits & 63) as usize] as char);
        bits >>= 6;
    }
    name
}

fn locked(queue: &str) -> AmqpError {
    AmqpError::new(
        ReplyCode::ResourceLocked,
        format!(
            "cannot obtain exclusive access to locked {}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.",
            resource_text("queue", queue, VHOST)
        ),
    )
}

/// `rabbit_misc:val/1`: a bare value, or a typed one, as an inequivalence message prints it.
fn bare_value(v: &FieldValue) -> String {
    match v {
        FieldValue::LongStr(s) => format!("'{s}'"),
        other => format!("'{}'", erlang_term_text(other)),
    }
}
fn typed_value(v: Option<&FieldValue>) -> String {
    match v {
        None => "none".into(),
        Some(FieldValue::LongStr(s)) => format!("the value '{s}' of type 'longstr'"),
        Some(other) => format!(
            "the value '{}' of type '{}'",
            erlang_term_text(other),
            other.type_name()
        ),
    }
}

fn as_number(v: &FieldValue) -> Option<f64> {
    Some(match v {
        FieldValue::Byte(n) => f64::from(*n),
        FieldValue::UnsignedByte(n) => f64::from(*n),
        FieldValue::Short(n) => f64::from(*n),
        FieldValue::UnsignedShort(n) => f64::from(*n),
        FieldValue::SignedInt(n) => f64::from(*n),
        FieldValue::UnsignedInt(n) => f64::from(*n),
        FieldValue::Long(n) => *n as f64,
        FieldValue::Float(x) => f64::from(*x),
        FieldValue::Double(x) => *x,
        _ => return None,
    })
}

/// `rabbit_misc:type_class/1`: every integer type is one class, both float types another.
fn type_class(v: &FieldValue) -> &'static str {
    match v {
        FieldValue::Float(_) | FieldValue::Double(_) => "float",
        FieldValue::Byte(_)
        | FieldValue::UnsignedByte(_)
        | FieldValue::Short(_)
        | FieldValue::UnsignedShort(_)
        | FieldValue::SignedInt(_)
        | FieldValue::UnsignedInt(_)
        | FieldValue::Long(_)
        | FieldValue::Decimal { .. } => "int",
        other => other.type_name(),
    }
}

/// `rabbit_misc:assert_args_equivalence1/4`: the same type class, then the same value.
fn same_argument(a: &FieldValue, b: &FieldValue) -> bool {
    if type_class(a) != type_class(b) {
        return false;
    }
    match (as_number(a), as_number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn inequivalent(queue: &str, key: &str, received: String, current: String) -> AmqpError {
    precondition_failed(format!(
        "inequivalent arg '{key}' for {}: received {received} but current is {current}",
        resource_text("queue", queue, VHOST)
    ))
}

fn content_of(d: &Delivery) -> Content {
    Content {
        message: d.number,
        exchange: d.exchange.clone(),
        routing_key: d.routing_key.clone(),
        redelivered: d.redelivered,
        body: String::from_utf8_lossy(&d.body).into_owned(),
        expiration: d.expiration.clone(),
        properties: d.properties.clone(),
        headers: d.headers.clone(),
    }
}

fn hops_of(routed: &Routed) -> (Vec<Hop>, Vec<String>) {
    let mut hops = Vec::new();
    let mut alternates = Vec::new();
    for visit in &routed.visits {
        for lookup in &visit.default_lookups {
            if lookup.exists {
                hops.push(Hop {
                    source: String::new(),
                    kind: "queue",
                    destination: lookup.queue.clone(),
                    routing_key: lookup.queue.clone(),
                });
            }
        }
        for check in visit.bindings.iter().filter(|c| c.matched) {
            let (kind, destination) = match &check.binding.destination {
                Destination::Queue(q) => ("queue", q.clone()),
                Destination::Exchange(x) => ("exchange", x.clone()),
            };
            hops.push(Hop {
                source: check.binding.source.clone(),
                kind,
                destination,
                routing_key: check.binding.routing_key.clone(),
            });
        }
        if let super::routing::AlternateUse::Consulted(hop) = &visit.alternate {
            alternates.push(hop.exchange.clone());
        }
    }
    (hops, alternates)
}

/// How often `x-death` says a message was rejected from `queue` (the `count` of its
/// `{queue, rejected}` entry), as a consumer reading the header would work it out.
fn rejections_from(headers: &Table, queue: &str) -> u64 {
    let Some(FieldValue::Array(deaths)) = table_lookup(headers, "x-death") else {
        return 0;
    };
    deaths
        .iter()
        .filter_map(|d| match d {
            FieldValue::Table(t) => Some(t),
            _ => None,
        })
        .filter(|t| {
            matches!(table_lookup(t, "queue"), Some(FieldValue::LongStr(q)) if q == queue)
                && matches!(table_lookup(t, "reason"), Some(FieldValue::LongStr(r)) if r == "rejected")
        })
        .find_map(|t| match table_lookup(t, "count") {
            Some(FieldValue::Long(n)) => Some(*n as u64),
            _ => None,
        })
        .unwrap_or(0)
}

enum Settle {
    Ack,
    Nack { requeue: bool },
    Reject { requeue: bool },
}

impl Broker {
    pub fn new() -> Broker {
        Broker {
            topology: Topology::new(VHOST),
            queues: BTreeMap::new(),
            uids: BTreeMap::new(),
            next_uid: 1,
            connections: BTreeMap::new(),
            next_generation: 1,
            published: 0,
            pending: VecDeque::new(),
            dirty: BTreeSet::new(),
            ledger: Ledger::default(),
            consumer_timeout_ms: super::spec::DEFAULT_CONSUMER_TIMEOUT_MS,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Entry points
    // -----------------------------------------------------------------------------------------

    /// Runs one script operation at `env.now`.
    pub fn apply(&mut self, env: &mut Env<'_>, action: &Action) {
        let (conn, ch) = (action.on.connection.as_str(), action.on.channel);
        match &action.op {
            Op::BrokerRestart {} => self.restart(env),
            Op::ChannelClose {} => {
                if !self.channel_open(conn, ch) {
                    return self.skipped(env, conn, ch, "channel.close", Skip::ChannelNotOpen);
                }
                let requeued = self.close_channel(env, conn, ch);
                env.client(
                    conn,
                    Told::ChannelCloseOk {
                        connection: conn.into(),
                        channel: ch,
                        requeued,
                    },
                );
            }
            Op::ConnectionClose {} => {
                if !self.connections.contains_key(conn) {
                    return self.skipped(env, conn, ch, "connection.close", Skip::ConnectionNotOpen);
                }
                let requeued = self.close_connection(env, conn);
                env.client(
                    conn,
                    Told::ConnectionCloseOk {
                        connection: conn.into(),
                        requeued,
                    },
                );
            }
            op => {
                self.open(env, conn, ch);
                if let Err(e) = self.method(env, conn, ch, op) {
                    self.fail(env, conn, ch, method_name(op), e);
                }
            }
        }
        self.finish_step(env);
    }

    pub fn fire(&mut self, env: &mut Env<'_>, timer: &Timer) {
        match timer {
            Timer::Expire { queue_uid } => {
                let Some(name) = self.uids.get(queue_uid).cloned() else {
                    return;
                };
                let Some(q) = self.queues.get_mut(&name) else { return };
                if q.ttl_timer_at.is_some_and(|at| at <= env.now) {
                    q.ttl_timer_at = None;
                }
                let deaths = q.queue.expire(env.now);
                self.pending.extend(deaths.into_iter().map(|d| (name.clone(), d)));
                self.dirty.insert(name);
            }
            Timer::Idle { queue_uid, deadline_ms } => {
                let Some(name) = self.uids.get(queue_uid).cloned() else {
                    return;
                };
                let due = self
                    .queues
                    .get(&name)
                    .is_some_and(|q| q.idle_deadline_ms == Some(*deadline_ms) && q.registered.is_empty());
                if due {
                    self.delete_queue(env, &name, "expires");
                }
            }
            Timer::ChannelTick {
                connection,
                channel,
                generation,
            } => {
                let Some(ch) = self
                    .connections
                    .get_mut(connection)
                    .and_then(|c| c.channels.get_mut(channel))
                    .filter(|c| c.generation == *generation)
                else {
                    return;
                };
                ch.tick_armed = false;
                let now = env.now;
                // `rabbit_channel:evaluate_consumer_timeout/1`: the oldest delivery past its timeout.
                let late = ch.unacked.values().find_map(|u| {
                    let t = u.timeout_ms?;
                    (now.saturating_sub(u.delivered_at_ms) > t).then_some(t)
                });
                if let Some(timeout_ms) = late {
                    let e = precondition_failed(format!(
                        "delivery acknowledgement on channel {channel} timed out. Timeout value used: {timeout_ms} ms. This timeout value can be configured, see consumers doc guide to learn more"
                    ));
                    let (connection, channel) = (connection.clone(), *channel);
                    self.fail(env, &connection, channel, "consumer_timeout", e);
                } else if ch.unacked.values().any(|u| u.timeout_ms.is_some()) {
                    ch.tick_armed = true;
                    env.timers.push((
                        now + CHANNEL_TICK_MS,
                        Timer::ChannelTick {
                            connection: connection.clone(),
                            channel: *channel,
                            generation: *generation,
                        },
                    ));
                }
            }
            Timer::Callback(cb) => {
                let Callback {
                    connection,
                    channel,
                    generation,
                    delivery_tag,
                    action,
                    ..
                } = cb.as_ref();
                let live = self
                    .connections
                    .get(connection)
                    .and_then(|c| c.channels.get(channel))
                    .is_some_and(|c| c.generation == *generation && c.unacked.contains_key(delivery_tag));
                if !live {
                    return;
                }
                let how = match action {
                    OnDelivery::Nothing => return,
                    OnDelivery::Ack { .. } => Settle::Ack,
                    OnDelivery::Nack { requeue, .. } => Settle::Nack { requeue: *requeue },
                    OnDelivery::Reject { requeue, .. } => Settle::Reject { requeue: *requeue },
                    OnDelivery::Reply { body, .. } => {
                        if let Some(reply_to) = &cb.reply_to {
                            let mut properties = super::spec::PublishProperties::default();
                            properties.basic.correlation_id = cb.correlation_id.clone();
                            let sent = self.publish(env, connection, *channel, "", reply_to, body, false, &properties);
                            if let Err(e) = sent {
                                self.fail(env, connection, *channel, "basic.publish", e);
                                return self.finish_step(env);
                            }
                        }
                        Settle::Ack
                    }
                    OnDelivery::RetryThenPark {
                        attempts,
                        park_exchange,
                        park_routing_key,
                        ..
                    } => {
                        if cb.rejections < *attempts {
                            Settle::Reject { requeue: false }
                        } else {
                            let (body, properties) = cb.content.clone().unwrap_or_default();
                            let sent = self.publish(
                                env,
                                connection,
                                *channel,
                                park_exchange,
                                park_routing_key,
                                &body,
                                false,
                                &properties,
                            );
                            if let Err(e) = sent {
                                self.fail(env, connection, *channel, "basic.publish", e);
                                return self.finish_step(env);
                            }
                            Settle::Ack
                        }
                    }
                };
                // The tag is known to be unacked, so this cannot fail.
                let _ = self.settle(env, connection, *channel, *delivery_tag, false, how, true);
            }
        }
        self.finish_step(env);
    }

    // -----------------------------------------------------------------------------------------
    // Connections and channels
    // -----------------------------------------------------------------------------------------

    fn channel_open(&self, conn: &str, ch: u16) -> bool {
        self.connections.get(conn).is_some_and(|c| c.channels.contains_key(&ch))
    }

    /// A script's method on a channel that is not open: the client opens it first (and the
    /// connection). A real client would get `CHANNEL_ERROR - expected 'channel.open'` (504) for a
    /// method on a channel the broker closed; the script instead reopens it, as a program would.
    fn open(&mut self, env: &mut Env<'_>, conn: &str, ch: u16) {
        let connection_opened = !self.connections.contains_key(conn);
        let connection = self.connections.entry(conn.into()).or_default();
        if connection.channels.contains_key(&ch) {
            return;
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        connection.channels.insert(
            ch,
            Channel {
                generation,
                opened_at_ms: env.now,
                ..Channel::default()
            },
        );
        env.client(
            conn,
            Told::ChannelOpenOk {
                connection: conn.into(),
                channel: ch,
                connection_opened,
            },
        );
    }

    fn channel_mut(&mut self, conn: &str, ch: u16) -> Option<&mut Channel> {
        self.connections.get_mut(conn)?.channels.get_mut(&ch)
    }

    /// A method failed: a soft error closes the channel, a hard one the connection
    /// (`rabbit_channel:handle_exception/2`).
    fn fail(&mut self, env: &mut Env<'_>, conn: &str, ch: u16, method: &'static str, e: AmqpError) {
        if e.code.closes_connection() {
            let requeued = self.close_connection(env, conn);
            env.client(
                conn,
                Told::ConnectionClose {
                    connection: conn.into(),
                    reply_code: e.code.value(),
                    reply_text: e.reply_text(),
                    method: Some(method),
                    requeued,
                },
            );
        } else {
            let requeued = self.close_channel(env, conn, ch);
            env.client(
                conn,
                Told::ChannelClose {
                    connection: conn.into(),
                    channel: ch,
                    reply_code: e.code.value(),
                    reply_text: e.reply_text(),
                    method,
                    requeued,
                },
            );
        }
    }

    /// Closes a channel (`rabbit_channel:terminate/2` → `notify_queues`): every queue puts back the
    /// channel's unacked messages and forgets its consumers (`handle_ch_down`); then an auto-delete
    /// queue left with no consumer is deleted.
    fn close_channel(&mut self, env: &mut Env<'_>, conn: &str, ch: u16) -> Vec<Settled> {
        let Some(channel) = self.connections.get_mut(conn).and_then(|c| c.channels.remove(&ch)) else {
            return Vec::new();
        };
        let tags: Vec<u64> = channel.unacked.keys().copied().collect();
        let requeued = self.requeue_all(env, &channel, &tags);
        for (tag, consumer) in &channel.consumers {
            let key = ConsumerKey {
                connection: conn.into(),
                channel: ch,
                tag: tag.clone(),
            };
            self.remove_consumer(env, &key, consumer.queue_uid);
        }
        requeued
    }

    /// Puts the given unacked deliveries of `channel` back in their queues, in tag order per queue.
    fn requeue_all(&mut self, env: &mut Env<'_>, channel: &Channel, tags: &[u64]) -> Vec<Settled> {
        let mut by_queue: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        let mut settled = Vec::new();
        for tag in tags {
            if let Some(u) = channel.unacked.get(tag) {
                by_queue.entry(u.queue_uid).or_default().push(u.message_id);
                settled.push(Settled {
                    delivery_tag: *tag,
                    queue: u.queue.clone(),
                    message: u.number,
                });
            }
        }
        for (uid, ids) in by_queue {
            self.requeue_into(env.now, uid, &ids);
        }
        settled
    }

    fn requeue_into(&mut self, now_ms: u64, uid: u64, ids: &[u64]) {
        let Some(name) = self.uids.get(&uid).cloned() else {
            return;
        };
        let Some(q) = self.queues.get_mut(&name) else { return };
        let deaths = q.queue.requeue(now_ms, ids);
        self.pending.extend(deaths.into_iter().map(|d| (name.clone(), d)));
        self.dirty.insert(name);
    }

    fn close_connection(&mut self, env: &mut Env<'_>, conn: &str) -> Vec<Settled> {
        let channels: Vec<u16> = self
            .connections
            .get(conn)
            .map(|c| c.channels.keys().copied().collect())
            .unwrap_or_default();
        let mut requeued = Vec::new();
        for ch in channels {
            requeued.extend(self.close_channel(env, conn, ch));
        }
        self.connections.remove(conn);
        // Exclusive queues go with their connection (`rabbit_amqqueue:on_node_down` / owner down).
        let owned: Vec<String> = self
            .queues
            .iter()
            .filter(|(_, q)| q.exclusive_owner.as_deref() == Some(conn))
            .map(|(n, _)| n.clone())
            .collect();
        for name in owned {
            self.delete_queue(env, &name, "exclusive");
        }
        requeued
    }

    fn skipped(&mut self, env: &mut Env<'_>, conn: &str, ch: u16, method: &'static str, why: Skip) {
        env.client(
            conn,
            Told::ScriptSkipped {
                connection: conn.into(),
                channel: ch,
                method,
                why,
            },
        );
    }

    // -----------------------------------------------------------------------------------------
    // Methods
    // -----------------------------------------------------------------------------------------

    fn method(&mut self, env: &mut Env<'_>, conn: &str, ch: u16, op: &Op) -> Result<(), AmqpError> {
        let told = |env: &mut Env<'_>, t: Told| env.client(conn, t);
        match op {
            Op::DeclareExchange {
                exchange,
                kind,
                durable,
                auto_delete,
                internal,
                passive,
                arguments,
            } => {
                if *passive {
                    // `rabbit_channel`, exchange.declare passive: the default exchange is refused.
                    if exchange.is_empty() {
                        return Err(super::routing::default_exchange_refused());
                    }
                    let found = self.topology.exchange(exchange).map(|x| x.kind.as_str());
                    let Some(kind) = found else {
                        return Err(not_found("exchange", exchange, VHOST));
                    };
                    told(
                        env,
                        Told::ExchangeDeclareOk {
                            connection: conn.into(),
                            channel: ch,
                            exchange: exchange.clone(),
                            kind,
                            created: false,
                        },
                    );
                    return Ok(());
                }
                let mut x = Exchange::new(exchange, *kind);
                x.durable = *durable;
                x.auto_delete = *auto_delete;
                x.internal = *internal;
                match table_lookup(arguments, "alternate-exchange") {
                    None => {}
                    Some(FieldValue::LongStr(ae)) => x.alternate_exchange = Some(ae.clone()),
                    Some(other) => return Err(self.bad_alternate_exchange(&x, other)),
                }
                let created = self.topology.declare_exchange(&x)? == Declared::Created;
                told(
                    env,
                    Told::ExchangeDeclareOk {
                        connection: conn.into(),
                        channel: ch,
                        exchange: exchange.clone(),
                        kind: kind.as_str(),
                        created,
                    },
                );
            }
            Op::DeleteExchange { exchange, if_unused } => {
                // `rabbit_channel`: strip_cr_lf, check_not_default_exchange, check_exchange_deletion.
                let exchange = &exchange.replace(['\r', '\n'], "");
                if exchange.is_empty() {
                    return Err(super::routing::default_exchange_refused());
                }
                if exchange.starts_with("amq.") {
                    return Err(AmqpError::new(
                        ReplyCode::AccessRefused,
                        format!(
                            "deletion of system {} not allowed",
                            resource_text("exchange", exchange, VHOST)
                        ),
                    ));
                }
                let existed = self.topology.exchange(exchange).is_some();
                if existed && *if_unused && self.topology.has_bindings_from(exchange) {
                    return Err(precondition_failed(format!(
                        "{} in use",
                        resource_text("exchange", exchange, VHOST)
                    )));
                }
                let removed = self.topology.remove_exchange(exchange);
                told(
                    env,
                    Told::ExchangeDeleteOk {
                        connection: conn.into(),
                        channel: ch,
                        exchange: exchange.clone(),
                        existed,
                    },
                );
                for x in removed.into_iter().skip(1) {
                    env.tell(
                        Who::Broker,
                        Told::ExchangeDeleted {
                            exchange: x,
                            why: "auto_delete",
                        },
                    );
                }
            }
            Op::DeclareQueue {
                queue,
                durable,
                exclusive,
                auto_delete,
                passive,
                arguments,
            } => self.declare_queue(
                env,
                conn,
                ch,
                queue,
                *durable,
                *exclusive,
                *auto_delete,
                *passive,
                arguments,
            )?,
            Op::DeleteQueue {
                queue,
                if_unused,
                if_empty,
            } => {
                let queue = &queue.replace(['\r', '\n'], "");
                let Some(q) = self.queues.get(queue) else {
                    // `rabbit_channel`: deleting a missing queue answers delete-ok with 0.
                    told(
                        env,
                        Told::QueueDeleteOk {
                            connection: conn.into(),
                            channel: ch,
                            queue: queue.clone(),
                            message_count: 0,
                        },
                    );
                    return Ok(());
                };
                self.check_exclusive(conn, queue)?;
                if q.queue.config().queue_type == QueueType::Quorum && (*if_unused || *if_empty) {
                    // `rabbit_quorum_queue:delete/4` refuses both flags, if-unused checked first.
                    let flag = if *if_unused { "if-unused" } else { "if-empty" };
                    return Err(AmqpError::new(
                        ReplyCode::NotImplemented,
                        format!(
                            "cannot delete {}. queue.delete operations with {flag} flag set are not supported by quorum queues",
                            resource_text("queue", queue, VHOST)
                        ),
                    ));
                }
                if *if_empty && q.queue.message_count() > 0 {
                    return Err(precondition_failed(format!(
                        "{} not empty",
                        resource_text("queue", queue, VHOST)
                    )));
                }
                if *if_unused && !q.registered.is_empty() {
                    return Err(precondition_failed(format!(
                        "{} in use",
                        resource_text("queue", queue, VHOST)
                    )));
                }
                let message_count = q.queue.message_count();
                told(
                    env,
                    Told::QueueDeleteOk {
                        connection: conn.into(),
                        channel: ch,
                        queue: queue.clone(),
                        message_count,
                    },
                );
                self.delete_queue_quietly(env, queue);
            }
            Op::PurgeQueue { queue } => {
                self.existing_queue(queue)?;
                self.check_exclusive(conn, queue)?;
                let q = self.queues.get_mut(queue).expect("checked above");
                let purged = q.queue.purge();
                self.ledger.purged += purged.len() as u64;
                told(
                    env,
                    Told::QueuePurgeOk {
                        connection: conn.into(),
                        channel: ch,
                        queue: queue.clone(),
                        message_count: purged.len() as u64,
                    },
                );
                self.dirty.insert(queue.clone());
            }
            Op::BindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
            } => {
                // `rabbit_binding:binding_checks`: the exclusive check comes after the topology's
                // own (403, 404, 406), so a binding it refuses is taken back.
                let destination = Destination::Queue(queue.clone());
                let created = self.topology.bind(exchange, &destination, routing_key, arguments)? == Declared::Created;
                if let Err(e) = self.check_exclusive(conn, queue) {
                    if created {
                        let _ = self.topology.unbind(exchange, &destination, routing_key, arguments);
                    }
                    return Err(e);
                }
                told(
                    env,
                    Told::QueueBindOk {
                        connection: conn.into(),
                        channel: ch,
                        queue: queue.clone(),
                        exchange: exchange.clone(),
                        routing_key: routing_key.clone(),
                        created,
                    },
                );
            }
            Op::UnbindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
            } => {
                if self.queues.contains_key(queue) && self.topology.exchange(exchange).is_some() {
                    self.check_exclusive(conn, queue)?;
                }
                let removed =
                    self.topology
                        .unbind(exchange, &Destination::Queue(queue.clone()), routing_key, arguments)?;
                told(
                    env,
                    Told::QueueUnbindOk {
                        connection: conn.into(),
                        channel: ch,
                        queue: queue.clone(),
                        exchange: exchange.clone(),
                        routing_key: routing_key.clone(),
                        removed,
                    },
                );
                self.auto_delete_exchange(env, exchange);
            }
            Op::BindExchange {
                destination,
                source,
                routing_key,
                arguments,
            } => {
                let created = self.topology.bind(
                    source,
                    &Destination::Exchange(destination.clone()),
                    routing_key,
                    arguments,
                )? == Declared::Created;
                told(
                    env,
                    Told::ExchangeBindOk {
                        connection: conn.into(),
                        channel: ch,
                        destination: destination.clone(),
                        source: source.clone(),
                        routing_key: routing_key.clone(),
                        created,
                    },
                );
            }
            Op::UnbindExchange {
                destination,
                source,
                routing_key,
                arguments,
            } => {
                let removed = self.topology.unbind(
                    source,
                    &Destination::Exchange(destination.clone()),
                    routing_key,
                    arguments,
                )?;
                told(
                    env,
                    Told::ExchangeUnbindOk {
                        connection: conn.into(),
                        channel: ch,
                        destination: destination.clone(),
                        source: source.clone(),
                        routing_key: routing_key.clone(),
                        removed,
                    },
                );
                self.auto_delete_exchange(env, source);
            }
            Op::ConfirmSelect {} => {
                let channel = self.channel_mut(conn, ch).expect("opened");
                if !channel.confirm {
                    channel.confirm = true;
                    channel.next_publish_seq = 1;
                }
                told(
                    env,
                    Told::ConfirmSelectOk {
                        connection: conn.into(),
                        channel: ch,
                    },
                );
            }
            Op::Publish {
                exchange,
                routing_key,
                body,
                mandatory,
                properties,
                count,
            } => {
                for n in 1..=*count {
                    let n = n.to_string();
                    let body = body.replace("{n}", &n);
                    let mut numbered = properties.clone();
                    let b = &mut numbered.basic;
                    for text in [
                        &mut b.message_id,
                        &mut b.correlation_id,
                        &mut b.app_id,
                        &mut b.message_type,
                    ] {
                        if let Some(t) = text.as_mut() {
                            *t = t.replace("{n}", &n);
                        }
                    }
                    self.publish(env, conn, ch, exchange, routing_key, &body, *mandatory, &numbered)?;
                    // Dead letters a publish caused are routed before the next one.
                    self.route_pending(env);
                }
            }
            Op::BasicGet { queue, no_ack } => {
                self.existing_queue(queue)?;
                self.check_exclusive(conn, queue)?;
                let q = self.queues.get_mut(queue).expect("checked above");
                let uid = q.uid;
                let (fetched, deaths) = q.queue.basic_get(env.now, !*no_ack);
                if *no_ack && fetched.is_some() {
                    self.ledger.auto_acked += 1;
                }
                self.pending.extend(deaths.into_iter().map(|d| (queue.clone(), d)));
                self.touch_idle(env, queue);
                self.dirty.insert(queue.clone());
                match fetched {
                    None => told(
                        env,
                        Told::BasicGetEmpty {
                            connection: conn.into(),
                            channel: ch,
                            queue: queue.clone(),
                        },
                    ),
                    Some(f) => {
                        let channel = self.channel_mut(conn, ch).expect("opened");
                        channel.next_delivery_tag += 1;
                        let tag = channel.next_delivery_tag;
                        if !*no_ack {
                            channel.unacked.insert(
                                tag,
                                Unacked {
                                    queue: queue.clone(),
                                    queue_uid: uid,
                                    message_id: f.delivery.message_id,
                                    number: f.delivery.number,
                                    consumer: None,
                                    limited: false,
                                    delivered_at_ms: env.now,
                                    timeout_ms: None,
                                },
                            );
                        }
                        told(
                            env,
                            Told::BasicGetOk {
                                connection: conn.into(),
                                channel: ch,
                                delivery_tag: tag,
                                queue: queue.clone(),
                                message_count: f.message_count,
                                content: content_of(&f.delivery),
                            },
                        );
                    }
                }
            }
            Op::BasicConsume {
                queue,
                consumer_tag,
                no_ack,
                exclusive,
                on_delivery,
            } => self.consume(env, conn, ch, queue, consumer_tag, *no_ack, *exclusive, on_delivery)?,
            Op::BasicCancel { consumer_tag } => {
                let key = ConsumerKey {
                    connection: conn.into(),
                    channel: ch,
                    tag: consumer_tag.clone(),
                };
                // An unknown tag is answered with cancel-ok (`rabbit_channel`, basic.cancel).
                told(
                    env,
                    Told::BasicCancelOk {
                        connection: conn.into(),
                        channel: ch,
                        consumer_tag: consumer_tag.clone(),
                    },
                );
                let uid = self.consumer(&key).map(|c| c.queue_uid);
                if let Some(uid) = uid {
                    self.remove_consumer(env, &key, uid);
                }
            }
            Op::BasicQos { prefetch_count, global } => {
                let channel = self.channel_mut(conn, ch).expect("opened");
                // `rabbit_channel`, basic.qos: global=false sets the limit for later consumers;
                // global=true limits the whole channel at once.
                // global=false also lifts an earlier global limit (`rabbit_limiter:unlimit_prefetch`).
                if *global {
                    channel.prefetch_global = *prefetch_count;
                } else {
                    channel.prefetch_next = *prefetch_count;
                    channel.prefetch_global = 0;
                }
                told(
                    env,
                    Told::BasicQosOk {
                        connection: conn.into(),
                        channel: ch,
                        prefetch_count: *prefetch_count,
                        global: *global,
                    },
                );
                self.unblock_channel(conn, ch);
            }
            Op::BasicAck {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
            } => {
                if let Some(tag) = self.resolve_tag(env, conn, ch, "basic.ack", *delivery_tag, consumer_tag, *nth) {
                    self.settle(env, conn, ch, tag, *multiple, Settle::Ack, false)?;
                }
            }
            Op::BasicNack {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
                requeue,
            } => {
                if let Some(tag) = self.resolve_tag(env, conn, ch, "basic.nack", *delivery_tag, consumer_tag, *nth) {
                    self.settle(env, conn, ch, tag, *multiple, Settle::Nack { requeue: *requeue }, false)?;
                }
            }
            Op::BasicReject {
                delivery_tag,
                consumer_tag,
                nth,
                requeue,
                ..
            } => {
                if let Some(tag) = self.resolve_tag(env, conn, ch, "basic.reject", *delivery_tag, consumer_tag, *nth) {
                    self.settle(env, conn, ch, tag, false, Settle::Reject { requeue: *requeue }, false)?;
                }
            }
            Op::BasicRecover { requeue } => {
                if !*requeue {
                    // `rabbit_channel`, basic.recover with requeue=false.
                    return Err(AmqpError::new(ReplyCode::NotImplemented, "requeue=false".into()));
                }
                let channel = self.channel_mut(conn, ch).expect("opened");
                let taken = core::mem::take(&mut channel.unacked);
                let mut snapshot = Channel {
                    unacked: taken,
                    ..Channel::default()
                };
                let tags: Vec<u64> = snapshot.unacked.keys().copied().collect();
                self.forget_unacked(conn, ch, &snapshot);
                let requeued = self.requeue_all(env, &snapshot, &tags);
                snapshot.unacked.clear();
                told(
                    env,
                    Told::BasicRecoverOk {
                        connection: conn.into(),
                        channel: ch,
                        requeued,
                    },
                );
                self.unblock_channel(conn, ch);
            }
            Op::SetOnDelivery {
                consumer_tag,
                on_delivery,
            } => {
                match self
                    .channel_mut(conn, ch)
                    .and_then(|c| c.consumers.get_mut(consumer_tag))
                {
                    Some(consumer) => consumer.on_delivery = on_delivery.clone(),
                    None => self.skipped(
                        env,
                        conn,
                        ch,
                        "on_delivery",
                        Skip::NoConsumer {
                            consumer_tag: consumer_tag.clone(),
                        },
                    ),
                }
            }
            Op::ChannelClose {} | Op::ConnectionClose {} | Op::BrokerRestart {} => {}
        }
        Ok(())
    }

    /// An `alternate-exchange` argument that is not a string (`rabbit_channel`, exchange.declare):
    /// a new exchange is refused after the name checks with `invalid type`; an existing one after
    /// the other equivalence checks, as an inequivalent argument.
    fn bad_alternate_exchange(&mut self, x: &Exchange, value: &FieldValue) -> AmqpError {
        let resource = resource_text("exchange", &x.name, VHOST);
        match self.topology.exchange(&x.name).cloned() {
            None => {
                if x.name.is_empty() {
                    return super::routing::default_exchange_refused();
                }
                if x.name.starts_with("amq.") {
                    return AmqpError::new(
                        ReplyCode::AccessRefused,
                        format!("exchange name '{}' contains reserved prefix 'amq.*'", x.name),
                    );
                }
                precondition_failed(format!(
                    "invalid type '{}' for arg 'alternate-exchange' in {resource}",
                    value.type_name()
                ))
            }
            Some(current) => {
                let mut same_ae = x.clone();
                same_ae.alternate_exchange = current.alternate_exchange.clone();
                if let Err(e) = self.topology.declare_exchange(&same_ae) {
                    return e;
                }
                let current_text = match &current.alternate_exchange {
                    Some(ae) => format!("'{ae}'"),
                    None => "none".into(),
                };
                let received = if current.alternate_exchange.is_some() {
                    bare_value(value)
                } else {
                    typed_value(Some(value))
                };
                precondition_failed(format!(
                    "inequivalent arg 'alternate-exchange' for {resource}: received {received} but current is {current_text}"
                ))
            }
        }
    }

    /// The consumers' counters after unacked entries were taken off a channel.
    fn forget_unacked(&mut self, conn: &str, ch: u16, taken: &Channel) {
        let Some(channel) = self.channel_mut(conn, ch) else {
            return;
        };
        for u in taken.unacked.values() {
            if u.limited {
                channel.consumer_unacked = channel.consumer_unacked.saturating_sub(1);
            }
            if let Some(tag) = &u.consumer {
                if let Some(c) = channel.consumers.get_mut(tag) {
                    c.unacked = c.unacked.saturating_sub(1);
                }
            }
        }
    }

    fn existing_queue(&self, queue: &str) -> Result<(), AmqpError> {
        if self.queues.contains_key(queue) {
            Ok(())
        } else {
            Err(not_found("queue", queue, VHOST))
        }
    }

    /// `rabbit_amqqueue:check_exclusive_access/2` (lax): an exclusive queue of another
    /// connection is locked.
    fn check_exclusive(&self, conn: &str, queue: &str) -> Result<(), AmqpError> {
        match self.queues.get(queue).and_then(|q| q.exclusive_owner.as_deref()) {
            Some(owner) if owner != conn => Err(locked(queue)),
            _ => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn declare_queue(
        &mut self,
        env: &mut Env<'_>,
        conn: &str,
        ch: u16,
        name: &str,
        durable: bool,
        exclusive: bool,
        auto_delete: bool,
        passive: bool,
        arguments: &Table,
    ) -> Result<(), AmqpError> {
        let answer = |s: &Self, env: &mut Env<'_>, name: &str, created: bool| {
            let q = &s.queues[name];
            env.client(
                conn,
                Told::QueueDeclareOk {
                    connection: conn.into(),
                    channel: ch,
                    queue: name.into(),
                    message_count: q.queue.message_count(),
                    consumer_count: q.registered.len() as u64,
                    created,
                    passive,
                },
            );
        };
        if passive {
            self.existing_queue(name)?;
            self.check_exclusive(conn, name)?;
            self.touch_idle_for(IdleUse::Declare, env, name);
            answer(self, env, name, false);
            return Ok(());
        }
        let owner = exclusive.then(|| String::from(conn));
        // `rabbit_channel`, queue.declare: an exclusive queue is never durable.
        let durable = durable && !exclusive;
        // `rabbit_amqqueue:augment_declare_args/5`: a declare without `x-queue-type` gets the
        // vhost's default (`classic`), so it is stored and compared with one.
        let augmented;
        let arguments = if table_lookup(arguments, "x-queue-type").is_none() {
            let mut with_type = alloc::vec![(String::from("x-queue-type"), FieldValue::longstr("classic"))];
            with_type.extend(arguments.iter().cloned());
            augmented = with_type;
            &augmented
        } else {
            arguments
        };
        let name = match self.topology.queue_name_check(name)? {
            Some(n) => n,
            None => {
                let quorum =
                    matches!(table_lookup(arguments, "x-queue-type"), Some(FieldValue::LongStr(t)) if t == "quorum");
                if quorum {
                    return Err(precondition_failed(
                        "Cannot declare a server-named queue for type rabbit_quorum_queue".into(),
                    ));
                }
                generated_name("amq.gen-", env.rng)
            }
        };
        if let Some(q) = self.queues.get(&name) {
            // `rabbit_amqqueue:assert_equivalence/5`: exclusive access (strict), durable,
            // auto_delete, then the arguments.
            if q.exclusive_owner != owner {
                return Err(locked(&name));
            }
            let flags = [
                ("durable", q.durable, durable),
                ("auto_delete", q.auto_delete, auto_delete),
            ];
            for (key, current, received) in flags {
                if current != received {
                    return Err(inequivalent(
                        &name,
                        key,
                        format!("'{received}'"),
                        format!("'{current}'"),
                    ));
                }
            }
            // `rabbit_amqqueue:assert_args_equivalence/2`: the queue type's own arguments, in
            // the order its `queue_arguments` capability lists them.
            for key in q.queue.config().queue_type.accepted_arguments() {
                match (table_lookup(arguments, key), table_lookup(&q.arguments, key)) {
                    (None, None) => {}
                    (Some(a), Some(b)) if same_argument(a, b) => {}
                    (Some(a), Some(b)) => return Err(inequivalent(&name, key, bare_value(a), bare_value(b))),
                    (a, b) => return Err(inequivalent(&name, key, typed_value(a), typed_value(b))),
                }
            }
            self.touch_idle_for(IdleUse::Declare, env, &name);
            answer(self, env, &name, false);
            return Ok(());
        }
        // `rabbit_channel`, queue.declare: the dead-letter exchange's name is read (`r_arg`)
        // before the queue's own argument checks.
        if let Some(dlx) =
            table_lookup(arguments, "x-dead-letter-exchange").filter(|v| !matches!(v, FieldValue::LongStr(_)))
        {
            return Err(precondition_failed(format!(
                "invalid type '{}' for arg 'x-dead-letter-exchange' in {}",
                dlx.type_name(),
                resource_text("queue", &name, VHOST)
            )));
        }
        let config = QueueConfig::from_arguments(&name, VHOST, arguments)?;
        if config.queue_type == QueueType::Quorum {
            // `rabbit_quorum_queue:declare/2`: check_auto_delete, check_exclusive, check_non_durable.
            let refused = [
                ("auto-delete", auto_delete),
                ("exclusive-owner", exclusive),
                ("non-durable", !durable),
            ];
            if let Some((property, _)) = refused.iter().find(|(_, bad)| *bad) {
                return Err(precondition_failed(format!(
                    "invalid property '{property}' for {}",
                    resource_text("queue", &name, VHOST)
                )));
            }
        }
        let single_active_consumer = matches!(
            table_lookup(arguments, "x-single-active-consumer"),
            Some(FieldValue::Bool(true))
        );
        self.topology.declare_server_named_queue(&name);
        let uid = self.next_uid;
        self.next_uid += 1;
        self.uids.insert(uid, name.clone());
        self.queues.insert(
            name.clone(),
            QueueState {
                uid,
                queue: Queue::new(config),
                durable,
                auto_delete,
                exclusive_owner: owner,
                arguments: arguments.clone(),
                single_active_consumer,
                registered: Vec::new(),
                active: VecDeque::new(),
                blocked: Vec::new(),
                had_consumer: false,
                created_at_ms: env.now,
                ttl_timer_at: None,
                idle_deadline_ms: None,
            },
        );
        self.touch_idle(env, &name);
        answer(self, env, &name, true);
        Ok(())
    }

    /// `x-expires`: a use of an idle queue (declare, get, the last consumer leaving) restarts
    /// its idle time (`rabbit_amqqueue_process:ensure_expiry_timer/1`).
    fn touch_idle(&mut self, env: &mut Env<'_>, name: &str) {
        self.touch_idle_for(IdleUse::Other, env, name)
    }

    /// [`Broker::touch_idle`] for a use of a given kind. A quorum queue (`rabbit_fifo`) counts
    /// only dequeues and consumers leaving as use (a declare is a query, and its `last_active`
    /// survives a restart), and is expired on the Ra tick (`quorum_tick_interval`, 5000 ms), so
    /// the deletion comes at the first tick after the deadline.
    fn touch_idle_for(&mut self, how: IdleUse, env: &mut Env<'_>, name: &str) {
        let Some(q) = self.queues.get_mut(name) else { return };
        let Some(expires) = q.queue.config().expires_ms else {
            return;
        };
        let quorum = q.queue.config().queue_type == QueueType::Quorum;
        if quorum && how != IdleUse::Other && q.idle_deadline_ms.is_some() {
            return;
        }
        if !q.registered.is_empty() {
            q.idle_deadline_ms = None;
            return;
        }
        let mut deadline_ms = env.now + expires;
        if quorum {
            let since = deadline_ms.saturating_sub(q.created_at_ms);
            deadline_ms = q.created_at_ms + since.div_ceil(QUORUM_TICK_MS) * QUORUM_TICK_MS;
        }
        q.idle_deadline_ms = Some(deadline_ms);
        env.timers.push((
            deadline_ms,
            Timer::Idle {
                queue_uid: q.uid,
                deadline_ms,
            },
        ));
    }

    #[allow(clippy::too_many_arguments)]
    fn consume(
        &mut self,
        env: &mut Env<'_>,
        conn: &str,
        ch: u16,
        queue: &str,
        consumer_tag: &str,
        no_ack: bool,
        exclusive: bool,
        on_delivery: &OnDelivery,
    ) -> Result<(), AmqpError> {
        // `rabbit_channel`, basic.consume: a reused tag is refused before the queue is looked up.
        if self
            .channel_mut(conn, ch)
            .is_some_and(|c| c.consumers.contains_key(consumer_tag))
        {
            return Err(AmqpError::new(
                ReplyCode::NotAllowed,
                format!("attempt to reuse consumer tag '{consumer_tag}'"),
            ));
        }
        self.existing_queue(queue)?;
        self.check_exclusive(conn, queue)?;
        let tag = if consumer_tag.is_empty() {
            generated_name("amq.ctag-", env.rng)
        } else {
            consumer_tag.into()
        };
        let channel = self.channel_mut(conn, ch).expect("opened");
        let (prefetch, global) = (channel.prefetch_next, channel.prefetch_global);
        let q = &self.queues[queue];
        let quorum = q.queue.config().queue_type == QueueType::Quorum;
        if quorum && global > 0 {
            return Err(AmqpError::new(
                ReplyCode::NotImplemented,
                format!("{} does not support global qos", resource_text("queue", queue, VHOST)),
            ));
        }
        // `rabbit_queue_consumers` / `rabbit_amqqueue_process`: an exclusive consumer needs a queue
        // with no consumers, and no consumer joins a queue that has one (quorum queues ignore it).
        if !quorum {
            // A single-active-consumer queue never takes an exclusive consumer
            // (`rabbit_amqqueue_process`, `exclusive_consume_unavailable`).
            let has_exclusive = q
                .registered
                .iter()
                .any(|k| self.consumer(k).is_some_and(|c| c.exclusive));
            let sac_refuses = exclusive && q.single_active_consumer;
            if has_exclusive || sac_refuses || (exclusive && !q.registered.is_empty()) {
                return Err(AmqpError::new(
                    ReplyCode::AccessRefused,
                    format!("{} in exclusive use", resource_text("queue", queue, VHOST)),
                ));
            }
        }
        let uid = q.uid;
        let channel = self.channel_mut(conn, ch).expect("opened");
        channel.consumers.insert(
            tag.clone(),
            Consumer {
                queue: queue.into(),
                queue_uid: uid,
                no_ack,
                exclusive,
                prefetch,
                on_delivery: on_delivery.clone(),
                unacked: 0,
            },
        );
        channel.deliveries.entry(tag.clone()).or_default();
        let key = ConsumerKey {
            connection: conn.into(),
            channel: ch,
            tag: tag.clone(),
        };
        let q = self.queues.get_mut(queue).expect("checked above");
        q.registered.push(key.clone());
        q.active.push_back(key);
        q.had_consumer = true;
        q.idle_deadline_ms = None;
        env.client(
            conn,
            Told::BasicConsumeOk {
                connection: conn.into(),
                channel: ch,
                consumer_tag: tag,
                queue: queue.into(),
                prefetch_count: prefetch,
            },
        );
        self.dirty.insert(queue.into());
        Ok(())
    }

    fn consumer(&self, key: &ConsumerKey) -> Option<&Consumer> {
        self.connections
            .get(&key.connection)?
            .channels
            .get(&key.channel)?
            .consumers
            .get(&key.tag)
    }

    /// Takes a consumer off its queue (found by uid); an auto-delete queue that loses its last
    /// consumer goes (`rabbit_amqqueue_process`, `handle_ch_down` and basic.cancel with
    /// `should_auto_delete`). Its unacked deliveries stay on the channel.
    fn remove_consumer(&mut self, env: &mut Env<'_>, key: &ConsumerKey, queue_uid: u64) {
        if let Some(c) = self
            .connections
            .get_mut(&key.connection)
            .and_then(|c| c.channels.get_mut(&key.channel))
        {
            c.consumers.remove(&key.tag);
        }
        let Some(queue) = self.uids.get(&queue_uid).cloned() else {
            return;
        };
        let Some(q) = self.queues.get_mut(&queue) else { return };
        q.registered.retain(|k| k != key);
        q.active.retain(|k| k != key);
        q.blocked.retain(|k| k != key);
        if q.registered.is_empty() {
            if q.auto_delete && q.had_consumer {
                self.delete_queue(env, &queue, "auto_delete");
                return;
            }
            self.touch_idle(env, &queue);
        }
        self.dirty.insert(queue);
    }

    /// Deletes a queue for a reason of the broker's own, told.
    fn delete_queue(&mut self, env: &mut Env<'_>, name: &str, why: &'static str) {
        let messages_lost = self
            .queues
            .get(name)
            .map_or(0, |q| q.queue.message_count() + q.queue.unacked_count());
        env.tell(
            Who::Broker,
            Told::QueueDeleted {
                queue: name.into(),
                why,
                messages_lost,
            },
        );
        self.delete_queue_quietly(env, name);
    }

    /// Removes a queue, its bindings (and auto-delete exchanges they emptied), and cancels its
    /// consumers (the broker sends `basic.cancel`: consumer cancel notification).
    fn delete_queue_quietly(&mut self, env: &mut Env<'_>, name: &str) {
        let Some(q) = self.queues.remove(name) else { return };
        self.ledger.deleted_with_queue += q.queue.message_count() + q.queue.unacked_count();
        self.uids.remove(&q.uid);
        self.dirty.remove(name);
        for x in self.topology.remove_queue(name) {
            env.tell(
                Who::Broker,
                Told::ExchangeDeleted {
                    exchange: x,
                    why: "auto_delete",
                },
            );
        }
        for key in &q.registered {
            let removed = self
                .connections
                .get_mut(&key.connection)
                .and_then(|c| c.channels.get_mut(&key.channel))
                .and_then(|c| c.consumers.remove(&key.tag));
            if removed.is_some() {
                env.client(
                    &key.connection,
                    Told::BasicCancel {
                        connection: key.connection.clone(),
                        channel: key.channel,
                        consumer_tag: key.tag.clone(),
                        queue: name.into(),
                    },
                );
            }
        }
    }

    fn auto_delete_exchange(&mut self, env: &mut Env<'_>, exchange: &str) {
        for x in self.topology.auto_delete_if_unused(exchange) {
            env.tell(
                Who::Broker,
                Told::ExchangeDeleted {
                    exchange: x,
                    why: "auto_delete",
                },
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Publishing
    // -----------------------------------------------------------------------------------------

    /// `basic.publish` (`rabbit_channel:handle_method/3`), in its order of checks: the exchange
    /// exists (404) and is not internal (403); `expiration` parses (406); `CC`/`BCC` are arrays
    /// (406); `user_id` is the connection's user (406); then routing, enqueueing, `basic.return` for an unroutable
    /// mandatory message, and the confirm (`process_routing_mandatory/5`, `process_routing_confirm/4`).
    #[allow(clippy::too_many_arguments)]
    fn publish(
        &mut self,
        env: &mut Env<'_>,
        conn: &str,
        ch: u16,
        exchange: &str,
        routing_key: &str,
        body: &str,
        mandatory: bool,
        properties: &super::spec::PublishProperties,
    ) -> Result<(), AmqpError> {
        match self.topology.exchange(exchange) {
            None => return Err(not_found("exchange", exchange, VHOST)),
            Some(x) if x.internal => {
                return Err(AmqpError::new(
                    ReplyCode::AccessRefused,
                    format!(
                        "cannot publish to internal {}",
                        resource_text("exchange", exchange, VHOST)
                    ),
                ))
            }
            Some(_) => {}
        }
        // Expiration, then CC/BCC (both in `Message::publish`), then user_id.
        let mut message = Message::publish(
            exchange,
            routing_key,
            &properties.headers,
            properties.expiration.as_deref(),
            body.as_bytes(),
        )?;
        if let Some(user) = properties.basic.user_id.as_deref().filter(|u| *u != DEFAULT_USER) {
            // `rabbit_channel:check_user_id_header/2`.
            return Err(precondition_failed(format!(
                "user_id property set to '{user}' but authenticated user was '{DEFAULT_USER}'"
            )));
        }
        let routed = route(&self.topology, exchange, routing_key, &properties.headers)?;
        self.published += 1;
        message.number = self.published;
        message.properties = properties.basic.clone();
        let channel = self.channel_mut(conn, ch).expect("opened");
        let publish_seq = channel.confirm.then(|| {
            let seq = channel.next_publish_seq;
            channel.next_publish_seq += 1;
            seq
        });
        // The publish is told before what it causes (deliveries, deaths); which queues refused it
        // is known only after, so its entry is filled in then (no insertion into the list).
        let (matched, alternates) = hops_of(&routed);
        let at = env.out.len();
        env.client(
            conn,
            Told::BasicPublish {
                connection: conn.into(),
                channel: ch,
                message: message.number,
                exchange: exchange.into(),
                routing_key: routing_key.into(),
                body: body.into(),
                publish_seq,
                matched,
                alternates,
                queues: routed.queues.clone(),
                refused_by: Vec::new(),
            },
        );
        let mut refused_by = Vec::new();
        // One message shared by every queue it reached.
        let message = alloc::rc::Rc::new(message);
        for queue in &routed.queues {
            if !self.enqueue(env, queue, message.clone(), false) {
                refused_by.push(queue.clone());
            }
        }
        // A copy refused by reject-publish-dlx went on as a dead letter, so it is not "refused".
        self.ledger.refused += refused_by
            .iter()
            .filter(|q| {
                self.queues
                    .get(*q)
                    .is_some_and(|q| q.queue.config().overflow == super::queue::Overflow::RejectPublish)
            })
            .count() as u64;
        if routed.is_unroutable() {
            if mandatory {
                self.ledger.unroutable_returned += 1;
            } else {
                self.ledger.unroutable_dropped += 1;
            }
        }
        if let Some((_, Told::BasicPublish { refused_by: told, .. })) = env.out.get_mut(at) {
            told.clone_from(&refused_by);
        }
        if let Some(c) = self.connections.get_mut(conn) {
            c.returned += u64::from(mandatory && routed.is_unroutable());
            if publish_seq.is_some() {
                if refused_by.is_empty() {
                    c.confirmed += 1;
                } else {
                    c.nacked += 1;
                }
            }
        }
        if mandatory && routed.is_unroutable() {
            env.client(
                conn,
                Told::BasicReturn {
                    connection: conn.into(),
                    channel: ch,
                    message: message.number,
                    reply_code: ReplyCode::NoRoute.value(),
                    reply_text: NO_ROUTE_REPLY_TEXT.into(),
                    exchange: exchange.into(),
                    routing_key: routing_key.into(),
                },
            );
        }
        if let Some(seq) = publish_seq {
            let (connection, channel) = (String::from(conn), ch);
            let told = if refused_by.is_empty() {
                Told::ConfirmAck {
                    connection,
                    channel,
                    delivery_tag: seq,
                    multiple: false,
                }
            } else {
                // `rabbit_channel:send_nacks/3` coalesces: with no lower publish unconfirmed (always,
                // as confirms here are immediate) the nack says multiple=true.
                Told::ConfirmNack {
                    connection,
                    channel,
                    delivery_tag: seq,
                    multiple: true,
                }
            };
            env.client(conn, told);
        }
        Ok(())
    }

    /// Puts one copy into a queue (`rabbit_amqqueue_process:deliver_or_enqueue/3`): straight to a
    /// consumer that can take it when the queue is empty, else enqueued. `false` if refused.
    fn enqueue(&mut self, env: &mut Env<'_>, queue: &str, message: alloc::rc::Rc<Message>, dead_letter: bool) -> bool {
        let ready = self.ready_consumer(queue);
        let Some(q) = self.queues.get_mut(queue) else {
            return true;
        };
        let ack_required = ready.as_ref().map(|(_, no_ack)| !no_ack).unwrap_or(false);
        let outcome = if dead_letter {
            q.queue
                .publish_dead_letter(env.now, message, ready.is_some(), ack_required)
        } else {
            q.queue.publish(env.now, message, ready.is_some(), ack_required)
        };
        let uid = q.uid;
        // A copy refused by reject-publish-dlx still passes through the queue as a dead letter.
        if outcome.accepted != Accepted::Refused || !outcome.deaths.is_empty() {
            self.ledger.enqueued += 1;
        }
        self.pending
            .extend(outcome.deaths.into_iter().map(|d| (String::from(queue), d)));
        self.dirty.insert(queue.into());
        match outcome.accepted {
            Accepted::Refused => false,
            Accepted::Enqueued => true,
            Accepted::Delivered(delivery) => {
                if let Some((key, _)) = ready {
                    self.delivered(env, queue, uid, &key, delivery);
                }
                true
            }
        }
    }

    /// The consumer the queue would hand its next message to, if the queue is empty and one has
    /// room; consumers found full are parked as the queue process parks them.
    fn ready_consumer(&mut self, queue: &str) -> Option<(ConsumerKey, bool)> {
        if self.queues.get(queue)?.queue.message_count() > 0 {
            return None;
        }
        self.next_consumer(queue)
    }

    /// The next consumer with room, left at the front of the line. For a single
    /// active consumer queue only the first registered consumer is ever served.
    fn next_consumer(&mut self, queue: &str) -> Option<(ConsumerKey, bool)> {
        let q = self.queues.get(queue)?;
        if q.single_active_consumer {
            let key = q.registered.first()?.clone();
            let has_room = self.has_room(&key);
            return has_room.then(|| {
                let no_ack = self.consumer(&key).is_some_and(|c| c.no_ack);
                (key, no_ack)
            });
        }
        loop {
            let key = self.queues.get(queue)?.active.front()?.clone();
            if self.has_room(&key) {
                let no_ack = self.consumer(&key).is_some_and(|c| c.no_ack);
                return Some((key, no_ack));
            }
            let q = self.queues.get_mut(queue)?;
            q.active.pop_front();
            q.blocked.push(key);
        }
    }

    /// `rabbit_limiter`: a consumer can take a message when neither its own prefetch nor its
    /// channel's global prefetch is reached. An auto-ack consumer has no prefetch of its own, but a
    /// full global limit stops it too (`can_send` checks the volume whatever `AckRequired` is);
    /// quorum queues' consumers never consult the channel's limiter.
    fn has_room(&self, key: &ConsumerKey) -> bool {
        let Some(channel) = self
            .connections
            .get(&key.connection)
            .and_then(|c| c.channels.get(&key.channel))
        else {
            return false;
        };
        let Some(c) = channel.consumers.get(&key.tag) else {
            return false;
        };
        let classic = self.queue_type_of(c.queue_uid) == Some(QueueType::Classic);
        let own = c.no_ack || c.prefetch == 0 || c.unacked < u32::from(c.prefetch);
        let global =
            !classic || channel.prefetch_global == 0 || channel.consumer_unacked < u32::from(channel.prefetch_global);
        own && global
    }

    fn queue_type_of(&self, uid: u64) -> Option<QueueType> {
        let name = self.uids.get(&uid)?;
        Some(self.queues.get(name)?.queue.config().queue_type)
    }

    /// A message went to a consumer: the channel's next delivery tag, unacked unless auto-ack,
    /// the consumer to the back of the line, and its callback scheduled.
    fn delivered(&mut self, env: &mut Env<'_>, queue: &str, uid: u64, key: &ConsumerKey, delivery: Delivery) {
        let limited = self.queue_type_of(uid) == Some(QueueType::Classic);
        // The queue's `x-consumer-timeout` argument, else the broker's `consumer_timeout`.
        let queue_timeout =
            self.queues
                .get(queue)
                .and_then(|q| match table_lookup(&q.arguments, "x-consumer-timeout") {
                    Some(v) => as_number(v).filter(|n| *n >= 0.0).map(|n| n as u64),
                    None => None,
                });
        let timeout_ms = Some(queue_timeout.unwrap_or(self.consumer_timeout_ms)).filter(|t| *t > 0);
        if let Some(q) = self.queues.get_mut(queue) {
            if let Some(pos) = q.active.iter().position(|k| k == key) {
                let k = q.active.remove(pos).expect("position found");
                q.active.push_back(k);
            }
        }
        let Some(channel) = self
            .connections
            .get_mut(&key.connection)
            .and_then(|c| c.channels.get_mut(&key.channel))
        else {
            return;
        };
        channel.next_delivery_tag += 1;
        let tag = channel.next_delivery_tag;
        let generation = channel.generation;
        let Some(consumer) = channel.consumers.get_mut(&key.tag) else {
            return;
        };
        let (no_ack, callback) = (consumer.no_ack, consumer.on_delivery.clone());
        if no_ack {
            self.ledger.auto_acked += 1;
        } else {
            consumer.unacked += 1;
            if limited {
                channel.consumer_unacked += 1;
            }
            channel.unacked.insert(
                tag,
                Unacked {
                    queue: queue.into(),
                    queue_uid: uid,
                    message_id: delivery.message_id,
                    number: delivery.number,
                    consumer: Some(key.tag.clone()),
                    limited,
                    delivered_at_ms: env.now,
                    timeout_ms,
                },
            );
            if timeout_ms.is_some() && !channel.tick_armed {
                channel.tick_armed = true;
                let elapsed = env.now - channel.opened_at_ms;
                let next = channel.opened_at_ms + (elapsed / CHANNEL_TICK_MS + 1) * CHANNEL_TICK_MS;
                env.timers.push((
                    next,
                    Timer::ChannelTick {
                        connection: key.connection.clone(),
                        channel: key.channel,
                        generation,
                    },
                ));
            }
        }
        let list = channel.deliveries.entry(key.tag.clone()).or_default();
        list.push(tag);
        let nth = list.len() as u64;
        env.client(
            &key.connection,
            Told::BasicDeliver {
                connection: key.connection.clone(),
                channel: key.channel,
                consumer_tag: key.tag.clone(),
                delivery_tag: tag,
                queue: queue.into(),
                nth,
                content: content_of(&delivery),
            },
        );
        if let (Some(after_ms), false) = (callback.after_ms(), no_ack) {
            let park = matches!(callback, OnDelivery::RetryThenPark { .. });
            let content = park.then(|| {
                let properties = super::spec::PublishProperties {
                    expiration: delivery.expiration.clone(),
                    headers: delivery.headers.clone(),
                    basic: delivery.properties.clone(),
                };
                (String::from_utf8_lossy(&delivery.body).into_owned(), properties)
            });
            env.timers.push((
                env.now + after_ms,
                Timer::Callback(alloc::boxed::Box::new(Callback {
                    connection: key.connection.clone(),
                    channel: key.channel,
                    generation,
                    delivery_tag: tag,
                    reply_to: delivery.properties.reply_to.clone(),
                    correlation_id: delivery.properties.correlation_id.clone(),
                    rejections: if park {
                        rejections_from(&delivery.headers, queue)
                    } else {
                        0
                    },
                    content,
                    action: callback,
                })),
            ));
        }
    }

    /// Hands ready messages to consumers with room, round-robin, until one runs out.
    fn pump(&mut self, env: &mut Env<'_>, queue: &str) {
        loop {
            let Some(q) = self.queues.get(queue) else { return };
            if q.queue.message_count() == 0 {
                return;
            }
            let Some((key, no_ack)) = self.next_consumer(queue) else {
                return;
            };
            let q = self.queues.get_mut(queue).expect("looked up above");
            let uid = q.uid;
            let (delivery, deaths) = q.queue.deliver(env.now, !no_ack);
            self.pending
                .extend(deaths.into_iter().map(|d| (String::from(queue), d)));
            let Some(delivery) = delivery else { return };
            self.delivered(env, queue, uid, &key, delivery);
        }
    }

    /// Consumers of a channel parked at a limit rejoin their queues' lines at the back.
    /// Only the queues this channel consumes from are looked at: a settle costs the channel's
    /// consumers, not every queue of the broker.
    fn unblock_channel(&mut self, conn: &str, ch: u16) {
        let uids: BTreeSet<u64> = self
            .connections
            .get(conn)
            .and_then(|c| c.channels.get(&ch))
            .map(|c| c.consumers.values().map(|k| k.queue_uid).collect())
            .unwrap_or_default();
        for uid in uids {
            let Some(name) = self.uids.get(&uid).cloned() else {
                continue;
            };
            let Some(q) = self.queues.get_mut(&name) else { continue };
            let (mine, others): (Vec<ConsumerKey>, Vec<ConsumerKey>) = q
                .blocked
                .drain(..)
                .partition(|k| k.connection == conn && k.channel == ch);
            q.blocked = others;
            if !mine.is_empty() {
                q.active.extend(mine);
                self.dirty.insert(name);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Settling
    // -----------------------------------------------------------------------------------------

    /// The delivery tag a script line names: given, or the n-th delivery to a consumer of this
    /// channel. `None` (told as skipped) when that delivery has not happened.
    #[allow(clippy::too_many_arguments)]
    fn resolve_tag(
        &mut self,
        env: &mut Env<'_>,
        conn: &str,
        ch: u16,
        method: &'static str,
        delivery_tag: Option<u64>,
        consumer_tag: &Option<String>,
        nth: Option<u64>,
    ) -> Option<u64> {
        if let Some(tag) = delivery_tag {
            return Some(tag);
        }
        let (consumer_tag, nth) = (consumer_tag.as_ref()?, nth?);
        let deliveries = self
            .connections
            .get(conn)
            .and_then(|c| c.channels.get(&ch))
            .and_then(|c| c.deliveries.get(consumer_tag));
        match deliveries {
            None => {
                self.skipped(
                    env,
                    conn,
                    ch,
                    method,
                    Skip::NoConsumer {
                        consumer_tag: consumer_tag.clone(),
                    },
                );
                None
            }
            Some(list) => match list.get(nth as usize - 1) {
                Some(tag) => Some(*tag),
                None => {
                    let got = list.len() as u64;
                    self.skipped(
                        env,
                        conn,
                        ch,
                        method,
                        Skip::NotYetDelivered {
                            consumer_tag: consumer_tag.clone(),
                            nth,
                            got,
                        },
                    );
                    None
                }
            },
        }
    }

    /// `basic.ack` / `basic.nack` / `basic.reject` (`rabbit_channel:collect_acks/4`): `multiple`
    /// with tag 0 takes every unacked delivery; otherwise the tag must be unacked on this channel
    /// (406 `unknown delivery tag N`, nothing settled), and `multiple` takes it and every earlier one.
    #[allow(clippy::too_many_arguments)]
    fn settle(
        &mut self,
        env: &mut Env<'_>,
        conn: &str,
        ch: u16,
        tag: u64,
        multiple: bool,
        how: Settle,
        callback: bool,
    ) -> Result<(), AmqpError> {
        let channel = self.channel_mut(conn, ch).expect("opened");
        let tags: Vec<u64> = if multiple && tag == 0 {
            channel.unacked.keys().copied().collect()
        } else if !channel.unacked.contains_key(&tag) {
            return Err(precondition_failed(format!("unknown delivery tag {tag}")));
        } else if multiple {
            channel.unacked.range(..=tag).map(|(t, _)| *t).collect()
        } else {
            alloc::vec![tag]
        };
        let mut taken = Channel::default();
        for t in &tags {
            if let Some(u) = channel.unacked.remove(t) {
                taken.unacked.insert(*t, u);
            }
        }
        self.forget_unacked(conn, ch, &taken);
        let settled: Vec<Settled> = taken
            .unacked
            .iter()
            .map(|(t, u)| Settled {
                delivery_tag: *t,
                queue: u.queue.clone(),
                message: u.number,
            })
            .collect();
        let (connection, channel) = (String::from(conn), ch);
        let told = match how {
            Settle::Ack => Told::BasicAck {
                connection,
                channel,
                delivery_tag: tag,
                multiple,
                settled,
                callback,
            },
            Settle::Nack { requeue } => Told::BasicNack {
                connection,
                channel,
                delivery_tag: tag,
                multiple,
                requeue,
                settled,
                callback,
            },
            Settle::Reject { requeue } => Told::BasicReject {
                connection,
                channel,
                delivery_tag: tag,
                requeue,
                settled,
                callback,
            },
        };
        env.client(conn, told);
        let mut by_queue: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        for u in taken.unacked.values() {
            by_queue.entry(u.queue_uid).or_default().push(u.message_id);
        }
        for (uid, ids) in by_queue {
            let Some(name) = self.uids.get(&uid).cloned() else {
                continue;
            };
            let q = self.queues.get_mut(&name).expect("uid maps to a queue");
            let deaths = match how {
                Settle::Ack => {
                    for id in &ids {
                        if q.queue.ack(*id) {
                            self.ledger.acked += 1;
                        }
                    }
                    Vec::new()
                }
                Settle::Nack { requeue: true } | Settle::Reject { requeue: true } => q.queue.requeue(env.now, &ids),
                Settle::Nack { requeue: false } | Settle::Reject { requeue: false } => q.queue.reject(env.now, &ids),
            };
            self.pending.extend(deaths.into_iter().map(|d| (name.clone(), d)));
            self.dirty.insert(name);
        }
        self.unblock_channel(conn, ch);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Dead-lettering, timers, the end of a step
    // -----------------------------------------------------------------------------------------

    /// Routes waiting dead letters (`rabbit_dead_letter:publish/5`): through the DLX with the
    /// dead-letter routing keys, minus queues the message would cycle back to with no rejection
    /// in between; each copy enqueued may cause more deaths, routed in turn.
    fn route_pending(&mut self, env: &mut Env<'_>) {
        let mut routed = 0usize;
        while let Some((queue, death)) = self.pending.pop_front() {
            routed += 1;
            if routed > MAX_DEAD_LETTERS_PER_STEP {
                // Left their queues all the same: counted as dropped.
                self.ledger.dropped += 1;
                self.ledger.dropped_by.add(death.reason);
                for (_, d) in self.pending.drain(..) {
                    self.ledger.dropped += 1;
                    self.ledger.dropped_by.add(d.reason);
                }
                env.tell(
                    Who::Broker,
                    Told::LimitReached {
                        what: "dead letters in one step",
                        limit: MAX_DEAD_LETTERS_PER_STEP as u64,
                    },
                );
                return;
            }
            let Some(dl) = death.dead_letter else {
                self.ledger.dropped += 1;
                self.ledger.dropped_by.add(death.reason);
                env.tell(
                    Who::Broker,
                    Told::MessageDropped {
                        queue,
                        message: death.number,
                        reason: death.reason.as_str(),
                    },
                );
                continue;
            };
            self.ledger.dead_lettered += 1;
            self.ledger.dead_lettered_by.add(dl.reason);
            let number = dl.message.number;
            let Some(r) = route_dead_letter(&self.topology, &dl.exchange, &dl.routing_keys, &dl.message.headers) else {
                env.tell(
                    Who::Broker,
                    Told::DeadLettered {
                        queue,
                        message: number,
                        reason: dl.reason.as_str(),
                        dead_letter_exchange: dl.exchange.clone(),
                        routing_keys: dl.routing_keys.clone(),
                        queues: Vec::new(),
                        cycle_dropped: Vec::new(),
                        exchange_missing: true,
                    },
                );
                continue;
            };
            let (kept, cycling) = drop_cycles(&dl, &r.queues);
            env.tell(
                Who::Broker,
                Told::DeadLettered {
                    queue,
                    message: number,
                    reason: dl.reason.as_str(),
                    dead_letter_exchange: dl.exchange.clone(),
                    routing_keys: dl.routing_keys.clone(),
                    queues: kept.clone(),
                    cycle_dropped: cycling,
                    exchange_missing: false,
                },
            );
            let message = alloc::rc::Rc::new(dl.message);
            for target in kept {
                self.enqueue(env, &target, message.clone(), true);
            }
        }
    }

    /// After every method and timer: deliveries to consumers with room, dead letters routed,
    /// expiry timers armed for the queues that changed.
    fn finish_step(&mut self, env: &mut Env<'_>) {
        let mut rounds = 0;
        while !self.dirty.is_empty() || !self.pending.is_empty() {
            rounds += 1;
            if rounds > MAX_DEAD_LETTERS_PER_STEP {
                break;
            }
            self.route_pending(env);
            let dirty = core::mem::take(&mut self.dirty);
            for name in &dirty {
                self.pump(env, name);
            }
            for name in &dirty {
                self.arm_expiry(env, name);
            }
        }
    }

    fn arm_expiry(&mut self, env: &mut Env<'_>, name: &str) {
        let Some(q) = self.queues.get_mut(name) else { return };
        let Some(at) = q.queue.next_expiry_ms() else { return };
        let at = at.max(env.now);
        if q.ttl_timer_at.is_some_and(|armed| armed <= at) {
            return;
        }
        q.ttl_timer_at = Some(at);
        env.timers.push((at, Timer::Expire { queue_uid: q.uid }));
    }

    // -----------------------------------------------------------------------------------------
    // Restart
    // -----------------------------------------------------------------------------------------

    /// The node stops and starts (`rabbitmqctl stop_app` / `start_app`): every connection is
    /// closed with 320 `CONNECTION_FORCED`; non-durable queues and exchanges are gone, and so are
    /// bindings with a non-durable end; a durable classic queue keeps only persistent messages
    /// (`delivery_mode` 2), a quorum queue all of them; unacked messages come back ready and
    /// redelivered. The restart takes no virtual time here.
    fn restart(&mut self, env: &mut Env<'_>) {
        for conn in core::mem::take(&mut self.connections).into_keys() {
            env.client(
                &conn,
                Told::ConnectionClose {
                    connection: conn.clone(),
                    reply_code: ReplyCode::ConnectionForced.value(),
                    reply_text: format!(
                        "{} - broker forced connection closure with reason 'shutdown'",
                        ReplyCode::ConnectionForced.name()
                    ),
                    method: None,
                    requeued: Vec::new(),
                },
            );
        }
        let old = core::mem::replace(&mut self.topology, Topology::new(VHOST));
        let mut kept = Vec::new();
        let names: Vec<String> = self.queues.keys().cloned().collect();
        for name in names {
            let mut q = self.queues.remove(&name).expect("listed");
            q.registered.clear();
            q.active.clear();
            q.blocked.clear();
            q.ttl_timer_at = None;
            if !q.durable {
                self.ledger.lost_in_restart += q.queue.message_count() + q.queue.unacked_count();
                env.tell(
                    Who::Broker,
                    Told::QueueDeleted {
                        queue: name.clone(),
                        why: "restart",
                        messages_lost: q.queue.message_count() + q.queue.unacked_count(),
                    },
                );
                self.uids.remove(&q.uid);
                continue;
            }
            let quorum = q.queue.config().queue_type == QueueType::Quorum;
            let lost = q.queue.recover_after_restart(quorum);
            self.ledger.lost_in_restart += lost.len() as u64;
            kept.push(QueueAfterRestart {
                queue: name.clone(),
                messages: q.queue.message_count(),
                messages_lost: lost.len() as u64,
            });
            self.topology.declare_server_named_queue(&name);
            self.queues.insert(name.clone(), q);
            self.touch_idle_for(IdleUse::Restart, env, &name);
            self.dirty.insert(name);
        }
        for x in old.exchanges() {
            if x.name.is_empty() || x.name.starts_with("amq.") {
                continue;
            }
            if x.durable {
                let _ = self.topology.declare_exchange(x);
            } else {
                env.tell(
                    Who::Broker,
                    Told::ExchangeDeleted {
                        exchange: x.name.clone(),
                        why: "restart",
                    },
                );
            }
        }
        let mut bindings_lost = 0;
        for b in old.bindings() {
            let restored = self.topology.exchange(&b.source).is_some()
                && match &b.destination {
                    Destination::Queue(q) => self.queues.contains_key(q),
                    Destination::Exchange(x) => self.topology.exchange(x).is_some(),
                };
            if restored
                && self
                    .topology
                    .bind(&b.source, &b.destination, &b.routing_key, &b.arguments)
                    .is_ok()
            {
                continue;
            }
            bindings_lost += 1;
        }
        env.tell(Who::Broker, Told::BrokerRestarted { kept, bindings_lost });
    }
}

impl Broker {
    /// The broker's bookkeeping agrees with itself (tests call this after every step):
    /// * every copy accepted is in a queue or counted once in the [`Ledger`];
    /// * a queue's unacked count is the number of channel entries naming it;
    /// * each channel's count of consumer deliveries matches its entries;
    /// * a queue's consumer lines hold exactly its registered consumers, each of them live.
    pub fn check(&self) -> Result<(), String> {
        let l = &self.ledger;
        let in_queues: u64 = self
            .queues
            .values()
            .map(|q| q.queue.message_count() + q.queue.unacked_count())
            .sum();
        let left =
            l.acked + l.auto_acked + l.dead_lettered + l.dropped + l.purged + l.deleted_with_queue + l.lost_in_restart;
        if l.enqueued != in_queues + left || !l.verdict(in_queues).starts_with("holds") {
            return Err(format!("ledger: {l:?}, {in_queues} in queues"));
        }
        let sum = |r: &Reasons| r.rejected + r.expired + r.maxlen + r.delivery_limit;
        if sum(&l.dead_lettered_by) != l.dead_lettered || sum(&l.dropped_by) != l.dropped {
            return Err(format!("ledger reasons do not add up: {l:?}"));
        }
        let mut by_uid: BTreeMap<u64, u64> = BTreeMap::new();
        for (name, c) in &self.connections {
            for (n, ch) in &c.channels {
                let mut consumer_entries = 0u32;
                for u in ch.unacked.values() {
                    *by_uid.entry(u.queue_uid).or_default() += 1;
                    if u.limited {
                        consumer_entries += 1;
                    }
                }
                if consumer_entries != ch.consumer_unacked {
                    return Err(format!(
                        "{name}/{n}: {consumer_entries} consumer entries, counter {}",
                        ch.consumer_unacked
                    ));
                }
                for (tag, consumer) in &ch.consumers {
                    let key = ConsumerKey {
                        connection: name.clone(),
                        channel: *n,
                        tag: tag.clone(),
                    };
                    let listed = self
                        .uids
                        .get(&consumer.queue_uid)
                        .and_then(|q| self.queues.get(q))
                        .is_some_and(|q| q.registered.contains(&key));
                    if !listed {
                        return Err(format!("consumer {tag} on {name}/{n} is not registered at its queue"));
                    }
                }
            }
        }
        for (name, q) in &self.queues {
            let entries = by_uid.get(&q.uid).copied().unwrap_or(0);
            if entries != q.queue.unacked_count() {
                return Err(format!(
                    "queue {name}: {} unacked, {entries} channel entries",
                    q.queue.unacked_count()
                ));
            }
            for key in &q.registered {
                if self.consumer(key).is_none_or(|c| c.queue_uid != q.uid) {
                    return Err(format!("queue {name}: registered consumer {key:?} is gone"));
                }
            }
            let lined = q.active.len() + q.blocked.len();
            let all_lined = q.active.iter().chain(&q.blocked).all(|k| q.registered.contains(k));
            if lined != q.registered.len() || !all_lined {
                return Err(format!(
                    "queue {name}: lines {:?} / {:?} vs registered {:?}",
                    q.active, q.blocked, q.registered
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// Runs script lines (JSON objects as in a scenario) at the given times; returns what was told.
    struct Run {
        broker: Broker,
        rng: Rng,
        told: Vec<Told>,
        timers: Vec<(u64, Timer)>,
    }

    impl Run {
        fn new() -> Run {
            Run {
                broker: Broker::new(),
                rng: Rng::seeded(1),
                told: Vec::new(),
                timers: Vec::new(),
            }
        }
        fn at(&mut self, now: u64, line: &str) -> &mut Run {
            // Timers due before `now` fire first, in time order.
            loop {
                self.timers.sort_by_key(|(at, _)| *at);
                let Some(pos) = self.timers.iter().position(|(at, _)| *at <= now) else {
                    break;
                };
                let (at, timer) = self.timers.remove(pos);
                let mut env = Env {
                    now: at,
                    rng: &mut self.rng,
                    out: Vec::new(),
                    timers: Vec::new(),
                };
                self.broker.fire(&mut env, &timer);
                self.told.extend(env.out.into_iter().map(|(_, t)| t));
                self.timers.extend(env.timers);
            }
            let action: Action = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let mut env = Env {
                now,
                rng: &mut self.rng,
                out: Vec::new(),
                timers: Vec::new(),
            };
            self.broker.apply(&mut env, &action);
            self.told.extend(env.out.into_iter().map(|(_, t)| t));
            self.timers.extend(env.timers);
            assert_eq!(self.broker.check(), Ok(()));
            self
        }
        fn last(&self) -> &Told {
            self.told.last().expect("something was told")
        }
        fn error(&self) -> (u16, String) {
            match self.last() {
                Told::ChannelClose {
                    reply_code, reply_text, ..
                }
                | Told::ConnectionClose {
                    reply_code, reply_text, ..
                } => (*reply_code, reply_text.clone()),
                other => panic!("not an error: {other:?}"),
            }
        }
        fn deliveries(&self) -> Vec<(String, u64)> {
            self.told
                .iter()
                .filter_map(|t| match t {
                    Told::BasicDeliver {
                        consumer_tag, content, ..
                    } => Some((consumer_tag.clone(), content.message)),
                    _ => None,
                })
                .collect()
        }
    }

    #[test]
    fn hard_errors_close_the_connection_with_their_codes() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(1, r#"{"do":"basic_consume","queue":"q","consumer_tag":"c"}"#)
            .at(2, r#"{"do":"basic_consume","queue":"q","consumer_tag":"c"}"#);
        assert_eq!(
            r.error(),
            (530, "NOT_ALLOWED - attempt to reuse consumer tag 'c'".into())
        );
        assert!(matches!(r.last(), Told::ConnectionClose { .. }));
        // The connection's consumer went with it.
        assert_eq!(r.broker.queues["q"].registered.len(), 0);
        r.at(3, r#"{"do":"basic_recover","requeue":false}"#);
        assert_eq!(r.error(), (540, "NOT_IMPLEMENTED - requeue=false".into()));
    }

    #[test]
    fn system_exchanges_and_in_use_exchanges_are_not_deleted() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"delete_exchange","exchange":"amq.direct"}"#);
        assert_eq!(
            r.error(),
            (
                403,
                "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed".into()
            )
        );
        r.at(1, r#"{"do":"declare_exchange","exchange":"x","type":"direct"}"#)
            .at(1, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(1, r#"{"do":"bind_queue","queue":"q","exchange":"x","routing_key":"k"}"#)
            .at(2, r#"{"do":"delete_exchange","exchange":"x","if_unused":true}"#);
        assert_eq!(
            r.error(),
            (406, "PRECONDITION_FAILED - exchange 'x' in vhost '/' in use".into())
        );
        r.at(3, r#"{"do":"delete_exchange","exchange":"missing"}"#);
        assert!(matches!(r.last(), Told::ExchangeDeleteOk { existed: false, .. }));
    }

    #[test]
    fn an_unknown_tag_in_a_multiple_ack_settles_nothing() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(1, r#"{"do":"publish","routing_key":"q","body":"m{n}","count":3}"#)
            .at(2, r#"{"do":"basic_get","queue":"q"}"#)
            .at(2, r#"{"do":"basic_get","queue":"q"}"#)
            .at(3, r#"{"do":"basic_ack","delivery_tag":7,"multiple":true}"#);
        assert_eq!(r.error(), (406, "PRECONDITION_FAILED - unknown delivery tag 7".into()));
        // The channel closed: both unacked messages went back, in their places.
        let q = &r.broker.queues["q"];
        assert_eq!((q.queue.message_count(), q.queue.unacked_count()), (3, 0));
        assert_eq!(r.broker.ledger.acked, 0);
    }

    #[test]
    fn an_exclusive_consumer_locks_out_others_on_a_classic_queue() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(
                1,
                r#"{"do":"basic_consume","queue":"q","consumer_tag":"a","exclusive":true}"#,
            )
            .at(
                2,
                r#"{"do":"basic_consume","connection":"other","queue":"q","consumer_tag":"b"}"#,
            );
        assert_eq!(
            r.error(),
            (403, "ACCESS_REFUSED - queue 'q' in vhost '/' in exclusive use".into())
        );
    }

    #[test]
    fn a_global_prefetch_is_shared_by_the_channels_consumers() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q1"}"#)
            .at(0, r#"{"do":"declare_queue","queue":"q2"}"#)
            .at(0, r#"{"do":"basic_qos","channel":2,"prefetch_count":2,"global":true}"#)
            .at(
                0,
                r#"{"do":"basic_consume","channel":2,"queue":"q1","consumer_tag":"a"}"#,
            )
            .at(
                0,
                r#"{"do":"basic_consume","channel":2,"queue":"q2","consumer_tag":"b"}"#,
            )
            .at(1, r#"{"do":"publish","routing_key":"q1","body":"x","count":2}"#)
            .at(1, r#"{"do":"publish","routing_key":"q2","body":"y","count":2}"#);
        // Two unacked on the channel in all: q2's consumer gets nothing until an ack.
        assert_eq!(r.deliveries(), vec![("a".into(), 1), ("a".into(), 2)]);
        r.at(2, r#"{"do":"basic_ack","channel":2,"delivery_tag":1}"#);
        assert_eq!(r.deliveries().last(), Some(&("b".into(), 3)));
    }

    #[test]
    fn only_the_first_consumer_of_a_single_active_consumer_queue_is_served() {
        let mut r = Run::new();
        r.at(
            0,
            r#"{"do":"declare_queue","queue":"q","arguments":[["x-single-active-consumer",{"type":"bool","value":true}]]}"#,
        )
        .at(0, r#"{"do":"basic_consume","queue":"q","consumer_tag":"first","no_ack":true}"#)
        .at(0, r#"{"do":"basic_consume","queue":"q","consumer_tag":"second","no_ack":true}"#)
        .at(1, r#"{"do":"publish","routing_key":"q","body":"m","count":3}"#)
        .at(2, r#"{"do":"basic_cancel","consumer_tag":"first"}"#)
        .at(3, r#"{"do":"publish","routing_key":"q","body":"m"}"#);
        let who: Vec<String> = r.deliveries().into_iter().map(|(c, _)| c).collect();
        assert_eq!(who, ["first", "first", "first", "second"]);
    }

    #[test]
    fn round_robin_skips_a_full_consumer_and_it_rejoins_at_the_back() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(0, r#"{"do":"basic_qos","prefetch_count":1}"#)
            .at(0, r#"{"do":"basic_consume","queue":"q","consumer_tag":"a"}"#)
            .at(
                0,
                r#"{"do":"basic_consume","connection":"w","queue":"q","consumer_tag":"b","no_ack":true}"#,
            )
            .at(
                0,
                r#"{"do":"basic_consume","connection":"w","queue":"q","consumer_tag":"c","no_ack":true}"#,
            )
            .at(1, r#"{"do":"publish","routing_key":"q","body":"m","count":5}"#)
            .at(2, r#"{"do":"basic_ack","delivery_tag":1}"#)
            .at(3, r#"{"do":"publish","routing_key":"q","body":"m","count":3}"#);
        let who: Vec<String> = r.deliveries().into_iter().map(|(c, _)| c).collect();
        // a takes one and is full; b and c alternate; after its ack a is behind them.
        assert_eq!(who, ["a", "b", "c", "b", "c", "b", "c", "a"]);
    }

    #[test]
    fn x_expires_waits_while_a_consumer_is_attached() {
        let mut r = Run::new();
        r.at(
            0,
            r#"{"do":"declare_queue","queue":"q","arguments":[["x-expires",{"type":"long","value":100}]]}"#,
        )
        .at(50, r#"{"do":"basic_consume","queue":"q","consumer_tag":"c"}"#)
        .at(500, r#"{"do":"basic_cancel","consumer_tag":"c"}"#)
        .at(550, r#"{"do":"declare_queue","queue":"q","passive":true}"#);
        assert!(r.broker.queues.contains_key("q"), "used at 550: expires at 650");
        r.at(700, r#"{"do":"declare_queue","queue":"other"}"#);
        assert!(!r.broker.queues.contains_key("q"));
        assert!(r
            .told
            .iter()
            .any(|t| matches!(t, Told::QueueDeleted { why: "expires", .. })));
    }

    #[test]
    fn declares_are_checked_as_rabbitmq_4_checks_them() {
        let mut r = Run::new();
        // A declare without x-queue-type is stored as classic, so naming it later is equivalent.
        r.at(0, r#"{"do":"declare_queue","queue":"q","durable":true}"#)
            .at(1, r#"{"do":"declare_queue","queue":"q","durable":true,"arguments":[["x-queue-type",{"type":"longstr","value":"classic"}]]}"#);
        assert!(matches!(r.last(), Told::QueueDeclareOk { created: false, .. }));
        r.at(2, r#"{"do":"declare_queue","queue":"q","durable":true,"arguments":[["x-queue-type",{"type":"longstr","value":"quorum"}]]}"#);
        assert_eq!(
            r.error().1,
            "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': received 'quorum' but current is 'classic'"
        );
        r.at(3, r#"{"do":"declare_queue","queue":"qq","auto_delete":true,"durable":true,"arguments":[["x-queue-type",{"type":"longstr","value":"quorum"}]]}"#);
        assert_eq!(
            r.error().1,
            "PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'qq' in vhost '/'"
        );
        r.at(
            4,
            r#"{"do":"declare_queue","queue":"qq","arguments":[["x-queue-type",{"type":"longstr","value":"quorum"}]]}"#,
        );
        assert_eq!(
            r.error().1,
            "PRECONDITION_FAILED - invalid property 'non-durable' for queue 'qq' in vhost '/'"
        );
        r.at(
            5,
            r#"{"do":"declare_queue","queue":"d","arguments":[["x-dead-letter-exchange",{"type":"long","value":1}]]}"#,
        );
        assert_eq!(
            r.error().1,
            "PRECONDITION_FAILED - invalid type 'long' for arg 'x-dead-letter-exchange' in queue 'd' in vhost '/'"
        );
        r.at(6, r#"{"do":"declare_exchange","exchange":"x","type":"direct","arguments":[["alternate-exchange",{"type":"signedint","value":5}]]}"#);
        assert_eq!(
            r.error().1,
            "PRECONDITION_FAILED - invalid type 'signedint' for arg 'alternate-exchange' in exchange 'x' in vhost '/'"
        );
        r.at(7, r#"{"do":"declare_exchange","exchange":"amq.x","type":"direct","arguments":[["alternate-exchange",{"type":"signedint","value":5}]]}"#);
        assert_eq!(r.error().0, 403);
        // A number of another type class is not equivalent (long 100 vs double 100.0).
        r.at(
            8,
            r#"{"do":"declare_queue","queue":"t","arguments":[["x-message-ttl",{"type":"long","value":100}]]}"#,
        )
        .at(
            9,
            r#"{"do":"declare_queue","queue":"t","arguments":[["x-message-ttl",{"type":"double","value":100.0}]]}"#,
        );
        assert_eq!(r.error().0, 406);
        r.at(
            10,
            r#"{"do":"declare_queue","queue":"t","arguments":[["x-message-ttl",{"type":"signedint","value":100}]]}"#,
        );
        assert!(matches!(r.last(), Told::QueueDeclareOk { .. }));
    }

    #[test]
    fn a_per_consumer_qos_lifts_an_earlier_global_limit() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"qq","durable":true,"arguments":[["x-queue-type",{"type":"longstr","value":"quorum"}]]}"#)
            .at(1, r#"{"do":"basic_qos","prefetch_count":5,"global":true}"#)
            .at(2, r#"{"do":"basic_qos","prefetch_count":1}"#)
            .at(3, r#"{"do":"basic_consume","queue":"qq","consumer_tag":"c"}"#);
        assert!(matches!(r.last(), Told::BasicConsumeOk { prefetch_count: 1, .. }));
    }

    #[test]
    fn a_single_active_consumer_queue_refuses_an_exclusive_consumer() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q","arguments":[["x-single-active-consumer",{"type":"bool","value":true}]]}"#)
            .at(1, r#"{"do":"basic_consume","queue":"q","consumer_tag":"c","exclusive":true}"#);
        assert_eq!(
            r.error(),
            (403, "ACCESS_REFUSED - queue 'q' in vhost '/' in exclusive use".into())
        );
    }

    #[test]
    fn a_reused_consumer_tag_is_refused_before_the_queue_is_looked_up() {
        let mut r = Run::new();
        r.at(0, r#"{"do":"declare_queue","queue":"q"}"#)
            .at(1, r#"{"do":"basic_consume","queue":"q","consumer_tag":"c"}"#)
            .at(2, r#"{"do":"basic_consume","queue":"missing","consumer_tag":"c"}"#);
        assert_eq!(r.error().0, 530);
    }

    #[test]
    fn a_quorum_queue_expires_on_its_tick_and_a_declare_does_not_count_as_use() {
        let args = r#""arguments":[["x-queue-type",{"type":"longstr","value":"quorum"}],["x-expires",{"type":"long","value":1000}]]"#;
        let mut r = Run::new();
        r.at(
            0,
            &format!(r#"{{"do":"declare_queue","queue":"qq","durable":true,{args}}}"#),
        )
        .at(
            0,
            r#"{"do":"declare_queue","queue":"cq","arguments":[["x-expires",{"type":"long","value":1000}]]}"#,
        )
        .at(
            900,
            &format!(r#"{{"do":"declare_queue","queue":"qq","durable":true,{args}}}"#),
        )
        .at(900, r#"{"do":"declare_queue","queue":"cq","passive":true}"#)
        .at(1500, r#"{"do":"declare_queue","queue":"probe"}"#);
        // The classic queue's idle time restarted at 900; the quorum queue's did not, but it
        // waits for its 5 s tick.
        assert!(r.broker.queues.contains_key("cq") && r.broker.queues.contains_key("qq"));
        r.at(2000, r#"{"do":"declare_queue","queue":"probe"}"#);
        assert!(!r.broker.queues.contains_key("cq"), "classic: deadline 1900");
        assert!(r.broker.queues.contains_key("qq"));
        r.at(5001, r#"{"do":"declare_queue","queue":"probe"}"#);
        assert!(!r.broker.queues.contains_key("qq"), "quorum: the tick at 5000");
    }
}
