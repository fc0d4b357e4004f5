//! `opsgeo audit`: proves from a published GeoPackage alone that no unpublished value can be
//! recovered, and that no published value breaks a primary rule.
//!
//! The audit reads only the `indicateurs` table and the key columns of the layers
//! ([`read`]), rebuilds the relations an attacker sees between the published cells
//! ([`model`]) and, for every unpublished value, the interval of values it could take given
//! every published value, by linear programming with non-negativity ([`check`], like sdcTable's
//! `attack()`). It fails when:
//! * an unpublished value is pinned — a count whose interval holds a single whole number, a
//!   share or mean whose numerator and denominator are both pinned (or whose numerator is
//!   pinned at 0); a value of 0 below a published 0 of a zone that contains it (same measure)
//!   is implied by that published 0 and is not counted;
//! * a published value rests on fewer than `min_units` units, is a share of 100 % (or 0 % when
//!   that rule is on), or is a survey value whose rate of answer is under `min_response_rate`;
//! * the published values contradict the relations (the proof cannot be made).

pub mod check;
pub mod lp;
pub mod model;
pub mod read;
mod reduce;
mod report;
pub mod sums;
pub mod witness;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;

/// One measure's cells to bound: the measure, its asked cells (cell, exact wanted) and the
/// widths wanted per cell.
type MeasureTask = (usize, Vec<(u32, bool)>, Vec<(u32, f64)>);

use crate::config::SecrecySection;
use crate::indicators::{Kind, Measure, N_MEASURES};
use crate::secrecy::primary::rate_reached;
use crate::secrecy::reader::disclosure::{numerator_step, told_by_ensemble, told_by_status};
use crate::secrecy::reader::{determined, Facts, Range, View};
use crate::secrecy::Certificates;
use check::{measure_ranges, LpStats};
use model::AuditView;
use read::Published;
use witness::Witnesses;

pub use report::{AuditReport, Finding, Widths};

/// Errors reading the GeoPackage (exit code 1).
#[derive(Debug, Error)]
pub enum AuditError {
    /// The file says something the audit cannot read (a missing table, an unknown status…).
    #[error("{path} : lecture impossible pour l'audit du secret : {message}")]
    Read { path: PathBuf, message: String },
    /// An SQLite call failed (SQLite's error kept as the source).
    #[error("{path} : lecture impossible pour l'audit du secret : {context}SQLite")]
    Sqlite {
        path: PathBuf,
        /// Where, ending with « : » (or empty).
        context: String,
        source: rusqlite::Error,
    },
    /// GDAL could not open the file (GDAL's error kept as the source).
    #[error("{path} : lecture impossible pour l'audit du secret : ouverture par GDAL")]
    Gdal {
        path: PathBuf,
        source: gdal::errors::GdalError,
    },
}

/// The audit found recoverable or rule-breaking values (exit code 1).
#[derive(Debug, Error)]
#[error("{path} : audit du secret en échec : {determined} valeur(s) non publiée(s) déterminée(s), {violations} valeur(s) publiée(s) contraire(s) aux règles primaires")]
pub struct AuditFailed {
    pub path: PathBuf,
    pub determined: usize,
    pub violations: usize,
}

/// The finding on value `k` of layer row `row`.
fn finding(av: &AuditView, row: u32, k: usize, motif: String) -> Finding {
    let (scale, population, zone, code) = &av.view.keys[row as usize];
    Finding {
        echelle: scale.key().to_string(),
        code: code.clone(),
        population: population.key().to_string(),
        zone: zone.key().to_string(),
        indicateur: av.defs(row)[k].field.to_string(),
        motif,
    }
}

