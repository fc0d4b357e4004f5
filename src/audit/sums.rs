//! The sums of the distributions over the zone rows.
//!
//! The reader's model of the audit holds one measure at a time; a reader also knows that the
//! shares of a distribution (financing, DPE classes, income bands…) sum to 100 %: their
//! numerators add up to the base, row by row. Over the zone rows — région, département, EPCI
//! and commune (whole, QPV part, hors-QPV part), IRIS, and the rests of their relations — this
//! module solves, for each population and each distribution, one linear program with every
//! measure of the distribution at once: the bounds the publication gives each of them, every
//! relation (« zone = Σ parts + rest », « EPCI … = Σ communes », « commune = Σ IRIS + rest »)
//! and `Σ parts = base` in every row. An unpublished share of a zone row whose numerator (and
//! base) this pins is determined, and goes to the repairs like any other.
//!
//! The independent attack `tests/attack/zone_sums.py` does the same with SciPy; on the demo and
//! on 10,000 dwellings (seed 3) neither finds a share determined this way once the rests pinned
//! empty by published dwelling counts are modelled ([`crate::secrecy::reader::View::empty_rest`]).
//! The programmes, bâtiments and cages are left to the attack `tests/attack/distribution_sums.py`
//! (none found on the demo).

use rustc_hash::FxHashMap as HashMap;

use super::lp::{var_bounds, whole_numbers, Equation, Optimum, System, EPS};
use super::model::AuditView;
use crate::indicators::{Kind, Measure, CATALOGUE};
use crate::model::{Population, Scale};
use crate::secrecy::reader::{determined, Range, RelKind, RowKind, View};

/// One distribution of the catalogue: shares of one group over one base.
struct Distribution {
    base: Measure,
    parts: Vec<Measure>,
}

fn distributions() -> Vec<Distribution> {
    let mut out: Vec<(&str, Distribution)> = Vec::new();
    for d in CATALOGUE {
        let (Kind::Share, Some(group), Some(den)) = (d.kind, d.group, d.denominator) else {
            continue;
        };
        match out.iter_mut().find(|(g, x)| *g == group && x.base == den) {
            Some((_, x)) if !x.parts.contains(&d.numerator) => x.parts.push(d.numerator),
            Some(_) => {}
            None => out.push((
                group,
                Distribution {
                    base: den,
                    parts: vec![d.numerator],
                },
            )),
        }
    }
    out.into_iter()
        .map(|(_, x)| x)
        .filter(|x| x.parts.len() >= 2)
        .collect()
}

fn zone_scale(s: Scale) -> bool {
    matches!(
        s,
        Scale::Region | Scale::Departement | Scale::Epci | Scale::Commune | Scale::Iris
    )
}

/// Whether row `r` of `view` is a zone row (région … IRIS) of `population`.
fn zone_row(view: &View, population: Population, r: u32) -> bool {
    let (scale, pop, _, _) = &view.keys[r as usize];
    *pop == population && zone_scale(*scale)
}

/// The smallest and largest value of each unknown over the feasible points the solver returned:
/// an unknown that two of them set a whole unit apart cannot be pinned, whatever the next
/// program would say (the polytope is convex), so its programs need not be solved.
struct Seen {
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            lo: vec![f64::INFINITY; n],
            hi: vec![f64::NEG_INFINITY; n],
        }
    }

    /// Takes in `x` if it meets every bound and equation of `sys` (within the solver's
    /// tolerance): only a true point of the polytope is a witness.
    fn add(&mut self, sys: &System, x: &[f64]) {
        const TOL: f64 = 1e-6;
        let in_bounds = sys
            .bounds
            .iter()
            .zip(x)
            .all(|(&(l, h), &v)| v >= l - TOL && v <= h + TOL);
        let balanced = sys.equations.iter().all(|e| {
            let s: f64 = e.terms.iter().map(|&(v, c)| c * x[v]).sum();
            (s - e.rhs).abs() <= TOL * (1.0 + e.terms.len() as f64)
        });
        if !(in_bounds && balanced) {
            return;
        }
        for (v, &xv) in x.iter().enumerate() {
            self.lo[v] = self.lo[v].min(xv);
            self.hi[v] = self.hi[v].max(xv);
        }
    }

    /// Whether feasible points seen hold `v` at two whole numbers at least (with a margin
    /// over the tolerances, so that round-off never makes a pinned unknown look free).
    fn free(&self, v: usize) -> bool {
        self.hi[v] - self.lo[v] >= 1.0 + 1e-3
    }
}

