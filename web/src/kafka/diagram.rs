//! The cluster drawn as SVG: brokers holding partition lanes of offset cells (coloured by key),
//! producers on the left, consumer groups on the right with assignment lines and lag badges.
//! `layout` is a pure function of the view, so positions are testable without a browser.
use mqplay_core::kafka::partitioner::{murmur2, to_positive};
use mqplay_core::kafka::view::{KafkaView, PartitionView};
use mqplay_core::Lang;
use yew::prelude::*;

use super::Selected;
use crate::i18n::t;
use crate::state::{Msg, Selection};

pub const WIDTH: f64 = 1000.0;
const LANE_H: f64 = 30.0;
const BROKER_HEADER: f64 = 30.0;
const BROKER_GAP: f64 = 14.0;
const CELL_W: f64 = 17.0;
const CELL_STEP: f64 = 19.0;
/// Cells drawn per lane; older records scroll off to the left.
pub const LANE_CELLS: usize = 18;
const BROKER_X: f64 = 150.0;
const BROKER_W: f64 = 560.0;
const CELLS_X: f64 = 240.0;
const CONSUMER_X: f64 = 790.0;
const CONSUMER_W: f64 = 200.0;
const CONSUMER_H: f64 = 40.0;
const TOP: f64 = 30.0;

/// Consumer colours: distinct, readable on white, not used for keys' pastel cells.
const CONSUMER_COLORS: &[&str] = &[
    "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f",
];

/// A stable colour per key (hue from the same murmur2 Kafka uses, so it is reproducible anywhere).
pub fn key_color(key: Option<&str>) -> String {
    match key {
        None => "#cbd5e1".into(),
        Some(k) => format!("hsl({}, 70%, 72%)", to_positive(murmur2(k.as_bytes())) % 360),
    }
}

