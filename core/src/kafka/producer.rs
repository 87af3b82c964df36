//! A Kafka producer (`KafkaProducer` + `RecordAccumulator` + `Sender`) as a sans-IO state machine.
//!
//! Partition counts come from the cluster's current metadata: after `add_partitions` the producer
//! uses the new count at once, where a real one waits for its next metadata refresh (at the latest
//! `metadata.max.age.ms`, 300000).
//!
//! Records are partitioned (see `partitioner`), appended to a per-partition queue of batches, and a
//! batch is sent when it is full (`batch.size`), when a newer batch exists behind it, or when it has
//! waited `linger.ms`. Defaults follow Kafka 4.x: `acks=all`, `enable.idempotence=true`. Idempotence
//! keeps each partition in order across retries; this model gets the same order by keeping one
//! request in flight per partition (the real client may pipeline up to
//! `max.in.flight.requests.per.connection=5` and reorders nothing either).
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;

use super::partitioner::{self, Sticky, RECORD_BATCH_OVERHEAD};
use super::{
    retry_backoff_ms, Cluster, Ctx, ErrorCode, Msg, RecordData, Request, Response, Timer, Tp, RETRY_BACKOFF_MS,
};
use crate::scenario::ProducerSpec;
use crate::time::Instant;
use crate::trace::{PartitionChoice, StickyReason, TraceKind};

/// `delivery.timeout.ms` default: a record not acknowledged this long after `send()` fails.
pub const DELIVERY_TIMEOUT_MS: u64 = 120_000;
/// `buffer.memory` default (32 MiB): bytes a producer may hold unsent.
pub const BUFFER_MEMORY_BYTES: u64 = 33_554_432;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: u64,
    pub records: Vec<RecordData>,
    /// `estimatedSizeInBytes`: batch header plus its records.
    pub bytes: u32,
    pub created: Instant,
    /// `MemoryRecordsBuilder#isFull`: no room for another record under `batch.size`.
    pub full: bool,
    pub attempts: u32,
    pub retry_at: Option<Instant>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerStats {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub retries: u64,
}

#[derive(Debug, Clone)]
pub struct Producer {
    pub spec: ProducerSpec,
    /// One sticky partitioner per topic.
    pub sticky: BTreeMap<usize, Sticky>,
    pub deques: BTreeMap<Tp, VecDeque<Batch>>,
    in_flight: BTreeMap<u64, (Tp, Batch)>,
    busy: BTreeSet<Tp>,
    queued_bytes: u64,
    next_batch_id: u64,
    pub stats: ProducerStats,
}

impl Producer {
    pub fn new(spec: ProducerSpec) -> Producer {
        Producer {
            spec,
            sticky: BTreeMap::new(),
            deques: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            busy: BTreeSet::new(),
            queued_bytes: 0,
            next_batch_id: 0,
            stats: ProducerStats::default(),
        }
    }

    pub fn queued_records(&self) -> usize {
        self.deques.values().flatten().map(|b| b.records.len()).sum::<usize>()
            + self.in_flight.values().map(|(_, b)| b.records.len()).sum::<usize>()
    }

    /// `producer.send(record)`.
    pub fn send(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, topic: usize, record: RecordData) {
        let Some(num_partitions) = cluster.topics.get(topic).map(|t| t.partitions.len() as u32) else {
            return;
        };
        let size = partitioner::record_size_bytes(0, 0, record.key.as_deref(), record.value.len());
        if self.queued_bytes + u64::from(size) > BUFFER_MEMORY_BYTES {
            // The real send() blocks up to max.block.ms (60000) and then throws; here it fails at once.
            self.stats.failed += 1;
            ctx.trace(TraceKind::ProduceRejected {
                producer: self.spec.id.clone(),
                reason: "buffer.memory".into(),
            });
            return;
        }
        let (partition, choice) = match &record.key {
            Some(key) => {
                let c = partitioner::partition_for_key(key, num_partitions);
                (
                    c.partition,
                    PartitionChoice::Keyed {
                        murmur2: c.murmur2,
                        positive: c.positive,
                    },
                )
            }
            None => self.sticky_partition(ctx, cluster, topic, num_partitions, record.value.len()),
        };
        let tp = Tp { topic, partition };
        ctx.trace(TraceKind::RecordPartitioned {
            producer: self.spec.id.clone(),
            topic: cluster.topics[topic].name.clone(),
            key: record.key.clone(),
            value: record.value.clone(),
            partition,
            num_partitions,
            choice,
        });
        let keyless = record.key.is_none();
        let appended = self.append(ctx, tp, record);
        self.queued_bytes += u64::from(appended);
        self.stats.sent += 1;
        if keyless {
            let batches_full = self.deques.get(&tp).and_then(|d| d.back()).is_none_or(|b| b.full);
            let sticky = self.sticky.entry(topic).or_default();
            sticky.produced_bytes = sticky.produced_bytes.saturating_add(appended);
            if sticky.should_switch(self.spec.batch_size_bytes, batches_full) {
                // The next keyless record picks a new partition (`updatePartitionInfo`).
                *sticky = Sticky::default();
            }
        }
        self.try_drain(ctx, cluster, tp);
    }

