//! Every indicator of the catalogue on small hand-built cells, with values worked out by hand
//! (the arithmetic is written next to each value), and the edge cases: all vacant, no
//! household, no respondent.

use crate::support::indicators::*;
use opsgeo::model::{
    Composition as C, DpeClass as Dpe, Employment as E, Link as L, OccupancyMode as Mode,
};

/// Twelve dwellings, nine households (seven respondents).
///
/// | # | T | m² | LOCAT | FINAN | DPE | MODE | loyer |
/// |---|---|---|---|---|---|---|---|
/// | 0 | 1 | 30 | 1930 | 11 PLAI | A | 1 | 250 |
/// | 1 | 2 | 45.5 | 1949 | 13 PLUS | B | 1 | 320.50 |
/// | 2 | 2 | 50 | 1974 | 13 PLUS | C | 1 | 350 |
/// | 3 | 3 | 65 | 1975 | 12 PLUS | D | 1 | 400 |
/// | 4 | 3 | 70 | 1981 | 14 PLS | D | 1 | — (9999) |
/// | 5 | 3 | — | 1982 | 16 PLI | E | 1 | 420 |
/// | 6 | 4 | 80 | 1989 | 15 autre | F | 1 | 500 |
/// | 7 | 4 | 85 | 1990 | 99 autre | G | 2 vacant | — |
/// | 8 | 5 | 95 | 2000 | 10 PLAI | — | 1 | 600 |
/// | 9 | 6 | 110 | 2001 | 50 autre | — | 3 vide | — |
/// | 10 | 2 | 48 | — | 13 PLUS | C | 1 | 0 |
/// | 11 | 1 | 28 | 2015 | 11 PLAI | B | 1 | 260 (no household) |
fn twelve() -> (Vec<opsgeo::model::Dwelling>, Vec<opsgeo::model::Household>) {
    let d = vec![
        dwelling(
            1,
            Some(30.0),
            Some(1930),
            11,
            Some(Dpe::A),
            Mode::Let,
            Some(250.0),
        ),
        dwelling(
            2,
            Some(45.5),
            Some(1949),
            13,
            Some(Dpe::B),
            Mode::Let,
            Some(320.5),
        ),
        dwelling(
            2,
            Some(50.0),
            Some(1974),
            13,
            Some(Dpe::C),
            Mode::Let,
            Some(350.0),
        ),
        dwelling(
            3,
            Some(65.0),
            Some(1975),
            12,
            Some(Dpe::D),
            Mode::Let,
            Some(400.0),
        ),
        dwelling(3, Some(70.0), Some(1981), 14, Some(Dpe::D), Mode::Let, None),
        dwelling(
            3,
            None,
            Some(1982),
            16,
            Some(Dpe::E),
            Mode::Let,
            Some(420.0),
        ),
        dwelling(
            4,
            Some(80.0),
            Some(1989),
            15,
            Some(Dpe::F),
            Mode::Let,
            Some(500.0),
        ),
        dwelling(
            4,
            Some(85.0),
            Some(1990),
            99,
            Some(Dpe::G),
            Mode::VacantOffered,
            None,
        ),
        dwelling(5, Some(95.0), Some(2000), 10, None, Mode::Let, Some(600.0)),
        dwelling(6, Some(110.0), Some(2001), 50, None, Mode::Empty, None),
        dwelling(2, Some(48.0), None, 13, Some(Dpe::C), Mode::Let, Some(0.0)),
        dwelling(
            1,
            Some(28.0),
            Some(2015),
            11,
            Some(Dpe::B),
            Mode::Let,
            Some(260.0),
        ),
    ];
    let h = vec![
        respondent(
            0,
            Some(C::Single),
            Some(23),
            Some(15),
            Some(true),
            &[(23, L::Holder, Some(E::Stable))],
        ),
        respondent(
            1,
            Some(C::SingleParent),
            Some(35),
            Some(25),
            Some(true),
            &[
                (35, L::Holder, Some(E::Precarious)),
                (10, L::Child, None),
                (17, L::Child, None),
            ],
        ),
        respondent(
            2,
            Some(C::CoupleNoChildren),
            Some(67),
            Some(45),
            Some(false),
            &[
                (67, L::Holder, Some(E::Retired)),
                (70, L::Partner, Some(E::Retired)),
            ],
        ),
        respondent(
            3,
            Some(C::CoupleWithChildren),
            Some(42),
            Some(70),
            None,
            &[
                (42, L::Holder, Some(E::Unemployed)),
                (40, L::Partner, Some(E::NoEmployment)),
                (19, L::Child, Some(E::Student)),
                (5, L::Child, None),
            ],
        ),
        non_respondent(4),
        respondent(
            5,
            Some(C::Other),
            Some(80),
            Some(110),
            Some(false),
            &[(80, L::Holder, None), (55, L::Relative, Some(E::Stable))],
        ),
        // answered, but gave neither composition, age nor income, and no occupant row
        respondent(6, None, None, None, Some(true), &[]),
        respondent(
            8,
            Some(C::Single),
            Some(60),
            Some(60),
            Some(true),
            &[(60, L::Holder, Some(E::Stable))],
        ),
        non_respondent(10),
    ];
    (d, h)
}

