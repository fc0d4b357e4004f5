//! QPV and QVA of the national profile: irregular "blobs" inside the larger urban communes, a
//! few QPV straddling the boundary between two communes.
//!
//! Blobs are placed in lattice coordinates with a clearance that covers their largest radius,
//! the vertex jitter and a 130 m margin, so a blob never leaves its commune (or, for a straddling
//! QPV, the union of its two communes), and blobs of one commune never meet.

use geo::{Coord, LineString, Polygon};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::frame::Frame;
use super::lattice::{Cells, Lattice, CELL};

/// Full-scale dwellings from which a commune has QPV.
const QPV_FROM: f64 = 1000.0;
/// Share of QPV straddling two communes.
const STRADDLING: f64 = 0.04;
/// Full-scale dwellings from which a commune may have a QVA.
const QVA_FROM: f64 = 800.0;
/// Most blobs touching one commune (local indices are `u8`).
const MAX_PER_COMMUNE: usize = 250;

pub struct Blob {
    pub code: String,
    pub name: String,
    pub commune: usize,
    /// The second commune of a straddling QPV.
    pub other: Option<usize>,
    pub polygon: Polygon<f64>,
    pub centre: Coord<f64>,
    /// Largest distance from the centre to a vertex.
    pub reach: f64,
}

pub struct Zones {
    pub qpv: Vec<Blob>,
    pub qva: Vec<Blob>,
    /// Per commune: the blobs touching it, `(is_qpv, index)`, QPV first.
    pub by_commune: Vec<Vec<(bool, u32)>>,
}

/// Number of QPV of a commune with `target` dwellings at full scale.
pub fn qpv_count(target: f64) -> usize {
    if target < QPV_FROM {
        0
    } else {
        ((target / 2200.0).powf(0.9).round() as usize).clamp(1, 200)
    }
}

/// Clearance of a blob of nominal radius `r` from any boundary it must not cross, metres.
fn clearance(r: f64) -> f64 {
    1.25 * r + 0.3 * CELL + 130.0
}

