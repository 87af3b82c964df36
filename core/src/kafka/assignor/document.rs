//! The assignor lab's document, read by `mqplay assign` and the page's lab: topics (partition
//! counts, or the racks of each partition's replicas), members (id, subscriptions,
//! `group.instance.id`, `client.rack`, owned partitions and their generation) and which
//! assignors to run. The report gives every assignor's assignment (and, for the cooperative
//! one, what each member must revoke first) and a sentence per partition saying why it went
//! where it did.
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::{assign, AssignError, AssignOutcome, AssignorName, GroupInput, MemberSubscription, TopicMetadata};
use crate::scenario::{err, parse_document, ScenarioError};
use crate::Lang;

/// Members per document: the bench's 1 000-consumer group fits.
pub const MAX_MEMBERS: usize = 1_000;
pub const MAX_TOPICS: usize = 100;
pub const MAX_PARTITIONS_PER_TOPIC: u32 = 1_000;
/// Partitions over all topics; with 1 000 members the general sticky builder's balancing loop
/// stays under a second natively.
pub const MAX_PARTITIONS: u32 = 10_000;
pub const MAX_NAME_CHARS: usize = 249;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TopicDoc {
    pub name: String,
    /// Partition count; may be left out when `racks` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// The racks of each partition's replicas (`broker.rack` of the brokers holding them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub racks: Option<Vec<Vec<String>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MemberDoc {
    pub id: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// `group.instance.id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// `client.rack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<String>,
    /// Partitions it owned in `generation`, by topic.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub owned: BTreeMap<String, Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AssignDocument {
    #[serde(default)]
    pub topics: Vec<TopicDoc>,
    #[serde(default)]
    pub members: Vec<MemberDoc>,
    /// Protocol names (`range`, `roundrobin`, `sticky`, `cooperative-sticky`) or class names;
    /// all four when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignors: Option<Vec<String>>,
}

impl AssignDocument {
    pub fn from_json(text: &str) -> Result<AssignDocument, Vec<ScenarioError>> {
        if text.len() > crate::scenario::MAX_DOCUMENT_BYTES {
            return Err(alloc::vec![err(
                "",
                format!(
                    "the document is {} bytes; the limit is {} bytes",
                    text.len(),
                    crate::scenario::MAX_DOCUMENT_BYTES
                )
            )]);
        }
        let doc: AssignDocument = parse_document(text)?;
        doc.validate()?;
        Ok(doc)
    }

    pub fn assignors(&self) -> Vec<AssignorName> {
        match &self.assignors {
            None => AssignorName::ALL.to_vec(),
            Some(names) => names.iter().filter_map(|n| AssignorName::parse(n)).collect(),
        }
    }

