//! The same scenario and seed give the same trace: twice in one process, and across builds and
//! targets (the hash is pinned in `tests/golden/default.trace-hash`, which the wasm test in
//! `web/tests/determinism.rs` checks too). Refresh with UPDATE_GOLDEN=1.
use std::path::Path;

use mqplay_core::catalog::default_scenario;
use mqplay_core::Sim;

fn run(seed: u64) -> Sim {
    let mut scenario = default_scenario();
    scenario.seed = seed;
    let mut sim = Sim::new(scenario).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn same_seed_same_trace() {
    let (a, b) = (run(42), run(42));
    assert!(a.trace().iter().eq(b.trace().iter()));
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.steps(), b.steps());
}

#[test]
fn another_seed_gives_another_run() {
    // The seed drives placement, member ids and latencies, so the traces must differ.
    assert_ne!(run(42).trace_hash(), run(43).trace_hash());
}

#[test]
fn default_scenario_hash_is_pinned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/default.trace-hash");
    let actual = format!("{:016x}\n", run(42).trace_hash());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("run with UPDATE_GOLDEN=1 to create the hash file");
    assert_eq!(actual, expected, "the default scenario's trace changed (seed 42)");
}

#[test]
fn seek_is_replay() {
    let mut sim = Sim::new(default_scenario()).unwrap();
    sim.run_steps(300);
    let at_300 = sim.trace_hash();
    sim.run_steps(500);
    sim.seek(300);
    assert_eq!(sim.steps(), 300);
    assert_eq!(sim.trace_hash(), at_300);
}
