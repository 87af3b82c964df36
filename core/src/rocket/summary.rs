//! RocketMQ's part of the end-of-run summary: per message its fate, the counts a learner asks
//! about (sent, failed, delivered, retried, dead-lettered, duplicates), each transaction's outcome
//! against its local transaction, and the checkers' verdicts.
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::check::Checkers;
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
}

impl RocketSummary {
    pub fn of(v: &RocketView, checkers: &Checkers) -> RocketSummary {
        let mut states = BTreeMap::new();
        for m in &v.messages {
            *states.entry(String::from(m.state)).or_insert(0) += 1;
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
            sent: v.messages_total,
            failed: v.messages.iter().filter(|m| m.state == "failed").count() as u64,
            delivered: v.messages.iter().filter(|m| m.deliveries > 0).count() as u64,
            deliveries: v.messages.iter().map(|m| u64::from(m.deliveries)).sum(),
            duplicates: checkers.duplicates,
            states,
            transactions,
            checks: checkers
                .verdicts
                .iter()
                .map(|(name, passed, detail)| (String::from(*name), *passed, detail.en.clone()))
                .collect(),
        }
    }
}
