//! Outputs: the GeoPackage, FlatGeobuf copies, their QGIS/SLD styles, the QGIS project and the
//! optional PostGIS publication.
//!
//! [`layers`] turns the published tables into [`Layer`]s (keys, geometry, values; the layout of
//! the outputs, shared with the audit, is in [`crate::layout`]);
//! [`gpkg`] and [`fgb`] write them (and check them before publication); [`styles`] generates the styles from the indicator catalogue;
//! [`project`] writes `opsgeo.qgs`; [`postgis`] loads and swaps the PostGIS schema.

pub mod dictionary;
pub mod fgb;
pub mod gpkg;
pub mod layers;
pub mod postgis;
pub mod project;
pub mod review;
pub mod styles;

use std::path::{Path, PathBuf};

use thiserror::Error;

pub use crate::layout::{GeometryKind, KeyField, Layer, LayerRow, SECRET_SUFFIX};

/// Errors writing outputs (exit code 1).
#[derive(Debug, Error)]
pub enum EmitError {
    /// Writing failed: what was being done, and the SQLite or GDAL error when one stopped it
    /// (kept as the source, printed as the cause).
    #[error("{path} : écriture impossible : {message}")]
    Write {
        path: PathBuf,
        message: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// A GDAL call failed (GDAL's error kept as the source, printed as the cause).
    #[error("{path} : écriture impossible : {step}")]
    Gdal {
        path: PathBuf,
        step: String,
        source: crate::gdal_errors::GdalFailure,
    },
    /// Encoding or writing a FlatGeobuf file failed (the library's or the system's error kept
    /// as the source).
    #[error("{path} : écriture impossible : {step}")]
    Fgb {
        path: PathBuf,
        step: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file could not be written (the system's error kept as the source, printed as the
    /// cause).
    #[error("{path} : écriture impossible")]
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

impl EmitError {
    /// Writing `path` failed: the writer's message, and the SQLite or GDAL error as the source.
    pub(crate) fn written(path: &Path, fault: gpkg::fault::Fault) -> EmitError {
        let (message, source) = fault.into_parts();
        EmitError::Write {
            path: path.to_path_buf(),
            message,
            source,
        }
    }
}

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
