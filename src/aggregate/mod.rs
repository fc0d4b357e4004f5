//! Aggregation: the additive [`Measures`] of every cell (scale × unit × population × QPV split).
//!
//! Each dwelling contributes one integer vector (see [`contribution()`]). It is added to its
//! stairwell, its commune (whole and QPV/hors-QPV part), its IRIS, QPV and QVA in one pass over
//! the dwellings; buildings, programmes, EPCI, départements and régions are then rolled up from
//! those sums (cage → bâtiment → programme; commune → EPCI, département → région), so the
//! counts of nested scales add up exactly.
//!
//! Memory: one [`Measures`] vector (`8 × N_MEASURES` bytes) per unit, population and split;
//! [`AggregateReport::tables_bytes`] reports the total of a run.
//!
//! Unit assignment:
//! * commune: the RPLS `DEPCOM` (administrative truth, also for dwellings that could not be
//!   located); the joined commune is only a cross-check;
//! * IRIS, QPV: the polygon containing the dwelling's location, when it was located precisely
//!   enough ([`crate::geocode::GeocodeLevel::locates_in_zones`]); otherwise "zone inconnue".
//!   An IRIS of another commune than the dwelling's `DEPCOM` is not taken (the dwelling counts
//!   without IRIS): a commune is the sum of its IRIS and of its dwellings without IRIS, as a
//!   reader of the layers assumes;
//! * QVA: the QVA polygon when a QVA layer is configured, else the RPLS `PLG_QVA` code;
//! * QPV split: in a QPV polygon → `qpv`; located outside every QPV → `hors_qpv`; not located →
//!   the RPLS `QPV` flag (1 → `qpv`, 2 → `hors_qpv`); no flag either → in neither part
//!   (counted in [`AggregateReport::split_unknown`]);
//! * programme, bâtiment, cage: the RPLS keys interned at ingest (see
//!   [`crate::ingest::rpls`]); a programme whose dwellings lie in several communes stays one
//!   unit (counted in [`AggregateReport::programmes_multi_communes`]), while each of its
//!   dwellings counts in its own commune.

pub mod contribution;

use serde::Serialize;

pub use contribution::{contribution, is_recent, HOLDER_AGE_BANDS};

use crate::geocode::Location;
use crate::indicators::{Measure, Measures, N_MEASURES};
use crate::ingest::territory::Territory;
use crate::join::Placement;
use crate::model::{
    Coord, Dwelling, Household, MoveInSource, Population, Scale, Split, Structure, YearMonth, NONE,
};

/// Where the QVA unit of a dwelling comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QvaSource {
    /// QVA polygons of the configured layer.
    Polygons,
    /// RPLS `PLG_QVA` codes ([`Structure::qva_codes`]).
    RplsCodes,
}

/// Measures of one (scale, population, split), indexed by unit.
#[derive(Debug, Clone)]
pub struct Table {
    pub scale: Scale,
    pub population: Population,
    pub split: Split,
    /// One vector per unit of the scale (see [`Aggregates`] for the index spaces).
    pub measures: Vec<Measures>,
}

impl Table {
    fn new(scale: Scale, population: Population, split: Split, units: usize) -> Self {
        Table {
            scale,
            population,
            split,
            measures: vec![[0; N_MEASURES]; units],
        }
    }

    /// Units with at least one dwelling, in index order.
    pub fn populated_units(&self) -> impl Iterator<Item = usize> + '_ {
        self.measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m[Measure::Dwellings as usize] > 0)
            .map(|(i, _)| i)
    }
}

