//! Kafka's trace events and their sentences. What is stored per entry is `Event`: the hot
//! per-record kinds (partitioned, appended, consumed, batch sent and acknowledged) as a few ids,
//! everything else (rebalances, commits, crashes: rare) already told. `Event::tell` turns an entry
//! into `Told`, which carries names and record text, serializes as the runner's JSON and says its
//! sentence in English or Simplified Chinese. The variant name is the explanation key.
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::RecordId;
use crate::kernel::trace::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StickyReason {
    First,
    BatchSizeReached,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum PartitionChoice {
    Keyed { murmur2: i32, positive: u32 },
    Sticky { switched: Option<StickyReason> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum RebalanceReason {
    MemberJoined { consumer: String },
    MemberRejoined { consumer: String },
    MemberLeft { consumer: String },
    SessionExpired { consumer: String },
}

/// A stored Kafka trace event. Ids index the Kafka system's tables (producers, consumers,
/// topics, brokers, the record arena); see `KafkaTell` for how they become text.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    RecordPartitioned {
        producer: u16,
        topic: u16,
        partition: u32,
        num_partitions: u32,
        record: RecordId,
        choice: Choice,
    },
    BatchSent {
        producer: u16,
        broker: u16,
        topic: u16,
        partition: u32,
        records: u32,
        bytes: u32,
    },
    // Offsets are stored in 32 bits: a partition log holds at most `MAX_LOG_RECORDS` records.
    ProduceAcked {
        producer: u16,
        topic: u16,
        partition: u32,
        base_offset: u32,
        records: u32,
    },
    RecordAppended {
        broker: u16,
        topic: u16,
        partition: u32,
        offset: u32,
        record: RecordId,
    },
    RecordConsumed {
        consumer: u16,
        topic: u16,
        partition: u32,
        offset: u32,
        record: RecordId,
    },
    /// Any other event, told when it happened (they are rare, so their names are kept).
    Told(Box<Told>),
}

/// How a record's partition was chosen, compactly (the numbers are recomputed from the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Keyed,
    StickyKept,
    StickySwitched(StickyReason),
}

impl From<Told> for Event {
    fn from(told: Told) -> Event {
        Event::Told(Box::new(told))
    }
}

