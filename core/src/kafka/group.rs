//! The group coordinator of the classic consumer rebalance protocol (`ClassicGroup` and
//! `GroupMetadataManager` in Kafka's group-coordinator module): JoinGroup / SyncGroup / Heartbeat /
//! LeaveGroup / OffsetCommit / OffsetFetch, session expiry, and `group.initial.rebalance.delay.ms`.
//!
//! The group's state lives in `__consumer_offsets`, so it survives a coordinator move; the new
//! coordinator restarts every member's session clock when it takes the group over, as Kafka does
//! when it loads a group.
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::assignor::{Assignment, AssignorName, MemberSubscription};
use super::trace::{RebalanceReason, Told};
use super::{
    BrokerId, Cluster, Ctx, Effect, ErrorCode, JoinProtocol, JoinResult, Msg, Node, Request, Response, Timer, Tp,
};
use crate::kernel::time::Instant;

/// Broker `group.initial.rebalance.delay.ms` (default 3000): a new group waits this long for more
/// members before its first rebalance completes.
pub const INITIAL_REBALANCE_DELAY_MS: u64 = 3_000;
/// The classic rebalance timeout is the consumer's `max.poll.interval.ms` (default 300000).
pub const REBALANCE_TIMEOUT_MS: u64 = 300_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

impl GroupState {
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub member_id: String,
    pub client: Node,
    pub client_id: String,
    pub topics: Vec<String>,
    pub session_timeout_ms: u64,
    pub session_deadline: Instant,
    /// A JoinGroup waiting for the round to complete, and when it arrived (the first is the leader).
    pub join_request: Option<(u64, u64)>,
    pub sync_request: Option<u64>,
    pub assignment: Vec<Tp>,
    /// The protocols of its last JoinGroup, in its order of preference.
    pub protocols: Vec<JoinProtocol>,
    /// `client.rack`, sent in the subscription (ConsumerProtocolSubscription v3, KIP-881).
    pub rack: Option<String>,
    /// `group.instance.id`: a static member (KIP-345).
    pub instance: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub state: GroupState,
    pub generation: u32,
    pub leader: Option<String>,
    pub members: BTreeMap<String, Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED (KIP-394), waiting for the second JoinGroup.
    pub pending_member_ids: BTreeSet<String>,
    pub committed: BTreeMap<Tp, u64>,
    /// The protocol chosen at the last completed join (`ClassicGroup.protocolName`).
    pub protocol: Option<AssignorName>,
    /// Bumped whenever a join deadline is set, so older deadline timers are ignored.
    round: u64,
    join_counter: u64,
    /// `Some(remaining)` while the initial delay runs; `new_members` says whether it is re-armed.
    initial_delay: Option<(u64, bool)>,
    /// The broker that last served as coordinator, to notice a move.
    loaded_on: Option<(BrokerId, u32)>,
}

impl Group {
    fn new(id: &str) -> Group {
        Group {
            id: id.into(),
            state: GroupState::Empty,
            generation: 0,
            leader: None,
            members: BTreeMap::new(),
            pending_member_ids: BTreeSet::new(),
            committed: BTreeMap::new(),
            protocol: None,
            round: 0,
            join_counter: 0,
            initial_delay: None,
            loaded_on: None,
        }
    }

    /// `ClassicGroup.staticMemberId`: the member id a `group.instance.id` maps to now.
    pub fn static_member_id(&self, instance: &str) -> Option<&str> {
        self.members
            .values()
            .find(|m| m.instance.as_deref() == Some(instance))
            .map(|m| m.member_id.as_str())
    }

    /// `ClassicGroup.validateMember`: a static member's requests must come from the member id
    /// its instance id maps to (else FENCED_INSTANCE_ID: an older process of the same instance).
    fn validate_member(&self, member_id: &str, instance: Option<&str>) -> Result<(), ErrorCode> {
        match instance {
            Some(instance) => match self.static_member_id(instance) {
                None => Err(ErrorCode::UnknownMemberId),
                Some(current) if current != member_id => Err(ErrorCode::FencedInstanceId),
                Some(_) => Ok(()),
            },
            None if self.members.contains_key(member_id) => Ok(()),
            None => Err(ErrorCode::UnknownMemberId),
        }
    }

