//! Message trace as the Java client records it (`org.apache.rocketmq.client.trace`): with
//! `enableMsgTrace`, a producer's `SendMessageTraceHookImpl` and `EndTransactionTraceHookImpl`,
//! and a push consumer's `ConsumeMessageTraceHookImpl`, hand a `TraceContext` per send, end of
//! transaction and consume (before and after) to the client's `AsyncTraceDispatcher`. The
//! dispatcher queues them in memory and, when `traceMsgBatchNum` are waiting (at most 20) or
//! 5 s have passed since its last flush, encodes a batch (`TraceDataEncoder`) and sends it as
//! one ordinary message to the trace topic (`RMQ_SYS_TRACE_TOPIC` unless `customizedTraceTopic`)
//! through its own inner producer, with the traced msgIds and keys as the message's KEYS — so
//! the broker's index finds a message's trace by its msgId or key. The dispatcher's loop checks
//! every 5 ms; mqplay flushes a full batch at once and a timed one at exactly 5 001 ms.
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// `TraceConstants.CONTENT_SPLITOR` (between fields) and `FIELD_SPLITOR` (after a record).
pub const CONTENT_SPLITOR: char = '\u{1}';
pub const FIELD_SPLITOR: char = '\u{2}';
/// `AsyncTraceDispatcher`: `batchNum` is capped at 20; a batch older than this is flushed.
pub const MAX_BATCH: u32 = 20;
pub const FLUSH_INTERVAL_MS: u64 = 5_000;
/// `traceContextQueue`: an `ArrayBlockingQueue` of 2048; `offer` drops a record when it is full.
pub const QUEUE_SIZE: usize = 2048;

/// `MessageType` ordinals as a record writes them. The send hook marks a prepared (half) message
/// `Trans_Msg_Half` and one with a delay level `Delay_Msg`; a RocketMQ 5 timer message stays
/// `Normal_Msg` there (`DefaultMQProducerImpl.sendKernelImpl`); an end-of-transaction record is
/// always `Trans_msg_Commit`, whatever its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    Normal = 0,
    TransHalf = 1,
    TransCommit = 2,
    Delay = 3,
}

/// One `TraceContext`, with the fields its type encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// `SendMessageTraceHookImpl`: one per send attempt that got a result.
    Pub {
        timestamp: u64,
        region: Rc<str>,
        group: String,
        topic: Rc<str>,
        msg_id: String,
        tags: Option<String>,
        keys: Option<String>,
        store_host: String,
        body_length: u32,
        cost_ms: u64,
        msg_type: MsgType,
        offset_msg_id: String,
        success: bool,
    },
    /// `ConsumeMessageTraceHookImpl.consumeMessageBefore`.
    SubBefore {
        timestamp: u64,
        region: Rc<str>,
        group: String,
        request_id: String,
        msg_id: String,
        retry_times: u32,
        keys: Option<String>,
        /// The message's topic (the dispatcher groups by it; not encoded).
        topic: Rc<str>,
    },
    /// `consumeMessageAfter`: `context_code` is the `ConsumeReturnType` ordinal (SUCCESS 0,
    /// FAILED 4); the timestamp is when the after-context was made.
    SubAfter {
        request_id: String,
        msg_id: String,
        cost_ms: u64,
        success: bool,
        keys: Option<String>,
        context_code: u32,
        timestamp: u64,
        group: String,
        topic: Rc<str>,
    },
    /// `EndTransactionTraceHookImpl`.
    EndTransaction {
        timestamp: u64,
        region: Rc<str>,
        group: String,
        topic: Rc<str>,
        msg_id: String,
        tags: Option<String>,
        keys: Option<String>,
        store_host: String,
        transaction_id: String,
        state: &'static str,
        from_check: bool,
    },
}

/// Java's `String.valueOf` of a missing string.
fn or_null(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("null")
}

