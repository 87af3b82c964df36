//! The RabbitMQ section of a scenario: an AMQP 0-9-1 script. `setup` runs at time 0, then the
//! timed actions (`{"at_ms": 10, "rabbitmq": {"do": "publish", ...}}`), each named after the AMQP
//! method a client would call (pika's `channel.basic_publish`, the Java client's
//! `Channel.basicPublish`). Every operation names its connection and channel (defaults `app` and
//! 1); both open on first use, as a script opens them before calling a method.
//!
//! Validation checks only the shape: sizes, ranges and AMQP's 255-byte short strings. Whether a
//! method succeeds (a missing queue, an inequivalent redeclare, an unknown delivery tag) is the
//! broker's answer at run time, shown as the reply code a client would get.
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::queue::Properties;
use super::routing::{ExchangeType, FieldValue, Table};
use crate::budget::Cost;
use crate::scenario::{err, ScenarioError};

/// AMQP 0-9-1 `shortstr`: at most 255 bytes (exchange and queue names, routing keys, consumer
/// tags, the string properties, table keys).
pub const MAX_SHORTSTR_BYTES: usize = 255;
/// Bodies are kept small: a script is read by a person.
pub const MAX_BODY_BYTES: usize = 4096;
/// Messages a document may publish in all (`publish.count` summed). Every checkpoint clones the
/// broker with the messages it holds (about 300 bytes each), so this bounds checkpoint memory.
pub const MAX_MESSAGES: u64 = 20_000;
/// One `publish` may repeat itself this many times: a step runs one whole action, so this bounds
/// the work of one step (a few entries per copy).
pub const MAX_PUBLISH_COUNT: u32 = 1_000;
/// RabbitMQ's default `channel_max` (`rabbit.channel_max`, 2047).
pub const MAX_CHANNEL: u16 = 2047;
/// Nesting of header tables and arrays.
pub const MAX_TABLE_DEPTH: usize = 8;
/// Entries in one field table or array, counted over its nesting.
pub const MAX_TABLE_ENTRIES: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RabbitSpec {
    /// Methods run at time 0, in order, before any timed action: usually the declares and binds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<Action>,
    /// `consumer_timeout` in `rabbitmq.conf`: how long a consumer may hold a delivery unacked
    /// before the broker closes its channel (default 1 800 000 ms, 30 minutes; 0 turns it off).
    /// A queue's `x-consumer-timeout` argument overrides it for that queue's consumers.
    #[serde(
        default = "default_consumer_timeout_ms",
        skip_serializing_if = "is_default_consumer_timeout"
    )]
    pub consumer_timeout_ms: u64,
}

/// RabbitMQ's default `consumer_timeout` (`rabbit.consumer_timeout`, 30 minutes since 3.8.15).
pub const DEFAULT_CONSUMER_TIMEOUT_MS: u64 = 1_800_000;

fn default_consumer_timeout_ms() -> u64 {
    DEFAULT_CONSUMER_TIMEOUT_MS
}
fn is_default_consumer_timeout(ms: &u64) -> bool {
    *ms == DEFAULT_CONSUMER_TIMEOUT_MS
}

fn default_connection() -> String {
    "app".into()
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_true(b: &bool) -> bool {
    *b
}
fn default_true() -> bool {
    true
}
fn default_count() -> u32 {
    1
}
fn is_one_u32(c: &u32) -> bool {
    *c == 1
}

/// Where a method is sent from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct On {
    pub connection: String,
    pub channel: u16,
}

impl Default for On {
    fn default() -> Self {
        On {
            connection: default_connection(),
            channel: 1,
        }
    }
}

