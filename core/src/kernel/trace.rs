//! The trace: what happened, when and where, as small typed entries. An entry holds ids (node,
//! partition, record), never copies of names or record values: text is made only when a sentence
//! or a JSON line is shown. The trace is a bounded ring: past its limit the oldest entries are
//! dropped and counted, so memory stays fixed however long a run is.
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
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
    /// A message was lost on the way: a drop rule, or a partition that never heals, took it.
    MessageLost(Box<Lost>),
    /// A message waits for a partition to heal (TCP retransmits it; it arrives after).
    MessageHeld(Box<Lost>),
    /// A request got no answer within its timeout; the requester closed that connection.
    RequestTimedOut(Box<TimedOut>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    pub from: NodeId,
    pub to: NodeId,
    pub rule: u32,
    /// The request it was (or answered, when `response`).
    pub what: &'static str,
    pub response: bool,
    /// For a held message: when the partition heals.
    pub held_until: Option<u64>,
}

impl Lost {
    fn describe(&self) -> String {
        if self.response {
            alloc::format!("{} response", self.what)
        } else {
            self.what.into()
        }
    }
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
///
/// Going back in time (`show_until` a smaller total) hides the later entries instead of deleting
/// them: the run that made them is deterministic, so when the simulation replays (or restores a
/// later checkpoint) the same entries come again and are shown again, and a seek forward past a
/// checkpoint still has the entries between. Only a change of scenario (`forget_future`) deletes
/// them.
#[derive(Debug, Clone)]
pub struct TraceRing<E> {
    /// Full chunks, oldest first.
    full: VecDeque<Vec<TraceEntry<E>>>,
    /// The chunk being filled.
    tail: Vec<TraceEntry<E>>,
    spare: Vec<Vec<TraceEntry<E>>>,
    chunk: usize,
    dropped: u64,
    /// Entries of the present: those made up to the current step. Stored ones past it are the
    /// recorded future.
    shown: u64,
    limit: usize,
}

/// Entries per chunk at most.
const TRACE_CHUNK: usize = 4096;

impl<E: PartialEq> TraceRing<E> {
    pub fn new(limit: usize) -> Self {
        TraceRing {
            full: VecDeque::new(),
            tail: Vec::new(),
            spare: Vec::new(),
            chunk: (limit / 16).clamp(1, TRACE_CHUNK),
            dropped: 0,
            shown: 0,
            limit,
        }
    }

    fn recycle(&mut self, mut chunk: Vec<TraceEntry<E>>) {
        chunk.clear();
        if self.spare.len() < 2 {
            self.spare.push(chunk);
        }
    }

    fn stored_len(&self) -> usize {
        self.full.len() * self.chunk + self.tail.len()
    }

    fn stored_total(&self) -> u64 {
        self.dropped + self.stored_len() as u64
    }

    fn stored(&self, index: usize) -> Option<&TraceEntry<E>> {
        match self.full.get(index / self.chunk) {
            Some(c) => c.get(index % self.chunk),
            None => self.tail.get(index - self.full.len() * self.chunk),
        }
    }

    #[inline]
    pub fn push(&mut self, entry: TraceEntry<E>) {
        if self.shown < self.stored_total() {
            self.replay(entry);
            return;
        }
        if self.tail.len() >= self.chunk {
            self.roll();
        }
        self.shown += 1;
        if self.limit == 0 {
            self.dropped += 1;
            return;
        }
        self.tail.push(entry);
    }

    /// A replayed step made `entry`, which the ring already holds from the first time: show it
    /// again. (Were it different, the run would not be deterministic; the recorded future is then
    /// forgotten and the new entry kept, and debug builds stop.)
    #[cold]
    fn replay(&mut self, entry: TraceEntry<E>) {
        let same = self.shown < self.dropped
            || self
                .stored((self.shown - self.dropped) as usize)
                .is_some_and(|old| *old == entry);
        debug_assert!(same, "a replayed step made a different trace entry");
        if same {
            self.shown += 1;
        } else {
            self.forget_future();
            self.push(entry);
        }
    }

    /// The tail chunk is full: it joins the full ones, the oldest goes if the ring is at its
    /// limit, and a spare (or new) chunk becomes the tail.
    #[cold]
    fn roll(&mut self) {
        let fresh = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(self.chunk));
        let full = core::mem::replace(&mut self.tail, fresh);
        self.full.push_back(full);
        // Room for a whole tail chunk, so the ring never exceeds its limit while the tail fills.
        while self.stored_len() + self.chunk > self.limit {
            let Some(oldest) = self.full.pop_front() else {
                break;
            };
            self.dropped += oldest.len() as u64;
            self.recycle(oldest);
        }
    }

