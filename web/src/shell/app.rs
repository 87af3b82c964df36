//! The page: owns the store, the playback timer and the keyboard shortcuts, and lays out panels.
use gloo_timers::callback::Interval;
use mqplay_core::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::controls::Controls;
use super::dialog::Dialog;
use super::event_log::EventLog;
use super::help::Help;
use super::inspector::Inspector;
use super::lesson_panel::LessonPanel;
use super::on_click;
use super::progress::Progress;
use super::scenario_io::{Errors, ScenarioIo};
use super::sidebar::Sidebar;
use crate::browser;
use crate::i18n::t;
use crate::kafka::actions::Actions;
use crate::kafka::diagram::Diagram;
use crate::state::{dwell_ms, Confirm, Mode, Msg, Selection, Store};

/// Real milliseconds between playback ticks (about 30 a second).
const FRAME_MS: u32 = 33;
use mqplay_core::share as codec;

/// The store as the page starts: a scenario from the link if it carries a valid one, else the
/// default scenario and the reasons the link's was refused.
pub fn initial_store() -> Store {
    let lang = browser::initial_lang();
    match codec::parse_fragment(&browser::fragment()) {
        Ok(Some(shared)) => Store::new(shared.scenario, shared.step, lang).free_play(),
        // The home page opens calm: the default scenario, paused, until the learner acts.
        Ok(None) => Store::new(mqplay_core::catalog::default_scenario(), 0, lang),
        Err(errors) => {
            Store::new(mqplay_core::catalog::default_scenario(), 0, lang).with_errors(errors, "scn.url_invalid")
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(initial_store);
    let on: Callback<Msg> = {
        let store = store.clone();
        Callback::from(move |m: Msg| store.dispatch(m))
    };

    // Playback: while playing, a tick every frame tells the store how much real time passed; the
    // store turns it into virtual time at the chosen speed.
    {
        let (on, playing) = (on.clone(), store.playing);
        use_effect_with(playing, move |&playing| {
            let interval = playing.then(|| {
                let last = std::rc::Rc::new(std::cell::Cell::new(browser::now_ms()));
                Interval::new(FRAME_MS, move || {
                    let now = browser::now_ms();
                    on.emit(Msg::Tick(now - last.replace(now)));
                })
            });
            move || drop(interval)
        });
    }

    // The help overlay and the layout the width asks for are page state, not simulation state.
    let help_open = use_state(|| false);
    let compact = use_state(browser::is_compact);
    {
        let compact = compact.clone();
        use_effect_with((), move |_| {
            let listener = listen_window("resize", move |_| compact.set(browser::is_compact()));
            move || drop(listener)
        });
    }
    let reduced_motion = use_state(browser::prefers_reduced_motion);

    // Keyboard: the page's shortcuts (listed in the `?` overlay), unless typing in a field.
    {
        let (on, help_open) = (on.clone(), help_open.clone());
        let in_lesson = store.lesson.is_some();
        let step_playing = store.step_play.is_some_and(|p| !p.done);
        let lesson_step = store.lesson.map(|p| p.step);
        use_effect_with(
            (in_lesson, step_playing, lesson_step),
            move |&(in_lesson, step_playing, lesson_step)| {
                let listener = listen_document(move |e: web_sys::KeyboardEvent| {
                    // Fields keep their keys (typing, moving the scrubber); a focused button keeps
                    // Space and Enter, which press it; a widget that handled a key said so.
                    let target = browser::event_element(&e);
                    let tag = target.as_ref().map(|el| el.tag_name());
                    let field = matches!(tag.as_deref(), Some("INPUT" | "TEXTAREA" | "SELECT"));
                    let role = target.as_ref().and_then(|el| el.get_attribute("role"));
                    let acts_as_button = tag.as_deref() == Some("BUTTON") || role.as_deref() == Some("button");
                    let button_space = acts_as_button && (e.key() == " " || e.key() == "Enter");
                    if e.default_prevented() || field || button_space || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let msg = match e.key().as_str() {
                        " " => Msg::TogglePlay,
                        // In a lesson the arrows turn its pages, as n and p do; the Step
                        // buttons still move the timeline one event.
                        "n" | "ArrowRight" if in_lesson && step_playing => Msg::LessonSkip,
                        "n" | "ArrowRight" if in_lesson => Msg::LessonGo(lesson_step.unwrap_or(0) + 1),
                        "p" | "ArrowLeft" if in_lesson => Msg::LessonGo(lesson_step.unwrap_or(0).saturating_sub(1)),
                        "ArrowRight" => Msg::StepForward,
                        "ArrowLeft" => Msg::StepBack,
                        "d" => Msg::ToggleDetails,
                        "r" if in_lesson => Msg::LessonReplay,
                        "?" => {
                            e.prevent_default();
                            help_open.set(true);
                            return;
                        }
                        _ => return,
                    };
                    e.prevent_default();
                    on.emit(msg);
                });
                move || drop(listener)
            },
        );
    }

    // Long work goes on one frame at a time while a job is pending; each frame is a new revision.
    {
        let (on, working, revision) = (on.clone(), store.job.is_some(), store.revision);
        use_effect_with((working, revision), move |&(working, _)| {
            let next = working.then(|| gloo_timers::callback::Timeout::new(0, move || on.emit(Msg::Work)));
            move || drop(next)
        });
    }

    {
        let lang = store.lang;
        use_effect_with(lang, move |lang| browser::store_lang(*lang));
    }

    // Colour scheme: the system's until the learner toggles; the choice is remembered.
    let theme = use_state(browser::stored_theme);
    {
        let chosen = *theme;
        use_effect_with(chosen, move |chosen| browser::apply_theme(*chosen));
    }
    let dark = theme.map_or_else(browser::showing_dark, |t| t == browser::Theme::Dark);
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            theme.set(Some(if browser::showing_dark() {
                browser::Theme::Light
            } else {
                browser::Theme::Dark
            }))
        })
    };

    let confirm_no = on.reform(|_: ()| Msg::Confirmed(false));
    let lang = store.lang;
    let toggle_lang = {
        let on = on.clone();
        let next = if lang == Lang::En { Lang::Zh } else { Lang::En };
        Callback::from(move |_: MouseEvent| on.emit(Msg::SetLang(next)))
    };
    let lesson = store.lesson().map(|(l, pos)| (l.clone(), pos));
    let highlight: Vec<String> = lesson
        .as_ref()
        .and_then(|(l, pos)| l.steps.get(pos.step))
        .map(|s| s.highlight.clone())
        .unwrap_or_default();
    let welcome = store.mode == Mode::Home;
    let sidebar = html! {
        <Sidebar lang={lang} lessons={store.lessons.clone()} current={store.lesson} resume={store.resume} welcome={welcome} on={on.clone()} />
    };
    let kafka_selected = match &store.selected {
        Some(Selection::Kafka(s)) => Some(s.clone()),
        _ => None,
    };
    let rabbit_selected = match &store.selected {
        Some(Selection::Rabbit(s)) => Some(s.clone()),
        _ => None,
    };
    let title = store
        .scenario
        .title
        .as_ref()
        .map(|t| crate::i18n::pick(lang, t).to_string());
    // The element that acted in the newest line, while things move.
    let acting = store.playing.then(|| store.latest().map(|r| r.node.clone())).flatten();
    let motion_ms = dwell_ms(store.speed_factor()).clamp(150.0, 700.0) as u32;
    let close_help = {
        let help_open = help_open.clone();
        Callback::from(move |_: ()| help_open.set(false))
    };
    let open_help = {
        let help_open = help_open.clone();
        Callback::from(move |_: MouseEvent| help_open.set(true))
    };

    html! {
        <div class={classes!("app", if lang == Lang::Zh { "zh" } else { "en" }, (*compact).then_some("compact"))}>
            <header class="topbar">
                <h1 class="brand"><span class="logo">{ super::icons::icon(super::icons::Icon::Logo) }</span>{ "mqplay" }</h1>
                if let Some(title) = title { <div class="scenario-title">{ title }</div> }
                <ScenarioIo lang={lang} scenario={store.scenario.clone()} steps={store.steps()} on={on.clone()} />
                <button id="help-toggle" onclick={open_help} aria-label={t(lang, "help.title")} title="?">
                    { super::icons::icon(super::icons::Icon::Help) }
                </button>
                <button id="theme-toggle" onclick={toggle_theme}
                    aria-label={if dark { t(lang, "theme.to_light") } else { t(lang, "theme.to_dark") }}
                    title={if dark { t(lang, "theme.to_light") } else { t(lang, "theme.to_dark") }}>
                    { super::icons::icon(if dark { super::icons::Icon::Sun } else { super::icons::Icon::Moon }) }
                </button>
                <button id="lang-toggle" class="lang" onclick={toggle_lang} aria-label={t(lang, "lang.toggle_label")}>{ t(lang, "lang.toggle") }</button>
            </header>
            <Errors lang={lang} intro={store.error_intro} errors={store.errors.clone()} on={on.clone()} />
            // DOM order is the tab order: diagram, controls, lesson, actions, inspector, then the
            // log; the grid places the log under the controls on a wide screen.
            <main class="layout">
                if let Some(kafka) = store.kafka.clone() {
                    <section class="panel diagram-panel" aria-label={t(lang, "diag.title")}>
                        <Diagram view={kafka} lang={lang} selected={kafka_selected} highlight={highlight.clone()} acting={acting.clone()}
                            palette={store.palette.clone()} compact={*compact} log={store.log.clone()} fresh_from={store.fresh_from}
                            motion_ms={motion_ms} reduced_motion={*reduced_motion} on={on.clone()} />
                    </section>
                }
                if let Some(rabbit) = store.rabbit.clone() {
                    <section class="panel diagram-panel" aria-label={t(lang, "rq.broker")}>
                        <crate::rabbit::diagram::Diagram view={rabbit} lang={lang} selected={rabbit_selected.clone()} highlight={highlight.clone()}
                            acting={acting.clone()} now_ms={store.view.now_ms} compact={*compact} log={store.log.clone()} fresh_from={store.fresh_from}
                            motion_ms={motion_ms} reduced_motion={*reduced_motion} on={on.clone()} />
                    </section>
                }
                if let Some(rocket) = store.rocket.clone() {
                    <section class="panel diagram-panel rocket-panel" aria-label={t(lang, "rm.title")}>
                        <crate::rocket::cluster::Cluster view={rocket.clone()} lang={lang} now_ms={store.view.now_ms} on={on.clone()} />
                        <crate::rocket::sequence::Sequence view={rocket.clone()} lang={lang} />
                        <crate::rocket::messages::Messages view={rocket} lang={lang} />
                    </section>
                }
                if let Some(delay) = store.delay.clone() {
                    <section class="panel diagram-panel delay-panel" aria-label={t(lang, "dl.title")}>
                        <crate::delay::dial::Dials view={delay} lang={lang} log={store.log.clone()} fresh_from={store.fresh_from}
                            reduced_motion={*reduced_motion} now_ms={store.view.now_ms} on={on.clone()} />
                    </section>
                }
                <div class="stage-controls">
                    <Controls lang={lang} playing={store.playing} finished={store.view.finished} speed={store.speed}
                        steps={store.steps()} horizon={store.horizon} now_ms={store.view.now_ms} on={on.clone()} />
                    <Progress lang={lang} job={store.job} steps={store.steps()} now_ms={store.view.now_ms}
                        duration_ms={store.view.duration_ms} max_steps={store.view.work_limit} on={on.clone()} />
                    if let Some(halted) = store.view.halted.clone() {
                        <p class="halted" role="alert" id="halted">{ format!("{} {halted}", t(lang, "ctl.halted")) }</p>
                    }
                    <p class="muted small keys">{ t(lang, "ctl.keys") }</p>
                </div>
                <aside class="side">
                    if let Some((lesson, pos)) = lesson {
                        <LessonPanel lang={lang} lesson={lesson} pos={pos} outcome={store.lesson_outcome()} check={store.lesson_check()} compare={store.lesson_compare()}
                            step_play={store.step_play} playing={store.playing} steps={store.steps()} latest={store.latest().cloned()}
                            speed={store.speed} on={on.clone()} />
                    } else {
                        { sidebar.clone() }
                    }
                    if let Some(kafka) = store.kafka.clone() {
                        <Actions lang={lang} view={kafka.clone()} on={on.clone()} />
                        <crate::kafka::lab::AssignorLab lang={lang} view={kafka} outcome={store.kafka_lab.clone()} on={on.clone()} />
                    }
                    if let Some(rabbit) = store.rabbit.clone() {
                        <crate::rabbit::actions::Actions lang={lang} view={rabbit.clone()} on={on.clone()} />
                        <crate::rabbit::tester::Tester lang={lang} view={rabbit} trial={store.rabbit_trial.clone()} on={on.clone()} />
                        <crate::rabbit::code_view::CodeView lang={lang} scenario={store.scenario.clone()} />
                    }
                    if let Some(delay) = store.delay.clone() {
                        <crate::delay::actions::Actions lang={lang} view={delay} on={on.clone()} />
                    }
                    if let Some(rocket) = store.rocket.clone() {
                        <crate::rocket::actions::Actions lang={lang} view={rocket} on={on.clone()} />
                    }
                    <Inspector lang={lang} kafka={store.kafka.clone()} rabbit={store.rabbit.clone()} selected={store.selected.clone()}
                        palette={store.palette.clone()} details={store.details} on={on.clone()} />
                    if store.lesson.is_some() { { sidebar } }
                </aside>
                <div class="stage-log">
                    <EventLog lang={lang} entries={store.log.clone()} skipped={store.log_skipped} current_step={store.steps()}
                        details={store.details} on={on.clone()} />
                </div>
            </main>
            if *help_open {
                <Help lang={lang} on_close={close_help} />
            }
            if store.confirm == Some(Confirm::FreePlay) {
                <Dialog id="confirm" title={t(lang, "confirm.free_play_title")} on_close={confirm_no}
                    initial_focus={Some(AttrValue::from("#confirm-no"))}>
                    <p>{ t(lang, "confirm.free_play") }</p>
                    <div class="row">
                        <button id="confirm-yes" class="danger" onclick={on_click(&on, Msg::Confirmed(true))}>{ t(lang, "confirm.discard") }</button>
                        <button id="confirm-no" class="primary" onclick={on_click(&on, Msg::Confirmed(false))}>{ t(lang, "confirm.keep") }</button>
                    </div>
                </Dialog>
            }
        </div>
    }
}

/// A keydown listener on the document, removed when the returned guard drops.
fn listen_document(f: impl Fn(web_sys::KeyboardEvent) + 'static) -> Option<Listener> {
    let target: web_sys::EventTarget = web_sys::window()?.document()?.into();
    let closure = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        if let Ok(k) = e.dyn_into::<web_sys::KeyboardEvent>() {
            f(k);
        }
    });
    target
        .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener {
        target,
        event: "keydown",
        closure,
    })
}

/// A listener on the window (resize), removed when the returned guard drops.
fn listen_window(event: &'static str, f: impl Fn(web_sys::Event) + 'static) -> Option<Listener> {
    let target: web_sys::EventTarget = web_sys::window()?.into();
    let closure = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(f);
    target
        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener { target, event, closure })
}

pub struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    closure: wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}
