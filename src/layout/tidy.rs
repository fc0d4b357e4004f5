//! The tidy `indicateurs` table: one row per value of every layer, for database imports and for
//! the secrecy audit.

use super::Layer;
use crate::secrecy::Status;

/// Table name in the GeoPackage and in PostGIS.
pub const TIDY_TABLE: &str = "indicateurs";

/// One value in long format.
#[derive(Debug, Clone, PartialEq)]
pub struct TidyRow {
    /// `echelle`: region, departement, epci, commune, qpv, qva, iris, programme, batiment, cage.
    pub scale: &'static str,
    /// `code`: the unit's business key.
    pub code: String,
    /// `population`: ensemble, recents.
    pub population: &'static str,
    /// `zone`: tout, qpv, hors_qpv.
    pub zone: &'static str,
    /// `indicateur`: catalogue field name.
    pub indicator: &'static str,
    /// `nature`: compte, part, moyenne.
    pub nature: &'static str,
    /// `valeur`: as shown in the layer; `None` when unpublished.
    pub value: Option<f64>,
    /// `effectif`: base count; `None` when unpublished.
    pub base: Option<i64>,
    /// `statut`.
    pub status: Status,
}

/// Column names of the table, in order.
pub const COLUMNS: [&str; 9] = [
    "echelle",
    "code",
    "population",
    "zone",
    "indicateur",
    "nature",
    "valeur",
    "effectif",
    "statut",
];

/// Flattens layers (their first key is the unit code).
pub fn tidy_rows(layers: &[Layer]) -> Vec<TidyRow> {
    let mut out = Vec::new();
    for l in layers {
        for r in &l.rows {
            let code = r.keys.first().cloned().flatten().unwrap_or_default();
            for (d, c) in l.indicators.iter().zip(&r.cells) {
                out.push(TidyRow {
                    scale: l.scale.key(),
                    code: code.clone(),
                    population: l.population.key(),
                    zone: l.split.key(),
                    indicator: d.field,
                    nature: d.kind.key(),
                    value: c.value,
                    base: c.base,
                    status: c.status,
                });
            }
        }
    }
    out
}
