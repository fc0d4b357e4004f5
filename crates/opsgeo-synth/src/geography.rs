//! The fixed geography of the fictional métropole, in Lambert-93 around (855000, 6693000).
//!
//! Every commune and IRIS polygon is cut from one shared polar vertex grid: `N_ANG` angles (one
//! per degree) × five radial levels, each level a closed curve given by a deterministic radius
//! function. A polygon takes *every* grid vertex along its arcs and every intermediate level on
//! its radial edges, so neighbours share identical vertices and IRIS tile their commune exactly.
//!
//! * levels 0–2: the central city (core disk, middle ring, outer ring) — 25 IRIS;
//! * levels 2–4: eleven ring communes, angular sectors; level 3 is a mid-radius curve used by the
//!   IRIS of the two mid-size communes and present on every radial edge of the ring.
//!
//! QPV and QVA are irregular "blobs" placed inside communes, independent of the grid.

use geo::{Coord, LineString, Polygon};
use rand::Rng;

use super::names;

pub const CENTRE_X: f64 = 855_000.0;
pub const CENTRE_Y: f64 = 6_693_000.0;
/// Angular resolution of the grid (one vertex per degree).
pub const N_ANG: usize = 360;
const LEVELS: usize = 5;
const CITY: usize = 2;
const RING_MID: usize = 3;
const OUTER: usize = 4;

/// Ring communes `00002`…`00012`: (first angle, last angle) in degrees, counter-clockwise from
/// east.
const RING_SECTORS: [(usize, usize); 11] = [
    (10, 50),
    (50, 78),
    (78, 114),
    (114, 136),
    (136, 174),
    (174, 204),
    (204, 230),
    (230, 272),
    (272, 306),
    (306, 338),
    (338, 370),
];

/// Share of the programmes located in each commune.
const COMMUNE_WEIGHTS: [f64; 12] = [
    0.52, 0.11, 0.03, 0.04, 0.05, 0.04, 0.03, 0.02, 0.09, 0.03, 0.02, 0.02,
];

/// Where a blob's centre lies radially.
#[derive(Clone, Copy)]
enum Radial {
    /// Distance from the centre of the métropole, metres.
    Abs(f64),
    /// Fraction of the way from the city boundary to the outer boundary (ring communes).
    Frac(f64),
}

struct BlobDef {
    commune: usize,
    theta_deg: f64,
    radial: Radial,
    radius: f64,
    phase: f64,
    bowtie: bool,
}

const QPV_DEFS: [BlobDef; 5] = [
    blob(0, 200.0, Radial::Abs(2900.0), 420.0, 0.3, false),
    // Straddles the middle-ring IRIS boundary at 95°.
    blob(0, 95.0, Radial::Abs(1650.0), 360.0, 1.7, false),
    blob(0, 50.0, Radial::Abs(3020.0), 380.0, 2.9, false),
    blob(1, 21.0, Radial::Frac(0.2), 360.0, 4.1, false),
    // The deliberately invalid one: a tiny bow-tie at a corner.
    blob(4, 125.0, Radial::Frac(0.35), 360.0, 5.3, true),
];

const QVA_DEFS: [BlobDef; 2] = [
    blob(0, 30.0, Radial::Abs(1750.0), 300.0, 0.9, false),
    blob(8, 252.0, Radial::Frac(0.3), 340.0, 2.2, false),
];

const fn blob(
    commune: usize,
    theta_deg: f64,
    radial: Radial,
    radius: f64,
    phase: f64,
    bowtie: bool,
) -> BlobDef {
    BlobDef {
        commune,
        theta_deg,
        radial,
        radius,
        phase,
        bowtie,
    }
}

/// A commune polygon and what the generator needs to place addresses in it.
pub struct CommuneGeo {
    pub code: &'static str,
    pub name: &'static str,
    pub postcode: &'static str,
    pub polygon: Polygon<f64>,
    /// Angular range in degrees (ring communes); `None` for the central city.
    pub sector: Option<(usize, usize)>,
    /// Share of programmes.
    pub weight: f64,
    /// Indices of its IRIS in [`Geography::iris`].
    pub iris: Vec<usize>,
}

pub struct IrisGeo {
    pub code: String,
    pub name: String,
    /// H, A, D or Z.
    pub typ: char,
    pub commune: usize,
    pub polygon: Polygon<f64>,
}

/// A QPV or QVA polygon.
pub struct BlobGeo {
    pub code: String,
    pub name: String,
    pub commune: usize,
    pub polygon: Polygon<f64>,
    /// Deliberately invalid (bow-tie).
    pub invalid: bool,
}

