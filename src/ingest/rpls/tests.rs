use super::test_support::{input, rpls_file, rpls_row, territory, write, RPLS_HEADER};
use super::validate::dpe_class;
use super::*;
use crate::ingest::rejects::MASKED;
use crate::model::{Coord, DpeClass, OccupancyMode};

fn read_bytes(content: &[u8]) -> (RplsData, RejectLog) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "rpls.csv", content);
    let mut rejects = RejectLog::new();
    let data = read_rpls(&input(path), &territory(), &mut rejects).expect("read");
    assert!(data.stats.reconciles(), "{:?}", data.stats);
    assert_eq!(data.stats.rejected as usize, rejects.len());
    assert_eq!(data.ids.len(), data.dwellings.len());
    (data, rejects)
}

fn read_rows(rows: &[String]) -> (RplsData, RejectLog) {
    read_bytes(rpls_file(rows).as_bytes())
}

#[test]
fn a_valid_row_is_fully_mapped() {
    let (d, r) = read_rows(&[rpls_row("0000000001", &[])]);
    assert!(r.is_empty(), "{:?}", r.rejects());
    assert_eq!(d.stats.read, 1);
    assert_eq!(d.stats.accepted, 1);
    let w = &d.dwellings[0];
    assert_eq!(w.commune, territory().commune("21231").unwrap());
    assert_eq!(w.rooms, 3);
    assert_eq!(w.surface, Some(65.5));
    assert_eq!(w.first_let_year, Some(1975));
    assert_eq!(w.finan, 13);
    assert_eq!(w.dpe_energy, Some(DpeClass::D));
    assert_eq!(w.mode, OccupancyMode::Let);
    assert_eq!(w.lease_start, YearMonth::new(2019, 9));
    assert_eq!(w.rent, Some(420.5));
    assert_eq!(w.rpls_qpv, Some(false));
    assert_eq!(w.rpls_qva, None);
    assert_eq!(w.rpls_xy, None);
    let a = d.addresses.get(w.address);
    assert_eq!(
        (
            a.depcom.as_str(),
            a.postcode.as_str(),
            a.commune_name.as_str()
        ),
        ("21231", "21000", "Dijon")
    );
    assert_eq!((a.number.as_str(), a.index.as_str()), ("12", ""));
    assert_eq!(
        (a.street_type.as_str(), a.street_name.as_str()),
        ("RUE", "DES GODRANS")
    );
    let s = &d.structure;
    assert_eq!(s.landlords[0].code, "210000001");
    assert_eq!(s.landlords[0].name, "OPH DIJON");
    assert_eq!(
        s.stairwells[w.stairwell as usize].code,
        "210000001-P001-A-1"
    );
    assert_eq!(
        s.programmes[s.programme_of(w.stairwell) as usize].code,
        "210000001-P001"
    );
    assert_eq!(d.ids.get("0000000001"), Some(0));
    assert!(d.stats.format.contains("UTF-8"), "{}", d.stats.format);
}

