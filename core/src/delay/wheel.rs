//! Kafka's hierarchical timing wheel, as `org.apache.kafka.server.util.timer` has it (Kafka 4.x,
//! `server-common`; the Scala `kafka.utils.timer` before 3.7): `SystemTimer` owns a `TimingWheel`
//! and a `DelayQueue<TimerTaskList>`, and a reaper thread calls `SystemTimer.advanceClock` in a
//! loop. For the purgatory that thread is `DelayedOperationPurgatory`'s `ExpiredOperationReaper`
//! (`ExpirationReaper-<broker>-<purgatory>`, `advanceClock(200L)`: in Scala's
//! `kafka/server/DelayedOperation.scala` up to 3.9, in Java's `org.apache.kafka.server.purgatory`
//! since KAFKA-17890 moved it to `server-common` for 4.0); `SystemTimerReaper` is the same loop
//! wrapped around a timer for the group and share coordinators and client metrics. The rules, each
//! from those classes:
//!
//! - A wheel has `wheelSize` buckets of `tickMs` each, so it spans `interval = tickMs × wheelSize`.
//!   Its clock starts at `startMs` rounded down to a tick (`TimingWheel` constructor).
//! - `TimingWheel.add`: a task whose expiration is before `currentTimeMs + tickMs` is already
//!   expired (the caller runs it at once); one before `currentTimeMs + interval` goes to bucket
//!   `(expiration / tickMs) % wheelSize`, whose expiration becomes `(expiration / tickMs) × tickMs`;
//!   a bucket whose expiration changed is offered to the delay queue (`setExpiration` returned
//!   true). Anything later goes to the overflow wheel, created on demand with `tickMs = interval`
//!   and the creating wheel's current time as its start (`addOverflowWheel`).
//! - `SystemTimer.advanceClock`: the reaper takes the bucket with the earliest expiration once it
//!   is due, moves every wheel's clock toward that expiration (`TimingWheel.advanceClock`, which
//!   moves a level only by whole ticks, so a coarse level may stay behind), and flushes the
//!   bucket: each task is taken out and added again from the lowest wheel, so it falls to a finer
//!   bucket or runs. Then, still holding the write lock, it takes every other due bucket.
//! - The delay queue is `java.util.concurrent.DelayQueue`, a `java.util.PriorityQueue` (a binary
//!   heap in an array) ordered by `TimerTaskList.compareTo`, which compares expirations only. So
//!   buckets of equal expiration come out in whatever order the heap's sift-up and sift-down
//!   leave them, not in offer order; `DelayQueue` models that heap move for move.
//! - `TimerTask.cancel` removes the task from its bucket; the bucket stays in the delay queue and
//!   is still polled when it expires (it is simply empty then).
//!
//! A consequence worth teaching: a task runs when its *bucket* expires, i.e. at its expiration
//! rounded down to the lowest wheel's tick, up to one tick early (`tickMs` is 1 ms in the broker,
//! `SystemTimer(executorName)`, so there it is sub-millisecond).
//!
//! Buckets are `Rc`-shared so a checkpoint clones a wheel holding 10⁶ tasks for the price of its
//! bucket count; a bucket is copied only when written after a checkpoint.
use alloc::rc::Rc;
use alloc::vec::Vec;

use super::trace::Event;
use super::TaskId;

/// `SystemTimer(executorName)`'s wheel: `tickMs` 1, `wheelSize` 20 (what every purgatory uses).
pub const KAFKA_TICK_MS: u64 = 1;
pub const KAFKA_WHEEL_SIZE: u32 = 20;

#[derive(Debug, Clone)]
pub struct Level {
    pub tick_ms: u64,
    pub interval_ms: u64,
    pub current_ms: u64,
    pub buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, Default)]
pub struct Bucket {
    /// `TimerTaskList.expiration`: -1 when the bucket is not in the delay queue.
    pub expiration_ms: i64,
    /// Tasks in insertion order (`TimerTaskList` appends at the tail; `flush` walks from the head).
    pub tasks: Rc<Vec<TaskId>>,
}

