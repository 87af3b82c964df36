//! Delayed delivery, as systems of their own: the timer lab. `wheel` is Kafka's hierarchical
//! timing wheel (`SystemTimer`, `TimingWheel`, the reaper's `DelayQueue`), `hashed` the simple
//! single-level wheel as Netty's `HashedWheelTimer`; `spec` (the scenario section), `system`
//! (tasks and the threads that drive the wheels, as kernel timers), `trace`, `view`, `summary`,
//! `check`.
pub mod check;
pub mod hashed;
pub mod spec;
pub mod summary;
pub mod system;
pub mod trace;
pub mod view;
pub mod wheel;
pub mod zset;

/// The system's name in node tables.
pub const SYSTEM: &str = "delay";

/// A task's index in the system's arena.
pub type TaskId = u32;
