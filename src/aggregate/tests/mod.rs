//! Hand-computed aggregation fixtures.

use std::collections::BTreeMap;

use super::*;
use crate::config::{DepartementDef, RegionDef, TerritorySection};
use crate::geocode::GeocodeLevel;
use crate::indicators::Measure as M;
use crate::ingest::zones::{Zone, ZoneKind, ZoneLayer};
use crate::ingest::InputStats;
use crate::model::{
    Building, Composition, Landlord, OccupancyMode, OccupantSummary, Programme, Stairwell,
    YearMonth,
};

fn square(x: f64, y: f64, s: f64) -> geo::MultiPolygon<f64> {
    geo::MultiPolygon(vec![geo::Polygon::new(
        geo::LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]),
        vec![],
    )])
}

pub(crate) fn territory() -> Territory {
    let layer = ZoneLayer {
        kind: ZoneKind::Commune,
        source: "communes".into(),
        vintage: String::new(),
        zones: vec![
            Zone {
                code: "00001".into(),
                name: "Alpha".into(),
                commune: String::new(),
                geometry: square(0.0, 0.0, 100.0),
            },
            Zone {
                code: "00002".into(),
                name: "Beta".into(),
                commune: String::new(),
                geometry: square(100.0, 0.0, 100.0),
            },
        ],
        issues: vec![],
        stats: InputStats::default(),
    };
    let mut departements = BTreeMap::new();
    departements.insert(
        "00".to_string(),
        DepartementDef {
            name: "Dép".into(),
            region: "00".into(),
        },
    );
    let mut regions = BTreeMap::new();
    regions.insert(
        "00".to_string(),
        RegionDef {
            name: "Rég".into()
        },
    );
    let cfg = TerritorySection {
        epci_table: "epci.csv".into(),
        epci_columns: Default::default(),
        encoding: "auto".into(),
        delimiter: "auto".into(),
        departements,
        regions,
    };
    Territory::from_members(
        vec![
            ("00001".into(), "000000001".into(), "Métropole".into()),
            ("00002".into(), "000000001".into(), "Métropole".into()),
        ],
        InputStats::default(),
        &cfg,
        &layer,
    )
    .unwrap()
}

fn structure() -> Structure {
    Structure {
        landlords: vec![Landlord {
            code: "L".into(),
            name: "Bailleur".into(),
        }],
        programmes: vec![
            Programme {
                code: "L-P1".into(),
                landlord: 0,
            },
            Programme {
                code: "L-P2".into(),
                landlord: 0,
            },
        ],
        buildings: vec![
            Building {
                code: "L-P1-1".into(),
                programme: 0,
            },
            Building {
                code: "L-P1-2".into(),
                programme: 0,
            },
            Building {
                code: "L-P2-1".into(),
                programme: 1,
            },
        ],
        stairwells: vec![
            Stairwell {
                code: "L-P1-1-A".into(),
                building: 0,
            },
            Stairwell {
                code: "L-P1-1-B".into(),
                building: 0,
            },
            Stairwell {
                code: "L-P1-2-A".into(),
                building: 1,
            },
            Stairwell {
                code: "L-P2-1-A".into(),
                building: 2,
            },
        ],
        qva_codes: vec!["QV1".into()],
    }
}

fn dwelling(commune: u32, stairwell: u32, rooms: u8, mode: OccupancyMode) -> Dwelling {
    Dwelling {
        landlord: 0,
        commune,
        address: 0,
        stairwell,
        rooms,
        surface: Some(50.0),
        first_let_year: Some(1980),
        finan: 13,
        dpe_energy: None,
        mode,
        lease_start: None,
        rent: if mode.is_let() { Some(400.0) } else { None },
        rpls_qpv: None,
        rpls_qva: None,
        rpls_xy: None,
    }
}

fn household(dwelling: u32, responded: bool, move_in: Option<YearMonth>) -> Household {
    Household {
        dwelling,
        responded,
        move_in,
        composition: responded.then_some(Composition::Single),
        holder_age: None,
        income_pct: responded.then_some(35),
        apl: responded.then_some(true),
        occupants: OccupantSummary::default(),
    }
}

