//! The speed reference: a bare discrete-event loop, a binary heap of (time, sequence) events over
//! 1024 nodes where each event schedules one follow-up a pseudo-random 1-3 ms later, like a
//! message with latency. Nothing a simulator does per event can be cheaper, so its events/s,
//! measured in the same run on the same machine, is the yardstick `scripts/bench.sh` divides the
//! simulator's records/s by. Prints one JSON line.
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

fn main() {
    let events: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let mut seq = 0u64;
    for node in 0..1024u32 {
        heap.push(Reverse((0, seq, node)));
        seq += 1;
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut checksum = 0u64;
    let start = Instant::now();
    for _ in 0..events {
        let Some(Reverse((t, _, node))) = heap.pop() else {
            break;
        };
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        checksum = checksum.wrapping_add(u64::from(node) ^ t);
        heap.push(Reverse((t + 1 + x % 3, seq, node)));
        seq += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"events\":{events},\"seconds\":{seconds:.3},\"events_per_second\":{:.0},\"checksum\":{checksum}}}",
        events as f64 / seconds
    );
}
