//! The Kafka system as the kernel sees it: it registers its nodes, receives deliveries, timers,
//! actions and crash/restart notices for them, and turns what its nodes ask for (`Effect`s) into
//! kernel sends, timers and trace entries, in the order they were asked. It uses the kernel as
//! `systems` instantiates it; the kernel itself never names Kafka.
use alloc::string::String;
use alloc::vec::Vec;

use super::consumer::Consumer;
use super::producer::{Producer, SendJob};
use super::records::Records;
use super::spec::{Action, KafkaSpec};
use super::trace::Told;
use super::{
    broker, group, BrokerId, Cluster, ConsumerIdx, Ctx, Effect, Msg, Node, ProducerIdx, Timer, Tp, TraceSink, Wire,
    BROKER_SESSION_TIMEOUT_MS, SYSTEM,
};
use crate::kernel::{Delivery, Failure, NodeId};
use crate::systems::{Message, SimKernel as K, Trace as Ring};

/// Kernel node ids of the Kafka nodes, both ways.
#[derive(Debug, Clone, Default)]
pub struct NodeMap {
    brokers: Vec<NodeId>,
    controller: Option<NodeId>,
    producers: Vec<NodeId>,
    consumers: Vec<NodeId>,
    /// Indexed by kernel node id; other systems' nodes are `None`.
    roles: Vec<Option<Node>>,
}

impl NodeMap {
    #[inline]
    pub fn id(&self, node: Node) -> NodeId {
        let id = match node {
            Node::Broker(b) => self.brokers.get(b.0 as usize),
            Node::Controller => self.controller.as_ref(),
            Node::Producer(p) => self.producers.get(p.0),
            Node::Consumer(c) => self.consumers.get(c.0),
        };
        id.copied().unwrap_or(NodeId(0))
    }
    pub fn role(&self, id: NodeId) -> Option<Node> {
        self.roles.get(id.0 as usize).copied().flatten()
    }
    fn register(&mut self, kernel: &mut K, node: Node, name: String) -> NodeId {
        let id = kernel.add_node(SYSTEM, name);
        if self.roles.len() <= id.0 as usize {
            self.roles.resize(id.0 as usize + 1, None);
        }
        self.roles[id.0 as usize] = Some(node);
        match node {
            Node::Broker(_) => self.brokers.push(id),
            Node::Controller => self.controller = Some(id),
            Node::Producer(_) => self.producers.push(id),
            Node::Consumer(_) => self.consumers.push(id),
        }
        id
    }
}

#[derive(Debug, Clone)]
pub struct Kafka {
    pub cluster: Cluster,
    pub producers: Vec<Producer>,
    pub consumers: Vec<Consumer>,
    pub records: Records,
    pub nodes: NodeMap,
    effects: Vec<Effect>,
}

/// The parts a handler may touch, borrowed apart from the effect list.
struct Parts<'a> {
    cluster: &'a mut Cluster,
    producers: &'a mut Vec<Producer>,
    consumers: &'a mut Vec<Consumer>,
    records: &'a mut Records,
}

