//! The intervals of the unpublished measures the verdicts need: which (measure, row) each
//! round asks ([`Needed`], [`target_ranges`]), their computation one measure per task
//! ([`check::measure_ranges`]) and where they are kept ([`Ranges`]).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use super::check::{self, measure_ranges, LpStats};
use super::model::AuditView;
use super::witness::Witnesses;
use crate::indicators::N_MEASURES;
use crate::secrecy::reader::disclosure::numerator_step;
use crate::secrecy::reader::{Range, View};

/// One measure's cells to bound: the measure, its asked cells (cell, whether only being 0 matters) and the
/// widths wanted per cell.
type MeasureTask = (usize, Vec<(u32, bool)>, Vec<(u32, f64)>);

/// Measure → rows whose range is asked, `true` when only whether it can be 0 matters, and the
/// rows whose interval must be computed at least this wide (or exactly).
struct Needed {
    asked: BTreeMap<usize, Vec<(u32, bool)>>,
    widths: BTreeMap<usize, Vec<(u32, f64)>>,
}

impl Needed {
    fn new() -> Needed {
        Needed {
            asked: BTreeMap::new(),
            widths: BTreeMap::new(),
        }
    }

    /// Asks measure `m` of `row` (for the households of a « récents » row, in the relations
    /// of the recent movers too: the same unknown).
    fn add(&mut self, view: &View, row: u32, m: usize, zero_only: bool) {
        for w in worlds(view, row, m) {
            self.asked.entry(w).or_default().push((row, zero_only));
        }
    }

    fn add_width(&mut self, view: &View, row: u32, m: usize, width: f64) {
        for w in worlds(view, row, m) {
            self.asked.entry(w).or_default().push((row, false));
            self.widths.entry(w).or_default().push((row, width));
        }
    }
}

/// The measures of the relations in which measure `m` of `row` is an unknown.
pub(super) fn worlds(view: &View, row: u32, m: usize) -> impl Iterator<Item = usize> {
    use crate::indicators::Measure as M;
    let pop = view.population(row);
    let both = crate::secrecy::reader::bounds::alias(pop, m) == M::Households as usize
        && pop == crate::model::Population::Recents;
    let (first, second) = if both {
        (M::Households as usize, Some(M::RecentMovers as usize))
    } else {
        (m, None)
    };
    std::iter::once(first).chain(second)
}

/// The ranges of the unpublished measures, one measure per task.
struct Solve<'a> {
    av: &'a AuditView,
    witnesses: Option<&'a Witnesses<'a>>,
}

impl Solve<'_> {
    /// Adds the ranges of `needed` (measure → rows) to `ranges`; merged in measure order, so
    /// the result does not depend on the number of threads.
    fn ranges(&self, needed: Needed, ranges: &mut Ranges, stats: &mut LpStats) {
        use rayon::prelude::*;
        let Needed { asked, mut widths } = needed;
        let tasks: Vec<MeasureTask> = asked
            .into_iter()
            .map(|(m, a)| {
                let mut w = widths.remove(&m).unwrap_or_default();
                w.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
                w.dedup_by_key(|x| x.0);
                (m, a, w)
            })
            .collect();
        let view = &self.av.view;
        let results: Vec<(usize, HashMap<u32, Range>, LpStats)> = tasks
            .into_par_iter()
            .map(|(m, mut asked, widths)| {
                // a row asked in full and for « can it be 0 » only is asked in full
                asked.sort_unstable();
                asked.dedup_by_key(|(c, _)| *c);
                let cells: Vec<u32> = asked.iter().map(|&(c, _)| c).collect();
                let zero_only: Vec<u32> =
                    asked.iter().filter(|(_, z)| *z).map(|&(c, _)| c).collect();
                let mut st = LpStats::default();
                let bounds = self.av.measure_bounds(m);
                let truth = self.witnesses.and_then(|w| w.truth(view, &bounds, m));
                let proofs = self.witnesses.zip(truth.as_ref());
                let r = measure_ranges(
                    view, &bounds, m, &cells, &zero_only, &widths, &mut st, proofs,
                );
                (m, r, st)
            })
            .collect();
        for (m, r, st) in results {
            stats.groups += st.groups;
            stats.solves += st.solves;
            stats.inconsistent += st.inconsistent;
            stats.by_exchange += st.by_exchange;
            stats.local += st.local;
            stats.sampled.extend(st.sampled);
            stats.unproven.extend(st.unproven);
            ranges.merge(m, r);
        }
    }
}

/// The ranges found, by measure then row: one map per measure, moved in whole from the task
/// that computed it (one map keyed by (measure, row) copied every result once more, at the
/// audit's peak).
pub(super) struct Ranges(Vec<HashMap<u32, Range>>);

impl Ranges {
    fn new() -> Ranges {
        Ranges((0..N_MEASURES).map(|_| HashMap::default()).collect())
    }

    fn get(&self, m: usize, row: u32) -> Option<Range> {
        self.0[m].get(&row).copied()
    }

