//! A small, fast, non-cryptographic hasher (the "Fx" multiply-rotate hash of rustc, with a
//! splitmix64 finaliser) for the lookup tables of ingest. Inputs are the user's own files, so
//! hash flooding is not a concern; on national RPLS files SipHash is a visible cost.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Multiply-rotate hasher over 8-byte words.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The multiply-rotate state mixes well into its high bits only; hashbrown takes the bucket
    /// from the low bits, so the state goes through the splitmix64 finaliser.
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_short_keys_hash_differently() {
        let h = |s: &str| {
            let mut x = FxHasher::default();
            x.write(s.as_bytes());
            x.finish()
        };
        assert_ne!(h("a"), h("a\0"));
        assert_ne!(h("ORG1\u{1f}P1"), h("ORG1\u{1f}P2"));
        let mut m: FastMap<Box<str>, u32> = FastMap::default();
        for i in 0..1000u32 {
            m.insert(i.to_string().into(), i);
        }
        assert_eq!(m.get("537"), Some(&537));
    }

    #[test]
    fn sequential_ids_spread_over_low_bits() {
        // hashbrown picks the bucket from the low bits: 4096 sequential 10-digit ids must land
        // in many distinct low-12-bit buckets
        let mut buckets = std::collections::HashSet::new();
        for i in 0..4096u64 {
            let mut x = FxHasher::default();
            x.write(format!("{i:010}").as_bytes());
            x.write_u8(0xff);
            buckets.insert(x.finish() & 0xfff);
        }
        assert!(buckets.len() > 2400, "{}", buckets.len());
    }
}
