//! Reading zone layers from small layers written at test time: rejects, duplicates, repairs,
//! attribute matching, CRS handling, layer selection, integer codes.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{
    Feature, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType,
};
use gdal::DriverManager;
use geo::{Area, BoundingRect, Validation};

use opsgeo::config::ZoneInput;
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::zones::{read_zone_layer, ZoneKind};
use opsgeo::ingest::IngestError;

use crate::support::ingest::zone_input;

fn input(path: &Path, code: &str, name: &str) -> ZoneInput {
    ZoneInput {
        vintage: "2015".into(),
        ..zone_input(path.to_path_buf(), code, name, "")
    }
}

/// A GeoJSON feature; `code` None writes a null code, `geom` None a null geometry.
fn feature(code: Option<&str>, geom: Option<&str>) -> String {
    let name = format!("zone {}", code.unwrap_or("?"));
    let code = code.map_or("null".to_string(), |c| format!("\"{c}\""));
    let geom = geom.unwrap_or("null");
    format!(
        r#"{{"type":"Feature","properties":{{"code":{code},"Nom":"{name}"}},"geometry":{geom}}}"#
    )
}

fn square(x: f64, y: f64, s: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}"#,
        x1 = x + s,
        y1 = y + s
    )
}

fn write_geojson(dir: &Path, name: &str, crs: Option<&str>, features: &[String]) -> PathBuf {
    let crs = crs.map_or(String::new(), |c| {
        format!(r#""crs":{{"type":"name","properties":{{"name":"{c}"}}}},"#)
    });
    let text = format!(
        r#"{{"type":"FeatureCollection",{crs}"features":[{}]}}"#,
        features.join(",")
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const L93: &str = "urn:ogc:def:crs:EPSG::2154";
const BOW_TIE: &str = r#"{"type":"Polygon","coordinates":[[[700000,6600000],[700010,6600010],[700010,6600000],[700000,6600010],[700000,6600000]]]}"#;
const COLLAPSED: &str = r#"{"type":"Polygon","coordinates":[[[700000,6600000],[700010,6600000],[700010,6600000],[700000,6600000]]]}"#;

#[test]
fn every_feature_is_accepted_or_rejected_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let sq = |k: f64| square(650000.0 + 100.0 * k, 6800000.0, 50.0);
    let features = vec![
        feature(Some("A"), Some(&sq(0.0))), // 1 accepted
        feature(Some("A"), Some(&square(650025.0, 6800000.0, 50.0))), // 2 duplicate: overlaps 1
        feature(None, Some(&sq(2.0))),      // 3 null code
        feature(Some("  "), Some(&sq(3.0))), // 4 blank code
        feature(Some("B"), None),           // 5 null geometry
        feature(Some("P"), Some(r#"{"type":"Point","coordinates":[1,2]}"#)), // 6 point
        feature(Some("C"), Some(BOW_TIE)),  // 7 repaired
        feature(Some("D"), Some(COLLAPSED)), // 8 unrepairable
        feature(Some("D"), Some(&sq(4.0))), // 9 accepted: the first D was rejected
        feature(
            Some("E"),
            Some(r#"{"type":"GeometryCollection","geometries":[]}"#),
        ), // 10 empty
    ];
    let path = write_geojson(dir.path(), "zones.geojson", Some(L93), &features);
    let mut rejects = RejectLog::new();
    // Attribute names differ in case from the configuration.
    let layer = read_zone_layer(&input(&path, "CODE", "nom"), ZoneKind::Qpv, &mut rejects).unwrap();

    assert_eq!(layer.stats.read, 10);
    assert_eq!(layer.stats.accepted, 3);
    assert_eq!(layer.stats.rejected, 7);
    assert!(layer.stats.reconciles());
    assert_eq!(layer.stats.format, "GeoJSON, EPSG:2154");
    assert_eq!(layer.vintage, "2015");
    let codes: Vec<&str> = layer.zones.iter().map(|z| z.code.as_str()).collect();
    assert_eq!(codes, ["A", "C", "D"]);
    assert_eq!(layer.zones[0].name, "zone A");
    assert!(layer.zones.iter().all(|z| z.geometry.is_valid()));
    // The bow-tie became two triangles of 25 m² each.
    assert!((layer.zones[1].geometry.unsigned_area() - 50.0).abs() < 1e-6);
    assert_eq!(layer.zones[1].geometry.0.len(), 2);

    let got: Vec<(u64, &str, &str, &str)> = rejects
        .rejects()
        .iter()
        .map(|r| {
            (
                r.line,
                r.column.as_str(),
                r.value.as_str(),
                r.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(got.len(), 7, "{got:#?}");
    assert!(rejects.rejects().iter().all(|r| r.file == "zones.geojson"));
    assert_eq!(
        got[0],
        (
            2,
            "code",
            "A",
            "code de zone en double (déjà pris par l'entité 1)"
        )
    );
    assert_eq!(got[1], (3, "code", "", "code de zone manquant"));
    assert_eq!(got[2], (4, "code", "", "code de zone manquant"));
    assert_eq!(got[3], (5, "géométrie", "B", "géométrie absente"));
    assert_eq!(
        got[4],
        (6, "géométrie", "P", "géométrie non polygonale (Point)")
    );
    assert_eq!(got[5].0, 8);
    assert!(
        got[5]
            .3
            .starts_with("géométrie invalide non réparable : moins de 3 points distincts"),
        "{}",
        got[5].3
    );
    assert_eq!(got[6], (10, "géométrie", "E", "géométrie vide"));

    assert_eq!(layer.issues.len(), 2);
    assert_eq!(layer.issues[0].zone, "C");
    assert_eq!(layer.issues[0].feature, 7);
    assert_eq!(layer.issues[0].action, "reparee");
    assert_eq!(
        layer.issues[0].problem,
        "anneau auto-intersecté (anneau extérieur)"
    );
    assert_eq!(layer.issues[1].zone, "D");
    assert_eq!(layer.issues[1].feature, 8);
    assert_eq!(layer.issues[1].action, "rejetee");
}

/// Regression: a QPV split into two features of the same code and name (a layer passed
/// through « multiparties vers parties uniques ») stopped the run on a duplicate code; its
/// parts are one zone. A part of another name, or overlapping the first, is still a duplicate.
#[test]
fn the_parts_of_a_zone_split_into_several_features_are_joined() {
    let dir = tempfile::tempdir().unwrap();
    let sq = |k: f64| square(650000.0 + 100.0 * k, 6800000.0, 50.0);
    let other_name = sq(3.0);
    let features = vec![
        feature(Some("Q1"), Some(&sq(0.0))), // 1 accepted
        feature(Some("Q2"), Some(&sq(1.0))), // 2 accepted
        feature(Some("Q1"), Some(&sq(2.0))), // 3 joined to 1
        feature(Some("Q1"), Some(&square(650010.0, 6800010.0, 10.0))), // 4 overlaps 1
        format!(
            r#"{{"type":"Feature","properties":{{"code":"Q2","Nom":"autre nom"}},"geometry":{other_name}}}"#
        ), // 5 another name
    ];
    let path = write_geojson(dir.path(), "qpv.geojson", Some(L93), &features);
    let mut rejects = RejectLog::new();
    let layer = read_zone_layer(&input(&path, "code", "Nom"), ZoneKind::Qpv, &mut rejects).unwrap();
    assert_eq!(
        (layer.stats.read, layer.stats.accepted, layer.stats.rejected),
        (5, 3, 2)
    );
    assert!(layer.stats.reconciles());
    let codes: Vec<&str> = layer.zones.iter().map(|z| z.code.as_str()).collect();
    assert_eq!(codes, ["Q1", "Q2"]);
    assert_eq!(layer.zones[0].geometry.0.len(), 2);
    assert!((layer.zones[0].geometry.unsigned_area() - 5000.0).abs() < 1e-6);
    assert!(layer.zones[0].geometry.is_valid());
    let lines: Vec<u64> = rejects.rejects().iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 5]);
    assert!(rejects
        .rejects()
        .iter()
        .all(|r| r.reason.starts_with("code de zone en double")));
}

#[test]
fn missing_code_or_name_column_lists_the_available_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_geojson(
        dir.path(),
        "q.geojson",
        Some(L93),
        &[feature(Some("A"), Some(&square(650000.0, 6800000.0, 10.0)))],
    );
    for (code, name, missing) in [("code_qp", "Nom", "code_qp"), ("code", "nom_qp", "nom_qp")] {
        let err = read_zone_layer(
            &input(&path, code, name),
            ZoneKind::Qpv,
            &mut RejectLog::new(),
        )
        .unwrap_err();
        match &err {
            IngestError::MissingColumn {
                path: p,
                column,
                available,
            } => {
                assert_eq!(p, &path);
                assert_eq!(column, missing);
                assert_eq!(available, "code, Nom");
            }
            other => panic!("unexpected error {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("q.geojson") && text.contains(missing),
            "{text}"
        );
    }
}

#[test]
fn unreadable_file_is_a_gdal_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.gpkg");
    let err = read_zone_layer(
        &input(&path, "code", "nom"),
        ZoneKind::Qpv,
        &mut RejectLog::new(),
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::Gdal { .. }), "{err:?}");
    assert!(err.to_string().contains("absent.gpkg"));
}

#[test]
fn lon_lat_geojson_is_reprojected_with_x_east() {
    // A 0.01° square in central Dijon, GeoJSON without a crs member (= CRS84, lon/lat).
    let dir = tempfile::tempdir().unwrap();
    let g = r#"{"type":"Polygon","coordinates":[[[5.04,47.32],[5.05,47.32],[5.05,47.33],[5.04,47.33],[5.04,47.32]]]}"#;
    let path = write_geojson(
        dir.path(),
        "dijon.geojson",
        None,
        &[feature(Some("21231"), Some(g))],
    );
    let layer = read_zone_layer(
        &input(&path, "code", "nom"),
        ZoneKind::Commune,
        &mut RejectLog::new(),
    )
    .unwrap();
    assert_eq!(
        layer.stats.format,
        "GeoJSON, EPSG:4326 reprojeté en EPSG:2154"
    );
    let r = layer.zones[0].geometry.bounding_rect().unwrap();
    // Dijon is around x 853 000, y 6 690 000 in Lambert-93 (a swapped axis order would put it
    // thousands of kilometres away).
    assert!((850_000.0..858_000.0).contains(&r.min().x), "{r:?}");
    assert!((6_685_000.0..6_695_000.0).contains(&r.min().y), "{r:?}");
    // 0.01° × 0.01° at 47.3° N ≈ 755 m × 1 112 m.
    let area = layer.zones[0].geometry.unsigned_area();
    assert!((area / (755.0 * 1112.0) - 1.0).abs() < 0.02, "{area}");
}

/// Writes a layer with the gdal crate (no `.prj` when `srs` is None).
fn write_with_gdal(
    path: &Path,
    driver: &str,
    layers: &[(&str, Option<u32>)],
    code_type: OGRFieldType::Type,
    rows: &[(&str, &str)],
) {
    let drv = DriverManager::get_driver_by_name(driver).unwrap();
    let mut ds = drv.create_vector_only(path).unwrap();
    for (name, epsg) in layers {
        let srs = epsg.map(|e| SpatialRef::from_epsg(e).unwrap());
        let layer = ds
            .create_layer(LayerOptions {
                name,
                srs: srs.as_ref(),
                ty: OGRwkbGeometryType::wkbPolygon,
                options: None,
            })
            .unwrap();
        layer
            .create_defn_fields(&[("CODE", code_type), ("NOM", OGRFieldType::OFTString)])
            .unwrap();
        for (code, wkt) in rows {
            let mut f = Feature::new(layer.defn()).unwrap();
            if code_type == OGRFieldType::OFTInteger {
                f.set_field_integer(0, code.parse().unwrap()).unwrap();
            } else {
                f.set_field_string(0, code).unwrap();
            }
            f.set_field_string(1, &format!("{name} {code}")).unwrap();
            f.set_geometry(Geometry::from_wkt(wkt).unwrap()).unwrap();
            f.create(&layer).unwrap();
        }
    }
}

const SQ: &str =
    "POLYGON ((650000 6800000,650100 6800000,650100 6800100,650000 6800100,650000 6800000))";

#[test]
fn source_without_crs_needs_assume_epsg() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sans_scr.shp");
    write_with_gdal(
        &path,
        "ESRI Shapefile",
        &[("sans_scr", None)],
        OGRFieldType::OFTString,
        &[("A", SQ)],
    );
    assert!(!dir.path().join("sans_scr.prj").exists());
    let mut zi = input(&path, "code", "nom");
    let err = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap_err();
    assert!(err.is_config(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("sans_scr.shp") && text.contains("assume_epsg"),
        "{text}"
    );

    zi.assume_epsg = Some(2154);
    let layer = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap();
    assert_eq!(layer.stats.format, "ESRI Shapefile, EPSG:2154");
    assert_eq!(layer.zones.len(), 1);
    assert!((layer.zones[0].geometry.unsigned_area() - 10_000.0).abs() < 1e-6);
}

#[test]
fn layer_is_chosen_by_name_in_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zones.gpkg");
    write_with_gdal(
        &path,
        "GPKG",
        &[("communes", Some(2154)), ("qpv", Some(2154))],
        OGRFieldType::OFTString,
        &[("X1", SQ)],
    );
    let mut zi = input(&path, "code", "nom");
    let first = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap();
    assert_eq!(first.zones[0].name, "communes X1");
    assert!(first.stats.format.starts_with("GPKG, EPSG:2154"));
    zi.layer = "qpv".into();
    let second = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap();
    assert_eq!(second.zones[0].name, "qpv X1");
    zi.layer = "iris".into();
    let err = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap_err();
    assert!(err.is_config());
    let text = err.to_string();
    assert!(
        text.contains("« iris » introuvable") && text.contains("communes, qpv"),
        "{text}"
    );
}

#[test]
fn integer_commune_codes_get_their_leading_zero_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("communes.shp");
    write_with_gdal(
        &path,
        "ESRI Shapefile",
        &[("communes", Some(2154))],
        OGRFieldType::OFTInteger,
        &[("1001", SQ)],
    );
    let layer = read_zone_layer(
        &input(&path, "CODE", "NOM"),
        ZoneKind::Commune,
        &mut RejectLog::new(),
    )
    .unwrap();
    assert_eq!(layer.zones[0].code, "01001");
    // A QPV code is never padded.
    let layer = read_zone_layer(
        &input(&path, "CODE", "NOM"),
        ZoneKind::Qpv,
        &mut RejectLog::new(),
    )
    .unwrap();
    assert_eq!(layer.zones[0].code, "1001");
}

#[test]
fn iris_commune_comes_from_the_code_when_the_column_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_geojson(
        dir.path(),
        "iris.geojson",
        Some(L93),
        &[feature(
            Some("313950105"),
            Some(&square(570000.0, 6280000.0, 10.0)),
        )],
    );
    let mut zi = input(&path, "code", "nom");
    zi.commune = "INSEE_COM".into();
    let layer = read_zone_layer(&zi, ZoneKind::Iris, &mut RejectLog::new()).unwrap();
    assert_eq!(layer.zones[0].commune, "31395");
    let layer = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap();
    assert_eq!(layer.zones[0].commune, "");
}

#[test]
fn an_iris_code_of_another_shape_or_commune_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let with_commune = |code: &str, commune: &str, x: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","nom":"n","INSEE_COM":"{commune}"}},"geometry":{}}}"#,
            square(x, 6280000.0, 10.0)
        )
    };
    let path = write_geojson(
        dir.path(),
        "iris.geojson",
        Some(L93),
        &[
            with_commune("313950105", "31395", 570000.0),
            // the commune of another IRIS copied onto this one
            with_commune("313950106", "31396", 570100.0),
            // a commune layer given as the IRIS layer: a 5-character code
            with_commune("31395", "31395", 570200.0),
            with_commune("3139501AB", "31395", 570300.0),
        ],
    );
    let mut zi = input(&path, "code", "nom");
    zi.commune = "INSEE_COM".into();
    let mut rejects = RejectLog::new();
    let layer = read_zone_layer(&zi, ZoneKind::Iris, &mut rejects).unwrap();
    let codes: Vec<&str> = layer.zones.iter().map(|z| z.code.as_str()).collect();
    assert_eq!(codes, ["313950105"]);
    assert_eq!((layer.stats.read, layer.stats.rejected), (4, 3));
    let seen: Vec<(u64, &str, &str, bool)> = rejects
        .rejects()
        .iter()
        .map(|r| {
            let iris_reason = r.reason.starts_with("code IRIS invalide")
                || r.reason.starts_with("commune de l'IRIS différente");
            (r.line, r.column.as_str(), r.value.as_str(), iris_reason)
        })
        .collect();
    assert_eq!(
        seen,
        [
            (2, "INSEE_COM", "31396", true),
            (3, "code", "31395", true),
            (4, "code", "3139501AB", true)
        ]
    );
    // a QPV or commune layer keeps codes of any shape
    let layer = read_zone_layer(&zi, ZoneKind::Qpv, &mut RejectLog::new()).unwrap();
    assert_eq!(layer.zones.len(), 4);
}

/// Regression (16th session): a shapefile whose `.dbf` holds Latin-1 names without a `.cpg`
/// published « La Maladi�re » for « La Maladière », exit 0. Its names are read again in
/// ISO-8859-1, with a warning.
#[test]
fn a_latin1_shapefile_without_cpg_keeps_its_accents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Prés.shp");
    write_with_gdal(
        &path,
        "ESRI Shapefile",
        &[("Prés", Some(2154))],
        OGRFieldType::OFTString,
        &[("21231", SQ)],
    );
    // GDAL writes ISO-8859-1 and says so in the language driver byte; a tool that says
    // nothing (byte 0, no .cpg) leaves the reader to guess
    let _ = std::fs::remove_file(dir.path().join("Prés.cpg"));
    let dbf = dir.path().join("Prés.dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    assert!(bytes.windows(6).any(|w| w == b"Pr\xe9s 2"), "Latin-1 name");
    bytes[29] = 0;
    std::fs::write(&dbf, bytes).unwrap();
    let layer = read_zone_layer(
        &input(&path, "CODE", "NOM"),
        ZoneKind::Commune,
        &mut RejectLog::new(),
    )
    .unwrap();
    assert_eq!(layer.zones[0].name, "Prés 21231");
}
