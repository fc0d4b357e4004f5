//! RPLS dwellings: parsing, validation against the RPLS code lists, and interning of addresses
//! and of the landlord → programme → building → stairwell hierarchy.

use std::collections::HashMap;

use super::rejects::RejectLog;
use super::{IngestError, InputStats};
use crate::config::{CsvInput, RplsColumns};
use crate::model::{AddressBook, Dwelling, Structure};
use crate::territory::Territory;

/// The accepted RPLS dwellings and what was interned while reading them.
#[derive(Debug, Default)]
pub struct RplsData {
    pub dwellings: Vec<Dwelling>,
    pub addresses: AddressBook,
    pub structure: Structure,
    /// `IDENT_REP` → index in `dwellings`. Used only to match the OPS files, then dropped.
    pub ids: HashMap<Box<str>, u32>,
    pub stats: InputStats,
    /// Rows whose X/Y were present but unusable (and were geocoded instead).
    pub xy_ignored: u64,
    /// Rows carrying a usable X/Y.
    pub xy_used: u64,
}

/// Reads the RPLS file.
pub fn read_rpls(
    input: &CsvInput<RplsColumns>,
    territory: &Territory,
    rejects: &mut RejectLog,
) -> Result<RplsData, IngestError> {
    let _ = (input, territory, rejects);
    unimplemented!("ingest::rpls::read_rpls")
}
