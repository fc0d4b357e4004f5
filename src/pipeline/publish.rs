//! Atomic publication of a run's outputs.
//!
//! 1. [`Publication::begin`] takes the lock of the output folder (`flock` on
//!    `.<nom>.opsgeo.lock` beside it: released by the system even when the process is killed),
//!    repairs what a killed run may have left, checks the output folder holds only opsgeo
//!    outputs (it is replaced as a whole), opens the PostGIS session if configured, and creates
//!    an empty staging folder beside the output folder;
//! 2. [`stage`] writes every output into the staging folder and checks it (GeoPackage
//!    validator-level checks, every FlatGeobuf re-read);
//! 3. [`publish`] loads the PostGIS staging schema, writes the manifest, swaps the PostGIS
//!    schema, then exchanges the staging and output folders in one atomic `renameat2` and
//!    deletes the previous publication.
//!
//! At every instant the output folder is either the complete previous publication or the
//! complete new one. On a file system without atomic exchange, the previous folder is renamed
//! aside then the new one into place; a run killed between the two renames leaves the output
//! folder missing, and the next run puts the previous publication back before anything else.
//!
//! For tests only, `OPSGEO_TEST_STOP_AT=<point>` stops the run at a named point (it waits to be
//! killed) and `OPSGEO_TEST_FAIL_AT=<point>` makes a step fail; see [`crate::failpoint`].

pub mod dir;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use tracing::{info, warn};

use super::{io_error, manifest, PipelineError, RunReport, Timer};
use crate::config::Config;
use crate::emit::fgb::check::FgbExpectation;
use crate::emit::gpkg::columns::layer_columns;
use crate::emit::postgis::{PostgisReport, Session, TableComments};
use crate::emit::{self, Layer, RunMetadata};
use crate::failpoint::{checkpoint, fail_injected};
use crate::ingest::rejects::RejectLog;
use crate::layout::tidy::TidyRow;

/// Errors of the publication itself.
#[derive(Debug, Error)]
pub enum PublishError {
    #[error("{out} : une autre exécution d'opsgeo publie déjà dans ce dossier (verrou {lock}) ; réessayez quand elle sera terminée")]
    Locked { out: PathBuf, lock: PathBuf },
    #[error("{path} : dossier de sortie refusé : {message}")]
    OutputDir { path: PathBuf, message: String },
    #[error("{path} : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl PublishError {
    /// A bad output folder is a usage error (exit code 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, PublishError::OutputDir { .. })
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What the publication did, for the manifest and the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicationReport {
    /// `echange_atomique` or `renommages` (file systems without atomic exchange).
    pub methode: String,
    /// GeoPackage tables checked before publication → rows.
    pub tables_controlees: u64,
    /// QGIS styles stored in the GeoPackage.
    pub styles_qgis: u64,
    /// FlatGeobuf files re-read.
    pub flatgeobuf_controles: u64,
    pub postgis: Option<PostgisReport>,
}

/// A publication in progress: holds the lock until dropped.
pub struct Publication {
    paths: dir::Paths,
    staging: PathBuf,
    _lock: File,
    postgis: Option<Session>,
    committed: bool,
}

impl Publication {
    /// Locks the output folder, repairs leftovers, checks the folder may be replaced, opens the
    /// PostGIS session if configured and creates the staging folder.
    pub fn begin(out: &Path, cfg: &Config) -> Result<Publication, PipelineError> {
        let paths = dir::Paths::new(out).ok_or_else(|| PublishError::OutputDir {
            path: out.to_path_buf(),
            message: "chemin sans nom de dossier".into(),
        })?;
        std::fs::create_dir_all(&paths.parent).map_err(io_err(&paths.parent))?;
        let lock_path = paths.lock();
        let mut lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match dir::try_lock(&lock) {
            Ok(true) => {}
            Ok(false) => {
                return Err(PublishError::Locked {
                    out: out.to_path_buf(),
                    lock: lock_path,
                }
                .into())
            }
            Err(e) => return Err(io_err(&lock_path)(e).into()),
        }
        let _ = lock.set_len(0);
        let _ = writeln!(lock, "{}", std::process::id());
        for msg in paths.recover().map_err(io_err(&paths.parent))? {
            warn!("{msg}");
        }
        check_replaceable(&paths.out)?;
        let postgis = cfg
            .output
            .postgis
            .as_ref()
            .map(Session::connect)
            .transpose()?;
        let staging = paths.staging();
        std::fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        Ok(Publication {
            paths,
            staging,
            _lock: lock,
            postgis,
            committed: false,
        })
    }