/// What the simulated consumer does with each delivery it gets (a real consumer's callback).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum OnDelivery {
    /// Nothing: the script settles deliveries itself, or the consumer has stopped acking.
    Nothing,
    Ack {
        #[serde(default)]
        after_ms: u64,
    },
    Reject {
        after_ms: u64,
        #[serde(default = "default_true")]
        requeue: bool,
    },
    Nack {
        after_ms: u64,
        #[serde(default = "default_true")]
        requeue: bool,
    },
    /// An RPC server (RabbitMQ tutorial 6): publish `body` to the default exchange with the
    /// delivery's `reply_to` as the routing key and its `correlation_id`, then ack. A delivery
    /// without `reply_to` is only acked.
    Reply {
        #[serde(default)]
        after_ms: u64,
        body: String,
    },
    /// Retry with back-off, then park: reject without requeue (so the queue's dead-letter
    /// exchange takes it, typically to a wait queue whose TTL sends it back) until the message's
    /// `x-death` shows `attempts` rejections from this queue; then publish it to `park_exchange`
    /// with `park_routing_key` (headers and properties kept) and ack, as a consumer that reads
    /// `x-death` does.
    RetryThenPark {
        after_ms: u64,
        attempts: u64,
        #[serde(default)]
        park_exchange: String,
        park_routing_key: String,
    },
}

impl OnDelivery {
    pub fn after_ms(&self) -> Option<u64> {
        match self {
            OnDelivery::Nothing => None,
            OnDelivery::Ack { after_ms }
            | OnDelivery::Reject { after_ms, .. }
            | OnDelivery::Nack { after_ms, .. }
            | OnDelivery::Reply { after_ms, .. }
            | OnDelivery::RetryThenPark { after_ms, .. } => Some(*after_ms),
        }
    }
    /// Whether a delivery can make another (a requeue, a dead letter, a reply or a parked copy).
    fn returns_message(&self) -> bool {
        matches!(
            self,
            OnDelivery::Reject { .. }
                | OnDelivery::Nack { .. }
                | OnDelivery::Reply { .. }
                | OnDelivery::RetryThenPark { .. }
        )
    }
}

fn nothing() -> OnDelivery {
    OnDelivery::Nothing
}
fn is_nothing(o: &OnDelivery) -> bool {
    *o == OnDelivery::Nothing
}

/// The content of a publish, as pika's `BasicProperties`: `headers` and `expiration` beside the
/// other basic properties (one JSON object; read by hand so unknown names are still refused).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct PublishProperties {
    pub expiration: Option<String>,
    pub headers: Table,
    pub basic: Properties,
}

impl TryFrom<Value> for PublishProperties {
    type Error = String;
    fn try_from(value: Value) -> Result<Self, String> {
        // serde loses the field's path for an error made here, so each message names it.
        let Value::Object(mut map) = value else {
            return Err("properties: must be an object".into());
        };
        let expiration = match map.remove("expiration") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err("properties.expiration: a short string of milliseconds, such as \"60000\"".into()),
        };
        let headers = match map.remove("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => {
                from_value_at::<Table>(v).map_err(|e| format!("properties.headers{}", e.trim_start_matches('.')))?
            }
        };
        let basic = from_value_at::<Properties>(Value::Object(map)).map_err(|e| format!("properties{e}"))?;
        Ok(PublishProperties {
            expiration,
            headers,
            basic,
        })
    }
}

impl From<PublishProperties> for Value {
    fn from(p: PublishProperties) -> Value {
        let mut map = match serde_json::to_value(&p.basic) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        if let Some(e) = p.expiration {
            map.insert("expiration".into(), Value::String(e));
        }
        if !p.headers.is_empty() {
            map.insert(
                "headers".into(),
                serde_json::to_value(&p.headers).unwrap_or(Value::Null),
            );
        }
        Value::Object(map)
    }
}

/// Deserializes `value`; an error names the path inside it (`.field: reason`, or `: reason`).
fn from_value_at<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            format!(": {}", e.into_inner())
        } else {
            format!(".{path}: {}", e.into_inner())
        }
    })
}

/// One operation of the script: the method and where it is sent from. Written as one object,
/// `{"do": "publish", "connection": "shop", "channel": 2, "exchange": ...}`; `connection` and
/// `channel` are taken out before the method's own fields are read, so those stay strict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct Action {
    pub on: On,
    pub op: Op,
}

