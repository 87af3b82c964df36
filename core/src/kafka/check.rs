//! Questions asked of the Kafka system: lesson checks ("all 3 partitions assigned, none twice"),
//! measures that answer predict-the-outcome questions, and checkers that scan the trace for
//! ordering and duplication problems (after Jepsen's checkers). All read the view, the logs or
//! the trace, never a node's insides.
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::system::Kafka;
use super::trace::{Event, Told};
use super::view::KafkaView;
use crate::check::Verdict;
use crate::scenario::{Text, TimedAction};

/// Walks the Kafka entries of the trace, oldest first, calling the visitor with each.
pub type EventWalk<'a> = &'a dyn Fn(&mut dyn FnMut(&Event));

/// What a check reads: the Kafka system, its view, the scenario's actions (record keys) and a
/// way to walk the Kafka entries of the trace, oldest first.
pub struct Read<'a> {
    pub kafka: &'a Kafka,
    pub view: &'a KafkaView,
    pub actions: &'a [TimedAction],
    pub events: EventWalk<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Every partition of `topic` has exactly one owner in `group`.
    AllPartitionsAssignedOnce { group: String, topic: String },
    /// The group has `count` members.
    GroupMembers { group: String, count: u32 },
    /// Exactly `count` members of the group own no partition.
    IdleConsumers { group: String, count: u32 },
    /// Every record with `key` in `topic` sits in a single partition (and there is at least one).
    KeyInOnePartition { topic: String, key: String },
    /// The group consumed every record with `key`, each partition's records in offset order.
    KeyConsumedInOrder { group: String, topic: String, key: String },
    /// The group's committed offsets have caught up: lag 0 on every partition it tracks.
    NoLag { group: String },
}

fn verdict(passed: bool, en: String, zh: String) -> Verdict {
    Verdict {
        passed,
        detail: Text { en, zh },
    }
}

impl Check {
    pub fn evaluate(&self, r: &Read<'_>) -> Verdict {
        let view = r.view;
        match self {
            Check::AllPartitionsAssignedOnce { group, topic } => {
                let Some(t) = view.topics.iter().find(|t| &t.name == topic) else {
                    return verdict(false, format!("no topic {topic}"), format!("没有主题 {topic}"));
                };
                let bad: Vec<String> = t
                    .partitions
                    .iter()
                    .filter(|p| p.owners.iter().filter(|(g, _)| g == group).count() != 1)
                    .map(|p| p.name.clone())
                    .collect();
                verdict(
                    bad.is_empty(),
                    if bad.is_empty() {
                        format!(
                            "all {} partitions of {topic} have exactly one owner in {group}",
                            t.partitions.len()
                        )
                    } else {
                        format!("not owned exactly once in {group}: {}", bad.join(", "))
                    },
                    if bad.is_empty() {
                        format!(
                            "{topic} 的 {} 个分区在 {group} 中都恰好只有一个消费者",
                            t.partitions.len()
                        )
                    } else {
                        format!("在 {group} 中没有恰好被分配一次的分区：{}", bad.join("，"))
                    },
                )
            }
            Check::GroupMembers { group, count } => {
                let n = members(view, group).len() as u32;
                verdict(
                    n == *count,
                    format!("{group} has {n} member(s), expected {count}"),
                    format!("{group} 有 {n} 个成员，期望 {count} 个"),
                )
            }
            Check::IdleConsumers { group, count } => {
                let n = idle(view, group).len() as u32;
                verdict(
                    n == *count,
                    format!("{n} idle member(s) in {group}, expected {count}"),
                    format!("{group} 中有 {n} 个空闲成员，期望 {count} 个"),
                )
            }
            Check::KeyInOnePartition { topic, key } => {
                let parts = partitions_holding(r, topic, key);
                let ok = parts.len() == 1;
                let list = parts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                verdict(
                    ok,
                    format!("records with key `{key}` are in partition(s) [{list}] of {topic}"),
                    format!("key 为 `{key}` 的消息位于 {topic} 的分区 [{list}]"),
                )
            }
            Check::KeyConsumedInOrder { group, topic, key } => {
                let in_log = records_with_key(r, topic, key);
                let consumed = consumed_by_group(r, group, topic, Some(key));
                let firsts = first_consumptions(&consumed);
                let in_order = per_partition_increasing(&firsts);
                let all = in_log.iter().all(|r| firsts.contains(r));
                verdict(
                    in_order && all && !in_log.is_empty(),
                    format!(
                        "{group} consumed {}/{} record(s) with key `{key}`, in order: {in_order}",
                        firsts.len(),
                        in_log.len()
                    ),
                    format!(
                        "{group} 消费了 key `{key}` 的 {}/{} 条消息，顺序正确：{}",
                        firsts.len(),
                        in_log.len(),
                        if in_order { "是" } else { "否" }
                    ),
                )
            }
            Check::NoLag { group } => {
                let lagging: Vec<String> = view
                    .groups
                    .iter()
                    .filter(|g| &g.id == group)
                    .flat_map(|g| g.offsets.iter())
                    .filter(|o| o.lag != Some(0) && o.log_end_offset > 0)
                    .map(|o| o.partition.clone())
                    .collect();
                verdict(
                    lagging.is_empty(),
                    format!("partitions with lag in {group}: [{}]", lagging.join(", ")),
                    format!("{group} 中有积压的分区：[{}]", lagging.join("，")),
                )
            }
        }
    }
}

