//! Chinese for the reasons a document is refused. The core writes each reason once, in English
//! (the runner's and the tests' language); the page shows it in the learner's language by
//! matching it against these templates, `{}` standing for a value that is carried over. serde's
//! own messages (unknown field, missing field, wrong type, EOF) are covered too.

/// `(English, Chinese)`; in Chinese `{0}`, `{1}`... are the values in English order. More
/// specific templates come first.
const TEMPLATES: &[(&str, &str)] = &[
    // serde_json / serde
    ("unknown field `{}`, expected one of {} at line {} column {}", "未知字段 `{0}`，可用的字段：{1}（第 {2} 行第 {3} 列）"),
    ("unknown field `{}`, expected {} at line {} column {}", "未知字段 `{0}`，应为 {1}（第 {2} 行第 {3} 列）"),
    ("unknown field `{}`, there are no fields at line {} column {}", "未知字段 `{0}`：这里不接受任何字段（第 {1} 行第 {2} 列）"),
    ("unknown variant `{}`, expected one of {} at line {} column {}", "未知取值 `{0}`，可用的取值：{1}（第 {2} 行第 {3} 列）"),
    ("unknown variant `{}`, expected {} at line {} column {}", "未知取值 `{0}`，应为 {1}（第 {2} 行第 {3} 列）"),
    ("missing field `{}` at line {} column {}", "缺少字段 `{0}`（第 {1} 行第 {2} 列）"),
    ("missing field `{}`", "缺少字段 `{0}`"),
    ("duplicate field `{}` at line {} column {}", "字段 `{0}` 出现了两次（第 {1} 行第 {2} 列）"),
    ("invalid type: {}, expected {} at line {} column {}", "类型不对：这里是 {0}，应为 {1}（第 {2} 行第 {3} 列）"),
    ("invalid value: {}, expected {} at line {} column {}", "取值不对：这里是 {0}，应为 {1}（第 {2} 行第 {3} 列）"),
    ("invalid length {}, expected {} at line {} column {}", "长度不对：这里是 {0}，应为 {1}（第 {2} 行第 {3} 列）"),
    ("EOF while parsing {} at line {} column {}", "文档在解析完之前就结束了（EOF：正在解析 {0}，第 {1} 行第 {2} 列）"),
    ("recursion limit exceeded at line {} column {}", "嵌套层数太多（第 {0} 行第 {1} 列）"),
    ("expected value at line {} column {}", "这里应该是一个 JSON 值（第 {0} 行第 {1} 列）"),
    ("expected {} at line {} column {}", "这里应为 {0}（第 {1} 行第 {2} 列）"),
    ("trailing comma at line {} column {}", "多了一个逗号（第 {0} 行第 {1} 列）"),
    ("key must be a string at line {} column {}", "键必须是字符串（第 {0} 行第 {1} 列）"),
    ("control character {} found while parsing a string at line {} column {}", "字符串里有控制字符 {0}（第 {1} 行第 {2} 列）"),
    ("invalid escape at line {} column {}", "无效的转义（第 {0} 行第 {1} 列）"),
    ("invalid number at line {} column {}", "无效的数字（第 {0} 行第 {1} 列）"),
    ("number out of range at line {} column {}", "数字超出范围（第 {0} 行第 {1} 列）"),
    ("invalid unicode code point at line {} column {}", "无效的 Unicode 码位（第 {0} 行第 {1} 列）"),
    ("trailing characters at line {} column {}", "文档之后还有多余的内容（第 {0} 行第 {1} 列）"),
    // the document
    ("the document is {} bytes; the limit is {} bytes", "文档有 {0} 字节，上限是 {1} 字节"),
    ("the lesson is {} bytes; the limit is {}", "课程文件有 {0} 字节，上限是 {1}"),
    ("the document must be a JSON object ({ ... })", "文档必须是一个 JSON 对象（{ ... }）"),
    ("unexpected text after the document: {}", "文档之后还有多余的内容：{0}"),
    ("must be an object with named fields, not an array", "必须是带字段名的对象，不能是数组"),
    ("this build reads versions 1 and {}, not {}", "这个版本只能读取第 1 版和第 {0} 版，不能读取第 {1} 版"),
    ("this build reads version {}", "这个版本只能读取第 {0} 版"),
    ("a scenario needs at least one system section: `kafka`, `rabbitmq`, `delay` or `rocketmq`", "场景至少需要一个系统部分：`kafka`、`rabbitmq`、`delay` 或 `rocketmq`"),
    ("an action needs one of `kafka`, `rabbitmq`, `delay`, `rocketmq` or `fault` beside `at_ms`", "每个动作除了 `at_ms` 还需要 `kafka`、`rabbitmq`、`delay`、`rocketmq` 或 `fault` 之一"),
    ("an action names exactly one of `kafka`, `rabbitmq`, `delay`, `rocketmq` or `fault`", "每个动作只能指定 `kafka`、`rabbitmq`、`delay`、`rocketmq`、`fault` 中的一个"),
    ("the scenario has no `{}` section", "场景中没有 `{0}` 部分"),
    // the timer lab (delay)
    ("between {} and {}", "必须在 {0} 到 {1} 之间"),
    ("1 to {} bytes, no control characters", "1 到 {0} 字节，不能有控制字符"),
    ("`{}` names another wheel", "`{0}` 已是另一个时间轮的名字"),
    ("no wheel named `{}` (the section has {})", "没有名为 `{0}` 的时间轮（已有：{1}）"),
    ("`{}` is made at {} ms (start_ms); this action is earlier", "`{0}` 在 {1} ms 才创建（start_ms）；这个动作更早"),
    ("`{}` is already a task of `{}`; give each task its own name", "`{0}` 已经是 `{1}` 的任务；每个任务要有自己的名字"),
    ("`{}` is already used by another add_many on `{}`", "`{0}` 已被 `{1}` 上的另一个 add_many 使用"),
    ("`{}` has no task `{}` added by an earlier `add`", "`{0}` 没有由更早的 `add` 加入的任务 `{1}`"),
    ("must not exceed delay_ms_max", "不能超过 delay_ms_max"),
    ("the scenario adds {} timer tasks in all; the limit is {}", "场景一共加入 {0} 个定时任务；上限是 {1}"),
    ("the scenario adds {} sorted-set members in all; the limit is {}", "场景一共加入 {0} 个有序集合成员；上限是 {1}"),
    ("between {} and {} wheels (or none beside a `redis` section)", "必须有 {0} 到 {1} 个时间轮（有 `redis` 部分时可以没有）"),
    ("between {} and {} pollers", "必须有 {0} 到 {1} 个轮询者"),
    ("only a poller with claim `lease` takes a lease", "只有 claim 为 `lease` 的轮询者才有租约"),
    ("`{}` names another node", "`{0}` 已是另一个节点的名字"),
    ("the `delay` section has no `redis` to ZADD to", "`delay` 部分没有可以 ZADD 的 `redis`"),
    ("`{}`: timers take no fault actions (only Redis pollers crash); cancel a task or add one instead", "`{0}`：定时器不接受故障动作（只有 Redis 轮询者可以崩溃）；请改为取消或加入任务"),
    ("must have 1 to {} steps", "必须有 1 到 {0} 步"),
    // RocketMQ
    ("the trace topic `{}` does not exist: set broker_config.traceTopicEnable (the brokers then create msgTraceTopicName) or name a topic of the section in customizedTraceTopic", "轨迹 Topic `{0}` 不存在：设置 broker_config.traceTopicEnable（Broker 会创建 msgTraceTopicName），或在 customizedTraceTopic 里写本部分已有的 Topic"),
    ("1 to {} characters from a-z A-Z 0-9 - _ % | (RocketMQ's topic and group rule)", "1 到 {0} 个字符，只能用 a-z A-Z 0-9 - _ % |（RocketMQ 的 Topic 与组名规则）"),
    ("`{}` is a system topic name (TopicValidator.isSystemTopic)", "`{0}` 是系统 Topic 的名字（TopicValidator.isSystemTopic）"),
    ("`{}` names another topic", "`{0}` 已是另一个 Topic 的名字"),
    ("`{}` names another broker, producer or consumer (or the name server, `namesrv`)", "`{0}` 已是另一个 Broker、生产者、消费者（或 NameServer `namesrv`）的名字"),
    ("no broker named `{}` (the section has {})", "没有名为 `{0}` 的 Broker（已有：{1}）"),
    ("no topic named `{}` (the section has {})", "没有名为 `{0}` 的 Topic（已有：{1}）"),
    ("no producer named `{}` (the section has {})", "没有名为 `{0}` 的生产者（已有：{1}）"),
    ("no topic named `{}` in `topics`", "`topics` 中没有名为 `{0}` 的 Topic"),
    ("between {} and {} brokers", "必须有 {0} 到 {1} 个 Broker"),
    ("between {} and {} topics", "必须有 {0} 到 {1} 个 Topic"),
    ("between {} and {} levels, e.g. `{}`", "必须有 {0} 到 {1} 个级别，例如 `{2}`"),
    ("at least one broker", "至少一个 Broker"),
    ("`{}` has no `outbox` (give it one to use send_outbox)", "`{0}` 没有 `outbox`（要使用 send_outbox 请先配置）"),
    ("a local database transaction commits or rolls back: COMMIT_MESSAGE or ROLLBACK_MESSAGE", "本地数据库事务只会提交或回滚：COMMIT_MESSAGE 或 ROLLBACK_MESSAGE"),
    ("`*` or tags joined by `||`, at most {} bytes", "`*` 或用 `||` 连接的 Tag，最多 {0} 字节"),
    ("members of `{}` must subscribe to the same topic with the same messageModel and listener (RocketMQ's subscription consistency)", "`{0}` 的成员必须以相同的 messageModel 和监听器订阅同一个 Topic（RocketMQ 的订阅关系一致性）"),
    ("1 to {} bytes, one tag (no `||`)", "1 到 {0} 字节，只能一个 Tag（不能有 `||`）"),
    ("1 to {} bytes, keys separated by spaces", "1 到 {0} 字节，多个 Key 用空格分隔"),
    ("a message has a delay level or a timer delay, not both", "一条消息只能有延迟级别或定时延迟之一，不能两者都有"),
    ("at most {} ({} days)", "最多 {0}（{1} 天）"),
    ("at most {} answers", "最多 {0} 个回答"),
    ("at most {} rules", "最多 {0} 条规则"),
    ("at most {} bytes", "最多 {0} 字节"),
    ("1 to {} bytes", "1 到 {0} 字节"),
    ("the ordinal of a message sent earlier: 1 to {}", "之前发送过的消息序号：1 到 {0}"),
    ("level {} (`{}`) needs a unit: s, m, h or d", "第 {0} 级（`{1}`）需要单位：s、m、h 或 d"),
    ("level {} (`{}`) is not a whole number and a unit", "第 {0} 级（`{1}`）不是“整数加单位”的形式"),
    ("-1 (the default) or between {} and {}", "-1（默认）或 {0} 到 {1} 之间"),
    ("the scenario sends {} RocketMQ messages in all; the limit is {}", "场景一共发送 {0} 条 RocketMQ 消息；上限是 {1}"),
    // ranges and limits
    ("must be between 6000 and 1800000 (group.min.session.timeout.ms / group.max.session.timeout.ms)", "必须在 6000 到 1800000 之间（group.min.session.timeout.ms / group.max.session.timeout.ms）"),
    ("must be between {} and {}", "必须在 {0} 到 {1} 之间"),
    ("must list between {} and {} topics", "必须列出 {0} 到 {1} 个主题"),
    ("must be at least 1 and below session_timeout_ms", "必须至少为 1，且小于 session_timeout_ms"),
    ("must be at least {}", "必须至少为 {0}"),
    ("must be at most {}", "最多为 {0}"),
    ("at most {} actions", "最多 {0} 个动作"),
    ("at most {} consumers", "最多 {0} 个消费者"),
    ("at most {} producers", "最多 {0} 个生产者"),
    ("at most {} fault rules", "最多 {0} 条故障规则"),
    ("must not exceed network.latency_ms_max", "不能超过 network.latency_ms_max"),
    ("must be after from_ms", "必须晚于 from_ms"),
    ("must name two different nodes", "必须是两个不同的节点"),
    ("must name at least one topic", "至少要指定一个主题"),
    ("is {} bytes; the limit is {}", "有 {0} 字节，上限是 {1}"),
    ("{} is after duration_ms ({})", "{0} 晚于 duration_ms（{1}）"),
    ("must be more than the current {} partitions of `{}` and at most {}", "必须多于 `{1}` 当前的 {0} 个分区，且最多为 {2}"),
    // names and references
    ("`{}` must be 1 to {} characters of a-z, A-Z, 0-9, '.', '_' or '-'", "`{0}` 必须由 1 到 {1} 个 a-z、A-Z、0-9、'.'、'_' 或 '-' 组成"),
    ("`{}` is the name of a Kafka node (broker-N, controller); choose another id", "`{0}` 是 Kafka 节点的名字（broker-N、controller），请换一个 id"),
    ("`{}` is already a producer's id", "`{0}` 已经是一个生产者的 id"),
    ("`{}` cannot crash or restart in this version: brokers and consumers can", "这个版本中 `{0}` 不能崩溃或重启：只有 broker 和消费者可以"),
    ("topic `{}` is listed twice", "主题 `{0}` 列出了两次"),
    ("producer `{}` is listed twice", "生产者 `{0}` 列出了两次"),
    ("consumer `{}` is listed twice", "消费者 `{0}` 列出了两次"),
    ("a consumer named `{}` already exists", "已经有一个名为 `{0}` 的消费者"),
    ("no producer named `{}`", "没有名为 `{0}` 的生产者"),
    ("no topic named `{}`", "没有名为 `{0}` 的主题"),
    ("no consumer named `{}` at this point", "此时还没有名为 `{0}` 的消费者"),
    ("no node named `{}` at this point (nodes are named as in the trace: broker-0, controller, or a client id)", "此时没有名为 `{0}` 的节点（节点名与日志中一致：broker-0、controller 或客户端 id）"),
    // budgets
    ("the scenario produces {} records in all; the limit is {}", "场景一共发送 {0} 条消息，上限是 {1}"),
    ("this scenario would cost about {} work units (events plus trace entries): {} for periodic work such as heartbeats, fetch long-polls and commits over {} s, and {} for {} record(s); the limit is {}. Shorten duration_ms, use fewer consumers or longer intervals, or produce fewer records", "这个场景约需 {0} 个工作单位（事件加日志条目）：{2} 秒内心跳、拉取长轮询、提交等周期性工作占 {1}，{4} 条消息占 {3}；上限是 {5}。请缩短 duration_ms、减少消费者或加大间隔，或少发一些消息"),
    // share links
    ("`{}` is not base64url", "`{0}` 不是 base64url 字符"),
    ("the encoded scenario is truncated", "链接中的场景不完整"),
    ("the scenario in the link is larger than 1 MiB", "链接中的场景超过 1 MiB"),
    ("the scenario in the link is not UTF-8", "链接中的场景不是 UTF-8 文本"),
    ("step `{}` is not a number", "step `{0}` 不是数字"),
    // the most general last
    ("at most {}", "最多 {0}"),
];

