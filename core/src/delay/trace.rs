//! The timer labs' trace entries and their sentences. A stored event holds ids only (a task, a
//! level, a bucket); names, delays and expirations are read from the system when it is told, so a
//! run of 10⁶ tasks keeps small entries. The `kind`s name what the upstream class does:
//! `TimingWheel.add`, `SystemTimer` running a task, the reaper flushing a bucket, Netty's
//! `newTimeout` and `transferTimeoutsToBuckets`.
use alloc::format;
use alloc::string::String;
use serde::Serialize;

use super::system::Delay;
use super::TaskId;
use crate::kernel::trace::Lang;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `TimingWheel.add` put the task in a bucket; `offered` when the bucket entered the delay
    /// queue; `reinsert` when it came down from an expired bucket.
    Placed {
        task: TaskId,
        level: u8,
        bucket: u16,
        offered: bool,
        reinsert: bool,
    },
    /// The task ran (was handed to the timer's executor).
    Ran { task: TaskId, reinsert: bool },
    /// The reaper took a due bucket from the delay queue, advanced each level's clock by whole
    /// ticks toward its expiration and flushed it.
    BucketFlushed {
        wheel: u8,
        level: u8,
        bucket: u16,
        expiration_ms: u32,
        tasks: u32,
    },
    /// An overflow wheel was created on demand.
    OverflowCreated { wheel: u8, level: u8, current_ms: u64 },
    /// `cancel()`. Kafka: `left` is the level and bucket the task was removed from. Netty: the
    /// bucket (level 0) it waits in for the next tick's `processCancelledTasks`, or none while it
    /// is still in the `timeouts` queue.
    Cancelled { task: TaskId, left: Option<(u8, u16)> },
    /// `cancel()` after the task ran: nothing to do.
    CancelTooLate { task: TaskId },
    /// `cancel()` of a task already cancelled (at `cancelled_at_ms`): nothing to do (Kafka's
    /// `TimerTask.cancel` finds no entry; Netty's `Timeout.cancel` answers false).
    CancelAgain { task: TaskId, cancelled_at_ms: u64 },
    /// Netty: the first `newTimeout` started the worker.
    WorkerStarted { wheel: u8 },
    /// Netty: `newTimeout` queued the timeout for the next tick.
    Queued { task: TaskId },
    /// Netty: the worker processed a tick that had work.
    Tick { wheel: u8, tick: u32, bucket: u16 },
    /// Netty: a queued timeout moved to its bucket with its round count.
    Transferred { task: TaskId, bucket: u16, rounds: i32 },
    /// Netty: the pointer passed a timeout that has rounds left.
    RoundPassed { task: TaskId, rounds_left: u32 },
    /// Redis: the producer sent ZADD.
    ZAddSent { member: u32, score: i64 },
    /// Redis ran ZADD (`new`: answered 1).
    ZAddDone { member: u32, new: bool, score: i64 },
    /// A poller sent ZRANGEBYSCORE (or the claiming EVAL) up to `max_ms`.
    Poll { poller: u8, max_ms: i64 },
    /// Redis answered the range (and, for EVAL, removed what it returned, or leased it until
    /// `leased_until_ms`).
    RangeDone {
        poller: u8,
        max_ms: i64,
        claimed: bool,
        leased_until_ms: Option<i64>,
        members: alloc::boxed::Box<[u32]>,
    },
    /// Redis removed members for a poller that has crashed since it asked: nobody will publish
    /// them.
    Orphaned {
        poller: u8,
        members: alloc::boxed::Box<[u32]>,
    },
    /// A lease holder's ZREM after its publish (`removed`: the member was still there).
    LeaseDone { poller: u8, member: u32, removed: bool },
    /// A poller crashed; `lost`: members it had removed from the set and not published.
    PollerCrashed {
        poller: u8,
        lost: alloc::boxed::Box<[u32]>,
        /// Claim `lease`: members it held under a lease, which stay in the set.
        leased: alloc::boxed::Box<[u32]>,
    },
    /// A poller restarted with nothing in hand.
    PollerRestarted { poller: u8 },
    /// Redis ran a poller's ZREM.
    ZRemDone {
        poller: u8,
        member: u32,
        removed: bool,
        score_ms: i64,
        now_ms: u64,
    },
    /// The poller that claimed a member published it.
    Published { poller: u8, member: u32, due_ms: i64 },
    /// A poller's ZREM answered 0: another poller took the member first.
    LostRace { poller: u8, member: u32 },
}

