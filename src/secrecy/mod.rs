//! Statistical secrecy (convention §4): which values may be published.
//!
//! Two stages:
//! * [`primary`] — the convention's rules, cell by cell (fewer than 11 units, under 60 %
//!   response, shares of 100 %, optionally 0 %);
//! * [`protect`] — complementary suppressions, the cheapest first, so that no unpublished value
//!   can be recomputed from the published values of all layers together (differencing across
//!   scales, populations, QPV parts, IRIS, programmes in their commune), with a proof for each
//!   ([`Certificates`]).
//!
//! What a reader can use is modelled once, in [`reader`]: the search protects against it and
//! [`crate::audit`] checks a published GeoPackage against it, independently of the search.
//! Every unpublished value is `None` and carries its [`Status`].

pub mod certificates;
pub mod keys;
pub mod primary;
pub mod protect;
pub mod reader;
pub mod rounds;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::Aggregates;
use crate::config::SecrecySection;
use crate::indicators::{self, IndicatorDef};
use crate::model::{Population, Scale, Split};

pub use certificates::{Certificates, Tables};
pub use keys::{SecondaryInput, UnitCodes};
pub use primary::protect_cell;
pub use protect::reinforce::Determined;

/// Publication status of a value (`statut` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Publie,
    SecretEffectif,
    SecretReponse,
    Secret100,
    SecretSecondaire,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Publie,
        Status::SecretEffectif,
        Status::SecretReponse,
        Status::Secret100,
        Status::SecretSecondaire,
    ];

    /// Machine reason code.
    pub fn key(self) -> &'static str {
        match self {
            Status::Publie => "publie",
            Status::SecretEffectif => "secret_effectif",
            Status::SecretReponse => "secret_reponse",
            Status::Secret100 => "secret_100",
            Status::SecretSecondaire => "secret_secondaire",
        }
    }

    /// Parses a reason code (`statut` column).
    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }

    /// French explanation.
    pub fn label(self) -> &'static str {
        match self {
            Status::Publie => "publié",
            Status::SecretEffectif => "secret statistique : moins de 11 unités",
            Status::SecretReponse => "secret statistique : taux de réponse insuffisant",
            Status::Secret100 => "secret statistique : part de 100 % (ou 0 %) dans la distribution",
            Status::SecretSecondaire => "secret statistique : secret secondaire",
        }
    }

    pub fn is_published(self) -> bool {
        self == Status::Publie
    }
}

/// One value of a published layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The value as shown (rounded), `None` when unpublished.
    pub value: Option<f64>,
    /// The base count (`effectif`), `None` when unpublished.
    pub base: Option<i64>,
    pub status: Status,
}

/// The published values of one (scale, population, split).
#[derive(Debug, Clone)]
pub struct PublishedTable {
    pub scale: Scale,
    pub population: Population,
    pub split: Split,
    /// Unit indices (see [`Aggregates`]) with at least one dwelling (in their « ensemble »
    /// table), in the order of their codes once [`apply`] has run.
    pub units: Vec<u32>,
    pub indicators: Vec<&'static IndicatorDef>,
    /// `units.len() × indicators.len()`, row-major.
    pub cells: Vec<Cell>,
}

impl PublishedTable {
    pub fn row(&self, i: usize) -> &[Cell] {
        let n = self.indicators.len();
        &self.cells[i * n..(i + 1) * n]
    }

    pub fn row_mut(&mut self, i: usize) -> &mut [Cell] {
        let n = self.indicators.len();
        &mut self.cells[i * n..(i + 1) * n]
    }

    /// Whether row `i` is written in its layer. A « récents » row resting on fewer than
    /// `min_units` dwellings (every value `secret_effectif`) is left out: its absence says
    /// what its statuses would (0 to `min_units − 1` recent movers), and nothing else — a
    /// reader takes every unit of the « ensemble » layer to have a « récents » row, written or
    /// not (see [`reader`]).
    pub fn written(&self, i: usize) -> bool {
        self.population == Population::Ensemble
            || self
                .row(i)
                .first()
                .is_some_and(|c| c.status != Status::SecretEffectif)
    }
}

