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
pub mod witness;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use thiserror::Error;

use crate::config::SecrecySection;
use crate::indicators::{Kind, Measure};
use crate::secrecy::primary::rate_reached;
use crate::secrecy::Exchanges;
use check::{measure_ranges, LpStats, Range};
use model::{def_of, known_bounds, View};
use read::Published;
use witness::Witnesses;

/// Errors reading the GeoPackage (exit code 1).
#[derive(Debug, Error)]
pub enum AuditError {
    #[error("{path} : lecture impossible pour l'audit du secret : {message}")]
    Read { path: PathBuf, message: String },
}

/// The audit found recoverable or rule-breaking values (exit code 1).
#[derive(Debug, Error)]
#[error("{path} : audit du secret en échec : {determined} valeur(s) non publiée(s) déterminée(s), {violations} valeur(s) publiée(s) contraire(s) aux règles primaires")]
pub struct AuditFailed {
    pub path: PathBuf,
    pub determined: usize,
    pub violations: usize,
}

/// A value the audit objects to.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub echelle: String,
    pub code: String,
    pub population: String,
    pub zone: String,
    pub indicateur: String,
    /// French explanation.
    pub motif: String,
}

/// Guaranteed widths of the intervals of unpublished values, by nature.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Widths {
    /// Unpublished values of the sample whose interval was computed exactly.
    pub echantillon: u64,
    /// Counts: width in units → number of values (`1`, `2-4`, `5-9`, `10-99`, `100+`).
    pub comptes: BTreeMap<String, u64>,
    /// Shares: width in points of % (`<1`, `1-5`, `5-20`, `20+`).
    pub parts: BTreeMap<String, u64>,
    /// Means: width relative to the widest value (`<5 %`, `5-20 %`, `20-50 %`, `50 %+`).
    pub moyennes: BTreeMap<String, u64>,
}

/// Result of an audit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub valeurs: u64,
    pub valeurs_non_publiees: u64,
    pub valeurs_determinees: Vec<Finding>,
    pub regles_primaires_enfreintes: Vec<Finding>,
    /// Unpublished values implied by a published zero of a containing zone.
    pub zeros_impliques: u64,
    /// Groups of unknowns whose relations contradict the published values.
    pub groupes_incoherents: u64,
    pub groupes: u64,
    pub programmes_lineaires: u64,
    /// Unpublished values proven not pinned by a verified exchange of the run (no linear
    /// programming needed).
    pub preuves_par_echange: u64,
    /// Unpublished values proven not pinned by a linear program over a neighbourhood of the
    /// value, every other cell keeping its true value.
    pub preuves_locales: u64,
    pub largeurs: Widths,
    pub secondes: f64,
}

impl AuditReport {
    pub fn passed(&self) -> bool {
        self.valeurs_determinees.is_empty()
            && self.regles_primaires_enfreintes.is_empty()
            && self.groupes_incoherents == 0
    }

    /// French summary (at most `max_findings` findings listed).
    /// Two lines for the run summary (the run stops with the full report when the audit fails).
    pub fn render_brief(&self) -> String {
        let fmt = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k} : {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let w = &self.largeurs;
        format!(
            "Audit du secret : {} valeurs, {} non publiées, {} zéros impliqués par un zéro publié ; {} programmes linéaires, {:.1} s ; {}\n  \
             largeur prouvée des intervalles (au moins ; échantillon de {}) : comptes {} | parts (points) {} | moyennes (relative) {}\n",
            self.valeurs,
            self.valeurs_non_publiees,
            self.zeros_impliques,
            self.programmes_lineaires,
            self.secondes,
            if self.passed() {
                "aucune valeur non publiée ne peut être retrouvée"
            } else {
                "ÉCHEC"
            },
            w.echantillon,
            fmt(&w.comptes),
            fmt(&w.parts),
            fmt(&w.moyennes)
        )
    }

