//! opsgeo — turns RPLS dwellings and OPS survey files into statistical map layers.
//!
//! The pipeline runs forward through one module per stage; a module uses only the modules
//! before it (checked by `tests/integration/stage_order.rs`):
//!
//! `config → ingest → geocode → join → indicators → aggregate → secrecy → layout → audit → emit
//! → pipeline`
//!
//! * [`config`]: the TOML configuration, validated into a [`config::Config`];
//! * [`ingest`]: CSV inputs (RPLS, OPS households and occupants, EPCI table), zone layers
//!   through GDAL and the territory they frame, with row-level validation and a rejects log;
//! * [`geocode`]: locates every distinct RPLS address against the BAN;
//! * [`join`]: assigns each located dwelling to its commune, IRIS, QPV and QVA (R-tree + exact
//!   point-in-polygon);
//! * [`indicators`]: the declarative indicator catalogue;
//! * [`aggregate`]: additive measures per cell (scale × zone × population × QPV split);
//! * [`secrecy`]: the statistical-secrecy rules of the convention;
//! * [`layout`]: the layout of the outputs (names, keys, schema version), shared by the writer
//!   and the audit;
//! * [`audit`]: proves from a published GeoPackage that no unpublished value is recoverable;
//! * [`emit`]: GeoPackage, FlatGeobuf, review layer, styles, QGIS project, PostGIS.
//!
//! [`pipeline`] chains the stages for `opsgeo run`. Below every stage: [`model`] (domain
//! types), [`text`], [`gdal_errors`] and [`failpoint`] (test hooks).

pub mod aggregate;
pub mod audit;
pub mod cli;
pub mod config;
pub mod emit;
pub mod error;
pub mod failpoint;
pub mod gdal_errors;
pub mod geocode;
pub mod indicators;
pub mod ingest;
pub mod join;
pub mod layout;
pub mod model;
pub mod pipeline;
pub mod secrecy;
pub mod text;
