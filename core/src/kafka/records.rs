//! The record arena. Every record a producer sends gets a `RecordId`; logs, batches, fetches and
//! trace entries hold that id, never the key or value. A record remembers only which scenario
//! action made it and its ordinal in that action (`produce_many` makes many), so its key and value
//! are recomputed when someone looks: `order-{n % distinct_keys}` and `#n` padded with dots.
//! Recomputing is exact because actions never change once they ran (a learner's click only adds
//! actions after the current time).
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

use super::spec::Action;
use crate::kernel::chunked::ChunkVec;
use crate::scenario::TimedAction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub u32);

/// Which action made a record, and which of its records it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordMeta {
    pub action: u32,
    pub n: u32,
}

/// Keys are at most 256 bytes (`scenario::MAX_KEY_BYTES`); a generated one fits this buffer.
const KEY_BUF: usize = 280;
const SHORT_PREFIX: usize = 36;

/// Writes `{prefix}-{n}` into `buf` (which has room for the prefix and 11 more bytes); returns
/// its length.
fn write_key(buf: &mut [u8], prefix: &[u8], n: u32) -> usize {
    let len = prefix.len().min(buf.len() - 12);
    buf[..len].copy_from_slice(&prefix[..len]);
    buf[len] = b'-';
    let mut digits = [0u8; 10];
    let mut d = 0;
    let mut v = n;
    loop {
        digits[d] = b'0' + (v % 10) as u8;
        d += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let mut at = len + 1;
    for i in (0..d).rev() {
        buf[at] = digits[i];
        at += 1;
    }
    at
}

#[derive(Debug, Clone, Default)]
pub struct Records {
    metas: ChunkVec<RecordMeta>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.metas.len()
    }
    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }
    pub fn add(&mut self, meta: RecordMeta) -> RecordId {
        self.metas.push(meta);
        RecordId((self.metas.len() - 1) as u32)
    }
    pub fn meta(&self, id: RecordId) -> Option<RecordMeta> {
        self.metas.get(id.0 as usize).copied()
    }

    pub fn key<'a>(&self, actions: &'a [TimedAction], id: RecordId) -> Option<Cow<'a, str>> {
        let meta = self.meta(id)?;
        key_of(source(actions, meta.action)?, meta.n)
    }

    pub fn value(&self, actions: &[TimedAction], id: RecordId) -> String {
        self.meta(id)
            .and_then(|m| Some(value_of(source(actions, m.action)?, m.n)))
            .unwrap_or_default()
    }

    /// Whether the record's key is `key`, without building the key.
    pub fn key_is(&self, actions: &[TimedAction], id: RecordId, key: &str) -> bool {
        let Some(meta) = self.meta(id) else {
            return false;
        };
        let Some(action) = source(actions, meta.action) else {
            return false;
        };
        with_key(action, meta.n, |k| k == Some(key.as_bytes()))
    }
}

/// The Kafka action behind a record.
pub fn source(actions: &[TimedAction], index: u32) -> Option<&Action> {
    match &actions.get(index as usize)?.action {
        crate::systems::Action::Kafka(a) => Some(a),
        _ => None,
    }
}

pub fn key_of(action: &Action, n: u32) -> Option<Cow<'_, str>> {
    match action {
        Action::Produce { key, .. } => key.as_deref().map(Cow::Borrowed),
        Action::ProduceMany {
            key_prefix,
            distinct_keys,
            ..
        } => key_prefix
            .as_ref()
            .map(|k| Cow::Owned(format!("{k}-{}", n % (*distinct_keys).max(1)))),
        _ => None,
    }
}

pub fn value_of(action: &Action, n: u32) -> String {
    match action {
        Action::Produce { value, .. } => value.clone(),
        Action::ProduceMany { value_bytes, .. } => {
            let mut value = format!("#{n}");
            while value.len() < *value_bytes as usize {
                value.push('.');
            }
            value
        }
        _ => String::new(),
    }
}

/// Bytes of the value of record `n` of `action`, without building it.
pub fn value_len(action: &Action, n: u32) -> usize {
    match action {
        Action::Produce { value, .. } => value.len(),
        Action::ProduceMany { value_bytes, .. } => (1 + decimal_digits(n)).max(*value_bytes as usize),
        _ => 0,
    }
}

