//! The lesson being followed: narration, a prediction to make before the step runs, the outcome
//! read from the simulation, the step's check, and navigation.
use mqplay_core::check::Verdict;
use mqplay_core::lesson::Lesson;
use mqplay_core::Lang;
use yew::prelude::*;

use super::icons::{icon, icon_labelled, Icon};
use super::on_click;
use crate::i18n::{pick, t};
use crate::state::{LessonPos, Msg};

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lang: Lang,
    pub lesson: Lesson,
    pub pos: LessonPos,
    pub outcome: Option<String>,
    pub check: Option<Verdict>,
    pub on: Callback<Msg>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonPanelProps) -> Html {
    let lang = p.lang;
    let pos = p.pos;
    let total = p.lesson.steps.len();
    let Some(step) = p.lesson.steps.get(pos.step) else {
        return html! {};
    };
    let send = |m: Msg| on_click(&p.on, m);
    let predict = step.predict.as_ref().map(|pr| {
        let options = pr.options.iter().enumerate().map(|(i, o)| {
            let right = p.outcome.as_deref() == Some(o.value.as_str());
            let class = classes!("option", (pos.choice == Some(i)).then_some("chosen"), (pos.revealed && right).then_some("right"));
            let on = p.on.clone();
            html! {
                <label class={class}>
                    <input type="radio" name="predict" checked={pos.choice == Some(i)} disabled={pos.revealed}
                        onchange={Callback::from(move |_| on.emit(Msg::LessonChoose(i)))} />
                    { pick(lang, &o.label).to_string() }
                </label>
            }
        });
        // The explanation opens with the right answer (a catalog test holds lessons to it).
        let verdict = pos.revealed.then(|| {
            let chosen = pos.choice.and_then(|i| pr.options.get(i));
            let right = chosen.is_some_and(|o| Some(o.value.as_str()) == p.outcome.as_deref());
            html! {
                <div class={classes!("verdict", if right { "pass" } else { "fail" })} id="predict-verdict" role="status">
                    <strong>{ if right { t(lang, "lesson.right") } else { t(lang, "lesson.wrong") } }</strong>
                    <p>{ pick(lang, &pr.explain).to_string() }</p>
                </div>
            }
        });
        html! {
            <fieldset class="predict">
                <legend>{ t(lang, "lesson.predict") }</legend>
                <p>{ pick(lang, &pr.prompt).to_string() }</p>
                { for options }
                if !pos.revealed {
                    <button id="btn-reveal" class="primary" onclick={send(Msg::LessonReveal)} disabled={pos.choice.is_none()}
                        title={t(lang, "lesson.choose_first")}>{ t(lang, "lesson.run") }</button>
                }
                { for verdict }
            </fieldset>
        }
    });
    let check = p.check.as_ref().map(|v| html! {
        <div class={classes!("verdict", if v.passed { "pass" } else { "fail" })} id="lesson-check">
            <strong>{ t(lang, "lesson.check") }{ " " }{ if v.passed { icon_labelled(Icon::Check, t(lang, "lesson.passed")) } else { icon_labelled(Icon::Cross, t(lang, "lesson.failed")) } }</strong>{ " " }{ pick(lang, &v.detail).to_string() }
        </div>
    });
    let last = pos.step + 1 == total;
    html! {
        <section class="panel lesson" aria-labelledby="lesson-title">
            <p class="eyebrow">{ format!("{} Q{}", t(lang, "lesson.question"), p.lesson.question) }</p>
            <h2 id="lesson-title">{ pick(lang, &p.lesson.title).to_string() }</h2>
            <p class="step-count" id="lesson-step">{ match lang {
                Lang::En => format!("Step {} of {}", pos.step + 1, total),
                Lang::Zh => format!("第 {} 步，共 {} 步", pos.step + 1, total),
            } }</p>
            <h3 id="lesson-step-title">{ pick(lang, &step.title).to_string() }</h3>
            <p class="narration" id="lesson-narration">{ pick(lang, &step.narration).to_string() }</p>
            { for predict }
            { for check }
            if last && (step.predict.is_none() || pos.revealed) { <p class="done">{ t(lang, "lesson.done") }</p> }
            <div class="row lesson-nav">
                <button id="lesson-prev" onclick={send(Msg::LessonGo(pos.step.saturating_sub(1)))} disabled={pos.step == 0}>{ icon(Icon::ArrowLeft) }<span>{ t(lang, "lesson.prev") }</span></button>
                <button id="lesson-next" class="primary" onclick={send(Msg::LessonGo(pos.step + 1))} disabled={last}><span>{ t(lang, "lesson.next") }</span>{ icon(Icon::ArrowRight) }</button>
            </div>
            <button id="lesson-leave" class="link" onclick={send(Msg::LeaveLesson)}>{ t(lang, "lesson.leave") }</button>
        </section>
    }
}
