//! RocketMQ's trace entries and their sentences. Like RabbitMQ's, every entry is told when it is
//! made (a document sends at most `spec::MAX_MESSAGES` messages, which bounds them), so a stored
//! event is a box of [`Told`]. Kinds and fields use RocketMQ's own terms: request codes
//! (`SEND_MESSAGE`, `END_TRANSACTION`, `CHECK_TRANSACTION_STATE`, `CONSUMER_SEND_MSG_BACK`),
//! `SendStatus`, `ConsumeConcurrentlyStatus` / `ConsumeOrderlyStatus`, `LocalTransactionState`,
//! topic and property names, `msgId` and `offsetMsgId`.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::spec::LocalState;
use crate::kernel::trace::Lang;

pub type Event = alloc::boxed::Box<Told>;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Why the producer sent to that queue (`TopicPublishInfo` / `MQFaultStrategy` / a selector).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Pick {
    /// `selectOneMessageQueue()`: `sendWhichQueue` incremented, modulo the queue count.
    RoundRobin {
        index: u32,
        queues: u32,
    },
    /// A retry: the next queue (by the same counter) on another broker than `lastBrokerName`.
    OtherBroker {
        index: u32,
        queues: u32,
        last_broker_name: String,
    },
    /// `SelectMessageQueueByHash`: `arg.hashCode() % size`, negated when negative.
    Hash {
        arg: String,
        hash_code: i32,
        remainder: i32,
        queues: u32,
    },
    Random {
        queues: u32,
    },
    /// Latency fault avoidance skipped brokers still in their not-available window.
    AvoidedFaulty {
        index: u32,
        queues: u32,
        avoided: Vec<String>,
    },
}