/// What the secondary suppression did (figures for the manifest and the summary).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecondaryReport {
    /// Rounds of the search (a round protects every value still unprotected).
    pub tours: u32,
    /// Nodes (measure of a row) that an unpublished value needed moved, over all rounds.
    pub besoins: u64,
    /// Alternative tables found (proofs handed to the audit).
    pub preuves: u64,
    /// Values hidden to protect others (`secret_secondaire`).
    pub masquees: u64,
    /// Values hidden by the search that no table needed in the end, published again
    /// ([`protect`], `cleanup`); not counted in `masquees`.
    pub republiees: u64,
    /// Nodes left without an alternative table by the search (the audit then decides by
    /// linear programming; the run stops if one is determined).
    pub non_protegees: u64,
    /// Territory-wide counts of the manifest that would reveal a hidden value and are left out
    /// (`total_sans_partie_qpv`, `total_sans_iris`, `total_en_qpv`, `total_en_qva`).
    pub totaux_masques: Vec<String>,
    /// Rounds in which the audit found values determined and the run hid their partners
    /// before writing again (see [`protect::reinforce`]).
    pub reprises: u32,
    /// Values hidden in those rounds.
    pub masquees_apres_audit: u64,
    /// Shares of commune and IRIS rows hidden in pairs ([`protect`], paired tables) in the
    /// publication kept; `false`: whole distributions, which cost less once the repairs of both
    /// were made ([`rounds`]).
    pub paires: bool,
    pub secondes: f64,
}

/// Values the primary rules let through, and how many of them the secondary suppression
/// published, for one scale × population × zone.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Utility {
    pub publie: u64,
    pub secret_secondaire: u64,
    /// Values hidden by a primary rule.
    pub primaire: u64,
    /// `publie / (publie + secret_secondaire)`; `None` when no value passed the primary rules.
    #[serde(rename = "U")]
    pub u: Option<f64>,
}

impl Utility {
    fn add(&mut self, st: Status) {
        match st {
            Status::Publie => self.publie += 1,
            Status::SecretSecondaire => self.secret_secondaire += 1,
            _ => self.primaire += 1,
        }
        let kept = self.publie + self.secret_secondaire;
        self.u = (kept > 0).then(|| self.publie as f64 / kept as f64);
    }
}

/// Information loss, per scale and per rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecrecyReport {
    /// `valeurs[scale][status]`: values.
    pub valeurs: BTreeMap<String, BTreeMap<String, u64>>,
    /// `cellules[scale][status]`: layer rows with at least one value of that status
    /// (`publie`: rows with every value published).
    pub cellules: BTreeMap<String, BTreeMap<String, u64>>,
    /// Layer rows with no value published at all, per scale.
    pub cellules_entierement_masquees: BTreeMap<String, u64>,
    /// Information kept, per `echelle/population/zone` (as `secrecy_utility.py` counts it).
    pub utilite: BTreeMap<String, Utility>,
    pub secondaire: SecondaryReport,
}

impl SecrecyReport {
    /// Counts the values and rows of `tables`.
    pub fn tally(tables: &[PublishedTable], secondary: SecondaryReport) -> Self {
        let mut r = SecrecyReport {
            secondaire: secondary,
            ..Default::default()
        };
        for t in tables {
            let key = t.scale.key().to_string();
            let values = r.valeurs.entry(key.clone()).or_default();
            let cells = r.cellules.entry(key.clone()).or_default();
            // every reason code is present for every scale, 0 included (stable manifest keys)
            for st in Status::ALL {
                values.entry(st.key().to_string()).or_default();
                cells.entry(st.key().to_string()).or_default();
            }
            let mut hidden = 0u64;
            let group = format!("{}/{}/{}", key, t.population.key(), t.split.key());
            let u = r.utilite.entry(group).or_default();
            for i in (0..t.units.len()).filter(|&i| t.written(i)) {
                for c in t.row(i) {
                    u.add(c.status);
                }
            }
            for i in (0..t.units.len()).filter(|&i| t.written(i)) {
                let row = t.row(i);
                let mut seen = [false; 5];
                for c in row {
                    *values.entry(c.status.key().to_string()).or_default() += 1;
                    seen[c.status as usize] = true;
                }
                if row.iter().all(|c| c.status.is_published()) {
                    *cells.entry(Status::Publie.key().to_string()).or_default() += 1;
                }
                for st in &Status::ALL[1..] {
                    if seen[*st as usize] {
                        *cells.entry(st.key().to_string()).or_default() += 1;
                    }
                }
                if row.iter().all(|c| !c.status.is_published()) {
                    hidden += 1;
                }
            }
            *r.cellules_entierement_masquees.entry(key).or_default() += hidden;
        }
        r
    }
}

