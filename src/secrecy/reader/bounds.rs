//! What the values *and the statuses* of a row tell a reader about each of its measures.
//!
//! * a published count gives its measure; a published `effectif` gives the value's base;
//! * a published share or mean whose denominator is its base gives its numerator within the
//!   rounding of the shown value (one decimal for %, two for means), as whole numbers;
//! * statuses are facts too: a row whose `nb_logements` is `secret_effectif` holds fewer than
//!   `min_units` dwellings (and so fewer households, respondents…); any other unpublished value
//!   with `secret_effectif` rests on fewer than `min_units` units, one with `secret_reponse`,
//!   `secret_100` or `secret_secondaire` on at least `min_units`; a `secret_secondaire` share
//!   is under 100 % (and above 0 % when 0 % is secret);
//! * a row of an « ensemble » layer exists, so it holds at least one dwelling; a share's
//!   numerator never exceeds its denominator; nothing is negative.
//!
//! In the « récents » population every household moved in recently: the reader sees the
//! number of recent movers and the number of households of a « récents » row as one unknown
//! ([`alias`]).

use std::sync::OnceLock;

use crate::config::SecrecySection;
use crate::indicators::{self, IndicatorDef, Kind, Measure, N_MEASURES};
use crate::model::Population;
use crate::secrecy::{Cell, Status};

/// No upper bound.
pub const UNBOUNDED: i64 = i64::MAX;

/// What a reader knows of one measure of one row: `lo ≤ x ≤ hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub lo: i64,
    /// [`UNBOUNDED`] when nothing bounds it above.
    pub hi: i64,
    /// The bound comes (at least partly) from a published value, not from statuses alone.
    pub published: bool,
}

impl Bound {
    /// Nothing known but non-negativity.
    pub const FREE: Bound = Bound {
        lo: 0,
        hi: UNBOUNDED,
        published: false,
    };

    /// A single value.
    pub fn exact(self) -> bool {
        self.lo == self.hi
    }

    pub fn contains(self, x: i64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `(lo, hi)`, `None` when nothing is known beyond non-negativity.
    pub fn as_pair(self) -> Option<(i64, i64)> {
        (self != Bound::FREE).then_some((self.lo, self.hi))
    }

    fn meet(&mut self, lo: i64, hi: i64) {
        self.lo = self.lo.max(lo).max(0);
        self.hi = self.hi.min(hi);
    }
}

/// The primary rules as the reader knows them (thresholds are published in the metadata).
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub min_units: i64,
    pub suppress_100: bool,
    pub suppress_0: bool,
}

impl From<&SecrecySection> for Facts {
    fn from(p: &SecrecySection) -> Facts {
        Facts {
            min_units: p.min_units as i64,
            suppress_100: p.suppress_100,
            suppress_0: p.suppress_0,
        }
    }
}

/// The unknown a reader sees behind measure `m` of a row of `population`.
pub fn alias(population: Population, m: usize) -> usize {
    if population == Population::Recents && m == Measure::RecentMovers as usize {
        Measure::Households as usize
    } else {
        m
    }
}

/// Measures counting dwellings or their households (each at most the row's dwellings), as
/// opposed to sums of amounts or of persons.
pub fn counts_dwellings(m: usize) -> bool {
    use Measure as M;
    !matches!(
        Measure::ALL[m],
        M::RentCents
            | M::RentCentsWithSurface
            | M::SurfaceWithRentCenti
            | M::SurfaceCenti
            | M::RentCentsT1
            | M::RentCentsT2
            | M::RentCentsT3
            | M::RentCentsT4
            | M::RentCentsT5Plus
            | M::Persons
            | M::Adults
            | M::Children
            | M::Minors
            | M::Occ18To24
            | M::Occ25To39
            | M::Occ40To59
            | M::Occ60To74
            | M::Occ75Plus
            | M::EmpStable
            | M::EmpPrecarious
            | M::EmpUnemployed
            | M::EmpNoEmployment
            | M::EmpRetired
            | M::EmpStudent
            | M::EmpKnown
    )
}

