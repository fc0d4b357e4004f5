//! Write speed of a national-size point layer (run explicitly, in release):
//! `cargo bench --bench emit_speed`

// the helpers of the integration tests (each bench uses a few of them; without the feature,
// the module allows what is unused itself)
#[path = "../tests/integration/support/mod.rs"]
#[cfg_attr(feature = "tests-complets", allow(dead_code, unused_imports))]
mod support;

use std::time::Instant;

use gdal::vector::LayerAccess;
use gdal::Dataset;
use geo::{point, Geometry};
use opsgeo::emit::fgb::write_fgb;
use opsgeo::emit::gpkg::write_gpkg;
use opsgeo::emit::{GeometryKind, KeyField, Layer, LayerRow};
use opsgeo::indicators::{Kind, CATALOGUE};
use opsgeo::layout::tidy::tidy_rows;
use opsgeo::model::{Population, Scale, Split};
use opsgeo::secrecy::{Cell, Status};

const KEYS: [&str; 6] = [
    "code_cage",
    "code_batiment",
    "code_programme",
    "code_commune",
    "code_epci",
    "code_departement",
];

/// `n` stairwells with 6 keys and every catalogue indicator (6 + 2 × 32 = 70 fields).
fn big_layer(n: usize) -> Layer {
    let indicators: Vec<_> = CATALOGUE.iter().collect();
    let keys = KEYS
        .iter()
        .map(|k| KeyField {
            name: k,
            title: k,
            not_null: *k == "code_cage",
        })
        .collect();
    let rows = (0..n)
        .map(|i| LayerRow {
            keys: KEYS
                .iter()
                .enumerate()
                .map(|(j, _)| Some(format!("{:08}-{j}", i / (j + 1))))
                .collect(),
            geometry: (i % 1000 != 999).then(|| {
                Geometry::Point(point!(
                    x: 100_000.0 + (i % 997) as f64 * 1000.0,
                    y: 6_100_000.0 + (i / 997) as f64 * 5.0
                ))
            }),
            cells: indicators
                .iter()
                .enumerate()
                .map(|(k, d)| {
                    let v = match d.kind {
                        Kind::Count => ((i + k) % 500) as f64,
                        _ => ((i * 7 + k) % 1000) as f64 / 10.0,
                    };
                    Cell {
                        value: Some(v),
                        base: Some(20),
                        status: if (i + k) % 7 == 0 {
                            Status::SecretEffectif
                        } else {
                            Status::Publie
                        },
                    }
                })
                .collect(),
        })
        .collect();
    Layer {
        name: "cages_ensemble".into(),
        title: "Cages d'escalier".into(),
        description: "Banc d'essai".into(),
        scale: Scale::Cage,
        population: Population::Ensemble,
        split: Split::Tout,
        geometry: GeometryKind::Point,
        keys,
        indicators,
        rows,
    }
}

/// CPU seconds (user + system) used by this process so far (Linux, 100 ticks/s): the machine
/// is shared, so wall time alone overstates the cost.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn write_speed_200k_points() {
    let n = 200_000;
    let layer = big_layer(n);
    let fields = layer.keys.len() + 2 * layer.indicators.len();
    let dir = tempfile::tempdir().unwrap();
    let meta = support::layers::meta();

    let gpkg = dir.path().join("speed.gpkg");
    let (t, c) = (Instant::now(), cpu_seconds());
    write_gpkg(&gpkg, std::slice::from_ref(&layer), &[], &meta).unwrap();
    let s_gpkg = t.elapsed().as_secs_f64();
    let c_gpkg = cpu_seconds() - c;

    let fgb = dir.path().join("speed.fgb");
    let (t, c) = (Instant::now(), cpu_seconds());
    let left_out = write_fgb(&fgb, &layer, &meta).unwrap();
    let s_fgb = t.elapsed().as_secs_f64();
    let c_fgb = cpu_seconds() - c;

    // the long table of 20,000 of those rows (640,000 values)
    let mut small = big_layer(20_000);
    small.name = "cages_extrait".into();
    small.title = "Extrait".into();
    let tidy = tidy_rows(std::slice::from_ref(&small));
    let tidy_gpkg = dir.path().join("tidy.gpkg");
    let (t, c) = (Instant::now(), cpu_seconds());
    write_gpkg(&tidy_gpkg, &[], &tidy, &meta).unwrap();
    let s_tidy = t.elapsed().as_secs_f64();
    let c_tidy = cpu_seconds() - c;

    if let Ok(keep) = std::env::var("EMIT_SPEED_KEEP") {
        std::fs::copy(&gpkg, keep).unwrap();
    }
    let ds = Dataset::open(&gpkg).unwrap();
    assert_eq!(
        ds.layer_by_name("cages_ensemble").unwrap().feature_count(),
        n as u64
    );
    let ds = Dataset::open(&fgb).unwrap();
    assert_eq!(ds.layer(0).unwrap().feature_count(), (n - n / 1000) as u64);
    assert_eq!(left_out, n / 1000);
    let ds = Dataset::open(&tidy_gpkg).unwrap();
    assert_eq!(
        ds.layer_by_name("indicateurs").unwrap().feature_count(),
        tidy.len() as u64
    );

    println!("{n} lignes × {fields} champs");
    println!(
        "GeoPackage : {s_gpkg:.2} s ({c_gpkg:.2} s CPU), {:.0} lignes/s, {} Mo",
        n as f64 / s_gpkg,
        std::fs::metadata(&gpkg).unwrap().len() / 1_000_000
    );
    println!(
        "FlatGeobuf : {s_fgb:.2} s ({c_fgb:.2} s CPU), {:.0} lignes/s, {} Mo",
        n as f64 / s_fgb,
        std::fs::metadata(&fgb).unwrap().len() / 1_000_000
    );
    println!(
        "indicateurs : {} lignes en {s_tidy:.2} s ({c_tidy:.2} s CPU), {:.0} lignes/s",
        tidy.len(),
        tidy.len() as f64 / s_tidy
    );
}

fn main() {
    // `cargo test --benches` starts every bench once without `--bench`: a measurement only
    // runs under `cargo bench`
    if !std::env::args().any(|a| a == "--bench") {
        println!("mesure non lancée : cargo bench --bench emit_speed");
        return;
    }
    write_speed_200k_points();
}