/// `text` cut to about `width` latin characters (a CJK character counts two), with "…" when cut:
/// SVG text does not wrap, and a label must not run out of its card.
pub fn fit(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = if c > '\u{2e80}' { 2 } else { 1 };
        if used + w > width {
            out.pop();
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// A consumer's partitions for its card: the list while it is short, else how many.
fn assigned_short(lang: Lang, assigned: &[String]) -> String {
    let list = assigned.join(" ");
    if assigned.is_empty() {
        "—".into()
    } else if list.chars().count() <= 18 {
        list
    } else {
        crate::i18n::t1(lang, "diag.partitions_n", assigned.len())
    }
}

pub fn consumer_color(index: usize) -> &'static str {
    CONSUMER_COLORS[index % CONSUMER_COLORS.len()]
}

#[derive(Debug, Clone, PartialEq)]
pub struct LanePos {
    pub partition: String,
    pub broker: u32,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub brokers: Vec<(u32, f64, f64)>,
    pub lanes: Vec<LanePos>,
    /// `(group, y)` of each group header and `(consumer, y, colour index)` of each consumer box.
    pub groups: Vec<(String, f64)>,
    pub consumers: Vec<(String, f64, usize)>,
    pub producers: Vec<(String, f64)>,
    pub height: f64,
}

/// Places every element: lanes sit in the broker box of their (single) replica.
pub fn layout(view: &KafkaView) -> Layout {
    let mut y = TOP;
    let mut brokers = Vec::new();
    let mut lanes = Vec::new();
    for b in &view.brokers {
        let parts: Vec<&PartitionView> = view
            .topics
            .iter()
            .flat_map(|t| t.partitions.iter())
            .filter(|p| p.replica == b.id)
            .collect();
        let h = BROKER_HEADER + LANE_H * parts.len().max(1) as f64 + 6.0;
        for (i, p) in parts.iter().enumerate() {
            lanes.push(LanePos {
                partition: p.name.clone(),
                broker: b.id,
                y: y + BROKER_HEADER + LANE_H * i as f64 + LANE_H / 2.0,
            });
        }
        brokers.push((b.id, y, h));
        y += h + BROKER_GAP;
    }
    let mut cy = TOP;
    let mut groups = Vec::new();
    let mut consumers = Vec::new();
    let mut seen_groups: Vec<&str> = Vec::new();
    for c in &view.consumers {
        if !seen_groups.contains(&c.group.as_str()) {
            seen_groups.push(&c.group);
        }
    }
    for g in &seen_groups {
        groups.push((g.to_string(), cy));
        cy += 34.0;
        for (i, c) in view.consumers.iter().enumerate().filter(|(_, c)| c.group == *g) {
            consumers.push((c.id.clone(), cy + CONSUMER_H / 2.0, i));
            cy += CONSUMER_H + 8.0;
        }
        cy += 10.0;
    }
    let producers = view
        .producers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), TOP + 30.0 + 60.0 * i as f64))
        .collect();
    Layout {
        brokers,
        lanes,
        groups,
        consumers,
        producers,
        height: y.max(cy).max(160.0) + 10.0,
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub view: std::rc::Rc<KafkaView>,
    pub lang: Lang,
    pub selected: Option<Selected>,
    pub highlight: Vec<String>,
    pub on: Callback<Msg>,
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let view = &props.view;
    let lang = props.lang;
    let l = layout(view);
    let hl = |id: &str| props.highlight.iter().any(|h| h == id);
    let select = |s: Selected| {
        let on = props.on.clone();
        Callback::from(move |_: MouseEvent| on.emit(Msg::Select(Some(Selection::Kafka(s.clone())))))
    };
    // Diagram elements act as buttons: Enter or Space selects, like a click.
    let select_key = |s: Selected| {
        let on = props.on.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on.emit(Msg::Select(Some(Selection::Kafka(s.clone()))));
            }
        })
    };
    let selected = |s: &Selected| props.selected.as_ref() == Some(s);
    let partition = |name: &str| {
        view.topics
            .iter()
            .flat_map(|t| t.partitions.iter())
            .find(|p| p.name == name)
    };
    let topic_of = |name: &str| {
        view.topics
            .iter()
            .find(|t| t.partitions.iter().any(|p| p.name == name))
            .map(|t| t.name.clone())
    };

    let brokers = l.brokers.iter().map(|(id, y, h)| {
        let b = view.brokers.iter().find(|b| b.id == *id);
        let up = b.is_some_and(|b| b.up);
        let fenced = b.is_some_and(|b| b.fenced);
        let name = format!("broker-{id}");
        let class = classes!("broker", (!up).then_some("down"), hl(&name).then_some("hl"), selected(&Selected::Broker(*id)).then_some("selected"));
        let status = if fenced { t(lang, "diag.fenced") } else if !up { t(lang, "diag.down") } else { "" };
        let coord = b.map(|b| b.coordinator_of.join(", ")).unwrap_or_default();
        html! {
            <g class={class} onclick={select(Selected::Broker(*id))} onkeydown={select_key(Selected::Broker(*id))} role="button" tabindex="0" aria-label={name.clone()} id={format!("el-{name}")}>
                <rect x={BROKER_X.to_string()} y={y.to_string()} width={BROKER_W.to_string()} height={h.to_string()} rx="10" />
                <text class="broker-name" x={(BROKER_X + 12.0).to_string()} y={(y + 20.0).to_string()}>{ format!("Broker {id}") }</text>
                if !status.is_empty() {
                    <text class="broker-status" x={(BROKER_X + 90.0).to_string()} y={(y + 20.0).to_string()}>{ status }</text>
                }
                if !coord.is_empty() {
                    <text class="coord-badge" x={(BROKER_X + BROKER_W - 12.0).to_string()} y={(y + 20.0).to_string()} text-anchor="end">
                        { format!("★ {} {coord}", t(lang, "diag.coordinator")) }
                    </text>
                }
            </g>
        }
    });

    let lanes = l.lanes.iter().filter_map(|lane| {
        let p = partition(&lane.partition)?;
        let topic = topic_of(&lane.partition).unwrap_or_default();
        let offline = p.leader.is_none();
        let class = classes!(
            "lane",
            offline.then_some("offline"),
            (hl(&lane.partition) || hl(&topic)).then_some("hl"),
            selected(&Selected::Partition(lane.partition.clone())).then_some("selected")
        );
        let y = lane.y;
        let skip = p.tail.len().saturating_sub(LANE_CELLS);
        let cells = p.tail[skip..].iter().enumerate().map(|(i, r)| {
            let x = CELLS_X + CELL_STEP * i as f64;
            let sel = Selected::Record { partition: lane.partition.clone(), offset: r.offset };
            let key_label = r.key.clone().unwrap_or_else(|| t(lang, "diag.no_key").into());
            let cell_class = classes!("cell", selected(&sel).then_some("selected"), r.key.as_ref().is_some_and(|k| hl(k)).then_some("hl"));
            html! {
                <g key={r.offset} class={cell_class} onclick={select(sel)}>
                    <rect x={x.to_string()} y={(y - 11.0).to_string()} width={CELL_W.to_string()} height="22" rx="3"
                        fill={key_color(r.key.as_deref())} />
                    <text class="cell-offset" x={(x + CELL_W / 2.0).to_string()} y={(y + 4.0).to_string()} text-anchor="middle">{ r.offset % 1000 }</text>
                    <title>{ format!("{} · offset {} · key {} · {}", lane.partition, r.offset, key_label, r.value) }</title>
                </g>
            }
        });
        let end_x = CELLS_X + CELL_STEP * LANE_CELLS as f64 + 6.0;
        Some(html! {
            <g class={class} id={format!("el-{}", lane.partition)} role="button" tabindex="0" aria-label={lane.partition.clone()}
                onkeydown={select_key(Selected::Partition(lane.partition.clone()))}>
                <rect class="lane-bg" x={(BROKER_X + 8.0).to_string()} y={(y - 13.0).to_string()} width={(BROKER_W - 16.0).to_string()} height="26" rx="6"
                    onclick={select(Selected::Partition(lane.partition.clone()))} />
                <text class="lane-name" x={(BROKER_X + 16.0).to_string()} y={(y + 4.0).to_string()}
                    onclick={select(Selected::Partition(lane.partition.clone()))}>{ lane.partition.clone() }</text>
                { for cells }
                <text class="lane-leo" x={end_x.to_string()} y={(y + 4.0).to_string()}>
                    { if offline { t(lang, "diag.offline").to_string() } else { format!("LEO {}", p.log_end_offset) } }
                </text>
            </g>
        })
    });

    let lines = l.lanes.iter().flat_map(|lane| {
        let p = partition(&lane.partition);
        let owners = p.map(|p| p.owners.clone()).unwrap_or_default();
        let lane_y = lane.y;
        let partition_name = lane.partition.clone();
        let targets: Vec<(f64, usize, String)> = owners
            .iter()
            .filter_map(|(_, consumer)| l.consumers.iter().find(|(c, _, _)| c == consumer).map(|(c, y, i)| (*y, *i, c.clone())))
            .collect();
        targets.into_iter().map(move |(cy, ci, consumer)| {
            let x1 = BROKER_X + BROKER_W;
            let path = format!("M {x1} {lane_y} C {} {lane_y}, {} {cy}, {CONSUMER_X} {cy}", x1 + 40.0, CONSUMER_X - 40.0);
            html! {
                <path key={format!("{partition_name}->{consumer}")} class="assign-line" d={path} stroke={consumer_color(ci)} />
            }
        })
    });

    // A group's name, then its generation and state (in Kafka's words on hover) on a line of
    // their own, so neither is clipped.
    let groups = l.groups.iter().map(|(g, y)| {
        let gv = view.groups.iter().find(|x| &x.id == g);
        let detail = gv.map(|gv| {
            format!(
                "{} · {}",
                crate::i18n::t1(lang, "diag.generation", gv.generation),
                crate::i18n::group_state(lang, &gv.state)
            )
        });
        let title = gv.map(|gv| format!("{g} · generation {} · {}", gv.generation, gv.state));
        html! {
            <g class="group-header" onclick={select(Selected::Group(g.clone()))} id={format!("el-{g}")}>
                <text class={classes!("group-name", hl(g).then_some("hl"))} x={CONSUMER_X.to_string()} y={(y + 12.0).to_string()}>
                    { fit(g, 30) }
                </text>
                if let Some(detail) = detail {
                    <text class="group-state" x={CONSUMER_X.to_string()} y={(y + 25.0).to_string()}>{ fit(&detail, 32) }</text>
                }
                if let Some(title) = title { <title>{ title }</title> }
            </g>
        }
    });

    let consumers = l.consumers.iter().filter_map(|(id, y, ci)| {
        let c = view.consumers.iter().find(|c| &c.id == id)?;
        let lag: u64 = c.positions.iter().map(|(_, _, lag)| lag).sum();
        let running = !matches!(c.phase.as_str(), "stopped" | "crashed");
        let idle = running && c.phase == "stable" && c.assigned.is_empty();
        let class = classes!("consumer", (!running).then_some("down"), hl(id).then_some("hl"), selected(&Selected::Consumer(id.clone())).then_some("selected"));
        let top = y - CONSUMER_H / 2.0;
        let status = if idle { t(lang, "diag.idle") } else { crate::i18n::phase(lang, &c.phase) };
        Some(html! {
            <g class={class} onclick={select(Selected::Consumer(id.clone()))} onkeydown={select_key(Selected::Consumer(id.clone()))} role="button" tabindex="0" aria-label={id.clone()} id={format!("el-{id}")}>
                <rect x={CONSUMER_X.to_string()} y={top.to_string()} width={CONSUMER_W.to_string()} height={CONSUMER_H.to_string()} rx="8"
                    style={format!("stroke: {}", consumer_color(*ci))} />
                <circle cx={(CONSUMER_X + 14.0).to_string()} cy={y.to_string()} r="5" fill={consumer_color(*ci)} />
                <text class="consumer-name" x={(CONSUMER_X + 26.0).to_string()} y={(y - 3.0).to_string()}>{ fit(id, 15) }</text>
                <text class="consumer-status" x={(CONSUMER_X + 26.0).to_string()} y={(y + 12.0).to_string()}>
                    { fit(&format!("{} · {}", status, assigned_short(lang, &c.assigned)), 27) }
                </text>
                <title>{ format!("{id} · {status} · {}", if c.assigned.is_empty() { "—".to_string() } else { c.assigned.join(", ") }) }</title>
                if running && !c.positions.is_empty() {
                    <g class={classes!("lag-badge", (lag > 0).then_some("behind"))}>
                        <rect x={(CONSUMER_X + CONSUMER_W - 58.0).to_string()} y={(top + 6.0).to_string()} width="50" height="16" rx="8" />
                        <text x={(CONSUMER_X + CONSUMER_W - 33.0).to_string()} y={(top + 18.0).to_string()} text-anchor="middle">
                            { format!("{} {lag}", t(lang, "diag.lag")) }
                        </text>
                    </g>
                }
            </g>
        })
    });

    let producers = l.producers.iter().filter_map(|(id, y)| {
        let p = view.producers.iter().find(|p| &p.id == id)?;
        let class = classes!("producer", hl(id).then_some("hl"), selected(&Selected::Producer(id.clone())).then_some("selected"));
        Some(html! {
            <g class={class} onclick={select(Selected::Producer(id.clone()))} onkeydown={select_key(Selected::Producer(id.clone()))} role="button" tabindex="0" aria-label={id.clone()} id={format!("el-{id}")}>
                <rect x="6" y={(y - 22.0).to_string()} width="120" height="44" rx="8" />
                <text class="producer-name" x="16" y={(y - 4.0).to_string()}>{ id.clone() }</text>
                <text class="producer-stats" x="16" y={(y + 12.0).to_string()}>{ if p.queued > 0 { format!("✓{} ✗{} (+{})", p.acked, p.failed, p.queued) } else { format!("✓{} ✗{}", p.acked, p.failed) } }</text>
                <path class="producer-arrow" d={format!("M 126 {y} L {} {y}", BROKER_X - 4.0)} marker-end="url(#arrow)" />
            </g>
        })
    });

    html! {
        <svg class="diagram" viewBox={format!("0 0 {WIDTH} {}", l.height)} role="img"
            aria-label={t(lang, "diag.title")} preserveAspectRatio="xMidYMin meet">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8" />
                </marker>
            </defs>
            <text class="col-title" x="6" y="16">{ t(lang, "diag.producers") }</text>
            <text class="col-title" x={BROKER_X.to_string()} y="16">{ t(lang, "diag.title") }</text>
            <text class="col-title" x={CONSUMER_X.to_string()} y="16">{ t(lang, "diag.consumers") }</text>
            { for lines }
            { for brokers }
            { for lanes }
            { for producers }
            { for groups }
            { for consumers }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_sit_inside_their_broker_and_do_not_overlap() {
        let mut sim = mqplay_core::Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
        sim.run_until(8_000);
        let view = sim.view();
        let l = layout(view.kafka.as_ref().unwrap());
        assert_eq!(l.lanes.len(), 3);
        for lane in &l.lanes {
            let (_, top, h) = l.brokers.iter().find(|(id, _, _)| *id == lane.broker).unwrap();
            assert!(lane.y > *top && lane.y < top + h, "{lane:?} outside its broker");
        }
        let mut ys: Vec<f64> = l.lanes.iter().map(|x| x.y).collect();
        ys.sort_by(f64::total_cmp);
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= LANE_H));
        assert_eq!(l.consumers.len(), 2);
    }

    #[test]
    fn labels_are_cut_to_their_card() {
        assert_eq!(fit("billing", 30), "billing");
        assert_eq!(fit("billing · gen 0 · PreparingRebalance", 20), "billing · gen 0 · P…");
        assert_eq!(fit("第 1 代 · 准备再均衡", 10), "第 1 代 ·…");
        assert!(fit(&"x".repeat(100), 27).chars().count() <= 27);
    }

    #[test]
    fn key_colours_are_stable_and_keyless_is_grey() {
        assert_eq!(key_color(Some("order-42")), key_color(Some("order-42")));
        assert_ne!(key_color(Some("order-42")), key_color(Some("order-7")));
        assert_eq!(key_color(None), "#cbd5e1");
    }
}
