//! The trace: what happened, when and where, as small typed entries. An entry holds ids (node,
//! partition, record), never copies of names or record values: text is made only when a sentence
//! or a JSON line is shown. The trace is a bounded ring: past its limit the oldest entries are
//! dropped and counted, so memory stays fixed however long a run is.
use alloc::collections::VecDeque;
use alloc::string::String;
use serde::{Deserialize, Serialize};

use super::net::FaultRule;
use super::NodeId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// One entry. `step` is the number of events processed when it was made (seek there to see it).
/// Both counters are stored in 32 bits: the work budget keeps steps below 2^32 and the longest
/// scenario (24 h) below 2^32 ms.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEntry<E> {
    step: u32,
    at_ms: u32,
    pub node: NodeId,
    pub event: E,
}

impl<E> TraceEntry<E> {
    pub fn new(step: u64, at_ms: u64, node: NodeId, event: E) -> Self {
        TraceEntry {
            step: step.min(u64::from(u32::MAX)) as u32,
            at_ms: at_ms.min(u64::from(u32::MAX)) as u32,
            node,
            event,
        }
    }
    pub fn step(&self) -> u64 {
        u64::from(self.step)
    }
    pub fn at_ms(&self) -> u64 {
        u64::from(self.at_ms)
    }
}

/// Events the kernel itself records: limits, and the network faults it applies.
#[derive(Debug, Clone, PartialEq)]
pub enum KernelEvent {
    /// A bound was reached; `what` names it (e.g. "queued events", "work units").
    LimitReached {
        what: &'static str,
        limit: u64,
    },
    /// A fault rule of the scenario starts or stops applying (`rule` indexes `faults`).
    FaultBegins {
        rule: u32,
    },
    FaultEnds {
        rule: u32,
    },
    /// A message was lost on the way: a partition or a drop rule (`rule`) took it.
    MessageLost {
        from: NodeId,
        to: NodeId,
        rule: u32,
        what: &'static str,
    },
    /// A request got no answer within its timeout; the requester closed that connection.
    RequestTimedOut {
        to: NodeId,
        what: &'static str,
        timeout_ms: u64,
        failed: u32,
    },
}

/// A bounded ring of entries with a count of those dropped from the front.
#[derive(Debug, Clone)]
pub struct TraceRing<E> {
    entries: VecDeque<TraceEntry<E>>,
    dropped: u64,
    limit: usize,
}

impl<E> TraceRing<E> {
    pub fn new(limit: usize) -> Self {
        TraceRing {
            entries: VecDeque::new(),
            dropped: 0,
            limit,
        }
    }

