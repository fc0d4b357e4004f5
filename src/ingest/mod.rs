//! Reading and validating the inputs.
//!
//! * [`source`]: delimited files with encoding/delimiter detection;
//! * [`rpls`]: RPLS dwellings → [`crate::model::Dwelling`], addresses and the programme hierarchy;
//! * [`ops`]: OPS households and occupants, matched to dwellings by `IDENT_REP`;
//! * [`zones`]: zone polygon layers through GDAL, reprojected to Lambert-93, validated and repaired;
//! * [`territory`]: the administrative frame (communes, EPCI, départements, régions);
//! * [`rejects`]: the rejects log written to `rejets.csv`.
//!
//! Every row read is either accepted or rejected with a reason: [`InputStats`] reconciles
//! `read = accepted + rejected` for each file.

pub mod ops;
#[cfg(test)]
mod property_tests;
pub mod rejects;
pub mod rpls;
pub mod source;
pub mod territory;
pub mod validity;
pub mod zones;

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

/// Errors that stop the run while reading inputs (exit code 1, or 2 for configuration problems).
#[derive(Debug, Error)]
pub enum IngestError {
    #[error("impossible d'ouvrir {path} : {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} : fichier vide (aucune ligne d'en-tête)")]
    Empty { path: PathBuf },
    #[error("{path}, ligne {line} : CSV illisible : {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error(
        "{path} : colonne obligatoire « {column} » absente (colonnes présentes : {available})"
    )]
    MissingColumn {
        path: PathBuf,
        column: String,
        available: String,
    },
    #[error(
        "{path} : en-tête absent ou illisible (la première ligne ne contient pas les noms de \
         colonnes, par exemple « {column} » ; elle n'est pas affichée car elle ressemble à une \
         ligne de données)"
    )]
    NoHeader { path: PathBuf, column: String },
    #[error("{path} : colonne {column} présente plusieurs fois dans l'en-tête")]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{path} : {message}")]
    Encoding { path: PathBuf, message: String },
    #[error("{path} : lecture impossible : {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path} : {message}")]
    Config { path: PathBuf, message: String },
    #[error("{path} : {rejected} lignes rejetées sur {read} ({rate:.1} %), au-delà du maximum autorisé ({max:.1} %, {key}){detail}")]
    TooManyRejects {
        path: PathBuf,
        read: u64,
        rejected: u64,
        rate: f64,
        max: f64,
        /// The configuration key of the threshold.
        key: &'static str,
        /// Where the rejects were written (`« ; détail dans … »`), filled in by the caller
        /// that wrote them: never promised otherwise.
        detail: String,
    },
    #[error("{path} : couche géographique illisible : {message}")]
    Gdal { path: PathBuf, message: String },
    /// A GDAL call failed (GDAL's error kept as the source).
    #[error("{path} : couche géographique illisible : {step}")]
    GdalCall {
        path: PathBuf,
        step: String,
        source: gdal::errors::GdalError,
    },
    #[error("{path} : {message}")]
    Data { path: PathBuf, message: String },
}

impl IngestError {
    pub fn csv(path: &Path, e: csv::Error) -> Self {
        if let csv::ErrorKind::Io(io) = e.kind() {
            let gz = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("gz"));
            return IngestError::Read {
                path: path.to_path_buf(),
                message: if gz {
                    format!("fichier compressé (gzip) corrompu ou tronqué ({io})")
                } else {
                    io.to_string()
                },
            };
        }
        let Some(line) = e.position().map(|p| p.line()) else {
            return IngestError::Read {
                path: path.to_path_buf(),
                message: format!("CSV illisible : {e}"),
            };
        };
        IngestError::Csv {
            path: path.to_path_buf(),
            line,
            message: e.to_string(),
        }
    }

    /// Says where the rejects were written, for a [`IngestError::TooManyRejects`].
    pub fn set_rejects_detail(&mut self, file: &Path) {
        if let IngestError::TooManyRejects { detail, .. } = self {
            detail.push_str(&format!(" ; détail dans {}", file.display()));
        }
    }

    /// True for errors caused by the configuration rather than by the data (exit code 2).
    pub fn is_config(&self) -> bool {
        matches!(self, IngestError::Config { .. })
    }
}

/// What happened to the rows of one input file.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct InputStats {
    /// File name.
    pub file: String,
    /// Full path.
    pub path: PathBuf,
    /// Detected or configured encoding and delimiter (CSV) or driver and CRS (zone layers).
    pub format: String,
    /// Data rows (or features) read.
    pub read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected (each one in `rejets.csv`).
    pub rejected: u64,
}

impl InputStats {
    pub fn new(path: &Path, format: String) -> Self {
        InputStats {
            file: source::file_label(path),
            path: path.to_path_buf(),
            format,
            ..Default::default()
        }
    }

    /// `read == accepted + rejected`.
    pub fn reconciles(&self) -> bool {
        self.read == self.accepted + self.rejected
    }

    /// Fails when the file has no data row at all, or when none of its rows was accepted: the
    /// file itself is named, not a later file whose rows no longer match it.
    pub fn check_not_empty(&self, what: &str) -> Result<(), IngestError> {
        let message = if self.read == 0 {
            "aucune ligne de données (fichier réduit à son en-tête)".to_string()
        } else if self.accepted == 0 {
            format!(
                "aucun(e) {what} accepté(e) sur {} ligne(s) ou entité(s) lue(s)",
                self.read
            )
        } else {
            return Ok(());
        };
        Err(IngestError::Data {
            path: self.path.clone(),
            message,
        })
    }

    /// Fails with [`IngestError::TooManyRejects`] when the share of rejected rows exceeds `max`.
    pub fn check_reject_rate(&self, max: f64) -> Result<(), IngestError> {
        if self.read == 0 {
            return Ok(());
        }
        let rate = self.rejected as f64 / self.read as f64;
        if rate > max {
            return Err(IngestError::TooManyRejects {
                path: self.path.clone(),
                read: self.read,
                rejected: self.rejected,
                rate: rate * 100.0,
                max: max * 100.0,
                key: "clé run.max_reject_rate",
                detail: String::new(),
            });
        }
        Ok(())
    }
}
