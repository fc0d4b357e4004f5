//! Elimination of the unknowns that only one relation holds, before linear programming.
//!
//! The relations of one measure are nested sums: a stairwell is held by its building's
//! relation only, a building whose stairwells are gone by its programme's only, and so on.
//! An unknown `x_k ∈ [l, u]` held by one constraint `lo ≤ Σ a·x ≤ hi` only can take a value
//! that meets it exactly when the other terms stay within `[lo, hi] − a_k·[l, u]`: removing
//! `x_k` and widening the constraint so is the exact projection of the feasible set on the
//! other unknowns. A constraint left with one unknown becomes a bound of it, which may make
//! that unknown held by one constraint only in turn: whole subtrees hanging off the unknowns
//! the objective needs fold into bounds, and the program solved is a small part of the group.
//! The optimum over the projection is the optimum over the whole system; the eliminated
//! unknowns are filled back in, last eliminated first, so that the point returned is a
//! solution of the whole system.

use super::lp::{Equation, EPS};

/// `lo ≤ Σ coef·x ≤ hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub terms: Vec<(usize, f64)>,
    pub lo: f64,
    pub hi: f64,
}

/// How an eliminated unknown gets its value back.
#[derive(Debug, Clone)]
enum Undo {
    /// `x_k` was removed from a constraint whose other terms are `others`: it takes a value of
    /// its bounds that brings the constraint within `[lo, hi]`.
    Leaf {
        var: usize,
        coef: f64,
        others: Vec<(usize, f64)>,
        lo: f64,
        hi: f64,
    },
    /// `x_k` was held by no constraint any more: any value of its bounds.
    Free { var: usize },
    /// `x_k` could take one value only.
    Fixed { var: usize, value: f64 },
}

/// A system with its leaves eliminated: the constraints left over the unknowns left.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// Bounds of every unknown of the original system (tightened by the folded constraints).
    pub bounds: Vec<(f64, f64)>,
    pub constraints: Vec<Constraint>,
    /// Whether each unknown is still in the reduced system.
    pub kept: Vec<bool>,
    undo: Vec<Undo>,
}

/// The bounds of `a·x` for `x ∈ [l, u]`.
fn scaled(a: f64, (l, u): (f64, f64)) -> (f64, f64) {
    if a >= 0.0 {
        (a * l, a * u)
    } else {
        (a * u, a * l)
    }
}

/// `x - y` where an infinite `x` stays infinite (the bound it stands for is absent).
fn minus(x: f64, y: f64) -> f64 {
    if x.is_infinite() {
        x
    } else {
        x - y
    }
}

/// Eliminates every unknown held by one constraint only, and every unknown whose bounds leave
/// it one value (a constant moved to the constraints' sides), except those of `keep`; `None`
/// when the bounds contradict a constraint (the system has no solution).
pub fn reduce(bounds: &[(f64, f64)], equations: &[Equation], keep: &[usize]) -> Option<Reduced> {
    let n = bounds.len();
    let mut r = Reducer {
        bounds: bounds.to_vec(),
        rows: equations
            .iter()
            .map(|e| {
                Some(Constraint {
                    terms: e.terms.clone(),
                    lo: e.rhs,
                    hi: e.rhs,
                })
            })
            .collect(),
        held: vec![Vec::new(); n],
        pinned: vec![false; n],
        kept: vec![true; n],
        undo: Vec::new(),
        vars: (0..n).rev().collect(),
        rows_left: (0..equations.len()).rev().collect(),
    };
    for (i, e) in equations.iter().enumerate() {
        for &(v, _) in &e.terms {
            r.held[v].push(i);
        }
    }
    for &k in keep {
        r.pinned[k] = true;
    }
    r.run()?;
    Some(Reduced {
        bounds: r.bounds,
        constraints: r.rows.into_iter().flatten().collect(),
        kept: r.kept,
        undo: r.undo,
    })
}

/// The state of [`reduce`]: unknowns and constraints to look at again.
struct Reducer {
    bounds: Vec<(f64, f64)>,
    rows: Vec<Option<Constraint>>,
    held: Vec<Vec<usize>>,
    pinned: Vec<bool>,
    kept: Vec<bool>,
    undo: Vec<Undo>,
    vars: Vec<usize>,
    rows_left: Vec<usize>,
}

impl Reducer {
    fn run(&mut self) -> Option<()> {
        loop {
            if let Some(ri) = self.rows_left.pop() {
                self.look_at_row(ri)?;
            } else if let Some(k) = self.vars.pop() {
                self.look_at_var(k)?;
            } else {
                return Some(());
            }
        }
    }

    /// A constraint with one unknown left becomes its bound; with none, it is checked.
    fn look_at_row(&mut self, ri: usize) -> Option<()> {
        let Some(row) = &self.rows[ri] else {
            return Some(());
        };
        match row.terms.len() {
            0 => {
                if row.lo > EPS || row.hi < -EPS {
                    return None;
                }
                self.rows[ri] = None;
            }
            1 => {
                let (j, c) = row.terms[0];
                let (lo, hi) = if c > 0.0 {
                    (row.lo / c, row.hi / c)
                } else {
                    (row.hi / c, row.lo / c)
                };
                let b = &mut self.bounds[j];
                b.0 = b.0.max(lo);
                b.1 = b.1.min(hi);
                if b.0 > b.1 + EPS {
                    return None;
                }
                self.rows[ri] = None;
                self.vars.push(j);
            }
            _ if row.lo.is_infinite() && row.hi.is_infinite() => {
                // no constraint left: its unknowns are held by one row fewer
                self.vars.extend(row.terms.iter().map(|&(v, _)| v));
                self.rows[ri] = None;
            }
            _ => {}
        }
        Some(())
    }

