//! The scenario document: a versioned JSON description of a seed, a duration, the network and its
//! fault rules, one or more systems (`kafka`, `rabbitmq`, the `delay` timer lab; `rocketmq` next) and the timed
//! actions run on them. Loading yields a fully validated `Scenario` or a list of errors that each
//! name a JSON path and a reason; it never panics and never half-loads.
//!
//! Version 2 is the current format. Version 1 documents (the Foundation's share links and exported
//! files: a single required `kafka` section and flat actions) still load: `v1` reads them and
//! migrates them on read, and their errors keep pointing at the version-1 paths.
//!
//! Validation walks the actions in the order they run (time, then document order), against the
//! state each system will be in, so a document that loads always replays; then it estimates the
//! document's cost and refuses one over the budget (`crate::budget`).
pub mod v1;
pub mod zh;

use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::budget::{self, Cost};
use crate::delay::spec::{DelaySpec, Validator as DelayValidator};
use crate::kafka::spec::{KafkaSpec, NodeKind, Validator as KafkaValidator};
use crate::kernel::net::{FaultRule, NetworkSpec, NodeFault, MAX_FAULT_RULES, MAX_LATENCY_MS};
use crate::rabbit::spec::{RabbitSpec, Validator as RabbitValidator};
use crate::rocket::spec::{RocketSpec, Validator as RocketValidator};
pub use crate::systems::Action;

/// The format version this build writes; it reads 1 and 2.
pub const SCENARIO_VERSION: u32 = 2;
/// Largest scenario document accepted, in bytes. Checked before parsing so a huge paste costs nothing.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
pub const MAX_ACTIONS: usize = 10_000;
pub const MAX_DURATION_MS: u64 = 24 * 3600 * 1000;
pub const MAX_NAME_BYTES: usize = 64;
pub const MAX_KEY_BYTES: usize = 256;
pub const MAX_VALUE_BYTES: usize = 1024;

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
    /// Network conditions over windows of time: partitions, drops, delays, slow nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<KafkaSpec>,
    /// An AMQP 0-9-1 script against one RabbitMQ node (`rabbit::spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rabbitmq: Option<RabbitSpec>,
    /// Timing wheels for the timer lab (`delay::spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<DelaySpec>,
    /// RocketMQ brokers, topics, producers and consumers (`rocket::spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rocketmq: Option<RocketSpec>,
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

/// One thing that happens at a virtual time, for one system or the fault layer:
/// `{"at_ms": 4000, "kafka": {"do": "produce", ...}}` or
/// `{"at_ms": 5000, "fault": {"do": "crash", "node": "broker-0"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTimedAction", into = "RawTimedAction")]
pub struct TimedAction {
    pub at_ms: u64,
    pub action: Action,
}

/// The document form of a timed action: exactly one system key besides `at_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTimedAction {
    pub at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<crate::kafka::spec::Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rabbitmq: Option<crate::rabbit::spec::Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<crate::delay::spec::Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rocketmq: Option<crate::rocket::spec::Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<NodeFault>,
}

impl TryFrom<RawTimedAction> for TimedAction {
    type Error = String;
    fn try_from(raw: RawTimedAction) -> Result<TimedAction, String> {
        let action = match (raw.kafka, raw.rabbitmq, raw.delay, raw.rocketmq, raw.fault) {
            (Some(k), None, None, None, None) => Action::Kafka(k),
            (None, Some(r), None, None, None) => Action::Rabbitmq(r),
            (None, None, Some(d), None, None) => Action::Delay(d),
            (None, None, None, Some(r), None) => Action::Rocketmq(r),
            (None, None, None, None, Some(f)) => Action::Fault(f),
            (None, None, None, None, None) => {
                return Err(
                    "an action needs one of `kafka`, `rabbitmq`, `delay`, `rocketmq` or `fault` beside `at_ms`".into(),
                )
            }
            _ => {
                return Err("an action names exactly one of `kafka`, `rabbitmq`, `delay`, `rocketmq` or `fault`".into())
            }
        };
        Ok(TimedAction {
            at_ms: raw.at_ms,
            action,
        })
    }
}

