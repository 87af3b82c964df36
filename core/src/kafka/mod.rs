//! A Kafka cluster in KRaft mode: brokers that lead partitions, producers that partition and batch
//! records, and consumers in groups run by a group coordinator (the classic rebalance protocol).
//! This folder is the whole Kafka system: its scenario section (`spec`), messages and timers
//! (here), nodes (`producer`, `consumer`, `broker`, `group`), trace kinds and sentences (`trace`),
//! the glue to the kernel (`system`), view, checks and summary.
//!
//! Scope of this slice: every partition has one replica (its leader); replication, ISR and leader
//! election come with the Kafka issue. Clients read partition leadership from the controller's
//! current metadata image directly, where a real client would refresh it after an error or every
//! `metadata.max.age.ms`; the sequence of errors and retries they then see is the same.
pub mod assignor;
pub mod broker;
pub mod check;
pub mod config;
pub mod consumer;
pub mod group;
pub mod partitioner;
pub mod producer;
pub mod records;
pub mod spec;
pub mod summary;
pub mod system;
pub mod trace;
pub mod view;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::kernel::chunked::ChunkVec;
use crate::kernel::rng::Rng;
use crate::kernel::time::Instant;
pub use records::RecordId;
use trace::Event;

/// The system's name in qualified node names (`kafka:broker-0`) and scenario documents.
pub const SYSTEM: &str = "kafka";

/// KRaft `broker.session.timeout.ms` (default 9000): how long the controller waits for a silent
/// broker's heartbeat before it fences the broker and its partitions lose their leader.
pub const BROKER_SESSION_TIMEOUT_MS: u64 = 9_000;
/// `offsets.topic.num.partitions` (default 50): the group coordinator is the leader of partition
/// `abs(groupId.hashCode()) % 50` of `__consumer_offsets`.
pub const OFFSETS_TOPIC_PARTITIONS: u32 = 50;
/// `offsets.topic.replication.factor` (default 3). Kafka will not create `__consumer_offsets` with
/// fewer brokers than that (coordinator lookups fail until it can); small clusters set it lower,
/// as the single-broker sample configs set 1. The sandbox uses `min(3, brokers)` so every size works.
pub const OFFSETS_TOPIC_REPLICATION: u32 = 3;
/// Records kept per partition log; past it the broker refuses appends (a bounded model).
pub const MAX_LOG_RECORDS: usize = 2_000_000;

/// Client `retry.backoff.ms` and `retry.backoff.max.ms` defaults: the wait doubles per attempt
/// up to the maximum (KIP-580; consumers and producers alike, as `reconnect.backoff.*` does for
/// connections).
pub const RETRY_BACKOFF_MS: u64 = 100;
pub const RETRY_BACKOFF_MAX_MS: u64 = 1_000;

/// KIP-580 exponential backoff, as `org.apache.kafka.common.utils.ExponentialBackoff` computes it:
/// `retry.backoff.ms * 2^(attempts-1)` (the exponent stops growing once that reaches the maximum),
/// times a random factor in 0.8..1.2, and only then capped at `retry.backoff.max.ms`, so no wait
/// ever exceeds 1000 ms. The random factor comes from the seeded PRNG.
pub fn retry_backoff_ms(attempts: u32, ctx: &mut Ctx<'_>) -> u64 {
    let term = RETRY_BACKOFF_MS
        .saturating_mul(1u64 << attempts.saturating_sub(1).min(16))
        .min(RETRY_BACKOFF_MAX_MS);
    let jittered = ctx.rng.between(term - term / 5, term + term / 5);
    jittered.min(RETRY_BACKOFF_MAX_MS)
}

