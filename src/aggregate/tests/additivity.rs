//! Property: before secrecy, the counts of nested scales add up exactly — cage → bâtiment →
//! programme, IRIS → commune (for the located dwellings), commune → EPCI → département →
//! région for every split, and the QPV / hors-QPV parts → the whole commune.

use super::*;
use crate::ingest::ops::add_occupant;
use crate::model::{DpeClass, Employment, Financing, Link};
use proptest::prelude::*;

/// One generated dwelling: (commune, stairwell, rooms, mode, located, household kind, seed).
type Spec = (u32, u32, u8, u8, bool, u8, u32);

fn arb_dwellings() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0u32..2,
            0u32..4,
            1u8..8,
            0u8..3,
            any::<bool>(),
            0u8..4,
            any::<u32>(),
        ),
        0..200,
    )
}

/// IRIS of a located dwelling: IRIS 0 and 1 belong to commune 0, IRIS 2 and 3 to commune 1.
fn iris_of(commune: u32, seed: u32) -> u32 {
    commune * 2 + seed % 2
}

fn iris_commune(iris: usize) -> usize {
    iris / 2
}

/// A fixture whose dwellings and households vary every measure family.
fn build(spec: &[Spec]) -> Fixture {
    let mut f = fixture();
    f.iris_commune = (0..4).map(|z| Some(iris_commune(z) as u32)).collect();
    f.dwellings.clear();
    f.households.clear();
    f.locations.clear();
    f.placements.clear();
    for (i, &(commune, stair, rooms, mode, is_located, hh, seed)) in spec.iter().enumerate() {
        let mode = [
            OccupancyMode::Let,
            OccupancyMode::VacantOffered,
            OccupancyMode::Empty,
        ][mode as usize];
        let mut d = dwelling(commune, stair, rooms, mode);
        d.lease_start = ym(2019 + (i % 3) as u16, 6);
        d.rpls_qpv = if i % 5 == 0 { None } else { Some(i % 2 == 0) };
        d.first_let_year = (seed % 7 != 0).then_some(1900 + (seed % 130) as u16);
        d.finan = Financing::VALID_CODES[seed as usize % Financing::VALID_CODES.len()];
        d.dpe_energy = [
            None,
            Some(DpeClass::A),
            Some(DpeClass::D),
            Some(DpeClass::G),
        ][(seed / 7) as usize % 4];
        d.surface = (seed % 11 != 0).then_some(20.0 + (seed % 900) as f32 / 10.0);
        d.rent = d.rent.map(|_| 150.0 + (seed % 70_000) as f32 / 100.0);
        f.dwellings.push(d);
        if mode.is_let() && hh > 0 {
            let mut h = household(i as u32, hh > 1, if hh == 3 { ym(2021, 2) } else { None });
            if h.responded {
                h.holder_age = Some(18 + (seed % 80) as u8);
                h.income_pct = (seed % 3 != 0).then_some((seed % 150) as u16);
                for k in 0..seed % 5 {
                    let age = ((seed >> k) % 90) as u8;
                    let link = if k == 0 { Link::Holder } else { Link::Child };
                    let emp = Employment::from_code(((seed >> (2 * k)) % 7) as u8);
                    add_occupant(&mut h.occupants, age, link, emp);
                }
            }
            f.households.push(h);
        }
        if is_located {
            f.locations.push(located(i as f64, i as f64));
            f.placements.push(Placement {
                commune: Some(commune),
                iris: Some(iris_of(commune, seed)),
                qpv: (i % 3 == 0).then_some(0),
                qva: None,
            });
        } else {
            f.locations.push(not_found());
            f.placements.push(Placement::default());
        }
    }
    f
}

