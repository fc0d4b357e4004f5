//! String interning for the BAN index: each distinct string is stored once and referred to by a
//! `u32`.

use rustc_hash::FxHashMap as FastMap;

/// Strings with a lookup table (kept while building, and at query time for the tables that are
/// searched: INSEE codes and street-name keys).
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    map: FastMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// Id of `s`, added when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).expect("fewer than 4 billion strings");
        let b: Box<str> = s.into();
        self.map.insert(b.clone(), id);
        self.strings.push(b);
        id
    }

    /// Id of `s`, when known.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    pub fn resolve(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Drops the lookup table: only [`StrTable::resolve`] remains.
    pub fn freeze(self) -> StrTable {
        StrTable(self.strings)
    }
}

/// Interned strings without their lookup table (display strings, resolved by id only).
#[derive(Debug, Default, Clone)]
pub(crate) struct StrTable(Vec<Box<str>>);

impl StrTable {
    pub fn resolve(&self, id: u32) -> &str {
        &self.0[id as usize]
    }

    /// Heap bytes used by the strings and their boxes.
    pub fn heap_bytes(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<Box<str>>()
            + self.0.iter().map(|s| s.len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_string_same_id() {
        let mut i = Interner::default();
        let a = i.intern("RUE");
        let b = i.intern("AVENUE");
        assert_eq!(i.intern("RUE"), a);
        assert_ne!(a, b);
        assert_eq!(i.get("AVENUE"), Some(b));
        assert_eq!(i.get("QUAI"), None);
        assert_eq!(i.len(), 2);
        let t = i.freeze();
        assert_eq!(t.resolve(b), "AVENUE");
    }
}
