//! Details of the selected RabbitMQ element, from the view only (the shell draws the frame).
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::Lang;
use yew::prelude::*;

use super::Selected;
use crate::i18n::{t, tn};
use crate::shell::inspector::{list, row};

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub lang: Lang,
    pub view: std::rc::Rc<RabbitView>,
    pub selected: Option<Selected>,
}

fn message(lang: Lang, m: &mqplay_core::rabbit::view::MessageView) -> Html {
    let mut facts: Vec<String> = Vec::new();
    if m.redelivered {
        facts.push(t(lang, "rq.insp.redelivered").into());
    }
    if let Some(at) = m.expires_at_ms {
        facts.push(crate::i18n::t1(lang, "rq.insp.expires", at));
    }
    html! {
        <li>
            <strong>{ format!("#{} ", m.number) }</strong><code>{ m.body.clone() }</code>
            if !facts.is_empty() { <span class="muted">{ format!(" · {}", facts.join(" · ")) }</span> }
            { for m.deaths.iter().map(|(reason, queue, count)| html! { <div class="rq-death">{ tn(lang, "rq.insp.death", &[reason, queue, count]) }</div> }) }
            if !m.headers.is_empty() { <div class="muted small"><code>{ m.headers.clone() }</code></div> }
        </li>
    }
}