impl TryFrom<Value> for Action {
    type Error = String;
    fn try_from(value: Value) -> Result<Self, String> {
        let Value::Object(mut map) = value else {
            return Err("an operation must be an object such as {\"do\": \"publish\", ...}".into());
        };
        let connection = match map.remove("connection") {
            None => default_connection(),
            Some(Value::String(s)) => s,
            Some(_) => return Err("`connection` must be a string naming the connection".into()),
        };
        let channel = match map.remove("channel") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .ok_or_else(|| format!("`channel` must be a channel number from 1 to {MAX_CHANNEL}"))?,
        };
        let op = from_value_at::<Op>(Value::Object(map)).map_err(|e| {
            let e = e.strip_prefix(": ").map(String::from).unwrap_or(e);
            e.strip_prefix('.').map(String::from).unwrap_or(e)
        })?;
        Ok(Action {
            on: On { connection, channel },
            op,
        })
    }
}

impl From<Action> for Value {
    fn from(a: Action) -> Value {
        let mut map = match serde_json::to_value(&a.op) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        if !matches!(a.op, Op::BrokerRestart {}) {
            if a.on.connection != "app" {
                map.insert("connection".into(), Value::String(a.on.connection));
            }
            if a.on.channel != 1 {
                map.insert("channel".into(), Value::from(a.on.channel));
            }
        }
        Value::Object(map)
    }
}

