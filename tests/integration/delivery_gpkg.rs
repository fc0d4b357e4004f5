//! GIS delivery in the written files: QGIS styles in `layer_styles` (the same as the committed
//! `styles/` files), ISO lineage metadata, the pre-publication checks of GeoPackage and
//! FlatGeobuf files (which must catch broken files and accept extra layers), the QGIS project.

use std::path::Path;

use gdal::vector::sql::Dialect;
use gdal::vector::{LayerAccess, LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};
use opsgeo::emit::fgb::check::{check_fgb, FgbExpectation};
use opsgeo::emit::gpkg::check::check_gpkg;
use opsgeo::emit::gpkg::write_gpkg;
use opsgeo::emit::styles::{self, Family};
use opsgeo::emit::EmitError;
use opsgeo::layout::tidy::tidy_rows;

use crate::support::gis::{open_update, sql_rows, validate_gpkg};
use crate::support::layers::{self, layers, meta};
use crate::support::root;

fn sample(dir: &Path) -> (std::path::PathBuf, Vec<(String, u64)>) {
    let path = dir.join("opsgeo.gpkg");
    let layers = layers();
    let tidy = tidy_rows(&layers);
    write_gpkg(&path, &layers, &tidy, &meta()).unwrap();
    let mut expected: Vec<(String, u64)> = layers
        .iter()
        .map(|l| (l.name.clone(), l.rows.len() as u64))
        .collect();
    expected.push(("indicateurs".into(), tidy.len() as u64));
    (path, expected)
}

fn problems(r: Result<impl std::fmt::Debug, EmitError>) -> String {
    match r {
        Err(EmitError::Invalid { problems, .. }) => problems.join(" ; "),
        other => panic!("expected a failed check, got {other:?}"),
    }
}

#[test]
fn layer_styles_hold_one_default_and_the_committed_named_styles() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let styled = sql_rows(
        &ds,
        "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, \
         styleQML, styleSLD, useAsDefault FROM layer_styles ORDER BY id",
    );
    assert!(!styled.is_empty());
    let root = root().join("styles");
    for l in layers() {
        let mine: Vec<&Vec<Option<String>>> = styled
            .iter()
            .filter(|r| r[2].as_deref() == Some(l.name.as_str()))
            .collect();
        let Some(family) = Family::of(l.geometry) else {
            assert!(mine.is_empty(), "{} has no geometry", l.name);
            continue;
        };
        assert!(!mine.is_empty(), "{}", l.name);
        let defaults: Vec<_> = mine
            .iter()
            .filter(|r| r[7].as_deref() == Some("1"))
            .collect();
        assert_eq!(defaults.len(), 1, "{}", l.name);
        let default = styles::default_indicator(&l).unwrap();
        assert_eq!(
            defaults[0][4].as_deref(),
            Some(styles::style_name(default).as_str())
        );
        // the default style carries the French titles as aliases
        assert!(defaults[0][5].as_deref().unwrap().contains("<aliases>"));
        for r in &mine {
            assert_eq!(r[0].as_deref(), Some(""), "catalog must be '' for QGIS");
            assert_eq!(r[1].as_deref(), Some(""), "schema must be '' for QGIS");
            assert_eq!(r[3].as_deref(), Some("geom"));
            let name = r[4].as_deref().unwrap();
            let def = l
                .indicators
                .iter()
                .find(|d| styles::style_name(d) == name)
                .unwrap_or_else(|| panic!("{name}"));
            let file = root.join(family.dir()).join(def.field);
            let sld = std::fs::read_to_string(file.with_extension("sld")).unwrap();
            assert_eq!(r[6].as_deref(), Some(sld.as_str()), "{name}");
            if r[7].as_deref() != Some("1") {
                let qml = std::fs::read_to_string(file.with_extension("qml")).unwrap();
                assert_eq!(r[5].as_deref(), Some(qml.as_str()), "{name}");
            }
        }
    }
}

