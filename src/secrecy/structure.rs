//! The finest cross-classification of dwellings ("inner cells") and the published rows as sets
//! of inner cells.
//!
//! An inner cell groups the dwellings that share stairwell, commune (`DEPCOM`), IRIS, QPV, QVA
//! and QPV part. Each inner cell carries the measures of all its dwellings and, beside them, the
//! measures of its recent movers only ([`ext`]): a row of the « récents » population is the sum
//! of the second half over the same cells as the « ensemble » row of its unit. Every published
//! value of every layer is a sum over inner cells of one such measure (or a ratio of two), so an
//! attacker's knowledge is a set of linear equations on the inner cells. Inner cells are ordered by the codes of their
//! units (never by input order), so the model does not depend on the order of the input files.
//!
//! The model is rebuilt here from the same inputs as [`crate::aggregate`] and checked against
//! its tables: if a future change made them disagree, [`Model::build`] refuses (the
//! suppression would otherwise protect other numbers than those published).

use std::collections::HashMap;

use crate::aggregate::{contribution, is_recent, AggregateInput, Aggregates, QvaSource};
use crate::indicators::{Measure, Measures, N_MEASURES};
use crate::model::{Population, Scale, Split};

use super::{PublishedTable, SecrecyError};

/// Codes of the zone units, in the index order of the aggregates.
#[derive(Debug, Clone, Default)]
pub struct UnitCodes {
    pub iris: Vec<String>,
    pub qpv: Vec<String>,
    /// QVA codes (polygons of the QVA layer, or RPLS `PLG_QVA` codes).
    pub qva: Vec<String>,
    /// The commune (territory index) each IRIS row names in its `code_commune` key.
    pub iris_commune: Vec<Option<u32>>,
}

/// What the secondary suppression needs besides the aggregates.
pub struct SecondaryInput<'a> {
    pub data: &'a AggregateInput<'a>,
    pub codes: &'a UnitCodes,
}

/// A published row (one layer row, i.e. one unit of one table) or a territory-wide total
/// published elsewhere (the manifest's counts).
#[derive(Debug, Clone)]
pub struct Row {
    /// Index in the tables, `None` for territory-wide totals.
    pub table: Option<u32>,
    /// Position of the unit in [`PublishedTable::units`].
    pub pos: u32,
    pub scale: Option<Scale>,
    pub population: Population,
    pub split: Split,
    /// Business code of the unit (ordering key).
    pub code: String,
    /// Inner cells, ascending.
    pub cells: Vec<u32>,
    /// Rows that contain this one (the hierarchy the audit also knows).
    pub parents: Vec<u32>,
    /// Measures of the row.
    pub measures: Measures,
    /// A small difference of two nested zones (IRIS ⊃ QPV part…), never published but
    /// computable by differencing: protected like a cell under the primary threshold.
    pub virtual_cell: bool,
    /// A unit without recent movers: its « récents » row is absent from the layers, which says
    /// as much as a published row of zeros. Published from the start, never suppressed.
    pub absent: bool,
}

impl Row {
    pub fn dwellings(&self) -> i64 {
        self.measures[Measure::Dwellings as usize]
    }

    /// Value of extended measure `e` (see [`ext`]), if the row's population has it.
    pub fn ext_value(&self, e: usize) -> Option<i64> {
        let off = ext(self.population, 0);
        (off..off + N_MEASURES)
            .contains(&e)
            .then(|| self.measures[e - off])
    }
}

/// Number of extended measures: every measure for all dwellings, then for recent movers.
pub const N_EXT: usize = 2 * N_MEASURES;

/// Extended index of measure `m` in `population`.
pub fn ext(population: Population, m: usize) -> usize {
    match population {
        Population::Ensemble => m,
        Population::Recents => N_MEASURES + m,
    }
}

/// Inner cells and rows.
#[derive(Debug, Clone)]
pub struct Model {
    /// `inner[cell * N_EXT + e]`, see [`ext`].
    pub inner: Vec<i64>,
    /// Dwellings of each inner cell.
    pub units: Vec<i64>,
    pub rows: Vec<Row>,
    /// `row_of[table][pos]`.
    pub row_of: Vec<Vec<u32>>,
}

