//! Extra complementary suppressions for the values the audit found determined.
//!
//! The search gives up on a few values (no alternative table within its budget) and leaves
//! them to the audit, which proves most of them protected by linear programming. When the audit
//! finds one determined, the run hides, in every relation that holds the value's row, the same
//! measure of the cheapest other member a reader still knows (for a zero: a member that is not
//! zero, so that the value can rise) — for a share or a mean, of its numerator, and of its
//! denominator unless the row publishes it — then writes and audits again. Hiding more never makes an
//! alternative table of the search invalid, so the proofs already made stay valid.

use super::state::{weight, Mask, Node, State};
use crate::model::Split;
use crate::secrecy::reader::{Relation, RowKey};

/// A value the audit found determined: its row and its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determined {
    pub key: RowKey,
    pub field: String,
}

/// Hides the partners of each determined value (see the module); returns the number of
/// values hidden.
pub fn reinforce(st: &mut State<'_>, found: &[Determined]) -> u64 {
    st.ceiling = u64::MAX;
    let mut hidden = 0;
    // the values and the nodes to free, read before anything is hidden
    let mut todo = Vec::new();
    for f in found {
        let Some(&row) = st.view.index.get(&f.key) else {
            continue;
        };
        let (defs, _) = st.cells(row);
        let Some(d) = defs.iter().find(|d| d.field == f.field).copied() else {
            continue;
        };
        let mut nodes = vec![st.node_in(row, d.numerator as u8)];
        // a denominator the row publishes stays known whatever its partners: hiding them (for
        // dwellings, the base of every distribution) would take values and protect nothing
        if let Some(den) = d.denominator.map(|den| st.node_in(row, den as u8)) {
            if !st.known_exactly(den) {
                nodes.push(den);
            }
        }
        // a value found determined although every relation holding it already had an unknown
        // member giving way (a repair before this one did not free it): every relation
        let stuck = nodes
            .iter()
            .all(|&n| relations_of(st, n).all(|rel| gives_way(st, rel, n)));
        todo.push((nodes, stuck));
    }
    for (nodes, stuck) in todo {
        for node in nodes {
            for (r, mask) in partners(st, node, !stuck) {
                hidden += st.hide(r, mask);
            }
        }
    }
    hidden
}

/// How a partner is chosen, smallest first: whether its value cannot give way (a zero for a
/// zero), the weight of its scale, whether it is a whole zone (a whole zone goes after its QPV
/// and hors-QPV parts: it is what most maps show), the cost of hiding it, its code.
type Rank<'a> = (bool, u64, bool, u64, &'a str);

/// The relations of `node`'s measure holding its row, as parent or as child.
fn relations_of<'s>(st: &'s State<'_>, (row, m): Node) -> impl Iterator<Item = &'s Relation> {
    let v = &st.view;
    v.up[row as usize]
        .iter()
        .chain(&v.down[row as usize])
        .map(|&ri| &v.relations[ri as usize])
        .filter(move |rel| rel.holds_for(m as usize))
}

/// Whether a member of `rel` other than `row` is unknown to a reader and can take the change
/// of `node` (`row`'s measure): for a zero, which can only rise, the parent or another child
/// rising as it does, or a sibling falling; for another value, any member with room.
fn gives_way(st: &State<'_>, rel: &Relation, node: Node) -> bool {
    let (row, m) = node;
    let zero = st.t(node) == 0;
    rel.members().any(|member| {
        if member == row {
            return false;
        }
        let n = st.node_in(member, m);
        let b = st.bound(n);
        if b.lo >= b.hi {
            return false;
        }
        let t = st.t(n);
        let rises = rel.parent == row || rel.parent == member;
        match (zero, rises) {
            (true, true) => t < b.hi,
            (true, false) => t > b.lo,
            (false, _) => t < b.hi || t > b.lo,
        }
    })
}

/// The cheapest known member of each relation holding `node`'s row, with what hiding its
/// measure takes; `lenient`: not in a relation where an unknown member already gives way
/// ([`gives_way`]), as hiding one more there would add nothing.
fn partners(st: &State<'_>, node: Node, lenient: bool) -> Vec<(u32, Mask)> {
    let (row, m) = node;
    let zero = st.t(node) == 0;
    let v = &st.view;
    let mut out = Vec::new();
    for rel in relations_of(st, node) {
        if lenient && gives_way(st, rel, node) {
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
        if let Some((_, mask)) = best {
            out.extend(mask);
        }
    }
    out
}
