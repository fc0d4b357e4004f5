//! `opsgeo run`: the stages chained forward, with timings, and atomic publication.
//!
//! Outputs are written into a staging folder, checked, then published as a whole (see
//! [`publish`]): a run that fails or is killed leaves the previous outputs untouched.

pub mod cross_check;
pub mod manifest;
pub mod publish;
pub mod summary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;
use tracing::{info, warn};

use crate::aggregate::{self, AggregateInput, AggregateReport};
use crate::config::{Config, ConfigError};
use crate::emit::{self, EmitError};
use crate::geocode::{self, BanIndex, GeocodeError, GeocodeLevel};
use crate::ingest::rejects::RejectLog;
use crate::ingest::territory::Territory;
use crate::ingest::zones::{
    check_in_lambert93, check_overlaps_communes, read_zone_layer, GeometryIssue, ZoneKind,
    ZoneLayer,
};
use crate::ingest::{ops, rpls, IngestError, InputStats};
use crate::join::{self, ZoneSet};
use crate::model::Household;
use crate::secrecy::{self, SecrecyReport};

/// Errors that stop `opsgeo run`.
#[derive(Debug, Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Geocode(#[from] GeocodeError),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// The audit of the staged GeoPackage failed: nothing is published.
    #[error("publication refusée : {0}\n{1}")]
    AuditFailed(crate::audit::AuditFailed, String),
    #[error(transparent)]
    Publication(#[from] publish::PublishError),
    #[error(transparent)]
    Postgis(#[from] crate::emit::postgis::PostgisError),
}

impl PipelineError {
    pub fn is_config(&self) -> bool {
        match self {
            PipelineError::Config(_) => true,
            PipelineError::Ingest(e) => e.is_config(),
            PipelineError::Publication(e) => e.is_usage(),
            PipelineError::Postgis(e) => e.is_config(),
            _ => false,
        }
    }
}

/// Options of a run that are not in the configuration file.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub out_dir: PathBuf,
    /// Show progress bars.
    pub progress: bool,
}

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

/// Stage timings, with a spinner naming the stage in progress.
struct Timer {
    start: Instant,
    stage: Instant,
    timings: Vec<(String, f64)>,
    spinner: Option<indicatif::ProgressBar>,
}

impl Timer {
    fn new(progress: bool) -> Self {
        let now = Instant::now();
        let spinner = progress.then(|| {
            let pb = indicatif::ProgressBar::new_spinner();
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .expect("valid template"),
            );
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
            pb
        });
        Timer {
            start: now,
            stage: now,
            timings: Vec::new(),
            spinner,
        }
    }

    /// Ends stage `name`; `next` describes the stage that starts.
    fn lap(&mut self, name: &str, next: &str) {
        let s = self.stage.elapsed().as_secs_f64();
        info!(etape = name, secondes = s, "étape terminée");
        self.timings.push((name.to_string(), s));
        self.stage = Instant::now();
        if let Some(pb) = &self.spinner {
            pb.set_message(next.to_string());
        }
    }
}

