//! Hand-built territories with known answers: each is recoverable by differencing under the
//! primary rules alone (the audit says so), and safe once the secondary suppression has run
//! (the audit passes and the explicit difference is no longer available).

use crate::support::secrecy::*;
use opsgeo::model::{Population, Scale, Split};
use opsgeo::secrecy::Status;

const NB: &str = "nb_logements";

fn base_world() -> World {
    let mut w = World::new();
    // commune 2: three buildings of 20 dwellings, IRIS 2
    for b in ["B1", "B2", "B3"] {
        let s = w.stairwell("P9", b, "A");
        w.add(20, s, at(C2, 2, false), Answers::default());
    }
    w
}

#[test]
#[cfg_attr(
    not(feature = "tests-complets"),
    ignore = "full tier only: 100 s with the debug binary of `cargo test` (12 s in release)"
)]
fn commune_with_a_small_qpv_part() {
    let mut w = base_world();
    let s1 = w.stairwell("P1", "B1", "A");
    w.add(40, s1, at(C1, 1, false), Answers::default());
    let s2 = w.stairwell("P2", "B1", "A");
    w.add(5, s2, at(C1, 0, true), Answers::default());
    // 20 dwellings of commune 2 in a QPV by the RPLS flag (not located): the région's QPV part
    // is published, so the territory's dwellings without a QPV part are known to be none
    let s3 = w.stairwell("P3", "B1", "A");
    let flagged = Place {
        commune: C2,
        iris: None,
        qpv: true,
    };
    w.add(20, s3, flagged, Answers::default());

    let primary = w.run(false);
    assert_eq!(
        primary
            .cell(
                Scale::Commune,
                Population::Ensemble,
                Split::Qpv,
                "00001",
                NB
            )
            .0,
        Status::SecretEffectif
    );
    // tout − hors QPV gives the QPV part: the audit sees it
    assert!(
        primary.audit_flags("00001", NB),
        "{}",
        primary.audit.render(10)
    );
    assert!(!primary.audit.passed());

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    let tout = safe.published(Scale::Commune, Split::Tout, "00001", NB);
    let hors = safe.published(Scale::Commune, Split::HorsQpv, "00001", NB);
    assert!(
        tout.is_none() || hors.is_none(),
        "commune total and hors-QPV part both published: {tout:?} − {hors:?} = the QPV part"
    );
}

#[test]
fn programme_with_one_small_building_among_three() {
    let mut w = base_world();
    for (b, n) in [("B1", 30), ("B2", 25), ("B3", 6)] {
        let s = w.stairwell("P1", b, "A");
        w.add(n, s, at(C1, 1, false), Answers::default());
    }
    let primary = w.run(false);
    assert!(
        primary.audit_flags("000000001-P1-B3", NB),
        "{}",
        primary.audit.render(10)
    );

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    let p = safe.published(Scale::Programme, Split::Tout, "000000001-P1", NB);
    let b1 = safe.published(Scale::Batiment, Split::Tout, "000000001-P1-B1", NB);
    let b2 = safe.published(Scale::Batiment, Split::Tout, "000000001-P1-B2", NB);
    assert!(
        p.is_none() || b1.is_none() || b2.is_none(),
        "programme − B1 − B2 = B3: {p:?} {b1:?} {b2:?}"
    );
}

#[test]
fn stairwell_that_is_all_apl() {
    let mut w = base_world();
    let all = Answers {
        apl: Some(true),
        occupied: true,
    };
    let s1 = w.stairwell("P1", "B1", "A");
    w.add(15, s1, at(C1, 1, false), all);
    let s2 = w.stairwell("P1", "B1", "B");
    w.add(20, s2, at(C1, 1, false), Answers::default());
    let s3 = w.stairwell("P1", "B1", "C");
    w.add(14, s3, at(C1, 1, false), Answers::default());

    let primary = w.run(false);
    let apl = |o: &Outcome, code: &str, scale| o.published(scale, Split::Tout, code, "part_apl");
    assert_eq!(
        primary
            .cell(
                Scale::Cage,
                Population::Ensemble,
                Split::Tout,
                "000000001-P1-B1-A",
                "part_apl"
            )
            .0,
        Status::Secret100
    );
    // a single share hidden for being 100 %: its reason code says so (counted apart)
    assert!(
        primary.audit.revelees_par_le_motif >= 1,
        "{}",
        primary.audit.render(10)
    );

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    // building APL count − the two other stairwells' = the 100 % stairwell's
    let b = apl(&safe, "000000001-P1-B1", Scale::Batiment);
    let b2 = apl(&safe, "000000001-P1-B1-B", Scale::Cage);
    let b3 = apl(&safe, "000000001-P1-B1-C", Scale::Cage);
    assert!(
        b.is_none() || b2.is_none() || b3.is_none(),
        "{b:?} {b2:?} {b3:?}"
    );
}

