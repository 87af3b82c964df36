//! Details of the selected Kafka element, from the view only (the shell draws the frame).
use mqplay_core::kafka::partitioner::partition_for_key;
use mqplay_core::kafka::view::KafkaView;
use mqplay_core::Lang;
use yew::prelude::*;

use super::Selected;
use crate::i18n::t;
use crate::shell::inspector::{list, row};

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub lang: Lang,
    pub view: std::rc::Rc<KafkaView>,
    pub selected: Option<Selected>,
    pub palette: std::rc::Rc<super::palette::KeyPalette>,
    /// Member ids and hash arithmetic, or plain facts only.
    pub details: bool,
}

#[function_component(Details)]
pub fn details(p: &DetailsProps) -> Html {
    let lang = p.lang;
    let v = &p.view;
    let body = match &p.selected {
        None => {
            // Without a selection, show the groups: that is where lag lives.
            let groups = v.groups.iter().map(|g| group_details(lang, v, &g.id));
            html! { <><p class="muted">{ t(lang, "insp.hint") }</p>{ for groups }</> }
        }
        Some(Selected::Broker(id)) => match v.brokers.iter().find(|b| b.id == *id) {
            None => html! {},
            Some(b) => {
                let leads: Vec<String> = v
                    .topics
                    .iter()
                    .flat_map(|t| t.partitions.iter())
                    .filter(|x| x.leader == Some(b.id))
                    .map(|x| x.name.clone())
                    .collect();
                let state = if b.fenced {
                    t(lang, "insp.fenced")
                } else if b.up {
                    t(lang, "insp.up")
                } else {
                    t(lang, "insp.down")
                };
                html! { <>
                    <h3>{ format!("{} {}", t(lang, "insp.broker"), b.id) }</h3>
                    <dl>
                        { row(t(lang, "insp.state"), state) }
                        { row(t(lang, "insp.leads"), list(&leads)) }
                        { row(t(lang, "insp.coordinator_of"), list(&b.coordinator_of)) }
                    </dl>
                </> }
            }
        },
        Some(Selected::Partition(name)) => partition_details(lang, v, name, None, p.details),
        Some(Selected::Record { partition, offset }) => partition_details(lang, v, partition, Some(*offset), p.details),
        Some(Selected::Consumer(id)) => match v.consumers.iter().find(|c| &c.id == id) {
            None => html! {},
            Some(c) => {
                let positions: Vec<String> = c
                    .positions
                    .iter()
                    .map(|(p, pos, lag)| format!("{p}: {pos} ({} {lag})", t(lang, "insp.lag")))
                    .collect();
                let recent = c.recent.iter().rev().take(24).map(|r| html! {
                    <li><span class="swatch" style={format!("background:{}", p.palette.color(r.key.as_deref()))}></span>
                        { format!("{} @{} · {}", r.partition, r.offset, r.key.clone().unwrap_or_else(|| t(lang, "diag.no_key").into())) }</li>
                });
                html! { <>
                    <h3>{ format!("{} {}", t(lang, "insp.consumer"), c.id) }</h3>
                    <dl>
                        { row(t(lang, "insp.group"), c.group.clone()) }
                        { row(t(lang, "insp.state"), crate::i18n::phase(lang, &c.phase)) }
                        if let Some(wait) = super::waits::consumer_wait(lang, c) { { row(t(lang, "insp.waiting"), wait) } }
                        if p.details {
                            { row(t(lang, "insp.member_id"), html! { <code>{ c.member_id.clone().unwrap_or_else(|| "—".into()) }</code> }) }
                        }
                        { row(t(lang, "insp.generation"), c.generation.to_string()) }
                        { row(t(lang, "insp.strategy"), html! { <code id="consumer-strategy">{ format!("{} · {}", c.assignors.join(", "), c.rebalance_protocol) }</code> }) }
                        if let Some(rack) = &c.rack { { row("client.rack", rack.clone()) } }
                        if let Some(instance) = &c.instance { { row("group.instance.id", instance.clone()) } }
                        { row(t(lang, "insp.assigned"), list(&c.assigned)) }
                        { row(t(lang, "insp.positions"), list(&positions)) }
                    </dl>
                    <h4>{ t(lang, "insp.recent") }</h4>
                    <ul class="recent">{ for recent }</ul>
                </> }
            }
        },
        Some(Selected::Group(g)) => group_details(lang, v, g),
        Some(Selected::Producer(id)) => match v.producers.iter().find(|x| &x.id == id) {
            None => html! {},
            Some(pr) => html! { <>
                <h3>{ format!("{} {}", t(lang, "insp.producer"), pr.id) }</h3>
                <dl>
                    { row(t(lang, "insp.stats"), format!("{} / {} / {}", pr.sent, pr.acked, pr.failed)) }
                    if let Some(wait) = super::waits::producer_wait(lang, pr) { { row(t(lang, "insp.waiting"), html! { <span id="producer-wait">{ wait }</span> }) } }
                    { row(t(lang, "insp.sticky_partition"), list(&pr.sticky.iter().map(|(t, s)| format!("{t}: {}", s.map_or("—".into(), |p| p.to_string()))).collect::<Vec<_>>())) }
                </dl>
            </> },
        },
    };
    body
}