    fn sticky_partition(
        &mut self,
        ctx: &mut Ctx<'_>,
        cluster: &Cluster,
        topic: usize,
        n: u32,
        value_len: usize,
    ) -> (u32, PartitionChoice) {
        let batch_size = self.spec.batch_size_bytes;
        // A keyless record that does not fit the open batch closes it (`tryAppend` calls
        // `closeForRecordAppends`), and the switch condition is checked again before a new batch
        // is started (`partitionChanged`), so a full sticky partition hands this record on.
        if let Some(p) = self.sticky.get(&topic).and_then(|s| s.partition) {
            if let Some(open) = self
                .deques
                .get_mut(&Tp { topic, partition: p })
                .and_then(|d| d.back_mut())
            {
                let delta_ms = ctx.now.ms().saturating_sub(open.created.ms());
                let size = partitioner::record_size_bytes(open.records.len() as u32, delta_ms, None, value_len);
                if open.bytes + size > batch_size {
                    open.full = true;
                }
            }
        }
        let deque_full = |p: u32| {
            self.deques
                .get(&Tp { topic, partition: p })
                .and_then(|d| d.back())
                .is_none_or(|b| b.full)
        };
        let current = self.sticky.get(&topic).cloned().unwrap_or_default();
        // `partitionChanged`: a switch deferred for a non-full batch happens once that batch is full.
        let deferred_done = current
            .partition
            .is_some_and(|p| current.should_switch(batch_size, deque_full(p)));
        if let (Some(p), false) = (current.partition, deferred_done) {
            return (p, PartitionChoice::Sticky { switched: None });
        }
        let available: Vec<u32> = (0..n)
            .filter(|p| cluster.leader(Tp { topic, partition: *p }).is_some())
            .collect();
        // Load stats exist only once every partition has had a queue (`RecordAccumulator#partitionReady`).
        let seen_all = (0..n).all(|p| self.deques.contains_key(&Tp { topic, partition: p }));
        let sizes: Vec<u32> = (0..n)
            .map(|p| {
                self.deques
                    .get(&Tp { topic, partition: p })
                    .map_or(0, |d| d.len() as u32)
            })
            .collect();
        let next = partitioner::next_sticky_partition(ctx.rng, n, &available, seen_all.then_some(sizes.as_slice()));
        let reason = if current.partition.is_none() && current.produced_bytes == 0 && !self.sticky.contains_key(&topic)
        {
            StickyReason::First
        } else {
            StickyReason::BatchSizeReached
        };
        self.sticky.insert(
            topic,
            Sticky {
                partition: Some(next),
                produced_bytes: 0,
            },
        );
        (next, PartitionChoice::Sticky { switched: Some(reason) })
    }

    /// Appends to the open batch or starts one; returns the bytes the batch estimate grew by.
    fn append(&mut self, ctx: &mut Ctx<'_>, tp: Tp, record: RecordData) -> u32 {
        let batch_size = self.spec.batch_size_bytes;
        let deque = self.deques.entry(tp).or_default();
        if let Some(open) = deque.back_mut().filter(|b| !b.full && b.attempts == 0) {
            let delta_ms = ctx.now.ms() - open.created.ms();
            let size = partitioner::record_size_bytes(
                open.records.len() as u32,
                delta_ms,
                record.key.as_deref(),
                record.value.len(),
            );
            if open.bytes + size <= batch_size {
                open.bytes += size;
                open.records.push(record);
                open.full = open.bytes >= batch_size;
                return size;
            }
            open.full = true;
        }
        let size =
            RECORD_BATCH_OVERHEAD + partitioner::record_size_bytes(0, 0, record.key.as_deref(), record.value.len());
        self.next_batch_id += 1;
        let id = self.next_batch_id;
        deque.push_back(Batch {
            id,
            records: alloc::vec![record],
            bytes: size,
            created: ctx.now,
            full: size >= batch_size,
            attempts: 0,
            retry_at: None,
        });
        ctx.timer_in(self.spec.linger_ms, Timer::Linger { tp, batch_id: id });
        size
    }

