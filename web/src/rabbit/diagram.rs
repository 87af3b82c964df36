//! The broker drawn as SVG in the shell's bands: client connections (sources), exchanges with
//! their bindings to queues (middle; a queue shows its ready messages head first, its counts and
//! its `x-` arguments), and consumers (sinks) tied to their queues. `layout` is a pure function of
//! the view and the frame, so positions are testable without a browser; the same positions are
//! the anchors motions travel between (`super::motion`).
use std::rc::Rc;

use mqplay_core::rabbit::trace::Told as RabbitTold;
use mqplay_core::rabbit::view::{QueueView, RabbitView};
use mqplay_core::Lang;
use yew::prelude::*;

use super::Selected;
use crate::i18n::{t, t1, tn};
use crate::shell::motion::MotionLayer;
use crate::shell::roving::{rove, Roving};
use crate::shell::stage::{fit, BandShares, Bands, Frame, Rect, TITLE_H};
use crate::state::{Msg, Selection};

const SHARES: BandShares = BandShares {
    sources: 140.0,
    middle: 640.0,
    sinks: 190.0,
};
const CLIENT_H: f64 = 40.0;
const EXCHANGE_H: f64 = 40.0;
const QUEUE_H: f64 = 82.0;
const CONSUMER_H: f64 = 44.0;
const GAP: f64 = 10.0;
pub const CELL_W: f64 = 20.0;
pub const CELL_STEP: f64 = 23.0;
/// Room between the exchange and queue columns for binding lines and their keys.
const BINDING_ROOM: f64 = 130.0;

/// Pastel fills for message cells, by publish number: copies of one publish share a colour.
const CELL_COLORS: &[&str] = &[
    "#bfdbfe", "#fbcfe8", "#bbf7d0", "#fde68a", "#ddd6fe", "#a5f3fc", "#fecaca", "#d9f99d",
];

pub fn cell_color(message: u64) -> &'static str {
    CELL_COLORS[(message as usize) % CELL_COLORS.len()]
}

#[derive(Debug, Clone, PartialEq)]
pub struct Boxed {
    pub id: String,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerBox {
    pub connection: String,
    pub channel: u16,
    pub tag: String,
    pub queue: String,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub frame: Frame,
    pub bands: Bands,
    pub clients: Vec<Boxed>,
    pub exchanges: Vec<Boxed>,
    pub queues: Vec<Boxed>,
    pub consumers: Vec<ConsumerBox>,
    /// How many message cells a queue's lane shows.
    pub cells: usize,
    pub width: f64,
    pub height: f64,
}

impl Layout {
    fn find<'a>(list: &'a [Boxed], id: &str) -> Option<&'a Boxed> {
        list.iter().find(|b| b.id == id)
    }
    pub fn exchange(&self, name: &str) -> Option<Rect> {
        Self::find(&self.exchanges, name).map(|b| b.rect)
    }
    pub fn queue(&self, name: &str) -> Option<Rect> {
        Self::find(&self.queues, name).map(|b| b.rect)
    }
    pub fn client_port(&self, connection: &str) -> Option<(f64, f64)> {
        let r = Self::find(&self.clients, connection)?.rect;
        Some((r.right(), r.y + r.h / 2.0))
    }
    pub fn exchange_in(&self, name: &str) -> Option<(f64, f64)> {
        self.exchange(name).map(|r| (r.x, r.y + r.h / 2.0))
    }
    pub fn exchange_out(&self, name: &str) -> Option<(f64, f64)> {
        self.exchange(name).map(|r| (r.right(), r.y + r.h / 2.0))
    }
    pub fn queue_in(&self, name: &str) -> Option<(f64, f64)> {
        self.queue(name).map(|r| (r.x, r.y + 20.0))
    }
    /// The head of the queue's lane: where the next message leaves from.
    pub fn queue_head(&self, name: &str) -> Option<(f64, f64)> {
        self.queue(name).map(|r| (r.x + 8.0 + CELL_W / 2.0, r.y + 66.0))
    }
    pub fn queue_out(&self, name: &str) -> Option<(f64, f64)> {
        self.queue(name).map(|r| (r.right(), r.y + r.h / 2.0))
    }
    pub fn consumer_port(&self, connection: &str, channel: u16, tag: &str) -> Option<(f64, f64)> {
        let c = self
            .consumers
            .iter()
            .find(|c| c.connection == connection && c.channel == channel && c.tag == tag)?;
        Some((c.rect.x, c.rect.y + c.rect.h / 2.0))
    }
}

