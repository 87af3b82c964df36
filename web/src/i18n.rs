//! Every user-visible string of the interface, in English and Simplified Chinese. Sentences about
//! the simulation itself come from `mqplay_core::trace` and the lesson files.
use mqplay_core::Lang;

/// `(key, English, 简体中文)`.
pub const STRINGS: &[(&str, &str, &str)] = &[
    (
        "app.tagline",
        "See what message brokers really do — step by step.",
        "一步一步看清消息队列到底在做什么。",
    ),
    (
        "app.title",
        "mqplay — message queue playground",
        "mqplay — 消息队列演练场",
    ),
    ("nav.lessons", "Lessons", "课程"),
    ("nav.free_play", "Free play", "自由模式"),
    ("nav.examples", "Ready scenarios", "现成场景"),
    (
        "nav.lessons_planned",
        "Next: Kafka replication and exactly-once (Q5, Q13, Q14, Q18, Q19), storage, throughput and monitoring (Q4, Q7, Q16, Q20, Q23). Kafka consumer groups (Q6) now run all four client assignors, cooperative rebalancing and static members, with an assignor lab. RocketMQ already runs: transactions with check-back, delay levels and RocketMQ 5 timers, ordered queues, retries to the DLQ, the outbox beside half messages and message traces (Q11, Q12, Q15, Q22, Q24), and the ready scenarios below, beside the timer lab's wheels and Redis delay queue.",
        "接下来：Kafka 副本与精确一次（Q5、Q13、Q14、Q18、Q19），存储、吞吐与监控（Q4、Q7、Q16、Q20、Q23）。Kafka 消费者组（Q6）已支持全部四种客户端分配策略、协作式再均衡和静态成员，并配有分配策略实验室。RocketMQ 已经可以运行：带回查的事务消息、延迟级别与 RocketMQ 5 定时消息、顺序队列、重试直至死信、本地消息表与半消息对照、消息轨迹（Q11、Q12、Q15、Q22、Q24），以及下面的现成场景，另有时间轮实验室和 Redis 延迟队列。",
    ),
    ("lang.toggle", "中文", "English"),
    ("theme.to_dark", "Switch to dark colours", "切换到深色"),
    ("theme.to_light", "Switch to light colours", "切换到浅色"),
    ("lang.toggle_label", "Switch language to Chinese", "切换到英文"),
    ("ctl.play", "Play", "播放"),
    ("ctl.pause", "Pause", "暂停"),
    ("ctl.step", "Step", "下一步"),
    ("ctl.step_back", "Back", "上一步"),
    ("ctl.reset", "Reset", "重置"),
    ("ctl.speed", "Speed", "速度"),
    ("ctl.timeline", "Timeline (step)", "时间线（步）"),
    ("ctl.time", "Virtual time", "虚拟时间"),
    ("ctl.steps", "step", "步"),
    (
        "ctl.finished",
        "Idle: nothing more is scheduled",
        "空闲：没有待发生的事件",
    ),
    (
        "ctl.keys",
        "Keys: space play/pause, ← → step, ? all shortcuts. Speed 1× = real time.",
        "快捷键：空格 播放/暂停，← → 单步，? 查看全部。速度 1× = 真实时间。",
    ),
    ("lab.title", "Assignor lab", "分配策略实验室"),
    (
        "lab.entry",
        "Run Kafka's four client assignors on any group, side by side.",
        "在任意消费组上并排运行 Kafka 的四种客户端分配策略。",
    ),
    ("lab.open", "Open the lab", "打开实验室"),
    (
        "lab.intro",
        "Type topics and members, or start from a preset or the group on this page. Each column is what that assignor (Kafka's own algorithm, as the group leader runs it) would hand out. Solid chips stay with the member that owned them; outlined ones are new to it; struck-through ones the cooperative assignor makes their owner give up first.",
        "填写主题和成员，或者从预设、本页的消费组开始。每一列是该分配策略（Kafka 自己的算法，与组 leader 运行的一样）的结果。实心的分区留在原主人手里；空心的是新分到的；划线的是协作式策略要求原主人先交出的。",
    ),
    ("lab.preset", "Start from", "从这里开始"),
    ("lab.custom", "— your own group —", "— 自己的消费组 —"),
    ("lab.use_group", "Use this page's group", "使用本页的消费组"),
    ("lab.topics_title", "Topics", "主题"),
    ("lab.members_title", "Members", "成员"),
    ("lab.topic", "topic", "主题"),
    ("lab.member", "member", "成员"),
    ("lab.name", "Name", "名称"),
    ("lab.partitions", "Partitions", "分区数"),
    ("lab.racks", "Replica racks", "副本机架"),
    ("lab.member_id", "Member id", "成员 ID"),
    ("lab.topics", "Subscribes to", "订阅"),
    ("lab.instance", "group.instance.id", "group.instance.id"),
    ("lab.rack", "client.rack", "client.rack"),
    ("lab.owned", "Owns now", "当前拥有"),
    ("lab.generation", "Generation", "代数"),
    ("lab.remove", "Remove", "删除"),
    ("lab.add_topic", "Topic", "主题"),
    ("lab.add_member", "Member", "成员"),
    (
        "lab.hint",
        "Racks: \"a b c\" puts partition p on the p-th rack in turn; \"a,b | b | c\" lists each partition's replica racks. Owned partitions are written as Kafka prints them: orders-0 orders-3. Members are taken in this order, as Kafka's leader receives them.",
        "机架：\"a b c\" 表示分区 p 依次放在第 p 个机架上；\"a,b | b | c\" 逐个列出每个分区副本所在的机架。拥有的分区按 Kafka 的写法填写：orders-0 orders-3。成员按这里的顺序交给 leader，与 Kafka 一致。",
    ),
    ("lab.kept", "kept: it owned this partition", "保留：它原本就拥有这个分区"),
    ("lab.fresh", "new to this member", "新分到这个成员"),
    ("lab.revoked", "must be given up first (cooperative)", "必须先交出（协作式）"),
    ("lab.per_member", "per member", "每个成员"),
    ("lab.kept_n", "kept", "保留"),
    ("lab.moved_n", "moved", "移动"),
    ("lab.why", "Why each partition went where it did", "每个分区为什么分到这里"),
    ("insp.assignor", "Assignor in use", "当前分配策略"),
    ("insp.strategy", "partition.assignment.strategy", "partition.assignment.strategy"),
    ("act.title", "Do something", "动手试试"),
    ("act.key", "Key", "键（key）"),
    (
        "act.key_placeholder",
        "e.g. order-42 (empty = no key)",
        "例如 order-42（留空 = 无 key）",
    ),
    ("act.value", "Value", "值（value）"),
    ("act.produce", "Produce record", "发送消息"),
    ("act.add_consumer", "Add consumer", "添加消费者"),
    ("act.remove_consumer", "Remove", "移除"),
    ("act.crash_consumer", "Crash", "崩溃"),
    ("act.crash", "Crash", "宕机"),
    ("act.restart", "Restart", "重启"),
    (
        "act.no_producer",
        "This scenario has no producer.",
        "此场景没有生产者。",
    ),
    (
        "act.no_group",
        "This scenario has no consumer group to join.",
        "此场景没有可加入的消费者组。",
    ),
    ("scn.share", "Share link", "分享链接"),
    (
        "scn.copied",
        "Link copied to the clipboard. It carries the whole scenario.",
        "链接已复制到剪贴板，其中包含完整场景。",
    ),
    ("scn.export", "Export JSON", "导出 JSON"),
    ("scn.import", "Import JSON", "导入 JSON"),
    ("scn.import_title", "Paste a scenario (JSON)", "粘贴场景（JSON）"),
    ("scn.load", "Load", "加载"),
    ("scn.cancel", "Cancel", "取消"),
    ("scn.invalid", "The scenario was not loaded:", "场景未加载："),
    (
        "scn.url_invalid",
        "The scenario in the link could not be loaded; showing the default instead:",
        "链接中的场景无法加载，已显示默认场景：",
    ),
    ("scn.dismiss", "Dismiss", "关闭"),
    ("log.title", "What happened", "发生了什么"),
    (
        "log.empty",
        "Nothing has happened yet.",
        "还没有发生任何事件。",
    ),
    ("log.earlier", "earlier entries not shown", "更早的记录未显示"),
    ("insp.title", "Inspector", "详情"),
    (
        "insp.hint",
        "Select a broker, partition, record or consumer to see its details.",
        "点选 broker、分区、消息或消费者查看详情。",
    ),
    ("insp.broker", "Broker", "Broker"),
    ("insp.up", "running", "运行中"),
    ("insp.down", "down", "已宕机"),
    ("insp.fenced", "fenced by the controller", "已被 controller 隔离"),
    ("insp.leads", "Leads", "担任 leader 的分区"),
    ("insp.coordinator_of", "Group coordinator of", "担任协调者的消费者组"),
    ("insp.partition", "Partition", "分区"),
    ("insp.leader", "Leader", "Leader"),
    ("insp.no_leader", "none (offline)", "无（离线）"),
    ("insp.leo", "Log end offset", "日志末端 offset"),
    ("insp.owner", "Consumed by", "消费者"),
    ("insp.committed", "Committed", "已提交"),
    ("insp.lag", "Lag", "积压"),
    ("insp.none", "none", "无"),
    ("insp.record", "Record", "消息"),
    ("insp.offset", "Offset", "Offset"),
    ("insp.why_partition", "Why this partition", "为什么是这个分区"),
    (
        "insp.sticky",
        "No key: the sticky partitioner chose it (KIP-794).",
        "无 key：由粘性分区器选择（KIP-794）。",
    ),
    ("insp.consumer", "Consumer", "消费者"),
    ("insp.group", "Group", "消费者组"),
    ("insp.state", "State", "状态"),
    ("insp.generation", "Generation", "代"),
    ("insp.member_id", "Member id", "成员 ID"),
    ("insp.assigned", "Assigned", "分配到的分区"),
    ("insp.positions", "Position / lag", "消费位置 / 积压"),
    (
        "insp.recent",
        "Recently consumed (per-key order)",
        "最近消费（按 key 的顺序）",
    ),
    ("insp.members", "Members", "成员"),
    ("insp.producer", "Producer", "生产者"),
    ("insp.stats", "sent / acked / failed", "发送 / 确认 / 失败"),
    ("diag.title", "Cluster", "集群"),
    ("diag.producers", "Producers", "生产者"),
    ("diag.consumers", "Consumer groups", "消费者组"),
    ("diag.down", "DOWN", "宕机"),
    ("diag.fenced", "FENCED", "已隔离"),
    ("diag.coordinator", "coordinator", "协调者"),
    ("diag.idle", "idle", "空闲"),
    ("diag.lag", "lag", "积压"),
    ("diag.offline", "offline", "离线"),
    ("diag.no_key", "no key", "无 key"),
    ("diag.cell", "{} offset {} · key {} · {}", "{} 偏移量 {} · key {} · {}"),
    ("diag.generation", "gen {}", "第 {} 代"),
    ("diag.partitions_n", "{} partitions", "{} 个分区"),
    ("group.Empty", "Empty", "空（Empty）"),
    ("group.PreparingRebalance", "PreparingRebalance", "准备再均衡"),
    ("group.CompletingRebalance", "CompletingRebalance", "等待分配方案"),
    ("group.Stable", "Stable", "稳定"),
    ("group.Dead", "Dead", "已删除"),
    ("log.seek", "Go back to step {}", "回到第 {} 步"),
    (
        "insp.sticky_partition",
        "Sticky partition (keyless)",
        "粘性分区（无 key）",
    ),
    ("insp.clear", "Clear the selection", "取消选择"),
    ("scn.document", "(document)", "（整个文档）"),
    ("phase.finding-coordinator", "finding coordinator", "查找协调者"),
    ("phase.joining", "joining", "加入中"),
    ("phase.syncing", "syncing", "同步中"),
    ("phase.stable", "stable", "稳定"),
    ("phase.stopped", "closed", "已关闭"),
    ("phase.crashed", "crashed", "已崩溃"),
    ("lesson.step", "Step", "第"),
    ("lesson.of", "of", "/"),
    ("lesson.prev", "Previous", "上一步"),
    ("lesson.next", "Next", "下一步"),
    ("lesson.leave", "Leave lesson and play freely", "离开课程，自由操作"),
    ("lesson.resume", "Back to the lesson", "回到课程"),
    ("lesson.predict", "Predict the outcome", "预测结果"),
    ("lesson.run", "Run it and see", "运行看看"),
    ("lesson.choose_first", "Choose an answer first.", "请先选择一个答案。"),
    ("lesson.right", "You predicted it.", "预测正确。"),
    ("lesson.wrong", "Not what you predicted.", "和你的预测不同。"),
    ("lesson.check", "Check", "检查"),
    ("ref.source", "source", "出处"),
    ("kafka.reference", "Kafka settings the simulator models (Kafka 4.x defaults)", "模拟器建模的 Kafka 配置（Kafka 4.x 默认值）"),
    ("lesson.mechanism", "Mechanism", "机制"),
    ("lesson.due", "Due", "应到时间"),
    ("lesson.measured", "Measured", "实测"),
    ("lesson.off_by", "Off by", "偏差"),
    ("lesson.on_time", "on time", "准时"),
    ("lesson.early_ms", "{} ms early", "提前 {} ms"),
    ("lesson.late_ms", "{} ms late", "晚 {} ms"),
    ("lesson.passed", "passed", "通过"),
    ("lesson.failed", "failed", "未通过"),
    ("lesson.done", "Lesson complete.", "课程完成。"),
    ("lesson.question", "Interview question", "面试题"),
    ("err.key_too_long", "key: at most 256 bytes", "key：最多 256 字节"),
    (
        "act.no_kafka",
        "This scenario has no Kafka cluster.",
        "此场景没有 Kafka 集群。",
    ),
    (
        "job.to_step",
        "Running to step {} of {}…",
        "正在运行到第 {} 步（共 {} 步）…",
    ),
    (
        "job.to_entry",
        "Running until something happens: t = {} s of {} s, step {}…",
        "正在运行，直到有事件发生：t = {} 秒（共 {} 秒），第 {} 步…",
    ),
    (
        "job.to_end",
        "Running to the end of the scenario: t = {} s of {} s, step {}…",
        "正在运行到场景结束：t = {} 秒（共 {} 秒），第 {} 步…",
    ),
    ("job.progress", "Progress", "进度"),
    ("job.stop", "Stop here", "停在这里"),
    (
        "ctl.halted",
        "The simulation stopped before its end:",
        "模拟在结束前停止：",
    ),
    (
        "err.value_too_long",
        "value: at most 1024 bytes",
        "value：最多 1024 字节",
    ),
    ("help.title", "Keyboard shortcuts", "键盘快捷键"),
    ("help.close", "Close", "关闭"),
    ("help.play", "Play or pause", "播放或暂停"),
    ("help.step", "Step back / forward one event that says something; in a lesson: previous / next step", "后退 / 前进一条有说明的事件；在课程中：上一步 / 下一步"),
    ("help.next", "Lesson: next step (while a step plays: show its end)", "课程：下一步（步骤播放中时：先显示它的结果）"),
    ("help.prev", "Lesson: previous step", "课程：上一步"),
    ("help.replay", "Lesson: play the step again", "课程：重新播放这一步"),
    ("help.details", "Show or hide technical details (member ids, KIP numbers, hash arithmetic)", "显示或隐藏技术细节（成员 ID、KIP 编号、哈希计算）"),
    ("help.tab", "Move between controls, lesson, actions and the log", "在控制栏、课程、操作和日志之间移动"),
    ("help.log", "In the log: move between lines (← → inside a partition: between records)", "在日志中：在各行之间移动（在分区内用 ← →：在消息之间移动）"),
    ("help.enter", "Go to the focused log line, or inspect the focused element", "跳到选中的日志行，或查看选中元素的详情"),
    ("help.escape", "Close a dialog", "关闭对话框"),
    ("help.help", "Show this list", "显示此列表"),
    (
        "help.speed",
        "Speed: 1× runs virtual time at real time, 2× twice as fast, and so on. Each new log line also holds the clock for a moment (0.45 s at 1×, shorter when faster) so it can be read.",
        "速度：1× 表示虚拟时间与真实时间同速，2× 为两倍速，依此类推。每出现一条新日志，时钟还会停留片刻（1× 时 0.45 秒，越快越短），方便阅读。",
    ),
    ("confirm.free_play_title", "Start free play again?", "重新开始自由模式？"),
    (
        "confirm.free_play",
        "Free play restarts the default scenario. What you added to this one (records, consumers, crashes) or imported will be gone; export it or share a link first to keep it.",
        "自由模式会重新开始默认场景。你在当前场景中添加的内容（消息、消费者、宕机）或导入的场景都会丢失；如需保留，请先导出或分享链接。",
    ),
    ("confirm.discard", "Discard and restart", "放弃并重新开始"),
    ("confirm.keep", "Keep working", "继续当前场景"),
    ("log.details", "Details", "技术细节"),
    (
        "log.details_hint",
        "Show member ids, KIP numbers and hash arithmetic",
        "显示成员 ID、KIP 编号和哈希计算",
    ),
    ("lesson.played", "Step played", "本步已播放"),
    ("lesson.playing", "Playing the step…", "正在播放本步…"),
    ("lesson.paused", "Paused", "已暂停"),
    ("lesson.progress", "How far the step has played", "本步的播放进度"),
    ("lesson.replay", "Replay step", "重播本步"),
    ("lesson.pace", "Pace", "节奏"),
    ("lesson.skip", "Show the end", "直接看结果"),
    ("lesson.step_of", "Step {} of {}", "第 {} 步，共 {} 步"),
    ("welcome.title", "Welcome to mqplay", "欢迎来到 mqplay"),
    (
        "welcome.body",
        "Drive a small Kafka cluster and watch every record, request and rebalance happen, explained one line at a time.",
        "操作一个小型 Kafka 集群，看清每一条消息、每一个请求和每一次再均衡，每一步都有一句说明。",
    ),
    ("welcome.start", "Start here", "从这里开始"),
    (
        "welcome.paused",
        "The cluster waits, paused, until you press Play or Step, or open a lesson.",
        "集群已暂停，等你点“播放”“下一步”或打开一节课程。",
    ),
    ("diag.waiting", "waiting", "等待中"),
    ("diag.older", "{} older records not shown", "还有 {} 条更早的消息未显示"),
    ("diag.position_of", "{}: next offset to read {}", "{}：下一个要读取的 offset 为 {}"),
    ("diag.committed_of", "{}: committed offset {}", "{}：已提交的 offset 为 {}"),
    ("legend.title", "Legend", "图例"),
    ("legend.more", "+{} more keys", "另有 {} 个 key"),
    ("legend.position", "consumer position", "消费者位置"),
    ("legend.committed", "committed offset", "已提交 offset"),
    ("insp.waiting", "Waiting for", "正在等待"),
    (
        "insp.keyed_plain",
        "The key's hash picks the partition, so every record with this key lands here (turn on Details for the arithmetic).",
        "分区由 key 的哈希决定，所以这个 key 的所有消息都落在这里（打开“技术细节”可看计算过程）。",
    ),
    (
        "insp.sticky_plain",
        "No key: the producer keeps keyless records on one partition for a while, then moves on.",
        "无 key：生产者会把无 key 的消息在一个分区上放一阵，再换到下一个分区。",
    ),
    ("wait.leader", "a leader for {} (gives up at t = {})", "{} 的 leader（t = {} 时放弃）"),
    ("wait.buffer", "buffer.memory to free up (send() blocks)", "buffer.memory 释放空间（send() 阻塞中）"),
    ("wait.coordinator", "its group coordinator", "它的组协调者"),
    ("wait.rebalance", "the rebalance to finish", "再均衡完成"),
    ("wait.long_poll", "new records (long poll at {})", "新消息（在 {} 长轮询）"),
];