/// Why a message was written to the commit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PutWhy {
    Send,
    /// A transactional message's half, invisible to consumers.
    Half,
    /// A message with `DELAY` parked in `SCHEDULE_TOPIC_XXXX`.
    Delay,
    /// A RocketMQ 5 timer message parked in the timer store.
    Timer,
    /// The schedule service or the timer store moved it back to its real topic.
    Due,
    /// END_TRANSACTION committed: the real message.
    Commit,
    /// An op record (`d`) marking a half message done.
    Op,
    /// The check service put a half message back with its check count raised.
    CheckPutBack,
    /// A half message checked `transactionCheckMax` times, parked and given up on.
    Discard,
    /// A message a consumer sent back, towards `%RETRY%<group>` or `%DLQ%<group>`.
    SendBack,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Told {
    /// `updateTopicRouteInfoFromNameServer`: a client's new or changed route, as its queues in
    /// route order (a producer's `TopicPublishInfo`; a consumer's subscribe info).
    #[serde(rename = "route")]
    Route {
        client: String,
        topic: String,
        message_queues: Vec<String>,
        /// brokerNames whose route lists no master: a producer leaves their queues out.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        no_master: Vec<String>,
    },
    /// The name server took a REGISTER_BROKER that added the broker or changed its topics
    /// (`RouteInfoManager.registerBroker`).
    #[serde(rename = "REGISTER_BROKER")]
    Register {
        broker_name: String,
        broker_id: u8,
        topics: u32,
        /// Not in the live table before (a first registration, or after a removal).
        new: bool,
    },
    /// The name server dropped a broker: its connection closed, or it was silent 120 s.
    #[serde(rename = "broker.removed")]
    BrokerRemoved {
        broker_name: String,
        broker_id: u8,
        /// `channel_closed` (the process died), `channel_idle` (nothing on its connection for
        /// 120 s) or `expired` (the 5 s scan).
        why: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        silent_ms: Option<u64>,
    },
    #[serde(rename = "SEND_MESSAGE")]
    Send {
        producer: String,
        message: u32,
        topic: String,
        broker_name: String,
        queue_id: u32,
        attempt: u32,
        msg_id: String,
        pick: Pick,
        #[serde(skip_serializing_if = "is_false")]
        transactional: bool,
    },
    #[serde(rename = "SEND_OK")]
    SendOk(SendResult),
    /// A SYNC_MASTER's answer when its slave did not confirm within `slaveTimeout`: the send
    /// returns this `SendStatus` (stored on the master; `retryAnotherBrokerWhenNotStoreOK` is
    /// false, so no retry).
    #[serde(rename = "FLUSH_SLAVE_TIMEOUT")]
    FlushSlaveTimeout(SendResult),
    /// The slave reported less than the master had pushed (it was down or cut off): the
    /// master sends again from there (`HAConnection` restarts at the slave's offset).
    #[serde(rename = "ha.resend")]
    HaResend {
        broker_name: String,
        slave_holds: u64,
        master_holds: u64,
    },
    /// The master gave up waiting for its slave (`GroupTransferService`).
    #[serde(rename = "slave.timeout")]
    SlaveTimeout {
        broker_name: String,
        message: u32,
        slave_timeout_ms: u64,
    },
    /// An orderly consumer's lock on a queue is older than 30 s: its listener stops there.
    #[serde(rename = "lock.expired")]
    LockExpired {
        consumer: String,
        message_queue: String,
        locked_at_ms: u64,
        /// Messages pulled and waiting in its process queue.
        waiting: u32,
    },
    /// A slave refused a pull (`slaveReadEnable` false): told once until a pull succeeds.
    #[serde(rename = "pull.refused")]
    PullRefused {
        consumer: String,
        message_queue: String,
        broker: String,
        code: u32,
        remark: String,
    },
    /// An attempt failed; `retrying` when `sendDefaultImpl` tries again.
    #[serde(rename = "send.failed")]
    SendFailed {
        producer: String,
        message: u32,
        broker_name: String,
        attempt: u32,
        exception: String,
        retrying: bool,
    },
    /// The send threw to the caller.
    #[serde(rename = "send.exception")]
    SendException {
        producer: String,
        message: u32,
        exception: String,
    },
    /// `MQFaultStrategy.updateFaultItem`.
    #[serde(rename = "latency.fault")]
    FaultItem {
        producer: String,
        broker_name: String,
        latency_ms: u64,
        /// The send failed: the item is computed as if it took 10 000 ms.
        #[serde(skip_serializing_if = "is_false")]
        isolation: bool,
        not_available_ms: u64,
    },
    /// A message written to a broker's commit log and consume queue.
    #[serde(rename = "store")]
    Put {
        broker_name: String,
        message: u32,
        why: PutWhy,
        topic: String,
        queue_id: u32,
        queue_offset: u64,
        commit_log_offset: u64,
        store_size: u32,
        offset_msg_id: String,
        /// Where it goes when it is due (delay, timer, half): its `REAL_TOPIC`.
        #[serde(skip_serializing_if = "Option::is_none")]
        real_topic: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        due_ms: Option<u64>,
        properties: Vec<(String, String)>,
    },
    /// The broker refused a send.
    #[serde(rename = "send.refused")]
    Refused {
        broker_name: String,
        message: u32,
        code: u32,
        remark: String,
    },
    /// `executeLocalTransaction` returned.
    #[serde(rename = "local.transaction")]
    LocalTransaction {
        producer: String,
        message: u32,
        state: LocalState,
        transaction_id: String,
    },
    #[serde(rename = "END_TRANSACTION")]
    EndTransaction {
        producer: String,
        message: u32,
        broker_name: String,
        state: LocalState,
        from_transaction_check: bool,
        msg_id: String,
    },
    /// What `EndTransactionProcessor` did.
    #[serde(rename = "transaction.end")]
    TransactionEnd {
        broker_name: String,
        message: u32,
        /// `commit`, `rollback`, `pending` (UNKNOW: nothing done), `ignored`, `rejected` (604),
        /// `missing` (no such half).
        outcome: &'static str,
        half_queue_offset: u64,
        #[serde(skip_serializing_if = "is_false")]
        already_done: bool,
    },
    /// The check service found a half message due and asked its producer group.
    #[serde(rename = "CHECK_TRANSACTION_STATE")]
    Check {
        broker_name: String,
        message: u32,
        producer_group: String,
        /// The producer that was asked; none when no member of the group is online.
        #[serde(skip_serializing_if = "Option::is_none")]
        producer: Option<String>,
        check_times: u32,
        age_ms: u64,
    },
    /// `checkLocalTransaction` answered.
    #[serde(rename = "check.answer")]
    CheckAnswer {
        producer: String,
        message: u32,
        state: LocalState,
    },
    /// Checked `transactionCheckMax` times: discarded (as a rollback).
    #[serde(rename = "transaction.discard")]
    Discard {
        broker_name: String,
        message: u32,
        check_times: u32,
    },
    /// `RebalanceImpl.rebalanceByTopic`: this member's share of a topic's queues.
    #[serde(rename = "rebalance")]
    Rebalance {
        consumer: String,
        consumer_group: String,
        topic: String,
        cid_all: Vec<String>,
        message_queues: Vec<String>,
        strategy: &'static str,
    },
    /// An orderly consumer's `LOCK_BATCH_MQ`.
    #[serde(rename = "LOCK_BATCH_MQ")]
    Lock {
        consumer: String,
        broker_name: String,
        message_queue: String,
        locked: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        held_by: Option<String>,
    },
    /// A pull that returned messages.
    #[serde(rename = "PULL_MESSAGE")]
    Pull {
        consumer: String,
        broker_name: String,
        message_queue: String,
        offset: u64,
        found: u32,
        next_begin_offset: u64,
    },
    /// The listener ran on one message.
    #[serde(rename = "consume")]
    Consume {
        consumer: String,
        consumer_group: String,
        message: u32,
        topic: String,
        message_queue: String,
        queue_offset: u64,
        reconsume_times: u32,
        msg_id: String,
        status: &'static str,
        /// The group had consumed this message before.
        #[serde(skip_serializing_if = "is_false")]
        duplicate: bool,
    },
    #[serde(rename = "CONSUMER_SEND_MSG_BACK")]
    SendBack {
        consumer: String,
        consumer_group: String,
        message: u32,
        broker_name: String,
        reconsume_times: u32,
        /// What the request carries: 0 lets the broker choose (`3 + reconsumeTimes`, or
        /// `%DLQ%<group>` past `maxReconsumeTimes`); an orderly consumer's own retry message
        /// carries `DELAY = 3 + reconsumeTimes`.
        delay_level: i32,
        max_reconsume_times: u32,
        /// An orderly consumer past its maximum sends a new message to `%RETRY%<group>` with the
        /// client's inner producer (`SEND_MESSAGE`), not `CONSUMER_SEND_MSG_BACK`.
        #[serde(skip_serializing_if = "is_false")]
        inner_producer: bool,
    },
    /// The consumer's offsets reached the broker (`UPDATE_CONSUMER_OFFSET`), or, broadcasting,
    /// its local offset file.
    #[serde(rename = "UPDATE_CONSUMER_OFFSET")]
    OffsetCommit {
        consumer: String,
        consumer_group: String,
        message_queue: String,
        offset: u64,
        local: bool,
    },
    /// An orderly consumer paused a queue after `SUSPEND_CURRENT_QUEUE_A_MOMENT`.
    #[serde(rename = "queue.suspended")]
    Suspended {
        consumer: String,
        message_queue: String,
        message: u32,
        resume_ms: u64,
    },
    /// A trace message stored in the trace topic: its KEYS (the traced msgIds and keys), the
    /// body's records split into their fields, and the body as stored (fields separated by
    /// `\u0001`, records ended by `\u0002`).
    #[serde(rename = "store")]
    TraceStored {
        #[serde(rename = "brokerName")]
        broker_name: String,
        topic: String,
        #[serde(rename = "queueId")]
        queue_id: u32,
        #[serde(rename = "queueOffset")]
        queue_offset: u64,
        #[serde(rename = "commitLogOffset")]
        commit_log_offset: u64,
        #[serde(rename = "storeSize")]
        store_size: u32,
        keys: String,
        records: Vec<Vec<String>>,
        body: String,
    },
    #[serde(rename = "query")]
    Query {
        by: &'static str,
        query: String,
        found: Vec<Found>,
    },
    /// A process crashed: what it lost with it.
    #[serde(rename = "process.crashed")]
    Crashed {
        node: String,
        /// `broker`, `producer` or `consumer`.
        role: &'static str,
        /// Messages a producer was sending or still had queued.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        lost_sends: Vec<u32>,
        /// The transactional message whose `executeLocalTransaction` was running.
        #[serde(skip_serializing_if = "Option::is_none")]
        local_transaction_of: Option<u32>,
        /// Trace records its dispatcher had not sent yet (`enableMsgTrace`).
        #[serde(skip_serializing_if = "is_zero")]
        trace_records_lost: u64,
        /// A broker: consumer offsets committed since its last persist, now lost.
        #[serde(skip_serializing_if = "is_zero_u32")]
        offsets_lost: u32,
    },
    #[serde(rename = "process.restarted")]
    Restarted { node: String, role: &'static str },
    /// The outbox pattern: one local transaction wrote the business row and the outbox row (or,
    /// rolled back, neither).
    #[serde(rename = "outbox.insert")]
    OutboxInsert {
        producer: String,
        message: u32,
        committed: bool,
    },
    /// The relay took unsent rows to send them.
    #[serde(rename = "outbox.relay")]
    OutboxRelay { producer: String, messages: Vec<u32> },
    /// SEND_OK came back: the relay marked the row sent.
    #[serde(rename = "outbox.marked")]
    OutboxMarked { producer: String, message: u32 },
}

/// What `send()` returned (`SendResult`), named by its status (the entry's kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    pub producer: String,
    pub message: u32,
    pub broker_name: String,
    pub queue_id: u32,
    pub queue_offset: u64,
    pub msg_id: String,
    pub offset_msg_id: String,
    pub cost_ms: u64,
}

