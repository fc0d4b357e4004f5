//! Dwellings and households built by hand, summed into one cell with the public
//! [`contribution`], and every catalogue indicator computed.

use std::collections::BTreeMap;

use opsgeo::aggregate::contribution;
use opsgeo::indicators::{Measures, CATALOGUE, N_MEASURES};
use opsgeo::ingest::ops::add_occupant;
use opsgeo::model::{
    Composition, DpeClass, Dwelling, Employment, Household, Link, OccupancyMode, OccupantSummary,
};

/// A dwelling with the fields the indicators read; the rest is neutral.
pub fn dwelling(
    rooms: u8,
    surface: Option<f32>,
    first_let_year: Option<u16>,
    finan: u8,
    dpe: Option<DpeClass>,
    mode: OccupancyMode,
    rent: Option<f32>,
) -> Dwelling {
    Dwelling {
        landlord: 0,
        commune: 0,
        address: 0,
        stairwell: 0,
        rooms,
        surface,
        first_let_year,
        finan,
        dpe_energy: dpe,
        mode,
        lease_start: None,
        rent,
        rpls_qpv: None,
        rpls_qva: None,
        rpls_xy: None,
    }
}

/// One occupant: age, link to the lease holder, employment situation.
pub type Occ = (u8, Link, Option<Employment>);

/// A responding household.
pub fn respondent(
    dwelling: u32,
    composition: Option<Composition>,
    holder_age: Option<u8>,
    income_pct: Option<u16>,
    apl: Option<bool>,
    occupants: &[Occ],
) -> Household {
    let mut summary = OccupantSummary::default();
    for &(age, link, emp) in occupants {
        add_occupant(&mut summary, age, link, emp);
    }
    Household {
        dwelling,
        responded: true,
        move_in: None,
        composition,
        holder_age,
        income_pct,
        apl,
        occupants: summary,
    }
}

/// A household that did not answer.
pub fn non_respondent(dwelling: u32) -> Household {
    Household {
        dwelling,
        responded: false,
        move_in: None,
        composition: None,
        holder_age: None,
        income_pct: None,
        apl: None,
        occupants: OccupantSummary::default(),
    }
}

/// Sums the contributions of `dwellings` (with their households) into one cell; households
/// whose dwelling index is in `recent` count as recent movers.
pub fn cell(dwellings: &[Dwelling], households: &[Household], recent: &[u32]) -> Measures {
    let mut m = [0i64; N_MEASURES];
    for (i, d) in dwellings.iter().enumerate() {
        let h = households.iter().find(|h| h.dwelling as usize == i);
        let c = contribution(d, h, recent.contains(&(i as u32)));
        for (a, b) in m.iter_mut().zip(c) {
            *a += b;
        }
    }
    m
}

/// Every indicator of the catalogue, as shown in the layers (`None`: no value).
pub fn shown(m: &Measures) -> BTreeMap<&'static str, Option<f64>> {
    CATALOGUE
        .iter()
        .map(|d| (d.field, d.compute(m).map(|v| d.display(v))))
        .collect()
}

/// Base count of every indicator.
pub fn bases(m: &Measures) -> BTreeMap<&'static str, i64> {
    CATALOGUE
        .iter()
        .map(|d| (d.field, d.base_count(m)))
        .collect()
}

/// Checks every expected value, and that `expected` names every catalogue indicator.
pub fn assert_all(m: &Measures, expected: &[(&str, Option<f64>)]) {
    let got = shown(m);
    let mut missing: Vec<&str> = got
        .keys()
        .filter(|f| !expected.iter().any(|(e, _)| e == *f))
        .copied()
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "no expected value for {missing:?}: add them to the test"
    );
    let mut wrong = Vec::new();
    for &(field, want) in expected {
        let have = *got
            .get(field)
            .unwrap_or_else(|| panic!("{field} is not in the catalogue"));
        if have != want {
            wrong.push(format!("{field}: expected {want:?}, got {have:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