    pub fn push(&mut self, entry: TraceEntry<E>) {
        if self.limit == 0 {
            self.dropped += 1;
            return;
        }
        if self.entries.len() >= self.limit {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Entries dropped from the front to respect the limit.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
    /// Entries ever made: kept plus dropped.
    pub fn total(&self) -> u64 {
        self.dropped + self.entries.len() as u64
    }
    pub fn limit(&self) -> usize {
        self.limit
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<E>> + ExactSizeIterator + '_ {
        self.entries.iter()
    }
    pub fn get(&self, kept_index: usize) -> Option<&TraceEntry<E>> {
        self.entries.get(kept_index)
    }
    pub fn last(&self) -> Option<&TraceEntry<E>> {
        self.entries.back()
    }
    /// The last `n` kept entries, oldest first.
    pub fn tail(&self, n: usize) -> impl Iterator<Item = &TraceEntry<E>> + '_ {
        self.entries.iter().skip(self.entries.len().saturating_sub(n))
    }

    /// Forgets every entry made after the first `total` ones (seek going back in time). Entries
    /// that were already dropped stay dropped: the ring then holds a shorter, still exact suffix.
    pub fn truncate_total(&mut self, total: u64) {
        if total >= self.total() {
            return;
        }
        if total <= self.dropped {
            self.entries.clear();
            self.dropped = total;
        } else {
            self.entries.truncate((total - self.dropped) as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_of(limit: usize, n: u32) -> TraceRing<u32> {
        let mut r = TraceRing::new(limit);
        for i in 0..n {
            r.push(TraceEntry::new(u64::from(i), 0, NodeId(0), i));
        }
        r
    }

    #[test]
    fn the_ring_keeps_the_newest_entries_and_counts_the_rest() {
        let r = ring_of(3, 10);
        assert_eq!(r.len(), 3);
        assert_eq!(r.dropped(), 7);
        assert_eq!(r.total(), 10);
        let kept: alloc::vec::Vec<u32> = r.iter().map(|e| e.event).collect();
        assert_eq!(kept, [7, 8, 9]);
    }

    #[test]
    fn truncating_keeps_an_exact_prefix_of_the_history() {
        let mut r = ring_of(3, 10);
        r.truncate_total(9);
        assert_eq!(r.iter().map(|e| e.event).collect::<alloc::vec::Vec<_>>(), [7, 8]);
        r.truncate_total(4);
        assert_eq!((r.len(), r.dropped(), r.total()), (0, 4, 4));
    }
}

/// A kernel event with its names, for JSON lines and sentences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum KernelTold {
    LimitReached {
        what: String,
        limit: u64,
    },
    FaultBegins {
        rule: u32,
        fault: FaultRule,
    },
    FaultEnds {
        rule: u32,
        fault: FaultRule,
    },
    MessageLost {
        from: String,
        to: String,
        what: String,
        rule: u32,
        fault: FaultRule,
    },
    RequestTimedOut {
        to: String,
        what: String,
        timeout_ms: u64,
        failed: u32,
    },
}

impl KernelEvent {
    /// `name(node)` gives a node's name; `rule(i)` is fault rule `i` of the scenario.
    pub fn tell(&self, name: &dyn Fn(NodeId) -> String, rule: &dyn Fn(u32) -> FaultRule) -> KernelTold {
        match self {
            KernelEvent::LimitReached { what, limit } => KernelTold::LimitReached {
                what: (*what).into(),
                limit: *limit,
            },
            KernelEvent::FaultBegins { rule: r } => KernelTold::FaultBegins {
                rule: *r,
                fault: rule(*r),
            },
            KernelEvent::FaultEnds { rule: r } => KernelTold::FaultEnds {
                rule: *r,
                fault: rule(*r),
            },
            KernelEvent::MessageLost {
                from,
                to,
                rule: r,
                what,
            } => KernelTold::MessageLost {
                from: name(*from),
                to: name(*to),
                what: (*what).into(),
                rule: *r,
                fault: rule(*r),
            },
            KernelEvent::RequestTimedOut {
                to,
                what,
                timeout_ms,
                failed,
            } => KernelTold::RequestTimedOut {
                to: name(*to),
                what: (*what).into(),
                timeout_ms: *timeout_ms,
                failed: *failed,
            },
        }
    }
}

impl KernelTold {
    pub fn key(&self) -> &'static str {
        match self {
            KernelTold::LimitReached { .. } => "LimitReached",
            KernelTold::FaultBegins { .. } => "FaultBegins",
            KernelTold::FaultEnds { .. } => "FaultEnds",
            KernelTold::MessageLost { .. } => "MessageLost",
            KernelTold::RequestTimedOut { .. } => "RequestTimedOut",
        }
    }

    pub fn sentence(&self, lang: Lang) -> String {
        use alloc::format;
        use Lang::{En, Zh};
        match (self, lang) {
            (KernelTold::LimitReached { what, limit }, En) => format!("limit reached: {what} ({limit}); the run stops here"),
            (KernelTold::LimitReached { what, limit }, Zh) => format!("达到上限：{what}（{limit}），运行到此为止"),
            (KernelTold::FaultBegins { fault, .. }, En) => format!("fault begins: {}", fault.describe(lang)),
            (KernelTold::FaultBegins { fault, .. }, Zh) => format!("故障开始：{}", fault.describe(lang)),
            (KernelTold::FaultEnds { fault, .. }, En) => format!("fault ends: {}", fault.describe(lang)),
            (KernelTold::FaultEnds { fault, .. }, Zh) => format!("故障结束：{}", fault.describe(lang)),
            (KernelTold::MessageLost { from, to, what, fault, .. }, En) => {
                format!("a {what} from {from} to {to} is lost on the network ({})", fault.describe(lang))
            }
            (KernelTold::MessageLost { from, to, what, fault, .. }, Zh) => {
                format!("{from} 发给 {to} 的 {what} 在网络中丢失（{}）", fault.describe(lang))
            }
            (KernelTold::RequestTimedOut { to, what, timeout_ms, failed }, En) => format!(
                "a {what} request to {to} got no answer within {timeout_ms} ms; the client closes that connection, failing {failed} request(s) on it"
            ),
            (KernelTold::RequestTimedOut { to, what, timeout_ms, failed }, Zh) => format!(
                "发给 {to} 的 {what} 请求在 {timeout_ms} 毫秒内没有响应；客户端关闭该连接，连接上的 {failed} 个请求全部失败"
            ),
        }
    }
}
