//! Intervals of the unpublished measures, one measure at a time, by linear programming over the
//! relations of [`super::model`] with non-negativity.
//!
//! Unknowns are split into connected groups (two unknowns are connected when a relation holds
//! both). In each group, one optimisation puts every unpublished value as low as it can go
//! together; then the largest possible number of them is raised by one unit at once, again and
//! again: a value seen at two whole numbers is proven not pinned. The values never raised get
//! their exact minimum and maximum (as does a fixed sample of the others, for the widths of the
//! summary).

use rustc_hash::FxHashMap as HashMap;

use super::lp::{var_bounds, whole_numbers, Equation, Optimum, System};
use super::witness::{local_range, Scratch, Truth, WideMembers, Witnesses};
pub use crate::secrecy::reader::Range;
use crate::secrecy::reader::{Bound, View};

/// What the publication says of one measure, by row.
pub type Bounds = [Bound];

/// Counters of the linear programming.
#[derive(Debug, Clone, Default)]
pub struct LpStats {
    pub groups: u64,
    pub solves: u64,
    pub inconsistent: u64,
    /// Values proven not pinned by a verified exchange of the run.
    pub by_exchange: u64,
    /// Values proven not pinned by a local linear program around them.
    pub local: u64,
    /// `(measure, cell)` whose interval was computed exactly although not needed for the proof
    /// (a deterministic sample, for the widths summary).
    pub sampled: Vec<(usize, u32)>,
    /// `(measure, cell)` taken as pinned without proof, beyond [`EXACT_BUDGET`] in a group.
    pub unproven: Vec<(usize, u32)>,
}

struct Dsu(Vec<u32>);

impl Dsu {
    fn find(&mut self, x: u32) -> u32 {
        let mut r = x;
        while self.0[r as usize] != r {
            r = self.0[r as usize];
        }
        let mut y = x;
        while self.0[y as usize] != r {
            let n = self.0[y as usize];
            self.0[y as usize] = r;
            y = n;
        }
        r
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.0[hi as usize] = lo;
        }
    }
}

/// One value of the sample whose interval is computed exactly (for the widths of the summary).
pub fn sampled(cell: u32) -> bool {
    cell.is_multiple_of(SAMPLE)
}

/// Sizes of the neighbourhoods tried by the local linear programs, before the whole group
/// (the programs are small once their leaves are folded: see [`super::reduce`]).
const LOCAL_CELLS: [usize; 6] = [24, 160, 480, 1200, 5000, 20_000];

/// Values of one group whose exact interval `opsgeo run` computes when no faster proof
/// moved them; beyond, they count as determined without proof ([`LpStats::unproven`]).
const EXACT_BUDGET: usize = 16;

/// Values of one group that may go through the largest local programs (from
/// [`LARGE_LOCAL`] cells) and fail there; beyond, the next values of the group try the smaller
/// ones only and go to the program of the whole group, which moves many values at once. Found
/// on 20,000 dwellings (seed 7): 454 values of one group, truly determined, each costing the
/// local programs of 5,000 and 20,000 cells (≈ 0.4 s), 194 s of audit.
const LARGE_LOCAL_FAILURES: usize = 16;

/// The first neighbourhood size counted by [`LARGE_LOCAL_FAILURES`].
const LARGE_LOCAL: usize = 5000;

/// One cell in `SAMPLE` has the exact interval of its unpublished values computed.
const SAMPLE: u32 = 2048;

/// Whether a row containing `cell` has measure `m` published as 0 (`bounds` of `m`): `cell`
/// is then 0 too, implied by that zero.
pub fn zero_above(view: &View, bounds: &Bounds, cell: u32, m: usize) -> bool {
    view.zero_implied(cell, m, &|a| bounds[a as usize], &mut Vec::new())
}

