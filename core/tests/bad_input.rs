//! Bad input: `Scenario::from_json` (what the page's paste box, share links and the runner all go
//! through), `Lesson::from_json` and the `mqplay` runner must refuse broken documents with an
//! error that says where and why. They must never panic, overflow the stack, or load part of a
//! document. Property tests throw random text and random mutations of the default scenario at
//! the loader; whatever it accepts must be a valid scenario that also survives a round trip and
//! a short run.
//!
//! Most cases edit `DEFAULT`, the Foundation's default scenario in the version-1 format (old
//! share links and exports still load, and their errors name version-1 paths); the `v2_` cases
//! edit the shipped version-2 default.
use std::path::PathBuf;
use std::process::{Command, Output};

use mqplay_core::catalog::{DEFAULT_SCENARIO, LESSON_FILES};
use mqplay_core::lesson::Lesson;
use mqplay_core::scenario::{ScenarioError, MAX_DOCUMENT_BYTES};
use mqplay_core::{Scenario, Sim};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

/// The version-1 default scenario as the Foundation shipped it.
const DEFAULT: &str = include_str!("fixtures/default-v1.json");
/// The default scenario as it ships now (version 2).
const DEFAULT_V2: &str = DEFAULT_SCENARIO;

/// The errors of a document that must not load.
fn errors(text: &str) -> Vec<ScenarioError> {
    match Scenario::from_json(text) {
        Ok(s) => panic!("loaded a bad document as {s:?}"),
        Err(e) => {
            assert!(!e.is_empty(), "an Err must carry at least one error");
            for one in &e {
                assert!(!one.reason.is_empty(), "error without a reason: {one:?}");
            }
            e
        }
    }
}

/// Asserts the document is refused with an error at `path` whose reason mentions `mentions`.
fn refused_at(text: &str, path: &str, mentions: &str) {
    let e = errors(text);
    assert!(
        e.iter().any(|x| x.path == path && x.reason.contains(mentions)),
        "expected an error at `{path}` mentioning `{mentions}`, got {e:?}"
    );
}

/// Every error's reason is said in Chinese too.
fn every_reason_in_chinese(errors: &[ScenarioError]) {
    for one in errors {
        let zh = one.reason_in(mqplay_core::Lang::Zh);
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "no Chinese for `{}`",
            one.reason
        );
    }
}

/// The default scenario with one exact piece of text replaced (which must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(DEFAULT.contains(from), "the default scenario has no `{from}`");
    DEFAULT.replacen(from, to, 1)
}

#[test]
fn default_scenario_is_the_valid_baseline() {
    // Every edit below starts from this document; it must load for the refusals to mean anything.
    let s = Scenario::from_json(DEFAULT).expect("default scenario loads");
    assert_eq!(s.kafka.as_ref().unwrap().brokers, 3);
    assert_eq!(s.actions.len(), 6);
    // It migrates to exactly the shipped version-2 default.
    assert_eq!(s, Scenario::from_json(DEFAULT_V2).unwrap());
}

// ----- truncation -----------------------------------------------------------------------------

#[test]
fn every_truncated_prefix_of_the_default_scenario_is_refused() {
    // A paste cut short, a half-written file, a share link clipped by a chat client: any prefix
    // of the document is one of these. (The text holds Chinese, so cut on char boundaries only.)
    let complete = DEFAULT.trim_end().len();
    let mut checked = 0;
    for cut in (0..complete).filter(|&c| DEFAULT.is_char_boundary(c)) {
        let e = errors(&DEFAULT[..cut]);
        assert!(
            e.len() == 1 && (e[0].reason.contains("EOF") || cut == 0 || DEFAULT[..cut].trim().is_empty()),
            "prefix of {cut} bytes: {e:?}"
        );
        checked += 1;
    }
    assert!(checked > 1000);
    // Only trailing whitespace may be cut from a complete document.
    assert!(Scenario::from_json(&DEFAULT[..complete]).is_ok());
}

// ----- unknown fields -------------------------------------------------------------------------

#[test]
fn unknown_fields_are_refused_with_their_path_at_every_depth() {
    // A typo (`partition`), a real Kafka setting this model does not have (`acks`), or a field
    // from a newer format must never be silently ignored: the learner would believe it applies.
    let cases = [
        ("\"seed\": 42", "\"seed\": 42, \"colour\": 1", "colour", "colour"),
        ("\"en\": \"Orders", "\"fr\": \"x\", \"en\": \"Orders", "title.fr", "fr"),
        (
            "\"latency_ms_max\": 3",
            "\"latency_ms_max\": 3, \"jitter\": 1",
            "network.jitter",
            "jitter",
        ),
        (
            "\"brokers\": 3",
            "\"brokers\": 3, \"zookeeper\": true",
            "kafka.zookeeper",
            "zookeeper",
        ),
        (
            "\"partitions\": 3",
            "\"partitions\": 3, \"replicas\": 2",
            "kafka.topics[0].replicas",
            "replicas",
        ),
        (
            "{ \"id\": \"checkout\" }",
            "{ \"id\": \"checkout\", \"acks\": 1 }",
            "kafka.producers[0].acks",
            "acks",
        ),
        (
            "\"id\": \"billing-2\",",
            "\"id\": \"billing-2\", \"max_poll_records\": 5,",
            "kafka.consumers[1].max_poll_records",
            "max_poll_records",
        ),
        // Actions are internally tagged and flattened, so serde reports the action itself as the
        // place; the reason names the field.
        (
            "\"value\": \"paid\"",
            "\"value\": \"paid\", \"headers\": {}",
            "actions[2]",
            "headers",
        ),
    ];
    for (from, to, path, field) in cases {
        refused_at(&edit(from, to), path, &format!("unknown field `{field}`"));
    }
    // Inside an action's nested consumer spec, too.
    let added = edit(
        "\"actions\": [",
        "\"actions\": [{ \"at_ms\": 1, \"do\": \"add_consumer\", \"consumer\": \
         { \"id\": \"x\", \"group\": \"g\", \"topics\": [\"orders\"], \"colour\": 1 } },",
    );
    refused_at(&added, "actions[0]", "unknown field `colour`");
}

#[test]
fn duplicate_fields_are_refused() {
    // With two `seed`s, which one is meant? Refuse rather than pick.
    refused_at(
        &edit("\"seed\": 42", "\"seed\": 42, \"seed\": 43"),
        "",
        "duplicate field `seed`",
    );
}

// ----- wrong types ----------------------------------------------------------------------------

