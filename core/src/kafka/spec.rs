//! Kafka's part of a scenario: the cluster and its clients (`kafka` section), the operations a
//! scenario can run on it (`{"kafka": {"do": ...}}` actions), their validation, and an estimate of
//! what a document will cost to run (see `crate::budget`).
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::budget::Cost;
use crate::scenario::{err, ScenarioError, MAX_KEY_BYTES, MAX_NAME_BYTES, MAX_VALUE_BYTES};

pub const MAX_BROKERS: u32 = 9;
pub const MAX_TOPICS: usize = 8;
pub const MAX_PARTITIONS: u32 = 64;
pub const MAX_PRODUCERS: usize = 8;
pub const MAX_CONSUMERS: usize = 32;
pub const MAX_PRODUCE_MANY: u32 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSpec {
    /// Brokers get ids `0..brokers` (Kafka's `node.id`).
    pub brokers: u32,
    pub topics: Vec<TopicSpec>,
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// `broker.rack` of each broker, by id (none when left out). A partition's replica racks,
    /// which rack-aware assignors match against `client.rack` (KIP-881), come from these.
    #[serde(default, alias = "broker.rack", skip_serializing_if = "Vec::is_empty")]
    pub broker_racks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub id: String,
    /// `batch.size`, default 16384 bytes. Also the sticky partitioner's switch threshold (KIP-794).
    #[serde(default = "default_batch_size", alias = "batch.size")]
    pub batch_size_bytes: u32,
    /// `linger.ms`: default 5 since Kafka 4.0 (KIP-1030; it was 0 before).
    #[serde(default = "default_linger", alias = "linger.ms")]
    pub linger_ms: u64,
}

