//! The home column: what mqplay is, the lesson list, free play.
use std::rc::Rc;

use mqplay_core::lesson::Lesson;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::{pick, t};
use crate::state::{LessonPos, Msg};

#[derive(Properties, PartialEq)]
pub struct SidebarProps {
    pub lang: Lang,
    pub lessons: Rc<Vec<Lesson>>,
    pub current: Option<LessonPos>,
    pub resume: Option<LessonPos>,
    /// The calm first screen: a welcome and where to start.
    pub welcome: bool,
    pub on: Callback<Msg>,
}

#[function_component(Sidebar)]
pub fn sidebar(p: &SidebarProps) -> Html {
    let lang = p.lang;
    let items = p.lessons.iter().enumerate().map(|(i, lesson)| {
        let on = p.on.clone();
        let active = p.current.is_some_and(|c| c.index == i);
        html! {
            <li>
                <button class={classes!("lesson-link", active.then_some("active"))} id={format!("lesson-{}", lesson.id)}
                    onclick={Callback::from(move |_| on.emit(Msg::OpenLesson(i)))} aria-current={active.then_some("true")}>
                    <span class="q">{ format!("Q{}", lesson.question) }</span>
                    <span class="lesson-title">{ pick(lang, &lesson.title).to_string() }</span>
                    <span class="lesson-summary">{ pick(lang, &lesson.summary).to_string() }</span>
                </button>
            </li>
        }
    });
    // Parsed once per page: the titles do not change.
    let titles = use_memo((), |_| {
        mqplay_core::catalog::EXAMPLE_FILES
            .iter()
            .filter_map(|(id, text)| Some((*id, *text, mqplay_core::Scenario::from_json(text).ok()?.title?)))
            .collect::<Vec<_>>()
    });
    let examples = titles.iter().map(|(id, text, title)| {
        let on = p.on.clone();
        let text = text.to_string();
        html! {
            <li>
                <button class="example-link" id={format!("example-{id}")} onclick={Callback::from(move |_| on.emit(Msg::Import(text.clone())))}>
                    { pick(lang, title).to_string() }
                </button>
            </li>
        }
    });
    let on = p.on.clone();
    let free = Callback::from(move |_| on.emit(Msg::FreePlay));
    let on = p.on.clone();
    let resume = Callback::from(move |_| on.emit(Msg::ResumeLesson));
    // The first lesson is where a newcomer starts.
    let start = p.lessons.first().map(|first| {
        let on = p.on.clone();
        let label = format!("Q{} · {}", first.question, pick(lang, &first.title));
        html! {
            <button id="btn-start-here" class="primary wide start-here" onclick={Callback::from(move |_| on.emit(Msg::OpenLesson(0)))}>
                <span class="start-label">{ t(lang, "welcome.start") }</span>
                <span class="start-lesson">{ label }</span>
                { crate::shell::icons::icon(crate::shell::icons::Icon::ArrowRight) }
            </button>
        }
    });
    html! {
        <nav class="sidebar panel" aria-labelledby="lessons-title">
            if p.welcome {
                <div class="welcome" id="welcome">
                    <h2 class="welcome-title">{ t(lang, "welcome.title") }</h2>
                    <p>{ t(lang, "welcome.body") }</p>
                    { for start }
                    <p class="muted small">{ t(lang, "welcome.paused") }</p>
                </div>
            } else {
                <p class="tagline">{ t(lang, "app.tagline") }</p>
            }
            if p.resume.is_some() {
                <button id="lesson-resume" class="primary wide" onclick={resume}>{ crate::shell::icons::icon(crate::shell::icons::Icon::Resume) }<span>{ t(lang, "lesson.resume") }</span></button>
            }
            <h2 id="lessons-title">{ t(lang, "nav.lessons") }</h2>
            <ul class="lessons" id="lesson-list">{ for items }</ul>
            <p class="muted small">{ t(lang, "nav.lessons_planned") }</p>
            <h2 id="examples-title">{ t(lang, "nav.examples") }</h2>
            <ul class="examples" id="example-list" aria-labelledby="examples-title">{ for examples }</ul>
            <button id="btn-free-play" class="wide" onclick={free}>{ t(lang, "nav.free_play") }</button>
        </nav>
    }
}
