//! Every Kafka setting the simulator models, by its Kafka name, with its Kafka 4.x default, what
//! it does, and its source. The scenario takes the settable ones under these names (a
//! producer's `batch.size`, a consumer's `session.timeout.ms`, …, or the older snake_case
//! spellings); the rest are fixed at their defaults, and the table says so. `mqplay defaults
//! kafka` prints [`REFERENCE`].
pub use crate::settings::Setting;

pub const REFERENCE: &[Setting] = &[
    Setting { name: "batch.size", scope: "producer", default: "16384", en: "Bytes of records per partition batch; a full batch is sent at once. The built-in partitioner also moves a keyless producer's sticky partition on after this many bytes (KIP-794).", zh: "每个分区批次的字节数，批次满了立即发送。内置分区器在无 key 的粘性分区写满这么多字节后换分区（KIP-794）。", source: "ProducerConfig.BATCH_SIZE_CONFIG; BuiltInPartitioner" },
    Setting { name: "linger.ms", scope: "producer", default: "5", en: "How long a batch waits for more records before it is sent. The default was 0 until Kafka 4.0 (KIP-1030).", zh: "批次发送前等待更多消息的时长。Kafka 4.0 之前默认是 0（KIP-1030）。", source: "ProducerConfig.LINGER_MS_CONFIG; KIP-1030" },
    Setting { name: "buffer.memory", scope: "producer", default: "33554432", en: "Bytes a producer may hold unsent; send() blocks when it is full (fixed in mqplay).", zh: "生产者可缓存的未发送字节数；满了 send() 会阻塞（mqplay 中固定）。", source: "ProducerConfig.BUFFER_MEMORY_CONFIG; RecordAccumulator" },
    Setting { name: "max.block.ms", scope: "producer", default: "60000", en: "How long send() waits for buffer memory or metadata before it throws (fixed in mqplay).", zh: "send() 等待缓冲区或元数据的最长时间，超时抛异常（mqplay 中固定）。", source: "ProducerConfig.MAX_BLOCK_MS_CONFIG" },
    Setting { name: "delivery.timeout.ms", scope: "producer", default: "120000", en: "A record not acknowledged this long after send() fails (fixed in mqplay).", zh: "send() 之后这么久仍未被确认的消息判为失败（mqplay 中固定）。", source: "ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG; KIP-91" },
    Setting { name: "partitioner.class", scope: "producer", default: "null", en: "null means the built-in partitioner: murmur2 of the key modulo the partitions, or a sticky partition for keyless records (fixed in mqplay).", zh: "null 表示内置分区器：有 key 时按 key 的 murmur2 取模，无 key 时用粘性分区（mqplay 中固定）。", source: "ProducerConfig.PARTITIONER_CLASS_CONFIG; BuiltInPartitioner.partitionForKey; KIP-794" },
    Setting { name: "request.timeout.ms", scope: "producer, consumer", default: "30000", en: "How long a client waits for a response before it retries or fails the request (fixed in mqplay).", zh: "客户端等待响应的最长时间，超时后重试或判失败（mqplay 中固定）。", source: "CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG" },
    Setting { name: "retry.backoff.ms", scope: "producer, consumer", default: "100", en: "The first wait before a retry; it doubles per attempt up to retry.backoff.max.ms (fixed in mqplay).", zh: "第一次重试前的等待；每次翻倍，直到 retry.backoff.max.ms（mqplay 中固定）。", source: "CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG; ExponentialBackoff; KIP-580" },
    Setting { name: "retry.backoff.max.ms", scope: "producer, consumer", default: "1000", en: "The longest wait between retries (fixed in mqplay).", zh: "两次重试之间的最长等待（mqplay 中固定）。", source: "CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG; KIP-580" },
    Setting { name: "group.id", scope: "consumer", default: "null", en: "The consumer group it joins; mqplay requires one.", zh: "加入的消费组；mqplay 中必填。", source: "ConsumerConfig.GROUP_ID_CONFIG" },
    Setting { name: "auto.offset.reset", scope: "consumer", default: "latest", en: "Where a partition with no committed offset starts: latest or earliest.", zh: "没有已提交位点的分区从哪里开始：latest 或 earliest。", source: "ConsumerConfig.AUTO_OFFSET_RESET_CONFIG" },
    Setting { name: "enable.auto.commit", scope: "consumer", default: "true", en: "Commit the consumed offsets every auto.commit.interval.ms, and before a rebalance or close.", zh: "每隔 auto.commit.interval.ms 以及重平衡、关闭前自动提交已消费的位点。", source: "ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG; ConsumerCoordinator.maybeAutoCommitOffsetsAsync" },
    Setting { name: "auto.commit.interval.ms", scope: "consumer", default: "5000", en: "How often auto commit runs.", zh: "自动提交的间隔。", source: "ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG" },
    Setting { name: "session.timeout.ms", scope: "consumer", default: "45000", en: "A member whose heartbeats stop this long is removed from the group. The default was 10000 before Kafka 3.0 (KIP-735); the broker accepts 6000 to 1800000.", zh: "心跳停止这么久的成员会被移出消费组。Kafka 3.0 之前默认 10000（KIP-735）；Broker 接受 6000 到 1800000。", source: "ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG; KIP-735" },
    Setting { name: "heartbeat.interval.ms", scope: "consumer", default: "3000", en: "How often the consumer heartbeats to its group coordinator; a heartbeat's answer tells it a rebalance started.", zh: "消费者向组协调者发心跳的间隔；心跳的响应会告诉它重平衡开始了。", source: "ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG; AbstractCoordinator.HeartbeatThread" },
    Setting { name: "max.poll.interval.ms", scope: "consumer", default: "300000", en: "The classic protocol's rebalance timeout: how long the coordinator waits for members to rejoin (fixed in mqplay).", zh: "经典协议的重平衡超时：协调者等待成员重新加入的时长（mqplay 中固定）。", source: "ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG; JoinGroupRequest.rebalanceTimeoutMs" },
    Setting { name: "fetch.max.wait.ms", scope: "consumer", default: "500", en: "How long the broker holds a fetch that found no data (fixed in mqplay).", zh: "没有数据时 Broker 挂起一次 fetch 的时长（mqplay 中固定）。", source: "ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG" },
    Setting { name: "partition.assignment.strategy", scope: "consumer", default: "RangeAssignor, CooperativeStickyAssignor", en: "Assignors in order of preference (range, roundrobin, sticky, cooperative-sticky). Each is offered in JoinGroup; the coordinator picks one every member lists. The consumer rebalances cooperatively only when every listed assignor supports it, so the default rebalances eagerly with range; the second entry lets a group move to cooperative-sticky with one rolling restart that drops range (a group listing range alone needs two: add cooperative-sticky, then drop range).", zh: "按优先顺序排列的分配器（range、roundrobin、sticky、cooperative-sticky）。每个都随 JoinGroup 提交，协调者选出所有成员都支持的一个。只有列出的分配器全部支持协作式时，消费者才做协作式再均衡，所以默认配置用 range 做 eager 再均衡；有了第二项，消费组只需一轮去掉 range 的滚动重启就能换成 cooperative-sticky（只配了 range 的组需要两轮：先加上 cooperative-sticky，再去掉 range）。", source: "ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG; ConsumerCoordinator (protocol); ClassicGroup.selectProtocol; KIP-429" },
    Setting { name: "group.instance.id", scope: "consumer", default: "null", en: "Makes the consumer a static member (KIP-345): it joins without the MEMBER_ID_REQUIRED round trip, sends no LeaveGroup when it closes, and a restart within session.timeout.ms gets its partitions back with no rebalance. A second process with the same id fences the first (FENCED_INSTANCE_ID).", zh: "让消费者成为静态成员（KIP-345）：加入时不需要 MEMBER_ID_REQUIRED 往返，关闭时不发 LeaveGroup，在 session.timeout.ms 内重启可以不经再均衡拿回原来的分区。用同一 ID 启动的第二个进程会隔离第一个（FENCED_INSTANCE_ID）。", source: "ConsumerConfig.GROUP_INSTANCE_ID_CONFIG; KIP-345; GroupMetadataManager.updateStaticMemberThenRebalanceOrCompleteJoin" },
    Setting { name: "client.rack", scope: "consumer", default: "\"\"", en: "The consumer's rack. Rack-aware assignors (range, sticky, cooperative-sticky) give it partitions with a replica on that rack when balance allows (KIP-881).", zh: "消费者所在的机架。支持机架感知的分配器（range、sticky、cooperative-sticky）在不破坏均衡时把副本在同一机架的分区分给它（KIP-881）。", source: "ConsumerConfig.CLIENT_RACK_CONFIG; KIP-881" },
    Setting { name: "broker.rack", scope: "broker", default: "null", en: "The broker's rack; a partition's replica racks come from its brokers' racks (mqplay: one replica per partition, so one rack).", zh: "Broker 所在的机架；分区副本的机架来自其所在 Broker（mqplay 中每个分区一个副本，所以只有一个机架）。", source: "ServerConfigs.BROKER_RACK_CONFIG; KIP-36" },
    Setting { name: "group.protocol", scope: "consumer", default: "classic", en: "classic: JoinGroup / SyncGroup rebalances with a client-side assignor (KIP-848's consumer protocol is not modelled yet).", zh: "classic：由客户端分配器执行的 JoinGroup / SyncGroup 重平衡（KIP-848 的 consumer 协议尚未模拟）。", source: "ConsumerConfig.GROUP_PROTOCOL_CONFIG; KIP-848" },
    Setting { name: "group.initial.rebalance.delay.ms", scope: "broker", default: "3000", en: "A new group's first rebalance waits this long for more members (fixed in mqplay).", zh: "新消费组的第一次重平衡等待更多成员加入的时长（mqplay 中固定）。", source: "GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG; InitialDelayedJoin" },
    Setting { name: "group.min.session.timeout.ms", scope: "broker", default: "6000", en: "The shortest session.timeout.ms the coordinator accepts; a shorter join gets INVALID_SESSION_TIMEOUT.", zh: "协调者接受的最短 session.timeout.ms；更短的加入请求得到 INVALID_SESSION_TIMEOUT。", source: "GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG" },
    Setting { name: "group.max.session.timeout.ms", scope: "broker", default: "1800000", en: "The longest session.timeout.ms the coordinator accepts.", zh: "协调者接受的最长 session.timeout.ms。", source: "GroupCoordinatorConfig.GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG" },
    Setting { name: "offsets.topic.num.partitions", scope: "broker", default: "50", en: "Partitions of __consumer_offsets; a group's coordinator leads partition abs(groupId.hashCode()) % 50 (fixed in mqplay).", zh: "__consumer_offsets 的分区数；消费组的协调者是第 abs(groupId.hashCode()) % 50 个分区的 leader（mqplay 中固定）。", source: "GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG; GroupCoordinatorService.partitionFor" },
    Setting { name: "offsets.topic.replication.factor", scope: "broker", default: "3", en: "Replicas of __consumer_offsets; mqplay uses min(3, brokers) so small clusters work.", zh: "__consumer_offsets 的副本数；mqplay 取 min(3, Broker 数)，小集群也能用。", source: "GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG" },
    Setting { name: "broker.session.timeout.ms", scope: "broker", default: "9000", en: "KRaft: a broker whose heartbeats stop this long is fenced by the controller and its partitions lose their leader (fixed in mqplay).", zh: "KRaft：心跳停止这么久的 Broker 会被控制器隔离（fence），它的分区失去 leader（mqplay 中固定）。", source: "KRaftConfigs.BROKER_SESSION_TIMEOUT_MS_CONFIG; BrokerHeartbeatManager" },
];

