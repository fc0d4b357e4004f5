//! Secondary suppression: every unpublished value is protected by the cheapest complementary
//! suppressions, and proven protected.
//!
//! # What protects a value
//! A reader knows the published values, the statuses and the relations of
//! [`super::reader::view`]. An unpublished value is protected when an *alternative table*
//! exists — other true values keeping every published value, every relation, every fact the
//! statuses state and every count non-negative — in which it changes enough to show otherwise
//! ([`super::reader::disclosure`]): for a count or a share of a known base, its numerator moves
//! by a unit (by the shown precision for a large base); for a share or a mean whose base is
//! hidden too, its denominator moves. Zeros implied by a published zero of a containing row
//! need nothing. This is the linear test of GaussSuppression with non-negativity, the facts of
//! the statuses and the rounding of the published values (a change may stay within the
//! rounding of a published share), and a proof for each value rather than a rank.
//!
//! # Which values go
//! Everything the primary rules allow starts published. The values to protect are taken one
//! by one, coarsest scale first; for each, the search (the simple tables of [`plan`], then the
//! depth-first search of [`dfs`]) looks for an alternative table through it, balancing each
//! relation it touches by changing a rest or a member already
//! unknown whenever it can, and otherwise a member whose values must then be hidden — the
//! cheapest: cages before bâtiments, bâtiments before programmes, then IRIS, QVA and QPV,
//! communes last, the smallest row at equal scale (costs in [`state::weight`]); a whole
//! distribution goes at once, never a single share — but in commune and IRIS rows, where a
//! share may go with one other share of its distribution, the table moving them the opposite
//! way ([`pairs`]), when that costs less. A hidden value becomes a value to protect
//! in turn (the table found usually protects it already). An alternative table stays valid as
//! more values are hidden, so the rounds stop when every value to protect has one. Then the
//! values hidden in zone rows that no table needs any more are published again ([`cleanup`]).
//! Last, a « récents » row showing one of its two counts (equal) and hiding the other hides
//! what tells the first, and the search resumes for those values with tables moving both counts
//! alike ([`counts`]).
//!
//! A value never makes a coarser scale than its own (or than the zones) hide values
//! ([`state::search_ceiling`]); the values left without a table so are then searched again with
//! communes allowed. EPCI, département and région values are never hidden by the search: a
//! value only they would protect is left to the audit, and to [`reinforce`] if it is found
//! determined.
//!
//! The tables found are handed to the audit as [`super::Certificates`]. The result depends only
//! on the codes of the units and the order of the catalogue: the same whatever the input order
//! or the number of threads.

pub mod cleanup;
mod counts;
mod dfs;
mod fixed;
mod needs;
mod pairs;
mod plan;
pub mod reinforce;
pub mod state;
mod wide;

use std::time::Instant;

use rustc_hash::FxHashMap as HashMap;

use super::certificates::{Certificates, Tables};
use super::keys::{key_map, unit_code, SecondaryInput};
use super::reader::{Facts, RowKey, View};
use super::{PublishedTable, SecondaryReport};
use crate::aggregate::Aggregates;
use crate::config::SecrecySection;
use crate::indicators::{Measures, N_MEASURES};
use dfs::Dfs;
use needs::{Need, Open};
use pairs::paired;
use plan::{sibling, structure_parent, through_parent, valid, Plan};
use state::{Node, State};

/// Largest change seen at each measure of each layer row, upwards and downwards (the needs are
/// all on layer rows).
struct Cover(Vec<(i32, i32)>);

impl Cover {
    fn new(n_layer: usize) -> Cover {
        Cover(vec![(0, 0); n_layer * N_MEASURES])
    }

    fn satisfies(&self, n: &Need) -> bool {
        let (up, down) = self.0[slot(n.node)];
        up >= n.q || (!n.up && down >= n.q)
    }

    fn add(&mut self, delta: &[(Node, i32)]) {
        for &(node, d) in delta {
            let Some(e) = self.0.get_mut(slot(node)) else {
                continue;
            };
            if d > 0 {
                e.0 = e.0.max(d);
            } else {
                e.1 = e.1.max(-d);
            }
        }
    }
}

/// The place of a node of a layer row in the per-node arrays of the search.
fn slot((row, m): Node) -> usize {
    row as usize * N_MEASURES + m as usize
}

/// No table (in `via`).
const NONE: u32 = u32::MAX;

