//! Intervals of the unpublished measures, one measure at a time, by linear programming over the
//! relations of [`super::model`] with non-negativity.
//!
//! Unknowns are split into connected groups (two unknowns are connected when a relation holds
//! both). In each group, one optimisation puts every unpublished value as low as it can go
//! together; then the largest possible number of them is raised by one unit at once, again and
//! again: a value seen at two whole numbers is proven not pinned. The values never raised get
//! their exact minimum and maximum (as does a fixed sample of the others, for the widths of the
//! summary). The programs of one group are in [`super::group`].

use rustc_hash::FxHashMap as HashMap;

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
pub(super) fn pinned_range(at: i64) -> Range {
    Range {
        lo: at as f64,
        hi: at as f64,
        pinned: Some(at),
    }
}

/// One measure of the view: the publication's bounds of its rows and the widths asked of
/// some of them.
#[derive(Clone, Copy)]
pub(super) struct MeasureView<'a> {
    pub(super) view: &'a View,
    pub(super) bounds: &'a Bounds,
    pub(super) m: usize,
    /// Rows whose interval must be at least this wide to prove them, or exact (by row).
    exact_wanted: &'a [(u32, f64)],
}

impl MeasureView<'_> {
    /// Whether the publication gives the value of row `c` exactly.
    pub(super) fn exact(&self, c: u32) -> bool {
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
    pub(super) fn wants_exact(&self, c: u32) -> bool {
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
