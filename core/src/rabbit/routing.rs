//! Which queues a RabbitMQ broker (3.13 to 4.x) hands a message published over AMQP 0-9-1, and why.
//!
//! * The routing keys are the publish's routing key followed by the longstr entries of the `CC` and
//!   then the `BCC` header arrays (`rabbit_basic:header_routes/1`). `BCC` is removed from the
//!   message before it is routed, so queues never see it (`mc_amqpl:init/1`, `strip_header`).
//! * The default exchange `""` routes to the queues named by the routing keys, when they exist
//!   (`rabbit_exchange:route/3`, first clause); nothing can be bound to or from it.
//! * Every other exchange is walked with a work list: the exchange's type picks bindings, queue
//!   destinations are collected once each, exchange destinations are visited once each (so cycles
//!   and diamonds end), and an exchange whose own bindings picked nothing hands the message to its
//!   alternate exchange (`rabbit_exchange:route1/4`, `process_alternate/2`, `process_route/2`).
//! * direct: binding key equal to a routing key; fanout: every binding; topic: `*` is one word, `#`
//!   zero or more, words split on every `.`; headers: `x-match` all / any / all-with-x / any-with-x
//!   over the binding arguments, values compared as Erlang terms with `=:=`.
//!
//! Everything here is a pure function of a [`Topology`]; the channel around it (permissions,
//! exclusive queues, the `""` queue-name shortcut, direct reply-to, policies, decorators such as
//! federation) belongs elsewhere or is not modelled.
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Field values and tables
// ---------------------------------------------------------------------------------------------

/// A field table (message headers, binding arguments): an ordered list of entries, as on the wire.
/// Keys may repeat; [`table_lookup`] takes the first, and headers routing lets the last win (see
/// [`explain_headers_match`]), both as RabbitMQ does. RabbitMQ sorts binding arguments by key when it
/// stores a binding (`rabbit_binding:sort_args/1`, a stable `lists:keysort/2`); [`Topology::bind`]
/// does the same.
pub type Table = Vec<(String, FieldValue)>;

/// One AMQP 0-9-1 field value, with the types RabbitMQ's own parser produces
/// (`rabbit_binary_parser:parse_table/1`). The variant names serialize as RabbitMQ's type atoms
/// (`"long"`, `"signedint"`, `"longstr"`, ...), which is also what its management UI shows.
/// RabbitMQ's table grammar has no shortstr and reads both `l` and `L` as a signed 64-bit `long`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum FieldValue {
    /// `t`
    Bool(bool),
    /// `b`, signed 8-bit
    Byte(i8),
    /// `B`
    UnsignedByte(u8),
    /// `s`, signed 16-bit
    Short(i16),
    /// `u`
    UnsignedShort(u16),
    /// `I`, signed 32-bit
    SignedInt(i32),
    /// `i`
    UnsignedInt(u32),
    /// `l` and `L`, signed 64-bit
    Long(i64),
    /// `f`, 32-bit IEEE 754
    Float(f32),
    /// `d`, 64-bit IEEE 754
    Double(f64),
    /// `D`: `value / 10^scale`, kept as the pair (never normalized, so 1.0 and 1.00 differ).
    Decimal { scale: u8, value: u32 },
    /// `S`. Held as text because scenarios write text; compared by its UTF-8 bytes.
    LongStr(String),
    /// `x`, a byte array.
    Binary(Vec<u8>),
    /// `T`, seconds since the epoch.
    Timestamp(u64),
    /// `F`
    Table(Table),
    /// `A`
    Array(Vec<FieldValue>),
    /// `V`
    Void,
}

impl FieldValue {
    /// RabbitMQ's name for the type (the atom in `rabbit_binary_parser`).
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldValue::Bool(_) => "bool",
            FieldValue::Byte(_) => "byte",
            FieldValue::UnsignedByte(_) => "unsignedbyte",
            FieldValue::Short(_) => "short",
            FieldValue::UnsignedShort(_) => "unsignedshort",
            FieldValue::SignedInt(_) => "signedint",
            FieldValue::UnsignedInt(_) => "unsignedint",
            FieldValue::Long(_) => "long",
            FieldValue::Float(_) => "float",
            FieldValue::Double(_) => "double",
            FieldValue::Decimal { .. } => "decimal",
            FieldValue::LongStr(_) => "longstr",
            FieldValue::Binary(_) => "binary",
            FieldValue::Timestamp(_) => "timestamp",
            FieldValue::Table(_) => "table",
            FieldValue::Array(_) => "array",
            FieldValue::Void => "void",
        }
    }

    pub fn longstr(text: &str) -> Self {
        FieldValue::LongStr(text.into())
    }
}

/// The first entry named `key`, as `rabbit_misc:table_lookup/2` (`lists:keysearch/3`) finds it.
pub fn table_lookup<'a>(table: &'a Table, key: &str) -> Option<&'a FieldValue> {
    table.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------------------------
// Erlang term equality
// ---------------------------------------------------------------------------------------------
//
// The headers exchange compares a header's value with a binding argument's value using Erlang's
// exact equality `=:=` on the bare values, without their AMQP types
// (`rabbit_exchange_type_headers:match/2`: `maps:get(K, M, undefined) =:= V`). So what matters is
// the Erlang term each field becomes: every integer type becomes an integer (long 1 =:= signedint
// 1), both float types become a 64-bit float (but 1 =/= 1.0), longstr and byte arrays both become a
// binary, bool a `true`/`false` atom, void the atom `undefined`, a decimal the pair
// `{Scale, Value}`. Nested tables and arrays keep their entries' types, so inside them the types
// must agree as well.

/// The Erlang term a field value is, for `=:=`.
#[derive(Clone, Copy)]
enum Term<'a> {
    Integer(i128),
    Float(f64),
    Binary(&'a [u8]),
    Atom(&'static str),
    Decimal(u8, u32),
    /// A table is a list of `{Key, Type, Value}` triples.
    Table(&'a Table),
    /// An array is a list of `{Type, Value}` pairs.
    Array(&'a [FieldValue]),
}

/// The term `rabbit_binary_parser` produces for a value: what binding arguments and nested values
/// are compared as.
fn raw_term(value: &FieldValue) -> Term<'_> {
    match value {
        FieldValue::Bool(b) => Term::Atom(if *b { "true" } else { "false" }),
        FieldValue::Byte(n) => Term::Integer(i128::from(*n)),
        FieldValue::UnsignedByte(n) => Term::Integer(i128::from(*n)),
        FieldValue::Short(n) => Term::Integer(i128::from(*n)),
        FieldValue::UnsignedShort(n) => Term::Integer(i128::from(*n)),
        FieldValue::SignedInt(n) => Term::Integer(i128::from(*n)),
        FieldValue::UnsignedInt(n) => Term::Integer(i128::from(*n)),
        FieldValue::Long(n) => Term::Integer(i128::from(*n)),
        // `<<V:32/float>>` decodes to the 64-bit float with the same value.
        FieldValue::Float(x) => Term::Float(f64::from(*x)),
        FieldValue::Double(x) => Term::Float(*x),
        FieldValue::Decimal { scale, value } => Term::Decimal(*scale, *value),
        FieldValue::LongStr(s) => Term::Binary(s.as_bytes()),
        FieldValue::Binary(b) => Term::Binary(b),
        FieldValue::Timestamp(t) => Term::Integer(i128::from(*t)),
        FieldValue::Table(t) => Term::Table(t),
        FieldValue::Array(a) => Term::Array(a),
        FieldValue::Void => Term::Atom("undefined"),
    }
}

/// The term a top-level message header is routed as: `mc_amqpl:routing_headers/2` turns a
/// timestamp header into milliseconds (`routing_value(timestamp, V) -> V * 1000`) and leaves every
/// other value alone. Binding arguments are not converted, so a timestamp header of 5 s equals a
/// binding argument of 5000 (long or timestamp) and not one of 5.
fn routing_term(header: &FieldValue) -> Term<'_> {
    match header {
        FieldValue::Timestamp(t) => Term::Integer(i128::from(*t) * 1000),
        other => raw_term(other),
    }
}

/// Erlang's `=:=`.
fn exactly_equal(a: Term<'_>, b: Term<'_>) -> bool {
    match (a, b) {
        (Term::Integer(x), Term::Integer(y)) => x == y,
        // OTP 27 (required by RabbitMQ 4.2) made `0.0 =:= -0.0` false; comparing the bits does
        // that. Erlang floats are never NaN or infinite: RabbitMQ cannot even decode those.
        (Term::Float(x), Term::Float(y)) => x.to_bits() == y.to_bits(),
        (Term::Binary(x), Term::Binary(y)) => x == y,
        (Term::Atom(x), Term::Atom(y)) => x == y,
        (Term::Decimal(s, v), Term::Decimal(t, w)) => s == t && v == w,
        (Term::Table(x), Term::Table(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && typed_equal(vx, vy))
        }
        (Term::Array(x), Term::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(vx, vy)| typed_equal(vx, vy)),
        // Both are Erlang lists: `[]` is `[]`, but a triple never equals a pair.
        (Term::Table(t), Term::Array(a)) | (Term::Array(a), Term::Table(t)) => t.is_empty() && a.is_empty(),
        _ => false,
    }
}

/// Equality of a nested `{Type, Value}`: the type atoms and the raw values must both agree.
fn typed_equal(a: &FieldValue, b: &FieldValue) -> bool {
    a.type_name() == b.type_name() && exactly_equal(raw_term(a), raw_term(b))
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The AMQP 0-9-1 reply codes routing can produce (`deps/rabbitmq_codegen/amqp-rabbitmq-0.9.1.json`,
/// "constants"). NO_ROUTE comes in `basic.return`; the 4xx codes are soft errors that close the
/// channel (`channel.close`); the others are hard errors that close the connection
/// (`connection.close`, `rabbit_binary_generator:map_exception/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReplyCode {
    NoRoute,
    AccessRefused,
    NotFound,
    ResourceLocked,
    PreconditionFailed,
    ConnectionForced,
    ChannelError,
    NotAllowed,
    NotImplemented,
}

impl ReplyCode {
    pub fn value(self) -> u16 {
        match self {
            ReplyCode::NoRoute => 312,
            ReplyCode::AccessRefused => 403,
            ReplyCode::NotFound => 404,
            ReplyCode::ResourceLocked => 405,
            ReplyCode::PreconditionFailed => 406,
            ReplyCode::ConnectionForced => 320,
            ReplyCode::ChannelError => 504,
            ReplyCode::NotAllowed => 530,
            ReplyCode::NotImplemented => 540,
        }
    }

    /// A hard error closes the whole connection, a soft one only the channel.
    pub fn closes_connection(self) -> bool {
        !matches!(
            self,
            ReplyCode::NoRoute
                | ReplyCode::AccessRefused
                | ReplyCode::NotFound
                | ReplyCode::ResourceLocked
                | ReplyCode::PreconditionFailed
        )
    }

    /// The name RabbitMQ puts at the start of a reply text (the spec's name, `-` turned into `_`).
    pub fn name(self) -> &'static str {
        match self {
            ReplyCode::NoRoute => "NO_ROUTE",
            ReplyCode::AccessRefused => "ACCESS_REFUSED",
            ReplyCode::NotFound => "NOT_FOUND",
            ReplyCode::ResourceLocked => "RESOURCE_LOCKED",
            ReplyCode::PreconditionFailed => "PRECONDITION_FAILED",
            ReplyCode::ConnectionForced => "CONNECTION_FORCED",
            ReplyCode::ChannelError => "CHANNEL_ERROR",
            ReplyCode::NotAllowed => "NOT_ALLOWED",
            ReplyCode::NotImplemented => "NOT_IMPLEMENTED",
        }
    }
}

/// The reply text of `basic.return` for an unroutable mandatory message: the bare name, no
/// explanation (`rabbit_channel:basic_return/5` with reason `no_route`).
pub const NO_ROUTE_REPLY_TEXT: &str = "NO_ROUTE";

/// A channel exception, as `rabbit_misc:protocol_error/3` raises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmqpError {
    pub code: ReplyCode,
    /// RabbitMQ's explanation, e.g. `no exchange 'x' in vhost '/'`.
    pub explanation: String,
}

impl AmqpError {
    pub fn new(code: ReplyCode, explanation: String) -> Self {
        AmqpError { code, explanation }
    }

    /// The `reply-text` of the `channel.close` the client receives: `NAME - explanation`
    /// (`rabbit_binary_generator:amqp_exception_explanation/2`, which also caps it near 255
    /// characters; names and keys here are short enough that the cap is not modelled).
    pub fn reply_text(&self) -> String {
        format!("{} - {}", self.code.name(), self.explanation)
    }
}

/// `rabbit_misc:rs/1`: how RabbitMQ names a resource in messages.
pub(super) fn resource_text(kind: &str, name: &str, vhost: &str) -> String {
    format!("{kind} '{name}' in vhost '{vhost}'")
}

/// `rabbit_channel:check_not_default_exchange/1`.
pub(super) fn default_exchange_refused() -> AmqpError {
    AmqpError::new(
        ReplyCode::AccessRefused,
        "operation not permitted on the default exchange".into(),
    )
}

/// `rabbit_amqqueue:not_found/1`.
pub(super) fn not_found(kind: &str, name: &str, vhost: &str) -> AmqpError {
    AmqpError::new(ReplyCode::NotFound, format!("no {}", resource_text(kind, name, vhost)))
}

pub(super) fn precondition_failed(explanation: String) -> AmqpError {
    AmqpError::new(ReplyCode::PreconditionFailed, explanation)
}

/// `rabbit_channel:strip_cr_lf/1`: declare and bind drop CR and LF from names. Publish does not, so a
/// publish to `"x\n"` is refused even after `"x\n"` was declared (as `x`).
fn strip_cr_lf(name: &str) -> String {
    name.replace(['\r', '\n'], "")
}

// ---------------------------------------------------------------------------------------------
// Exchanges, destinations, bindings
// ---------------------------------------------------------------------------------------------

/// The exchange types this engine routes. RabbitMQ 4.x also ships `x-local-random` and
/// `x-modulus-hash`, and plugins add more; they are not modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeType {
    Direct,
    Fanout,
    Topic,
    Headers,
}

impl ExchangeType {
    /// The name used in `exchange.declare` and in RabbitMQ's messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeType::Direct => "direct",
            ExchangeType::Fanout => "fanout",
            ExchangeType::Topic => "topic",
            ExchangeType::Headers => "headers",
        }
    }
}

/// An exchange as declared. Durability and auto-delete do not change routing, but a redeclare must
/// repeat them (`rabbit_exchange:assert_equivalence/6`); `exchange.declare` defaults both to false,
/// as the AMQP 0-9-1 method does. The alternate exchange comes from the `alternate-exchange`
/// declare argument (an `alternate-exchange` policy, which the argument overrides, is not modelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ExchangeType,
    /// An internal exchange cannot be published to, only reached through bindings or as an
    /// alternate exchange (`rabbit_channel:check_internal_exchange/1`).
    #[serde(default)]
    pub durable: bool,
    #[serde(default)]
    pub auto_delete: bool,
    #[serde(default)]
    pub internal: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_exchange: Option<String>,
}

impl Exchange {
    pub fn new(name: &str, kind: ExchangeType) -> Self {
        Exchange {
            name: name.into(),
            kind,
            durable: false,
            auto_delete: false,
            internal: false,
            alternate_exchange: None,
        }
    }

    pub fn durable(mut self) -> Self {
        self.durable = true;
        self
    }

    pub fn auto_delete(mut self) -> Self {
        self.auto_delete = true;
        self
    }

    pub fn internal(mut self) -> Self {
        self.internal = true;
        self
    }

    pub fn with_alternate(mut self, alternate_exchange: &str) -> Self {
        self.alternate_exchange = Some(alternate_exchange.into());
        self
    }
}

/// Where a binding leads: `queue.bind` makes queue destinations, `exchange.bind` exchange ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Destination {
    Queue(String),
    Exchange(String),
}

impl Destination {
    pub fn name(&self) -> &str {
        match self {
            Destination::Queue(n) | Destination::Exchange(n) => n,
        }
    }