    fn remove(&mut self, m: usize, row: u32) {
        self.0[m].remove(&row);
    }

    fn merge(&mut self, m: usize, found: HashMap<u32, Range>) {
        if self.0[m].is_empty() {
            self.0[m] = found;
        } else {
            self.0[m].extend(found);
        }
    }
}

/// The range of measure `m` of `row` over the relations it is an unknown of (the narrowest).
pub(super) fn range_of(ranges: &Ranges, view: &View, row: u32, m: usize) -> Option<Range> {
    let mut out: Option<Range> = None;
    for w in worlds(view, row, m) {
        let Some(r) = ranges.get(w, row) else {
            continue;
        };
        out = Some(match out {
            None => r,
            Some(o) => Range {
                lo: o.lo.max(r.lo),
                hi: o.hi.min(r.hi),
                pinned: o.pinned.or(r.pinned),
            },
        });
    }
    out
}

/// The ranges of the unpublished values `targets` (row, slot) that their verdicts need, with
/// the counters of the linear programming, in three rounds (see [`first_round`],
/// [`ratio_round`], [`width_round`]).
pub(super) fn target_ranges(
    av: &AuditView,
    witnesses: Option<&Witnesses<'_>>,
    targets: &[(u32, usize)],
) -> (Ranges, LpStats) {
    let mut stats = LpStats::default();
    let mut ranges = Ranges::new();
    let ctx = Solve { av, witnesses };
    ctx.ranges(first_round(av, witnesses, targets), &mut ranges, &mut stats);
    ctx.ranges(ratio_round(av, targets, &ranges), &mut ranges, &mut stats);
    let needed = width_round(av, targets, &ranges);
    if !needed.asked.is_empty() {
        for (m, rows) in &needed.asked {
            for (row, _) in rows {
                ranges.remove(*m, *row);
            }
        }
        ctx.ranges(needed, &mut ranges, &mut stats);
    }
    (ranges, stats)
}

/// The first round. A share or mean is determined only if its numerator is pinned at 0, or
/// its denominator is pinned and its numerator known within the shown precision. Without
/// tables: the numerators first, then the denominators of those pinned. With tables (which
/// mostly move the denominator of a ratio): the denominators first, then the numerators —
/// only whether they can be 0 when the denominator is not pinned. The sample gets both, in
/// full.
fn first_round(
    av: &AuditView,
    witnesses: Option<&Witnesses<'_>>,
    targets: &[(u32, usize)],
) -> Needed {
    let view = &av.view;
    let has = |row: u32, m: usize| witnesses.is_some_and(|w| w.has_exchange(view, row, m));
    let mut needed = Needed::new();
    for &(row, k) in targets {
        let d = av.defs(row)[k];
        let num = d.numerator as usize;
        match d.denominator.map(|x| x as usize) {
            None => needed.add(view, row, num, false),
            Some(den) if check::sampled(row) => {
                needed.add(view, row, num, false);
                needed.add(view, row, den, false);
            }
            Some(den) if has(row, den) => needed.add(view, row, den, false),
            Some(_) => needed.add(view, row, num, false),
        }
    }
    needed
}

/// The second round: the other half of each ratio the first round left undecided.
fn ratio_round(av: &AuditView, targets: &[(u32, usize)], ranges: &Ranges) -> Needed {
    let view = &av.view;
    let mut needed = Needed::new();
    for &(row, k) in targets {
        let d = av.defs(row)[k];
        let Some(den) = d.denominator.map(|x| x as usize) else {
            continue;
        };
        let num = d.numerator as usize;
        let known = |m: usize| range_of(ranges, view, row, m);
        if known(num).is_none() {
            let den_pinned = known(den).and_then(|r| r.pinned);
            needed.add(view, row, num, den_pinned.is_none());
        } else if known(num).and_then(|r| r.pinned).is_some_and(|x| x != 0) && known(den).is_none()
        {
            // a numerator pinned at 0 decides alone (implied by a published zero, or determined)
            needed.add(view, row, den, false);
        }
    }
    needed
}

/// The third round: a pinned denominator, the numerator must be known less precisely than
/// the value shows; the numerators whose range is narrower than that step, asked again at
/// least that wide.
fn width_round(av: &AuditView, targets: &[(u32, usize)], ranges: &Ranges) -> Needed {
    let view = &av.view;
    let mut needed = Needed::new();
    for &(row, k) in targets {
        let d = av.defs(row)[k];
        let Some(den) = d.denominator.map(|x| x as usize) else {
            continue;
        };
        let num = d.numerator as usize;
        let (Some(rn), Some(rd)) = (
            range_of(ranges, view, row, num),
            range_of(ranges, view, row, den),
        ) else {
            continue;
        };
        if let (None, Some(b)) = (rn.pinned, rd.pinned) {
            let step = numerator_step(d, b) as f64;
            if b > 0 && step > 1.0 && rn.hi - rn.lo < step {
                needed.add_width(view, row, num, step);
            }
        }
    }
    needed
}