impl Event {
    /// The entry told; `at_ms` is when it was made.
    pub fn tell(&self, d: &Delay, at_ms: u64) -> Told {
        let task = |t: TaskId| d.task_told(t);
        match *self {
            Event::Placed {
                task: t,
                level,
                bucket,
                offered,
                reinsert,
            } => {
                let (tick_ms, bucket_expiration_ms) = d.level_of(d.task_wheel(t), level, d.task(t).expiration_ms);
                Told::Placed {
                    task: task(t),
                    level,
                    level_tick_ms: tick_ms,
                    wheel_size: d.level_shape(d.task_wheel(t), level).1,
                    bucket,
                    bucket_expiration_ms,
                    offered,
                    reinsert,
                }
            }
            Event::Ran { task: t, reinsert } => Told::Ran {
                simple: d.is_simple(d.task_wheel(t)),
                offset_ms: at_ms as i64 - d.task(t).expiration_ms,
                task: task(t),
                at_once: !reinsert,
            },
            Event::BucketFlushed {
                wheel,
                level,
                bucket,
                expiration_ms,
                tasks,
            } => Told::BucketExpired {
                wheel: d.wheel_name(wheel),
                level,
                bucket,
                expiration_ms: u64::from(expiration_ms),
                tasks,
            },
            Event::OverflowCreated {
                wheel,
                level,
                current_ms,
            } => {
                let (tick_ms, wheel_size) = d.level_shape(wheel, level);
                Told::OverflowWheel {
                    wheel: d.wheel_name(wheel),
                    level,
                    tick_ms,
                    wheel_size,
                    interval_ms: tick_ms.saturating_mul(u64::from(wheel_size)),
                    current_ms,
                }
            }
            Event::Cancelled { task: t, left } => {
                let simple = d.is_simple(d.task_wheel(t));
                Told::Cancelled {
                    task: task(t),
                    level: left.filter(|_| !simple).map(|l| l.0),
                    bucket: left.map(|l| l.1),
                    simple,
                }
            }
            Event::CancelTooLate { task: t } => Told::CancelTooLate { task: task(t) },
            Event::CancelAgain {
                task: t,
                cancelled_at_ms,
            } => Told::CancelAgain {
                task: task(t),
                cancelled_at_ms,
            },
            Event::WorkerStarted { wheel } => {
                let (tick_ms, wheel_size) = d.level_shape(wheel, 0);
                Told::WorkerStarted {
                    wheel: d.wheel_name(wheel),
                    tick_ms,
                    wheel_size,
                    start_ms: d.hashed_start(wheel),
                }
            }
            Event::Queued { task: t } => Told::NewTimeout {
                deadline_ms: d.deadline_of(t),
                task: task(t),
            },
            Event::Tick { wheel, tick, bucket } => Told::Tick {
                wheel: d.wheel_name(wheel),
                tick,
                bucket,
            },
            Event::Transferred {
                task: t,
                bucket,
                rounds,
            } => {
                let (tick_ms, _) = d.level_shape(d.task_wheel(t), 0);
                Told::Transfer {
                    calculated: d.deadline_of(t) / tick_ms as i64,
                    task: task(t),
                    bucket,
                    remaining_rounds: rounds,
                }
            }
            Event::RoundPassed { task: t, rounds_left } => Told::Round {
                task: task(t),
                remaining_rounds: rounds_left,
            },
            Event::ZAddSent { member, score } => Told::ZAddSent {
                key: d.redis_key(),
                member: d.member_name(member),
                score,
            },
            Event::ZAddDone { member, new, score } => Told::ZAdd {
                key: d.redis_key(),
                member: d.member_name(member),
                score,
                reply: i64::from(new),
            },
            Event::Poll { poller, max_ms } => Told::Poll {
                poller: d.poller_name(poller),
                command: d.range_command(poller, max_ms),
            },
            Event::RangeDone {
                poller,
                max_ms,
                claimed,
                leased_until_ms,
                ref members,
            } => Told::Range {
                poller: d.poller_name(poller),
                command: d.range_command(poller, max_ms),
                claimed,
                leased_until_ms,
                members: members.iter().map(|&m| d.member_name(m)).collect(),
            },
            Event::Orphaned { poller, ref members } => Told::Orphaned {
                poller: d.poller_name(poller),
                key: d.redis_key(),
                members: members.iter().map(|&m| d.member_name(m)).collect(),
            },
            Event::LeaseDone {
                poller,
                member,
                removed,
            } => Told::LeaseDone {
                poller: d.poller_name(poller),
                key: d.redis_key(),
                member: d.member_name(member),
                reply: i64::from(removed),
            },
            Event::PollerCrashed {
                poller,
                ref lost,
                ref leased,
            } => Told::PollerCrashed {
                poller: d.poller_name(poller),
                lost: lost.iter().map(|&m| d.member_name(m)).collect(),
                leased: leased.iter().map(|&m| d.member_name(m)).collect(),
                due_again_ms: leased.first().and_then(|&m| d.member_lease(m)),
            },
            Event::PollerRestarted { poller } => Told::PollerRestarted {
                poller: d.poller_name(poller),
            },
            Event::ZRemDone {
                poller,
                member,
                removed,
                score_ms,
                now_ms,
            } => Told::ZRem {
                poller: d.poller_name(poller),
                key: d.redis_key(),
                member: d.member_name(member),
                reply: i64::from(removed),
                score: score_ms,
                not_yet_due: removed && score_ms > now_ms as i64,
            },
            Event::Published { poller, member, due_ms } => Told::Published {
                poller: d.poller_name(poller),
                member: d.member_name(member),
                score: due_ms,
                late_ms: at_ms as i64 - due_ms,
            },
            Event::LostRace { poller, member } => Told::LostRace {
                poller: d.poller_name(poller),
                member: d.member_name(member),
            },
        }
    }
}

