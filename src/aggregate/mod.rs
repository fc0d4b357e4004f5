//! Aggregation: the additive [`Measures`] of every cell (scale × unit × population × QPV split).
//!
//! Each dwelling contributes one integer vector (see [`contribution`]). It is added to its
//! stairwell, its commune (whole and QPV/hors-QPV part), its IRIS, QPV and QVA; buildings,
//! programmes, EPCI, départements and régions are then rolled up from those sums, so the
//! national run makes five passes over the dwellings, not ten.
//!
//! Unit assignment:
//! * commune: the RPLS `DEPCOM` (administrative truth, also for dwellings that could not be
//!   located); the joined commune is only a cross-check;
//! * IRIS, QPV: the polygon containing the dwelling's location, when it was located precisely
//!   enough ([`crate::geocode::GeocodeLevel::locates_in_zones`]); otherwise "zone inconnue";
//! * QVA: the QVA polygon when a QVA layer is configured, else the RPLS `PLG_QVA` code;
//! * QPV split: in a QPV polygon → `qpv`; located outside every QPV → `hors_qpv`; not located →
//!   the RPLS `QPV` flag (1 → `qpv`, 2 → `hors_qpv`); no flag either → in neither part
//!   (counted in [`AggregateReport::split_unknown`]).

use serde::Serialize;

use crate::geocode::Location;
use crate::indicators::{Measure, Measures, N_MEASURES};
use crate::join::Placement;
use crate::model::{
    Composition, Coord, Dwelling, Financing, Household, MoveInSource, Population, Scale, Split,
    Structure, YearMonth,
};
use crate::territory::Territory;

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
    pub recent_from_ops: u64,
    /// Recent movers decided by the RPLS lease date (OPS date missing).
    pub recent_from_lease: u64,
    /// Households with neither date (not counted as recent movers).
    pub move_in_unknown: u64,
    /// Dwellings placed in a QPV part by the RPLS QPV flag (not located).
    pub split_from_rpls_flag: u64,
    /// Dwellings in neither the QPV nor the hors-QPV part (not located, no flag).
    pub split_unknown: u64,
    /// Dwellings without an IRIS (not located or outside every IRIS).
    pub iris_unknown: u64,
    /// Dwellings in a QVA.
    pub in_qva: u64,
    /// Let dwellings (MODE 1) with no OPS household.
    pub let_without_household: u64,
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
    /// Number of IRIS and QPV zones (unit counts of those scales).
    pub iris_count: usize,
    pub qpv_count: usize,
    /// Number of QVA polygons when a QVA layer is configured.
    pub qva_polygons: Option<usize>,
    pub reference: YearMonth,
    pub recent_years: u8,
}

/// Whether a household moved in recently, and which date decided it.
///
/// Recent: the move-in month is strictly before the reference month and at most
/// `12 × recent_years` months before it (reference 01/2022, 2 years: 01/2020 to 12/2021).
pub fn is_recent(
    household: &Household,
    dwelling: &Dwelling,
    reference: YearMonth,
    recent_years: u8,
) -> (bool, MoveInSource) {
    let (date, source) = match (household.move_in, dwelling.lease_start) {
        (Some(d), _) => (d, MoveInSource::Ops),
        (None, Some(d)) => (d, MoveInSource::RplsLease),
        (None, None) => return (false, MoveInSource::Unknown),
    };
    let months = date.months_until(reference);
    (months >= 1 && months <= 12 * recent_years as i32, source)
}

/// The measures one dwelling (and its household, if any) adds to its cells.
pub fn contribution(d: &Dwelling, h: Option<&Household>, recent: bool) -> Measures {
    use Measure as M;
    let mut m = [0i64; N_MEASURES];
    let mut set = |k: M, v: i64| m[k as usize] += v;
    set(M::Dwellings, 1);
    if d.mode.is_vacant() {
        set(M::Vacant, 1);
    }
    if d.mode.is_let() {
        set(M::Let, 1);
    }
    set(
        match d.rooms {
            0 | 1 => M::Rooms1,
            2 => M::Rooms2,
            3 => M::Rooms3,
            4 => M::Rooms4,
            _ => M::Rooms5Plus,
        },
        1,
    );
    set(
        match Financing::from_finan(d.finan) {
            Financing::Plai => M::FinPlai,
            Financing::Plus => M::FinPlus,
            Financing::Pls => M::FinPls,
            Financing::Pli => M::FinPli,
            Financing::Other => M::FinOther,
        },
        1,
    );
    let surface_centi = d.surface.map(|s| (s as f64 * 100.0).round() as i64);
    if let Some(s) = surface_centi {
        set(M::SurfaceCenti, s);
        set(M::SurfaceKnown, 1);
    }
    if d.mode.is_let() {
        if let Some(rent) = d.rent {
            let cents = (rent as f64 * 100.0).round() as i64;
            set(M::RentCents, cents);
            set(M::RentKnown, 1);
            if let Some(s) = surface_centi.filter(|&s| s > 0) {
                set(M::RentCentsWithSurface, cents);
                set(M::SurfaceWithRentCenti, s);
            }
        }
    }
    if let Some(h) = h {
        set(M::Households, 1);
        if recent {
            set(M::RecentMovers, 1);
        }
        if h.responded {
            set(M::Respondents, 1);
            if let Some(c) = h.composition {
                set(M::CompKnown, 1);
                set(
                    match c {
                        Composition::Single => M::CompSingle,
                        Composition::SingleParent => M::CompSingleParent,
                        Composition::CoupleNoChildren => M::CompCoupleNoChildren,
                        Composition::CoupleWithChildren => M::CompCoupleWithChildren,
                        Composition::Other => M::CompOther,
                    },
                    1,
                );
            }
            if let Some(apl) = h.apl {
                set(M::AplKnown, 1);
                if apl {
                    set(M::AplYes, 1);
                }
            }
            if let Some(pct) = h.income_pct {
                set(M::IncomeKnown, 1);
                set(
                    match pct {
                        0..=19 => M::IncomeLt20,
                        20..=39 => M::Income20To40,
                        40..=59 => M::Income40To60,
                        60..=99 => M::Income60To100,
                        _ => M::IncomeGe100,
                    },
                    1,
                );
            }
        }
    }
    m
}

