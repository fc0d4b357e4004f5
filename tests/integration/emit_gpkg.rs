//! GeoPackage writer: written files checked back through GDAL, SQL and validate_gpkg.py.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::{LayerAccess, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};
use opsgeo::emit::gpkg::write_gpkg;
use opsgeo::emit::{EmitError, GeometryKind};
use opsgeo::layout::tidy::{tidy_rows, COLUMNS};
use opsgeo::layout::SCHEMA_VERSION;
use opsgeo::secrecy::Status;

use crate::support::gis::{sql_rows, validate_gpkg};
use crate::support::layers::{batiments, communes, layers, meta, qva};

fn one(ds: &Dataset, sql: &str) -> Option<String> {
    let rows = sql_rows(ds, sql);
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0][0].clone()
}

/// Features of a layer, keyed by their first field, as field name → text (None = NULL),
/// plus the geometry as WKT.
type Rows = BTreeMap<String, (BTreeMap<String, Option<String>>, Option<String>)>;

fn features(ds: &Dataset, layer: &str) -> Rows {
    let mut l = ds.layer_by_name(layer).unwrap();
    let names: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
    let mut out = BTreeMap::new();
    for f in l.features() {
        let values: BTreeMap<String, Option<String>> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), f.field_as_string(i).unwrap()))
            .collect();
        let key = values[&names[0]].clone().expect("key");
        // the gdal crate hands out a geometry object even when the feature has none
        let wkt = f
            .geometry()
            .filter(|g| !unsafe { g.c_geometry() }.is_null())
            .map(|g| g.wkt().unwrap());
        out.insert(key, (values, wkt));
    }
    out
}

fn write_sample(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("opsgeo.gpkg");
    let layers = layers();
    write_gpkg(&path, &layers, &tidy_rows(&layers), &meta()).expect("written");
    path
}

/// (name, OGR type, nullable) of every field of `layer`.
fn field_types(ds: &Dataset, layer: &str) -> Vec<(String, u32, bool)> {
    ds.layer_by_name(layer)
        .unwrap()
        .defn()
        .fields()
        .map(|f| (f.name(), f.field_type(), f.is_nullable()))
        .collect()
}

#[test]
fn layers_geometry_srs_and_field_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let mut names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "batiments_ensemble",
            "communes_ensemble",
            "indicateurs",
            "indicateurs_liste",
            "indicateurs_statuts",
            "indicateurs_unites",
            "indicateurs_valeurs",
            "layer_styles",
            "qva_ensemble"
        ]
    );
    for (name, count, ty) in [
        (
            "communes_ensemble",
            3,
            Some(OGRwkbGeometryType::wkbMultiPolygon),
        ),
        ("batiments_ensemble", 3, Some(OGRwkbGeometryType::wkbPoint)),
        ("qva_ensemble", 2, None),
        // QVA021002 has only `secret_effectif` values: its feature, not its rows
        ("indicateurs", 3 * 3 + 3 * 2 + 2, None),
        ("indicateurs_valeurs", 3 * 3 + 3 * 2 + 2, None),
        ("indicateurs_unites", 3 + 3 + 1, None),
        ("indicateurs_statuts", Status::ALL.len() as u64, None),
    ] {
        let l = ds.layer_by_name(name).unwrap();
        assert_eq!(l.feature_count(), count, "{name}");
        let geoms: Vec<_> = l.defn().geom_fields().collect();
        match ty {
            Some(t) => {
                assert_eq!(geoms.len(), 1, "{name}");
                assert_eq!(geoms[0].field_type(), t, "{name}");
                assert_eq!(geoms[0].name(), "geom");
                let srs = l.spatial_ref().expect("srs");
                assert_eq!(srs.auth_name().unwrap(), "EPSG");
                assert_eq!(srs.auth_code().unwrap(), 2154, "{name}");
            }
            None => assert!(geoms.is_empty(), "{name} has no geometry"),
        }
        // a view has no primary key: GDAL takes its `fid` column
        let pk = if name == "indicateurs" { "0" } else { "1" };
        assert_eq!(
            one(
                &ds,
                &format!("SELECT count(*) FROM pragma_table_info('{name}') WHERE name = 'fid' AND pk = 1")
            )
            .as_deref(),
            Some(pk),
            "{name}"
        );
        // SAFETY: a live layer handle; GDAL returns a NUL-terminated string it owns
        let fid = unsafe {
            std::ffi::CStr::from_ptr(gdal_sys::OGR_L_GetFIDColumn(l.c_layer()))
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(fid, "fid", "{name}");
    }
    let fields = field_types(&ds, "communes_ensemble");
    use OGRFieldType::*;
    assert_eq!(
        fields,
        vec![
            ("code_commune".into(), OFTString, false),
            ("nom_commune".into(), OFTString, true),
            ("nb_logements".into(), OFTInteger64, true),
            ("nb_logements_secret".into(), OFTString, true),
            ("taux_vacance".into(), OFTReal, true),
            ("taux_vacance_secret".into(), OFTString, true),
            ("loyer_moyen".into(), OFTReal, true),
            ("loyer_moyen_secret".into(), OFTString, true),
        ]
    );
    let tf = field_types(&ds, "indicateurs");
    let names: Vec<&str> = tf.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, COLUMNS);
    // a view's columns are all nullable for SQLite: their NOT NULL are the tables'
    for (n, ty, _) in &tf {
        let expected = match n.as_str() {
            "valeur" => OFTReal,
            "effectif" => OFTInteger64,
            _ => OFTString,
        };
        assert_eq!(*ty, expected, "{n}");
    }
    assert_eq!(
        field_types(&ds, "indicateurs_valeurs"),
        vec![
            ("unite".into(), OFTInteger64, false),
            ("indicateur".into(), OFTInteger64, false),
            ("valeur".into(), OFTReal, true),
            ("effectif".into(), OFTInteger64, true),
            ("statut".into(), OFTInteger64, false),
        ]
    );
    // R-trees exist for geometry layers only, and hold the non-null geometries
    for (name, expected) in [
        ("communes_ensemble", Some("3")),
        ("batiments_ensemble", Some("2")),
    ] {
        assert_eq!(
            one(&ds, &format!("SELECT count(*) FROM rtree_{name}_geom")).as_deref(),
            expected
        );
    }
    assert_eq!(
        one(&ds, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'rtree_qva%' OR name LIKE 'rtree_indicateurs%'").as_deref(),
        Some("0")
    );
}

