//! The geocoding cascade.
//!
//! 1. **Commune**: the query's INSEE code (`DEPCOM`) — always, never the postcode or the commune
//!    name. A code the BAN does not know → [`GeocodeLevel::NonTrouve`]. Former commune codes of
//!    communes nouvelles are known too: a street is found under both codes.
//! 2. **Street names** of that commune, each with a score ([`name_matches`]): the similarity of
//!    the normalised names ([`super::fuzzy`]: 1 when equal, `1 − edits / length` otherwise)
//!    times a type factor (same type 1, a type missing on one side [`TYPE_MISSING`], two
//!    different types [`TYPE_DIFFERENT`]). Every spelling the BAN gives (`nom_voie`,
//!    `nom_afnor`, `alias`) is a candidate. A street scoring below
//!    [`GeocodeOptions::min_street_score`](crate::geocode::GeocodeOptions) is never answered:
//!    the closest string is not a match. When no street is accepted, the lieu-dit (`LIEUDIT`,
//!    or a lieu-dit found in `NOMVOIE`) is tried the same way.
//! 3. **Per street**, the house-number cascade of [`super::numbers`]: `numero`,
//!    `numero_sans_indice`, `interpolation`, `voie`.
//! 4. **Ranking**: street score first, then the level, then the index order (deterministic).
//!    The answer's score is its street score times its level factor; the runner-up
//!    (`score_suivant`) is the score of the best answer on another street, including a street
//!    whose name scored below the threshold (down to [`RUNNER_UP_MARGIN`] below it).
//! 5. No street accepted → [`GeocodeLevel::Commune`]: the commune's representative point (the
//!    BAN address nearest to the mean of its addresses), score 0. Such a point is never used to
//!    place a dwelling in an IRIS or a QPV.

use super::fuzzy::Probe;
use super::numbers::{self, Answer};
use super::query::{Query, StreetQuery};
use super::typo;
use super::{BanIndex, FuzzyKey, MULTI_FLAG};
use crate::geocode::normalize::abbreviate_titles;
use crate::geocode::{GeocodeLevel, GeocodeOptions, GeocodeResult};
use crate::model::{Coord, RawAddress, NONE};

/// Type factor when the query or the BAN street has no street type.
pub(crate) const TYPE_MISSING: f32 = 0.95;
/// Type factor when both have a type and they differ.
pub(crate) const TYPE_DIFFERENT: f32 = 0.85;

/// How far below the threshold a street is still scored, to be shown as the runner-up.
pub(crate) const RUNNER_UP_MARGIN: f32 = 0.1;

/// A street name of the commune similar to the query's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NameMatch {
    /// Lookup value: one street, or `MULTI_FLAG | i`.
    pub value: u32,
    pub score: f32,
}

fn type_factor(query: u8, ban: u8) -> f32 {
    if query == ban {
        1.0
    } else if query == 0 || ban == 0 {
        TYPE_MISSING
    } else {
        TYPE_DIFFERENT
    }
}

/// Street names of `commune` similar to the query's, best score first (then index order):
/// * the query's own name under every street type (exact names);
/// * unless the exact name with the query's type was found (score 1, which no other name can
///   reach), every name whose similarity reaches `min` − [`RUNNER_UP_MARGIN`], scanned among
///   the names of a compatible length only; names with titles are also compared in their
///   abbreviated form.
///
/// Those below `min` are runner-ups, never answers. For an exact match the runner-up is
/// therefore among the streets of the same name (another type, another former commune).
pub(crate) fn name_matches(
    ban: &BanIndex,
    commune: u32,
    sq: &StreetQuery,
    min: f32,
) -> Vec<NameMatch> {
    let d = &ban.data;
    let info = &d.commune_info[commune as usize];
    let ty = sq.key.type_code();
    let mut out: Vec<NameMatch> = Vec::new();
    let exact = sq
        .name_id
        .and_then(|n| d.by_name.get(&(commune, n)))
        .map_or(&[][..], |&(start, len)| {
            &d.name_types[start as usize..(start + len) as usize]
        });
    for &(t, value) in exact {
        out.push(NameMatch {
            value,
            score: type_factor(ty, t),
        });
    }
    if !exact.iter().any(|&(t, _)| t == ty) {
        let floor = (min - RUNNER_UP_MARGIN).max(0.5);
        let probe = Probe::new(&sq.key.name);
        scan(
            ban, &d.fuzzy, info.keys, &probe, sq.name_id, ty, floor, &mut out,
        );
        // a query without titles may hold a misspelt abbreviation (`MEL FOCH`)
        let short = abbreviate_titles(&sq.key.name);
        let probe = Probe::new(short.as_deref().unwrap_or(&sq.key.name));
        scan(
            ban,
            &d.fuzzy_abbr,
            info.abbr,
            &probe,
            None,
            ty,
            floor,
            &mut out,
        );
    }
    // stable: equal scores keep index order
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// Scores the keys of `range` in `list` whose compact length is compatible with the probe's.
#[allow(clippy::too_many_arguments)]
fn scan(
    ban: &BanIndex,
    list: &[FuzzyKey],
    range: (u32, u32),
    probe: &Probe<'_>,
    skip: Option<u32>,
    ty: u8,
    floor: f32,
    out: &mut Vec<NameMatch>,
) {
    let keys = &list[range.0 as usize..(range.0 + range.1) as usize];
    // lengths within the edit budget of the longer name
    let max_len = ((probe.len as f32) / floor).floor() as usize;
    let min_len = ((probe.len as f32) * floor).ceil() as usize;
    let lo = keys.partition_point(|k| (k.len as usize) < min_len);
    let hi = keys.partition_point(|k| (k.len as usize) <= max_len);
    for k in &keys[lo..hi.max(lo)] {
        if Some(k.name) == skip {
            continue;
        }
        if let Some(sim) = probe.similarity_with(k.len as usize, k.mask, k.pairs, floor, || {
            ban.data.names.resolve(k.name)
        }) {
            out.push(NameMatch {
                value: k.value,
                score: sim * type_factor(ty, k.ty),
            });
        }
    }
}

/// The BAN streets of a lookup value.
pub(crate) fn streets_of(ban: &BanIndex, value: u32) -> Vec<u32> {
    if value & MULTI_FLAG != 0 {
        ban.data.multi[(value & !MULTI_FLAG) as usize].to_vec()
    } else {
        vec![value]
    }
}

/// One answer with its street score.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    street_score: f32,
    answer: Answer,
}