    /// What the leader receives for each member under `protocol`, in the coordinator's member
    /// order (`currentClassicGroupMembers`).
    fn subscriptions(&self, protocol: AssignorName) -> Vec<MemberSubscription> {
        self.members
            .values()
            .map(|m| {
                let chosen = m.protocols.iter().find(|p| p.assignor == protocol);
                MemberSubscription {
                    member_id: m.member_id.clone(),
                    group_instance_id: m.instance.clone(),
                    rack: m.rack.clone(),
                    topics: m.topics.clone(),
                    owned: chosen.map(|p| p.owned.clone()).unwrap_or_default(),
                    generation: chosen.and_then(|p| p.generation),
                }
            })
            .collect()
    }

    /// A JoinGroup answered with the generation the group is in, without a rebalance; the leader
    /// gets the member list too.
    fn current_generation_for(&self, member_id: String, skip_assignment: bool) -> JoinResult {
        let leader_id = self.leader.clone().unwrap_or_default();
        let protocol = self.protocol.unwrap_or(AssignorName::Range);
        let members = if leader_id == member_id {
            self.subscriptions(protocol)
        } else {
            Vec::new()
        };
        JoinResult {
            protocol,
            skip_assignment,
            generation: self.generation,
            member_id,
            leader_id,
            members,
        }
    }

    pub fn client_of(&self, member_id: &str) -> String {
        self.members
            .get(member_id)
            .map_or_else(|| member_id.into(), |m| m.client_id.clone())
    }
}

/// Group timers belong to the cluster, not to the broker that set them: the group outlives a
/// coordinator move.
fn group_timer(ctx: &mut Ctx<'_>, at: Instant, timer: Timer) {
    ctx.out.push(Effect::Timer {
        node: Node::Controller,
        at,
        timer,
    });
}

pub fn handle_request(cluster: &mut Cluster, broker: BrokerId, ctx: &mut Ctx<'_>, from: Node, id: u64, req: Request) {
    let group_id = match &req {
        Request::JoinGroup { group, .. }
        | Request::SyncGroup { group, .. }
        | Request::Heartbeat { group, .. }
        | Request::LeaveGroup { group, .. }
        | Request::OffsetCommit { group, .. }
        | Request::OffsetFetch { group, .. } => group.clone(),
        _ => return,
    };
    if cluster.offsets_leader(&group_id) != Some(broker) {
        let body = not_coordinator(&req);
        ctx.respond(from, id, body);
        return;
    }
    // Topic names to indices, for a leader's SyncGroup only (built per request otherwise).
    let topic_index: BTreeMap<String, usize> = match &req {
        Request::SyncGroup {
            assignment: Some(_), ..
        } => cluster
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect(),
        _ => BTreeMap::new(),
    };
    let incarnation = cluster.broker(broker).map_or(0, |b| b.incarnation);
    let alive = previous_alive(cluster, &group_id);
    let group = cluster
        .groups
        .entry(group_id.clone())
        .or_insert_with(|| Group::new(&group_id));
    take_over(group, (broker, incarnation), alive, ctx);
    match req {
        Request::JoinGroup { .. } => join(group, ctx, from, id, req),
        Request::SyncGroup {
            generation,
            member_id,
            instance,
            assignment,
            ..
        } => match group.validate_member(&member_id, instance.as_deref()) {
            Err(e) => ctx.respond(from, id, Response::SyncGroup(Err(e))),
            Ok(()) => sync(group, ctx, from, id, generation, &member_id, assignment, &topic_index),
        },
        Request::Heartbeat {
            generation,
            member_id,
            instance,
            ..
        } => {
            // validateClassicGroupHeartbeat: the member, then the generation, then the state; only a
            // heartbeat of the current generation keeps the session alive.
            let valid = group.validate_member(&member_id, instance.as_deref());
            let result = match group.members.get_mut(&member_id) {
                _ if valid.is_err() => valid,
                None => Err(ErrorCode::UnknownMemberId),
                Some(_) if generation != group.generation => Err(ErrorCode::IllegalGeneration),
                Some(m) => {
                    m.session_deadline = ctx.now + m.session_timeout_ms;
                    if group.state == GroupState::PreparingRebalance {
                        Err(ErrorCode::RebalanceInProgress)
                    } else {
                        Ok(())
                    }
                }
            };
            ctx.respond(from, id, Response::Heartbeat(result));
        }
        Request::LeaveGroup { member_id, .. } => {
            ctx.respond(from, id, Response::LeaveGroup);
            if let Some(m) = group.members.remove(&member_id) {
                ctx.trace(Told::MemberLeft {
                    group: group.id.clone(),
                    consumer: m.client_id.clone(),
                });
                member_gone(group, ctx, RebalanceReason::MemberLeft { consumer: m.client_id });
            }
        }
        Request::OffsetCommit {
            generation,
            member_id,
            instance,
            offsets,
            ..
        } => {
            // GroupMetadataManager#validateOffsetCommit for classic groups.
            let result = if let Err(e) = group.validate_member(&member_id, instance.as_deref()) {
                Err(e)
            } else if generation != group.generation {
                Err(ErrorCode::IllegalGeneration)
            } else if group.state == GroupState::CompletingRebalance {
                Err(ErrorCode::RebalanceInProgress)
            } else {
                for (tp, offset) in offsets {
                    group.committed.insert(tp, offset);
                }
                Ok(())
            };
            ctx.respond(from, id, Response::OffsetCommit(result));
        }
        Request::OffsetFetch { tps, .. } => {
            let found = tps.iter().map(|tp| (*tp, group.committed.get(tp).copied())).collect();
            ctx.respond(from, id, Response::OffsetFetch(Ok(found)));
        }
        _ => {}
    }
}