/// An event with its names and text: what the runner prints and the log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Told {
    // Producer
    RecordPartitioned {
        producer: String,
        topic: String,
        key: Option<String>,
        value: String,
        partition: u32,
        num_partitions: u32,
        choice: PartitionChoice,
    },
    BatchSent {
        producer: String,
        broker: u32,
        partition: String,
        records: u32,
        bytes: u32,
    },
    ProduceAcked {
        producer: String,
        partition: String,
        base_offset: u64,
        records: u32,
    },
    ProduceRetry {
        producer: String,
        partition: String,
        error: String,
        backoff_ms: u64,
        /// When the batch may go again (virtual ms).
        retry_at_ms: u64,
    },
    /// A batch is ready but its partition has no leader in the metadata: the `Sender` leaves it
    /// in the accumulator and polls metadata until a leader appears or `delivery.timeout.ms`
    /// expires the batch (at `until_ms`). Told once per wait.
    ProduceWaiting {
        producer: String,
        partition: String,
        until_ms: u64,
    },
    ProduceExpired {
        producer: String,
        partition: String,
        records: u32,
    },
    ProduceRejected {
        producer: String,
        reason: String,
    },
    /// `send()` blocks: `buffer.memory` is full until acknowledgements free some.
    SendBlocked {
        producer: String,
        queued_bytes: u64,
        /// When `max.block.ms` runs out for this send (virtual ms).
        until_ms: u64,
    },
    // Broker and controller
    RecordAppended {
        broker: u32,
        topic: String,
        partition: u32,
        offset: u64,
        key: Option<String>,
    },
    BrokerCrashed {
        broker: u32,
    },
    BrokerFenced {
        broker: u32,
        offline: Vec<String>,
    },
    BrokerRestarted {
        broker: u32,
        online: Vec<String>,
    },
    PartitionsAdded {
        topic: String,
        from: u32,
        to: u32,
    },
    TopicCreated {
        topic: String,
        partitions: u32,
    },
    /// A consumer subscribes to topics the cluster does not have (yet).
    TopicsMissing {
        consumer: String,
        topics: Vec<String>,
    },
    LimitReached {
        what: String,
        limit: u64,
    },
    // Group coordinator
    MemberIdAssigned {
        group: String,
        consumer: String,
        member_id: String,
    },
    /// A static member (KIP-345) joined without a member id: a new one, or the same
    /// `group.instance.id` again, whose old member id it replaces (fencing the old one).
    StaticMemberJoined {
        group: String,
        consumer: String,
        instance: String,
        member_id: String,
        replaced: Option<String>,
        /// The group stayed Stable: same members, same protocol, no rebalance.
        without_rebalance: bool,
    },
    RebalanceStarted {
        group: String,
        generation: u32,
        reason: RebalanceReason,
        initial_delay_ms: Option<u64>,
        /// When the join phase ends at the latest: the initial delay, else the rebalance timeout.
        deadline_ms: u64,
    },
    JoinCompleted {
        group: String,
        /// The protocol (assignor name) the coordinator selected.
        protocol: String,
        generation: u32,
        leader: String,
        members: Vec<String>,
    },
    /// INCONSISTENT_GROUP_PROTOCOL: the member offered no assignor every current member has.
    JoinRefused {
        group: String,
        consumer: String,
        error: String,
        offered: Vec<String>,
    },
    GroupStable {
        group: String,
        generation: u32,
    },
    GroupEmpty {
        group: String,
        generation: u32,
    },
    MemberLeft {
        group: String,
        consumer: String,
    },
    MemberNotRejoined {
        group: String,
        consumer: String,
    },
    MemberExpired {
        group: String,
        consumer: String,
        timeout_ms: u64,
    },
    // Consumer
    ConsumerStarted {
        consumer: String,
        group: String,
    },
    ConsumerStopped {
        consumer: String,
        crashed: bool,
    },
    CoordinatorFound {
        consumer: String,
        group: String,
        broker: u32,
        offsets_partition: u32,
    },
    AssignmentComputed {
        consumer: String,
        group: String,
        /// The assignor that ran (the group's selected protocol).
        assignor: String,
        generation: u32,
        assignment: Vec<(String, Vec<String>)>,
    },
    PartitionsAssigned {
        consumer: String,
        generation: u32,
        partitions: Vec<String>,
    },
    PartitionsRevoked {
        consumer: String,
        partitions: Vec<String>,
        /// False when the consumer is closing rather than rejoining.
        rejoining: bool,
    },
    /// Cooperative protocol: the new assignment leaves out partitions the member owned; it gives
    /// only those up and rejoins so the next rebalance can hand them on.
    CooperativeRevoke {
        consumer: String,
        generation: u32,
        partitions: Vec<String>,
        kept: Vec<String>,
    },
    /// `onPartitionsLost`: the member's generation or member id was reset, so what it owned is
    /// dropped without the chance to commit.
    PartitionsLost {
        consumer: String,
        partitions: Vec<String>,
    },
    /// A fatal error: `poll()` throws and the consumer stops.
    ConsumerFailed {
        consumer: String,
        error: String,
        exception: String,
    },
    RebalanceNoticed {
        consumer: String,
        error: String,
    },
    PositionRestored {
        consumer: String,
        partition: String,
        offset: u64,
    },
    PositionReset {
        consumer: String,
        partition: String,
        policy: String,
        offset: u64,
    },
    RecordConsumed {
        consumer: String,
        topic: String,
        partition: u32,
        offset: u64,
        key: Option<String>,
    },
    /// A fetch came back empty: the consumer has read all it was given from that broker, and
    /// its next fetches wait there (long poll). Told once until records arrive again.
    FetchWaiting {
        consumer: String,
        broker: u32,
        partitions: Vec<String>,
        max_wait_ms: u64,
    },
    OffsetsCommitted {
        consumer: String,
        group: String,
        offsets: Vec<(String, u64)>,
    },
    CommitFailed {
        consumer: String,
        error: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "∅".into();
    }
    items.join(", ")
}

/// The client id a member id starts with: the coordinator makes member ids as
/// `client.id + "-" + UUID` (`ClassicGroup#generateMemberId`), 36 characters of UUID.
fn client_of(member_id: &str) -> &str {
    let cut = member_id.len().saturating_sub(37);
    match member_id.get(cut..) {
        Some(tail) if cut > 0 && tail.starts_with('-') && tail.matches('-').count() == 5 => &member_id[..cut],
        _ => member_id,
    }
}

/// A virtual time for a sentence: seconds with milliseconds, as the log's time column shows them.
pub fn secs(ms: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{}.{:03} s", ms / 1000, ms % 1000),
        Lang::Zh => format!("{}.{:03} 秒", ms / 1000, ms % 1000),
    }
}

fn key_text(key: &Option<String>, lang: Lang) -> String {
    match (key, lang) {
        (Some(k), _) => format!("`{k}`"),
        (None, Lang::En) => "(no key)".into(),
        (None, Lang::Zh) => "（无 key）".into(),
    }
}

