//! A system's settings reference, folded: every setting the simulator models with its default,
//! meaning and source (the table `mqplay defaults` prints). Each system's panel shows its own.
use mqplay_core::settings::Setting;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::t;

/// `title` is a string key; `id` names the `<details>` element.
pub fn reference(lang: Lang, rows: &[Setting], id: &'static str, title: &'static str) -> Html {
    html! {
        <details class="rm-reference" id={id}>
            <summary>{ t(lang, title) }</summary>
            <div class="task-table" role="region" tabindex="0" aria-label={t(lang, title)}>
                <table>
                    <thead><tr><th>{ t(lang, "ref.name") }</th><th>{ t(lang, "ref.default") }</th><th>{ t(lang, "ref.meaning") }</th><th>{ t(lang, "ref.source") }</th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|s| html! {
                            <tr><td class="mono">{ s.name }<div class="muted">{ s.scope }</div></td><td class="mono">{ s.default }</td>
                                <td>{ if lang == Lang::Zh { s.zh } else { s.en } }</td><td class="muted">{ s.source }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </details>
    }
}