#[cfg(test)]
mod backoff_tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_never_exceeds_the_maximum() {
        let mut rng = Rng::seeded(1);
        let mut out = Vec::new();
        let mut request_id = 0;
        let mut ring = crate::systems::Trace::new(10);
        let nodes = system::NodeMap::default();
        let mut work = 0;
        let mut ctx = Ctx {
            now: Instant::ZERO,
            me: Node::Controller,
            rng: &mut rng,
            out: &mut out,
            next_request_id: &mut request_id,
            io_trace: TraceSink {
                ring: &mut ring,
                nodes: &nodes,
                steps: 0,
                work: &mut work,
            },
        };
        for attempts in 1..=20 {
            let term = (100u64 << (attempts - 1).min(16)).min(1000);
            for _ in 0..50 {
                let wait = retry_backoff_ms(attempts, &mut ctx);
                assert!(
                    wait >= term * 4 / 5 && wait <= (term * 6 / 5).min(1000),
                    "attempt {attempts}: {wait}"
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BrokerId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProducerIdx(pub usize);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsumerIdx(pub usize);

/// A topic-partition, by topic index in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    pub topic: usize,
    pub partition: u32,
}

/// Anything in the Kafka system that can send or receive a message or own a timer. The kernel
/// knows each as a `kernel::NodeId`; `system::NodeMap` translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Broker(BrokerId),
    Controller,
    Producer(ProducerIdx),
    Consumer(ConsumerIdx),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFrom {
    Earliest,
    Latest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// One batch: ids of records in the arena (the payload is never copied).
    Produce {
        tp: Tp,
        records: Rc<Vec<RecordId>>,
    },
    Fetch {
        positions: Vec<(Tp, u64)>,
    },
    ListOffsets {
        tp: Tp,
        from: ListFrom,
    },
    FindCoordinator {
        group: String,
    },
    JoinGroup {
        group: String,
        member_id: Option<String>,
        client_id: String,
        topics: Vec<String>,
        session_timeout_ms: u64,
        /// One per configured assignor, in preference order (`ConsumerCoordinator.metadata`).
        protocols: Vec<JoinProtocol>,
        /// `client.rack`.
        rack: Option<String>,
        /// `group.instance.id` (KIP-345); every group request of a static member carries it.
        instance: Option<String>,
    },
    SyncGroup {
        group: String,
        generation: u32,
        member_id: String,
        instance: Option<String>,
        assignment: Option<assignor::Assignment>,
    },
    Heartbeat {
        group: String,
        generation: u32,
        member_id: String,
        instance: Option<String>,
    },
    LeaveGroup {
        group: String,
        member_id: String,
    },
    OffsetCommit {
        group: String,
        generation: u32,
        member_id: String,
        instance: Option<String>,
        offsets: Vec<(Tp, u64)>,
    },
    OffsetFetch {
        group: String,
        tps: Vec<Tp>,
    },
}

/// Kafka protocol error codes used here (names as in `org.apache.kafka.common.protocol.Errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    NotLeaderOrFollower,
    NotCoordinator,
    CoordinatorNotAvailable,
    MemberIdRequired,
    UnknownMemberId,
    IllegalGeneration,
    RebalanceInProgress,
    KafkaStorageError,
    InconsistentGroupProtocol,
    FencedInstanceId,
}

impl ErrorCode {
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            ErrorCode::NotCoordinator => "NOT_COORDINATOR",
            ErrorCode::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            ErrorCode::MemberIdRequired => "MEMBER_ID_REQUIRED",
            ErrorCode::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            ErrorCode::IllegalGeneration => "ILLEGAL_GENERATION",
            ErrorCode::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ErrorCode::KafkaStorageError => "KAFKA_STORAGE_ERROR",
            ErrorCode::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            ErrorCode::FencedInstanceId => "FENCED_INSTANCE_ID",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Produce(Result<u64, ErrorCode>),
    /// Per partition: the offset of the first record returned and the records from there on.
    Fetch {
        records: Vec<(Tp, u64, Vec<RecordId>)>,
        errors: Vec<(Tp, ErrorCode)>,
    },
    ListOffsets(Result<u64, ErrorCode>),
    FindCoordinator(Result<BrokerId, ErrorCode>),
    JoinGroup(Result<JoinResult, (ErrorCode, Option<String>)>),
    SyncGroup(Result<Vec<Tp>, ErrorCode>),
    Heartbeat(Result<(), ErrorCode>),
    LeaveGroup,
    OffsetCommit(Result<(), ErrorCode>),
    OffsetFetch(Result<Vec<(Tp, Option<u64>)>, ErrorCode>),
}

/// A JoinGroup protocol: the assignor's name and the subscription metadata the member sends
/// with it (`ConsumerProtocolSubscription`: owned partitions and generation; the topics are
/// the member's, the same for every protocol).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinProtocol {
    pub assignor: assignor::AssignorName,
    /// `ownedPartitions`, or for the eager sticky assignor its user data's previous assignment.
    pub owned: Vec<(String, u32)>,
    /// `generationId`; none before the member's first generation.
    pub generation: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinResult {
    /// The protocol the coordinator selected (`ClassicGroup.selectProtocol`).
    pub protocol: assignor::AssignorName,
    /// A static leader that rejoined a stable group keeps the current assignment and must not
    /// compute one (`JoinGroupResponse.skipAssignment`, KIP-814).
    pub skip_assignment: bool,
    pub generation: u32,
    pub member_id: String,
    pub leader_id: String,
    /// Only the leader receives the members and their subscriptions.
    pub members: Vec<assignor::MemberSubscription>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Request {
        id: u64,
        body: Request,
    },
    Response {
        id: u64,
        body: Response,
    },
    /// Request `id` got no answer: its connection broke (the broker is down or crashed while
    /// holding it, as a client sees a refused or reset TCP connection), or it timed out after
    /// `request.timeout.ms` and the client closed the connection (`timed_out`).
    Failed {
        id: u64,
        timed_out: bool,
    },
}

/// What travels between Kafka nodes through the kernel (which adds the request/response framing).
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    Request(Request),
    Response(Response),
}

/// Consumer and producer `request.timeout.ms` (default 30000), `ConsumerConfig`/`ProducerConfig`.
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `AbstractCoordinator#sendJoinGroupRequest` waits `max(request.timeout.ms, rebalance timeout +
/// JOIN_GROUP_TIMEOUT_LAPSE (5000))` for a JoinGroup, since the coordinator may hold it for the
/// whole rebalance (`max.poll.interval.ms`, 300000): 305000 ms.
pub const JOIN_GROUP_TIMEOUT_MS: u64 = group::REBALANCE_TIMEOUT_MS + 5_000;
/// The consumer talks to its group coordinator on a connection of its own (the coordinator's node
/// id is `Integer.MAX_VALUE - id` in `FindCoordinatorResponseHandler`, "to allow separate
/// connections"), so a timeout there does not break fetches to the same broker, or the reverse.
pub const LANE_DATA: u8 = 0;
pub const LANE_COORDINATOR: u8 = 1;

impl Request {
    /// The request's name in Kafka's protocol (`ApiKeys`).
    pub fn label(&self) -> &'static str {
        match self {
            Request::Produce { .. } => "Produce",
            Request::Fetch { .. } => "Fetch",
            Request::ListOffsets { .. } => "ListOffsets",
            Request::FindCoordinator { .. } => "FindCoordinator",
            Request::JoinGroup { .. } => "JoinGroup",
            Request::SyncGroup { .. } => "SyncGroup",
            Request::Heartbeat { .. } => "Heartbeat",
            Request::LeaveGroup { .. } => "LeaveGroup",
            Request::OffsetCommit { .. } => "OffsetCommit",
            Request::OffsetFetch { .. } => "OffsetFetch",
        }
    }

