//! The geocoding cascade (first cut).
//!
//! 1. **Commune**: the query's INSEE code (`DEPCOM`) — always, never the postcode or the
//!    commune name. Unknown code → not found.
//! 2. **Streets**: every street of that commune (or former commune) whose key equals the query's
//!    key, BAN `nom_voie`, `nom_afnor` and `alias` spellings included
//!    ([`candidate_streets`]). When none matches, the same with the lieu-dit (`LIEUDIT`) as the
//!    street name (BAN files name the addresses of a hamlet after it).
//!    *Extension point*: fuzzy street matching adds candidates here, with a score below 1.
//! 3. **Per street**, the first step of [`STREET_STEPS`] that answers:
//!    * number and index equal → [`GeocodeLevel::Numero`], score 1.0;
//!    * the query has an index the BAN does not know for that number: the number without index
//!      → [`GeocodeLevel::NumeroSansIndice`], score 0.9; failing that, the same number with
//!      another index, score 0.85.
//!
//!    *Extension point*: interpolation between neighbouring numbers and the street's
//!    representative point are further steps of this list.
//! 4. **Ranking**: best score first, then street order (load order, deterministic); the
//!    runner-up score is the best answer found on another street (0 when none).
//!    *Extension point*: a commune-level answer when no street answers.
//!
//! A street known without the requested number is not found in this first cut.

use super::{BanIndex, LookupKey, Street, MULTI_FLAG};
use crate::geocode::normalize::{
    normalize_index, normalize_insee, normalize_street, split_number, RepIndex, StreetKey,
};
use crate::geocode::{GeocodeLevel, GeocodeResult};
use crate::model::RawAddress;

/// A query, resolved against the index tables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// INSEE code id, when the index knows it.
    pub commune: Option<u32>,
    /// Street keys known to the index: (type code, name id).
    pub keys: Vec<(u8, u32)>,
    /// Key of the lieu-dit (`LIEUDIT`), used when no street matches `keys`.
    pub locality_keys: Vec<(u8, u32)>,
    pub number: Option<u32>,
    pub index: Option<RepIndex>,
}

impl Query {
    pub fn new(ban: &BanIndex, addr: &RawAddress) -> Query {
        let d = &ban.data;
        let commune = normalize_insee(&addr.depcom).and_then(|c| d.communes.get(&c));
        let known = |key: StreetKey| -> Vec<(u8, u32)> {
            if key.is_empty() {
                return Vec::new();
            }
            d.names
                .get(&key.name)
                .map(|n| vec![(key.type_code(), n)])
                .unwrap_or_default()
        };
        let keys = known(normalize_street(&addr.street_type, &addr.street_name));
        let locality_keys = known(normalize_street("", &addr.locality));
        let (number, attached) = split_number(&addr.number);
        let index = normalize_index(&addr.index).or(attached);
        Query {
            commune,
            keys,
            locality_keys,
            number,
            index,
        }
    }
}

/// One answer on one street.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    pub street: u32,
    /// Entry position.
    pub pos: u32,
    pub level: GeocodeLevel,
    pub score: f32,
}

/// A matcher on one street.
type StreetStep = fn(&BanIndex, &Query, u32) -> Option<Candidate>;

/// Per-street matchers, most precise first.
const STREET_STEPS: &[StreetStep] = &[number_and_index, number_without_index];

/// Streets of the query's commune matching one of its keys, in street order, without
/// duplicates.
pub(crate) fn candidate_streets(ban: &BanIndex, commune: u32, keys: &[(u8, u32)]) -> Vec<u32> {
    let d = &ban.data;
    let mut out: Vec<u32> = Vec::new();
    for &(ty, name) in keys {
        let k = LookupKey { commune, name, ty };
        match d.lookup.get(&k) {
            None => {}
            Some(&v) if v & MULTI_FLAG != 0 => {
                out.extend_from_slice(&d.multi[(v & !MULTI_FLAG) as usize])
            }
            Some(&v) => out.push(v),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Positions of the entries of `street` carrying `number`.
fn number_range(ban: &BanIndex, street: &Street, number: u32) -> std::ops::Range<u32> {
    let entries = &ban.data.entries[street.start as usize..(street.start + street.len) as usize];
    let lo = entries.partition_point(|e| e.number() < number);
    let hi = lo + entries[lo..].partition_point(|e| e.number() == number);
    street.start + lo as u32..street.start + hi as u32
}

fn canonical_rep(ban: &BanIndex, pos: u32) -> &Option<RepIndex> {
    let d = &ban.data;
    &d.reps[d.entries[pos as usize].rep() as usize].1
}

/// Number and index both equal (no index on either side counts as equal).
fn number_and_index(ban: &BanIndex, q: &Query, street: u32) -> Option<Candidate> {
    let number = q.number?;
    let st = &ban.data.streets[street as usize];
    number_range(ban, st, number)
        .find(|&pos| *canonical_rep(ban, pos) == q.index)
        .map(|pos| Candidate {
            street,
            pos,
            level: GeocodeLevel::Numero,
            score: 1.0,
        })
}

/// The query has an index that this number does not have in the BAN.
fn number_without_index(ban: &BanIndex, q: &Query, street: u32) -> Option<Candidate> {
    let number = q.number?;
    q.index.as_ref()?;
    let st = &ban.data.streets[street as usize];
    let range = number_range(ban, st, number);
    let (pos, score) = match range.clone().find(|&pos| canonical_rep(ban, pos).is_none()) {
        Some(pos) => (pos, 0.9),
        None => (range.clone().next()?, 0.85),
    };
    Some(Candidate {
        street,
        pos,
        level: GeocodeLevel::NumeroSansIndice,
        score,
    })
}

/// Every street's best answer for a resolved query, best first.
pub(crate) fn candidates(ban: &BanIndex, q: &Query) -> Vec<Candidate> {
    let Some(commune) = q.commune else {
        return Vec::new();
    };
    let mut streets = candidate_streets(ban, commune, &q.keys);
    if streets.is_empty() {
        streets = candidate_streets(ban, commune, &q.locality_keys);
    }
    let mut found: Vec<Candidate> = streets
        .into_iter()
        .filter_map(|s| STREET_STEPS.iter().find_map(|step| step(ban, q, s)))
        .collect();
    // stable: equal scores keep street order
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found
}

pub(crate) fn geocode(ban: &BanIndex, addr: &RawAddress) -> GeocodeResult {
    let q = Query::new(ban, addr);
    let found = candidates(ban, &q);
    let Some(best) = found.first() else {
        return GeocodeResult::not_found();
    };
    let st = &ban.data.streets[best.street as usize];
    GeocodeResult {
        point: Some(ban.data.entries[best.pos as usize].point()),
        level: best.level,
        score: best.score,
        runner_up: found.get(1).map_or(0.0, |c| c.score),
        ban_id: ban.ban_id(st, best.pos),
        label: ban.label(st, best.pos),
    }
}
