//! Verifying the alternative tables proposed by the secrecy search
//! ([`crate::secrecy::Certificates`]).
//!
//! `opsgeo run` knows the true data: it hands the audit the true value of every row of the
//! reader's view and, for most unpublished values, a change of those values that should keep
//! the publication. With the published values, statuses and relations only, the audit checks
//! that the true values are a solution (every bound the publication gives is met, every
//! relation holds, nothing is negative) and that the true values changed by the table are a
//! solution too. Two solutions in which an unpublished value differs prove that it is not
//! pinned, without linear programming. Whatever does not verify is left to linear
//! programming: a proposed table can save work, never hide a pinned value. `opsgeo audit FILE`
//! has no tables and uses linear programming for every value.
//!
//! A value no table moves gets a *local* linear program first: every row outside a small
//! neighbourhood of it keeps its true value, the rows inside move freely under every relation
//! that holds one of them. Any solution of it is a solution of the whole system, so a value
//! that moves there is not pinned; only if it does not move does the value go to the linear
//! program of its whole group.

use rustc_hash::FxHashMap as HashMap;

use super::check::Bounds;
use super::lp::{var_bounds, whole_numbers, Equation, Optimum, System, EPS};
use crate::indicators::N_MEASURES;
use crate::secrecy::reader::View;
use crate::secrecy::Certificates;

/// Members of one relation taken into a local neighbourhood.
const WIDE: usize = 8;

/// The alternative tables of a run, on the audit's view (the same rows: checked).
pub struct Witnesses<'a> {
    cert: &'a Certificates,
    /// Tables changing each (row, measure after [`alias`]), node `row * N_MEASURES + measure`:
    /// `tables[starts[node]..starts[node + 1]]` (one flat list indexed by node, not a map or a
    /// vector per node: ten million nodes at 300,000 dwellings, 0.4 GB in a hash map).
    starts: Vec<u32>,
    tables: Vec<u32>,
}

/// Position of a node (row, measure) in [`Witnesses::starts`].
fn slot((row, m): (u32, u8)) -> usize {
    row as usize * N_MEASURES + m as usize
}

/// Scratch space of [`Witnesses::moved`], one per measure task.
#[derive(Default)]
pub struct Scratch {
    /// Verdict on each table already checked for this measure.
    checked: HashMap<u32, bool>,
    /// (relation, parent's change less its children's) of the table being verified.
    rels: Vec<(u32, i64)>,
}

impl Scratch {
    pub fn new(_view: &View) -> Scratch {
        Scratch::default()
    }
}