    fn kind_text(&self) -> &'static str {
        match self {
            Destination::Queue(_) => "queue",
            Destination::Exchange(_) => "exchange",
        }
    }

    fn stripped(&self) -> Destination {
        match self {
            Destination::Queue(n) => Destination::Queue(strip_cr_lf(n)),
            Destination::Exchange(n) => Destination::Exchange(strip_cr_lf(n)),
        }
    }
}

/// A binding. Two bindings are the same when source, destination, key and (sorted) arguments all
/// are: binding twice is a no-op, and bindings that differ only in arguments coexist even where the
/// exchange type ignores arguments (`bindings_SUITE:binding_args/2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    pub source: String,
    pub destination: Destination,
    pub routing_key: String,
    #[serde(default)]
    pub arguments: Table,
}

/// Whether a declare or bind made something new; declaring what exists (equivalently) is fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    Created,
    AlreadyExisted,
    /// `queue.declare` with an empty name: the broker must name the queue.
    NeedsServerName,
}

/// The `#` count RabbitMQ 4.3.5 and later allow in a topic binding key
/// (`rabbit_exchange_type_topic`, `MAX_HASH_WILDCARDS`). Earlier versions have no limit; see
/// [`Topology::set_topic_hash_wildcard_limit`].
pub const TOPIC_HASH_WILDCARD_LIMIT_SINCE_4_3_5: u32 = 2;

/// The exchanges, queues and bindings of one virtual host. Ordered maps only, so every walk over it
/// is deterministic.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    vhost: String,
    exchanges: BTreeMap<String, Exchange>,
    queues: BTreeSet<String>,
    /// Bindings by source exchange, each list in the order the bindings were made.
    bindings: BTreeMap<String, Vec<Binding>>,
    topic_hash_wildcard_limit: Option<u32>,
}

impl Topology {
    /// A fresh virtual host with the exchanges RabbitMQ declares in every vhost
    /// (`rabbit_vhost:declare_default_exchanges/2`), all durable: `""`, `amq.direct`, `amq.topic`,
    /// `amq.match`, `amq.headers`, `amq.fanout` and the internal topic `amq.rabbitmq.trace`.
    /// (`amq.rabbitmq.log` exists only when the exchange log output is enabled in the broker's
    /// configuration, `rabbit_logger_exchange_h`; off by default, so not here.)
    pub fn new(vhost: &str) -> Self {
        let mut topology = Topology {
            vhost: vhost.into(),
            exchanges: BTreeMap::new(),
            queues: BTreeSet::new(),
            bindings: BTreeMap::new(),
            topic_hash_wildcard_limit: None,
        };
        let standard = [
            Exchange::new("", ExchangeType::Direct),
            Exchange::new("amq.direct", ExchangeType::Direct),
            Exchange::new("amq.topic", ExchangeType::Topic),
            Exchange::new("amq.match", ExchangeType::Headers),
            Exchange::new("amq.headers", ExchangeType::Headers),
            Exchange::new("amq.fanout", ExchangeType::Fanout),
            Exchange::new("amq.rabbitmq.trace", ExchangeType::Topic).internal(),
        ];
        for exchange in standard.map(Exchange::durable) {
            topology.exchanges.insert(exchange.name.clone(), exchange);
        }
        topology
    }

    pub fn vhost(&self) -> &str {
        &self.vhost
    }

    pub fn exchange(&self, name: &str) -> Option<&Exchange> {
        self.exchanges.get(name)
    }

    /// By name.
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        self.exchanges.values()
    }

    pub fn has_queue(&self, name: &str) -> bool {
        self.queues.contains(name)
    }

    /// By name.
    pub fn queues(&self) -> impl Iterator<Item = &str> {
        self.queues.iter().map(String::as_str)
    }

    /// The bindings whose source is `exchange`, in the order they were made. Empty for `""`: its
    /// bindings (one per queue, key = queue name) are implicit and never stored.
    pub fn bindings_from(&self, exchange: &str) -> &[Binding] {
        self.bindings.get(exchange).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every explicit binding, by source name, then in the order they were made.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.values().flatten()
    }

    /// `None` (the default) is RabbitMQ 3.13.0 to 4.3.4: any number of `#` in a topic binding key.
    /// RabbitMQ 4.3.5 refuses more than [`TOPIC_HASH_WILDCARD_LIMIT_SINCE_4_3_5`].
    pub fn set_topic_hash_wildcard_limit(&mut self, limit: Option<u32>) {
        self.topic_hash_wildcard_limit = limit;
    }

    /// `exchange.declare` (not passive), in `rabbit_channel`'s order of checks: CR/LF are stripped
    /// from the name; `""` is refused (403); an existing exchange must be equivalent
    /// (`rabbit_exchange:assert_equivalence/6`: type, durable, auto_delete, internal, then the
    /// `alternate-exchange` argument; 406); a new name must not start with `amq.`
    /// (`check_name/2`, 403).
    pub fn declare_exchange(&mut self, exchange: &Exchange) -> Result<Declared, AmqpError> {
        let name = strip_cr_lf(&exchange.name);
        if name.is_empty() {
            return Err(default_exchange_refused());
        }
        if let Some(current) = self.exchanges.get(&name) {
            self.assert_equivalent(current, exchange)?;
            return Ok(Declared::AlreadyExisted);
        }
        if name.starts_with("amq.") {
            return Err(reserved_prefix("exchange", &name));
        }
        let mut stored = exchange.clone();
        stored.name = name.clone();
        self.exchanges.insert(name, stored);
        Ok(Declared::Created)
    }

    fn assert_equivalent(&self, current: &Exchange, requested: &Exchange) -> Result<(), AmqpError> {
        // rabbit_misc:equivalence_fail/4 and val/1: bare atoms are quoted, typed arguments are
        // "the value 'V' of type 'T'", a missing argument is "none".
        let fail = |key: &str, received: String, now: String| {
            precondition_failed(format!(
                "inequivalent arg '{key}' for {}: received {received} but current is {now}",
                resource_text("exchange", &current.name, &self.vhost)
            ))
        };
        if current.kind != requested.kind {
            let (received, now) = (requested.kind.as_str(), current.kind.as_str());
            return Err(fail("type", format!("'{received}'"), format!("'{now}'")));
        }
        let flags = [
            ("durable", current.durable, requested.durable),
            ("auto_delete", current.auto_delete, requested.auto_delete),
            ("internal", current.internal, requested.internal),
        ];
        for (key, now, received) in flags {
            if now != received {
                return Err(fail(key, format!("'{received}'"), format!("'{now}'")));
            }
        }
        match (&requested.alternate_exchange, &current.alternate_exchange) {
            (received, now) if received == now => {}
            // rabbit_misc:assert_args_equivalence1/4: with both present, the bare values are
            // compared and printed; with one missing, the other is "the value ... of type ...".
            (Some(received), Some(now)) => {
                return Err(fail("alternate-exchange", format!("'{received}'"), format!("'{now}'")));
            }
            (received, now) => {
                let val = |ae: &Option<String>| match ae {
                    Some(name) => format!("the value '{name}' of type 'longstr'"),
                    None => "none".to_string(),
                };
                return Err(fail("alternate-exchange", val(received), val(now)));
            }
        }
        Ok(())
    }

    /// `queue.declare` of a named queue: CR/LF stripped, `amq.` refused (403, checked even before
    /// looking the queue up). A name that is `""` once stripped asks the broker to generate one
    /// (`rabbit_channel`'s queue.declare clause for `<<>>`): nothing is created and the answer is
    /// [`Declared::NeedsServerName`]; the channel then calls [`Topology::declare_server_named_queue`].
    pub fn declare_queue(&mut self, name: &str) -> Result<Declared, AmqpError> {
        let name = strip_cr_lf(name);
        if name.is_empty() {
            return Ok(Declared::NeedsServerName);
        }
        if name.starts_with("amq.") {
            return Err(reserved_prefix("queue", &name));
        }
        Ok(self.insert_queue(name))
    }

    /// The name `queue.declare` will use: CR/LF stripped, `amq.` refused (403); `None` when the
    /// broker must generate one. Nothing is created (the arguments are validated after this).
    pub fn queue_name_check(&self, name: &str) -> Result<Option<String>, AmqpError> {
        let name = strip_cr_lf(name);
        if name.is_empty() {
            return Ok(None);
        }
        if name.starts_with("amq.") {
            return Err(reserved_prefix("queue", &name));
        }
        Ok(Some(name))
    }

    /// A queue whose name the broker generated (`amq.gen-...`), which skips the prefix check.
    pub fn declare_server_named_queue(&mut self, generated_name: &str) -> Declared {
        self.insert_queue(generated_name.into())
    }

    fn insert_queue(&mut self, name: String) -> Declared {
        if self.queues.insert(name) {
            Declared::Created
        } else {
            Declared::AlreadyExisted
        }
    }

    /// `queue.bind` / `exchange.bind`, in RabbitMQ's order of checks
    /// (`rabbit_channel:binding_action_with_checks/10`, then `rabbit_binding:add/3`):
    /// 1. CR/LF are stripped from both names (not from the routing key);
    /// 2. the default exchange as destination, then as source: 403;
    /// 3. a missing source, else a missing destination: 404 (`rabbit_db_binding:create/2` reports the
    ///    source first when both are missing);
    /// 4. the source type's `validate_binding`: a headers exchange's `x-match` must be a longstr among
    ///    all / any / all-with-x / any-with-x; a topic key's `#` count, when limited: 406;
    /// 5. arguments are sorted by key and the binding stored unless the same one exists.
    pub fn bind(
        &mut self,
        source: &str,
        destination: &Destination,
        routing_key: &str,
        arguments: &Table,
    ) -> Result<Declared, AmqpError> {
        let (source, destination) = self.check_binding_ends(source, destination)?;
        let Some(source_exchange) = self.exchanges.get(&source) else {
            return Err(not_found("exchange", &source, &self.vhost));
        };
        let destination_exists = match &destination {
            Destination::Queue(q) => self.queues.contains(q),
            Destination::Exchange(x) => self.exchanges.contains_key(x),
        };
        if !destination_exists {
            return Err(not_found(destination.kind_text(), destination.name(), &self.vhost));
        }
        validate_binding(
            source_exchange.kind,
            routing_key,
            arguments,
            self.topic_hash_wildcard_limit,
        )?;
        let binding = Binding {
            source: source.clone(),
            destination,
            routing_key: routing_key.into(),
            arguments: sorted_arguments(arguments),
        };
        let list = self.bindings.entry(source).or_default();
        if list.contains(&binding) {
            return Ok(Declared::AlreadyExisted);
        }
        list.push(binding);
        Ok(Declared::Created)
    }

    /// `queue.unbind` / `exchange.unbind`: the same name and default-exchange checks as
    /// [`Topology::bind`], then the binding is removed if it exists. Unbinding what is not there,
    /// even from a missing exchange, succeeds (`rabbit_db_binding:delete/2` returns `ok`).
    /// Returns whether a binding was removed.
    pub fn unbind(
        &mut self,
        source: &str,
        destination: &Destination,
        routing_key: &str,
        arguments: &Table,
    ) -> Result<bool, AmqpError> {
        let (source, destination) = self.check_binding_ends(source, destination)?;
        let arguments = sorted_arguments(arguments);
        let Some(list) = self.bindings.get_mut(&source) else {
            return Ok(false);
        };
        let before = list.len();
        list.retain(|b| !(b.destination == destination && b.routing_key == routing_key && b.arguments == arguments));
        let removed = list.len() != before;
        if list.is_empty() {
            self.bindings.remove(&source);
        }
        Ok(removed)
    }

    /// Forgets a deleted queue and every binding to it (`rabbit_binding:remove_for_destination`);
    /// returns the auto-delete exchanges that lost their last binding and went with it.
    pub fn remove_queue(&mut self, name: &str) -> Vec<String> {
        self.queues.remove(name);
        self.remove_bindings_to(&Destination::Queue(name.into()))
    }

    /// `exchange.delete` after its checks: the exchange, its bindings, and bindings to it, go;
    /// then auto-delete sources left without bindings (`rabbit_exchange:delete/3`). Returns every
    /// exchange removed, this one first.
    pub fn remove_exchange(&mut self, name: &str) -> Vec<String> {
        if self.exchanges.remove(name).is_none() {
            return Vec::new();
        }
        self.bindings.remove(name);
        let mut removed = vec![String::from(name)];
        removed.extend(self.remove_bindings_to(&Destination::Exchange(name.into())));
        removed
    }

    /// Whether the exchange is the source of a binding (`exchange.delete` with `if-unused`).
    pub fn has_bindings_from(&self, exchange: &str) -> bool {
        !self.bindings_from(exchange).is_empty()
    }

    /// After an unbind: deletes `source` if it is auto-delete and has no bindings left
    /// (`rabbit_exchange:maybe_auto_delete/2`); returns what went.
    pub fn auto_delete_if_unused(&mut self, source: &str) -> Vec<String> {
        let unused = !self.has_bindings_from(source);
        match self.exchanges.get(source) {
            Some(x) if x.auto_delete && unused => self.remove_exchange(source),
            _ => Vec::new(),
        }
    }

    /// Removes every binding leading to `destination`, then auto-deletes the sources it emptied.
    fn remove_bindings_to(&mut self, destination: &Destination) -> Vec<String> {
        let mut emptied = Vec::new();
        for (source, list) in self.bindings.iter_mut() {
            let before = list.len();
            list.retain(|b| &b.destination != destination);
            if before != list.len() && list.is_empty() {
                emptied.push(source.clone());
            }
        }
        self.bindings.retain(|_, list| !list.is_empty());
        let mut removed = Vec::new();
        for source in emptied {
            removed.extend(self.auto_delete_if_unused(&source));
        }
        removed
    }

    fn check_binding_ends(&self, source: &str, destination: &Destination) -> Result<(String, Destination), AmqpError> {
        let source = strip_cr_lf(source);
        let destination = destination.stripped();
        if matches!(&destination, Destination::Exchange(d) if d.is_empty()) || source.is_empty() {
            return Err(default_exchange_refused());
        }
        Ok((source, destination))
    }
}

/// `rabbit_channel:check_name/2`.
fn reserved_prefix(kind: &str, name: &str) -> AmqpError {
    AmqpError::new(
        ReplyCode::AccessRefused,
        format!("{kind} name '{name}' contains reserved prefix 'amq.*'"),
    )
}

/// `rabbit_misc:sort_field_table/1`: a stable sort on the key bytes.
fn sorted_arguments(arguments: &Table) -> Table {
    let mut sorted = arguments.clone();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
}