fn decimal_digits(mut n: u32) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Distinct keys of a `produce_many` whose murmur2 is worth making once, up front.
pub const KEY_CACHE_MAX: u32 = 4096;

/// For a keyed `produce_many` of at most `KEY_CACHE_MAX` distinct keys: each key's murmur2 and
/// length, indexed by `n % distinct_keys`. A memo of a pure function: partitions are exactly those
/// of `partition_for_key`.
pub fn key_cache(action: &Action) -> Option<alloc::rc::Rc<[(i32, u16)]>> {
    let Action::ProduceMany {
        key_prefix: Some(_),
        distinct_keys,
        count,
        ..
    } = action
    else {
        return None;
    };
    let distinct = (*distinct_keys).max(1).min(*count);
    if distinct > KEY_CACHE_MAX {
        return None;
    }
    Some(
        (0..distinct)
            .map(|n| {
                with_key(action, n, |k| {
                    k.map_or((0, 0), |k| (super::partitioner::murmur2(k), k.len() as u16))
                })
            })
            .collect(),
    )
}

/// Calls `f` with the UTF-8 bytes of the key of record `n` of `action` (None without a key),
/// written into a stack buffer for generated keys: the per-record hot path allocates nothing.
pub fn with_key<R>(action: &Action, n: u32, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    match action {
        Action::Produce { key, .. } => f(key.as_deref().map(str::as_bytes)),
        Action::ProduceMany {
            key_prefix: Some(prefix),
            distinct_keys,
            ..
        } => {
            let n = n % (*distinct_keys).max(1);
            // Short prefixes (the usual case) use a small buffer: zeroing 280 bytes per record
            // would cost more than hashing the key.
            if prefix.len() <= SHORT_PREFIX {
                let mut buf = [0u8; SHORT_PREFIX + 12];
                let len = write_key(&mut buf, prefix.as_bytes(), n);
                f(Some(&buf[..len]))
            } else {
                let mut buf = [0u8; KEY_BUF];
                let len = write_key(&mut buf, prefix.as_bytes(), n);
                f(Some(&buf[..len]))
            }
        }
        _ => f(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn many(prefix: Option<&str>, distinct: u32, value_bytes: u32) -> Action {
        Action::ProduceMany {
            producer: "p".into(),
            topic: "t".into(),
            count: 100,
            key_prefix: prefix.map(Into::into),
            distinct_keys: distinct,
            value_bytes,
        }
    }

    #[test]
    fn generated_keys_and_values_match_their_text_form() {
        let long = "p".repeat(200);
        for a in [many(Some("order"), 7, 16), many(Some(&long), 1_000_000, 16)] {
            for n in [0u32, 6, 7, 123, 99_999, u32::MAX] {
                let text = key_of(&a, n).unwrap().into_owned();
                with_key(&a, n, |k| assert_eq!(k, Some(text.as_bytes())));
            }
        }
        let a = many(Some("order"), 7, 16);
        for n in [0u32, 6, 7, 123, 99_999] {
            let text = key_of(&a, n).unwrap().into_owned();
            assert_eq!(text, format!("order-{}", n % 7));
            with_key(&a, n, |k| assert_eq!(k, Some(text.as_bytes())));
            assert_eq!(value_len(&a, n), value_of(&a, n).len());
        }
        assert_eq!(value_of(&a, 3), "#3..............");
        let cache = key_cache(&a).unwrap();
        assert_eq!(cache.len(), 7);
        for n in [0u32, 6, 7, 123] {
            let key = key_of(&a, n).unwrap();
            let hash = crate::kafka::partitioner::murmur2(key.as_bytes());
            assert_eq!(cache[(n % 7) as usize], (hash, key.len() as u16));
        }
        let wide = many(None, 1, 2);
        assert_eq!(value_of(&wide, 12_345), "#12345");
        assert_eq!(value_len(&wide, 12_345), 6);
        with_key(&wide, 1, |k| assert_eq!(k, None));
    }
}