impl From<TimedAction> for RawTimedAction {
    fn from(t: TimedAction) -> RawTimedAction {
        let mut raw = RawTimedAction {
            at_ms: t.at_ms,
            kafka: None,
            rabbitmq: None,
            delay: None,
            rocketmq: None,
            fault: None,
        };
        match t.action {
            Action::Kafka(k) => raw.kafka = Some(k),
            Action::Rabbitmq(r) => raw.rabbitmq = Some(r),
            Action::Delay(d) => raw.delay = Some(d),
            Action::Rocketmq(r) => raw.rocketmq = Some(r),
            Action::Fault(f) => raw.fault = Some(f),
        }
        raw
    }
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

impl ScenarioError {
    /// The reason in `lang` (the English one when no Chinese template knows it).
    pub fn reason_in(&self, lang: crate::Lang) -> alloc::borrow::Cow<'_, str> {
        match lang {
            crate::Lang::Zh => {
                zh::reason_zh(&self.reason).map_or(alloc::borrow::Cow::Borrowed(self.reason.as_str()), Into::into)
            }
            crate::Lang::En => alloc::borrow::Cow::Borrowed(self.reason.as_str()),
        }
    }
}

pub fn err(path: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
    ScenarioError {
        path: path.into(),
        reason: reason.into(),
    }
}

/// The value of the top-level `"version"` key, read before choosing how to parse the rest. A
/// scan rather than a parse, so a truncated or broken version-1 document still gets version-1
/// errors.
fn top_level_version(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut key_start = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                key_start = (depth == 1).then_some((start, i.min(bytes.len())));
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 1 => {
                if let Some((a, b)) = key_start.take() {
                    if &bytes[a..b] == b"version" {
                        let rest = text[i + 1..].trim_start();
                        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                        return rest[..digits].parse().ok();
                    }
                }
            }
            b',' => key_start = None,
            _ => {}
        }
        i += 1;
    }
    None
}

