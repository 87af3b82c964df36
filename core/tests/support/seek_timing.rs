//! The seek measurement the benchmarks share: `count` seeks to pseudo-random steps of a run
//! (a fixed xorshift, so every run seeks to the same steps), timed one by one.
use std::time::Instant;

use mqplay_core::Sim;

/// The median and 99th-percentile seek time, in milliseconds.
pub fn seek_p50_p99_ms(sim: &mut Sim, count: usize) -> (f64, f64) {
    let steps = sim.steps();
    let mut seeks = Vec::with_capacity(count);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..count {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let target = x % steps.max(1);
        let t = Instant::now();
        sim.seek(target);
        seeks.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    seeks.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| seeks[((seeks.len() as f64 - 1.0) * p) as usize];
    (pct(0.5), pct(0.99))
}
