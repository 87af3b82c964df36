//! Icons as inline SVG: no symbol font needed (Debian's Chromium has none, so `⏸` drew an empty
//! box). Each icon is decorative (`aria-hidden`) where the control it sits in has a name, and gets
//! one (`role="img"` + `aria-label`) where it speaks for itself.
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Play,
    Pause,
    StepForward,
    StepBack,
    Reset,
    Close,
    ArrowLeft,
    ArrowRight,
    Resume,
    Check,
    Cross,
    Star,
    Sun,
    Moon,
    Help,
    Logo,
}

/// The icon's path data on a 24×24 grid (drawn with `currentColor`).
fn paths(icon: Icon) -> (&'static str, bool) {
    // (path, filled): filled shapes use fill, the others a 2px stroke.
    match icon {
        Icon::Play => ("M7 4.5v15l12-7.5z", true),
        Icon::Pause => ("M6 4.5h4v15H6zM14 4.5h4v15h-4z", true),
        Icon::StepForward => ("M5 4.5v15l10-7.5zM16 4.5h3v15h-3z", true),
        Icon::StepBack => ("M19 4.5v15L9 12zM5 4.5h3v15H5z", true),
        Icon::Reset => ("M4 12a8 8 0 1 0 2.3-5.7M4 4v4.5h4.5", false),
        Icon::Close => ("M6 6l12 12M18 6L6 18", false),
        Icon::ArrowLeft => ("M19 12H5M11 6l-6 6 6 6", false),
        Icon::ArrowRight => ("M5 12h14M13 6l6 6-6 6", false),
        Icon::Resume => ("M9 14l-5-5 5-5M4 9h10a6 6 0 0 1 0 12h-3", false),
        Icon::Check => ("M4 12.5l5 5L20 6.5", false),
        Icon::Cross => ("M6 6l12 12M18 6L6 18", false),
        Icon::Star => ("M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z", true),
        Icon::Sun => ("M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4", false),
        Icon::Moon => ("M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z", false),
        Icon::Help => ("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01", false),
        Icon::Logo => ("M3 4h8v16H3zM13 4h8v7h-8zM13 13h8v7h-8z", true),
    }
}

/// A decorative icon (the control around it carries the name).
pub fn icon(i: Icon) -> Html {
    svg(i, None)
}

/// An icon that is itself the content, with an accessible name.
pub fn icon_labelled(i: Icon, label: &str) -> Html {
    svg(i, Some(label))
}

fn svg(i: Icon, label: Option<&str>) -> Html {
    let (d, filled) = paths(i);
    let (fill, stroke) = if filled {
        ("currentColor", "none")
    } else {
        ("none", "currentColor")
    };
    let class = classes!("icon", format!("icon-{i:?}").to_lowercase());
    match label {
        Some(label) => html! {
            <svg class={class} viewBox="0 0 24 24" width="16" height="16" role="img" aria-label={label.to_string()}
                fill={fill} stroke={stroke} stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d={d} />
            </svg>
        },
        None => html! {
            <svg class={class} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"
                fill={fill} stroke={stroke} stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d={d} />
            </svg>
        },
    }
}