/// For each population and measure, the indices (in [`indicators::for_population`] order) of
/// the values whose base, numerator or denominator it is (after [`alias`]).
fn touching(population: Population, m: usize) -> &'static [u16] {
    static TABLE: OnceLock<[Vec<Vec<u16>>; 2]> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        Population::ALL.map(|p| {
            let mut v = vec![Vec::new(); N_MEASURES];
            for (i, d) in indicators::for_population(p).iter().enumerate() {
                let mut ms = vec![alias(p, d.base as usize), alias(p, d.numerator as usize)];
                if let Some(den) = d.denominator {
                    ms.push(alias(p, den as usize));
                }
                ms.sort_unstable();
                ms.dedup();
                for x in ms {
                    v[x].push(i as u16);
                }
            }
            v
        })
    });
    &t[population as usize][m]
}

/// Index of `nb_logements` in the values of a row (first of the catalogue, both populations).
const NB_LOGEMENTS: usize = 0;

/// The values of a row (bit = index in [`indicators::for_population`] order) that
/// [`row_bounds`] reads for measure `m` (after [`alias`]): hiding other values of the row
/// leaves its bound as it is.
pub fn read_by(population: Population, m: usize) -> u128 {
    static TABLE: OnceLock<[Vec<u128>; 2]> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        Population::ALL.map(|p| {
            let defs = indicators::for_population(p);
            let bits = |m: usize| touching(p, m).iter().fold(0u128, |a, &i| a | 1 << i);
            (0..N_MEASURES)
                .map(|m| {
                    let mut mask = 1u128 << NB_LOGEMENTS | bits(m);
                    for &i in touching(p, m) {
                        let d = defs[i as usize];
                        if let (Kind::Share, Some(den)) = (d.kind, d.denominator) {
                            if alias(p, d.numerator as usize) == m {
                                mask |= bits(alias(p, den as usize));
                            }
                        }
                    }
                    mask
                })
                .collect()
        })
    });
    t[population as usize][m]
}

/// Bound of measure `m` of a layer row from its values: `defs` are
/// [`indicators::for_population`]`(population)`, `cells` the row's values in that order;
/// `present`: the row is written in its layer.
pub fn row_bounds(
    defs: &[&IndicatorDef],
    cells: &[Cell],
    population: Population,
    m: usize,
    facts: &Facts,
) -> Bound {
    row_bounds_hiding(defs, cells, 0, population, m, facts)
}

/// The value `i` of a row whose published values of `hidden` (bit `i`: value `i`) are taken as
/// hidden (`secret_secondaire`).
fn cell_hiding(cells: &[Cell], hidden: u128, i: usize) -> Cell {
    let c = cells[i];
    if hidden >> i & 1 == 1 && c.status.is_published() {
        Cell {
            value: None,
            base: None,
            status: Status::SecretSecondaire,
        }
    } else {
        c
    }
}

/// [`row_bounds`] once the published values `hidden` of the row (bit `i`: value `i`) are
/// hidden too, without copying the row.
pub fn row_bounds_hiding(
    defs: &[&IndicatorDef],
    cells: &[Cell],
    hidden: u128,
    population: Population,
    m: usize,
    facts: &Facts,
) -> Bound {
    with_denominators(defs, cells, hidden, population, m, facts, |den| {
        direct(defs, cells, hidden, population, den, facts)
    })
}

/// The measures that are, once aliased ([`alias`]), the denominator of a share in either
/// population: what [`row_bounds`] reads of a row besides the measure asked.
pub fn share_denominators() -> &'static [usize] {
    static DENS: OnceLock<Vec<usize>> = OnceLock::new();
    DENS.get_or_init(|| {
        let mut dens: Vec<usize> = Population::ALL
            .into_iter()
            .flat_map(|p| {
                indicators::for_population(p)
                    .into_iter()
                    .filter_map(move |d| match (d.kind, d.denominator) {
                        (Kind::Share, Some(den)) => Some(alias(p, den as usize)),
                        _ => None,
                    })
            })
            .collect();
        dens.sort_unstable();
        dens.dedup();
        dens
    })
}

