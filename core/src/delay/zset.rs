//! A delay queue in a Redis sorted set, the way the seed's Q17 builds one: a producer runs
//! `ZADD delay_queue <due_ms> <member>`, pollers loop on
//! `ZRANGEBYSCORE delay_queue -inf <now> LIMIT 0 <limit>` and claim each member with
//! `ZREM delay_queue <member>`: the poller whose ZREM answers 1 publishes it, the other sees 0.
//! Or a poller claims with one Lua script (`EVAL`: the same range, then ZREM of what it found,
//! run atomically because Redis runs a script as one command) and publishes what it got back.
//!
//! Redis rules modelled (redis.io command pages, `t_zset.c`): members of equal score are ordered
//! by their bytes (`memcmp`, what `zslInsert` compares with `sdscmp`); `ZADD` of an existing
//! member updates its score and answers 0; `ZREM` answers how many it removed; the server runs
//! commands one at a time in arrival order. Scores are the due time in whole milliseconds, so
//! Redis's doubles order them exactly. Commands and replies cross the scenario's network, so which
//! poller wins a race depends on seeded latencies, as it would on real links.
//!
//! The pollers' loop (a stated policy, not a Redis rule): after a batch they sleep
//! `interval_ms`, unless the batch was full, when they poll again at once. Publishing a claimed
//! member downstream takes `publish_ms` (0: at once).
//!
//! A poller may crash (a scenario fault) and restart. Whatever it had claimed and not yet
//! published is then gone: removed from the set, published by nobody. This is the weakness of
//! both ZREM-then-publish and the Lua script; the third claim, `lease`, is the usual fix (a
//! visibility timeout, the pattern of SQS and of Redis "reliable queue" recipes, not a Redis
//! command): the script re-scores what it returns to `now + lease_ms` instead of removing it, and
//! the poller ZREMs each member only after publishing it. A crash leaves the member in the set, due
//! again when the lease runs out, so another poller publishes it: at least once, never lost, and
//! a member whose publish outlasts its lease is published twice.
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// How a poller claims due members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Claim {
    /// ZRANGEBYSCORE, then one ZREM per member, each a round trip (the seed's loop).
    Zrem,
    /// One EVAL running ZRANGEBYSCORE + ZREM atomically.
    Lua,
    /// One EVAL running ZRANGEBYSCORE + ZADD `now + lease_ms` (a lease); ZREM after publishing.
    Lease,
}

/// A command or its reply on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    ZAdd {
        member: u32,
        score: i64,
    },
    /// `life` (here and below): the sender's life (it counts restarts), so the lab knows whether
    /// a claim Redis runs is for a poller that crashed since, and a reply can be dropped when it
    /// reaches a later life (a restarted process has new connections; an answer on the old one
    /// never reaches it). Bookkeeping of the model, not on Redis's wire.
    ZRangeByScore {
        max: i64,
        limit: u32,
        life: u32,
    },
    ZRem {
        member: u32,
        life: u32,
    },
    EvalClaim {
        max: i64,
        limit: u32,
        life: u32,
    },
    EvalLease {
        max: i64,
        limit: u32,
        lease_ms: u64,
        life: u32,
    },
    /// A lease holder's ZREM after publishing (its answer is not waited for).
    ZRemDone {
        member: u32,
    },
    /// Reply to ZRANGEBYSCORE / EVAL: members in score order.
    Members {
        members: Vec<u32>,
        claim: Claim,
        life: u32,
    },
    /// Reply to ZADD / ZREM: the integer Redis answers.
    Integer {
        member: u32,
        value: i64,
        life: u32,
    },
}

/// The sorted set on the Redis node.
#[derive(Debug, Clone, Default)]
pub struct SortedSet {
    /// (score, member bytes, member id): Redis's order.
    order: BTreeSet<(i64, Rc<str>, u32)>,
    score_of: BTreeMap<u32, i64>,
}