/// Applies the primary rules to every table (no secondary suppression). Every unit of an
/// « ensemble » table has its row in the « récents » table too, with no recent mover if need
/// be: whether a row is there says nothing the statuses do not.
pub fn apply_primary(aggs: &Aggregates, params: &SecrecySection) -> Vec<PublishedTable> {
    let mut out = Vec::new();
    for t in &aggs.tables {
        let defs = indicators::for_population(t.population);
        let ensemble = aggs
            .table(t.scale, Population::Ensemble, t.split)
            .expect("every table has its « ensemble » table");
        let units: Vec<u32> = ensemble.populated_units().map(|u| u as u32).collect();
        let mut cells = Vec::with_capacity(units.len() * defs.len());
        for &u in &units {
            cells.extend(protect_cell(&t.measures[u as usize], &defs, params));
        }
        out.push(PublishedTable {
            scale: t.scale,
            population: t.population,
            split: t.split,
            units,
            indicators: defs,
            cells,
        });
    }
    out
}

/// What [`apply`] decided.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub tables: Vec<PublishedTable>,
    pub report: SecrecyReport,
    /// Proofs for the audit (microdata: never written anywhere).
    pub certificates: Certificates,
    /// Values the search hid, then published again: hidden again if the audit finds values
    /// determined ([`rounds`]).
    pub republished: protect::cleanup::Republished,
}

impl Outcome {
    /// Hides again the values published again after the search ([`protect::cleanup`]); returns
    /// `false` when there were none.
    pub fn undo_republished(&mut self) -> bool {
        let republished = std::mem::take(&mut self.republished);
        if republished.count() == 0 {
            return false;
        }
        let (hidden, broken) = republished.undo(&mut self.tables);
        for d in broken.iter() {
            self.certificates.deltas.push(d);
        }
        let mut secondary = self.report.secondaire.clone();
        secondary.masquees += hidden;
        secondary.republiees = 0;
        self.report = SecrecyReport::tally(&self.tables, secondary);
        true
    }

    /// Cost of its complementary suppressions: the weights of the scales
    /// ([`protect::state::weight`]) of its `secret_secondaire` values.
    pub fn cost(&self) -> u64 {
        self.tables
            .iter()
            .map(|t| {
                let hidden = t
                    .cells
                    .iter()
                    .filter(|c| c.status == Status::SecretSecondaire)
                    .count() as u64;
                hidden * protect::state::weight(t.scale)
            })
            .sum()
    }

    /// Whether a commune or IRIS row hides a share ([`Status::SecretSecondaire`]) and publishes
    /// another of its distribution: a choice only the paired search makes
    /// ([`protect`], paired tables). Without one, the publication is one of whole
    /// distributions.
    pub fn splits_distributions(&self) -> bool {
        self.tables
            .iter()
            .filter(|t| protect::state::pairable(t.scale))
            .any(|t| {
                let n = t.indicators.len();
                (0..t.units.len()).any(|i| {
                    let row = &t.cells[i * n..(i + 1) * n];
                    let hidden = |k: usize| row[k].status == Status::SecretSecondaire;
                    (0..n).any(|k| {
                        let d = t.indicators[k];
                        d.kind == indicators::Kind::Share
                            && d.group.is_some()
                            && hidden(k)
                            && (0..n).any(|o| {
                                let e = t.indicators[o];
                                e.kind == indicators::Kind::Share
                                    && e.group == d.group
                                    && e.denominator == d.denominator
                                    && row[o].status.is_published()
                            })
                    })
                })
            })
    }

