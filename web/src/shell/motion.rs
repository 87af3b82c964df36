//! Animation as a shell service. Between two consecutive views the page shows what travelled:
//! each new log line (a trace entry) that a system maps to a pair of points becomes a dot moving
//! along that edge, so a record is seen going producer → leader → consumer, an acknowledgement
//! coming back, a request reaching the coordinator. The core is untouched: motion is derived
//! from the entries between two refreshes (`Store::fresh_from`) and the view's layout. Systems
//! only say which entry moves from where to where (`Motion`); drawing, timing, pruning and
//! reduced motion live here, once for every broker view.
use std::rc::Rc;

use yew::prelude::*;

/// How many dots one refresh may start (a fast replay shows the newest ones).
pub const MAX_NEW_MOTIONS: usize = 12;

/// What moves: the CSS class picks its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MotionKind {
    /// A record or batch of records on its way (producer → broker, broker → consumer).
    Record,
    /// A response coming back (an acknowledgement).
    Ack,
    /// A protocol request (find coordinator, commit, join).
    Request,
    /// Something happening in place (a crash, a rebalance starting): a ring, no travel.
    Pulse,
    /// A failure on the way (a retry, an expired batch).
    Failure,
}

impl MotionKind {
    fn class(self) -> &'static str {
        match self {
            MotionKind::Record => "record",
            MotionKind::Ack => "ack",
            MotionKind::Request => "request",
            MotionKind::Pulse => "pulse",
            MotionKind::Failure => "failure",
        }
    }
}

/// One travel: from a point to a point of the view's drawing (SVG user units).
#[derive(Debug, Clone, PartialEq)]
pub struct Motion {
    /// Unique and increasing: the trace position of the entry times a few, plus an index.
    pub key: u64,
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub kind: MotionKind,
    /// A colour for the dot (a record's key colour), else the kind's.
    pub color: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct MotionLayerProps {
    /// Motions for the entries new since the last refresh; repeated ones are ignored.
    pub incoming: Rc<Vec<Motion>>,
    /// How long one travel takes (real ms): the line's dwell at the current speed.
    pub duration_ms: u32,
    /// `prefers-reduced-motion`: draw nothing that moves.
    pub reduced: bool,
}

struct Live {
    motion: Motion,
    ends_at_ms: f64,
}

/// The dots in flight, drawn inside the view's SVG. Each dot is a keyed element, so it is
/// created once and its CSS animation runs from its creation to its end; a dot is kept for its
/// duration, then dropped.
#[function_component(MotionLayer)]
pub fn motion_layer(p: &MotionLayerProps) -> Html {
    let live = use_mut_ref(Vec::<Live>::new);
    let newest = use_mut_ref(|| None::<u64>);
    let refresh = use_force_update();
    if p.reduced {
        live.borrow_mut().clear();
    } else {
        admit(
            &mut live.borrow_mut(),
            &mut newest.borrow_mut(),
            &p.incoming,
            crate::browser::now_ms(),
            p.duration_ms,
        );
    }
    // When the last dot has arrived, render once more so finished dots leave the DOM even if
    // nothing else changes (a paused page renders no frames).
    let last_end_ms = live.borrow().iter().map(|l| l.ends_at_ms as u64).max();
    use_effect_with(last_end_ms, move |end| {
        let timer = end.map(|end| {
            let wait_ms = (end as f64 - crate::browser::now_ms()).max(0.0) as u32 + 20;
            gloo_timers::callback::Timeout::new(wait_ms, move || refresh.force_update())
        });
        move || drop(timer)
    });
    if p.reduced {
        return html! {};
    }
    let dots = live
        .borrow()
        .iter()
        .map(|l| dot(&l.motion, p.duration_ms))
        .collect::<Html>();
    html! { <g class="motions" aria-hidden="true">{ dots }</g> }
}

/// Adds motions newer than any seen, drops finished ones. A key lower than the newest seen
/// means the view went back in time: nothing travels backwards, and the record starts over.
fn admit(live: &mut Vec<Live>, newest: &mut Option<u64>, incoming: &[Motion], now: f64, duration_ms: u32) {
    live.retain(|l| l.ends_at_ms > now);
    let fresh: Vec<&Motion> = incoming.iter().filter(|m| newest.is_none_or(|n| m.key > n)).collect();
    if let Some(max) = incoming.iter().map(|m| m.key).max() {
        if newest.is_some_and(|n| max < n) {
            live.clear();
        }
        *newest = Some(max.max(newest.unwrap_or(0)));
    }
    let skip = fresh.len().saturating_sub(MAX_NEW_MOTIONS);
    for m in fresh.into_iter().skip(skip) {
        live.push(Live {
            motion: m.clone(),
            ends_at_ms: now + f64::from(duration_ms) + 100.0,
        });
    }
}

fn dot(m: &Motion, duration_ms: u32) -> Html {
    let style = format!(
        "--x1: {:.1}px; --y1: {:.1}px; --x2: {:.1}px; --y2: {:.1}px; animation-duration: {duration_ms}ms;{}",
        m.from.0,
        m.from.1,
        m.to.0,
        m.to.1,
        m.color.as_ref().map(|c| format!(" fill: {c};")).unwrap_or_default()
    );
    let r = if m.kind == MotionKind::Pulse { "14" } else { "6" };
    html! { <circle key={m.key} class={classes!("motion", m.kind.class())} cx="0" cy="0" r={r} style={style} /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admit_for_test(incoming: &[Motion], rounds: &[(f64, u32)]) -> Vec<Vec<u64>> {
        let mut live = Vec::new();
        let mut newest = None;
        rounds
            .iter()
            .map(|&(now, duration)| {
                admit(&mut live, &mut newest, incoming, now, duration);
                live.iter().map(|l| l.motion.key).collect()
            })
            .collect()
    }

    fn m(key: u64) -> Motion {
        Motion {
            key,
            from: (0.0, 0.0),
            to: (10.0, 10.0),
            kind: MotionKind::Record,
            color: None,
        }
    }

    #[test]
    fn a_motion_starts_once_and_ends_after_its_duration() {
        let incoming = vec![m(1), m(2)];
        // Three refreshes with the same entries: admitted once, then gone after 400 + 100 ms.
        let rounds = admit_for_test(&incoming, &[(0.0, 400), (100.0, 400), (600.0, 400)]);
        assert_eq!(rounds, vec![vec![1, 2], vec![1, 2], vec![]]);
    }

    #[test]
    fn a_fast_replay_starts_only_the_newest_few() {
        let incoming: Vec<Motion> = (1..=100).map(m).collect();
        let rounds = admit_for_test(&incoming, &[(0.0, 100)]);
        assert_eq!(rounds[0].len(), MAX_NEW_MOTIONS);
        assert_eq!(rounds[0].last(), Some(&100));
    }
}
