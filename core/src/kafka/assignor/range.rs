//! Kafka's `RangeAssignor` (clients/.../consumer/RangeAssignor.java), rack-aware as KIP-881
//! made it. Per topic, the members subscribed to it are sorted (`MemberInfo` order: static
//! members by `group.instance.id` first, then member ids as Java strings) and each takes a
//! contiguous range of the partitions: `P / N` each, the first `P % N` members one more.
//!
//! Rack matching runs first, and only when some topic needs it (`useRackAwareAssignment`: its
//! members have racks, those racks hold some of its replicas, and not every partition has
//! replicas on all of them): each member may take, within its quota, partitions with a replica
//! on its rack. Topics with the same members and partition count are matched together
//! (partition `p` of all of them to one member) so co-partitioning survives. Then plain range
//! assignment fills what is left, still within each member's quota, so the result is as
//! balanced as without racks.
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use super::{member_order, members_in_map_order, Assignment, GroupInput, MemberSubscription, TopicPartition};

/// `TopicAssignmentState`: one topic's members, quotas and what is still unassigned.
struct TopicState<'a> {
    topic: &'a str,
    /// Sorted members with their racks.
    members: Vec<(&'a str, Option<&'a str>)>,
    /// Racks per partition; empty when none of this topic's members has a rack.
    partition_racks: Vec<BTreeSet<&'a str>>,
    needs_rack_matching: bool,
    unassigned: Vec<u32>,
    assigned_to: Vec<u32>,
    per_member: u32,
    members_with_extra_left: u32,
}

impl<'a> TopicState<'a> {
    fn rack_of(&self, member: &str) -> Option<&'a str> {
        self.members.iter().find(|(m, _)| *m == member).and_then(|(_, r)| *r)
    }

    fn index_of(&self, member: &str) -> usize {
        self.members.iter().position(|(m, _)| *m == member).unwrap_or(0)
    }

    /// `racksMatch`: a member without a rack matches anything; one with a rack needs a replica
    /// of the partition there.
    fn racks_match(&self, member: &str, partition: u32) -> bool {
        match self.rack_of(member) {
            None => true,
            Some(rack) => self
                .partition_racks
                .get(partition as usize)
                .is_some_and(|racks| racks.contains(rack)),
        }
    }

    /// `maxAssignable`: the member's quota (one more while extras remain) less what it holds.
    fn max_assignable(&self, member: &str) -> u32 {
        let quota = self.per_member + u32::from(self.members_with_extra_left > 0);
        quota.saturating_sub(self.assigned_to[self.index_of(member)])
    }

    /// `onAssigned`. Kafka takes one extra away at every assignment that leaves the member over
    /// its base share, even a second one for the same member; kept as Kafka has it.
    fn on_assigned(&mut self, member: &str, partitions: &[u32]) {
        let i = self.index_of(member);
        self.assigned_to[i] += partitions.len() as u32;
        if self.assigned_to[i] > self.per_member {
            self.members_with_extra_left = self.members_with_extra_left.saturating_sub(1);
        }
        self.unassigned.retain(|p| !partitions.contains(p));
    }
}

pub fn assign(input: &GroupInput) -> Assignment {
    let mut assignment = input.empty_assignment();
    let members_in_map_order = members_in_map_order(input);
    let mut states: Vec<TopicState<'_>> = Vec::new();
    let subscribed: BTreeSet<&str> = input
        .members
        .iter()
        .flat_map(|m| m.topics.iter().map(String::as_str))
        .collect();
    for topic in subscribed {
        let Some(meta) = input.topic(topic) else { continue };
        let mut subscribers: Vec<&MemberSubscription> = members_in_map_order
            .iter()
            .copied()
            .filter(|m| m.topics.iter().any(|t| t == topic))
            .collect();
        subscribers.sort_by(|a, b| member_order(a, b));
        let members: Vec<(&str, Option<&str>)> = subscribers.iter().map(|m| (m.member_id.as_str(), m.rack())).collect();
        let partitions = meta.partitions();
        let n = members.len() as u32;
        let member_racks: BTreeSet<&str> = members.iter().filter_map(|(_, r)| *r).collect();
        let partition_racks: Vec<BTreeSet<&str>> = if member_racks.is_empty() {
            Vec::new()
        } else {
            meta.partition_racks
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect()
        };
        let needs_rack_matching = use_rack_aware_assignment(&member_racks, &partition_racks);
        states.push(TopicState {
            topic,
            members,
            partition_racks,
            needs_rack_matching,
            unassigned: (0..partitions).collect(),
            assigned_to: alloc::vec![0; n as usize],
            per_member: partitions.checked_div(n).unwrap_or(0),
            members_with_extra_left: partitions.checked_rem(n).unwrap_or(0),
        });
    }
    if states.iter().any(|s| s.needs_rack_matching) {
        assign_with_rack_matching(&mut states, &mut assignment);
    }
    for state in &mut states {
        assign_ranges(state, &mut assignment, false);
    }
    assignment
}

