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

/// Union–find over the rows of the view: the connected groups of unknowns of one measure.
/// The root of a group is its smallest row.
struct Dsu(Vec<u32>);

impl Dsu {
    /// Every row of `n` alone.
    fn new(n: usize) -> Dsu {
        Dsu((0..n as u32).collect())
    }

    /// The root of `x`'s group (compressing the path).
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

    /// Joins the groups of `a` and `b`.
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
    let measure = MeasureView {
        view,
        bounds,
        m,
        exact_wanted,
    };
    let mut dsu = measure.unknown_groups();
    let mut prover = proofs.map(|(witnesses, truth)| Prover::new(measure, witnesses, truth));
    let mut out = HashMap::with_capacity_and_hasher(needed.len(), Default::default());
    // the values no fast path settled, by group
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::default();
    for &c in needed {
        let found = match measure.known_range(c) {
            Some(r) => Some(r),
            None => prover
                .as_mut()
                .and_then(|p| p.prove(c, zero_only, &mut dsu, stats)),
        };
        match found {
            Some(r) => {
                out.insert(c, r);
            }
            None => groups.entry(dsu.find(c)).or_default().push(c),
        }
    }
    let rel_of = measure.relations_by_group(&mut dsu, &groups);
    // with the tables of the run, the exact intervals of a group are computed for a few
    // values only (each costs two programmes over the whole group); the others are taken
    // as determined, without proof, and the run hides more (always safe)
    let exact_budget = if proofs.is_some() {
        EXACT_BUDGET
    } else {
        usize::MAX
    };
    let mut roots: Vec<u32> = groups.keys().copied().collect();
    roots.sort_unstable();
    for g in roots {
        stats.groups += 1;
        let relations = rel_of.get(&g).map(|v| v.as_slice()).unwrap_or(&[]);
        measure.solve_group(&groups[&g], relations, exact_budget, stats, &mut out);
    }
    out
}

/// The range of a value pinned at `at`.
fn pinned_range(at: i64) -> Range {
    Range {
        lo: at as f64,
        hi: at as f64,
        pinned: Some(at),
    }
}

/// The whole number an interval `[lo, hi]` pins, when it holds at most one.
fn pinned_in(lo: f64, hi: f64) -> Option<i64> {
    (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64)
}

/// One measure of the view: the publication's bounds of its rows and the widths asked of
/// some of them.
#[derive(Clone, Copy)]
struct MeasureView<'a> {
    view: &'a View,
    bounds: &'a Bounds,
    m: usize,
    /// Rows whose interval must be at least this wide to prove them, or exact (by row).
    exact_wanted: &'a [(u32, f64)],
}

