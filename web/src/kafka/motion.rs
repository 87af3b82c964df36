//! Which Kafka log lines travel, and between which points of the diagram: a batch goes from its
//! producer to the partition's next slot, the acknowledgement comes back, a consumed record goes
//! from its cell to the consumer, commits and coordinator lookups go to the coordinator, an
//! assignment comes from it. The shell's motion layer draws and times them.
use mqplay_core::kafka::trace::Told as K;
use mqplay_core::systems::Told;

use super::diagram::{slot_of, Layout, CELL_W};
use super::palette::KeyPalette;
use crate::shell::motion::{Motion, MotionKind};
use crate::state::LogRow;
use mqplay_core::kafka::view::KafkaView;

/// Motions for the rows new since the last refresh.
pub fn motions(
    rows: &[LogRow],
    fresh_from: u64,
    layout: &Layout,
    view: &KafkaView,
    palette: &KeyPalette,
) -> Vec<Motion> {
    rows.iter()
        .filter(|r| r.seq >= fresh_from)
        .flat_map(|r| motion_of(r, layout, view, palette))
        .collect()
}

fn motion_of(row: &LogRow, l: &Layout, view: &KafkaView, palette: &KeyPalette) -> Vec<Motion> {
    let Told::Kafka(told) = &*row.told else {
        return Vec::new();
    };
    let key = row.seq * 4;
    let go = |i: u64, from: Option<(f64, f64)>, to: Option<(f64, f64)>, kind: MotionKind, color: Option<String>| {
        Some(Motion {
            key: key + i,
            from: from?,
            to: to?,
            kind,
            color,
        })
    };
    // The centre of the slot where `offset` sits in `partition`'s lane.
    let cell = |partition: &str, offset: Option<u64>| {
        let lane = l.lane(partition)?;
        let p = view
            .topics
            .iter()
            .flat_map(|t| t.partitions.iter())
            .find(|p| p.name == partition)?;
        let shown = p.tail.len().min(lane.cells);
        let first = p.tail.get(p.tail.len() - shown).map(|r| r.offset);
        let slot = offset.map_or(shown, |o| slot_of(first, shown, o));
        Some((lane.slot_x(slot) + CELL_W / 2.0, lane.y))
    };
    let coordinator_of = |group: &str| view.groups.iter().find(|g| g.id == group).and_then(|g| g.coordinator);
    let group_of = |consumer: &str| {
        view.consumers
            .iter()
            .find(|c| c.id == consumer)
            .map(|c| c.group.clone())
    };
    let found = match told {
        K::BatchSent {
            producer, partition, ..
        } => go(
            0,
            l.producer_port(producer),
            cell(partition, None),
            MotionKind::Record,
            None,
        ),
        K::ProduceAcked {
            producer, partition, ..
        } => go(
            0,
            cell(partition, None),
            l.producer_port(producer),
            MotionKind::Ack,
            None,
        ),
        K::ProduceRetry { producer, .. } | K::ProduceExpired { producer, .. } | K::ProduceWaiting { producer, .. } => {
            let p = l.producer_port(producer);
            go(0, p, p, MotionKind::Failure, None)
        }
        K::RecordConsumed {
            consumer,
            topic,
            partition,
            offset,
            key: record_key,
        } => go(
            0,
            cell(&format!("{topic}-{partition}"), Some(*offset)),
            l.consumer_port(consumer),
            MotionKind::Record,
            Some(palette.color(record_key.as_deref())),
        ),
        K::CoordinatorFound { consumer, broker, .. } => go(
            0,
            l.consumer_port(consumer),
            l.broker_port(*broker),
            MotionKind::Request,
            None,
        ),
        K::OffsetsCommitted { consumer, group, .. } => go(
            0,
            l.consumer_port(consumer),
            coordinator_of(group).and_then(|b| l.broker_port(b)),
            MotionKind::Request,
            None,
        ),
        K::FetchWaiting { consumer, broker, .. } => go(
            0,
            l.consumer_port(consumer),
            l.broker_port(*broker),
            MotionKind::Request,
            None,
        ),
        K::PartitionsAssigned { consumer, .. } => {
            let coordinator = group_of(consumer).and_then(|g| coordinator_of(&g));
            go(
                0,
                coordinator.and_then(|b| l.broker_port(b)),
                l.consumer_port(consumer),
                MotionKind::Ack,
                None,
            )
        }
        K::RebalanceStarted { group, .. } | K::GroupStable { group, .. } => {
            let at = l
                .groups
                .iter()
                .find(|(g, _, _)| g == group)
                .map(|(_, x, y)| (x + 40.0, y + 15.0));
            go(0, at, at, MotionKind::Pulse, None)
        }
        K::BrokerCrashed { broker } | K::BrokerFenced { broker, .. } | K::BrokerRestarted { broker, .. } => {
            let at = l.broker_port(*broker);
            go(0, at, at, MotionKind::Pulse, None)
        }
        K::ConsumerStopped { consumer, .. } | K::MemberExpired { consumer, .. } => {
            let at = l.consumer_port(consumer);
            go(0, at, at, MotionKind::Pulse, None)
        }
        _ => None,
    };
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::stage::Frame;
    use mqplay_core::{Lang, Sim};
    use std::rc::Rc;

    #[test]
    fn a_produced_record_travels_to_its_partition_and_is_acknowledged_back() {
        let mut sim = Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
        sim.run_until(30_000);
        let view = sim.view().kafka.unwrap();
        let l = super::super::diagram::layout(&view, Frame { compact: false });
        let rows: Vec<LogRow> = sim
            .trace()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let told = sim.tell(e);
                LogRow {
                    seq: i as u64,
                    step: e.step(),
                    at_ms: e.at_ms(),
                    node: sim.node_name(e).to_string(),
                    key: told.key(),
                    text: told.sentence(Lang::En),
                    told: Rc::new(told),
                }
            })
            .collect();
        let all = motions(&rows, 0, &l, &view, &KeyPalette::default());
        let sent = rows
            .iter()
            .find(|r| r.key == "BatchSent")
            .expect("the default scenario produces");
        let m = all.iter().find(|m| m.key / 4 == sent.seq).expect("a batch travels");
        let producer = l.producer_port("checkout").unwrap();
        assert_eq!(m.from, producer);
        assert!(
            l.lanes.iter().any(|lane| (lane.y - m.to.1).abs() < 0.1),
            "it ends on a lane"
        );
        let acked = rows.iter().find(|r| r.key == "ProduceAcked").unwrap();
        let back = all.iter().find(|m| m.key / 4 == acked.seq).unwrap();
        assert_eq!(back.to, producer);
        // Only fresh rows move.
        let last = rows.last().unwrap().seq;
        assert!(motions(&rows, last + 1, &l, &view, &KeyPalette::default()).is_empty());
    }
}
