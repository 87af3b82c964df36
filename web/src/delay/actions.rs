//! What a learner can do to a timer: add a task with a delay (now, at the page's clock) or
//! cancel a waiting one. Each becomes an action of the scenario, so it replays and travels in
//! links.
use std::rc::Rc;

use mqplay_core::delay::view::DelayView;
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
    pub view: Rc<DelayView>,
    pub on: Callback<Msg>,
}

#[function_component(Actions)]
pub fn actions(p: &ActionsProps) -> Html {
    let lang = p.lang;
    let wheels: Vec<String> = p.view.wheels.iter().map(|w| w.name.clone()).collect();
    let wheel = use_state(|| None::<String>);
    let task = use_state(|| if p.view.wheels.is_empty() { "order-1" } else { "task-1" }.to_string());
    let delay = use_state(|| "250".to_string());
    let chosen = (*wheel)
        .clone()
        .filter(|w| wheels.contains(w))
        .or_else(|| wheels.first().cloned())
        .unwrap_or_default();
    let on_wheel = {
        let wheel = wheel.clone();
        Callback::from(move |e: Event| wheel.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    // With no wheel, the form ZADDs to the Redis delay queue instead.
    let zadd = wheels.is_empty() && p.view.redis.is_some();
    let on_add = {
        let (on, task, delay, chosen) = (p.on.clone(), task.clone(), delay.clone(), chosen.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on.emit(Msg::Delay(if zadd {
                Intent::Zadd {
                    member: (*task).clone(),
                    delay_ms: (*delay).clone(),
                }
            } else {
                Intent::Add {
                    wheel: chosen.clone(),
                    task: (*task).clone(),
                    delay_ms: (*delay).clone(),
                }
            }));
            // The next task gets the next number, so a second click is not refused as a duplicate.
            task.set(next_name(&task));
        })
    };
    let waiting: Vec<(String, String)> = p
        .view
        .tasks
        .iter()
        .filter(|t| t.state == "waiting")
        .take(8)
        .map(|t| (t.wheel.clone(), t.name.clone()))
        .collect();
    html! {
        <section class="panel delay-actions" aria-labelledby="dl-act-title">
            <h2 id="dl-act-title">{ t(lang, if zadd { "dl.act.zadd_title" } else { "dl.act.title" }) }</h2>
            <form class="form" onsubmit={on_add}>
                if !zadd {
                    <label>{ t(lang, "dl.act.wheel") }
                        <select id="dl-wheel" onchange={on_wheel}>
                            { for wheels.iter().map(|w| html! { <option value={w.clone()} selected={*w == chosen}>{ w }</option> }) }
                        </select>
                    </label>
                }
                <label>{ t(lang, if zadd { "dl.redis.member" } else { "dl.act.task" }) }
                    <input id="dl-task" type="text" maxlength="64" value={(*task).clone()} oninput={input(&task)} />
                </label>
                <label>{ t(lang, "dl.act.delay") }
                    <input id="dl-delay" type="text" inputmode="numeric" value={(*delay).clone()} oninput={input(&delay)} />
                </label>
                <button id="dl-add" type="submit" class="primary">{ if zadd { "ZADD" } else { t(lang, "dl.act.add") } }</button>
            </form>
            if !waiting.is_empty() {
                <div class="row wrap">
                    { for waiting.into_iter().map(|(wheel, task)| html! {
                        <button class="small" onclick={on_click(&p.on, Msg::Delay(Intent::Cancel { wheel: wheel.clone(), task: task.clone() }))}>
                            { t1(lang, "dl.act.cancel", format!("{wheel}/{task}")) }
                        </button>
                    }) }
                </div>
            }
        </section>
    }
}

/// `task-1` → `task-2`; a name without a number gets `-2`.
fn next_name(name: &str) -> String {
    match name.rsplit_once('-') {
        Some((stem, n)) if n.parse::<u64>().is_ok() => format!("{stem}-{}", n.parse::<u64>().unwrap_or(0) + 1),
        _ => format!("{name}-2"),
    }
}
