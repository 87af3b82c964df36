//! Version 1 of the scenario format, read for old share links and exported files, and migrated to
//! version 2 on read: the `kafka` section is the same; actions were flat (`{"at_ms", "do", ...}`)
//! and crashes and restarts were Kafka actions, which are now node faults. Errors found in the
//! migrated document are reported at the version-1 paths the author wrote.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::{ScenarioError, Text, TimedAction as TimedAction2, SCENARIO_VERSION};
use crate::kafka::spec::{self, ConsumerSpec, KafkaSpec};
use crate::kernel::net::{NetworkSpec, NodeFault};
use crate::systems::Action as Action2;

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
    Produce {
        producer: String,
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        value: String,
    },
    ProduceMany {
        producer: String,
        topic: String,
        count: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_prefix: Option<String>,
        #[serde(default = "one")]
        distinct_keys: u32,
        #[serde(default = "sixteen")]
        value_bytes: u32,
    },
    AddConsumer {
        consumer: ConsumerSpec,
    },
    RemoveConsumer {
        consumer: String,
    },
    Commit {
        consumer: String,
    },
    CrashConsumer {
        consumer: String,
    },
    AddPartitions {
        topic: String,
        count: u32,
    },
    CrashBroker {
        broker: u32,
    },
    RestartBroker {
        broker: u32,
    },
}

fn one() -> u32 {
    1
}
fn sixteen() -> u32 {
    16
}

/// Where a version-2 action came from, to report errors at the version-1 path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Kafka,
    /// A crash or restart; the field that named the node (`broker` or `consumer`).
    Fault(&'static str),
}

impl Scenario {
    pub fn migrate(self) -> (super::Scenario, Vec<Origin>) {
        let mut origins = Vec::with_capacity(self.actions.len());
        let actions = self
            .actions
            .into_iter()
            .map(|a| {
                let (action, origin) = migrate_action(a.action);
                origins.push(origin);
                TimedAction2 { at_ms: a.at_ms, action }
            })
            .collect();
        let scenario = super::Scenario {
            version: if self.version == 1 {
                SCENARIO_VERSION
            } else {
                self.version
            },
            title: self.title,
            seed: self.seed,
            duration_ms: self.duration_ms,
            network: self.network,
            faults: Vec::new(),
            kafka: Some(self.kafka),
            rabbitmq: None,
            delay: None,
            rocketmq: None,
            actions,
        };
        (scenario, origins)
    }
}

fn migrate_action(a: Action) -> (Action2, Origin) {
    let kafka = |k| (Action2::Kafka(k), Origin::Kafka);
    match a {
        Action::Produce {
            producer,
            topic,
            key,
            value,
        } => kafka(spec::Action::Produce {
            producer,
            topic,
            key,
            value,
        }),
        Action::ProduceMany {
            producer,
            topic,
            count,
            key_prefix,
            distinct_keys,
            value_bytes,
        } => kafka(spec::Action::ProduceMany {
            producer,
            topic,
            count,
            key_prefix,
            distinct_keys,
            value_bytes,
        }),
        Action::AddConsumer { consumer } => kafka(spec::Action::AddConsumer { consumer }),
        Action::RemoveConsumer { consumer } => kafka(spec::Action::RemoveConsumer { consumer }),
        Action::Commit { consumer } => kafka(spec::Action::Commit { consumer }),
        Action::AddPartitions { topic, count } => kafka(spec::Action::AddPartitions { topic, count }),
        Action::CrashConsumer { consumer } => (
            Action2::Fault(NodeFault::Crash { node: consumer }),
            Origin::Fault("consumer"),
        ),
        Action::CrashBroker { broker } => (
            Action2::Fault(NodeFault::Crash {
                node: format!("broker-{broker}"),
            }),
            Origin::Fault("broker"),
        ),
        Action::RestartBroker { broker } => (
            Action2::Fault(NodeFault::Restart {
                node: format!("broker-{broker}"),
            }),
            Origin::Fault("broker"),
        ),
    }
}

/// `actions[3].kafka.producer` -> `actions[3].producer`; `actions[2].fault.node` -> `actions[2].broker`.
pub fn translate_errors(errors: Vec<ScenarioError>, origins: &[Origin]) -> Vec<ScenarioError> {
    errors
        .into_iter()
        .map(|mut e| {
            if let Some(rest) = e.path.strip_prefix("actions[") {
                if let Some((index, tail)) = rest.split_once(']') {
                    let origin = index.parse::<usize>().ok().and_then(|i| origins.get(i));
                    let tail = match (origin, tail) {
                        (Some(Origin::Fault(field)), ".fault.node") => format!(".{field}"),
                        (_, t) => t.strip_prefix(".kafka").unwrap_or(t).into(),
                    };
                    e.path = format!("actions[{index}]{tail}");
                }
            }
            e
        })
        .collect()
}
