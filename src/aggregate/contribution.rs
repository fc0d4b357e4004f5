//! The measures one dwelling (with its household and occupants, if any) adds to its cells.
//!
//! Classification rules (the French definitions are in `docs/indicateurs.md`):
//! * type: `NBPIECE` 1 → T1 … 5 or more → T5+;
//! * financing: [`Financing::from_finan`];
//! * year first let (`LOCAT`): ≤ 1948, 1949–1974, 1975–1981, 1982–1989, 1990–2000, ≥ 2001;
//!   unknown years are left out of the base;
//! * DPE energy class A–G, else "no DPE" (sentinel `DPEDATE` 01/1900, empty class, no column);
//! * rents: let dwellings (`MODE` 1) with a positive `LOYERPRINC` (the 9999 sentinel is removed
//!   at ingest; 0 is treated as unknown), in cents; per m² only with a known surface;
//! * household values: respondents only; occupant values: respondents with at least one
//!   accepted occupant row; lease-holder age bands [`HOLDER_AGE_BANDS`]; occupant age bands
//!   [`crate::model::OCCUPANT_AGE_BANDS`]; employment of adults (18 or more) with a known
//!   situation, students included as their own category.

use crate::indicators::{Measure, Measures, N_MEASURES};
use crate::model::{
    Composition, DpeClass, Dwelling, Financing, Household, MoveInSource, YearMonth,
};

use Measure as M;

/// Lease-holder age bands (lower bound inclusive, upper exclusive): < 25, 25–39, 40–59, 60–74,
/// 75 or more.
pub const HOLDER_AGE_BANDS: [(u8, u8); 5] = [(0, 25), (25, 40), (40, 60), (60, 75), (75, u8::MAX)];

const HOLDER_MEASURES: [Measure; 5] = [
    M::HolderUnder25,
    M::Holder25To39,
    M::Holder40To59,
    M::Holder60To74,
    M::Holder75Plus,
];

/// Occupant measures in [`crate::model::OCCUPANT_AGE_BANDS`] order.
const OCCUPANT_MEASURES: [Measure; 6] = [
    M::Minors,
    M::Occ18To24,
    M::Occ25To39,
    M::Occ40To59,
    M::Occ60To74,
    M::Occ75Plus,
];

/// Employment measures in [`crate::model::OccupantSummary::adult_employment`] order.
const EMPLOYMENT_MEASURES: [Measure; 6] = [
    M::EmpStable,
    M::EmpPrecarious,
    M::EmpUnemployed,
    M::EmpNoEmployment,
    M::EmpRetired,
    M::EmpStudent,
];

/// Band of the year of first letting.
pub fn first_let_band(year: u16) -> Measure {
    match year {
        ..=1948 => M::LetBefore1949,
        1949..=1974 => M::LetFrom1949To1974,
        1975..=1981 => M::LetFrom1975To1981,
        1982..=1989 => M::LetFrom1982To1989,
        1990..=2000 => M::LetFrom1990To2000,
        _ => M::LetAfter2000,
    }
}

/// Band of the lease holder's age.
pub fn holder_band(age: u8) -> Measure {
    let i = HOLDER_AGE_BANDS
        .iter()
        .position(|&(lo, hi)| age >= lo && age < hi)
        .unwrap_or(HOLDER_AGE_BANDS.len() - 1);
    HOLDER_MEASURES[i]
}

/// Whether a household moved in recently, and which date decided it.
///
/// Recent: the move-in month is strictly before the reference month and at most
/// `12 × recent_years` months before it (reference 01/2022, 2 years: 01/2020 to 12/2021).
/// The OPS move-in date is used when given, else the RPLS lease date (`BAIL`).
pub fn is_recent(
    household: &Household,
    dwelling: &Dwelling,
    reference: YearMonth,
    recent_years: u8,
) -> (bool, MoveInSource) {
    let (date, source) = match (household.move_in, dwelling.lease_start) {
        (Some(d), _) => (d, MoveInSource::Ops),
        (None, Some(d)) => (d, MoveInSource::RplsLease),
        (None, None) => return (false, MoveInSource::Unknown),
    };
    let months = date.months_until(reference);
    (months >= 1 && months <= 12 * recent_years as i32, source)
}

