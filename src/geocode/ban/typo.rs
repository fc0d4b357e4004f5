//! Forgiven typos: the last chance of a street before the commune level.
//!
//! When no street of the commune reaches the name threshold (and no lieu-dit either), a typo
//! may still leave one clear candidate: « RSE DU NORD » (rue du Nord: the type word damaged,
//! so it is read as part of the name), « CRS DU EARC » (cours du Parc: one edit in a
//! four-letter name), « RUE DE TA LIBERTE » (rue de la Liberté: a damaged article is kept in
//! the name). Each street key of the commune gets a cost in edits:
//!
//! * the edit distance between the compact names ([`super::fuzzy`]; numeric words must agree);
//! * plus 1 when both sides have a street type and the types differ;
//! * plus 1 for a repair of the query: its first word read as a street type one edit away
//!   (`RSE` → `RUE`, only when the query has no type), or one short word of its name one
//!   substitution away from an article (`TA` → `LA`) dropped, as articles are.
//!
//! An edit inside the name is only forgiven on a compact BAN name of at least
//! [`MIN_NAME_LEN`] letters (a shorter name is only forgiven a repair). The best street is
//! accepted when its cost is at most [`MAX_COST`] and every other street costs at least
//! [`MARGIN`] more (the runner-up is far behind: a name one edit from two streets stays
//! unmatched, and so does an invented name two edits or more from every street). The rule
//! only runs with the default name threshold or a lower one. The
//! answer's street score is then [`TYPO_STREET_SCORE`]: below every street accepted by name,
//! so that a number found this way is shown in the review layer
//! ([`crate::geocode::review::needs_review`]).

use super::fuzzy::{bounded_distance, Probe};
use super::lookup::NameMatch;
use super::query::StreetQuery;
use super::BanIndex;
use crate::geocode::normalize::StreetType;

/// Most edits forgiven (repairs included).
pub(crate) const MAX_COST: usize = 1;
/// How many more edits the runner-up street must cost.
pub(crate) const MARGIN: usize = 2;
/// Shortest compact BAN name a typo is forgiven on.
pub(crate) const MIN_NAME_LEN: usize = 4;
/// Street score of a forgiven typo (the answer's score is this times the level factor).
pub(crate) const TYPO_STREET_SCORE: f32 = 0.6;

/// Articles dropped from street keys, that a one-letter typo may turn into another word.
const ARTICLES: [&str; 6] = ["DE", "DU", "DES", "LA", "LE", "LES"];

/// One reading of the query: a type code, a name, and the edits its repair cost.
struct Reading {
    ty: u8,
    name: String,
    cost: usize,
}

/// The readings of the query: as it is, with its first word read as a misspelt street type,
/// with one misspelt article dropped (and both).
fn readings(sq: &StreetQuery) -> Vec<Reading> {
    let ty = sq.key.type_code();
    let words: Vec<&str> = sq.key.name.split(' ').collect();
    let mut out = vec![Reading {
        ty,
        name: sq.key.name.clone(),
        cost: 0,
    }];
    if ty == 0 && words.len() > 1 {
        for t in misspelt_types(words[0]) {
            out.push(Reading {
                ty: t.code(),
                name: words[1..].join(" "),
                cost: 1,
            });
        }
    }
    for r in std::mem::take(&mut out) {
        let w: Vec<&str> = r.name.split(' ').collect();
        if r.cost < MAX_COST + MARGIN - 1 && w.len() > 1 {
            for i in (0..w.len()).filter(|&i| misspelt_article(w[i])) {
                let mut rest = w.clone();
                rest.remove(i);
                out.push(Reading {
                    ty: r.ty,
                    name: rest.join(" "),
                    cost: r.cost + 1,
                });
            }
        }
        out.push(r);
    }
    out
}

/// The street types one of whose one-word spellings of three letters or more is one edit
/// from `word`.
fn misspelt_types(word: &str) -> Vec<StreetType> {
    if word.len() < 3 || word.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    StreetType::ALL
        .iter()
        .copied()
        .filter(|t| {
            t.aliases().iter().any(|a| {
                a.len() >= 3
                    && !a.contains(' ')
                    && bounded_distance(word.as_bytes(), a.as_bytes(), 1) == Some(1)
            })
        })
        .collect()
}

/// A word of an article's length, not an article, one letter away from one (`TA` for `LA`).
fn misspelt_article(word: &str) -> bool {
    !ARTICLES.contains(&word)
        && ARTICLES.iter().any(|a| {
            a.len() == word.len()
                && a.bytes().zip(word.bytes()).filter(|(x, y)| x != y).count() == 1
        })
}

fn type_cost(query: u8, ban: u8) -> usize {
    usize::from(query != 0 && ban != 0 && query != ban)
}

/// The one street of `commune` a typo of `sq` leaves, as a name match scored
/// [`TYPO_STREET_SCORE`], or `None` when there is none or more than one.
pub(crate) fn forgiven(ban: &BanIndex, commune: u32, sq: &StreetQuery) -> Option<NameMatch> {
    let d = &ban.data;
    let info = &d.commune_info[commune as usize];
    let keys = &d.fuzzy[info.keys.0 as usize..(info.keys.0 + info.keys.1) as usize];
    // costs above this bound only matter as "far behind"
    let bound = MAX_COST + MARGIN - 1;
    let readings = readings(sq);
    let probes: Vec<(Probe<'_>, &Reading)> =
        readings.iter().map(|r| (Probe::new(&r.name), r)).collect();
    // (cost, lookup value) of every street key within the bound
    let mut costs: Vec<(usize, u32)> = Vec::new();
    for k in keys {
        let best = probes
            .iter()
            .filter_map(|(p, r)| {
                let fixed = r.cost + type_cost(r.ty, k.ty);
                let left = bound.checked_sub(fixed)?;
                let dist = p.distance_with(k.len as usize, k.mask, k.pairs, left, || {
                    d.names.resolve(k.name)
                })?;
                // a short name is only forgiven its repairs, never an edit
                (dist == 0 || k.len as usize >= MIN_NAME_LEN).then_some(fixed + dist)
            })
            .min();
        if let Some(c) = best {
            costs.push((c, k.value));
        }
    }
    costs.sort_unstable();
    let &(best, value) = costs.first()?;
    if best > MAX_COST {
        return None;
    }
    let streets = super::lookup::streets_of(ban, value);
    let runner_up = costs
        .iter()
        .filter(|&&(_, v)| {
            v != value
                && !super::lookup::streets_of(ban, v)
                    .iter()
                    .all(|s| streets.contains(s))
        })
        .map(|&(c, _)| c)
        .next();
    if runner_up.is_some_and(|c| c < best + MARGIN) {
        return None;
    }
    Some(NameMatch {
        value,
        score: TYPO_STREET_SCORE,
    })
}