#[test]
fn wrong_types_are_refused_with_their_path() {
    // Hand-edited JSON often quotes numbers, writes `yes` for true, or uses a float.
    let cases = [
        ("\"seed\": 42", "\"seed\": \"42\"", "seed"),
        ("\"seed\": 42", "\"seed\": -1", "seed"),
        ("\"seed\": 42", "\"seed\": 4.2", "seed"),
        ("\"seed\": 42", "\"seed\": 18446744073709551616", "seed"), // u64::MAX + 1
        ("\"seed\": 42", "\"seed\": null", "seed"),
        ("\"version\": 1", "\"version\": \"1\"", "version"),
        ("\"brokers\": 3", "\"brokers\": 3.0", "kafka.brokers"),
        ("\"brokers\": 3", "\"brokers\": 4294967296", "kafka.brokers"), // u32::MAX + 1
        ("[{ \"name\": \"orders\", \"partitions\": 3 }]", "{}", "kafka.topics"),
        (
            "\"partitions\": 3",
            "\"partitions\": \"3\"",
            "kafka.topics[0].partitions",
        ),
        (
            "\"topics\": [\"orders\"], \"auto_offset_reset\": \"earliest\" },",
            "\"topics\": \"orders\", \"auto_offset_reset\": \"earliest\" },",
            "kafka.consumers[0].topics",
        ),
        (
            "\"auto_offset_reset\": \"earliest\"",
            "\"auto_offset_reset\": \"sometimes\"",
            "kafka.consumers[0].auto_offset_reset",
        ),
        (
            "\"auto_offset_reset\": \"earliest\"",
            "\"enable_auto_commit\": \"yes\"",
            "kafka.consumers[0].enable_auto_commit",
        ),
        ("\"at_ms\": 4000", "\"at_ms\": \"soon\"", "actions[0].at_ms"),
        ("\"do\": \"produce\"", "\"do\": \"explode\"", "actions[0]"),
        ("\"do\": \"produce\", ", "", "actions[0]"),
        ("\"key\": \"order-42\"", "\"key\": 42", "actions[0]"),
        ("\"actions\": [", "\"actions\": 5, \"x\": [", "actions"),
    ];
    for (from, to, path) in cases {
        let e = errors(&edit(from, to));
        assert_eq!(e.len(), 1, "{to}: {e:?}");
        assert_eq!(e[0].path, path, "{to}: {e:?}");
    }
    // Not JSON at all, or not an object.
    for text in ["", " ", "null", "42", "\"scenario\"", "true", "{}", "[]"] {
        errors(text);
    }
}

// ----- out-of-range values and broken references ------------------------------------------------

#[test]
fn out_of_range_values_are_refused_with_their_path() {
    // Each bound protects something: a cluster the canvas can draw, a run the browser can
    // finish, a timeout Kafka's broker would accept (group.min.session.timeout.ms = 6000).
    let cases = [
        ("\"brokers\": 3", "\"brokers\": 0", "kafka.brokers"),
        ("\"brokers\": 3", "\"brokers\": 10", "kafka.brokers"),
        ("\"partitions\": 3", "\"partitions\": 0", "kafka.topics[0].partitions"),
        ("\"partitions\": 3", "\"partitions\": 65", "kafka.topics[0].partitions"),
        (
            "\"latency_ms_min\": 1, \"latency_ms_max\": 3",
            "\"latency_ms_min\": 5, \"latency_ms_max\": 3",
            "network.latency_ms_min",
        ),
        (
            "\"latency_ms_max\": 3",
            "\"latency_ms_max\": 10001",
            "network.latency_ms_max",
        ),
        ("\"version\": 1", "\"version\": 3", "version"),
        ("\"version\": 1", "\"version\": 0", "version"),
        ("\"duration_ms\": 600000", "\"duration_ms\": 0", "duration_ms"),
        ("\"duration_ms\": 600000", "\"duration_ms\": 86400001", "duration_ms"),
        (
            "\"auto_offset_reset\": \"earliest\" },",
            "\"auto_offset_reset\": \"earliest\", \"session_timeout_ms\": 5999 },",
            "kafka.consumers[0].session_timeout_ms",
        ),
        (
            "\"auto_offset_reset\": \"earliest\" },",
            "\"auto_offset_reset\": \"earliest\", \"heartbeat_interval_ms\": 45000 },",
            "kafka.consumers[0].heartbeat_interval_ms",
        ),
        (
            "{ \"id\": \"checkout\" }",
            "{ \"id\": \"check out\" }",
            "kafka.producers[0].id",
        ),
        ("{ \"id\": \"checkout\" }", "{ \"id\": \"\" }", "kafka.producers[0].id"),
        ("\"name\": \"orders\"", "\"name\": \"orders/1\"", "kafka.topics[0].name"),
        (
            "[{ \"name\": \"orders\", \"partitions\": 3 }]",
            "[{ \"name\": \"orders\", \"partitions\": 3 }, { \"name\": \"orders\", \"partitions\": 1 }]",
            "kafka.topics[1].name",
        ),
        (
            "\"id\": \"billing-2\"",
            "\"id\": \"billing-1\"",
            "kafka.consumers[1].id",
        ),
        // References: the action names something that does not exist.
        (
            "\"producer\": \"checkout\", \"topic\": \"orders\", \"key\": \"order-42\", \"value\": \"created\"",
            "\"producer\": \"nobody\", \"topic\": \"orders\", \"key\": \"order-42\", \"value\": \"created\"",
            "actions[0].producer",
        ),
        (
            "\"topic\": \"orders\", \"key\": \"order-42\", \"value\": \"created\"",
            "\"topic\": \"payments\", \"key\": \"order-42\", \"value\": \"created\"",
            "actions[0].topic",
        ),
        // A subscription may name a topic that does not exist yet (as in Kafka), but not a
        // name no topic could have.
        (
            "\"topics\": [\"orders\"], \"auto_offset_reset\": \"earliest\" },",
            "\"topics\": [\"no such/topic\"], \"auto_offset_reset\": \"earliest\" },",
            "kafka.consumers[0].topics[0]",
        ),
        // An action after the end of the run would silently never happen.
        ("\"at_ms\": 5000", "\"at_ms\": 600001", "actions[5].at_ms"),
    ];
    for (from, to, path) in cases {
        let e = errors(&edit(from, to));
        assert!(
            e.iter().any(|x| x.path == path),
            "{to}: expected an error at `{path}`, got {e:?}"
        );
    }
}