    /// Whether every value has the same status in both publications.
    pub fn same_statuses(&self, other: &Outcome) -> bool {
        self.tables.len() == other.tables.len()
            && self.tables.iter().zip(&other.tables).all(|(a, b)| {
                a.cells.len() == b.cells.len()
                    && a.cells
                        .iter()
                        .zip(&b.cells)
                        .all(|(x, y)| x.status == y.status)
            })
    }
}

/// Applies the primary rules, then the secondary suppression over all tables together.
/// With `pairs`, a share of a commune or IRIS row may be hidden with one other share of its
/// distribution rather than the whole distribution (see [`protect`]).
pub fn apply(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    params: &SecrecySection,
    pairs: bool,
    cautious: bool,
) -> Outcome {
    let mut tables = apply_primary(aggs, params);
    // rows in the order of their codes: the search, the layers and the audit then never depend
    // on the order of the input files
    for t in &mut tables {
        let n = t.indicators.len();
        let mut order: Vec<(String, usize)> = t
            .units
            .iter()
            .enumerate()
            .map(|(i, &u)| (keys::unit_code(t.scale, u as usize, input), i))
            .collect();
        order.sort();
        let units = order.iter().map(|&(_, i)| t.units[i]).collect();
        let cells = order
            .iter()
            .flat_map(|&(_, i)| t.cells[i * n..(i + 1) * n].iter().copied())
            .collect();
        t.units = units;
        t.cells = cells;
    }
    let (secondary, certificates, republished) = protect::suppress(
        aggs,
        input,
        &mut tables,
        params,
        pairs,
        cautious,
        Default::default(),
    );
    let report = SecrecyReport::tally(&tables, secondary);
    Outcome {
        tables,
        report,
        certificates,
        republished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{Kind, CATALOGUE};

    /// One row of `scale` whose values are the shares of the first distribution of the
    /// catalogue with `statuses`.
    fn one_row(scale: Scale, statuses: &[Status]) -> Outcome {
        let group = CATALOGUE
            .iter()
            .find(|d| d.kind == Kind::Share && d.group.is_some())
            .and_then(|d| d.group);
        let indicators: Vec<&'static IndicatorDef> = CATALOGUE
            .iter()
            .filter(|d| d.kind == Kind::Share && d.group == group)
            .take(statuses.len())
            .collect();
        assert_eq!(indicators.len(), statuses.len(), "a distribution that long");
        let cells = statuses
            .iter()
            .map(|&status| Cell {
                value: status.is_published().then_some(50.0),
                base: status.is_published().then_some(40),
                status,
            })
            .collect();
        Outcome {
            tables: vec![PublishedTable {
                scale,
                population: Population::Ensemble,
                split: Split::Tout,
                units: vec![0],
                indicators,
                cells,
            }],
            report: SecrecyReport::default(),
            certificates: Certificates::default(),
            republished: Default::default(),
        }
    }

    #[test]
    fn a_commune_share_hidden_beside_a_published_one_splits_its_distribution() {
        use Status::*;
        assert!(one_row(
            Scale::Commune,
            &[SecretSecondaire, SecretSecondaire, Publie]
        )
        .splits_distributions());
        assert!(one_row(Scale::Iris, &[Publie, SecretSecondaire]).splits_distributions());
        // whole distributions hidden or published: no paired choice was made
        assert!(
            !one_row(Scale::Commune, &[SecretSecondaire, SecretSecondaire]).splits_distributions()
        );
        assert!(!one_row(Scale::Commune, &[Publie, Publie]).splits_distributions());
        // a primary suppression beside published shares is the convention's, not a pair
        assert!(!one_row(Scale::Commune, &[Secret100, Publie]).splits_distributions());
        // paired tables are searched in commune and IRIS rows only
        assert!(!one_row(Scale::Batiment, &[SecretSecondaire, Publie]).splits_distributions());
    }
}
