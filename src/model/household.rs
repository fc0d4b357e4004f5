//! OPS households and the summary of their occupants.

use super::{Composition, YearMonth};

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