pub struct Geography {
    pub communes: Vec<CommuneGeo>,
    pub iris: Vec<IrisGeo>,
    pub qpv: Vec<BlobGeo>,
    pub qva: Vec<BlobGeo>,
    grid: Vec<Vec<Coord<f64>>>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn level_radius(level: usize, t: f64) -> f64 {
    match level {
        0 => 1100.0 * (1.0 + 0.05 * (3.0 * t + 0.4).sin()),
        1 => 2300.0 * (1.0 + 0.06 * (2.0 * t + 1.1).sin() + 0.03 * (5.0 * t + 0.3).sin()),
        2 => {
            3600.0
                * (1.0
                    + 0.08 * (2.0 * t + 0.7).sin()
                    + 0.04 * (5.0 * t + 2.0).sin()
                    + 0.02 * (11.0 * t).sin())
        }
        3 => {
            let a = level_radius(2, t);
            a + 0.42 * (level_radius(4, t) - a)
        }
        _ => {
            9000.0
                * (1.0
                    + 0.10 * (3.0 * t + 1.3).sin()
                    + 0.05 * (7.0 * t + 0.2).sin()
                    + 0.02 * (13.0 * t + 0.9).sin())
        }
    }
}

fn deg(d: f64) -> f64 {
    d.to_radians()
}

fn polar(theta_deg: f64, r: f64) -> Coord<f64> {
    let t = deg(theta_deg);
    Coord {
        x: CENTRE_X + r * t.cos(),
        y: CENTRE_Y + r * t.sin(),
    }
}

/// Twice the signed area of a closed ring (positive when counter-clockwise).
pub fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

fn ccw_polygon(mut ring: Vec<Coord<f64>>) -> Polygon<f64> {
    if ring.first() != ring.last() {
        ring.push(ring[0]);
    }
    if signed_area2(&ring) < 0.0 {
        ring.reverse();
    }
    Polygon::new(LineString::new(ring), vec![])
}

impl Geography {
    /// Builds the (seed-independent) geography.
    pub fn build() -> Geography {
        let grid: Vec<Vec<Coord<f64>>> = (0..LEVELS)
            .map(|l| {
                (0..N_ANG)
                    .map(|i| {
                        let p = polar(i as f64, level_radius(l, deg(i as f64)));
                        Coord {
                            x: round2(p.x),
                            y: round2(p.y),
                        }
                    })
                    .collect()
            })
            .collect();
        let mut g = Geography {
            communes: Vec::new(),
            iris: Vec::new(),
            qpv: Vec::new(),
            qva: Vec::new(),
            grid,
        };
        for (k, n) in names::COMMUNES.iter().enumerate() {
            let (polygon, sector) = if k == 0 {
                (g.full(CITY), None)
            } else {
                let (a, b) = RING_SECTORS[k - 1];
                (g.sector(a, b, Some(CITY), OUTER), Some((a, b)))
            };
            g.communes.push(CommuneGeo {
                code: n.code,
                name: n.name,
                postcode: n.postcode,
                polygon,
                sector,
                weight: COMMUNE_WEIGHTS[k],
                iris: Vec::new(),
            });
        }
        g.build_iris();
        g.qpv = QPV_DEFS
            .iter()
            .enumerate()
            .map(|(i, d)| g.blob(d, format!("QP{:06}", i + 1), names::QPV_NAMES[i]))
            .collect();
        g.qva = QVA_DEFS
            .iter()
            .enumerate()
            .map(|(i, d)| g.blob(d, format!("QV{:06}", i + 1), names::QVA_NAMES[i]))
            .collect();
        g
    }

    fn build_iris(&mut self) {
        let mut pieces: Vec<(usize, Polygon<f64>, String, char)> = Vec::new();
        // Central city: core 4 sectors, middle ring 9, outer ring 12.
        let mut city = Vec::new();
        for k in 0..4 {
            city.push(self.sector(k * 90, k * 90 + 90, None, 0));
        }
        for k in 0..9 {
            city.push(self.sector(15 + k * 40, 55 + k * 40, Some(0), 1));
        }
        for k in 0..12 {
            city.push(self.sector(5 + k * 30, 35 + k * 30, Some(1), CITY));
        }
        for (k, p) in city.into_iter().enumerate() {
            let (name, typ) = names::CITY_IRIS[k];
            pieces.push((0, p, name.to_string(), typ));
        }
        // Mid-size communes.
        let s2 = [
            self.sector(10, 30, Some(CITY), RING_MID),
            self.sector(30, 50, Some(CITY), RING_MID),
            self.sector(10, 50, Some(RING_MID), OUTER),
        ];
        for (p, (name, typ)) in s2.into_iter().zip(names::IRIS_00002) {
            pieces.push((1, p, name.to_string(), typ));
        }
        let s9 = [
            self.sector(230, 272, Some(CITY), RING_MID),
            self.sector(230, 272, Some(RING_MID), OUTER),
        ];
        for (p, (name, typ)) in s9.into_iter().zip(names::IRIS_00009) {
            pieces.push((8, p, name.to_string(), typ));
        }
        // Single-IRIS communes.
        for k in [2, 3, 4, 5, 6, 7, 9, 10, 11] {
            let c = &self.communes[k];
            pieces.push((k, c.polygon.clone(), c.name.to_string(), 'Z'));
        }
        pieces.sort_by_key(|p| p.0);
        let mut next_rank = [0usize; 12];
        for (commune, polygon, name, typ) in pieces {
            let code = if typ == 'Z' {
                format!("{}0000", self.communes[commune].code)
            } else {
                next_rank[commune] += 1;
                format!(
                    "{}{:04}",
                    self.communes[commune].code,
                    100 + next_rank[commune]
                )
            };
            self.communes[commune].iris.push(self.iris.len());
            self.iris.push(IrisGeo {
                code,
                name,
                typ,
                commune,
                polygon,
            });
        }
    }

