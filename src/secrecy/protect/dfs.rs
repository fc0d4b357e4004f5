//! The cheapest alternative table through one node: a change of the true values that keeps
//! every relation of the reader's view, every published value and every fact the statuses
//! state, and moves that node.
//!
//! A depth-first search: the change starts at the node; every relation it leaves unbalanced
//! is balanced by changing one more member — a rest (always unknown), a member the reader does
//! not know or knows only within a rounding that leaves room (no cost), or a member whose
//! values would have to be hidden (their cost: finest scales, then smallest rows first).
//! Members that share the most relations with the change so far are tried first, so that a
//! change between two stairwells of one building closes without opening new relations.
//! Short tables are looked for first (iterative deepening); the first that costs nothing ends
//! the search, otherwise the cheapest found within the step budget is kept. For a zone value
//! with no table at all by then, a last level looks deeper for a table that hides nothing
//! ([`FREE_DEPTH`]).
//!
//! Two cuts keep the budget for branches that may succeed: a member that can never move
//! ([`super::fixed`]: a single dwelling, a row whose children all are) is not tried, and a
//! node that cannot move is not searched at all; in the rows of a programme, a rest held by the
//! relation alone is the only member tried when no other could also balance a relation already
//! open (the other members would open relations of their own; tried everywhere, this cut lost
//! tables the zones need, and the audit found values determined on the demo). For a value of
//! an EPCI, a département or the région, which the search never hides, the cut applies at
//! every scale: a small EPCI of a national territory has no table within the budget most of the
//! time, and its search took 2 ms instead of 0.1 ms.

use rustc_hash::FxHashMap as HashMap;

use super::fixed::{self, forbids};
use super::plan::{instances, Inst, Plan};
use super::state::{search_ceiling, weight, Mask, Node, State, WIDE_LOOK};
use super::wide::Wide;
use crate::model::Scale;
use crate::secrecy::reader::{RelKind, Relation, RowKind, View};

/// Search budget (relations balanced) per node of a building-scale row.
const MAX_STEPS: u32 = 400;
/// Budget of a node of a zone (few, and their tables are longer). 5,000 rather than 20,000
/// (2026-12-05): a zone value whose table takes longer to find is left to the audit, which
/// often proves it protected without hiding anything — on the demo the communes' and QPV's
/// « ensemble » rows keep more values (U 0.994 → 1, 0.985 → 1), and a territory of 650
/// dwellings runs in 27 s instead of 46 s.
const ZONE_STEPS: u32 = 5_000;
/// Deepest chain of balancing changes.
const MAX_DEPTH: u32 = 28;
/// Deepest chain of a zone's table that hides nothing, looked for when no table was found
/// within [`MAX_DEPTH`]: a small commune's table through its département moves its EPCI, its
/// parts, its IRIS and its programme down to a stairwell, the same for another commune, and
/// the « récents » rest of each of these rows — about 32 changes. Only rests held by one
/// relation come on top of it (they open nothing); a table found so hides nothing, so it can
/// only keep values published.
const FREE_DEPTH: u32 = 40;
/// Members tried per relation, for each kind of member.
const WIDTH: usize = 3;

/// One way to balance a relation.
#[derive(Debug, Clone)]
struct Candidate {
    /// 0: reduces an earlier change, 1: a rest, 2: unknown (or room in a rounding), 3: to hide.
    class: u8,
    opens: u32,
    cost: u64,
    size: i64,
    node: Node,
    change: i32,
    hide: Vec<(u32, Mask)>,
}

