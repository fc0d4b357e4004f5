//! The house-number cascade on one street.
//!
//! A *street* here is every BAN street of one commune (or former commune) sharing a name key:
//! a street that crosses two postcodes is two BAN streets but one street for interpolation.
//!
//! 1. number and index equal → [`GeocodeLevel::Numero`] (factor 1.0);
//! 2. the number without the query's index (0.9), or with another index (0.85) →
//!    [`GeocodeLevel::NumeroSansIndice`];
//! 3. the number is absent → [`GeocodeLevel::Interpolation`], between the nearest known numbers
//!    below and above it *on the same side* (same parity): linear in the number (0.8); only one
//!    side known: the nearest number of that side, moved along the street by the spacing of the
//!    last two known numbers of that side, at most [`MAX_EXTRAPOLATION_M`] (0.7); no number of
//!    the same parity: the same with the numbers of both sides (0.7 between, 0.6 past the end);
//! 4. no number in the query, or nothing to interpolate from → [`GeocodeLevel::Voie`], the
//!    street's middle address by number (0.6).

use super::{BanIndex, Entry};
use crate::geocode::normalize::RepIndex;
use crate::geocode::GeocodeLevel;

/// Longest distance an answer is moved past the last known number of a street side, metres.
pub(crate) const MAX_EXTRAPOLATION_M: f64 = 60.0;
/// How many entries are scanned on each side for a neighbour of the right parity.
const SCAN: usize = 256;

/// An answer on one street.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Answer {
    pub level: GeocodeLevel,
    /// The BAN address answered (number levels), or the street's middle address (voie).
    pub pos: u32,
    /// The street the answer belongs to.
    pub street: u32,
    /// Lambert-93 metres.
    pub x: f64,
    pub y: f64,
    /// Confidence of the level, multiplied by the street-name score.
    pub factor: f32,
}

fn canonical_rep(ban: &BanIndex, e: Entry) -> &Option<RepIndex> {
    &ban.data.reps[e.rep() as usize].1
}

fn entries(ban: &BanIndex, street: u32) -> (u32, &[Entry]) {
    let s = &ban.data.streets[street as usize];
    (
        s.start,
        &ban.data.entries[s.start as usize..(s.start + s.len) as usize],
    )
}

/// Exact number (levels 1 and 2) on any of `streets`.
fn same_number(
    ban: &BanIndex,
    streets: &[u32],
    number: u32,
    index: &Option<RepIndex>,
) -> Option<Answer> {
    let mut best: Option<Answer> = None;
    for &street in streets {
        let (start, es) = entries(ban, street);
        let lo = es.partition_point(|e| e.number() < number);
        let hi = lo + es[lo..].partition_point(|e| e.number() == number);
        for (i, &e) in es[lo..hi].iter().enumerate() {
            let rep = canonical_rep(ban, e);
            let (level, factor) = if rep == index {
                (GeocodeLevel::Numero, 1.0)
            } else if rep.is_none() {
                (GeocodeLevel::NumeroSansIndice, 0.9)
            } else {
                (GeocodeLevel::NumeroSansIndice, 0.85)
            };
            if best.is_none_or(|b| factor > b.factor) {
                best = Some(Answer {
                    level,
                    pos: start + (lo + i) as u32,
                    street,
                    x: e.x as f64 / 100.0,
                    y: e.y as f64 / 100.0,
                    factor,
                });
            }
        }
    }
    best
}

/// A known number near the query's: (number, entry position, street).
type Near = (u32, u32, u32);

/// The nearest known numbers below and above `number` (same parity when `parity`), each with
/// the next one further away on its side: `[below, below2, above, above2]`.
fn neighbours(ban: &BanIndex, streets: &[u32], number: u32, parity: bool) -> [Option<Near>; 4] {
    let mut below: Vec<Near> = Vec::new();
    let mut above: Vec<Near> = Vec::new();
    let ok = |n: u32| n != number && (!parity || n % 2 == number % 2);
    for &street in streets {
        let (start, es) = entries(ban, street);
        let lo = es.partition_point(|e| e.number() < number);
        // the two nearest distinct numbers on each side of this street
        let take = |range: &mut dyn Iterator<Item = usize>, out: &mut Vec<Near>| {
            let mut last = None;
            let mut seen = 0;
            for i in range.take(SCAN) {
                let n = es[i].number();
                if !ok(n) || last == Some(n) {
                    continue;
                }
                out.push((n, start + i as u32, street));
                last = Some(n);
                seen += 1;
                if seen == 2 {
                    break;
                }
            }
        };
        take(&mut (0..lo).rev(), &mut below);
        take(&mut (lo..es.len()), &mut above);
    }
    // nearest first; ties by street order (deterministic)
    below.sort_by_key(|b| (std::cmp::Reverse(b.0), b.2, b.1));
    above.sort_by_key(|a| (a.0, a.2, a.1));
    below.dedup_by_key(|b| b.0);
    above.dedup_by_key(|a| a.0);
    [
        below.first().copied(),
        below.get(1).copied(),
        above.first().copied(),
        above.get(1).copied(),
    ]
}

