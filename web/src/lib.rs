//! mqplay-web: the playground page. One store (`state`) owns the simulation from `mqplay_core`;
//! components render plain view data and send messages. See `ARCHITECTURE.md`.
pub mod browser;
pub mod delay;
pub mod i18n;
pub mod kafka;
pub mod rabbit;
pub mod rocket;
pub mod shell;
pub mod state;

pub use shell::app::App;

/// Render into a given element (used by the browser tests).
pub fn mount(el: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(el).render()
}
