//! Extra complementary suppressions for the values the audit found determined.
//!
//! The search gives up on a few values (no alternative table within its budget) and leaves
//! them to the audit, which proves most of them protected by linear programming. When the audit
//! finds one determined, the run hides, in every relation that holds the value's row, the same
//! measure of the cheapest other member a reader still knows (for a zero: a member that is not
//! zero, so that the value can rise) — for a share or a mean, of its numerator, and of its
//! denominator unless the row publishes it — then writes and audits again. Hiding more never makes an
//! alternative table of the search invalid, so the proofs already made stay valid.
//!
//! EPCI, département and région values go last: the first time a value is found determined,
//! nothing is hidden in a relation whose cheapest known member is one of them as long as a
//! finer partner is hidden in another relation of the same value. A value found again in a
//! later round (the finer partners were not enough) hides its partners in every relation. A
//! coarse value hidden in a round (for a value no finer partner protects) is protected by coarse
//! partners only: the coarse partners left aside in that round that share one of its relations
//! are hidden too.

use super::state::{weight, Mask, Node, State};
use crate::model::{Scale, Split};
use crate::secrecy::reader::{RowKey, RowKind};

/// A value the audit found determined: its row and its field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Determined {
    pub key: RowKey,
    pub field: String,
}

/// Hides the partners of each determined value (see the module), `earlier` holding the values
/// found by the audits of earlier rounds; returns the number of values hidden.
pub fn reinforce(st: &mut State<'_>, found: &[Determined], earlier: &[Determined]) -> u64 {
    st.ceiling = u64::MAX;
    let earlier: std::collections::HashSet<&Determined> = earlier.iter().collect();
    let mut hidden = 0;
    // coarse partners left aside, and the coarse rows hidden in this round
    let mut spared: Vec<(u32, Mask)> = Vec::new();
    let mut coarse_hidden: Vec<u32> = Vec::new();
    for f in found {
        let chosen: Vec<(bool, Vec<(u32, Mask)>)> = nodes_of(st, f)
            .into_iter()
            .flat_map(|n| partners(st, n))
            .collect();
        let fine = !earlier.contains(f) && chosen.iter().any(|(coarse, _)| !coarse);
        for (coarse, masks) in chosen {
            if fine && coarse {
                spared.extend(masks);
                continue;
            }
            for (r, mask) in masks {
                if coarse {
                    coarse_hidden.push(r);
                }
                hidden += st.hide(r, mask);
            }
        }
    }
    // a coarse value hidden here is protected by coarse partners only: those left aside that
    // share one of its relations go too
    let near: std::collections::HashSet<u32> = coarse_hidden
        .iter()
        .flat_map(|&r| relations_of(st, r))
        .collect();
    for (r, mask) in spared {
        if relations_of(st, r).any(|ri| near.contains(&ri)) {
            hidden += st.hide(r, mask);
        }
    }
    hidden
}

/// The relations holding `row`, as parent or as child.
fn relations_of<'s>(st: &'s State<'_>, row: u32) -> impl Iterator<Item = u32> + 's {
    let v = &st.view;
    v.up[row as usize]
        .iter()
        .chain(&v.down[row as usize])
        .copied()
}

/// The nodes whose partners protect a determined value: its numerator, and its denominator
/// unless the row publishes it (a denominator the row publishes stays known whatever its
/// partners: hiding them — for dwellings, the base of every distribution — would take values
/// and protect nothing). None for a value this publication does not have.
fn nodes_of(st: &State<'_>, f: &Determined) -> Vec<Node> {
    let Some(&row) = st.view.index.get(&f.key) else {
        return Vec::new();
    };
    let (defs, _) = st.cells(row);
    let Some(d) = defs.iter().find(|d| d.field == f.field).copied() else {
        return Vec::new();
    };
    let mut nodes = vec![st.node_in(row, d.numerator as u8)];
    if let Some(den) = d.denominator.map(|den| st.node_in(row, den as u8)) {
        if !st.known_exactly(den) {
            nodes.push(den);
        }
    }
    nodes
}

/// Whether relation `ri` holds a rest that balances a change of `node` whatever is published:
/// a rest in no other relation (the « récents » movers' complement in their « ensemble » row,
/// for instance) that can move the opposite way by a unit (`rise`: the way that lets `node`
/// rise). Such a relation is not what determines the value: hiding one of its members would
/// take a value and protect nothing.
fn absorbed(st: &State<'_>, ri: u32, node: Node, rise: bool) -> bool {
    let (row, m) = node;
    let v = &st.view;
    let rel = &v.relations[ri as usize];
    let row_is_parent = rel.parent == row;
    rel.members().any(|x| {
        if x == row || !matches!(v.kinds[x as usize], RowKind::Rest(_)) {
            return false;
        }
        if relations_of(st, x).nth(1).is_some() {
            return false;
        }
        let n = st.node_in(x, m);
        let t = st.t(n);
        let b = st.bound(n);
        // node + 1 is balanced by the rest + 1 on the other side, − 1 on the same side
        let same_side = (x == rel.parent) == row_is_parent;
        let up = if same_side { t - 1 } else { t + 1 };
        let down = if same_side { t + 1 } else { t - 1 };
        let fits = |y: i64| y >= 0 && b.contains(y);
        fits(up) || (!rise && fits(down))
    })
}

/// How a partner is chosen, smallest first: whether its value cannot give way (a zero for a
/// zero), the weight of its scale, whether it is a whole zone (a whole zone goes after its QPV
/// and hors-QPV parts: it is what most maps show), the cost of hiding it, its code.
type Rank<'a> = (bool, u64, bool, u64, &'a str);

/// The cheapest known member of each relation holding `node`'s row, with what hiding its
/// measure takes, and whether it is an EPCI, département or région value.
fn partners(st: &State<'_>, node: Node) -> Vec<(bool, Vec<(u32, Mask)>)> {
    let (row, m) = node;
    let zero = st.t(node) == 0;
    let v = &st.view;
    let mut out = Vec::new();
    for ri in relations_of(st, row) {
        let rel = &v.relations[ri as usize];
        if !rel.holds_for(m as usize) || absorbed(st, ri, node, zero) {
            continue;
        }
        let mut best: Option<(Rank<'_>, Vec<(u32, Mask)>)> = None;
        for member in rel.members() {
            if member == row || member as usize >= v.n_layer {
                continue;
            }
            let n = st.node_in(member, m);
            let mask = st.hide_mask(n);
            if mask.is_empty() {
                continue;
            }
            let cost: u64 = mask.iter().map(|&(r, k)| st.hide_cost(r, k)).sum();
            let rank = (
                zero && st.t(n) == 0,
                weight(st.scale(member)),
                v.keys[member as usize].2 == Split::Tout,
                cost,
                v.keys[member as usize].3.as_str(),
            );
            if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                best = Some((rank, mask));
            }
        }
        if let Some((rank, mask)) = best {
            out.push((rank.1 >= weight(Scale::Epci), mask));
        }
    }
    out
}
