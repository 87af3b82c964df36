//! Playback: play/pause, step back/forward, speed, reset and a timeline scrubber over steps.
use mqplay_core::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::icons::{icon, Icon};
use super::on_click;
use crate::i18n::t;
use crate::state::{Msg, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub lang: Lang,
    pub playing: bool,
    pub finished: bool,
    pub speed: usize,
    pub steps: u64,
    pub horizon: u64,
    pub now_ms: u64,
    pub on: Callback<Msg>,
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let lang = p.lang;
    let send = |m: Msg| on_click(&p.on, m);
    let on_speed = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let i = e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index();
            on.emit(Msg::SetSpeed(i.max(0) as usize));
        })
    };
    let on_scrub = {
        let on = p.on.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e.target_unchecked_into::<HtmlInputElement>().value().parse::<u64>() {
                on.emit(Msg::Seek(v));
            }
        })
    };
    let max = p.horizon.max(p.steps).max(1);
    html! {
        <div class="controls" role="toolbar" aria-label={t(lang, "ctl.timeline")}>
            <button id="btn-back" onclick={send(Msg::StepBack)} aria-label={t(lang, "ctl.step_back")} title="←">{ icon(Icon::StepBack) }<span>{ t(lang, "ctl.step_back") }</span></button>
            <button id="btn-play" class="primary" onclick={send(Msg::TogglePlay)} aria-disabled={(p.finished && !p.playing).then_some("true")}
                aria-label={if p.playing { t(lang, "ctl.pause") } else { t(lang, "ctl.play") }} title="space">
                if p.playing { { icon(Icon::Pause) }<span>{ t(lang, "ctl.pause") }</span> } else { { icon(Icon::Play) }<span>{ t(lang, "ctl.play") }</span> }
            </button>
            <button id="btn-step" onclick={send(Msg::StepForward)} aria-disabled={p.finished.then_some("true")} aria-label={t(lang, "ctl.step")} title="→"><span>{ t(lang, "ctl.step") }</span>{ icon(Icon::StepForward) }</button>
            <label class="speed" title={t(lang, "help.speed")}>{ t(lang, "ctl.speed") }
                <select id="speed" onchange={on_speed}>
                    { for SPEEDS.iter().enumerate().map(|(i, (_, label))| html! { <option selected={i == p.speed}>{ *label }</option> }) }
                </select>
            </label>
            <button id="btn-reset" onclick={send(Msg::Reset)} aria-label={t(lang, "ctl.reset")}>{ icon(Icon::Reset) }<span>{ t(lang, "ctl.reset") }</span></button>
            <input id="scrubber" class="scrubber" type="range" min="0" max={max.to_string()} value={p.steps.to_string()}
                oninput={on_scrub} aria-label={t(lang, "ctl.timeline")} />
            <span class="clock" id="clock">
                { format!("t = {:.3} s · {} {}", p.now_ms as f64 / 1000.0, t(lang, "ctl.steps"), p.steps) }
                if p.finished { <span class="finished">{ " · " }{ t(lang, "ctl.finished") }</span> }
            </span>
        </div>
    }
}
