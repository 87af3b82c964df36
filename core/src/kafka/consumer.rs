//! A Kafka consumer in a group (`ClassicKafkaConsumer` + `ConsumerCoordinator` + `Fetcher`) as a
//! sans-IO state machine: find the coordinator, join (eagerly revoking everything first, as the
//! default `RangeAssignor` requires), let the leader assign with the range assignor, sync, restore
//! committed offsets or reset (`auto.offset.reset`), then fetch from partition leaders, heartbeat
//! every `heartbeat.interval.ms` and auto-commit every `auto.commit.interval.ms`.
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

use super::assignor::{self, AssignorName, GroupInput};
use super::spec::{ConsumerSpec, OffsetReset, RebalanceListener};
use super::trace::{Event, Told};
use super::{
    retry_backoff_ms, BrokerId, Cluster, ConsumerTimer, Ctx, ErrorCode, JoinProtocol, ListFrom, Msg, RecordId, Request,
    Response, Timer, Tp,
};

/// Consumed records kept for the view (per consumer); older ones are only counted.
pub const CONSUMED_HISTORY: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    FindingCoordinator,
    Joining,
    Syncing,
    Stable,
    Stopped,
    Crashed,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::FindingCoordinator => "finding-coordinator",
            Phase::Joining => "joining",
            Phase::Syncing => "syncing",
            Phase::Stable => "stable",
            Phase::Stopped => "stopped",
            Phase::Crashed => "crashed",
        }
    }
}

/// What to do once an in-flight commit is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    Nothing,
    Rejoin,
    Leave,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    Commit { offsets: Vec<(Tp, u64)>, then: Then },
    OffsetFetch,
    ListOffsets { tp: Tp },
    Fetch { broker: BrokerId },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumed {
    pub tp: Tp,
    pub offset: u64,
    pub record: RecordId,
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub spec: ConsumerSpec,
    /// Index among the simulation's consumers (ids in trace entries).
    pub index: u16,
    pub phase: Phase,
    /// Bumped on crash and close so timers of an earlier life are ignored.
    epoch: u32,
    pub coordinator: Option<BrokerId>,
    pub member_id: Option<String>,
    pub generation: u32,
    pub is_leader: bool,
    pub assigned: Vec<Tp>,
    pub positions: BTreeMap<Tp, u64>,
    pub last_committed: BTreeMap<Tp, u64>,
    /// Consecutive failed attempts, for the backoff; reset when the coordinator answers a group
    /// request or a position is established.
    retries: u32,
    /// Partition counts of the subscribed topics when this member, as leader, last assigned.
    assigned_with: BTreeMap<String, u32>,
    pending: BTreeMap<u64, Pending>,
    fetching_from: BTreeSet<BrokerId>,
    /// Brokers whose last fetch came back empty: the long-poll wait there was told.
    caught_up: BTreeSet<BrokerId>,
    /// Set while the coordinator is being looked up again; the phase resumes after.
    resume: Option<Phase>,
    pub consumed: VecDeque<Consumed>,
    pub consumed_total: u64,
    /// The protocol (assignor) the group selected at the last join.
    pub protocol: Option<AssignorName>,
    /// Set by ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID (`resetStateAndGeneration`): what it owns
    /// is lost at the next join, and it sends no generation.
    generation_reset: bool,
    /// `StickyAssignor.onAssignment`: the last assignment and its generation, which the eager
    /// sticky assignor sends back as user data at the next join.
    sticky_memory: Option<(Vec<Tp>, u32)>,
    /// An eager member committing before it rejoins stops fetching and drops what arrives
    /// (`maybeMarkPartitionsPendingRevocation`), so nothing is consumed past what it commits.
    pending_revocation: bool,
}

impl Consumer {
    pub fn new(index: usize, spec: ConsumerSpec) -> Consumer {
        Consumer {
            spec,
            index: index as u16,
            phase: Phase::Stopped,
            epoch: 0,
            coordinator: None,
            member_id: None,
            generation: 0,
            is_leader: false,
            assigned: Vec::new(),
            positions: BTreeMap::new(),
            last_committed: BTreeMap::new(),
            retries: 0,
            assigned_with: BTreeMap::new(),
            pending: BTreeMap::new(),
            fetching_from: BTreeSet::new(),
            caught_up: BTreeSet::new(),
            resume: None,
            consumed: VecDeque::new(),
            consumed_total: 0,
            protocol: None,
            generation_reset: false,
            sticky_memory: None,
            pending_revocation: false,
        }
    }

