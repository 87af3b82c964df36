//! Kafka's `RoundRobinAssignor`: every subscribed topic's partitions, topics in name order and
//! partitions in number order, dealt one at a time to the members in `MemberInfo` order (static
//! members by `group.instance.id` first), skipping a member not subscribed to the partition's
//! topic. Not rack-aware. With unequal subscriptions the result can be unbalanced: Kafka's
//! `RoundRobinAssignorTest#testTwoConsumersOneTopicTwoPartitions`-style cases and its javadoc
//! (C0 → t0; C1 → t0, t1; C2 → t0, t1, t2) show it.
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use super::{member_order, members_in_map_order, Assignment, GroupInput, MemberSubscription};

pub fn assign(input: &GroupInput) -> Assignment {
    let mut assignment = input.empty_assignment();
    // Stable sort of the map's order: members sharing a `group.instance.id` keep it.
    let mut members: Vec<&MemberSubscription> = members_in_map_order(input);
    members.sort_by(|a, b| member_order(a, b));
    if members.is_empty() {
        return assignment;
    }
    // `allPartitionsSorted`: the union of subscriptions in a TreeSet (String order), then each
    // topic's partitions 0..n.
    let topics: BTreeSet<Utf16Key<'_>> = input
        .members
        .iter()
        .flat_map(|m| m.topics.iter().map(|t| Utf16Key(t.as_str())))
        .collect();
    // The CircularIterator: `peek` at the member under the cursor, `next` takes it and moves on.
    let mut cursor = 0usize;
    for Utf16Key(topic) in topics {
        let Some(meta) = input.topic(topic) else { continue };
        for partition in 0..meta.partitions() {
            // Some member subscribes to this topic (it is in the union), so this ends.
            while !members[cursor].topics.iter().any(|t| t == topic) {
                cursor = (cursor + 1) % members.len();
            }
            let member = &members[cursor].member_id;
            cursor = (cursor + 1) % members.len();
            if let Some(list) = assignment.get_mut(member) {
                list.push((topic.into(), partition));
            }
        }
    }
    assignment
}

/// A string ordered as Java's `String.compareTo` orders it, for a `TreeSet<String>`.
#[derive(PartialEq, Eq)]
pub struct Utf16Key<'a>(pub &'a str);

impl PartialOrd for Utf16Key<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Utf16Key<'_> {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        crate::java::compare_strings(self.0, other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::MemberSubscription;
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    fn input(members: Vec<MemberSubscription>, topics: &[(&str, u32)]) -> GroupInput {
        GroupInput::plain(members, topics)
    }

    fn tps(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(t, p)| (String::from(*t), *p)).collect()
    }

    // The javadoc's second example: C0 subscribes to t0; C1 to t0, t1; C2 to t0, t1, t2, which
    // have 1, 2 and 3 partitions.
    #[test]
    fn unequal_subscriptions_follow_the_javadoc() {
        let members = vec![
            MemberSubscription::new("C0", &["t0"]),
            MemberSubscription::new("C1", &["t0", "t1"]),
            MemberSubscription::new("C2", &["t0", "t1", "t2"]),
        ];
        let a = assign(&input(members, &[("t0", 1), ("t1", 2), ("t2", 3)]));
        assert_eq!(a["C0"], tps(&[("t0", 0)]));
        assert_eq!(a["C1"], tps(&[("t1", 0)]));
        assert_eq!(a["C2"], tps(&[("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2)]));
    }

    // The javadoc's first example: two members, t0 and t1 with 3 partitions each.
    #[test]
    fn equal_subscriptions_alternate() {
        let members = vec![
            MemberSubscription::new("C1", &["t0", "t1"]),
            MemberSubscription::new("C0", &["t0", "t1"]),
        ];
        let a = assign(&input(members, &[("t0", 3), ("t1", 3)]));
        assert_eq!(a["C0"], tps(&[("t0", 0), ("t0", 2), ("t1", 1)]));
        assert_eq!(a["C1"], tps(&[("t0", 1), ("t1", 0), ("t1", 2)]));
    }

    // RoundRobinAssignorTest#testStaticMemberRoundRobinAssignmentPersistent-style: instance ids
    // decide the order, whatever the member ids are.
    #[test]
    fn static_members_deal_in_instance_id_order() {
        let mut a = MemberSubscription::new("z-member", &["t"]);
        a.group_instance_id = Some("instance-1".into());
        let mut b = MemberSubscription::new("a-member", &["t"]);
        b.group_instance_id = Some("instance-2".into());
        let dynamic = MemberSubscription::new("0-dynamic", &["t"]);
        let got = assign(&input(vec![dynamic, b, a], &[("t", 3)]));
        assert_eq!(got["z-member"], tps(&[("t", 0)]));
        assert_eq!(got["a-member"], tps(&[("t", 1)]));
        assert_eq!(got["0-dynamic"], tps(&[("t", 2)]));
    }

    #[test]
    fn a_topic_without_metadata_is_skipped() {
        let members = vec![MemberSubscription::new("c", &["missing", "t"])];
        let a = assign(&input(members, &[("t", 1)]));
        assert_eq!(a["c"], tps(&[("t", 0)]));
    }
}
