//! The timer lab's part of the page: a dial per wheel (rings for levels, the pointer, buckets
//! holding tasks, the delay queue), the tasks table, and a control that adds or cancels a task.
//! Everything here reads `DelayView`, plain data; `intent` turns a click into a scenario action.
pub mod actions;
pub mod dial;
pub mod strings;

use mqplay_core::delay::spec::{Action as DelayAction, MAX_DELAY_MS, MIN_DELAY_MS};
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
            let Ok(delay_ms) = delay_ms.trim().parse::<i64>() else {
                return Err(refuse("delay_ms", lang, "dl.err.delay"));
            };
            if !(MIN_DELAY_MS..=MAX_DELAY_MS).contains(&delay_ms) {
                return Err(refuse("delay_ms", lang, "dl.err.delay"));
            }
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
    };
    Ok(Action::Delay(action))
}
