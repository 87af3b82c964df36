//! A dial per wheel: level 0 is the inner ring, each overflow wheel a ring further out (Netty's
//! simple wheel has one). A bucket holding tasks is a filled sector with its count; a Kafka bucket
//! waiting in the delay queue but emptied by a cancel is outlined; each ring's pointer is the
//! bucket of its clock, and the hand follows level 0. Buckets the newest log lines touched (a
//! placement, a flush) are lit, so a cascade shows ring by ring as the learner steps. Below the
//! dial: the delay queue or timeouts queue, the counts, and every bucket as text (the dial is a
//! picture; the list is what a screen reader and a keyboard read).
use std::f64::consts::PI;
use std::rc::Rc;

use mqplay_core::delay::spec::WheelKind;
use mqplay_core::delay::trace::Told as DelayTold;
use mqplay_core::delay::view::{DelayView, LevelView, WheelView};
use mqplay_core::systems::Told;
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::{t, t1, tn};
use crate::state::LogRow;

#[derive(Properties, PartialEq)]
pub struct DialsProps {
    pub view: Rc<DelayView>,
    pub lang: Lang,
    pub log: Rc<Vec<LogRow>>,
    pub fresh_from: u64,
    pub reduced_motion: bool,
    pub now_ms: u64,
    pub on: Callback<crate::state::Msg>,
}

const CORE_R: f64 = 30.0;
const RING_W: f64 = 22.0;
const GAP: f64 = 5.0;

/// (wheel, level, bucket) the fresh log rows touched.
fn lit(rows: &[LogRow], fresh_from: u64) -> Vec<(String, u8, u32)> {
    rows.iter()
        .filter(|r| r.seq >= fresh_from)
        .filter_map(|r| match &*r.told {
            Told::Delay(DelayTold::Placed {
                task, level, bucket, ..
            }) => Some((task.wheel.clone(), *level, u32::from(*bucket))),
            Told::Delay(DelayTold::BucketExpired {
                wheel, level, bucket, ..
            }) => Some((wheel.clone(), *level, u32::from(*bucket))),
            Told::Delay(DelayTold::Transfer { task, bucket, .. }) => Some((task.wheel.clone(), 0, u32::from(*bucket))),
            _ => None,
        })
        .collect()
}

fn point(r: f64, turn: f64) -> (f64, f64) {
    let a = turn * 2.0 * PI - PI / 2.0;
    (r * a.cos(), r * a.sin())
}

/// An annular sector from `t0` to `t1` (in turns, clockwise from the top).
fn sector(r0: f64, r1: f64, t0: f64, t1: f64) -> String {
    let (x0, y0) = point(r1, t0);
    let (x1, y1) = point(r1, t1);
    let (x2, y2) = point(r0, t1);
    let (x3, y3) = point(r0, t0);
    let large = if t1 - t0 > 0.5 { 1 } else { 0 };
    format!(
        "M{x0:.2} {y0:.2} A{r1} {r1} 0 {large} 1 {x1:.2} {y1:.2} L{x2:.2} {y2:.2} A{r0} {r0} 0 {large} 0 {x3:.2} {y3:.2} Z"
    )
}

fn ring(w: &WheelView, lv: &LevelView, lang: Lang, lit: &[(String, u8, u32)]) -> Html {
    let size = f64::from(w.wheel_size);
    let r0 = CORE_R + f64::from(lv.level) * (RING_W + GAP);
    let r1 = r0 + RING_W;
    let span = |i: u32| (f64::from(i) / size, f64::from(i + 1) / size);
    let label = tn(
        lang,
        "dl.ring_label",
        &[&lv.level, &lv.tick_ms, &lv.interval_ms, &lv.current_ms],
    );
    // Slot borders only where they can be told apart.
    let borders = (w.wheel_size <= 64).then(|| {
        (0..w.wheel_size)
            .map(|i| {
                let (a, b) = point(r0, f64::from(i) / size);
                let (c, d) = point(r1, f64::from(i) / size);
                html! { <line class="slot-edge" x1={format!("{a:.2}")} y1={format!("{b:.2}")} x2={format!("{c:.2}")} y2={format!("{d:.2}")} /> }
            })
            .collect::<Html>()
    });
    let (p0, p1) = span(lv.pointer);
    html! {
        <g class={classes!("ring", format!("level-{}", lv.level))}>
            <title>{ label }</title>
            <circle class="ring-track" r={format!("{:.1}", (r0 + r1) / 2.0)} stroke-width={RING_W.to_string()} />
            { for lv.buckets.iter().map(|b| {
                let (a, c) = span(b.index);
                let is_lit = lit.iter().any(|(wn, l, i)| *wn == w.name && *l == lv.level && *i == b.index);
                let expires = b.expiration_ms.map(|e| t1(lang, "dl.expires_at", e)).unwrap_or_default();
                let names: Vec<&str> = b.tasks.iter().map(|c| c.name.as_str()).collect();
                let title = format!("{} {}", tn(lang, "dl.bucket_label", &[&b.index, &b.count, &expires]), names.join(", "));
                let (tx, ty) = point((r0 + r1) / 2.0, (a + c) / 2.0);
                html! {
                    <g class={classes!("bucket", (b.count == 0).then_some("empty"), is_lit.then_some("lit"))}>
                        <title>{ title }</title>
                        <path d={sector(r0, r1, a, c)} />
                        if b.count > 0 && w.wheel_size <= 32 {
                            <text x={format!("{tx:.1}")} y={format!("{:.1}", ty + 3.5)} text-anchor="middle">{ b.count }</text>
                        }
                    </g>
                }
            }) }
            { borders.unwrap_or_default() }
            <path class="pointer-slot" d={sector(r0 - 1.5, r1 + 1.5, p0, p1)} />
        </g>
    }
}