fn default_batch_size() -> u32 {
    16_384
}
fn default_linger() -> u64 {
    5
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    pub id: String,
    /// `group.id`.
    #[serde(alias = "group.id")]
    pub group: String,
    pub topics: Vec<String>,
    /// `auto.offset.reset`: Kafka's default is `latest`.
    #[serde(default, alias = "auto.offset.reset")]
    pub auto_offset_reset: OffsetReset,
    /// `enable.auto.commit`, default true.
    #[serde(default = "default_true", alias = "enable.auto.commit")]
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`, default 5000.
    #[serde(default = "default_auto_commit_interval", alias = "auto.commit.interval.ms")]
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms`, default 45000 since Kafka 3.0 (KIP-735).
    #[serde(default = "default_session_timeout", alias = "session.timeout.ms")]
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`, default 3000.
    #[serde(default = "default_heartbeat_interval", alias = "heartbeat.interval.ms")]
    pub heartbeat_interval_ms: u64,
    /// `partition.assignment.strategy`: assignors in order of preference, by protocol name
    /// (`range`, `roundrobin`, `sticky`, `cooperative-sticky`) or class name. Kafka's default is
    /// `[RangeAssignor, CooperativeStickyAssignor]` (since 3.0).
    #[serde(
        default = "default_assignment_strategy",
        alias = "partition.assignment.strategy",
        skip_serializing_if = "is_default_assignment_strategy"
    )]
    pub assignment_strategy: Vec<String>,
    /// `client.rack` (KIP-881: rack-aware assignment), none by default.
    #[serde(default, alias = "client.rack", skip_serializing_if = "Option::is_none")]
    pub client_rack: Option<String>,
    /// `group.instance.id` (KIP-345 static membership), none by default. Two consumers may
    /// share one: the later fences the earlier, as two processes started with the same id do.
    #[serde(default, alias = "group.instance.id", skip_serializing_if = "Option::is_none")]
    pub group_instance_id: Option<String>,
    /// What the application's `ConsumerRebalanceListener` does: nothing (Kafka's default
    /// `NoOpConsumerRebalanceListener`), or `commit_on_revoke`, a `commitSync()` of what it
    /// consumed in `onPartitionsRevoked` (the usual pattern with `enable.auto.commit=false`).
    #[serde(default, skip_serializing_if = "RebalanceListener::is_none")]
    pub rebalance_listener: RebalanceListener,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebalanceListener {
    #[default]
    None,
    CommitOnRevoke,
}

impl RebalanceListener {
    fn is_none(&self) -> bool {
        *self == RebalanceListener::None
    }
}

impl ConsumerSpec {
    /// A consumer with Kafka's defaults (as a document that names only these three fields).
    pub fn with_defaults(id: &str, group: &str, topics: Vec<String>) -> ConsumerSpec {
        ConsumerSpec {
            id: id.into(),
            group: group.into(),
            topics,
            auto_offset_reset: OffsetReset::default(),
            enable_auto_commit: true,
            auto_commit_interval_ms: default_auto_commit_interval(),
            session_timeout_ms: default_session_timeout(),
            heartbeat_interval_ms: default_heartbeat_interval(),
            assignment_strategy: default_assignment_strategy(),
            client_rack: None,
            group_instance_id: None,
            rebalance_listener: RebalanceListener::None,
        }
    }

    /// The configured assignors, in order (validation refused unknown names).
    pub fn assignors(&self) -> Vec<crate::kafka::assignor::AssignorName> {
        self.assignment_strategy
            .iter()
            .filter_map(|n| crate::kafka::assignor::AssignorName::parse(n))
            .collect()
    }

    /// `ConsumerCoordinator`'s rebalance protocol: the highest one every configured assignor
    /// supports, so COOPERATIVE only when all of them are cooperative.
    pub fn cooperative(&self) -> bool {
        let assignors = self.assignors();
        !assignors.is_empty() && assignors.iter().all(|a| a.cooperative())
    }
}

fn default_assignment_strategy() -> Vec<String> {
    alloc::vec!["range".into(), "cooperative-sticky".into()]
}

fn is_default_assignment_strategy(v: &[String]) -> bool {
    v.len() == 2 && v[0] == "range" && v[1] == "cooperative-sticky"
}

fn default_true() -> bool {
    true
}
fn default_auto_commit_interval() -> u64 {
    5_000
}
fn default_session_timeout() -> u64 {
    45_000
}
fn default_heartbeat_interval() -> u64 {
    3_000
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    #[default]
    Latest,
}

impl OffsetReset {
    pub fn name(self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
        }
    }
}

/// What a Kafka client or administrator does at a moment of the scenario. Crashes and restarts of
/// brokers and consumers are faults (`{"fault": {"do": "crash", "node": "broker-0"}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// The application calls `producer.send(new ProducerRecord(topic, key, value))`.
    Produce {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        value: String,
    },
    /// `count` sends in a row; record `i` has key `{key_prefix}-{i % distinct_keys}` (no key when
    /// `key_prefix` is absent) and a value of `value_bytes` bytes. Large counts run in slices of
    /// `producer::SEND_SLICE` sends, and `send()` blocks while `buffer.memory` is full.
    ProduceMany {
        producer: String,
        topic: String,
        count: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_prefix: Option<String>,
        #[serde(default = "default_distinct_keys")]
        distinct_keys: u32,
        #[serde(default = "default_value_bytes")]
        value_bytes: u32,
    },
    /// Start a new consumer (it joins its group).
    AddConsumer { consumer: ConsumerSpec },
    /// The application calls `consumer.close()`: commit (if auto commit is on) and leave the group.
    RemoveConsumer { consumer: String },
    /// The application calls `commitSync()`.
    Commit { consumer: String },
    /// `kafka-topics.sh --alter --partitions N` (CreatePartitions): `count` is the new total and
    /// must exceed the current one; Kafka can add partitions but never remove them.
    AddPartitions { topic: String, count: u32 },
    /// `kafka-topics.sh --create` (CreateTopics): a new topic, placed as the first ones are.
    /// Consumers may subscribe to it before it exists; they get none of it until then.
    CreateTopic { topic: String, partitions: u32 },
}

fn default_distinct_keys() -> u32 {
    1
}
fn default_value_bytes() -> u32 {
    16
}

impl Action {
    /// Records the action sends.
    pub fn records(&self) -> u64 {
        match self {
            Action::Produce { .. } => 1,
            Action::ProduceMany { count, .. } => u64::from(*count),
            _ => 0,
        }
    }
}

type Errors = Vec<ScenarioError>;

fn check(errors: &mut Errors, ok: bool, path: String, reason: String) {
    if !ok {
        errors.push(err(path, reason));
    }
}

/// Names of nodes are ASCII letters, digits, '.', '_' and '-' (Kafka's own rule for topic names,
/// `Topic.validate`), so they read the same in a URL, a log line and a JSON path.
pub fn name_rule(errors: &mut Errors, path: &str, name: &str) {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    check(
        errors,
        ok,
        path.into(),
        format!("`{name}` must be 1 to {MAX_NAME_BYTES} characters of a-z, A-Z, 0-9, '.', '_' or '-'"),
    );
}

/// Names the system gives its own nodes; clients may not take them.
fn reserved(name: &str) -> bool {
    name == "controller" || name.strip_prefix("broker-").is_some_and(|n| n.parse::<u32>().is_ok())
}

/// What a node of the Kafka system is, for fault actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Broker,
    Controller,
    Producer,
    Consumer,
}

