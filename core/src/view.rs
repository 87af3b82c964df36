//! `SimView`: a snapshot of the simulation as plain data, all the UI renders: the kernel's clock,
//! progress and nodes, and each system's own view. Nothing here refers back into the simulation;
//! building it is the only place the UI boundary is crossed.
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use crate::delay::view::DelayView;
use crate::kafka::view::KafkaView;
use crate::rabbit::view::RabbitView;
use crate::rocket::view::RocketView;
use crate::sim::Sim;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimView {
    pub now_ms: u64,
    pub steps: u64,
    pub duration_ms: u64,
    pub finished: bool,
    pub halted: Option<String>,
    /// Work spent and the budget (see `crate::budget`).
    pub work: u64,
    pub work_limit: u64,
    pub trace_total: u64,
    pub trace_dropped: u64,
    pub nodes: Vec<NodeView>,
    /// Fault rules of the scenario and whether each applies now.
    pub faults: Vec<FaultView>,
    pub kafka: Option<KafkaView>,     // system: kafka
    pub rabbitmq: Option<RabbitView>, // system: rabbitmq
    pub delay: Option<DelayView>,     // system: delay
    pub rocketmq: Option<RocketView>, // system: rocketmq
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub system: &'static str,
    pub name: String,
    pub up: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultView {
    pub en: String,
    pub zh: String,
    pub active: bool,
}

impl Sim {
    pub fn view(&self) -> SimView {
        let k = self.kernel();
        let now = self.now_ms();
        SimView {
            now_ms: now,
            steps: self.steps(),
            duration_ms: self.scenario().duration_ms,
            finished: self.finished(),
            halted: self.halted().map(Into::into),
            work: self.work(),
            work_limit: self.limits().max_work,
            trace_total: self.trace_total(),
            trace_dropped: self.trace_dropped(),
            nodes: k
                .nodes()
                .iter()
                .map(|n| NodeView {
                    system: n.system,
                    name: n.name.clone(),
                    up: n.up,
                })
                .collect(),
            faults: k
                .fault_rules()
                .iter()
                .map(|r| {
                    let (from, until) = r.window();
                    FaultView {
                        en: r.describe(crate::Lang::En),
                        zh: r.describe(crate::Lang::Zh),
                        active: from <= now && until.is_none_or(|u| now < u),
                    }
                })
                .collect(),
            kafka: self.kafka().map(|k| k.view(&self.scenario().actions)), // system: kafka
            rabbitmq: self.rabbit().map(|r| r.view()),                     // system: rabbitmq
            delay: self.delay().map(|d| d.view(now)),                      // system: delay
            rocketmq: self.rocket().map(|r| r.view(&|n| k.is_up(n), now)), // system: rocketmq
        }
    }
}
