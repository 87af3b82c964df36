//! Timer-lab checks and measures for lessons (`{"delay": {"check": ...}}`), read off the view.
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::view::{DelayView, MemberView, TaskView, WheelView};
use crate::check::Verdict;
use crate::scenario::Text;

pub struct Read<'a> {
    pub view: &'a DelayView,
}

impl Read<'_> {
    fn member(&self, name: &str) -> Option<&MemberView> {
        self.view.redis.as_ref()?.members.iter().find(|m| m.member == name)
    }
    fn wheel(&self, name: &str) -> Option<&WheelView> {
        self.view.wheels.iter().find(|w| w.name == name)
    }
    fn task(&self, wheel: &str, task: &str) -> Option<&TaskView> {
        self.view.tasks.iter().find(|t| t.wheel == wheel && t.name == task)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Every task of `wheel` that ran kept the wheel's bound (see `system::Delay::ran`).
    WithinBound { wheel: String },
    /// The task ran at `at_ms`.
    RanAt { wheel: String, task: String, at_ms: u64 },
    /// No member of the Redis delay queue was lost with a crashed poller.
    RedisNothingLost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// When the task ran (ms), or "waiting" / "cancelled".
    RanAtMs { wheel: String, task: String },
    /// Times the wheel's thread woke with work.
    Wakeups { wheel: String },
    /// Re-insertions (Kafka) or rounds passed (Netty).
    Moves { wheel: String },
    /// Levels the wheel has (overflow wheels included).
    Levels { wheel: String },
    /// When a Redis member was first published (ms), or "lost" / "waiting".
    PublishedAtMs { member: String },
    /// How often a Redis member was published.
    TimesPublished { member: String },
    /// Redis members lost with crashed pollers.
    RedisLost,
}

fn text(en: String, zh: String) -> Text {
    Text { en, zh }
}

impl Check {
    pub fn evaluate(&self, r: &Read<'_>) -> Verdict {
        match self {
            Check::WithinBound { wheel } => match r.wheel(wheel) {
                None => no_wheel(wheel),
                Some(w) => Verdict {
                    passed: w.stats.outside_bound == 0,
                    detail: text(
                        format!(
                            "{} of {} runs kept {wheel}'s bound",
                            w.stats.ran - w.stats.outside_bound,
                            w.stats.ran
                        ),
                        format!(
                            "{wheel} 的 {} 次执行中有 {} 次在界限内",
                            w.stats.ran,
                            w.stats.ran - w.stats.outside_bound
                        ),
                    ),
                },
            },
            Check::RanAt { wheel, task, at_ms } => match r.task(wheel, task) {
                None => no_wheel(&format!("{wheel}/{task}")),
                Some(t) => Verdict {
                    passed: t.state == "ran" && t.at_ms == Some(*at_ms),
                    detail: match t.at_ms.filter(|_| t.state == "ran") {
                        Some(at) => text(format!("{task} ran at {at} ms"), format!("{task} 在 {at} ms 执行")),
                        None => text(format!("{task} is {}", t.state), format!("{task} 的状态：{}", t.state)),
                    },
                },
            },
            Check::RedisNothingLost => redis_nothing_lost(r),
        }
    }
}

fn redis_nothing_lost(r: &Read<'_>) -> Verdict {
    let Some(redis) = r.view.redis.as_ref() else {
        return no_wheel("redis");
    };
    let names: Vec<&str> = redis
        .members
        .iter()
        .filter(|m| m.lost)
        .map(|m| m.member.as_str())
        .collect();
    Verdict {
        passed: redis.lost == 0,
        detail: if redis.lost == 0 {
            text(
                format!("all {} members are in the set or published", redis.member_total),
                format!("全部 {} 个成员要么还在集合里，要么已投递", redis.member_total),
            )
        } else {
            text(
                format!("{} lost with a crashed poller: {}", redis.lost, names.join(", ")),
                format!("{} 个随崩溃的轮询者丢失：{}", redis.lost, names.join("、")),
            )
        },
    }
}

fn no_wheel(what: &str) -> Verdict {
    Verdict {
        passed: false,
        detail: text(
            format!("no timer or task `{what}`"),
            format!("没有定时器或任务 `{what}`"),
        ),
    }
}

impl Measure {
    pub fn evaluate(&self, r: &Read<'_>) -> Option<String> {
        match self {
            Measure::RanAtMs { wheel, task } => r.task(wheel, task).map(|t| match (t.state, t.at_ms) {
                ("ran", Some(at)) => at.to_string(),
                (state, _) => state.to_string(),
            }),
            Measure::Wakeups { wheel } => r.wheel(wheel).map(|w| w.stats.wakeups.to_string()),
            Measure::Moves { wheel } => r.wheel(wheel).map(|w| w.stats.moves.to_string()),
            Measure::Levels { wheel } => r.wheel(wheel).map(|w| w.levels.len().to_string()),
            Measure::PublishedAtMs { member } => r.member(member).map(|m| match m.published_at_ms {
                Some(at) => at.to_string(),
                None if m.lost => "lost".into(),
                None => "waiting".into(),
            }),
            Measure::TimesPublished { member } => r.member(member).map(|m| m.published.to_string()),
            Measure::RedisLost => r.view.redis.as_ref().map(|x| x.lost.to_string()),
        }
    }
}
