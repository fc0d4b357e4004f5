use super::*;
use crate::ingest::rejects::MASKED;
use crate::ingest::rpls::test_support::{input, rpls_file, rpls_row, territory, write};
use crate::ingest::rpls::{read_rpls, RplsData};
use crate::model::{Employment, Link, YearMonth};

const HH_HEADER: &str =
    "IDENT_REP;REPONSE;DATE_EMMENAGEMENT;COMPOSITION;AGE_TITULAIRE;REVENUS_PCT_PLUS;APL;CODE_PROGRAMME";
const OCC_HEADER: &str = "IDENT_REP;NUM_OCCUPANT;AGE;LIEN_TITULAIRE;SITUATION_EMPLOI";

/// RPLS: LOG01..LOG20 let, VAC-2 vacant offered, VAC-3 empty, ASSO let to an association,
/// BAD rejected.
fn rpls(dir: &std::path::Path) -> RplsData {
    let mut rows: Vec<String> = (1..=20)
        .map(|i| rpls_row(&format!("LOG{i:02}"), &[]))
        .collect();
    rows.push(rpls_row("VAC-2", &[("MODE", "2")]));
    rows.push(rpls_row("VAC-3", &[("MODE", "3")]));
    rows.push(rpls_row("ASSO", &[("MODE", "4")]));
    rows.push(rpls_row("BAD", &[("NBPIECE", "0")]));
    let path = write(dir, "rpls.csv", rpls_file(&rows).as_bytes());
    let mut log = RejectLog::new();
    let d = read_rpls(&input(path), &territory(), &mut log).unwrap();
    assert_eq!(d.dwellings.len(), 23);
    d
}

struct Run {
    rp: RplsData,
    households: Vec<Household>,
    hh_stats: InputStats,
    occ_stats: Option<InputStats>,
    rejects: RejectLog,
}

fn run(households: &str, occupants: Option<&str>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let rp = rpls(dir.path());
    let mut rejects = RejectLog::new();
    let hp = write(dir.path(), "menages.csv", households.as_bytes());
    let (mut hh, hh_stats) =
        read_households(&input(hp), &rp.ids, &rp.dwellings, &mut rejects).unwrap();
    assert!(hh_stats.reconciles());
    assert_eq!(hh.len() as u64, hh_stats.accepted);
    let occ_stats = occupants.map(|o| {
        let op = write(dir.path(), "occupants.csv", o.as_bytes());
        let s = read_occupants(&input(op), &rp.ids, &mut hh, &mut rejects).unwrap();
        assert!(s.reconciles());
        s
    });
    let total = hh_stats.rejected + occ_stats.as_ref().map_or(0, |s| s.rejected);
    assert_eq!(rejects.len() as u64, total);
    Run {
        rp,
        households: hh,
        hh_stats,
        occ_stats,
        rejects,
    }
}