/// The source type's `validate_binding/2` (direct and fanout accept everything).
fn validate_binding(
    kind: ExchangeType,
    routing_key: &str,
    arguments: &Table,
    hash_limit: Option<u32>,
) -> Result<(), AmqpError> {
    match kind {
        // rabbit_exchange_type_headers:validate_binding/2; a missing x-match means all.
        ExchangeType::Headers => match table_lookup(arguments, "x-match") {
            None => Ok(()),
            Some(FieldValue::LongStr(mode)) if XMatch::parse(mode).is_some() => Ok(()),
            Some(FieldValue::LongStr(other)) => Err(precondition_failed(format!(
                "Invalid x-match field value {}; expected all, any, all-with-x, or any-with-x",
                erlang_binary_text(other.as_bytes())
            ))),
            Some(other) => Err(precondition_failed(format!(
                "Invalid x-match field type {} (value {}); expected longstr",
                other.type_name(),
                erlang_term_text(other)
            ))),
        },
        // rabbit_exchange_type_topic:validate_binding/2 (4.3.5+): counts words that are exactly "#".
        ExchangeType::Topic => match hash_limit {
            Some(limit) => {
                let hashes = topic_words(routing_key).into_iter().filter(|w| *w == "#").count() as u32;
                if hashes > limit {
                    Err(precondition_failed(format!(
                        "Topic binding key '{routing_key}' uses {hashes} '#' wildcards, at most {limit} are allowed"
                    )))
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        },
        ExchangeType::Direct | ExchangeType::Fanout => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Topic matching
// ---------------------------------------------------------------------------------------------

/// How RabbitMQ splits a topic key into words (`rabbit_db_topic_exchange:split_topic_key/1` and
/// `split_topic_key_binary/1`): `""` has no words; otherwise every `.` separates two words, so
/// `"a..b"`, `".a"`, `"a."` and `"."` contain empty words (`["a", "", "b"]`, `["", "a"]`,
/// `["a", ""]`, `["", ""]`).
pub fn topic_words(key: &str) -> Vec<&str> {
    if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    }
}

/// Which routing-key words one binding-key word took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpan {
    /// A literal word, `*` (exactly one word, possibly empty) or `#` (zero or more words).
    pub pattern_word: String,
    pub words: Vec<String>,
}

/// A topic match, word by word: one span per binding-key word, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMatch {
    pub routing_key: String,
    pub spans: Vec<TopicSpan>,
}

/// Whether a topic binding key matches a routing key, as the topic trie does
/// (`rabbit_db_topic_exchange:trie_match`): at each word the trie follows the literal word, `*`
/// (one word) and `#` (which may swallow any number of words, including none). `*` and `#` are
/// wildcards only as whole words: `simply#carrots` is a literal. A routing key word `*` or `#` is
/// just a word.
pub fn topic_matches(binding_key: &str, routing_key: &str) -> bool {
    topic_match(binding_key, routing_key).is_some()
}

/// [`topic_matches`], with which words each binding word took. When several `#` could share words
/// (`#.#`), each `#` takes as few as it can, leftmost first; RabbitMQ does not say which, and the
/// match is the same.
///
/// The word-by-word table costs `(binding words + 1) × (routing words + 1)` cells. Keys that are
/// AMQP shortstrs (a binding key, the publish's routing key: at most 255 bytes, so 128 words) always
/// fit in [`MAX_TOPIC_TABLE_CELLS`]; a `CC` / `BCC` key is a longstr and can be far longer, so past
/// that size the match is decided in `O(binding words)` memory and the spans are left empty. Binding
/// keys are shortstrs (callers refuse longer ones), so either way the time is at most 129 steps per
/// routing word.
pub fn topic_match(binding_key: &str, routing_key: &str) -> Option<TopicMatch> {
    let pattern = topic_words(binding_key);
    let words = topic_words(routing_key);
    let (pattern_len, word_count) = (pattern.len(), words.len());
    if (pattern_len + 1).saturating_mul(word_count + 1) > MAX_TOPIC_TABLE_CELLS {
        return topic_match_lean(&pattern, &words).then(|| TopicMatch {
            routing_key: routing_key.into(),
            spans: Vec::new(),
        });
    }
    let width = word_count + 1;
    // suffix_matches[i * width + j]: pattern[i..] matches words[j..].
    let mut suffix_matches = vec![false; (pattern_len + 1) * width];
    suffix_matches[pattern_len * width + word_count] = true;
    for i in (0..pattern_len).rev() {
        for j in (0..=word_count).rev() {
            let next = (i + 1) * width;
            suffix_matches[i * width + j] = match pattern[i] {
                // Either `#` ends here, or it takes word j and stays.
                "#" => suffix_matches[next + j] || (j < word_count && suffix_matches[i * width + j + 1]),
                "*" => j < word_count && suffix_matches[next + j + 1],
                literal => j < word_count && words[j] == literal && suffix_matches[next + j + 1],
            };
        }
    }
    if !suffix_matches[0] {
        return None;
    }
    let mut spans = Vec::with_capacity(pattern_len);
    let mut j = 0;
    for (i, pattern_word) in pattern.iter().enumerate() {
        let taken = if *pattern_word == "#" {
            // Some k works, since pattern[i..] matches words[j..].
            (0..=word_count - j)
                .find(|k| suffix_matches[(i + 1) * width + j + k])
                .unwrap_or(0)
        } else {
            1
        };
        spans.push(TopicSpan {
            pattern_word: (*pattern_word).into(),
            words: words[j..j + taken].iter().map(|w| (*w).into()).collect(),
        });
        j += taken;
    }
    Some(TopicMatch {
        routing_key: routing_key.into(),
        spans,
    })
}

/// The largest word-by-word table [`topic_match`] builds: two 255-byte keys need 129 × 129.
pub const MAX_TOPIC_TABLE_CELLS: usize = 1 << 16;

/// The same answer as the table, walking the routing words once with the set of binding positions
/// reached so far (the trie walk's frontier): `O(binding words)` memory.
fn topic_match_lean(pattern: &[&str], words: &[&str]) -> bool {
    let n = pattern.len();
    // A `#` may take no word, so reaching it also reaches what follows it.
    let close = |reached: &mut Vec<bool>| {
        for i in 0..n {
            if reached[i] && pattern[i] == "#" {
                reached[i + 1] = true;
            }
        }
    };
    let mut reached = vec![false; n + 1];
    reached[0] = true;
    close(&mut reached);
    for word in words {
        let mut next = vec![false; n + 1];
        for i in (0..n).filter(|&i| reached[i]) {
            match pattern[i] {
                "#" => next[i] = true,
                "*" => next[i + 1] = true,
                literal if literal == *word => next[i + 1] = true,
                _ => {}
            }
        }
        close(&mut next);
        if !next.iter().any(|&r| r) {
            return false;
        }
        reached = next;
    }
    reached[n]
}

// ---------------------------------------------------------------------------------------------
// Headers matching
// ---------------------------------------------------------------------------------------------

/// The `x-match` binding argument of a headers binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum XMatch {
    /// Every argument not starting with `x-` must match (the default).
    All,
    /// At least one argument not starting with `x-` must match.
    Any,
    /// Every argument but `x-match` itself must match, `x-` ones included.
    AllWithX,
    /// At least one argument but `x-match` itself must match, `x-` ones included.
    AnyWithX,
}

impl XMatch {
    pub fn parse(text: &str) -> Option<XMatch> {
        match text {
            "all" => Some(XMatch::All),
            "any" => Some(XMatch::Any),
            "all-with-x" => Some(XMatch::AllWithX),
            "any-with-x" => Some(XMatch::AnyWithX),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            XMatch::All => "all",
            XMatch::Any => "any",
            XMatch::AllWithX => "all-with-x",
            XMatch::AnyWithX => "any-with-x",
        }
    }

    /// The mode a binding routes with (`rabbit_exchange_type_headers:route/3`): the first
    /// `x-match` argument if it is a longstr any / any-with-x / all-with-x, else all (a missing or
    /// otherwise odd `x-match` cannot be bound to a headers exchange, but can sit on an
    /// exchange-to-exchange binding of another type).
    pub fn of_binding(arguments: &Table) -> XMatch {
        match table_lookup(arguments, "x-match") {
            Some(FieldValue::LongStr(mode)) => match mode.as_str() {
                "any" => XMatch::Any,
                "any-with-x" => XMatch::AnyWithX,
                "all-with-x" => XMatch::AllWithX,
                _ => XMatch::All,
            },
            _ => XMatch::All,
        }
    }

    /// `match/2` skips every `x-` argument (x-match included); `match_x/2` only `x-match`. The test
    /// is case-sensitive: `X-Foo` is an ordinary argument.
    fn skips(self, key: &str) -> bool {
        match self {
            XMatch::All | XMatch::Any => key.starts_with("x-"),
            XMatch::AllWithX | XMatch::AnyWithX => key == "x-match",
        }
    }

    fn requires_all(self) -> bool {
        matches!(self, XMatch::All | XMatch::AllWithX)
    }
}

/// How one binding argument fared against the message headers.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderArgOutcome {
    /// Not considered in this mode (an `x-` key, or `x-match`).
    Skipped,
    /// A void argument: the header is present, whatever its value.
    Present,
    /// The header's value `=:=` the argument's.
    Equal,
    /// No such header.
    Missing,
    /// The header's value differs (as an Erlang term; see [`FieldValue`]).
    Differs { found: FieldValue },
}

impl HeaderArgOutcome {
    /// `None` for skipped, else whether it matched.
    pub fn counts(&self) -> Option<bool> {
        match self {
            HeaderArgOutcome::Skipped => None,
            HeaderArgOutcome::Present | HeaderArgOutcome::Equal => Some(true),
            HeaderArgOutcome::Missing | HeaderArgOutcome::Differs { .. } => Some(false),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderArgCheck {
    pub key: String,
    pub expected: FieldValue,
    pub outcome: HeaderArgOutcome,
}

/// A headers binding checked against a message: the mode, every argument's outcome in argument
/// order, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadersExplain {
    pub mode: XMatch,
    pub checks: Vec<HeaderArgCheck>,
    pub matched: bool,
}

/// Whether a headers binding matches a message's headers (the headers as routed, i.e. without
/// `BCC`, which [`route`] removes first).
pub fn headers_match(binding_arguments: &Table, headers: &Table) -> bool {
    explain_headers_match(binding_arguments, headers).matched
}

/// [`headers_match`], argument by argument (`rabbit_exchange_type_headers:route/3`):
/// * the message headers become a map, a repeated key keeping its last value, `x-` headers
///   included, top-level timestamps in milliseconds (`mc_amqpl:routing_headers/2`);
/// * a void argument asks only that the header be present; any other argument that the header
///   exists and its value `=:=` the argument's value, types aside (see [`FieldValue`]);
/// * all / all-with-x: every counted argument matches (so none at all is a match: an empty binding
///   matches every message); any / any-with-x: at least one does (none is no match).
pub fn explain_headers_match(binding_arguments: &Table, headers: &Table) -> HeadersExplain {
    explain_against(binding_arguments, &routing_headers(headers))
}

fn routing_headers(headers: &Table) -> BTreeMap<&str, &FieldValue> {
    let mut map = BTreeMap::new();
    for (key, value) in headers {
        map.insert(key.as_str(), value);
    }
    map
}

fn explain_against(binding_arguments: &Table, headers: &BTreeMap<&str, &FieldValue>) -> HeadersExplain {
    let mode = XMatch::of_binding(binding_arguments);
    let checks: Vec<HeaderArgCheck> = binding_arguments
        .iter()
        .map(|(key, expected)| {
            let found = headers.get(key.as_str()).copied();
            let outcome = if mode.skips(key) {
                HeaderArgOutcome::Skipped
            } else {
                match (expected, found) {
                    (_, None) => HeaderArgOutcome::Missing,
                    (FieldValue::Void, Some(_)) => HeaderArgOutcome::Present,
                    (_, Some(value)) if exactly_equal(routing_term(value), raw_term(expected)) => {
                        HeaderArgOutcome::Equal
                    }
                    (_, Some(value)) => HeaderArgOutcome::Differs { found: value.clone() },
                }
            };
            HeaderArgCheck {
                key: key.clone(),
                expected: expected.clone(),
                outcome,
            }
        })
        .collect();
    let mut counted = checks.iter().filter_map(|c| c.outcome.counts());
    let matched = if mode.requires_all() {
        counted.all(|m| m)
    } else {
        counted.any(|m| m)
    };
    HeadersExplain { mode, checks, matched }
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

/// How an exchange came to be visited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The exchange named in `basic.publish`.
    Publish,
    /// A matching exchange-to-exchange binding of `source`.
    Binding { source: String },
    /// It is the alternate exchange of `of`, whose bindings picked nothing.
    Alternate { of: String },
}

/// What happened to an exchange a visit led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopFate {
    /// It will be visited (later in [`Routed::visits`]).
    Queued,
    /// It was visited or queued earlier in this publish: a cycle, a diamond, or the publish target.
    AlreadySeen,
    /// No exchange has that name (possible for an alternate exchange); ignored, as
    /// `rabbit_exchange:cons_if_present/2` does.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeHop {
    pub exchange: String,
    pub fate: HopFate,
}

/// Whether a visited exchange handed the message to its alternate exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlternateUse {
    /// Its bindings picked a destination (even one that came to nothing), so it was not asked.
    NotNeeded,
    /// Nothing picked, and it has no alternate exchange.
    NoneSet,
    /// Nothing picked: the alternate exchange was consulted.
    Consulted(ExchangeHop),
}

/// Why a binding did or did not pick its destination.
#[derive(Debug, Clone, PartialEq)]
pub enum BindingReason {
    /// The routing key equal to the binding key, if any.
    Direct {
        matched_key: Option<String>,
    },
    /// Fanout picks every binding.
    Fanout,
    /// The first routing key the binding key matched, word by word.
    Topic {
        matched: Option<TopicMatch>,
    },
    Headers(HeadersExplain),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindingCheck {
    pub binding: Binding,
    pub matched: bool,
    pub reason: BindingReason,
}

/// The default exchange looking for the queue a routing key names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultLookup {
    pub queue: String,
    pub exists: bool,
}

/// One exchange visited while routing a publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub exchange: String,
    pub kind: ExchangeType,
    pub via: Via,
    /// Every binding of the exchange, in binding order, matched or not.
    pub bindings: Vec<BindingCheck>,
    /// For a publish to the default exchange: each distinct routing key, sorted, and whether that
    /// queue exists. (Reached any other way, as an alternate exchange, the default exchange has no
    /// stored bindings and routes nothing.)
    pub default_lookups: Vec<DefaultLookup>,
    /// Exchanges the matching bindings lead to, each once, in binding order.
    pub hops: Vec<ExchangeHop>,
    pub alternate: AlternateUse,
}

/// The outcome of routing one publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    /// What was routed on: the routing key, then the `CC` and then the `BCC` entries.
    pub routing_keys: Vec<String>,
    /// The headers the queues store: the published ones without the first `BCC` entry.
    pub delivered_headers: Table,
    /// Every existing queue that gets the message, each once, sorted by name. RabbitMQ collects them
    /// in a map, so a queue gets one copy however many bindings or keys lead to it; the order does
    /// not change delivery (for up to 32 queues it is also the order of RabbitMQ's `maps:keys/1`).
    pub queues: Vec<String>,
    /// The exchanges visited, breadth-first from the publish target. RabbitMQ's work list is a
    /// stack, so its visiting order differs; the set of visits, and therefore the queues, is the
    /// same, because each exchange's result depends only on the message.
    pub visits: Vec<Visit>,
}

impl Routed {
    /// No queue gets the message. A mandatory publish then comes back in `basic.return` with 312
    /// ([`NO_ROUTE_REPLY_TEXT`]), any other is dropped; under publisher confirms it is acked at once
    /// either way, after the return (`rabbit_channel:process_routing_mandatory/5`,
    /// `process_routing_confirm/4`).
    pub fn is_unroutable(&self) -> bool {
        self.queues.is_empty()
    }
}

/// Routes a `basic.publish` of `routing_key` with `headers` to `exchange`, the way
/// `rabbit_channel:handle_method/3` (basic.publish) and `rabbit_exchange:route/3` do:
/// 1. a missing exchange: 404; an internal one: 403 (the name is taken as given, CR/LF included);
/// 2. `CC` / `BCC` headers that are not arrays: 406 (`mc_amqpl:message/3` fails; non-longstr array
///    entries are skipped silently);
/// 3. routing, as the module documentation says.
///
/// Bounded: every exchange is visited at most once (so at most as many visits as the topology has
/// exchanges) and each visit checks each of its bindings once per routing key; a topic check is at
/// most 256 × 256 steps for keys of AMQP's 255-byte limit, a headers check one pass over the
/// binding's arguments.
pub fn route(topology: &Topology, exchange: &str, routing_key: &str, headers: &Table) -> Result<Routed, AmqpError> {
    let vhost = topology.vhost.as_str();
    let Some((target_name, target)) = topology.exchanges.get_key_value(exchange) else {
        return Err(not_found("exchange", exchange, vhost));
    };
    if target.internal {
        return Err(AmqpError::new(
            ReplyCode::AccessRefused,
            format!(
                "cannot publish to internal {}",
                resource_text("exchange", exchange, vhost)
            ),
        ));
    }
    let mut routing_keys = vec![String::from(routing_key)];
    routing_keys.extend(header_routes(headers)?);
    let delivered_headers = without_bcc(headers);
    Ok(walk(topology, target_name, target, routing_keys, delivered_headers))
}

/// Routes a dead-lettered message (`rabbit_dead_letter:publish/5`): its routing keys are given
/// (the dead-letter routing key, or the message's own keys with CC and BCC), its headers are the
/// queue's copy, and neither the internal flag nor CC/BCC headers are looked at again. A missing
/// dead-letter exchange routes nothing (`None`); RabbitMQ only logs it.
pub fn route_dead_letter(
    topology: &Topology,
    exchange: &str,
    routing_keys: &[String],
    headers: &Table,
) -> Option<Routed> {
    let (target_name, target) = topology.exchanges.get_key_value(exchange)?;
    Some(walk(
        topology,
        target_name,
        target,
        routing_keys.to_vec(),
        headers.clone(),
    ))
}