/// One hit of a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub message: u32,
    pub broker_name: String,
    pub topic: String,
    pub queue_id: u32,
    pub queue_offset: u64,
    pub msg_id: String,
    pub offset_msg_id: String,
    pub store_ms: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

fn t(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

fn state_name(s: LocalState) -> &'static str {
    match s {
        LocalState::CommitMessage => "COMMIT_MESSAGE",
        LocalState::RollbackMessage => "ROLLBACK_MESSAGE",
        LocalState::Unknow => "UNKNOW",
    }
}

impl Pick {
    fn tell(&self, lang: Lang) -> String {
        match self {
            Pick::RoundRobin { index, queues } => t(
                lang,
                format!("round robin: sendWhichQueue {index} % {queues}"),
                format!("轮询：sendWhichQueue {index} % {queues}"),
            ),
            Pick::OtherBroker { index, queues, last_broker_name } => t(
                lang,
                format!("retry on another broker than lastBrokerName {last_broker_name} (sendWhichQueue {index} of {queues})"),
                format!("重试时避开上次的 Broker {last_broker_name}（sendWhichQueue {index}，共 {queues} 个队列）"),
            ),
            Pick::Hash { arg, hash_code, remainder, queues } => t(
                lang,
                format!("SelectMessageQueueByHash: \"{arg}\".hashCode() = {hash_code}, % {queues} = {remainder}, abs = {}", remainder.unsigned_abs()),
                format!("SelectMessageQueueByHash：\"{arg}\".hashCode() = {hash_code}，% {queues} = {remainder}，取绝对值 = {}", remainder.unsigned_abs()),
            ),
            Pick::Random { queues } => t(
                lang,
                format!("SelectMessageQueueByRandom over {queues} queues"),
                format!("SelectMessageQueueByRandom，在 {queues} 个队列中随机"),
            ),
            Pick::AvoidedFaulty { index, queues, avoided } => t(
                lang,
                format!("latency fault tolerance avoided {} (sendWhichQueue {index} of {queues})", avoided.join(", ")),
                format!("延迟容错避开了 {}（sendWhichQueue {index}，共 {queues} 个队列）", avoided.join("、")),
            ),
        }
    }
}