    /// Writes the rejects of a run stopped on its reject threshold into
    /// `<sortie>/rejets_arret.csv` (beside the previous publication, which is left as it
    /// was; the next publication replaces the folder and removes it). `None` when it could not
    /// be written (then the message does not promise it).
    pub fn write_stop_rejects(&self, rejects: &RejectLog) -> Option<PathBuf> {
        let out = &self.paths.out;
        std::fs::create_dir_all(out).ok()?;
        let p = out.join(dir::STOP_REJECTS);
        match rejects.write_csv(&p) {
            Ok(()) => Some(p),
            Err(e) => {
                warn!("{} : écriture impossible : {e}", p.display());
                None
            }
        }
    }

    /// Empties the staging folder, to write the outputs again.
    pub fn reset_staging(&self) -> Result<(), PipelineError> {
        std::fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        std::fs::create_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        Ok(())
    }

    /// The staging folder, where outputs are written.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Replaces the output folder by the staging folder and deletes the previous publication.
    fn commit(&mut self) -> Result<&'static str, PublishError> {
        let out = &self.paths.out;
        check_replaceable(out)?;
        dir::sync_tree(&self.staging).map_err(io_err(&self.staging))?;
        let method = if !out.exists() {
            std::fs::rename(&self.staging, out).map_err(io_err(out))?;
            self.committed = true;
            "echange_atomique"
        } else {
            let exchanged = if fail_injected("echange") {
                Err(std::io::Error::other(
                    "panne simulée (OPSGEO_TEST_FAIL_AT=echange)",
                ))
            } else if fail_injected("echange_atomique") {
                Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "échange atomique désactivé (OPSGEO_TEST_FAIL_AT=echange_atomique)",
                ))
            } else {
                dir::exchange(&self.staging, out)
            };
            match exchanged {
                Ok(()) => {
                    self.committed = true;
                    "echange_atomique"
                }
                Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
                    warn!("échange atomique impossible sur ce système de fichiers : publication par deux renommages");
                    let previous = self.paths.previous();
                    std::fs::rename(out, &previous).map_err(io_err(out))?;
                    checkpoint("entre_renommages");
                    std::fs::rename(&self.staging, out).map_err(io_err(out))?;
                    self.committed = true;
                    std::fs::rename(&previous, &self.staging).map_err(io_err(&previous))?;
                    "renommages"
                }
                Err(e) => return Err(io_err(out)(e)),
            }
        };
        dir::sync_dir(&self.paths.parent).map_err(io_err(&self.paths.parent))?;
        checkpoint("apres_echange");
        // the staging path now holds the previous publication (or nothing)
        if self.staging.exists() {
            std::fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        }
        Ok(method)
    }
}

impl Drop for Publication {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

fn check_replaceable(out: &Path) -> Result<(), PublishError> {
    // a symbolic link would be replaced by a folder: refused rather than followed, so that the
    // publication stays one atomic exchange of two folders of the same parent
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(PublishError::OutputDir {
            path: out.to_path_buf(),
            message: "c'est un lien symbolique : opsgeo remplace le dossier de sortie en entier \
                      et ne suit pas les liens ; indiquez le chemin du dossier réel"
                .into(),
        });
    }
    let foreign = dir::foreign_entries(out).map_err(io_err(out))?;
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    Err(PublishError::OutputDir {
        path: out.to_path_buf(),
        message: format!(
            "il contient {} élément(s) qui ne viennent pas d'opsgeo ({}{}) ; opsgeo remplace le dossier entier à chaque publication : choisissez un dossier réservé à opsgeo",
            foreign.len(),
            shown.join(", "),
            if foreign.len() > 5 { ", …" } else { "" }
        ),
    })
}

/// What [`stage`] wrote and checked.
pub struct Staged {
    /// GeoPackage tables (layers and attribute tables, styles excluded) → rows.
    pub tables: Vec<(String, u64)>,
    /// Digests of the outputs for the manifest ([`manifest::digest_outputs`]), computed while
    /// the secrecy audit runs: empty until then.
    pub digests: Vec<manifest::OutputDigest>,
}