fn file(header: &str, rows: &[&str]) -> String {
    let mut s = format!("{header}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[test]
fn respondents_and_non_respondents_are_kept() {
    let r = run(
        &file(
            HH_HEADER,
            &[
                "LOG01;1;03/2021;4;35;45;1;P001",
                "LOG02;2;n'importe quoi;8;200;-1;7;P001",
                "LOG03;1;;;;;;",
                "LOG04;1;15/06/1998;1;120;2000;2;",
                "ASSO;1;01/2020;5;16;0;9;",
            ],
        ),
        None,
    );
    assert!(r.rejects.is_empty(), "{:?}", r.rejects.rejects());
    assert_eq!((r.hh_stats.read, r.hh_stats.accepted), (5, 5));
    let h = &r.households;
    assert_eq!(Some(h[0].dwelling), r.rp.ids.get("LOG01"));
    assert!(h[0].responded);
    assert_eq!(h[0].move_in, YearMonth::new(2021, 3));
    assert_eq!(h[0].composition, Some(Composition::CoupleWithChildren));
    assert_eq!(
        (h[0].holder_age, h[0].income_pct, h[0].apl),
        (Some(35), Some(45), Some(true))
    );
    assert!(!h[1].responded, "non-respondent: other answers ignored");
    assert_eq!(
        (h[1].move_in, h[1].composition, h[1].holder_age),
        (None, None, None)
    );
    assert_eq!((h[1].income_pct, h[1].apl), (None, None));
    assert_eq!(
        (h[2].move_in, h[2].composition, h[2].apl),
        (None, None, None)
    );
    assert_eq!(h[3].move_in, YearMonth::new(1998, 6));
    assert_eq!(
        (h[3].holder_age, h[3].income_pct, h[3].apl),
        (Some(120), Some(2000), Some(false))
    );
    assert_eq!(
        (h[4].holder_age, h[4].income_pct, h[4].apl),
        (Some(16), Some(0), None)
    );
    assert_eq!(h[0].occupants, OccupantSummary::default());
}

#[test]
fn household_rejects_name_column_value_and_reason() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "LOG01;3;;;;;;",
            "REPONSE",
            "3",
            "réponse à l'enquête : code inconnu",
        ),
        ("LOG02;;;;;;;", "REPONSE", "", "réponse à l'enquête"),
        (
            "LOG03;1;13/2020;;;;;",
            "DATE_EMMENAGEMENT",
            "13/2020",
            "date d'emménagement : date attendue",
        ),
        (
            "LOG04;1;;6;;;;",
            "COMPOSITION",
            "6",
            "composition du ménage : code inconnu (attendu : 1 à 5)",
        ),
        (
            "LOG05;1;;;15;;;",
            "AGE_TITULAIRE",
            "15",
            "âge du titulaire du bail : entier de 16 à 120",
        ),
        (
            "LOG06;1;;;121;;;",
            "AGE_TITULAIRE",
            "121",
            "entier de 16 à 120",
        ),
        (
            "LOG07;1;;;;2001;;",
            "REVENUS_PCT_PLUS",
            "2001",
            "revenus en % du plafond PLUS : entier de 0 à 2000",
        ),
        (
            "LOG08;1;;;;45,5;;",
            "REVENUS_PCT_PLUS",
            "45,5",
            "entier de 0 à 2000",
        ),
        (
            "LOG09;1;;;;;0;",
            "APL",
            "0",
            "APL : code inconnu (attendu : 1 oui, 2 non",
        ),
    ];
    let rows: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let r = run(&file(HH_HEADER, &rows), None);
    assert_eq!((r.hh_stats.read, r.hh_stats.rejected), (9, 9));
    for (rej, &(row, col, value, reason)) in r.rejects.rejects().iter().zip(cases) {
        assert_eq!(rej.file, "menages.csv");
        assert_eq!(
            (rej.column.as_str(), rej.value.as_str()),
            (col, value),
            "{row}"
        );
        assert!(rej.reason.contains(reason), "{row}: {}", rej.reason);
    }
}

#[test]
fn unknown_duplicate_and_vacant_dwellings_are_rejected_masked() {
    let r = run(
        &file(
            HH_HEADER,
            &[
                "LOG01;1;;;;;;",
                "LOG01;2;;;;;;",
                "VAC-2;1;;;;;;",
                "VAC-3;2;;;;;;",
                "BAD;1;;;;;;",
                "NOWHERE;1;;;;;;",
                ";1;;;;;;",
                "LOG02;1;;;;",
            ],
        ),
        None,
    );
    assert_eq!(
        (r.hh_stats.read, r.hh_stats.accepted, r.hh_stats.rejected),
        (8, 1, 7)
    );
    let rej = r.rejects.rejects();
    for x in &rej[..6] {
        assert_eq!((x.column.as_str(), x.value.as_str()), ("IDENT_REP", MASKED));
    }
    assert!(rej[0]
        .reason
        .contains("second ménage pour le même logement (premier ménage ligne 2)"));
    assert_eq!(
        rej[1].reason,
        "ménage déclaré dans un logement vacant selon le RPLS"
    );
    assert_eq!(rej[2].reason, rej[1].reason);
    assert_eq!(
        rej[3].reason, rej[4].reason,
        "rejected and unknown look the same"
    );
    assert!(rej[3].reason.starts_with("logement introuvable"));
    assert!(rej[5].reason.contains("manquant"));
    assert_eq!(rej[6].reason, "nombre de champs incorrect : 6 au lieu de 8");
    let text = format!("{:?}", r.rejects.rejects());
    for id in ["LOG01", "VAC-2", "VAC-3", "BAD", "NOWHERE"] {
        assert!(!text.contains(id), "{id} leaked: {text}");
    }
}

