//! FlatGeobuf writer (flatgeobuf crate, with spatial index).
//!
//! Same columns as the GeoPackage layer (names, types, French titles and descriptions); a NULL
//! value is a property left out. The header carries the layer title and description, the CRS
//! (EPSG:2154 with its WKT from GDAL) and, as `metadata`, a JSON document with the run metadata
//! and the French title of every column. Features come out in the Hilbert order of the packed
//! R-tree; the bytes are a pure function of the layer and the metadata.

mod attributes;
pub mod check;

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::Path;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::error::GeozeroError;
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use serde_json::json;

use super::gpkg::columns::{self, cell_output, ColumnKind, ColumnSpec, Role, Value};
use super::gpkg::{geom, metadata_items};
use super::{EmitError, GeometryKind, Layer, LayerRow, RunMetadata};
use crate::model::EPSG_LAMBERT93;

/// Writes `layer` to `path` as a FlatGeobuf file and returns the number of rows left out.
///
/// Geometry layers get a packed Hilbert R-tree, which cannot hold a NULL or empty geometry:
/// rows without a (non-empty) geometry are left out of the file — they remain in the GeoPackage
/// and in the `indicateurs` table — and their number is returned for the run manifest.
/// A [`GeometryKind::None`] layer is written without index, with geometry type `Unknown` and
/// features without geometry, every row included (returns 0); the `flatgeobuf` writer cannot
/// omit geometries, so those files are encoded with the crate's FlatBuffers tables.
///
/// A layer with no row to write gets no index either (GDAL cannot open an indexed file without
/// features). Fails if `path` exists; on failure no file is left behind.
pub fn write_fgb(path: &Path, layer: &Layer, meta: &RunMetadata) -> Result<usize, EmitError> {
    let fail = failure(path, layer);
    if path.symlink_metadata().is_ok() {
        return Err(fail("le fichier existe déjà".into()));
    }
    let cols = checked_columns(layer).map_err(fail)?;
    let wkt = gdal::spatial_ref::SpatialRef::from_epsg(EPSG_LAMBERT93)
        .and_then(|s| s.to_wkt())
        .map_err(|e| fail(format!("système de coordonnées : {e}")))?;
    let metadata = metadata_json(layer, &cols, meta);
    if cols.len() > u16::MAX as usize {
        return Err(fail(format!(
            "{} colonnes : trop pour FlatGeobuf",
            cols.len()
        )));
    }
    let file = FileParts {
        path,
        layer,
        cols: &cols,
        wkt: &wkt,
        metadata: &metadata,
    };
    let (bytes, left_out) = if layer.geometry == GeometryKind::None {
        (file.encode_attributes()?, 0)
    } else {
        file.encode_indexed()?
    };
    file.save(&bytes)?;
    Ok(left_out)
}

/// The error of a layer that cannot be written to `path`, with `message` (French).
fn failure<'a>(path: &'a Path, layer: &'a Layer) -> impl Fn(String) -> EmitError + Copy + 'a {
    move |message| EmitError::Write {
        path: path.to_path_buf(),
        message: format!("couche « {} » : {message}", layer.name),
        source: None,
    }
}

/// The columns of `layer`, once its shape and every row's geometry are checked.
fn checked_columns(layer: &Layer) -> Result<Vec<ColumnSpec>, String> {
    columns::check_shape(layer)?;
    let cols = columns::layer_columns(layer)?;
    for (i, r) in layer.rows.iter().enumerate() {
        geom::conform(layer.geometry, r.geometry.as_ref())
            .map_err(|e| format!("ligne {} : {e}", i + 1))?;
    }
    Ok(cols)
}

/// What makes the file of one layer: where it goes, its columns and its header's CRS WKT and
/// metadata.
struct FileParts<'a> {
    path: &'a Path,
    layer: &'a Layer,
    cols: &'a [ColumnSpec],
    wkt: &'a str,
    metadata: &'a str,
}