#[test]
#[ignore = "known limit: the IRIS / QPV nesting is not in the reader's model (docs/secret.md §8)"]
fn iris_qpv_overlap_leaving_four_dwellings_outside() {
    let mut w = base_world();
    // IRIS 0: 26 dwellings in the QPV and 4 outside it; IRIS 1: 40 outside the QPV
    let s1 = w.stairwell("P1", "B1", "A");
    w.add(26, s1, at(C1, 0, true), Answers::default());
    let s2 = w.stairwell("P2", "B1", "A");
    w.add(4, s2, at(C1, 0, false), Answers::default());
    let s3 = w.stairwell("P3", "B1", "A");
    w.add(40, s3, at(C1, 1, false), Answers::default());

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    for ind in ["nb_logements", "part_t1", "part_apl", "loyer_moyen"] {
        // IRIS 0 − QPV = the 4 dwellings outside
        let iris = safe.published(Scale::Iris, Split::Tout, "000010101", ind);
        let qpv = safe.published(Scale::Qpv, Split::Tout, "QP000001", ind);
        assert!(iris.is_none() || qpv.is_none(), "{ind}: {iris:?} {qpv:?}");
        // commune hors QPV − IRIS 1 = the same 4 dwellings
        let hors = safe.published(Scale::Commune, Split::HorsQpv, "00001", ind);
        let iris1 = safe.published(Scale::Iris, Split::Tout, "000010102", ind);
        assert!(
            hors.is_none() || iris1.is_none(),
            "{ind}: {hors:?} {iris1:?}"
        );
    }
}

#[test]
#[ignore = "known limit: a single dwelling's household is not in the audit's model and the search may leave its sibling to the audit (docs/secret.md §8)"]
fn two_small_siblings_one_of_them_a_single_dwelling() {
    let mut w = base_world();
    let s1 = w.stairwell("P1", "B1", "A");
    w.add(1, s1, at(C1, 1, false), Answers::default());
    let s2 = w.stairwell("P1", "B1", "B");
    w.add(7, s2, at(C1, 1, false), Answers::default());
    let s3 = w.stairwell("P1", "B1", "C");
    w.add(30, s3, at(C1, 1, false), Answers::default());
    let s4 = w.stairwell("P1", "B2", "A");
    w.add(25, s4, at(C1, 1, false), Answers::default());

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    // the household of the single dwelling knows its stairwell: building − C − A must not give B
    let b = safe.published(Scale::Batiment, Split::Tout, "000000001-P1-B1", NB);
    let c = safe.published(Scale::Cage, Split::Tout, "000000001-P1-B1-C", NB);
    assert!(
        b.is_none() || c.is_none(),
        "building and its large stairwell both published: {b:?} − {c:?} = A + B, and A's household knows A"
    );
}

#[test]
fn two_hidden_siblings_whose_sum_is_zero() {
    let mut w = base_world();
    let vacant = Answers {
        apl: None,
        occupied: false,
    };
    let s1 = w.stairwell("P1", "B1", "A");
    w.add(6, s1, at(C1, 1, false), Answers::default());
    let s2 = w.stairwell("P1", "B1", "B");
    w.add(7, s2, at(C1, 1, false), Answers::default());
    let s3 = w.stairwell("P1", "B1", "C");
    w.add(27, s3, at(C1, 1, false), Answers::default());
    w.add(3, s3, at(C1, 1, false), vacant);

    let primary = w.run(false);
    // building vacancy 3 − stairwell C's 3 = 0 for A + B: both pinned at 0
    assert!(
        primary.audit_flags("000000001-P1-B1-A", "nb_logements_vacants"),
        "{}",
        primary.audit.render(10)
    );
    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    let b = safe.published(
        Scale::Batiment,
        Split::Tout,
        "000000001-P1-B1",
        "nb_logements_vacants",
    );
    let c = safe.published(
        Scale::Cage,
        Split::Tout,
        "000000001-P1-B1-C",
        "nb_logements_vacants",
    );
    assert!(b.is_none() || c.is_none() || b != c, "{b:?} {c:?}");
}

