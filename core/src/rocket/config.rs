//! Every RocketMQ setting the simulator models, by its RocketMQ name, with its default and where
//! it comes from. The scenario takes them under these names (`broker_config`, a producer's or a
//! consumer's `config`); `mqplay defaults` prints [`REFERENCE`].
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::scenario::{err, ScenarioError};

/// `DefaultMQProducer.defaultTopicQueueNums`: queues per broker of an auto-created topic.
pub const DEFAULT_TOPIC_QUEUE_NUMS: u32 = 4;
/// `MessageStoreConfig.messageDelayLevel`.
pub const DEFAULT_DELAY_LEVELS: &str = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

/// `TopicValidator`: topics the broker owns.
pub const SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
pub const HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
pub const OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
pub const TIMER_TOPIC: &str = "rmq_sys_wheel_timer";
/// Where a half message goes when it was checked `transactionCheckMax` times
/// (`TransactionalMessageUtil.buildCheckMaxTimeTopic` / `TopicValidator.SYSTEM_TOPIC_PREFIX`).
pub const CHECK_MAX_TIME_TOPIC: &str = "TRANS_CHECK_MAX_TIME_TOPIC";
pub const RETRY_PREFIX: &str = "%RETRY%";
pub const DLQ_PREFIX: &str = "%DLQ%";

pub fn is_system_topic(name: &str) -> bool {
    name.starts_with("rmq_sys_")
        || name.starts_with("RMQ_SYS_")
        || name.starts_with(RETRY_PREFIX)
        || name.starts_with(DLQ_PREFIX)
        || [
            SCHEDULE_TOPIC,
            CHECK_MAX_TIME_TOPIC,
            "TBW102",
            "SELF_TEST_TOPIC",
            "OFFSET_MOVED_EVENT",
        ]
        .contains(&name)
}

/// The broker's settings (`BrokerConfig`, `MessageStoreConfig`), shared by every broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BrokerConfig {
    #[serde(default = "default_levels")]
    pub message_delay_level: String,
    /// `BrokerConfig.transactionTimeOut`: a half message younger than this is not checked.
    #[serde(default = "default_transaction_timeout", rename = "transactionTimeOut")]
    pub transaction_time_out: u64,
    /// `BrokerConfig.transactionCheckInterval`: how often the check service runs.
    #[serde(default = "default_check_interval")]
    pub transaction_check_interval: u64,
    /// `BrokerConfig.transactionCheckMax`: checks before a half message is discarded.
    #[serde(default = "default_check_max")]
    pub transaction_check_max: u32,
    /// `MessageStoreConfig.timerPrecisionMs`: the timer wheel's slot.
    #[serde(default = "default_timer_precision")]
    pub timer_precision_ms: u64,
    /// `MessageStoreConfig.timerMaxDelaySec`: the longest timer delay a send may ask.
    #[serde(default = "default_timer_max_delay")]
    pub timer_max_delay_sec: u64,
    /// `BrokerConfig.traceTopicEnable`: the broker creates `msgTraceTopicName` (1 queue) at start.
    #[serde(default)]
    pub trace_topic_enable: bool,
    #[serde(default = "default_trace_topic")]
    pub msg_trace_topic_name: String,
    /// `BrokerConfig.regionId` and `traceOn`: stamped on every message sent to the broker as the
    /// `MSG_REGION` and `TRACE_ON` properties, and in each SEND_OK; a client's trace hooks skip
    /// messages whose `TRACE_ON` is `false`.
    #[serde(default = "default_region")]
    pub region_id: String,
    #[serde(default = "yes")]
    pub trace_on: bool,
    /// `BrokerConfig.registerNameServerPeriod`: how often the broker registers with the name
    /// server (the schedule clamps it to 10..60 s).
    #[serde(default = "default_register_period")]
    pub register_name_server_period: u64,
    /// `MessageStoreConfig.brokerRole` of every master: ASYNC_MASTER answers a send once the
    /// master stored it; SYNC_MASTER also waits for the slave, but in 5.x only when
    /// `inSyncReplicas` is 2 or more (`CommitLog.handleHA`).
    #[serde(default)]
    pub broker_role: BrokerRole,
    /// `MessageStoreConfig.inSyncReplicas`: the master counts as one.
    #[serde(default = "one")]
    pub in_sync_replicas: u32,
    /// `MessageStoreConfig.slaveTimeout`: how long a SYNC_MASTER send waits for the slave before
    /// answering FLUSH_SLAVE_TIMEOUT.
    #[serde(default = "default_slave_timeout")]
    pub slave_timeout: u64,
}

