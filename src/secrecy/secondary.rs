//! Secondary suppression over all layers together.
//!
//! # Attacker model
//! Every published value is a sum over inner cells (see [`super::structure`]) of an additive
//! measure, or a ratio of two such sums; [`super::reveal`] says which measures a row gives away.
//! An unpublished value is *protected* when the true data can be changed — keeping every
//! published value of every layer, every unit count non-negative — so that this value changes.
//! We look for such a change of the simplest kind, an *exchange* between two inner cells `j`
//! (inside the row) and `k` (outside) that no published row tells apart:
//! * a count: move one unit (dwelling with its household) from one cell to the other, the one
//!   giving it holding a unit that counts in the measure (partition of cells by every row with
//!   any published value);
//! * a share of a distribution (typologie, financement, APL…): swap the category of two units,
//!   one in each cell — the denominator of every row stays the same, so the share changes
//!   (partition by the rows giving away any measure of that distribution);
//! * a mean: move one unit whose value differs from the mean of the row.
//!
//! Such an exchange is a certificate that the value is neither computable by differencing
//! (GaussSuppression's linear test) nor pinned by non-negativity (two hidden siblings whose sum
//! is known to be 0). It is stronger than needed where only longer cycles would protect a value,
//! which costs some extra suppression. Zeros: a value of 0 below a published 0 of a zone that
//! contains it (same measure) is implied by that published 0 and needs no exchange.
//! Singletons: an inner cell holding one dwelling is known to that dwelling's household, so it
//! is never used as the other end of an exchange (except by the row made of that dwelling).
//!
//! # Search
//! Candidate values are examined one by one, largest rows first (ties: coarser scale, ensemble,
//! whole zone, unit code, catalogue order): publishing a value refines the partitions; if an
//! unpublished value loses its last exchange, the candidate is suppressed instead
//! (`secret_secondaire`) and joins the values to protect. Everything is exact (counts of cells)
//! and depends only on this order, never on input order or thread count. The pass is repeated
//! from the new statuses until it suppresses nothing more.

use std::cmp::Reverse;
use std::time::Instant;

use super::partition::{Partition, SplitRecord};
use super::reveal::{self, Family, MeasureSet};
use super::structure::{ext, Model, SecondaryInput, N_EXT};
use super::{PublishedTable, SecondaryReport, SecrecyError, Status};
use crate::aggregate::Aggregates;
use crate::indicators::{self, IndicatorDef, Kind, Measure, N_MEASURES};
use crate::model::Population;

/// Upper bound of cells scanned when looking for a unit whose value differs from a mean.
const MEAN_SCAN: usize = 256;
const MAX_PASSES: u32 = 10;
const _: () = assert!(N_EXT <= 128, "extended measures fit in a MeasureSet");

#[derive(Debug, Clone, Copy)]
enum Cert {
    /// Move one unit (partition 0), extended measure.
    Move(usize),
    /// Swap categories between two units of the same recent-mover status: family index,
    /// category index, status (0: not recent, 1: recent movers).
    Swap(usize, usize, usize),
    /// Move a unit whose value differs from the mean (or share): extended numerator,
    /// denominator.
    Mean(usize, usize),
    /// Swap the values (rent, surface) of two units of the same recent-mover status whose values
    /// differ (last partition): base numerator, base denominator, status.
    ValueSwap(usize, usize, usize),
}

