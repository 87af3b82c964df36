//! Every message's fate (where its newest copy is, how often a listener ran on it) and, for the
//! one picked, its trace: each hop with its time, node and what it did — the send, the stores in
//! each topic it passed through, the moves, checks and consumptions (Q24's message trace).
use std::rc::Rc;

use mqplay_core::rocket::view::RocketView;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::{t, t1};

#[derive(Properties, PartialEq)]
pub struct MessagesProps {
    pub lang: Lang,
    pub view: Rc<RocketView>,
}

fn state_key(s: &str) -> &'static str {
    match s {
        "failed" => "rm.st.failed",
        "sending" => "rm.st.sending",
        "half" => "rm.st.half",
        "scheduled" => "rm.st.scheduled",
        "timer" => "rm.st.timer",
        "retrying" => "rm.st.retrying",
        "dlq" => "rm.st.dlq",
        "rolled_back" => "rm.st.rolled_back",
        "discarded" => "rm.st.discarded",
        _ => "rm.st.stored",
    }
}

#[function_component(Messages)]
pub fn messages(p: &MessagesProps) -> Html {
    let lang = p.lang;
    let picked = use_state(|| None::<u32>);
    let v = &p.view;
    if v.messages.is_empty() {
        return html! {
            <section class="panel rm-messages" id="rm-messages"><h2>{ t(lang, "rm.messages") }</h2>
                <p class="muted small">{ t(lang, "rm.no_messages") }</p></section>
        };
    }
    let chosen = (*picked).and_then(|m| v.messages.iter().find(|x| x.message == m));
    html! {
        <section class="panel rm-messages" id="rm-messages" aria-labelledby="rm-msg-title">
            <h2 id="rm-msg-title">{ t(lang, "rm.messages") }
                if v.messages_total > v.messages.len() as u64 {
                    <span class="muted small">{ format!(" · {}", t1(lang, "rm.first_of", format!("{} / {}", v.messages.len(), v.messages_total))) }</span>
                }
            </h2>
            <div class="task-table" role="region" tabindex="0" aria-labelledby="rm-msg-title">
                <table>
                    <thead><tr>
                        <th>{ "#" }</th><th>{ t(lang, "rm.producer") }</th><th>{ "topic" }</th><th>{ "KEYS" }</th>
                        <th>{ t(lang, "rm.kind") }</th><th>{ t(lang, "rm.state") }</th><th>{ t(lang, "rm.deliveries") }</th><th></th>
                    </tr></thead>
                    <tbody>
                        { for v.messages.iter().rev().take(60).map(|m| {
                            let id = m.message;
                            let picked = picked.clone();
                            html! {
                                <tr class={classes!(m.state, (Some(id) == *picked).then_some("picked"))}>
                                    <td>{ format!("#{id}") }</td><td>{ &m.producer }</td><td>{ &m.topic }</td>
                                    <td>{ m.keys.clone().unwrap_or_default() }</td>
                                    <td>{ t(lang, match m.kind { "delay" => "rm.k.delay", "timer" => "rm.k.timer", "transaction" => "rm.k.transaction", _ => "rm.k.normal" }) }</td>
                                    <td>{ t(lang, state_key(m.state)) }</td>
                                    <td>{ format!("{} / {}", m.deliveries, m.consumed) }</td>
                                    <td><button class="small" aria-label={t1(lang, "rm.trace_of", format!("#{id}"))}
                                        onclick={Callback::from(move |_: MouseEvent| picked.set(Some(id)))}>{ t(lang, "rm.trace") }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if let Some(m) = chosen {
                <div class="rm-trace" id="rm-trace">
                    <h3>{ t1(lang, "rm.trace_title", format!("#{} · msgId {}", m.message, m.msg_id)) }</h3>
                    <ol class="small">
                        { for m.hops.iter().enumerate().map(|(i, h)| {
                            // The time since the hop before: the cost of each leg.
                            let since = i.checked_sub(1).map(|j| h.at_ms - m.hops[j].at_ms);
                            html! {
                                <li><span class="mono">{ format!("{} ms", h.at_ms) }</span>
                                    if let Some(d) = since { <span class="muted mono">{ format!(" (+{d})") }</span> }
                                    { format!(" · {} · {} {}", h.actor, h.kind, h.label) }</li>
                            }
                        }) }
                    </ol>
                    if !m.trace_records.is_empty() {
                        <h3 id="rm-trace-topic-title">{ t1(lang, "rm.trace_topic", m.trace_records[0].topic.clone()) }</h3>
                        <div class="task-table" role="region" tabindex="0" aria-labelledby="rm-trace-topic-title">
                            <table class="rm-trace-records small" id="rm-trace-records">
                                <thead><tr>
                                    <th>{ t(lang, "rm.tr.type") }</th><th>{ t(lang, "rm.tr.time") }</th><th>{ t(lang, "rm.tr.group") }</th>
                                    <th>{ t(lang, "rm.tr.cost") }</th><th>{ t(lang, "rm.tr.ok") }</th><th>{ t(lang, "rm.tr.stored") }</th>
                                </tr></thead>
                                <tbody>
                                    { for m.trace_records.iter().map(|r| html! {
                                        <tr title={r.fields.join(" | ")}>
                                            <td class="mono">{ &r.kind }</td><td>{ &r.timestamp }</td><td>{ &r.group }</td>
                                            <td>{ r.cost_ms.clone().unwrap_or_default() }</td><td>{ r.outcome.clone().unwrap_or_default() }</td>
                                            <td class="mono">{ format!("{} @{} · {} ms", r.broker, r.queue_offset, r.stored_ms) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    }
                </div>
            }
        </section>
    }
}
