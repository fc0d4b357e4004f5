//! The publication being protected: the reader's view of it, the true value of every measure
//! of every row, and what a reader knows of each (row, measure) as values get hidden.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::wide::wide_relations;
pub use super::wide::{Wide, WIDE_LOOK};

use crate::indicators::{IndicatorDef, Kind, Measure, Measures, N_MEASURES};
use crate::model::{Population, Scale};
use crate::secrecy::reader::bounds::{alias, read_by, rest_bound};
use crate::secrecy::reader::bounds::{denominator_bounds, denominator_slot, row_bounds_given};
use crate::secrecy::reader::{row_bounds_hiding, Bound, Facts, RowKind, Total, View};
use crate::secrecy::{Cell, PublishedTable, Status};

/// A row of the view and one of its measures (after [`alias`]).
pub type Node = (u32, u8);

/// Bitmask of the values of a layer row (catalogue order of its population).
pub type Mask = u128;

/// Cost of hiding one value, by scale: the finest scales go first, the territory-wide ones
/// last (a complementary suppression is never placed at a coarser scale when a finer one
/// protects).
pub fn weight(scale: Scale) -> u64 {
    match scale {
        Scale::Cage => 1,
        Scale::Batiment => 2,
        Scale::Programme => 4,
        Scale::Iris => 24,
        Scale::Qva => 48,
        Scale::Qpv => 48,
        Scale::Commune => 120,
        Scale::Epci | Scale::Departement | Scale::Region => 1_000_000,
    }
}

/// Cost of leaving a total of the manifest out (it shows on no map).
const TOTAL_COST: u64 = 1;

/// The scales whose rows may hide a share without its distribution, with a paired table: those
/// whose distributions the audit checks sum by sum ([`crate::audit`], `sums`).
pub fn pairable(scale: Scale) -> bool {
    matches!(scale, Scale::Commune | Scale::Iris)
}

/// The ceiling of [`State::ceiling`] for a value at `scale` during the search.
pub fn search_ceiling(scale: Scale) -> u64 {
    weight(scale)
        .max(weight(Scale::Qpv))
        .min(weight(Scale::Commune))
}

pub struct State<'t> {
    pub view: View,
    pub facts: Facts,
    pub tables: &'t mut [PublishedTable],
    /// Table and position of each layer row.
    pub at: Vec<(u32, u32)>,
    /// True measures of every row of the view.
    pub truth: Vec<Measures>,
    /// Dwellings of every row (its first measure in `truth`), apart: the search reads it for
    /// every member of a relation it looks at, and a row of `truth` spans eleven cache lines.
    pub dwellings: Vec<i64>,
    /// Totals of the manifest still published.
    pub total_published: [bool; 4],
    /// By layer row: measures a published value gives exactly (a count, an `effectif`), and
    /// those it gives within the rounding of a share or mean (bit = measure after [`alias`]).
    pub known: Vec<(u128, u128)>,
    /// Rests a reader knows to be empty (see [`View::empty_rest`]).
    pub empty: Vec<bool>,
    /// The directions in which each row can never change ([`super::fixed`]), kept with
    /// `empty`.
    pub fixed: Vec<u8>,
    /// The heaviest scale weight (see [`weight`]) whose values may be hidden to protect the
    /// value at hand: its own scale or the zones (IRIS, QPV, QVA) for the search — a value it
    /// cannot protect so is left to the audit —, any scale once the audit found values
    /// determined (see [`super::reinforce`]).
    pub ceiling: u64,
    /// Whether a share of a commune or IRIS row goes alone, its distribution staying published
    /// ([`Self::hide_mask`]): only while a paired table is looked for (see
    /// [`super::paired`]), whose other share of the same distribution moves the other way.
    pub pairs: bool,
    /// Wide relations (module `wide`), by relation: their members that are not layer rows with
    /// the parent, then their layer children smallest first (dwellings, then row), for the
    /// search to look at the few smallest only.
    pub wide: HashMap<u32, Wide>,
    /// What a reader knows of every measure of every layer row from its own values as they
    /// stand (`N_MEASURES` per row, after [`alias`]): [`crate::secrecy::reader::row_bounds`]
    /// read once per row and again when the row's values are hidden, not on every look of the
    /// search.
    bounds: Vec<Bound>,
    /// The [`Self::row_mask`] of every measure of every layer row (distributions whole), kept
    /// like `bounds`.
    hide_masks: Vec<Mask>,
    /// The cells of the [`Self::republishable`] rows as they stood before the search first hid
    /// one of their values: what [`Self::publish`] gives back.
    originals: HashMap<u32, Vec<Cell>>,
    /// By point layer ([`point_layer`]): the values the primary rules let through, and those of
    /// them hidden now (`secret_secondaire`), for [`Self::scarcity`].
    layer_values: [(u64, u64); 6],
}