#[test]
fn each_rule_rejects_with_column_value_and_french_reason() {
    let cases: &[(&str, &str, &str)] = &[
        ("DEPCOM", "2123", "code INSEE invalide"),
        ("DEPCOM", "21001", "commune hors du territoire"),
        (
            "NBPIECE",
            "0",
            "nombre de pièces : entier de 1 à 20 attendu",
        ),
        ("NBPIECE", "21", "entier de 1 à 20"),
        ("NBPIECE", "3,5", "entier de 1 à 20"),
        ("NBPIECE", "", "entier de 1 à 20"),
        (
            "SURFHAB",
            "4,9",
            "surface habitable (m²) : nombre de 5 à 500",
        ),
        ("SURFHAB", "500.5", "nombre de 5 à 500"),
        ("SURFHAB", "abc", "nombre de 5 à 500"),
        (
            "LOCAT",
            "1799",
            "année de première mise en location : entier de 1800 à 2100",
        ),
        ("LOCAT", "75", "entier de 1800 à 2100"),
        ("FINAN", "18", "financement initial : code inconnu"),
        ("FINAN", "", "financement initial"),
        (
            "MODE",
            "7",
            "mode d'occupation : code inconnu (attendu : 1 à 6 ou 9)",
        ),
        (
            "DPEENERGIE",
            "H",
            "classe DPE énergie : lettre A à G attendue",
        ),
        ("BAIL", "13/2020", "date d'effet du bail : date attendue"),
        ("BAIL", "2020", "date d'effet du bail"),
        (
            "LOYERPRINC",
            "-5",
            "loyer principal : nombre positif ou nul",
        ),
        ("LOYERPRINC", "abc", "loyer principal"),
        (
            "QPV",
            "3",
            "indicateur QPV : 1 (en QPV), 2 (hors QPV) ou vide attendu",
        ),
        ("IMMEU", "", "code immeuble (programme) : valeur manquante"),
        ("IDENT_ORG", "", "code du bailleur : valeur manquante"),
    ];
    for &(col, bad, reason) in cases {
        let (d, r) = read_rows(&[rpls_row("0000000001", &[(col, bad)])]);
        assert_eq!(d.stats.rejected, 1, "{col}={bad} should be rejected");
        assert!(d.dwellings.is_empty() && d.ids.is_empty());
        let rej = &r.rejects()[0];
        assert_eq!(rej.file, "rpls.csv");
        assert_eq!(rej.line, 2);
        assert_eq!(rej.column, col, "{col}={bad}");
        // values without the shape of their column are never echoed (issue 14)
        if ["2123", "abc"].contains(&bad) {
            assert!(rej.value.starts_with("(valeur masquée"), "{col}={bad}");
        } else {
            assert_eq!(rej.value, bad, "{col}={bad}");
        }
        assert!(rej.reason.contains(reason), "{col}={bad}: {}", rej.reason);
    }
}

#[test]
fn only_the_first_error_of_a_row_is_reported() {
    let (_, r) = read_rows(&[rpls_row("1", &[("NBPIECE", "0"), ("MODE", "7")])]);
    assert_eq!(r.len(), 1);
    assert_eq!(r.rejects()[0].column, "NBPIECE");
}

#[test]
fn wrong_number_of_fields_is_a_whole_row_reject() {
    let short = rpls_row("1", &[]).rsplit_once(';').unwrap().0.to_string();
    let long = format!("{};extra", rpls_row("2", &[]));
    let (d, r) = read_rows(&[short, long, rpls_row("3", &[])]);
    assert_eq!(
        (d.stats.read, d.stats.accepted, d.stats.rejected),
        (3, 1, 2)
    );
    let rej = r.rejects();
    assert_eq!(
        rej[0].reason,
        "nombre de champs incorrect : 28 au lieu de 29"
    );
    assert_eq!(
        rej[1].reason,
        "nombre de champs incorrect : 30 au lieu de 29"
    );
    assert_eq!((rej[0].column.as_str(), rej[0].value.as_str()), ("", ""));
    assert_eq!((rej[0].line, rej[1].line), (2, 3));
}

#[test]
fn duplicate_and_missing_ids_are_rejected_and_masked() {
    let (d, r) = read_rows(&[
        rpls_row("SECRET0001", &[]),
        rpls_row("SECRET0002", &[("MODE", "8")]),
        rpls_row("SECRET0001", &[("NBPIECE", "4")]),
        rpls_row("SECRET0002", &[]),
        rpls_row("", &[]),
    ]);
    assert_eq!(
        (d.stats.read, d.stats.accepted, d.stats.rejected),
        (5, 1, 4)
    );
    assert_eq!(d.dwellings[0].rooms, 3, "the first occurrence is kept");
    let rej = r.rejects();
    assert_eq!(rej[1].line, 4);
    assert_eq!(rej[1].column, "IDENT_REP");
    assert_eq!(rej[1].value, MASKED);
    assert!(
        rej[1].reason.contains("en double (déjà présent ligne 2)"),
        "{}",
        rej[1].reason
    );
    assert!(
        rej[2].reason.contains("déjà présent ligne 3"),
        "a duplicate of a rejected row is still a duplicate: {}",
        rej[2].reason
    );
    assert_eq!(rej[3].value, MASKED);
    assert!(rej[3].reason.contains("manquant"));
}

