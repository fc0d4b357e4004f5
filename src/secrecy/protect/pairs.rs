//! Paired tables: a share of a commune or IRIS row hidden with one other share of its
//! distribution instead of the whole distribution.
//!
//! A reader knows that the shares of a distribution sum to 100 %: hiding one share alone gives
//! it back. Hiding two is enough when every alternative table moves them the opposite way, row
//! by row — a dwelling (or household) changing category keeps every base. The table of the first
//! share is searched as for any value ([`super::dfs`], [`super::plan::sibling`]) with the shares
//! of commune and IRIS rows going alone ([`State::pairs`]); the second share follows it with
//! the opposite change in every row, and is hidden where the reader knew it. Only commune and
//! IRIS rows are paired: the audit checks their distributions sum by sum (`audit::sums`).

use super::dfs::Dfs;
use super::needs::Need;
use super::plan::{sibling, valid_with, Plan};
use super::state::{self, State};
use crate::indicators::Kind;

/// A table through a share of a commune or IRIS row whose distribution may stay published: the
/// share moves with another share of its distribution the other way, row by row (a dwelling or
/// household changes category), so that every row keeps its base and a reader who knows that
/// the shares sum to 100 % learns nothing more; only those two shares are hidden in the
/// commune and IRIS rows the table changes ([`State::pairs`]). The audit checks these rows sum
/// by sum.
pub(super) fn paired(st: &mut State<'_>, need: &Need) -> Option<Plan> {
    let (row, a) = need.node;
    if (row as usize) >= st.view.n_layer || !state::pairable(st.scale(row)) {
        return None;
    }
    let partners = partners(st, row, a);
    if partners.is_empty() {
        return None;
    }
    st.pairs = true;
    // either way: the partner must have room to move the other way
    let best = [need.q, -need.q]
        .into_iter()
        .filter(|&c| c > 0 || !need.up)
        .flat_map(|c| {
            let searched = Dfs::solve(st, need.node, c);
            let greedy = sibling(st, need.node, c, true);
            [searched, greedy].into_iter().flatten()
        })
        .flat_map(|own| {
            partners
                .iter()
                .filter_map(|&b| mirrored_share(st, &own, a, b))
                .collect::<Vec<_>>()
        })
        .min_by_key(|p| p.cost);
    st.pairs = false;
    best
}

/// The other numerators of the distribution whose share has numerator `a` in `row` (the base
/// stays as it is: known or not, it says nothing of the pair).
fn partners(st: &State<'_>, row: u32, a: u8) -> Vec<u8> {
    let (defs, _) = st.cells(row);
    let Some(d) = defs
        .iter()
        .find(|d| d.kind == Kind::Share && d.numerator as u8 == a && d.group.is_some())
    else {
        return Vec::new();
    };
    defs.iter()
        .filter(|o| o.kind == Kind::Share && o.group == d.group && o.denominator == d.denominator)
        .map(|o| o.numerator as u8)
        .filter(|&b| b != a)
        .collect()
}

/// `own` (a table of measure `a`) with measure `b` moving the other way in every row it
/// changes, and the shares `b` that must go for it; `None` when that is no table.
fn mirrored_share(st: &State<'_>, own: &Plan, a: u8, b: u8) -> Option<Plan> {
    let mut delta = own.delta.clone();
    let mut hides = own.hides.clone();
    let mut cost = own.cost;
    for &((r, c), d) in &own.delta {
        if c != a {
            return None;
        }
        let nb = st.node_in(r, b);
        let v = st.t(nb) - d as i64;
        if v < 0 {
            return None;
        }
        if !st.bound_with(nb, &hides).contains(v) {
            let masks = st.hide_mask(nb);
            if masks.is_empty() {
                return None;
            }
            cost += masks.iter().map(|&(r, m)| st.hide_cost(r, m)).sum::<u64>();
            hides.extend(masks);
            if !st.bound_with(nb, &hides).contains(v) {
                return None;
            }
        }
        delta.push((nb, -d));
    }
    valid_with(st, &delta, &hides).then_some(Plan { delta, hides, cost })
}