impl SortedSet {
    /// `ZADD`: 1 when new, 0 when an existing member's score was updated.
    pub fn zadd(&mut self, member: u32, name: &Rc<str>, score: i64) -> i64 {
        let new = match self.score_of.insert(member, score) {
            Some(old) => {
                self.order.remove(&(old, name.clone(), member));
                0
            }
            None => 1,
        };
        self.order.insert((score, name.clone(), member));
        new
    }
    /// `ZRANGEBYSCORE key -inf max LIMIT 0 limit`.
    pub fn range(&self, max: i64, limit: u32) -> Vec<u32> {
        self.order
            .iter()
            .take_while(|(s, _, _)| *s <= max)
            .take(limit as usize)
            .map(|(_, _, m)| *m)
            .collect()
    }
    /// `ZREM`: 1 when it removed the member.
    pub fn zrem(&mut self, member: u32, name: &Rc<str>) -> i64 {
        match self.score_of.remove(&member) {
            Some(score) => {
                self.order.remove(&(score, name.clone(), member));
                1
            }
            None => 0,
        }
    }
    pub fn len(&self) -> usize {
        self.order.len()
    }
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
    /// Members in Redis's order with their scores.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        self.order.iter().map(|(s, _, m)| (*s, *m))
    }
}

/// Where a poller is in its loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollerState {
    Sleeping,
    /// Waiting for the range (or the script's) reply.
    Ranging,
    /// Working through a batch: claiming `batch[next]` with ZREM (claim `zrem`), or publishing
    /// it; `full` if the range filled its LIMIT.
    Busy {
        batch: Vec<u32>,
        next: usize,
        full: bool,
        phase: Phase,
    },
    /// Crashed; a restart starts the loop again with nothing in hand.
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Claiming,
    Publishing,
}

#[derive(Debug, Clone)]
pub struct Poller {
    pub name: String,
    pub interval_ms: u64,
    pub limit: u32,
    pub claim: Claim,
    /// Time a publish downstream takes.
    pub publish_ms: u64,
    /// Claim `lease`: how long a claimed member stays invisible.
    pub lease_ms: u64,
    pub state: PollerState,
    /// Restarts so far.
    pub life: u32,
    pub crashes: u64,
    pub polls: u64,
    pub empty_polls: u64,
    pub won: u64,
    pub lost: u64,
    pub published: u64,
}

/// What happened to one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberFate {
    pub added_at_ms: u64,
    pub due_ms: i64,
    /// When ZADD reached Redis.
    pub stored_at_ms: Option<u64>,
    /// The poller that removed it, when, and its score then (its due time as published).
    pub claimed_by: Option<u8>,
    pub claimed_at_ms: Option<u64>,
    pub claimed_score: Option<i64>,
    /// Publishes (more than one would be a duplicate).
    pub published: u32,
    pub first_published_ms: Option<u64>,
    /// Polls that saw it but lost the ZREM race.
    pub lost_races: u32,
    /// Publishes before the due time of the claim.
    pub early: u32,
    /// Removed from the set for a poller that crashed before publishing it: nobody ever will.
    pub lost: bool,
    /// Removed from the set for (poller, life) and not yet published by it.
    pub in_hand: Option<(u8, u32)>,
    /// Claim `lease`: the lease's end (its score while leased).
    pub leased_until_ms: Option<i64>,
}

