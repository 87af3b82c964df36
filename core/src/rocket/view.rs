//! What the UI draws of RocketMQ: brokers with their topics' queues (user topics and the system
//! topics a message passes through), the 18 delay-level queues with their countdowns, the timer
//! store, half messages waiting for an answer, producers and consumers with their queues and
//! offsets, each message's fate, and each transaction's sequence diagram.
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;

use super::config;
use super::system::{Hop, Rocket};
use super::tracing::{decode, Shown, Tracer};

/// Messages the view lists one by one (the first sent); the counts cover all.
pub const VIEW_MESSAGES: usize = 200;
/// Cells drawn per queue: its last ones.
pub const VIEW_CELLS: usize = 24;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RocketView {
    pub name_server: NameServerView,
    pub brokers: Vec<BrokerView>,
    pub producers: Vec<ProducerView>,
    pub consumers: Vec<ConsumerView>,
    pub messages: Vec<MessageView>,
    pub messages_total: u64,
    /// Delay levels as configured (ms), level 1 first.
    pub levels_ms: Vec<u64>,
    pub transactions: Vec<TransactionView>,
}

/// What the name server holds: each live broker process and its last registration, and each
/// topic's queue data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameServerView {
    pub up: bool,
    pub brokers: Vec<NsBrokerView>,
    /// Topic → (brokerName, queues), topics in name order.
    pub topics: Vec<(String, Vec<(String, u32)>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsBrokerView {
    pub broker_name: String,
    pub broker_id: u8,
    pub last_registered_ms: u64,
    /// When the scan would remove it if it stays silent (`last + 120 s`, seen at the next scan).
    pub expires_ms: u64,
}

/// A client's copy of one topic's route: (brokerName, queues, has a master).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRouteView {
    pub topic: String,
    pub brokers: Vec<(String, u32, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokerView {
    pub name: String,
    pub up: bool,
    pub topics: Vec<TopicView>,
    /// Per delay level (1-based), what waits in its `SCHEDULE_TOPIC_XXXX` queue and when the
    /// next one is due.
    pub delay_levels: Vec<LevelView>,
    pub timer_waiting: u64,
    pub timer_next_ms: Option<u64>,
    /// Half messages with no op record yet.
    pub half_pending: u64,
    pub commit_log_bytes: u64,
    /// `ASYNC_MASTER` or `SYNC_MASTER` (waiting for the slave only with `inSyncReplicas` 2).
    pub role: &'static str,
    pub slave: Option<SlaveView>,
}

/// A brokerName's slave: what it holds of the master's commit log, and what the master last
/// heard from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaveView {
    pub name: String,
    pub up: bool,
    pub messages: u64,
    pub bytes: u64,
    /// Commit log entries the master has and the slave does not.
    pub behind: u64,
    pub acked: u64,
    /// SYNC_MASTER sends waiting for it.
    pub sync_waiting: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicView {
    pub name: String,
    /// `user`, `retry`, `dlq` or `system`.
    pub kind: &'static str,
    pub queues: Vec<QueueView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueView {
    pub id: u32,
    pub max_offset: u64,
    /// The last cells: (queue offset, message number).
    pub cells: Vec<(u64, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelView {
    pub level: u32,
    pub delay_ms: u64,
    pub waiting: u64,
    pub next_due_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProducerView {
    pub name: String,
    pub group: String,
    pub up: bool,
    /// Brokers avoided by latency fault tolerance, and until when.
    pub avoiding: Vec<(String, u64)>,
    /// The outbox table, if the service has one: (unsent rows, sent rows).
    pub outbox: Option<(u32, u32)>,
    pub tracer: Option<TracerView>,
    pub routes: Vec<ClientRouteView>,
}

/// A client's trace dispatcher (`enableMsgTrace`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TracerView {
    pub topic: String,
    pub batch: u32,
    /// Records waiting for the next batch, and when a timed flush will send them.
    pub pending: u32,
    pub flush_at_ms: Option<u64>,
    pub sent_records: u64,
    /// Records lost with a crash or refused by a full queue.
    pub lost: u64,
}

/// One record of a trace message, for the message it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceRecordView {
    /// When the broker stored the trace message, where, and the record's fields in the
    /// encoder's order (`Pub`, `SubBefore`, `SubAfter`, `EndTransaction` first).
    pub stored_ms: u64,
    pub broker: String,
    pub topic: String,
    pub queue_offset: u64,
    pub fields: Vec<String>,
    /// The fields a trace view shows, read off `fields` by the record's type.
    pub kind: String,
    pub timestamp: String,
    pub group: String,
    pub cost_ms: Option<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerView {
    pub name: String,
    pub group: String,
    pub client_id: String,
    pub up: bool,
    pub started: bool,
    pub model: &'static str,
    pub orderly: bool,
    pub queues: Vec<ConsumerQueueView>,
    pub tracer: Option<TracerView>,
    pub routes: Vec<ClientRouteView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerQueueView {
    pub queue: String,
    pub next_pull: u64,
    pub consumed: u64,
    pub in_flight: u64,
    pub locked: bool,
    /// Locked, but not renewed for 30 s: the orderly listener does not run on it.
    pub lock_expired: bool,
    pub suspended_until: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub message: u32,
    pub producer: String,
    pub topic: String,
    pub keys: Option<String>,
    pub msg_id: String,
    /// `normal`, `delay`, `timer` or `transaction`.
    pub kind: &'static str,
    /// Where it is now: `sending`, `failed`, `half`, `scheduled`, `timer`, `stored`,
    /// `retrying`, `dlq`, `rolled_back`, `discarded`.
    pub state: &'static str,
    /// Times a listener ran on it, and succeeded.
    pub deliveries: u32,
    pub consumed: u32,
    pub sent_ms: u64,
    /// Its way: send, stores, moves, checks, consumptions (the first `MAX_HOPS`).
    pub hops: Vec<Hop>,
    /// Its records in the trace topic, as stored so far (`enableMsgTrace`).
    pub trace_records: Vec<TraceRecordView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionView {
    pub message: u32,
    pub producer: String,
    pub local: String,
    pub db_committed: Option<bool>,
    pub ended: Option<&'static str>,
    pub checks: u32,
}

/// Trace messages the view decodes (the newest).
pub const VIEW_TRACE_MESSAGES: usize = 200;

fn tracer_view(t: &Tracer) -> TracerView {
    TracerView {
        topic: t.topic.to_string(),
        batch: t.batch as u32,
        pending: t.pending.len() as u32,
        flush_at_ms: t.armed,
        sent_records: t.flushed,
        lost: t.lost,
    }
}

fn topic_kind(name: &str) -> &'static str {
    if name.starts_with(config::RETRY_PREFIX) {
        "retry"
    } else if name.starts_with(config::DLQ_PREFIX) {
        "dlq"
    } else if config::is_system_topic(name) {
        "system"
    } else {
        "user"
    }
}

impl Rocket {
    pub fn view(&self, up: &dyn Fn(crate::kernel::NodeId) -> bool, now: u64) -> RocketView {
        let _ = now;
        let brokers = self
            .brokers
            .iter()
            .enumerate()
            .map(|(bi, b)| {
                let mut topics: Vec<TopicView> = Vec::new();
                for (name, n) in &b.topics {
                    let queues = (0..*n)
                        .map(|q| {
                            let ids = b.queues.get(&(name.clone(), q));
                            let len = ids.map_or(0, |v| v.len());
                            let cells = ids
                                .map(|v| {
                                    v.iter()
                                        .enumerate()
                                        .skip(len.saturating_sub(VIEW_CELLS))
                                        .map(|(o, i)| (o as u64, b.commit_log[*i as usize].ordinal))
                                        .collect()
                                })
                                .unwrap_or_default();
                            QueueView {
                                id: q,
                                max_offset: len as u64,
                                cells,
                            }
                        })
                        .collect();
                    topics.push(TopicView {
                        name: name.to_string(),
                        kind: topic_kind(name),
                        queues,
                    });
                }
                // System topics with messages that the topic table does not list.
                let mut system: Vec<(String, u32)> = b
                    .queues
                    .keys()
                    .filter(|(t, _)| !b.topics.contains_key(t))
                    .map(|(t, q)| (t.to_string(), *q))
                    .collect();
                system.dedup();
                let mut names: Vec<String> = system.iter().map(|(t, _)| t.clone()).collect();
                names.dedup();
                for name in names {
                    let queues = system
                        .iter()
                        .filter(|(t, _)| *t == name)
                        .map(|(_, q)| {
                            let ids = &b.queues[&(alloc::rc::Rc::from(name.as_str()), *q)];
                            let len = ids.len();
                            let cells = ids
                                .iter()
                                .enumerate()
                                .skip(len.saturating_sub(VIEW_CELLS))
                                .map(|(o, i)| (o as u64, b.commit_log[*i as usize].ordinal))
                                .collect();
                            QueueView {
                                id: *q,
                                max_offset: len as u64,
                                cells,
                            }
                        })
                        .collect();
                    topics.push(TopicView {
                        kind: topic_kind(&name),
                        name,
                        queues,
                    });
                }
                let delay_levels = self
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(l, delay_ms)| {
                        let max = b.max_offset(config::SCHEDULE_TOPIC, l as u32);
                        let from = b.schedule_offsets[l];
                        let next = b
                            .at(config::SCHEDULE_TOPIC, l as u32, from)
                            .map(|s| s.store_ms + delay_ms);
                        LevelView {
                            level: l as u32 + 1,
                            delay_ms: *delay_ms,
                            waiting: max.saturating_sub(from),
                            next_due_ms: next,
                        }
                    })
                    .collect();
                let half_max = b.max_offset(config::HALF_TOPIC, 0);
                let half_pending = (b.half_offset..half_max)
                    .filter_map(|i| b.at(config::HALF_TOPIC, 0, i))
                    .filter(|h| !b.op_done.contains(&h.queue_offset))
                    .count() as u64;
                BrokerView {
                    name: b.name.clone(),
                    up: up(b.node),
                    topics,
                    delay_levels,
                    timer_waiting: b.timer_wheel.len() as u64,
                    timer_next_ms: b.timer_wheel.first().map(|(t, _)| *t),
                    half_pending,
                    commit_log_bytes: b.next_physical,
                    role: match self.config.broker_role {
                        config::BrokerRole::AsyncMaster => "ASYNC_MASTER",
                        config::BrokerRole::SyncMaster => "SYNC_MASTER",
                    },
                    slave: self.slaves[bi].as_ref().map(|s| SlaveView {
                        name: super::spec::slave_name(&b.name),
                        up: up(s.node),
                        messages: s.commit_log.len() as u64,
                        bytes: s.next_physical,
                        behind: b.commit_log.len().saturating_sub(s.commit_log.len()) as u64,
                        acked: b.slave_acked as u64,
                        sync_waiting: b.sync_waits.len() as u32,
                    }),
                }
            })
            .collect();
        let producers = self
            .producers
            .iter()
            .map(|p| ProducerView {
                name: p.name.clone(),
                group: p.group.clone(),
                up: up(p.node),
                avoiding: p
                    .faults
                    .iter()
                    .filter(|(_, f)| f.0 > now)
                    .map(|(b, f)| (self.brokers[*b as usize].name.clone(), f.0))
                    .collect(),
                outbox: p.outbox.as_ref().map(|o| {
                    let sent = o
                        .rows
                        .iter()
                        .filter(|r| r.state == super::system::RowState::Sent)
                        .count() as u32;
                    (o.rows.len() as u32 - sent, sent)
                }),
                tracer: p.tracer.as_ref().map(tracer_view),
                routes: self.route_views(&p.routes),
            })
            .collect();
        let consumers = self
            .consumers
            .iter()
            .map(|c| ConsumerView {
                name: c.name.clone(),
                group: c.group.clone(),
                client_id: c.client_id.clone(),
                up: up(c.node),
                started: c.started,
                model: if c.broadcasting { "BROADCASTING" } else { "CLUSTERING" },
                orderly: c.orderly,
                tracer: c.tracer.as_ref().map(tracer_view),
                routes: self.route_views(&c.routes),
                queues: c
                    .pqs
                    .iter()
                    .map(|(key, pq)| ConsumerQueueView {
                        queue: self.mq_name(key),
                        next_pull: pq.next_pull,
                        consumed: pq.consumed,
                        in_flight: pq.msgs.len() as u64,
                        locked: pq.locked,
                        // `ProcessQueue.isLockExpired`, read now.
                        lock_expired: c.locks()
                            && pq.locked
                            && now > pq.lock_ms + super::system::CLIENT_LOCK_MAX_LIVE_MS,
                        suspended_until: pq.suspended_until,
                    })
                    .collect(),
            })
            .collect();
        // Every record of the stored trace messages (the newest `VIEW_TRACE_MESSAGES`), by the
        // msgId it is about.
        let mut records: BTreeMap<String, Vec<TraceRecordView>> = BTreeMap::new();
        let from = self.trace_stored.len().saturating_sub(VIEW_TRACE_MESSAGES);
        for &(b, i) in &self.trace_stored[from..] {
            let Some(br) = self.brokers.get(b as usize) else {
                continue;
            };
            let Some(st) = br.commit_log.get(i as usize) else {
                continue;
            };
            for fields in decode(&st.body) {
                let shown = Shown::of(&fields);
                let (msg_id, kind, timestamp, group) = (
                    String::from(shown.msg_id),
                    String::from(shown.kind),
                    String::from(shown.timestamp),
                    String::from(shown.group),
                );
                let (cost_ms, outcome) = (shown.cost_ms.map(String::from), shown.outcome.map(String::from));
                records.entry(msg_id).or_default().push(TraceRecordView {
                    stored_ms: st.store_ms,
                    broker: br.name.clone(),
                    topic: st.topic.to_string(),
                    queue_offset: st.queue_offset,
                    fields,
                    kind,
                    timestamp,
                    group,
                    cost_ms,
                    outcome,
                });
            }
        }
        let messages = self
            .sent
            .iter()
            .enumerate()
            .take(VIEW_MESSAGES)
            .map(|(i, s)| {
                let m = i as u32 + 1;
                let (deliveries, consumed) = self.counts(m);
                MessageView {
                    message: m,
                    producer: self.producers[s.producer as usize].name.clone(),
                    topic: s.topic.to_string(),
                    keys: s.keys.clone(),
                    msg_id: s.msg_id.clone(),
                    kind: if s.transaction.is_some() {
                        "transaction"
                    } else if s.delay_level.is_some() {
                        "delay"
                    } else if s.delay_ms.is_some() {
                        "timer"
                    } else {
                        "normal"
                    },
                    state: self.state(m),
                    deliveries,
                    consumed,
                    sent_ms: s.sent_ms,
                    hops: s.hops.clone(),
                    trace_records: records.get(&s.msg_id).cloned().unwrap_or_default(),
                }
            })
            .collect();
        let transactions = self
            .sent
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let t = s.transaction.as_ref()?;
                Some(TransactionView {
                    message: i as u32 + 1,
                    producer: self.producers[s.producer as usize].name.clone(),
                    local: match t.local {
                        super::spec::LocalState::CommitMessage => "COMMIT_MESSAGE".into(),
                        super::spec::LocalState::RollbackMessage => "ROLLBACK_MESSAGE".into(),
                        super::spec::LocalState::Unknow => "UNKNOW".into(),
                    },
                    db_committed: t.db_committed,
                    ended: t.ended,
                    checks: t.checks,
                })
            })
            .take(32)
            .collect();
        let ns = &self.namesrv;
        let name_server = NameServerView {
            up: up(ns.node),
            brokers: ns
                .live
                .iter()
                .map(|((b, id), last)| NsBrokerView {
                    broker_name: self.brokers[*b as usize].name.clone(),
                    broker_id: *id,
                    last_registered_ms: *last,
                    expires_ms: last + super::namesrv::BROKER_CHANNEL_EXPIRED_MS,
                })
                .collect(),
            topics: ns
                .topics
                .iter()
                .map(|(t, q)| {
                    let queues = q
                        .iter()
                        .map(|(b, n)| (self.brokers[*b as usize].name.clone(), *n))
                        .collect();
                    (t.to_string(), queues)
                })
                .collect(),
        };
        RocketView {
            name_server,
            brokers,
            producers,
            consumers,
            messages,
            messages_total: self.sent.len() as u64,
            levels_ms: self.levels.clone(),
            transactions,
        }
    }

    fn route_views(
        &self,
        routes: &alloc::collections::BTreeMap<alloc::rc::Rc<str>, super::namesrv::Route>,
    ) -> Vec<ClientRouteView> {
        routes
            .iter()
            .map(|(t, r)| ClientRouteView {
                topic: t.to_string(),
                brokers: r
                    .iter()
                    .map(|e| (self.brokers[e.broker as usize].name.clone(), e.queues, e.master))
                    .collect(),
            })
            .collect()
    }

    /// Listener runs on a message, and successes, over every group.
    pub fn counts(&self, m: u32) -> (u32, u32) {
        let s = &self.sent[m as usize - 1];
        (s.deliveries, s.successes)
    }

    /// Where a message's newest copy is.
    pub fn state(&self, m: u32) -> &'static str {
        let s = &self.sent[m as usize - 1];
        // A rolled-back or discarded transaction (an outbox row rolled back is never sent).
        if let Some(t) = &s.transaction {
            match t.ended {
                Some("rollback") => return "rolled_back",
                Some("discard") => return "discarded",
                _ => {}
            }
        }
        if s.failed && s.ack.is_none() {
            return "failed";
        }
        if s.ack.is_none() {
            return "sending";
        }
        let newest = s.latest.map(|(b, i)| &self.brokers[b as usize].commit_log[i as usize]);
        match newest.map(|n| n.topic.as_ref()) {
            Some(config::HALF_TOPIC) => "half",
            Some(config::SCHEDULE_TOPIC) => {
                if newest.is_some_and(|n| n.reconsume_times > 0) {
                    "retrying"
                } else {
                    "scheduled"
                }
            }
            Some(config::TIMER_TOPIC) => "timer",
            Some(t) if t.starts_with(config::DLQ_PREFIX) => "dlq",
            Some(t) if t.starts_with(config::CHECK_MAX_TIME_TOPIC) => "discarded",
            _ => "stored",
        }
    }
}