/// The exchange walk shared by a publish and a dead letter.
fn walk<'t>(
    topology: &'t Topology,
    target_name: &'t str,
    target: &Exchange,
    routing_keys: Vec<String>,
    delivered_headers: Table,
) -> Routed {
    let header_map = routing_headers(&delivered_headers);

    let mut queues: BTreeSet<String> = BTreeSet::new();
    let mut visits = Vec::new();
    // rabbit_exchange:route1/4 marks an exchange seen when it is queued, the target first.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    seen.insert(target_name);
    let mut work: VecDeque<(&Exchange, Via)> = VecDeque::new();
    work.push_back((target, Via::Publish));
    while let Some((current, via)) = work.pop_front() {
        let mut visit = Visit {
            exchange: current.name.clone(),
            kind: current.kind,
            via: via.clone(),
            bindings: Vec::new(),
            default_lookups: Vec::new(),
            hops: Vec::new(),
            alternate: AlternateUse::NoneSet,
        };
        if current.name.is_empty() {
            if via == Via::Publish {
                // The default exchange: the queues named by the distinct routing keys; those that
                // do not exist are dropped later (`rabbit_db_queue:get_targets/1`). No alternate.
                let names: BTreeSet<&str> = routing_keys.iter().map(String::as_str).collect();
                for name in names {
                    let exists = topology.queues.contains(name);
                    if exists {
                        queues.insert(name.into());
                    }
                    visit.default_lookups.push(DefaultLookup {
                        queue: name.into(),
                        exists,
                    });
                }
                if visit.default_lookups.iter().any(|l| l.exists) {
                    visit.alternate = AlternateUse::NotNeeded;
                }
            }
            visits.push(visit);
            continue;
        }

        let mut picked_any = false;
        let mut onward: Vec<&str> = Vec::new();
        for binding in topology.bindings_from(&current.name) {
            let check = check_binding(current.kind, binding, &routing_keys, &header_map);
            if check.matched {
                picked_any = true;
                match &binding.destination {
                    Destination::Queue(q) => {
                        if topology.queues.contains(q) {
                            queues.insert(q.clone());
                        }
                    }
                    Destination::Exchange(x) => {
                        if !onward.contains(&x.as_str()) {
                            onward.push(x);
                        }
                    }
                }
            }
            visit.bindings.push(check);
        }

        // process_alternate/2: only when this exchange's own bindings picked nothing.
        visit.alternate = match (&current.alternate_exchange, picked_any) {
            (_, true) => AlternateUse::NotNeeded,
            (None, false) => AlternateUse::NoneSet,
            (Some(alternate), false) => {
                let via = Via::Alternate {
                    of: current.name.clone(),
                };
                AlternateUse::Consulted(hop(topology, alternate, via, &mut seen, &mut work))
            }
        };
        for name in onward {
            let via = Via::Binding {
                source: current.name.clone(),
            };
            visit.hops.push(hop(topology, name, via, &mut seen, &mut work));
        }
        visits.push(visit);
    }

    Routed {
        routing_keys,
        delivered_headers,
        queues: queues.into_iter().collect(),
        visits,
    }
}

/// `process_route/2` for an exchange destination: skipped if seen, ignored if missing, else queued.
fn hop<'t>(
    topology: &'t Topology,
    name: &str,
    via: Via,
    seen: &mut BTreeSet<&'t str>,
    work: &mut VecDeque<(&'t Exchange, Via)>,
) -> ExchangeHop {
    let fate = if seen.contains(name) {
        HopFate::AlreadySeen
    } else if let Some((stored_name, next)) = topology.exchanges.get_key_value(name) {
        seen.insert(stored_name);
        work.push_back((next, via));
        HopFate::Queued
    } else {
        HopFate::Missing
    };
    ExchangeHop {
        exchange: name.into(),
        fate,
    }
}

/// `rabbit_basic:header_routes/1`: the longstr entries of the first `CC` and then the first `BCC`
/// header. Either header of another type makes the message invalid; `rabbit_channel` answers 406
/// with the Erlang error term, e.g. `invalid message: {unacceptable_type_in_header,"CC",long}`.
fn header_routes(headers: &Table) -> Result<Vec<String>, AmqpError> {
    let (mut keys, bcc) = cc_and_bcc_keys(headers)?;
    keys.extend(bcc);
    Ok(keys)
}

/// The `CC` and the `BCC` routing keys of a publish, apart (the BCC ones never show in `x-death`);
/// see [`header_routes`] for the rules and the 406.
pub fn cc_and_bcc_keys(headers: &Table) -> Result<(Vec<String>, Vec<String>), AmqpError> {
    let keys_of = |header: &str| match table_lookup(headers, header) {
        None => Ok(Vec::new()),
        Some(FieldValue::Array(entries)) => Ok(entries
            .iter()
            .filter_map(|entry| match entry {
                FieldValue::LongStr(key) => Some(key.clone()),
                _ => None,
            })
            .collect()),
        Some(other) => Err(precondition_failed(format!(
            "invalid message: {{unacceptable_type_in_header,\"{header}\",{}}}",
            other.type_name()
        ))),
    };
    Ok((keys_of("CC")?, keys_of("BCC")?))
}

/// The headers a queue stores: the first `BCC` header removed (`mc_amqpl:init/1`), the rest as
/// published.
pub fn without_bcc(headers: &Table) -> Table {
    let mut kept = headers.clone();
    if let Some(at) = kept.iter().position(|(k, _)| k == "BCC") {
        kept.remove(at);
    }
    kept
}

/// One binding of an exchange of type `kind` against the message.
fn check_binding(
    kind: ExchangeType,
    binding: &Binding,
    routing_keys: &[String],
    headers: &BTreeMap<&str, &FieldValue>,
) -> BindingCheck {
    let reason = match kind {
        // rabbit_exchange_type_direct:route/3: binding key equal to one of the routing keys.
        ExchangeType::Direct => BindingReason::Direct {
            matched_key: routing_keys.iter().find(|k| **k == binding.routing_key).cloned(),
        },
        // rabbit_exchange_type_fanout:route/3: every binding, whatever its key.
        ExchangeType::Fanout => BindingReason::Fanout,
        // rabbit_exchange_type_topic:route/3: the trie, once per routing key.
        ExchangeType::Topic => BindingReason::Topic {
            matched: routing_keys.iter().find_map(|k| topic_match(&binding.routing_key, k)),
        },
        // rabbit_exchange_type_headers:route/3: routing keys play no part.
        ExchangeType::Headers => BindingReason::Headers(explain_against(&binding.arguments, headers)),
    };
    let matched = match &reason {
        BindingReason::Direct { matched_key } => matched_key.is_some(),
        BindingReason::Fanout => true,
        BindingReason::Topic { matched } => matched.is_some(),
        BindingReason::Headers(explain) => explain.matched,
    };
    BindingCheck {
        binding: binding.clone(),
        matched,
        reason,
    }
}

// ---------------------------------------------------------------------------------------------
// Erlang term text, for the reply texts that print a value with `~tp`
// ---------------------------------------------------------------------------------------------

/// A field's raw value as `io_lib:format("~tp", ...)` prints it: integers, `true`, `undefined`,
/// `{Scale,Value}`, `<<"text">>`, lists of tuples. Floats follow Erlang's shortest form for
/// ordinary magnitudes; very large or small ones are approximate.
pub(super) fn erlang_term_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Byte(n) => n.to_string(),
        FieldValue::UnsignedByte(n) => n.to_string(),
        FieldValue::Short(n) => n.to_string(),
        FieldValue::UnsignedShort(n) => n.to_string(),
        FieldValue::SignedInt(n) => n.to_string(),
        FieldValue::UnsignedInt(n) => n.to_string(),
        FieldValue::Long(n) => n.to_string(),
        FieldValue::Timestamp(n) => n.to_string(),
        FieldValue::Float(x) => erlang_float_text(f64::from(*x)),
        FieldValue::Double(x) => erlang_float_text(*x),
        FieldValue::Decimal { scale, value } => format!("{{{scale},{value}}}"),
        FieldValue::LongStr(s) => erlang_binary_text(s.as_bytes()),
        FieldValue::Binary(b) => erlang_binary_text(b),
        FieldValue::Void => "undefined".into(),
        FieldValue::Table(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{{{},{},{}}}",
                        erlang_binary_text(k.as_bytes()),
                        v.type_name(),
                        erlang_term_text(v)
                    )
                })
                .collect();
            format!("[{}]", inner.join(","))
        }
        FieldValue::Array(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|v| format!("{{{},{}}}", v.type_name(), erlang_term_text(v)))
                .collect();
            format!("[{}]", inner.join(","))
        }
    }
}

fn erlang_float_text(x: f64) -> String {
    // Rust's `{:?}` is the shortest round-trip form too; Erlang always writes a fraction ("1.0e20").
    let text = format!("{x:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) if !mantissa.contains('.') => format!("{mantissa}.0e{exponent}"),
        _ => text,
    }
}

/// `<<"abc">>` for printable text (with Erlang's escapes), `<<"é"/utf8>>` for printable non-ASCII
/// UTF-8, else the bytes `<<1,2,3>>`.
fn erlang_binary_text(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "<<>>".into();
    }
    let Ok(text) = core::str::from_utf8(bytes) else {
        return byte_list(bytes);
    };
    let mut quoted = String::new();
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{0b}' => quoted.push_str("\\v"),
            '\u{08}' => quoted.push_str("\\b"),
            '\u{0c}' => quoted.push_str("\\f"),
            '\u{1b}' => quoted.push_str("\\e"),
            c if c.is_control() => return byte_list(bytes),
            c => quoted.push(c),
        }
    }
    if text.is_ascii() {
        format!("<<\"{quoted}\">>")
    } else {
        format!("<<\"{quoted}\"/utf8>>")
    }
}