/// The measures one dwelling (and its household, if any) adds to its cells.
pub fn contribution(d: &Dwelling, h: Option<&Household>, recent: bool) -> Measures {
    let mut m = [0i64; N_MEASURES];
    let mut set = |k: M, v: i64| m[k as usize] += v;
    set(M::Dwellings, 1);
    if d.mode.is_vacant() {
        set(M::Vacant, 1);
    }
    if d.mode.is_let() {
        set(M::Let, 1);
    }
    let (rooms, rent_cents, rent_known) = match d.rooms {
        0 | 1 => (M::Rooms1, M::RentCentsT1, M::RentKnownT1),
        2 => (M::Rooms2, M::RentCentsT2, M::RentKnownT2),
        3 => (M::Rooms3, M::RentCentsT3, M::RentKnownT3),
        4 => (M::Rooms4, M::RentCentsT4, M::RentKnownT4),
        _ => (M::Rooms5Plus, M::RentCentsT5Plus, M::RentKnownT5Plus),
    };
    set(rooms, 1);
    set(
        match Financing::from_finan(d.finan) {
            Financing::Plai => M::FinPlai,
            Financing::Plus => M::FinPlus,
            Financing::Pls => M::FinPls,
            Financing::Pli => M::FinPli,
            Financing::Other => M::FinOther,
        },
        1,
    );
    if let Some(y) = d.first_let_year {
        set(first_let_band(y), 1);
        set(M::LetYearKnown, 1);
    }
    set(
        match d.dpe_energy {
            Some(DpeClass::A) => M::DpeA,
            Some(DpeClass::B) => M::DpeB,
            Some(DpeClass::C) => M::DpeC,
            Some(DpeClass::D) => M::DpeD,
            Some(DpeClass::E) => M::DpeE,
            Some(DpeClass::F) => M::DpeF,
            Some(DpeClass::G) => M::DpeG,
            None => M::DpeNone,
        },
        1,
    );
    let surface_centi = d
        .surface
        .map(|s| (s as f64 * 100.0).round() as i64)
        .filter(|&s| s > 0);
    if let Some(s) = surface_centi {
        set(M::SurfaceCenti, s);
        set(M::SurfaceKnown, 1);
    }
    let rent_cents_value = d
        .rent
        .filter(|_| d.mode.is_let())
        .map(|r| (r as f64 * 100.0).round() as i64)
        .filter(|&c| c > 0);
    if let Some(cents) = rent_cents_value {
        set(M::RentCents, cents);
        set(M::RentKnown, 1);
        set(rent_cents, cents);
        set(rent_known, 1);
        if let Some(s) = surface_centi {
            set(M::RentCentsWithSurface, cents);
            set(M::SurfaceWithRentCenti, s);
            set(M::RentSurfaceKnown, 1);
        }
    }
    if let Some(h) = h {
        set(M::Households, 1);
        if recent {
            set(M::RecentMovers, 1);
        }
        if h.responded {
            add_respondent(&mut m, h);
        }
    }
    m
}

/// The survey answers of a responding household.
fn add_respondent(m: &mut Measures, h: &Household) {
    let mut set = |k: M, v: i64| m[k as usize] += v;
    set(M::Respondents, 1);
    if let Some(c) = h.composition {
        set(M::CompKnown, 1);
        set(
            match c {
                Composition::Single => M::CompSingle,
                Composition::SingleParent => M::CompSingleParent,
                Composition::CoupleNoChildren => M::CompCoupleNoChildren,
                Composition::CoupleWithChildren => M::CompCoupleWithChildren,
                Composition::Other => M::CompOther,
            },
            1,
        );
    }
    if let Some(apl) = h.apl {
        set(M::AplKnown, 1);
        if apl {
            set(M::AplYes, 1);
        }
    }
    if let Some(pct) = h.income_pct {
        set(M::IncomeKnown, 1);
        set(
            match pct {
                0..=19 => M::IncomeLt20,
                20..=39 => M::Income20To40,
                40..=59 => M::Income40To60,
                60..=99 => M::Income60To100,
                _ => M::IncomeGe100,
            },
            1,
        );
    }
    if let Some(age) = h.holder_age {
        set(M::HolderAgeKnown, 1);
        set(holder_band(age), 1);
    }
    let o = &h.occupants;
    if o.persons > 0 {
        set(M::OccupantsKnown, 1);
        set(M::Persons, o.persons.into());
        set(M::Adults, o.adults.into());
        set(M::Children, o.children.into());
        // minors come from the age bands (first band: under 18), like the other bands
        for (k, &n) in OCCUPANT_MEASURES.iter().zip(&o.age_bands) {
            set(*k, n.into());
        }
        for (k, &n) in EMPLOYMENT_MEASURES.iter().zip(&o.adult_employment) {
            set(*k, n.into());
            set(M::EmpKnown, n.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OCCUPANT_AGE_BANDS;

    #[test]
    fn bands_match_the_model_bounds() {
        assert_eq!(OCCUPANT_AGE_BANDS[0], (0, 18), "minors are the first band");
        assert_eq!(holder_band(24), M::HolderUnder25);
        assert_eq!(holder_band(25), M::Holder25To39);
        assert_eq!(holder_band(74), M::Holder60To74);
        assert_eq!(holder_band(75), M::Holder75Plus);
        assert_eq!(holder_band(120), M::Holder75Plus);
    }

    #[test]
    fn first_let_bands_follow_annexe_3() {
        assert_eq!(first_let_band(1800), M::LetBefore1949);
        assert_eq!(first_let_band(1948), M::LetBefore1949);
        assert_eq!(first_let_band(1949), M::LetFrom1949To1974);
        assert_eq!(first_let_band(1974), M::LetFrom1949To1974);
        assert_eq!(first_let_band(1975), M::LetFrom1975To1981);
        assert_eq!(first_let_band(1981), M::LetFrom1975To1981);
        assert_eq!(first_let_band(1982), M::LetFrom1982To1989);
        assert_eq!(first_let_band(1989), M::LetFrom1982To1989);
        assert_eq!(first_let_band(1990), M::LetFrom1990To2000);
        assert_eq!(first_let_band(2000), M::LetFrom1990To2000);
        assert_eq!(first_let_band(2001), M::LetAfter2000);
    }
}