#[test]
fn lineage_record_cites_the_source_and_every_input_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = sample(dir.path());
    let ds = Dataset::open(&path).unwrap();
    let iso = sql_rows(
        &ds,
        "SELECT m.metadata, r.reference_scope FROM gpkg_metadata m JOIN gpkg_metadata_reference r \
         ON r.md_file_id = m.id WHERE m.md_standard_uri = 'http://www.isotc211.org/2005/gmd'",
    );
    assert_eq!(iso.len(), 1);
    assert_eq!(iso[0][1].as_deref(), Some("geopackage"));
    let xml = iso[0][0].as_deref().unwrap();
    let m = meta();
    for needle in [
        m.source_citation.as_str(),
        "<gmd:LI_Lineage>",
        &format!("IRIS : {}", m.iris_vintage),
        &format!("QPV) : {}", m.qpv_vintage),
        &format!("BAN du {}", m.ban_date),
        &m.inputs[0].sha256,
        &m.inputs[0].fichier,
        "effectif minimal 11",
        "GDAL 3.6.2",
    ] {
        assert!(xml.contains(needle), "{needle} missing from the lineage");
    }
    // and GDAL's key/value metadata carries the input checksums too
    let entries = ds.metadata_item("entrees", "").unwrap();
    assert!(entries.contains(&m.inputs[0].sha256), "{entries}");
}

#[test]
fn checks_accept_a_good_file_and_an_extra_layer() {
    let dir = tempfile::tempdir().unwrap();
    let (path, expected) = sample(dir.path());
    let found = check_gpkg(&path, &expected).unwrap();
    assert!(found.styles > 0);
    // another stage adds its own layer (e.g. addresses to review): still valid
    {
        let mut ds = open_update(&path);
        let srs = gdal::spatial_ref::SpatialRef::from_epsg(2154).unwrap();
        let l = ds
            .create_layer(LayerOptions {
                name: "geocodage_a_verifier",
                srs: Some(&srs),
                ty: OGRwkbGeometryType::wkbPoint,
                options: Some(&["SPATIAL_INDEX=YES"]),
            })
            .unwrap();
        let mut f = gdal::vector::Feature::new(l.defn()).unwrap();
        f.set_geometry(gdal::vector::Geometry::from_wkt("POINT (850000 6690000)").unwrap())
            .unwrap();
        f.create(&l).unwrap();
    }
    let found = check_gpkg(&path, &expected).unwrap();
    assert_eq!(found.tables["geocodage_a_verifier"], 1);
    validate_gpkg(&path);
}

#[test]
fn checks_catch_missing_rows_broken_indexes_and_styles_qgis_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut expected) = sample(dir.path());
    expected[0].1 += 1;
    let p = problems(check_gpkg(&path, &expected));
    assert!(p.contains(&format!("couche « {} »", expected[0].0)), "{p}");
    expected[0].1 -= 1;
    expected.push(("absente".into(), 1));
    assert!(problems(check_gpkg(&path, &expected)).contains("couche « absente » absente"));
    expected.pop();
    {
        let ds = open_update(&path);
        ds.execute_sql(
            "DELETE FROM rtree_communes_ensemble_geom",
            None,
            Dialect::DEFAULT,
        )
        .unwrap();
        ds.execute_sql(
            "UPDATE layer_styles SET f_table_catalog = NULL",
            None,
            Dialect::DEFAULT,
        )
        .unwrap();
    }
    let p = problems(check_gpkg(&path, &expected));
    assert!(
        p.contains("index spatial de « communes_ensemble » incomplet"),
        "{p}"
    );
    assert!(p.contains("catalogue ou schéma non vide"), "{p}");
}