fn located(x: f64, y: f64) -> Location {
    Location {
        point: Some(Coord { x, y }),
        level: GeocodeLevel::Numero,
    }
}

fn not_found() -> Location {
    Location {
        point: None,
        level: GeocodeLevel::NonTrouve,
    }
}

fn ym(y: u16, m: u8) -> Option<YearMonth> {
    YearMonth::new(y, m)
}

struct Fixture {
    /// Commune of each IRIS unit (the fixture has 2, of no known commune; the additivity test
    /// 4, two per commune).
    iris_commune: Vec<Option<u32>>,
    territory: Territory,
    structure: Structure,
    dwellings: Vec<Dwelling>,
    households: Vec<Household>,
    locations: Vec<Location>,
    placements: Vec<Placement>,
}

/// Six dwellings:
/// 0: commune 0, cage 0, T2 let, QPV 0 (located), household responded, moved in 06/2021 (recent)
/// 1: commune 0, cage 1, T3 let, located outside QPV, household not responded, lease 03/2020 (recent via lease)
/// 2: commune 0, cage 2, T3 vacant, located outside QPV
/// 3: commune 1, cage 3, T5 let, not located, RPLS QPV flag true, household responded, moved in 1995
/// 4: commune 1, cage 3, T1 let, not located, no QPV flag, no household
/// 5: commune 1, cage 3, T6 let, located in QPV 0 and QVA code 0, household responded, no date
fn fixture() -> Fixture {
    let mut d = vec![
        dwelling(0, 0, 2, OccupancyMode::Let),
        dwelling(0, 1, 3, OccupancyMode::Let),
        dwelling(0, 2, 3, OccupancyMode::VacantOffered),
        dwelling(1, 3, 5, OccupancyMode::Let),
        dwelling(1, 3, 1, OccupancyMode::Let),
        dwelling(1, 3, 6, OccupancyMode::Let),
    ];
    d[1].lease_start = ym(2020, 3);
    d[3].rpls_qpv = Some(true);
    d[5].rpls_qva = Some(0);
    d[5].finan = 11;
    let households = vec![
        household(0, true, ym(2021, 6)),
        household(1, false, None),
        household(3, true, ym(1995, 1)),
        household(5, true, None),
    ];
    let locations = vec![
        located(10.0, 10.0),
        located(20.0, 20.0),
        located(30.0, 30.0),
        not_found(),
        not_found(),
        located(150.0, 50.0),
    ];
    let placements = vec![
        Placement {
            commune: Some(0),
            iris: Some(0),
            qpv: Some(0),
            qva: None,
        },
        Placement {
            commune: Some(0),
            iris: Some(0),
            qpv: None,
            qva: None,
        },
        Placement {
            commune: Some(0),
            iris: Some(1),
            qpv: None,
            qva: None,
        },
        Placement::default(),
        Placement::default(),
        Placement {
            commune: Some(1),
            iris: Some(1),
            qpv: Some(0),
            qva: None,
        },
    ];
    Fixture {
        iris_commune: vec![None; 2],
        territory: territory(),
        structure: structure(),
        dwellings: d,
        households,
        locations,
        placements,
    }
}

fn run(f: &Fixture) -> Aggregates {
    aggregate(&AggregateInput {
        dwellings: &f.dwellings,
        households: &f.households,
        locations: &f.locations,
        placements: &f.placements,
        structure: &f.structure,
        territory: &f.territory,
        iris_commune: &f.iris_commune,
        qpv_count: 1,
        qva_polygons: None,
        reference: YearMonth::new(2022, 1).unwrap(),
        recent_years: 2,
    })
}

fn get(a: &Aggregates, scale: Scale, pop: Population, split: Split, unit: usize, m: M) -> i64 {
    a.table(scale, pop, split).unwrap().measures[unit][m as usize]
}

