//! RabbitMQ over AMQP 0-9-1. This folder will own its scenario section, messages, trace kinds,
//! view, checks and summary, as `kafka/` does for Kafka.
//! So far: `routing`, the exchange routing engine (direct, fanout, topic, headers, the default
//! exchange, exchange-to-exchange bindings, alternate exchanges, CC/BCC); `queue`, one queue's
//! semantics (arguments, TTL, length limits, acks and requeues, dead-lettering with `x-death`).
pub mod queue;
pub mod routing;
