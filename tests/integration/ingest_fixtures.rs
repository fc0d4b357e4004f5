//! End-to-end ingest of a small RPLS + OPS set: Latin-1 RPLS with `;`, UTF-8 (BOM) OPS with
//! `,`, every row counted, and no identifier in `rejets.csv`.

use opsgeo::ingest::ops::{read_households, read_occupants};
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::rpls::read_rpls;
use opsgeo::model::{Composition, OccupancyMode};

use crate::support::ingest::{input, territory};
use crate::support::root;

/// Latin-1 RPLS extract. Identifiers all start with `RPX` so that leaks are easy to spot.
fn rpls_latin1() -> Vec<u8> {
    let rows = [
        "IDENT_REP;IDENT_ORG;RS;DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;LIEUDIT;IMMEU;BAT;ESC;ENTREE;NBPIECE;SURFHAB;LOCAT;FINAN;DPEDATE;DPEENERGIE;MODE;BAIL;LOYERPRINC;QPV;X;Y;EPSG;PLG_QVA",
        "RPX0000001;210001;OPH GRAND DIJON HABITAT;21231;21000;DIJON;0012;9;BD;DE LA TR\u{c9}MOUILLE;;P0001;A;1;;3;64,20;1972;12;03/2016;D;1;09/2020;398,12;1;;;;",
        "RPX0000002;210001;OPH GRAND DIJON HABITAT;21231;21000;DIJON;0012;9;BD;DE LA TR\u{c9}MOUILLE;;P0001;A;1;;4;78,00;1972;12;03/2016;D;1;01/2015;455,00;1;854184.5;6693290.5;2154;",
        "RPX0000003;210001;OPH GRAND DIJON HABITAT;21231;21000;DIJON;0012;9;BD;DE LA TR\u{c9}MOUILLE;;P0001;A;2;;2;45,10;1972;12;01/1900;;2;;9999;1;;;;",
        "RPX0000004;210002;SA D'HLM ORVITIS;21166;21300;CHEN\u{d4}VE;0003;B;RUE;DU G\u{c9}N\u{c9}RAL DE GAULLE;;R12;;;E1;5;92;2005;13;06/2019;C;1;05/2021;610;2;5.0415;47.3220;4326;QVA21166A",
        "RPX0000005;210002;SA D'HLM ORVITIS;21166;21300;CHEN\u{d4}VE;0003;B;RUE;DU G\u{c9}N\u{c9}RAL DE GAULLE;;R12;;;E1;1;28;2005;11;06/2019;C;3;;9999;2;;;;QVA21166A",
        "RPX0000006;210002;SA D'HLM ORVITIS;21166;21300;CHEN\u{d4}VE;0003;B;RUE;DU G\u{c9}N\u{c9}RAL DE GAULLE;;R12;;;E1;25;28;2005;11;06/2019;C;1;;500;2;;;;",
        "RPX0000007;210002;SA D'HLM ORVITIS;21054;21000;BEAUNE;1;;RUE;X;;R99;;;;2;40;2005;11;;;1;;500;2;;;;",
        "RPX0000004;210002;SA D'HLM ORVITIS;21166;21300;CHEN\u{d4}VE;0003;B;RUE;DU G\u{c9}N\u{c9}RAL DE GAULLE;;R12;;;E1;5;92;2005;13;06/2019;C;1;05/2021;610;2;;;;",
    ];
    let text = rows.join("\r\n") + "\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn small_set_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let rp_path = dir.path().join("rpls_2022_21.csv");
    std::fs::write(&rp_path, rpls_latin1()).unwrap();
    let hh_path = dir.path().join("ops_menages.csv");
    std::fs::write(
        &hh_path,
        "\u{feff}IDENT_REP,REPONSE,DATE_EMMENAGEMENT,COMPOSITION,AGE_TITULAIRE,REVENUS_PCT_PLUS,APL,CODE_PROGRAMME\n\
         RPX0000001,1,09/2020,2,34,38,1,P0001\n\
         RPX0000002,2,,,,,,P0001\n\
         RPX0000003,1,01/2021,1,70,55,2,P0001\n\
         RPX0000004,1,15/05/2021,4,41,120,2,R12\n\
         RPX0000006,1,,,,,,R12\n\
         RPX0000001,1,09/2020,2,34,38,1,P0001\n",
    )
    .unwrap();
    let occ_path = dir.path().join("ops_occupants.csv");
    std::fs::write(
        &occ_path,
        "IDENT_REP,NUM_OCCUPANT,AGE,LIEN_TITULAIRE,SITUATION_EMPLOI\n\
         RPX0000001,1,34,1,2\n\
         RPX0000001,2,8,3,\n\
         RPX0000002,1,50,1,1\n\
         RPX0000004,1,41,1,1\n\
         RPX0000004,2,40,2,4\n\
         RPX0000004,3,17,3,6\n\
         RPX0000004,4,12,3,\n\
         RPX0000009,1,30,1,1\n",
    )
    .unwrap();

    let t = territory();
    let mut rejects = RejectLog::new();
    let rp = read_rpls(&input(rp_path), &t, &mut rejects).unwrap();
    assert!(
        rp.stats.format.starts_with("Windows-1252"),
        "{}",
        rp.stats.format
    );
    assert_eq!(
        (rp.stats.read, rp.stats.accepted, rp.stats.rejected),
        (8, 5, 3)
    );
    assert_eq!((rp.xy_used, rp.xy_ignored), (2, 0));
    assert_eq!(rp.structure.landlords.len(), 2);
    assert_eq!(rp.structure.programmes.len(), 2);
    assert_eq!(rp.structure.stairwells.len(), 3);
    assert_eq!(rp.addresses.len(), 2);
    let a = rp.addresses.get(rp.dwellings[3].address);
    assert_eq!(
        (
            a.commune_name.as_str(),
            a.number.as_str(),
            a.index.as_str(),
            a.street_name.as_str()
        ),
        ("CHENÔVE", "3", "B", "DU GÉNÉRAL DE GAULLE")
    );
    assert_eq!(rp.dwellings[4].mode, OccupancyMode::Empty);
    assert_eq!(rp.structure.qva_codes, vec!["QVA21166A"]);

    let (mut hh, hh_stats) =
        read_households(&input(hh_path), &rp.ids, &rp.dwellings, &mut rejects).unwrap();
    assert!(hh_stats.format.starts_with("UTF-8"), "{}", hh_stats.format);
    // RPX0000003 is vacant, RPX0000006 was rejected by RPLS, RPX0000001 appears twice
    assert_eq!(
        (hh_stats.read, hh_stats.accepted, hh_stats.rejected),
        (6, 3, 3)
    );
    assert_eq!(hh[2].composition, Some(Composition::CoupleWithChildren));

    let occ = read_occupants(&input(occ_path), &rp.ids, &mut hh, &mut rejects).unwrap();
    assert_eq!((occ.read, occ.accepted, occ.rejected), (8, 6, 2));
    assert_eq!(hh[0].occupants.persons, 2);
    let o = &hh[2].occupants;
    assert_eq!((o.persons, o.adults, o.minors, o.children), (4, 2, 2, 2));

    for s in [&rp.stats, &hh_stats, &occ] {
        assert!(s.reconciles(), "{s:?}");
    }
    assert_eq!(
        rejects.len() as u64,
        rp.stats.rejected + hh_stats.rejected + occ.rejected
    );
    let out = dir.path().join("rejets.csv");
    rejects.write_csv(&out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        !text.contains("RPX"),
        "identifier leaked into rejets.csv:\n{text}"
    );
    assert!(
        text.contains("rpls_2022_21.csv;8;DEPCOM;21054;code commune : commune hors du territoire"),
        "{text}"
    );
    assert!(text.contains("rpls_2022_21.csv;9;IDENT_REP;(identifiant masqué);identifiant du logement en double (déjà présent ligne 5)"), "{text}");
}

