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
    (
        "nav.lessons_planned",
        "More lessons for the other interview questions are planned.",
        "其余面试题的课程正在规划中。",
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
        "Keys: space play/pause, ← → step",
        "快捷键：空格 播放/暂停，← → 单步",
    ),
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
        "Nothing yet. Press Step or Play.",
        "还没有事件。点“下一步”或“播放”。",
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
];

/// Looks a key up; an unknown key shows itself, so a typo is visible instead of blank.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match STRINGS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, zh)) => match lang {
            Lang::En => en,
            Lang::Zh => zh,
        },
        None => key,
    }
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
        let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate keys");
        for (k, en, zh) in STRINGS {
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
                if !STRINGS.iter().any(|(k, _, _)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "undefined strings: {missing:?}");
    }
}