    fn at(&self, level: usize, i: usize) -> Coord<f64> {
        self.grid[level][i % N_ANG]
    }

    /// The closed curve of one level.
    fn full(&self, level: usize) -> Polygon<f64> {
        ccw_polygon((0..N_ANG).map(|i| self.at(level, i)).collect())
    }

    /// Annular sector between angles `a..=b` (degrees, `b` may exceed 360) and levels `lin`
    /// (`None` = the centre point) and `lout`, with the intermediate ring level on radial
    /// edges that cross it.
    fn sector(&self, a: usize, b: usize, lin: Option<usize>, lout: usize) -> Polygon<f64> {
        let mut ring = Vec::new();
        match lin {
            None => {
                if b - a == N_ANG {
                    return self.full(lout);
                }
                ring.push(Coord {
                    x: CENTRE_X,
                    y: CENTRE_Y,
                });
                ring.extend((a..=b).map(|i| self.at(lout, i)));
            }
            Some(lin) => {
                let between: Vec<usize> = (lin + 1..lout).filter(|&l| l == RING_MID).collect();
                ring.extend((a..=b).map(|i| self.at(lin, i)));
                ring.extend(between.iter().map(|&l| self.at(l, b)));
                ring.extend((a..=b).rev().map(|i| self.at(lout, i)));
                ring.extend(between.iter().rev().map(|&l| self.at(l, a)));
            }
        }
        ccw_polygon(ring)
    }

    fn blob(&self, d: &BlobDef, code: String, name: &str) -> BlobGeo {
        let t = deg(d.theta_deg);
        let r = match d.radial {
            Radial::Abs(r) => r,
            Radial::Frac(f) => {
                let a = level_radius(CITY, t);
                a + f * (level_radius(OUTER, t) - a)
            }
        };
        let c = polar(d.theta_deg, r);
        const K: usize = 16;
        let mut ring = Vec::with_capacity(K + 2);
        for k in 0..K {
            let phi = std::f64::consts::TAU * k as f64 / K as f64
                + 0.12 * (3.0 * k as f64 + d.phase).sin();
            let rho = d.radius
                * (1.0
                    + 0.18 * (2.0 * phi + d.phase).sin()
                    + 0.07 * (5.0 * phi + 2.0 * d.phase).cos());
            ring.push(Coord {
                x: round2(c.x + rho * phi.cos()),
                y: round2(c.y + rho * phi.sin()),
            });
        }
        if d.bowtie {
            // Replace corner K by K2 (towards the next vertex) then K1 (towards the previous):
            // the edges A→K2 and K1→B cross a few metres from the corner.
            let (a, k, b) = (ring[4], ring[5], ring[6]);
            let towards = |p: Coord<f64>, q: Coord<f64>, dist: f64| {
                let (dx, dy) = (q.x - p.x, q.y - p.y);
                let n = (dx * dx + dy * dy).sqrt();
                Coord {
                    x: round2(p.x + dx / n * dist),
                    y: round2(p.y + dy / n * dist),
                }
            };
            let k1 = towards(k, a, 4.0);
            let k2 = towards(k, b, 4.0);
            ring.splice(5..6, [k2, k1]);
        }
        BlobGeo {
            code,
            name: name.to_string(),
            commune: d.commune,
            polygon: ccw_polygon(ring),
            invalid: d.bowtie,
        }
    }

    /// A random point of commune `c` (uniform over its polar extent; may fall just outside the
    /// exact polygon near its boundary — callers check).
    pub fn sample_in_commune<R: Rng>(&self, c: usize, rng: &mut R) -> Coord<f64> {
        let (a, b) = self.communes[c].sector.unwrap_or((0, N_ANG));
        let theta = a as f64 + rng.gen::<f64>() * (b - a) as f64;
        let t = deg(theta);
        let (r0, r1) = if c == 0 {
            (0.0, level_radius(CITY, t))
        } else {
            (level_radius(CITY, t), level_radius(OUTER, t))
        };
        let r = (r0 * r0 + rng.gen::<f64>() * (r1 * r1 - r0 * r0)).sqrt();
        polar(theta, r)
    }