#[test]
fn values_nulls_and_reason_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let c = features(&ds, "communes_ensemble");
    let s = |v: &str| Some(v.to_string());
    let (dijon, g) = &c["21231"];
    assert_eq!(dijon["nb_logements"], s("1200"));
    assert_eq!(dijon["taux_vacance"], s("4.2"));
    assert_eq!(dijon["loyer_moyen"], s("6.35"));
    for k in [
        "nb_logements_secret",
        "taux_vacance_secret",
        "loyer_moyen_secret",
    ] {
        assert_eq!(dijon[k], None, "published → NULL reason");
    }
    assert!(g.as_deref().unwrap().starts_with("MULTIPOLYGON"), "{g:?}");
    let (mixed, g) = &c["21166"];
    assert_eq!(mixed["nom_commune"], None);
    assert_eq!(mixed["nb_logements"], s("15"));
    assert_eq!(mixed["nb_logements_secret"], None);
    assert_eq!(
        mixed["taux_vacance"], None,
        "unpublished value must be NULL"
    );
    assert_eq!(mixed["taux_vacance_secret"], s("secret_100"));
    assert_eq!(mixed["loyer_moyen"], None);
    assert_eq!(mixed["loyer_moyen_secret"], s("secret_effectif"));
    assert!(
        g.as_deref().unwrap().starts_with("MULTIPOLYGON"),
        "single polygon promoted: {g:?}"
    );
    let (all_secret, _) = &c["21617"];
    assert_eq!(all_secret["nom_commune"], s("Sennecey-lès-Dijon"));
    for (v, reason) in [
        ("nb_logements", "secret_effectif"),
        ("taux_vacance", "secret_secondaire"),
        ("loyer_moyen", "secret_reponse"),
    ] {
        assert_eq!(all_secret[v], None);
        assert_eq!(all_secret[&format!("{v}_secret")], s(reason));
    }

    let b = features(&ds, "batiments_ensemble");
    assert_eq!(b["B0001"].1.as_deref(), Some("POINT (851200.5 6690400.25)"));
    assert_eq!(
        b["B0002"].1, None,
        "row without geometry kept with NULL geometry"
    );
    assert_eq!(b["B0002"].0["taux_vacance"], s("0"));
    assert_eq!(b["B0003"].0["code_commune"], None);
    assert_eq!(b["B0003"].0["taux_vacance"], None);
    assert_eq!(b["B0003"].0["taux_vacance_secret"], s("secret_secondaire"));

    let q = features(&ds, "qva_ensemble");
    assert_eq!(q["QVA021001"].0["loyer_moyen"], s("5.12"));
    assert_eq!(q["QVA021002"].0["loyer_moyen"], None);
    assert_eq!(q["QVA021002"].0["loyer_moyen_secret"], s("secret_effectif"));

    // the long table: NULL value and base exactly where unpublished, even though the input
    // rows still carried numbers
    let rows = sql_rows(
        &ds,
        "SELECT echelle, code, population, zone, indicateur, nature, valeur, effectif, statut \
         FROM indicateurs ORDER BY fid",
    );
    let tidy = tidy_rows(&layers());
    assert_eq!(rows.len(), tidy.len());
    for (r, t) in rows.iter().zip(&tidy) {
        assert_eq!(r[0].as_deref(), Some(t.scale));
        assert_eq!(r[1].as_deref(), Some(&*t.code));
        assert_eq!(r[2].as_deref(), Some(t.population));
        assert_eq!(r[3].as_deref(), Some(t.zone));
        assert_eq!(r[4].as_deref(), Some(t.indicator));
        assert_eq!(r[5].as_deref(), Some(t.nature));
        assert_eq!(r[8].as_deref(), Some(t.status.key()));
        if t.status.is_published() {
            let v: f64 = r[6].as_deref().unwrap().parse().unwrap();
            assert_eq!(Some(v), t.value);
            assert_eq!(r[7].as_deref().map(|b| b.parse::<i64>().unwrap()), t.base);
        } else {
            assert_eq!((&r[6], &r[7]), (&None, &None), "{t:?}");
        }
    }
    // the view finds a unit's rows through the two indexes
    assert_eq!(
        one(&ds, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indicateurs_unites' AND sql LIKE '%UNIQUE%(echelle, code, population, zone)%'").as_deref(),
        Some("1")
    );
    assert_eq!(
        one(&ds, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indicateurs_valeurs' AND sql LIKE '%(unite)%'").as_deref(),
        Some("1")
    );
}

#[test]
fn contents_titles_domain_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let contents = sql_rows(
        &ds,
        "SELECT table_name, data_type, identifier, description, srs_id FROM gpkg_contents ORDER BY table_name",
    );
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        contents,
        vec![
            vec![
                s("batiments_ensemble"),
                s("features"),
                s("Bâtiments – ensemble des ménages"),
                s("Indicateurs par bâtiment, au point moyen de ses logements"),
                s("2154")
            ],
            vec![
                s("communes_ensemble"),
                s("features"),
                s("Communes – ensemble des ménages"),
                s("Indicateurs par commune, tous logements"),
                s("2154")
            ],
            vec![
                s("indicateurs"),
                s("attributes"),
                s("Indicateurs (format long)"),
                contents[2][3].clone(),
                s("0")
            ],
            vec![
                s("indicateurs_liste"),
                s("attributes"),
                s("Indicateurs : liste"),
                contents[3][3].clone(),
                s("0")
            ],
            vec![
                s("indicateurs_statuts"),
                s("attributes"),
                s("Indicateurs : statuts de publication"),
                contents[4][3].clone(),
                s("0")
            ],
            vec![
                s("indicateurs_unites"),
                s("attributes"),
                s("Indicateurs : unités"),
                contents[5][3].clone(),
                s("0")
            ],
            vec![
                s("indicateurs_valeurs"),
                s("attributes"),
                s("Indicateurs : valeurs"),
                contents[6][3].clone(),
                s("0")
            ],
            vec![
                s("layer_styles"),
                s("attributes"),
                s("Styles QGIS des couches"),
                contents[7][3].clone(),
                s("0")
            ],
            vec![
                s("qva_ensemble"),
                s("attributes"),
                s("Quartiers de veille active – ensemble des ménages"),
                s("QVA sans contour : table attributaire"),
                s("0")
            ],
        ]
    );
    assert!(contents[2][3]
        .as_deref()
        .unwrap()
        .contains("secret statistique"));

    // every column of every table has its French title
    let titles: BTreeMap<(String, String), String> = sql_rows(
        &ds,
        "SELECT table_name, column_name, title, name FROM gpkg_data_columns",
    )
    .into_iter()
    .map(|r| {
        (
            (r[0].clone().unwrap(), r[1].clone().unwrap()),
            r[2].clone().unwrap(),
        )
    })
    .collect();
    let c = communes();
    for k in &c.keys {
        assert_eq!(titles[&(c.name.clone(), k.name.to_string())], k.title);
    }
    for d in &c.indicators {
        assert_eq!(titles[&(c.name.clone(), d.field.to_string())], d.title);
        assert_eq!(
            titles[&(c.name.clone(), format!("{}_secret", d.field))],
            format!("Motif de non-publication : {}", d.title)
        );
    }
    assert_eq!(titles[&("indicateurs".into(), "valeur".into())], "Valeur");
    assert_eq!(
        titles[&("qva_ensemble".into(), "code_qva".into())],
        "Code du QVA"
    );
    assert_eq!(
        titles[&("indicateurs_valeurs".into(), "unite".into())],
        "Unité"
    );
    // layers, the view, and its four tables (4 + 3 + 2 + 5 columns)
    let expected_cols = 2 + 3 * 2 + 2 + 2 * 2 + 1 + 2 * 2 + COLUMNS.len() + 14;
    assert_eq!(titles.len(), expected_cols);
    assert_eq!(
        one(&ds, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema' AND scope = 'read-write'").as_deref(),
        Some("2")
    );
    // reason-code columns carry the coded domain with French labels
    assert_eq!(
        one(&ds, "SELECT constraint_name FROM gpkg_data_columns WHERE table_name = 'batiments_ensemble' AND column_name = 'taux_vacance_secret'").as_deref(),
        Some("statut_publication")
    );
    assert_eq!(
        one(&ds, "SELECT description FROM gpkg_data_column_constraints WHERE constraint_name = 'statut_publication' AND value = 'secret_effectif'").as_deref(),
        Some("secret statistique : moins de 11 unités")
    );
    let l = ds.layer_by_name("communes_ensemble").unwrap();
    let secret_field = l
        .defn()
        .fields()
        .find(|f| f.name() == "loyer_moyen_secret")
        .unwrap();
    assert!(secret_field.default_value().is_none());

    // metadata: dataset and layers, through GDAL and in gpkg_metadata
    let m = meta();
    assert_eq!(
        ds.metadata_item("source", "").as_deref(),
        Some(m.source_citation.as_str())
    );
    assert_eq!(
        ds.metadata_item("millesime_qpv", "").as_deref(),
        Some("2024")
    );
    assert_eq!(
        ds.metadata_item("date_ban", "").as_deref(),
        Some("2024-06-01")
    );
    assert_eq!(
        ds.metadata_item("version_schema", "").as_deref(),
        Some(SCHEMA_VERSION)
    );
    let l = ds.layer_by_name("batiments_ensemble").unwrap();
    assert_eq!(
        l.metadata_item("secret_statistique", "").as_deref(),
        Some(m.secrecy.as_str())
    );
    assert_eq!(l.metadata_item("echelle", "").as_deref(), Some("batiment"));
    assert_eq!(
        l.metadata_item("version_opsgeo", "").as_deref(),
        Some("0.1.0")
    );
    let t = ds.layer_by_name("indicateurs").unwrap();
    assert_eq!(
        t.metadata_item("date_reference", "").as_deref(),
        Some("2022-01-01")
    );
    let refs = sql_rows(
        &ds,
        "SELECT r.reference_scope, r.table_name, m.metadata FROM gpkg_metadata_reference r \
         JOIN gpkg_metadata m ON m.id = r.md_file_id ORDER BY r.table_name",
    );
    // dataset (GDAL key/value and ISO 19139 lineage) + 3 layers, the view and its 4 tables
    assert_eq!(refs.len(), 10, "{refs:?}");
    assert!(refs
        .iter()
        .all(|r| r[2].as_deref().unwrap().contains("USH BFC")));
    assert_eq!(
        refs.iter()
            .filter(|r| r[0].as_deref() == Some("geopackage"))
            .count(),
        2
    );
}