/// Whether no alternative table can move the node of `need` as it asks: its row can change
/// in neither allowed direction ([`fixed`]). A single dwelling's own row may move, so its
/// needs are left to the search.
fn immovable(st: &State<'_>, need: &Need) -> bool {
    !st.single(need.node.0)
        && fixed::forbids(&st.fixed, need.node, need.q)
        && (need.up || fixed::forbids(&st.fixed, need.node, -need.q))
}

/// A free table between the node and a sibling (see [`plan::sibling`]), either way.
fn free_sibling(st: &State<'_>, need: &Need) -> Option<Plan> {
    sibling(st, need.node, need.q, false).or_else(|| {
        (!need.up)
            .then(|| sibling(st, need.node, -need.q, false))
            .flatten()
    })
}

/// The alternative table of an earlier node of the same row, moved onto `need`'s measure.
fn replay(st: &State<'_>, shape: &[(Node, i32)], need: &Need) -> Option<Vec<(Node, i32)>> {
    let (row, c) = need.node;
    let own = shape.iter().find(|((r, _), _)| *r == row)?.1.signum();
    for s in [1, -1] {
        if need.up && s < 0 {
            continue;
        }
        let delta: Vec<(Node, i32)> = shape
            .iter()
            .map(|&((r, _), d)| (st.node_in(r, c), d.signum() * own * s * need.q))
            .collect();
        if delta.iter().any(|&(n, _)| n == need.node) && valid(st, &delta) {
            return Some(delta);
        }
    }
    None
}

/// The cheaper of two plans (the first on a tie).
fn cheaper(a: Option<Plan>, b: Option<Plan>) -> Option<Plan> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.cost < a.cost { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The cheapest table through `need` that may hide values: the depth-first search, and the
/// swap with a sibling whose values go.
fn search(st: &State<'_>, need: &Need) -> Option<Plan> {
    let searched = Dfs::solve(st, need.node, need.q).or_else(|| {
        (!need.up)
            .then(|| Dfs::solve(st, need.node, -need.q))
            .flatten()
    });
    if searched.as_ref().is_some_and(|p| p.cost == 0) {
        return searched;
    }
    let greedy = [need.q, -need.q]
        .into_iter()
        .filter(|&c| c > 0 || !need.up)
        .filter_map(|c| sibling(st, need.node, c, true))
        .min_by_key(|p| p.cost);
    cheaper(searched, greedy)
}

/// Hides partners of the values the audit found determined (see [`reinforce`]); returns the
/// number of values hidden.
pub fn reinforce(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    tables: &mut [PublishedTable],
    params: &SecrecySection,
    found: &[reinforce::Determined],
    earlier: &[reinforce::Determined],
) -> u64 {
    let mut st = state_of(aggs, input, tables, params);
    reinforce::reinforce(&mut st, found, earlier) + counts::cohere(&mut st)
}

/// The search state over `tables`: the reader's view of every row, with the true measures.
fn state_of<'t>(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    tables: &'t mut [PublishedTable],
    params: &SecrecySection,
) -> State<'t> {
    let mut keys: Vec<RowKey> = Vec::new();
    let mut at = Vec::new();
    let mut truth: Vec<Measures> = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        let agg = aggs
            .table(t.scale, t.population, t.split)
            .expect("published tables come from the aggregates");
        for (pos, &u) in t.units.iter().enumerate() {
            keys.push((
                t.scale,
                t.population,
                t.split,
                unit_code(t.scale, u as usize, input),
            ));
            at.push((ti as u32, pos as u32));
            truth.push(agg.measures[u as usize]);
        }
    }
    let view = View::build(keys, &key_map(aggs, input));
    State::new(view, Facts::from(params), tables, at, truth)
}