    /// A random point in the bounding box of a blob.
    pub fn sample_in_blob<R: Rng>(blob: &BlobGeo, rng: &mut R) -> Coord<f64> {
        let (lo, hi) = bbox(blob.polygon.exterior().0.as_slice());
        Coord {
            x: lo.x + rng.gen::<f64>() * (hi.x - lo.x),
            y: lo.y + rng.gen::<f64>() * (hi.y - lo.y),
        }
    }

    /// Relative housing density of the IRIS containing `p` in commune `c` (H 1, A 0.15, D 0.05).
    pub fn density(&self, c: usize, p: Coord<f64>) -> f64 {
        for &i in &self.communes[c].iris {
            let iris = &self.iris[i];
            if in_ring(p, &iris.polygon.exterior().0) {
                return match iris.typ {
                    'A' => 0.15,
                    'D' => 0.05,
                    _ => 1.0,
                };
            }
        }
        0.0
    }
}

pub fn bbox(ring: &[Coord<f64>]) -> (Coord<f64>, Coord<f64>) {
    let mut lo = Coord {
        x: f64::MAX,
        y: f64::MAX,
    };
    let mut hi = Coord {
        x: f64::MIN,
        y: f64::MIN,
    };
    for p in ring {
        lo.x = lo.x.min(p.x);
        lo.y = lo.y.min(p.y);
        hi.x = hi.x.max(p.x);
        hi.y = hi.y.max(p.y);
    }
    (lo, hi)
}

/// Even-odd point-in-ring test (closed ring).
pub fn in_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if x > p.x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Distance from `p` to the boundary of a closed ring.
pub fn dist_to_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> f64 {
    let mut best = f64::MAX;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
        };
        let (ex, ey) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
        best = best.min(ex * ex + ey * ey);
    }
    best.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Intersects, Validation};

    #[test]
    fn communes_tile_the_metropole_and_iris_tile_communes() {
        let g = Geography::build();
        let outer = g.full(OUTER).unsigned_area();
        let sum: f64 = g.communes.iter().map(|c| c.polygon.unsigned_area()).sum();
        assert!((sum - outer).abs() < 1.0, "{sum} vs {outer}");
        for c in &g.communes {
            assert!(c.polygon.is_valid(), "{}", c.code);
            let a = c.polygon.unsigned_area();
            let s: f64 = c
                .iris
                .iter()
                .map(|&i| g.iris[i].polygon.unsigned_area())
                .sum();
            assert!((a - s).abs() < 1e-3, "{}: {a} vs {s}", c.code);
        }
        for i in &g.iris {
            assert!(i.polygon.is_valid(), "{}", i.code);
        }
        assert_eq!(g.communes[0].iris.len(), 25);
        assert_eq!(g.communes[1].iris.len(), 3);
        assert_eq!(g.communes[8].iris.len(), 2);
        assert_eq!(g.iris.len(), 25 + 3 + 2 + 9);
    }

    #[test]
    fn blobs_sit_inside_their_commune_and_apart() {
        let g = Geography::build();
        for b in g.qpv.iter().chain(&g.qva) {
            assert_eq!(b.polygon.is_valid(), !b.invalid, "{}", b.code);
            let ring = &b.polygon.exterior().0;
            let commune = &g.communes[b.commune].polygon;
            for p in ring {
                assert!(commune.contains(p), "{} leaves its commune", b.code);
                assert!(
                    dist_to_ring(*p, &commune.exterior().0) > 100.0,
                    "{}",
                    b.code
                );
            }
        }
        for q in &g.qpv {
            for v in &g.qva {
                assert!(!q.polygon.intersects(&v.polygon), "{} × {}", q.code, v.code);
            }
        }
        // Exactly one QPV straddles two IRIS; the others lie in one.
        let straddling: Vec<&str> = g
            .qpv
            .iter()
            .filter(|q| {
                g.iris
                    .iter()
                    .filter(|i| i.polygon.intersects(&q.polygon))
                    .count()
                    > 1
            })
            .map(|q| q.code.as_str())
            .collect();
        assert_eq!(straddling, vec!["QP000002"]);
    }

    #[test]
    fn point_helpers_agree_with_geo() {
        let g = Geography::build();
        let poly = &g.communes[3].polygon;
        let p = g.sample_in_commune(3, &mut rand::rngs::mock::StepRng::new(1 << 62, 1 << 60));
        assert_eq!(in_ring(p, &poly.exterior().0), poly.contains(&p));
    }
}