#[test]
fn keys_and_values_over_their_limits_are_refused() {
    // Keys are bounded in bytes (the murmur2 input), not characters.
    let key_at = |key: &str| edit("\"key\": \"order-42\"", &format!("\"key\": \"{key}\""));
    assert!(
        Scenario::from_json(&key_at(&"k".repeat(256))).is_ok(),
        "256 bytes is the limit, allowed"
    );
    refused_at(&key_at(&"k".repeat(257)), "actions[0].key", "257 bytes");
    // 86 characters, 258 bytes.
    refused_at(&key_at(&"键".repeat(86)), "actions[0].key", "258 bytes");
    // A 100 KB key in a document under the size limit is refused by the key rule.
    refused_at(&key_at(&"k".repeat(100_000)), "actions[0].key", "limit is 256");
    let value = edit("\"value\": \"paid\"", &format!("\"value\": \"{}\"", "v".repeat(1025)));
    refused_at(&value, "actions[2].value", "1025 bytes");
}

#[test]
fn actions_naming_missing_things_are_refused() {
    let with_actions = |actions: &str| edit("\"actions\": [", &format!("\"actions\": [{actions},"));
    let cases = [
        (
            r#"{"at_ms": 1, "do": "commit", "consumer": "nobody"}"#,
            "actions[0].consumer",
        ),
        (
            r#"{"at_ms": 1, "do": "remove_consumer", "consumer": "nobody"}"#,
            "actions[0].consumer",
        ),
        (
            r#"{"at_ms": 1, "do": "crash_consumer", "consumer": "nobody"}"#,
            "actions[0].consumer",
        ),
        // Brokers are 0..3: broker 3 does not exist.
        (
            r#"{"at_ms": 1, "do": "crash_broker", "broker": 3}"#,
            "actions[0].broker",
        ),
        (
            r#"{"at_ms": 1, "do": "restart_broker", "broker": 4294967295}"#,
            "actions[0].broker",
        ),
        (
            r#"{"at_ms": 1, "do": "add_partitions", "topic": "payments", "count": 4}"#,
            "actions[0].topic",
        ),
        (
            r#"{"at_ms": 1, "do": "produce_many", "producer": "ghost", "topic": "orders", "count": 3}"#,
            "actions[0].producer",
        ),
        (
            r#"{"at_ms": 1, "do": "produce_many", "producer": "checkout", "topic": "orders", "count": 0}"#,
            "actions[0].count",
        ),
        // CreatePartitions can only grow a topic: same count, fewer, or past the limit.
        (
            r#"{"at_ms": 1, "do": "add_partitions", "topic": "orders", "count": 3}"#,
            "actions[0].count",
        ),
        (
            r#"{"at_ms": 1, "do": "add_partitions", "topic": "orders", "count": 2}"#,
            "actions[0].count",
        ),
        (
            r#"{"at_ms": 1, "do": "add_partitions", "topic": "orders", "count": 65}"#,
            "actions[0].count",
        ),
        // An added consumer with an id already taken.
        (
            r#"{"at_ms": 1, "do": "add_consumer", "consumer": {"id": "billing-1", "group": "g", "topics": ["orders"]}}"#,
            "actions[0].consumer.id",
        ),
    ];
    for (action, path) in cases {
        let e = errors(&with_actions(action));
        assert!(
            e.iter().any(|x| x.path == path),
            "{action}: expected `{path}`, got {e:?}"
        );
    }
    // The second of two add_partitions must exceed the first, not just the original count.
    let twice = with_actions(
        r#"{"at_ms": 1, "do": "add_partitions", "topic": "orders", "count": 5},
           {"at_ms": 2, "do": "add_partitions", "topic": "orders", "count": 4}"#,
    );
    refused_at(&twice, "actions[1].count", "current 5 partitions");
    // A consumer added by an action may be referred to afterwards.
    let later = with_actions(
        r#"{"at_ms": 1, "do": "add_consumer", "consumer": {"id": "c9", "group": "g", "topics": ["orders"]}},
           {"at_ms": 2, "do": "crash_consumer", "consumer": "c9"}"#,
    );
    assert!(Scenario::from_json(&later).is_ok());
}

/// Every reason a refused document gets is said in Chinese too (the page shows the learner's
/// language): the documents of the cases above, and serde's own messages.
#[test]
fn every_reason_has_chinese() {
    use mqplay_core::Lang;
    let mut docs = vec![
        DEFAULT[..DEFAULT.len() / 2].to_string(),
        edit("\"partitions\": 3", "\"partitions\": 3, \"replicas\": 2"),
        edit("\"brokers\": 3", "\"brokers\": \"three\""),
        edit("\"brokers\": 3", "\"brokers\": 0").replacen("\"partitions\": 3", "\"partitions\": 65", 1),
        edit("\"version\": 1", "\"version\": 9"),
        edit("\"do\": \"produce\"", "\"do\": \"fly\""),
        edit("\"seed\": 42,", ""),
        format!("{DEFAULT} x"),
        "[1, 2]".to_string(),
        "{\"a\":".repeat(200),
    ];
    let with_actions = |actions: &str| edit("\"actions\": [", &format!("\"actions\": [{actions},"));
    for action in [
        r#"{"at_ms": 1, "do": "commit", "consumer": "nobody"}"#,
        r#"{"at_ms": 1, "do": "crash_broker", "broker": 3}"#,
        r#"{"at_ms": 1, "do": "add_partitions", "topic": "orders", "count": 2}"#,
        r#"{"at_ms": 1, "do": "produce_many", "producer": "ghost", "topic": "payments", "count": 0}"#,
        r#"{"at_ms": 900000, "do": "add_consumer", "consumer": {"id": "billing-1", "group": "g", "topics": ["orders"], "session_timeout_ms": 10}}"#,
    ] {
        docs.push(with_actions(action));
    }
    let mut seen = 0;
    for doc in docs {
        for e in errors(&doc) {
            let zh = e.reason_in(Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "no Chinese for `{}`",
                e.reason
            );
            seen += 1;
        }
    }
    assert!(seen >= 18, "{seen} reasons checked");
}

#[test]
fn all_rule_violations_are_reported_together() {
    // A learner fixing a document should see every problem at once, in document order.
    let text = edit("\"brokers\": 3", "\"brokers\": 0")
        .replacen("\"partitions\": 3", "\"partitions\": 65", 1)
        .replacen("\"at_ms\": 5000", "\"at_ms\": 600001", 1);
    let paths: Vec<String> = errors(&text).into_iter().map(|e| e.path).collect();
    assert_eq!(
        paths,
        ["kafka.brokers", "kafka.topics[0].partitions", "actions[5].at_ms"]
    );
}

