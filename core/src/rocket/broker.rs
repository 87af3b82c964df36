//! One RocketMQ broker's store: the commit log, a consume queue per topic and queue id, consumer
//! offsets, queue locks and the pulls it holds. The services that move messages between topics
//! (the schedule service for delay levels, RocketMQ 5's timer store, the transaction check
//! service) are driven by `system.rs`; their rules live there.
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::message::{offset_msg_id, stored_len, Properties, Stored};
use crate::kernel::chunked::ChunkVec;
use crate::kernel::NodeId;

/// The broker's listen port (`NettyServerConfig.listenPort`, 10911), part of every `offsetMsgId`.
pub const BROKER_PORT: u32 = 10911;

#[derive(Debug, Clone)]
pub struct HeldPull {
    pub consumer: NodeId,
    pub request: u64,
    pub topic: Rc<str>,
    pub queue_id: u32,
    pub offset: u64,
    /// Messages the pull may return (its `maxMsgNums`, at most `MAX_TRANSFER_COUNT`).
    pub max: u32,
    pub until_ms: u64,
}

/// `MessageStoreConfig.maxTransferCountOnMessageInMemory`: a pull of messages still in memory
/// returns at most 32, whatever `pullBatchSize` asks.
pub const MAX_TRANSFER_COUNT: u32 = 32;

#[derive(Debug, Clone)]
pub struct Broker {
    pub name: String,
    pub node: NodeId,
    pub index: u8,
    pub ip: [u8; 4],
    /// Every message in store order (`CommitLog`); a message's position is its index here.
    /// Chunked, so checkpoints share it.
    pub commit_log: ChunkVec<Rc<Stored>>,
    /// The next physical offset: the sum of the stored lengths before it.
    pub next_physical: u64,
    /// `ConsumeQueue`s: (topic, queue id) → commit log indices, in queue offset order.
    pub queues: BTreeMap<(Rc<str>, u32), ChunkVec<u32>>,
    /// Topics this broker holds and their `writeQueueNums` (the route's view of it).
    pub topics: BTreeMap<Rc<str>, u32>,
    /// `ConsumerOffsetManager`: (group, topic, queue id) → the next offset to consume. The table
    /// is in memory; `persist()` writes it to `consumerOffset.json` every
    /// `flushConsumerOffsetInterval` (5 s, first 10 s after start), and a crash keeps only that.
    pub offsets: BTreeMap<(String, Rc<str>, u32), u64>,
    pub offsets_on_disk: BTreeMap<(String, Rc<str>, u32), u64>,
    /// `RebalanceLockManager`: (group, topic, queue id) → (client id, last lock or renewal ms).
    pub locks: BTreeMap<(String, Rc<str>, u32), (String, u64)>,
    pub held: Vec<HeldPull>,
    /// `ScheduleMessageService.offsetTable`: per level, the next offset of its queue to look at.
    pub schedule_offsets: Vec<u64>,
    /// Per level, when its timer task is due (`None`: idle, nothing waiting).
    pub schedule_due: Vec<Option<u64>>,
    /// RocketMQ 5's timer wheel: (fire ms, commit log index).
    pub timer_wheel: BTreeSet<(u64, u32)>,
    pub timer_due: Option<u64>,
    /// The check service's offsets in the half queue and the op queue (`CID_SYS_RMQ_TRANS`).
    pub half_offset: u64,
    /// Half queue offsets an op record has marked done.
    pub op_done: BTreeSet<u64>,
    /// `ProducerManager`'s round-robin counter over a group's channels.
    pub channel_counter: u32,
    /// When the broker (re)started: the schedule service's tasks run on a grid from here.
    pub started_ms: u64,
    /// HA, on a master with a slave: commit log entries sent to the slave, and the slave's last
    /// reported count (`HAConnection`'s push offset and `slaveAckOffset`).
    pub ha_pushed: usize,
    pub slave_acked: usize,
    /// On a slave: its next report opens a new HA connection; whether its last registration
    /// named a master (`SlaveSynchronize` needs it), and when it last synced.
    pub ha_connecting: bool,
    /// On a slave: transfers that came before the ones ahead of them, by first entry.
    pub ha_early: BTreeMap<usize, Vec<Rc<Stored>>>,
    pub master_known: bool,
    pub last_sync_ms: u64,
    /// SYNC_MASTER sends waiting for the slave.
    pub sync_waits: Vec<SyncWait>,
}

/// A SYNC_MASTER send whose answer waits for the slave (`GroupCommitRequest`): the commit log
/// entries the slave must hold, who asked, and the answer.
#[derive(Debug, Clone)]
pub struct SyncWait {
    pub needed: usize,
    pub to: NodeId,
    pub request: u64,
    pub deadline_ms: u64,
    pub message: u32,
    pub ack: super::system::SendAck,
}