    /// The `Sender` loop for one partition: expire, then send the head batch if it is ready and the
    /// partition has a leader and no request in flight.
    fn try_drain(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, tp: Tp) {
        if self.busy.contains(&tp) {
            return;
        }
        let Some(deque) = self.deques.get_mut(&tp) else {
            return;
        };
        while deque
            .front()
            .is_some_and(|b| ctx.now.ms() >= b.created.ms() + DELIVERY_TIMEOUT_MS)
        {
            if let Some(expired) = deque.pop_front() {
                self.queued_bytes = self.queued_bytes.saturating_sub(u64::from(expired.bytes));
                self.stats.failed += expired.records.len() as u64;
                ctx.trace(TraceKind::ProduceExpired {
                    producer: self.spec.id.clone(),
                    partition: cluster.tp_name(tp),
                    records: expired.records.len() as u32,
                });
            }
        }
        let len = deque.len();
        let Some(head) = deque.front() else { return };
        let ready = match head.retry_at {
            Some(at) => ctx.now >= at,
            None => head.full || len > 1 || ctx.now.ms() >= head.created.ms() + self.spec.linger_ms,
        };
        if !ready {
            return;
        }
        let Some(leader) = cluster.leader(tp) else {
            // No leader in the metadata: wait and look again (the real Sender re-polls metadata).
            ctx.timer_in(RETRY_BACKOFF_MS, Timer::ProducerRetry { tp });
            return;
        };
        let Some(mut batch) = deque.pop_front() else {
            return;
        };
        batch.full = true; // a drained batch is closed for appends
        ctx.trace(TraceKind::BatchSent {
            producer: self.spec.id.clone(),
            broker: leader.0,
            partition: cluster.tp_name(tp),
            records: batch.records.len() as u32,
            bytes: batch.bytes,
        });
        let id = ctx.request(
            leader,
            Request::Produce {
                tp,
                records: batch.records.clone(),
            },
        );
        self.busy.insert(tp);
        self.in_flight.insert(id, (tp, batch));
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, msg: Msg) {
        let (id, result) = match msg {
            Msg::Response {
                id,
                body: Response::Produce(result),
            } => (id, result.map_err(Some)),
            Msg::Disconnected { id } => (id, Err(None)),
            _ => return,
        };
        let Some((tp, mut batch)) = self.in_flight.remove(&id) else {
            return;
        };
        self.busy.remove(&tp);
        match result {
            Ok(base_offset) => {
                self.queued_bytes = self.queued_bytes.saturating_sub(u64::from(batch.bytes));
                self.stats.acked += batch.records.len() as u64;
                ctx.trace(TraceKind::ProduceAcked {
                    producer: self.spec.id.clone(),
                    partition: cluster.tp_name(tp),
                    base_offset,
                    records: batch.records.len() as u32,
                });
            }
            Err(code) => {
                batch.attempts += 1;
                let backoff = retry_backoff_ms(batch.attempts, ctx);
                batch.retry_at = Some(ctx.now + backoff);
                self.stats.retries += 1;
                ctx.trace(TraceKind::ProduceRetry {
                    producer: self.spec.id.clone(),
                    partition: cluster.tp_name(tp),
                    error: code.map_or("DISCONNECTED", ErrorCode::name).into(),
                    backoff_ms: backoff,
                });
                self.deques.entry(tp).or_default().push_front(batch);
                ctx.timer_in(backoff, Timer::ProducerRetry { tp });
            }
        }
        self.try_drain(ctx, cluster, tp);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, timer: &Timer) {
        if let Timer::Linger { tp, .. } | Timer::ProducerRetry { tp } = timer {
            self.try_drain(ctx, cluster, *tp);
        }
    }
}
