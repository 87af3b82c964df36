//! A RocketMQ message as the broker stores it (`MessageExt`): topic, queue, offsets, properties,
//! and the two ids a client sees — `UNIQ_KEY` (`msgId`, made by the client) and `offsetMsgId`
//! (made by the broker from its address and the commit log offset).
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;

/// `MessageConst` property names.
pub mod prop {
    pub const KEYS: &str = "KEYS";
    pub const CLUSTER: &str = "CLUSTER";
    /// Stamped by the broker on every message sent to it (`BrokerConfig.regionId`, `traceOn`).
    pub const MSG_REGION: &str = "MSG_REGION";
    pub const TRACE_ON: &str = "TRACE_ON";
    /// `TransactionalMessageUtil.TRANSACTION_ID`.
    pub const TRANSACTION_ID: &str = "__transactionId__";
    pub const TAGS: &str = "TAGS";
    pub const UNIQ_KEY: &str = "UNIQ_KEY";
    pub const DELAY: &str = "DELAY";
    pub const REAL_TOPIC: &str = "REAL_TOPIC";
    pub const REAL_QID: &str = "REAL_QID";
    pub const TRAN_MSG: &str = "TRAN_MSG";
    pub const PGROUP: &str = "PGROUP";
    pub const TRANSACTION_CHECK_TIMES: &str = "TRANSACTION_CHECK_TIMES";
    pub const CHECK_IMMUNITY_TIME_IN_SECONDS: &str = "CHECK_IMMUNITY_TIME_IN_SECONDS";
    pub const TRANSACTION_PREPARED_QUEUE_OFFSET: &str = "TRAN_PREPARED_QUEUE_OFFSET";
    pub const RETRY_TOPIC: &str = "RETRY_TOPIC";
    pub const ORIGIN_MESSAGE_ID: &str = "ORIGIN_MESSAGE_ID";
    pub const MAX_RECONSUME_TIMES: &str = "MAX_RECONSUME_TIMES";
    pub const TIMER_DELAY_MS: &str = "TIMER_DELAY_MS";
    pub const TIMER_OUT_MS: &str = "TIMER_OUT_MS";
    pub const WAIT_STORE_MSG_OK: &str = "WAIT";
    pub const DLQ_ORIGIN_TOPIC: &str = "DLQ_ORIGIN_TOPIC";
    pub const DLQ_ORIGIN_MESSAGE_ID: &str = "DLQ_ORIGIN_MESSAGE_ID";
}

pub type Properties = BTreeMap<String, String>;

/// One message in a broker's commit log.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// mqplay's send number (1-based): every copy of one send has the same.
    pub ordinal: u32,
    pub topic: Rc<str>,
    pub queue_id: u32,
    pub queue_offset: u64,
    pub commit_log_offset: u64,
    /// `MessageExtEncoder`'s length of the stored record, the step between commit log offsets.
    pub size: u32,
    pub born_ms: u64,
    pub store_ms: u64,
    pub reconsume_times: u32,
    pub properties: Properties,
    pub body: Rc<str>,
    /// The broker's index (which broker's commit log).
    pub broker: u8,
}

impl Stored {
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }
    pub fn uniq_key(&self) -> &str {
        self.prop(prop::UNIQ_KEY).unwrap_or("")
    }
    pub fn tags(&self) -> &str {
        self.prop(prop::TAGS).unwrap_or("")
    }
    pub fn keys(&self) -> &str {
        self.prop(prop::KEYS).unwrap_or("")
    }
}

/// `MessageDecoder.messageProperties2String`: `name\u{1}value\u{2}` per property.
pub fn properties_len(p: &Properties) -> usize {
    p.iter().map(|(k, v)| k.len() + v.len() + 2).sum()
}

/// `MessageExtEncoder.calMsgLength` for an IPv4 born and store host (message version 1): the
/// fixed fields (total size, magic code, body CRC, queue id, flag, queue offset, physical offset,
/// sys flag, born timestamp, born host 8, store timestamp, store host 8, reconsume times,
/// prepared transaction offset) are 84 bytes, then a 4-byte body length and the body, a 1-byte
/// topic length and the topic, a 2-byte properties length and the properties.
pub fn stored_len(topic: &str, body: &str, properties: &Properties) -> u32 {
    let fixed = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8;
    (fixed + 4 + body.len() + 1 + topic.len() + 2 + properties_len(properties)) as u32
}

pub use crate::java::java_string_hash;

/// `offsetMsgId` (`MessageDecoder.createMessageId`): the store host's IPv4 address and port
/// (4 + 4 bytes) and the commit log offset (8 bytes), as 32 upper-case hex digits.
pub fn offset_msg_id(broker_ip: [u8; 4], port: u32, commit_log_offset: u64) -> String {
    format!(
        "{:02X}{:02X}{:02X}{:02X}{:08X}{:016X}",
        broker_ip[0], broker_ip[1], broker_ip[2], broker_ip[3], port, commit_log_offset
    )
}

/// The client's `UNIQ_KEY` (`MessageClientIDSetter.createUniqID`): a fixed prefix per client —
/// IPv4 address (4 bytes), process id (2), class loader hash (4) — then the milliseconds since
/// the start of the current month (4) and a counter (2), as 32 upper-case hex digits. mqplay's
/// clocks start at a month's start, so the time field is the virtual time.
pub fn uniq_key(ip: [u8; 4], pid: u16, loader_hash: u32, now_ms: u64, counter: u16) -> String {
    format!(
        "{:02X}{:02X}{:02X}{:02X}{:04X}{:08X}{:08X}{:04X}",
        ip[0], ip[1], ip[2], ip[3], pid, loader_hash, now_ms as u32, counter
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_length_counts_every_field() {
        let mut p = Properties::new();
        p.insert("KEYS".into(), "k".into());
        // 91 fixed bytes with the three length fields, + 2 body + 1 topic + ("KEYS" + "k" + 2).
        assert_eq!(stored_len("t", "ab", &p), 91 + 2 + 1 + 7);
    }
}