/// `BrokerRole` of a master.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BrokerRole {
    #[default]
    AsyncMaster,
    SyncMaster,
}

fn one() -> u32 {
    1
}
fn default_slave_timeout() -> u64 {
    3_000
}

/// `TopicValidator.RMQ_SYS_TRACE_TOPIC`.
pub const TRACE_TOPIC: &str = "RMQ_SYS_TRACE_TOPIC";
/// `MixAll.DEFAULT_TRACE_REGION_ID`.
pub const DEFAULT_REGION: &str = "DefaultRegion";

fn default_trace_topic() -> String {
    TRACE_TOPIC.into()
}
fn default_region() -> String {
    DEFAULT_REGION.into()
}
fn yes() -> bool {
    true
}

fn default_register_period() -> u64 {
    30_000
}
/// `ClientConfig.pollNameServerInterval`.
fn default_poll_name_server() -> u64 {
    30_000
}

fn default_levels() -> String {
    DEFAULT_DELAY_LEVELS.into()
}
fn default_transaction_timeout() -> u64 {
    6_000
}
fn default_check_interval() -> u64 {
    30_000
}
fn default_check_max() -> u32 {
    15
}
fn default_timer_precision() -> u64 {
    1_000
}
fn default_timer_max_delay() -> u64 {
    3 * 24 * 3600
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            message_delay_level: default_levels(),
            transaction_time_out: default_transaction_timeout(),
            transaction_check_interval: default_check_interval(),
            transaction_check_max: default_check_max(),
            timer_precision_ms: default_timer_precision(),
            timer_max_delay_sec: default_timer_max_delay(),
            trace_topic_enable: false,
            msg_trace_topic_name: default_trace_topic(),
            region_id: default_region(),
            trace_on: true,
            register_name_server_period: default_register_period(),
            broker_role: BrokerRole::AsyncMaster,
            in_sync_replicas: 1,
            slave_timeout: default_slave_timeout(),
        }
    }
}

fn range(errors: &mut Vec<ScenarioError>, p: &str, field: &str, v: u64, lo: u64, hi: u64) {
    if !(lo..=hi).contains(&v) {
        errors.push(err(format!("{p}.{field}"), format!("between {lo} and {hi}")));
    }
}

impl BrokerConfig {
    pub fn is_default(&self) -> bool {
        *self == BrokerConfig::default()
    }
    pub fn validate(&self, p: &str, errors: &mut Vec<ScenarioError>) {
        range(
            errors,
            p,
            "transactionTimeOut",
            self.transaction_time_out,
            0,
            86_400_000,
        );
        // At least a second: the check service is a loop, not a hot spin.
        range(
            errors,
            p,
            "transactionCheckInterval",
            self.transaction_check_interval,
            1_000,
            3_600_000,
        );
        range(
            errors,
            p,
            "transactionCheckMax",
            u64::from(self.transaction_check_max),
            1,
            1_000,
        );
        range(errors, p, "timerPrecisionMs", self.timer_precision_ms, 100, 60_000);
        range(errors, p, "inSyncReplicas", u64::from(self.in_sync_replicas), 1, 2);
        range(errors, p, "slaveTimeout", self.slave_timeout, 100, 60_000);
        range(
            errors,
            p,
            "registerNameServerPeriod",
            self.register_name_server_period,
            1_000,
            600_000,
        );
        range(errors, p, "timerMaxDelaySec", self.timer_max_delay_sec, 1, 30 * 86_400);
        if !super::spec::name_ok(&self.msg_trace_topic_name) {
            errors.push(err(format!("{p}.msgTraceTopicName"), super::spec::name_reason()));
        }
        if self.region_id.is_empty() || self.region_id.len() > 64 || self.region_id.chars().any(char::is_control) {
            errors.push(err(
                format!("{p}.regionId"),
                "1 to 64 characters, no control characters",
            ));
        }
    }
}

