//! Speed and memory of the aggregation at a larger scale (run explicitly, in release):
//! `cargo bench --bench indicators_scale`
//!
//! 100,000 stairwells (48,000 buildings, 22,000 programmes: the demo's proportions) holding
//! 500,000 dwellings, 470,000 households with occupants. Prints the time of `aggregate()` and
//! the memory of its tables, and extrapolates to 1 million stairwells (the tables grow
//! linearly with the number of units).

// the helpers of the integration tests (each bench uses a few of them; without the feature,
// the module allows what is unused itself)
#[path = "../tests/integration/support/mod.rs"]
#[cfg_attr(feature = "tests-complets", allow(dead_code, unused_imports))]
mod support;

use std::time::Instant;

use opsgeo::aggregate::{aggregate, AggregateInput};
use opsgeo::geocode::{GeocodeLevel, Location};
use opsgeo::indicators::{Measure, Measures, N_MEASURES};
use opsgeo::join::Placement;
use opsgeo::model::{
    Building, Composition, Coord, DpeClass, Employment, Landlord, Link, OccupancyMode, Population,
    Programme, Scale, Split, Stairwell, Structure, YearMonth,
};

const STAIRWELLS: u32 = 100_000;
const BUILDINGS: u32 = 48_000;
const PROGRAMMES: u32 = 22_000;
const DWELLINGS: u32 = 500_000;

fn structure() -> Structure {
    Structure {
        landlords: vec![Landlord {
            code: "L".into(),
            name: "Bailleur".into(),
        }],
        programmes: (0..PROGRAMMES)
            .map(|p| Programme {
                code: format!("L-{p}"),
                landlord: 0,
            })
            .collect(),
        buildings: (0..BUILDINGS)
            .map(|b| Building {
                code: format!("B{b}"),
                programme: b * PROGRAMMES / BUILDINGS,
            })
            .collect(),
        stairwells: (0..STAIRWELLS)
            .map(|s| Stairwell {
                code: format!("S{s}"),
                building: s * BUILDINGS / STAIRWELLS,
            })
            .collect(),
        qva_codes: vec![],
    }
}

fn aggregation_speed_and_table_memory() {
    let territory = support::ingest::territory();
    let s = structure();
    let dpe = [
        None,
        Some(DpeClass::B),
        Some(DpeClass::D),
        Some(DpeClass::F),
    ];
    let mut dwellings = Vec::with_capacity(DWELLINGS as usize);
    let mut households = Vec::new();
    for i in 0..DWELLINGS {
        let mode = if i % 17 == 0 {
            OccupancyMode::VacantOffered
        } else {
            OccupancyMode::Let
        };
        let mut d = support::indicators::dwelling(
            1 + (i % 6) as u8,
            Some(25.0 + (i % 90) as f32),
            Some(1900 + (i % 120) as u16),
            [11u8, 13, 14, 16, 50][i as usize % 5],
            dpe[i as usize % 4],
            mode,
            Some(250.0 + (i % 400) as f32),
        );
        d.commune = i % 2;
        d.stairwell = i * STAIRWELLS / DWELLINGS;
        d.lease_start = YearMonth::new(2000 + (i % 22) as u16, 1 + (i % 12) as u8);
        d.rpls_qpv = Some(i % 3 == 0);
        if mode.is_let() {
            let occ: Vec<support::indicators::Occ> = (0..1 + i % 4)
                .map(|k| {
                    (
                        (20 + 13 * k + i % 50) as u8 % 100,
                        if k == 0 { Link::Holder } else { Link::Child },
                        Employment::from_code((1 + (i + k) % 6) as u8),
                    )
                })
                .collect();
            let mut h = support::indicators::respondent(
                i,
                Some(Composition::Single),
                Some(25 + (i % 60) as u8),
                Some((i % 130) as u16),
                Some(i % 2 == 0),
                &occ,
            );
            h.responded = i % 5 != 0;
            households.push(h);
        }
        dwellings.push(d);
    }
    let locations: Vec<Location> = (0..DWELLINGS)
        .map(|i| Location {
            point: Some(Coord {
                x: 850_000.0 + (i % 1000) as f64,
                y: 6_680_000.0 + (i / 1000) as f64,
            }),
            level: GeocodeLevel::Numero,
        })
        .collect();
    let placements: Vec<Placement> = (0..DWELLINGS)
        .map(|i| Placement {
            commune: Some(i % 2),
            iris: Some(i % 40),
            qpv: (i % 3 == 0).then_some(i % 5),
            qva: None,
        })
        .collect();
    let start = Instant::now();
    let aggs = aggregate(&AggregateInput {
        dwellings: &dwellings,
        households: &households,
        locations: &locations,
        placements: &placements,
        structure: &s,
        territory: &territory,
        iris_commune: &[None; 40],
        qpv_count: 5,
        qva_polygons: None,
        reference: YearMonth::new(2022, 1).unwrap(),
        recent_years: 2,
    });
    let secs = start.elapsed().as_secs_f64();
    let epci = &aggs
        .table(Scale::Epci, Population::Ensemble, Split::Tout)
        .unwrap()
        .measures[0];
    assert_eq!(epci[Measure::Dwellings as usize], DWELLINGS as i64);
    let per_cell = std::mem::size_of::<Measures>();
    let bytes = aggs.report.tables_bytes as f64;
    let structure_cells = 2.0 * (STAIRWELLS + BUILDINGS + PROGRAMMES) as f64;
    println!(
        "aggregate(): {DWELLINGS} dwellings, {} households, {STAIRWELLS} stairwells: {secs:.3} s ({:.0} dwellings/s)",
        households.len(),
        DWELLINGS as f64 / secs
    );
    println!(
        "tables: {N_MEASURES} measures × 8 B = {per_cell} B per cell; {:.1} MB in all ({:.1} MB for programme/bâtiment/cage)",
        bytes / 1e6,
        structure_cells * per_cell as f64 / 1e6
    );
    println!(
        "extrapolated to 1,000,000 stairwells (same proportions): {:.2} GB",
        structure_cells * per_cell as f64 * (1_000_000.0 / STAIRWELLS as f64) / 1e9
    );
    assert!(bytes >= structure_cells * per_cell as f64);
}

fn main() {
    // `cargo test --benches` starts every bench once without `--bench`: a measurement only
    // runs under `cargo bench`
    if !std::env::args().any(|a| a == "--bench") {
        println!("mesure non lancée : cargo bench --bench indicators_scale");
        return;
    }
    aggregation_speed_and_table_memory();
}
