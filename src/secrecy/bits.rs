//! A fixed set of 256 bits: measure sets (both populations of every catalogue measure) and
//! the predicates of partition cells.

use std::ops::{BitAnd, BitOr, BitOrAssign, Not};

/// 256 bits, little-endian by word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Bits([u64; 4]);

impl Bits {
    /// Number of bits held.
    pub const CAPACITY: usize = 256;

    pub const EMPTY: Bits = Bits([0; 4]);

    /// The set `{k}`.
    pub fn bit(k: usize) -> Bits {
        let mut b = Bits::EMPTY;
        b.set(k);
        b
    }

    /// The set `lo..hi`.
    pub fn range(lo: usize, hi: usize) -> Bits {
        let mut b = Bits::EMPTY;
        for k in lo..hi {
            b.set(k);
        }
        b
    }

    pub fn get(self, k: usize) -> bool {
        self.0[k >> 6] >> (k & 63) & 1 == 1
    }

    pub fn set(&mut self, k: usize) {
        assert!(k < Self::CAPACITY, "bit {k} out of a 256-bit set");
        self.0[k >> 6] |= 1 << (k & 63);
    }

    pub fn is_empty(self) -> bool {
        self.0 == [0; 4]
    }

    /// The set shifted up by `n` bits (bits past the capacity are lost).
    pub fn shifted(self, n: usize) -> Bits {
        let mut out = Bits::EMPTY;
        for k in self.ones() {
            if k + n < Self::CAPACITY {
                out.set(k + n);
            }
        }
        out
    }

    /// Indices of the bits set, ascending.
    pub fn ones(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().enumerate().flat_map(|(w, mut word)| {
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let k = word.trailing_zeros() as usize;
                    word &= word - 1;
                    w * 64 + k
                })
            })
        })
    }
}

impl BitOr for Bits {
    type Output = Bits;
    fn bitor(self, o: Bits) -> Bits {
        Bits(std::array::from_fn(|i| self.0[i] | o.0[i]))
    }
}

impl BitOrAssign for Bits {
    fn bitor_assign(&mut self, o: Bits) {
        *self = *self | o;
    }
}

impl BitAnd for Bits {
    type Output = Bits;
    fn bitand(self, o: Bits) -> Bits {
        Bits(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }
}

impl Not for Bits {
    type Output = Bits;
    fn not(self) -> Bits {
        Bits(self.0.map(|w| !w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_across_words() {
        let mut b = Bits::bit(3);
        b.set(64);
        b.set(200);
        assert!(b.get(3) && b.get(64) && b.get(200) && !b.get(4));
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![3, 64, 200]);
        assert_eq!(b.shifted(60).ones().collect::<Vec<_>>(), vec![63, 124]);
        assert_eq!(Bits::range(62, 66).ones().count(), 4);
        assert!((b & !Bits::range(0, 128)).get(200));
        assert!((b & !Bits::range(0, 256)).is_empty());
    }
}
