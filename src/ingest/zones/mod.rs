//! Zone polygon layers (communes, IRIS, QPV, QVA) read through GDAL from any OGR vector source
//! (shapefile, GeoPackage, GeoJSON…), reprojected once to Lambert-93, validated and repaired.
//!
//! Reading runs in three steps:
//! 1. GDAL reads the features in order (attributes matched case-insensitively, curved geometries
//!    linearised, Z/M dropped, reprojection to EPSG:2154 with the traditional x = east, y = north
//!    axis order on both sides);
//! 2. every polygon is validated, and repaired when invalid ([`super::validity`]), in parallel;
//! 3. features are accepted in source order; a code already taken by an accepted feature is a
//!    duplicate and the later feature is rejected, unless it is another part of that zone (same
//!    name and commune, a polygon that does not overlap it), joined to it.
//!
//! The commune attribute is optional; for IRIS, an empty or missing one is taken from the first
//! five characters of the 9-character IRIS code.
//!
//! Integer code attributes lose their leading zeros in some shapefiles (`1001` for `01001`): a
//! purely numeric commune or IRIS code read from an integer field is left-padded with zeros to
//! 5 or 9 characters.
//!
//! The parts of the reader, in the order [`read_zone_layer`] runs them: `layer` (open the
//! source, choose the layer), `attributes` (code, name and commune fields), `crs` (source
//! CRS and reprojection), `features` (read each feature, with `geometry` preparing its
//! polygon), `accept` (validate and repair in parallel, accept in source order). `coverage`
//! checks afterwards that a layer lies where it should.

mod accept;
mod attributes;
mod coverage;
mod crs;
mod features;
mod geometry;
mod layer;

use std::path::{Path, PathBuf};

use gdal::vector::LayerAccess;
use geo::MultiPolygon;

use self::accept::{accept_in_order, validate_geometries};
use self::attributes::Attributes;
use self::crs::reprojection;
use self::features::read_features;
use self::layer::{open_dataset, select_layer};
use super::rejects::{RejectLog, ValueKind};
use super::{IngestError, InputStats};
use crate::config::ZoneInput;