/// `ScheduleMessageService.parseDelayLevel`: levels separated by spaces, each a number and a
/// unit `s`, `m`, `h` or `d`; level `i` (1-based) is the `i`th. The broker logs and skips a bad
/// entry at startup; mqplay refuses the document instead, naming the entry.
pub fn parse_delay_levels(text: &str) -> Result<Vec<u64>, String> {
    let mut levels = Vec::new();
    for (i, word) in text.split(' ').filter(|w| !w.is_empty()).enumerate() {
        let (number, unit) = word.split_at(word.len().saturating_sub(1));
        let unit_ms: u64 = match unit {
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(format!("level {} (`{word}`) needs a unit: s, m, h or d", i + 1)),
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("level {} (`{word}`) is not a whole number and a unit", i + 1))?;
        levels.push(n.saturating_mul(unit_ms));
    }
    if levels.is_empty() || levels.len() > 64 {
        return Err("between 1 and 64 levels, e.g. `1s 5s 10s`".into());
    }
    Ok(levels)
}

/// Message trace on a client (`enableMsgTrace` and `customizedTraceTopic` are constructor
/// arguments of `DefaultMQProducer` and `DefaultMQPushConsumer`; `traceMsgBatchNum` is
/// `ClientConfig`'s). Both configs carry these three fields; `trace()` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceConfig {
    pub enable_msg_trace: bool,
    pub customized_trace_topic: Option<String>,
    pub trace_msg_batch_num: u32,
}

fn default_trace_batch() -> u32 {
    10
}

impl TraceConfig {
    fn of(enable_msg_trace: bool, customized_trace_topic: &Option<String>, trace_msg_batch_num: u32) -> TraceConfig {
        TraceConfig {
            enable_msg_trace,
            customized_trace_topic: customized_trace_topic.clone(),
            trace_msg_batch_num,
        }
    }
    /// The topic its dispatcher sends to (`AsyncTraceDispatcher`: the customized one, else
    /// `RMQ_SYS_TRACE_TOPIC`), when tracing is on.
    pub fn topic(&self) -> Option<&str> {
        self.enable_msg_trace.then(|| {
            self.customized_trace_topic
                .as_deref()
                .filter(|t| !t.is_empty())
                .unwrap_or(TRACE_TOPIC)
        })
    }
    pub fn validate(&self, p: &str, errors: &mut Vec<ScenarioError>) {
        range(
            errors,
            p,
            "traceMsgBatchNum",
            u64::from(self.trace_msg_batch_num),
            1,
            1_000,
        );
        if let Some(t) = &self.customized_trace_topic {
            if !super::spec::name_ok(t) {
                errors.push(err(format!("{p}.customizedTraceTopic"), super::spec::name_reason()));
            }
        }
    }
}

/// What every client validates: its trace settings and `pollNameServerInterval`.
fn client_common(p: &str, errors: &mut Vec<ScenarioError>, trace: &TraceConfig, poll_name_server_interval: u64) {
    trace.validate(p, errors);
    range(
        errors,
        p,
        "pollNameServerInterval",
        poll_name_server_interval,
        1_000,
        600_000,
    );
}

/// A producer's settings (`DefaultMQProducer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProducerConfig {
    /// The whole send, retries included, must finish within this.
    #[serde(default = "default_send_timeout")]
    pub send_msg_timeout: u64,
    /// Extra attempts of a synchronous send.
    #[serde(default = "default_retries")]
    pub retry_times_when_send_failed: u32,
    /// `MQFaultStrategy.sendLatencyFaultEnable`: avoid a broker for a while after a slow or failed send.
    #[serde(default)]
    pub send_latency_fault_enable: bool,
    #[serde(default)]
    pub enable_msg_trace: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customized_trace_topic: Option<String>,
    #[serde(default = "default_trace_batch")]
    pub trace_msg_batch_num: u32,
    /// `ClientConfig.pollNameServerInterval`: how often the client asks for its routes again.
    #[serde(default = "default_poll_name_server")]
    pub poll_name_server_interval: u64,
}