/// What a run publishes.
pub(super) struct StageOutputs<'a> {
    pub layers: &'a [Layer],
    pub tidy: &'a [TidyRow],
    pub rejects: &'a RejectLog,
    pub meta: &'a RunMetadata,
    /// Geocoding answers to review (layer `geocodage_a_verifier`).
    pub review_rows: &'a [crate::geocode::review::ReviewRow<'a>],
}

/// The FlatGeobuf files [`write_flatgeobuf`] wrote and checked.
struct FgbWritten {
    /// Files written, relative to the staging folder, in order (each `.fgb`, then its `.qml`).
    outputs: Vec<PathBuf>,
    /// Layers with rows left out for lack of geometry → rows.
    without_geometry: Vec<(String, u64)>,
    /// `.fgb` files re-read.
    checked: u64,
}

/// Writes one FlatGeobuf file per layer into `staging/fgb`, with its default QGIS style beside
/// it, and re-reads each file as soon as it is written.
fn write_flatgeobuf(
    staging: &Path,
    layers: &[Layer],
    meta: &RunMetadata,
) -> Result<FgbWritten, PipelineError> {
    let fgb_dir = staging.join("fgb");
    std::fs::create_dir_all(&fgb_dir).map_err(|e| io_error(&fgb_dir, e))?;
    let mut out = FgbWritten {
        outputs: Vec::new(),
        without_geometry: Vec::new(),
        checked: 0,
    };
    for l in layers {
        let rel = PathBuf::from("fgb").join(format!("{}.fgb", l.name));
        let left_out = emit::fgb::write_fgb(&staging.join(&rel), l, meta)?;
        if left_out > 0 {
            out.without_geometry.push((l.name.clone(), left_out as u64));
        }
        let expected = FgbExpectation {
            features: (l.rows.len() - left_out) as u64,
            columns: layer_columns(l).map(|c| c.len()).unwrap_or(0),
            geometry: l.geometry != emit::GeometryKind::None,
        };
        emit::fgb::check::check_fgb(&staging.join(&rel), &expected)?;
        out.checked += 1;
        out.outputs.push(rel);
        // QGIS applies `<file>.qml` beside a file-based layer as its default style
        if let Some(style) = emit::styles::layer_styles(l).into_iter().next() {
            let qml = PathBuf::from("fgb").join(format!("{}.qml", l.name));
            std::fs::write(staging.join(&qml), style.qml)
                .map_err(|e| io_error(&staging.join(&qml), e))?;
            out.outputs.push(qml);
        }
    }
    Ok(out)
}

/// Writes every output into the staging folder, and checks them all.
///
/// The FlatGeobuf files are written and checked on their own thread while the GeoPackage is
/// written then checked on this one (GDAL datasets are never shared between threads; GDAL's
/// thread-local configuration options, such as `OGR_CURRENT_DATE`, apply to the GeoPackage).
pub(super) fn stage(
    publication: &Publication,
    cfg: &Config,
    outputs: &StageOutputs<'_>,
    report: &mut RunReport,
    timer: &mut Timer,
) -> Result<Staged, PipelineError> {
    let StageOutputs {
        layers,
        tidy,
        rejects,
        meta,
        review_rows,
    } = *outputs;
    let staging = publication.staging();
    let gpkg = staging.join("opsgeo.gpkg");
    let fgb = std::thread::scope(|s| -> Result<Option<FgbWritten>, PipelineError> {
        // on an early return, the scope still waits for this thread (its outcome is dropped)
        let fgb = cfg
            .output
            .flatgeobuf
            .then(|| s.spawn(|| write_flatgeobuf(staging, layers, meta)));
        emit::gpkg::write_gpkg(&gpkg, layers, tidy, meta)?;
        // extra layers (the geocoding answers to review) are added to the GeoPackage here: the
        // checks below accept them, and PostGIS receives them too
        emit::review::write_review_layer(&gpkg, review_rows, &emit::gpkg::metadata_items(meta))?;
        checkpoint("ecriture");
        rejects
            .write_csv(&staging.join("rejets.csv"))
            .map_err(|e| io_error(&staging.join("rejets.csv"), e))?;
        emit::project::write_project(
            &staging.join(emit::project::PROJECT_FILE),
            layers,
            &[(crate::layout::tidy::TIDY_TABLE, "Indicateurs (format long)")],
            "opsgeo.gpkg",
            meta,
        )?;
        fgb.map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .transpose()
    })?;
    report.outputs.push("opsgeo.gpkg".into());
    if let Some(f) = fgb {
        report.outputs.extend(f.outputs);
        report.fgb_rows_without_geometry.extend(f.without_geometry);
        report.publication.flatgeobuf_controles = f.checked;
    }
    report.outputs.push("rejets.csv".into());
    report.outputs.push(emit::project::PROJECT_FILE.into());
    timer.lap("ecriture", "contrôle des sorties");

    // validation before anything is published (the FlatGeobuf files were re-read above)
    let mut expected: Vec<(String, u64)> = layers
        .iter()
        .map(|l| (l.name.clone(), l.rows.len() as u64))
        .collect();
    expected.push((
        crate::layout::tidy::TIDY_TABLE.to_string(),
        tidy.len() as u64,
    ));
    let found = emit::gpkg::check::check_gpkg(&gpkg, &expected)?;
    report.publication.tables_controlees = found.tables.len() as u64;
    report.publication.styles_qgis = found.styles;
    checkpoint("validation");
    timer.lap("validation", "publication");
    Ok(Staged {
        tables: found
            .tables
            .into_iter()
            // PostGIS receives the long table as one table (the view's rows), not the
            // dictionary-coded tables it reads in the GeoPackage
            .filter(|(t, _)| {
                t != emit::gpkg::layer_styles::STYLE_TABLE
                    && !crate::layout::tidy::STORAGE_TABLES.contains(&t.as_str())
            })
            .collect(),
        digests: Vec::new(),
    })
}

