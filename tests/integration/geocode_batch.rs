//! Batch geocoding (`geocode_file`) and parallel geocoding of an address book.

use std::path::{Path, PathBuf};

use opsgeo::geocode::batch::{geocode_file, geocode_file_with};
use opsgeo::geocode::{geocode_addresses, BanIndex, GeocodeError, GeocodeLevel};
use opsgeo::ingest::IngestError;
use opsgeo::model::{AddressBook, RawAddress};

use crate::support::{assert_ok, opsgeo, path_str};

const BAN: &str = "id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;x;y\n\
21231_0100_00009;9;;Rue Piron;21000;21231;Dijon;853904.46;6693151.39\n\
21231_0100_00009_bis;9;bis;Rue Piron;21000;21231;Dijon;853905.123;6693152.5\n\
21231_0200_00001;1;;Place Saint-Michel;21000;21231;Dijon;854432.64;6693228.62\n\
21166_0300_00001;1;;Rue de la Gare;21300;21166;Chenôve;850000;6690000\n";

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn batch_writes_one_row_per_input_row() {
    let dir = tempfile::tempdir().unwrap();
    let ban = write(dir.path(), "adresses-21.csv", BAN.as_bytes());
    // Windows-1252, comma-separated, columns in another order, LIEUDIT present, a label with
    // the delimiter of the output
    let input = write(
        dir.path(),
        "in.csv",
        b"DEPCOM,ref,NUMVOIE,INDREP,TYPVOIE,NOMVOIE,CODEPOSTAL,LIBCOM,LIEUDIT\n\
21231,a1,0009,9,R,PIRON,21000,DIJON CEDEX,\n\
21231,a2,9,B,99,RUE PIRON,,DIJON,\n\
21231,a3,9,T,R,PIRON,21000,DIJON,\n\
21231,a4,1,,PL,ST MICHEL,21000,DIJON,\n\
21231,a5,3,,R,PIRON,21000,DIJON,\n\
21231,a6,1,,R,DE LA GARE,21300,CHEN\xd4VE,Les Pr\xe9s\n\
21231,a1,0009,9,R,PIRON,21000,DIJON CEDEX,\n",
    );
    let out = dir.path().join("out.csv");
    let report = geocode_file(&[ban], &input, &out, "ref", None).unwrap();
    assert_eq!(report.rows, 7);
    assert_eq!(report.distinct_addresses, 6);
    assert_eq!(report.ban_addresses, 4);
    assert!(report.input.reconciles());
    assert!(
        report.input.format.contains("Windows-1252"),
        "{}",
        report.input.format
    );
    let count = |l| report.by_level[&l];
    assert_eq!(count(GeocodeLevel::Numero), 4);
    assert_eq!(count(GeocodeLevel::NumeroSansIndice), 1);
    assert_eq!(count(GeocodeLevel::Interpolation), 1);
    assert_eq!(count(GeocodeLevel::Commune), 1);
    assert_eq!(count(GeocodeLevel::NonTrouve), 0);
    assert_eq!(report.by_level.len(), GeocodeLevel::ALL.len());
    assert!(report.seconds >= report.ban_seconds);

    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            "id;x;y;niveau;score;score_suivant;ban_id;libelle",
            "a1;853904.46;6693151.39;numero;1.00;0.00;21231_0100_00009;9 Rue Piron 21000 Dijon",
            "a2;853905.12;6693152.50;numero;1.00;0.00;21231_0100_00009_bis;9 bis Rue Piron 21000 Dijon",
            "a3;853904.46;6693151.39;numero_sans_indice;0.90;0.00;21231_0100_00009;9 Rue Piron 21000 Dijon",
            "a4;854432.64;6693228.62;numero;1.00;0.00;21231_0200_00001;1 Place Saint-Michel 21000 Dijon",
            // number absent from the street: the nearest number of the same side (odd), the
            // street's id
            "a5;853904.46;6693151.39;interpolation;0.70;0.00;21231_0100;3 Rue Piron 21000 Dijon",
            // the street exists in another commune only: DEPCOM decides, not the postcode; the
            // commune's point (the address nearest to the mean of its addresses)
            "a6;853905.12;6693152.50;commune;0.00;0.00;;21000 Dijon",
            "a1;853904.46;6693151.39;numero;1.00;0.00;21231_0100_00009;9 Rue Piron 21000 Dijon",
        ]
    );
    assert!(!dir.path().join("out.csv.partiel").exists());
}