type InnerKey = (u32, u32, u32, u32, u32, u8);
/// Measures, unit indices (stairwell, commune, IRIS, QPV, QVA) and QPV part of an inner cell.
type InnerEntry = (Vec<i64>, [u32; 5], Option<Split>);
/// Which inner cells a territory-wide total of the manifest counts.
type TotalTest = fn(&[u32; 5], Option<Split>) -> bool;

fn ranks(codes: impl Iterator<Item = String>) -> Vec<u32> {
    let codes: Vec<String> = codes.collect();
    let mut idx: Vec<usize> = (0..codes.len()).collect();
    idx.sort_by(|&a, &b| codes[a].cmp(&codes[b]).then(a.cmp(&b)));
    let mut r = vec![0u32; codes.len()];
    for (k, &i) in idx.iter().enumerate() {
        r[i] = k as u32;
    }
    r
}

fn split_code(s: Option<Split>) -> u8 {
    match s {
        None => 0,
        Some(Split::Tout) => 1,
        Some(Split::Qpv) => 2,
        Some(Split::HorsQpv) => 3,
    }
}

/// The unit codes of a scale.
fn unit_code(scale: Scale, u: usize, input: &SecondaryInput<'_>) -> String {
    let t = input.data.territory;
    let s = input.data.structure;
    let c = input.codes;
    let get = |v: &[String]| v.get(u).cloned().unwrap_or_default();
    match scale {
        Scale::Region => t.regions[u].code.clone(),
        Scale::Departement => t.departements[u].code.clone(),
        Scale::Epci => t.epcis[u].code.clone(),
        Scale::Commune => t.communes[u].code.clone(),
        Scale::Qpv => get(&c.qpv),
        Scale::Qva => get(&c.qva),
        Scale::Iris => get(&c.iris),
        Scale::Programme => s.programmes[u].code.clone(),
        Scale::Batiment => s.buildings[u].code.clone(),
        Scale::Cage => s.stairwells[u].code.clone(),
    }
}