#[derive(Debug, Clone)]
struct Item {
    row: u32,
    /// No exchange avoiding cells of a single dwelling exists even before anything is
    /// published: such exchanges are allowed for this value (see `singleton_exposed`).
    relaxed: bool,
    /// Base measure of the numerator (in the row's population).
    num: usize,
    certs: Vec<Cert>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Witness {
    Exempt,
    /// Partition, cell of the row, cell outside: valid while no published row separates them.
    Pair(u8, u32, u32),
}

struct Fam {
    family: Family,
    /// Extended measures a category swap changes.
    linked: MeasureSet,
}

/// Extended measures equal on every inner cell (e.g. recent movers among all households and
/// households of the recent movers): they are the same unknowns to an attacker.
fn linkage(model: &Model) -> Vec<MeasureSet> {
    let n = model.n_inner();
    let mut linked: Vec<MeasureSet> = (0..N_EXT).map(|k| MeasureSet(1 << k)).collect();
    for a in 0..N_EXT {
        if (0..n as u32).all(|c| model.x(c, a) == 0) {
            continue;
        }
        for b in a + 1..N_EXT {
            if (0..n as u32).all(|c| model.x(c, a) == model.x(c, b)) {
                linked[a].0 |= 1 << b;
                linked[b].0 |= 1 << a;
            }
        }
    }
    linked
}

fn shift(set: MeasureSet, population: Population) -> MeasureSet {
    MeasureSet(set.0 << ext(population, 0))
}

struct Search<'a> {
    model: &'a Model,
    ancestors: &'a [Vec<u32>],
    linked: &'a [MeasureSet],
    /// Partition of value swaps (the last one) and the measures such a swap changes.
    value_pid: usize,
    value_linked: MeasureSet,
    defs: Vec<&'a [&'static IndicatorDef]>,
    parts: Vec<Partition>,
    fams: Vec<Fam>,
    singleton: Vec<bool>,
    pub_mask: Vec<u128>,
    /// Base measures given away, in the row's population.
    revealed: Vec<MeasureSet>,
    refined: Vec<u64>,
    items: Vec<Item>,
    witness: Vec<Option<Witness>>,
    /// `wit[partition][cell]`: items whose witness pair holds the cell (stale entries skipped).
    wit: Vec<Vec<Vec<u32>>>,
    stamp: Vec<u32>,
    epoch: u32,
}

