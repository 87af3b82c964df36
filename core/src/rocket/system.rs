//! RocketMQ as the kernel sees it: a node per broker (master, and its slave if it has one),
//! producer and consumer, named as the scenario names them, and the name server (`namesrv`);
//! requests and one-way commands cross the scenario's network, so latency, partitions and
//! crashes reach every rule. Brokers register with the name server and clients fetch their
//! routes from it (`namesrv.rs` holds its tables). Brokers learn a consumer group's members at
//! once (the heartbeat and `NOTIFY_CONSUMER_IDS_CHANGED` take a few ms in a real cluster).
//!
//! Each rule cites the RocketMQ class it follows (5.x, `apache/rocketmq` develop).
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::broker::{Broker, HeldPull, SyncWait};
use super::config::{self, BrokerConfig, BrokerRole, ConsumerConfig, ProducerConfig};
use super::message::{java_string_hash, prop, uniq_key, Properties, Stored};
use super::namesrv::{self, Addr, NameServer, Route, MASTER_ID, SLAVE_ID};
use super::spec::{Action, LocalState, MessageModel, RocketSpec, Selector};
use super::trace::{Found, Pick, PutWhy, SendResult, Told};
use super::tracing::{decode, trace_message, MsgType, Record, Tracer, QUEUE_SIZE};
use super::SYSTEM;
use crate::kernel::time::Instant;
use crate::kernel::{Delivery, Failure, NodeId, RequestSpec};
use crate::systems::{Event as SimEvent, Message as SimMessage, SimKernel as K, Timer as SimTimer, Trace as Ring};

/// The name server's node name.
pub const NAMESRV: &str = "namesrv";

/// Work units one RocketMQ entry costs: like RabbitMQ's, an entry carries told text.
pub const UNITS_PER_ENTRY: u64 = 10;

/// `ConsumeMessageConcurrentlyService`: a failed send-back is consumed again locally after 5 s
/// (`submitConsumeRequestLater`).
const CONSUME_LATER_MS: u64 = 5_000;
/// `ClientConfig.pullTimeDelayMillsWhenException` (1000 in 5.x), which the push consumer copies.
const PULL_AFTER_ERROR_MS: u64 = 1_000;
/// `DefaultMQPushConsumerImpl`: the long-poll pull's own timeout (`CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND`).
const PULL_TIMEOUT_MS: u64 = 30_000;
/// `DefaultMQPushConsumerImpl.BROKER_SUSPEND_MAX_TIME_MILLIS`: how long the broker holds an empty pull.
const BROKER_SUSPEND_MS: u64 = 15_000;
/// `RebalanceService`: every client rebalances every 20 s (`rocketmq.client.rebalance.waitInterval`);
/// an orderly one also renews its locks then (`ConsumeMessageOrderlyService.REBALANCE_LOCK_INTERVAL`).
const REBALANCE_INTERVAL_MS: u64 = 20_000;
/// `RebalanceLockManager.REBALANCE_LOCK_MAX_LIVE_TIME` (`rocketmq.broker.rebalance.lockMaxLiveTime`).
const LOCK_MAX_LIVE_MS: u64 = 60_000;
/// `ProcessQueue.REBALANCE_LOCK_MAX_LIVE_TIME` (`rocketmq.client.rebalance.lockMaxLiveTime`): the
/// client trusts its lock for 30 s after the last successful one; an orderly listener does not
/// run on an older lock (`ConsumeRequest.run` → `isLockExpired`).
pub const CLIENT_LOCK_MAX_LIVE_MS: u64 = 30_000;
/// `tryLockLaterAndReconsume(.., 100)`: an expired lock is tried again 100 ms later.
const LOCK_RETRY_MS: u64 = 100;
/// `RebalanceImpl.lock` with no master address: `rebalanceLater(500)`.
const REBALANCE_LATER_MS: u64 = 500;
/// `DefaultMQPushConsumer.consumeThreadMax` (and `consumeThreadMin`), 20 each.
const CONSUME_THREADS: usize = 20;
/// `DefaultMQPushConsumer.pullThresholdForQueue` and the 50 ms flow-control pause.
const PULL_THRESHOLD: usize = 1_000;
const FLOW_CONTROL_MS: u64 = 50;
/// `MQFaultStrategy` (5.x): latency steps and how long a broker is then avoided (4.x had
/// `{50,100,550,1000,2000,3000,15000}` → `{0,0,30000,60000,120000,180000,600000}`).
const LATENCY_MAX: [u64; 7] = [50, 100, 550, 1_800, 3_000, 5_000, 15_000];
const NOT_AVAILABLE: [u64; 7] = [0, 0, 2_000, 5_000, 6_000, 10_000, 30_000];
/// The latency `updateFaultItem` assumes for a failed send (`isolation`): 10 s in 5.x (30 s in
/// 4.x), so the broker is avoided for 10 s.
const ISOLATION_LATENCY_MS: u64 = 10_000;
/// `DeliverDelayedMessageTimerTask`: a level's task first runs `FIRST_DELAY_TIME` after the
/// service starts, then looks again every `DELAY_FOR_A_WHILE`.
const SCHEDULE_FIRST_MS: u64 = 1_000;
const SCHEDULE_POLL_MS: u64 = 100;
/// `MQClientInstance`: offsets are first persisted 10 s after start, then every interval.
const PERSIST_FIRST_MS: u64 = 10_000;
/// `RebalanceService`: after a round that was not balanced (a lock refused) it waits 1 s.
const REBALANCE_RETRY_MS: u64 = 1_000;
/// `BrokerController`: the consumer offset table is persisted 10 s after start, then every
/// `flushConsumerOffsetInterval` (5000 ms).
const OFFSET_FLUSH_FIRST_MS: u64 = 10_000;
const OFFSET_FLUSH_INTERVAL_MS: u64 = 5_000;
/// `tryRemoveOrderMessageQueue`: how long a rebalance waits for a running orderly listener.
const ORDERLY_UNLOCK_WAIT_MS: u64 = 500;
/// `RebalanceService.minInterval`: a wakeup (a start, a group change) within 1 s of the last
/// rebalance waits out the rest of that second; the service's clock starts when it is made, so a
/// new consumer's first rebalance is 1 s after its start.
const REBALANCE_MIN_INTERVAL_MS: u64 = 1_000;
/// `RebalanceImpl.updateProcessQueueTableInRebalance` → `dispatchPullRequest(list, 500)`: a queue
/// new to the consumer is first pulled 500 ms after the rebalance that gave it.
const FIRST_PULL_DELAY_MS: u64 = 500;
/// `MessageStoreConfig.haSendHeartbeatInterval`: a slave reports its offset at least this often.
const HA_HEARTBEAT_MS: u64 = 5_000;
/// HA transfers carry at most this many messages (`HAConnection` sends at most
/// `haTransferBatchSize`, 32 KB, at a time; mqplay counts messages).
const HA_BATCH: usize = 256;
/// `BrokerController.handleSlaveSynchronize`: the sync task starts 10 s after the slave and
/// runs every 3 s; `syncAll` goes ahead when more than 60 s have passed since the last one (the
/// clock starts when the controller is made, so the first is about a minute in).
const SLAVE_SYNC_FIRST_MS: u64 = 10_000;
const SLAVE_SYNC_TICK_MS: u64 = 3_000;
const SLAVE_SYNC_MS: u64 = 60_000;
/// `ResponseCode.SYSTEM_BUSY`: what a slave answers a pull while `slaveReadEnable` is false
/// (`PullMessageProcessor.rejectRequest` → `NettyRemotingAbstract`).
const SYSTEM_BUSY: u32 = 2;
/// `BrokerConfig.registerBrokerTimeoutMills`.
const REGISTER_BROKER_TIMEOUT_MS: u64 = 24_000;
/// `ResponseCode`s the broker answers with.
const MESSAGE_ILLEGAL: u32 = 13;
const TOPIC_NOT_EXIST: u32 = 17;

#[derive(Debug, Clone, PartialEq)]
pub struct SendAck {
    /// `SendStatus`: SEND_OK, or FLUSH_SLAVE_TIMEOUT from a SYNC_MASTER whose slave did not
    /// confirm in time (the message is stored either way).
    pub status: &'static str,
    pub msg_id: String,
    pub offset_msg_id: String,
    pub queue_id: u32,
    pub queue_offset: u64,
    pub commit_log_offset: u64,
}

/// A request, a reply or a one-way command between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    Send {
        message: u32,
        topic: Rc<str>,
        queue_id: u32,
        properties: Properties,
        body: Rc<str>,
        born_ms: u64,
    },
    SendReply(Result<SendAck, (u32, String)>),
    EndTransaction {
        message: u32,
        commit_log_offset: u64,
        state: LocalState,
        from_check: bool,
    },
    Check {
        message: u32,
        commit_log_offset: u64,
    },
    Pull {
        group: String,
        topic: Rc<str>,
        queue_id: u32,
        offset: u64,
        max: u32,
        tags: String,
        commit_offset: Option<u64>,
    },
    PullReply {
        messages: Vec<Rc<Stored>>,
        next: u64,
    },
    SendBack {
        group: String,
        commit_log_offset: u64,
        max_reconsume: u32,
        reconsume_times: u32,
        to_dlq: bool,
    },
    SendBackReply {
        to: String,
    },
    UpdateOffset {
        group: String,
        topic: Rc<str>,
        queue_id: u32,
        offset: u64,
    },
    Lock {
        group: String,
        client_id: String,
        topic: Rc<str>,
        queue_id: u32,
    },
    Unlock {
        group: String,
        client_id: String,
        topic: Rc<str>,
        queue_id: u32,
    },
    LockReply {
        locked: bool,
        held_by: Option<String>,
    },
    /// HA: the master pushes the commit log from entry `from` to its slave; the slave reports
    /// how many entries it holds.
    HaTransfer {
        from: usize,
        messages: Vec<Rc<Stored>>,
    },
    HaReport {
        count: usize,
        /// The first report of a new HA connection (a slave that started, or one that found a
        /// gap and reconnected): the master pushes from here.
        connect: bool,
    },
    /// A refused request: the code and remark of a `RemotingCommand` that is not SUCCESS.
    Refused {
        code: u32,
        remark: String,
    },
    /// `SlaveSynchronize.syncConsumerOffset`: GET_ALL_CONSUMER_OFFSET and its table.
    GetAllConsumerOffset,
    ConsumerOffsets(BTreeMap<(String, Rc<str>, u32), u64>),
    /// REGISTER_BROKER: a broker process and its topic configs (`TopicConfigSerializeWrapper`).
    RegisterBroker {
        addr: Addr,
        topics: Vec<(Rc<str>, u32)>,
    },
    /// The answer to REGISTER_BROKER; for a slave, whether its master is registered (the
    /// result's `masterAddr`).
    RegisterReply {
        master: bool,
    },
    /// GET_ROUTEINFO_BY_TOPIC, and the name server's answer (`None`: TOPIC_NOT_EXIST).
    GetRoute {
        topic: Rc<str>,
    },
    RouteReply {
        topic: Rc<str>,
        route: Option<Route>,
    },
    /// A client's trace dispatcher sends a batch of trace records (its inner producer's async
    /// send; the callback only logs, so nothing waits for the answer).
    TraceData {
        topic: Rc<str>,
        queue_id: u32,
        keys: String,
        uniq_key: String,
        body: Rc<str>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    /// The producer's thread is free again (next queued send) or the local transaction is done.
    LocalDone {
        producer: u8,
        message: u32,
    },
    CheckAnswer {
        producer: u8,
        message: u32,
        commit_log_offset: u64,
        broker: u8,
    },
    ConsumeDone {
        consumer: u8,
        key: MqKey,
        offset: u64,
    },
    ConsumeAgain {
        consumer: u8,
        key: MqKey,
        offset: u64,
    },
    PullNow {
        consumer: u8,
        key: MqKey,
    },
    /// An orderly consumer tries again to lock a queue whose lock expired.
    LockAgain {
        consumer: u8,
        key: MqKey,
    },
    Resume {
        consumer: u8,
        key: MqKey,
    },
    Persist {
        consumer: u8,
    },
    Rebalance {
        consumer: u8,
    },
    Start {
        consumer: u8,
    },
    /// The producer's outbox relay runs.
    Relay {
        producer: u8,
    },
    ScheduleDue {
        broker: u8,
        level: u8,
    },
    TimerDue {
        broker: u8,
    },
    CheckService {
        broker: u8,
    },
    HoldExpired {
        broker: u8,
        request: u64,
    },
    /// A client's trace dispatcher finds its batch old enough to send.
    TraceFlush {
        client: Client,
    },
    /// The broker persists its consumer offset table.
    FlushOffsets {
        broker: u8,
    },
    /// The broker's (or its slave's) periodic `registerBrokerAll`.
    Register {
        broker: u8,
        slave: bool,
    },
    /// The slave's HA heartbeat (its offset report), and its `SlaveSynchronize` run.
    HaHeartbeat {
        broker: u8,
    },
    SlaveSync {
        broker: u8,
    },
    /// A SYNC_MASTER send's `slaveTimeout` is up.
    SlaveTimeout {
        broker: u8,
    },
    /// The name server's `scanNotActiveBroker`.
    ScanNotActive,
    /// The name server's idle handler (`IdleStateHandler(0, 0, 120 s)`): the channel of the
    /// broker that registered at `last_ms` saw nothing since.
    ChannelIdle {
        broker: u8,
        broker_id: u8,
        last_ms: u64,
    },
    /// A client's `updateTopicRouteInfoFromNameServer` round.
    PollRoutes {
        client: Client,
    },
}

/// A client process: a producer or a consumer (each its own `MQClientInstance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Producer(u8),
    Consumer(u8),
}

/// A message queue as a client names it: (topic, broker index, queue id). Ordered as
/// `MessageQueue.compareTo` orders them once broker names are sorted (topic, broker, queue).
pub type MqKey = (Rc<str>, u8, u32);

/// A send the producer's thread will run.
#[derive(Debug, Clone)]
struct Job {
    message: u32,
    topic: Rc<str>,
    properties: Properties,
    body: Rc<str>,
    selector: Option<Selector>,
    transaction: bool,
    /// The outbox row this send relays.
    outbox_row: Option<usize>,
}

#[derive(Debug, Clone)]
struct InFlight {
    job: Job,
    msg_id: String,
    attempt: u32,
    first_ms: u64,
    attempt_ms: u64,
    last_broker: Option<u8>,
    request: u64,
    broker: u8,
    queue_id: u32,
    brokers_sent: Vec<String>,
    /// `tryToFindTopicPublishInfo` asked the name server (once per send), and whether the
    /// answer is still awaited.
    route_asked: bool,
    route_waiting: bool,
}

#[derive(Debug, Clone)]
pub struct Producer {
    pub name: String,
    pub group: String,
    pub node: NodeId,
    pub config: ProducerConfig,
    ip: [u8; 4],
    pid: u16,
    loader_hash: u32,
    counter: u16,
    /// `TopicPublishInfo.sendWhichQueue` per topic: a `ThreadLocalIndex` that starts at a random
    /// value (a new one with each route, and each process).
    send_which_queue: BTreeMap<Rc<str>, u32>,
    /// `topicPublishInfoTable`: the routes this producer fetched, by topic, and the topics it
    /// asked for (the table's placeholders, polled with the rest even before a route comes).
    pub routes: BTreeMap<Rc<str>, Route>,
    wanted: BTreeSet<Rc<str>>,
    /// `LatencyFaultToleranceImpl`: broker → (not available before this time, reachable).
    pub faults: BTreeMap<u8, (u64, bool)>,
    queue: VecDeque<Job>,
    current: Option<InFlight>,
    /// A local transaction running for this message (the thread is busy).
    local: Option<(u32, SendAck, u8)>,
    /// The local message table (the database: it survives a crash) and the relay's period.
    pub outbox: Option<Outbox>,
    /// `enableMsgTrace`: the client's trace dispatcher.
    pub tracer: Option<Tracer>,
}

/// The outbox pattern's local message table, in the service's database.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub relay_interval_ms: u64,
    pub batch: u32,
    pub rows: Vec<OutboxRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Pending,
    /// Taken by a relay run that has not seen SEND_OK yet.
    Sending,
    Sent,
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub message: u32,
    pub topic: Rc<str>,
    pub properties: Properties,
    pub body: Rc<str>,
    pub state: RowState,
}

/// A consumer's `ProcessQueue` for one message queue.
#[derive(Debug, Clone, Default)]
pub struct Pq {
    pub next_pull: u64,
    pulling: bool,
    /// Pulled and not yet done, by queue offset (`msgTreeMap`).
    pub msgs: BTreeMap<u64, Rc<Stored>>,
    /// Local reconsume counts of an orderly consumer's messages.
    retries: BTreeMap<u64, u32>,
    /// The offset the consumer would commit: the smallest still in flight, or past the last.
    pub consumed: u64,
    committed: u64,
    pub locked: bool,
    busy: bool,
    pub suspended_until: Option<u64>,
    max_seen: Option<u64>,
    /// Which incarnation of the queue's `ProcessQueue` this is (a dropped one's pulls are stale).
    epoch: u32,
    /// When its first pull is dispatched (`FIRST_PULL_DELAY_MS` after the rebalance).
    dispatch_ms: u64,
    /// Dropped by a rebalance while its orderly listener ran: no more pulls or consumption; it
    /// is removed (offset persisted, unlocked) when that message finishes, if it finishes by
    /// `drop_deadline_ms`, else at a later rebalance.
    dropped: bool,
    drop_deadline_ms: u64,
    /// Its pulls are being refused (told once until one succeeds).
    refused: bool,
    /// When its lock was last granted (`lastLockTimestamp`), and whether a retry of an expired
    /// one is on its way.
    pub lock_ms: u64,
    relocking: bool,
    lock_expired: bool,
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub name: String,
    pub group: String,
    pub topic: Rc<str>,
    pub tags: String,
    pub node: NodeId,
    pub client_id: String,
    pub broadcasting: bool,
    pub orderly: bool,
    pub config: ConsumerConfig,
    pub consume_ms: u64,
    pub start_ms: u64,
    fail: Vec<super::spec::FailRule>,
    pub started: bool,
    pub pqs: BTreeMap<MqKey, Pq>,
    /// Broadcasting: the local offset file (`LocalFileOffsetStore`), which survives a crash.
    local_offsets: BTreeMap<MqKey, u64>,
    threads_busy: usize,
    waiting: VecDeque<(MqKey, u64)>,
    /// Process queues made so far (each gets the next epoch).
    pq_epochs: u32,
    next_rebalance_ms: u64,
    /// When the rebalance service last ran, and whether a group change woke it since (its next
    /// round then tells the allocation even if unchanged).
    last_rebalance_ms: u64,
    notified: bool,
    /// `enableMsgTrace`: the dispatcher, the JVM's `UNIQ_KEY` prefix (address, pid, class
    /// loader hash) for request ids, and the SubBefore records whose listener still runs:
    /// (queue, offset) → (requestId, start).
    pub tracer: Option<Tracer>,
    uniq: ([u8; 4], u16, u32),
    trace_open: BTreeMap<(MqKey, u64), (String, u64, Rc<Stored>)>,
    /// `topicSubscribeInfoTable` (as routes): what the consumer divides at its rebalance.
    pub routes: BTreeMap<Rc<str>, Route>,
}

/// What mqplay knows of one send, for the view and the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub producer: u8,
    pub topic: Rc<str>,
    pub keys: Option<String>,
    /// Its TAGS (the end-of-transaction trace record carries them).
    pub tags: Option<String>,
    pub msg_id: String,
    /// Set when the send returned SEND_OK (queue, offset on the broker).
    pub ack: Option<(u8, u32, u64)>,
    pub failed: bool,
    pub transaction: Option<Txn>,
    pub delay_level: Option<u32>,
    pub delay_ms: Option<u64>,
    pub sent_ms: u64,
    /// Its newest copy: (broker, commit log index), op records aside.
    pub latest: Option<(u8, u32)>,
    /// Times a listener ran on it, and returned success, over every group.
    pub deliveries: u32,
    pub successes: u32,
    /// A selector's hash argument: messages with one argument must be consumed in send order.
    pub order_key: Option<String>,
    /// A delay level or timer message: when it was parked, the earliest and latest time it may
    /// come out (`[delay, delay + one look of the schedule task]`, or the timer slot), and when
    /// it did.
    pub delay_bound: Option<(u64, u64, u64)>,
    pub came_out_ms: Option<u64>,
    /// Real messages stored by commits of this transaction (more than one is a duplicate).
    pub commits: u32,
    /// Where a half, delayed or timer message was parked: (topic, queue id).
    pub parked: Option<(Rc<str>, u32)>,
    /// Sent through the producer's outbox (its `commits` count the copies stored).
    pub outbox: bool,
    pub hops: Vec<Hop>,
}