    fn look_at_var(&mut self, k: usize) -> Option<()> {
        if !self.kept[k] || self.pinned[k] {
            return Some(());
        }
        let (l, u) = self.bounds[k];
        let alive: Vec<usize> = self.held[k]
            .iter()
            .copied()
            .filter(|&r| self.rows[r].is_some())
            .collect();
        if u - l <= 0.0 {
            // a constant: moved to the side of every constraint holding it
            let x = l;
            for &ri in &alive {
                let row = self.rows[ri].as_mut().expect("alive");
                let at = row.terms.iter().position(|&(v, _)| v == k)?;
                let (_, a) = row.terms.swap_remove(at);
                row.lo = minus(row.lo, a * x);
                row.hi = minus(row.hi, a * x);
                self.rows_left.push(ri);
            }
            self.kept[k] = false;
            self.undo.push(Undo::Fixed { var: k, value: x });
            return Some(());
        }
        match alive.as_slice() {
            [] => {
                self.kept[k] = false;
                self.undo.push(Undo::Free { var: k });
            }
            &[ri] => {
                let row = self.rows[ri].as_mut().expect("alive");
                let at = row.terms.iter().position(|&(v, _)| v == k)?;
                let (_, a) = row.terms.swap_remove(at);
                self.kept[k] = false;
                let (smin, smax) = scaled(a, (l, u));
                self.undo.push(Undo::Leaf {
                    var: k,
                    coef: a,
                    others: row.terms.clone(),
                    lo: row.lo,
                    hi: row.hi,
                });
                row.lo = minus(row.lo, smax);
                row.hi = minus(row.hi, smin);
                self.rows_left.push(ri);
            }
            _ => {}
        }
        Some(())
    }
}

impl Reduced {
    /// Fills in the eliminated unknowns of `x` (a solution of the reduced system, the kept
    /// unknowns set), last eliminated first.
    pub fn complete(&self, x: &mut [f64]) {
        for u in self.undo.iter().rev() {
            match u {
                Undo::Fixed { var, value } => x[*var] = *value,
                Undo::Free { var } => {
                    let (l, h) = self.bounds[*var];
                    x[*var] = if l.is_finite() { l } else { h.min(0.0) };
                }
                Undo::Leaf {
                    var,
                    coef,
                    others,
                    lo,
                    hi,
                } => {
                    let s: f64 = others.iter().map(|&(v, c)| c * x[v]).sum();
                    // a·x_k ∈ [lo − s, hi − s], within the bounds of x_k
                    let (mut a, mut b) = ((lo - s) / coef, (hi - s) / coef);
                    if a > b {
                        std::mem::swap(&mut a, &mut b);
                    }
                    let (l, h) = self.bounds[*var];
                    let lo = a.max(l);
                    let hi = b.min(h);
                    x[*var] = if lo.is_finite() {
                        lo
                    } else if hi.is_finite() {
                        hi
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(terms: &[(usize, f64)], rhs: f64) -> Equation {
        Equation {
            terms: terms.to_vec(),
            rhs,
        }
    }

    #[test]
    fn a_building_of_hidden_stairwells_folds_into_a_bound() {
        // b = c1 + c2 + c3, each stairwell in [0, 4]; p = b + 5, p kept
        let inf = f64::INFINITY;
        let bounds = vec![(0.0, inf), (0.0, 4.0), (0.0, 4.0), (0.0, 4.0), (0.0, inf)];
        let eqs = vec![
            eq(&[(0, 1.0), (1, -1.0), (2, -1.0), (3, -1.0)], 0.0),
            eq(&[(4, 1.0), (0, -1.0)], 5.0),
        ];
        let r = reduce(&bounds, &eqs, &[4]).unwrap();
        assert!(r.constraints.is_empty());
        assert_eq!(r.kept, vec![false, false, false, false, true]);
        assert_eq!(r.bounds[4], (5.0, 17.0));
        let mut x = vec![0.0; 5];
        x[4] = 17.0;
        r.complete(&mut x);
        assert_eq!(x[0], 12.0);
        assert_eq!(x[1] + x[2] + x[3], 12.0);
        assert!(x[1..4].iter().all(|&v| (0.0..=4.0).contains(&v)));
    }

    #[test]
    fn contradicting_bounds_are_found() {
        // a + b = 10 with a, b in [0, 3]
        let bounds = vec![(0.0, 3.0), (0.0, 3.0)];
        let eqs = vec![eq(&[(0, 1.0), (1, 1.0)], 10.0)];
        assert!(reduce(&bounds, &eqs, &[]).is_none());
    }

    #[test]
    fn a_cycle_of_relations_is_kept() {
        // two parents sharing two children: nothing held by one relation only but the rests
        let inf = f64::INFINITY;
        let bounds = vec![(0.0, inf); 4];
        let eqs = vec![
            eq(&[(0, 1.0), (1, 1.0)], 3.0),
            eq(&[(0, 1.0), (1, 1.0), (2, -1.0)], 3.0),
            eq(&[(0, 1.0), (3, 1.0)], 2.0),
        ];
        let r = reduce(&bounds, &eqs, &[0]).unwrap();
        assert!(r.kept[0] && r.kept[1]);
        assert!(!r.kept[3]);
        assert!(r.bounds[0].1 <= 2.0 + 1e-9);
    }
}