impl Poller {
    pub fn new(name: String, interval_ms: u64, limit: u32, claim: Claim) -> Poller {
        Poller {
            name,
            interval_ms,
            limit,
            claim,
            publish_ms: 0,
            lease_ms: 0,
            state: PollerState::Sleeping,
            life: 0,
            crashes: 0,
            polls: 0,
            empty_polls: 0,
            won: 0,
            lost: 0,
            published: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Rc<str> {
        Rc::from(s)
    }

    #[test]
    fn equal_scores_are_ordered_by_member_bytes() {
        let mut z = SortedSet::default();
        z.zadd(0, &name("b"), 10);
        z.zadd(1, &name("a"), 10);
        z.zadd(2, &name("B"), 10);
        z.zadd(3, &name("c"), 5);
        // 'B' (0x42) sorts before 'a' (0x61).
        assert_eq!(z.range(10, 10), alloc::vec![3, 2, 1, 0]);
        assert_eq!(z.range(9, 10), alloc::vec![3]);
        assert_eq!(z.range(10, 2), alloc::vec![3, 2]);
    }

    #[test]
    fn zadd_updates_and_zrem_answers_how_many_it_removed() {
        let mut z = SortedSet::default();
        assert_eq!(z.zadd(0, &name("m"), 10), 1);
        assert_eq!(z.zadd(0, &name("m"), 3), 0);
        assert_eq!(z.range(5, 10), alloc::vec![0]);
        assert_eq!(z.zrem(0, &name("m")), 1);
        assert_eq!(z.zrem(0, &name("m")), 0);
        assert!(z.is_empty());
    }
}

/// The whole lab: the Redis node's set, the members, the pollers and what happened to each
/// member. Handlers return what to send (`Out`) and what to tell; `system.rs` does the I/O.
#[derive(Debug, Clone, Default)]
pub struct RedisLab {
    pub key: String,
    pub set: SortedSet,
    pub members: Vec<Rc<str>>,
    by_name: BTreeMap<Rc<str>, u32>,
    pub fates: Vec<MemberFate>,
    pub pollers: Vec<Poller>,
}

/// Who a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Redis,
    Producer,
    Poller(u8),
}

/// A handler's effects, in order.
#[derive(Debug, Default)]
pub struct Out {
    pub send: Vec<(Peer, Peer, Wire)>,
    pub events: Vec<(Peer, super::trace::Event)>,
    /// Pollers to wake at `now + ms`.
    pub wake: Vec<(u8, u64)>,
    /// Pollers whose publish in hand ends at `now + ms`.
    pub publish_at: Vec<(u8, u64)>,
}

impl RedisLab {
    pub fn new(key: String, pollers: Vec<Poller>) -> RedisLab {
        RedisLab {
            key,
            pollers,
            ..RedisLab::default()
        }
    }

    pub fn member(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.by_name.get(name) {
            return id;
        }
        let name: Rc<str> = Rc::from(name);
        let id = self.members.len() as u32;
        self.members.push(name.clone());
        self.by_name.insert(name, id);
        self.fates.push(MemberFate::default());
        id
    }
    pub fn name(&self, member: u32) -> &str {
        self.members.get(member as usize).map_or("?", |m| m)
    }

    /// The producer's `ZADD key now+delay member`.
    pub fn zadd(&mut self, now: u64, name: &str, delay_ms: i64, out: &mut Out) {
        use super::trace::Event as E;
        let member = self.member(name);
        let score = now as i64 + delay_ms;
        self.fates[member as usize].added_at_ms = now;
        out.send
            .push((Peer::Producer, Peer::Redis, Wire::ZAdd { member, score }));
        out.events.push((Peer::Producer, E::ZAddSent { member, score }));
    }

    /// A poller wakes: it asks for what is due.
    pub fn poll(&mut self, p: u8, now: u64, out: &mut Out) {
        use super::trace::Event as E;
        let poller = &mut self.pollers[p as usize];
        if poller.state != PollerState::Sleeping {
            return;
        }
        poller.state = PollerState::Ranging;
        poller.polls += 1;
        let max = now as i64;
        let limit = poller.limit;
        let wire = match poller.claim {
            Claim::Zrem => Wire::ZRangeByScore {
                max,
                limit,
                life: poller.life,
            },
            Claim::Lua => Wire::EvalClaim {
                max,
                limit,
                life: poller.life,
            },
            Claim::Lease => Wire::EvalLease {
                max,
                limit,
                lease_ms: poller.lease_ms,
                life: poller.life,
            },
        };
        out.send.push((Peer::Poller(p), Peer::Redis, wire));
        out.events.push((Peer::Poller(p), E::Poll { poller: p, max_ms: max }));
    }

