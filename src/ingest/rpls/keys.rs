//! Interned string keys → dense ids `0..n`, without one allocation per key.
//!
//! The keys live end to end in one arena; a compact open-addressing table maps them to their
//! ids. Used for the `IDENT_REP` index of the RPLS file (5.3 million national identifiers: one
//! arena and one `Vec<u64>` instead of millions of small heap strings and a two-level hash map)
//! and for the interning tables of the programme hierarchy and of the addresses.

use std::hash::{BuildHasher, BuildHasherDefault};

use super::fast_hash::FxHasher;

/// Largest share of occupied slots before the slot table doubles.
const MAX_LOAD: (usize, usize) = (7, 10);

/// String keys with dense ids in insertion order.
///
/// Open addressing with linear probing over one `Vec<u64>`: a slot holds the key's 32-bit
/// fingerprint (high half) and its id + 1 (low half), 0 when empty; the fingerprint also picks
/// the first slot. A lookup touches one or two cache lines of slots and reads the key in the
/// arena only when a fingerprint matches. (A general-purpose hash map stores its control bytes
/// and its entries apart: two cache misses per new key on a table of millions of keys.)
#[derive(Debug, Default, Clone)]
pub struct KeyTable {
    arena: String,
    /// End of each key in `arena` (the start is the previous end).
    ends: Vec<usize>,
    slots: Vec<u64>,
}

impl KeyTable {
    fn fingerprint(key: &str) -> u32 {
        (BuildHasherDefault::<FxHasher>::default().hash_one(key) >> 32) as u32
    }

    pub(crate) fn key(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.arena[start..self.ends[i]]
    }

    /// The id of `key`, or the empty slot where it would go (`None` without slots).
    fn find(&self, key: &str, fp: u32) -> Result<u32, Option<usize>> {
        if self.slots.is_empty() {
            return Err(None);
        }
        let mask = self.slots.len() - 1;
        let mut i = fp as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(Some(i));
            }
            if (slot >> 32) as u32 == fp {
                let id = (slot as u32) - 1;
                if self.key(id) == key {
                    return Ok(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `key`, if present.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.find(key, Self::fingerprint(key)).ok()
    }

    /// Adds `key` and returns its id (the number of keys before it), or `Err` with the id it
    /// already has.
    pub fn insert(&mut self, key: &str) -> Result<u32, u32> {
        if (self.ends.len() + 1) * MAX_LOAD.1 > self.slots.len() * MAX_LOAD.0 {
            self.resize(self.ends.len() + 1);
        }
        let fp = Self::fingerprint(key);
        let slot = match self.find(key, fp) {
            Ok(id) => return Err(id),
            Err(slot) => slot.expect("slots allocated above"),
        };
        let id = self.ends.len() as u32;
        self.slots[slot] = (u64::from(fp) << 32) | u64::from(id + 1);
        self.arena.push_str(key);
        self.ends.push(self.arena.len());
        Ok(id)
    }

    /// Rebuilds the slot table for at least `keys` keys.
    fn resize(&mut self, keys: usize) {
        let want = (keys * MAX_LOAD.1 / MAX_LOAD.0 + 1)
            .next_power_of_two()
            .max(16);
        if want <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; want]);
        let mask = want - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut i = (slot >> 32) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Reserves room for `keys` more keys of about `bytes_per_key` bytes.
    pub fn reserve(&mut self, keys: usize, bytes_per_key: usize) {
        self.arena.reserve(keys.saturating_mul(bytes_per_key));
        self.ends.reserve(keys);
        self.resize(self.ends.len().saturating_add(keys));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_get_dense_ids_and_duplicates_are_refused() {
        let mut t = KeyTable::default();
        assert_eq!(t.insert("a"), Ok(0));
        assert_eq!(t.insert(""), Ok(1));
        assert_eq!(t.insert("bc"), Ok(2));
        assert_eq!(t.insert("a"), Err(0));
        assert_eq!(
            (t.get("a"), t.get(""), t.get("bc"), t.get("b")),
            (Some(0), Some(1), Some(2), None)
        );
        assert_eq!((t.key(0), t.key(1), t.key(2)), ("a", "", "bc"));
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn equal_fingerprints_are_told_apart_by_the_key() {
        let mut t = KeyTable::default();
        assert_eq!(t.insert("alpha"), Ok(0));
        // forge a slot for "beta" that carries alpha's id under beta's fingerprint
        let fp = KeyTable::fingerprint("beta");
        let i = t.find("beta", fp).unwrap_err().unwrap();
        t.slots[i] = (u64::from(fp) << 32) | 1;
        assert_eq!(t.get("beta"), None, "same fingerprint, different key");
        assert_eq!(t.insert("beta"), Ok(1));
        assert_eq!(t.insert("beta"), Err(1));
        assert_eq!(
            (t.get("alpha"), t.get("beta"), t.get("gamma")),
            (Some(0), Some(1), None)
        );
    }

    #[test]
    fn many_keys_survive_resizing() {
        let mut t = KeyTable::default();
        for i in 0..50_000u32 {
            assert_eq!(t.insert(&format!("{i:010}")), Ok(i));
        }
        t.reserve(100_000, 10);
        for i in (0..50_000u32).step_by(7) {
            assert_eq!(t.get(&format!("{i:010}")), Some(i));
            assert_eq!(t.insert(&format!("{i:010}")), Err(i));
        }
        assert_eq!(t.get("0000050000"), None);
        assert_eq!(t.len(), 50_000);
        let used = t.slots.iter().filter(|&&s| s != 0).count();
        assert_eq!(used, 50_000);
    }
}