    /// Timeout and connection, as the Java clients send it. Fetch uses `request.timeout.ms` alone
    /// (`fetch.max.wait.ms` is not added: `Fetcher` calls `client.send` without a timeout).
    pub fn spec(&self) -> crate::kernel::RequestSpec {
        let (timeout_ms, lane) = match self {
            Request::JoinGroup { .. } => (JOIN_GROUP_TIMEOUT_MS, LANE_COORDINATOR),
            Request::SyncGroup { .. }
            | Request::Heartbeat { .. }
            | Request::LeaveGroup { .. }
            | Request::OffsetCommit { .. }
            | Request::OffsetFetch { .. } => (REQUEST_TIMEOUT_MS, LANE_COORDINATOR),
            Request::Produce { .. }
            | Request::Fetch { .. }
            | Request::ListOffsets { .. }
            | Request::FindCoordinator { .. } => (REQUEST_TIMEOUT_MS, LANE_DATA),
        };
        crate::kernel::RequestSpec {
            timeout_ms,
            lane,
            label: self.label(),
        }
    }
}

/// Timers, each owned by the node that set it. Stale timers are recognised by the epoch they carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timer {
    Linger {
        tp: Tp,
        batch_id: u64,
    },
    ProducerRetry {
        tp: Tp,
    },
    /// The application's sends continue (a large `produce_many` runs in slices).
    ProducerSends,
    /// A `send()` blocked on a full `buffer.memory` has waited `max.block.ms`.
    ProducerMaxBlock {
        job: u64,
        record: u32,
    },
    ConsumerTick {
        epoch: u32,
        what: ConsumerTimer,
    },
    FetchWait {
        park_id: u64,
    },
    GroupJoinDeadline {
        group: String,
        round: u64,
    },
    MemberSession {
        group: String,
        member_id: String,
    },
    PendingMemberExpiry {
        group: String,
        member_id: String,
    },
    Fence {
        broker: BrokerId,
        incarnation: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerTimer {
    Heartbeat,
    AutoCommit,
    Retry,
}

/// Side effects a node asks for. `system` turns them into kernel sends and timers, in order, after
/// the handler returns (sends draw their latency in this order). Trace entries go straight to the
/// ring (`Ctx::trace`): they are ordered among themselves only.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send { from: Node, to: Node, msg: Msg },
    Timer { node: Node, at: Instant, timer: Timer },
}

