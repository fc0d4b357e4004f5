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
//! the search, otherwise the cheapest found within the step budget is kept.

use rustc_hash::FxHashMap as HashMap;

use super::state::{weight, Mask, Node, State};
use crate::model::Population;
use crate::secrecy::reader::{RelKind, RowKind, View};

/// Search budget (relations balanced) per node of a building-scale row.
const MAX_STEPS: u32 = 400;
/// Budget of a node of a zone (few, and their tables are longer).
const ZONE_STEPS: u32 = 20_000;
/// Deepest chain of balancing changes.
const MAX_DEPTH: u32 = 28;
/// Members tried per relation, for each kind of member.
const WIDTH: usize = 3;

/// A change of the true values (the certificate) and the values to hide for it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub delta: Vec<(Node, i32)>,
    pub hides: Vec<(u32, Mask)>,
    pub cost: u64,
}

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

/// A relation holding one measure.
type Inst = (u32, u8);

pub struct Dfs<'s, 't> {
    st: &'s State<'t>,
    /// Largest change allowed at a node.
    q: i32,
    delta: Vec<(Node, i32)>,
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

/// Relations holding `node` (the relations of the recent movers of « ensemble » rows repeat
/// those of the households of « récents » rows: the latter stand for both), with the sign of
/// the node in each (+1 parent, −1 child).
fn instances<'v>(view: &'v View, node: Node) -> impl Iterator<Item = (Inst, i32)> + 'v {
    let up = view.up[node.0 as usize].iter().map(|&r| (r, -1));
    let down = view.down[node.0 as usize].iter().map(|&r| (r, 1));
    up.chain(down)
        .filter(move |&(r, _)| view.relations[r as usize].holds_for(node.1 as usize))
        .map(move |(r, s)| ((r, node.1), s))
}

