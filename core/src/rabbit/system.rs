//! RabbitMQ as the kernel sees it: one broker node (`rabbit`) and a node per client connection,
//! named as the script names it, registered on first use. The broker runs each method at its
//! action's time; what it tells and the timers it sets are handed to the kernel in order.
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::broker::{Broker, Env, Timer, Who};
use super::spec::{Action, RabbitSpec};
use super::SYSTEM;
use crate::kernel::time::Instant;
use crate::kernel::NodeId;
use crate::systems::{Event, SimKernel as K, Trace as Ring};

/// The broker node's name in the trace.
pub const BROKER_NODE: &str = "rabbit";

/// Work units one RabbitMQ entry costs (the kernel's one for recording it included). A RabbitMQ
/// entry carries its message's text and is made by routing, enqueueing and settling — measured
/// at about ten times a Kafka entry's cost (`scripts/bench.sh`, `rabbit_bench`) — so it is
/// charged ten units: checkpoints then come as often in time as in a Kafka run (seek stays fast)
/// and the work budget means the same wall time for both.
pub const UNITS_PER_ENTRY: u64 = 10;

#[derive(Debug, Clone)]
pub struct Rabbit {
    pub broker: Broker,
    setup: Vec<Action>,
    broker_node: NodeId,
    connection_nodes: BTreeMap<String, NodeId>,
}

impl Rabbit {
    pub fn new(spec: &RabbitSpec, k: &mut K) -> Rabbit {
        let mut broker = Broker::new();
        broker.consumer_timeout_ms = spec.consumer_timeout_ms;
        Rabbit {
            broker,
            setup: spec.setup.clone(),
            broker_node: k.add_node(SYSTEM, BROKER_NODE.into()),
            connection_nodes: BTreeMap::new(),
        }
    }

    /// The setup methods, in order, at time 0.
    pub fn start(&mut self, k: &mut K, trace: &mut Ring) {
        let setup = core::mem::take(&mut self.setup);
        for action in &setup {
            self.run(k, trace, |b, env| b.apply(env, action));
        }
        self.setup = setup;
    }

    pub fn apply(&mut self, k: &mut K, trace: &mut Ring, action: &Action) {
        self.run(k, trace, |b, env| b.apply(env, action));
    }

    pub fn fire(&mut self, k: &mut K, trace: &mut Ring, timer: Timer) {
        self.run(k, trace, |b, env| b.fire(env, &timer));
    }

    fn run(&mut self, k: &mut K, trace: &mut Ring, f: impl FnOnce(&mut Broker, &mut Env<'_>)) {
        let now = k.now().ms();
        let (out, timers) = {
            let mut env = Env {
                now,
                rng: &mut k.rng,
                out: Vec::new(),
                timers: Vec::new(),
            };
            f(&mut self.broker, &mut env);
            (env.out, env.timers)
        };
        *k.io().work += (UNITS_PER_ENTRY - 1) * out.len() as u64;
        for (who, told) in out {
            let node = match who {
                Who::Broker => self.broker_node,
                Who::Connection(name) => match self.connection_nodes.get(&name) {
                    Some(id) => *id,
                    None => {
                        let id = k.add_node(SYSTEM, name.clone());
                        self.connection_nodes.insert(name, id);
                        id
                    }
                },
            };
            k.record(trace, node, Event::Rabbit(Box::new(told)));
        }
        for (at, timer) in timers {
            k.timer(self.broker_node, Instant(at), crate::systems::Timer::Rabbit(timer));
        }
    }
}
