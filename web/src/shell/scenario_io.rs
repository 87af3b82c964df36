//! Share link, export and import of the scenario, and the list of errors when one does not load.
use std::rc::Rc;

use mqplay_core::{Lang, Scenario, ScenarioError};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser;
use crate::i18n::t;
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct ScenarioIoProps {
    pub lang: Lang,
    pub scenario: Rc<Scenario>,
    /// The current step, carried in the share link.
    pub steps: u64,
    pub on: Callback<Msg>,
}

#[function_component(ScenarioIo)]
pub fn scenario_io(p: &ScenarioIoProps) -> Html {
    let lang = p.lang;
    let importing = use_state(|| false);
    let draft = use_state(String::new);
    let shared = use_state(|| None::<String>);
    // The link box takes focus when it opens, so Escape closes it and the link is ready to copy.
    let link_ref = use_node_ref();
    {
        let link_ref = link_ref.clone();
        use_effect_with(shared.is_some(), move |open| {
            if *open {
                if let Some(input) = link_ref.cast::<web_sys::HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let on_share = {
        let (scenario, steps, shared) = (p.scenario.clone(), p.steps, shared.clone());
        Callback::from(move |_: MouseEvent| {
            // Serialized only on demand: the scenario can be up to 1 MiB.
            let link = format!(
                "{}{}",
                browser::page_url_without_fragment(),
                mqplay_core::share::fragment(&scenario, steps)
            );
            browser::copy_to_clipboard(&link);
            shared.set(Some(link));
        })
    };
    let close_share = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| shared.set(None))
    };
    let share_keys = {
        let shared = shared.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                shared.set(None);
            }
        })
    };
    let on_export = {
        let scenario = p.scenario.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download("mqplay-scenario.json", &scenario.to_json());
        })
    };
    let open_import = {
        let (importing, draft, scenario) = (importing.clone(), draft.clone(), p.scenario.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(scenario.to_json());
            importing.set(true);
        })
    };
    let on_draft = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_load = {
        let (on, draft, importing) = (p.on.clone(), draft.clone(), importing.clone());
        Callback::from(move |_: MouseEvent| {
            on.emit(Msg::Import((*draft).clone()));
            importing.set(false);
        })
    };
    let on_cancel = {
        let importing = importing.clone();
        Callback::from(move |_: MouseEvent| importing.set(false))
    };
    let on_close = {
        let importing = importing.clone();
        Callback::from(move |_: ()| importing.set(false))
    };
    html! {
        <div class="scenario-io">
            <button id="btn-share" onclick={on_share}>{ t(lang, "scn.share") }</button>
            <button id="btn-export" onclick={on_export}>{ t(lang, "scn.export") }</button>
            <button id="btn-import" onclick={open_import}>{ t(lang, "scn.import") }</button>
            if let Some(link) = (*shared).clone() {
                <div class="share-box" role="status" onkeydown={share_keys}>
                    <button id="share-close" class="mini close" onclick={close_share} aria-label={t(lang, "scn.dismiss")}>{ super::icons::icon(super::icons::Icon::Close) }</button>
                    <p>{ t(lang, "scn.copied") }</p>
                    <input id="share-link" ref={link_ref} readonly=true value={link} aria-label={t(lang, "scn.share")} />
                </div>
            }
            if *importing {
                <super::dialog::Dialog id="import" title={t(lang, "scn.import_title")} on_close={on_close} initial_focus={Some(AttrValue::from("#import-text"))}>
                    <textarea id="import-text" value={(*draft).clone()} oninput={on_draft} rows="18" spellcheck="false"
                        aria-label={t(lang, "scn.import_title")} />
                    <div class="row">
                        <button id="btn-import-load" class="primary" onclick={on_load}>{ t(lang, "scn.load") }</button>
                        <button id="btn-import-cancel" onclick={on_cancel}>{ t(lang, "scn.cancel") }</button>
                    </div>
                </super::dialog::Dialog>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorsProps {
    pub lang: Lang,
    pub intro: &'static str,
    pub errors: Vec<ScenarioError>,
    pub on: Callback<Msg>,
}

/// Every problem with its JSON path; nothing was loaded, nothing was lost.
#[function_component(Errors)]
pub fn errors(p: &ErrorsProps) -> Html {
    if p.errors.is_empty() {
        return html! {};
    }
    let on = p.on.clone();
    html! {
        <div class="errors" role="alert" id="errors">
            <strong>{ t(p.lang, p.intro) }</strong>
            <ul>{ for p.errors.iter().map(|e| html! {
                <li><code>{ if e.path.is_empty() { t(p.lang, "scn.document").to_string() } else { e.path.clone() } }</code>{ ": " }{ e.reason_in(p.lang).into_owned() }</li>
            }) }</ul>
            <button class="mini" onclick={Callback::from(move |_| on.emit(Msg::DismissErrors))}>{ t(p.lang, "scn.dismiss") }</button>
        </div>
    }
}
