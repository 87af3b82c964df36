//! RocketMQ's part of the page: the cluster (brokers with their topics' queues, the 18 delay-level
//! queues with countdowns, the timer store and the half messages; producers and consumers with
//! their queues and offsets), each transaction's sequence diagram, every message's way through
//! the topics (its trace), the settings reference, and a form that sends. Everything here reads
//! `RocketView`, plain data; `intent` turns a click into a scenario action.
pub mod actions;
pub mod cluster;
pub mod messages;
pub mod sequence;
pub mod strings;

use mqplay_core::kernel::net::NodeFault;
use mqplay_core::rocket::spec::{Action as RocketAction, LocalState, Selector};
use mqplay_core::scenario::{Action, MAX_KEY_BYTES};
use mqplay_core::{Lang, Scenario, ScenarioError};

use crate::i18n::t;

/// What the learner asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Send {
        producer: String,
        topic: String,
        keys: String,
        /// `normal`, `ordered`, `delay`, `timer`, `transaction` or `outbox`.
        kind: String,
        /// The delay level, timer delay (ms) or the local transaction's answer.
        value: String,
    },
    Crash(String),
    Restart(String),
    /// `mqadmin queryMsgByKey`: the broker's index, by `topic#key`.
    QueryByKey {
        topic: String,
        key: String,
    },
    /// `mqadmin queryMsgById`: a message sent earlier, by its ordinal (its msgId is the UNIQ_KEY).
    QueryById(u32),
}

fn refuse(path: &str, lang: Lang, key: &'static str) -> Vec<ScenarioError> {
    vec![ScenarioError {
        path: path.into(),
        reason: t(lang, key).into(),
    }]
}

/// The action for an intent, or why there is none (the core validates it again).
pub fn intent(intent: &Intent, scenario: &Scenario, lang: Lang) -> Result<Action, Vec<ScenarioError>> {
    if scenario.rocketmq.is_none() {
        return Err(refuse("rocketmq", lang, "rm.no_rocket"));
    }
    let (producer, topic, keys, kind, value) = match intent {
        Intent::Crash(node) => return Ok(Action::Fault(NodeFault::Crash { node: node.clone() })),
        Intent::Restart(node) => return Ok(Action::Fault(NodeFault::Restart { node: node.clone() })),
        Intent::QueryById(message) => {
            return Ok(Action::Rocketmq(RocketAction::QueryById {
                message: u64::from(*message),
            }))
        }
        Intent::QueryByKey { topic, key } => {
            let key = key.trim();
            if key.is_empty() || key.len() > MAX_KEY_BYTES {
                return Err(refuse("key", lang, "rm.err.keys"));
            }
            return Ok(Action::Rocketmq(RocketAction::QueryByKey {
                topic: topic.clone(),
                key: key.into(),
            }));
        }
        Intent::Send {
            producer,
            topic,
            keys,
            kind,
            value,
        } => (producer, topic, keys.trim(), kind.as_str(), value.trim()),
    };
    if keys.len() > MAX_KEY_BYTES {
        return Err(refuse("keys", lang, "rm.err.keys"));
    }
    let keys = (!keys.is_empty()).then(|| keys.to_string());
    let number = |path: &str, key| value.parse::<u64>().map_err(|_| refuse(path, lang, key));
    let send = |selector, delay_level, delay_ms| RocketAction::Send {
        producer: producer.clone(),
        topic: topic.clone(),
        tags: None,
        keys: keys.clone(),
        body: None,
        count: 1,
        selector,
        delay_level,
        delay_ms,
    };
    let action = match kind {
        "ordered" => send(
            Some(Selector::Hash {
                arg: keys.clone().unwrap_or_default(),
            }),
            None,
            None,
        ),
        "delay" => send(None, Some(number("delay_level", "rm.err.level")? as u32), None),
        "timer" => send(None, None, Some(number("delay_ms", "rm.err.delay")?)),
        "outbox" => RocketAction::SendOutbox {
            producer: producer.clone(),
            topic: topic.clone(),
            keys,
            body: None,
            local: if value == "ROLLBACK_MESSAGE" {
                LocalState::RollbackMessage
            } else {
                LocalState::CommitMessage
            },
        },
        "transaction" => RocketAction::SendTransaction {
            producer: producer.clone(),
            topic: topic.clone(),
            tags: None,
            keys,
            body: None,
            local: match value {
                "COMMIT_MESSAGE" => LocalState::CommitMessage,
                "ROLLBACK_MESSAGE" => LocalState::RollbackMessage,
                _ => LocalState::Unknow,
            },
            local_ms: 0,
            check: Vec::new(),
            check_immunity_s: None,
        },
        _ => send(None, None, None),
    };
    Ok(Action::Rocketmq(action))
}