#[test]
fn missing_household_column_stops_the_run() {
    let header = HH_HEADER.replace(";APL", "");
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "menages.csv", format!("{header}\n").as_bytes());
    let err =
        read_households(&input(p), &KeyTable::default(), &[], &mut RejectLog::new()).unwrap_err();
    assert!(
        matches!(err, IngestError::MissingColumn { ref column, .. } if column == "APL"),
        "{err}"
    );
    // CODE_PROGRAMME is informational and may be absent
    let header = HH_HEADER.replace(";CODE_PROGRAMME", "");
    let p = write(dir.path(), "menages2.csv", format!("{header}\n").as_bytes());
    let (h, s) =
        read_households(&input(p), &KeyTable::default(), &[], &mut RejectLog::new()).unwrap();
    assert!(h.is_empty() && s.read == 0);
}

#[test]
fn occupants_fill_the_summary() {
    let r = run(
        &file(
            HH_HEADER,
            &["LOG01;1;;4;40;;;", "LOG02;2;;;;;;", "LOG04;1;;1;30;;;"],
        ),
        Some(&file(
            OCC_HEADER,
            &[
                "LOG01;1;40;1;1",
                "LOG01;2;38;2;3",
                "LOG01;3;10;3;",
                "LOG01;4;19;3;9",
                "LOG01;04;20;3;1",
                "LOG02;1;50;1;1",
                "LOG03;1;50;1;1",
                "NOWHERE;1;50;1;1",
                "LOG01;5;121;4;1",
                "LOG01;6;30;6;1",
                "LOG01;7;30;4;7",
                "LOG01;100;30;4;1",
                "LOG01;8;80;5;5",
                "LOG01;9;17;3;6",
                "LOG04;1;30;1;2",
                ";1;30;1;2",
            ],
        )),
    );
    let s = r.occ_stats.unwrap();
    assert_eq!((s.read, s.accepted, s.rejected), (16, 7, 9));
    // LOG01 had occupant rows rejected for their values: its 6 accepted occupants are left
    // out rather than published as a household one person short (issue 14)
    assert_eq!(r.households[0].occupants, OccupantSummary::default());
    assert_eq!(r.households[1].occupants, OccupantSummary::default());
    assert_eq!(
        r.households[2].occupants.adult_employment,
        [0, 1, 0, 0, 0, 0]
    );

    let rej: Vec<_> = r
        .rejects
        .rejects()
        .iter()
        .filter(|x| x.file == "occupants.csv")
        .collect();
    let cols: Vec<(&str, &str)> = rej
        .iter()
        .map(|x| (x.column.as_str(), x.value.as_str()))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("NUM_OCCUPANT", "04"),
            ("IDENT_REP", MASKED),
            ("IDENT_REP", MASKED),
            ("IDENT_REP", MASKED),
            ("AGE", "121"),
            ("LIEN_TITULAIRE", "6"),
            ("SITUATION_EMPLOI", "7"),
            ("NUM_OCCUPANT", "100"),
            ("IDENT_REP", MASKED),
        ]
    );
    assert!(rej[0]
        .reason
        .contains("en double dans ce ménage (même numéro déjà présent ligne 5)"));
    assert!(rej[1].reason.contains("n'a pas répondu"));
    assert!(rej[2].reason.contains("aucun ménage accepté"));
    assert!(rej[3].reason.starts_with("logement introuvable"));
    assert!(rej[4].reason.starts_with("âge : entier de 0 à 120"));
    assert!(rej[5]
        .reason
        .starts_with("lien avec le titulaire du bail : code inconnu"));
    assert!(rej[6]
        .reason
        .starts_with("situation d'emploi : code inconnu"));
    assert!(rej[7]
        .reason
        .starts_with("numéro d'occupant : entier de 0 à 99"));
}

#[test]
fn occupant_summary_counts_by_band_and_employment() {
    let mut s = OccupantSummary::default();
    add_occupant(&mut s, 17, Link::Child, Some(Employment::Student));
    add_occupant(&mut s, 18, Link::Child, Some(Employment::Student));
    add_occupant(&mut s, 75, Link::Holder, None);
    add_occupant(&mut s, 0, Link::Other, None);
    assert_eq!((s.persons, s.adults, s.minors, s.children), (4, 2, 2, 2));
    assert_eq!(s.age_bands, [2, 1, 0, 0, 0, 1]);
    assert_eq!(s.adult_employment, [0, 0, 0, 0, 0, 1]);
    assert_eq!(s.adult_employment_unknown, 1);
}