/// Runs the secondary suppression over `tables` (primary statuses set) and returns its report,
/// the alternative tables found and the values published again at the end ([`cleanup`]); with
/// `pairs`, [`pairs::paired`] tables are looked for. The search starts from the tables
/// `earlier` (each an alternative table of `tables` still: a repair only hides more; none for
/// a first search) and looks for what they do not meet.
pub fn suppress(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    tables: &mut [PublishedTable],
    params: &SecrecySection,
    pairs: bool,
    cautious: bool,
    earlier: Tables,
) -> (SecondaryReport, Certificates, cleanup::Republished) {
    let start = Instant::now();
    let mut st = state_of(aggs, input, tables, params);
    let mut report = SecondaryReport {
        paires: pairs,
        ..SecondaryReport::default()
    };
    let mut found = Found::resume(st.view.n_layer, earlier, HashMap::default());
    let mut rounds = Open::first(&st, pairs, &|n| found.open(n));
    search_rounds(
        &mut st,
        &mut found,
        &mut rounds,
        &mut report,
        pairs,
        Coupling::No,
    );
    let (deltas, republished) = cleanup::cleanup(&mut st, found.deltas, pairs);
    report.republiees = republished.count();
    report.masquees -= republished.count();
    let coupling = if cautious {
        Coupling::Free
    } else {
        Coupling::Hiding
    };
    let (deltas, unprotected) =
        cohere_and_protect(&mut st, deltas, found.failed, &mut report, pairs, coupling);
    report.non_protegees = unprotected as u64;
    report.preuves = deltas.len() as u64;
    report.totaux_masques = st.masked_totals();
    report.secondes = start.elapsed().as_secs_f64();
    let certificates = Certificates {
        keys: st.view.keys.clone(),
        kinds: st.view.kinds.clone(),
        truth: std::mem::take(&mut st.truth),
        deltas,
    };
    (report, certificates, republished)
}

/// Whether the tables of a search must move the two counts of every « récents » row alike
/// ([`counts::coupled`]), and may hide values for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coupling {
    No,
    Hiding,
    /// Tables that hide nothing more only (the rounds' second start, `rounds::Rounds`).
    Free,
}

/// The rounds of the search, from the needs of `rounds` until a round meets none; the tables
/// as `coupled` says.
fn search_rounds(
    st: &mut State<'_>,
    found: &mut Found,
    rounds: &mut Open,
    report: &mut SecondaryReport,
    pairs: bool,
    coupled: Coupling,
) {
    let mut first = true;
    loop {
        report.tours += 1;
        if !first {
            rounds.next(st, pairs, &|n| found.open(n));
        }
        first = false;
        let needs = std::mem::take(&mut rounds.needs);
        report.besoins += needs.len() as u64;
        let mut progress = false;
        for (_, need) in &needs {
            if found.cover.satisfies(need) {
                continue;
            }
            st.ceiling = state::search_ceiling(st.scale(need.node.0));
            let Some((need, paired_plan)) = found.what_moves(st, need) else {
                continue;
            };
            if immovable(st, &need) {
                found.fail(need.node);
                continue;
            }
            let plan = found.plan(st, &need, paired_plan, pairs);
            let plan = match (plan, coupled) {
                (p, Coupling::No) => p,
                // hiding nothing more: the publication stays that of the search and `cohere`
                (Some(p), Coupling::Free) if !p.hides.is_empty() => None,
                (Some(Plan { delta, hides, cost }), _) => counts::coupled(st, delta, &hides, &need)
                    .map(|delta| Plan { delta, hides, cost }),
                (None, _) => None,
            };
            let Some(Plan { delta, hides, .. }) = plan else {
                found.fail(need.node);
                continue;
            };
            for (r, mask) in hides {
                rounds.hiding(st, r, mask);
                report.masquees += st.hide(r, mask);
            }
            found.record(&delta);
            progress = true;
        }
        report.non_protegees = found.failed.len() as u64;
        let done = !progress || needs.is_empty();
        rounds.needs = needs;
        if done {
            // the values no table under their ceiling protects are left to the audit, then
            // to the repairs after it
            break;
        }
    }
}

/// Rounds of [`counts::cohere`] and of the search with tables moving the two counts of every
/// « récents » row alike, at most.
const COHERE_ROUNDS: u32 = 3;

