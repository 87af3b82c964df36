//! One RabbitMQ queue (3.13 to 4.x, AMQP 0-9-1 view) as a pure state machine over virtual time:
//! queue arguments, message TTL, length limits and overflow, fetch / delivery / ack / requeue /
//! reject, and dead-lettering with the `x-death` history a client sees.
//!
//! * Time is the caller's `now_ms` (milliseconds since the epoch, virtual). Message ids are handed out
//!   in publish order, from 1; delivery tags belong to the channel, so the queue speaks in ids.
//! * Classic queues keep ready messages in publish order, and a requeued message goes back to its
//!   original place (`rabbit_variable_queue:requeue/2` merges by sequence id). Quorum queues serve
//!   returned messages first, in the order they were returned (`rabbit_fifo`, the `returns` queue).
//! * Only the head of the queue can expire (`rabbit_amqqueue_process:drop_expired_msgs/2`, a
//!   `dropwhile` from the head); [`Queue::next_expiry_ms`] is the timer the caller should set.
//! * Dead-lettered messages come back as [`DeadLetter`] values for the caller to route to the DLX
//!   (with `routing::route`) and to filter with [`drop_cycles`] (`rabbit_dead_letter:publish/5`).
//!
//! Bounded: every call walks at most the queue's messages (ready plus unacked) once, plus a sort of
//! one message's headers; nothing loops on time.
//!
//! Versions: the rules are 4.0-4.2's. 3.13 differs where a review against its source found it
//! (not modelled yet): a client-published `x-death` seeds the death history, and a quorum queue
//! has no default delivery limit (a negative one dead-letters on the first return). Quorum queues
//! here expire and count like classic ones; `rabbit_fifo` expires on every command, lets a TTL-0
//! message live for 1 ms, and reports `message_count` before expiring.
use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::routing::{
    cc_and_bcc_keys, precondition_failed, resource_text, table_lookup, without_bcc, AmqpError, FieldValue, Table,
};

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

/// `x-queue-type`. Streams are not modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueType {
    Classic,
    Quorum,
}

impl QueueType {
    /// The module name RabbitMQ prints in "of queue type ..." errors.
    fn module_name(self) -> &'static str {
        match self {
            QueueType::Classic => "rabbit_classic_queue",
            QueueType::Quorum => "rabbit_quorum_queue",
        }
    }

    /// `rabbit_classic_queue:capabilities/0` and `rabbit_quorum_queue:capabilities/0`,
    /// `queue_arguments`, as released in 3.13.7 and 4.2.x (the entries this model knows of). An
    /// argument neither type lists is ignored, as RabbitMQ ignores unknown `x-` arguments; so
    /// `x-consumer-timeout` (read by the channel for any queue) and the unreleased main branch's
    /// `x-member-placement-tag` pass on both types.
    pub(super) fn accepted_arguments(self) -> &'static [&'static str] {
        match self {
            QueueType::Classic => &[
                "x-expires",
                "x-message-ttl",
                "x-dead-letter-exchange",
                "x-dead-letter-routing-key",
                "x-max-length",
                "x-max-length-bytes",
                "x-max-priority",
                "x-overflow",
                "x-queue-mode",
                "x-queue-version",
                "x-single-active-consumer",
                "x-queue-type",
                "x-queue-master-locator",
                "x-queue-leader-locator",
            ],
            QueueType::Quorum => &[
                "x-dead-letter-exchange",
                "x-dead-letter-routing-key",
                "x-dead-letter-strategy",
                "x-expires",
                "x-max-length",
                "x-max-length-bytes",
                "x-max-in-memory-length",
                "x-max-in-memory-bytes",
                "x-overflow",
                "x-single-active-consumer",
                "x-queue-type",
                "x-quorum-initial-group-size",
                "x-delivery-limit",
                "x-message-ttl",
                "x-queue-leader-locator",
            ],
        }
    }
}

/// `x-overflow` (`rabbit_amqqueue:check_overflow/2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    DropHead,
    RejectPublish,
    RejectPublishDlx,
}

/// Quorum queues' delivery limit when none is set, since 4.0 (`rabbit_quorum_queue`,
/// `DEFAULT_DELIVERY_LIMIT`).
pub const DEFAULT_QUORUM_DELIVERY_LIMIT: u64 = 20;

/// The largest TTL / expires RabbitMQ accepts: ten years in ms (`rabbit_misc:check_expiry/1`).
pub const MAX_EXPIRY_MS: i64 = 315_360_000_000;

/// A queue's settings, as validated from `queue.declare` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    pub name: String,
    pub vhost: String,
    pub queue_type: QueueType,
    pub message_ttl_ms: Option<u64>,
    /// Stored only: queue expiry needs the consumer / channel model.
    pub expires_ms: Option<u64>,
    pub max_length: Option<u64>,
    pub max_length_bytes: Option<u64>,
    pub overflow: Overflow,
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    /// Quorum only; `None` is unlimited (a negative `x-delivery-limit`).
    pub delivery_limit: Option<u64>,
}

impl QueueConfig {
    /// A classic queue with no arguments.
    pub fn classic(name: &str) -> Self {
        QueueConfig {
            name: name.into(),
            vhost: "/".into(),
            queue_type: QueueType::Classic,
            message_ttl_ms: None,
            expires_ms: None,
            max_length: None,
            max_length_bytes: None,
            overflow: Overflow::DropHead,
            dead_letter_exchange: None,
            dead_letter_routing_key: None,
            delivery_limit: None,
        }
    }

    /// Validates `queue.declare` arguments like `rabbit_amqqueue:check_declare_arguments/3`:
    /// `x-queue-type` first, then the type's own arguments in `declare_args/0` order, then any
    /// argument that only another queue type accepts. Errors are 406 with RabbitMQ's texts
    /// (`invalid arg '~ts' for ~ts: ~255p`, the error term printed as Erlang does).
    /// `x-max-priority`, `x-max-in-memory-*`, `x-dead-letter-strategy`, `x-queue-mode`,
    /// `x-queue-version`, `x-single-active-consumer`, `x-quorum-initial-group-size` and
    /// `x-queue-leader-locator` are validated but not modelled; stream-only arguments are not checked.
    pub fn from_arguments(name: &str, vhost: &str, arguments: &Table) -> Result<Self, AmqpError> {
        let resource = resource_text("queue", name, vhost);
        let invalid =
            |key: &str, term: String| precondition_failed(format!("invalid arg '{key}' for {resource}: {term}"));
        let queue_type = match table_lookup(arguments, "x-queue-type") {
            None => QueueType::Classic,
            // `rabbit_amqqueue:get_queue_type/2`: an empty name means the default type.
            Some(FieldValue::LongStr(s)) if s.is_empty() || s == "undefined" => QueueType::Classic,
            Some(FieldValue::LongStr(s)) if s == "classic" => QueueType::Classic,
            Some(FieldValue::LongStr(s)) if s == "quorum" => QueueType::Quorum,
            Some(FieldValue::LongStr(s)) if s == "stream" => {
                return Err(precondition_failed(
                    "queue type 'stream' is not modelled by mqplay".into(),
                ))
            }
            // `check_queue_type/2`
            Some(FieldValue::LongStr(s)) => {
                return Err(invalid("x-queue-type", format!("\"unsupported queue type '{s}'\"")))
            }
            Some(other) => {
                return Err(invalid(
                    "x-queue-type",
                    format!("{{unacceptable_type,{}}}", other.type_name()),
                ))
            }
        };
        let accepted = queue_type.accepted_arguments();
        let lookup = |key: &str| {
            if accepted.contains(&key) {
                table_lookup(arguments, key)
            } else {
                None
            }
        };
        let expires_ms = match lookup("x-expires") {
            None => None,
            Some(v) => {
                let n = integer_arg(v).map_err(|t| invalid("x-expires", t))?;
                if n == 0 {
                    return Err(invalid("x-expires", "{value_zero,0}".into()));
                }
                Some(check_expiry(n).map_err(|t| invalid("x-expires", t))?)
            }
        };
        let message_ttl_ms = match lookup("x-message-ttl") {
            None => None,
            Some(v) => {
                let n = integer_arg(v).map_err(|t| invalid("x-message-ttl", t))?;
                Some(check_expiry(n).map_err(|t| invalid("x-message-ttl", t))?)
            }
        };
        // `check_dlxname_arg/2`, `check_dlxrk_arg/2`
        let dead_letter_exchange = match lookup("x-dead-letter-exchange") {
            None => None,
            Some(FieldValue::LongStr(s)) => Some(s.clone()),
            Some(other) => {
                return Err(invalid(
                    "x-dead-letter-exchange",
                    format!("{{unacceptable_type,{}}}", other.type_name()),
                ))
            }
        };
        let dead_letter_routing_key = match lookup("x-dead-letter-routing-key") {
            None => None,
            Some(FieldValue::LongStr(s)) => {
                if table_lookup(arguments, "x-dead-letter-exchange").is_none() {
                    return Err(invalid(
                        "x-dead-letter-routing-key",
                        "routing_key_but_no_dlx_defined".into(),
                    ));
                }
                Some(s.clone())
            }
            Some(other) => {
                return Err(invalid(
                    "x-dead-letter-routing-key",
                    format!("{{unacceptable_type,{}}}", other.type_name()),
                ))
            }
        };
        // `check_dlxstrategy_arg/2`: quorum only; stored nowhere, as at-least-once dead-lettering
        // is not modelled.
        check_string_arg(
            lookup("x-dead-letter-strategy"),
            &["at-most-once", "at-least-once"],
            |_| "invalid_dlx_strategy".into(),
        )
        .map_err(|t| invalid("x-dead-letter-strategy", t))?;
        let non_negative = |key: &str| -> Result<Option<u64>, AmqpError> {
            match lookup(key) {
                None => Ok(None),
                Some(v) => {
                    let n = integer_arg(v).map_err(|t| invalid(key, t))?;
                    if n < 0 {
                        return Err(invalid(key, format!("{{value_negative,{n}}}")));
                    }
                    Ok(Some(n as u64))
                }
            }
        };
        let max_length = non_negative("x-max-length")?;
        let max_length_bytes = non_negative("x-max-length-bytes")?;
        // `check_non_neg_int_arg/2`; quorum only, validated but not modelled.
        non_negative("x-max-in-memory-length")?;
        non_negative("x-max-in-memory-bytes")?;
        // `check_max_priority_arg/2` (?MAX_SUPPORTED_PRIORITY is 255)
        if let Some(p) = non_negative("x-max-priority")? {
            if p > 255 {
                return Err(invalid("x-max-priority", format!("{{max_value_exceeded,{p}}}")));
            }
        }
        let overflow = match lookup("x-overflow") {
            None => Overflow::DropHead,
            Some(FieldValue::LongStr(s)) => match s.as_str() {
                "drop-head" => Overflow::DropHead,
                "reject-publish" => Overflow::RejectPublish,
                // Quorum queues log a warning and fall back to drop-head
                // (`rabbit_quorum_queue:overflow/3`).
                "reject-publish-dlx" if queue_type == QueueType::Quorum => Overflow::DropHead,
                "reject-publish-dlx" => Overflow::RejectPublishDlx,
                _ => return Err(invalid("x-overflow", "invalid_overflow".into())),
            },
            Some(other) => {
                return Err(invalid(
                    "x-overflow",
                    format!("{{unacceptable_type,{}}}", other.type_name()),
                ))
            }
        };
        // `check_queue_mode/2` (`?KNOWN_QUEUE_MODES`): classic only, and since 3.12 every
        // classic queue behaves as lazy, so the mode is validated but not modelled.
        check_string_arg(lookup("x-queue-mode"), &["default", "lazy"], |s| {
            format!("\"unsupported queue mode '{s}'\"")
        })
        .map_err(|t| invalid("x-queue-mode", t))?;
        // `check_queue_version/2`: classic only; a non-negative integer first, then 1 or 2.
        if let Some(v) = non_negative("x-queue-version")? {
            if v != 1 && v != 2 {
                return Err(invalid(
                    "x-queue-version",
                    format!("\"unsupported queue version '{v}'\""),
                ));
            }
        }
        // `check_single_active_consumer_arg/2` (`check_bool_arg/2`): only a bool is taken;
        // single active consumer needs the consumer model, so it is not stored.
        match lookup("x-single-active-consumer") {
            None | Some(FieldValue::Bool(_)) => {}
            Some(other) => {
                return Err(invalid(
                    "x-single-active-consumer",
                    format!("{{unacceptable_type,{}}}", other.type_name()),
                ))
            }
        }
        // `check_initial_cluster_size_arg/2`: quorum only; a non-negative integer, then not 0.
        if let Some(0) = non_negative("x-quorum-initial-group-size")? {
            return Err(invalid("x-quorum-initial-group-size", "{value_zero,0}".into()));
        }
        // `check_queue_leader_locator_arg/2` with `rabbit_queue_location:queue_leader_locators/0`,
        // the deprecated names (mapped to `balanced`) included.
        check_string_arg(
            lookup("x-queue-leader-locator"),
            &["client-local", "balanced", "random", "least-leaders", "min-masters"],
            |_| "invalid_queue_locator_arg".into(),
        )
        .map_err(|t| invalid("x-queue-leader-locator", t))?;
        // `rabbit_quorum_queue:get_delivery_limit/3`: no validator; an integer is taken, anything
        // else means the default; a negative limit means none (`canonicalize_delivery_limit/1`).
        let delivery_limit = match queue_type {
            QueueType::Classic => None,
            QueueType::Quorum => match lookup("x-delivery-limit").map(integer_arg) {
                Some(Ok(n)) if n < 0 => None,
                Some(Ok(n)) => Some(n as u64),
                _ => Some(DEFAULT_QUORUM_DELIVERY_LIMIT),
            },
        };
        // `check_arguments_key/4`: arguments that another queue type accepts are refused.
        for (key, _) in arguments {
            let elsewhere = [QueueType::Classic, QueueType::Quorum]
                .iter()
                .any(|t| t.accepted_arguments().contains(&key.as_str()));
            if elsewhere && !accepted.contains(&key.as_str()) {
                return Err(precondition_failed(format!(
                    "invalid arg '{key}' for {resource} of queue type {}",
                    queue_type.module_name()
                )));
            }
        }
        Ok(QueueConfig {
            name: name.into(),
            vhost: vhost.into(),
            queue_type,
            message_ttl_ms,
            expires_ms,
            max_length,
            max_length_bytes,
            overflow,
            dead_letter_exchange,
            dead_letter_routing_key,
            delivery_limit,
        })
    }
}

