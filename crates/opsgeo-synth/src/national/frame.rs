//! The national frame: 13 régions ⊃ 96 départements (real codes) ⊃ about 1,250 EPCI ⊃ about
//! 35,000 communes ⊃ IRIS, each level a guillotine split of its parent's lattice rectangle.
//!
//! Social dwellings per commune follow a rank-size law: communes are ranked by a score (the
//! chef-lieu of each département first, then a log-normal draw), the commune of rank `r` gets
//! `A / (r + 5)^1.35` of the 5.3 M dwellings, and the lowest 43 % of the ranks get none. That
//! gives a few cities with tens or hundreds of thousands of dwellings, thousands of communes with
//! a handful, and many with none. IRIS exist only in communes of at least 250 dwellings (the
//! others are their own IRIS).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::lattice::{split, Cells, GRID};
use super::names;
use crate::normal;

/// Social dwellings of the whole country.
pub const NATIONAL_DWELLINGS: usize = 5_300_000;
/// Rank-size law: exponent and offset.
const RANK_EXPONENT: f64 = 1.35;
const RANK_OFFSET: f64 = 5.0;
/// Share of communes without social housing.
const SHARE_WITHOUT: f64 = 0.43;
/// Full-scale dwellings from which a commune is split into IRIS.
pub const IRIS_FROM: f64 = 250.0;
/// Lattice cells per IRIS at least (a 250 m cell: 0.25 km² per IRIS).
const CELLS_PER_IRIS: u64 = 4;

/// How big a frame to draw: the national profile, or a reduced one for tests.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Mean communes per département.
    pub communes_per_dep: f64,
    /// Keep only the first `departements` (all when `None`).
    pub departements: Option<usize>,
}

impl Scale {
    pub const FRANCE: Scale = Scale {
        communes_per_dep: 345.0,
        departements: None,
    };
}

pub struct Region {
    pub code: &'static str,
    pub cells: Cells,
}

pub struct Departement {
    pub code: &'static str,
    pub region: usize,
    pub cells: Cells,
}

pub struct Epci {
    pub code: String,
    pub name: String,
    pub departement: usize,
    pub cells: Cells,
}

pub struct Commune {
    pub code: String,
    pub name: String,
    pub postcode: String,
    pub epci: usize,
    pub departement: usize,
    pub cells: Cells,
    /// Social dwellings at full scale (expected).
    pub target: f64,
    /// Inhabitants (drives the BAN's background addresses).
    pub inhabitants: f64,
    /// Its IRIS in [`Frame::iris`].
    pub iris: std::ops::Range<usize>,
}

pub struct Iris {
    pub code: String,
    pub name: String,
    /// H, A, D or Z.
    pub typ: char,
    pub commune: usize,
    pub cells: Cells,
}

pub struct Frame {
    pub regions: Vec<Region>,
    pub departements: Vec<Departement>,
    pub epcis: Vec<Epci>,
    pub communes: Vec<Commune>,
    pub iris: Vec<Iris>,
}

/// Number of IRIS of a commune with `target` dwellings at full scale.
pub fn iris_count(target: f64) -> usize {
    if target < IRIS_FROM {
        1
    } else {
        ((target / 130.0).powf(0.85).round() as usize).max(2)
    }
}

fn lognormal(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    normal(rng, 0.0, sd).exp()
}