fn bucket(x: f64, edges: &[(f64, &'static str)], last: &'static str) -> &'static str {
    edges
        .iter()
        .find(|(e, _)| x < *e)
        .map(|(_, l)| *l)
        .unwrap_or(last)
}

/// Audits a GeoPackage file (with the values of the absent « récents » rows of its
/// programmes, bâtiments and cages when `absent_rows`, see [`audit_with`]).
pub fn audit_file(
    path: &Path,
    params: &SecrecySection,
    absent_rows: bool,
) -> Result<AuditReport, AuditError> {
    let start = Instant::now();
    let av = read_view(path, params, None)?;
    let mut r = audit_scope(&av, params, None, absent_rows);
    r.secondes = start.elapsed().as_secs_f64();
    Ok(r)
}

/// Audits what was read from a GeoPackage.
pub fn audit(p: &Published, params: &SecrecySection) -> AuditReport {
    audit_with(p, params, None)
}

/// [`audit_file`] with the alternative tables of the run that wrote the file (candidate proofs
/// the audit verifies before using them, see [`witness`]) and the totals its manifest
/// publishes: the verdict is the same, reached with far fewer linear programs.
pub fn audit_file_with(
    path: &Path,
    params: &SecrecySection,
    certificates: &Certificates,
    totals: [Option<i64>; 4],
) -> Result<AuditReport, AuditError> {
    let start = Instant::now();
    let av = read_view(path, params, Some(totals))?;
    let mut r = audit_scope(&av, params, Some(certificates), false);
    r.secondes = start.elapsed().as_secs_f64();
    Ok(r)
}

/// Measure → rows whose range is asked, `true` when only whether it can be 0 matters, and the
/// rows whose interval must be computed at least this wide (or exactly).
struct Needed {
    asked: BTreeMap<usize, Vec<(u32, bool)>>,
    widths: BTreeMap<usize, Vec<(u32, f64)>>,
}

impl Needed {
    fn new() -> Needed {
        Needed {
            asked: BTreeMap::new(),
            widths: BTreeMap::new(),
        }
    }

    /// Asks measure `m` of `row` (for the households of a « récents » row, in the relations
    /// of the recent movers too: the same unknown).
    fn add(&mut self, view: &View, row: u32, m: usize, zero_only: bool) {
        for w in worlds(view, row, m) {
            self.asked.entry(w).or_default().push((row, zero_only));
        }
    }

    fn add_width(&mut self, view: &View, row: u32, m: usize, width: f64) {
        for w in worlds(view, row, m) {
            self.asked.entry(w).or_default().push((row, false));
            self.widths.entry(w).or_default().push((row, width));
        }
    }
}

/// The measures of the relations in which measure `m` of `row` is an unknown.
fn worlds(view: &View, row: u32, m: usize) -> impl Iterator<Item = usize> {
    use crate::indicators::Measure as M;
    let pop = view.population(row);
    let both = crate::secrecy::reader::bounds::alias(pop, m) == M::Households as usize
        && pop == crate::model::Population::Recents;
    let (first, second) = if both {
        (M::Households as usize, Some(M::RecentMovers as usize))
    } else {
        (m, None)
    };
    std::iter::once(first).chain(second)
}

/// The ranges of the unpublished measures, one measure per task.
struct Solve<'a> {
    av: &'a AuditView,
    witnesses: Option<&'a Witnesses<'a>>,
}

impl Solve<'_> {
    /// Adds the ranges of `needed` (measure → rows) to `ranges`; merged in measure order, so
    /// the result does not depend on the number of threads.
    fn ranges(&self, needed: Needed, ranges: &mut Ranges, stats: &mut LpStats) {
        use rayon::prelude::*;
        let Needed { asked, mut widths } = needed;
        let tasks: Vec<MeasureTask> = asked
            .into_iter()
            .map(|(m, a)| {
                let mut w = widths.remove(&m).unwrap_or_default();
                w.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
                w.dedup_by_key(|x| x.0);
                (m, a, w)
            })
            .collect();
        let view = &self.av.view;
        let results: Vec<(usize, HashMap<u32, Range>, LpStats)> = tasks
            .into_par_iter()
            .map(|(m, mut asked, widths)| {
                // a row asked in full and for « can it be 0 » only is asked in full
                asked.sort_unstable();
                asked.dedup_by_key(|(c, _)| *c);
                let cells: Vec<u32> = asked.iter().map(|&(c, _)| c).collect();
                let zero_only: Vec<u32> =
                    asked.iter().filter(|(_, z)| *z).map(|&(c, _)| c).collect();
                let mut st = LpStats::default();
                let bounds = self.av.measure_bounds(m);
                let truth = self.witnesses.and_then(|w| w.truth(view, &bounds, m));
                let proofs = self.witnesses.zip(truth.as_ref());
                let r = measure_ranges(
                    view, &bounds, m, &cells, &zero_only, &widths, &mut st, proofs,
                );
                (m, r, st)
            })
            .collect();
        for (m, r, st) in results {
            stats.groups += st.groups;
            stats.solves += st.solves;
            stats.inconsistent += st.inconsistent;
            stats.by_exchange += st.by_exchange;
            stats.local += st.local;
            stats.sampled.extend(st.sampled);
            stats.unproven.extend(st.unproven);
            ranges.merge(m, r);
        }
    }
}

/// The ranges found, by measure then row: one map per measure, moved in whole from the task
/// that computed it (one map keyed by (measure, row) copied every result once more, at the
/// audit's peak).
struct Ranges(Vec<HashMap<u32, Range>>);

