//! Java semantics more than one broker's rules depend on (Kafka's coordinator hashing, RocketMQ's
//! `SelectMessageQueueByHash`): kept here so each system cites one implementation.

/// Java's `String.hashCode()` over UTF-16 code units: `s[0]*31^(n-1) + ... + s[n-1]`, wrapping
/// as `int` arithmetic does.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// Java's `String.compareTo`: UTF-16 code-unit order (differs from Rust's `str` order only
/// for characters above U+FFFF against U+E000..U+FFFF).
pub fn compare_strings(a: &str, b: &str) -> core::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Kafka's `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic: &str, partition: u32) -> i32 {
    31i32
        .wrapping_mul(31i32.wrapping_add(partition as i32))
        .wrapping_add(java_string_hash(topic))
}

/// Java's `Integer.hashCode()` is the value itself; a `String`'s is [`java_string_hash`]. A key
/// of a [`JavaHashMap`] says which it is.
pub trait JavaHash {
    fn java_hash(&self) -> i32;
}

impl JavaHash for alloc::string::String {
    fn java_hash(&self) -> i32 {
        java_string_hash(self)
    }
}

impl JavaHash for &str {
    fn java_hash(&self) -> i32 {
        java_string_hash(self)
    }
}

impl JavaHash for (alloc::string::String, u32) {
    fn java_hash(&self) -> i32 {
        topic_partition_hash(&self.0, self.1)
    }
}

impl JavaHash for i32 {
    fn java_hash(&self) -> i32 {
        *self
    }
}

/// The iteration order of a `java.util.HashMap` (and so of a `HashSet`, which is one), for
/// code whose result depends on it: buckets in index order, `(h ^ h >>> 16) & (capacity - 1)`,
/// each bucket in insertion order (a resize splits a bucket keeping that order). The table
/// starts at 16 (or `tableSizeFor(initialCapacity)`), doubles past a 0.75 load, and also
/// doubles while it is under 64 when one bucket grows past 8 (`treeifyBin`). Not replayed: the
/// order inside a bucket that became a red-black tree (9+ colliding keys in a table of 64 or
/// more), where Java links a new key after its tree parent instead of at the end.
#[derive(Debug, Clone)]
pub struct JavaHashMap<K, V> {
    table: alloc::vec::Vec<alloc::vec::Vec<(i32, K, V)>>,
    /// The capacity the first insert allocates (`threshold` before the table exists).
    initial_capacity: usize,
    len: usize,
}

const DEFAULT_CAPACITY: usize = 16;
const MAX_CAPACITY: usize = 1 << 30;
const TREEIFY_THRESHOLD: usize = 8;
const MIN_TREEIFY_CAPACITY: usize = 64;

/// `HashMap.tableSizeFor`: the least power of two ≥ `n` (at least 1).
fn table_size_for(n: usize) -> usize {
    n.max(1).next_power_of_two().min(MAX_CAPACITY)
}

fn spread(h: i32) -> i32 {
    h ^ ((h as u32) >> 16) as i32
}

impl<K: JavaHash + PartialEq, V> Default for JavaHashMap<K, V> {
    fn default() -> Self {
        JavaHashMap::new()
    }
}

impl<K: JavaHash + PartialEq, V> JavaHashMap<K, V> {
    /// `new HashMap<>()`.
    pub fn new() -> Self {
        JavaHashMap {
            table: alloc::vec::Vec::new(),
            initial_capacity: DEFAULT_CAPACITY,
            len: 0,
        }
    }

