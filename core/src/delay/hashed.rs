//! The simple (single-level) timing wheel, as Netty's `io.netty.util.HashedWheelTimer` has it in
//! the released 4.2.x and 4.1.x lines (checked against 4.2.7.Final and 4.1.128.Final, whose worker
//! loops are the same) — the wheel most "timing wheel" answers describe: one ring of buckets, a
//! pointer that moves one bucket per tick, and a round count for tasks further away than one
//! revolution. The rules, each from that class:
//!
//! - Defaults `tickDuration` 100 ms and `ticksPerWheel` 512; `ticksPerWheel` must be positive
//!   (`checkPositive`) and is rounded up to a power of two (`createWheel`,
//!   `MathUtil.findNextPositivePowerOfTwo`), so 1 gives a one-bucket wheel and a bucket is
//!   `tick & mask`.
//! - The worker thread starts with the first `newTimeout`; `startTime` is when it starts. A
//!   timeout's `deadline` is measured from `startTime` (`now + delay - startTime`) and it waits in
//!   the `timeouts` queue until the next tick.
//! - Tick `k` is processed at `startTime + (k + 1) × tickDuration` (`waitForNextTick`): first the
//!   cancels made since the last tick are processed (`processCancelledTasks`: a cancelled timeout
//!   already in a bucket leaves it; one still in the `timeouts` queue is only counted out of
//!   `pendingTimeouts`), then up to 100 000 queued timeouts move to their buckets
//!   (`transferTimeoutsToBuckets`: a cancelled one is skipped; `calculated = deadline /
//!   tickDuration`, `remainingRounds = (calculated - tick) / wheel.length`, bucket
//!   `max(calculated, tick) & mask`), then the current bucket is walked (`expireTimeouts`): a
//!   timeout with no rounds left runs, the others lose one round. Netty's commit 0fadcf1972
//!   (PR #15760, November 2025, in 4.2.8-SNAPSHOT and no release yet) moves
//!   `processCancelledTasks` after `expireTimeouts`; this model keeps the released order.
//! - So a timeout runs at the end of the tick its deadline falls in, or, when that tick had
//!   already passed when it was transferred (the deadline was behind the worker), at the end of
//!   the tick that transferred it (`max(calculated, tick)`): never early, and at most one tick
//!   late counted from the later of its deadline and its `newTimeout`. The worker wakes every
//!   tick whether or not anything is due.
//!
//! The simulation wakes the worker only on ticks that have work (a queued timeout or cancel, or a
//! non-empty current bucket); the ticks it skips would change nothing, and the view counts them.
use alloc::collections::{BTreeSet, VecDeque};
use alloc::rc::Rc;
use alloc::vec::Vec;

use super::trace::Event;
use super::TaskId;

/// `HashedWheelTimer()`: `tickDuration` 100 ms, `ticksPerWheel` 512.
pub const NETTY_TICK_MS: u64 = 100;
pub const NETTY_TICKS_PER_WHEEL: u32 = 512;
/// `transferTimeoutsToBuckets` moves at most this many queued timeouts per tick.
pub const TRANSFER_PER_TICK: usize = 100_000;

#[derive(Debug, Clone)]
pub struct HashedWheel {
    pub wheel: u8,
    pub tick_ms: u64,
    /// `wheel.length`: the configured size rounded up to a power of two.
    pub wheel_len: u32,
    /// `startTime`: set when the first timeout starts the worker.
    pub start_ms: Option<u64>,
    /// The worker's `tick`: the next tick it processes.
    pub tick: u64,
    /// The `timeouts` queue: new timeouts waiting for the next tick.
    pub queued: VecDeque<TaskId>,
    /// `cancelledTimeouts`: cancels waiting for the next tick.
    cancels: Vec<TaskId>,
    /// Cancelled and not yet removed; a cancelled timeout never runs.
    pub cancelled: BTreeSet<TaskId>,
    /// Each bucket's timeouts with their `remainingRounds`, in insertion order.
    pub buckets: Vec<Rc<Vec<(TaskId, i64)>>>,
    nonempty: BTreeSet<u32>,
    /// Timeouts in buckets or queued (`pendingTimeouts`).
    pub pending: u64,
    /// Ticks the worker processed with work to do.
    pub busy_ticks: u64,
}

/// `MathUtil.findNextPositivePowerOfTwo`.
pub fn wheel_len(ticks_per_wheel: u32) -> u32 {
    ticks_per_wheel.max(1).next_power_of_two()
}

impl HashedWheel {
    pub fn new(wheel: u8, tick_ms: u64, ticks_per_wheel: u32) -> HashedWheel {
        let len = wheel_len(ticks_per_wheel);
        HashedWheel {
            wheel,
            tick_ms,
            wheel_len: len,
            start_ms: None,
            tick: 0,
            queued: VecDeque::new(),
            cancels: Vec::new(),
            cancelled: BTreeSet::new(),
            buckets: alloc::vec![Rc::new(Vec::new()); len as usize],
            nonempty: BTreeSet::new(),
            pending: 0,
            busy_ticks: 0,
        }
    }

