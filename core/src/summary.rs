//! The end-of-run summary the runner prints after `--- summary` and the golden tests compare:
//! where the run ended and why, what the trace kept, and each system's own summary. Maps are
//! ordered, so the JSON is stable.
use alloc::string::String;
use serde::{Deserialize, Serialize};

use crate::delay::summary::DelaySummary;
use crate::kafka::summary::KafkaSummary;
use crate::rabbit::summary::RabbitSummary;
use crate::rocket::summary::RocketSummary;
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rabbitmq: Option<RabbitSummary>, // system: rabbitmq
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<DelaySummary>, // system: delay
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rocketmq: Option<RocketSummary>, // system: rocketmq
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
            rabbitmq: v.rabbitmq.as_ref().map(RabbitSummary::of), // system: rabbitmq
            delay: v.delay.as_ref().map(DelaySummary::of), // system: delay
            rocketmq: v
                .rocketmq
                .as_ref()
                .zip(sim.rocket())
                .map(|(view, r)| RocketSummary::of(r, view, &crate::rocket::check::Checkers::of(r))), // system: rocketmq
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Runs `sim` to its end as the runner does: each trace entry is written as a JSON line as soon
/// as it is made (so the output is complete whatever the ring keeps), then a line `--- summary`
/// and the summary as one JSON line. In that summary `trace_dropped` counts entries missing from
/// the output: 0 unless a single step made more entries than the ring holds.
pub fn run_streaming(sim: &mut Sim, lang: Option<crate::Lang>, out: &mut dyn FnMut(&str)) {
    let mut written = sim.trace().dropped();
    let mut missing = written;
    loop {
        let trace = sim.trace();
        if written < trace.dropped() {
            missing += trace.dropped() - written;
            written = trace.dropped();
        }
        let from = (written - trace.dropped()) as usize;
        for i in from..trace.len() {
            if let Some(e) = trace.get(i) {
                out(&sim.entry_json(e, lang));
            }
        }
        written = trace.total();
        if !sim.step() {
            break;
        }
    }
    let mut summary = Summary::of(sim);
    summary.trace_dropped = missing;
    out("--- summary");
    out(&summary.to_json());
}

/// What the runner prints and the goldens hold, as one string (a line per entry).
pub fn render(sim: &mut Sim, lang: Option<crate::Lang>) -> String {
    let mut text = String::new();
    run_streaming(sim, lang, &mut |line| {
        text.push_str(line);
        text.push('\n');
    });
    text
}