fn star(centre: Coord<f64>, radius: f64, phase: f64) -> Polygon<f64> {
    const K: usize = 16;
    let mut ring = Vec::with_capacity(K + 1);
    for k in 0..K {
        let phi =
            std::f64::consts::TAU * k as f64 / K as f64 + 0.12 * (3.0 * k as f64 + phase).sin();
        let rho = radius
            * (1.0 + 0.18 * (2.0 * phi + phase).sin() + 0.07 * (5.0 * phi + 2.0 * phase).cos());
        ring.push(Coord {
            x: ((centre.x + rho * phi.cos()) * 100.0).round() / 100.0,
            y: ((centre.y + rho * phi.sin()) * 100.0).round() / 100.0,
        });
    }
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

fn blob(
    code: String,
    name: String,
    commune: usize,
    centre: Coord<f64>,
    r: f64,
    rng: &mut ChaCha8Rng,
) -> Blob {
    let polygon = star(centre, r, rng.gen_range(0.0..6.0));
    let reach = polygon
        .exterior()
        .0
        .iter()
        .map(|p| ((p.x - centre.x).powi(2) + (p.y - centre.y).powi(2)).sqrt())
        .fold(0.0, f64::max);
    Blob {
        code,
        name,
        commune,
        other: None,
        polygon,
        centre,
        reach,
    }
}

/// A centre in `cells` keeping `clear` metres from its sides, away from `taken` blobs.
fn find_centre(
    cells: Cells,
    j_range: (f64, f64),
    r: f64,
    taken: &[(Coord<f64>, f64)],
    rng: &mut ChaCha8Rng,
) -> Option<Coord<f64>> {
    let c = clearance(r) / CELL;
    let (i0, i1) = (cells.i0 as f64 + c, cells.i1 as f64 - c);
    let (j0, j1) = (j_range.0 + c, j_range.1 - c);
    if i0 >= i1 || j0 >= j1 {
        return None;
    }
    for _ in 0..200 {
        let p = Lattice::at(rng.gen_range(i0..i1), rng.gen_range(j0..j1));
        let free = taken.iter().all(|(q, rq)| {
            ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt() > 1.25 * (r + rq) + 60.0
        });
        if free {
            return Some(p);
        }
    }
    None
}

impl Zones {
    pub fn build(frame: &Frame, rng: &mut ChaCha8Rng) -> Zones {
        let n = frame.communes.len();
        let mut taken: Vec<Vec<(Coord<f64>, f64)>> = vec![Vec::new(); n];
        let mut qpv: Vec<Blob> = Vec::new();
        let mut wanted: Vec<usize> = frame.communes.iter().map(|c| qpv_count(c.target)).collect();
        // Straddling QPV first: centred on the east side of a QPV commune.
        let total: usize = wanted.iter().sum();
        let mut straddlers = (total as f64 * STRADDLING).round() as usize;
        let hosts: Vec<usize> = (0..n).filter(|&c| wanted[c] > 0).collect();
        for _ in 0..hosts.len() * 4 {
            if straddlers == 0 || hosts.is_empty() {
                break;
            }
            let c = hosts[rng.gen_range(0..hosts.len())];
            if wanted[c] == 0 {
                continue;
            }
            let cc = frame.communes[c].cells;
            let j = rng.gen_range(cc.j0..cc.j1);
            let Some(o) = (0..n).find(|&o| frame.communes[o].cells.contains_cell(cc.i1, j)) else {
                continue;
            };
            let oc = frame.communes[o].cells;
            let (j0, j1) = (cc.j0.max(oc.j0) as f64, cc.j1.min(oc.j1) as f64);
            let r = rng.gen_range(250.0..450.0);
            let reach = clearance(r) / CELL;
            if (cc.i1 as f64 - reach) < cc.i0 as f64 || (cc.i1 as f64 + reach) > oc.i1 as f64 {
                continue;
            }
            if j1 - j0 <= 2.0 * reach {
                continue;
            }
            let fj = rng.gen_range(j0 + reach..j1 - reach);
            let p = Lattice::at(cc.i1 as f64, fj);
            let free = taken[c].iter().chain(&taken[o]).all(|(q, rq)| {
                ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt() > 1.25 * (r + rq) + 60.0
            });
            if !free {
                continue;
            }
            let mut b = blob(String::new(), String::new(), c, p, r, rng);
            b.other = Some(o);
            taken[c].push((p, r));
            taken[o].push((p, r));
            qpv.push(b);
            wanted[c] -= 1;
            straddlers -= 1;
        }
        for c in 0..n {
            for _ in 0..wanted[c] {
                let r = rng.gen_range(250.0..550.0);
                let cells = frame.communes[c].cells;
                let range = (cells.j0 as f64, cells.j1 as f64);
                if let Some(p) = find_centre(cells, range, r, &taken[c], rng) {
                    taken[c].push((p, r));
                    qpv.push(blob(String::new(), String::new(), c, p, r, rng));
                }
            }
        }
        // Code order follows the communes.
        qpv.sort_by_key(|b| b.commune);
        let mut qva = Vec::new();
        for (c, commune) in frame.communes.iter().enumerate() {
            if commune.target < QVA_FROM || rng.gen::<f64>() >= 0.25 {
                continue;
            }
            let r = rng.gen_range(250.0..400.0);
            let cells = commune.cells;
            let range = (cells.j0 as f64, cells.j1 as f64);
            if let Some(p) = find_centre(cells, range, r, &taken[c], rng) {
                taken[c].push((p, r));
                qva.push(blob(String::new(), String::new(), c, p, r, rng));
            }
        }
        let mut by_commune: Vec<Vec<(bool, u32)>> = vec![Vec::new(); n];
        let mut rank = vec![0usize; n];
        for (k, b) in qpv.iter_mut().enumerate() {
            rank[b.commune] += 1;
            let c = &frame.communes[b.commune];
            b.code = format!("QP{:06}", k + 1);
            b.name = format!("{} Quartier {}", c.name, rank[b.commune]);
            for cc in std::iter::once(b.commune).chain(b.other) {
                if by_commune[cc].len() < MAX_PER_COMMUNE {
                    by_commune[cc].push((true, k as u32));
                }
            }
        }
        for (k, b) in qva.iter_mut().enumerate() {
            b.code = format!("QV{:06}", k + 1);
            b.name = format!("{} Veille", frame.communes[b.commune].name);
            if by_commune[b.commune].len() < MAX_PER_COMMUNE {
                by_commune[b.commune].push((false, k as u32));
            }
        }
        Zones {
            qpv,
            qva,
            by_commune,
        }
    }
}