fn dial(w: &WheelView, lang: Lang, lit: &[(String, u8, u32)], reduced_motion: bool) -> Html {
    // At least three rings' room, so a one-ring wheel is not drawn larger than the others.
    let levels = w.levels.len().max(3) as f64;
    let outer = CORE_R + levels * (RING_W + GAP);
    let half = outer + 6.0;
    let kind = match w.kind {
        WheelKind::Hierarchical => t(lang, "dl.kind.hierarchical"),
        WheelKind::Simple => t(lang, "dl.kind.simple"),
    };
    let label = tn(
        lang,
        "dl.dial_label",
        &[&w.name, &kind, &w.wheel_size, &w.tick_ms, &w.size],
    );
    // The hand points at the middle of level 0's current bucket.
    let hand_turn = w
        .levels
        .first()
        .map_or(0.0, |lv| (f64::from(lv.pointer) + 0.5) / f64::from(w.wheel_size));
    let hand_style = format!(
        "transform: rotate({:.2}deg);{}",
        hand_turn * 360.0,
        if reduced_motion { " transition: none;" } else { "" }
    );
    html! {
        <svg class="dial" viewBox={format!("{} {} {} {}", -half, -half, 2.0 * half, 2.0 * half)} role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            { for w.levels.iter().map(|lv| ring(w, lv, lang, lit)) }
            <g class="hand" style={hand_style}>
                <line x1="0" y1="0" x2="0" y2={format!("{:.1}", -(CORE_R + RING_W))} />
            </g>
            <circle class="hub" r="4" />
            <text class="dial-clock" y={format!("{:.1}", CORE_R * 0.45)} text-anchor="middle">
                { format!("{} ms", w.levels.first().map_or(0, |l| l.current_ms)) }
            </text>
        </svg>
    }
}

fn stats(w: &WheelView, lang: Lang) -> Html {
    let s = &w.stats;
    let waiting = s.added - s.ran - s.cancelled;
    let offset = match (s.earliest_offset_ms, s.latest_offset_ms) {
        (Some(a), Some(b)) => format!("{a} … {b} ms"),
        _ => "—".into(),
    };
    let moves_key = match w.kind {
        WheelKind::Hierarchical => "dl.stat.moves",
        WheelKind::Simple => "dl.stat.rounds",
    };
    let promise = if s.outside_bound == 0 {
        html! { <span class="ok">{ t(lang, "dl.promise.kept") }</span> }
    } else {
        html! { <span class="warn">{ t1(lang, "dl.promise.broken", s.outside_bound) }</span> }
    };
    html! {
        <dl class="facts">
            <dt>{ t(lang, "dl.stat.added") }</dt><dd>{ s.added }</dd>
            <dt>{ t(lang, "dl.stat.ran") }</dt><dd>{ s.ran }</dd>
            <dt>{ t(lang, "dl.stat.cancelled") }</dt><dd>{ s.cancelled }</dd>
            <dt>{ t(lang, "dl.stat.waiting") }</dt><dd>{ waiting }</dd>
            <dt>{ t(lang, moves_key) }</dt><dd>{ s.moves }</dd>
            <dt>{ t(lang, "dl.stat.wakeups") }</dt><dd>{ s.wakeups }</dd>
            if w.kind == WheelKind::Simple {
                <dt>{ t(lang, "dl.stat.ticks") }</dt><dd>{ w.ticks_elapsed }</dd>
            }
            <dt>{ t(lang, "dl.stat.offset") }</dt><dd>{ offset }</dd>
            <dt>{ t(lang, "dl.next_wake") }</dt>
            <dd>{ w.next_wake_ms.map_or_else(|| t(lang, "dl.none").to_string(), |ms| format!("{ms} ms")) }</dd>
            <dt class="wide">{ promise }</dt>
        </dl>
    }
}

fn queue(w: &WheelView, lang: Lang) -> Html {
    match w.kind {
        WheelKind::Hierarchical => html! {
            <p class="small queue-line">
                <strong>{ t(lang, "dl.delay_queue") }</strong>{ ": " }
                if w.queued_buckets == 0 {
                    { t(lang, "dl.delay_queue_empty") }
                } else {
                    { w.delay_queue_ms.iter().map(|ms| format!("{ms} ms")).collect::<Vec<_>>().join(" · ") }
                    if w.queued_buckets > w.delay_queue_ms.len() as u64 {
                        { format!(" · +{}", w.queued_buckets - w.delay_queue_ms.len() as u64) }
                    }
                }
            </p>
        },
        WheelKind::Simple => html! {
            <p class="small queue-line"><strong>{ t(lang, "dl.timeouts_queue") }</strong>{ format!(": {}", w.waiting_transfer) }</p>
        },
    }
}