impl Told {
    /// The explanation key: the variant's name.
    pub fn key(&self) -> &'static str {
        macro_rules! names {
            ($($v:ident),*) => { match self { $(Told::$v { .. } => stringify!($v),)* } };
        }
        names!(
            RecordPartitioned,
            BatchSent,
            ProduceAcked,
            ProduceRetry,
            ProduceExpired,
            ProduceRejected,
            ProduceWaiting,
            SendBlocked,
            RecordAppended,
            BrokerCrashed,
            BrokerFenced,
            BrokerRestarted,
            LimitReached,
            PartitionsAdded,
            TopicCreated,
            TopicsMissing,
            MemberIdAssigned,
            StaticMemberJoined,
            RebalanceStarted,
            JoinCompleted,
            JoinRefused,
            GroupStable,
            GroupEmpty,
            MemberLeft,
            MemberExpired,
            MemberNotRejoined,
            ConsumerStarted,
            ConsumerStopped,
            CoordinatorFound,
            AssignmentComputed,
            PartitionsAssigned,
            PartitionsRevoked,
            CooperativeRevoke,
            PartitionsLost,
            ConsumerFailed,
            RebalanceNoticed,
            PositionRestored,
            PositionReset,
            RecordConsumed,
            FetchWaiting,
            OffsetsCommitted,
            CommitFailed
        )
    }

    /// The plain version of the few sentences that carry technical details (member ids, KIP
    /// numbers, hash arithmetic); `None` where the full sentence is already plain.
    pub fn plain_sentence(&self, lang: Lang) -> Option<String> {
        use Lang::{En, Zh};
        use Told as K;
        Some(match (self, lang) {
            (
                K::RecordPartitioned {
                    producer,
                    topic,
                    key: Some(k),
                    partition,
                    choice: PartitionChoice::Keyed { .. },
                    ..
                },
                En,
            ) => {
                format!("{producer}: record key `{k}` → partition {partition} of {topic}: the key's hash picks the partition, so this key always lands here")
            }
            (
                K::RecordPartitioned {
                    producer,
                    topic,
                    key: Some(k),
                    partition,
                    choice: PartitionChoice::Keyed { .. },
                    ..
                },
                Zh,
            ) => {
                format!("{producer}：key 为 `{k}` 的消息 → {topic} 的分区 {partition}：分区由 key 的哈希决定，所以这个 key 总是落在这里")
            }
            (K::MemberIdAssigned { group, consumer, .. }, En) => {
                format!("the coordinator of {group} gives {consumer} a member id and asks it to join again with it")
            }
            (K::MemberIdAssigned { group, consumer, .. }, Zh) => {
                format!("{group} 的协调者给 {consumer} 分配一个成员 ID，并要求它带着这个 ID 重新加入")
            }
            (
                K::CoordinatorFound {
                    consumer,
                    group,
                    broker,
                    ..
                },
                En,
            ) => {
                format!("{consumer}: the coordinator of group {group} is broker {broker}")
            }
            (
                K::CoordinatorFound {
                    consumer,
                    group,
                    broker,
                    ..
                },
                Zh,
            ) => {
                format!("{consumer}：消费者组 {group} 的协调者是 broker {broker}")
            }
            (
                K::AssignmentComputed {
                    consumer,
                    assignor,
                    generation,
                    assignment,
                    ..
                },
                _,
            ) => {
                let parts: Vec<String> = assignment
                    .iter()
                    .map(|(m, ps)| format!("{} ← {}", client_of(m), list(ps)))
                    .collect();
                match lang {
                    En => format!(
                        "{consumer} (the group's leader) divides the partitions for generation {generation} with the {assignor} assignor: {}",
                        parts.join("; ")
                    ),
                    Zh => format!(
                        "{consumer}（组的 leader）用 {assignor} 分配策略为第 {generation} 代分配分区：{}",
                        parts.join("；")
                    ),
                }
            }
            (
                K::StaticMemberJoined {
                    group,
                    consumer,
                    instance,
                    replaced,
                    without_rebalance,
                    ..
                },
                _,
            ) => match (replaced.is_some(), *without_rebalance, lang) {
                (false, _, En) => format!("{consumer} joins group {group} as static member {instance}"),
                (false, _, Zh) => format!("{consumer} 以静态成员 {instance} 加入消费者组 {group}"),
                (true, true, En) => format!(
                    "{consumer} comes back as static member {instance} of {group}: it keeps its partitions and nobody rebalances"
                ),
                (true, true, Zh) => format!("{consumer} 以静态成员 {instance} 回到 {group}：保留原有分区，谁都不用再均衡"),
                (true, false, En) => {
                    format!("{consumer} comes back as static member {instance} of {group} during a rebalance")
                }
                (true, false, Zh) => format!("{consumer} 在再均衡途中以静态成员 {instance} 回到 {group}"),
            },
            _ => return None,
        })
    }

    /// One sentence saying what happened and why.
    pub fn sentence(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        use Told as K;
        match (self, lang) {
            (K::RecordPartitioned { producer, topic, key, partition, num_partitions, choice, .. }, _) => {
                let k = key_text(key, lang);
                match (choice, lang) {
                    (PartitionChoice::Keyed { murmur2, positive }, En) => format!(
                        "{producer}: record key {k} → partition {partition} of {topic}, because murmur2(key) = {murmur2}, toPositive = {positive}, and {positive} % {num_partitions} = {partition}"
                    ),
                    (PartitionChoice::Keyed { murmur2, positive }, Zh) => format!(
                        "{producer}：key 为 {k} 的消息 → {topic} 的分区 {partition}，因为 murmur2(key) = {murmur2}，toPositive 后为 {positive}，{positive} % {num_partitions} = {partition}"
                    ),
                    (PartitionChoice::Sticky { switched: None }, En) => format!(
                        "{producer}: record {k} → partition {partition} of {topic}: keyless records stick to one partition until about batch.size bytes went there"
                    ),
                    (PartitionChoice::Sticky { switched: None }, Zh) => format!(
                        "{producer}：{k}消息 → {topic} 的分区 {partition}：无 key 的消息会粘在同一分区，直到写满约 batch.size 字节"
                    ),
                    (PartitionChoice::Sticky { switched: Some(r) }, En) => format!(
                        "{producer}: record {k} → partition {partition} of {topic}, picked at random among partitions with a leader, possibly the same one again ({})",
                        match r {
                            StickyReason::First => "first keyless record",
                            StickyReason::BatchSizeReached => "the previous partition got its batch.size worth",
                        }
                    ),
                    (PartitionChoice::Sticky { switched: Some(r) }, Zh) => format!(
                        "{producer}：{k}消息 → {topic} 的分区 {partition}，从有 leader 的分区中随机选出，可能再次选中同一个（{}）",
                        match r {
                            StickyReason::First => "第一条无 key 消息",
                            StickyReason::BatchSizeReached => "上一个分区已写满 batch.size",
                        }
                    ),
                }
            }
            (K::BatchSent { producer, broker, partition, records, bytes }, En) => {
                format!("{producer} sends a batch of {records} record(s) ({bytes} bytes) for {partition} to its leader, broker {broker}")
            }
            (K::BatchSent { producer, broker, partition, records, bytes }, Zh) => {
                format!("{producer} 把 {partition} 的一批 {records} 条消息（{bytes} 字节）发给 leader：broker {broker}")
            }
            (K::ProduceAcked { producer, partition, base_offset, records }, En) => {
                format!("{producer}: {partition} acknowledged {records} record(s) from offset {base_offset} (acks=all)")
            }
            (K::ProduceAcked { producer, partition, base_offset, records }, Zh) => {
                format!("{producer}：{partition} 确认了从 offset {base_offset} 开始的 {records} 条消息（acks=all）")
            }
            (K::ProduceRetry { producer, partition, error, backoff_ms, retry_at_ms }, En) => format!(
                "{producer}: sending to {partition} failed ({error}); it waits retry.backoff.ms ({backoff_ms} ms this time) and retries at t = {}",
                secs(*retry_at_ms, lang)
            ),
            (K::ProduceRetry { producer, partition, error, backoff_ms, retry_at_ms }, Zh) => format!(
                "{producer}：发送到 {partition} 失败（{error}），按 retry.backoff.ms 等待（这次 {backoff_ms} 毫秒），在 t = {} 重试",
                secs(*retry_at_ms, lang)
            ),
            (K::ProduceWaiting { producer, partition, until_ms }, En) => format!(
                "{producer}: {partition} has no leader, so its batch waits in the accumulator while the producer polls metadata for a new leader; delivery.timeout.ms (120000) fails it at t = {} if none appears",
                secs(*until_ms, lang)
            ),
            (K::ProduceWaiting { producer, partition, until_ms }, Zh) => format!(
                "{producer}：{partition} 没有 leader，这批消息留在缓冲区里，生产者不断刷新元数据等待新 leader；若一直没有，delivery.timeout.ms（120000）会在 t = {} 让它失败",
                secs(*until_ms, lang)
            ),
            (K::ProduceExpired { producer, partition, records }, En) => {
                format!("{producer}: {records} record(s) for {partition} failed: not acknowledged within delivery.timeout.ms (120000)")
            }
            (K::ProduceExpired { producer, partition, records }, Zh) => {
                format!("{producer}：{partition} 的 {records} 条消息发送失败：delivery.timeout.ms（120000）内未被确认")
            }
            (K::ProduceRejected { producer, reason }, En) => format!(
                "{producer}: send() waited max.block.ms (60000) for {reason} and failed (BufferExhaustedException); the application goes on to its next send"
            ),
            (K::ProduceRejected { producer, reason }, Zh) => format!(
                "{producer}：send() 等待 {reason} 超过 max.block.ms（60000）后失败（BufferExhaustedException），应用继续下一次发送"
            ),
            (K::SendBlocked { producer, queued_bytes, until_ms }, En) => format!(
                "{producer}: send() blocks: buffer.memory (33554432 bytes) is full with {queued_bytes} bytes not yet acknowledged; it waits for acknowledgements to free space, until t = {} at most (max.block.ms 60000)",
                secs(*until_ms, lang)
            ),
            (K::SendBlocked { producer, queued_bytes, until_ms }, Zh) => format!(
                "{producer}：send() 阻塞：buffer.memory（33554432 字节）已满，{queued_bytes} 字节尚未被确认；它等待确认释放空间，最多等到 t = {}（max.block.ms 60000）",
                secs(*until_ms, lang)
            ),
            (K::RecordAppended { broker, topic, partition, offset, key }, En) => {
                format!("broker {broker} appends record {} to {topic}-{partition} at offset {offset}", key_text(key, lang))
            }
            (K::RecordAppended { broker, topic, partition, offset, key }, Zh) => {
                format!("broker {broker} 把消息 {} 追加到 {topic}-{partition}，offset 为 {offset}", key_text(key, lang))
            }
            (K::BrokerCrashed { broker }, En) => format!("broker {broker} crashed; its connections drop"),
            (K::BrokerCrashed { broker }, Zh) => format!("broker {broker} 崩溃，它的连接全部断开"),
            (K::BrokerFenced { broker, offline }, En) => format!(
                "the controller fenced broker {broker} after broker.session.timeout.ms (9000) without a heartbeat; partitions with no other replica have no leader: {}",
                list(offline)
            ),
            (K::BrokerFenced { broker, offline }, Zh) => format!(
                "broker {broker} 超过 broker.session.timeout.ms（9000）没有心跳，被 controller 隔离；没有其他副本的分区失去 leader：{}",
                list(offline)
            ),
            (K::BrokerRestarted { broker, online }, En) => {
                format!("broker {broker} restarted and registered with the controller; leading again: {}", list(online))
            }
            (K::BrokerRestarted { broker, online }, Zh) => {
                format!("broker {broker} 重启并向 controller 注册，重新成为 leader 的分区：{}", list(online))
            }
            (K::PartitionsAdded { topic, from, to }, En) => format!(
                "{topic} grows from {from} to {to} partitions; keys now hash modulo {to}, so a key may map to a different partition than its earlier records"
            ),
            (K::PartitionsAdded { topic, from, to }, Zh) => format!(
                "{topic} 的分区数从 {from} 增加到 {to}；key 现在对 {to} 取模，同一个 key 可能落到与之前消息不同的分区"
            ),
            (K::TopicCreated { topic, partitions }, En) => format!(
                "topic {topic} is created with {partitions} partitions; group leaders subscribed to it see it in their next metadata and rejoin"
            ),
            (K::TopicCreated { topic, partitions }, Zh) => format!(
                "创建主题 {topic}，共 {partitions} 个分区；订阅了它的消费组 leader 在下一次元数据更新时看到它并重新加入"
            ),
            (K::TopicsMissing { consumer, topics }, En) => format!(
                "{consumer} subscribes to {}, which does not exist yet: it gets none of it until the topic is created (Kafka assigns only topics in the metadata)",
                list(topics)
            ),
            (K::TopicsMissing { consumer, topics }, Zh) => format!(
                "{consumer} 订阅的 {} 还不存在：在主题创建之前它分不到任何分区（Kafka 只分配元数据里有的主题）",
                list(topics)
            ),
            (K::LimitReached { what, limit }, En) => format!("limit reached: {what} ({limit})"),
            (K::LimitReached { what, limit }, Zh) => format!("达到上限：{what}（{limit}）"),
            (K::MemberIdAssigned { group, consumer, member_id }, En) => format!(
                "coordinator of {group} gives {consumer} the member id {member_id} and asks it to join again with it (MEMBER_ID_REQUIRED, KIP-394)"
            ),
            (K::MemberIdAssigned { group, consumer, member_id }, Zh) => format!(
                "{group} 的协调者为 {consumer} 分配成员 ID {member_id}，并要求它带着这个 ID 重新加入（MEMBER_ID_REQUIRED，KIP-394）"
            ),
            (K::RebalanceStarted { group, generation, reason, initial_delay_ms, deadline_ms }, _) => {
                let why = match (reason, lang) {
                    (RebalanceReason::MemberJoined { consumer }, En) => format!("{consumer} joined"),
                    (RebalanceReason::MemberJoined { consumer }, Zh) => format!("{consumer} 加入"),
                    (RebalanceReason::MemberRejoined { consumer }, En) => format!("{consumer} rejoined"),
                    (RebalanceReason::MemberRejoined { consumer }, Zh) => format!("{consumer} 重新加入"),
                    (RebalanceReason::MemberLeft { consumer }, En) => format!("{consumer} left"),
                    (RebalanceReason::MemberLeft { consumer }, Zh) => format!("{consumer} 离开"),
                    (RebalanceReason::SessionExpired { consumer }, En) => format!("{consumer}'s session expired"),
                    (RebalanceReason::SessionExpired { consumer }, Zh) => format!("{consumer} 的会话超时"),
                };
                match (initial_delay_ms, lang) {
                    (Some(d), En) => format!(
                        "group {group} starts rebalancing because {why}; a new group waits group.initial.rebalance.delay.ms ({d}) for more members, until t = {} (longer if more arrive)",
                        secs(*deadline_ms, lang)
                    ),
                    (Some(d), Zh) => format!(
                        "消费者组 {group} 开始再均衡，因为{why}；新组会先等待 group.initial.rebalance.delay.ms（{d}）让更多成员加入，直到 t = {}（有新成员到来会再延后）",
                        secs(*deadline_ms, lang)
                    ),
                    (None, En) => format!(
                        "group {group} starts rebalancing (generation {generation} ends) because {why}; every member must rejoin, by t = {} at the latest (the rebalance timeout, max.poll.interval.ms 300000)",
                        secs(*deadline_ms, lang)
                    ),
                    (None, Zh) => format!(
                        "消费者组 {group} 开始再均衡（第 {generation} 代结束），因为{why}；所有成员都要重新加入，最晚在 t = {}（再均衡超时，即 max.poll.interval.ms 300000）",
                        secs(*deadline_ms, lang)
                    ),
                }
            }
            (K::JoinCompleted { group, protocol, generation, leader, members }, En) => format!(
                "group {group} generation {generation}: members {}; the coordinator picks the {protocol} assignor (the one every member lists, by most first choices); {leader} is the leader and will compute the assignment",
                list(members)
            ),
            (K::JoinCompleted { group, protocol, generation, leader, members }, Zh) => format!(
                "消费者组 {group} 第 {generation} 代：成员 {}；协调者选定 {protocol} 分配策略（所有成员都支持、首选票数最多）；{leader} 是 leader，由它计算分配方案",
                list(members)
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: None, .. }, En) => format!(
                "{consumer} joins group {group} as static member {instance} (group.instance.id): no MEMBER_ID_REQUIRED round trip, its member id is {member_id}"
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: None, .. }, Zh) => format!(
                "{consumer} 以静态成员 {instance}（group.instance.id）加入消费者组 {group}：不需要 MEMBER_ID_REQUIRED 往返，成员 ID 为 {member_id}"
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: Some(old), without_rebalance: true }, En) => format!(
                "{consumer} comes back as static member {instance} of {group}: the coordinator swaps member id {old} for {member_id}, keeps its partitions and does not rebalance (the old id is fenced)"
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: Some(old), without_rebalance: true }, Zh) => format!(
                "{consumer} 以静态成员 {instance} 回到 {group}：协调者把成员 ID {old} 换成 {member_id}，保留它的分区，不触发再均衡（旧 ID 被隔离）"
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: Some(old), without_rebalance: false }, En) => format!(
                "{consumer} comes back as static member {instance} of {group} mid-rebalance: member id {old} becomes {member_id} (the old id is fenced)"
            ),
            (K::StaticMemberJoined { group, consumer, instance, member_id, replaced: Some(old), without_rebalance: false }, Zh) => format!(
                "{consumer} 在再均衡途中以静态成员 {instance} 回到 {group}：成员 ID {old} 换成 {member_id}（旧 ID 被隔离）"
            ),
            (K::JoinRefused { group, consumer, error, offered }, En) => format!(
                "group {group} refuses {consumer}'s JoinGroup with {error}: it offers {} and the members share none of them",
                list(offered)
            ),
            (K::JoinRefused { group, consumer, error, offered }, Zh) => format!(
                "消费者组 {group} 以 {error} 拒绝 {consumer} 的 JoinGroup：它提供的 {} 与现有成员没有共同的分配策略",
                list(offered)
            ),
            (K::GroupStable { group, generation }, En) => format!("group {group} is stable at generation {generation}"),
            (K::GroupStable { group, generation }, Zh) => format!("消费者组 {group} 在第 {generation} 代进入稳定状态"),
            (K::GroupEmpty { group, generation }, En) => format!("group {group} has no members left (generation {generation})"),
            (K::GroupEmpty { group, generation }, Zh) => format!("消费者组 {group} 已没有成员（第 {generation} 代）"),
            (K::MemberLeft { group, consumer }, En) => format!("{consumer} left group {group} (LeaveGroup)"),
            (K::MemberLeft { group, consumer }, Zh) => format!("{consumer} 离开消费者组 {group}（LeaveGroup）"),
            (K::MemberNotRejoined { group, consumer }, En) => {
                format!("group {group} completes its rebalance without {consumer}, which had not rejoined")
            }
            (K::MemberNotRejoined { group, consumer }, Zh) => {
                format!("消费者组 {group} 完成再均衡，{consumer} 没有重新加入，被移出")
            }
            (K::MemberExpired { group, consumer, timeout_ms }, En) => {
                format!("group {group} removes {consumer}: no heartbeat within {timeout_ms} ms")
            }
            (K::MemberExpired { group, consumer, timeout_ms }, Zh) => {
                format!("消费者组 {group} 移除 {consumer}：{timeout_ms} 毫秒内没有心跳")
            }
            (K::ConsumerStarted { consumer, group }, En) => format!("{consumer} starts and subscribes as a member of group {group}"),
            (K::ConsumerStarted { consumer, group }, Zh) => format!("{consumer} 启动，作为消费者组 {group} 的成员订阅"),
            (K::ConsumerStopped { consumer, crashed: true }, En) => {
                format!("{consumer} crashed without leaving; the group will notice after session.timeout.ms")
            }
            (K::ConsumerStopped { consumer, crashed: true }, Zh) => {
                format!("{consumer} 崩溃，没有发送 LeaveGroup；消费者组要等 session.timeout.ms 后才会发现")
            }
            (K::ConsumerStopped { consumer, crashed: false }, En) => format!("{consumer} closed"),
            (K::ConsumerStopped { consumer, crashed: false }, Zh) => format!("{consumer} 已关闭"),
            (K::CoordinatorFound { consumer, group, broker, offsets_partition }, En) => format!(
                "{consumer}: the coordinator of {group} is broker {broker}, leader of __consumer_offsets partition {offsets_partition} = abs(hashCode(\"{group}\")) % 50"
            ),
            (K::CoordinatorFound { consumer, group, broker, offsets_partition }, Zh) => format!(
                "{consumer}：{group} 的协调者是 broker {broker}，即 __consumer_offsets 分区 {offsets_partition} 的 leader（abs(hashCode(\"{group}\")) % 50）"
            ),
            (K::AssignmentComputed { consumer, assignor, generation, assignment, .. }, _) => {
                let parts: Vec<String> = assignment.iter().map(|(m, ps)| format!("{m} ← {}", list(ps))).collect();
                let (how_en, how_zh) = match assignor.as_str() {
                    "range" => ("each topic split into ranges, members sorted by id", "每个 topic 切成连续区间，成员按 ID 排序"),
                    "roundrobin" => ("partitions dealt in turn, members sorted by id", "分区按成员 ID 顺序轮流发放"),
                    "sticky" => ("balanced, keeping what members held", "均衡且尽量保留成员原有的分区"),
                    _ => ("balanced, keeping what members own; a partition moving owner is left out until its owner gives it up", "均衡且保留成员已有的分区；要换主人的分区先不分配，等原主人交出"),
                };
                match lang {
                    En => format!(
                        "{consumer} (leader) assigns with the {assignor} assignor for generation {generation} ({how_en}): {}",
                        parts.join("; ")
                    ),
                    Zh => format!("{consumer}（leader）用 {assignor} 分配策略为第 {generation} 代分配（{how_zh}）：{}", parts.join("；")),
                }
            }
            (K::PartitionsAssigned { consumer, generation, partitions }, En) => {
                format!("{consumer} is assigned {} (generation {generation})", list(partitions))
            }
            (K::PartitionsAssigned { consumer, generation, partitions }, Zh) => {
                format!("{consumer} 分到 {}（第 {generation} 代）", list(partitions))
            }
            (K::PartitionsRevoked { consumer, partitions, rejoining: true }, En) => {
                format!("{consumer} gives up {} before rejoining (eager rebalance)", list(partitions))
            }
            (K::PartitionsRevoked { consumer, partitions, rejoining: true }, Zh) => {
                format!("{consumer} 在重新加入前交出 {}（eager 再均衡）", list(partitions))
            }
            (K::CooperativeRevoke { consumer, generation, partitions, kept }, En) => format!(
                "{consumer} gives up only {} (not in its generation-{generation} assignment), keeps {} and rejoins at once so they can be handed on (cooperative rebalance)",
                list(partitions),
                list(kept)
            ),
            (K::CooperativeRevoke { consumer, generation, partitions, kept }, Zh) => format!(
                "{consumer} 只交出 {}（不在第 {generation} 代的分配里），保留 {}，并立即重新加入，好让这些分区转给别人（协作式再均衡）",
                list(partitions),
                list(kept)
            ),
            (K::PartitionsLost { consumer, partitions }, En) => format!(
                "{consumer} lost {}: its generation was reset, so it drops them without committing (onPartitionsLost)",
                list(partitions)
            ),
            (K::PartitionsLost { consumer, partitions }, Zh) => format!(
                "{consumer} 丢失了 {}：它的代数已被重置，只能不提交直接放弃（onPartitionsLost）",
                list(partitions)
            ),
            (K::ConsumerFailed { consumer, error, exception }, En) => {
                format!("{consumer}: poll() throws {exception} ({error}); the consumer stops")
            }
            (K::ConsumerFailed { consumer, error, exception }, Zh) => {
                format!("{consumer}：poll() 抛出 {exception}（{error}），消费者停止")
            }
            (K::PartitionsRevoked { consumer, partitions, rejoining: false }, En) => {
                format!("{consumer} gives up {} as it closes", list(partitions))
            }
            (K::PartitionsRevoked { consumer, partitions, rejoining: false }, Zh) => {
                format!("{consumer} 关闭时交出 {}", list(partitions))
            }
            (K::RebalanceNoticed { consumer, error }, _) => match (error.as_str(), lang) {
                ("REBALANCE_IN_PROGRESS", En) => format!("{consumer} learns of a rebalance ({error}) and rejoins"),
                ("REBALANCE_IN_PROGRESS", Zh) => format!("{consumer} 得知正在再均衡（{error}），重新加入"),
                ("metadata changed", En) => {
                    format!("{consumer} (leader) sees a subscribed topic appear or grow in the metadata and rejoins so partitions are reassigned")
                }
                ("metadata changed", Zh) => format!("{consumer}（leader）在元数据里发现订阅的主题出现或分区数变了，重新加入以便重新分配分区"),
                (_, En) => format!("{consumer} is no longer in the group's current generation ({error}) and rejoins"),
                (_, Zh) => format!("{consumer} 已不在消费者组的当前代中（{error}），重新加入"),
            },
            (K::PositionRestored { consumer, partition, offset }, En) => {
                format!("{consumer} resumes {partition} at the committed offset {offset}")
            }
            (K::PositionRestored { consumer, partition, offset }, Zh) => {
                format!("{consumer} 从已提交的 offset {offset} 继续消费 {partition}")
            }
            (K::PositionReset { consumer, partition, policy, offset }, En) => format!(
                "{consumer}: {partition} has no committed offset, so auto.offset.reset={policy} puts the position at {offset}"
            ),
            (K::PositionReset { consumer, partition, policy, offset }, Zh) => {
                format!("{consumer}：{partition} 没有已提交的 offset，auto.offset.reset={policy}，从 {offset} 开始")
            }
            (K::RecordConsumed { consumer, topic, partition, offset, key }, En) => {
                format!("{consumer} consumes {topic}-{partition} offset {offset}, key {}", key_text(key, lang))
            }
            (K::RecordConsumed { consumer, topic, partition, offset, key }, Zh) => {
                format!("{consumer} 消费 {topic}-{partition} 的 offset {offset}，key {}", key_text(key, lang))
            }
            (K::FetchWaiting { consumer, broker, partitions, max_wait_ms }, En) => format!(
                "{consumer} has read everything broker {broker} has for {}; each fetch now waits there up to fetch.max.wait.ms ({max_wait_ms}) and returns as soon as a record arrives",
                list(partitions)
            ),
            (K::FetchWaiting { consumer, broker, partitions, max_wait_ms }, Zh) => format!(
                "{consumer} 已读完 broker {broker} 上 {} 的全部消息；之后每次 fetch 在 broker 端最多等待 fetch.max.wait.ms（{max_wait_ms}），有新消息到达就立即返回",
                list(partitions)
            ),
            (K::OffsetsCommitted { consumer, group, offsets }, _) => {
                let parts: Vec<String> = offsets.iter().map(|(p, o)| format!("{p}={o}")).collect();
                match lang {
                    En => format!("{consumer} commits offsets for group {group}: {} (the next offset to read)", parts.join(", ")),
                    Zh => format!("{consumer} 为消费者组 {group} 提交 offset：{}（即下一条要读的位置）", parts.join("，")),
                }
            }
            (K::CommitFailed { consumer, error }, En) => format!("{consumer}: commit failed ({error})"),
            (K::CommitFailed { consumer, error }, Zh) => format!("{consumer}：提交失败（{error}）"),
        }
    }
}