    pub fn render(&self, max_findings: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Audit du secret statistique : {} valeurs, dont {} non publiées ; {} groupes d'inconnues, {} programmes linéaires, {:.2} s",
            self.valeurs, self.valeurs_non_publiees, self.groupes, self.programmes_lineaires, self.secondes
        );
        let fmt = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k} : {v}"))
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        let w = &self.largeurs;
        let _ = writeln!(
            s,
            "  largeur des intervalles (largeur prouvée, au moins ; échantillon fixe de {} valeurs non publiées) :",
            w.echantillon
        );
        let _ = writeln!(s, "    comptes (unités) : {}", fmt(&w.comptes));
        let _ = writeln!(s, "    parts (points de %) : {}", fmt(&w.parts));
        let _ = writeln!(s, "    moyennes (largeur relative) : {}", fmt(&w.moyennes));
        let _ = writeln!(
            s,
            "  valeurs nulles déduites d'un zéro publié d'une zone englobante (admises) : {}",
            self.zeros_impliques
        );
        for (title, list) in [
            (
                "valeur(s) non publiée(s) déterminée(s)",
                &self.valeurs_determinees,
            ),
            (
                "valeur(s) publiée(s) contraire(s) aux règles primaires",
                &self.regles_primaires_enfreintes,
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(s, "  {} {} :", list.len(), title);
            for f in list.iter().take(max_findings) {
                let _ = writeln!(
                    s,
                    "    {} {} ({}, {}) {} : {}",
                    f.echelle, f.code, f.population, f.zone, f.indicateur, f.motif
                );
            }
            if list.len() > max_findings {
                let _ = writeln!(s, "    … et {} autre(s)", list.len() - max_findings);
            }
        }
        if self.groupes_incoherents > 0 {
            let _ = writeln!(
                s,
                "  {} groupe(s) de valeurs dont les relations contredisent les valeurs publiées : preuve impossible",
                self.groupes_incoherents
            );
        }
        let _ = writeln!(
            s,
            "  résultat : {}",
            if self.passed() {
                "aucune valeur non publiée ne peut être retrouvée"
            } else {
                "ÉCHEC"
            }
        );
        s
    }
}

fn finding(v: &read::Value, motif: String) -> Finding {
    Finding {
        echelle: v.scale.key().to_string(),
        code: v.code.clone(),
        population: v.population.key().to_string(),
        zone: v.zone.key().to_string(),
        indicateur: v.indicator.clone(),
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

/// Audits a GeoPackage file.
pub fn audit_file(path: &Path, params: &SecrecySection) -> Result<AuditReport, AuditError> {
    let start = Instant::now();
    let p = read::read(path)?;
    let mut r = audit(&p, params);
    r.secondes = start.elapsed().as_secs_f64();
    Ok(r)
}

/// Audits what was read from a GeoPackage.
pub fn audit(p: &Published, params: &SecrecySection) -> AuditReport {
    audit_with(p, params, None)
}

/// [`audit_file`] with the exchanges of the run that wrote the file: candidate proofs that the
/// audit verifies before using them (see [`witness`]); the verdict is the same, reached with
/// far fewer linear programs.
pub fn audit_file_with(
    path: &Path,
    params: &SecrecySection,
    exchanges: &Exchanges,
) -> Result<AuditReport, AuditError> {
    let start = Instant::now();
    let p = read::read(path)?;
    let mut r = audit_with(&p, params, Some(exchanges));
    r.secondes = start.elapsed().as_secs_f64();
    Ok(r)
}

/// Measure → cells whose range is asked, `true` when only whether it can be 0 matters.
struct Needed(BTreeMap<usize, Vec<(u32, bool)>>);

impl Needed {
    fn new() -> Needed {
        Needed(BTreeMap::new())
    }

    fn add(&mut self, m: usize, cell: u32, zero_only: bool) {
        self.0.entry(m).or_default().push((cell, zero_only));
    }
}

/// The ranges of the unpublished measures, one measure per task.
struct Solve<'a> {
    p: &'a Published,
    view: &'a View,
    by_measure: &'a [Vec<(u32, u32)>],
    witnesses: Option<&'a Witnesses<'a>>,
}

impl Solve<'_> {
    /// Adds the ranges of `needed` (measure → cells) to `ranges`; merged in measure order, so
    /// the result does not depend on the number of threads.
    fn ranges(
        &self,
        needed: Needed,
        ranges: &mut HashMap<(usize, u32), Range>,
        stats: &mut LpStats,
    ) {
        use rayon::prelude::*;
        let results: Vec<(usize, HashMap<u32, Range>, LpStats)> = needed
            .0
            .into_iter()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(m, mut asked)| {
                // a cell asked in full and for « can it be 0 » only is asked in full
                asked.sort_unstable();
                asked.dedup_by_key(|(c, _)| *c);
                let cells: Vec<u32> = asked.iter().map(|&(c, _)| c).collect();
                let zero_only: Vec<u32> =
                    asked.iter().filter(|(_, z)| *z).map(|&(c, _)| c).collect();
                let mut st = LpStats::default();
                let n = self.view.cells.len();
                let bounds = model::measure_bounds(self.p, n, &self.by_measure[m], m);
                let truth = self.witnesses.and_then(|w| w.truth(self.view, &bounds, m));
                let proofs = self.witnesses.zip(truth.as_ref());
                let r = measure_ranges(self.view, &bounds, m, &cells, &zero_only, &mut st, proofs);
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
            for (c, range) in r {
                ranges.insert((m, c), range);
            }
        }
    }
}

