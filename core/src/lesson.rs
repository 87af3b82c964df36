//! Lessons are data: a scenario plus ordered steps, each with narration in both languages,
//! actions to apply, elements to highlight, an optional check, and an optional prediction the
//! learner makes before the step's actions run. The state at any step is a pure function of the
//! lesson, so stepping back is recomputing, and a learner can leave and return to the same state.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::check::{Check, Measure};
use crate::scenario::{Action, Scenario, ScenarioError, Text};
use crate::sim::Sim;

/// Version 2 lessons hold a version-2 scenario and system-tagged actions and checks.
pub const LESSON_VERSION: u32 = 2;
pub const MAX_STEPS: usize = 40;
pub const MAX_RUN_MS: u64 = 600_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub version: u32,
    pub id: String,
    /// The seed question this lesson answers (Q1..Q25 of the interview guide).
    pub question: u32,
    pub title: Text,
    pub summary: Text,
    pub scenario: Scenario,
    pub steps: Vec<LessonStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonStep {
    pub title: Text,
    pub narration: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Virtual milliseconds to run after the actions.
    #[serde(default = "default_run_ms")]
    pub run_ms: u64,
    /// Ids of elements to highlight: `broker-0`, `orders-2`, `c1`, `g1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlight: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predict: Option<Prediction>,
    /// A table shown once the step has run, comparing mechanisms side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Comparison>,
}

/// Rows the step compares after it runs (the same delayed work on several mechanisms, say). Every
/// figure is a measure read off the simulation; the lesson writes only the labels and the time
/// each row was due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub caption: Text,
    pub rows: Vec<CompareRow>,
}

pub const MAX_COMPARE_ROWS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareRow {
    pub label: Text,
    /// When the row's work was due (ms): a measured time is shown against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_ms: Option<u64>,
    pub measure: Measure,
}

/// One row as read: the measure's value and, when both are times, how far from due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareCell {
    pub value: Option<String>,
    pub late_ms: Option<i64>,
}

impl Comparison {
    pub fn read(&self, sim: &Sim) -> Vec<CompareCell> {
        self.rows
            .iter()
            .map(|row| {
                let value = row.measure.evaluate(sim);
                let late_ms = match (&value, row.due_ms) {
                    (Some(v), Some(due)) => v.parse::<i64>().ok().map(|at| at - due as i64),
                    _ => None,
                };
                CompareCell { value, late_ms }
            })
            .collect()
    }
}

fn default_run_ms() -> u64 {
    2_000
}

/// A question answered by running the step: the right option is the one whose `value` equals what
/// `measure` reads off the simulation afterwards. Nothing in the lesson says which one it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    pub prompt: Text,
    pub options: Vec<PredictOption>,
    pub measure: Measure,
    /// Said after the run, whatever the learner chose.
    pub explain: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictOption {
    pub label: Text,
    pub value: String,
}

impl Lesson {
    pub fn from_json(text: &str) -> Result<Lesson, Vec<ScenarioError>> {
        if text.len() > crate::scenario::MAX_DOCUMENT_BYTES {
            let reason = format!(
                "the lesson is {} bytes; the limit is {}",
                text.len(),
                crate::scenario::MAX_DOCUMENT_BYTES
            );
            return Err(alloc::vec![ScenarioError {
                path: String::new(),
                reason
            }]);
        }
        let lesson: Lesson = crate::scenario::parse_document(text)?;
        lesson.validate()?;
        Ok(lesson)
    }

    fn validate(&self) -> Result<(), Vec<ScenarioError>> {
        let err = |path: String, reason: String| alloc::vec![ScenarioError { path, reason }];
        if self.version != LESSON_VERSION {
            return Err(err(
                "version".into(),
                format!("this build reads version {LESSON_VERSION}"),
            ));
        }
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(err("steps".into(), format!("must have 1 to {MAX_STEPS} steps")));
        }
        self.scenario.validate().map_err(|errors| {
            errors
                .into_iter()
                .map(|e| ScenarioError {
                    path: format!("scenario.{}", e.path),
                    reason: e.reason,
                })
                .collect::<Vec<_>>()
        })?;
        for (i, step) in self.steps.iter().enumerate() {
            if step.run_ms > MAX_RUN_MS {
                return Err(err(
                    format!("steps[{i}].run_ms"),
                    format!("must be at most {MAX_RUN_MS}"),
                ));
            }
            if let Some(c) = &step.compare {
                if c.rows.is_empty() || c.rows.len() > MAX_COMPARE_ROWS {
                    return Err(err(
                        format!("steps[{i}].compare.rows"),
                        format!("must have 1 to {MAX_COMPARE_ROWS} rows"),
                    ));
                }
            }
            if let Some(p) = &step.predict {
                if p.options.len() < 2 {
                    return Err(err(
                        format!("steps[{i}].predict.options"),
                        "needs at least two options".into(),
                    ));
                }
            }
        }
        // Every step's actions must apply to the state before it.
        self.sim_at(self.steps.len() - 1, true).map(|_| ())
    }

    /// The simulation after steps `0..step` and, when `include_step` is set, step `step` itself.
    pub fn sim_at(&self, step: usize, include_step: bool) -> Result<Sim, Vec<ScenarioError>> {
        self.sim_with_span(step, include_step).map(|(sim, _)| sim)
    }

    /// As `sim_at`, with where the last included step's own events lie, so a player can seek to
    /// `start_steps` and play them at a readable pace up to `end_ms`.
    pub fn sim_with_span(&self, step: usize, include_step: bool) -> Result<(Sim, StepSpan), Vec<ScenarioError>> {
        let mut sim = Sim::new(self.scenario.clone())?;
        let mut span = StepSpan::at(&sim);
        let last = step.min(self.steps.len().saturating_sub(1));
        for (i, s) in self.steps.iter().enumerate().take(last + 1) {
            if i == last && !include_step {
                break;
            }
            span = StepSpan::at(&sim);
            for (j, action) in s.actions.iter().enumerate() {
                sim.push_action(action.clone()).map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|e| ScenarioError {
                            path: format!("steps[{i}].actions[{j}]"),
                            reason: e.reason,
                        })
                        .collect::<Vec<_>>()
                })?;
            }
            let until = sim.now_ms() + s.run_ms;
            sim.run_until(until);
            span.end_steps = sim.steps();
            span.end_ms = sim.now_ms();
        }
        Ok((sim, span))
    }
}

/// A lesson step's own stretch of its simulation: from `start_steps` (its actions not yet
/// applied, at `start_ms`) to `end_steps` at `end_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepSpan {
    pub start_steps: u64,
    pub start_ms: u64,
    pub end_steps: u64,
    pub end_ms: u64,
}

impl StepSpan {
    fn at(sim: &Sim) -> StepSpan {
        StepSpan {
            start_steps: sim.steps(),
            start_ms: sim.now_ms(),
            end_steps: sim.steps(),
            end_ms: sim.now_ms(),
        }
    }

    /// Whether the step's stretch has anything to play.
    pub fn is_empty(&self) -> bool {
        self.start_steps == self.end_steps && self.start_ms == self.end_ms
    }
}
