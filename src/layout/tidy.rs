//! The tidy `indicateurs` table: one row per value of every layer, for database imports and for
//! the secrecy audit.
//!
//! An entity whose values are all `secret_effectif` (fewer than `min_units` dwellings: most
//! stairwells and small buildings) has no row in the table: its layer feature is there, with
//! every `_secret` field at `secret_effectif`, and a reader (or the audit, [`is_small_row`])
//! restores its values from that rule. On the demo this leaves out 202,066 of 422,707 rows.
//!
//! In the GeoPackage, `indicateurs` is a view over four dictionary-coded tables: the units
//! ([`UNITS_TABLE`]: scale, code, population, zone), the indicators ([`NAMES_TABLE`]), the
//! statuses ([`STATUS_TABLE`]) and one row per value holding their numbers ([`VALUES_TABLE`]).
//! The view reads as the table did, row for row; the file is three times smaller (the long
//! table and its index took 29.6 of the demo's 46.5 MB).

use std::sync::Arc;

use super::Layer;
use crate::secrecy::Status;

/// Name of the long table: a view in the GeoPackage, a table in PostGIS.
pub const TIDY_TABLE: &str = "indicateurs";

/// One row per value: unit, indicator and status numbers, value and base count.
pub const VALUES_TABLE: &str = "indicateurs_valeurs";

/// One row per unit (scale, code, population, zone) that has values in the table.
pub const UNITS_TABLE: &str = "indicateurs_unites";

/// One row per indicator (name, nature, title).
pub const NAMES_TABLE: &str = "indicateurs_liste";

/// One row per publication status (code, label).
pub const STATUS_TABLE: &str = "indicateurs_statuts";

/// The tables the view reads, in the order they are created.
pub const STORAGE_TABLES: [&str; 4] = [UNITS_TABLE, NAMES_TABLE, STATUS_TABLE, VALUES_TABLE];

/// The number of `status` in [`STATUS_TABLE`] and in the `statut` column of [`VALUES_TABLE`]:
/// its rank in [`Status::ALL`], from 1.
pub fn status_number(status: Status) -> i64 {
    Status::ALL
        .iter()
        .position(|s| *s == status)
        .expect("every status is in Status::ALL") as i64
        + 1
}

/// One value in long format.
#[derive(Debug, Clone, PartialEq)]
pub struct TidyRow {
    /// `echelle`: region, departement, epci, commune, qpv, qva, iris, programme, batiment, cage.
    pub scale: &'static str,
    /// `code`: the unit's business key, shared by the values of a unit (not one string per
    /// value).
    pub code: Arc<str>,
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

/// Whether a layer row is left out of the table: it has values and all are `secret_effectif`.
pub fn is_small_row(cells: &[crate::secrecy::Cell]) -> bool {
    !cells.is_empty() && cells.iter().all(|c| c.status == Status::SecretEffectif)
}

/// The rows of the table (their first key is the unit code): every value of every layer row but
/// those of the rows that [`is_small_row`] leaves out.
pub fn tidy_rows(layers: &[Layer]) -> Vec<TidyRow> {
    flatten(layers, false)
}

/// Every value of every layer row, small rows included: what a reader knows once the rows left
/// out are restored.
pub fn all_rows(layers: &[Layer]) -> Vec<TidyRow> {
    flatten(layers, true)
}

fn flatten(layers: &[Layer], small_rows: bool) -> Vec<TidyRow> {
    let mut out = Vec::new();
    for l in layers {
        for r in &l.rows {
            if !small_rows && is_small_row(&r.cells) {
                continue;
            }
            let code: Arc<str> = r.keys.first().cloned().flatten().unwrap_or_default().into();
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