#[derive(Debug, Clone)]
pub struct HierarchicalWheel {
    pub wheel: u8,
    pub wheel_size: u32,
    /// Level 0 is the wheel `SystemTimer` made; higher levels are overflow wheels.
    pub levels: Vec<Level>,
    /// The `DelayQueue<TimerTaskList>`.
    pub queue: DelayQueue,
    /// Tasks in buckets (`SystemTimer.size()`, the `taskCounter`).
    pub size: u64,
    /// A flush in progress: the flushed bucket's tasks and how many were re-added (the rest are
    /// still in the bucket as far as `size` goes). A big bucket is flushed over several steps at
    /// the same instant.
    pub flushing: Option<(Rc<Vec<TaskId>>, usize)>,
    /// The reaper is inside one `advanceClock` call, over one step or several: it holds the
    /// timer's write lock until the delay queue has no due bucket left, so adds wait.
    pub reaping: bool,
}

/// A bucket in the delay queue: its expiration when offered (the heap's key), level and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub expiration_ms: u64,
    pub level: u8,
    pub bucket: u16,
}

/// `java.util.concurrent.DelayQueue` over its `java.util.PriorityQueue`: a binary heap in an
/// array, where each parent's key is no greater than its children's. Only the expiration is
/// compared (`TimerTaskList.compareTo` is a `Long.compare` of expirations; `DelayQueue` itself
/// would compare `getDelay`, which orders the same), so ties fall where `siftUpComparable` and
/// `siftDownComparable` put them. A bucket is in the queue at most once and its expiration does
/// not change while it is there (`setExpiration` offers it only when the value changed, and a
/// bucket is reused only after its flush), so the key stored here stays the bucket's.
#[derive(Debug, Clone, Default)]
pub struct DelayQueue {
    heap: Vec<Queued>,
}

impl DelayQueue {
    /// `PriorityQueue.offer`: the new element starts in the first free slot and climbs while it
    /// is strictly less than its parent; an equal parent stops it.
    pub fn offer(&mut self, e: Queued) {
        let mut k = self.heap.len();
        self.heap.push(e);
        while k > 0 {
            let parent = (k - 1) / 2;
            if e.expiration_ms >= self.heap[parent].expiration_ms {
                break;
            }
            self.heap[k] = self.heap[parent];
            k = parent;
        }
        self.heap[k] = e;
    }

    pub fn peek(&self) -> Option<Queued> {
        self.heap.first().copied()
    }

    /// `DelayQueue.poll()`: the head if its delay has run out (expiration at or before `now_ms`),
    /// else nothing.
    pub fn poll_due(&mut self, now_ms: u64) -> Option<Queued> {
        if self.peek()?.expiration_ms > now_ms {
            return None;
        }
        self.poll()
    }

    /// `PriorityQueue.poll`: the root leaves; the last element is taken out and sinks from the
    /// root, each time toward the smaller child (the left one when both are equal), and stops at
    /// the first child it is no greater than.
    fn poll(&mut self) -> Option<Queued> {
        let last = self.heap.pop()?;
        if self.heap.is_empty() {
            return Some(last);
        }
        let head = self.heap[0];
        let n = self.heap.len();
        let mut k = 0;
        while k < n / 2 {
            let mut child = 2 * k + 1;
            let right = child + 1;
            if right < n && self.heap[child].expiration_ms > self.heap[right].expiration_ms {
                child = right;
            }
            if last.expiration_ms <= self.heap[child].expiration_ms {
                break;
            }
            self.heap[k] = self.heap[child];
            k = child;
        }
        self.heap[k] = last;
        Some(head)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The first `n` expirations in the order polls would take them (on a copy of the heap).
    pub fn poll_order(&self, n: usize) -> Vec<u64> {
        let mut copy = self.clone();
        core::iter::from_fn(|| copy.poll().map(|e| e.expiration_ms))
            .take(n)
            .collect()
    }
}

/// Tasks one step of a flush re-adds (the one-step bound of ARCHITECTURE.md).
pub const FLUSH_SLICE: usize = 1024;

impl HierarchicalWheel {
    pub fn new(wheel: u8, tick_ms: u64, wheel_size: u32, start_ms: u64) -> HierarchicalWheel {
        HierarchicalWheel {
            wheel,
            wheel_size,
            levels: alloc::vec![Level::new(tick_ms, wheel_size, start_ms)],
            queue: DelayQueue::default(),
            size: 0,
            flushing: None,
            reaping: false,
        }
    }

