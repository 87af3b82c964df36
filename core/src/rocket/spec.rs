//! The `rocketmq` section of a scenario: brokers (masters), topics with their queues, producers
//! and consumers, each configured by RocketMQ's own names (`sendMsgTimeout`, `messageDelayLevel`,
//! `transactionCheckMax`, ...), and timed actions: `send` (plain, ordered by a selector, with a
//! delay level or a RocketMQ 5 deliver time) and `send_transaction` (a half message whose local
//! transaction answers, or stays silent, and whose check-backs answer in turn). Producers,
//! consumers and brokers are nodes: `{"fault": {"do": "crash", "node": "producer-1"}}` works.
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::config;
use crate::budget::Cost;
use crate::scenario::{err, ScenarioError, MAX_KEY_BYTES, MAX_NAME_BYTES, MAX_VALUE_BYTES};

type Errors = Vec<ScenarioError>;

pub const MAX_BROKERS: usize = 6;
pub const MAX_TOPICS: usize = 16;
/// Queues per topic per broker (`writeQueueNums`); the view draws each.
pub const MAX_QUEUES: u32 = 32;
pub const MAX_PRODUCERS: usize = 8;
pub const MAX_CONSUMERS: usize = 16;
/// Messages a document may send in all, and per `send`.
pub const MAX_MESSAGES: u64 = 10_000;
pub const MAX_SEND_COUNT: u32 = 1_000;
/// Check answers one transactional message may script.
pub const MAX_CHECK_ANSWERS: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RocketSpec {
    /// Broker groups by `brokerName`, each one master (`brokerId` 0).
    pub brokers: Vec<BrokerSpec>,
    /// Broker settings shared by every broker, by their `BrokerConfig` / `MessageStoreConfig` names.
    #[serde(default, skip_serializing_if = "config::BrokerConfig::is_default")]
    pub broker_config: config::BrokerConfig,
    pub topics: Vec<TopicSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<ProducerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<ConsumerSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerSpec {
    /// `brokerName` (`broker-a`); also the node's name.
    pub name: String,
    /// A slave (`brokerId` 1) of this brokerName, the node `<name>-slave`: it copies the
    /// master's commit log over HA, registers with the name server, and refuses pulls
    /// (`slaveReadEnable` is false by default and not modelled).
    #[serde(default, skip_serializing_if = "is_false")]
    pub slave: bool,
}

/// The node name of a brokerName's slave.
pub fn slave_name(broker: &str) -> String {
    format!("{broker}-slave")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    /// `writeQueueNums` = `readQueueNums` on each broker that holds the topic (the producer's
    /// `defaultTopicQueueNums`, 4, when the topic is auto-created).
    #[serde(default = "default_queues")]
    pub queues: u32,
    /// The brokers that hold the topic; every broker when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<Vec<String>>,
}

fn default_queues() -> u32 {
    config::DEFAULT_TOPIC_QUEUE_NUMS
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub name: String,
    /// The producer group (`producerGroup`): the broker checks a transaction back with any live
    /// member of it.
    pub group: String,
    #[serde(default, skip_serializing_if = "config::ProducerConfig::is_default")]
    pub config: config::ProducerConfig,
    /// The service keeps a local message table (the outbox pattern, Q22): `send_outbox` writes
    /// the business row and an outbox row in one local transaction, and a relay in the same
    /// process sends unsent rows every `relay_interval_ms`, marking each sent on SEND_OK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<OutboxSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSpec {
    #[serde(default = "default_relay_interval")]
    pub relay_interval_ms: u64,
    /// Rows one relay run takes at most.
    #[serde(default = "default_relay_batch")]
    pub batch: u32,
}

fn default_relay_interval() -> u64 {
    1_000
}
fn default_relay_batch() -> u32 {
    100
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageModel {
    /// Each message to one member of the group; queues are shared out (`AllocateMessageQueueAveragely`).
    #[default]
    Clustering,
    /// Each message to every member; offsets kept by the client.
    Broadcasting,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    pub name: String,
    /// `consumerGroup`.
    pub group: String,
    pub topic: String,
    /// The subscription expression: `*` or tags joined by `||`.
    #[serde(default = "default_tags")]
    pub tags: String,
    #[serde(default, rename = "messageModel")]
    pub message_model: MessageModel,
    /// A `MessageListenerOrderly` (locks each queue, consumes one message at a time, retries in
    /// place) instead of `MessageListenerConcurrently`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub orderly: bool,
    #[serde(default, skip_serializing_if = "config::ConsumerConfig::is_default")]
    pub config: config::ConsumerConfig,
    /// How long the listener takes per message.
    #[serde(default = "default_consume_ms")]
    pub consume_ms: u64,
    /// When the listener fails: the first rule that matches a message decides; none matching
    /// means `CONSUME_SUCCESS` / `SUCCESS`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fail: Vec<FailRule>,
    /// The consumer starts later (a member joining the group).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_ms: u64,
}

fn default_tags() -> String {
    "*".into()
}
fn default_consume_ms() -> u64 {
    5
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// The listener answers `RECONSUME_LATER` (concurrently) or `SUSPEND_CURRENT_QUEUE_A_MOMENT`
/// (orderly) for messages with this key (any when absent), for their first `times` deliveries
/// (every delivery when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// What `executeLocalTransaction` or `checkLocalTransaction` returns (`LocalTransactionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LocalState {
    CommitMessage,
    RollbackMessage,
    /// Spelled as RocketMQ spells it.
    Unknow,
}

/// How the producer picks a queue (`MessageQueueSelector`), for ordered messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum Selector {
    /// `SelectMessageQueueByHash` with `arg`, a Java `String`.
    Hash { arg: String },
    /// `SelectMessageQueueByRandom` (seeded).
    Random,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// `producer.send(msg)` (sync), or `send(msg, selector, arg)` with a selector. `count`
    /// messages go one after another, each when the previous one's send returned.
    Send {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<String>,
        /// `KEYS`, space-separated.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        count: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        selector: Option<Selector>,
        /// `msg.setDelayTimeLevel(n)`: the `DELAY` property.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delay_level: Option<u32>,
        /// RocketMQ 5 `msg.setDelayTimeMs(n)`: the `TIMER_DELAY_MS` property, a timer message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delay_ms: Option<u64>,
    },
    /// `TransactionMQProducer.sendMessageInTransaction(msg, arg)`.
    SendTransaction {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        /// What `executeLocalTransaction` returns after `local_ms`.
        local: LocalState,
        #[serde(default, skip_serializing_if = "is_zero")]
        local_ms: u64,
        /// What `checkLocalTransaction` returns on each check, in order; the last one repeats.
        /// Absent: the listener reports the local transaction's outcome when there is one
        /// (`local` COMMIT/ROLLBACK), else `UNKNOW`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        check: Vec<LocalState>,
        /// `CHECK_IMMUNITY_TIME_IN_SECONDS`: the first check waits at least this long.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        check_immunity_s: Option<u32>,
    },
    /// `mqadmin queryMsgByKey -t <topic> -k <key>`: the broker's index lookup.
    QueryByKey { topic: String, key: String },
    /// The outbox pattern: one local transaction writes the business row and an outbox row
    /// (`COMMIT_MESSAGE`), or neither (`ROLLBACK_MESSAGE`); the producer's relay sends it later.
    SendOutbox {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        local: LocalState,
    },
    /// `mqadmin queryMsgById -i <msgId>` (the offset message id the broker returned), or the
    /// client's `UNIQ_KEY`, by the send's ordinal: the `n`th message this scenario sent (1-based).
    QueryById { message: u64 },
}

fn one() -> u32 {
    1
}
fn is_one(v: &u32) -> bool {
    *v == 1
}

pub fn name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_%|".contains(c))
}