#[test]
fn identifiers_never_reach_the_rejects() {
    let rows: Vec<String> = [
        ("ID-A-001", vec![]),
        ("ID-A-002", vec![("NBPIECE", "x")]),
        ("ID-A-001", vec![]),
        ("ID-A-003", vec![("DEPCOM", "99999")]),
    ]
    .iter()
    .map(|(id, o)| rpls_row(id, o))
    .collect();
    let (_, r) = read_rows(&rows);
    assert_eq!(r.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rejets.csv");
    r.write_csv(&out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("ID-A-"), "{text}");
    assert!(text.contains(MASKED));
}

#[test]
fn sentinels_mean_none() {
    let (d, r) = read_rows(&[
        rpls_row(
            "1",
            &[
                ("LOYERPRINC", "9999"),
                ("DPEDATE", "01/1900"),
                ("DPEENERGIE", "Z"),
            ],
        ),
        rpls_row(
            "2",
            &[("LOYERPRINC", "9999,00"), ("DPEENERGIE", ""), ("QPV", "1")],
        ),
        rpls_row(
            "3",
            &[
                ("LOYERPRINC", ""),
                ("QPV", ""),
                ("NUMVOIE", "0"),
                ("TYPVOIE", "99"),
                ("INDREP", "B"),
            ],
        ),
        rpls_row(
            "4",
            &[
                ("LOYERPRINC", "0"),
                ("DPEDATE", "01/01/1900"),
                ("DPEENERGIE", "B"),
                ("NUMVOIE", ""),
            ],
        ),
    ]);
    assert!(r.is_empty(), "{:?}", r.rejects());
    let w = &d.dwellings;
    assert_eq!((w[0].rent, w[0].dpe_energy), (None, None));
    assert_eq!(
        (w[1].rent, w[1].dpe_energy, w[1].rpls_qpv),
        (None, None, Some(true))
    );
    assert_eq!((w[2].rent, w[2].rpls_qpv), (None, None));
    assert_eq!((w[3].rent, w[3].dpe_energy), (Some(0.0), None));
    let a0 = d.addresses.get(w[0].address);
    assert_eq!((a0.number.as_str(), a0.index.as_str()), ("12", ""));
    let a2 = d.addresses.get(w[2].address);
    assert_eq!(
        (
            a2.number.as_str(),
            a2.index.as_str(),
            a2.street_type.as_str()
        ),
        ("", "B", "")
    );
    assert_eq!(d.addresses.get(w[3].address).number, "");
}

#[test]
fn latin1_accents_and_comma_delimiter_are_read() {
    let mut content =
        b"IDENT_REP,IDENT_ORG,RS,DEPCOM,LIBCOM,NUMVOIE,TYPVOIE,NOMVOIE,IMMEU,NBPIECE,FINAN,MODE\n"
            .to_vec();
    content.extend_from_slice(
        b"1,210000002,SOCI\xc9T\xc9 ANONYME,21166,CHEN\xd4VE,3,PL,DE L'\xc9GLISE,R\xc9S1,2,11,2\n",
    );
    let (d, r) = read_bytes(&content);
    assert!(r.is_empty(), "{:?}", r.rejects());
    assert!(
        d.stats.format.contains("Windows-1252"),
        "{}",
        d.stats.format
    );
    assert!(d.stats.format.contains("« , »"), "{}", d.stats.format);
    let w = &d.dwellings[0];
    let a = d.addresses.get(w.address);
    assert_eq!(a.commune_name, "CHENÔVE");
    assert_eq!(a.street_name, "DE L'ÉGLISE");
    assert_eq!(d.structure.landlords[0].name, "SOCIÉTÉ ANONYME");
    assert_eq!(d.structure.stairwells[0].code, "210000002-RÉS1-0-0");
    assert_eq!(w.mode, OccupancyMode::VacantOffered);
    assert_eq!(
        (w.surface, w.rent, w.rpls_qpv, w.dpe_energy),
        (None, None, None, None)
    );
}

#[test]
fn utf8_bom_header_is_recognised() {
    let content = format!(
        "\u{feff}{}",
        rpls_file(&[rpls_row("1", &[("NOMVOIE", "DES ÉCOLES")])])
    );
    let (d, r) = read_bytes(content.as_bytes());
    assert!(r.is_empty(), "{:?}", r.rejects());
    assert_eq!(d.addresses.get(0).street_name, "DES ÉCOLES");
    assert_eq!(d.ids.get("1"), Some(0));
}

#[test]
fn missing_required_column_stops_the_run() {
    for col in [
        "IDENT_REP",
        "IDENT_ORG",
        "DEPCOM",
        "NBPIECE",
        "FINAN",
        "MODE",
        "IMMEU",
        "NUMVOIE",
        "TYPVOIE",
        "NOMVOIE",
    ] {
        let header: Vec<&str> = RPLS_HEADER.iter().copied().filter(|h| *h != col).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "rpls.csv",
            format!("{}\n", header.join(";")).as_bytes(),
        );
        let err = read_rpls(&input(path), &territory(), &mut RejectLog::new()).unwrap_err();
        match err {
            IngestError::MissingColumn { column, .. } => assert_eq!(column, col),
            other => panic!("{col}: {other}"),
        }
    }
}

