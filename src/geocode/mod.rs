//! Geocoding of RPLS addresses against the Base Adresse Nationale (offline).
//!
//! Each distinct address of the RPLS file is geocoded once ([`geocode_addresses`]); a dwelling
//! keeps its own valid RPLS X/Y when it has one ([`locate_dwellings`]).
//!
//! * [`normalize`]: French address normalisation (street types, titles, accents, numbers,
//!   repetition indices, CEDEX);
//! * [`ban`]: the in-memory BAN index and the matching cascade;
//! * [`batch`]: geocoding a CSV of RPLS-style addresses into a CSV of answers;
//! * [`corrections`]: manual corrections (CSV, or points moved in the review layer);
//! * [`review`]: the review layer `geocodage_a_verifier` of the GeoPackage.

pub mod ban;
pub mod batch;
pub mod corrections;
pub mod normalize;
pub mod review;
pub mod stage;

use std::path::PathBuf;

use serde::Serialize;
use thiserror::Error;

use crate::model::{AddressBook, Coord, Dwelling};

pub use ban::BanIndex;

/// Errors loading the BAN (exit code 1).
#[derive(Debug, Error)]
pub enum GeocodeError {
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
    #[error("{path}, ligne {line}, colonne {column} : {message}")]
    Row {
        path: PathBuf,
        line: u64,
        column: String,
        message: String,
    },
    #[error("index BAN : plus de {max} indices de répétition (colonne rep) distincts")]
    TooManyIndices { max: usize },
    /// Writing the output failed (the system's or the CSV writer's error kept as the source).
    #[error("{path} : écriture impossible")]
    Write {
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{path} : fichier de corrections : {message}")]
    Corrections { path: PathBuf, message: String },
    #[error("{path} : le fichier a changé pendant sa lecture ({first} lignes, puis {second})")]
    InputChanged {
        path: PathBuf,
        first: u64,
        second: u64,
    },
}

/// Matching options.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeocodeOptions {
    /// Lowest street score (name similarity × type factor, in [0, 1]) answered at a street
    /// level; below it the answer is `commune` (or the lieu-dit is tried).
    pub min_street_score: f32,
}

impl GeocodeOptions {
    /// Default [`GeocodeOptions::min_street_score`].
    pub const DEFAULT_MIN_STREET_SCORE: f32 = crate::config::DEFAULT_MIN_STREET_SCORE;

    /// The matching options of the `[ban]` section.
    pub fn from_config(ban: &crate::config::BanSection) -> Self {
        GeocodeOptions {
            min_street_score: ban.min_street_score as f32,
        }
    }
}

impl Default for GeocodeOptions {
    fn default() -> Self {
        GeocodeOptions {
            min_street_score: Self::DEFAULT_MIN_STREET_SCORE,
        }
    }
}

/// How precisely a location was found, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GeocodeLevel {
    /// Manual correction from the GIS team.
    Correction,
    /// Valid X/Y carried by the RPLS row.
    RplsXy,
    /// House number and repetition index found in the BAN.
    Numero,
    /// House number found, without the repetition index.
    NumeroSansIndice,
    /// Interpolated between known numbers on the same side of the street.
    Interpolation,
    /// Representative point of the street.
    Voie,
    /// Only the commune is known.
    Commune,
    /// Not found.
    NonTrouve,
}

impl GeocodeLevel {
    pub const ALL: [GeocodeLevel; 8] = [
        GeocodeLevel::Correction,
        GeocodeLevel::RplsXy,
        GeocodeLevel::Numero,
        GeocodeLevel::NumeroSansIndice,
        GeocodeLevel::Interpolation,
        GeocodeLevel::Voie,
        GeocodeLevel::Commune,
        GeocodeLevel::NonTrouve,
    ];

    /// Machine name (`niveau` column).
    pub fn key(self) -> &'static str {
        match self {
            GeocodeLevel::Correction => "correction",
            GeocodeLevel::RplsXy => "rpls_xy",
            GeocodeLevel::Numero => "numero",
            GeocodeLevel::NumeroSansIndice => "numero_sans_indice",
            GeocodeLevel::Interpolation => "interpolation",
            GeocodeLevel::Voie => "voie",
            GeocodeLevel::Commune => "commune",
            GeocodeLevel::NonTrouve => "non_trouve",
        }
    }

    /// A location precise enough to assign the dwelling to IRIS, QPV and QVA polygons.
    /// Commune-level points are never used for that (they count as "zone unknown").
    pub fn locates_in_zones(self) -> bool {
        !matches!(self, GeocodeLevel::Commune | GeocodeLevel::NonTrouve)
    }
}

/// The answer for one address.
#[derive(Debug, Clone, PartialEq)]
pub struct GeocodeResult {
    /// Lambert-93 point; `None` when not found.
    pub point: Option<Coord>,
    pub level: GeocodeLevel,
    /// Match score in [0, 1].
    pub score: f32,
    /// Score of the best competing answer (0 when none).
    pub runner_up: f32,
    /// BAN `id` of the matched address, when any.
    pub ban_id: Option<String>,
    /// BAN label of the answer (`numero rep nom_voie code_postal nom_commune`).
    pub label: String,
}

impl GeocodeResult {
    pub fn not_found() -> Self {
        GeocodeResult {
            point: None,
            level: GeocodeLevel::NonTrouve,
            score: 0.0,
            runner_up: 0.0,
            ban_id: None,
            label: String::new(),
        }
    }
}

/// Geocodes every distinct address once (in parallel); the result vector is indexed by
/// [`crate::model::AddressId`].
/// The result does not depend on the number of threads.
pub fn geocode_addresses(book: &AddressBook, ban: &BanIndex) -> Vec<GeocodeResult> {
    use rayon::prelude::*;
    book.addresses
        .par_iter()
        .with_min_len(256)
        .map(|a| ban.geocode(a))
        .collect()
}

/// Where each dwelling is, and how it was located: its valid RPLS X/Y, else its address's answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub point: Option<Coord>,
    pub level: GeocodeLevel,
}

/// Locates every dwelling: a manual correction of its address, else its RPLS X/Y when valid,
/// else the geocoded address.
pub fn locate_dwellings(dwellings: &[Dwelling], by_address: &[GeocodeResult]) -> Vec<Location> {
    dwellings
        .iter()
        .map(|d| {
            let r = &by_address[d.address as usize];
            match d.rpls_xy {
                Some(p) if r.level != GeocodeLevel::Correction => Location {
                    point: Some(p),
                    level: GeocodeLevel::RplsXy,
                },
                _ => Location {
                    point: r.point,
                    level: r.level,
                },
            }
        })
        .collect()
}
