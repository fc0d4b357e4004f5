//! OPS households and occupants in the opsgeo interchange format (`docs/format_ops.md`), matched
//! to RPLS dwellings by `IDENT_REP`.

use std::collections::HashMap;

use super::rejects::RejectLog;
use super::{IngestError, InputStats};
use crate::config::{CsvInput, HouseholdColumns, OccupantColumns};
use crate::model::{Dwelling, Household};

/// Reads the OPS households file. At most one household per dwelling.
pub fn read_households(
    input: &CsvInput<HouseholdColumns>,
    ids: &HashMap<Box<str>, u32>,
    dwellings: &[Dwelling],
    rejects: &mut RejectLog,
) -> Result<(Vec<Household>, InputStats), IngestError> {
    let _ = (input, ids, dwellings, rejects);
    unimplemented!("ingest::ops::read_households")
}

/// Reads the OPS occupants file into the households' [`crate::model::OccupantSummary`].
pub fn read_occupants(
    input: &CsvInput<OccupantColumns>,
    ids: &HashMap<Box<str>, u32>,
    households: &mut [Household],
    rejects: &mut RejectLog,
) -> Result<InputStats, IngestError> {
    let _ = (input, ids, households, rejects);
    unimplemented!("ingest::ops::read_occupants")
}
