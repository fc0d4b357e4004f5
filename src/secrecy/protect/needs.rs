//! The values to protect, round after round: what each unpublished value needs moved.
//!
//! The first round reads every layer row. A row's needs then change only when values of the
//! row or of its other population are hidden (the recent movers of an « ensemble » row are the
//! households of its « récents » row), or when a value that a published zero implied is
//! implied no more: a zero of a row above it hidden, or of a row beside it that closed the
//! rounding of a zero above, or a total of the manifest left out. Only those rows are read
//! again; the others keep the needs they had, less those a table met since or left without a
//! table twice (tables are only added, so a need once met stays met). Same needs, in the same
//! order, as reading every row again: checked round by round on the demo and on territories of
//! 3,000 to 300,000 dwellings while this was written; at 300,000 dwellings the second round reads
//! 82,517 rows of 116,720 again, the third 4,541.

use rayon::prelude::*;

use super::state::{self, Mask, Node, State};
use crate::indicators::Kind;
use crate::secrecy::reader::disclosure::{numerator_step, single_share, told_by_ensemble};
use crate::secrecy::reader::RelKind;

/// What protecting one node requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Need {
    pub(super) node: Node,
    /// It must rise (a zero not implied by a published zero).
    pub(super) up: bool,
    /// By at least this much.
    pub(super) q: i32,
    /// For a share of a commune or IRIS row whose base the reader does not know: that base.
    /// Only a [`paired`] table (which keeps the base) protects the share by its numerator;
    /// without one, the base moves instead.
    pub(super) base: Option<Node>,
}

/// The nodes the unpublished values of layer row `row` need moved.
/// With `pairs`, a share of a commune or IRIS row over a base the reader does not know asks
/// for its numerator to move ([`Need::base`]).
pub(super) fn needs_of(
    st: &State<'_>,
    row: u32,
    pairs: bool,
    scratch: &mut Vec<u32>,
    out: &mut Vec<Need>,
) -> bool {
    let (defs, cells) = st.cells(row);
    let ensemble = st.view.ensemble_of[row as usize].map(|e| st.cells(e));
    let start = out.len();
    let mut zero_told = false;
    for (k, (d, c)) in defs.iter().zip(cells).enumerate() {
        if c.status.is_published()
            || ensemble.is_some_and(|(ed, ec)| told_by_ensemble(defs, k, ed, ec))
        {
            continue;
        }
        // a share its reason code gives away (100 %) is protected all the same: its count and
        // base, moved by the same tables, then stay unknown
        let num: Node = st.node_in(row, d.numerator as u8);
        let need = if st.t(num) == 0 {
            if st.implied_zero(num, scratch) {
                zero_told = true;
                continue;
            }
            Need {
                node: num,
                up: true,
                q: 1,
                base: None,
            }
        } else {
            match (d.kind, d.denominator) {
                (Kind::Count, _) | (_, None) => Need {
                    node: num,
                    up: false,
                    q: 1,
                    base: None,
                },
                (_, Some(den)) => {
                    let den: Node = st.node_in(row, den as u8);
                    // a share of a commune or IRIS row may move with another share of its
                    // distribution over its base, known or not ([`paired`])
                    let pairs = pairs
                        && d.kind == Kind::Share
                        && !single_share(defs, k)
                        && state::pairable(st.scale(row));
                    let known = st.bound(den).exact();
                    if pairs || known {
                        Need {
                            node: num,
                            up: false,
                            q: numerator_step(d, st.t(den)) as i32,
                            base: (!known).then_some(den),
                        }
                    } else {
                        Need {
                            node: den,
                            up: false,
                            q: 1,
                            base: None,
                        }
                    }
                }
            }
        };
        // a share asking for its numerator over a hidden base is not a count of the same measure:
        // its need may turn into its base's (see `suppress`)
        match out[start..]
            .iter_mut()
            .find(|n| n.node == need.node && n.base == need.base)
        {
            Some(n) => {
                n.up |= need.up;
                n.q = n.q.max(need.q);
            }
            None => out.push(need),
        }
    }
    zero_told
}

/// A need with the layer row it comes from.
pub(super) type Sourced = (u32, Need);

/// The needs still open at the start of a round, each with the layer row it comes from, in row
/// order.
pub(super) struct Open {
    pub(super) needs: Vec<Sourced>,
    /// Rows with a value a published zero implies (hiding values elsewhere may undo that).
    zero_told: Vec<bool>,
    /// Layer rows with values hidden since the needs were read.
    hidden: Vec<u32>,
    /// Measures of layer rows published as 0 (up to rounding) and hidden since.
    unshown: Vec<Node>,
    /// A total of the manifest was left out since: every row is read again.
    all: bool,
}

/// Rows read at once by one task.
const ROWS: usize = 4096;

impl Open {
    /// The needs of every layer row that `open` keeps (not met yet, not given up).
    pub(super) fn first(
        st: &State<'_>,
        pairs: bool,
        open: &(impl Fn(&Need) -> bool + Sync),
    ) -> Open {
        let mut o = Open {
            needs: Vec::new(),
            zero_told: vec![false; st.view.n_layer],
            hidden: Vec::new(),
            unshown: Vec::new(),
            all: false,
        };
        let rows: Vec<u32> = (0..st.view.n_layer as u32).collect();
        o.needs = o.read(st, pairs, &rows, open);
        o
    }