#[test]
fn every_indicator_of_a_hand_computed_cell() {
    let (d, h) = twelve();
    // households of dwellings 0 and 1 moved in recently
    let m = cell(&d, &h, &[0, 1]);
    assert_all(
        &m,
        &[
            ("nb_logements", Some(12.0)),
            // PLAI #0 #8 #11 = 3/12; PLUS #1 #2 #3 #10 = 4/12; PLS #4, PLI #5 = 1/12;
            // other #6 #7 #9 = 3/12
            ("part_plai", Some(25.0)),
            ("part_plus", Some(33.3)),
            ("part_pls", Some(8.3)),
            ("part_pli", Some(8.3)),
            ("part_fin_autre", Some(25.0)),
            // 11 known years (#10 unknown): 1/11 = 9.09 %, 2/11 = 18.18 %
            ("part_mel_avant_1949", Some(9.1)),
            ("part_mel_1949_1974", Some(18.2)),
            ("part_mel_1975_1981", Some(18.2)),
            ("part_mel_1982_1989", Some(18.2)),
            ("part_mel_1990_2000", Some(18.2)),
            ("part_mel_apres_2000", Some(18.2)),
            // of 12: A 1, B 2, C 2, D 2, E 1, F 1, G 1, none 2
            ("part_dpe_a", Some(8.3)),
            ("part_dpe_b", Some(16.7)),
            ("part_dpe_c", Some(16.7)),
            ("part_dpe_d", Some(16.7)),
            ("part_dpe_e", Some(8.3)),
            ("part_dpe_f", Some(8.3)),
            ("part_dpe_g", Some(8.3)),
            ("part_dpe_non_realise", Some(16.7)),
            // T1 2, T2 3, T3 3, T4 2, T5+ 2 (5 and 6 rooms)
            ("part_t1", Some(16.7)),
            ("part_t2", Some(25.0)),
            ("part_t3", Some(25.0)),
            ("part_t4", Some(16.7)),
            ("part_t5_plus", Some(16.7)),
            // let with a rent > 0: 250 + 320.5 + 350 + 400 + 420 + 500 + 600 + 260 = 3100.5 / 8
            ("loyer_moyen", Some(387.56)),
            ("loyer_moyen_t1", Some(255.0)),  // (250 + 260) / 2
            ("loyer_moyen_t2", Some(335.25)), // (320.5 + 350) / 2, #10 (0 €) left out
            ("loyer_moyen_t3", Some(410.0)),  // (400 + 420) / 2, #4 (9999) left out
            ("loyer_moyen_t4", Some(500.0)),  // #7 vacant
            ("loyer_moyen_t5_plus", Some(600.0)),
            // rent and surface known (#5 has no surface): 2680.5 € / 393.5 m² = 6.8119
            ("loyer_m2", Some(6.81)),
            // 11 known surfaces summing to 706.5 m²: 64.227
            ("surface_moyenne", Some(64.23)),
            ("nb_logements_vacants", Some(1.0)), // #7; #9 (MODE 3) is not vacancy
            ("taux_vacance", Some(8.3)),
            ("nb_menages", Some(9.0)),
            ("nb_repondants", Some(7.0)),
            ("taux_reponse", Some(77.8)),           // 7 / 9
            ("part_emmenages_recents", Some(22.2)), // 2 / 9
            // 6 respondents with a known composition: single 2, the others 1 each
            ("part_personne_seule", Some(33.3)),
            ("part_monoparentale", Some(16.7)),
            ("part_couple_sans_enfant", Some(16.7)),
            ("part_couple_avec_enfants", Some(16.7)),
            ("part_autre_menage", Some(16.7)),
            // 6 respondents with occupants: 13 persons, 10 adults, 4 children, 3 minors
            ("nb_moyen_occupants", Some(2.17)),
            ("nb_moyen_adultes", Some(1.67)),
            ("nb_moyen_enfants", Some(0.67)),
            ("nb_moyen_mineurs", Some(0.5)),
            // holder ages 23, 35, 42, 60, 67, 80
            ("part_titulaire_moins_25", Some(16.7)),
            ("part_titulaire_25_39", Some(16.7)),
            ("part_titulaire_40_59", Some(16.7)),
            ("part_titulaire_60_74", Some(33.3)),
            ("part_titulaire_75_plus", Some(16.7)),
            // 13 occupants: <18: 10 17 5; 18–24: 23 19; 25–39: 35; 40–59: 42 40 55;
            // 60–74: 67 70 60; 75+: 80
            ("part_occupants_moins_18", Some(23.1)),
            ("part_occupants_18_24", Some(15.4)),
            ("part_occupants_25_39", Some(7.7)),
            ("part_occupants_40_59", Some(23.1)),
            ("part_occupants_60_74", Some(23.1)),
            ("part_occupants_75_plus", Some(7.7)),
            // incomes 15, 25, 45, 60, 70, 110 % of the PLUS ceiling
            ("part_rev_moins_20", Some(16.7)),
            ("part_rev_20_40", Some(16.7)),
            ("part_rev_40_60", Some(16.7)),
            ("part_rev_60_100", Some(33.3)),
            ("part_rev_100_plus", Some(16.7)),
            ("part_apl", Some(66.7)), // 4 yes of 6 known (#3 unknown)
            // 9 adults with a known situation (the 80-year-old's is unknown): stable 3,
            // précaire 1, chômeur 1, sans emploi 1, retraité 2, étudiant 1
            ("part_emploi_stable", Some(33.3)),
            ("part_emploi_precaire", Some(11.1)),
            ("part_chomeurs", Some(11.1)),
            ("part_sans_emploi", Some(11.1)),
            ("part_retraites", Some(22.2)),
            ("part_etudiants", Some(11.1)),
        ],
    );
    let b = bases(&m);
    assert_eq!(b["loyer_moyen"], 8);
    assert_eq!(b["loyer_m2"], 7);
    assert_eq!(b["loyer_moyen_t4"], 1);
    assert_eq!(b["surface_moyenne"], 11);
    assert_eq!(b["part_mel_1990_2000"], 11);
    assert_eq!(b["part_dpe_a"], 12);
    assert_eq!(b["nb_moyen_occupants"], 6);
    assert_eq!(b["part_titulaire_75_plus"], 6);
    assert_eq!(b["part_occupants_75_plus"], 13);
    assert_eq!(b["part_etudiants"], 9);
    assert_eq!(b["part_apl"], 6);
    assert_eq!(b["taux_reponse"], 9);
}