#[function_component(Details)]
pub fn details(p: &DetailsProps) -> Html {
    let lang = p.lang;
    let v = &p.view;
    let l = v.ledger;
    let in_queues: u64 = v.queues.iter().map(|q| q.ready + q.unacked).sum();
    let ledger = tn(
        lang,
        "rq.insp.ledger_line",
        &[
            &l.enqueued,
            &in_queues,
            &l.acked,
            &l.auto_acked,
            &l.dead_lettered,
            &l.dropped,
            &l.purged,
            &l.deleted_with_queue,
            &l.lost_in_restart,
        ],
    );
    let by = |r: &mqplay_core::rabbit::broker::Reasons| {
        format!(
            "rejected {} · expired {} · maxlen {} · delivery_limit {}",
            r.rejected, r.expired, r.maxlen, r.delivery_limit
        )
    };
    let reasons = tn(lang, "rq.insp.reasons", &[&by(&l.dead_lettered_by), &by(&l.dropped_by)]);
    let unroutable = tn(
        lang,
        "rq.insp.unroutable_line",
        &[
            &(l.unroutable_returned + l.unroutable_dropped),
            &l.unroutable_returned,
            &l.unroutable_dropped,
            &l.refused,
        ],
    );
    let balanced = l.verdict(in_queues).starts_with("holds");
    let body = match &p.selected {
        None => html! {
            <>
                <p class="muted">{ t(lang, "rq.insp.hint") }</p>
                <h3>{ t(lang, "rq.insp.ledger") }</h3>
                <p id="rq-ledger">{ ledger }</p>
                <p>{ unroutable }</p>
                <p class="small">{ reasons }</p>
                <p id="rq-verdict" class={classes!("verdict-line", if balanced { "ok" } else { "bad" })}>
                    { t(lang, if balanced { "rq.insp.balanced" } else { "rq.insp.unbalanced" }) }
                </p>
            </>
        },
        Some(Selected::Exchange(name)) => match v.exchanges.iter().find(|x| &x.name == name) {
            None => html! {},
            Some(x) => {
                let mut flags = vec![t(lang, if x.durable { "rq.durable" } else { "rq.transient" }).to_string()];
                if x.auto_delete {
                    flags.push(t(lang, "rq.auto_delete").into());
                }
                if x.internal {
                    flags.push(t(lang, "rq.internal").into());
                }
                let bindings: Vec<String> = v
                    .bindings
                    .iter()
                    .filter(|b| &b.source == name)
                    .map(|b| {
                        let how = if b.arguments.is_empty() {
                            format!("`{}`", b.routing_key)
                        } else {
                            format!("{{{}}}", b.arguments)
                        };
                        format!("{how} → {} {}", b.destination_kind, b.destination)
                    })
                    .collect();
                let title = if name.is_empty() {
                    t(lang, "rq.default_exchange").to_string()
                } else {
                    name.clone()
                };
                html! {
                    <>
                        <h3>{ title }</h3>
                        <dl>
                            { row(t(lang, "rq.insp.type"), x.kind) }
                            { row(t(lang, "rq.insp.flags"), flags.join(", ")) }
                            { row(t(lang, "rq.insp.alternate"), x.alternate_exchange.clone().unwrap_or_else(|| "—".into())) }
                            { row(t(lang, "rq.insp.bindings"), list(&bindings)) }
                        </dl>
                    </>
                }
            }
        },
        Some(Selected::Queue(name)) => match v.queues.iter().find(|q| &q.name == name) {
            None => html! {},
            Some(q) => {
                let messages: Vec<String> = q.ready_messages.iter().map(|n| format!("#{n}")).collect();
                let consumers: Vec<String> = v
                    .connections
                    .iter()
                    .flat_map(|c| {
                        c.channels
                            .iter()
                            .flat_map(move |ch| ch.consumers.iter().map(move |k| (c, ch, k)))
                    })
                    .filter(|(_, _, k)| &k.queue == name)
                    .map(|(c, ch, k)| format!("{} ({}/ch{})", k.tag, c.name, ch.number))
                    .collect();
                html! {
                    <>
                        <h3>{ name.clone() }</h3>
                        <dl>
                            { row(t(lang, "rq.insp.type"), format!("{} · {}", q.kind, t(lang, if q.durable { "rq.durable" } else { "rq.transient" }))) }
                            { row(t(lang, "rq.ready"), q.ready.to_string()) }
                            { row(t(lang, "rq.unacked"), q.unacked.to_string()) }
                            { row(t(lang, "rq.consumers"), list(&consumers)) }
                            { row(t(lang, "rq.insp.settings"), list(&q.settings)) }
                            { row(t(lang, "rq.insp.messages"), list(&messages)) }
                            if let Some(at) = q.head_expires_at_ms { { row(t(lang, "rq.insp.head_expires"), format!("t = {at} ms")) } }
                            if let Some(at) = q.idle_deadline_ms { { row(t(lang, "rq.insp.idle_deadline"), format!("t = {at} ms")) } }
                            if let Some(owner) = &q.exclusive_owner { { row(t(lang, "rq.insp.owner"), owner.clone()) } }
                        </dl>
                        if !q.head.is_empty() {
                            <h3>{ t(lang, "rq.insp.head") }</h3>
                            <ul id="rq-head" class="rq-head">{ for q.head.iter().map(|m| message(lang, m)) }</ul>
                        }
                    </>
                }
            }
        },
        Some(Selected::Connection(name)) => match v.connections.iter().find(|c| &c.name == name) {
            None => html! {},
            Some(c) => {
                let channels: Vec<String> = c
                    .channels
                    .iter()
                    .map(|ch| {
                        let confirm = if ch.confirm { t(lang, "rq.insp.confirm") } else { "" };
                        let global = if ch.global_prefetch_count > 0 {
                            tn(lang, "rq.insp.global", &[&ch.global_prefetch_count])
                        } else {
                            String::new()
                        };
                        tn(
                            lang,
                            "rq.insp.channel_line",
                            &[&ch.number, &confirm, &ch.prefetch_count, &global, &ch.unacked],
                        )
                    })
                    .collect();
                html! {
                    <>
                        <h3>{ name.clone() }</h3>
                        <dl>{ row(t(lang, "rq.insp.channels"), html! { <ul>{ for channels.iter().map(|c| html! { <li>{ c.clone() }</li> }) }</ul> }) }</dl>
                    </>
                }
            }
        },
        Some(Selected::Consumer {
            connection,
            channel,
            tag,
        }) => {
            let k = v
                .connections
                .iter()
                .find(|c| &c.name == connection)
                .and_then(|c| c.channels.iter().find(|ch| ch.number == *channel))
                .and_then(|ch| ch.consumers.iter().find(|k| &k.tag == tag));
            match k {
                None => html! {},
                Some(k) => html! {
                    <>
                        <h3>{ tag.clone() }</h3>
                        <dl>
                            { row(t(lang, "rq.insp.channels"), format!("{connection}/ch{channel}")) }
                            { row(t(lang, "rq.consumers"), k.queue.clone()) }
                            { row(t(lang, "rq.unacked"), format!("{}{}", k.unacked, if k.prefetch_count > 0 { format!(" / prefetch {}", k.prefetch_count) } else { String::new() })) }
                            if k.no_ack { { row(t(lang, "rq.insp.flags"), "no_ack (auto-ack)") } }
                        </dl>
                    </>
                },
            }
        }
    };
    html! { <div class="rq-details">{ body }</div> }
}
