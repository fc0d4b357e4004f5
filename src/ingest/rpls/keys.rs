//! Interned string keys → dense ids `0..n` in insertion order.
//!
//! A thin wrapper over `string-interner` (one contiguous buffer for all keys, no allocation per
//! key) with the Fx hash of `rustc-hash`: used for the `IDENT_REP` index of the RPLS file (5.3
//! million national identifiers) and for the interning tables of the programme hierarchy and of
//! the addresses. Inputs are the user's own files, so hash flooding is not a concern.

use rustc_hash::FxBuildHasher;
use string_interner::backend::StringBackend;
use string_interner::symbol::SymbolU32;
use string_interner::{StringInterner, Symbol};

type Interner = StringInterner<StringBackend<SymbolU32>, FxBuildHasher>;

/// String keys with dense ids in insertion order.
#[derive(Debug, Clone)]
pub struct KeyTable {
    interner: Interner,
}

impl Default for KeyTable {
    fn default() -> Self {
        KeyTable {
            interner: Interner::with_hasher(FxBuildHasher),
        }
    }
}

fn id_of(sym: SymbolU32) -> u32 {
    sym.to_usize() as u32
}

impl KeyTable {
    #[cfg(test)]
    pub(crate) fn key(&self, id: u32) -> &str {
        let sym = SymbolU32::try_from_usize(id as usize).expect("id below u32::MAX");
        self.interner.resolve(sym).expect("id issued by this table")
    }

    /// The id of `key`, if present.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.interner.get(key).map(id_of)
    }

    /// Adds `key` and returns its id (the number of keys before it), or `Err` with the id it
    /// already has.
    pub fn insert(&mut self, key: &str) -> Result<u32, u32> {
        if let Some(id) = self.get(key) {
            return Err(id);
        }
        Ok(id_of(self.interner.get_or_intern(key)))
    }

    /// Reserves room for about `keys` more keys (`string-interner` sizes its buffer itself).
    pub fn reserve(&mut self, keys: usize, _bytes_per_key: usize) {
        if self.interner.is_empty() {
            self.interner = Interner::with_capacity_and_hasher(keys, FxBuildHasher);
        }
    }

    pub fn len(&self) -> usize {
        self.interner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.interner.is_empty()
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
    fn many_keys_survive_resizing() {
        let mut t = KeyTable::default();
        t.reserve(10, 10);
        for i in 0..50_000u32 {
            assert_eq!(t.insert(&format!("{i:010}")), Ok(i));
        }
        for i in (0..50_000u32).step_by(7) {
            assert_eq!(t.get(&format!("{i:010}")), Some(i));
            assert_eq!(t.insert(&format!("{i:010}")), Err(i));
            assert_eq!(t.key(i), format!("{i:010}"));
        }
        assert_eq!(t.get("0000050000"), None);
        assert_eq!(t.len(), 50_000);
    }
}