/// What every handler gets: the time, the seeded PRNG, a place to put effects, a request-id
/// source, and the trace (entries go straight into the ring: one small write per record).
pub struct Ctx<'a> {
    pub now: Instant,
    pub me: Node,
    pub rng: &'a mut Rng,
    pub out: &'a mut Vec<Effect>,
    pub next_request_id: &'a mut u64,
    pub(crate) io_trace: TraceSink<'a>,
}

/// Where `Ctx::trace` writes: the ring, the kernel's work counter, and the node names.
pub(crate) struct TraceSink<'a> {
    pub(crate) ring: &'a mut crate::systems::Trace,
    pub(crate) nodes: &'a system::NodeMap,
    pub(crate) steps: u64,
    pub(crate) work: &'a mut u64,
}

impl Ctx<'_> {
    pub fn send(&mut self, to: Node, msg: Msg) {
        self.out.push(Effect::Send { from: self.me, to, msg });
    }
    /// Sends as another node (a coordinator answering what it held as it hands a group over).
    pub fn send_from(&mut self, from: Node, to: Node, msg: Msg) {
        self.out.push(Effect::Send { from, to, msg });
    }
    /// Answers request `id` of `to`.
    pub fn respond(&mut self, to: Node, id: u64, body: Response) {
        self.send(to, Msg::Response { id, body });
    }
    /// Sends a request and returns its id, so the caller can match the response.
    pub fn request(&mut self, to: BrokerId, body: Request) -> u64 {
        *self.next_request_id += 1;
        let id = *self.next_request_id;
        self.send(Node::Broker(to), Msg::Request { id, body });
        id
    }
    pub fn timer_in(&mut self, delay_ms: u64, timer: Timer) {
        self.out.push(Effect::Timer {
            node: self.me,
            at: self.now + delay_ms,
            timer,
        });
    }
    pub fn timer_at(&mut self, at: Instant, timer: Timer) {
        self.out.push(Effect::Timer {
            node: self.me,
            at,
            timer,
        });
    }
    #[inline]
    pub fn trace(&mut self, kind: impl Into<Event>) {
        let sink = &mut self.io_trace;
        *sink.work += 1;
        let node = sink.nodes.id(self.me);
        let event = crate::systems::Event::Kafka(kind.into());
        sink.ring.push(crate::kernel::trace::TraceEntry::new(
            sink.steps,
            self.now.ms(),
            node,
            event,
        ));
    }
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<Partition>,
}

#[derive(Debug, Clone)]
pub struct Partition {
    /// The single replica (and so the leader while it is up and not fenced).
    pub replica: BrokerId,
    /// The log: the record at offset `o` is `log[o]`, an id into the record arena.
    pub log: ChunkVec<RecordId>,
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub id: BrokerId,
    /// Mirrors the kernel's node state (the kernel decides; the model reads it here).
    pub up: bool,
    /// Set by the controller when the broker missed `broker.session.timeout.ms` of heartbeats.
    pub fenced: bool,
    /// Counts restarts, so a fence timer from an earlier crash is ignored.
    pub incarnation: u32,
    /// `broker.rack`.
    pub rack: Option<String>,
}