/// Validation state of the Kafka section while a scenario's actions are walked in time order.
pub struct Validator<'a> {
    spec: &'a KafkaSpec,
    /// Consumers known at the current point (initial ones, then added ones), with when they start.
    consumers: Vec<(&'a ConsumerSpec, u64)>,
    partition_counts: Vec<(&'a str, u32)>,
    pub records: u64,
    /// `(action index, records)` of each produce action, to name the largest in a budget error.
    produces: Vec<(usize, u64)>,
}

impl<'a> Validator<'a> {
    /// Checks the section itself; `p` is its JSON path (`kafka`).
    pub fn new(spec: &'a KafkaSpec, p: &str, errors: &mut Errors) -> Validator<'a> {
        let k = spec;
        check(
            errors,
            (1..=MAX_BROKERS).contains(&k.brokers),
            format!("{p}.brokers"),
            format!("must be between 1 and {MAX_BROKERS}"),
        );
        check(
            errors,
            (1..=MAX_TOPICS).contains(&k.topics.len()),
            format!("{p}.topics"),
            format!("must list between 1 and {MAX_TOPICS} topics"),
        );
        check(
            errors,
            k.broker_racks.len() <= k.brokers as usize,
            format!("{p}.broker_racks"),
            format!("lists {} racks for {} brokers", k.broker_racks.len(), k.brokers),
        );
        for (i, rack) in k.broker_racks.iter().enumerate() {
            name_rule(errors, &format!("{p}.broker_racks[{i}]"), rack);
        }
        for (i, t) in k.topics.iter().enumerate() {
            let tp = format!("{p}.topics[{i}]");
            name_rule(errors, &format!("{tp}.name"), &t.name);
            check(
                errors,
                !k.topics[..i].iter().any(|o| o.name == t.name),
                format!("{tp}.name"),
                format!("topic `{}` is listed twice", t.name),
            );
            check(
                errors,
                (1..=MAX_PARTITIONS).contains(&t.partitions),
                format!("{tp}.partitions"),
                format!("must be between 1 and {MAX_PARTITIONS}"),
            );
        }
        check(
            errors,
            k.producers.len() <= MAX_PRODUCERS,
            format!("{p}.producers"),
            format!("at most {MAX_PRODUCERS} producers"),
        );
        for (i, pr) in k.producers.iter().enumerate() {
            let pp = format!("{p}.producers[{i}]");
            client_id_rule(errors, &format!("{pp}.id"), &pr.id);
            check(
                errors,
                !k.producers[..i].iter().any(|o| o.id == pr.id),
                format!("{pp}.id"),
                format!("producer `{}` is listed twice", pr.id),
            );
            check(
                errors,
                (64..=1_048_576).contains(&pr.batch_size_bytes),
                format!("{pp}.batch_size_bytes"),
                "must be between 64 and 1048576".into(),
            );
            check(
                errors,
                pr.linger_ms <= 60_000,
                format!("{pp}.linger_ms"),
                "must be at most 60000".into(),
            );
        }
        check(
            errors,
            k.consumers.len() <= MAX_CONSUMERS,
            format!("{p}.consumers"),
            format!("at most {MAX_CONSUMERS} consumers"),
        );
        for (i, c) in k.consumers.iter().enumerate() {
            consumer_rules(errors, &format!("{p}.consumers[{i}]"), c, k);
            check(
                errors,
                !k.consumers[..i].iter().any(|o| o.id == c.id),
                format!("{p}.consumers[{i}].id"),
                format!("consumer `{}` is listed twice", c.id),
            );
            check(
                errors,
                !k.producers.iter().any(|o| o.id == c.id),
                format!("{p}.consumers[{i}].id"),
                format!("`{}` is already a producer's id", c.id),
            );
        }
        Validator {
            spec,
            consumers: k.consumers.iter().map(|c| (c, 0)).collect(),
            partition_counts: k.topics.iter().map(|t| (t.name.as_str(), t.partitions)).collect(),
            records: 0,
            produces: Vec::new(),
        }
    }

    /// Checks one action against the state it will run in; `p` is the action's path
    /// (`actions[3].kafka`), `index` its position in the document.
    pub fn action(&mut self, p: &str, index: usize, at_ms: u64, a: &'a Action, errors: &mut Errors) {
        let k = self.spec;
        let known: Vec<&str> = self.partition_counts.iter().map(|(name, _)| *name).collect();
        let topic_known = |t: &str| known.contains(&t);
        let producer_and_topic = |producer: &str, topic: &str, errors: &mut Errors| {
            check(
                errors,
                k.producers.iter().any(|x| x.id == producer),
                format!("{p}.producer"),
                format!("no producer named `{producer}`"),
            );
            check(
                errors,
                topic_known(topic),
                format!("{p}.topic"),
                format!("no topic named `{topic}`"),
            );
        };
        match a {
            Action::Produce {
                producer,
                topic,
                key,
                value,
            } => {
                producer_and_topic(producer, topic, errors);
                if let Some(key) = key {
                    check(
                        errors,
                        key.len() <= MAX_KEY_BYTES,
                        format!("{p}.key"),
                        format!("is {} bytes; the limit is {MAX_KEY_BYTES}", key.len()),
                    );
                }
                check(
                    errors,
                    value.len() <= MAX_VALUE_BYTES,
                    format!("{p}.value"),
                    format!("is {} bytes; the limit is {MAX_VALUE_BYTES}", value.len()),
                );
            }
            Action::ProduceMany {
                producer,
                topic,
                count,
                key_prefix,
                distinct_keys,
                value_bytes,
            } => {
                producer_and_topic(producer, topic, errors);
                check(
                    errors,
                    (1..=MAX_PRODUCE_MANY).contains(count),
                    format!("{p}.count"),
                    format!("must be between 1 and {MAX_PRODUCE_MANY}"),
                );
                check(
                    errors,
                    *distinct_keys >= 1,
                    format!("{p}.distinct_keys"),
                    "must be at least 1".into(),
                );
                if let Some(prefix) = key_prefix {
                    check(
                        errors,
                        prefix.len() <= MAX_KEY_BYTES - 12,
                        format!("{p}.key_prefix"),
                        format!("is {} bytes; the limit is {}", prefix.len(), MAX_KEY_BYTES - 12),
                    );
                }
                check(
                    errors,
                    *value_bytes as usize <= MAX_VALUE_BYTES,
                    format!("{p}.value_bytes"),
                    format!("must be at most {MAX_VALUE_BYTES}"),
                );
            }
            Action::AddConsumer { consumer } => {
                consumer_rules(errors, &format!("{p}.consumer"), consumer, k);
                check(
                    errors,
                    !self.consumers.iter().any(|(c, _)| c.id == consumer.id),
                    format!("{p}.consumer.id"),
                    format!("a consumer named `{}` already exists", consumer.id),
                );
                check(
                    errors,
                    !k.producers.iter().any(|o| o.id == consumer.id),
                    format!("{p}.consumer.id"),
                    format!("`{}` is already a producer's id", consumer.id),
                );
                check(
                    errors,
                    self.consumers.len() < MAX_CONSUMERS,
                    format!("{p}.consumer"),
                    format!("at most {MAX_CONSUMERS} consumers"),
                );
                self.consumers.push((consumer, at_ms));
            }
            Action::RemoveConsumer { consumer } | Action::Commit { consumer } => {
                check(
                    errors,
                    self.consumers.iter().any(|(c, _)| c.id == *consumer),
                    format!("{p}.consumer"),
                    format!("no consumer named `{consumer}` at this point"),
                );
            }
            Action::AddPartitions { topic, count } => {
                check(
                    errors,
                    topic_known(topic),
                    format!("{p}.topic"),
                    format!("no topic named `{topic}`"),
                );
                if let Some(entry) = self.partition_counts.iter_mut().find(|(name, _)| name == topic) {
                    check(
                        errors,
                        *count > entry.1 && *count <= MAX_PARTITIONS,
                        format!("{p}.count"),
                        format!(
                            "must be more than the current {} partitions of `{topic}` and at most {MAX_PARTITIONS}",
                            entry.1
                        ),
                    );
                    entry.1 = entry.1.max(*count);
                }
            }
            Action::CreateTopic { topic, partitions } => {
                name_rule(errors, &format!("{p}.topic"), topic);
                check(
                    errors,
                    !topic_known(topic),
                    format!("{p}.topic"),
                    format!("topic `{topic}` already exists"),
                );
                check(
                    errors,
                    (1..=MAX_PARTITIONS).contains(partitions),
                    format!("{p}.partitions"),
                    format!("must be between 1 and {MAX_PARTITIONS}"),
                );
                check(
                    errors,
                    self.partition_counts.len() < MAX_TOPICS,
                    format!("{p}.topic"),
                    format!("at most {MAX_TOPICS} topics"),
                );
                if !topic_known(topic) {
                    self.partition_counts.push((topic.as_str(), *partitions));
                }
            }
        }
        let records = a.records();
        if records > 0 {
            self.records += records;
            self.produces.push((index, records));
        }
    }

    /// What kind of node `name` is, if the Kafka system has one by that name at this point.
    pub fn node(&self, name: &str) -> Option<NodeKind> {
        let k = self.spec;
        if name == "controller" {
            return Some(NodeKind::Controller);
        }
        if let Some(b) = name.strip_prefix("broker-").and_then(|n| n.parse::<u32>().ok()) {
            return (b < k.brokers && name == format!("broker-{b}")).then_some(NodeKind::Broker);
        }
        if k.producers.iter().any(|p| p.id == name) {
            return Some(NodeKind::Producer);
        }
        self.consumers
            .iter()
            .any(|(c, _)| c.id == name)
            .then_some(NodeKind::Consumer)
    }

    /// Whether a fault may crash (and restart) this kind of node. Producers and the controller
    /// quorum are not crashable yet (the Kafka durability issue models the quorum).
    pub fn crashable(kind: NodeKind) -> bool {
        matches!(kind, NodeKind::Broker | NodeKind::Consumer)
    }

    /// The largest produce action, for a budget error that names what to shrink.
    pub fn largest_produce(&self) -> Option<(usize, u64)> {
        self.produces.iter().copied().max_by_key(|(_, n)| *n)
    }

    /// An upper estimate of the work (events plus trace entries) the Kafka part costs until
    /// `duration_ms`. Per consumer: a heartbeat (timer, request, response) every
    /// `heartbeat.interval.ms` and an auto-commit tick every `auto.commit.interval.ms` (a commit
    /// request, response and entry when records moved). Per fetch stream (a consumer and a partition leader it reads
    /// from, at most the group's partitions): an empty long poll (request, wait timer, response)
    /// every `fetch.max.wait.ms`. Per record: partitioned, appended, and consumed once per group
    /// that reads its topic, plus its share of batch events.
    pub fn estimate(&self, duration_ms: u64) -> Cost {
        let k = self.spec;
        let mut periodic: u64 = 0;
        for (c, from) in &self.consumers {
            let active = duration_ms.saturating_sub(*from);
            periodic = periodic.saturating_add(active.saturating_mul(3) / c.heartbeat_interval_ms.max(1));
            if c.enable_auto_commit {
                // Every tick is a timer; only a tick after new records sends a commit (request,
                // response, entry), and there are no more of those than records.
                let ticks = active / c.auto_commit_interval_ms.max(1);
                periodic = periodic.saturating_add(ticks.saturating_add(3 * ticks.min(self.records)));
            }
        }
        let mut groups: Vec<&str> = self.consumers.iter().map(|(c, _)| c.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        let fetch_wait_ms = super::broker::FETCH_MAX_WAIT_MS;
        let mut readers_per_record: u64 = 0;
        for g in &groups {
            let members: Vec<&(&ConsumerSpec, u64)> = self.consumers.iter().filter(|(c, _)| c.group == *g).collect();
            let mut topics: Vec<&str> = members
                .iter()
                .flat_map(|(c, _)| c.topics.iter().map(String::as_str))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            let partitions: u64 = self
                .partition_counts
                .iter()
                .filter(|(t, _)| topics.contains(t))
                .map(|(_, n)| u64::from(*n))
                .sum();
            let streams = partitions.min(members.len() as u64 * u64::from(k.brokers));
            let earliest = members.iter().map(|(_, from)| *from).min().unwrap_or(0);
            let active = duration_ms.saturating_sub(earliest);
            periodic = periodic.saturating_add(active.saturating_mul(3).saturating_mul(streams) / fetch_wait_ms);
            readers_per_record += 1;
        }
        Cost {
            periodic,
            per_record: self.records.saturating_mul(3 + readers_per_record),
        }
    }
}

/// Producer and consumer ids name nodes, so they follow `name_rule` and may not be a broker's or
/// the controller's name.
fn client_id_rule(errors: &mut Errors, path: &str, id: &str) {
    name_rule(errors, path, id);
    check(
        errors,
        !reserved(id),
        path.into(),
        format!("`{id}` is the name of a Kafka node (broker-N, controller); choose another id"),
    );
}

fn consumer_rules(errors: &mut Errors, p: &str, c: &ConsumerSpec, k: &KafkaSpec) {
    client_id_rule(errors, &format!("{p}.id"), &c.id);
    name_rule(errors, &format!("{p}.group"), &c.group);
    check(
        errors,
        !c.topics.is_empty(),
        format!("{p}.topics"),
        "must name at least one topic".into(),
    );
    // A subscription may name a topic that does not exist (yet): Kafka assigns only topics in
    // the metadata, so the member gets none of it until the topic is created.
    let _ = k;
    for (j, t) in c.topics.iter().enumerate() {
        name_rule(errors, &format!("{p}.topics[{j}]"), t);
    }
    check(
        errors,
        (1..=3_600_000).contains(&c.auto_commit_interval_ms),
        format!("{p}.auto_commit_interval_ms"),
        "must be between 1 and 3600000".into(),
    );
    // The broker only accepts sessions within group.min/max.session.timeout.ms (6000..=1800000).
    check(
        errors,
        (6_000..=1_800_000).contains(&c.session_timeout_ms),
        format!("{p}.session_timeout_ms"),
        "must be between 6000 and 1800000 (group.min.session.timeout.ms / group.max.session.timeout.ms)".into(),
    );
    check(
        errors,
        c.heartbeat_interval_ms >= 1 && c.heartbeat_interval_ms < c.session_timeout_ms,
        format!("{p}.heartbeat_interval_ms"),
        "must be at least 1 and below session_timeout_ms".into(),
    );
    check(
        errors,
        !c.assignment_strategy.is_empty(),
        format!("{p}.assignment_strategy"),
        "must list at least one assignor".into(),
    );
    for (j, name) in c.assignment_strategy.iter().enumerate() {
        let parsed = crate::kafka::assignor::AssignorName::parse(name);
        check(
            errors,
            parsed.is_some(),
            format!("{p}.assignment_strategy[{j}]"),
            format!("`{name}` is not an assignor: use range, roundrobin, sticky or cooperative-sticky"),
        );
        // ConsumerPartitionAssignor.getAssignorInstances refuses a name used twice.
        let twice = parsed.is_some()
            && c.assignment_strategy[..j]
                .iter()
                .any(|o| crate::kafka::assignor::AssignorName::parse(o) == parsed);
        check(
            errors,
            !twice,
            format!("{p}.assignment_strategy[{j}]"),
            format!("the assignor name `{name}` is used in more than one assignor"),
        );
    }
    if let Some(rack) = &c.client_rack {
        name_rule(errors, &format!("{p}.client_rack"), rack);
    }
    if let Some(instance) = &c.group_instance_id {
        name_rule(errors, &format!("{p}.group_instance_id"), instance);
    }
}