/// The index of the layer of a programme, bâtiment or cage row of `population` in
/// [`State::layer_values`].
fn point_layer(scale: Scale, population: Population) -> Option<usize> {
    let s = match scale {
        Scale::Programme => 0,
        Scale::Batiment => 1,
        Scale::Cage => 2,
        _ => return None,
    };
    Some(s * 2 + population as usize)
}

/// The share of its values a programme, bâtiment or cage layer is meant to keep published once
/// the primary rules have passed (U, docs/secret.md §6): under it plus [`ROOM`], hiding one of
/// its values costs more ([`State::scarcity`]).
fn objective(scale: Scale) -> f64 {
    match scale {
        Scale::Programme => 0.70,
        Scale::Batiment => 0.60,
        _ => 0.50,
    }
}

/// How far above its objective a layer keeps the plain cost of its values.
const ROOM: f64 = 0.10;

/// The largest factor [`State::scarcity`] puts on a value.
const MAX_SCARCITY: u64 = 8;

/// The factor on the cost of a value of a layer of `values` values (published or
/// `secret_secondaire`), `hidden` of them hidden, meant to keep the share `objective`
/// published: 1 from [`ROOM`] above it, then `ROOM / (U − objective)`, up to [`MAX_SCARCITY`]
/// near or under it. Hiding there a value of a finer layer (cost 2 a bâtiment value, 4 a
/// programme's) then costs more than a value of a coarser layer still well above its own.
fn scarcity(values: u64, hidden: u64, objective: f64) -> u64 {
    if values == 0 {
        return 1;
    }
    let u = 1.0 - hidden as f64 / values as f64;
    let above = (u - objective).max(ROOM / MAX_SCARCITY as f64);
    ((ROOM / above).ceil() as u64).clamp(1, MAX_SCARCITY)
}