    /// `SystemTimer.addTimerTaskEntry`: places the task or, when it is already expired, runs it
    /// (`taskExecutor.submit`), told as `Event::Ran`.
    pub fn add(&mut self, task: TaskId, expiration_ms: i64, reinsert: bool, out: &mut Vec<Event>) {
        if !self.place(task, expiration_ms, reinsert, out) {
            out.push(Event::Ran { task, reinsert });
        }
    }

    /// `TimingWheel.add`, walking up the levels; false when the task is already expired.
    fn place(&mut self, task: TaskId, expiration_ms: i64, reinsert: bool, out: &mut Vec<Event>) -> bool {
        let mut level = 0;
        loop {
            let lv = &self.levels[level];
            let (current, tick, interval) = (lv.current_ms as i64, lv.tick_ms as i64, lv.interval_ms as i64);
            if expiration_ms < current + tick {
                return false;
            }
            if expiration_ms < current + interval {
                let virtual_id = expiration_ms / tick;
                let index = (virtual_id % i64::from(self.wheel_size)) as usize;
                let bucket_expiration = virtual_id * tick;
                let bucket = &mut self.levels[level].buckets[index];
                Rc::make_mut(&mut bucket.tasks).push(task);
                self.size += 1;
                let offered = bucket.expiration_ms != bucket_expiration;
                if offered {
                    bucket.expiration_ms = bucket_expiration;
                    self.queue.offer(Queued {
                        expiration_ms: bucket_expiration as u64,
                        level: level as u8,
                        bucket: index as u16,
                    });
                }
                out.push(Event::Placed {
                    task,
                    level: level as u8,
                    bucket: index as u16,
                    offered,
                    reinsert,
                });
                return true;
            }
            if level + 1 == self.levels.len() {
                let overflow = Level::new(lv.interval_ms, self.wheel_size, lv.current_ms);
                out.push(Event::OverflowCreated {
                    wheel: self.wheel,
                    level: (level + 1) as u8,
                    current_ms: overflow.current_ms,
                });
                self.levels.push(overflow);
            }
            level += 1;
        }
    }

    /// The expiration at the head of the delay queue: when the reaper next wakes.
    pub fn next_expiration(&self) -> Option<u64> {
        self.queue.peek().map(|e| e.expiration_ms)
    }