    /// Entries of the present that are kept.
    pub fn len(&self) -> usize {
        self.shown.saturating_sub(self.dropped) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entries of the present dropped from the front to respect the limit.
    pub fn dropped(&self) -> u64 {
        self.dropped.min(self.shown)
    }
    /// Entries of the present ever made: kept plus dropped.
    pub fn total(&self) -> u64 {
        self.shown
    }
    pub fn limit(&self) -> usize {
        self.limit
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<E>> + '_ {
        // Whole chunks of the present, then the part of the next one that is present.
        let visible = self.len();
        let whole = (visible / self.chunk).min(self.full.len());
        let rest = visible - whole * self.chunk;
        let partial: &[TraceEntry<E>] = match self.full.get(whole) {
            Some(c) => &c[..rest.min(c.len())],
            None => &self.tail[..rest.min(self.tail.len())],
        };
        self.full.range(..whole).flat_map(|c| c.iter()).chain(partial.iter())
    }
    /// The `kept_index`-th kept entry of the present.
    pub fn get(&self, kept_index: usize) -> Option<&TraceEntry<E>> {
        if kept_index >= self.len() {
            return None;
        }
        self.stored(kept_index)
    }
    pub fn last(&self) -> Option<&TraceEntry<E>> {
        self.len().checked_sub(1).and_then(|i| self.stored(i))
    }
    /// The last `n` kept entries, oldest first.
    pub fn tail(&self, n: usize) -> impl Iterator<Item = &TraceEntry<E>> + '_ {
        self.iter().skip(self.len().saturating_sub(n))
    }

    /// Makes the first `total` entries the present: fewer to go back in time (the later ones are
    /// kept as the recorded future), more to jump forward to a checkpoint over entries already
    /// recorded. Never past what is recorded.
    pub fn show_until(&mut self, total: u64) {
        self.shown = total.min(self.stored_total());
    }

    /// Deletes the recorded future: the scenario changed, so later steps will differ.
    pub fn forget_future(&mut self) {
        if self.shown >= self.stored_total() {
            return;
        }
        if self.shown <= self.dropped {
            let chunks = core::mem::take(&mut self.full);
            for c in chunks {
                self.recycle(c);
            }
            self.tail.clear();
            self.dropped = self.shown;
            return;
        }
        let keep = (self.shown - self.dropped) as usize;
        let whole = keep / self.chunk;
        while self.full.len() > whole {
            let Some(c) = self.full.pop_back() else { break };
            let old_tail = core::mem::replace(&mut self.tail, c);
            self.recycle(old_tail);
        }
        self.tail.truncate(keep - whole * self.chunk);
    }

    /// Forgets every entry made after the first `total` ones.
    pub fn truncate_total(&mut self, total: u64) {
        self.show_until(total.min(self.shown));
        self.forget_future();
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
                if x % 11 == 0 && !model.is_empty() {
                    // Back in time and forward again over the recorded future.
                    let total = (x as usize) % (model.len() + 1);
                    ring.show_until(total as u64);
                    assert_eq!(ring.total(), total as u64);
                    for (i, v) in model.iter().enumerate().skip(total) {
                        ring.push(TraceEntry::new(0, 0, NodeId(0), *v));
                        assert_eq!(ring.total(), i as u64 + 1);
                    }
                } else if x % 7 == 0 && !model.is_empty() {
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
    MessageHeld {
        from: String,
        to: String,
        what: String,
        until_ms: u64,
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
                what: l.describe(),
                rule: l.rule,
                fault: rule(l.rule),
            },
            KernelEvent::MessageHeld(l) => KernelTold::MessageHeld {
                from: name(l.from),
                to: name(l.to),
                what: l.describe(),
                until_ms: l.held_until.unwrap_or(0),
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
            KernelTold::MessageHeld { .. } => "MessageHeld",
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
            (KernelTold::MessageHeld { from, to, what, until_ms, fault, .. }, En) => format!(
                "a {what} from {from} to {to} cannot get through ({}); TCP keeps retrying and it arrives once the partition heals at {} s",
                fault.describe(lang),
                *until_ms as f64 / 1000.0
            ),
            (KernelTold::MessageHeld { from, to, what, until_ms, fault, .. }, Zh) => format!(
                "{from} 发给 {to} 的 {what} 无法送达（{}）；TCP 会不断重传，分区在 {} 秒恢复后才送到",
                fault.describe(lang),
                *until_ms as f64 / 1000.0
            ),
            (KernelTold::RequestTimedOut { to, what, timeout_ms, failed }, En) => format!(
                "a {what} request to {to} got no answer within {timeout_ms} ms; the client closes that connection, failing {failed} request(s) on it"
            ),
            (KernelTold::RequestTimedOut { to, what, timeout_ms, failed }, Zh) => format!(
                "发给 {to} 的 {what} 请求在 {timeout_ms} 毫秒内没有响应；客户端关闭该连接，连接上的 {failed} 个请求全部失败"
            ),
        }
    }
}