pub struct Dfs<'s, 't> {
    st: &'s State<'t>,
    /// Whether members that can never move ([`super::fixed`]) are passed over: not when the
    /// node to move is a single dwelling (the rows above it may move with it).
    prune: bool,
    /// Whether the node to move is a value the search never hides (EPCI, département, région:
    /// left to the audit when no table is found).
    never_hidden: bool,
    /// Largest change allowed at a node.
    q: i32,
    /// Whether only members that need nothing hidden are tried.
    free_only: bool,
    delta: Vec<(Node, i32)>,
    /// How many nodes of `delta` fall in each slot of [`slot`]: a node whose slot is empty
    /// has no change, found without scanning `delta` (the search asks for every member of
    /// every relation it looks at, and most have none).
    in_delta: [u16; SLOTS],
    hides: Vec<(u32, Mask)>,
    cost: u64,
    best: Option<Plan>,
    steps: u32,
    max_steps: u32,
    max_depth: u32,
    /// Parent minus children of every relation touched so far, and the order they were
    /// touched in (the latest unbalanced one is balanced next).
    imb: HashMap<Inst, i32>,
    touched: Vec<Inst>,
}

/// Slots of [`Dfs::in_delta`].
const SLOTS: usize = 256;

/// The slot of a node in [`Dfs::in_delta`].
fn slot((row, measure): Node) -> usize {
    (row.wrapping_mul(0x9E37_79B1) ^ u32::from(measure).wrapping_mul(0x85EB_CA77)) as usize >> 24
}

impl<'s, 't> Dfs<'s, 't> {
    fn new(st: &'s State<'t>, q: i32, max_steps: u32) -> Self {
        Dfs {
            st,
            prune: false,
            never_hidden: false,
            q,
            free_only: false,
            delta: Vec::new(),
            in_delta: [0; SLOTS],
            hides: Vec::new(),
            cost: 0,
            best: None,
            steps: 0,
            max_steps,
            max_depth: MAX_DEPTH,
            imb: HashMap::default(),
            touched: Vec::new(),
        }
    }

    /// The cheapest plan moving `target` by `change` (its sign is the direction).
    pub fn solve(st: &'s State<'t>, target: Node, change: i32) -> Option<Plan> {
        let budget = if st.scale(target.0).is_point() {
            MAX_STEPS
        } else {
            ZONE_STEPS
        };
        let mut d = Dfs::new(st, change.abs(), budget);
        // a single dwelling may move itself, not the rows below it
        d.prune = !st.single(target.0);
        d.never_hidden = weight(st.scale(target.0)) > search_ceiling(Scale::Commune);
        let stuck = if d.prune {
            st.fixed[target.0 as usize]
        } else {
            fixed::through(&st.view, &st.fixed, target.0)
        };
        if fixed::stops(stuck, change) {
            return None;
        }
        let t = st.t(target);
        if !st.bound(target).contains(t + change as i64) {
            // known from other published values: they go too
            let masks = st.hide_mask(target);
            if masks.is_empty() || !st.bound_with(target, &masks).contains(t + change as i64) {
                return None;
            }
            d.cost = masks.iter().map(|&(r, m)| st.hide_cost(r, m)).sum();
            d.hides = masks;
        }
        d.apply(target, change);
        // short tables first: they touch fewer rows, and a dead end is found sooner
        for depth in [12, MAX_DEPTH, FREE_DEPTH] {
            if depth == FREE_DEPTH {
                if d.best.is_some() || st.scale(target.0).is_point() {
                    break;
                }
                d.free_only = true;
            }
            d.max_depth = depth;
            d.steps = 0;
            d.go(0);
            if d.best.as_ref().is_some_and(|b| b.cost == 0) {
                break;
            }
        }
        d.best
    }