impl Record {
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Pub { .. } => "Pub",
            Record::SubBefore { .. } => "SubBefore",
            Record::SubAfter { .. } => "SubAfter",
            Record::EndTransaction { .. } => "EndTransaction",
        }
    }
    pub fn msg_id(&self) -> &str {
        match self {
            Record::Pub { msg_id, .. }
            | Record::SubBefore { msg_id, .. }
            | Record::SubAfter { msg_id, .. }
            | Record::EndTransaction { msg_id, .. } => msg_id,
        }
    }
    fn keys(&self) -> &Option<String> {
        match self {
            Record::Pub { keys, .. }
            | Record::SubBefore { keys, .. }
            | Record::SubAfter { keys, .. }
            | Record::EndTransaction { keys, .. } => keys,
        }
    }
    /// The business topic the record is about (the dispatcher sends one trace message per topic).
    pub fn topic(&self) -> &str {
        match self {
            Record::Pub { topic, .. }
            | Record::EndTransaction { topic, .. }
            | Record::SubBefore { topic, .. }
            | Record::SubAfter { topic, .. } => topic,
        }
    }

    /// The record's fields in `TraceDataEncoder.encoderFromContextBean`'s order.
    pub fn fields(&self) -> Vec<String> {
        let s = |v: &str| String::from(v);
        match self {
            Record::Pub {
                timestamp,
                region,
                group,
                topic,
                msg_id,
                tags,
                keys,
                store_host,
                body_length,
                cost_ms,
                msg_type,
                offset_msg_id,
                success,
            } => alloc::vec![
                s("Pub"),
                timestamp.to_string(),
                s(region),
                group.clone(),
                s(topic),
                msg_id.clone(),
                s(or_null(tags)),
                s(or_null(keys)),
                store_host.clone(),
                body_length.to_string(),
                cost_ms.to_string(),
                (*msg_type as u8).to_string(),
                offset_msg_id.clone(),
                success.to_string(),
            ],
            Record::SubBefore {
                timestamp,
                region,
                group,
                request_id,
                msg_id,
                retry_times,
                keys,
                ..
            } => alloc::vec![
                s("SubBefore"),
                timestamp.to_string(),
                s(region),
                group.clone(),
                request_id.clone(),
                msg_id.clone(),
                retry_times.to_string(),
                s(or_null(keys)),
            ],
            Record::SubAfter {
                request_id,
                msg_id,
                cost_ms,
                success,
                keys,
                context_code,
                timestamp,
                group,
                ..
            } => alloc::vec![
                s("SubAfter"),
                request_id.clone(),
                msg_id.clone(),
                cost_ms.to_string(),
                success.to_string(),
                s(or_null(keys)),
                context_code.to_string(),
                timestamp.to_string(),
                group.clone(),
            ],
            Record::EndTransaction {
                timestamp,
                region,
                group,
                topic,
                msg_id,
                tags,
                keys,
                store_host,
                transaction_id,
                state,
                from_check,
            } => alloc::vec![
                s("EndTransaction"),
                timestamp.to_string(),
                s(region),
                group.clone(),
                s(topic),
                msg_id.clone(),
                s(or_null(tags)),
                s(or_null(keys)),
                store_host.clone(),
                (MsgType::TransCommit as u8).to_string(),
                transaction_id.clone(),
                String::from(*state),
                from_check.to_string(),
            ],
        }
    }

    /// The record as the trace message's body carries it. (A SubAfter ends its fields with a
    /// separator too before the timestamp and group, as the encoder writes it.)
    pub fn encode(&self, out: &mut String) {
        let fields = self.fields();
        for (i, f) in fields.iter().enumerate() {
            out.push_str(f);
            if i + 1 < fields.len() {
                out.push(CONTENT_SPLITOR);
            }
        }
        out.push(FIELD_SPLITOR);
    }

    /// `TraceTransferBean.transKey`: the msgId and each of the space-separated keys.
    pub fn trans_keys(&self, into: &mut Vec<String>) {
        into.push(self.msg_id().into());
        if let Some(keys) = self.keys() {
            into.extend(keys.split(' ').filter(|k| !k.is_empty()).map(String::from));
        }
    }
}

