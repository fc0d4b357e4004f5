//! Geometries built by hand.

use geo::{polygon, MultiPolygon, Polygon};

/// The square of side `size` whose lower left corner is (`x`, `y`), counter-clockwise.
pub fn square(x: f64, y: f64, size: f64) -> Polygon<f64> {
    polygon![
        (x: x, y: y),
        (x: x + size, y: y),
        (x: x + size, y: y + size),
        (x: x, y: y + size),
        (x: x, y: y),
    ]
}

/// [`square`] as a multipolygon (the geometry of a zone).
pub fn square_zone(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![square(x, y, size)])
}
