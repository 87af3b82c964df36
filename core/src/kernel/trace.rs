//! The trace: what happened, when and where, as small typed entries. An entry holds ids (node,
//! partition, record), never copies of names or record values: text is made only when a sentence
//! or a JSON line is shown. The trace is a bounded ring: past its limit the oldest entries are
//! dropped and counted, so memory stays fixed however long a run is.
use alloc::boxed::Box;
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

/// Events the kernel itself records: limits, and the network faults it applies. They are rare, so
/// their payloads are boxed and every trace entry stays small.
#[derive(Debug, Clone, PartialEq)]
pub enum KernelEvent {
    /// A bound was reached: what (e.g. "queued events", "work units") and the bound.
    LimitReached(Box<(&'static str, u64)>),
    /// A fault rule of the scenario starts or stops applying (`rule` indexes `faults`).
    FaultBegins {
        rule: u32,
    },
    FaultEnds {
        rule: u32,
    },
    /// A message was lost on the way: a partition or a drop rule took it.
    MessageLost(Box<Lost>),
    /// A request got no answer within its timeout; the requester closed that connection.
    RequestTimedOut(Box<TimedOut>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    pub from: NodeId,
    pub to: NodeId,
    pub rule: u32,
    pub what: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimedOut {
    pub to: NodeId,
    pub what: &'static str,
    pub timeout_ms: u64,
    pub failed: u32,
}

/// A bounded ring of entries with a count of those dropped from the front. Entries live in
/// chunks of fixed capacity that are never reallocated: past the limit the oldest chunk is dropped
/// (so between `limit - 2 * chunk` and `limit` entries are kept, a chunk being at most a
/// sixteenth of the limit) and its memory is reused, so a long run costs no copying and no
/// allocation once the ring is full.
#[derive(Debug, Clone)]
pub struct TraceRing<E> {
    /// Full chunks, oldest first.
    full: VecDeque<Vec<TraceEntry<E>>>,
    /// The chunk being filled.
    tail: Vec<TraceEntry<E>>,
    spare: Vec<Vec<TraceEntry<E>>>,
    chunk: usize,
    dropped: u64,
    limit: usize,
}

/// Entries per chunk at most.
const TRACE_CHUNK: usize = 4096;

impl<E> TraceRing<E> {
    pub fn new(limit: usize) -> Self {
        TraceRing {
            full: VecDeque::new(),
            tail: Vec::new(),
            spare: Vec::new(),
            chunk: (limit / 16).clamp(1, TRACE_CHUNK),
            dropped: 0,
            limit,
        }
    }

    fn recycle(&mut self, mut chunk: Vec<TraceEntry<E>>) {
        chunk.clear();
        if self.spare.len() < 2 {
            self.spare.push(chunk);
        }
    }

    #[inline]
    pub fn push(&mut self, entry: TraceEntry<E>) {
        if self.tail.len() >= self.chunk {
            self.roll();
        }
        if self.limit == 0 {
            self.dropped += 1;
            return;
        }
        self.tail.push(entry);
    }

    /// The tail chunk is full: it joins the full ones, the oldest goes if the ring is at its
    /// limit, and a spare (or new) chunk becomes the tail.
    #[cold]
    fn roll(&mut self) {
        let fresh = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(self.chunk));
        let full = core::mem::replace(&mut self.tail, fresh);
        self.full.push_back(full);
        // Room for a whole tail chunk, so the ring never exceeds its limit while the tail fills.
        while self.len() + self.chunk > self.limit {
            let Some(oldest) = self.full.pop_front() else {
                break;
            };
            self.dropped += oldest.len() as u64;
            self.recycle(oldest);
        }
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.full.len() * self.chunk + self.tail.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entries dropped from the front to respect the limit.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
    /// Entries ever made: kept plus dropped.
    pub fn total(&self) -> u64 {
        self.dropped + self.len() as u64
    }
    pub fn limit(&self) -> usize {
        self.limit
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<E>> + '_ {
        self.full.iter().flat_map(|c| c.iter()).chain(self.tail.iter())
    }
    /// The `kept_index`-th kept entry (every chunk but the tail is full).
    pub fn get(&self, kept_index: usize) -> Option<&TraceEntry<E>> {
        match self.full.get(kept_index / self.chunk) {
            Some(c) => c.get(kept_index % self.chunk),
            None => self.tail.get(kept_index - self.full.len() * self.chunk),
        }
    }
    pub fn last(&self) -> Option<&TraceEntry<E>> {
        self.tail.last().or_else(|| self.full.back()?.last())
    }
    /// The last `n` kept entries, oldest first.
    pub fn tail(&self, n: usize) -> impl Iterator<Item = &TraceEntry<E>> + '_ {
        self.iter().skip(self.len().saturating_sub(n))
    }

    /// Forgets every entry made after the first `total` ones (seek going back in time). Entries
    /// that were already dropped stay dropped: the ring then holds a shorter, still exact suffix.
    pub fn truncate_total(&mut self, total: u64) {
        if total >= self.total() {
            return;
        }
        let keep = total.saturating_sub(self.dropped) as usize;
        self.dropped = self.dropped.min(total);
        // Put everything back into full chunks plus a tail holding the last partial chunk.
        let whole = keep / self.chunk;
        while self.full.len() > whole {
            let Some(c) = self.full.pop_back() else { break };
            let old_tail = core::mem::replace(&mut self.tail, c);
            self.recycle(old_tail);
        }
        if self.full.len() == whole && self.tail.len() > keep - whole * self.chunk {
            self.tail.truncate(keep - whole * self.chunk);
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
        assert!(r.len() <= 3 && r.len() >= 2, "{}", r.len());
        assert_eq!(r.total(), 10);
        assert_eq!(r.dropped() + r.len() as u64, 10);
        let kept: alloc::vec::Vec<u32> = r.iter().map(|e| e.event).collect();
        assert_eq!(kept.last(), Some(&9));
        assert!(
            kept.windows(2).all(|w| w[1] == w[0] + 1),
            "a contiguous suffix: {kept:?}"
        );
        // Big rings drop a chunk at a time and stay within their limit.
        let big = ring_of(10_000, 50_000);
        assert!(big.len() <= 10_000 && big.len() > 10_000 - TRACE_CHUNK);
        assert_eq!(big.get(0).map(|e| e.event), Some((50_000 - big.len()) as u32));
        assert_eq!(big.get(big.len() - 1).map(|e| e.event), Some(49_999));
    }

    /// Against a model: the ring always holds a contiguous suffix of everything pushed (minus what
    /// truncation took back), never more than its limit, and counts the rest.
    #[test]
    fn the_ring_matches_a_model_under_pushes_and_truncations() {
        for limit in [1usize, 2, 3, 17, 50, 100, 5000] {
            let mut only_pushes = TraceRing::new(limit);
            for i in 0..3 * limit as u32 + 100 {
                only_pushes.push(TraceEntry::new(0, 0, NodeId(0), i));
                assert!(only_pushes.len() <= limit, "limit {limit}: {} kept", only_pushes.len());
            }
            let mut ring = TraceRing::new(limit);
            let mut model: alloc::vec::Vec<u32> = alloc::vec::Vec::new();
            let mut x: u32 = 12345;
            for round in 0..2000u32 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if x % 7 == 0 && !model.is_empty() {
                    let total = (x as usize) % (model.len() + 1);
                    model.truncate(total);
                    ring.truncate_total(total as u64);
                } else {
                    model.push(round);
                    ring.push(TraceEntry::new(0, 0, NodeId(0), round));
                }
                assert!(ring.len() <= limit, "limit {limit}: {} kept", ring.len());
                assert_eq!(ring.total(), model.len() as u64, "limit {limit}");
                let kept: alloc::vec::Vec<u32> = ring.iter().map(|e| e.event).collect();
                assert_eq!(&kept[..], &model[model.len() - kept.len()..], "limit {limit}");
                if let Some(last) = kept.last() {
                    assert_eq!(ring.last().map(|e| e.event), Some(*last));
                    assert_eq!(ring.get(kept.len() - 1).map(|e| e.event), Some(*last));
                }
            }
        }
    }

    #[test]
    fn truncating_keeps_an_exact_prefix_of_the_history() {
        let mut r = ring_of(100, 10);
        r.truncate_total(9);
        assert_eq!(
            r.iter().map(|e| e.event).collect::<alloc::vec::Vec<_>>(),
            [0, 1, 2, 3, 4, 5, 6, 7, 8]
        );
        let mut r = ring_of(3, 10);
        r.truncate_total(9);
        assert_eq!(r.last().map(|e| e.event), Some(8));
        r.truncate_total(4);
        assert_eq!((r.len(), r.dropped(), r.total()), (0, 4, 4));
        r.push(TraceEntry::new(4, 0, NodeId(0), 4));
        assert_eq!(r.total(), 5);
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
            KernelEvent::LimitReached(l) => KernelTold::LimitReached {
                what: l.0.into(),
                limit: l.1,
            },
            KernelEvent::FaultBegins { rule: r } => KernelTold::FaultBegins {
                rule: *r,
                fault: rule(*r),
            },
            KernelEvent::FaultEnds { rule: r } => KernelTold::FaultEnds {
                rule: *r,
                fault: rule(*r),
            },
            KernelEvent::MessageLost(l) => KernelTold::MessageLost {
                from: name(l.from),
                to: name(l.to),
                what: l.what.into(),
                rule: l.rule,
                fault: rule(l.rule),
            },
            KernelEvent::RequestTimedOut(t) => KernelTold::RequestTimedOut {
                to: name(t.to),
                what: t.what.into(),
                timeout_ms: t.timeout_ms,
                failed: t.failed,
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
