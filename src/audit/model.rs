//! The attacker's view of a publication: cells, the relations between them that the layer keys
//! reveal, and what the published values say about each measure of each cell.
//!
//! Relations (for every measure, each population and QPV part separately):
//! * structure: bâtiment = Σ cages (`code_batiment`), programme = Σ bâtiments
//!   (`code_programme`);
//! * administrative: EPCI, département, région = Σ communes (`code_epci`, `code_departement`,
//!   `code_region`);
//! * QPV parts: tout = partie QPV + partie hors QPV + reste ≥ 0 (dwellings with no known part);
//! * IRIS: commune = Σ IRIS (`code_commune`) + reste ≥ 0 (dwellings not located);
//! * QPV and QVA: with a single région, région (partie QPV) ≥ Σ QPV, région ≥ Σ QVA;
//! * populations: ensemble = récents + reste ≥ 0, unit by unit.
//!
//! A published count gives its measure exactly; a published `effectif` gives the base measure;
//! a share or mean whose denominator is its base gives its numerator within the rounding of the
//! shown value (one decimal for %, two for means), as whole numbers.

use rustc_hash::FxHashMap as HashMap;

use super::read::{Published, Value};
use crate::indicators::{self, IndicatorDef, Kind};
use crate::model::{Population, Scale, Split};

/// `(scale, population, zone, code)`.
pub type CellKey = (Scale, Population, Split, String);

/// One published row.
#[derive(Debug, Clone)]
pub struct CellInfo {
    pub key: CellKey,
    /// Indices in [`Published::values`].
    pub values: Vec<usize>,
    /// Cells containing this one (direct parents).
    pub parents: Vec<u32>,
}

/// `parent = Σ children (+ rest ≥ 0 when `rest`)`.
#[derive(Debug, Clone)]
pub struct Relation {
    pub parent: u32,
    pub children: Vec<u32>,
    pub rest: bool,
}

/// Cells and relations of a publication.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub cells: Vec<CellInfo>,
    pub index: HashMap<CellKey, u32>,
    pub relations: Vec<Relation>,
}

impl View {
    pub fn build(p: &Published) -> View {
        let mut v = View::default();
        for (i, val) in p.values.iter().enumerate() {
            // the values of a row follow each other in the table
            if let Some(last) = v.cells.last_mut() {
                let k = &last.key;
                if (k.0, k.1, k.2, k.3.as_str())
                    == (val.scale, val.population, val.zone, val.code.as_str())
                {
                    last.values.push(i);
                    continue;
                }
            }
            let key = (val.scale, val.population, val.zone, val.code.clone());
            let id = *v.index.entry(key.clone()).or_insert_with(|| {
                v.cells.push(CellInfo {
                    key,
                    values: Vec::new(),
                    parents: Vec::new(),
                });
                (v.cells.len() - 1) as u32
            });
            v.cells[id as usize].values.push(i);
        }
        let regions: Vec<&String> = v
            .cells
            .iter()
            .filter(|c| c.key.0 == Scale::Region && c.key.2 == Split::Tout)
            .map(|c| &c.key.3)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let single_region = (regions.len() == 1).then(|| regions[0].clone());
        // (parent, kind, child scale) → children; kinds: 0 exact sum, 1 population, 2 QPV parts,
        // 3 part of the parent with a rest (IRIS, QPV, QVA)
        let mut rels: HashMap<(u32, u8, Scale), Vec<u32>> = HashMap::default();
        let n = v.cells.len();
        for id in 0..n as u32 {
            let (scale, pop, zone, code) = v.cells[id as usize].key.clone();
            let mut parents: Vec<(u32, u8)> = Vec::new();
            let find = |s: Scale, p: Population, z: Split, c: &str| {
                v.index.get(&(s, p, z, c.to_string())).copied()
            };
            let key = |col: &str| {
                p.keys
                    .get(&(scale, code.clone()))
                    .and_then(|m| m.get(col))
                    .cloned()
            };
            if pop == Population::Recents {
                if let Some(e) = find(scale, Population::Ensemble, zone, &code) {
                    parents.push((e, 1));
                }
            }
            if zone != Split::Tout {
                if let Some(t) = find(scale, pop, Split::Tout, &code) {
                    parents.push((t, 2));
                }
            }
            let mut by_key = |col: &str, s: Scale, z: Split, kind: u8| {
                if let Some(c) = key(col) {
                    if let Some(pid) = find(s, pop, z, &c) {
                        parents.push((pid, kind));
                    }
                }
            };
            match scale {
                Scale::Cage => by_key("code_batiment", Scale::Batiment, zone, 0),
                Scale::Batiment => by_key("code_programme", Scale::Programme, zone, 0),
                Scale::Commune => {
                    by_key("code_epci", Scale::Epci, zone, 0);
                    by_key("code_departement", Scale::Departement, zone, 0);
                    by_key("code_region", Scale::Region, zone, 0);
                }
                Scale::Departement => by_key("code_region", Scale::Region, zone, 0),
                Scale::Iris => by_key("code_commune", Scale::Commune, Split::Tout, 3),
                Scale::Qpv | Scale::Qva => {
                    if let Some(r) = &single_region {
                        let z = if scale == Scale::Qpv {
                            Split::Qpv
                        } else {
                            Split::Tout
                        };
                        if let Some(pid) = find(Scale::Region, pop, z, r) {
                            parents.push((pid, 3));
                        }
                    }
                }
                _ => {}
            }
            for &(pid, kind) in &parents {
                rels.entry((pid, kind, scale)).or_default().push(id);
            }
            v.cells[id as usize].parents = parents.iter().map(|&(p, _)| p).collect();
        }
        let mut keys: Vec<(u32, u8, Scale)> = rels.keys().copied().collect();
        keys.sort_unstable();
        for k in keys {
            let mut children = rels.remove(&k).expect("key");
            children.sort_unstable();
            v.relations.push(Relation {
                parent: k.0,
                children,
                rest: k.1 != 0,
            });
        }
        v
    }

