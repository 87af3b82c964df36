//! The event log: the trace told as sentences, newest first; a row takes the page back to that
//! moment. The log is one tab stop: ↑/↓ (and Home/End) move between rows, Enter goes there.
use std::rc::Rc;

use mqplay_core::Lang;
use yew::prelude::*;

use super::roving::{rove, Roving};
use crate::i18n::t;
use crate::state::{LogRow, Msg};

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lang: Lang,
    pub entries: Rc<Vec<LogRow>>,
    pub skipped: u64,
    pub current_step: u64,
    pub details: bool,
    pub on: Callback<Msg>,
}

#[derive(Properties, PartialEq)]
pub struct DetailsToggleProps {
    pub lang: Lang,
    pub details: bool,
    pub id: AttrValue,
    pub on: Callback<Msg>,
}

/// Shows or hides member ids, KIP numbers and hash arithmetic (log and inspector together).
#[function_component(DetailsToggle)]
pub fn details_toggle(p: &DetailsToggleProps) -> Html {
    let on = p.on.clone();
    html! {
        <button id={p.id.clone()} class="mini toggle" aria-pressed={if p.details { "true" } else { "false" }}
            onclick={Callback::from(move |_| on.emit(Msg::ToggleDetails))} title={t(p.lang, "log.details_hint")}>
            { t(p.lang, "log.details") }
        </button>
    }
}

/// The log's rows: ↑ ↓ Home End, the tab stop following focus.
const LOG_KEYS: Roving = Roving {
    region: "#event-log",
    items: ".log-time",
    back: "ArrowUp",
    forward: "ArrowDown",
    enter_at_last: false,
    move_tab_stop: true,
};

#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let lang = p.lang;
    // The row that holds the log's one tab stop: the current moment's, else the newest.
    let tab_stop = p
        .entries
        .iter()
        .rev()
        .position(|e| e.step == p.current_step)
        .unwrap_or(0);
    let rows = p.entries.iter().rev().enumerate().map(|(i, e)| {
        let step = e.step;
        let on = p.on.clone();
        let onclick = Callback::from(move |_: MouseEvent| on.emit(Msg::Seek(step)));
        let current = e.step == p.current_step;
        let label = crate::i18n::t1(lang, "log.seek", e.step);
        html! {
            <li key={e.seq} class={classes!("log-entry", current.then_some("current"), e.key)}>
                <button class="log-time" {onclick} title={label.clone()} aria-label={format!("{label}: {}", e.text)}
                    tabindex={if i == tab_stop { "0" } else { "-1" }}>
                    { format!("{:.3}s", e.at_ms as f64 / 1000.0) }
                </button>
                <span class="log-node">{ e.node.clone() }</span>
                // Sentences are text nodes: a key typed by a learner can never become markup.
                <span class="log-text">{ e.text.clone() }</span>
            </li>
        }
    });
    let onkeydown = Callback::from(|e: KeyboardEvent| {
        if rove(&e, &LOG_KEYS) {
            e.prevent_default();
            e.stop_propagation();
        }
    });
    html! {
        <section class="panel log" aria-labelledby="log-title" id="log-panel">
            <div class="panel-head">
                <h2 id="log-title">{ t(lang, "log.title") }</h2>
                <DetailsToggle lang={lang} details={p.details} on={p.on.clone()} id="log-details" />
            </div>
            if p.entries.is_empty() {
                <p class="muted" id="log-empty">{ t(lang, "log.empty") }</p>
            } else {
                <ol id="event-log" aria-label={t(lang, "log.title")} {onkeydown}>{ for rows }</ol>
                if p.skipped > 0 { <p class="muted">{ format!("{} {}", p.skipped, t(lang, "log.earlier")) }</p> }
            }
        </section>
    }
}
