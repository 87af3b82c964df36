//! The cluster: a card per broker with its topics' queues as rows of message cells (user topics
//! first, then `%RETRY%` / `%DLQ%`, then the system topics a message passes through), the 18
//! delay-level queues of `SCHEDULE_TOPIC_XXXX` with what waits and a countdown, the timer store
//! and the half messages still unresolved; then producers and consumers with their queues.
use std::collections::BTreeMap;
use std::rc::Rc;

use mqplay_core::rocket::view::{
    BrokerView, ClientRouteView, NameServerView, QueueView, RocketView, TopicView, TracerView,
};
use mqplay_core::Lang;
use yew::prelude::*;

use super::Intent;
use crate::i18n::{t, t1, t2};
use crate::shell::on_click;
use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub lang: Lang,
    pub view: Rc<RocketView>,
    pub now_ms: u64,
    pub on: Callback<Msg>,
}

/// `90000` → `1m30s`, `7200000` → `2h`.
pub fn span(ms: u64) -> String {
    if ms == 0 {
        return "0".into();
    }
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut out = String::new();
    if h > 0 {
        out += &format!("{h}h");
    }
    if m > 0 {
        out += &format!("{m}m");
    }
    if s > 0 || (rest > 0 && ms >= 1000) {
        out += &format!("{s}s");
    }
    if ms < 1000 {
        out += &format!("{ms}ms");
    }
    out
}

fn cells(q: &QueueView, kinds: &BTreeMap<u32, &'static str>, lang: Lang) -> Html {
    html! {
        <ol class="rm-cells" aria-label={t1(lang, "rm.queue_label", format!("{} · {}", q.id, q.max_offset))}>
            { for q.cells.iter().map(|(offset, m)| html! {
                <li class={classes!("rm-cell", kinds.get(m).copied().unwrap_or("normal"))} title={format!("#{m} @ {offset}")}>{ format!("#{m}") }</li>
            }) }
        </ol>
    }
}

fn topic(tv: &TopicView, kinds: &BTreeMap<u32, &'static str>, lang: Lang) -> Html {
    html! {
        <div class={classes!("rm-topic", tv.kind)}>
            <div class="rm-topic-name"><strong>{ &tv.name }</strong>
                <span class="muted small">{ format!(" · {}", t(lang, match tv.kind { "retry" => "rm.kind.retry", "dlq" => "rm.kind.dlq", "system" => "rm.kind.system", _ => "rm.kind.user" })) }</span>
            </div>
            { for tv.queues.iter().map(|q| html! {
                <div class="rm-queue">
                    <span class="rm-qid">{ format!("q{}", q.id) }</span>
                    <span class="rm-max muted small">{ format!("max {}", q.max_offset) }</span>
                    { cells(q, kinds, lang) }
                </div>
            }) }
        </div>
    }
}