impl MeasureView<'_> {
    /// Whether the publication gives the value of row `c` exactly.
    fn exact(&self, c: u32) -> bool {
        self.bounds[c as usize].exact()
    }

    /// The width the interval of row `c` must have at least, when one is asked.
    fn width_wanted(&self, c: u32) -> Option<f64> {
        self.exact_wanted
            .binary_search_by_key(&c, |&(x, _)| x)
            .ok()
            .map(|i| self.exact_wanted[i].1)
    }

    /// Whether row `c` wants its exact interval: the sample, or a width asked.
    fn wants_exact(&self, c: u32) -> bool {
        sampled(c) || self.width_wanted(c).is_some()
    }

    /// The connected groups of unknowns: two unknown rows are joined when a relation that
    /// holds for the measure holds both.
    fn unknown_groups(&self) -> Dsu {
        let mut dsu = Dsu::new(self.view.len());
        for r in self.view.relations.iter().filter(|r| r.holds_for(self.m)) {
            let mut first = None;
            for &c in std::iter::once(&r.parent).chain(&r.children) {
                if self.exact(c) {
                    continue;
                }
                match first {
                    None => first = Some(c),
                    Some(f) => dsu.union(f, c),
                }
            }
        }
        dsu
    }

    /// The range of row `c` known without any program: its exact published value, or 0 below
    /// a published zero.
    fn known_range(&self, c: u32) -> Option<Range> {
        if self.exact(c) {
            return Some(pinned_range(self.bounds[c as usize].lo));
        }
        if zero_above(self.view, self.bounds, c, self.m) {
            return Some(Range {
                lo: 0.0,
                hi: 0.0,
                pinned: Some(0),
            });
        }
        None
    }

    /// The relations (indices into the view's) of each group of `groups`, in the view's order.
    fn relations_by_group(
        &self,
        dsu: &mut Dsu,
        groups: &HashMap<u32, Vec<u32>>,
    ) -> HashMap<u32, Vec<usize>> {
        let mut rel_of: HashMap<u32, Vec<usize>> = HashMap::default();
        for (i, r) in self.view.relations.iter().enumerate() {
            if !r.holds_for(self.m) {
                continue;
            }
            let any = std::iter::once(&r.parent)
                .chain(&r.children)
                .find(|&&c| !self.exact(c));
            if let Some(&c) = any {
                let g = dsu.find(c);
                if groups.contains_key(&g) {
                    rel_of.entry(g).or_default().push(i);
                }
            }
        }
        rel_of
    }

    /// The linear system of one group: a variable per unknown (`targets` first, then the
    /// others in the order the relations meet them) bounded by what the publication says, and
    /// one equation per relation, its exact members moved to the right-hand side. Also returns
    /// the variable of each unknown row.
    fn group_system(&self, targets: &[u32], relations: &[usize]) -> (System, HashMap<u32, usize>) {
        let mut var_of: HashMap<u32, usize> = HashMap::default();
        let mut sys = System::default();
        let mut var = |c: u32, sys: &mut System| -> usize {
            *var_of.entry(c).or_insert_with(|| {
                sys.bounds
                    .push(var_bounds(self.bounds[c as usize].as_pair()));
                sys.bounds.len() - 1
            })
        };
        for &c in targets {
            var(c, &mut sys);
        }
        for &ri in relations {
            let r = &self.view.relations[ri];
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (c, coef) in
                std::iter::once((r.parent, 1.0)).chain(r.children.iter().map(|&c| (c, -1.0)))
            {
                if self.exact(c) {
                    rhs -= coef * self.bounds[c as usize].lo as f64;
                } else {
                    terms.push((var(c, &mut sys), coef));
                }
            }
            sys.equations.push(Equation { terms, rhs });
        }
        (sys, var_of)
    }

    /// Puts in `out` the ranges of `targets`, the values of one group no fast path settled,
    /// from the group's `relations`. Without equations the bounds are the ranges; one equation
    /// is solved in closed form; more go through the low point and the raises, then the exact
    /// intervals (at most `exact_budget` of them for values not shown to move). A group whose
    /// programs fail is counted in [`LpStats::inconsistent`], its values left out.
    fn solve_group(
        &self,
        targets: &[u32],
        relations: &[usize],
        exact_budget: usize,
        stats: &mut LpStats,
        out: &mut HashMap<u32, Range>,
    ) {
        let (sys, var_of) = self.group_system(targets, relations);
        if sys.equations.is_empty() {
            // only the published rounding bounds: the interval is known without optimising
            for &c in targets {
                let (lo, hi) = sys.bounds[var_of[&c]];
                let pinned = pinned_in(lo, hi);
                out.insert(c, Range { lo, hi, pinned });
            }
            return;
        }
        if sys.equations.len() == 1 {
            let Some(got) = single_equation_ranges(&sys, &var_of, targets) else {
                // the single equation contradicts the bounds
                stats.inconsistent += 1;
                return;
            };
            for (c, lo, hi) in got {
                let pinned = pinned_in(lo, hi);
                if self.wants_exact(c) {
                    stats.sampled.push((self.m, c));
                }
                out.insert(c, Range { lo, hi, pinned });
            }
            return;
        }
        let tv: Vec<usize> = targets.iter().map(|c| var_of[c]).collect();
        let Some(seen) = low_then_raise(&sys, &tv, stats) else {
            return;
        };
        self.exact_intervals(&sys, targets, &tv, &seen, exact_budget, stats, out);
    }

    /// Puts in `out` the ranges of `targets` (variables `tv`) after the raises `seen`: the
    /// exact interval of each value not shown to move (within `exact_left`; beyond, taken as
    /// pinned without proof, [`LpStats::unproven`]) and of each value wanting it; the range
    /// seen for the others. Stops at the first program that fails (counted).
    #[allow(clippy::too_many_arguments)]
    fn exact_intervals(
        &self,
        sys: &System,
        targets: &[u32],
        tv: &[usize],
        seen: &Raised,
        mut exact_left: usize,
        stats: &mut LpStats,
        out: &mut HashMap<u32, Range>,
    ) {
        for (t, &c) in targets.iter().enumerate() {
            let (mut lo, mut hi) = seen.range[t];
            // exact interval for the values not shown to move, and for a sample (widths)
            let sample = self.wants_exact(c);
            let mut pinned = None;
            let still = seen.open.contains(&t);
            if still && !sample && exact_left == 0 {
                stats.unproven.push((self.m, c));
                out.insert(c, pinned_range(lo.round() as i64));
                continue;
            }
            if still && !sample {
                exact_left -= 1;
            }
            if still || sample {
                let Some(ends) = exact_interval(sys, tv[t], (lo, hi), stats) else {
                    return;
                };
                (lo, hi) = ends;
                pinned = pinned_in(lo, hi);
                if sample {
                    stats.sampled.push((self.m, c));
                }
            }
            out.insert(c, Range { lo, hi, pinned });
        }
    }
}