#[test]
fn all_vacant_cell_has_no_rent_and_no_household_value() {
    let d: Vec<_> = (0..11)
        .map(|i| {
            dwelling(
                1 + i % 3,
                Some(40.0),
                Some(1990),
                13,
                None,
                Mode::VacantOffered,
                Some(400.0),
            )
        })
        .collect();
    let m = cell(&d, &[], &[]);
    let v = shown(&m);
    assert_eq!(v["nb_logements"], Some(11.0));
    assert_eq!(v["nb_logements_vacants"], Some(11.0));
    assert_eq!(v["taux_vacance"], Some(100.0));
    // a rent on a vacant dwelling is not a rent paid
    assert_eq!(v["loyer_moyen"], None);
    assert_eq!(v["loyer_m2"], None);
    assert_eq!(v["surface_moyenne"], Some(40.0));
    assert_eq!(v["part_dpe_non_realise"], Some(100.0));
    assert_eq!(v["nb_menages"], Some(0.0));
    assert_eq!(v["nb_repondants"], Some(0.0));
    for f in [
        "taux_reponse",
        "part_emmenages_recents",
        "part_apl",
        "nb_moyen_occupants",
        "part_chomeurs",
    ] {
        assert_eq!(v[f], None, "{f}: no household, no value");
    }
}

