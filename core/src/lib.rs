//! mqplay-core: a deterministic discrete-event simulation of message brokers.
//!
//! Everything the browser shows is computed here. The crate is `no_std` + `alloc`: it never reads a
//! clock, does I/O, uses an unseeded random source or iterates a `HashMap`, so one scenario and one
//! seed always give the same trace, natively and in wasm. See `ARCHITECTURE.md` at the repository root.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
extern crate alloc;

pub mod catalog;
pub mod check;
pub mod kafka;
pub mod lesson;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod summary;
pub mod time;
pub mod trace;
pub mod view;

pub use scenario::{Scenario, ScenarioError};
pub use sim::{Advance, Limits, Sim};
pub use trace::{Lang, TraceEntry, TraceKind};
pub use view::SimView;
