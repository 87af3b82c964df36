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
//!
//! The application's sends wait in a queue of jobs (one per `produce` or `produce_many`), run in
//! slices of `SEND_SLICE` so a million sends are many small events, and block while
//! `buffer.memory` is full, as `KafkaProducer.send` blocks in `BufferPool.allocate`: up to
//! `max.block.ms`, after which that send fails with `BufferExhaustedException` (returned in the
//! future, not thrown) and the next one is tried. The model checks the buffer before partitioning
//! a record, where the real producer partitions a keyed record first; only the order of two trace
//! lines differs.
use alloc::collections::{BTreeMap, VecDeque};
use alloc::rc::Rc;
use alloc::vec::Vec;

use super::partitioner::{self, Sticky, RECORD_BATCH_OVERHEAD};
use super::records::{self, RecordMeta, Records};
use super::spec::{Action, ProducerSpec};
use super::trace::{Choice, Event, StickyReason, Told};
use super::{retry_backoff_ms, Cluster, Ctx, Msg, RecordId, Request, Response, Timer, Tp, RETRY_BACKOFF_MS};
use crate::kernel::time::Instant;

/// `delivery.timeout.ms` default: a record not acknowledged this long after `send()` fails.
pub const DELIVERY_TIMEOUT_MS: u64 = 120_000;
/// `buffer.memory` default (32 MiB): bytes a producer may hold unsent.
pub const BUFFER_MEMORY_BYTES: u64 = 33_554_432;
/// `max.block.ms` default: how long `send()` waits for buffer memory (and metadata).
pub const MAX_BLOCK_MS: u64 = 60_000;
/// Sends the application makes in one event before it yields to the rest of the simulation.
pub const SEND_SLICE: u32 = 1_024;

/// A record about to be sent: its arena id and what partitioning and sizing need.
#[derive(Debug, Clone, Copy)]
struct NewRecord {
    id: RecordId,
    topic: usize,
    num_partitions: u32,
    key_len: Option<usize>,
    /// `toPositive(murmur2(key)) % numPartitions`, for a keyed record.
    keyed: Option<u32>,
    value_len: usize,
}

/// Sends the application still has to make, from one scenario action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendJob {
    pub id: u64,
    /// The action's index in the scenario (records remember it) and the action itself.
    pub action: u32,
    pub source: Rc<Action>,
    pub topic: usize,
    pub next: u32,
    pub count: u32,
    /// When the current send started waiting for `buffer.memory`.
    pub blocked_since: Option<Instant>,
    /// `murmur2` and length of each distinct key of a `produce_many`, made once (see
    /// `records::key_cache`); the per-record path then neither formats nor hashes a key.
    keys: Option<Rc<[(i32, u16)]>>,
}

impl SendJob {
    pub fn of(action: u32, topic: usize, source: &Action) -> SendJob {
        SendJob {
            id: 0,
            action,
            source: Rc::new(source.clone()),
            topic,
            next: 0,
            count: source.records() as u32,
            blocked_since: None,
            keys: records::key_cache(source),
        }
    }