#[test]
fn ops_files_in_latin1_with_commas() {
    let dir = tempfile::tempdir().unwrap();
    let rp = rpls(dir.path());
    let content = b"IDENT_REP,REPONSE,DATE_EMMENAGEMENT,COMPOSITION,AGE_TITULAIRE,REVENUS_PCT_PLUS,APL,CODE_PROGRAMME\nLOG01,1,01/2021,2,44,30,1,R\xc9S-1\n";
    let p = write(dir.path(), "menages.csv", content);
    let (h, s) = read_households(&input(p), &rp.ids, &rp.dwellings, &mut RejectLog::new()).unwrap();
    assert_eq!(s.accepted, 1);
    assert!(
        s.format.contains("Windows-1252") && s.format.contains("« , »"),
        "{}",
        s.format
    );
    assert_eq!(h[0].composition, Some(Composition::SingleParent));
}

/// Regression (issue 14): a move-in date of 12/2099 was accepted, silently « not recent ».
/// The limit comes from the configuration's reference date, not from today's clock.
#[test]
fn a_move_in_date_after_the_reference_year_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let rp = rpls(dir.path());
    let content = file(
        HH_HEADER,
        &[
            "LOG01;1;12/2099;2;45;80;1;P001",
            "LOG02;1;12/2023;2;45;80;1;P001",
            "LOG03;1;01/2024;2;45;80;1;P001",
        ],
    );
    let hp = write(dir.path(), "menages.csv", content.as_bytes());
    let mut inp = input(hp);
    inp.latest_date = YearMonth::new(2023, 12);
    let mut rejects = RejectLog::new();
    let (_, s) = read_households(&inp, &rp.ids, &rp.dwellings, &mut rejects).unwrap();
    assert_eq!((s.accepted, s.rejected), (1, 2));
    for r in rejects.rejects() {
        assert_eq!(r.column, "DATE_EMMENAGEMENT");
        assert!(r.reason.contains("postérieure à 12/2023"), "{}", r.reason);
    }
    assert_eq!(rejects.rejects()[0].value, "12/2099");
}

/// Regression (issue 14): an occupant rejected for its age left its household published one
/// person short (mean occupants, ages, employment over an incomplete household). The
/// household is left out of the occupant indicators; a household whose occupant is rejected
/// for its identifier (not that household's row) and the others keep their summary.
#[test]
fn a_household_with_a_rejected_occupant_is_left_out_of_occupant_indicators() {
    let r = run(
        &file(HH_HEADER, &["LOG01;1;;4;40;;;", "LOG04;1;;1;30;;;"]),
        Some(&file(
            OCC_HEADER,
            &[
                "LOG01;1;40;1;1",
                "LOG01;2;150;2;1",
                "LOG01;3;10;3;",
                "LOG04;1;30;1;2",
                "LOG04;2;31;2;1",
                "LOG99;1;30;1;2",
            ],
        )),
    );
    let s = r.occ_stats.unwrap();
    assert_eq!((s.read, s.accepted, s.rejected), (6, 4, 2));
    assert_eq!(r.households[0].occupants, OccupantSummary::default());
    assert_eq!(r.households[1].occupants.persons, 2);
}

/// Two occupants « titulaire du bail » (co-holders) are both counted, the household once.
#[test]
fn co_holders_are_both_counted() {
    let r = run(
        &file(HH_HEADER, &["LOG01;1;;3;40;;;"]),
        Some(&file(OCC_HEADER, &["LOG01;1;40;1;1", "LOG01;2;38;1;1"])),
    );
    assert_eq!(r.occ_stats.unwrap().rejected, 0);
    assert_eq!(r.households.len(), 1);
    assert_eq!(r.households[0].occupants.persons, 2);
}

/// Regression (16th session): an occupant « titulaire du bail » aged 5 was accepted and
/// counted as a five-year-old person; the holder obeys the households file's range (16 to
/// 120), and the row is rejected on its age.
#[test]
fn a_holder_younger_than_sixteen_is_rejected() {
    let r = run(
        &file(HH_HEADER, &["LOG01;1;;4;40;;;", "LOG04;1;;1;30;;;"]),
        Some(&file(
            OCC_HEADER,
            &["LOG01;1;5;1;1", "LOG01;2;5;3;", "LOG04;1;16;1;2"],
        )),
    );
    let s = r.occ_stats.unwrap();
    assert_eq!((s.read, s.accepted, s.rejected), (3, 2, 1));
    let reject = &r.rejects.rejects()[0];
    assert_eq!((reject.line, reject.column.as_str()), (2, "AGE"));
    assert!(reject
        .reason
        .contains("titulaire du bail de moins de 16 ans"));
}
