use super::*;

fn raw(depcom: &str, number: &str, index: &str, ty: &str, name: &str) -> RawAddress {
    RawAddress {
        depcom: depcom.into(),
        postcode: "21000".into(),
        commune_name: "DIJON".into(),
        number: number.into(),
        index: index.into(),
        street_type: ty.into(),
        street_name: name.into(),
        locality: String::new(),
    }
}

fn load(text: &str) -> Result<Corrections, GeocodeError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("corrections.csv");
    std::fs::write(&p, text).unwrap();
    Corrections::load(&p)
}

#[test]
fn address_key_is_normalised() {
    let k = address_key(&raw("21231", "0012", "B", "R", "DE LA PREFECTURE"));
    assert_eq!(k, "21231|12|BIS|RUE PREFECTURE");
    assert_eq!(
        address_key(&raw("21231", "12", "bis", "", "Rue de la Préfecture")),
        k
    );
    assert_eq!(
        address_key(&raw("21231", "", "", "", "12B RUE DE LA PREFECTURE")),
        k
    );
    assert_eq!(
        address_key(&raw("21231", "12", "9", "99", "RUE PIRON")),
        "21231|12||RUE PIRON"
    );
    let mut ld = raw("21231", "3", "", "", "");
    ld.locality = "Les Prés".into();
    assert_eq!(address_key(&ld), "21231|3||PRES");
}

#[test]
fn csv_by_key_and_by_identifier() {
    let c = load("cle_adresse;IDENT_REP;x;y;commentaire\n21231|12|BIS|RUE PREFECTURE;;854000,5;6693000;porche\n;A1;854001;6693001;\n").unwrap();
    assert_eq!((c.keys(), c.idents()), (1, 1));
    let k = c.for_key("21231|12|BIS|RUE PREFECTURE").unwrap();
    assert_eq!(
        k.point,
        Coord {
            x: 854000.5,
            y: 6693000.0
        }
    );
    assert_eq!(k.comment, "porche");
    let r = k.result();
    assert_eq!(
        (r.level, r.score, r.label.as_str()),
        (GeocodeLevel::Correction, 1.0, "porche")
    );
    assert!(c.for_ident("A1").is_some());
    // key-only and identifier-only files
    assert_eq!(
        load("cle_adresse,x,y\nk,854000,6693000\n").unwrap().keys(),
        1
    );
    assert_eq!(
        load("IDENT_REP;x;y\nA;854000;6693000\n").unwrap().idents(),
        1
    );
}

#[test]
fn csv_errors_name_line_and_column_never_the_identifier() {
    let err = |text: &str| load(text).unwrap_err().to_string();
    let e = err("x;y\n1;2\n");
    assert!(e.contains("cle_adresse") && e.contains("IDENT_REP"), "{e}");
    let e = err("IDENT_REP;x;y\nSECRET1;abc;6693000\n");
    assert!(
        e.contains("ligne 2, colonne x") && !e.contains("SECRET1"),
        "{e}"
    );
    let e = err("IDENT_REP;x;y\nSECRET1;854000;6693000\nSECRET1;854000;6693000\n");
    assert!(
        e.contains("ligne 3") && e.contains("ligne 2") && !e.contains("SECRET1"),
        "{e}"
    );
    let e = err("cle_adresse;IDENT_REP;x;y\nk;SECRET1;854000;6693000\n");
    assert!(
        e.contains("exactement une") && !e.contains("SECRET1"),
        "{e}"
    );
    let e = err("cle_adresse;IDENT_REP;x;y\n;;854000;6693000\n");
    assert!(e.contains("exactement une"), "{e}");
    // Regression: a comment holding the separator (7 fields for 5 columns) was accepted
    let e = err("cle_adresse;x;y;commentaire\nk;854000;6693000;vu; porte B; cour\n");
    assert!(
        e.contains("nombre de champs incorrect : 6 au lieu de 4"),
        "{e}"
    );
    let e = err("cle_adresse;x;y\nk;854000;6693000\nk;854001;6693000\n");
    assert!(e.contains("déjà corrigée ligne 2"), "{e}");
    // longitude/latitude, swapped x/y
    let e = err("cle_adresse;x;y\nk;5.04;47.32\n");
    assert!(e.contains("colonne x") && e.contains("Lambert-93"), "{e}");
    let e = err("cle_adresse;x;y\nk;6693000;854000\n");
    assert!(e.contains("colonne x") && e.contains("inversés"), "{e}");
}

#[test]
fn apply_replaces_answers_and_counts_unused_keys() {
    let c = load(
        "cle_adresse;x;y\n21231|9||RUE PIRON;854000;6693000\n21231|1||RUE NULLE;854000;6693000\n",
    )
    .unwrap();
    let mut book = AddressBook::default();
    book.intern(raw("21231", "9", "", "R", "PIRON"));
    book.intern(raw("21231", "10", "", "R", "PIRON"));
    let mut results = vec![GeocodeResult::not_found(), GeocodeResult::not_found()];
    let (replaced, unused) = c.apply(&book, &mut results);
    // the line of the key that matched no address, for its reject
    assert_eq!(unused, vec![3]);
    assert_eq!(replaced, vec![(0, GeocodeResult::not_found())]);
    assert_eq!(results[0].level, GeocodeLevel::Correction);
    assert_eq!(results[1].level, GeocodeLevel::NonTrouve);
}

#[test]
fn identifiers_are_resolved_then_forgotten() {
    let mut c =
        load("IDENT_REP;x;y\nB;854000;6693000\nA;854001;6693000\nZ;854002;6693000\n").unwrap();
    let (resolved, unused) = c.resolve_idents(|id| match id {
        "A" => Some(3),
        "B" => Some(1),
        _ => None,
    });
    // the line of the identifier that matched no dwelling, for its reject
    assert_eq!(unused, vec![4]);
    assert_eq!(
        resolved.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert_eq!(c.idents(), 0);
}

/// Regression: a corrected point outside every commune (a coordinate typed with a digit
/// missing) was accepted; its dwellings were published « hors de toute commune ».
#[test]
fn a_corrected_point_outside_every_commune_is_an_error_naming_its_line() {
    use geo::wkt;
    let commune = crate::ingest::zones::Zone {
        code: "21231".into(),
        name: "Dijon".into(),
        commune: String::new(),
        geometry: geo::MultiPolygon::new(vec![
            wkt!(POLYGON((850000. 6690000., 860000. 6690000., 860000. 6700000., 850000. 6690000.))),
        ]),
    };
    let inside = load("cle_adresse;x;y\nk;859000;6691000\n").unwrap();
    assert!(inside.check_in(std::slice::from_ref(&commune)).is_ok());
    let c = load("cle_adresse;x;y\nk;859000;6691000\nj;85900;6691000\n").unwrap();
    let e = c
        .check_in(std::slice::from_ref(&commune))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ligne 3") && e.contains("hors de toute commune"),
        "{e}"
    );
    assert!(Corrections::default().check_in(&[]).is_ok());
}
