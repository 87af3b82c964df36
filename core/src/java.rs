//! Java semantics more than one broker's rules depend on (Kafka's coordinator hashing, RocketMQ's
//! `SelectMessageQueueByHash`): kept here so each system cites one implementation.

/// Java's `String.hashCode()` over UTF-16 code units: `s[0]*31^(n-1) + ... + s[n-1]`, wrapping
/// as `int` arithmetic does.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_known_values() {
        // What Java prints for "".hashCode(), "a".hashCode(), "hello".hashCode(), a string whose
        // hash wraps to Integer.MIN_VALUE, a CJK character (one UTF-16 unit) and an emoji (two).
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(java_string_hash("中"), 0x4e2d);
        assert_eq!(java_string_hash("😀"), 0xd83d * 31 + 0xde00);
    }
}
