//! Linear programs of one connected group of unknowns, solved with `microlp` (simplex in `f64`).
//!
//! Tolerances: microlp meets every constraint within `1e-7` (absolute, or the round-off of
//! `f64`). All unknowns are integer counts or sums of integer cents / hundredths, the
//! constraints have coefficients ±1, so optimal vertices are whole numbers up to round-off; the
//! audit widens every interval it reads by [`EPS`] before counting the whole numbers in it,
//! which can only make it report a value as pinned more readily, never less.

use microlp::{ComparisonOp, Error, LinearExpr, OptimizationDirection, Problem, Variable};

use super::reduce::reduce;

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
        self.solve(weights, maximise, true)
    }

    /// [`Self::optimise`], the unknowns held by one relation only folded first or not.
    fn solve(
        &self,
        weights: &[(usize, f64)],
        maximise: bool,
        folded: bool,
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
        // the unknowns held by one relation only fold into bounds (exact: see `reduce`)
        let keep: Vec<usize> = (0..obj.len())
            .filter(|&v| !folded || obj[v] != 0.0)
            .collect();
        let red = reduce(&self.bounds, &self.equations, &keep)
            .ok_or_else(|| Infeasible("bornes contraires aux relations".into()))?;
        let vars: Vec<Option<Variable>> = (0..obj.len())
            .map(|v| red.kept[v].then(|| p.add_var(obj[v], red.bounds[v])))
            .collect();
        for c in &red.constraints {
            let expr = || {
                let mut expr = LinearExpr::empty();
                for &(v, k) in &c.terms {
                    expr.add(vars[v].expect("kept"), k);
                }
                expr
            };
            if c.lo == c.hi {
                p.add_constraint(expr(), ComparisonOp::Eq, c.lo);
                continue;
            }
            if c.lo.is_finite() {
                p.add_constraint(expr(), ComparisonOp::Ge, c.lo);
            }
            if c.hi.is_finite() {
                p.add_constraint(expr(), ComparisonOp::Le, c.hi);
            }
        }
        let mut opts = microlp::SolveOptions::default();
        opts.presolve = false;
        opts.dual_fixing = false;
        match p.solve_with(opts) {
            Ok(outcome) => match outcome.into_solution() {
                Ok(sol) => {
                    let mut x: Vec<f64> = vars
                        .iter()
                        .map(|v| v.map_or(0.0, |v| sol.var_value(v)))
                        .collect();
                    red.complete(&mut x);
                    Ok(Optimum::Point(x))
                }
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
mod folding {
    use super::*;
    use proptest::prelude::*;

    /// A random forest of sums (each parent the sum of its children, plus a rest for some),
    /// some rows known exactly or within a range: the optimum of every unknown is the same
    /// whether the leaves are folded into bounds first or not.
    fn system(parents: &[usize], known: &[(u8, u8)], rests: &[bool]) -> System {
        let n = parents.len() + 1;
        let mut s = System::default();
        for (i, &(a, w)) in known.iter().take(n).enumerate() {
            s.bounds.push(match (i % 3, a) {
                (0, _) => (0.0, f64::INFINITY),
                (1, _) => (a as f64, a as f64),
                _ => (a as f64, (a + w % 5) as f64),
            });
        }
        while s.bounds.len() < n {
            s.bounds.push((0.0, f64::INFINITY));
        }
        // row i + 1 is a child of row parents[i] mod (i + 1)
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, &p) in parents.iter().enumerate() {
            children[p % (i + 1)].push(i + 1);
        }
        for (p, ch) in children.iter().enumerate() {
            if ch.is_empty() {
                continue;
            }
            let mut terms = vec![(p, 1.0)];
            terms.extend(ch.iter().map(|&c| (c, -1.0)));
            if rests.get(p).copied().unwrap_or(false) {
                s.bounds.push((0.0, f64::INFINITY));
                terms.push((s.bounds.len() - 1, -1.0));
            }
            s.equations.push(Equation { terms, rhs: 0.0 });
        }
        s
    }

    fn value(o: Result<Optimum, Infeasible>, v: usize) -> Option<f64> {
        match o {
            Ok(Optimum::Point(x)) => Some(x[v]),
            Ok(Optimum::Unbounded) => Some(f64::INFINITY),
            Err(_) => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn folding_leaves_keeps_every_optimum(
            parents in proptest::collection::vec(0usize..1000, 1..40),
            known in proptest::collection::vec((0u8..30, 0u8..10), 41),
            rests in proptest::collection::vec(any::<bool>(), 41),
            pick in 0usize..1000,
        ) {
            let s = system(&parents, &known, &rests);
            let v = pick % s.bounds.len();
            for maximise in [false, true] {
                let a = value(s.solve(&[(v, 1.0)], maximise, true), v);
                let b = value(s.solve(&[(v, 1.0)], maximise, false), v);
                match (a, b) {
                    (Some(a), Some(b)) => prop_assert!(
                        (a - b).abs() < 1e-6 || (a.is_infinite() && b.is_infinite()),
                        "folded {a} whole {b}"
                    ),
                    (a, b) => prop_assert!(a.is_none() && b.is_none(), "folded {a:?} whole {b:?}"),
                }
                // the point returned meets every relation and bound
                if let Ok(Optimum::Point(x)) = s.solve(&[(v, 1.0)], maximise, true) {
                    for e in &s.equations {
                        let lhs: f64 = e.terms.iter().map(|&(k, c)| c * x[k]).sum();
                        prop_assert!((lhs - e.rhs).abs() < 1e-6, "relation {lhs} ≠ {}", e.rhs);
                    }
                    for (k, &(lo, hi)) in s.bounds.iter().enumerate() {
                        prop_assert!(x[k] >= lo - 1e-6 && x[k] <= hi + 1e-6, "x{k} = {} ∉ [{lo}, {hi}]", x[k]);
                    }
                }
            }
        }
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
