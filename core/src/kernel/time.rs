//! Virtual time in milliseconds. The simulation's clock only moves when the event queue says so;
//! nothing here ever looks at a wall clock (after smoltcp's `time.rs`).
use core::fmt;
use core::ops::Add;
use serde::{Deserialize, Serialize};

/// A point in virtual time, in milliseconds since the scenario started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Instant(pub u64);

impl Instant {
    pub const ZERO: Instant = Instant(0);

    pub fn ms(self) -> u64 {
        self.0
    }

    /// `self + delay_ms`, saturating: virtual time never wraps.
    pub fn after_ms(self, delay_ms: u64) -> Instant {
        Instant(self.0.saturating_add(delay_ms))
    }
}

impl Add<u64> for Instant {
    type Output = Instant;
    fn add(self, delay_ms: u64) -> Instant {
        self.after_ms(delay_ms)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}
