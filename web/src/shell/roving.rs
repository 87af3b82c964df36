//! Roving focus: a region that is one tab stop, whose items the arrow keys (and Home / End) move
//! between. The event log (rows, ↑ ↓) and a Kafka lane (record cells, ← →) use it; any broker
//! view's list-like element can.

use wasm_bindgen::JsCast;
use yew::KeyboardEvent;

pub struct Roving {
    /// The region around the focused element, e.g. `#event-log`.
    pub region: &'static str,
    /// Its items, in order.
    pub items: &'static str,
    pub back: &'static str,
    pub forward: &'static str,
    /// Where a key pressed outside any item (on the region's own head) lands: the last item
    /// (a lane's newest record) or the first (the log's newest row).
    pub enter_at_last: bool,
    /// Move the region's single `tabindex=0` to the focused item, so Tab comes back to it.
    pub move_tab_stop: bool,
}

/// Moves focus for a key of ours and returns `true` (the caller then prevents the default).
pub fn rove(e: &KeyboardEvent, r: &Roving) -> bool {
    let key = e.key();
    if !(key == r.back || key == r.forward || key == "Home" || key == "End") {
        return false;
    }
    let (Some(target), Some(region)) = (
        crate::browser::event_element(e),
        crate::browser::closest_to_event(e, r.region),
    ) else {
        return false;
    };
    let Ok(items) = region.query_selector_all(r.items) else {
        return false;
    };
    let n = items.length();
    if n == 0 {
        return false;
    }
    let current = (0..n).find(|i| items.get(*i).is_some_and(|c| c.is_same_node(Some(&target))));
    let next = match current {
        _ if key == "Home" => 0,
        _ if key == "End" => n - 1,
        None if r.enter_at_last => n - 1,
        None => 0,
        Some(i) if key == r.back => i.saturating_sub(1),
        Some(i) => (i + 1).min(n - 1),
    };
    for i in 0..n {
        let Some(el) = items.get(i).and_then(|node| node.dyn_into::<web_sys::Element>().ok()) else {
            continue;
        };
        if r.move_tab_stop {
            let _ = el.set_attribute("tabindex", if i == next { "0" } else { "-1" });
        }
        if i == next {
            focus(&el);
        }
    }
    true
}

fn focus(el: &web_sys::Element) {
    if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = html.focus();
    } else if let Some(svg) = el.dyn_ref::<web_sys::SvgElement>() {
        let _ = svg.focus();
    }
}
