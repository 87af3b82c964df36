//! A transaction's sequence diagram: producer, broker and consumer lanes; the half message,
//! SEND_OK, the local transaction, END_TRANSACTION, the check-backs numbered with their count,
//! the commit or the discard, and the consumption — one arrow per hop, in time order.
use std::rc::Rc;

use mqplay_core::rocket::view::{MessageView, RocketView};
use mqplay_core::Lang;
use yew::prelude::*;

use crate::i18n::{t, t1};

#[derive(Properties, PartialEq)]
pub struct SequenceProps {
    pub lang: Lang,
    pub view: Rc<RocketView>,
}

const LANES: [&str; 3] = ["producer", "broker", "consumer"];
const LANE_X: [f64; 3] = [150.0, 410.0, 670.0];
const ROW_H: f64 = 30.0;
const TOP: f64 = 44.0;

fn lane_x(lane: &str) -> f64 {
    LANES.iter().position(|l| *l == lane).map_or(LANE_X[1], |i| LANE_X[i])
}

fn diagram(m: &MessageView, lang: Lang) -> Html {
    let height = TOP + ROW_H * (m.hops.len() as f64 + 1.0);
    let lane_names = [
        t(lang, "rm.lane.producer"),
        t(lang, "rm.lane.broker"),
        t(lang, "rm.lane.consumer"),
    ];
    html! {
        <svg class="rm-seq" viewBox={format!("0 0 780 {height:.0}")} role="img"
            aria-label={t1(lang, "rm.seq_label", format!("#{} · {} {}", m.message, m.hops.len(), t(lang, "rm.hops")))}>
            { for LANES.iter().enumerate().map(|(i, _)| html! {
                <g class="lane">
                    <text x={format!("{:.0}", LANE_X[i])} y="18" text-anchor="middle" class="lane-name">{ lane_names[i] }</text>
                    <line x1={format!("{:.0}", LANE_X[i])} y1="26" x2={format!("{:.0}", LANE_X[i])} y2={format!("{height:.0}")} class="lane-line" />
                </g>
            }) }
            { for m.hops.iter().enumerate().map(|(i, h)| {
                let y = TOP + ROW_H * i as f64 + 12.0;
                let (x1, x2) = (lane_x(h.from), lane_x(h.to));
                // The kind, and what it carried when that says more than the kind does; a check
                // leads with its number, which is what the diagram is for.
                let label = match h.check {
                    Some(c) => format!("{} {} {}", t1(lang, "rm.check_n", c), h.kind, h.label),
                    None if h.label.is_empty() || h.label == h.kind => h.kind.to_string(),
                    None => format!("{} {}", h.kind, h.label),
                };
                let class = classes!("hop", h.kind.to_lowercase().replace(['.', '_'], "-"), h.check.map(|_| "check"));
                html! {
                    <g class={class}>
                        <title>{ format!("{} ms · {} · {}", h.at_ms, h.actor, label) }</title>
                        <text x="4" y={format!("{:.0}", y + 4.0)} class="t">{ format!("{}", h.at_ms) }</text>
                        if (x1 - x2).abs() < 1.0 {
                            <rect x={format!("{:.0}", x1 - 105.0)} y={format!("{:.0}", y - 10.0)} width="210" height="18" rx="4" class="note" />
                            <text x={format!("{x1:.0}")} y={format!("{:.0}", y + 3.0)} text-anchor="middle" class="note-text">{ short(&label, 42) }</text>
                        } else {
                            <line x1={format!("{x1:.0}")} y1={format!("{y:.0}")} x2={format!("{x2:.0}")} y2={format!("{y:.0}")} class="arrow" marker-end="url(#rm-arrow)" />
                            <text x={format!("{:.0}", (x1 + x2) / 2.0)} y={format!("{:.0}", y - 4.0)} text-anchor="middle" class="arrow-text">{ short(&label, 34) }</text>
                        }
                    </g>
                }
            }) }
            <defs>
                <marker id="rm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
        </svg>
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.into()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[function_component(Sequence)]
pub fn sequence(p: &SequenceProps) -> Html {
    let lang = p.lang;
    let chosen = use_state(|| None::<u32>);
    let txns = &p.view.transactions;
    if txns.is_empty() {
        return html! {};
    }
    let current = (*chosen)
        .filter(|m| txns.iter().any(|t| t.message == *m))
        .unwrap_or_else(|| txns.last().map_or(0, |t| t.message));
    let message = p.view.messages.iter().find(|m| m.message == current);
    let txn = txns.iter().find(|t| t.message == current);
    html! {
        <section class="panel rm-sequence" id="rm-sequence" aria-labelledby="rm-seq-title">
            <h2 id="rm-seq-title">{ t(lang, "rm.seq_title") }</h2>
            <div class="row wrap" role="group" aria-label={t(lang, "rm.seq_pick")}>
                { for txns.iter().map(|tx| {
                    let m = tx.message;
                    let chosen = chosen.clone();
                    let key = p.view.messages.iter().find(|x| x.message == m).and_then(|x| x.keys.clone()).unwrap_or_default();
                    let outcome = tx.ended.unwrap_or("pending");
                    html! {
                        <button class={classes!("small", "rm-txn", outcome, (m == current).then_some("selected"))}
                            aria-pressed={if m == current { "true" } else { "false" }}
                            onclick={Callback::from(move |_: MouseEvent| chosen.set(Some(m)))}>
                            { format!("#{m} {key} · {}", t(lang, match outcome { "commit" => "rm.out.commit", "rollback" => "rm.out.rollback", "discard" => "rm.out.discard", _ => "rm.out.pending" })) }
                        </button>
                    }
                }) }
            </div>
            if let (Some(m), Some(tx)) = (message, txn) {
                <p class="small">
                    { t1(lang, "rm.seq_facts", format!("#{} · {} · executeLocalTransaction → {} · {} {}", m.message, tx.producer, tx.local, tx.checks, t(lang, "rm.checks"))) }
                    { " · " }
                    { t(lang, match tx.db_committed { Some(true) => "rm.db.committed", Some(false) => "rm.db.rolled_back", None => "rm.db.unknown" }) }
                </p>
                <div class="rm-seq-scroll" role="region" tabindex="0" aria-label={t(lang, "rm.seq_scroll")}>
                    { diagram(m, lang) }
                </div>
            }
        </section>
    }
}
