//! The end-of-run summary the runner prints after `--- summary` and the golden tests compare:
//! where the run ended and why, what the trace kept, and each system's own summary. Maps are
//! ordered, so the JSON is stable.
use alloc::string::String;
use serde::{Deserialize, Serialize};

use crate::kafka::summary::KafkaSummary;
use crate::sim::Sim;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub end_ms: u64,
    pub steps: u64,
    pub work_units: u64,
    /// Entries ever made, and how many of those the bounded trace dropped from its front.
    pub trace_entries: u64,
    pub trace_dropped: u64,
    /// Why the run stopped before its end (a budget or limit), if it did.
    pub halted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<KafkaSummary>, // system: kafka
}

impl Summary {
    pub fn of(sim: &Sim) -> Summary {
        let v = sim.view();
        Summary {
            end_ms: v.now_ms,
            steps: v.steps,
            work_units: v.work,
            trace_entries: sim.trace_total(),
            trace_dropped: sim.trace_dropped(),
            halted: v.halted.clone(),
            kafka: v.kafka.as_ref().map(KafkaSummary::of), // system: kafka
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the runner prints and the goldens hold: one JSON line per trace entry, a line
/// `--- summary`, and the summary as one JSON line.
pub fn render(sim: &Sim, lang: Option<crate::Lang>) -> String {
    let mut out = String::new();
    for e in sim.trace().iter() {
        out.push_str(&sim.entry_json(e, lang));
        out.push('\n');
    }
    out.push_str("--- summary\n");
    out.push_str(&Summary::of(sim).to_json());
    out.push('\n');
    out
}
