//! The `?` overlay: every keyboard shortcut, in the learner's language.
use mqplay_core::Lang;
use yew::prelude::*;

use super::dialog::Dialog;
use crate::i18n::t;

/// `(keys, what they do)`: the page's whole keyboard model.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "help.play"),
    ("← →", "help.step"),
    ("n", "help.next"),
    ("p", "help.prev"),
    ("r", "help.replay"),
    ("d", "help.details"),
    ("Tab", "help.tab"),
    ("↑ ↓", "help.log"),
    ("Enter", "help.enter"),
    ("Esc", "help.escape"),
    ("?", "help.help"),
];

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub lang: Lang,
    pub on_close: Callback<()>,
}

#[function_component(Help)]
pub fn help(p: &HelpProps) -> Html {
    let lang = p.lang;
    let close = {
        let on_close = p.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <Dialog id="help" title={t(lang, "help.title")} on_close={p.on_close.clone()}>
            <dl class="shortcuts">
                { for SHORTCUTS.iter().map(|(keys, what)| html! {
                    <><dt><kbd>{ *keys }</kbd></dt><dd>{ t(lang, what) }</dd></>
                }) }
            </dl>
            <p class="muted small">{ t(lang, "help.speed") }</p>
            <div class="row"><button id="help-close" class="primary" onclick={close}>{ t(lang, "help.close") }</button></div>
        </Dialog>
    }
}
