//! The cluster drawn as SVG: producers (sources), brokers holding partition lanes of offset
//! cells coloured by key (middle), consumer groups (sinks) with assignment lines, lag badges and
//! each consumer's position and committed offset marked on its lanes. Laid out in the shell's
//! bands (`shell::stage`), so it is wide on a desk and stacked on a phone. `layout` is a pure
//! function of the view and the frame, so positions are testable without a browser; the same
//! positions are the anchors motions travel between (`super::motion`).
use std::rc::Rc;

use mqplay_core::kafka::view::{KafkaView, PartitionView};
use mqplay_core::Lang;
use yew::prelude::*;

use super::palette::KeyPalette;
use super::Selected;
use crate::i18n::{t, t1, tn};
use crate::shell::motion::MotionLayer;
use crate::shell::roving::{rove, Roving};
use crate::shell::stage::{fit, BandShares, Bands, Frame, Rect, TITLE_H};
use crate::state::{Msg, Selection};

const LANE_H: f64 = 30.0;
const BROKER_GAP: f64 = 12.0;

/// A broker box's title row: compact drawings keep it short so a phone sees the whole cluster.
fn broker_header(frame: Frame) -> f64 {
    if frame.compact {
        22.0
    } else {
        30.0
    }
}
pub const CELL_W: f64 = 17.0;
pub const CELL_STEP: f64 = 19.0;
const CONSUMER_H: f64 = 40.0;
const CONSUMER_GAP: f64 = 8.0;
const GROUP_HEADER: f64 = 34.0;
const PRODUCER_H: f64 = 44.0;
const PRODUCER_W: f64 = 120.0;
const SHARES: BandShares = BandShares {
    sources: 130.0,
    middle: 600.0,
    sinks: 230.0,
};

/// Consumer colours: distinct, readable on both themes, not used for keys' pastel cells.
const CONSUMER_COLORS: &[&str] = &[
    "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f",
];

pub fn consumer_color(index: usize) -> &'static str {
    CONSUMER_COLORS[index % CONSUMER_COLORS.len()]
}