/// Sets the rooms and the move-in date (recent or not) of the dwellings `from..` of `w`.
fn shape(w: &mut World, from: usize, rooms: impl Fn(usize) -> u8, recent: impl Fn(usize) -> bool) {
    use opsgeo::model::YearMonth;
    for i in from..w.dwellings.len() {
        w.dwellings[i].rooms = rooms(i - from);
    }
    for h in w.households.iter_mut() {
        let i = h.dwelling as usize;
        if i >= from {
            h.move_in = if recent(i - from) {
                YearMonth::new(2021, 6)
            } else {
                YearMonth::new(2005, 1)
            };
        }
    }
}

/// A small building without any T1 (its zero is hidden, the programme's T1 share is published)
/// and no recent mover in a T1 anywhere in its programme: protecting the building's « récents »
/// zero took a recent T1 from another programme and, the « ensemble » rows mirrored all the way
/// up, hid the typology of both programmes. The « ensemble » side now rises only where its
/// rest (households not recent) has no room, and closes against another building.
#[test]
fn recents_zero_of_a_small_building_keeps_its_programme_published() {
    let mut w = base_world();
    let from = w.dwellings.len();
    let s = w.stairwell("P1", "B1", "A");
    w.add(4, s, at(C1, 1, false), Answers::default());
    shape(&mut w, from, |_| 3, |k| k == 0);
    for b in ["B2", "B3"] {
        let from = w.dwellings.len();
        let s = w.stairwell("P1", b, "A");
        w.add(20, s, at(C1, 1, false), Answers::default());
        // T1 for one dwelling in five, recent movers only in the others
        shape(
            &mut w,
            from,
            |k| 1 + (k % 5) as u8,
            |k| k % 5 != 0 && k % 4 == 1,
        );
    }
    // another programme of the commune, with recent movers in T1
    let from = w.dwellings.len();
    let s = w.stairwell("P2", "B1", "A");
    w.add(40, s, at(C1, 1, false), Answers::default());
    shape(&mut w, from, |k| 1 + (k % 5) as u8, |k| k % 3 == 0);

    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    let (status, _) = safe.cell(
        Scale::Batiment,
        Population::Ensemble,
        Split::Tout,
        "000000001-P1-B1",
        "part_t1",
    );
    assert_eq!(status, Status::SecretEffectif);
    for p in ["000000001-P1", "000000001-P2"] {
        assert!(
            safe.published(Scale::Programme, Split::Tout, p, "part_t1")
                .is_some(),
            "{p}: typology hidden for a building's « récents » zero"
        );
    }
}

/// Commune 2 has 10 recent movers: its « récents » row is absent from the file, but the
/// EPCI's « récents » row less commune 1's gave its values (10 respondents…). The audit did not
/// look at absent rows; it now audits those of the zones, and the repairs protect them.
#[test]
fn absent_recents_row_of_a_small_commune_is_audited() {
    let mut w = base_world();
    for (b, n) in [("B1", 30), ("B2", 25)] {
        let s = w.stairwell("P1", b, "A");
        w.add(n, s, at(C1, 1, false), Answers::default());
    }
    let primary = w.run(false);
    assert!(
        primary.audit_flags("00002", "nb_repondants"),
        "{}",
        primary.audit.render(10)
    );
    assert!(primary.audit.valeurs_lignes_absentes > 0);
    let safe = w.run(true);
    assert!(safe.audit.passed(), "{}", safe.audit.render(10));
    assert!(
        !safe
            .published
            .values
            .iter()
            .any(|v| v.scale == Scale::Commune
                && v.population == Population::Recents
                && &*v.code == "00002"),
        "commune 2's « récents » row is written: the test no longer covers an absent row"
    );
}