fn partition_details(lang: Lang, v: &KafkaView, name: &str, offset: Option<u64>, details: bool) -> Html {
    let Some((topic, part)) = v
        .topics
        .iter()
        .find_map(|t| t.partitions.iter().find(|p| p.name == name).map(|p| (t, p)))
    else {
        return html! {};
    };
    let owners: Vec<String> = part.owners.iter().map(|(g, c)| format!("{c} ({g})")).collect();
    let offsets: Vec<String> = v
        .groups
        .iter()
        .filter_map(|g| {
            let o = g.offsets.iter().find(|o| o.partition == name)?;
            Some(format!(
                "{}: {} {} · {} {}",
                g.id,
                t(lang, "insp.committed"),
                o.committed.map_or("—".into(), |c| c.to_string()),
                t(lang, "insp.lag"),
                o.lag.map_or("—".into(), |l| l.to_string())
            ))
        })
        .collect();
    let record = offset.and_then(|o| part.tail.iter().find(|r| r.offset == o)).map(|r| {
        let why = match &r.key {
            Some(_) if !details => t(lang, "insp.keyed_plain").into(),
            Some(k) => {
                let c = partition_for_key(k, topic.partitions.len() as u32);
                format!(
                    "murmur2(\"{k}\") = {} → toPositive = {} → {} % {} = {}",
                    c.murmur2,
                    c.positive,
                    c.positive,
                    topic.partitions.len(),
                    c.partition
                )
            }
            None if !details => t(lang, "insp.sticky_plain").into(),
            None => t(lang, "insp.sticky").into(),
        };
        html! { <>
            <h4>{ format!("{} {} @ {}", t(lang, "insp.record"), name, r.offset) }</h4>
            <dl>
                { row(t(lang, "act.key"), r.key.clone().unwrap_or_else(|| t(lang, "diag.no_key").into())) }
                { row(t(lang, "act.value"), r.value.clone()) }
                { row(t(lang, "insp.why_partition"), html! { <code id="why-partition">{ why }</code> }) }
            </dl>
        </> }
    });
    html! { <>
        <h3>{ format!("{} {}", t(lang, "insp.partition"), name) }</h3>
        <dl>
            { row(t(lang, "insp.leader"), part.leader.map_or(t(lang, "insp.no_leader").to_string(), |b| format!("broker {b}"))) }
            { row(t(lang, "insp.leo"), part.log_end_offset.to_string()) }
            { row(t(lang, "insp.owner"), list(&owners)) }
            { row(t(lang, "insp.committed"), list(&offsets)) }
        </dl>
        { for record }
    </> }
}

/// The group state in the learner's language with Kafka's own name beside it (what the admin
/// tools print).
fn state_named(lang: Lang, state: &str) -> String {
    let said = crate::i18n::group_state(lang, state);
    if said.contains(state) {
        said.to_string()
    } else {
        format!("{said} ({state})")
    }
}

fn group_details(lang: Lang, v: &KafkaView, id: &str) -> Html {
    let Some(g) = v.groups.iter().find(|g| g.id == id) else {
        return html! {};
    };
    let members: Vec<String> = g
        .members
        .iter()
        .map(|m| format!("{} ← {}", m.consumer, list(&m.partitions)))
        .collect();
    let rows = g.offsets.iter().map(|o| {
        html! {
            <tr><td>{ o.partition.clone() }</td><td>{ o.committed.map_or("—".into(), |c| c.to_string()) }</td>
                <td>{ o.log_end_offset }</td><td>{ o.lag.map_or("—".into(), |l| l.to_string()) }</td></tr>
        }
    });
    html! { <div class="group-details">
        <h3>{ format!("{} {}", t(lang, "insp.group"), g.id) }</h3>
        <dl>
            { row(t(lang, "insp.state"), format!("{} · {} {}", state_named(lang, &g.state), t(lang, "insp.generation"), g.generation)) }
            { row(t(lang, "diag.coordinator"), g.coordinator.map_or("—".into(), |b| format!("broker {b}"))) }
            { row(t(lang, "insp.assignor"), html! { <code id="group-protocol">{ g.protocol.clone().unwrap_or_else(|| "—".into()) }</code> }) }
            { row(t(lang, "insp.members"), list(&members)) }
        </dl>
        <table class="offsets">
            <thead><tr><th>{ t(lang, "insp.partition") }</th><th>{ t(lang, "insp.committed") }</th><th>{ "LEO" }</th><th>{ t(lang, "insp.lag") }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    </div> }
}
