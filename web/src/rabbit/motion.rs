//! Which RabbitMQ log lines travel, and between which points of the diagram: a publish goes from
//! its client to the exchange and on to every queue it reached; a delivery from the queue's head
//! to its consumer (or back to the client for basic.get); a settle from the consumer back to the
//! queue; a confirm from the exchange back to the publisher, a return or a nack as a failure; a
//! dead letter from its queue to the dead-letter exchange and on; a drop or an error pulses.
use mqplay_core::rabbit::trace::Told as R;
use mqplay_core::systems::Told;

use super::diagram::Layout;
use crate::shell::motion::{Motion, MotionKind};
use crate::state::LogRow;

/// Motions for the rows new since the last refresh.
pub fn motions(rows: &[LogRow], fresh_from: u64, layout: &Layout) -> Vec<Motion> {
    rows.iter()
        .filter(|r| r.seq >= fresh_from)
        .flat_map(|r| motion_of(r, layout))
        .collect()
}

/// Up to this many legs per entry (a publish to many queues shows the first ones).
const LEGS: u64 = 8;

fn motion_of(row: &LogRow, l: &Layout) -> Vec<Motion> {
    let Told::Rabbit(told) = &*row.told else {
        return Vec::new();
    };
    let key = row.seq * LEGS;
    let mut out = Vec::new();
    let mut go = |from: Option<(f64, f64)>, to: Option<(f64, f64)>, kind: MotionKind| {
        if let (Some(from), Some(to)) = (from, to) {
            if (out.len() as u64) < LEGS {
                out.push(Motion {
                    key: key + out.len() as u64,
                    from,
                    to,
                    kind,
                    color: None,
                });
            }
        }
    };
    let pulse = |p: Option<(f64, f64)>| p.map(|p| (p, p));
    match told {
        R::BasicPublish {
            connection,
            exchange,
            queues,
            alternates,
            ..
        } => {
            go(l.client_port(connection), l.exchange_in(exchange), MotionKind::Record);
            let from = alternates
                .last()
                .and_then(|ae| l.exchange_out(ae))
                .or_else(|| l.exchange_out(exchange));
            for q in queues {
                go(from, l.queue_in(q), MotionKind::Record);
            }
        }
        R::ConfirmAck { connection, .. } => {
            // From the broker's middle back to the publisher.
            let mid = l.exchanges.first().map(|b| (b.rect.x, b.rect.y + b.rect.h / 2.0));
            go(mid, l.client_port(connection), MotionKind::Ack);
        }
        R::ConfirmNack { connection, .. } | R::BasicReturn { connection, .. } => {
            let mid = l.exchanges.first().map(|b| (b.rect.x, b.rect.y + b.rect.h / 2.0));
            go(mid, l.client_port(connection), MotionKind::Failure);
        }
        R::BasicDeliver {
            connection,
            channel,
            consumer_tag,
            queue,
            ..
        } => go(
            l.queue_head(queue),
            l.consumer_port(connection, *channel, consumer_tag),
            MotionKind::Record,
        ),
        R::BasicGetOk { connection, queue, .. } => {
            go(l.queue_head(queue), l.client_port(connection), MotionKind::Record)
        }
        R::BasicAck {
            connection, settled, ..
        }
        | R::BasicNack {
            connection, settled, ..
        }
        | R::BasicReject {
            connection, settled, ..
        } => {
            let kind = if matches!(told, R::BasicAck { .. }) {
                MotionKind::Ack
            } else {
                MotionKind::Failure
            };
            let mut seen: Vec<&str> = Vec::new();
            for s in settled {
                if seen.contains(&s.queue.as_str()) {
                    continue;
                }
                seen.push(&s.queue);
                let from = l
                    .consumers
                    .iter()
                    .find(|c| &c.connection == connection && c.queue == s.queue)
                    .map(|c| (c.rect.x, c.rect.y + c.rect.h / 2.0))
                    .or_else(|| l.client_port(connection));
                go(from, l.queue_out(&s.queue), kind);
            }
        }
        R::DeadLettered {
            queue,
            dead_letter_exchange,
            queues,
            ..
        } => {
            go(
                l.queue_in(queue),
                l.exchange_out(dead_letter_exchange),
                MotionKind::Failure,
            );
            for q in queues {
                go(l.exchange_out(dead_letter_exchange), l.queue_in(q), MotionKind::Record);
            }
        }
        R::MessageDropped { queue, .. } => {
            if let Some((a, b)) = pulse(l.queue_head(queue)) {
                go(Some(a), Some(b), MotionKind::Failure);
            }
        }
        R::ChannelClose { connection, .. } | R::ConnectionClose { connection, .. } => {
            if let Some((a, b)) = pulse(l.client_port(connection)) {
                go(Some(a), Some(b), MotionKind::Failure);
            }
        }
        R::QueueDeleted { queue, .. } => {
            if let Some((a, b)) = pulse(l.queue_in(queue)) {
                go(Some(a), Some(b), MotionKind::Pulse);
            }
        }
        _ => {}
    }
    out
}
