//! Domain types shared by the pipeline stages.
//!
//! The types are small and compact on purpose: a national run holds about 5.3 million dwellings,
//! so a dwelling refers to its address, stairwell and commune by index into shared tables rather
//! than by owned strings. Record identifiers (`IDENT_REP`) are only kept while the OPS files are
//! matched to dwellings (see [`crate::ingest`]); they never reach an output.

use std::fmt;

/// A planar coordinate in Lambert-93 (EPSG:2154), metres.
pub type Coord = geo::Coord<f64>;

/// The one CRS used inside the pipeline.
pub const EPSG_LAMBERT93: u32 = 2154;

/// Sentinel index meaning "none" in compact `u32` references.
pub const NONE: u32 = u32::MAX;

/// Year and month, as RPLS and OPS dates are given (`MM/AAAA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: u16,
    /// 1..=12
    pub month: u8,
}

impl YearMonth {
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (1800..=2100).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// Months elapsed from `self` to `later` (negative when `later` is before `self`).
    pub fn months_until(self, later: YearMonth) -> i32 {
        (later.year as i32 - self.year as i32) * 12 + (later.month as i32 - self.month as i32)
    }

    /// Parses `MM/AAAA`, `JJ/MM/AAAA`, `AAAA-MM` or `AAAA-MM-JJ`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let parts: Vec<&str> = if s.contains('/') {
            s.split('/').collect()
        } else {
            s.split('-').collect()
        };
        let num = |p: &str| p.parse::<u32>().ok();
        let (year, month) = match (s.contains('/'), parts.as_slice()) {
            (true, [m, y]) => (num(y)?, num(m)?),
            (true, [d, m, y]) => {
                let d = num(d)?;
                if !(1..=31).contains(&d) {
                    return None;
                }
                (num(y)?, num(m)?)
            }
            (false, [y, m]) => (num(y)?, num(m)?),
            (false, [y, m, d]) => {
                let d = num(d)?;
                if !(1..=31).contains(&d) {
                    return None;
                }
                (num(y)?, num(m)?)
            }
            _ => return None,
        };
        YearMonth::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:04}", self.month, self.year)
    }
}

/// RPLS `MODE`: occupancy on 1 January.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OccupancyMode {
    /// 1 — let with a lease.
    Let,
    /// 2 — offered for letting but vacant.
    VacantOffered,
    /// 3 — empty (works, demolition, sale).
    Empty,
    /// 4 — managed by an association.
    Association,
    /// 5 — occupied with or without consideration.
    OccupiedOther,
    /// 6 — temporarily used as emergency accommodation.
    Accommodation,
    /// 9 — not applicable.
    NotApplicable,
}

impl OccupancyMode {
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Let,
            2 => Self::VacantOffered,
            3 => Self::Empty,
            4 => Self::Association,
            5 => Self::OccupiedOther,
            6 => Self::Accommodation,
            9 => Self::NotApplicable,
            _ => return None,
        })
    }

    /// Vacancy as the convention counts it: offered for letting but vacant (MODE 2).
    /// MODE 3 (empty for works, demolition or sale) is "technical vacancy" and is not counted.
    pub fn is_vacant(self) -> bool {
        matches!(self, Self::VacantOffered)
    }

    /// Let with a lease (MODE 1): the dwellings OPS surveys and whose rent is averaged.
    pub fn is_let(self) -> bool {
        matches!(self, Self::Let)
    }
}

/// Financing family derived from RPLS `FINAN` (documented mapping in [`Financing::from_finan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Financing {
    Plai,
    Plus,
    Pls,
    Pli,
    Other,
}

impl Financing {
    /// Maps the RPLS initial-financing code (arrêté du 5 janvier 2010, field 32):
    /// 11 (PLA LM/PLATS/PLAI) → PLAI; 10 (PLA d'intégration) → PLAI;
    /// 12 (PLA ordinaire) and 13 (PLUS) → PLUS; 14 (PLS/PPLS/PCLS/PLA CFF) → PLS; 16 (PLI) → PLI;
    /// every other code (15, 17, 49–55, 99) → other.
    pub fn from_finan(code: u8) -> Self {
        match code {
            10 | 11 => Self::Plai,
            12 | 13 => Self::Plus,
            14 => Self::Pls,
            16 => Self::Pli,
            _ => Self::Other,
        }
    }

