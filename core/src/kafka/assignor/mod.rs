//! Kafka's client-side partition assignors (`ConsumerPartitionAssignor` implementations in
//! clients/src/main/java/org/apache/kafka/clients/consumer): `range` (with KIP-881 rack
//! matching), `roundrobin`, `sticky` and `cooperative-sticky` (both over
//! `AbstractStickyAssignor`, rack-aware since KIP-881). The group leader runs one of them on the
//! members' subscriptions; the assignor lab and `mqplay assign` run all of them on one input.
//!
//! Kafka keeps members and topics in `java.util.HashMap`s, and some tie-breaks follow their
//! iteration order. Where a result depends on it, the assignors replay that order
//! ([`crate::java::hash_map_order`]) with [`GroupInput::members`] and [`GroupInput::topics`]
//! taken as the order in which Kafka's caller inserted them (a test's `put` calls; the leader's
//! JoinGroup member list).
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

pub mod document;
pub mod range;
pub mod roundrobin;
pub mod sticky;

/// `(topic, partition)`, Kafka's `TopicPartition`.
pub type TopicPartition = (String, u32);

/// What the group leader knows of one member when it assigns (Kafka's
/// `ConsumerPartitionAssignor.Subscription` with its member id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSubscription {
    pub member_id: String,
    /// `group.instance.id` (KIP-345): static members sort before dynamic ones (`MemberInfo`).
    pub group_instance_id: Option<String>,
    /// `client.rack` (KIP-881); an empty string counts as no rack, as Kafka filters it.
    pub rack: Option<String>,
    pub topics: Vec<String>,
    /// The partitions the member says it owns: `Subscription.ownedPartitions` for the cooperative
    /// assignor, the previous assignment in the user data for the eager sticky one.
    pub owned: Vec<TopicPartition>,
    /// The generation of `owned` (`Subscription.generationId`, or the sticky user data's); `None`
    /// when the member sent none.
    pub generation: Option<i32>,
}

impl MemberSubscription {
    pub fn new(member_id: &str, topics: &[&str]) -> MemberSubscription {
        MemberSubscription {
            member_id: member_id.into(),
            topics: topics.iter().map(|t| String::from(*t)).collect(),
            ..MemberSubscription::default()
        }
    }

    /// The rack, with `""` read as none.
    pub fn rack(&self) -> Option<&str> {
        self.rack.as_deref().filter(|r| !r.is_empty())
    }
}

/// One topic as the cluster metadata shows it: a list of the racks of each partition's replicas
/// (in replica order; a broker without `broker.rack` adds nothing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopicMetadata {
    pub name: String,
    pub partition_racks: Vec<Vec<String>>,
}

impl TopicMetadata {
    pub fn without_racks(name: &str, partitions: u32) -> TopicMetadata {
        TopicMetadata {
            name: name.into(),
            partition_racks: (0..partitions).map(|_| Vec::new()).collect(),
        }
    }

    pub fn partitions(&self) -> u32 {
        self.partition_racks.len() as u32
    }
}

/// Everything an assignor reads. Topics missing from `topics` (or with no partitions) are
/// skipped, as `AbstractPartitionAssignor.assign` skips topics without metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupInput {
    pub members: Vec<MemberSubscription>,
    pub topics: Vec<TopicMetadata>,
}

impl GroupInput {
    /// Every member with nothing yet.
    pub fn empty_assignment(&self) -> Assignment {
        self.members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect()
    }

    pub fn topic(&self, name: &str) -> Option<&TopicMetadata> {
        self.topics
            .iter()
            .find(|t| t.name == name && !t.partition_racks.is_empty())
    }
}

/// `member_id -> partitions`, every member present (possibly with nothing), each list sorted by
/// topic then partition (Kafka's lists come in map order; the set is what the assignor decides).
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// The four client assignors, by their `ConsumerPartitionAssignor.name()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssignorName {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

impl AssignorName {
    pub const ALL: [AssignorName; 4] = [
        AssignorName::Range,
        AssignorName::RoundRobin,
        AssignorName::Sticky,
        AssignorName::CooperativeSticky,
    ];

    /// The protocol name a member advertises in its JoinGroup (`assignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorName::Range => "range",
            AssignorName::RoundRobin => "roundrobin",
            AssignorName::Sticky => "sticky",
            AssignorName::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Accepts the protocol name or the class name as `partition.assignment.strategy` lists it
    /// (`org.apache.kafka.clients.consumer.RangeAssignor` or its simple name).
    pub fn parse(text: &str) -> Option<AssignorName> {
        let simple = text.rsplit('.').next().unwrap_or(text);
        AssignorName::ALL
            .into_iter()
            .find(|a| a.name() == text || a.class_name() == simple)
    }

