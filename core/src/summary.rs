//! The end-of-run summary the runner prints and the golden tests compare: log end offsets, group
//! assignments, committed offsets and lag, producer counts, consumed counts. Maps are ordered, so
//! the JSON is stable.
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::sim::Sim;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub end_ms: u64,
    pub steps: u64,
    pub trace_entries: u64,
    pub log_end_offsets: BTreeMap<String, u64>,
    pub groups: BTreeMap<String, GroupSummary>,
    pub producers: BTreeMap<String, ProducerSummary>,
    pub consumed: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub state: String,
    pub generation: u32,
    pub assignment: BTreeMap<String, Vec<String>>,
    pub committed: BTreeMap<String, u64>,
    /// Lag per partition; absent for partitions without a committed offset.
    pub lag: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerSummary {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
}

impl Summary {
    pub fn of(sim: &Sim) -> Summary {
        let v = sim.view();
        Summary {
            end_ms: v.now_ms,
            steps: v.steps,
            trace_entries: sim.trace_total(),
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
                        },
                    )
                })
                .collect(),
            consumed: v.consumers.iter().map(|c| (c.id.clone(), c.consumed_total)).collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
