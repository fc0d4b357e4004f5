//! GeoPackage writer (GDAL).
//!
//! One table per [`Layer`] (`fid` primary key, `geom` geometry column in Lambert-93 with an
//! R-tree spatial index; attribute tables for [`GeometryKind::None`]), plus the long
//! `indicateurs` table. Field titles go three ways: as OGR alternative names (GDAL 3.6 does not
//! store them for GeoPackage), in `gpkg_data_columns` (`title` and `description`; `name` is
//! left NULL because GDAL 3.6 declares it globally UNIQUE), and reason-code columns carry the
//! coded field domain `statut_publication` (code → French label), which QGIS shows as a value
//! map. The run metadata is written as dataset and layer metadata (`gpkg_metadata`, GDAL's
//! key/value form) and as an ISO 19139 lineage record ([`lineage`]); QGIS styles go into
//! `layer_styles` ([`layer_styles`]).
//!
//! GDAL creates and registers every table and writes the layers, each inside one transaction;
//! once GDAL has closed the file, the rows of the long table, the column titles and the styles
//! are stored with SQLite in one more transaction ([`bulk`]). Empty geometries are written as
//! NULL. The file is always new: an existing path is an error, and a failed write removes what
//! it had created.
//!
//! Table contents are deterministic. The bytes are too when the `OGR_CURRENT_DATE`
//! configuration option (or environment variable) is set, e.g. `2024-01-01T00:00:00.000Z`:
//! GDAL then writes it instead of the current time in `gpkg_contents.last_change` and
//! `gpkg_metadata_reference.timestamp`.

mod bulk;
pub mod check;
pub(crate) mod columns;
pub(crate) mod fault;
pub(crate) mod geom;
pub mod layer_styles;
pub mod lineage;
pub(crate) mod ogr;
pub(crate) mod tidy_table;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DriverManager, Metadata};

use self::columns::{cell_output, ColumnSpec, Role, Value};
use self::fault::Fault;
use self::ogr::FieldSpec;
use super::{EmitError, GeometryKind, Layer, LayerRow, RunMetadata};
use crate::layout::tidy::TidyRow;
use crate::model::EPSG_LAMBERT93;
use crate::secrecy::Status;

use crate::layout::tidy::TIDY_TABLE;

/// Columns of the long `indicateurs` table: name, French title, description.
pub fn tidy_columns() -> Vec<(&'static str, &'static str, &'static str)> {
    tidy_table::FIELDS
        .iter()
        .map(|(n, t, d, ..)| (*n, *t, *d))
        .collect()
}

/// Name of the coded field domain of reason codes (`statut` and `*_secret` columns).
pub const STATUS_DOMAIN: &str = "statut_publication";

/// Metadata items written into the outputs: `(key, value)`, keys in French snake_case.
pub(crate) fn metadata_items(meta: &RunMetadata) -> Vec<(&'static str, String)> {
    vec![
        ("source", meta.source_citation.clone()),
        ("date_reference", meta.reference_date.clone()),
        ("millesime_qpv", meta.qpv_vintage.clone()),
        ("millesime_iris", meta.iris_vintage.clone()),
        ("date_ban", meta.ban_date.clone()),
        ("secret_statistique", meta.secrecy.clone()),
        ("version_opsgeo", meta.opsgeo_version.clone()),
        ("version_schema", crate::layout::SCHEMA_VERSION.to_string()),
        ("version_gdal", meta.gdal_version.clone()),
        ("territoire", meta.territory.clone()),
        (
            "entrees",
            serde_json::to_string(&meta.inputs).expect("serialisable"),
        ),
    ]
}

