//! The attacker's view of a publication read from a file: the reader's view
//! ([`crate::secrecy::reader`]) of its rows, with their values in catalogue order, and what
//! they say about each measure of each row.

use rustc_hash::FxHashMap;

use crate::indicators::{self, IndicatorDef, Measure, N_MEASURES};
use crate::model::{Population, Scale, Split};
use crate::secrecy::reader::bounds::{
    denominator_bounds, denominator_slot, rest_bound, row_bounds_given, share_denominators,
};
use crate::secrecy::reader::{Bound, Facts, RowKey, RowKind, Total, View};
use crate::secrecy::{Cell, Status};

use super::read::Published;

/// A value absent from the file (an indicator of another version): says nothing.
const ABSENT: Cell = Cell {
    value: None,
    base: None,
    status: Status::Publie,
};

/// The view of a publication with the values of its rows.
#[derive(Debug, Clone, Default)]
pub struct AuditView {
    pub view: View,
    /// Values of each layer row, in [`indicators::for_population`] order.
    pub cells: Vec<Vec<Cell>>,
    /// Index in [`Published::values`] of each of them (`None`: absent from the file).
    pub value_index: Vec<Vec<Option<u32>>>,
    /// Rows absent from the file that a reader knows exist: the « récents » row of a unit of
    /// an « ensemble » layer, every value `secret_effectif` (they are audited too).
    pub phantom: Vec<bool>,
    /// Totals of the manifest, when known.
    pub totals: [Option<i64>; 4],
    pub facts: Option<Facts>,
    /// Rests a reader knows to be empty ([`View::empty_rest`]).
    pub empty: Vec<bool>,
    /// What the values of each layer row say of each measure of [`share_denominators`], in
    /// that order ([`denominator_bounds`]): read by the bound of every numerator of the row,
    /// computed once (the bounds of every measure of every row are asked).
    dens: Vec<Bound>,
    /// Values read (rows of the `indicateurs` table and values restored from the layers),
    /// and those of them not published.
    pub values: u64,
    pub unpublished: u64,
}