/// Looks a key up; an unknown key shows itself, so a typo is visible instead of blank.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match all().find(|(k, _, _)| *k == key) {
        Some((_, en, zh)) => match lang {
            Lang::En => en,
            Lang::Zh => zh,
        },
        None => key,
    }
}

/// The shell's strings, then each system's own.
fn all() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    STRINGS
        .iter()
        .chain(crate::rabbit::strings::STRINGS) // system: rabbitmq
        .chain(crate::delay::strings::STRINGS) // system: delay
        .chain(crate::rocket::strings::STRINGS) // system: rocketmq
}

/// A string with one `{}` filled in (word order differs between the languages).
pub fn t1(lang: Lang, key: &'static str, value: impl core::fmt::Display) -> String {
    t(lang, key).replacen("{}", &value.to_string(), 1)
}

/// A string with two `{}` filled in, in order.
pub fn t2(lang: Lang, key: &'static str, a: impl core::fmt::Display, b: impl core::fmt::Display) -> String {
    tn(lang, key, &[&a, &b])
}

/// A string with each `{}` filled in, in order.
pub fn tn(lang: Lang, key: &'static str, values: &[&dyn core::fmt::Display]) -> String {
    values
        .iter()
        .fold(t(lang, key).to_string(), |s, v| s.replacen("{}", &v.to_string(), 1))
}

