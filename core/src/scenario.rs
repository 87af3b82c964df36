//! The scenario document: a versioned JSON description of a cluster, its clients, timed actions and
//! faults, a seed and a duration. Loading either yields a fully validated `Scenario` or a list of
//! errors that each name a JSON path and a reason; it never panics and never half-loads.
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The only format version this build reads.
pub const SCENARIO_VERSION: u32 = 1;
/// Largest scenario document accepted, in bytes. Checked before parsing so a huge paste costs nothing.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
pub const MAX_BROKERS: u32 = 9;
pub const MAX_TOPICS: usize = 8;
pub const MAX_PARTITIONS: u32 = 64;
pub const MAX_PRODUCERS: usize = 8;
pub const MAX_CONSUMERS: usize = 32;
pub const MAX_ACTIONS: usize = 10_000;
pub const MAX_PRODUCE_MANY: u32 = 1_000_000;
pub const MAX_DURATION_MS: u64 = 24 * 3600 * 1000;
pub const MAX_NAME_BYTES: usize = 64;
pub const MAX_KEY_BYTES: usize = 256;
pub const MAX_VALUE_BYTES: usize = 1024;
pub const MAX_LATENCY_MS: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    pub seed: u64,
    pub duration_ms: u64,
    #[serde(default)]
    pub network: NetworkSpec,
    pub kafka: KafkaSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<TimedAction>,
}

/// A sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

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
    #[serde(default = "default_batch_size")]
    pub batch_size_bytes: u32,
    /// `linger.ms`: default 5 since Kafka 4.0 (KIP-1030; it was 0 before).
    #[serde(default = "default_linger")]
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
    pub group: String,
    pub topics: Vec<String>,
    /// `auto.offset.reset`: Kafka's default is `latest`.
    #[serde(default)]
    pub auto_offset_reset: OffsetReset,
    /// `enable.auto.commit`, default true.
    #[serde(default = "default_true")]
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`, default 5000.
    #[serde(default = "default_auto_commit_interval")]
    pub auto_commit_interval_ms: u64,
    /// `session.timeout.ms`, default 45000 since Kafka 3.0 (KIP-735).
    #[serde(default = "default_session_timeout")]
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`, default 3000.
    #[serde(default = "default_heartbeat_interval")]
    pub heartbeat_interval_ms: u64,
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

/// One thing that happens at a virtual time: a client command or a fault.
/// (Unknown fields are refused by `Action`, which receives every field but `at_ms`; serde cannot
/// combine `deny_unknown_fields` with `flatten` on this struct itself.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedAction {
    pub at_ms: u64,
    #[serde(flatten)]
    pub action: Action,
}

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
    /// `key_prefix` is absent) and a value of `value_bytes` bytes.
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
    AddConsumer {
        consumer: ConsumerSpec,
    },
    /// The application calls `consumer.close()`: commit (if auto commit is on) and leave the group.
    RemoveConsumer {
        consumer: String,
    },
    /// The application calls `commitSync()`.
    Commit {
        consumer: String,
    },
    /// Fault: the consumer process dies without a word; the group notices after `session.timeout.ms`.
    CrashConsumer {
        consumer: String,
    },
    /// `kafka-topics.sh --alter --partitions N` (CreatePartitions): `count` is the new total and
    /// must exceed the current one; Kafka can add partitions but never remove them.
    AddPartitions {
        topic: String,
        count: u32,
    },
    /// Fault: the broker process is killed (its log survives, as the page cache does).
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
}

fn default_distinct_keys() -> u32 {
    1
}
fn default_value_bytes() -> u32 {
    16
}

/// One problem in a scenario document: where (a JSON path such as `kafka.topics[0].partitions`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    pub path: String,
    pub reason: String,
}

impl core::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

fn err(path: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
    ScenarioError {
        path: path.into(),
        reason: reason.into(),
    }
}