// ----- size and depth -------------------------------------------------------------------------

#[test]
fn a_ten_megabyte_document_is_refused_by_size_before_parsing() {
    let big = "x".repeat(10 * 1024 * 1024);
    let e = errors(&big);
    // Not a JSON syntax error: the size check comes first, so a huge paste costs nothing.
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].path, "");
    assert!(
        e[0].reason.contains("limit") && e[0].reason.contains(&MAX_DOCUMENT_BYTES.to_string()),
        "{e:?}"
    );
}

#[test]
fn a_ten_megabyte_key_in_a_small_looking_document_is_refused_by_size() {
    // Structurally tiny and otherwise valid: only the size rule can catch it before serde
    // allocates a 10 MB string.
    let text = edit(
        "\"key\": \"order-42\"",
        &format!("\"key\": \"{}\"", "k".repeat(10 * 1024 * 1024)),
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1);
    assert!(e[0].reason.contains("limit is 1048576 bytes"), "{e:?}");
}

#[test]
fn the_size_limit_is_exact() {
    // Pad the default with whitespace to exactly the limit (allowed) and one byte more (refused).
    let at_limit = format!("{DEFAULT}{}", " ".repeat(MAX_DOCUMENT_BYTES - DEFAULT.len()));
    assert_eq!(at_limit.len(), MAX_DOCUMENT_BYTES);
    assert!(Scenario::from_json(&at_limit).is_ok());
    let over = format!("{at_limit} ");
    assert!(errors(&over)[0].reason.contains("limit"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // serde_json stops at 128 levels; the flattened actions buffer their content first, so the
    // limit must hold there too. 100000 levels would overflow the stack of a naive parser.
    let deep = "[".repeat(100_000);
    errors(&deep);
    errors(&"{\"a\":".repeat(100_000));
    let closed = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    errors(&closed);
    let in_title = edit("\"title\": {", &format!("\"title\": {}{{", "[".repeat(100_000)));
    errors(&in_title);
    let in_action = edit("\"value\": \"paid\"", &format!("\"value\": {deep}"));
    assert!(errors(&in_action)[0].reason.contains("recursion limit"));
    let e = errors(&edit("\"value\": \"paid\"", &format!("\"value\": {closed}")));
    assert!(e[0].reason.contains("recursion limit"), "{e:?}");
    assert!(e[0].path.starts_with("actions[2].value"), "{e:?}");
}

// ----- known loader bugs (found while writing these tests) ---------------------------------------

/// Bug: `Scenario::from_json` never checks that the input ends after the document
/// (`serde_json::from_str` calls `Deserializer::end`; the `serde_path_to_error` path here does
/// not). Trailing garbage, or two scenarios pasted one after the other, load as the first one:
/// a partial load of what the learner pasted.
#[test]
fn bug_trailing_characters_are_refused() {
    errors(&format!("{DEFAULT} x"));
    errors(&format!("{DEFAULT}{DEFAULT}"));
    errors(&format!("{DEFAULT}]"));
}

/// Bug (laxness): serde's derived structs also accept a JSON array of field values in
/// declaration order, so a scenario written positionally, with no field names at all, loads;
/// `deny_unknown_fields` cannot apply to it. The format is objects with named fields.
#[test]
fn bug_positional_arrays_are_refused() {
    errors(r#"[1, null, 42, 600000, {"latency_ms_min": 1, "latency_ms_max": 3}, [3, [["orders", 3]]]]"#);
    errors(&edit("{ \"name\": \"orders\", \"partitions\": 3 }", "[\"orders\", 3]"));
}

// ----- random input ---------------------------------------------------------------------------

/// Whatever the loader accepts must be a scenario that validates, serializes back to the same
/// scenario, and runs. (Called on every Ok of the property tests.)
fn accepted_is_sound(s: &Scenario) -> Result<(), TestCaseError> {
    prop_assert!(s.validate().is_ok(), "loaded but invalid: {:?}", s.validate());
    let again = Scenario::from_json(&s.to_json());
    prop_assert_eq!(again.as_ref(), Ok(s), "does not round-trip");
    let mut sim = Sim::new(s.clone()).map_err(|e| TestCaseError::fail(format!("Sim::new refused it: {e:?}")))?;
    sim.run_until(s.duration_ms.min(10_000));
    Ok(())
}

/// One edit of the default scenario's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at a position with another (often a JSON-significant one).
    Flip(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, u8),
    /// Swap a digit for another digit: keeps the syntax, changes values (ranges, references).
    Digit(prop::sample::Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        prop::sample::select(b"{}[]:,\"\\ -0123456789.eEtrufalsn".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        1 => (any::<prop::sample::Index>(), byte.clone()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Delete),
        1 => (any::<prop::sample::Index>(), byte).prop_map(|(i, b)| Mutation::Insert(i, b)),
        3 => (any::<prop::sample::Index>(), b'0'..=b'9').prop_map(|(i, d)| Mutation::Digit(i, d)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        match m {
            Mutation::Flip(i, b) => {
                let i = i.index(bytes.len());
                bytes[i] = *b;
            }
            Mutation::Delete(i) => {
                bytes.remove(i.index(bytes.len()));
            }
            Mutation::Insert(i, b) => bytes.insert(i.index(bytes.len() + 1), *b),
            Mutation::Digit(i, d) => {
                let digits: Vec<usize> = (0..bytes.len()).filter(|&j| bytes[j].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    bytes[digits[i.index(digits.len())]] = *d;
                }
            }
        }
    }
    // Input is `&str`: keep it valid UTF-8 (invalid sequences become U+FFFD).
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A random JSON value, including the awkward ones: huge, negative, fractional, empty, long.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        text(),
        Just(Value::Array(vec![])),
        Just(Value::Object(Default::default())),
    ]
}

/// Numbers around the limits the validator enforces (brokers 9, partitions 64, session 6000..,
/// latency 10000, duration 86400000) and the integer widths.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        0u64..12,
        0u64..100,
        prop::sample::select(vec![
            63, 64, 65, 255, 256, 257, 1023, 1024, 1025, 5_999, 6_000, 10_000, 10_001, 600_000, 600_001, 86_400_000,
            86_400_001,
        ]),
        0u64..100_000,
        Just(u64::from(u32::MAX)),
        Just(u64::from(u32::MAX) + 1),
        Just(u64::MAX),
    ]
    .prop_map(Value::from)
}

/// Strings: names that exist in the default scenario (so references may still resolve), invalid
/// names, and keys around the 256-byte limit.
fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "orders",
            "checkout",
            "billing",
            "billing-1",
            "billing-2",
            "earliest",
            "latest",
            "produce",
            "crash_broker",
            "add_partitions",
            "",
            "has space",
            "键",
        ])
        .prop_map(Value::from),
        "[a-z0-9_.-]{0,8}".prop_map(Value::from),
        (250usize..260).prop_map(|n| Value::from("k".repeat(n))),
    ]
}