#[test]
fn commune_totals_and_qpv_split() {
    let a = run(&fixture());
    use Population::Ensemble as E;
    assert_eq!(get(&a, Scale::Commune, E, Split::Tout, 0, M::Dwellings), 3);
    assert_eq!(get(&a, Scale::Commune, E, Split::Tout, 1, M::Dwellings), 3);
    // commune 0: dwelling 0 in QPV, 1 and 2 outside
    assert_eq!(get(&a, Scale::Commune, E, Split::Qpv, 0, M::Dwellings), 1);
    assert_eq!(
        get(&a, Scale::Commune, E, Split::HorsQpv, 0, M::Dwellings),
        2
    );
    // commune 1: dwelling 3 by RPLS flag, 5 located in QPV; dwelling 4 in neither part
    assert_eq!(get(&a, Scale::Commune, E, Split::Qpv, 1, M::Dwellings), 2);
    assert_eq!(
        get(&a, Scale::Commune, E, Split::HorsQpv, 1, M::Dwellings),
        0
    );
    assert_eq!(a.report.split_from_rpls_flag, 1);
    assert_eq!(a.report.split_unknown, 1);
    assert_eq!(get(&a, Scale::Commune, E, Split::Tout, 0, M::Vacant), 1);
}

#[test]
fn rollups_match_their_parts() {
    let a = run(&fixture());
    use Population::Ensemble as E;
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::Dwellings), 6);
    assert_eq!(get(&a, Scale::Region, E, Split::Qpv, 0, M::Dwellings), 3);
    assert_eq!(
        get(&a, Scale::Departement, E, Split::HorsQpv, 0, M::Dwellings),
        2
    );
    // cage 3 holds dwellings 3, 4, 5; building 2 = cage 3; programme 1 = building 2
    assert_eq!(get(&a, Scale::Cage, E, Split::Tout, 3, M::Dwellings), 3);
    assert_eq!(get(&a, Scale::Batiment, E, Split::Tout, 0, M::Dwellings), 2);
    assert_eq!(
        get(&a, Scale::Programme, E, Split::Tout, 0, M::Dwellings),
        3
    );
    assert_eq!(
        get(&a, Scale::Programme, E, Split::Tout, 1, M::Rooms5Plus),
        2
    );
}

#[test]
fn zones_only_count_precisely_located_dwellings() {
    let a = run(&fixture());
    use Population::Ensemble as E;
    assert_eq!(get(&a, Scale::Qpv, E, Split::Tout, 0, M::Dwellings), 2);
    assert_eq!(get(&a, Scale::Iris, E, Split::Tout, 0, M::Dwellings), 2);
    assert_eq!(get(&a, Scale::Iris, E, Split::Tout, 1, M::Dwellings), 2);
    assert_eq!(a.report.iris_unknown, 2);
    // QVA from the RPLS code
    assert_eq!(a.qva_source, QvaSource::RplsCodes);
    assert_eq!(get(&a, Scale::Qva, E, Split::Tout, 0, M::FinPlai), 1);
}

#[test]
fn recent_movers_use_ops_date_then_lease() {
    let a = run(&fixture());
    use Population::Recents as R;
    // dwelling 0 (OPS 06/2021) and dwelling 1 (lease 03/2020); dwelling 3 moved in 1995
    assert_eq!(a.report.recent_from_ops, 1);
    assert_eq!(a.report.recent_from_lease, 1);
    assert_eq!(a.report.move_in_unknown, 1); // dwelling 5
    assert_eq!(get(&a, Scale::Commune, R, Split::Tout, 0, M::Dwellings), 2);
    assert_eq!(get(&a, Scale::Commune, R, Split::Tout, 1, M::Dwellings), 0);
    assert_eq!(
        get(&a, Scale::Commune, R, Split::Tout, 0, M::Respondents),
        1
    );
    assert_eq!(
        get(
            &a,
            Scale::Commune,
            Population::Ensemble,
            Split::Tout,
            0,
            M::RecentMovers
        ),
        2
    );
}

