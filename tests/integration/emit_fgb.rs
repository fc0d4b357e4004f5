//! FlatGeobuf writer: files checked back through GDAL (library and `ogrinfo -so`) and through
//! the flatgeobuf crate's reader.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;

use flatgeobuf::{
    ColumnType, FallibleStreamingIterator, FeatureProperties, FgbReader, GeometryType,
};
use gdal::vector::{LayerAccess, OGRFieldType, OGRwkbGeometryType};
use gdal::Dataset;
use opsgeo::emit::fgb::write_fgb;
use opsgeo::emit::Layer;
use opsgeo::layout::SCHEMA_VERSION;

use crate::support::layers::{batiments, communes, meta, qva};

fn write(dir: &Path, layer: &Layer) -> (PathBuf, usize) {
    let p = dir.join(format!("{}.fgb", layer.name));
    let n = write_fgb(&p, layer, &meta()).expect("written");
    (p, n)
}

/// Expected columns of a layer: (name, GDAL type, nullable, title).
fn expected_columns(layer: &Layer) -> Vec<(String, u32, bool, String)> {
    let mut v: Vec<_> = layer
        .keys
        .iter()
        .map(|k| {
            (
                k.name.to_string(),
                OGRFieldType::OFTString,
                !k.not_null,
                k.title.to_string(),
            )
        })
        .collect();
    for d in &layer.indicators {
        let ty = match d.kind {
            opsgeo::indicators::Kind::Count => OGRFieldType::OFTInteger64,
            _ => OGRFieldType::OFTReal,
        };
        v.push((d.field.to_string(), ty, true, d.title.to_string()));
        v.push((
            format!("{}_secret", d.field),
            OGRFieldType::OFTString,
            true,
            format!("Motif de non-publication : {}", d.title),
        ));
    }
    v
}

/// GDAL's view: features keyed by first field → (fields, has geometry).
fn gdal_features(path: &Path) -> BTreeMap<String, (BTreeMap<String, Option<String>>, bool)> {
    let ds = Dataset::open(path).unwrap();
    assert_eq!(ds.layer_count(), 1);
    let mut l = ds.layer(0).unwrap();
    let names: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
    let mut out = BTreeMap::new();
    for f in l.features() {
        let values: BTreeMap<_, _> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                // an absent FlatGeobuf property is an *unset* OGR field (NULL for users)
                let set = unsafe { gdal_sys::OGR_F_IsFieldSetAndNotNull(f.c_feature(), i as i32) };
                (
                    n.clone(),
                    (set != 0).then(|| f.field_as_string(i).unwrap().unwrap()),
                )
            })
            .collect();
        let has_geom = f
            .geometry()
            .is_some_and(|g| !unsafe { g.c_geometry() }.is_null());
        out.insert(values[&names[0]].clone().unwrap(), (values, has_geom));
    }
    out
}

/// Checks schema, SRS and geometry type through the GDAL library.
fn check_gdal_schema(path: &Path, layer: &Layer, count: u64, ty: u32) {
    let ds = Dataset::open(path).unwrap();
    let l = ds.layer(0).unwrap();
    assert_eq!(l.name(), layer.name);
    assert_eq!(l.feature_count(), count);
    let srs = l.spatial_ref().expect("srs");
    assert_eq!(srs.auth_code().unwrap(), 2154);
    assert_eq!(l.defn().geometry_type(), ty);
    let fields: Vec<_> = l
        .defn()
        .fields()
        .map(|f| {
            (
                f.name(),
                f.field_type(),
                f.is_nullable(),
                f.alternative_name(),
            )
        })
        .collect();
    assert_eq!(fields, expected_columns(layer));
}

/// `ogrinfo -so` on the file: feature count, SRS and column names.
fn check_ogrinfo(path: &Path, layer: &Layer, count: usize) {
    let out = Command::new("ogrinfo")
        .args(["-so", "-ro"])
        .arg(path)
        .arg(&layer.name)
        .output()
        .expect("ogrinfo (gdal-bin) must be installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("Feature Count: {count}\n")),
        "{text}"
    );
    assert!(text.contains("ID[\"EPSG\",2154]]"), "{text}");
    for (name, ..) in expected_columns(layer) {
        assert!(text.contains(&format!("\n{name}: ")), "{name} in {text}");
    }
}