/// A task as an entry names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskTold {
    pub wheel: String,
    pub task: String,
    pub added_at_ms: u64,
    pub delay_ms: i64,
    pub expiration_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum Told {
    #[serde(rename = "timing-wheel.add")]
    Placed {
        #[serde(flatten)]
        task: TaskTold,
        level: u8,
        level_tick_ms: u64,
        wheel_size: u32,
        bucket: u16,
        bucket_expiration_ms: i64,
        /// The bucket entered the delay queue (its expiration changed).
        offered: bool,
        /// Came down from an expired bucket of a coarser wheel.
        reinsert: bool,
    },
    #[serde(rename = "timer.run")]
    Ran {
        #[serde(flatten)]
        task: TaskTold,
        /// Already expired when added: run without entering a bucket.
        at_once: bool,
        /// Run time minus expiration: negative is early.
        offset_ms: i64,
        /// Netty's wheel (the reason differs).
        #[serde(skip)]
        simple: bool,
    },
    #[serde(rename = "timing-wheel.bucket-expired")]
    BucketExpired {
        wheel: String,
        level: u8,
        bucket: u16,
        expiration_ms: u64,
        tasks: u32,
    },
    #[serde(rename = "timing-wheel.overflow-wheel")]
    OverflowWheel {
        wheel: String,
        level: u8,
        tick_ms: u64,
        wheel_size: u32,
        interval_ms: u64,
        current_ms: u64,
    },
    #[serde(rename = "timer.cancel")]
    Cancelled {
        #[serde(flatten)]
        task: TaskTold,
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        bucket: Option<u16>,
        /// Netty's wheel: the cancel takes effect at the next tick.
        #[serde(skip)]
        simple: bool,
    },
    #[serde(rename = "timer.cancel-too-late")]
    CancelTooLate {
        #[serde(flatten)]
        task: TaskTold,
    },
    #[serde(rename = "timer.cancel-already-cancelled")]
    CancelAgain {
        #[serde(flatten)]
        task: TaskTold,
        cancelled_at_ms: u64,
    },
    #[serde(rename = "hashed-wheel.worker-start")]
    WorkerStarted {
        wheel: String,
        tick_ms: u64,
        wheel_size: u32,
        start_ms: u64,
    },
    #[serde(rename = "hashed-wheel.new-timeout")]
    NewTimeout {
        #[serde(flatten)]
        task: TaskTold,
        /// `deadline`, measured from `startTime`.
        deadline_ms: i64,
    },
    #[serde(rename = "hashed-wheel.tick")]
    Tick { wheel: String, tick: u32, bucket: u16 },
    #[serde(rename = "hashed-wheel.transfer")]
    Transfer {
        #[serde(flatten)]
        task: TaskTold,
        /// `deadline / tickDuration`.
        calculated: i64,
        bucket: u16,
        remaining_rounds: i32,
    },
    #[serde(rename = "hashed-wheel.round")]
    Round {
        #[serde(flatten)]
        task: TaskTold,
        remaining_rounds: u32,
    },
    #[serde(rename = "redis.zadd-sent")]
    ZAddSent { key: String, member: String, score: i64 },
    #[serde(rename = "redis.zadd")]
    ZAdd {
        key: String,
        member: String,
        score: i64,
        reply: i64,
    },
    #[serde(rename = "redis.poll")]
    Poll { poller: String, command: String },
    #[serde(rename = "redis.range")]
    Range {
        poller: String,
        command: String,
        /// EVAL: the script removed what it returned.
        claimed: bool,
        /// EVAL with a lease: the script moved what it returned to this score.
        #[serde(skip_serializing_if = "Option::is_none")]
        leased_until_ms: Option<i64>,
        members: alloc::vec::Vec<String>,
    },
    #[serde(rename = "redis.orphaned")]
    Orphaned {
        poller: String,
        key: String,
        members: alloc::vec::Vec<String>,
    },
    #[serde(rename = "redis.lease-done")]
    LeaseDone {
        poller: String,
        key: String,
        member: String,
        reply: i64,
    },
    #[serde(rename = "delay.poller-crashed")]
    PollerCrashed {
        poller: String,
        /// Members it had taken out of the set and not published: lost.
        lost: alloc::vec::Vec<String>,
        /// Members it held under a lease: still in the set, due again at `due_again_ms`.
        #[serde(skip_serializing_if = "alloc::vec::Vec::is_empty")]
        leased: alloc::vec::Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        due_again_ms: Option<i64>,
    },
    #[serde(rename = "delay.poller-restarted")]
    PollerRestarted { poller: String },
    #[serde(rename = "redis.zrem")]
    ZRem {
        poller: String,
        key: String,
        member: String,
        reply: i64,
        /// The member's score when Redis ran the ZREM.
        score: i64,
        /// Removed although its score is still in the future (it was re-scheduled after the range).
        not_yet_due: bool,
    },
    #[serde(rename = "delay.published")]
    Published {
        poller: String,
        member: String,
        score: i64,
        late_ms: i64,
    },
    #[serde(rename = "redis.zrem-lost")]
    LostRace { poller: String, member: String },
}