/// French comments of the PostGIS tables: layers and the long table.
pub(super) fn table_comments(layers: &[Layer]) -> Vec<TableComments> {
    let mut out: Vec<TableComments> = layers
        .iter()
        .map(|l| TableComments {
            table: l.name.clone(),
            comment: format!("{} — {}", l.title, l.description),
            columns: layer_columns(l)
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    let comment = if c.title == c.description {
                        c.title
                    } else {
                        format!("{} — {}", c.title, c.description)
                    };
                    (c.name, comment)
                })
                .collect(),
        })
        .collect();
    out.push(TableComments {
        table: crate::layout::tidy::TIDY_TABLE.into(),
        comment: "Indicateurs (format long) : une ligne par valeur de chaque couche".into(),
        columns: emit::gpkg::tidy_columns()
            .into_iter()
            .map(|(n, t, d)| (n.to_string(), format!("{t} — {d}")))
            .collect(),
    });
    out
}

/// Loads PostGIS, writes the manifest, swaps the PostGIS schema, then the output folder.
#[allow(clippy::too_many_arguments)]
pub(super) fn publish(
    mut publication: Publication,
    staged: Staged,
    cfg: &Config,
    comments: &[TableComments],
    meta: &RunMetadata,
    report: &mut RunReport,
    timer: &mut Timer,
) -> Result<(), PipelineError> {
    let staging = publication.staging().to_path_buf();
    if let (Some(pg), Some(pg_cfg)) = (&publication.postgis, &cfg.output.postgis) {
        let mut metadata: Vec<(String, String)> = emit::gpkg::metadata_items(meta)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        metadata.push(("lignee".into(), emit::project::lineage(meta).join("\n")));
        let r = pg.load(
            &pg_cfg.connection,
            &staging.join("opsgeo.gpkg"),
            &staged.tables,
            comments,
            &metadata,
            // starts with "opsgeo ": how later runs recognise the schema as theirs
            &format!(
                "opsgeo {} — {} — au {}",
                meta.opsgeo_version, meta.source_citation, meta.reference_date
            ),
        )?;
        info!(
            schema = pg.schema(),
            tables = r.tables,
            "PostGIS : schéma de chargement prêt"
        );
        report.publication.postgis = Some(r);
        checkpoint("postgis_chargement");
        timer.lap("postgis", "publication");
    }
    timer.record(report);
    report.publication.methode = "echange_atomique".into();
    manifest::write_manifest(
        &staging.join("manifest.json"),
        cfg,
        report,
        meta,
        &staged.digests,
    )?;
    report.outputs.push("manifest.json".into());
    checkpoint("avant_echange");
    if let Some(pg) = &publication.postgis {
        pg.swap()?;
        info!(schema = pg.schema(), "PostGIS : schéma publié");
        checkpoint("postgis_echange");
    }
    let method = publication.commit()?;
    report.publication.methode = method.into();
    timer.lap("publication", "");
    timer.record(report);
    Ok(())
}