fn broker(b: &BrokerView, kinds: &BTreeMap<u32, &'static str>, now_ms: u64, lang: Lang, on: &Callback<Msg>) -> Html {
    let (mut user, system): (Vec<&TopicView>, Vec<&TopicView>) = b.topics.iter().partition(|t| t.kind != "system");
    // The learner's topics first, then where failed messages go.
    user.sort_by_key(|t| match t.kind {
        "user" => 0,
        "retry" => 1,
        _ => 2,
    });
    let waiting_levels: Vec<_> = b.delay_levels.iter().filter(|l| l.waiting > 0).collect();
    html! {
        <section class={classes!("rm-broker", (!b.up).then_some("down"))} id={format!("rm-broker-{}", b.name)} aria-label={b.name.clone()}>
            <header class="row">
                <h3>{ &b.name }</h3>
                <span class={classes!("badge", if b.up { "ok" } else { "bad" })}>{ t(lang, if b.up { "rm.up" } else { "rm.down" }) }</span>
                <span class="muted small">{ t1(lang, "rm.commit_log", b.commit_log_bytes) }</span>
                if b.slave.is_some() || b.role != "ASYNC_MASTER" { <span class="mono small">{ b.role }</span> }
                if b.up {
                    <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Crash(b.name.clone())))}>{ t(lang, "rm.crash") }</button>
                } else {
                    <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Restart(b.name.clone())))}>{ t(lang, "rm.restart") }</button>
                }
            </header>
            { for b.slave.as_ref().map(|sv| html! {
                <div class={classes!("rm-slave", "small", (!sv.up).then_some("down"))} id={format!("rm-slave-{}", b.name)}>
                    <strong class="mono">{ &sv.name }</strong>{ " · brokerId 1 · " }
                    <span class={classes!("badge", if sv.up { "ok" } else { "bad" })}>{ t(lang, if sv.up { "rm.up" } else { "rm.down" }) }</span>
                    { " " }{ t2(lang, "rm.slave.copy", sv.messages, sv.bytes) }
                    if sv.behind > 0 { <span class="warn">{ " · " }{ t1(lang, "rm.slave.behind", sv.behind) }</span> }
                    if sv.sync_waiting > 0 { <span class="warn">{ " · " }{ t1(lang, "rm.slave.sync_waiting", sv.sync_waiting) }</span> }
                    { " " }
                    if sv.up {
                        <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Crash(sv.name.clone())))}>{ t(lang, "rm.crash") }</button>
                    } else {
                        <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Restart(sv.name.clone())))}>{ t(lang, "rm.restart") }</button>
                    }
                </div>
            }) }
            { for user.iter().map(|tv| topic(tv, kinds, lang)) }
            <div class="rm-levels" role="list" aria-label={t(lang, "rm.levels")}>
                <div class="rm-levels-title small"><strong>{ "SCHEDULE_TOPIC_XXXX" }</strong>{ format!(" · {}", t(lang, "rm.levels")) }</div>
                { for b.delay_levels.iter().map(|l| {
                    let countdown = l.next_due_ms.map(|d| d.saturating_sub(now_ms));
                    html! {
                        <div role="listitem" class={classes!("rm-level", (l.waiting > 0).then_some("busy"))}
                            title={t1(lang, "rm.level_title", format!("{} = queue {}", l.level, l.level - 1))}>
                            <span class="lv">{ l.level }</span>
                            <span class="d">{ span(l.delay_ms) }</span>
                            if l.waiting > 0 {
                                <span class="n">{ format!("×{}", l.waiting) }</span>
                                if let Some(c) = countdown { <span class="c">{ span(c) }</span> }
                            }
                        </div>
                    }
                }) }
            </div>
            if waiting_levels.is_empty() && b.timer_waiting == 0 && b.half_pending == 0 {
                <p class="muted small">{ t(lang, "rm.nothing_parked") }</p>
            }
            <dl class="facts small">
                <dt>{ "rmq_sys_wheel_timer" }</dt>
                <dd>{ match b.timer_next_ms {
                    Some(n) => format!("{} · {}", t1(lang, "rm.timer_waiting", b.timer_waiting), t1(lang, "rm.next_out", span(n.saturating_sub(now_ms)))),
                    None => t(lang, "rm.empty").to_string(),
                } }</dd>
                <dt>{ "RMQ_SYS_TRANS_HALF_TOPIC" }</dt>
                <dd>{ t1(lang, "rm.half_pending", b.half_pending) }</dd>
            </dl>
            if !system.is_empty() {
                <details class="rm-system">
                    <summary>{ t1(lang, "rm.system_topics", system.len()) }</summary>
                    { for system.iter().map(|tv| topic(tv, kinds, lang)) }
                </details>
            }
        </section>
    }
}

