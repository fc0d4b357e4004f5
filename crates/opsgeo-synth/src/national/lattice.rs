//! The jittered lattice every national polygon is cut from, and the guillotine split that
//! shares a rectangle of lattice cells between items.
//!
//! A zone is a rectangle of lattice cells `[i0, i1) × [j0, j1)`; its ring walks *every* lattice
//! vertex along its four sides. Two neighbours therefore share identical vertices along their
//! common edge (T-junctions included), and the children of a rectangle tile it exactly. Vertices
//! are jittered by at most 30 % of a cell in each direction (a pure function of the seed and the
//! vertex indices, nothing stored), which keeps every ring simple.

use geo::{Coord, LineString, Polygon};

/// Side of a lattice cell, metres.
pub const CELL: f64 = 250.0;
/// Lambert-93 origin of the lattice (south-west corner).
pub const X0: f64 = 295_000.0;
pub const Y0: f64 = 6_220_000.0;
/// Cells per side of the whole territory (760 km: about the area of metropolitan France).
pub const GRID: u32 = 3040;
/// Largest jitter of a vertex along one axis, as a share of a cell.
const JITTER: f64 = 0.3;

/// A rectangle of lattice cells `[i0, i1) × [j0, j1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cells {
    pub i0: u32,
    pub j0: u32,
    pub i1: u32,
    pub j1: u32,
}

impl Cells {
    pub fn width(&self) -> u32 {
        self.i1 - self.i0
    }

    pub fn height(&self) -> u32 {
        self.j1 - self.j0
    }

    pub fn count(&self) -> u64 {
        self.width() as u64 * self.height() as u64
    }

    pub fn contains_cell(&self, i: u32, j: u32) -> bool {
        (self.i0..self.i1).contains(&i) && (self.j0..self.j1).contains(&j)
    }
}

/// The jittered vertices of one seed.
#[derive(Debug, Clone, Copy)]
pub struct Lattice {
    seed: u64,
}

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl Lattice {
    pub fn new(seed: u64) -> Lattice {
        Lattice { seed }
    }

    /// Vertex `(i, j)`, rounded to the centimetre.
    pub fn vertex(&self, i: u32, j: u32) -> Coord<f64> {
        let h = mix(self.seed ^ mix(((i as u64) << 32) | j as u64));
        let u = |bits: u64| (bits & 0xffff) as f64 / 65535.0 - 0.5;
        Coord {
            x: round2(X0 + (i as f64 + 2.0 * JITTER * u(h)) * CELL),
            y: round2(Y0 + (j as f64 + 2.0 * JITTER * u(h >> 16)) * CELL),
        }
    }

    /// Closed counter-clockwise ring through every lattice vertex of the rectangle's sides.
    pub fn ring(&self, c: Cells) -> Vec<Coord<f64>> {
        let mut r = Vec::with_capacity(2 * (c.width() + c.height()) as usize + 1);
        r.extend((c.i0..c.i1).map(|i| self.vertex(i, c.j0)));
        r.extend((c.j0..c.j1).map(|j| self.vertex(c.i1, j)));
        r.extend((c.i0 + 1..=c.i1).rev().map(|i| self.vertex(i, c.j1)));
        r.extend((c.j0 + 1..=c.j1).rev().map(|j| self.vertex(c.i0, j)));
        r.push(r[0]);
        r
    }

    pub fn polygon(&self, c: Cells) -> Polygon<f64> {
        Polygon::new(LineString::new(self.ring(c)), vec![])
    }

    /// Lambert-93 point at fractional lattice coordinates (no jitter).
    pub fn at(fi: f64, fj: f64) -> Coord<f64> {
        Coord {
            x: X0 + fi * CELL,
            y: Y0 + fj * CELL,
        }
    }
}

/// Splits `r` into one rectangle per item, in item order: areas roughly proportional to
/// `weights`, each of at least `mins[k]` cells. `None` when the rectangle is too small.
pub fn split(r: Cells, weights: &[f64], mins: &[u64]) -> Option<Vec<Cells>> {
    let mut out = Vec::with_capacity(weights.len());
    split_into(r, weights, mins, &mut out).then_some(out)
}