#[test]
fn passes_validate_gpkg() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    validate_gpkg(&path);
    // an empty layer and an empty long table are valid too
    let mut l = qva();
    l.rows.clear();
    let mut b = batiments();
    b.rows.clear();
    // and so is a layer with an empty multipolygon, written as a NULL geometry
    let mut c = communes();
    c.rows[2].geometry = Some(geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![])));
    let p2 = dir.path().join("vide.gpkg");
    write_gpkg(&p2, &[l, b, c], &[], &meta()).unwrap();
    validate_gpkg(&p2);
    let ds = Dataset::open(&p2).unwrap();
    assert_eq!(
        one(&ds, "SELECT count(*) FROM rtree_communes_ensemble_geom").as_deref(),
        Some("2")
    );
    assert_eq!(
        ds.layer_by_name("communes_ensemble")
            .unwrap()
            .feature_count(),
        3
    );
}

#[test]
fn refuses_existing_file_and_bad_rows_without_leaving_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let before = std::fs::read(&path).unwrap();
    let err = write_gpkg(&path, &layers(), &[], &meta()).unwrap_err();
    assert!(err.to_string().contains("existe déjà"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "existing file untouched"
    );

    // a missing mandatory key
    let mut c = communes();
    c.rows[1].keys[0] = None;
    let p = dir.path().join("cle.gpkg");
    let err = write_gpkg(&p, &[c], &[], &meta()).unwrap_err();
    let EmitError::Write { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("communes_ensemble")
            && message.contains("ligne 2")
            && message.contains("code_commune"),
        "{message}"
    );
    assert!(!p.exists());

    // a point in a multipolygon layer
    let mut c = communes();
    c.rows[2].geometry = batiments().rows[0].geometry.clone();
    let err = write_gpkg(&p, &[c], &[], &meta()).unwrap_err();
    assert!(err.to_string().contains("ligne 3"), "{err}");
    assert!(!p.exists());

    // duplicate layer names, geometry in an attribute layer, a published cell without value
    let err = write_gpkg(&p, &[qva(), qva()], &[], &meta()).unwrap_err();
    assert!(err.to_string().contains("en double"), "{err}");
    let mut q = qva();
    q.rows[0].geometry = batiments().rows[0].geometry.clone();
    assert!(write_gpkg(&p, &[q], &[], &meta()).is_err());
    let mut q = qva();
    q.rows[0].cells[1].value = None;
    let err = write_gpkg(&p, &[q], &[], &meta()).unwrap_err();
    assert!(err.to_string().contains("loyer_moyen"), "{err}");
    assert!(
        !p.exists(),
        "no partial file after a failure during the write"
    );
    let mut q = qva();
    q.geometry = GeometryKind::None;
    q.rows[0].keys.push(Some("extra".into()));
    assert!(write_gpkg(&p, &[q], &[], &meta()).is_err());
}