/// `rabbit_amqqueue:check_int_arg/2`: the integer types (`?INTEGER_ARG_TYPES`); the error is a
/// string, so Erlang prints it quoted.
fn integer_arg(value: &FieldValue) -> Result<i64, String> {
    match value {
        FieldValue::Byte(n) => Ok(i64::from(*n)),
        FieldValue::UnsignedByte(n) => Ok(i64::from(*n)),
        FieldValue::Short(n) => Ok(i64::from(*n)),
        FieldValue::UnsignedShort(n) => Ok(i64::from(*n)),
        FieldValue::SignedInt(n) => Ok(i64::from(*n)),
        FieldValue::UnsignedInt(n) => Ok(i64::from(*n)),
        FieldValue::Long(n) => Ok(*n),
        other => Err(format!("\"expected integer, got {}\"", other.type_name())),
    }
}

/// The shape shared by `rabbit_amqqueue`'s enumerated string validators (`check_overflow/2`,
/// `check_dlxstrategy_arg/2`, `check_queue_mode/2`, `check_queue_leader_locator_arg/2`): a
/// longstr among `allowed`, else `unknown`'s term; any other type is `{unacceptable_type,T}`.
fn check_string_arg(
    value: Option<&FieldValue>,
    allowed: &[&str],
    unknown: impl Fn(&str) -> String,
) -> Result<(), String> {
    match value {
        None => Ok(()),
        Some(FieldValue::LongStr(s)) if allowed.contains(&s.as_str()) => Ok(()),
        Some(FieldValue::LongStr(s)) => Err(unknown(s)),
        Some(other) => Err(format!("{{unacceptable_type,{}}}", other.type_name())),
    }
}

/// `rabbit_misc:check_expiry/1`.
fn check_expiry(n: i64) -> Result<u64, String> {
    if n < 0 {
        Err(format!("{{value_negative,{n}}}"))
    } else if n > MAX_EXPIRY_MS {
        Err(format!("{{value_too_large,{n}}}"))
    } else {
        Ok(n as u64)
    }
}

/// Parses the `expiration` property the way `rabbit_basic:parse_expiration/1` does (Erlang's
/// `string:to_integer/1`: optional sign, digits, nothing after), refusing bad values with the
/// channel's 406 (`rabbit_channel:check_expiration_header/1`).
pub fn parse_expiration(expiration: &str) -> Result<u64, AmqpError> {
    let refuse = |term: String| precondition_failed(format!("invalid expiration '{expiration}': {term}"));
    let bytes = expiration.as_bytes();
    let sign_len = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = bytes[sign_len..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(refuse("no_integer".into()));
    }
    let rest = &expiration[sign_len + digits..];
    if !rest.is_empty() {
        return Err(refuse(format!("{{leftover_string,\"{rest}\"}}")));
    }
    // Erlang integers are unbounded; anything past i64 is "too large" anyway.
    let magnitude: i128 = expiration[sign_len..sign_len + digits].parse().unwrap_or(i128::MAX);
    let value = if bytes[0] == b'-' { -magnitude } else { magnitude };
    let clamped = value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    check_expiry(clamped).map_err(refuse)
}

// ---------------------------------------------------------------------------------------------
// Messages and deaths
// ---------------------------------------------------------------------------------------------

/// Why a message was dead-lettered (`rabbit_dead_letter:reason()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeathReason {
    Rejected,
    Expired,
    Maxlen,
    DeliveryLimit,
}

impl DeathReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeathReason::Rejected => "rejected",
            DeathReason::Expired => "expired",
            DeathReason::Maxlen => "maxlen",
            DeathReason::DeliveryLimit => "delivery_limit",
        }
    }
}

/// One entry of a message's death history (`mc.hrl`, `#death{}`), keyed by (queue, reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeathRecord {
    pub queue: String,
    pub reason: DeathReason,
    pub exchange: String,
    pub routing_keys: Vec<String>,
    pub count: u64,
    pub first_time_ms: u64,
    pub last_time_ms: u64,
    /// The message's own TTL when it first died this way (`original-expiration`).
    pub original_ttl_ms: Option<u64>,
}

/// A message as a queue holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub exchange: String,
    /// The publish's routing key followed by CC and BCC keys (`mc:routing_keys/1`).
    pub routing_keys: Vec<String>,
    /// The BCC keys among `routing_keys`; never shown in `x-death`.
    pub bcc_keys: Vec<String>,
    /// Headers as published (BCC already removed).
    pub headers: Table,
    /// The parsed `expiration` property.
    pub ttl_ms: Option<u64>,
    pub body: Vec<u8>,
    /// Most recent first (`mc:record_death/3`, list form).
    pub deaths: Vec<DeathRecord>,
    /// `(queue, reason, exchange)` of the first and the last death.
    pub first_death: Option<(String, DeathReason, String)>,
    pub last_death: Option<(String, DeathReason, String)>,
    /// The other basic properties, carried unchanged through queues and dead-lettering.
    pub properties: Properties,
    /// Which publish of the run made it (mqplay's numbering, 1-based; not an AMQP field): every
    /// copy of one publish, and every dead-lettered copy of those, has the same number.
    pub number: u64,
}

/// The `basic` content properties other than `headers` and `expiration`, which [`Message`] holds
/// apart because routing and TTL read them. Names as in the AMQP 0-9-1 class `basic`
/// (`content-type` is written `content_type` here, as pika and the Java client spell them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Properties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    /// 1 transient, 2 persistent. Only 2 survives a broker restart in a durable classic queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

impl Properties {
    /// `delivery_mode` 2 (`rabbit_basic:is_message_persistent/1`: anything else is transient).
    pub fn persistent(&self) -> bool {
        self.delivery_mode == Some(2)
    }
}

impl Message {
    /// A message as `basic.publish` delivers it: routing keys from the routing key, then the
    /// longstr entries of `CC` and `BCC`; `BCC` removed from the headers (`rabbit_basic:header_routes/1`,
    /// `mc_amqpl:init/1`); `expiration` parsed (406 when invalid).
    pub fn publish(
        exchange: &str,
        routing_key: &str,
        headers: &Table,
        expiration: Option<&str>,
        body: &[u8],
    ) -> Result<Message, AmqpError> {
        let ttl_ms = expiration.map(parse_expiration).transpose()?;
        // One reading of CC / BCC for routing and for queues (406 on a non-array header).
        let (cc_keys, bcc_keys) = cc_and_bcc_keys(headers)?;
        let mut routing_keys = alloc::vec![routing_key.to_string()];
        routing_keys.extend(cc_keys);
        routing_keys.extend(bcc_keys.iter().cloned());
        Ok(Message {
            exchange: exchange.into(),
            routing_keys,
            bcc_keys,
            headers: without_bcc(headers),
            ttl_ms,
            body: body.to_vec(),
            deaths: Vec::new(),
            first_death: None,
            last_death: None,
            properties: Properties::default(),
            number: 0,
        })
    }