fn not_coordinator(req: &Request) -> Response {
    let e = ErrorCode::NotCoordinator;
    match req {
        Request::JoinGroup { .. } => Response::JoinGroup(Err((e, None))),
        Request::SyncGroup { .. } => Response::SyncGroup(Err(e)),
        Request::Heartbeat { .. } => Response::Heartbeat(Err(e)),
        Request::OffsetCommit { .. } => Response::OffsetCommit(Err(e)),
        Request::OffsetFetch { .. } => Response::OffsetFetch(Err(e)),
        _ => Response::LeaveGroup,
    }
}

/// A coordinator that just took the group over restarts every member's session clock.
/// A coordinator loading the group (a new broker, or the same one after a restart) starts from
/// what `__consumer_offsets` holds: every member's session clock restarts, and JoinGroup/SyncGroup
/// requests that were waiting on the old coordinator's connections are gone (their clients were
/// disconnected and will send new ones).
///
/// If the previous coordinator is still running, it answers the requests it was holding with
/// NOT_COORDINATOR as it unloads the group (`onResignation`), so their clients look again.
fn take_over(group: &mut Group, coordinator: (BrokerId, u32), previous_alive: bool, ctx: &mut Ctx<'_>) {
    if group.loaded_on == Some(coordinator) {
        return;
    }
    let previous = group.loaded_on.map(|(b, _)| Node::Broker(b)).filter(|_| previous_alive);
    for m in group.members.values_mut() {
        m.session_deadline = ctx.now + m.session_timeout_ms;
        let join = m
            .join_request
            .take()
            .map(|(id, _)| (id, Response::JoinGroup(Err((ErrorCode::NotCoordinator, None)))));
        let sync = m
            .sync_request
            .take()
            .map(|id| (id, Response::SyncGroup(Err(ErrorCode::NotCoordinator))));
        if let Some(from) = previous {
            for (id, body) in join.into_iter().chain(sync) {
                ctx.out.push(Effect::Send {
                    from,
                    to: m.client,
                    msg: Msg::Response { id, body },
                });
            }
        }
    }
    group.loaded_on = Some(coordinator);
}

/// Whether the broker that last coordinated `group` is still the same running process.
fn previous_alive(cluster: &Cluster, group: &str) -> bool {
    let loaded = cluster.groups.get(group).and_then(|g| g.loaded_on);
    loaded.is_some_and(|(b, life)| cluster.broker(b).is_some_and(|x| x.up && x.incarnation == life))
}

impl Group {
    /// `ClassicGroup.supportsProtocols`: any protocol for an empty group; otherwise the member
    /// must name one every current member supports.
    fn supports_protocols(&self, protocols: &[JoinProtocol]) -> bool {
        if self.members.is_empty() {
            return !protocols.is_empty();
        }
        protocols.iter().any(|p| {
            self.members
                .values()
                .all(|m| m.protocols.iter().any(|q| q.assignor == p.assignor))
        })
    }