/// Table contents are identical across writes; with OGR_CURRENT_DATE the bytes are too.
#[test]
fn deterministic_contents_and_bytes_with_fixed_date() {
    let dir = tempfile::tempdir().unwrap();
    let layers = layers();
    let tidy = tidy_rows(&layers);
    let dump = |p: &Path| -> Vec<Vec<Vec<Option<String>>>> {
        let ds = Dataset::open(p).unwrap();
        ["communes_ensemble", "batiments_ensemble", "qva_ensemble", "indicateurs"]
            .iter()
            .map(|t| sql_rows(&ds, &format!("SELECT * FROM {t} ORDER BY fid")))
            .chain(std::iter::once(sql_rows(
                &ds,
                "SELECT table_name, column_name, title, description FROM gpkg_data_columns ORDER BY 1, 2",
            )))
            .chain(std::iter::once(sql_rows(&ds, "SELECT metadata FROM gpkg_metadata ORDER BY id")))
            .collect()
    };
    let a = dir.path().join("a.gpkg");
    let b = dir.path().join("b.gpkg");
    write_gpkg(&a, &layers, &tidy, &meta()).unwrap();
    write_gpkg(&b, &layers, &tidy, &meta()).unwrap();
    assert_eq!(dump(&a), dump(&b));

    gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", "2024-01-01T00:00:00.000Z")
        .unwrap();
    let c = dir.path().join("c.gpkg");
    let d = dir.path().join("d.gpkg");
    write_gpkg(&c, &layers, &tidy, &meta()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_gpkg(&d, &layers, &tidy, &meta()).unwrap();
    gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE").unwrap();
    assert!(
        std::fs::read(&c).unwrap() == std::fs::read(&d).unwrap(),
        "identical bytes"
    );
    let ds = Dataset::open(&c).unwrap();
    assert_eq!(
        one(&ds, "SELECT DISTINCT last_change FROM gpkg_contents").as_deref(),
        Some("2024/01/01 00:00:00+00"),
        "GDAL's rendering of 2024-01-01T00:00:00.000Z"
    );
}

/// The tables of the long table are bulk-inserted with SQLite after GDAL closes the file: the
/// feature counts GDAL keeps in `gpkg_ogr_contents` must be right and GDAL's count triggers put
/// back.
#[test]
fn bulk_inserted_long_table_keeps_gdal_bookkeeping() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let rows = one(&ds, "SELECT count(*) FROM indicateurs").unwrap();
    assert!(rows.parse::<u64>().unwrap() > 0);
    for table in opsgeo::layout::tidy::STORAGE_TABLES {
        let count = one(&ds, &format!("SELECT count(*) FROM {table}")).unwrap();
        assert_eq!(
            one(
                &ds,
                &format!(
                    "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '{table}'"
                )
            ),
            Some(count.clone()),
            "{table}"
        );
        assert_eq!(
            one(
                &ds,
                &format!(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' \
                     AND name = 'trigger_insert_feature_count_{table}'"
                )
            ),
            Some("1".into()),
            "{table}"
        );
        let l = ds.layer_by_name(table).unwrap();
        assert_eq!(l.feature_count().to_string(), count, "{table}");
    }
    assert_eq!(
        one(&ds, "SELECT count(*) FROM indicateurs_valeurs"),
        Some(rows.clone())
    );
    let l = ds.layer_by_name("indicateurs").unwrap();
    assert_eq!(l.feature_count().to_string(), rows);
}

