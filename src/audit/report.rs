//! What the audit found: the report written to the manifest and the summary, its French
//! rendering, and its verdict for the rounds of the secret.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

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

impl Finding {
    /// The row and field of the value, for the repairs after the audit (`None` for a key
    /// this version does not know).
    pub fn determined(&self) -> Option<crate::secrecy::Determined> {
        use crate::model::{Population, Scale, Split};
        let scale = Scale::ALL.into_iter().find(|s| s.key() == self.echelle)?;
        let pop = Population::ALL
            .into_iter()
            .find(|p| p.key() == self.population)?;
        let split = Split::ALL.into_iter().find(|z| z.key() == self.zone)?;
        Some(crate::secrecy::Determined {
            key: (scale, pop, split, self.code.clone()),
            field: self.indicateur.clone(),
        })
    }
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
    /// `secret_100` values of a distribution with a single share: their reason code says
    /// they are 100 % (see [`crate::secrecy::reader::disclosure::told_by_status`]).
    pub revelees_par_le_motif: u64,
    /// Household counts of « récents » rows that the published share of recent movers of the
    /// « ensemble » row gives (see
    /// [`crate::secrecy::reader::disclosure::told_by_ensemble`]).
    pub dits_par_l_ensemble: u64,
    /// Values of the « récents » rows absent from the file (fewer than `min_units` dwellings,
    /// every value `secret_effectif`) audited as any unpublished value: those of the zones,
    /// and of the programmes, bâtiments and cages on request.
    pub valeurs_lignes_absentes: u64,
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
    /// Of the values determined, those taken as determined without proof: in a large group,
    /// beyond the exact intervals `opsgeo run` computes (the run hides their partners).
    pub sans_preuve: u64,
    /// Unpublished shares of the zone rows determined by the sums of their distributions
    /// (counted in `valeurs_determinees` too; see [`sums`]).
    pub determinees_par_les_sommes: u64,
    /// Distributions whose sums the publication contradicts (not checked by [`sums`]).
    pub sommes_incoherentes: u64,
    /// Shares the sums check left free without solving: two feasible points it had already
    /// found hold their numerator and base a whole unit apart (see [`sums`]).
    pub sommes_libres_par_temoins: u64,
    pub largeurs: Widths,
    pub secondes: f64,
}

impl AuditReport {
    pub fn passed(&self) -> bool {
        self.valeurs_determinees.is_empty()
            && self.regles_primaires_enfreintes.is_empty()
            && self.groupes_incoherents == 0
    }

    /// What this audit says to the rounds of the secrecy ([`crate::secrecy::rounds`]): passed,
    /// values determined that more suppressions may protect, or nothing to repair.
    pub fn verdict(&self) -> crate::secrecy::rounds::Verdict {
        use crate::secrecy::rounds::Verdict;
        if self.passed() {
            Verdict::Passed
        } else if self.regles_primaires_enfreintes.is_empty() && self.groupes_incoherents == 0 {
            Verdict::Determined(
                self.valeurs_determinees
                    .iter()
                    .filter_map(Finding::determined)
                    .collect(),
            )
        } else {
            Verdict::Failed
        }
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
            "Audit du secret : {} valeurs, {} non publiées, {} zéros impliqués par un zéro publié, {} parts uniques à 100 % dites par leur motif, {} nombres de ménages « récents » dits par la part des emménagés récents ; {} preuves vérifiées, {} programmes linéaires, {:.1} s ; {}\n  \
             largeur prouvée des intervalles (au moins ; échantillon de {}) : comptes {} | parts (points) {} | moyennes (relative) {}\n",
            self.valeurs,
            self.valeurs_non_publiees,
            self.zeros_impliques,
            self.revelees_par_le_motif,
            self.dits_par_l_ensemble,
            self.preuves_par_echange,
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
        let _ = writeln!(
            s,
            "  parts uniques de leur distribution masquées à 100 %, que leur motif secret_100 révèle : {}",
            self.revelees_par_le_motif
        );
        if self.valeurs_lignes_absentes > 0 {
            let _ = writeln!(
                s,
                "  valeurs des lignes « récents » absentes du fichier (moins de min_units logements), auditées : {}",
                self.valeurs_lignes_absentes
            );
        }
        let _ = writeln!(
            s,
            "  nombres de ménages de lignes « récents » que donne la part des emménagés récents publiée de la ligne « ensemble » (admis) : {}",
            self.dits_par_l_ensemble
        );
        let _ = writeln!(
            s,
            "  preuves : {} tables alternatives vérifiées, {} programmes linéaires locaux",
            self.preuves_par_echange, self.preuves_locales
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
        if self.sans_preuve > 0 {
            let _ = writeln!(
                s,
                "  dont {} sans preuve, traitée(s) comme déterminée(s) (groupe trop grand pour calculer chaque intervalle exact)",
                self.sans_preuve
            );
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