impl Sent {
    /// A send made at `sent_ms` that nothing has happened to yet (the fields every kind shares).
    fn new(sent_ms: u64) -> Sent {
        Sent {
            producer: 0,
            topic: Rc::from(""),
            keys: None,
            tags: None,
            msg_id: String::new(),
            ack: None,
            failed: false,
            transaction: None,
            delay_level: None,
            delay_ms: None,
            sent_ms,
            latest: None,
            deliveries: 0,
            successes: 0,
            order_key: None,
            delay_bound: None,
            came_out_ms: None,
            commits: 0,
            parked: None,
            hops: Vec::new(),
            outbox: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub local: LocalState,
    pub local_ms: u64,
    pub check: Vec<LocalState>,
    pub checks_answered: u32,
    /// What the local transaction did to the database: the first COMMIT or ROLLBACK any
    /// answer gave (`None` while only UNKNOW was said).
    pub db_committed: Option<bool>,
    /// How it ended on the broker: `commit`, `rollback` or `discard`.
    pub ended: Option<&'static str>,
    pub checks: u32,
}

/// One hop of a message's way (an arrow between lanes, or a note on one): its trace, and for a
/// transactional message its sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hop {
    pub at_ms: u64,
    /// `producer`, `broker` or `consumer`.
    pub from: &'static str,
    pub to: &'static str,
    /// The entry's kind (`SEND_MESSAGE`, `CHECK_TRANSACTION_STATE`, ...).
    pub kind: &'static str,
    /// The node that acted.
    pub actor: String,
    /// A state or topic the arrow carries (`COMMIT_MESSAGE`, `RMQ_SYS_TRANS_HALF_TOPIC`, ...).
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<u32>,
}

/// Hops kept per message; a run with more shows the first ones (and counts the rest).
pub const MAX_HOPS: usize = 64;

#[derive(Debug, Clone)]
pub struct Rocket {
    pub config: BrokerConfig,
    /// `BrokerConfig.brokerClusterName` ("DefaultCluster").
    pub cluster_name: String,
    pub levels: Vec<u64>,
    pub brokers: Vec<Broker>,
    /// Each brokerName's slave (`brokerId` 1), if it has one.
    pub slaves: Vec<Option<Broker>>,
    pub producers: Vec<Producer>,
    pub consumers: Vec<Consumer>,
    pub sent: Vec<Sent>,
    /// (group, message) → how many times the group's listener returned success for it;
    /// broadcasting counts per consumer (`group/consumer`).
    pub consumed: BTreeMap<(String, u32), u32>,
    /// Every message a listener ran on, with when and the delivery's status, for the checks.
    /// (message, time, status, consumer).
    pub deliveries: Vec<(u32, u64, &'static str, u8)>,
    /// Stored trace messages: (broker, commit log index), in store order.
    pub trace_stored: Vec<(u8, u32)>,
    pub namesrv: NameServer,
    by_node: BTreeMap<NodeId, Who>,
    /// Requests in flight: id → what they were for.
    requests: BTreeMap<u64, Req>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    NameServer,
    Broker(u8),
    /// The slave of broker `n`.
    Slave(u8),
    Producer(u8),
    Consumer(u8),
}

/// A client's GET_ROUTEINFO_BY_TOPIC; `default_topic`: the producer's second try, for TBW102's
/// route, after its topic had none.
#[derive(Debug, Clone, PartialEq)]
struct RouteAsk {
    client: Client,
    topic: Rc<str>,
    default_topic: bool,
    /// Topics the same round asks next, one after another (each call is synchronous).
    rest: Vec<Rc<str>>,
}

impl RouteAsk {
    fn new(client: Client, topic: Rc<str>) -> RouteAsk {
        RouteAsk {
            client,
            topic,
            default_topic: false,
            rest: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Send,
    /// `epoch`: the process queue's, so a reply for one that was dropped meanwhile is ignored.
    Pull {
        key: MqKey,
        epoch: u32,
    },
    SendBack {
        key: MqKey,
        offset: u64,
    },
    Lock {
        key: MqKey,
    },
    Route(RouteAsk),
    Register,
    SlaveSync,
}

impl Consumer {
    /// An orderly clustering consumer locks its queues on their brokers (`lockMQPeriodically`
    /// and the rebalance's `lock`, CLUSTERING only).
    pub fn locks(&self) -> bool {
        self.orderly && !self.broadcasting
    }
}

impl Rocket {
    pub fn new(spec: &RocketSpec, k: &mut K) -> Rocket {
        let levels = config::parse_delay_levels(&spec.broker_config.message_delay_level).unwrap_or_default();
        let mut by_node = BTreeMap::new();
        let mut names: Vec<&str> = spec.brokers.iter().map(|b| b.name.as_str()).collect();
        names.sort();
        // Brokers in name order: `TopicRouteData.queueDatas` is sorted by broker name.
        let brokers: Vec<Broker> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let node = k.add_node(SYSTEM, (*name).into());
                by_node.insert(node, Who::Broker(i as u8));
                Broker::new((*name).into(), node, i as u8, levels.len())
            })
            .collect();
        let mut rocket = Rocket {
            config: spec.broker_config.clone(),
            cluster_name: "DefaultCluster".into(),
            levels,
            slaves: Vec::new(),
            brokers,
            producers: Vec::new(),
            consumers: Vec::new(),
            sent: Vec::new(),
            consumed: BTreeMap::new(),
            deliveries: Vec::new(),
            trace_stored: Vec::new(),
            // Its node is made after the clients', so theirs keep their numbers.
            namesrv: NameServer::new(NodeId(0)),
            by_node,
            requests: BTreeMap::new(),
        };
        for t in &spec.topics {
            let topic: Rc<str> = Rc::from(t.name.as_str());
            for b in 0..rocket.brokers.len() {
                let holds = t
                    .brokers
                    .as_ref()
                    .is_none_or(|l| l.iter().any(|n| *n == rocket.brokers[b].name));
                if holds {
                    rocket.brokers[b].topics.insert(topic.clone(), t.queues);
                }
            }
        }
        for (i, p) in spec.producers.iter().enumerate() {
            let node = k.add_node(SYSTEM, p.name.clone());
            rocket.by_node.insert(node, Who::Producer(i as u8));
            rocket.producers.push(Producer {
                name: p.name.clone(),
                group: p.group.clone(),
                node,
                config: p.config.clone(),
                ip: [10, 0, 1, 11 + i as u8],
                pid: k.rng.below(32_768) as u16,
                loader_hash: k.rng.next_u64() as u32,
                counter: 0,
                // One random start per route, drawn when the route arrives.
                send_which_queue: BTreeMap::new(),
                routes: BTreeMap::new(),
                wanted: BTreeSet::new(),
                faults: BTreeMap::new(),
                queue: VecDeque::new(),
                current: None,
                local: None,
                outbox: p.outbox.as_ref().map(|o| Outbox {
                    relay_interval_ms: o.relay_interval_ms,
                    batch: o.batch,
                    rows: Vec::new(),
                }),
                tracer: p.config.trace().topic().map(|t| {
                    Tracer::new(
                        Rc::from(t),
                        p.config.trace_msg_batch_num,
                        0,
                        k.rng.below(1 << 31) as u32,
                    )
                }),
            });
        }
        for (i, c) in spec.consumers.iter().enumerate() {
            let node = k.add_node(SYSTEM, c.name.clone());
            rocket.by_node.insert(node, Who::Consumer(i as u8));
            rocket.consumers.push(Consumer {
                name: c.name.clone(),
                group: c.group.clone(),
                topic: Rc::from(c.topic.as_str()),
                tags: c.tags.clone(),
                node,
                // `ClientConfig.buildMQClientId`: ip@instanceName; mqplay sets each client's
                // instanceName to its node name, as `setInstanceName` would.
                client_id: format!("10.0.2.{}@{}", 11 + i, c.name),
                broadcasting: c.message_model == MessageModel::Broadcasting,
                orderly: c.orderly,
                config: c.config.clone(),
                consume_ms: c.consume_ms,
                start_ms: c.start_ms,
                fail: c.fail.clone(),
                started: false,
                pqs: BTreeMap::new(),
                local_offsets: BTreeMap::new(),
                threads_busy: 0,
                waiting: VecDeque::new(),
                pq_epochs: 0,
                next_rebalance_ms: 0,
                last_rebalance_ms: 0,
                notified: false,
                tracer: c.config.trace().topic().map(|t| {
                    Tracer::new(
                        Rc::from(t),
                        c.config.trace_msg_batch_num,
                        0,
                        k.rng.below(1 << 31) as u32,
                    )
                }),
                // Drawn only for a traced consumer, so other runs keep their random sequence.
                uniq: if c.config.enable_msg_trace {
                    (
                        [10, 0, 2, 11 + i as u8],
                        k.rng.below(32_768) as u16,
                        k.rng.next_u64() as u32,
                    )
                } else {
                    ([10, 0, 2, 11 + i as u8], 0, 0)
                },
                trace_open: BTreeMap::new(),
                routes: BTreeMap::new(),
            });
        }
        // `TopicConfigManager`: with `traceTopicEnable` each broker creates `msgTraceTopicName`
        // with one queue. Routed after the producers are made, so their queue indexes do not
        // change.
        if rocket.config.trace_topic_enable {
            let topic: Rc<str> = Rc::from(rocket.config.msg_trace_topic_name.as_str());
            if !spec.topics.iter().any(|t| *t.name == *topic) {
                for b in 0..rocket.brokers.len() {
                    rocket.brokers[b].topics.insert(topic.clone(), 1);
                }
            }
        }
        let node = k.add_node(SYSTEM, NAMESRV.into());
        rocket.by_node.insert(node, Who::NameServer);
        rocket.namesrv.node = node;
        // Slaves last, so every other node keeps its number.
        for b in 0..rocket.brokers.len() {
            let name = rocket.brokers[b].name.clone();
            let slave = spec.brokers.iter().any(|x| x.name == name && x.slave).then(|| {
                let node = k.add_node(SYSTEM, super::spec::slave_name(&name));
                rocket.by_node.insert(node, Who::Slave(b as u8));
                let mut s = Broker::new(name, node, b as u8, 0);
                s.ip = [10, 0, 0, 21 + b as u8];
                s
            });
            rocket.slaves.push(slave);
        }
        // The cluster was running before the scenario's time 0: the name server holds every
        // broker's last registration, made at 0.
        for b in 0..rocket.brokers.len() {
            let topics = rocket.brokers[b].topic_configs();
            rocket.namesrv.register((b as u8, MASTER_ID), 0, &topics);
            if rocket.slaves[b].is_some() {
                rocket.namesrv.register((b as u8, SLAVE_ID), 0, &topics);
            }
        }
        rocket
    }

    fn tell(&mut self, k: &mut K, trace: &mut Ring, node: NodeId, told: Told) {
        *k.io().work += UNITS_PER_ENTRY - 1;
        if let Some(m) = told.message() {
            let at_ms = k.now().ms();
            if let Some(s) = self.sent.get_mut(m as usize - 1) {
                if s.hops.len() < MAX_HOPS {
                    if let Some(hop) = hop(&told, at_ms) {
                        s.hops.push(hop);
                    }
                }
            }
        }
        k.record(trace, node, SimEvent::Rocket(Box::new(told)));
    }

    fn timer(&self, k: &mut K, node: NodeId, at_ms: u64, t: Timer) {
        k.timer(node, Instant(at_ms), SimTimer::Rocket(t));
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        from: NodeId,
        to: NodeId,
        body: Wire,
        req: Req,
        spec: RequestSpec,
    ) -> u64 {
        let id = k.next_request_id;
        k.next_request_id += 1;
        self.requests.insert(id, req);
        k.send(
            trace,
            from,
            to,
            Delivery::Request {
                id,
                body: SimMessage::Rocket(body),
            },
            Some(spec),
        );
        id
    }

    fn oneway(&self, k: &mut K, trace: &mut Ring, from: NodeId, to: NodeId, body: Wire) {
        k.send(trace, from, to, Delivery::Message(SimMessage::Rocket(body)), None);
    }

    fn reply(&self, k: &mut K, trace: &mut Ring, from: NodeId, to: NodeId, id: u64, body: Wire) {
        k.send(
            trace,
            from,
            to,
            Delivery::Response {
                id,
                body: SimMessage::Rocket(body),
            },
            None,
        );
    }

    pub fn mq_name(&self, key: &MqKey) -> String {
        format!("{}@{}:{}", key.0, self.brokers[key.1 as usize].name, key.2)
    }

    /// At time 0: the brokers' and the name server's services, producers, consumers that
    /// start now.
    pub fn start(&mut self, k: &mut K, trace: &mut Ring) {
        for b in 0..self.brokers.len() {
            self.arm_check_service(k, b as u8);
            let node = self.brokers[b].node;
            self.timer(k, node, OFFSET_FLUSH_FIRST_MS, Timer::FlushOffsets { broker: b as u8 });
            self.timer(
                k,
                node,
                namesrv::REGISTER_FIRST_MS,
                Timer::Register {
                    broker: b as u8,
                    slave: false,
                },
            );
            self.slave_start(k, b);
        }
        let node = self.namesrv.node;
        self.timer(k, node, namesrv::SCAN_NOT_ACTIVE_BROKER_MS, Timer::ScanNotActive);
        for p in 0..self.producers.len() {
            self.producer_start(k, trace, p);
        }
        for c in 0..self.consumers.len() {
            let at = self.consumers[c].start_ms;
            self.timer(k, self.consumers[c].node, at, Timer::Start { consumer: c as u8 });
        }
        for p in 0..self.producers.len() {
            self.arm_relay(k, p);
        }
    }

    /// `DefaultMQProducer.start`: the client's route poll begins; the trace dispatcher's
    /// inner producer fetches its topic's route (mqplay: at start rather than at its first send).
    fn producer_start(&mut self, k: &mut K, trace: &mut Ring, p: usize) {
        let node = self.producers[p].node;
        let client = Client::Producer(p as u8);
        let at = k.now().ms() + namesrv::POLL_FIRST_MS;
        self.timer(k, node, at, Timer::PollRoutes { client });
        if let Some(t) = self.producers[p].tracer.as_ref().map(|t| t.topic.clone()) {
            self.fetch_route(k, trace, RouteAsk::new(client, t));
        }
    }

    /// Asks for each topic's route in turn: the next once the last is answered.
    fn fetch_routes(&mut self, k: &mut K, trace: &mut Ring, client: Client, mut topics: Vec<Rc<str>>) {
        if topics.is_empty() {
            return;
        }
        let first = topics.remove(0);
        let ask = RouteAsk {
            rest: topics,
            ..RouteAsk::new(client, first)
        };
        self.fetch_route(k, trace, ask);
    }

    /// A client's publish queues for a topic (`TopicPublishInfo.messageQueueList`), from its
    /// own copy of the route.
    fn publish_queues(&self, client: Client, topic: &str) -> Vec<(u8, u32)> {
        self.client_routes(client)
            .get(topic)
            .map(namesrv::publish_queues)
            .unwrap_or_default()
    }

    fn client_routes(&self, client: Client) -> &BTreeMap<Rc<str>, Route> {
        match client {
            Client::Producer(p) => &self.producers[p as usize].routes,
            Client::Consumer(c) => &self.consumers[c as usize].routes,
        }
    }

    fn client_name(&self, client: Client) -> String {
        match client {
            Client::Producer(p) => self.producers[p as usize].name.clone(),
            Client::Consumer(c) => self.consumers[c as usize].name.clone(),
        }
    }

    /// GET_ROUTEINFO_BY_TOPIC to the name server (`getTopicRouteInfoFromNameServer`,
    /// `mqClientApiTimeout`).
    fn fetch_route(&mut self, k: &mut K, trace: &mut Ring, ask: RouteAsk) {
        let from = self.client_node(ask.client);
        let to = self.namesrv.node;
        let spec = RequestSpec {
            timeout_ms: namesrv::MQ_CLIENT_API_TIMEOUT_MS,
            lane: 3,
            label: "GET_ROUTEINFO_BY_TOPIC",
        };
        let asked = if ask.default_topic {
            Rc::from(namesrv::AUTO_CREATE_TOPIC_KEY_TOPIC)
        } else {
            ask.topic.clone()
        };
        self.request(
            k,
            trace,
            from,
            to,
            Wire::GetRoute { topic: asked },
            Req::Route(ask),
            spec,
        );
    }

    /// `updateTopicRouteInfoFromNameServer()`: every topic the client has a route for, or
    /// subscribes to, is asked again.
    fn poll_routes(&mut self, k: &mut K, trace: &mut Ring, client: Client) {
        let node = self.client_node(client);
        if !k.is_up(node) {
            return;
        }
        let mut topics: BTreeSet<Rc<str>> = self.client_routes(client).keys().cloned().collect();
        if let Client::Producer(p) = client {
            topics.extend(self.producers[p as usize].wanted.iter().cloned());
        }
        let tracer = match client {
            Client::Producer(p) => self.producers[p as usize].tracer.as_ref(),
            Client::Consumer(c) => self.consumers[c as usize].tracer.as_ref(),
        };
        topics.extend(tracer.map(|t| t.topic.clone()));
        if let Client::Consumer(c) = client {
            if !self.consumers[c as usize].started {
                return;
            }
            topics.extend(self.topics_of(c as usize));
        }
        self.fetch_routes(k, trace, client, topics.into_iter().collect());
        let interval = match client {
            Client::Producer(p) => self.producers[p as usize].config.poll_name_server_interval,
            Client::Consumer(c) => self.consumers[c as usize].config.poll_name_server_interval,
        };
        let at = k.now().ms() + interval;
        self.timer(k, node, at, Timer::PollRoutes { client });
    }

    /// The name server's answer (`Ok(None)`: TOPIC_NOT_EXIST), or the request's failure. A new
    /// or changed route replaces the client's copy (`topicRouteDataChanged`; a producer's
    /// publish info then gets a new random `sendWhichQueue`); no route keeps the copy it had
    /// (`updateTopicRouteInfoFromNameServer` catches the error and returns false). An answer
    /// lets the round ask its next topic; a failure escapes the round (the client rethrows
    /// a remoting error as `IllegalStateException`). A send waiting for this topic goes on.
    fn route_answer(&mut self, k: &mut K, trace: &mut Ring, ask: RouteAsk, answer: Result<Option<Route>, Failure>) {
        let RouteAsk {
            client,
            topic,
            default_topic,
            rest,
        } = ask;
        if answer.is_ok() {
            self.fetch_routes(k, trace, client, rest);
        }
        if let Some(route) = answer.clone().ok().flatten().filter(|_| !default_topic) {
            if self.client_routes(client).get(&topic) != Some(&route) {
                let queues = match client {
                    Client::Producer(p) => {
                        let pr = &mut self.producers[p as usize];
                        pr.routes.insert(topic.clone(), route.clone());
                        pr.send_which_queue.insert(topic.clone(), k.rng.below(1 << 31) as u32);
                        namesrv::publish_queues(&route)
                    }
                    Client::Consumer(c) => {
                        self.consumers[c as usize].routes.insert(topic.clone(), route.clone());
                        namesrv::subscribe_queues(&route)
                    }
                };
                let told = Told::Route {
                    client: self.client_name(client),
                    topic: topic.to_string(),
                    message_queues: queues
                        .iter()
                        .map(|q| self.mq_name(&(topic.clone(), q.0, q.1)))
                        .collect(),
                    no_master: route
                        .iter()
                        .filter(|e| !e.master)
                        .map(|e| self.brokers[e.broker as usize].name.clone())
                        .collect(),
                };
                let node = self.client_node(client);
                self.tell(k, trace, node, told);
            }
        }
        let Client::Producer(p) = client else { return };
        let p = p as usize;
        let waiting = self.producers[p]
            .current
            .as_ref()
            .is_some_and(|c| c.route_waiting && c.job.topic == topic);
        if !waiting {
            return;
        }
        match answer {
            Err(why) => {
                // The remoting error escapes `send()` as an unchecked exception.
                let Some(cur) = self.producers[p].current.take() else {
                    return;
                };
                // `NettyRemotingClient.invokeSync` to the name server: a timeout names the
                // channel's remote address; a channel that never connected has none, so the
                // connect error names an empty address.
                let exception = match why {
                    Failure::TimedOut => format!(
                        "IllegalStateException: RemotingTimeoutException: wait response on the channel </{}> timeout, {}(ms)",
                        namesrv::NAMESRV_ADDR,
                        namesrv::MQ_CLIENT_API_TIMEOUT_MS
                    ),
                    Failure::Disconnected => "IllegalStateException: RemotingConnectException: connect to  failed".into(),
                };
                self.send_exception(k, trace, p, cur.job.message, exception);
            }
            // `isHaveTopicRouterInfo`: a producer that holds a route (with no usable queue)
            // does not ask for TBW102's.
            Ok(None) if !default_topic && !self.client_routes(client).contains_key(&topic) => {
                // TOPIC_NOT_EXIST: `tryToFindTopicPublishInfo` then asks for TBW102's route
                // (which mqplay's brokers do not register: `autoCreateTopicEnable` is not
                // modelled, so that answer is TOPIC_NOT_EXIST too).
                let ask = RouteAsk {
                    default_topic: true,
                    ..RouteAsk::new(client, topic)
                };
                self.fetch_route(k, trace, ask);
            }
            _ => {
                // A route, even one with no master (`haveTopicRouterInfo`): the send goes on,
                // and throws if it has no queue.
                if let Some(cur) = self.producers[p].current.as_mut() {
                    cur.route_waiting = false;
                }
                self.attempt(k, trace, p);
            }
        }
    }

    fn arm_check_service(&self, k: &mut K, b: u8) {
        let at = k.now().ms() + self.config.transaction_check_interval;
        self.timer(k, self.brokers[b as usize].node, at, Timer::CheckService { broker: b });
    }

    // ---------------------------------------------------------------- actions

    pub fn apply(&mut self, k: &mut K, trace: &mut Ring, action: &Action) {
        match action {
            Action::Send {
                producer,
                topic,
                tags,
                keys,
                body,
                count,
                selector,
                delay_level,
                delay_ms,
            } => {
                let Some(p) = self.producers.iter().position(|x| x.name == *producer) else {
                    return;
                };
                for i in 0..*count {
                    let mut props = user_properties(tags, keys);
                    // `Message.setDelayTimeLevel` / `setDelayTimeMs` (RocketMQ 5).
                    if let Some(l) = delay_level {
                        props.insert(prop::DELAY.into(), l.to_string());
                    }
                    if let Some(d) = delay_ms {
                        props.insert(prop::TIMER_DELAY_MS.into(), d.to_string());
                    }
                    let body = body.clone().unwrap_or_else(|| {
                        if *count > 1 {
                            format!("{}-{}", topic, i + 1)
                        } else {
                            topic.to_string()
                        }
                    });
                    self.enqueue(
                        k,
                        trace,
                        p,
                        topic,
                        props,
                        &body,
                        selector.clone(),
                        None,
                        *delay_level,
                        *delay_ms,
                    );
                }
            }
            Action::SendTransaction {
                producer,
                topic,
                tags,
                keys,
                body,
                local,
                local_ms,
                check,
                check_immunity_s,
            } => {
                let Some(p) = self.producers.iter().position(|x| x.name == *producer) else {
                    return;
                };
                let mut props = user_properties(tags, keys);
                if let Some(s) = check_immunity_s {
                    props.insert(prop::CHECK_IMMUNITY_TIME_IN_SECONDS.into(), s.to_string());
                }
                // `TransactionMQProducer.sendMessageInTransaction`: TRAN_MSG=true and the group.
                props.insert(prop::TRAN_MSG.into(), "true".into());
                props.insert(prop::PGROUP.into(), self.producers[p].group.clone());
                let txn = Txn {
                    local: *local,
                    local_ms: *local_ms,
                    check: check.clone(),
                    checks_answered: 0,
                    db_committed: None,
                    ended: None,
                    checks: 0,
                };
                let body = body.clone().unwrap_or_else(|| topic.clone());
                self.enqueue(k, trace, p, topic, props, &body, None, Some(txn), None, None);
            }
            Action::SendOutbox {
                producer,
                topic,
                keys,
                body,
                local,
            } => {
                let Some(p) = self.producers.iter().position(|x| x.name == *producer) else {
                    return;
                };
                if !k.is_up(self.producers[p].node) {
                    return;
                }
                let committed = *local == LocalState::CommitMessage;
                let message = self.sent.len() as u32 + 1;
                // The row holds the business key and payload; each relay run builds a new Message
                // from it, so every send of the row gets its own msgId.
                let properties = user_properties(&None, keys);
                let msg_id = String::new();
                let body: Rc<str> = Rc::from(body.clone().unwrap_or_else(|| topic.clone()).as_str());
                self.sent.push(Sent {
                    producer: p as u8,
                    topic: Rc::from(topic.as_str()),
                    keys: keys.clone(),
                    msg_id,
                    ack: None,
                    failed: false,
                    transaction: Some(Txn {
                        local: *local,
                        local_ms: 0,
                        check: Vec::new(),
                        checks_answered: 0,
                        db_committed: Some(committed),
                        ended: Some(if committed { "commit" } else { "rollback" }),
                        checks: 0,
                    }),
                    ..Sent::new(k.now().ms())
                });
                if let Some(s) = self.sent.last_mut() {
                    s.outbox = true;
                }
                if committed {
                    if let Some(o) = self.producers[p].outbox.as_mut() {
                        o.rows.push(OutboxRow {
                            message,
                            topic: Rc::from(topic.as_str()),
                            properties,
                            body,
                            state: RowState::Pending,
                        });
                    }
                }
                let told = Told::OutboxInsert {
                    producer: producer.clone(),
                    message,
                    committed,
                };
                self.tell(k, trace, self.producers[p].node, told);
            }
            Action::QueryByKey { topic, key } => {
                let mut found = Vec::new();
                for b in &self.brokers {
                    // `IndexService` keys an entry by `topic#key`, each of the space-separated
                    // KEYS and the UNIQ_KEY, for the topic the message was stored in.
                    for s in b.commit_log.iter() {
                        if *s.topic == **topic && s.keys().split(' ').any(|x| x == key) {
                            found.push(self.found(s));
                        }
                    }
                }
                let node = self.brokers[0].node;
                self.tell(
                    k,
                    trace,
                    node,
                    Told::Query {
                        by: "key",
                        query: format!("{topic}#{key}"),
                        found,
                    },
                );
            }
            Action::QueryById { message } => {
                let Some(sent) = self.sent.get(*message as usize - 1) else {
                    return;
                };
                let id = sent.msg_id.clone();
                let mut found = Vec::new();
                for b in &self.brokers {
                    for s in b.commit_log.iter() {
                        if s.uniq_key() == id {
                            found.push(self.found(s));
                        }
                    }
                }
                let node = self.brokers[0].node;
                self.tell(
                    k,
                    trace,
                    node,
                    Told::Query {
                        by: "msgId",
                        query: id,
                        found,
                    },
                );
            }
        }
    }

