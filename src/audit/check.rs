//! Intervals of the unpublished measures, one measure at a time, by linear programming over the
//! relations of [`super::model`] with non-negativity.
//!
//! Unknowns are split into connected groups (two unknowns are connected when a relation holds
//! both). In each group, a few optimisations of the sum of all unknowns (and of two fixed
//! pseudo-random weightings) give feasible points: any value seen with two different whole
//! numbers among them is proven not pinned, and its range over those points is a guaranteed
//! part of its interval. The others get their exact minimum and maximum.

use std::collections::HashMap;

use super::lp::{whole_numbers, Equation, Optimum, System};
use super::model::{known_bounds, View};
use super::read::Published;

/// What the audit knows about one measure of one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Values proven reachable (a part of the interval; the whole interval when exact).
    pub lo: f64,
    pub hi: f64,
    /// The only whole value it can take, when pinned.
    pub pinned: Option<i64>,
}

/// Counters of the linear programming.
#[derive(Debug, Clone, Copy, Default)]
pub struct LpStats {
    pub groups: u64,
    pub solves: u64,
    pub inconsistent: u64,
}

struct Dsu(Vec<u32>);

impl Dsu {
    fn find(&mut self, x: u32) -> u32 {
        let mut r = x;
        while self.0[r as usize] != r {
            r = self.0[r as usize];
        }
        let mut y = x;
        while self.0[y as usize] != r {
            let n = self.0[y as usize];
            self.0[y as usize] = r;
            y = n;
        }
        r
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Deterministic pseudo-random weights in `[1, 2)`.
fn weight(seed: u64, i: usize) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(i as u64 + 1);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    1.0 + (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Ranges of measure `m` for the cells `needed`.
pub fn measure_ranges(
    p: &Published,
    view: &View,
    m: usize,
    needed: &[u32],
    stats: &mut LpStats,
) -> HashMap<u32, Range> {
    let n = view.cells.len();
    let bounds: Vec<Option<(i64, i64)>> = view
        .cells
        .iter()
        .map(|c| {
            let vals: Vec<_> = c.values.iter().map(|&i| &p.values[i]).collect();
            known_bounds(&vals, m)
        })
        .collect();
    let exact = |c: u32| matches!(bounds[c as usize], Some((a, b)) if a == b);
    // connect unknown cells that share a relation
    let mut dsu = Dsu((0..n as u32).collect());
    for r in &view.relations {
        let mut first = None;
        for &c in std::iter::once(&r.parent).chain(&r.children) {
            if exact(c) {
                continue;
            }
            match first {
                None => first = Some(c),
                Some(f) => dsu.union(f, c),
            }
        }
    }
    let mut out = HashMap::new();
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for &c in needed {
        if let Some((a, b)) = bounds[c as usize].filter(|(a, b)| a == b) {
            let _ = b;
            out.insert(
                c,
                Range {
                    lo: a as f64,
                    hi: a as f64,
                    pinned: Some(a),
                },
            );
            continue;
        }
        groups.entry(dsu.find(c)).or_default().push(c);
    }
    // relations by group
    let mut rel_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in view.relations.iter().enumerate() {
        let any = std::iter::once(&r.parent)
            .chain(&r.children)
            .find(|&&c| !exact(c));
        if let Some(&c) = any {
            let g = dsu.find(c);
            if groups.contains_key(&g) {
                rel_of.entry(g).or_default().push(i);
            }
        }
    }
    let mut roots: Vec<u32> = groups.keys().copied().collect();
    roots.sort_unstable();
    for g in roots {
        stats.groups += 1;
        let targets = &groups[&g];
        // unknown cells of the group and one rest per relation that has one
        let mut var_of: HashMap<u32, usize> = HashMap::new();
        let mut sys = System::default();
        let mut var = |c: u32, sys: &mut System| -> usize {
            *var_of.entry(c).or_insert_with(|| {
                let (lo, hi) = bounds[c as usize].unwrap_or((0, i64::MAX));
                let hi = if hi == i64::MAX {
                    f64::INFINITY
                } else {
                    hi as f64
                };
                sys.bounds.push((lo.max(0) as f64, hi));
                sys.bounds.len() - 1
            })
        };
        for &c in targets {
            var(c, &mut sys);
        }
        for &ri in rel_of.get(&g).map(|v| v.as_slice()).unwrap_or(&[]) {
            let r = &view.relations[ri];
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (c, coef) in
                std::iter::once((r.parent, 1.0)).chain(r.children.iter().map(|&c| (c, -1.0)))
            {
                if exact(c) {
                    rhs -= coef * bounds[c as usize].expect("exact").0 as f64;
                } else {
                    terms.push((var(c, &mut sys), coef));
                }
            }
            if r.rest {
                sys.bounds.push((0.0, f64::INFINITY));
                terms.push((sys.bounds.len() - 1, -1.0));
            }
            sys.equations.push(Equation { terms, rhs });
        }
        let nv = sys.bounds.len();
        // feasible points
        let mut points: Vec<Vec<f64>> = Vec::new();
        let mut failed = false;
        let objectives: Vec<(Vec<(usize, f64)>, bool)> = vec![
            ((0..nv).map(|v| (v, 1.0)).collect(), false),
            ((0..nv).map(|v| (v, 1.0)).collect(), true),
            ((0..nv).map(|v| (v, weight(g as u64, v))).collect(), true),
            (
                (0..nv).map(|v| (v, weight(g as u64 + 7, v))).collect(),
                false,
            ),
        ];
        for (w, maximise) in &objectives {
            stats.solves += 1;
            match sys.optimise(w, *maximise) {
                Ok(Optimum::Point(x)) => points.push(x),
                Ok(Optimum::Unbounded) => {}
                Err(e) => {
                    if std::env::var_os("OPSGEO_DEBUG_AUDIT").is_some() {
                        eprintln!("lp : {}", e.0);
                    }
                    failed = true;
                    break;
                }
            }
        }
        if failed || points.is_empty() {
            stats.inconsistent += 1;
            if std::env::var_os("OPSGEO_DEBUG_AUDIT").is_some() {
                eprintln!("groupe incohérent, mesure {m} :");
                for &ri in rel_of.get(&g).map(|v| v.as_slice()).unwrap_or(&[]) {
                    let r = &view.relations[ri];
                    let show = |c: u32| {
                        format!("{:?}={:?}", view.cells[c as usize].key, bounds[c as usize])
                    };
                    eprintln!(
                        "  {} = {} {}",
                        show(r.parent),
                        r.children
                            .iter()
                            .map(|&c| show(c))
                            .collect::<Vec<_>>()
                            .join(" + "),
                        if r.rest { "+ reste" } else { "" }
                    );
                }
            }
            continue;
        }
        for &c in targets {
            let v = var_of[&c];
            let lo = points.iter().map(|x| x[v]).fold(f64::INFINITY, f64::min);
            let hi = points
                .iter()
                .map(|x| x[v])
                .fold(f64::NEG_INFINITY, f64::max);
            if whole_numbers(lo, hi) >= 2 {
                out.insert(
                    c,
                    Range {
                        lo,
                        hi,
                        pinned: None,
                    },
                );
                continue;
            }
            // exact interval
            let mut ends = [lo, hi];
            let mut unbounded = false;
            for (k, maximise) in [false, true].into_iter().enumerate() {
                stats.solves += 1;
                match sys.optimise(&[(v, 1.0)], maximise) {
                    Ok(Optimum::Point(x)) => ends[k] = x[v],
                    Ok(Optimum::Unbounded) => unbounded = true,
                    Err(_) => failed = true,
                }
            }
            if failed {
                stats.inconsistent += 1;
                break;
            }
            let (lo, hi) = (ends[0], if unbounded { f64::INFINITY } else { ends[1] });
            let pinned = (whole_numbers(lo, hi) <= 1).then(|| lo.round() as i64);
            out.insert(c, Range { lo, hi, pinned });
        }
    }
    out
}
