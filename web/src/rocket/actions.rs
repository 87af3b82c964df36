//! What a learner can do to the RocketMQ cluster: send a message now — plain, ordered by its key
//! (`SelectMessageQueueByHash`), with a delay level, as a RocketMQ 5 timer message, or in a
//! transaction whose local transaction answers as chosen — and read the settings reference.
//! Crashing and restarting nodes is on the cluster's cards. Each becomes an action of the
//! scenario, so it replays and travels in links.
use std::rc::Rc;

use mqplay_core::rocket::config::REFERENCE;
use mqplay_core::rocket::view::RocketView;
use mqplay_core::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Intent;
use crate::i18n::t;
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub lang: Lang,
    pub view: Rc<RocketView>,
    pub on: Callback<Msg>,
}

#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let lang = p.lang;
    let producers: Vec<String> = p.view.producers.iter().map(|x| x.name.clone()).collect();
    let mut topics: Vec<String> = p
        .view
        .brokers
        .iter()
        .flat_map(|b| b.topics.iter().filter(|t| t.kind == "user").map(|t| t.name.clone()))
        .collect();
    topics.sort();
    topics.dedup();
    let producer = use_state(|| None::<String>);
    let topic = use_state(|| None::<String>);
    let keys = use_state(|| "order-1".to_string());
    let kind = use_state(|| "normal".to_string());
    let value = use_state(String::new);
    let pick = |state: &UseStateHandle<Option<String>>, all: &[String]| {
        (**state)
            .clone()
            .filter(|x| all.contains(x))
            .or_else(|| all.first().cloned())
            .unwrap_or_default()
    };
    let (chosen_producer, chosen_topic) = (pick(&producer, &producers), pick(&topic, &topics));
    let select = |state: &UseStateHandle<Option<String>>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let on_kind = {
        let (kind, value) = (kind.clone(), value.clone());
        Callback::from(move |e: Event| {
            let k = e.target_unchecked_into::<HtmlSelectElement>().value();
            value.set(match k.as_str() {
                "delay" => "3".into(),
                "timer" => "12345".into(),
                "transaction" => "UNKNOW".into(),
                "outbox" => "COMMIT_MESSAGE".into(),
                _ => String::new(),
            });
            kind.set(k);
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_value_select = {
        let value = value.clone();
        Callback::from(move |e: Event| value.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let query_key = use_state(|| "order-1".to_string());
    let on_query = {
        let (on, query_key, topic) = (p.on.clone(), query_key.clone(), chosen_topic.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on.emit(Msg::Rocket(Intent::QueryByKey {
                topic: topic.clone(),
                key: (*query_key).clone(),
            }));
        })
    };
    // The message picked for a query by msgId: the newest sent, unless the learner chose one.
    let query_id = use_state(|| None::<u32>);
    // Only a message the producer has sent has a msgId (`setUniqID` at the first attempt).
    let with_id = || p.view.messages.iter().filter(|m| !m.msg_id.is_empty());
    let picked_id = (*query_id).or_else(|| with_id().next_back().map(|m| m.message));
    let on_query_id = {
        let on = p.on.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(m) = picked_id {
                on.emit(Msg::Rocket(Intent::QueryById(m)));
            }
        })
    };
    let on_pick_id = {
        let query_id = query_id.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            query_id.set(v.parse().ok());
        })
    };
    let on_send = {
        let (on, keys, kind, value) = (p.on.clone(), keys.clone(), kind.clone(), value.clone());
        let (producer, topic) = (chosen_producer.clone(), chosen_topic.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on.emit(Msg::Rocket(Intent::Send {
                producer: producer.clone(),
                topic: topic.clone(),
                keys: (*keys).clone(),
                kind: (*kind).clone(),
                value: (*value).clone(),
            }));
        })
    };
    let kinds = [
        ("normal", "rm.k.normal"),
        ("ordered", "rm.k.ordered"),
        ("delay", "rm.k.delay"),
        ("timer", "rm.k.timer"),
        ("transaction", "rm.k.transaction"),
        ("outbox", "rm.k.outbox"),
    ];
    html! {
        <section class="panel rm-actions" aria-labelledby="rm-act-title">
            <h2 id="rm-act-title">{ t(lang, "rm.act.title") }</h2>
            if producers.is_empty() {
                <p class="muted small">{ t(lang, "rm.act.no_producer") }</p>
            } else {
                <form class="form" onsubmit={on_send}>
                    <label>{ t(lang, "rm.producer") }
                        <select id="rm-producer" onchange={select(&producer)}>
                            { for producers.iter().map(|x| html! { <option value={x.clone()} selected={*x == chosen_producer}>{ x }</option> }) }
                        </select>
                    </label>
                    <label>{ "topic" }
                        <select id="rm-topic" onchange={select(&topic)}>
                            { for topics.iter().map(|x| html! { <option value={x.clone()} selected={*x == chosen_topic}>{ x }</option> }) }
                        </select>
                    </label>
                    <label>{ "KEYS" }
                        <input id="rm-keys" type="text" maxlength="256" value={(*keys).clone()} oninput={input(&keys)} />
                    </label>
                    <label>{ t(lang, "rm.kind") }
                        <select id="rm-kind" onchange={on_kind}>
                            { for kinds.iter().map(|(k, label)| html! { <option value={*k} selected={*kind == *k}>{ t(lang, label) }</option> }) }
                        </select>
                    </label>
                    if *kind == "delay" {
                        <label>{ "delayTimeLevel" }
                            <input id="rm-value" type="text" inputmode="numeric" value={(*value).clone()} oninput={input(&value)} />
                        </label>
                    }
                    if *kind == "timer" {
                        <label>{ "delayTimeMs" }
                            <input id="rm-value" type="text" inputmode="numeric" value={(*value).clone()} oninput={input(&value)} />
                        </label>
                    }
                    if *kind == "outbox" {
                        <label>{ t(lang, "rm.act.local_db") }
                            <select id="rm-value" onchange={on_value_select.clone()}>
                                { for ["COMMIT_MESSAGE", "ROLLBACK_MESSAGE"].iter().map(|s| html! { <option value={*s} selected={*value == *s}>{ s }</option> }) }
                            </select>
                        </label>
                    }
                    if *kind == "transaction" {
                        <label>{ "executeLocalTransaction" }
                            <select id="rm-value" onchange={on_value_select}>
                                { for ["COMMIT_MESSAGE", "ROLLBACK_MESSAGE", "UNKNOW"].iter().map(|s| html! { <option value={*s} selected={*value == *s}>{ s }</option> }) }
                            </select>
                        </label>
                    }
                    <button id="rm-send" type="submit" class="primary">{ t(lang, "rm.act.send") }</button>
                </form>
            }
            <form class="form" onsubmit={on_query} aria-label={t(lang, "rm.act.query")}>
                <label>{ t(lang, "rm.act.query_key") }
                    <input id="rm-query-key" type="text" maxlength="256" value={(*query_key).clone()} oninput={input(&query_key)} />
                </label>
                <button id="rm-query" type="submit">{ t(lang, "rm.act.query") }</button>
            </form>
            if with_id().next().is_some() {
                <form class="form" onsubmit={on_query_id} aria-label={t(lang, "rm.act.query_id")}>
                    <label>{ t(lang, "rm.act.query_id_pick") }
                        <select id="rm-query-id" onchange={on_pick_id}>
                            { for with_id().rev().take(200).map(|m| html! {
                                <option value={m.message.to_string()} selected={Some(m.message) == picked_id}>
                                    { format!("#{} {}", m.message, m.msg_id) }
                                </option>
                            }) }
                        </select>
                    </label>
                    <button id="rm-query-by-id" type="submit">{ t(lang, "rm.act.query_id") }</button>
                </form>
            }
            { crate::shell::settings::reference(lang, REFERENCE, "rm-reference", "rm.reference") }
        </section>
    }
}