#[test]
fn configured_column_names_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let text = rpls_file(&[rpls_row("1", &[])]).replacen("FINAN", "FINAN_CODE", 1);
    let path = write(dir.path(), "rpls.csv", text.as_bytes());
    let mut inp: CsvInput<RplsColumns> = input(path);
    inp.columns.finan = "FINAN_CODE".into();
    let d = read_rpls(&inp, &territory(), &mut RejectLog::new()).unwrap();
    assert_eq!(d.dwellings[0].finan, 13);
}

#[test]
fn hierarchy_defaults_and_entrance_fallback() {
    let (d, _) = read_rows(&[
        rpls_row("1", &[("BAT", ""), ("ESC", ""), ("ENTREE", "")]),
        rpls_row("2", &[("ESC", ""), ("ENTREE", "E2")]),
        rpls_row(
            "3",
            &[
                ("IDENT_ORG", "210000009"),
                ("RS", "SA HLM"),
                ("PLG_QVA", "QVA21001"),
            ],
        ),
        rpls_row("4", &[("BAT", ""), ("ESC", ""), ("PLG_QVA", "QVA21001")]),
    ]);
    let s = &d.structure;
    let code = |i: usize| {
        s.stairwells[d.dwellings[i].stairwell as usize]
            .code
            .as_str()
    };
    assert_eq!(code(0), "210000001-P001-0-0");
    assert_eq!(code(1), "210000001-P001-A-E2");
    assert_eq!(code(2), "210000009-P001-A-1");
    assert_eq!(d.dwellings[3].stairwell, d.dwellings[0].stairwell);
    assert_eq!(s.landlords.len(), 2);
    assert_eq!((d.dwellings[2].landlord, d.dwellings[3].landlord), (1, 0));
    assert_eq!(s.programmes.len(), 2);
    assert_eq!(s.qva_codes, vec!["QVA21001"]);
    assert_eq!(
        (d.dwellings[2].rpls_qva, d.dwellings[3].rpls_qva),
        (Some(0), Some(0))
    );
    assert_eq!(d.addresses.len(), 1, "same address interned once");
}

#[test]
fn xy_usable_ignored_and_reprojected() {
    let (d, r) = read_rows(&[
        rpls_row("1", &[("X", "854000,5"), ("Y", "6690000")]),
        rpls_row("2", &[("X", "700000"), ("Y", "6600000")]),
        rpls_row("3", &[("X", "5.0415"), ("Y", "47.3220"), ("EPSG", "4326")]),
        rpls_row(
            "4",
            &[("X", "5.0415"), ("Y", "47.3220"), ("EPSG", "999999")],
        ),
        rpls_row("5", &[("X", "854000"), ("Y", "")]),
        rpls_row("6", &[("X", "NaN"), ("Y", "6690000")]),
        rpls_row("7", &[("X", "-3.0"), ("Y", "40.0"), ("EPSG", "4326")]),
        rpls_row("8", &[]),
    ]);
    assert!(
        r.is_empty(),
        "unusable X/Y is not a reject: {:?}",
        r.rejects()
    );
    assert_eq!(d.dwellings.len(), 8);
    assert_eq!((d.xy_used, d.xy_ignored), (2, 5));
    let w = &d.dwellings;
    assert_eq!(
        w[0].rpls_xy,
        Some(Coord {
            x: 854_000.5,
            y: 6_690_000.0
        })
    );
    let p = w[2].rpls_xy.expect("reprojected from EPSG:4326");
    // gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2154: 854184.55 6693290.46
    assert!(
        (p.x - 854_184.55).abs() < 1.0 && (p.y - 6_693_290.46).abs() < 1.0,
        "{p:?}"
    );
    for i in [1, 3, 4, 5, 6, 7] {
        assert_eq!(w[i].rpls_xy, None, "row {i}");
    }
}