    fn view(&self) -> &'s View {
        &self.st.view
    }

    fn delta_of(&self, node: Node) -> i32 {
        if self.in_delta[slot(node)] == 0 {
            return 0;
        }
        self.delta
            .iter()
            .find(|(n, _)| *n == node)
            .map(|&(_, d)| d)
            .unwrap_or(0)
    }

    fn plan_mask(&self, row: u32) -> Mask {
        self.hides
            .iter()
            .filter(|(r, _)| *r == row)
            .fold(0, |a, &(_, m)| a | m)
    }

    /// Adds `d` to the change of `node`.
    fn apply(&mut self, node: Node, d: i32) {
        match self.delta.iter_mut().find(|(n, _)| *n == node) {
            Some(e) => e.1 += d,
            None => {
                self.delta.push((node, d));
                self.in_delta[slot(node)] += 1;
            }
        }
        for (inst, sign) in instances(self.view(), node) {
            let e = self.imb.entry(inst).or_insert_with(|| {
                self.touched.push(inst);
                0
            });
            *e += sign * d;
        }
    }

    /// Undoes [`Self::apply`] (the entry of a node added by it is removed when `fresh`).
    fn unapply(&mut self, node: Node, d: i32, fresh: bool, touched: usize) {
        if fresh {
            let i = self
                .delta
                .iter()
                .rposition(|(n, _)| *n == node)
                .expect("applied");
            self.delta.remove(i);
            self.in_delta[slot(node)] -= 1;
        } else if let Some(e) = self.delta.iter_mut().find(|(n, _)| *n == node) {
            e.1 -= d;
        }
        for (inst, sign) in instances(self.view(), node) {
            if let Some(e) = self.imb.get_mut(&inst) {
                *e -= sign * d;
            }
        }
        for inst in self.touched.drain(touched..) {
            self.imb.remove(&inst);
        }
    }

    fn unbalanced(&self) -> Option<(u32, u8, i32)> {
        self.touched
            .iter()
            .rev()
            .find_map(|inst| match self.imb[inst] {
                0 => None,
                x => Some((inst.0, inst.1, x)),
            })
    }

    /// Whether `node` is held by a relation other than `skip` that a change touches already.
    fn meets_open(&self, node: Node, skip: u32) -> bool {
        instances(self.view(), node).any(|((r, w), _)| r != skip && self.imb.contains_key(&(r, w)))
    }

    /// Relations of `row` (either side) that no change touches yet.
    fn opens(&self, node: Node, skip: u32) -> u32 {
        instances(self.view(), node)
            .filter(|&((r, _), _)| r != skip)
            .filter(|(inst, _)| !self.imb.contains_key(inst))
            .count() as u32
    }

    /// The members of relation `rel` (measure `w`) worth trying to balance `imb`, best first:
    /// a cheap first look at the members, the few best of each class, then the exact check.
    fn candidates(&self, rel: u32, w: u8, imb: i32) -> Vec<Candidate> {
        let st = self.st;
        let v = self.view();
        let r = &v.relations[rel as usize];
        let keep = 4 * WIDTH;
        let mut pre: Vec<Candidate> = match st.wide.get(&rel) {
            Some(wide) => self.first_look_wide(rel, wide, w, imb, keep),
            None => r
                .members()
                .filter_map(|x| self.look(r, w, imb, x))
                .collect(),
        };
        // members that close the most relations first (counted for small relations only)
        if !st.wide.contains_key(&rel) && pre.len() <= 64 {
            for c in pre.iter_mut() {
                c.opens = self.opens(c.node, rel);
            }
        }
        // the few best of each class, without sorting a large relation whole
        let key = |c: &Candidate| (c.class, c.cost, c.opens, c.size, c.node);
        if pre.len() > keep * 4 {
            let mut by_class: [Vec<Candidate>; 4] = Default::default();
            for c in pre.drain(..) {
                by_class[c.class as usize].push(c);
            }
            for mut list in by_class {
                if list.len() > keep {
                    list.select_nth_unstable_by_key(keep, key);
                    list.truncate(keep);
                }
                pre.extend(list);
            }
        }
        pre.sort_unstable_by_key(key);
        let mut kept = self.exact_check(pre);
        for c in kept.iter_mut() {
            c.opens = self.opens(c.node, rel);
        }
        kept.sort_by_key(|c| (c.class, c.cost, c.opens, c.size, c.node));
        // in the rows of a programme, a rest held by this relation only closes it and opens
        // nothing; when no other member could also balance a relation already open, it is the
        // only choice worth trying: whatever fails after it fails after the others too, which
        // open relations of their own (at every scale for a value the search never hides)
        if (self.never_hidden || st.scale(r.parent).is_point())
            && kept
                .first()
                .is_some_and(|c| c.class == 1 && instances(v, c.node).nth(1).is_none())
            && kept[1..].iter().all(|c| !self.meets_open(c.node, rel))
        {
            kept.truncate(1);
        }
        kept
    }

    /// A cheap first look at member `x` of relation `r` (measure `w`) to balance `imb`: its
    /// class and rough cost, or `None` when it cannot take the change.
    #[inline(always)]
    fn look(&self, r: &Relation, w: u8, imb: i32, x: u32) -> Option<Candidate> {
        let st = self.st;
        let v = self.view();
        let node = st.node_in(x, w);
        if node == self.delta[0].0 {
            // the node to move keeps its change
            return None;
        }
        let change = if x == r.parent { -imb } else { imb };
        let cur = self.delta_of(node);
        let new = cur + change;
        if x != self.delta[0].0 .0 && !st.may_move(x, new) {
            return None;
        }
        // a member that can never move is a dead end however the search goes on
        if self.prune && node.0 == x && forbids(&st.fixed, node, new) {
            return None;
        }
        // (a true value is never negative: it is read only when the change lowers it)
        if new.abs() > self.q
            || (cur != 0 && new == 0)
            || (new < 0 && st.t(node) + (new as i64) < 0)
        {
            // undoing an earlier change only reopens what it balanced
            return None;
        }
        let mut c = Candidate {
            class: 2,
            opens: 0,
            cost: 0,
            size: st.dwellings[x as usize],
            node,
            change,
            hide: Vec::new(),
        };
        if cur != 0 && new.abs() < cur.abs() {
            c.class = 0;
        } else {
            match v.kinds[x as usize] {
                RowKind::Rest(_) => c.class = 1,
                RowKind::Layer => {
                    if st.known_exactly(node) && self.plan_mask(x) == 0 {
                        c.class = 3;
                        c.cost = weight(st.scale(x));
                    }
                }
                RowKind::Total(t) => {
                    if st.total_published[t as usize] {
                        c.class = 3;
                    }
                }
            }
        }
        Some(c)
    }

    /// The first look at a wide relation: its special members, the members already changed,
    /// then the smallest others until `keep` of each class (the same few the full look keeps:
    /// they are ranked by size within a class).
    fn first_look_wide(
        &self,
        rel: u32,
        wide: &Wide,
        w: u8,
        imb: i32,
        keep: usize,
    ) -> Vec<Candidate> {
        let v = self.view();
        let r = &v.relations[rel as usize];
        let look = |x: u32| self.look(r, w, imb, x);
        let mut pre = Vec::new();
        let mut changed: Vec<u32> = self
            .delta
            .iter()
            .map(|&((x, _), _)| x)
            .filter(|&x| v.up[x as usize].contains(&rel))
            .filter(|&x| v.kinds[x as usize] == RowKind::Layer)
            .collect();
        changed.sort_unstable();
        changed.dedup();
        pre.extend(wide.special.iter().chain(&changed).filter_map(|&x| look(x)));
        let mut per = [0usize; 4];
        for (looked, &x) in wide.by_size.iter().enumerate() {
            // enough of both kinds, or enough free ones among the smallest members
            // (a member to hide further on would only be a costlier way round), or,
            // among the communes of an EPCI, a département or the région,
            // [`WIDE_LOOK`] looked at without finding enough free ones (a région of
            // 3,000 communes mostly too small to move, read whole at every step, was
            // most of the time of a national territory; the programmes of a large
            // commune are read on: capped too, a territory of 300,000 dwellings lost a
            // third of its tables)
            if (per[2] >= keep && (per[3] >= keep || looked >= WIDE_LOOK))
                || (r.kind == RelKind::Admin && looked >= WIDE_LOOK)
            {
                break;
            }
            if changed.contains(&x) {
                continue;
            }
            if let Some(c) = look(x) {
                per[c.class as usize] += 1;
                pre.push(c);
            }
        }
        pre
    }

    /// The exact check of the candidates `pre` (best first) against the bounds a reader
    /// knows, keeping a few of each class; a member known within rounding, without room, is
    /// kept with the values that would have to be hidden for it to move.
    fn exact_check(&self, pre: Vec<Candidate>) -> Vec<Candidate> {
        let st = self.st;
        let v = self.view();
        let mut kept: Vec<Candidate> = Vec::new();
        let mut per = [0usize; 4];
        let mut tried3 = 0;
        for mut c in pre {
            let x = c.node.0;
            let target = st.t(c.node) + (self.delta_of(c.node) + c.change) as i64;
            if c.class == 0 {
                kept.push(c);
                continue;
            }
            if c.class <= 2 {
                if per[c.class as usize] >= WIDTH {
                    continue;
                }
                if st.bound_with(c.node, &self.hides).contains(target) {
                    per[c.class as usize] += 1;
                    kept.push(c);
                    continue;
                }
                if v.kinds[x as usize] == RowKind::Rest(RelKind::Population) {
                    continue;
                }
                // known within rounding, without room: its values would have to go
                c.class = 3;
            }
            if per[3] >= WIDTH || tried3 >= 3 * WIDTH {
                continue;
            }
            tried3 += 1;
            let masks: Vec<(u32, Mask)> = st
                .hide_mask(c.node)
                .into_iter()
                .map(|(r, m)| (r, m & !self.plan_mask(r)))
                .filter(|&(_, m)| m != 0)
                .collect();
            if masks.is_empty() {
                continue;
            }
            if !st
                .bound_with_more(c.node, &self.hides, &masks)
                .contains(target)
            {
                continue;
            }
            per[3] += 1;
            c.cost = masks.iter().map(|&(r, m)| st.hide_cost(r, m)).sum();
            c.hide = masks;
            kept.push(c);
        }
        kept
    }

    /// Returns `true` to stop the whole search (a free plan found, or the budget spent).
    fn go(&mut self, depth: u32) -> bool {
        self.steps += 1;
        if self.steps > self.max_steps {
            return true;
        }
        let Some((rel, w, imb)) = self.unbalanced() else {
            if self.best.as_ref().is_none_or(|b| self.cost < b.cost) {
                self.best = Some(Plan {
                    delta: self
                        .delta
                        .iter()
                        .copied()
                        .filter(|&(_, d)| d != 0)
                        .collect(),
                    hides: self.hides.clone(),
                    cost: self.cost,
                });
            }
            return self.cost == 0;
        };
        if depth >= self.max_depth {
            return false;
        }
        for c in self.candidates(rel, w, imb) {
            if self.free_only && c.class == 3 {
                continue;
            }
            if self
                .best
                .as_ref()
                .is_some_and(|b| self.cost + c.cost >= b.cost)
            {
                continue;
            }
            let n_hides = self.hides.len();
            let cost = self.cost;
            let touched = self.touched.len();
            let fresh = self.delta_of(c.node) == 0 && !self.delta.iter().any(|(n, _)| *n == c.node);
            self.apply(c.node, c.change);
            if c.class == 3 {
                self.hides.extend_from_slice(&c.hide);
                self.cost += c.cost;
            }
            // (looking for a table that hides nothing, beyond the usual depth: a rest that
            // only this relation holds closes it and opens nothing, not a level of the search)
            let closes_only =
                self.free_only && c.class == 1 && instances(self.view(), c.node).nth(1).is_none();
            let stop = self.go(if closes_only { depth } else { depth + 1 });
            self.unapply(c.node, c.change, fresh, touched);
            self.hides.truncate(n_hides);
            self.cost = cost;
            if stop {
                return true;
            }
        }
        false
    }
}