    /// What the byte limit counts: the body only (`mc:size/1` payload size, used by
    /// `rabbit_amqqueue_process:will_overflow/2`).
    pub fn body_size_bytes(&self) -> u64 {
        self.body.len() as u64
    }

    /// The `expiration` property a consumer sees.
    pub fn expiration(&self) -> Option<String> {
        self.ttl_ms.map(|t| t.to_string())
    }

    /// The headers a consumer sees (`mc_amqpl:protocol_state/2`): `x-death` built from the death
    /// history, the `x-first-death-*` / `x-last-death-*` annotations as longstr headers, then the
    /// whole table sorted by key with duplicates dropped (`lists:usort/2`). Without deaths the
    /// headers are as published.
    pub fn client_headers(&self) -> Table {
        self.client_headers_with(None)
    }

    fn client_headers_with(&self, delivery_count: Option<u64>) -> Table {
        if self.deaths.is_empty() && delivery_count.is_none() {
            return self.headers.clone();
        }
        let mut headers: Table = Vec::new();
        let mut text = |key: &str, value: &str| headers.push((key.into(), FieldValue::longstr(value)));
        if let Some((q, r, x)) = &self.first_death {
            text("x-first-death-exchange", x);
            text("x-first-death-queue", q);
            text("x-first-death-reason", r.as_str());
        }
        if let Some((q, r, x)) = &self.last_death {
            text("x-last-death-exchange", x);
            text("x-last-death-queue", q);
            text("x-last-death-reason", r.as_str());
        }
        if let Some(n) = delivery_count {
            headers.push(("x-delivery-count".into(), FieldValue::Long(n as i64)));
        }
        let mut published = self.headers.clone();
        if !self.deaths.is_empty() {
            // `rabbit_misc:set_table_value/4`: replaces a published `x-death`.
            published.retain(|(k, _)| k != "x-death");
            published.push((
                "x-death".into(),
                FieldValue::Array(self.deaths.iter().map(death_table).collect()),
            ));
        }
        headers.extend(published);
        // Annotations come first, so on equal keys they win (usort keeps the first).
        headers.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        headers.dedup_by(|b, a| a.0 == b.0);
        headers
    }
}

/// One `x-death` entry (`mc_amqpl:death_table/7`): `original-expiration` first when present, then
/// count (long), reason, queue, time (timestamp, seconds of the first death), exchange, routing-keys
/// (array of longstr).
fn death_table(death: &DeathRecord) -> FieldValue {
    let mut table: Table = Vec::new();
    if let Some(ttl) = death.original_ttl_ms {
        table.push(("original-expiration".into(), FieldValue::LongStr(ttl.to_string())));
    }
    table.push(("count".into(), FieldValue::Long(death.count as i64)));
    table.push(("reason".into(), FieldValue::longstr(death.reason.as_str())));
    table.push(("queue".into(), FieldValue::longstr(&death.queue)));
    table.push(("time".into(), FieldValue::Timestamp(death.first_time_ms / 1000)));
    table.push(("exchange".into(), FieldValue::longstr(&death.exchange)));
    table.push((
        "routing-keys".into(),
        FieldValue::Array(death.routing_keys.iter().map(|k| FieldValue::longstr(k)).collect()),
    ));
    FieldValue::Table(table)
}

/// A message to re-publish to the dead-letter exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub message_id: u64,
    pub reason: DeathReason,
    pub exchange: String,
    /// `x-dead-letter-routing-key` if set, else all the message's routing keys, BCC included
    /// (`rabbit_dead_letter:publish/5` uses `mc:routing_keys/1`).
    pub routing_keys: Vec<String>,
    /// Its death recorded, its `expiration` removed, its exchange and routing keys replaced.
    pub message: Message,
}

/// Records a death as `mc:record_death/3` does (list form, 3.13.x and 4.x): the (queue, reason)
/// entry moves to the front with its count raised and its first time kept, or a new entry with
/// count 1 goes to the front; the first-death fields are set once, the last-death fields every time.
/// Then `rabbit_dead_letter:publish/5`: the TTL is cleared and the DLX and its routing keys become
/// the message's exchange and routing keys.
fn dead_letter(
    config: &QueueConfig,
    id: u64,
    mut message: Message,
    reason: DeathReason,
    now_ms: u64,
) -> Option<DeadLetter> {
    let dlx = config.dead_letter_exchange.clone()?;
    let routing_keys = match &config.dead_letter_routing_key {
        Some(key) => alloc::vec![key.clone()],
        None => message.routing_keys.clone(),
    };
    let position = message
        .deaths
        .iter()
        .position(|d| d.queue == config.name && d.reason == reason);
    let record = match position {
        Some(i) => {
            let mut d = message.deaths.remove(i);
            d.count += 1;
            d.last_time_ms = now_ms;
            d
        }
        None => {
            // Erlang `--`: each BCC key removes one occurrence.
            let mut keys = message.routing_keys.clone();
            for bcc in &message.bcc_keys {
                if let Some(i) = keys.iter().position(|k| k == bcc) {
                    keys.remove(i);
                }
            }
            DeathRecord {
                queue: config.name.clone(),
                reason,
                exchange: message.exchange.clone(),
                routing_keys: keys,
                count: 1,
                first_time_ms: now_ms,
                last_time_ms: now_ms,
                original_ttl_ms: message.ttl_ms,
            }
        }
    };
    let summary = (config.name.clone(), reason, message.exchange.clone());
    message.deaths.insert(0, record);
    if message.first_death.is_none() {
        message.first_death = Some(summary.clone());
    }
    message.last_death = Some(summary);
    message.ttl_ms = None;
    message.exchange = dlx.clone();
    message.routing_keys = routing_keys.clone();
    Some(DeadLetter {
        message_id: id,
        reason,
        exchange: dlx,
        routing_keys,
        message,
    })
}

/// Splits the queues a dead letter was routed to into those that get it and those that would close
/// a fully automatic cycle (`rabbit_dead_letter:detect_cycles/3`, `mc:is_death_cycle/2`,
/// `is_cycle_v2`): never for reason `rejected`; otherwise a target queue cycles when it appears as a
/// source in the death history and no death from the newest up to that one was `rejected`.
pub fn drop_cycles(dead_letter: &DeadLetter, targets: &[String]) -> (Vec<String>, Vec<String>) {
    if dead_letter.reason == DeathReason::Rejected {
        return (targets.to_vec(), Vec::new());
    }
    let deaths = &dead_letter.message.deaths;
    let cycles = |target: &String| match deaths.iter().position(|d| &d.queue == target) {
        None => false,
        Some(i) => deaths[..=i].iter().all(|d| d.reason != DeathReason::Rejected),
    };
    let (cycling, kept): (Vec<String>, Vec<String>) = targets.iter().cloned().partition(cycles);
    (kept, cycling)
}

// ---------------------------------------------------------------------------------------------
// The queue
// ---------------------------------------------------------------------------------------------

/// A message in the queue. The message is shared (`Rc`): every queue a publish reached, and every
/// checkpoint of the simulation, holds the same one, so copies and snapshots cost a pointer.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    id: u64,
    message: Rc<Message>,
    expiry_ms: Option<u64>,
    redelivered: bool,
    /// Quorum: how often it was returned (`acquired_count`, 4.0 to 4.2).
    returns: u64,
}

/// A message handed to a consumer or to `basic.get`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub message_id: u64,
    pub redelivered: bool,
    pub exchange: String,
    /// The first routing key, as `basic.deliver` carries it.
    pub routing_key: String,
    /// As the consumer sees them; quorum queues add `x-delivery-count` after a return
    /// (`rabbit_fifo_client:add_delivery_count_header/2`).
    pub headers: Table,
    pub expiration: Option<String>,
    pub body: Vec<u8>,
    pub properties: Properties,
    /// [`Message::number`].
    pub number: u64,
}

/// A message that left the queue without being delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct Death {
    pub message_id: u64,
    /// [`Message::number`] of the message that died.
    pub number: u64,
    pub reason: DeathReason,
    /// `None`: no DLX, the message is gone.
    pub dead_letter: Option<DeadLetter>,
}

/// What a publish did. The publisher, under confirms, gets `basic.nack` for [`Self::Refused`] and
/// `basic.ack` otherwise (`rabbit_amqqueue_process:send_reject_publish/2`).
/// A return value, consumed at once: the size of `Delivered` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Accepted {
    /// Waiting in the queue (it may also have been dropped at once; see `deaths`).
    Enqueued,
    /// Handed straight to a ready consumer.
    Delivered(Delivery),
    /// Refused by `reject-publish` / `reject-publish-dlx`.
    Refused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishOutcome {
    pub message_id: u64,
    pub accepted: Accepted,
    /// Messages that died because of this publish, the new one included, in order.
    pub deaths: Vec<Death>,
}

impl PublishOutcome {
    pub fn publisher_nacked(&self) -> bool {
        self.accepted == Accepted::Refused
    }
}

/// The answer to `basic.get`: the message and `message_count` of `basic.get-ok` (ready messages left).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub delivery: Delivery,
    pub message_count: u64,
}

/// One queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    config: QueueConfig,
    next_id: u64,
    /// Classic: everything ready, by id. Quorum: never-delivered messages, by id.
    ready: BTreeMap<u64, Stored>,
    /// Quorum only: returned messages, served before `ready`.
    returned: VecDeque<Stored>,
    unacked: BTreeMap<u64, Stored>,
    /// Quorum `reject-publish` only: publishers are refused from the enqueue that took the queue
    /// over its limit until it is back at or below 80 % of it (`rabbit_fifo`, `reject_publish`).
    publishers_blocked: bool,
}

/// `rabbit_fifo`'s low watermark for unblocking publishers (`?LOW_LIMIT`, 0.8), in percent.
const QUORUM_UNBLOCK_PERCENT: u64 = 80;

impl Queue {
    pub fn new(config: QueueConfig) -> Self {
        Queue {
            config,
            next_id: 1,
            ready: BTreeMap::new(),
            returned: VecDeque::new(),
            unacked: BTreeMap::new(),
            publishers_blocked: false,
        }
    }