/// A number or name read off the simulation, compared with a learner's prediction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    IdleConsumers {
        group: String,
    },
    GroupMembers {
        group: String,
    },
    /// The partition that holds the records with `key` (the first one, if several).
    PartitionOfKey {
        topic: String,
        key: String,
    },
    /// The consumer of `group` that owns the partition holding `key`.
    OwnerOfKey {
        group: String,
        topic: String,
        key: String,
    },
    /// Whether the group consumed the records of `key` in order: "yes" or "no".
    KeyConsumedInOrder {
        group: String,
        topic: String,
        key: String,
    },
    LogEndOffset {
        topic: String,
        partition: u32,
    },
    /// How many partitions hold records with `key`.
    PartitionsHoldingKey {
        topic: String,
        key: String,
    },
    /// The assignor the group's coordinator selected at its last join.
    GroupProtocol {
        group: String,
    },
    /// Partitions the group's members gave up to rejoin, over the whole run: everything they
    /// held at each eager rebalance, only what moves under the cooperative protocol.
    PartitionsGivenUp {
        group: String,
    },
}

impl Measure {
    pub fn evaluate(&self, r: &Read<'_>) -> Option<String> {
        let view = r.view;
        match self {
            Measure::IdleConsumers { group } => Some(idle(view, group).len().to_string()),
            Measure::GroupMembers { group } => Some(members(view, group).len().to_string()),
            Measure::PartitionOfKey { topic, key } => {
                partitions_holding(r, topic, key).first().map(ToString::to_string)
            }
            Measure::OwnerOfKey { group, topic, key } => {
                let p = *partitions_holding(r, topic, key).first()?;
                let t = view.topics.iter().find(|t| &t.name == topic)?;
                let part = t.partitions.iter().find(|x| x.partition == p)?;
                part.owners.iter().find(|(g, _)| g == group).map(|(_, c)| c.clone())
            }
            Measure::KeyConsumedInOrder { group, topic, key } => {
                let verdict = Check::KeyConsumedInOrder {
                    group: group.clone(),
                    topic: topic.clone(),
                    key: key.clone(),
                }
                .evaluate(r);
                Some(if verdict.passed { "yes" } else { "no" }.into())
            }
            Measure::PartitionsHoldingKey { topic, key } => Some(partitions_holding(r, topic, key).len().to_string()),
            Measure::GroupProtocol { group } => view.groups.iter().find(|g| &g.id == group)?.protocol.clone(),
            Measure::PartitionsGivenUp { group } => {
                let in_group: Vec<&str> = r
                    .kafka
                    .consumers
                    .iter()
                    .filter(|c| &c.spec.group == group)
                    .map(|c| c.spec.id.as_str())
                    .collect();
                let mut given_up = 0usize;
                (r.events)(&mut |e| {
                    if let Event::Told(told) = e {
                        match &**told {
                            Told::PartitionsRevoked {
                                consumer,
                                partitions,
                                rejoining: true,
                            }
                            | Told::CooperativeRevoke {
                                consumer, partitions, ..
                            } if in_group.contains(&consumer.as_str()) => given_up += partitions.len(),
                            _ => {}
                        }
                    }
                });
                Some(given_up.to_string())
            }
            Measure::LogEndOffset { topic, partition } => {
                let t = view.topics.iter().find(|t| &t.name == topic)?;
                t.partitions
                    .iter()
                    .find(|p| p.partition == *partition)
                    .map(|p| p.log_end_offset.to_string())
            }
        }
    }
}

