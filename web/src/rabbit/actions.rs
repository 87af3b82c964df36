//! What a learner can do to the broker: publish a message to an exchange with a routing key
//! (persistent or not, mandatory or not), fetch one with basic.get, ack everything a channel
//! holds, restart the broker. Each becomes a line of the scenario's AMQP script, so it replays
//! and travels in links.
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Intent;
use crate::i18n::{t, t1};
use crate::shell::on_click;
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub lang: Lang,
    pub view: std::rc::Rc<RabbitView>,
    pub on: Callback<Msg>,
}

#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let lang = p.lang;
    let exchanges = super::publishable(&p.view);
    let exchange = use_state(|| None::<String>);
    let routing_key = use_state(String::new);
    let body = use_state(|| "hello".to_string());
    let persistent = use_state(|| true);
    let mandatory = use_state(|| false);
    let get_queue = use_state(|| None::<String>);
    let chosen_exchange = (*exchange)
        .clone()
        .filter(|x| exchanges.contains(x))
        .or_else(|| exchanges.first().cloned())
        .unwrap_or_default();
    let queues: Vec<String> = p.view.queues.iter().map(|q| q.name.clone()).collect();
    let chosen_queue = (*get_queue)
        .clone()
        .filter(|q| queues.contains(q))
        .or_else(|| queues.first().cloned());

    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let toggle = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_exchange = {
        let exchange = exchange.clone();
        Callback::from(move |e: Event| exchange.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let on_get_queue = {
        let get_queue = get_queue.clone();
        Callback::from(move |e: Event| get_queue.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let on_publish = {
        let on = p.on.clone();
        let (routing_key, body, persistent, mandatory, chosen) = (
            routing_key.clone(),
            body.clone(),
            persistent.clone(),
            mandatory.clone(),
            chosen_exchange.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on.emit(Msg::Rabbit(Intent::Publish {
                exchange: chosen.clone(),
                routing_key: (*routing_key).clone(),
                body: (*body).clone(),
                persistent: *persistent,
                mandatory: *mandatory,
            }));
        })
    };
    let on_get = {
        let on = p.on.clone();
        let queue = chosen_queue.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(queue) = queue.clone() {
                on.emit(Msg::Rabbit(Intent::Get { queue }));
            }
        })
    };
    let exchange_options = exchanges.iter().map(|x| {
        let label = if x.is_empty() {
            t(lang, "rq.default_exchange").to_string()
        } else {
            x.clone()
        };
        html! { <option value={x.clone()} selected={*x == chosen_exchange}>{ label }</option> }
    });
    let queue_options = queues.iter().map(
        |q| html! { <option value={q.clone()} selected={Some(q) == chosen_queue.as_ref()}>{ q.clone() }</option> },
    );
    let ack_buttons = p.view.connections.iter().flat_map(|c| {
        c.channels.iter().filter(|ch| ch.unacked > 0).map(move |ch| (c.name.clone(), ch.number))
    }).map(|(connection, channel)| {
        let where_ = format!("{connection}/ch{channel}");
        html! {
            <button class="mini" onclick={on_click(&p.on, Msg::Rabbit(Intent::AckAll { connection, channel }))}>{ t1(lang, "rq.act.ack_all", where_) }</button>
        }
    });
    html! {
        <section class="panel actions" aria-labelledby="rq-actions-title">
            <h2 id="rq-actions-title">{ t(lang, "rq.act.title") }</h2>
            <form class="produce" onsubmit={on_publish}>
                <label for="rq-exchange">{ t(lang, "rq.act.exchange") }</label>
                <select id="rq-exchange" onchange={on_exchange}>{ for exchange_options }</select>
                <label for="rq-key">{ t(lang, "rq.act.routing_key") }</label>
                <input id="rq-key" type="text" value={(*routing_key).clone()} oninput={text_input(&routing_key)} maxlength="255" />
                <label for="rq-body">{ t(lang, "rq.act.body") }</label>
                <input id="rq-body" type="text" value={(*body).clone()} oninput={text_input(&body)} maxlength="4096" />
                <label class="check"><input id="rq-persistent" type="checkbox" checked={*persistent} onchange={toggle(&persistent)} />{ t(lang, "rq.act.persistent") }</label>
                <label class="check"><input id="rq-mandatory" type="checkbox" checked={*mandatory} onchange={toggle(&mandatory)} />{ t(lang, "rq.act.mandatory") }</label>
                <button id="btn-publish" class="primary" type="submit">{ t(lang, "rq.act.publish") }</button>
            </form>
            if !queues.is_empty() {
                <form class="produce" onsubmit={on_get}>
                    <label for="rq-get-queue">{ t(lang, "rq.act.get") }</label>
                    <select id="rq-get-queue" onchange={on_get_queue}>{ for queue_options }</select>
                    <button id="btn-get" type="submit">{ t(lang, "rq.act.get_button") }</button>
                </form>
            }
            <div class="row">
                { for ack_buttons }
                <button id="btn-restart" class="danger" onclick={on_click(&p.on, Msg::Rabbit(Intent::Restart))}>{ t(lang, "rq.act.restart") }</button>
            </div>
        </section>
    }
}