impl<'t> State<'t> {
    pub fn new(
        view: View,
        facts: Facts,
        tables: &'t mut [PublishedTable],
        at: Vec<(u32, u32)>,
        layer_truth: Vec<Measures>,
    ) -> State<'t> {
        let n = view.len();
        let mut truth = layer_truth;
        truth.resize(n, [0; N_MEASURES]);
        // a rest is its parent less its other children; a total the sum of its members
        for rel in &view.relations {
            match rel.kind {
                crate::secrecy::reader::RelKind::Total => {
                    let mut s = [0i64; N_MEASURES];
                    for &c in &rel.children {
                        for (a, b) in s.iter_mut().zip(&truth[c as usize]) {
                            *a += b;
                        }
                    }
                    truth[rel.parent as usize] = s;
                }
                kind if kind.has_rest() => {
                    let rest = *rel
                        .children
                        .last()
                        .expect("relations with a rest end with it");
                    let mut s = truth[rel.parent as usize];
                    for &c in &rel.children[..rel.children.len() - 1] {
                        for (a, b) in s.iter_mut().zip(&truth[c as usize]) {
                            *a -= b;
                        }
                    }
                    truth[rest as usize] = s;
                }
                _ => {}
            }
        }
        let mut st = State {
            view,
            facts,
            tables,
            at,
            dwellings: truth
                .iter()
                .map(|t| t[Measure::Dwellings as usize])
                .collect(),
            truth,
            total_published: [true; 4],
            known: Vec::new(),
            empty: Vec::new(),
            fixed: Vec::new(),
            ceiling: u64::MAX,
            pairs: false,
            wide: HashMap::default(),
            bounds: Vec::new(),
            hide_masks: Vec::new(),
            originals: HashMap::default(),
            layer_values: [(0, 0); 6],
        };
        st.wide = wide_relations(&st.view, &st.truth);
        // every row on its own: in parallel, the same whatever the number of threads
        let n_layer = st.view.n_layer;
        st.known = (0..n_layer as u32)
            .into_par_iter()
            .map(|r| st.known_of(r))
            .collect();
        let mut bounds = vec![Bound::FREE; n_layer * N_MEASURES];
        let mut hide_masks = vec![0; n_layer * N_MEASURES];
        bounds
            .par_chunks_mut(N_MEASURES)
            .zip(hide_masks.par_chunks_mut(N_MEASURES))
            .enumerate()
            .for_each(|(r, (b, h))| st.row_cache(r as u32, b, h));
        st.bounds = bounds;
        st.hide_masks = hide_masks;
        let mut layer_values = [(0, 0); 6];
        for row in 0..n_layer as u32 {
            if let Some(l) = point_layer(st.scale(row), st.pop(row)) {
                for c in st.cells(row).1 {
                    let hidden = c.status == Status::SecretSecondaire;
                    if hidden || c.status.is_published() {
                        layer_values[l].0 += 1;
                        layer_values[l].1 += u64::from(hidden);
                    }
                }
            }
        }
        st.layer_values = layer_values;
        st.update_empty();
        st
    }

    /// Recomputes the cached bounds of layer row `row` from its values.
    fn refresh_bounds(&mut self, row: u32) {
        let at = row as usize * N_MEASURES;
        let mut bounds = [Bound::FREE; N_MEASURES];
        let mut masks = [0; N_MEASURES];
        self.row_cache(row, &mut bounds, &mut masks);
        self.bounds[at..at + N_MEASURES].copy_from_slice(&bounds);
        self.hide_masks[at..at + N_MEASURES].copy_from_slice(&masks);
    }

    /// The bounds that the values of layer row `row` give each measure, and the values giving
    /// each (see [`Self::row_mask`]).
    fn row_cache(&self, row: u32, bounds: &mut [Bound], masks: &mut [Mask]) {
        let pop = self.pop(row);
        let (defs, cells) = self.cells(row);
        // the share denominators, read by the bound of every numerator: once per row
        let dens: Vec<Bound> = denominator_bounds(defs, cells, pop, &self.facts).collect();
        let den = |d: usize| dens[denominator_slot(d)];
        for (m, (b, h)) in bounds.iter_mut().zip(masks.iter_mut()).enumerate() {
            *b = row_bounds_given(defs, cells, pop, m, &self.facts, den);
            *h = self.row_mask(row, m, false);
        }
    }

    /// The measures the published values of a layer row give, exactly and within rounding.
    fn known_of(&self, row: u32) -> (u128, u128) {
        let pop = self.pop(row);
        let (defs, cells) = self.cells(row);
        let (mut exact, mut rounded) = (0u128, 0u128);
        for (d, c) in defs.iter().zip(cells) {
            if !c.status.is_published() {
                continue;
            }
            if c.base.is_some() {
                exact |= 1 << alias(pop, d.base as usize);
            }
            let num = 1 << alias(pop, d.numerator as usize);
            match d.kind {
                Kind::Count => exact |= num,
                _ if d.denominator == Some(d.base) => rounded |= num,
                _ => {}
            }
        }
        (exact, rounded & !exact)
    }

    pub fn pop(&self, row: u32) -> Population {
        self.view.population(row)
    }

    pub fn scale(&self, row: u32) -> Scale {
        self.view.keys[row as usize].0
    }

    /// True value of a node.
    pub fn t(&self, (row, c): Node) -> i64 {
        self.truth[row as usize][c as usize]
    }

    /// Definitions and values of a layer row.
    pub fn cells(&self, row: u32) -> (&[&'static IndicatorDef], &[Cell]) {
        let (t, p) = self.at[row as usize];
        let tb = &self.tables[t as usize];
        (&tb.indicators, tb.row(p as usize))
    }

    /// The (row, measure) pairs a reader sees behind a node: the node itself, and for the
    /// households of a « récents » row the recent movers of its « ensemble » row (see
    /// [`View::canonical`]).
    pub fn faces(&self, (row, c): Node) -> [Option<(u32, usize)>; 2] {
        let second = (c == Measure::Households as u8 && self.pop(row) == Population::Recents)
            .then(|| self.view.ensemble_of[row as usize])
            .flatten()
            .map(|e| (e, Measure::RecentMovers as usize));
        [Some((row, c as usize)), second]
    }

    /// What a reader knows of a node now.
    pub fn bound(&self, node: Node) -> Bound {
        self.bound_with(node, &[])
    }

    /// What a reader would know of a node with the values `extra` (row, mask) hidden too.
    pub fn bound_with(&self, node: Node, extra: &[(u32, Mask)]) -> Bound {
        self.bound_with_more(node, extra, &[])
    }

    /// [`Self::bound_with`] with the values of `extra` and of `more` hidden.
    pub fn bound_with_more(
        &self,
        node: Node,
        extra: &[(u32, Mask)],
        more: &[(u32, Mask)],
    ) -> Bound {
        let mut b = Bound::FREE;
        for (row, m) in self.faces(node).into_iter().flatten() {
            let mask = extra
                .iter()
                .chain(more)
                .filter(|(r, _)| *r == row)
                .fold(0, |a, &(_, x)| a | x);
            let f = self.row_bound(row, m, mask);
            b.lo = b.lo.max(f.lo);
            b.hi = b.hi.min(f.hi);
            b.published |= f.published;
        }
        b
    }

    /// What a reader knows of measure `m` of one row, with its values `extra` hidden too.
    pub fn row_bound(&self, row: u32, m: usize, extra: Mask) -> Bound {
        let pop = self.pop(row);
        match self.view.kinds[row as usize] {
            RowKind::Layer => {
                let m = alias(pop, m);
                if extra & read_by(pop, m) == 0 {
                    self.bounds[row as usize * N_MEASURES + m]
                } else {
                    let (defs, cells) = self.cells(row);
                    row_bounds_hiding(defs, cells, extra, pop, m, &self.facts)
                }
            }
            RowKind::Rest(kind) => rest_bound(kind, pop, m, self.empty[row as usize]),
            RowKind::Total(t) => {
                if m == Measure::Dwellings as usize
                    && self.total_published[t as usize]
                    && extra == 0
                {
                    let v = self.truth[row as usize][m];
                    Bound {
                        lo: v,
                        hi: v,
                        published: true,
                    }
                } else {
                    Bound::FREE
                }
            }
        }
    }

    /// Whether `row` is a layer row of a single dwelling (or household): its household knows
    /// it, so no alternative table may change it but one protecting that row itself.
    pub fn single(&self, row: u32) -> bool {
        self.view.kinds[row as usize] == RowKind::Layer && self.dwellings[row as usize] == 1
    }

    /// Whether an alternative table may change a row of another value by `change` (net). A
    /// row of a single dwelling is fixed ([`Self::single`]); a « récents » row of a single
    /// household may still gain one: that household knows its own values, not that it is the
    /// only recent mover of its building.
    pub fn may_move(&self, row: u32, change: i32) -> bool {
        !self.single(row) || (self.pop(row) == Population::Recents && change > 0)
    }

    /// Whether a published value gives a node exactly.
    pub fn known_exactly(&self, node: Node) -> bool {
        self.faces(node).into_iter().flatten().any(|(row, m)| {
            (row as usize) < self.known.len() && self.known[row as usize].0 >> m & 1 == 1
        })
    }

    /// The node of `row` in the relations of measure `w`.
    pub fn node_in(&self, row: u32, w: u8) -> Node {
        self.view.canonical(row, w as usize)
    }

    /// The published values that tell a reader something about a node, with the whole
    /// distributions they belong to (a share is never hidden alone: the others of its
    /// distribution would give it back), by row; a published total of the manifest: `1`.
    /// With [`Self::pairs`], a share of a commune or IRIS row goes alone.
    pub fn hide_mask(&self, node: Node) -> Vec<(u32, Mask)> {
        let mut out = Vec::new();
        for (row, m) in self.faces(node).into_iter().flatten() {
            match self.view.kinds[row as usize] {
                RowKind::Layer => {
                    let mask = if self.pairs && pairable(self.scale(row)) {
                        self.row_mask(row, m, true)
                    } else {
                        self.hide_masks[row as usize * N_MEASURES + m]
                    };
                    if mask != 0 {
                        if weight(self.scale(row)) > self.ceiling {
                            return Vec::new();
                        }
                        out.push((row, mask));
                    }
                }
                RowKind::Total(t) if self.total_published[t as usize] => out.push((row, 1)),
                _ => {}
            }
        }
        out
    }

    /// The published values of `row` that give measure `c`, with their distributions (but for
    /// a share whose numerator is `c`, with `alone`).
    fn row_mask(&self, row: u32, c: usize, alone: bool) -> Mask {
        let pop = self.pop(row);
        let (defs, cells) = self.cells(row);
        let mut groups: Vec<&str> = Vec::new();
        let mut mask = 0;
        for (k, (d, cell)) in defs.iter().zip(cells).enumerate() {
            if !cell.status.is_published() {
                continue;
            }
            let base = alias(pop, d.base as usize) == c;
            let num = alias(pop, d.numerator as usize) == c
                && (d.kind == Kind::Count || d.denominator == Some(d.base));
            if alone && num && !base && d.kind == Kind::Share {
                mask |= 1 << k;
            } else if base || num {
                groups.push(d.distribution());
            }
        }
        for (k, (d, cell)) in defs.iter().zip(cells).enumerate() {
            if cell.status.is_published() && groups.contains(&d.distribution()) {
                mask |= 1 << k;
            }
        }
        mask
    }

    /// Cost of hiding the values `mask` of `row` (a total: of leaving it out).
    pub fn hide_cost(&self, row: u32, mask: Mask) -> u64 {
        match self.view.kinds[row as usize] {
            RowKind::Total(_) => TOTAL_COST,
            _ => {
                let (defs, _) = self.cells(row);
                let w = weight(self.scale(row)) * self.scarcity(row);
                let t = &self.truth[row as usize];
                (0..defs.len())
                    .filter(|&k| mask >> k & 1 == 1)
                    .map(|k| {
                        // a published zero implies the zeros below it: keep it if possible
                        let zero = t[alias(self.pop(row), defs[k].numerator as usize)] == 0;
                        if zero {
                            3 * w
                        } else {
                            w
                        }
                    })
                    .sum()
            }
        }
    }

    /// The factor on the cost of hiding a value of layer row `row` ([`scarcity`]): 1, but for a
    /// programme, bâtiment or cage layer (per population) whose published share (U) so far has
    /// come within [`ROOM`] of its [`objective`]. The « récents » layer of bâtiments holds few
    /// rows (13 on 18,000 dwellings, seed 5, against 57 of programmes), each next to absent
    /// « récents » rows of sibling bâtiments: with the plain costs, the value of an absent row
    /// was protected by hiding the sibling's (cost 2) rather than the programme's (4), until the
    /// bâtiments « récents » kept 0.53 of their values. A fixed higher cost for them moved the
    /// loss to the programmes of other territories instead (20,000 dwellings, seed 7:
    /// programmes « récents » 0.743 → 0.686); this one only rises where the layer runs short.
    pub fn scarcity(&self, row: u32) -> u64 {
        let Some(l) = point_layer(self.scale(row), self.pop(row)) else {
            return 1;
        };
        let (values, hidden) = self.layer_values[l];
        scarcity(values, hidden, objective(self.scale(row)))
    }

    /// Hides the values `mask` of `row` (`secret_secondaire`), or leaves a total out.
    pub fn hide(&mut self, row: u32, mask: Mask) -> u64 {
        match self.view.kinds[row as usize] {
            RowKind::Total(t) => {
                let was = self.total_published[t as usize];
                self.total_published[t as usize] = false;
                self.update_empty();
                u64::from(was)
            }
            RowKind::Layer => {
                let (t, p) = self.at[row as usize];
                if !self.originals.contains_key(&row) && self.republishable(row) {
                    let cells = self.tables[t as usize].row(p as usize).to_vec();
                    self.originals.insert(row, cells);
                }
                let hidden = hide_row(&mut self.tables[t as usize], p as usize, mask);
                if let Some(l) = point_layer(self.scale(row), self.pop(row)) {
                    self.layer_values[l].1 += hidden;
                }
                self.known[row as usize] = self.known_of(row);
                self.refresh_bounds(row);
                hidden
            }
            RowKind::Rest(_) => 0,
        }
    }

    /// Whether the values the search hides in `row` may be published again at the end
    /// ([`super::cleanup`]): those of zone rows (commune, QPV, QVA, IRIS). The « récents » rows
    /// of programmes, bâtiments and cages gave back about 0.01 of their values for 15 % more
    /// search at 300,000 dwellings (seed 7: 40 → 46 s): left out.
    pub fn republishable(&self, row: u32) -> bool {
        (row as usize) < self.view.n_layer && !self.scale(row).is_point()
    }

    /// Publishes again the values `mask` of layer row `row` that the search hid
    /// (`secret_secondaire` values the row had published before); returns how many.
    pub fn publish(&mut self, row: u32, mask: Mask) -> u64 {
        let Some(orig) = self.originals.get(&row) else {
            return 0;
        };
        let (t, p) = self.at[row as usize];
        let mut back = 0;
        let cells = self.tables[t as usize].row_mut(p as usize);
        for (k, (c, o)) in cells.iter_mut().zip(orig).enumerate() {
            if mask >> k & 1 == 1 && c.status == Status::SecretSecondaire && o.status.is_published()
            {
                *c = *o;
                back += 1;
            }
        }
        if back > 0 {
            if let Some(l) = point_layer(self.scale(row), self.pop(row)) {
                self.layer_values[l].1 -= back;
            }
            self.known[row as usize] = self.known_of(row);
            self.refresh_bounds(row);
        }
        back
    }

    /// The values of layer row `row` the search hid, by distribution (or single value): what
    /// [`Self::publish`] may give back, one mask at a time.
    pub fn hidden_groups(&self, row: u32) -> Vec<Mask> {
        let Some(orig) = self.originals.get(&row) else {
            return Vec::new();
        };
        let (defs, cells) = self.cells(row);
        let mut groups: Vec<(&str, Mask)> = Vec::new();
        for (k, (d, (c, o))) in defs.iter().zip(cells.iter().zip(orig)).enumerate() {
            if c.status != Status::SecretSecondaire || !o.status.is_published() {
                continue;
            }
            let g = d.distribution();
            match groups.iter_mut().find(|(x, _)| *x == g) {
                Some((_, m)) => *m |= 1 << k,
                None => groups.push((g, 1 << k)),
            }
        }
        groups.into_iter().map(|(_, m)| m).collect()
    }

    /// The measures of layer row `row` published with 0 as their low end that hiding its
    /// values `mask` may take away, pushed to `out`: only a zero so taken away may leave a zero
    /// below it (or beside it, in a rounding) implied no more.
    pub fn unshown_zeros(&self, row: u32, mask: Mask, out: &mut Vec<Node>) {
        let pop = self.pop(row);
        for m in 0..N_MEASURES {
            let a = alias(pop, m);
            let b = self.bounds[row as usize * N_MEASURES + a];
            if b.published && b.lo == 0 && mask & read_by(pop, a) != 0 {
                out.push((row, m as u8));
            }
        }
    }

    /// Whether a zero of a node is implied by a published zero of a row containing it
    /// ([`View::zero_implied`]).
    pub fn implied_zero(&self, node: Node, scratch: &mut Vec<u32>) -> bool {
        self.t(node) == 0
            && self.faces(node).into_iter().flatten().any(|(row, m)| {
                self.view
                    .zero_implied(row, m, &|a| self.row_bound(a, m, 0), scratch)
            })
    }

    fn update_empty(&mut self) {
        let totals = self.published_totals();
        // the dwelling counts known now (a count hidden later leaves the tables found with the
        // rest empty valid: they only keep more than the reader knows)
        let dw = Measure::Dwellings as usize;
        let dwellings = |x: u32| -> Option<i64> {
            let known = (x as usize) < self.known.len() && self.known[x as usize].0 >> dw & 1 == 1;
            known.then(|| self.truth[x as usize][dw])
        };
        self.empty = (0..self.view.len() as u32)
            .map(|r| self.view.empty_rest(r, &totals, dwellings))
            .collect();
        self.fixed = super::fixed::fixed_rows(&self.view, &self.dwellings, &self.empty);
    }

    /// The totals of the manifest as published (`None`: left out).
    pub fn published_totals(&self) -> [Option<i64>; 4] {
        Total::ALL.map(|t| {
            self.total_published[t as usize]
                .then(|| self.truth[self.view.total_row(t) as usize][Measure::Dwellings as usize])
        })
    }

    /// The totals left out.
    pub fn masked_totals(&self) -> Vec<String> {
        Total::ALL
            .iter()
            .filter(|t| !self.total_published[**t as usize])
            .map(|t| t.key().to_string())
            .collect()
    }
}