fn members<'a>(view: &'a KafkaView, group: &str) -> Vec<&'a super::view::MemberView> {
    view.groups
        .iter()
        .filter(|g| g.id == group)
        .flat_map(|g| g.members.iter())
        .collect()
}

fn idle<'a>(view: &'a KafkaView, group: &str) -> Vec<&'a super::view::MemberView> {
    members(view, group)
        .into_iter()
        .filter(|m| m.partitions.is_empty())
        .collect()
}

fn partitions_holding(r: &Read<'_>, topic: &str, key: &str) -> Vec<u32> {
    let cluster = &r.kafka.cluster;
    let Some(t) = cluster.topic_index(topic) else {
        return Vec::new();
    };
    cluster.topics[t]
        .partitions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.log.iter().any(|id| r.kafka.records.key_is(r.actions, *id, key)))
        .map(|(i, _)| i as u32)
        .collect()
}

/// `(partition, offset)` of every record with `key` in the logs of `topic`.
fn records_with_key(r: &Read<'_>, topic: &str, key: &str) -> Vec<(u32, u64)> {
    let cluster = &r.kafka.cluster;
    let Some(t) = cluster.topic_index(topic) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (p, part) in cluster.topics[t].partitions.iter().enumerate() {
        out.extend(
            part.log
                .iter()
                .enumerate()
                .filter(|(_, id)| r.kafka.records.key_is(r.actions, **id, key))
                .map(|(o, _)| (p as u32, o as u64)),
        );
    }
    out
}

/// `(partition, offset)` consumed by members of `group`, in trace order (optionally one key only).
pub fn consumed_by_group(r: &Read<'_>, group: &str, topic: &str, key: Option<&str>) -> Vec<(u32, u64)> {
    let Some(t) = r.kafka.cluster.topic_index(topic) else {
        return Vec::new();
    };
    let in_group: Vec<u16> = r
        .kafka
        .consumers
        .iter()
        .filter(|c| c.spec.group == group)
        .map(|c| c.index)
        .collect();
    let mut out = Vec::new();
    (r.events)(&mut |e| {
        if let Event::RecordConsumed {
            consumer,
            topic,
            partition,
            offset,
            record,
        } = e
        {
            if usize::from(*topic) == t
                && in_group.contains(consumer)
                && key.is_none_or(|k| r.kafka.records.key_is(r.actions, *record, k))
            {
                out.push((*partition, u64::from(*offset)));
            }
        }
    });
    out
}

/// Keeps the first consumption of each record: redeliveries after a rebalance are duplicates,
/// not reorderings.
fn first_consumptions(consumed: &[(u32, u64)]) -> Vec<(u32, u64)> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for r in consumed {
        if seen.insert(*r, ()).is_none() {
            out.push(*r);
        }
    }
    out
}

fn per_partition_increasing(records: &[(u32, u64)]) -> bool {
    let mut last: BTreeMap<u32, u64> = BTreeMap::new();
    records.iter().all(|(p, o)| {
        let ok = last.get(p).is_none_or(|prev| o > prev);
        last.insert(*p, *o);
        ok
    })
}

/// Records a group consumed more than once (at-least-once redelivery after a rebalance or crash).
pub fn duplicates(r: &Read<'_>, group: &str, topic: &str) -> Vec<(u32, u64)> {
    let consumed = consumed_by_group(r, group, topic, None);
    let mut count: BTreeMap<(u32, u64), u32> = BTreeMap::new();
    for r in consumed {
        *count.entry(r).or_default() += 1;
    }
    count.into_iter().filter(|(_, n)| *n > 1).map(|(r, _)| r).collect()
}
