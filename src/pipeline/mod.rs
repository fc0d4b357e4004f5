//! `opsgeo run`: the stages chained forward, with timings, and atomic publication.
//!
//! Outputs are written into a staging folder, checked, then published as a whole (see
//! [`publish`]): a run that fails or is killed leaves the previous outputs untouched.

pub mod cross_check;
mod gates;
mod inputs;
pub mod manifest;
pub mod publish;
mod report;
pub mod summary;
mod timer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;
use tracing::info;

use crate::aggregate::{self, AggregateInput};
use crate::config::{Config, ConfigError};
use crate::emit::{self, EmitError};
use crate::geocode::{self, BanIndex, GeocodeError, GeocodeLevel};
use crate::ingest::rejects::RejectLog;
use crate::ingest::territory::Territory;
use crate::ingest::zones::ZoneLayer;
use crate::ingest::{rpls, IngestError, InputStats};
use crate::join::{self, ZoneSet};
use crate::secrecy;

pub use inputs::{check, read_inputs, Inputs, BAN_MIN_REJECT_RATE};
pub use report::{GeocodeReport, JoinReport, RunReport};
pub(crate) use timer::Timer;

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
    let inputs = read_or_stop(cfg, &publication, &mut rejects)?;
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
        corrections_stats,
        ..
    } = inputs;

    // geocode
    let ban_start = Instant::now();
    let ban = load_ban_or_stop(cfg, &publication, &territory, &mut rejects)?;
    inputs::check_ban_coverage(&ban, &territory, &rp.dwellings)?;
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
    let corrections_stats =
        corrections_stats.map(|st| account_corrections(st, &stage.unused_key_lines, &mut rejects));
    gates::check_located(cfg, &ban.files, &stage.locations)?;
    report.geocode = geocode_report(cfg, &rp, &ban, &stage, &territory, ban_index_seconds);
    let locations = &stage.locations;
    timer.lap("geocodage", "jointure spatiale");

    // join
    let zones = ZoneSet {
        communes: &communes,
        iris: &iris,
        qpv: &qpv,
        qva: qva.as_ref(),
    };
    let placements = join::place_all(locations, &zones);
    report.join = join_report(&zones, &rp, locations, &placements, &territory);
    // an address found at the number but whose point lies outside its commune goes to review
    let outside = stage.addresses_outside_commune(&rp.dwellings, |i| {
        cross_check::in_own_commune(&communes, &territory, &rp.dwellings[i], &placements[i])
            == Some(true)
    });
    let review_rows = stage.review_rows(&rp.addresses, &outside);
    report.geocode.review_rows = review_rows.len() as u64;
    timer.lap("jointure", "calcul des indicateurs");

    // aggregate and secrecy
    let iris_commune: Vec<Option<u32>> = iris
        .zones
        .iter()
        .map(|z| territory.commune(z.commune_code()))
        .collect();
    gates::check_in_iris(cfg, &rp.dwellings, locations, &placements, &iris_commune)?;
    gates::check_qpv_flags(cfg, &report.join)?;
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

    report.dwellings = rp.dwellings.len() as u64;
    report.households = households.len() as u64;
    account_inputs(&mut report, input_stats, &ban, &rejects);
    report.inputs.extend(corrections_stats);
    let meta = manifest::metadata(cfg, &report.inputs)?;
    report.metadata = manifest::MetadataReport::from(&meta);
    let writing = Writing {
        cfg,
        publication: &publication,
        layers: emit::layers::LayerInput {
            territory: &territory,
            structure: &rp.structure,
            communes: &communes,
            iris: &iris,
            qpv: &qpv,
            qva: qva.as_ref(),
            aggregates: &aggs,
            placements: &placements,
            dwellings: &rp.dwellings,
        },
        rejects: &rejects,
        meta: &meta,
        review_rows: &review_rows,
    };
    let (comments, staged) =
        writing.write_until_audited(&mut rounds, &mut current, &mut report, &mut timer)?;
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

