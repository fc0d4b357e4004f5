//! opsgeo — turns RPLS dwellings and OPS survey files into statistical map layers.
//!
//! The pipeline runs forward through one module per stage:
//!
//! `config → ingest → geocode → join → aggregate → secrecy → emit`
//!
//! * [`config`]: the TOML configuration, validated into a [`config::Config`];
//! * [`ingest`]: CSV inputs (RPLS, OPS households and occupants, EPCI table) and zone layers
//!   through GDAL, with row-level validation and a rejects log;
//! * [`geocode`]: locates every distinct RPLS address against the BAN;
//! * [`join`]: assigns each located dwelling to its commune, IRIS, QPV and QVA (R-tree + exact
//!   point-in-polygon);
//! * [`indicators`]: the declarative indicator catalogue;
//! * [`aggregate`]: additive measures per cell (scale × zone × population × QPV split);
//! * [`secrecy`]: the statistical-secrecy rules of the convention;
//! * [`audit`]: proves from a published GeoPackage that no unpublished value is recoverable;
//! * [`emit`]: GeoPackage, FlatGeobuf, manifest, rejects report and terminal summary.
//!
//! [`pipeline`] chains the stages for `opsgeo run`; [`synth`] writes synthetic input sets.

pub mod aggregate;
pub mod audit;
pub mod cli;
pub mod config;
pub mod emit;
pub mod error;
pub mod geocode;
pub mod indicators;
pub mod ingest;
pub mod join;
pub mod model;
pub mod pipeline;
pub mod secrecy;
pub mod synth;
pub mod territory;