#[test]
fn household_measures_count_respondents_only() {
    let a = run(&fixture());
    use Population::Ensemble as E;
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::Households), 4);
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::Respondents), 3);
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::AplYes), 3);
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::Income20To40), 3);
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::CompSingle), 3);
    assert_eq!(a.report.let_without_household, 1);
    // rents: 5 let dwellings at 400 €
    assert_eq!(
        get(&a, Scale::Epci, E, Split::Tout, 0, M::RentCents),
        5 * 40_000
    );
    assert_eq!(get(&a, Scale::Epci, E, Split::Tout, 0, M::RentKnown), 5);
}

#[test]
fn representative_points_are_means_of_located_dwellings() {
    let a = run(&fixture());
    assert_eq!(a.stairwell_points[3], Some(Coord { x: 150.0, y: 50.0 }));
    assert_eq!(a.building_points[0], Some(Coord { x: 15.0, y: 15.0 }));
    assert_eq!(a.programme_points[0], Some(Coord { x: 20.0, y: 20.0 }));
}

#[test]
fn recent_window_is_the_24_months_before_reference() {
    let f = fixture();
    let d = &f.dwellings[0];
    let r = YearMonth::new(2022, 1).unwrap();
    let h = |m| household(0, true, m);
    assert!(is_recent(&h(ym(2020, 1)), d, r, 2).0);
    assert!(is_recent(&h(ym(2021, 12)), d, r, 2).0);
    assert!(!is_recent(&h(ym(2019, 12)), d, r, 2).0);
    assert!(!is_recent(&h(ym(2022, 1)), d, r, 2).0);
}

#[test]
fn programmes_spanning_several_communes_are_counted() {
    let mut f = fixture();
    assert_eq!(run(&f).report.programmes_multi_communes, 0);
    // dwelling 2 (programme 0, building 1) moves to commune 1: programme 0 now spans both
    f.dwellings[2].commune = 1;
    let a = run(&f);
    assert_eq!(a.report.programmes_multi_communes, 1);
    assert_eq!(a.report.buildings_multi_communes, 0);
    // the programme stays one unit with all its dwellings; each counts in its own commune
    assert_eq!(
        get(
            &a,
            Scale::Programme,
            Population::Ensemble,
            Split::Tout,
            0,
            M::Dwellings
        ),
        3
    );
    assert_eq!(
        get(
            &a,
            Scale::Commune,
            Population::Ensemble,
            Split::Tout,
            1,
            M::Dwellings
        ),
        4
    );
}

#[test]
fn table_memory_is_reported() {
    let a = run(&fixture());
    // per population: cages 4 + bâtiments 3 + programmes 2 + (communes 2 + EPCI, département,
    // région 1 each) × 3 splits + IRIS 2 + QPV 1 + QVA 1 = 28 cells
    let cells = 2 * 28;
    assert_eq!(
        a.report.tables_bytes,
        (cells * N_MEASURES * std::mem::size_of::<i64>()) as u64
    );
}

mod additivity;

/// A dwelling whose corrected point fell into another commune than its `DEPCOM` was counted in
/// that commune's IRIS: the commune was no longer the sum of its IRIS, and the secrecy audit
/// found the publication inconsistent.
#[test]
fn iris_of_another_commune_than_depcom_is_not_taken() {
    let mut f = fixture();
    // both IRIS in commune 0: dwelling 5 (commune 1) was located in IRIS 1
    f.iris_commune = vec![Some(0), Some(0)];
    let a = run(&f);
    use Population::Ensemble as E;
    assert_eq!(get(&a, Scale::Iris, E, Split::Tout, 0, M::Dwellings), 2);
    assert_eq!(get(&a, Scale::Iris, E, Split::Tout, 1, M::Dwellings), 1);
    assert_eq!(a.report.iris_unknown, 3);
    assert_eq!(a.report.iris_other_commune, 1);
    // the dwelling still counts in its commune and its QPV
    assert_eq!(get(&a, Scale::Commune, E, Split::Tout, 1, M::Dwellings), 3);
    assert_eq!(get(&a, Scale::Qpv, E, Split::Tout, 0, M::Dwellings), 2);
}
