//! The network: one-way latency for every message, and the one fault layer every system shares.
//! Fault rules are windows of virtual time during which messages between nodes are lost (a
//! partition, a drop rate) or late (a delay, a slow node). The kernel consults them when a message
//! is sent, so a system never needs to know that faults exist: it sees lost answers as timeouts,
//! exactly as a real client does.
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::NodeId;

/// Most one-way latency a scenario may ask for.
pub const MAX_LATENCY_MS: u64 = 10_000;
/// Most fault rules in a scenario.
pub const MAX_FAULT_RULES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// One-way latency of every message is drawn uniformly from `latency_ms_min..=latency_ms_max`.
    pub latency_ms_min: u64,
    pub latency_ms_max: u64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            latency_ms_min: 1,
            latency_ms_max: 3,
        }
    }
}

/// A network fault that applies from `from_ms` until `until_ms` (forever when absent). Nodes are
/// named as the trace names them (`broker-0`, `c1`); `system:name` (`kafka:broker-0`) also works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultRule {
    /// The two nodes cannot reach each other, either way. What one sends the other waits (TCP
    /// retransmits it) and arrives, in order, once the partition heals at `until_ms`; without
    /// `until_ms` it never heals and the messages are lost. Requesters see their timeouts.
    Partition {
        between: [String; 2],
        #[serde(default)]
        from_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<u64>,
    },
    /// Messages from `from` to `to` (any node when omitted) are lost with `percent` % chance,
    /// drawn from the scenario's seed.
    Drop {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        percent: u32,
        #[serde(default)]
        from_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<u64>,
    },
    /// Messages from `from` to `to` (any node when omitted) take `extra_ms` longer.
    Delay {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        extra_ms: u64,
        #[serde(default)]
        from_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<u64>,
    },
    /// The node is slow: every message it receives waits `extra_ms` before it is handled.
    Slow {
        node: String,
        extra_ms: u64,
        #[serde(default)]
        from_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<u64>,
    },
}

impl FaultRule {
    pub fn window(&self) -> (u64, Option<u64>) {
        match self {
            FaultRule::Partition { from_ms, until_ms, .. }
            | FaultRule::Drop { from_ms, until_ms, .. }
            | FaultRule::Delay { from_ms, until_ms, .. }
            | FaultRule::Slow { from_ms, until_ms, .. } => (*from_ms, *until_ms),
        }
    }

    /// The node names the rule refers to, with a JSON path suffix for each.
    pub fn node_names(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        match self {
            FaultRule::Partition { between, .. } => {
                out.push(("between[0]", between[0].as_str()));
                out.push(("between[1]", between[1].as_str()));
            }
            FaultRule::Drop { from, to, .. } | FaultRule::Delay { from, to, .. } => {
                if let Some(f) = from {
                    out.push(("from", f.as_str()));
                }
                if let Some(t) = to {
                    out.push(("to", t.as_str()));
                }
            }
            FaultRule::Slow { node, .. } => out.push(("node", node.as_str())),
        }
        out
    }

    /// The rule in a few words: "partition between c1 and broker-0".
    pub fn describe(&self, lang: super::trace::Lang) -> String {
        use super::trace::Lang::{En, Zh};
        use alloc::format;
        let any = |n: &Option<String>| match (n, lang) {
            (Some(n), _) => n.clone(),
            (None, En) => "any node".into(),
            (None, Zh) => "任意节点".into(),
        };
        match (self, lang) {
            (FaultRule::Partition { between, .. }, En) => {
                format!("network partition between {} and {}", between[0], between[1])
            }
            (FaultRule::Partition { between, .. }, Zh) => format!("{} 与 {} 之间网络分区", between[0], between[1]),
            (FaultRule::Drop { from, to, percent, .. }, En) => {
                format!("{percent}% of messages from {} to {} are dropped", any(from), any(to))
            }
            (FaultRule::Drop { from, to, percent, .. }, Zh) => {
                format!("从 {} 到 {} 的消息有 {percent}% 被丢弃", any(from), any(to))
            }
            (FaultRule::Delay { from, to, extra_ms, .. }, En) => {
                format!("messages from {} to {} are delayed {extra_ms} ms", any(from), any(to))
            }
            (FaultRule::Delay { from, to, extra_ms, .. }, Zh) => {
                format!("从 {} 到 {} 的消息延迟 {extra_ms} 毫秒", any(from), any(to))
            }
            (FaultRule::Slow { node, extra_ms, .. }, En) => {
                format!("{node} is slow: each message it receives waits {extra_ms} ms")
            }
            (FaultRule::Slow { node, extra_ms, .. }, Zh) => {
                format!("{node} 变慢：它收到的每条消息都要多等 {extra_ms} 毫秒")
            }
        }
    }

    /// What the rule does, in a word.
    pub fn label(&self) -> &'static str {
        match self {
            FaultRule::Partition { .. } => "partition",
            FaultRule::Drop { .. } => "drop",
            FaultRule::Delay { .. } => "delay",
            FaultRule::Slow { .. } => "slow",
        }
    }
}

/// A node's process dies or starts again, at a moment of the scenario:
/// `{"at_ms": 5000, "fault": {"do": "crash", "node": "broker-0"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum NodeFault {
    /// The process is killed: no goodbye to anyone; what it kept on disk survives.
    Crash { node: String },
    /// The process starts again.
    Restart { node: String },
}

impl NodeFault {
    pub fn node(&self) -> &str {
        match self {
            NodeFault::Crash { node } | NodeFault::Restart { node } => node,
        }
    }
}

/// A rule with its node names resolved. A name not known yet (a consumer added later) resolves
/// when its node registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Compiled {
    pub(crate) kind: CompiledKind,
    pub(crate) from_ms: u64,
    pub(crate) until_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompiledKind {
    Partition(Option<NodeId>, Option<NodeId>),
    Drop {
        from: Option<Option<NodeId>>,
        to: Option<Option<NodeId>>,
        percent: u32,
    },
    Delay {
        from: Option<Option<NodeId>>,
        to: Option<Option<NodeId>>,
        extra_ms: u64,
    },
    Slow(Option<NodeId>, u64),
}

impl Compiled {
    pub(crate) fn new(rule: &FaultRule, resolve: &dyn Fn(&str) -> Option<NodeId>) -> Compiled {
        let (from_ms, until_ms) = rule.window();
        let any = |n: &Option<String>| n.as_ref().map(|n| resolve(n));
        let kind = match rule {
            FaultRule::Partition { between, .. } => CompiledKind::Partition(resolve(&between[0]), resolve(&between[1])),
            FaultRule::Drop { from, to, percent, .. } => CompiledKind::Drop {
                from: any(from),
                to: any(to),
                percent: *percent,
            },
            FaultRule::Delay { from, to, extra_ms, .. } => CompiledKind::Delay {
                from: any(from),
                to: any(to),
                extra_ms: *extra_ms,
            },
            FaultRule::Slow { node, extra_ms, .. } => CompiledKind::Slow(resolve(node), *extra_ms),
        };
        Compiled {
            kind,
            from_ms,
            until_ms: until_ms.unwrap_or(u64::MAX),
        }
    }

    pub(crate) fn active(&self, now_ms: u64) -> bool {
        self.from_ms <= now_ms && now_ms < self.until_ms
    }
}

/// `None` matches any node; `Some(None)` names a node that does not exist (yet) and matches none.
pub(crate) fn matches(filter: &Option<Option<NodeId>>, node: NodeId) -> bool {
    match filter {
        None => true,
        Some(id) => *id == Some(node),
    }
}
