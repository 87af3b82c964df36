//! mqplay-core: a deterministic discrete-event simulation of message brokers.
//!
//! Everything the browser shows is computed here. The crate is `no_std` + `alloc`: it never reads a
//! clock, does I/O, uses an unseeded random source or iterates a `HashMap`, so one scenario and one
//! seed always give the same trace, natively and in wasm. `kernel` is broker-neutral; each system
//! (`kafka` now) is a folder; `systems` is where they meet. See `ARCHITECTURE.md`.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
extern crate alloc;

pub mod budget;
pub mod catalog;
pub mod check;
pub mod delay;
pub mod java;
pub mod kafka;
pub mod kernel;
pub mod lesson;
pub mod rabbit;
pub mod rocket;
pub mod scenario;
pub mod settings;
pub mod share;
pub mod sim;
pub mod summary;
pub mod systems;
pub mod view;

pub use kernel::trace::Lang;
pub use kernel::Limits;
pub use scenario::{Scenario, ScenarioError};
pub use sim::{Advance, Sim};
pub use view::SimView;