/// The fenced blocks of `docs/format_ops.md` with the given info string, in order.
fn doc_blocks(lang: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/format_ops.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_end()) {
            (None, l) if l == format!("```{lang}") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn the_examples_of_the_ops_documentation_hold() {
    let csv = doc_blocks("csv");
    assert_eq!(csv.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let mut rpls = String::from(
        "IDENT_REP;IDENT_ORG;DEPCOM;NUMVOIE;TYPVOIE;NOMVOIE;IMMEU;NBPIECE;FINAN;MODE\n",
    );
    for id in 2100012345u64..=2100012348 {
        rpls.push_str(&format!("{id};210001;21231;1;RUE;DES GODRANS;P1;3;13;1\n"));
    }
    let rp_path = dir.path().join("rpls.csv");
    std::fs::write(&rp_path, rpls).unwrap();
    let hh_path = dir.path().join("menages.csv");
    std::fs::write(&hh_path, &csv[0]).unwrap();
    let occ_path = dir.path().join("occupants.csv");
    std::fs::write(&occ_path, &csv[1]).unwrap();

    let mut rejects = RejectLog::new();
    let rp = read_rpls(&input(rp_path), &territory(), &mut rejects).unwrap();
    let (mut hh, s) =
        read_households(&input(hh_path), &rp.ids, &rp.dwellings, &mut rejects).unwrap();
    assert_eq!((s.read, s.accepted), (4, 4));
    assert!(!hh[1].responded);
    assert_eq!(
        (hh[3].move_in, hh[3].income_pct, hh[3].apl),
        (None, None, None)
    );
    let o = read_occupants(&input(occ_path), &rp.ids, &mut hh, &mut rejects).unwrap();
    assert_eq!((o.read, o.accepted), (6, 6));
    assert!(rejects.is_empty(), "{:?}", rejects.rejects());
    let s = &hh[2].occupants;
    assert_eq!((s.persons, s.adults, s.minors, s.children), (4, 2, 2, 2));
    assert_eq!(s.adult_employment, [1, 0, 0, 1, 0, 0]);

    // the configuration example only uses known keys
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Ops {
        ops_households: opsgeo::config::CsvInput<opsgeo::config::HouseholdColumns>,
        ops_occupants: opsgeo::config::CsvInput<opsgeo::config::OccupantColumns>,
    }
    let toml_blocks = doc_blocks("toml");
    assert_eq!(toml_blocks.len(), 1);
    let ops: Ops = toml::from_str(&toml_blocks[0]).expect("documented configuration parses");
    assert_eq!(ops.ops_households.columns.income_pct, "PCT_PLAFOND");
    assert_eq!(
        ops.ops_occupants.columns.age, "AGE",
        "unset keys keep their default"
    );
}