impl Ranked {
    fn score(&self) -> f32 {
        self.street_score * self.answer.factor
    }
}

/// Every street's answer, best first. Streets sharing a name key and a former commune are one
/// street; a street reached through two spellings is answered once, with its best score.
fn answers(ban: &BanIndex, q: &Query, matches: &[NameMatch]) -> Vec<Ranked> {
    let mut done: Vec<u32> = Vec::new();
    let mut out: Vec<Ranked> = Vec::new();
    let mut group: Vec<u32> = Vec::new();
    for m in matches {
        let mut remaining = streets_of(ban, m.value);
        remaining.retain(|s| !done.contains(s));
        while let Some(&first) = remaining.first() {
            let anc = ban.data.streets[first as usize].ancienne;
            group.clear();
            group.extend(
                remaining
                    .iter()
                    .copied()
                    .filter(|&s| ban.data.streets[s as usize].ancienne == anc),
            );
            remaining.retain(|s| !group.contains(s));
            done.extend_from_slice(&group);
            out.push(Ranked {
                street_score: m.score,
                answer: numbers::answer(ban, &group, q.number, &q.index),
            });
        }
    }
    // stable: equal keep match order
    out.sort_by(|a, b| {
        b.street_score
            .total_cmp(&a.street_score)
            .then(b.answer.factor.total_cmp(&a.answer.factor))
    });
    out
}

pub(crate) fn geocode(ban: &BanIndex, addr: &RawAddress) -> GeocodeResult {
    let q = Query::new(ban, addr);
    let Some(commune) = q.commune else {
        return GeocodeResult::not_found();
    };
    let min = ban.options.min_street_score;
    let mut ranked = Vec::new();
    let mut rejected = 0.0f32;
    for sq in [&q.street, &q.locality].into_iter().flatten() {
        let matches = name_matches(ban, commune, sq, min);
        ranked = answers(ban, &q, &matches);
        if ranked.first().is_some_and(|r| r.street_score >= min) {
            break;
        }
        rejected = rejected.max(ranked.first().map_or(0.0, Ranked::score));
        ranked.clear();
    }
    if ranked.is_empty() && min <= GeocodeOptions::DEFAULT_MIN_STREET_SCORE {
        // a typo that leaves one clear street (not under a stricter threshold)
        if let Some(m) = q
            .street
            .as_ref()
            .and_then(|sq| typo::forgiven(ban, commune, sq))
        {
            // no other street is close enough to be scored: the runner-up is a street of
            // the same name only (another former commune)
            ranked = answers(ban, &q, &[m]);
        }
    }
    let Some(best) = ranked.first() else {
        return commune_answer(ban, commune, rejected);
    };
    let a = best.answer;
    let st = &ban.data.streets[a.street as usize];
    let (ban_id, label) = match a.level {
        GeocodeLevel::Numero | GeocodeLevel::NumeroSansIndice => {
            (ban.ban_id(st, a.pos), ban.label(st, a.pos))
        }
        GeocodeLevel::Interpolation => (
            ban.street_id(st),
            ban.street_label(st, q.number, q.index.as_ref()),
        ),
        _ => (ban.street_id(st), ban.street_label(st, None, None)),
    };
    GeocodeResult {
        point: Some(Coord { x: a.x, y: a.y }),
        level: a.level,
        score: round2(best.score()),
        runner_up: round2(ranked.get(1).map_or(0.0, Ranked::score)),
        ban_id,
        label,
    }
}

/// Scores are shown with two decimals: rounding them here keeps the output and the in-memory
/// results equal.
fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn commune_answer(ban: &BanIndex, commune: u32, runner_up: f32) -> GeocodeResult {
    let c = &ban.data.commune_info[commune as usize];
    let text = |id: u32| {
        if id == NONE {
            ""
        } else {
            ban.data.text.resolve(id)
        }
    };
    let label = [text(c.postcode), text(c.name)]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    GeocodeResult {
        point: Some(Coord {
            x: c.x as f64 / 100.0,
            y: c.y as f64 / 100.0,
        }),
        level: GeocodeLevel::Commune,
        score: 0.0,
        runner_up: round2(runner_up),
        ban_id: None,
        label,
    }
}
