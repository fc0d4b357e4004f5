//! Verifying the exchanges proposed by the secrecy search ([`crate::secrecy::exchanges`]).
//!
//! `opsgeo run` knows the true data: it hands the audit the true value of every published cell
//! and, for most unpublished values, an exchange of one unit between two fine cells. With the
//! published values and relations only, the audit checks that the true values are a solution
//! (every bound the published values give is met, every relation holds, nothing is negative)
//! and that the true values changed by the exchange are a solution too. Two solutions in which
//! an unpublished value differs by one prove that it is not pinned, without linear programming.
//! Whatever does not verify is left to linear programming: a proposed exchange can save work,
//! never hide a pinned value. `opsgeo audit FILE` has no exchanges and uses linear programming
//! for every value.
//!
//! A value no exchange moves gets a *local* linear program first: every cell outside a small
//! neighbourhood of it keeps its true value, the cells inside move freely under every relation
//! that holds one of them. Any solution of it is a solution of the whole system, so a value
//! that moves there is not pinned; only if it does not move does the value go to the linear
//! program of its whole group.

use super::lp::{var_bounds, whole_numbers, Equation, Optimum, System};
use super::model::View;
use crate::secrecy::Exchanges;

/// Members of one relation taken into a local neighbourhood.
const WIDE: usize = 8;

/// Published bounds of one measure, by cell.
pub type Bounds = [Option<(i64, i64)>];

/// The exchanges of a run, matched with the cells of the audit's view.
pub struct Witnesses<'a> {
    ex: &'a Exchanges,
    row_of_cell: Vec<Option<u32>>,
    cell_of_row: Vec<Option<u32>>,
    /// Relations holding each cell (as parent or child).
    rels_of: Vec<Vec<u32>>,
}

/// Scratch space of [`Witnesses::moved`], one per thread.
pub struct Scratch {
    delta: Vec<i64>,
    dir: Vec<(u32, i64)>,
    cells: Vec<(u32, i64)>,
    rels: Vec<u32>,
    /// By relation: change of the parent minus the changes of the children.
    change: Vec<i64>,
}

impl Scratch {
    pub fn new(view: &View) -> Scratch {
        Scratch {
            delta: vec![0; view.cells.len()],
            dir: Vec::new(),
            cells: Vec::new(),
            rels: Vec::new(),
            change: vec![0; view.relations.len()],
        }
    }
}