/// Cluster-wide state the brokers share: the controller's metadata image, the logs and the groups
/// (group state lives in `__consumer_offsets`, which survives a coordinator move).
#[derive(Debug, Clone)]
pub struct Cluster {
    pub brokers: Vec<Broker>,
    pub topics: Vec<Topic>,
    /// Replica list of each `__consumer_offsets` partition.
    pub offsets_replicas: Vec<Vec<BrokerId>>,
    /// Current leader of each `__consumer_offsets` partition, as the controller elected it.
    pub offsets_leaders: Vec<Option<BrokerId>>,
    pub groups: BTreeMap<String, group::Group>,
    pub parked_fetches: BTreeMap<u64, broker::ParkedFetch>,
    pub next_park_id: u64,
}

impl Cluster {
    /// Places partitions as KRaft's `StripedReplicaPlacer` does without racks: partition `p`'s first
    /// replica is broker `(start + p) % n`, with a random `start` (drawn from the scenario's seed).
    pub fn new(brokers: u32, topics: &[(String, u32)], rng: &mut Rng) -> Cluster {
        let n = brokers.max(1);
        let place = |rng: &mut Rng| rng.below(u64::from(n)) as u32;
        let topics = topics
            .iter()
            .map(|(name, count)| {
                let start = place(rng);
                Topic {
                    name: name.clone(),
                    partitions: (0..*count)
                        .map(|p| Partition {
                            replica: BrokerId((start + p) % n),
                            log: ChunkVec::new(),
                        })
                        .collect(),
                }
            })
            .collect();
        let start = place(rng);
        let rf = OFFSETS_TOPIC_REPLICATION.min(n);
        let offsets_replicas: Vec<Vec<BrokerId>> = (0..OFFSETS_TOPIC_PARTITIONS)
            .map(|p| (0..rf).map(|r| BrokerId((start + p + r) % n)).collect())
            .collect();
        let offsets_leaders = offsets_replicas
            .iter()
            .map(|r: &Vec<BrokerId>| r.first().copied())
            .collect();
        Cluster {
            brokers: (0..n)
                .map(|id| Broker {
                    id: BrokerId(id),
                    up: true,
                    fenced: false,
                    incarnation: 0,
                    rack: None,
                })
                .collect(),
            topics,
            offsets_replicas,
            offsets_leaders,
            groups: BTreeMap::new(),
            parked_fetches: BTreeMap::new(),
            next_park_id: 0,
        }
    }

    /// CreatePartitions: new partitions are placed like new topics' (a fresh random stripe start).
    /// CreateTopics: a new topic's partitions start on a random broker and go round the brokers,
    /// as the first topics were placed. Returns its index.
    pub fn create_topic(&mut self, name: &str, partitions: u32, rng: &mut Rng) -> usize {
        self.topics.push(Topic {
            name: name.into(),
            partitions: Vec::new(),
        });
        let t = self.topics.len() - 1;
        self.add_partitions(t, partitions, rng);
        t
    }

    pub fn add_partitions(&mut self, topic: usize, count: u32, rng: &mut Rng) -> Option<u32> {
        let n = self.brokers.len() as u32;
        let start = rng.below(u64::from(n)) as u32;
        let t = self.topics.get_mut(topic)?;
        let before = t.partitions.len() as u32;
        for p in before..count {
            t.partitions.push(Partition {
                replica: BrokerId((start + p) % n),
                log: ChunkVec::new(),
            });
        }
        Some(before)
    }

    pub fn broker(&self, id: BrokerId) -> Option<&Broker> {
        self.brokers.get(id.0 as usize)
    }

    pub fn is_serving(&self, id: BrokerId) -> bool {
        self.broker(id).is_some_and(|b| b.up && !b.fenced)
    }

    /// The partition's leader in the controller's metadata: its replica unless that broker is fenced.
    pub fn leader(&self, tp: Tp) -> Option<BrokerId> {
        let replica = self.partition(tp)?.replica;
        let fenced = self.broker(replica).is_none_or(|b| b.fenced);
        (!fenced).then_some(replica)
    }

