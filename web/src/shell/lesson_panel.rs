//! The lesson being followed: narration, the step playing with the sentence of the moment, a
//! prediction to make before the step runs, the outcome read from the simulation once the step
//! has played, the step's check, and navigation that never skips what the narration describes
//! (while a step plays, the main button shows its end first; the next press moves on).
use mqplay_core::check::Verdict;
use mqplay_core::lesson::{CompareCell, Lesson};
use mqplay_core::Lang;
use yew::prelude::*;

use super::icons::{icon, icon_labelled, Icon};
use super::on_click;
use crate::i18n::{pick, t, t2, tn};
use crate::state::{LessonPos, LogRow, Msg, StepPlay, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lang: Lang,
    pub lesson: Lesson,
    pub pos: LessonPos,
    pub outcome: Option<String>,
    pub check: Option<Verdict>,
    /// The step's comparison rows as read now.
    pub compare: Option<Vec<CompareCell>>,
    pub step_play: Option<StepPlay>,
    pub playing: bool,
    /// Steps of the simulation now, to show how far the step has played.
    pub steps: u64,
    /// The newest log line: what is happening now.
    pub latest: Option<LogRow>,
    pub speed: usize,
    pub on: Callback<Msg>,
}

/// Where focus goes when the lesson changes under it: the title when a lesson or step opens, the
/// verdict when a prediction's step has played.
fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonPanelProps) -> Html {
    let lang = p.lang;
    let pos = p.pos;
    let total = p.lesson.steps.len();
    let title_ref = use_node_ref();
    let verdict_ref = use_node_ref();
    let play_ref = use_node_ref();
    let played = p.step_play.is_none_or(|s| s.done);
    let revealed_and_played = pos.revealed && played;
    {
        // A new lesson: focus its title, so keyboard and screen-reader users start there.
        let title_ref = title_ref.clone();
        use_effect_with(p.lesson.id.clone(), move |_| focus(&title_ref));
    }
    {
        // "Run it and see" goes away as the step starts playing: focus follows to the playing
        // step, then to the verdict once it is shown.
        let (verdict_ref, play_ref) = (verdict_ref.clone(), play_ref.clone());
        use_effect_with(
            (pos.index, pos.step, pos.revealed, played),
            move |&(_, _, revealed, played)| {
                if revealed && played {
                    focus(&verdict_ref);
                } else if revealed {
                    focus(&play_ref);
                }
            },
        );
    }
    let Some(step) = p.lesson.steps.get(pos.step) else {
        return html! {};
    };
    let send = |m: Msg| on_click(&p.on, m);
    let predict = step.predict.as_ref().map(|pr| {
        let options = pr.options.iter().enumerate().map(|(i, o)| {
            let right = p.outcome.as_deref() == Some(o.value.as_str());
            let class = classes!("option", (pos.choice == Some(i)).then_some("chosen"), (revealed_and_played && right).then_some("right"));
            let on = p.on.clone();
            html! {
                <label class={class}>
                    <input type="radio" name="predict" checked={pos.choice == Some(i)} disabled={pos.revealed}
                        onchange={Callback::from(move |_| on.emit(Msg::LessonChoose(i)))} />
                    { pick(lang, &o.label).to_string() }
                </label>
            }
        });
        // The explanation opens with the right answer (a catalog test holds lessons to it); it
        // shows once the step has played, so the diagram shows what it explains.
        let verdict = revealed_and_played.then(|| {
            let chosen = pos.choice.and_then(|i| pr.options.get(i));
            let right = chosen.is_some_and(|o| Some(o.value.as_str()) == p.outcome.as_deref());
            html! {
                <div class={classes!("verdict", if right { "pass" } else { "fail" })} id="predict-verdict" role="status" tabindex="-1" ref={verdict_ref.clone()}>
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
    let check = p.check.as_ref().filter(|_| played).map(|v| html! {
        <div class={classes!("verdict", if v.passed { "pass" } else { "fail" })} id="lesson-check">
            <strong>{ t(lang, "lesson.check") }{ " " }{ if v.passed { icon_labelled(Icon::Check, t(lang, "lesson.passed")) } else { icon_labelled(Icon::Cross, t(lang, "lesson.failed")) } }</strong>{ " " }{ pick(lang, &v.detail).to_string() }
        </div>
    });
    // A comparison: one row per mechanism, what it measured and how far from due.
    let compare = step
        .compare
        .as_ref()
        .zip(p.compare.as_ref())
        .filter(|_| played)
        .map(|(c, cells)| {
            let rows = c.rows.iter().zip(cells).map(|(row, cell)| {
                let off = match cell.late_ms {
                    Some(0) => t(lang, "lesson.on_time").to_string(),
                    Some(ms) if ms < 0 => tn(lang, "lesson.early_ms", &[&-ms]),
                    Some(ms) => tn(lang, "lesson.late_ms", &[&ms]),
                    None => String::new(),
                };
                let class = classes!(cell.late_ms.map(|ms| if ms.abs() >= 1000 { "off" } else { "near" }));
                html! {
                    <tr class={class}>
                        <th scope="row">{ pick(lang, &row.label).to_string() }</th>
                        <td>{ row.due_ms.map(|d| format!("{d} ms")).unwrap_or_default() }</td>
                        <td>{ match (&cell.value, cell.late_ms) {
                            (Some(v), Some(_)) => format!("{v} ms"),
                            (Some(v), None) => v.clone(),
                            (None, _) => "—".into(),
                        } }</td>
                        <td>{ off }</td>
                    </tr>
                }
            });
            html! {
                <table class="compare" id="lesson-compare">
                    <caption>{ pick(lang, &c.caption).to_string() }</caption>
                    <thead><tr>
                        <th scope="col">{ t(lang, "lesson.mechanism") }</th>
                        <th scope="col">{ t(lang, "lesson.due") }</th>
                        <th scope="col">{ t(lang, "lesson.measured") }</th>
                        <th scope="col">{ t(lang, "lesson.off_by") }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        });
    // The step playing: how far, the sentence of the moment, replay and pace.
    let playback = p.step_play.map(|sp| {
        let span = sp.span;
        let length = span.end_steps.saturating_sub(span.start_steps).max(1);
        let done_steps = p.steps.saturating_sub(span.start_steps).min(length);
        let percent = if sp.done { 100 } else { done_steps * 100 / length };
        let now = p.latest.as_ref().filter(|r| r.step > span.start_steps || sp.done).map(|r| html! {
            <p class="now" id="lesson-now" aria-live="polite">
                // Most sentences open with their node's name; say it once.
                if !r.text.starts_with(r.node.as_str()) { <span class="now-node">{ r.node.clone() }</span>{ " " } }
                { r.text.clone() }
            </p>
        });
        let on_pace = {
            let on = p.on.clone();
            Callback::from(move |e: Event| {
                let i = e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index();
                on.emit(Msg::SetSpeed(i.max(0) as usize));
            })
        };
        html! {
            <div class="step-play" id="lesson-play" tabindex="-1" ref={play_ref.clone()} aria-label={t(lang, "lesson.progress")}>
                <div class="row">
                    <span class="play-state" id="lesson-play-state">
                        { if sp.done { t(lang, "lesson.played") } else if p.playing { t(lang, "lesson.playing") } else { t(lang, "lesson.paused") } }
                    </span>
                    <progress max="100" value={percent.to_string()} aria-label={t(lang, "lesson.progress")}></progress>
                </div>
                { for now }
                <div class="row">
                    <button id="lesson-replay" class="mini" onclick={send(Msg::LessonReplay)} title="r">{ icon(Icon::Reset) }<span>{ t(lang, "lesson.replay") }</span></button>
                    <label class="speed mini-label">{ t(lang, "lesson.pace") }
                        <select id="lesson-pace" onchange={on_pace}>
                            { for SPEEDS.iter().enumerate().map(|(i, (_, label))| html! { <option selected={i == p.speed}>{ *label }</option> }) }
                        </select>
                    </label>
                </div>
            </div>
        }
    });
    let last = pos.step + 1 == total;
    let playing_step = !played;
    // Next never skips: while the step plays it first shows the step's end.
    let (next_msg, next_label) = if playing_step {
        (Msg::LessonSkip, t(lang, "lesson.skip"))
    } else {
        (Msg::LessonGo(pos.step + 1), t(lang, "lesson.next"))
    };
    // At either end the button stays focusable (aria-disabled), so focus is not dropped on the
    // page when it stops applying.
    let at_end = last && !playing_step;
    let at_start = pos.step == 0;
    html! {
        <section class="panel lesson" aria-labelledby="lesson-title" id="lesson-panel">
            <div class="lesson-scroll">
                <p class="eyebrow">{ format!("{} Q{}", t(lang, "lesson.question"), p.lesson.question) }</p>
                <h2 id="lesson-title" tabindex="-1" ref={title_ref}>{ pick(lang, &p.lesson.title).to_string() }</h2>
                <p class="step-count" id="lesson-step">{ t2(lang, "lesson.step_of", pos.step + 1, total) }</p>
                <h3 id="lesson-step-title">{ pick(lang, &step.title).to_string() }</h3>
                <p class="narration" id="lesson-narration">{ pick(lang, &step.narration).to_string() }</p>
                { for playback }
                { for predict }
                { for check }
                { for compare }
                if last && (step.predict.is_none() || revealed_and_played) && played { <p class="done">{ t(lang, "lesson.done") }</p> }
            </div>
            <div class="row lesson-nav">
                <button id="lesson-prev" onclick={send(Msg::LessonGo(pos.step.saturating_sub(1)))} aria-disabled={at_start.then_some("true")} title="p">{ icon(Icon::ArrowLeft) }<span>{ t(lang, "lesson.prev") }</span></button>
                <button id="lesson-next" class="primary" onclick={send(next_msg)} aria-disabled={at_end.then_some("true")} title="n"><span>{ next_label }</span>{ icon(Icon::ArrowRight) }</button>
                <button id="lesson-leave" class="link" onclick={send(Msg::LeaveLesson)}>{ t(lang, "lesson.leave") }</button>
            </div>
        </section>
    }
}