/// The long table's tables are checked in SQL, not through OGR: wrong storage classes, codes
/// outside the field domain, numbers that name nothing and unpublished values that are not
/// empty must all be caught.
#[test]
fn checks_catch_bad_values_in_the_long_table_and_the_layers() {
    let dir = tempfile::tempdir().unwrap();
    let (path, expected) = sample(dir.path());
    check_gpkg(&path, &expected).unwrap();
    {
        let ds = open_update(&path);
        for sql in [
            // a word where a number belongs (OGR would read 0)
            "UPDATE indicateurs_valeurs SET effectif = 'douze' WHERE fid = 1",
            "UPDATE indicateurs_valeurs SET valeur = x'00' WHERE fid = 2",
            "UPDATE indicateurs_unites SET code = x'41' WHERE fid = 3",
            "UPDATE indicateurs_statuts SET statut = 'inconnu' WHERE fid = 4",
            // a number that names no status
            "UPDATE indicateurs_valeurs SET statut = 9 WHERE fid = 5",
            // an unpublished value that is not empty
            "UPDATE indicateurs_valeurs SET valeur = 12.5 WHERE fid = (SELECT min(fid) FROM indicateurs WHERE statut <> 'publie')",
            "UPDATE communes_ensemble SET nb_logements_secret = 'autre' WHERE fid = 1",
        ] {
            ds.execute_sql(sql, None, Dialect::DEFAULT).unwrap();
        }
    }
    let p = problems(check_gpkg(&path, &expected));
    for needle in [
        "« indicateurs_valeurs » : « effectif » : valeurs qui ne sont pas du type INTEGER (1 ligne(s))",
        "« indicateurs_valeurs » : « valeur » : valeurs qui ne sont pas du type REAL (1 ligne(s))",
        "« indicateurs_unites » : « code » : valeurs qui ne sont pas du type TEXT (1 ligne(s))",
        "« indicateurs_statuts » : « statut » : valeurs hors du domaine de codes (1 ligne(s))",
        "« indicateurs_valeurs » : « statut » : numéro absent de la table « indicateurs_statuts » (1 ligne(s))",
        "« indicateurs_valeurs » : valeur ou effectif renseigné pour une valeur non publiée",
        "« communes_ensemble » : « nb_logements_secret » : valeurs hors du domaine de codes",
    ] {
        assert!(p.contains(needle), "{needle} missing from: {p}");
    }
}

#[test]
fn flatgeobuf_check_catches_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    let l = layers::communes();
    let path = dir.path().join("communes.fgb");
    let left_out = opsgeo::emit::fgb::write_fgb(&path, &l, &meta()).unwrap();
    // keys, then each indicator and its reason code
    let columns = l.keys.len() + 2 * l.indicators.len();
    let expected = FgbExpectation {
        features: (l.rows.len() - left_out) as u64,
        columns,
        geometry: true,
    };
    check_fgb(&path, &expected).unwrap();
    let wrong = FgbExpectation {
        features: expected.features + 1,
        ..expected.clone()
    };
    assert!(problems(check_fgb(&path, &wrong)).contains("entités lues"));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 40]).unwrap();
    let p = problems(check_fgb(&path, &expected));
    assert!(p.contains("lecture") || p.contains("entités lues"), "{p}");
}

#[test]
fn project_groups_layers_by_scale_then_population() {
    let text = opsgeo::emit::project::render(
        &layers(),
        &[("indicateurs", "Indicateurs (format long)")],
        "opsgeo.gpkg",
        &meta(),
    );
    for needle in [
        "<layer-tree-group name=\"Communes\"",
        "<layer-tree-group name=\"Ensemble des ménages\"",
        "<datasource>./opsgeo.gpkg|layername=communes_ensemble</datasource>",
        "<authid>EPSG:2154</authid>",
        "<Layout name=\"Carte A4\"",
        "type=\"RuleRenderer\"",
        "<rights>Source : USH BFC",
        "Entrée rpls_2022.csv : SHA-256",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    // the same inputs give the same project, byte for byte
    let again = opsgeo::emit::project::render(
        &layers(),
        &[("indicateurs", "Indicateurs (format long)")],
        "opsgeo.gpkg",
        &meta(),
    );
    assert_eq!(text, again);
}
