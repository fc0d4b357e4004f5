//! The integration tests of opsgeo: one test binary, one module per subject, the helpers they
//! share in [`support`].
//!
//! Two tiers:
//! * fast (`cargo test --release`): the modules below without a `cfg`, which never start
//!   `opsgeo run` on a whole input set;
//! * full (`cargo test --release --features opsgeo/tests-complets`, what `./tests.sh` and
//!   `.ci/run` do): the modules behind `feature = "tests-complets"` as well, which start
//!   `opsgeo run` on the demo or on synthetic sets. The demo is run once per process
//!   ([`support::demo`]) for the tests that only read its outputs.
//!
//! One module: `cargo test --release --features opsgeo/tests-complets --test integration
//! cli_run::`.

mod support;

// fast tier
mod bad_inputs;
mod delivery_gpkg;
mod emit_fgb;
mod emit_gpkg;
mod geocode_batch;
mod geocode_dev_set;
mod indicators_from_csv;
mod indicators_values;
mod ingest_fixtures;
mod join_real;
mod secrecy_fixtures;
mod stage_order;
mod zones_read;
mod zones_real;

// full tier
#[cfg(feature = "tests-complets")]
mod audit_demo;
#[cfg(feature = "tests-complets")]
mod cli_errors;
#[cfg(feature = "tests-complets")]
mod cli_run;
#[cfg(feature = "tests-complets")]
mod delivery_postgis;
#[cfg(feature = "tests-complets")]
mod delivery_publication;
#[cfg(feature = "tests-complets")]
mod geocode_review;
#[cfg(feature = "tests-complets")]
mod indicators_demo;
#[cfg(feature = "tests-complets")]
mod qgis_acceptance;
#[cfg(feature = "tests-complets")]
mod secrecy_property;