impl<'s, 't> Dfs<'s, 't> {
    fn new(st: &'s State<'t>, q: i32, max_steps: u32) -> Self {
        Dfs {
            st,
            q,
            delta: Vec::new(),
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
        for depth in [6, 12, MAX_DEPTH] {
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
            None => self.delta.push((node, d)),
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

    /// Relations of `row` (either side) that no change touches yet.
    fn opens(&self, node: Node, skip: u32) -> u32 {
        instances(self.view(), node)
            .filter(|&((r, _), _)| r != skip)
            .filter(|(inst, _)| !self.imb.contains_key(inst))
            .count() as u32
    }

    fn candidates(&self, rel: u32, w: u8, imb: i32) -> Vec<Candidate> {
        let st = self.st;
        let v = self.view();
        let r = &v.relations[rel as usize];
        // a cheap first look at a member: class, rough cost
        let look = |x: u32| -> Option<Candidate> {
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
            if new.abs() > self.q || st.t(node) + (new as i64) < 0 || (cur != 0 && new == 0) {
                // undoing an earlier change only reopens what it balanced
                return None;
            }
            let mut c = Candidate {
                class: 2,
                opens: 0,
                cost: 0,
                size: st.truth[x as usize][0],
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
        };
        let keep = 4 * WIDTH;
        let mut pre: Vec<Candidate> = Vec::new();
        match st.wide.get(&rel) {
            // a wide relation: its special members, the members already changed, then the
            // smallest others until `keep` of each class (the same few the full look keeps:
            // they are ranked by size within a class)
            Some(wide) => {
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
                for &x in &wide.by_size {
                    if per[2] >= keep && per[3] >= keep {
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
            }
            None => pre.extend(r.members().filter_map(look)),
        }
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
        // then the exact check, in that order, of a few of each kind
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
            let mut all = self.hides.clone();
            all.extend_from_slice(&masks);
            if !st.bound_with(c.node, &all).contains(target) {
                continue;
            }
            per[3] += 1;
            c.cost = masks.iter().map(|&(r, m)| st.hide_cost(r, m)).sum();
            c.hide = masks;
            kept.push(c);
        }
        for c in kept.iter_mut() {
            c.opens = self.opens(c.node, rel);
        }
        kept.sort_by_key(|c| (c.class, c.cost, c.opens, c.size, c.node));
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
            let stop = self.go(depth + 1);
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

/// Whether `delta` is an alternative table as things stand: every node it changes stays
/// within what a reader knows of it, and every relation holding one of them balances.
pub fn valid(st: &State<'_>, delta: &[(Node, i32)]) -> bool {
    valid_with(st, delta, &[])
}

/// [`valid`] once the values `hides` are hidden too.
pub fn valid_with(st: &State<'_>, delta: &[(Node, i32)], hides: &[(u32, Mask)]) -> bool {
    let fits = delta.iter().all(|&(node, d)| {
        let v = st.t(node) + d as i64;
        v >= 0 && st.bound_with(node, hides).contains(v)
    });
    if !fits {
        return false;
    }
    let mut imb: HashMap<Inst, i32> = HashMap::default();
    for &(node, d) in delta {
        for (inst, sign) in instances(&st.view, node) {
            *imb.entry(inst).or_default() += sign * d;
        }
    }
    imb.values().all(|&x| x == 0)
}

/// What moving one node by `d` requires: nothing, or hiding some values (their cost).
fn movable(st: &State<'_>, node: Node, d: i32, hides: &mut Vec<(u32, Mask)>) -> Option<u64> {
    let t = st.t(node) + d as i64;
    if t < 0 {
        return None;
    }
    if st.bound_with(node, hides).contains(t) {
        return Some(0);
    }
    if !hides.is_empty() || st.view.kinds[node.0 as usize] == RowKind::Layer {
        let masks = st.hide_mask(node);
        if masks.is_empty() {
            return None;
        }
        let n = hides.len();
        hides.extend_from_slice(&masks);
        if st.bound_with(node, hides).contains(t) {
            return Some(masks.iter().map(|&(r, m)| st.hide_cost(r, m)).sum());
        }
        hides.truncate(n);
    }
    None
}

/// The simplest tables: the node and a sibling of it (another child of a relation holding
/// it) change in opposite directions, each carrying down the chain of its cages (a programme
/// moves with one of its bâtiments, that bâtiment with one of its cages), and the rests of the
/// relations they do not share absorb the difference; if no sibling is unknown, the node's
/// bâtiment and programme are tried in its place. With `hide`, members a reader knows may be
/// hidden (the cheapest such table is kept), else only free tables are looked for. Most values
/// of the fine scales are protected so, without a search.
pub fn sibling(st: &State<'_>, target: Node, change: i32, hide: bool) -> Option<Plan> {
    let v = &st.view;
    let mut hides = Vec::new();
    let cost = movable(st, target, change, &mut hides)?;
    if cost > 0 && !hide {
        return None;
    }
    let (mut own, c2) = descend(st, target, change, hide, &mut hides)?;
    let mut base = cost + c2;
    let mut best: Option<Plan> = None;
    // the node, then its bâtiment and programme while a reader does not know them either
    let mut level = target;
    loop {
        let side = Own {
            chain: &own,
            hides: &hides,
            cost: base,
        };
        let sw = swap_at(st, level, change, &side, hide, false);
        if let Some(p) = sw {
            if best.as_ref().is_none_or(|b| p.cost < b.cost) {
                let free = p.cost == 0;
                best = Some(p);
                if free {
                    break;
                }
            }
        }
        let Some(p) = structure_parent(v, level.0) else {
            break;
        };
        let pn = st.node_in(p, target.1);
        match movable(st, pn, change, &mut hides) {
            Some(0) => {}
            Some(c) if hide => base += c,
            _ => break,
        }
        own.push((pn, change));
        level = pn;
    }
    best
}

/// The changing side of a [`swap_at`]: the node's chain up to the level swapped, and the
/// values hidden for it (their cost).
struct Own<'a> {
    chain: &'a [(Node, i32)],
    hides: &'a [(u32, Mask)],
    cost: u64,
}

/// [`sibling`] at one level: `own` against a sibling of `level` and its chain.
fn swap_at(
    st: &State<'_>,
    level: Node,
    change: i32,
    own: &Own<'_>,
    hide: bool,
    nested: bool,
) -> Option<Plan> {
    let Own {
        chain: own,
        hides,
        cost: base,
    } = *own;
    let v = &st.view;
    let mut best: Option<Plan> = None;
    for &ri in &v.up[level.0 as usize] {
        let rel = &v.relations[ri as usize];
        if !rel.holds_for(level.1 as usize)
            || matches!(rel.kind, RelKind::Population | RelKind::Total)
        {
            continue;
        }
        // the siblings best able to give (or take) a unit first
        let mut sibs: Vec<(i64, u32)> = rel
            .children
            .iter()
            .filter(|&&s| {
                s != level.0 && v.kinds[s as usize] == RowKind::Layer && st.may_move(s, -change)
            })
            .map(|&s| {
                let t = st.t(st.node_in(s, level.1));
                (if change > 0 { -t } else { t }, s)
            })
            .collect();
        if sibs.len() > 16 {
            sibs.select_nth_unstable(16);
            sibs.truncate(16);
        }
        sibs.sort_unstable();
        for &(_, s) in &sibs {
            let ns = st.node_in(s, level.1);
            let mut h = hides.to_vec();
            let Some(c1) = movable(st, ns, -change, &mut h) else {
                continue;
            };
            if c1 > 0 && !hide {
                continue;
            }
            let Some((other, c2)) = descend(st, ns, -change, hide, &mut h) else {
                continue;
            };
            let cost = base + c1 + c2;
            if best.as_ref().is_some_and(|b| b.cost <= cost) {
                continue;
            }
            let mut chains = own.to_vec();
            chains.extend(other);
            // the units moved are not recent movers (the rests of the population relations
            // change), or they are: the « récents » rows move alike, or only the « ensemble »
            // rows whose rest cannot absorb the change, closed by their own sibling — the
            // cheaper of the two (neither inside the latter: `nested`)
            let mut found = plain(st, &chains, &h);
            if found.is_none() && !nested {
                let full = mirrored(st, &chains, &h, hide);
                let part = partial_twins(st, own, &chains, change, &h, hide);
                found = match (full, part) {
                    (Some(a), Some(b)) => Some(if b.2 < a.2 { b } else { a }),
                    (a, b) => a.or(b),
                };
            }
            let Some((delta, h, extra)) = found else {
                continue;
            };
            let cost = cost + extra;
            {
                let free = cost == 0;
                best = Some(Plan {
                    delta,
                    hides: h,
                    cost,
                });
                if free {
                    return best;
                }
            }
        }
    }
    best
}

/// A table with its hidden values and their extra cost.
type Found = (Vec<(Node, i32)>, Vec<(u32, Mask)>, u64);

/// `chains` closed by the rests of the relations they leave open (the units moved are not
/// recent movers), when that is a table.
fn plain(st: &State<'_>, chains: &[(Node, i32)], hides: &[(u32, Mask)]) -> Option<Found> {
    let mut delta = chains.to_vec();
    close_with_rests(st, &mut delta);
    valid_with(st, &delta, hides).then(|| (delta, hides.to_vec(), 0))
}

/// `chains` with every row's twin (its « récents » row for an « ensemble » row and the
/// reverse) moved alike: the units moved are recent movers.
fn mirrored(
    st: &State<'_>,
    chains: &[(Node, i32)],
    hides: &[(u32, Mask)],
    hide: bool,
) -> Option<Found> {
    let v = &st.view;
    let mut delta = chains.to_vec();
    let mut hm = hides.to_vec();
    let mut extra = 0;
    for &((r, c), d) in chains {
        let twin = match st.pop(r) {
            Population::Ensemble => v.recents_of[r as usize],
            Population::Recents => v.ensemble_of[r as usize],
        };
        let Some(twin) = twin else {
            continue;
        };
        let n = st.node_in(twin, c);
        if chains.iter().any(|&(x, _)| x == n) {
            continue;
        }
        match movable(st, n, d, &mut hm) {
            Some(0) => {}
            Some(x) if hide => extra += x,
            _ => return None,
        }
        delta.push((n, d));
    }
    if delta.len() == chains.len() {
        return None;
    }
    close_with_rests(st, &mut delta);
    valid_with(st, &delta, &hm).then_some((delta, hm, extra))
}

/// `chains` moving « récents » rows, with the « ensemble » rows of the target's chain `own`
/// moved alike only from the bottom up to the first whose rest (households that did not move
/// in recently) absorbs the change; that « ensemble » chain is closed by a sibling of its top
/// ([`swap_at`] in the « ensemble » rows), not carried as high as the « récents » one. A
/// stairwell's recent movers that must rise where the stairwell has none of that kind at all
/// so rise with one unit of its building, taken from another building of the programme,
/// rather than with one of the programme.
fn partial_twins(
    st: &State<'_>,
    own: &[(Node, i32)],
    chains: &[(Node, i32)],
    change: i32,
    hides: &[(u32, Mask)],
    hide: bool,
) -> Option<Found> {
    let v = &st.view;
    if change <= 0 {
        return None;
    }
    // the twin of a « récents » node of `own`, and whether its rest absorbs the change
    let twin = |&((r, c), d): &(Node, i32)| -> Option<((Node, i32), bool)> {
        if st.pop(r) != Population::Recents || v.kinds[r as usize] != RowKind::Layer {
            return None;
        }
        let e = v.ensemble_of[r as usize]?;
        let en = st.node_in(e, c);
        if en.0 != e {
            // recent movers: one number for both rows
            return None;
        }
        let rest = v.up[r as usize]
            .iter()
            .map(|&ri| &v.relations[ri as usize])
            .find(|rel| rel.kind == RelKind::Population)
            .and_then(|rel| rel.children.last().copied())?;
        Some(((en, d), st.t(st.node_in(rest, c)) >= d as i64))
    };
    let target = own.first()?;
    let (first, absorbs) = twin(target)?;
    if absorbs {
        return None;
    }
    // the target's twin with the chain of cages below it, then its parents up to the first
    // whose rest absorbs the change
    let mut twins = vec![first];
    let mut top = first.0;
    let mut climbing = false;
    for n in &own[1..] {
        climbing |= !under(v, n.0 .0, target.0 .0);
        let (t, absorbs) = twin(n)?;
        if climbing && absorbs {
            break;
        }
        twins.push(t);
        if climbing {
            top = t.0;
        }
    }
    let side = Own {
        chain: &twins,
        hides,
        cost: 0,
    };
    let plan = swap_at(st, top, change, &side, hide, true)?;
    let mut delta = chains.to_vec();
    delta.extend(
        plan.delta
            .iter()
            .copied()
            .filter(|&((r, _), _)| v.kinds[r as usize] == RowKind::Layer),
    );
    close_with_rests(st, &mut delta);
    valid_with(st, &delta, &plan.hides).then_some((delta, plan.hides, plan.cost))
}

/// `node` changed by `d`, with one member of each structure relation below it changed alike
/// (the member best able to, a free one first), down to a cage; the cost of the values hidden
/// for it (added to `hides`).
fn descend(
    st: &State<'_>,
    node: Node,
    d: i32,
    hide: bool,
    hides: &mut Vec<(u32, Mask)>,
) -> Option<(Vec<(Node, i32)>, u64)> {
    let v = &st.view;
    let mut out = vec![(node, d)];
    let mut cost = 0;
    let mut cur = node;
    loop {
        let Some(&ri) = v.down[cur.0 as usize]
            .iter()
            .find(|&&r| v.relations[r as usize].kind == RelKind::Structure)
        else {
            return Some((out, cost));
        };
        let rel = &v.relations[ri as usize];
        let mut kids: Vec<Node> = rel
            .children
            .iter()
            .filter(|&&c| st.may_move(c, d) || st.single(node.0))
            .map(|&c| st.node_in(c, cur.1))
            .collect();
        // the most able first (largest when giving), then in row order
        kids.sort_by_key(|&n| (st.t(n) * -(d.signum() as i64), n));
        let mut chosen = None;
        for pass in [false, true] {
            if pass && !hide {
                break;
            }
            for &n in &kids {
                let mut h = hides.clone();
                match movable(st, n, d, &mut h) {
                    Some(0) => {
                        chosen = Some((n, 0, h));
                        break;
                    }
                    Some(c) if pass && chosen.as_ref().is_none_or(|x: &(Node, u64, _)| c < x.1) => {
                        chosen = Some((n, c, h));
                    }
                    _ => {}
                }
            }
            if chosen.is_some() {
                break;
            }
        }
        let (n, c, h) = chosen?;
        *hides = h;
        cost += c;
        out.push((n, d));
        cur = n;
    }
}

/// Balances every relation left open by `delta` through its rest, where it has one.
fn close_with_rests(st: &State<'_>, delta: &mut Vec<(Node, i32)>) {
    let v = &st.view;
    let mut imb: HashMap<Inst, i32> = HashMap::default();
    for &(node, d) in delta.iter() {
        for (inst, sign) in instances(v, node) {
            *imb.entry(inst).or_default() += sign * d;
        }
    }
    let mut open: Vec<(Inst, i32)> = imb.into_iter().filter(|&(_, x)| x != 0).collect();
    open.sort_unstable();
    for ((r, w), x) in open {
        let rel = &v.relations[r as usize];
        if let Some(&rest) = rel.children.last() {
            if matches!(v.kinds[rest as usize], RowKind::Rest(_)) {
                delta.push((st.node_in(rest, w), x));
            }
        }
    }
}

/// The structure parent (bâtiment of a cage, programme of a bâtiment) of a row, if any.
pub fn structure_parent(view: &View, row: u32) -> Option<u32> {
    view.up[row as usize]
        .iter()
        .map(|&r| &view.relations[r as usize])
        .find(|r| r.kind == RelKind::Structure)
        .map(|r| r.parent)
}

/// Whether `row` is `top` or lies below it in the structure.
fn under(view: &View, mut row: u32, top: u32) -> bool {
    loop {
        if row == top {
            return true;
        }
        match structure_parent(view, row) {
            Some(p) => row = p,
            None => return false,
        }
    }
}

/// A table through the structure parent of `target` (found for one of its siblings), moved
/// onto `target`: the sibling's chain below the parent is replaced by the target's.
pub fn through_parent(
    st: &State<'_>,
    shape: &[(Node, i32)],
    target: Node,
    change: i32,
) -> Option<Vec<(Node, i32)>> {
    let v = &st.view;
    let parent = structure_parent(v, target.0)?;
    let pd = shape
        .iter()
        .find(|&&((r, c), _)| r == parent && c == target.1)?
        .1;
    if pd.signum() != change.signum() {
        return None;
    }
    // the child of the parent the shape went through
    let child = shape.iter().find_map(|&((r, c), d)| {
        (c == target.1 && d == pd && structure_parent(v, r) == Some(parent)).then_some(r)
    })?;
    if child == target.0 {
        return None;
    }
    let mut delta: Vec<(Node, i32)> = shape
        .iter()
        .copied()
        .filter(|&((r, _), _)| {
            !matches!(v.kinds[r as usize], RowKind::Rest(_)) && !under(v, r, child)
        })
        .collect();
    delta.extend(descend(st, target, change, false, &mut Vec::new())?.0);
    close_with_rests(st, &mut delta);
    valid(st, &delta).then_some(delta)
}