    pub fn class_name(self) -> &'static str {
        match self {
            AssignorName::Range => "RangeAssignor",
            AssignorName::RoundRobin => "RoundRobinAssignor",
            AssignorName::Sticky => "StickyAssignor",
            AssignorName::CooperativeSticky => "CooperativeStickyAssignor",
        }
    }

    /// `supportedProtocols()`: only the cooperative sticky assignor supports COOPERATIVE (it also
    /// supports EAGER).
    pub fn cooperative(self) -> bool {
        self == AssignorName::CooperativeSticky
    }
}

/// What one assignor produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignOutcome {
    pub assignment: Assignment,
    /// Cooperative only: partitions a member owns and must give up before another may take them
    /// (`CooperativeStickyAssignor.adjustAssignment` left them out of everyone's assignment; the
    /// follow-up rebalance hands them on).
    pub revoked: Assignment,
}

/// The assignor threw, as Kafka's would on the same input: the sticky builders'
/// `IllegalStateException` checks, and the `NullPointerException`, `NoSuchElementException` and
/// `ArithmeticException` some inconsistent inputs (claims of an older generation, an empty group)
/// run into. `exception` is the Java class's simple name, `message` its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignError {
    pub exception: &'static str,
    pub message: String,
}

impl AssignError {
    pub fn new(exception: &'static str, message: impl Into<String>) -> AssignError {
        AssignError {
            exception,
            message: message.into(),
        }
    }

    pub fn illegal_state(message: impl Into<String>) -> AssignError {
        AssignError::new("IllegalStateException", message)
    }
}

impl core::fmt::Display for AssignError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.exception, self.message)
    }
}

/// Runs one assignor.
pub fn assign(assignor: AssignorName, input: &GroupInput) -> Result<AssignOutcome, AssignError> {
    let mut assignment = match assignor {
        AssignorName::Range => range::assign(input),
        AssignorName::RoundRobin => roundrobin::assign(input),
        AssignorName::Sticky => sticky::assign(input, false)?,
        AssignorName::CooperativeSticky => sticky::assign(input, true)?,
    };
    for m in &input.members {
        assignment.entry(m.member_id.clone()).or_default();
    }
    for list in assignment.values_mut() {
        list.sort();
    }
    let mut revoked = Assignment::new();
    if assignor.cooperative() {
        for m in &input.members {
            let kept = &assignment[&m.member_id];
            let mut gone: Vec<TopicPartition> = m.owned.iter().filter(|tp| !kept.contains(tp)).cloned().collect();
            gone.sort();
            gone.dedup();
            if !gone.is_empty() {
                revoked.insert(m.member_id.clone(), gone);
            }
        }
    }
    Ok(AssignOutcome { assignment, revoked })
}

/// The members as Kafka's `subscriptions` map iterates them (a `HashMap` filled in input order).
/// Sorting by [`member_order`] is stable, so this order survives among members with equal
/// `group.instance.id`s.
pub fn members_in_map_order(input: &GroupInput) -> Vec<&MemberSubscription> {
    let mut by_id: crate::java::JavaHashMap<String, usize> = crate::java::JavaHashMap::new();
    for (i, m) in input.members.iter().enumerate() {
        by_id.put(m.member_id.clone(), i);
    }
    by_id.iter().map(|(_, i)| &input.members[*i]).collect()
}

/// `MemberInfo.compareTo`: members with a `group.instance.id` first, ordered by it; then the
/// others by member id (Java `String.compareTo`, i.e. UTF-16 code-unit order).
pub fn member_order(a: &MemberSubscription, b: &MemberSubscription) -> core::cmp::Ordering {
    use core::cmp::Ordering;
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => crate::java::compare_strings(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => crate::java::compare_strings(&a.member_id, &b.member_id),
    }
}

impl GroupInput {
    /// Members and topics without racks, for tests and examples: `(name, partitions)`.
    pub fn plain(members: Vec<MemberSubscription>, topics: &[(&str, u32)]) -> GroupInput {
        GroupInput {
            members,
            topics: topics
                .iter()
                .map(|(t, n)| TopicMetadata::without_racks(t, *n))
                .collect(),
        }
    }
}
