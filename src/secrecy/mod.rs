//! Statistical secrecy (convention §4): which values may be published.
//!
//! Two stages:
//! * [`primary`] — the convention's rules, cell by cell (fewer than 11 units, under 60 %
//!   response, shares of 100 %, optionally 0 %);
//! * [`secondary`] — further suppressions so that no unpublished value can be recomputed from
//!   the published values of all layers together (differencing across scales, populations, QPV
//!   parts and IRIS/QPV overlaps), found on the finest cross-classification of dwellings built
//!   by [`structure`].
//!
//! Every unpublished value is `None` and carries its [`Status`]. [`crate::audit`] checks a
//! published GeoPackage independently of this module.

pub mod bits;
pub mod exchanges;
pub mod partition;
pub mod primary;
pub mod reveal;
pub mod secondary;
pub mod structure;

use std::collections::BTreeMap;

use serde::Serialize;
use thiserror::Error;

use crate::aggregate::Aggregates;
use crate::config::SecrecySection;
use crate::indicators::{self, IndicatorDef};
use crate::model::{Population, Scale, Split};

pub use exchanges::Exchanges;
pub use primary::protect_cell;
pub use structure::{SecondaryInput, UnitCodes};

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
    /// Unit indices (see [`Aggregates`]) with at least one dwelling, ascending.
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
}

/// What the secondary suppression did (figures for the manifest and the summary).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecondaryReport {
    /// Candidate values examined.
    pub candidates: u64,
    /// Passes of the greedy search (a pass is repeated until it suppresses nothing new).
    pub passes: u32,
    /// Finest cross-classification cells (stairwell × commune × IRIS × QPV × QVA × QPV part ×
    /// recent movers).
    pub inner_cells: u64,
    /// Unpublished values for which no protecting exchange was found.
    pub unprotected: u64,
    /// Unpublished values whose only exchanges take a unit from a cell of a single dwelling:
    /// hidden from everyone but that dwelling's household.
    pub singleton_exposed: u64,
    /// Territory-wide counts of the manifest that would reveal a hidden value and are left out
    /// (`total_sans_partie_qpv`, `total_sans_iris`, `total_en_qpv`, `total_en_qva`).
    pub totaux_masques: Vec<String>,
    pub seconds: f64,
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
            for i in 0..t.units.len() {
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

/// Errors of the secrecy stage (exit code 1).
#[derive(Debug, Error)]
pub enum SecrecyError {
    /// The fine cross-classification does not add up to the published tables: the secondary
    /// suppression would protect other numbers than those published.
    #[error("secret statistique : le croisement fin des logements ne redonne pas la table {table} (unité {unit}, mesure {measure}) ; publication refusée")]
    Inconsistent {
        table: String,
        unit: String,
        measure: String,
    },
    /// Exact arithmetic overflowed (never expected with counts of dwellings).
    #[error("secret statistique : dépassement de capacité dans le calcul exact ({context})")]
    Overflow { context: String },
}

/// Applies the primary rules to every table (no secondary suppression).
pub fn apply_primary(aggs: &Aggregates, params: &SecrecySection) -> Vec<PublishedTable> {
    let mut out = Vec::new();
    for t in &aggs.tables {
        let defs = indicators::for_population(t.population);
        let units: Vec<u32> = t.populated_units().map(|u| u as u32).collect();
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
    /// Candidate proofs for the audit (microdata: never written anywhere).
    pub exchanges: Exchanges,
}

/// Applies the primary rules, then the secondary suppression over all tables together.
pub fn apply(
    aggs: &Aggregates,
    input: &SecondaryInput<'_>,
    params: &SecrecySection,
) -> Result<Outcome, SecrecyError> {
    let mut tables = apply_primary(aggs, params);
    let (secondary, exchanges) =
        secondary::suppress(aggs, input, &mut tables, params.min_units as i64)?;
    let report = SecrecyReport::tally(&tables, secondary);
    Ok(Outcome {
        tables,
        report,
        exchanges,
    })
}
