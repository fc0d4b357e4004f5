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
//! and depends only on this order, never on input order or thread count. A value suppressed
//! late may find its exchanges already cut by earlier publications: the pass is repeated from
//! the new statuses, with those values protected from the start, until a pass suppresses
//! nothing or every value it suppressed kept an exchange.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::time::Instant;

mod search;

use search::{linkage, Buffers, Fam, Search, Witness};

use super::bits::Bits;
use super::exchanges::{Exchange, Exchanges};
use super::partition::Partition;
use super::reveal::{self, Family, MeasureSet};
use super::structure::{ext, Model, SecondaryInput, N_EXT};
use super::{PublishedTable, SecondaryReport, SecrecyError, Status};
use crate::aggregate::Aggregates;
use crate::indicators::{self, IndicatorDef, Kind, N_MEASURES};
use crate::model::{Population, Scale, Split};

/// Upper bound of cells scanned when looking for a unit whose value differs from a mean.
pub(crate) const MEAN_SCAN: usize = 256;
const MAX_PASSES: u32 = 10;
const _: () = assert!(
    N_EXT <= Bits::CAPACITY,
    "extended measures fit in a MeasureSet"
);

fn scale_rank(r: &super::structure::Row) -> u8 {
    r.scale.map(|s| s as u8).unwrap_or(0)
}

/// Whether candidate `k` of row `r` is a value of 0.
fn is_zero(model: &Model, tables: &[PublishedTable], r: u32, k: usize) -> bool {
    let row = &model.rows[r as usize];
    row.table.is_some_and(|t| {
        let d = tables[t as usize].indicators[k];
        row.measures[d.numerator as usize] == 0
    })
}

/// What every pass shares: the model and what is derived from it alone.
struct Fixed<'a> {
    model: &'a Model,
    /// Containing rows of every row.
    ancestors: &'a [Vec<u32>],
    fams: &'a [Family],
    linked: &'a [MeasureSet],
    /// Rank of every row in the order candidates are tried (equal ranks: same key).
    row_rank: Vec<u32>,
}

impl<'a> Fixed<'a> {
    fn new(
        model: &'a Model,
        ancestors: &'a [Vec<u32>],
        fams: &'a [Family],
        linked: &'a [MeasureSet],
    ) -> Self {
        // largest rows first; the parts of a zone come right after the whole zone, its QPV
        // part first: a category absent from the QPV part is then published as a zero there
        // before the hors-QPV part (whole minus hors-QPV) implies it, and the values of 0
        // below it need no protection
        let whole: HashMap<(Option<Scale>, Population, &str), i64> = model
            .rows
            .iter()
            .filter(|r| r.split == Split::Tout && !r.virtual_cell)
            .map(|r| ((r.scale, r.population, r.code.as_str()), r.dwellings()))
            .collect();
        let key = |r: usize| {
            let row = &model.rows[r];
            let size = whole
                .get(&(row.scale, row.population, row.code.as_str()))
                .copied()
                .unwrap_or(row.dwellings());
            (
                Reverse(size),
                scale_rank(row),
                row.population,
                row.split,
                row.code.as_str(),
            )
        };
        let keys: Vec<_> = (0..model.rows.len()).map(key).collect();
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut row_rank = vec![0u32; keys.len()];
        let mut rank = 0;
        for i in 0..order.len() {
            if i > 0 && keys[order[i]] != keys[order[i - 1]] {
                rank += 1;
            }
            row_rank[order[i]] = rank;
        }
        Fixed {
            model,
            ancestors,
            fams,
            linked,
            row_rank,
        }
    }
}

/// What one pass found.
struct PassOutcome {
    /// Values suppressed: (row, indicator index).
    suppressed: Vec<(u32, usize)>,
    /// Unpublished values left without an exchange.
    unprotected: u64,
    /// Of them, values this pass suppressed (after publications that left them none).
    late_unprotected: u64,
    /// The exchange of every unpublished value that has one: (row, base measure, exchange).
    exchanges: Vec<(u32, usize, Exchange)>,
}