/// The place of share denominator `den` (aliased) in [`share_denominators`].
pub fn denominator_slot(den: usize) -> usize {
    static SLOTS: OnceLock<[u8; N_MEASURES]> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let mut slots = [u8::MAX; N_MEASURES];
        for (k, &d) in share_denominators().iter().enumerate() {
            slots[d] = k as u8;
        }
        slots
    });
    let k = slots[den];
    assert!(k != u8::MAX, "measure {den} is no share denominator");
    k as usize
}

/// What the values of a row say of each measure of [`share_denominators`], in that order,
/// before the facts linking a numerator to its denominator: the bounds [`row_bounds_given`] is
/// given (at [`denominator_slot`]).
pub fn denominator_bounds<'a>(
    defs: &'a [&IndicatorDef],
    cells: &'a [Cell],
    population: Population,
    facts: &'a Facts,
) -> impl Iterator<Item = Bound> + 'a {
    share_denominators()
        .iter()
        .map(move |&den| direct(defs, cells, 0, population, den, facts))
}

/// [`row_bounds`] with the [`denominator_bounds`] of the row given by `den` (computed once per
/// row by a caller that asks every measure: the audit, the search's row cache).
pub fn row_bounds_given(
    defs: &[&IndicatorDef],
    cells: &[Cell],
    population: Population,
    m: usize,
    facts: &Facts,
    den: impl Fn(usize) -> Bound,
) -> Bound {
    with_denominators(defs, cells, 0, population, m, facts, den)
}

/// [`row_bounds_hiding`], the bounds of the share denominators (aliased) given by `den_bound`.
fn with_denominators(
    defs: &[&IndicatorDef],
    cells: &[Cell],
    hidden: u128,
    population: Population,
    m: usize,
    facts: &Facts,
    den_bound: impl Fn(usize) -> Bound,
) -> Bound {
    let m = alias(population, m);
    let mut b = direct(defs, cells, hidden, population, m, facts);
    // cross-measure facts of the shares whose numerator it is
    for &i in touching(population, m) {
        let d = defs[i as usize];
        let (Kind::Share, Some(den)) = (d.kind, d.denominator) else {
            continue;
        };
        if alias(population, d.numerator as usize) != m {
            continue;
        }
        let den = den_bound(alias(population, den as usize));
        b.meet(0, den.hi);
        if super::disclosure::told_by_status(defs, cells, i as usize) {
            // the only share of its distribution, hidden for being 100 %: at least 99.95 %
            let l = den.lo as i128;
            b.meet(((l * 9995 + 9999) / 10000) as i64, UNBOUNDED);
        }
        if cell_hiding(cells, hidden, i as usize).status == Status::SecretSecondaire {
            if facts.suppress_100 && den.hi != UNBOUNDED {
                // shown under 100.0 %: below 99.95 % of the denominator
                let h = den.hi as i128;
                b.meet(0, ((h * 9995 + 9999) / 10000 - 1) as i64);
            }
            if facts.suppress_0 {
                b.meet(1, UNBOUNDED);
            }
        }
    }
    b
}

