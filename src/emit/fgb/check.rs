//! Re-reads a written FlatGeobuf file through GDAL before publication: it opens, declares
//! EPSG:2154 (geometry layers), has the expected columns and feature count, and every feature
//! (properties and geometry) decodes.

use std::path::Path;

use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use crate::emit::EmitError;

/// What a FlatGeobuf file must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FgbExpectation {
    /// Features written (rows minus those left out for lack of geometry).
    pub features: u64,
    /// Columns.
    pub columns: usize,
    /// Whether the layer has geometries (and thus a CRS).
    pub geometry: bool,
}

/// Checks the file at `path` against `expected`.
pub fn check_fgb(path: &Path, expected: &FgbExpectation) -> Result<(), EmitError> {
    let fail = |problems: Vec<String>| EmitError::Invalid {
        path: path.to_path_buf(),
        problems,
    };
    let ds = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&["FlatGeobuf"]),
            ..Default::default()
        },
    )
    .map_err(|e| fail(vec![format!("ouverture impossible : {e}")]))?;
    let mut layer = ds
        .layer(0)
        .map_err(|e| fail(vec![format!("aucune couche lisible : {e}")]))?;
    let mut problems = Vec::new();
    let columns = layer.defn().fields().count();
    if columns != expected.columns {
        problems.push(format!(
            "{columns} colonnes au lieu de {}",
            expected.columns
        ));
    }
    if expected.geometry {
        let epsg = layer.spatial_ref().and_then(|s| s.auth_code().ok());
        if epsg != Some(2154) {
            problems.push(format!(
                "système de coordonnées {epsg:?} au lieu d'EPSG:2154"
            ));
        }
    }
    let declared = layer.feature_count();
    crate::emit::gpkg::ogr::reset_error();
    let mut read = 0u64;
    let mut without_geometry = 0u64;
    for f in layer.features() {
        for i in 0..columns {
            let _ = f.field(i);
        }
        if f.geometry().is_none() {
            without_geometry += 1;
        }
        read += 1;
    }
    if let Some(e) = crate::emit::gpkg::ogr::failure() {
        problems.push(format!("lecture : {e}"));
    }
    if declared != expected.features || read != expected.features {
        problems.push(format!(
            "{read} entités lues ({declared} annoncées) au lieu de {}",
            expected.features
        ));
    }
    if expected.geometry && without_geometry > 0 {
        problems.push(format!("{without_geometry} entités sans géométrie"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(fail(problems))
    }
}
