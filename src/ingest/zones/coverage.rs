//! Checks that a zone layer lies where it should: in the domain of Lambert-93, and over the
//! communes (a layer whose coordinates do not match its declared CRS lies far from both).

use super::ZoneLayer;
use crate::ingest::IngestError;

/// Fails when no zone of `layer` overlaps the extent of the communes: a layer whose
/// coordinates are not in the coordinate system its source declares (a GeoJSON `crs` member or
/// a `.prj` that does not match the coordinates, a wrong `assume_epsg`) lies far from the
/// territory, and every dwelling would be published « sans IRIS » or « hors QPV » without a
/// word. A layer covering more than the territory (national IRIS) is fine.
pub fn check_overlaps_communes(layer: &ZoneLayer, communes: &ZoneLayer) -> Result<(), IngestError> {
    match extent(communes) {
        Some(e) => check_overlaps(layer, e, "de la couche des communes"),
        None => Ok(()),
    }
}

/// Fails when no zone of `layer` lies in the domain of Lambert-93 (metropolitan France), where
/// every layer is once reprojected: longitude/latitude declared as Lambert-93 (a few units from
/// the origin) is caught here, on the layer at fault, before other layers are compared with it.
pub fn check_in_lambert93(layer: &ZoneLayer) -> Result<(), IngestError> {
    use crate::model::{L93_X, L93_Y};
    let domain = geo::Rect::new(
        geo::coord! { x: L93_X.0, y: L93_Y.0 },
        geo::coord! { x: L93_X.1, y: L93_Y.1 },
    );
    check_overlaps(
        layer,
        domain,
        "du domaine du Lambert-93 (France métropolitaine)",
    )
}

/// Union of the bounding boxes of the zones of a layer.
fn extent(layer: &ZoneLayer) -> Option<geo::Rect<f64>> {
    use geo::BoundingRect;
    layer
        .zones
        .iter()
        .filter_map(|z| z.geometry.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
}

/// Fails when no zone of `layer` overlaps `area` (described by `what` in the message); an
/// empty layer passes.
fn check_overlaps(layer: &ZoneLayer, area: geo::Rect<f64>, what: &str) -> Result<(), IngestError> {
    use geo::BoundingRect;
    let overlaps = |r: geo::Rect<f64>| {
        r.min().x <= area.max().x
            && r.max().x >= area.min().x
            && r.min().y <= area.max().y
            && r.max().y >= area.min().y
    };
    if layer.zones.is_empty()
        || layer
            .zones
            .iter()
            .filter_map(|z| z.geometry.bounding_rect())
            .any(overlaps)
    {
        return Ok(());
    }
    Err(IngestError::Data {
        path: layer.source.clone(),
        message: format!(
            "aucune des {} entités de la couche ne recouvre l'emprise {what} : vérifiez le \
             système de coordonnées (membre « crs » d'un GeoJSON, fichier .prj d'un shapefile, \
             clé assume_epsg) ; système lu : {}",
            layer.zones.len(),
            layer.stats.format
        ),
    })
}
