//! RocketMQ 5.x: the whole system, as `kafka/` and `rabbit/` are for theirs. `spec` (the scenario
//! section), `config` (every modelled setting with its default and source), `message` (stored
//! messages, properties, ids, Java's `String.hashCode`), `broker` (a broker's store),
//! `namesrv` (the name server's tables and a client's routes), `system` (producers, brokers,
//! consumers and the name server on the kernel: sends and retries, queue selection,
//! delay levels, timer messages, transactions and their check-back, consumption, retry and DLQ),
//! `tracing` (message trace records and the client's trace dispatcher), `trace`, `view`,
//! `summary`, `check`.
pub mod broker;
pub mod check;
pub mod config;
pub mod message;
pub mod namesrv;
pub mod spec;
pub mod summary;
pub mod system;
pub mod trace;
pub mod tracing;
pub mod view;

/// The system's name in node tables.
pub const SYSTEM: &str = "rocketmq";
