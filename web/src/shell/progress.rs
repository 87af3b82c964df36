//! Long work in progress (a share link's far step, a jump past what was computed, a busy
//! stretch): how far it got, and a button to stop it there.
use mqplay_core::Lang;
use yew::prelude::*;

use super::on_click;
use crate::i18n::t;
use crate::state::{Job, Msg};

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub lang: Lang,
    pub job: Option<Job>,
    pub steps: u64,
    pub now_ms: u64,
    pub duration_ms: u64,
    /// The most steps a run can reach (a far target is clamped to it).
    pub max_steps: u64,
    pub on: Callback<Msg>,
}

#[function_component(Progress)]
pub fn progress(p: &ProgressProps) -> Html {
    let Some(job) = p.job else {
        return html! {};
    };
    let lang = p.lang;
    let seconds = |ms: u64| format!("{:.1}", ms as f64 / 1000.0);
    // The run ends at the target step or at the scenario's end, whichever comes first: show
    // whichever is nearer, in per mille.
    let time_done = p.now_ms.saturating_mul(1000) / p.duration_ms.max(1);
    let (label, value) = match job {
        Job::ToStep { target, .. } if target >= p.max_steps => (
            crate::i18n::tn(
                lang,
                "job.to_end",
                &[&seconds(p.now_ms), &seconds(p.duration_ms), &p.steps],
            ),
            time_done,
        ),
        Job::ToStep { target, from } => {
            let steps_done = p.steps.saturating_sub(from).saturating_mul(1000) / target.saturating_sub(from).max(1);
            (
                crate::i18n::t2(lang, "job.to_step", p.steps, target),
                steps_done.max(time_done),
            )
        }
        Job::ToEntry { .. } => (
            crate::i18n::tn(
                lang,
                "job.to_entry",
                &[&seconds(p.now_ms), &seconds(p.duration_ms), &p.steps],
            ),
            time_done,
        ),
    };
    html! {
        <div class="job" role="status" aria-live="polite" id="job">
            <span class="job-label">{ label }</span>
            <progress id="job-progress" value={value.min(1000).to_string()} max="1000" aria-label={t(lang, "job.progress")}></progress>
            <button id="btn-stop-job" onclick={on_click(&p.on, Msg::StopJob)}>{ t(lang, "job.stop") }</button>
        </div>
    }
}
