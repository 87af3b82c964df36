//! `KafkaView`: the Kafka system as plain data, all its web components render. Nothing here
//! refers back into the simulation; record keys and values are made here, for the few shown.
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::system::Kafka;
use super::{Cluster, Tp};
use crate::scenario::TimedAction;

/// Most recent records per partition carried in the view (the lane shows a window of the log).
pub const LANE_RECORDS: usize = 24;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KafkaView {
    pub brokers: Vec<BrokerView>,
    pub topics: Vec<TopicView>,
    pub producers: Vec<ProducerView>,
    pub groups: Vec<GroupView>,
    pub consumers: Vec<ConsumerView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokerView {
    pub id: u32,
    pub up: bool,
    pub fenced: bool,
    /// `broker.rack`.
    pub rack: Option<String>,
    /// Groups this broker coordinates now.
    pub coordinator_of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicView {
    pub name: String,
    pub partitions: Vec<PartitionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionView {
    pub partition: u32,
    /// Id such as `orders-2`, used for highlighting and selection.
    pub name: String,
    pub replica: u32,
    pub leader: Option<u32>,
    pub log_end_offset: u64,
    /// The last `LANE_RECORDS` records, oldest first.
    pub tail: Vec<RecordView>,
    /// `(group, consumer)` owning the partition now.
    pub owners: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordView {
    pub offset: u64,
    pub key: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProducerView {
    pub id: String,
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub retries: u64,
    pub queued: u64,
    /// Sends the application has yet to make (a `produce_many` in progress), and whether the
    /// next one is blocked on a full `buffer.memory`.
    pub pending_sends: u64,
    pub blocked: bool,
    /// The sticky partition per topic for keyless records, if one is chosen.
    pub sticky: Vec<(String, Option<u32>)>,
    /// Partitions whose ready batch waits for a leader, and when `delivery.timeout.ms` ends that.
    pub waiting_for_leader: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupView {
    pub id: String,
    pub state: String,
    /// The assignor the coordinator selected at the last join.
    pub protocol: Option<String>,
    pub generation: u32,
    pub coordinator: Option<u32>,
    pub leader: Option<String>,
    pub members: Vec<MemberView>,
    pub offsets: Vec<OffsetView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub consumer: String,
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub instance: Option<String>,
    pub partitions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OffsetView {
    pub partition: String,
    pub committed: Option<u64>,
    pub log_end_offset: u64,
    /// `log end offset - committed`, as `kafka-consumer-groups.sh` shows it; none without a commit.
    pub lag: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerView {
    pub id: String,
    pub group: String,
    /// Topics it subscribes to.
    pub topics: Vec<String>,
    pub phase: String,
    pub member_id: Option<String>,
    pub generation: u32,
    /// `partition.assignment.strategy`, as configured.
    pub assignors: Vec<String>,
    /// EAGER or COOPERATIVE: the rebalance protocol its assignors allow.
    pub rebalance_protocol: String,
    /// `client.rack`.
    pub rack: Option<String>,
    /// `group.instance.id`.
    pub instance: Option<String>,
    pub assigned: Vec<String>,
    /// `(partition, position, lag from the position)`.
    pub positions: Vec<(String, u64, u64)>,
    pub consumed_total: u64,
    pub recent: Vec<ConsumedView>,
    /// Brokers where this consumer has read everything, so its fetches there long-poll.
    pub long_polling: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumedView {
    pub partition: String,
    pub offset: u64,
    pub key: Option<String>,
}

fn tp_names(cluster: &Cluster, tps: &[Tp]) -> Vec<String> {
    tps.iter().map(|tp| cluster.tp_name(*tp)).collect()
}

impl Kafka {
    pub fn view(&self, actions: &[TimedAction]) -> KafkaView {
        let cluster = &self.cluster;
        let groups: Vec<GroupView> = cluster
            .groups
            .values()
            .map(|g| {
                // Partitions of every topic a member subscribes to, plus anything committed.
                let mut tps: BTreeSet<Tp> = g.committed.keys().copied().collect();
                for m in g.members.values() {
                    for topic in &m.topics {
                        if let Some(t) = cluster.topic_index(topic) {
                            let n = cluster.topics[t].partitions.len() as u32;
                            tps.extend((0..n).map(|partition| Tp { topic: t, partition }));
                        }
                    }
                }
                GroupView {
                    id: g.id.clone(),
                    state: g.state.name().into(),
                    protocol: g.protocol.map(|p| p.name().into()),
                    generation: g.generation,
                    coordinator: cluster.offsets_leader(&g.id).map(|b| b.0),
                    leader: g.leader.as_ref().map(|l| g.client_of(l)),
                    members: g
                        .members
                        .values()
                        .map(|m| MemberView {
                            consumer: m.client_id.clone(),
                            member_id: m.member_id.clone(),
                            instance: m.instance.clone(),
                            partitions: tp_names(cluster, &m.assignment),
                        })
                        .collect(),
                    offsets: tps
                        .iter()
                        .map(|tp| {
                            let committed = g.committed.get(tp).copied();
                            let leo = cluster.log_end_offset(*tp);
                            OffsetView {
                                partition: cluster.tp_name(*tp),
                                committed,
                                log_end_offset: leo,
                                lag: committed.map(|c| leo.saturating_sub(c)),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let owners_of = |name: &str| -> Vec<(String, String)> {
            groups
                .iter()
                .flat_map(|g| {
                    g.members
                        .iter()
                        .filter(|m| m.partitions.iter().any(|p| p == name))
                        .map(|m| (g.id.clone(), m.consumer.clone()))
                })
                .collect()
        };
        KafkaView {
            brokers: cluster
                .brokers
                .iter()
                .map(|b| BrokerView {
                    id: b.id.0,
                    up: b.up,
                    fenced: b.fenced,
                    rack: b.rack.clone(),
                    coordinator_of: cluster
                        .groups
                        .keys()
                        .filter(|g| cluster.offsets_leader(g) == Some(b.id))
                        .cloned()
                        .collect(),
                })
                .collect(),
            topics: cluster
                .topics
                .iter()
                .enumerate()
                .map(|(t, topic)| TopicView {
                    name: topic.name.clone(),
                    partitions: topic
                        .partitions
                        .iter()
                        .enumerate()
                        .map(|(p, part)| {
                            let tp = Tp {
                                topic: t,
                                partition: p as u32,
                            };
                            let name = cluster.tp_name(tp);
                            let skip = part.log.len().saturating_sub(LANE_RECORDS);
                            PartitionView {
                                partition: p as u32,
                                owners: owners_of(&name),
                                name,
                                replica: part.replica.0,
                                leader: cluster.leader(tp).map(|b| b.0),
                                log_end_offset: part.log.len() as u64,
                                tail: part
                                    .log
                                    .range(skip, part.log.len())
                                    .enumerate()
                                    .map(|(i, r)| RecordView {
                                        offset: (skip + i) as u64,
                                        key: self.records.key(actions, *r).map(Into::into),
                                        value: self.records.value(actions, *r),
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                })
                .collect(),
            producers: self
                .producers
                .iter()
                .map(|p| ProducerView {
                    id: p.spec.id.clone(),
                    sent: p.stats.sent,
                    acked: p.stats.acked,
                    failed: p.stats.failed,
                    retries: p.stats.retries,
                    queued: p.queued_records() as u64,
                    pending_sends: p.pending_sends(),
                    blocked: p.blocked(),
                    sticky: p
                        .sticky
                        .iter()
                        .map(|(t, s)| (cluster.topics[*t].name.clone(), s.partition))
                        .collect(),
                    waiting_for_leader: p
                        .deques
                        .iter()
                        .filter_map(|(tp, lane)| Some((cluster.tp_name(*tp), lane.waiting_for_leader_until?.ms())))
                        .collect(),
                })
                .collect(),
            consumers: self
                .consumers
                .iter()
                .map(|c| ConsumerView {
                    id: c.spec.id.clone(),
                    group: c.spec.group.clone(),
                    topics: c.spec.topics.clone(),
                    phase: c.phase.name().into(),
                    member_id: c.member_id.clone(),
                    generation: c.generation,
                    assignors: c.spec.assignors().iter().map(|a| a.name().into()).collect(),
                    rebalance_protocol: if c.spec.cooperative() { "COOPERATIVE" } else { "EAGER" }.into(),
                    rack: c.spec.client_rack.clone(),
                    instance: c.spec.group_instance_id.clone(),
                    assigned: tp_names(cluster, &c.assigned),
                    positions: c
                        .positions
                        .iter()
                        .map(|(tp, pos)| {
                            (
                                cluster.tp_name(*tp),
                                *pos,
                                cluster.log_end_offset(*tp).saturating_sub(*pos),
                            )
                        })
                        .collect(),
                    consumed_total: c.consumed_total,
                    recent: c
                        .consumed
                        .iter()
                        .map(|r| ConsumedView {
                            partition: cluster.tp_name(r.tp),
                            offset: r.offset,
                            key: self.records.key(actions, r.record).map(Into::into),
                        })
                        .collect(),
                    long_polling: c.long_polling().collect(),
                })
                .collect(),
            groups,
        }
    }
}