    /// The values `mask` of layer row `row` are about to be hidden (any other row: a total
    /// left out).
    pub(super) fn hiding(&mut self, st: &State<'_>, row: u32, mask: Mask) {
        if (row as usize) < st.view.n_layer {
            self.hidden.push(row);
            st.unshown_zeros(row, mask, &mut self.unshown);
        } else {
            self.all = true;
        }
    }

    /// The needs of the next round: the rows whose needs may have changed read again, the
    /// others' needs kept while `open` keeps them.
    pub(super) fn next(
        &mut self,
        st: &State<'_>,
        pairs: bool,
        open: &(impl Fn(&Need) -> bool + Sync),
    ) {
        let n = st.view.n_layer;
        if self.all {
            *self = Open::first(st, pairs, open);
            return;
        }
        // the rows whose values were hidden, and their other population (a need of one may be
        // on a node of the other: the recent movers of an « ensemble » row are the households
        // of its « récents » row)
        let v = &st.view;
        let linked = |r: usize| v.ensemble_of[r].or(v.recents_of[r]);
        let mut again = vec![false; n];
        for &r in &self.hidden {
            again[r as usize] = true;
            if let Some(o) = linked(r as usize) {
                again[o as usize] = true;
            }
        }
        if !self.unshown.is_empty() {
            let near = below_unshown(st, &self.unshown);
            for (r, a) in again.iter_mut().enumerate() {
                *a |= self.zero_told[r] && (near[r] || linked(r).is_some_and(|o| near[o as usize]));
            }
        }
        self.hidden.clear();
        self.unshown.clear();
        let rows: Vec<u32> = (0..n as u32).filter(|&r| again[r as usize]).collect();
        let fresh = self.read(st, pairs, &rows, open);
        let kept = std::mem::take(&mut self.needs)
            .into_iter()
            .filter(|(r, x)| !again[*r as usize] && open(x));
        self.needs = merge(kept, fresh);
        // the full tier of the tests checks every round against reading every row again
        #[cfg(feature = "tests-complets")]
        {
            let all = Open::first(st, pairs, open);
            assert!(
                all.needs == self.needs,
                "the needs kept differ from every row read again"
            );
        }
    }

    /// The needs of `rows` (in order) that `open` keeps, read in parallel, with the row each
    /// comes from; notes which rows have a value told by a published zero.
    fn read(
        &mut self,
        st: &State<'_>,
        pairs: bool,
        rows: &[u32],
        open: &(impl Fn(&Need) -> bool + Sync),
    ) -> Vec<Sourced> {
        let chunks: Vec<(Vec<Sourced>, Vec<u32>)> = rows
            .par_chunks(ROWS)
            .map(|rows| {
                let (mut scratch, mut of_row, mut out, mut zero) =
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for &row in rows {
                    if needs_of(st, row, pairs, &mut scratch, &mut of_row) {
                        zero.push(row);
                    }
                    out.extend(of_row.drain(..).filter(|n| open(n)).map(|n| (row, n)));
                }
                (out, zero)
            })
            .collect();
        for &r in rows {
            self.zero_told[r as usize] = false;
        }
        let mut needs = Vec::with_capacity(chunks.iter().map(|c| c.0.len()).sum());
        for (n, zero) in chunks {
            needs.extend(n);
            for r in zero {
                self.zero_told[r as usize] = true;
            }
        }
        needs
    }
}

/// The rows whose zeros a hidden zero of `unshown` may have implied: the rows under it, and
/// the rows under a row that shows 0 up to its rounding and holds it in a relation (see
/// [`crate::secrecy::reader::View::zero_implied`]).
fn below_unshown(st: &State<'_>, unshown: &[Node]) -> Vec<bool> {
    let v = &st.view;
    let mut near = vec![false; v.len()];
    let mut stack: Vec<u32> = Vec::new();
    for &(h, m) in unshown {
        stack.push(h);
        for &ri in &v.up[h as usize] {
            let rel = &v.relations[ri as usize];
            if rel.holds_for(m as usize) && rel.kind != RelKind::Total {
                let b = st.row_bound(rel.parent, m as usize, 0);
                if b.published && b.lo == 0 {
                    stack.push(rel.parent);
                }
            }
        }
    }
    while let Some(r) = stack.pop() {
        if std::mem::replace(&mut near[r as usize], true) {
            continue;
        }
        for &ri in &v.down[r as usize] {
            let rel = &v.relations[ri as usize];
            if rel.kind != RelKind::Total {
                stack.extend(rel.children.iter().copied().filter(|&c| !near[c as usize]));
            }
        }
    }
    near
}

/// Two lists of needs with the rows they come from, each in row order, from distinct rows, as
/// one in row order.
fn merge(a: impl Iterator<Item = Sourced>, b: Vec<Sourced>) -> Vec<Sourced> {
    let mut out = Vec::with_capacity(b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        out.extend(std::iter::from_fn(|| b.next_if(|y| y.0 < x.0)));
        out.push(x);
    }
    out.extend(b);
    out
}