impl<'a> Witnesses<'a> {
    /// `None` when the run's view is not the view rebuilt from the file (nothing to use).
    pub fn new(cert: &'a Certificates, view: &View) -> Option<Witnesses<'a>> {
        if cert.keys != view.keys || cert.kinds != view.kinds {
            return None;
        }
        // counts per node, then where each node's list starts, then the lists filled in order
        let mut starts: Vec<u32> = vec![0; view.len() * N_MEASURES + 1];
        for d in cert.deltas.iter() {
            for &(node, _) in d {
                starts[slot(node) + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut tables = vec![0; *starts.last().expect("one more than the nodes") as usize];
        let mut next = starts.clone();
        for (i, d) in cert.deltas.iter().enumerate() {
            for &(node, _) in d {
                let at = &mut next[slot(node)];
                tables[*at as usize] = i as u32;
                *at += 1;
            }
        }
        Some(Witnesses {
            cert,
            starts,
            tables,
        })
    }

    /// The tables recorded for a node.
    fn tables_of(&self, node: (u32, u8)) -> &[u32] {
        let i = slot(node);
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.tables[a as usize..b as usize],
            _ => &[],
        }
    }

    fn node(view: &View, row: u32, m: usize) -> (u32, u8) {
        view.canonical(row, m)
    }

    /// Whether the run recorded a table moving measure `m` of `row`.
    pub fn has_exchange(&self, view: &View, row: u32, m: usize) -> bool {
        !self.tables_of(Self::node(view, row, m)).is_empty()
    }

    /// The true values of measure `m` of every row, when they meet every published bound and
    /// every relation (else `None`: nothing is proven by a table for that measure).
    pub fn truth(&self, view: &View, bounds: &Bounds, m: usize) -> Option<Truth> {
        let h: Vec<i64> = (0..view.len() as u32)
            .map(|r| {
                let (row, c) = Self::node(view, r, m);
                self.cert.truth[row as usize][c as usize]
            })
            .collect();
        if !(0..h.len()).all(|c| h[c] >= 0 && bounds[c].contains(h[c])) {
            return None;
        }
        for r in view.relations.iter().filter(|r| r.holds_for(m)) {
            let sum: i64 = r.children.iter().map(|&c| h[c as usize]).sum();
            if h[r.parent as usize] != sum {
                return None;
            }
        }
        Some(Truth { values: h })
    }

    /// Another whole value of measure `m` of `row` consistent with the publication, from a
    /// table recorded for it, once verified; `truth` comes from [`Self::truth`].
    pub fn moved(
        &self,
        view: &View,
        bounds: &Bounds,
        truth: &Truth,
        row: u32,
        m: usize,
        s: &mut Scratch,
    ) -> Option<i64> {
        let node = Self::node(view, row, m);
        for &i in self.tables_of(node) {
            let ok = match s.checked.get(&i) {
                Some(&ok) => ok,
                None => {
                    let ok = self.verify(view, bounds, truth, i, m, &mut s.rels);
                    s.checked.insert(i, ok);
                    ok
                }
            };
            if ok {
                let d = self
                    .cert
                    .deltas
                    .get(i)
                    .iter()
                    .find(|(n, _)| *n == node)
                    .map(|&(_, d)| d)?;
                return Some(truth.values[row as usize] + d as i64);
            }
        }
        None
    }

    /// Whether table `i`, read in the relations of measure `m`, keeps every bound and relation.
    fn verify(
        &self,
        view: &View,
        bounds: &Bounds,
        truth: &Truth,
        i: u32,
        m: usize,
        rels: &mut Vec<(u32, i64)>,
    ) -> bool {
        // the rows of this measure's relations the table changes (a node of the households of
        // a « récents » row is also the recent movers of its « ensemble » row)
        let mut rows: Vec<(u32, i64)> = Vec::new();
        for &(n, d) in self.cert.deltas.get(i) {
            for r in [Some(n.0), view.ensemble_of[n.0 as usize]]
                .into_iter()
                .flatten()
            {
                if Self::node(view, r, m) == n {
                    rows.push((r, d as i64));
                }
            }
        }
        // each relation's balance: its parent's change less its children's, from the rows the
        // table changes (a row once, with its first change), not from every child of the
        // relation (a commune's relation has hundreds)
        rels.clear();
        for (k, &(r, d)) in rows.iter().enumerate() {
            let v = truth.values[r as usize] + d;
            if v < 0 || !bounds[r as usize].contains(v) {
                return false;
            }
            if rows[..k].iter().any(|&(x, _)| x == r) {
                continue;
            }
            let (up, down) = (&view.up[r as usize], &view.down[r as usize]);
            for (&ri, sign) in up
                .iter()
                .map(|ri| (ri, -1))
                .chain(down.iter().map(|ri| (ri, 1)))
            {
                if !view.relations[ri as usize].holds_for(m) {
                    continue;
                }
                match rels.iter_mut().find(|(x, _)| *x == ri) {
                    Some((_, balance)) => *balance += sign * d,
                    None => rels.push((ri, sign * d)),
                }
            }
        }
        rels.iter().all(|&(_, balance)| balance == 0)
    }
}

/// The members of the wide relations of one measure that are not known exactly, holding the
/// most first: sorted once per relation for every local program of the measure.
#[derive(Default)]
pub struct WideMembers(HashMap<u32, Vec<u32>>);

impl WideMembers {
    /// The members of relation `ri` not known exactly, by `key`, when it has more than
    /// [`WIDE_SORTED`] members.
    fn held_most<K: Ord>(
        &mut self,
        r: &crate::secrecy::reader::Relation,
        ri: u32,
        exact: &impl Fn(u32) -> bool,
        key: impl Fn(&u32) -> K,
    ) -> Option<&[u32]> {
        if r.children.len() < WIDE_SORTED {
            return None;
        }
        let sorted = self.0.entry(ri).or_insert_with(|| {
            let mut v: Vec<u32> = r.members().filter(|&x| !exact(x)).collect();
            v.sort_unstable_by_key(key);
            v
        });
        Some(sorted)
    }
}

/// Relations with at least this many children keep their members sorted ([`WideMembers`]).
const WIDE_SORTED: usize = 64;

/// Values of measure `m` of `row` reachable when at most `max_cells` rows around it move and
/// every other row keeps its value in `truth` (a solution): `(lo, hi)`, part of the true
/// interval, when it is at least `want` wide (`None`: when it holds two whole numbers, both
/// ends computed). `solves` counts the linear programs. `whole` is set when the neighbourhood
/// held fewer than `max_cells` rows: it is then the same for any larger `max_cells`, and so is
/// the answer.
#[allow(clippy::too_many_arguments)]
pub fn local_range(
    view: &View,
    bounds: &Bounds,
    truth: &[i64],
    m: usize,
    row: u32,
    max_cells: usize,
    want: Option<f64>,
    solves: &mut u64,
    whole: &mut bool,
    wide: &mut WideMembers,
) -> Option<(f64, f64)> {
    let local = Local {
        view,
        bounds,
        truth,
        m,
    };
    let (order, var_of) = local.neighbourhood(row, max_cells, wide);
    *whole = order.len() < max_cells;
    let sys = local.system(&order, &var_of);
    let t = truth[row as usize] as f64;
    local_ends(&sys, t, want, solves)
}

/// The setting of the local programs of measure `m`: what the publication says of each row
/// and the true values (a solution) that the rows outside a neighbourhood keep.
struct Local<'a> {
    view: &'a View,
    bounds: &'a Bounds,
    truth: &'a [i64],
    m: usize,
}

impl<'a> Local<'a> {
    /// Whether the publication gives the value of row `c` exactly.
    fn exact(&self, c: u32) -> bool {
        self.bounds[c as usize].exact()
    }

    /// The relations holding row `c` (as a child, then as the parent) that hold for the
    /// measure.
    fn rels_of(&self, c: u32) -> impl Iterator<Item = u32> + 'a {
        let (view, m) = (self.view, self.m);
        view.up[c as usize]
            .iter()
            .chain(&view.down[c as usize])
            .copied()
            .filter(move |&ri| view.relations[ri as usize].holds_for(m))
    }

    /// The rows moving around `row` (at most `max_cells`, `row` first) and the variable of
    /// each. The rows containing the target come first (moving up costs nothing), then the
    /// members of their relations a step further down at a time (0-1 breadth first), unknown
    /// rows only: a change that cannot close nearby climbs to where a rounding or a rest
    /// leaves room.
    fn neighbourhood(
        &self,
        row: u32,
        max_cells: usize,
        wide: &mut WideMembers,
    ) -> (Vec<u32>, HashMap<u32, usize>) {
        let mut var_of: HashMap<u32, usize> = HashMap::default();
        let mut order = vec![row];
        var_of.insert(row, 0);
        let mut queue: std::collections::VecDeque<(u32, u32)> = std::collections::VecDeque::new();
        queue.push_back((row, 0));
        'grow: while let Some((c, dist)) = queue.pop_front() {
            for ri in self.rels_of(c) {
                let r = &self.view.relations[ri as usize];
                for x in self.members_taken(r, ri, &var_of, wide) {
                    if order.len() >= max_cells {
                        break 'grow;
                    }
                    var_of.insert(x, order.len());
                    order.push(x);
                    if x == r.parent {
                        queue.push_front((x, dist));
                    } else {
                        queue.push_back((x, dist + 1));
                    }
                }
            }
        }
        (order, var_of)
    }