/// Every bucket holding tasks, as text.
fn bucket_list(w: &WheelView, lang: Lang) -> Html {
    html! {
        <details class="bucket-list">
            <summary>{ t(lang, "dl.buckets") }</summary>
            { for w.levels.iter().map(|lv| html! {
                <div>
                    <h3>{ tn(lang, "dl.ring_label", &[&lv.level, &lv.tick_ms, &lv.interval_ms, &lv.current_ms]) }</h3>
                    <ul>
                        { for lv.buckets.iter().map(|b| {
                            let expires = b.expiration_ms.map(|e| t1(lang, "dl.expires_at", e)).unwrap_or_default();
                            let names: Vec<String> = b.tasks.iter().map(|c| match c.rounds {
                                Some(r) => format!("{} (rounds {r}{})", c.name, if c.cancelled { ", ✕" } else { "" }),
                                None => c.name.clone(),
                            }).collect();
                            html! { <li>{ format!("{} {}", tn(lang, "dl.bucket_label", &[&b.index, &b.count, &expires]), names.join(", ")) }</li> }
                        }) }
                    </ul>
                </div>
            }) }
        </details>
    }
}

fn task_table(view: &DelayView, lang: Lang) -> Html {
    if view.tasks.is_empty() {
        return html! {};
    }
    let state = |s: &str| match s {
        "ran" => t(lang, "dl.state.ran"),
        "cancelled" => t(lang, "dl.state.cancelled"),
        _ => t(lang, "dl.state.waiting"),
    };
    let hidden = view.task_total.saturating_sub(view.tasks.len() as u64);
    html! {
        <div class="task-table" role="region" tabindex="0" aria-labelledby="dl-tasks-title">
            <h2 id="dl-tasks-title">{ t(lang, "dl.tasks") }</h2>
            <table>
                <thead><tr>
                    <th scope="col">{ t(lang, "dl.col.task") }</th>
                    <th scope="col">{ t(lang, "dl.col.added") }</th>
                    <th scope="col">{ t(lang, "dl.col.delay") }</th>
                    <th scope="col">{ t(lang, "dl.col.expires") }</th>
                    <th scope="col">{ t(lang, "dl.col.state") }</th>
                    <th scope="col">{ t(lang, "dl.col.ran") }</th>
                    <th scope="col">{ t(lang, "dl.col.offset") }</th>
                    <th scope="col">{ t(lang, "dl.col.moves") }</th>
                </tr></thead>
                <tbody>
                    { for view.tasks.iter().take(60).map(|task| html! {
                        <tr class={classes!("task-row", task.state)}>
                            <td>{ format!("{}/{}", task.wheel, task.name) }</td>
                            <td>{ task.added_at_ms }</td>
                            <td>{ task.delay_ms }</td>
                            <td>{ task.expiration_ms }</td>
                            <td>{ state(task.state) }</td>
                            <td>{ task.at_ms.map(|a| a.to_string()).unwrap_or_default() }</td>
                            <td>{ task.offset_ms.map(|o| format!("{o:+}")).unwrap_or_default() }</td>
                            <td>{ task.moves }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if hidden + view.tasks.len().saturating_sub(60) as u64 > 0 {
                <p class="muted small">{ t1(lang, "dl.more_tasks", hidden + view.tasks.len().saturating_sub(60) as u64) }</p>
            }
        </div>
    }
}

#[function_component(Dials)]
pub fn dials(p: &DialsProps) -> Html {
    let lang = p.lang;
    let lit = lit(&p.log, p.fresh_from);
    html! {
        <div class="delay-lab">
            if !p.view.wheels.is_empty() {
                <h2>{ t(lang, "dl.title") }</h2>
            } else {
                <h2>{ t(lang, "dl.redis.title") }</h2>
            }
            <div class="wheels">
                { for p.view.wheels.iter().map(|w| html! {
                    <figure class="wheel" id={format!("wheel-{}", w.name)}>
                        <figcaption>
                            <strong>{ &w.name }</strong>
                            <span class="muted small">{ format!(" {} · tick {} ms × {}", w.class, w.tick_ms, w.wheel_size) }</span>
                        </figcaption>
                        { dial(w, lang, &lit, p.reduced_motion) }
                        <ul class="levels-line small">
                            { for w.levels.iter().map(|lv| html! {
                                <li>{ tn(lang, "dl.ring_label", &[&lv.level, &lv.tick_ms, &lv.interval_ms, &lv.current_ms]) }</li>
                            }) }
                        </ul>
                        { queue(w, lang) }
                        { stats(w, lang) }
                        { bucket_list(w, lang) }
                    </figure>
                }) }
            </div>
            { task_table(&p.view, lang) }
            if let Some(r) = &p.view.redis {
                { super::zset_view::redis(r, p.now_ms, lang, &p.on) }
            }
        </div>
    }
}