impl Broker {
    /// The topic configs `registerBrokerAll` sends (`TopicConfigSerializeWrapper`), by name.
    pub fn topic_configs(&self) -> Vec<(Rc<str>, u32)> {
        self.topics.iter().map(|(t, n)| (t.clone(), *n)).collect()
    }

    pub fn new(name: String, node: NodeId, index: u8, levels: usize) -> Broker {
        Broker {
            name,
            node,
            index,
            ip: [10, 0, 0, 11 + index],
            commit_log: ChunkVec::new(),
            next_physical: 0,
            queues: BTreeMap::new(),
            topics: BTreeMap::new(),
            offsets: BTreeMap::new(),
            offsets_on_disk: BTreeMap::new(),
            locks: BTreeMap::new(),
            held: Vec::new(),
            schedule_offsets: alloc::vec![0; levels],
            schedule_due: alloc::vec![None; levels],
            timer_wheel: BTreeSet::new(),
            timer_due: None,
            half_offset: 0,
            op_done: BTreeSet::new(),
            channel_counter: 0,
            started_ms: 0,
            ha_pushed: 0,
            slave_acked: 0,
            ha_connecting: true,
            ha_early: BTreeMap::new(),
            master_known: true,
            last_sync_ms: 0,
            sync_waits: Vec::new(),
        }
    }

    /// A slave appends what its master sent, at the same commit log position and queue offset
    /// (the slave's reput builds its consume queues from the copied log). Returns false when the
    /// message is not the next one it lacks.
    pub fn replica_append(&mut self, s: Rc<Stored>) -> bool {
        if s.commit_log_offset != self.next_physical {
            return false;
        }
        let queue = self.queues.entry((s.topic.clone(), s.queue_id)).or_default();
        queue.push(self.commit_log.len() as u32);
        self.next_physical += u64::from(s.size);
        let count = self.topics.entry(s.topic.clone()).or_insert(0);
        *count = (*count).max(s.queue_id + 1);
        self.commit_log.push(s);
        true
    }

    /// Appends a message to the commit log and its consume queue (`CommitLog.asyncPutMessage`
    /// then the reput into `ConsumeQueue`), creating a system topic's queue on first use.
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &mut self,
        now: u64,
        ordinal: u32,
        topic: Rc<str>,
        queue_id: u32,
        properties: Properties,
        body: Rc<str>,
        born_ms: u64,
        reconsume_times: u32,
    ) -> Rc<Stored> {
        let queue = self.queues.entry((topic.clone(), queue_id)).or_default();
        let size = stored_len(&topic, &body, &properties);
        let stored = Rc::new(Stored {
            ordinal,
            topic: topic.clone(),
            queue_id,
            queue_offset: queue.len() as u64,
            commit_log_offset: self.next_physical,
            size,
            born_ms,
            store_ms: now,
            reconsume_times,
            properties,
            body,
            broker: self.index,
        });
        queue.push(self.commit_log.len() as u32);
        self.commit_log.push(stored.clone());
        self.next_physical += u64::from(size);
        let count = self.topics.entry(topic).or_insert(0);
        *count = (*count).max(queue_id + 1);
        stored
    }

    pub fn offset_msg_id(&self, s: &Stored) -> String {
        offset_msg_id(self.ip, BROKER_PORT, s.commit_log_offset)
    }

    pub fn max_offset(&self, topic: &str, queue_id: u32) -> u64 {
        self.queues
            .get(&(Rc::from(topic), queue_id))
            .map_or(0, |q| q.len() as u64)
    }

    /// Up to `max` messages of a queue from `offset` (`DefaultMessageStore.getMessage`).
    pub fn get(&self, topic: &str, queue_id: u32, offset: u64, max: u32) -> Vec<Rc<Stored>> {
        let Some(q) = self.queues.get(&(Rc::from(topic), queue_id)) else {
            return Vec::new();
        };
        q.iter()
            .skip(offset as usize)
            .take(max as usize)
            .map(|&i| self.commit_log[i as usize].clone())
            .collect()
    }

    pub fn at(&self, topic: &str, queue_id: u32, offset: u64) -> Option<Rc<Stored>> {
        let q = self.queues.get(&(Rc::from(topic), queue_id))?;
        q.get(offset as usize).map(|&i| self.commit_log[i as usize].clone())
    }

    pub fn by_commit_log_offset(&self, offset: u64) -> Option<Rc<Stored>> {
        // Binary search: commit log offsets grow with the index.
        let (mut lo, mut hi) = (0, self.commit_log.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.commit_log[mid].commit_log_offset < offset {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let i = lo;
        self.commit_log
            .get(i)
            .filter(|s| s.commit_log_offset == offset)
            .cloned()
    }
}