/// `AbstractPartitionAssignor.useRackAwareAssignment`: members have racks, some replica is on
/// one of them, and the partitions do not all sit on the same set of racks (then matching could
/// not help).
pub fn use_rack_aware_assignment(member_racks: &BTreeSet<&str>, partition_racks: &[BTreeSet<&str>]) -> bool {
    let all_partition_racks: BTreeSet<&str> = partition_racks.iter().flatten().copied().collect();
    if member_racks.is_empty() || member_racks.is_disjoint(&all_partition_racks) {
        return false;
    }
    !partition_racks.iter().all(|r| *r == all_partition_racks)
}

/// `assignRanges`: each member in order takes the first unassigned partitions (those whose
/// racks match, when `rack_matched_only`) up to what it may still take.
fn assign_ranges(state: &mut TopicState<'_>, assignment: &mut Assignment, rack_matched_only: bool) {
    let members: Vec<&str> = state.members.iter().map(|(m, _)| *m).collect();
    for member in members {
        if state.unassigned.is_empty() {
            break;
        }
        let limit = state.max_assignable(member) as usize;
        let take: Vec<u32> = state
            .unassigned
            .iter()
            .copied()
            .filter(|p| !rack_matched_only || state.racks_match(member, *p))
            .take(limit)
            .collect();
        if take.is_empty() {
            continue;
        }
        give(state, member, &take, assignment);
    }
}

fn give(state: &mut TopicState<'_>, member: &str, partitions: &[u32], assignment: &mut Assignment) {
    if let Some(list) = assignment.get_mut(member) {
        list.extend(
            partitions
                .iter()
                .map(|p| -> TopicPartition { (state.topic.into(), *p) }),
        );
    }
    state.on_assigned(member, partitions);
}