impl Ranges {
    fn new() -> Ranges {
        Ranges((0..N_MEASURES).map(|_| HashMap::default()).collect())
    }

    fn get(&self, m: usize, row: u32) -> Option<Range> {
        self.0[m].get(&row).copied()
    }

    fn remove(&mut self, m: usize, row: u32) {
        self.0[m].remove(&row);
    }

    fn merge(&mut self, m: usize, found: HashMap<u32, Range>) {
        if self.0[m].is_empty() {
            self.0[m] = found;
        } else {
            self.0[m].extend(found);
        }
    }
}

/// The range of measure `m` of `row` over the relations it is an unknown of (the narrowest).
fn range_of(ranges: &Ranges, view: &View, row: u32, m: usize) -> Option<Range> {
    let mut out: Option<Range> = None;
    for w in worlds(view, row, m) {
        let Some(r) = ranges.get(w, row) else {
            continue;
        };
        out = Some(match out {
            None => r,
            Some(o) => Range {
                lo: o.lo.max(r.lo),
                hi: o.hi.min(r.hi),
                pinned: o.pinned.or(r.pinned),
            },
        });
    }
    out
}

/// [`audit`], with the alternative tables of the run when there are some.
pub fn audit_with(
    p: &Published,
    params: &SecrecySection,
    certificates: Option<&Certificates>,
) -> AuditReport {
    audit_scope(
        &AuditView::build(p, Facts::from(params)),
        params,
        certificates,
        false,
    )
}

/// The view of the file at `path` (with the manifest's `totals` when known): the values read
/// are let go once in the view, which holds them all (at 300,000 dwellings, 0.37 GB less at
/// the audit's peak).
fn read_view(
    path: &Path,
    params: &SecrecySection,
    totals: Option<[Option<i64>; 4]>,
) -> Result<AuditView, AuditError> {
    let mut p = read::read(path)?;
    if let Some(totals) = totals {
        p.totals = totals;
    }
    Ok(AuditView::build(&p, Facts::from(params)))
}