/// [`row_bounds`] without the facts linking a numerator to its denominator.
fn direct(
    defs: &[&IndicatorDef],
    cells: &[Cell],
    hidden: u128,
    population: Population,
    m: usize,
    facts: &Facts,
) -> Bound {
    let min = facts.min_units;
    let mut b = Bound::FREE;
    // hiding never makes a value `secret_effectif`
    let small = cells
        .get(NB_LOGEMENTS)
        .is_some_and(|c| c.status == Status::SecretEffectif);
    if population == Population::Ensemble && m == Measure::Dwellings as usize {
        b.meet(1, UNBOUNDED);
    }
    if small && counts_dwellings(m) {
        b.meet(0, min - 1);
    }
    for &i in touching(population, m) {
        let d = defs[i as usize];
        let c = &cell_hiding(cells, hidden, i as usize);
        let base = alias(population, d.base as usize);
        if !c.status.is_published() {
            if base == m {
                match c.status {
                    Status::SecretEffectif if !small => b.meet(0, min - 1),
                    Status::SecretReponse | Status::Secret100 | Status::SecretSecondaire => {
                        b.meet(min, UNBOUNDED)
                    }
                    _ => {}
                }
            }
            continue;
        }
        if base == m {
            if let Some(x) = c.base {
                b.meet(x, x);
                b.published = true;
            }
        }
        if alias(population, d.numerator as usize) != m {
            continue;
        }
        let Some(x) = c.value else { continue };
        let shown = match (d.kind, d.denominator, c.base) {
            (Kind::Count, _, _) => {
                let r = x.round() as i64;
                Some((r, r))
            }
            (Kind::Share, Some(den), Some(bb)) if den == d.base => {
                let bb = bb as f64;
                let lo = ((x - 0.05) * bb / 100.0 - 1e-9).ceil() as i64;
                let hi = ((x + 0.05) * bb / 100.0 + 1e-9).floor() as i64;
                Some((lo, hi))
            }
            (Kind::Mean { scale }, Some(den), Some(bb)) if den == d.base => {
                let f = (scale * bb) as f64;
                let lo = ((x - 0.005) * f - 1e-6).ceil() as i64;
                let hi = ((x + 0.005) * f + 1e-6).floor() as i64;
                Some((lo, hi))
            }
            _ => None,
        };
        if let Some((lo, hi)) = shown {
            b.meet(lo, hi);
            b.published = true;
        }
    }
    b
}