/// An entity whose values are all `secret_effectif` has no row in the long table (issue 13: on
/// the demo, 202,066 of 422,707 rows said nothing else); its feature stays in its layer, and the
/// audit's reader restores its values in the layer's order, so that it reads the file exactly as
/// the layers were built.
#[test]
fn small_rows_are_left_out_of_the_long_table_and_restored_by_the_reader() {
    use opsgeo::secrecy::{Cell, Status};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("opsgeo.gpkg");
    let mut layers = layers();
    let l = layers
        .iter_mut()
        .find(|l| l.name == "communes_ensemble")
        .expect("communes_ensemble");
    assert!(l.rows.len() >= 3);
    // the middle row: the rows after it must keep their place
    let small = &mut l.rows[1];
    let code = small.keys[0].clone().expect("code");
    for c in &mut small.cells {
        *c = Cell {
            value: None,
            base: None,
            status: Status::SecretEffectif,
        };
    }
    write_gpkg(&path, &layers, &tidy_rows(&layers), &meta()).expect("written");
    let ds = Dataset::open(&path).unwrap();
    let n = |sql: &str| one(&ds, sql).unwrap().parse::<usize>().unwrap();
    assert_eq!(
        n(&format!(
            "SELECT count(*) FROM indicateurs WHERE echelle = 'commune' AND code = '{code}'"
        )),
        0,
        "small row written"
    );
    assert!(features(&ds, "communes_ensemble").contains_key(&code));
    assert_eq!(
        n("SELECT count(*) FROM indicateurs"),
        tidy_rows(&layers).len()
    );
    assert!(tidy_rows(&layers).len() < opsgeo::layout::tidy::all_rows(&layers).len());

    // the writer leaves unpublished values and bases out (the sample's cells keep numbers)
    let key = |v: &opsgeo::audit::read::Value| {
        let (value, base) = match v.status.is_published() {
            true => (v.value, v.base),
            false => (None, None),
        };
        format!(
            "{:?}|{}|{:?}|{:?}|{}|{:?}|{:?}|{:?}",
            v.scale, v.code, v.population, v.zone, v.indicator, value, base, v.status
        )
    };
    let read: Vec<String> = opsgeo::audit::read::read(&path)
        .expect("read")
        .values
        .iter()
        .map(key)
        .collect();
    let built: Vec<String> = opsgeo::audit::read::from_layers(&layers)
        .values
        .iter()
        .map(key)
        .collect();
    let mut sorted = (read.clone(), built.clone());
    sorted.0.sort();
    sorted.1.sort();
    assert_eq!(sorted.0, sorted.1, "the reader restores every value");
    // and each layer's rows in the layer's order
    let rows_of = |v: &[String], seg: &str| -> Vec<String> {
        let mut o: Vec<String> = Vec::new();
        for k in v
            .iter()
            .filter(|k| k.starts_with(seg) && k.contains("|Ensemble|Tout|"))
        {
            let code = k.split('|').nth(1).unwrap().to_string();
            if o.last() != Some(&code) {
                o.push(code);
            }
        }
        o
    };
    let seg = "Commune|";
    let in_read = rows_of(&read, seg);
    assert!(in_read.contains(&code));
    assert_eq!(in_read, rows_of(&built, seg));
}
