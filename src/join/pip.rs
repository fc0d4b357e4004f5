//! Exact point-in-polygon for large polygons: the edges of a multipolygon are bucketed into
//! horizontal strips, so a query only looks at the edges whose y-range can contain the point.
//!
//! The answer is the same as geo's [`geo::CoordinatePosition`] on a valid multipolygon (checked
//! by tests): `OnBoundary` when the point lies on an edge (exact orientation predicate),
//! otherwise `Inside`/`Outside` by the even–odd crossing rule over all rings, which does not
//! depend on ring orientation.

use geo::coordinate_position::CoordPos;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, MultiPolygon};

/// Target number of edges per strip.
const EDGES_PER_STRIP: usize = 8;
/// Upper bound on the number of strips of one polygon.
const MAX_STRIPS: usize = 4096;

/// A multipolygon prepared for repeated point queries.
#[derive(Debug, Clone)]
pub struct StripIndex {
    /// The ring vertices, rings one after the other (each ring closed).
    coords: Vec<Coord<f64>>,
    y0: f64,
    y1: f64,
    /// Strips per unit of y.
    scale: f64,
    strips: usize,
    /// CSR layout: the edges of strip `s` are `items[offsets[s]..offsets[s + 1]]`; edge `k` runs
    /// from `coords[k]` to `coords[k + 1]`.
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl StripIndex {
    pub fn new(mp: &MultiPolygon<f64>) -> Self {
        let mut coords = Vec::new();
        let mut edges: Vec<u32> = Vec::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let first = coords.len();
                coords.extend_from_slice(&ring.0);
                for k in first..coords.len().saturating_sub(1) {
                    if coords[k] != coords[k + 1] {
                        edges.push(k as u32);
                    }
                }
            }
        }
        let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
        for &k in &edges {
            let (a, b) = (coords[k as usize], coords[k as usize + 1]);
            y0 = y0.min(a.y).min(b.y);
            y1 = y1.max(a.y).max(b.y);
        }
        let strips = if edges.is_empty() || y1 <= y0 {
            1
        } else {
            (edges.len() / EDGES_PER_STRIP).clamp(1, MAX_STRIPS)
        };
        let scale = if y1 > y0 {
            strips as f64 / (y1 - y0)
        } else {
            0.0
        };
        let mut index = StripIndex {
            coords,
            y0,
            y1,
            scale,
            strips,
            offsets: Vec::new(),
            items: Vec::new(),
        };
        // Two passes: count, then fill.
        let mut counts = vec![0u32; strips];
        for &k in &edges {
            let (lo, hi) = index.edge_strips(k);
            for c in &mut counts[lo..=hi] {
                *c += 1;
            }
        }
        let mut offsets = Vec::with_capacity(strips + 1);
        let mut acc = 0u32;
        for c in &counts {
            offsets.push(acc);
            acc += c;
        }
        offsets.push(acc);
        let mut fill = offsets.clone();
        let mut items = vec![0u32; acc as usize];
        for &k in &edges {
            let (lo, hi) = index.edge_strips(k);
            for f in &mut fill[lo..=hi] {
                items[*f as usize] = k;
                *f += 1;
            }
        }
        index.offsets = offsets;
        index.items = items;
        index
    }

    fn edge(&self, k: u32) -> (Coord<f64>, Coord<f64>) {
        (self.coords[k as usize], self.coords[k as usize + 1])
    }

    /// First and last strip an edge's y-range touches.
    fn edge_strips(&self, k: u32) -> (usize, usize) {
        let (a, b) = self.edge(k);
        (self.strip_of(a.y.min(b.y)), self.strip_of(a.y.max(b.y)))
    }

    /// Strip of `y` (clamped). Monotone in `y`, so an edge spanning `[ya, yb]` is in every
    /// strip a point with `ya <= y <= yb` can fall in.
    fn strip_of(&self, y: f64) -> usize {
        let s = ((y - self.y0) * self.scale).floor();
        if s.is_nan() || s < 0.0 {
            0
        } else {
            (s as usize).min(self.strips - 1)
        }
    }

    /// Position of `p` relative to the multipolygon.
    pub fn position(&self, p: Coord<f64>) -> CoordPos {
        if self.items.is_empty() || !(p.y >= self.y0 && p.y <= self.y1) {
            return CoordPos::Outside;
        }
        let s = self.strip_of(p.y);
        let range = self.offsets[s] as usize..self.offsets[s + 1] as usize;
        let mut inside = false;
        for &e in &self.items[range] {
            let (a, b) = self.edge(e);
            let (ylo, yhi) = if a.y <= b.y { (a.y, b.y) } else { (b.y, a.y) };
            if p.y < ylo || p.y > yhi {
                continue;
            }
            if p.x > a.x.max(b.x) {
                // Entirely to the left: neither on it nor crossed by the rightward ray.
                continue;
            }
            let o = RobustKernel::orient2d(a, b, p);
            if o == Orientation::Collinear {
                if p.x >= a.x.min(b.x) {
                    return CoordPos::OnBoundary;
                }
                continue;
            }
            // Half-open rule: the edge counts when exactly one end is strictly above p.
            if (a.y > p.y) != (b.y > p.y) {
                // The ray x ≥ p.x crosses the edge iff p is left of the upward-directed edge.
                let upward = b.y > a.y;
                if (upward && o == Orientation::CounterClockwise)
                    || (!upward && o == Orientation::Clockwise)
                {
                    inside = !inside;
                }
            }
        }
        if inside {
            CoordPos::Inside
        } else {
            CoordPos::Outside
        }
    }

    /// Heap memory used, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.coords.capacity() * std::mem::size_of::<Coord<f64>>()
            + (self.offsets.capacity() + self.items.capacity()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{wkt, CoordinatePosition, Validation};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn same_as_geo(mp: &MultiPolygon<f64>, pts: &[Coord<f64>]) {
        let idx = StripIndex::new(mp);
        for p in pts {
            assert_eq!(
                idx.position(*p),
                mp.coordinate_position(p),
                "point {p:?} against {mp:?}"
            );
        }
    }

    #[test]
    fn square_with_hole_matches_geo_on_vertices_edges_and_grid() {
        let mp = MultiPolygon::new(vec![wkt!(POLYGON(
            (0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),
            (2. 2., 2. 8., 8. 8., 8. 2., 2. 2.)
        ))]);
        let mut pts = Vec::new();
        for i in -2..=24 {
            for j in -2..=24 {
                pts.push(Coord {
                    x: i as f64 * 0.5,
                    y: j as f64 * 0.5,
                });
            }
        }
        same_as_geo(&mp, &pts);
        let idx = StripIndex::new(&mp);
        assert_eq!(idx.position(Coord { x: 5.0, y: 5.0 }), CoordPos::Outside);
        assert_eq!(idx.position(Coord { x: 1.0, y: 5.0 }), CoordPos::Inside);
        assert_eq!(idx.position(Coord { x: 2.0, y: 5.0 }), CoordPos::OnBoundary);
        assert_eq!(
            idx.position(Coord { x: 10.0, y: 10.0 }),
            CoordPos::OnBoundary
        );
    }

    #[test]
    fn random_star_polygons_match_geo() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut tested = 0;
        for _ in 0..30 {
            // A star-shaped polygon around the origin, many vertices (several strips).
            let n = rng.gen_range(3..400);
            let mut angles: Vec<f64> = (0..n)
                .map(|_| rng.gen_range(0.0..std::f64::consts::TAU))
                .collect();
            angles.sort_by(f64::total_cmp);
            angles.dedup();
            if angles.len() < 3 {
                continue;
            }
            let ring: Vec<(f64, f64)> = angles
                .iter()
                .map(|a| {
                    let r = rng.gen_range(30.0..100.0);
                    (
                        (a.cos() * r * 8.0).round() / 8.0,
                        (a.sin() * r * 8.0).round() / 8.0,
                    )
                })
                .collect();
            let mp = MultiPolygon::new(vec![geo::Polygon::new(ring.clone().into(), vec![])]);
            if !mp.is_valid() {
                continue;
            }
            // Points on a 1/8 grid hit vertices and edges exactly, plus random ones.
            let mut pts: Vec<Coord<f64>> = ring.iter().map(|&(x, y)| Coord { x, y }).collect();
            for _ in 0..500 {
                pts.push(Coord {
                    x: rng.gen_range(-808..=808) as f64 / 8.0,
                    y: rng.gen_range(-808..=808) as f64 / 8.0,
                });
                pts.push(Coord {
                    x: rng.gen_range(-101.0..101.0),
                    y: rng.gen_range(-101.0..101.0),
                });
            }
            same_as_geo(&mp, &pts);
            tested += 1;
        }
        assert!(tested >= 20, "only {tested} valid random polygons");
    }

    #[test]
    fn empty_geometry_is_outside_everything() {
        let idx = StripIndex::new(&MultiPolygon::new(vec![]));
        assert_eq!(idx.position(Coord { x: 0.0, y: 0.0 }), CoordPos::Outside);
    }
}
