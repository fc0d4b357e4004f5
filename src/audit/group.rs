//! The programs of one connected group of unknowns of a measure ([`super::check`]): its
//! linear system, solved in closed form when it has a single equation, else by the low point
//! and the raises, then the exact intervals of the values not shown to move.

use rustc_hash::FxHashMap as HashMap;

use super::check::{pinned_range, LpStats, MeasureView};
use super::lp::{var_bounds, whole_numbers, Equation, Optimum, System};
use crate::secrecy::reader::Range;

impl MeasureView<'_> {
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
    pub(super) fn solve_group(
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

/// The whole number an interval `[lo, hi]` pins, when it holds at most one.
fn pinned_in(lo: f64, hi: f64) -> Option<i64> {
    (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64)
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
