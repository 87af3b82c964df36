//! The proptest settings every property suite uses: few cases by default (they run on every
//! `cargo test`), no regression files, and a fixed seed so CI sees the same cases every time.
//! Explore other cases with `MQPLAY_PROPTEST_SEED=<n>`; a failure prints its minimal input.
use proptest::test_runner::{Config, RngSeed};

pub fn config(cases: u32) -> Config {
    let seed = std::env::var("MQPLAY_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6d71_706c_6179);
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}