/// One greedy pass.
fn pass(
    fixed: &Fixed<'_>,
    masked_totals: &std::collections::HashSet<u32>,
    tables: &[PublishedTable],
    report: &mut SecondaryReport,
) -> PassOutcome {
    let Fixed {
        model,
        ancestors,
        fams,
        linked,
        ..
    } = *fixed;
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
    let masks0: Vec<Bits> = (0..n_inner as u32)
        .map(|c| {
            if singleton[c as usize] {
                return Bits::EMPTY;
            }
            let mut b = Bits::EMPTY;
            for e in 0..N_EXT {
                if model.x(c, e) > 0 {
                    b.set(e);
                }
            }
            b
        })
        .collect();
    let mut parts = vec![Partition::new(masks0, N_EXT)];
    let mut famv = Vec::new();
    let all_recents = MeasureSet(Bits::range(N_MEASURES, 2 * N_MEASURES));
    for f in fams {
        let masks: Vec<Bits> = (0..n_inner as u32)
            .map(|c| {
                let mut b = Bits::EMPTY;
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
                                b.set(4 * k + 2 * status);
                            }
                            if den - v > 0 {
                                b.set(4 * k + 2 * status + 1);
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
                own.0.set(e);
                l = l.union(linked[e]);
            }
        }
        // a category tied to other measures of the recent movers (moving in or out of that
        // population) changes every measure of the recent movers
        if !(l.0 & all_recents.0 & !own.0).is_empty() {
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
    parts.push(Partition::new(vec![Bits::EMPTY; n_inner], 0));
    // moves of units that are not recent movers: predicate m "such a unit with m > 0"
    let nr_pid = parts.len();
    let masks_nr: Vec<Bits> = (0..n_inner as u32)
        .map(|c| {
            let mut b = Bits::EMPTY;
            if !singleton[c as usize] {
                for m in 0..N_MEASURES {
                    if model.x(c, m) - model.x(c, N_MEASURES + m) > 0 {
                        b.set(m);
                    }
                }
            }
            b
        })
        .collect();
    parts.push(Partition::new(masks_nr, N_MEASURES));
    assert!(parts.len() <= 64, "too many distributions");
    let n_parts = parts.len();
    let mut s = Search {
        model,
        ancestors,
        linked,
        value_pid,
        nr_pid,
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
        cert_of: Vec::new(),
        wit: vec![vec![Vec::new(); n_inner]; n_parts],
        stamp: Vec::new(),
        epoch: 0,
        blockers: Vec::new(),
        last_reject: None,
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
        if row.absent {
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
            fixed.row_rank[r as usize],
            // within a row, zeros first: once published, the zeros below need no protection
            // and publishing the rest of the row cannot expose them
            row.table.is_some_and(|t| {
                let d = tables[t as usize].indicators[k];
                row.measures[d.numerator as usize] != 0
            }),
            k,
        )
    });
    report.candidates += candidates.len() as u64;

    // absent « récents » rows say that every measure of their unit's recent movers is 0
    let mut log = Vec::new();
    let all = MeasureSet(Bits::range(0, N_MEASURES));
    for (r, row) in model.rows.iter().enumerate() {
        if row.absent {
            s.revealed[r] = all;
            s.refine_row(r as u32, all, &mut log);
        }
    }
    log.clear();
    s.first_evaluations();

    let mut suppressed = Vec::new();
    let debug = std::env::var_os("OPSGEO_DEBUG_SECRET").is_some();
    s.stamp = vec![0; s.items.len()];
    // the zeros of a row are tried together first: publishing one zero may separate a value
    // that another zero of the same row makes implied
    let mut batches: Vec<(u32, Vec<usize>)> = Vec::new();
    for &(r, k) in &candidates {
        let zero = is_zero(model, tables, r, k);
        match batches.last_mut() {
            Some((lr, ks)) if *lr == r && zero && is_zero(model, tables, r, ks[0]) => ks.push(k),
            _ => batches.push((r, vec![k])),
        }
    }
    let first_new = s.items.len() as u32;
    let mut bufs = Buffers::default();
    for (r, ks) in batches {
        if ks.len() > 1 && s.try_publish(r, &ks, &mut bufs, debug) {
            continue;
        }
        for k in ks {
            if !s.try_publish(r, &[k], &mut bufs, debug) {
                suppressed.push((r, k));
                if model.rows[r as usize].table.is_some() {
                    let d = s.row_defs(r)[k];
                    let id = s.new_item(r, d);
                    s.first_evaluation(id);
                }
            }
        }
    }

    // final check of every unpublished value
    let mut unprotected = 0;
    let mut late_unprotected = 0;
    let mut found = Vec::new();
    for id in 0..s.items.len() as u32 {
        let wc = s.current(id);
        if let Some((Witness::Pair(_, j, k), Some(c))) = wc {
            let it = &s.items[id as usize];
            let e = Exchange {
                inside: j,
                outside: k,
                recent_mover: c.recent_mover(),
            };
            for m in c.moving_measures(it.num).into_iter().flatten() {
                found.push((it.row, m, e));
            }
        }
        let w = wc.map(|(w, _)| w);
        if w.is_some() && s.items[id as usize].relaxed {
            report.singleton_exposed += 1;
        }
        if w.is_none() {
            unprotected += 1;
            late_unprotected += u64::from(id >= first_new);
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
    PassOutcome {
        suppressed,
        unprotected,
        late_unprotected,
        exchanges: found,
    }
}

/// Runs the secondary suppression and marks the values it suppresses in `tables`. Returns the
/// exchanges protecting the unpublished values too (candidate proofs for the audit).
pub fn suppress(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    tables: &mut [PublishedTable],
    min_units: i64,
) -> Result<(SecondaryReport, Exchanges), SecrecyError> {
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
    let fixed = Fixed::new(&model, &ancestors, &fams, &linked);
    let layer_row = |r: &super::structure::Row| r.table.is_some() && !r.virtual_cell && !r.absent;
    // the layer rows and their cells, for the audit, while the passes run
    let (last, mut exchanges) = std::thread::scope(|scope| {
        let exchanges = scope.spawn(|| {
            let key = |r: &super::structure::Row| {
                let scale = r.scale.expect("layer rows have a scale");
                (scale, r.population, r.split, r.code.clone())
            };
            Exchanges::new(
                model
                    .rows
                    .iter()
                    .filter(|r| layer_row(r))
                    .map(|r| (key(r), r.measures, r.cells.as_slice())),
                model.n_inner(),
            )
        });
        let mut masked_totals = std::collections::HashSet::new();
        let mut last;
        loop {
            report.passes += 1;
            let PassOutcome {
                suppressed,
                unprotected,
                late_unprotected,
                exchanges,
            } = pass(&fixed, &masked_totals, tables, &mut report);
            last = exchanges;
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
            // another pass would start from the same state with this pass's suppressions as
            // values to protect from the start: if they all kept an exchange to the end, so would
            // they there, and the values without one are those that had none before anything was
            // published, in every pass. It could only suppress more, never protect more.
            let last_pass = suppressed.is_empty()
                || unprotected == 0
                || late_unprotected == 0
                || report.passes >= MAX_PASSES;
            if last_pass {
                break;
            }
            report.singleton_exposed = 0;
        }
        (
            last,
            exchanges
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    });
    // model row → row of the exchanges (same filter, same order)
    let mut ex_row = vec![None; model.rows.len()];
    let layer_rows = (0..model.rows.len()).filter(|&i| layer_row(&model.rows[i]));
    for (k, i) in layer_rows.enumerate() {
        ex_row[i] = Some(k as u32);
    }
    for (r, m, e) in last {
        if let Some(er) = ex_row[r as usize] {
            exchanges.insert(er, m, e);
        }
    }
    report.seconds = start.elapsed().as_secs_f64();
    Ok((report, exchanges))
}