fn split_into(r: Cells, weights: &[f64], mins: &[u64], out: &mut Vec<Cells>) -> bool {
    let n = weights.len();
    if n == 1 {
        out.push(r);
        return r.count() >= mins[0];
    }
    if r.count() < mins.iter().sum::<u64>() {
        return false;
    }
    let total: f64 = weights.iter().sum();
    let mut k = 1;
    let mut acc = weights[0];
    while k < n - 1 && acc + weights[k] / 2.0 < total / 2.0 {
        acc += weights[k];
        k += 1;
    }
    let share = acc / total;
    let (min_a, min_b) = (mins[..k].iter().sum::<u64>(), mins[k..].iter().sum::<u64>());
    // Cut across the longer side first, else across the shorter one.
    let vertical_first = r.width() >= r.height();
    for vertical in [vertical_first, !vertical_first] {
        let (len, cross) = if vertical {
            (r.width(), r.height())
        } else {
            (r.height(), r.width())
        } as (u32, u32);
        if len < 2 {
            continue;
        }
        let cross = cross as u64;
        let lo = (min_a.div_ceil(cross) as u32).max(1);
        let hi = len
            .saturating_sub(min_b.div_ceil(cross) as u32)
            .min(len - 1);
        if lo > hi {
            continue;
        }
        let cut = ((len as f64 * share).round() as u32).clamp(lo, hi);
        let (a, b) = if vertical {
            (
                Cells {
                    i1: r.i0 + cut,
                    ..r
                },
                Cells {
                    i0: r.i0 + cut,
                    ..r
                },
            )
        } else {
            (
                Cells {
                    j1: r.j0 + cut,
                    ..r
                },
                Cells {
                    j0: r.j0 + cut,
                    ..r
                },
            )
        };
        let mark = out.len();
        if split_into(a, &weights[..k], &mins[..k], out)
            && split_into(b, &weights[k..], &mins[k..], out)
        {
            return true;
        }
        out.truncate(mark);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Validation};

    #[test]
    fn split_tiles_the_rectangle_with_the_minimum_sizes() {
        let r = Cells {
            i0: 10,
            j0: 20,
            i1: 60,
            j1: 45,
        };
        let w = [5.0, 1.0, 1.0, 3.0, 0.5, 2.0, 8.0];
        let mins = [40, 4, 4, 30, 1, 10, 100];
        let parts = split(r, &w, &mins).unwrap();
        assert_eq!(parts.len(), w.len());
        assert_eq!(parts.iter().map(Cells::count).sum::<u64>(), r.count());
        for (p, m) in parts.iter().zip(mins) {
            assert!(p.count() >= m);
        }
        for i in r.i0..r.i1 {
            for j in r.j0..r.j1 {
                assert_eq!(parts.iter().filter(|p| p.contains_cell(i, j)).count(), 1);
            }
        }
        assert!(split(r, &[1.0, 1.0], &[1000, 251]).is_none());
    }

    #[test]
    fn rings_are_valid_and_share_their_vertices() {
        let l = Lattice::new(3);
        let r = Cells {
            i0: 0,
            j0: 0,
            i1: 9,
            j1: 7,
        };
        let parts = split(r, &[1.0, 2.0, 1.0], &[1, 1, 1]).unwrap();
        let whole = l.polygon(r).unsigned_area();
        let sum: f64 = parts.iter().map(|p| l.polygon(*p).unsigned_area()).sum();
        assert!((whole - sum).abs() < 1e-3, "{whole} vs {sum}");
        for p in &parts {
            assert!(l.polygon(*p).is_valid());
            assert!(geo::Area::signed_area(&l.polygon(*p)) > 0.0);
        }
        assert_eq!(l.vertex(4, 5), Lattice::new(3).vertex(4, 5));
        assert_ne!(l.vertex(4, 5), Lattice::new(4).vertex(4, 5));
    }
}