impl Timer {
    fn set_message(&self, msg: &str) {
        if let Some(pb) = &self.spinner {
            pb.set_message(msg.to_string());
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(pb) = &self.spinner {
            pb.finish_and_clear();
        }
    }
}

/// Everything read from the inputs, validated.
pub struct Inputs {
    pub communes: ZoneLayer,
    pub iris: ZoneLayer,
    pub qpv: ZoneLayer,
    pub qva: Option<ZoneLayer>,
    pub territory: Territory,
    /// RPLS dwellings; their identifiers are already dropped.
    pub rpls: rpls::RplsData,
    pub households: Vec<Household>,
    pub household_stats: InputStats,
    pub occupant_stats: InputStats,
    /// Manual corrections by address key (those by identifier are resolved below).
    pub corrections: geocode::corrections::Corrections,
    /// Corrections by `IDENT_REP`, resolved to dwelling indices before the identifiers are
    /// dropped.
    pub dwelling_corrections: Vec<(u32, geocode::corrections::Correction)>,
    /// Identifier corrections that matched no dwelling.
    pub unused_idents: u64,
}

impl Inputs {
    /// Statistics of every input read so far, in reading order.
    pub fn stats(&self) -> Vec<InputStats> {
        [&self.communes.stats, &self.iris.stats, &self.qpv.stats]
            .into_iter()
            .chain(self.qva.as_ref().map(|q| &q.stats))
            .chain([
                &self.territory.stats,
                &self.rpls.stats,
                &self.household_stats,
                &self.occupant_stats,
            ])
            .cloned()
            .collect()
    }
}

/// Reads and validates the zone layers, the territory, the RPLS and the OPS files (ingest
/// stage). Stops when an input has more rejected rows than `run.max_reject_rate`.
pub fn read_inputs(cfg: &Config, rejects: &mut RejectLog) -> Result<Inputs, PipelineError> {
    let max_rejects = cfg.run.max_reject_rate;
    // zone layers obey the same threshold as the tables: a layer that loses its features
    // would publish every dwelling « sans zone » without a word
    let zone = |input, kind, rejects: &mut RejectLog| -> Result<ZoneLayer, PipelineError> {
        let layer = read_zone_layer(input, kind, rejects)?;
        let geometry_first = most_frequent_reason(rejects, &layer.stats.file)
            .is_some_and(|(column, _, _)| column == "géométrie");
        layer
            .stats
            .check_reject_rate(max_rejects)
            .map_err(|mut e| {
                if let IngestError::TooManyRejects {
                    read,
                    rejected,
                    detail,
                    ..
                } = &mut e
                {
                    if read == rejected && geometry_first {
                        detail.push_str(
                            " ; aucune entité utilisable : vérifiez le système de coordonnées (un \
                         GeoJSON sans membre « crs » est lu en longitude/latitude WGS84, un \
                         shapefile selon son .prj) et le type des géométries (polygones attendus)",
                        );
                    }
                }
                e
            })?;
        layer.stats.check_not_empty("entité")?;
        check_in_lambert93(&layer)?;
        Ok(layer)
    };
    let communes = zone(&cfg.zones.communes, ZoneKind::Commune, rejects)?;
    // a layer read in the wrong coordinate system lies away from the communes
    let overlapping = |layer: ZoneLayer| -> Result<ZoneLayer, PipelineError> {
        check_overlaps_communes(&layer, &communes)?;
        Ok(layer)
    };
    let iris = overlapping(zone(&cfg.zones.iris, ZoneKind::Iris, rejects)?)?;
    let qpv = overlapping(zone(&cfg.zones.qpv, ZoneKind::Qpv, rejects)?)?;
    let qva = cfg
        .zones
        .qva
        .as_ref()
        .map(|q| zone(q, ZoneKind::Qva, rejects).and_then(overlapping))
        .transpose()?;
    let territory = Territory::build(&cfg.territory, &communes, rejects)?;
    territory.stats.check_reject_rate(max_rejects)?;
    let mut rp = rpls::read_rpls(&cfg.rpls, &territory, rejects)?;
    rp.stats.check_reject_rate(max_rejects)?;
    rp.stats.check_not_empty("logement")?;
    let (mut households, household_stats) =
        ops::read_households(&cfg.ops_households, &rp.ids, &rp.dwellings, rejects)?;
    household_stats
        .check_reject_rate(max_rejects)
        .map_err(|e| blame_rpls_first(e, rejects, &rp.stats))?;
    household_stats.check_not_empty("ménage")?;
    check_household_coverage(&rp.dwellings, &households, &household_stats, max_rejects)?;
    let occupant_stats =
        ops::read_occupants(&cfg.ops_occupants, &rp.ids, &mut households, rejects)?;
    occupant_stats
        .check_reject_rate(max_rejects)
        .map_err(|e| blame_rpls_first(e, rejects, &rp.stats))?;
    check_occupant_coverage(&households, &occupant_stats, max_rejects)?;
    let mut corrections = match &cfg.ban.corrections {
        Some(p) => geocode::corrections::Corrections::load(p)?,
        None => Default::default(),
    };
    let (dwelling_corrections, unused_idents) = corrections.resolve_idents(|id| rp.ids.get(id));
    // identifiers are no longer needed: drop them before anything is written
    rp.ids = Default::default();
    rp.addresses.shrink();
    Ok(Inputs {
        communes,
        iris,
        qpv,
        qva,
        territory,
        rpls: rp,
        households,
        household_stats,
        occupant_stats,
        corrections,
        dwelling_corrections,
        unused_idents,
    })
}

/// The most frequent (column, reason) among the rejects of `file`, and its count. Reasons
/// never hold a value read from the file (see [`RejectLog`]).
fn most_frequent_reason(rejects: &RejectLog, file: &str) -> Option<(String, String, u64)> {
    // « … ligne 1060 » and « … ligne 2 » are the same reason
    let general = |reason: &str| -> String {
        let mut out = String::with_capacity(reason.len());
        let mut rest = reason;
        while let Some(i) = rest.find("ligne ") {
            out.push_str(&rest[..i + 6]);
            rest = &rest[i + 6..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push('N');
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
        out
    };
    let mut counts: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for r in rejects.rejects().iter().filter(|r| r.file == file) {
        *counts.entry((&r.column, general(&r.reason))).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map(|((c, r), n)| (c.to_string(), r, n))
}

/// A run stopped on a reject threshold says what was rejected most, so that the operator knows
/// the column at fault (codes stripped of their zeros by a spreadsheet, a column mapped to the
/// wrong name…) without opening the rejects file first.
fn add_main_reason(e: &mut IngestError, rejects: &RejectLog) {
    if let IngestError::TooManyRejects { path, detail, .. } = e {
        let file = crate::ingest::source::file_label(path);
        if let Some((column, reason, n)) = most_frequent_reason(rejects, &file) {
            let column = if column.is_empty() {
                String::new()
            } else {
                format!("colonne {column}, ")
            };
            detail.push_str(&format!(
                " ; motif le plus fréquent ({n} ligne(s)) : {column}{reason}"
            ));
        }
    }
}

/// Fails when too many let dwellings of the RPLS have no row at all in the households file:
/// the survey covers every let dwelling (a household that did not answer has its row,
/// `REPONSE` 2), so a file truncated at a line break, or one of another year or perimeter,
/// would publish response rates and household indicators over the wrong base without a word.
/// Rows of the households file that were rejected may have belonged to those dwellings: they
/// are already counted against the threshold, and not twice.
fn check_household_coverage(
    dwellings: &[crate::model::Dwelling],
    households: &[Household],
    stats: &InputStats,
    max_reject_rate: f64,
) -> Result<(), IngestError> {
    use crate::model::OccupancyMode;
    let mut covered = vec![false; dwellings.len()];
    for h in households {
        if let Some(c) = covered.get_mut(h.dwelling as usize) {
            *c = true;
        }
    }
    let let_dwellings = dwellings
        .iter()
        .filter(|d| d.mode == OccupancyMode::Let)
        .count() as u64;
    let without = dwellings
        .iter()
        .zip(&covered)
        .filter(|(d, c)| d.mode == OccupancyMode::Let && !**c)
        .count() as u64;
    let missing = without.saturating_sub(stats.rejected);
    if let_dwellings == 0 || missing as f64 / let_dwellings as f64 <= max_reject_rate {
        return Ok(());
    }
    Err(IngestError::Data {
        path: stats.path.clone(),
        message: format!(
            "{missing} logement(s) loué(s) du RPLS sur {let_dwellings} ({:.1} %) n'ont aucune ligne \
             dans ce fichier, au-delà du maximum autorisé ({:.1} %, clé run.max_reject_rate) : \
             fichier tronqué, ou d'une autre année ou d'un autre périmètre que le RPLS ? (un \
             ménage qui n'a pas répondu a sa ligne, REPONSE 2)",
            missing as f64 * 100.0 / let_dwellings as f64,
            max_reject_rate * 100.0
        ),
    })
}

/// An OPS file stopped on its reject threshold mostly for rows whose dwelling is not in the
/// RPLS: the RPLS may be the culprit (truncated at a line break, another year), so the
/// message says so and names it.
fn blame_rpls_first(mut e: IngestError, rejects: &RejectLog, rpls: &InputStats) -> IngestError {
    if let IngestError::TooManyRejects {
        path,
        rejected,
        detail,
        ..
    } = &mut e
    {
        let file = crate::ingest::source::file_label(path);
        let unknown = rejects
            .rejects()
            .iter()
            .filter(|r| r.file == file && r.reason == ops::UNKNOWN_ID)
            .count() as u64;
        if unknown * 2 > *rejected {
            detail.push_str(&format!(
                " ; dont {unknown} ligne(s) dont le logement est introuvable parmi les {} \
                 logement(s) accepté(s) du RPLS : vérifiez d'abord {} (fichier tronqué, d'une \
                 autre année ou d'un autre périmètre ?)",
                rpls.accepted,
                rpls.path.display()
            ));
        }
    }
    e
}

/// Fails when too many households that answered have no occupant row at all: each has at
/// least its lease holder, so an occupants file truncated at a line break would publish mean
/// occupants, ages and employment over the wrong base without a word. Rejected occupant rows
/// are already counted against the threshold, and not twice.
fn check_occupant_coverage(
    households: &[Household],
    stats: &InputStats,
    max_reject_rate: f64,
) -> Result<(), IngestError> {
    let responded = households.iter().filter(|h| h.responded).count() as u64;
    let without = households
        .iter()
        .filter(|h| h.responded && h.occupants.persons == 0)
        .count() as u64;
    let missing = without.saturating_sub(stats.rejected);
    if responded == 0 || missing as f64 / responded as f64 <= max_reject_rate {
        return Ok(());
    }
    Err(IngestError::Data {
        path: stats.path.clone(),
        message: format!(
            "{missing} ménage(s) répondant(s) sur {responded} ({:.1} %) n'ont aucun occupant dans \
             ce fichier, au-delà du maximum autorisé ({:.1} %, clé run.max_reject_rate) : \
             fichier tronqué, ou d'une autre année ou d'un autre périmètre que le fichier des \
             ménages ? (un ménage répondant a au moins son titulaire du bail)",
            missing as f64 * 100.0 / responded as f64,
            max_reject_rate * 100.0
        ),
    })
}

/// Smallest reject threshold applied to a BAN file: the BAN legitimately holds rows opsgeo
/// cannot use (numbers above 9,999 for lieux-dits…), so its threshold is
/// `max(run.max_reject_rate, BAN_MIN_REJECT_RATE)`.
pub const BAN_MIN_REJECT_RATE: f64 = 0.20;

/// Stops the run when a BAN file has lost too many rows (e.g. empty coordinates): every
/// dwelling would be « non trouvé » without a word. BAN rows are counted by reason in the
/// message, the summary and the manifest, and listed in `rejets.csv` like every other input.
fn check_ban_rejects(ban: &BanIndex, max_reject_rate: f64) -> Result<(), IngestError> {
    let max = max_reject_rate.max(BAN_MIN_REJECT_RATE);
    for s in &ban.stats {
        if let Err(mut e) = s.check_reject_rate(max) {
            if let IngestError::TooManyRejects { key, detail, .. } = &mut e {
                *key = "run.max_reject_rate, au moins 20 % pour la BAN";
                let reasons: Vec<String> = ban
                    .rejects
                    .iter()
                    .map(|(r, n)| format!("{r} : {n}"))
                    .collect();
                *detail = format!(" ; motifs : {}", reasons.join(", "));
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Largest distance (metres) between the addresses of a commune and the extent of the
/// territory's commune polygons before the BAN is said to be in another coordinate system.
const BAN_EXTENT_TOLERANCE_M: f64 = 5_000.0;

/// Fails when the BAN addresses of most of the territory's communes lie outside the extent of
/// the communes layer: x/y not in Lambert-93 (longitude/latitude, another projection, x and y
/// swapped). Every dwelling would be geocoded away from its commune, and the run would stop
/// later on a symptom (the secrecy audit) instead of naming the BAN.
fn check_ban_extent(ban: &BanIndex, territory: &Territory) -> Result<(), IngestError> {
    let Some(extent) = territory.extent else {
        return Ok(());
    };
    let t = BAN_EXTENT_TOLERANCE_M;
    let (mut inside, mut outside) = (0u64, 0u64);
    for c in &territory.communes {
        if let Some((x, y)) = ban.commune_point(&c.code) {
            let ok = x >= extent.min().x - t
                && x <= extent.max().x + t
                && y >= extent.min().y - t
                && y <= extent.max().y + t;
            if ok {
                inside += 1;
            } else {
                outside += 1;
            }
        }
    }
    if outside == 0 {
        return Ok(());
    }
    let names: Vec<String> = ban
        .files
        .iter()
        .map(|p| crate::ingest::source::file_label(p))
        .collect();
    let message = format!(
        "les adresses de {outside} commune(s) du territoire sur {} sont à plus de {} km de \
         l'emprise de la couche des communes : colonnes x/y en Lambert-93 (EPSG:2154) \
         attendues (longitude/latitude, autre projection ou x et y inversés ?)",
        inside + outside,
        t / 1000.0
    );
    if outside < inside {
        warn!("{} : {message}", names.join(", "));
        return Ok(());
    }
    Err(IngestError::Data {
        path: match ban.files.as_slice() {
            [one] => one.clone(),
            _ => PathBuf::from(names.join(", ")),
        },
        message,
    })
}

/// Loads the BAN and moves its rejected rows into `rejects`.
fn load_ban(cfg: &Config, rejects: &mut RejectLog) -> Result<BanIndex, PipelineError> {
    let mut ban = BanIndex::load(&cfg.ban.paths)?
        .with_options(crate::geocode::GeocodeOptions::from_config(&cfg.ban));
    rejects.append(std::mem::take(&mut ban.reject_log));
    Ok(ban)
}

/// `opsgeo check`: reads and validates every input (BAN included), writes `rejets.csv` into
/// `out_dir` when given, and returns the statistics of every file.
pub fn check(cfg: &Config, out_dir: Option<&Path>) -> Result<Vec<InputStats>, PipelineError> {
    let mut rejects = RejectLog::new();
    let mut outcome = check_inputs(cfg, &mut rejects);
    if let Err(PipelineError::Ingest(e)) = &mut outcome {
        add_main_reason(e, &rejects);
    }
    if let Some(dir) = out_dir {
        // written even when the reading stopped: the error message points to it
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let p = dir.join("rejets.csv");
        rejects.write_csv(&p).map_err(|e| io_error(&p, e))?;
        if let Err(PipelineError::Ingest(mut e)) = outcome {
            e.set_rejects_detail(&p);
            return Err(e.into());
        }
    }
    outcome
}

/// Reads every input, the BAN included; the rejected rows of all of them go to `rejects`.
fn check_inputs(cfg: &Config, rejects: &mut RejectLog) -> Result<Vec<InputStats>, PipelineError> {
    let inputs = read_inputs(cfg, rejects)?;
    let ban = load_ban(cfg, rejects)?;
    check_ban_rejects(&ban, cfg.run.max_reject_rate)?;
    check_ban_extent(&ban, &inputs.territory)?;
    let mut stats = inputs.stats();
    stats.extend(ban.stats.iter().cloned());
    Ok(stats)
}

/// Runs the whole pipeline and publishes the outputs into `opts.out_dir`.
pub fn run(cfg: &Config, opts: &RunOptions) -> Result<RunReport, PipelineError> {
    // lock the output folder first: a concurrent run stops here, before any work
    let publication = publish::Publication::begin(&opts.out_dir, cfg)?;
    let mut timer = Timer::new(opts.progress);
    timer.set_message("lecture des zones, du RPLS et de l'enquête OPS");
    let mut rejects = RejectLog::new();
    let mut report = RunReport {
        config: cfg.source.clone(),
        out_dir: opts.out_dir.clone(),
        ..Default::default()
    };
    let inputs = match read_inputs(cfg, &mut rejects) {
        Ok(inputs) => inputs,
        Err(PipelineError::Ingest(mut e @ IngestError::TooManyRejects { .. })) => {
            add_main_reason(&mut e, &rejects);
            // the message promises the detail: write it beside the previous publication,
            // without publishing anything else
            if let Some(p) = publication.write_stop_rejects(&rejects) {
                e.set_rejects_detail(&p);
            }
            return Err(e.into());
        }
        Err(e) => return Err(e),
    };
    timer.lap("lecture", "chargement de la BAN");
    let input_stats = inputs.stats();
    let Inputs {
        communes,
        iris,
        qpv,
        qva,
        territory,
        rpls: rp,
        households,
        corrections,
        dwelling_corrections,
        unused_idents,
        ..
    } = inputs;

    // geocode
    let ban_start = Instant::now();
    let ban = load_ban(cfg, &mut rejects)?;
    if let Err(mut e) = check_ban_rejects(&ban, cfg.run.max_reject_rate) {
        // the same promise as for the other inputs: the detail is written beside the
        // previous publication
        if let Some(p) = publication.write_stop_rejects(&rejects) {
            e.set_rejects_detail(&p);
        }
        return Err(e.into());
    }
    check_ban_extent(&ban, &territory)?;
    let ban_index_seconds = ban_start.elapsed().as_secs_f64();
    timer.lap("index_ban", "géocodage des adresses");
    let stage = geocode::stage::run(
        &rp.addresses,
        &rp.dwellings,
        &ban,
        &corrections,
        &dwelling_corrections,
        unused_idents,
    );
    let review_rows = stage.review_rows(&rp.addresses);
    let locations = &stage.locations;
    report.geocode = GeocodeReport {
        addresses: rp.addresses.len() as u64,
        ban_addresses: ban.addresses,
        dwellings_by_level: count_levels(locations.iter().map(|l| l.level)),
        addresses_by_level: count_levels(stage.by_address.iter().map(|r| r.level)),
        rpls_xy_used: rp.xy_used,
        rpls_xy_ignored: rp.xy_ignored,
        dwellings_by_commune: stage.counts_by_commune(&rp.dwellings, |d| {
            &territory.communes[d.commune as usize].code
        }),
        corrections_file: cfg.ban.corrections.clone(),
        corrected_addresses: stage.corrected_addresses,
        corrected_dwellings: stage.corrected_dwellings,
        corrections_unused: stage.corrections_unused,
        review_rows: review_rows.len() as u64,
        min_street_score: cfg.ban.min_street_score,
        ban_index_seconds,
        ban_index_bytes: ban.heap_bytes() as u64,
    };
    timer.lap("geocodage", "jointure spatiale");

    // join
    let zones = ZoneSet {
        communes: &communes,
        iris: &iris,
        qpv: &qpv,
        qva: qva.as_ref(),
    };
    let placements = join::place_all(locations, &zones);
    report.join = cross_check::cross_check(&cross_check::CrossCheckInput {
        rpls: &rp,
        locations,
        placements: &placements,
        territory: &territory,
        communes: &communes,
        qpv: &qpv,
    });
    for layer in [&communes, &iris, &qpv].into_iter().chain(qva.as_ref()) {
        report
            .join
            .geometry_issues
            .extend(layer.issues.iter().cloned());
    }
    timer.lap("jointure", "calcul des indicateurs");

    // aggregate and secrecy
    let iris_commune: Vec<Option<u32>> = iris
        .zones
        .iter()
        .map(|z| territory.commune(z.commune_code()))
        .collect();
    let agg_input = AggregateInput {
        dwellings: &rp.dwellings,
        households: &households,
        locations,
        placements: &placements,
        structure: &rp.structure,
        territory: &territory,
        iris_commune: &iris_commune,
        qpv_count: qpv.zones.len(),
        qva_polygons: qva.as_ref().map(|q| q.zones.len()),
        reference: cfg.run.reference(),
        recent_years: cfg.run.recent_years,
    };
    let aggs = aggregate::aggregate(&agg_input);
    report.aggregate = aggs.report.clone();
    timer.lap("agregation", "secret statistique");
    let codes = unit_codes(&iris, &qpv, qva.as_ref(), &rp.structure);
    let secrecy_input = secrecy::SecondaryInput {
        data: &agg_input,
        codes: &codes,
    };
    let (mut rounds, mut current) =
        secrecy::rounds::Rounds::start(&aggs, &secrecy_input, &cfg.secrecy);
    report.secrecy = current.report.clone();
    timer.lap("secret", "écriture des couches");

    let layer_input = emit::layers::LayerInput {
        territory: &territory,
        structure: &rp.structure,
        communes: &communes,
        iris: &iris,
        qpv: &qpv,
        qva: qva.as_ref(),
        aggregates: &aggs,
        placements: &placements,
        dwellings: &rp.dwellings,
    };
    report.dwellings = rp.dwellings.len() as u64;
    report.households = households.len() as u64;
    report.inputs = input_stats;
    report.inputs.extend(ban.stats.iter().cloned());
    report.rejects_total = rejects.len() as u64;
    report.rejects_by_reason = rejects
        .count_by_reason()
        .into_iter()
        .map(|((f, r), n)| (f, r, n as u64))
        .collect();
    let meta = manifest::metadata(cfg, &report.inputs)?;
    report.metadata = manifest::MetadataReport::from(&meta);

    // write, check and audit; when the audit finds values determined, their partners are
    // hidden and everything is written again (see `secrecy::rounds`)
    let (comments, staged) = loop {
        let layers = emit::layers::build_layers(&current.tables, &layer_input);
        let tidy = crate::layout::tidy::tidy_rows(&layers);
        report.layers = layers
            .iter()
            .map(|l| (l.name.clone(), l.rows.len() as u64))
            .collect();
        report.tidy_rows = tidy.len() as u64;
        // every output is written into the staging folder and checked there
        let mut staged = publish::stage(
            &publication,
            cfg,
            &publish::StageOutputs {
                layers: &layers,
                tidy: &tidy,
                rejects: &rejects,
                meta: &meta,
                review_rows: &review_rows,
            },
            &mut report,
            &mut timer,
        )?;
        // written: the long table's rows and the layers are not held through the audit (at
        // 300,000 dwellings, 0.13 GB of layers at the audit's peak), only what PostGIS needs
        drop(tidy);
        let comments = publish::table_comments(&layers);
        drop(layers);
        // the secrecy audit reads only the staged GeoPackage; a failure publishes nothing.
        // The outputs are hashed for the manifest (and flushed to disk) meanwhile.
        let staging = publication.staging();
        let (audit, digests) = std::thread::scope(|s| {
            let digests = s.spawn(|| manifest::digest_outputs(staging, &report.outputs));
            let totals = manifest::published_totals(&report);
            let audit = crate::audit::audit_file_with(
                &staging.join("opsgeo.gpkg"),
                &cfg.secrecy,
                &current.certificates,
                totals,
            );
            let digests = digests
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (audit, digests)
        });
        let audit = audit?;
        info!(
            non_publiees = audit.valeurs_non_publiees,
            determinees = audit.valeurs_determinees.len(),
            secondes = audit.secondes,
            "audit du secret"
        );
        let step = rounds.after_audit(&mut current, audit.verdict());
        report.secrecy = current.report.clone();
        match step {
            secrecy::rounds::Step::Publish => {
                report.audit = audit;
                staged.digests = digests?;
                break (comments, staged);
            }
            secrecy::rounds::Step::Write => {
                report.outputs.clear();
                report.fgb_rows_without_geometry.clear();
                publication.reset_staging()?;
            }
            secrecy::rounds::Step::Fail => return Err(audit_failed(&audit)),
        }
    };
    drop(current);
    timer.lap("audit", "publication");
    publish::publish(
        publication,
        staged,
        cfg,
        &comments,
        &meta,
        &mut report,
        &mut timer,
    )?;
    Ok(report)
}

/// The error of a run whose audit failed (nothing is published).
fn audit_failed(audit: &crate::audit::AuditReport) -> PipelineError {
    PipelineError::AuditFailed(
        crate::audit::AuditFailed {
            path: PathBuf::from("opsgeo.gpkg"),
            determined: audit.valeurs_determinees.len(),
            violations: audit.regles_primaires_enfreintes.len(),
        },
        audit.render(20),
    )
}

/// Codes of the zone units for the secrecy model (see [`secrecy::UnitCodes`]).
fn unit_codes(
    iris: &ZoneLayer,
    qpv: &ZoneLayer,
    qva: Option<&ZoneLayer>,
    structure: &crate::model::Structure,
) -> secrecy::UnitCodes {
    let codes = |l: &ZoneLayer| l.zones.iter().map(|z| z.code.clone()).collect::<Vec<_>>();
    secrecy::UnitCodes {
        iris: codes(iris),
        qpv: codes(qpv),
        qva: match qva {
            Some(l) => codes(l),
            None => structure.qva_codes.clone(),
        },
    }
}

fn count_levels(levels: impl Iterator<Item = GeocodeLevel>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for l in levels {
        *m.entry(l.key().to_string()).or_insert(0) += 1;
    }
    m
}

/// A failed read or write of a file of the publication (the io error kept as its source).
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> PipelineError {
    PipelineError::Publication(publish::PublishError::Io {
        path: path.to_path_buf(),
        source,
    })
}
