//! The Kafka system's part of the page: its diagram, inspector details and controls, and how a
//! control becomes a scenario action (`intent`). Everything here reads `KafkaView`, plain data.
pub mod actions;
pub mod diagram;
pub mod inspector;
pub mod lab;
pub mod motion;
pub mod palette;
pub mod waits;

use mqplay_core::kafka::spec::{Action as KafkaAction, ConsumerSpec, OffsetReset};
use mqplay_core::kafka::view::KafkaView;
use mqplay_core::kernel::net::NodeFault;
use mqplay_core::scenario::{Action, MAX_KEY_BYTES, MAX_VALUE_BYTES};
use mqplay_core::{Lang, Scenario, ScenarioError};

use crate::i18n::t;

/// An element of the Kafka diagram the inspector can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Broker(u32),
    Partition(String),
    Record { partition: String, offset: u64 },
    Consumer(String),
    Group(String),
    Producer(String),
}

/// What a learner asked the Kafka cluster to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Produce {
        key: String,
        value: String,
    },
    AddConsumer,
    RemoveConsumer(String),
    CrashConsumer(String),
    CrashBroker(u32),
    RestartBroker(u32),
    /// The assignor lab's form changed: run the assignors on it (nothing is scheduled).
    Assign(mqplay_core::kafka::assignor::document::LabForm),
}

fn refuse(path: &str, lang: Lang, key: &'static str) -> Vec<ScenarioError> {
    vec![ScenarioError {
        path: path.into(),
        reason: t(lang, key).into(),
    }]
}

/// The scenario action for an intent, or why there is none. The core validates it again when it
/// joins the scenario.
pub fn intent(
    intent: &Intent,
    scenario: &Scenario,
    view: Option<&KafkaView>,
    lang: Lang,
) -> Result<Action, Vec<ScenarioError>> {
    let Some(spec) = scenario.kafka.as_ref() else {
        return Err(refuse("kafka", lang, "act.no_kafka"));
    };
    let action = match intent {
        Intent::Produce { key, value } => {
            if key.len() > MAX_KEY_BYTES {
                return Err(refuse("key", lang, "err.key_too_long"));
            }
            if value.len() > MAX_VALUE_BYTES {
                return Err(refuse("value", lang, "err.value_too_long"));
            }
            let (Some(producer), Some(topic)) = (spec.producers.first(), spec.topics.first()) else {
                return Err(refuse("kafka.producers", lang, "act.no_producer"));
            };
            Action::Kafka(KafkaAction::Produce {
                producer: producer.id.clone(),
                topic: topic.name.clone(),
                key: (!key.is_empty()).then(|| key.clone()),
                value: value.clone(),
            })
        }
        Intent::AddConsumer => {
            // A new member of the first group on the page, subscribed as its first member is.
            let template = view.and_then(|v| v.consumers.first());
            let mate = template;
            let (group, topics) = match template {
                Some(c) => (c.group.clone(), c.topics.clone()),
                None => match spec.topics.first() {
                    Some(t) => ("group-1".to_string(), vec![t.name.clone()]),
                    None => return Err(refuse("kafka.topics", lang, "act.no_group")),
                },
            };
            let taken: Vec<&str> = view.map_or(Vec::new(), |v| v.consumers.iter().map(|c| c.id.as_str()).collect());
            let id = (1..)
                .map(|n| format!("{group}-{n}"))
                .find(|id| !taken.contains(&id.as_str()))
                .unwrap_or_default();
            Action::Kafka(KafkaAction::AddConsumer {
                consumer: ConsumerSpec {
                    auto_offset_reset: OffsetReset::Earliest,
                    // A new member configured as its group mates are, so it can join them.
                    assignment_strategy: mate.map_or_else(
                        || ConsumerSpec::with_defaults("", "", Vec::new()).assignment_strategy,
                        |m| m.assignors.clone(),
                    ),
                    ..ConsumerSpec::with_defaults(&id, &group, topics)
                },
            })
        }
        Intent::RemoveConsumer(id) => Action::Kafka(KafkaAction::RemoveConsumer { consumer: id.clone() }),
        Intent::CrashConsumer(id) => Action::Fault(NodeFault::Crash { node: id.clone() }),
        Intent::CrashBroker(b) => Action::Fault(NodeFault::Crash {
            node: format!("broker-{b}"),
        }),
        Intent::RestartBroker(b) => Action::Fault(NodeFault::Restart {
            node: format!("broker-{b}"),
        }),
        // The store answers the lab itself; it never becomes an action.
        Intent::Assign(_) => return Err(Vec::new()),
    };
    Ok(action)
}
