//! A modal dialog every part of the page uses (import, help, a question before work is lost):
//! focus moves into it when it opens, Tab stays inside it, Escape or a click on the backdrop
//! closes it, and focus returns to the control that opened it.
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub id: AttrValue,
    pub title: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
    /// The element to focus first (a CSS selector inside the dialog), else the first control.
    #[prop_or_default]
    pub initial_focus: Option<AttrValue>,
}

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), textarea, select, a[href], [tabindex='0']";

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

fn active_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?.document()?.active_element()?.dyn_into().ok()
}

#[function_component(Dialog)]
pub fn dialog(p: &DialogProps) -> Html {
    let body = use_node_ref();
    {
        let body = body.clone();
        let initial = p.initial_focus.clone();
        use_effect_with((), move |_| {
            // Remember who opened the dialog, to give focus back on close.
            let opener = active_element();
            if let Some(root) = body.cast::<web_sys::Element>() {
                let first = initial
                    .and_then(|sel| root.query_selector(&sel).ok().flatten())
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    .or_else(|| focusables(&root).into_iter().next());
                if let Some(el) = first {
                    let _ = el.focus();
                }
            }
            move || {
                if let Some(el) = opener {
                    if el.is_connected() {
                        let _ = el.focus();
                    }
                }
            }
        });
    }
    let onkeydown = {
        let (on_close, body) = (p.on_close.clone(), body.clone());
        Callback::from(move |e: KeyboardEvent| {
            match e.key().as_str() {
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    on_close.emit(());
                }
                "Tab" => {
                    // Keep Tab inside: from the last control to the first and back.
                    let Some(root) = body.cast::<web_sys::Element>() else {
                        return;
                    };
                    let items = focusables(&root);
                    let (Some(first), Some(last)) = (items.first(), items.last()) else {
                        return;
                    };
                    let active = active_element();
                    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(el)));
                    if e.shift_key() && at(first) {
                        e.prevent_default();
                        let _ = last.focus();
                    } else if !e.shift_key() && at(last) {
                        e.prevent_default();
                        let _ = first.focus();
                    }
                }
                _ => {
                    // Keys typed in a dialog never reach the page's shortcuts.
                    e.stop_propagation();
                }
            }
        })
    };
    let on_backdrop = {
        let on_close = p.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not one that bubbled up from the dialog.
            if crate::browser::event_element(&e).is_some_and(|el| el.matches(".dialog").unwrap_or(false)) {
                on_close.emit(());
            }
        })
    };
    let title_id = format!("{}-title", p.id);
    html! {
        <div class="dialog" onclick={on_backdrop}>
            <div class="dialog-body" id={p.id.clone()} role="dialog" aria-modal="true" aria-labelledby={title_id.clone()}
                ref={body} {onkeydown}>
                <h2 id={title_id}>{ p.title.clone() }</h2>
                { p.children.clone() }
            </div>
        </div>
    }
}
