//! What ships with the playground: the default scenario and the lessons, compiled in from
//! `core/data/`, so the page works offline and `cargo test` validates every file.
use alloc::vec::Vec;

use crate::lesson::Lesson;
use crate::scenario::Scenario;

pub const DEFAULT_SCENARIO: &str = include_str!("../data/scenarios/default.json");

/// Lesson files, in the order the home page lists them.
pub const LESSON_FILES: &[(&str, &str)] = &[
    (
        "q03-kafka-architecture",
        include_str!("../data/lessons/q03-kafka-architecture.json"),
    ),
    (
        "q06-consumer-groups",
        include_str!("../data/lessons/q06-consumer-groups.json"),
    ),
    (
        "q08-rabbit-exchanges",
        include_str!("../data/lessons/q08-rabbit-exchanges.json"),
    ),
    (
        "q09-rabbit-no-loss",
        include_str!("../data/lessons/q09-rabbit-no-loss.json"),
    ),
    (
        "q10-rabbit-dead-letters",
        include_str!("../data/lessons/q10-rabbit-dead-letters.json"),
    ),
    (
        "q11-transactional-messages",
        include_str!("../data/lessons/q11-transactional-messages.json"),
    ),
    (
        "q12-delay-levels",
        include_str!("../data/lessons/q12-delay-levels.json"),
    ),
    ("q15-ordering", include_str!("../data/lessons/q15-ordering.json")),
    (
        "q15-rocketmq-ordering",
        include_str!("../data/lessons/q15-rocketmq-ordering.json"),
    ),
    (
        "q17-delayed-messages",
        include_str!("../data/lessons/q17-delayed-messages.json"),
    ),
    (
        "q17-timing-wheels",
        include_str!("../data/lessons/q17-timing-wheels.json"),
    ),
    (
        "q17-delay-compared",
        include_str!("../data/lessons/q17-delay-compared.json"),
    ),
    (
        "q22-distributed-transactions",
        include_str!("../data/lessons/q22-distributed-transactions.json"),
    ),
    (
        "q24-message-trace",
        include_str!("../data/lessons/q24-message-trace.json"),
    ),
];

/// Ready scenarios the home page offers beside the lessons: patterns a learner can open and play
/// with. They are golden scenarios too, so `cargo test` pins what each one does.
pub const EXAMPLE_FILES: &[(&str, &str)] = &[
    (
        "rabbit-routing",
        include_str!("../../tests/golden/rabbit-routing.scenario.json"),
    ),
    (
        "rabbit-pattern-retry-park",
        include_str!("../../tests/golden/rabbit-pattern-retry-park.scenario.json"),
    ),
    (
        "rabbit-pattern-fair-dispatch",
        include_str!("../../tests/golden/rabbit-pattern-fair-dispatch.scenario.json"),
    ),
    (
        "rabbit-pattern-rpc",
        include_str!("../../tests/golden/rabbit-pattern-rpc.scenario.json"),
    ),
    (
        "rabbit-dlx-ttl",
        include_str!("../../tests/golden/rabbit-dlx-ttl.scenario.json"),
    ),
    (
        "delay-kafka-purgatory",
        include_str!("../../tests/golden/delay-kafka-purgatory.scenario.json"),
    ),
    (
        "delay-coarse-tick",
        include_str!("../../tests/golden/delay-coarse-tick.scenario.json"),
    ),
    (
        "delay-redis-zrem-race",
        include_str!("../../tests/golden/delay-redis-zrem-race.scenario.json"),
    ),
    (
        "delay-redis-poller-crash",
        include_str!("../../tests/golden/delay-redis-poller-crash.scenario.json"),
    ),
    (
        "delay-redis-lease",
        include_str!("../../tests/golden/delay-redis-lease.scenario.json"),
    ),
    (
        "rocket-transaction-check",
        include_str!("../../tests/golden/rocket-transaction-check.scenario.json"),
    ),
    (
        "rocket-delay-levels",
        include_str!("../../tests/golden/rocket-delay-levels.scenario.json"),
    ),
    (
        "rocket-orderly-hash",
        include_str!("../../tests/golden/rocket-orderly-hash.scenario.json"),
    ),
    (
        "rocket-retry-dlq",
        include_str!("../../tests/golden/rocket-retry-dlq.scenario.json"),
    ),
    (
        "rocket-send-retry",
        include_str!("../../tests/golden/rocket-send-retry.scenario.json"),
    ),
    (
        "kafka-cooperative-vs-eager",
        include_str!("../../tests/golden/kafka-cooperative-vs-eager.scenario.json"),
    ),
    (
        "kafka-static-membership",
        include_str!("../../tests/golden/kafka-static-membership.scenario.json"),
    ),
    (
        "rocket-name-server",
        include_str!("../../tests/golden/rocket-name-server.scenario.json"),
    ),
    (
        "rocket-master-slave",
        include_str!("../../tests/golden/rocket-master-slave.scenario.json"),
    ),
    (
        "rocket-outbox",
        include_str!("../../tests/golden/rocket-outbox.scenario.json"),
    ),
    (
        "rocket-message-trace",
        include_str!("../../tests/golden/rocket-message-trace.scenario.json"),
    ),
];

/// The examples that load, with their ids (a broken file is caught by the catalog test).
pub fn examples() -> Vec<(&'static str, Scenario)> {
    EXAMPLE_FILES
        .iter()
        .filter_map(|(id, text)| Scenario::from_json(text).ok().map(|s| (*id, s)))
        .collect()
}

pub fn default_scenario() -> Scenario {
    // Checked by a test; a broken file fails `cargo test`, never the page.
    Scenario::from_json(DEFAULT_SCENARIO).unwrap_or_else(|_| fallback_scenario())
}

fn fallback_scenario() -> Scenario {
    Scenario {
        version: crate::scenario::SCENARIO_VERSION,
        title: None,
        seed: 1,
        duration_ms: 60_000,
        network: Default::default(),
        faults: Vec::new(),
        rabbitmq: None,
        delay: None,
        rocketmq: None,
        kafka: Some(crate::kafka::spec::KafkaSpec {
            brokers: 1,
            topics: alloc::vec![crate::kafka::spec::TopicSpec {
                name: "orders".into(),
                partitions: 1
            }],
            producers: Vec::new(),
            consumers: Vec::new(),
            broker_racks: Vec::new(),
        }),
        actions: Vec::new(),
    }
}

pub fn lessons() -> Vec<Lesson> {
    LESSON_FILES
        .iter()
        .filter_map(|(_, text)| Lesson::from_json(text).ok())
        .collect()
}