/// Counts describing how the aggregation classified dwellings.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct AggregateReport {
    /// Recent movers decided by the OPS move-in date.
    #[serde(rename = "recents_par_ops")]
    pub recent_from_ops: u64,
    /// Recent movers decided by the RPLS lease date (OPS date missing).
    #[serde(rename = "recents_par_bail")]
    pub recent_from_lease: u64,
    /// Households with neither date (not counted as recent movers).
    #[serde(rename = "emmenagement_inconnu")]
    pub move_in_unknown: u64,
    /// Dwellings placed in a QPV part by the RPLS QPV flag (not located).
    #[serde(rename = "partie_qpv_par_indicateur_rpls")]
    pub split_from_rpls_flag: u64,
    /// Dwellings in neither the QPV nor the hors-QPV part (not located, no flag).
    #[serde(rename = "partie_qpv_inconnue")]
    pub split_unknown: u64,
    /// Dwellings without an IRIS (not located, outside every IRIS, or in an IRIS of another
    /// commune than their `DEPCOM`).
    #[serde(rename = "iris_inconnu")]
    pub iris_unknown: u64,
    /// Of those, located in an IRIS of another commune than their `DEPCOM`.
    #[serde(rename = "iris_autre_commune")]
    pub iris_other_commune: u64,
    /// Dwellings in a QVA.
    #[serde(rename = "en_qva")]
    pub in_qva: u64,
    /// Let dwellings (MODE 1) with no OPS household.
    #[serde(rename = "loues_sans_menage")]
    pub let_without_household: u64,
    /// Households whose move-in date is the OPS date (recent movers or not).
    #[serde(rename = "emmenagement_par_ops")]
    pub move_in_from_ops: u64,
    /// Households whose move-in date is the RPLS lease date `BAIL` (no OPS date).
    #[serde(rename = "emmenagement_par_bail")]
    pub move_in_from_lease: u64,
    /// Move-in months counted as recent (`MM/AAAA – MM/AAAA`).
    #[serde(rename = "fenetre_recents")]
    pub recent_window: String,
    /// Programmes whose dwellings lie in more than one commune (`DEPCOM`).
    pub programmes_multi_communes: u64,
    /// Buildings whose dwellings lie in more than one commune.
    #[serde(rename = "batiments_multi_communes")]
    pub buildings_multi_communes: u64,
    /// Heap memory of the aggregation tables, bytes (units × populations × splits × measures).
    #[serde(rename = "tables_octets")]
    pub tables_bytes: u64,
}

/// All tables of a run.
///
/// Unit index spaces: région, département, EPCI, commune → [`Territory`] vectors; QPV, IRIS →
/// the zone layers; QVA → [`QvaSource`]; programme, bâtiment, cage → [`Structure`] vectors.
#[derive(Debug, Clone)]
pub struct Aggregates {
    pub tables: Vec<Table>,
    pub qva_source: QvaSource,
    /// Representative location (mean of the precisely located dwellings) of each programme,
    /// building and stairwell.
    pub programme_points: Vec<Option<Coord>>,
    pub building_points: Vec<Option<Coord>>,
    pub stairwell_points: Vec<Option<Coord>>,
    /// The commune (territory index) of every programme, building and stairwell, in that
    /// order: `None` for a unit whose dwellings lie in several communes. Its `code_commune`,
    /// from which a reader knows that the commune holds it.
    pub unit_communes: [Vec<Option<u32>>; 3],
    pub report: AggregateReport,
}

impl Aggregates {
    pub fn table(&self, scale: Scale, population: Population, split: Split) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.scale == scale && t.population == population && t.split == split)
    }
}

/// Inputs of the aggregation.
pub struct AggregateInput<'a> {
    pub dwellings: &'a [Dwelling],
    pub households: &'a [Household],
    pub locations: &'a [Location],
    pub placements: &'a [Placement],
    pub structure: &'a Structure,
    pub territory: &'a Territory,
    /// The commune ([`Territory`] index) of each IRIS, when it is one of the territory's
    /// (one entry per IRIS: the unit count of that scale).
    pub iris_commune: &'a [Option<u32>],
    /// Number of QPV zones.
    pub qpv_count: usize,
    /// Number of QVA polygons when a QVA layer is configured.
    pub qva_polygons: Option<usize>,
    pub reference: YearMonth,
    pub recent_years: u8,
}

fn add(into: &mut Measures, m: &Measures) {
    for (a, b) in into.iter_mut().zip(m) {
        *a += b;
    }
}

// measure indices fit in a byte
const _: () = assert!(N_MEASURES <= 256);

/// The non-zero entries of one contribution: a dwelling touches about a third of the measures,
/// and its contribution is added to six or seven cells.
struct Sparse {
    idx: [u8; N_MEASURES],
    val: [i64; N_MEASURES],
    len: usize,
}

impl Sparse {
    fn new(m: &Measures) -> Self {
        let mut s = Sparse {
            idx: [0; N_MEASURES],
            val: [0; N_MEASURES],
            len: 0,
        };
        for (i, &v) in m.iter().enumerate() {
            if v != 0 {
                s.idx[s.len] = i as u8;
                s.val[s.len] = v;
                s.len += 1;
            }
        }
        s
    }