    /// The RPLS financing codes accepted at ingest.
    pub const VALID_CODES: &'static [u8] = &[
        10, 11, 12, 13, 14, 15, 16, 17, 49, 50, 51, 52, 53, 54, 55, 99,
    ];
}

/// DPE energy class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DpeClass {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
}

impl DpeClass {
    pub fn from_letter(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "A" => Self::A,
            "B" => Self::B,
            "C" => Self::C,
            "D" => Self::D,
            "E" => Self::E,
            "F" => Self::F,
            "G" => Self::G,
            _ => return None,
        })
    }
}

/// Index of a distinct address in [`AddressBook`].
pub type AddressId = u32;

/// One RPLS dwelling, as accepted by ingest. No identifier of the dwelling is kept.
#[derive(Debug, Clone)]
pub struct Dwelling {
    /// Index of the landlord in [`Structure::landlords`].
    pub landlord: u16,
    /// Index of the commune (`DEPCOM`) in [`crate::territory::Territory::communes`].
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

/// OPS household composition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Composition {
    /// 1 — single person.
    Single,
    /// 2 — single-parent family.
    SingleParent,
    /// 3 — couple without children.
    CoupleNoChildren,
    /// 4 — couple with children.
    CoupleWithChildren,
    /// 5 — other household.
    Other,
}

impl Composition {
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Single,
            2 => Self::SingleParent,
            3 => Self::CoupleNoChildren,
            4 => Self::CoupleWithChildren,
            5 => Self::Other,
            _ => return None,
        })
    }
}

/// Employment situation of an occupant (OPS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Employment {
    /// 1 — stable job (CDI, civil servant, self-employed).
    Stable,
    /// 2 — precarious job (CDD, interim, subsidised contract, apprenticeship).
    Precarious,
    /// 3 — unemployed, job seeker.
    Unemployed,
    /// 4 — without employment, not seeking.
    NoEmployment,
    /// 5 — retired.
    Retired,
    /// 6 — student.
    Student,
}

impl Employment {
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Stable,
            2 => Self::Precarious,
            3 => Self::Unemployed,
            4 => Self::NoEmployment,
            5 => Self::Retired,
            6 => Self::Student,
            _ => return None,
        })
    }
}

/// Link of an occupant to the lease holder (OPS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// 1 — the lease holder.
    Holder,
    /// 2 — spouse or partner.
    Partner,
    /// 3 — child.
    Child,
    /// 4 — other relative.
    Relative,
    /// 5 — not related.
    Other,
}

impl Link {
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Holder,
            2 => Self::Partner,
            3 => Self::Child,
            4 => Self::Relative,
            5 => Self::Other,
            _ => return None,
        })
    }
}

/// Occupant age bands used by the indicators (upper bounds exclusive).
pub const OCCUPANT_AGE_BANDS: [(u8, u8); 6] = [
    (0, 18),
    (18, 25),
    (25, 40),
    (40, 60),
    (60, 75),
    (75, u8::MAX),
];

/// Per-household summary of its occupants, filled from the OPS occupants file.
/// Keeping a summary instead of the occupant rows keeps memory flat at national scale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OccupantSummary {
    /// Occupant rows accepted for this household.
    pub persons: u16,
    /// Aged 18 or more.
    pub adults: u16,
    /// Link "child" to the lease holder, whatever the age.
    pub children: u16,
    /// Aged under 18.
    pub minors: u16,
    /// Occupants per [`OCCUPANT_AGE_BANDS`].
    pub age_bands: [u16; 6],
    /// Adults per employment situation, in [`Employment`] order
    /// (stable, précaire, chômeur, sans emploi, retraité, étudiant).
    pub adult_employment: [u16; 6],
    /// Adults whose employment situation is unknown.
    pub adult_employment_unknown: u16,
}

/// One OPS household (one surveyed, occupied dwelling).
#[derive(Debug, Clone)]
pub struct Household {
    /// Index of the dwelling in the dwellings vector.
    pub dwelling: u32,
    /// The household answered the survey.
    pub responded: bool,
    /// Move-in date declared in OPS.
    pub move_in: Option<YearMonth>,
    pub composition: Option<Composition>,
    /// Age of the lease holder in years.
    pub holder_age: Option<u8>,
    /// Income as % of the PLUS ceiling.
    pub income_pct: Option<u16>,
    /// Receives APL (housing benefit).
    pub apl: Option<bool>,
    pub occupants: OccupantSummary,
}

