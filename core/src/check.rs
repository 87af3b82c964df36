//! Questions a lesson asks of a simulation: checks that pass or fail with a sentence, and
//! measures whose value answers a prediction. Each system has its own (`{"kafka": {...}}`).
use alloc::string::String;
use serde::{Deserialize, Serialize};

use crate::delay;
use crate::kafka;
use crate::rabbit;
use crate::rocket;
use crate::scenario::Text;
use crate::sim::Sim;
use crate::systems::Event;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub passed: bool,
    pub detail: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Kafka(kafka::check::Check),     // system: kafka
    Rabbitmq(rabbit::check::Check), // system: rabbitmq
    Delay(delay::check::Check),     // system: delay
    Rocketmq(rocket::check::Check), // system: rocketmq
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Kafka(kafka::check::Measure),     // system: kafka
    Rabbitmq(rabbit::check::Measure), // system: rabbitmq
    Delay(delay::check::Measure),     // system: delay
    Rocketmq(rocket::check::Measure), // system: rocketmq
}

fn missing(system: &str) -> Verdict {
    Verdict {
        passed: false,
        detail: Text {
            en: alloc::format!("the scenario has no {system} system"),
            zh: alloc::format!("场景中没有 {system} 系统"),
        },
    }
}

/// Calls `f` with a reader over the Kafka system, if the scenario has one.
pub fn with_kafka<R>(sim: &Sim, f: impl FnOnce(&kafka::check::Read<'_>) -> R) -> Option<R> {
    let kafka = sim.kafka()?;
    let view = kafka.view(&sim.scenario().actions);
    let events = |visit: &mut dyn FnMut(&kafka::trace::Event)| {
        for e in sim.trace().iter() {
            if let Event::Kafka(k) = &e.event {
                visit(k);
            }
        }
    };
    let read = kafka::check::Read {
        kafka,
        view: &view,
        actions: &sim.scenario().actions,
        events: &events,
    };
    Some(f(&read))
}

/// Calls `f` with a reader over the RabbitMQ system, if the scenario has one.
pub fn with_rabbit<R>(sim: &Sim, f: impl FnOnce(&rabbit::check::Read<'_>) -> R) -> Option<R> {
    let view = sim.rabbit()?.view();
    let entries = |visit: &mut dyn FnMut(u64, &rabbit::trace::Told)| {
        for e in sim.trace().iter() {
            if let Event::Rabbit(t) = &e.event {
                visit(e.at_ms(), t);
            }
        }
    };
    Some(f(&rabbit::check::Read {
        view: &view,
        entries: &entries,
    }))
}

/// Calls `f` with a reader over the timer lab, if the scenario has one.
pub fn with_delay<R>(sim: &Sim, f: impl FnOnce(&delay::check::Read<'_>) -> R) -> Option<R> {
    let view = sim.delay()?.view(sim.now_ms());
    Some(f(&delay::check::Read { view: &view }))
}

impl Check {
    pub fn evaluate(&self, sim: &Sim) -> Verdict {
        match self {
            Check::Kafka(c) => with_kafka(sim, |r| c.evaluate(r)).unwrap_or_else(|| missing("kafka")), // system: kafka
            Check::Rabbitmq(c) => with_rabbit(sim, |r| c.evaluate(r)).unwrap_or_else(|| missing("rabbitmq")), // system: rabbitmq
            Check::Delay(c) => with_delay(sim, |r| c.evaluate(r)).unwrap_or_else(|| missing("delay")), // system: delay
            Check::Rocketmq(c) => sim
                .rocket()
                .map(|r| c.evaluate(r))
                .unwrap_or_else(|| missing("rocketmq")), // system: rocketmq
        }
    }
}

impl Measure {
    pub fn evaluate(&self, sim: &Sim) -> Option<String> {
        match self {
            Measure::Kafka(m) => with_kafka(sim, |r| m.evaluate(r)).flatten(), // system: kafka
            Measure::Rabbitmq(m) => with_rabbit(sim, |r| m.evaluate(r)).flatten(), // system: rabbitmq
            Measure::Delay(m) => with_delay(sim, |r| m.evaluate(r)).flatten(), // system: delay
            Measure::Rocketmq(m) => sim.rocket().and_then(|r| m.evaluate(r)),  // system: rocketmq
        }
    }
}