    fn add_to(&self, into: &mut Measures) {
        for k in 0..self.len {
            into[self.idx[k] as usize] += self.val[k];
        }
    }
}

/// The QPV part of a dwelling, if known (see the module documentation).
fn split_of(
    d: &Dwelling,
    loc: &Location,
    placement: &Placement,
    report: &mut AggregateReport,
) -> Option<Split> {
    if loc.level.locates_in_zones() && loc.point.is_some() {
        return Some(if placement.qpv.is_some() {
            Split::Qpv
        } else {
            Split::HorsQpv
        });
    }
    match d.rpls_qpv {
        Some(true) => {
            report.split_from_rpls_flag += 1;
            Some(Split::Qpv)
        }
        Some(false) => {
            report.split_from_rpls_flag += 1;
            Some(Split::HorsQpv)
        }
        None => {
            report.split_unknown += 1;
            None
        }
    }
}

/// Marks a unit of the structure hierarchy as spanning several communes.
const MULTI: u32 = NONE - 1;

fn mark_commune(slot: &mut u32, commune: u32) {
    if *slot == NONE {
        *slot = commune;
    } else if *slot != commune {
        *slot = MULTI;
    }
}

/// The move-in months counted as recent, e.g. `01/2020 – 12/2021` for 01/2022 and 2 years.
pub fn recent_window(reference: YearMonth, recent_years: u8) -> String {
    let shift = |months_back: i32| {
        let total = reference.year as i32 * 12 + reference.month as i32 - 1 - months_back;
        YearMonth {
            year: (total / 12) as u16,
            month: (total % 12 + 1) as u8,
        }
    };
    format!("{} – {}", shift(12 * recent_years as i32), shift(1))
}

fn pop_index(p: Population) -> usize {
    match p {
        Population::Ensemble => 0,
        Population::Recents => 1,
    }
}

fn split_index(s: Split) -> usize {
    match s {
        Split::Tout => 0,
        Split::Qpv => 1,
        Split::HorsQpv => 2,
    }
}

/// The tables summed dwelling by dwelling, one per population (`[pop]`); the communes' by
/// population and split (`[pop][split]`). The other scales are rolled up from them.
struct DirectTables {
    cage: Vec<Table>,
    iris: Vec<Table>,
    qpv: Vec<Table>,
    qva: Vec<Table>,
    commune: Vec<Vec<Table>>,
}

impl DirectTables {
    fn new(input: &AggregateInput<'_>, n_qva: usize) -> Self {
        let per_pop = |scale, n| -> Vec<Table> {
            Population::ALL
                .iter()
                .map(|&p| Table::new(scale, p, Split::Tout, n))
                .collect()
        };
        let n_communes = input.territory.communes.len();
        DirectTables {
            cage: per_pop(Scale::Cage, input.structure.stairwells.len()),
            iris: per_pop(Scale::Iris, input.iris_commune.len()),
            qpv: per_pop(Scale::Qpv, input.qpv_count),
            qva: per_pop(Scale::Qva, n_qva),
            commune: Population::ALL
                .iter()
                .map(|&p| {
                    Split::ALL
                        .iter()
                        .map(|&sp| Table::new(Scale::Commune, p, sp, n_communes))
                        .collect()
                })
                .collect(),
        }
    }

    /// Adds the contribution `m` of dwelling `d` to each of its units, for population `pi`.
    fn add(&mut self, pi: usize, m: &Sparse, d: &Dwelling, units: &Units) {
        m.add_to(&mut self.cage[pi].measures[d.stairwell as usize]);
        m.add_to(&mut self.commune[pi][0].measures[d.commune as usize]);
        if let Some(sp) = units.split {
            m.add_to(&mut self.commune[pi][split_index(sp)].measures[d.commune as usize]);
        }
        if let Some(z) = units.iris {
            m.add_to(&mut self.iris[pi].measures[z as usize]);
        }
        if let Some(z) = units.qpv {
            m.add_to(&mut self.qpv[pi].measures[z as usize]);
        }
        if let Some(z) = units.qva {
            m.add_to(&mut self.qva[pi].measures[z as usize]);
        }
    }