    /// `ClassicGroup.selectProtocol`: among the protocols every member supports, each member
    /// votes for the first in its own order; the most votes win, a tie going to the protocol
    /// Java's `HashMap` of votes iterates first (`Stream.max` keeps the first maximum).
    fn select_protocol(&self) -> Option<AssignorName> {
        let candidates: Vec<AssignorName> = AssignorName::ALL
            .into_iter()
            .filter(|a| {
                self.members
                    .values()
                    .all(|m| m.protocols.iter().any(|p| p.assignor == *a))
            })
            .collect();
        let mut votes: crate::java::JavaHashMap<&'static str, u32> = crate::java::JavaHashMap::new();
        for m in self.members.values() {
            if let Some(vote) = m.protocols.iter().find(|p| candidates.contains(&p.assignor)) {
                let name = vote.assignor.name();
                let count = votes.get(&name).copied().unwrap_or(0);
                votes.put(name, count + 1);
            }
        }
        let mut best: Option<(&str, u32)> = None;
        for (name, count) in votes.iter() {
            if best.is_none_or(|(_, c)| *count > c) {
                best = Some((name, *count));
            }
        }
        best.and_then(|(name, _)| AssignorName::parse(name))
    }
}

fn join(group: &mut Group, ctx: &mut Ctx<'_>, from: Node, id: u64, request: Request) {
    let Request::JoinGroup {
        member_id,
        client_id,
        topics,
        session_timeout_ms,
        protocols,
        rack,
        instance,
        ..
    } = request
    else {
        return;
    };
    // GroupMetadataManager.classicGroupJoin checks the protocols before anything else.
    if !group.supports_protocols(&protocols) {
        ctx.trace(Told::JoinRefused {
            group: group.id.clone(),
            consumer: client_id,
            error: ErrorCode::InconsistentGroupProtocol.name().into(),
            offered: protocols.iter().map(|p| String::from(p.assignor.name())).collect(),
        });
        let body = Response::JoinGroup(Err((ErrorCode::InconsistentGroupProtocol, None)));
        ctx.respond(from, id, body);
        return;
    }
    // A static member's own member id must still be the one its instance id maps to.
    if let (Some(known_id), Some(inst)) = (&member_id, &instance) {
        if let Err(e) = group.validate_member(known_id, Some(inst)) {
            ctx.respond(from, id, Response::JoinGroup(Err((e, None))));
            return;
        }
    }
    // KIP-345: a static member joining without a member id gets one at once
    // (`groupInstanceId-UUID`, ClassicGroup#generateMemberId); if its instance id is already in
    // the group, it takes that member's place (`updateStaticMemberThenRebalanceOrCompleteJoin`).
    let (member_id, instance_joined) = match (member_id, &instance) {
        (None, Some(inst)) => {
            let new_id = format!("{inst}-{}", ctx.rng.uuid4());
            let replaced = group.static_member_id(inst).map(String::from);
            if let Some(old_id) = replaced {
                let request = StaticRejoin {
                    old_id,
                    new_id,
                    instance: inst.clone(),
                    client_id,
                    topics,
                    session_timeout_ms,
                    protocols,
                    rack,
                };
                return replace_static_member(group, ctx, from, id, request);
            }
            ctx.trace(Told::StaticMemberJoined {
                group: group.id.clone(),
                consumer: client_id.clone(),
                instance: inst.clone(),
                member_id: new_id.clone(),
                replaced: None,
                without_rebalance: false,
            });
            (Some(new_id), true)
        }
        (member_id, _) => (member_id, false),
    };
    let Some(member_id) = member_id else {
        // KIP-394: a first JoinGroup gets a member id (`clientId-UUID`, ClassicGroup#generateMemberId)
        // and must come back with it.
        let new_id = format!("{client_id}-{}", ctx.rng.uuid4());
        group.pending_member_ids.insert(new_id.clone());
        // A pending member that never comes back is dropped after its session timeout.
        let at = ctx.now + session_timeout_ms;
        group_timer(
            ctx,
            at,
            Timer::PendingMemberExpiry {
                group: group.id.clone(),
                member_id: new_id.clone(),
            },
        );
        ctx.trace(Told::MemberIdAssigned {
            group: group.id.clone(),
            consumer: client_id,
            member_id: new_id.clone(),
        });
        let body = Response::JoinGroup(Err((ErrorCode::MemberIdRequired, Some(new_id))));
        ctx.respond(from, id, body);
        return;
    };
    let known = group.members.contains_key(&member_id);
    if !known && !instance_joined && !group.pending_member_ids.remove(&member_id) {
        ctx.respond(from, id, Response::JoinGroup(Err((ErrorCode::UnknownMemberId, None))));
        return;
    }
    // A follower rejoining with the same subscription while the group is Stable or completing gets
    // the current generation back without a new rebalance; only the leader or a changed
    // subscription triggers one (GroupMetadataManager, classic JoinGroup of a known member).
    // `ClassicGroupMember.matches`: the same protocols with the same metadata (owned partitions
    // and generation included, so a cooperative member that gave partitions up rebalances).
    let same_subscription = group
        .members
        .get(&member_id)
        .is_some_and(|m| m.topics == topics && m.protocols == protocols && m.rack == rack);
    // (`classicGroupJoinExistingMember`: while completing a rebalance any matching member, the
    // leader too, gets the current generation back; once Stable only a follower does.)
    let is_leader = group.leader.as_deref() == Some(member_id.as_str());
    let settled = match group.state {
        GroupState::CompletingRebalance => true,
        GroupState::Stable => !is_leader,
        _ => false,
    };
    if known && same_subscription && settled {
        if let Some(m) = group.members.get_mut(&member_id) {
            m.session_deadline = ctx.now + m.session_timeout_ms;
        }
        let result = group.current_generation_for(member_id, false);
        ctx.respond(from, id, Response::JoinGroup(Ok(result)));
        return;
    }
    group.join_counter += 1;
    let order = group.join_counter;
    let member = group.members.entry(member_id.clone()).or_insert_with(|| Member {
        member_id: member_id.clone(),
        client: from,
        client_id: client_id.clone(),
        topics: topics.clone(),
        session_timeout_ms,
        session_deadline: ctx.now,
        join_request: None,
        sync_request: None,
        assignment: Vec::new(),
        protocols: Vec::new(),
        rack: None,
        instance: None,
    });
    member.topics = topics;
    member.protocols = protocols;
    member.rack = rack;
    member.instance = instance;
    member.join_request = Some((id, order));
    member.session_deadline = ctx.now + session_timeout_ms;
    if !known {
        let at = member.session_deadline;
        group_timer(
            ctx,
            at,
            Timer::MemberSession {
                group: group.id.clone(),
                member_id: member_id.clone(),
            },
        );
    }
    match group.state {
        GroupState::PreparingRebalance => {
            if let Some((remaining, _)) = group.initial_delay {
                if !known {
                    group.initial_delay = Some((remaining, true));
                }
            }
            maybe_complete_join(group, ctx);
        }
        _ => {
            let reason = if known {
                RebalanceReason::MemberRejoined { consumer: client_id }
            } else {
                RebalanceReason::MemberJoined { consumer: client_id }
            };
            prepare_rebalance(group, ctx, reason);
        }
    }
}

