//! The alternative tables through one node that need no search: the node and a sibling of it
//! (with their chains of cages), their « récents » twins, a parent's table moved onto a child;
//! and the checks a table must pass, shared with the depth-first search ([`super::dfs`]).

use super::state::{Mask, Node, State, WIDE_LOOK};
use crate::model::Population;
use crate::secrecy::reader::{RelKind, RowKind, View};

/// A change of the true values (the certificate) and the values to hide for it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub delta: Vec<(Node, i32)>,
    pub hides: Vec<(u32, Mask)>,
    pub cost: u64,
}

/// A relation holding one measure.
pub type Inst = (u32, u8);

/// Relations holding `node` (the relations of the recent movers of « ensemble » rows repeat
/// those of the households of « récents » rows: the latter stand for both), with the sign of
/// the node in each (+1 parent, −1 child).
pub fn instances<'v>(view: &'v View, node: Node) -> impl Iterator<Item = (Inst, i32)> + 'v {
    let up = view.up[node.0 as usize].iter().map(|&r| (r, -1));
    let down = view.down[node.0 as usize].iter().map(|&r| (r, 1));
    up.chain(down)
        .filter(move |&(r, _)| view.relations[r as usize].holds_for(node.1 as usize))
        .map(move |(r, s)| ((r, node.1), s))
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
    imbalances(&st.view, delta).iter().all(|&(_, x)| x == 0)
}

/// Parent minus children of every relation `delta` touches (a short list: a table touches a few
/// dozen relations at most, so no hashing).
fn imbalances(view: &View, delta: &[(Node, i32)]) -> Vec<(Inst, i32)> {
    let mut imb: Vec<(Inst, i32)> = Vec::new();
    for &(node, d) in delta {
        for (inst, sign) in instances(view, node) {
            match imb.iter_mut().find(|(i, _)| *i == inst) {
                Some((_, x)) => *x += sign * d,
                None => imb.push((inst, sign * d)),
            }
        }
    }
    imb
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
    if !closes_below(st, target.0) {
        return None;
    }
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

/// Whether the relations below `row` can take a change of it in these simple tables: a
/// relation to its cages or bâtiments follows the chain ([`descend`]), any other needs a rest
/// a reader does not know to be empty ([`close_with_rests`]). A commune whose programmes all
/// name it, an EPCI (the sum of its communes, without a rest): only the search moves them, and
/// trying a sibling for each of their values was most of the time of a national territory.
fn closes_below(st: &State<'_>, row: u32) -> bool {
    let v = &st.view;
    v.down[row as usize].iter().all(|&ri| {
        let rel = &v.relations[ri as usize];
        match rel.kind {
            RelKind::Structure | RelKind::Population | RelKind::Total => true,
            kind => {
                rel.measure.is_some()
                    || (kind.has_rest()
                        && rel.children.last().is_some_and(|&r| !st.empty[r as usize]))
            }
        }
    })
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
        // the siblings best able to give (or take) a unit first; in a wide relation, among
        // the largest members (to give) or the smallest (to take) only
        let able = |&&s: &&u32| {
            s != level.0 && v.kinds[s as usize] == RowKind::Layer && st.may_move(s, -change)
        };
        let key = |&s: &u32| {
            let t = st.t(st.node_in(s, level.1));
            (if change > 0 { -t } else { t }, s)
        };
        let mut sibs: Vec<(i64, u32)> = match st.wide.get(&ri) {
            Some(w) => {
                let ordered: Box<dyn Iterator<Item = &u32>> = if change > 0 {
                    Box::new(w.by_size.iter().rev())
                } else {
                    Box::new(w.by_size.iter())
                };
                ordered.filter(able).take(WIDE_LOOK).map(key).collect()
            }
            None => rel.children.iter().filter(able).map(key).collect(),
        };
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
    let mut open = imbalances(v, delta);
    open.retain(|&(_, x)| x != 0);
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
