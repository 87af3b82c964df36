//! RabbitMQ's trace entries and their sentences. Every entry is told when it is made (names and
//! text kept), so the stored event is a box of [`Told`]; a document publishes at most
//! `spec::MAX_MESSAGES` messages, which bounds them. The `kind` of each entry is the AMQP method
//! a client would see (`basic.deliver`, `queue.declare-ok`, `channel.close`, ...) or, for what
//! happens inside the broker, a plain name (`dead-lettered`, `queue.deleted`).
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::queue::Properties;
use super::routing::Table;
use crate::kernel::trace::Lang;

/// A stored RabbitMQ event: already told.
pub type Event = alloc::boxed::Box<Told>;

fn is_false(b: &bool) -> bool {
    !*b
}

/// A message as a client receives it (`basic.deliver` / `basic.get-ok` content).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Content {
    /// mqplay's publish number (`#3`): every copy of one publish has the same.
    pub message: u64,
    pub exchange: String,
    pub routing_key: String,
    pub redelivered: bool,
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    #[serde(skip_serializing_if = "is_default_properties")]
    pub properties: Properties,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Table,
}

fn is_default_properties(p: &Properties) -> bool {
    *p == Properties::default()
}

/// A binding that matched while routing, as `source → destination (key)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub source: String,
    /// `queue` or `exchange`.
    pub kind: &'static str,
    pub destination: String,
    pub routing_key: String,
}