#[test]
fn batch_errors_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let ban = BanIndex::load(&[write(dir.path(), "b.csv", BAN.as_bytes())]).unwrap();
    let input = write(
        dir.path(),
        "in.csv",
        b"id;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;DEPCOM\n1;9;;R;PIRON;21000;21231\n",
    );
    let out = dir.path().join("out.csv");
    match geocode_file_with(&ban, &input, &out, "id", None) {
        Err(GeocodeError::Ingest(IngestError::MissingColumn { column, .. })) => {
            assert_eq!(column, "LIBCOM")
        }
        other => panic!("{other:?}"),
    }
    assert!(!out.exists());
    let input = write(
        dir.path(),
        "in2.csv",
        b"id;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;DEPCOM\n1;9;;R;PIRON;21000;DIJON;21231\n",
    );
    assert!(matches!(
        geocode_file_with(&ban, &input, &out, "IDENT", None),
        Err(GeocodeError::Ingest(IngestError::MissingColumn { .. }))
    ));
    assert!(!out.exists());
    // unwritable output: the system's error kept as the cause
    let bad = dir.path().join("no-such-dir").join("out.csv");
    match geocode_file_with(&ban, &input, &bad, "id", None) {
        Err(e @ GeocodeError::Write { .. }) => {
            let cause = std::error::Error::source(&e).expect("the system's error as the source");
            let io = cause
                .downcast_ref::<std::io::Error>()
                .expect("an io::Error");
            assert_eq!(io.kind(), std::io::ErrorKind::NotFound, "{io}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cli_corrections_win_by_key_and_by_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let ban = write(dir.path(), "adresses-21.csv", BAN.as_bytes());
    let input = write(
        dir.path(),
        "in.csv",
        b"id;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;DEPCOM\n\
r1;9;;R;PIRON;21000;DIJON;21231\n\
r2;0009;9;RUE;PIRON;21000;DIJON;21231\n\
r3;1;;PL;ST MICHEL;21000;DIJON;21231\n\
r4;1;;PL;ST MICHEL;21000;DIJON;21231\n",
    );
    let corrections = write(
        dir.path(),
        "corrections.csv",
        "cle_adresse;IDENT_REP;x;y;commentaire\n\
21231|9||RUE PIRON;;853900;6693150;cour intérieure\n\
;r4;854000;6693000;\n\
;r9;854000;6693000;\n"
            .as_bytes(),
    );
    let out = dir.path().join("out.csv");
    let o = opsgeo(&[
        "geocode",
        "--ban",
        path_str(&ban),
        "--input",
        path_str(&input),
        "--output",
        path_str(&out),
        "--id",
        "id",
        "--corrections",
        path_str(&corrections),
    ]);
    assert_ok(&o, "opsgeo geocode");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("1 correction(s) sans ligne correspondante"),
        "{stdout}"
    );
    assert!(stdout.contains("adresses/s"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        lines,
        vec![
            "r1;853900.00;6693150.00;correction;1.00;0.00;;cour intérieure",
            "r2;853900.00;6693150.00;correction;1.00;0.00;;cour intérieure",
            "r3;854432.64;6693228.62;numero;1.00;0.00;21231_0200_00001;1 Place Saint-Michel 21000 Dijon",
            "r4;854000.00;6693000.00;correction;1.00;0.00;;",
        ]
    );
}

fn book() -> AddressBook {
    let mut book = AddressBook::default();
    for i in 0..2000u32 {
        book.intern(RawAddress {
            depcom: if i % 7 == 0 {
                "21166".into()
            } else if i % 11 == 0 {
                "21999".into()
            } else {
                "21231".into()
            },
            postcode: String::new(),
            commune_name: String::new(),
            number: (i % 13).to_string(),
            index: ["", "B", "T", "Q"][(i % 4) as usize].into(),
            street_type: ["R", "PL", "", "AV"][(i % 3) as usize].into(),
            street_name: ["PIRON", "ST MICHEL", "RUE DE LA GARE", "X"][(i / 3 % 4) as usize]
                .to_string()
                + &" ".repeat((i / 500) as usize),
            locality: i.to_string(),
        });
    }
    book
}

#[test]
fn parallel_geocoding_is_indexed_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let ban = BanIndex::load(&[write(dir.path(), "b.csv", BAN.as_bytes())]).unwrap();
    let book = book();
    let sequential: Vec<_> = book.addresses.iter().map(|a| ban.geocode(a)).collect();
    let parallel = geocode_addresses(&book, &ban);
    assert_eq!(parallel, sequential);
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| geocode_addresses(&book, &ban));
    assert_eq!(one_thread, sequential);
    assert!(sequential.iter().any(|r| r.level == GeocodeLevel::Numero));
    for level in [
        GeocodeLevel::Interpolation,
        GeocodeLevel::Commune,
        GeocodeLevel::NonTrouve,
    ] {
        assert!(sequential.iter().any(|r| r.level == level), "{level:?}");
    }
}
