//! The event log: the trace told as sentences, newest first; a click goes back to that moment.
use std::rc::Rc;

use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::t;
use crate::state::{LogRow, Msg};

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lang: Lang,
    pub entries: Rc<Vec<LogRow>>,
    pub skipped: u64,
    pub current_step: u64,
    pub on: Callback<Msg>,
}

#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let lang = p.lang;
    let rows = p.entries.iter().rev().map(|e| {
        let step = e.step;
        let on = p.on.clone();
        let onclick = Callback::from(move |_: MouseEvent| on.emit(Msg::Seek(step)));
        let current = e.step == p.current_step;
        html! {
            <li class={classes!("log-entry", current.then_some("current"), e.key)}>
                <button class="log-time" {onclick} title={crate::i18n::t1(lang, "log.seek", e.step)} aria-label={crate::i18n::t1(lang, "log.seek", e.step)}>
                    { format!("{:.3}s", e.at_ms as f64 / 1000.0) }
                </button>
                <span class="log-node">{ e.node.clone() }</span>
                // Sentences are text nodes: a key typed by a learner can never become markup.
                <span class="log-text">{ e.text.clone() }</span>
            </li>
        }
    });
    html! {
        <section class="panel log" aria-labelledby="log-title">
            <h2 id="log-title">{ t(lang, "log.title") }</h2>
            if p.entries.is_empty() {
                <p class="muted">{ t(lang, "log.empty") }</p>
            } else {
                <ol id="event-log" aria-live="polite">{ for rows }</ol>
                if p.skipped > 0 { <p class="muted">{ format!("{} {}", p.skipped, t(lang, "log.earlier")) }</p> }
            }
        </section>
    }
}