#[test]
fn many_reprojected_points_go_through_batches() {
    let rows: Vec<String> = (0..5000)
        .map(|i| {
            let lon = format!("{:.4}", 5.0 + (i % 50) as f64 * 0.001);
            let lat = if i % 1000 == 7 {
                "91.5".to_string()
            } else {
                "47.3220".into()
            };
            rpls_row(
                &i.to_string(),
                &[("X", &lon), ("Y", &lat), ("EPSG", "EPSG:4326")],
            )
        })
        .collect();
    let (d, _) = read_rows(&rows);
    assert_eq!(d.dwellings.len(), 5000);
    assert_eq!((d.xy_used, d.xy_ignored), (4995, 5));
    assert!(d.dwellings[6].rpls_xy.is_some() && d.dwellings[7].rpls_xy.is_none());
}

#[test]
fn read_equals_accepted_plus_rejected_on_a_mix() {
    let mut rows = Vec::new();
    for i in 0..200 {
        let o: Vec<(&str, &str)> = match i % 7 {
            0 => vec![("NBPIECE", "99")],
            1 => vec![("DEPCOM", "75056")],
            2 => vec![("X", "1"), ("Y", "2")],
            _ => vec![],
        };
        rows.push(rpls_row(&format!("{:010}", i % 180), &o));
    }
    rows.push("1;2".into());
    let (d, r) = read_rows(&rows);
    assert_eq!(d.stats.read, 201);
    assert_eq!(d.stats.read, d.stats.accepted + d.stats.rejected);
    assert_eq!(r.len() as u64, d.stats.rejected);
    assert_eq!(d.dwellings.len() as u64, d.stats.accepted);
}

#[test]
fn dpe_letters_match_the_model() {
    for l in ["A", "b", "G", "g", "H", "", "AB", " A", "é"] {
        assert_eq!(
            dpe_class(l),
            DpeClass::from_letter(l).filter(|_| l.trim() == l),
            "{l:?}"
        );
    }
}

/// Reads `rows` with the date limit of a 2022 survey (latest month accepted: 12/2023).
fn read_rows_2022(rows: &[String]) -> (RplsData, RejectLog) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "rpls.csv", rpls_file(rows).as_bytes());
    let mut rejects = RejectLog::new();
    let mut inp = input(path);
    inp.latest_date = YearMonth::new(2023, 12);
    let data = read_rpls(&inp, &territory(), &mut rejects).expect("read");
    assert!(data.stats.reconciles(), "{:?}", data.stats);
    assert_eq!(data.stats.rejected as usize, rejects.len());
    (data, rejects)
}

/// Regression (issue 14): `LOYERPRINC = 1000000000000` was accepted and a regional mean rent
/// became 352 million €; `99999999999999999999` wrapped a sum.
#[test]
fn implausible_rents_are_rejected_not_published() {
    for (bad, reason) in [
        ("1000000000000", "loyer mensuel invraisemblable"),
        ("99999999999999999999", "loyer principal"),
        ("10000,01", "loyer mensuel invraisemblable"),
        ("5000", "par m²"),
    ] {
        let (d, r) = read_rows(&[rpls_row("0000000001", &[("LOYERPRINC", bad)])]);
        assert_eq!(d.stats.accepted, 0, "{bad}");
        let rej = &r.rejects()[0];
        assert_eq!(rej.column, "LOYERPRINC");
        assert!(rej.reason.contains(reason), "{bad}: {}", rej.reason);
        assert!(!rej.value.contains("00000"), "{bad}: {}", rej.value);
    }
    let (d, _) = read_rows(&[rpls_row("0000000001", &[("LOYERPRINC", "9999")])]);
    assert_eq!(d.dwellings[0].rent, None);
}

/// Regression (issue 14): a lease starting 01/2090 and a first letting in 2099 were accepted
/// (silently « not recent »). The limit comes from the reference date, not today's clock.
#[test]
fn dates_after_the_reference_year_are_rejected() {
    for (col, bad) in [("BAIL", "01/2090"), ("LOCAT", "2099"), ("BAIL", "01/2024")] {
        let (d, r) = read_rows_2022(&[rpls_row("0000000001", &[(col, bad)])]);
        assert_eq!(d.stats.rejected, 1, "{col}={bad}");
        assert_eq!(r.rejects()[0].column, col);
    }
    let (d, _) = read_rows_2022(&[rpls_row("0000000001", &[("BAIL", "12/2023")])]);
    assert_eq!(d.stats.accepted, 1);
}