    /// The reaper's `advanceClock`: takes every bucket due at `now_ms` as the delay queue gives
    /// them, advancing the clocks and re-adding each bucket's tasks. `expiration_of` gives a
    /// task's expiration. Returns the buckets taken. It re-adds at most `FLUSH_SLICE` tasks a
    /// call; when that budget runs out with a flush unfinished or another bucket due, `reaping`
    /// stays set and the next call goes on at the same instant, as the same `advanceClock`.
    pub fn reap(&mut self, now_ms: u64, expiration_of: &dyn Fn(TaskId) -> i64, out: &mut Vec<Event>) -> u32 {
        let mut taken = 0;
        let mut budget = FLUSH_SLICE;
        loop {
            if let Some((tasks, next)) = self.flushing.take() {
                let end = (next + budget).min(tasks.len());
                for &task in &tasks[next..end] {
                    // `TimerTaskList.flush` removes the head (the counter drops by one) and hands
                    // it to `addTimerTaskEntry`, which counts it again if it lands in a bucket.
                    self.size -= 1;
                    self.add(task, expiration_of(task), true, out);
                }
                budget -= end - next;
                if end < tasks.len() {
                    self.flushing = Some((tasks, end));
                    self.reaping = true;
                    return taken;
                }
            }
            // `delayQueue.poll()`: the next bucket only if it is already due.
            if self.queue.peek().is_none_or(|e| e.expiration_ms > now_ms) {
                self.reaping = false;
                return taken;
            }
            if budget == 0 {
                // The next bucket is due but this step's work is spent: the loop (and the lock)
                // goes on in the next step.
                self.reaping = true;
                return taken;
            }
            let Some(Queued {
                expiration_ms: expiration,
                level,
                bucket: index,
            }) = self.queue.poll_due(now_ms)
            else {
                self.reaping = false;
                return taken;
            };
            self.reaping = true;
            taken += 1;
            self.advance_clock(expiration);
            let bucket = &mut self.levels[level as usize].buckets[index as usize];
            let tasks = core::mem::take(&mut bucket.tasks);
            bucket.expiration_ms = -1;
            out.push(Event::BucketFlushed {
                wheel: self.wheel,
                level,
                bucket: index,
                expiration_ms: expiration.min(u64::from(u32::MAX)) as u32,
                tasks: tasks.len() as u32,
            });
            self.flushing = Some((tasks, 0));
        }
    }

    /// `TimingWheel.advanceClock` from level 0 up: a level moves only by whole ticks.
    fn advance_clock(&mut self, time_ms: u64) {
        let mut time = time_ms;
        for lv in self.levels.iter_mut() {
            if time < lv.current_ms + lv.tick_ms {
                return;
            }
            lv.current_ms = time - time % lv.tick_ms;
            time = lv.current_ms;
        }
    }