#[cfg(test)]
mod tests {
    use super::REFERENCE;
    use crate::kafka::{broker, group, producer};

    fn default_of(name: &str) -> u64 {
        let row = REFERENCE
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no row {name}"));
        row.default
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {}", row.default))
    }

    /// The table and the model read the same defaults.
    #[test]
    fn the_table_says_what_the_model_uses() {
        assert_eq!(default_of("buffer.memory"), producer::BUFFER_MEMORY_BYTES);
        assert_eq!(default_of("max.block.ms"), producer::MAX_BLOCK_MS);
        assert_eq!(default_of("delivery.timeout.ms"), producer::DELIVERY_TIMEOUT_MS);
        assert_eq!(default_of("request.timeout.ms"), crate::kafka::REQUEST_TIMEOUT_MS);
        assert_eq!(default_of("retry.backoff.ms"), crate::kafka::RETRY_BACKOFF_MS);
        assert_eq!(default_of("retry.backoff.max.ms"), crate::kafka::RETRY_BACKOFF_MAX_MS);
        assert_eq!(default_of("max.poll.interval.ms"), group::REBALANCE_TIMEOUT_MS);
        assert_eq!(default_of("fetch.max.wait.ms"), broker::FETCH_MAX_WAIT_MS);
        assert_eq!(
            default_of("group.initial.rebalance.delay.ms"),
            group::INITIAL_REBALANCE_DELAY_MS
        );
        assert_eq!(
            default_of("offsets.topic.num.partitions"),
            u64::from(crate::kafka::OFFSETS_TOPIC_PARTITIONS)
        );
        assert_eq!(
            default_of("offsets.topic.replication.factor"),
            u64::from(crate::kafka::OFFSETS_TOPIC_REPLICATION)
        );
        assert_eq!(
            default_of("broker.session.timeout.ms"),
            crate::kafka::BROKER_SESSION_TIMEOUT_MS
        );
        let spec: crate::kafka::spec::ProducerSpec = serde_json::from_str(r#"{"id": "p"}"#).unwrap();
        assert_eq!(default_of("batch.size"), u64::from(spec.batch_size_bytes));
        assert_eq!(default_of("linger.ms"), spec.linger_ms);
        let c: crate::kafka::spec::ConsumerSpec =
            serde_json::from_str(r#"{"id": "c", "group": "g", "topics": []}"#).unwrap();
        assert_eq!(default_of("auto.commit.interval.ms"), c.auto_commit_interval_ms);
        assert_eq!(default_of("session.timeout.ms"), c.session_timeout_ms);
        assert_eq!(default_of("heartbeat.interval.ms"), c.heartbeat_interval_ms);
        assert!(c.enable_auto_commit);
        assert_eq!(c.auto_offset_reset.name(), "latest");
    }

    /// A scenario may spell the settable ones by their Kafka names.
    #[test]
    fn settings_are_taken_by_their_kafka_names() {
        let p: crate::kafka::spec::ProducerSpec =
            serde_json::from_str(r#"{"id": "p", "batch.size": 256, "linger.ms": 0}"#).unwrap();
        assert_eq!((p.batch_size_bytes, p.linger_ms), (256, 0));
        let c: crate::kafka::spec::ConsumerSpec = serde_json::from_str(
            r#"{"id": "c", "group.id": "g", "topics": ["t"], "auto.offset.reset": "earliest", "enable.auto.commit": false,
                "auto.commit.interval.ms": 1000, "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000}"#,
        )
        .unwrap();
        assert_eq!(c.group, "g");
        assert_eq!(c.auto_offset_reset.name(), "earliest");
        assert!(!c.enable_auto_commit);
        assert_eq!(
            (c.auto_commit_interval_ms, c.session_timeout_ms, c.heartbeat_interval_ms),
            (1000, 10000, 1000)
        );
    }
}
