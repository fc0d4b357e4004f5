//! Helpers shared by the integration tests, one per job:
//! * [`files`]: the checkout, the real data of `../shared`, synthetic input sets, folders,
//!   Windows-1252 files, the manifest of an output folder;
//! * [`process`]: the `opsgeo` binary and the checks of a finished process;
//! * [`gis`]: reading GDAL features and SQL results, opening a GeoPackage for update, GDAL's
//!   GeoPackage validator;
//! * [`geometry`], [`layers`], [`indicators`], [`ingest`], [`secrecy`]: inputs built by hand
//!   for the library's stages (the benches use some of them too);
//! * full tier only: [`demo`] (the demo run shared by the tests that only read it),
//!   [`attack`] (the independent attacks of `tests/attack/` on a published file) and
//!   [`delivery`] (runs on a small synthetic set, stopped or killed, and the check of a
//!   publication).
//!
//! The benches mount this module as well (`#[path]`): helpers refer to each other through
//! `super::`, never `crate::`.

// the fast tier and the benches use only part of the helpers
#![cfg_attr(not(feature = "tests-complets"), allow(dead_code, unused_imports))]

#[cfg(feature = "tests-complets")]
pub mod attack;
#[cfg(feature = "tests-complets")]
pub mod delivery;
#[cfg(feature = "tests-complets")]
pub mod demo;
pub mod files;
pub mod geometry;
pub mod gis;
pub mod indicators;
pub mod ingest;
pub mod layers;
pub mod process;
pub mod secrecy;

pub use files::*;
pub use gis::FeatureExt;
pub use process::*;
