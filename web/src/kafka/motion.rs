//! Which Kafka log lines travel, and between which points of the diagram: a batch goes from its
//! producer to the partition's next slot, the acknowledgement comes back, a consumed record goes
//! from its cell to the consumer, commits and coordinator lookups go to the coordinator, an
//! assignment comes from it. In a rebalance, partitions a consumer gives up travel back from it
//! to their lanes (all of them, eagerly; only the moving ones, cooperatively) and assigned ones
//! travel from their lanes to it. The shell's motion layer draws and times them.
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
    // Up to three partitions of a rebalance travel (the key leaves room for 4 motions a row).
    let partitions_between =
        |consumer: &str, partitions: &[String], to_consumer: bool, first: u64, kind: MotionKind| {
            partitions
                .iter()
                .take(3)
                .enumerate()
                .filter_map(|(i, p)| {
                    let (lane, port) = (cell(p, None), l.consumer_port(consumer));
                    let (from, to) = if to_consumer { (lane, port) } else { (port, lane) };
                    go(first + i as u64, from, to, kind, None)
                })
                .collect::<Vec<_>>()
        };
    match told {
        K::PartitionsRevoked {
            consumer, partitions, ..
        }
        | K::CooperativeRevoke {
            consumer, partitions, ..
        } => return partitions_between(consumer, partitions, false, 0, MotionKind::Failure),
        K::PartitionsAssigned {
            consumer, partitions, ..
        } => {
            let coordinator = group_of(consumer).and_then(|g| coordinator_of(&g));
            let answer = go(
                0,
                coordinator.and_then(|b| l.broker_port(b)),
                l.consumer_port(consumer),
                MotionKind::Ack,
                None,
            );
            let mut out: Vec<Motion> = answer.into_iter().collect();
            out.extend(partitions_between(consumer, partitions, true, 1, MotionKind::Record));
            return out;
        }
        _ => {}
    }
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
        K::RebalanceStarted { group, .. }
        | K::GroupStable { group, .. }
        | K::StaticMemberJoined { group, .. }
        | K::JoinRefused { group, .. } => {
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
        K::PartitionsLost { consumer, .. } | K::ConsumerFailed { consumer, .. } => {
            let at = l.consumer_port(consumer);
            go(0, at, at, MotionKind::Failure, None)
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

    fn rows_of(sim: &Sim) -> Vec<LogRow> {
        sim.trace()
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
            .collect()
    }

    /// Eagerly, a member sends every partition back before it rejoins; cooperatively, only the
    /// one that moves to the new member.
    #[test]
    fn a_rebalance_sends_back_what_is_given_up() {
        let text = include_str!("../../../tests/golden/kafka-cooperative-vs-eager.scenario.json");
        let mut sim = Sim::new(mqplay_core::Scenario::from_json(text).unwrap()).unwrap();
        sim.run_until(12_100);
        let view = sim.view().kafka.unwrap();
        let l = super::super::diagram::layout(&view, Frame { compact: false });
        let rows = rows_of(&sim);
        let all = motions(&rows, 0, &l, &view, &KeyPalette::default());
        let back = |key: &str, consumer: &str| {
            let row = rows
                .iter()
                .find(|r| r.key == key && r.node == consumer)
                .unwrap_or_else(|| panic!("{consumer} {key}"));
            all.iter()
                .filter(|m| m.key / 4 == row.seq && m.kind == MotionKind::Failure)
                .count()
        };
        assert_eq!(back("PartitionsRevoked", "eager-1"), 3);
        assert_eq!(back("CooperativeRevoke", "coop-1"), 1);
    }

    #[test]
    fn a_produced_record_travels_to_its_partition_and_is_acknowledged_back() {
        let mut sim = Sim::new(mqplay_core::catalog::default_scenario()).unwrap();
        sim.run_until(30_000);
        let view = sim.view().kafka.unwrap();
        let l = super::super::diagram::layout(&view, Frame { compact: false });
        let rows = rows_of(&sim);
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
        // The first assignment brings partitions from their lanes to the consumer.
        let assigned = rows.iter().find(|r| r.key == "PartitionsAssigned").unwrap();
        let arriving: Vec<&Motion> = all.iter().filter(|m| m.key / 4 == assigned.seq).collect();
        assert!(arriving.len() >= 2, "the answer and at least one partition travel");
        assert!(arriving
            .iter()
            .skip(1)
            .all(|m| l.lanes.iter().any(|lane| (lane.y - m.from.1).abs() < 0.1)));
        // Only fresh rows move.
        let last = rows.last().unwrap().seq;
        assert!(motions(&rows, last + 1, &l, &view, &KeyPalette::default()).is_empty());
    }
}