    /// Every problem at once, each at its JSON path.
    pub fn validate(&self) -> Result<(), Vec<ScenarioError>> {
        let mut errors = Vec::new();
        if self.members.len() > MAX_MEMBERS {
            errors.push(err(
                "members",
                format!("{} members; the limit is {MAX_MEMBERS}", self.members.len()),
            ));
        }
        if self.topics.len() > MAX_TOPICS {
            errors.push(err(
                "topics",
                format!("{} topics; the limit is {MAX_TOPICS}", self.topics.len()),
            ));
        }
        let mut total: u64 = 0;
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for (i, t) in self.topics.iter().enumerate() {
            let at = format!("topics[{i}]");
            if let Some(why) = name_problem(&t.name) {
                errors.push(err(format!("{at}.name"), why));
            }
            if counts.contains_key(t.name.as_str()) {
                errors.push(err(format!("{at}.name"), format!("topic `{}` is listed twice", t.name)));
            }
            let n = match (t.partitions, &t.racks) {
                (None, None) => {
                    errors.push(err(
                        format!("{at}.partitions"),
                        "give a partition count or the racks of each partition",
                    ));
                    0
                }
                (Some(n), Some(r)) if r.len() as u64 != u64::from(n) => {
                    errors.push(err(
                        format!("{at}.racks"),
                        format!("lists {} partitions but `partitions` says {n}", r.len()),
                    ));
                    n
                }
                (Some(n), _) => n,
                (None, Some(r)) => r.len() as u32,
            };
            if n == 0 || n > MAX_PARTITIONS_PER_TOPIC {
                let field = if t.partitions.is_some() { "partitions" } else { "racks" };
                errors.push(err(
                    format!("{at}.{field}"),
                    format!("{n} partitions; a topic has 1 to {MAX_PARTITIONS_PER_TOPIC}"),
                ));
            }
            for (p, racks) in t.racks.iter().flatten().enumerate() {
                for (j, rack) in racks.iter().enumerate() {
                    if rack.is_empty() || rack.chars().count() > MAX_NAME_CHARS {
                        errors.push(err(format!("{at}.racks[{p}][{j}]"), "a rack is 1 to 249 characters"));
                    }
                }
            }
            total += u64::from(n);
            counts.insert(&t.name, n);
        }
        if total > u64::from(MAX_PARTITIONS) {
            errors.push(err(
                "topics",
                format!("{total} partitions in all; the limit is {MAX_PARTITIONS}"),
            ));
        }
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, m) in self.members.iter().enumerate() {
            let at = format!("members[{i}]");
            if let Some(why) = name_problem(&m.id) {
                errors.push(err(format!("{at}.id"), why));
            }
            if let Some(first) = ids.insert(&m.id, i) {
                errors.push(err(
                    format!("{at}.id"),
                    format!("member `{}` is also members[{first}]", m.id),
                ));
            }
            if m.topics.len() > MAX_TOPICS {
                errors.push(err(format!("{at}.topics"), format!("at most {MAX_TOPICS} topics")));
            }
            for (j, t) in m.topics.iter().enumerate() {
                if let Some(why) = name_problem(t) {
                    errors.push(err(format!("{at}.topics[{j}]"), why));
                }
            }
            if let Some(instance) = &m.instance {
                if let Some(why) = name_problem(instance) {
                    errors.push(err(format!("{at}.instance"), why));
                }
            }
            if m.rack.as_ref().is_some_and(|r| r.chars().count() > MAX_NAME_CHARS) {
                errors.push(err(format!("{at}.rack"), "a rack is at most 249 characters"));
            }
            let mut owned_total = 0usize;
            for (topic, partitions) in &m.owned {
                owned_total += partitions.len();
                if let Some(why) = name_problem(topic) {
                    errors.push(err(format!("{at}.owned.{topic}"), why));
                }
                for (j, p) in partitions.iter().enumerate() {
                    if *p > i32::MAX as u32 {
                        errors.push(err(
                            format!("{at}.owned.{topic}[{j}]"),
                            "a partition number is at most 2147483647",
                        ));
                    }
                }
            }
            if owned_total > MAX_PARTITIONS as usize {
                errors.push(err(
                    format!("{at}.owned"),
                    format!("at most {MAX_PARTITIONS} owned partitions"),
                ));
            }
        }
        for (i, name) in self.assignors.iter().flatten().enumerate() {
            if AssignorName::parse(name).is_none() {
                errors.push(err(
                    format!("assignors[{i}]"),
                    format!("`{name}` is not an assignor; use range, roundrobin, sticky or cooperative-sticky"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The assignors' input: members and topics in document order (the order Kafka's caller
    /// inserted them in its maps).
    pub fn input(&self) -> GroupInput {
        GroupInput {
            members: self
                .members
                .iter()
                .map(|m| MemberSubscription {
                    member_id: m.id.clone(),
                    group_instance_id: m.instance.clone(),
                    rack: m.rack.clone(),
                    topics: m.topics.clone(),
                    owned: m
                        .owned
                        .iter()
                        .flat_map(|(t, ps)| ps.iter().map(move |p| (t.clone(), *p)))
                        .collect(),
                    generation: m.generation,
                })
                .collect(),
            topics: self
                .topics
                .iter()
                .map(|t| match &t.racks {
                    Some(racks) => TopicMetadata {
                        name: t.name.clone(),
                        partition_racks: racks.clone(),
                    },
                    None => TopicMetadata::without_racks(&t.name, t.partitions.unwrap_or(0)),
                })
                .collect(),
        }
    }
}

fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("must not be empty")
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some("at most 249 characters")
    } else {
        None
    }
}

/// One assignor's result, as the runner prints it: `{"assignment": {member: {topic: [p]}}}`,
/// plus `revoked` for the cooperative assignor, or `{"error": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignorReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment: Option<BTreeMap<String, BTreeMap<String, Vec<u32>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<BTreeMap<String, BTreeMap<String, Vec<u32>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `--lang`: a sentence per partition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
    /// How balanced and how sticky the result is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<AssignSummary>,
}

/// Fewest and most partitions per member, and of the partitions some member owned before, how
/// many stayed with an owner and how many moved (or wait to move, for the cooperative assignor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AssignSummary {
    pub min: u32,
    pub max: u32,
    pub kept: u32,
    pub moved: u32,
}

fn summary_of(input: &GroupInput, outcome: &AssignOutcome) -> AssignSummary {
    let sizes = outcome.assignment.values().map(|l| l.len() as u32);
    let (mut kept, mut moved) = (0, 0);
    for m in &input.members {
        for tp in &m.owned {
            if outcome.assignment.get(&m.member_id).is_some_and(|l| l.contains(tp)) {
                kept += 1;
            } else if input.topic(&tp.0).is_some_and(|t| tp.1 < t.partitions()) {
                moved += 1;
            }
        }
    }
    AssignSummary {
        min: sizes.clone().min().unwrap_or(0),
        max: sizes.max().unwrap_or(0),
        kept,
        moved,
    }
}

fn by_topic(list: &[super::TopicPartition]) -> BTreeMap<String, Vec<u32>> {
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (t, p) in list {
        out.entry(t.clone()).or_default().push(*p);
    }
    out
}

pub fn report_of(
    assignor: AssignorName,
    input: &GroupInput,
    result: &Result<AssignOutcome, AssignError>,
    lang: Option<Lang>,
) -> AssignorReport {
    match result {
        Ok(outcome) => AssignorReport {
            assignment: Some(
                outcome
                    .assignment
                    .iter()
                    .map(|(m, l)| (m.clone(), by_topic(l)))
                    .collect(),
            ),
            revoked: assignor
                .cooperative()
                .then(|| outcome.revoked.iter().map(|(m, l)| (m.clone(), by_topic(l))).collect()),
            error: None,
            why: lang.map(|l| explain(assignor, input, outcome, l)).unwrap_or_default(),
            summary: Some(summary_of(input, outcome)),
        },
        Err(e) => AssignorReport {
            assignment: None,
            revoked: None,
            error: Some(e.to_string()),
            why: Vec::new(),
            summary: None,
        },
    }
}

/// Runs the document's assignors: `assignor name -> report`, in the document's order.
pub fn run(doc: &AssignDocument, lang: Option<Lang>) -> Vec<(AssignorName, AssignorReport)> {
    let input = doc.input();
    doc.assignors()
        .into_iter()
        .map(|a| {
            let result = assign(a, &input);
            (a, report_of(a, &input, &result, lang))
        })
        .collect()
}

/// The report as one JSON object keyed by assignor name.
pub fn to_json(reports: &[(AssignorName, AssignorReport)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = reports
        .iter()
        .map(|(a, r)| (String::from(a.name()), serde_json::to_value(r).unwrap_or_default()))
        .collect();
    serde_json::to_string(&serde_json::Value::Object(map)).unwrap_or_default()
}

/// Why a partition went where it went, read off the input and the result (the same for the lab
/// and the runner), and why a member got nothing.
pub fn explain(assignor: AssignorName, input: &GroupInput, outcome: &AssignOutcome, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut owner: BTreeMap<(&str, u32), &str> = BTreeMap::new();
    for (m, list) in &outcome.assignment {
        for (t, p) in list {
            owner.insert((t.as_str(), *p), m.as_str());
        }
    }
    let member = |id: &str| input.members.iter().find(|m| m.member_id == id);
    let mut out = Vec::new();
    for t in &input.topics {
        if !input.members.iter().any(|m| m.topics.contains(&t.name)) {
            continue;
        }
        for p in 0..t.partitions() {
            let tp = format!("{}-{p}", t.name);
            let previous: Vec<&str> = input
                .members
                .iter()
                .filter(|m| m.owned.iter().any(|(ot, op)| *ot == t.name && *op == p))
                .map(|m| m.member_id.as_str())
                .collect();
            let Some(&to) = owner.get(&(t.name.as_str(), p)) else {
                let from = previous.first().copied().unwrap_or("?");
                out.push(if zh {
                    format!("{tp}：{from} 必须先撤销它，下一轮重平衡再分给新成员（协作式两步）")
                } else {
                    format!(
                        "{tp}: {from} must revoke it first; the next rebalance hands it on (cooperative, two steps)"
                    )
                });
                continue;
            };
            let local = member(to)
                .and_then(|m| m.rack())
                .filter(|r| t.partition_racks[p as usize].iter().any(|x| x == r));
            let rack_note = match (local, zh) {
                (Some(r), false) => format!(", a replica is on its rack {r}"),
                (Some(r), true) => format!("，且它所在机架 {r} 上有副本"),
                (None, _) => String::new(),
            };
            let kept = previous.contains(&to);
            let sentence = match (assignor, kept, zh) {
                (AssignorName::Sticky | AssignorName::CooperativeSticky, true, false) => {
                    format!("{tp} → {to}: it owned it and keeps it (sticky){rack_note}")
                }
                (AssignorName::Sticky | AssignorName::CooperativeSticky, true, true) => {
                    format!("{tp} → {to}：它原本就拥有，继续保留（粘性）{rack_note}")
                }
                (AssignorName::Sticky | AssignorName::CooperativeSticky, false, false) if !previous.is_empty() => {
                    format!(
                        "{tp} → {to}: moved from {} to balance the group{rack_note}",
                        previous.join(", ")
                    )
                }
                (AssignorName::Sticky | AssignorName::CooperativeSticky, false, true) if !previous.is_empty() => {
                    format!("{tp} → {to}：为平衡负载从 {} 移过来{rack_note}", previous.join("、"))
                }
                (AssignorName::Range, _, false) => {
                    format!("{tp} → {to}: its contiguous range of {}{rack_note}", t.name)
                }
                (AssignorName::Range, _, true) => format!("{tp} → {to}：{} 的连续区间{rack_note}", t.name),
                (AssignorName::RoundRobin, _, false) => {
                    format!("{tp} → {to}: next in turn among the members subscribed to {}", t.name)
                }
                (AssignorName::RoundRobin, _, true) => format!("{tp} → {to}：订阅 {} 的成员中轮到它", t.name),
                (_, _, false) => format!("{tp} → {to}: unowned, given to the least loaded member{rack_note}"),
                (_, _, true) => format!("{tp} → {to}：无人拥有，分给负载最少的成员{rack_note}"),
            };
            out.push(sentence);
        }
    }
    for m in &input.members {
        if !outcome.assignment.get(&m.member_id).is_some_and(|l| l.is_empty()) {
            continue;
        }
        let missing: Vec<&str> = m
            .topics
            .iter()
            .filter(|t| input.topic(t).is_none())
            .map(String::as_str)
            .collect();
        out.push(match (m.topics.is_empty(), missing.len() == m.topics.len(), zh) {
            (true, _, false) => format!("{} gets nothing: it subscribes to no topic", m.member_id),
            (true, _, true) => format!("{} 什么也没分到：它没有订阅任何 topic", m.member_id),
            (false, true, false) => format!(
                "{} gets nothing: {} does not exist yet (Kafka assigns only topics in the metadata)",
                m.member_id,
                missing.join(", ")
            ),
            (false, true, true) => format!(
                "{} 什么也没分到：{} 还不存在（Kafka 只分配元数据里有的 topic）",
                m.member_id,
                missing.join("、")
            ),
            (false, false, false) => format!(
                "{} gets nothing: more members than partitions for its topics, so it idles",
                m.member_id
            ),
            (false, false, true) => format!("{} 什么也没分到：成员比它订阅的分区多，只能空闲", m.member_id),
        });
    }
    out
}

/// The lab's form: every field as the learner typed it. [`LabForm::document`] reads it into a
/// document, each problem at the JSON path of the field it came from (`members[1].owned`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabForm {
    pub topics: Vec<LabTopic>,
    pub members: Vec<LabMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabTopic {
    pub name: String,
    /// A partition count.
    pub partitions: String,
    /// Racks of the replicas: `a b c` gives partition p the rack at p mod 3; `a,b | b | c` lists
    /// each partition's racks; empty for none.
    pub racks: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabMember {
    pub id: String,
    /// Topics, separated by commas or spaces.
    pub topics: String,
    pub instance: String,
    pub rack: String,
    /// Owned partitions as Kafka prints them: `orders-0 orders-1`.
    pub owned: String,
    pub generation: String,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.into())
}

impl LabForm {
    pub fn document(&self) -> Result<AssignDocument, Vec<ScenarioError>> {
        let mut errors = Vec::new();
        let mut doc = AssignDocument::default();
        for (i, t) in self.topics.iter().enumerate() {
            let at = format!("topics[{i}]");
            let count = t.partitions.trim().parse::<u32>();
            if count.is_err() {
                errors.push(err(format!("{at}.partitions"), "give a whole number of partitions"));
            }
            let count = count.unwrap_or(0);
            let racks = if words(&t.racks).next().is_none() {
                None
            } else if t.racks.contains('|') {
                let per_partition: Vec<Vec<String>> = t
                    .racks
                    .split('|')
                    .map(|p| words(p).map(String::from).collect())
                    .collect();
                if per_partition.len() as u32 != count {
                    errors.push(err(
                        format!("{at}.racks"),
                        format!("lists {} partitions; the topic has {count}", per_partition.len()),
                    ));
                }
                Some(per_partition)
            } else {
                let cycle: Vec<String> = words(&t.racks).map(String::from).collect();
                Some(
                    (0..count as usize)
                        .map(|p| alloc::vec![cycle[p % cycle.len()].clone()])
                        .collect(),
                )
            };
            doc.topics.push(TopicDoc {
                name: t.name.trim().into(),
                partitions: Some(count),
                racks,
            });
        }
        for (i, m) in self.members.iter().enumerate() {
            let at = format!("members[{i}]");
            let mut owned: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            for word in words(&m.owned) {
                match word.rsplit_once('-').map(|(t, p)| (t, p.parse::<u32>())) {
                    Some((topic, Ok(p))) if !topic.is_empty() => owned.entry(topic.into()).or_default().push(p),
                    _ => errors.push(err(
                        format!("{at}.owned"),
                        format!("`{word}` is not a partition: write topic-number, as orders-0"),
                    )),
                }
            }
            let generation = match non_empty(&m.generation) {
                None => None,
                Some(g) => match g.parse::<i32>() {
                    Ok(g) => Some(g),
                    Err(_) => {
                        errors.push(err(
                            format!("{at}.generation"),
                            "give a whole number, or leave it empty",
                        ));
                        None
                    }
                },
            };
            doc.members.push(MemberDoc {
                id: m.id.trim().into(),
                topics: words(&m.topics).map(String::from).collect(),
                instance: non_empty(&m.instance),
                rack: non_empty(&m.rack),
                owned,
                generation,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        doc.validate()?;
        Ok(doc)
    }

    /// The form a document reads back as (presets, "use this group").
    pub fn of(doc: &AssignDocument) -> LabForm {
        LabForm {
            topics: doc
                .topics
                .iter()
                .map(|t| {
                    let racks = t.racks.as_ref().map_or_else(String::new, |r| {
                        let lists: Vec<String> = r.iter().map(|p| p.join(",")).collect();
                        lists.join(" | ")
                    });
                    LabTopic {
                        name: t.name.clone(),
                        partitions: t
                            .partitions
                            .or(t.racks.as_ref().map(|r| r.len() as u32))
                            .unwrap_or(0)
                            .to_string(),
                        racks,
                    }
                })
                .collect(),
            members: doc
                .members
                .iter()
                .map(|m| LabMember {
                    id: m.id.clone(),
                    topics: m.topics.join(", "),
                    instance: m.instance.clone().unwrap_or_default(),
                    rack: m.rack.clone().unwrap_or_default(),
                    owned: m
                        .owned
                        .iter()
                        .flat_map(|(t, ps)| ps.iter().map(move |p| format!("{t}-{p}")))
                        .collect::<Vec<_>>()
                        .join(" "),
                    generation: m.generation.map(|g| g.to_string()).unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// `members[1].owned` as a learner reads it: "member 2 · owned".
pub fn field_label(path: &str, lang: Lang) -> String {
    let mut parts = path.splitn(2, '.');
    let head = parts.next().unwrap_or("");
    let field = parts.next();
    let (list, index) = match head.split_once('[') {
        Some((list, rest)) => (list, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    let what = match (list, lang) {
        ("topics", Lang::En) => "topic",
        ("topics", Lang::Zh) => "主题",
        ("members", Lang::En) => "member",
        ("members", Lang::Zh) => "成员",
        (other, _) => other,
    };
    let row = index.map_or_else(|| String::from(what), |i| format!("{what} {}", i + 1));
    match field {
        Some(f) => format!("{row} · {f}"),
        None => row,
    }
}

/// A few documents to start from, with Kafka's own examples among them (en title, zh title).
pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "Kafka's javadoc: three members, unequal subscriptions",
        "Kafka 文档示例：三个成员订阅不同",
        include_str!("../../../data/assign/javadoc-unequal.json"),
    ),
    (
        "A member leaves: who keeps what",
        "一个成员离开：谁保留了什么",
        include_str!("../../../data/assign/member-leaves.json"),
    ),
    (
        "Racks: members on a, b, c (KIP-881)",
        "机架：成员分布在 a、b、c（KIP-881）",
        include_str!("../../../data/assign/racks.json"),
    ),
    (
        "More members than partitions",
        "成员多于分区",
        include_str!("../../../data/assign/idle-members.json"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let e = AssignDocument::from_json(
            r#"{"topics": [{"name": "t", "partitions": 0}, {"name": "u", "partitions": 2, "racks": [["a"]]}],
                "members": [{"id": "c", "topics": ["t"]}, {"id": "c"}], "assignors": ["fair"]}"#,
        )
        .unwrap_err();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "topics[0].partitions",
                "topics[1].racks",
                "members[1].id",
                "assignors[0]"
            ]
        );
        let e = AssignDocument::from_json(r#"{"members": [{"id": "c", "topic": ["t"]}]}"#).unwrap_err();
        assert_eq!(e[0].path, "members[0].topic");
    }

    #[test]
    fn the_form_reads_as_a_document_and_back() {
        let form = LabForm {
            topics: alloc::vec![
                LabTopic {
                    name: "orders".into(),
                    partitions: "4".into(),
                    racks: "a b".into()
                },
                LabTopic {
                    name: "pay".into(),
                    partitions: "2".into(),
                    racks: "a,b | c".into()
                },
            ],
            members: alloc::vec![LabMember {
                id: "c1".into(),
                topics: "orders, pay".into(),
                rack: "a".into(),
                owned: "orders-0 pay-1".into(),
                generation: "3".into(),
                ..LabMember::default()
            }],
        };
        let doc = form.document().unwrap();
        assert_eq!(doc.topics[0].racks.as_ref().unwrap()[3], ["b"]);
        assert_eq!(doc.topics[1].racks.as_ref().unwrap()[0], ["a", "b"]);
        assert_eq!(doc.members[0].owned["pay"], [1]);
        assert_eq!(doc.members[0].generation, Some(3));
        assert_eq!(LabForm::of(&doc).document().unwrap(), doc);
        let bad = LabForm {
            topics: alloc::vec![LabTopic {
                name: "t".into(),
                partitions: "many".into(),
                ..LabTopic::default()
            }],
            members: alloc::vec![LabMember {
                id: "c".into(),
                owned: "t0".into(),
                ..LabMember::default()
            }],
        };
        let paths: Vec<String> = bad.document().unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["topics[0].partitions", "members[0].owned"]);
        assert_eq!(field_label("members[0].owned", Lang::En), "member 1 · owned");
        assert_eq!(field_label("topics[2].racks", Lang::Zh), "主题 3 · racks");
    }

    #[test]
    fn presets_are_valid_documents() {
        for (en, _, text) in PRESETS {
            AssignDocument::from_json(text).unwrap_or_else(|e| panic!("{en}: {e:?}"));
        }
    }

    #[test]
    fn report_prints_every_assignor_by_protocol_name() {
        let doc = AssignDocument::from_json(
            r#"{"topics": [{"name": "t", "partitions": 3}],
                "members": [{"id": "c1", "topics": ["t"]}, {"id": "c2", "topics": ["t"]}, {"id": "idle", "topics": ["later"]}],
                "assignors": ["range", "org.apache.kafka.clients.consumer.RoundRobinAssignor"]}"#,
        )
        .unwrap();
        let reports = run(&doc, Some(Lang::En));
        let json = to_json(&reports);
        assert!(
            json.starts_with(r#"{"range":{"assignment":{"c1":{"t":[0,1]},"c2":{"t":[2]},"idle":{}}"#),
            "{json}"
        );
        assert!(
            json.contains(r#""roundrobin":{"assignment":{"c1":{"t":[0,2]},"c2":{"t":[1]},"idle":{}}"#),
            "{json}"
        );
        assert!(json.contains("idle gets nothing: later does not exist yet"), "{json}");
    }
}
