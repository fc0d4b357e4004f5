//! Opening a zone source through GDAL and choosing its layer.

use std::path::Path;

use gdal::vector::{Layer, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::gdal_error;
use crate::config::ZoneInput;
use crate::ingest::IngestError;

/// Opens `path` read-only as a vector source; a source no GDAL driver recognises (or a folder
/// without one) is said so in French.
/// `open_options` are the driver's (e.g. a shapefile's `ENCODING`).
pub(super) fn open_dataset(path: &Path, open_options: &[&str]) -> Result<Dataset, IngestError> {
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        open_options: (!open_options.is_empty()).then_some(open_options),
        ..Default::default()
    };
    // GDAL says « returned a NULL pointer » when no driver recognises the source
    Dataset::open_ex(path, options).map_err(|e| {
        gdal_error(
            path,
            if path.is_dir() {
                format!(
                    "aucune couche lisible dans ce dossier (dossier vide, ou sans shapefile ni \
                     autre source reconnue par GDAL ; détail GDAL : {e})"
                )
            } else {
                format!(
                    "format non reconnu par GDAL (shapefile, GeoPackage, GeoJSON… attendu ; \
                     détail GDAL : {e})"
                )
            },
        )
    })
}

/// The layer named by `input.layer`, or the first layer when no name is configured.
pub(super) fn select_layer<'d>(
    ds: &'d Dataset,
    input: &ZoneInput,
    path: &Path,
) -> Result<Layer<'d>, IngestError> {
    if input.layer.is_empty() {
        if ds.layer_count() == 0 {
            return Err(gdal_error(path, "aucune couche vectorielle".into()));
        }
        ds.layer(0).map_err(|source| IngestError::GdalCall {
            path: path.to_path_buf(),
            step: "première couche".into(),
            source,
        })
    } else {
        ds.layer_by_name(&input.layer).map_err(|_| {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            IngestError::Config {
                path: path.to_path_buf(),
                message: format!(
                    "couche « {} » introuvable (couches présentes : {})",
                    input.layer,
                    names.join(", ")
                ),
            }
        })
    }
}