/// Regression (issue 14): with `IDENT_REP` and `DEPCOM` swapped in the header, `rejets.csv`
/// held the real identifiers as « valeur ».
#[test]
fn swapped_identifier_and_commune_columns_echo_no_identifier() {
    let mut header: Vec<&str> = RPLS_HEADER.to_vec();
    header.swap(0, 3);
    let mut content = header.join(";");
    content.push('\n');
    let ids = ["Z689383813", "Z000000417", "A12345678B"];
    for id in ids {
        content.push_str(&rpls_row(id, &[]));
        content.push('\n');
    }
    let (d, r) = read_bytes(content.as_bytes());
    assert_eq!(d.stats.rejected, 3);
    let mut out = Vec::new();
    for rej in r.rejects() {
        out.push(format!("{rej:?}"));
    }
    let text = out.join("\n");
    for id in ids {
        assert!(!text.contains(id), "{id} echoed: {text}");
    }
}

/// Regression (issue 14): a NUL byte in a street name was accepted, then killed the
/// GeoPackage writing (« FfiNulError »), no file or line named.
#[test]
fn a_nul_byte_rejects_its_row_at_reading() {
    let rows = [
        rpls_row("0000000001", &[("NOMVOIE", "DES\0GODRANS")]),
        rpls_row("0000000002", &[]),
    ];
    let (d, r) = read_rows(&rows);
    assert_eq!((d.stats.accepted, d.stats.rejected), (1, 1));
    assert_eq!(r.rejects()[0].line, 2);
    assert_eq!(r.rejects()[0].column, "NOMVOIE");
    assert!(r.rejects()[0].reason.contains("octet nul"));
}

/// Regression (issue 14): a UTF-8 file with one stray byte was decoded as Windows-1252
/// throughout and « MÃ©diterranÃ©e » was published.
#[test]
fn one_stray_byte_does_not_turn_a_utf8_file_into_latin1() {
    let mut content = rpls_file(&[
        rpls_row("0000000001", &[("NOMVOIE", "DE LA MÉDITERRANÉE")]),
        rpls_row("0000000002", &[("NOMVOIE", "DES ÉCOLES")]),
    ])
    .into_bytes();
    content.extend_from_slice(rpls_row("0000000003", &[("NOMVOIE", "X")]).as_bytes());
    let x = content.len() - rpls_row("0000000003", &[("NOMVOIE", "X")]).len()
        + rpls_row("0000000003", &[("NOMVOIE", "X")])
            .find(";X;")
            .unwrap()
        + 1;
    content[x] = 0xE9;
    content.push(b'\n');
    let (d, r) = read_bytes(&content);
    assert!(d.stats.format.contains("UTF-8"), "{}", d.stats.format);
    assert_eq!((d.stats.accepted, d.stats.rejected), (2, 1));
    assert_eq!(r.rejects()[0].line, 4);
    assert!(r.rejects()[0].reason.contains("UTF-8"));
    let names: Vec<String> = (0..d.addresses.len())
        .map(|i| d.addresses.get(i as u32).street_name.to_string())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("MÉDITERRANÉE")),
        "{names:?}"
    );
}

/// Regression (issue 14): `DPEENERGIE = NC` (« non concerné », a legitimate RPLS value)
/// rejected the dwelling; it now counts « sans DPE », like an empty class. Any other word is
/// still rejected.
#[test]
fn dpe_not_concerned_counts_as_no_dpe() {
    let rows: Vec<String> = ["NC", "nc", "N.C.", "n/c", "Non concerné"]
        .iter()
        .enumerate()
        .map(|(i, v)| rpls_row(&format!("{}", i + 1), &[("DPEENERGIE", v)]))
        .chain([rpls_row("9", &[("DPEENERGIE", "NCX")])])
        .collect();
    let (d, r) = read_rows(&rows);
    assert_eq!(d.dwellings.len(), 5, "{:?}", r.rejects());
    assert!(d.dwellings.iter().all(|w| w.dpe_energy.is_none()));
    assert_eq!(r.rejects().len(), 1);
    assert_eq!(r.rejects()[0].column, "DPEENERGIE");
}