/// A group state from the view (Kafka's name in English; in Chinese, what it means).
pub fn group_state(lang: Lang, state: &str) -> &'static str {
    match state {
        "Empty" => t(lang, "group.Empty"),
        "PreparingRebalance" => t(lang, "group.PreparingRebalance"),
        "CompletingRebalance" => t(lang, "group.CompletingRebalance"),
        "Stable" => t(lang, "group.Stable"),
        _ => t(lang, "group.Dead"),
    }
}

/// A consumer phase from the view (`stable`, `joining`, ...) in the learner's language.
pub fn phase(lang: Lang, phase: &str) -> &'static str {
    match phase {
        "finding-coordinator" => t(lang, "phase.finding-coordinator"),
        "joining" => t(lang, "phase.joining"),
        "syncing" => t(lang, "phase.syncing"),
        "stable" => t(lang, "phase.stable"),
        "stopped" => t(lang, "phase.stopped"),
        _ => t(lang, "phase.crashed"),
    }
}

pub fn pick(lang: Lang, text: &mqplay_core::scenario::Text) -> &str {
    match lang {
        Lang::En => &text.en,
        Lang::Zh => &text.zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_exists_in_both_languages_once() {
        let mut keys: Vec<&str> = all().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate keys");
        for (k, en, zh) in all() {
            assert!(
                !en.trim().is_empty() && !zh.trim().is_empty(),
                "{k} is empty in a language"
            );
        }
    }

    #[test]
    fn every_consumer_phase_has_a_label() {
        for phase in [
            "finding-coordinator",
            "joining",
            "syncing",
            "stable",
            "stopped",
            "crashed",
        ] {
            let label = super::phase(Lang::Zh, phase);
            assert!(!label.starts_with("phase."), "{phase} has no label");
        }
        // The view's names are the core's: keep them in step.
        use mqplay_core::kafka::consumer::Phase;
        for p in [
            Phase::FindingCoordinator,
            Phase::Joining,
            Phase::Syncing,
            Phase::Stable,
            Phase::Stopped,
            Phase::Crashed,
        ] {
            assert_ne!(super::phase(Lang::En, p.name()), "", "{p:?}");
            assert!(
                p.name() == "crashed" || super::phase(Lang::En, p.name()) != t(Lang::En, "phase.crashed"),
                "{p:?} falls through"
            );
        }
    }

    #[test]
    fn every_key_used_in_the_source_is_defined() {
        // Scans the components for t(lang, "...") so a missing string fails here, not on screen.
        let sources = [
            include_str!("shell/app.rs"),
            include_str!("shell/controls.rs"),
            include_str!("shell/event_log.rs"),
            include_str!("shell/inspector.rs"),
            include_str!("shell/lesson_panel.rs"),
            include_str!("shell/progress.rs"),
            include_str!("shell/scenario_io.rs"),
            include_str!("shell/sidebar.rs"),
            include_str!("kafka/actions.rs"),
            include_str!("kafka/diagram.rs"),
            include_str!("kafka/inspector.rs"),
            include_str!("kafka/mod.rs"),
            include_str!("rabbit/actions.rs"),
            include_str!("rabbit/diagram.rs"),
            include_str!("rabbit/inspector.rs"),
            include_str!("rabbit/mod.rs"),
            include_str!("rabbit/tester.rs"),
            include_str!("rabbit/code_view.rs"),
            include_str!("delay/actions.rs"),
            include_str!("delay/dial.rs"),
            include_str!("delay/mod.rs"),
            include_str!("delay/zset_view.rs"),
            include_str!("state.rs"),
        ];
        let mut missing = Vec::new();
        for src in sources {
            let calls = [
                "t(lang, \"",
                "t(p.lang, \"",
                "t1(lang, \"",
                "t2(lang, \"",
                "tn(lang, \"",
                ", lang, \"",
            ];
            for part in calls.iter().flat_map(|call| src.split(call).skip(1)) {
                let key = part.split('"').next().unwrap_or_default();
                if !all().any(|(k, _, _)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "undefined strings: {missing:?}");
    }
}
