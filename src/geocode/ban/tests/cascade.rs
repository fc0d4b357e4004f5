//! The cascade below `numero`: fuzzy street names, interpolation, street and commune levels.

use super::*;
use crate::geocode::GeocodeOptions;

/// Even numbers 2–10 on the north side (y = 100), odd numbers 1–9 on the south side (y = 0),
/// 10 m per number along x; 4, 6 and 5 are missing. A second street, and the Rue Piron of the
/// other tests under another INSEE code.
fn street() -> (tempfile::TempDir, BanIndex) {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    for n in [2u32, 8, 10, 1, 3, 7, 9] {
        let y = if n % 2 == 0 { 100.0 } else { 0.0 };
        rows.push(simple(
            &format!("21231_0500_{n:05}"),
            &n.to_string(),
            "",
            "Avenue du Maréchal Foch",
            "21231",
            1000.0 + 10.0 * n as f64,
            y,
        ));
    }
    rows.push(simple(
        "21231_0600_00012_b",
        "12",
        "b",
        "Rue Jean-Jacques Rousseau",
        "21231",
        5000.0,
        5000.0,
    ));
    for (i, n) in [1u32, 3, 5].iter().enumerate() {
        rows.push(simple(
            &format!("21231_0700_{n:05}"),
            &n.to_string(),
            "",
            "Rue du 8 Mai 1945",
            "21231",
            7000.0 + i as f64,
            7000.0,
        ));
    }
    let p = write_ban(dir.path(), "adresses-21.csv", &rows);
    (dir, BanIndex::load(&[p]).unwrap())
}

fn xy(r: &GeocodeResult) -> (f64, f64) {
    let p = r.point.expect("a point");
    let (x, y) = (p.x - ORIGIN.0, p.y - ORIGIN.1);
    ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0)
}

#[test]
fn number_with_another_index_only() {
    let (_d, ban) = street();
    // the query has no index, the BAN has only 12 b
    let r = ban.geocode(&addr("21231", "12", "", "R", "JEAN JACQUES ROUSSEAU"));
    assert_eq!((r.level, r.score), (GeocodeLevel::NumeroSansIndice, 0.85));
    assert_eq!(r.ban_id.as_deref(), Some("21231_0600_00012_b"));
}

#[test]
fn interpolation_between_numbers_of_the_same_side() {
    let (_d, ban) = street();
    // 4 between 2 (1020, 100) and 8 (1080, 100): a third of the way
    let r = ban.geocode(&addr("21231", "4", "", "AV", "MAL FOCH"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Interpolation, 0.8));
    assert_eq!(xy(&r), (1040.0, 100.0));
    assert_eq!(r.label, "4 Avenue du Maréchal Foch 21000 Dijon");
    assert_eq!(r.ban_id.as_deref(), Some("21231_0500"), "the street's id");
    // odd side: 5 between 3 and 7 on y = 0, never the even side
    let r = ban.geocode(&addr("21231", "5", "B", "AV", "MAL FOCH"));
    assert_eq!(xy(&r), (1050.0, 0.0));
    assert_eq!(r.label, "5 bis Avenue du Maréchal Foch 21000 Dijon");
}

#[test]
fn past_the_last_number_of_a_side() {
    let (_d, ban) = street();
    // 12: after 10 (1100) by the 8 → 10 spacing (10 m per number): 1120
    let r = ban.geocode(&addr("21231", "12", "", "AV", "MAL FOCH"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Interpolation, 0.7));
    assert_eq!(xy(&r), (1120.0, 100.0));
    // 40: at most MAX_EXTRAPOLATION_M past 10
    let r = ban.geocode(&addr("21231", "40", "", "AV", "MAL FOCH"));
    assert_eq!(
        xy(&r),
        (1100.0 + super::super::numbers::MAX_EXTRAPOLATION_M, 100.0)
    );
}

#[test]
fn other_side_when_the_street_has_one_side_only() {
    let (_d, ban) = street();
    // Rue du 8 Mai 1945 has only odd numbers 1, 3, 5 (x 7000, 7001, 7002)
    let r = ban.geocode(&addr("21231", "2", "", "R", "DU 8 MAI 1945"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Interpolation, 0.7));
    assert_eq!(xy(&r), (7000.5, 7000.0));
}

#[test]
fn street_level_without_a_number() {
    let (_d, ban) = street();
    for number in ["", "0"] {
        let r = ban.geocode(&addr("21231", number, "", "AV", "MARECHAL FOCH"));
        assert_eq!((r.level, r.score), (GeocodeLevel::Voie, 0.6), "{number:?}");
        // the middle address by number: 1, 2, 3, 7, 8, 9, 10 → 7
        assert_eq!(xy(&r), (1070.0, 0.0));
        assert_eq!(r.label, "Avenue du Maréchal Foch 21000 Dijon");
    }
}

#[test]
fn typos_are_matched_with_a_score() {
    let (_d, ban) = street();
    // one edit in 19 letters
    let r = ban.geocode(&addr("21231", "12", "B", "R", "JEANEJACQUES ROUSSEAU"));
    assert_eq!(r.level, GeocodeLevel::Numero);
    assert_eq!(r.score, 0.95);
    // a typo inside an abbreviated title: one edit from MAL FOCH
    let r = ban.geocode(&addr("21231", "8", "", "AV", "MEL FOCH"));
    assert_eq!(r.level, GeocodeLevel::Numero);
    assert_eq!(r.score, 0.86);
    // a typo in a dropped article
    let r = ban.geocode(&addr("21231", "8", "", "AV", "DO MARECHAL FOCH"));
    assert_eq!(r.level, GeocodeLevel::Numero);
}

