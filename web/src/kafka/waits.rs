//! What a Kafka client is waiting for, in a few words for its card and inspector (the log line
//! that began the wait says why at length).
use mqplay_core::kafka::trace::secs;
use mqplay_core::kafka::view::{ConsumerView, ProducerView};
use mqplay_core::Lang;

use crate::i18n::{t, t1, t2};

pub fn producer_wait(lang: Lang, p: &ProducerView) -> Option<String> {
    if let Some((partition, until_ms)) = p.waiting_for_leader.first() {
        return Some(t2(lang, "wait.leader", partition, secs(*until_ms, lang)));
    }
    p.blocked.then(|| t(lang, "wait.buffer").to_string())
}

pub fn consumer_wait(lang: Lang, c: &ConsumerView) -> Option<String> {
    match c.phase.as_str() {
        "finding-coordinator" => Some(t(lang, "wait.coordinator").into()),
        "joining" | "syncing" => Some(t(lang, "wait.rebalance").into()),
        "stable" if !c.long_polling.is_empty() => Some(t1(
            lang,
            "wait.long_poll",
            c.long_polling
                .iter()
                .map(|b| format!("broker {b}"))
                .collect::<Vec<_>>()
                .join(", "),
        )),
        _ => None,
    }
}
