//! What a run measured, stage by stage: the manifest and the summary are written from it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::aggregate::AggregateReport;
use crate::ingest::zones::GeometryIssue;
use crate::ingest::InputStats;
use crate::secrecy::SecrecyReport;

use super::{manifest, publish};

/// Geocoding counts.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GeocodeReport {
    /// Distinct addresses geocoded.
    #[serde(rename = "adresses")]
    pub addresses: u64,
    /// BAN addresses loaded.
    #[serde(rename = "adresses_ban")]
    pub ban_addresses: u64,
    /// Dwellings per location level.
    #[serde(rename = "logements_par_niveau")]
    pub dwellings_by_level: BTreeMap<String, u64>,
    /// Distinct addresses per answer level.
    #[serde(rename = "adresses_par_niveau")]
    pub addresses_by_level: BTreeMap<String, u64>,
    /// Dwellings with a usable RPLS X/Y.
    #[serde(rename = "xy_rpls_utilises")]
    pub rpls_xy_used: u64,
    /// Dwellings whose RPLS X/Y was present but unusable.
    #[serde(rename = "xy_rpls_ignores")]
    pub rpls_xy_ignored: u64,
    /// Dwellings per location level, per commune (`DEPCOM`).
    #[serde(rename = "logements_par_commune")]
    pub dwellings_by_commune: BTreeMap<String, BTreeMap<String, u64>>,
    /// Manual corrections file, when one was given.
    #[serde(rename = "fichier_corrections")]
    pub corrections_file: Option<PathBuf>,
    /// Distinct addresses located by a correction of their address key.
    #[serde(rename = "adresses_corrigees")]
    pub corrected_addresses: u64,
    /// Dwellings located by a correction of their identifier.
    #[serde(rename = "logements_corriges")]
    pub corrected_dwellings: u64,
    /// Corrections that matched no address or dwelling.
    #[serde(rename = "corrections_sans_correspondance")]
    pub corrections_unused: u64,
    /// Rows of the review layer `geocodage_a_verifier`.
    #[serde(rename = "lignes_a_verifier")]
    pub review_rows: u64,
    /// Lowest street score accepted.
    #[serde(rename = "score_voie_minimal")]
    pub min_street_score: f64,
    /// Seconds spent building the BAN index, and its approximate size.
    #[serde(rename = "index_ban_secondes")]
    pub ban_index_seconds: f64,
    #[serde(rename = "index_ban_octets")]
    pub ban_index_bytes: u64,
}

/// Join cross-checks (see [`cross_check`]).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JoinReport {
    /// Dwellings located precisely enough to be placed in zones: the base of the checks.
    #[serde(rename = "localises")]
    pub located: u64,
    /// Located dwellings whose joined commune differs from `DEPCOM`.
    #[serde(rename = "commune_differente")]
    pub commune_mismatch: u64,
    /// Located dwellings outside every commune polygon.
    #[serde(rename = "hors_communes")]
    pub outside_communes: u64,
    /// Located dwellings whose joined QPV disagrees with the RPLS QPV flag.
    #[serde(rename = "indicateur_qpv_different")]
    pub qpv_flag_mismatch: u64,
    /// Located dwellings in a QPV.
    #[serde(rename = "en_qpv")]
    pub in_qpv: u64,
    /// Located dwellings with a QPV flag that are in a QPV by either the flag or the layer: the
    /// base of `qpv_flag_mismatch` for the gate on the QPV layer (`gates::check_qpv_flags`).
    #[serde(skip)]
    pub qpv_by_either: u64,
    /// The SDES code column compared with the joined QPV (`PLG_QP15` or `PLG_QP24`, matching
    /// the generation of the QPV layer); `None` when absent from the RPLS file.
    #[serde(rename = "colonne_plg_qp")]
    pub plg_qp_column: Option<String>,
    /// Located dwellings with a value in that column.
    #[serde(rename = "plg_qp_compares")]
    pub plg_qp_compared: u64,
    /// Of those, dwellings whose joined QPV (or absence of QPV) differs from the SDES code.
    #[serde(rename = "plg_qp_differents")]
    pub plg_qp_mismatch: u64,
    /// Invalid polygons found in the zone layers.
    #[serde(rename = "problemes_geometrie")]
    pub geometry_issues: Vec<GeometryIssue>,
}

/// Everything a run measured: the manifest and the summary are written from it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunReport {
    pub config: PathBuf,
    pub out_dir: PathBuf,
    pub inputs: Vec<InputStats>,
    pub rejects_total: u64,
    pub rejects_by_reason: Vec<(String, String, u64)>,
    pub dwellings: u64,
    pub households: u64,
    pub geocode: GeocodeReport,
    pub join: JoinReport,
    pub aggregate: AggregateReport,
    pub secrecy: SecrecyReport,
    /// Audit of the staged GeoPackage before publication.
    pub audit: crate::audit::AuditReport,
    /// Layer name → rows.
    pub layers: Vec<(String, u64)>,
    /// Layer name → rows left out of its FlatGeobuf copy for lack of a geometry (they stay in
    /// the GeoPackage and in the `indicateurs` table).
    pub fgb_rows_without_geometry: Vec<(String, u64)>,
    pub tidy_rows: u64,
    /// Output files (relative to the output folder).
    pub outputs: Vec<PathBuf>,
    /// Stage → seconds.
    pub timings: Vec<(String, f64)>,
    pub total_seconds: f64,
    pub metadata: manifest::MetadataReport,
    /// Checks and publication (folder, PostGIS).
    pub publication: publish::PublicationReport,
}
