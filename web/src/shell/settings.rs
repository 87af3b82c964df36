//! A system's settings reference, folded: every setting the simulator models with its default,
//! meaning and source (the table `mqplay defaults` prints). Each system's panel shows its own. A
//! list rather than a table, so it reads in a narrow side panel.
use mqplay_core::settings::Setting;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::t;

/// `title` is a string key; `id` names the `<details>` element.
pub fn reference(lang: Lang, rows: &[Setting], id: &'static str, title: &'static str) -> Html {
    html! {
        <details class="settings-reference" id={id}>
            <summary>{ t(lang, title) }</summary>
            <ul class="settings" tabindex="0" aria-label={t(lang, title)}>
                { for rows.iter().map(|s| html! {
                    <li class="setting" data-name={s.name}>
                        <div><code class="name">{ s.name }</code>{ " = " }<code class="default">{ s.default }</code>
                            <span class="muted small">{ format!(" · {}", s.scope) }</span></div>
                        <div class="meaning">{ if lang == Lang::Zh { s.zh } else { s.en } }</div>
                        <div class="muted small source">{ format!("{}: {}", t(lang, "ref.source"), s.source) }</div>
                    </li>
                }) }
            </ul>
        </details>
    }
}