impl<'a> Witnesses<'a> {
    pub fn new(ex: &'a Exchanges, view: &View) -> Witnesses<'a> {
        let mut cell_of_row = Vec::new();
        let row_of_cell: Vec<Option<u32>> = view
            .cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let r = ex.row(&cell.key)?;
                if cell_of_row.len() <= r as usize {
                    cell_of_row.resize(r as usize + 1, None);
                }
                cell_of_row[r as usize] = Some(c as u32);
                Some(r)
            })
            .collect();
        let mut rels_of = vec![Vec::new(); view.cells.len()];
        for (i, r) in view.relations.iter().enumerate() {
            for &c in std::iter::once(&r.parent).chain(&r.children) {
                rels_of[c as usize].push(i as u32);
            }
        }
        Witnesses {
            ex,
            row_of_cell,
            cell_of_row,
            rels_of,
        }
    }

    /// Whether the run recorded an exchange for measure `m` of `cell`.
    pub fn has_exchange(&self, cell: u32, m: usize) -> bool {
        self.row_of_cell[cell as usize].is_some_and(|r| self.ex.exchange(r, m).is_some())
    }

    /// The true values of measure `m` of every cell, when they meet every published bound and
    /// every relation (else `None`: nothing is proven by exchange for that measure).
    pub fn truth(&self, view: &View, bounds: &Bounds, m: usize) -> Option<Truth> {
        let h: Vec<i64> = self
            .row_of_cell
            .iter()
            .map(|r| r.map(|r| self.ex.value(r, m)))
            .collect::<Option<_>>()?;
        let fits = |c: usize, v: i64| v >= 0 && bounds[c].is_none_or(|(a, b)| a <= v && v <= b);
        if !(0..h.len()).all(|c| fits(c, h[c])) {
            return None;
        }
        let mut slack = Vec::with_capacity(view.relations.len());
        for r in &view.relations {
            let sum: i64 = r.children.iter().map(|&c| h[c as usize]).sum();
            let s = h[r.parent as usize] - sum;
            if s < 0 || (s != 0 && !r.rest) {
                return None;
            }
            slack.push(s);
        }
        Some(Truth { values: h, slack })
    }

    /// Another whole value of measure `m` of `cell` consistent with the publication, from the
    /// exchange recorded for it, once verified; `truth` comes from [`Self::truth`].
    pub fn moved(
        &self,
        view: &View,
        bounds: &Bounds,
        truth: &Truth,
        cell: u32,
        m: usize,
        s: &mut Scratch,
    ) -> Option<i64> {
        let e = self.ex.exchange(self.row_of_cell[cell as usize]?, m)?;
        self.ex.direction(e, &mut s.dir);
        s.cells.clear();
        for &(r, d) in &s.dir {
            if let Some(Some(c)) = self.cell_of_row.get(r as usize) {
                s.cells.push((*c, d));
            }
        }
        let d_cell = s.cells.iter().find(|&&(c, _)| c == cell)?.1;
        s.rels.clear();
        for &(c, _) in &s.cells {
            s.rels.extend_from_slice(&self.rels_of[c as usize]);
        }
        s.rels.sort_unstable();
        s.rels.dedup();
        // the unit may go either way: the cell that gives it must hold it
        for sign in [1, -1] {
            for &(c, d) in &s.cells {
                s.delta[c as usize] = sign * d;
            }
            let ok = self.verify(view, bounds, truth, s);
            for &(c, _) in &s.cells {
                s.delta[c as usize] = 0;
            }
            if ok {
                return Some(truth.values[cell as usize] + sign * d_cell);
            }
        }
        None
    }

    /// Values of measure `m` of `cell` reachable when at most `max_cells` cells around it move
    /// and every other cell keeps its true value: `(lo, hi)`, part of the true interval.
    pub fn local_range(
        &self,
        view: &View,
        bounds: &Bounds,
        truth: &[i64],
        cell: u32,
        max_cells: usize,
    ) -> Option<(f64, f64)> {
        let exact = |c: u32| matches!(bounds[c as usize], Some((a, b)) if a == b);
        // neighbourhood: breadth first through the relations, unknown cells only
        let mut var_of: rustc_hash::FxHashMap<u32, usize> = Default::default();
        let mut order = vec![cell];
        var_of.insert(cell, 0);
        let mut i = 0;
        'grow: while i < order.len() {
            let c = order[i];
            i += 1;
            for &ri in &self.rels_of[c as usize] {
                let r = &view.relations[ri as usize];
                // of a large relation, only the parent and the children holding the most (those
                // that can give a unit back): a few are enough to compensate a change
                let mut members: Vec<u32> = std::iter::once(r.parent)
                    .chain(r.children.iter().copied())
                    .filter(|&x| !exact(x) && !var_of.contains_key(&x))
                    .collect();
                if members.len() > WIDE {
                    members[1..].sort_by_key(|&x| (std::cmp::Reverse(truth[x as usize]), x));
                    members.truncate(WIDE);
                }
                for x in members {
                    if order.len() >= max_cells {
                        break 'grow;
                    }
                    var_of.insert(x, order.len());
                    order.push(x);
                }
            }
        }
        let mut sys = System::default();
        for &c in &order {
            sys.bounds.push(var_bounds(bounds[c as usize]));
        }
        let mut rels: Vec<u32> = order
            .iter()
            .flat_map(|&c| self.rels_of[c as usize].iter().copied())
            .collect();
        rels.sort_unstable();
        rels.dedup();
        for ri in rels {
            let r = &view.relations[ri as usize];
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (c, coef) in
                std::iter::once((r.parent, 1.0)).chain(r.children.iter().map(|&c| (c, -1.0)))
            {
                match var_of.get(&c) {
                    Some(&v) => terms.push((v, coef)),
                    None => rhs -= coef * truth[c as usize] as f64,
                }
            }
            if r.rest {
                sys.bounds.push((0.0, f64::INFINITY));
                terms.push((sys.bounds.len() - 1, -1.0));
            }
            sys.equations.push(Equation { terms, rhs });
        }
        let mut ends = [0.0; 2];
        for (k, maximise) in [false, true].into_iter().enumerate() {
            ends[k] = match sys.optimise(&[(0, 1.0)], maximise).ok()? {
                Optimum::Point(x) => x[0],
                Optimum::Unbounded => f64::INFINITY,
            };
        }
        (whole_numbers(ends[0], ends[1]) >= 2).then_some((ends[0], ends[1]))
    }

    /// Whether the truth changed by `s.delta` meets the bounds and relations it touches (the
    /// truth meets them all: a relation holds if the changes of its members cancel out, or
    /// stay within the rest of the parent).
    fn verify(&self, view: &View, bounds: &Bounds, truth: &Truth, s: &mut Scratch) -> bool {
        let at = |c: u32| truth.values[c as usize] + s.delta[c as usize];
        let fits = s.cells.iter().all(|&(c, _)| {
            let v = at(c);
            v >= 0 && bounds[c as usize].is_none_or(|(a, b)| a <= v && v <= b)
        });
        if !fits {
            return false;
        }
        for &(c, _) in &s.cells {
            let d = s.delta[c as usize];
            for &i in &self.rels_of[c as usize] {
                let parent = view.relations[i as usize].parent == c;
                s.change[i as usize] += if parent { d } else { -d };
            }
        }
        let mut ok = true;
        for &i in &s.rels {
            let slack = truth.slack[i as usize] + s.change[i as usize];
            s.change[i as usize] = 0;
            ok &= if view.relations[i as usize].rest {
                slack >= 0
            } else {
                slack == 0
            };
        }
        ok
    }
}

/// The true values of one measure, checked against the publication.
pub struct Truth {
    /// By cell.
    pub values: Vec<i64>,
    /// By relation: parent minus the sum of its children (0 unless the relation has a rest).
    pub slack: Vec<i64>,
}