    /// Quorum `reject-publish` (`rabbit_fifo:evaluate_limit/…`, `is_over_limit`,
    /// `is_below_soft_limit`): unlike a classic queue, the message that takes the queue over its
    /// limit is still enqueued (and confirmed); only later publishes are refused, until the ready
    /// messages fall to 80 % of each limit. `quorum_queue_SUITE:queue_length_limit_reject_publish`:
    /// max-length 1 acks the first two publishes and nacks the third.
    fn quorum_refuses_publish(&mut self) -> bool {
        let (count, bytes) = (self.message_count(), self.ready_bytes());
        if self.publishers_blocked {
            let below =
                |limit: Option<u64>, value: u64| limit.is_none_or(|m| value <= m * QUORUM_UNBLOCK_PERCENT / 100);
            if below(self.config.max_length, count) && below(self.config.max_length_bytes, bytes) {
                self.publishers_blocked = false;
            }
        }
        self.publishers_blocked
    }

    fn quorum_block_if_over_limit(&mut self) {
        let over = self.config.max_length.is_some_and(|m| self.message_count() > m)
            || self.config.max_length_bytes.is_some_and(|m| self.ready_bytes() > m);
        if over {
            self.publishers_blocked = true;
        }
    }

    pub fn config(&self) -> &QueueConfig {
        &self.config
    }

    /// Ready messages (`message_count` in `queue.declare-ok`).
    pub fn message_count(&self) -> u64 {
        (self.ready.len() + self.returned.len()) as u64
    }

    pub fn unacked_count(&self) -> u64 {
        self.unacked.len() as u64
    }

    /// `message_bytes_ready`: body bytes of ready messages.
    pub fn ready_bytes(&self) -> u64 {
        self.ready_iter().map(|s| s.message.body_size_bytes()).sum()
    }

    /// Ready message ids, head first.
    pub fn ready_ids(&self) -> Vec<u64> {
        self.ready_iter().map(|s| s.id).collect()
    }

    fn ready_iter(&self) -> impl Iterator<Item = &Stored> {
        self.returned.iter().chain(self.ready.values())
    }

    fn head(&self) -> Option<&Stored> {
        self.returned.front().or_else(|| self.ready.values().next())
    }

    fn pop_head(&mut self) -> Option<Stored> {
        self.returned
            .pop_front()
            .or_else(|| self.ready.pop_first().map(|(_, s)| s))
    }

    /// When the head can next expire: the caller's timer (`ensure_ttl_timer/2`).
    pub fn next_expiry_ms(&self) -> Option<u64> {
        self.head().and_then(|s| s.expiry_ms)
    }

    fn die(&self, stored: Stored, reason: DeathReason, now_ms: u64) -> Death {
        Death {
            message_id: stored.id,
            number: stored.message.number,
            reason,
            dead_letter: dead_letter(
                &self.config,
                stored.id,
                Rc::unwrap_or_clone(stored.message),
                reason,
                now_ms,
            ),
        }
    }

    /// Enqueues a routed message (`rabbit_amqqueue_process:maybe_deliver_or_enqueue/3`):
    /// 1. with `reject-publish(-dlx)`, a message that would make the queue longer than
    ///    `x-max-length` or its ready bodies larger than `x-max-length-bytes` is refused
    ///    (`will_overflow/2`); `-dlx` also dead-letters it with `maxlen`;
    /// 2. a ready consumer takes it at once (`consumer_ready`; with `ack_required` it becomes unacked);
    /// 3. with queue TTL 0 and no DLX it is dropped at once (`deliver_or_enqueue/3`);
    /// 4. otherwise it is appended with expiry `now + min(queue TTL, message TTL)`, then with
    ///    `drop-head` the oldest ready messages die (`maxlen`) while over a limit (`maybe_drop_head/2`),
    ///    and if the head changed or the new message is alone and has a TTL, the expired head
    ///    messages die (so a TTL-0 message behind others waits until it reaches the head).
    pub fn publish(
        &mut self,
        now_ms: u64,
        message: impl Into<Rc<Message>>,
        consumer_ready: bool,
        ack_required: bool,
    ) -> PublishOutcome {
        self.enqueue(now_ms, message.into(), consumer_ready, ack_required, true)
    }

    /// A dead letter arriving: as [`Queue::publish`], except that a quorum queue's reject-publish
    /// block does not apply. Dead letters are untracked enqueues (`rabbit_fifo_client:untracked_enqueue`),
    /// and `rabbit_fifo` enforces `reject_publish` only for registered enqueuers.
    pub fn publish_dead_letter(
        &mut self,
        now_ms: u64,
        message: impl Into<Rc<Message>>,
        consumer_ready: bool,
        ack_required: bool,
    ) -> PublishOutcome {
        self.enqueue(now_ms, message.into(), consumer_ready, ack_required, false)
    }

