//! Outputs: the GeoPackage, FlatGeobuf copies, their QGIS/SLD styles, the QGIS project and the
//! optional PostGIS publication.
//!
//! [`layers`] turns the published tables into [`Layer`]s (keys, geometry, values);
//! [`gpkg`] and [`fgb`] write them (and check them before publication); [`tidy`] builds the
//! long `indicateurs` table; [`styles`] generates the styles from the indicator catalogue;
//! [`project`] writes `opsgeo.qgs`; [`postgis`] loads and swaps the PostGIS schema.

pub mod dictionary;
pub mod fgb;
pub mod gpkg;
pub mod layers;
pub mod postgis;
pub mod project;
pub mod styles;
pub mod tidy;

use std::path::PathBuf;

use thiserror::Error;

use crate::indicators::IndicatorDef;
use crate::model::{Population, Scale, Split};
use crate::secrecy::Cell;

/// Errors writing outputs (exit code 1).
#[derive(Debug, Error)]
pub enum EmitError {
    #[error("{path} : écriture impossible : {message}")]
    Write { path: PathBuf, message: String },
    #[error("{path} : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A written file failed its check before publication.
    #[error("{path} : contrôle avant publication en échec : {}", problems.join(" ; "))]
    Invalid {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// Geometry type of a layer (one per layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    MultiPolygon,
    Point,
    /// Attribute table without geometry (e.g. QVA known only by RPLS codes).
    None,
}

/// A key (business identifier or attribute) column of a layer. Keys are text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyField {
    /// ASCII snake_case French name (`code_commune`).
    pub name: &'static str,
    /// French title.
    pub title: &'static str,
    /// Declared NOT NULL (business keys).
    pub not_null: bool,
}

/// One row of a layer.
#[derive(Debug, Clone)]
pub struct LayerRow {
    /// One value per [`Layer::keys`] entry.
    pub keys: Vec<Option<String>>,
    /// Lambert-93 geometry; `None` only in [`GeometryKind::None`] layers.
    pub geometry: Option<geo::Geometry<f64>>,
    /// One cell per [`Layer::indicators`] entry.
    pub cells: Vec<Cell>,
}

/// A layer ready to be written: one scale × population × QPV split.
#[derive(Debug, Clone)]
pub struct Layer {
    /// ASCII layer name (`communes_ensemble_qpv`).
    pub name: String,
    /// French title.
    pub title: String,
    /// French description.
    pub description: String,
    pub scale: Scale,
    pub population: Population,
    pub split: Split,
    pub geometry: GeometryKind,
    pub keys: Vec<KeyField>,
    pub indicators: Vec<&'static IndicatorDef>,
    pub rows: Vec<LayerRow>,
}

/// Suffix of the companion column holding the reason code of an unpublished value.
pub const SECRET_SUFFIX: &str = "_secret";

/// Metadata written into every output.
#[derive(Debug, Clone, Default)]
pub struct RunMetadata {
    pub source_citation: String,
    pub reference_date: String,
    pub qpv_vintage: String,
    pub iris_vintage: String,
    pub ban_date: String,
    pub secrecy: String,
    pub opsgeo_version: String,
    /// Territory name, shown in titles (QGIS project, lineage).
    pub territory: String,
    /// GDAL release that wrote the outputs.
    pub gdal_version: String,
    /// Every input file with its checksum: the lineage of the outputs.
    pub inputs: Vec<InputLineage>,
}

/// One input file as recorded in the lineage metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InputLineage {
    /// File name (no folder).
    pub fichier: String,
    /// Detected format (encoding and delimiter, or driver and CRS).
    pub format: String,
    pub sha256: String,
    pub lignes_lues: u64,
    pub lignes_acceptees: u64,
    pub lignes_rejetees: u64,
}
