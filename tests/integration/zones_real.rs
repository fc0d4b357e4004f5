//! Reading the real zone layers of `../shared/data/real` (read in place, never copied).
//!
//! Expected invalid-polygon figures were checked with GDAL 3.6.2 / GEOS 3.11 (`IsValid()` from
//! `/usr/bin/python3` + osgeo) on the same geometries reprojected to EPSG:2154 with the
//! traditional axis order:
//! * QPV 2015 Occitanie: 32 invalid in CRS84 (as SOURCES.md says), 29 once in Lambert-93 — three
//!   polygons (QP011002, QP034005, QP012002) only touch themselves at a point that no longer
//!   coincides after reprojection. The layer is validated in Lambert-93, where it is used.
//! * IRIS Toulouse (already Lambert-93): 2 invalid (313950105, 315551702).
//!
//! When `/usr/bin/python3` with osgeo is present, the QPV test also recomputes the GEOS list.

use std::collections::BTreeSet;
use std::process::Command;

use geo::{Area, Centroid, Validation};

use opsgeo::config::ZoneInput;
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::zones::{read_zone_layer, ZoneKind, ZoneLayer};

use crate::support::ingest::zone_input;
use crate::support::{real, without_shared};

const QPV: &str = "qpv_samples_other_regions/hackaviz2021_occitanie_qp.geojson";
const IRIS: &str = "iris_sample_haute_garonne/lomsansnom_iris_decoded_L93.geojson";
const DIJON: &str = "epci_dijon_metropole/dijon_metropole_communes_datafrance.geojson";

const QPV_INVALID_L93: [&str; 29] = [
    "QP066005", "QP011004", "QP011008", "QP030003", "QP034021", "QP030013", "QP030001", "QP030007",
    "QP031010", "QP081005", "QP030014", "QP082001", "QP009002", "QP082003", "QP066006", "QP011007",
    "QP030017", "QP009001", "QP066001", "QP030006", "QP034018", "QP030011", "QP009003", "QP081010",
    "QP034003", "QP034010", "QP011001", "QP030010", "QP065003",
];
const IRIS_INVALID: [&str; 2] = ["313950105", "315551702"];

fn read(input: &ZoneInput, kind: ZoneKind) -> (ZoneLayer, RejectLog) {
    let mut rejects = RejectLog::new();
    let layer = read_zone_layer(input, kind, &mut rejects).expect("layer reads");
    (layer, rejects)
}

/// Common checks: every feature accounted for, every accepted geometry valid, issues as expected.
fn check_layer(layer: &ZoneLayer, rejects: &RejectLog, features: u64, invalid: &[&str]) {
    assert_eq!(layer.stats.read, features);
    assert_eq!(layer.stats.accepted + layer.stats.rejected, features);
    assert_eq!(layer.stats.accepted as usize, layer.zones.len());
    assert_eq!(layer.stats.rejected as usize, rejects.len());
    for z in &layer.zones {
        assert!(
            z.geometry.is_valid(),
            "{} : {:?}",
            z.code,
            z.geometry.validation_errors()
        );
        assert!(z.geometry.unsigned_area() > 0.0, "{}", z.code);
    }
    let found: BTreeSet<&str> = layer.issues.iter().map(|i| i.zone.as_str()).collect();
    let expected: BTreeSet<&str> = invalid.iter().copied().collect();
    assert_eq!(found, expected);
    assert_eq!(layer.issues.len(), invalid.len());
    // Every issue is either repaired (zone kept) or rejected (one reject line).
    for i in &layer.issues {
        assert!(!i.problem.is_empty());
        let kept = layer.zones.iter().any(|z| z.code == i.zone);
        match i.action.as_str() {
            "reparee" => assert!(kept, "{}", i.zone),
            "rejetee" => assert!(!kept, "{}", i.zone),
            other => panic!("action {other}"),
        }
    }
}

#[test]
fn qpv_2015_occitanie() {
    if without_shared() {
        return;
    }
    let input = zone_input(real(QPV), "code_qp", "nom_qp", "");
    let (layer, rejects) = read(&input, ZoneKind::Qpv);
    check_layer(&layer, &rejects, 105, &QPV_INVALID_L93);
    assert_eq!(
        layer.stats.format,
        "GeoJSON, EPSG:4326 reprojeté en EPSG:2154"
    );
    // All 29 are self-intersecting rings that GEOS repairs: none is lost.
    assert_eq!(layer.zones.len(), 105);
    assert!(layer
        .issues
        .iter()
        .all(|i| i.action == "reparee" && i.problem.contains("anneau auto-intersecté")));
    // Repair keeps the surface: QP030001 (2.35 km²) within 0.1 %.
    let z = layer.zones.iter().find(|z| z.code == "QP030001").unwrap();
    assert!((z.geometry.unsigned_area() / 2_352_668.0 - 1.0).abs() < 1e-3);
    assert_eq!(
        z.name,
        "Près Saint Jean - Cévennes - Tamaris - Cauvel-la Royale - Rochebelle - Centre ville"
    );
    // Everything lies in Occitanie, in Lambert-93.
    for z in &layer.zones {
        let c = z.geometry.centroid().unwrap();
        assert!((440_000.0..860_000.0).contains(&c.x()), "{} {c:?}", z.code);
        assert!(
            (6_150_000.0..6_400_000.0).contains(&c.y()),
            "{} {c:?}",
            z.code
        );
    }
}