fn default_send_timeout() -> u64 {
    3_000
}
fn default_retries() -> u32 {
    2
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            send_msg_timeout: default_send_timeout(),
            retry_times_when_send_failed: default_retries(),
            send_latency_fault_enable: false,
            enable_msg_trace: false,
            customized_trace_topic: None,
            trace_msg_batch_num: default_trace_batch(),
            poll_name_server_interval: default_poll_name_server(),
        }
    }
}

impl ProducerConfig {
    pub fn trace(&self) -> TraceConfig {
        TraceConfig::of(
            self.enable_msg_trace,
            &self.customized_trace_topic,
            self.trace_msg_batch_num,
        )
    }
    pub fn is_default(&self) -> bool {
        *self == ProducerConfig::default()
    }
    pub fn validate(&self, p: &str, errors: &mut Vec<ScenarioError>) {
        range(errors, p, "sendMsgTimeout", self.send_msg_timeout, 1, 600_000);
        range(
            errors,
            p,
            "retryTimesWhenSendFailed",
            u64::from(self.retry_times_when_send_failed),
            0,
            16,
        );
        client_common(p, errors, &self.trace(), self.poll_name_server_interval);
    }
}

/// A consumer's settings (`DefaultMQPushConsumer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConsumerConfig {
    /// -1: 16 for a concurrent listener, `Integer.MAX_VALUE` for an orderly one.
    #[serde(default = "default_max_reconsume")]
    pub max_reconsume_times: i32,
    /// How long an orderly listener's `SUSPEND_CURRENT_QUEUE_A_MOMENT` pauses the queue.
    #[serde(default = "default_suspend_queue")]
    pub suspend_current_queue_time_millis: u64,
    /// How often the consumed offsets are sent to the broker.
    #[serde(default = "default_persist")]
    pub persist_consumer_offset_interval: u64,
    /// Messages one pull returns at most.
    #[serde(default = "default_pull_batch")]
    pub pull_batch_size: u32,
    #[serde(default)]
    pub enable_msg_trace: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customized_trace_topic: Option<String>,
    #[serde(default = "default_trace_batch")]
    pub trace_msg_batch_num: u32,
    #[serde(default = "default_poll_name_server")]
    pub poll_name_server_interval: u64,
}

fn default_max_reconsume() -> i32 {
    -1
}
fn default_suspend_queue() -> u64 {
    1_000
}
fn default_persist() -> u64 {
    5_000
}
fn default_pull_batch() -> u32 {
    32
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            max_reconsume_times: default_max_reconsume(),
            suspend_current_queue_time_millis: default_suspend_queue(),
            persist_consumer_offset_interval: default_persist(),
            pull_batch_size: default_pull_batch(),
            enable_msg_trace: false,
            customized_trace_topic: None,
            trace_msg_batch_num: default_trace_batch(),
            poll_name_server_interval: default_poll_name_server(),
        }
    }
}

impl ConsumerConfig {
    pub fn trace(&self) -> TraceConfig {
        TraceConfig::of(
            self.enable_msg_trace,
            &self.customized_trace_topic,
            self.trace_msg_batch_num,
        )
    }
    pub fn is_default(&self) -> bool {
        *self == ConsumerConfig::default()
    }
    pub fn validate(&self, p: &str, errors: &mut Vec<ScenarioError>) {
        if self.max_reconsume_times < -1 || self.max_reconsume_times > 10_000 {
            errors.push(err(
                format!("{p}.maxReconsumeTimes"),
                "-1 (the default) or between 0 and 10000",
            ));
        }
        range(
            errors,
            p,
            "suspendCurrentQueueTimeMillis",
            self.suspend_current_queue_time_millis,
            10,
            30_000,
        );
        range(
            errors,
            p,
            "persistConsumerOffsetInterval",
            self.persist_consumer_offset_interval,
            100,
            60_000,
        );
        range(errors, p, "pullBatchSize", u64::from(self.pull_batch_size), 1, 1024);
        client_common(p, errors, &self.trace(), self.poll_name_server_interval);
    }

