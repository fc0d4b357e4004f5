//! The corrections held by the review layer of a GeoPackage (the `opsgeo.gpkg` of a previous
//! run, whose points a technician moved in QGIS).

use std::path::Path;

use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::{check_l93, Correction, Corrections, MOVED_M};
use crate::gdal_errors::{describe, reset_error};
use crate::geocode::review::REVIEW_LAYER;
use crate::geocode::GeocodeError;
use crate::model::Coord;

/// The corrections held by the review layer of a GeoPackage: every point moved more than
/// [`MOVED_M`] away from its proposal (or placed where the geocoder found nothing), by address
/// key, with its comment.
pub(crate) fn read_moved_points(path: &Path) -> Result<Corrections, GeocodeError> {
    let fail = |message: String| GeocodeError::Corrections {
        path: path.to_path_buf(),
        message,
    };
    reset_error();
    let ds = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_READONLY | GdalOpenFlags::GDAL_OF_VECTOR,
            allowed_drivers: Some(&["GPKG"]),
            ..Default::default()
        },
    )
    .map_err(|e| fail(describe(&e)))?;
    let mut layer = ds
        .layer_by_name(REVIEW_LAYER)
        .map_err(|_| fail(format!("pas de couche « {REVIEW_LAYER} »")))?;
    let defn = layer.defn();
    let idx = |name: &str| {
        defn.field_index(name)
            .map_err(|_| fail(format!("couche « {REVIEW_LAYER} » sans champ « {name} »")))
    };
    let (key_i, xp_i, yp_i) = (idx("cle_adresse")?, idx("x_propose")?, idx("y_propose")?);
    let comment_i = defn.field_index("commentaire").ok();
    let mut out = Corrections::default();
    for (n, f) in layer.features().enumerate() {
        let row = |column: &str, message: String| GeocodeError::Row {
            path: path.to_path_buf(),
            line: n as u64 + 1,
            column: column.to_string(),
            message,
        };
        let Some(geom) = f.geometry() else { continue };
        if geom.is_empty() {
            continue;
        }
        let (x, y, _) = geom.get_point(0);
        let proposal = match (f.field_as_double(xp_i), f.field_as_double(yp_i)) {
            (Ok(Some(px)), Ok(Some(py))) => Some(Coord { x: px, y: py }),
            _ => None,
        };
        let moved = proposal.is_none_or(|p| (p.x - x).hypot(p.y - y) > MOVED_M);
        if !moved {
            continue;
        }
        let key = f
            .field_as_string(key_i)
            .ok()
            .flatten()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| row("cle_adresse", "clé d'adresse vide".into()))?;
        let point = check_l93(x, y).map_err(|(_, m)| row("geom", m))?;
        let comment = comment_i
            .and_then(|i| f.field_as_string(i).ok().flatten())
            .unwrap_or_default();
        let correction = Correction {
            point,
            comment,
            line: f.fid().unwrap_or_default(),
        };
        if !out.insert_key(key.clone(), correction) {
            return Err(row(
                "cle_adresse",
                "clé d'adresse en double (adresse non affichée)".to_string(),
            ));
        }
    }
    Ok(out)
}