fn add(into: &mut Measures, m: &Measures) {
    for (a, b) in into.iter_mut().zip(m) {
        *a += b;
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

/// Sums the measures of every cell.
pub fn aggregate(input: &AggregateInput<'_>) -> Aggregates {
    let t = input.territory;
    let s = input.structure;
    let n_communes = t.communes.len();
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

    // direct tables: [pop]
    let mk = |scale, pop, split, n| Table::new(scale, pop, split, n);
    let mut cage: Vec<Table> = Population::ALL
        .iter()
        .map(|&p| mk(Scale::Cage, p, Split::Tout, s.stairwells.len()))
        .collect();
    let mut iris: Vec<Table> = Population::ALL
        .iter()
        .map(|&p| mk(Scale::Iris, p, Split::Tout, input.iris_count))
        .collect();
    let mut qpv: Vec<Table> = Population::ALL
        .iter()
        .map(|&p| mk(Scale::Qpv, p, Split::Tout, input.qpv_count))
        .collect();
    let mut qva: Vec<Table> = Population::ALL
        .iter()
        .map(|&p| mk(Scale::Qva, p, Split::Tout, n_qva))
        .collect();
    // commune: [pop][split]
    let mut commune: Vec<Vec<Table>> = Population::ALL
        .iter()
        .map(|&p| {
            Split::ALL
                .iter()
                .map(|&sp| mk(Scale::Commune, p, sp, n_communes))
                .collect()
        })
        .collect();
    let mut stair_sum: Vec<(f64, f64, u32)> = vec![(0.0, 0.0, 0); s.stairwells.len()];

    for (i, d) in input.dwellings.iter().enumerate() {
        let h = match household_of[i] {
            u32::MAX => None,
            k => Some(&input.households[k as usize]),
        };
        if h.is_none() && d.mode.is_let() {
            report.let_without_household += 1;
        }
        let recent = match h {
            Some(h) => {
                let (recent, source) = is_recent(h, d, input.reference, input.recent_years);
                match (recent, source) {
                    (true, MoveInSource::Ops) => report.recent_from_ops += 1,
                    (true, MoveInSource::RplsLease) => report.recent_from_lease += 1,
                    (_, MoveInSource::Unknown) => report.move_in_unknown += 1,
                    _ => {}
                }
                recent
            }
            None => false,
        };
        let m = contribution(d, h, recent);
        let loc = &input.locations[i];
        let pl = &input.placements[i];
        let split = split_of(d, loc, pl, &mut report);
        if pl.iris.is_none() {
            report.iris_unknown += 1;
        }
        let qva_unit = match qva_source {
            QvaSource::Polygons => pl.qva,
            QvaSource::RplsCodes => d.rpls_qva,
        };
        if qva_unit.is_some() {
            report.in_qva += 1;
        }
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
            let pi = pop_index(p);
            add(&mut cage[pi].measures[d.stairwell as usize], &m);
            add(&mut commune[pi][0].measures[d.commune as usize], &m);
            if let Some(sp) = split {
                add(
                    &mut commune[pi][split_index(sp)].measures[d.commune as usize],
                    &m,
                );
            }
            if let Some(z) = pl.iris {
                add(&mut iris[pi].measures[z as usize], &m);
            }
            if let Some(z) = pl.qpv {
                add(&mut qpv[pi].measures[z as usize], &m);
            }
            if let Some(z) = qva_unit {
                add(&mut qva[pi].measures[z as usize], &m);
            }
        }
    }

    let mut tables = Vec::new();
    // roll-ups of the structure hierarchy
    for (pi, cage_t) in cage.into_iter().enumerate() {
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
    // roll-ups of the administrative hierarchy
    for (pi, splits) in commune.into_iter().enumerate() {
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
    tables.extend(qpv);
    tables.extend(qva);
    tables.extend(iris);
    tables.sort_by_key(|t| (t.scale, t.population, t.split));

    // representative points
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

    Aggregates {
        tables,
        qva_source,
        programme_points: prog_sum.into_iter().map(mean).collect(),
        building_points: bat_sum.into_iter().map(mean).collect(),
        stairwell_points: stair_sum.into_iter().map(mean).collect(),
        report,
    }
}

#[cfg(test)]
mod tests;
