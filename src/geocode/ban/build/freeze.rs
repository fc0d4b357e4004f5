//! Freezing a [`Builder`] into an [`IndexData`]: entries sorted by street and number, streets
//! pointing at their ranges, and the lookup tables of street keys.

use std::collections::HashMap;

use super::{Builder, RawEntry, StreetTmp};
use crate::geocode::ban::{derived, Entry, IndexData, LookupKey, Street, MULTI_FLAG};
use crate::geocode::normalize::normalize_index;
use crate::model::NONE;

/// A lookup key and its value: a street id, or `MULTI_FLAG | i` for `multi[i]`.
type KeyValue = (LookupKey, u32);

/// (INSEE code id, name key id) → range in the (type code, value) list.
type NameRanges = rustc_hash::FxHashMap<(u32, u32), (u32, u32)>;

impl Builder {
    /// Sorts the entries and builds the lookup table.
    pub fn finish(self) -> IndexData {
        let (streets, entries, id_exceptions) =
            sorted_entries(&self.raw, &self.streets, self.id_exceptions);
        let keys = lookup_keys(&self.keys, &self.streets);
        let (multi, values) = key_values(&keys);
        drop(keys);
        let (by_name, name_types) = name_ranges(&values);

        let mut names = self.names;
        let (fuzzy, fuzzy_abbr) = derived::fuzzy_keys(&values, &mut names);
        drop(values);
        let codes: Vec<[u32; 2]> = self
            .streets
            .iter()
            .map(|t| [t.identity.code, t.identity.ancienne])
            .collect();
        let commune_info = derived::commune_info(
            self.communes.len(),
            &codes,
            &streets,
            &entries,
            &fuzzy,
            &fuzzy_abbr,
        );

        IndexData {
            communes: self.communes,
            names,
            text: self.text.freeze(),
            reps: (0..self.reps.len() as u32)
                .map(|i| {
                    let raw = self.reps.resolve(i);
                    (raw.into(), normalize_index(raw))
                })
                .collect(),
            streets,
            entries,
            id_exceptions,
            by_name,
            name_types,
            multi,
            commune_info,
            fuzzy: fuzzy.into_iter().map(|(_, k)| k).collect(),
            fuzzy_abbr: fuzzy_abbr.into_iter().map(|(_, k)| k).collect(),
        }
    }
}

/// The streets with their ranges, the entries sorted by street, then key (equal addresses
/// keep their load order), and the id exceptions by entry position instead of load sequence.
fn sorted_entries(
    raw: &[RawEntry],
    tmp: &[StreetTmp],
    mut exceptions: HashMap<u32, Box<str>>,
) -> (Vec<Street>, Vec<Entry>, HashMap<u32, Box<str>>) {
    let mut order: Vec<u32> = (0..raw.len() as u32).collect();
    // stable: equal addresses keep their load order
    order.sort_by_key(|&i| {
        let e = &raw[i as usize];
        (e.street, e.key)
    });
    let mut entries = Vec::with_capacity(order.len());
    let mut id_exceptions = HashMap::with_capacity(exceptions.len());
    let mut streets: Vec<Street> = tmp
        .iter()
        .map(|s| Street {
            name: s.label,
            postcode: s.identity.postcode,
            commune_name: s.commune_name,
            id_prefix: s.id_prefix,
            ancienne: s.identity.ancienne,
            start: 0,
            len: 0,
        })
        .collect();
    for (pos, &seq) in order.iter().enumerate() {
        let e = raw[seq as usize];
        let st = &mut streets[e.street as usize];
        if st.len == 0 {
            st.start = pos as u32;
        }
        st.len += 1;
        if let Some(id) = exceptions.remove(&seq) {
            id_exceptions.insert(pos as u32, id);
        }
        entries.push(Entry {
            key: e.key,
            x: e.x,
            y: e.y,
        });
    }
    (streets, entries, id_exceptions)
}

/// Every spelling of every street (`keys`: street, type code, name key), under the commune
/// code and the former commune code; sorted, without duplicates.
fn lookup_keys(keys: &[(u32, u8, u32)], streets: &[StreetTmp]) -> Vec<KeyValue> {
    let mut out: Vec<KeyValue> = Vec::with_capacity(keys.len() * 2);
    for &(s, ty, name) in keys {
        let id = &streets[s as usize].identity;
        for code in [id.code, id.ancienne] {
            if code != NONE {
                out.push((
                    LookupKey {
                        commune: code,
                        ty,
                        name,
                    },
                    s,
                ));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One value per distinct key of `keys` (sorted): its street, or, for a key of several
/// streets, `MULTI_FLAG | i` with the streets in `multi[i]`.
fn key_values(keys: &[KeyValue]) -> (Vec<Box<[u32]>>, Vec<KeyValue>) {
    let mut multi: Vec<Box<[u32]>> = Vec::new();
    let mut values: Vec<KeyValue> = Vec::new();
    for group in keys.chunk_by(|a, b| a.0 == b.0) {
        let value = if group.len() == 1 {
            group[0].1
        } else {
            multi.push(group.iter().map(|g| g.1).collect());
            MULTI_FLAG | (multi.len() as u32 - 1)
        };
        values.push((group[0].0, value));
    }
    (multi, values)
}

/// Name ranges of `values` (sorted by commune, name, type): (commune, name) → range in the
/// returned (type code, value) list.
fn name_ranges(values: &[KeyValue]) -> (NameRanges, Vec<(u8, u32)>) {
    let mut by_name = rustc_hash::FxHashMap::default();
    let mut name_types: Vec<(u8, u32)> = Vec::new();
    // sorted by (commune, name, ty): one range per name
    for group in values.chunk_by(|a, b| (a.0.commune, a.0.name) == (b.0.commune, b.0.name)) {
        let k = group[0].0;
        by_name.insert(
            (k.commune, k.name),
            (name_types.len() as u32, group.len() as u32),
        );
        name_types.extend(group.iter().map(|(k, v)| (k.ty, *v)));
    }
    (by_name, name_types)
}