impl Frame {
    /// Draws the frame; `None` only if the lattice cannot hold it (never for the built-in
    /// scales).
    pub fn build(scale: Scale, rng: &mut ChaCha8Rng) -> Option<Frame> {
        let mut deps: Vec<(&'static str, &'static str)> = opsgeo::model::builtin_departements()
            .iter()
            .filter(|(code, _, _)| code.len() == 2 && !code.starts_with("97"))
            .map(|(code, _, region)| (*code, *region))
            .collect();
        deps.sort_by_key(|(code, region)| (*region, *code));
        if let Some(k) = scale.departements {
            deps.truncate(k);
        }

        // Counts, names and scores, level by level.
        struct Draft {
            epci: usize,
            dep: usize,
            score: f64,
            weight: f64,
        }
        let mut epcis: Vec<Epci> = Vec::new();
        let mut drafts: Vec<Draft> = Vec::new();
        let mut dep_communes: Vec<std::ops::Range<usize>> = Vec::new();
        for d in 0..deps.len() {
            let n = (scale.communes_per_dep * lognormal(rng, 0.45)).round() as usize;
            let n = n.clamp(40, 899);
            let dep_weight = lognormal(rng, 0.6);
            let n_epci = ((n as f64 / 28.0) * lognormal(rng, 0.2)).round().max(3.0) as usize;
            let start = drafts.len();
            // Communes per EPCI: a random composition of n into n_epci parts (each ≥ 1).
            let mut cuts: Vec<usize> = (1..n).collect();
            cuts.shuffle(rng);
            let mut cuts: Vec<usize> = cuts.into_iter().take(n_epci - 1).collect();
            cuts.sort_unstable();
            let mut bounds = vec![0];
            bounds.extend(cuts);
            bounds.push(n);
            let chef = rng.gen_range(0..n);
            for e in 0..n_epci {
                let ei = epcis.len();
                epcis.push(Epci {
                    code: format!("2{:02}{:06}", d + 1, e + 1),
                    name: String::new(),
                    departement: d,
                    cells: Cells {
                        i0: 0,
                        j0: 0,
                        i1: 0,
                        j1: 0,
                    },
                });
                for k in bounds[e]..bounds[e + 1] {
                    let boost = if k == chef { 40.0 } else { 1.0 };
                    drafts.push(Draft {
                        epci: ei,
                        dep: d,
                        score: dep_weight * boost * lognormal(rng, 1.3),
                        weight: rng.gen_range(0.6..1.4),
                    });
                }
            }
            dep_communes.push(start..drafts.len());
        }

        // Rank-size targets.
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by(|&a, &b| drafts[b].score.total_cmp(&drafts[a].score).then(a.cmp(&b)));
        let with_social = ((1.0 - SHARE_WITHOUT) * drafts.len() as f64).round() as usize;
        let law = |r: usize| 1.0 / (r as f64 + RANK_OFFSET).powf(RANK_EXPONENT);
        let sum: f64 = (1..=with_social).map(law).sum();
        let a = NATIONAL_DWELLINGS as f64 / sum;
        let mut targets = vec![0.0; drafts.len()];
        for (rank, &c) in order.iter().enumerate().take(with_social) {
            targets[c] = a * law(rank + 1);
        }

        // Lattice cells: a commune is worth its area weight, and needs room for its IRIS.
        let total_cells = (GRID as u64 * GRID as u64) as f64;
        let per_commune = total_cells / (Scale::FRANCE.communes_per_dep * 96.0);
        let cell_weight: Vec<f64> = (0..drafts.len())
            .map(|c| {
                let need = (CELLS_PER_IRIS + 2) as f64 * iris_count(targets[c]) as f64;
                (drafts[c].weight * per_commune).max(need)
            })
            .collect();
        let mins: Vec<u64> = (0..drafts.len())
            .map(|c| CELLS_PER_IRIS * iris_count(targets[c]) as u64)
            .collect();
        let sum_over = |r: std::ops::Range<usize>, v: &[f64]| v[r].iter().sum::<f64>();
        let sum_u = |r: std::ops::Range<usize>, v: &[u64]| v[r].iter().sum::<u64>();

        // Régions (in code order), each the union of its départements.
        let mut region_codes: Vec<&'static str> = deps.iter().map(|d| d.1).collect();
        region_codes.dedup();
        let dep_region: Vec<usize> = deps
            .iter()
            .map(|d| region_codes.iter().position(|r| *r == d.1).expect("listed"))
            .collect();
        let region_deps =
            |r: usize| -> Vec<usize> { (0..deps.len()).filter(|&d| dep_region[d] == r).collect() };
        let dep_w: Vec<f64> = dep_communes
            .iter()
            .map(|r| sum_over(r.clone(), &cell_weight))
            .collect();
        let dep_m: Vec<u64> = dep_communes
            .iter()
            .map(|r| sum_u(r.clone(), &mins))
            .collect();
        let reg_w: Vec<f64> = (0..region_codes.len())
            .map(|r| region_deps(r).iter().map(|&d| dep_w[d]).sum())
            .collect();
        let reg_m: Vec<u64> = (0..region_codes.len())
            .map(|r| region_deps(r).iter().map(|&d| dep_m[d]).sum())
            .collect();
        let side = if scale.departements.is_some() {
            // A reduced frame keeps the national density of cells.
            ((reg_w.iter().sum::<f64>()).sqrt().ceil() as u32).min(GRID)
        } else {
            GRID
        };
        let whole = Cells {
            i0: 0,
            j0: 0,
            i1: side,
            j1: side,
        };
        let reg_cells = split(whole, &reg_w, &reg_m)?;
        let mut dep_cells = vec![whole; deps.len()];
        for (r, rc) in reg_cells.iter().enumerate() {
            let ds = region_deps(r);
            let w: Vec<f64> = ds.iter().map(|&d| dep_w[d]).collect();
            let m: Vec<u64> = ds.iter().map(|&d| dep_m[d]).collect();
            for (d, c) in ds.iter().zip(split(*rc, &w, &m)?) {
                dep_cells[*d] = c;
            }
        }
        let mut epci_communes: Vec<std::ops::Range<usize>> = vec![0..0; epcis.len()];
        for (c, dr) in drafts.iter().enumerate() {
            let r = &mut epci_communes[dr.epci];
            if r.start == r.end {
                *r = c..c + 1;
            } else {
                r.end = c + 1;
            }
        }
        let mut commune_cells = vec![whole; drafts.len()];
        for (d, &dep_rect) in dep_cells.iter().enumerate() {
            let es: Vec<usize> = (0..epcis.len())
                .filter(|&e| epcis[e].departement == d)
                .collect();
            let w: Vec<f64> = es
                .iter()
                .map(|&e| sum_over(epci_communes[e].clone(), &cell_weight))
                .collect();
            let m: Vec<u64> = es
                .iter()
                .map(|&e| sum_u(epci_communes[e].clone(), &mins))
                .collect();
            for (&e, c) in es.iter().zip(split(dep_rect, &w, &m)?) {
                epcis[e].cells = c;
                let cr = epci_communes[e].clone();
                for (k, cc) in cr
                    .clone()
                    .zip(split(c, &cell_weight[cr.clone()], &mins[cr])?)
                {
                    commune_cells[k] = cc;
                }
            }
        }

        // Communes, their IRIS, and the EPCI names (after their largest commune).
        let mut communes = Vec::with_capacity(drafts.len());
        let mut iris = Vec::new();
        let mut next_in_dep = vec![0usize; deps.len()];
        let mut used_names = std::collections::BTreeSet::new();
        for (c, dr) in drafts.iter().enumerate() {
            let dep = deps[dr.dep].0;
            next_in_dep[dr.dep] += 1;
            let code = format!("{dep}{:03}", next_in_dep[dr.dep]);
            let name = names::commune_name(rng, &mut used_names);
            let digits = match dep {
                "2A" | "2B" => "20",
                d => d,
            };
            let postcode = format!("{digits}{:03}", 10 * rng.gen_range(1..=99u32));
            let target = targets[c];
            let n_iris = iris_count(target);
            let start = iris.len();
            if n_iris == 1 {
                iris.push(Iris {
                    code: format!("{code}0000"),
                    name: name.clone(),
                    typ: 'Z',
                    commune: c,
                    cells: commune_cells[c],
                });
            } else {
                let w: Vec<f64> = (0..n_iris).map(|_| rng.gen_range(0.7..1.3)).collect();
                let parts = split(commune_cells[c], &w, &vec![1; n_iris])?;
                for (k, cells) in parts.into_iter().enumerate() {
                    let typ = match rng.gen::<f64>() {
                        u if u < 0.06 => 'A',
                        u if u < 0.09 => 'D',
                        _ => 'H',
                    };
                    iris.push(Iris {
                        code: format!("{code}{:04}", 101 + k),
                        name: names::iris_name(&name, k, rng),
                        typ,
                        commune: c,
                        cells,
                    });
                }
            }
            let inhabitants = if target > 0.0 {
                target * 13.0 * lognormal(rng, 0.3)
            } else {
                250.0 * lognormal(rng, 0.8)
            };
            communes.push(Commune {
                code,
                name,
                postcode,
                epci: dr.epci,
                departement: dr.dep,
                cells: commune_cells[c],
                target,
                inhabitants,
                iris: start..iris.len(),
            });
        }
        for (e, epci) in epcis.iter_mut().enumerate() {
            let r = epci_communes[e].clone();
            let main = r
                .clone()
                .max_by(|&a, &b| {
                    communes[a]
                        .target
                        .total_cmp(&communes[b].target)
                        .then(b.cmp(&a))
                })
                .expect("an EPCI has communes");
            let total: f64 = r.map(|c| communes[c].target).sum();
            let kind = match total {
                t if t >= 40_000.0 => "Métropole",
                t if t >= 4_000.0 => "Communauté d'agglomération",
                _ => "Communauté de communes",
            };
            epci.name = format!("{kind} {}", names::of_place(&communes[main].name));
        }
        let regions = region_codes
            .iter()
            .zip(reg_cells)
            .map(|(code, cells)| Region { code, cells })
            .collect();
        let departements = deps
            .iter()
            .enumerate()
            .map(|(d, (code, _))| Departement {
                code,
                region: dep_region[d],
                cells: dep_cells[d],
            })
            .collect();
        Some(Frame {
            regions,
            departements,
            epcis,
            communes,
            iris,
        })
    }

    /// Dwellings per commune for a set of `n`: the full-scale targets scaled to `n`, rounded by
    /// largest remainder (ties to the lower index), summing exactly to `n`.
    pub fn quotas(&self, n: usize) -> Vec<usize> {
        let total: f64 = self.communes.iter().map(|c| c.target).sum();
        let exact: Vec<f64> = self
            .communes
            .iter()
            .map(|c| c.target * n as f64 / total)
            .collect();
        let mut q: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
        let missing = n - q.iter().sum::<usize>();
        let mut order: Vec<usize> = (0..q.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
            fb.total_cmp(&fa).then(a.cmp(&b))
        });
        for &c in order.iter().take(missing) {
            q[c] += 1;
        }
        q
    }
}
