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
    pub work: u64,
    pub work_limit: u64,
    pub on: Callback<Msg>,
}

#[function_component(Progress)]
pub fn progress(p: &ProgressProps) -> Html {
    let Some(job) = p.job else {
        return html! {};
    };
    let lang = p.lang;
    let (label, value, max) = match job {
        Job::ToStep { target, from } => (
            crate::i18n::t2(lang, "job.to_step", p.steps, target),
            p.steps.saturating_sub(from),
            target.saturating_sub(from).max(1),
        ),
        Job::ToEntry { .. } => (t(lang, "job.to_entry").to_string(), p.work, p.work_limit.max(1)),
    };
    html! {
        <div class="job" role="status" aria-live="polite" id="job">
            <span class="job-label">{ label }</span>
            <progress id="job-progress" value={value.to_string()} max={max.to_string()} aria-label={t(lang, "job.progress")}></progress>
            <button id="btn-stop-job" onclick={on_click(&p.on, Msg::StopJob)}>{ t(lang, "job.stop") }</button>
        </div>
    }
}