impl Scenario {
    /// Parse, migrate (version 1) and validate a JSON document. All validation errors are
    /// returned together.
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
        let version = top_level_version(text);
        if let Some(v) = version.filter(|v| *v != 1 && *v != u64::from(SCENARIO_VERSION)) {
            return Err(alloc::vec![err(
                "version",
                format!("this build reads versions 1 and {SCENARIO_VERSION}, not {v}")
            )]);
        }
        if version == Some(1) {
            let old: v1::Scenario = parse_document(text)?;
            let (scenario, origins) = old.migrate();
            scenario.validate().map_err(|e| v1::translate_errors(e, &origins))?;
            return Ok(scenario);
        }
        let scenario: Scenario = parse_document(text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Actions in the order they run: by time, equal times in document order. `Sim` keeps this
    /// order, so what was validated is what runs (and what an export writes).
    pub fn sort_actions(&mut self) {
        self.actions.sort_by_key(|a| a.at_ms);
    }

    /// Checks every rule serde cannot express: ranges, limits, references between parts, the
    /// actions in the order they run, and the cost of the whole.
    pub fn validate(&self) -> Result<(), Vec<ScenarioError>> {
        let mut errors = Vec::new();
        let check = |errors: &mut Vec<ScenarioError>, ok: bool, path: &str, reason: String| {
            if !ok {
                errors.push(err(path, reason));
            }
        };
        check(
            &mut errors,
            self.version == SCENARIO_VERSION,
            "version",
            format!(
                "this build reads versions 1 and {SCENARIO_VERSION}, not {}",
                self.version
            ),
        );
        check(
            &mut errors,
            (1..=MAX_DURATION_MS).contains(&self.duration_ms),
            "duration_ms",
            format!("must be between 1 and {MAX_DURATION_MS}"),
        );
        let net = &self.network;
        check(
            &mut errors,
            net.latency_ms_max <= MAX_LATENCY_MS,
            "network.latency_ms_max",
            format!("must be at most {MAX_LATENCY_MS}"),
        );
        check(
            &mut errors,
            net.latency_ms_min <= net.latency_ms_max,
            "network.latency_ms_min",
            "must not exceed network.latency_ms_max".into(),
        );
        check(
            &mut errors,
            self.kafka.is_some() || self.rabbitmq.is_some() || self.delay.is_some() || self.rocketmq.is_some(),
            "",
            "a scenario needs at least one system section: `kafka`, `rabbitmq`, `delay` or `rocketmq`".into(),
        );
        let mut kafka = self
            .kafka
            .as_ref()
            .map(|k| KafkaValidator::new(k, "kafka", &mut errors));
        let mut rabbit = self
            .rabbitmq
            .as_ref()
            .map(|r| RabbitValidator::new(r, "rabbitmq", self.duration_ms, &mut errors));
        let mut delay = self
            .delay
            .as_ref()
            .map(|d| DelayValidator::new(d, "delay", self.duration_ms, &mut errors));
        let mut rocket = self
            .rocketmq
            .as_ref()
            .map(|r| RocketValidator::new(r, "rocketmq", self.duration_ms, &mut errors));
        check(
            &mut errors,
            self.actions.len() <= MAX_ACTIONS,
            "actions",
            format!("at most {MAX_ACTIONS} actions"),
        );
        // The order they run in; paths keep document indices.
        let mut order: Vec<usize> = (0..self.actions.len()).collect();
        order.sort_by_key(|&i| self.actions[i].at_ms);
        for i in order {
            let a = &self.actions[i];
            let p = format!("actions[{i}]");
            check(
                &mut errors,
                a.at_ms <= self.duration_ms,
                &format!("{p}.at_ms"),
                format!("{} is after duration_ms ({})", a.at_ms, self.duration_ms),
            );
            match &a.action {
                Action::Kafka(action) => match kafka.as_mut() {
                    Some(v) => v.action(&format!("{p}.kafka"), i, a.at_ms, action, &mut errors),
                    None => errors.push(err(format!("{p}.kafka"), "the scenario has no `kafka` section")),
                },
                Action::Rabbitmq(action) => match rabbit.as_mut() {
                    Some(v) => v.action(&format!("{p}.rabbitmq"), i, action, &mut errors),
                    None => errors.push(err(format!("{p}.rabbitmq"), "the scenario has no `rabbitmq` section")),
                },
                Action::Delay(action) => match delay.as_mut() {
                    Some(v) => v.action(&format!("{p}.delay"), i, a.at_ms, action, &mut errors),
                    None => errors.push(err(format!("{p}.delay"), "the scenario has no `delay` section")),
                },
                Action::Rocketmq(action) => match rocket.as_mut() {
                    Some(v) => v.action(&format!("{p}.rocketmq"), i, action, &mut errors),
                    None => errors.push(err(format!("{p}.rocketmq"), "the scenario has no `rocketmq` section")),
                },
                Action::Fault(fault) if rocket_node(rocket.as_ref(), fault.node()) => {}
                Action::Fault(fault) if self.delay.as_ref().is_some_and(|d| d.crashable(fault.node())) => {}
                Action::Fault(fault) => {
                    let path = format!("{p}.fault.node");
                    match node_kind(kafka.as_ref(), fault.node()) {
                        None if self.delay.is_some() && kafka.is_none() && self.rabbitmq.is_none() => errors.push(err(
                            path,
                            format!(
                                "`{}`: timers take no fault actions (only Redis pollers crash); cancel a task or add one instead",
                                fault.node()
                            ),
                        )),
                        None if self.rabbitmq.is_some() && kafka.is_none() => errors.push(err(
                            path,
                            format!(
                                "`{}`: RabbitMQ nodes take no fault actions in this version; use {{\"rabbitmq\": {{\"do\": \"broker_restart\"}}}} or `connection_close`",
                                fault.node()
                            ),
                        )),
                        None => errors.push(err(path, no_node(fault.node()))),
                        Some(kind) if !KafkaValidator::crashable(kind) => errors.push(err(
                            path,
                            format!(
                                "`{}` cannot crash or restart in this version: brokers and consumers can",
                                fault.node()
                            ),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        // Fault rules may name nodes that only join later (a consumer added by an action).
        check(
            &mut errors,
            self.faults.len() <= MAX_FAULT_RULES,
            "faults",
            format!("at most {MAX_FAULT_RULES} fault rules"),
        );
        for (i, rule) in self.faults.iter().enumerate() {
            let p = format!("faults[{i}]");
            for (field, name) in rule.node_names() {
                if node_kind(kafka.as_ref(), name).is_none() && !rocket_node(rocket.as_ref(), name) {
                    errors.push(err(format!("{p}.{field}"), no_node(name)));
                }
            }
            let (from_ms, until_ms) = rule.window();
            check(
                &mut errors,
                from_ms <= self.duration_ms,
                &format!("{p}.from_ms"),
                format!("{from_ms} is after duration_ms ({})", self.duration_ms),
            );
            if let Some(until) = until_ms {
                check(
                    &mut errors,
                    until > from_ms,
                    &format!("{p}.until_ms"),
                    "must be after from_ms".into(),
                );
            }
            match rule {
                FaultRule::Drop { percent, .. } => check(
                    &mut errors,
                    (1..=100).contains(percent),
                    &format!("{p}.percent"),
                    "must be between 1 and 100".into(),
                ),
                FaultRule::Delay { extra_ms, .. } | FaultRule::Slow { extra_ms, .. } => check(
                    &mut errors,
                    (1..=MAX_LATENCY_MS).contains(extra_ms),
                    &format!("{p}.extra_ms"),
                    format!("must be between 1 and {MAX_LATENCY_MS}"),
                ),
                FaultRule::Partition { between, .. } => check(
                    &mut errors,
                    between[0] != between[1],
                    &format!("{p}.between"),
                    "must name two different nodes".into(),
                ),
            }
        }
        if errors.is_empty() {
            self.check_budget(
                kafka.as_ref(),
                rabbit.as_ref(),
                delay.as_ref(),
                rocket.as_ref(),
                &mut errors,
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The estimated cost of running the whole document (see `crate::budget`): what validation
    /// compares with the budget. `None` when the document does not validate otherwise.
    pub fn estimate(&self) -> Option<Cost> {
        let mut errors = Vec::new();
        let mut kafka = self
            .kafka
            .as_ref()
            .map(|k| KafkaValidator::new(k, "kafka", &mut errors));
        let mut rabbit = self
            .rabbitmq
            .as_ref()
            .map(|r| RabbitValidator::new(r, "", self.duration_ms, &mut errors));
        let mut delay = self
            .delay
            .as_ref()
            .map(|d| DelayValidator::new(d, "", self.duration_ms, &mut errors));
        let mut rocket = self
            .rocketmq
            .as_ref()
            .map(|r| RocketValidator::new(r, "", self.duration_ms, &mut errors));
        let mut order: Vec<usize> = (0..self.actions.len()).collect();
        order.sort_by_key(|&i| self.actions[i].at_ms);
        for i in order {
            match (&self.actions[i].action, kafka.as_mut(), rabbit.as_mut()) {
                (Action::Kafka(a), Some(v), _) => v.action("", i, self.actions[i].at_ms, a, &mut errors),
                (Action::Rabbitmq(a), _, Some(v)) => v.action("", i, a, &mut errors),
                (Action::Delay(a), _, _) => {
                    if let Some(v) = delay.as_mut() {
                        v.action("", i, self.actions[i].at_ms, a, &mut errors)
                    }
                }
                (Action::Rocketmq(a), _, _) => {
                    if let Some(v) = rocket.as_mut() {
                        v.action("", i, a, &mut errors)
                    }
                }
                _ => {}
            }
        }
        errors.is_empty().then(|| {
            let k = kafka.map_or(Cost::default(), |k| k.estimate(self.duration_ms));
            k.plus(rabbit.map_or(Cost::default(), |r| r.estimate()))
                .plus(delay.map_or(Cost::default(), |d| d.estimate()))
                .plus(rocket.map_or(Cost::default(), |r| r.estimate()))
        })
    }

    /// Refuses a document whose records or estimated work exceed the budgets, at the field to
    /// change: the largest produce action when records dominate, else `duration_ms`.
    fn check_budget(
        &self,
        kafka: Option<&KafkaValidator<'_>>,
        rabbit: Option<&RabbitValidator>,
        delay: Option<&DelayValidator>,
        rocket: Option<&RocketValidator>,
        errors: &mut Vec<ScenarioError>,
    ) {
        let mut cost = Cost::default();
        let mut records = 0;
        let mut largest = None;
        if let Some(k) = kafka {
            cost = cost.plus(k.estimate(self.duration_ms));
            records += k.records;
            largest = k.largest_produce();
        }
        // A system whose count of things exceeds its document limit is refused at its largest
        // action's `count`; otherwise its largest action may be the one to shrink.
        let counted = [
            rabbit.map(|r| {
                let why = format!(
                    "the script publishes {} messages in all; the limit is {}",
                    r.messages(),
                    crate::rabbit::spec::MAX_MESSAGES
                );
                (
                    r.estimate(),
                    r.messages() > crate::rabbit::spec::MAX_MESSAGES,
                    why,
                    r.largest_publish(),
                    "rabbitmq",
                )
            }),
            delay.map(|d| {
                use crate::delay::spec::{MAX_MEMBERS, MAX_TASKS};
                let why = if d.tasks() > MAX_TASKS {
                    format!(
                        "the scenario adds {} timer tasks in all; the limit is {MAX_TASKS}",
                        d.tasks()
                    )
                } else {
                    format!(
                        "the scenario adds {} sorted-set members in all; the limit is {MAX_MEMBERS}",
                        d.members()
                    )
                };
                let over = d.tasks() > MAX_TASKS || d.members() > MAX_MEMBERS;
                (d.estimate(), over, why, d.largest_add(), "delay")
            }),
            rocket.map(|r| {
                use crate::rocket::spec::MAX_MESSAGES;
                let why = format!(
                    "the scenario sends {} RocketMQ messages in all; the limit is {MAX_MESSAGES}",
                    r.messages()
                );
                (
                    r.estimate(),
                    r.messages() > MAX_MESSAGES,
                    why,
                    r.largest_send(),
                    "rocketmq",
                )
            }),
        ];
        for (estimate, over, why, system_largest, key) in counted.into_iter().flatten() {
            cost = cost.plus(estimate);
            if over {
                let path = system_largest
                    .map(|(i, _)| format!("actions[{i}].{key}.count"))
                    .unwrap_or_else(|| "actions".into());
                errors.push(err(path, why));
                return;
            }
            if largest.is_none_or(|(_, n)| system_largest.is_some_and(|(_, m)| m > n)) {
                largest = system_largest.or(largest);
            }
        }
        let count_path = |(i, _): (usize, u64)| match &self.actions[i].action {
            Action::Rabbitmq(_) => format!("actions[{i}].rabbitmq.count"),
            Action::Delay(_) => format!("actions[{i}].delay.count"),
            Action::Rocketmq(_) => format!("actions[{i}].rocketmq.count"),
            _ => format!("actions[{i}].kafka.count"),
        };
        if records > budget::MAX_RECORDS {
            errors.push(err(
                largest.map(count_path).unwrap_or_else(|| "actions".into()),
                format!(
                    "the scenario produces {records} records in all; the limit is {}",
                    budget::MAX_RECORDS
                ),
            ));
            return;
        }
        if cost.total() > budget::MAX_WORK_UNITS {
            if let (None, Some(r)) = (kafka, rabbit) {
                let (per_message, bounded) = r.redeliveries();
                let path = largest.map(count_path).unwrap_or_else(|| "duration_ms".into());
                errors.push(err(
                    path,
                    format!(
                        "this script would cost about {} work units: {} messages published, each redelivered up to {per_message} times by consumers without a prefetch limit, plus {bounded} redeliveries by consumers with one; the limit is {}. Publish fewer messages, give consumers that reject or nack a basic_qos prefetch_count or a longer after_ms, or shorten duration_ms",
                        cost.total(),
                        r.messages(),
                        budget::MAX_WORK_UNITS
                    ),
                ));
                return;
            }
            let path = match largest {
                Some(l) if cost.per_record > cost.periodic => count_path(l),
                _ => "duration_ms".into(),
            };
            errors.push(err(path, budget::over_budget(cost, records, self.duration_ms)));
        }
    }

    /// The scenario's fault rules, shared with the kernel.
    pub fn fault_rules(&self) -> Rc<Vec<FaultRule>> {
        Rc::new(self.faults.clone())
    }
}

/// Whether `name` (or `rocketmq:name`) is a RocketMQ broker, producer or consumer: each can
/// crash and restart, and fault rules may name them.
fn rocket_node(rocket: Option<&RocketValidator>, name: &str) -> bool {
    let bare = match name.split_once(':') {
        Some((s, n)) if s == crate::rocket::SYSTEM => n,
        Some(_) => return false,
        None => name,
    };
    rocket.is_some_and(|r| r.nodes.contains(bare))
}

/// The kind of node `name` names (`broker-0` or `kafka:broker-0`), if any system has it.
fn node_kind(kafka: Option<&KafkaValidator<'_>>, name: &str) -> Option<NodeKind> {
    let (system, bare) = match name.split_once(':') {
        Some((s, n)) => (Some(s), n),
        None => (None, name),
    };
    if system.is_some_and(|s| s != crate::kafka::SYSTEM) {
        return None;
    }
    kafka?.node(bare)
}

fn no_node(name: &str) -> String {
    format!(
        "no node named `{name}` at this point (nodes are named as in the trace: broker-0, controller, or a client id)"
    )
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