/// One structural edit of a JSON document; `Index`es pick among the nodes that fit.
#[derive(Debug, Clone)]
enum Edit {
    /// A number becomes another number, a string another string, a bool its negation.
    SameKind(prop::sample::Index, Value, Value),
    /// Any node becomes any value.
    Replace(prop::sample::Index, Value),
    /// An object member or array element disappears.
    Remove(prop::sample::Index),
    /// An array element appears twice (duplicate ids, repeated actions).
    Duplicate(prop::sample::Index),
}

fn edit_op() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), number(), text()).prop_map(|(i, n, t)| Edit::SameKind(i, n, t)),
        1 => (any::<prop::sample::Index>(), any_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Remove),
        1 => any::<prop::sample::Index>().prop_map(Edit::Duplicate),
    ]
}

/// Every path to a node of `v`, as a list of keys/indices.
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(mut v: &'a mut Value, path: &[String]) -> &'a mut Value {
    for key in path {
        v = match v {
            Value::Object(map) => map.get_mut(key).unwrap(),
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    v
}

fn apply_edit(doc: &mut Value, edit: &Edit) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    match edit {
        Edit::SameKind(i, number, text) => {
            let leaves: Vec<&Vec<String>> = all
                .iter()
                .filter(|p| !node_mut(doc, p).is_object() && !node_mut(doc, p).is_array())
                .collect();
            if leaves.is_empty() {
                return; // an earlier edit replaced the whole document
            }
            let path = leaves[i.index(leaves.len())].clone();
            let node = node_mut(doc, &path);
            *node = match node {
                Value::Number(_) => number.clone(),
                Value::String(_) => text.clone(),
                Value::Bool(b) => Value::Bool(!*b),
                _ => Value::Null,
            };
        }
        Edit::Replace(i, value) => *node_mut(doc, &all[i.index(all.len())]) = value.clone(),
        Edit::Remove(i) | Edit::Duplicate(i) => {
            let children: Vec<&Vec<String>> = all.iter().filter(|p| !p.is_empty()).collect();
            if children.is_empty() {
                return;
            }
            let path = children[i.index(children.len())];
            let (last, parent) = path.split_last().unwrap();
            match (node_mut(doc, parent), edit) {
                (Value::Object(map), Edit::Remove(_)) => {
                    map.remove(last);
                }
                (Value::Array(items), Edit::Remove(_)) => {
                    items.remove(last.parse::<usize>().unwrap());
                }
                (Value::Array(items), _) => {
                    let i: usize = last.parse().unwrap();
                    let copy = items[i].clone();
                    items.insert(i, copy);
                }
                _ => {}
            }
        }
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary text: never a panic; anything accepted is sound.
    #[test]
    fn arbitrary_strings_never_panic(text in prop_oneof![
        any::<String>(),
        "[\\[\\]{}\":, 0-9a-z_\\-.]{0,300}",
        // Plausible openings of a scenario followed by junk.
        "\\{\"version\":1,\"seed\":[0-9]{1,3},\"duration_ms\":[0-9]{1,6},\"kafka\":[\\[\\]{}\":, 0-9a-z]{0,200}",
    ]) {
        if let Ok(s) = Scenario::from_json(&text) {
            accepted_is_sound(&s)?;
        }
    }

    /// Byte-level damage to the default scenario: flips, deletions, insertions, changed digits.
    #[test]
    fn mutated_default_scenario_never_panics(mutations in prop::collection::vec(mutation(), 1..5)) {
        let text = mutate(DEFAULT, &mutations);
        match Scenario::from_json(&text) {
            Ok(s) => accepted_is_sound(&s)?,
            Err(e) => prop_assert!(!e.is_empty() && e.iter().all(|x| !x.reason.is_empty())),
        }
    }

    /// Structure-aware damage: numbers, names, flags changed, nodes replaced, removed or
    /// duplicated. This reaches the validation rules and the simulation, which byte damage mostly
    /// cannot (it breaks the syntax first).
    #[test]
    fn default_scenario_with_structural_edits_never_panics(edits in prop::collection::vec(edit_op(), 1..4)) {
        let mut doc: Value = serde_json::from_str(DEFAULT).unwrap();
        for edit in &edits {
            apply_edit(&mut doc, edit);
        }
        let text = serde_json::to_string(&doc).unwrap();
        match Scenario::from_json(&text) {
            Ok(s) => accepted_is_sound(&s)?,
            Err(e) => prop_assert!(!e.is_empty() && e.iter().all(|x| !x.reason.is_empty())),
        }
    }
}

// ----- lessons --------------------------------------------------------------------------------

fn lesson_text() -> &'static str {
    LESSON_FILES.iter().find(|(name, _)| *name == "q15-ordering").unwrap().1
}

#[test]
fn truncated_lessons_are_refused() {
    let text = lesson_text();
    let complete = text.trim_end().len();
    // Every 13th cut plus the whole last 300 bytes (the closing brackets are where a parser that
    // forgot to check the end would accept a partial document).
    let cuts = (0..complete)
        .step_by(13)
        .chain(complete.saturating_sub(300)..complete)
        .filter(|&c| text.is_char_boundary(c));
    for cut in cuts {
        assert!(
            Lesson::from_json(&text[..cut]).is_err(),
            "a {cut}-byte prefix of the lesson loaded"
        );
    }
}

#[test]
fn a_lesson_step_naming_a_missing_producer_is_refused_with_its_step_and_action() {
    // Steps push their actions into a running simulation; a bad reference must be caught when
    // the lesson loads (and named), not when a learner reaches step 4.
    let mut doc: Value = serde_json::from_str(lesson_text()).unwrap();
    let action = &mut doc["steps"][4]["actions"][1]["kafka"];
    assert_eq!(action["do"], "produce");
    action["producer"] = Value::from("ghost");
    let e = Lesson::from_json(&doc.to_string()).unwrap_err();
    assert!(
        e.iter()
            .any(|x| x.path == "steps[4].actions[1]" && x.reason.contains("ghost")),
        "{e:?}"
    );
    // And a missing consumer in a later step.
    let mut doc: Value = serde_json::from_str(lesson_text()).unwrap();
    doc["steps"][6]["actions"] = serde_json::json!([{ "fault": { "do": "crash", "node": "nobody" } }]);
    let e = Lesson::from_json(&doc.to_string()).unwrap_err();
    assert!(e.iter().any(|x| x.path == "steps[6].actions[0]"), "{e:?}");
}

#[test]
fn a_lesson_with_a_bad_scenario_names_the_scenario_path() {
    let mut doc: Value = serde_json::from_str(lesson_text()).unwrap();
    doc["scenario"]["kafka"]["brokers"] = Value::from(0);
    let e = Lesson::from_json(&doc.to_string()).unwrap_err();
    assert!(e.iter().any(|x| x.path == "scenario.kafka.brokers"), "{e:?}");
}

// ----- the runner binary ------------------------------------------------------------------------

/// A scratch file for one test, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("mqplay-bad-input-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn mqplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mqplay"))
        .args(args)
        .output()
        .expect("runs mqplay")
}

/// Bad input exits with status 2 and says where the problem is on stderr, with nothing on stdout.
fn fails_with(args: &[&str], mentions: &[&str]) {
    let out = mqplay(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    for m in mentions {
        assert!(stderr.contains(m), "{args:?}: stderr does not mention `{m}`: {stderr}");
    }
}

#[test]
fn runner_refuses_a_missing_file() {
    let path = std::env::temp_dir().join(format!("mqplay-bad-input-{}-does-not-exist.json", std::process::id()));
    let path = path.to_str().unwrap();
    fails_with(&["run", path], &[path]);
}

#[test]
fn runner_refuses_a_truncated_file() {
    let f = TempFile::new("truncated.json", &DEFAULT[..DEFAULT.len() / 2]);
    fails_with(&["run", f.path()], &[f.path(), "invalid scenario", "EOF"]);
}

#[test]
fn runner_refuses_an_unknown_field_and_names_its_path() {
    let f = TempFile::new(
        "unknown.json",
        &edit("\"partitions\": 3", "\"partitions\": 3, \"replicas\": 2"),
    );
    fails_with(
        &["run", f.path()],
        &["kafka.topics[0].replicas", "unknown field `replicas`"],
    );
    fails_with(&["check", f.path()], &["kafka.topics[0].replicas"]);
}

#[test]
fn runner_refuses_a_file_over_one_mebibyte() {
    // Checked from the file's metadata, before it is read.
    let f = TempFile::new("big.json", &format!("{DEFAULT}{}", " ".repeat(MAX_DOCUMENT_BYTES)));
    fails_with(&["run", f.path()], &["limit", "1048576"]);
}

#[test]
fn runner_refuses_bad_arguments() {
    fails_with(&[], &["usage"]);
    let f = TempFile::new("args.json", DEFAULT);
    fails_with(&["fly", f.path()], &["unknown command `fly`", "usage"]);
    fails_with(&["run", f.path(), "--lang", "fr"], &["--lang"]);
    fails_with(&["run", f.path(), "extra"], &["unexpected argument"]);
}

#[test]
fn runner_exits_3_with_the_reason_when_the_run_halts() {
    let f = TempFile::new("halts.json", DEFAULT);
    let out = mqplay(&["run", f.path(), "--max-work", "200"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("work budget of 200 units"), "{stderr}");
    // What ran is still printed, and the summary says why it stopped.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let summary: Value = serde_json::from_str(stdout.split_once("--- summary\n").unwrap().1).unwrap();
    assert!(summary["halted"].as_str().unwrap().contains("work budget"), "{summary}");
    assert!(summary["steps"].as_u64().unwrap() < 200);
    fails_with(&["run", f.path(), "--max-work", "0"], &["--max-work"]);
}

#[test]
fn runner_runs_a_valid_scenario_and_ends_with_the_summary() {
    let f = TempFile::new("valid.json", DEFAULT);
    let out = mqplay(&["run", f.path()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stdout is JSON lines (the trace), a line `--- summary`, and the summary as one JSON line.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (trace, summary) = stdout.split_once("--- summary\n").expect("a summary separator");
    let lines: Vec<Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).expect("each trace line is JSON"))
        .collect();
    assert!(!lines.is_empty(), "expected trace lines before the summary");
    assert_eq!(summary.lines().count(), 1, "the summary is one line");
    let summary: Value = serde_json::from_str(summary).unwrap();
    assert_eq!(summary["halted"], Value::Null);
    assert_eq!(summary["trace_dropped"], 0);
    let offsets = summary["kafka"]["log_end_offsets"]
        .as_object()
        .expect("summary has log_end_offsets");
    // The default scenario produces six records into orders-0..2.
    assert_eq!(offsets.len(), 3);
    assert_eq!(offsets.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), 6);
    // `check` agrees.
    let out = mqplay(&["check", f.path()]);
    assert_eq!(out.status.code(), Some(0));
}

/// The timer lab's section and actions: each mistake is named at its field, in both languages,
/// all at once.
#[test]
fn bad_timer_documents_are_refused_at_their_fields() {
    let doc = r#"{"version": 2, "seed": 1, "duration_ms": 1000,
      "delay": {"wheels": [
        {"name": "w", "kind": "hierarchical", "wheel_size": 1},
        {"name": "w", "kind": "simple", "tick_ms": 0, "start_ms": 5000}]},
      "actions": [
        {"at_ms": 1, "delay": {"do": "add", "wheel": "nowhere", "task": "a", "delay_ms": 5}},
        {"at_ms": 1, "delay": {"do": "add", "wheel": "w", "task": "a", "delay_ms": 99999999999}},
        {"at_ms": 2, "delay": {"do": "add", "wheel": "w", "task": "a", "delay_ms": 5}},
        {"at_ms": 3, "delay": {"do": "add_many", "wheel": "w", "prefix": "p", "count": 0, "delay_ms_min": 9, "delay_ms_max": 1}},
        {"at_ms": 4, "delay": {"do": "cancel", "wheel": "w", "task": "ghost"}}]}"#;
    let e = errors(doc);
    for (path, mentions) in [
        ("delay.wheels[0].wheel_size", "between 2 and"),
        ("delay.wheels[1].name", "names another wheel"),
        ("delay.wheels[1].tick_ms", "between 1 and"),
        ("delay.wheels[1].start_ms", "after duration_ms"),
        ("actions[0].delay.wheel", "no wheel named `nowhere`"),
        ("actions[1].delay.delay_ms", "between"),
        ("actions[2].delay.task", "already a task"),
        ("actions[3].delay.count", "between 1 and"),
        ("actions[3].delay.delay_ms_min", "must not exceed"),
        ("actions[4].delay.task", "no task `ghost`"),
    ] {
        assert!(
            e.iter().any(|x| x.path == path && x.reason.contains(mentions)),
            "expected `{path}` mentioning `{mentions}` in {e:?}"
        );
    }
    every_reason_in_chinese(&e);
    // Over the task limit: refused at the largest add_many's count.
    let many: Vec<String> = (0..11)
        .map(|i| format!(r#"{{"at_ms": 0, "delay": {{"do": "add_many", "wheel": "w", "prefix": "p{i}", "count": 100000, "delay_ms_min": 0, "delay_ms_max": 10}}}}"#))
        .collect();
    let doc = format!(
        r#"{{"version": 2, "seed": 1, "duration_ms": 1000, "delay": {{"wheels": [{{"name": "w", "kind": "hierarchical"}}]}}, "actions": [{}]}}"#,
        many.join(",")
    );
    refused_at(&doc, "actions[0].delay.count", "1100000 timer tasks");
}

/// The Redis delay queue's section and its ZADDs: mistakes named at their fields, in Chinese too.
#[test]
fn bad_redis_delay_queues_are_refused_at_their_fields() {
    let doc = r#"{"version": 2, "seed": 1, "duration_ms": 1000,
      "delay": {"redis": {"pollers": [
        {"name": "redis", "interval_ms": 0},
        {"name": "p", "limit": 5000, "lease_ms": 100, "publish_ms": 70000},
        {"name": "q", "claim": "lease", "lease_ms": 0}]}},
      "actions": [
        {"at_ms": 1, "delay": {"do": "zadd", "member": "", "delay_ms": 5}},
        {"at_ms": 2, "delay": {"do": "zadd_many", "prefix": "m", "count": 5000, "delay_ms_min": 0, "delay_ms_max": 1}},
        {"at_ms": 3, "fault": {"do": "crash", "node": "producer"}}]}"#;
    let e = errors(doc);
    for (path, mentions) in [
        ("delay.redis.pollers[0].name", "names another node"),
        ("delay.redis.pollers[0].interval_ms", "between 1 and 60000"),
        ("delay.redis.pollers[1].limit", "between 1 and 1000"),
        ("delay.redis.pollers[1].lease_ms", "only a poller with claim `lease`"),
        ("delay.redis.pollers[1].publish_ms", "between 0 and 60000"),
        ("delay.redis.pollers[2].lease_ms", "between 1 and 3600000"),
        ("actions[2].fault.node", "only Redis pollers crash"),
        ("actions[0].delay.member", "1 to 64 bytes"),
        ("actions[1].delay.count", "between 1 and 1000"),
    ] {
        assert!(
            e.iter().any(|x| x.path == path && x.reason.contains(mentions)),
            "expected `{path}` mentioning `{mentions}` in {e:?}"
        );
    }
    every_reason_in_chinese(&e);
    // A ZADD without a `redis` section is refused at the action.
    refused_at(
        r#"{"version": 2, "seed": 1, "duration_ms": 1000, "delay": {"wheels": [{"name": "w", "kind": "simple"}]},
            "actions": [{"at_ms": 1, "delay": {"do": "zadd", "member": "m", "delay_ms": 5}}]}"#,
        "actions[0].delay.do",
        "no `redis`",
    );
}

/// RocketMQ's section, its settings by their RocketMQ names, and its actions: each mistake named
/// at its field, all reported together, in Chinese too.
#[test]
fn bad_rocketmq_documents_are_refused_at_their_fields() {
    let doc = r#"{"version": 2, "seed": 1, "duration_ms": 60000,
      "rocketmq": {
        "brokers": [{"name": "broker-a"}, {"name": "broker-a"}],
        "broker_config": {"messageDelayLevel": "1s 5x", "transactionCheckMax": 0},
        "topics": [{"name": "SCHEDULE_TOPIC_XXXX"}, {"name": "orders", "queues": 99, "brokers": ["broker-z"]}],
        "producers": [{"name": "p", "group": "bad group", "config": {"sendMsgTimeout": 0, "enableMsgTrace": true}}],
        "consumers": [
          {"name": "c1", "group": "g", "topic": "orders", "config": {"traceMsgBatchNum": 0}},
          {"name": "c2", "group": "g", "topic": "orders", "orderly": true, "config": {"maxReconsumeTimes": -5}},
          {"name": "c3", "group": "h", "topic": "nowhere"}]},
      "actions": [
        {"at_ms": 1, "rocketmq": {"do": "send", "producer": "ghost", "topic": "orders", "count": 0}},
        {"at_ms": 2, "rocketmq": {"do": "send", "producer": "p", "topic": "orders", "delay_level": 3, "delay_ms": 10}},
        {"at_ms": 3, "rocketmq": {"do": "send_transaction", "producer": "p", "topic": "orders", "local": "UNKNOW", "check_immunity_s": 999999}},
        {"at_ms": 4, "rocketmq": {"do": "query_by_id", "message": 9}},
        {"at_ms": 5, "fault": {"do": "crash", "node": "nobody"}}]}"#;
    let e = errors(doc);
    for (path, mentions) in [
        ("rocketmq.brokers[1].name", "names another broker"),
        (
            "rocketmq.broker_config.messageDelayLevel",
            "level 2 (`5x`) needs a unit",
        ),
        ("rocketmq.broker_config.transactionCheckMax", "between 1 and 1000"),
        ("rocketmq.topics[0].name", "system topic"),
        ("rocketmq.topics[1].queues", "between 1 and 32"),
        ("rocketmq.topics[1].brokers[0]", "no broker named `broker-z`"),
        ("rocketmq.producers[0].group", "RocketMQ's topic and group rule"),
        ("rocketmq.producers[0].config.sendMsgTimeout", "between 1 and 600000"),
        (
            "rocketmq.producers[0].config.enableMsgTrace",
            "the trace topic `RMQ_SYS_TRACE_TOPIC` does not exist",
        ),
        ("rocketmq.consumers[0].config.traceMsgBatchNum", "between 1 and 1000"),
        ("rocketmq.consumers[1].group", "subscription consistency"),
        ("rocketmq.consumers[1].config.maxReconsumeTimes", "-1 (the default)"),
        ("rocketmq.consumers[2].topic", "no topic named `nowhere`"),
        ("actions[0].rocketmq.producer", "no producer named `ghost`"),
        ("actions[0].rocketmq.count", "between 1 and 1000"),
        ("actions[1].rocketmq.delay_ms", "not both"),
        ("actions[2].rocketmq.check_immunity_s", "at most 86400"),
        ("actions[3].rocketmq.message", "a message sent earlier"),
        ("actions[4].fault.node", "no node named `nobody`"),
    ] {
        assert!(
            e.iter().any(|x| x.path == path && x.reason.contains(mentions)),
            "expected `{path}` mentioning `{mentions}` in {e:?}"
        );
    }
    every_reason_in_chinese(&e);
    // An unknown setting is refused by its name, a RocketMQ action without the section at the action.
    refused_at(
        r#"{"version": 2, "seed": 1, "duration_ms": 1000, "rocketmq": {"brokers": [{"name": "b"}], "topics": [{"name": "t"}],
            "producers": [{"name": "p", "group": "g", "config": {"sendMsgTimeOut": 5}}]}}"#,
        "rocketmq.producers[0].config.sendMsgTimeOut",
        "unknown field `sendMsgTimeOut`",
    );
    refused_at(
        r#"{"version": 2, "seed": 1, "duration_ms": 1000, "delay": {"wheels": [{"name": "w", "kind": "simple"}]},
            "actions": [{"at_ms": 1, "rocketmq": {"do": "query_by_key", "topic": "t", "key": "k"}}]}"#,
        "actions[0].rocketmq",
        "no `rocketmq` section",
    );
}

