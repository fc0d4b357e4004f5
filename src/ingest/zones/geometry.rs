//! One feature geometry made ready for validation: curves linearised, Z/M dropped, reprojected
//! to Lambert-93 and converted to a multipolygon.

use gdal::spatial_ref::CoordTransform;
use gdal::vector::Geometry;
use geo::MultiPolygon;

use crate::ingest::validity;
use crate::model::EPSG_LAMBERT93;

/// Turns one feature geometry into a Lambert-93 multipolygon (not yet validated), or gives the
/// reason (in French) why it cannot be used.
pub(super) fn prepare_geometry(
    g: &Geometry,
    transform: Option<&CoordTransform>,
) -> Result<MultiPolygon<f64>, String> {
    if g.is_empty() {
        return Err("géométrie vide".into());
    }
    let mut g = linearize(g)?;
    g.flatten_to_2d();
    if let Some(t) = transform {
        g.transform_inplace(t)
            .map_err(|e| format!("reprojection en EPSG:{EPSG_LAMBERT93} impossible : {e}"))?;
    }
    let mp =
        validity::polygons_from_gdal(&g).map_err(|t| format!("géométrie non polygonale ({t})"))?;
    if mp.0.is_empty() {
        return Err("géométrie vide".into());
    }
    Ok(mp)
}

/// A copy of `g` where curves (arcs of circle, CurvePolygon, MultiSurface…) are replaced by
/// straight segments (GDAL's default step of 4°).
fn linearize(g: &Geometry) -> Result<Geometry, String> {
    // SAFETY: `g` holds a valid OGR geometry handle for the duration of the call; the linear copy
    // returned by GDAL is owned here, cloned into an owned `Geometry`, then destroyed once.
    unsafe {
        let h = g.c_geometry();
        if gdal_sys::OGR_G_HasCurveGeometry(h, 0) == 0 {
            return Ok(g.clone());
        }
        let lin = gdal_sys::OGR_G_GetLinearGeometry(h, 0.0, std::ptr::null_mut());
        if lin.is_null() {
            return Err("géométrie courbe impossible à linéariser".into());
        }
        let borrowed = Geometry::lazy_feature_geometry();
        borrowed.set_c_geometry(lin);
        let owned = borrowed.clone();
        drop(borrowed);
        gdal_sys::OGR_G_DestroyGeometry(lin);
        Ok(owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curved_polygon_is_linearised() {
        let g = Geometry::from_wkt("CURVEPOLYGON (CIRCULARSTRING (0 0, 10 0, 0 0))").unwrap();
        let mp = prepare_geometry(&g, None).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert!(mp.0[0].exterior().0.len() > 20);
        use geo::Area;
        // A circle of diameter 10: area 25π, within the linearisation error.
        assert!((mp.unsigned_area() - 25.0 * std::f64::consts::PI).abs() < 0.5);
    }

    #[test]
    fn non_polygonal_and_empty_geometries_are_refused() {
        let line = Geometry::from_wkt("LINESTRING (0 0, 1 1)").unwrap();
        assert_eq!(
            prepare_geometry(&line, None).unwrap_err(),
            "géométrie non polygonale (Line String)"
        );
        let empty = Geometry::from_wkt("MULTIPOLYGON EMPTY").unwrap();
        assert_eq!(
            prepare_geometry(&empty, None).unwrap_err(),
            "géométrie vide"
        );
        let z = Geometry::from_wkt("POLYGON Z ((0 0 5, 1 0 5, 1 1 5, 0 0 5))").unwrap();
        assert_eq!(prepare_geometry(&z, None).unwrap().0.len(), 1);
    }
}
