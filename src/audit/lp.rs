//! Linear programs of one connected group of unknowns, solved with `microlp` (simplex in `f64`).
//!
//! Tolerances: microlp meets every constraint within `1e-7` (absolute, or the round-off of
//! `f64`). All unknowns are integer counts or sums of integer cents / hundredths, the
//! constraints have coefficients ±1, so optimal vertices are whole numbers up to round-off; the
//! audit widens every interval it reads by [`EPS`] before counting the whole numbers in it,
//! which can only make it report a value as pinned more readily, never less.

use microlp::{ComparisonOp, Error, LinearExpr, OptimizationDirection, Problem};

/// Widening applied to LP bounds before counting whole numbers.
pub const EPS: f64 = 1e-6;

/// Bounds of an unknown from what the published values say of it (`[lo, hi]` in whole units,
/// `hi == i64::MAX` when unbounded; nothing known: `[0, ∞)`).
pub fn var_bounds(known: Option<(i64, i64)>) -> (f64, f64) {
    let (lo, hi) = known.unwrap_or((0, i64::MAX));
    let hi = if hi == i64::MAX {
        f64::INFINITY
    } else {
        hi as f64
    };
    (lo.max(0) as f64, hi)
}

/// `Σ coef·x = rhs` over the variables of a [`System`].
#[derive(Debug, Clone)]
pub struct Equation {
    pub terms: Vec<(usize, f64)>,
    pub rhs: f64,
}

/// Variables with bounds and equality constraints.
#[derive(Debug, Clone, Default)]
pub struct System {
    pub bounds: Vec<(f64, f64)>,
    pub equations: Vec<Equation>,
}

/// Outcome of one optimisation.
#[derive(Debug, Clone)]
pub enum Optimum {
    /// A feasible point reaching the optimum.
    Point(Vec<f64>),
    Unbounded,
}

/// The published values contradict the relations (never expected).
#[derive(Debug, Clone)]
pub struct Infeasible(pub String);

impl System {
    /// Optimises `Σ w·x` (`maximise` or minimise).
    pub fn optimise(
        &self,
        weights: &[(usize, f64)],
        maximise: bool,
    ) -> Result<Optimum, Infeasible> {
        let dir = if maximise {
            OptimizationDirection::Maximize
        } else {
            OptimizationDirection::Minimize
        };
        let mut p = Problem::new(dir);
        let mut obj = vec![0.0; self.bounds.len()];
        for &(v, w) in weights {
            obj[v] += w;
        }
        let vars: Vec<_> = self
            .bounds
            .iter()
            .zip(&obj)
            .map(|(&b, &o)| p.add_var(o, b))
            .collect();
        for e in &self.equations {
            let mut expr = LinearExpr::empty();
            for &(v, c) in &e.terms {
                expr.add(vars[v], c);
            }
            p.add_constraint(expr, ComparisonOp::Eq, e.rhs);
        }
        let mut opts = microlp::SolveOptions::default();
        opts.presolve = false;
        opts.dual_fixing = false;
        match p.solve_with(opts) {
            Ok(outcome) => match outcome.into_solution() {
                Ok(sol) => Ok(Optimum::Point(
                    vars.iter().map(|&v| sol.var_value(v)).collect(),
                )),
                Err(_) => Err(Infeasible("résolution interrompue".into())),
            },
            Err(Error::Unbounded) => Ok(Optimum::Unbounded),
            Err(e) => Err(Infeasible(e.to_string())),
        }
    }
}

/// Number of whole numbers in `[lo, hi]` after widening by [`EPS`] (capped at 2).
pub fn whole_numbers(lo: f64, hi: f64) -> u32 {
    if hi.is_infinite() {
        return 2;
    }
    let a = (lo - EPS).ceil();
    let b = (hi + EPS).floor();
    if b < a {
        0
    } else {
        ((b - a) as u32 + 1).min(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_hidden_children_of_a_known_parent_range_over_the_remainder() {
        // parent 10 = a + b + 7 published: a, b in [0, 3]
        let s = System {
            bounds: vec![(0.0, f64::INFINITY); 2],
            equations: vec![Equation {
                terms: vec![(0, 1.0), (1, 1.0)],
                rhs: 3.0,
            }],
        };
        let Optimum::Point(max) = s.optimise(&[(0, 1.0)], true).unwrap() else {
            panic!()
        };
        let Optimum::Point(min) = s.optimise(&[(0, 1.0)], false).unwrap() else {
            panic!()
        };
        assert!((max[0] - 3.0).abs() < 1e-7 && min[0].abs() < 1e-7);
        assert_eq!(whole_numbers(min[0], max[0]), 2);
        assert_eq!(whole_numbers(2.9999999, 3.0000001), 1);
        assert_eq!(whole_numbers(0.2, 0.8), 0);
    }

    #[test]
    fn contradictory_equations_are_reported() {
        let s = System {
            bounds: vec![(0.0, f64::INFINITY)],
            equations: vec![Equation {
                terms: vec![(0, 1.0)],
                rhs: -1.0,
            }],
        };
        assert!(s.optimise(&[(0, 1.0)], true).is_err());
    }
}

#[cfg(test)]
mod regression {
    use super::*;

    /// Programme 2 units (1 among recent movers) over six hidden buildings, each the sum of
    /// its hidden stairwells, with the recent movers of each building and stairwell at most
    /// those of all households. Stairwell A-2 has no recent movers of its own: it can hold
    /// one unit (two would leave building A without room for the recent mover).
    #[test]
    fn hidden_stairwell_without_recent_movers_can_hold_a_unit() {
        let inf = f64::INFINITY;
        let mut s = System::default();
        fn var(s: &mut System) -> usize {
            s.bounds.push((0.0, f64::INFINITY));
            s.bounds.len() - 1
        }
        let eq = |s: &mut System, terms: Vec<(usize, f64)>, rhs: f64| {
            s.equations.push(Equation { terms, rhs })
        };
        // stairwells per building, and which have recent movers
        let layout: [&[bool]; 6] = [
            &[true, false],
            &[true, false],
            &[false, true, false],
            &[true, true, true, true],
            &[true, true, false],
            &[true],
        ];
        let mut b = Vec::new();
        let mut r = Vec::new();
        let mut target = 0;
        for (k, cages) in layout.iter().enumerate() {
            let (bk, rk) = (var(&mut s), var(&mut s));
            b.push(bk);
            r.push(rk);
            let rest = var(&mut s);
            eq(&mut s, vec![(bk, 1.0), (rk, -1.0), (rest, -1.0)], 0.0);
            let mut ens = vec![(bk, 1.0)];
            let mut rec = vec![(rk, 1.0)];
            for (i, &has_recent) in cages.iter().enumerate() {
                let c = var(&mut s);
                if k == 0 && i == 1 {
                    target = c;
                }
                ens.push((c, -1.0));
                if has_recent {
                    let cr = var(&mut s);
                    rec.push((cr, -1.0));
                    let rest = var(&mut s);
                    eq(&mut s, vec![(c, 1.0), (cr, -1.0), (rest, -1.0)], 0.0);
                }
            }
            eq(&mut s, ens, 0.0);
            eq(&mut s, rec, 0.0);
        }
        eq(&mut s, b.iter().map(|&v| (v, 1.0)).collect(), 2.0);
        eq(&mut s, r.iter().map(|&v| (v, 1.0)).collect(), 1.0);
        let _ = inf;
        let Optimum::Point(x) = s.optimise(&[(target, 1.0)], true).unwrap() else {
            panic!("bounded")
        };
        assert!((x[target] - 1.0).abs() < 1e-6, "max = {}", x[target]);
    }
}