/// One AMQP method (or broker event) of the script. Script data, read once per run: the size
/// of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    DeclareExchange {
        exchange: String,
        #[serde(rename = "type")]
        kind: ExchangeType,
        #[serde(default, skip_serializing_if = "is_false")]
        durable: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        auto_delete: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        internal: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        passive: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    DeleteExchange {
        exchange: String,
        #[serde(default, skip_serializing_if = "is_false")]
        if_unused: bool,
    },
    DeclareQueue {
        /// `""` asks the broker to name it (`amq.gen-...`).
        queue: String,
        #[serde(default, skip_serializing_if = "is_false")]
        durable: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        exclusive: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        auto_delete: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        passive: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    DeleteQueue {
        queue: String,
        #[serde(default, skip_serializing_if = "is_false")]
        if_unused: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        if_empty: bool,
    },
    PurgeQueue {
        queue: String,
    },
    BindQueue {
        queue: String,
        exchange: String,
        #[serde(default)]
        routing_key: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    UnbindQueue {
        queue: String,
        exchange: String,
        #[serde(default)]
        routing_key: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    BindExchange {
        destination: String,
        source: String,
        #[serde(default)]
        routing_key: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    UnbindExchange {
        destination: String,
        source: String,
        #[serde(default)]
        routing_key: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        arguments: Table,
    },
    ConfirmSelect {},
    Publish {
        #[serde(default)]
        exchange: String,
        #[serde(default)]
        routing_key: String,
        #[serde(default)]
        body: String,
        #[serde(default, skip_serializing_if = "is_false")]
        mandatory: bool,
        #[serde(default, skip_serializing_if = "is_default_properties")]
        properties: PublishProperties,
        /// Publish this many copies in a row; `{n}` in the body, `message_id`, `correlation_id`,
        /// `app_id` and `type` becomes 1, 2, ...
        #[serde(default = "default_count", skip_serializing_if = "is_one_u32")]
        count: u32,
    },
    BasicGet {
        queue: String,
        #[serde(default, skip_serializing_if = "is_false")]
        no_ack: bool,
    },
    BasicConsume {
        queue: String,
        /// Empty: the broker makes one (`amq.ctag-...`).
        #[serde(default)]
        consumer_tag: String,
        #[serde(default, skip_serializing_if = "is_false")]
        no_ack: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        exclusive: bool,
        #[serde(default = "nothing", skip_serializing_if = "is_nothing")]
        on_delivery: OnDelivery,
    },
    BasicCancel {
        consumer_tag: String,
    },
    BasicQos {
        #[serde(default)]
        prefetch_count: u16,
        #[serde(default, skip_serializing_if = "is_false")]
        global: bool,
    },
    BasicAck {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_tag: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nth: Option<u64>,
        #[serde(default, skip_serializing_if = "is_false")]
        multiple: bool,
    },
    BasicNack {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_tag: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nth: Option<u64>,
        #[serde(default, skip_serializing_if = "is_false")]
        multiple: bool,
        #[serde(default = "default_true", skip_serializing_if = "is_true")]
        requeue: bool,
    },
    BasicReject {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery_tag: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nth: Option<u64>,
        #[serde(default, skip_serializing_if = "is_false")]
        multiple: bool,
        #[serde(default = "default_true", skip_serializing_if = "is_true")]
        requeue: bool,
    },
    BasicRecover {
        #[serde(default = "default_true", skip_serializing_if = "is_true")]
        requeue: bool,
    },
    /// The consumer's callback changes (e.g. it stops acking: `{"do": "nothing"}`).
    SetOnDelivery {
        consumer_tag: String,
        on_delivery: OnDelivery,
    },
    ChannelClose {},
    ConnectionClose {},
    /// The node stops and starts again (`rabbitmqctl stop_app; rabbitmqctl start_app`).
    BrokerRestart {},
}

fn is_default_properties(p: &PublishProperties) -> bool {
    *p == PublishProperties::default()
}

impl Op {
    /// Messages this method publishes.
    pub fn messages(&self) -> u64 {
        match self {
            Op::Publish { count, .. } => u64::from(*count),
            _ => 0,
        }
    }
}

type Errors = Vec<ScenarioError>;

fn shortstr(errors: &mut Errors, path: &str, field: &str, text: &str) {
    if text.len() > MAX_SHORTSTR_BYTES {
        errors.push(err(
            format!("{path}.{field}"),
            format!(
                "is {} bytes; AMQP 0-9-1 short strings hold at most {MAX_SHORTSTR_BYTES}",
                text.len()
            ),
        ));
    }
}

/// Table keys are short strings; nesting and size are bounded so one header cannot cost much.
fn table(errors: &mut Errors, path: &str, t: &Table) {
    let mut entries = 0;
    table_inner(errors, path, t, 0, &mut entries);
}

fn table_inner(errors: &mut Errors, path: &str, t: &Table, depth: usize, entries: &mut usize) {
    for (i, (key, value)) in t.iter().enumerate() {
        if key.len() > MAX_SHORTSTR_BYTES {
            errors.push(err(
                format!("{path}[{i}]"),
                format!(
                    "the key is {} bytes; table keys hold at most {MAX_SHORTSTR_BYTES}",
                    key.len()
                ),
            ));
        }
        value_inner(errors, &format!("{path}.{key}"), value, depth, entries);
    }
}

fn value_inner(errors: &mut Errors, path: &str, value: &FieldValue, depth: usize, entries: &mut usize) {
    *entries += 1;
    if *entries == MAX_TABLE_ENTRIES + 1 {
        errors.push(err(
            path,
            format!("a table may hold at most {MAX_TABLE_ENTRIES} values in all"),
        ));
    }
    if depth > MAX_TABLE_DEPTH {
        errors.push(err(
            path,
            format!("tables and arrays nest at most {MAX_TABLE_DEPTH} deep"),
        ));
        return;
    }
    match value {
        FieldValue::Table(t) => table_inner(errors, path, t, depth + 1, entries),
        FieldValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                value_inner(errors, &format!("{path}[{i}]"), item, depth + 1, entries);
            }
        }
        FieldValue::LongStr(s) if s.len() > MAX_BODY_BYTES => errors.push(err(
            path,
            format!(
                "is {} bytes; header strings here hold at most {MAX_BODY_BYTES}",
                s.len()
            ),
        )),
        FieldValue::Binary(b) if b.len() > MAX_BODY_BYTES => {
            errors.push(err(path, format!("holds at most {MAX_BODY_BYTES} bytes")))
        }
        _ => {}
    }
}

/// Checks the RabbitMQ section and its actions, and adds up what they cost.
pub struct Validator {
    messages: u64,
    /// Queues the script may create (declares), for the cost estimate.
    declares: u64,
    /// Consumers the script starts: each channel holding deliveries ticks once a minute.
    consumers: u64,
    /// Redeliveries a consumer that rejects or nacks may cause per message: the sum over such
    /// consumers of the run's length over their delay.
    returns_per_message: u64,
    /// Redeliveries consumers with a prefetch limit may cause in all: such a consumer holds at
    /// most `prefetch` messages at a time and gives each back after `after_ms`, whatever the
    /// number of messages.
    bounded_redeliveries: u64,
    /// `basic.qos` per channel as the script sets it (per-consumer limit, global limit).
    qos: alloc::collections::BTreeMap<(String, u16), (u16, u16)>,
    /// Each consumer's limit, by (connection, channel, tag).
    consumer_prefetch: alloc::collections::BTreeMap<(String, u16, String), u16>,
    duration_ms: u64,
    /// The action whose `count` publishes the most, for the budget error's path.
    largest: Option<(usize, u64)>,
}

impl Validator {
    pub fn new(spec: &RabbitSpec, p: &str, duration_ms: u64, errors: &mut Errors) -> Validator {
        let mut v = Validator {
            messages: 0,
            declares: 1,
            consumers: 0,
            returns_per_message: 0,
            bounded_redeliveries: 0,
            qos: Default::default(),
            consumer_prefetch: Default::default(),
            duration_ms,
            largest: None,
        };
        for (i, op) in spec.setup.iter().enumerate() {
            v.op(&format!("{p}.setup[{i}]"), None, op, errors);
        }
        v
    }

    pub fn action(&mut self, p: &str, index: usize, a: &Action, errors: &mut Errors) {
        self.op(p, Some(index), a, errors);
    }

    fn op(&mut self, p: &str, index: Option<usize>, action: &Action, errors: &mut Errors) {
        let (on, op) = (&action.on, &action.op);
        if on.connection.is_empty() || on.connection.len() > crate::scenario::MAX_NAME_BYTES {
            errors.push(err(
                format!("{p}.connection"),
                format!("must be 1 to {} bytes", crate::scenario::MAX_NAME_BYTES),
            ));
        }
        if !(1..=MAX_CHANNEL).contains(&on.channel) {
            errors.push(err(
                format!("{p}.channel"),
                format!("must be between 1 and {MAX_CHANNEL}"),
            ));
        }
        match op {
            Op::DeclareExchange {
                exchange, arguments, ..
            } => {
                shortstr(errors, p, "exchange", exchange);
                table(errors, &format!("{p}.arguments"), arguments);
            }
            Op::DeleteExchange { exchange, .. } => shortstr(errors, p, "exchange", exchange),
            Op::DeclareQueue { queue, arguments, .. } => {
                self.declares += 1;
                shortstr(errors, p, "queue", queue);
                table(errors, &format!("{p}.arguments"), arguments);
            }
            Op::DeleteQueue { queue, .. } | Op::PurgeQueue { queue, .. } | Op::BasicGet { queue, .. } => {
                shortstr(errors, p, "queue", queue)
            }
            Op::BindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
                ..
            }
            | Op::UnbindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
                ..
            } => {
                shortstr(errors, p, "queue", queue);
                shortstr(errors, p, "exchange", exchange);
                shortstr(errors, p, "routing_key", routing_key);
                table(errors, &format!("{p}.arguments"), arguments);
            }
            Op::BindExchange {
                destination,
                source,
                routing_key,
                arguments,
                ..
            }
            | Op::UnbindExchange {
                destination,
                source,
                routing_key,
                arguments,
                ..
            } => {
                shortstr(errors, p, "destination", destination);
                shortstr(errors, p, "source", source);
                shortstr(errors, p, "routing_key", routing_key);
                table(errors, &format!("{p}.arguments"), arguments);
            }
            Op::Publish {
                exchange,
                routing_key,
                body,
                properties,
                count,
                ..
            } => {
                shortstr(errors, p, "exchange", exchange);
                shortstr(errors, p, "routing_key", routing_key);
                if body.len() > MAX_BODY_BYTES {
                    errors.push(err(
                        format!("{p}.body"),
                        format!("is {} bytes; bodies hold at most {MAX_BODY_BYTES} here", body.len()),
                    ));
                }
                if !(1..=MAX_PUBLISH_COUNT).contains(count) {
                    errors.push(err(
                        format!("{p}.count"),
                        format!("must be between 1 and {MAX_PUBLISH_COUNT}"),
                    ));
                }
                let pp = format!("{p}.properties");
                table(errors, &format!("{pp}.headers"), &properties.headers);
                let b = &properties.basic;
                for (field, value) in [
                    ("expiration", &properties.expiration),
                    ("content_type", &b.content_type),
                    ("content_encoding", &b.content_encoding),
                    ("correlation_id", &b.correlation_id),
                    ("reply_to", &b.reply_to),
                    ("message_id", &b.message_id),
                    ("type", &b.message_type),
                    ("user_id", &b.user_id),
                    ("app_id", &b.app_id),
                ] {
                    if let Some(v) = value {
                        shortstr(errors, &pp, field, v);
                    }
                }
                self.messages = self.messages.saturating_add(u64::from(*count));
                if let Some(i) = index {
                    if self.largest.is_none_or(|(_, n)| u64::from(*count) > n) {
                        self.largest = Some((i, u64::from(*count)));
                    }
                }
            }
            Op::BasicConsume {
                queue,
                consumer_tag,
                on_delivery,
                no_ack,
                ..
            } => {
                shortstr(errors, p, "queue", queue);
                shortstr(errors, p, "consumer_tag", consumer_tag);
                self.consumers += 1;
                // The limit that binds this consumer: its own, else the channel's global one.
                let (own, global) = self
                    .qos
                    .get(&(on.connection.clone(), on.channel))
                    .copied()
                    .unwrap_or((0, 0));
                let prefetch = if *no_ack {
                    0
                } else if own > 0 {
                    own
                } else {
                    global
                };
                self.consumer_prefetch
                    .insert((on.connection.clone(), on.channel, consumer_tag.clone()), prefetch);
                self.on_delivery(p, on_delivery, prefetch, errors);
            }
            Op::SetOnDelivery {
                consumer_tag,
                on_delivery,
                ..
            } => {
                shortstr(errors, p, "consumer_tag", consumer_tag);
                let prefetch = self
                    .consumer_prefetch
                    .get(&(on.connection.clone(), on.channel, consumer_tag.clone()))
                    .copied()
                    .unwrap_or(0);
                self.on_delivery(p, on_delivery, prefetch, errors);
            }
            Op::BasicQos { prefetch_count, global } => {
                let entry = self.qos.entry((on.connection.clone(), on.channel)).or_insert((0, 0));
                if *global {
                    entry.1 = *prefetch_count;
                } else {
                    // global=false also lifts the global limit (as the broker does).
                    *entry = (*prefetch_count, 0);
                }
            }
            Op::BasicCancel { consumer_tag, .. } => shortstr(errors, p, "consumer_tag", consumer_tag),
            Op::BasicAck {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
            }
            | Op::BasicNack {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
                ..
            }
            | Op::BasicReject {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
                ..
            } => {
                let multiple_allowed = !matches!(op, Op::BasicReject { .. });
                match (delivery_tag, consumer_tag, nth) {
                    (Some(_), None, None) => {}
                    (None, Some(tag), Some(n)) => {
                        shortstr(errors, p, "consumer_tag", tag);
                        if *n == 0 {
                            errors.push(err(format!("{p}.nth"), "counts deliveries from 1"));
                        }
                    }
                    _ => errors.push(err(
                        p,
                        "name the delivery either by `delivery_tag`, or by `consumer_tag` and `nth` (the n-th delivery to that consumer, from 1)",
                    )),
                }
                if *multiple && !multiple_allowed {
                    errors.push(err(
                        format!("{p}.multiple"),
                        "basic.reject settles one delivery; use basic_nack for several",
                    ));
                }
            }
            Op::ConfirmSelect { .. }
            | Op::BasicRecover { .. }
            | Op::ChannelClose { .. }
            | Op::ConnectionClose { .. }
            | Op::BrokerRestart {} => {}
        }
    }

    /// Checks a consumer's callback and adds what it may cost; `prefetch` is the limit that binds
    /// the consumer (0: none).
    fn on_delivery(&mut self, p: &str, on_delivery: &OnDelivery, prefetch: u16, errors: &mut Errors) {
        let od = format!("{p}.on_delivery");
        match on_delivery {
            OnDelivery::Reply { body, .. } => {
                if body.len() > MAX_BODY_BYTES {
                    errors.push(err(
                        format!("{od}.body"),
                        format!("holds at most {MAX_BODY_BYTES} bytes"),
                    ));
                }
                // One reply per delivery, and a reply carries no reply_to, so it never loops.
                self.returns_per_message = self.returns_per_message.saturating_add(1);
                return;
            }
            OnDelivery::RetryThenPark {
                attempts,
                park_exchange,
                park_routing_key,
                ..
            } => {
                shortstr(errors, &od, "park_exchange", park_exchange);
                shortstr(errors, &od, "park_routing_key", park_routing_key);
                if !(1..=1000).contains(attempts) {
                    errors.push(err(format!("{od}.attempts"), "must be between 1 and 1000"));
                }
            }
            _ => {}
        }
        if let Some(after) = on_delivery.after_ms() {
            if after > self.duration_ms.max(1) {
                errors.push(err(format!("{p}.on_delivery.after_ms"), "must not exceed duration_ms"));
            }
            if on_delivery.returns_message() {
                match self.duration_ms.checked_div(after) {
                    // A message rejected or nacked at the instant it arrives could come back
                    // (requeue, or a dead-letter cycle) at that same instant forever.
                    None => errors.push(err(
                        format!("{p}.on_delivery.after_ms"),
                        "a consumer that rejects or nacks must take at least 1 ms per delivery",
                    )),
                    Some(returns) if prefetch > 0 => {
                        self.bounded_redeliveries = self
                            .bounded_redeliveries
                            .saturating_add(u64::from(prefetch).saturating_mul(returns + 1))
                    }
                    Some(returns) => self.returns_per_message = self.returns_per_message.saturating_add(returns + 1),
                }
            }
        }
    }

    pub fn messages(&self) -> u64 {
        self.messages
    }

    pub fn largest_publish(&self) -> Option<(usize, u64)> {
        self.largest
    }

    /// Redeliveries the estimate allows for: per message (consumers without a prefetch limit), and
    /// in all (consumers with one).
    pub fn redeliveries(&self) -> (u64, u64) {
        (self.returns_per_message, self.bounded_redeliveries)
    }

    /// An upper bound of the run's work: each message copy (one per queue it can reach) costs a
    /// few events and entries per delivery; a rejecting consumer without a prefetch limit can
    /// take every message back every `after_ms`, one with a limit only that many at a time.
    pub fn estimate(&self) -> Cost {
        /// Entries and events one delivery of one copy makes at most (route, enqueue, deliver,
        /// settle, confirm, dead-letter, expiry timer: 8), each entry charged
        /// `system::UNITS_PER_ENTRY`.
        const UNITS_PER_DELIVERY: u64 = 8 * super::system::UNITS_PER_ENTRY;
        let copies = self.messages.saturating_mul(self.declares);
        // A channel holding consumer deliveries checks their age once a minute (consumer_timeout).
        let ticks = self.consumers.saturating_mul(self.duration_ms / 60_000 + 1);
        Cost {
            periodic: ticks.saturating_mul(super::system::UNITS_PER_ENTRY + 1),
            per_record: copies
                .saturating_mul(UNITS_PER_DELIVERY)
                .saturating_mul(1 + self.returns_per_message)
                .saturating_add(
                    self.bounded_redeliveries
                        .saturating_mul(self.declares)
                        .saturating_mul(UNITS_PER_DELIVERY),
                ),
        }
    }
}