/// What the check found.
#[derive(Debug, Default)]
pub struct SumsOutcome {
    /// `(row, slot)` of the targets determined, with the reason.
    pub determined: Vec<(u32, usize, String)>,
    /// Linear programs solved.
    pub solves: u64,
    /// Unpublished shares left without a program: feasible points already found hold both
    /// their numerator and base at two whole numbers at least.
    pub skipped: u64,
    /// Programs the publication contradicts (a distribution that does not sum to its base in
    /// the data): the values of that distribution are left to the other checks.
    pub inconsistent: u64,
}

/// Checks the unpublished shares `targets` (`(row, slot)`) of the zone rows against the sums
/// of their distributions; `zero_above(row, m)`: a published containing row is 0 for `m`.
pub fn check(
    av: &AuditView,
    targets: &[(u32, usize)],
    mut zero_above: impl FnMut(u32, usize) -> bool,
) -> SumsOutcome {
    let view = &av.view;
    let mut out = SumsOutcome::default();
    let distributions = distributions();
    for population in Population::ALL {
        let zone = ZoneRows::of(view, population);
        let mine: Vec<(u32, usize)> = targets
            .iter()
            .copied()
            .filter(|&(r, _)| (r as usize) < view.n_layer && zone.contains(view, r))
            .collect();
        if mine.is_empty() {
            continue;
        }
        for dist in &distributions {
            check_distribution(av, &zone, dist, &mine, &mut zero_above, &mut out);
        }
    }
    out
}

/// The zone rows of one population and the rests of their relations: the rows of its
/// programs, each with its slot, and the relations that hold them.
struct ZoneRows {
    population: Population,
    /// Indices into the view's relations, in the view's order.
    relations: Vec<usize>,
    /// The rows, sorted.
    rows: Vec<u32>,
    /// The position of each row in `rows`.
    slot_of: HashMap<u32, usize>,
}

impl ZoneRows {
    /// The zone rows of `population` in `view`, and the rests of their relations.
    fn of(view: &View, population: Population) -> ZoneRows {
        let in_set = |r: u32| zone_row(view, population, r);
        let relations: Vec<usize> = view
            .relations
            .iter()
            .enumerate()
            .filter(|(_, rel)| {
                matches!(rel.kind, RelKind::Admin | RelKind::Parts | RelKind::Iris)
                    && matches!(view.kinds[rel.parent as usize], RowKind::Layer)
                    && in_set(rel.parent)
                    && rel.children.iter().all(|&c| match view.kinds[c as usize] {
                        RowKind::Layer => in_set(c),
                        RowKind::Rest(k) => k == rel.kind,
                        RowKind::Total(_) => false,
                    })
            })
            .map(|(i, _)| i)
            .collect();
        let mut rows: Vec<u32> = (0..view.n_layer as u32).filter(|&r| in_set(r)).collect();
        for &ri in &relations {
            for &c in &view.relations[ri].children {
                if matches!(view.kinds[c as usize], RowKind::Rest(_)) {
                    rows.push(c);
                }
            }
        }
        rows.sort_unstable();
        rows.dedup();
        let slot_of: HashMap<u32, usize> = rows.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        ZoneRows {
            population,
            relations,
            rows,
            slot_of,
        }
    }

    /// Whether row `r` of `view` is a zone row of the population.
    fn contains(&self, view: &View, r: u32) -> bool {
        zone_row(view, self.population, r)
    }

    /// The variable of measure `j` (of `n`) of row `r`.
    fn var(&self, r: u32, j: usize, n: usize) -> usize {
        self.slot_of[&r] * n + j
    }

    /// The program of a distribution's `measures` (its parts, then its base) over the rows:
    /// the publication's bounds, `Σ parts = base` in every row and every relation that holds
    /// for each measure.
    fn system(&self, av: &AuditView, measures: &[usize]) -> System {
        let view = &av.view;
        let n = measures.len();
        let mut sys = System::default();
        for &r in &self.rows {
            for &m in measures {
                let b = av.bound(r, m);
                sys.bounds.push(var_bounds(Some((b.lo, b.hi))));
            }
            // Σ parts = base
            let mut terms: Vec<(usize, f64)> =
                (0..n - 1).map(|j| (self.var(r, j, n), 1.0)).collect();
            terms.push((self.var(r, n - 1, n), -1.0));
            sys.equations.push(Equation { terms, rhs: 0.0 });
        }
        for &ri in &self.relations {
            let rel = &view.relations[ri];
            for (j, &m) in measures.iter().enumerate() {
                if !rel.holds_for(m) {
                    continue;
                }
                let mut terms = vec![(self.var(rel.parent, j, n), 1.0)];
                terms.extend(rel.children.iter().map(|&c| (self.var(c, j, n), -1.0)));
                sys.equations.push(Equation { terms, rhs: 0.0 });
            }
        }
        sys
    }
}