/// The outbox: `send_outbox` needs a producer with an outbox, and a local transaction that
/// commits or rolls back; the relay's settings are bounded.
#[test]
fn bad_outbox_documents_are_refused_at_their_fields() {
    let doc = r#"{"version": 2, "seed": 1, "duration_ms": 60000,
      "rocketmq": {"brokers": [{"name": "b"}], "topics": [{"name": "t"}],
        "producers": [{"name": "svc", "group": "g", "outbox": {"relay_interval_ms": 5}}, {"name": "plain", "group": "g2"}]},
      "actions": [
        {"at_ms": 1, "rocketmq": {"do": "send_outbox", "producer": "plain", "topic": "t", "local": "COMMIT_MESSAGE"}},
        {"at_ms": 2, "rocketmq": {"do": "send_outbox", "producer": "svc", "topic": "t", "local": "UNKNOW"}}]}"#;
    let e = errors(doc);
    for (path, mentions) in [
        (
            "rocketmq.producers[0].outbox.relay_interval_ms",
            "between 100 and 60000",
        ),
        ("actions[0].rocketmq.producer", "has no `outbox`"),
        ("actions[1].rocketmq.local", "commits or rolls back"),
    ] {
        assert!(
            e.iter().any(|x| x.path == path && x.reason.contains(mentions)),
            "expected `{path}` mentioning `{mentions}` in {e:?}"
        );
    }
    every_reason_in_chinese(&e);
}