    /// Record `n`'s size as the first record of a batch, key length, and partition if keyed.
    fn sizing(&self, n: u32, num_partitions: u32, value_len: usize) -> (u32, Option<usize>, Option<u32>) {
        if let (Some(keys), Action::ProduceMany { distinct_keys, .. }) = (&self.keys, &*self.source) {
            if let Some(&(hash, len)) = keys.get((n % (*distinct_keys).max(1)) as usize) {
                let len = usize::from(len);
                return (
                    partitioner::record_size_bytes(0, 0, Some(len), value_len),
                    Some(len),
                    Some(partitioner::to_positive(hash) % num_partitions.max(1)),
                );
            }
        }
        records::with_key(&self.source, n, |k| {
            (
                partitioner::record_size_bytes(0, 0, k.map(<[u8]>::len), value_len),
                k.map(<[u8]>::len),
                k.map(|k| partitioner::partition_for_key_bytes(k, num_partitions).partition),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: u64,
    /// Shared with the request that carries it, and with checkpoints.
    pub records: Rc<Vec<RecordId>>,
    /// `estimatedSizeInBytes`: batch header plus its records.
    pub bytes: u32,
    pub created: Instant,
    /// `MemoryRecordsBuilder#isFull`: no room for another record under `batch.size`.
    pub full: bool,
    pub attempts: u32,
    pub retry_at: Option<Instant>,
}

/// One partition's queue in the accumulator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lane {
    pub batches: VecDeque<Batch>,
    /// A produce request for this partition is in flight (one at a time, see the module doc).
    pub busy: bool,
    /// The head batch is ready but the partition has no leader: the wait was told, and lasts
    /// until this time (`delivery.timeout.ms` after the batch was created).
    pub waiting_for_leader_until: Option<Instant>,
}

impl Lane {
    /// Whether `try_drain` would do anything now: expire the head batch, or send it (or, with no
    /// leader, schedule a retry). Checked after every append so the common case, a record added
    /// to a batch that is not ready, costs no second lookup.
    fn may_act(&self, now: Instant, linger_ms: u64) -> bool {
        if self.busy {
            return false;
        }
        let Some(head) = self.batches.front() else {
            return false;
        };
        let expired = now.ms() >= head.created.ms() + DELIVERY_TIMEOUT_MS;
        let ready = match head.retry_at {
            Some(at) => now >= at,
            None => head.full || self.batches.len() > 1 || now.ms() >= head.created.ms() + linger_ms,
        };
        expired || ready
    }
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
    /// Index among the scenario's producers (ids in trace entries).
    pub index: u16,
    /// One sticky partitioner per topic.
    pub sticky: BTreeMap<usize, Sticky>,
    /// Per partition: the batches waiting (`RecordAccumulator`'s deque) and whether a request is
    /// in flight.
    pub deques: BTreeMap<Tp, Lane>,
    in_flight: BTreeMap<u64, (Tp, Batch)>,
    queued_bytes: u64,
    next_batch_id: u64,
    pub stats: ProducerStats,
    /// The application's sends not made yet, oldest first.
    pub jobs: VecDeque<SendJob>,
    next_job_id: u64,
    /// A `ProducerSends` timer is pending.
    resume_scheduled: bool,
}

impl Producer {
    pub fn new(index: usize, spec: ProducerSpec) -> Producer {
        Producer {
            spec,
            index: index as u16,
            sticky: BTreeMap::new(),
            deques: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            queued_bytes: 0,
            next_batch_id: 0,
            stats: ProducerStats::default(),
            jobs: VecDeque::new(),
            next_job_id: 0,
            resume_scheduled: false,
        }
    }

    /// Sends the application has yet to make.
    pub fn pending_sends(&self) -> u64 {
        self.jobs.iter().map(|j| u64::from(j.count - j.next)).sum()
    }

    /// Whether the oldest waiting send is blocked on `buffer.memory`.
    pub fn blocked(&self) -> bool {
        self.jobs.front().is_some_and(|j| j.blocked_since.is_some())
    }

    /// The application calls `send()` (once, or `count` times for `produce_many`).
    pub fn submit(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, records: &mut Records, mut job: SendJob) {
        self.next_job_id += 1;
        job.id = self.next_job_id;
        self.jobs.push_back(job);
        if self.jobs.len() == 1 && !self.resume_scheduled {
            self.pump(ctx, cluster, records);
        }
    }

    /// Makes the waiting sends, at most `SEND_SLICE` now, until one blocks on `buffer.memory`.
    fn pump(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, records: &mut Records) {
        let mut sent = 0;
        while let Some(job) = self.jobs.front_mut() {
            if job.next >= job.count {
                self.jobs.pop_front();
                continue;
            }
            if sent == SEND_SLICE {
                self.resume_scheduled = true;
                ctx.timer_in(0, Timer::ProducerSends);
                return;
            }
            let (n, topic, action) = (job.next, job.topic, job.action);
            let Some(num_partitions) = cluster.topics.get(topic).map(|t| t.partitions.len() as u32) else {
                self.jobs.pop_front();
                continue;
            };
            let value_len = records::value_len(&job.source, n);
            let (size, key_len, keyed) = job.sizing(n, num_partitions, value_len);
            if self.queued_bytes + u64::from(size) > BUFFER_MEMORY_BYTES {
                if job.blocked_since.is_none() {
                    job.blocked_since = Some(ctx.now);
                    let (id, record) = (job.id, n);
                    ctx.trace(Told::SendBlocked {
                        producer: self.spec.id.clone(),
                        queued_bytes: self.queued_bytes,
                        until_ms: ctx.now.ms() + MAX_BLOCK_MS,
                    });
                    ctx.timer_in(MAX_BLOCK_MS, Timer::ProducerMaxBlock { job: id, record });
                }
                return;
            }
            job.blocked_since = None;
            job.next += 1;
            let id = records.add(RecordMeta { action, n });
            let record = NewRecord {
                id,
                topic,
                num_partitions,
                key_len,
                keyed,
                value_len,
            };
            self.send(ctx, cluster, record);
            sent += 1;
        }
    }

    pub fn queued_records(&self) -> usize {
        self.deques
            .values()
            .flat_map(|l| &l.batches)
            .map(|b| b.records.len())
            .sum::<usize>()
            + self.in_flight.values().map(|(_, b)| b.records.len()).sum::<usize>()
    }

    /// `producer.send(record)`, once buffer memory is available: partition, append, maybe send.
    fn send(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, r: NewRecord) {
        let NewRecord {
            id: record,
            topic,
            num_partitions,
            key_len,
            keyed,
            value_len,
        } = r;
        let (partition, choice) = match keyed {
            Some(p) => (p, Choice::Keyed),
            None => self.sticky_partition(ctx, cluster, topic, num_partitions, value_len),
        };
        let tp = Tp { topic, partition };
        ctx.trace(Event::RecordPartitioned {
            producer: self.index_hint(),
            topic: topic as u16,
            partition,
            num_partitions,
            record,
            choice,
        });
        let (appended, act) = self.append(ctx, tp, record, key_len, value_len);
        self.queued_bytes += u64::from(appended);
        self.stats.sent += 1;
        if key_len.is_none() {
            let batches_full = self
                .deques
                .get(&tp)
                .and_then(|d| d.batches.back())
                .is_none_or(|b| b.full);
            let sticky = self.sticky.entry(topic).or_default();
            sticky.produced_bytes = sticky.produced_bytes.saturating_add(appended);
            if sticky.should_switch(self.spec.batch_size_bytes, batches_full) {
                // The next keyless record picks a new partition (`updatePartitionInfo`).
                *sticky = Sticky::default();
            }
        }
        if act {
            self.try_drain(ctx, cluster, tp);
        }
    }

    /// This producer's index among the scenario's producers, for compact trace entries.
    fn index_hint(&self) -> u16 {
        self.index
    }

    fn sticky_partition(
        &mut self,
        ctx: &mut Ctx<'_>,
        cluster: &Cluster,
        topic: usize,
        n: u32,
        value_len: usize,
    ) -> (u32, Choice) {
        let batch_size = self.spec.batch_size_bytes;
        // A keyless record that does not fit the open batch closes it (`tryAppend` calls
        // `closeForRecordAppends`), and the switch condition is checked again before a new batch
        // is started (`partitionChanged`), so a full sticky partition hands this record on.
        if let Some(p) = self.sticky.get(&topic).and_then(|s| s.partition) {
            if let Some(open) = self
                .deques
                .get_mut(&Tp { topic, partition: p })
                .and_then(|d| d.batches.back_mut())
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
                .and_then(|d| d.batches.back())
                .is_none_or(|b| b.full)
        };
        let current = self.sticky.get(&topic).cloned().unwrap_or_default();
        // `partitionChanged`: a switch deferred for a non-full batch happens once that batch is full.
        let deferred_done = current
            .partition
            .is_some_and(|p| current.should_switch(batch_size, deque_full(p)));
        if let (Some(p), false) = (current.partition, deferred_done) {
            return (p, Choice::StickyKept);
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
                    .map_or(0, |d| d.batches.len() as u32)
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
        (next, Choice::StickySwitched(reason))
    }

    /// Appends to the open batch or starts one; returns the bytes the batch estimate grew by, and
    /// whether the partition's sender has something to do now (`Lane::may_act`).
    fn append(
        &mut self,
        ctx: &mut Ctx<'_>,
        tp: Tp,
        record: RecordId,
        key_len: Option<usize>,
        value_len: usize,
    ) -> (u32, bool) {
        let (batch_size, linger_ms) = (self.spec.batch_size_bytes, self.spec.linger_ms);
        let lane = self.deques.entry(tp).or_default();
        let deque = &mut lane.batches;
        if let Some(open) = deque.back_mut().filter(|b| !b.full && b.attempts == 0) {
            let delta_ms = ctx.now.ms() - open.created.ms();
            let size = partitioner::record_size_bytes(open.records.len() as u32, delta_ms, key_len, value_len);
            if open.bytes + size <= batch_size {
                open.bytes += size;
                Rc::make_mut(&mut open.records).push(record);
                open.full = open.bytes >= batch_size;
                return (size, lane.may_act(ctx.now, linger_ms));
            }
            open.full = true;
        }
        let size = RECORD_BATCH_OVERHEAD + partitioner::record_size_bytes(0, 0, key_len, value_len);
        self.next_batch_id += 1;
        let id = self.next_batch_id;
        // Room for about as many records as fit batch.size, so the batch never reallocates.
        let mut ids = Vec::with_capacity((batch_size / size.max(1)).clamp(1, 4096) as usize + 1);
        ids.push(record);
        deque.push_back(Batch {
            id,
            records: Rc::new(ids),
            bytes: size,
            created: ctx.now,
            full: size >= batch_size,
            attempts: 0,
            retry_at: None,
        });
        ctx.timer_in(linger_ms, Timer::Linger { tp, batch_id: id });
        (size, lane.may_act(ctx.now, linger_ms))
    }

    /// The `Sender` loop for one partition: expire, then send the head batch if it is ready and the
    /// partition has a leader and no request in flight.
    fn try_drain(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, tp: Tp) {
        let Some(lane) = self.deques.get_mut(&tp) else {
            return;
        };
        if lane.busy {
            return;
        }
        let deque = &mut lane.batches;
        while deque
            .front()
            .is_some_and(|b| ctx.now.ms() >= b.created.ms() + DELIVERY_TIMEOUT_MS)
        {
            if let Some(expired) = deque.pop_front() {
                lane.waiting_for_leader_until = None;
                self.queued_bytes = self.queued_bytes.saturating_sub(u64::from(expired.bytes));
                self.stats.failed += expired.records.len() as u64;
                ctx.trace(Told::ProduceExpired {
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
            // No leader in the metadata: `RecordAccumulator#ready` lists the topic among
            // unknownLeaderTopics, the Sender requests a metadata update and the batch stays until
            // a leader appears or `delivery.timeout.ms` expires it. Say so once per wait.
            if lane.waiting_for_leader_until.is_none() {
                let until = head.created + DELIVERY_TIMEOUT_MS;
                lane.waiting_for_leader_until = Some(until);
                ctx.trace(Told::ProduceWaiting {
                    producer: self.spec.id.clone(),
                    partition: cluster.tp_name(tp),
                    until_ms: until.ms(),
                });
            }
            ctx.timer_in(RETRY_BACKOFF_MS, Timer::ProducerRetry { tp });
            return;
        };
        let Some(mut batch) = deque.pop_front() else {
            return;
        };
        batch.full = true; // a drained batch is closed for appends
        lane.waiting_for_leader_until = None;
        ctx.trace(Event::BatchSent {
            producer: self.index,
            broker: leader.0 as u16,
            topic: tp.topic as u16,
            partition: tp.partition,
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
        lane.busy = true;
        self.in_flight.insert(id, (tp, batch));
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, records: &mut Records, msg: Msg) {
        let (id, result) = match msg {
            Msg::Response {
                id,
                body: Response::Produce(result),
            } => (id, result.map_err(|e| e.name())),
            // `Sender#handleProduceResponse`: a timed-out request becomes REQUEST_TIMED_OUT, a
            // broken connection NETWORK_EXCEPTION; both are retriable.
            Msg::Failed { id, timed_out: true } => (id, Err("REQUEST_TIMED_OUT")),
            Msg::Failed { id, timed_out: false } => (id, Err("DISCONNECTED")),
            _ => return,
        };
        let Some((tp, mut batch)) = self.in_flight.remove(&id) else {
            return;
        };
        if let Some(lane) = self.deques.get_mut(&tp) {
            lane.busy = false;
        }
        match result {
            Ok(base_offset) => {
                self.queued_bytes = self.queued_bytes.saturating_sub(u64::from(batch.bytes));
                self.stats.acked += batch.records.len() as u64;
                ctx.trace(Event::ProduceAcked {
                    producer: self.index,
                    topic: tp.topic as u16,
                    partition: tp.partition,
                    base_offset: base_offset as u32,
                    records: batch.records.len() as u32,
                });
            }
            Err(error) => {
                batch.attempts += 1;
                let backoff = retry_backoff_ms(batch.attempts, ctx);
                batch.retry_at = Some(ctx.now + backoff);
                self.stats.retries += 1;
                ctx.trace(Told::ProduceRetry {
                    producer: self.spec.id.clone(),
                    partition: cluster.tp_name(tp),
                    error: error.into(),
                    backoff_ms: backoff,
                    retry_at_ms: (ctx.now + backoff).ms(),
                });
                self.deques.entry(tp).or_default().batches.push_front(batch);
                ctx.timer_in(backoff, Timer::ProducerRetry { tp });
            }
        }
        self.try_drain(ctx, cluster, tp);
        // Memory came back: a send blocked on buffer.memory may go on.
        if self.blocked() && !self.resume_scheduled {
            self.pump(ctx, cluster, records);
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, records: &mut Records, timer: &Timer) {
        match timer {
            Timer::Linger { tp, .. } | Timer::ProducerRetry { tp } => self.try_drain(ctx, cluster, *tp),
            Timer::ProducerSends => {
                self.resume_scheduled = false;
                self.pump(ctx, cluster, records);
            }
            Timer::ProducerMaxBlock { job, record } => {
                let Some(front) = self.jobs.front_mut() else {
                    return;
                };
                if front.id != *job || front.next != *record || front.blocked_since.is_none() {
                    return;
                }
                // BufferExhaustedException: this send fails; the application goes on to the next.
                front.blocked_since = None;
                front.next += 1;
                self.stats.sent += 1;
                self.stats.failed += 1;
                ctx.trace(Told::ProduceRejected {
                    producer: self.spec.id.clone(),
                    reason: "buffer.memory".into(),
                });
                if !self.resume_scheduled {
                    self.pump(ctx, cluster, records);
                }
            }
            _ => {}
        }
    }
}