    /// The unknown members of relation `r` (index `ri`) not yet taken (`var_of`) that join
    /// the neighbourhood: all of them when they are at most [`WIDE`], else the first, then the
    /// [`WIDE`] - 1 others holding the most.
    fn members_taken(
        &self,
        r: &crate::secrecy::reader::Relation,
        ri: u32,
        var_of: &HashMap<u32, usize>,
        wide: &mut WideMembers,
    ) -> Vec<u32> {
        let truth = self.truth;
        let exact = |c: u32| self.exact(c);
        // of a large relation, only the parent and the children holding the most (those
        // that can give a unit back): a few are enough to compensate a change
        let key = |x: &u32| (std::cmp::Reverse(truth[*x as usize]), *x);
        let mut members: Vec<u32> = match wide.held_most(r, ri, &exact, key) {
            // more than WIDE members stay after those taken: the first of them, then the
            // WIDE - 1 others holding the most, as below
            Some(sorted) if sorted.len() > WIDE + var_of.len() => {
                let first = r
                    .members()
                    .find(|&x| !exact(x) && !var_of.contains_key(&x))
                    .expect("more members than rows taken");
                std::iter::once(first)
                    .chain(
                        sorted
                            .iter()
                            .copied()
                            .filter(|&x| x != first && !var_of.contains_key(&x))
                            .take(WIDE - 1),
                    )
                    .collect()
            }
            _ => r
                .members()
                .filter(|&x| !exact(x) && !var_of.contains_key(&x))
                .collect(),
        };
        if members.len() > WIDE {
            // the first member stays first, then the WIDE - 1 others holding the most, in
            // that order (picked without sorting the whole relation)
            members[1..].select_nth_unstable_by_key(WIDE - 2, key);
            members.truncate(WIDE);
            members[1..].sort_unstable_by_key(key);
        }
        members
    }