/// Hides, in the « récents » rows showing one of their two counts and hiding the other, what
/// tells the one shown ([`counts::cohere`]), and protects those values by tables that move both
/// counts alike — the reader knows them equal — searched for the needs the tables `deltas`
/// (with the nodes `failed` left without one) do not meet. Ends with the two counts of every
/// « récents » row shown together or hidden together; returns every table and the number of
/// nodes left without one.
fn cohere_and_protect(
    st: &mut State<'_>,
    deltas: Tables,
    failed: HashMap<Node, u8>,
    report: &mut SecondaryReport,
    pairs: bool,
    coupling: Coupling,
) -> (Tables, usize) {
    let hidden = counts::cohere(st);
    report.masquees += hidden;
    if hidden == 0 {
        return (deltas, failed.len());
    }
    let mut searched = Found::resume(st.view.n_layer, deltas, failed);
    for _ in 0..COHERE_ROUNDS {
        let mut rounds = Open::first(st, pairs, &|n| searched.open(n));
        search_rounds(st, &mut searched, &mut rounds, report, pairs, coupling);
        let hidden = counts::cohere(st);
        report.masquees += hidden;
        if hidden == 0 {
            break;
        }
    }
    let unprotected = searched.failed.len();
    (searched.deltas, unprotected)
}

/// The alternative tables found so far by [`suppress`], and what they say of each row.
struct Found {
    cover: Cover,
    deltas: Tables,
    /// Last alternative table through each layer row.
    last: Vec<Option<u32>>,
    /// A table raising each measure of each layer row, for the other children of that row.
    via: Vec<u32>,
    /// Nodes no table was found for, and how many times (tried twice at most).
    failed: HashMap<Node, u8>,
}

impl Found {
    fn new(n_layer: usize) -> Self {
        Found {
            cover: Cover::new(n_layer),
            deltas: Tables::default(),
            last: vec![None; n_layer],
            via: vec![NONE; n_layer * N_MEASURES],
            failed: HashMap::default(),
        }
    }

    /// A need no table meets yet, and not left without a table twice.
    fn open(&self, n: &Need) -> bool {
        !self.cover.satisfies(n) && self.failed.get(&n.node).is_none_or(|&k| k < 2)
    }

    /// The search resumed from the tables `deltas` (each still valid), with the nodes it found
    /// no table for.
    fn resume(n_layer: usize, deltas: Tables, failed: HashMap<Node, u8>) -> Self {
        let mut found = Found::new(n_layer);
        found.failed = failed;
        for d in deltas.iter() {
            found.record(d);
        }
        found
    }

    fn fail(&mut self, node: Node) {
        *self.failed.entry(node).or_default() += 1;
    }

    /// What must move for `need`: a share over a base the reader does not know moves by a
    /// paired table (returned with it), else its base moves; `None` when that base is met.
    fn what_moves(&self, st: &mut State<'_>, need: &Need) -> Option<(Need, Option<Plan>)> {
        let Some(base) = need.base else {
            return Some((*need, None));
        };
        if let Some(p) = paired(st, need) {
            return Some((*need, Some(p)));
        }
        let n = Need {
            node: base,
            up: false,
            q: 1,
            base: None,
        };
        (!self.cover.satisfies(&n)).then_some((n, None))
    }

    /// A table for `need`: the paired one already found, else the shape of the last table
    /// through its row, the table through its structure parent, a free sibling, and last the
    /// search (against a paired table, the cheaper).
    fn plan(
        &self,
        st: &mut State<'_>,
        need: &Need,
        paired_plan: Option<Plan>,
        pairs: bool,
    ) -> Option<Plan> {
        if paired_plan.is_some() {
            return paired_plan;
        }
        let row = need.node.0 as usize;
        let by_parent = || {
            let p = structure_parent(&st.view, need.node.0)?;
            let id = self
                .via
                .get(slot((p, need.node.1)))
                .copied()
                .filter(|&i| i != NONE)?;
            through_parent(st, self.deltas.get(id), need.node, need.q)
        };
        let known = self.last[row]
            .and_then(|i| replay(st, self.deltas.get(i), need))
            .or_else(by_parent)
            .map(|d| Plan {
                delta: d,
                ..Plan::default()
            })
            .or_else(|| free_sibling(st, need));
        if known.is_some() {
            return known;
        }
        let found = search(st, need);
        let pair = if !pairs || found.as_ref().is_some_and(|p| p.cost == 0) {
            None
        } else {
            paired(st, need)
        };
        cheaper(found, pair)
    }

    /// Keeps the table `delta`.
    fn record(&mut self, delta: &[(Node, i32)]) {
        self.cover.add(delta);
        let id = self.deltas.len() as u32;
        for &((r, c), d) in delta {
            if (r as usize) < self.last.len() {
                self.last[r as usize] = Some(id);
                if d > 0 {
                    self.via[slot((r, c))] = id;
                }
            }
        }
        self.deltas.push(delta);
    }
}