/// Exchanges worth drawing: the default one, every declared one, and built-in ones with bindings.
pub fn shown_exchanges(view: &RabbitView) -> Vec<String> {
    let bound = |name: &str| view.bindings.iter().any(|b| b.source == name || b.destination == name);
    let mut names: Vec<String> = view
        .exchanges
        .iter()
        .filter(|x| x.name.is_empty() || !x.builtin || bound(&x.name))
        .map(|x| x.name.clone())
        .collect();
    names.sort_by(|a, b| (!a.is_empty(), a).cmp(&(!b.is_empty(), b)));
    names
}

fn stack(ids: impl Iterator<Item = String>, x: f64, y: f64, w: f64, h: f64) -> Vec<Boxed> {
    ids.enumerate()
        .map(|(i, id)| Boxed {
            id,
            rect: Rect {
                x,
                y: y + i as f64 * (h + GAP),
                w,
                h,
            },
        })
        .collect()
}

fn stack_height(n: usize, h: f64) -> f64 {
    if n == 0 {
        h
    } else {
        n as f64 * (h + GAP) - GAP
    }
}

pub fn layout(view: &RabbitView, frame: Frame) -> Layout {
    let exchanges = shown_exchanges(view);
    let consumers: Vec<(String, u16, String, String)> = view
        .connections
        .iter()
        .flat_map(|c| {
            c.channels.iter().flat_map(move |ch| {
                ch.consumers
                    .iter()
                    .map(move |k| (c.name.clone(), ch.number, k.tag.clone(), k.queue.clone()))
            })
        })
        .collect();
    let middle_h = if frame.compact {
        stack_height(exchanges.len(), EXCHANGE_H) + GAP + stack_height(view.queues.len(), QUEUE_H)
    } else {
        stack_height(exchanges.len(), EXCHANGE_H).max(stack_height(view.queues.len(), QUEUE_H))
    };
    let heights = [
        stack_height(view.connections.len(), CLIENT_H),
        middle_h,
        stack_height(consumers.len(), CONSUMER_H),
    ];
    let bands = frame.bands(SHARES, heights);
    let clients = stack(
        view.connections.iter().map(|c| c.name.clone()),
        bands.sources.x,
        bands.sources.y,
        bands.sources.w,
        CLIENT_H,
    );
    let m = bands.middle;
    let (ex_rect, q_rect) = if frame.compact {
        let ex_h = stack_height(exchanges.len(), EXCHANGE_H);
        (
            Rect {
                x: m.x,
                y: m.y,
                w: m.w * 0.6,
                h: ex_h,
            },
            Rect {
                x: m.x + 30.0,
                y: m.y + ex_h + GAP,
                w: m.w - 30.0,
                h: m.h - ex_h - GAP,
            },
        )
    } else {
        let ex_w = (m.w * 0.27).min(180.0);
        (
            Rect {
                x: m.x,
                y: m.y,
                w: ex_w,
                h: m.h,
            },
            Rect {
                x: m.x + ex_w + BINDING_ROOM,
                y: m.y,
                w: m.w - ex_w - BINDING_ROOM,
                h: m.h,
            },
        )
    };
    let exchanges = stack(exchanges.into_iter(), ex_rect.x, ex_rect.y, ex_rect.w, EXCHANGE_H);
    let queues = stack(
        view.queues.iter().map(|q| q.name.clone()),
        q_rect.x,
        q_rect.y,
        q_rect.w,
        QUEUE_H,
    );
    let consumers = consumers
        .into_iter()
        .enumerate()
        .map(|(i, (connection, channel, tag, queue))| ConsumerBox {
            connection,
            channel,
            tag,
            queue,
            rect: Rect {
                x: bands.sinks.x,
                y: bands.sinks.y + i as f64 * (CONSUMER_H + GAP),
                w: bands.sinks.w,
                h: CONSUMER_H,
            },
        })
        .collect();
    let cells = (((q_rect.w - 16.0) / CELL_STEP).floor() as usize)
        .saturating_sub(1)
        .max(3);
    Layout {
        frame,
        width: frame.width(),
        height: bands.height(),
        bands,
        clients,
        exchanges,
        queues,
        consumers,
        cells,
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub view: Rc<RabbitView>,
    pub lang: Lang,
    pub selected: Option<Selected>,
    pub highlight: Vec<String>,
    pub acting: Option<String>,
    /// The virtual clock, for the head messages' TTL countdowns.
    pub now_ms: u64,
    pub compact: bool,
    pub log: Rc<Vec<crate::state::LogRow>>,
    pub fresh_from: u64,
    pub motion_ms: u32,
    pub reduced_motion: bool,
    pub on: Callback<Msg>,
}

/// Arrow keys inside a queue move between its message cells, head first.
const LANE_KEYS: Roving = Roving {
    region: ".rq-queue",
    items: ".rq-cell",
    back: "ArrowLeft",
    forward: "ArrowRight",
    enter_at_last: false,
    move_tab_stop: false,
};

/// `ch 1,2 · confirm`, or `—` when the connection has no open channel.
fn channels_text(channels: &[mqplay_core::rabbit::view::ChannelView], confirm: bool) -> String {
    if channels.is_empty() {
        return "—".into();
    }
    let numbers: Vec<String> = channels.iter().map(|ch| ch.number.to_string()).collect();
    format!("ch {}{}", numbers.join(","), if confirm { " · confirm" } else { "" })
}

/// `850 ms`, `2.4 s`, `3 min 5 s`: a countdown that reads at a glance.
fn format_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000)
    }
}