/// Which date decided whether a household moved in recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoveInSource {
    /// OPS move-in date.
    Ops,
    /// RPLS lease date (`BAIL`), used when OPS gives none.
    RplsLease,
    /// Neither: the household is not counted as a recent mover.
    Unknown,
}

/// The scales of annexe 2 of the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    Region,
    Departement,
    Epci,
    Commune,
    Qpv,
    Qva,
    Iris,
    Programme,
    Batiment,
    Cage,
}

impl Scale {
    pub const ALL: [Scale; 10] = [
        Scale::Region,
        Scale::Departement,
        Scale::Epci,
        Scale::Commune,
        Scale::Qpv,
        Scale::Qva,
        Scale::Iris,
        Scale::Programme,
        Scale::Batiment,
        Scale::Cage,
    ];

    /// Machine name (`echelle` column), ASCII.
    pub fn key(self) -> &'static str {
        match self {
            Scale::Region => "region",
            Scale::Departement => "departement",
            Scale::Epci => "epci",
            Scale::Commune => "commune",
            Scale::Qpv => "qpv",
            Scale::Qva => "qva",
            Scale::Iris => "iris",
            Scale::Programme => "programme",
            Scale::Batiment => "batiment",
            Scale::Cage => "cage",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Scale::Region => "Région",
            Scale::Departement => "Département",
            Scale::Epci => "EPCI",
            Scale::Commune => "Commune",
            Scale::Qpv => "Quartier prioritaire (QPV)",
            Scale::Qva => "Quartier de veille active (QVA)",
            Scale::Iris => "IRIS",
            Scale::Programme => "Programme-résidence",
            Scale::Batiment => "Bâtiment",
            Scale::Cage => "Cage d'escalier",
        }
    }

    /// Scales split into QPV / hors QPV parts (annexe 2).
    pub fn has_qpv_split(self) -> bool {
        matches!(
            self,
            Scale::Region | Scale::Departement | Scale::Epci | Scale::Commune
        )
    }

    /// Scales published as points at a representative location of their dwellings.
    pub fn is_point(self) -> bool {
        matches!(self, Scale::Programme | Scale::Batiment | Scale::Cage)
    }
}

/// The two populations of annexe 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Population {
    /// All households (and all dwellings).
    Ensemble,
    /// Households that moved in less than two years before the reference date.
    Recents,
}

impl Population {
    pub const ALL: [Population; 2] = [Population::Ensemble, Population::Recents];

    pub fn key(self) -> &'static str {
        match self {
            Population::Ensemble => "ensemble",
            Population::Recents => "recents",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Population::Ensemble => "ensemble des ménages",
            Population::Recents => "emménagés récents",
        }
    }
}

/// The QPV split of the larger scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    /// The whole zone.
    Tout,
    /// Its part inside a QPV.
    Qpv,
    /// Its part outside every QPV.
    HorsQpv,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Tout, Split::Qpv, Split::HorsQpv];

    pub fn key(self) -> &'static str {
        match self {
            Split::Tout => "tout",
            Split::Qpv => "qpv",
            Split::HorsQpv => "hors_qpv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Split::Tout => "",
            Split::Qpv => "partie en QPV",
            Split::HorsQpv => "partie hors QPV",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_parses_rpls_and_iso_forms() {
        assert_eq!(YearMonth::parse("03/2021"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("15/03/2021"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("2021-03"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("2021-03-15"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("13/2021"), None);
        assert_eq!(YearMonth::parse("2021"), None);
        assert_eq!(YearMonth::parse(""), None);
    }

    #[test]
    fn months_until_counts_across_years() {
        let a = YearMonth::new(2020, 1).unwrap();
        let b = YearMonth::new(2022, 1).unwrap();
        assert_eq!(a.months_until(b), 24);
        assert_eq!(b.months_until(a), -24);
    }

    #[test]
    fn financing_mapping_follows_rpls_codes() {
        assert_eq!(Financing::from_finan(11), Financing::Plai);
        assert_eq!(Financing::from_finan(13), Financing::Plus);
        assert_eq!(Financing::from_finan(14), Financing::Pls);
        assert_eq!(Financing::from_finan(16), Financing::Pli);
        assert_eq!(Financing::from_finan(50), Financing::Other);
    }
}