    /// Brokers where the last fetch came back empty (the consumer long-polls there).
    pub fn long_polling(&self) -> impl Iterator<Item = u32> + '_ {
        self.caught_up.iter().map(|b| b.0)
    }

    pub fn is_running(&self) -> bool {
        !matches!(self.phase, Phase::Stopped | Phase::Crashed)
    }

    /// Try again after the KIP-580 backoff; consecutive failures wait longer, up to 1 s.
    fn retry_later(&mut self, ctx: &mut Ctx<'_>) {
        self.retries = self.retries.saturating_add(1);
        let delay_ms = retry_backoff_ms(self.retries, ctx);
        self.tick(ctx, delay_ms, ConsumerTimer::Retry);
    }

    fn tick(&self, ctx: &mut Ctx<'_>, delay_ms: u64, what: ConsumerTimer) {
        ctx.timer_in(
            delay_ms,
            Timer::ConsumerTick {
                epoch: self.epoch,
                what,
            },
        );
    }

    /// `subscribe()` then the first `poll()`.
    pub fn start(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        self.epoch += 1;
        self.phase = Phase::FindingCoordinator;
        // A new process: no generation, no assignor memory.
        self.generation = 0;
        self.generation_reset = false;
        self.sticky_memory = None;
        self.protocol = None;
        ctx.trace(Told::ConsumerStarted {
            consumer: self.spec.id.clone(),
            group: self.spec.group.clone(),
        });
        let missing: Vec<String> = self
            .spec
            .topics
            .iter()
            .filter(|t| cluster.topic_index(t).is_none())
            .cloned()
            .collect();
        if !missing.is_empty() {
            ctx.trace(Told::TopicsMissing {
                consumer: self.spec.id.clone(),
                topics: missing,
            });
        }
        self.find_coordinator(ctx, cluster);
        self.tick(ctx, self.spec.heartbeat_interval_ms, ConsumerTimer::Heartbeat);
        if self.spec.enable_auto_commit {
            self.tick(ctx, self.spec.auto_commit_interval_ms, ConsumerTimer::AutoCommit);
        }
    }

    /// The coordinator failed us (a disconnect, NOT_COORDINATOR): forget it and look it up again
    /// after the backoff, as the client marks the coordinator unknown and waits before it
    /// reconnects (`reconnect.backoff.ms` / `retry.backoff.ms`, exponential up to 1 s).
    fn lose_coordinator(&mut self, ctx: &mut Ctx<'_>) {
        if self.phase != Phase::FindingCoordinator {
            self.resume = Some(self.phase);
            self.phase = Phase::FindingCoordinator;
        }
        self.coordinator = None;
        if !self.pending.values().any(|p| *p == Pending::FindCoordinator) {
            self.retry_later(ctx);
        }
    }

    fn find_coordinator(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        if self.pending.values().any(|p| *p == Pending::FindCoordinator) {
            return;
        }
        if self.phase != Phase::FindingCoordinator {
            self.resume = Some(self.phase);
            self.phase = Phase::FindingCoordinator;
        }
        self.coordinator = None;
        // Ask any broker that is up (the client's "least loaded node").
        match cluster.brokers.iter().find(|b| b.up) {
            Some(b) => {
                let id = ctx.request(
                    b.id,
                    Request::FindCoordinator {
                        group: self.spec.group.clone(),
                    },
                );
                self.pending.insert(id, Pending::FindCoordinator);
            }
            None => self.retry_later(ctx),
        }
    }

    /// `onJoinPrepare` then JoinGroup. A member whose generation was reset loses what it owned;
    /// otherwise the eager protocol gives up every partition first and the cooperative one keeps
    /// them (and keeps fetching them) while the group rebalances.
    fn join(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        if self.pending.values().any(|p| *p == Pending::Join) {
            return; // one JoinGroup in flight at a time, as the real client
        }
        let Some(coordinator) = self.coordinator else {
            return;
        };
        let reset = self.generation_reset || self.member_id.is_none();
        if reset && !self.assigned.is_empty() && self.generation > 0 {
            ctx.trace(Told::PartitionsLost {
                consumer: self.spec.id.clone(),
                partitions: self.assigned.iter().map(|tp| cluster.tp_name(*tp)).collect(),
            });
            self.assigned.clear();
            self.positions.clear();
        } else if !self.spec.cooperative() {
            self.revoke_all(ctx, cluster, true);
        }
        self.pending_revocation = false;
        self.phase = Phase::Joining;
        let protocols = self.join_protocols(cluster);
        let id = ctx.request(
            coordinator,
            Request::JoinGroup {
                group: self.spec.group.clone(),
                member_id: self.member_id.clone(),
                client_id: self.spec.id.clone(),
                topics: self.spec.topics.clone(),
                session_timeout_ms: self.spec.session_timeout_ms,
                protocols,
                rack: self.spec.client_rack.clone(),
                instance: self.spec.group_instance_id.clone(),
            },
        );
        self.pending.insert(id, Pending::Join);
    }

    /// `ConsumerCoordinator.metadata`: one subscription per configured assignor, each with the
    /// partitions it owns now (`subscriptions.assignedPartitionsList()`, empty for an eager
    /// member that just revoked) and its generation; the eager sticky assignor sends instead the
    /// last assignment it was told of, with that generation, in its user data.
    fn join_protocols(&self, cluster: &Cluster) -> Vec<JoinProtocol> {
        let names = |tps: &[Tp]| tps.iter().map(|tp| cluster.tp_key(*tp)).collect::<Vec<_>>();
        let generation = (self.generation > 0 && !self.generation_reset).then_some(self.generation as i32);
        self.spec
            .assignors()
            .into_iter()
            .map(|assignor| match (assignor, &self.sticky_memory) {
                (AssignorName::Sticky, Some((tps, g))) => JoinProtocol {
                    assignor,
                    owned: names(tps),
                    generation: Some(*g as i32),
                },
                (AssignorName::Sticky, None) => JoinProtocol {
                    assignor,
                    owned: Vec::new(),
                    generation: None,
                },
                _ => JoinProtocol {
                    assignor,
                    owned: names(&self.assigned),
                    generation,
                },
            })
            .collect()
    }

    fn revoke_all(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, rejoining: bool) {
        if !self.assigned.is_empty() {
            let partitions = self.assigned.iter().map(|tp| cluster.tp_name(*tp)).collect();
            ctx.trace(Told::PartitionsRevoked {
                consumer: self.spec.id.clone(),
                partitions,
                rejoining,
            });
        }
        self.assigned.clear();
        self.positions.clear();
    }

    /// Commit the current positions of assigned partitions that moved since the last commit. (The
    /// real client sends `allConsumed()` even when nothing moved; skipping a commit that would
    /// store the same offsets changes no state, only the number of requests.)
    fn commit(&mut self, ctx: &mut Ctx<'_>, then: Then) -> bool {
        let moved = self
            .positions
            .iter()
            .any(|(tp, pos)| self.last_committed.get(tp) != Some(pos));
        if !moved || self.phase != Phase::Stable {
            return false;
        }
        let (Some(coordinator), Some(member_id)) = (self.coordinator, self.member_id.clone()) else {
            return false;
        };
        let offsets: Vec<(Tp, u64)> = self
            .positions
            .iter()
            .filter(|(tp, pos)| self.last_committed.get(*tp) != Some(*pos))
            .map(|(tp, pos)| (*tp, *pos))
            .collect();
        if offsets.is_empty() || self.phase != Phase::Stable {
            return false;
        }
        let id = ctx.request(
            coordinator,
            Request::OffsetCommit {
                group: self.spec.group.clone(),
                generation: self.generation,
                member_id,
                instance: self.spec.group_instance_id.clone(),
                offsets: offsets.clone(),
            },
        );
        self.pending.insert(id, Pending::Commit { offsets, then });
        true
    }

    /// `commitSync()` from the application.
    pub fn commit_now(&mut self, ctx: &mut Ctx<'_>) {
        self.commit(ctx, Then::Nothing);
    }

    /// `close()`: commit if auto commit is on, then LeaveGroup.
    pub fn close(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        if !self.is_running() {
            return;
        }
        let commits = self.spec.enable_auto_commit || self.listener_commits();
        if !(commits && self.commit(ctx, Then::Leave)) {
            self.leave(ctx, cluster);
        }
    }

    /// A dynamic member says LeaveGroup so the group rebalances at once; a static one does not
    /// (`AbstractCoordinator.maybeLeaveGroup` only for dynamic members, KIP-345): the group keeps
    /// its partitions for it until `session.timeout.ms`, in case the same instance comes back.
    fn leave(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        let dynamic = self.spec.group_instance_id.is_none();
        if let (Some(coordinator), Some(member_id), true) = (self.coordinator, self.member_id.clone(), dynamic) {
            ctx.request(
                coordinator,
                Request::LeaveGroup {
                    group: self.spec.group.clone(),
                    member_id,
                },
            );
        }
        self.revoke_all(ctx, cluster, false);
        self.stop(ctx, Phase::Stopped);
    }

    /// The process dies: no LeaveGroup, no commit; the group notices after `session.timeout.ms`.
    pub fn crash(&mut self, ctx: &mut Ctx<'_>) {
        if self.is_running() {
            self.assigned.clear();
            self.positions.clear();
            self.stop(ctx, Phase::Crashed);
        }
    }

    fn stop(&mut self, ctx: &mut Ctx<'_>, phase: Phase) {
        self.phase = phase;
        self.epoch += 1;
        self.pending_revocation = false;
        self.pending.clear();
        self.fetching_from.clear();
        self.caught_up.clear();
        self.member_id = None;
        self.coordinator = None;
        ctx.trace(Told::ConsumerStopped {
            consumer: self.spec.id.clone(),
            crashed: phase == Phase::Crashed,
        });
    }

    /// The group leader watches the metadata of the subscribed topics and rejoins when a partition
    /// count changes (`ConsumerCoordinator#rejoinNeededOrPending`); a real client notices on its next
    /// metadata refresh, within `metadata.max.age.ms` (300000), here at once.
    pub fn on_partitions_added(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        self.check_metadata(ctx, cluster);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, timer: &Timer) {
        let Timer::ConsumerTick { epoch, what } = timer else {
            return;
        };
        if *epoch != self.epoch || !self.is_running() {
            return;
        }
        match what {
            ConsumerTimer::Heartbeat => {
                self.tick(ctx, self.spec.heartbeat_interval_ms, ConsumerTimer::Heartbeat);
                let waiting = self.pending.values().any(|p| *p == Pending::Heartbeat);
                if let (Phase::Stable | Phase::Syncing, Some(c), Some(m), false) =
                    (self.phase, self.coordinator, self.member_id.clone(), waiting)
                {
                    let id = ctx.request(
                        c,
                        Request::Heartbeat {
                            group: self.spec.group.clone(),
                            generation: self.generation,
                            member_id: m,
                            instance: self.spec.group_instance_id.clone(),
                        },
                    );
                    self.pending.insert(id, Pending::Heartbeat);
                }
                self.check_metadata(ctx, cluster);
                self.ensure_positions(ctx);
                self.fetch(ctx, cluster);
            }
            ConsumerTimer::AutoCommit => {
                self.tick(ctx, self.spec.auto_commit_interval_ms, ConsumerTimer::AutoCommit);
                self.commit(ctx, Then::Nothing);
            }
            ConsumerTimer::Retry => {
                if self.phase == Phase::FindingCoordinator {
                    self.find_coordinator(ctx, cluster);
                } else {
                    self.ensure_positions(ctx);
                    self.fetch(ctx, cluster);
                }
            }
        }
    }

    /// One fetch in flight per leader broker, covering the assigned partitions it leads.
    fn fetch(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        // A consumer keeps fetching for its assignment while it looks for its coordinator again,
        // and a cooperative one while its group rebalances (it still owns those partitions).
        let rebalancing = matches!(self.phase, Phase::Joining | Phase::Syncing);
        if self.pending_revocation {
            return;
        }
        let stable = self.phase == Phase::Stable
            || self.resume == Some(Phase::Stable)
            || (rebalancing && self.spec.cooperative());
        if !stable {
            return;
        }
        // Only leaders without a fetch in flight get one (this runs on every poll, so the common
        // case, every leader busy, allocates nothing).
        let mut by_leader: BTreeMap<BrokerId, Vec<(Tp, u64)>> = BTreeMap::new();
        for tp in &self.assigned {
            if let (Some(pos), Some(leader)) = (self.positions.get(tp), cluster.leader(*tp)) {
                if !self.fetching_from.contains(&leader) {
                    by_leader.entry(leader).or_default().push((*tp, *pos));
                }
            }
        }
        for (broker, positions) in by_leader {
            self.fetching_from.insert(broker);
            let id = ctx.request(broker, Request::Fetch { positions });
            self.pending.insert(id, Pending::Fetch { broker });
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, msg: Msg) {
        if !self.is_running() {
            return;
        }
        let (id, body) = match msg {
            Msg::Response { id, body } => (id, Some(body)),
            Msg::Failed { id, .. } => (id, None),
            Msg::Request { .. } => return,
        };
        let Some(pending) = self.pending.remove(&id) else {
            return;
        };
        let Some(body) = body else {
            return self.on_disconnect(ctx, cluster, pending);
        };
        match (pending, body) {
            (Pending::FindCoordinator, Response::FindCoordinator(result)) => match result {
                Ok(broker) => {
                    if self.coordinator != Some(broker) {
                        ctx.trace(Told::CoordinatorFound {
                            consumer: self.spec.id.clone(),
                            group: self.spec.group.clone(),
                            broker: broker.0,
                            offsets_partition: Cluster::offsets_partition(&self.spec.group),
                        });
                    }
                    self.coordinator = Some(broker);
                    match self.resume.take() {
                        Some(Phase::Stable) => self.phase = Phase::Stable,
                        _ => self.join(ctx, cluster),
                    }
                }
                Err(_) => self.retry_later(ctx),
            },
            (Pending::Join, Response::JoinGroup(result)) => match result {
                Ok(r) => {
                    self.retries = 0;
                    self.generation = r.generation;
                    self.generation_reset = false;
                    self.protocol = Some(r.protocol);
                    self.member_id = Some(r.member_id.clone());
                    self.is_leader = r.leader_id == r.member_id;
                    if self.is_leader {
                        self.assigned_with = self.subscribed_counts(cluster);
                    }
                    // A static leader back in a stable group keeps the current assignment.
                    let computed = (self.is_leader && !r.skip_assignment).then(|| {
                        let input = GroupInput {
                            members: r.members.clone(),
                            topics: cluster.assignor_topics(),
                        };
                        assignor::assign(r.protocol, &input).map(|o| o.assignment)
                    });
                    // An assignor that throws (the sticky builders' IllegalStateException) fails
                    // the leader's poll(): the exception reaches the application.
                    if let Some(Err(e)) = &computed {
                        ctx.trace(Told::ConsumerFailed {
                            consumer: self.spec.id.clone(),
                            error: e.message.clone(),
                            exception: e.exception.into(),
                        });
                        return self.leave(ctx, cluster);
                    }
                    let assignment = computed.and_then(Result::ok).inspect(|a| {
                        ctx.trace(Told::AssignmentComputed {
                            consumer: self.spec.id.clone(),
                            group: self.spec.group.clone(),
                            assignor: r.protocol.name().into(),
                            generation: r.generation,
                            assignment: a
                                .iter()
                                .map(|(m, tps)| {
                                    (m.clone(), tps.iter().map(|(t, p)| alloc::format!("{t}-{p}")).collect())
                                })
                                .collect(),
                        });
                    });
                    let Some(coordinator) = self.coordinator else {
                        return;
                    };
                    self.phase = Phase::Syncing;
                    let id = ctx.request(
                        coordinator,
                        Request::SyncGroup {
                            group: self.spec.group.clone(),
                            generation: r.generation,
                            member_id: r.member_id,
                            instance: self.spec.group_instance_id.clone(),
                            assignment,
                        },
                    );
                    self.pending.insert(id, Pending::Sync);
                }
                Err((ErrorCode::MemberIdRequired, Some(member_id))) => {
                    self.member_id = Some(member_id);
                    self.join(ctx, cluster);
                }
                Err((code, _)) => self.on_group_error(ctx, cluster, code),
            },
            (Pending::Sync, Response::SyncGroup(result)) => match result {
                Ok(tps) => {
                    self.retries = 0;
                    self.phase = Phase::Stable;
                    // `onAssignment` reaches only the assignor the group selected.
                    if self.protocol == Some(AssignorName::Sticky) {
                        self.sticky_memory = Some((tps.clone(), self.generation));
                    }
                    // `onJoinComplete`: the cooperative protocol gives up only what the new
                    // assignment leaves out and rejoins at once; the eager one owns nothing here.
                    let revoked: Vec<Tp> = self.assigned.iter().copied().filter(|tp| !tps.contains(tp)).collect();
                    let added: Vec<Tp> = tps.iter().copied().filter(|tp| !self.assigned.contains(tp)).collect();
                    // The listener's commitSync in onPartitionsRevoked still sees the revoked
                    // partitions' positions; the rejoin waits for it.
                    let listener_committed =
                        !revoked.is_empty() && self.listener_commits() && self.commit(ctx, Then::Rejoin);
                    if !revoked.is_empty() {
                        ctx.trace(Told::CooperativeRevoke {
                            consumer: self.spec.id.clone(),
                            generation: self.generation,
                            partitions: revoked.iter().map(|tp| cluster.tp_name(*tp)).collect(),
                            kept: tps
                                .iter()
                                .filter(|tp| self.assigned.contains(tp))
                                .map(|tp| cluster.tp_name(*tp))
                                .collect(),
                        });
                        for tp in &revoked {
                            self.positions.remove(tp);
                        }
                    }
                    self.assigned = tps.clone();
                    self.caught_up.clear();
                    ctx.trace(Told::PartitionsAssigned {
                        consumer: self.spec.id.clone(),
                        generation: self.generation,
                        partitions: tps.iter().map(|tp| cluster.tp_name(*tp)).collect(),
                    });
                    if let (Some(c), false) = (self.coordinator, added.is_empty()) {
                        let id = ctx.request(
                            c,
                            Request::OffsetFetch {
                                group: self.spec.group.clone(),
                                tps: added,
                            },
                        );
                        self.pending.insert(id, Pending::OffsetFetch);
                    }
                    if !revoked.is_empty() {
                        // requestRejoin("need to revoke partitions and re-join"): onJoinPrepare
                        // auto-commits what it still owns first.
                        if !listener_committed {
                            self.commit_then_join(ctx, cluster);
                        }
                    }
                }
                Err(code) => self.on_group_error(ctx, cluster, code),
            },
            (Pending::Heartbeat, Response::Heartbeat(Ok(()))) => self.retries = 0,
            (Pending::Heartbeat, Response::Heartbeat(Err(code))) => self.on_group_error(ctx, cluster, code),
            (Pending::Commit { offsets, then }, Response::OffsetCommit(result)) => {
                match result {
                    Ok(()) => {
                        for (tp, off) in &offsets {
                            self.last_committed.insert(*tp, *off);
                        }
                        ctx.trace(Told::OffsetsCommitted {
                            consumer: self.spec.id.clone(),
                            group: self.spec.group.clone(),
                            offsets: offsets.iter().map(|(tp, o)| (cluster.tp_name(*tp), *o)).collect(),
                        });
                    }
                    Err(code) => {
                        ctx.trace(Told::CommitFailed {
                            consumer: self.spec.id.clone(),
                            error: code.name().into(),
                        });
                        // A commit refused for a rebalance, a stale generation, an unknown member
                        // or a moved coordinator makes the client rejoin or look up the
                        // coordinator (`ConsumerCoordinator` OffsetCommitResponseHandler).
                        if then == Then::Nothing {
                            return self.on_group_error(ctx, cluster, code);
                        }
                        if then == Then::Rejoin && code == ErrorCode::NotCoordinator {
                            self.phase = Phase::Joining;
                            return self.lose_coordinator(ctx);
                        }
                    }
                }
                match then {
                    Then::Nothing => {}
                    Then::Rejoin => self.join(ctx, cluster),
                    Then::Leave => self.leave(ctx, cluster),
                }
            }
            (Pending::OffsetFetch, Response::OffsetFetch(Ok(found))) => {
                for (tp, committed) in found {
                    if !self.assigned.contains(&tp) {
                        continue;
                    }
                    match committed {
                        Some(offset) => {
                            self.positions.insert(tp, offset);
                            self.last_committed.insert(tp, offset);
                            ctx.trace(Told::PositionRestored {
                                consumer: self.spec.id.clone(),
                                partition: cluster.tp_name(tp),
                                offset,
                            });
                        }
                        None => self.list_offsets(ctx, cluster, tp),
                    }
                }
                self.fetch(ctx, cluster);
            }
            (Pending::OffsetFetch, Response::OffsetFetch(Err(code))) => self.on_group_error(ctx, cluster, code),
            (Pending::ListOffsets { tp }, Response::ListOffsets(result)) => match result {
                Ok(offset) if self.assigned.contains(&tp) => {
                    self.retries = 0;
                    self.positions.insert(tp, offset);
                    ctx.trace(Told::PositionReset {
                        consumer: self.spec.id.clone(),
                        partition: cluster.tp_name(tp),
                        policy: self.spec.auto_offset_reset.name().into(),
                        offset,
                    });
                    self.fetch(ctx, cluster);
                }
                Ok(_) => {}
                Err(_) => self.list_offsets_later(ctx),
            },
            (Pending::Fetch { broker }, Response::Fetch { records, errors }) => {
                self.fetching_from.remove(&broker);
                let consumed_before = self.consumed_total;
                // An answer with errors (NOT_LEADER_OR_FOLLOWER…) is no sign of being caught up.
                let clean = errors.is_empty();
                for (tp, first, batch) in records {
                    if !self.assigned.contains(&tp) || self.pending_revocation {
                        continue;
                    }
                    let Some(&position) = self.positions.get(&tp) else {
                        continue;
                    };
                    // Keep what starts at the position (drop what was revoked or already seen).
                    let skip = position.saturating_sub(first) as usize;
                    if first > position || skip >= batch.len() {
                        continue;
                    }
                    let fresh = &batch[skip..];
                    for (i, record) in fresh.iter().enumerate() {
                        ctx.trace(Event::RecordConsumed {
                            consumer: self.index,
                            topic: tp.topic as u16,
                            partition: tp.partition,
                            offset: (position + i as u64) as u32,
                            record: *record,
                        });
                    }
                    // The view keeps the last CONSUMED_HISTORY records only.
                    let keep = fresh.len().min(CONSUMED_HISTORY);
                    let start = fresh.len() - keep;
                    while self.consumed.len() + keep > CONSUMED_HISTORY {
                        self.consumed.pop_front();
                    }
                    for (i, record) in fresh[start..].iter().enumerate() {
                        let offset = position + (start + i) as u64;
                        self.consumed.push_back(Consumed {
                            tp,
                            offset,
                            record: *record,
                        });
                    }
                    self.consumed_total += fresh.len() as u64;
                    self.positions.insert(tp, position + fresh.len() as u64);
                }
                if clean {
                    self.tell_fetch_wait(ctx, cluster, broker, self.consumed_total > consumed_before);
                }
                self.fetch(ctx, cluster);
            }
            _ => {}
        }
    }

    /// An empty answer means the broker held the fetch for `fetch.max.wait.ms` (500) and found
    /// nothing new: from now on each fetch to it is a long poll. Told once per stretch of empty
    /// answers, so a caught-up consumer does not fill the log every half second.
    fn tell_fetch_wait(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, broker: BrokerId, got_records: bool) {
        if got_records {
            self.caught_up.remove(&broker);
            return;
        }
        if !self.caught_up.insert(broker) {
            return;
        }
        let partitions: Vec<String> = self
            .assigned
            .iter()
            .filter(|tp| cluster.leader(**tp) == Some(broker))
            .map(|tp| cluster.tp_name(*tp))
            .collect();
        // A fetch sent before a rebalance can come back for partitions no longer owned.
        if partitions.is_empty() {
            return;
        }
        ctx.trace(Told::FetchWaiting {
            consumer: self.spec.id.clone(),
            broker: broker.0,
            partitions,
            max_wait_ms: super::broker::FETCH_MAX_WAIT_MS,
        });
    }

    fn list_offsets(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, tp: Tp) {
        let Some(leader) = cluster.leader(tp) else {
            return self.list_offsets_later(ctx);
        };
        let from = match self.spec.auto_offset_reset {
            OffsetReset::Earliest => ListFrom::Earliest,
            OffsetReset::Latest => ListFrom::Latest,
        };
        let id = ctx.request(leader, Request::ListOffsets { tp, from });
        self.pending.insert(id, Pending::ListOffsets { tp });
    }

    /// Without a leader the reset waits; the next OffsetFetch after a heartbeat tick retries it.
    /// Without a leader (or after a failed lookup) the reset waits `retry.backoff.ms` and is tried
    /// again by `ensure_positions`.
    fn list_offsets_later(&mut self, ctx: &mut Ctx<'_>) {
        self.retry_later(ctx);
    }

    /// Level-triggered like the real client's poll loop: any assigned partition without a position
    /// gets its committed offset looked up again (then reset if there is none), whatever failed
    /// before.
    fn ensure_positions(&mut self, ctx: &mut Ctx<'_>) {
        let stable = self.phase == Phase::Stable;
        if !stable || self.assigned.iter().all(|tp| self.positions.contains_key(tp)) {
            return;
        }
        let busy = self
            .pending
            .values()
            .any(|p| matches!(p, Pending::OffsetFetch | Pending::ListOffsets { .. }));
        let missing: Vec<Tp> = self
            .assigned
            .iter()
            .copied()
            .filter(|tp| !self.positions.contains_key(tp))
            .collect();
        if let (false, Some(c)) = (busy, self.coordinator) {
            let id = ctx.request(
                c,
                Request::OffsetFetch {
                    group: self.spec.group.clone(),
                    tps: missing,
                },
            );
            self.pending.insert(id, Pending::OffsetFetch);
        }
    }

    /// The leader compares the partition counts it assigned with against the metadata on every
    /// poll and rejoins when they differ (`ConsumerCoordinator#rejoinNeededOrPending`).
    fn check_metadata(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        let leading = self.is_leader && self.phase == Phase::Stable;
        if !leading || !self.metadata_changed(cluster) || self.rejoin_underway() {
            return;
        }
        ctx.trace(Told::RebalanceNoticed {
            consumer: self.spec.id.clone(),
            error: "metadata changed".into(),
        });
        self.commit_then_join(ctx, cluster);
    }

    /// `onJoinPrepare`: with auto commit, commit what was consumed (an eager member marking its
    /// partitions pending revocation first), then JoinGroup.
    fn commit_then_join(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster) {
        // A cooperative member revokes nothing here, so its listener is not called here either.
        let listener = self.listener_commits() && !self.spec.cooperative();
        let committing = (self.spec.enable_auto_commit || listener) && self.commit(ctx, Then::Rejoin);
        if committing {
            self.pending_revocation = !self.spec.cooperative();
        } else {
            self.join(ctx, cluster);
        }
    }

    /// The application's listener commits in `onPartitionsRevoked`. An eager member's revocation
    /// runs in `onJoinPrepare`, where the auto-commit also happens, so both commit there.
    fn listener_commits(&self) -> bool {
        self.spec.rebalance_listener == RebalanceListener::CommitOnRevoke
    }

    /// A JoinGroup in flight, or a commit that will be followed by one.
    fn rejoin_underway(&self) -> bool {
        self.pending
            .values()
            .any(|p| matches!(p, Pending::Join | Pending::Commit { then: Then::Rejoin, .. }))
    }

    /// Whether the subscribed topics' partition counts differ from those last assigned with
    /// (compared in place: this runs on every poll).
    fn metadata_changed(&self, cluster: &Cluster) -> bool {
        let mut seen = 0;
        for t in cluster.topics.iter().filter(|t| self.spec.topics.contains(&t.name)) {
            seen += 1;
            if self.assigned_with.get(&t.name) != Some(&(t.partitions.len() as u32)) {
                return true;
            }
        }
        seen != self.assigned_with.len()
    }

    fn subscribed_counts(&self, cluster: &Cluster) -> BTreeMap<String, u32> {
        cluster
            .topics
            .iter()
            .filter(|t| self.spec.topics.contains(&t.name))
            .map(|t| (t.name.clone(), t.partitions.len() as u32))
            .collect()
    }

    fn on_group_error(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, code: ErrorCode) {
        match code {
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => self.lose_coordinator(ctx),
            // Fatal for the classic consumer: poll() throws InconsistentGroupProtocolException, or
            // FencedInstanceIdException when a newer process took its group.instance.id.
            ErrorCode::InconsistentGroupProtocol | ErrorCode::FencedInstanceId => {
                let exception = if code == ErrorCode::FencedInstanceId {
                    "FencedInstanceIdException"
                } else {
                    "InconsistentGroupProtocolException"
                };
                ctx.trace(Told::ConsumerFailed {
                    consumer: self.spec.id.clone(),
                    error: code.name().into(),
                    exception: exception.into(),
                });
                // The error resets the member id, so closing gives what it held up as lost
                // (`onLeavePrepare` → `invokePartitionsLost`), not revoked.
                if !self.assigned.is_empty() {
                    ctx.trace(Told::PartitionsLost {
                        consumer: self.spec.id.clone(),
                        partitions: self.assigned.iter().map(|tp| cluster.tp_name(*tp)).collect(),
                    });
                }
                self.assigned.clear();
                self.positions.clear();
                self.stop(ctx, Phase::Stopped);
            }
            ErrorCode::RebalanceInProgress | ErrorCode::IllegalGeneration | ErrorCode::UnknownMemberId => {
                if code == ErrorCode::UnknownMemberId {
                    self.member_id = None;
                }
                if code != ErrorCode::RebalanceInProgress {
                    self.generation_reset = true;
                }
                // A heartbeat error while our JoinGroup is in flight changes nothing; an error on
                // the JoinGroup itself means we must send a new one.
                if self.rejoin_underway() {
                    return;
                }
                ctx.trace(Told::RebalanceNoticed {
                    consumer: self.spec.id.clone(),
                    error: code.name().into(),
                });
                // onJoinPrepare: with auto commit, commit what was consumed before giving partitions
                // up (a reset generation cannot commit: it rejoins at once).
                self.phase = Phase::Stable;
                if code == ErrorCode::RebalanceInProgress {
                    self.commit_then_join(ctx, cluster);
                } else {
                    self.join(ctx, cluster);
                }
            }
            _ => self.retry_later(ctx),
        }
    }

    fn on_disconnect(&mut self, ctx: &mut Ctx<'_>, cluster: &Cluster, pending: Pending) {
        match pending {
            Pending::Fetch { broker } => {
                self.fetching_from.remove(&broker);
                self.retry_later(ctx);
            }
            Pending::ListOffsets { .. } => self.list_offsets_later(ctx),
            Pending::Commit { then, .. } => {
                ctx.trace(Told::CommitFailed {
                    consumer: self.spec.id.clone(),
                    error: "DISCONNECTED".into(),
                });
                match then {
                    Then::Leave => self.leave(ctx, cluster),
                    // Look the coordinator up again, then rejoin as planned.
                    Then::Rejoin => {
                        self.phase = Phase::Joining;
                        self.lose_coordinator(ctx);
                    }
                    Then::Nothing => self.lose_coordinator(ctx),
                }
            }
            Pending::FindCoordinator => self.retry_later(ctx),
            Pending::Join | Pending::Sync => {
                self.resume = None;
                self.phase = Phase::FindingCoordinator;
                self.lose_coordinator(ctx);
            }
            Pending::Heartbeat | Pending::OffsetFetch => self.lose_coordinator(ctx),
        }
    }
}