/// The unpublished shares of `mine` (`(row, slot)`) that are parts of `dist`, with the index
/// of their part.
fn asked_shares(
    av: &AuditView,
    dist: &Distribution,
    mine: &[(u32, usize)],
) -> Vec<(u32, usize, usize)> {
    mine.iter()
        .filter_map(|&(r, k)| {
            let d = av.defs(r)[k];
            let part = dist.parts.iter().position(|&p| p == d.numerator)?;
            (d.kind == Kind::Share && d.denominator == Some(dist.base)).then_some((r, k, part))
        })
        .collect()
}

/// Checks the shares of `mine` that belong to `dist` with one program over the zone rows,
/// into `out`; stops at the first program the publication contradicts.
fn check_distribution(
    av: &AuditView,
    zone: &ZoneRows,
    dist: &Distribution,
    mine: &[(u32, usize)],
    zero_above: &mut impl FnMut(u32, usize) -> bool,
    out: &mut SumsOutcome,
) {
    let measures: Vec<usize> = dist
        .parts
        .iter()
        .chain(std::iter::once(&dist.base))
        .map(|&m| m as usize)
        .collect();
    let asked = asked_shares(av, dist, mine);
    if asked.is_empty() {
        return;
    }
    let n = measures.len();
    let sys = zone.system(av, &measures);
    let mut seen = Seen::new(sys.bounds.len());
    // the base's range, once per row
    let mut bases: HashMap<u32, Range> = HashMap::default();
    for (r, k, part) in asked {
        let d = av.defs(r)[k];
        let (vn, vd) = (zone.var(r, part, n), zone.var(r, n - 1, n));
        if seen.free(vn) && seen.free(vd) {
            // two feasible points already differ by a whole unit in both: neither
            // can be pinned (see `determined`)
            out.skipped += 1;
            continue;
        }
        let Some(rn) = solve(&sys, vn, &mut seen, &mut out.solves) else {
            out.inconsistent += 1;
            break;
        };
        if rn.pinned.is_none() && seen.free(vd) {
            out.skipped += 1;
            continue;
        }
        let rd = match bases.get(&r) {
            Some(rd) => *rd,
            None => {
                let Some(rd) = solve(&sys, vd, &mut seen, &mut out.solves) else {
                    out.inconsistent += 1;
                    break;
                };
                bases.insert(r, rd);
                rd
            }
        };
        let num_zero = rn.pinned == Some(0) && zero_above(r, d.numerator as usize);
        let den_zero = rd.pinned == Some(0) && zero_above(r, dist.base as usize);
        if let Some(why) = determined(d, &rn, Some(&rd), num_zero, den_zero) {
            out.determined
                .push((r, k, format!("{why} (somme de sa distribution)")));
        }
    }
}

