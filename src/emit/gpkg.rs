//! GeoPackage writer (GDAL).

use std::path::Path;

use super::tidy::TidyRow;
use super::{EmitError, Layer, RunMetadata};

/// Writes all layers and the `indicateurs` table into a new GeoPackage at `path`.
pub fn write_gpkg(
    path: &Path,
    layers: &[Layer],
    tidy: &[TidyRow],
    meta: &RunMetadata,
) -> Result<(), EmitError> {
    let _ = (path, layers, tidy, meta);
    unimplemented!("emit::gpkg::write_gpkg")
}