/// Bound of measure `m` of a rest row of a relation of `kind` in `population`: free, except
/// the recent movers who are not in the « récents » population (there are none) and a rest a
/// reader knows to hold no dwelling (`empty`, see [`super::View::empty_rest`]).
pub fn rest_bound(kind: super::RelKind, population: Population, m: usize, empty: bool) -> Bound {
    let no_recent_mover = kind == super::RelKind::Population
        && population == Population::Ensemble
        && m == Measure::RecentMovers as usize;
    if empty || no_recent_mover {
        Bound {
            lo: 0,
            hi: 0,
            published: false,
        }
    } else {
        Bound::FREE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::by_field;

    fn facts() -> Facts {
        Facts {
            min_units: 11,
            suppress_100: true,
            suppress_0: false,
        }
    }

    /// A row whose values `set` are given, the others hidden for a small row (`small`) or
    /// saying nothing (absent from the file) otherwise.
    fn row(pop: Population, set: &[(&str, Status, Option<f64>, Option<i64>)]) -> Vec<Cell> {
        let small = set.is_empty();
        indicators::for_population(pop)
            .iter()
            .map(|d| {
                let other = if small {
                    Status::SecretEffectif
                } else {
                    Status::Publie
                };
                let (status, value, base) = set
                    .iter()
                    .find(|(f, ..)| *f == d.field)
                    .map(|&(_, s, v, b)| (s, v, b))
                    .unwrap_or((other, None, None));
                Cell {
                    value,
                    base,
                    status,
                }
            })
            .collect()
    }

    #[test]
    fn a_small_row_holds_one_to_ten_dwellings_and_at_most_ten_households() {
        let defs = indicators::for_population(Population::Ensemble);
        let cells = row(Population::Ensemble, &[]);
        let f = facts();
        let b = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            Measure::Dwellings as usize,
            &f,
        );
        assert_eq!((b.lo, b.hi), (1, 10));
        let h = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            Measure::Households as usize,
            &f,
        );
        assert_eq!((h.lo, h.hi), (0, 10));
        let p = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            Measure::Persons as usize,
            &f,
        );
        assert_eq!(p.hi, UNBOUNDED, "persons are not bounded by the dwellings");
    }

    #[test]
    fn a_secondary_share_is_under_its_base_which_is_at_least_eleven() {
        let defs = indicators::for_population(Population::Ensemble);
        let cells = row(
            Population::Ensemble,
            &[
                ("nb_logements", Status::Publie, Some(20.0), Some(20)),
                ("part_apl", Status::SecretSecondaire, None, None),
            ],
        );
        let f = facts();
        let apl = by_field("part_apl").unwrap();
        let known = row_bounds(&defs, &cells, Population::Ensemble, apl.base as usize, &f);
        assert_eq!((known.lo, known.hi), (11, UNBOUNDED));
        let yes = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            apl.numerator as usize,
            &f,
        );
        assert_eq!(
            yes.hi, UNBOUNDED,
            "no upper bound on the base, none on the share"
        );
        let d = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            Measure::Dwellings as usize,
            &f,
        );
        assert!(d.exact() && d.lo == 20 && d.published);
    }

    #[test]
    fn a_published_share_gives_its_numerator_within_rounding() {
        let defs = indicators::for_population(Population::Ensemble);
        // 1.0 % of 3000: 28.5 to 31.5 → 29..=31
        let cells = row(
            Population::Ensemble,
            &[
                ("nb_logements", Status::Publie, Some(3000.0), Some(3000)),
                ("part_t1", Status::Publie, Some(1.0), Some(3000)),
            ],
        );
        let b = row_bounds(
            &defs,
            &cells,
            Population::Ensemble,
            Measure::Rooms1 as usize,
            &facts(),
        );
        assert_eq!((b.lo, b.hi), (29, 31));
    }

    #[test]
    fn hiding_a_value_that_read_by_leaves_out_never_changes_a_bound() {
        for pop in Population::ALL {
            let defs = indicators::for_population(pop);
            // every value published, over a base of 40
            let cells: Vec<Cell> = defs
                .iter()
                .map(|d| Cell {
                    value: Some(if d.kind == Kind::Count { 40.0 } else { 25.0 }),
                    base: Some(40),
                    status: Status::Publie,
                })
                .collect();
            let f = facts();
            for m in 0..N_MEASURES {
                let m = alias(pop, m);
                let before = row_bounds(&defs, &cells, pop, m, &f);
                for k in (0..defs.len()).filter(|&k| read_by(pop, m) >> k & 1 == 0) {
                    let mut hidden = cells.clone();
                    hidden[k] = Cell {
                        value: None,
                        base: None,
                        status: Status::SecretSecondaire,
                    };
                    assert_eq!(
                        row_bounds(&defs, &hidden, pop, m, &f),
                        before,
                        "{pop:?}, measure {m}, value {}",
                        defs[k].field
                    );
                }
            }
        }
    }

    #[test]
    fn recent_movers_of_a_recents_row_are_its_households() {
        let defs = indicators::for_population(Population::Recents);
        let cells = row(
            Population::Recents,
            &[
                ("nb_logements", Status::Publie, Some(12.0), Some(12)),
                ("nb_menages", Status::Publie, Some(12.0), Some(12)),
            ],
        );
        let b = row_bounds(
            &defs,
            &cells,
            Population::Recents,
            Measure::RecentMovers as usize,
            &facts(),
        );
        assert_eq!((b.lo, b.hi), (12, 12));
    }

    #[test]
    fn bounds_given_the_denominators_once_are_the_bounds_read_from_the_row() {
        let f = facts();
        for pop in Population::ALL {
            let defs = indicators::for_population(pop);
            // published, secondary, small and 100 % values side by side, shares rounded
            let cells: Vec<Cell> = defs
                .iter()
                .enumerate()
                .map(|(k, d)| match k % 4 {
                    0 => Cell {
                        value: Some(if d.kind == Kind::Count { 37.0 } else { 32.4 }),
                        base: Some(37),
                        status: Status::Publie,
                    },
                    1 => Cell {
                        value: None,
                        base: None,
                        status: Status::SecretSecondaire,
                    },
                    2 => Cell {
                        value: None,
                        base: None,
                        status: Status::Secret100,
                    },
                    _ => Cell {
                        value: None,
                        base: None,
                        status: Status::SecretReponse,
                    },
                })
                .collect();
            let dens: Vec<Bound> = denominator_bounds(&defs, &cells, pop, &f).collect();
            let den = |d: usize| dens[denominator_slot(d)];
            for m in 0..N_MEASURES {
                assert_eq!(
                    row_bounds_given(&defs, &cells, pop, m, &f, den),
                    row_bounds(&defs, &cells, pop, m, &f),
                    "{pop:?}, measure {m}"
                );
            }
        }
    }
}