impl Model {
    /// Builds the inner cells of `input` and the rows of `tables`, and checks that every row
    /// adds up to its table.
    pub fn build(
        aggs: &Aggregates,
        input: &SecondaryInput<'_>,
        tables: &[PublishedTable],
        min_units: i64,
    ) -> Result<Model, SecrecyError> {
        let d = input.data;
        let t = d.territory;
        let s = d.structure;
        let n_qva = match aggs.qva_source {
            QvaSource::Polygons => d.qva_polygons.unwrap_or(0),
            QvaSource::RplsCodes => s.qva_codes.len(),
        };
        let stair_rank = ranks(s.stairwells.iter().map(|x| x.code.clone()));
        let commune_rank = ranks(t.communes.iter().map(|x| x.code.clone()));
        let iris_rank = ranks((0..d.iris_count).map(|u| input.codes.iris[u].clone()));
        let qpv_rank = ranks((0..d.qpv_count).map(|u| input.codes.qpv[u].clone()));
        let qva_rank = ranks((0..n_qva).map(|u| input.codes.qva[u].clone()));

        // dwellings → inner cells (the classification of aggregate::aggregate)
        let mut household_of = vec![u32::MAX; d.dwellings.len()];
        for (i, h) in d.households.iter().enumerate() {
            household_of[h.dwelling as usize] = i as u32;
        }
        let mut cells: HashMap<InnerKey, InnerEntry> = HashMap::new();
        for (i, dw) in d.dwellings.iter().enumerate() {
            let h = match household_of[i] {
                u32::MAX => None,
                k => Some(&d.households[k as usize]),
            };
            let recent = h
                .map(|h| is_recent(h, dw, d.reference, d.recent_years).0)
                .unwrap_or(false);
            let m = contribution(dw, h, recent);
            let loc = &d.locations[i];
            let pl = &d.placements[i];
            let split = if loc.level.locates_in_zones() && loc.point.is_some() {
                Some(if pl.qpv.is_some() {
                    Split::Qpv
                } else {
                    Split::HorsQpv
                })
            } else {
                dw.rpls_qpv
                    .map(|q| if q { Split::Qpv } else { Split::HorsQpv })
            };
            let qva = match aggs.qva_source {
                QvaSource::Polygons => pl.qva,
                QvaSource::RplsCodes => dw.rpls_qva,
            };
            let opt = |v: Option<u32>, r: &[u32]| v.map(|z| r[z as usize] + 1).unwrap_or(0);
            let key: InnerKey = (
                stair_rank[dw.stairwell as usize],
                commune_rank[dw.commune as usize],
                opt(pl.iris, &iris_rank),
                opt(pl.qpv, &qpv_rank),
                opt(qva, &qva_rank),
                split_code(split),
            );
            let units = [
                dw.stairwell,
                dw.commune,
                pl.iris.unwrap_or(u32::MAX),
                pl.qpv.unwrap_or(u32::MAX),
                qva.unwrap_or(u32::MAX),
            ];
            let e = cells.entry(key).or_insert((vec![0; N_EXT], units, split));
            for (k, v) in m.iter().enumerate() {
                e.0[k] += v;
                if recent {
                    e.0[N_MEASURES + k] += v;
                }
            }
        }
        let mut keys: Vec<InnerKey> = cells.keys().copied().collect();
        keys.sort_unstable();

        // rows of the tables
        let mut table_index: HashMap<(Scale, Population, Split), usize> = HashMap::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut row_of: Vec<Vec<u32>> = Vec::with_capacity(tables.len());
        let mut unit_row: Vec<Vec<u32>> = Vec::with_capacity(tables.len());
        for (ti, pt) in tables.iter().enumerate() {
            table_index.insert((pt.scale, pt.population, pt.split), ti);
            let agg = aggs
                .table(pt.scale, pt.population, pt.split)
                .expect("published table comes from the aggregates");
            let mut by_unit = vec![u32::MAX; agg.measures.len()];
            let mut ids = Vec::with_capacity(pt.units.len());
            for (pos, &u) in pt.units.iter().enumerate() {
                let id = rows.len() as u32;
                by_unit[u as usize] = id;
                ids.push(id);
                rows.push(Row {
                    table: Some(ti as u32),
                    pos: pos as u32,
                    scale: Some(pt.scale),
                    population: pt.population,
                    split: pt.split,
                    code: unit_code(pt.scale, u as usize, input),
                    cells: Vec::new(),
                    parents: Vec::new(),
                    measures: agg.measures[u as usize],
                    virtual_cell: false,
                    absent: false,
                });
            }
            row_of.push(ids);
            unit_row.push(by_unit);
        }
        let lookup = |scale: Scale, pop: Population, split: Split, unit: u32| -> Option<u32> {
            let ti = *table_index.get(&(scale, pop, split))?;
            unit_row[ti]
                .get(unit as usize)
                .copied()
                .filter(|&r| r != u32::MAX)
        };

        // territory-wide totals the manifest publishes (ensemble, dwellings)
        let totals: [(&str, TotalTest); 4] = [
            ("total_sans_partie_qpv", |_, sp| sp.is_none()),
            ("total_sans_iris", |u, _| u[2] == u32::MAX),
            ("total_en_qpv", |u, _| u[3] != u32::MAX),
            ("total_en_qva", |u, _| u[4] != u32::MAX),
        ];
        let first_total = rows.len() as u32;
        for (name, _) in &totals {
            rows.push(Row {
                table: None,
                pos: 0,
                scale: None,
                population: Population::Ensemble,
                split: Split::Tout,
                code: name.to_string(),
                cells: Vec::new(),
                parents: Vec::new(),
                measures: [0; N_MEASURES],
                virtual_cell: false,
                absent: false,
            });
        }

        let mut inner = Vec::with_capacity(keys.len() * N_EXT);
        let mut inner_units = Vec::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let (m, units, split) = &cells[key];
            let (units, split) = (*units, *split);
            inner.extend_from_slice(m);
            inner_units.push(m[Measure::Dwellings as usize]);
            let i = i as u32;
            let [stair, commune, iris, qpv, qva] = units;
            let pops: &[Population] = &Population::ALL;
            let com = &t.communes[commune as usize];
            let region = t.region_of(commune);
            let building = s.stairwells[stair as usize].building;
            let programme = s.buildings[building as usize].programme;
            for &pop in pops {
                let mut member = |scale, split, unit| {
                    if let Some(r) = lookup(scale, pop, split, unit) {
                        rows[r as usize].cells.push(i);
                    }
                };
                member(Scale::Cage, Split::Tout, stair);
                member(Scale::Batiment, Split::Tout, building);
                member(Scale::Programme, Split::Tout, programme);
                let splits: &[Split] = match split {
                    Some(sp) => &[Split::Tout, sp][..],
                    None => &[Split::Tout][..],
                };
                for &sp in splits {
                    member(Scale::Commune, sp, commune);
                    member(Scale::Epci, sp, com.epci);
                    member(Scale::Departement, sp, com.departement);
                    member(Scale::Region, sp, region);
                }
                if iris != u32::MAX {
                    member(Scale::Iris, Split::Tout, iris);
                }
                if qpv != u32::MAX {
                    member(Scale::Qpv, Split::Tout, qpv);
                }
                if qva != u32::MAX {
                    member(Scale::Qva, Split::Tout, qva);
                }
            }
            for (k, (_, test)) in totals.iter().enumerate() {
                if test(&units, split) {
                    let r = &mut rows[first_total as usize + k];
                    r.cells.push(i);
                    for (a, b) in r.measures.iter_mut().zip(&m[..N_MEASURES]) {
                        *a += b;
                    }
                }
            }
        }
        // units of the « ensemble » layers without recent movers: their absent « récents » row
        let mut absent_rows = Vec::new();
        for r in &rows {
            let (Some(ti), Some(scale)) = (r.table, r.scale) else {
                continue;
            };
            if r.population != Population::Ensemble {
                continue;
            }
            let u = tables[ti as usize].units[r.pos as usize];
            if lookup(scale, Population::Recents, r.split, u).is_none() {
                absent_rows.push(Row {
                    table: None,
                    pos: 0,
                    scale: Some(scale),
                    population: Population::Recents,
                    split: r.split,
                    code: r.code.clone(),
                    cells: r.cells.clone(),
                    parents: Vec::new(),
                    measures: [0; N_MEASURES],
                    virtual_cell: false,
                    absent: true,
                });
            }
        }
        rows.extend(absent_rows);