    fn found(&self, s: &Stored) -> Found {
        let b = &self.brokers[s.broker as usize];
        Found {
            message: s.ordinal,
            broker_name: b.name.clone(),
            topic: s.topic.to_string(),
            queue_id: s.queue_id,
            queue_offset: s.queue_offset,
            msg_id: s.uniq_key().into(),
            offset_msg_id: b.offset_msg_id(s),
            store_ms: s.store_ms,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn enqueue(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        p: usize,
        topic: &str,
        properties: Properties,
        body: &str,
        selector: Option<Selector>,
        transaction: Option<Txn>,
        delay_level: Option<u32>,
        delay_ms: Option<u64>,
    ) {
        let message = self.sent.len() as u32 + 1;
        // The msgId is made when the producer's thread sends it (`next_job`).
        self.sent.push(Sent {
            producer: p as u8,
            topic: Rc::from(topic),
            keys: properties.get(prop::KEYS).cloned(),
            tags: properties.get(prop::TAGS).cloned(),
            msg_id: String::new(),
            ack: None,
            failed: false,
            transaction: transaction.clone(),
            delay_level,
            delay_ms,
            ..Sent::new(k.now().ms())
        });
        if let Some(Selector::Hash { arg }) = &selector {
            self.sent[message as usize - 1].order_key = Some(arg.clone());
        }
        let job = Job {
            message,
            topic: Rc::from(topic),
            properties,
            body: Rc::from(body),
            selector,
            transaction: transaction.is_some(),
            outbox_row: None,
        };
        if !k.is_up(self.producers[p].node) {
            self.sent[message as usize - 1].failed = true;
            return;
        }
        self.producers[p].queue.push_back(job);
        self.next_job(k, trace, p);
    }

    /// The producer's thread takes the next send when it is free.
    fn next_job(&mut self, k: &mut K, trace: &mut Ring, p: usize) {
        let pr = &mut self.producers[p];
        if pr.current.is_some() || pr.local.is_some() {
            return;
        }
        let Some(mut job) = pr.queue.pop_front() else { return };
        // `sendKernelImpl` → `MessageClientIDSetter.setUniqID` at the first attempt: made once,
        // kept by every retry. The counter is read, then incremented, so a process's first id
        // ends in 0000 (the JVM's other ids, trace contexts among them, take values too).
        let msg_id = uniq_key(pr.ip, pr.pid, pr.loader_hash, k.now().ms(), pr.counter);
        pr.counter = pr.counter.wrapping_add(1);
        job.properties.insert(prop::UNIQ_KEY.into(), msg_id.clone());
        // An outbox row is a new Message at each relay run; the first id is the one recorded.
        if let Some(s) = self
            .sent
            .get_mut(job.message as usize - 1)
            .filter(|s| s.msg_id.is_empty())
        {
            s.msg_id = msg_id.clone();
        }
        pr.current = Some(InFlight {
            job,
            msg_id,
            attempt: 0,
            first_ms: k.now().ms(),
            attempt_ms: k.now().ms(),
            last_broker: None,
            request: 0,
            broker: 0,
            queue_id: 0,
            brokers_sent: Vec::new(),
            route_asked: false,
            route_waiting: false,
        });
        self.attempt(k, trace, p);
    }

    /// One pass of `DefaultMQProducerImpl.sendDefaultImpl`'s loop: pick a queue, check the
    /// time left, send with what remains of `sendMsgTimeout`.
    fn attempt(&mut self, k: &mut K, trace: &mut Ring, p: usize) {
        let now = k.now().ms();
        let Some(mut cur) = self.producers[p].current.take() else {
            return;
        };
        let topic = cur.job.topic.clone();
        let queues = self.publish_queues(Client::Producer(p as u8), &topic);
        if queues.is_empty() {
            // `tryToFindTopicPublishInfo`: no usable route, so ask the name server first (the
            // time it takes counts against `sendMsgTimeout`); asked and still none,
            // `sendDefaultImpl` throws.
            if !cur.route_asked {
                cur.route_asked = true;
                cur.route_waiting = true;
                self.producers[p].wanted.insert(topic.clone());
                self.producers[p].current = Some(cur);
                self.fetch_route(k, trace, RouteAsk::new(Client::Producer(p as u8), topic));
                return;
            }
            let exception = format!("MQClientException: No route info of this topic: {topic}");
            self.send_exception(k, trace, p, cur.job.message, exception);
            return;
        }
        let (b, q, pick) = self.select(k, p, &queues, &cur);
        let timeout = self.producers[p].config.send_msg_timeout;
        let cost = now - cur.first_ms;
        // `callTimeout` when `timeout < costTime`. A real wait that timed out always returns a
        // little after its deadline, so after a full-length timeout the cost exceeds the budget;
        // in virtual time it lands exactly on it, hence `<=` here.
        // The first attempt is checked too: the route's fetch may have used the budget.
        if (cur.attempt > 0 || cost > 0) && timeout <= cost {
            self.send_exception(
                k,
                trace,
                p,
                cur.job.message,
                "RemotingTooMuchRequestException: sendDefaultImpl call timeout".into(),
            );
            return;
        }
        cur.attempt += 1;
        cur.attempt_ms = now;
        // `SendMessageTraceHookImpl.sendMessageBefore` makes a `TraceContext` per attempt, whose
        // request id takes a value of the JVM's `MessageClientIDSetter` counter.
        if self.producers[p]
            .tracer
            .as_ref()
            .is_some_and(|t| !cur.job.topic.starts_with(&*t.topic))
        {
            self.producers[p].counter = self.producers[p].counter.wrapping_add(1);
        }
        cur.broker = b;
        cur.queue_id = q;
        cur.brokers_sent.push(self.brokers[b as usize].name.clone());
        let told = Told::Send {
            producer: self.producers[p].name.clone(),
            message: cur.job.message,
            topic: topic.to_string(),
            broker_name: self.brokers[b as usize].name.clone(),
            queue_id: q,
            attempt: cur.attempt,
            msg_id: cur.msg_id.clone(),
            pick,
            transactional: cur.job.transaction,
        };
        self.tell(k, trace, self.producers[p].node, told);
        let body = Wire::Send {
            message: cur.job.message,
            topic,
            queue_id: q,
            properties: cur.job.properties.clone(),
            body: cur.job.body.clone(),
            born_ms: cur.first_ms,
        };
        let spec = RequestSpec {
            timeout_ms: timeout - cost,
            lane: 0,
            label: "SEND_MESSAGE",
        };
        let (from, to) = (self.producers[p].node, self.brokers[b as usize].node);
        cur.request = self.request(k, trace, from, to, body, Req::Send, spec);
        self.producers[p].current = Some(cur);
    }

    /// The queue for this attempt: a selector's choice, or `MQFaultStrategy.selectOneMessageQueue`.
    fn select(&mut self, k: &mut K, p: usize, queues: &[(u8, u32)], cur: &InFlight) -> (u8, u32, Pick) {
        let n = queues.len().max(1) as u32;
        match &cur.job.selector {
            // `SelectMessageQueueByHash.select`: `value = arg.hashCode() % mqs.size()`, then
            // `Math.abs(value)` when negative.
            Some(Selector::Hash { arg }) => {
                let h = java_string_hash(arg);
                let r = h % n as i32;
                let (b, q) = queues[r.unsigned_abs() as usize];
                (
                    b,
                    q,
                    Pick::Hash {
                        arg: arg.clone(),
                        hash_code: h,
                        remainder: r,
                        queues: n,
                    },
                )
            }
            Some(Selector::Random) => {
                let i = k.rng.below(u64::from(n)) as usize;
                (queues[i].0, queues[i].1, Pick::Random { queues: n })
            }
            None => {
                let now = k.now().ms();
                let latency = self.producers[p].config.send_latency_fault_enable;
                // 5.x `selectOneMessageQueue(tpInfo, lastBrokerName, resetIndex)`: with latency
                // fault tolerance on, a retry first moves the index to a random place.
                let topic = cur.job.topic.clone();
                let mut index_now = self.producers[p].send_which_queue.get(&topic).copied().unwrap_or(0);
                if latency && cur.attempt > 0 {
                    index_now = k.rng.below(1 << 31) as u32;
                }
                let last = cur.last_broker;
                let faults = self.producers[p].faults.clone();
                let available = |b: u8| faults.get(&b).is_none_or(|f| now >= f.0);
                let reachable = |b: u8| faults.get(&b).is_none_or(|f| f.1);
                let other = |b: u8| last != Some(b);
                // `TopicPublishInfo.selectOneMessageQueue(filters)`: up to `size` draws of the
                // next index, the first queue passing every filter.
                let mut skipped: Vec<u8> = Vec::new();
                let mut draws = |counter: &mut u32, pass: &dyn Fn(u8) -> bool| -> Option<(u8, u32, u32)> {
                    for _ in 0..n {
                        *counter = counter.wrapping_add(1);
                        let index = *counter & 0x7fff_ffff;
                        let (b, q) = queues[(index % n) as usize];
                        if pass(b) {
                            return Some((b, q, index));
                        }
                        if !skipped.contains(&b) {
                            skipped.push(b);
                        }
                    }
                    None
                };
                let counter = &mut index_now;
                let found = if latency {
                    draws(counter, &|b| available(b) && other(b))
                        .or_else(|| draws(counter, &|b| reachable(b) && other(b)))
                } else {
                    draws(counter, &other)
                };
                let (b, q, index) = found.unwrap_or_else(|| {
                    *counter = counter.wrapping_add(1);
                    let index = *counter & 0x7fff_ffff;
                    let (b, q) = queues[(index % n) as usize];
                    (b, q, index)
                });
                self.producers[p].send_which_queue.insert(topic, index_now);
                // Brokers a draw passed over for being in their not-available window.
                let avoided: Vec<String> = skipped
                    .iter()
                    .filter(|x| **x != b && Some(**x) != last)
                    .map(|x| self.brokers[*x as usize].name.clone())
                    .collect();
                let pick = match last {
                    Some(l) if l != b => Pick::OtherBroker {
                        index,
                        queues: n,
                        last_broker_name: self.brokers[l as usize].name.clone(),
                    },
                    _ if !avoided.is_empty() => Pick::AvoidedFaulty {
                        index,
                        queues: n,
                        avoided,
                    },
                    _ => Pick::RoundRobin { index, queues: n },
                };
                (b, q, pick)
            }
        }
    }

    /// `updateFaultItem(brokerName, currentLatency, isolation)`.
    #[allow(clippy::too_many_arguments)]
    fn fault_item(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        p: usize,
        b: u8,
        latency_ms: u64,
        isolation: bool,
        reachable: bool,
    ) {
        if !self.producers[p].config.send_latency_fault_enable {
            return;
        }
        let latency = if isolation { ISOLATION_LATENCY_MS } else { latency_ms };
        let i = LATENCY_MAX.iter().rposition(|m| latency >= *m);
        let not_available_ms = i.map_or(0, |i| NOT_AVAILABLE[i]);
        let now = k.now().ms();
        // `FaultItem.updateNotAvailableDuration` (5.x) only moves the end forward: a fast
        // success does not end an isolation early. `reachable` is overwritten each time.
        let item = self.producers[p].faults.entry(b).or_insert((0, true));
        if not_available_ms > 0 && now + not_available_ms > item.0 {
            item.0 = now + not_available_ms;
        }
        item.1 = reachable;
        if not_available_ms > 0 {
            let told = Told::FaultItem {
                producer: self.producers[p].name.clone(),
                broker_name: self.brokers[b as usize].name.clone(),
                latency_ms,
                isolation,
                not_available_ms,
            };
            self.tell(k, trace, self.producers[p].node, told);
        }
    }

    /// `send()` throws: the caller sees the exception, and the producer's thread moves on.
    fn send_exception(&mut self, k: &mut K, trace: &mut Ring, p: usize, message: u32, exception: String) {
        let told = Told::SendException {
            producer: self.producers[p].name.clone(),
            message,
            exception,
        };
        self.tell(k, trace, self.producers[p].node, told);
        self.send_failed(k, trace, p, message);
    }

    fn send_failed(&mut self, k: &mut K, trace: &mut Ring, p: usize, message: u32) {
        // An outbox row whose send failed stays unsent: the next relay run takes it again.
        let outbox = self.producers[p].outbox.is_some();
        if outbox {
            self.release_rows(p, message);
        } else {
            self.sent[message as usize - 1].failed = true;
        }
        self.next_job(k, trace, p);
    }

    fn release_rows(&mut self, p: usize, message: u32) {
        if let Some(o) = self.producers[p].outbox.as_mut() {
            for row in o
                .rows
                .iter_mut()
                .filter(|r| r.message == message && r.state == RowState::Sending)
            {
                row.state = RowState::Pending;
            }
        }
    }

    fn arm_relay(&self, k: &mut K, p: usize) {
        if let Some(o) = &self.producers[p].outbox {
            let at = k.now().ms() + o.relay_interval_ms;
            self.timer(k, self.producers[p].node, at, Timer::Relay { producer: p as u8 });
        }
    }

    /// The relay's run: the oldest unsent rows, up to `batch`, each sent as a plain message (the
    /// row's key kept as KEYS, so a consumer can deduplicate).
    fn relay(&mut self, k: &mut K, trace: &mut Ring, p: usize) {
        self.arm_relay(k, p);
        let Some(o) = self.producers[p].outbox.as_mut() else {
            return;
        };
        let batch = o.batch as usize;
        let picked: Vec<usize> = o
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.state == RowState::Pending)
            .take(batch)
            .map(|(i, _)| i)
            .collect();
        if picked.is_empty() {
            return;
        }
        let mut jobs = Vec::new();
        let pr = &mut self.producers[p];
        let Some(o) = pr.outbox.as_mut() else { return };
        for &i in &picked {
            let row = &mut o.rows[i];
            row.state = RowState::Sending;
            let properties = row.properties.clone();
            jobs.push(Job {
                message: row.message,
                topic: row.topic.clone(),
                properties,
                body: row.body.clone(),
                selector: None,
                transaction: false,
                outbox_row: Some(i),
            });
        }
        let messages: Vec<u32> = jobs.iter().map(|j| j.message).collect();
        self.producers[p].queue.extend(jobs);
        let told = Told::OutboxRelay {
            producer: self.producers[p].name.clone(),
            messages,
        };
        self.tell(k, trace, self.producers[p].node, told);
        self.next_job(k, trace, p);
    }

    fn send_reply(&mut self, k: &mut K, trace: &mut Ring, p: usize, reply: Result<SendAck, (u32, String)>) {
        let now = k.now().ms();
        let Some(cur) = self.producers[p].current.take() else {
            return;
        };
        let latency = now - cur.attempt_ms;
        match reply {
            Ok(ack) => {
                if cur.job.selector.is_none() {
                    self.fault_item(k, trace, p, cur.broker, latency, false, true);
                }
                let result = SendResult {
                    producer: self.producers[p].name.clone(),
                    message: cur.job.message,
                    broker_name: self.brokers[cur.broker as usize].name.clone(),
                    queue_id: ack.queue_id,
                    queue_offset: ack.queue_offset,
                    msg_id: ack.msg_id.clone(),
                    offset_msg_id: ack.offset_msg_id.clone(),
                    cost_ms: now - cur.first_ms,
                };
                let told = if ack.status == "SEND_OK" {
                    Told::SendOk(result)
                } else {
                    Told::FlushSlaveTimeout(result)
                };
                self.tell(k, trace, self.producers[p].node, told);
                self.trace_pub(k, trace, p, &cur, &ack, now);
                if let Some(row) = cur.job.outbox_row {
                    // The relay marks the row sent (a database update) once SEND_OK is back.
                    if let Some(o) = self.producers[p].outbox.as_mut() {
                        o.rows[row].state = RowState::Sent;
                    }
                    let told = Told::OutboxMarked {
                        producer: self.producers[p].name.clone(),
                        message: cur.job.message,
                    };
                    self.tell(k, trace, self.producers[p].node, told);
                }
                let sent = &mut self.sent[cur.job.message as usize - 1];
                sent.ack = Some((cur.broker, ack.queue_id, ack.queue_offset));
                if cur.job.transaction && ack.status != "SEND_OK" {
                    // `sendMessageInTransaction`: a half message answered FLUSH_SLAVE_TIMEOUT is
                    // not trusted; the local transaction never runs and the half is rolled back.
                    self.end_transaction_send(
                        k,
                        trace,
                        p,
                        cur.job.message,
                        ack.commit_log_offset,
                        cur.broker,
                        LocalState::RollbackMessage,
                        false,
                    );
                    self.next_job(k, trace, p);
                } else if cur.job.transaction {
                    // SEND_OK: run the local transaction (the thread is busy meanwhile).
                    let local_ms = sent.transaction.as_ref().map_or(0, |t| t.local_ms);
                    self.producers[p].local = Some((cur.job.message, ack, cur.broker));
                    let node = self.producers[p].node;
                    self.timer(
                        k,
                        node,
                        now + local_ms,
                        Timer::LocalDone {
                            producer: p as u8,
                            message: cur.job.message,
                        },
                    );
                } else {
                    self.next_job(k, trace, p);
                }
            }
            Err((code, remark)) => {
                // A broker's refusal (`MQBrokerException`) is retried only for a few codes
                // (`retryResponseCodes`: TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR,
                // NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT); MESSAGE_ILLEGAL throws.
                let retry = code == TOPIC_NOT_EXIST;
                self.failed_attempt(
                    k,
                    trace,
                    p,
                    cur,
                    format!("MQBrokerException: CODE: {code} DESC: {remark}"),
                    retry,
                    latency,
                    false,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn failed_attempt(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        p: usize,
        mut cur: InFlight,
        exception: String,
        retryable: bool,
        latency: u64,
        reachable: bool,
    ) {
        // A selector's send (`send(msg, mq)` → `sendKernelImpl`) neither updates fault items
        // nor loops: its own exception reaches the caller. `sendDefaultImpl` tries
        // `1 + retryTimesWhenSendFailed` times.
        if cur.job.selector.is_none() {
            self.fault_item(k, trace, p, cur.broker, latency, true, reachable);
        }
        let total = if cur.job.selector.is_some() {
            1
        } else {
            1 + self.producers[p].config.retry_times_when_send_failed
        };
        // A retry needs time left too (the loop's `callTimeout` check, see `attempt`).
        let time_left = k.now().ms() - cur.first_ms < self.producers[p].config.send_msg_timeout;
        let retrying = retryable && cur.attempt < total;
        let told = Told::SendFailed {
            producer: self.producers[p].name.clone(),
            message: cur.job.message,
            broker_name: self.brokers[cur.broker as usize].name.clone(),
            attempt: cur.attempt,
            exception: exception.clone(),
            retrying: retrying && time_left,
        };
        self.tell(k, trace, self.producers[p].node, told);
        if retrying {
            cur.last_broker = Some(cur.broker);
            self.producers[p].current = Some(cur);
            self.attempt(k, trace, p);
            return;
        }
        let now = k.now().ms();
        let exception = if retryable && cur.job.selector.is_none() {
            format!(
                "MQClientException: Send [{}] times, still failed, cost [{}]ms, Topic: {}, BrokersSent: [{}]",
                cur.attempt,
                now - cur.first_ms,
                cur.job.topic,
                cur.brokers_sent.join(", ")
            )
        } else {
            exception
        };
        self.send_exception(k, trace, p, cur.job.message, exception);
    }

    // ---------------------------------------------------------------- the kernel's calls

    pub fn deliver(&mut self, k: &mut K, trace: &mut Ring, to: NodeId, from: NodeId, d: Delivery<Wire>) {
        let Some(who) = self.by_node.get(&to).copied() else {
            return;
        };
        match (who, d) {
            (Who::NameServer, Delivery::Request { id, body }) => self.namesrv_request(k, trace, from, id, body),
            (Who::Broker(b), Delivery::Message(Wire::HaReport { count, connect })) => {
                self.ha_acked(k, trace, b as usize, count, connect)
            }
            (
                Who::Broker(b),
                Delivery::Request {
                    id,
                    body: Wire::GetAllConsumerOffset,
                },
            ) => {
                let table = Wire::ConsumerOffsets(self.brokers[b as usize].offsets.clone());
                self.reply(k, trace, to, from, id, table);
            }
            (Who::Slave(b), Delivery::Message(Wire::HaTransfer { from: at, messages })) => {
                self.ha_apply(k, trace, b as usize, at, messages)
            }
            (
                Who::Slave(b),
                Delivery::Message(Wire::UpdateOffset {
                    group,
                    topic,
                    queue_id,
                    offset,
                }),
            ) => {
                // `ConsumerManageProcessor.updateConsumerOffset` has no role check: a slave keeps
                // what a consumer sends it while the master is out of the route.
                if let Some(slave) = self.slaves[b as usize].as_mut() {
                    slave.offsets.insert((group, topic, queue_id), offset);
                }
            }
            (Who::Slave(b), Delivery::Request { id, body }) => self.slave_request(k, trace, b as usize, from, id, body),
            (
                Who::Slave(b),
                Delivery::Response {
                    id,
                    body: Wire::ConsumerOffsets(table),
                },
            ) => {
                // `syncConsumerOffset`: the master's table is put over the slave's.
                let asked = self.requests.remove(&id).is_some();
                if let Some(slave) = self.slaves[b as usize].as_mut().filter(|_| asked) {
                    slave.offsets.extend(table);
                }
            }
            (
                Who::Slave(b),
                Delivery::Response {
                    id,
                    body: Wire::RegisterReply { master },
                },
            ) => {
                self.requests.remove(&id);
                if let Some(s) = self.slaves[b as usize].as_mut() {
                    s.master_known = master;
                }
            }
            (Who::Broker(_) | Who::Slave(_), Delivery::Response { id, .. } | Delivery::Failed { id, .. }) => {
                // REGISTER_BROKER's answer, or a failed sync: nothing to do (the next one is on
                // its timer).
                self.requests.remove(&id);
            }
            (Who::Broker(b), Delivery::Request { id, body }) => {
                self.broker_request(k, trace, b as usize, from, id, body)
            }
            (Who::Broker(b), Delivery::Message(body)) => self.broker_oneway(k, trace, b as usize, body),
            (
                Who::Producer(p),
                Delivery::Response {
                    id,
                    body: Wire::SendReply(r),
                },
            ) => {
                // A reply to an attempt the producer has given up on is dropped.
                let current = self.producers[p as usize]
                    .current
                    .as_ref()
                    .is_some_and(|c| c.request == id);
                if self.requests.remove(&id).is_some() && current {
                    self.send_reply(k, trace, p as usize, r);
                }
            }
            (
                Who::Producer(_),
                Delivery::Response {
                    id,
                    body: Wire::RouteReply { route, .. },
                },
            ) => {
                if let Some(Req::Route(ask)) = self.requests.remove(&id) {
                    self.route_answer(k, trace, ask, Ok(route));
                }
            }
            (Who::Producer(p), Delivery::Failed { id, why }) => {
                self.request_failed_producer(k, trace, p as usize, id, why)
            }
            (
                Who::Producer(p),
                Delivery::Message(Wire::Check {
                    message,
                    commit_log_offset,
                }),
            ) => {
                let b = self
                    .by_node
                    .get(&from)
                    .and_then(|w| if let Who::Broker(b) = w { Some(*b) } else { None })
                    .unwrap_or(0);
                // `ClientRemotingProcessor.checkTransactionState` runs the listener on the
                // producer's check executor; mqplay gives it 1 ms.
                let at = k.now().ms() + 1;
                self.timer(
                    k,
                    to,
                    at,
                    Timer::CheckAnswer {
                        producer: p,
                        message,
                        commit_log_offset,
                        broker: b,
                    },
                );
            }
            (Who::Consumer(c), Delivery::Response { id, body }) => {
                self.consumer_response(k, trace, c as usize, id, body)
            }
            (Who::Consumer(c), Delivery::Failed { id, .. }) => self.consumer_failed(k, trace, c as usize, id),
            _ => {}
        }
    }

    /// The kernel failed request `id` of `node` by timeout.
    pub fn timed_out(&mut self, k: &mut K, trace: &mut Ring, node: NodeId, id: u64) {
        match self.by_node.get(&node).copied() {
            Some(Who::Producer(p)) => self.request_failed_producer(k, trace, p as usize, id, Failure::TimedOut),
            Some(Who::Consumer(c)) => self.consumer_failed(k, trace, c as usize, id),
            Some(Who::Broker(_) | Who::Slave(_)) => {
                self.requests.remove(&id);
            }
            _ => {}
        }
    }

    fn request_failed_producer(&mut self, k: &mut K, trace: &mut Ring, p: usize, id: u64, why: Failure) {
        match self.requests.remove(&id) {
            None => return,
            Some(Req::Route(ask)) => {
                self.route_answer(k, trace, ask, Err(why));
                return;
            }
            Some(_) => {}
        }
        let Some(cur) = self.producers[p].current.take() else {
            return;
        };
        if cur.request != id {
            self.producers[p].current = Some(cur);
            return;
        }
        let latency = k.now().ms() - cur.attempt_ms;
        // `NettyRemotingClient.invokeSync`: no answer in time is `RemotingTimeoutException`;
        // a refused or broken connection is `RemotingConnectException` / `RemotingSendRequestException`.
        // (`RemotingTimeoutException` names `channel.remoteAddress()`, `/ip:port`; the connect
        // error names the address asked for.)
        let addr = self.store_host(cur.broker);
        let exception = match why {
            Failure::TimedOut => {
                format!("RemotingTimeoutException: wait response on the channel </{addr}> timeout, {latency}(ms)")
            }
            Failure::Disconnected => format!("RemotingConnectException: connect to {addr} failed"),
        };
        self.failed_attempt(k, trace, p, cur, exception, true, latency, true);
    }

    pub fn fire(&mut self, k: &mut K, trace: &mut Ring, timer: Timer) {
        match timer {
            Timer::LocalDone { producer, message } => self.local_done(k, trace, producer as usize, message),
            Timer::CheckAnswer {
                producer,
                message,
                commit_log_offset,
                broker,
            } => self.check_answer(k, trace, producer as usize, message, commit_log_offset, broker),
            Timer::ConsumeDone { consumer, key, offset } => {
                self.consume_done(k, trace, consumer as usize, key.clone(), offset);
                self.finish_drop(k, trace, consumer as usize, &key);
            }
            Timer::ConsumeAgain { consumer, key, offset } => self.submit(k, trace, consumer as usize, key, offset),
            Timer::PullNow { consumer, key } => self.pull(k, trace, consumer as usize, key),
            Timer::LockAgain { consumer, key } => {
                // `tryLockLaterAndReconsume`: lock, then consume again (10 ms after a granted
                // lock, here on its answer; 3 s after a failed one).
                if let Some(pq) = self.consumers[consumer as usize].pqs.get_mut(&key) {
                    pq.relocking = false;
                    self.lock(k, trace, consumer as usize, key.clone());
                    let (node, at) = (self.consumers[consumer as usize].node, k.now().ms() + 3_000);
                    self.timer(k, node, at, Timer::Resume { consumer, key });
                }
            }
            Timer::Resume { consumer, key } => {
                if let Some(pq) = self.consumers[consumer as usize].pqs.get_mut(&key) {
                    pq.suspended_until = None;
                }
                self.orderly_next(k, trace, consumer as usize, key);
            }
            Timer::Persist { consumer } => self.persist(k, trace, consumer as usize, true),
            Timer::Rebalance { consumer } => {
                let c = consumer as usize;
                let now = k.now().ms();
                if self.consumers[c].next_rebalance_ms != now || !self.consumers[c].started {
                    return;
                }
                // `RebalanceService.run`: rebalance, then wait 20 s (1 s if a lock was refused,
                // which the lock's answer sets).
                let at = now + REBALANCE_INTERVAL_MS;
                let cs = &mut self.consumers[c];
                cs.next_rebalance_ms = at;
                cs.last_rebalance_ms = now;
                let notified = core::mem::take(&mut cs.notified);
                self.timer(k, self.consumers[c].node, at, Timer::Rebalance { consumer });
                self.rebalance_one(k, trace, c, notified);
            }
            Timer::Start { consumer } => self.consumer_start(k, trace, consumer as usize),
            Timer::Relay { producer } => self.relay(k, trace, producer as usize),
            Timer::ScheduleDue { broker, level } => self.schedule_due(k, trace, broker as usize, level as usize),
            Timer::TimerDue { broker } => self.timer_due(k, trace, broker as usize),
            Timer::CheckService { broker } => {
                self.check_service(k, trace, broker as usize);
                self.arm_check_service(k, broker);
            }
            Timer::FlushOffsets { broker } => {
                let br = &mut self.brokers[broker as usize];
                br.offsets_on_disk = br.offsets.clone();
                let (node, at) = (br.node, k.now().ms() + OFFSET_FLUSH_INTERVAL_MS);
                self.timer(k, node, at, Timer::FlushOffsets { broker });
            }
            Timer::Register { broker, slave } => {
                self.register_broker(k, trace, broker as usize, slave);
                let period = self.config.register_name_server_period.clamp(10_000, 60_000);
                let (node, at) = (self.broker_node(broker as usize, slave), k.now().ms() + period);
                self.timer(k, node, at, Timer::Register { broker, slave });
            }
            Timer::HaHeartbeat { broker } => {
                // Something was lost on the way (a `drop` fault): what came after it cannot be
                // appended, so the slave connects again and the master sends from its count
                // (`DefaultHAClient` closes the connection when offsets do not match).
                if let Some(s) = self.slaves[broker as usize].as_mut().filter(|s| !s.ha_early.is_empty()) {
                    s.ha_early.clear();
                    s.ha_connecting = true;
                }
                self.ha_report(k, trace, broker as usize);
                let (node, at) = (self.broker_node(broker as usize, true), k.now().ms() + HA_HEARTBEAT_MS);
                self.timer(k, node, at, Timer::HaHeartbeat { broker });
            }
            Timer::SlaveSync { broker } => {
                let b = broker as usize;
                let now = k.now().ms();
                let (from, to) = (self.broker_node(b, true), self.brokers[b].node);
                // `syncAll` needs the master's address, which the last registration gave.
                let due = self.slaves[b]
                    .as_ref()
                    .is_some_and(|s| s.master_known && now - s.last_sync_ms > SLAVE_SYNC_MS);
                if due {
                    if let Some(s) = self.slaves[b].as_mut() {
                        s.last_sync_ms = now;
                    }
                    let spec = RequestSpec {
                        timeout_ms: 3_000,
                        lane: 4,
                        label: "GET_ALL_CONSUMER_OFFSET",
                    };
                    self.request(k, trace, from, to, Wire::GetAllConsumerOffset, Req::SlaveSync, spec);
                }
                self.timer(k, from, now + SLAVE_SYNC_TICK_MS, Timer::SlaveSync { broker });
            }
            Timer::SlaveTimeout { broker } => self.sync_timeouts(k, trace, broker as usize),
            Timer::ScanNotActive => {
                let now = k.now().ms();
                for addr in self.namesrv.expired(now) {
                    let last_ms = self.namesrv.live.get(&addr).copied().unwrap_or(0);
                    self.namesrv_remove(k, trace, addr, "expired", Some(now - last_ms));
                }
                let (node, at) = (self.namesrv.node, now + namesrv::SCAN_NOT_ACTIVE_BROKER_MS);
                self.timer(k, node, at, Timer::ScanNotActive);
            }
            Timer::ChannelIdle {
                broker,
                broker_id,
                last_ms,
            } => {
                let addr = (broker, broker_id);
                if self.namesrv.live.get(&addr) == Some(&last_ms) {
                    let silent = k.now().ms() - last_ms;
                    self.namesrv_remove(k, trace, addr, "channel_idle", Some(silent));
                }
            }
            Timer::PollRoutes { client } => self.poll_routes(k, trace, client),
            Timer::TraceFlush { client } => {
                if let Some(t) = self.tracer_mut(client) {
                    t.armed = None;
                }
                self.trace_flush(k, trace, client, true);
            }
            Timer::HoldExpired { broker, request } => {
                let b = &mut self.brokers[broker as usize];
                if let Some(i) = b.held.iter().position(|h| h.request == request) {
                    let h = b.held.remove(i);
                    let node = b.node;
                    self.reply(
                        k,
                        trace,
                        node,
                        h.consumer,
                        h.request,
                        Wire::PullReply {
                            messages: Vec::new(),
                            next: h.offset,
                        },
                    );
                }
            }
        }
    }

    pub fn on_crash(&mut self, k: &mut K, trace: &mut Ring, node: NodeId) {
        match self.by_node.get(&node).copied() {
            Some(Who::Producer(p)) => {
                // The process died: its queued sends and running local transaction are gone.
                let pr = &mut self.producers[p as usize];
                let lost: Vec<u32> = pr
                    .current
                    .as_ref()
                    .map(|c| &c.job)
                    .into_iter()
                    .chain(pr.queue.iter())
                    // An outbox row is not lost: the table keeps it for the next relay run.
                    .filter(|j| j.outbox_row.is_none())
                    .map(|j| j.message)
                    .collect();
                pr.queue.clear();
                pr.current = None;
                // The routes were in memory.
                pr.routes.clear();
                pr.wanted.clear();
                pr.send_which_queue.clear();
                let local_transaction_of = pr.local.take().map(|(m, _, _)| m);
                // The trace dispatcher's queue is in memory.
                let trace_records_lost = pr.tracer.as_mut().map_or(0, Tracer::crash);
                // The outbox table is in the database: rows the relay had taken are unsent
                // again, and the relay sends them after the restart (perhaps a second time).
                if let Some(o) = pr.outbox.as_mut() {
                    for row in o.rows.iter_mut().filter(|r| r.state == RowState::Sending) {
                        row.state = RowState::Pending;
                    }
                }
                for m in &lost {
                    if !self.sent[*m as usize - 1].outbox {
                        self.sent[*m as usize - 1].failed = true;
                    }
                }
                let told = Told::Crashed {
                    node: self.producers[p as usize].name.clone(),
                    role: "producer",
                    lost_sends: lost,
                    local_transaction_of,
                    trace_records_lost,
                    offsets_lost: 0,
                };
                self.tell(k, trace, node, told);
            }
            Some(Who::Consumer(c)) => {
                let trace_records_lost = self.consumers[c as usize].tracer.as_mut().map_or(0, Tracer::crash);
                let told = Told::Crashed {
                    node: self.consumers[c as usize].name.clone(),
                    role: "consumer",
                    lost_sends: Vec::new(),
                    local_transaction_of: None,
                    trace_records_lost,
                    offsets_lost: 0,
                };
                self.tell(k, trace, node, told);
                let cs = &mut self.consumers[c as usize];
                cs.started = false;
                cs.pqs.clear();
                cs.threads_busy = 0;
                cs.waiting.clear();
                cs.trace_open.clear();
                cs.routes.clear();
                // The brokers see the channel close and tell the rest of the group.
                let group = cs.group.clone();
                self.rebalance_group(k, trace, &group);
            }
            Some(Who::Broker(b)) => {
                // The offsets committed since the last persist are lost: the table goes back to
                // what `consumerOffset.json` holds.
                let br = &mut self.brokers[b as usize];
                let offsets_lost = br
                    .offsets
                    .iter()
                    .filter(|(key, v)| br.offsets_on_disk.get(*key) != Some(*v))
                    .count() as u32;
                br.offsets = br.offsets_on_disk.clone();
                let told = Told::Crashed {
                    node: self.brokers[b as usize].name.clone(),
                    role: "broker",
                    lost_sends: Vec::new(),
                    local_transaction_of: None,
                    trace_records_lost: 0,
                    offsets_lost,
                };
                self.tell(k, trace, node, told);
                // Held pulls and the lock table (`RebalanceLockManager`, memory only) die with the
                // process; the commit log is on disk.
                self.brokers[b as usize].locks.clear();
                self.brokers[b as usize].held.clear();
                self.brokers[b as usize].schedule_due.iter_mut().for_each(|d| *d = None);
                self.brokers[b as usize].timer_due = None;
                // The name server sees the connection close (`BrokerHousekeepingService`).
                self.namesrv_remove(k, trace, (b, MASTER_ID), "channel_closed", None);
                // The HA connection dies too: sends still waiting for the slave fail at their
                // producers (the kernel breaks their requests); a new connection starts from
                // what the slave reports.
                let br = &mut self.brokers[b as usize];
                br.sync_waits.clear();
                br.ha_pushed = br.slave_acked;
                if let Some(slave) = self.slaves[b as usize].as_mut() {
                    slave.ha_connecting = true;
                }
            }
            Some(Who::Slave(b)) => {
                if let Some(s) = self.slaves[b as usize].as_mut() {
                    s.ha_early.clear();
                }
                let told = Told::Crashed {
                    node: super::spec::slave_name(&self.brokers[b as usize].name),
                    role: "slave",
                    lost_sends: Vec::new(),
                    local_transaction_of: None,
                    trace_records_lost: 0,
                    offsets_lost: 0,
                };
                self.tell(k, trace, node, told);
                self.namesrv_remove(k, trace, (b, SLAVE_ID), "channel_closed", None);
            }
            Some(Who::NameServer) => {
                let told = Told::Crashed {
                    node: NAMESRV.into(),
                    role: "name server",
                    lost_sends: Vec::new(),
                    local_transaction_of: None,
                    trace_records_lost: 0,
                    offsets_lost: 0,
                };
                self.tell(k, trace, node, told);
                self.namesrv.crash();
            }
            None => {}
        }
    }

    pub fn on_restart(&mut self, k: &mut K, trace: &mut Ring, node: NodeId) {
        let (name, role) = match self.by_node.get(&node).copied() {
            Some(Who::Producer(p)) => (self.producers[p as usize].name.clone(), "producer"),
            Some(Who::Consumer(c)) => (self.consumers[c as usize].name.clone(), "consumer"),
            Some(Who::Broker(b)) => (self.brokers[b as usize].name.clone(), "broker"),
            Some(Who::NameServer) => (NAMESRV.into(), "name server"),
            Some(Who::Slave(b)) => (super::spec::slave_name(&self.brokers[b as usize].name), "slave"),
            None => return,
        };
        self.tell(k, trace, node, Told::Restarted { node: name, role });
        match self.by_node.get(&node).copied() {
            Some(Who::Producer(p)) => {
                // A new process: another pid and class loader in its msgIds, counters from 0,
                // other queue indexes, no fault items. Derived from the old ones rather than
                // drawn, so a restart does not shift the run's other random draws.
                let pr = &mut self.producers[p as usize];
                pr.pid = pr.pid.wrapping_add(1) & 0x7fff;
                pr.loader_hash = pr.loader_hash.rotate_left(7) ^ 0x9e37_79b9;
                pr.counter = 0;
                pr.faults.clear();
                // `start()` makes a new trace dispatcher: its last flush is now.
                let now = k.now().ms();
                if let Some(t) = pr.tracer.as_mut() {
                    *t = t.restarted(now);
                }
                self.arm_relay(k, p as usize);
                self.producer_start(k, trace, p as usize);
            }
            Some(Who::Consumer(c)) => {
                // A new JVM: another pid and class loader in its request ids, a new dispatcher.
                let now = k.now().ms();
                let cs = &mut self.consumers[c as usize];
                if let Some(t) = cs.tracer.as_mut() {
                    *t = t.restarted(now);
                    cs.uniq.1 = cs.uniq.1.wrapping_add(1) & 0x7fff;
                    cs.uniq.2 = cs.uniq.2.rotate_left(7) ^ 0x9e37_79b9;
                }
                self.consumer_start(k, trace, c as usize)
            }
            Some(Who::Broker(b)) => {
                // `ScheduleMessageService.start` and the timer store resume from their offsets;
                // the check service starts its loop again.
                self.brokers[b as usize].started_ms = k.now().ms();
                self.arm_check_service(k, b);
                let (node, at) = (self.brokers[b as usize].node, k.now().ms() + OFFSET_FLUSH_FIRST_MS);
                self.timer(k, node, at, Timer::FlushOffsets { broker: b });
                for level in 0..self.levels.len() {
                    self.schedule_arm(k, b as usize, level);
                }
                self.timer_arm(k, b as usize);
                // `BrokerController.start`: register at once, then periodically from 10 s.
                self.register_broker(k, trace, b as usize, false);
                let at = k.now().ms() + namesrv::REGISTER_FIRST_MS;
                self.timer(
                    k,
                    node,
                    at,
                    Timer::Register {
                        broker: b,
                        slave: false,
                    },
                );
            }
            Some(Who::Slave(b)) => {
                // Its copy of the commit log is on disk: it registers and resumes its services.
                // Its HA client has no master address until that registration answers, so it
                // connects at its next 5 s round (`DefaultHAClient.run` waits 5 s), and the
                // master then sends what it lacks.
                self.register_broker(k, trace, b as usize, true);
                if let Some(slave) = self.slaves[b as usize].as_mut() {
                    slave.ha_connecting = true;
                }
                self.slave_start(k, b as usize);
            }
            Some(Who::NameServer) => {
                // Empty tables: the brokers' next registrations fill them again.
                let (node, at) = (self.namesrv.node, k.now().ms() + namesrv::SCAN_NOT_ACTIVE_BROKER_MS);
                self.timer(k, node, at, Timer::ScanNotActive);
            }
            _ => {}
        }
    }

    // ---------------------------------------------------------------- master and slave

    /// The node of broker `b`'s master, or of its slave.
    fn broker_node(&self, b: usize, slave: bool) -> NodeId {
        match (slave, self.slaves.get(b).and_then(Option::as_ref)) {
            (true, Some(s)) => s.node,
            _ => self.brokers[b].node,
        }
    }

    /// The slave's services (`BrokerController.start` with brokerId 1): registration, the HA
    /// client's heartbeat, and `SlaveSynchronize`.
    fn slave_start(&mut self, k: &mut K, b: usize) {
        let Some(node) = self.slaves[b].as_ref().map(|s| s.node) else {
            return;
        };
        let now = k.now().ms();
        let broker = b as u8;
        self.timer(
            k,
            node,
            now + namesrv::REGISTER_FIRST_MS,
            Timer::Register { broker, slave: true },
        );
        self.timer(k, node, now + HA_HEARTBEAT_MS, Timer::HaHeartbeat { broker });
        self.timer(k, node, now + SLAVE_SYNC_FIRST_MS, Timer::SlaveSync { broker });
        if let Some(s) = self.slaves[b].as_mut() {
            s.last_sync_ms = now;
        }
    }

    /// `HAConnection.WriteSocketService`: the master sends its slave what it has not sent yet.
    fn replicate(&mut self, k: &mut K, trace: &mut Ring, b: usize) {
        let Some(to) = self.slaves[b].as_ref().map(|s| s.node) else {
            return;
        };
        let br = &mut self.brokers[b];
        let from = br.ha_pushed;
        let end = br.commit_log.len().min(from + HA_BATCH);
        if from >= end {
            return;
        }
        let mut messages = Vec::with_capacity(end - from);
        br.commit_log.copy_range_into(from, end, &mut messages);
        br.ha_pushed = end;
        let node = br.node;
        self.oneway(k, trace, node, to, Wire::HaTransfer { from, messages });
    }

    /// `DefaultHAClient.reportSlaveMaxOffset`: the slave tells its master how much it holds.
    fn ha_report(&mut self, k: &mut K, trace: &mut Ring, b: usize) {
        let Some(slave) = self.slaves[b].as_mut() else { return };
        let (from, count) = (slave.node, slave.commit_log.len());
        let connect = core::mem::take(&mut slave.ha_connecting);
        let to = self.brokers[b].node;
        self.oneway(k, trace, from, to, Wire::HaReport { count, connect });
    }

    /// The slave appends a transfer and reports. One TCP connection delivers in order; the
    /// simulated network may not, so a transfer that comes early waits for the ones before it
    /// (TCP's reassembly). One that repeats what the slave has is skipped.
    fn ha_apply(&mut self, k: &mut K, trace: &mut Ring, b: usize, from: usize, messages: Vec<Rc<Stored>>) {
        if let Some(slave) = self.slaves[b].as_mut() {
            slave.ha_early.insert(from, messages);
            while let Some((&at, _)) = slave.ha_early.first_key_value() {
                let have = slave.commit_log.len();
                if at > have {
                    break;
                }
                let batch = slave.ha_early.remove(&at).unwrap_or_default();
                for m in batch.into_iter().skip(have - at) {
                    slave.replica_append(m);
                }
            }
        }
        self.ha_report(k, trace, b);
    }

    /// The master hears the slave's count: SYNC_MASTER sends it covers are answered; a new
    /// connection starts the push at the slave's count (`HAConnection`: only then is the
    /// transfer's start set; later reports move `slaveAckOffset` alone).
    fn ha_acked(&mut self, k: &mut K, trace: &mut Ring, b: usize, count: usize, connect: bool) {
        let br = &mut self.brokers[b];
        br.slave_acked = count;
        if connect && count != br.ha_pushed {
            br.ha_pushed = count.min(br.commit_log.len());
            let told = Told::HaResend {
                broker_name: br.name.clone(),
                slave_holds: count as u64,
                master_holds: br.commit_log.len() as u64,
            };
            let node = br.node;
            self.tell(k, trace, node, told);
        }
        let br = &mut self.brokers[b];
        let (done, waiting): (Vec<SyncWait>, Vec<SyncWait>) = core::mem::take(&mut br.sync_waits)
            .into_iter()
            .partition(|w| w.needed <= count);
        br.sync_waits = waiting;
        for w in done {
            self.sync_answer(k, trace, b, w, "SEND_OK");
        }
        self.replicate(k, trace, b);
    }

    /// `GroupTransferService`: a SYNC_MASTER send the slave has not confirmed in `slaveTimeout`
    /// is answered FLUSH_SLAVE_TIMEOUT (it is stored on the master all the same).
    fn sync_timeouts(&mut self, k: &mut K, trace: &mut Ring, b: usize) {
        let now = k.now().ms();
        let (late, waiting): (Vec<SyncWait>, Vec<SyncWait>) = core::mem::take(&mut self.brokers[b].sync_waits)
            .into_iter()
            .partition(|w| w.deadline_ms <= now);
        self.brokers[b].sync_waits = waiting;
        for w in late {
            let told = Told::SlaveTimeout {
                broker_name: self.brokers[b].name.clone(),
                message: w.message,
                slave_timeout_ms: self.config.slave_timeout,
            };
            self.tell(k, trace, self.brokers[b].node, told);
            self.sync_answer(k, trace, b, w, "FLUSH_SLAVE_TIMEOUT");
        }
    }

    fn sync_answer(&mut self, k: &mut K, trace: &mut Ring, b: usize, w: SyncWait, status: &'static str) {
        let ack = SendAck { status, ..w.ack };
        let node = self.brokers[b].node;
        self.reply(k, trace, node, w.to, w.request, Wire::SendReply(Ok(ack)));
    }

    /// `CommitLog.handleHA`: a SYNC_MASTER with `inSyncReplicas` ≥ 2 answers a stored message
    /// once the slave holds it.
    fn waits_for_slave(&self) -> bool {
        self.config.broker_role == BrokerRole::SyncMaster && self.config.in_sync_replicas >= 2
    }

    /// Where a consumer sends a queue's pulls and offsets: the master while its route lists one,
    /// else the slave (`findBrokerAddressInSubscribe(name, 0, false)`), whose pulls carry no
    /// commit offset.
    fn consumer_target(&self, c: usize, key: &MqKey) -> (NodeId, bool) {
        let b = key.1 as usize;
        let master_listed = self.consumers[c]
            .routes
            .get(&key.0)
            .and_then(|r| r.iter().find(|e| e.broker == key.1))
            .is_none_or(|e| e.master || !e.slave);
        match self.slaves[b].as_ref() {
            Some(s) if !master_listed => (s.node, true),
            _ => (self.brokers[b].node, false),
        }
    }

    fn slave_request(&mut self, k: &mut K, trace: &mut Ring, b: usize, from: NodeId, id: u64, body: Wire) {
        let Some(node) = self.slaves[b].as_ref().map(|s| s.node) else {
            return;
        };
        if let Wire::Pull { .. } = body {
            let reply = Wire::Refused {
                code: SYSTEM_BUSY,
                remark: "[REJECTREQUEST]system busy, start flow control for a while".into(),
            };
            self.reply(k, trace, node, from, id, reply);
        }
    }

    // ---------------------------------------------------------------- name server

    /// `registerBrokerAll` (and, after a topic is created, `registerIncrementBrokerData`): the
    /// broker's address and topic configs, a request with `registerBrokerTimeoutMills` (24 s).
    fn register_broker(&mut self, k: &mut K, trace: &mut Ring, b: usize, slave: bool) {
        let body = Wire::RegisterBroker {
            addr: (b as u8, if slave { SLAVE_ID } else { MASTER_ID }),
            topics: self.brokers[b].topic_configs(),
        };
        let (from, to) = (self.broker_node(b, slave), self.namesrv.node);
        let spec = RequestSpec {
            timeout_ms: REGISTER_BROKER_TIMEOUT_MS,
            lane: 3,
            label: "REGISTER_BROKER",
        };
        self.request(k, trace, from, to, body, Req::Register, spec);
    }

    fn namesrv_request(&mut self, k: &mut K, trace: &mut Ring, from: NodeId, id: u64, body: Wire) {
        let node = self.namesrv.node;
        match body {
            Wire::RegisterBroker { addr, topics } => {
                self.namesrv_register(k, trace, addr, &topics);
                let master = self.namesrv.live.contains_key(&(addr.0, MASTER_ID));
                self.reply(k, trace, node, from, id, Wire::RegisterReply { master });
            }
            Wire::GetRoute { topic } => {
                let route = self.namesrv.route(&topic);
                self.reply(k, trace, node, from, id, Wire::RouteReply { topic, route });
            }
            _ => {}
        }
    }

    fn namesrv_register(&mut self, k: &mut K, trace: &mut Ring, addr: Addr, topics: &[(Rc<str>, u32)]) {
        let now = k.now().ms();
        let (new, changed) = self.namesrv.register(addr, now, topics);
        let node = self.namesrv.node;
        let idle = Timer::ChannelIdle {
            broker: addr.0,
            broker_id: addr.1,
            last_ms: now,
        };
        self.timer(k, node, now + namesrv::BROKER_CHANNEL_EXPIRED_MS, idle);
        // A periodic registration that changes nothing is the broker's heartbeat: the view
        // shows its time, the log does not.
        if !new && !changed {
            return;
        }
        let told = Told::Register {
            broker_name: self.brokers[addr.0 as usize].name.clone(),
            broker_id: addr.1,
            topics: topics.len() as u32,
            new,
        };
        let node = self.namesrv.node;
        self.tell(k, trace, node, told);
    }

    /// A broker leaves the name server's tables (`onChannelDestroy` → `unRegisterBroker`): its
    /// connection closed, or was idle 120 s, or the scan found it silent too long
    /// (`scanNotActiveBroker`).
    fn namesrv_remove(&mut self, k: &mut K, trace: &mut Ring, addr: Addr, why: &'static str, silent_ms: Option<u64>) {
        if !k.is_up(self.namesrv.node) || !self.namesrv.remove(addr) {
            return;
        }
        let told = Told::BrokerRemoved {
            broker_name: self.brokers[addr.0 as usize].name.clone(),
            broker_id: addr.1,
            why,
            silent_ms,
        };
        let node = self.namesrv.node;
        self.tell(k, trace, node, told);
    }

    // ---------------------------------------------------------------- broker

    fn broker_request(&mut self, k: &mut K, trace: &mut Ring, b: usize, from: NodeId, id: u64, body: Wire) {
        let node = self.brokers[b].node;
        match body {
            Wire::Send {
                message,
                topic,
                queue_id,
                properties,
                body,
                born_ms,
            } => {
                let reply = self.broker_put(k, trace, b, message, topic, queue_id, properties, body, born_ms);
                match reply {
                    // `needHandleHA`: a SYNC_MASTER holds the answer of a stored message
                    // (`waitStoreMsgOK`, which every send here sets) until the slave has it.
                    Ok(ack) if self.waits_for_slave() => {
                        let now = k.now().ms();
                        let deadline_ms = now + self.config.slave_timeout;
                        let needed = self.brokers[b].commit_log.len();
                        if self.brokers[b].slave_acked >= needed {
                            self.reply(k, trace, node, from, id, Wire::SendReply(Ok(ack)));
                        } else {
                            self.brokers[b].sync_waits.push(SyncWait {
                                needed,
                                to: from,
                                request: id,
                                deadline_ms,
                                message,
                                ack,
                            });
                            self.timer(k, node, deadline_ms, Timer::SlaveTimeout { broker: b as u8 });
                        }
                    }
                    reply => self.reply(k, trace, node, from, id, Wire::SendReply(reply)),
                }
            }
            Wire::Pull {
                group,
                topic,
                queue_id,
                offset,
                max,
                tags,
                commit_offset,
            } => {
                if let Some(o) = commit_offset {
                    self.brokers[b]
                        .offsets
                        .insert((group.clone(), topic.clone(), queue_id), o);
                }
                let max = max.min(super::broker::MAX_TRANSFER_COUNT);
                let (messages, next) = self.read(b, &topic, queue_id, offset, max, &tags);
                if messages.is_empty() && next == offset {
                    // `PullMessageProcessor` → `PullRequestHoldService`: held until a message
                    // arrives or the suspend time passes.
                    let until_ms = k.now().ms() + BROKER_SUSPEND_MS;
                    self.brokers[b].held.push(HeldPull {
                        max,
                        consumer: from,
                        request: id,
                        topic,
                        queue_id,
                        offset,
                        until_ms,
                    });
                    self.timer(
                        k,
                        node,
                        until_ms,
                        Timer::HoldExpired {
                            broker: b as u8,
                            request: id,
                        },
                    );
                    let _ = group;
                } else {
                    self.reply(k, trace, node, from, id, Wire::PullReply { messages, next });
                }
            }
            Wire::SendBack {
                group,
                commit_log_offset,
                max_reconsume,
                reconsume_times,
                to_dlq,
            } => {
                let to = self.send_back(
                    k,
                    trace,
                    b,
                    &group,
                    commit_log_offset,
                    max_reconsume,
                    reconsume_times,
                    to_dlq,
                );
                self.reply(k, trace, node, from, id, Wire::SendBackReply { to });
            }
            Wire::Lock {
                group,
                client_id,
                topic,
                queue_id,
            } => {
                // `RebalanceLockManager.tryLockBatch`: free, expired, or already this client's.
                let now = k.now().ms();
                let key = (group, topic, queue_id);
                let (locked, held_by) = match self.brokers[b].locks.get(&key) {
                    Some((holder, at)) if *holder != client_id && now - at <= LOCK_MAX_LIVE_MS => {
                        (false, Some(holder.clone()))
                    }
                    _ => {
                        self.brokers[b].locks.insert(key, (client_id, now));
                        (true, None)
                    }
                };
                self.reply(k, trace, node, from, id, Wire::LockReply { locked, held_by });
            }
            _ => {}
        }
    }

    fn read(&self, b: usize, topic: &str, queue_id: u32, offset: u64, max: u32, tags: &str) -> (Vec<Rc<Stored>>, u64) {
        let max_offset = self.brokers[b].max_offset(topic, queue_id);
        let mut out = Vec::new();
        let mut next = offset;
        // Tag filtering on the broker (the consume queue's tag hash), then `next` past the
        // messages looked at, matching or not.
        while next < max_offset && (out.len() as u32) < max {
            if let Some(s) = self.brokers[b].at(topic, queue_id, next) {
                if tags_match(tags, s.tags()) {
                    out.push(s);
                }
            }
            next += 1;
        }
        (out, next)
    }

    /// `SendMessageProcessor` + `CommitLog` hooks: a transactional half goes to the half topic,
    /// a `DELAY` message to `SCHEDULE_TOPIC_XXXX`, a timer message to the timer store; anything
    /// else to its topic.
    #[allow(clippy::too_many_arguments)]
    fn broker_put(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        message: u32,
        topic: Rc<str>,
        queue_id: u32,
        mut properties: Properties,
        body: Rc<str>,
        born_ms: u64,
    ) -> Result<SendAck, (u32, String)> {
        let now = k.now().ms();
        let node = self.brokers[b].node;
        if self.brokers[b].topics.get(&topic).is_none_or(|n| queue_id >= *n) {
            let remark = format!("topic[{topic}] not exist, apply first please!");
            self.tell(
                k,
                trace,
                node,
                Told::Refused {
                    broker_name: self.brokers[b].name.clone(),
                    message,
                    code: TOPIC_NOT_EXIST,
                    remark: remark.clone(),
                },
            );
            return Err((TOPIC_NOT_EXIST, remark));
        }
        // `SendMessageProcessor`: the broker stamps its cluster's name on every message, and
        // `AbstractSendMessageProcessor.buildMsgContext` its `regionId` and `traceOn`.
        properties.insert(prop::CLUSTER.into(), self.cluster_name.clone());
        properties.insert(prop::MSG_REGION.into(), self.config.region_id.clone());
        properties.insert(prop::TRACE_ON.into(), self.config.trace_on.to_string());
        let transactional = properties.get(prop::TRAN_MSG).is_some_and(|v| v == "true");
        let level: u32 = properties.get(prop::DELAY).and_then(|v| v.parse().ok()).unwrap_or(0);
        let timer_ms: Option<u64> = properties.get(prop::TIMER_DELAY_MS).and_then(|v| v.parse().ok());
        let (store_topic, store_qid, why, due) = if transactional {
            // `TransactionalMessageBridge.parseHalfMessageInner`: the real topic and queue in
            // properties, the half topic's queue 0.
            properties.insert(prop::REAL_TOPIC.into(), topic.to_string());
            properties.insert(prop::REAL_QID.into(), queue_id.to_string());
            let id = properties.get(prop::UNIQ_KEY).cloned().unwrap_or_default();
            properties.insert(prop::TRANSACTION_ID.into(), id);
            (Rc::from(config::HALF_TOPIC), 0, PutWhy::Half, None)
        } else if level > 0 {
            // `HookUtils.handleScheduleMessage`: a level above the maximum is lowered to it; the
            // queue is `level - 1` (`ScheduleMessageService.delayLevel2QueueId`).
            let max = self.levels.len() as u32;
            let level = level.min(max);
            properties.insert(prop::DELAY.into(), level.to_string());
            properties.insert(prop::REAL_TOPIC.into(), topic.to_string());
            properties.insert(prop::REAL_QID.into(), queue_id.to_string());
            let due = now + self.levels[level as usize - 1];
            (Rc::from(config::SCHEDULE_TOPIC), level - 1, PutWhy::Delay, Some(due))
        } else if let Some(delay_ms) = timer_ms.filter(|d| *d > 0) {
            // `HookUtils.transformTimerMessage`: refuse a delay beyond `timerMaxDelaySec`, else
            // park it in the timer store until `TIMER_OUT_MS`.
            if delay_ms > self.config.timer_max_delay_sec * 1000 {
                let remark = format!(
                    "timer message illegal, the delay time should not be bigger than the max delay {}ms; or if set del msg, the delay time should be bigger than the current time",
                    self.config.timer_max_delay_sec * 1000
                );
                self.tell(
                    k,
                    trace,
                    node,
                    Told::Refused {
                        broker_name: self.brokers[b].name.clone(),
                        message,
                        code: MESSAGE_ILLEGAL,
                        remark: remark.clone(),
                    },
                );
                return Err((MESSAGE_ILLEGAL, remark));
            }
            let (out, fire) = timer_slot(now + delay_ms, self.config.timer_precision_ms);
            properties.insert(prop::TIMER_OUT_MS.into(), out.to_string());
            properties.insert(prop::REAL_TOPIC.into(), topic.to_string());
            properties.insert(prop::REAL_QID.into(), queue_id.to_string());
            (Rc::from(config::TIMER_TOPIC), 0, PutWhy::Timer, Some(fire.max(now)))
        } else {
            (topic.clone(), queue_id, PutWhy::Send, None)
        };
        let stored = self.store(
            k,
            trace,
            b,
            message,
            store_topic,
            store_qid,
            properties,
            body,
            born_ms,
            0,
            why,
            due,
        );
        if let (Some(s), PutWhy::Delay | PutWhy::Timer) = (self.sent.get_mut(message as usize - 1), why) {
            let (lo, hi) = match why {
                PutWhy::Delay => {
                    let d = self.levels[stored.queue_id as usize];
                    (now + d, now + d + SCHEDULE_POLL_MS)
                }
                _ => {
                    let d = timer_ms.unwrap_or(0);
                    (now + d, now + d + self.config.timer_precision_ms - 1)
                }
            };
            s.delay_bound = Some((now, lo, hi));
        }
        match why {
            PutWhy::Delay => {
                let level = stored.queue_id as usize;
                self.schedule_arm(k, b, level);
            }
            PutWhy::Timer => {
                let index = self.brokers[b].commit_log.len() as u32 - 1;
                self.brokers[b].timer_wheel.insert((due.unwrap_or(now), index));
                self.timer_arm(k, b);
            }
            _ => {}
        }
        if let (Some(s), PutWhy::Half | PutWhy::Delay | PutWhy::Timer) = (self.sent.get_mut(message as usize - 1), why)
        {
            s.parked = Some((stored.topic.clone(), stored.queue_id));
        }
        // The response carries the queue the producer asked for (`queueIdInt`), with the offset
        // where the message was put — in the parking topic's queue for a half, delayed or timer
        // message.
        Ok(SendAck {
            status: "SEND_OK",
            msg_id: stored.uniq_key().into(),
            offset_msg_id: self.brokers[b].offset_msg_id(&stored),
            queue_id,
            queue_offset: stored.queue_offset,
            commit_log_offset: stored.commit_log_offset,
        })
    }

    /// Appends, tells, and answers any pull held on that queue (`notifyMessageArriving`).
    #[allow(clippy::too_many_arguments)]
    fn store(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        message: u32,
        topic: Rc<str>,
        queue_id: u32,
        properties: Properties,
        body: Rc<str>,
        born_ms: u64,
        reconsume_times: u32,
        why: PutWhy,
        due_ms: Option<u64>,
    ) -> Rc<Stored> {
        let now = k.now().ms();
        let stored = self.brokers[b].put(
            now,
            message,
            topic.clone(),
            queue_id,
            properties,
            body,
            born_ms,
            reconsume_times,
        );
        if *topic != *config::OP_HALF_TOPIC {
            let index = self.brokers[b].commit_log.len() as u32 - 1;
            if let Some(s) = self.sent.get_mut(message as usize - 1) {
                s.latest = Some((b as u8, index));
            }
        }
        if why == PutWhy::Send {
            if let Some(s) = self.sent.get_mut(message as usize - 1).filter(|s| s.outbox) {
                s.commits += 1;
            }
        }
        let real_topic = matches!(why, PutWhy::Half | PutWhy::Delay | PutWhy::Timer)
            .then(|| stored.prop(prop::REAL_TOPIC).unwrap_or("").into());
        let told = Told::Put {
            broker_name: self.brokers[b].name.clone(),
            message,
            why,
            topic: topic.to_string(),
            queue_id,
            queue_offset: stored.queue_offset,
            commit_log_offset: stored.commit_log_offset,
            store_size: stored.size,
            offset_msg_id: self.brokers[b].offset_msg_id(&stored),
            real_topic,
            due_ms,
            properties: stored.properties.iter().map(|(a, v)| (a.clone(), v.clone())).collect(),
        };
        self.tell(k, trace, self.brokers[b].node, told);
        // Wake the pulls held on this queue.
        let node = self.brokers[b].node;
        let held: Vec<HeldPull> = {
            let br = &mut self.brokers[b];
            let (wake, keep): (Vec<HeldPull>, Vec<HeldPull>) = core::mem::take(&mut br.held)
                .into_iter()
                .partition(|h| h.topic == topic && h.queue_id == queue_id);
            br.held = keep;
            wake
        };
        for h in held {
            let tags = self.consumers.iter().find(|c| c.node == h.consumer).map_or_else(
                || String::from("*"),
                |c| {
                    if *h.topic == *c.topic {
                        c.tags.clone()
                    } else {
                        "*".into()
                    }
                },
            );
            let (messages, next) = self.read(b, &h.topic, h.queue_id, h.offset, h.max, &tags);
            if messages.is_empty() && next == h.offset {
                self.brokers[b].held.push(h);
            } else {
                self.reply(
                    k,
                    trace,
                    node,
                    h.consumer,
                    h.request,
                    Wire::PullReply { messages, next },
                );
            }
        }
        self.replicate(k, trace, b);
        stored
    }

    fn broker_oneway(&mut self, k: &mut K, trace: &mut Ring, b: usize, body: Wire) {
        match body {
            Wire::TraceData {
                topic,
                queue_id,
                keys,
                uniq_key,
                body,
            } => self.store_trace(k, trace, b, topic, queue_id, keys, uniq_key, body),
            Wire::EndTransaction {
                message,
                commit_log_offset,
                state,
                from_check,
            } => self.end_transaction(k, trace, b, message, commit_log_offset, state, from_check),
            Wire::UpdateOffset {
                group,
                topic,
                queue_id,
                offset,
            } => {
                self.brokers[b].offsets.insert((group, topic, queue_id), offset);
            }
            // `RebalanceLockManager.unlockBatch`: only the holder's unlock counts.
            Wire::Unlock {
                group,
                client_id,
                topic,
                queue_id,
            } => {
                let key = (group, topic, queue_id);
                if self.brokers[b]
                    .locks
                    .get(&key)
                    .is_some_and(|(holder, _)| *holder == client_id)
                {
                    self.brokers[b].locks.remove(&key);
                }
            }
            _ => {}
        }
    }

    /// What `EndTransactionProcessor` did with one END_TRANSACTION that changed nothing.
    fn tell_end(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        message: u32,
        outcome: &'static str,
        half_queue_offset: u64,
    ) {
        let told = Told::TransactionEnd {
            broker_name: self.brokers[b].name.clone(),
            message,
            outcome,
            half_queue_offset,
            already_done: false,
        };
        self.tell(k, trace, self.brokers[b].node, told);
    }

    /// `EndTransactionProcessor.processRequest`.
    #[allow(clippy::too_many_arguments)]
    fn end_transaction(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        message: u32,
        commit_log_offset: u64,
        state: LocalState,
        from_check: bool,
    ) {
        let node = self.brokers[b].node;
        let name = self.brokers[b].name.clone();
        let half = self.brokers[b]
            .by_commit_log_offset(commit_log_offset)
            .filter(|s| *s.topic == *config::HALF_TOPIC);
        let Some(half) = half else {
            self.tell_end(k, trace, b, message, "missing", 0);
            return;
        };
        if state == LocalState::Unknow {
            // `TRANSACTION_NOT_TYPE`: nothing to do, whether from a check or not.
            let outcome = if from_check { "pending" } else { "ignored" };
            self.tell_end(k, trace, b, message, outcome, half.queue_offset);
            return;
        }
        // `rejectCommitOrRollback`: an answer that is not a check's, for a half with its own
        // immunity that is older than that immunity (at least `transactionTimeOut`), is refused
        // with ILLEGAL_OPERATION (604); the check service will settle it.
        let immunity_ms = half
            .prop(prop::CHECK_IMMUNITY_TIME_IN_SECONDS)
            .and_then(|v| v.parse::<u64>().ok())
            .map(|s| (s * 1000).max(self.config.transaction_time_out));
        if !from_check && immunity_ms.is_some_and(|ms| k.now().ms().saturating_sub(half.born_ms) > ms) {
            self.tell_end(k, trace, b, message, "rejected", half.queue_offset);
            return;
        }
        // Whether this transaction was settled before (a put-back copy committed again).
        let origin = prepared_offset(&half);
        let already_done = self
            .sent
            .get(message as usize - 1)
            .is_some_and(|s| s.transaction.as_ref().is_some_and(|t| t.ended.is_some()))
            || self.brokers[b].op_done.contains(&origin)
            || self.brokers[b].op_done.contains(&half.queue_offset);
        let outcome = if state == LocalState::CommitMessage {
            "commit"
        } else {
            "rollback"
        };
        self.tell(
            k,
            trace,
            node,
            Told::TransactionEnd {
                broker_name: name,
                message,
                outcome,
                half_queue_offset: half.queue_offset,
                already_done,
            },
        );
        if state == LocalState::CommitMessage {
            // `endMessageTransaction`: the real topic and queue back, the transaction
            // properties cleared, stored as a normal message.
            let mut props = half.properties.clone();
            let topic: Rc<str> = Rc::from(props.remove(prop::REAL_TOPIC).unwrap_or_default().as_str());
            let qid: u32 = props.remove(prop::REAL_QID).and_then(|v| v.parse().ok()).unwrap_or(0);
            props.remove(prop::TRAN_MSG);
            self.store(
                k,
                trace,
                b,
                message,
                topic,
                qid,
                props,
                half.body.clone(),
                half.born_ms,
                0,
                PutWhy::Commit,
                None,
            );
            if let Some(s) = self.sent.get_mut(message as usize - 1) {
                s.commits += 1;
            }
        }
        // `deletePrepareMessage`: an op record whose body is the half's queue offset, tag `d`.
        self.brokers[b].op_done.insert(half.queue_offset);
        let mut op_props = Properties::new();
        op_props.insert(prop::TAGS.into(), "d".into());
        // 5.x batches op offsets as `"12,13,"` (`TransactionalOpBatchService`, written within
        // `transactionOpBatchInterval`, 3 s); mqplay writes each at once, in that format.
        let body: Rc<str> = Rc::from(format!("{},", half.queue_offset).as_str());
        self.store(
            k,
            trace,
            b,
            message,
            Rc::from(config::OP_HALF_TOPIC),
            0,
            op_props,
            body,
            k.now().ms(),
            0,
            PutWhy::Op,
            None,
        );
        if let Some(t) = self
            .sent
            .get_mut(message as usize - 1)
            .and_then(|s| s.transaction.as_mut())
        {
            t.ended.get_or_insert(outcome);
        }
    }

    /// `TransactionalMessageServiceImpl.check`, one run over the half queue.
    fn check_service(&mut self, k: &mut K, trace: &mut Ring, b: usize) {
        let now = k.now().ms();
        let start_ms = now;
        let max = self.brokers[b].max_offset(config::HALF_TOPIC, 0);
        // `fillOpRemoveMap` keeps only op records for half offsets at or past where this run
        // starts: an op for an offset already passed is stale.
        let scan_start = self.brokers[b].half_offset;
        let removed = |broker: &Broker, offset: u64| offset >= scan_start && broker.op_done.contains(&offset);
        let mut i = scan_start;
        while i < max {
            let Some(half) = self.brokers[b].at(config::HALF_TOPIC, 0, i) else {
                break;
            };
            if removed(&self.brokers[b], i) {
                i += 1;
                continue;
            }
            let checks: u32 = half
                .prop(prop::TRANSACTION_CHECK_TIMES)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            // `needDiscard`: checked `transactionCheckMax` times already.
            if checks >= self.config.transaction_check_max {
                self.discard(k, trace, b, &half, checks);
                i += 1;
                continue;
            }
            // Stored since this run began (a copy it just put back): the next run's.
            if half.store_ms >= start_ms {
                break;
            }
            let age = now.saturating_sub(half.born_ms);
            let immunity = half
                .prop(prop::CHECK_IMMUNITY_TIME_IN_SECONDS)
                .and_then(|v| v.parse::<u64>().ok());
            let threshold = immunity.map_or(self.config.transaction_time_out, |s| s * 1000);
            // Checked only once strictly older than the threshold (`isNeedCheck`).
            if age <= threshold {
                match immunity {
                    // `checkPrepareQueueOffset`: a copy whose first offset an op record marks is
                    // done; else it is put back (remembering where it started) and the scan goes
                    // on. `needDiscard` already raised its count in memory, so the copy carries
                    // the raised count: every such put-back counts toward `transactionCheckMax`.
                    Some(_) => {
                        if half
                            .prop(prop::TRANSACTION_PREPARED_QUEUE_OFFSET)
                            .and_then(|v| v.parse::<u64>().ok())
                            .is_some_and(|first| removed(&self.brokers[b], first))
                        {
                            i += 1;
                            continue;
                        }
                        let mut props = half.properties.clone();
                        props.insert(prop::TRANSACTION_CHECK_TIMES.into(), (checks + 1).to_string());
                        props
                            .entry(prop::TRANSACTION_PREPARED_QUEUE_OFFSET.into())
                            .or_insert_with(|| i.to_string());
                        self.store(
                            k,
                            trace,
                            b,
                            half.ordinal,
                            Rc::from(config::HALF_TOPIC),
                            0,
                            props,
                            half.body.clone(),
                            half.born_ms,
                            0,
                            PutWhy::CheckPutBack,
                            None,
                        );
                        i += 1;
                        continue;
                    }
                    // "New arrived ... check it later": the rest are younger still.
                    None => break,
                }
            }
            // `putBackHalfMsgQueue` with the count raised, then `resolveHalfMsg`.
            let mut props = half.properties.clone();
            props.insert(prop::TRANSACTION_CHECK_TIMES.into(), (checks + 1).to_string());
            if immunity.is_some() {
                props
                    .entry(prop::TRANSACTION_PREPARED_QUEUE_OFFSET.into())
                    .or_insert_with(|| i.to_string());
            }
            let copy = self.store(
                k,
                trace,
                b,
                half.ordinal,
                Rc::from(config::HALF_TOPIC),
                0,
                props,
                half.body.clone(),
                half.born_ms,
                0,
                PutWhy::CheckPutBack,
                None,
            );
            self.send_check(k, trace, b, &copy, checks + 1, age);
            i += 1;
        }
        self.brokers[b].half_offset = i;
    }

    fn discard(&mut self, k: &mut K, trace: &mut Ring, b: usize, half: &Stored, checks: u32) {
        let node = self.brokers[b].node;
        self.tell(
            k,
            trace,
            node,
            Told::Discard {
                broker_name: self.brokers[b].name.clone(),
                message: half.ordinal,
                check_times: checks,
            },
        );
        self.store(
            k,
            trace,
            b,
            half.ordinal,
            Rc::from(config::CHECK_MAX_TIME_TOPIC),
            0,
            half.properties.clone(),
            half.body.clone(),
            half.born_ms,
            0,
            PutWhy::Discard,
            None,
        );
        if let Some(t) = self
            .sent
            .get_mut(half.ordinal as usize - 1)
            .and_then(|s| s.transaction.as_mut())
        {
            t.ended.get_or_insert("discard");
        }
    }

    /// `AbstractTransactionalMessageCheckListener.sendCheckMessage` to a live channel of the
    /// producer group (`ProducerManager.getAvailableChannel`).
    fn send_check(&mut self, k: &mut K, trace: &mut Ring, b: usize, half: &Stored, check_times: u32, age_ms: u64) {
        let group = half.prop(prop::PGROUP).unwrap_or("").to_string();
        // Round robin over the group's live channels (`ProducerManager.getAvailableChannel`:
        // a shared counter); a crashed producer's channel is gone.
        let live: Vec<usize> = (0..self.producers.len())
            .filter(|&p| self.producers[p].group == group && k.is_up(self.producers[p].node))
            .collect();
        let chosen = if live.is_empty() {
            None
        } else {
            let i = self.brokers[b].channel_counter as usize % live.len();
            self.brokers[b].channel_counter = self.brokers[b].channel_counter.wrapping_add(1);
            Some(live[i])
        };
        if let Some(t) = self
            .sent
            .get_mut(half.ordinal as usize - 1)
            .and_then(|s| s.transaction.as_mut())
        {
            t.checks = check_times;
        }
        let told = Told::Check {
            broker_name: self.brokers[b].name.clone(),
            message: half.ordinal,
            producer_group: group,
            producer: chosen.map(|p| self.producers[p].name.clone()),
            check_times,
            age_ms,
        };
        self.tell(k, trace, self.brokers[b].node, told);
        if let Some(p) = chosen {
            let (from, to) = (self.brokers[b].node, self.producers[p].node);
            self.oneway(
                k,
                trace,
                from,
                to,
                Wire::Check {
                    message: half.ordinal,
                    commit_log_offset: half.commit_log_offset,
                },
            );
        }
    }

    /// The producer's `TransactionListener.checkLocalTransaction` answered.
    fn check_answer(&mut self, k: &mut K, trace: &mut Ring, p: usize, message: u32, commit_log_offset: u64, b: u8) {
        let Some(txn) = self
            .sent
            .get_mut(message as usize - 1)
            .and_then(|s| s.transaction.as_mut())
        else {
            return;
        };
        let state = match txn.check.get(txn.checks_answered as usize).or(txn.check.last()) {
            Some(s) => *s,
            // No script: the listener reports what the database says.
            None => match txn.db_committed {
                Some(true) => LocalState::CommitMessage,
                Some(false) => LocalState::RollbackMessage,
                None => LocalState::Unknow,
            },
        };
        txn.checks_answered += 1;
        if txn.db_committed.is_none() && state != LocalState::Unknow {
            txn.db_committed = Some(state == LocalState::CommitMessage);
        }
        let node = self.producers[p].node;
        self.tell(
            k,
            trace,
            node,
            Told::CheckAnswer {
                producer: self.producers[p].name.clone(),
                message,
                state,
            },
        );
        self.end_transaction_send(k, trace, p, message, commit_log_offset, b, state, true);
    }

    #[allow(clippy::too_many_arguments)]
    fn end_transaction_send(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        p: usize,
        message: u32,
        commit_log_offset: u64,
        b: u8,
        state: LocalState,
        from_check: bool,
    ) {
        let told = Told::EndTransaction {
            producer: self.producers[p].name.clone(),
            message,
            broker_name: self.brokers[b as usize].name.clone(),
            state,
            from_transaction_check: from_check,
            msg_id: self.sent[message as usize - 1].msg_id.clone(),
        };
        self.tell(k, trace, self.producers[p].node, told);
        self.trace_end_transaction(k, trace, p, message, b, state, from_check);
        let (from, to) = (self.producers[p].node, self.brokers[b as usize].node);
        self.oneway(
            k,
            trace,
            from,
            to,
            Wire::EndTransaction {
                message,
                commit_log_offset,
                state,
                from_check,
            },
        );
    }

    /// `executeLocalTransaction` returned: `endTransaction` one-way, then the next send.
    fn local_done(&mut self, k: &mut K, trace: &mut Ring, p: usize, message: u32) {
        let Some((m, ack, b)) = self.producers[p].local.take() else {
            return;
        };
        if m != message {
            self.producers[p].local = Some((m, ack, b));
            return;
        }
        let Some(txn) = self
            .sent
            .get_mut(message as usize - 1)
            .and_then(|s| s.transaction.as_mut())
        else {
            return;
        };
        let state = txn.local;
        if state != LocalState::Unknow {
            txn.db_committed.get_or_insert(state == LocalState::CommitMessage);
        }
        let told = Told::LocalTransaction {
            producer: self.producers[p].name.clone(),
            message,
            state,
            transaction_id: ack.msg_id.clone(),
        };
        self.tell(k, trace, self.producers[p].node, told);
        self.end_transaction_send(k, trace, p, message, ack.commit_log_offset, b, state, false);
        self.next_job(k, trace, p);
    }

    /// Arms a level's timer task for its queue's next message (`DeliverDelayedMessageTimerTask`).
    fn schedule_arm(&mut self, k: &mut K, b: usize, level: usize) {
        let offset = self.brokers[b].schedule_offsets[level];
        let Some(next) = self.brokers[b].at(config::SCHEDULE_TOPIC, level as u32, offset) else {
            self.brokers[b].schedule_due[level] = None;
            return;
        };
        // The task looks every 100 ms from `FIRST_DELAY_TIME` after the service started, and
        // moves a message on the first look at or after its deliver time.
        let due = next.store_ms + self.levels[level];
        let first = self.brokers[b].started_ms + SCHEDULE_FIRST_MS;
        let at = if due <= first {
            first
        } else {
            first + (due - first).div_ceil(SCHEDULE_POLL_MS) * SCHEDULE_POLL_MS
        };
        let at = at.max(k.now().ms());
        if self.brokers[b].schedule_due[level].is_some_and(|d| d <= at) {
            return;
        }
        self.brokers[b].schedule_due[level] = Some(at);
        let node = self.brokers[b].node;
        self.timer(
            k,
            node,
            at,
            Timer::ScheduleDue {
                broker: b as u8,
                level: level as u8,
            },
        );
    }

    /// `DeliverDelayedMessageTimerTask.executeOnTimeUp`: every due message of the level's queue,
    /// in order, back to its real topic and queue (`messageTimeUp`: the DELAY property cleared).
    fn schedule_due(&mut self, k: &mut K, trace: &mut Ring, b: usize, level: usize) {
        let now = k.now().ms();
        if self.brokers[b].schedule_due[level] != Some(now) {
            return;
        }
        self.brokers[b].schedule_due[level] = None;
        loop {
            let offset = self.brokers[b].schedule_offsets[level];
            let Some(s) = self.brokers[b].at(config::SCHEDULE_TOPIC, level as u32, offset) else {
                break;
            };
            if s.store_ms + self.levels[level] > now {
                break;
            }
            self.deliver_due(k, trace, b, &s, false);
            self.brokers[b].schedule_offsets[level] = offset + 1;
        }
        self.schedule_arm(k, b, level);
    }

    /// Back to the real topic and queue. The schedule service's `messageTimeUp` clears `DELAY`
    /// but leaves `REAL_TOPIC` / `REAL_QID` in place; the timer store's `convertMessage` removes
    /// those two.
    fn deliver_due(&mut self, k: &mut K, trace: &mut Ring, b: usize, s: &Stored, from_timer: bool) {
        if s.reconsume_times == 0 {
            if let Some(sent) = self.sent.get_mut(s.ordinal as usize - 1) {
                sent.came_out_ms.get_or_insert(k.now().ms());
            }
        }
        let mut props = s.properties.clone();
        let topic: Rc<str> = Rc::from(props.get(prop::REAL_TOPIC).cloned().unwrap_or_default().as_str());
        let qid: u32 = props.get(prop::REAL_QID).and_then(|v| v.parse().ok()).unwrap_or(0);
        if from_timer {
            props.remove(prop::REAL_TOPIC);
            props.remove(prop::REAL_QID);
        } else {
            props.remove(prop::DELAY);
        }
        self.store(
            k,
            trace,
            b,
            s.ordinal,
            topic,
            qid,
            props,
            s.body.clone(),
            s.born_ms,
            s.reconsume_times,
            PutWhy::Due,
            None,
        );
    }

    fn timer_arm(&mut self, k: &mut K, b: usize) {
        let Some(&(fire, _)) = self.brokers[b].timer_wheel.first() else {
            self.brokers[b].timer_due = None;
            return;
        };
        if self.brokers[b].timer_due.is_some_and(|d| d <= fire) {
            return;
        }
        self.brokers[b].timer_due = Some(fire);
        let node = self.brokers[b].node;
        self.timer(k, node, fire.max(k.now().ms()), Timer::TimerDue { broker: b as u8 });
    }

    fn timer_due(&mut self, k: &mut K, trace: &mut Ring, b: usize) {
        let now = k.now().ms();
        if self.brokers[b].timer_due != Some(now) {
            return;
        }
        self.brokers[b].timer_due = None;
        while let Some(&(fire, index)) = self.brokers[b].timer_wheel.first() {
            if fire > now {
                break;
            }
            self.brokers[b].timer_wheel.pop_first();
            let s = self.brokers[b].commit_log[index as usize].clone();
            self.deliver_due(k, trace, b, &s, true);
        }
        self.timer_arm(k, b);
    }

    /// `AbstractSendMessageProcessor.consumerSendMsgBack` (`SendMessageProcessor` in 4.x).
    #[allow(clippy::too_many_arguments)]
    fn send_back(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        group: &str,
        commit_log_offset: u64,
        max_reconsume: u32,
        reconsume_times: u32,
        to_dlq: bool,
    ) -> String {
        let Some(original) = self.brokers[b].by_commit_log_offset(commit_log_offset) else {
            return String::new();
        };
        let mut props = original.properties.clone();
        // The original topic is kept in RETRY_TOPIC on the first send-back.
        props
            .entry(prop::RETRY_TOPIC.into())
            .or_insert_with(|| original.topic.to_string());
        let origin_id = self.brokers[b].offset_msg_id(&original);
        props.entry(prop::ORIGIN_MESSAGE_ID.into()).or_insert(origin_id);
        props.remove(prop::REAL_TOPIC);
        props.remove(prop::REAL_QID);
        let now = k.now().ms();
        // The broker decides from the stored message's reconsumeTimes; a consumer whose earlier
        // send-back failed counted a local retry the store never saw.
        let reconsume_times = if to_dlq {
            reconsume_times
        } else {
            original.reconsume_times
        };
        if to_dlq || reconsume_times >= max_reconsume {
            // `%DLQ%<group>`, one queue (`DLQ_NUMS_PER_GROUP`), write-only: nobody consumes it.
            props.remove(prop::DELAY);
            let topic: Rc<str> = Rc::from(format!("{}{group}", config::DLQ_PREFIX).as_str());
            // Created on first use, and registered with the name server at once
            // (`createTopicInSendMessageBackMethod` → `registerBrokerData`).
            if self.brokers[b].topics.insert(topic.clone(), 1).is_none() {
                self.register_broker(k, trace, b, false);
            }
            self.store(
                k,
                trace,
                b,
                original.ordinal,
                topic.clone(),
                0,
                props,
                original.body.clone(),
                original.born_ms,
                reconsume_times + 1,
                PutWhy::SendBack,
                None,
            );
            return topic.to_string();
        }
        // `delayLevel == 0`: the broker picks `3 + reconsumeTimes`, lowered to the maximum.
        let level = (3 + reconsume_times).min(self.levels.len() as u32);
        let retry: Rc<str> = Rc::from(format!("{}{group}", config::RETRY_PREFIX).as_str());
        props.insert(prop::DELAY.into(), level.to_string());
        props.insert(prop::REAL_TOPIC.into(), retry.to_string());
        props.insert(prop::REAL_QID.into(), "0".into());
        let due = now + self.levels[level as usize - 1];
        let s = self.store(
            k,
            trace,
            b,
            original.ordinal,
            Rc::from(config::SCHEDULE_TOPIC),
            level - 1,
            props,
            original.body.clone(),
            original.born_ms,
            reconsume_times + 1,
            PutWhy::Delay,
            Some(due),
        );
        self.schedule_arm(k, b, s.queue_id as usize);
        retry.to_string()
    }

    // ---------------------------------------------------------------- consumer

    fn consumer_start(&mut self, k: &mut K, trace: &mut Ring, c: usize) {
        if !k.is_up(self.consumers[c].node) || self.consumers[c].started {
            return;
        }
        self.consumers[c].started = true;
        let node = self.consumers[c].node;
        let now = k.now().ms();
        // `DefaultMQPushConsumerImpl.start`: the client's route poll begins (first in 10 ms),
        // and `updateTopicSubscribeInfoWhenSubscriptionChanged` asks for each subscribed
        // topic's route (and the trace dispatcher's).
        let client = Client::Consumer(c as u8);
        self.timer(k, node, now + namesrv::POLL_FIRST_MS, Timer::PollRoutes { client });
        let mut topics = self.topics_of(c);
        if let Some(t) = self.consumers[c].tracer.as_ref() {
            topics.push(t.topic.clone());
        }
        self.fetch_routes(k, trace, client, topics);
        // A clustering consumer also subscribes to `%RETRY%<group>`; its heartbeat creates that
        // topic, one queue, on each broker (`ClientManageProcessor.heartBeat` →
        // `createTopicInSendMessageBackMethod`), which registers the new topic with the name
        // server at once (`registerBrokerData`).
        if !self.consumers[c].broadcasting {
            let retry: Rc<str> = Rc::from(format!("{}{}", config::RETRY_PREFIX, self.consumers[c].group).as_str());
            for b in 0..self.brokers.len() {
                let created = self.brokers[b].topics.insert(retry.clone(), 1).is_none();
                if created && k.is_up(self.brokers[b].node) {
                    self.register_broker(k, trace, b, false);
                }
            }
        }
        self.timer(k, node, now + PERSIST_FIRST_MS, Timer::Persist { consumer: c as u8 });
        // The rebalance service is made with the client (its clock starts now); the start's
        // heartbeat makes the brokers notify the group, this consumer included.
        self.consumers[c].last_rebalance_ms = now;
        self.consumers[c].next_rebalance_ms = u64::MAX;
        let group = self.consumers[c].group.clone();
        self.rebalance_group(k, trace, &group);
    }

    /// The brokers' NOTIFY_CONSUMER_IDS_CHANGED: each live member's `rebalanceImmediately`.
    fn rebalance_group(&mut self, k: &mut K, trace: &mut Ring, group: &str) {
        let _ = trace;
        for c in 0..self.consumers.len() {
            if self.consumers[c].group == group && self.consumers[c].started && k.is_up(self.consumers[c].node) {
                self.wake_rebalance(k, c);
            }
        }
    }

    /// `RebalanceService.wakeup`: the next round at once, or when `minInterval` has passed since
    /// the last one.
    fn wake_rebalance(&mut self, k: &mut K, c: usize) {
        let now = k.now().ms();
        let cs = &mut self.consumers[c];
        cs.notified = true;
        let at = now.max(cs.last_rebalance_ms + REBALANCE_MIN_INTERVAL_MS);
        if at < cs.next_rebalance_ms {
            cs.next_rebalance_ms = at;
            let node = cs.node;
            self.timer(k, node, at, Timer::Rebalance { consumer: c as u8 });
        }
    }

    fn topics_of(&self, c: usize) -> Vec<Rc<str>> {
        let cs = &self.consumers[c];
        let mut v = alloc::vec![cs.topic.clone()];
        if !cs.broadcasting {
            v.push(Rc::from(format!("{}{}", config::RETRY_PREFIX, cs.group).as_str()));
        }
        v
    }

    /// `RebalanceImpl.rebalanceByTopic` for each subscribed topic, then
    /// `updateProcessQueueTableInRebalance`.
    fn rebalance_one(&mut self, k: &mut K, trace: &mut Ring, c: usize, tell_always: bool) {
        let mut wanted: BTreeSet<MqKey> = BTreeSet::new();
        for topic in self.topics_of(c) {
            // mqAll: every queue of the topic in the consumer's `topicSubscribeInfoTable`, sorted
            // (topic, broker name, queue id); a topic with no route yet gets nothing this round.
            let mq_all: Vec<MqKey> = self.consumers[c]
                .routes
                .get(&topic)
                .map(namesrv::subscribe_queues)
                .unwrap_or_default()
                .into_iter()
                .map(|(b, q)| (topic.clone(), b, q))
                .collect();
            let mine = if self.consumers[c].broadcasting {
                mq_all.clone()
            } else {
                let mut cid_all: Vec<String> = self
                    .consumers
                    .iter()
                    .filter(|x| x.group == self.consumers[c].group && x.started && k.is_up(x.node))
                    .map(|x| x.client_id.clone())
                    .collect();
                cid_all.sort();
                let mine = allocate_averagely(&mq_all, &cid_all, &self.consumers[c].client_id);
                let changed = tell_always
                    || mine.iter().cloned().collect::<BTreeSet<_>>()
                        != self.consumers[c]
                            .pqs
                            .keys()
                            .filter(|key| key.0 == topic)
                            .cloned()
                            .collect::<BTreeSet<_>>();
                if changed && (*topic == *self.consumers[c].topic || !mine.is_empty()) {
                    let told = Told::Rebalance {
                        consumer: self.consumers[c].name.clone(),
                        consumer_group: self.consumers[c].group.clone(),
                        topic: topic.to_string(),
                        cid_all: cid_all.clone(),
                        message_queues: mine.iter().map(|key| self.mq_name(key)).collect(),
                        strategy: "AllocateMessageQueueAveragely",
                    };
                    self.tell(k, trace, self.consumers[c].node, told);
                }
                mine
            };
            wanted.extend(mine);
        }
        // Removed queues: persist their offset, drop the process queue; an orderly consumer
        // unlocks them (`removeUnnecessaryMessageQueue`).
        let current: Vec<MqKey> = self.consumers[c].pqs.keys().cloned().collect();
        let now = k.now().ms();
        for key in current {
            if !wanted.contains(&key) {
                let locks = self.consumers[c].locks();
                match self.consumers[c].pqs.get_mut(&key) {
                    // `tryRemoveOrderMessageQueue`: the consume lock is held while the listener
                    // runs; the rebalance waits up to 500 ms for it, else leaves the queue
                    // (dropped) to a later round.
                    Some(pq) if locks && pq.busy => {
                        if !pq.dropped {
                            pq.dropped = true;
                            pq.drop_deadline_ms = now + ORDERLY_UNLOCK_WAIT_MS;
                        }
                    }
                    _ => self.remove_queue(k, trace, c, &key),
                }
            }
        }
        for key in wanted {
            if self.consumers[c].pqs.get(&key).is_some_and(|pq| pq.dropped) {
                // Still waiting to be removed: a later round gives the queue back.
                continue;
            }
            if let Some(pq) = self.consumers[c].pqs.get(&key) {
                // Renew an orderly lock, or try again one that failed.
                if self.consumers[c].locks() && !tell_always {
                    let _ = pq;
                    self.lock(k, trace, c, key.clone());
                }
                continue;
            }
            // `computePullFromWhere`: the group's offset on the broker, else 0 — for
            // CONSUME_FROM_LAST_OFFSET the broker answers 0 while the queue's first messages are
            // still in memory (`ConsumerManageProcessor.queryConsumerOffset`), so a new group
            // reads from the start here. Broadcasting, the local offset file, else the queue's
            // max offset: only what arrives from now on.
            let offset = if self.consumers[c].broadcasting {
                let max = self.brokers[key.1 as usize].max_offset(&key.0, key.2);
                self.consumers[c].local_offsets.get(&key).copied().unwrap_or(max)
            } else {
                // `fetchConsumeOffsetFromBroker`: the master, else (master not in the route) the
                // slave's copy.
                let b = match self.consumer_target(c, &key) {
                    (_, true) => self.slaves[key.1 as usize]
                        .as_ref()
                        .unwrap_or(&self.brokers[key.1 as usize]),
                    _ => &self.brokers[key.1 as usize],
                };
                b.offsets
                    .get(&(self.consumers[c].group.clone(), key.0.clone(), key.2))
                    .copied()
                    .unwrap_or(0)
            };
            // Broadcasting needs no lock: every member has every queue.
            let locked = !self.consumers[c].locks();
            self.consumers[c].pq_epochs += 1;
            let epoch = self.consumers[c].pq_epochs;
            let dispatch_ms = k.now().ms() + FIRST_PULL_DELAY_MS;
            self.consumers[c].pqs.insert(
                key.clone(),
                Pq {
                    next_pull: offset,
                    consumed: offset,
                    committed: offset,
                    locked,
                    epoch,
                    dispatch_ms,
                    ..Pq::default()
                },
            );
            if self.consumers[c].locks() {
                self.lock(k, trace, c, key);
            } else {
                let node = self.consumers[c].node;
                self.timer(k, node, dispatch_ms, Timer::PullNow { consumer: c as u8, key });
            }
        }
    }

    /// `removeUnnecessaryMessageQueue`: persist the offset, drop the process queue; an orderly
    /// consumer unlocks it (UNLOCK_BATCH_MQ, one-way).
    fn remove_queue(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey) {
        self.persist_one(k, trace, c, key, true);
        self.consumers[c].pqs.remove(key);
        if self.consumers[c].locks() {
            let body = Wire::Unlock {
                group: self.consumers[c].group.clone(),
                client_id: self.consumers[c].client_id.clone(),
                topic: key.0.clone(),
                queue_id: key.2,
            };
            let (from, to) = (self.consumers[c].node, self.brokers[key.1 as usize].node);
            self.oneway(k, trace, from, to, body);
        }
    }

    /// A dropped orderly queue whose message just finished: removed now if within the wait.
    fn finish_drop(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey) {
        let now = k.now().ms();
        let ready = self.consumers[c]
            .pqs
            .get(key)
            .is_some_and(|pq| pq.dropped && !pq.busy && now <= pq.drop_deadline_ms);
        if ready {
            self.remove_queue(k, trace, c, key);
        }
    }

    fn lock(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: MqKey) {
        if self.consumer_target(c, &key).1 {
            // `findBrokerAddressInSubscribe(name, MASTER_ID, true)` finds no master: no request,
            // and the rebalance runs again in 500 ms.
            let at = k.now().ms() + REBALANCE_LATER_MS;
            if at < self.consumers[c].next_rebalance_ms {
                self.consumers[c].next_rebalance_ms = at;
                self.timer(k, self.consumers[c].node, at, Timer::Rebalance { consumer: c as u8 });
            }
            return;
        }
        let b = key.1 as usize;
        let body = Wire::Lock {
            group: self.consumers[c].group.clone(),
            client_id: self.consumers[c].client_id.clone(),
            topic: key.0.clone(),
            queue_id: key.2,
        };
        let spec = RequestSpec {
            timeout_ms: 1_000,
            lane: 2,
            label: "LOCK_BATCH_MQ",
        };
        let (from, to) = (self.consumers[c].node, self.brokers[b].node);
        self.request(k, trace, from, to, body, Req::Lock { key }, spec);
    }

    fn pull(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: MqKey) {
        let cs = &self.consumers[c];
        let Some(pq) = cs.pqs.get(&key) else { return };
        if pq.pulling || pq.dropped || (cs.orderly && !pq.locked) {
            return;
        }
        if pq.msgs.len() >= PULL_THRESHOLD {
            let at = k.now().ms() + FLOW_CONTROL_MS;
            self.timer(k, cs.node, at, Timer::PullNow { consumer: c as u8, key });
            return;
        }
        let tags = if *key.0 == *cs.topic {
            cs.tags.clone()
        } else {
            "*".into()
        };
        // `pullMessage`: a clustering consumer's pull carries its in-memory offset for the queue
        // (`commitOffset`, when above 0), which the broker stores (`PullMessageProcessor`);
        // a pull to a slave carries none (`PullAPIWrapper.pullKernelImpl` clears the flag).
        let (to, to_slave) = self.consumer_target(c, &key);
        let cs = &self.consumers[c];
        let Some(pq) = cs.pqs.get(&key) else { return };
        let commit_offset = (!cs.broadcasting && pq.consumed > 0 && !to_slave).then_some(pq.consumed);
        let body = Wire::Pull {
            group: cs.group.clone(),
            topic: key.0.clone(),
            queue_id: key.2,
            offset: pq.next_pull,
            max: cs.config.pull_batch_size,
            tags,
            commit_offset,
        };
        let spec = RequestSpec {
            timeout_ms: PULL_TIMEOUT_MS,
            lane: 1,
            label: "PULL_MESSAGE",
        };
        let from = cs.node;
        let mut epoch = 0;
        if let Some(pq) = self.consumers[c].pqs.get_mut(&key) {
            pq.pulling = true;
            epoch = pq.epoch;
        }
        self.request(k, trace, from, to, body, Req::Pull { key, epoch }, spec);
    }

    fn consumer_response(&mut self, k: &mut K, trace: &mut Ring, c: usize, id: u64, body: Wire) {
        let Some(req) = self.requests.remove(&id) else { return };
        match (req, body) {
            (Req::Route(ask), Wire::RouteReply { route, .. }) => self.route_answer(k, trace, ask, Ok(route)),
            (Req::Pull { key, epoch }, Wire::PullReply { messages, next }) => {
                // `PullCallback`: a reply for a dropped `ProcessQueue` is thrown away.
                let Some(pq) = self.consumers[c].pqs.get_mut(&key).filter(|pq| pq.epoch == epoch) else {
                    return;
                };
                pq.pulling = false;
                pq.refused = false;
                let offset = pq.next_pull;
                pq.next_pull = next;
                if !messages.is_empty() {
                    let told = Told::Pull {
                        consumer: self.consumers[c].name.clone(),
                        broker_name: self.brokers[key.1 as usize].name.clone(),
                        message_queue: self.mq_name(&key),
                        offset,
                        found: messages.len() as u32,
                        next_begin_offset: next,
                    };
                    self.tell(k, trace, self.consumers[c].node, told);
                }
                let Some(pq) = self.consumers[c].pqs.get_mut(&key) else {
                    return;
                };
                let mut fresh = Vec::new();
                for m in messages {
                    pq.max_seen = Some(pq.max_seen.map_or(m.queue_offset, |x| x.max(m.queue_offset)));
                    if pq.msgs.insert(m.queue_offset, m.clone()).is_none() {
                        fresh.push(m.queue_offset);
                    }
                }
                if pq.msgs.is_empty() {
                    // Everything looked at was filtered out: the offset moves past it.
                    pq.consumed = pq.consumed.max(next);
                }
                if self.consumers[c].orderly {
                    self.orderly_next(k, trace, c, key.clone());
                } else {
                    for offset in fresh {
                        self.submit(k, trace, c, key.clone(), offset);
                    }
                }
                self.pull(k, trace, c, key);
            }
            (Req::Pull { key, epoch }, Wire::Refused { code, remark }) => {
                // `PullCallback.onException`: pull again after `pullTimeDelayMillsWhenException`.
                let Some(pq) = self.consumers[c].pqs.get_mut(&key).filter(|pq| pq.epoch == epoch) else {
                    return;
                };
                pq.pulling = false;
                let first = !pq.refused;
                pq.refused = true;
                if first {
                    let told = Told::PullRefused {
                        consumer: self.consumers[c].name.clone(),
                        message_queue: self.mq_name(&key),
                        broker: super::spec::slave_name(&self.brokers[key.1 as usize].name),
                        code,
                        remark,
                    };
                    self.tell(k, trace, self.consumers[c].node, told);
                }
                let at = k.now().ms() + PULL_AFTER_ERROR_MS;
                self.timer(k, self.consumers[c].node, at, Timer::PullNow { consumer: c as u8, key });
            }
            (Req::SendBack { key, offset }, Wire::SendBackReply { to }) => {
                if to.is_empty() {
                    return;
                }
                self.done(k, trace, c, &key, offset);
            }
            (Req::Lock { key }, Wire::LockReply { locked, held_by }) => {
                let was = self.consumers[c].pqs.get(&key).is_some_and(|p| p.locked);
                let Some(pq) = self.consumers[c].pqs.get_mut(&key) else {
                    return;
                };
                pq.locked = locked;
                if locked {
                    pq.lock_ms = k.now().ms();
                    pq.lock_expired = false;
                }
                let dispatch_ms = pq.dispatch_ms;
                if locked && was {
                    // A renewal: a listener held back by an expired lock may run again.
                    self.orderly_next(k, trace, c, key.clone());
                }
                if locked != was || !locked {
                    let told = Told::Lock {
                        consumer: self.consumers[c].name.clone(),
                        broker_name: self.brokers[key.1 as usize].name.clone(),
                        message_queue: self.mq_name(&key),
                        locked,
                        held_by,
                    };
                    self.tell(k, trace, self.consumers[c].node, told);
                }
                if locked && !was {
                    // `pullMessage`: the first pull after the lock is taken reads the group's
                    // offset again (`computePullFromWhere`), so what an earlier owner committed
                    // meanwhile counts (it may have unlocked only once its listener finished).
                    let stored = self.brokers[key.1 as usize]
                        .offsets
                        .get(&(self.consumers[c].group.clone(), key.0.clone(), key.2))
                        .copied();
                    if let (Some(offset), Some(pq)) = (stored, self.consumers[c].pqs.get_mut(&key)) {
                        if pq.msgs.is_empty() && !pq.pulling {
                            pq.next_pull = offset;
                            pq.consumed = offset;
                            pq.committed = offset;
                        }
                    }
                    if k.now().ms() >= dispatch_ms {
                        self.pull(k, trace, c, key);
                    } else {
                        let node = self.consumers[c].node;
                        self.timer(k, node, dispatch_ms, Timer::PullNow { consumer: c as u8, key });
                    }
                }
                if !locked {
                    // Not balanced: the rebalance service runs again in 1 s.
                    let at = k.now().ms() + REBALANCE_RETRY_MS;
                    if at < self.consumers[c].next_rebalance_ms {
                        self.consumers[c].next_rebalance_ms = at;
                        self.timer(k, self.consumers[c].node, at, Timer::Rebalance { consumer: c as u8 });
                    }
                }
            }
            _ => {}
        }
    }

    fn consumer_failed(&mut self, k: &mut K, trace: &mut Ring, c: usize, id: u64) {
        let Some(req) = self.requests.remove(&id) else { return };
        let _ = trace;
        match req {
            Req::Pull { key, epoch } => {
                if let Some(pq) = self.consumers[c].pqs.get_mut(&key).filter(|pq| pq.epoch == epoch) {
                    pq.pulling = false;
                    let at = k.now().ms() + PULL_AFTER_ERROR_MS;
                    self.timer(k, self.consumers[c].node, at, Timer::PullNow { consumer: c as u8, key });
                }
            }
            Req::SendBack { key, offset } => {
                // The send-back failed: consume it again here after 5 s, counted as a retry
                // (`processConsumeResult`: `setReconsumeTimes(+1)`, `submitConsumeRequestLater`).
                // Upstream first tries the inner producer to %RETRY% (`sendMessageBack`'s
                // fallback), which mqplay does not model.
                if let Some(pq) = self.consumers[c].pqs.get_mut(&key) {
                    *pq.retries.entry(offset).or_insert(0) += 1;
                }
                let at = k.now().ms() + CONSUME_LATER_MS;
                self.timer(
                    k,
                    self.consumers[c].node,
                    at,
                    Timer::ConsumeAgain {
                        consumer: c as u8,
                        key,
                        offset,
                    },
                );
            }
            Req::Route(ask) => self.route_answer(k, trace, ask, Err(Failure::TimedOut)),
            Req::Lock { .. } | Req::Send | Req::Register | Req::SlaveSync => {}
        }
    }

    /// Hands a message to a consume thread, or queues it when all 20 are busy.
    fn submit(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: MqKey, offset: u64) {
        let cs = &mut self.consumers[c];
        if !cs.pqs.get(&key).is_some_and(|p| p.msgs.contains_key(&offset)) {
            return;
        }
        if cs.threads_busy >= CONSUME_THREADS {
            cs.waiting.push_back((key, offset));
            return;
        }
        cs.threads_busy += 1;
        let at = k.now().ms() + cs.consume_ms;
        let node = cs.node;
        self.trace_consume_start(k, trace, c, &key, offset);
        self.timer(
            k,
            node,
            at,
            Timer::ConsumeDone {
                consumer: c as u8,
                key,
                offset,
            },
        );
    }

    /// An orderly consumer takes the queue's first message when the queue is locked, idle and
    /// not suspended (`ConsumeMessageOrderlyService.ConsumeRequest`, one message at a time).
    fn orderly_next(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: MqKey) {
        let now = k.now().ms();
        let locks = self.consumers[c].locks();
        let cs = &mut self.consumers[c];
        let Some(pq) = cs.pqs.get_mut(&key) else { return };
        if pq.busy || !pq.locked || pq.suspended_until.is_some() || pq.dropped {
            return;
        }
        let Some((&offset, _)) = pq.msgs.first_key_value() else {
            return;
        };
        if locks && now > pq.lock_ms + CLIENT_LOCK_MAX_LIVE_MS {
            // The lock has not been renewed for 30 s (its broker cannot be reached): no
            // listener runs on it; try to lock again shortly (one such retry at a time).
            let first = !pq.lock_expired;
            pq.lock_expired = true;
            let locked_at_ms = pq.lock_ms;
            if !pq.relocking {
                pq.relocking = true;
                let node = cs.node;
                self.timer(
                    k,
                    node,
                    now + LOCK_RETRY_MS,
                    Timer::LockAgain {
                        consumer: c as u8,
                        key: key.clone(),
                    },
                );
            }
            if first {
                let told = Told::LockExpired {
                    consumer: self.consumers[c].name.clone(),
                    message_queue: self.mq_name(&key),
                    locked_at_ms,
                    waiting: self.consumers[c].pqs.get(&key).map_or(0, |pq| pq.msgs.len() as u32),
                };
                self.tell(k, trace, self.consumers[c].node, told);
            }
            return;
        }
        pq.busy = true;
        let at = k.now().ms() + cs.consume_ms;
        let node = cs.node;
        self.trace_consume_start(k, trace, c, &key, offset);
        self.timer(
            k,
            node,
            at,
            Timer::ConsumeDone {
                consumer: c as u8,
                key,
                offset,
            },
        );
    }

    fn fails(&self, c: usize, m: &Stored, reconsume: u32) -> bool {
        self.consumers[c].fail.iter().any(|r| {
            r.keys.as_ref().is_none_or(|key| m.keys().split(' ').any(|x| x == key))
                && r.times.is_none_or(|t| reconsume < t)
        })
    }

    fn consume_done(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: MqKey, offset: u64) {
        let orderly = self.consumers[c].orderly;
        if !orderly {
            self.consumers[c].threads_busy = self.consumers[c].threads_busy.saturating_sub(1);
            if let Some((k2, o2)) = self.consumers[c].waiting.pop_front() {
                self.submit(k, trace, c, k2, o2);
            }
        }
        let Some(pq) = self.consumers[c].pqs.get_mut(&key) else {
            // The queue was dropped (a rebalance) while the listener ran: its result is not
            // processed, but `ConsumeRequest.run` has already run the after-hook.
            self.trace_dropped_consume(k, trace, c, &key, offset);
            return;
        };
        if orderly {
            pq.busy = false;
        }
        let Some(m) = pq.msgs.get(&offset).cloned() else {
            self.trace_dropped_consume(k, trace, c, &key, offset);
            return;
        };
        let local_retries = pq.retries.get(&offset).copied().unwrap_or(0);
        let reconsume = m.reconsume_times + local_retries;
        let failed = self.fails(c, &m, reconsume);
        let status = match (orderly, failed) {
            (false, false) => "CONSUME_SUCCESS",
            (false, true) => "RECONSUME_LATER",
            (true, false) => "SUCCESS",
            (true, true) => "SUSPEND_CURRENT_QUEUE_A_MOMENT",
        };
        let cs = &self.consumers[c];
        let who = if cs.broadcasting {
            format!("{}/{}", cs.group, cs.name)
        } else {
            cs.group.clone()
        };
        let before = self.consumed.get(&(who.clone(), m.ordinal)).copied().unwrap_or(0);
        // The listener sees the real topic (`resetRetryAndNamespace`: RETRY_TOPIC back).
        let topic = m
            .prop(prop::RETRY_TOPIC)
            .map_or_else(|| m.topic.to_string(), String::from);
        let told = Told::Consume {
            consumer: cs.name.clone(),
            consumer_group: cs.group.clone(),
            message: m.ordinal,
            topic,
            message_queue: self.mq_name(&key),
            queue_offset: offset,
            reconsume_times: reconsume,
            msg_id: m.uniq_key().into(),
            status,
            duplicate: before > 0,
        };
        self.tell(k, trace, self.consumers[c].node, told);
        self.trace_consume_end(k, trace, c, &key, &m, !failed);
        self.deliveries.push((m.ordinal, k.now().ms(), status, c as u8));
        if let Some(s) = self.sent.get_mut(m.ordinal as usize - 1) {
            s.deliveries += 1;
            s.successes += u32::from(!failed);
        }
        if !failed {
            *self.consumed.entry((who, m.ordinal)).or_insert(0) += 1;
            self.done(k, trace, c, &key, offset);
            if orderly {
                self.orderly_next(k, trace, c, key);
            }
            return;
        }
        if self.consumers[c].broadcasting && !orderly {
            // BROADCASTING: a failed message is dropped, not retried
            // (`ConsumeMessageConcurrentlyService.processConsumeResult`); an orderly listener
            // retries it in place like any other.
            self.done(k, trace, c, &key, offset);
            return;
        }
        let max = self.consumers[c].config.max_reconsume(orderly);
        if orderly {
            // `checkReconsumeTimes`: past the maximum the message goes to the DLQ and the queue
            // moves on; otherwise the queue is suspended and the same message comes again.
            if reconsume >= max {
                self.send_back_request(k, trace, c, &key, &m, max, reconsume, true);
                return;
            }
            let now = k.now().ms();
            let resume = now + self.consumers[c].config.suspend_current_queue_time_millis;
            if let Some(pq) = self.consumers[c].pqs.get_mut(&key) {
                pq.retries.insert(offset, local_retries + 1);
                pq.suspended_until = Some(resume);
            }
            let told = Told::Suspended {
                consumer: self.consumers[c].name.clone(),
                message_queue: self.mq_name(&key),
                message: m.ordinal,
                resume_ms: resume,
            };
            self.tell(k, trace, self.consumers[c].node, told);
            self.timer(
                k,
                self.consumers[c].node,
                resume,
                Timer::Resume { consumer: c as u8, key },
            );
            return;
        }
        self.send_back_request(k, trace, c, &key, &m, max, reconsume, false);
    }

    #[allow(clippy::too_many_arguments)]
    fn send_back_request(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        c: usize,
        key: &MqKey,
        m: &Stored,
        max: u32,
        reconsume: u32,
        to_dlq: bool,
    ) {
        let group = self.consumers[c].group.clone();
        // `getDelayLevelWhenNextConsume()` is 0 unless the listener set it: the broker decides.
        // The orderly path's own message carries `DELAY = 3 + reconsumeTimes`.
        let level = if to_dlq { 3 + reconsume as i32 } else { 0 };
        let b = m.broker as usize;
        let told = Told::SendBack {
            consumer: self.consumers[c].name.clone(),
            consumer_group: group.clone(),
            message: m.ordinal,
            broker_name: self.brokers[b].name.clone(),
            reconsume_times: reconsume,
            delay_level: level,
            max_reconsume_times: max,
            inner_producer: to_dlq,
        };
        self.tell(k, trace, self.consumers[c].node, told);
        let body = Wire::SendBack {
            group,
            commit_log_offset: m.commit_log_offset,
            max_reconsume: max,
            reconsume_times: reconsume,
            to_dlq,
        };
        let spec = RequestSpec {
            timeout_ms: 5_000,
            lane: 3,
            label: "CONSUMER_SEND_MSG_BACK",
        };
        let (from, to) = (self.consumers[c].node, self.brokers[b].node);
        self.request(
            k,
            trace,
            from,
            to,
            body,
            Req::SendBack {
                key: key.clone(),
                offset: m.queue_offset,
            },
            spec,
        );
    }

    /// `ProcessQueue.removeMessage`: the offset to commit is the smallest still in flight, or
    /// one past the largest seen.
    fn done(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey, offset: u64) {
        let Some(pq) = self.consumers[c].pqs.get_mut(key) else {
            return;
        };
        pq.msgs.remove(&offset);
        pq.retries.remove(&offset);
        pq.consumed = match pq.msgs.first_key_value() {
            Some((first, _)) => *first,
            None => pq
                .max_seen
                .map_or(pq.consumed, |m| m + 1)
                .max(pq.next_pull.min(pq.max_seen.map_or(0, |m| m + 1))),
        };
        if self.consumers[c].orderly {
            self.orderly_next(k, trace, c, key.clone());
        }
    }

    fn persist(&mut self, k: &mut K, trace: &mut Ring, c: usize, rearm: bool) {
        let keys: Vec<MqKey> = self.consumers[c].pqs.keys().cloned().collect();
        for key in keys {
            self.persist_one(k, trace, c, &key, false);
        }
        if rearm {
            let at = k.now().ms() + self.consumers[c].config.persist_consumer_offset_interval;
            self.timer(k, self.consumers[c].node, at, Timer::Persist { consumer: c as u8 });
        }
    }

    /// `OffsetStore.persist`: to the broker one-way (`RemoteBrokerOffsetStore`,
    /// `updateConsumeOffsetToBroker`), or broadcasting to the local file. A clustering consumer
    /// sends every queue's offset each time, changed or not (`persistAll` walks its whole
    /// table, which holds each assigned queue from the offset it read at assignment), so a
    /// broker that lost offsets in a crash has them again within one interval; the log tells
    /// only the ones that moved.
    fn persist_one(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey, _removing: bool) {
        let Some(pq) = self.consumers[c].pqs.get_mut(key) else {
            return;
        };
        let changed = pq.consumed != pq.committed;
        pq.committed = pq.consumed;
        let offset = pq.consumed;
        let cs = &self.consumers[c];
        if changed {
            let told = Told::OffsetCommit {
                consumer: cs.name.clone(),
                consumer_group: cs.group.clone(),
                message_queue: self.mq_name(key),
                offset,
                local: cs.broadcasting,
            };
            self.tell(k, trace, cs.node, told);
        }
        if self.consumers[c].broadcasting {
            if changed {
                self.consumers[c].local_offsets.insert(key.clone(), offset);
            }
        } else {
            let body = Wire::UpdateOffset {
                group: self.consumers[c].group.clone(),
                topic: key.0.clone(),
                queue_id: key.2,
                offset,
            };
            let from = self.consumers[c].node;
            let to = self.consumer_target(c, key).0;
            self.oneway(k, trace, from, to, body);
        }
    }
}

/// A new message's properties: its tags and keys, and `WAIT=true` (`Message` sets
/// `waitStoreMsgOK` by default).
/// Message trace (`tracing.rs`): the hooks that make records and the dispatcher that sends them.
impl Rocket {
    fn tracer_mut(&mut self, client: Client) -> Option<&mut Tracer> {
        match client {
            Client::Producer(p) => self.producers.get_mut(p as usize)?.tracer.as_mut(),
            Client::Consumer(c) => self.consumers.get_mut(c as usize)?.tracer.as_mut(),
        }
    }

    fn client_node(&self, client: Client) -> NodeId {
        match client {
            Client::Producer(p) => self.producers[p as usize].node,
            Client::Consumer(c) => self.consumers[c as usize].node,
        }
    }

    fn store_host(&self, b: u8) -> String {
        let ip = self.brokers[b as usize].ip;
        format!("{}.{}.{}.{}:{}", ip[0], ip[1], ip[2], ip[3], super::broker::BROKER_PORT)
    }

    /// `SendMessageTraceHookImpl`: an attempt that got SEND_OK, from a broker with `traceOn`.
    fn trace_pub(&mut self, k: &mut K, trace: &mut Ring, p: usize, cur: &InFlight, ack: &SendAck, now: u64) {
        // The hooks skip the trace topic's own messages.
        let traced = self.producers[p]
            .tracer
            .as_ref()
            .is_some_and(|t| !cur.job.topic.starts_with(&*t.topic));
        if !traced || !self.config.trace_on {
            return;
        }
        let props = &cur.job.properties;
        let msg_type = if cur.job.transaction {
            MsgType::TransHalf
        } else if props.contains_key(prop::DELAY) {
            MsgType::Delay
        } else {
            MsgType::Normal
        };
        let record = Record::Pub {
            timestamp: cur.attempt_ms,
            region: Rc::from(self.config.region_id.as_str()),
            group: self.producers[p].group.clone(),
            topic: cur.job.topic.clone(),
            msg_id: ack.msg_id.clone(),
            tags: props.get(prop::TAGS).cloned(),
            keys: props.get(prop::KEYS).cloned(),
            store_host: self.store_host(cur.broker),
            body_length: cur.job.body.len() as u32,
            cost_ms: now - cur.attempt_ms,
            msg_type,
            offset_msg_id: ack.offset_msg_id.clone(),
            // `SendMessageTraceHookImpl.sendMessageAfter`: success is SEND_OK, nothing else.
            success: ack.status == "SEND_OK",
        };
        self.trace_append(k, trace, Client::Producer(p as u8), record);
    }

    /// `EndTransactionTraceHookImpl`: the producer's END_TRANSACTION (first answer or a check's).
    #[allow(clippy::too_many_arguments)]
    fn trace_end_transaction(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        p: usize,
        message: u32,
        broker: u8,
        state: LocalState,
        from_check: bool,
    ) {
        let Some(s) = self.sent.get((message as usize).wrapping_sub(1)) else {
            return;
        };
        // The hooks skip the trace topic's own messages.
        if self.producers[p]
            .tracer
            .as_ref()
            .is_none_or(|t| s.topic.starts_with(&*t.topic))
        {
            return;
        }
        self.producers[p].counter = self.producers[p].counter.wrapping_add(1);
        // The hook reads MSG_REGION off the message it has: the application's own for the first
        // answer (the broker stamped only its copy), the broker's for a check's.
        let region = if from_check {
            self.config.region_id.as_str()
        } else {
            config::DEFAULT_REGION
        };
        let state = match state {
            LocalState::CommitMessage => "COMMIT_MESSAGE",
            LocalState::RollbackMessage => "ROLLBACK_MESSAGE",
            LocalState::Unknow => "UNKNOW",
        };
        let record = Record::EndTransaction {
            timestamp: k.now().ms(),
            region: Rc::from(region),
            group: self.producers[p].group.clone(),
            topic: s.topic.clone(),
            msg_id: s.msg_id.clone(),
            tags: s.tags.clone(),
            keys: s.keys.clone(),
            store_host: self.store_host(broker),
            transaction_id: s.msg_id.clone(),
            state,
            from_check,
        };
        self.trace_append(k, trace, Client::Producer(p as u8), record);
    }

    /// `ConsumeMessageTraceHookImpl.consumeMessageBefore`, as the listener starts on a message
    /// (skipped when the message's `TRACE_ON` is `false`).
    fn trace_consume_start(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey, offset: u64) {
        let now = k.now().ms();
        let cs = &mut self.consumers[c];
        let Some(tracer) = cs.tracer.as_mut() else { return };
        let Some(m) = cs.pqs.get(key).and_then(|pq| pq.msgs.get(&offset)).cloned() else {
            return;
        };
        if m.prop(prop::TRACE_ON) == Some("false") {
            return;
        }
        // `new TraceContext()`: its request id reads the JVM's counter, then increments it.
        let (ip, pid, loader) = cs.uniq;
        let request_id = uniq_key(ip, pid, loader, now, tracer.counter);
        tracer.counter = tracer.counter.wrapping_add(1);
        cs.trace_open
            .insert((key.clone(), offset), (request_id.clone(), now, m.clone()));
        let record = Record::SubBefore {
            timestamp: now,
            region: Rc::from(m.prop(prop::MSG_REGION).unwrap_or(config::DEFAULT_REGION)),
            group: cs.group.clone(),
            request_id,
            msg_id: m.uniq_key().into(),
            retry_times: m.reconsume_times
                + cs.pqs
                    .get(key)
                    .map_or(0, |pq| pq.retries.get(&offset).copied().unwrap_or(0)),
            keys: Some(m.keys()).filter(|k| !k.is_empty()).map(String::from),
            topic: m.prop(prop::RETRY_TOPIC).map_or_else(|| m.topic.clone(), Rc::from),
        };
        self.trace_append(k, trace, Client::Consumer(c as u8), record);
    }

    /// `consumeMessageAfter`: the listener's result (context code SUCCESS 0 or FAILED 4).
    fn trace_consume_end(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey, m: &Stored, success: bool) {
        let now = k.now().ms();
        let cs = &mut self.consumers[c];
        let Some(tracer) = cs.tracer.as_mut() else { return };
        let Some((request_id, started, _)) = cs.trace_open.remove(&(key.clone(), m.queue_offset)) else {
            return;
        };
        // The after-context is a new `TraceContext` too (its own request id is overwritten).
        tracer.counter = tracer.counter.wrapping_add(1);
        let record = Record::SubAfter {
            request_id,
            msg_id: m.uniq_key().into(),
            cost_ms: now - started,
            success,
            keys: Some(m.keys()).filter(|k| !k.is_empty()).map(String::from),
            context_code: if success { 0 } else { 4 },
            timestamp: now,
            group: cs.group.clone(),
            topic: m.prop(prop::RETRY_TOPIC).map_or_else(|| m.topic.clone(), Rc::from),
        };
        self.trace_append(k, trace, Client::Consumer(c as u8), record);
    }

    /// A listener that finished after its queue was dropped: the after-hook still runs, with
    /// the listener's result.
    fn trace_dropped_consume(&mut self, k: &mut K, trace: &mut Ring, c: usize, key: &MqKey, offset: u64) {
        let Some(m) = self.consumers[c]
            .trace_open
            .get(&(key.clone(), offset))
            .map(|o| o.2.clone())
        else {
            return;
        };
        let failed = self.fails(c, &m, m.reconsume_times);
        self.trace_consume_end(k, trace, c, key, &m, !failed);
    }

    /// `AsyncTraceDispatcher.append`, then whatever the dispatcher would send now.
    fn trace_append(&mut self, k: &mut K, trace: &mut Ring, client: Client, record: Record) {
        if let Some(t) = self.tracer_mut(client) {
            if t.pending.len() < QUEUE_SIZE {
                t.pending.push_back(record);
            } else {
                t.lost += 1;
            }
        }
        self.trace_flush(k, trace, client, false);
    }

    /// Sends every batch the dispatcher would send now, one trace message per business topic
    /// (`AsyncDataSendTask.sendTraceData`), round-robin over the trace topic's queues; then sets
    /// the timed flush for what is left.
    fn trace_flush(&mut self, k: &mut K, trace: &mut Ring, client: Client, timed: bool) {
        let now = k.now().ms();
        let node = self.client_node(client);
        loop {
            let Some(t) = self.tracer_mut(client) else { return };
            let Some(batch) = t.take_batch(now, timed) else { break };
            let topic = t.topic.clone();
            let mut by_topic: BTreeMap<Rc<str>, Vec<Record>> = BTreeMap::new();
            for r in batch {
                by_topic.entry(Rc::from(r.topic())).or_default().push(r);
            }
            let queues = self.publish_queues(client, &topic);
            for records in by_topic.into_values() {
                let (body, keys) = trace_message(&records);
                let Some(t) = self.tracer_mut(client) else { return };
                let pick = t.send_which_queue;
                t.send_which_queue = t.send_which_queue.wrapping_add(1);
                // The inner producer lives in the client's JVM: its UNIQ_KEY has the same prefix
                // and takes the same counter.
                let (ip, pid, loader, counter) = match client {
                    Client::Producer(p) => {
                        let pr = &mut self.producers[p as usize];
                        let counter = pr.counter;
                        pr.counter = pr.counter.wrapping_add(1);
                        (pr.ip, pr.pid, pr.loader_hash, counter)
                    }
                    Client::Consumer(c) => {
                        let cs = &mut self.consumers[c as usize];
                        let (ip, pid, loader) = cs.uniq;
                        let tracer = cs.tracer.as_mut().map_or(0, |t| {
                            let counter = t.counter;
                            t.counter = t.counter.wrapping_add(1);
                            counter
                        });
                        (ip, pid, loader, tracer)
                    }
                };
                let Some(&(b, queue_id)) = queues.get(pick as usize % queues.len().max(1)) else {
                    continue;
                };
                let wire = Wire::TraceData {
                    topic: topic.clone(),
                    queue_id,
                    keys,
                    uniq_key: uniq_key(ip, pid, loader, now, counter),
                    body: Rc::from(body.as_str()),
                };
                let to = self.brokers[b as usize].node;
                self.oneway(k, trace, node, to, wire);
            }
        }
        let Some(t) = self.tracer_mut(client) else { return };
        if !t.pending.is_empty() && t.armed.is_none() {
            let at = t.next_timed_flush().max(now);
            t.armed = Some(at);
            self.timer(k, node, at, Timer::TraceFlush { client });
        }
    }

    /// The broker stores a trace message like any other (its KEYS indexed), and tells it.
    #[allow(clippy::too_many_arguments)]
    fn store_trace(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        b: usize,
        topic: Rc<str>,
        queue_id: u32,
        keys: String,
        uniq_key: String,
        body: Rc<str>,
    ) {
        let now = k.now().ms();
        if self.brokers[b].topics.get(&topic).is_none_or(|n| queue_id >= *n) {
            return;
        }
        let mut properties = Properties::new();
        properties.insert(prop::KEYS.into(), keys.clone());
        properties.insert(prop::UNIQ_KEY.into(), uniq_key);
        properties.insert(prop::WAIT_STORE_MSG_OK.into(), "true".into());
        properties.insert(prop::CLUSTER.into(), self.cluster_name.clone());
        properties.insert(prop::MSG_REGION.into(), self.config.region_id.clone());
        properties.insert(prop::TRACE_ON.into(), self.config.trace_on.to_string());
        let stored = self.brokers[b].put(now, 0, topic.clone(), queue_id, properties, body.clone(), now, 0);
        self.replicate(k, trace, b);
        self.trace_stored
            .push((b as u8, self.brokers[b].commit_log.len() as u32 - 1));
        let told = Told::TraceStored {
            broker_name: self.brokers[b].name.clone(),
            topic: topic.to_string(),
            queue_id,
            queue_offset: stored.queue_offset,
            commit_log_offset: stored.commit_log_offset,
            store_size: stored.size,
            keys,
            records: decode(&body),
            body: body.to_string(),
        };
        let node = self.brokers[b].node;
        self.tell(k, trace, node, told);
    }
}

fn user_properties(tags: &Option<String>, keys: &Option<String>) -> Properties {
    let mut props = Properties::new();
    if let Some(t) = tags {
        props.insert(prop::TAGS.into(), t.clone());
    }
    if let Some(k) = keys {
        props.insert(prop::KEYS.into(), k.clone());
    }
    props.insert(prop::WAIT_STORE_MSG_OK.into(), "true".into());
    props
}

/// The hop an entry adds to its message's way, if any.
fn hop(told: &Told, at_ms: u64) -> Option<Hop> {
    let step = |from, to, actor: &str, label: String, check| Hop {
        at_ms,
        from,
        to,
        kind: told.kind_name(),
        actor: actor.into(),
        label,
        check,
    };
    Some(match told {
        Told::Send {
            producer,
            broker_name,
            attempt,
            ..
        } => step(
            "producer",
            "broker",
            producer,
            format!("{broker_name} #{attempt}"),
            None,
        ),
        Told::SendOk(SendResult {
            producer,
            queue_id,
            queue_offset,
            ..
        })
        | Told::FlushSlaveTimeout(SendResult {
            producer,
            queue_id,
            queue_offset,
            ..
        }) => step(
            "broker",
            "producer",
            producer,
            format!("queue {queue_id} @ {queue_offset}"),
            None,
        ),
        Told::SendFailed {
            producer, exception, ..
        } => step(
            "broker",
            "producer",
            producer,
            exception.split(':').next().unwrap_or("").into(),
            None,
        ),
        Told::Put {
            broker_name,
            topic,
            why,
            ..
        } if *why != PutWhy::CheckPutBack => step("broker", "broker", broker_name, topic.clone(), None),
        Told::LocalTransaction { producer, state, .. } => {
            step("producer", "producer", producer, state_label(*state), None)
        }
        Told::EndTransaction { producer, state, .. } => step("producer", "broker", producer, state_label(*state), None),
        Told::TransactionEnd {
            broker_name, outcome, ..
        } => step("broker", "broker", broker_name, String::from(*outcome), None),
        Told::Check {
            broker_name,
            producer,
            check_times,
            ..
        } => step(
            "broker",
            if producer.is_some() { "producer" } else { "broker" },
            broker_name,
            producer
                .as_ref()
                .map_or_else(|| String::from("(no producer online)"), |p| format!("→ {p}")),
            Some(*check_times),
        ),
        Told::CheckAnswer { producer, state, .. } => step("producer", "producer", producer, state_label(*state), None),
        Told::Discard {
            broker_name,
            check_times,
            ..
        } => step(
            "broker",
            "broker",
            broker_name,
            String::from(config::CHECK_MAX_TIME_TOPIC),
            Some(*check_times),
        ),
        Told::Consume { consumer, status, .. } => step("broker", "consumer", consumer, String::from(*status), None),
        Told::SendBack { consumer, .. } => step("consumer", "broker", consumer, String::new(), None),
        Told::Suspended { consumer, .. } => step("consumer", "consumer", consumer, "SUSPEND".into(), None),
        Told::Refused { broker_name, code, .. } => step("broker", "broker", broker_name, format!("code {code}"), None),
        Told::Crashed { node, .. } => step("producer", "producer", node, "crashed".into(), None),
        Told::OutboxInsert {
            producer, committed, ..
        } => step(
            "producer",
            "producer",
            producer,
            String::from(if *committed {
                "business row + outbox row committed"
            } else {
                "rolled back: no rows"
            }),
            None,
        ),
        Told::OutboxRelay { producer, .. } => {
            step("producer", "producer", producer, "relay takes the row".into(), None)
        }
        Told::OutboxMarked { producer, .. } => step("producer", "producer", producer, "row marked sent".into(), None),
        Told::SendException {
            producer, exception, ..
        } => step(
            "producer",
            "producer",
            producer,
            exception.split(':').next().unwrap_or("").into(),
            None,
        ),
        _ => return None,
    })
}

fn state_label(s: LocalState) -> String {
    String::from(match s {
        LocalState::CommitMessage => "COMMIT_MESSAGE",
        LocalState::RollbackMessage => "ROLLBACK_MESSAGE",
        LocalState::Unknow => "UNKNOW",
    })
}

/// A half message's first offset: its own, or, for a copy, the one it remembers.
fn prepared_offset(half: &Stored) -> u64 {
    half.prop(prop::TRANSACTION_PREPARED_QUEUE_OFFSET)
        .and_then(|v| v.parse().ok())
        .unwrap_or(half.queue_offset)
}

/// `SubscriptionData`: `*` matches everything, else one of the `||`-separated tags.
pub fn tags_match(expression: &str, tag: &str) -> bool {
    expression.trim() == "*" || expression.split("||").any(|t| t.trim() == tag)
}

/// RocketMQ 5's timer store: `HookUtils.transformTimerMessage` rounds the deliver time down to
/// `timerPrecisionMs` (an exact multiple one step lower) into `TIMER_OUT_MS`, and
/// `TimerMessageStore` reads a slot once the write time has passed it, so the message comes out at
/// the next boundary: `(TIMER_OUT_MS, fire)`, where `fire` is the deliver time rounded up.
pub fn timer_slot(deliver_ms: u64, precision_ms: u64) -> (u64, u64) {
    let out = if deliver_ms % precision_ms == 0 {
        deliver_ms - precision_ms
    } else {
        deliver_ms / precision_ms * precision_ms
    };
    (out, out + precision_ms)
}

/// `AllocateMessageQueueAveragely.allocate`.
pub fn allocate_averagely<T: Clone>(mq_all: &[T], cid_all: &[String], current: &str) -> Vec<T> {
    let Some(index) = cid_all.iter().position(|c| c == current) else {
        return Vec::new();
    };
    let (n, m) = (mq_all.len(), cid_all.len());
    if n == 0 {
        return Vec::new();
    }
    let rem = n % m;
    let average = if n <= m {
        1
    } else if rem > 0 && index < rem {
        n / m + 1
    } else {
        n / m
    };
    let start = if rem > 0 && index < rem {
        index * average
    } else {
        index * average + rem
    };
    let range = average.min(n.saturating_sub(start));
    (0..range).map(|i| mq_all[(start + i) % n].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i}")).collect()
    }

    #[test]
    fn averagely_matches_rocketmqs_examples() {
        // 8 queues over 3 consumers: 3, 3, 2 in order (AllocateMessageQueueAveragelyTest).
        let mqs: Vec<u32> = (0..8).collect();
        assert_eq!(allocate_averagely(&mqs, &cids(3), "c0"), [0, 1, 2]);
        assert_eq!(allocate_averagely(&mqs, &cids(3), "c1"), [3, 4, 5]);
        assert_eq!(allocate_averagely(&mqs, &cids(3), "c2"), [6, 7]);
        // More consumers than queues: the extra ones get nothing.
        let four: Vec<u32> = (0..4).collect();
        assert_eq!(allocate_averagely(&four, &cids(6), "c3"), [3]);
        assert!(allocate_averagely(&four, &cids(6), "c4").is_empty());
        assert!(allocate_averagely(&four, &cids(6), "c5").is_empty());
    }

    #[test]
    fn tags_and_timer_slots() {
        assert!(tags_match("*", "x"));
        assert!(tags_match("a || b", "b"));
        assert!(!tags_match("a||b", "c"));
        assert_eq!(timer_slot(12_345, 1_000), (12_000, 13_000));
        assert_eq!(timer_slot(12_000, 1_000), (11_000, 12_000));
    }
}