/// A static member's new process, joining with the instance id of a member still in the group.
struct StaticRejoin {
    old_id: String,
    new_id: String,
    instance: String,
    client_id: String,
    topics: Vec<String>,
    session_timeout_ms: u64,
    protocols: Vec<JoinProtocol>,
    rack: Option<String>,
}

/// `updateStaticMemberThenRebalanceOrCompleteJoin`: the new member id takes the old one's place
/// (assignment, leadership); requests the old one was waiting on fail with FENCED_INSTANCE_ID
/// (`replaceStaticMember`). A Stable group whose selected protocol would not change answers at
/// once with the current generation, and no rebalance; otherwise the group rebalances (always
/// when completing one, since the leader may have assigned to the old id).
fn replace_static_member(group: &mut Group, ctx: &mut Ctx<'_>, from: Node, id: u64, r: StaticRejoin) {
    let Some(mut member) = group.members.remove(&r.old_id) else {
        return;
    };
    if let Some((join_id, _)) = member.join_request.take() {
        ctx.respond(
            member.client,
            join_id,
            Response::JoinGroup(Err((ErrorCode::FencedInstanceId, None))),
        );
    }
    if let Some(sync_id) = member.sync_request.take() {
        ctx.respond(
            member.client,
            sync_id,
            Response::SyncGroup(Err(ErrorCode::FencedInstanceId)),
        );
    }
    // `replaceStaticMember` keeps the old member's client id and host; the new process is only
    // the connection it answers on.
    member.member_id = r.new_id.clone();
    member.client = from;
    member.topics = r.topics;
    member.protocols = r.protocols;
    member.rack = r.rack;
    member.instance = Some(r.instance.clone());
    member.session_timeout_ms = r.session_timeout_ms;
    member.session_deadline = ctx.now + r.session_timeout_ms;
    group.members.insert(r.new_id.clone(), member);
    if group.leader.as_deref() == Some(r.old_id.as_str()) {
        group.leader = Some(r.new_id.clone());
    }
    // The old id's session timer finds no member and does nothing; the new id gets its own.
    let at = ctx.now + r.session_timeout_ms;
    group_timer(
        ctx,
        at,
        Timer::MemberSession {
            group: group.id.clone(),
            member_id: r.new_id.clone(),
        },
    );
    let quiet = group.state == GroupState::Stable && group.select_protocol() == group.protocol;
    ctx.trace(Told::StaticMemberJoined {
        group: group.id.clone(),
        consumer: r.client_id.clone(),
        instance: r.instance,
        member_id: r.new_id.clone(),
        replaced: Some(r.old_id),
        without_rebalance: quiet,
    });
    if quiet {
        // A returning static leader keeps the current assignment (skipAssignment).
        let is_leader = group.leader.as_deref() == Some(r.new_id.as_str());
        let result = group.current_generation_for(r.new_id, is_leader);
        ctx.respond(from, id, Response::JoinGroup(Ok(result)));
        return;
    }
    group.join_counter += 1;
    let order = group.join_counter;
    if let Some(m) = group.members.get_mut(&r.new_id) {
        m.join_request = Some((id, order));
    }
    match group.state {
        GroupState::PreparingRebalance => maybe_complete_join(group, ctx),
        _ => prepare_rebalance(group, ctx, RebalanceReason::MemberRejoined { consumer: r.client_id }),
    }
}