/// `mqplay defaults` prints every system's settings table as JSON; an unknown system is refused.
#[test]
fn runner_prints_the_settings_tables() {
    let out = mqplay(&["defaults"]);
    assert_eq!(out.status.code(), Some(0));
    let tables: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (system, setting) in [("kafka", "linger.ms"), ("rocketmq", "enableMsgTrace")] {
        let rows = tables[system].as_array().unwrap_or_else(|| panic!("no {system} table"));
        let row = rows
            .iter()
            .find(|r| r["name"] == setting)
            .unwrap_or_else(|| panic!("no {setting}"));
        for field in ["default", "en", "zh", "source", "scope"] {
            assert!(!row[field].as_str().unwrap_or("").is_empty(), "{setting}.{field}");
        }
    }
    let kafka: Value = serde_json::from_slice(&mqplay(&["defaults", "kafka"]).stdout).unwrap();
    assert!(kafka.get("rocketmq").is_none() && kafka["kafka"].is_array());
    fails_with(&["defaults", "pulsar"], &["no settings table for `pulsar`"]);
}

/// `mqplay lesson` plays each step of a lesson and prints what its measures read; a scenario
/// given as a lesson is refused with the path of what is missing.
#[test]
fn runner_plays_a_lesson_step_by_step() {
    let (_, text) = LESSON_FILES.iter().find(|(id, _)| *id == "q17-delay-compared").unwrap();
    let f = TempFile::new("lesson.json", text);
    let out = mqplay(&["lesson", f.path()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().filter(|l| l.starts_with("--- step ")).count(), 7);
    assert!(stdout.contains("compare: RabbitMQ"), "{stdout}");
    assert!(stdout.contains("predict: "), "{stdout}");
    let f = TempFile::new("not-a-lesson.json", DEFAULT);
    fails_with(&["lesson", f.path()], &["invalid lesson"]);
}

/// CreateTopics (a version-2 action): not a topic that exists, not zero partitions; a topic
/// created earlier in the document can be produced to later.
#[test]
fn create_topic_is_checked_in_run_order() {
    let doc = |actions: &str| {
        format!(
            r#"{{"version": 2, "seed": 1, "duration_ms": 10000,
                "kafka": {{"brokers": 1, "topics": [{{"name": "orders", "partitions": 1}}], "producers": [{{"id": "p"}}]}},
                "actions": [{actions}]}}"#
        )
    };
    let refused = |actions: &str, path: &str| {
        let e = Scenario::from_json(&doc(actions)).expect_err(actions);
        assert!(
            e.iter().any(|x| x.path == path),
            "{actions}: expected `{path}`, got {e:?}"
        );
    };
    refused(
        r#"{"at_ms": 1, "kafka": {"do": "create_topic", "topic": "orders", "partitions": 2}}"#,
        "actions[0].kafka.topic",
    );
    refused(
        r#"{"at_ms": 1, "kafka": {"do": "create_topic", "topic": "refunds", "partitions": 0}}"#,
        "actions[0].kafka.partitions",
    );
    refused(
        r#"{"at_ms": 1, "kafka": {"do": "produce", "producer": "p", "topic": "refunds", "value": "x"}},
           {"at_ms": 2, "kafka": {"do": "create_topic", "topic": "refunds", "partitions": 1}}"#,
        "actions[0].kafka.topic",
    );
    Scenario::from_json(&doc(
        r#"{"at_ms": 1, "kafka": {"do": "create_topic", "topic": "refunds", "partitions": 1}},
           {"at_ms": 2, "kafka": {"do": "produce", "producer": "p", "topic": "refunds", "value": "x"}}"#,
    ))
    .expect("produce after create");
}