    /// Every table: the direct ones and their roll-ups (structure: cage → bâtiment →
    /// programme; administration: commune → EPCI, département, région), sorted by scale,
    /// population and split.
    fn roll_up(self, s: &Structure, t: &Territory) -> Vec<Table> {
        let mut tables = Vec::new();
        for (pi, cage_t) in self.cage.into_iter().enumerate() {
            let pop = Population::ALL[pi];
            let mut bat = Table::new(Scale::Batiment, pop, Split::Tout, s.buildings.len());
            for (k, m) in cage_t.measures.iter().enumerate() {
                add(&mut bat.measures[s.stairwells[k].building as usize], m);
            }
            let mut prog = Table::new(Scale::Programme, pop, Split::Tout, s.programmes.len());
            for (k, m) in bat.measures.iter().enumerate() {
                add(&mut prog.measures[s.buildings[k].programme as usize], m);
            }
            tables.push(prog);
            tables.push(bat);
            tables.push(cage_t);
        }
        for (pi, splits) in self.commune.into_iter().enumerate() {
            let pop = Population::ALL[pi];
            for com in splits {
                let split = com.split;
                let mut epci = Table::new(Scale::Epci, pop, split, t.epcis.len());
                let mut dep = Table::new(Scale::Departement, pop, split, t.departements.len());
                let mut reg = Table::new(Scale::Region, pop, split, t.regions.len());
                for (k, m) in com.measures.iter().enumerate() {
                    let c = &t.communes[k];
                    add(&mut epci.measures[c.epci as usize], m);
                    add(&mut dep.measures[c.departement as usize], m);
                    add(&mut reg.measures[t.region_of(k as u32) as usize], m);
                }
                tables.push(reg);
                tables.push(dep);
                tables.push(epci);
                tables.push(com);
            }
        }
        tables.extend(self.qpv);
        tables.extend(self.qva);
        tables.extend(self.iris);
        tables.sort_by_key(|t| (t.scale, t.population, t.split));
        tables
    }
}

/// The zone units of one dwelling besides its cage and commune.
struct Units {
    /// Its part of the commune (QPV or hors QPV), when known.
    split: Option<Split>,
    iris: Option<u32>,
    qpv: Option<u32>,
    qva: Option<u32>,
}

/// The units of dwelling `d` (with its location and placement), counted in `report`.
fn units_of(
    input: &AggregateInput<'_>,
    i: usize,
    qva_source: QvaSource,
    report: &mut AggregateReport,
) -> Units {
    let d = &input.dwellings[i];
    let pl = &input.placements[i];
    let split = split_of(d, &input.locations[i], pl, report);
    // an IRIS of another commune than the dwelling's (its point is outside its DEPCOM):
    // counted without IRIS, so that a commune stays the sum of its IRIS and a rest
    let other_commune = pl
        .iris
        .is_some_and(|z| input.iris_commune[z as usize].is_some_and(|c| c != d.commune));
    report.iris_other_commune += u64::from(other_commune);
    let iris = pl.iris.filter(|_| !other_commune);
    if iris.is_none() {
        report.iris_unknown += 1;
    }
    let qva = match qva_source {
        QvaSource::Polygons => pl.qva,
        QvaSource::RplsCodes => d.rpls_qva,
    };
    if qva.is_some() {
        report.in_qva += 1;
    }
    Units {
        split,
        iris,
        qpv: pl.qpv,
        qva,
    }
}

/// Whether the household `h` of dwelling `d` moved in recently, with the source of its date
/// counted in `report`.
fn recent_counted(
    input: &AggregateInput<'_>,
    h: &Household,
    d: &Dwelling,
    report: &mut AggregateReport,
) -> bool {
    let (recent, source) = is_recent(h, d, input.reference, input.recent_years);
    match source {
        MoveInSource::Ops => report.move_in_from_ops += 1,
        MoveInSource::RplsLease => report.move_in_from_lease += 1,
        MoveInSource::Unknown => report.move_in_unknown += 1,
    }
    match (recent, source) {
        (true, MoveInSource::Ops) => report.recent_from_ops += 1,
        (true, MoveInSource::RplsLease) => report.recent_from_lease += 1,
        _ => {}
    }
    recent
}

/// Sums of x, y and points, per unit.
type PointSums = Vec<(f64, f64, u32)>;