/// A client's `AsyncTraceDispatcher`.
#[derive(Debug, Clone)]
pub struct Tracer {
    pub topic: Rc<str>,
    /// `min(traceMsgBatchNum, 20)`.
    pub batch: usize,
    pub pending: VecDeque<Record>,
    pub last_flush_ms: u64,
    /// A timed flush is set for this time.
    pub armed: Option<u64>,
    /// The inner trace producer's round-robin over the trace topic's queues.
    pub send_which_queue: u32,
    /// A consumer's `MessageClientIDSetter` counter (request ids and trace messages; a
    /// producer uses its own, shared with its messages).
    pub counter: u16,
    pub flushed: u64,
    /// Records a crash took with it (the queue is in memory), or a full queue refused.
    pub lost: u64,
}

impl Tracer {
    /// A dispatcher made at `now_ms` (`lastFlushTime` starts then); the inner producer's queue
    /// index starts at `index` (a `ThreadLocalIndex` starts at a random value).
    pub fn new(topic: Rc<str>, batch_num: u32, now_ms: u64, index: u32) -> Tracer {
        Tracer {
            topic,
            batch: batch_num.clamp(1, MAX_BATCH) as usize,
            pending: VecDeque::new(),
            last_flush_ms: now_ms,
            armed: None,
            send_which_queue: index,
            counter: 0,
            flushed: 0,
            lost: 0,
        }
    }

    /// The dispatcher a restarted process makes at `now_ms`; its totals carry on. The index is
    /// derived from the old one rather than drawn, so a restart does not shift other draws.
    pub fn restarted(&self, now_ms: u64) -> Tracer {
        Tracer {
            flushed: self.flushed,
            lost: self.lost,
            ..Tracer::new(
                self.topic.clone(),
                self.batch as u32,
                now_ms,
                self.send_which_queue.wrapping_mul(2_654_435_761) & 0x7fff_ffff,
            )
        }
    }

    /// The batch to send now, if the dispatcher would send one at `now`: a full batch, or
    /// whatever waits once `FLUSH_INTERVAL_MS` have passed since the last flush.
    pub fn take_batch(&mut self, now: u64, timed: bool) -> Option<Vec<Record>> {
        let due = now.saturating_sub(self.last_flush_ms) > FLUSH_INTERVAL_MS;
        if self.pending.is_empty() || (self.pending.len() < self.batch && !(timed && due)) {
            return None;
        }
        let n = self.pending.len().min(self.batch);
        self.last_flush_ms = now;
        self.flushed += n as u64;
        Some(self.pending.drain(..n).collect())
    }

    /// The process died: the queued records go with it. Returns how many.
    pub fn crash(&mut self) -> u64 {
        let n = self.pending.len() as u64;
        self.lost += n;
        self.pending.clear();
        self.armed = None;
        n
    }

    /// When a timed flush would next find its interval passed.
    pub fn next_timed_flush(&self) -> u64 {
        self.last_flush_ms + FLUSH_INTERVAL_MS + 1
    }
}

/// One trace message's body and KEYS: the records of one business topic, encoded one after
/// another; the keys sorted (Java collects them in a `HashSet`, whose order mqplay does not
/// copy).
pub fn trace_message(records: &[Record]) -> (String, String) {
    let mut body = String::new();
    let mut keys = Vec::new();
    for r in records {
        r.encode(&mut body);
        r.trans_keys(&mut keys);
    }
    keys.sort();
    keys.dedup();
    (body, keys.join(" "))
}

/// Splits a trace message's body back into records' fields (`decoderFromTraceDataString`).
pub fn decode(body: &str) -> Vec<Vec<String>> {
    body.split(FIELD_SPLITOR)
        .filter(|r| !r.is_empty())
        .map(|r| r.split(CONTENT_SPLITOR).map(String::from).collect())
        .collect()
}