#[test]
fn qpv_invalid_list_matches_geos_when_available() {
    if without_shared() {
        return;
    }
    let script = r#"
import sys
from osgeo import ogr, osr
ds = ogr.Open(sys.argv[1]); lyr = ds.GetLayer(0)
src = lyr.GetSpatialRef(); src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
dst = osr.SpatialReference(); dst.ImportFromEPSG(2154)
dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
ct = osr.CoordinateTransformation(src, dst)
for f in lyr:
    g = f.GetGeometryRef().Clone(); g.Transform(ct)
    if not g.IsValid(): print(f.GetField("code_qp"))
"#;
    let out = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(real(QPV))
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        _ => {
            eprintln!("/usr/bin/python3 avec osgeo indisponible : comparaison GEOS ignorée");
            return;
        }
    };
    let geos: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let recorded: BTreeSet<String> = QPV_INVALID_L93.iter().map(|s| s.to_string()).collect();
    assert_eq!(geos, recorded);
}

#[test]
fn iris_toulouse_geojson() {
    if without_shared() {
        return;
    }
    let input = zone_input(real(IRIS), "CODE_IRIS", "NOM_IRIS", "INSEE_COM");
    let (layer, rejects) = read(&input, ZoneKind::Iris);
    check_layer(&layer, &rejects, 849, &IRIS_INVALID);
    assert_eq!(layer.stats.format, "GeoJSON, EPSG:2154");
    assert_eq!(layer.zones.len(), 849);
    assert!(layer
        .zones
        .iter()
        .all(|z| z.code.len() == 9 && z.code.starts_with(&z.commune)));
    let z = layer.zones.iter().find(|z| z.code == "312870000").unwrap();
    assert_eq!(z.name, "Lavernose-Lacasse");
    assert_eq!(z.commune, "31287");
}

#[test]
fn iris_toulouse_as_shapefile_and_geopackage() {
    if without_shared() {
        return;
    }
    if Command::new("ogr2ogr").arg("--version").output().is_err() {
        eprintln!("ogr2ogr absent : conversion shapefile / GeoPackage non testée");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reference = read(
        &zone_input(real(IRIS), "CODE_IRIS", "NOM_IRIS", "INSEE_COM"),
        ZoneKind::Iris,
    )
    .0;
    // The shapefile is written in UTF-8 (the default, ISO-8859-1, cannot hold « Œ »).
    for (file, driver, options, prefix) in [
        (
            "iris.shp",
            "ESRI Shapefile",
            ["-lco", "ENCODING=UTF-8"],
            "ESRI Shapefile, EPSG:2154",
        ),
        (
            "iris.gpkg",
            "GPKG",
            ["-lco", "SPATIAL_INDEX=YES"],
            "GPKG, EPSG:2154",
        ),
    ] {
        let out = dir.path().join(file);
        let status = Command::new("ogr2ogr")
            .args(["-f", driver])
            .args(options)
            .arg(&out)
            .arg(real(IRIS))
            .args(["-nln", "iris"])
            .status()
            .unwrap();
        assert!(status.success(), "ogr2ogr {driver}");
        // Lower-case attribute names in the configuration: matched case-insensitively.
        let input = zone_input(out, "code_iris", "nom_iris", "insee_com");
        let (layer, rejects) = read(&input, ZoneKind::Iris);
        check_layer(&layer, &rejects, 849, &IRIS_INVALID);
        assert!(
            layer.stats.format.starts_with(prefix),
            "{}",
            layer.stats.format
        );
        assert_eq!(layer.zones.len(), reference.zones.len());
        for (a, b) in layer.zones.iter().zip(&reference.zones) {
            assert_eq!(
                (&a.code, &a.name, &a.commune),
                (&b.code, &b.name, &b.commune)
            );
            let (aa, ab) = (a.geometry.unsigned_area(), b.geometry.unsigned_area());
            assert!(
                (aa - ab).abs() <= 1e-6 * ab.max(1.0),
                "{} {aa} {ab}",
                a.code
            );
        }
    }
}

#[test]
fn dijon_metropole_communes_reprojected() {
    if without_shared() {
        return;
    }
    let input = zone_input(real(DIJON), "code", "nom", "");
    let (layer, rejects) = read(&input, ZoneKind::Commune);
    check_layer(&layer, &rejects, 23, &[]);
    let total_km2: f64 = layer
        .zones
        .iter()
        .map(|z| z.geometry.unsigned_area())
        .sum::<f64>()
        / 1e6;
    assert!(
        (total_km2 / 240.16 - 1.0).abs() < 0.005,
        "total {total_km2:.2} km²"
    );
    for z in &layer.zones {
        let c = z.geometry.centroid().unwrap();
        assert!((840_000.0..870_000.0).contains(&c.x()), "{} {c:?}", z.code);
        assert!(
            (6_675_000.0..6_710_000.0).contains(&c.y()),
            "{} {c:?}",
            z.code
        );
    }
    let dijon = layer.zones.iter().find(|z| z.code == "21231").unwrap();
    assert_eq!(dijon.name, "Dijon");
    // GDAL/GEOS on the same reprojected polygon: 41.848 km².
    let km2 = dijon.geometry.unsigned_area() / 1e6;
    assert!((km2 - 41.848).abs() < 0.001, "{km2}");
}
