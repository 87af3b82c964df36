//! Kafka's `AbstractStickyAssignor` (clients/.../consumer/internals/AbstractStickyAssignor.java),
//! the engine of `StickyAssignor` (eager, "sticky") and `CooperativeStickyAssignor`
//! ("cooperative-sticky"), rack-aware since KIP-881. It aims for a balanced assignment that moves
//! as few previously owned partitions as possible.
//!
//! **Previous ownership** (`allSubscriptionsEqual`): every member's claimed partitions of
//! subscribed, existing topics are collected in the subscriptions' `HashMap` order. When two
//! members claim one partition the higher generation keeps it; two claims in the same generation
//! void it for both (and mark it "claimed by several").
//!
//! **Constrained builder** (all subscriptions equal): quotas `⌊P/N⌋`/`⌈P/N⌉`; each member keeps up
//! to its quota of what it owns (lowest partition numbers first), then, with racks, unfilled
//! members take rack-matching partitions round-robin, and finally plain round-robin fills everyone
//! to quota. Owned partitions given to someone else are recorded as "transferring ownership".
//!
//! **General builder** (subscriptions differ): keeps every still-valid owned partition, hands the
//! rest to the least-loaded eligible member (a `TreeSet` by load, then member id), then moves
//! partitions from members with 2+ more partitions than an eligible peer until balanced, preferring
//! a partition's previous-generation owner and undoing "back-and-forth" moves
//! (`PartitionMovements`). It reverts to the pre-balancing state when balancing did not help.
//!
//! **Rack awareness** (`RackInfo`): used only when some member has a rack, that rack holds
//! replicas, and not every partition has replicas on every rack (`useRackAwareAssignment`). Then
//! owned partitions off the member's rack are given up, and assignment tries rack-matching first.
//! Even without rack-aware assignment, members with racks reorder the constrained builder's
//! unassigned partitions by how many members share their replicas' racks.
//!
//! **Cooperative adjustment** (`CooperativeStickyAssignor.assignPartitions`): a partition moving
//! from one owner to another is left out this round (its owner revokes it first).
//!
//! **Java iteration order.** Tie-breaks follow `java.util.HashMap` order in: the subscriptions
//! map (who claims first, who keeps a quota, previous-generation owners), the owned-partitions
//! map the builders walk, the `HashSet` in `PartitionMovements` whose first element is moved back,
//! and the maps whose order decides a duplicated partition's fate. They are replayed with
//! [`JavaHashMap`]. `partitionsPerTopic`'s order (a `HashMap` from a `HashSet`, as
//! `AbstractPartitionAssignor.assign(Cluster, ...)` builds it) never reaches the result: every walk
//! over it is sorted or only looks things up, so topics here are simply in name order.
//!
//! Kafka's `NullPointerException` and `ArithmeticException` paths (an empty group; a member left
//! out of reassignment that another still points at) come back as errors too, with a message
//! naming the exception.
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{AssignError, Assignment, GroupInput, MemberSubscription, TopicPartition};
use crate::java::{compare_strings, topic_partition_hash, JavaHash, JavaHashMap};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`.
const DEFAULT_GENERATION: i32 = -1;

/// `assignPartitions` of `StickyAssignor` (`cooperative == false`) or `CooperativeStickyAssignor`
/// (after `adjustAssignment`), on a fresh assignor instance.
pub fn assign(input: &GroupInput, cooperative: bool) -> Result<Assignment, AssignError> {
    assign_tuned(input, cooperative, Tuning::default())
}

/// Knobs only Kafka's tests turn.
#[derive(Debug, Clone, Copy, Default)]
struct Tuning {
    /// `AbstractPartitionAssignor.preferRackAwareLogic`: rack-aware even when every partition
    /// has replicas on every rack.
    prefer_rack_aware_logic: bool,
    /// The subscriptions map's `new HashMap<>(n)` capacity, when a test sizes it.
    subscriptions_capacity: Option<usize>,
}

fn assign_tuned(input: &GroupInput, cooperative: bool, tuning: Tuning) -> Result<Assignment, AssignError> {
    let group = Group::new(input, cooperative, tuning);
    let (mut lists, transferring) = if group.all_subscriptions_equal {
        // The constrained builder records `partitionsTransferringOwnership` as it goes.
        ConstrainedBuilder::build(&group)?
    } else {
        // After the general one that map is null and the cooperative assignor derives it.
        let (lists, order) = GeneralBuilder::build(&group)?;
        let transferring = if cooperative {
            derive_transfers(&group, &lists, &order)
        } else {
            BTreeMap::new()
        };
        (lists, transferring)
    };
    if cooperative {
        // adjustAssignment: a partition changing hands waits for its owner to revoke it.
        for (tp, consumer) in transferring {
            remove_first(&mut lists[consumer], tp);
        }
    }
    Ok(group.to_assignment(&lists))
}

/// A member, by its place in the subscriptions' `HashMap` iteration order.
type ConsumerId = usize;
/// A topic of `partitionsPerTopic`, by its place in Java `String` order.
type TopicId = usize;
/// A `TopicPartition`: the topics' partitions numbered densely in (topic, partition) order, then
/// any claimed partition beyond a topic's count (Kafka keeps those, so they are tracked too).
type PartitionId = usize;

/// `ArrayList.remove(Object)`: drops the first occurrence, if any.
fn remove_first(list: &mut Vec<PartitionId>, tp: PartitionId) -> bool {
    match list.iter().position(|&p| p == tp) {
        Some(at) => {
            list.remove(at);
            true
        }
        None => false,
    }
}

fn null_pointer(what: &str) -> AssignError {
    AssignError::new("NullPointerException", what)
}

struct Consumer<'a> {
    member_id: &'a str,
    subscription: &'a MemberSubscription,
    /// Position of the member id in Java `String` order (`TreeSet` and `Collections.sort` ties).
    name_rank: usize,
    /// `memberData(subscription).generation`: the sticky user data's generation (any value), or
    /// for the cooperative assignor `Subscription.generationId` (only a non-negative one counts).
    data_generation: Option<i32>,
    /// `Subscription.generationId()`, which the `Subscription` constructor drops when negative.
    subscription_generation: Option<i32>,
}

struct Topic<'a> {
    name: &'a str,
    partition_racks: &'a [Vec<String>],
    first: PartitionId,
}

impl Topic<'_> {
    fn count(&self) -> usize {
        self.partition_racks.len()
    }
}

/// Every `TopicPartition` the assignment can hold.
struct PartitionTable {
    topic: Vec<TopicId>,
    number: Vec<u32>,
    java_hash: Vec<i32>,
    /// Ids below this are real partitions (`0..count` of each topic, in topic order).
    dense: usize,
    /// Claimed partitions numbered past their topic's count.
    extra: BTreeMap<(TopicId, u32), PartitionId>,
}

impl PartitionTable {
    fn lookup(&self, topics: &[Topic<'_>], topic: TopicId, number: u32) -> Option<PartitionId> {
        let t = &topics[topic];
        if (number as usize) < t.count() {
            Some(t.first + number as usize)
        } else {
            self.extra.get(&(topic, number)).copied()
        }
    }

    fn intern(&mut self, topics: &[Topic<'_>], topic: TopicId, number: u32) -> PartitionId {
        if let Some(id) = self.lookup(topics, topic, number) {
            return id;
        }
        let id = self.topic.len();
        self.topic.push(topic);
        self.number.push(number);
        self.java_hash.push(topic_partition_hash(topics[topic].name, number));
        self.extra.insert((topic, number), id);
        id
    }

    fn len(&self) -> usize {
        self.topic.len()
    }
}

/// A `TopicPartition` as a key of a replayed `HashSet<TopicPartition>`.
#[derive(Debug, Clone, Copy)]
struct HashedPartition {
    id: PartitionId,
    java_hash: i32,
}

impl PartialEq for HashedPartition {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl JavaHash for HashedPartition {
    fn java_hash(&self) -> i32 {
        self.java_hash
    }
}

/// `AbstractStickyAssignor.RackInfo`.
struct RackInfo<'a> {
    /// `consumerRacks`: a member's rack, only when rack-aware assignment is on.
    consumer_rack: Vec<Option<&'a str>>,
    /// `partitionRacks`: each real partition's distinct replica racks (sorted), only when
    /// rack-aware assignment is on.
    partition_racks: Option<Vec<Vec<&'a str>>>,
    /// `numConsumersByPartition`: members on the racks of each real partition's replicas,
    /// present whenever some member has a rack (rack-aware or not).
    members_on_replica_racks: Option<Vec<usize>>,
}

impl<'a> RackInfo<'a> {
    fn new(consumers: &[Consumer<'a>], topics: &[Topic<'a>], dense: usize, tuning: Tuning) -> RackInfo<'a> {
        let member_racks: Vec<Option<&'a str>> = consumers.iter().map(|c| c.subscription.rack()).collect();
        let mut members_per_rack: BTreeMap<&str, usize> = BTreeMap::new();
        for rack in member_racks.iter().flatten() {
            *members_per_rack.entry(rack).or_insert(0) += 1;
        }
        let off = RackInfo {
            consumer_rack: vec![None; consumers.len()],
            partition_racks: None,
            members_on_replica_racks: None,
        };
        if members_per_rack.is_empty() {
            return off;
        }
        let mut per_partition: Vec<Vec<&'a str>> = Vec::with_capacity(dense);
        for topic in topics {
            for racks in topic.partition_racks {
                let mut distinct: Vec<&'a str> = racks.iter().map(String::as_str).collect();
                distinct.sort_unstable();
                distinct.dedup();
                per_partition.push(distinct);
            }
        }
        let mut all_partition_racks: Vec<&'a str> = per_partition.iter().flatten().copied().collect();
        all_partition_racks.sort_unstable();
        all_partition_racks.dedup();
        let counts: Vec<usize> = per_partition
            .iter()
            .map(|racks| {
                racks
                    .iter()
                    .map(|r| members_per_rack.get(r).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        // AbstractPartitionAssignor.useRackAwareAssignment
        let disjoint = !members_per_rack
            .keys()
            .any(|r| all_partition_racks.binary_search(r).is_ok());
        let rack_aware = !disjoint
            && (tuning.prefer_rack_aware_logic || !per_partition.iter().all(|racks| *racks == all_partition_racks));
        RackInfo {
            consumer_rack: if rack_aware { member_racks } else { off.consumer_rack },
            partition_racks: rack_aware.then_some(per_partition),
            members_on_replica_racks: (dense > 0).then_some(counts),
        }
    }

    /// Whether rack-aware assignment is on (`!consumerRacks.isEmpty()`).
    fn enabled(&self) -> bool {
        self.partition_racks.is_some()
    }

    fn racks_of(&self, tp: PartitionId) -> Option<&[&'a str]> {
        self.partition_racks
            .as_ref()
            .and_then(|all| all.get(tp))
            .map(Vec::as_slice)
    }

    /// `racksMismatch`: the member has a rack and the partition has no replica there.
    fn mismatch(&self, consumer: ConsumerId, tp: PartitionId) -> bool {
        match self.consumer_rack[consumer] {
            None => false,
            Some(rack) => self.racks_of(tp).is_none_or(|racks| !racks.contains(&rack)),
        }
    }

    /// `sortPartitionsByRackConsumers`: a stable sort by members on the replicas' racks.
    fn sort_by_rack_members(&self, partitions: &mut [PartitionId]) {
        if let Some(counts) = &self.members_on_replica_racks {
            partitions.sort_by_key(|&tp| counts.get(tp).copied().unwrap_or(0));
        }
    }

    /// `nextRackConsumer`: the first member of `list` from `first` on (cyclically) whose rack
    /// holds a replica of `tp`.
    fn next_rack_consumer(&self, tp: PartitionId, list: &[ConsumerId], first: usize) -> Option<usize> {
        let racks = self.racks_of(tp).filter(|r| !r.is_empty())?;
        (0..list.len())
            .map(|i| (first + i) % list.len())
            .find(|&index| self.consumer_rack[list[index]].is_some_and(|rack| racks.contains(&rack)))
    }
}

/// The input as the assignor sees it, and what `allSubscriptionsEqual` gathers.
struct Group<'a> {
    consumers: Vec<Consumer<'a>>,
    /// Members in Java `String` order of their ids.
    by_name_rank: Vec<ConsumerId>,
    topics: Vec<Topic<'a>>,
    topic_by_name: BTreeMap<&'a str, TopicId>,
    partitions: PartitionTable,
    racks: RackInfo<'a>,
    all_subscriptions_equal: bool,
    /// `maxGeneration` (of a fresh assignor).
    max_generation: i32,
    /// `consumerToOwnedPartitions`: each member's previously owned, still-subscribable partitions.
    owned: Vec<Vec<PartitionId>>,
    /// That map's keys, as a `new HashMap<>()` filled in subscription order holds them.
    owned_map: JavaHashMap<&'a str, ConsumerId>,
    owned_order: Vec<ConsumerId>,
    /// `partitionsWithMultiplePreviousOwners`.
    claimed_by_several: BTreeSet<PartitionId>,
}

impl<'a> Group<'a> {
    fn new(input: &'a GroupInput, cooperative: bool, tuning: Tuning) -> Group<'a> {
        // The caller `put`s the subscriptions into a HashMap in list order; a repeated member id
        // replaces the earlier subscription in place.
        let mut subscriptions: JavaHashMap<&'a str, usize> = match tuning.subscriptions_capacity {
            Some(capacity) => JavaHashMap::with_capacity(capacity),
            None => JavaHashMap::new(),
        };
        for (i, m) in input.members.iter().enumerate() {
            subscriptions.put(m.member_id.as_str(), i);
        }
        let mut consumers: Vec<Consumer<'a>> = subscriptions
            .iter()
            .map(|(id, &i)| {
                let subscription = &input.members[i];
                let subscription_generation = subscription.generation.filter(|g| *g >= 0);
                Consumer {
                    member_id: id,
                    subscription,
                    name_rank: 0,
                    // StickyAssignor.memberData reads the user data (any generation);
                    // CooperativeStickyAssignor.memberData reads Subscription.generationId.
                    data_generation: if cooperative {
                        subscription_generation
                    } else {
                        subscription.generation
                    },
                    subscription_generation,
                }
            })
            .collect();
        let mut by_name_rank: Vec<ConsumerId> = (0..consumers.len()).collect();
        by_name_rank.sort_by(|&a, &b| compare_strings(consumers[a].member_id, consumers[b].member_id));
        for (rank, &c) in by_name_rank.iter().enumerate() {
            consumers[c].name_rank = rank;
        }

        // partitionsPerTopic: the subscribed topics that exist.
        let mut names: Vec<&'a str> = consumers
            .iter()
            .flat_map(|c| c.subscription.topics.iter().map(String::as_str))
            .filter(|name| input.topic(name).is_some())
            .collect();
        names.sort_by(|a, b| compare_strings(a, b));
        names.dedup();
        let mut topics = Vec::with_capacity(names.len());
        let mut topic_by_name = BTreeMap::new();
        let mut partitions = PartitionTable {
            topic: Vec::new(),
            number: Vec::new(),
            java_hash: Vec::new(),
            dense: 0,
            extra: BTreeMap::new(),
        };
        for (id, name) in names.into_iter().enumerate() {
            let Some(meta) = input.topic(name) else { continue };
            topic_by_name.insert(name, id);
            topics.push(Topic {
                name,
                partition_racks: &meta.partition_racks,
                first: partitions.topic.len(),
            });
            for p in 0..meta.partitions() {
                partitions.topic.push(id);
                partitions.number.push(p);
                partitions.java_hash.push(topic_partition_hash(name, p));
            }
        }
        partitions.dense = partitions.topic.len();
        let racks = RackInfo::new(&consumers, &topics, partitions.dense, tuning);

        // allSubscriptionsEqual
        let mut all_subscriptions_equal = true;
        let mut first_topics: BTreeSet<&str> = BTreeSet::new();
        let mut max_generation = DEFAULT_GENERATION;
        let mut owned: Vec<Vec<PartitionId>> = vec![Vec::new(); consumers.len()];
        let mut owned_map = JavaHashMap::new();
        let mut claimant: BTreeMap<PartitionId, ConsumerId> = BTreeMap::new();
        let mut claimed_by_several = BTreeSet::new();
        for c in 0..consumers.len() {
            let subscription = consumers[c].subscription;
            let topics_of = &subscription.topics;
            // An empty subscription never becomes the reference, so the next one does; the
            // comparison counts a list (with repeats) against a set.
            if first_topics.is_empty() {
                first_topics.extend(topics_of.iter().map(String::as_str));
            } else if all_subscriptions_equal
                && !(topics_of.len() == first_topics.len()
                    && topics_of.iter().all(|t| first_topics.contains(t.as_str())))
            {
                all_subscriptions_equal = false;
            }
            let generation = consumers[c].data_generation.unwrap_or(DEFAULT_GENERATION);
            max_generation = max_generation.max(generation);
            owned_map.put(consumers[c].member_id, c);
            for (topic, number) in &subscription.owned {
                let Some(&t) = topic_by_name.get(topic.as_str()) else {
                    continue;
                };
                let tp = partitions.intern(&topics, t, *number);
                let Some(&other) = claimant.get(&tp) else {
                    owned[c].push(tp);
                    claimant.insert(tp, c);
                    continue;
                };
                // Kafka compares this member's memberData generation with the other's
                // Subscription.generationId.
                let other_generation = consumers[other].subscription_generation.unwrap_or(DEFAULT_GENERATION);
                if generation == other_generation {
                    claimed_by_several.insert(tp);
                    remove_first(&mut owned[other], tp);
                    claimant.insert(tp, c);
                } else if generation > other_generation {
                    owned[c].push(tp);
                    remove_first(&mut owned[other], tp);
                    claimant.insert(tp, c);
                }
            }
        }
        let owned_order = owned_map.iter().map(|(_, &c)| c).collect();
        Group {
            consumers,
            by_name_rank,
            topics,
            topic_by_name,
            partitions,
            racks,
            all_subscriptions_equal,
            max_generation,
            owned,
            owned_map,
            owned_order,
            claimed_by_several,
        }
    }

    fn topic_of(&self, tp: PartitionId) -> TopicId {
        self.partitions.topic[tp]
    }

    /// The id of a claimed `(topic, partition)`, if the assignment can involve it.
    fn lookup(&self, (topic, number): &TopicPartition) -> Option<PartitionId> {
        let &t = self.topic_by_name.get(topic.as_str())?;
        self.partitions.lookup(&self.topics, t, *number)
    }

    fn to_assignment(&self, lists: &[Vec<PartitionId>]) -> Assignment {
        self.consumers
            .iter()
            .zip(lists)
            .map(|(c, list)| {
                let partitions = list
                    .iter()
                    .map(|&tp| {
                        (
                            String::from(self.topics[self.topic_of(tp)].name),
                            self.partitions.number[tp],
                        )
                    })
                    .collect();
                (String::from(c.member_id), partitions)
            })
            .collect()
    }
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions newly assigned
/// to one member that some member owned and no longer gets.
fn derive_transfers(
    group: &Group<'_>,
    lists: &[Vec<PartitionId>],
    order: &[ConsumerId],
) -> BTreeMap<PartitionId, ConsumerId> {
    let mut added = BTreeMap::new();
    let mut revoked: BTreeSet<PartitionId> = BTreeSet::new();
    for &c in order {
        // Subscription.ownedPartitions, unfiltered; a partition the assignment cannot hold can
        // be neither added nor matter as revoked.
        let owned: BTreeSet<PartitionId> = group.consumers[c]
            .subscription
            .owned
            .iter()
            .filter_map(|tp| group.lookup(tp))
            .collect();
        let assigned: BTreeSet<PartitionId> = lists[c].iter().copied().collect();
        for &tp in &lists[c] {
            if !owned.contains(&tp) {
                added.insert(tp, c);
            }
        }
        revoked.extend(owned.iter().filter(|tp| !assigned.contains(tp)));
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

/// `ConstrainedAssignmentBuilder`.
struct ConstrainedBuilder<'g, 'a> {
    group: &'g Group<'a>,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: Vec<Vec<PartitionId>>,
    /// `unfilledMembersWithUnderMinQuotaPartitions`.
    under_min: Vec<ConsumerId>,
    /// `unfilledMembersWithExactlyMinQuotaPartitions`.
    exactly_min: Vec<ConsumerId>,
    /// `maybeRevokedPartitions`: owned partitions not kept, with their owner.
    maybe_revoked: BTreeMap<PartitionId, ConsumerId>,
    /// `partitionsTransferringOwnership`.
    transferring: BTreeMap<PartitionId, ConsumerId>,
}

type ConstrainedOutcome = (Vec<Vec<PartitionId>>, BTreeMap<PartitionId, ConsumerId>);

impl<'g, 'a> ConstrainedBuilder<'g, 'a> {
    fn build(group: &'g Group<'a>) -> Result<ConstrainedOutcome, AssignError> {
        let members = group.consumers.len();
        if members == 0 {
            // `totalPartitionsCount % numberOfConsumers` in the constructor.
            return Err(AssignError::new("ArithmeticException", "/ by zero"));
        }
        let total = group.partitions.dense;
        let mut builder = ConstrainedBuilder {
            group,
            min_quota: total / members,
            max_quota: total.div_ceil(members),
            expected_over_min: total % members,
            current_over_min: 0,
            assignment: vec![Vec::new(); members],
            under_min: Vec::new(),
            exactly_min: Vec::new(),
            maybe_revoked: BTreeMap::new(),
            transferring: BTreeMap::new(),
        };
        let assigned = builder.assign_owned_partitions();
        let mut unassigned = builder.unassigned_partitions(assigned);
        let by_name = |c: &ConsumerId| group.consumers[*c].name_rank;
        builder.under_min.sort_by_key(by_name);
        builder.exactly_min.sort_by_key(by_name);
        group.racks.sort_by_rack_members(&mut unassigned);
        let unassigned = builder.assign_rack_aware_round_robin(unassigned);
        builder.assign_round_robin(&unassigned)?;
        builder.verify_unfilled_members()?;
        Ok((builder.assignment, builder.transferring))
    }

    /// `assignOwnedPartitions`: members keep what they own up to their quota, walking the
    /// owned-partitions map in its `HashMap` order (which decides who may keep `maxQuota`).
    fn assign_owned_partitions(&mut self) -> Vec<PartitionId> {
        let group = self.group;
        let mut assigned = Vec::new();
        for &c in &group.owned_order {
            let mut kept = Vec::with_capacity(group.owned[c].len());
            for &tp in &group.owned[c] {
                if group.racks.mismatch(c, tp) {
                    self.maybe_revoked.insert(tp, c);
                } else {
                    kept.push(tp);
                }
            }
            // By partition number, then topic.
            kept.sort_by_key(|&tp| (group.partitions.number[tp], group.topic_of(tp)));
            kept.retain(|tp| !group.claimed_by_several.contains(tp));

            let keep = if kept.len() < self.min_quota {
                self.under_min.push(c);
                kept.len()
            } else if kept.len() >= self.max_quota && self.current_over_min < self.expected_over_min {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                self.max_quota
            } else {
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push(c);
                }
                self.min_quota
            };
            for &tp in &kept[keep..] {
                self.maybe_revoked.insert(tp, c);
            }
            self.assignment[c].extend_from_slice(&kept[..keep]);
            assigned.extend_from_slice(&kept[..keep]);
        }
        assigned
    }

    /// `getUnassignedPartitions`: all partitions (topics by name, partitions by number) minus the
    /// sorted assigned ones, by Kafka's two-pointer walk. A kept partition numbered past its
    /// topic's count stalls the walk, after which every partition counts as unassigned; Kafka
    /// behaves so and so does this.
    fn unassigned_partitions(&self, mut assigned: Vec<PartitionId>) -> Vec<PartitionId> {
        let parts = &self.group.partitions;
        if assigned.is_empty() {
            return (0..parts.dense).collect();
        }
        assigned.sort_by_key(|&tp| (parts.topic[tp], parts.number[tp]));
        let mut unassigned = Vec::with_capacity(parts.dense.saturating_sub(assigned.len()));
        let mut rest = assigned.into_iter();
        let mut next = rest.next();
        let mut add_directly = false;
        for tp in 0..parts.dense {
            let matches =
                next.is_some_and(|n| parts.topic[n] == parts.topic[tp] && parts.number[n] == parts.number[tp]);
            if add_directly || !matches {
                unassigned.push(tp);
            } else {
                next = rest.next();
                add_directly = next.is_none();
            }
        }
        unassigned
    }

    /// `assignRackAwareRoundRobin`: fills unfilled members with partitions on their racks;
    /// returns the partitions it could not place.
    fn assign_rack_aware_round_robin(&mut self, unassigned: Vec<PartitionId>) -> Vec<PartitionId> {
        let racks = &self.group.racks;
        if !racks.enabled() {
            return unassigned;
        }
        let mut left = Vec::new();
        let mut next_unfilled = 0;
        for tp in unassigned {
            let mut chosen = None;
            if let Some(index) = racks.next_rack_consumer(tp, &self.under_min, next_unfilled) {
                let consumer = self.under_min[index];
                let count = self.assignment[consumer].len() + 1;
                let mut next_index = index;
                if count >= self.min_quota {
                    self.under_min.remove(index);
                    if count < self.max_quota && self.current_over_min < self.expected_over_min {
                        self.exactly_min.push(consumer);
                    }
                } else {
                    next_index += 1;
                }
                next_unfilled = if self.under_min.is_empty() {
                    0
                } else {
                    next_index % self.under_min.len()
                };
                chosen = Some(consumer);
            } else if !self.exactly_min.is_empty() {
                if let Some(index) = racks.next_rack_consumer(tp, &self.exactly_min, 0) {
                    let consumer = self.exactly_min[index];
                    if self.assignment[consumer].len() + 1 == self.max_quota {
                        self.exactly_min.remove(index);
                        self.current_over_min += 1;
                        if self.current_over_min == self.expected_over_min {
                            self.exactly_min.clear();
                        }
                    }
                    chosen = Some(consumer);
                }
            }
            match chosen {
                Some(consumer) => {
                    self.assign_new_partition(tp, consumer);
                }
                None => left.push(tp),
            }
        }
        left
    }

    /// `assignRoundRobin`: cycles through the members under `minQuota` (removing each as it
    /// reaches it), then hands one more to members at `minQuota`, in order.
    fn assign_round_robin(&mut self, unassigned: &[PartitionId]) -> Result<(), AssignError> {
        // The LinkedList iterator over `under_min`: `cursor` is its next index; `last` the index
        // its last `next()` returned (None once removed, as `remove()` needs one).
        let mut cursor = 0;
        let mut last: Option<usize> = None;
        for &tp in unassigned {
            let consumer = if cursor < self.under_min.len() {
                last = Some(cursor);
                cursor += 1;
                self.under_min[cursor - 1]
            } else if self.under_min.is_empty() && self.exactly_min.is_empty() {
                return Err(AssignError::illegal_state("No more unfilled consumers to be assigned."));
            } else if self.under_min.is_empty() {
                self.exactly_min.remove(0)
            } else {
                last = Some(0);
                cursor = 1;
                self.under_min[0]
            };
            let count = self.assign_new_partition(tp, consumer);
            if count == self.min_quota {
                // unfilledConsumerIter.remove(); without a preceding next() Java throws an
                // IllegalStateException with no message (a member at minQuota polled from the
                // other list cannot get here, but this is what Kafka would do).
                let Some(at) = last.take() else {
                    return Err(AssignError::illegal_state("null"));
                };
                self.under_min.remove(at);
                cursor -= 1;
                self.exactly_min.push(consumer);
            } else if count == self.max_quota {
                self.current_over_min += 1;
            }
        }
        Ok(())
    }

    /// `assignNewPartition`: returns the member's new count.
    fn assign_new_partition(&mut self, tp: PartitionId, consumer: ConsumerId) -> usize {
        self.assignment[consumer].push(tp);
        let taken_from_other = self.maybe_revoked.get(&tp).is_some_and(|&owner| owner != consumer);
        if taken_from_other || self.group.claimed_by_several.contains(&tp) {
            self.transferring.insert(tp, consumer);
        }
        self.assignment[consumer].len()
    }

    /// `verifyUnfilledMembers`.
    fn verify_unfilled_members(&self) -> Result<(), AssignError> {
        if self.under_min.is_empty() {
            return Ok(());
        }
        if self.current_over_min != self.expected_over_min {
            return Err(AssignError::illegal_state(String::from(
                "We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned",
            )));
        }
        for &c in &self.under_min {
            if self.assignment[c].len() != self.min_quota {
                return Err(AssignError::illegal_state(format!(
                    "Consumer: [{}] doesn't reach minQuota partitions, and no more partitions to be assigned",
                    self.group.consumers[c].member_id
                )));
            }
        }
        Ok(())
    }
}

/// `PartitionMovements`: for each moved partition its original owner and current holder, and per
/// topic the partitions moved between each (from, to) pair, as `HashSet`s whose first element is
/// what a reverse move takes back.
struct PartitionMovements {
    pair_of: Vec<Option<(ConsumerId, ConsumerId)>>,
    by_topic: BTreeMap<TopicId, BTreeMap<(ConsumerId, ConsumerId), MovedPartitions>>,
}

/// A replayed `HashSet<TopicPartition>` of partitions moved between one pair of members.
type MovedPartitions = JavaHashMap<HashedPartition, ()>;

impl PartitionMovements {
    fn new(partitions: usize) -> PartitionMovements {
        PartitionMovements {
            pair_of: vec![None; partitions],
            by_topic: BTreeMap::new(),
        }
    }

    fn remove_record(&mut self, tp: HashedPartition, topic: TopicId) -> Option<(ConsumerId, ConsumerId)> {
        let pair = self.pair_of[tp.id].take()?;
        let for_topic = self.by_topic.get_mut(&topic)?;
        if let Some(set) = for_topic.get_mut(&pair) {
            set.remove(&tp);
            if set.is_empty() {
                for_topic.remove(&pair);
            }
        }
        if for_topic.is_empty() {
            self.by_topic.remove(&topic);
        }
        Some(pair)
    }

    fn add_record(&mut self, tp: HashedPartition, topic: TopicId, pair: (ConsumerId, ConsumerId)) {
        self.pair_of[tp.id] = Some(pair);
        self.by_topic
            .entry(topic)
            .or_default()
            .entry(pair)
            .or_default()
            .put(tp, ());
    }

    /// `movePartition`: a partition moving back to where it started leaves no record.
    fn move_partition(&mut self, tp: HashedPartition, topic: TopicId, from: ConsumerId, to: ConsumerId) {
        match self.pair_of[tp.id] {
            Some(_) => {
                if let Some((origin, _)) = self.remove_record(tp, topic) {
                    if origin != to {
                        self.add_record(tp, topic, (origin, to));
                    }
                }
            }
            None => self.add_record(tp, topic, (from, to)),
        }
    }

    /// `getTheActualPartitionToBeMoved`: if some partition of the topic went from `to` to this
    /// partition's original owner, move that one back instead.
    fn partition_to_move(&self, tp: PartitionId, topic: TopicId, from: ConsumerId, to: ConsumerId) -> PartitionId {
        let Some(for_topic) = self.by_topic.get(&topic) else {
            return tp;
        };
        let origin = self.pair_of[tp].map_or(from, |(origin, _)| origin);
        match for_topic.get(&(to, origin)).and_then(|set| set.keys().next()) {
            Some(first) => first.id,
            None => tp,
        }
    }
}

/// `GeneralAssignmentBuilder`.
struct GeneralBuilder<'g, 'a> {
    group: &'g Group<'a>,
    /// `consumer2AllPotentialTopics` (subscription order, repeats kept).
    potential_topics: Vec<Vec<TopicId>>,
    /// The same, sorted and deduplicated, for membership tests.
    subscribed: Vec<Vec<TopicId>>,
    /// `topic2AllPotentialConsumers` (subscription order, repeats kept).
    potential_consumers: Vec<Vec<ConsumerId>>,
    /// `getMaxAssignmentSize` of each member.
    full_size: Vec<usize>,
    /// `currentAssignment`'s lists; a member's list stays here while it sits in
    /// `fixedAssignments` (`in_current` false).
    lists: Vec<Vec<PartitionId>>,
    /// `currentAssignment`'s keys, in its `HashMap` order.
    current: JavaHashMap<&'a str, ConsumerId>,
    in_current: Vec<bool>,
    /// `currentPartitionConsumer`.
    owner: Vec<Option<ConsumerId>>,
    /// `sortedCurrentSubscriptions`: (load, name rank).
    by_load: BTreeSet<(usize, usize)>,
    movements: PartitionMovements,
    revocation_required: bool,
    /// Incremental `isBalanced`, when the assignment holds no partition twice.
    tracker: Option<BalanceTracker>,
}

/// (lists of all members, their order in the returned map).
type GeneralOutcome = (Vec<Vec<PartitionId>>, Vec<ConsumerId>);

impl<'g, 'a> GeneralBuilder<'g, 'a> {
    fn build(group: &'g Group<'a>) -> Result<GeneralOutcome, AssignError> {
        let members = group.consumers.len();
        let mut potential_topics = vec![Vec::new(); members];
        let mut potential_consumers = vec![Vec::new(); group.topics.len()];
        for (c, consumer) in group.consumers.iter().enumerate() {
            for topic in &consumer.subscription.topics {
                if let Some(&t) = group.topic_by_name.get(topic.as_str()) {
                    potential_topics[c].push(t);
                    potential_consumers[t].push(c);
                }
            }
        }
        let subscribed: Vec<Vec<TopicId>> = potential_topics
            .iter()
            .map(|topics| {
                let mut set = topics.clone();
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect();
        let full_size = potential_topics
            .iter()
            .map(|topics| {
                // Kafka compares the (repeat-counting) list's length with the topic count.
                if topics.len() == group.topics.len() {
                    group.partitions.dense
                } else {
                    topics.iter().map(|&t| group.topics[t].count()).sum()
                }
            })
            .collect();
        let lists = group.owned.clone();
        let mut owner = vec![None; group.partitions.len()];
        for &c in &group.owned_order {
            for &tp in &lists[c] {
                owner[tp] = Some(c);
            }
        }
        let mut builder = GeneralBuilder {
            group,
            potential_topics,
            subscribed,
            potential_consumers,
            full_size,
            lists,
            current: group.owned_map.clone(),
            in_current: vec![true; members],
            owner,
            by_load: BTreeSet::new(),
            movements: PartitionMovements::new(group.partitions.len()),
            revocation_required: false,
            tracker: None,
        };

        // sortedAllPartitions: topics by number of potential members, then name.
        let mut sorted_topics: Vec<TopicId> = (0..group.topics.len()).collect();
        sorted_topics.sort_by_key(|&t| (builder.potential_consumers[t].len(), t));
        let sorted_all: Vec<PartitionId> = sorted_topics
            .iter()
            .flat_map(|&t| group.topics[t].first..group.topics[t].first + group.topics[t].count())
            .collect();

        let previous = builder.previous_assignment();
        let assigned = builder.assign_owned_partitions();
        let unassigned = builder.unassigned_partitions(assigned, &sorted_all);
        for c in 0..members {
            builder.by_load.insert(builder.load_key(c));
        }
        builder.balance(&previous, sorted_all, unassigned)?;
        let order = builder.current.iter().map(|(_, &c)| c).collect();
        Ok((builder.lists, order))
    }

    fn load_key(&self, c: ConsumerId) -> (usize, usize) {
        (self.lists[c].len(), self.group.consumers[c].name_rank)
    }

    fn is_subscribed(&self, c: ConsumerId, topic: TopicId) -> bool {
        self.subscribed[c].binary_search(&topic).is_ok()
    }

    /// `currentAssignment.get(c).size()`, which throws for a member not in the map.
    fn load(&self, c: Option<ConsumerId>) -> Result<usize, AssignError> {
        match c {
            Some(c) if self.in_current[c] => Ok(self.lists[c].len()),
            _ => Err(null_pointer("a partition's member is not in currentAssignment")),
        }
    }

    /// `prepopulateCurrentAssignments`: each real partition's latest owner among members whose
    /// generation is below the maximum (first such member in map order wins a tie).
    fn previous_assignment(&self) -> Vec<Option<(ConsumerId, i32)>> {
        let group = self.group;
        let mut previous = vec![None; group.partitions.dense];
        for (c, consumer) in group.consumers.iter().enumerate() {
            let generation = match consumer.data_generation {
                Some(g) if g < group.max_generation => g,
                None if group.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for tp in &consumer.subscription.owned {
                let Some(id) = group.lookup(tp).filter(|&id| id < group.partitions.dense) else {
                    continue;
                };
                match previous[id] {
                    Some((_, known)) if generation <= known => {}
                    _ => previous[id] = Some((c, generation)),
                }
            }
        }
        previous
    }

    /// `assignOwnedPartitions`: drops owned partitions whose topic the member no longer
    /// subscribes to or that sit off its rack; returns the rest.
    fn assign_owned_partitions(&mut self) -> Vec<PartitionId> {
        let group = self.group;
        let mut assigned = Vec::new();
        let order: Vec<ConsumerId> = self.current.iter().map(|(_, &c)| c).collect();
        for c in order {
            let list = core::mem::take(&mut self.lists[c]);
            let mut kept = Vec::with_capacity(list.len());
            for tp in list {
                // Every owned partition's topic exists (allSubscriptionsEqual filtered them).
                if !self.is_subscribed(c, group.topic_of(tp)) || group.racks.mismatch(c, tp) {
                    // currentPartitionConsumer keeps pointing at `c`, as in Kafka.
                    self.revocation_required = true;
                } else {
                    assigned.push(tp);
                    kept.push(tp);
                }
            }
            self.lists[c] = kept;
        }
        assigned
    }

    /// `getUnassignedPartitions`: Kafka's two-pointer walk over `sortedAllPartitions` (see the
    /// constrained builder's for how a stray partition stalls it).
    fn unassigned_partitions(&self, mut assigned: Vec<PartitionId>, sorted_all: &[PartitionId]) -> Vec<PartitionId> {
        if assigned.is_empty() {
            return sorted_all.to_vec();
        }
        let parts = &self.group.partitions;
        // Utils.PartitionComparator
        assigned.sort_by_key(|&tp| {
            (
                self.potential_consumers[parts.topic[tp]].len(),
                parts.topic[tp],
                parts.number[tp],
            )
        });
        let mut unassigned = Vec::new();
        let mut rest = assigned.into_iter();
        let mut next = rest.next();
        let mut add_directly = false;
        for &tp in sorted_all {
            if add_directly || next != Some(tp) {
                unassigned.push(tp);
            } else {
                next = rest.next();
                add_directly = next.is_none();
            }
        }
        unassigned
    }

    /// `balance`.
    fn balance(
        &mut self,
        previous: &[Option<(ConsumerId, i32)>],
        mut sorted_all: Vec<PartitionId>,
        mut unassigned: Vec<PartitionId>,
    ) -> Result<(), AssignError> {
        let group = self.group;
        let initializing = match self.by_load.last() {
            Some(&(load, _)) => load == 0,
            None => return Err(AssignError::new("NoSuchElementException", "")),
        };
        // Rack-matching first, then whatever is left to anyone subscribed.
        if group.racks.enabled() {
            let mut to_assign = unassigned.clone();
            self.maybe_assign(&mut to_assign, true, true);
            self.maybe_assign(&mut to_assign, false, false);
        } else {
            self.maybe_assign(&mut unassigned, false, false);
        }

        // Only topics with two or more potential members, and members that could change, take
        // part in reassignment.
        let reassignable = |tp: &PartitionId| self.potential_consumers[group.topic_of(*tp)].len() >= 2;
        sorted_all.retain(reassignable);
        unassigned.retain(reassignable);
        let mut potential_map: JavaHashMap<&'a str, ConsumerId> = JavaHashMap::with_capacity(group.consumers.len());
        for (c, consumer) in group.consumers.iter().enumerate() {
            potential_map.put(consumer.member_id, c);
        }
        let mut fixed: JavaHashMap<&'a str, ConsumerId> = JavaHashMap::new();
        for (&name, &c) in potential_map.iter() {
            if !self.can_participate(c) {
                self.by_load.remove(&self.load_key(c));
                self.current.remove(&name);
                self.in_current[c] = false;
                fixed.put(name, c);
            }
        }

        let mut snapshot: JavaHashMap<&'a str, ConsumerId> = JavaHashMap::new();
        for (&name, &c) in self.current.iter() {
            snapshot.put(name, c);
        }
        let snapshot_lists = self.lists.clone();
        let snapshot_owner = self.owner.clone();

        // With nothing to revoke for subscription changes, first try moving only new partitions.
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, previous)?;
        }
        let reassigned = self.perform_reassignments(&sorted_all, previous)?;

        if !initializing && reassigned {
            let score_now = self.balance_score(&self.lists);
            let score_before = self.balance_score(&snapshot_lists);
            if score_now >= score_before {
                // deepCopy: clear (keeping the table) and refill in the snapshot's order.
                self.current.retain(|_, _| false);
                for (&name, &c) in snapshot.iter() {
                    self.current.put(name, c);
                }
                self.lists = snapshot_lists;
                self.owner = snapshot_owner;
            }
        }
        for (&name, &c) in fixed.iter() {
            self.current.put(name, c);
            self.in_current[c] = true;
        }
        Ok(())
    }

    /// `maybeAssign`: each partition to the least-loaded subscribed member (rack-matching when
    /// `with_racks`); `remove_assigned` drops the placed ones from the list.
    fn maybe_assign(&mut self, partitions: &mut Vec<PartitionId>, with_racks: bool, remove_assigned: bool) {
        let mut left = Vec::with_capacity(partitions.len());
        for &tp in partitions.iter() {
            if self.potential_consumers[self.group.topic_of(tp)].is_empty() {
                left.push(tp);
                continue;
            }
            let placed = self.maybe_assign_partition(tp, with_racks);
            if !(placed && remove_assigned) {
                left.push(tp);
            }
        }
        *partitions = left;
    }

    /// `maybeAssignPartition`.
    fn maybe_assign_partition(&mut self, tp: PartitionId, with_racks: bool) -> bool {
        let group = self.group;
        let topic = group.topic_of(tp);
        let found = self
            .by_load
            .iter()
            .map(|&(_, rank)| group.by_name_rank[rank])
            .find(|&c| self.is_subscribed(c, topic) && !(with_racks && group.racks.mismatch(c, tp)));
        let Some(c) = found else { return false };
        self.by_load.remove(&self.load_key(c));
        self.lists[c].push(tp);
        self.owner[tp] = Some(c);
        self.by_load.insert(self.load_key(c));
        true
    }

    /// `canConsumerParticipateInReassignment`.
    fn can_participate(&self, c: ConsumerId) -> bool {
        self.lists[c].len() < self.full_size[c]
            || self.lists[c]
                .iter()
                .any(|&tp| self.potential_consumers[self.group.topic_of(tp)].len() >= 2)
    }

    /// `getBalanceScore`: the sum of load differences over all pairs of `currentAssignment`'s
    /// members.
    fn balance_score(&self, lists: &[Vec<PartitionId>]) -> i64 {
        let mut loads: Vec<i64> = self.current.iter().map(|(_, &c)| lists[c].len() as i64).collect();
        loads.sort_unstable();
        let n = loads.len() as i64;
        loads
            .iter()
            .enumerate()
            .map(|(i, &load)| load * (2 * i as i64 - (n - 1)))
            .sum()
    }

    /// `performReassignments`: returns whether anything moved.
    fn perform_reassignments(
        &mut self,
        partitions: &[PartitionId],
        previous: &[Option<(ConsumerId, i32)>],
    ) -> Result<bool, AssignError> {
        let group = self.group;
        self.tracker = BalanceTracker::build(self);
        let mut reassigned = false;
        loop {
            let mut modified = false;
            for &tp in partitions {
                if self.is_balanced()? {
                    break;
                }
                let consumer = self.owner[tp];
                // Back to the previous generation's owner if that helps the balance.
                if let Some((previous_owner, _)) = previous[tp] {
                    if self.load(consumer)? > self.load(Some(previous_owner))? + 1 {
                        self.reassign_partition_to(tp, previous_owner)?;
                        reassigned = true;
                        modified = true;
                        continue;
                    }
                }
                let topic = group.topic_of(tp);
                let mut moved = false;
                // A partition on its member's rack moves only if a rack-matching peer is
                // lighter; it then goes to the least-loaded subscribed member all the same.
                let consumer_rack = consumer.and_then(|c| group.racks.consumer_rack[c]);
                let partition_racks = group.racks.racks_of(tp).unwrap_or(&[]);
                if consumer_rack.is_some_and(|rack| !partition_racks.is_empty() && partition_racks.contains(&rack)) {
                    for i in 0..self.potential_consumers[topic].len() {
                        let other = self.potential_consumers[topic][i];
                        let other_rack = group.racks.consumer_rack[other];
                        if other_rack.is_none_or(|rack| !partition_racks.contains(&rack)) {
                            continue;
                        }
                        if self.load(consumer)? > self.load(Some(other))? + 1 {
                            self.reassign_partition(tp)?;
                            moved = true;
                            break;
                        }
                    }
                }
                if !moved {
                    for i in 0..self.potential_consumers[topic].len() {
                        let other = self.potential_consumers[topic][i];
                        if self.load(consumer)? > self.load(Some(other))? + 1 {
                            self.reassign_partition(tp)?;
                            moved = true;
                            break;
                        }
                    }
                }
                if moved {
                    reassigned = true;
                    modified = true;
                }
            }
            if !modified {
                break;
            }
        }
        Ok(reassigned)
    }

    /// `reassignPartition(partition)`: to the least-loaded member subscribed to its topic.
    fn reassign_partition(&mut self, tp: PartitionId) -> Result<(), AssignError> {
        let group = self.group;
        let topic = group.topic_of(tp);
        let target = self
            .by_load
            .iter()
            .map(|&(_, rank)| group.by_name_rank[rank])
            .find(|&c| self.is_subscribed(c, topic))
            .ok_or_else(|| null_pointer("no member to reassign a partition to"))?;
        self.reassign_partition_to(tp, target)
    }

    /// `reassignPartition(partition, newConsumer)`.
    fn reassign_partition_to(&mut self, tp: PartitionId, target: ConsumerId) -> Result<(), AssignError> {
        let holder = self.owner[tp].ok_or_else(|| null_pointer("a partition without a member"))?;
        let moved = self
            .movements
            .partition_to_move(tp, self.group.topic_of(tp), holder, target);
        self.process_partition_movement(moved, target)
    }

    /// `processPartitionMovement`.
    fn process_partition_movement(&mut self, tp: PartitionId, target: ConsumerId) -> Result<(), AssignError> {
        let group = self.group;
        let holder = self.owner[tp].ok_or_else(|| null_pointer("a partition without a member"))?;
        if !self.in_current[holder] || !self.in_current[target] {
            return Err(null_pointer("a member outside currentAssignment"));
        }
        let topic = group.topic_of(tp);
        self.by_load.remove(&self.load_key(holder));
        self.by_load.remove(&self.load_key(target));
        let hashed = HashedPartition {
            id: tp,
            java_hash: group.partitions.java_hash[tp],
        };
        self.movements.move_partition(hashed, topic, holder, target);
        let removed = remove_first(&mut self.lists[holder], tp);
        self.lists[target].push(tp);
        self.owner[tp] = Some(target);
        self.by_load.insert(self.load_key(target));
        self.by_load.insert(self.load_key(holder));
        if !removed || tp >= group.partitions.dense {
            // Lists and holders disagree: only the literal check replays Kafka from here.
            self.tracker = None;
        } else if let Some(tracker) = self.tracker.as_mut() {
            if holder != target {
                tracker.move_partition(topic, holder, target, &self.subscribed);
            }
        }
        Ok(())
    }

    /// `isBalanced`.
    fn is_balanced(&self) -> Result<bool, AssignError> {
        let (Some(&(min, _)), Some(&(max, _))) = (self.by_load.first(), self.by_load.last()) else {
            return Err(AssignError::new("NoSuchElementException", ""));
        };
        if min + 1 >= max {
            return Ok(true);
        }
        match &self.tracker {
            Some(tracker) => {
                let balanced = tracker.violations == 0;
                #[cfg(test)]
                if self.group.partitions.dense <= 400 {
                    assert_eq!(
                        Ok(balanced),
                        self.is_balanced_literal(),
                        "incremental isBalanced diverged"
                    );
                }
                Ok(balanced)
            }
            None => self.is_balanced_literal(),
        }
    }

    /// `isBalanced` beyond its first check, as Kafka computes it: no member short of all it can
    /// get could take a partition from a member with 2+ more.
    fn is_balanced_literal(&self) -> Result<bool, AssignError> {
        let group = self.group;
        // allPartitions: the last list in map order holding a partition wins.
        let mut holder: Vec<Option<ConsumerId>> = vec![None; group.partitions.len()];
        for (_, &c) in self.current.iter() {
            for &tp in &self.lists[c] {
                holder[tp] = Some(c);
            }
        }
        let mut mine = vec![false; group.partitions.len()];
        for &(count, rank) in &self.by_load {
            let c = group.by_name_rank[rank];
            if count == self.full_size[c] {
                continue;
            }
            for &tp in &self.lists[c] {
                mine[tp] = true;
            }
            for &t in &self.potential_topics[c] {
                let topic = &group.topics[t];
                for tp in topic.first..topic.first + topic.count() {
                    if mine[tp] {
                        continue;
                    }
                    let other = holder[tp].ok_or_else(|| null_pointer("a partition no member holds"))?;
                    if count + 1 < self.lists[other].len() {
                        return Ok(false);
                    }
                }
            }
            for &tp in &self.lists[c] {
                mine[tp] = false;
            }
        }
        Ok(true)
    }
}

/// `isBalanced` kept up to date move by move (Kafka recomputes it from scratch each time):
/// unbalanced iff for some topic, its heaviest holder has 2+ more partitions than its lightest
/// subscribed member that still lacks some partition it could get. Valid while no partition is
/// held twice and every partition of a topic some participating member subscribes to is held by
/// a participating member; otherwise `build` declines and the literal check runs.
struct BalanceTracker {
    load: Vec<usize>,
    full_size: Vec<usize>,
    participating: Vec<bool>,
    /// Per member: how many real partitions of each topic it holds.
    held_topics: Vec<BTreeMap<TopicId, usize>>,
    /// Per topic: multiset of the loads of its holders.
    holder_loads: Vec<BTreeMap<usize, usize>>,
    /// Per topic: multiset of the loads of participating, not-full members subscribed to it.
    needy_loads: Vec<BTreeMap<usize, usize>>,
    violating: Vec<bool>,
    violations: usize,
}

fn multiset_add(set: &mut BTreeMap<usize, usize>, value: usize) {
    *set.entry(value).or_insert(0) += 1;
}

fn multiset_remove(set: &mut BTreeMap<usize, usize>, value: usize) {
    if let Some(n) = set.get_mut(&value) {
        *n -= 1;
        if *n == 0 {
            set.remove(&value);
        }
    }
}

impl BalanceTracker {
    fn build(builder: &GeneralBuilder<'_, '_>) -> Option<BalanceTracker> {
        let group = builder.group;
        let dense = group.partitions.dense;
        let members = group.consumers.len();
        let mut holder: Vec<Option<ConsumerId>> = vec![None; dense];
        for c in (0..members).filter(|&c| builder.in_current[c]) {
            for &tp in builder.lists[c].iter().filter(|&&tp| tp < dense) {
                if holder[tp].replace(c).is_some() {
                    return None;
                }
            }
        }
        let fully_held: Vec<bool> = group
            .topics
            .iter()
            .map(|t| (t.first..t.first + t.count()).all(|tp| holder[tp].is_some()))
            .collect();
        for c in (0..members).filter(|&c| builder.in_current[c]) {
            if builder.subscribed[c].iter().any(|&t| !fully_held[t]) {
                return None;
            }
        }
        let mut tracker = BalanceTracker {
            load: builder.lists.iter().map(Vec::len).collect(),
            full_size: builder.full_size.clone(),
            participating: builder.in_current.clone(),
            held_topics: vec![BTreeMap::new(); members],
            holder_loads: vec![BTreeMap::new(); group.topics.len()],
            needy_loads: vec![BTreeMap::new(); group.topics.len()],
            violating: vec![false; group.topics.len()],
            violations: 0,
        };
        for (tp, c) in holder.iter().enumerate() {
            if let Some(c) = *c {
                *tracker.held_topics[c].entry(group.topic_of(tp)).or_insert(0) += 1;
            }
        }
        for c in (0..members).filter(|&c| builder.in_current[c]) {
            tracker.attach(c, &builder.subscribed[c]);
        }
        for t in 0..group.topics.len() {
            tracker.recheck(t);
        }
        Some(tracker)
    }

    fn needy(&self, c: ConsumerId) -> bool {
        self.participating[c] && self.load[c] != self.full_size[c]
    }

    fn detach(&mut self, c: ConsumerId, subscribed: &[TopicId]) {
        let load = self.load[c];
        for &t in self.held_topics[c].keys() {
            multiset_remove(&mut self.holder_loads[t], load);
        }
        if self.needy(c) {
            for &t in subscribed {
                multiset_remove(&mut self.needy_loads[t], load);
            }
        }
    }

    fn attach(&mut self, c: ConsumerId, subscribed: &[TopicId]) {
        let load = self.load[c];
        for &t in self.held_topics[c].keys() {
            multiset_add(&mut self.holder_loads[t], load);
        }
        if self.needy(c) {
            for &t in subscribed {
                multiset_add(&mut self.needy_loads[t], load);
            }
        }
    }

    fn recheck(&mut self, t: TopicId) {
        let violating = match (
            self.holder_loads[t].last_key_value(),
            self.needy_loads[t].first_key_value(),
        ) {
            (Some((&heaviest, _)), Some((&lightest, _))) => heaviest > lightest + 1,
            _ => false,
        };
        if violating != self.violating[t] {
            self.violating[t] = violating;
            if violating {
                self.violations += 1;
            } else {
                self.violations -= 1;
            }
        }
    }

    fn recheck_member(&mut self, c: ConsumerId, subscribed: &[TopicId]) {
        let held: Vec<TopicId> = self.held_topics[c].keys().copied().collect();
        for t in held.into_iter().chain(subscribed.iter().copied()) {
            self.recheck(t);
        }
    }

    /// One real partition of `topic` moved from `from` to `to` (distinct members).
    fn move_partition(&mut self, topic: TopicId, from: ConsumerId, to: ConsumerId, subscribed: &[Vec<TopicId>]) {
        self.detach(from, &subscribed[from]);
        self.detach(to, &subscribed[to]);
        if let Some(n) = self.held_topics[from].get_mut(&topic) {
            *n -= 1;
            if *n == 0 {
                self.held_topics[from].remove(&topic);
            }
        }
        *self.held_topics[to].entry(topic).or_insert(0) += 1;
        self.load[from] -= 1;
        self.load[to] += 1;
        self.attach(from, &subscribed[from]);
        self.attach(to, &subscribed[to]);
        self.recheck(topic);
        self.recheck_member(from, &subscribed[from]);
        self.recheck_member(to, &subscribed[to]);
    }
}

#[cfg(test)]
mod tests {
    //! Ports of Kafka's `AbstractStickyAssignorTest`, `StickyAssignorTest` and
    //! `CooperativeStickyAssignorTest` (clients/src/test/java/.../consumer). Tests Kafka
    //! parameterises by `RackConfig` run every configuration, and the shared ones run for both
    //! assignors. `verify` is `verifyValidityAndBalance`, including the cooperative subclass's
    //! follow-up rebalances, so assertions after it see the final assignment as Kafka's do.
    use super::*;
    use crate::kafka::assignor::TopicMetadata;
    use crate::kernel::rng::Rng;
    use alloc::string::ToString;

    const ALL_RACKS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
    /// `generationId` of the test classes.
    const GENERATION: i32 = 1;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    /// `AbstractPartitionAssignorTest.RackConfig`: which side has racks.
    enum RackConfig {
        NoBroker,
        NoConsumer,
        BrokerAndConsumer,
    }

    const RACK_CONFIGS: [RackConfig; 3] = [
        RackConfig::NoBroker,
        RackConfig::NoConsumer,
        RackConfig::BrokerAndConsumer,
    ];

    fn tp(topic: &str, partition: u32) -> TopicPartition {
        (String::from(topic), partition)
    }

    fn set(partitions: &[TopicPartition]) -> Vec<TopicPartition> {
        let mut sorted = partitions.to_vec();
        sorted.sort();
        sorted
    }

    fn got(assignment: &Assignment, member: &str) -> Vec<TopicPartition> {
        set(&assignment[member])
    }

    /// `AbstractPartitionAssignorTest.partitionInfos`: replica `j` of partition `i` on broker
    /// `(i + j + nextNodeIndex) % brokers`; only brokers with a rack add one.
    fn replica_racks(partitions: usize, replication: usize, brokers: &[Option<&str>], next: usize) -> Vec<Vec<String>> {
        (0..partitions)
            .map(|i| {
                (0..replication)
                    .filter_map(|j| brokers[(i + j + next) % brokers.len()].map(String::from))
                    .collect()
            })
            .collect()
    }

    /// The test class's fields: the partitions per topic and the subscriptions map (as the list
    /// of `put`s that rebuilds it).
    struct Fixture {
        cooperative: bool,
        replication_factor: usize,
        num_broker_racks: usize,
        has_consumer_rack: bool,
        prefer_rack_aware_logic: bool,
        next_partition_index: usize,
        topics: Vec<TopicMetadata>,
        members: Vec<MemberSubscription>,
    }

    impl Fixture {
        /// `setUp` without `initializeRacks`.
        fn new(cooperative: bool) -> Fixture {
            Fixture {
                cooperative,
                replication_factor: 2,
                num_broker_racks: 0,
                has_consumer_rack: false,
                prefer_rack_aware_logic: false,
                next_partition_index: 0,
                topics: Vec::new(),
                members: Vec::new(),
            }
        }

        /// `initializeRacks(rackConfig)`.
        fn with_racks(cooperative: bool, config: RackConfig) -> Fixture {
            Fixture {
                replication_factor: 3,
                num_broker_racks: if config == RackConfig::NoBroker { 0 } else { 3 },
                has_consumer_rack: config != RackConfig::NoConsumer,
                prefer_rack_aware_logic: true,
                ..Fixture::new(cooperative)
            }
        }

        /// `partitionsPerTopic.put(name, partitionInfos(name, partitions))`.
        fn topic(&mut self, name: &str, partitions: usize) {
            let brokers = if self.num_broker_racks == 0 {
                self.replication_factor
            } else {
                self.num_broker_racks * self.replication_factor
            };
            let racks: Vec<Option<&str>> = (0..brokers)
                .map(|i| (self.num_broker_racks > 0).then(|| ALL_RACKS[i % self.num_broker_racks]))
                .collect();
            let next = self.next_partition_index;
            self.next_partition_index += 1;
            self.topics.retain(|t| t.name != name);
            self.topics.push(TopicMetadata {
                name: name.into(),
                partition_racks: replica_racks(partitions, self.replication_factor, &racks, next),
            });
        }

        /// `consumerRackId(consumerIndex)`.
        fn rack(&self, index: usize) -> Option<String> {
            let racks = if self.num_broker_racks > 0 {
                self.num_broker_racks
            } else {
                ALL_RACKS.len()
            };
            self.has_consumer_rack.then(|| ALL_RACKS[index % racks].into())
        }

        /// `subscription(topics, consumerIndex)`: no user data, no owned partitions.
        fn subscription(&self, id: &str, topics: &[&str], index: usize) -> MemberSubscription {
            MemberSubscription {
                rack: self.rack(index),
                ..MemberSubscription::new(id, topics)
            }
        }

        /// `buildSubscriptionV2Above(topics, partitions, generation, consumerIndex)`.
        fn owning(
            &self,
            id: &str,
            topics: &[&str],
            owned: &[TopicPartition],
            generation: i32,
            index: usize,
        ) -> MemberSubscription {
            MemberSubscription {
                owned: owned.to_vec(),
                generation: Some(generation),
                ..self.subscription(id, topics, index)
            }
        }

        /// `subscriptions.put`: a known member keeps its place.
        fn put(&mut self, member: MemberSubscription) {
            match self.members.iter_mut().find(|m| m.member_id == member.member_id) {
                Some(existing) => *existing = member,
                None => self.members.push(member),
            }
        }

        fn remove(&mut self, id: &str) {
            self.members.retain(|m| m.member_id != id);
        }

        fn member(&self, id: &str) -> &MemberSubscription {
            self.members.iter().find(|m| m.member_id == id).expect("a member")
        }

        fn try_assign(&self) -> Result<Assignment, AssignError> {
            let input = GroupInput {
                members: self.members.clone(),
                topics: self.topics.clone(),
            };
            let tuning = Tuning {
                prefer_rack_aware_logic: self.prefer_rack_aware_logic,
                subscriptions_capacity: None,
            };
            let mut assignment = assign_tuned(&input, self.cooperative, tuning)?;
            for list in assignment.values_mut() {
                list.sort();
            }
            Ok(assignment)
        }

        fn assign(&self) -> Assignment {
            self.try_assign().expect("the assignor succeeds")
        }

        /// `verifyValidityAndBalance` (with `CooperativeStickyAssignorTest`'s follow-up
        /// rebalances while partitions are being revoked); returns the final assignment.
        fn verify(&mut self, mut assignment: Assignment) -> Assignment {
            if self.cooperative {
                let mut rebalances = 0;
                while self.revoking(&assignment) {
                    for (member, partitions) in &assignment {
                        let old = self.member(member).clone();
                        self.put(MemberSubscription {
                            owned: partitions.clone(),
                            generation: Some(GENERATION),
                            ..old
                        });
                    }
                    assignment = self.assign();
                    rebalances += 1;
                    assert!(rebalances <= 4, "too many follow-up rebalances");
                }
            }
            self.check_valid_and_balanced(&assignment);
            assignment
        }

        /// `verifyCooperativeValidity`: nothing is handed on in the round it is revoked; returns
        /// whether something is being revoked.
        fn revoking(&self, assignment: &Assignment) -> bool {
            let mut added = BTreeSet::new();
            let mut revoked = BTreeSet::new();
            for (member, partitions) in assignment {
                let owned = &self.member(member).owned;
                revoked.extend(owned.iter().filter(|tp| !partitions.contains(tp)).cloned());
                added.extend(partitions.iter().filter(|tp| !owned.contains(tp)).cloned());
            }
            assert!(
                added.is_disjoint(&revoked),
                "assigned while being revoked: {added:?} / {revoked:?}"
            );
            !revoked.is_empty()
        }

        fn check_valid_and_balanced(&self, assignment: &Assignment) {
            assert_eq!(
                assignment.len(),
                self.members.iter().map(|m| &m.member_id).collect::<BTreeSet<_>>().len()
            );
            let members: Vec<&String> = assignment.keys().collect();
            for (i, a) in members.iter().enumerate() {
                let mine = &assignment[*a];
                for (topic, _) in mine {
                    assert!(
                        self.member(a).topics.contains(topic),
                        "{a} is not subscribed to {topic}"
                    );
                }
                for b in &members[i + 1..] {
                    let theirs = &assignment[*b];
                    assert!(
                        !mine.iter().any(|tp| theirs.contains(tp)),
                        "{a} and {b} share partitions"
                    );
                    if mine.len().abs_diff(theirs.len()) <= 1 {
                        continue;
                    }
                    // Overlapping topics would have allowed a better balance.
                    let my_topics: BTreeSet<&String> = mine.iter().map(|(t, _)| t).collect();
                    assert!(
                        !theirs.iter().any(|(t, _)| my_topics.contains(t)),
                        "{a} ({}) and {b} ({}) could be balanced better",
                        mine.len(),
                        theirs.len()
                    );
                }
            }
            let mut all: Vec<&TopicPartition> = assignment.values().flatten().collect();
            let total = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), total, "a partition is assigned twice");
        }
    }

    /// `isFullyBalanced`.
    fn fully_balanced(assignment: &Assignment) -> bool {
        let sizes = assignment.values().map(Vec::len);
        sizes.clone().max().unwrap_or(0) - sizes.min().unwrap_or(0) <= 1
    }

    /// Runs `test` for the eager and the cooperative assignor in every rack configuration.
    fn for_each_config(test: impl Fn(Fixture)) {
        for cooperative in [false, true] {
            for config in RACK_CONFIGS {
                test(Fixture::with_racks(cooperative, config));
            }
        }
    }

    #[test]
    fn test_one_consumer_no_topic() {
        for_each_config(|mut f| {
            f.put(f.subscription("consumer", &[], 0));
            let assignment = f.assign();
            assert_eq!(assignment.keys().collect::<Vec<_>>(), ["consumer"]);
            assert!(assignment["consumer"].is_empty());
            f.verify(assignment);
        });
    }

    #[test]
    fn test_one_consumer_nonexistent_topic() {
        for_each_config(|mut f| {
            f.topic("topic", 0);
            f.put(f.subscription("consumer", &["topic"], 0));
            let assignment = f.assign();
            assert!(assignment["consumer"].is_empty());
            f.verify(assignment);
        });
    }

    #[test]
    fn test_one_consumer_one_topic() {
        for_each_config(|mut f| {
            f.topic("topic", 3);
            f.put(f.subscription("consumer", &["topic"], 0));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer"),
                [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
            );
            f.verify(assignment);
        });
    }

    #[test]
    fn test_only_assigns_partitions_from_subscribed_topics() {
        for_each_config(|mut f| {
            f.topic("topic", 2);
            let owned = [tp("topic", 0), tp("topic", 1), tp("other", 0), tp("other", 1)];
            f.put(f.owning("consumer", &["topic"], &owned, GENERATION, 0));
            let assignment = f.assign();
            assert_eq!(got(&assignment, "consumer"), [tp("topic", 0), tp("topic", 1)]);
            f.verify(assignment);
        });
    }

    #[test]
    fn test_one_consumer_multiple_topics() {
        for_each_config(|mut f| {
            f.topic("topic1", 1);
            f.topic("topic2", 2);
            f.put(f.subscription("consumer", &["topic1", "topic2"], 0));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer"),
                [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
            );
            f.verify(assignment);
        });
    }

    #[test]
    fn test_two_consumers_one_topic_one_partition() {
        for_each_config(|mut f| {
            f.topic("topic", 1);
            f.put(f.subscription("consumer1", &["topic"], 0));
            f.put(f.subscription("consumer2", &["topic"], 1));
            let assignment = f.assign();
            assert!(fully_balanced(&f.verify(assignment)));
        });
    }

    #[test]
    fn test_two_consumers_one_topic_two_partitions() {
        for_each_config(|mut f| {
            f.topic("topic", 2);
            f.put(f.subscription("consumer1", &["topic"], 0));
            f.put(f.subscription("consumer2", &["topic"], 1));
            let assignment = f.assign();
            assert_eq!(got(&assignment, "consumer1"), [tp("topic", 0)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic", 1)]);
            f.verify(assignment);
        });
    }

    #[test]
    fn test_multiple_consumers_mixed_topic_subscriptions() {
        for_each_config(|mut f| {
            f.topic("topic1", 3);
            f.topic("topic2", 2);
            f.put(f.subscription("consumer1", &["topic1"], 0));
            f.put(f.subscription("consumer2", &["topic1", "topic2"], 1));
            f.put(f.subscription("consumer3", &["topic1"], 2));
            let assignment = f.assign();
            assert_eq!(got(&assignment, "consumer1"), [tp("topic1", 0), tp("topic1", 2)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic2", 0), tp("topic2", 1)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic1", 1)]);
            assert!(fully_balanced(&f.verify(assignment)));
        });
    }

    #[test]
    fn test_two_consumers_two_topics_six_partitions() {
        for_each_config(|mut f| {
            f.topic("topic1", 3);
            f.topic("topic2", 3);
            f.put(f.subscription("consumer1", &["topic1", "topic2"], 0));
            f.put(f.subscription("consumer2", &["topic1", "topic2"], 1));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
            );
            assert_eq!(
                got(&assignment, "consumer2"),
                [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
            );
            f.verify(assignment);
        });
    }

    #[test]
    fn test_consumer_owning_min_quota_expected_max_quota() {
        for_each_config(|mut f| {
            f.topic("topic1", 2);
            f.topic("topic2", 3);
            let topics = ["topic1", "topic2"];
            f.put(f.owning("consumer1", &topics, &[tp("topic1", 0), tp("topic2", 1)], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &[tp("topic1", 1), tp("topic2", 2)], GENERATION, 1));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
            );
            assert_eq!(got(&assignment, "consumer2"), [tp("topic1", 1), tp("topic2", 2)]);
            f.verify(assignment);
        });
    }

    #[test]
    fn test_max_quota_consumer_more_than_num_expected_max_capacity_members() {
        for_each_config(|mut f| {
            f.topic("topic1", 2);
            f.topic("topic2", 2);
            let topics = ["topic1", "topic2"];
            f.put(f.owning("consumer1", &topics, &[tp("topic1", 0), tp("topic2", 0)], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &[tp("topic1", 1), tp("topic2", 1)], GENERATION, 1));
            f.put(f.owning("consumer3", &topics, &[], GENERATION, 2));
            let assignment = f.assign();
            // partitionsTransferringOwnership == {topic2-0: consumer3}: the cooperative assignor
            // leaves it out until consumer1 has revoked it.
            let first_round_consumer3 = if f.cooperative { vec![] } else { vec![tp("topic2", 0)] };
            assert_eq!(got(&assignment, "consumer3"), first_round_consumer3);
            let assignment = f.verify(assignment);
            assert_eq!(got(&assignment, "consumer1"), [tp("topic1", 0)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic1", 1), tp("topic2", 1)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic2", 0)]);
            assert!(fully_balanced(&assignment));
        });
    }

    #[test]
    fn test_all_consumers_are_under_min_quota() {
        for_each_config(|mut f| {
            f.topic("topic1", 2);
            f.topic("topic2", 3);
            let topics = ["topic1", "topic2"];
            f.put(f.owning("consumer1", &topics, &[tp("topic1", 0)], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &[tp("topic1", 1)], GENERATION, 1));
            f.put(f.owning("consumer3", &topics, &[], GENERATION, 2));
            let assignment = f.verify(f.assign());
            assert_eq!(got(&assignment, "consumer1"), [tp("topic1", 0), tp("topic2", 1)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic1", 1), tp("topic2", 2)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic2", 0)]);
        });
    }

    #[test]
    fn test_add_remove_consumer_one_topic() {
        for_each_config(|mut f| {
            f.topic("topic", 3);
            f.put(f.subscription("consumer1", &["topic"], 0));
            let assignment = f.verify(f.assign());
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
            );

            f.put(f.owning("consumer1", &["topic"], &assignment["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &["topic"], &[], GENERATION, 1));
            let assignment = f.verify(f.assign());
            assert_eq!(got(&assignment, "consumer1"), [tp("topic", 0), tp("topic", 1)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic", 2)]);

            f.remove("consumer1");
            f.put(f.owning("consumer2", &["topic"], &assignment["consumer2"], GENERATION, 1));
            let assignment = f.verify(f.assign());
            assert_eq!(
                got(&assignment, "consumer2"),
                [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
            );
        });
    }

    #[test]
    fn test_topic_balance_after_reassignment() {
        for_each_config(|mut f| {
            let topics = ["topic1", "topic2"];
            f.topic("topic1", 12);
            f.topic("topic2", 12);
            f.put(f.subscription("consumer1", &topics, 0));
            let per_topic = |assignment: &Assignment, each: usize| {
                for list in assignment.values() {
                    for topic in topics {
                        assert_eq!(list.iter().filter(|(t, _)| t == topic).count(), each);
                    }
                }
            };
            let assignment = f.verify(f.assign());
            per_topic(&assignment, 12);

            f.put(f.owning("consumer1", &topics, &assignment["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &[], GENERATION, 1));
            let assignment = f.verify(f.assign());
            per_topic(&assignment, 6);

            f.put(f.owning("consumer1", &topics, &assignment["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &assignment["consumer2"], GENERATION, 1));
            f.put(f.owning("consumer3", &topics, &[], GENERATION, 2));
            f.put(f.owning("consumer4", &topics, &[], GENERATION, 3));
            let assignment = f.verify(f.assign());
            per_topic(&assignment, 3);

            f.remove("consumer1");
            f.remove("consumer2");
            f.put(f.owning("consumer3", &topics, &assignment["consumer3"], GENERATION, 2));
            f.put(f.owning("consumer4", &topics, &assignment["consumer4"], GENERATION, 3));
            let assignment = f.assign();
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
            per_topic(&assignment, 6);
        });
    }

    #[test]
    fn test_add_remove_two_consumers_two_topics() {
        for_each_config(|mut f| {
            let topics = ["topic1", "topic2"];
            f.topic("topic1", 3);
            f.topic("topic2", 4);
            f.put(f.subscription("consumer1", &topics, 0));
            f.put(f.subscription("consumer2", &topics, 1));
            let assignment = f.verify(f.assign());
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1), tp("topic2", 3)]
            );
            assert_eq!(
                got(&assignment, "consumer2"),
                [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
            );

            f.put(f.owning("consumer1", &topics, &assignment["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &topics, &assignment["consumer2"], GENERATION, 1));
            f.put(f.owning("consumer3", &topics, &[], GENERATION, 2));
            f.put(f.owning("consumer4", &topics, &[], GENERATION, 3));
            let first_round = f.assign();
            if f.cooperative {
                // partitionsTransferringOwnership: topic1-2 and topic2-3 to consumer3, topic2-2
                // to consumer4.
                assert!(first_round["consumer3"].is_empty() && first_round["consumer4"].is_empty());
            }
            let assignment = f.verify(first_round);
            assert_eq!(got(&assignment, "consumer1"), [tp("topic1", 0), tp("topic2", 1)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic1", 1), tp("topic2", 0)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic1", 2), tp("topic2", 3)]);
            assert_eq!(got(&assignment, "consumer4"), [tp("topic2", 2)]);

            f.remove("consumer1");
            f.remove("consumer2");
            f.put(f.owning("consumer3", &topics, &assignment["consumer3"], GENERATION, 2));
            f.put(f.owning("consumer4", &topics, &assignment["consumer4"], GENERATION, 3));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer3"),
                [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1), tp("topic2", 3)]
            );
            assert_eq!(
                got(&assignment, "consumer4"),
                [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
            );
            f.verify(assignment);
        });
    }

    #[test]
    fn test_poor_round_robin_assignment_scenario() {
        for_each_config(|mut f| {
            for i in 1..=5 {
                f.topic(&format!("topic{i}"), (i % 2) + 1);
            }
            let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
            let odd = ["topic1", "topic3", "topic5"];
            f.put(f.subscription("consumer1", &all, 0));
            f.put(f.subscription("consumer2", &odd, 1));
            f.put(f.subscription("consumer3", &odd, 2));
            f.put(f.subscription("consumer4", &all, 3));
            f.verify(f.assign());
        });
    }

    #[test]
    fn test_add_remove_topic_two_consumers() {
        for_each_config(|mut f| {
            f.topic("topic", 3);
            f.put(f.subscription("consumer1", &["topic"], 0));
            f.put(f.subscription("consumer2", &["topic"], 1));
            let first = f.verify(f.assign());
            assert!(fully_balanced(&first));

            f.topic("topic2", 3);
            let both = ["topic", "topic2"];
            f.put(f.owning("consumer1", &both, &first["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &both, &first["consumer2"], GENERATION, 1));
            let second = f.assign();
            assert_eq!(second, f.verify(second.clone()), "nothing is transferring");
            for member in ["consumer1", "consumer2"] {
                assert_eq!(second[member].len(), 3);
                assert!(first[member].iter().all(|tp| second[member].contains(tp)), "sticky");
            }

            f.topics.retain(|t| t.name != "topic");
            f.put(f.owning("consumer1", &["topic2"], &second["consumer1"], GENERATION, 0));
            f.put(f.owning("consumer2", &["topic2"], &second["consumer2"], GENERATION, 1));
            let third = f.assign();
            assert_eq!(third, f.verify(third.clone()), "nothing is transferring");
            for member in ["consumer1", "consumer2"] {
                assert!(third[member].iter().all(|tp| second[member].contains(tp)), "sticky");
            }
        });
    }

    /// `getTopicName` / `getConsumerName`: a prefix and the number padded to `max`'s digits.
    fn name(prefix: &str, i: usize, max: usize) -> String {
        let width = max.to_string().len();
        format!("{prefix}{i:0width$}")
    }

    #[test]
    fn test_reassignment_after_one_consumer_leaves() {
        for_each_config(|mut f| {
            for i in 1..20 {
                f.topic(&name("t", i, 20), i);
            }
            for i in 1..20 {
                let topics: Vec<String> = (1..=i).map(|j| name("t", j, 20)).collect();
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                f.put(f.subscription(&name("c", i, 20), &topics, i));
            }
            let assignment = f.verify(f.assign());
            for i in 1..20 {
                let member = f.member(&name("c", i, 20)).clone();
                let topics: Vec<&str> = member.topics.iter().map(String::as_str).collect();
                f.put(f.owning(
                    &member.member_id,
                    &topics,
                    &assignment[&member.member_id],
                    GENERATION,
                    i,
                ));
            }
            f.remove("c10");
            f.verify(f.assign());
        });
    }

    #[test]
    fn test_reassignment_after_one_consumer_added() {
        for_each_config(|mut f| {
            f.topic("topic", 20);
            for i in 1..10 {
                f.put(f.subscription(&name("c", i, 10), &["topic"], i));
            }
            f.verify(f.assign());
            f.put(f.subscription(&name("c", 10, 10), &["topic"], 10));
            f.verify(f.assign());
        });
    }

    #[test]
    fn test_same_subscriptions() {
        for_each_config(|mut f| {
            for i in 1..15 {
                f.topic(&name("t", i, 15), i);
            }
            let topics: Vec<String> = (1..15).map(|j| name("t", j, 15)).collect();
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            for i in 1..9 {
                f.put(f.subscription(&name("c", i, 9), &topics, i));
            }
            let assignment = f.verify(f.assign());
            for i in 1..9 {
                let member = name("c", i, 9);
                f.put(f.owning(&member, &topics, &assignment[&member], GENERATION, i));
            }
            f.remove(&name("c", 5, 9));
            let assignment = f.assign();
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
        });
    }

    #[test]
    fn test_large_assignment_with_multiple_consumers_leaving_and_random_subscription() {
        let mut rng = Rng::seeded(7);
        for (cooperative, has_rack) in [(false, false), (false, true), (true, false), (true, true)] {
            let config = if has_rack {
                RackConfig::BrokerAndConsumer
            } else {
                RackConfig::NoConsumer
            };
            let mut f = Fixture::with_racks(cooperative, config);
            let (topics, consumers) = (40, 200);
            for i in 0..topics {
                f.topic(&name("t", i, topics), rng.below(10) as usize + 1);
            }
            for i in 0..consumers {
                let wanted = rng.below(20);
                let subscribed: Vec<String> = (0..wanted)
                    .map(|_| name("t", rng.below(topics as u64) as usize, topics))
                    .collect();
                let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
                f.put(f.subscription(&name("c", i, consumers), &subscribed, i));
            }
            let assignment = f.verify(f.assign());
            for i in 1..consumers {
                let member = f.member(&name("c", i, consumers)).clone();
                let subscribed: Vec<&str> = member.topics.iter().map(String::as_str).collect();
                f.put(f.owning(
                    &member.member_id,
                    &subscribed,
                    &assignment[&member.member_id],
                    GENERATION,
                    i,
                ));
            }
            for _ in 0..50 {
                f.remove(&name("c", rng.below(consumers as u64) as usize, consumers));
            }
            f.verify(f.assign());
        }
    }

    #[test]
    fn test_new_subscription() {
        for_each_config(|mut f| {
            for i in 1..5 {
                f.topic(&name("t", i, 5), 1);
            }
            for i in 0..3usize {
                // j from i to 3i - 2: nothing for c0, t1 for c1, t2..t4 for c2.
                let topics: Vec<String> = (i..(3 * i).saturating_sub(1)).map(|j| name("t", j, 5)).collect();
                let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
                f.put(f.subscription(&name("c", i, 3), &topics, i));
            }
            f.verify(f.assign());
            // The test adds a topic to c0's subscription list in place; it still reports no
            // owned partitions (`subscription(...)` carries none).
            let mut c0 = f.member(&name("c", 0, 3)).clone();
            c0.topics.push(name("t", 1, 5));
            f.put(c0);
            f.verify(f.assign());
        });
    }

    #[test]
    fn test_move_existing_assignments() {
        for_each_config(|mut f| {
            for i in 1..=6 {
                f.topic(&format!("topic{i}"), 1);
            }
            f.put(f.owning("consumer1", &["topic1", "topic2"], &[tp("topic1", 0)], GENERATION, 0));
            f.put(f.owning(
                "consumer2",
                &["topic1", "topic2", "topic3", "topic4"],
                &[tp("topic2", 0), tp("topic3", 0)],
                GENERATION,
                1,
            ));
            f.put(f.owning(
                "consumer3",
                &["topic2", "topic3", "topic4", "topic5", "topic6"],
                &[tp("topic4", 0), tp("topic5", 0), tp("topic6", 0)],
                GENERATION,
                2,
            ));
            f.verify(f.assign());
        });
    }

    #[test]
    fn test_stickiness() {
        for_each_config(|mut f| {
            f.topic("topic1", 3);
            for (i, member) in ["consumer1", "consumer2", "consumer3", "consumer4"]
                .into_iter()
                .enumerate()
            {
                f.put(f.subscription(member, &["topic1"], i));
            }
            let first = f.verify(f.assign());
            assert!(first.values().all(|list| list.len() <= 1));

            f.remove("consumer1");
            for (i, member) in [(1, "consumer2"), (2, "consumer3"), (3, "consumer4")] {
                f.put(f.owning(member, &["topic1"], &first[member], GENERATION, i));
            }
            let second = f.assign();
            assert_eq!(second, f.verify(second.clone()), "nothing is transferring");
            for (member, list) in &second {
                assert_eq!(list.len(), 1);
                assert!(
                    first[member].iter().all(|tp| list.contains(tp)),
                    "stickiness for {member}"
                );
            }
        });
    }

    #[test]
    fn test_assignment_updated_for_deleted_topic() {
        for_each_config(|mut f| {
            f.topic("topic1", 1);
            f.topic("topic3", 100);
            f.put(f.subscription("consumer", &["topic1", "topic2", "topic3"], 0));
            let assignment = f.assign();
            assert_eq!(assignment["consumer"].len(), 1 + 100);
        });
    }

    #[test]
    fn test_no_exception_thrown_when_only_subscribed_topic_deleted() {
        for_each_config(|mut f| {
            f.topic("topic", 3);
            f.put(f.subscription("consumer", &["topic"], 0));
            let assignment = f.assign();
            f.put(f.owning("consumer", &["topic"], &assignment["consumer"], GENERATION, 0));
            f.topics.clear();
            let assignment = f.assign();
            assert_eq!(assignment.len(), 1);
            assert!(assignment["consumer"].is_empty());
        });
    }

    #[test]
    fn test_reassignment_with_random_subscriptions_and_changes() {
        let mut rng = Rng::seeded(11);
        for cooperative in [false, true] {
            for config in RACK_CONFIGS {
                for _round in 0..8 {
                    let mut f = Fixture::with_racks(cooperative, config);
                    let topics_count = 10 + rng.below(10) as usize;
                    let topics: Vec<String> = (0..topics_count).map(|i| name("t", i, 20)).collect();
                    for (i, topic) in topics.iter().enumerate() {
                        f.topic(topic, i + 1);
                    }
                    let consumers = 20 + rng.below(20) as usize;
                    // getRandomSublist, then Utils.sorted
                    let sublist = |rng: &mut Rng| {
                        let mut list = topics.clone();
                        for _ in 0..rng.below(topics.len() as u64) {
                            list.remove(rng.below(list.len() as u64) as usize);
                        }
                        list.sort();
                        list
                    };
                    for i in 0..consumers {
                        let sub = sublist(&mut rng);
                        let sub: Vec<&str> = sub.iter().map(String::as_str).collect();
                        f.put(f.subscription(&name("c", i, 40), &sub, i));
                    }
                    let assignment = f.verify(f.assign());
                    f.members.clear();
                    for i in 0..consumers {
                        let sub = sublist(&mut rng);
                        let sub: Vec<&str> = sub.iter().map(String::as_str).collect();
                        let member = name("c", i, 40);
                        f.put(f.owning(&member, &sub, &assignment[&member], GENERATION, i));
                    }
                    f.verify(f.assign());
                }
            }
        }
    }

    #[test]
    fn test_all_consumers_reach_expected_quota_and_are_considered_filled() {
        for_each_config(|mut f| {
            f.topic("topic", 4);
            f.put(f.owning(
                "consumer1",
                &["topic"],
                &[tp("topic", 0), tp("topic", 1)],
                GENERATION,
                0,
            ));
            f.put(f.owning("consumer2", &["topic"], &[tp("topic", 2)], GENERATION, 1));
            f.put(f.owning("consumer3", &["topic"], &[], GENERATION, 2));
            let assignment = f.assign();
            assert_eq!(got(&assignment, "consumer1"), [tp("topic", 0), tp("topic", 1)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic", 2)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic", 3)]);
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
        });
    }

    #[test]
    fn test_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
        for (stale, _) in [(9, "stale"), (DEFAULT_GENERATION, "no generation")] {
            for_each_config(|mut f| {
                // testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration (9) and
                // ...WithNoGeneration (DEFAULT_GENERATION).
                f.topic("topic", 3);
                f.topic("topic2", 3);
                let topics = ["topic", "topic2"];
                let owned = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
                f.put(f.owning("consumer1", &topics, &owned, 10, 0));
                f.put(f.owning("consumer2", &topics, &owned, stale, 1));
                let assignment = f.assign();
                assert_eq!(got(&assignment, "consumer1"), set(&owned));
                assert_eq!(
                    got(&assignment, "consumer2"),
                    [tp("topic", 1), tp("topic2", 0), tp("topic2", 2)]
                );
                assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
            });
        }
    }

    #[test]
    fn test_partitions_transferring_ownership_include_the_partition_claimed_by_multiple_consumers_in_same_generation() {
        for_each_config(|mut f| {
            f.topic("topic", 3);
            f.put(f.owning(
                "consumer1",
                &["topic"],
                &[tp("topic", 0), tp("topic", 1)],
                GENERATION,
                0,
            ));
            f.put(f.owning(
                "consumer2",
                &["topic"],
                &[tp("topic", 0), tp("topic", 2)],
                GENERATION,
                1,
            ));
            f.put(f.owning("consumer3", &["topic"], &[], GENERATION, 2));
            let first = f.assign();
            // Also StickyAssignorTest / CooperativeStickyAssignorTest
            // testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer:
            // the cooperative assignor holds topic-0 back until both claimants revoked it.
            assert_eq!(got(&first, "consumer1"), [tp("topic", 1)]);
            assert_eq!(got(&first, "consumer2"), [tp("topic", 2)]);
            let third = if f.cooperative { vec![] } else { vec![tp("topic", 0)] };
            assert_eq!(got(&first, "consumer3"), third);
            let assignment = f.verify(first);
            assert_eq!(got(&assignment, "consumer1"), [tp("topic", 1)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic", 2)]);
            assert_eq!(got(&assignment, "consumer3"), [tp("topic", 0)]);
        });
    }

    #[test]
    fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
    ) {
        for_each_config(|mut f| {
            f.topic("topic", 4);
            f.put(f.owning(
                "consumer1",
                &["topic"],
                &[tp("topic", 0), tp("topic", 1)],
                GENERATION,
                0,
            ));
            f.put(f.owning(
                "consumer2",
                &["topic"],
                &[tp("topic", 0), tp("topic", 2)],
                GENERATION,
                1,
            ));
            f.put(f.owning("consumer3", &["topic"], &[], GENERATION, 2));
            let assignment = f.assign();
            assert_eq!(got(&assignment, "consumer1"), [tp("topic", 1), tp("topic", 3)]);
            assert_eq!(got(&assignment, "consumer2"), [tp("topic", 2)]);
            let third = if f.cooperative { vec![] } else { vec![tp("topic", 0)] };
            assert_eq!(got(&assignment, "consumer3"), third);
            assert!(fully_balanced(&f.verify(assignment)));
        });
    }

    #[test]
    fn test_ensure_partitions_assigned_to_highest_generation() {
        for_each_config(|mut f| {
            let topics = ["topic", "topic2", "topic3"];
            for topic in topics {
                f.topic(topic, 3);
            }
            let at = |t: &str, p| tp(t, p);
            f.put(f.owning(
                "consumer1",
                &topics,
                &[at("topic", 0), at("topic2", 0), at("topic3", 0)],
                10,
                0,
            ));
            f.put(f.owning(
                "consumer2",
                &topics,
                &[at("topic", 1), at("topic2", 1), at("topic3", 1)],
                9,
                1,
            ));
            f.put(f.owning(
                "consumer3",
                &topics,
                &[at("topic2", 1), at("topic3", 0), at("topic3", 2)],
                8,
                1,
            ));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer1"),
                [at("topic", 0), at("topic2", 0), at("topic3", 0)]
            );
            assert_eq!(
                got(&assignment, "consumer2"),
                [at("topic", 1), at("topic2", 1), at("topic3", 1)]
            );
            assert_eq!(
                got(&assignment, "consumer3"),
                [at("topic", 2), at("topic2", 2), at("topic3", 2)]
            );
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
        });
    }

    #[test]
    fn test_no_reassignment_on_current_members() {
        for_each_config(|mut f| {
            let topics = ["topic", "topic2", "topic3", "topic1"];
            for topic in ["topic", "topic1", "topic2", "topic3"] {
                f.topic(topic, 3);
            }
            f.put(f.owning("consumer1", &topics, &[], DEFAULT_GENERATION, 0));
            f.put(f.owning(
                "consumer2",
                &topics,
                &[tp("topic", 0), tp("topic2", 0), tp("topic1", 0)],
                9,
                1,
            ));
            f.put(f.owning(
                "consumer3",
                &topics,
                &[tp("topic3", 2), tp("topic2", 2), tp("topic1", 1)],
                8,
                2,
            ));
            f.put(f.owning(
                "consumer4",
                &topics,
                &[tp("topic3", 1), tp("topic", 1), tp("topic", 2)],
                7,
                3,
            ));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic1", 2), tp("topic2", 1), tp("topic3", 0)]
            );
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
        });
    }

    #[test]
    fn test_owned_partitions_are_invalidated_for_consumer_with_multiple_generation() {
        for_each_config(|mut f| {
            let topics = ["topic", "topic2"];
            f.topic("topic", 3);
            f.topic("topic2", 3);
            f.put(f.owning(
                "consumer1",
                &topics,
                &[tp("topic", 0), tp("topic2", 1), tp("topic", 1)],
                10,
                0,
            ));
            f.put(f.owning(
                "consumer2",
                &topics,
                &[tp("topic", 0), tp("topic2", 1), tp("topic2", 2)],
                8,
                1,
            ));
            let assignment = f.assign();
            assert_eq!(
                got(&assignment, "consumer1"),
                [tp("topic", 0), tp("topic", 1), tp("topic2", 1)]
            );
            assert_eq!(
                got(&assignment, "consumer2"),
                [tp("topic", 2), tp("topic2", 0), tp("topic2", 2)]
            );
            assert_eq!(assignment, f.verify(assignment.clone()), "nothing is transferring");
        });
    }

    #[test]
    fn test_subscription_not_equal_and_assign_same_partition_with3_generation() {
        for cooperative in [false, true] {
            let mut f = Fixture::new(cooperative);
            f.topic("topic", 6);
            f.topic("topic1", 1);
            for g in [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] {
                let t = |p| tp("topic", p);
                f.put(f.owning("consumer1", &["topic"], &[t(0), t(2)], g[0], 0));
                f.put(f.owning("consumer2", &["topic"], &[t(1), t(2), t(3)], g[1], 1));
                f.put(f.owning("consumer3", &["topic"], &[t(2), t(4), t(5)], g[2], 2));
                f.put(f.owning("consumer4", &["topic1"], &[tp("topic1", 0)], 2, 3));
                let assignment = f.assign();
                let all: Vec<&TopicPartition> = assignment.values().flatten().collect();
                assert_eq!(all.len(), all.iter().collect::<BTreeSet<_>>().len());
                assert!(assignment.values().all(|list| (1..=2).contains(&list.len())));
            }
        }
    }

    /// `verifyRackAssignment`: members `consumer<i>` put into a `new HashMap<>(n)`, topics laid
    /// out over `broker_racks` (`AbstractPartitionAssignorTest.partitionsPerTopic`), owned
    /// partitions given as `"t1-0, t1-3"` strings (ignored by the eager assignor: its user data
    /// is null in that helper), the expected assignment as sorted `"t1-0, t2-3"` strings.
    #[allow(clippy::too_many_arguments)]
    fn verify_rack_assignment(
        cooperative: bool,
        prefer_rack_aware_logic: bool,
        replication: usize,
        broker_racks: &[Option<&str>],
        consumer_racks: &[Option<&str>],
        consumer_topics: &[&[&str]],
        owned: Option<&[&str]>,
        expected: &[&str],
        mismatched: Option<usize>,
    ) {
        let mut topics = Vec::new();
        let mut next = 0;
        for (name, partitions) in [("t1", 6), ("t2", 7), ("t3", 2)] {
            topics.push(TopicMetadata {
                name: name.into(),
                partition_racks: replica_racks(partitions, replication, broker_racks, next),
            });
            next += partitions;
        }
        let parse = |text: &str| -> Vec<TopicPartition> {
            text.split(", ")
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (topic, p) = s.rsplit_once('-').expect("t-p");
                    tp(topic, p.parse().expect("a number"))
                })
                .collect()
        };
        let members: Vec<MemberSubscription> = consumer_topics
            .iter()
            .enumerate()
            .map(|(i, subscribed)| MemberSubscription {
                rack: consumer_racks[i].map(String::from),
                owned: match owned {
                    Some(list) if cooperative && i < list.len() => parse(list[i]),
                    _ => Vec::new(),
                },
                ..MemberSubscription::new(&format!("consumer{i}"), subscribed)
            })
            .collect();
        let input = GroupInput { members, topics };
        let tuning = Tuning {
            prefer_rack_aware_logic,
            subscriptions_capacity: Some(consumer_racks.len()),
        };
        let assignment = assign_tuned(&input, cooperative, tuning).expect("the assignor succeeds");
        for (i, want) in expected.iter().enumerate() {
            let mut names: Vec<String> = assignment[&format!("consumer{i}")]
                .iter()
                .map(|(t, p)| format!("{t}-{p}"))
                .collect();
            names.sort();
            assert_eq!(names.join(", "), *want, "consumer{i} (cooperative: {cooperative})");
        }
        if let Some(expected_mismatches) = mismatched {
            let mut count = 0;
            for (i, rack) in consumer_racks.iter().enumerate() {
                let Some(rack) = rack else { continue };
                for (topic, p) in &assignment[&format!("consumer{i}")] {
                    let racks = &input.topic(topic).expect("a topic").partition_racks[*p as usize];
                    count += usize::from(!racks.iter().any(|r| r == rack));
                }
            }
            assert_eq!(
                count, expected_mismatches,
                "partitions with rack mismatch (cooperative: {cooperative})"
            );
        }
    }

    const RACKS2: [Option<&str>; 2] = [Some("a"), Some("b")];
    const RACKS3: [Option<&str>; 3] = [Some("a"), Some("b"), Some("c")];
    const RACKS4: [Option<&str>; 4] = [Some("a"), Some("b"), Some("c"), Some("d")];
    const NULL_RACKS3: [Option<&str>; 3] = [None, None, None];
    const RACKS_DEF: [Option<&str>; 3] = [Some("d"), Some("e"), Some("f")];
    const RACKS_NULL_EF: [Option<&str>; 3] = [None, Some("e"), Some("f")];

    /// `verifyUniformSubscription` / `verifyNonEqualSubscription`: from scratch, then again
    /// owning the expected result.
    #[allow(clippy::too_many_arguments)]
    fn verify_twice(
        cooperative: bool,
        prefer: bool,
        replication: usize,
        brokers: &[Option<&str>],
        consumers: &[Option<&str>],
        topics: &[&[&str]],
        expected: &[&str],
        mismatched: Option<usize>,
    ) {
        verify_rack_assignment(
            cooperative,
            prefer,
            replication,
            brokers,
            consumers,
            topics,
            None,
            expected,
            mismatched,
        );
        verify_rack_assignment(
            cooperative,
            prefer,
            replication,
            brokers,
            consumers,
            topics,
            Some(expected),
            expected,
            mismatched,
        );
    }

    #[test]
    fn test_rack_aware_assignment_with_uniform_subscription() {
        let all: &[&str] = &["t1", "t2", "t3"];
        let topics = [all, all, all];
        let non_rack_aware = [
            "t1-0, t1-3, t2-0, t2-3, t2-6",
            "t1-1, t1-4, t2-1, t2-4, t3-0",
            "t1-2, t1-5, t2-2, t2-5, t3-1",
        ];
        let owned = [
            "t1-0, t1-1, t1-2, t1-3, t1-4",
            "t1-5, t2-0, t2-1, t2-2, t2-3",
            "t2-4, t2-5, t2-6, t3-0, t3-1",
        ];
        for cooperative in [false, true] {
            let same = |prefer, replication, brokers: &[Option<&str>], consumers: &[Option<&str>], mismatched| {
                verify_twice(
                    cooperative,
                    prefer,
                    replication,
                    brokers,
                    consumers,
                    &topics,
                    &non_rack_aware,
                    mismatched,
                )
            };
            same(false, 3, &NULL_RACKS3, &RACKS3, None);
            same(false, 3, &RACKS3, &NULL_RACKS3, None);
            same(true, 3, &RACKS3, &RACKS3, Some(0));
            same(true, 4, &RACKS4, &RACKS3, Some(0));
            same(false, 3, &RACKS3, &RACKS3, Some(0));
            same(false, 3, &RACKS3, &RACKS_DEF, None);
            same(false, 3, &RACKS3, &RACKS_NULL_EF, None);
            // Rack-aligned with lower replication factors, and one member on a rack without
            // replicas (balance over alignment).
            same(false, 1, &RACKS3, &RACKS3, Some(0));
            same(false, 2, &RACKS3, &RACKS3, Some(0));
            same(false, 3, &RACKS2, &RACKS3, Some(5));
            // Misaligned owned partitions are given up for rack-awareness.
            let improved: &[&str] = if cooperative {
                &["t1-0, t1-3", "t2-1", "t2-5, t3-1"]
            } else {
                &non_rack_aware
            };
            let rack_run = |prefer, replication, owned: &[&str], expected: &[&str]| {
                verify_rack_assignment(
                    cooperative,
                    prefer,
                    replication,
                    &RACKS3,
                    &RACKS3,
                    &topics,
                    Some(owned),
                    expected,
                    Some(0),
                )
            };
            rack_run(false, 1, &owned, improved);
            // Stickiness is kept when racks match.
            rack_run(true, 3, &non_rack_aware, &non_rack_aware);
        }
    }

    #[test]
    fn test_rack_aware_assignment_with_non_equal_subscription() {
        let all: &[&str] = &["t1", "t2", "t3"];
        let topics = [all, all, &["t1", "t3"][..]];
        let non_rack_aware = [
            "t1-5, t2-0, t2-2, t2-4, t2-6",
            "t1-3, t2-1, t2-3, t2-5, t3-0",
            "t1-0, t1-1, t1-2, t1-4, t3-1",
        ];
        let owned = [
            "t1-0, t1-1, t1-2, t1-3, t1-4",
            "t1-5, t2-0, t2-1, t2-2, t2-3",
            "t2-4, t2-5, t2-6, t3-0, t3-1",
        ];
        let rf1 = [
            "t1-3, t2-0, t2-2, t2-3, t2-6",
            "t1-4, t2-1, t2-4, t2-5, t3-0",
            "t1-0, t1-1, t1-2, t1-5, t3-1",
        ];
        let rf2 = [
            "t1-3, t2-0, t2-2, t2-5, t2-6",
            "t1-0, t2-1, t2-3, t2-4, t3-0",
            "t1-1, t1-2, t1-4, t1-5, t3-1",
        ];
        for cooperative in [false, true] {
            let twice =
                |prefer, replication, brokers: &[Option<&str>], consumers: &[Option<&str>], expected: &[&str], m| {
                    verify_twice(
                        cooperative,
                        prefer,
                        replication,
                        brokers,
                        consumers,
                        &topics,
                        expected,
                        m,
                    )
                };
            twice(false, 3, &NULL_RACKS3, &RACKS3, &non_rack_aware, None);
            twice(false, 3, &RACKS3, &NULL_RACKS3, &non_rack_aware, None);
            twice(true, 3, &RACKS3, &RACKS3, &non_rack_aware, Some(0));
            twice(true, 4, &RACKS4, &RACKS3, &non_rack_aware, Some(0));
            twice(false, 3, &RACKS3, &RACKS3, &non_rack_aware, Some(0));
            twice(false, 3, &RACKS3, &RACKS_DEF, &non_rack_aware, None);
            twice(false, 3, &RACKS3, &RACKS_NULL_EF, &non_rack_aware, None);
            twice(false, 1, &RACKS3, &RACKS3, &rf1, Some(4));
            twice(false, 2, &RACKS3, &RACKS3, &rf2, Some(0));
            twice(false, 3, &RACKS2, &RACKS3, &non_rack_aware, Some(5));

            let owning = |prefer, replication, owned: &[&str], expected: &[&str], m| {
                verify_rack_assignment(
                    cooperative,
                    prefer,
                    replication,
                    &RACKS3,
                    &RACKS3,
                    &topics,
                    Some(owned),
                    expected,
                    Some(m),
                )
            };
            if cooperative {
                let intermediate = ["t1-3", "t2-1", "t3-1"];
                owning(false, 1, &owned, &intermediate, 0);
                owning(false, 1, &intermediate, &rf1, 4);
                let assignment = [
                    "t1-2, t1-3, t1-4, t2-4, t2-5",
                    "t2-0, t2-1, t2-2, t2-3, t2-6",
                    "t1-0, t1-1, t1-5, t3-0, t3-1",
                ];
                let intermediate = ["t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"];
                for prefer in [false, true] {
                    owning(prefer, 3, &owned, &intermediate, 0);
                    owning(prefer, 3, &intermediate, &assignment, 0);
                }
            } else {
                owning(false, 1, &owned, &rf1, 4);
                owning(false, 3, &owned, &non_rack_aware, 0);
                owning(true, 3, &owned, &non_rack_aware, 0);
            }
        }
    }

    #[test]
    fn test_assignment_with_multiple_generations1() {
        for config in RACK_CONFIGS {
            for equal in [true, false] {
                let mut f = Fixture::with_racks(false, config);
                let all = ["topic", "topic2"];
                let c2_topics: &[&str] = if equal { &all } else { &["topic"] };
                f.topic("topic", 6);
                f.topic("topic2", 6);
                f.put(f.subscription("consumer1", &all, 0));
                f.put(f.subscription("consumer2", c2_topics, 1));
                f.put(f.subscription("consumer3", &all, 2));
                let r1 = f.verify(f.assign());
                assert!(r1.values().all(|list| list.len() == 4));

                f.put(f.owning("consumer1", &all, &r1["consumer1"], GENERATION, 0));
                f.put(f.owning("consumer2", c2_topics, &r1["consumer2"], GENERATION, 1));
                f.remove("consumer3");
                let r2 = f.verify(f.assign());
                assert!(r2.values().all(|list| list.len() == 6));
                if equal {
                    assert!(r1["consumer1"].iter().all(|tp| r2["consumer1"].contains(tp)));
                }
                assert!(r1["consumer2"].iter().all(|tp| r2["consumer2"].contains(tp)));
                assert!(r1["consumer3"].iter().any(|tp| r2["consumer2"].contains(tp)));

                f.remove("consumer1");
                f.put(f.owning("consumer2", c2_topics, &r2["consumer2"], 2, 1));
                f.put(f.owning("consumer3", &all, &r1["consumer3"], 1, 2));
                let r3 = f.verify(f.assign());
                assert!(r3.values().all(|list| list.len() == 6));
            }
        }
    }

    #[test]
    fn test_assignment_with_multiple_generations2() {
        for config in RACK_CONFIGS {
            for equal in [true, false] {
                let mut f = Fixture::with_racks(false, config);
                let all = ["topic", "topic2", "topic3"];
                let c1_topics: &[&str] = if equal { &all } else { &["topic"] };
                let c3_topics: &[&str] = if equal { &all } else { &["topic", "topic2"] };
                for topic in all {
                    f.topic(topic, 4);
                }
                f.put(f.subscription("consumer1", c1_topics, 0));
                f.put(f.subscription("consumer2", &all, 1));
                f.put(f.subscription("consumer3", c3_topics, 2));
                let r1 = f.verify(f.assign());
                assert!(r1.values().all(|list| list.len() == 4));

                f.remove("consumer1");
                f.put(f.owning("consumer2", &all, &r1["consumer2"], 1, 1));
                f.remove("consumer3");
                let r2 = f.verify(f.assign());
                assert_eq!(r2["consumer2"].len(), 12);

                f.put(f.owning("consumer1", c1_topics, &r1["consumer1"], 1, 0));
                f.put(f.owning("consumer2", &all, &r2["consumer2"], 2, 1));
                f.put(f.owning("consumer3", c3_topics, &r1["consumer3"], 1, 2));
                let r3 = f.verify(f.assign());
                assert!(r3.values().all(|list| list.len() == 4));
            }
        }
    }

    #[test]
    fn test_assignment_with_conflicting_previous_generations() {
        for config in RACK_CONFIGS {
            for equal in [true, false] {
                let mut f = Fixture::with_racks(false, config);
                let all = ["topic", "topic2", "topic3"];
                for topic in all {
                    f.topic(topic, 4);
                }
                let c1_topics: &[&str] = if equal { &all } else { &["topic"] };
                let c2_topics: &[&str] = if equal { &all } else { &["topic", "topic2"] };
                let (t, t2, t3) = (|p| tp("topic", p), |p| tp("topic2", p), |p| tp("topic3", p));
                let c1_owned = if equal {
                    vec![t(0), t(1), t(2), t2(2), t2(3), t3(0)]
                } else {
                    vec![t(0), t(1), t(2), t(3)]
                };
                let c2_owned = [t(0), t(1), t2(0), t2(1), t2(2), t2(3)];
                let c3_owned = [t(2), t(3), t3(0), t3(1), t3(2), t3(3)];
                f.put(f.owning("consumer1", c1_topics, &c1_owned, 1, 0));
                f.put(f.owning("consumer2", c2_topics, &c2_owned, 2, 1));
                f.put(f.owning("consumer3", &all, &c3_owned, 2, 2));
                let assignment = f.verify(f.assign());
                assert!(assignment.values().all(|list| list.len() == 4));
                assert!(assignment["consumer2"].iter().all(|tp| c2_owned.contains(tp)));
                assert!(assignment["consumer3"].iter().all(|tp| c3_owned.contains(tp)));
            }
        }
    }

    #[test]
    fn test_schema_backward_compatibility() {
        for config in RACK_CONFIGS {
            let mut f = Fixture::with_racks(false, config);
            f.topic("topic", 3);
            f.put(f.subscription("consumer1", &["topic"], 0));
            f.put(f.subscription("consumer2", &["topic"], 1));
            f.put(f.subscription("consumer3", &["topic"], 2));
            f.put(f.owning("consumer1", &["topic"], &[tp("topic", 0), tp("topic", 2)], 1, 0));
            // The V0 user data carries partitions and no generation.
            f.put(MemberSubscription {
                generation: None,
                ..f.owning("consumer2", &["topic"], &[tp("topic", 1)], 1, 1)
            });
            let assignment = f.verify(f.assign());
            assert!(assignment.values().all(|list| list.len() == 1));
            assert!([tp("topic", 0), tp("topic", 2)].contains(&assignment["consumer1"][0]));
            assert_eq!(assignment["consumer2"], [tp("topic", 1)]);
        }
    }

    #[test]
    fn test_assignor_with_old_version_subscriptions() {
        // V0/V1 subscriptions carry the generation only in the user data; this input model has
        // one generation per member, which both assignors then read alike.
        for cooperative in [false, true] {
            let mut f = Fixture::new(cooperative);
            f.topic("topic1", 3);
            f.put(f.owning("consumer1", &["topic1"], &[tp("topic1", 0)], GENERATION, 0));
            f.put(f.owning("consumer2", &["topic1"], &[tp("topic1", 1)], GENERATION, 1));
            f.put(f.owning("consumer3", &["topic1"], &[], GENERATION, 2));
            let assignment = f.verify(f.assign());
            assert_eq!(assignment["consumer1"], [tp("topic1", 0)]);
            assert_eq!(assignment["consumer2"], [tp("topic1", 1)]);
            assert_eq!(assignment["consumer3"], [tp("topic1", 2)]);
        }
    }

    #[test]
    fn test_uniform_subscription_transfer_ownership_list_is_right() {
        // Replication factor 1 over two broker racks: partitions 0 and 2 on rack a, 1 and 3 on b.
        // c0 (rack a) gives up topic1-1 and c1 (rack b) topic1-2: two transfers, which the
        // cooperative assignor holds back.
        for cooperative in [false, true] {
            let mut f = Fixture::new(cooperative);
            f.replication_factor = 1;
            f.num_broker_racks = 2;
            f.has_consumer_rack = true;
            f.topic("topic1", 4);
            f.put(f.owning("c0", &["topic1"], &[tp("topic1", 0), tp("topic1", 1)], GENERATION, 0));
            f.put(f.owning("c1", &["topic1"], &[tp("topic1", 2), tp("topic1", 3)], GENERATION, 1));
            let assignment = f.assign();
            if cooperative {
                assert_eq!(assignment["c0"], [tp("topic1", 0)]);
                assert_eq!(assignment["c1"], [tp("topic1", 3)]);
            } else {
                assert_eq!(assignment["c0"], [tp("topic1", 0), tp("topic1", 2)]);
                assert_eq!(assignment["c1"], [tp("topic1", 1), tp("topic1", 3)]);
            }
        }
    }

    /// testAssignmentAndGroupWithNonEqualSubscriptionNotTimeout, at this model's limits (1000
    /// members, 10 000 partitions): must finish quickly even unoptimised.
    #[test]
    fn test_assignment_and_group_with_non_equal_subscription_not_timeout() {
        for (cooperative, has_rack) in [(false, false), (true, true)] {
            let config = if has_rack {
                RackConfig::BrokerAndConsumer
            } else {
                RackConfig::NoConsumer
            };
            let mut f = Fixture::with_racks(cooperative, config);
            let (topic_count, consumers) = (50, 1000);
            let topics: Vec<String> = (0..topic_count).map(|i| name("t", i, topic_count)).collect();
            for topic in &topics {
                f.topic(topic, 200);
            }
            let halves: [Vec<&str>; 2] = [
                topics[..topic_count / 2].iter().map(String::as_str).collect(),
                topics[topic_count / 2..].iter().map(String::as_str).collect(),
            ];
            let half = |i: usize| &halves[usize::from(i % 4 != 0)];
            for i in 0..consumers {
                f.put(f.subscription(&name("c", i, consumers), half(i), i));
            }
            let assignment = f.assign();
            for i in 1..consumers {
                let member = name("c", i, consumers);
                f.put(f.owning(&member, half(i), &assignment[&member], GENERATION, i));
            }
            f.check_valid_and_balanced(&f.assign());
        }
    }

    /// testLargeAssignmentAndGroupWithUniformSubscription at this model's limits.
    #[test]
    fn test_large_assignment_and_group_with_uniform_subscription() {
        for (cooperative, has_rack) in [(false, false), (true, true)] {
            let config = if has_rack {
                RackConfig::BrokerAndConsumer
            } else {
                RackConfig::NoConsumer
            };
            let mut f = Fixture::with_racks(cooperative, config);
            let topics: Vec<String> = (0..10).map(|i| name("t", i, 10)).collect();
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            for topic in &topics {
                f.topic(topic, 1000);
            }
            for i in 0..1000 {
                f.put(f.subscription(&name("c", i, 1000), &topics, i));
            }
            let assignment = f.assign();
            assert!(fully_balanced(&assignment));
            for i in 1..1000 {
                let member = name("c", i, 1000);
                f.put(f.owning(&member, &topics, &assignment[&member], GENERATION, i));
            }
            let next = f.assign();
            f.check_valid_and_balanced(&next);
            assert!(fully_balanced(&next));
        }
    }

    // Kafka behaviour beyond its tests, found against the real assignors.

    #[test]
    fn an_empty_group_divides_by_zero_as_kafka_does() {
        let error = assign(&GroupInput::default(), false).expect_err("Kafka throws");
        assert_eq!(error.exception, "ArithmeticException");
    }

    #[test]
    fn a_previous_owner_left_out_of_reassignment_is_a_null_pointer_in_kafka() {
        // c0 owned t1-0 a generation ago but now subscribes only to t2, which it alone reads and
        // fully holds, so it sits out of reassignment (fixedAssignments) while prevAssignment
        // still names it for t1-0: Kafka's performReassignments dereferences its missing list.
        for cooperative in [false, true] {
            let mut f = Fixture::new(cooperative);
            f.topic("t1", 4);
            f.topic("t2", 1);
            f.put(f.owning("c0", &["t2"], &[tp("t1", 0), tp("t2", 0)], 1, 0));
            f.put(f.owning(
                "c1",
                &["t1"],
                &[tp("t1", 0), tp("t1", 1), tp("t1", 2), tp("t1", 3)],
                2,
                1,
            ));
            f.put(f.owning("c2", &["t1"], &[], 2, 2));
            let error = f.try_assign().expect_err("Kafka throws");
            assert_eq!(error.exception, "NullPointerException", "{error:?}");
        }
    }

    #[test]
    fn an_empty_first_subscription_lets_the_next_one_set_the_reference() {
        // allSubscriptionsEqual skips an empty first subscription, so the group counts as
        // uniform and the constrained builder gives the unsubscribed member its share too.
        let mut f = Fixture::new(false);
        f.topic("t", 4);
        f.put(f.subscription("a", &[], 0));
        f.put(f.subscription("b", &["t"], 1));
        let input = GroupInput {
            members: f.members.clone(),
            topics: f.topics.clone(),
        };
        let group = Group::new(&input, false, Tuning::default());
        let order: Vec<&str> = group.consumers.iter().map(|c| c.member_id).collect();
        assert_eq!(order, ["a", "b"]);
        assert!(group.all_subscriptions_equal);
        let assignment = f.assign();
        assert_eq!(assignment["a"].len(), 2);
        assert_eq!(assignment["b"].len(), 2);
    }

    #[test]
    fn an_owned_partition_past_the_topic_end_stalls_the_unassigned_walk() {
        // t-9 does not exist but is kept as owned; sorting it before u's partitions makes
        // getUnassignedPartitions treat everything after it as unassigned, so u-0 (kept by b)
        // is handed out again and ends up twice, as in Kafka.
        let mut f = Fixture::new(false);
        f.topic("t", 2);
        f.topic("u", 2);
        f.put(f.owning("a", &["t", "u"], &[tp("t", 9)], 1, 0));
        f.put(f.owning("b", &["t", "u"], &[tp("u", 0)], 1, 1));
        let assignment = f.assign();
        let all: Vec<&TopicPartition> = assignment.values().flatten().collect();
        assert_eq!(all.iter().filter(|tp| ***tp == tp_u0()).count(), 2);
        fn tp_u0() -> TopicPartition {
            tp("u", 0)
        }
    }
}
