//! Benchmark: Kafka's client assignors at the assignor lab's sizes (`assign_bench`). Cases:
//! one 100-partition topic and 1 000 members (the figure); the same after one member
//! left, with every other member owning its previous share (sticky's constrained path with
//! owned partitions); and the document limits, 10 000 partitions over 100 topics and 1 000
//! members with unequal subscriptions and owned partitions (the sticky general builder, its
//! costliest path). Prints one JSON line per case and assignor: wall ms (median of 5),
//! partitions, members, and the spread of the result. A program that prints figures, not a
//! test; `scripts/bench.sh` runs it.
use std::time::Instant;

use mqplay_core::kafka::assignor::{assign, AssignorName, GroupInput, MemberSubscription, TopicMetadata};

fn members(n: usize, topics: impl Fn(usize) -> Vec<String>) -> Vec<MemberSubscription> {
    (0..n)
        .map(|i| MemberSubscription {
            member_id: format!("consumer-{i:04}-5f3c9a1e"),
            topics: topics(i),
            ..MemberSubscription::default()
        })
        .collect()
}

fn case(name: &str, input: &GroupInput) {
    let partitions: u32 = input.topics.iter().map(TopicMetadata::partitions).sum();
    for assignor in AssignorName::ALL {
        let mut times = Vec::new();
        let mut spread = (0, 0);
        for _ in 0..5 {
            let start = Instant::now();
            let out = assign(assignor, input);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if let Ok(o) = out {
                let sizes = o.assignment.values().map(Vec::len);
                spread = (sizes.clone().min().unwrap_or(0), sizes.max().unwrap_or(0));
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"case\": \"{name}\", \"assignor\": \"{}\", \"members\": {}, \"partitions\": {partitions}, \"wall_ms\": {:.1}, \"min_per_member\": {}, \"max_per_member\": {}}}",
            assignor.name(),
            input.members.len(),
            times[2],
            spread.0,
            spread.1
        );
    }
}

fn main() {
    let one_topic = vec![TopicMetadata::without_racks("orders", 100)];
    let fresh = GroupInput {
        members: members(1_000, |_| vec!["orders".into()]),
        topics: one_topic.clone(),
    };
    case("100 partitions, 1000 members", &fresh);

    // 101 members owned the 100 partitions round robin; one left.
    let mut left = members(1_000, |_| vec!["orders".into()]);
    for (i, m) in left.iter_mut().enumerate() {
        m.generation = Some(5);
        m.owned = (0..100u32)
            .filter(|p| *p as usize % 1_001 == i + 1)
            .map(|p| ("orders".into(), p))
            .collect();
    }
    case(
        "100 partitions, 1000 members, after a leave",
        &GroupInput {
            members: left,
            topics: one_topic,
        },
    );

    let topics: Vec<TopicMetadata> = (0..100)
        .map(|t| TopicMetadata::without_racks(&format!("topic-{t:03}"), 100))
        .collect();
    let mut general = members(1_000, |i| {
        (0..100)
            .filter(|t| (t + i) % 3 != 0)
            .map(|t| format!("topic-{t:03}"))
            .collect()
    });
    for (i, m) in general.iter_mut().enumerate() {
        m.generation = Some(3);
        m.owned = (0..100usize)
            .filter(|t| (t + i) % 3 != 0)
            .flat_map(|t| {
                (0..100u32)
                    .filter(move |p| (*p as usize + t * 7) % 1_000 == i)
                    .map(move |p| (format!("topic-{t:03}"), p))
            })
            .collect();
    }
    case(
        "10000 partitions, 1000 members, unequal subscriptions",
        &GroupInput {
            members: general,
            topics,
        },
    );
}