    /// `DefaultMQPushConsumerImpl.getMaxReconsumeTimes` (concurrent) and
    /// `ConsumeMessageOrderlyService.getMaxReconsumeTimes` (orderly).
    pub fn max_reconsume(&self, orderly: bool) -> u32 {
        match (self.max_reconsume_times, orderly) {
            (-1, false) => 16,
            (-1, true) => i32::MAX as u32,
            (n, _) => n.max(0) as u32,
        }
    }
}

pub use crate::settings::Setting;

/// Every RocketMQ setting mqplay models (RocketMQ 5.x defaults).
pub const REFERENCE: &[Setting] = &[
    Setting { name: "messageDelayLevel", scope: "broker", default: DEFAULT_DELAY_LEVELS, en: "The delay of each level, 1-based; a message's DELAY property picks one.", zh: "各延迟级别的时长（从 1 开始编号）；消息的 DELAY 属性选择其一。", source: "MessageStoreConfig.messageDelayLevel; ScheduleMessageService.parseDelayLevel" },
    Setting { name: "transactionTimeOut", scope: "broker", default: "6000", en: "A half message younger than this (ms) is not checked back yet.", zh: "比这更年轻（毫秒）的半消息还不回查。", source: "BrokerConfig.transactionTimeOut" },
    Setting { name: "transactionCheckInterval", scope: "broker", default: "30000", en: "How often (ms) the broker's check service looks for unresolved half messages.", zh: "Broker 的回查服务多久（毫秒）扫描一次未决的半消息。", source: "BrokerConfig.transactionCheckInterval; TransactionalMessageCheckService" },
    Setting { name: "transactionCheckMax", scope: "broker", default: "15", en: "Checks of one half message before the broker gives up and discards it.", zh: "一条半消息最多回查几次，超过后 Broker 放弃并丢弃它。", source: "BrokerConfig.transactionCheckMax; TransactionalMessageServiceImpl.needDiscard" },
    Setting { name: "timerPrecisionMs", scope: "broker", default: "1000", en: "The slot of RocketMQ 5's timer wheel: timer messages fire on slot boundaries.", zh: "RocketMQ 5 定时轮的槽宽：定时消息在槽边界触发。", source: "MessageStoreConfig.timerPrecisionMs; TimerMessageStore" },
    Setting { name: "timerMaxDelaySec", scope: "broker", default: "259200", en: "The longest delay (s) a timer message may ask; a longer one is refused at send.", zh: "定时消息可请求的最长延迟（秒）；更长的在发送时被拒绝。", source: "MessageStoreConfig.timerMaxDelaySec" },
    Setting { name: "brokerSuspendMaxTimeMillis", scope: "consumer", default: "15000", en: "How long the broker holds a pull that found nothing (long polling).", zh: "没有消息时 Broker 挂起一次拉取请求的时长（长轮询）。", source: "DefaultMQPushConsumerImpl BROKER_SUSPEND_MAX_TIME_MILLIS; PullRequestHoldService" },
    Setting { name: "sendMsgTimeout", scope: "producer", default: "3000", en: "The whole send, retries included, must finish within this (ms).", zh: "整个发送（含重试）必须在此时间（毫秒）内完成。", source: "DefaultMQProducer.sendMsgTimeout" },
    Setting { name: "retryTimesWhenSendFailed", scope: "producer", default: "2", en: "Extra attempts of a synchronous send, each to another broker where one exists.", zh: "同步发送失败后的额外尝试次数，有其他 Broker 时换一个。", source: "DefaultMQProducer.retryTimesWhenSendFailed; DefaultMQProducerImpl.sendDefaultImpl" },
    Setting { name: "sendLatencyFaultEnable", scope: "producer", default: "false", en: "Avoid a broker for a while after a slow or failed send.", zh: "发送慢或失败后，在一段时间内避开该 Broker。", source: "MQFaultStrategy.sendLatencyFaultEnable" },
    Setting { name: "defaultTopicQueueNums", scope: "producer", default: "4", en: "Queues per broker of a topic created on first send.", zh: "首次发送时自动创建的 Topic 在每个 Broker 上的队列数。", source: "DefaultMQProducer.defaultTopicQueueNums" },
    Setting { name: "maxReconsumeTimes", scope: "consumer", default: "-1", en: "Redeliveries before a message goes to %DLQ%<group>; -1 means 16 (concurrent) or Integer.MAX_VALUE (orderly).", zh: "消息进入 %DLQ%<group> 之前的重投次数；-1 表示 16（并发）或 Integer.MAX_VALUE（顺序）。", source: "DefaultMQPushConsumer.maxReconsumeTimes" },
    Setting { name: "suspendCurrentQueueTimeMillis", scope: "consumer", default: "1000", en: "How long an orderly listener's SUSPEND_CURRENT_QUEUE_A_MOMENT pauses its queue.", zh: "顺序监听器返回 SUSPEND_CURRENT_QUEUE_A_MOMENT 后队列暂停的时长。", source: "DefaultMQPushConsumer.suspendCurrentQueueTimeMillis" },
    Setting { name: "persistConsumerOffsetInterval", scope: "consumer", default: "5000", en: "How often (ms) consumed offsets are sent to the broker; a crash replays what was not.", zh: "消费位点多久（毫秒）上报一次 Broker；崩溃会重放未上报的部分。", source: "ClientConfig.persistConsumerOffsetInterval" },
    Setting { name: "traceTopicEnable", scope: "broker", default: "false", en: "Create the trace topic (msgTraceTopicName, one queue) when the broker starts.", zh: "Broker 启动时创建轨迹 Topic（msgTraceTopicName，一个队列）。", source: "BrokerConfig.traceTopicEnable; TopicConfigManager" },
    Setting { name: "msgTraceTopicName", scope: "broker", default: TRACE_TOPIC, en: "The trace topic traceTopicEnable creates.", zh: "traceTopicEnable 创建的轨迹 Topic 名。", source: "BrokerConfig.msgTraceTopicName; TopicValidator.RMQ_SYS_TRACE_TOPIC" },
    Setting { name: "regionId", scope: "broker", default: DEFAULT_REGION, en: "Stamped on every message sent to the broker as MSG_REGION, and in SEND_OK; trace records carry it.", zh: "作为 MSG_REGION 写进发到该 Broker 的每条消息，也在 SEND_OK 中返回；轨迹记录会带上它。", source: "BrokerConfig.regionId; AbstractSendMessageProcessor.buildMsgContext" },
    Setting { name: "traceOn", scope: "broker", default: "true", en: "Stamped as TRACE_ON; with false, clients record no trace of the broker's messages.", zh: "作为 TRACE_ON 写进消息；为 false 时客户端不为该 Broker 的消息记录轨迹。", source: "BrokerConfig.traceOn; SendMessageTraceHookImpl, ConsumeMessageTraceHookImpl" },
    Setting { name: "enableMsgTrace", scope: "producer, consumer", default: "false", en: "Record a trace of every send, end of transaction and consume, sent in batches to the trace topic.", zh: "为每次发送、事务结束和消费记录轨迹，分批发到轨迹 Topic。", source: "DefaultMQProducer / DefaultMQPushConsumer constructors; AsyncTraceDispatcher" },
    Setting { name: "customizedTraceTopic", scope: "producer, consumer", default: TRACE_TOPIC, en: "The topic the client's trace messages go to.", zh: "客户端轨迹消息发往的 Topic。", source: "AsyncTraceDispatcher.traceTopicName" },
    Setting { name: "traceMsgBatchNum", scope: "producer, consumer", default: "10", en: "Trace records per trace message (at most 20); fewer are sent 5 s after the last batch.", zh: "每条轨迹消息包含的轨迹记录数（最多 20）；不足时距上一批 5 秒后发送。", source: "ClientConfig.traceMsgBatchNum; AsyncTraceDispatcher.flushTraceContext" },
    Setting { name: "registerNameServerPeriod", scope: "broker", default: "30000", en: "How often (ms) the broker registers its address and topics with the name server (first 10 s after start; clamped to 10-60 s).", zh: "Broker 多久（毫秒）向 NameServer 注册一次地址和 Topic（启动 10 秒后首次；限定在 10-60 秒）。", source: "BrokerConfig.registerNameServerPeriod; BrokerController.start" },
    Setting { name: "brokerRole", scope: "broker", default: "ASYNC_MASTER", en: "ASYNC_MASTER answers a send once the master stored it; SYNC_MASTER also waits for the slave, but in 5.x only with inSyncReplicas 2 (4.x waited always).", zh: "ASYNC_MASTER 在 Master 存好后即应答；SYNC_MASTER 还要等 Slave，但 5.x 只有 inSyncReplicas 为 2 时才等（4.x 总是等）。", source: "MessageStoreConfig.brokerRole; CommitLog.handleHA" },
    Setting { name: "inSyncReplicas", scope: "broker", default: "1", en: "Copies (the master included) a SYNC_MASTER send waits for.", zh: "SYNC_MASTER 发送要等待的副本数（含 Master）。", source: "MessageStoreConfig.inSyncReplicas" },
    Setting { name: "slaveTimeout", scope: "broker", default: "3000", en: "How long (ms) a SYNC_MASTER send waits for the slave before the answer is FLUSH_SLAVE_TIMEOUT (the message stays stored).", zh: "SYNC_MASTER 发送等待 Slave 的时长（毫秒），超时则应答 FLUSH_SLAVE_TIMEOUT（消息仍已存储）。", source: "MessageStoreConfig.slaveTimeout; GroupCommitRequest" },
    Setting { name: "slaveReadEnable", scope: "broker", default: "false", en: "A slave refuses pulls (SYSTEM_BUSY): while the master is down, its queues wait. True is not modelled.", zh: "Slave 拒绝拉取（SYSTEM_BUSY）：Master 宕机期间其队列只能等待。为 true 的情况未建模。", source: "BrokerConfig.slaveReadEnable; PullMessageProcessor.rejectRequest" },
    Setting { name: "haSendHeartbeatInterval", scope: "broker", default: "5000", en: "A slave reports its commit log offset at least this often (ms); the master sends it what it lacks.", zh: "Slave 至少每隔这么久（毫秒）上报一次 CommitLog 位点；Master 补发它缺的部分。", source: "MessageStoreConfig.haSendHeartbeatInterval; DefaultHAClient" },
    Setting { name: "pollNameServerInterval", scope: "producer, consumer", default: "30000", en: "How often (ms) a client asks the name server for its topics' routes again; between polls it uses its copy.", zh: "客户端多久（毫秒）向 NameServer 重新拉取一次路由；两次之间使用本地副本。", source: "ClientConfig.pollNameServerInterval; MQClientInstance.startScheduledTask" },
    Setting { name: "mqClientApiTimeout", scope: "producer, consumer", default: "3000", en: "Timeout (ms) of a client's GET_ROUTEINFO_BY_TOPIC to the name server.", zh: "客户端向 NameServer 发 GET_ROUTEINFO_BY_TOPIC 的超时（毫秒）。", source: "ClientConfig.mqClientApiTimeout" },
    Setting { name: "scanNotActiveBrokerInterval", scope: "name server", default: "5000", en: "How often (ms) the name server looks for brokers silent for 120 s and removes them.", zh: "NameServer 多久（毫秒）扫描一次并移除 120 秒未注册的 Broker。", source: "NamesrvConfig.scanNotActiveBrokerInterval; RouteInfoManager.scanNotActiveBroker" },
    Setting { name: "brokerChannelExpiredTime", scope: "name server", default: "120000", en: "A broker not registered for this long (ms) is removed from routes; a closed connection removes it at once.", zh: "超过这么久（毫秒）未注册的 Broker 被移出路由；连接断开则立即移除。", source: "RouteInfoManager.DEFAULT_BROKER_CHANNEL_EXPIRED_TIME; BrokerHousekeepingService" },
    Setting { name: "pullBatchSize", scope: "consumer", default: "32", en: "Messages one pull returns at most.", zh: "一次拉取最多返回的消息数。", source: "DefaultMQPushConsumer.pullBatchSize" },
];
