//! In-memory index of BAN address points (`adresses-DEP.csv[.gz]`).

use std::path::PathBuf;

use super::{GeocodeError, GeocodeResult};
use crate::model::RawAddress;

/// BAN addresses indexed by INSEE commune, street and number.
#[derive(Debug, Default)]
pub struct BanIndex {
    /// Addresses loaded.
    pub addresses: u64,
    /// Files loaded.
    pub files: Vec<PathBuf>,
    /// Rows read / accepted / rejected per file.
    pub stats: Vec<crate::ingest::InputStats>,
}

impl BanIndex {
    /// Loads one or more BAN files.
    pub fn load(paths: &[PathBuf]) -> Result<BanIndex, GeocodeError> {
        let _ = paths;
        unimplemented!("geocode::ban::BanIndex::load")
    }

    /// Geocodes one address.
    pub fn geocode(&self, addr: &RawAddress) -> GeocodeResult {
        let _ = addr;
        unimplemented!("geocode::ban::BanIndex::geocode")
    }
}
