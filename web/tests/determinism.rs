//! Runs in Node (and in the browser): the wasm build of the core must produce exactly the trace
//! the native build produces for the default scenario. The native test
//! `core/tests/determinism.rs` pins the same hash file.
#![cfg(target_arch = "wasm32")]
use mqplay_core::catalog::default_scenario;
use mqplay_core::Sim;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn default_scenario_trace_hash_matches_native() {
    let mut sim = Sim::new(default_scenario()).expect("default scenario");
    sim.run_to_end();
    let expected = include_str!("../../tests/golden/default.trace-hash").trim();
    assert_eq!(format!("{:016x}", sim.trace_hash()), expected);
}

#[wasm_bindgen_test]
fn lessons_load_in_wasm() {
    let lessons = mqplay_core::catalog::lessons();
    assert_eq!(lessons.len(), mqplay_core::catalog::LESSON_FILES.len());
}

/// The RabbitMQ goldens give in wasm exactly the output the native run pinned.
#[wasm_bindgen_test]
fn rabbit_goldens_match_native_output() {
    let goldens = [
        (
            include_str!("../../tests/golden/rabbit-routing.scenario.json"),
            include_str!("../../tests/golden/rabbit-routing.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rabbit-dlx-ttl.scenario.json"),
            include_str!("../../tests/golden/rabbit-dlx-ttl.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rabbit-overflow-quorum.scenario.json"),
            include_str!("../../tests/golden/rabbit-overflow-quorum.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rabbit-restart-lifetimes.scenario.json"),
            include_str!("../../tests/golden/rabbit-restart-lifetimes.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rabbit-pattern-retry-park.scenario.json"),
            include_str!("../../tests/golden/rabbit-pattern-retry-park.expected.txt"),
        ),
    ];
    for (scenario, expected) in goldens {
        let mut sim = Sim::new(mqplay_core::Scenario::from_json(scenario).expect("valid")).expect("runs");
        assert_eq!(mqplay_core::summary::render(&mut sim, None), expected);
    }
}

/// The timer-lab goldens (Kafka's and Netty's wheels) give in wasm exactly the native output.
#[wasm_bindgen_test]
fn delay_goldens_match_native_output() {
    let goldens = [
        (
            include_str!("../../tests/golden/delay-kafka-timer-test.scenario.json"),
            include_str!("../../tests/golden/delay-kafka-timer-test.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/delay-kafka-purgatory.scenario.json"),
            include_str!("../../tests/golden/delay-kafka-purgatory.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/delay-coarse-tick.scenario.json"),
            include_str!("../../tests/golden/delay-coarse-tick.expected.txt"),
        ),
    ];
    for (scenario, expected) in goldens {
        let mut sim = Sim::new(mqplay_core::Scenario::from_json(scenario).expect("valid")).expect("runs");
        assert_eq!(mqplay_core::summary::render(&mut sim, None), expected);
    }
}

/// The RocketMQ goldens (transactions with check-back, delay levels and timers, retries to the
/// DLQ, ordered queues and locks, send retries) give in wasm exactly the native output.
#[wasm_bindgen_test]
fn rocket_goldens_match_native_output() {
    let goldens = [
        (
            include_str!("../../tests/golden/rocket-transaction-check.scenario.json"),
            include_str!("../../tests/golden/rocket-transaction-check.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rocket-delay-levels.scenario.json"),
            include_str!("../../tests/golden/rocket-delay-levels.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rocket-retry-dlq.scenario.json"),
            include_str!("../../tests/golden/rocket-retry-dlq.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rocket-orderly-hash.scenario.json"),
            include_str!("../../tests/golden/rocket-orderly-hash.expected.txt"),
        ),
        (
            include_str!("../../tests/golden/rocket-send-retry.scenario.json"),
            include_str!("../../tests/golden/rocket-send-retry.expected.txt"),
        ),
    ];
    for (scenario, expected) in goldens {
        let mut sim = Sim::new(mqplay_core::Scenario::from_json(scenario).expect("valid")).expect("runs");
        assert_eq!(mqplay_core::summary::render(&mut sim, None), expected);
    }
}
