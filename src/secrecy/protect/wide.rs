//! Wide relations (a commune's programmes, a région's communes): their members in the order
//! the search looks at them, so that a step costs the same however many members they have.

use rustc_hash::FxHashMap as HashMap;

use crate::indicators::Measures;
use crate::secrecy::reader::{RowKind, View};

/// Members beyond which a relation is [`super::state::State::wide`].
pub const WIDE_RELATION: usize = 64;

/// Members of a wide relation the search looks at, at most, for one balancing step (once
/// enough free ones are found, see [`super::dfs`]) or one sibling swap ([`super::plan`]): the
/// cost of a step stays bounded however many members a relation has.
pub const WIDE_LOOK: usize = 128;

/// The members of a wide relation, in the order the search looks at them.
#[derive(Debug, Clone, Default)]
pub struct Wide {
    /// The parent and the children that are not layer rows (rests, totals).
    pub special: Vec<u32>,
    /// The layer children, fewest dwellings first (then by row).
    pub by_size: Vec<u32>,
}

/// The [`Wide`] members of every relation with more than [`WIDE_RELATION`] members whose layer
/// children are all of one scale.
pub(super) fn wide_relations(view: &View, truth: &[Measures]) -> HashMap<u32, Wide> {
    let mut out = HashMap::default();
    for (ri, rel) in view.relations.iter().enumerate() {
        if rel.children.len() < WIDE_RELATION {
            continue;
        }
        let mut w = Wide {
            special: vec![rel.parent],
            by_size: Vec::new(),
        };
        for &c in &rel.children {
            if view.kinds[c as usize] == RowKind::Layer {
                w.by_size.push(c);
            } else {
                w.special.push(c);
            }
        }
        let scale = |r: u32| view.keys[r as usize].0;
        if w.by_size.iter().any(|&c| scale(c) != scale(w.by_size[0])) {
            continue;
        }
        w.by_size
            .sort_unstable_by_key(|&c| (truth[c as usize][0], c));
        out.insert(ri as u32, w);
    }
    out
}