    /// Direct and indirect parents of `cell`.
    pub fn ancestors(&self, cell: u32) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut stack = vec![cell];
        while let Some(c) = stack.pop() {
            for &p in &self.cells[c as usize].parents {
                if !out.contains(&p) {
                    out.push(p);
                    stack.push(p);
                }
            }
        }
        out
    }
}

/// What the published values of one cell say about one measure: `[lo, hi]` in whole units.
pub fn known_bounds(values: &[&Value], m: usize) -> Option<(i64, i64)> {
    let mut b = None;
    for v in values {
        if let Some(d) = def_of(v) {
            meet(&mut b, value_bounds(v, d, m));
        }
    }
    b
}

/// Intersects `acc` with `[lo, hi]` (nothing to add when `None`).
fn meet(acc: &mut Option<(i64, i64)>, b: Option<(i64, i64)>) {
    if let Some((lo, hi)) = b {
        *acc = Some(match *acc {
            None => (lo.max(0), hi),
            Some((a, c)) => (a.max(lo).max(0), c.min(hi)),
        });
    }
}

/// What one published value (of catalogue entry `d`) says about measure `m`.
fn value_bounds(v: &Value, d: &IndicatorDef, m: usize) -> Option<(i64, i64)> {
    if !v.status.is_published() {
        return None;
    }
    let mut acc = None;
    if let Some(b) = v.base {
        if d.base as usize == m {
            meet(&mut acc, Some((b, b)));
        }
    }
    let Some(x) = v.value else { return acc };
    if d.numerator as usize != m {
        return acc;
    }
    let from_value = match (d.kind, d.denominator, v.base) {
        (Kind::Count, _, _) => {
            let r = x.round() as i64;
            Some((r, r))
        }
        (Kind::Share, Some(den), Some(b)) if den == d.base => {
            let b = b as f64;
            let a = ((x - 0.05) * b / 100.0 - 1e-9).ceil() as i64;
            let c = ((x + 0.05) * b / 100.0 + 1e-9).floor() as i64;
            Some((a.max(0), c))
        }
        (Kind::Mean { scale }, Some(den), Some(b)) if den == d.base => {
            let f = (scale * b) as f64;
            let a = ((x - 0.005) * f - 1e-6).ceil() as i64;
            let c = ((x + 0.005) * f + 1e-6).floor() as i64;
            Some((a.max(0), c))
        }
        _ => None,
    };
    meet(&mut acc, from_value);
    acc
}

/// For every measure, the published values that say something about it: `(cell, value)`.
pub fn values_by_measure(p: &Published, view: &View) -> Vec<Vec<(u32, u32)>> {
    let mut out = vec![Vec::new(); indicators::N_MEASURES];
    for (c, cell) in view.cells.iter().enumerate() {
        for &i in &cell.values {
            let v = &p.values[i];
            let Some(d) = def_of(v).filter(|_| v.status.is_published()) else {
                continue;
            };
            let base = v.base.map(|_| d.base as usize);
            if let Some(b) = base {
                out[b].push((c as u32, i as u32));
            }
            let num = d.numerator as usize;
            if v.value.is_some() && base != Some(num) {
                out[num].push((c as u32, i as u32));
            }
        }
    }
    out
}

/// [`known_bounds`] of measure `m` for every cell, from [`values_by_measure`]`[m]`.
pub fn measure_bounds(
    p: &Published,
    n_cells: usize,
    values: &[(u32, u32)],
    m: usize,
) -> Vec<Option<(i64, i64)>> {
    let mut out = vec![None; n_cells];
    for &(c, i) in values {
        let v = &p.values[i as usize];
        if let Some(d) = def_of(v) {
            meet(&mut out[c as usize], value_bounds(v, d, m));
        }
    }
    out
}

/// The catalogue entry of a value, if known.
pub fn def_of(v: &Value) -> Option<&'static IndicatorDef> {
    v.def
}