        // every row must add up to its table
        for r in &rows {
            if r.table.is_none() {
                continue;
            }
            let off = ext(r.population, 0);
            let mut sum = [0i64; N_MEASURES];
            for &c in &r.cells {
                let base = c as usize * N_EXT + off;
                for (k, s) in sum.iter_mut().enumerate() {
                    *s += inner[base + k];
                }
            }
            if sum != r.measures {
                let k = (0..N_MEASURES)
                    .find(|&k| sum[k] != r.measures[k])
                    .unwrap_or(0);
                return Err(SecrecyError::Inconsistent {
                    table: format!(
                        "{}/{}/{}",
                        r.scale.map(|s| s.key()).unwrap_or(""),
                        r.population.key(),
                        r.split.key()
                    ),
                    unit: r.code.clone(),
                    measure: format!("{k}"),
                });
            }
        }

        // hierarchy (the relations the audit rebuilds from the layer keys)
        let single_region = t.regions.len() == 1;
        let all_parents: Vec<Vec<u32>> = rows
            .iter()
            .map(|r| {
                let (Some(ti), Some(scale)) = (r.table, r.scale) else {
                    return Vec::new();
                };
                let u = tables[ti as usize].units[r.pos as usize];
                let (pop, split) = (r.population, r.split);
                let mut parents = Vec::new();
                let mut push = |scale, pop, split, unit: Option<u32>| {
                    if let Some(p) = unit.and_then(|u| lookup(scale, pop, split, u)) {
                        parents.push(p);
                    }
                };
                if pop == Population::Recents {
                    push(scale, Population::Ensemble, split, Some(u));
                }
                if split != Split::Tout {
                    push(scale, pop, Split::Tout, Some(u));
                }
                match scale {
                    Scale::Cage => push(
                        Scale::Batiment,
                        pop,
                        split,
                        Some(s.stairwells[u as usize].building),
                    ),
                    Scale::Batiment => push(
                        Scale::Programme,
                        pop,
                        split,
                        Some(s.buildings[u as usize].programme),
                    ),
                    Scale::Commune => {
                        let c = &t.communes[u as usize];
                        push(Scale::Epci, pop, split, Some(c.epci));
                        push(Scale::Departement, pop, split, Some(c.departement));
                        push(Scale::Region, pop, split, Some(t.region_of(u)));
                    }
                    Scale::Departement => push(
                        Scale::Region,
                        pop,
                        split,
                        Some(t.departements[u as usize].region),
                    ),
                    Scale::Iris => {
                        let c = input.codes.iris_commune.get(u as usize).copied().flatten();
                        push(Scale::Commune, pop, Split::Tout, c);
                    }
                    Scale::Qpv if single_region => push(Scale::Region, pop, Split::Qpv, Some(0)),
                    Scale::Qva if single_region => push(Scale::Region, pop, Split::Tout, Some(0)),
                    _ => {}
                }
                parents
            })
            .collect();
        for (r, p) in rows.iter_mut().zip(all_parents) {
            r.parents = p;
        }
        let mut model = Model {
            inner,
            units: inner_units,
            rows,
            row_of,
        };
        model.add_virtual_cells(min_units);
        Ok(model)
    }

    /// Adds, for every zone row strictly inside another zone row of the same population (a QPV
    /// inside an IRIS, an IRIS inside a commune's QPV part…), the difference of the two when it
    /// holds fewer than `min_units` dwellings: publishing both would publish it.
    fn add_virtual_cells(&mut self, min_units: i64) {
        let zone = |r: &Row| {
            !r.absent
                && matches!(
                    r.scale,
                    Some(Scale::Commune | Scale::Iris | Scale::Qpv | Scale::Qva)
                )
        };
        let mut seen: std::collections::HashSet<(Population, Vec<u32>)> = self
            .rows
            .iter()
            .filter(|r| r.table.is_some())
            .map(|r| (r.population, r.cells.clone()))
            .collect();
        let mut by_cell: HashMap<(Population, u32), Vec<u32>> = HashMap::new();
        for (id, r) in self.rows.iter().enumerate() {
            if zone(r) {
                for &c in &r.cells {
                    by_cell
                        .entry((r.population, c))
                        .or_default()
                        .push(id as u32);
                }
            }
        }
        let mut new_rows = Vec::new();
        for (b, rb) in self.rows.iter().enumerate() {
            if !zone(rb) || rb.cells.is_empty() {
                continue;
            }
            let Some(cands) = by_cell.get(&(rb.population, rb.cells[0])) else {
                continue;
            };
            for &a in cands {
                let ra = &self.rows[a as usize];
                if a as usize == b
                    || ra.cells.len() <= rb.cells.len()
                    || !rb.cells.iter().all(|c| ra.cells.binary_search(c).is_ok())
                {
                    continue;
                }
                let diff: Vec<u32> = ra
                    .cells
                    .iter()
                    .copied()
                    .filter(|c| rb.cells.binary_search(c).is_err())
                    .collect();
                let off = ext(ra.population, 0);
                let mut m = [0i64; N_MEASURES];
                for &c in &diff {
                    for (k, v) in m.iter_mut().enumerate() {
                        *v += self.x(c, off + k);
                    }
                }
                let dw = m[Measure::Dwellings as usize];
                if dw < 1 || dw >= min_units || !seen.insert((ra.population, diff.clone())) {
                    continue;
                }
                new_rows.push(Row {
                    table: None,
                    pos: 0,
                    scale: ra.scale,
                    population: ra.population,
                    split: ra.split,
                    code: format!("{} − {}", ra.code, rb.code),
                    cells: diff,
                    parents: vec![a],
                    measures: m,
                    virtual_cell: true,
                    absent: false,
                });
            }
        }
        self.rows.extend(new_rows);
    }

    /// Extended measure `e` of inner cell `cell`.
    pub fn x(&self, cell: u32, e: usize) -> i64 {
        self.inner[cell as usize * N_EXT + e]
    }

    pub fn n_inner(&self) -> usize {
        self.units.len()
    }

    /// Rows containing `row`, transitively (without `row`).
    pub fn ancestors(&self, row: u32, out: &mut Vec<u32>) {
        out.clear();
        let mut stack = vec![row];
        while let Some(r) = stack.pop() {
            for &p in &self.rows[r as usize].parents {
                if !out.contains(&p) {
                    out.push(p);
                    stack.push(p);
                }
            }
        }
    }
}