/// The exact ranges `(row, lo, hi)` of `targets` when `sys` has a single equation
/// `Σ a·x = b` over boxes: the equation solved for each unknown over the boxes of the others.
/// `None` when the equation contradicts the boxes.
fn single_equation_ranges(
    sys: &System,
    var_of: &HashMap<u32, usize>,
    targets: &[u32],
) -> Option<Vec<(u32, f64, f64)>> {
    let e = &sys.equations[0];
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
            return None;
        }
        got.push((c, lo, hi));
    }
    Some(got)
}

/// What the low point and the raises of a group showed.
struct Raised {
    /// By target, the lowest and highest values seen.
    range: Vec<(f64, f64)>,
    /// The targets (indices) never seen at two whole numbers.
    open: Vec<usize>,
}

/// Point A, every variable of `tv` as low as it can go together in `sys`; then as many as
/// possible raised by one unit above point A, again and again until no more rise. `None` when
/// a program fails (counted in [`LpStats::inconsistent`]).
fn low_then_raise(sys: &System, tv: &[usize], stats: &mut LpStats) -> Option<Raised> {
    stats.solves += 1;
    let low = match sys.optimise(&tv.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(), false) {
        Ok(Optimum::Point(x)) => x,
        Ok(Optimum::Unbounded) => unreachable!("bounded below by 0"),
        Err(_) => {
            stats.inconsistent += 1;
            return None;
        }
    };
    let mut range: Vec<(f64, f64)> = tv.iter().map(|&v| (low[v], low[v])).collect();
    let mut open: Vec<usize> = (0..tv.len()).collect();
    while !open.is_empty() {
        let (raise, weights) = raise_system(sys, tv, &open, &low);
        stats.solves += 1;
        let x = match raise.optimise(&weights, true) {
            Ok(Optimum::Point(x)) => x,
            Ok(Optimum::Unbounded) => unreachable!("z ≤ 1"),
            Err(_) => {
                stats.inconsistent += 1;
                return None;
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
    Some(Raised { range, open })
}

/// `sys` with, for each target of `open` (variable `tv[t]`), a rise `z ∈ [0, 1]` above its
/// value at point `low`, and the weights maximising the sum of the rises.
fn raise_system(
    sys: &System,
    tv: &[usize],
    open: &[usize],
    low: &[f64],
) -> (System, Vec<(usize, f64)>) {
    let mut raise = sys.clone();
    let mut weights = Vec::with_capacity(open.len());
    for &t in open {
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
    (raise, weights)
}

/// The exact interval of variable `v` of `sys` (a minimisation and a maximisation), an end
/// without optimum point kept from `seen` (the upper one infinite when unbounded). `None`
/// when a program fails (counted in [`LpStats::inconsistent`]).
fn exact_interval(
    sys: &System,
    v: usize,
    seen: (f64, f64),
    stats: &mut LpStats,
) -> Option<(f64, f64)> {
    let mut ends = [seen.0, seen.1];
    let mut unbounded = false;
    let mut failed = false;
    for (k, maximise) in [false, true].into_iter().enumerate() {
        stats.solves += 1;
        match sys.optimise(&[(v, 1.0)], maximise) {
            Ok(Optimum::Point(x)) => ends[k] = x[v],
            Ok(Optimum::Unbounded) => unbounded = true,
            Err(_) => failed = true,
        }
    }
    if failed {
        stats.inconsistent += 1;
        return None;
    }
    let hi = if unbounded { f64::INFINITY } else { ends[1] };
    Some((ends[0], hi))
}

/// Proofs that a value is not pinned without the program of its whole group, from the
/// tables of the run: the true values, a verified exchange, or a local program around it.
struct Prover<'a> {
    measure: MeasureView<'a>,
    witnesses: &'a Witnesses<'a>,
    truth: &'a Truth,
    scratch: Scratch,
    wide: WideMembers,
    /// By group, values that went through the largest local programs without a proof.
    large_failures: HashMap<u32, usize>,
}

impl<'a> Prover<'a> {
    fn new(measure: MeasureView<'a>, witnesses: &'a Witnesses<'a>, truth: &'a Truth) -> Self {
        Prover {
            measure,
            witnesses,
            truth,
            scratch: Scratch::new(measure.view),
            wide: WideMembers::default(),
            large_failures: HashMap::default(),
        }
    }

    /// The range of unknown row `c` when a proof shows it is not pinned (at least as wide as
    /// asked; `zero_only`: the rows where only whether it can be 0 matters); `None` leaves it
    /// to the program of its group (`dsu`).
    fn prove(
        &mut self,
        c: u32,
        zero_only: &[u32],
        dsu: &mut Dsu,
        stats: &mut LpStats,
    ) -> Option<Range> {
        let measure = self.measure;
        let t = self.truth.values[c as usize];
        if t > 0 && zero_only.binary_search(&c).is_ok() {
            // the true values are a solution where it is not 0: it is not pinned at 0
            return Some(Range {
                lo: t as f64,
                hi: t as f64,
                pinned: None,
            });
        }
        // the sample wants both ends; a proof, a range at least this wide
        let want =
            (!measure.wants_exact(c)).then(|| measure.width_wanted(c).unwrap_or(1.0).max(1.0));
        let root = dsu.find(c);
        let large_allowed = self
            .large_failures
            .get(&root)
            .is_none_or(|&k| k < LARGE_LOCAL_FAILURES);
        let mut went_large = false;
        // the sample (widths of the summary) tries the local program first, the others
        // the exchange first; either proves the value not pinned
        let proven = if measure.wants_exact(c) {
            let r = self.by_local(c, want, large_allowed, &mut went_large, stats);
            if r.is_some() {
                stats.sampled.push((measure.m, c));
            }
            r.or_else(|| self.by_exchange(c, t, stats))
        } else {
            self.by_exchange(c, t, stats)
                .or_else(|| self.by_local(c, want, large_allowed, &mut went_large, stats))
        };
        let wide_enough =
            |(lo, hi): (f64, f64)| measure.width_wanted(c).is_none_or(|w| hi - lo >= w);
        let proven = proven.filter(|&r| wide_enough(r));
        if proven.is_none() && went_large {
            *self.large_failures.entry(root).or_default() += 1;
        }
        let (lo, hi) = proven?;
        Some(Range {
            lo,
            hi,
            pinned: None,
        })
    }

    /// Row `c` (true value `t`) moved by a verified exchange of the run: the two values seen.
    fn by_exchange(&mut self, c: u32, t: i64, stats: &mut LpStats) -> Option<(f64, f64)> {
        let MeasureView {
            view, bounds, m, ..
        } = self.measure;
        let v = self
            .witnesses
            .moved(view, bounds, self.truth, c, m, &mut self.scratch)?;
        stats.by_exchange += 1;
        Some((t.min(v) as f64, t.max(v) as f64))
    }

    /// Row `c` moved by local programs over larger and larger neighbourhoods
    /// ([`LOCAL_CELLS`], the largest only when `large_allowed`), at least `want` wide; a
    /// larger one only while the neighbourhood was cut short. `went_large` is set when a
    /// program of [`LARGE_LOCAL`] cells or more was tried.
    fn by_local(
        &mut self,
        c: u32,
        want: Option<f64>,
        large_allowed: bool,
        went_large: &mut bool,
        stats: &mut LpStats,
    ) -> Option<(f64, f64)> {
        let MeasureView {
            view, bounds, m, ..
        } = self.measure;
        let truth = self.truth;
        let wide = &mut self.wide;
        let mut whole = false;
        let r = LOCAL_CELLS.iter().find_map(|&n| {
            if whole || (n >= LARGE_LOCAL && !large_allowed) {
                return None;
            }
            *went_large |= n >= LARGE_LOCAL;
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
                wide,
            )
        })?;
        stats.local += 1;
        Some(r)
    }
}