impl Scenario {
    /// Parse and validate a JSON document. All validation errors are returned together.
    pub fn from_json(text: &str) -> Result<Scenario, Vec<ScenarioError>> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(alloc::vec![err(
                "",
                format!(
                    "the document is {} bytes; the limit is {} bytes",
                    text.len(),
                    MAX_DOCUMENT_BYTES
                )
            )]);
        }
        let scenario: Scenario = parse_document(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every rule serde cannot express: ranges, limits, and references between parts.
    pub fn validate(&self) -> Result<(), Vec<ScenarioError>> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, path: String, reason: String| {
            if !ok {
                errors.push(err(path, reason));
            }
        };
        check(
            self.version == SCENARIO_VERSION,
            "version".into(),
            format!("this build reads version {SCENARIO_VERSION}, not {}", self.version),
        );
        check(
            (1..=MAX_DURATION_MS).contains(&self.duration_ms),
            "duration_ms".into(),
            format!("must be between 1 and {MAX_DURATION_MS}"),
        );
        let net = &self.network;
        check(
            net.latency_ms_max <= MAX_LATENCY_MS,
            "network.latency_ms_max".into(),
            format!("must be at most {MAX_LATENCY_MS}"),
        );
        check(
            net.latency_ms_min <= net.latency_ms_max,
            "network.latency_ms_min".into(),
            "must not exceed network.latency_ms_max".into(),
        );
        let k = &self.kafka;
        check(
            (1..=MAX_BROKERS).contains(&k.brokers),
            "kafka.brokers".into(),
            format!("must be between 1 and {MAX_BROKERS}"),
        );
        check(
            (1..=MAX_TOPICS).contains(&k.topics.len()),
            "kafka.topics".into(),
            format!("must list between 1 and {MAX_TOPICS} topics"),
        );
        for (i, t) in k.topics.iter().enumerate() {
            let p = format!("kafka.topics[{i}]");
            name_rule(&mut check, &format!("{p}.name"), &t.name);
            check(
                !k.topics[..i].iter().any(|o| o.name == t.name),
                format!("{p}.name"),
                format!("topic `{}` is listed twice", t.name),
            );
            check(
                (1..=MAX_PARTITIONS).contains(&t.partitions),
                format!("{p}.partitions"),
                format!("must be between 1 and {MAX_PARTITIONS}"),
            );
        }
        check(
            k.producers.len() <= MAX_PRODUCERS,
            "kafka.producers".into(),
            format!("at most {MAX_PRODUCERS} producers"),
        );
        for (i, pr) in k.producers.iter().enumerate() {
            let p = format!("kafka.producers[{i}]");
            name_rule(&mut check, &format!("{p}.id"), &pr.id);
            check(
                !k.producers[..i].iter().any(|o| o.id == pr.id),
                format!("{p}.id"),
                format!("producer `{}` is listed twice", pr.id),
            );
            check(
                (64..=1_048_576).contains(&pr.batch_size_bytes),
                format!("{p}.batch_size_bytes"),
                "must be between 64 and 1048576".into(),
            );
            check(
                pr.linger_ms <= 60_000,
                format!("{p}.linger_ms"),
                "must be at most 60000".into(),
            );
        }
        check(
            k.consumers.len() <= MAX_CONSUMERS,
            "kafka.consumers".into(),
            format!("at most {MAX_CONSUMERS} consumers"),
        );
        for (i, c) in k.consumers.iter().enumerate() {
            consumer_rules(&mut check, &format!("kafka.consumers[{i}]"), c, k);
            check(
                !k.consumers[..i].iter().any(|o| o.id == c.id),
                format!("kafka.consumers[{i}].id"),
                format!("consumer `{}` is listed twice", c.id),
            );
        }
        check(
            self.actions.len() <= MAX_ACTIONS,
            "actions".into(),
            format!("at most {MAX_ACTIONS} actions"),
        );
        // Consumers added by actions become known from their time on; track them for references.
        let mut consumer_ids: Vec<&str> = k.consumers.iter().map(|c| c.id.as_str()).collect();
        let mut partition_counts: Vec<(&str, u32)> = k.topics.iter().map(|t| (t.name.as_str(), t.partitions)).collect();
        // Actions run in time order (equal times keep document order), so they are checked in that
        // order: a document that validates is exactly one that replays. Paths keep document indices.
        let mut order: Vec<usize> = (0..self.actions.len()).collect();
        order.sort_by_key(|&i| self.actions[i].at_ms);
        for i in order {
            let a = &self.actions[i];
            let p = format!("actions[{i}]");
            check(
                a.at_ms <= self.duration_ms,
                format!("{p}.at_ms"),
                format!("{} is after duration_ms ({})", a.at_ms, self.duration_ms),
            );
            if let Action::AddPartitions { topic, count } = &a.action {
                if let Some(entry) = partition_counts.iter_mut().find(|(name, _)| name == topic) {
                    check(
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
            action_rules(&mut check, &p, &a.action, k, &mut consumer_ids);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Parses one JSON object and nothing after it. serde would also accept a struct written as a
/// positional array, which bypasses `deny_unknown_fields`, so the document must be an object.
pub fn parse_document<T: serde::de::DeserializeOwned + Serialize>(text: &str) -> Result<T, Vec<ScenarioError>> {
    if !text.trim_start().starts_with('{') {
        return Err(alloc::vec![err("", "the document must be a JSON object ({ ... })")]);
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        alloc::vec![err(path, e.into_inner().to_string())]
    })?;
    // Trailing text (a second pasted document, say) is an error, not something to ignore.
    de.end()
        .map_err(|e| alloc::vec![err("", format!("unexpected text after the document: {e}"))])?;
    // Objects nested anywhere must be objects too: compare with the canonical form.
    let input: serde_json::Value = serde_json::from_str(text).map_err(|e| alloc::vec![err("", e.to_string())])?;
    let canonical = serde_json::to_value(&value).map_err(|e| alloc::vec![err("", e.to_string())])?;
    if let Some(path) = array_for_object(&input, &canonical, String::new()) {
        return Err(alloc::vec![err(
            path,
            "must be an object with named fields, not an array"
        )]);
    }
    Ok(value)
}

/// The path of the first place where `input` has an array and the parsed form an object.
fn array_for_object(input: &serde_json::Value, canonical: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value::{Array, Object};
    let join = |key: &str| {
        if path.is_empty() {
            key.into()
        } else {
            format!("{path}.{key}")
        }
    };
    match (input, canonical) {
        (Array(_), Object(_)) => Some(path),
        (Object(fields), Object(canon)) => fields
            .iter()
            .find_map(|(k, v)| canon.get(k).and_then(|c| array_for_object(v, c, join(k)))),
        (Array(items), Array(canon)) => items
            .iter()
            .zip(canon)
            .enumerate()
            .find_map(|(i, (v, c))| array_for_object(v, c, format!("{path}[{i}]"))),
        _ => None,
    }
}

type Check<'a> = dyn FnMut(bool, String, String) + 'a;

fn name_rule(check: &mut Check<'_>, path: &str, name: &str) {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    // Kafka's own rule for topic names (`Topic.validate`): ASCII letters, digits, '.', '_', '-'.
    check(
        ok,
        path.into(),
        format!("`{name}` must be 1 to {MAX_NAME_BYTES} characters of a-z, A-Z, 0-9, '.', '_' or '-'"),
    );
}

fn consumer_rules(check: &mut Check<'_>, p: &str, c: &ConsumerSpec, k: &KafkaSpec) {
    name_rule(check, &format!("{p}.id"), &c.id);
    name_rule(check, &format!("{p}.group"), &c.group);
    check(
        !c.topics.is_empty(),
        format!("{p}.topics"),
        "must name at least one topic".into(),
    );
    for (j, t) in c.topics.iter().enumerate() {
        check(
            k.topics.iter().any(|x| &x.name == t),
            format!("{p}.topics[{j}]"),
            format!("no topic named `{t}`"),
        );
    }
    check(
        (1..=3_600_000).contains(&c.auto_commit_interval_ms),
        format!("{p}.auto_commit_interval_ms"),
        "must be between 1 and 3600000".into(),
    );
    // The broker only accepts sessions within group.min/max.session.timeout.ms (6000..=1800000).
    check(
        (6_000..=1_800_000).contains(&c.session_timeout_ms),
        format!("{p}.session_timeout_ms"),
        "must be between 6000 and 1800000 (group.min.session.timeout.ms / group.max.session.timeout.ms)".into(),
    );
    check(
        c.heartbeat_interval_ms >= 1 && c.heartbeat_interval_ms < c.session_timeout_ms,
        format!("{p}.heartbeat_interval_ms"),
        "must be at least 1 and below session_timeout_ms".into(),
    );
}

fn action_rules<'s>(check: &mut Check<'_>, p: &str, a: &'s Action, k: &KafkaSpec, consumers: &mut Vec<&'s str>) {
    let producer_known = |id: &str| k.producers.iter().any(|x| x.id == id);
    let topic_known = |t: &str| k.topics.iter().any(|x| x.name == t);
    match a {
        Action::Produce {
            producer,
            topic,
            key,
            value,
        } => {
            check(
                producer_known(producer),
                format!("{p}.producer"),
                format!("no producer named `{producer}`"),
            );
            check(
                topic_known(topic),
                format!("{p}.topic"),
                format!("no topic named `{topic}`"),
            );
            if let Some(key) = key {
                check(
                    key.len() <= MAX_KEY_BYTES,
                    format!("{p}.key"),
                    format!("is {} bytes; the limit is {MAX_KEY_BYTES}", key.len()),
                );
            }
            check(
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
            check(
                producer_known(producer),
                format!("{p}.producer"),
                format!("no producer named `{producer}`"),
            );
            check(
                topic_known(topic),
                format!("{p}.topic"),
                format!("no topic named `{topic}`"),
            );
            check(
                (1..=MAX_PRODUCE_MANY).contains(count),
                format!("{p}.count"),
                format!("must be between 1 and {MAX_PRODUCE_MANY}"),
            );
            check(
                *distinct_keys >= 1,
                format!("{p}.distinct_keys"),
                "must be at least 1".into(),
            );
            if let Some(prefix) = key_prefix {
                check(
                    prefix.len() <= MAX_KEY_BYTES - 12,
                    format!("{p}.key_prefix"),
                    format!("is {} bytes; the limit is {}", prefix.len(), MAX_KEY_BYTES - 12),
                );
            }
            check(
                *value_bytes as usize <= MAX_VALUE_BYTES,
                format!("{p}.value_bytes"),
                format!("must be at most {MAX_VALUE_BYTES}"),
            );
        }
        Action::AddConsumer { consumer } => {
            consumer_rules(check, &format!("{p}.consumer"), consumer, k);
            check(
                !consumers.contains(&consumer.id.as_str()),
                format!("{p}.consumer.id"),
                format!("a consumer named `{}` already exists", consumer.id),
            );
            check(
                consumers.len() < MAX_CONSUMERS,
                format!("{p}.consumer"),
                format!("at most {MAX_CONSUMERS} consumers"),
            );
            consumers.push(consumer.id.as_str());
        }
        Action::RemoveConsumer { consumer } | Action::Commit { consumer } | Action::CrashConsumer { consumer } => {
            check(
                consumers.contains(&consumer.as_str()),
                format!("{p}.consumer"),
                format!("no consumer named `{consumer}` at this point"),
            );
        }
        Action::AddPartitions { topic, .. } => {
            check(
                topic_known(topic),
                format!("{p}.topic"),
                format!("no topic named `{topic}`"),
            );
        }
        Action::CrashBroker { broker } | Action::RestartBroker { broker } => {
            check(
                *broker < k.brokers,
                format!("{p}.broker"),
                format!("no broker {broker}: broker ids are 0..{}", k.brokers),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"version":1,"seed":1,"duration_ms":1000,
        "kafka":{"brokers":3,"topics":[{"name":"orders","partitions":3}]}}"#;

    #[test]
    fn minimal_document_loads_with_defaults() {
        let s = Scenario::from_json(MINIMAL).unwrap();
        assert_eq!(s.network, NetworkSpec::default());
        assert!(s.actions.is_empty());
    }

    #[test]
    fn round_trips_through_json() {
        let s = Scenario::from_json(MINIMAL).unwrap();
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn unknown_field_is_named_with_its_path() {
        let text = MINIMAL.replace(r#""partitions":3"#, r#""partitions":3,"replicas":2"#);
        let e = Scenario::from_json(&text).unwrap_err();
        assert_eq!(e[0].path, "kafka.topics[0].replicas");
        assert!(e[0].reason.contains("unknown field `replicas`"), "{}", e[0].reason);
    }

    #[test]
    fn out_of_range_values_are_all_reported() {
        let text = MINIMAL
            .replace(r#""brokers":3"#, r#""brokers":0"#)
            .replace(r#""partitions":3"#, r#""partitions":65"#);
        let e = Scenario::from_json(&text).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["kafka.brokers", "kafka.topics[0].partitions"]);
    }

    #[test]
    fn truncated_document_is_an_error_not_a_panic() {
        for cut in 0..MINIMAL.len() {
            assert!(
                Scenario::from_json(&MINIMAL[..cut]).is_err(),
                "prefix of {cut} bytes loaded"
            );
        }
    }

    #[test]
    fn wrong_type_names_the_field() {
        let text = MINIMAL.replace(r#""seed":1"#, r#""seed":"one""#);
        let e = Scenario::from_json(&text).unwrap_err();
        assert_eq!(e[0].path, "seed");
    }

    #[test]
    fn references_are_checked() {
        let text = r#"{"version":1,"seed":1,"duration_ms":1000,
            "kafka":{"brokers":3,"topics":[{"name":"orders","partitions":3}]},
            "actions":[{"at_ms":5,"do":"crash_broker","broker":7},
                       {"at_ms":6,"do":"produce","producer":"nobody","topic":"orders","value":"v"}]}"#;
        let e = Scenario::from_json(text).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["actions[0].broker", "actions[1].producer"]);
    }

    /// Regression (Kernel 2 issue): actions valid in document order but not in time order loaded,
    /// and then seek, clicks, export and share links all failed on the time-sorted copy.
    #[test]
    fn actions_are_validated_in_the_order_they_run() {
        let grow = r#"{"version":1,"seed":1,"duration_ms":1000,
            "kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}]},
            "actions":[{"at_ms":20,"do":"add_partitions","topic":"t","count":2},
                       {"at_ms":10,"do":"add_partitions","topic":"t","count":3}]}"#;
        let e = Scenario::from_json(grow).unwrap_err();
        assert_eq!(e[0].path, "actions[0].count", "{e:?}");
        let crash_before_add = r#"{"version":1,"seed":1,"duration_ms":1000,
            "kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}]},
            "actions":[{"at_ms":20,"do":"add_consumer","consumer":{"id":"x","group":"g","topics":["t"]}},
                       {"at_ms":10,"do":"crash_consumer","consumer":"x"}]}"#;
        let e = Scenario::from_json(crash_before_add).unwrap_err();
        assert_eq!(e[0].path, "actions[1].consumer", "{e:?}");
        // The same actions listed out of document order but valid in time order load.
        let fine = grow.replace(r#""count":2"#, r#""count":4"#);
        assert!(Scenario::from_json(&fine).is_ok());
    }

    #[test]
    fn unknown_field_inside_an_action_is_refused() {
        let text = r#"{"version":1,"seed":1,"duration_ms":1000,
            "kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}]},
            "actions":[{"at_ms":5,"do":"crash_broker","broker":0,"hard":true}]}"#;
        let e = Scenario::from_json(text).unwrap_err();
        assert_eq!(e[0].path, "actions[0]");
        assert!(e[0].reason.contains("hard"), "{}", e[0].reason);
    }

    #[test]
    fn oversized_document_is_refused_before_parsing() {
        let big = "x".repeat(10 * 1024 * 1024);
        let e = Scenario::from_json(&big).unwrap_err();
        assert!(e[0].reason.contains("limit"), "{}", e[0].reason);
    }
}