fn defs(p: Population) -> &'static [&'static IndicatorDef] {
    use std::sync::OnceLock;
    static D: OnceLock<[Vec<&'static IndicatorDef>; 2]> = OnceLock::new();
    &D.get_or_init(|| Population::ALL.map(indicators::for_population))[p as usize]
}

/// A row of the file: its values in catalogue order, and the index of each in
/// [`Published::values`].
type Row = (Vec<Cell>, Vec<Option<u32>>);

/// The rows of the file by (scale, population, zone), each with its code, in file order.
type Segments = FxHashMap<(Scale, Population, Split), Vec<(String, Row)>>;

/// The rows of the file by segment, each value at its slot of the catalogue.
fn segments(p: &Published) -> Segments {
    let mut segments: Segments = Default::default();
    let mut at: FxHashMap<RowKey, (usize, usize)> = Default::default();
    let mut last: Option<(RowKey, usize)> = None;
    for (i, v) in p.values.iter().enumerate() {
        let seg_key = (v.scale, v.population, v.zone);
        let pos = match &last {
            Some((k, pos))
                if (k.0, k.1, k.2, k.3.as_str()) == (v.scale, v.population, v.zone, &*v.code) =>
            {
                *pos
            }
            _ => {
                let key = (v.scale, v.population, v.zone, v.code.to_string());
                let seg = segments.entry(seg_key).or_default();
                let pos = match at.get(&key) {
                    Some(&(_, pos)) => pos,
                    None => {
                        let n = defs(v.population).len();
                        seg.push((v.code.to_string(), (vec![ABSENT; n], vec![None; n])));
                        at.insert(key.clone(), (0, seg.len() - 1));
                        seg.len() - 1
                    }
                };
                last = Some((key, pos));
                pos
            }
        };
        let Some(slot) = defs(v.population)
            .iter()
            .position(|d| v.def.is_some_and(|x| std::ptr::eq(*d, x)))
        else {
            continue;
        };
        let row = &mut segments.get_mut(&seg_key).expect("segment")[pos].1;
        row.1[slot] = Some(i as u32);
        row.0[slot] = Cell {
            value: v.value,
            base: v.base,
            status: v.status,
        };
    }
    segments
}

/// The layer rows in the view's order, with their values.
#[derive(Default)]
struct LayerRows {
    keys: Vec<RowKey>,
    cells: Vec<Vec<Cell>>,
    value_index: Vec<Vec<Option<u32>>>,
    phantom: Vec<bool>,
}

impl LayerRows {
    /// The rows of `segments` by scale: the « ensemble » rows of each zone, then the
    /// « récents » rows of each zone.
    fn in_view_order(mut segments: Segments) -> LayerRows {
        let mut rows = LayerRows::default();
        for scale in Scale::ALL {
            for zone in Split::ALL {
                for (code, row) in segments
                    .remove(&(scale, Population::Ensemble, zone))
                    .unwrap_or_default()
                {
                    rows.push((scale, Population::Ensemble, zone, code), row, false);
                }
            }
            for zone in Split::ALL {
                let rec = segments
                    .remove(&(scale, Population::Recents, zone))
                    .unwrap_or_default();
                rows.push_recents(scale, zone, rec);
            }
        }
        rows
    }

    /// The « récents » rows `rec` of `scale` and `zone`: first one per « ensemble » row already
    /// taken, in its order (a [`phantom_row`] when the file has none: every unit of an
    /// « ensemble » layer has a « récents » row, written or not, and one not written rests on
    /// fewer than `min_units` dwellings, see `PublishedTable::written`), then those without an
    /// « ensemble » row (files of other versions), by code.
    fn push_recents(&mut self, scale: Scale, zone: Split, rec: Vec<(String, Row)>) {
        let mut rec: FxHashMap<String, Row> = rec.into_iter().collect();
        let n = defs(Population::Recents).len();
        let ens: Vec<String> = self
            .keys
            .iter()
            .filter(|k| k.0 == scale && k.1 == Population::Ensemble && k.2 == zone)
            .map(|k| k.3.clone())
            .collect();
        for code in ens {
            let (row, absent) = match rec.remove(&code) {
                Some(row) => (row, false),
                None => (phantom_row(n), true),
            };
            self.push((scale, Population::Recents, zone, code), row, absent);
        }
        // « récents » rows without an « ensemble » row (files of other versions)
        let mut rest: Vec<(String, Row)> = rec.into_iter().collect();
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        for (code, row) in rest {
            self.push((scale, Population::Recents, zone, code), row, false);
        }
    }

    /// Appends row `key` with its values (`phantom`: absent from the file).
    fn push(&mut self, key: RowKey, row: Row, phantom: bool) {
        self.keys.push(key);
        self.cells.push(row.0);
        self.value_index.push(row.1);
        self.phantom.push(phantom);
    }
}

/// A « récents » row absent from the file, of `n` values: every value `secret_effectif`.
fn phantom_row(n: usize) -> Row {
    let c = Cell {
        value: None,
        base: None,
        status: Status::SecretEffectif,
    };
    (vec![c; n], vec![None; n])
}

impl AuditView {
    /// The view of publication `p` (its rows in the view's order) with the rests
    /// known empty.
    pub fn build(p: &Published, facts: Facts) -> AuditView {
        let rows = LayerRows::in_view_order(segments(p));
        let view = View::build(rows.keys, &p.keys);
        let mut av = AuditView {
            view,
            cells: rows.cells,
            value_index: rows.value_index,
            phantom: rows.phantom,
            totals: p.totals,
            facts: Some(facts),
            empty: Vec::new(),
            dens: Vec::new(),
            values: p.values.len() as u64,
            unpublished: p.values.iter().filter(|v| !v.status.is_published()).count() as u64,
        };
        av.dens = av.denominator_bounds();
        // rests known empty, once (bounds of rests are asked for every measure of every group)
        av.empty = av.known_empty_rests();
        av
    }

    /// [`Self::dens`] of every layer row.
    fn denominator_bounds(&self) -> Vec<Bound> {
        let facts = self.facts.as_ref().expect("facts");
        (0..self.cells.len() as u32)
            .flat_map(|row| {
                let pop = self.view.population(row);
                denominator_bounds(defs(pop), &self.cells[row as usize], pop, facts)
            })
            .collect()
    }

    /// Whether each row of the view is a rest known empty ([`View::empty_rest`]), from the
    /// exact dwelling counts.
    fn known_empty_rests(&self) -> Vec<bool> {
        let dw = Measure::Dwellings as usize;
        (0..self.view.len() as u32)
            .map(|r| {
                self.view.empty_rest(r, &self.totals, |x| {
                    let b = self.bound(x, dw);
                    b.exact().then_some(b.lo)
                })
            })
            .collect()
    }

    /// What the publication says of measure `m` of `row`.
    pub fn bound(&self, row: u32, m: usize) -> Bound {
        let pop = self.view.population(row);
        match self.view.kinds[row as usize] {
            RowKind::Layer => {
                let at = row as usize * share_denominators().len();
                row_bounds_given(
                    defs(pop),
                    &self.cells[row as usize],
                    pop,
                    m,
                    self.facts.as_ref().expect("facts"),
                    |d| self.dens[at + denominator_slot(d)],
                )
            }
            RowKind::Rest(kind) => rest_bound(
                kind,
                pop,
                m,
                self.empty.get(row as usize).copied().unwrap_or(false),
            ),
            RowKind::Total(t) => match self.totals[t as usize] {
                Some(v) if m == Measure::Dwellings as usize => Bound {
                    lo: v,
                    hi: v,
                    published: true,
                },
                _ => Bound::FREE,
            },
        }
    }

    /// [`Self::bound`] of measure `m` for every row.
    pub fn measure_bounds(&self, m: usize) -> Vec<Bound> {
        (0..self.view.len() as u32)
            .map(|r| self.bound(r, m))
            .collect()
    }

    /// Definitions of the values of a layer row.
    pub fn defs(&self, row: u32) -> &'static [&'static IndicatorDef] {
        defs(self.view.population(row))
    }

    /// Whether a containing row has measure `m` published as 0 (`bounds` of `m`).
    pub fn zero_above(&self, bounds: &[Bound], row: u32, m: usize, scratch: &mut Vec<u32>) -> bool {
        self.view.ancestors(row, m, scratch);
        scratch.iter().any(|&a| {
            let b = bounds[a as usize];
            b.published && b.lo == 0 && b.hi == 0
        })
    }

    /// Number of measures.
    pub const MEASURES: usize = N_MEASURES;

    /// The total row of `t` in the view.
    pub fn total_row(&self, t: Total) -> u32 {
        self.view.total_row(t)
    }
}