/// The crate reader's view: header checks, then features as property maps (+ has geometry).
fn crate_features(
    path: &Path,
    layer: &Layer,
    indexed: bool,
) -> Vec<(HashMap<String, String>, bool)> {
    let reader = FgbReader::open(BufReader::new(File::open(path).unwrap())).unwrap();
    let h = reader.header();
    assert_eq!(h.name(), Some(layer.name.as_str()));
    assert_eq!(h.title(), Some(layer.title.as_str()));
    assert_eq!(h.description(), Some(layer.description.as_str()));
    assert_eq!(h.index_node_size() > 0, indexed, "spatial index presence");
    let crs = h.crs().expect("crs");
    assert_eq!(crs.code(), 2154);
    assert!(crs.wkt().unwrap().contains("Lambert"), "WKT of EPSG:2154");
    let meta_doc: serde_json::Value =
        serde_json::from_str(h.metadata().expect("metadata")).unwrap();
    let m = meta();
    assert_eq!(meta_doc["source"], m.source_citation.as_str());
    assert_eq!(meta_doc["millesime_qpv"], "2024");
    assert_eq!(meta_doc["date_ban"], "2024-06-01");
    assert_eq!(meta_doc["secret_statistique"], m.secrecy.as_str());
    assert_eq!(meta_doc["version_schema"], SCHEMA_VERSION);
    assert_eq!(meta_doc["couche"]["echelle"], layer.scale.key());
    let expected = expected_columns(layer);
    let titles: Vec<(String, String)> = meta_doc["colonnes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["nom"].as_str().unwrap().into(),
                c["titre"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        expected
            .iter()
            .map(|c| (c.0.clone(), c.3.clone()))
            .collect::<Vec<_>>()
    );
    let cols = h.columns().unwrap();
    assert_eq!(cols.len(), expected.len());
    for (c, e) in cols.iter().zip(&expected) {
        assert_eq!(c.name(), e.0);
        assert_eq!(c.title(), Some(e.3.as_str()));
        assert_eq!(c.nullable(), e.2);
        let ty = match e.1 {
            OGRFieldType::OFTInteger64 => ColumnType::Long,
            OGRFieldType::OFTReal => ColumnType::Double,
            _ => ColumnType::String,
        };
        assert_eq!(c.type_(), ty, "{}", e.0);
    }
    let count = h.features_count() as usize;
    let mut it = reader.select_all().unwrap();
    let mut out = Vec::new();
    while let Some(f) = it.next().unwrap() {
        out.push((f.properties().unwrap(), f.geometry().is_some()));
    }
    assert_eq!(out.len(), count);
    out
}

#[test]
fn point_layer_leaves_out_rows_without_geometry() {
    let dir = tempfile::tempdir().unwrap();
    let layer = batiments();
    let (path, left_out) = write(dir.path(), &layer);
    assert_eq!(left_out, 1, "B0002 has no geometry");
    check_gdal_schema(&path, &layer, 2, OGRwkbGeometryType::wkbPoint);
    check_ogrinfo(&path, &layer, 2);
    let f = gdal_features(&path);
    assert_eq!(f.keys().collect::<Vec<_>>(), ["B0001", "B0003"]);
    let s = |v: &str| Some(v.to_string());
    let (b1, g1) = &f["B0001"];
    assert!(*g1);
    assert_eq!(b1["nb_logements"], s("24"));
    assert_eq!(b1["taux_vacance"], s("8.3"));
    assert_eq!(b1["taux_vacance_secret"], None);
    let (b3, _) = &f["B0003"];
    assert_eq!(b3["code_commune"], None);
    assert_eq!(b3["nb_logements"], None);
    assert_eq!(b3["nb_logements_secret"], s("secret_effectif"));
    assert_eq!(b3["taux_vacance"], None, "unpublished value must not leak");
    assert_eq!(b3["taux_vacance_secret"], s("secret_secondaire"));

    let feats = crate_features(&path, &layer, true);
    assert_eq!(feats.len(), 2);
    let b3 = feats
        .iter()
        .find(|(p, _)| p["code_batiment"] == "B0003")
        .unwrap();
    assert!(b3.1);
    assert!(!b3.0.contains_key("taux_vacance") && !b3.0.contains_key("code_commune"));
    assert_eq!(b3.0["taux_vacance_secret"], "secret_secondaire");
}

#[test]
fn multipolygon_layer_keeps_every_row_and_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let layer = communes();
    let (path, left_out) = write(dir.path(), &layer);
    assert_eq!(left_out, 0);
    check_gdal_schema(&path, &layer, 3, OGRwkbGeometryType::wkbMultiPolygon);
    check_ogrinfo(&path, &layer, 3);
    let f = gdal_features(&path);
    let s = |v: &str| Some(v.to_string());
    assert_eq!(f["21231"].0["loyer_moyen"], s("6.35"));
    assert_eq!(f["21166"].0["taux_vacance"], None);
    assert_eq!(f["21166"].0["taux_vacance_secret"], s("secret_100"));
    assert_eq!(f["21617"].0["nom_commune"], s("Sennecey-lès-Dijon"));
    assert!(f.values().all(|(_, g)| *g));

    // spatial filter through the index: only the commune around (845400, 6688400)
    let ds = Dataset::open(&path).unwrap();
    let mut l = ds.layer(0).unwrap();
    l.set_spatial_filter_rect(845_300.0, 6_688_300.0, 845_500.0, 6_688_500.0);
    let hits: Vec<String> = l
        .features()
        .map(|f| f.field_as_string(0).unwrap().unwrap())
        .collect();
    assert_eq!(hits, ["21166"]);
    let reader = FgbReader::open(BufReader::new(File::open(&path).unwrap())).unwrap();
    let mut it = reader
        .select_bbox(855_100.0, 6_685_100.0, 855_200.0, 6_685_200.0)
        .unwrap();
    let mut n = 0;
    while let Some(feat) = it.next().unwrap() {
        assert_eq!(feat.property::<String>("code_commune").unwrap(), "21617");
        n += 1;
    }
    assert_eq!(n, 1);
    crate_features(&path, &layer, true);
}