    /// `newTimeout`: starts the worker on first use, queues the timeout.
    pub fn new_timeout(&mut self, task: TaskId, now_ms: u64, out: &mut Vec<Event>) {
        if self.start_ms.is_none() {
            self.start_ms = Some(now_ms);
            // The ticks the worker has passed by `now`: none yet.
            self.tick = 0;
            out.push(Event::WorkerStarted { wheel: self.wheel });
        }
        self.queued.push_back(task);
        self.pending += 1;
        out.push(Event::Queued { task });
    }

    /// `Timeout.cancel`: false when the timeout already ran or was cancelled.
    pub fn cancel(&mut self, task: TaskId, ran: bool) -> bool {
        if ran || !self.cancelled.insert(task) {
            return false;
        }
        self.cancels.push(task);
        true
    }

    /// The bucket holding a timeout that is waiting, or `None` when it is still in the
    /// `timeouts` queue. A waiting timeout in a bucket is always in `calculated & mask`: one whose
    /// deadline tick had passed went to the current tick's bucket and ran in that same tick.
    pub fn bucket_of(&self, task: TaskId, deadline_ms: i64) -> Option<u16> {
        let calculated = deadline_ms.max(0) / self.tick_ms as i64;
        let at = (calculated & i64::from(self.wheel_len - 1)) as usize;
        if self.buckets[at].iter().any(|&(t, _)| t == task) {
            return Some(at as u16);
        }
        // Not where it should be: look everywhere (never expected; kept so a miss is no leak).
        self.buckets
            .iter()
            .position(|b| b.iter().any(|&(t, _)| t == task))
            .map(|b| b as u16)
    }

    /// When tick `k` is processed.
    pub fn tick_end_ms(&self, k: u64) -> u64 {
        self.start_ms.unwrap_or(0) + (k + 1) * self.tick_ms
    }

    /// The first tick at or after `from` that has work, if any.
    pub fn next_busy_tick(&self, from: u64) -> Option<u64> {
        if !self.queued.is_empty() || !self.cancels.is_empty() {
            return Some(from);
        }
        let mask = u64::from(self.wheel_len - 1);
        let at = (from & mask) as u32;
        let index = self
            .nonempty
            .range(at..)
            .next()
            .or_else(|| self.nonempty.iter().next())?;
        let ahead = (u64::from(*index) + u64::from(self.wheel_len) - u64::from(at)) & mask;
        Some(from + ahead)
    }

    /// The worker's first tick not yet processed at `now_ms` (a tick ending exactly now is still
    /// ahead: the scenario's actions at an instant come before the worker).
    pub fn tick_at(&self, now_ms: u64) -> u64 {
        let Some(start) = self.start_ms else {
            return 0;
        };
        let elapsed = now_ms.saturating_sub(start);
        // Smallest k with start + (k+1)·tick ≥ now.
        let k = elapsed.div_ceil(self.tick_ms).saturating_sub(1);
        k.max(self.tick)
    }