/// [`audit_with`], with the values of the absent « récents » rows of the programmes,
/// bâtiments and cages when `absent_rows`. A reader knows every unit of an « ensemble » layer
/// has a « récents » row, and that an absent one holds fewer than `min_units` dwellings, every
/// value `secret_effectif`: the absent rows of the zones (région … IRIS, QPV, QVA) are always
/// audited, those of the buildings (most of them: 375,292 values on the demo, 412 s instead of
/// 21 s) only on request.
fn audit_scope(
    av: &AuditView,
    params: &SecrecySection,
    certificates: Option<&Certificates>,
    absent_rows: bool,
) -> AuditReport {
    let start = Instant::now();
    let facts = Facts::from(params);
    let view = &av.view;
    let mut rep = AuditReport {
        valeurs: av.values,
        valeurs_non_publiees: av.unpublished,
        ..Default::default()
    };
    let min = facts.min_units;

    // primary rules on published values
    for row in 0..view.n_layer as u32 {
        let hb = av.bound(row, Measure::Households as usize);
        let households = (hb.exact() && hb.published).then_some(hb.lo);
        for (k, d) in av.defs(row).iter().enumerate() {
            if av.value_index[row as usize][k].is_none() {
                continue;
            }
            let v = &av.cells[row as usize][k];
            if !v.status.is_published() {
                continue;
            }
            if let Some(b) = v.base {
                if b < min {
                    rep.regles_primaires_enfreintes.push(finding(
                        av,
                        row,
                        k,
                        format!("publiée sur {b} unité(s), moins de {min}"),
                    ));
                    continue;
                }
                if d.survey {
                    if let Some(h) = households {
                        if !rate_reached(b, h, params.min_response_rate) {
                            rep.regles_primaires_enfreintes.push(finding(
                                av,
                                row,
                                k,
                                format!("{b} réponse(s) pour {h} ménage(s) enquêté(s)"),
                            ));
                        }
                    }
                }
            }
            if d.kind == Kind::Share {
                if let Some(x) = v.value {
                    if (params.suppress_100 && x >= 100.0) || (params.suppress_0 && x <= 0.0) {
                        rep.regles_primaires_enfreintes.push(finding(
                            av,
                            row,
                            k,
                            format!("part de {x} % publiée"),
                        ));
                    }
                }
            }
        }
    }

    // unpublished values of the catalogue: (row, slot)
    let mut targets: Vec<(u32, usize)> = Vec::new();
    for row in 0..view.n_layer as u32 {
        let cells = &av.cells[row as usize];
        // absent « récents » rows: of the zones always (few), of the buildings on request
        let absent =
            av.phantom[row as usize] && (absent_rows || !view.keys[row as usize].0.is_point());
        for (k, c) in cells.iter().enumerate() {
            if (av.value_index[row as usize][k].is_none() && !absent) || c.status.is_published() {
                continue;
            }
            if absent {
                rep.valeurs_lignes_absentes += 1;
            }
            if told_by_status(av.defs(row), cells, k) {
                rep.revelees_par_le_motif += 1;
            } else if view.ensemble_of[row as usize].is_some_and(|e| {
                told_by_ensemble(av.defs(row), k, av.defs(e), &av.cells[e as usize])
            }) {
                rep.dits_par_l_ensemble += 1;
            } else {
                targets.push((row, k));
            }
        }
    }
    let witnesses = certificates.and_then(|c| Witnesses::new(c, view));
    if certificates.is_some() && witnesses.is_none() {
        tracing::warn!("les preuves du secret secondaire ne correspondent pas au fichier : audit par programmation linéaire seule");
    }
    let mut stats = LpStats::default();
    let mut ranges = Ranges::new();
    let ctx = Solve {
        av,
        witnesses: witnesses.as_ref(),
    };
    let def = |row: u32, k: usize| av.defs(row)[k];
    // a share or mean is determined only if its numerator is pinned at 0, or its denominator
    // is pinned and its numerator known within the shown precision. Without tables: the
    // numerators first, then the denominators of those pinned. With tables (which mostly move
    // the denominator of a ratio): the denominators first, then the numerators — only whether
    // they can be 0 when the denominator is not pinned. The sample gets both, in full.
    let has = |row: u32, m: usize| {
        witnesses
            .as_ref()
            .is_some_and(|w| w.has_exchange(view, row, m))
    };
    let mut needed = Needed::new();
    for &(row, k) in &targets {
        let d = def(row, k);
        let num = d.numerator as usize;
        match d.denominator.map(|x| x as usize) {
            None => needed.add(view, row, num, false),
            Some(den) if check::sampled(row) => {
                needed.add(view, row, num, false);
                needed.add(view, row, den, false);
            }
            Some(den) if has(row, den) => needed.add(view, row, den, false),
            Some(_) => needed.add(view, row, num, false),
        }
    }
    ctx.ranges(needed, &mut ranges, &mut stats);
    let mut needed = Needed::new();
    for &(row, k) in &targets {
        let d = def(row, k);
        let Some(den) = d.denominator.map(|x| x as usize) else {
            continue;
        };
        let num = d.numerator as usize;
        let known = |m: usize| range_of(&ranges, view, row, m);
        if known(num).is_none() {
            let den_pinned = known(den).and_then(|r| r.pinned);
            needed.add(view, row, num, den_pinned.is_none());
        } else if known(num).and_then(|r| r.pinned).is_some_and(|x| x != 0) && known(den).is_none()
        {
            // a numerator pinned at 0 decides alone (implied by a published zero, or determined)
            needed.add(view, row, den, false);
        }
    }
    ctx.ranges(needed, &mut ranges, &mut stats);
    // a pinned denominator: the numerator must be known less precisely than the value shows
    let mut needed = Needed::new();
    for &(row, k) in &targets {
        let d = def(row, k);
        let Some(den) = d.denominator.map(|x| x as usize) else {
            continue;
        };
        let num = d.numerator as usize;
        let (Some(rn), Some(rd)) = (
            range_of(&ranges, view, row, num),
            range_of(&ranges, view, row, den),
        ) else {
            continue;
        };
        if let (None, Some(b)) = (rn.pinned, rd.pinned) {
            let step = numerator_step(d, b) as f64;
            if b > 0 && step > 1.0 && rn.hi - rn.lo < step {
                needed.add_width(view, row, num, step);
            }
        }
    }
    if !needed.asked.is_empty() {
        for (m, rows) in &needed.asked {
            for (row, _) in rows {
                ranges.remove(*m, *row);
            }
        }
        ctx.ranges(needed, &mut ranges, &mut stats);
    }
    rep.groupes = stats.groups;
    rep.programmes_lineaires = stats.solves;
    rep.groupes_incoherents = stats.inconsistent;
    rep.preuves_par_echange = stats.by_exchange;
    rep.preuves_locales = stats.local;
    let sampled: FxHashSet<(usize, u32)> = stats.sampled.iter().copied().collect();
    let unproven: FxHashSet<(usize, u32)> = stats.unproven.iter().copied().collect();
    let without_proof = |row: u32, m: usize| {
        worlds(view, row, m)
            .into_iter()
            .any(|w| unproven.contains(&(w, row)))
    };

    // a published zero of a containing row
    let mut scratch = Vec::new();
    let mut zero_above = |row: u32, m: usize| {
        worlds(view, row, m)
            .into_iter()
            .any(|w| view.zero_implied(row, w, &|a| av.bound(a, w), &mut scratch))
    };
    // a target, present in the file or in an absent « récents » row, named by its row's key
    let found = |row: u32, k: usize, motif: String| {
        let (scale, population, zone, code) = &view.keys[row as usize];
        Finding {
            echelle: scale.key().to_string(),
            code: code.clone(),
            population: population.key().to_string(),
            zone: zone.key().to_string(),
            indicateur: def(row, k).field.to_string(),
            motif,
        }
    };
    let mut decided: FxHashSet<(u32, usize)> = FxHashSet::default();
    for &(row, k) in &targets {
        let d = def(row, k);
        let num = d.numerator as usize;
        let Some(rn) = range_of(&ranges, view, row, num) else {
            decided.insert((row, k));
            continue; // group without proof, counted in groupes_incoherents
        };
        let den = d.denominator.map(|x| x as usize);
        let rd = den.and_then(|m| range_of(&ranges, view, row, m));
        let num_zero = rn.pinned == Some(0) && zero_above(row, num);
        let den_zero = rd.is_some_and(|r| r.pinned == Some(0)) && zero_above(row, den.unwrap_or(0));
        if let Some(why) = determined(d, &rn, rd.as_ref(), num_zero, den_zero) {
            let why = if without_proof(row, num) || den.is_some_and(|m| without_proof(row, m)) {
                rep.sans_preuve += 1;
                "pas de preuve (groupe trop grand pour les intervalles exacts) : traitée comme déterminée".to_string()
            } else {
                why
            };
            rep.valeurs_determinees.push(found(row, k, why));
            decided.insert((row, k));
            continue;
        }
        if num_zero || den_zero {
            rep.zeros_impliques += 1;
            decided.insert((row, k));
            continue;
        }
        // widths of the sample
        match (d.kind, rd) {
            (Kind::Count, _) | (_, None) => {
                if rn.pinned.is_some() || !sampled.contains(&(num, row)) {
                    continue;
                }
                rep.largeurs.echantillon += 1;
                let w = rn.hi - rn.lo;
                *rep.largeurs
                    .comptes
                    .entry(
                        bucket(
                            w,
                            &[(1.5, "1"), (4.5, "2-4"), (9.5, "5-9"), (99.5, "10-99")],
                            "100+",
                        )
                        .to_string(),
                    )
                    .or_default() += 1;
            }
            (kind, Some(rd)) => {
                if !sampled.contains(&(num, row)) {
                    continue;
                }
                rep.largeurs.echantillon += 1;
                let lo = if rd.hi > 0.0 { rn.lo / rd.hi } else { 0.0 };
                let hi = if rd.lo > 0.0 {
                    rn.hi / rd.lo
                } else {
                    f64::INFINITY
                };
                if kind == Kind::Share {
                    let w = (hi.min(1.0) - lo) * 100.0;
                    *rep.largeurs
                        .parts
                        .entry(
                            bucket(w, &[(1.0, "<1"), (5.0, "1-5"), (20.0, "5-20")], "20+")
                                .to_string(),
                        )
                        .or_default() += 1;
                } else {
                    let rel = if hi.is_finite() && hi > 0.0 {
                        (hi - lo) / hi
                    } else {
                        1.0
                    };
                    *rep.largeurs
                        .moyennes
                        .entry(
                            bucket(
                                rel,
                                &[(0.05, "<5 %"), (0.2, "5-20 %"), (0.5, "20-50 %")],
                                "50 %+",
                            )
                            .to_string(),
                        )
                        .or_default() += 1;
                }
            }
        }
    }
    // the shares of the zone rows against the sums of their distributions
    let open: Vec<(u32, usize)> = targets
        .iter()
        .copied()
        .filter(|t| !decided.contains(t))
        .collect();
    let by_sums = sums::check(av, &open, &mut zero_above);
    rep.programmes_lineaires += by_sums.solves;
    rep.sommes_incoherentes = by_sums.inconsistent;
    rep.sommes_libres_par_temoins = by_sums.skipped;
    rep.determinees_par_les_sommes = by_sums.determined.len() as u64;
    for (row, k, why) in by_sums.determined {
        rep.valeurs_determinees.push(found(row, k, why));
    }
    rep.secondes = start.elapsed().as_secs_f64();
    rep
}
