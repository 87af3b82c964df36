//! The simulation's only source of randomness: an owned xoshiro256** generator seeded through
//! SplitMix64, as its authors recommend. The algorithm is pinned here (not taken from a crate whose
//! output could change between versions), so a seed reproduces the same run forever.

/// xoshiro256** (Blackman & Vigna, 2018).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform value in `0..bound` (Lemire's multiply-shift; the tiny bias is irrelevant here
    /// but the mapping is fixed, which is what determinism needs). `bound == 0` gives 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * bound as u128) >> 64) as u64
    }

    /// A uniform value in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// A random (version 4) UUID in its canonical text form, like Java's `UUID.randomUUID()`.
    pub fn uuid4(&mut self) -> alloc::string::String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // IETF variant
        let mut out = alloc::string::String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            let hex = b"0123456789abcdef";
            out.push(hex[(b >> 4) as usize] as char);
            out.push(hex[(b & 0xf) as usize] as char);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        let mut a = Rng::seeded(7);
        let mut b = Rng::seeded(7);
        let mut c = Rng::seeded(8);
        let xs: alloc::vec::Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: alloc::vec::Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: alloc::vec::Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn pinned_first_outputs() {
        // Pins the algorithm: if this changes, every golden trace changes with it.
        let mut r = Rng::seeded(0);
        assert_eq!(r.next_u64(), 0x99ec5f36cb75f2b4);
    }

    #[test]
    fn below_and_between_stay_in_range() {
        let mut r = Rng::seeded(1);
        for _ in 0..1000 {
            assert!(r.below(3) < 3);
            let v = r.between(5, 9);
            assert!((5..=9).contains(&v));
        }
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let u = Rng::seeded(3).uuid4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