    /// Processes tick `k` (the worker woke at `tick_end_ms(k)`). `deadline_of` gives a task's
    /// deadline measured from `startTime`.
    pub fn process_tick(&mut self, k: u64, deadline_of: &dyn Fn(TaskId) -> i64, out: &mut Vec<Event>) {
        self.tick = k;
        self.busy_ticks += 1;
        let len = i64::from(self.wheel_len);
        let mask = len - 1;
        let idx = (k as i64 & mask) as usize;
        out.push(Event::Tick {
            wheel: self.wheel,
            tick: k.min(u64::from(u32::MAX)) as u32,
            bucket: idx as u16,
        });
        // `processCancelledTasks` first (the released order; see the module comment): each cancel
        // takes its timeout out of its bucket, if it reached one, and out of `pendingTimeouts`.
        for task in core::mem::take(&mut self.cancels) {
            self.pending -= 1;
            if let Some(b) = self.bucket_of(task, deadline_of(task)) {
                let b = b as usize;
                if let Some(at) = self.buckets[b].iter().position(|&(t, _)| t == task) {
                    Rc::make_mut(&mut self.buckets[b]).remove(at);
                }
                if self.buckets[b].is_empty() {
                    self.nonempty.remove(&(b as u32));
                }
            }
        }
        for _ in 0..TRANSFER_PER_TICK {
            let Some(task) = self.queued.pop_front() else {
                break;
            };
            if self.cancelled.contains(&task) {
                continue;
            }
            let tick_duration = self.tick_ms as i64;
            let calculated = deadline_of(task) / tick_duration;
            let rounds = (calculated - k as i64) / len;
            let stop = (calculated.max(k as i64) & mask) as usize;
            Rc::make_mut(&mut self.buckets[stop]).push((task, rounds));
            self.nonempty.insert(stop as u32);
            out.push(Event::Transferred {
                task,
                bucket: stop as u16,
                rounds: rounds.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            });
        }
        // `expireTimeouts(deadline)`: the worker's clock reading is the tick's end.
        let now_deadline = ((k + 1) * self.tick_ms) as i64;
        if !self.buckets[idx].is_empty() {
            let cancelled = &self.cancelled;
            let bucket = Rc::make_mut(&mut self.buckets[idx]);
            let mut kept = Vec::with_capacity(bucket.len());
            for &(task, rounds) in bucket.iter() {
                if rounds <= 0 {
                    if cancelled.contains(&task) {
                        // `expire()` fails its state change; the timeout waits for removal. Only a
                        // cancel racing the walk gets here: the simulation's cancels all come
                        // before the tick and were processed above.
                        kept.push((task, rounds));
                    } else if deadline_of(task) <= now_deadline {
                        self.pending -= 1;
                        out.push(Event::Ran { task, reinsert: true });
                    } else {
                        // Netty throws IllegalStateException here; `transferTimeoutsToBuckets`
                        // never places a timeout so, and the property tests check it.
                        kept.push((task, rounds));
                    }
                } else if cancelled.contains(&task) {
                    kept.push((task, rounds));
                } else {
                    kept.push((task, rounds - 1));
                    out.push(Event::RoundPassed {
                        task,
                        rounds_left: (rounds - 1).min(i64::from(u32::MAX)) as u32,
                    });
                }
            }
            *bucket = kept;
            if bucket.is_empty() {
                self.nonempty.remove(&(idx as u32));
            }
        }
        self.tick = k + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `(delay_ms, added_at_ms)` timeouts, waking the worker on every busy tick; returns run times.
    fn run(tick: u64, size: u32, tasks: &[(i64, u64)]) -> Vec<u64> {
        let mut w = HashedWheel::new(0, tick, size);
        let mut ran = alloc::vec![u64::MAX; tasks.len()];
        let mut deadlines = alloc::vec![0i64; tasks.len()];
        let mut next = 0;
        let mut now = 0;
        loop {
            while next < tasks.len() && tasks[next].1 <= now {
                let mut out = Vec::new();
                w.new_timeout(next as TaskId, now, &mut out);
                deadlines[next] = (now - w.start_ms.unwrap()) as i64 + tasks[next].0;
                next += 1;
            }
            let due = w.next_busy_tick(w.tick_at(now)).map(|k| w.tick_end_ms(k));
            match (due, tasks.get(next).map(|t| t.1)) {
                (Some(d), Some(a)) if a < d => now = a,
                (Some(d), _) => {
                    now = d;
                    let k = w.tick_at(now);
                    let mut out = Vec::new();
                    w.process_tick(k, &|t| deadlines[t as usize], &mut out);
                    for e in out {
                        if let Event::Ran { task, .. } = e {
                            ran[task as usize] = now;
                        }
                    }
                }
                (None, Some(a)) => now = a,
                (None, None) => break,
            }
        }
        ran
    }

    #[test]
    fn the_size_is_rounded_up_to_a_power_of_two() {
        assert_eq!(wheel_len(512), 512);
        assert_eq!(wheel_len(500), 512);
        assert_eq!(wheel_len(8), 8);
        assert_eq!(wheel_len(9), 16);
    }

    /// A timeout runs at the end of the tick its deadline falls in: late, never early.
    #[test]
    fn a_timeout_runs_at_the_end_of_its_tick() {
        // Started at 0 by the first timeout; ticks end at 100, 200, ...
        let ran = run(100, 8, &[(1000, 0), (250, 0), (0, 0), (10, 130)]);
        assert_eq!(ran, alloc::vec![1100, 300, 100, 200]);
    }

    /// Beyond one revolution (8 × 100 ms) a timeout waits for its round count to reach zero.
    #[test]
    fn rounds_carry_a_timeout_past_one_revolution() {
        let ran = run(100, 8, &[(2450, 0), (50, 0)]);
        assert_eq!(ran, alloc::vec![2500, 100]);
    }

    #[test]
    fn a_cancelled_timeout_never_runs() {
        let mut w = HashedWheel::new(0, 100, 8);
        let mut out = Vec::new();
        w.new_timeout(0, 0, &mut out);
        w.process_tick(0, &|_| 300, &mut out);
        assert!(w.cancel(0, false));
        assert!(!w.cancel(0, false));
        let mut out = Vec::new();
        w.process_tick(1, &|_| 300, &mut out);
        assert_eq!(w.pending, 0);
        assert_eq!(w.next_busy_tick(2), None);
        assert!(!out.iter().any(|e| matches!(e, Event::Ran { .. })));
    }
}