    /// What the assignors see of the cluster (`Cluster` metadata): every topic's partitions with
    /// the racks of their replicas.
    pub fn assignor_topics(&self) -> Vec<assignor::TopicMetadata> {
        self.topics
            .iter()
            .map(|t| assignor::TopicMetadata {
                name: t.name.clone(),
                partition_racks: t
                    .partitions
                    .iter()
                    .map(|p| {
                        self.broker(p.replica)
                            .and_then(|b| b.rack.clone())
                            .into_iter()
                            .collect()
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn partition(&self, tp: Tp) -> Option<&Partition> {
        self.topics.get(tp.topic)?.partitions.get(tp.partition as usize)
    }

    pub fn partition_mut(&mut self, tp: Tp) -> Option<&mut Partition> {
        self.topics.get_mut(tp.topic)?.partitions.get_mut(tp.partition as usize)
    }

    pub fn topic_index(&self, name: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.name == name)
    }

    /// `(topic, partition)`, as the assignors name a partition.
    pub fn tp_key(&self, tp: Tp) -> (String, u32) {
        let topic = self.topics.get(tp.topic).map_or("?", |t| t.name.as_str());
        (topic.into(), tp.partition)
    }

    pub fn tp_name(&self, tp: Tp) -> String {
        let topic = self.topics.get(tp.topic).map_or("?", |t| t.name.as_str());
        format!("{topic}-{}", tp.partition)
    }

    pub fn log_end_offset(&self, tp: Tp) -> u64 {
        self.partition(tp).map_or(0, |p| p.log.len() as u64)
    }

    /// `__consumer_offsets` partition of a group: `Utils.abs(groupId.hashCode()) % 50`, where
    /// `Utils.abs` maps `Integer.MIN_VALUE` to 0 (GroupCoordinator#partitionFor).
    pub fn offsets_partition(group: &str) -> u32 {
        let h = java_string_hash(group);
        let abs = if h == i32::MIN { 0 } else { h.unsigned_abs() };
        abs % OFFSETS_TOPIC_PARTITIONS
    }

    /// The coordinator is the leader of the group's `__consumer_offsets` partition, as the metadata
    /// says; it may be a broker that is down and not fenced yet (its clients then see disconnects).
    pub fn offsets_leader(&self, group: &str) -> Option<BrokerId> {
        *self.offsets_leaders.get(Self::offsets_partition(group) as usize)?
    }

    /// The coordinator when it is actually running, i.e. able to act for the group.
    pub fn coordinator_for(&self, group: &str) -> Option<BrokerId> {
        self.offsets_leader(group)
            .filter(|b| self.broker(*b).is_some_and(|x| x.up))
    }

    /// The controller fenced `b`: `__consumer_offsets` partitions it led elect another live replica
    /// (this internal topic is replicated even in this slice), or have no leader.
    pub fn elect_offsets_leaders_without(&mut self, b: BrokerId) {
        for (p, leader) in self.offsets_leaders.iter_mut().enumerate() {
            if *leader == Some(b) {
                let serving = |r: &BrokerId| self.brokers.get(r.0 as usize).is_some_and(|x| x.up && !x.fenced);
                *leader = self.offsets_replicas[p].iter().copied().find(|r| *r != b && serving(r));
            }
        }
    }

    /// `b` registered again: leaderless `__consumer_offsets` partitions it replicates elect it.
    /// Partitions that moved away stay where they are: Kafka moves leadership back to the preferred
    /// replica only by its periodic check (`auto.leader.rebalance.enable`, every
    /// `leader.imbalance.check.interval.seconds` = 300), which this sandbox does not model.
    pub fn elect_offsets_leaders_with(&mut self, b: BrokerId) {
        for (p, leader) in self.offsets_leaders.iter_mut().enumerate() {
            if leader.is_none() && self.offsets_replicas[p].contains(&b) {
                *leader = Some(b);
            }
        }
    }
}

pub use crate::java::java_string_hash;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_known_values() {
        // Values of "".hashCode(), "a".hashCode() and "hello".hashCode() in Java.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        // Wraps like Java int arithmetic: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(Cluster::offsets_partition("polygenelubricants"), 0);
    }

    #[test]
    fn striped_placement_spreads_partitions_over_brokers() {
        let mut rng = Rng::seeded(5);
        let c = Cluster::new(3, &[("orders".into(), 6)], &mut rng);
        let leaders: Vec<u32> = c.topics[0].partitions.iter().map(|p| p.replica.0).collect();
        for w in leaders.windows(2) {
            assert_eq!((w[0] + 1) % 3, w[1]);
        }
    }
}