/// What `Event::tell` reads: the Kafka system's names and its record arena, and the scenario's
/// actions (records recompute their key and value from the action that made them).
pub struct TellCtx<'a> {
    pub kafka: &'a super::system::Kafka,
    pub actions: &'a [crate::scenario::TimedAction],
}

impl TellCtx<'_> {
    fn producer(&self, i: u16) -> String {
        self.kafka
            .producers
            .get(usize::from(i))
            .map_or_else(|| "producer".into(), |p| p.spec.id.clone())
    }
    fn consumer(&self, i: u16) -> String {
        self.kafka
            .consumers
            .get(usize::from(i))
            .map_or_else(|| "consumer".into(), |c| c.spec.id.clone())
    }
    fn topic(&self, t: u16) -> String {
        self.kafka
            .cluster
            .topics
            .get(usize::from(t))
            .map_or_else(|| "?".into(), |t| t.name.clone())
    }
    fn tp(&self, t: u16, partition: u32) -> String {
        format!("{}-{partition}", self.topic(t))
    }
    fn key(&self, record: RecordId) -> Option<String> {
        self.kafka
            .records
            .key(self.actions, record)
            .map(alloc::borrow::Cow::into_owned)
    }
}

impl Event {
    /// The event with its names and text.
    pub fn tell(&self, c: &TellCtx<'_>) -> Told {
        match self {
            Event::RecordPartitioned {
                producer,
                topic,
                partition,
                num_partitions,
                record,
                choice,
            } => {
                let key = c.key(*record);
                let choice = match choice {
                    Choice::Keyed => {
                        let k = super::partitioner::partition_for_key(key.as_deref().unwrap_or(""), *num_partitions);
                        PartitionChoice::Keyed {
                            murmur2: k.murmur2,
                            positive: k.positive,
                        }
                    }
                    Choice::StickyKept => PartitionChoice::Sticky { switched: None },
                    Choice::StickySwitched(r) => PartitionChoice::Sticky { switched: Some(*r) },
                };
                Told::RecordPartitioned {
                    producer: c.producer(*producer),
                    topic: c.topic(*topic),
                    key,
                    value: c.kafka.records.value(c.actions, *record),
                    partition: *partition,
                    num_partitions: *num_partitions,
                    choice,
                }
            }
            Event::BatchSent {
                producer,
                broker,
                topic,
                partition,
                records,
                bytes,
            } => Told::BatchSent {
                producer: c.producer(*producer),
                broker: u32::from(*broker),
                partition: c.tp(*topic, *partition),
                records: *records,
                bytes: *bytes,
            },
            Event::ProduceAcked {
                producer,
                topic,
                partition,
                base_offset,
                records,
            } => Told::ProduceAcked {
                producer: c.producer(*producer),
                partition: c.tp(*topic, *partition),
                base_offset: u64::from(*base_offset),
                records: *records,
            },
            Event::RecordAppended {
                broker,
                topic,
                partition,
                offset,
                record,
            } => Told::RecordAppended {
                broker: u32::from(*broker),
                topic: c.topic(*topic),
                partition: *partition,
                offset: u64::from(*offset),
                key: c.key(*record),
            },
            Event::RecordConsumed {
                consumer,
                topic,
                partition,
                offset,
                record,
            } => Told::RecordConsumed {
                consumer: c.consumer(*consumer),
                topic: c.topic(*topic),
                partition: *partition,
                offset: u64::from(*offset),
                key: c.key(*record),
            },
            Event::Told(told) => (**told).clone(),
        }
    }

    /// The explanation key, without telling the event.
    pub fn key(&self) -> &'static str {
        match self {
            Event::RecordPartitioned { .. } => "RecordPartitioned",
            Event::BatchSent { .. } => "BatchSent",
            Event::ProduceAcked { .. } => "ProduceAcked",
            Event::RecordAppended { .. } => "RecordAppended",
            Event::RecordConsumed { .. } => "RecordConsumed",
            Event::Told(t) => t.key(),
        }
    }
}