fn exchange_label(lang: Lang, name: &str) -> String {
    if name.is_empty() {
        t(lang, "rq.default_exchange").into()
    } else {
        name.into()
    }
}

fn queue_flags(lang: Lang, q: &QueueView) -> String {
    let mut flags = vec![q.kind.to_string()];
    flags.push(t(lang, if q.durable { "rq.durable" } else { "rq.transient" }).into());
    if q.auto_delete {
        flags.push(t(lang, "rq.auto_delete").into());
    }
    if q.exclusive_owner.is_some() {
        flags.push(t(lang, "rq.exclusive").into());
    }
    flags.join(" · ")
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let view = &props.view;
    let lang = props.lang;
    let frame = Frame { compact: props.compact };
    let l = layout(view, frame);
    let hl = |id: &str| props.highlight.iter().any(|h| h == id);
    let acting = |id: &str| props.acting.as_deref() == Some(id);
    let selected = |s: &Selected| props.selected.as_ref() == Some(s);
    let select = |s: Selected| {
        let on = props.on.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on.emit(Msg::Select(Some(Selection::Rabbit(s.clone()))))
        })
    };
    let select_key = |s: Selected, roving: bool| {
        let on = props.on.clone();
        Callback::from(move |e: KeyboardEvent| {
            if roving && rove(&e, &LANE_KEYS) {
                e.prevent_default();
                return;
            }
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on.emit(Msg::Select(Some(Selection::Rabbit(s.clone()))));
            }
        })
    };

    // What the newest log lines did: the bindings a publish just matched light up, and a dead
    // letter's edge says why it was taken.
    let mut lit: Vec<(String, String, String)> = Vec::new();
    let mut died: Vec<(String, &'static str)> = Vec::new();
    for row in props.log.iter().filter(|r| r.seq >= props.fresh_from) {
        match &*row.told {
            mqplay_core::systems::Told::Rabbit(RabbitTold::BasicPublish { matched, .. }) => lit.extend(
                matched
                    .iter()
                    .map(|h| (h.source.clone(), h.destination.clone(), h.routing_key.clone())),
            ),
            mqplay_core::systems::Told::Rabbit(RabbitTold::DeadLettered { queue, reason, .. }) => {
                died.push((queue.clone(), reason))
            }
            _ => {}
        }
    }
    // Binding lines: exchange → queue, or exchange → exchange (a loop on the right of the column).
    let lines = view.bindings.iter().filter_map(|b| {
        let from = l.exchange_out(&b.source)?;
        let key = if b.arguments.is_empty() { b.routing_key.clone() } else { b.arguments.clone() };
        let marked = hl(&b.source) || hl(&b.destination);
        let just_used = lit.iter().any(|(s, d, k)| *s == b.source && *d == b.destination && *k == b.routing_key);
        let class = classes!("rq-binding", marked.then_some("hl"), just_used.then_some("lit"));
        if b.destination_kind == "exchange" {
            let to = l.exchange_out(&b.destination)?;
            let bulge = from.0 + 40.0;
            return Some(html! {
                <g class={class}>
                    <path d={format!("M {} {} C {bulge} {} {bulge} {} {} {}", from.0, from.1, from.1, to.1, to.0, to.1)} marker-end="url(#rq-arrow)" />
                    <text class="rq-key" x={(bulge + 2.0).to_string()} y={((from.1 + to.1) / 2.0 + 4.0).to_string()}>{ fit(&key, 16) }</text>
                    <title>{ format!("{} → {}: {key}", b.source, b.destination) }</title>
                </g>
            });
        }
        let to = l.queue_in(&b.destination)?;
        let mid = (from.0 + to.0) / 2.0;
        Some(html! {
            <g class={class}>
                <path d={format!("M {} {} C {mid} {} {mid} {} {} {}", from.0, from.1, from.1, to.1, to.0, to.1)} marker-end="url(#rq-arrow)" />
                <text class="rq-key" x={mid.to_string()} y={((from.1 + to.1) / 2.0 - 3.0).to_string()} text-anchor="middle">{ fit(&key, 20) }</text>
                <title>{ format!("{} → {}: {key}", b.source, b.destination) }</title>
            </g>
        })
    });

    // Dead-letter edges: from each queue with x-dead-letter-exchange to that exchange, dashed.
    let dlx_edges = view.queues.iter().filter_map(|q| {
        let dlx = q.dead_letter_exchange.as_ref()?;
        let from = l.queue(&q.name).map(|r| (r.x, r.bottom() - 8.0))?;
        let to = l.exchange_out(dlx)?;
        let mid = (from.0 + to.0) / 2.0;
        let reason = died.iter().rev().find(|(queue, _)| *queue == q.name).map(|(_, r)| *r);
        Some(html! {
            <g class={classes!("rq-dlx-edge", reason.is_some().then_some("lit"))}>
                <path d={format!("M {} {} C {mid} {} {mid} {} {} {}", from.0, from.1, from.1, to.1 + 6.0, to.0, to.1 + 6.0)} marker-end="url(#rq-arrow-dlx)" />
                if let Some(reason) = reason {
                    <text class="rq-dlx-reason" x={mid.to_string()} y={((from.1 + to.1) / 2.0 + 14.0).to_string()} text-anchor="middle">{ reason }</text>
                }
                <title>{ format!("{} → {}: x-dead-letter-exchange", q.name, dlx) }</title>
            </g>
        })
    });

    let clients = l.clients.iter().filter_map(|b| {
        let c = view.connections.iter().find(|c| c.name == b.id)?;
        let r = b.rect;
        let sel = Selected::Connection(b.id.clone());
        let class = classes!("rq-client", hl(&b.id).then_some("hl"), acting(&b.id).then_some("acting"), selected(&sel).then_some("selected"));
        let label = tn(lang, "rq.client_label", &[&b.id, &c.channels.len()]);
        let confirm = c.channels.iter().any(|ch| ch.confirm);
        Some(html! {
            <g class={class} onclick={select(sel.clone())} onkeydown={select_key(sel, false)} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-{}", b.id)}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                <text class="rq-name" x={(r.x + 10.0).to_string()} y={(r.y + 17.0).to_string()}>{ fit(&b.id, 16) }</text>
                <text class="rq-sub" x={(r.x + 10.0).to_string()} y={(r.y + 32.0).to_string()}>
                    { fit(&channels_text(&c.channels, confirm), 20) }
                </text>
                if c.confirmed + c.nacked + c.returned > 0 {
                    <text class="rq-confirms" x={(r.right() - 8.0).to_string()} y={(r.y + 17.0).to_string()} text-anchor="end">
                        { format!("✓{} ✗{} ↩{}", c.confirmed, c.nacked, c.returned) }
                        <title>{ tn(lang, "rq.confirms", &[&c.confirmed, &c.nacked, &c.returned]) }</title>
                    </text>
                }
                <title>{ label }</title>
            </g>
        })
    });

    let exchanges = l.exchanges.iter().filter_map(|b| {
        let x = view.exchanges.iter().find(|x| x.name == b.id)?;
        let r = b.rect;
        let sel = Selected::Exchange(b.id.clone());
        let name = exchange_label(lang, &b.id);
        let class = classes!("rq-exchange", hl(&b.id).then_some("hl"), selected(&sel).then_some("selected"));
        let label = tn(lang, "rq.exchange_label", &[&x.kind, &name]);
        let mut sub = vec![x.kind.to_string()];
        if x.durable {
            sub.push("D".into());
        }
        if let Some(ae) = &x.alternate_exchange {
            sub.push(format!("AE {ae}"));
        }
        Some(html! {
            <g class={class} onclick={select(sel.clone())} onkeydown={select_key(sel, false)} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-x-{}", b.id)}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="14" />
                <text class="rq-name" x={(r.x + 12.0).to_string()} y={(r.y + 17.0).to_string()}>{ fit(&name, 22) }</text>
                <text class="rq-sub" x={(r.x + 12.0).to_string()} y={(r.y + 32.0).to_string()}>{ fit(&sub.join(" · "), 26) }</text>
                <title>{ label }</title>
            </g>
        })
    });

    let queues = l.queues.iter().filter_map(|b| {
        let q = view.queues.iter().find(|q| q.name == b.id)?;
        let r = b.rect;
        let sel = Selected::Queue(b.id.clone());
        let class = classes!("rq-queue", hl(&b.id).then_some("hl"), selected(&sel).then_some("selected"));
        let label = format!(
            "{}{}",
            tn(lang, "rq.queue_label", &[&q.name, &q.ready, &q.unacked, &q.consumers]),
            if q.settings.is_empty() { String::new() } else { format!("; {}", q.settings.join(" ")) }
        );
        let shown = q.ready_messages.len().min(l.cells);
        let more = q.ready.saturating_sub(shown as u64);
        let cells = q.ready_messages.iter().take(shown).enumerate().map(|(i, n)| {
            let x = r.x + 8.0 + CELL_STEP * i as f64;
            let cell_label = tn(lang, "rq.message_label", &[n, &q.name, &(i + 1)]);
            html! {
                <g key={format!("{n}-{i}")} class="rq-cell" tabindex="-1" role="img" aria-label={cell_label.clone()}>
                    <rect x={x.to_string()} y={(r.y + 56.0).to_string()} width={CELL_W.to_string()} height="20" rx="3" fill={cell_color(*n)} />
                    <text class="rq-cell-n" x={(x + CELL_W / 2.0).to_string()} y={(r.y + 70.0).to_string()} text-anchor="middle">{ n % 1000 }</text>
                    <title>{ cell_label }</title>
                </g>
            }
        });
        let settings = q.settings.join(" ");
        // SVG text does not wrap: each label gets the characters its part of the box can hold
        // (about 6 px a character at these sizes), so the name, flags, counts and settings
        // never run into each other; the full text is in the tooltip and the inspector.
        let chars = |px: f64| (px / 6.2).max(4.0) as usize;
        let inner = r.w - 16.0;
        let name_chars = chars(inner * 0.5);
        let flags_chars = chars(inner * 0.45);
        let settings_chars = chars(inner * 1.05);
        let counts = format!("{} {} · {} {}", q.ready, t(lang, "rq.ready"), q.unacked, t(lang, "rq.unacked"));
        Some(html! {
            <g class={class} onclick={select(sel.clone())} onkeydown={select_key(sel, true)} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-q-{}", b.id)}>
                <rect class="rq-queue-bg" x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="6" />
                <text class="rq-name" x={(r.x + 8.0).to_string()} y={(r.y + 16.0).to_string()}>{ fit(&q.name, name_chars) }</text>
                <text class="rq-sub" x={(r.right() - 8.0).to_string()} y={(r.y + 16.0).to_string()} text-anchor="end">{ fit(&queue_flags(lang, q), flags_chars) }</text>
                <text class="rq-counts" x={(r.x + 8.0).to_string()} y={(r.y + 34.0).to_string()}>{ counts }</text>
                <text class="rq-settings" x={(r.x + 8.0).to_string()} y={(r.y + 48.0).to_string()}>{ fit(&settings, settings_chars) }</text>
                { for cells }
                if let Some(left) = q.head_expires_at_ms.map(|at| at.saturating_sub(props.now_ms)) {
                    <text class="rq-countdown" x={(r.right() - 8.0).to_string()} y={(r.y + 32.0).to_string()} text-anchor="end">
                        { t1(lang, "rq.expires_in", format_ms(left)) }
                    </text>
                }
                if more > 0 {
                    <text class="rq-more" x={(r.x + 12.0 + CELL_STEP * shown as f64).to_string()} y={(r.y + 70.0).to_string()}>{ t1(lang, "rq.more", more) }</text>
                }
                <title>{ label }</title>
            </g>
        })
    });

    let consumers = l.consumers.iter().map(|c| {
        let r = c.rect;
        let sel = Selected::Consumer {
            connection: c.connection.clone(),
            channel: c.channel,
            tag: c.tag.clone(),
        };
        let info = view
            .connections
            .iter()
            .find(|x| x.name == c.connection)
            .and_then(|x| x.channels.iter().find(|ch| ch.number == c.channel))
            .and_then(|ch| ch.consumers.iter().find(|k| k.tag == c.tag));
        let unacked = info.map_or(0, |k| k.unacked);
        let prefetch = info.map_or(0, |k| k.prefetch_count);
        let auto = info.is_some_and(|k| k.no_ack);
        let class = classes!("rq-consumer", (hl(&c.tag) || hl(&c.connection)).then_some("hl"), acting(&c.connection).then_some("acting"), selected(&sel).then_some("selected"));
        let label = tn(lang, "rq.consumer_label", &[&c.tag, &c.queue, &unacked]);
        let line = l.queue_out(&c.queue).map(|(x, y)| {
            let (tx, ty) = (r.x, r.y + r.h / 2.0);
            let mid = (x + tx) / 2.0;
            html! { <path class="rq-consume-line" d={format!("M {x} {y} C {mid} {y} {mid} {ty} {tx} {ty}")} /> }
        });
        let limit = if auto { "auto-ack".to_string() } else if prefetch == 0 { format!("{unacked} {}", t(lang, "rq.unacked")) } else { format!("{unacked}/{prefetch} {}", t(lang, "rq.unacked")) };
        html! {
            <>
                { for line }
                <g class={class} onclick={select(sel.clone())} onkeydown={select_key(sel, false)} role="button" tabindex="0" aria-label={label.clone()} id={format!("el-c-{}", c.tag)}>
                    <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
                    <text class="rq-name" x={(r.x + 10.0).to_string()} y={(r.y + 17.0).to_string()}>{ fit(&c.tag, 20) }</text>
                    <text class="rq-sub" x={(r.x + 10.0).to_string()} y={(r.y + 33.0).to_string()}>{ fit(&format!("{}/ch{} · {limit}", c.connection, c.channel), 26) }</text>
                    <title>{ label }</title>
                </g>
            </>
        }
    });

    let motions = Rc::new(super::motion::motions(&props.log, props.fresh_from, &l));
    let titles = if frame.compact {
        html! {}
    } else {
        html! {
            <>
                <text class="col-title" x={l.bands.sources.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "rq.clients") }</text>
                <text class="col-title" x={l.bands.middle.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "rq.broker") }</text>
                <text class="col-title" x={l.bands.sinks.x.to_string()} y={(TITLE_H - 6.0).to_string()}>{ t(lang, "rq.consumers") }</text>
            </>
        }
    };
    let empty = view.queues.is_empty().then(|| {
        let (x, y) = (l.bands.middle.x + l.bands.middle.w * 0.45, l.bands.middle.y + 24.0);
        html! { <text class="rq-sub" x={x.to_string()} y={y.to_string()}>{ t(lang, "rq.no_queues") }</text> }
    });

    html! {
        <svg class={classes!("diagram", "rq-diagram", frame.compact.then_some("compact"))} viewBox={format!("0 0 {} {}", l.width, l.height)}
            role="group" aria-label={t(lang, "rq.broker")} preserveAspectRatio="xMidYMin meet">
            <defs>
                <marker id="rq-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8" />
                </marker>
                <marker id="rq-arrow-dlx" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#dc2626" />
                </marker>
            </defs>
            { titles }
            { for lines }
            { for dlx_edges }
            { for clients }
            { for exchanges }
            { for queues }
            { for empty }
            { for consumers }
            <MotionLayer incoming={motions} duration_ms={props.motion_ms} reduced={props.reduced_motion} />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqplay_core::{Scenario, Sim};

    fn view() -> RabbitView {
        let text = include_str!("../../../tests/golden/rabbit-routing.scenario.json");
        let mut sim = Sim::new(Scenario::from_json(text).unwrap()).unwrap();
        while sim.step() {}
        sim.view().rabbitmq.unwrap()
    }

    #[test]
    fn every_element_sits_inside_the_drawing_wide_and_compact() {
        let v = view();
        for compact in [false, true] {
            let l = layout(&v, Frame { compact });
            let all = l
                .clients
                .iter()
                .chain(&l.exchanges)
                .chain(&l.queues)
                .map(|b| b.rect)
                .chain(l.consumers.iter().map(|c| c.rect));
            for r in all {
                assert!(
                    r.x >= 0.0 && r.right() <= l.width && r.bottom() <= l.height,
                    "{r:?} leaves the drawing (compact {compact})"
                );
            }
            // Queues never overlap each other or the exchanges.
            for (i, a) in l.queues.iter().enumerate() {
                for b in l.queues.iter().skip(i + 1).chain(&l.exchanges) {
                    let apart = a.rect.bottom() <= b.rect.y
                        || b.rect.bottom() <= a.rect.y
                        || a.rect.right() <= b.rect.x
                        || b.rect.right() <= a.rect.x;
                    assert!(apart, "{} overlaps {}", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn the_default_exchange_comes_first_and_unbound_builtins_are_left_out() {
        let names = shown_exchanges(&view());
        assert_eq!(names.first().map(String::as_str), Some(""));
        assert!(!names.iter().any(|n| n == "amq.fanout"), "{names:?}");
        assert!(names.iter().any(|n| n == "docs"));
    }
}
