//! The closed set of systems a scenario can hold, and the kernel's dispatch points. Every
//! `match` and enum here has one arm per system (marked `// system:`); adding a broker adds one
//! line to each and touches no other broker's files. A closed enum rather than a trait object
//! keeps the whole simulation state `Clone` (checkpoints), `no_std` and monomorphic (no virtual
//! call per event), and lets a scenario hold several systems side by side.
// A `match` with one system arm is a dispatch point waiting for the next system's arm.
#![allow(clippy::single_match)]
use alloc::string::String;

use crate::delay;
use crate::kafka;
use crate::kernel::net::{FaultRule, NodeFault};
use crate::kernel::trace::{KernelEvent, KernelTold, Lang, TraceEntry, TraceRing};
use crate::kernel::{Delivery, Kernel, NodeId};
use crate::rabbit;
use crate::rocket;
use crate::scenario::{Scenario, TimedAction};
use serde::{Deserialize, Serialize};

/// A message between two nodes of one system.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Kafka(kafka::Wire),           // system: kafka
    Delay(delay::zset::Wire),     // system: delay
    Rocket(rocket::system::Wire), // system: rocketmq
}

/// A timer a node set.
#[derive(Debug, Clone, PartialEq)]
pub enum Timer {
    Kafka(kafka::Timer),           // system: kafka
    Rabbit(rabbit::broker::Timer), // system: rabbitmq
    Delay(delay::system::Timer),   // system: delay
    Rocket(rocket::system::Timer), // system: rocketmq
}

/// A stored trace event: the kernel's own or a system's.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Kernel(KernelEvent),
    Kafka(kafka::trace::Event),   // system: kafka
    Rabbit(rabbit::trace::Event), // system: rabbitmq
    Delay(delay::trace::Event),   // system: delay
    Rocket(rocket::trace::Event), // system: rocketmq
}

/// An operation of the scenario: one system's (`{"kafka": {"do": ...}}`) or a node fault.
/// Scenario data, not stored per event: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Kafka(kafka::spec::Action),     // system: kafka
    Rabbitmq(rabbit::spec::Action), // system: rabbitmq
    Delay(delay::spec::Action),     // system: delay
    Rocketmq(rocket::spec::Action), // system: rocketmq
    Fault(NodeFault),
}

/// A trace entry told: names and text, serialized flat into the runner's JSON line. Made when an
/// entry is shown, never stored in bulk: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Told {
    Kernel(KernelTold),
    Kafka(kafka::trace::Told),   // system: kafka
    Rabbit(rabbit::trace::Told), // system: rabbitmq
    Delay(delay::trace::Told),   // system: delay
    Rocket(rocket::trace::Told), // system: rocketmq
}

impl Told {
    pub fn key(&self) -> &'static str {
        match self {
            Told::Kernel(t) => t.key(),
            Told::Kafka(t) => t.key(),  // system: kafka
            Told::Rabbit(t) => t.key(), // system: rabbitmq
            Told::Delay(t) => t.key(),  // system: delay
            Told::Rocket(t) => t.key(), // system: rocketmq
        }
    }
    pub fn sentence(&self, lang: Lang) -> String {
        match self {
            Told::Kernel(t) => t.sentence(lang),
            Told::Kafka(t) => t.sentence(lang),  // system: kafka
            Told::Rabbit(t) => t.sentence(lang), // system: rabbitmq
            Told::Delay(t) => t.sentence(lang),  // system: delay
            Told::Rocket(t) => t.sentence(lang), // system: rocketmq
        }
    }
    /// The sentence for a learner who has not asked for details: the same fact without member
    /// ids, KIP numbers or hash arithmetic, where the full sentence has them.
    pub fn sentence_plain(&self, lang: Lang) -> String {
        let plain = match self {
            Told::Kernel(_) => None,
            Told::Kafka(t) => t.plain_sentence(lang),  // system: kafka
            Told::Rabbit(t) => t.plain_sentence(lang), // system: rabbitmq
            Told::Delay(t) => t.plain_sentence(lang),  // system: delay
            Told::Rocket(t) => t.plain_sentence(lang), // system: rocketmq
        };
        plain.unwrap_or_else(|| self.sentence(lang))
    }
}

