//! The timer lab's part of the page: a dial per wheel (rings for levels, the pointer, buckets
//! holding tasks, the delay queue), the tasks table, and a control that adds or cancels a task.
//! Everything here reads `DelayView`, plain data; `intent` turns a click into a scenario action.
pub mod actions;
pub mod dial;
pub mod strings;
pub mod zset_view;

use mqplay_core::delay::spec::{Action as DelayAction, MAX_DELAY_MS, MIN_DELAY_MS};
use mqplay_core::kernel::net::NodeFault;
use mqplay_core::scenario::{Action, MAX_NAME_BYTES};
use mqplay_core::{Lang, Scenario, ScenarioError};

use crate::i18n::t;

/// What a learner asked a timer to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add {
        wheel: String,
        task: String,
        delay_ms: String,
    },
    Cancel {
        wheel: String,
        task: String,
    },
    /// The producer's ZADD to the Redis delay queue.
    Zadd {
        member: String,
        delay_ms: String,
    },
    /// Crash or restart a Redis poller (a scenario fault).
    Crash(String),
    Restart(String),
}

fn refuse(path: &str, lang: Lang, key: &'static str) -> Vec<ScenarioError> {
    vec![ScenarioError {
        path: path.into(),
        reason: t(lang, key).into(),
    }]
}

/// The action for an intent, or why there is none (the core validates it again, names included).
pub fn intent(intent: &Intent, scenario: &Scenario, lang: Lang) -> Result<Action, Vec<ScenarioError>> {
    if scenario.delay.is_none() {
        return Err(refuse("delay", lang, "dl.no_delay"));
    }
    let action = match intent {
        Intent::Add { wheel, task, delay_ms } => {
            let task = task.trim();
            if task.is_empty() || task.len() > MAX_NAME_BYTES {
                return Err(refuse("task", lang, "dl.err.name"));
            }
            let delay_ms = parse_delay(delay_ms, lang)?;
            DelayAction::Add {
                wheel: wheel.clone(),
                task: task.into(),
                delay_ms,
            }
        }
        Intent::Cancel { wheel, task } => DelayAction::Cancel {
            wheel: wheel.clone(),
            task: task.clone(),
        },
        Intent::Crash(node) => return Ok(Action::Fault(NodeFault::Crash { node: node.clone() })),
        Intent::Restart(node) => return Ok(Action::Fault(NodeFault::Restart { node: node.clone() })),
        Intent::Zadd { member, delay_ms } => {
            let member = member.trim();
            if member.is_empty() || member.len() > MAX_NAME_BYTES {
                return Err(refuse("member", lang, "dl.err.name"));
            }
            let delay_ms = parse_delay(delay_ms, lang)?;
            DelayAction::Zadd {
                member: member.into(),
                delay_ms,
            }
        }
    };
    Ok(Action::Delay(action))
}

/// A delay typed by the learner: whole milliseconds within the scenario's range.
fn parse_delay(text: &str, lang: Lang) -> Result<i64, Vec<ScenarioError>> {
    match text.trim().parse::<i64>() {
        Ok(ms) if (MIN_DELAY_MS..=MAX_DELAY_MS).contains(&ms) => Ok(ms),
        _ => Err(refuse("delay_ms", lang, "dl.err.delay")),
    }
}