    fn enqueue(
        &mut self,
        now_ms: u64,
        message: Rc<Message>,
        consumer_ready: bool,
        ack_required: bool,
        tracked: bool,
    ) -> PublishOutcome {
        let id = self.next_id;
        self.next_id += 1;
        let overflow_limited = self.config.max_length.is_some() || self.config.max_length_bytes.is_some();
        let quorum = self.config.queue_type == QueueType::Quorum;
        let quorum_reject = quorum && overflow_limited && self.config.overflow == Overflow::RejectPublish;
        if quorum_reject && tracked && self.quorum_refuses_publish() {
            return PublishOutcome {
                message_id: id,
                accepted: Accepted::Refused,
                deaths: Vec::new(),
            };
        }
        if !quorum_reject && overflow_limited && self.config.overflow != Overflow::DropHead {
            let length = self.message_count() + 1;
            let bytes = self.ready_bytes() + message.body_size_bytes();
            let over = self.config.max_length.is_some_and(|m| length > m)
                || self.config.max_length_bytes.is_some_and(|m| bytes > m);
            if over {
                let mut deaths = Vec::new();
                if self.config.overflow == Overflow::RejectPublishDlx {
                    let stored = Stored {
                        id,
                        message,
                        expiry_ms: None,
                        redelivered: false,
                        returns: 0,
                    };
                    deaths.push(self.die(stored, DeathReason::Maxlen, now_ms));
                }
                return PublishOutcome {
                    message_id: id,
                    accepted: Accepted::Refused,
                    deaths,
                };
            }
        }
        let ttl_ms = match (self.config.message_ttl_ms, message.ttl_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let stored = Stored {
            id,
            message,
            expiry_ms: ttl_ms.map(|t| now_ms + t),
            redelivered: false,
            returns: 0,
        };
        if consumer_ready {
            let delivery = self.hand_out(stored, ack_required);
            return PublishOutcome {
                message_id: id,
                accepted: Accepted::Delivered(delivery),
                deaths: Vec::new(),
            };
        }
        if !quorum && self.config.message_ttl_ms == Some(0) && self.config.dead_letter_exchange.is_none() {
            let deaths = alloc::vec![Death {
                message_id: id,
                number: stored.message.number,
                reason: DeathReason::Expired,
                dead_letter: None
            }];
            return PublishOutcome {
                message_id: id,
                accepted: Accepted::Enqueued,
                deaths,
            };
        }
        let has_expiry = stored.expiry_ms.is_some();
        self.ready.insert(id, stored);
        if quorum_reject {
            self.quorum_block_if_over_limit();
        }
        let mut deaths = self.drop_head_over_limit(now_ms);
        if !deaths.is_empty() || (self.message_count() == 1 && has_expiry) {
            deaths.extend(self.expire(now_ms));
        }
        PublishOutcome {
            message_id: id,
            accepted: Accepted::Enqueued,
            deaths,
        }
    }

    /// `maybe_drop_head/2`: with `drop-head`, the head dies with `maxlen` while the queue is over
    /// a limit.
    fn drop_head_over_limit(&mut self, now_ms: u64) -> Vec<Death> {
        let mut deaths = Vec::new();
        if self.config.overflow != Overflow::DropHead {
            return deaths;
        }
        loop {
            let over = self.config.max_length.is_some_and(|m| self.message_count() > m)
                || self.config.max_length_bytes.is_some_and(|m| self.ready_bytes() > m);
            if !over {
                break;
            }
            let Some(head) = self.pop_head() else { break };
            deaths.push(self.die(head, DeathReason::Maxlen, now_ms));
        }
        deaths
    }

    /// Expires head messages whose expiry is at or before `now_ms` (`drop_expired_msgs/2`:
    /// `Now >= Expiry`); stops at the first head that has not expired or has no TTL.
    pub fn expire(&mut self, now_ms: u64) -> Vec<Death> {
        let mut deaths = Vec::new();
        while let Some(expiry) = self.next_expiry_ms() {
            if expiry > now_ms {
                break;
            }
            let Some(head) = self.pop_head() else { break };
            deaths.push(self.die(head, DeathReason::Expired, now_ms));
        }
        deaths
    }

    fn hand_out(&mut self, stored: Stored, ack_required: bool) -> Delivery {
        let delivery_count =
            (self.config.queue_type == QueueType::Quorum && stored.returns > 0).then_some(stored.returns);
        let delivery = Delivery {
            message_id: stored.id,
            redelivered: stored.redelivered,
            exchange: stored.message.exchange.clone(),
            routing_key: stored.message.routing_keys.first().cloned().unwrap_or_default(),
            headers: stored.message.client_headers_with(delivery_count),
            expiration: stored.message.expiration(),
            body: stored.message.body.clone(),
            properties: stored.message.properties.clone(),
            number: stored.message.number,
        };
        if ack_required {
            self.unacked.insert(stored.id, stored);
        }
        delivery
    }

    /// Delivers the head to a consumer. Expired head messages die first (in RabbitMQ their timer
    /// would have fired at their expiry), so the returned `deaths` precede the delivery.
    pub fn deliver(&mut self, now_ms: u64, ack_required: bool) -> (Option<Delivery>, Vec<Death>) {
        let mut deaths = self.expire(now_ms);
        let delivery = self.pop_head().map(|s| self.hand_out(s, ack_required));
        deaths.extend(self.expire(now_ms));
        (delivery, deaths)
    }

    /// `basic.get` (`rabbit_amqqueue_process`, `basic_get` / `fetch/2`): the head, and the ready
    /// count after it left and after newly exposed expired messages died.
    pub fn basic_get(&mut self, now_ms: u64, ack_required: bool) -> (Option<Fetched>, Vec<Death>) {
        let (delivery, deaths) = self.deliver(now_ms, ack_required);
        let fetched = delivery.map(|delivery| Fetched {
            delivery,
            message_count: self.message_count(),
        });
        (fetched, deaths)
    }

    /// `basic.ack` of one message; `false` if it was not unacked here.
    pub fn ack(&mut self, message_id: u64) -> bool {
        self.unacked.remove(&message_id).is_some()
    }

    /// `basic.nack` / `basic.reject` with `requeue = true`, for the given ids in the given order.
    /// Classic: each goes back to its original place and is marked redelivered; then drop-head and
    /// expiry run (`requeue/3`: `maybe_drop_head`, `drop_expired_msgs`). Quorum: each goes to the
    /// end of the returned messages; past the delivery limit (returns > limit, 4.0 to 4.2:
    /// `rabbit_fifo:return_one/9` on `acquired_count`) it dies with `delivery_limit`.
    pub fn requeue(&mut self, now_ms: u64, message_ids: &[u64]) -> Vec<Death> {
        let mut deaths = Vec::new();
        for id in message_ids {
            let Some(mut stored) = self.unacked.remove(id) else {
                continue;
            };
            stored.redelivered = true;
            match self.config.queue_type {
                QueueType::Classic => {
                    self.ready.insert(stored.id, stored);
                }
                QueueType::Quorum => {
                    stored.returns += 1;
                    if self.config.delivery_limit.is_some_and(|limit| stored.returns > limit) {
                        deaths.push(self.die(stored, DeathReason::DeliveryLimit, now_ms));
                    } else {
                        self.returned.push_back(stored);
                    }
                }
            }
        }
        deaths.extend(self.drop_head_over_limit(now_ms));
        deaths.extend(self.expire(now_ms));
        deaths
    }

    /// `queue.purge`: every ready message goes, unacked ones stay (`rabbit_amqqueue:purge/1`);
    /// returns the [`Message::number`]s purged, head first (their count is `purge-ok`'s
    /// `message_count`).
    pub fn purge(&mut self) -> Vec<u64> {
        let numbers = self.ready_iter().map(|s| s.message.number).collect();
        self.ready.clear();
        self.returned.clear();
        numbers
    }

    /// A broker restart: unacked messages come back ready and redelivered (the broker cannot know
    /// whether the consumer saw them), then, unless `keep_transient`, messages that are not
    /// persistent are gone (`rabbit_variable_queue` recovers only persistent messages of a durable
    /// classic queue; a quorum queue's log keeps every message, `rabbit_quorum_queue`). TTL
    /// deadlines stay as they were (`expiry` is an absolute time in the index). Returns the
    /// numbers of the messages lost, in queue order.
    pub fn recover_after_restart(&mut self, keep_transient: bool) -> Vec<u64> {
        for (id, mut stored) in core::mem::take(&mut self.unacked) {
            stored.redelivered = true;
            match self.config.queue_type {
                QueueType::Classic => {
                    self.ready.insert(id, stored);
                }
                QueueType::Quorum => self.returned.push_back(stored),
            }
        }
        let mut lost = Vec::new();
        if !keep_transient {
            for s in self.ready_iter() {
                if !s.message.properties.persistent() {
                    lost.push(s.message.number);
                }
            }
            self.ready.retain(|_, s| s.message.properties.persistent());
            self.returned.retain(|s| s.message.properties.persistent());
        }
        lost
    }

    /// The ready messages head first, as `(number, body bytes, expiry)`, for views.
    pub fn ready_messages(&self) -> impl Iterator<Item = (u64, &[u8], Option<u64>)> {
        self.ready_iter()
            .map(|s| (s.message.number, s.message.body.as_slice(), s.expiry_ms))
    }

    /// The ready messages head first with their expiry and redelivered flag, for views.
    pub fn ready_details(&self) -> impl Iterator<Item = (&Message, Option<u64>, bool)> {
        self.ready_iter().map(|s| (&*s.message, s.expiry_ms, s.redelivered))
    }

    /// The [`Message::number`] of an unacked message.
    pub fn unacked_number(&self, message_id: u64) -> Option<u64> {
        self.unacked.get(&message_id).map(|s| s.message.number)
    }

    /// `basic.nack` / `basic.reject` with `requeue = false`: each dies with `rejected`
    /// (`rabbit_amqqueue_process:discard/4`, `dead_letter_rejected_msgs/4`), in the given order.
    pub fn reject(&mut self, now_ms: u64, message_ids: &[u64]) -> Vec<Death> {
        let mut deaths = Vec::new();
        for id in message_ids {
            if let Some(stored) = self.unacked.remove(id) {
                deaths.push(self.die(stored, DeathReason::Rejected, now_ms));
            }
        }
        deaths
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rabbit::routing::ReplyCode;
    use alloc::vec;

    fn text(key: &str, value: &str) -> (String, FieldValue) {
        (key.into(), FieldValue::longstr(value))
    }

    fn long(key: &str, value: i64) -> (String, FieldValue) {
        (key.into(), FieldValue::Long(value))
    }

    fn config(args: &Table) -> QueueConfig {
        QueueConfig::from_arguments("q", "/", args).unwrap()
    }

    fn refused(args: &Table) -> String {
        let e = QueueConfig::from_arguments("q", "/", args).unwrap_err();
        assert_eq!(e.code, ReplyCode::PreconditionFailed);
        e.explanation
    }

    fn msg(body: &str) -> Message {
        Message::publish("ex", "rk", &vec![], None, body.as_bytes()).unwrap()
    }

    fn msg_ttl(body: &str, expiration: &str) -> Message {
        Message::publish("ex", "rk", &vec![], Some(expiration), body.as_bytes()).unwrap()
    }

    fn ids(deaths: &[Death]) -> Vec<u64> {
        deaths.iter().map(|d| d.message_id).collect()
    }

    fn dl(death: &Death) -> &DeadLetter {
        death.dead_letter.as_ref().unwrap()
    }

    fn x_death(headers: &Table) -> Vec<Table> {
        match table_lookup(headers, "x-death") {
            Some(FieldValue::Array(items)) => items
                .iter()
                .map(|v| match v {
                    FieldValue::Table(t) => t.clone(),
                    _ => panic!("not a table"),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    // --- arguments ------------------------------------------------------------------------------

    #[test]
    fn no_arguments_make_a_classic_drop_head_queue() {
        let c = config(&vec![]);
        assert_eq!(c, QueueConfig::classic("q"));
    }

    #[test]
    fn all_modelled_arguments_are_read() {
        let c = config(&vec![
            long("x-message-ttl", 5000),
            (String::from("x-expires"), FieldValue::SignedInt(60000)),
            long("x-max-length", 3),
            long("x-max-length-bytes", 100),
            text("x-overflow", "reject-publish-dlx"),
            text("x-dead-letter-exchange", "dlx"),
            text("x-dead-letter-routing-key", "dead"),
        ]);
        assert_eq!(c.message_ttl_ms, Some(5000));
        assert_eq!(c.expires_ms, Some(60000));
        assert_eq!(c.max_length, Some(3));
        assert_eq!(c.max_length_bytes, Some(100));
        assert_eq!(c.overflow, Overflow::RejectPublishDlx);
        assert_eq!(c.dead_letter_exchange.as_deref(), Some("dlx"));
        assert_eq!(c.dead_letter_routing_key.as_deref(), Some("dead"));
    }

    #[test]
    fn negative_max_length_is_refused_with_value_negative() {
        assert_eq!(
            refused(&vec![long("x-max-length", -1)]),
            "invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}"
        );
    }

    #[test]
    fn non_integer_ttl_is_refused_with_a_quoted_string() {
        assert_eq!(
            refused(&vec![text("x-message-ttl", "10")]),
            "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': \"expected integer, got longstr\""
        );
    }

    #[test]
    fn ttl_over_ten_years_is_too_large() {
        assert_eq!(
            refused(&vec![long("x-message-ttl", MAX_EXPIRY_MS + 1)]),
            "invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_too_large,315360000001}"
        );
        assert_eq!(
            config(&vec![long("x-message-ttl", MAX_EXPIRY_MS)]).message_ttl_ms,
            Some(315_360_000_000)
        );
    }

    #[test]
    fn expires_zero_is_refused_but_ttl_zero_is_fine() {
        assert_eq!(
            refused(&vec![long("x-expires", 0)]),
            "invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}"
        );
        assert_eq!(config(&vec![long("x-message-ttl", 0)]).message_ttl_ms, Some(0));
    }

    #[test]
    fn unknown_overflow_and_wrong_types_are_refused() {
        assert_eq!(
            refused(&vec![text("x-overflow", "drop-tail")]),
            "invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow"
        );
        assert_eq!(
            refused(&vec![long("x-dead-letter-exchange", 1)]),
            "invalid arg 'x-dead-letter-exchange' for queue 'q' in vhost '/': {unacceptable_type,long}"
        );
    }

    #[test]
    fn dead_letter_routing_key_needs_a_dead_letter_exchange() {
        assert_eq!(
            refused(&vec![text("x-dead-letter-routing-key", "k")]),
            "invalid arg 'x-dead-letter-routing-key' for queue 'q' in vhost '/': routing_key_but_no_dlx_defined"
        );
    }

    #[test]
    fn unknown_queue_type_is_refused() {
        assert_eq!(
            refused(&vec![text("x-queue-type", "fast")]),
            "invalid arg 'x-queue-type' for queue 'q' in vhost '/': \"unsupported queue type 'fast'\""
        );
    }

    #[test]
    fn arguments_of_another_queue_type_are_refused() {
        assert_eq!(
            refused(&vec![long("x-delivery-limit", 3)]),
            "invalid arg 'x-delivery-limit' for queue 'q' in vhost '/' of queue type rabbit_classic_queue"
        );
        assert_eq!(
            refused(&vec![text("x-queue-type", "quorum"), long("x-max-priority", 3)]),
            "invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue"
        );
    }

    /// `quorum_queue_SUITE:queue_length_limit_reject_publish` (found by review against `rabbit_fifo`):
    /// a quorum queue enqueues the publish that goes over the limit and refuses the next ones until
    /// it drains to 80 %; a classic queue refuses the one that would go over.
    #[test]
    fn quorum_reject_publish_admits_the_message_that_goes_over_then_blocks_until_80_percent() {
        let quorum = |max: i64| {
            config(&vec![
                text("x-queue-type", "quorum"),
                long("x-max-length", max),
                text("x-overflow", "reject-publish"),
            ])
        };
        let mut q = Queue::new(quorum(1));
        let nacked: Vec<bool> = (0..3)
            .map(|i| q.publish(i, msg("m"), false, true).publisher_nacked())
            .collect();
        assert_eq!(nacked, vec![false, false, true]);
        assert_eq!(q.message_count(), 2);
        // Draining to 1 ready is not yet at 80 % of 1 (0); draining to none unblocks.
        q.basic_get(10, false).0.unwrap();
        assert!(q.publish(11, msg("m"), false, true).publisher_nacked());
        q.basic_get(12, false).0.unwrap();
        assert!(!q.publish(13, msg("m"), false, true).publisher_nacked());
        // With max-length 0 the first publish is still accepted.
        let mut q = Queue::new(quorum(0));
        assert!(!q.publish(0, msg("m"), false, true).publisher_nacked());
        assert!(q.publish(1, msg("m"), false, true).publisher_nacked());
        // Classic: the publish that would go over is refused.
        let mut c = Queue::new(config(&vec![
            long("x-max-length", 1),
            text("x-overflow", "reject-publish"),
        ]));
        let nacked: Vec<bool> = (0..2)
            .map(|i| c.publish(i, msg("m"), false, true).publisher_nacked())
            .collect();
        assert_eq!(nacked, vec![false, true]);
    }

    /// Found by review against v4.2.9 / v3.13.7 `capabilities/0`: arguments no released queue type
    /// lists are ignored, on classic and quorum queues alike.
    #[test]
    fn arguments_no_queue_type_lists_are_ignored() {
        for queue_type in ["classic", "quorum"] {
            let args = vec![
                text("x-queue-type", queue_type),
                long("x-consumer-timeout", 60_000),
                text("x-member-placement-tag", "a"),
            ];
            assert!(QueueConfig::from_arguments("q", "/", &args).is_ok(), "{queue_type}");
        }
    }

    #[test]
    fn max_priority_above_255_is_refused() {
        assert_eq!(
            refused(&vec![long("x-max-priority", 256)]),
            "invalid arg 'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,256}"
        );
    }

    #[test]
    fn quorum_delivery_limit_defaults_to_20_and_negative_means_unlimited() {
        let q = vec![text("x-queue-type", "quorum")];
        assert_eq!(config(&q).delivery_limit, Some(20));
        let mut with = q.clone();
        with.push(long("x-delivery-limit", -1));
        assert_eq!(config(&with).delivery_limit, None);
        let mut five = q.clone();
        five.push(long("x-delivery-limit", 5));
        assert_eq!(config(&five).delivery_limit, Some(5));
    }

    #[test]
    fn quorum_reject_publish_dlx_falls_back_to_drop_head() {
        let c = config(&vec![
            text("x-queue-type", "quorum"),
            text("x-overflow", "reject-publish-dlx"),
        ]);
        assert_eq!(c.overflow, Overflow::DropHead);
    }

    fn quorum_with(extra: (String, FieldValue)) -> Table {
        vec![text("x-queue-type", "quorum"), extra]
    }

    /// `rabbit_amqqueue:check_single_active_consumer_arg/2`, on both queue types.
    #[test]
    fn single_active_consumer_must_be_a_bool() {
        assert_eq!(
            refused(&vec![text("x-single-active-consumer", "true")]),
            "invalid arg 'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,longstr}"
        );
        let sac = (String::from("x-single-active-consumer"), FieldValue::Bool(true));
        assert!(QueueConfig::from_arguments("q", "/", &vec![sac.clone()]).is_ok());
        assert!(QueueConfig::from_arguments("q", "/", &quorum_with(sac)).is_ok());
    }

    /// `rabbit_amqqueue:check_queue_mode/2` (classic only).
    #[test]
    fn queue_mode_must_be_default_or_lazy() {
        assert_eq!(
            refused(&vec![text("x-queue-mode", "x")]),
            "invalid arg 'x-queue-mode' for queue 'q' in vhost '/': \"unsupported queue mode 'x'\""
        );
        assert_eq!(
            refused(&vec![long("x-queue-mode", 1)]),
            "invalid arg 'x-queue-mode' for queue 'q' in vhost '/': {unacceptable_type,long}"
        );
        assert_eq!(config(&vec![text("x-queue-mode", "lazy")]), QueueConfig::classic("q"));
        assert!(QueueConfig::from_arguments("q", "/", &vec![text("x-queue-mode", "default")]).is_ok());
    }

    /// `rabbit_amqqueue:check_queue_version/2` (classic only).
    #[test]
    fn queue_version_must_be_1_or_2() {
        assert_eq!(
            refused(&vec![long("x-queue-version", 3)]),
            "invalid arg 'x-queue-version' for queue 'q' in vhost '/': \"unsupported queue version '3'\""
        );
        assert_eq!(
            refused(&vec![long("x-queue-version", -1)]),
            "invalid arg 'x-queue-version' for queue 'q' in vhost '/': {value_negative,-1}"
        );
        assert_eq!(
            refused(&vec![text("x-queue-version", "2")]),
            "invalid arg 'x-queue-version' for queue 'q' in vhost '/': \"expected integer, got longstr\""
        );
        for v in [1, 2] {
            assert!(QueueConfig::from_arguments("q", "/", &vec![long("x-queue-version", v)]).is_ok());
        }
    }

    /// `rabbit_amqqueue:check_dlxstrategy_arg/2` (quorum only).
    #[test]
    fn dead_letter_strategy_must_be_at_most_or_at_least_once() {
        assert_eq!(
            refused(&quorum_with(text("x-dead-letter-strategy", "exactly-once"))),
            "invalid arg 'x-dead-letter-strategy' for queue 'q' in vhost '/': invalid_dlx_strategy"
        );
        assert_eq!(
            refused(&quorum_with(long("x-dead-letter-strategy", 1))),
            "invalid arg 'x-dead-letter-strategy' for queue 'q' in vhost '/': {unacceptable_type,long}"
        );
        for s in ["at-most-once", "at-least-once"] {
            assert!(QueueConfig::from_arguments("q", "/", &quorum_with(text("x-dead-letter-strategy", s))).is_ok());
        }
    }

    /// `rabbit_amqqueue:check_initial_cluster_size_arg/2` (quorum only).
    #[test]
    fn quorum_initial_group_size_must_be_positive() {
        assert_eq!(
            refused(&quorum_with(long("x-quorum-initial-group-size", 0))),
            "invalid arg 'x-quorum-initial-group-size' for queue 'q' in vhost '/': {value_zero,0}"
        );
        assert_eq!(
            refused(&quorum_with(long("x-quorum-initial-group-size", -1))),
            "invalid arg 'x-quorum-initial-group-size' for queue 'q' in vhost '/': {value_negative,-1}"
        );
        assert!(QueueConfig::from_arguments("q", "/", &quorum_with(long("x-quorum-initial-group-size", 3))).is_ok());
    }

    /// `rabbit_amqqueue:check_queue_leader_locator_arg/2`, on both queue types.
    #[test]
    fn queue_leader_locator_must_be_a_known_locator() {
        assert_eq!(
            refused(&vec![text("x-queue-leader-locator", "nearest")]),
            "invalid arg 'x-queue-leader-locator' for queue 'q' in vhost '/': invalid_queue_locator_arg"
        );
        assert_eq!(
            refused(&quorum_with(long("x-queue-leader-locator", 1))),
            "invalid arg 'x-queue-leader-locator' for queue 'q' in vhost '/': {unacceptable_type,long}"
        );
        for l in ["client-local", "balanced", "least-leaders"] {
            assert!(QueueConfig::from_arguments("q", "/", &quorum_with(text("x-queue-leader-locator", l))).is_ok());
            assert!(QueueConfig::from_arguments("q", "/", &vec![text("x-queue-leader-locator", l)]).is_ok());
        }
    }

    /// `rabbit_amqqueue:check_non_neg_int_arg/2` for the quorum in-memory limits.
    #[test]
    fn quorum_in_memory_limits_must_not_be_negative() {
        assert_eq!(
            refused(&quorum_with(long("x-max-in-memory-length", -1))),
            "invalid arg 'x-max-in-memory-length' for queue 'q' in vhost '/': {value_negative,-1}"
        );
        assert!(QueueConfig::from_arguments("q", "/", &quorum_with(long("x-max-in-memory-bytes", 0))).is_ok());
    }

    /// `declare_args/0` order: the first failing validator in that list is the one reported.
    #[test]
    fn validators_run_in_declare_args_order() {
        let args = vec![
            text("x-queue-type", "quorum"),
            text("x-queue-leader-locator", "nearest"),
            long("x-quorum-initial-group-size", 0),
            text("x-single-active-consumer", "yes"),
            text("x-dead-letter-strategy", "x"),
            long("x-max-length", -1),
        ];
        assert!(refused(&args).starts_with("invalid arg 'x-dead-letter-strategy'"));
        let classic = vec![
            text("x-queue-leader-locator", "nearest"),
            text("x-single-active-consumer", "yes"),
            long("x-queue-version", 3),
            text("x-queue-mode", "x"),
            text("x-overflow", "x"),
        ];
        assert!(refused(&classic).starts_with("invalid arg 'x-overflow'"));
        let classic = vec![
            text("x-queue-leader-locator", "nearest"),
            text("x-single-active-consumer", "yes"),
            long("x-queue-version", 3),
        ];
        assert!(refused(&classic).starts_with("invalid arg 'x-queue-version'"));
    }

    // --- expiration property --------------------------------------------------------------------

    #[test]
    fn expiration_must_be_a_whole_non_negative_integer() {
        assert_eq!(parse_expiration("100").unwrap(), 100);
        assert_eq!(parse_expiration("+7").unwrap(), 7);
        assert_eq!(
            parse_expiration("abc").unwrap_err().explanation,
            "invalid expiration 'abc': no_integer"
        );
        assert_eq!(
            parse_expiration("10s").unwrap_err().explanation,
            "invalid expiration '10s': {leftover_string,\"s\"}"
        );
        assert_eq!(
            parse_expiration("-1").unwrap_err().explanation,
            "invalid expiration '-1': {value_negative,-1}"
        );
        assert_eq!(parse_expiration("").unwrap_err().code, ReplyCode::PreconditionFailed);
    }

    // --- TTL ------------------------------------------------------------------------------------

    // The TTL guide (rabbitmq.com/docs/ttl): the lower of the two TTLs applies.
    #[test]
    fn effective_ttl_is_the_smaller_of_queue_and_message_ttl() {
        let mut q = Queue::new(config(&vec![long("x-message-ttl", 1000)]));
        q.publish(0, msg_ttl("a", "300"), false, false);
        assert_eq!(q.next_expiry_ms(), Some(300));
        let mut q = Queue::new(config(&vec![long("x-message-ttl", 200)]));
        q.publish(0, msg_ttl("a", "300"), false, false);
        assert_eq!(q.next_expiry_ms(), Some(200));
    }

    #[test]
    fn expiry_is_inclusive_of_the_expiry_instant() {
        let mut q = Queue::new(config(&vec![long("x-message-ttl", 100)]));
        q.publish(0, msg("a"), false, false);
        assert!(q.expire(99).is_empty());
        assert_eq!(ids(&q.expire(100)), vec![1]);
        assert_eq!(q.message_count(), 0);
    }

    #[test]
    fn a_long_ttl_head_blocks_expiry_of_short_ttl_messages_behind_it() {
        let mut q = Queue::new(QueueConfig::classic("q"));
        q.publish(0, msg_ttl("long", "10000"), false, false);
        q.publish(0, msg_ttl("short", "10"), false, false);
        assert!(q.expire(50).is_empty());
        assert_eq!(q.message_count(), 2);
        assert_eq!(q.next_expiry_ms(), Some(10000));
        // Once the head goes, the short one is expired as it surfaces.
        let (fetched, deaths) = q.basic_get(50, false);
        assert_eq!(fetched.unwrap().message_count, 0);
        assert_eq!(ids(&deaths), vec![2]);
    }

    #[test]
    fn a_message_without_ttl_at_the_head_blocks_expiry_too() {
        let mut q = Queue::new(QueueConfig::classic("q"));
        q.publish(0, msg("no-ttl"), false, false);
        q.publish(0, msg_ttl("t", "0"), false, false);
        assert_eq!(q.next_expiry_ms(), None);
        assert!(q.expire(1000).is_empty());
        assert_eq!(q.message_count(), 2);
    }

    #[test]
    fn queue_ttl_zero_without_dlx_drops_unless_a_consumer_is_ready() {
        let mut q = Queue::new(config(&vec![long("x-message-ttl", 0)]));
        let out = q.publish(0, msg("a"), false, false);
        assert_eq!(out.accepted, Accepted::Enqueued);
        assert_eq!(ids(&out.deaths), vec![1]);
        assert!(out.deaths[0].dead_letter.is_none());
        assert_eq!(q.message_count(), 0);
        let out = q.publish(0, msg("b"), true, true);
        assert!(matches!(out.accepted, Accepted::Delivered(ref d) if d.message_id == 2));
        assert!(out.deaths.is_empty());
        assert_eq!(q.unacked_count(), 1);
    }

    #[test]
    fn message_ttl_zero_into_an_empty_queue_is_dead_lettered_at_once() {
        let mut q = Queue::new(config(&vec![text("x-dead-letter-exchange", "dlx")]));
        let out = q.publish(5000, msg_ttl("a", "0"), false, false);
        assert_eq!(out.deaths.len(), 1);
        assert_eq!(out.deaths[0].reason, DeathReason::Expired);
        assert_eq!(dl(&out.deaths[0]).exchange, "dlx");
    }

    // --- max length -----------------------------------------------------------------------------

    // After `queue_length_limits_SUITE:max_length_drop_head`: max-length 1, publish 1, 2, 3: only 3
    // remains.
    #[test]
    fn drop_head_keeps_the_newest_messages() {
        let mut q = Queue::new(config(&vec![long("x-max-length", 1)]));
        q.publish(0, msg("1"), false, false);
        let out2 = q.publish(0, msg("2"), false, false);
        let out3 = q.publish(0, msg("3"), false, false);
        assert_eq!(ids(&out2.deaths), vec![1]);
        assert_eq!(ids(&out3.deaths), vec![2]);
        assert_eq!(out3.deaths[0].reason, DeathReason::Maxlen);
        assert_eq!(q.ready_ids(), vec![3]);
        assert!(!out3.publisher_nacked());
    }

    // After `queue_length_limits_SUITE:max_length_bytes_drop_head`: the limit counts body bytes only.
    #[test]
    fn drop_head_by_bytes_counts_bodies_only() {
        let mut q = Queue::new(config(&vec![long("x-max-length-bytes", 10)]));
        let headers = vec![text("big-header", "0123456789012345678901234567890")];
        q.publish(
            0,
            Message::publish("ex", "rk", &headers, None, b"12345").unwrap(),
            false,
            false,
        );
        q.publish(0, msg("12345"), false, false);
        assert_eq!(q.message_count(), 2);
        let out = q.publish(0, msg("1"), false, false);
        assert_eq!(ids(&out.deaths), vec![1]);
        assert_eq!(q.ready_bytes(), 6);
    }

    // After `queue_length_limits_SUITE:max_length_reject_confirm`: the over-limit publish is nacked.
    #[test]
    fn reject_publish_refuses_the_new_message_and_nacks_it() {
        let mut q = Queue::new(config(&vec![
            long("x-max-length", 1),
            text("x-overflow", "reject-publish"),
        ]));
        assert!(!q.publish(0, msg("1"), false, false).publisher_nacked());
        let out = q.publish(0, msg("2"), false, false);
        assert!(out.publisher_nacked());
        assert!(out.deaths.is_empty());
        assert_eq!(q.ready_ids(), vec![1]);
    }

    #[test]
    fn reject_publish_dlx_also_dead_letters_the_refused_message() {
        let mut q = Queue::new(config(&vec![
            long("x-max-length", 1),
            text("x-overflow", "reject-publish-dlx"),
            text("x-dead-letter-exchange", "dlx"),
        ]));
        q.publish(0, msg("1"), false, false);
        let out = q.publish(0, msg("2"), false, false);
        assert!(out.publisher_nacked());
        assert_eq!(out.deaths[0].reason, DeathReason::Maxlen);
        assert_eq!(dl(&out.deaths[0]).message.body, b"2".to_vec());
    }

    #[test]
    fn reject_publish_with_max_length_zero_refuses_even_with_a_ready_consumer() {
        let mut q = Queue::new(config(&vec![
            long("x-max-length", 0),
            text("x-overflow", "reject-publish"),
        ]));
        assert!(q.publish(0, msg("1"), true, true).publisher_nacked());
    }

    #[test]
    fn unacked_messages_do_not_count_towards_the_length_limit() {
        let mut q = Queue::new(config(&vec![
            long("x-max-length", 1),
            text("x-overflow", "reject-publish"),
        ]));
        q.publish(0, msg("1"), false, false);
        q.deliver(0, true);
        assert!(!q.publish(0, msg("2"), false, false).publisher_nacked());
    }

    // --- delivery, ack, requeue -------------------------------------------------------------------

    #[test]
    fn basic_get_reports_the_ready_messages_left() {
        let mut q = Queue::new(QueueConfig::classic("q"));
        for b in ["a", "b", "c"] {
            q.publish(0, msg(b), false, false);
        }
        let (f, _) = q.basic_get(0, true);
        let f = f.unwrap();
        assert_eq!((f.delivery.message_id, f.message_count), (1, 2));
        assert!(!f.delivery.redelivered);
        assert_eq!(q.unacked_count(), 1);
        assert!(q.ack(1));
        assert!(!q.ack(1));
    }

    #[test]
    fn classic_requeue_restores_original_order_and_marks_redelivered() {
        let mut q = Queue::new(QueueConfig::classic("q"));
        for b in ["a", "b", "c"] {
            q.publish(0, msg(b), false, false);
        }
        q.deliver(0, true);
        q.deliver(0, true);
        // Requeue in reverse order: still 1, 2, 3.
        q.requeue(0, &[2, 1]);
        assert_eq!(q.ready_ids(), vec![1, 2, 3]);
        let (d, _) = q.deliver(0, true);
        assert!(d.unwrap().redelivered);
    }

    #[test]
    fn requeue_can_trigger_drop_head() {
        let mut q = Queue::new(config(&vec![long("x-max-length", 1)]));
        q.publish(0, msg("a"), false, false);
        q.deliver(0, true);
        q.publish(0, msg("b"), false, false);
        let deaths = q.requeue(0, &[1]);
        assert_eq!(ids(&deaths), vec![1]);
        assert_eq!(q.ready_ids(), vec![2]);
    }

    #[test]
    fn requeued_message_keeps_its_expiry() {
        let mut q = Queue::new(config(&vec![long("x-message-ttl", 100)]));
        q.publish(0, msg("a"), false, false);
        q.deliver(10, true);
        assert_eq!(ids(&q.requeue(150, &[1])), vec![1]);
    }

    #[test]
    fn reject_without_dlx_drops_the_message() {
        let mut q = Queue::new(QueueConfig::classic("q"));
        q.publish(0, msg("a"), false, false);
        q.deliver(0, true);
        let deaths = q.reject(0, &[1]);
        assert_eq!(deaths.len(), 1);
        assert!(deaths[0].dead_letter.is_none());
        assert_eq!((q.message_count(), q.unacked_count()), (0, 0));
    }

    // --- dead-lettering -------------------------------------------------------------------------

    // After `dead_lettering_SUITE:dead_letter_headers` (and `dead_letter_extra_bcc` for BCC): x-death
    // fields and types, routing keys with CC, without BCC.
    #[test]
    fn rejected_message_carries_an_x_death_entry_with_cc_but_not_bcc() {
        let mut q = Queue::new(config(&vec![text("x-dead-letter-exchange", "dlx")]));
        let headers = vec![
            ("CC".into(), FieldValue::Array(vec![FieldValue::longstr("cc1")])),
            ("BCC".into(), FieldValue::Array(vec![FieldValue::longstr("bcc1")])),
        ];
        let m = Message::publish("amq.direct", "rk", &headers, None, b"x").unwrap();
        q.publish(0, m, false, false);
        q.deliver(0, true);
        let deaths = q.reject(12_345, &[1]);
        let d = dl(&deaths[0]);
        // Without x-dead-letter-routing-key, all original keys, BCC included.
        assert_eq!(d.routing_keys, vec!["rk", "cc1", "bcc1"]);
        let h = d.message.client_headers();
        assert!(table_lookup(&h, "BCC").is_none());
        let xd = x_death(&h);
        assert_eq!(xd.len(), 1);
        assert_eq!(
            xd[0],
            vec![
                long("count", 1),
                text("reason", "rejected"),
                text("queue", "q"),
                (String::from("time"), FieldValue::Timestamp(12)),
                text("exchange", "amq.direct"),
                (
                    String::from("routing-keys"),
                    FieldValue::Array(vec![FieldValue::longstr("rk"), FieldValue::longstr("cc1")])
                ),
            ]
        );
        assert_eq!(
            table_lookup(&h, "x-first-death-reason"),
            Some(&FieldValue::longstr("rejected"))
        );
        assert_eq!(table_lookup(&h, "x-last-death-queue"), Some(&FieldValue::longstr("q")));
        assert_eq!(
            table_lookup(&h, "x-first-death-exchange"),
            Some(&FieldValue::longstr("amq.direct"))
        );
        // Headers end up sorted by key.
        let keys: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn dead_letter_routing_key_replaces_the_routing_keys() {
        let mut q = Queue::new(config(&vec![
            text("x-dead-letter-exchange", "dlx"),
            text("x-dead-letter-routing-key", "dead"),
        ]));
        q.publish(0, msg("a"), false, false);
        q.deliver(0, true);
        let d = q.reject(0, &[1]);
        assert_eq!(dl(&d[0]).routing_keys, vec!["dead"]);
        assert_eq!(dl(&d[0]).message.exchange, "dlx");
        // x-death still names the original routing key.
        let xd = x_death(&dl(&d[0]).message.client_headers());
        assert_eq!(
            table_lookup(&xd[0], "routing-keys"),
            Some(&FieldValue::Array(vec![FieldValue::longstr("rk")]))
        );
    }

    // After `dead_lettering_SUITE:dead_letter_headers_reason_expired_per_message`: the per-message
    // expiration is recorded and removed.
    #[test]
    fn expired_message_records_original_expiration_and_loses_its_expiration() {
        let mut q = Queue::new(config(&vec![text("x-dead-letter-exchange", "dlx")]));
        q.publish(0, msg_ttl("a", "50"), false, false);
        let deaths = q.expire(50);
        let d = dl(&deaths[0]);
        assert_eq!(d.message.expiration(), None);
        let xd = x_death(&d.message.client_headers());
        assert_eq!(xd[0][0], text("original-expiration", "50"));
        assert_eq!(table_lookup(&xd[0], "reason"), Some(&FieldValue::longstr("expired")));
    }

    #[test]
    fn queue_ttl_expiry_records_no_original_expiration() {
        let mut q = Queue::new(config(&vec![
            long("x-message-ttl", 10),
            text("x-dead-letter-exchange", "dlx"),
        ]));
        q.publish(0, msg("a"), false, false);
        let deaths = q.expire(10);
        let xd = x_death(&dl(&deaths[0]).message.client_headers());
        assert!(table_lookup(&xd[0], "original-expiration").is_none());
    }

    // `mc:record_death/3`: a repeat of (queue, reason) raises count, keeps the first time and moves
    // to the front; first-death stays.
    #[test]
    fn repeated_death_in_the_same_queue_increments_count_and_moves_to_front() {
        let cfg_a = config(&vec![text("x-dead-letter-exchange", "dlx")]);
        let mut cfg_b = cfg_a.clone();
        cfg_b.name = "b".into();
        let d1 = dead_letter(&cfg_a, 1, msg("m"), DeathReason::Rejected, 1000).unwrap();
        let d2 = dead_letter(&cfg_b, 1, d1.message, DeathReason::Expired, 2000).unwrap();
        let d3 = dead_letter(&cfg_a, 1, d2.message, DeathReason::Rejected, 3000).unwrap();
        let m = &d3.message;
        assert_eq!(m.deaths.len(), 2);
        assert_eq!((m.deaths[0].queue.as_str(), m.deaths[0].count), ("q", 2));
        assert_eq!(m.deaths[0].first_time_ms, 1000);
        assert_eq!(m.deaths[1].queue, "b");
        let h = m.client_headers();
        assert_eq!(table_lookup(&x_death(&h)[0], "time"), Some(&FieldValue::Timestamp(1)));
        assert_eq!(table_lookup(&h, "x-first-death-queue"), Some(&FieldValue::longstr("q")));
        assert_eq!(
            table_lookup(&h, "x-first-death-reason"),
            Some(&FieldValue::longstr("rejected"))
        );
        assert_eq!(
            table_lookup(&h, "x-last-death-reason"),
            Some(&FieldValue::longstr("rejected"))
        );
        // The second death recorded the DLX as the exchange.
        assert_eq!(m.deaths[1].exchange, "dlx");
    }

    // Port of `dead_lettering_SUITE:dead_letter_headers_cycle`: DLX "" routes rejects back to the
    // same queue (rejected never cycles); the second reject gives one entry with count 2.
    #[test]
    fn rejecting_twice_into_the_same_queue_gives_count_two() {
        let mut q = Queue::new(config(&vec![text("x-dead-letter-exchange", "")]));
        q.publish(
            0,
            Message::publish("", "q", &vec![], None, b"msg1").unwrap(),
            false,
            false,
        );
        for expected in [1, 2] {
            q.deliver(0, true);
            let id = q.unacked.keys().next().copied().unwrap();
            let deaths = q.reject(0, &[id]);
            let d = dl(&deaths[0]).clone();
            let (kept, _) = drop_cycles(&d, &d.routing_keys);
            assert_eq!(kept, vec!["q"]);
            q.publish(0, d.message, false, false);
            let (got, _) = q.basic_get(0, true);
            let headers = got.unwrap().delivery.headers;
            let xd = x_death(&headers);
            assert_eq!(xd.len(), 1);
            assert_eq!(table_lookup(&xd[0], "count"), Some(&FieldValue::Long(expected)));
            let id = q.unacked.keys().next().copied().unwrap();
            q.requeue(0, &[id]);
        }
    }

    #[test]
    fn a_client_x_death_header_is_replaced_by_the_recorded_history() {
        let cfg = config(&vec![text("x-dead-letter-exchange", "dlx")]);
        let headers = vec![("x-death".into(), FieldValue::Array(vec![])), text("a", "1")];
        let m = Message::publish("ex", "rk", &headers, None, b"").unwrap();
        let d = dead_letter(&cfg, 1, m, DeathReason::Rejected, 0).unwrap();
        let h = d.message.client_headers();
        assert_eq!(x_death(&h).len(), 1);
        assert_eq!(h.iter().filter(|(k, _)| k == "x-death").count(), 1);
    }

    #[test]
    fn without_a_dead_letter_exchange_the_message_is_dropped() {
        assert!(dead_letter(&QueueConfig::classic("q"), 1, msg("m"), DeathReason::Expired, 0).is_none());
    }

    // `dead_lettering_SUITE:dead_letter_routing_key_cycle_max_length` and `..._cycle_ttl`: an
    // automatic cycle back to the source queue is dropped.
    #[test]
    fn an_automatic_cycle_back_to_the_same_queue_is_dropped() {
        let cfg = config(&vec![text("x-dead-letter-exchange", "")]);
        let d = dead_letter(&cfg, 1, msg("m"), DeathReason::Expired, 0).unwrap();
        let targets = vec![String::from("q"), String::from("other")];
        let (kept, cycling) = drop_cycles(&d, &targets);
        assert_eq!(kept, vec!["other"]);
        assert_eq!(cycling, vec!["q"]);
    }

    // `dead_lettering_SUITE:dead_letter_routing_key_cycle_with_reject`: a reject breaks the cycle.
    #[test]
    fn a_rejection_anywhere_in_the_cycle_keeps_the_message() {
        let cfg = config(&vec![text("x-dead-letter-exchange", "")]);
        let mut other = cfg.clone();
        other.name = "b".into();
        let d = dead_letter(&cfg, 1, msg("m"), DeathReason::Expired, 0).unwrap();
        let d = dead_letter(&other, 1, d.message, DeathReason::Rejected, 0).unwrap();
        // The newest death is the rejection: rejected never cycles.
        assert_eq!(drop_cycles(&d, &[String::from("q")]).1, Vec::<String>::new());
        let d = dead_letter(&other, 1, d.message, DeathReason::Rejected, 0);
        let mut d = d.unwrap();
        d.reason = DeathReason::Expired;
        // Deaths newest first: (b, rejected), (q, expired): the path to q passes a rejection.
        assert!(drop_cycles(&d, &[String::from("q")]).1.is_empty());
    }

    // --- quorum ---------------------------------------------------------------------------------

    fn quorum(limit: i64) -> Queue {
        Queue::new(config(&vec![
            text("x-queue-type", "quorum"),
            long("x-delivery-limit", limit),
            text("x-dead-letter-exchange", "dlx"),
        ]))
    }

    // `quorum_queue_SUITE:subscribe_redelivery_limit`: limit 1, the second return dead-letters.
    #[test]
    fn quorum_message_past_the_delivery_limit_is_dead_lettered() {
        let mut q = quorum(1);
        q.publish(0, msg("a"), false, false);
        q.deliver(0, true);
        assert!(q.requeue(0, &[1]).is_empty());
        let (d, _) = q.deliver(0, true);
        let d = d.unwrap();
        assert!(d.redelivered);
        assert_eq!(table_lookup(&d.headers, "x-delivery-count"), Some(&FieldValue::Long(1)));
        let deaths = q.requeue(0, &[1]);
        assert_eq!(deaths[0].reason, DeathReason::DeliveryLimit);
        let xd = x_death(&dl(&deaths[0]).message.client_headers());
        assert_eq!(
            table_lookup(&xd[0], "reason"),
            Some(&FieldValue::longstr("delivery_limit"))
        );
        assert_eq!(q.message_count(), 0);
    }

    #[test]
    fn quorum_first_delivery_has_no_delivery_count_header() {
        let mut q = quorum(5);
        q.publish(0, msg("a"), false, false);
        let (d, _) = q.deliver(0, true);
        assert!(table_lookup(&d.unwrap().headers, "x-delivery-count").is_none());
    }

    #[test]
    fn quorum_returned_messages_are_served_first_in_return_order() {
        let mut q = quorum(-1);
        for b in ["a", "b", "c"] {
            q.publish(0, msg(b), false, false);
        }
        q.deliver(0, true);
        q.deliver(0, true);
        q.requeue(0, &[2, 1]);
        assert_eq!(q.ready_ids(), vec![2, 1, 3]);
    }

    #[test]
    fn quorum_unlimited_delivery_limit_never_dead_letters() {
        let mut q = quorum(-1);
        q.publish(0, msg("a"), false, false);
        for _ in 0..30 {
            q.deliver(0, true);
            assert!(q.requeue(0, &[1]).is_empty());
        }
        assert_eq!(q.message_count(), 1);
    }
}