#[test]
fn an_unknown_street_is_never_the_closest_string() {
    let (_d, ban) = street();
    for (ty, name) in [
        ("R", "JEAN JACQUES ROUX"),
        ("AV", "DU MARECHAL JOFFRE"),
        ("R", "DU 8 MAI 1954"),
        ("R", "DU 18 MAI 1945"),
        ("ALL", "DES MIMOSAS BLEUS"),
    ] {
        let r = ban.geocode(&addr("21231", "8", "", ty, name));
        assert_eq!(r.level, GeocodeLevel::Commune, "{ty} {name}");
        assert_eq!(r.score, 0.0);
        assert_eq!(r.ban_id, None);
        assert_eq!(r.label, "21000 Dijon");
    }
    // the commune's point: the address nearest to the mean of its addresses (3038, 2391)
    let r = ban.geocode(&addr("21231", "8", "", "R", "INCONNUE"));
    assert_eq!(xy(&r), (1100.0, 100.0));
}

#[test]
fn the_threshold_is_an_option() {
    let (_d, ban) = street();
    let q = addr("21231", "12", "B", "R", "JEANEJACQUES ROUSSEAU");
    assert_eq!(ban.geocode(&q).level, GeocodeLevel::Numero);
    let strict = ban.with_options(GeocodeOptions {
        min_street_score: 0.96,
    });
    let r = strict.geocode(&q);
    assert_eq!(r.level, GeocodeLevel::Commune);
    // the rejected street is visible as the runner-up
    assert_eq!(r.runner_up, 0.95);
}

#[test]
fn street_type_mismatch_lowers_the_score() {
    let (_d, ban) = street();
    // no type on the query side
    let r = ban.geocode(&addr("21231", "8", "", "", "MARECHAL FOCH"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Numero, 0.95));
    // another type
    let r = ban.geocode(&addr("21231", "8", "", "BD", "MARECHAL FOCH"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Numero, 0.85));
    // another type and a typo: below the threshold
    let r = ban.geocode(&addr("21231", "8", "", "BD", "MARECHOL FOCH"));
    assert_eq!(r.level, GeocodeLevel::Commune);
}

#[test]
fn runner_up_is_the_best_other_street() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            simple("a_00001", "1", "", "Rue Victor Hugo", "21231", 1.0, 1.0),
            simple("b_00001", "1", "", "Avenue Victor Hugo", "21231", 2.0, 2.0),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    let r = ban.geocode(&addr("21231", "1", "", "R", "VICTOR HUGO"));
    assert_eq!((xy(&r), r.score, r.runner_up), ((1.0, 1.0), 1.0, 0.85));
    let r = ban.geocode(&addr("21231", "1", "", "", "VICTOR HUGO"));
    // equal scores: both visible, the first loaded wins
    assert_eq!((xy(&r), r.score, r.runner_up), ((1.0, 1.0), 0.95, 0.95));
}

#[test]
fn a_street_split_by_postcode_is_one_street() {
    let dir = tempfile::tempdir().unwrap();
    let mk = |n: u32, cp: &str, x: f64| {
        row(
            &format!("21231_0800_{n:05}"),
            &n.to_string(),
            "",
            "Rue Longue",
            cp,
            "21231",
            "Dijon",
            "",
            &format!("{x:.2}"),
            "0.00",
            "",
            "",
        )
    };
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            mk(2, "21000", 0.0),
            mk(10, "21000", 80.0),
            mk(20, "21100", 180.0),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    assert_eq!(ban.streets(), 2);
    // 14 lies between 10 (21000) and 20 (21100)
    let r = ban.geocode(&addr("21231", "14", "", "R", "LONGUE"));
    assert_eq!(
        (r.level, xy(&r)),
        (GeocodeLevel::Interpolation, (120.0, 0.0))
    );
    assert_eq!(r.runner_up, 0.0);
}

#[test]
fn noise_in_the_street_field() {
    let (_d, ban) = street();
    let r = ban.geocode(&addr("21231", "8", "", "AV", "MARECHAL FOCH BAT C CEDEX 9"));
    assert_eq!((r.level, r.score), (GeocodeLevel::Numero, 1.0));
    // the number typed into the name
    let r = ban.geocode(&addr("21231", "", "", "", "8 AV MARECHAL FOCH"));
    assert_eq!((r.level, xy(&r)), (GeocodeLevel::Numero, (1080.0, 100.0)));
    // a lieu-dit after the street is tried when the street is unknown
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[simple("ld_00003", "3", "", "Les Prés", "21231", 7.0, 8.0)],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    let r = ban.geocode(&addr(
        "21231",
        "3",
        "",
        "CHE",
        "DES VIGNES LIEU DIT LES PRES",
    ));
    assert_eq!((r.level, xy(&r)), (GeocodeLevel::Numero, (7.0, 8.0)));
    let r = ban.geocode(&addr("21231", "3", "", "LD", "LES PRES"));
    assert_eq!(r.level, GeocodeLevel::Numero);
}
