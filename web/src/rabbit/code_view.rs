//! The code view: the scenario's RabbitMQ script as the calls a real client makes, in Python
//! (pika) or Java (amqp-client), so a learner can run the same script against a real broker.
//! The text comes from `super::code`; this component only picks the client and shows it.
use std::rc::Rc;

use mqplay_core::scenario::Action;
use mqplay_core::{Lang, Scenario};
use yew::prelude::*;

use super::code::{script, Client};
use crate::i18n::t;

#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub lang: Lang,
    pub scenario: Rc<Scenario>,
}

#[function_component(CodeView)]
pub fn code_view(p: &CodeViewProps) -> Html {
    let lang = p.lang;
    let client = use_state(|| Client::Pika);
    let text = {
        let scenario = p.scenario.clone();
        use_memo((*client, scenario), |(client, scenario)| {
            let setup = scenario.rabbitmq.as_ref().map(|r| r.setup.clone()).unwrap_or_default();
            let actions: Vec<(u64, &mqplay_core::rabbit::spec::Action)> = scenario
                .actions
                .iter()
                .filter_map(|a| match &a.action {
                    Action::Rabbitmq(r) => Some((a.at_ms, r)),
                    _ => None,
                })
                .collect();
            script(*client, &setup, &actions)
        })
    };
    let pick = |c: Client| {
        let client = client.clone();
        Callback::from(move |_: MouseEvent| client.set(c))
    };
    let pressed = |c: Client| if *client == c { "true" } else { "false" };
    html! {
        <section class="panel code-view" aria-labelledby="rq-code-title">
            <details>
                <summary><h2 id="rq-code-title">{ t(lang, "rq.code.title") }</h2></summary>
                <p class="muted small">{ t(lang, "rq.code.hint") }</p>
                <div class="row" role="group" aria-label={t(lang, "rq.code.client")}>
                    <button id="rq-code-pika" aria-pressed={pressed(Client::Pika)} onclick={pick(Client::Pika)}>{ "Python (pika)" }</button>
                    <button id="rq-code-java" aria-pressed={pressed(Client::Java)} onclick={pick(Client::Java)}>{ "Java (amqp-client)" }</button>
                </div>
                <pre id="rq-code" class="code" tabindex="0" aria-label={t(lang, "rq.code.title")}><code>{ (*text).clone() }</code></pre>
            </details>
        </section>
    }
}