/// Hides the values `mask` of row `p` of `table` ([`hide_cells`]); returns how many were
/// published.
pub fn hide_row(table: &mut PublishedTable, p: usize, mask: Mask) -> u64 {
    let cells = table.row_mut(p);
    let before = cells.iter().filter(|c| c.status.is_published()).count();
    hide_cells(cells, mask);
    (before - cells.iter().filter(|c| c.status.is_published()).count()) as u64
}

/// Marks the values `mask` as `secret_secondaire` (those still published).
pub fn hide_cells(cells: &mut [Cell], mask: Mask) {
    for (k, c) in cells.iter_mut().enumerate() {
        if mask >> k & 1 == 1 && c.status.is_published() {
            c.status = Status::SecretSecondaire;
            c.value = None;
            c.base = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_near_its_objective_costs_more_to_hide() {
        // far above its objective: the plain cost
        assert_eq!(scarcity(500, 100, 0.60), 1);
        assert_eq!(scarcity(0, 0, 0.60), 1);
        // more than ROOM above it: still the plain cost
        assert_eq!(scarcity(1000, 290, 0.60), 1);
        // on the way down to the objective, rising
        let (a, b) = (scarcity(1000, 330, 0.60), scarcity(1000, 370, 0.60));
        assert!(1 < a && a < b && b < MAX_SCARCITY);
        // at or under its objective: the most
        assert_eq!(scarcity(1000, 400, 0.60), MAX_SCARCITY);
        assert_eq!(scarcity(1000, 900, 0.60), MAX_SCARCITY);
    }
}