impl FileParts<'_> {
    /// The bytes of a [`GeometryKind::None`] layer: no index, every row.
    fn encode_attributes(&self) -> Result<Vec<u8>, EmitError> {
        let (path, layer) = (self.path, self.layer);
        let fail = failure(path, layer);
        let rows = layer
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                row_properties(layer, r, self.cols)
                    .map_err(|e| fail(format!("ligne {} : {e}", i + 1)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let info = attributes::HeaderInfo {
            name: &layer.name,
            title: &layer.title,
            description: &layer.description,
            metadata: self.metadata,
            epsg: EPSG_LAMBERT93 as i32,
            wkt: self.wkt,
        };
        let mut bytes = Vec::new();
        attributes::write(&mut bytes, &info, self.cols, &rows).map_err(encoding(
            path,
            layer,
            "en-tête et entités".into(),
        ))?;
        Ok(bytes)
    }

    /// The bytes of a geometry layer, with its packed Hilbert R-tree (when it has a row to
    /// write), and the number of rows left out for want of a (non-empty) geometry.
    fn encode_indexed(&self) -> Result<(Vec<u8>, usize), EmitError> {
        let (path, layer) = (self.path, self.layer);
        let fail = failure(path, layer);
        let mut fgb = self.indexed_writer()?;
        let mut left_out = 0;
        for (i, row) in layer.rows.iter().enumerate() {
            let at = |e: String| fail(format!("ligne {} : {e}", i + 1));
            let g = geom::conform(layer.geometry, row.geometry.as_ref()).map_err(at)?;
            let Some(g) = g.filter(|g| !geom::is_empty(g)) else {
                left_out += 1;
                continue;
            };
            let props = row_properties(layer, row, self.cols).map_err(at)?;
            let mut written = Ok(());
            fgb.add_feature_geom(GeomRef(g.as_ref()), |fw| {
                written = feed(fw, self.cols, &props);
            })
            .map_err(encoding(path, layer, format!("ligne {}", i + 1)))?;
            written.map_err(encoding(path, layer, format!("ligne {}", i + 1)))?;
        }
        let mut bytes = Vec::new();
        fgb.write(&mut bytes)
            .map_err(encoding(path, layer, "index et entités".into()))?;
        Ok((bytes, left_out))
    }

    /// The crate's writer for a geometry layer, header and columns set.
    fn indexed_writer(&self) -> Result<FgbWriter<'_>, EmitError> {
        let layer = self.layer;
        let geometry_type = match layer.geometry {
            GeometryKind::Point => GeometryType::Point,
            _ => GeometryType::MultiPolygon,
        };
        let with_geometry = layer
            .rows
            .iter()
            .filter(|r| r.geometry.as_ref().is_some_and(|g| !geom::is_empty(g)))
            .count();
        let mut fgb = FgbWriter::create_with_options(
            &layer.name,
            geometry_type,
            FgbWriterOptions {
                // GDAL cannot open an indexed file without features
                write_index: with_geometry > 0,
                detect_type: false,
                promote_to_multi: true,
                crs: FgbCrs {
                    code: EPSG_LAMBERT93 as i32,
                    wkt: Some(self.wkt),
                    ..Default::default()
                },
                title: Some(&layer.title),
                description: Some(&layer.description),
                metadata: Some(self.metadata),
                ..Default::default()
            },
        )
        .map_err(encoding(self.path, layer, "en-tête".into()))?;
        for c in self.cols {
            fgb.add_column(&c.name, column_type(c.kind), |fbb, col| {
                col.title = Some(fbb.create_string(&c.title));
                col.description = Some(fbb.create_string(&c.description));
                col.nullable = !c.not_null;
            });
        }
        Ok(fgb)
    }

    /// Writes `bytes` to a new file at `path`, synced; removes it on failure.
    fn save(&self, bytes: &[u8]) -> Result<(), EmitError> {
        let path = self.path;
        let result = (|| -> std::io::Result<()> {
            let file = OpenOptions::new().write(true).create_new(true).open(path)?;
            let mut out = BufWriter::new(file);
            out.write_all(bytes)?;
            out.flush()?;
            out.get_ref().sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(path);
            return Err(encoding(path, self.layer, "fichier".into())(e));
        }
        Ok(())
    }
}

/// An error of the `flatgeobuf` or `geozero` crates, or of the system, while writing `layer` to
/// `path` at `step`, kept as the source.
fn encoding<'a, E: std::error::Error + Send + Sync + 'static>(
    path: &'a Path,
    layer: &'a Layer,
    step: String,
) -> impl FnOnce(E) -> EmitError + 'a {
    move |e| EmitError::Fgb {
        path: path.to_path_buf(),
        step: format!("couche « {} » : {step}", layer.name),
        source: Box::new(e),
    }
}