#[test]
fn let_dwellings_without_household_have_rents_but_no_survey_value() {
    let d: Vec<_> = (0..4)
        .map(|i| {
            dwelling(
                2,
                Some(50.0),
                Some(1960 + i as u16),
                12,
                Some(Dpe::E),
                Mode::Let,
                Some(300.0 + 10.0 * i as f32),
            )
        })
        .collect();
    let m = cell(&d, &[], &[]);
    let v = shown(&m);
    assert_eq!(v["loyer_moyen"], Some(315.0)); // (300 + 310 + 320 + 330) / 4
    assert_eq!(v["loyer_m2"], Some(6.3)); // 1260 / 200
    assert_eq!(v["nb_menages"], Some(0.0));
    assert_eq!(v["taux_reponse"], None);
    assert_eq!(v["part_personne_seule"], None);
    assert_eq!(v["taux_vacance"], Some(0.0));
}

#[test]
fn all_non_respondents_give_a_zero_response_rate_and_no_survey_value() {
    let d: Vec<_> = (0..11)
        .map(|_| {
            dwelling(
                3,
                Some(60.0),
                Some(1980),
                13,
                Some(Dpe::C),
                Mode::Let,
                Some(450.0),
            )
        })
        .collect();
    let h: Vec<_> = (0..11).map(non_respondent).collect();
    let m = cell(&d, &h, &[2, 3, 5]);
    let v = shown(&m);
    assert_eq!(v["nb_menages"], Some(11.0));
    assert_eq!(v["nb_repondants"], Some(0.0));
    assert_eq!(v["taux_reponse"], Some(0.0));
    // recent movers do not need an answer: 3 / 11
    assert_eq!(v["part_emmenages_recents"], Some(27.3));
    for d in opsgeo::indicators::CATALOGUE.iter().filter(|d| d.survey) {
        assert_eq!(v[d.field], None, "{}: nobody answered", d.field);
    }
    assert_eq!(v["loyer_moyen"], Some(450.0));
}

#[test]
fn a_respondent_without_occupant_rows_is_left_out_of_the_means_only() {
    let d = vec![dwelling(2, None, None, 13, None, Mode::Let, None); 2];
    let h = vec![
        respondent(0, Some(C::Single), Some(30), None, None, &[]),
        respondent(
            1,
            Some(C::CoupleNoChildren),
            Some(50),
            None,
            None,
            &[(50, L::Holder, Some(E::Stable)), (49, L::Partner, None)],
        ),
    ];
    let m = cell(&d, &h, &[]);
    let v = shown(&m);
    assert_eq!(v["part_personne_seule"], Some(50.0));
    assert_eq!(v["nb_moyen_occupants"], Some(2.0)); // 2 persons / 1 household with occupants
    assert_eq!(v["nb_moyen_adultes"], Some(2.0));
    assert_eq!(v["part_emploi_stable"], Some(100.0)); // the partner's situation is unknown
    assert_eq!(bases(&m)["part_emploi_stable"], 1);
}