    /// `TimerTask.cancel`: removes the task from whichever bucket holds it; `None` when no bucket
    /// does (it already ran). Returns the level and bucket it left.
    pub fn cancel(&mut self, task: TaskId, expiration_ms: i64) -> Option<(u8, u16)> {
        for (level, lv) in self.levels.iter_mut().enumerate() {
            if expiration_ms < 0 {
                return None;
            }
            let index = ((expiration_ms / lv.tick_ms as i64) % i64::from(self.wheel_size)) as usize;
            let bucket = &mut lv.buckets[index];
            if let Some(at) = bucket.tasks.iter().position(|&t| t == task) {
                Rc::make_mut(&mut bucket.tasks).remove(at);
                self.size -= 1;
                return Some((level as u8, index as u16));
            }
        }
        None
    }
}

impl Level {
    fn new(tick_ms: u64, wheel_size: u32, start_ms: u64) -> Level {
        Level {
            tick_ms,
            interval_ms: tick_ms.saturating_mul(u64::from(wheel_size)),
            current_ms: start_ms - start_ms % tick_ms,
            buckets: alloc::vec![
                Bucket {
                    expiration_ms: -1,
                    tasks: Rc::new(Vec::new()),
                };
                wheel_size as usize
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs tasks `(delay_ms, added_at_ms)` on a wheel reaped exactly when its delay queue is due
    /// (as the reaper thread wakes), and returns each task's run time.
    fn run(tick: u64, size: u32, start: u64, tasks: &[(i64, u64)]) -> (Vec<u64>, HierarchicalWheel, Vec<Event>) {
        let mut w = HierarchicalWheel::new(0, tick, size, start);
        let expirations: Vec<i64> = tasks.iter().map(|&(d, at)| at as i64 + d).collect();
        let mut ran = alloc::vec![u64::MAX; tasks.len()];
        let mut log = Vec::new();
        let mut order: Vec<usize> = (0..tasks.len()).collect();
        order.sort_by_key(|&i| tasks[i].1);
        let mut next = 0;
        let mut now = 0;
        loop {
            // Adds at `now` come before the reaper at the same instant (the simulation's rule).
            while next < order.len() && tasks[order[next]].1 <= now {
                let i = order[next];
                let mut out = Vec::new();
                w.add(i as TaskId, expirations[i], false, &mut out);
                for e in &out {
                    if let Event::Ran { task, .. } = e {
                        ran[*task as usize] = now;
                    }
                }
                log.extend(out);
                next += 1;
            }
            let mut out = Vec::new();
            w.reap(now, &|t| expirations[t as usize], &mut out);
            while w.flushing.is_some() {
                w.reap(now, &|t| expirations[t as usize], &mut out);
            }
            for e in &out {
                if let Event::Ran { task, .. } = e {
                    ran[*task as usize] = now;
                }
            }
            log.extend(out);
            let due = w.next_expiration().map(|e| e.max(now));
            let add = order.get(next).map(|&i| tasks[i].1);
            now = match (due, add) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
        }
        (ran, w, log)
    }

    /// `TimerTest.testAlreadyExpiredTask`: negative delays run at once.
    #[test]
    fn already_expired_tasks_run_at_once() {
        let tasks: Vec<(i64, u64)> = (-5..0).map(|d| (d, 0)).collect();
        let (ran, w, log) = run(1, 3, 0, &tasks);
        assert!(ran.iter().all(|&t| t == 0));
        assert_eq!(w.size, 0);
        assert!(log.iter().all(|e| matches!(e, Event::Ran { reinsert: false, .. })));
    }

    /// `TimerTest.testTaskExpiration` (tick 1, size 3): every task runs, at its expiration.
    #[test]
    fn every_task_runs_at_its_expiration() {
        let mut tasks = Vec::new();
        tasks.extend((0..5).map(|i| (i, 0)));
        tasks.extend((10..100).flat_map(|i| [(i, 0), (i, 0)]));
        tasks.extend((100..500).map(|i| (i, 0)));
        let (ran, w, _) = run(1, 3, 0, &tasks);
        for (i, &(d, _)) in tasks.iter().enumerate() {
            assert_eq!(ran[i], d as u64, "task {i}");
        }
        assert_eq!(w.size, 0);
        // 499 ms needs wheels ticking 1, 3, 9, 27, 81 and 243 ms (the last spans 729 ms).
        assert_eq!(w.levels.len(), 6);
    }

    /// The class comment's example: size 3, tick 1; at c+1 level 1's clock moves, levels 2 and 3
    /// stay at c; at c+3 level 2 moves to c+3.
    #[test]
    fn clocks_move_by_whole_ticks() {
        let mut w = HierarchicalWheel::new(0, 1, 3, 0);
        let mut out = Vec::new();
        w.add(0, 26, false, &mut out);
        assert_eq!(w.levels.len(), 3);
        w.advance_clock(1);
        assert_eq!(
            (w.levels[0].current_ms, w.levels[1].current_ms, w.levels[2].current_ms),
            (1, 0, 0)
        );
        w.advance_clock(3);
        assert_eq!(
            (w.levels[0].current_ms, w.levels[1].current_ms, w.levels[2].current_ms),
            (3, 3, 0)
        );
    }

    /// With a coarse tick a task runs when its bucket expires: its expiration rounded down to
    /// the tick, so up to one tick early; and the start time is rounded down to a tick.
    #[test]
    fn a_task_runs_when_its_bucket_expires() {
        let (ran, w, _) = run(100, 8, 130, &[(250, 130)]);
        assert_eq!(w.levels[0].current_ms, 300);
        assert_eq!(ran, alloc::vec![300]); // expiration 380, bucket [300, 400)
    }

    /// A wheel idle for a long time has clocks far behind; a new task cascades through buckets
    /// that are already due and still runs at its expiration.
    #[test]
    fn a_late_task_on_an_idle_wheel_cascades_at_once() {
        let (ran, _, log) = run(1, 20, 0, &[(5, 1000)]);
        assert_eq!(ran, alloc::vec![1005]);
        let flushed = log.iter().filter(|e| matches!(e, Event::BucketFlushed { .. })).count();
        assert_eq!(flushed, 3); // level 2 at 800, level 1 at 1000, level 0 at 1005
    }

    fn q(expiration_ms: u64, bucket: u16) -> Queued {
        Queued {
            expiration_ms,
            level: 0,
            bucket,
        }
    }

    /// The delay queue's heap: ties leave in the order Java's `PriorityQueue` gives, and it
    /// always gives the smallest expiration first.
    #[test]
    fn the_delay_queue_is_javas_binary_heap() {
        let mut dq = DelayQueue::default();
        for b in 0..3 {
            dq.offer(q(10, b));
        }
        let order: Vec<u16> = core::iter::from_fn(|| dq.poll_due(10).map(|e| e.bucket)).collect();
        assert_eq!(order, alloc::vec![0, 2, 1]);
        // Five equal offers (buckets 0 to 4) never move; each poll then takes the root and puts
        // the last element there, where it stays (no greater than its children): 0, 4, 3, 2, 1.
        for b in 0..5 {
            dq.offer(q(5, b));
        }
        let order: Vec<u16> = core::iter::from_fn(|| dq.poll_due(5).map(|e| e.bucket)).collect();
        assert_eq!(order, alloc::vec![0, 4, 3, 2, 1]);
        // Distinct keys come out sorted whatever the offer order, and only when due.
        let keys = [42u64, 7, 19, 7, 3, 88, 19, 1, 60, 3];
        for (i, &k) in keys.iter().enumerate() {
            dq.offer(q(k, i as u16));
        }
        assert_eq!(dq.poll_due(0), None);
        assert_eq!(dq.poll_order(3), alloc::vec![1, 3, 3]);
        let mut got = Vec::new();
        while let Some(e) = dq.poll_due(100) {
            got.push(e.expiration_ms);
        }
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        assert_eq!(got, sorted);
        assert!(dq.is_empty());
    }

    /// Three buckets of equal expiration (400 ms) on levels 2, 1 and 0, offered in that order to
    /// an empty delay queue: Java's binary heap polls them 2, 0, 1 (after the first poll the last
    /// element moves to the root and, being no greater than its only child, stays there).
    #[test]
    fn buckets_of_equal_expiration_come_out_in_the_heap_order() {
        // `p` and `q` only move the clocks: level 0 to 381, level 1 to 380, level 2 stays at 0.
        let tasks = [(380, 0), (1, 380), (408, 382), (28, 382), (18, 382)];
        let (ran, _, log) = run(1, 20, 0, &tasks);
        assert_eq!(ran, alloc::vec![380, 381, 790, 410, 400]);
        let placed: Vec<u8> = log
            .iter()
            .filter_map(|e| match e {
                Event::Placed {
                    task: 2..=4,
                    level,
                    reinsert: false,
                    ..
                } => Some(*level),
                _ => None,
            })
            .collect();
        assert_eq!(placed, alloc::vec![2, 1, 0], "offered on levels 2, 1, 0");
        let mut at_400 = Vec::new();
        let mut seen = 0;
        for e in &log {
            if let Event::BucketFlushed {
                level,
                expiration_ms: 400,
                ..
            } = e
            {
                at_400.push(*level);
                seen += 1;
            }
        }
        assert_eq!(seen, 3);
        assert_eq!(at_400, alloc::vec![2, 0, 1]);
    }

    #[test]
    fn a_cancelled_task_leaves_its_bucket_which_still_expires() {
        let mut w = HierarchicalWheel::new(0, 1, 20, 0);
        let mut out = Vec::new();
        w.add(7, 10, false, &mut out);
        assert_eq!(w.cancel(7, 10), Some((0, 10)));
        assert_eq!(w.size, 0);
        assert_eq!(w.next_expiration(), Some(10));
        let mut out = Vec::new();
        w.reap(10, &|_| 10, &mut out);
        assert!(matches!(out[..], [Event::BucketFlushed { tasks: 0, .. }]));
        assert_eq!(w.cancel(7, 10), None);
    }
}