fn xy(e: Entry) -> (f64, f64) {
    (e.x as f64 / 100.0, e.y as f64 / 100.0)
}

/// Interpolated point between the neighbours, or extrapolated from one side: the point, the
/// nearest neighbour, and whether it lies between two known numbers.
fn interpolate(
    ban: &BanIndex,
    number: u32,
    n: &[Option<Near>; 4],
) -> Option<((f64, f64), Near, bool)> {
    let at = |near: Near| xy(ban.data.entries[near.1 as usize]);
    match (n[0], n[2]) {
        (Some(a), Some(b)) => {
            let t = f64::from(number - a.0) / f64::from(b.0 - a.0);
            let (pa, pb) = (at(a), at(b));
            let p = (pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1));
            let nearest = if number - a.0 <= b.0 - number { a } else { b };
            Some((p, nearest, true))
        }
        (Some(a), None) => Some((
            extrapolate(number, (a.0, at(a)), n[1].map(|b| (b.0, at(b)))),
            a,
            false,
        )),
        (None, Some(b)) => Some((
            extrapolate(number, (b.0, at(b)), n[3].map(|c| (c.0, at(c)))),
            b,
            false,
        )),
        (None, None) => None,
    }
}

/// From the nearest known number `a`, away from the next one `b` by the spacing per number,
/// at most [`MAX_EXTRAPOLATION_M`].
fn extrapolate(number: u32, a: (u32, (f64, f64)), b: Option<(u32, (f64, f64))>) -> (f64, f64) {
    let (na, pa) = a;
    let Some((nb, pb)) = b else { return pa };
    let gap = f64::from(na.abs_diff(nb));
    let steps = f64::from(number.abs_diff(na));
    let (mut dx, mut dy) = ((pa.0 - pb.0) / gap * steps, (pa.1 - pb.1) / gap * steps);
    let len = dx.hypot(dy);
    if len > MAX_EXTRAPOLATION_M {
        dx *= MAX_EXTRAPOLATION_M / len;
        dy *= MAX_EXTRAPOLATION_M / len;
    }
    (pa.0 + dx, pa.1 + dy)
}

/// The street's representative point.
fn middle(ban: &BanIndex, streets: &[u32]) -> Answer {
    // the longest of the streets (most addresses), first on ties
    let street = streets
        .iter()
        .copied()
        .max_by_key(|&s| (ban.data.streets[s as usize].len, std::cmp::Reverse(s)))
        .expect("a street has at least one BAN street");
    let pos = ban.data.streets[street as usize].middle();
    let (x, y) = xy(ban.data.entries[pos as usize]);
    Answer {
        level: GeocodeLevel::Voie,
        pos,
        street,
        x,
        y,
        factor: 0.6,
    }
}

/// The best answer for `number`/`index` on a street made of `streets` (not empty).
pub(crate) fn answer(
    ban: &BanIndex,
    streets: &[u32],
    number: Option<u32>,
    index: &Option<RepIndex>,
) -> Answer {
    let Some(number) = number.filter(|&n| n > 0) else {
        return middle(ban, streets);
    };
    if let Some(a) = same_number(ban, streets, number, index) {
        return a;
    }
    let same_side = neighbours(ban, streets, number, true);
    // the other side is looked at only when the same side gives nothing
    let mut any_side = None;
    let steps = [
        (true, true, 0.8),
        (true, false, 0.7),
        (false, true, 0.7),
        (false, false, 0.6),
    ];
    for (same, between, factor) in steps {
        let n = if same {
            &same_side
        } else {
            any_side.get_or_insert_with(|| neighbours(ban, streets, number, false))
        };
        if let Some(((x, y), near, is_between)) = interpolate(ban, number, n) {
            if is_between == between {
                return Answer {
                    level: GeocodeLevel::Interpolation,
                    pos: near.1,
                    street: near.2,
                    x,
                    y,
                    factor,
                };
            }
        }
    }
    middle(ban, streets)
}
