//! How Kafka's Java producer picks a partition (`BuiltInPartitioner`, Kafka >= 3.3).
//!
//! * A record with a key goes to `toPositive(murmur2(keyBytes)) % numPartitions`, counting all
//!   partitions, available or not (`BuiltInPartitioner#partitionForKey`). Keys are serialized as
//!   UTF-8, as `StringSerializer` does.
//! * A record without a key sticks to one partition until about `batch.size` bytes went there, then
//!   the producer picks the next one at random among partitions that have a leader (KIP-794, the
//!   "strictly uniform sticky partitioner"; KIP-480's older cache, removed in 4.0, switched on every
//!   new batch and never picked the same partition twice in a row).
use alloc::vec::Vec;

use crate::kernel::rng::Rng;

/// `Utils.murmur2(byte[])` of Kafka's clients: MurmurHash2, 32-bit, seed 0x9747b28c, returned as a
/// Java `int`. Chunks are read little-endian; a tail of 1 to 3 bytes is folded in before the mix.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let mut h = SEED ^ data.len() as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M) ^ k;
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, b) in tail.iter().enumerate().rev() {
            h ^= u32::from(*b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: clears the sign bit. Not `abs`: `toPositive(-1) == 2147483647`.
pub fn to_positive(n: i32) -> u32 {
    (n & 0x7fff_ffff) as u32
}

/// The partition of a keyed record, and the two numbers that explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyedChoice {
    pub murmur2: i32,
    pub positive: u32,
    pub partition: u32,
}

pub fn partition_for_key(key: &str, num_partitions: u32) -> KeyedChoice {
    partition_for_key_bytes(key.as_bytes(), num_partitions)
}

/// The same, for a key already serialized (`StringSerializer`: UTF-8).
pub fn partition_for_key_bytes(key: &[u8], num_partitions: u32) -> KeyedChoice {
    let hash = murmur2(key);
    let positive = to_positive(hash);
    KeyedChoice {
        murmur2: hash,
        positive,
        partition: positive % num_partitions.max(1),
    }
}

/// Size of a zigzag varint (`ByteUtils.sizeOfVarint` / `sizeOfVarlong`).
fn varint_len(value: i64) -> u32 {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD` for message format v2.
pub const RECORD_BATCH_OVERHEAD: u32 = 61;

/// `DefaultRecord.sizeInBytes`: the bytes one record takes in a v2 batch (no headers, no compression).
pub fn record_size_bytes(offset_delta: u32, timestamp_delta_ms: u64, key_len: Option<usize>, value_len: usize) -> u32 {
    let field = |len: Option<usize>| match len {
        None => varint_len(-1),
        Some(l) => varint_len(l as i64) + l as u32,
    };
    let body = 1 // attributes
        + varint_len(timestamp_delta_ms as i64)
        + varint_len(i64::from(offset_delta))
        + field(key_len)
        + field(Some(value_len))
        + varint_len(0); // header count
    varint_len(i64::from(body)) + body
}

/// Per-topic state of the sticky partitioner (`BuiltInPartitioner.StickyPartitionInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sticky {
    pub partition: Option<u32>,
    pub produced_bytes: u32,
}

impl Sticky {
    /// `updatePartitionInfo`: count the bytes the append added and say whether to switch now.
    /// `batches_full` is `allBatchesFull(deque)`: the partition's last batch is full or there is none.
    /// Switching waits for a full batch, but never past twice `batch.size`.
    pub fn should_switch(&self, batch_size: u32, batches_full: bool) -> bool {
        (self.produced_bytes >= batch_size && batches_full) || self.produced_bytes >= batch_size.saturating_mul(2)
    }
}

/// `BuiltInPartitioner#nextPartition`. `available` lists partitions with a leader, ascending.
/// `queue_sizes[p]` is the number of batches waiting in partition `p`'s deque, when the producer
/// has seen every partition (else `None`). With `partitioner.adaptive.partitioning.enable=true`
/// (default) and unequal queues, partitions are weighted by `max_queue + 1 - queue`; otherwise the
/// pick is uniform. The current partition may be picked again.
pub fn next_sticky_partition(
    rng: &mut Rng,
    num_partitions: u32,
    available: &[u32],
    queue_sizes: Option<&[u32]>,
) -> u32 {
    let random = rng.next_u64() as u32 & 0x7fff_ffff; // toPositive(nextInt())
    if let Some(weights) = adaptive_weights(available, queue_sizes) {
        let total: u32 = weights.iter().map(|(_, w)| w).sum();
        let mut pick = random % total;
        for (p, w) in &weights {
            if pick < *w {
                return *p;
            }
            pick -= w;
        }
    }
    if available.is_empty() {
        random % num_partitions.max(1)
    } else {
        available[(random as usize) % available.len()]
    }
}

/// Load statistics exist only for two or more available partitions with unequal queues
/// (`updatePartitionLoadStats`); `None` means "pick uniformly".
fn adaptive_weights(available: &[u32], queue_sizes: Option<&[u32]>) -> Option<Vec<(u32, u32)>> {
    let sizes = queue_sizes?;
    if available.len() < 2 {
        return None;
    }
    let queue = |p: u32| sizes.get(p as usize).copied().unwrap_or(0);
    let max = available.iter().map(|p| queue(*p)).max()?;
    let min = available.iter().map(|p| queue(*p)).min()?;
    if max == min {
        return None;
    }
    Some(available.iter().map(|p| (*p, max + 1 - queue(*p))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn murmur2_matches_kafka_utils_test() {
        // clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java#testMurmur2
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            (b"abc", 479_470_107),
        ];
        for (input, want) in cases {
            assert_eq!(murmur2(input), want, "murmur2({:?})", core::str::from_utf8(input));
        }
    }

    #[test]
    fn murmur2_matches_java_generated_vectors_of_other_clients() {
        // kafkajs src/producer/partitioners/defaultJava/murmur2.spec.js (values generated with Java).
        for (input, want) in [
            ("0", 971_027_396),
            ("1", -1_993_445_489),
            ("128", -326_012_175),
            ("2187", -1_508_407_203),
            ("16384", -325_739_742),
        ] {
            assert_eq!(murmur2(input.as_bytes()), want, "murmur2({input:?})");
        }
        // kafka-python test/test_partitioner.py#test_murmur2_java_compatibility, 1000 partitions.
        for (input, want) in [
            ("", 681),
            ("a", 524),
            ("ab", 434),
            ("abc", 107),
            ("123456789", 566),
            ("\u{0} ", 742),
        ] {
            assert_eq!(partition_for_key(input, 1000).partition, want, "partition of {input:?}");
        }
    }

    #[test]
    fn to_positive_clears_the_sign_bit_rather_than_negating() {
        assert_eq!(to_positive(-1), 0x7fff_ffff);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(5), 5);
        // abs would give 973932308 for "21"; toPositive gives 2^31 - 973932308.
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
    }

    #[test]
    fn record_size_counts_varints() {
        // attributes 1, ts delta 0 -> 1, offset delta 0 -> 1, key "k" -> 1+1, value 3 -> 1+3, headers 1
        // body 10, plus 1 for the length varint.
        assert_eq!(record_size_bytes(0, 0, Some(1), 3), 11);
        // A null key is a single varint(-1) byte instead of length + bytes: body 9, total 10.
        assert_eq!(record_size_bytes(0, 0, None, 3), 10);
        // A 200-byte value needs a 2-byte length varint.
        assert_eq!(record_size_bytes(0, 0, None, 200), 1 + 1 + 1 + 1 + 2 + 200 + 1 + 2);
    }

    #[test]
    fn switch_waits_for_a_full_batch_but_not_past_twice_batch_size() {
        let s = Sticky {
            partition: Some(0),
            produced_bytes: 100,
        };
        assert!(!s.should_switch(100, false));
        assert!(s.should_switch(100, true));
        let s = Sticky {
            partition: Some(0),
            produced_bytes: 200,
        };
        assert!(s.should_switch(100, false));
    }

    #[test]
    fn uniform_pick_stays_among_available_partitions() {
        let mut rng = Rng::seeded(9);
        let mut seen = [0u32; 4];
        for _ in 0..4000 {
            seen[next_sticky_partition(&mut rng, 4, &[0, 2, 3], None) as usize] += 1;
        }
        assert_eq!(seen[1], 0, "partition 1 has no leader and must never be picked");
        for p in [0, 2, 3] {
            assert!(
                (1100..1600).contains(&seen[p]),
                "partition {p} picked {} times",
                seen[p]
            );
        }
    }

    #[test]
    fn adaptive_weights_follow_the_builtin_partitioner_test() {
        // BuiltInPartitionerTest: queue sizes {5,0,3,0,1} give frequencies {1,6,3,6,5}.
        let w = adaptive_weights(&[0, 1, 2, 3, 4], Some(&[5, 0, 3, 0, 1])).unwrap();
        assert_eq!(w, vec![(0, 1), (1, 6), (2, 3), (3, 6), (4, 5)]);
        assert_eq!(
            adaptive_weights(&[0, 1], Some(&[2, 2])),
            None,
            "equal queues pick uniformly"
        );
    }
}