impl From<kafka::Wire> for Message {
    fn from(w: kafka::Wire) -> Message {
        Message::Kafka(w) // system: kafka
    }
}
impl From<kafka::Timer> for Timer {
    fn from(t: kafka::Timer) -> Timer {
        Timer::Kafka(t) // system: kafka
    }
}
impl From<kafka::trace::Event> for Event {
    fn from(e: kafka::trace::Event) -> Event {
        Event::Kafka(e) // system: kafka
    }
}
impl From<KernelEvent> for Event {
    fn from(e: KernelEvent) -> Event {
        Event::Kernel(e)
    }
}

pub type SimKernel = Kernel<Message, Timer>;
pub type Trace = TraceRing<Event>;

/// The systems of one scenario.
#[derive(Debug, Clone)]
pub struct Systems {
    pub kafka: Option<kafka::system::Kafka>,    // system: kafka
    pub rabbit: Option<rabbit::system::Rabbit>, // system: rabbitmq
    pub delay: Option<delay::system::Delay>,    // system: delay
    pub rocket: Option<rocket::system::Rocket>, // system: rocketmq
}

impl Systems {
    /// Builds each system present in the scenario and registers its nodes.
    pub fn new(scenario: &Scenario, k: &mut SimKernel) -> Systems {
        Systems {
            kafka: scenario.kafka.as_ref().map(|spec| kafka::system::Kafka::new(spec, k)), // system: kafka
            rabbit: scenario
                .rabbitmq
                .as_ref()
                .map(|spec| rabbit::system::Rabbit::new(spec, k)), // system: rabbitmq
            delay: scenario.delay.as_ref().map(|spec| delay::system::Delay::new(spec, k)), // system: delay
            rocket: scenario
                .rocketmq
                .as_ref()
                .map(|spec| rocket::system::Rocket::new(spec, k)), // system: rocketmq
        }
    }

    /// What each system does at time 0 (clients connect and subscribe).
    pub fn start(&mut self, k: &mut SimKernel, trace: &mut Trace) {
        if let Some(s) = self.kafka.as_mut() {
            s.start(k, trace); // system: kafka
        }
        if let Some(s) = self.rabbit.as_mut() {
            s.start(k, trace); // system: rabbitmq
        }
        if let Some(s) = self.delay.as_mut() {
            s.start(k, trace); // system: delay
        }
        if let Some(s) = self.rocket.as_mut() {
            s.start(k, trace); // system: rocketmq
        }
    }

    pub fn deliver(&mut self, k: &mut SimKernel, trace: &mut Trace, to: NodeId, from: NodeId, d: Delivery<Message>) {
        let system = k.node(to).map(|n| n.system);
        match system {
            Some(kafka::SYSTEM) => {
                let wire = d.try_map(|m| match m {
                    Message::Kafka(w) => Some(w),
                    _ => None,
                });
                if let (Some(s), Some(d)) = (self.kafka.as_mut(), wire) {
                    s.deliver(k, trace, to, from, d); // system: kafka
                }
            }
            Some(delay::SYSTEM) => {
                // system: delay (one-way messages only)
                if let (Some(s), Delivery::Message(Message::Delay(w))) = (self.delay.as_mut(), d) {
                    s.deliver(k, trace, to, from, w);
                }
            }
            Some(rocket::SYSTEM) => {
                let wire = d.try_map(|m| match m {
                    Message::Rocket(w) => Some(w),
                    _ => None,
                });
                if let (Some(s), Some(d)) = (self.rocket.as_mut(), wire) {
                    s.deliver(k, trace, to, from, d); // system: rocketmq
                }
            }
            _ => {}
        }
    }

    pub fn fire(&mut self, k: &mut SimKernel, trace: &mut Trace, node: NodeId, timer: Timer) {
        match timer {
            Timer::Kafka(t) => {
                if let Some(s) = self.kafka.as_mut() {
                    s.fire(k, trace, node, t); // system: kafka
                }
            }
            Timer::Rabbit(t) => {
                if let Some(s) = self.rabbit.as_mut() {
                    s.fire(k, trace, t); // system: rabbitmq
                }
            }
            Timer::Delay(t) => {
                if let Some(s) = self.delay.as_mut() {
                    s.fire(k, trace, t); // system: delay
                }
            }
            Timer::Rocket(t) => {
                if let Some(s) = self.rocket.as_mut() {
                    s.fire(k, trace, t); // system: rocketmq
                }
            }
        }
    }

