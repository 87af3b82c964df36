//! Kafka's part of the end-of-run summary the runner prints and the golden tests compare: log end
//! offsets, each group's state, members (client id next to the Kafka member id the coordinator
//! gave it), assignment, committed offsets and lag, each consumer as it sees itself, and producer
//! counts. Maps are ordered, so the JSON is stable.
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::view::KafkaView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KafkaSummary {
    pub log_end_offsets: BTreeMap<String, u64>,
    pub groups: BTreeMap<String, GroupSummary>,
    pub producers: BTreeMap<String, ProducerSummary>,
    pub consumers: BTreeMap<String, ConsumerSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub state: String,
    pub generation: u32,
    pub coordinator: Option<u32>,
    /// Client id (`client.id`) of the group leader.
    pub leader: Option<String>,
    /// Client id -> the member id the coordinator assigned (`clientId-UUID`, KIP-394).
    pub member_ids: BTreeMap<String, String>,
    pub assignment: BTreeMap<String, Vec<String>>,
    pub committed: BTreeMap<String, u64>,
    /// Lag per partition; absent for partitions without a committed offset.
    pub lag: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerSummary {
    pub group: String,
    pub phase: String,
    pub member_id: Option<String>,
    pub generation: u32,
    pub assigned: Vec<String>,
    pub consumed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerSummary {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub retries: u64,
}

impl KafkaSummary {
    pub fn of(v: &KafkaView) -> KafkaSummary {
        KafkaSummary {
            log_end_offsets: v
                .topics
                .iter()
                .flat_map(|t| t.partitions.iter().map(|p| (p.name.clone(), p.log_end_offset)))
                .collect(),
            groups: v
                .groups
                .iter()
                .map(|g| {
                    let summary = GroupSummary {
                        state: g.state.clone(),
                        generation: g.generation,
                        coordinator: g.coordinator,
                        leader: g.leader.clone(),
                        member_ids: g
                            .members
                            .iter()
                            .map(|m| (m.consumer.clone(), m.member_id.clone()))
                            .collect(),
                        assignment: g
                            .members
                            .iter()
                            .map(|m| (m.consumer.clone(), m.partitions.clone()))
                            .collect(),
                        committed: g
                            .offsets
                            .iter()
                            .filter_map(|o| Some((o.partition.clone(), o.committed?)))
                            .collect(),
                        lag: g
                            .offsets
                            .iter()
                            .filter_map(|o| Some((o.partition.clone(), o.lag?)))
                            .collect(),
                    };
                    (g.id.clone(), summary)
                })
                .collect(),
            producers: v
                .producers
                .iter()
                .map(|p| {
                    (
                        p.id.clone(),
                        ProducerSummary {
                            sent: p.sent,
                            acked: p.acked,
                            failed: p.failed,
                            retries: p.retries,
                        },
                    )
                })
                .collect(),
            consumers: v
                .consumers
                .iter()
                .map(|c| {
                    (
                        c.id.clone(),
                        ConsumerSummary {
                            group: c.group.clone(),
                            phase: c.phase.clone(),
                            member_id: c.member_id.clone(),
                            generation: c.generation,
                            assigned: c.assigned.clone(),
                            consumed: c.consumed_total,
                        },
                    )
                })
                .collect(),
        }
    }
}
