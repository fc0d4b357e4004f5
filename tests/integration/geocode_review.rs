//! The review layer `geocodage_a_verifier` of `opsgeo run` and the correction loop: a point
//! moved in the layer (or a row of the corrections CSV) wins at the next run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gdal::vector::{Geometry, LayerAccess, OGRwkbGeometryType};
use gdal::Dataset;

use crate::support::demo::demo_out;
use crate::support::gis::{open_update, validate_gpkg};
use crate::support::*;

const LAYER: &str = "geocodage_a_verifier";

/// Runs the demo into a new folder with `--corrections`, returns the output folder.
fn run_with(corrections: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let config = root().join("data/demo/opsgeo.toml");
    let args = [
        "-q",
        "run",
        "--config",
        path_str(&config),
        "--out",
        path_str(&out),
        "--corrections",
        path_str(corrections),
    ];
    assert_ok(&opsgeo(&args), &format!("{args:?}"));
    out
}

/// The demo's IDENT_REP values.
fn demo_idents() -> Vec<String> {
    rpls_idents(&root().join("data/demo/rpls_2022.csv"))
}

#[test]
fn review_layer_lists_addresses_below_numero_without_identifiers() {
    let out = demo_out();
    let gpkg = out.join("opsgeo.gpkg");
    let ds = Dataset::open(&gpkg).unwrap();
    let mut layer = ds.layer_by_name(LAYER).unwrap();
    let fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    assert!(fields.contains(&"cle_adresse".to_string()));
    assert!(
        !fields.iter().any(|f| f.to_lowercase().contains("ident")),
        "{fields:?}"
    );
    let idents: HashSet<String> = demo_idents().into_iter().collect();
    let m = manifest(out);
    let mut rows = 0;
    let mut dwellings = 0;
    for f in layer.features() {
        rows += 1;
        let level = f.str_of("niveau").unwrap();
        assert!(
            [
                "numero_sans_indice",
                "interpolation",
                "voie",
                "commune",
                "non_trouve"
            ]
            .contains(&level.as_str()),
            "{level}"
        );
        for name in &fields {
            if let Some(v) = f.str_of(name) {
                assert!(!idents.contains(&v), "an identifier in field {name}");
            }
        }
        let n = f.i64_of("logements").unwrap();
        assert!(n > 0);
        dwellings += n;
        // the point is the proposal
        if let Some(g) = f.geometry() {
            let (x, y, _) = g.get_point(0);
            assert_eq!(Some(x), f.f64_of("x_propose"));
            assert_eq!(Some(y), f.f64_of("y_propose"));
        }
        assert!(f.f64_of("score_suivant").is_some());
    }
    assert!(rows > 0);
    assert_eq!(rows, m["geocodage"]["lignes_a_verifier"].as_u64().unwrap());
    // every dwelling located below numero by its address is behind a row
    let by_level = &m["geocodage"]["logements_par_niveau"];
    let below: i64 = [
        "numero_sans_indice",
        "interpolation",
        "voie",
        "commune",
        "non_trouve",
    ]
    .iter()
    .map(|l| by_level[l].as_i64().unwrap_or(0))
    .sum();
    assert_eq!(dwellings, below);
    // a dwelling located at the commune only is never put in an IRIS (nor a QPV) by that point
    let at_commune = by_level["commune"].as_u64().unwrap();
    assert!(at_commune > 0);
    match m["agregation"]["iris_inconnu"].as_u64() {
        Some(n) => assert!(n >= at_commune),
        // the secrecy redacts this total when it would reveal a hidden value
        None => assert!(m["secret"]["secondaire"]["totaux_masques"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "total_sans_iris")),
    }
    // per commune counts add up to the dwellings
    let per_commune: u64 = m["geocodage"]["logements_par_commune"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|levels| levels.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(per_commune, m["logements"].as_u64().unwrap());
    // titles and a valid GeoPackage
    let sql = format!(
        "SELECT count(*) FROM gpkg_data_columns WHERE table_name = '{LAYER}' AND title IS NOT NULL"
    );
    let mut rs = ds
        .execute_sql(&sql, None, gdal::vector::sql::Dialect::DEFAULT)
        .unwrap()
        .unwrap();
    let titled = rs.features().next().unwrap().field_as_integer(0).unwrap();
    assert_eq!(titled, Some(fields.len() as i32));
    validate_gpkg(&gpkg);
}

/// Moves the first interpolated point of the review layer of `gpkg` by (dx, dy); returns its
/// address key and new position.
fn move_a_point(gpkg: &Path, dx: f64, dy: f64) -> (String, (f64, f64)) {
    let ds = open_update(gpkg);
    let mut layer = ds.layer_by_name(LAYER).unwrap();
    let (fid, key, (x, y)) = layer
        .features()
        .find(|f| f.str_of("niveau").as_deref() == Some("interpolation"))
        .map(|f| {
            let (x, y, _) = f.geometry().unwrap().get_point(0);
            (f.fid().unwrap(), f.str_of("cle_adresse").unwrap(), (x, y))
        })
        .unwrap();
    let mut f = layer.feature(fid).unwrap();
    let mut p = Geometry::empty(OGRwkbGeometryType::wkbPoint).unwrap();
    p.add_point_2d((x + dx, y + dy));
    f.set_geometry(p).unwrap();
    let i = f.field_index("commentaire").unwrap();
    f.set_field_string(i, "entrée du bâtiment").unwrap();
    layer.set_feature(f).unwrap();
    (key, (x + dx, y + dy))
}

#[test]
fn a_point_moved_in_the_review_layer_is_a_correction_at_the_next_runs() {
    let demo = demo_out();
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("edited.gpkg");
    std::fs::copy(demo.join("opsgeo.gpkg"), &edited).unwrap();
    let (key, (x, y)) = move_a_point(&edited, 25.0, -10.0);

    let first = run_with(&edited, &dir.path().join("a"));
    let m = manifest(&first);
    assert_eq!(m["geocodage"]["adresses_corrigees"], 1);
    assert_eq!(m["geocodage"]["corrections_sans_correspondance"], 0);
    assert!(
        m["geocodage"]["logements_par_niveau"]["correction"]
            .as_u64()
            .unwrap()
            > 0
    );

    // the correction is in the new review layer, at the moved point, with the proposal kept:
    // using this output as the next corrections file keeps it
    let check = |out: &Path| {
        let ds = Dataset::open(out.join("opsgeo.gpkg")).unwrap();
        let mut layer = ds.layer_by_name(LAYER).unwrap();
        let f = layer
            .features()
            .find(|f| f.str_of("cle_adresse").as_deref() == Some(key.as_str()))
            .expect("corrected row");
        assert_eq!(f.str_of("niveau").as_deref(), Some("correction"));
        assert_eq!(f.str_of("niveau_propose").as_deref(), Some("interpolation"));
        assert_eq!(
            f.str_of("commentaire").as_deref(),
            Some("entrée du bâtiment")
        );
        let (gx, gy, _) = f.geometry().unwrap().get_point(0);
        assert!((gx - x).abs() < 1e-6 && (gy - y).abs() < 1e-6);
        let (px, py) = (
            f.f64_of("x_propose").unwrap(),
            f.f64_of("y_propose").unwrap(),
        );
        assert!(((px - x).hypot(py - y) - 25f64.hypot(10.0)).abs() < 1e-6);
    };
    check(&first);
    let second = run_with(&first.join("opsgeo.gpkg"), &dir.path().join("b"));
    assert_eq!(manifest(&second)["geocodage"]["adresses_corrigees"], 1);
    check(&second);
}

#[test]
fn csv_corrections_by_address_key_and_by_identifier() {
    let demo = demo_out();
    let ds = Dataset::open(demo.join("opsgeo.gpkg")).unwrap();
    let mut layer = ds.layer_by_name(LAYER).unwrap();
    let key = layer
        .features()
        .find(|f| f.str_of("niveau").as_deref() == Some("commune"))
        .and_then(|f| f.str_of("cle_adresse"))
        .unwrap();
    let ident = demo_idents()[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("corrections.csv");
    std::fs::write(
        &csv,
        format!(
            "cle_adresse;IDENT_REP;x;y;commentaire\n{key};;855000.5;6693000.25;vu sur place\n;{ident};855100;6693100;\n;Z000000000;855100;6693100;inconnu\n"
        ),
    )
    .unwrap();
    let out = run_with(&csv, dir.path());
    let g = &manifest(&out)["geocodage"];
    assert_eq!(g["adresses_corrigees"], 1);
    assert_eq!(g["logements_corriges"], 1);
    assert_eq!(g["corrections_sans_correspondance"], 1);
    // the manifest never names the identifier
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!text.contains(&ident));

    // a bad row: the error names the line and the column, never the identifier
    std::fs::write(&csv, format!("IDENT_REP;x;y\n{ident};5.04;47.32\n")).unwrap();
    let o = opsgeo(&[
        "run",
        "--config",
        path_str(&root().join("data/demo/opsgeo.toml")),
        "--out",
        path_str(&dir.path().join("bad")),
        "--corrections",
        path_str(&csv),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ligne 2") && err.contains("colonne x"),
        "{err}"
    );
    assert!(!err.contains(&ident));
    // a missing file is a usage error
    let o = opsgeo(&[
        "run",
        "--config",
        path_str(&root().join("data/demo/opsgeo.toml")),
        "--out",
        path_str(&dir.path().join("bad")),
        "--corrections",
        "/nonexistent/corrections.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