/// Writes all layers and the `indicateurs` table into a new GeoPackage at `path`.
///
/// Fails if `path` exists. Everything is checked before the file is created (layer names and
/// titles unique, row shapes, mandatory keys, geometry types); on a later failure the partial
/// file is removed.
pub fn write_gpkg(
    path: &Path,
    layers: &[Layer],
    tidy: &[TidyRow],
    meta: &RunMetadata,
) -> Result<(), EmitError> {
    let fail = |fault: Fault| EmitError::written(path, fault);
    if path.symlink_metadata().is_ok() {
        return Err(fail(Fault::new(
            "le fichier existe déjà (la GeoPackage est toujours écrite dans un fichier neuf)",
        )));
    }
    let cols = preflight(layers).map_err(|message| fail(Fault::new(message)))?;
    let result = write_all(path, layers, &cols, tidy, meta);
    if result.is_err() {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
    result.map_err(fail)
}

/// Checks the layers and returns their columns.
fn preflight(layers: &[Layer]) -> Result<Vec<Vec<ColumnSpec>>, String> {
    let mut names = HashSet::new();
    let mut titles = HashSet::new();
    titles.insert(tidy_table::TIDY_TITLE.to_string());
    names.insert(TIDY_TABLE.to_string());
    for t in &tidy_table::STORAGE {
        titles.insert(t.title.to_string());
        names.insert(t.name.to_string());
    }
    let mut out = Vec::with_capacity(layers.len());
    for l in layers {
        let ctx = |e: String| format!("couche « {} » : {e}", l.name);
        let valid = !l.name.is_empty()
            && l.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !["gpkg_", "rtree_", "sqlite_"]
                .iter()
                .any(|p| l.name.to_ascii_lowercase().starts_with(p));
        if !valid {
            return Err(ctx(
                "nom invalide (lettres ASCII, chiffres et « _ », sans préfixe réservé)".into(),
            ));
        }
        if !names.insert(l.name.to_ascii_lowercase()) {
            return Err(ctx("nom de couche en double".into()));
        }
        if !titles.insert(l.title.clone()) {
            return Err(ctx(format!("titre « {} » en double", l.title)));
        }
        columns::check_shape(l).map_err(ctx)?;
        for (i, r) in l.rows.iter().enumerate() {
            geom::conform(l.geometry, r.geometry.as_ref())
                .map_err(|e| ctx(format!("ligne {} : {e}", i + 1)))?;
        }
        out.push(columns::layer_columns(l).map_err(ctx)?);
    }
    Ok(out)
}

fn write_all(
    path: &Path,
    layers: &[Layer],
    cols: &[Vec<ColumnSpec>],
    tidy: &[TidyRow],
    meta: &RunMetadata,
) -> Result<(), Fault> {
    let driver = DriverManager::get_driver_by_name("GPKG")?;
    ogr::reset_error();
    let mut ds = driver
        .create_vector_only(path)
        .map_err(|e| Fault::from(e).within("création impossible"))?;
    let srs = SpatialRef::from_epsg(EPSG_LAMBERT93)?;
    let statuses: Vec<(&str, &str)> = Status::ALL.iter().map(|s| (s.key(), s.label())).collect();
    ogr::add_coded_domain(
        &ds,
        STATUS_DOMAIN,
        "Statut de publication d'une valeur (secret statistique)",
        &statuses,
    )?;
    let items = metadata_items(meta);
    for (l, c) in layers.iter().zip(cols) {
        write_layer(&mut ds, &srs, l, c, &items)
            .map_err(|e| format!("couche « {} » : {e}", l.name))?;
    }
    tidy_table::create(&mut ds, &items).map_err(|e| format!("table « {TIDY_TABLE} » : {e}"))?;
    let styles = layer_styles::layer_style_list(layers);
    let style_rows = layer_styles::style_rows(&styles);
    layer_styles::create_table(&mut ds, &style_rows)?;
    lineage::write(&mut ds, meta)?;
    for (k, v) in &items {
        ds.set_metadata_item(k, v, "")
            .map_err(|e| Fault::from(e).within(format!("métadonnée « {k} »")))?;
    }
    ogr::reset_error();
    ds.flush_cache()?;
    check_no_gdal_failure("finalisation")?;
    ds.close()?;
    check_no_gdal_failure("fermeture")?;
    // read here, where GDAL's (possibly thread-local) configuration options are visible
    let now = layer_styles::timestamp_sql();
    bulk::write(
        path,
        &bulk::Rows {
            data_columns: &data_columns(layers, cols),
            styles: &style_rows,
            now: &now,
            tidy,
        },
    )
}

/// GDAL < 3.7 reports failures at flush/close only through its error state.
fn check_no_gdal_failure(step: &str) -> Result<(), Fault> {
    // SAFETY: thread-local error state, no arguments.
    let ty = unsafe { gdal_sys::CPLGetLastErrorType() };
    if ty == gdal_sys::CPLErr::CE_Failure || ty == gdal_sys::CPLErr::CE_Fatal {
        return Err(Fault::new(format!("{step} : {}", ogr::last_error())));
    }
    Ok(())
}

/// Layer creation options.
fn layer_options(layer: &Layer) -> Vec<String> {
    let mut o = vec![
        format!("IDENTIFIER={}", layer.title),
        format!("DESCRIPTION={}", layer.description),
        "FID=fid".to_string(),
    ];
    if layer.geometry != GeometryKind::None {
        o.push("GEOMETRY_NAME=geom".into());
        o.push("SPATIAL_INDEX=YES".into());
    }
    o
}

fn write_layer(
    ds: &mut Dataset,
    srs: &SpatialRef,
    layer: &Layer,
    cols: &[ColumnSpec],
    items: &[(&'static str, String)],
) -> Result<(), Fault> {
    let (ty, srs) = match layer.geometry {
        GeometryKind::MultiPolygon => (OGRwkbGeometryType::wkbMultiPolygon, Some(srs)),
        GeometryKind::Point => (OGRwkbGeometryType::wkbPoint, Some(srs)),
        GeometryKind::None => (OGRwkbGeometryType::wkbNone, None),
    };
    let options = layer_options(layer);
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    ogr::reset_error();
    let mut txn = ds.start_transaction()?;
    {
        let mut l = txn.create_layer(LayerOptions {
            name: &layer.name,
            srs,
            ty,
            options: Some(&options),
        })?;
        for c in cols {
            ogr::create_field(
                &l,
                &FieldSpec {
                    name: &c.name,
                    kind: c.kind,
                    not_null: c.not_null,
                    alternative_name: &c.title,
                    domain: matches!(c.role, Role::Secret(_)).then_some(STATUS_DOMAIN),
                },
            )?;
        }
        if l.defn().fields().count() != cols.len() {
            return Err("champs créés inattendus".into());
        }
        for (k, v) in items {
            l.set_metadata_item(k, v, "")
                .map_err(|e| Fault::from(e).within(format!("métadonnée « {k} »")))?;
        }
        for (k, v) in [
            ("echelle", layer.scale.key()),
            ("population", layer.population.key()),
            ("zone", layer.split.key()),
        ] {
            l.set_metadata_item(k, v, "")
                .map_err(|e| Fault::from(e).within(format!("métadonnée « {k} »")))?;
        }
        let defn = l.defn();
        for (i, row) in layer.rows.iter().enumerate() {
            let mut f = Feature::new(defn)?;
            fill_feature(&mut f, layer, row, cols)
                .and_then(|()| f.create(&l).map_err(Fault::from))
                .map_err(|e| format!("ligne {} : {e}", i + 1))?;
        }
        ogr::sync_layer(&l)?;
    }
    txn.commit().map_err(Fault::from)
}

/// Sets the fields and the geometry of one feature.
fn fill_feature(
    f: &mut Feature<'_>,
    layer: &Layer,
    row: &LayerRow,
    cols: &[ColumnSpec],
) -> Result<(), Fault> {
    let g = Fault::from;
    for (idx, c) in cols.iter().enumerate() {
        match c.role {
            Role::Key(k) => match &row.keys[k] {
                Some(s) => f.set_field_string(idx, s).map_err(g)?,
                None => f.set_field_null(idx).map_err(g)?,
            },
            Role::Value(j) => {
                let (value, _) = cell_output(layer.indicators[j], &row.cells[j])?;
                match value {
                    Some(Value::Integer(v)) => f.set_field_integer64(idx, v).map_err(g)?,
                    Some(Value::Real(v)) => f.set_field_double(idx, v).map_err(g)?,
                    None => f.set_field_null(idx).map_err(g)?,
                }
            }
            Role::Secret(j) => {
                let (_, reason) = cell_output(layer.indicators[j], &row.cells[j])?;
                match reason {
                    Some(r) => f.set_field_string(idx, r).map_err(g)?,
                    None => f.set_field_null(idx).map_err(g)?,
                }
            }
        }
    }
    // an empty geometry is written as NULL: GDAL 3.6 encodes an empty multipolygon with an
    // empty flag that validate_gpkg.py rejects (requirement 152)
    let geometry = geom::conform(layer.geometry, row.geometry.as_ref())?;
    if let Some(geometry) = geometry.filter(|g| !geom::is_empty(g)) {
        let gg = match geometry {
            Cow::Borrowed(x) => x.to_gdal(),
            Cow::Owned(x) => x.to_gdal(),
        }
        .map_err(g)?;
        f.set_geometry(gg).map_err(g)?;
    }
    Ok(())
}

/// SQL string literal.
pub(crate) fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The rows of `gpkg_data_columns` (table, column, title, description) for every column of
/// every layer, of the long table (the view) and of the tables it reads.
fn data_columns<'a>(
    layers: &'a [Layer],
    cols: &'a [Vec<ColumnSpec>],
) -> Vec<(&'a str, &'a str, &'a str, &'a str)> {
    let mut rows: Vec<(&str, &str, &str, &str)> = Vec::new();
    for (l, cs) in layers.iter().zip(cols) {
        for c in cs {
            rows.push((&l.name, &c.name, &c.title, &c.description));
        }
    }
    for (name, title, description, ..) in tidy_table::FIELDS.iter() {
        rows.push((TIDY_TABLE, name, title, description));
    }
    for t in &tidy_table::STORAGE {
        for (name, title, description, ..) in t.fields {
            rows.push((t.name, name, title, description));
        }
    }
    rows
}
