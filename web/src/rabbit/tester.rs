//! The pattern tester: type a routing key (and headers) for an exchange and see, binding by
//! binding, whether it matches and why — word by word for topic keys, argument by argument for
//! headers — and which queues a publish would reach. Nothing is published: the store asks the
//! core's routing walk (`mqplay_core::rabbit::explain`) and this component shows its answer.
use std::rc::Rc;

use mqplay_core::rabbit::explain::RouteTrial;
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Intent;
use crate::i18n::{pick, t};
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct TesterProps {
    pub lang: Lang,
    pub view: Rc<RabbitView>,
    pub trial: Option<Rc<RouteTrial>>,
    pub on: Callback<Msg>,
}

#[function_component(Tester)]
pub fn tester(p: &TesterProps) -> Html {
    let lang = p.lang;
    let exchanges = super::publishable(&p.view);
    let exchange = use_state(|| None::<String>);
    let key = use_state(String::new);
    let headers = use_state(String::new);
    let chosen = (*exchange)
        .clone()
        .filter(|x| exchanges.contains(x))
        .or_else(|| exchanges.first().cloned())
        .unwrap_or_default();
    let ask = {
        let on = p.on.clone();
        move |exchange: String, routing_key: String, headers: String| {
            on.emit(Msg::Rabbit(Intent::Try {
                exchange,
                routing_key,
                headers,
            }))
        }
    };
    let on_exchange = {
        let (exchange, key, headers, ask) = (exchange.clone(), key.clone(), headers.clone(), ask.clone());
        Callback::from(move |e: Event| {
            let x = e.target_unchecked_into::<HtmlSelectElement>().value();
            exchange.set(Some(x.clone()));
            ask(x, (*key).clone(), (*headers).clone());
        })
    };
    let on_key = {
        let (key, headers, chosen, ask) = (key.clone(), headers.clone(), chosen.clone(), ask.clone());
        Callback::from(move |e: InputEvent| {
            let k = e.target_unchecked_into::<HtmlInputElement>().value();
            key.set(k.clone());
            ask(chosen.clone(), k, (*headers).clone());
        })
    };
    let on_headers = {
        let (key, headers, chosen, ask) = (key.clone(), headers.clone(), chosen.clone(), ask.clone());
        Callback::from(move |e: InputEvent| {
            let h = e.target_unchecked_into::<HtmlInputElement>().value();
            headers.set(h.clone());
            ask(chosen.clone(), (*key).clone(), h);
        })
    };
    let options = exchanges.iter().map(|x| {
        let label = if x.is_empty() {
            t(lang, "rq.default_exchange").to_string()
        } else {
            x.clone()
        };
        html! { <option value={x.clone()} selected={*x == chosen}>{ label }</option> }
    });
    let result = p.trial.as_ref().map(|trial| {
        if let Some(e) = &trial.error {
            return html! { <p class="bad" role="status">{ e.clone() }</p> };
        }
        let exchanges = trial.exchanges.iter().map(|x| {
            let rows = x.bindings.iter().map(|b| {
                html! {
                    <li class={classes!(if b.matched { "ok" } else { "no" })}>
                        <span aria-hidden="true">{ if b.matched { "✓ " } else { "✗ " } }</span>
                        <strong>{ b.destination.clone() }</strong>{ ": " }{ pick(lang, &b.why).to_string() }
                    </li>
                }
            });
            let name = if x.name.is_empty() {
                t(lang, "rq.default_exchange").to_string()
            } else {
                x.name.clone()
            };
            html! {
                <li>
                    <strong>{ format!("{name} ({})", x.kind) }</strong>
                    <span class="muted">{ format!(" — {}", pick(lang, &x.via)) }</span>
                    <ul>{ for rows }</ul>
                </li>
            }
        });
        let reached = if trial.queues.is_empty() {
            t(lang, "rq.try.none").to_string()
        } else {
            trial.queues.join(", ")
        };
        html! {
            <div role="status">
                <ul class="rq-trial">{ for exchanges }</ul>
                <p id="rq-trial-queues"><strong>{ t(lang, "rq.try.reaches") }</strong>{ " " }{ reached }</p>
            </div>
        }
    });
    html! {
        <section class="panel actions" aria-labelledby="rq-try-title">
            <h2 id="rq-try-title">{ t(lang, "rq.try.title") }</h2>
            <div class="produce">
                <label for="rq-try-exchange">{ t(lang, "rq.act.exchange") }</label>
                <select id="rq-try-exchange" onchange={on_exchange}>{ for options }</select>
                <label for="rq-try-key">{ t(lang, "rq.act.routing_key") }</label>
                <input id="rq-try-key" type="text" value={(*key).clone()} oninput={on_key} maxlength="255" placeholder="order.eu.paid" />
                <label for="rq-try-headers">{ t(lang, "rq.try.headers") }</label>
                <input id="rq-try-headers" type="text" value={(*headers).clone()} oninput={on_headers} placeholder="format=pdf, pages=10" />
            </div>
            { for result }
        </section>
    }
}