/// Ranges of measure `m` for the rows `needed`; `bounds` are what the publication says of `m`
/// in each row ([`super::model::AuditView::measure_bounds`]). With `proofs` (the alternative
/// tables of the run and the verified true values of `m`), a value a table moves is proven not
/// pinned without linear programming. The rows of `exact` get their exact interval.
#[allow(clippy::too_many_arguments)]
pub fn measure_ranges(
    view: &View,
    bounds: &Bounds,
    m: usize,
    needed: &[u32],
    zero_only: &[u32],
    exact_wanted: &[(u32, f64)],
    stats: &mut LpStats,
    proofs: Option<(&Witnesses<'_>, &Truth)>,
) -> HashMap<u32, Range> {
    let n = view.len();
    let exact = |c: u32| bounds[c as usize].exact();
    // rows whose interval must be at least this wide to prove them, or exact (by row)
    let width_wanted = |c: u32| {
        exact_wanted
            .binary_search_by_key(&c, |&(x, _)| x)
            .ok()
            .map(|i| exact_wanted[i].1)
    };
    let wants_exact = |c: u32| sampled(c) || width_wanted(c).is_some();
    // connect unknown cells that share a relation
    let mut dsu = Dsu((0..n as u32).collect());
    for r in view.relations.iter().filter(|r| r.holds_for(m)) {
        let mut first = None;
        for &c in std::iter::once(&r.parent).chain(&r.children) {
            if exact(c) {
                continue;
            }
            match first {
                None => first = Some(c),
                Some(f) => dsu.union(f, c),
            }
        }
    }
    let mut scratch = proofs.map(|_| Scratch::new(view));
    let mut wide = WideMembers::default();
    let mut out = HashMap::with_capacity_and_hasher(needed.len(), Default::default());
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::default();
    // by group, values that went through the largest local programs without a proof
    let mut large_failures: HashMap<u32, usize> = HashMap::default();
    for &c in needed {
        if exact(c) {
            let a = bounds[c as usize].lo;
            out.insert(
                c,
                Range {
                    lo: a as f64,
                    hi: a as f64,
                    pinned: Some(a),
                },
            );
            continue;
        }
        if zero_above(view, bounds, c, m) {
            out.insert(
                c,
                Range {
                    lo: 0.0,
                    hi: 0.0,
                    pinned: Some(0),
                },
            );
            continue;
        }
        if let (Some((w, truth)), Some(sc)) = (proofs, scratch.as_mut()) {
            let t = truth.values[c as usize];
            if t > 0 && zero_only.binary_search(&c).is_ok() {
                // the true values are a solution where it is not 0: it is not pinned at 0
                out.insert(
                    c,
                    Range {
                        lo: t as f64,
                        hi: t as f64,
                        pinned: None,
                    },
                );
                continue;
            }
            // the sample (widths of the summary) tries the local program first, the others
            // the exchange first; either proves the value not pinned
            let exchange = |sc: &mut Scratch, stats: &mut LpStats| {
                let v = w.moved(view, bounds, truth, c, m, sc)?;
                stats.by_exchange += 1;
                Some((t.min(v) as f64, t.max(v) as f64))
            };
            // the sample wants both ends; a proof, a range at least this wide
            let want = (!wants_exact(c)).then(|| width_wanted(c).unwrap_or(1.0).max(1.0));
            let root = dsu.find(c);
            let large_allowed = large_failures
                .get(&root)
                .is_none_or(|&k| k < LARGE_LOCAL_FAILURES);
            let mut went_large = false;
            let mut local = |stats: &mut LpStats| {
                // a larger program only while the neighbourhood was cut short
                let mut whole = false;
                let r = LOCAL_CELLS.iter().find_map(|&n| {
                    if whole || (n >= LARGE_LOCAL && !large_allowed) {
                        return None;
                    }
                    went_large |= n >= LARGE_LOCAL;
                    local_range(
                        view,
                        bounds,
                        &truth.values,
                        m,
                        c,
                        n,
                        want,
                        &mut stats.solves,
                        &mut whole,
                        &mut wide,
                    )
                })?;
                stats.local += 1;
                Some(r)
            };
            let proven = if wants_exact(c) {
                let r = local(stats);
                if r.is_some() {
                    stats.sampled.push((m, c));
                }
                r.or_else(|| exchange(sc, stats))
            } else {
                exchange(sc, stats).or_else(|| local(stats))
            };
            let wide_enough = |(lo, hi): (f64, f64)| width_wanted(c).is_none_or(|w| hi - lo >= w);
            let proven = proven.filter(|&r| wide_enough(r));
            if proven.is_none() && went_large {
                *large_failures.entry(root).or_default() += 1;
            }
            if let Some((lo, hi)) = proven {
                out.insert(
                    c,
                    Range {
                        lo,
                        hi,
                        pinned: None,
                    },
                );
                continue;
            }
        }
        groups.entry(dsu.find(c)).or_default().push(c);
    }
    // relations by group
    let mut rel_of: HashMap<u32, Vec<usize>> = HashMap::default();
    for (i, r) in view.relations.iter().enumerate() {
        if !r.holds_for(m) {
            continue;
        }
        let any = std::iter::once(&r.parent)
            .chain(&r.children)
            .find(|&&c| !exact(c));
        if let Some(&c) = any {
            let g = dsu.find(c);
            if groups.contains_key(&g) {
                rel_of.entry(g).or_default().push(i);
            }
        }
    }
    let mut roots: Vec<u32> = groups.keys().copied().collect();
    roots.sort_unstable();
    for g in roots {
        stats.groups += 1;
        let targets = &groups[&g];
        // unknown cells of the group and one rest per relation that has one
        let mut var_of: HashMap<u32, usize> = HashMap::default();
        let mut sys = System::default();
        let mut var = |c: u32, sys: &mut System| -> usize {
            *var_of.entry(c).or_insert_with(|| {
                sys.bounds.push(var_bounds(bounds[c as usize].as_pair()));
                sys.bounds.len() - 1
            })
        };
        for &c in targets {
            var(c, &mut sys);
        }
        for &ri in rel_of.get(&g).map(|v| v.as_slice()).unwrap_or(&[]) {
            let r = &view.relations[ri];
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (c, coef) in
                std::iter::once((r.parent, 1.0)).chain(r.children.iter().map(|&c| (c, -1.0)))
            {
                if exact(c) {
                    rhs -= coef * bounds[c as usize].lo as f64;
                } else {
                    terms.push((var(c, &mut sys), coef));
                }
            }
            sys.equations.push(Equation { terms, rhs });
        }
        let nv = sys.bounds.len();
        if sys.equations.is_empty() {
            // only the published rounding bounds: the interval is known without optimising
            for &c in targets {
                let (lo, hi) = sys.bounds[var_of[&c]];
                let pinned = (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64);
                out.insert(c, Range { lo, hi, pinned });
            }
            continue;
        }
        let failed = |stats: &mut LpStats, _: &str| stats.inconsistent += 1;
        if sys.equations.len() == 1 {
            // one equation Σ a·x = b over boxes: the exact interval of each unknown is the
            // equation solved for it over the boxes of the others
            let e = &sys.equations[0];
            let mut ok = true;
            let mut got = Vec::new();
            for &c in targets {
                let v = var_of[&c];
                let Some(&(_, ak)) = e.terms.iter().find(|(t, _)| *t == v) else {
                    let (lo, hi) = sys.bounds[v];
                    got.push((c, lo, hi));
                    continue;
                };
                let (mut smin, mut smax) = (0.0f64, 0.0f64);
                for &(t, a) in &e.terms {
                    if t == v {
                        continue;
                    }
                    let (lo, hi) = sys.bounds[t];
                    let (p, q) = if a > 0.0 {
                        (a * lo, a * hi)
                    } else {
                        (a * hi, a * lo)
                    };
                    smin += p;
                    smax += q;
                }
                let (r1, r2) = ((e.rhs - smax) / ak, (e.rhs - smin) / ak);
                let (lo, hi) = sys.bounds[v];
                let lo = lo.max(r1.min(r2));
                let hi = hi.min(r1.max(r2));
                if lo > hi + super::lp::EPS || lo.is_nan() || hi.is_nan() {
                    ok = false;
                    break;
                }
                got.push((c, lo, hi));
            }
            if !ok {
                failed(stats, "équation unique incompatible avec les bornes");
                continue;
            }
            for (c, lo, hi) in got {
                let pinned = (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64);
                if wants_exact(c) {
                    stats.sampled.push((m, c));
                }
                out.insert(c, Range { lo, hi, pinned });
            }
            continue;
        }
        let tv: Vec<usize> = targets.iter().map(|c| var_of[c]).collect();
        // point A: every unpublished value as low as it can go together
        stats.solves += 1;
        let low = match sys.optimise(&tv.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(), false) {
            Ok(Optimum::Point(x)) => x,
            Ok(Optimum::Unbounded) => unreachable!("bounded below by 0"),
            Err(e) => {
                failed(stats, &e.0);
                continue;
            }
        };
        // raise as many as possible by one unit above point A, until no more rise
        let mut range: Vec<(f64, f64)> = tv.iter().map(|&v| (low[v], low[v])).collect();
        let mut open: Vec<usize> = (0..tv.len()).collect();
        let mut broken = false;
        while !open.is_empty() {
            let mut raise = sys.clone();
            let mut weights = Vec::with_capacity(open.len());
            for &t in &open {
                let v = tv[t];
                raise.bounds.push((0.0, 1.0));
                let z = raise.bounds.len() - 1;
                // z ≤ x − low  ⇔  x − z − s = low, s ≥ 0
                raise.bounds.push((0.0, f64::INFINITY));
                let s = raise.bounds.len() - 1;
                raise.equations.push(Equation {
                    terms: vec![(v, 1.0), (z, -1.0), (s, -1.0)],
                    rhs: low[v],
                });
                weights.push((z, 1.0));
            }
            stats.solves += 1;
            let x = match raise.optimise(&weights, true) {
                Ok(Optimum::Point(x)) => x,
                Ok(Optimum::Unbounded) => unreachable!("z ≤ 1"),
                Err(e) => {
                    failed(stats, &e.0);
                    broken = true;
                    break;
                }
            };
            let before = open.len();
            open.retain(|&t| {
                let v = tv[t];
                let r = &mut range[t];
                r.1 = r.1.max(x[v]);
                r.0 = r.0.min(x[v]);
                whole_numbers(r.0, r.1) < 2
            });
            if open.len() == before {
                break;
            }
        }
        if broken {
            continue;
        }
        let _ = nv;
        // with the tables of the run, the exact intervals of a group are computed for a few
        // values only (each costs two programmes over the whole group); the others are taken
        // as determined, without proof, and the run hides more (always safe)
        let mut exact_left = if proofs.is_some() {
            EXACT_BUDGET
        } else {
            usize::MAX
        };
        for (t, &c) in targets.iter().enumerate() {
            let v = tv[t];
            let (mut lo, mut hi) = range[t];
            // exact interval for the values not shown to move, and for a sample (widths)
            let sample = wants_exact(c);
            let mut pinned = None;
            let still = open.contains(&t);
            if still && !sample && exact_left == 0 {
                stats.unproven.push((m, c));
                let at = lo.round() as i64;
                out.insert(
                    c,
                    Range {
                        lo: at as f64,
                        hi: at as f64,
                        pinned: Some(at),
                    },
                );
                continue;
            }
            if still && !sample {
                exact_left -= 1;
            }
            if still || sample {
                let mut ends = [lo, hi];
                let mut unbounded = false;
                let mut err = None;
                for (k, maximise) in [false, true].into_iter().enumerate() {
                    stats.solves += 1;
                    match sys.optimise(&[(v, 1.0)], maximise) {
                        Ok(Optimum::Point(x)) => ends[k] = x[v],
                        Ok(Optimum::Unbounded) => unbounded = true,
                        Err(e) => err = Some(e),
                    }
                }
                if let Some(e) = err {
                    failed(stats, &e.0);
                    break;
                }
                lo = ends[0];
                hi = if unbounded { f64::INFINITY } else { ends[1] };
                pinned = (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64);
                if sample {
                    stats.sampled.push((m, c));
                }
            }
            out.insert(c, Range { lo, hi, pinned });
        }
    }
    out
}