/// What a settle did to one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settled {
    pub delivery_tag: u64,
    pub queue: String,
    pub message: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum Told {
    /// The script used a channel that was not open: the client opened it (and the connection).
    #[serde(rename = "channel.open-ok")]
    ChannelOpenOk {
        connection: String,
        channel: u16,
        #[serde(skip_serializing_if = "is_false")]
        connection_opened: bool,
    },
    #[serde(rename = "exchange.declare-ok")]
    ExchangeDeclareOk {
        connection: String,
        channel: u16,
        exchange: String,
        #[serde(rename = "type")]
        kind: &'static str,
        created: bool,
    },
    #[serde(rename = "exchange.delete-ok")]
    ExchangeDeleteOk {
        connection: String,
        channel: u16,
        exchange: String,
        /// False when there was no such exchange (RabbitMQ still answers delete-ok).
        existed: bool,
    },
    #[serde(rename = "queue.declare-ok")]
    QueueDeclareOk {
        connection: String,
        channel: u16,
        queue: String,
        message_count: u64,
        consumer_count: u64,
        created: bool,
        #[serde(skip_serializing_if = "is_false")]
        passive: bool,
    },
    #[serde(rename = "queue.delete-ok")]
    QueueDeleteOk {
        connection: String,
        channel: u16,
        queue: String,
        message_count: u64,
    },
    #[serde(rename = "queue.purge-ok")]
    QueuePurgeOk {
        connection: String,
        channel: u16,
        queue: String,
        message_count: u64,
    },
    #[serde(rename = "queue.bind-ok")]
    QueueBindOk {
        connection: String,
        channel: u16,
        queue: String,
        exchange: String,
        routing_key: String,
        created: bool,
    },
    #[serde(rename = "queue.unbind-ok")]
    QueueUnbindOk {
        connection: String,
        channel: u16,
        queue: String,
        exchange: String,
        routing_key: String,
        removed: bool,
    },
    #[serde(rename = "exchange.bind-ok")]
    ExchangeBindOk {
        connection: String,
        channel: u16,
        destination: String,
        source: String,
        routing_key: String,
        created: bool,
    },
    #[serde(rename = "exchange.unbind-ok")]
    ExchangeUnbindOk {
        connection: String,
        channel: u16,
        destination: String,
        source: String,
        routing_key: String,
        removed: bool,
    },
    #[serde(rename = "confirm.select-ok")]
    ConfirmSelectOk { connection: String, channel: u16 },
    #[serde(rename = "basic.qos-ok")]
    BasicQosOk {
        connection: String,
        channel: u16,
        prefetch_count: u16,
        global: bool,
    },
    #[serde(rename = "basic.consume-ok")]
    BasicConsumeOk {
        connection: String,
        channel: u16,
        consumer_tag: String,
        queue: String,
        /// The prefetch limit this consumer got (0: none).
        prefetch_count: u16,
    },
    #[serde(rename = "basic.cancel-ok")]
    BasicCancelOk {
        connection: String,
        channel: u16,
        consumer_tag: String,
    },
    /// The broker cancelled a consumer because its queue went (consumer cancel notification).
    #[serde(rename = "basic.cancel")]
    BasicCancel {
        connection: String,
        channel: u16,
        consumer_tag: String,
        queue: String,
    },
    #[serde(rename = "basic.recover-ok")]
    BasicRecoverOk {
        connection: String,
        channel: u16,
        requeued: Vec<Settled>,
    },
    #[serde(rename = "channel.close-ok")]
    ChannelCloseOk {
        connection: String,
        channel: u16,
        requeued: Vec<Settled>,
    },
    #[serde(rename = "connection.close-ok")]
    ConnectionCloseOk { connection: String, requeued: Vec<Settled> },
    /// What a publish did inside the broker: the exchanges it crossed and the queues it reached.
    #[serde(rename = "basic.publish")]
    BasicPublish {
        connection: String,
        channel: u16,
        message: u64,
        exchange: String,
        routing_key: String,
        body: String,
        /// Under confirms: the publish sequence number the confirm will carry.
        #[serde(skip_serializing_if = "Option::is_none")]
        publish_seq: Option<u64>,
        /// Bindings that matched, in the order they were looked at.
        matched: Vec<Hop>,
        /// Alternate exchanges consulted because nothing else matched.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        alternates: Vec<String>,
        queues: Vec<String>,
        /// Queues that refused it (`x-overflow` reject-publish / reject-publish-dlx).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        refused_by: Vec<String>,
    },
    #[serde(rename = "basic.return")]
    BasicReturn {
        connection: String,
        channel: u16,
        message: u64,
        reply_code: u16,
        reply_text: String,
        exchange: String,
        routing_key: String,
    },
    /// A publisher confirm (`basic.ack` from the broker).
    #[serde(rename = "confirm.basic.ack")]
    ConfirmAck {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        multiple: bool,
    },
    /// A negative publisher confirm (`basic.nack` from the broker).
    #[serde(rename = "confirm.basic.nack")]
    ConfirmNack {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        multiple: bool,
    },
    #[serde(rename = "basic.deliver")]
    BasicDeliver {
        connection: String,
        channel: u16,
        consumer_tag: String,
        delivery_tag: u64,
        queue: String,
        /// The n-th delivery to this consumer (what `nth` in a script refers to).
        nth: u64,
        #[serde(flatten)]
        content: Content,
    },
    #[serde(rename = "basic.get-ok")]
    BasicGetOk {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        queue: String,
        message_count: u64,
        #[serde(flatten)]
        content: Content,
    },
    #[serde(rename = "basic.get-empty")]
    BasicGetEmpty {
        connection: String,
        channel: u16,
        queue: String,
    },
    /// The client settled deliveries: `basic.ack`, `basic.nack` or `basic.reject`.
    #[serde(rename = "basic.ack")]
    BasicAck {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        multiple: bool,
        settled: Vec<Settled>,
        /// Sent by the consumer's `on_delivery` callback rather than a script line.
        #[serde(skip_serializing_if = "is_false")]
        callback: bool,
    },
    #[serde(rename = "basic.nack")]
    BasicNack {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        multiple: bool,
        requeue: bool,
        settled: Vec<Settled>,
        #[serde(skip_serializing_if = "is_false")]
        callback: bool,
    },
    #[serde(rename = "basic.reject")]
    BasicReject {
        connection: String,
        channel: u16,
        delivery_tag: u64,
        requeue: bool,
        settled: Vec<Settled>,
        #[serde(skip_serializing_if = "is_false")]
        callback: bool,
    },
    /// A message left a queue undelivered (expired, over a length limit, rejected without
    /// requeue, past the delivery limit) and went to the queue's dead-letter exchange.
    #[serde(rename = "dead-lettered")]
    DeadLettered {
        queue: String,
        message: u64,
        reason: &'static str,
        dead_letter_exchange: String,
        routing_keys: Vec<String>,
        queues: Vec<String>,
        /// Queues skipped because the message would cycle back with no rejection in between.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        cycle_dropped: Vec<String>,
        #[serde(skip_serializing_if = "is_false")]
        exchange_missing: bool,
    },
    /// A message left a queue undelivered and the queue has no dead-letter exchange: it is gone.
    #[serde(rename = "message.dropped")]
    MessageDropped {
        queue: String,
        message: u64,
        reason: &'static str,
    },
    #[serde(rename = "channel.close")]
    ChannelClose {
        connection: String,
        channel: u16,
        reply_code: u16,
        reply_text: String,
        /// The method that failed (`queue.declare`, `basic.ack`, ...).
        method: &'static str,
        requeued: Vec<Settled>,
    },
    #[serde(rename = "connection.close")]
    ConnectionClose {
        connection: String,
        reply_code: u16,
        reply_text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        method: Option<&'static str>,
        requeued: Vec<Settled>,
    },
    #[serde(rename = "queue.deleted")]
    QueueDeleted {
        queue: String,
        /// `auto_delete` (last consumer gone), `exclusive` (owner connection closed), `expires`
        /// (`x-expires` idle time), `restart` (not durable), `delete` (queue.delete).
        why: &'static str,
        messages_lost: u64,
    },
    #[serde(rename = "exchange.deleted")]
    ExchangeDeleted {
        exchange: String,
        /// `auto_delete` (lost its last binding) or `restart` (not durable).
        why: &'static str,
    },
    #[serde(rename = "broker.restarted")]
    BrokerRestarted {
        /// Queues that survived, each with the messages it lost (transient ones in classic queues).
        kept: Vec<QueueAfterRestart>,
        bindings_lost: u64,
    },
    /// A script line that no client could send yet (the n-th delivery has not happened), skipped.
    #[serde(rename = "script.skipped")]
    ScriptSkipped {
        connection: String,
        channel: u16,
        method: &'static str,
        #[serde(flatten)]
        why: Skip,
    },
    #[serde(rename = "limit.reached")]
    LimitReached { what: &'static str, limit: u64 },
}

/// Why a script line was not sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Skip {
    ChannelNotOpen,
    ConnectionNotOpen,
    NoConsumer { consumer_tag: String },
    NotYetDelivered { consumer_tag: String, nth: u64, got: u64 },
}

