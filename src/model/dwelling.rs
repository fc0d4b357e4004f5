//! Dwellings, their addresses and the landlord → programme → building → stairwell hierarchy.

use super::{Coord, DpeClass, OccupancyMode, YearMonth};

/// Index of a distinct address in [`AddressBook`].
pub type AddressId = u32;

/// One RPLS dwelling, as accepted by ingest. No identifier of the dwelling is kept.
#[derive(Debug, Clone)]
pub struct Dwelling {
    /// Index of the landlord in [`Structure::landlords`].
    pub landlord: u16,
    /// Index of the commune (`DEPCOM`) in [`crate::ingest::territory::Territory::communes`].
    pub commune: u32,
    /// Index of the postal address in [`AddressBook`].
    pub address: AddressId,
    /// Index of the stairwell in [`Structure::stairwells`]; stairwells know their building and
    /// buildings their programme.
    pub stairwell: u32,
    /// `NBPIECE`, number of main rooms (1..=99).
    pub rooms: u8,
    /// `SURFHAB` in m², when given.
    pub surface: Option<f32>,
    /// `LOCAT`, year first let, when given.
    pub first_let_year: Option<u16>,
    /// `FINAN`, raw code (see [`Financing::from_finan`]).
    pub finan: u8,
    /// `DPEENERGIE`; `None` when not assessed (`DPEDATE` 01/1900 or empty class).
    pub dpe_energy: Option<DpeClass>,
    /// `MODE`.
    pub mode: OccupancyMode,
    /// `BAIL`, date the current lease took effect.
    pub lease_start: Option<YearMonth>,
    /// `LOYERPRINC` in euros per month; `None` for the 9999 sentinel or when empty.
    pub rent: Option<f32>,
    /// RPLS `QPV` flag (1 in a QPV, 2 not), when given.
    pub rpls_qpv: Option<bool>,
    /// `PLG_QVA` code interned in [`Structure::qva_codes`], when given.
    pub rpls_qva: Option<u32>,
    /// A valid RPLS `X`/`Y`, already in Lambert-93.
    pub rpls_xy: Option<Coord>,
}

/// A distinct postal address of the RPLS file, geocoded once for all its dwellings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RawAddress {
    /// INSEE code of the commune (`DEPCOM`).
    pub depcom: String,
    pub postcode: String,
    pub commune_name: String,
    /// House number without leading zeros; empty when none.
    pub number: String,
    /// Repetition index (B, T, Q, A…); empty when none (the INDREP 9 sentinel is removed).
    pub index: String,
    /// Street type as written (`RUE`, `AV`…); empty when none (TYPVOIE 99 removed).
    pub street_type: String,
    pub street_name: String,
    pub locality: String,
}

/// Distinct addresses, in first-seen order.
#[derive(Debug, Default, Clone)]
pub struct AddressBook {
    pub addresses: Vec<RawAddress>,
    index: std::collections::HashMap<RawAddress, AddressId>,
}

impl AddressBook {
    /// Returns the id of `addr`, adding it if new.
    pub fn intern(&mut self, addr: RawAddress) -> AddressId {
        if let Some(&id) = self.index.get(&addr) {
            return id;
        }
        let id = self.addresses.len() as AddressId;
        self.index.insert(addr.clone(), id);
        self.addresses.push(addr);
        id
    }

    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    pub fn get(&self, id: AddressId) -> &RawAddress {
        &self.addresses[id as usize]
    }

    /// Frees the lookup table once ingest is done.
    pub fn shrink(&mut self) {
        self.index = Default::default();
    }
}

/// A landlord (`IDENT_ORG`, `RS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landlord {
    pub code: String,
    pub name: String,
}

/// A programme-résidence: the landlord's group of buildings (`IDENT_ORG` + `IMMEU`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    /// Published key: `<IDENT_ORG>-<IMMEU>`.
    pub code: String,
    pub landlord: u16,
}

/// A building (`BAT`) of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Building {
    /// Published key: `<programme>-<BAT>`.
    pub code: String,
    pub programme: u32,
}

/// A stairwell (`ESC`, else `ENTREE`) of a building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stairwell {
    /// Published key: `<building>-<ESC>`.
    pub code: String,
    pub building: u32,
}

/// The landlord → programme → building → stairwell hierarchy, interned at ingest.
#[derive(Debug, Default, Clone)]
pub struct Structure {
    pub landlords: Vec<Landlord>,
    pub programmes: Vec<Programme>,
    pub buildings: Vec<Building>,
    pub stairwells: Vec<Stairwell>,
    /// Distinct `PLG_QVA` codes.
    pub qva_codes: Vec<String>,
}

impl Structure {
    pub fn building_of(&self, stairwell: u32) -> u32 {
        self.stairwells[stairwell as usize].building
    }

    pub fn programme_of(&self, stairwell: u32) -> u32 {
        self.buildings[self.building_of(stairwell) as usize].programme
    }
}