fn signed_ms(ms: i64, lang: Lang) -> String {
    match (ms, lang) {
        (0, Lang::En) => "on time".into(),
        (0, Lang::Zh) => "准时".into(),
        (m, Lang::En) if m < 0 => format!("{} ms early", -m),
        (m, Lang::Zh) if m < 0 => format!("提前 {} ms", -m),
        (m, Lang::En) => format!("{m} ms late"),
        (m, Lang::Zh) => format!("晚 {m} ms"),
    }
}

impl Told {
    pub fn key(&self) -> &'static str {
        match self {
            Told::Placed { reinsert: false, .. } => "timing-wheel.add",
            Told::Placed { reinsert: true, .. } => "timing-wheel.reinsert",
            Told::Ran { .. } => "timer.run",
            Told::BucketExpired { .. } => "timing-wheel.bucket-expired",
            Told::OverflowWheel { .. } => "timing-wheel.overflow-wheel",
            Told::Cancelled { .. } => "timer.cancel",
            Told::CancelTooLate { .. } => "timer.cancel-too-late",
            Told::CancelAgain { .. } => "timer.cancel-already-cancelled",
            Told::WorkerStarted { .. } => "hashed-wheel.worker-start",
            Told::NewTimeout { .. } => "hashed-wheel.new-timeout",
            Told::Tick { .. } => "hashed-wheel.tick",
            Told::Transfer { .. } => "hashed-wheel.transfer",
            Told::Round { .. } => "hashed-wheel.round",
            Told::ZAddSent { .. } => "redis.zadd-sent",
            Told::ZAdd { .. } => "redis.zadd",
            Told::Poll { .. } => "redis.poll",
            Told::Range { .. } => "redis.range",
            Told::ZRem { .. } => "redis.zrem",
            Told::Published { .. } => "delay.published",
            Told::LostRace { .. } => "redis.zrem-lost",
            Told::Orphaned { .. } => "redis.orphaned",
            Told::LeaseDone { .. } => "redis.lease-done",
            Told::PollerCrashed { .. } => "delay.poller-crashed",
            Told::PollerRestarted { .. } => "delay.poller-restarted",
        }
    }

    /// The plain sentence leaves out the bucket arithmetic.
    pub fn plain_sentence(&self, lang: Lang) -> Option<String> {
        use Lang::{En, Zh};
        Some(match (self, lang) {
            (
                Told::Placed {
                    task,
                    level,
                    reinsert: false,
                    ..
                },
                En,
            ) => format!(
                "{}: task {} (delay {} ms) goes into a bucket of level {level}",
                task.wheel, task.task, task.delay_ms
            ),
            (
                Told::Placed {
                    task,
                    level,
                    reinsert: false,
                    ..
                },
                Zh,
            ) => format!(
                "{}：任务 {}（延迟 {} ms）放进第 {level} 层的一个桶",
                task.wheel, task.task, task.delay_ms
            ),
            (
                Told::Placed {
                    task,
                    level,
                    reinsert: true,
                    ..
                },
                En,
            ) => {
                format!("{}: task {} moves down to level {level}", task.wheel, task.task)
            }
            (
                Told::Placed {
                    task,
                    level,
                    reinsert: true,
                    ..
                },
                Zh,
            ) => {
                format!("{}：任务 {} 降到第 {level} 层", task.wheel, task.task)
            }
            (Told::Transfer { task, bucket, .. }, En) => {
                format!("{}: task {} is placed in slot {bucket}", task.wheel, task.task)
            }
            (Told::Transfer { task, bucket, .. }, Zh) => {
                format!("{}：任务 {} 放进第 {bucket} 格", task.wheel, task.task)
            }
            _ => return None,
        })
    }

    pub fn sentence(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        match (self, lang) {
            (Told::Placed { task: t, level, level_tick_ms, wheel_size, bucket, bucket_expiration_ms, offered, reinsert }, En) => {
                let queued = if *offered {
                    "the bucket enters the delay queue"
                } else {
                    "the bucket is already in the delay queue"
                };
                let what = if *reinsert {
                    format!("{} comes down from an expired bucket", t.task)
                } else {
                    format!("{} (delay {} ms, expires at {} ms)", t.task, t.delay_ms, t.expiration_ms)
                };
                format!(
                    "{}: TimingWheel.add: {what} → level {level} (tick {level_tick_ms} ms), bucket {bucket} = ⌊{}/{level_tick_ms}⌋ mod {wheel_size}, which expires at {bucket_expiration_ms} ms; {queued}",
                    t.wheel, t.expiration_ms
                )
            }
            (Told::Placed { task: t, level, level_tick_ms, wheel_size, bucket, bucket_expiration_ms, offered, reinsert }, Zh) => {
                let queued = if *offered { "该桶进入 DelayQueue" } else { "该桶已在 DelayQueue 中" };
                let what = if *reinsert {
                    format!("{} 从到期的桶降下来", t.task)
                } else {
                    format!("{}（延迟 {} ms，{} ms 到期）", t.task, t.delay_ms, t.expiration_ms)
                };
                format!(
                    "{}：TimingWheel.add：{what} → 第 {level} 层（tick {level_tick_ms} ms）第 {bucket} 个桶 = ⌊{}/{level_tick_ms}⌋ mod {wheel_size}，桶在 {bucket_expiration_ms} ms 到期；{queued}",
                    t.wheel, t.expiration_ms
                )
            }
            (Told::Ran { task: t, at_once, offset_ms, simple }, En) => {
                let why = if *simple {
                    "the pointer reached its bucket with no rounds left"
                } else if *at_once {
                    "already expired when added (expiration before the wheel's current tick ends), so it runs at once"
                } else {
                    "its bucket expired"
                };
                format!(
                    "{}: task {} runs, {} (expiration {} ms): {why}",
                    t.wheel,
                    t.task,
                    signed_ms(*offset_ms, En),
                    t.expiration_ms
                )
            }
            (Told::Ran { task: t, at_once, offset_ms, simple }, Zh) => {
                let why = if *simple {
                    "指针走到它的格子且剩余圈数为 0"
                } else if *at_once {
                    "加入时已过期（到期时间早于当前 tick 结束），立即执行"
                } else {
                    "所在的桶到期"
                };
                format!(
                    "{}：任务 {} 执行，{}（到期 {} ms）：{why}",
                    t.wheel,
                    t.task,
                    signed_ms(*offset_ms, Zh),
                    t.expiration_ms
                )
            }
            (Told::BucketExpired { wheel, level, bucket, expiration_ms, tasks }, En) => format!(
                "{wheel}: the reaper takes level {level} bucket {bucket} (expiration {expiration_ms} ms) from the delay queue, advances each level's clock by whole ticks toward {expiration_ms} ms (a level whose next tick is later stays where it is) and re-adds its {tasks} task(s)"
            ),
            (Told::BucketExpired { wheel, level, bucket, expiration_ms, tasks }, Zh) => format!(
                "{wheel}：收割线程从 DelayQueue 取出第 {level} 层第 {bucket} 个桶（到期 {expiration_ms} ms），把各层时钟按整 tick 向 {expiration_ms} ms 推进（下一个 tick 还没到的层不动），重新插入其中 {tasks} 个任务"
            ),
            (Told::OverflowWheel { wheel, level, tick_ms, wheel_size, interval_ms, current_ms }, En) => format!(
                "{wheel}: a task is beyond level {}'s span, so overflow wheel level {level} is created: tick {tick_ms} ms (the lower wheel's interval), {wheel_size} buckets, span {interval_ms} ms, clock at {current_ms} ms",
                level - 1
            ),
            (Told::OverflowWheel { wheel, level, tick_ms, wheel_size, interval_ms, current_ms }, Zh) => format!(
                "{wheel}：任务超出第 {} 层的范围，按需创建上层时间轮第 {level} 层：tick {tick_ms} ms（即下层的总跨度），{wheel_size} 个桶，跨度 {interval_ms} ms，时钟在 {current_ms} ms",
                level - 1
            ),
            (Told::Cancelled { task: t, level, bucket, simple }, En) => match (simple, level, bucket) {
                (false, Some(l), Some(b)) => format!(
                    "{}: task {} cancelled: removed from level {l} bucket {b}; the bucket stays in the delay queue",
                    t.wheel, t.task
                ),
                (false, _, _) => format!("{}: task {} cancelled; no bucket held it", t.wheel, t.task),
                (true, _, Some(b)) => format!(
                    "{}: task {} cancelled: it stays in bucket {b} until the next tick, whose processCancelledTasks takes it out; it never runs",
                    t.wheel, t.task
                ),
                (true, _, None) => format!(
                    "{}: task {} cancelled while still in the timeouts queue: the next tick's transfer skips it, so it never reaches the wheel and never runs",
                    t.wheel, t.task
                ),
            },
            (Told::Cancelled { task: t, level, bucket, simple }, Zh) => match (simple, level, bucket) {
                (false, Some(l), Some(b)) => format!(
                    "{}：任务 {} 被取消：从第 {l} 层第 {b} 个桶移除；该桶仍留在 DelayQueue 中",
                    t.wheel, t.task
                ),
                (false, _, _) => format!("{}：任务 {} 被取消；它不在任何桶里", t.wheel, t.task),
                (true, _, Some(b)) => format!(
                    "{}：任务 {} 被取消：它留在第 {b} 格，直到下一个 tick 的 processCancelledTasks 把它移走；永不执行",
                    t.wheel, t.task
                ),
                (true, _, None) => format!(
                    "{}：任务 {} 还在 timeouts 队列里就被取消：下一个 tick 转移时跳过它，它不会进入时间轮，永不执行",
                    t.wheel, t.task
                ),
            },
            (Told::CancelTooLate { task: t }, En) => {
                format!("{}: cancel of {} does nothing: it already ran", t.wheel, t.task)
            }
            (Told::CancelTooLate { task: t }, Zh) => format!("{}：取消 {} 无效：它已经执行过了", t.wheel, t.task),
            (Told::CancelAgain { task: t, cancelled_at_ms }, En) => format!(
                "{}: cancel of {} does nothing: it was already cancelled at {cancelled_at_ms} ms and never runs",
                t.wheel, t.task
            ),
            (Told::CancelAgain { task: t, cancelled_at_ms }, Zh) => format!(
                "{}：取消 {} 无效：它已经取消了（{cancelled_at_ms} ms），不会执行",
                t.wheel, t.task
            ),
            (Told::WorkerStarted { wheel, tick_ms, wheel_size, start_ms }, En) => format!(
                "{wheel}: the first newTimeout starts the worker thread: startTime = {start_ms} ms; {wheel_size} buckets, tick k ends at startTime + (k+1)×{tick_ms} ms"
            ),
            (Told::WorkerStarted { wheel, tick_ms, wheel_size, start_ms }, Zh) => format!(
                "{wheel}：第一次 newTimeout 启动工作线程：startTime = {start_ms} ms；{wheel_size} 个格子，第 k 个 tick 在 startTime + (k+1)×{tick_ms} ms 结束"
            ),
            (Told::NewTimeout { task: t, deadline_ms }, En) => format!(
                "{}: newTimeout({}, {} ms): deadline {deadline_ms} ms after startTime; it waits in the timeouts queue for the next tick",
                t.wheel, t.task, t.delay_ms
            ),
            (Told::NewTimeout { task: t, deadline_ms }, Zh) => format!(
                "{}：newTimeout({}, {} ms)：deadline 为 startTime 之后 {deadline_ms} ms；先进入 timeouts 队列，等下一个 tick",
                t.wheel, t.task, t.delay_ms
            ),
            (Told::Tick { wheel, tick, bucket }, En) => {
                format!("{wheel}: tick {tick}: the pointer is at bucket {bucket}")
            }
            (Told::Tick { wheel, tick, bucket }, Zh) => format!("{wheel}：第 {tick} 个 tick：指针指向第 {bucket} 格"),
            (Told::Transfer { task: t, calculated, bucket, remaining_rounds }, En) => format!(
                "{}: {} moves from the queue to bucket {bucket} (deadline/tick = {calculated}), remainingRounds {remaining_rounds}",
                t.wheel, t.task
            ),
            (Told::Transfer { task: t, calculated, bucket, remaining_rounds }, Zh) => format!(
                "{}：{} 从队列移到第 {bucket} 格（deadline/tick = {calculated}），remainingRounds = {remaining_rounds}",
                t.wheel, t.task
            ),
            (Told::Round { task: t, remaining_rounds }, En) => format!(
                "{}: the pointer passes {}: not this revolution, remainingRounds now {remaining_rounds}",
                t.wheel, t.task
            ),
            (Told::Round { task: t, remaining_rounds }, Zh) => format!(
                "{}：指针经过 {}：还不到这一圈，remainingRounds 减为 {remaining_rounds}",
                t.wheel, t.task
            ),
            (Told::ZAddSent { key, member, score }, En) => {
                format!("producer sends ZADD {key} {score} {member} (its due time as the score)")
            }
            (Told::ZAddSent { key, member, score }, Zh) => {
                format!("producer 发送 ZADD {key} {score} {member}（把到期时间当作 score）")
            }
            (Told::ZAdd { key, member, score, reply }, En) => format!(
                "redis: ZADD {key} {score} {member} → (integer) {reply}{}",
                if *reply == 0 { ": it was there already, its score is updated" } else { "" }
            ),
            (Told::ZAdd { key, member, score, reply }, Zh) => format!(
                "redis：ZADD {key} {score} {member} → (integer) {reply}{}",
                if *reply == 0 { "：成员已存在，只更新了 score" } else { "" }
            ),
            (Told::Poll { poller, command }, En) => format!("{poller} polls: {command}"),
            (Told::Poll { poller, command }, Zh) => format!("{poller} 轮询：{command}"),
            (Told::Range { poller, command, leased_until_ms: Some(until), members, .. }, _) => {
                let list = members.join(", ");
                match lang {
                    En if members.is_empty() => format!("redis: {command} for {poller} → (empty array)"),
                    Zh if members.is_empty() => format!("redis：为 {poller} 执行 {command} → （空数组）"),
                    En => format!(
                        "redis: {command} for {poller} → {list}; the script moved {} to score {until}: leased, hidden from every poller until then",
                        if members.len() == 1 { "it" } else { "them" }
                    ),
                    Zh => format!("redis：为 {poller} 执行 {command} → {list}；脚本把它们的 score 改成 {until}：租给了它，在此之前谁也看不到"),
                }
            }
            (Told::Range { poller, command, claimed, members, .. }, _) => {
                let list = if members.is_empty() {
                    match lang {
                        En => "(empty array)".into(),
                        Zh => "（空数组）".into(),
                    }
                } else {
                    members.join(", ")
                };
                match (lang, *claimed && !members.is_empty()) {
                    (En, true) => format!("redis: {command} for {poller} → {list}; the script removed them in the same command"),
                    (Zh, true) => format!("redis：为 {poller} 执行 {command} → {list}；脚本在同一条命令里把它们删掉了"),
                    (En, false) => format!("redis: {command} for {poller} → {list}"),
                    (Zh, false) => format!("redis：为 {poller} 执行 {command} → {list}"),
                }
            }
            (Told::ZRem { poller, key, member, reply, score, not_yet_due }, En) => format!(
                "redis: ZREM {key} {member} from {poller} → (integer) {reply}{}",
                match (*reply, *not_yet_due) {
                    (1, true) => format!(": removed, although a later ZADD moved its score to {score} ms, still ahead: it will be published early"),
                    (1, false) => ": the member is theirs".into(),
                    _ => ": already gone, another poller took it".into(),
                }
            ),
            (Told::ZRem { poller, key, member, reply, score, not_yet_due }, Zh) => format!(
                "redis：{poller} 的 ZREM {key} {member} → (integer) {reply}{}",
                match (*reply, *not_yet_due) {
                    (1, true) => format!("：删掉了，但之后的 ZADD 已把它的 score 改到 {score} ms，还没到期：它会被提前投递"),
                    (1, false) => "：这个成员归它了".into(),
                    _ => "：已经没了，被另一个轮询者抢先".into(),
                }
            ),
            (Told::Published { poller, member, score, late_ms }, En) => format!(
                "{poller} publishes {member} (due at {score} ms), {}",
                signed_ms(*late_ms, En)
            ),
            (Told::Published { poller, member, score, late_ms }, Zh) => format!(
                "{poller} 投递 {member}（{score} ms 到期），{}",
                signed_ms(*late_ms, Zh)
            ),
            (Told::LostRace { poller, member }, En) => {
                format!("{poller} skips {member}: its ZREM answered 0 (a wasted round trip)")
            }
            (Told::LostRace { poller, member }, Zh) => {
                format!("{poller} 跳过 {member}：ZREM 返回 0（白跑了一次往返）")
            }
            (Told::Orphaned { poller, key, members }, En) => format!(
                "redis: removed {} from {key} for {poller}, which crashed after asking: the reply goes nowhere and nobody will publish {}: lost",
                members.join(", "),
                if members.len() == 1 { "it" } else { "them" }
            ),
            (Told::Orphaned { poller, key, members }, Zh) => format!(
                "redis：为 {poller} 从 {key} 删掉了 {}，可它发出请求后已经崩溃：回复无人接收，也不会有人再投递：消息丢了",
                members.join("、")
            ),
            (Told::LeaseDone { poller, key, member, reply }, En) => format!(
                "redis: ZREM {key} {member} from {poller} after its publish → (integer) {reply}{}",
                if *reply == 1 { ": the lease is settled" } else { ": it was gone already (its lease had run out and someone took it again)" }
            ),
            (Told::LeaseDone { poller, key, member, reply }, Zh) => format!(
                "redis：{poller} 投递后发出 ZREM {key} {member} → (integer) {reply}{}",
                if *reply == 1 { "：租约结清" } else { "：它早已不在（租约过期后被别人再次领走）" }
            ),
            (Told::PollerCrashed { poller, leased, due_again_ms: Some(at), .. }, En) if !leased.is_empty() => format!(
                "{poller} crashes holding {} under its lease: still in the set, due again at {at} ms, when another poller takes {}",
                leased.join(", "),
                if leased.len() == 1 { "it" } else { "them" }
            ),
            (Told::PollerCrashed { poller, leased, due_again_ms: Some(at), .. }, Zh) if !leased.is_empty() => format!(
                "{poller} 崩溃时租着 {}：它们还在集合里，{at} ms 租约到期后会被别的轮询者重新领走",
                leased.join("、")
            ),
            (Told::PollerCrashed { poller, lost, .. }, En) if lost.is_empty() => {
                format!("{poller} crashes with nothing taken out of the set in hand")
            }
            (Told::PollerCrashed { poller, lost, .. }, Zh) if lost.is_empty() => {
                format!("{poller} 崩溃，手里没有已从集合取出的成员")
            }
            (Told::PollerCrashed { poller, lost, .. }, En) => format!(
                "{poller} crashes holding {}: already removed from the set, never published: lost",
                lost.join(", ")
            ),
            (Told::PollerCrashed { poller, lost, .. }, Zh) => format!(
                "{poller} 崩溃时手里拿着 {}：已从集合删除，却没投递出去：丢了",
                lost.join("、")
            ),
            (Told::PollerRestarted { poller }, En) => format!("{poller} restarts and polls again"),
            (Told::PollerRestarted { poller }, Zh) => format!("{poller} 重启，重新开始轮询"),
        }
    }
}