impl Told {
    pub fn key(&self) -> &'static str {
        match self {
            Told::Route { .. } => "rocketmq.route",
            Told::Register { .. } => "rocketmq.register-broker",
            Told::BrokerRemoved { .. } => "rocketmq.broker-removed",
            Told::Send { .. } => "rocketmq.send",
            Told::SendOk(_) => "rocketmq.send-ok",
            Told::FlushSlaveTimeout(_) => "rocketmq.flush-slave-timeout",
            Told::SlaveTimeout { .. } => "rocketmq.slave-timeout",
            Told::HaResend { .. } => "rocketmq.ha-resend",
            Told::PullRefused { .. } => "rocketmq.pull-refused",
            Told::LockExpired { .. } => "rocketmq.lock-expired",
            Told::SendFailed { .. } => "rocketmq.send-failed",
            Told::SendException { .. } => "rocketmq.send-exception",
            Told::FaultItem { .. } => "rocketmq.latency-fault",
            Told::Put { .. } => "rocketmq.store",
            Told::Refused { .. } => "rocketmq.send-refused",
            Told::LocalTransaction { .. } => "rocketmq.local-transaction",
            Told::EndTransaction { .. } => "rocketmq.end-transaction",
            Told::TransactionEnd { .. } => "rocketmq.transaction-end",
            Told::Check { .. } => "rocketmq.check",
            Told::CheckAnswer { .. } => "rocketmq.check-answer",
            Told::Discard { .. } => "rocketmq.discard",
            Told::Rebalance { .. } => "rocketmq.rebalance",
            Told::Lock { .. } => "rocketmq.lock",
            Told::Pull { .. } => "rocketmq.pull",
            Told::Consume { .. } => "rocketmq.consume",
            Told::SendBack { .. } => "rocketmq.send-back",
            Told::OffsetCommit { .. } => "rocketmq.offset-commit",
            Told::Suspended { .. } => "rocketmq.suspended",
            Told::Query { .. } => "rocketmq.query",
            Told::TraceStored { .. } => "rocketmq.trace-stored",
            Told::Crashed { .. } => "rocketmq.crashed",
            Told::Restarted { .. } => "rocketmq.restarted",
            Told::OutboxInsert { .. } => "rocketmq.outbox-insert",
            Told::OutboxRelay { .. } => "rocketmq.outbox-relay",
            Told::OutboxMarked { .. } => "rocketmq.outbox-marked",
        }
    }

    /// The entry's `kind` as the runner prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Told::Route { .. } => "route",
            Told::Register { .. } => "REGISTER_BROKER",
            Told::BrokerRemoved { .. } => "broker.removed",
            Told::Send { .. } => "SEND_MESSAGE",
            Told::SendOk(_) => "SEND_OK",
            Told::FlushSlaveTimeout(_) => "FLUSH_SLAVE_TIMEOUT",
            Told::SlaveTimeout { .. } => "slave.timeout",
            Told::HaResend { .. } => "ha.resend",
            Told::PullRefused { .. } => "pull.refused",
            Told::LockExpired { .. } => "lock.expired",
            Told::SendFailed { .. } => "send.failed",
            Told::SendException { .. } => "send.exception",
            Told::FaultItem { .. } => "latency.fault",
            Told::Put { .. } => "store",
            Told::Refused { .. } => "send.refused",
            Told::LocalTransaction { .. } => "local.transaction",
            Told::EndTransaction { .. } => "END_TRANSACTION",
            Told::TransactionEnd { .. } => "transaction.end",
            Told::Check { .. } => "CHECK_TRANSACTION_STATE",
            Told::CheckAnswer { .. } => "check.answer",
            Told::Discard { .. } => "transaction.discard",
            Told::Rebalance { .. } => "rebalance",
            Told::Lock { .. } => "LOCK_BATCH_MQ",
            Told::Pull { .. } => "PULL_MESSAGE",
            Told::Consume { .. } => "consume",
            Told::SendBack {
                inner_producer: true, ..
            } => "SEND_MESSAGE",
            Told::SendBack { .. } => "CONSUMER_SEND_MSG_BACK",
            Told::OffsetCommit { .. } => "UPDATE_CONSUMER_OFFSET",
            Told::Suspended { .. } => "queue.suspended",
            Told::Query { .. } => "query",
            Told::TraceStored { .. } => "store",
            Told::Crashed { .. } => "process.crashed",
            Told::Restarted { .. } => "process.restarted",
            Told::OutboxInsert { .. } => "outbox.insert",
            Told::OutboxRelay { .. } => "outbox.relay",
            Told::OutboxMarked { .. } => "outbox.marked",
        }
    }

    /// The message this entry is about (mqplay's send number), for the view and the checks.
    pub fn message(&self) -> Option<u32> {
        match self {
            Told::Send { message, .. }
            | Told::SendOk(SendResult { message, .. })
            | Told::FlushSlaveTimeout(SendResult { message, .. })
            | Told::SlaveTimeout { message, .. }
            | Told::SendFailed { message, .. }
            | Told::SendException { message, .. }
            | Told::Put { message, .. }
            | Told::Refused { message, .. }
            | Told::LocalTransaction { message, .. }
            | Told::EndTransaction { message, .. }
            | Told::TransactionEnd { message, .. }
            | Told::Check { message, .. }
            | Told::CheckAnswer { message, .. }
            | Told::Discard { message, .. }
            | Told::Consume { message, .. }
            | Told::SendBack { message, .. }
            | Told::Suspended { message, .. }
            | Told::OutboxInsert { message, .. }
            | Told::OutboxMarked { message, .. } => Some(*message),
            _ => None,
        }
    }

    /// Without the details: no hash arithmetic, ids or round-robin counters.
    pub fn plain_sentence(&self, lang: Lang) -> Option<String> {
        match self {
            Told::Send {
                producer,
                message,
                topic,
                broker_name,
                queue_id,
                attempt,
                pick,
                transactional,
                ..
            } => {
                let (how_en, how_zh) = match pick {
                    Pick::Hash { arg, .. } => (
                        format!(", chosen by the hash of \"{arg}\""),
                        format!("，按 \"{arg}\" 的哈希选择"),
                    ),
                    Pick::Random { .. } => (", chosen at random".into(), "，随机选择".into()),
                    Pick::OtherBroker { last_broker_name, .. } => (
                        format!(", a retry away from {last_broker_name}"),
                        format!("，重试时避开 {last_broker_name}"),
                    ),
                    Pick::AvoidedFaulty { avoided, .. } => (
                        format!(", avoiding {}", avoided.join(", ")),
                        format!("，避开 {}", avoided.join("、")),
                    ),
                    Pick::RoundRobin { .. } => (", the next queue in turn".into(), "，轮到的下一个队列".into()),
                };
                let half = if *transactional {
                    (" (half message)", "（半消息）")
                } else {
                    ("", "")
                };
                Some(t(
                    lang,
                    format!("{producer}: sends #{message}{} to {topic} on {broker_name} queue {queue_id}{how_en} (attempt {attempt})", half.0),
                    format!("{producer}：把 #{message}{} 发往 {broker_name} 上 {topic} 的队列 {queue_id}{how_zh}（第 {attempt} 次）", half.1),
                ))
            }
            _ => None,
        }
    }

    pub fn sentence(&self, lang: Lang) -> String {
        match self {
            Told::Route { client, topic, message_queues, no_master } => {
                let (en, zh) = if no_master.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("; no master for {} (a producer does not send there)", no_master.join(", ")),
                        format!("；{} 没有 Master（生产者不再发往那里）", no_master.join("、")),
                    )
                };
                t(
                    lang,
                    format!("{client}: route of `{topic}` from the name server: {} queues in route order: {}{en}", message_queues.len(), message_queues.join(", ")),
                    format!("{client}：从 NameServer 取得 `{topic}` 的路由：按路由顺序共 {} 个队列：{}{zh}", message_queues.len(), message_queues.join("、")),
                )
            }
            Told::Register { broker_name, broker_id, topics, new } => {
                let role = if *broker_id == 0 { ("master", "Master") } else { ("slave", "Slave") };
                let (en, zh) = if *new {
                    ("; new in the live table", "；新加入存活表")
                } else {
                    ("; its topics changed", "；其 Topic 有变化")
                };
                t(
                    lang,
                    format!("namesrv: REGISTER_BROKER from {broker_name} ({}, brokerId {broker_id}) with {topics} topic configs{en}", role.0),
                    format!("namesrv：收到 {broker_name}（{}，brokerId {broker_id}）的 REGISTER_BROKER，带 {topics} 个 Topic 配置{zh}", role.1),
                )
            }
            Told::BrokerRemoved { broker_name, broker_id, why, silent_ms } => match (*why, silent_ms) {
                ("channel_idle", Some(ms)) => t(
                    lang,
                    format!("namesrv: nothing came over the connection of {broker_name} (brokerId {broker_id}) for {ms} ms: the idle handler closes it and removes the broker from every route; clients learn it at their next poll"),
                    format!("namesrv：{broker_name}（brokerId {broker_id}）的连接已 {ms} ms 没有任何读写：空闲检测关闭连接，把它从所有路由中移除；客户端在下次拉取路由时得知"),
                ),
                (_, Some(ms)) => t(
                    lang,
                    format!("namesrv: {broker_name} (brokerId {broker_id}) has not registered for {ms} ms (over 120000): removed from every route; clients learn it at their next poll"),
                    format!("namesrv：{broker_name}（brokerId {broker_id}）已 {ms} ms 未注册（超过 120000）：从所有路由中移除；客户端在下次拉取路由时得知"),
                ),
                (_, None) => t(
                    lang,
                    format!("namesrv: the connection of {broker_name} (brokerId {broker_id}) closed: removed from every route at once; clients learn it at their next poll"),
                    format!("namesrv：{broker_name}（brokerId {broker_id}）的连接断开：立即从所有路由中移除；客户端在下次拉取路由时得知"),
                ),
            },
            Told::Send { producer, message, topic, broker_name, queue_id, attempt, msg_id, pick, transactional } => {
                let half = if *transactional { (" (half message, TRAN_MSG=true)", "（半消息，TRAN_MSG=true）") } else { ("", "") };
                t(
                    lang,
                    format!("{producer}: SEND_MESSAGE #{message}{} to {topic} on {broker_name} queue {queue_id}, attempt {attempt}, msgId {msg_id}; {}", half.0, pick.tell(lang)),
                    format!("{producer}：SEND_MESSAGE #{message}{} 发往 {broker_name} 上 {topic} 的队列 {queue_id}，第 {attempt} 次尝试，msgId {msg_id}；{}", half.1, pick.tell(lang)),
                )
            }
            Told::SendOk(SendResult { producer, message, broker_name, queue_id, queue_offset, offset_msg_id, cost_ms, .. }) => t(
                lang,
                format!("{producer}: #{message} SEND_OK from {broker_name}: queue {queue_id} offset {queue_offset}, offsetMsgId {offset_msg_id}, {cost_ms} ms"),
                format!("{producer}：#{message} SEND_OK，来自 {broker_name}：队列 {queue_id} 位点 {queue_offset}，offsetMsgId {offset_msg_id}，耗时 {cost_ms} ms"),
            ),
            Told::FlushSlaveTimeout(SendResult { producer, message, broker_name, queue_id, queue_offset, cost_ms, .. }) => t(
                lang,
                format!("{producer}: #{message} FLUSH_SLAVE_TIMEOUT from {broker_name} after {cost_ms} ms: stored on the master (queue {queue_id} offset {queue_offset}) but not confirmed by its slave; send() returns this status, no retry"),
                format!("{producer}：#{message} 在 {cost_ms} ms 后收到 {broker_name} 的 FLUSH_SLAVE_TIMEOUT：已存到 Master（队列 {queue_id} 位点 {queue_offset}），但 Slave 没有确认；send() 返回这个状态，不重试"),
            ),
            Told::HaResend { broker_name, slave_holds, master_holds } => t(
                lang,
                format!("{broker_name}: its slave reports {slave_holds} of the master's {master_holds} commit log entries; the master sends the rest again from there"),
                format!("{broker_name}：Slave 上报持有 Master {master_holds} 条 CommitLog 记录中的 {slave_holds} 条；Master 从那里起补发其余部分"),
            ),
            Told::SlaveTimeout { broker_name, message, slave_timeout_ms } => t(
                lang,
                format!("{broker_name}: the slave has not confirmed #{message} within slaveTimeout ({slave_timeout_ms} ms): answering FLUSH_SLAVE_TIMEOUT"),
                format!("{broker_name}：Slave 在 slaveTimeout（{slave_timeout_ms} ms）内没有确认 #{message}：应答 FLUSH_SLAVE_TIMEOUT"),
            ),
            Told::LockExpired { consumer, message_queue, locked_at_ms, waiting } => t(
                lang,
                format!("{consumer}: its lock on {message_queue} was last granted at {locked_at_ms} ms, over 30 s ago (rocketmq.client.rebalance.lockMaxLiveTime): the orderly listener stops with {waiting} messages in hand and tries to lock again; the broker keeps its own lock 60 s, so no other member can have the queue yet"),
                format!("{consumer}：它对 {message_queue} 的锁最后一次获得于 {locked_at_ms} ms，已超过 30 秒（rocketmq.client.rebalance.lockMaxLiveTime）：顺序监听器停下，手里还有 {waiting} 条消息，并尝试重新加锁；Broker 端的锁保留 60 秒，所以此时别的成员还拿不到这个队列"),
            ),
            Told::PullRefused { consumer, message_queue, broker, code, remark } => t(
                lang,
                format!("{consumer}: the master of {message_queue} is out of its route, so it pulls from {broker}, which refuses (code {code}, {remark}: slaveReadEnable is false); it tries again every second"),
                format!("{consumer}：{message_queue} 的 Master 已不在路由中，于是向 {broker} 拉取，被拒绝（代码 {code}，{remark}：slaveReadEnable 为 false）；每秒重试一次"),
            ),
            Told::SendFailed { producer, message, broker_name, attempt, exception, retrying } => {
                let next = if *retrying { ("; sendDefaultImpl retries", "；sendDefaultImpl 将重试") } else { ("", "") };
                t(
                    lang,
                    format!("{producer}: #{message} attempt {attempt} to {broker_name} failed: {exception}{}", next.0),
                    format!("{producer}：#{message} 第 {attempt} 次发往 {broker_name} 失败：{exception}{}", next.1),
                )
            }
            Told::SendException { producer, message, exception } => t(
                lang,
                format!("{producer}: send of #{message} threw {exception}; the caller sees a failure, though a request that reached the broker may still be stored"),
                format!("{producer}：#{message} 发送抛出 {exception}；调用方看到的是失败，但已到达 Broker 的请求仍可能被存储"),
            ),
            Told::FaultItem { producer, broker_name, latency_ms, isolation, not_available_ms } => t(
                lang,
                format!(
                    "{producer}: updateFaultItem({broker_name}, {latency_ms} ms, isolation={isolation}): not available for {not_available_ms} ms{}",
                    if *isolation { " (a failed send counts as 10000 ms)" } else { "" }
                ),
                format!(
                    "{producer}：updateFaultItem({broker_name}, {latency_ms} ms, isolation={isolation})：接下来 {not_available_ms} ms 视为不可用{}",
                    if *isolation { "（发送失败按 10000 ms 计）" } else { "" }
                ),
            ),
            Told::Put { broker_name, message, why, topic, queue_id, queue_offset, commit_log_offset, store_size, real_topic, due_ms, .. } => {
                let real = real_topic.as_deref().unwrap_or("?");
                let due = due_ms.unwrap_or(0);
                let (en, zh) = match why {
                    PutWhy::Send => ("stored", "存储"),
                    PutWhy::Half => ("stored the half message (invisible to consumers)", "存储半消息（消费者不可见）"),
                    PutWhy::Delay => ("parked the delayed message", "暂存延迟消息"),
                    PutWhy::Timer => ("parked the timer message", "暂存定时消息"),
                    PutWhy::Due => ("delivered the due message", "投递到期消息"),
                    PutWhy::Commit => ("committed: stored the real message", "提交：存储真正的消息"),
                    PutWhy::Op => ("wrote the op record `d`", "写入 op 记录 `d`"),
                    PutWhy::CheckPutBack => ("put the half message back with its check count", "把半消息连同回查次数重新写回"),
                    PutWhy::Discard => ("gave up on the half message", "放弃该半消息"),
                    PutWhy::SendBack => ("stored the sent-back message", "存储消费者发回的消息"),
                };
                let tail_en = match why {
                    PutWhy::Delay | PutWhy::Timer => format!(", due at {due} ms, then to {real}"),
                    PutWhy::Half => format!(", real topic {real}"),
                    _ => String::new(),
                };
                let tail_zh = match why {
                    PutWhy::Delay | PutWhy::Timer => format!("，{due} ms 到期后转入 {real}"),
                    PutWhy::Half => format!("，真实 Topic 为 {real}"),
                    _ => String::new(),
                };
                t(
                    lang,
                    format!("{broker_name}: {en} #{message} in {topic} queue {queue_id} offset {queue_offset} (commit log {commit_log_offset}, {store_size} bytes){tail_en}"),
                    format!("{broker_name}：{zh} #{message}，{topic} 队列 {queue_id} 位点 {queue_offset}（CommitLog {commit_log_offset}，{store_size} 字节）{tail_zh}"),
                )
            }
            Told::Refused { broker_name, message, code, remark } => t(
                lang,
                format!("{broker_name}: refused #{message}: code {code}, {remark}"),
                format!("{broker_name}：拒绝 #{message}：code {code}，{remark}"),
            ),
            Told::LocalTransaction { producer, message, state, transaction_id } => t(
                lang,
                format!("{producer}: executeLocalTransaction for #{message} (transactionId {transaction_id}) returned {}", state_name(*state)),
                format!("{producer}：#{message}（transactionId {transaction_id}）的 executeLocalTransaction 返回 {}", state_name(*state)),
            ),
            Told::EndTransaction { producer, message, broker_name, state, from_transaction_check, .. } => {
                let why = if *from_transaction_check { ("answering a check", "回应回查") } else { ("after the local transaction", "本地事务之后") };
                t(
                    lang,
                    format!("{producer}: END_TRANSACTION {} for #{message} to {broker_name}, one-way, {}", state_name(*state), why.0),
                    format!("{producer}：向 {broker_name} 单向发送 #{message} 的 END_TRANSACTION {}，{}", state_name(*state), why.1),
                )
            }
            Told::TransactionEnd { broker_name, message, outcome, half_queue_offset, already_done } => {
                let again = if *already_done { (" (its half was already resolved once: a second delivery)", "（该半消息此前已处理过一次：会重复投递）") } else { ("", "") };
                let (en, zh) = match *outcome {
                    "commit" => ("commit: the real message is written, the half gets an op record", "提交：写入真正的消息，并为半消息写 op 记录"),
                    "rollback" => ("rollback: only an op record, nothing is delivered", "回滚：只写 op 记录，不投递"),
                    "pending" => ("UNKNOW from a check: nothing done, it will be checked again", "回查返回 UNKNOW：不处理，之后再回查"),
                    "ignored" => ("UNKNOW outside a check: ignored; the check service will ask", "非回查的 UNKNOW：忽略，等待回查服务询问"),
                    "rejected" => (
                        "refused with ILLEGAL_OPERATION (604): the half is older than its check immunity, so only a check may settle it",
                        "被拒绝，ILLEGAL_OPERATION（604）：半消息已超过它的回查免疫时间，只能由回查来了结",
                    ),
                    _ => ("no such half message", "找不到对应的半消息"),
                };
                t(
                    lang,
                    format!("{broker_name}: #{message} (half offset {half_queue_offset}) {en}{}", again.0),
                    format!("{broker_name}：#{message}（半消息位点 {half_queue_offset}）{zh}{}", again.1),
                )
            }
            Told::Check { broker_name, message, producer_group, producer, check_times, age_ms } => match producer {
                Some(p) => t(
                    lang,
                    format!("{broker_name}: #{message} unresolved for {age_ms} ms: CHECK_TRANSACTION_STATE to {p} of {producer_group}, check {check_times}"),
                    format!("{broker_name}：#{message} 已 {age_ms} ms 未决：向 {producer_group} 的 {p} 发送 CHECK_TRANSACTION_STATE，第 {check_times} 次回查"),
                ),
                None => t(
                    lang,
                    format!("{broker_name}: #{message} unresolved for {age_ms} ms, check {check_times}, but no producer of {producer_group} is online: the check is lost, the count still rises"),
                    format!("{broker_name}：#{message} 已 {age_ms} ms 未决，第 {check_times} 次回查，但 {producer_group} 没有在线的生产者：回查落空，次数照样增加"),
                ),
            },
            Told::CheckAnswer { producer, message, state } => t(
                lang,
                format!("{producer}: checkLocalTransaction for #{message} returned {}", state_name(*state)),
                format!("{producer}：#{message} 的 checkLocalTransaction 返回 {}", state_name(*state)),
            ),
            Told::Discard { broker_name, message, check_times } => t(
                lang,
                format!("{broker_name}: #{message} was checked {check_times} times (transactionCheckMax): discarded to TRANS_CHECK_MAX_TIME_TOPIC, never delivered"),
                format!("{broker_name}：#{message} 已回查 {check_times} 次（transactionCheckMax）：丢弃到 TRANS_CHECK_MAX_TIME_TOPIC，永不投递"),
            ),
            Told::Rebalance { consumer, consumer_group, topic, cid_all, message_queues, strategy } => t(
                lang,
                format!("{consumer}: rebalance of {consumer_group} on {topic} ({strategy}, {} members): {}", cid_all.len(), if message_queues.is_empty() { String::from("no queues") } else { message_queues.join(", ") }),
                format!("{consumer}：{consumer_group} 在 {topic} 上重平衡（{strategy}，{} 个成员）：{}", cid_all.len(), if message_queues.is_empty() { String::from("没有分到队列") } else { message_queues.join("、") }),
            ),
            Told::Lock { consumer, message_queue, locked, held_by, .. } => match (locked, held_by) {
                (true, _) => t(lang, format!("{consumer}: locked {message_queue} on its broker"), format!("{consumer}：在 Broker 上锁定了 {message_queue}")),
                (false, h) => t(
                    lang,
                    format!("{consumer}: could not lock {message_queue}: held by {} until its lock expires", h.as_deref().unwrap_or("?")),
                    format!("{consumer}：无法锁定 {message_queue}：被 {} 持有，要等锁过期", h.as_deref().unwrap_or("?")),
                ),
            },
            Told::Pull { consumer, message_queue, offset, found, next_begin_offset, .. } => t(
                lang,
                format!("{consumer}: PULL_MESSAGE {message_queue} from offset {offset}: FOUND {found}, next {next_begin_offset}"),
                format!("{consumer}：PULL_MESSAGE {message_queue} 从位点 {offset} 拉取：FOUND {found} 条，下一位点 {next_begin_offset}"),
            ),
            Told::Consume { consumer, message, topic, message_queue, queue_offset, reconsume_times, status, duplicate, .. } => {
                let dup = if *duplicate { (" — the group consumed it before", " —— 该组之前已消费过它") } else { ("", "") };
                t(
                    lang,
                    format!("{consumer}: consumed #{message} of {topic} from {message_queue} offset {queue_offset} (reconsumeTimes {reconsume_times}): {status}{}", dup.0),
                    format!("{consumer}：消费 #{message}（{topic}，{message_queue} 位点 {queue_offset}，reconsumeTimes {reconsume_times}）：{status}{}", dup.1),
                )
            }
            Told::SendBack { consumer, consumer_group, message, broker_name, reconsume_times, delay_level, max_reconsume_times, inner_producer } => {
                if *inner_producer {
                    t(
                        lang,
                        format!("{consumer}: past maxReconsumeTimes {max_reconsume_times}: the client's inner producer sends #{message} to %RETRY%{consumer_group} on {broker_name} (DELAY {delay_level}); while the group holds queue locks the broker puts it in %DLQ%{consumer_group}"),
                        format!("{consumer}：超过 maxReconsumeTimes {max_reconsume_times}：客户端内部生产者把 #{message} 发往 {broker_name} 的 %RETRY%{consumer_group}（DELAY {delay_level}）；该组持有队列锁时 Broker 直接放入 %DLQ%{consumer_group}"),
                    )
                } else {
                    t(
                        lang,
                        format!("{consumer}: CONSUMER_SEND_MSG_BACK #{message} to {broker_name} (reconsumeTimes {reconsume_times}, delayLevel {delay_level}, maxReconsumeTimes {max_reconsume_times}): the broker picks level 3 + reconsumeTimes, or %DLQ%{consumer_group} once reconsumeTimes reaches the maximum"),
                        format!("{consumer}：向 {broker_name} 发送 CONSUMER_SEND_MSG_BACK #{message}（reconsumeTimes {reconsume_times}，delayLevel {delay_level}，maxReconsumeTimes {max_reconsume_times}）：由 Broker 选择级别 3 + reconsumeTimes，达到上限时放入 %DLQ%{consumer_group}"),
                    )
                }
            }
            Told::OffsetCommit { consumer, message_queue, offset, local, .. } => {
                let whither = if *local { ("its local offset file", "本地位点文件") } else { ("the broker", "Broker") };
                t(
                    lang,
                    format!("{consumer}: offset {offset} of {message_queue} persisted to {}", whither.0),
                    format!("{consumer}：{message_queue} 的位点 {offset} 持久化到{}", whither.1),
                )
            }
            Told::Suspended { consumer, message_queue, message, resume_ms } => t(
                lang,
                format!("{consumer}: SUSPEND_CURRENT_QUEUE_A_MOMENT on #{message}: {message_queue} waits until {resume_ms} ms, then the same message again"),
                format!("{consumer}：#{message} 返回 SUSPEND_CURRENT_QUEUE_A_MOMENT：{message_queue} 暂停到 {resume_ms} ms，然后重试同一条消息"),
            ),
            Told::Crashed {
                node,
                role,
                lost_sends,
                local_transaction_of,
                trace_records_lost,
                offsets_lost,
            } => {
                let (en, zh) = match *role {
                    "producer" => (
                        "its queued sends die with it",
                        "排队中的发送随之消失",
                    ),
                    "consumer" => (
                        "the brokers see its connection close and the group rebalances; offsets it had not persisted are consumed again",
                        "Broker 发现连接断开，消费组重平衡；尚未持久化的位点会被重新消费",
                    ),
                    "slave" => (
                        "the name server drops it at once; its copy of the commit log is on disk, and on restart it reports what it holds and its master sends the rest",
                        "NameServer 立即移除它；它的 CommitLog 副本在磁盘上，重启后上报已有的位点，Master 补发其余部分",
                    ),
                    "name server" => (
                        "its route tables were in memory; clients keep the routes they have, and brokers fill it again at their next registration",
                        "路由表在内存中，随之清空；客户端继续用手里的路由，Broker 下次注册时重新填满它",
                    ),
                    _ => (
                        "requests to it fail; its commit log is on disk and its services stop until it restarts",
                        "发往它的请求失败；CommitLog 在磁盘上，各项服务停到重启为止",
                    ),
                };
                let lost: Vec<String> = lost_sends.iter().map(|m| format!("#{m}")).collect();
                let lost_en = if lost.is_empty() { String::new() } else { format!(" (lost: {})", lost.join(", ")) };
                let lost_zh = if lost.is_empty() { String::new() } else { format!("（丢失：{}）", lost.join("、")) };
                let (local_en, local_zh) = match local_transaction_of {
                    Some(m) => (
                        format!("; executeLocalTransaction for #{m} never answers (whatever its database committed stays committed), so the broker will check back with a live member of the group"),
                        format!("；#{m} 的 executeLocalTransaction 再也不会回答（它的数据库已提交的内容仍然有效），Broker 会向同组在线的成员回查"),
                    ),
                    None => (String::new(), String::new()),
                };
                let (offsets_en, offsets_zh) = match offsets_lost {
                    0 => (String::new(), String::new()),
                    n => (
                        format!(
                            "; the consumer offsets of {n} queue{} committed since its last persist (every 5 s) are lost: a live consumer sends its own again within 5 s, but one that reads them back before that consumes those messages again",
                            if *n == 1 { "" } else { "s" }
                        ),
                        format!("；上次持久化（每 5 秒一次）之后提交的 {n} 个队列的消费位点丢失：在线的消费者 5 秒内会重新发送自己的位点，但在此之前读回位点的消费者会再消费一遍这些消息"),
                    ),
                };
                let (trace_en, trace_zh) = match trace_records_lost {
                    0 => (String::new(), String::new()),
                    n => (
                        format!("; {n} trace records still waiting in its trace dispatcher are lost (its queue is in memory)"),
                        format!("；轨迹分发器里还没发出的 {n} 条轨迹记录也丢了（队列在内存里）"),
                    ),
                };
                t(
                    lang,
                    format!("{node} crashed: {en}{lost_en}{local_en}{trace_en}{offsets_en}"),
                    format!("{node} 崩溃：{zh}{lost_zh}{local_zh}{trace_zh}{offsets_zh}"),
                )
            }
            Told::Restarted { node, role } => t(
                lang,
                format!("{node} restarted ({role})"),
                format!("{node} 已重启（{}）", match *role { "producer" => "生产者", "consumer" => "消费者", "name server" => "NameServer", "slave" => "Slave", _ => "Broker" }),
            ),
            Told::OutboxInsert { producer, message, committed } => {
                if *committed {
                    t(
                        lang,
                        format!("{producer}: one local transaction writes the business row and the outbox row for #{message}, and commits; nothing is sent yet"),
                        format!("{producer}：一个本地事务同时写入业务数据和 #{message} 的本地消息表记录并提交；此时还什么都没发送"),
                    )
                } else {
                    t(
                        lang,
                        format!("{producer}: the local transaction for #{message} rolls back: neither the business row nor the outbox row exists"),
                        format!("{producer}：#{message} 的本地事务回滚：业务数据和本地消息表记录都不存在"),
                    )
                }
            }
            Told::OutboxRelay { producer, messages } => {
                let list: Vec<String> = messages.iter().map(|m| format!("#{m}")).collect();
                t(
                    lang,
                    format!("{producer}: the outbox relay takes unsent rows {} and sends them", list.join(", ")),
                    format!("{producer}：本地消息表的转发任务取出未发送的记录 {} 并发送", list.join("、")),
                )
            }
            Told::OutboxMarked { producer, message } => t(
                lang,
                format!("{producer}: SEND_OK for #{message}: the relay marks its outbox row sent"),
                format!("{producer}：#{message} 收到 SEND_OK：转发任务把它的记录标记为已发送"),
            ),
            Told::TraceStored {
                broker_name,
                topic,
                queue_id,
                queue_offset,
                records,
                ..
            } => {
                let kinds: Vec<String> = records
                    .iter()
                    .map(|r| format!("{} {}", r.first().map_or("?", |s| s.as_str()), super::tracing::Shown::of(r).msg_id))
                    .collect();
                t(
                    lang,
                    format!(
                        "{broker_name}: stored a trace message in {topic} queue {queue_id} at offset {queue_offset}, {} record{}: {}",
                        records.len(),
                        if records.len() == 1 { "" } else { "s" },
                        kinds.join(", ")
                    ),
                    format!(
                        "{broker_name}：在 {topic} 的 {queue_id} 号队列偏移 {queue_offset} 存下一条轨迹消息，{} 条记录：{}",
                        records.len(),
                        kinds.join("、")
                    ),
                )
            }
            Told::Query { by, query, found } => {
                let list: Vec<String> = found
                    .iter()
                    .map(|f| match f.message {
                        // A trace message is no message of the scenario's.
                        0 => format!("trace {}:{}:{}@{}", f.broker_name, f.topic, f.queue_id, f.queue_offset),
                        m => format!("#{m} {}:{}:{}@{}", f.broker_name, f.topic, f.queue_id, f.queue_offset),
                    })
                    .collect();
                t(
                    lang,
                    format!("query by {by} `{query}`: {} found {}", found.len(), list.join(", ")),
                    format!("按 {by} 查询 `{query}`：找到 {} 条 {}", found.len(), list.join("、")),
                )
            }
        }
    }
}