    /// Records that Redis removed `member` for poller `p`; a claim for an earlier life of the
    /// poller (it crashed after sending) reaches nobody, and the member is lost.
    fn claimed(&mut self, p: u8, life: u32, member: u32, now: u64) -> bool {
        let fate = &mut self.fates[member as usize];
        fate.claimed_by = Some(p);
        fate.claimed_at_ms = Some(now);
        fate.claimed_score = Some(fate.due_ms);
        fate.in_hand = Some((p, life));
        let orphaned = self.pollers[p as usize].life != life || self.pollers[p as usize].state == PollerState::Down;
        if orphaned {
            fate.lost = true;
        }
        orphaned
    }

    /// Redis runs one command (they arrive one at a time, in order).
    pub fn redis(&mut self, now: u64, from: Peer, wire: Wire, out: &mut Out) {
        use super::trace::Event as E;
        match wire {
            Wire::ZAdd { member, score } => {
                let name = self.members[member as usize].clone();
                let value = self.set.zadd(member, &name, score);
                let fate = &mut self.fates[member as usize];
                fate.stored_at_ms.get_or_insert(now);
                fate.due_ms = score;
                out.events.push((
                    Peer::Redis,
                    E::ZAddDone {
                        member,
                        new: value == 1,
                        score,
                    },
                ));
                out.send
                    .push((Peer::Redis, from, Wire::Integer { member, value, life: 0 }));
            }
            Wire::ZRangeByScore { max, limit, life }
            | Wire::EvalClaim { max, limit, life }
            | Wire::EvalLease { max, limit, life, .. } => {
                let Peer::Poller(p) = from else {
                    return;
                };
                let members = self.set.range(max, limit);
                let claim = match wire {
                    Wire::EvalClaim { .. } => Claim::Lua,
                    Wire::EvalLease { .. } => Claim::Lease,
                    _ => Claim::Zrem,
                };
                let mut leased_until_ms = None;
                let mut orphaned = Vec::new();
                match wire {
                    Wire::EvalClaim { .. } => {
                        for &m in &members {
                            let name = self.members[m as usize].clone();
                            self.set.zrem(m, &name);
                            if self.claimed(p, life, m, now) {
                                orphaned.push(m);
                            }
                        }
                    }
                    Wire::EvalLease { lease_ms, .. } => {
                        // ZADD of an existing member only moves its score (`zsetAdd`). The lease
                        // ends at the poller's `max + lease_ms`, passed as ARGV[3].
                        let until = max + lease_ms as i64;
                        leased_until_ms = Some(until);
                        for &m in &members {
                            let name = self.members[m as usize].clone();
                            let fate = &mut self.fates[m as usize];
                            // The due time it is published against is the score it had.
                            fate.claimed_score = Some(fate.due_ms);
                            fate.claimed_by = Some(p);
                            fate.claimed_at_ms = Some(now);
                            fate.leased_until_ms = Some(until);
                            self.set.zadd(m, &name, until);
                        }
                    }
                    _ => {}
                }
                out.events.push((
                    Peer::Redis,
                    E::RangeDone {
                        poller: p,
                        max_ms: max,
                        claimed: claim == Claim::Lua,
                        leased_until_ms,
                        members: members.clone().into_boxed_slice(),
                    },
                ));
                if !orphaned.is_empty() {
                    out.events.push((
                        Peer::Redis,
                        E::Orphaned {
                            poller: p,
                            members: orphaned.into_boxed_slice(),
                        },
                    ));
                }
                out.send
                    .push((Peer::Redis, from, Wire::Members { members, claim, life }));
            }
            Wire::ZRem { member, life } => {
                let Peer::Poller(p) = from else {
                    return;
                };
                let name = self.members[member as usize].clone();
                let value = self.set.zrem(member, &name);
                let score = self.fates[member as usize].due_ms;
                let orphaned = value == 1 && self.claimed(p, life, member, now);
                // ZREM takes a member by name whatever its score: one re-scheduled (ZADD with a
                // later score) since this poller's range is removed all the same, and will be
                // published early. The Lua script cannot race so.
                out.events.push((
                    Peer::Redis,
                    E::ZRemDone {
                        poller: p,
                        member,
                        removed: value == 1,
                        score_ms: score,
                        now_ms: now,
                    },
                ));
                if orphaned {
                    out.events.push((
                        Peer::Redis,
                        E::Orphaned {
                            poller: p,
                            members: alloc::vec![member].into_boxed_slice(),
                        },
                    ));
                }
                out.send
                    .push((Peer::Redis, from, Wire::Integer { member, value, life }));
            }
            Wire::ZRemDone { member } => {
                let Peer::Poller(p) = from else {
                    return;
                };
                let name = self.members[member as usize].clone();
                let removed = self.set.zrem(member, &name) == 1;
                if removed {
                    self.fates[member as usize].leased_until_ms = None;
                }
                out.events.push((
                    Peer::Redis,
                    E::LeaseDone {
                        poller: p,
                        member,
                        removed,
                    },
                ));
            }
            Wire::Members { .. } | Wire::Integer { .. } => {}
        }
    }