fn prepare_rebalance(group: &mut Group, ctx: &mut Ctx<'_>, reason: RebalanceReason) {
    let was_empty = group.state == GroupState::Empty;
    // Followers waiting in SyncGroup must rejoin.
    for m in group.members.values_mut() {
        if let Some(sync_id) = m.sync_request.take() {
            ctx.respond(
                m.client,
                sync_id,
                Response::SyncGroup(Err(ErrorCode::RebalanceInProgress)),
            );
        }
    }
    group.state = GroupState::PreparingRebalance;
    group.round += 1;
    let delay_ms = if was_empty {
        // InitialDelayedJoin: wait `delay`, re-armed while new members keep arriving.
        group.initial_delay = Some((REBALANCE_TIMEOUT_MS.saturating_sub(INITIAL_REBALANCE_DELAY_MS), false));
        INITIAL_REBALANCE_DELAY_MS
    } else {
        REBALANCE_TIMEOUT_MS
    };
    ctx.trace(Told::RebalanceStarted {
        group: group.id.clone(),
        generation: group.generation,
        reason,
        initial_delay_ms: if was_empty { Some(delay_ms) } else { None },
        deadline_ms: (ctx.now + delay_ms).ms(),
    });
    let at = ctx.now + delay_ms;
    group_timer(
        ctx,
        at,
        Timer::GroupJoinDeadline {
            group: group.id.clone(),
            round: group.round,
        },
    );
    maybe_complete_join(group, ctx);
}

/// `hasAllMembersJoined`: every member has a JoinGroup waiting and no member handed an id by
/// MEMBER_ID_REQUIRED is still on its way back.
fn maybe_complete_join(group: &mut Group, ctx: &mut Ctx<'_>) {
    let all_joined = group.members.values().all(|m| m.join_request.is_some()) && group.pending_member_ids.is_empty();
    if group.initial_delay.is_none() && all_joined {
        complete_join(group, ctx);
    }
}

