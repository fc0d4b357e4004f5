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
mod group;
pub mod lp;
pub mod model;
mod ranges;
pub mod read;
mod reduce;
mod report;
pub mod sums;
pub mod witness;

use rustc_hash::FxHashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;

use crate::config::SecrecySection;
use crate::indicators::{Kind, Measure};
use crate::secrecy::primary::rate_reached;
use crate::secrecy::reader::disclosure::{told_by_ensemble, told_by_status};
use crate::secrecy::reader::{determined, Facts, Range};
use crate::secrecy::Certificates;
use check::LpStats;
use model::AuditView;
use ranges::{range_of, worlds, Ranges};
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

/// The finding on value `k` of layer row `row` (present in the file or an absent « récents »
/// row), named by the row's key.
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
    let view = &av.view;
    let mut rep = AuditReport {
        valeurs: av.values,
        valeurs_non_publiees: av.unpublished,
        regles_primaires_enfreintes: primary_breaches(av, params),
        ..Default::default()
    };
    let targets = unpublished_targets(av, absent_rows, &mut rep);
    let witnesses = certificates.and_then(|c| Witnesses::new(c, view));
    if certificates.is_some() && witnesses.is_none() {
        tracing::warn!("les preuves du secret secondaire ne correspondent pas au fichier : audit par programmation linéaire seule");
    }
    let (ranges, stats) = ranges::target_ranges(av, witnesses.as_ref(), &targets);
    rep.groupes = stats.groups;
    rep.programmes_lineaires = stats.solves;
    rep.groupes_incoherents = stats.inconsistent;
    rep.preuves_par_echange = stats.by_exchange;
    rep.preuves_locales = stats.local;
    // a published zero of a containing row
    let mut scratch = Vec::new();
    let mut zero_above = |row: u32, m: usize| {
        worlds(view, row, m).any(|w| view.zero_implied(row, w, &|a| av.bound(a, w), &mut scratch))
    };
    let decided = judge_ranges(av, &targets, &ranges, &stats, &mut zero_above, &mut rep);
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
        rep.valeurs_determinees.push(finding(av, row, k, why));
    }
    rep.secondes = start.elapsed().as_secs_f64();
    rep
}

/// The published values that break a primary rule: resting on fewer than `min_units` units,
/// a survey value whose rate of answer is under `min_response_rate`, a share of 100 % (or
/// 0 %) when that rule is on.
fn primary_breaches(av: &AuditView, params: &SecrecySection) -> Vec<Finding> {
    let min = Facts::from(params).min_units;
    let mut out = Vec::new();
    for row in 0..av.view.n_layer as u32 {
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
                    out.push(finding(
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
                            out.push(finding(
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
                        out.push(finding(av, row, k, format!("part de {x} % publiée")));
                    }
                }
            }
        }
    }
    out
}

/// The unpublished values of the catalogue to judge, (row, slot): those of the file and of
/// the absent « récents » rows (of the zones always, few; of the buildings when
/// `absent_rows`), less those their reason code or their « ensemble » row tells (counted in
/// `rep`, as are the values of the absent rows).
fn unpublished_targets(
    av: &AuditView,
    absent_rows: bool,
    rep: &mut AuditReport,
) -> Vec<(u32, usize)> {
    let view = &av.view;
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
    targets
}

/// Judges each target from the ranges of its numerator and denominator: the values
/// determined go to `rep.valeurs_determinees` (those of a group without exact intervals
/// counted in `rep.sans_preuve`), the zeros implied by a published zero
/// (`zero_above`) to `rep.zeros_impliques`, and the sample's widths to `rep.largeurs`.
/// Returns the targets decided here, with those without a range (their group is counted in
/// `groupes_incoherents`).
fn judge_ranges(
    av: &AuditView,
    targets: &[(u32, usize)],
    ranges: &Ranges,
    stats: &LpStats,
    zero_above: &mut impl FnMut(u32, usize) -> bool,
    rep: &mut AuditReport,
) -> FxHashSet<(u32, usize)> {
    let view = &av.view;
    let sampled: FxHashSet<(usize, u32)> = stats.sampled.iter().copied().collect();
    let unproven: FxHashSet<(usize, u32)> = stats.unproven.iter().copied().collect();
    let without_proof =
        |row: u32, m: usize| worlds(view, row, m).any(|w| unproven.contains(&(w, row)));
    let mut decided: FxHashSet<(u32, usize)> = FxHashSet::default();
    for &(row, k) in targets {
        let d = av.defs(row)[k];
        let num = d.numerator as usize;
        let Some(rn) = range_of(ranges, view, row, num) else {
            decided.insert((row, k));
            continue; // group without proof, counted in groupes_incoherents
        };
        let den = d.denominator.map(|x| x as usize);
        let rd = den.and_then(|m| range_of(ranges, view, row, m));
        let num_zero = rn.pinned == Some(0) && zero_above(row, num);
        let den_zero = rd.is_some_and(|r| r.pinned == Some(0)) && zero_above(row, den.unwrap_or(0));
        if let Some(why) = determined(d, &rn, rd.as_ref(), num_zero, den_zero) {
            let why = if without_proof(row, num) || den.is_some_and(|m| without_proof(row, m)) {
                rep.sans_preuve += 1;
                "pas de preuve (groupe trop grand pour les intervalles exacts) : traitée comme déterminée".to_string()
            } else {
                why
            };
            rep.valeurs_determinees.push(finding(av, row, k, why));
            decided.insert((row, k));
            continue;
        }
        if num_zero || den_zero {
            rep.zeros_impliques += 1;
            decided.insert((row, k));
            continue;
        }
        if sampled.contains(&(num, row)) {
            count_width(&mut rep.largeurs, d.kind, &rn, rd);
        }
    }
    decided
}

/// Counts in `widths` the interval of an unpublished value of the sample, of nature `kind`,
/// from the ranges of its numerator `rn` and denominator `rd`: a count (or a value without
/// denominator range) by its width in units, unless pinned; a share by its width in points
/// of %; a mean by its width relative to its highest value.
fn count_width(widths: &mut Widths, kind: Kind, rn: &Range, rd: Option<Range>) {
    match (kind, rd) {
        (Kind::Count, _) | (_, None) => {
            if rn.pinned.is_some() {
                return;
            }
            widths.echantillon += 1;
            let w = rn.hi - rn.lo;
            *widths
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
            widths.echantillon += 1;
            let lo = if rd.hi > 0.0 { rn.lo / rd.hi } else { 0.0 };
            let hi = if rd.lo > 0.0 {
                rn.hi / rd.lo
            } else {
                f64::INFINITY
            };
            if kind == Kind::Share {
                let w = (hi.min(1.0) - lo) * 100.0;
                *widths
                    .parts
                    .entry(
                        bucket(w, &[(1.0, "<1"), (5.0, "1-5"), (20.0, "5-20")], "20+").to_string(),
                    )
                    .or_default() += 1;
            } else {
                let rel = if hi.is_finite() && hi > 0.0 {
                    (hi - lo) / hi
                } else {
                    1.0
                };
                *widths
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

/// The label of the first of `edges` that `x` is under (`last` when none).
fn bucket(x: f64, edges: &[(f64, &'static str)], last: &'static str) -> &'static str {
    edges
        .iter()
        .find(|(e, _)| x < *e)
        .map(|(_, l)| *l)
        .unwrap_or(last)
}
