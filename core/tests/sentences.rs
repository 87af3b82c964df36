//! What the log says: plain sentences (details off) keep member ids, KIP numbers and hash
//! arithmetic out; waits say what the client waits for and until when.
use std::path::Path;

use mqplay_core::catalog::{default_scenario, lessons};
use mqplay_core::{Lang, Scenario, Sim};

/// Words only the detailed sentences may use.
const DETAIL_MARKS: &[&str] = &["KIP-", "murmur2", "hashCode", "toPositive", "MEMBER_ID_REQUIRED"];

fn golden(name: &str) -> Sim {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/golden/{name}.scenario.json"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut sim = Sim::new(Scenario::from_json(&text).unwrap()).unwrap();
    sim.run_to_end();
    sim
}

fn member_ids(sim: &Sim) -> Vec<String> {
    let view = sim.view();
    let Some(kafka) = view.kafka.as_ref() else {
        return Vec::new();
    };
    kafka
        .groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.member_id.clone()))
        .collect()
}

fn runs() -> Vec<(String, Sim)> {
    let mut out = Vec::new();
    let mut sim = Sim::new(default_scenario()).unwrap();
    sim.run_until(60_000);
    out.push(("default".to_string(), sim));
    for lesson in lessons() {
        let sim = lesson.sim_at(lesson.steps.len() - 1, true).unwrap();
        out.push((lesson.id.clone(), sim));
    }
    for name in ["range-join-leave", "broker-crash-restart", "session-timeout"] {
        out.push((name.to_string(), golden(name)));
    }
    out
}

#[test]
fn plain_sentences_leave_details_out() {
    let mut detailed_seen = 0;
    for (name, sim) in runs() {
        let ids = member_ids(&sim);
        // Kafka runs have a group; RabbitMQ lessons have none but their sentences are checked too.
        assert!(
            sim.view().kafka.is_none() || !ids.is_empty(),
            "{name}: a run with a group has member ids"
        );
        for entry in sim.trace().iter() {
            let told = sim.tell(entry);
            for lang in [Lang::En, Lang::Zh] {
                let plain = told.sentence_plain(lang);
                let full = told.sentence(lang);
                for mark in DETAIL_MARKS {
                    assert!(
                        !plain.contains(mark),
                        "{name}: plain {lang:?} sentence has {mark}: {plain}"
                    );
                    detailed_seen += usize::from(full.contains(mark));
                }
                for id in &ids {
                    assert!(
                        !plain.contains(id.as_str()),
                        "{name}: plain sentence names member id {id}: {plain}"
                    );
                }
            }
        }
    }
    // The full sentences do carry the details, so the check above is not vacuous.
    assert!(detailed_seen > 10, "only {detailed_seen} detailed sentences");
}

#[test]
fn a_producer_without_a_leader_says_what_it_waits_for_and_until_when() {
    let sim = golden("broker-crash-restart");
    let waits: Vec<_> = sim
        .trace()
        .iter()
        .filter(|e| sim.tell(e).key() == "ProduceWaiting")
        .collect();
    assert_eq!(waits.len(), 1, "one wait, told once, not at every metadata poll");
    let json = sim.entry_json(waits[0], Some(Lang::En));
    assert!(json.contains("\"partition\":\"orders-0\""), "{json}");
    let told = sim.tell(waits[0]);
    let sentence = told.sentence(Lang::En);
    assert!(
        sentence.contains("no leader") && sentence.contains("delivery.timeout.ms"),
        "{sentence}"
    );
    // The deadline is delivery.timeout.ms after the waiting batch was created, so after now.
    let until: u64 = json
        .split("\"until_ms\":")
        .nth(1)
        .unwrap()
        .split([',', '}'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        until > waits[0].at_ms() && until <= waits[0].at_ms() + 120_000,
        "{json}"
    );
    assert!(
        sentence.contains(&format!("t = {}.{:03} s", until / 1000, until % 1000)),
        "{sentence}"
    );
}

#[test]
fn a_caught_up_consumer_says_it_long_polls_once() {
    let sim = golden("range-join-leave");
    let waits: Vec<String> = sim
        .trace()
        .iter()
        .filter(|e| sim.tell(e).key() == "FetchWaiting")
        .map(|e| sim.entry_json(e, Some(Lang::En)))
        .collect();
    assert!(!waits.is_empty());
    assert!(waits.iter().all(|w| w.contains("fetch.max.wait.ms (500)")), "{waits:?}");
    // Far fewer than one per empty fetch (a caught-up consumer gets one every 500 ms).
    let seconds = sim.now_ms() / 1000;
    assert!((waits.len() as u64) < seconds, "{} waits in {seconds} s", waits.len());
}