/// [`audit`], with the exchanges of the run when there are some.
pub fn audit_with(
    p: &Published,
    params: &SecrecySection,
    exchanges: Option<&Exchanges>,
) -> AuditReport {
    let start = Instant::now();
    let view = View::build(p);
    let mut rep = AuditReport {
        valeurs: p.values.len() as u64,
        ..Default::default()
    };
    let min = params.min_units as i64;

    // primary rules on published values
    for c in &view.cells {
        let vals: Vec<_> = c.values.iter().map(|&i| &p.values[i]).collect();
        let households = known_bounds(&vals, Measure::Households as usize)
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a);
        for v in &vals {
            if !v.status.is_published() {
                continue;
            }
            let Some(d) = def_of(v) else { continue };
            if let Some(b) = v.base {
                if b < min {
                    rep.regles_primaires_enfreintes.push(finding(
                        v,
                        format!("publiée sur {b} unité(s), moins de {min}"),
                    ));
                    continue;
                }
                if d.survey {
                    if let Some(h) = households {
                        if !rate_reached(b, h, params.min_response_rate) {
                            rep.regles_primaires_enfreintes.push(finding(
                                v,
                                format!("{b} réponse(s) pour {h} ménage(s) enquêté(s)"),
                            ));
                        }
                    }
                }
            }
            if d.kind == Kind::Share {
                if let Some(x) = v.value {
                    if (params.suppress_100 && x >= 100.0) || (params.suppress_0 && x <= 0.0) {
                        rep.regles_primaires_enfreintes
                            .push(finding(v, format!("part de {x} % publiée")));
                    }
                }
            }
        }
    }

    // unpublished values
    let mut targets: Vec<(u32, usize)> = Vec::new();
    for (cid, c) in view.cells.iter().enumerate() {
        for &i in &c.values {
            if p.values[i].status.is_published() {
                continue;
            }
            rep.valeurs_non_publiees += 1;
            if def_of(&p.values[i]).is_some() {
                targets.push((cid as u32, i));
            }
        }
    }
    let by_measure = model::values_by_measure(p, &view);
    let witnesses = exchanges.map(|ex| Witnesses::new(ex, &view));
    let mut stats = LpStats::default();
    let mut ranges: HashMap<(usize, u32), Range> = HashMap::default();
    // the numerators first (and the denominators of the sample); a share or mean is then
    // determined only if its numerator is pinned, so its denominator is needed only then
    let ctx = Solve {
        p,
        view: &view,
        by_measure: &by_measure,
        witnesses: witnesses.as_ref(),
    };
    // a share or mean is determined only if its numerator is pinned at 0, or both its numerator
    // and its denominator are pinned. Without exchanges: the numerators first, then the
    // denominators of those pinned at another value. With exchanges (which mostly move the
    // denominator of a ratio): the denominators first, then the numerators — only whether they
    // can be 0 when the denominator is not pinned. The sample gets both, in full.
    // (a ratio whose exchange moves the denominator only: see `first_den`)
    let has = |cell: u32, m: usize| witnesses.as_ref().is_some_and(|w| w.has_exchange(cell, m));
    let first_den = |cell: u32, _num: usize, den: usize| has(cell, den);
    let mut needed = Needed::new();
    for &(cell, i) in &targets {
        let d = def_of(&p.values[i]).expect("targets have a definition");
        let num = d.numerator as usize;
        match d.denominator.map(|x| x as usize) {
            None => needed.add(num, cell, false),
            Some(den) if check::sampled(cell) => {
                needed.add(num, cell, false);
                needed.add(den, cell, false);
            }
            Some(den) if first_den(cell, num, den) => needed.add(den, cell, false),
            Some(_) => needed.add(num, cell, false),
        }
    }
    ctx.ranges(needed, &mut ranges, &mut stats);
    let mut needed = Needed::new();
    for &(cell, i) in &targets {
        let d = def_of(&p.values[i]).expect("targets have a definition");
        let Some(den) = d.denominator.map(|x| x as usize) else {
            continue;
        };
        let num = d.numerator as usize;
        let pinned = |m: usize| ranges.get(&(m, cell)).and_then(|r| r.pinned);
        if first_den(cell, num, den) {
            if !ranges.contains_key(&(num, cell)) {
                needed.add(num, cell, pinned(den).is_none());
            }
        } else if pinned(num).is_some_and(|x| x != 0) && !ranges.contains_key(&(den, cell)) {
            needed.add(den, cell, false);
        }
    }
    ctx.ranges(needed, &mut ranges, &mut stats);
    rep.groupes = stats.groups;
    rep.programmes_lineaires = stats.solves;
    rep.groupes_incoherents = stats.inconsistent;
    rep.preuves_par_echange = stats.by_exchange;
    rep.preuves_locales = stats.local;
    let sampled: FxHashSet<(usize, u32)> = stats.sampled.iter().copied().collect();

    // a published zero of a containing cell
    let zero_above = |cell: u32, m: usize| {
        view.ancestors(cell).into_iter().any(|a| {
            let vals: Vec<_> = view.cells[a as usize]
                .values
                .iter()
                .map(|&i| &p.values[i])
                .collect();
            known_bounds(&vals, m) == Some((0, 0))
        })
    };
    for (cell, i) in targets {
        let v = &p.values[i];
        let d = def_of(v).expect("targets have a definition");
        let num = d.numerator as usize;
        let Some(rn) = ranges.get(&(num, cell)).copied() else {
            continue; // group without proof, counted in groupes_incoherents
        };
        match (d.kind, d.denominator) {
            (Kind::Count, _) | (_, None) => match rn.pinned {
                Some(0) if zero_above(cell, num) => rep.zeros_impliques += 1,
                Some(x) => rep
                    .valeurs_determinees
                    .push(finding(v, format!("compte déterminé : {x}"))),
                None if !sampled.contains(&(num, cell)) => {}
                None => {
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
            },
            (kind, Some(den)) => {
                let rd = ranges.get(&(den as usize, cell)).copied();
                let pinned = match (rn.pinned, rd.and_then(|r| r.pinned)) {
                    (Some(0), _) if zero_above(cell, num) => {
                        rep.zeros_impliques += 1;
                        continue;
                    }
                    (Some(_), Some(0)) if zero_above(cell, den as usize) => {
                        rep.zeros_impliques += 1;
                        continue;
                    }
                    (Some(0), _) => Some("numérateur nul déterminé".to_string()),
                    (Some(a), Some(b)) => {
                        Some(format!("numérateur {a} et dénominateur {b} déterminés"))
                    }
                    _ => None,
                };
                if let Some(m) = pinned {
                    rep.valeurs_determinees.push(finding(v, m));
                    continue;
                }
                let Some(rd) = rd.filter(|_| sampled.contains(&(num, cell))) else {
                    continue;
                };
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
    rep.secondes = start.elapsed().as_secs_f64();
    rep
}