#[test]
fn attribute_layer_is_written_without_geometry() {
    let dir = tempfile::tempdir().unwrap();
    let layer = qva();
    let (path, left_out) = write(dir.path(), &layer);
    assert_eq!(left_out, 0);
    check_gdal_schema(&path, &layer, 2, OGRwkbGeometryType::wkbUnknown);
    check_ogrinfo(&path, &layer, 2);
    let f = gdal_features(&path);
    assert_eq!(f.len(), 2);
    assert!(f.values().all(|(_, g)| !g));
    let s = |v: &str| Some(v.to_string());
    assert_eq!(f["QVA021001"].0["nb_logements"], s("40"));
    assert_eq!(f["QVA021001"].0["loyer_moyen"], s("5.12"));
    assert_eq!(f["QVA021002"].0["loyer_moyen"], None);
    assert_eq!(f["QVA021002"].0["loyer_moyen_secret"], s("secret_effectif"));
    let feats = crate_features(&path, &layer, false);
    assert!(feats.iter().all(|(_, g)| !g));
    let reader = FgbReader::open(BufReader::new(File::open(&path).unwrap())).unwrap();
    assert_eq!(reader.header().geometry_type(), GeometryType::Unknown);
}

#[test]
fn empty_geometries_are_left_out_like_null_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut layer = communes();
    layer.rows[0].geometry = Some(geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![])));
    let (path, left_out) = write(dir.path(), &layer);
    assert_eq!(left_out, 1);
    check_ogrinfo(&path, &layer, 2);
    let f = gdal_features(&path);
    assert_eq!(f.keys().collect::<Vec<_>>(), ["21166", "21617"]);
}

#[test]
fn empty_layers_are_valid_files() {
    let dir = tempfile::tempdir().unwrap();
    for mut layer in [batiments(), qva()] {
        layer.rows.clear();
        let (path, left_out) = write(dir.path(), &layer);
        assert_eq!(left_out, 0);
        check_ogrinfo(&path, &layer, 0);
        // no index without features (GDAL cannot open an indexed empty file)
        assert!(crate_features(&path, &layer, false).is_empty());
    }
}

#[test]
fn identical_bytes_across_writes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for layer in [communes(), batiments(), qva()] {
        let (pa, _) = write(a.path(), &layer);
        let (pb, _) = write(b.path(), &layer);
        assert!(
            std::fs::read(&pa).unwrap() == std::fs::read(&pb).unwrap(),
            "{}",
            layer.name
        );
    }
}

#[test]
fn refuses_existing_path_and_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let layer = communes();
    let (path, _) = write(dir.path(), &layer);
    let before = std::fs::read(&path).unwrap();
    let err = write_fgb(&path, &layer, &meta()).unwrap_err();
    assert!(err.to_string().contains("existe déjà"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let p = dir.path().join("bad.fgb");
    let mut bad = batiments();
    bad.rows[0].geometry = communes().rows[0].geometry.clone();
    let err = write_fgb(&p, &bad, &meta()).unwrap_err();
    assert!(
        err.to_string().contains("ligne 1") && err.to_string().contains("multipolygone"),
        "{err}"
    );
    let mut bad = qva();
    bad.rows[1].cells[0].status = opsgeo::secrecy::Status::Publie;
    bad.rows[1].cells[0].value = Some(f64::NAN);
    let err = write_fgb(&p, &bad, &meta()).unwrap_err();
    assert!(err.to_string().contains("nb_logements"), "{err}");
    assert!(!p.exists());
}

/// Regression: the system's error was flattened into the message (`e.to_string()`) and lost as
/// a cause (the disk-full hint of `opsgeo` reads the causes); it is now the source of the error.
#[test]
fn a_file_that_cannot_be_created_keeps_the_systems_error_as_the_cause() {
    use std::error::Error;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier_absent").join("communes.fgb");
    let err = write_fgb(&path, &communes(), &meta()).unwrap_err();
    assert!(
        matches!(err, opsgeo::emit::EmitError::Fgb { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("fichier"), "{err}");
    let cause = err.source().expect("the system's error as the source");
    let io = cause
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound, "{io}");
}
