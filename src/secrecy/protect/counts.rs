//! The two equal counts of a « récents » row: shown together or hidden together.
//!
//! Every household of the « récents » population moved in recently and each of its dwellings
//! holds one of them, one only: in every « récents » row, the number of dwellings equals the
//! number of households — a reader sees it in any row that publishes both. A row that shows one
//! and hides the other gives the hidden one away, whatever the search proved in a model that
//! holds them as two unknowns (the demo of the 17th session published two such rows, small
//! territories up to 33: `tests/attack/recents_counts.py`). After the search (and the values
//! it publishes again) and after each repair, such a row also hides what tells the count it
//! shows ([`cohere`]): hiding more never makes an alternative table invalid, so every proof
//! stays. The values so hidden are then protected by the search resumed, with tables that move
//! the two counts of every « récents » row alike ([`coupled`]; `super::cohere_and_protect`):
//! 300,000 dwellings seed 7 went from 52 values left to the audit (four repairs) to 9 (one).
//! Tables moving one count without the other there let the zone attack recover three DPE zeros
//! of « récents » IRIS rows on 10,000 dwellings (seed 3, 18th session): not taken. The tables of
//! the search itself are not coupled (the model holds the two counts as two unknowns,
//! `docs/secret.md` §8).

use super::needs::Need;
use super::plan::valid_with;
use super::state::{Mask, Node, State};
use crate::indicators::{Kind, Measure};
use crate::model::Population;
use crate::secrecy::reader::RowKind;

/// Hides, in every « récents » row that shows one of its two counts and hides the other, the
/// values telling the one it shows (with their distributions); returns the number hidden.
pub fn cohere(st: &mut State<'_>) -> u64 {
    // whatever the scale of the row
    let ceiling = std::mem::replace(&mut st.ceiling, u64::MAX);
    let mut count = 0;
    for row in 0..st.view.n_layer as u32 {
        if st.pop(row) != Population::Recents {
            continue;
        }
        if let Some(mask) = telling_the_shown_count(st, row) {
            count += st.hide(row, mask);
        }
    }
    st.ceiling = ceiling;
    count
}

/// The values of « récents » row `row` that tell its dwellings or its households, when it
/// shows one of these two counts and hides the other.
fn telling_the_shown_count(st: &State<'_>, row: u32) -> Option<Mask> {
    let (defs, cells) = st.cells(row);
    let shown = |m: Measure| {
        defs.iter()
            .zip(cells)
            .find(|(d, _)| d.kind == Kind::Count && d.numerator == m)
            .map(|(_, c)| c.status.is_published())
    };
    let (dwellings, households) = (shown(Measure::Dwellings)?, shown(Measure::Households)?);
    if dwellings == households {
        return None;
    }
    let mask = st
        .hide_mask(st.node_in(row, Measure::Dwellings as u8))
        .into_iter()
        .chain(st.hide_mask(st.node_in(row, Measure::Households as u8)))
        .filter(|&(r, _)| r == row)
        .fold(0, |a, (_, m)| a | m);
    Some(mask)
}

/// Whether `delta` moves the two counts of every row that `recents` says is a « récents » row
/// alike.
fn alike(delta: &[(Node, i32)], recents: impl Fn(u32) -> bool) -> bool {
    let (d, h) = (Measure::Dwellings as u8, Measure::Households as u8);
    let moved = |row: u32, m: u8| -> i32 {
        delta
            .iter()
            .filter(|&&((r, c), _)| r == row && c == m)
            .map(|&(_, x)| x)
            .sum()
    };
    delta
        .iter()
        .all(|&((row, c), _)| (c != d && c != h) || !recents(row) || moved(row, d) == moved(row, h))
}

/// `delta` plus its mirror: the dwellings and the households of every row exchanged (their
/// relations are the same), so that both move alike in every row.
fn mirrored(delta: &[(Node, i32)]) -> Vec<(Node, i32)> {
    let (d, h) = (Measure::Dwellings as u8, Measure::Households as u8);
    let mut sum: Vec<(Node, i32)> = Vec::with_capacity(delta.len() * 2);
    let mut add = |node: Node, x: i32| match sum.iter_mut().find(|(n, _)| *n == node) {
        Some((_, y)) => *y += x,
        None => sum.push((node, x)),
    };
    for &((row, c), x) in delta {
        add((row, c), x);
        if c == d {
            add((row, h), x);
        } else if c == h {
            add((row, d), x);
        }
    }
    sum.retain(|&(_, x)| x != 0);
    sum
}

/// `delta` as a table that moves the two counts of every « récents » row alike — the table
/// itself when it does, else the table plus its mirror ([`mirrored`]), when that is an
/// alternative table too with the values `hides` hidden and still moves `need` as it asks.
pub(super) fn coupled(
    st: &State<'_>,
    delta: Vec<(Node, i32)>,
    hides: &[(u32, Mask)],
    need: &Need,
) -> Option<Vec<(Node, i32)>> {
    let recents = |row: u32| {
        st.view.kinds[row as usize] == RowKind::Layer && st.pop(row) == Population::Recents
    };
    if alike(&delta, recents) {
        return Some(delta);
    }
    let sum = mirrored(&delta);
    let moved = sum
        .iter()
        .find(|(n, _)| *n == need.node)
        .map_or(0, |&(_, x)| x);
    let meets = moved >= need.q || (!need.up && -moved >= need.q);
    (meets && valid_with(st, &sum, hides)).then_some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: u8 = Measure::Dwellings as u8;
    const H: u8 = Measure::Households as u8;

    /// Regression (zone attack on 10,000 dwellings seed 3, when the values hidden here were
    /// protected within the search): a table swapping a dwelling between two « récents »
    /// stairwells without their households, which a reader knows equal.
    #[test]
    fn a_table_moving_the_dwellings_of_a_recents_row_alone_is_mirrored_onto_its_households() {
        // rows 0 and 1: « récents » stairwells of one building (row 2); row 3: « ensemble »
        let recents = |r: u32| r < 3;
        let swap = vec![((0, D), 1), ((1, D), -1), ((3, D), 1), ((3, H), -1)];
        assert!(!alike(&swap, recents));
        let both = mirrored(&swap);
        assert!(alike(&both, recents));
        let at = |n: Node| both.iter().find(|(x, _)| *x == n).map_or(0, |&(_, d)| d);
        assert_eq!((at((0, D)), at((0, H))), (1, 1));
        assert_eq!((at((1, D)), at((1, H))), (-1, -1));
        // the relation of the building balances for both measures
        assert_eq!(at((0, H)) + at((1, H)), at((2, H)));
        // an « ensemble » row moving its two counts apart: its own mirror cancels out
        assert_eq!((at((3, D)), at((3, H))), (0, 0));
        // other measures are left as they are
        assert_eq!(mirrored(&[((0, 9), 2)]), vec![((0, 9), 2)]);
        assert!(alike(&[((0, D), 1), ((0, H), 1), ((3, D), 2)], recents));
    }
}
