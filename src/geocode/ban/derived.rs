//! What the index derives from its streets once they are all read: the fuzzy-scan tables and
//! the communes' representative points.

use super::fuzzy::{char_mask, compact_into, pair_mask, MAX_LEN};
use super::intern::Interner;
use super::{CommuneInfo, Entry, FuzzyKey, LookupKey, Street};
use crate::geocode::normalize::abbreviate_titles;
use crate::model::NONE;

/// Every key (`values`, sorted) with its fuzzy-scan data, grouped by INSEE code id and sorted
/// by compact length, then name and type (deterministic); and, for the names with titles, the
/// same with the titles abbreviated ([`abbreviate_titles`]; these names are added to `names`).
type Keyed = Vec<(u32, FuzzyKey)>;

pub(super) fn fuzzy_keys(values: &[(LookupKey, u32)], names: &mut Interner) -> (Keyed, Keyed) {
    let mut buf = [0u8; MAX_LEN];
    let mut key = |name_id: u32, name: &str, k: &LookupKey, value: u32| {
        let len = compact_into(name, &mut buf) as u8;
        (
            k.commune,
            FuzzyKey {
                mask: char_mask(name),
                pairs: pair_mask(&buf[..len as usize]),
                name: name_id,
                value,
                ty: k.ty,
                len,
            },
        )
    };
    let mut normal = Vec::with_capacity(values.len());
    let mut abbr = Vec::new();
    for (k, value) in values {
        let name = names.resolve(k.name).to_string();
        normal.push(key(k.name, &name, k, *value));
        if let Some(short) = abbreviate_titles(&name) {
            let id = names.intern(&short);
            abbr.push(key(id, &short, k, *value));
        }
    }
    let order = |a: &(u32, FuzzyKey)| (a.0, a.1.len, a.1.name, a.1.ty);
    normal.sort_unstable_by_key(order);
    abbr.sort_unstable_by_key(order);
    (normal, abbr)
}

/// Representative point, name and key range of every INSEE code.
pub(super) fn commune_info(
    n: usize,
    codes: &[[u32; 2]],
    streets: &[Street],
    entries: &[Entry],
    fuzzy: &[(u32, FuzzyKey)],
    fuzzy_abbr: &[(u32, FuzzyKey)],
) -> Vec<CommuneInfo> {
    let mut info = vec![
        CommuneInfo {
            x: 0,
            y: 0,
            name: NONE,
            postcode: NONE,
            keys: (0, 0),
            abbr: (0, 0),
        };
        n
    ];
    // mean of every address under the code (current or former)
    let mut sums = vec![(0f64, 0f64, 0u64); n];
    for (t, s) in codes.iter().zip(streets) {
        for c in t.iter().copied().filter(|&c| c != NONE) {
            let acc = &mut sums[c as usize];
            for e in &entries[s.start as usize..(s.start + s.len) as usize] {
                acc.0 += f64::from(e.x);
                acc.1 += f64::from(e.y);
                acc.2 += 1;
            }
            if info[c as usize].name == NONE {
                info[c as usize].name = s.commune_name;
                info[c as usize].postcode = s.postcode;
            }
        }
    }
    // the address nearest to the mean
    let mut best = vec![f64::INFINITY; n];
    for (t, s) in codes.iter().zip(streets) {
        for c in t.iter().copied().filter(|&c| c != NONE) {
            let (sx, sy, k) = sums[c as usize];
            let (mx, my) = (sx / k as f64, sy / k as f64);
            for e in &entries[s.start as usize..(s.start + s.len) as usize] {
                let d = (f64::from(e.x) - mx).powi(2) + (f64::from(e.y) - my).powi(2);
                if d < best[c as usize] {
                    best[c as usize] = d;
                    info[c as usize].x = e.x;
                    info[c as usize].y = e.y;
                }
            }
        }
    }
    for (list, abbr) in [(fuzzy, false), (fuzzy_abbr, true)] {
        let mut start = 0u32;
        for group in list.chunk_by(|a, b| a.0 == b.0) {
            let c = &mut info[group[0].0 as usize];
            let range = (start, group.len() as u32);
            if abbr {
                c.abbr = range;
            } else {
                c.keys = range;
            }
            start += group.len() as u32;
        }
    }
    info
}