/// FlatGeobuf type of a column.
fn column_type(kind: ColumnKind) -> ColumnType {
    match kind {
        ColumnKind::Text => ColumnType::String,
        ColumnKind::Integer => ColumnType::Long,
        ColumnKind::Real => ColumnType::Double,
    }
}

/// A non-NULL property value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Property<'a> {
    Text(&'a str),
    Integer(i64),
    Real(f64),
}

/// The non-NULL properties of a row, as (column index, value); NULLs are left out.
fn row_properties<'a>(
    layer: &Layer,
    row: &'a LayerRow,
    cols: &[ColumnSpec],
) -> Result<Vec<(usize, Property<'a>)>, String> {
    let mut out = Vec::with_capacity(cols.len());
    for (idx, c) in cols.iter().enumerate() {
        let p = match c.role {
            Role::Key(k) => row.keys[k].as_deref().map(Property::Text),
            Role::Value(j) => match cell_output(layer.indicators[j], &row.cells[j])?.0 {
                Some(Value::Integer(v)) => Some(Property::Integer(v)),
                Some(Value::Real(v)) => Some(Property::Real(v)),
                None => None,
            },
            Role::Secret(j) => cell_output(layer.indicators[j], &row.cells[j])?
                .1
                .map(Property::Text),
        };
        if let Some(p) = p {
            out.push((idx, p));
        }
    }
    Ok(out)
}

/// Passes properties to the crate's feature writer.
fn feed<P: PropertyProcessor>(
    fw: &mut P,
    cols: &[ColumnSpec],
    props: &[(usize, Property<'_>)],
) -> Result<(), GeozeroError> {
    for (idx, p) in props {
        let v = match p {
            Property::Text(s) => ColumnValue::String(s),
            Property::Integer(v) => ColumnValue::Long(*v),
            Property::Real(v) => ColumnValue::Double(*v),
        };
        fw.property(*idx, &cols[*idx].name, &v)?;
    }
    Ok(())
}

/// The `metadata` header field: run metadata, the layer's scale/population/zone and the
/// title of every column, in order.
fn metadata_json(layer: &Layer, cols: &[ColumnSpec], meta: &RunMetadata) -> String {
    let mut doc = serde_json::Map::new();
    for (k, v) in metadata_items(meta) {
        doc.insert(k.to_string(), json!(v));
    }
    doc.insert(
        "couche".into(),
        json!({
            "nom": layer.name,
            "echelle": layer.scale.key(),
            "population": layer.population.key(),
            "zone": layer.split.key(),
        }),
    );
    doc.insert(
        "colonnes".into(),
        cols.iter()
            .map(|c| json!({ "nom": c.name, "titre": c.title }))
            .collect(),
    );
    serde_json::Value::Object(doc).to_string()
}

/// A borrowed geo geometry, fed to the writer without cloning.
struct GeomRef<'a>(&'a geo::Geometry<f64>);

impl GeozeroGeometry for GeomRef<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> geozero::error::Result<()> {
        geozero::geo_types::process_geom(self.0, p)
    }
}