    /// A poller (or the producer) gets Redis's reply.
    pub fn reply(&mut self, now: u64, to: Peer, wire: Wire, out: &mut Out) {
        let Peer::Poller(p) = to else {
            return; // the producer needs nothing from ZADD's answer
        };
        match wire {
            Wire::Members { members, claim, life } => {
                let poller = &mut self.pollers[p as usize];
                if poller.state != PollerState::Ranging || life != poller.life {
                    return;
                }
                let full = members.len() as u32 >= poller.limit;
                if members.is_empty() {
                    poller.empty_polls += 1;
                    self.sleep(p, false, out);
                    return;
                }
                let phase = match claim {
                    Claim::Zrem => Phase::Claiming,
                    Claim::Lua | Claim::Lease => Phase::Publishing,
                };
                poller.state = PollerState::Busy {
                    batch: members,
                    next: 0,
                    full,
                    phase,
                };
                self.begin(p, now, out);
            }
            Wire::Integer { member, value, life } => {
                if life != self.pollers[p as usize].life {
                    return;
                }
                let PollerState::Busy {
                    phase: Phase::Claiming, ..
                } = self.pollers[p as usize].state
                else {
                    return;
                };
                if value == 1 {
                    self.pollers[p as usize].won += 1;
                    self.set_phase(p, Phase::Publishing);
                    self.begin(p, now, out);
                } else {
                    self.pollers[p as usize].lost += 1;
                    self.fates[member as usize].lost_races += 1;
                    out.events
                        .push((Peer::Poller(p), super::trace::Event::LostRace { poller: p, member }));
                    self.advance(p, now, out);
                }
            }
            _ => {}
        }
    }

    fn set_phase(&mut self, p: u8, to: Phase) {
        if let PollerState::Busy { phase, .. } = &mut self.pollers[p as usize].state {
            *phase = to;
        }
    }

    /// Starts on `batch[next]`: a ZREM to claim it, or its publish (done at once when
    /// `publish_ms` is 0, else when `publish_done` is called).
    fn begin(&mut self, p: u8, now: u64, out: &mut Out) {
        let poller = &self.pollers[p as usize];
        let PollerState::Busy {
            ref batch, next, phase, ..
        } = poller.state
        else {
            return;
        };
        let member = batch[next];
        match phase {
            Phase::Claiming => {
                let life = poller.life;
                out.send
                    .push((Peer::Poller(p), Peer::Redis, Wire::ZRem { member, life }));
            }
            Phase::Publishing if poller.publish_ms > 0 => out.publish_at.push((p, poller.publish_ms)),
            Phase::Publishing => self.publish_done(p, now, out),
        }
    }