/// Reads the inputs; a run stopped on a reject threshold writes the promised rejects file
/// beside the previous publication, without publishing anything else.
fn read_or_stop(
    cfg: &Config,
    publication: &publish::Publication,
    rejects: &mut RejectLog,
) -> Result<Inputs, PipelineError> {
    match read_inputs(cfg, rejects) {
        Ok(inputs) => Ok(inputs),
        Err(PipelineError::Ingest(mut e @ IngestError::TooManyRejects { .. })) => {
            inputs::add_main_reason(&mut e, rejects);
            // the message promises the detail: write it beside the previous publication,
            // without publishing anything else
            if let Some(p) = publication.write_stop_rejects(rejects) {
                e.set_rejects_detail(&p);
            }
            Err(e.into())
        }
        Err(e) => Err(e),
    }
}

/// Loads the BAN and checks it (rejects under the threshold, addresses in the territory's
/// extent); stopped on its threshold, the run writes the rejects file like for the other inputs.
fn load_ban_or_stop(
    cfg: &Config,
    publication: &publish::Publication,
    territory: &Territory,
    rejects: &mut RejectLog,
) -> Result<BanIndex, PipelineError> {
    let ban = inputs::load_ban(cfg, rejects)?;
    if let Err(mut e) = inputs::check_ban_rejects(&ban, cfg.run.max_reject_rate) {
        // the same promise as for the other inputs: the detail is written beside the
        // previous publication
        if let Some(p) = publication.write_stop_rejects(rejects) {
            e.set_rejects_detail(&p);
        }
        return Err(e.into());
    }
    inputs::check_ban_extent(&ban, territory)?;
    Ok(ban)
}

/// The geocoding counts of the report (the review rows, counted by the caller, left at 0).
fn geocode_report(
    cfg: &Config,
    rp: &rpls::RplsData,
    ban: &BanIndex,
    stage: &geocode::stage::GeocodeStage,
    territory: &Territory,
    ban_index_seconds: f64,
) -> GeocodeReport {
    GeocodeReport {
        addresses: rp.addresses.len() as u64,
        ban_addresses: ban.addresses,
        dwellings_by_level: count_levels(stage.locations.iter().map(|l| l.level)),
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
        review_rows: 0,
        min_street_score: cfg.ban.min_street_score,
        ban_index_seconds,
        ban_index_bytes: ban.heap_bytes() as u64,
    }
}

/// The join's cross-checks (commune, QPV flag and SDES code against the polygons) and the
/// invalid polygons of every zone layer.
fn join_report(
    zones: &ZoneSet<'_>,
    rp: &rpls::RplsData,
    locations: &[geocode::Location],
    placements: &[join::Placement],
    territory: &Territory,
) -> JoinReport {
    let mut report = cross_check::cross_check(&cross_check::CrossCheckInput {
        rpls: rp,
        locations,
        placements,
        territory,
        communes: zones.communes,
        qpv: zones.qpv,
    });
    let layers = [zones.communes, zones.iris, zones.qpv];
    for layer in layers.into_iter().chain(zones.qva) {
        report.geometry_issues.extend(layer.issues.iter().cloned());
    }
    report
}

/// The corrections file's rows once the geocoding matched their address keys: a key that
/// matched no address of the RPLS is rejected (its line in `rejets.csv`, the key not shown).
fn account_corrections(
    mut stats: InputStats,
    unused_key_lines: &[u64],
    rejects: &mut RejectLog,
) -> InputStats {
    for &line in unused_key_lines {
        rejects.push_masked(
            &stats.file,
            line,
            geocode::corrections::KEY_COLUMN,
            "adresse absente du RPLS : correction non appliquée",
        );
    }
    stats.rejected += unused_key_lines.len() as u64;
    stats.accepted = stats.read - stats.rejected;
    stats
}

