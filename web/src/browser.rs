//! The few things that touch the browser: the URL fragment, localStorage, the clipboard and file
//! download. Each fails quietly (returns None / false) where a browser refuses, e.g. private mode.
use mqplay_core::Lang;
use wasm_bindgen::JsCast;

const LANG_KEY: &str = "mqplay.lang";
const THEME_KEY: &str = "mqplay.theme";

/// The colour scheme a learner chose; without a choice the page follows the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

pub fn stored_theme() -> Option<Theme> {
    let value = window()?.local_storage().ok()??.get_item(THEME_KEY).ok()??;
    match value.as_str() {
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    }
}

fn media_matches(query: &str) -> bool {
    window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether the system asks for dark colours (`prefers-color-scheme`).
pub fn system_prefers_dark() -> bool {
    media_matches("(prefers-color-scheme: dark)")
}

/// Whether the page shows dark colours now: the `data-theme` the pre-paint script or a choice set.
/// Read at the moment of a toggle, because the system's scheme can change while the page is open.
pub fn showing_dark() -> bool {
    window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("data-theme"))
        .map_or_else(system_prefers_dark, |name| name == "dark")
}

/// Whether the learner asked the system for less motion (`prefers-reduced-motion`).
pub fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// Whether the page is narrow enough for the compact layout.
pub fn is_compact() -> bool {
    media_matches(&format!("(max-width: {}px)", crate::shell::stage::COMPACT_BELOW_PX))
}

/// Applies and remembers the learner's choice (`data-theme` on `<html>`, which the CSS reads). With no
/// choice the pre-paint script in index.html keeps `data-theme` on the system's scheme.
pub fn apply_theme(theme: Option<Theme>) {
    let Some(theme) = theme else { return };
    if let Some(html) = window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.set_attribute("data-theme", theme.name());
    }
    if let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(THEME_KEY, theme.name());
    }
}

/// The element an event happened on.
pub fn event_element(e: &web_sys::Event) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// The nearest element around (or at) the event's target that matches `selector`. Yew delegates
/// events to the app's root, so `current_target()` is that root, never the element whose handler
/// runs: a handler that needs "its" element finds it from the target.
pub fn closest_to_event(e: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    event_element(e).and_then(|el| el.closest(selector).ok().flatten())
}

/// A monotonic clock in milliseconds (`performance.now()`), for playback only: the simulation
/// never reads it.
pub fn now_ms() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn fragment() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

pub fn page_url_without_fragment() -> String {
    let Some(loc) = window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

pub fn stored_lang() -> Option<Lang> {
    let value = window()?.local_storage().ok()??.get_item(LANG_KEY).ok()??;
    match value.as_str() {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

pub fn store_lang(lang: Lang) {
    if let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LANG_KEY, if lang == Lang::Zh { "zh" } else { "en" });
    }
    if let Some(doc) = window().and_then(|w| w.document()) {
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", if lang == Lang::Zh { "zh-CN" } else { "en" });
        }
        doc.set_title(crate::i18n::t(lang, "app.title"));
    }
}

/// The learner's remembered choice, else the browser's language.
pub fn initial_lang() -> Lang {
    stored_lang().unwrap_or_else(|| {
        let nav = window().and_then(|w| w.navigator().language()).unwrap_or_default();
        if nav.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    })
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a file download.
pub fn download(filename: &str, text: &str) -> bool {
    let run = || -> Option<()> {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let doc = window()?.document()?;
        let a: web_sys::HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
        a.set_href(&url);
        a.set_download(filename);
        a.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Some(())
    };
    run().is_some()
}