    /// The publish of `batch[next]` finished (the poller's publish timer, or at once).
    pub fn publish_done(&mut self, p: u8, now: u64, out: &mut Out) {
        let PollerState::Busy {
            ref batch,
            next,
            phase: Phase::Publishing,
            ..
        } = self.pollers[p as usize].state
        else {
            return;
        };
        let member = batch[next];
        self.publish(p, member, now, out);
        if self.pollers[p as usize].claim == Claim::Lease {
            out.send.push((Peer::Poller(p), Peer::Redis, Wire::ZRemDone { member }));
        }
        self.advance(p, now, out);
    }

    /// On to the next member of the batch, or to sleep after the last.
    fn advance(&mut self, p: u8, now: u64, out: &mut Out) {
        let poller = &mut self.pollers[p as usize];
        let zrem = poller.claim == Claim::Zrem;
        let PollerState::Busy {
            ref batch,
            ref mut next,
            full,
            ref mut phase,
        } = poller.state
        else {
            return;
        };
        if *next + 1 >= batch.len() {
            self.sleep(p, full, out);
            return;
        }
        *next += 1;
        if zrem {
            *phase = Phase::Claiming;
        }
        self.begin(p, now, out);
    }

    /// The poller's process died. What it had removed from the set and not yet published is lost
    /// (with claim `lease` it is still in the set, leased). Its in-flight ZREM, if any, Redis
    /// still runs; `claimed` then marks that member lost.
    pub fn crash(&mut self, p: u8, out: &mut Out) {
        let poller = &mut self.pollers[p as usize];
        let state = core::mem::replace(&mut poller.state, PollerState::Down);
        poller.crashes += 1;
        let mut lost = Vec::new();
        let mut leased = Vec::new();
        if let PollerState::Busy { batch, next, .. } = state {
            if poller.claim == Claim::Lease {
                leased.extend_from_slice(&batch[next..]);
            } else {
                // What Redis has removed for this life and it has not published: the Lua batch's
                // rest, or the member whose ZREM Redis ran (its answer may still be on the way).
                // A ZREM still in flight is decided when Redis runs it (`claimed`).
                for &m in &batch[next..] {
                    let fate = &mut self.fates[m as usize];
                    if fate.in_hand == Some((p, poller.life)) {
                        fate.lost = true;
                        lost.push(m);
                    }
                }
            }
        }
        out.events.push((
            Peer::Poller(p),
            super::trace::Event::PollerCrashed {
                poller: p,
                lost: lost.into_boxed_slice(),
                leased: leased.into_boxed_slice(),
            },
        ));
    }

    /// The poller starts again with a new life and polls at once.
    pub fn restart(&mut self, p: u8, now: u64, out: &mut Out) {
        let poller = &mut self.pollers[p as usize];
        if poller.state != PollerState::Down {
            return;
        }
        poller.life += 1;
        poller.state = PollerState::Sleeping;
        out.events
            .push((Peer::Poller(p), super::trace::Event::PollerRestarted { poller: p }));
        self.poll(p, now, out);
    }

    fn publish(&mut self, p: u8, member: u32, now: u64, out: &mut Out) {
        self.pollers[p as usize].published += 1;
        let fate = &mut self.fates[member as usize];
        fate.published += 1;
        fate.lost = false;
        fate.in_hand = None;
        fate.first_published_ms.get_or_insert(now);
        let due_ms = fate.claimed_score.unwrap_or(fate.due_ms);
        if (now as i64) < due_ms {
            fate.early += 1;
        }
        out.events.push((
            Peer::Poller(p),
            super::trace::Event::Published {
                poller: p,
                member,
                due_ms,
            },
        ));
    }

    fn sleep(&mut self, p: u8, full: bool, out: &mut Out) {
        let poller = &mut self.pollers[p as usize];
        poller.state = PollerState::Sleeping;
        out.wake.push((p, if full { 0 } else { poller.interval_ms }));
    }
}
