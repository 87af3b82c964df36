//! RabbitMQ over AMQP 0-9-1: the whole system, as `kafka/` is for Kafka.
//! `routing` (exchanges, bindings, the routing walk), `queue` (one queue: arguments, TTL, length
//! limits, acks and requeues, dead-lettering with `x-death`), `broker` (connections, channels,
//! consumers, confirms, lifetimes, restart), `spec` (the scenario section: an AMQP script),
//! `system` (glue to the kernel), `trace`, `view`, `summary`.
pub mod broker;
pub mod check;
pub mod explain;
pub mod queue;
pub mod routing;
pub mod spec;
pub mod summary;
pub mod system;
pub mod trace;
pub mod view;

/// The system's name in node tables (`rabbitmq:app` in fault rules).
pub const SYSTEM: &str = "rabbitmq";