impl Skip {
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Skip::ChannelNotOpen, Lang::En) => "the channel is not open".into(),
            (Skip::ChannelNotOpen, Lang::Zh) => "信道没有打开".into(),
            (Skip::ConnectionNotOpen, Lang::En) => "the connection is not open".into(),
            (Skip::ConnectionNotOpen, Lang::Zh) => "连接没有打开".into(),
            (Skip::NoConsumer { consumer_tag }, Lang::En) => format!("this channel has no consumer `{consumer_tag}`"),
            (Skip::NoConsumer { consumer_tag }, Lang::Zh) => format!("本信道没有消费者 `{consumer_tag}`"),
            (Skip::NotYetDelivered { consumer_tag, nth, got }, Lang::En) => {
                format!("`{consumer_tag}` has had {got} deliveries, not yet delivery number {nth}")
            }
            (Skip::NotYetDelivered { consumer_tag, nth, got }, Lang::Zh) => {
                format!("`{consumer_tag}` 只收到 {got} 次投递，还没有第 {nth} 次")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueAfterRestart {
    pub queue: String,
    pub messages: u64,
    pub messages_lost: u64,
}

fn list(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        return match lang {
            Lang::En => "no queue".into(),
            Lang::Zh => "没有队列".into(),
        };
    }
    items.join(", ")
}

fn tags(settled: &[Settled]) -> String {
    if settled.is_empty() {
        return "nothing was unacked, so nothing".into();
    }
    let parts: Vec<String> = settled
        .iter()
        .map(|s| format!("#{} from {}", s.message, s.queue))
        .collect();
    parts.join(", ")
}

fn tags_zh(settled: &[Settled]) -> String {
    if settled.is_empty() {
        return "没有未确认的消息，无事可做；".into();
    }
    let parts: Vec<String> = settled
        .iter()
        .map(|s| format!("{} 的 #{}", s.queue, s.message))
        .collect();
    parts.join("、")
}

fn reason_zh(reason: &str) -> &'static str {
    match reason {
        "expired" => "过期（TTL）",
        "maxlen" => "超出队列长度上限",
        "rejected" => "被拒绝且不重新入队",
        "delivery_limit" => "超过投递次数上限",
        _ => "其他原因",
    }
}

fn reason_en(reason: &str) -> &'static str {
    match reason {
        "expired" => "it expired (TTL)",
        "maxlen" => "the queue was over its length limit",
        "rejected" => "it was rejected without requeue",
        "delivery_limit" => "it was delivered more often than the delivery limit",
        _ => "of something else",
    }
}

fn on(connection: &str, channel: u16) -> String {
    format!("{connection}/ch{channel}")
}