fn complete_join(group: &mut Group, ctx: &mut Ctx<'_>) {
    // Dynamic members that had not rejoined when the join completed are dropped
    // (`completeClassicGroupJoin`), whether the rebalance timeout or the initial delay ran out. A
    // static member stays: it is assigned as usual and only its session expiry removes it.
    let late: Vec<String> = group
        .members
        .values()
        .filter(|m| m.join_request.is_none() && m.instance.is_none())
        .map(|m| m.member_id.clone())
        .collect();
    for member_id in late {
        if let Some(m) = group.members.remove(&member_id) {
            ctx.trace(Told::MemberNotRejoined {
                group: group.id.clone(),
                consumer: m.client_id,
            });
        }
    }
    group.round += 1;
    group.generation += 1;
    if group.members.is_empty() {
        group.state = GroupState::Empty;
        group.leader = None;
        ctx.trace(Told::GroupEmpty {
            group: group.id.clone(),
            generation: group.generation,
        });
        return;
    }
    // The leader stays if it rejoined; otherwise the first member to join leads
    // (`maybeElectNewJoinedLeader`: an absent static leader hands leadership on).
    let leader_stays = group
        .leader
        .as_ref()
        .is_some_and(|l| group.members.get(l).is_some_and(|m| m.join_request.is_some()));
    if !leader_stays {
        group.leader = group
            .members
            .values()
            .min_by_key(|m| m.join_request.map(|(_, order)| order))
            .map(|m| m.member_id.clone());
    }
    let leader = group.leader.clone().unwrap_or_default();
    let protocol = group.select_protocol().unwrap_or(AssignorName::Range);
    group.protocol = Some(protocol);
    // The leader gets every member's metadata for the chosen protocol.
    let subscriptions = group.subscriptions(protocol);
    for m in group.members.values_mut() {
        // A completed join counts as a heartbeat (`completeAndScheduleNextHeartbeatExpiration`).
        m.session_deadline = ctx.now + m.session_timeout_ms;
        if let Some((join_id, _)) = m.join_request.take() {
            let members = if m.member_id == leader {
                subscriptions.clone()
            } else {
                Vec::new()
            };
            let result = JoinResult {
                protocol,
                skip_assignment: false,
                generation: group.generation,
                member_id: m.member_id.clone(),
                leader_id: leader.clone(),
                members,
            };
            ctx.respond(m.client, join_id, Response::JoinGroup(Ok(result)));
        }
    }
    group.state = GroupState::CompletingRebalance;
    ctx.trace(Told::JoinCompleted {
        group: group.id.clone(),
        protocol: protocol.name().into(),
        generation: group.generation,
        leader: group.client_of(&leader),
        members: group.members.values().map(|m| m.client_id.clone()).collect(),
    });
}