/// `assignWithRackMatching`: topics grouped by their member list (with racks) and then by
/// partition count; a group of several topics is matched partition by partition across all of
/// them (`assignCoPartitionedWithRackMatching`, run whether or not those topics need racks), a
/// lone topic by `assignRanges` over rack-matching partitions when it needs it. Groups share no
/// topic, so the order they run in does not change the result.
fn assign_with_rack_matching(states: &mut [TopicState<'_>], assignment: &mut Assignment) {
    let mut done = alloc::vec![false; states.len()];
    for first in 0..states.len() {
        if done[first] {
            continue;
        }
        // The partition count Kafka groups by is `partitionRacks.size()`: 0 for a topic whose
        // members have no racks.
        let same_group = |a: &TopicState<'_>, b: &TopicState<'_>| {
            a.members == b.members && a.partition_racks.len() == b.partition_racks.len()
        };
        let group: Vec<usize> = (first..states.len())
            .filter(|&i| !done[i] && same_group(&states[i], &states[first]))
            .collect();
        for &i in &group {
            done[i] = true;
        }
        if group.len() > 1 {
            assign_co_partitioned(states, &group, assignment);
        } else if states[first].needs_rack_matching {
            assign_ranges(&mut states[first], assignment, true);
        }
    }
}

fn assign_co_partitioned(states: &mut [TopicState<'_>], group: &[usize], assignment: &mut Assignment) {
    let partitions = states[group[0]].partition_racks.len() as u32;
    let mut remaining: Vec<&str> = states[group[0]].members.iter().map(|(m, _)| *m).collect();
    for p in 0..partitions {
        let matching = remaining.iter().copied().find(|member| {
            group
                .iter()
                .all(|&i| states[i].racks_match(member, p) && states[i].max_assignable(member) > 0)
        });
        let Some(member) = matching else { continue };
        for &i in group {
            give(&mut states[i], member, &[p], assignment);
        }
        if group.iter().all(|&i| states[i].max_assignable(member) == 0) {
            remaining.retain(|m| *m != member);
            if remaining.is_empty() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::TopicMetadata;
    use super::*;
    use alloc::vec;

    fn subs(ids: &[&str], topics: &[&str]) -> Vec<MemberSubscription> {
        ids.iter().map(|id| MemberSubscription::new(id, topics)).collect()
    }

    fn input(members: Vec<MemberSubscription>, topics: &[(&str, u32)]) -> GroupInput {
        GroupInput::plain(members, topics)
    }

    fn parts(topic: &str, ps: &[u32]) -> Vec<(String, u32)> {
        ps.iter().map(|p| (topic.into(), *p)).collect()
    }

    // RangeAssignorTest#testOneConsumerMultipleTopics-style: 3 partitions, 2 members.
    #[test]
    fn first_member_takes_the_extra_partition() {
        let a = assign(&input(subs(&["consumer1", "consumer2"], &["t"]), &[("t", 3)]));
        assert_eq!(a["consumer1"], parts("t", &[0, 1]));
        assert_eq!(a["consumer2"], parts("t", &[2]));
    }

    // RangeAssignorTest#testTwoConsumersTwoTopicsSixPartitions.
    #[test]
    fn each_topic_is_split_on_its_own_so_the_first_member_gains_twice() {
        let a = assign(&input(
            subs(&["consumer1", "consumer2"], &["t1", "t2"]),
            &[("t1", 3), ("t2", 3)],
        ));
        let mut c1 = parts("t1", &[0, 1]);
        c1.extend(parts("t2", &[0, 1]));
        let mut c2 = parts("t1", &[2]);
        c2.extend(parts("t2", &[2]));
        assert_eq!(a["consumer1"], c1);
        assert_eq!(a["consumer2"], c2);
    }

    #[test]
    fn more_members_than_partitions_leaves_the_last_ones_idle() {
        let a = assign(&input(subs(&["a", "b", "c", "d"], &["t"]), &[("t", 3)]));
        assert_eq!(a["a"], parts("t", &[0]));
        assert_eq!(a["b"], parts("t", &[1]));
        assert_eq!(a["c"], parts("t", &[2]));
        assert_eq!(a["d"], vec![]);
    }

    #[test]
    fn members_are_sorted_as_strings_not_by_join_order() {
        // "c-10" sorts before "c-2": string order, exactly as Java's String.compareTo.
        let a = assign(&input(subs(&["c-2", "c-10"], &["t"]), &[("t", 3)]));
        assert_eq!(a["c-10"], parts("t", &[0, 1]));
        assert_eq!(a["c-2"], parts("t", &[2]));
    }

    // RangeAssignorTest#testStaticMemberRangeAssignmentPersistent-style: instance ids order.
    #[test]
    fn static_members_sort_by_instance_id_before_dynamic_ones() {
        let mut members = subs(&["a-dynamic", "z-static", "m-static"], &["t"]);
        members[1].group_instance_id = Some("instance-1".into());
        members[2].group_instance_id = Some("instance-2".into());
        let a = assign(&input(members, &[("t", 4)]));
        assert_eq!(a["z-static"], parts("t", &[0, 1]));
        assert_eq!(a["m-static"], parts("t", &[2]));
        assert_eq!(a["a-dynamic"], parts("t", &[3]));
    }

    #[test]
    fn members_only_get_topics_they_subscribe_to() {
        let mut members = subs(&["a"], &["t1"]);
        members.extend(subs(&["b"], &["t1", "t2"]));
        let a = assign(&input(members, &[("t1", 2), ("t2", 2)]));
        assert_eq!(a["a"], parts("t1", &[0]));
        let mut b = parts("t1", &[1]);
        b.extend(parts("t2", &[0, 1]));
        assert_eq!(a["b"], b);
    }

    fn racked(topic: &str, racks: &[&[&str]]) -> TopicMetadata {
        TopicMetadata {
            name: topic.into(),
            partition_racks: racks
                .iter()
                .map(|r| r.iter().map(|s| String::from(*s)).collect())
                .collect(),
        }
    }

    // KIP-881's example: partition p has its replica on rack r(p); members on racks a, b, c take
    // the partitions of their own rack while quotas allow.
    #[test]
    fn rack_matching_gives_members_their_local_partitions() {
        let mut members = subs(&["c0", "c1", "c2"], &["t"]);
        for (m, r) in members.iter_mut().zip(["b", "c", "a"]) {
            m.rack = Some(r.into());
        }
        let input = GroupInput {
            members,
            topics: vec![racked("t", &[&["a"], &["b"], &["c"], &["a"], &["b"], &["c"]])],
        };
        let a = assign(&input);
        assert_eq!(a["c0"], parts("t", &[1, 4]));
        assert_eq!(a["c1"], parts("t", &[2, 5]));
        assert_eq!(a["c2"], parts("t", &[0, 3]));
    }

    // When every partition has replicas on every rack, matching cannot help and plain range runs.
    #[test]
    fn racks_everywhere_means_no_rack_matching() {
        let mut members = subs(&["c0", "c1"], &["t"]);
        members[0].rack = Some("b".into());
        members[1].rack = Some("a".into());
        let input = GroupInput {
            members,
            topics: vec![racked("t", &[&["a", "b"], &["b", "a"]])],
        };
        let a = assign(&input);
        assert_eq!(a["c0"], parts("t", &[0]));
        assert_eq!(a["c1"], parts("t", &[1]));
    }
}
