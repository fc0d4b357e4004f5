//! The attacker's view of a publication read from a file: the reader's view
//! ([`crate::secrecy::reader`]) of its rows, with their values in catalogue order, and what
//! they say about each measure of each row.

use crate::indicators::{self, IndicatorDef, N_MEASURES};
use crate::model::Population;
use crate::secrecy::reader::bounds::rest_bound;
use crate::secrecy::reader::{row_bounds, Bound, Facts, RowKey, RowKind, Total, View};
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
    /// Totals of the manifest, when known.
    pub totals: [Option<i64>; 4],
    pub facts: Option<Facts>,
}

fn defs(p: Population) -> &'static [&'static IndicatorDef] {
    use std::sync::OnceLock;
    static D: OnceLock<[Vec<&'static IndicatorDef>; 2]> = OnceLock::new();
    &D.get_or_init(|| Population::ALL.map(indicators::for_population))[p as usize]
}

impl AuditView {
    pub fn build(p: &Published, facts: Facts) -> AuditView {
        let mut keys: Vec<RowKey> = Vec::new();
        let mut value_index: Vec<Vec<Option<u32>>> = Vec::new();
        let mut cells: Vec<Vec<Cell>> = Vec::new();
        let mut at: rustc_hash::FxHashMap<RowKey, usize> = Default::default();
        for (i, v) in p.values.iter().enumerate() {
            let same = keys.last().is_some_and(|k| {
                (k.0, k.1, k.2, k.3.as_str()) == (v.scale, v.population, v.zone, v.code.as_str())
            });
            let row = if same {
                keys.len() - 1
            } else {
                let key = (v.scale, v.population, v.zone, v.code.clone());
                *at.entry(key.clone()).or_insert_with(|| {
                    let n = defs(v.population).len();
                    keys.push(key);
                    value_index.push(vec![None; n]);
                    cells.push(vec![ABSENT; n]);
                    keys.len() - 1
                })
            };
            let Some(slot) = defs(v.population)
                .iter()
                .position(|d| v.def.is_some_and(|x| std::ptr::eq(*d, x)))
            else {
                continue;
            };
            value_index[row][slot] = Some(i as u32);
            cells[row][slot] = Cell {
                value: v.value,
                base: v.base,
                status: v.status,
            };
        }
        let view = View::build(keys, &p.keys);
        AuditView {
            view,
            cells,
            value_index,
            totals: p.totals,
            facts: Some(facts),
        }
    }

    /// What the publication says of measure `m` of `row`.
    pub fn bound(&self, row: u32, m: usize) -> Bound {
        let pop = self.view.population(row);
        match self.view.kinds[row as usize] {
            RowKind::Layer => row_bounds(
                defs(pop),
                &self.cells[row as usize],
                pop,
                m,
                self.facts.as_ref().expect("facts"),
            ),
            RowKind::Rest(kind) => rest_bound(kind, pop, m, self.view.empty_rest(row, &self.totals)),
            RowKind::Total(t) => match self.totals[t as usize] {
                Some(v) if m == crate::indicators::Measure::Dwellings as usize => Bound {
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
