//! The exchanges found by the secondary suppression, handed to the audit as candidate proofs.
//!
//! For an unpublished value, the search found two inner cells that no published row relevant
//! to it tells apart (see [`super::secondary`]): moving one unit of the value's measure from
//! one cell to the other changes the value and none of the published ones. [`Exchanges`] keeps,
//! for every unpublished value that has one, that pair of cells, together with the true
//! measures of every layer row and the rows each inner cell belongs to, so that
//! [`crate::audit`] can turn it into a second set of values consistent with the publication.
//! The audit verifies every such set against the published values alone before relying on it;
//! an exchange it cannot verify only sends the value to linear programming.
//!
//! These are microdata: they stay in memory, and no output, log or error message shows them.

use std::cmp::Ordering;

use rustc_hash::FxHashMap as HashMap;

use crate::indicators::Measures;
use crate::model::{Population, Scale, Split};

/// `(scale, population, zone, code)` of a layer row, as in the `indicateurs` table.
pub type RowKey = (Scale, Population, Split, String);

/// One unit of a measure moving between two inner cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    /// Inner cell inside the row of the value.
    pub inside: u32,
    /// Inner cell outside it.
    pub outside: u32,
    /// The unit is a recent mover: the rows of both populations change (otherwise only the
    /// « ensemble » rows).
    pub recent_mover: bool,
}

/// Exchanges of the unpublished values of the layers, with what is needed to apply them.
#[derive(Debug, Clone, Default)]
pub struct Exchanges {
    keys: Vec<RowKey>,
    index: HashMap<RowKey, u32>,
    measures: Vec<Measures>,
    /// Rows of inner cell `c`: `cell_rows[cell_start[c]..cell_start[c + 1]]`.
    cell_start: Vec<u32>,
    cell_rows: Vec<u32>,
    by_value: HashMap<(u32, u16), Exchange>,
}

impl Exchanges {
    /// Starts from the layer rows: key, true measures (in the row's population) and inner
    /// cells (ascending), for `n_inner` inner cells.
    pub(crate) fn new<'a>(
        rows: impl Iterator<Item = (RowKey, Measures, &'a [u32])>,
        n_inner: usize,
    ) -> Exchanges {
        let mut ex = Exchanges::default();
        let mut count = vec![0u32; n_inner + 1];
        let mut members: Vec<&[u32]> = Vec::new();
        for (key, m, cells) in rows {
            let id = ex.keys.len() as u32;
            ex.index.insert(key.clone(), id);
            ex.keys.push(key);
            ex.measures.push(m);
            for &c in cells {
                count[c as usize + 1] += 1;
            }
            members.push(cells);
        }
        for c in 0..n_inner {
            count[c + 1] += count[c];
        }
        let mut next = count.clone();
        ex.cell_rows = vec![0; count[n_inner] as usize];
        for (r, cells) in members.iter().enumerate() {
            for &c in *cells {
                ex.cell_rows[next[c as usize] as usize] = r as u32;
                next[c as usize] += 1;
            }
        }
        ex.cell_start = count;
        ex
    }

    /// Records the exchange protecting measure `m` of `row` (the index of the row in the order
    /// given to [`Exchanges::new`]; the first exchange given is kept).
    pub(crate) fn insert(&mut self, row: u32, m: usize, e: Exchange) {
        self.by_value.entry((row, m as u16)).or_insert(e);
    }

    /// Index of the row with `key`.
    pub fn row(&self, key: &RowKey) -> Option<u32> {
        self.index.get(key).copied()
    }

    /// True value of measure `m` (base index) of `row`.
    pub fn value(&self, row: u32, m: usize) -> i64 {
        self.measures[row as usize][m]
    }

    /// The exchange recorded for measure `m` of `row`.
    pub fn exchange(&self, row: u32, m: usize) -> Option<Exchange> {
        self.by_value.get(&(row, m as u16)).copied()
    }

    /// Rows whose measure changes when one unit moves as `e` says, with the change: −1 where
    /// the unit leaves, +1 where it arrives; rows in ascending order.
    pub fn direction(&self, e: Exchange, out: &mut Vec<(u32, i64)>) {
        out.clear();
        let rows = |c: u32| {
            let (a, b) = (self.cell_start[c as usize], self.cell_start[c as usize + 1]);
            &self.cell_rows[a as usize..b as usize]
        };
        // rows of a cell are ascending: walk both lists together
        let (from, to) = (rows(e.inside), rows(e.outside));
        let keep = |r: u32| e.recent_mover || self.keys[r as usize].1 == Population::Ensemble;
        let (mut i, mut j) = (0, 0);
        loop {
            let side = match (from.get(i), to.get(j)) {
                (None, None) => break,
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
            };
            match side {
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                }
                Ordering::Less => {
                    if keep(from[i]) {
                        out.push((from[i], -1));
                    }
                    i += 1;
                }
                Ordering::Greater => {
                    if keep(to[j]) {
                        out.push((to[j], 1));
                    }
                    j += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::N_MEASURES;

    fn key(scale: Scale, pop: Population, code: &str) -> RowKey {
        (scale, pop, Split::Tout, code.to_string())
    }

    #[test]
    fn a_move_changes_the_rows_that_hold_one_end_only() {
        let m = [0i64; N_MEASURES];
        let c1: &[u32] = &[0];
        let c2: &[u32] = &[1];
        let both: &[u32] = &[0, 1];
        let rows = vec![
            (key(Scale::Cage, Population::Ensemble, "a"), m, c1),
            (key(Scale::Cage, Population::Ensemble, "b"), m, c2),
            (key(Scale::Batiment, Population::Ensemble, "ab"), m, both),
            (key(Scale::Cage, Population::Recents, "a"), m, c1),
        ];
        let ex = Exchanges::new(rows.into_iter(), 2);
        let mut d = Vec::new();
        let e = Exchange {
            inside: 0,
            outside: 1,
            recent_mover: false,
        };
        ex.direction(e, &mut d);
        assert_eq!(d, vec![(0, -1), (1, 1)]);
        ex.direction(
            Exchange {
                recent_mover: true,
                ..e
            },
            &mut d,
        );
        assert_eq!(d, vec![(0, -1), (1, 1), (3, -1)]);
    }
}
