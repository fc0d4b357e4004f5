//! The two equal counts of a « récents » row: shown together or hidden together.
//!
//! Every household of the « récents » population moved in recently and each of its dwellings
//! holds one of them, one only: in every « récents » row, the number of dwellings equals the
//! number of households — a reader sees it in any row that publishes both. A row that shows one
//! and hides the other gives the hidden one away, whatever the search proved in a model that
//! holds them as two unknowns (the demo of the 17th session published two such rows, small
//! territories up to 33: `tests/attack/recents_counts.py`). After the search (and the values
//! it publishes again) and after each repair, such a row also hides what tells the count it
//! shows: hiding more never makes an alternative table invalid, so every proof stays; the
//! values so hidden have no table of their own and go to the audit (and its repairs).
//! Hiding them within the search's rounds instead, so that the search protects them, was
//! faster (300,000 dwellings: no repair) but let the zone attack recover three DPE zeros of
//! « récents » IRIS rows on 10,000 dwellings (seed 3): not kept.

use super::state::{Mask, State};
use crate::indicators::{Kind, Measure};
use crate::model::Population;

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