fn sum<'a>(ms: impl Iterator<Item = &'a Measures>) -> Measures {
    let mut s = [0i64; N_MEASURES];
    for m in ms {
        add(&mut s, m);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha, ..ProptestConfig::default() })]
    #[test]
    fn nested_scales_add_up(spec in arb_dwellings()) {
        let f = build(&spec);
        let a = run(&f);
        // communes with a dwelling outside every IRIS, or in neither QPV part
        let mut unlocated = [false; 2];
        let mut split_unknown = [false; 2];
        for (i, d) in f.dwellings.iter().enumerate() {
            if f.placements[i].iris.is_none() {
                unlocated[d.commune as usize] = true;
                if d.rpls_qpv.is_none() {
                    split_unknown[d.commune as usize] = true;
                }
            }
        }
        for pop in Population::ALL {
            let t = |s, sp| a.table(s, pop, sp).unwrap();
            // cage → bâtiment → programme
            let cages = t(Scale::Cage, Split::Tout);
            let bats = t(Scale::Batiment, Split::Tout);
            let progs = t(Scale::Programme, Split::Tout);
            for (b, m) in bats.measures.iter().enumerate() {
                let parts = cages.measures.iter().enumerate()
                    .filter(|(c, _)| f.structure.stairwells[*c].building as usize == b)
                    .map(|(_, m)| m);
                prop_assert_eq!(&sum(parts), m);
            }
            for (p, m) in progs.measures.iter().enumerate() {
                let parts = bats.measures.iter().enumerate()
                    .filter(|(b, _)| f.structure.buildings[*b].programme as usize == p)
                    .map(|(_, m)| m);
                prop_assert_eq!(&sum(parts), m);
            }
            // IRIS → commune: the IRIS of a commune hold its located dwellings
            let iris = t(Scale::Iris, Split::Tout);
            let communes = t(Scale::Commune, Split::Tout);
            for (c, whole) in communes.measures.iter().enumerate() {
                let parts = sum(iris.measures.iter().enumerate()
                    .filter(|(z, _)| iris_commune(*z) == c)
                    .map(|(_, m)| m));
                for k in 0..N_MEASURES {
                    prop_assert!(parts[k] <= whole[k], "IRIS of commune {} exceed it ({:?})", c, Measure::ALL[k]);
                }
                if !unlocated[c] {
                    prop_assert_eq!(&parts, whole);
                }
            }
            // commune → EPCI → département → région, for each split
            for sp in Split::ALL {
                let s = sum(t(Scale::Commune, sp).measures.iter());
                prop_assert_eq!(&s, &t(Scale::Epci, sp).measures[0]);
                prop_assert_eq!(&s, &t(Scale::Departement, sp).measures[0]);
                prop_assert_eq!(&s, &t(Scale::Region, sp).measures[0]);
            }
            // QPV part + hors-QPV part = whole commune, unless some dwelling is in neither
            let q = &t(Scale::Commune, Split::Qpv).measures;
            let h = &t(Scale::Commune, Split::HorsQpv).measures;
            for (c, whole) in communes.measures.iter().enumerate() {
                let parts = sum([&q[c], &h[c]].into_iter());
                for k in 0..N_MEASURES {
                    prop_assert!(parts[k] <= whole[k]);
                }
                if !split_unknown[c] {
                    prop_assert_eq!(&parts, whole);
                }
            }
            // every dwelling of the population is in exactly one cage
            let total: i64 = cages.measures.iter().map(|m| m[M::Dwellings as usize]).sum();
            prop_assert_eq!(total, t(Scale::Epci, Split::Tout).measures[0][M::Dwellings as usize]);
        }
        let epci = &a.table(Scale::Epci, Population::Ensemble, Split::Tout).unwrap().measures[0];
        prop_assert_eq!(epci[M::Dwellings as usize], spec.len() as i64);
        // the recent movers are a sub-population of the whole
        let rec = &a.table(Scale::Epci, Population::Recents, Split::Tout).unwrap().measures[0];
        for k in 0..N_MEASURES {
            prop_assert!(rec[k] <= epci[k]);
        }
        prop_assert_eq!(rec[M::Dwellings as usize], epci[M::RecentMovers as usize]);
    }
}