impl Kafka {
    /// Builds the cluster and registers its nodes: brokers, the controller, producers, consumers.
    /// Placement draws from the kernel's PRNG first, as it always has, so seeds keep their runs.
    pub fn new(spec: &KafkaSpec, kernel: &mut K) -> Kafka {
        let topics: Vec<(String, u32)> = spec.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect();
        let mut cluster = Cluster::new(spec.brokers, &topics, &mut kernel.rng);
        for (broker, rack) in cluster.brokers.iter_mut().zip(&spec.broker_racks) {
            broker.rack = Some(rack.clone());
        }
        let mut nodes = NodeMap::default();
        for b in 0..cluster.brokers.len() as u32 {
            nodes.register(kernel, Node::Broker(BrokerId(b)), alloc::format!("broker-{b}"));
        }
        nodes.register(kernel, Node::Controller, "controller".into());
        for (i, p) in spec.producers.iter().enumerate() {
            nodes.register(kernel, Node::Producer(ProducerIdx(i)), p.id.clone());
        }
        for (i, c) in spec.consumers.iter().enumerate() {
            nodes.register(kernel, Node::Consumer(ConsumerIdx(i)), c.id.clone());
        }
        Kafka {
            cluster,
            producers: spec
                .producers
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, p)| Producer::new(i, p))
                .collect(),
            consumers: spec
                .consumers
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, c)| Consumer::new(i, c))
                .collect(),
            records: Records::default(),
            nodes,
            effects: Vec::new(),
        }
    }

    /// Every consumer listed in the scenario subscribes and polls at time 0.
    pub fn start(&mut self, k: &mut K, trace: &mut Ring) {
        for i in 0..self.consumers.len() {
            self.with_ctx(k, trace, Node::Consumer(ConsumerIdx(i)), |s, ctx| {
                s.consumers[i].start(ctx, s.cluster)
            });
        }
    }

    fn with_ctx<R>(
        &mut self,
        k: &mut K,
        trace: &mut Ring,
        me: Node,
        f: impl FnOnce(&mut Parts<'_>, &mut Ctx<'_>) -> R,
    ) -> R {
        let mut effects = core::mem::take(&mut self.effects);
        let result = {
            let io = k.io();
            let mut ctx = Ctx {
                now: io.now,
                me,
                rng: io.rng,
                out: &mut effects,
                next_request_id: io.next_request_id,
                io_trace: TraceSink {
                    ring: trace,
                    nodes: &self.nodes,
                    steps: io.steps,
                    work: io.work,
                },
            };
            let mut parts = Parts {
                cluster: &mut self.cluster,
                producers: &mut self.producers,
                consumers: &mut self.consumers,
                records: &mut self.records,
            };
            f(&mut parts, &mut ctx)
        };
        self.flush(k, trace, &mut effects);
        self.effects = effects;
        result
    }

    /// Hands the nodes' effects to the kernel, in order (sends draw their latency in this order).
    fn flush(&mut self, k: &mut K, trace: &mut Ring, effects: &mut Vec<Effect>) {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { from, to, msg } => {
                    let (from, to) = (self.nodes.id(from), self.nodes.id(to));
                    match msg {
                        Msg::Request { id, body } => {
                            let spec = body.spec();
                            let body = Message::from(Wire::Request(body));
                            k.send(trace, from, to, Delivery::Request { id, body }, Some(spec));
                        }
                        Msg::Response { id, body } => {
                            let body = Message::from(Wire::Response(body));
                            k.send(trace, from, to, Delivery::Response { id, body }, None);
                        }
                        // Failures are the kernel's to report; a node never sends one.
                        Msg::Failed { .. } => {}
                    }
                }
                Effect::Timer { node, at, timer } => {
                    k.timer(self.nodes.id(node), at, crate::systems::Timer::from(timer))
                }
            }
        }
    }

    /// A message reached one of the Kafka nodes.
    pub fn deliver(&mut self, k: &mut K, trace: &mut Ring, to: NodeId, from: NodeId, delivery: Delivery<Wire>) {
        let (Some(to), Some(from)) = (self.nodes.role(to), self.nodes.role(from)) else {
            return;
        };
        let msg = match delivery {
            Delivery::Request {
                id,
                body: Wire::Request(body),
            } => Msg::Request { id, body },
            Delivery::Response {
                id,
                body: Wire::Response(body),
            } => Msg::Response { id, body },
            Delivery::Failed { id, why } => Msg::Failed {
                id,
                timed_out: why == Failure::TimedOut,
            },
            _ => return,
        };
        self.on_message(k, trace, to, from, msg);
    }

    fn on_message(&mut self, k: &mut K, trace: &mut Ring, to: Node, from: Node, msg: Msg) {
        match to {
            Node::Broker(b) => {
                if let Msg::Request { id, body } = msg {
                    self.with_ctx(k, trace, to, |s, ctx| {
                        broker::handle_request(s.cluster, b, ctx, from, id, body)
                    });
                }
            }
            Node::Producer(p) => {
                self.with_ctx(k, trace, to, |s, ctx| {
                    s.producers[p.0].on_message(ctx, s.cluster, s.records, msg)
                });
            }
            Node::Consumer(c) => {
                self.with_ctx(k, trace, to, |s, ctx| s.consumers[c.0].on_message(ctx, s.cluster, msg));
            }
            Node::Controller => {}
        }
    }

    /// Requests of `node` that timed out: each fails as a closed connection.
    pub fn timed_out(&mut self, k: &mut K, trace: &mut Ring, node: NodeId, id: u64) {
        if let Some(to) = self.nodes.role(node) {
            self.on_message(k, trace, to, to, Msg::Failed { id, timed_out: true });
        }
    }

    pub fn fire(&mut self, k: &mut K, trace: &mut Ring, node: NodeId, timer: Timer) {
        let Some(node) = self.nodes.role(node) else {
            return;
        };
        match node {
            Node::Producer(p) => self.with_ctx(k, trace, node, |s, ctx| {
                s.producers[p.0].on_timer(ctx, s.cluster, s.records, &timer)
            }),
            Node::Consumer(c) => self.with_ctx(k, trace, node, |s, ctx| {
                s.consumers[c.0].on_timer(ctx, s.cluster, &timer)
            }),
            Node::Broker(b) => {
                if let (Timer::FetchWait { park_id }, true) = (&timer, self.cluster.broker(b).is_some_and(|x| x.up)) {
                    self.with_ctx(k, trace, node, |s, ctx| broker::on_fetch_wait(s.cluster, ctx, *park_id));
                }
            }
            Node::Controller => match timer {
                Timer::Fence { broker, incarnation } => self.fence(k, trace, broker, incarnation),
                Timer::GroupJoinDeadline { ref group, .. }
                | Timer::MemberSession { ref group, .. }
                | Timer::PendingMemberExpiry { ref group, .. } => {
                    // What a group timer does, its coordinator does: attribute it there.
                    let me = self
                        .cluster
                        .coordinator_for(group)
                        .map_or(Node::Controller, Node::Broker);
                    self.with_ctx(k, trace, me, |s, ctx| group::on_timer(s.cluster, ctx, &timer));
                }
                _ => {}
            },
        }
    }

    /// Runs one of the scenario's Kafka actions; `index` is its place in the scenario's actions
    /// (records it makes remember it, to recompute their keys and values).
    pub fn apply(&mut self, k: &mut K, trace: &mut Ring, index: u32, action: &Action) {
        let producer = |s: &Kafka, id: &str| s.producers.iter().position(|p| p.spec.id == id);
        let consumer = |s: &Kafka, id: &str| s.consumers.iter().position(|c| c.spec.id == id);
        match action {
            Action::Produce {
                producer: pid, topic, ..
            }
            | Action::ProduceMany {
                producer: pid, topic, ..
            } => {
                let (Some(p), Some(t)) = (producer(self, pid), self.cluster.topic_index(topic)) else {
                    return;
                };
                let job = SendJob::of(index, t, action);
                self.with_ctx(k, trace, Node::Producer(ProducerIdx(p)), |s, ctx| {
                    s.producers[p].submit(ctx, s.cluster, s.records, job)
                });
            }
            Action::AddConsumer { consumer: spec } => {
                let i = self.consumers.len();
                self.consumers.push(Consumer::new(i, spec.clone()));
                self.nodes.register(k, Node::Consumer(ConsumerIdx(i)), spec.id.clone());
                self.with_ctx(k, trace, Node::Consumer(ConsumerIdx(i)), |s, ctx| {
                    s.consumers[i].start(ctx, s.cluster)
                });
            }
            Action::RemoveConsumer { consumer: id } => {
                let Some(c) = consumer(self, id) else { return };
                self.with_ctx(k, trace, Node::Consumer(ConsumerIdx(c)), |s, ctx| {
                    s.consumers[c].close(ctx, s.cluster)
                });
            }
            Action::Commit { consumer: id } => {
                let Some(c) = consumer(self, id) else { return };
                self.with_ctx(k, trace, Node::Consumer(ConsumerIdx(c)), |s, ctx| {
                    s.consumers[c].commit_now(ctx)
                });
            }
            Action::CreateTopic { topic, partitions } => {
                if self.cluster.topic_index(topic).is_some() {
                    return;
                }
                self.cluster.create_topic(topic, *partitions, &mut k.rng);
                self.with_ctx(k, trace, Node::Controller, |_, ctx| {
                    ctx.trace(Told::TopicCreated {
                        topic: topic.clone(),
                        partitions: *partitions,
                    })
                });
            }
            Action::AddPartitions { topic, count } => {
                let Some(t) = self.cluster.topic_index(topic) else {
                    return;
                };
                let Some(from) = self.cluster.add_partitions(t, *count, &mut k.rng) else {
                    return;
                };
                self.with_ctx(k, trace, Node::Controller, |_, ctx| {
                    ctx.trace(Told::PartitionsAdded {
                        topic: topic.clone(),
                        from,
                        to: *count,
                    })
                });
                for c in 0..self.consumers.len() {
                    self.with_ctx(k, trace, Node::Consumer(ConsumerIdx(c)), |s, ctx| {
                        s.consumers[c].on_partitions_added(ctx, s.cluster)
                    });
                }
            }
        }
    }

    /// The kernel crashed one of our nodes (it already failed the requests the node held).
    pub fn on_crash(&mut self, k: &mut K, trace: &mut Ring, node: NodeId) {
        match self.nodes.role(node) {
            Some(Node::Broker(b)) => {
                let incarnation = k.node(node).map_or(0, |n| n.incarnation);
                let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
                    return;
                };
                broker.up = false;
                broker.incarnation = incarnation;
                self.cluster.parked_fetches.retain(|_, f| f.broker != b);
                self.with_ctx(k, trace, Node::Broker(b), |_, ctx| {
                    ctx.trace(Told::BrokerCrashed { broker: b.0 });
                    // The KRaft controller fences a broker that stops heartbeating.
                    ctx.out.push(Effect::Timer {
                        node: Node::Controller,
                        at: ctx.now + BROKER_SESSION_TIMEOUT_MS,
                        timer: Timer::Fence { broker: b, incarnation },
                    });
                });
            }
            Some(Node::Consumer(c)) => {
                self.with_ctx(k, trace, Node::Consumer(c), |s, ctx| s.consumers[c.0].crash(ctx));
            }
            _ => {}
        }
    }

    pub fn on_restart(&mut self, k: &mut K, trace: &mut Ring, node: NodeId) {
        match self.nodes.role(node) {
            Some(Node::Broker(b)) => {
                let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
                    return;
                };
                let was_fenced = broker.fenced;
                broker.up = true;
                broker.fenced = false;
                self.cluster.elect_offsets_leaders_with(b);
                let online = if was_fenced { self.partitions_of(b) } else { Vec::new() };
                self.with_ctx(k, trace, Node::Broker(b), |_, ctx| {
                    ctx.trace(Told::BrokerRestarted { broker: b.0, online })
                });
            }
            Some(Node::Consumer(c)) => {
                // A fresh process: it subscribes again and joins as a new member.
                self.with_ctx(k, trace, Node::Consumer(c), |s, ctx| {
                    s.consumers[c.0].start(ctx, s.cluster)
                });
            }
            _ => {}
        }
    }

    fn fence(&mut self, k: &mut K, trace: &mut Ring, b: BrokerId, incarnation: u32) {
        let Some(broker) = self.cluster.brokers.get_mut(b.0 as usize) else {
            return;
        };
        if broker.up || broker.incarnation != incarnation || broker.fenced {
            return;
        }
        broker.fenced = true;
        self.cluster.elect_offsets_leaders_without(b);
        let offline = self.partitions_of(b);
        self.with_ctx(k, trace, Node::Controller, |_, ctx| {
            ctx.trace(Told::BrokerFenced { broker: b.0, offline })
        });
    }

    fn partitions_of(&self, b: BrokerId) -> Vec<String> {
        let mut names = Vec::new();
        for (t, topic) in self.cluster.topics.iter().enumerate() {
            for (p, part) in topic.partitions.iter().enumerate() {
                if part.replica == b {
                    names.push(self.cluster.tp_name(Tp {
                        topic: t,
                        partition: p as u32,
                    }));
                }
            }
        }
        names
    }
}