#[allow(clippy::too_many_arguments)]
fn sync(
    group: &mut Group,
    ctx: &mut Ctx<'_>,
    from: Node,
    id: u64,
    generation: u32,
    member_id: &str,
    assignment: Option<Assignment>,
    topic_index: &BTreeMap<String, usize>,
) {
    let Some(member) = group.members.get_mut(member_id) else {
        ctx.respond(from, id, Response::SyncGroup(Err(ErrorCode::UnknownMemberId)));
        return;
    };
    let client = member.client;
    let error = if generation != group.generation {
        Some(ErrorCode::IllegalGeneration)
    } else if group.state == GroupState::PreparingRebalance {
        Some(ErrorCode::RebalanceInProgress)
    } else {
        None
    };
    if let Some(e) = error {
        ctx.respond(client, id, Response::SyncGroup(Err(e)));
        return;
    }
    if group.state == GroupState::Stable {
        let tps = member.assignment.clone();
        ctx.respond(client, id, Response::SyncGroup(Ok(tps)));
        return;
    }
    member.sync_request = Some(id);
    if let (Some(assignment), true) = (assignment, group.leader.as_deref() == Some(member_id)) {
        // The leader's assignment names topics; the coordinator stores it per member.
        for m in group.members.values_mut() {
            m.assignment = assignment
                .get(&m.member_id)
                .map(|list| {
                    list.iter()
                        .filter_map(|(topic, p)| {
                            topic_index.get(topic).map(|t| Tp {
                                topic: *t,
                                partition: *p,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        group.state = GroupState::Stable;
        ctx.trace(Told::GroupStable {
            group: group.id.clone(),
            generation: group.generation,
        });
    }
    if group.state == GroupState::Stable {
        for m in group.members.values_mut() {
            if let Some(sync_id) = m.sync_request.take() {
                m.session_deadline = ctx.now + m.session_timeout_ms;
                ctx.respond(m.client, sync_id, Response::SyncGroup(Ok(m.assignment.clone())));
            }
        }
    }
}

/// A member left or expired: rebalance the rest, or the group is empty.
fn member_gone(group: &mut Group, ctx: &mut Ctx<'_>, reason: RebalanceReason) {
    if group.leader.as_ref().is_some_and(|l| !group.members.contains_key(l)) {
        group.leader = None;
    }
    if group.members.is_empty() {
        group.state = GroupState::Empty;
        group.generation += 1;
        group.round += 1;
        group.initial_delay = None;
        ctx.trace(Told::GroupEmpty {
            group: group.id.clone(),
            generation: group.generation,
        });
    } else if group.state == GroupState::PreparingRebalance {
        maybe_complete_join(group, ctx);
    } else {
        prepare_rebalance(group, ctx, reason);
    }
}

pub fn on_timer(cluster: &mut Cluster, ctx: &mut Ctx<'_>, timer: &Timer) {
    let coordinator = |cluster: &Cluster, g: &str| cluster.coordinator_for(g);
    match timer {
        Timer::GroupJoinDeadline { group: gid, round } => {
            let serving = coordinator(cluster, gid).map(|b| (b, cluster.broker(b).map_or(0, |x| x.incarnation)));
            let alive = previous_alive(cluster, gid);
            let Some(group) = cluster.groups.get_mut(gid) else {
                return;
            };
            if group.round != *round || group.state != GroupState::PreparingRebalance {
                return;
            }
            let Some(serving) = serving else {
                // Nobody coordinates the group now; the deadline waits for a coordinator.
                let at = ctx.now + INITIAL_REBALANCE_DELAY_MS;
                group_timer(ctx, at, timer.clone());
                return;
            };
            take_over(group, serving, alive, ctx);
            match group.initial_delay {
                Some((remaining, true)) if remaining > 0 => {
                    let delay = INITIAL_REBALANCE_DELAY_MS.min(remaining);
                    group.initial_delay = Some((remaining - delay, false));
                    group.round += 1;
                    let at = ctx.now + delay;
                    group_timer(
                        ctx,
                        at,
                        Timer::GroupJoinDeadline {
                            group: gid.clone(),
                            round: group.round,
                        },
                    );
                }
                _ => {
                    group.initial_delay = None;
                    complete_join(group, ctx);
                }
            }
        }
        Timer::PendingMemberExpiry { group: gid, member_id } => {
            if let Some(group) = cluster.groups.get_mut(gid) {
                if group.pending_member_ids.remove(member_id) && group.state == GroupState::PreparingRebalance {
                    maybe_complete_join(group, ctx);
                }
            }
        }
        Timer::MemberSession { group: gid, member_id } => {
            let serving = coordinator(cluster, gid).map(|b| (b, cluster.broker(b).map_or(0, |x| x.incarnation)));
            let alive = previous_alive(cluster, gid);
            let Some(group) = cluster.groups.get_mut(gid) else {
                return;
            };
            let Some(member) = group.members.get(member_id) else {
                return;
            };
            let Some(broker) = serving else {
                // No coordinator: nobody can expire the member; look again later.
                let at = ctx.now + member.session_timeout_ms;
                group_timer(ctx, at, timer.clone());
                return;
            };
            take_over(group, broker, alive, ctx);
            let Some(member) = group.members.get(member_id) else {
                return;
            };
            // `hasSatisfiedHeartbeat`: a member waiting for its JoinGroup or SyncGroup answer is
            // alive by definition; the rebalance timeout, not the session, bounds that wait.
            if member.join_request.is_some() || member.sync_request.is_some() {
                let at = ctx.now + member.session_timeout_ms;
                group_timer(ctx, at, timer.clone());
                return;
            }
            if member.session_deadline > ctx.now {
                let at = member.session_deadline;
                group_timer(ctx, at, timer.clone());
                return;
            }
            if let Some(m) = group.members.remove(member_id) {
                ctx.trace(Told::MemberExpired {
                    group: gid.clone(),
                    consumer: m.client_id.clone(),
                    timeout_ms: m.session_timeout_ms,
                });
                member_gone(group, ctx, RebalanceReason::SessionExpired { consumer: m.client_id });
            }
        }
        _ => {}
    }
}