/// A consumer's partitions for its card: the list while it is short, else how many.
fn assigned_short(lang: Lang, assigned: &[String]) -> String {
    let list = assigned.join(" ");
    if assigned.is_empty() {
        "—".into()
    } else if list.chars().count() <= 18 {
        list
    } else {
        t1(lang, "diag.partitions_n", assigned.len())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LanePos {
    pub partition: String,
    pub broker: u32,
    /// The lane's background and its centre line.
    pub rect: Rect,
    pub y: f64,
    /// Where the first cell slot starts, and how many cells the lane shows.
    pub cells_x: f64,
    pub cells: usize,
}

impl LanePos {
    /// The x of a cell slot's left edge (slot `cells` is the next record's place).
    pub fn slot_x(&self, slot: usize) -> f64 {
        self.cells_x + CELL_STEP * slot.min(self.cells) as f64
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Boxed {
    pub id: String,
    pub rect: Rect,
    /// Consumers: their colour index.
    pub color: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub frame: Frame,
    pub bands: Bands,
    pub brokers: Vec<(u32, Rect)>,
    pub lanes: Vec<LanePos>,
    /// Group headers: `(group, x, y)`.
    pub groups: Vec<(String, f64, f64)>,
    pub consumers: Vec<Boxed>,
    pub producers: Vec<Boxed>,
    pub width: f64,
    pub height: f64,
}

impl Layout {
    pub fn lane(&self, partition: &str) -> Option<&LanePos> {
        self.lanes.iter().find(|l| l.partition == partition)
    }
    pub fn consumer(&self, id: &str) -> Option<&Boxed> {
        self.consumers.iter().find(|c| c.id == id)
    }
    pub fn producer(&self, id: &str) -> Option<&Boxed> {
        self.producers.iter().find(|c| c.id == id)
    }
    pub fn broker(&self, id: u32) -> Option<Rect> {
        self.brokers.iter().find(|(b, _)| *b == id).map(|(_, r)| *r)
    }
    /// Where things arrive at a consumer's card: its left edge when wide, its top when stacked.
    pub fn consumer_port(&self, id: &str) -> Option<(f64, f64)> {
        let r = self.consumer(id)?.rect;
        Some(if self.frame.compact {
            (r.x + 20.0, r.y)
        } else {
            (r.x, r.y + r.h / 2.0)
        })
    }
    pub fn producer_port(&self, id: &str) -> Option<(f64, f64)> {
        let r = self.producer(id)?.rect;
        Some(if self.frame.compact {
            (r.x + r.w / 2.0, r.bottom())
        } else {
            (r.right(), r.y + r.h / 2.0)
        })
    }
    pub fn broker_port(&self, id: u32) -> Option<(f64, f64)> {
        let r = self.broker(id)?;
        Some((r.x + 60.0, r.y + 16.0))
    }
}

/// The slot of `offset` in a lane that shows `tail` (its last records): its index among the
/// shown ones, the next slot past the newest, or 0 for an offset older than all shown.
pub fn slot_of(tail_first: Option<u64>, shown: usize, offset: u64) -> usize {
    match tail_first {
        None => 0,
        Some(first) if offset < first => 0,
        Some(first) => ((offset - first) as usize).min(shown),
    }
}

/// Cells a lane shows: the newest records, with one slot left for the next record.
pub fn lane_cells(frame: Frame) -> usize {
    if frame.compact {
        11
    } else {
        18
    }
}

/// Places every element: lanes sit in the broker box of their (single) replica.
pub fn layout(view: &KafkaView, frame: Frame) -> Layout {
    let cells = lane_cells(frame);
    let parts_of = |b: u32| -> Vec<&PartitionView> {
        view.topics
            .iter()
            .flat_map(|t| t.partitions.iter())
            .filter(|p| p.replica == b)
            .collect()
    };
    let header = broker_header(frame);
    let gap = if frame.compact { 8.0 } else { BROKER_GAP };
    let broker_h = |b: u32| header + LANE_H * parts_of(b).len().max(1) as f64 + 6.0;
    let middle_h: f64 = view.brokers.iter().map(|b| broker_h(b.id) + gap).sum::<f64>() - gap;

    // Groups in the order their first consumer appears.
    let mut groups_seen: Vec<&str> = Vec::new();
    for c in &view.consumers {
        if !groups_seen.contains(&c.group.as_str()) {
            groups_seen.push(&c.group);
        }
    }
    let per_row = if frame.compact { 2 } else { 1 };
    let sink_h: f64 = groups_seen
        .iter()
        .map(|g| {
            let n = view.consumers.iter().filter(|c| c.group == *g).count();
            GROUP_HEADER + n.div_ceil(per_row) as f64 * (CONSUMER_H + CONSUMER_GAP) + 10.0
        })
        .sum();
    let source_h = if frame.compact {
        if view.producers.is_empty() {
            0.0
        } else {
            PRODUCER_H + 4.0
        }
    } else {
        view.producers.len() as f64 * 60.0
    };
    let bands = frame.bands(SHARES, [source_h, middle_h.max(0.0), sink_h]);

    let mut brokers = Vec::new();
    let mut lanes = Vec::new();
    let mut y = bands.middle.y;
    let m = bands.middle;
    let cells_x = m.x + if frame.compact { 84.0 } else { 90.0 };
    for b in &view.brokers {
        let h = broker_h(b.id);
        for (i, p) in parts_of(b.id).iter().enumerate() {
            let lane_y = y + header + LANE_H * i as f64 + LANE_H / 2.0;
            lanes.push(LanePos {
                partition: p.name.clone(),
                broker: b.id,
                rect: Rect {
                    x: m.x + 8.0,
                    y: lane_y - 13.0,
                    w: m.w - 16.0,
                    h: 26.0,
                },
                y: lane_y,
                cells_x,
                cells,
            });
        }
        brokers.push((b.id, Rect { x: m.x, y, w: m.w, h }));
        y += h + gap;
    }

    let s = bands.sinks;
    let mut groups = Vec::new();
    let mut consumers = Vec::new();
    let mut cy = s.y;
    let card_w = if frame.compact { (s.w - CONSUMER_GAP) / 2.0 } else { s.w };
    for g in &groups_seen {
        groups.push((g.to_string(), s.x, cy));
        cy += GROUP_HEADER;
        let members: Vec<(usize, &mqplay_core::kafka::view::ConsumerView)> = view
            .consumers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group == *g)
            .collect();
        for (n, (i, c)) in members.iter().enumerate() {
            let col = n % per_row;
            let row = n / per_row;
            consumers.push(Boxed {
                id: c.id.clone(),
                rect: Rect {
                    x: s.x + col as f64 * (card_w + CONSUMER_GAP),
                    y: cy + row as f64 * (CONSUMER_H + CONSUMER_GAP),
                    w: card_w,
                    h: CONSUMER_H,
                },
                color: *i,
            });
        }
        cy += members.len().div_ceil(per_row) as f64 * (CONSUMER_H + CONSUMER_GAP) + 10.0;
    }

    let src = bands.sources;
    let producers = view
        .producers
        .iter()
        .enumerate()
        .map(|(i, p)| Boxed {
            id: p.id.clone(),
            rect: if frame.compact {
                Rect {
                    x: src.x + i as f64 * (PRODUCER_W + 8.0),
                    y: src.y,
                    w: PRODUCER_W,
                    h: PRODUCER_H,
                }
            } else {
                Rect {
                    x: src.x,
                    y: src.y + 60.0 * i as f64,
                    w: src.w.min(PRODUCER_W),
                    h: PRODUCER_H,
                }
            },
            color: i,
        })
        .collect();
    Layout {
        frame,
        bands,
        brokers,
        lanes,
        groups,
        consumers,
        producers,
        width: frame.width(),
        height: bands.height().max(160.0),
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub view: Rc<KafkaView>,
    pub lang: Lang,
    pub selected: Option<Selected>,
    /// Elements the lesson step points at.
    pub highlight: Vec<String>,
    /// The element that acted in the newest log line, while playing.
    pub acting: Option<String>,
    pub palette: Rc<KeyPalette>,
    pub compact: bool,
    /// The log and where its new rows start: what travels between the last view and this one.
    pub log: Rc<Vec<crate::state::LogRow>>,
    pub fresh_from: u64,
    pub motion_ms: u32,
    pub reduced_motion: bool,
    pub on: Callback<Msg>,
}

/// Arrow keys inside a lane move between its record cells; Enter or Space inspects one. The
/// lane is a single tab stop, so the page's tab order is not a walk through every record.
const LANE_KEYS: Roving = Roving {
    region: ".lane",
    items: ".cell",
    back: "ArrowLeft",
    forward: "ArrowRight",
    enter_at_last: true,
    move_tab_stop: false,
};

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let view = &props.view;
    let lang = props.lang;
    let frame = Frame { compact: props.compact };
    let l = layout(view, frame);
    let hl = |id: &str| props.highlight.iter().any(|h| h == id);
    let acting = |id: &str| props.acting.as_deref() == Some(id);
    let select = |s: Selected| {
        let on = props.on.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on.emit(Msg::Select(Some(Selection::Kafka(s.clone()))))
        })
    };
    // Diagram elements act as buttons: Enter or Space selects, like a click.
    let select_key = |s: Selected| {
        let on = props.on.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
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
    let committed = |group: &str, partition: &str| {
        view.groups
            .iter()
            .find(|g| g.id == group)
            .and_then(|g| g.offsets.iter().find(|o| o.partition == partition))
            .and_then(|o| o.committed)
    };

    let title_y = broker_header(frame) - 9.0;
    let brokers = l.brokers.iter().map(|(id, r)| {
        let b = view.brokers.iter().find(|b| b.id == *id);
        let up = b.is_some_and(|b| b.up);
        let fenced = b.is_some_and(|b| b.fenced);
        let name = format!("broker-{id}");
        let class = classes!(
            "broker",
            (!up).then_some("down"),
            hl(&name).then_some("hl"),
            acting(&name).then_some("acting"),
            selected(&Selected::Broker(*id)).then_some("selected")
        );
        let status = if fenced { t(lang, "diag.fenced") } else if !up { t(lang, "diag.down") } else { "" };
        let coord = b.map(|b| b.coordinator_of.join(", ")).unwrap_or_default();
        let label = format!("Broker {id}{}{}", if status.is_empty() { "" } else { ", " }, status);
        html! {
            <g class={class} onclick={select(Selected::Broker(*id))} onkeydown={select_key(Selected::Broker(*id))} role="button" tabindex="0" aria-label={label} id={format!("el-{name}")}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="10" />
                <text class="broker-name" x={(r.x + 12.0).to_string()} y={(r.y + title_y).to_string()}>{ format!("Broker {id}") }</text>
                if !status.is_empty() {
                    <text class="broker-status" x={(r.x + 90.0).to_string()} y={(r.y + title_y).to_string()}>{ status }</text>
                }
                if !coord.is_empty() {
                    <text class="coord-badge" x={(r.right() - 12.0).to_string()} y={(r.y + title_y).to_string()} text-anchor="end">
                        { fit(&format!("★ {} {coord}", t(lang, "diag.coordinator")), if frame.compact { 30 } else { 60 }) }
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
        let skip = p.tail.len().saturating_sub(lane.cells);
        let shown = &p.tail[skip..];
        let first = shown.first().map(|r| r.offset);
        let cells = shown.iter().enumerate().map(|(i, r)| {
            let sel = Selected::Record { partition: lane.partition.clone(), offset: r.offset };
            let key_label = r.key.clone().unwrap_or_else(|| t(lang, "diag.no_key").into());
            let cell_class = classes!("cell", selected(&sel).then_some("selected"), r.key.as_ref().is_some_and(|k| hl(k)).then_some("hl"));
            let label = tn(lang, "diag.cell", &[&lane.partition, &r.offset, &key_label, &r.value]);
            let on_key = select_key(sel.clone());
            // Placed by a CSS transform, so a cell slides left when a newer one arrives.
            html! {
                <g key={r.offset} class={cell_class} onclick={select(sel)} onkeydown={on_key} role="button" tabindex="-1"
                    aria-label={label.clone()} style={format!("transform: translate({:.1}px, 0px)", lane.slot_x(i))}>
                    <rect x="0" y={(y - 11.0).to_string()} width={CELL_W.to_string()} height="22" rx="3"
                        fill={props.palette.color(r.key.as_deref())} />
                    <text class="cell-offset" x={(CELL_W / 2.0).to_string()} y={(y + 4.0).to_string()} text-anchor="middle">{ r.offset % 1000 }</text>
                    <title>{ label }</title>
                </g>
            }
        });
        // Each owner's position (▲ under the slot of the next record it reads) and its group's
        // committed offset (a bar above): how far it read, and what survives a restart.
        let markers = p.owners.iter().filter_map(|(group, consumer)| {
            let c = view.consumers.iter().find(|c| &c.id == consumer)?;
            let ci = l.consumer(consumer)?.color;
            let color = consumer_color(ci);
            let position = c.positions.iter().find(|(part, _, _)| part == &lane.partition).map(|(_, pos, _)| *pos);
            let committed = committed(group, &lane.partition);
            let mark_x = |offset: u64| lane.slot_x(slot_of(first, shown.len(), offset)) + CELL_W / 2.0;
            Some(html! {
                <g class="markers" key={consumer.clone()}>
                    if let Some(pos) = position {
                        <path class="position-mark" d={format!("M {x} {top} l -5 7 l 10 0 z", x = mark_x(pos), top = y + 11.5)} fill={color}>
                            <title>{ t2_position(lang, consumer, pos) }</title>
                        </path>
                    }
                    if let Some(off) = committed {
                        <rect class="committed-mark" x={(mark_x(off) - 1.5).to_string()} y={(y - 16.0).to_string()} width="3" height="6" fill={color}>
                            <title>{ t2_committed(lang, group, off) }</title>
                        </rect>
                    }
                </g>
            })
        });
        let end_x = lane.slot_x(lane.cells) + 8.0;
        let lane_label = format!(
            "{}{}, LEO {}",
            lane.partition,
            if offline { format!(", {}", t(lang, "diag.offline")) } else { String::new() },
            p.log_end_offset
        );
        let on_lane_key = {
            let sel = select_key(Selected::Partition(lane.partition.clone()));
            Callback::from(move |e: KeyboardEvent| {
                if rove(&e, &LANE_KEYS) {
                    e.prevent_default();
                    e.stop_propagation();
                } else if crate::browser::event_element(&e).is_some_and(|el| el.matches(".lane-head").unwrap_or(false)) {
                    sel.emit(e);
                }
            })
        };
        let owner_dots = frame.compact.then(|| {
            p.owners.iter().enumerate().filter_map(|(i, (_, consumer))| {
                let ci = l.consumer(consumer)?.color;
                Some(html! { <circle class="owner-dot" cx={(lane.rect.x + 7.0 + 7.0 * i as f64).to_string()} cy={(y - 8.0).to_string()} r="3" fill={consumer_color(ci)} /> })
            }).collect::<Html>()
        });
        Some(html! {
            // The lane is a group: its head (background and name) is the button that inspects
            // the partition, and the record cells are its siblings, so no control nests another.
            <g class={class} role="group" aria-label={lane_label.clone()} onkeydown={on_lane_key}>
                <g class="lane-head" id={format!("el-{}", lane.partition)} role="button" tabindex="0" aria-label={lane_label}
                    onclick={select(Selected::Partition(lane.partition.clone()))}>
                    <rect class="lane-bg" x={lane.rect.x.to_string()} y={lane.rect.y.to_string()} width={lane.rect.w.to_string()} height={lane.rect.h.to_string()} rx="6" />
                    <text class="lane-name" x={(lane.rect.x + 8.0).to_string()} y={(y + 4.0).to_string()}>{ fit(&lane.partition, 11) }</text>
                </g>
                if first.is_some_and(|f| f > 0) {
                    <text class="older" x={(lane.cells_x - 3.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">
                        { format!("…{}", first.unwrap_or(0)) }
                        <title>{ t1(lang, "diag.older", first.unwrap_or(0)) }</title>
                    </text>
                }
                { for cells }
                { for markers }
                { for owner_dots }
                <text class="lane-leo" x={end_x.to_string()} y={(y + 4.0).to_string()}>
                    { if offline { t(lang, "diag.offline").to_string() } else { format!("LEO {}", p.log_end_offset) } }
                </text>
            </g>
        })
    });

    let lines = (!frame.compact).then(|| {
        l.lanes.iter().flat_map(|lane| {
            let owners = partition(&lane.partition).map(|p| p.owners.clone()).unwrap_or_default();
            let lane_y = lane.y;
            let x1 = l.bands.middle.right();
            owners
                .into_iter()
                .filter_map(|(_, consumer)| {
                    let c = l.consumer(&consumer)?;
                    let (x2, cy) = l.consumer_port(&consumer)?;
                    let path = format!("M {x1} {lane_y} C {} {lane_y}, {} {cy}, {x2} {cy}", x1 + 40.0, x2 - 40.0);
                    Some(html! {
                        <path key={format!("{}->{consumer}", lane.partition)} class="assign-line" d={path} stroke={consumer_color(c.color)} />
                    })
                })
                .collect::<Vec<_>>()
        }).collect::<Html>()
    });

    // A group's name, then its generation and state (in Kafka's words on hover) on a line of
    // their own, so neither is clipped.
    let groups = l.groups.iter().map(|(g, x, y)| {
        let gv = view.groups.iter().find(|x| &x.id == g);
        let detail = gv.map(|gv| {
            format!("{} · {}", t1(lang, "diag.generation", gv.generation), crate::i18n::group_state(lang, &gv.state))
        });
        let title = detail.as_ref().map(|d| format!("{g} · {d}"));
        let class = classes!("group-header", hl(g).then_some("hl"), selected(&Selected::Group(g.clone())).then_some("selected"));
        html! {
            <g class={class} onclick={select(Selected::Group(g.clone()))} onkeydown={select_key(Selected::Group(g.clone()))}
                role="button" tabindex="0" aria-label={format!("{g}{}", detail.as_ref().map(|d| format!(", {d}")).unwrap_or_default())} id={format!("el-{g}")}>
                <rect class="group-bg" x={x.to_string()} y={y.to_string()} width={l.bands.sinks.w.to_string()} height="30" rx="6" />
                <text class="group-name" x={(x + 4.0).to_string()} y={(y + 12.0).to_string()}>{ fit(g, 30) }</text>
                if let Some(detail) = detail {
                    <text class="group-state" x={(x + 4.0).to_string()} y={(y + 25.0).to_string()}>{ fit(&detail, 32) }</text>
                }
                if let Some(title) = title { <title>{ title }</title> }
            </g>
        }
    });

    let consumers = l.consumers.iter().filter_map(|b| {
        let id = &b.id;
        let c = view.consumers.iter().find(|c| &c.id == id)?;
        let r = b.rect;
        let lag: u64 = c.positions.iter().map(|(_, _, lag)| lag).sum();
        let running = !matches!(c.phase.as_str(), "stopped" | "crashed");
        let idle = running && c.phase == "stable" && c.assigned.is_empty();
        let class = classes!(
            "consumer",
            (!running).then_some("down"),
            hl(id).then_some("hl"),
            acting(id).then_some("acting"),
            selected(&Selected::Consumer(id.clone())).then_some("selected")
        );
        let status = if idle { t(lang, "diag.idle") } else { crate::i18n::phase(lang, &c.phase) };
        let narrow = r.w < 150.0;
        let name_w = if narrow { 11 } else { 15 };
        let status_w = if narrow { 20 } else { 27 };
        let color = consumer_color(b.color);
        let label = format!("{id}, {status}, {}", if c.assigned.is_empty() { "—".to_string() } else { c.assigned.join(", ") });
        Some(html! {
            <g class={class} onclick={select(Selected::Consumer(id.clone()))} onkeydown={select_key(Selected::Consumer(id.clone()))} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-{id}")}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8"
                    style={format!("stroke: {color}")} />
                <circle cx={(r.x + 14.0).to_string()} cy={(r.y + 20.0).to_string()} r="5" fill={color} />
                <text class="consumer-name" x={(r.x + 26.0).to_string()} y={(r.y + 17.0).to_string()}>{ fit(id, name_w) }</text>
                <text class="consumer-status" x={(r.x + 26.0).to_string()} y={(r.y + 32.0).to_string()}>
                    { fit(&format!("{} · {}", status, assigned_short(lang, &c.assigned)), status_w) }
                </text>
                <title>{ label }</title>
                if running && !c.positions.is_empty() && !narrow {
                    <g class={classes!("lag-badge", (lag > 0).then_some("behind"))}>
                        <rect x={(r.right() - 58.0).to_string()} y={(r.y + 6.0).to_string()} width="50" height="16" rx="8" />
                        <text x={(r.right() - 33.0).to_string()} y={(r.y + 18.0).to_string()} text-anchor="middle">
                            { format!("{} {lag}", t(lang, "diag.lag")) }
                        </text>
                    </g>
                }
            </g>
        })
    });

    let producers = l.producers.iter().filter_map(|b| {
        let id = &b.id;
        let p = view.producers.iter().find(|p| &p.id == id)?;
        let r = b.rect;
        let waiting = !p.waiting_for_leader.is_empty() || p.blocked;
        let class = classes!(
            "producer",
            waiting.then_some("waiting"),
            hl(id).then_some("hl"),
            acting(id).then_some("acting"),
            selected(&Selected::Producer(id.clone())).then_some("selected")
        );
        let stats = if p.queued > 0 { format!("✓{} ✗{} (+{})", p.acked, p.failed, p.queued) } else { format!("✓{} ✗{}", p.acked, p.failed) };
        let wait_line = super::waits::producer_wait(lang, p);
        let arrow = (!frame.compact).then(|| {
            let (x, y) = (r.right(), r.y + r.h / 2.0);
            html! { <path class="producer-arrow" d={format!("M {x} {y} L {} {y}", l.bands.middle.x - 4.0)} marker-end="url(#arrow)" /> }
        });
        let label = format!("{id}, {stats}{}", wait_line.as_ref().map(|w| format!(", {w}")).unwrap_or_default());
        Some(html! {
            <g class={class} onclick={select(Selected::Producer(id.clone()))} onkeydown={select_key(Selected::Producer(id.clone()))} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-{id}")}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                <text class="producer-name" x={(r.x + 10.0).to_string()} y={(r.y + 18.0).to_string()}>{ fit(id, 14) }</text>
                <text class="producer-stats" x={(r.x + 10.0).to_string()} y={(r.y + 34.0).to_string()}>
                    { if waiting { fit(t(lang, "diag.waiting"), 16) } else { fit(&stats, 16) } }
                </text>
                <title>{ label }</title>
                { for arrow }
            </g>
        })
    });

    let motions = Rc::new(super::motion::motions(
        &props.log,
        props.fresh_from,
        &l,
        view,
        &props.palette,
    ));
    let titles = if frame.compact {
        html! {}
    } else {
        html! {
            <>
                <text class="col-title" x={l.bands.sources.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "diag.producers") }</text>
                <text class="col-title" x={l.bands.middle.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "diag.title") }</text>
                <text class="col-title" x={l.bands.sinks.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "diag.consumers") }</text>
            </>
        }
    };

    html! {
        <>
            <svg class={classes!("diagram", frame.compact.then_some("compact"))} viewBox={format!("0 0 {} {}", l.width, l.height)}
                role="group" aria-label={t(lang, "diag.title")} preserveAspectRatio="xMidYMin meet">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8" />
                    </marker>
                </defs>
                { titles }
                { for lines }
                { for brokers }
                { for lanes }
                { for producers }
                { for groups }
                { for consumers }
                <MotionLayer incoming={motions} duration_ms={props.motion_ms} reduced={props.reduced_motion} />
            </svg>
            <Legend lang={lang} view={props.view.clone()} palette={props.palette.clone()} />
        </>
    }
}

fn t2_position(lang: Lang, consumer: &str, offset: u64) -> String {
    crate::i18n::t2(lang, "diag.position_of", consumer, offset)
}

fn t2_committed(lang: Lang, group: &str, offset: u64) -> String {
    crate::i18n::t2(lang, "diag.committed_of", group, offset)
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    lang: Lang,
    view: Rc<KafkaView>,
    palette: Rc<KeyPalette>,
}

/// Keys shown in the legend at most; the rest are counted.
const LEGEND_KEYS: usize = 10;

/// What the colours and marks mean: each key on the lanes, keyless grey, and the markers.
#[function_component(Legend)]
fn legend(p: &LegendProps) -> Html {
    let lang = p.lang;
    let mut keys: Vec<&str> = Vec::new();
    let mut keyless = false;
    for r in p
        .view
        .topics
        .iter()
        .flat_map(|t| t.partitions.iter())
        .flat_map(|x| x.tail.iter())
    {
        match &r.key {
            Some(k) if !keys.contains(&k.as_str()) => keys.push(k),
            Some(_) => {}
            None => keyless = true,
        }
    }
    let more = keys.len().saturating_sub(LEGEND_KEYS);
    keys.truncate(LEGEND_KEYS);
    let has_markers = p.view.consumers.iter().any(|c| !c.positions.is_empty());
    let items = keys.iter().map(|k| {
        html! {
            <li><span class="swatch" style={format!("background: {}", p.palette.color(Some(k)))}></span><code>{ fit(k, 16) }</code></li>
        }
    });
    html! {
        <ul class="legend" aria-label={t(lang, "legend.title")} id="legend">
            { for items }
            if more > 0 { <li class="muted">{ t1(lang, "legend.more", more) }</li> }
            if keyless { <li><span class="swatch" style={format!("background: {}", super::palette::NO_KEY)}></span>{ t(lang, "diag.no_key") }</li> }
            if has_markers {
                <li><svg class="legend-mark" viewBox="0 0 12 10" aria-hidden="true"><path d="M 6 1 l -5 7 l 10 0 z" /></svg>{ t(lang, "legend.position") }</li>
                <li><svg class="legend-mark" viewBox="0 0 12 10" aria-hidden="true"><rect x="4.5" y="1" width="3" height="8" /></svg>{ t(lang, "legend.committed") }</li>
            }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::stage::COMPACT_WIDTH;

    fn view_at(ms: u64) -> KafkaView {
        let mut sim = mqplay_core::Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
        sim.run_until(ms);
        sim.view().kafka.unwrap()
    }

    #[test]
    fn lanes_sit_inside_their_broker_and_do_not_overlap() {
        for compact in [false, true] {
            let l = layout(&view_at(8_000), Frame { compact });
            assert_eq!(l.lanes.len(), 3);
            for lane in &l.lanes {
                let r = l.broker(lane.broker).unwrap();
                assert!(lane.y > r.y && lane.y < r.bottom(), "{lane:?} outside its broker");
                // The next-record slot and the LEO label stay inside the lane.
                assert!(
                    lane.slot_x(lane.cells) + CELL_W + 50.0 <= lane.rect.right() + 1.0,
                    "{compact}: {lane:?}"
                );
            }
            let mut ys: Vec<f64> = l.lanes.iter().map(|x| x.y).collect();
            ys.sort_by(f64::total_cmp);
            assert!(ys.windows(2).all(|w| w[1] - w[0] >= LANE_H));
            assert_eq!(l.consumers.len(), 2);
        }
    }

    #[test]
    fn the_compact_layout_fits_a_phone_without_sideways_scroll() {
        let l = layout(&view_at(8_000), Frame { compact: true });
        assert_eq!(l.width, COMPACT_WIDTH);
        let boxes = l
            .consumers
            .iter()
            .chain(l.producers.iter())
            .map(|b| b.rect)
            .chain(l.brokers.iter().map(|(_, r)| *r))
            .chain(l.lanes.iter().map(|x| x.rect));
        for r in boxes {
            assert!(
                r.x >= 0.0 && r.right() <= COMPACT_WIDTH && r.bottom() <= l.height,
                "{r:?} leaves the drawing"
            );
        }
        // Stacked: producers above brokers above consumers.
        let producer = l.producers[0].rect;
        let broker = l.brokers[0].1;
        let consumer = l.consumers[0].rect;
        assert!(producer.bottom() < broker.y && l.brokers.last().unwrap().1.bottom() < consumer.y);
    }

    #[test]
    fn markers_find_their_slot() {
        // Shown offsets 10..=27: older clamps to the first slot, the next record gets its own.
        assert_eq!(slot_of(Some(10), 18, 5), 0);
        assert_eq!(slot_of(Some(10), 18, 12), 2);
        assert_eq!(slot_of(Some(10), 18, 28), 18);
        assert_eq!(slot_of(Some(10), 18, 99), 18);
        assert_eq!(slot_of(None, 0, 0), 0);
    }

    #[test]
    fn labels_are_cut_to_their_card() {
        assert_eq!(fit("billing", 30), "billing");
        assert_eq!(fit("billing · gen 0 · PreparingRebalance", 20), "billing · gen 0 · P…");
        assert_eq!(fit("第 1 代 · 准备再均衡", 10), "第 1 代 ·…");
        assert!(fit(&"x".repeat(100), 27).chars().count() <= 27);
    }
}
