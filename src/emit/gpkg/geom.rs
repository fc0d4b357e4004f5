//! Row geometries as the layer's declared type (shared by the GeoPackage and FlatGeobuf writers).

use std::borrow::Cow;

use geo::{CoordsIter, Geometry, MultiPolygon};

use crate::emit::GeometryKind;

/// Geometry-type names in French, for error messages.
fn type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "point",
        Geometry::Line(_) => "segment",
        Geometry::LineString(_) => "ligne",
        Geometry::Polygon(_) => "polygone",
        Geometry::MultiPoint(_) => "multipoint",
        Geometry::MultiLineString(_) => "multiligne",
        Geometry::MultiPolygon(_) => "multipolygone",
        Geometry::GeometryCollection(_) => "collection de géométries",
        Geometry::Rect(_) => "rectangle",
        Geometry::Triangle(_) => "triangle",
    }
}

/// French name of a layer geometry kind.
pub(crate) fn kind_name(kind: GeometryKind) -> &'static str {
    match kind {
        GeometryKind::MultiPolygon => "multipolygone",
        GeometryKind::Point => "point",
        GeometryKind::None => "sans géométrie",
    }
}

/// Returns the row geometry converted to the layer's type: single polygons (and rectangles,
/// triangles) become one-part multipolygons, a one-point multipoint becomes a point. Fails, with
/// a French message, on a geometry of another type, a geometry in a layer without geometry, or a
/// non-finite coordinate. `None` stays `None` (NULL geometry).
pub(crate) fn conform(
    kind: GeometryKind,
    geometry: Option<&Geometry<f64>>,
) -> Result<Option<Cow<'_, Geometry<f64>>>, String> {
    let Some(g) = geometry else {
        return Ok(None);
    };
    if g.coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err("coordonnée non finie (NaN ou infinie)".to_string());
    }
    let out = match (kind, g) {
        (GeometryKind::MultiPolygon, Geometry::MultiPolygon(_)) => Cow::Borrowed(g),
        (GeometryKind::MultiPolygon, Geometry::Polygon(p)) => {
            Cow::Owned(Geometry::MultiPolygon(MultiPolygon(vec![p.clone()])))
        }
        (GeometryKind::MultiPolygon, Geometry::Rect(r)) => {
            Cow::Owned(Geometry::MultiPolygon(MultiPolygon(vec![r.to_polygon()])))
        }
        (GeometryKind::MultiPolygon, Geometry::Triangle(t)) => {
            Cow::Owned(Geometry::MultiPolygon(MultiPolygon(vec![t.to_polygon()])))
        }
        (GeometryKind::Point, Geometry::Point(_)) => Cow::Borrowed(g),
        (GeometryKind::Point, Geometry::MultiPoint(mp)) if mp.0.len() == 1 => {
            Cow::Owned(Geometry::Point(mp.0[0]))
        }
        _ => {
            return Err(format!(
                "géométrie de type {} dans une couche de type {}",
                type_name(g),
                kind_name(kind)
            ))
        }
    };
    Ok(Some(out))
}

/// Whether a geometry has no coordinates (an empty multipolygon).
pub(crate) fn is_empty(g: &Geometry<f64>) -> bool {
    g.coords_iter().next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, MultiPoint};

    fn square() -> geo::Polygon<f64> {
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)]
    }

    #[test]
    fn polygon_is_promoted_to_multipolygon() {
        let g = Geometry::Polygon(square());
        let out = conform(GeometryKind::MultiPolygon, Some(&g))
            .unwrap()
            .unwrap();
        match out.as_ref() {
            Geometry::MultiPolygon(mp) => assert_eq!(mp.0, vec![square()]),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn single_multipoint_becomes_point_and_null_stays_null() {
        let g = Geometry::MultiPoint(MultiPoint(vec![point!(x: 1.0, y: 2.0)]));
        let out = conform(GeometryKind::Point, Some(&g)).unwrap().unwrap();
        assert_eq!(out.as_ref(), &Geometry::Point(point!(x: 1.0, y: 2.0)));
        assert!(conform(GeometryKind::Point, None).unwrap().is_none());
    }

    #[test]
    fn wrong_types_and_bad_coordinates_are_refused() {
        let p = Geometry::Point(point!(x: 1.0, y: 2.0));
        let e = conform(GeometryKind::MultiPolygon, Some(&p)).unwrap_err();
        assert!(e.contains("point") && e.contains("multipolygone"), "{e}");
        assert!(conform(GeometryKind::None, Some(&p)).is_err());
        let nan = Geometry::Point(point!(x: f64::NAN, y: 2.0));
        assert!(conform(GeometryKind::Point, Some(&nan))
            .unwrap_err()
            .contains("non finie"));
        assert!(is_empty(&Geometry::MultiPolygon(MultiPolygon(vec![]))));
        assert!(!is_empty(&p));
    }
}
