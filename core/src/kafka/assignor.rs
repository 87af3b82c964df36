//! Kafka's `RangeAssignor` (clients/src/main/java/org/apache/kafka/clients/consumer/RangeAssignor.java),
//! without rack awareness. For each topic, the members subscribed to it are sorted (by
//! `group.instance.id` when set, else by member id, as plain strings) and each takes a contiguous
//! range of partitions: `P / N` each, and the first `P % N` members one more.
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// What the group leader knows of one member when it assigns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSubscription {
    pub member_id: String,
    pub topics: Vec<String>,
}

/// `member_id -> [(topic, partition)]`, every member present (possibly with nothing).
pub type Assignment = BTreeMap<String, Vec<(String, u32)>>;

/// `partitions_per_topic` gives each topic's partition count; topics absent from it are skipped, as
/// Kafka skips topics missing from the metadata.
pub fn range_assign(members: &[MemberSubscription], partitions_per_topic: &BTreeMap<String, u32>) -> Assignment {
    let mut assignment: Assignment = members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect();
    // Topic order does not change the result (each topic is split independently); BTreeMap gives a
    // fixed order for the lists.
    for (topic, &partition_count) in partitions_per_topic {
        let mut subscribers: Vec<&str> = members
            .iter()
            .filter(|m| m.topics.iter().any(|t| t == topic))
            .map(|m| m.member_id.as_str())
            .collect();
        if subscribers.is_empty() {
            continue;
        }
        subscribers.sort_unstable();
        let n = subscribers.len() as u32;
        let per_member = partition_count / n;
        let with_extra = partition_count % n;
        for (i, member) in subscribers.iter().enumerate() {
            let i = i as u32;
            let start = per_member * i + i.min(with_extra);
            let length = per_member + u32::from(i < with_extra);
            let list = assignment.entry(String::from(*member)).or_default();
            list.extend((start..start + length).map(|p| (topic.clone(), p)));
        }
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn subs(ids: &[&str], topics: &[&str]) -> Vec<MemberSubscription> {
        ids.iter()
            .map(|id| MemberSubscription {
                member_id: (*id).into(),
                topics: topics.iter().map(|t| (*t).into()).collect(),
            })
            .collect()
    }

    fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(t, n)| ((*t).into(), *n)).collect()
    }

    fn parts(topic: &str, ps: &[u32]) -> Vec<(String, u32)> {
        ps.iter().map(|p| (topic.into(), *p)).collect()
    }

    // Mirrors RangeAssignorTest#testOneConsumerMultipleTopics-style cases: 3 partitions, 2 members.
    #[test]
    fn first_member_takes_the_extra_partition() {
        let a = range_assign(&subs(&["consumer1", "consumer2"], &["t"]), &counts(&[("t", 3)]));
        assert_eq!(a["consumer1"], parts("t", &[0, 1]));
        assert_eq!(a["consumer2"], parts("t", &[2]));
    }

    #[test]
    fn each_topic_is_split_on_its_own_so_the_first_member_gains_twice() {
        // RangeAssignorTest#testTwoConsumersTwoTopicsSixPartitions: t1 and t2 with 3 partitions each.
        let a = range_assign(
            &subs(&["consumer1", "consumer2"], &["t1", "t2"]),
            &counts(&[("t1", 3), ("t2", 3)]),
        );
        let mut c1 = parts("t1", &[0, 1]);
        c1.extend(parts("t2", &[0, 1]));
        let mut c2 = parts("t1", &[2]);
        c2.extend(parts("t2", &[2]));
        assert_eq!(a["consumer1"], c1);
        assert_eq!(a["consumer2"], c2);
    }

    #[test]
    fn more_members_than_partitions_leaves_the_last_ones_idle() {
        let a = range_assign(&subs(&["a", "b", "c", "d"], &["t"]), &counts(&[("t", 3)]));
        assert_eq!(a["a"], parts("t", &[0]));
        assert_eq!(a["b"], parts("t", &[1]));
        assert_eq!(a["c"], parts("t", &[2]));
        assert_eq!(a["d"], vec![]);
    }

    #[test]
    fn members_are_sorted_as_strings_not_by_join_order() {
        // "c-10" sorts before "c-2": string order, exactly as Java's String.compareTo.
        let a = range_assign(&subs(&["c-2", "c-10"], &["t"]), &counts(&[("t", 3)]));
        assert_eq!(a["c-10"], parts("t", &[0, 1]));
        assert_eq!(a["c-2"], parts("t", &[2]));
    }

    #[test]
    fn members_only_get_topics_they_subscribe_to() {
        let mut members = subs(&["a"], &["t1"]);
        members.extend(subs(&["b"], &["t1", "t2"]));
        let a = range_assign(&members, &counts(&[("t1", 2), ("t2", 2)]));
        assert_eq!(a["a"], parts("t1", &[0]));
        let mut b = parts("t1", &[1]);
        b.extend(parts("t2", &[0, 1]));
        assert_eq!(a["b"], b);
    }
}