pub use self::coverage::{check_in_lambert93, check_overlaps_communes};

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

    /// Width of the zone code when it is purely numeric (INSEE commune 5, IRIS 9).
    pub(super) fn numeric_code_width(self) -> Option<usize> {
        match self {
            ZoneKind::Commune => Some(5),
            ZoneKind::Iris => Some(9),
            ZoneKind::Qpv | ZoneKind::Qva => None,
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

impl Zone {
    /// The commune an IRIS belongs to: the layer's commune attribute, else the first five
    /// characters of the IRIS code (an IRIS code starts with its commune's INSEE code).
    pub fn commune_code(&self) -> &str {
        if self.commune.is_empty() {
            self.code.get(..5).unwrap_or("")
        } else {
            &self.commune
        }
    }
}

/// What was wrong with a polygon and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GeometryIssue {
    /// Zone code (or `entité N` when the code is missing).
    pub zone: String,
    /// 1-based feature index in reading order (the `ligne` of `rejets.csv` for the same layer).
    #[serde(rename = "entite")]
    pub feature: u64,
    /// Why it is invalid, in French (e.g. « anneau auto-intersecté »), from the validity check.
    #[serde(rename = "probleme")]
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

/// Longest zone code shown in `rejets.csv` (zone codes are public: INSEE, IRIS, QPV codes).
const ZONE_CODE_CHARS: usize = 16;

/// A zone code as it may appear in a log line: like in `rejets.csv`, only with the shape of a
/// code (a code column mistakenly mapped to a free-text attribute is not echoed).
pub(super) fn shown_code(code: &str) -> String {
    super::rejects::shown(ValueKind::Code(ZONE_CODE_CHARS), code)
}

/// Column label used in the rejects log for geometry problems.
pub(super) const GEOMETRY_COLUMN: &str = "géométrie";

/// A reject waiting to be written (sorted by feature before writing).
pub(super) struct PendingReject {
    pub(super) feature: u64,
    pub(super) column: String,
    pub(super) value: String,
    pub(super) reason: String,
}

/// Reads one zone layer.
///
/// Every feature is accepted or rejected (with a line in `rejects`, using the 1-based feature
/// index as the line): missing code, duplicate code, empty or non-polygonal geometry, or a
/// geometry that could not be repaired. Sources without a CRS use `input.assume_epsg` or fail.
pub fn read_zone_layer(
    input: &ZoneInput,
    kind: ZoneKind,
    rejects: &mut RejectLog,
) -> Result<ZoneLayer, IngestError> {
    let mut log = RejectLog::new();
    let mut layer = read_layer(input, kind, &mut log, &[])?;
    if misdecoded(&layer) {
        layer = reread_latin1(input, kind, layer, &mut log);
    }
    rejects.append(log);
    Ok(layer)
}

/// Whether a zone name holds U+FFFD: GDAL gave bytes that are not UTF-8 (a shapefile whose
/// `.dbf` is in Latin-1 without a `.cpg` to say so) and « La Maladi�re » would be published.
fn misdecoded(layer: &ZoneLayer) -> bool {
    layer.zones.iter().any(|z| z.name.contains('\u{FFFD}'))
}

/// A shapefile whose names were misdecoded is read again in ISO-8859-1 (what a `.dbf` without
/// `.cpg` written by most tools holds), with a warning; when that does not help either, or for
/// another format, the names are kept and the warning says they are unreadable.
fn reread_latin1(
    input: &ZoneInput,
    kind: ZoneKind,
    layer: ZoneLayer,
    log: &mut RejectLog,
) -> ZoneLayer {
    let file = crate::ingest::source::file_label(&input.path);
    let is_shapefile = layer.stats.format.starts_with("ESRI Shapefile");
    if is_shapefile {
        let mut latin1_log = RejectLog::new();
        if let Ok(latin1) = read_layer(input, kind, &mut latin1_log, &["ENCODING=ISO-8859-1"]) {
            if !misdecoded(&latin1) {
                tracing::warn!(
                    "{file} : noms de la couche {} illisibles en UTF-8, relus en ISO-8859-1 \
                     (fichier .cpg absent à côté du .shp ? ajoutez-en un contenant « UTF-8 » \
                     ou « ISO-8859-1 »)",
                    kind.label()
                );
                *log = latin1_log;
                return latin1;
            }
        }
    }
    tracing::warn!(
        "{file} : des noms de la couche {} contiennent des caractères illisibles (« � ») : \
         vérifiez l'encodage de la source",
        kind.label()
    );
    layer
}

/// [`read_zone_layer`] once, with the driver's `open_options`.
fn read_layer(
    input: &ZoneInput,
    kind: ZoneKind,
    rejects: &mut RejectLog,
    open_options: &[&str],
) -> Result<ZoneLayer, IngestError> {
    let path = input.path.as_path();
    let ds = open_dataset(path, open_options)?;
    let mut layer = select_layer(&ds, input, path)?;
    let attributes = Attributes::find(&layer, input, kind, path)?;
    let (transform, format) = reprojection(&ds, &layer, input, path)?;
    let mut stats = InputStats::new(path, format);

    // Step 1: read.
    // features the driver announces (from the .shx / the index): a truncated file reads fewer
    let announced = layer.try_feature_count().unwrap_or(0);
    let (mut candidates, mut pending) = read_features(
        &mut layer,
        &attributes,
        input,
        kind,
        transform.as_ref(),
        &mut stats,
    );
    // Step 2: validate and repair, in parallel.
    let verdicts = validate_geometries(&mut candidates);
    // Step 3: accept in source order.
    let mut joined = 0;
    let (zones, issues) = accept_in_order(
        candidates,
        verdicts,
        kind,
        &attributes.code_name,
        &mut pending,
        &mut joined,
    );

    account_rejects(pending, zones.len() as u64 + joined, &mut stats, rejects);
    check_complete(&stats, announced, kind, path)?;
    Ok(ZoneLayer {
        kind,
        source: path.to_path_buf(),
        vintage: input.vintage.clone(),
        zones,
        issues,
        stats,
    })
}

/// Writes the rejects of a layer to `rejects` in feature order, and counts the accepted and
/// rejected features in `stats`.
fn account_rejects(
    mut pending: Vec<PendingReject>,
    accepted: u64,
    stats: &mut InputStats,
    rejects: &mut RejectLog,
) {
    pending.sort_by_key(|r| r.feature);
    for r in &pending {
        rejects.push(
            &stats.file,
            r.feature,
            &r.column,
            ValueKind::Code(ZONE_CODE_CHARS),
            &r.value,
            r.reason.as_str(),
        );
    }
    stats.accepted = accepted;
    stats.rejected = pending.len() as u64;
    debug_assert!(stats.reconciles());
}

/// Fails when the layer gave fewer features than its file announces (a truncated or damaged
/// file), or none at all.
fn check_complete(
    stats: &InputStats,
    announced: u64,
    kind: ZoneKind,
    path: &Path,
) -> Result<(), IngestError> {
    let data_err = |message: String| IngestError::Data {
        path: path.to_path_buf(),
        message,
    };
    if stats.read < announced {
        return Err(data_err(format!(
            "couche {} : {} entités lues sur {announced} annoncées par le fichier \
             (fichier tronqué ou endommagé ?)",
            kind.label(),
            stats.read
        )));
    }
    if stats.read == 0 {
        return Err(data_err(format!(
            "couche {} vide : aucune entité",
            kind.label()
        )));
    }
    Ok(())
}

/// A GDAL error about the source at `path`, in French.
fn gdal_error(path: &Path, message: String) -> IngestError {
    IngestError::Gdal {
        path: path.to_path_buf(),
        message,
    }
}
