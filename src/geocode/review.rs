//! The review layer `geocodage_a_verifier` of the GeoPackage: one point per distinct address
//! located below `numero` or found at `numero` through a forgiven typo (and per corrected
//! address), at the best guess, with the RPLS address
//! fields, the level, the score and the runner-up's score. No dwelling identifier: a row is an
//! address, never a dwelling.
//!
//! This module chooses the rows ([`needs_review`], [`ReviewRow`]); [`crate::emit::review`] writes
//! the layer. A technician moves points in QGIS; the next run reads the moved points back as
//! corrections ([`super::corrections::Corrections::load`] on a `.gpkg`).

use super::{GeocodeLevel, GeocodeOptions, GeocodeResult};
use crate::model::RawAddress;

/// Layer name.
pub const REVIEW_LAYER: &str = "geocodage_a_verifier";

/// One row of the review layer.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow<'a> {
    pub address: &'a RawAddress,
    /// The answer used (a correction, or the geocoder's proposal).
    pub result: &'a GeocodeResult,
    /// The geocoder's proposal (the same as `result` when not corrected).
    pub proposal: &'a GeocodeResult,
    /// Dwellings located by this address.
    pub dwellings: u64,
    /// The address's point lies outside the polygon of its `DEPCOM` commune (a BAN street
    /// moved far away, a homonymous street of another commune).
    pub outside_commune: bool,
}

/// The comment of a row whose point lies outside its commune.
pub const OUTSIDE_COMMUNE_COMMENT: &str =
    "point hors de la commune DEPCOM : adresse de la BAN à vérifier (voie déplacée ?)";

/// Whether an answer goes to the review layer: located below `numero`, or at `numero` with a
/// score below the default street-name threshold (a forgiven typo, see
/// [`GeocodeOptions::DEFAULT_MIN_STREET_SCORE`]).
pub fn needs_review(level: GeocodeLevel, score: f32) -> bool {
    match level {
        GeocodeLevel::RplsXy => false,
        GeocodeLevel::Numero => score < GeocodeOptions::DEFAULT_MIN_STREET_SCORE,
        _ => true,
    }
}