    /// The local program: a variable per row of `order` (`var_of`) bounded by what the
    /// publication says, and every relation holding one of them, the rows outside moved to
    /// the right-hand side at their true values.
    fn system(&self, order: &[u32], var_of: &HashMap<u32, usize>) -> System {
        let (view, truth) = (self.view, self.truth);
        let mut sys = System::default();
        for &c in order {
            sys.bounds
                .push(var_bounds(self.bounds[c as usize].as_pair()));
        }
        let mut rels: Vec<u32> = order.iter().flat_map(|&c| self.rels_of(c)).collect();
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
            sys.equations.push(Equation { terms, rhs });
        }
        sys
    }
}

/// The ends of variable 0 of the local program `sys` (the target, true value `t`) that show
/// it is not pinned, at least `want` wide (`None`: both ends, two whole numbers apart);
/// `solves` counts the programs.
fn local_ends(sys: &System, t: f64, want: Option<f64>, solves: &mut u64) -> Option<(f64, f64)> {
    let mut end = |maximise: bool| -> Option<f64> {
        *solves += 1;
        Some(match sys.optimise(&[(0, 1.0)], maximise).ok()? {
            Optimum::Point(x) => x[0],
            Optimum::Unbounded => f64::INFINITY,
        })
    };
    match want {
        // the true value is one end: the other one first, the second only if needed
        Some(w) => {
            let enough = |lo: f64, hi: f64| hi - lo >= w - EPS && whole_numbers(lo, hi) >= 2;
            let hi = end(true)?;
            if enough(t, hi) {
                return Some((t, hi));
            }
            let lo = end(false)?;
            enough(lo, hi).then_some((lo, hi))
        }
        None => {
            let lo = end(false)?;
            let hi = end(true)?;
            (whole_numbers(lo, hi) >= 2).then_some((lo, hi))
        }
    }
}

/// The true values of one measure, checked against the publication.
pub struct Truth {
    /// By row of the view.
    pub values: Vec<i64>,
}
