//! Things a learner can do to the cluster: produce a keyed record, add or remove a consumer, crash
//! or restart a broker. Each becomes an action in the scenario (so it replays and travels in links).
use mqplay_core::kafka::view::KafkaView;
use mqplay_core::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::Intent;
use crate::i18n::t;
use crate::shell::on_click;
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub lang: Lang,
    pub view: std::rc::Rc<KafkaView>,
    pub on: Callback<Msg>,
}

#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let lang = p.lang;
    let key = use_state(|| "order-42".to_string());
    let value = use_state(|| "created".to_string());
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| key.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_produce = {
        let (on, key, value) = (p.on.clone(), key.clone(), value.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on.emit(Msg::Kafka(Intent::Produce {
                key: (*key).clone(),
                value: (*value).clone(),
            }));
        })
    };
    let send = |m: Msg| on_click(&p.on, m);
    let brokers = p.view.brokers.iter().map(|b| {
        let (label, msg) = if b.up { (t(lang, "act.crash"), Msg::Kafka(Intent::CrashBroker(b.id))) } else { (t(lang, "act.restart"), Msg::Kafka(Intent::RestartBroker(b.id))) };
        html! {
            <button id={format!("broker-toggle-{}", b.id)} class={classes!(b.up.then_some("danger"))} onclick={send(msg)}
                aria-label={format!("{label} broker {}", b.id)}>{ format!("{label} broker {}", b.id) }</button>
        }
    });
    let consumers = p.view.consumers.iter().filter(|c| !matches!(c.phase.as_str(), "stopped" | "crashed")).map(|c| {
        html! {
            <span class="chip">
                { c.id.clone() }
                <button class="mini" onclick={send(Msg::Kafka(Intent::RemoveConsumer(c.id.clone())))}
                    aria-label={format!("{} {}", t(lang, "act.remove_consumer"), c.id)}>{ t(lang, "act.remove_consumer") }</button>
                <button class="mini danger" onclick={send(Msg::Kafka(Intent::CrashConsumer(c.id.clone())))}
                    aria-label={format!("{} {}", t(lang, "act.crash_consumer"), c.id)}>{ t(lang, "act.crash_consumer") }</button>
            </span>
        }
    });
    html! {
        <section class="panel actions" aria-labelledby="actions-title">
            <h2 id="actions-title">{ t(lang, "act.title") }</h2>
            <form class="produce" onsubmit={on_produce}>
                <label for="key-input">{ t(lang, "act.key") }</label>
                <input id="key-input" type="text" value={(*key).clone()} oninput={on_key} placeholder={t(lang, "act.key_placeholder")} maxlength="256" />
                <label for="value-input">{ t(lang, "act.value") }</label>
                <input id="value-input" type="text" value={(*value).clone()} oninput={on_value} maxlength="1024" />
                <button id="btn-produce" class="primary" type="submit">{ t(lang, "act.produce") }</button>
            </form>
            <div class="row">
                <button id="btn-add-consumer" onclick={send(Msg::Kafka(Intent::AddConsumer))}>{ "+ " }{ t(lang, "act.add_consumer") }</button>
                { for consumers }
            </div>
            <div class="row">{ for brokers }</div>
            { crate::shell::settings::reference(lang, mqplay_core::kafka::config::REFERENCE, "kafka-reference", "kafka.reference") }
        </section>
    }
}
