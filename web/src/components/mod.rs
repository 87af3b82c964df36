pub mod actions;
pub mod app;
pub mod controls;
pub mod diagram;
pub mod event_log;
pub mod inspector;
pub mod lesson_panel;
pub mod scenario_io;
pub mod sidebar;

use yew::{Callback, MouseEvent};

/// A click handler that sends one message: the shape every button in the components shares.
pub fn on_click(on: &Callback<crate::state::Msg>, msg: crate::state::Msg) -> Callback<MouseEvent> {
    let on = on.clone();
    Callback::from(move |_: MouseEvent| on.emit(msg.clone()))
}
