//! Zone polygon layers (communes, IRIS, QPV, QVA) read through GDAL from any OGR vector source
//! (shapefile, GeoPackage, GeoJSON…), reprojected once to Lambert-93, validated and repaired.

use std::path::PathBuf;

use geo::MultiPolygon;

use super::rejects::RejectLog;
use super::{IngestError, InputStats};
use crate::config::ZoneInput;

/// The kinds of zone layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneKind {
    Commune,
    Iris,
    Qpv,
    Qva,
}

impl ZoneKind {
    pub fn label(self) -> &'static str {
        match self {
            ZoneKind::Commune => "communes",
            ZoneKind::Iris => "IRIS",
            ZoneKind::Qpv => "QPV",
            ZoneKind::Qva => "QVA",
        }
    }
}

/// One zone, in Lambert-93, with a valid geometry.
#[derive(Debug, Clone)]
pub struct Zone {
    pub code: String,
    pub name: String,
    /// INSEE code of the commune the zone belongs to, when the layer has one (IRIS).
    pub commune: String,
    pub geometry: MultiPolygon<f64>,
}

/// What was wrong with a polygon and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GeometryIssue {
    /// Zone code (or `entité N` when the code is missing).
    pub zone: String,
    /// 0-based feature index (FID order) in the source layer.
    pub feature: u64,
    /// Why it is invalid, in French (e.g. « anneau auto-intersecté »), from the validity check.
    pub problem: String,
    /// `reparee` or `rejetee`.
    pub action: String,
}

/// A zone layer, ready for the join.
#[derive(Debug, Clone)]
pub struct ZoneLayer {
    pub kind: ZoneKind,
    pub source: PathBuf,
    /// Vintage from the configuration (e.g. `2015` for QPV).
    pub vintage: String,
    /// Zones in source order; codes are unique.
    pub zones: Vec<Zone>,
    /// Invalid polygons found, repaired or rejected.
    pub issues: Vec<GeometryIssue>,
    /// Features read / accepted / rejected; `format` gives driver and source CRS.
    pub stats: InputStats,
}

/// Reads one zone layer.
///
/// Every feature is accepted or rejected (with a line in `rejects`, using the feature index as
/// the line): missing code, duplicate code, empty or non-polygonal geometry, or a geometry that
/// could not be repaired. Sources without a CRS use `input.assume_epsg` or fail.
pub fn read_zone_layer(
    input: &ZoneInput,
    kind: ZoneKind,
    rejects: &mut RejectLog,
) -> Result<ZoneLayer, IngestError> {
    let _ = (input, kind, rejects);
    unimplemented!("ingest::zones::read_zone_layer")
}