    /// Request `id` of `node` failed by timeout.
    pub fn timed_out(&mut self, k: &mut SimKernel, trace: &mut Trace, node: NodeId, id: u64) {
        match k.node(node).map(|n| n.system) {
            Some(kafka::SYSTEM) => {
                if let Some(s) = self.kafka.as_mut() {
                    s.timed_out(k, trace, node, id); // system: kafka
                }
            }
            Some(rocket::SYSTEM) => {
                if let Some(s) = self.rocket.as_mut() {
                    s.timed_out(k, trace, node, id); // system: rocketmq
                }
            }
            _ => {}
        }
    }

    /// Runs the action at `index` of the scenario's actions.
    pub fn apply(&mut self, k: &mut SimKernel, trace: &mut Trace, index: u32, action: &Action) {
        match action {
            Action::Kafka(a) => {
                if let Some(s) = self.kafka.as_mut() {
                    s.apply(k, trace, index, a); // system: kafka
                }
            }
            Action::Rabbitmq(a) => {
                if let Some(s) = self.rabbit.as_mut() {
                    s.apply(k, trace, a); // system: rabbitmq
                }
            }
            Action::Delay(a) => {
                if let Some(s) = self.delay.as_mut() {
                    s.apply(k, trace, a); // system: delay
                }
            }
            Action::Rocketmq(a) => {
                if let Some(s) = self.rocket.as_mut() {
                    s.apply(k, trace, a); // system: rocketmq
                }
            }
            Action::Fault(fault) => {
                let Some(node) = k.node_by_name(fault.node()) else {
                    return;
                };
                let changed = match fault {
                    NodeFault::Crash { .. } => k.crash(node),
                    NodeFault::Restart { .. } => k.restart(node),
                };
                if changed {
                    self.node_changed(k, trace, node, matches!(fault, NodeFault::Crash { .. }));
                }
            }
        }
    }

    /// Tells the node's system that the kernel crashed or restarted it.
    fn node_changed(&mut self, k: &mut SimKernel, trace: &mut Trace, node: NodeId, crashed: bool) {
        match k.node(node).map(|n| n.system) {
            Some(kafka::SYSTEM) => {
                if let Some(s) = self.kafka.as_mut() {
                    // system: kafka
                    if crashed {
                        s.on_crash(k, trace, node)
                    } else {
                        s.on_restart(k, trace, node)
                    }
                }
            }
            Some(delay::SYSTEM) => {
                if let Some(s) = self.delay.as_mut() {
                    s.node_changed(k, trace, node, crashed) // system: delay
                }
            }
            Some(rocket::SYSTEM) => {
                if let Some(s) = self.rocket.as_mut() {
                    // system: rocketmq
                    if crashed {
                        s.on_crash(k, trace, node)
                    } else {
                        s.on_restart(k, trace, node)
                    }
                }
            }
            _ => {}
        }
    }

    /// An entry with its names and text.
    pub fn tell(&self, k: &SimKernel, actions: &[TimedAction], entry: &TraceEntry<Event>) -> Told {
        match &entry.event {
            Event::Kernel(e) => {
                let name = |n: NodeId| k.node(n).map_or_else(|| String::from("?"), |n| n.name.clone());
                let rule = |r: u32| {
                    k.fault_rules().get(r as usize).cloned().unwrap_or(FaultRule::Slow {
                        node: "?".into(),
                        extra_ms: 0,
                        from_ms: 0,
                        until_ms: None,
                    })
                };
                Told::Kernel(e.tell(&name, &rule))
            }
            Event::Kafka(e) => match self.kafka.as_ref() {
                // system: kafka
                Some(kafka) => Told::Kafka(e.tell(&kafka::trace::TellCtx { kafka, actions })),
                // An entry of a system the scenario lacks cannot be made; say what it is anyway.
                None => Told::Kafka(kafka::trace::Told::LimitReached {
                    what: e.key().into(),
                    limit: 0,
                }),
            },
            Event::Rabbit(told) => Told::Rabbit((**told).clone()), // system: rabbitmq
            Event::Rocket(told) => Told::Rocket((**told).clone()), // system: rocketmq
            // system: delay (an entry without its system cannot be made; it would be told with "?" names)
            Event::Delay(e) => Told::Delay(match self.delay.as_ref() {
                Some(d) => e.tell(d, entry.at_ms()),
                None => e.tell(&delay::system::Delay::default(), entry.at_ms()),
            }),
        }
    }
}
