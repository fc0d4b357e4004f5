//! The coordinate system of a zone layer: the source CRS (declared, or `assume_epsg`) and the
//! transformation to Lambert-93, x = east and y = north on both sides.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Layer, LayerAccess};
use gdal::Dataset;

use super::gdal_error;
use crate::config::ZoneInput;
use crate::ingest::IngestError;
use crate::model::EPSG_LAMBERT93;

/// The transformation of the layer's coordinates to Lambert-93 (`None` when the layer already
/// is in Lambert-93), and the `format` of its statistics: driver and source CRS.
pub(super) fn reprojection(
    ds: &Dataset,
    layer: &Layer<'_>,
    input: &ZoneInput,
    path: &Path,
) -> Result<(Option<CoordTransform>, String), IngestError> {
    let mut source_srs = source_srs(layer, input, path)?;
    source_srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target_srs =
        SpatialRef::from_epsg(EPSG_LAMBERT93).map_err(|source| IngestError::GdalCall {
            path: path.to_path_buf(),
            step: format!("système de coordonnées EPSG:{EPSG_LAMBERT93}"),
            source,
        })?;
    target_srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let crs = crs_label(&source_srs);
    let driver = ds.driver().short_name();
    let transform = if source_srs == target_srs {
        None
    } else {
        Some(CoordTransform::new(&source_srs, &target_srs).map_err(|e| {
            gdal_error(
                path,
                format!("reprojection de {crs} en EPSG:{EPSG_LAMBERT93} impossible : {e}"),
            )
        })?)
    };
    let format = match transform {
        Some(_) => format!("{driver}, {crs} reprojeté en EPSG:{EPSG_LAMBERT93}"),
        None => format!("{driver}, {crs}"),
    };
    Ok((transform, format))
}

/// The CRS the layer declares, else the configured `assume_epsg`; a layer with neither is a
/// configuration error.
fn source_srs(
    layer: &Layer<'_>,
    input: &ZoneInput,
    path: &Path,
) -> Result<SpatialRef, IngestError> {
    match layer.spatial_ref() {
        Some(srs) => Ok(srs),
        None => match input.assume_epsg {
            Some(epsg) => SpatialRef::from_epsg(epsg).map_err(|e| IngestError::Config {
                path: path.to_path_buf(),
                message: format!("assume_epsg = {epsg} : code EPSG inconnu ({e})"),
            }),
            None => Err(IngestError::Config {
                path: path.to_path_buf(),
                message: "la couche ne déclare aucun système de coordonnées ; indiquez-le \
                          avec la clé assume_epsg de cette couche (par exemple 2154)"
                    .into(),
            }),
        },
    }
}

/// `EPSG:4326`, or the CRS name when it has no authority code.
fn crs_label(srs: &SpatialRef) -> String {
    match (srs.auth_name(), srs.auth_code()) {
        (Some(name), Ok(code)) => format!("{name}:{code}"),
        _ => srs.name().unwrap_or_else(|| "SCR sans nom".into()),
    }
}
