//! The page: owns the store, the playback timer and the keyboard shortcuts, and lays out panels.
use gloo_timers::callback::Interval;
use mqplay_core::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::controls::Controls;
use super::event_log::EventLog;
use super::inspector::Inspector;
use super::lesson_panel::LessonPanel;
use super::progress::Progress;
use super::scenario_io::{Errors, ScenarioIo};
use super::sidebar::Sidebar;
use crate::browser;
use crate::i18n::t;
use crate::kafka::actions::Actions;
use crate::kafka::diagram::Diagram;
use crate::state::{Msg, Selection, Store, SPEEDS};
use mqplay_core::share as codec;

/// The store as the page starts: a scenario from the link if it carries a valid one, else the
/// default scenario and the reasons the link's was refused.
pub fn initial_store() -> Store {
    let lang = browser::initial_lang();
    match codec::parse_fragment(&browser::fragment()) {
        Ok(Some(shared)) => Store::new(shared.scenario, shared.step, lang),
        // The home page opens on the default scenario, already playing.
        Ok(None) => Store::new(mqplay_core::catalog::default_scenario(), 0, lang).playing(),
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

    // Playback: while playing, one step per tick at the chosen speed.
    {
        let (on, playing, speed) = (on.clone(), store.playing, store.speed);
        use_effect_with((playing, speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                let per_second = SPEEDS.get(speed).map_or(2, |s| s.0);
                Interval::new(1000 / per_second, move || on.emit(Msg::Tick))
            });
            move || drop(interval)
        });
    }

    // Keyboard: space play/pause, arrows step, unless typing in a field.
    {
        let on = on.clone();
        use_effect_with((), move |_| {
            let listener = gloo_keydown(move |e: web_sys::KeyboardEvent| {
                // Fields keep their keys (typing, moving the scrubber); a focused button keeps
                // Space, which presses it, but arrows do nothing there, so they still step.
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let tag = target.as_ref().map(|el| el.tag_name());
                let field = matches!(tag.as_deref(), Some("INPUT" | "TEXTAREA" | "SELECT"));
                let role = target.as_ref().and_then(|el| el.get_attribute("role"));
                let acts_as_button = tag.as_deref() == Some("BUTTON") || role.as_deref() == Some("button");
                let button_space = acts_as_button && e.key() == " ";
                if field || button_space || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let msg = match e.key().as_str() {
                    " " => Msg::TogglePlay,
                    "ArrowRight" => Msg::StepForward,
                    "ArrowLeft" => Msg::StepBack,
                    _ => return,
                };
                e.prevent_default();
                on.emit(msg);
            });
            move || drop(listener)
        });
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
    let dark = theme.map_or_else(browser::system_prefers_dark, |t| t == browser::Theme::Dark);
    let toggle_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            theme.set(Some(if dark {
                browser::Theme::Light
            } else {
                browser::Theme::Dark
            }))
        })
    };

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
    let sidebar = html! {
        <Sidebar lang={lang} lessons={store.lessons.clone()} current={store.lesson} resume={store.resume} on={on.clone()} />
    };
    let kafka_selected = store.selected.as_ref().map(|Selection::Kafka(s)| s.clone());
    let title = store
        .scenario
        .title
        .as_ref()
        .map(|t| crate::i18n::pick(lang, t).to_string());

    html! {
        <div class={classes!("app", if lang == Lang::Zh { "zh" } else { "en" })}>
            <header class="topbar">
                <div class="brand"><span class="logo">{ super::icons::icon(super::icons::Icon::Logo) }</span>{ "mqplay" }</div>
                if let Some(title) = title { <div class="scenario-title">{ title }</div> }
                <ScenarioIo lang={lang} scenario={store.scenario.clone()} steps={store.steps()} on={on.clone()} />
                <button id="theme-toggle" onclick={toggle_theme}
                    aria-label={if dark { t(lang, "theme.to_light") } else { t(lang, "theme.to_dark") }}
                    title={if dark { t(lang, "theme.to_light") } else { t(lang, "theme.to_dark") }}>
                    { super::icons::icon(if dark { super::icons::Icon::Sun } else { super::icons::Icon::Moon }) }
                </button>
                <button id="lang-toggle" class="lang" onclick={toggle_lang} aria-label={t(lang, "lang.toggle_label")}>{ t(lang, "lang.toggle") }</button>
            </header>
            <Errors lang={lang} intro={store.error_intro} errors={store.errors.clone()} on={on.clone()} />
            <main class="layout">
                <div class="stage">
                    if let Some(kafka) = store.kafka.clone() {
                        <section class="panel diagram-panel" aria-label={t(lang, "diag.title")}>
                            <Diagram view={kafka} lang={lang} selected={kafka_selected} highlight={highlight} on={on.clone()} />
                        </section>
                    }
                    <Controls lang={lang} playing={store.playing} finished={store.view.finished} speed={store.speed}
                        steps={store.steps()} horizon={store.horizon} now_ms={store.view.now_ms} on={on.clone()} />
                    <Progress lang={lang} job={store.job} steps={store.steps()} now_ms={store.view.now_ms}
                        duration_ms={store.view.duration_ms} max_steps={store.view.work_limit} on={on.clone()} />
                    if let Some(halted) = store.view.halted.clone() {
                        <p class="halted" role="alert" id="halted">{ format!("{} {halted}", t(lang, "ctl.halted")) }</p>
                    }
                    <p class="muted small keys">{ t(lang, "ctl.keys") }</p>
                    <EventLog lang={lang} entries={store.log.clone()} skipped={store.log_skipped} current_step={store.steps()} on={on.clone()} />
                </div>
                <aside class="side">
                    if let Some((lesson, pos)) = lesson {
                        <LessonPanel lang={lang} lesson={lesson} pos={pos} outcome={store.lesson_outcome()} check={store.lesson_check()} on={on.clone()} />
                    } else {
                        { sidebar.clone() }
                    }
                    if let Some(kafka) = store.kafka.clone() {
                        <Actions lang={lang} view={kafka} on={on.clone()} />
                    }
                    <Inspector lang={lang} kafka={store.kafka.clone()} selected={store.selected.clone()} on={on.clone()} />
                    if store.lesson.is_some() { { sidebar } }
                </aside>
            </main>
        </div>
    }
}

/// A keydown listener on the document, removed when the returned guard drops.
fn gloo_keydown(f: impl Fn(web_sys::KeyboardEvent) + 'static) -> Option<KeyListener> {
    let doc = web_sys::window()?.document()?;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(f);
    doc.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(KeyListener { doc, closure })
}

pub struct KeyListener {
    doc: web_sys::Document,
    closure: wasm_bindgen::closure::Closure<dyn Fn(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        let _ = self
            .doc
            .remove_event_listener_with_callback("keydown", self.closure.as_ref().unchecked_ref());
    }
}