impl<'a> Search<'a> {
    fn row_defs(&self, r: u32) -> &'a [&'static IndicatorDef] {
        self.defs[r as usize]
    }

    /// Whether `cell` of `row` may give a unit away in an exchange: a cell of one dwelling is
    /// known to that dwelling's household, unless the row is that dwelling alone.
    fn gives(&self, row: u32, cell: u32) -> bool {
        !self.singleton[cell as usize] || self.model.rows[row as usize].dwellings() == 1
    }

    fn exempt(&self, row: u32, m: usize) -> bool {
        self.ancestors[row as usize].iter().any(|&a| {
            let a = a as usize;
            self.revealed[a].0 >> m & 1 == 1 && self.model.rows[a].measures[m] == 0
        })
    }

    /// Row cells grouped by class of partition `pid`.
    fn groups(&self, pid: usize, row: u32) -> Vec<(u32, u32)> {
        let p = &self.parts[pid];
        let mut g: Vec<(u32, u32)> = self.model.rows[row as usize]
            .cells
            .iter()
            .map(|&c| (p.class_of(c), c))
            .collect();
        g.sort_unstable();
        g
    }

    /// Measure `m` (base index) of the units of `cell` that are not recent movers (`status`
    /// 0) or that are (1).
    fn units_of(&self, cell: u32, m: usize, status: usize) -> i64 {
        let rec = self.model.x(cell, N_MEASURES + m);
        if status == 1 {
            rec
        } else {
            self.model.x(cell, m) - rec
        }
    }

    /// A cell of `class` outside `row` satisfying `ok` (scans the class members).
    fn partner(
        &self,
        pid: usize,
        class: u32,
        row: &[u32],
        ok: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        self.parts[pid]
            .members(class)
            .iter()
            .copied()
            .find(|&c| ok(c) && row.binary_search(&c).is_err())
    }

    /// A valid exchange for `it` under `cert`: the pair (cell of the row, cell outside).
    /// With `relaxed`, cells of one dwelling may give a unit too (the exchange is then hidden
    /// from every attacker but that dwelling's household).
    fn cert(&self, it: &Item, cert: Cert, relaxed: bool) -> Option<Witness> {
        let model = self.model;
        let row = &model.rows[it.row as usize];
        let x = |c: u32, e: usize| model.x(c, e);
        let pid = match cert {
            Cert::Move(_) | Cert::Mean(..) => 0usize,
            Cert::Swap(f, ..) => f + 1,
            Cert::ValueSwap(..) => self.value_pid,
        };
        let g = self.groups(pid, it.row);
        let p = &self.parts[pid];
        let ns = |c: u32| relaxed || !self.singleton[c as usize];
        let gives = |c: u32| relaxed || self.gives(it.row, c);
        let pair = |j: u32, k: u32| Some(Witness::Pair(pid as u8, j, k));
        let mut i = 0;
        while i < g.len() {
            let class = g[i].0;
            let mut end = i;
            while end < g.len() && g[end].0 == class {
                end += 1;
            }
            let cells: Vec<u32> = g[i..end].iter().map(|&(_, c)| c).collect();
            i = end;
            let k_all = p.size(class) - cells.len() as u32;
            let found = match cert {
                Cert::Move(e) => {
                    let own = cells.iter().filter(|&&c| x(c, e) > 0 && ns(c)).count() as u32;
                    let k_give = if relaxed { 1 } else { p.count(class, e) - own };
                    if k_give > 0 {
                        let k = self.partner(pid, class, &row.cells, |c| ns(c) && x(c, e) > 0);
                        k.and_then(|k| pair(cells[0], k))
                    } else if k_all > 0 {
                        let j = cells.iter().copied().find(|&c| x(c, e) > 0 && gives(c));
                        j.and_then(|j| {
                            self.partner(pid, class, &row.cells, |_| true)
                                .and_then(|k| pair(j, k))
                        })
                    } else {
                        None
                    }
                }
                Cert::Swap(f, k, status) => {
                    let fam = &self.fams[f].family;
                    let cat = fam.categories[k] as usize;
                    let den = fam.denominator as usize;
                    let base = 4 * k + 2 * status;
                    let y = |c: u32| self.units_of(c, cat, status) > 0;
                    let n =
                        |c: u32| self.units_of(c, den, status) - self.units_of(c, cat, status) > 0;
                    let own_y = cells.iter().filter(|&&c| y(c) && ns(c)).count() as u32;
                    let own_n = cells.iter().filter(|&&c| n(c) && ns(c)).count() as u32;
                    let (ky, kn) = if relaxed {
                        (1, 1)
                    } else {
                        (
                            p.count(class, base) - own_y,
                            p.count(class, base + 1) - own_n,
                        )
                    };
                    let jy = cells.iter().copied().find(|&c| y(c) && gives(c));
                    let jn = cells.iter().copied().find(|&c| n(c) && gives(c));
                    let first = match jy {
                        Some(j) if kn > 0 => self
                            .partner(pid, class, &row.cells, |c| ns(c) && n(c))
                            .and_then(|k| pair(j, k)),
                        _ => None,
                    };
                    first.or_else(|| match jn {
                        Some(j) if ky > 0 => self
                            .partner(pid, class, &row.cells, |c| ns(c) && y(c))
                            .and_then(|k| pair(j, k)),
                        _ => None,
                    })
                }
                Cert::ValueSwap(n, d, status) => {
                    let xn = |c: u32| self.units_of(c, n, status) as i128;
                    let xd = |c: u32| self.units_of(c, d, status) as i128;
                    let differs = |a: u32, b: u32| xn(a) * xd(b) != xn(b) * xd(a);
                    cells
                        .iter()
                        .copied()
                        .filter(|&c| gives(c) && xd(c) > 0)
                        .find_map(|j| {
                            p.members(class)
                                .iter()
                                .copied()
                                .filter(|&c| {
                                    ns(c) && xd(c) > 0 && row.cells.binary_search(&c).is_err()
                                })
                                .take(MEAN_SCAN)
                                .find(|&k| differs(j, k))
                                .and_then(|k| pair(j, k))
                        })
                }
                Cert::Mean(n, d) => {
                    let off = ext(row.population, 0);
                    let (a, b) = (row.measures[n - off] as i128, row.measures[d - off] as i128);
                    let differs =
                        |c: u32| x(c, d) > 0 && x(c, n) as i128 * b != a * x(c, d) as i128;
                    let out = if b >= 2 && k_all > 0 {
                        cells
                            .iter()
                            .copied()
                            .find(|&c| gives(c) && differs(c))
                            .and_then(|j| {
                                self.partner(pid, class, &row.cells, |_| true)
                                    .and_then(|k| pair(j, k))
                            })
                    } else {
                        None
                    };
                    out.or_else(|| {
                        p.members(class)
                            .iter()
                            .copied()
                            .filter(|&c| ns(c) && row.cells.binary_search(&c).is_err())
                            .take(MEAN_SCAN)
                            .find(|&k| differs(k))
                            .and_then(|k| pair(cells[0], k))
                    })
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn evaluate(&self, id: u32) -> Option<Witness> {
        let it = &self.items[id as usize];
        let a = self.model.rows[it.row as usize].measures[it.num];
        if a == 0 && self.exempt(it.row, it.num) {
            return Some(Witness::Exempt);
        }
        it.certs.iter().find_map(|&c| self.cert(it, c, it.relaxed))
    }

    /// Evaluates a new item; without any exchange avoiding single-dwelling cells, it is
    /// protected with them instead.
    fn first_evaluation(&mut self, id: u32) -> Option<Witness> {
        let w = self.evaluate(id);
        if w.is_some() {
            return w;
        }
        self.items[id as usize].relaxed = true;
        self.evaluate(id)
    }

    fn set_witness(&mut self, id: u32, w: Option<Witness>) {
        self.witness[id as usize] = w;
        if let Some(Witness::Pair(pid, j, k)) = w {
            let lists = &mut self.wit[pid as usize];
            lists[j as usize].push(id);
            lists[k as usize].push(id);
        }
    }

    fn new_item(&mut self, row: u32, d: &IndicatorDef) -> u32 {
        let r = &self.model.rows[row as usize];
        let pop = r.population;
        let statuses: &[usize] = if pop == Population::Recents {
            &[1]
        } else {
            &[0, 1]
        };
        let num = d.numerator as usize;
        let mut certs = Vec::new();
        let swaps = |certs: &mut Vec<Cert>, group: Option<&str>, den: Option<usize>| {
            for (f, fam) in self.fams.iter().enumerate() {
                let fam = &fam.family;
                if group.is_some_and(|g| g != fam.name)
                    || den.is_some_and(|dn| dn != fam.denominator as usize)
                {
                    continue;
                }
                if let Some(k) = fam.categories.iter().position(|&c| c == d.numerator) {
                    // recent movers swap with recent movers; any unit for the whole population
                    for status in statuses {
                        certs.push(Cert::Swap(f, k, *status));
                    }
                }
            }
        };
        match d.kind {
            Kind::Count => {
                let e = ext(pop, num);
                certs.push(Cert::Move(e));
                // a category swap changes every measure equal to that category
                // (a swap among recent movers changes the category for both populations)
                for (f, fam) in self.fams.iter().enumerate() {
                    for (k, &c) in fam.family.categories.iter().enumerate() {
                        for status in 0..2 {
                            let hit = self.linked[c as usize].contains_index(e)
                                || (status == 1
                                    && self.linked[N_MEASURES + c as usize].contains_index(e));
                            if hit {
                                certs.push(Cert::Swap(f, k, status));
                            }
                        }
                    }
                }
            }
            Kind::Share | Kind::Mean { .. } => {
                let den = d.denominator.expect("ratios have a denominator") as usize;
                if r.measures[den] == 0 {
                    // undefined here: a unit counting in the numerator must be able to come in
                    // (else the value would be known to be 0 whenever defined)
                    certs.push(Cert::Move(ext(pop, num)));
                } else if d.kind == Kind::Share {
                    swaps(&mut certs, Some(d.group.unwrap_or(d.field)), Some(den));
                    certs.push(Cert::Mean(ext(pop, num), ext(pop, den)));
                } else {
                    for status in statuses {
                        certs.push(Cert::ValueSwap(num, den, *status));
                    }
                    certs.push(Cert::Mean(ext(pop, num), ext(pop, den)));
                }
            }
        }
        self.items.push(Item {
            row,
            num,
            certs,
            relaxed: false,
        });
        self.witness.push(None);
        (self.items.len() - 1) as u32
    }

    /// Refines the partitions by `row` as its published values now give away `rev`.
    fn refine_row(&mut self, row: u32, rev: MeasureSet, log: &mut Vec<(usize, SplitRecord)>) {
        let r = &self.model.rows[row as usize];
        let cells = &r.cells;
        let rev_ext = shift(rev, r.population);
        let mut tmp = Vec::new();
        if self.refined[row as usize] & 1 == 0 && !rev.is_empty() {
            self.parts[0].refine(cells, &mut tmp);
            log.extend(tmp.drain(..).map(|s| (0, s)));
            self.refined[row as usize] |= 1;
        }
        for f in 0..self.fams.len() {
            let bit = 1u64 << (f + 1);
            if self.refined[row as usize] & bit == 0 && rev_ext.intersects(self.fams[f].linked) {
                self.parts[f + 1].refine(cells, &mut tmp);
                log.extend(tmp.drain(..).map(|s| (f + 1, s)));
                self.refined[row as usize] |= bit;
            }
        }
        let (vp, bit) = (self.value_pid, 1u64 << self.value_pid);
        if self.refined[row as usize] & bit == 0 && rev_ext.intersects(self.value_linked) {
            self.parts[vp].refine(cells, &mut tmp);
            log.extend(tmp.drain(..).map(|s| (vp, s)));
            self.refined[row as usize] |= bit;
        }
    }

    fn revealed_with(&self, row: u32, mask: u128) -> MeasureSet {
        let defs = self.row_defs(row);
        reveal::revealed(
            defs.iter()
                .enumerate()
                .filter(|(k, _)| mask >> k & 1 == 1)
                .map(|(_, d)| *d),
        )
    }
}

fn scale_rank(r: &super::structure::Row) -> u8 {
    r.scale.map(|s| s as u8).unwrap_or(0)
}

/// One greedy pass. Returns the values suppressed (row, indicator index) and the number of
/// unpublished values left without an exchange.
fn pass(
    model: &Model,
    ancestors: &[Vec<u32>],
    masked_totals: &std::collections::HashSet<u32>,
    tables: &[PublishedTable],
    fams: &[Family],
    linked: &[MeasureSet],
    report: &mut SecondaryReport,
) -> (Vec<(u32, usize)>, u64) {
    let n_rows = model.rows.len();
    let n_inner = model.n_inner();
    let empty: &[&'static IndicatorDef] = &[];
    let defs: Vec<&[&'static IndicatorDef]> = model
        .rows
        .iter()
        .map(|r| match r.table {
            Some(t) => tables[t as usize].indicators.as_slice(),
            None => empty,
        })
        .collect();
    let singleton: Vec<bool> = model.units.iter().map(|&u| u == 1).collect();
    // partition 0: rows with any published value; predicate e: "gives e" (e > 0, not alone)
    let masks0: Vec<u128> = (0..n_inner as u32)
        .map(|c| {
            if singleton[c as usize] {
                return 0;
            }
            let mut b: u128 = 0;
            for e in 0..N_EXT {
                if model.x(c, e) > 0 {
                    b |= 1 << e;
                }
            }
            b
        })
        .collect();
    let mut parts = vec![Partition::new(masks0, N_EXT)];
    let mut famv = Vec::new();
    let all_recents = MeasureSet(((1u128 << N_MEASURES) - 1) << N_MEASURES);
    for f in fams {
        let masks: Vec<u128> = (0..n_inner as u32)
            .map(|c| {
                let mut b = 0u128;
                if !singleton[c as usize] {
                    for status in 0..2 {
                        let of = |m: usize| {
                            let rec = model.x(c, N_MEASURES + m);
                            if status == 1 {
                                rec
                            } else {
                                model.x(c, m) - rec
                            }
                        };
                        let den = of(f.denominator as usize);
                        for (k, &cat) in f.categories.iter().enumerate() {
                            let v = of(cat as usize);
                            if v > 0 {
                                b |= 1 << (4 * k + 2 * status);
                            }
                            if den - v > 0 {
                                b |= 1 << (4 * k + 2 * status + 1);
                            }
                        }
                    }
                }
                b
            })
            .collect();
        parts.push(Partition::new(masks, 4 * f.categories.len()));
        let mut l = MeasureSet::default();
        let mut own = MeasureSet::default();
        for &c in &f.categories {
            for pop in Population::ALL {
                let e = ext(pop, c as usize);
                own.0 |= 1 << e;
                l = l.union(linked[e]);
            }
        }
        // a category tied to other measures of the recent movers (moving in or out of that
        // population) changes every measure of the recent movers
        if l.0 & all_recents.0 & !own.0 != 0 {
            l = l.union(all_recents);
        }
        famv.push(Fam {
            family: f.clone(),
            linked: l,
        });
    }
    // value swaps: every numerator of a mean, in both populations
    let mut value_linked = MeasureSet::default();
    for d in tables.iter().flat_map(|t| t.indicators.iter()) {
        if let Kind::Mean { .. } = d.kind {
            for pop in Population::ALL {
                value_linked = value_linked.union(linked[ext(pop, d.numerator as usize)]);
            }
        }
    }
    let value_pid = parts.len();
    parts.push(Partition::new(vec![0; n_inner], 0));
    assert!(parts.len() <= 64, "too many distributions");
    let n_parts = parts.len();
    let mut s = Search {
        model,
        ancestors,
        linked,
        value_pid,
        value_linked,
        defs,
        parts,
        fams: famv,
        singleton,
        pub_mask: vec![0; n_rows],
        revealed: vec![MeasureSet::default(); n_rows],
        refined: vec![0; n_rows],
        items: Vec::new(),
        witness: Vec::new(),
        wit: vec![vec![Vec::new(); n_inner]; n_parts],
        stamp: Vec::new(),
        epoch: 0,
    };

    // values to protect, candidates
    let mut candidates: Vec<(u32, usize)> = Vec::new();
    for (r, row) in model.rows.iter().enumerate() {
        if row.virtual_cell {
            for d in indicators::for_population(row.population) {
                s.new_item(r as u32, d);
            }
            continue;
        }
        let Some(t) = row.table else {
            // a territory-wide total of the manifest: published unless it breaks a protection
            if !masked_totals.contains(&(r as u32)) {
                candidates.push((r as u32, 0));
            }
            continue;
        };
        let pt = &tables[t as usize];
        let n = pt.indicators.len();
        assert!(n <= 128, "too many indicators in one layer");
        for (k, d) in pt.indicators.iter().enumerate() {
            if pt.cells[row.pos as usize * n + k].status.is_published() {
                candidates.push((r as u32, k));
            } else {
                s.new_item(r as u32, d);
            }
        }
    }
    candidates.sort_by_key(|&(r, k)| {
        let row = &model.rows[r as usize];
        (
            Reverse(row.dwellings()),
            scale_rank(row),
            row.population,
            row.split,
            row.code.as_str(),
            k,
        )
    });
    report.candidates += candidates.len() as u64;

    let mut log = Vec::new();
    for id in 0..s.items.len() as u32 {
        let w = s.first_evaluation(id);
        s.set_witness(id, w);
    }

    let mut suppressed = Vec::new();
    let mut affected: Vec<u32> = Vec::new();
    let mut new_w: Vec<(u32, Option<Witness>)> = Vec::new();
    let debug = std::env::var_os("OPSGEO_DEBUG_SECRET").is_some();
    s.stamp = vec![0; s.items.len()];
    for (r, k) in candidates {
        let ru = r as usize;
        let old_mask = s.pub_mask[ru];
        let old_rev = s.revealed[ru];
        let old_refined = s.refined[ru];
        let is_total = model.rows[ru].table.is_none();
        let mask = old_mask | 1 << k;
        let rev = if is_total {
            let mut rev = MeasureSet::default();
            rev.insert(Measure::Dwellings);
            rev
        } else {
            s.revealed_with(r, mask)
        };
        s.pub_mask[ru] = mask;
        s.revealed[ru] = rev;
        log.clear();
        s.refine_row(r, rev, &mut log);
        // items whose witness class was split
        s.epoch += 1;
        if s.stamp.len() < s.items.len() {
            s.stamp.resize(s.items.len(), 0);
        }
        affected.clear();
        // items whose witness pair the split separates: one end moved, the other did not
        for &(pid, rec) in &log {
            let part = &s.parts[pid];
            for &c in part.members(rec.to) {
                for &id in &s.wit[pid][c as usize] {
                    let Some(Witness::Pair(wp, j, k)) = s.witness[id as usize] else {
                        continue;
                    };
                    if wp as usize != pid || (j != c && k != c) {
                        continue;
                    }
                    let other = if j == c { k } else { j };
                    if part.class_of(other) != rec.to && s.stamp[id as usize] != s.epoch {
                        s.stamp[id as usize] = s.epoch;
                        affected.push(id);
                    }
                }
            }
        }
        new_w.clear();
        let mut reject = false;
        for &id in &affected {
            let w = s.evaluate(id);
            if w.is_none() {
                reject = true;
                if debug {
                    let it = &s.items[id as usize];
                    let br = &model.rows[it.row as usize];
                    let cr = &model.rows[ru];
                    eprintln!(
                        "secondaire : {:?}/{:?}/{:?} {} #{} ({} logements) masqué pour {:?}/{:?}/{:?} {} mesure {} = {} {:?}",
                        cr.scale, cr.population, cr.split, cr.code, k, cr.dwellings(),
                        br.scale, br.population, br.split, br.code, it.num, br.measures[it.num], it.certs
                    );
                }
                break;
            }
            new_w.push((id, w));
        }
        if reject {
            // undo, newest split first
            for &(pid, rec) in log.iter().rev() {
                let mut one = vec![rec];
                s.parts[pid].undo(&mut one, 0);
            }
            s.pub_mask[ru] = old_mask;
            s.revealed[ru] = old_rev;
            s.refined[ru] = old_refined;
            suppressed.push((r, k));
            if !is_total {
                let d = s.row_defs(r)[k];
                let id = s.new_item(r, d);
                let w = s.first_evaluation(id);
                s.set_witness(id, w);
            }
        } else {
            for &(id, w) in &new_w {
                s.set_witness(id, w);
            }
        }
    }

    // final check of every unpublished value
    let mut unprotected = 0;
    for id in 0..s.items.len() as u32 {
        let w = s.evaluate(id);
        if w.is_some() && s.items[id as usize].relaxed {
            report.singleton_exposed += 1;
        }
        if w.is_none() {
            unprotected += 1;
            if debug {
                let it = &s.items[id as usize];
                let br = &model.rows[it.row as usize];
                eprintln!(
                    "non protégé : {:?}/{:?}/{:?} {} mesure {} = {} {:?}",
                    br.scale,
                    br.population,
                    br.split,
                    br.code,
                    it.num,
                    br.measures[it.num],
                    it.certs
                );
            }
        }
    }
    (suppressed, unprotected)
}

/// Runs the secondary suppression and marks the values it suppresses in `tables`.
pub fn suppress(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    tables: &mut [PublishedTable],
    min_units: i64,
) -> Result<SecondaryReport, SecrecyError> {
    let start = Instant::now();
    let model = Model::build(aggs, input, tables, min_units)?;
    let mut report = SecondaryReport {
        inner_cells: model.n_inner() as u64,
        ..Default::default()
    };
    let mut all_defs: Vec<&'static IndicatorDef> = indicators::for_population(Population::Ensemble);
    for d in indicators::for_population(Population::Recents) {
        if !all_defs.iter().any(|e| e.field == d.field) {
            all_defs.push(d);
        }
    }
    let fams = reveal::families(&all_defs);
    let linked = linkage(&model);
    let ancestors: Vec<Vec<u32>> = (0..model.rows.len() as u32)
        .map(|r| {
            let mut a = Vec::new();
            model.ancestors(r, &mut a);
            a
        })
        .collect();
    let mut masked_totals = std::collections::HashSet::new();
    loop {
        report.passes += 1;
        let (suppressed, unprotected) = pass(
            &model,
            &ancestors,
            &masked_totals,
            tables,
            &fams,
            &linked,
            &mut report,
        );
        for &(r, k) in &suppressed {
            let row = &model.rows[r as usize];
            let Some(t) = row.table else {
                masked_totals.insert(r);
                report.totaux_masques.push(row.code.clone());
                continue;
            };
            let t = &mut tables[t as usize];
            let n = t.indicators.len();
            let c = &mut t.cells[row.pos as usize * n + k];
            c.status = Status::SecretSecondaire;
            c.value = None;
            c.base = None;
        }
        report.unprotected = unprotected;
        if !(suppressed.is_empty() || unprotected == 0 || report.passes >= MAX_PASSES) {
            report.singleton_exposed = 0;
        }
        if suppressed.is_empty() || unprotected == 0 || report.passes >= MAX_PASSES {
            break;
        }
    }
    report.seconds = start.elapsed().as_secs_f64();
    Ok(report)
}
