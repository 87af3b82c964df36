//! What any valid document may cost, stated and enforced (see ARCHITECTURE.md, "Budgets").
//!
//! Cost is counted in work units: one per event processed and one per trace entry made. A unit is
//! 40-250 ns of wall time (measured by `scripts/bench.sh`: a record-heavy run averages the low
//! end, a heartbeat-heavy one the high end, the browser's wasm is 1.2-2x native), so
//! `MAX_WORK_UNITS` keeps the worst document under 10 s of work in the browser. Validation
//! estimates a document's cost from its contents (the systems' `estimate`s) and refuses one that
//! would exceed the budget, naming the field to change; the kernel also counts real work and halts a
//! run that reaches the budget anyway (an estimate is not a proof), saying so in the trace, the
//! view and the runner's exit code.
use alloc::format;
use alloc::string::String;

/// Work units a run may spend.
pub const MAX_WORK_UNITS: u64 = 40_000_000;
/// Records a document may produce in all (each costs an arena slot, a log slot and its entries).
pub const MAX_RECORDS: u64 = 2_000_000;

/// A system's estimate: periodic work over the run (heartbeats, polls, commits) and work driven by
/// records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub periodic: u64,
    pub per_record: u64,
}

impl Cost {
    pub fn total(&self) -> u64 {
        self.periodic.saturating_add(self.per_record)
    }
    pub fn plus(self, other: Cost) -> Cost {
        Cost {
            periodic: self.periodic.saturating_add(other.periodic),
            per_record: self.per_record.saturating_add(other.per_record),
        }
    }
}

/// The reason a document is refused for its cost.
pub fn over_budget(cost: Cost, records: u64, duration_ms: u64) -> String {
    format!(
        "this scenario would cost about {} work units (events plus trace entries): {} for periodic work such as heartbeats, fetch long-polls and commits over {} s, and {} for {} record(s); the limit is {}. Shorten duration_ms, use fewer consumers or longer intervals, or produce fewer records",
        cost.total(),
        cost.periodic,
        duration_ms / 1000,
        cost.per_record,
        records,
        MAX_WORK_UNITS
    )
}