    /// `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(initial_capacity: usize) -> Self {
        JavaHashMap {
            table: alloc::vec::Vec::new(),
            initial_capacity: table_size_for(initial_capacity),
            len: 0,
        }
    }

    /// `new HashMap<>(other)`: sized for `other.size() / 0.75 + 1`, then filled in `other`'s
    /// iteration order (`putMapEntries`).
    pub fn copy_of<I: IntoIterator<Item = (K, V)>>(len: usize, entries: I) -> Self {
        let wanted = (len as f32 / 0.75 + 1.0) as usize;
        let mut map = JavaHashMap::with_capacity(wanted);
        for (k, v) in entries {
            map.put(k, v);
        }
        map
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn capacity(&self) -> usize {
        if self.table.is_empty() {
            self.initial_capacity
        } else {
            self.table.len()
        }
    }

    fn index(&self, hash: i32) -> usize {
        (hash as u32 as usize) & (self.table.len() - 1)
    }

    fn resize(&mut self) {
        let new_capacity = if self.table.is_empty() {
            self.initial_capacity
        } else {
            (self.table.len() * 2).min(MAX_CAPACITY)
        };
        if new_capacity == self.table.len() {
            return;
        }
        let old = core::mem::take(&mut self.table);
        self.table = (0..new_capacity).map(|_| alloc::vec::Vec::new()).collect();
        for bucket in old {
            for entry in bucket {
                let i = self.index(entry.0);
                self.table[i].push(entry);
            }
        }
    }

    /// `put`: replaces the value of a present key in place (its position stays); returns the old.
    pub fn put(&mut self, key: K, value: V) -> Option<V> {
        if self.table.is_empty() {
            self.resize();
        }
        let hash = spread(key.java_hash());
        let i = self.index(hash);
        if let Some(entry) = self.table[i].iter_mut().find(|e| e.0 == hash && e.1 == key) {
            return Some(core::mem::replace(&mut entry.2, value));
        }
        self.table[i].push((hash, key, value));
        self.len += 1;
        // treeifyBin resizes a small table instead of making a tree of the bucket.
        if self.table[i].len() > TREEIFY_THRESHOLD && self.table.len() < MIN_TREEIFY_CAPACITY {
            self.resize();
        }
        if self.len > self.table.len() * 3 / 4 {
            self.resize();
        }
        None
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        if self.table.is_empty() {
            return None;
        }
        let hash = spread(key.java_hash());
        self.table[self.index(hash)]
            .iter()
            .find(|e| e.0 == hash && e.1 == *key)
            .map(|e| &e.2)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        if self.table.is_empty() {
            return None;
        }
        let hash = spread(key.java_hash());
        let i = self.index(hash);
        self.table[i]
            .iter_mut()
            .find(|e| e.0 == hash && e.1 == *key)
            .map(|e| &mut e.2)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        if self.table.is_empty() {
            return None;
        }
        let hash = spread(key.java_hash());
        let i = self.index(hash);
        let at = self.table[i].iter().position(|e| e.0 == hash && e.1 == *key)?;
        self.len -= 1;
        Some(self.table[i].remove(at).2)
    }

    /// Entries in Java's iteration order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.table.iter().flat_map(|b| b.iter().map(|e| (&e.1, &e.2)))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.table
            .iter_mut()
            .flat_map(|b| b.iter_mut().map(|e| (&e.1, &mut e.2)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    /// `entrySet().removeIf` / an iterator's `remove()` during a walk: keeps the order of the rest.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut removed = 0;
        for bucket in &mut self.table {
            let before = bucket.len();
            bucket.retain_mut(|e| keep(&e.1, &mut e.2));
            removed += before - bucket.len();
        }
        self.len -= removed;
    }
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

    #[test]
    fn utf16_order_puts_an_emoji_before_a_private_use_character() {
        // U+1F600 is D83D DE00 in UTF-16, below U+E000; in UTF-8 (Rust's order) it sorts after.
        assert_eq!(compare_strings("😀", "\u{e000}"), core::cmp::Ordering::Less);
        assert!("😀" > "\u{e000}");
    }

    fn order(map: &JavaHashMap<alloc::string::String, ()>) -> alloc::vec::Vec<&str> {
        map.keys().map(|k| k.as_str()).collect()
    }

    /// The orders OpenJDK 17 printed for `new HashMap<>()` after these puts (`keySet()`).
    #[test]
    fn hash_map_iterates_as_java_prints() {
        let mut map = JavaHashMap::new();
        for k in ["consumer2", "BB", "consumer1", "Aa", "c", "consumer10", "topic-x", "t"] {
            map.put(alloc::string::String::from(k), ());
        }
        // "Aa" and "BB" collide (both 2112) and keep their insertion order.
        assert_eq!(
            order(&map),
            ["BB", "Aa", "consumer10", "topic-x", "c", "t", "consumer2", "consumer1"]
        );
        let mut big = JavaHashMap::new();
        for i in 0..40 {
            big.put(alloc::format!("member-{}", 39 - i), ());
        }
        let want = "member-19 member-18 member-39 member-17 member-38 member-16 member-37 member-15 member-5 \
                    member-36 member-14 member-6 member-35 member-13 member-3 member-34 member-12 member-4 \
                    member-33 member-11 member-9 member-32 member-10 member-31 member-7 member-30 member-8 \
                    member-29 member-28 member-27 member-26 member-25 member-24 member-23 member-22 member-21 \
                    member-20 member-1 member-2 member-0";
        assert_eq!(order(&big), want.split_whitespace().collect::<alloc::vec::Vec<_>>());
        let mut set = JavaHashMap::new();
        for k in ["range", "roundrobin", "sticky", "cooperative-sticky"] {
            set.put(alloc::string::String::from(k), ());
        }
        assert_eq!(order(&set), ["sticky", "range", "roundrobin", "cooperative-sticky"]);
    }

    #[test]
    fn hash_map_grows_past_three_quarters() {
        let mut map = JavaHashMap::new();
        for i in 0..12 {
            map.put(i, ());
        }
        assert_eq!(map.capacity(), 16);
        map.put(12, ());
        assert_eq!(map.capacity(), 32);
        // Integers hash to themselves: they iterate in value order while below the capacity.
        let keys: alloc::vec::Vec<i32> = map.keys().copied().collect();
        assert_eq!(keys, (0..13).collect::<alloc::vec::Vec<_>>());
        let mut sized: JavaHashMap<i32, ()> = JavaHashMap::with_capacity(5);
        sized.put(40, ());
        sized.put(3, ());
        assert_eq!(sized.capacity(), 8);
        assert_eq!(sized.keys().copied().collect::<alloc::vec::Vec<_>>(), [40, 3]);
        let copy = JavaHashMap::copy_of(13, map.iter().map(|(k, _)| (*k, ())));
        assert_eq!(copy.capacity(), 32);
    }

    #[test]
    fn topic_partition_hash_is_kafkas() {
        // new TopicPartition("t", 0).hashCode() == 31 * 31 + "t".hashCode()
        assert_eq!(topic_partition_hash("t", 0), 961 + 116);
        assert_eq!(topic_partition_hash("t", 2), 31 * 33 + 116);
    }
}