fn byte_list(bytes: &[u8]) -> String {
    let inner: Vec<String> = bytes.iter().map(u8::to_string).collect();
    format!("<<{}>>", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    // --- helpers -------------------------------------------------------------------------------

    fn queue(name: &str) -> Destination {
        Destination::Queue(name.into())
    }

    fn exchange(name: &str) -> Destination {
        Destination::Exchange(name.into())
    }

    fn entry(key: &str, value: FieldValue) -> (String, FieldValue) {
        (key.into(), value)
    }

    fn text(key: &str, value: &str) -> (String, FieldValue) {
        entry(key, FieldValue::longstr(value))
    }

    fn longstr_array(items: &[&str]) -> FieldValue {
        FieldValue::Array(items.iter().map(|s| FieldValue::longstr(s)).collect())
    }

    fn vhost() -> Topology {
        Topology::new("/")
    }

    fn declare(t: &mut Topology, name: &str, kind: ExchangeType) {
        t.declare_exchange(&Exchange::new(name, kind)).unwrap();
    }

    fn queues(t: &mut Topology, names: &[&str]) {
        for n in names {
            t.declare_queue(n).unwrap();
        }
    }

    fn bind_q(t: &mut Topology, source: &str, q: &str, key: &str) {
        t.bind(source, &queue(q), key, &Table::new()).unwrap();
    }

    fn bind_q_args(t: &mut Topology, source: &str, q: &str, args: Table) {
        t.bind(source, &queue(q), "", &args).unwrap();
    }

    fn bind_x(t: &mut Topology, source: &str, destination: &str, key: &str) {
        t.bind(source, &exchange(destination), key, &Table::new()).unwrap();
    }

    fn routed(t: &Topology, x: &str, key: &str) -> Vec<String> {
        route(t, x, key, &Table::new()).unwrap().queues
    }

    fn routed_with(t: &Topology, x: &str, key: &str, headers: &Table) -> Vec<String> {
        route(t, x, key, headers).unwrap().queues
    }

    fn names(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| String::from(*s)).collect();
        v.sort();
        v
    }

    fn visit<'a>(r: &'a Routed, name: &str) -> &'a Visit {
        r.visits.iter().find(|v| v.exchange == name).unwrap()
    }

    fn headers_exchange_with(args: Table) -> Topology {
        let mut t = vhost();
        declare(&mut t, "h", ExchangeType::Headers);
        queues(&mut t, &["q"]);
        bind_q_args(&mut t, "h", "q", args);
        t
    }

    // --- topic: word splitting and matching ----------------------------------------------------

    /// A CC key (a longstr) may be far longer than a shortstr: the match stays in small memory,
    /// agrees with the table on every case the table can hold, and leaves the spans out.
    #[test]
    fn topic_match_of_a_very_long_cc_key_needs_no_table() {
        let long_key = vec!["w"; 200_000].join(".");
        let m = topic_match("w.#.w", &long_key).unwrap();
        assert!(m.spans.is_empty());
        assert!(topic_match("w.*", &long_key).is_none());
        assert!(topic_matches("#.w.#.w", &long_key));
        let cases = [
            ("#", ""),
            ("*", ""),
            ("", ""),
            ("#.#", "a"),
            ("a.#.b", "a.b"),
            ("a.#.b", "a.x.y.b"),
            ("a.*.b", "a.b"),
            ("*.*", "a."),
            ("#.a", "b.a.a"),
            ("a..b", "a..b"),
            ("#.*", ""),
        ];
        for (binding, routing) in cases {
            let (pattern, words) = (topic_words(binding), topic_words(routing));
            assert_eq!(
                topic_match_lean(&pattern, &words),
                topic_matches(binding, routing),
                "{binding} vs {routing}"
            );
        }
    }

    #[test]
    fn topic_words_split_on_every_dot_and_empty_key_has_no_words() {
        // rabbit_db_topic_exchange:split_topic_key/1
        assert_eq!(topic_words(""), Vec::<&str>::new());
        assert_eq!(topic_words("a"), vec!["a"]);
        assert_eq!(topic_words("a.b.c"), vec!["a", "b", "c"]);
        assert_eq!(topic_words("a..b"), vec!["a", "", "b"]);
        assert_eq!(topic_words(".a"), vec!["", "a"]);
        assert_eq!(topic_words("a."), vec!["a", ""]);
        assert_eq!(topic_words("."), vec!["", ""]);
    }

    /// deps/rabbit/test/routing_SUITE.erl, topic1/1: the binding table and both expectation tables
    /// (before and after removing six bindings), through a real topic exchange and `route`.
    #[test]
    fn topic_exchange_matches_routing_suite_table() {
        let table: [(&str, &str, Table); 28] = [
            ("a.b.c", "t1", vec![]),
            ("a.*.c", "t2", vec![]),
            ("a.#.b", "t3", vec![]),
            ("a.b.b.c", "t4", vec![]),
            ("#", "t5", vec![]),
            ("#.#", "t6", vec![]),
            ("#.b", "t7", vec![]),
            ("*.*", "t8", vec![]),
            ("a.*", "t9", vec![]),
            ("*.b.c", "t10", vec![]),
            ("a.#", "t11", vec![]),
            ("a.#.#", "t12", vec![]),
            ("b.b.c", "t13", vec![]),
            ("a.b.b", "t14", vec![]),
            ("a.b", "t15", vec![]),
            ("b.c", "t16", vec![]),
            ("", "t17", vec![]),
            ("*.*.*", "t18", vec![]),
            ("vodka.martini", "t19", vec![]),
            ("a.b.c", "t20", vec![]),
            ("*.#", "t21", vec![]),
            ("#.*.#", "t22", vec![]),
            ("*.#.#", "t23", vec![]),
            ("#.#.#", "t24", vec![]),
            ("*", "t25", vec![]),
            ("#.b.#", "t26", vec![]),
            ("args-test", "t27", vec![text("foo", "bar")]),
            ("args-test", "t27", vec![text("foo", "baz")]),
        ];
        let mut t = vhost();
        declare(&mut t, "topic_matching-exchange", ExchangeType::Topic);
        for (key, q, args) in &table {
            t.declare_queue(q).unwrap();
            assert_eq!(
                t.bind("topic_matching-exchange", &queue(q), key, args),
                Ok(Declared::Created)
            );
        }
        let check = |t: &Topology, expected: &[(&str, &[&str])]| {
            for (key, want) in expected {
                assert_eq!(
                    routed(t, "topic_matching-exchange", key),
                    names(want),
                    "routing key {key:?}"
                );
            }
        };
        check(
            &t,
            &[
                (
                    "a.b.c",
                    &[
                        "t1", "t2", "t5", "t6", "t10", "t11", "t12", "t18", "t20", "t21", "t22", "t23", "t24", "t26",
                    ],
                ),
                (
                    "a.b",
                    &[
                        "t3", "t5", "t6", "t7", "t8", "t9", "t11", "t12", "t15", "t21", "t22", "t23", "t24", "t26",
                    ],
                ),
                (
                    "a.b.b",
                    &[
                        "t3", "t5", "t6", "t7", "t11", "t12", "t14", "t18", "t21", "t22", "t23", "t24", "t26",
                    ],
                ),
                ("", &["t5", "t6", "t17", "t24"]),
                ("b.c.c", &["t5", "t6", "t18", "t21", "t22", "t23", "t24", "t26"]),
                ("a.a.a.a.a", &["t5", "t6", "t11", "t12", "t21", "t22", "t23", "t24"]),
                ("vodka.gin", &["t5", "t6", "t8", "t21", "t22", "t23", "t24"]),
                ("vodka.martini", &["t5", "t6", "t8", "t19", "t21", "t22", "t23", "t24"]),
                (
                    "b.b.c",
                    &["t5", "t6", "t10", "t13", "t18", "t21", "t22", "t23", "t24", "t26"],
                ),
                ("nothing.here.at.all", &["t5", "t6", "t21", "t22", "t23", "t24"]),
                ("oneword", &["t5", "t6", "t21", "t22", "t23", "t24", "t25"]),
                ("args-test", &["t5", "t6", "t21", "t22", "t23", "t24", "t25", "t27"]),
            ],
        );
        // Bindings 1, 5, 11, 19, 21 and 28 (1-based) go; t27 keeps its foo=bar binding.
        for n in [1usize, 5, 11, 19, 21, 28] {
            let (key, q, args) = &table[n - 1];
            assert_eq!(t.unbind("topic_matching-exchange", &queue(q), key, args), Ok(true));
        }
        check(
            &t,
            &[
                (
                    "a.b.c",
                    &["t2", "t6", "t10", "t12", "t18", "t20", "t22", "t23", "t24", "t26"],
                ),
                (
                    "a.b",
                    &["t3", "t6", "t7", "t8", "t9", "t12", "t15", "t22", "t23", "t24", "t26"],
                ),
                (
                    "a.b.b",
                    &["t3", "t6", "t7", "t12", "t14", "t18", "t22", "t23", "t24", "t26"],
                ),
                ("", &["t6", "t17", "t24"]),
                ("b.c.c", &["t6", "t18", "t22", "t23", "t24", "t26"]),
                ("a.a.a.a.a", &["t6", "t12", "t22", "t23", "t24"]),
                ("vodka.gin", &["t6", "t8", "t22", "t23", "t24"]),
                ("vodka.martini", &["t6", "t8", "t22", "t23", "t24"]),
                ("b.b.c", &["t6", "t10", "t13", "t18", "t22", "t23", "t24", "t26"]),
                ("nothing.here.at.all", &["t6", "t22", "t23", "t24"]),
                ("oneword", &["t6", "t22", "t23", "t24", "t25"]),
                ("args-test", &["t6", "t22", "t23", "t24", "t25", "t27"]),
            ],
        );
    }

    /// deps/rabbit/test/exchanges_SUITE.erl, topic_exchange/1, on amq.topic.
    #[test]
    fn topic_exchange_matches_exchanges_suite_messages() {
        let mut t = vhost();
        queues(&mut t, &["q"]);
        for key in ["this.*.rules", "*.for.*", "simply#carrots"] {
            bind_q(&mut t, "amq.topic", "q", key);
        }
        let delivered = |t: &Topology, key: &str| !routed(t, "amq.topic", key).is_empty();
        assert!(delivered(&t, "this.queue.rules"));
        assert!(delivered(&t, "this.exchange.rules"));
        assert!(!delivered(&t, "another.queue.rules"));
        assert!(delivered(&t, "carrots.for.power"));
        // `#` inside a word is a literal character, not a wildcard.
        assert!(!delivered(&t, "simplycarrots"));
        // A `*` in the routing key is a plain word.
        assert!(!delivered(&t, "*.queue.rules"));
        bind_q(&mut t, "amq.topic", "q", "#.noclue");
        assert!(!delivered(&t, "simplycarrots"));
        assert!(!delivered(&t, "#.bla"));
        assert!(delivered(&t, "#.noclue"));
        bind_q(&mut t, "amq.topic", "q", "#");
        assert!(delivered(&t, "simplycarrots"));
    }

    #[test]
    fn topic_empty_routing_key_matches_only_hash_patterns_and_empty_binding() {
        assert!(topic_matches("#", ""));
        assert!(topic_matches("#.#", ""));
        assert!(topic_matches("", ""));
        assert!(!topic_matches("*", ""));
        assert!(!topic_matches("*.#", ""));
        assert!(!topic_matches("#.*", ""));
        // An empty binding key has no words, so it matches nothing but the empty key.
        assert!(!topic_matches("", "a"));
        assert!(!topic_matches("", "."));
    }

    #[test]
    fn topic_empty_words_are_words() {
        assert!(topic_matches("a.*.b", "a..b"));
        assert!(topic_matches("a..b", "a..b"));
        assert!(!topic_matches("a.b", "a..b"));
        assert!(topic_matches("#.a", ".a"));
        assert!(topic_matches("*.a", ".a"));
        assert!(!topic_matches("a", ".a"));
        assert!(topic_matches("a.*", "a."));
        assert!(topic_matches("a.#", "a."));
        assert!(!topic_matches("a", "a."));
        assert!(topic_matches("*.*", "."));
        assert!(!topic_matches("*", "."));
        assert!(topic_matches(".", "."));
        assert!(topic_matches("a.", "a."));
    }

    #[test]
    fn topic_hash_matches_zero_or_more_words_at_start_middle_and_end() {
        assert!(topic_matches("#.c", "c"));
        assert!(topic_matches("#.c", "a.b.c"));
        assert!(!topic_matches("#.c", "a.b.c.d"));
        assert!(topic_matches("a.#.c", "a.c"));
        assert!(topic_matches("a.#.c", "a.b.b.c"));
        assert!(!topic_matches("a.#.c", "a.b.b"));
        assert!(topic_matches("a.#", "a"));
        assert!(topic_matches("a.#", "a.b.c"));
        assert!(!topic_matches("a.#", "b.a"));
        assert!(topic_matches("#.b.#", "b"));
        assert!(topic_matches("#.b.#", "x.b.y.z"));
        assert!(topic_matches("a.#.#.b", "a.b"));
        assert!(topic_matches("a.#.#.b", "a.x.y.z.b"));
    }

    #[test]
    fn topic_star_matches_exactly_one_word() {
        assert!(topic_matches("*", "a"));
        assert!(!topic_matches("*", "a.b"));
        assert!(topic_matches("*.*", "a.b"));
        assert!(!topic_matches("*.*", "a"));
        assert!(topic_matches("a.*.c", "a.xyz.c"));
        assert!(!topic_matches("a.*.c", "a.c"));
        // `*` and `#` are wildcards only as whole words.
        assert!(!topic_matches("a*", "ab"));
        assert!(topic_matches("a*", "a*"));
    }

    #[test]
    fn topic_match_reports_words_each_pattern_word_took() {
        let m = topic_match("a.#.c", "a.b.x.c").unwrap();
        let spans: Vec<(&str, Vec<&str>)> = m
            .spans
            .iter()
            .map(|s| (s.pattern_word.as_str(), s.words.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(spans, vec![("a", vec!["a"]), ("#", vec!["b", "x"]), ("c", vec!["c"])]);
        // With two `#`, the first takes as little as it can.
        let m = topic_match("#.#", "a.b").unwrap();
        assert_eq!(m.spans[0].words, Vec::<String>::new());
        assert_eq!(m.spans[1].words, vec![String::from("a"), String::from("b")]);
        assert_eq!(topic_match("a.*", "b.c"), None);
    }

    #[test]
    fn topic_many_hashes_against_a_long_key_finish_quickly() {
        // 255-byte keys at most on the wire; this is the worst shape for a naive backtracker.
        let key = ["a"; 128].join(".");
        assert!(!topic_matches("#.#.#.#.#.#.#.#.b", &key));
        assert!(topic_matches("#.#.#.#.#.#.#.#.a", &key));
    }

    /// deps/rabbit/test/rabbit_db_topic_exchange_SUITE.erl (4.3.5): topic_match_wildcards,
    /// _hash_middle, _empty_routing_key, _overlapping_filters, _empty_segments, _deep_hierarchy,
    /// _all_wildcards, _alternating_wildcards, _many_hashes, _unicode, _exchange_to_exchange.
    #[test]
    fn topic_matching_agrees_with_topic_exchange_suite_cases() {
        // (binding key, queue) pairs, then (routing key, queues expected).
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [(&'a str, &'a [&'a str])]);
        let cases: &[Case] = &[
            (
                &[
                    ("foo.*", "star"),
                    ("foo.#", "hash"),
                    ("foo.bar", "exact"),
                    ("foo.*.baz", "deep"),
                    ("#", "all"),
                ],
                &[
                    ("foo.bar", &["all", "exact", "hash", "star"]),
                    ("foo.bar.baz", &["all", "deep", "hash"]),
                    ("foo.bar.baz.qux", &["all", "hash"]),
                    ("foo.qux", &["all", "hash", "star"]),
                    ("bar.foo", &["all"]),
                ],
            ),
            (
                &[("#.c", "q1"), ("#.b.c", "q2"), ("a.#.d", "q3"), ("#.*.#", "q4")],
                &[
                    ("a.b.c", &["q1", "q2", "q4"]),
                    ("c", &["q1", "q4"]),
                    ("x.y.b.c", &["q1", "q2", "q4"]),
                    ("a.d", &["q3", "q4"]),
                    ("a.b.c.d", &["q3", "q4"]),
                    ("x", &["q4"]),
                    ("x.c", &["q1", "q4"]),
                ],
            ),
            (
                &[("#", "hash"), ("foo.bar", "exact")],
                &[("", &["hash"]), ("foo.bar", &["exact", "hash"])],
            ),
            (
                &[
                    ("a.b", "q1"),
                    ("a.b.#", "q2"),
                    ("a.b.c", "q3"),
                    ("a.b.*", "q4"),
                    ("a.b.d", "q5"),
                    ("a.*.*", "q6"),
                    ("a.*.#", "q7"),
                    ("*.b.c", "q8"),
                ],
                &[
                    ("a.b.c", &["q2", "q3", "q4", "q6", "q7", "q8"]),
                    ("a.b", &["q1", "q2", "q7"]),
                ],
            ),
            (
                &[(".#", "hash"), (".*", "star"), (".*.a.b.c", "deep")],
                &[(".0.a.b.c", &["deep", "hash"])],
            ),
            (
                &[
                    ("传感器.*.摄氏", "wild"),
                    ("датчик.#", "hash"),
                    ("sensor.données.état", "mixed"),
                ],
                &[
                    ("传感器.温度.摄氏", &["wild"]),
                    ("датчик.температура.цельсий", &["hash"]),
                    ("sensor.données.état", &["mixed"]),
                ],
            ),
        ];
        for (bindings, expectations) in cases {
            for (key, want) in *expectations {
                let got: Vec<&str> = bindings
                    .iter()
                    .filter(|(pattern, _)| topic_matches(pattern, key))
                    .map(|(_, q)| *q)
                    .collect();
                let mut got: Vec<String> = got.into_iter().map(String::from).collect();
                got.sort();
                assert_eq!(got, names(want), "routing key {key:?}");
            }
        }
        let alphabet = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z";
        assert!(topic_matches(&format!("{alphabet}.#"), alphabet));
        assert!(!topic_matches(&format!("{alphabet}.*"), alphabet));
        assert!(topic_matches(&format!("{alphabet}.*"), &format!("{alphabet}.1")));
        assert!(topic_matches(&format!("{}.#", ["*"; 26].join(".")), alphabet));
        assert!(topic_matches(
            "a.*.c.*.e.*.g.*.i.*.k.*.m.*.o.*.q.*.s.*.u.*.w.*.y.*.#",
            alphabet
        ));
        // Fifteen `#` against 31 words (bound before any limit existed) still routes.
        assert!(topic_matches(&["#"; 15].join("."), &["a"; 31].join(".")));
        // A topic exchange routes to queue and exchange destinations alike.
        let mut t = vhost();
        declare(&mut t, "x-dest", ExchangeType::Fanout);
        queues(&mut t, &["q-direct", "q-via-exchange"]);
        bind_q(&mut t, "amq.topic", "q-direct", "events.*.critical");
        bind_x(&mut t, "amq.topic", "x-dest", "events.#");
        bind_q(&mut t, "amq.topic", "q-via-exchange", "events.app.critical");
        let r = route(&t, "amq.topic", "events.app.critical", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["q-direct", "q-via-exchange"]));
        assert_eq!(
            r.visits[0].hops,
            vec![ExchangeHop {
                exchange: "x-dest".into(),
                fate: HopFate::Queued
            }]
        );
        let r = route(&t, "amq.topic", "events.db.info", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(r.visits.len(), 2);
    }

    /// deps/rabbit/test/unit_topic_binding_validation_SUITE.erl (RabbitMQ 4.3.5).
    #[test]
    fn topic_hash_limit_accepts_and_rejects_the_validation_suite_keys() {
        let mut t = vhost();
        t.set_topic_hash_wildcard_limit(Some(TOPIC_HASH_WILDCARD_LIMIT_SINCE_4_3_5));
        queues(&mut t, &["q"]);
        for key in ["", "a.b.c", "*.*.*", "#", "a.#", "#.#", "#.a.#", "a#b", "##.##.##"] {
            assert!(t.bind("amq.topic", &queue("q"), key, &Table::new()).is_ok(), "{key:?}");
        }
        let at_maximum_length = ["#"; 128].join(".");
        assert_eq!(at_maximum_length.len(), 255);
        for key in [
            "#.#.#",
            "#.*.#.*.#",
            "a.#.b.#.c.#",
            "#.#.#.#",
            at_maximum_length.as_str(),
        ] {
            let err = t.bind("amq.topic", &queue("q"), key, &Table::new()).unwrap_err();
            assert_eq!(err.code, ReplyCode::PreconditionFailed, "{key:?}");
        }
    }

    #[test]
    fn topic_hash_limit_is_off_by_default_and_refuses_three_hashes_when_set() {
        // rabbit_exchange_type_topic:validate_binding/2 (RabbitMQ 4.3.5+), unit_topic_binding_validation_SUITE.
        let mut t = vhost();
        queues(&mut t, &["q"]);
        assert!(t.bind("amq.topic", &queue("q"), "#.#.#", &Table::new()).is_ok());
        t.set_topic_hash_wildcard_limit(Some(TOPIC_HASH_WILDCARD_LIMIT_SINCE_4_3_5));
        assert!(t.bind("amq.topic", &queue("q"), "a.#.#", &Table::new()).is_ok());
        let err = t.bind("amq.topic", &queue("q"), "#.a.#.#", &Table::new()).unwrap_err();
        assert_eq!(err.code, ReplyCode::PreconditionFailed);
        assert_eq!(
            err.reply_text(),
            "PRECONDITION_FAILED - Topic binding key '#.a.#.#' uses 3 '#' wildcards, at most 2 are allowed"
        );
        // Exchange-to-exchange bindings from a topic exchange are validated too; `a#` is no wildcard.
        declare(&mut t, "x", ExchangeType::Fanout);
        assert!(t.bind("amq.topic", &exchange("x"), "#.#.#", &Table::new()).is_err());
        assert!(t.bind("amq.topic", &exchange("x"), "a#.b#.c#", &Table::new()).is_ok());
    }

    #[test]
    fn topic_routes_every_routing_key_including_cc() {
        // deps/rabbit/test/topic_permission_SUITE.erl, amqpl_headers/2 (permissions aside).
        for header in ["CC", "BCC"] {
            let mut t = vhost();
            queues(&mut t, &["q1", "q2"]);
            bind_q(&mut t, "amq.topic", "q1", "a.1");
            bind_q(&mut t, "amq.topic", "q2", "a.2");
            let headers = vec![entry(header, longstr_array(&["a.2"]))];
            assert_eq!(
                routed_with(&t, "amq.topic", "a.1", &headers),
                names(&["q1", "q2"]),
                "{header}"
            );
        }
    }

    // --- headers --------------------------------------------------------------------------------

    /// deps/rabbit/test/exchanges_SUITE.erl, headers_exchange/1.
    #[test]
    fn headers_all_needs_every_argument_and_any_needs_one() {
        let mut t = vhost();
        queues(&mut t, &["q", "alt"]);
        bind_q_args(
            &mut t,
            "amq.headers",
            "q",
            vec![text("x-match", "all"), text("foo", "bar"), text("fuu", "ber")],
        );
        bind_q_args(
            &mut t,
            "amq.headers",
            "alt",
            vec![text("x-match", "any"), text("foo", "bar"), text("fuu", "ber")],
        );
        let both = vec![text("foo", "bar"), text("fuu", "ber")];
        let one = vec![text("foo", "bar")];
        assert_eq!(routed_with(&t, "amq.headers", "", &both), names(&["alt", "q"]));
        assert_eq!(routed_with(&t, "amq.headers", "", &one), names(&["alt"]));
        assert_eq!(routed_with(&t, "amq.headers", "", &Table::new()), Vec::<String>::new());
    }

    #[test]
    fn headers_missing_x_match_means_all() {
        let args = vec![text("a", "1"), text("b", "2")];
        assert!(headers_match(
            &args,
            &vec![text("b", "2"), text("a", "1"), text("c", "3")]
        ));
        assert!(!headers_match(&args, &vec![text("a", "1")]));
        assert_eq!(explain_headers_match(&args, &Table::new()).mode, XMatch::All);
    }

    #[test]
    fn headers_empty_binding_matches_everything_with_all_and_nothing_with_any() {
        assert!(headers_match(&Table::new(), &Table::new()));
        assert!(headers_match(&Table::new(), &vec![text("k", "v")]));
        assert!(headers_match(&vec![text("x-match", "all")], &Table::new()));
        assert!(!headers_match(&vec![text("x-match", "any")], &vec![text("k", "v")]));
        assert!(!headers_match(
            &vec![text("x-match", "any-with-x")],
            &vec![text("x-match", "any-with-x")]
        ));
        assert!(headers_match(&vec![text("x-match", "all-with-x")], &Table::new()));
    }

    #[test]
    fn headers_x_arguments_are_ignored_by_all_and_any() {
        let all = vec![text("x-match", "all"), text("x-kind", "a"), text("k", "v")];
        assert!(headers_match(&all, &vec![text("k", "v")]));
        let any = vec![text("x-match", "any"), text("x-kind", "a")];
        assert!(!headers_match(&any, &vec![text("x-kind", "a")]));
        // Only the lower-case `x-` prefix is special.
        let upper = vec![text("x-match", "all"), text("X-Kind", "a")];
        assert!(!headers_match(&upper, &Table::new()));
    }

    /// deps/rabbit/test/dead_lettering_SUITE.erl, dead_letter_headers_first_death_route/1.
    #[test]
    fn headers_with_x_modes_match_x_headers() {
        let expired = vec![
            text("x-match", "all-with-x"),
            text("x-first-death-reason", "expired"),
            text("x-first-death-queue", "q1"),
        ];
        let rejected = vec![text("x-match", "any-with-x"), text("x-first-death-reason", "rejected")];
        let from_q1_expired = vec![
            text("x-first-death-reason", "expired"),
            text("x-first-death-queue", "q1"),
        ];
        let from_q2_expired = vec![
            text("x-first-death-reason", "expired"),
            text("x-first-death-queue", "q2"),
        ];
        let from_q2_rejected = vec![
            text("x-first-death-reason", "rejected"),
            text("x-first-death-queue", "q2"),
        ];
        assert!(headers_match(&expired, &from_q1_expired));
        assert!(!headers_match(&expired, &from_q2_expired));
        assert!(!headers_match(&rejected, &from_q2_expired));
        assert!(headers_match(&rejected, &from_q2_rejected));
    }

    #[test]
    fn headers_with_x_modes_skip_only_x_match_itself() {
        // The message's own x-match header, if any, is irrelevant.
        let args = vec![text("x-match", "all-with-x"), text("x-fruit", "apple")];
        let explain = explain_headers_match(&args, &vec![text("x-fruit", "apple"), text("x-match", "any")]);
        assert!(explain.matched);
        assert_eq!(explain.checks[0].outcome, HeaderArgOutcome::Skipped);
        assert_eq!(explain.checks[1].outcome, HeaderArgOutcome::Equal);
    }

    #[test]
    fn headers_void_argument_means_present_with_any_value() {
        let args = vec![entry("k", FieldValue::Void)];
        assert!(headers_match(&args, &vec![text("k", "anything")]));
        assert!(headers_match(&args, &vec![entry("k", FieldValue::Void)]));
        assert!(headers_match(&args, &vec![entry("k", FieldValue::Array(vec![]))]));
        assert!(!headers_match(&args, &vec![text("other", "v")]));
        let explain = explain_headers_match(&args, &Table::new());
        assert_eq!(explain.checks[0].outcome, HeaderArgOutcome::Missing);
    }

    #[test]
    fn headers_void_header_only_matches_void_argument() {
        // A void header is the atom `undefined`, which no non-void argument value equals.
        assert!(!headers_match(
            &vec![text("k", "")],
            &vec![entry("k", FieldValue::Void)]
        ));
        assert!(!headers_match(
            &vec![entry("k", FieldValue::Bool(false))],
            &vec![entry("k", FieldValue::Void)]
        ));
    }

    #[test]
    fn headers_integers_compare_by_value_across_types() {
        let ints = [
            FieldValue::Byte(1),
            FieldValue::UnsignedByte(1),
            FieldValue::Short(1),
            FieldValue::UnsignedShort(1),
            FieldValue::SignedInt(1),
            FieldValue::UnsignedInt(1),
            FieldValue::Long(1),
        ];
        for a in &ints {
            for b in &ints {
                assert!(
                    headers_match(&vec![entry("n", a.clone())], &vec![entry("n", b.clone())]),
                    "{a:?} vs {b:?}"
                );
            }
        }
        assert!(headers_match(
            &vec![entry("n", FieldValue::Byte(-1))],
            &vec![entry("n", FieldValue::Long(-1))]
        ));
        assert!(!headers_match(
            &vec![entry("n", FieldValue::UnsignedByte(255))],
            &vec![entry("n", FieldValue::Byte(-1))]
        ));
        assert!(!headers_match(
            &vec![entry("n", FieldValue::Long(1))],
            &vec![entry("n", FieldValue::Long(2))]
        ));
    }

    #[test]
    fn headers_integer_never_equals_float_and_float_widens_to_double() {
        let one_int = vec![entry("n", FieldValue::Long(1))];
        assert!(!headers_match(&one_int, &vec![entry("n", FieldValue::Double(1.0))]));
        assert!(!headers_match(&vec![entry("n", FieldValue::Double(1.0))], &one_int));
        assert!(headers_match(
            &vec![entry("n", FieldValue::Float(1.5))],
            &vec![entry("n", FieldValue::Double(1.5))]
        ));
        // 0.1 as a 32-bit float is 0.100000001490116..., not the double 0.1.
        assert!(!headers_match(
            &vec![entry("n", FieldValue::Float(0.1))],
            &vec![entry("n", FieldValue::Double(0.1))]
        ));
        assert!(headers_match(
            &vec![entry("n", FieldValue::Float(0.1))],
            &vec![entry("n", FieldValue::Float(0.1))]
        ));
    }

    #[test]
    fn headers_longstr_equals_byte_array_with_the_same_bytes() {
        let args = vec![text("k", "abc")];
        assert!(headers_match(
            &args,
            &vec![entry("k", FieldValue::Binary(b"abc".to_vec()))]
        ));
        assert!(!headers_match(&args, &vec![text("k", "ABC")]));
    }

    #[test]
    fn headers_bool_and_decimal_compare_exactly() {
        let t = vec![entry("b", FieldValue::Bool(true))];
        assert!(headers_match(&t, &vec![entry("b", FieldValue::Bool(true))]));
        assert!(!headers_match(&t, &vec![entry("b", FieldValue::Bool(false))]));
        assert!(!headers_match(&t, &vec![entry("b", FieldValue::Long(1))]));
        assert!(!headers_match(&t, &vec![text("b", "true")]));
        let d = vec![entry("d", FieldValue::Decimal { scale: 1, value: 10 })];
        assert!(headers_match(
            &d,
            &vec![entry("d", FieldValue::Decimal { scale: 1, value: 10 })]
        ));
        // 1.0 written as {1,10} and 1 as {0,1} are different terms.
        assert!(!headers_match(
            &d,
            &vec![entry("d", FieldValue::Decimal { scale: 0, value: 1 })]
        ));
    }

    #[test]
    fn headers_timestamp_header_is_compared_in_milliseconds() {
        // mc_amqpl:routing_headers/2 multiplies top-level timestamp headers by 1000; binding
        // arguments stay as declared.
        let header = vec![entry("t", FieldValue::Timestamp(5))];
        assert!(!headers_match(&vec![entry("t", FieldValue::Timestamp(5))], &header));
        assert!(headers_match(&vec![entry("t", FieldValue::Long(5000))], &header));
        assert!(headers_match(&vec![entry("t", FieldValue::Timestamp(5000))], &header));
        assert!(headers_match(
            &vec![entry("t", FieldValue::Timestamp(0))],
            &vec![entry("t", FieldValue::Timestamp(0))]
        ));
        // A timestamp argument is just its integer against a long header.
        assert!(headers_match(
            &vec![entry("t", FieldValue::Timestamp(7))],
            &vec![entry("t", FieldValue::Long(7))]
        ));
        let explain = explain_headers_match(&vec![entry("t", FieldValue::Timestamp(5))], &header);
        assert_eq!(
            explain.checks[0].outcome,
            HeaderArgOutcome::Differs {
                found: FieldValue::Timestamp(5)
            }
        );
    }

    #[test]
    fn headers_nested_tables_and_arrays_compare_with_their_types() {
        let array_long = vec![entry("a", FieldValue::Array(vec![FieldValue::Long(1)]))];
        assert!(headers_match(&array_long, &array_long));
        assert!(!headers_match(
            &array_long,
            &vec![entry("a", FieldValue::Array(vec![FieldValue::SignedInt(1)]))]
        ));
        let table = |v: FieldValue| vec![entry("t", FieldValue::Table(vec![entry("k", v)]))];
        assert!(headers_match(
            &table(FieldValue::longstr("v")),
            &table(FieldValue::longstr("v"))
        ));
        assert!(!headers_match(
            &table(FieldValue::longstr("v")),
            &table(FieldValue::Binary(b"v".to_vec()))
        ));
        // Nested timestamps are not converted.
        assert!(headers_match(
            &table(FieldValue::Timestamp(5)),
            &table(FieldValue::Timestamp(5))
        ));
        // An empty table and an empty array are both the empty Erlang list.
        assert!(headers_match(
            &vec![entry("e", FieldValue::Table(vec![]))],
            &vec![entry("e", FieldValue::Array(vec![]))]
        ));
        // Order inside a nested table matters.
        let ab = vec![entry("t", FieldValue::Table(vec![text("a", "1"), text("b", "2")]))];
        let ba = vec![entry("t", FieldValue::Table(vec![text("b", "2"), text("a", "1")]))];
        assert!(!headers_match(&ab, &ba));
    }

    #[test]
    fn headers_repeated_header_key_keeps_the_last_value() {
        let headers = vec![text("k", "first"), text("k", "last")];
        assert!(headers_match(&vec![text("k", "last")], &headers));
        assert!(!headers_match(&vec![text("k", "first")], &headers));
    }

    #[test]
    fn headers_any_matches_when_one_present_and_others_missing() {
        let args = vec![text("x-match", "any"), text("a", "1"), text("b", "2")];
        let explain = explain_headers_match(&args, &vec![text("b", "2")]);
        assert!(explain.matched);
        let outcomes: Vec<Option<bool>> = explain.checks.iter().map(|c| c.outcome.counts()).collect();
        assert_eq!(outcomes, vec![None, Some(false), Some(true)]);
        let explain = explain_headers_match(&args, &vec![text("a", "9")]);
        assert!(!explain.matched);
        assert_eq!(
            explain.checks[1].outcome,
            HeaderArgOutcome::Differs {
                found: FieldValue::longstr("9")
            }
        );
    }

    #[test]
    fn headers_exchange_ignores_routing_key_and_cc() {
        let t = headers_exchange_with(vec![text("k", "v")]);
        assert_eq!(routed_with(&t, "h", "whatever", &vec![text("k", "v")]), names(&["q"]));
        let cc_only = vec![entry("CC", longstr_array(&["q"]))];
        assert!(route(&t, "h", "q", &cc_only).unwrap().is_unroutable());
    }

    #[test]
    fn headers_exchange_does_not_see_bcc_but_sees_cc() {
        // BCC is stripped (mc_amqpl:init/1) before the exchange looks at the headers.
        let t = headers_exchange_with(vec![entry("BCC", FieldValue::Void)]);
        assert!(route(&t, "h", "", &vec![entry("BCC", longstr_array(&["x"]))])
            .unwrap()
            .is_unroutable());
        let t = headers_exchange_with(vec![entry("CC", FieldValue::Void)]);
        assert_eq!(
            routed_with(&t, "h", "", &vec![entry("CC", longstr_array(&["x"]))]),
            names(&["q"])
        );
    }

    #[test]
    fn headers_binding_refuses_bad_x_match_with_rabbitmq_texts() {
        // rabbit_exchange_type_headers:validate_binding/2, raised as precondition_failed by rabbit_channel.
        let mut t = vhost();
        queues(&mut t, &["q"]);
        let err = t
            .bind("amq.headers", &queue("q"), "", &vec![text("x-match", "ALL")])
            .unwrap_err();
        assert_eq!(err.code.value(), 406);
        assert_eq!(
            err.reply_text(),
            "PRECONDITION_FAILED - Invalid x-match field value <<\"ALL\">>; expected all, any, all-with-x, or any-with-x"
        );
        let err = t.bind(
            "amq.headers",
            &queue("q"),
            "",
            &vec![entry("x-match", FieldValue::Binary(b"all".to_vec()))],
        );
        assert_eq!(
            err.unwrap_err().explanation,
            "Invalid x-match field type binary (value <<\"all\">>); expected longstr"
        );
        let err = t.bind(
            "amq.headers",
            &queue("q"),
            "",
            &vec![entry("x-match", FieldValue::SignedInt(1))],
        );
        assert_eq!(
            err.unwrap_err().explanation,
            "Invalid x-match field type signedint (value 1); expected longstr"
        );
        for mode in ["all", "any", "all-with-x", "any-with-x"] {
            assert!(
                t.bind("amq.headers", &queue("q"), mode, &vec![text("x-match", mode)])
                    .is_ok(),
                "{mode}"
            );
        }
        // Only headers exchanges validate x-match.
        assert!(t
            .bind("amq.direct", &queue("q"), "k", &vec![text("x-match", "ALL")])
            .is_ok());
    }

    /// deps/rabbit/test/amqp_client_SUITE.erl (the dead-lettering-to-headers case with an alternate
    /// exchange): any-with-x bindings on x-fruit, everything else to a fanout alternate.
    #[test]
    fn headers_exchange_with_alternate_for_unmatched_messages() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("hx", ExchangeType::Headers).with_alternate("ae"))
            .unwrap();
        declare(&mut t, "ae", ExchangeType::Fanout);
        queues(&mut t, &["apple", "banana", "trash"]);
        bind_q_args(
            &mut t,
            "hx",
            "apple",
            vec![text("x-fruit", "apple"), text("x-match", "any-with-x")],
        );
        bind_q_args(
            &mut t,
            "hx",
            "banana",
            vec![text("x-fruit", "banana"), text("x-match", "any-with-x")],
        );
        bind_q(&mut t, "ae", "trash", "");
        assert_eq!(routed(&t, "hx", "t1"), names(&["trash"]));
        assert_eq!(
            routed_with(&t, "hx", "t3", &vec![text("x-fruit", "apple")]),
            names(&["apple"])
        );
    }

    // --- direct and fanout ----------------------------------------------------------------------

    /// deps/rabbit/test/exchanges_SUITE.erl, direct_exchange/1.
    #[test]
    fn direct_routes_on_exact_key_equality() {
        let mut t = vhost();
        queues(&mut t, &["q", "alt"]);
        bind_q(&mut t, "amq.direct", "q", "q");
        bind_q(&mut t, "amq.direct", "alt", "alt");
        assert_eq!(routed(&t, "amq.direct", "q"), names(&["q"]));
        assert!(route(&t, "amq.direct", "anyotherkey", &Table::new())
            .unwrap()
            .is_unroutable());
        // No wildcards, no prefixes, case matters.
        bind_q(&mut t, "amq.direct", "q", "a.*");
        assert!(routed(&t, "amq.direct", "a.b").is_empty());
        assert_eq!(routed(&t, "amq.direct", "a.*"), names(&["q"]));
        assert!(routed(&t, "amq.direct", "Q").is_empty());
    }

    /// deps/rabbit/test/exchanges_SUITE.erl, fanout_exchange/1.
    #[test]
    fn fanout_ignores_the_routing_key() {
        let mut t = vhost();
        queues(&mut t, &["q", "alt"]);
        bind_q(&mut t, "amq.fanout", "q", "q");
        bind_q(&mut t, "amq.fanout", "alt", "alt");
        assert_eq!(routed(&t, "amq.fanout", "q"), names(&["alt", "q"]));
        assert_eq!(routed(&t, "amq.fanout", "anyotherkey"), names(&["alt", "q"]));
    }

    /// deps/rabbit/test/bindings_SUITE.erl, binding_args_direct_exchange/1 and
    /// binding_args_fanout_exchange/1 (rabbitmq-server#14533).
    #[test]
    fn bindings_that_differ_only_in_arguments_are_distinct_and_arguments_do_not_route() {
        for x in ["amq.direct", "amq.fanout"] {
            let mut t = vhost();
            queues(&mut t, &["q"]);
            let args1 = vec![text("app", "app-1")];
            let args2 = vec![text("app", "app-2")];
            assert_eq!(t.bind(x, &queue("q"), "some-key", &args1), Ok(Declared::Created));
            assert_eq!(t.bind(x, &queue("q"), "some-key", &args2), Ok(Declared::Created));
            assert_eq!(t.bindings_from(x).len(), 2);
            // One copy despite two matching bindings.
            assert_eq!(routed(&t, x, "some-key"), names(&["q"]));
            assert_eq!(t.unbind(x, &queue("q"), "some-key", &args1), Ok(true));
            assert_eq!(routed(&t, x, "some-key"), names(&["q"]), "{x}");
        }
    }

    #[test]
    fn queue_gets_one_copy_however_many_bindings_and_keys_match() {
        let mut t = vhost();
        queues(&mut t, &["q"]);
        bind_q(&mut t, "amq.topic", "q", "a.*");
        bind_q(&mut t, "amq.topic", "q", "#");
        bind_q(&mut t, "amq.topic", "q", "a.b");
        let headers = vec![entry("CC", longstr_array(&["a.c", "a.b"]))];
        let r = route(&t, "amq.topic", "a.b", &headers).unwrap();
        assert_eq!(r.queues, names(&["q"]));
        assert_eq!(r.visits[0].bindings.iter().filter(|b| b.matched).count(), 3);
    }

    #[test]
    fn binding_twice_is_a_no_op_and_argument_order_does_not_matter() {
        let mut t = vhost();
        queues(&mut t, &["q"]);
        let ab = vec![text("a", "1"), text("b", "2")];
        let ba = vec![text("b", "2"), text("a", "1")];
        assert_eq!(t.bind("amq.direct", &queue("q"), "k", &ab), Ok(Declared::Created));
        assert_eq!(
            t.bind("amq.direct", &queue("q"), "k", &ba),
            Ok(Declared::AlreadyExisted)
        );
        assert_eq!(t.bindings_from("amq.direct")[0].arguments, ab);
        assert_eq!(t.unbind("amq.direct", &queue("q"), "k", &ba), Ok(true));
        assert_eq!(t.unbind("amq.direct", &queue("q"), "k", &ba), Ok(false));
    }

    #[test]
    fn queues_are_sorted_by_name() {
        let mut t = vhost();
        queues(&mut t, &["b", "a", "c"]);
        for q in ["c", "a", "b"] {
            bind_q(&mut t, "amq.fanout", q, "");
        }
        assert_eq!(routed(&t, "amq.fanout", ""), vec!["a", "b", "c"]);
    }

    // --- the default exchange -------------------------------------------------------------------

    #[test]
    fn default_exchange_routes_to_the_queue_named_by_the_key() {
        let mut t = vhost();
        queues(&mut t, &["orders"]);
        let r = route(&t, "", "orders", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["orders"]));
        assert_eq!(
            r.visits[0].default_lookups,
            vec![DefaultLookup {
                queue: "orders".into(),
                exists: true
            }]
        );
        let r = route(&t, "", "nobody", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(
            r.visits[0].default_lookups,
            vec![DefaultLookup {
                queue: "nobody".into(),
                exists: false
            }]
        );
    }

    #[test]
    fn default_exchange_routes_cc_keys_to_their_queues_once_each() {
        let mut t = vhost();
        queues(&mut t, &["q1", "q2"]);
        let headers = vec![
            entry("CC", longstr_array(&["q2", "q1", "missing"])),
            entry("BCC", longstr_array(&["q2"])),
        ];
        let r = route(&t, "", "q1", &headers).unwrap();
        assert_eq!(r.queues, names(&["q1", "q2"]));
        // rabbit_exchange:route/3 takes the distinct keys (lists:usort/1).
        let looked_up: Vec<&str> = r.visits[0].default_lookups.iter().map(|l| l.queue.as_str()).collect();
        assert_eq!(looked_up, vec!["missing", "q1", "q2"]);
    }

    #[test]
    fn default_exchange_cannot_be_bound_declared_or_unbound() {
        // rabbit_channel:check_not_default_exchange/1.
        let mut t = vhost();
        queues(&mut t, &["q"]);
        let refused = "ACCESS_REFUSED - operation not permitted on the default exchange";
        let err = t.bind("", &queue("q"), "q", &Table::new()).unwrap_err();
        assert_eq!((err.code.value(), err.reply_text().as_str()), (403, refused));
        assert_eq!(
            t.bind("", &exchange("amq.direct"), "k", &Table::new())
                .unwrap_err()
                .reply_text(),
            refused
        );
        assert_eq!(
            t.bind("amq.direct", &exchange(""), "k", &Table::new())
                .unwrap_err()
                .reply_text(),
            refused
        );
        assert_eq!(
            t.unbind("", &queue("q"), "q", &Table::new()).unwrap_err().reply_text(),
            refused
        );
        assert_eq!(
            t.declare_exchange(&Exchange::new("", ExchangeType::Direct))
                .unwrap_err()
                .reply_text(),
            refused
        );
        // The destination is checked first: a default-exchange destination beats a missing source.
        assert_eq!(
            t.bind("nope", &exchange(""), "k", &Table::new()).unwrap_err().code,
            ReplyCode::AccessRefused
        );
    }

    #[test]
    fn default_exchange_as_alternate_routes_nothing() {
        // Reached other than by publish, "" is a direct exchange with no stored bindings.
        let mut t = vhost();
        queues(&mut t, &["k"]);
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate(""))
            .unwrap();
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(r.visits.len(), 2);
        assert_eq!(r.visits[1].via, Via::Alternate { of: "x".into() });
        assert!(r.visits[1].default_lookups.is_empty());
    }

    // --- exchange-to-exchange -------------------------------------------------------------------

    /// deps/rabbit/test/bindings_SUITE.erl, bind_and_unbind_exchange/2: amq.direct -> X -> Q.
    #[test]
    fn exchange_to_exchange_chain_delivers_with_unchanged_key() {
        for kind in [ExchangeType::Direct, ExchangeType::Fanout] {
            let mut t = vhost();
            declare(&mut t, "x", kind);
            let source = if kind == ExchangeType::Direct {
                "amq.direct"
            } else {
                "amq.fanout"
            };
            bind_x(&mut t, source, "x", "some key");
            queues(&mut t, &["q"]);
            bind_q(&mut t, "x", "q", "some key");
            let r = route(&t, source, "some key", &Table::new()).unwrap();
            assert_eq!(r.queues, names(&["q"]));
            assert_eq!(r.visits[1].via, Via::Binding { source: source.into() });
            assert_eq!(t.unbind(source, &exchange("x"), "some key", &Table::new()), Ok(true));
            assert!(t.bindings_from(source).is_empty());
        }
    }

    #[test]
    fn exchange_to_exchange_into_topic_uses_the_original_keys() {
        let mut t = vhost();
        declare(&mut t, "in", ExchangeType::Fanout);
        bind_x(&mut t, "in", "amq.topic", "ignored-by-fanout");
        queues(&mut t, &["eu", "us"]);
        bind_q(&mut t, "amq.topic", "eu", "orders.eu.*");
        bind_q(&mut t, "amq.topic", "us", "orders.us.*");
        let headers = vec![entry("CC", longstr_array(&["orders.us.ny"]))];
        assert_eq!(routed_with(&t, "in", "orders.eu.paris", &headers), names(&["eu", "us"]));
    }

    #[test]
    fn exchange_cycle_terminates_and_visits_each_exchange_once() {
        let mut t = vhost();
        declare(&mut t, "a", ExchangeType::Fanout);
        t.declare_exchange(&Exchange::new("b", ExchangeType::Fanout).with_alternate("ae"))
            .unwrap();
        declare(&mut t, "ae", ExchangeType::Fanout);
        queues(&mut t, &["q", "trash"]);
        bind_x(&mut t, "a", "b", "");
        bind_x(&mut t, "b", "a", "");
        bind_q(&mut t, "b", "q", "");
        bind_q(&mut t, "ae", "trash", "");
        let r = route(&t, "a", "k", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["q"]));
        let visited: Vec<&str> = r.visits.iter().map(|v| v.exchange.as_str()).collect();
        assert_eq!(visited, vec!["a", "b"]);
        assert_eq!(
            visit(&r, "b").hops,
            vec![ExchangeHop {
                exchange: "a".into(),
                fate: HopFate::AlreadySeen
            }]
        );
        // b's binding back to a picked something, so b's alternate is not asked even though a was
        // already visited.
        let mut t2 = t.clone();
        t2.unbind("b", &queue("q"), "", &Table::new()).unwrap();
        let r = route(&t2, "a", "k", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(visit(&r, "b").alternate, AlternateUse::NotNeeded);
    }

    #[test]
    fn exchange_bound_to_itself_is_skipped() {
        let mut t = vhost();
        declare(&mut t, "a", ExchangeType::Fanout);
        bind_x(&mut t, "a", "a", "");
        let r = route(&t, "a", "", &Table::new()).unwrap();
        assert_eq!(r.visits.len(), 1);
        assert_eq!(r.visits[0].hops[0].fate, HopFate::AlreadySeen);
        assert!(r.is_unroutable());
    }

    #[test]
    fn exchange_diamond_delivers_one_copy_and_visits_the_join_once() {
        let mut t = vhost();
        for x in ["top", "left", "right", "join"] {
            declare(&mut t, x, ExchangeType::Fanout);
        }
        queues(&mut t, &["q"]);
        bind_x(&mut t, "top", "left", "");
        bind_x(&mut t, "top", "right", "");
        bind_x(&mut t, "left", "join", "");
        bind_x(&mut t, "right", "join", "");
        bind_q(&mut t, "join", "q", "");
        bind_q(&mut t, "left", "q", "");
        let r = route(&t, "top", "", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["q"]));
        let visited: Vec<&str> = r.visits.iter().map(|v| v.exchange.as_str()).collect();
        assert_eq!(visited, vec!["top", "left", "right", "join"]);
        assert_eq!(visit(&r, "right").hops[0].fate, HopFate::AlreadySeen);
    }

    #[test]
    fn internal_exchange_refuses_publish_but_routes_as_destination() {
        // rabbit_channel:check_internal_exchange/1.
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("inner", ExchangeType::Direct).internal())
            .unwrap();
        queues(&mut t, &["q"]);
        bind_q(&mut t, "inner", "q", "k");
        bind_x(&mut t, "amq.direct", "inner", "k");
        let err = route(&t, "inner", "k", &Table::new()).unwrap_err();
        assert_eq!(err.code.value(), 403);
        assert_eq!(
            err.reply_text(),
            "ACCESS_REFUSED - cannot publish to internal exchange 'inner' in vhost '/'"
        );
        assert_eq!(routed(&t, "amq.direct", "k"), names(&["q"]));
        assert!(route(&t, "amq.rabbitmq.trace", "k", &Table::new()).is_err());
    }

    #[test]
    fn publish_to_missing_exchange_is_not_found() {
        let t = Topology::new("shop");
        let err = route(&t, "nope", "k", &Table::new()).unwrap_err();
        assert_eq!(err.code.value(), 404);
        assert_eq!(err.reply_text(), "NOT_FOUND - no exchange 'nope' in vhost 'shop'");
        // The missing exchange is reported before any header problem.
        let bad = vec![entry("CC", FieldValue::Long(1))];
        assert_eq!(route(&t, "nope", "k", &bad).unwrap_err().code, ReplyCode::NotFound);
    }

    // --- alternate exchanges --------------------------------------------------------------------

    #[test]
    fn alternate_exchange_is_used_only_when_nothing_matched() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("ae"))
            .unwrap();
        declare(&mut t, "ae", ExchangeType::Fanout);
        queues(&mut t, &["q", "unrouted"]);
        bind_q(&mut t, "x", "q", "k");
        bind_q(&mut t, "ae", "unrouted", "");
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["q"]));
        assert_eq!(r.visits[0].alternate, AlternateUse::NotNeeded);
        let r = route(&t, "x", "other", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["unrouted"]));
        assert_eq!(
            r.visits[0].alternate,
            AlternateUse::Consulted(ExchangeHop {
                exchange: "ae".into(),
                fate: HopFate::Queued
            })
        );
        assert_eq!(r.visits[1].via, Via::Alternate { of: "x".into() });
    }

    #[test]
    fn alternate_exchange_not_used_when_only_an_exchange_destination_matched() {
        // The exchange destination counts as a match even if it routes nowhere.
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("ae"))
            .unwrap();
        declare(&mut t, "ae", ExchangeType::Fanout);
        declare(&mut t, "dead-end", ExchangeType::Direct);
        queues(&mut t, &["unrouted"]);
        bind_x(&mut t, "x", "dead-end", "k");
        bind_q(&mut t, "ae", "unrouted", "");
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(r.visits[0].alternate, AlternateUse::NotNeeded);
        assert_eq!(visit(&r, "dead-end").alternate, AlternateUse::NoneSet);
    }

    #[test]
    fn alternate_exchange_is_consulted_per_exchange_along_a_binding_chain() {
        // process_alternate/2 runs for every exchange visited, not just the publish target.
        let mut t = vhost();
        declare(&mut t, "front", ExchangeType::Fanout);
        t.declare_exchange(&Exchange::new("inner", ExchangeType::Direct).with_alternate("inner-ae"))
            .unwrap();
        declare(&mut t, "inner-ae", ExchangeType::Fanout);
        queues(&mut t, &["caught"]);
        bind_x(&mut t, "front", "inner", "");
        bind_q(&mut t, "inner-ae", "caught", "");
        let r = route(&t, "front", "k", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["caught"]));
        assert_eq!(r.visits[0].alternate, AlternateUse::NotNeeded);
        assert!(matches!(visit(&r, "inner").alternate, AlternateUse::Consulted(_)));
    }

    #[test]
    fn alternate_exchanges_chain() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("ae1"))
            .unwrap();
        t.declare_exchange(
            &Exchange::new("ae1", ExchangeType::Direct)
                .with_alternate("ae2")
                .internal(),
        )
        .unwrap();
        declare(&mut t, "ae2", ExchangeType::Fanout);
        queues(&mut t, &["last-resort"]);
        bind_q(&mut t, "ae2", "last-resort", "");
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert_eq!(r.queues, names(&["last-resort"]));
        let visited: Vec<&str> = r.visits.iter().map(|v| v.exchange.as_str()).collect();
        assert_eq!(visited, vec!["x", "ae1", "ae2"]);
    }

    #[test]
    fn missing_alternate_exchange_is_ignored() {
        // rabbit_exchange:cons_if_present/2: no error, the message is simply unroutable.
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("ghost"))
            .unwrap();
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(
            r.visits[0].alternate,
            AlternateUse::Consulted(ExchangeHop {
                exchange: "ghost".into(),
                fate: HopFate::Missing
            })
        );
    }

    #[test]
    fn alternate_exchange_cycle_and_self_alternate_terminate() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("y"))
            .unwrap();
        t.declare_exchange(&Exchange::new("y", ExchangeType::Direct).with_alternate("x"))
            .unwrap();
        t.declare_exchange(&Exchange::new("me", ExchangeType::Direct).with_alternate("me"))
            .unwrap();
        let r = route(&t, "x", "k", &Table::new()).unwrap();
        assert!(r.is_unroutable());
        assert_eq!(r.visits.len(), 2);
        assert_eq!(
            visit(&r, "y").alternate,
            AlternateUse::Consulted(ExchangeHop {
                exchange: "x".into(),
                fate: HopFate::AlreadySeen
            })
        );
        let r = route(&t, "me", "k", &Table::new()).unwrap();
        assert_eq!(r.visits.len(), 1);
    }

    // --- CC and BCC -----------------------------------------------------------------------------

    /// deps/rabbit/test/mc_unit_SUITE.erl, amqpl_cc_amqp_bin_amqpl/1: routing keys are the key, then CC.
    #[test]
    fn cc_entries_follow_the_routing_key_then_bcc() {
        let t = vhost();
        let headers = vec![
            entry("BCC", longstr_array(&["b1"])),
            entry("CC", longstr_array(&["q1", "q2"])),
        ];
        let r = route(&t, "amq.direct", "apple", &headers).unwrap();
        assert_eq!(r.routing_keys, vec!["apple", "q1", "q2", "b1"]);
    }

    #[test]
    fn bcc_is_removed_from_delivered_headers_and_cc_is_kept() {
        // deps/rabbit/test/dead_lettering_SUITE.erl checks the same on dead-lettered copies.
        let mut t = vhost();
        queues(&mut t, &["q", "secret"]);
        bind_q(&mut t, "amq.direct", "q", "k");
        bind_q(&mut t, "amq.direct", "secret", "s");
        let headers = vec![
            entry("CC", longstr_array(&["nobody"])),
            entry("BCC", longstr_array(&["s"])),
            text("other", "v"),
        ];
        let r = route(&t, "amq.direct", "k", &headers).unwrap();
        assert_eq!(r.queues, names(&["q", "secret"]));
        assert_eq!(
            r.delivered_headers,
            vec![entry("CC", longstr_array(&["nobody"])), text("other", "v")]
        );
    }

    #[test]
    fn cc_array_entries_that_are_not_longstr_are_skipped() {
        let mut t = vhost();
        queues(&mut t, &["q"]);
        let headers = vec![entry(
            "CC",
            FieldValue::Array(vec![
                FieldValue::Long(1),
                FieldValue::Binary(b"q".to_vec()),
                FieldValue::longstr("q"),
            ]),
        )];
        let r = route(&t, "", "none", &headers).unwrap();
        assert_eq!(r.routing_keys, vec!["none", "q"]);
        assert_eq!(r.queues, names(&["q"]));
    }

    /// deps/rabbit/test/queue_parallel_SUITE.erl (a CC header of type long closes the channel, 406).
    #[test]
    fn cc_or_bcc_header_that_is_not_an_array_is_refused() {
        let t = vhost();
        let err = route(&t, "", "q", &vec![entry("CC", FieldValue::Long(99))]).unwrap_err();
        assert_eq!(err.code.value(), 406);
        assert_eq!(
            err.reply_text(),
            "PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\"CC\",long}"
        );
        let err = route(&t, "", "q", &vec![text("BCC", "q")]).unwrap_err();
        assert_eq!(
            err.explanation,
            "invalid message: {unacceptable_type_in_header,\"BCC\",longstr}"
        );
        // Lower-case names are ordinary headers.
        assert!(route(&t, "", "q", &vec![entry("cc", FieldValue::Long(99))]).is_ok());
    }

    #[test]
    fn only_the_first_cc_and_bcc_headers_count_and_only_the_first_bcc_is_removed() {
        let t = vhost();
        let headers = vec![
            entry("CC", longstr_array(&["c1"])),
            entry("CC", longstr_array(&["c2"])),
            entry("BCC", longstr_array(&["b1"])),
            entry("BCC", longstr_array(&["b2"])),
        ];
        let r = route(&t, "amq.direct", "k", &headers).unwrap();
        assert_eq!(r.routing_keys, vec!["k", "c1", "b1"]);
        assert_eq!(r.delivered_headers.len(), 3);
        assert_eq!(r.delivered_headers[2], entry("BCC", longstr_array(&["b2"])));
    }

    #[test]
    fn publish_checks_run_missing_then_internal_then_headers() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("i", ExchangeType::Fanout).internal())
            .unwrap();
        let bad = vec![entry("CC", FieldValue::Void)];
        assert_eq!(route(&t, "i", "k", &bad).unwrap_err().code, ReplyCode::AccessRefused);
        assert_eq!(
            route(&t, "amq.fanout", "k", &bad).unwrap_err().explanation,
            "invalid message: {unacceptable_type_in_header,\"CC\",void}"
        );
    }

    // --- declaring and binding ------------------------------------------------------------------

    /// deps/rabbit/src/rabbit_vhost.erl declare_default_exchanges/2; the list exchanges_SUITE checks.
    #[test]
    fn new_vhost_has_the_standard_exchanges() {
        let t = vhost();
        let listed: Vec<(&str, ExchangeType, bool)> =
            t.exchanges().map(|x| (x.name.as_str(), x.kind, x.internal)).collect();
        assert_eq!(
            listed,
            vec![
                ("", ExchangeType::Direct, false),
                ("amq.direct", ExchangeType::Direct, false),
                ("amq.fanout", ExchangeType::Fanout, false),
                ("amq.headers", ExchangeType::Headers, false),
                ("amq.match", ExchangeType::Headers, false),
                ("amq.rabbitmq.trace", ExchangeType::Topic, true),
                ("amq.topic", ExchangeType::Topic, false),
            ]
        );
        // The log exchange exists only when the broker's exchange log output is configured.
        assert!(t.exchange("amq.rabbitmq.log").is_none());
        assert!(t.exchanges().all(|x| x.durable && !x.auto_delete));
        assert_eq!(t.bindings().count(), 0);
    }

    /// deps/rabbit/test/bindings_SUITE.erl bind_to_unknown_queue/1, bind_to_unknown_exchange/1;
    /// exchanges_SUITE invalid_exchange/1.
    #[test]
    fn binding_missing_ends_is_not_found_source_first() {
        let mut t = vhost();
        queues(&mut t, &["q"]);
        let err = t.bind("amq.direct", &queue("nope"), "k", &Table::new()).unwrap_err();
        assert_eq!(err.code.value(), 404);
        assert_eq!(err.reply_text(), "NOT_FOUND - no queue 'nope' in vhost '/'");
        let err = t.bind("invalid", &queue("q"), "q", &Table::new()).unwrap_err();
        assert_eq!(err.reply_text(), "NOT_FOUND - no exchange 'invalid' in vhost '/'");
        let err = t.bind("amq.direct", &exchange("x"), "key", &Table::new()).unwrap_err();
        assert_eq!(err.reply_text(), "NOT_FOUND - no exchange 'x' in vhost '/'");
        let err = t.bind("src", &queue("dst"), "k", &Table::new()).unwrap_err();
        assert_eq!(err.explanation, "no exchange 'src' in vhost '/'");
        assert_eq!(t.bindings().count(), 0);
        // Unbinding what is not there succeeds.
        assert_eq!(t.unbind("src", &queue("dst"), "k", &Table::new()), Ok(false));
    }

    #[test]
    fn declare_refuses_amq_prefix_for_new_names_only() {
        // rabbit_channel:check_name/2.
        let mut t = vhost();
        let err = t
            .declare_exchange(&Exchange::new("amq.mine", ExchangeType::Direct))
            .unwrap_err();
        assert_eq!(err.code.value(), 403);
        assert_eq!(
            err.reply_text(),
            "ACCESS_REFUSED - exchange name 'amq.mine' contains reserved prefix 'amq.*'"
        );
        // An existing amq.* name may be redeclared (equivalently: the standard ones are durable).
        assert_eq!(
            t.declare_exchange(&Exchange::new("amq.direct", ExchangeType::Direct).durable()),
            Ok(Declared::AlreadyExisted)
        );
        let err = t.declare_queue("amq.q").unwrap_err();
        assert_eq!(err.explanation, "queue name 'amq.q' contains reserved prefix 'amq.*'");
        assert_eq!(t.declare_server_named_queue("amq.gen-abc"), Declared::Created);
        assert!(t.has_queue("amq.gen-abc"));
    }

    #[test]
    fn redeclare_must_be_equivalent() {
        // rabbit_exchange:assert_equivalence/6 and rabbit_misc:equivalence_fail/4.
        let mut t = vhost();
        let x = Exchange::new("x", ExchangeType::Direct);
        assert_eq!(t.declare_exchange(&x), Ok(Declared::Created));
        assert_eq!(t.declare_exchange(&x), Ok(Declared::AlreadyExisted));
        let err = t
            .declare_exchange(&Exchange::new("x", ExchangeType::Fanout))
            .unwrap_err();
        assert_eq!(
            err.reply_text(),
            "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost '/': received 'fanout' but current is 'direct'"
        );
        let err = t.declare_exchange(&x.clone().internal()).unwrap_err();
        assert_eq!(
            err.explanation,
            "inequivalent arg 'internal' for exchange 'x' in vhost '/': received 'true' but current is 'false'"
        );
        let err = t.declare_exchange(&x.clone().with_alternate("ae")).unwrap_err();
        assert_eq!(
            err.explanation,
            "inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received the value 'ae' of type \
             'longstr' but current is none"
        );
    }

    /// Found by review against rabbit_exchange:assert_equivalence/6 and
    /// rabbit_misc:assert_args_equivalence1/4: durable and auto_delete are checked (the standard
    /// exchanges are durable), and two different alternate exchanges print bare values.
    #[test]
    fn redeclare_checks_durable_auto_delete_and_names_both_alternates() {
        let mut t = vhost();
        let err = t
            .declare_exchange(&Exchange::new("amq.topic", ExchangeType::Topic))
            .unwrap_err();
        assert_eq!(
            err.reply_text(),
            "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.topic' in vhost '/': received 'false' but current is 'true'"
        );
        assert_eq!(
            t.declare_exchange(&Exchange::new("amq.topic", ExchangeType::Topic).durable()),
            Ok(Declared::AlreadyExisted)
        );
        let x = Exchange::new("x", ExchangeType::Direct).with_alternate("a");
        t.declare_exchange(&x).unwrap();
        let err = t.declare_exchange(&x.clone().auto_delete()).unwrap_err();
        assert_eq!(
            err.explanation,
            "inequivalent arg 'auto_delete' for exchange 'x' in vhost '/': received 'true' but current is 'false'"
        );
        let err = t
            .declare_exchange(&Exchange::new("x", ExchangeType::Direct).with_alternate("b"))
            .unwrap_err();
        assert_eq!(
            err.explanation,
            "inequivalent arg 'alternate-exchange' for exchange 'x' in vhost '/': received 'b' but current is 'a'"
        );
    }

    /// Found by review: a queue name that is empty once CR/LF are stripped asks for a server name.
    #[test]
    fn declaring_an_empty_queue_name_creates_nothing_and_asks_for_a_server_name() {
        let mut t = vhost();
        for name in ["", "\n", "\r\n"] {
            assert_eq!(t.declare_queue(name), Ok(Declared::NeedsServerName));
        }
        assert_eq!(t.queues().count(), 0);
        let routed = route(&t, "", "", &Table::new()).unwrap();
        assert!(routed.is_unroutable());
    }

    #[test]
    fn names_lose_cr_and_lf_on_declare_and_bind_but_not_on_publish() {
        let mut t = vhost();
        t.declare_exchange(&Exchange::new("x\r\n", ExchangeType::Fanout))
            .unwrap();
        t.declare_queue("q\n").unwrap();
        assert!(t.exchange("x").is_some());
        assert!(t.has_queue("q"));
        t.bind("x\n", &queue("q\r"), "key\n", &Table::new()).unwrap();
        assert_eq!(t.bindings_from("x")[0].routing_key, "key\n");
        assert_eq!(routed(&t, "x", ""), names(&["q"]));
        assert_eq!(
            route(&t, "x\n", "", &Table::new()).unwrap_err().code,
            ReplyCode::NotFound
        );
    }

    #[test]
    fn visit_trail_explains_each_binding() {
        let mut t = vhost();
        queues(&mut t, &["a", "b"]);
        bind_q(&mut t, "amq.topic", "a", "orders.*");
        bind_q(&mut t, "amq.topic", "b", "payments.#");
        let r = route(&t, "amq.topic", "orders.eu", &Table::new()).unwrap();
        let v = &r.visits[0];
        assert_eq!(
            (v.exchange.as_str(), v.kind, &v.via),
            ("amq.topic", ExchangeType::Topic, &Via::Publish)
        );
        assert!(v.bindings[0].matched);
        match &v.bindings[0].reason {
            BindingReason::Topic { matched: Some(m) } => assert_eq!(m.spans[1].words, vec![String::from("eu")]),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(v.bindings[1].reason, BindingReason::Topic { matched: None });
        assert_eq!(v.alternate, AlternateUse::NotNeeded);
    }

    #[test]
    fn reply_codes_have_amqp_values_and_names() {
        let all = [
            (ReplyCode::NoRoute, 312, "NO_ROUTE"),
            (ReplyCode::AccessRefused, 403, "ACCESS_REFUSED"),
            (ReplyCode::NotFound, 404, "NOT_FOUND"),
            (ReplyCode::PreconditionFailed, 406, "PRECONDITION_FAILED"),
        ];
        for (code, value, name) in all {
            assert_eq!((code.value(), code.name()), (value, name));
        }
        assert_eq!(NO_ROUTE_REPLY_TEXT, ReplyCode::NoRoute.name());
    }

    #[test]
    fn field_values_serialize_with_rabbitmq_type_names() {
        let table: Table = vec![
            entry("n", FieldValue::SignedInt(-3)),
            entry("s", FieldValue::longstr("v")),
            entry("d", FieldValue::Decimal { scale: 2, value: 150 }),
            entry("v", FieldValue::Void),
        ];
        let json = serde_json::to_string(&table).unwrap();
        assert_eq!(
            json,
            r#"[["n",{"type":"signedint","value":-3}],["s",{"type":"longstr","value":"v"}],["d",{"type":"decimal","value":{"scale":2,"value":150}}],["v",{"type":"void"}]]"#
        );
        let back: Table = serde_json::from_str(&json).unwrap();
        assert_eq!(back, table);
        let x: Exchange = serde_json::from_str(r#"{"name":"x","type":"topic","alternate_exchange":"ae"}"#).unwrap();
        assert_eq!(x, Exchange::new("x", ExchangeType::Topic).with_alternate("ae"));
    }

    #[test]
    fn erlang_term_text_prints_like_tp() {
        assert_eq!(erlang_binary_text(b""), "<<>>");
        assert_eq!(erlang_binary_text(b"a\"b"), "<<\"a\\\"b\">>");
        assert_eq!(erlang_binary_text("é".as_bytes()), "<<\"é\"/utf8>>");
        assert_eq!(erlang_binary_text(&[0, 255]), "<<0,255>>");
        assert_eq!(erlang_term_text(&FieldValue::Double(1.5)), "1.5");
        assert_eq!(erlang_term_text(&FieldValue::Double(1e20)), "1.0e20");
        assert_eq!(erlang_term_text(&FieldValue::Decimal { scale: 1, value: 5 }), "{1,5}");
        assert_eq!(
            erlang_term_text(&FieldValue::Array(vec![FieldValue::Long(1), FieldValue::longstr("a")])),
            "[{long,1},{longstr,<<\"a\">>}]"
        );
    }
}