/// RocketMQ's topic name rule (`TopicValidator.isTopicOrGroupIllegal`: `^[%|a-zA-Z0-9_-]+$`,
/// at most 127 characters); mqplay's limit of 64 applies as well.
pub fn name_reason() -> String {
    format!("1 to {MAX_NAME_BYTES} characters from a-z A-Z 0-9 - _ % | (RocketMQ's topic and group rule)")
}

/// Checks the section and each action in run order, and estimates the cost.
pub struct Validator {
    brokers: Vec<String>,
    topics: Vec<(String, u32)>,
    producers: Vec<String>,
    outboxes: Vec<String>,
    pub nodes: BTreeSet<String>,
    messages: u64,
    units: u64,
    periodic: u64,
    largest: Option<(usize, u64)>,
    per_message: u64,
    per_transaction: u64,
}

impl Validator {
    pub fn new(spec: &RocketSpec, p: &str, duration_ms: u64, errors: &mut Errors) -> Validator {
        let levels = config::parse_delay_levels(&spec.broker_config.message_delay_level);
        let mut v = Validator {
            brokers: Vec::new(),
            topics: Vec::new(),
            producers: Vec::new(),
            outboxes: Vec::new(),
            nodes: BTreeSet::new(),
            messages: 0,
            units: 0,
            periodic: 0,
            largest: None,
            per_message: 0,
            per_transaction: 0,
        };
        if let Err(why) = &levels {
            errors.push(err(format!("{p}.broker_config.messageDelayLevel"), why.clone()));
        }
        spec.broker_config.validate(&format!("{p}.broker_config"), errors);
        if spec.brokers.is_empty() || spec.brokers.len() > MAX_BROKERS {
            errors.push(err(
                format!("{p}.brokers"),
                format!("between 1 and {MAX_BROKERS} brokers"),
            ));
        }
        // The name server is a node too.
        v.nodes.insert(super::system::NAMESRV.into());
        for (i, b) in spec.brokers.iter().enumerate() {
            v.node(&format!("{p}.brokers[{i}].name"), &b.name, errors);
            if b.slave {
                v.node(&format!("{p}.brokers[{i}].slave"), &slave_name(&b.name), errors);
            }
            v.brokers.push(b.name.clone());
        }
        if spec.topics.is_empty() || spec.topics.len() > MAX_TOPICS {
            errors.push(err(format!("{p}.topics"), format!("between 1 and {MAX_TOPICS} topics")));
        }
        for (i, t) in spec.topics.iter().enumerate() {
            let q = format!("{p}.topics[{i}]");
            if !name_ok(&t.name) {
                errors.push(err(format!("{q}.name"), name_reason()));
            } else if config::is_system_topic(&t.name) {
                errors.push(err(
                    format!("{q}.name"),
                    format!("`{}` is a system topic name (TopicValidator.isSystemTopic)", t.name),
                ));
            }
            if v.topics.iter().any(|x| x.0 == t.name) {
                errors.push(err(format!("{q}.name"), format!("`{}` names another topic", t.name)));
            }
            if !(1..=MAX_QUEUES).contains(&t.queues) {
                errors.push(err(format!("{q}.queues"), format!("between 1 and {MAX_QUEUES}")));
            }
            let mut on = 0;
            match &t.brokers {
                Some(list) => {
                    if list.is_empty() {
                        errors.push(err(format!("{q}.brokers"), "at least one broker"));
                    }
                    for (j, b) in list.iter().enumerate() {
                        if !v.brokers.contains(b) {
                            errors.push(err(
                                format!("{q}.brokers[{j}]"),
                                format!("no broker named `{b}` (the section has {})", v.brokers.join(", ")),
                            ));
                        }
                    }
                    on = list.len() as u32;
                }
                None => on += v.brokers.len() as u32,
            }
            v.topics.push((t.name.clone(), t.queues.saturating_mul(on)));
        }
        if spec.producers.len() > MAX_PRODUCERS {
            errors.push(err(
                format!("{p}.producers"),
                format!("at most {MAX_PRODUCERS} producers"),
            ));
        }
        for (i, pr) in spec.producers.iter().enumerate() {
            let q = format!("{p}.producers[{i}]");
            v.node(&format!("{q}.name"), &pr.name, errors);
            if !name_ok(&pr.group) {
                errors.push(err(format!("{q}.group"), name_reason()));
            }
            pr.config.validate(&format!("{q}.config"), errors);
            if let Some(o) = &pr.outbox {
                if !(100..=60_000).contains(&o.relay_interval_ms) {
                    errors.push(err(format!("{q}.outbox.relay_interval_ms"), "between 100 and 60000"));
                }
                if !(1..=1000).contains(&o.batch) {
                    errors.push(err(format!("{q}.outbox.batch"), "between 1 and 1000"));
                }
                v.outboxes.push(pr.name.clone());
                // The relay's runs, each a look at the table.
                v.periodic = v
                    .periodic
                    .saturating_add((duration_ms / o.relay_interval_ms.max(100) + 1).saturating_mul(2));
            }
            v.producers.push(pr.name.clone());
        }
        if spec.consumers.len() > MAX_CONSUMERS {
            errors.push(err(
                format!("{p}.consumers"),
                format!("at most {MAX_CONSUMERS} consumers"),
            ));
        }
        let mut groups: Vec<(String, String, MessageModel, bool)> = Vec::new();
        let mut group_cost: alloc::collections::BTreeMap<String, u64> = alloc::collections::BTreeMap::new();
        for (i, c) in spec.consumers.iter().enumerate() {
            let q = format!("{p}.consumers[{i}]");
            v.node(&format!("{q}.name"), &c.name, errors);
            if !name_ok(&c.group) {
                errors.push(err(format!("{q}.group"), name_reason()));
            }
            let queues = match v.topics.iter().find(|t| t.0 == c.topic) {
                Some(t) => t.1,
                None => {
                    errors.push(err(
                        format!("{q}.topic"),
                        format!("no topic named `{}` in `topics`", c.topic),
                    ));
                    0
                }
            };
            if c.tags.is_empty() || c.tags.len() > MAX_KEY_BYTES {
                errors.push(err(
                    format!("{q}.tags"),
                    format!("`*` or tags joined by `||`, at most {MAX_KEY_BYTES} bytes"),
                ));
            }
            // One group, one subscription: RocketMQ requires every member of a group to
            // subscribe alike ("subscription consistency"), or rebalancing misbehaves.
            if let Some(g) = groups.iter().find(|g| g.0 == c.group) {
                if g.1 != c.topic || g.2 != c.message_model || g.3 != c.orderly {
                    errors.push(err(
                        format!("{q}.group"),
                        format!("members of `{}` must subscribe to the same topic with the same messageModel and listener (RocketMQ's subscription consistency)", c.group),
                    ));
                }
            } else {
                groups.push((c.group.clone(), c.topic.clone(), c.message_model, c.orderly));
            }
            if c.consume_ms > 60_000 {
                errors.push(err(format!("{q}.consume_ms"), "at most 60000"));
            }
            if c.start_ms > duration_ms {
                errors.push(err(
                    format!("{q}.start_ms"),
                    format!("{} is after duration_ms ({duration_ms})", c.start_ms),
                ));
            }
            if c.fail.len() > 8 {
                errors.push(err(format!("{q}.fail"), "at most 8 rules"));
            }
            c.config.validate(&format!("{q}.config"), errors);
            // A pull per queue held for the long-poll window, the offset commit, the rebalance.
            let alive_s = duration_ms.saturating_sub(c.start_ms) / 1000 + 1;
            let queues = u64::from(queues) + u64::from(v.brokers.len() as u32);
            // Per second: a long-poll per queue renewed every 15 s, offsets persisted every 5 s,
            // a rebalance every 20 s — a few units per queue. An orderly consumer refused a lock
            // asks again every second (an entry of ten units, a request and its reply) until
            // the holder's lock expires, at most 60 s after each change of the group.
            v.periodic = v.periodic.saturating_add(alive_s.saturating_mul(queues * 2 + 8));
            if c.orderly {
                v.periodic = v.periodic.saturating_add(60 * queues * 16 * 8);
            }
            // What each message costs this consumer: one delivery (a pull, the listener's run,
            // its entries), and each redelivery its failure rules allow — through the retry
            // topic (a send-back, a park and a move, a pull, a run: about 60 units) or, orderly,
            // in place every `suspendCurrentQueueTimeMillis` (bounded by the run's length).
            let redeliveries = c
                .fail
                .iter()
                .map(|r| {
                    let unbounded = if c.orderly {
                        match c.config.max_reconsume_times {
                            -1 => duration_ms / c.config.suspend_current_queue_time_millis.max(10) + 1,
                            n => n.max(0) as u64 + 1,
                        }
                    } else {
                        u64::from(c.config.max_reconsume(false)) + 1
                    };
                    r.times.map_or(unbounded, |t| u64::from(t).min(unbounded))
                })
                .max()
                .unwrap_or(0);
            // Clustering members share a group's messages: the group's costliest member counts
            // once; every broadcasting member gets every message.
            // A traced consumer adds two records per delivery, and a trace message per batch.
            let traced = if c.config.enable_msg_trace { 2 } else { 1 };
            let cost = (80 + redeliveries.saturating_mul(100)).saturating_mul(traced);
            let key = if c.message_model == MessageModel::Broadcasting {
                format!("{}/{}", c.group, c.name)
            } else {
                c.group.clone()
            };
            let slot = group_cost.entry(key).or_insert(0);
            *slot = (*slot).max(cost);
        }
        v.per_message = group_cost.values().fold(0u64, |a, b| a.saturating_add(*b));
        if spec.producers.iter().any(|p| p.config.enable_msg_trace) {
            v.per_message = v.per_message.saturating_add(60);
        }
        // A slave: each stored copy (a message is stored up to a few times: parked, moved,
        // retried) is pushed and reported, 2 network events of ~4 units each.
        let slaves = spec.brokers.iter().filter(|b| b.slave).count() as u64;
        if slaves > 0 {
            v.per_message = v.per_message.saturating_add(40);
        }
        // Each traced client's trace topic must exist: created by `traceTopicEnable` on every
        // broker (as `msgTraceTopicName`), or a topic of the section (`customizedTraceTopic`).
        // (A real broker with `autoCreateTopicEnable` might create it on the first trace send;
        // mqplay asks for it to be named.)
        let enabled = spec
            .broker_config
            .trace_topic_enable
            .then_some(spec.broker_config.msg_trace_topic_name.as_str());
        let traced = spec
            .producers
            .iter()
            .enumerate()
            .map(|(i, pr)| (format!("{p}.producers[{i}].config"), pr.config.trace()))
            .chain(
                spec.consumers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (format!("{p}.consumers[{i}].config"), c.config.trace())),
            );
        for (q, trace) in traced {
            let Some(topic) = trace.topic() else { continue };
            if Some(topic) != enabled && !spec.topics.iter().any(|t| t.name == topic) {
                errors.push(err(
                    format!("{q}.enableMsgTrace"),
                    format!("the trace topic `{topic}` does not exist: set broker_config.traceTopicEnable (the brokers then create msgTraceTopicName) or name a topic of the section in customizedTraceTopic"),
                ));
            }
        }
        if let Some(topic) = enabled {
            if !v.topics.iter().any(|t| t.0 == topic) {
                v.topics.push((topic.into(), v.brokers.len() as u32));
            }
        }
        // A transactional message may be checked `transactionCheckMax` times, each a put-back,
        // a check, an answer and their entries.
        v.per_transaction = u64::from(spec.broker_config.transaction_check_max).saturating_mul(80) + 200;
        // The transaction check service and the schedule service on each broker.
        let ticks = duration_ms / spec.broker_config.transaction_check_interval.max(1000) + 1;
        v.periodic = v
            .periodic
            .saturating_add(ticks.saturating_mul(spec.brokers.len() as u64).saturating_mul(12));
        // The name server: each broker registers every 10 s at the most, the scan runs every
        // 5 s, and each client asks for its routes (at most every second, a topic each: its
        // own, its retry topic, a trace topic) — 8 units per round trip.
        // A slave's HA heartbeat every 5 s, its sync task's 3 s tick and a sync a minute.
        v.periodic = v.periodic.saturating_add(
            (duration_ms / 5_000 + 2)
                .saturating_mul(8)
                .saturating_add((duration_ms / 3_000 + 2).saturating_mul(2))
                .saturating_mul(slaves),
        );
        let register = duration_ms / 10_000 + 2;
        let scan = duration_ms / 5_000 + 1;
        let clients = (spec.producers.len() + spec.consumers.len()) as u64;
        let polls = duration_ms / 1_000 + 2;
        v.periodic = v.periodic.saturating_add(
            register
                .saturating_mul(spec.brokers.len() as u64 + slaves)
                .saturating_mul(8)
                .saturating_add(scan.saturating_mul(2))
                .saturating_add(polls.saturating_mul(clients).saturating_mul(3 * 8)),
        );
        v
    }

    fn node(&mut self, p: &str, name: &str, errors: &mut Errors) {
        if !name_ok(name) {
            errors.push(err(p, name_reason()));
        } else if !self.nodes.insert(name.into()) {
            errors.push(err(
                p,
                format!("`{name}` names another broker, producer or consumer (or the name server, `namesrv`)"),
            ));
        }
    }

    fn topic(&self, p: &str, topic: &str, errors: &mut Errors) {
        if !self.topics.iter().any(|t| t.0 == topic) {
            let names: Vec<&str> = self.topics.iter().map(|t| t.0.as_str()).collect();
            errors.push(err(
                format!("{p}.topic"),
                format!("no topic named `{topic}` (the section has {})", names.join(", ")),
            ));
        }
    }

    fn producer(&self, p: &str, producer: &str, errors: &mut Errors) {
        if !self.producers.iter().any(|x| x == producer) {
            errors.push(err(
                format!("{p}.producer"),
                format!(
                    "no producer named `{producer}` (the section has {})",
                    self.producers.join(", ")
                ),
            ));
        }
    }

    fn message(
        &self,
        p: &str,
        tags: &Option<String>,
        keys: &Option<String>,
        body: &Option<String>,
        errors: &mut Errors,
    ) {
        if tags
            .as_ref()
            .is_some_and(|t| t.is_empty() || t.len() > MAX_NAME_BYTES || t.contains("||"))
        {
            errors.push(err(
                format!("{p}.tags"),
                format!("1 to {MAX_NAME_BYTES} bytes, one tag (no `||`)"),
            ));
        }
        if keys.as_ref().is_some_and(|k| k.is_empty() || k.len() > MAX_KEY_BYTES) {
            errors.push(err(
                format!("{p}.keys"),
                format!("1 to {MAX_KEY_BYTES} bytes, keys separated by spaces"),
            ));
        }
        if body.as_ref().is_some_and(|b| b.len() > MAX_VALUE_BYTES) {
            errors.push(err(format!("{p}.body"), format!("at most {MAX_VALUE_BYTES} bytes")));
        }
    }

    fn count(&mut self, index: usize, n: u64, transactional: bool) {
        self.messages = self.messages.saturating_add(n);
        // A message: its send and reply, storing, perhaps parking and moving (about 150 units
        // with retries of the send), then what each consumer spends on it.
        let each = 150 + self.per_message + if transactional { self.per_transaction } else { 0 };
        self.units = self.units.saturating_add(n.saturating_mul(each));
        if self.largest.is_none_or(|(_, m)| n > m) {
            self.largest = Some((index, n));
        }
    }

    pub fn action(&mut self, p: &str, index: usize, a: &Action, errors: &mut Errors) {
        match a {
            Action::Send {
                producer,
                topic,
                tags,
                keys,
                body,
                count,
                selector,
                delay_level,
                delay_ms,
            } => {
                self.producer(p, producer, errors);
                self.topic(p, topic, errors);
                self.message(p, tags, keys, body, errors);
                if !(1..=MAX_SEND_COUNT).contains(count) {
                    errors.push(err(format!("{p}.count"), format!("between 1 and {MAX_SEND_COUNT}")));
                }
                if let Some(Selector::Hash { arg }) = selector {
                    if arg.len() > MAX_KEY_BYTES {
                        errors.push(err(
                            format!("{p}.selector.arg"),
                            format!("at most {MAX_KEY_BYTES} bytes"),
                        ));
                    }
                }
                if delay_level.is_some() && delay_ms.is_some() {
                    errors.push(err(
                        format!("{p}.delay_ms"),
                        "a message has a delay level or a timer delay, not both",
                    ));
                }
                // Levels above the maximum are accepted: the broker lowers them to the maximum.
                if delay_level.is_some_and(|l| l > 1000) {
                    errors.push(err(format!("{p}.delay_level"), "at most 1000"));
                }
                // Larger delays are refused by the broker at send time (it answers an error the
                // trace shows), up to 30 days here.
                if delay_ms.is_some_and(|d| d > 30 * 86_400_000) {
                    errors.push(err(
                        format!("{p}.delay_ms"),
                        format!("at most {} ({} days)", 30 * 86_400_000u64, 30),
                    ));
                }
                self.count(index, u64::from(*count), false);
            }
            Action::SendTransaction {
                producer,
                topic,
                tags,
                keys,
                body,
                local: _,
                local_ms,
                check,
                check_immunity_s,
            } => {
                self.producer(p, producer, errors);
                self.topic(p, topic, errors);
                self.message(p, tags, keys, body, errors);
                if *local_ms > 3_600_000 {
                    errors.push(err(format!("{p}.local_ms"), "at most 3600000"));
                }
                if check.len() > MAX_CHECK_ANSWERS {
                    errors.push(err(
                        format!("{p}.check"),
                        format!("at most {MAX_CHECK_ANSWERS} answers"),
                    ));
                }
                if check_immunity_s.is_some_and(|s| s > 86_400) {
                    errors.push(err(format!("{p}.check_immunity_s"), "at most 86400"));
                }
                self.count(index, 1, true);
            }
            Action::SendOutbox {
                producer,
                topic,
                keys,
                body,
                local,
            } => {
                self.producer(p, producer, errors);
                self.topic(p, topic, errors);
                self.message(p, &None, keys, body, errors);
                if !self.outboxes.contains(producer) && self.producers.contains(producer) {
                    errors.push(err(
                        format!("{p}.producer"),
                        format!("`{producer}` has no `outbox` (give it one to use send_outbox)"),
                    ));
                }
                if *local == LocalState::Unknow {
                    errors.push(err(
                        format!("{p}.local"),
                        "a local database transaction commits or rolls back: COMMIT_MESSAGE or ROLLBACK_MESSAGE",
                    ));
                }
                self.count(index, 1, false);
            }
            Action::QueryByKey { topic, key } => {
                self.topic(p, topic, errors);
                if key.is_empty() || key.len() > MAX_KEY_BYTES {
                    errors.push(err(format!("{p}.key"), format!("1 to {MAX_KEY_BYTES} bytes")));
                }
                self.units = self.units.saturating_add(40);
            }
            Action::QueryById { message } => {
                if *message == 0 || *message > self.messages {
                    errors.push(err(
                        format!("{p}.message"),
                        format!("the ordinal of a message sent earlier: 1 to {}", self.messages),
                    ));
                }
                self.units = self.units.saturating_add(40);
            }
        }
    }

    pub fn messages(&self) -> u64 {
        self.messages
    }
    pub fn largest_send(&self) -> Option<(usize, u64)> {
        self.largest
    }
    pub fn estimate(&self) -> Cost {
        Cost {
            periodic: self.periodic,
            per_record: self.units,
        }
    }
}