/// The values the `{}` of `template` stand for in `text`, if `text` has its shape.
fn capture<'a>(template: &str, text: &'a str) -> Option<alloc::vec::Vec<&'a str>> {
    let parts: alloc::vec::Vec<&str> = template.split("{}").collect();
    let rest = text.strip_prefix(parts[0])?;
    let mut values = alloc::vec::Vec::new();
    if fill(&parts[1..], rest, &mut values) {
        Some(values)
    } else {
        None
    }
}

/// Matches the literal `parts` in order, each value a non-empty run before the next literal
/// (trying each occurrence, so a value may contain the next literal's text).
fn fill<'a>(parts: &[&str], text: &'a str, values: &mut alloc::vec::Vec<&'a str>) -> bool {
    let Some((literal, more)) = parts.split_first() else {
        return text.is_empty();
    };
    if literal.is_empty() && more.is_empty() {
        values.push(text);
        return !text.is_empty();
    }
    let mut from = 1;
    while from <= text.len() {
        let Some(found) = text.get(from..).and_then(|t| t.find(literal)) else {
            return false;
        };
        let at = from + found;
        values.push(&text[..at]);
        if fill(more, &text[at + literal.len()..], values) {
            return true;
        }
        values.pop();
        from = at + 1;
        while from < text.len() && !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The Chinese for a reason, when one of the templates has its shape.
pub fn reason_zh(en: &str) -> Option<alloc::string::String> {
    TEMPLATES.iter().find_map(|(template, zh)| {
        let values = capture(template, en)?;
        let mut out = alloc::string::String::from(*zh);
        for (i, v) in values.iter().enumerate() {
            out = out.replace(&alloc::format!("{{{i}}}"), v);
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_over_in_their_places() {
        assert_eq!(
            reason_zh("must be between 1 and 64").as_deref(),
            Some("必须在 1 到 64 之间")
        );
        assert_eq!(
            reason_zh("must be more than the current 5 partitions of `orders` and at most 64").as_deref(),
            Some("必须多于 `orders` 当前的 5 个分区，且最多为 64")
        );
        assert_eq!(
            reason_zh("unknown field `replicas`, expected one of `name`, `partitions` at line 3 column 40").as_deref(),
            Some("未知字段 `replicas`，可用的字段：`name`, `partitions`（第 3 行第 40 列）")
        );
        assert_eq!(reason_zh("something no template knows"), None);
    }

    #[test]
    fn every_template_matches_its_own_shape() {
        for (template, zh) in TEMPLATES {
            let sample = template.replace("{}", "X1");
            let out = reason_zh(&sample).unwrap_or_else(|| panic!("{template} does not match itself"));
            assert!(
                out.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{template} -> {out}"
            );
            let holes = template.matches("{}").count();
            for i in 0..holes {
                assert!(
                    zh.contains(&alloc::format!("{{{i}}}")),
                    "{template}: the Chinese drops value {i}"
                );
            }
        }
    }
}
