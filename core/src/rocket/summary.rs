//! RocketMQ's part of the end-of-run summary: per message its fate, the counts a learner asks
//! about (sent, failed, delivered, retried, dead-lettered, duplicates), each transaction's outcome
//! against its local transaction, and the checkers' verdicts.
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::check::Checkers;
use super::system::Rocket;
use super::view::RocketView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RocketSummary {
    pub sent: u64,
    pub failed: u64,
    /// Messages a listener ran on at least once, and the runs in all.
    pub delivered: u64,
    pub deliveries: u64,
    /// Successful runs beyond the first per message and group.
    pub duplicates: u64,
    /// Per state (`stored`, `dlq`, `rolled_back`, ...): how many messages end there.
    pub states: BTreeMap<String, u64>,
    /// Per transactional message `#n`: `commit`, `rollback`, `discard` or `pending`, and what the
    /// local transaction did.
    pub transactions: BTreeMap<String, (String, String)>,
    /// The checkers: transactional delivery, delay bounds, per-queue order.
    pub checks: Vec<(String, bool, String)>,
    /// `enableMsgTrace`: trace messages stored, and per traced client the records sent, still
    /// waiting, and lost (a crash, a full queue).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub trace_messages: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tracers: BTreeMap<String, [u64; 3]>,
    /// Per slave: commit log entries it holds, and how many its master has that it lacks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub slaves: BTreeMap<String, [u64; 2]>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl RocketSummary {
    /// Counts over every message sent (the view lists only the first ones).
    pub fn of(r: &Rocket, v: &RocketView, checkers: &Checkers) -> RocketSummary {
        let mut states = BTreeMap::new();
        for m in 1..=r.sent.len() as u32 {
            *states.entry(String::from(r.state(m))).or_insert(0) += 1;
        }
        let transactions = v
            .transactions
            .iter()
            .map(|t| {
                let db = match t.db_committed {
                    Some(true) => "committed",
                    Some(false) => "rolled back",
                    None => "unknown",
                };
                (
                    alloc::format!("#{}", t.message),
                    (String::from(t.ended.unwrap_or("pending")), String::from(db)),
                )
            })
            .collect();
        RocketSummary {
            sent: r.sent.len() as u64,
            failed: states.get("failed").copied().unwrap_or(0),
            delivered: r.sent.iter().filter(|s| s.deliveries > 0).count() as u64,
            deliveries: r.sent.iter().map(|s| u64::from(s.deliveries)).sum(),
            duplicates: checkers.duplicates,
            states,
            transactions,
            checks: checkers
                .verdicts
                .iter()
                .map(|(name, passed, detail)| (String::from(*name), *passed, detail.en.clone()))
                .collect(),
            trace_messages: r.trace_stored.len() as u64,
            tracers: r
                .producers
                .iter()
                .map(|p| (&p.name, &p.tracer))
                .chain(r.consumers.iter().map(|c| (&c.name, &c.tracer)))
                .filter_map(|(name, t)| {
                    t.as_ref()
                        .map(|t| (name.clone(), [t.flushed, t.pending.len() as u64, t.lost]))
                })
                .collect(),
            slaves: v
                .brokers
                .iter()
                .filter_map(|b| b.slave.as_ref().map(|s| (s.name.clone(), [s.messages, s.behind])))
                .collect(),
        }
    }
}