/// Every input's statistics (the BAN's last) and the rejects by reason, into the report.
fn account_inputs(
    report: &mut RunReport,
    input_stats: Vec<InputStats>,
    ban: &BanIndex,
    rejects: &RejectLog,
) {
    report.inputs = input_stats;
    report.inputs.extend(ban.stats.iter().cloned());
    report.rejects_total = rejects.len() as u64;
    report.rejects_by_reason = rejects
        .count_by_reason()
        .into_iter()
        .map(|((f, r), n)| (f, r, n as u64))
        .collect();
}

/// What the writing stage needs besides the secrecy outcome.
struct Writing<'a> {
    cfg: &'a Config,
    publication: &'a publish::Publication,
    layers: emit::layers::LayerInput<'a>,
    rejects: &'a RejectLog,
    meta: &'a emit::RunMetadata,
    review_rows: &'a [geocode::review::ReviewRow<'a>],
}

impl Writing<'_> {
    /// Writes, checks and audits the outputs; when the audit finds values determined, their
    /// partners are hidden and everything is written again (see `secrecy::rounds`). Returns
    /// the tables' comments (for PostGIS) and what the staging holds, once the audit passed.
    fn write_until_audited(
        &self,
        rounds: &mut secrecy::rounds::Rounds<'_, '_>,
        current: &mut secrecy::Outcome,
        report: &mut RunReport,
        timer: &mut Timer,
    ) -> Result<(Vec<emit::postgis::TableComments>, publish::Staged), PipelineError> {
        loop {
            let layers = emit::layers::build_layers(&current.tables, &self.layers);
            let tidy = crate::layout::tidy::tidy_rows(&layers);
            report.layers = layers
                .iter()
                .map(|l| (l.name.clone(), l.rows.len() as u64))
                .collect();
            report.tidy_rows = tidy.len() as u64;
            // every output is written into the staging folder and checked there
            let mut staged = publish::stage(
                self.publication,
                self.cfg,
                &publish::StageOutputs {
                    layers: &layers,
                    tidy: &tidy,
                    rejects: self.rejects,
                    meta: self.meta,
                    review_rows: self.review_rows,
                },
                report,
                timer,
            )?;
            // written: the long table's rows and the layers are not held through the audit
            // (at 300,000 dwellings, 0.13 GB of layers at the audit's peak), only what
            // PostGIS needs
            drop(tidy);
            let comments = publish::table_comments(&layers);
            drop(layers);
            let (audit, digests) = self.audit_staged(current, report);
            let audit = audit?;
            info!(
                non_publiees = audit.valeurs_non_publiees,
                determinees = audit.valeurs_determinees.len(),
                secondes = audit.secondes,
                "audit du secret"
            );
            let step = rounds.after_audit(current, audit.verdict());
            report.secrecy = current.report.clone();
            match step {
                secrecy::rounds::Step::Publish => {
                    report.audit = audit;
                    staged.digests = digests?;
                    return Ok((comments, staged));
                }
                secrecy::rounds::Step::Write => {
                    report.outputs.clear();
                    report.fgb_rows_without_geometry.clear();
                    self.publication.reset_staging()?;
                }
                secrecy::rounds::Step::Fail => return Err(audit_failed(&audit)),
            }
        }
    }

    /// The secrecy audit of the staged GeoPackage (it reads only that file; a failure
    /// publishes nothing), while the outputs are hashed for the manifest (and flushed to disk)
    /// on another thread.
    #[allow(clippy::type_complexity)]
    fn audit_staged(
        &self,
        current: &secrecy::Outcome,
        report: &RunReport,
    ) -> (
        Result<crate::audit::AuditReport, crate::audit::AuditError>,
        Result<Vec<manifest::OutputDigest>, PipelineError>,
    ) {
        let staging = self.publication.staging();
        std::thread::scope(|s| {
            let digests = s.spawn(|| manifest::digest_outputs(staging, &report.outputs));
            let totals = manifest::published_totals(report);
            let audit = crate::audit::audit_file_with(
                &staging.join("opsgeo.gpkg"),
                &self.cfg.secrecy,
                &current.certificates,
                totals,
            );
            let digests = digests
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (audit, digests)
        })
    }
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
