//! The inspector's frame: a panel with a title and a clear button; the system whose element is
//! selected fills it (`crate::kafka::inspector`, `crate::rabbit::inspector`), with the helpers
//! below.
use std::rc::Rc;

use mqplay_core::kafka::view::KafkaView;
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::t;
use crate::state::{Msg, Selection};

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub lang: Lang,
    pub kafka: Option<Rc<KafkaView>>,
    pub rabbit: Option<Rc<RabbitView>>,
    pub selected: Option<Selection>,
    pub palette: Rc<crate::kafka::palette::KeyPalette>,
    pub details: bool,
    pub on: Callback<Msg>,
}

/// A `<dt>`/`<dd>` pair: how every system's details list a fact.
pub fn row(label: &str, value: impl Into<Html>) -> Html {
    html! { <><dt>{ label.to_string() }</dt><dd>{ value.into() }</dd></> }
}

/// Items joined by commas, or a dash for none.
pub fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join(", ")
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let lang = p.lang;
    let (kafka_selected, rabbit_selected) = match &p.selected {
        Some(Selection::Kafka(s)) => (Some(s.clone()), None),
        Some(Selection::Rabbit(s)) => (None, Some(s.clone())),
        None => (None, None),
    };
    let body = match (&p.kafka, &p.rabbit) {
        (Some(view), _) if rabbit_selected.is_none() => html! {
            <crate::kafka::inspector::Details lang={lang} view={view.clone()} selected={kafka_selected}
                palette={p.palette.clone()} details={p.details} />
        },
        (_, Some(view)) => html! {
            <crate::rabbit::inspector::Details lang={lang} view={view.clone()} selected={rabbit_selected} />
        },
        _ => html! { <p class="muted">{ t(lang, "insp.hint") }</p> },
    };
    let on = p.on.clone();
    html! {
        <section class="panel inspector" aria-labelledby="insp-title">
            <h2 id="insp-title">{ t(lang, "insp.title") }
                <super::event_log::DetailsToggle lang={lang} details={p.details} on={p.on.clone()} id="insp-details" />
                if p.selected.is_some() {
                    <button class="mini" onclick={Callback::from(move |_| on.emit(Msg::Select(None)))} aria-label={t(lang, "insp.clear")}>{ super::icons::icon(super::icons::Icon::Close) }</button>
                }
            </h2>
            <div id="inspector">{ body }</div>
        </section>
    }
}
