//! Code lists of the RPLS and OPS files.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financing_mapping_follows_rpls_codes() {
        assert_eq!(Financing::from_finan(11), Financing::Plai);
        assert_eq!(Financing::from_finan(13), Financing::Plus);
        assert_eq!(Financing::from_finan(14), Financing::Pls);
        assert_eq!(Financing::from_finan(16), Financing::Pli);
        assert_eq!(Financing::from_finan(50), Financing::Other);
    }
}
