//! End-to-end: `opsgeo run` on the embedded demo, checked through GDAL.

use std::collections::{BTreeMap, HashSet};

use gdal::vector::LayerAccess;
use gdal::Dataset;

use crate::support::demo::{demo_gpkg, demo_out, demo_run};
use crate::support::gis::validate_gpkg;
use crate::support::*;

/// The manifest of the shared demo run.
fn demo_manifest() -> serde_json::Value {
    manifest(demo_out())
}

#[test]
fn demo_run_writes_the_contract_files() {
    let out = demo_out();
    for f in ["opsgeo.gpkg", "manifest.json", "rejets.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let fgb: Vec<_> = std::fs::read_dir(out.join("fgb")).unwrap().collect();
    assert!(fgb.len() >= 30, "{} fgb files", fgb.len());
    // no staging folder left behind
    for e in std::fs::read_dir(out).unwrap() {
        let name = e.unwrap().file_name();
        assert!(!name.to_string_lossy().starts_with(".opsgeo-staging"));
    }
}

#[test]
fn every_input_row_is_accounted_for() {
    let m = demo_manifest();
    let inputs = m["entrees"].as_array().unwrap();
    assert!(inputs.len() >= 9, "{inputs:?}");
    let mut rejected_total = 0;
    for i in inputs {
        let read = i["lignes_lues"].as_u64().unwrap();
        let acc = i["lignes_acceptees"].as_u64().unwrap();
        let rej = i["lignes_rejetees"].as_u64().unwrap();
        assert_eq!(read, acc + rej, "{}", i["fichier"]);
        assert_eq!(i["sha256"].as_str().unwrap().len(), 64);
        rejected_total += rej;
    }
    // rejets.csv holds one line per rejected row (plus its header)
    let rejets = std::fs::read_to_string(demo_out().join("rejets.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(rejets.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["fichier", "ligne", "colonne", "valeur", "motif"]
    );
    assert_eq!(rdr.records().count() as u64, rejected_total);
    assert_eq!(m["rejets"]["total"].as_u64().unwrap(), rejected_total);
}

#[test]
fn layers_have_one_geometry_type_and_lambert93() {
    let ds = demo_gpkg();
    let names: HashSet<String> = ds.layers().map(|l| l.name()).collect();
    for n in [
        "communes_ensemble",
        "communes_recents",
        "communes_ensemble_qpv",
        "communes_ensemble_hors_qpv",
        "communes_recents_qpv",
        "epci_ensemble",
        "epci_recents_hors_qpv",
        "departements_ensemble",
        "regions_ensemble",
        "iris_ensemble",
        "iris_recents",
        "qpv_ensemble",
        "qpv_recents",
        "qva_ensemble",
        "programmes_ensemble",
        "batiments_ensemble",
        "batiments_recents",
        "cages_ensemble",
        "indicateurs",
    ] {
        assert!(names.contains(n), "layer {n} missing; have {names:?}");
    }
    for l in ds.layers() {
        let name = l.name();
        // attribute tables (`indicateurs`, QGIS's `layer_styles`) and the review layer
        // (GeoPackage only, tested in geocode_review.rs)
        if l.defn().geom_fields().count() == 0 || name == "geocodage_a_verifier" {
            continue;
        }
        let srs = l.spatial_ref().expect("srs");
        assert_eq!(srs.auth_code().unwrap(), 2154, "{name}");
        let gt = l.defn().geom_fields().next().unwrap().field_type();
        let expected = if name.starts_with("programmes")
            || name.starts_with("batiments")
            || name.starts_with("cages")
        {
            gdal::vector::OGRwkbGeometryType::wkbPoint
        } else {
            gdal::vector::OGRwkbGeometryType::wkbMultiPolygon
        };
        assert_eq!(gt, expected, "{name}");
        assert!(l.feature_count() > 0, "{name} is empty");
    }
}

#[test]
fn epci_total_reconciles_with_accepted_dwellings() {
    let m = demo_manifest();
    let rpls_accepted = m["entrees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["fichier"].as_str().unwrap().starts_with("rpls"))
        .unwrap()["lignes_acceptees"]
        .as_u64()
        .unwrap();
    assert_eq!(m["logements"].as_u64().unwrap(), rpls_accepted);
    let ds = demo_gpkg();
    let mut l = ds.layer_by_name("epci_ensemble").unwrap();
    let total: i64 = l
        .features()
        .map(|f| f.i64_of("nb_logements").unwrap())
        .sum();
    assert_eq!(total as u64, rpls_accepted);
    // EPCI parts: QPV + hors QPV <= whole where published; the secondary secrecy may hide
    // them, and then every hidden count carries its reason code
    let part = |name: &str| -> Option<i64> {
        let mut l = ds.layer_by_name(name).unwrap();
        let f = l.features().next().expect("one EPCI");
        match f.i64_of("nb_logements") {
            Some(n) => Some(n),
            None => {
                let why = f.str_of("nb_logements_secret");
                assert!(
                    why.as_deref().is_some_and(|w| w.starts_with("secret_")),
                    "{name}: hidden without a reason code ({why:?})"
                );
                None
            }
        }
    };
    let (q, h) = (part("epci_ensemble_qpv"), part("epci_ensemble_hors_qpv"));
    if let (Some(q), Some(h)) = (q, h) {
        assert!(q > 0 && h > 0 && q + h <= total, "{q} + {h} vs {total}");
    }
    assert!(q.unwrap_or(1) > 0 && h.unwrap_or(1) > 0);
}

#[test]
fn unpublished_values_are_null_with_a_reason_code() {
    let ds = demo_gpkg();
    let codes: HashSet<&str> = [
        "secret_effectif",
        "secret_reponse",
        "secret_100",
        "secret_secondaire",
    ]
    .into();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for name in ["cages_ensemble", "iris_ensemble", "communes_recents"] {
        let mut l = ds.layer_by_name(name).unwrap();
        let fields: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
        for f in l.features() {
            for fld in fields.iter().filter(|f| f.ends_with("_secret")) {
                let value_field = fld.trim_end_matches("_secret");
                let secret = f.str_of(fld);
                let is_null = f.is_null(value_field);
                match secret {
                    Some(code) => {
                        assert!(codes.contains(code.as_str()), "{name}.{fld} = {code}");
                        assert!(is_null, "{name}.{value_field} published with reason {code}");
                        *seen.entry(code).or_default() += 1;
                    }
                    None => assert!(!is_null, "{name}.{value_field} NULL without a reason"),
                }
            }
        }
    }
    assert!(
        seen.get("secret_effectif").copied().unwrap_or(0) > 0,
        "{seen:?}"
    );
    assert!(
        seen.get("secret_reponse").copied().unwrap_or(0) > 0,
        "{seen:?}"
    );
}

#[test]
fn published_values_respect_the_primary_rules() {
    let ds = demo_gpkg();
    let mut l = ds.layer_by_name("indicateurs").unwrap();
    let mut n = 0;
    for f in l.features() {
        let status = f.str_of("statut").unwrap();
        let nature = f.str_of("nature").unwrap();
        let value = f.f64_of("valeur");
        let base = f.i64_of("effectif");
        if status == "publie" {
            let (v, b) = (value.unwrap(), base.unwrap());
            assert!(b >= 11, "published value on base {b}");
            if nature == "part" {
                assert!(v < 100.0, "published share of 100 %");
            }
            n += 1;
        } else {
            assert!(value.is_none() && base.is_none());
        }
    }
    assert!(n > 1000, "only {n} published values");
}

#[test]
fn no_rpls_identifier_reaches_any_output() {
    let (out, o) = demo_run();
    assert!(o.status.success());
    let ids: HashSet<Vec<u8>> = rpls_idents(&root().join("data/demo/rpls_2022.csv"))
        .into_iter()
        .map(String::into_bytes)
        .collect();
    assert!(ids.len() > 1000);
    let mut blobs: Vec<(String, Vec<u8>)> = files_under(out)
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    blobs.push(("stdout".into(), o.stdout.clone()));
    blobs.push(("stderr".into(), o.stderr.clone()));
    // every id has the same length: scan windows of that length
    let len = ids.iter().next().unwrap().len();
    for (name, blob) in &blobs {
        if blob.len() < len {
            continue;
        }
        for w in blob.windows(len) {
            assert!(!ids.contains(w), "an RPLS identifier appears in {name}");
        }
    }
}

#[test]
fn geopackage_passes_gdal_validator() {
    validate_gpkg(&demo_out().join("opsgeo.gpkg"));
}

#[test]
fn every_flatgeobuf_opens_in_gdal_with_its_rows() {
    let ds = demo_gpkg();
    let out = demo_out();
    for l in ds.layers() {
        let name = l.name();
        // attribute tables (`indicateurs`, QGIS's `layer_styles`) and the review layer
        // (GeoPackage only, tested in geocode_review.rs)
        if l.defn().geom_fields().count() == 0 || name == "geocodage_a_verifier" {
            continue;
        }
        let path = out.join("fgb").join(format!("{name}.fgb"));
        let fgb = Dataset::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fl = fgb.layer(0).unwrap();
        assert_eq!(fl.spatial_ref().unwrap().auth_code().unwrap(), 2154);
        let with_geom = {
            let mut rs = ds
                .execute_sql(
                    format!("SELECT COUNT(*) FROM \"{name}\" WHERE geom IS NOT NULL"),
                    None,
                    gdal::vector::sql::Dialect::DEFAULT,
                )
                .unwrap()
                .unwrap();
            let n = rs.features().next().unwrap().field_as_integer64(0).unwrap();
            n.unwrap() as u64
        };
        assert_eq!(fl.feature_count(), with_geom, "{name}");
    }
}

#[test]
fn demo_summary_is_in_french_and_reconciles() {
    let (_, o) = demo_run();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("opsgeo — synthèse du traitement"),
        "{stdout}"
    );
    assert!(stdout.contains("lues"));
    assert!(!stdout.contains("ÉCART"), "{stdout}");
}

#[test]
fn missing_config_is_a_usage_error() {
    let o = opsgeo(&["run", "--config", "/nonexistent/opsgeo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/opsgeo.toml"));
}