/// The range of variable `v` of `sys` (a minimisation and a maximisation, counted in
/// `solves`), every optimum point taken into `seen`; `None` when a program fails.
fn solve(sys: &System, v: usize, seen: &mut Seen, solves: &mut u64) -> Option<Range> {
    let mut ends = [0.0f64; 2];
    for (i, maximise) in [false, true].into_iter().enumerate() {
        *solves += 1;
        match sys.optimise(&[(v, 1.0)], maximise) {
            Ok(Optimum::Point(x)) => {
                ends[i] = x[v];
                seen.add(sys, &x);
            }
            Ok(Optimum::Unbounded) => ends[i] = f64::INFINITY,
            Err(_) => return None,
        }
    }
    let pinned = (whole_numbers(ends[0], ends[1]) == 1).then(|| (ends[0] - EPS).ceil() as i64);
    Some(Range {
        lo: ends[0],
        hi: ends[1],
        pinned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::read::{Published, Value};
    use crate::config::SecrecySection;
    use crate::indicators::by_field;
    use crate::model::Split;
    use crate::secrecy::reader::Facts;
    use crate::secrecy::Status;

    /// A commune of 100 dwellings, 40 in its QPV part, 60 outside; financing published but
    /// PLAI in both parts. One measure at a time, PLAI of the parts is free (it only sums to
    /// the commune's 10); with the sums of the distribution, each part's PLAI is its base
    /// minus the other shares: 4 and 6.
    fn published() -> Published {
        let rows = [
            (Split::Tout, 100, [10, 50, 20, 10, 10], false),
            (Split::Qpv, 40, [4, 20, 8, 4, 4], true),
            (Split::HorsQpv, 60, [6, 30, 12, 6, 6], true),
        ];
        let fields = [
            "part_plai",
            "part_plus",
            "part_pls",
            "part_pli",
            "part_fin_autre",
        ];
        let mut values = Vec::new();
        let value = |zone, field: &str, v: Option<f64>, base: Option<i64>, status| Value {
            scale: Scale::Commune,
            code: "C".into(),
            population: Population::Ensemble,
            zone,
            indicator: field.to_string().into(),
            def: by_field(field),
            value: v,
            base,
            status,
        };
        for (zone, n, counts, plai_hidden) in rows {
            values.push(value(
                zone,
                "nb_logements",
                Some(n as f64),
                Some(n),
                Status::Publie,
            ));
            for (k, (f, c)) in fields.iter().zip(counts).enumerate() {
                if k == 0 && plai_hidden {
                    values.push(value(zone, f, None, None, Status::SecretSecondaire));
                } else {
                    let shown = (1000.0 * c as f64 / n as f64).round() / 10.0;
                    values.push(value(zone, f, Some(shown), Some(n), Status::Publie));
                }
            }
        }
        Published {
            values,
            keys: Default::default(),
            // no dwelling of unknown QPV part; the others left out (this commune has no IRIS)
            totals: [Some(0), None, None, None],
        }
    }

    #[test]
    fn only_points_of_the_polytope_witness_that_an_unknown_is_free() {
        // x0 + x1 = 10, x0 in [0, 10], x1 in [0, 3]
        let sys = System {
            bounds: vec![(0.0, 10.0), (0.0, 3.0)],
            equations: vec![Equation {
                terms: vec![(0, 1.0), (1, 1.0)],
                rhs: 10.0,
            }],
        };
        let mut seen = Seen::new(2);
        seen.add(&sys, &[10.0, 0.0]);
        assert!(!seen.free(0), "one point");
        seen.add(&sys, &[5.0, 5.0]);
        seen.add(&sys, &[9.0, 0.0]);
        assert!(
            !seen.free(0),
            "out of bounds, then off the equation: not points"
        );
        seen.add(&sys, &[7.0, 3.0]);
        assert!(seen.free(0) && seen.free(1));
    }

    #[test]
    fn a_share_pinned_by_the_other_shares_of_its_distribution_is_determined() {
        let p = published();
        let av = AuditView::build(&p, Facts::from(&SecrecySection::default()));
        let plai = |zone| {
            let row = av.view.index[&(Scale::Commune, Population::Ensemble, zone, "C".into())];
            let k = av
                .defs(row)
                .iter()
                .position(|d| d.field == "part_plai")
                .unwrap();
            (row, k)
        };
        let targets = [plai(Split::Qpv), plai(Split::HorsQpv)];
        // one measure at a time, nothing pins them: the parts' PLAI sum to the commune's
        let b = av.bound(targets[0].0, Measure::FinPlai as usize);
        assert!(!b.exact(), "{b:?}");
        let out = check(&av, &targets, |_, _| false);
        assert_eq!(out.inconsistent, 0);
        let found: Vec<(u32, usize)> = out.determined.iter().map(|&(r, k, _)| (r, k)).collect();
        assert_eq!(found, targets.to_vec(), "{:?}", out.determined);
        assert!(out.determined[0].2.contains("somme de sa distribution"));

        // one more hidden share in each part: PLAI and PLUS of a part move together
        let mut p2 = p.clone();
        for v in &mut p2.values {
            if v.zone != Split::Tout && v.indicator == "part_plus" {
                v.value = None;
                v.base = None;
                v.status = Status::SecretSecondaire;
            }
        }
        let av2 = AuditView::build(&p2, Facts::from(&SecrecySection::default()));
        let out = check(&av2, &targets, |_, _| false);
        assert!(out.determined.is_empty(), "{:?}", out.determined);
    }
}