#[function_component(Cluster)]
pub fn cluster(p: &ClusterProps) -> Html {
    let lang = p.lang;
    let kinds: BTreeMap<u32, &'static str> = p.view.messages.iter().map(|m| (m.message, m.kind)).collect();
    html! {
        <div class="rm-cluster" id="rm-cluster">
            <h2>{ t(lang, "rm.title") }</h2>
            { name_server(&p.view.name_server, p.now_ms, lang, &p.on) }
            <div class="rm-clients">
                { for p.view.producers.iter().map(|pr| html! {
                    <div class={classes!("rm-client", "producer", (!pr.up).then_some("down"))} id={format!("rm-producer-{}", pr.name)}>
                        <strong>{ &pr.name }</strong>
                        <span class="muted small">{ format!(" · {} {}", t(lang, "rm.group"), pr.group) }</span>
                        if let Some((unsent, sent)) = pr.outbox {
                            <div class="small">{ t1(lang, "rm.outbox", format!("{unsent} / {sent}")) }</div>
                        }
                        { routes(&pr.routes, lang, true) }
                        { for pr.tracer.as_ref().map(|tr| tracer(tr, lang)) }
                        { for pr.avoiding.iter().map(|(b, until)| html! {
                            <div class="small warn">{ t1(lang, "rm.avoiding", format!("{b} → {} ms", until)) }</div>
                        }) }
                        <div>
                            if pr.up {
                                <button class="small" onclick={on_click(&p.on, Msg::Rocket(Intent::Crash(pr.name.clone())))}>{ t(lang, "rm.crash") }</button>
                            } else {
                                <span class="badge bad">{ t(lang, "rm.down") }</span>
                                <button class="small" onclick={on_click(&p.on, Msg::Rocket(Intent::Restart(pr.name.clone())))}>{ t(lang, "rm.restart") }</button>
                            }
                        </div>
                    </div>
                }) }
            </div>
            <div class="rm-brokers">
                { for p.view.brokers.iter().map(|b| broker(b, &kinds, p.now_ms, lang, &p.on)) }
            </div>
            <div class="rm-clients">
                { for p.view.consumers.iter().map(|c| html! {
                    <div class={classes!("rm-client", "consumer", (!c.up).then_some("down"))} id={format!("rm-consumer-{}", c.name)}>
                        <strong>{ &c.name }</strong>
                        <span class="muted small">{ format!(" · {} {} · {}{}", t(lang, "rm.group"), c.group, c.model, if c.orderly { " · orderly" } else { "" }) }</span>
                        <div class="muted small mono">{ &c.client_id }</div>
                        { routes(&c.routes, lang, false) }
                        { for c.tracer.as_ref().map(|tr| tracer(tr, lang)) }
                        if c.queues.is_empty() {
                            <div class="small muted">{ t(lang, if c.started { "rm.no_queues" } else { "rm.not_started" }) }</div>
                        } else {
                            <table class="rm-pq small">
                                <thead><tr><th>{ t(lang, "rm.mq") }</th><th>{ t(lang, "rm.next_pull") }</th><th>{ t(lang, "rm.consumed") }</th><th>{ t(lang, "rm.in_flight") }</th></tr></thead>
                                <tbody>
                                    { for c.queues.iter().map(|q| html! {
                                        <tr class={classes!(q.suspended_until.is_some().then_some("suspended"))}>
                                            <td class="mono">{ &q.queue }
                                                if c.orderly {
                                                    if q.lock_expired {
                                                        <span class="badge bad">{ t(lang, "rm.lock_expired") }</span>
                                                    } else {
                                                        <span class={classes!("badge", if q.locked { "ok" } else { "bad" })}>{ t(lang, if q.locked { "rm.locked" } else { "rm.unlocked" }) }</span>
                                                    }
                                                }
                                            </td>
                                            <td>{ q.next_pull }</td><td>{ q.consumed }</td>
                                            <td>{ q.in_flight }{ q.suspended_until.map(|u| format!(" · {}", t1(lang, "rm.suspended_until", u))).unwrap_or_default() }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        }
                        <div>
                            if c.up {
                                <button class="small" onclick={on_click(&p.on, Msg::Rocket(Intent::Crash(c.name.clone())))}>{ t(lang, "rm.crash") }</button>
                            } else {
                                <span class="badge bad">{ t(lang, "rm.down") }</span>
                                <button class="small" onclick={on_click(&p.on, Msg::Rocket(Intent::Restart(c.name.clone())))}>{ t(lang, "rm.restart") }</button>
                            }
                        </div>
                    </div>
                }) }
            </div>
        </div>
    }
}

/// The name server's two tables: live broker processes with their last registration, and the
/// queue data each topic's route is made of.
fn name_server(ns: &NameServerView, now_ms: u64, lang: Lang, on: &Callback<Msg>) -> Html {
    html! {
        <section class={classes!("rm-namesrv", (!ns.up).then_some("down"))} id="rm-namesrv" aria-label={t(lang, "rm.ns.title")}>
            <header class="row">
                <h3>{ t(lang, "rm.ns.title") }</h3>
                <span class="mono small">{ "namesrv:9876" }</span>
                <span class={classes!("badge", if ns.up { "ok" } else { "bad" })}>{ t(lang, if ns.up { "rm.up" } else { "rm.down" }) }</span>
                if ns.up {
                    <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Crash("namesrv".into())))}>{ t(lang, "rm.crash") }</button>
                } else {
                    <button class="small" onclick={on_click(on, Msg::Rocket(Intent::Restart("namesrv".into())))}>{ t(lang, "rm.restart") }</button>
                }
            </header>
            <p class="muted small">{ t(lang, "rm.ns.about") }</p>
            if ns.brokers.is_empty() {
                <p class="small warn">{ t(lang, "rm.ns.empty") }</p>
            } else {
                <table class="rm-pq small">
                    <thead><tr>
                        <th>{ t(lang, "rm.ns.broker") }</th><th>{ "brokerId" }</th><th>{ t(lang, "rm.ns.role") }</th>
                        <th>{ t(lang, "rm.ns.last") }</th><th>{ t(lang, "rm.ns.expires") }</th>
                    </tr></thead>
                    <tbody>
                        { for ns.brokers.iter().map(|b| html! {
                            <tr class={classes!((b.expires_ms <= now_ms + 30_000).then_some("suspended"))}>
                                <td class="mono">{ &b.broker_name }</td>
                                <td>{ b.broker_id }</td>
                                <td>{ t(lang, if b.broker_id == 0 { "rm.ns.master" } else { "rm.ns.slave" }) }</td>
                                <td>{ t2(lang, "rm.ns.ms_ago", b.last_registered_ms, span(now_ms.saturating_sub(b.last_registered_ms))) }</td>
                                <td>{ format!("{} ms", b.expires_ms) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if !ns.topics.is_empty() {
                <details class="rm-system">
                    <summary>{ t(lang, "rm.ns.topics") }</summary>
                    <ul class="small mono">
                        { for ns.topics.iter().map(|(topic, queues)| html! {
                            <li>{ format!("{topic}: {}", queues.iter().map(|(b, n)| format!("{b}×{n}")).collect::<Vec<_>>().join(", ")) }</li>
                        }) }
                    </ul>
                </details>
            }
        </section>
    }
}

/// A client's copy of its routes (`topicRouteTable`): per topic, the brokers and their queues,
/// a brokerName without master marked.
fn routes(routes: &[ClientRouteView], lang: Lang, producer: bool) -> Html {
    if routes.is_empty() {
        return html! { <div class="small muted">{ t(lang, if producer { "rm.route.none" } else { "rm.not_started" }) }</div> };
    }
    html! {
        <ul class="small rm-routes">
            { for routes.iter().map(|r| {
                let brokers: Vec<String> = r.brokers.iter().map(|(b, n, master)| {
                    if *master { format!("{b}×{n}") } else { format!("{b}×{n} ({})", t(lang, "rm.route.no_master")) }
                }).collect();
                html! { <li class="mono">{ t2(lang, "rm.route", &r.topic, brokers.join(", ")) }</li> }
            }) }
        </ul>
    }
}

/// A client's trace dispatcher: its topic, what waits for the next batch and when it goes.
fn tracer(tr: &TracerView, lang: Lang) -> Html {
    let waiting = match tr.flush_at_ms {
        Some(at) => t2(lang, "rm.tracer.waiting_until", tr.pending, at),
        None => t1(lang, "rm.tracer.waiting", tr.pending),
    };
    html! {
        <div class="small rm-tracer">
            { t2(lang, "rm.tracer", &tr.topic, tr.batch) }{ " · " }{ waiting }{ " · " }{ t1(lang, "rm.tracer.sent", tr.sent_records) }
            if tr.lost > 0 { <span class="warn">{ " · " }{ t1(lang, "rm.tracer.lost", tr.lost) }</span> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn spans_read_like_delay_levels() {
        assert_eq!(span(1_000), "1s");
        assert_eq!(span(90_000), "1m30s");
        assert_eq!(span(7_200_000), "2h");
        assert_eq!(span(250), "250ms");
        assert_eq!(span(0), "0");
    }
}