/// What the views show of a decoded record, read from the positions its type's layout in
/// `encoderFromContextBean` puts them at (the one place, besides `Record::fields`, that knows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown<'a> {
    pub kind: &'a str,
    pub msg_id: &'a str,
    pub timestamp: &'a str,
    pub group: &'a str,
    /// Pub and SubAfter only.
    pub cost_ms: Option<&'a str>,
    /// Pub and SubAfter: `isSuccess`; EndTransaction: the transaction state.
    pub outcome: Option<&'a str>,
}

impl<'a> Shown<'a> {
    pub fn of(fields: &'a [String]) -> Shown<'a> {
        let f = |i: usize| fields.get(i).map_or("", String::as_str);
        let kind = f(0);
        // (msgId, timestamp, group, cost, outcome) positions.
        let (id, ts, group, cost, outcome) = match kind {
            "Pub" => (5, 1, 3, Some(10), Some(13)),
            "SubBefore" => (5, 1, 3, None, None),
            "SubAfter" => (2, 7, 8, Some(3), Some(4)),
            _ => (5, 1, 3, None, Some(11)),
        };
        Shown {
            kind,
            msg_id: f(id),
            timestamp: f(ts),
            group: f(group),
            cost_ms: cost.map(f),
            outcome: outcome.map(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publ(id: &str, keys: Option<&str>) -> Record {
        Record::Pub {
            timestamp: 1000,
            region: Rc::from("DefaultRegion"),
            group: "g".into(),
            topic: Rc::from("orders"),
            msg_id: id.into(),
            tags: None,
            keys: keys.map(String::from),
            store_host: "10.0.0.11:10911".into(),
            body_length: 5,
            cost_ms: 3,
            msg_type: MsgType::Normal,
            offset_msg_id: "OFF".into(),
            success: true,
        }
    }

    #[test]
    fn a_pub_record_encodes_its_fields_in_the_encoders_order() {
        let mut out = String::new();
        publ("ID1", Some("k1 k2")).encode(&mut out);
        assert_eq!(
            out,
            "Pub\u{1}1000\u{1}DefaultRegion\u{1}g\u{1}orders\u{1}ID1\u{1}null\u{1}k1 k2\u{1}10.0.0.11:10911\u{1}5\u{1}3\u{1}0\u{1}OFF\u{1}true\u{2}"
        );
        let (body, keys) = trace_message(&[publ("ID1", Some("k1 k2")), publ("ID0", None)]);
        assert_eq!(keys, "ID0 ID1 k1 k2");
        let decoded = decode(&body);
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[1][5], "ID0");
        assert_eq!(decoded[1][7], "null");
        let shown = Shown::of(&decoded[0]);
        assert_eq!(
            (shown.kind, shown.msg_id, shown.timestamp, shown.group),
            ("Pub", "ID1", "1000", "g")
        );
        assert_eq!((shown.cost_ms, shown.outcome), (Some("3"), Some("true")));
    }

    #[test]
    fn the_dispatcher_sends_a_full_batch_at_once_and_the_rest_after_five_seconds() {
        let mut t = Tracer::new(Rc::from("RMQ_SYS_TRACE_TOPIC"), 2, 0, 0);
        t.pending.push_back(publ("A", None));
        assert_eq!(t.take_batch(100, false), None);
        t.pending.push_back(publ("B", None));
        t.pending.push_back(publ("C", None));
        assert_eq!(t.take_batch(100, false).map(|b| b.len()), Some(2));
        // Not yet 5 s since that flush: the lone record waits.
        assert_eq!(t.take_batch(5_100, true), None);
        assert_eq!(t.next_timed_flush(), 5_101);
        assert_eq!(t.take_batch(5_101, true).map(|b| b.len()), Some(1));
        assert_eq!(Tracer::new(Rc::from("t"), 100, 0, 0).batch, 20);
        // A restarted process's dispatcher counts its 5 s from the restart.
        let r = t.restarted(9_000);
        assert_eq!((r.last_flush_ms, r.flushed, r.pending.len()), (9_000, 3, 0));
    }
}