/// The mean points of the buildings and programmes, from the sums of their stairwells';
/// returns the points of the programmes, buildings and stairwells.
fn representative_points(stair_sum: PointSums, s: &Structure) -> [Vec<Option<Coord>>; 3] {
    let mean = |(x, y, n): (f64, f64, u32)| {
        (n > 0).then(|| Coord {
            x: x / n as f64,
            y: y / n as f64,
        })
    };
    let mut bat_sum = vec![(0.0, 0.0, 0u32); s.buildings.len()];
    for (k, v) in stair_sum.iter().enumerate() {
        let e = &mut bat_sum[s.stairwells[k].building as usize];
        e.0 += v.0;
        e.1 += v.1;
        e.2 += v.2;
    }
    let mut prog_sum = vec![(0.0, 0.0, 0u32); s.programmes.len()];
    for (k, v) in bat_sum.iter().enumerate() {
        let e = &mut prog_sum[s.buildings[k].programme as usize];
        e.0 += v.0;
        e.1 += v.1;
        e.2 += v.2;
    }
    [
        prog_sum.into_iter().map(mean).collect(),
        bat_sum.into_iter().map(mean).collect(),
        stair_sum.into_iter().map(mean).collect(),
    ]
}

/// Sums the measures of every cell.
pub fn aggregate(input: &AggregateInput<'_>) -> Aggregates {
    let t = input.territory;
    let s = input.structure;
    let (qva_source, n_qva) = match input.qva_polygons {
        Some(n) => (QvaSource::Polygons, n),
        None => (QvaSource::RplsCodes, s.qva_codes.len()),
    };
    let mut report = AggregateReport::default();

    // dwelling → household
    let mut household_of: Vec<u32> = vec![u32::MAX; input.dwellings.len()];
    for (i, h) in input.households.iter().enumerate() {
        household_of[h.dwelling as usize] = i as u32;
    }

    let mut direct = DirectTables::new(input, n_qva);
    let mut stair_sum: PointSums = vec![(0.0, 0.0, 0); s.stairwells.len()];
    // first commune of each programme / building, MULTI once a second one is seen
    let mut prog_commune: Vec<u32> = vec![NONE; s.programmes.len()];
    let mut bat_commune: Vec<u32> = vec![NONE; s.buildings.len()];
    let mut stair_commune: Vec<u32> = vec![NONE; s.stairwells.len()];

    for (i, d) in input.dwellings.iter().enumerate() {
        let h = match household_of[i] {
            u32::MAX => None,
            k => Some(&input.households[k as usize]),
        };
        if h.is_none() && d.mode.is_let() {
            report.let_without_household += 1;
        }
        let recent = h.is_some_and(|h| recent_counted(input, h, d, &mut report));
        let m = Sparse::new(&contribution(d, h, recent));
        let (p, b) = (
            s.programme_of(d.stairwell) as usize,
            s.building_of(d.stairwell) as usize,
        );
        mark_commune(&mut prog_commune[p], d.commune);
        mark_commune(&mut bat_commune[b], d.commune);
        mark_commune(&mut stair_commune[d.stairwell as usize], d.commune);
        let units = units_of(input, i, qva_source, &mut report);
        let loc = &input.locations[i];
        if loc.level.locates_in_zones() {
            if let Some(p) = loc.point {
                let e = &mut stair_sum[d.stairwell as usize];
                e.0 += p.x;
                e.1 += p.y;
                e.2 += 1;
            }
        }
        let pops: &[Population] = if recent {
            &Population::ALL
        } else {
            &[Population::Ensemble]
        };
        for &p in pops {
            direct.add(pop_index(p), &m, d, &units);
        }
    }

    let tables = direct.roll_up(s, t);
    report.programmes_multi_communes = prog_commune.iter().filter(|&&c| c == MULTI).count() as u64;
    report.buildings_multi_communes = bat_commune.iter().filter(|&&c| c == MULTI).count() as u64;
    report.tables_bytes = tables
        .iter()
        .map(|t| (t.measures.capacity() * std::mem::size_of::<Measures>()) as u64)
        .sum();
    report.recent_window = recent_window(input.reference, input.recent_years);

    let single = |v: Vec<u32>| {
        v.into_iter()
            .map(|c| (c != NONE && c != MULTI).then_some(c))
            .collect()
    };
    let [programme_points, building_points, stairwell_points] = representative_points(stair_sum, s);
    Aggregates {
        tables,
        qva_source,
        unit_communes: [
            single(prog_commune),
            single(bat_commune),
            single(stair_commune),
        ],
        programme_points,
        building_points,
        stairwell_points,
        report,
    }
}

#[cfg(test)]
pub(crate) mod tests;