impl Told {
    /// The explanation key: the entry's `kind`.
    pub fn key(&self) -> &'static str {
        match self {
            Told::ChannelOpenOk { .. } => "channel.open-ok",
            Told::ExchangeDeclareOk { .. } => "exchange.declare-ok",
            Told::ExchangeDeleteOk { .. } => "exchange.delete-ok",
            Told::QueueDeclareOk { .. } => "queue.declare-ok",
            Told::QueueDeleteOk { .. } => "queue.delete-ok",
            Told::QueuePurgeOk { .. } => "queue.purge-ok",
            Told::QueueBindOk { .. } => "queue.bind-ok",
            Told::QueueUnbindOk { .. } => "queue.unbind-ok",
            Told::ExchangeBindOk { .. } => "exchange.bind-ok",
            Told::ExchangeUnbindOk { .. } => "exchange.unbind-ok",
            Told::ConfirmSelectOk { .. } => "confirm.select-ok",
            Told::BasicQosOk { .. } => "basic.qos-ok",
            Told::BasicConsumeOk { .. } => "basic.consume-ok",
            Told::BasicCancelOk { .. } => "basic.cancel-ok",
            Told::BasicCancel { .. } => "basic.cancel",
            Told::BasicRecoverOk { .. } => "basic.recover-ok",
            Told::ChannelCloseOk { .. } => "channel.close-ok",
            Told::ConnectionCloseOk { .. } => "connection.close-ok",
            Told::BasicPublish { .. } => "basic.publish",
            Told::BasicReturn { .. } => "basic.return",
            Told::ConfirmAck { .. } => "confirm.basic.ack",
            Told::ConfirmNack { .. } => "confirm.basic.nack",
            Told::BasicDeliver { .. } => "basic.deliver",
            Told::BasicGetOk { .. } => "basic.get-ok",
            Told::BasicGetEmpty { .. } => "basic.get-empty",
            Told::BasicAck { .. } => "basic.ack",
            Told::BasicNack { .. } => "basic.nack",
            Told::BasicReject { .. } => "basic.reject",
            Told::DeadLettered { .. } => "dead-lettered",
            Told::MessageDropped { .. } => "message.dropped",
            Told::ChannelClose { .. } => "channel.close",
            Told::ConnectionClose { .. } => "connection.close",
            Told::QueueDeleted { .. } => "queue.deleted",
            Told::ExchangeDeleted { .. } => "exchange.deleted",
            Told::BrokerRestarted { .. } => "broker.restarted",
            Told::ScriptSkipped { .. } => "script.skipped",
            Told::LimitReached { .. } => "limit.reached",
        }
    }

    /// The sentences have no hidden arithmetic to leave out, so the plain form is the full one.
    pub fn plain_sentence(&self, _lang: Lang) -> Option<String> {
        None
    }

    pub fn sentence(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        use Told as K;
        let yes_no = |b: bool, en_yes: &str, en_no: &str, zh_yes: &str, zh_no: &str| -> String {
            match (lang, b) {
                (En, true) => en_yes.into(),
                (En, false) => en_no.into(),
                (Zh, true) => zh_yes.into(),
                (Zh, false) => zh_no.into(),
            }
        };
        match (self, lang) {
            (K::ChannelOpenOk { connection, channel, connection_opened }, En) => {
                let conn = if *connection_opened { "connection opened, " } else { "" };
                format!("{}: {conn}channel {channel} opened (channel.open-ok)", connection)
            }
            (K::ChannelOpenOk { connection, channel, connection_opened }, Zh) => {
                let conn = if *connection_opened { "连接已建立，" } else { "" };
                format!("{connection}：{conn}信道 {channel} 已打开（channel.open-ok）")
            }
            (K::ExchangeDeclareOk { connection, channel, exchange, kind, created }, _) => {
                let how = yes_no(*created, "created", "already existed, equivalent", "新建", "已存在且参数一致");
                match lang {
                    En => format!("{}: exchange.declare-ok: {kind} exchange `{exchange}` {how}", on(connection, *channel)),
                    Zh => format!("{}：exchange.declare-ok：{kind} 交换机 `{exchange}` {how}", on(connection, *channel)),
                }
            }
            (K::ExchangeDeleteOk { connection, channel, exchange, existed }, En) => {
                let what = if *existed { "deleted with its bindings" } else { "did not exist (delete-ok all the same)" };
                format!("{}: exchange.delete-ok: `{exchange}` {what}", on(connection, *channel))
            }
            (K::ExchangeDeleteOk { connection, channel, exchange, existed }, Zh) => {
                let what = if *existed { "连同绑定一起删除" } else { "本不存在（RabbitMQ 照样回 delete-ok）" };
                format!("{}：exchange.delete-ok：`{exchange}` {what}", on(connection, *channel))
            }
            (K::QueueDeclareOk { connection, channel, queue, message_count, consumer_count, created, passive }, En) => {
                let how = if *passive { "exists" } else if *created { "created" } else { "already existed, equivalent" };
                format!("{}: queue.declare-ok: `{queue}` {how}; {message_count} ready, {consumer_count} consumers", on(connection, *channel))
            }
            (K::QueueDeclareOk { connection, channel, queue, message_count, consumer_count, created, passive }, Zh) => {
                let how = if *passive { "存在" } else if *created { "新建" } else { "已存在且参数一致" };
                format!("{}：queue.declare-ok：`{queue}` {how}；{message_count} 条就绪，{consumer_count} 个消费者", on(connection, *channel))
            }
            (K::QueueDeleteOk { connection, channel, queue, message_count }, En) => {
                format!("{}: queue.delete-ok: `{queue}` deleted with {message_count} ready messages", on(connection, *channel))
            }
            (K::QueueDeleteOk { connection, channel, queue, message_count }, Zh) => {
                format!("{}：queue.delete-ok：`{queue}` 已删除，丢弃 {message_count} 条就绪消息", on(connection, *channel))
            }
            (K::QueuePurgeOk { connection, channel, queue, message_count }, En) => {
                format!("{}: queue.purge-ok: {message_count} ready messages removed from `{queue}` (unacked ones stay)", on(connection, *channel))
            }
            (K::QueuePurgeOk { connection, channel, queue, message_count }, Zh) => {
                format!("{}：queue.purge-ok：从 `{queue}` 清除 {message_count} 条就绪消息（未确认的保留）", on(connection, *channel))
            }
            (K::QueueBindOk { connection, channel, queue, exchange, routing_key, created }, _) => {
                let how = yes_no(*created, "", " (the same binding already existed)", "", "（相同绑定已存在）");
                match lang {
                    En => format!("{}: queue.bind-ok: `{exchange}` → queue `{queue}` with key `{routing_key}`{how}", on(connection, *channel)),
                    Zh => format!("{}：queue.bind-ok：`{exchange}` → 队列 `{queue}`，绑定键 `{routing_key}`{how}", on(connection, *channel)),
                }
            }
            (K::QueueUnbindOk { connection, channel, queue, exchange, routing_key, removed }, _) => {
                let how = yes_no(*removed, "", " (there was no such binding)", "", "（本无此绑定）");
                match lang {
                    En => format!("{}: queue.unbind-ok: `{exchange}` → `{queue}` key `{routing_key}` removed{how}", on(connection, *channel)),
                    Zh => format!("{}：queue.unbind-ok：解除 `{exchange}` → `{queue}`（`{routing_key}`）{how}", on(connection, *channel)),
                }
            }
            (K::ExchangeBindOk { connection, channel, destination, source, routing_key, created }, _) => {
                let how = yes_no(*created, "", " (the same binding already existed)", "", "（相同绑定已存在）");
                match lang {
                    En => format!("{}: exchange.bind-ok: `{source}` → exchange `{destination}` with key `{routing_key}`{how}", on(connection, *channel)),
                    Zh => format!("{}：exchange.bind-ok：`{source}` → 交换机 `{destination}`，绑定键 `{routing_key}`{how}", on(connection, *channel)),
                }
            }
            (K::ExchangeUnbindOk { connection, channel, destination, source, routing_key, removed }, _) => {
                let how = yes_no(*removed, "", " (there was no such binding)", "", "（本无此绑定）");
                match lang {
                    En => format!("{}: exchange.unbind-ok: `{source}` → `{destination}` key `{routing_key}` removed{how}", on(connection, *channel)),
                    Zh => format!("{}：exchange.unbind-ok：解除 `{source}` → `{destination}`（`{routing_key}`）{how}", on(connection, *channel)),
                }
            }
            (K::ConfirmSelectOk { connection, channel }, En) => {
                format!("{}: confirm.select-ok: from now on every publish on this channel is confirmed with basic.ack or basic.nack", on(connection, *channel))
            }
            (K::ConfirmSelectOk { connection, channel }, Zh) => {
                format!("{}：confirm.select-ok：此后本信道的每次发布都会收到 basic.ack 或 basic.nack 确认", on(connection, *channel))
            }
            (K::BasicQosOk { connection, channel, prefetch_count, global }, En) => {
                let scope = if *global { "shared by every consumer on the channel, at once" } else { "for each consumer started after this" };
                format!("{}: basic.qos-ok: prefetch {prefetch_count} {scope}", on(connection, *channel))
            }
            (K::BasicQosOk { connection, channel, prefetch_count, global }, Zh) => {
                let scope = if *global { "由本信道所有消费者共享，立即生效" } else { "作用于此后开始的每个消费者" };
                format!("{}：basic.qos-ok：预取 {prefetch_count}，{scope}", on(connection, *channel))
            }
            (K::BasicConsumeOk { connection, channel, consumer_tag, queue, prefetch_count }, En) => {
                let limit = if *prefetch_count == 0 { "no prefetch limit".into() } else { format!("at most {prefetch_count} unacked") };
                format!("{}: basic.consume-ok: consumer `{consumer_tag}` on `{queue}`, {limit}", on(connection, *channel))
            }
            (K::BasicConsumeOk { connection, channel, consumer_tag, queue, prefetch_count }, Zh) => {
                let limit = if *prefetch_count == 0 { "不限预取".into() } else { format!("最多 {prefetch_count} 条未确认") };
                format!("{}：basic.consume-ok：消费者 `{consumer_tag}` 订阅 `{queue}`，{limit}", on(connection, *channel))
            }
            (K::BasicCancelOk { connection, channel, consumer_tag }, En) => {
                format!("{}: basic.cancel-ok: consumer `{consumer_tag}` gets no more deliveries; what it holds stays unacked", on(connection, *channel))
            }
            (K::BasicCancelOk { connection, channel, consumer_tag }, Zh) => {
                format!("{}：basic.cancel-ok：消费者 `{consumer_tag}` 不再收到投递；手里未确认的消息仍未确认", on(connection, *channel))
            }
            (K::BasicCancel { connection, channel, consumer_tag, queue }, En) => {
                format!("{}: basic.cancel from the broker: queue `{queue}` is gone, so consumer `{consumer_tag}` is cancelled", on(connection, *channel))
            }
            (K::BasicCancel { connection, channel, consumer_tag, queue }, Zh) => {
                format!("{}：broker 发来 basic.cancel：队列 `{queue}` 已不存在，消费者 `{consumer_tag}` 被取消", on(connection, *channel))
            }
            (K::BasicRecoverOk { connection, channel, requeued }, En) => {
                format!("{}: basic.recover-ok: {} unacked deliveries requeued, to be redelivered", on(connection, *channel), requeued.len())
            }
            (K::BasicRecoverOk { connection, channel, requeued }, Zh) => {
                format!("{}：basic.recover-ok：{} 条未确认消息重新入队，将被重新投递", on(connection, *channel), requeued.len())
            }
            (K::ChannelCloseOk { connection, channel, requeued }, En) => {
                format!("{}: channel.close-ok; {} unacked deliveries go back to their queues", on(connection, *channel), requeued.len())
            }
            (K::ChannelCloseOk { connection, channel, requeued }, Zh) => {
                format!("{}：channel.close-ok；{} 条未确认消息回到各自队列", on(connection, *channel), requeued.len())
            }
            (K::ConnectionCloseOk { connection, requeued }, En) => {
                format!("{connection}: connection.close-ok; {} unacked deliveries go back to their queues", requeued.len())
            }
            (K::ConnectionCloseOk { connection, requeued }, Zh) => {
                format!("{connection}：connection.close-ok；{} 条未确认消息回到各自队列", requeued.len())
            }
            (K::BasicPublish { connection, channel, message, exchange, routing_key, queues, refused_by, alternates, .. }, En) => {
                let x = if exchange.is_empty() { "the default exchange".into() } else { format!("`{exchange}`") };
                let ae = if alternates.is_empty() { String::new() } else { format!(" via alternate exchange {}", alternates.join(", ")) };
                let refused = if refused_by.is_empty() { String::new() } else { format!("; refused by {}", refused_by.join(", ")) };
                format!("{}: publish #{message} to {x} with key `{routing_key}` → {}{ae}{refused}", on(connection, *channel), list(queues, En))
            }
            (K::BasicPublish { connection, channel, message, exchange, routing_key, queues, refused_by, alternates, .. }, Zh) => {
                let x = if exchange.is_empty() { "默认交换机".into() } else { format!("`{exchange}`") };
                let ae = if alternates.is_empty() { String::new() } else { format!("（经备用交换机 {}）", alternates.join("、")) };
                let refused = if refused_by.is_empty() { String::new() } else { format!("；被 {} 拒收", refused_by.join("、")) };
                format!("{}：发布 #{message} 到 {x}，路由键 `{routing_key}` → {}{ae}{refused}", on(connection, *channel), list(queues, Zh))
            }
            (K::BasicReturn { connection, channel, message, reply_code, reply_text, .. }, En) => {
                format!("{}: basic.return {reply_code} {reply_text}: mandatory publish #{message} reached no queue and comes back", on(connection, *channel))
            }
            (K::BasicReturn { connection, channel, message, reply_code, reply_text, .. }, Zh) => {
                format!("{}：basic.return {reply_code} {reply_text}：mandatory 消息 #{message} 没有到达任何队列，被退回", on(connection, *channel))
            }
            (K::ConfirmAck { connection, channel, delivery_tag, multiple }, En) => {
                let m = if *multiple { " (and every earlier one)" } else { "" };
                format!("{}: broker confirms publish {delivery_tag}{m} with basic.ack", on(connection, *channel))
            }
            (K::ConfirmAck { connection, channel, delivery_tag, multiple }, Zh) => {
                let m = if *multiple { "（及之前的全部）" } else { "" };
                format!("{}：broker 以 basic.ack 确认第 {delivery_tag} 次发布{m}", on(connection, *channel))
            }
            (K::ConfirmNack { connection, channel, delivery_tag, .. }, En) => {
                format!("{}: broker answers publish {delivery_tag} with basic.nack: a queue refused it, the publisher should retry or give up", on(connection, *channel))
            }
            (K::ConfirmNack { connection, channel, delivery_tag, .. }, Zh) => {
                format!("{}：broker 对第 {delivery_tag} 次发布回 basic.nack：有队列拒收，生产者应重试或放弃", on(connection, *channel))
            }
            (K::BasicDeliver { connection, channel, consumer_tag, delivery_tag, queue, nth, content }, En) => {
                let re = if content.redelivered { ", redelivered" } else { "" };
                format!("{}: basic.deliver #{} from `{queue}` to `{consumer_tag}` (delivery {nth}), tag {delivery_tag}{re}: {}", on(connection, *channel), content.message, content.body)
            }
            (K::BasicDeliver { connection, channel, consumer_tag, delivery_tag, queue, nth, content }, Zh) => {
                let re = if content.redelivered { "，重新投递" } else { "" };
                format!("{}：basic.deliver：`{queue}` 的 #{} 投递给 `{consumer_tag}`（第 {nth} 次），delivery tag {delivery_tag}{re}：{}", on(connection, *channel), content.message, content.body)
            }
            (K::BasicGetOk { connection, channel, delivery_tag, queue, message_count, content }, En) => {
                let re = if content.redelivered { ", redelivered" } else { "" };
                format!("{}: basic.get-ok #{} from `{queue}`, tag {delivery_tag}{re}, {message_count} left: {}", on(connection, *channel), content.message, content.body)
            }
            (K::BasicGetOk { connection, channel, delivery_tag, queue, message_count, content }, Zh) => {
                let re = if content.redelivered { "，重新投递" } else { "" };
                format!("{}：basic.get-ok：从 `{queue}` 取到 #{}，delivery tag {delivery_tag}{re}，还剩 {message_count} 条：{}", on(connection, *channel), content.message, content.body)
            }
            (K::BasicGetEmpty { connection, channel, queue }, En) => {
                format!("{}: basic.get-empty: `{queue}` has no ready message", on(connection, *channel))
            }
            (K::BasicGetEmpty { connection, channel, queue }, Zh) => {
                format!("{}：basic.get-empty：`{queue}` 没有就绪消息", on(connection, *channel))
            }
            (K::BasicAck { connection, channel, delivery_tag, multiple, settled, .. }, En) => {
                let m = if *multiple { " multiple" } else { "" };
                format!("{}: basic.ack {delivery_tag}{m}: {} done and removed", on(connection, *channel), tags(settled))
            }
            (K::BasicAck { connection, channel, delivery_tag, multiple, settled, .. }, Zh) => {
                let m = if *multiple { "（multiple）" } else { "" };
                format!("{}：basic.ack {delivery_tag}{m}：{} 处理完毕并删除", on(connection, *channel), tags_zh(settled))
            }
            (K::BasicNack { connection, channel, delivery_tag, multiple, requeue, settled, .. }, En) => {
                let m = if *multiple { " multiple" } else { "" };
                let r = if *requeue { "requeued" } else { "discarded or dead-lettered" };
                format!("{}: basic.nack {delivery_tag}{m}: {} {r}", on(connection, *channel), tags(settled))
            }
            (K::BasicNack { connection, channel, delivery_tag, multiple, requeue, settled, .. }, Zh) => {
                let m = if *multiple { "（multiple）" } else { "" };
                let r = if *requeue { "重新入队" } else { "丢弃或进入死信" };
                format!("{}：basic.nack {delivery_tag}{m}：{} {r}", on(connection, *channel), tags_zh(settled))
            }
            (K::BasicReject { connection, channel, delivery_tag, requeue, settled, .. }, En) => {
                let r = if *requeue { "requeued" } else { "discarded or dead-lettered" };
                format!("{}: basic.reject {delivery_tag}: {} {r}", on(connection, *channel), tags(settled))
            }
            (K::BasicReject { connection, channel, delivery_tag, requeue, settled, .. }, Zh) => {
                let r = if *requeue { "重新入队" } else { "丢弃或进入死信" };
                format!("{}：basic.reject {delivery_tag}：{} {r}", on(connection, *channel), tags_zh(settled))
            }
            (K::DeadLettered { queue, message, reason, dead_letter_exchange, routing_keys, queues, cycle_dropped, exchange_missing }, En) => {
                if *exchange_missing {
                    return format!("#{message} left `{queue}` because {}; its dead-letter exchange `{dead_letter_exchange}` does not exist, so it is gone", reason_en(reason));
                }
                let cyc = if cycle_dropped.is_empty() { String::new() } else { format!("; not to {} (a dead-letter cycle with no rejection)", cycle_dropped.join(", ")) };
                format!("#{message} left `{queue}` because {} → dead-letter exchange `{dead_letter_exchange}` with keys [{}] → {}{cyc}", reason_en(reason), routing_keys.join(", "), list(queues, En))
            }
            (K::DeadLettered { queue, message, reason, dead_letter_exchange, routing_keys, queues, cycle_dropped, exchange_missing }, Zh) => {
                if *exchange_missing {
                    return format!("#{message} 因{}离开 `{queue}`；死信交换机 `{dead_letter_exchange}` 不存在，消息丢失", reason_zh(reason));
                }
                let cyc = if cycle_dropped.is_empty() { String::new() } else { format!("；不进入 {}（死信循环且其间没有拒绝）", cycle_dropped.join("、")) };
                format!("#{message} 因{}离开 `{queue}` → 死信交换机 `{dead_letter_exchange}`，路由键 [{}] → {}{cyc}", reason_zh(reason), routing_keys.join(", "), list(queues, Zh))
            }
            (K::MessageDropped { queue, message, reason }, En) => {
                format!("#{message} left `{queue}` because {}; the queue has no dead-letter exchange, so it is gone", reason_en(reason))
            }
            (K::MessageDropped { queue, message, reason }, Zh) => {
                format!("#{message} 因{}离开 `{queue}`；该队列没有死信交换机，消息被丢弃", reason_zh(reason))
            }
            (K::ChannelClose { connection, channel, reply_text, method, requeued, .. }, En) => {
                let back = if requeued.is_empty() { String::new() } else { format!("; its {} unacked deliveries go back to their queues", requeued.len()) };
                format!("{}: channel.close on {method}: {reply_text} — the channel is closed{back}", on(connection, *channel))
            }
            (K::ChannelClose { connection, channel, reply_text, method, requeued, .. }, Zh) => {
                let back = if requeued.is_empty() { String::new() } else { format!("；其 {} 条未确认消息回到各自队列", requeued.len()) };
                format!("{}：{method} 失败，broker 关闭信道（channel.close）：{reply_text}{back}", on(connection, *channel))
            }
            (K::ConnectionClose { connection, reply_text, method, requeued, .. }, En) => match method {
                Some(m) => format!("{connection}: connection.close on {m}: {reply_text} — the whole connection is closed; {} unacked deliveries go back", requeued.len()),
                None => format!("{connection}: connection.close: {reply_text}"),
            },
            (K::ConnectionClose { connection, reply_text, method, requeued, .. }, Zh) => match method {
                Some(m) => format!("{connection}：{m} 失败，broker 关闭整个连接（connection.close）：{reply_text}；{} 条未确认消息回到队列", requeued.len()),
                None => format!("{connection}：连接被关闭（connection.close）：{reply_text}"),
            },
            (K::QueueDeleted { queue, why, messages_lost }, En) => {
                let because = match *why {
                    "auto_delete" => "it is auto-delete and its last consumer went",
                    "exclusive" => "it was exclusive to a connection that closed",
                    "expires" => "it went unused for its x-expires time",
                    "restart" => "it was not durable and the broker restarted",
                    _ => "it was deleted",
                };
                format!("queue `{queue}` deleted because {because}; {messages_lost} messages lost")
            }
            (K::QueueDeleted { queue, why, messages_lost }, Zh) => {
                let because = match *why {
                    "auto_delete" => "它是 auto-delete 队列且最后一个消费者已离开",
                    "exclusive" => "它是排他队列，所属连接已关闭",
                    "expires" => "它在 x-expires 时间内无人使用",
                    "restart" => "它不是持久队列，broker 重启了",
                    _ => "被删除",
                };
                format!("队列 `{queue}` 被删除，因为{because}；丢失 {messages_lost} 条消息")
            }
            (K::ExchangeDeleted { exchange, why }, En) => {
                let because = if *why == "restart" { "it was not durable and the broker restarted" } else { "it is auto-delete and lost its last binding" };
                format!("exchange `{exchange}` deleted because {because}")
            }
            (K::ExchangeDeleted { exchange, why }, Zh) => {
                let because = if *why == "restart" { "它不是持久交换机，broker 重启了" } else { "它是 auto-delete 交换机且失去了最后一个绑定" };
                format!("交换机 `{exchange}` 被删除，因为{because}")
            }
            (K::BrokerRestarted { kept, bindings_lost }, En) => {
                let parts: Vec<String> = kept.iter().map(|q| format!("`{}` {} kept, {} lost", q.queue, q.messages, q.messages_lost)).collect();
                format!("broker restarted: durable queues survive ({}); {bindings_lost} bindings with a transient end are gone", if parts.is_empty() { "none".into() } else { parts.join("; ") })
            }
            (K::BrokerRestarted { kept, bindings_lost }, Zh) => {
                let parts: Vec<String> = kept.iter().map(|q| format!("`{}` 保留 {} 条、丢失 {} 条", q.queue, q.messages, q.messages_lost)).collect();
                format!("broker 已重启：持久队列保留（{}）；一端非持久的 {bindings_lost} 个绑定消失", if parts.is_empty() { "无".into() } else { parts.join("；") })
            }
            (K::ScriptSkipped { connection, channel, method, why }, En) => {
                format!("{}: {method} not sent: {}", on(connection, *channel), why.text(En))
            }
            (K::ScriptSkipped { connection, channel, method, why }, Zh) => {
                format!("{}：{method} 未发送：{}", on(connection, *channel), why.text(Zh))
            }
            (K::LimitReached { what, limit }, En) => format!("limit reached: {what} ({limit}); the rest is not simulated"),
            (K::LimitReached { what, limit }, Zh) => format!("达到上限：{what}（{limit}）；其余部分不再模拟"),
        }
    }
}
