//! The shell every system shares: the page layout, playback controls and scrubber, the event log,
//! the inspector frame, lessons, share/import/export, and progress of long work.
pub mod app;
pub mod controls;
pub mod dialog;
pub mod event_log;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod lesson_panel;
pub mod motion;
pub mod progress;
pub mod roving;
pub mod scenario_io;
pub mod settings;
pub mod sidebar;
pub mod stage;

use yew::{Callback, MouseEvent};

/// A click handler that sends one message: the shape every button in the components shares.
pub fn on_click(on: &Callback<crate::state::Msg>, msg: crate::state::Msg) -> Callback<MouseEvent> {
    let on = on.clone();
    Callback::from(move |_: MouseEvent| on.emit(msg.clone()))
}
