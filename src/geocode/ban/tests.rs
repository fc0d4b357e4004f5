use std::io::Write;
use std::path::PathBuf;

use super::*;
use crate::geocode::GeocodeLevel;
use crate::ingest::IngestError;

const HEADER: &str = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles";

/// A BAN row with the given fields (others empty).
#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    numero: &str,
    rep: &str,
    nom_voie: &str,
    code_postal: &str,
    code_insee: &str,
    nom_commune: &str,
    ancienne: &str,
    x: &str,
    y: &str,
    alias: &str,
    afnor: &str,
) -> String {
    let (x, y) = (shifted(x, ORIGIN.0), shifted(y, ORIGIN.1));
    format!("{id};;{numero};{rep};{nom_voie};{code_postal};{code_insee};{nom_commune};{ancienne};;{x};{y};;;entrée;{alias};;;{afnor};;;;")
}

/// Where the tests' coordinates start from: the small numbers of the tests are metres from
/// this Lambert-93 point (addresses outside the Lambert-93 domain are rejected).
const ORIGIN: (f64, f64) = (800_000.0, 6_600_000.0);

/// A test coordinate moved by `origin` (comma or point as written); anything not a number is
/// kept as written (the rejects are tested with it).
fn shifted(v: &str, origin: f64) -> String {
    match v.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() && !v.trim().is_empty() => {
            let s = format!("{}", n + origin);
            if v.contains(',') {
                s.replace('.', ",")
            } else {
                s
            }
        }
        _ => v.to_string(),
    }
}

fn simple(id: &str, numero: &str, rep: &str, voie: &str, insee: &str, x: f64, y: f64) -> String {
    let commune = if insee == "21231" { "Dijon" } else { "Autre" };
    row(
        id,
        numero,
        rep,
        voie,
        "21000",
        insee,
        commune,
        "",
        &format!("{x:.2}"),
        &format!("{y:.2}"),
        "",
        "",
    )
}

fn write_ban(dir: &std::path::Path, name: &str, rows: &[String]) -> PathBuf {
    let p = dir.join(name);
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    if name.ends_with(".gz") {
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&p).unwrap(),
            flate2::Compression::fast(),
        );
        gz.write_all(s.as_bytes()).unwrap();
        gz.finish().unwrap();
    } else {
        std::fs::write(&p, s).unwrap();
    }
    p
}

fn addr(depcom: &str, number: &str, index: &str, ty: &str, name: &str) -> RawAddress {
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

fn piron() -> (tempfile::TempDir, BanIndex) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            simple(
                "21231_0100_00009",
                "9",
                "",
                "Rue Piron",
                "21231",
                1000.0,
                2000.0,
            ),
            simple(
                "21231_0100_00009_bis",
                "9",
                "bis",
                "Rue Piron",
                "21231",
                1001.0,
                2000.0,
            ),
            simple(
                "21231_0100_00009_ter",
                "9",
                "ter",
                "Rue Piron",
                "21231",
                1002.0,
                2000.0,
            ),
            simple(
                "21231_0100_00012",
                "12",
                "",
                "Rue Piron",
                "21231",
                1010.0,
                2010.0,
            ),
            simple(
                "21231_0100_00014_b",
                "14",
                "b",
                "Rue Piron",
                "21231",
                1020.0,
                2020.0,
            ),
            simple(
                "21231_0100_00016_a",
                "16",
                "a",
                "Rue Piron",
                "21231",
                1030.0,
                2030.0,
            ),
            // same street, another id prefix
            simple(
                "21231_0101_00020",
                "20",
                "",
                "rue PIRON",
                "21231",
                1040.0,
                2040.0,
            ),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    (dir, ban)
}

fn point(r: &GeocodeResult) -> (f64, f64) {
    let p = r.point.expect("a point");
    (p.x - ORIGIN.0, p.y - ORIGIN.1)
}

#[test]
fn number_and_index_exact() {
    let (_d, ban) = piron();
    assert_eq!(ban.addresses, 7);
    assert_eq!(ban.streets(), 1);
    let r = ban.geocode(&addr("21231", "20", "", "R", "PIRON"));
    assert_eq!(r.ban_id.as_deref(), Some("21231_0101_00020"));
    assert_eq!(r.label, "20 Rue Piron 21000 Dijon");
    let r = ban.geocode(&addr("21231", "9", "", "R", "PIRON"));
    assert_eq!(r.level, GeocodeLevel::Numero);
    assert_eq!(r.score, 1.0);
    assert_eq!(r.runner_up, 0.0);
    assert_eq!(point(&r), (1000.0, 2000.0));
    assert_eq!(r.ban_id.as_deref(), Some("21231_0100_00009"));
    assert_eq!(r.label, "9 Rue Piron 21000 Dijon");

    for (index, x) in [
        ("B", 1001.0),
        ("BIS", 1001.0),
        ("T", 1002.0),
        ("ter", 1002.0),
    ] {
        let r = ban.geocode(&addr("21231", "0009", index, "RUE", "PIRON"));
        assert_eq!(r.level, GeocodeLevel::Numero, "{index}");
        assert_eq!(point(&r).0, x, "{index}");
    }
    let r = ban.geocode(&addr("21231", "9", "T", "", "RUE PIRON"));
    assert_eq!(r.ban_id.as_deref(), Some("21231_0100_00009_ter"));
    assert_eq!(r.label, "9 ter Rue Piron 21000 Dijon");
    // a BAN letter index "b" is the RPLS "B"
    let r = ban.geocode(&addr("21231", "14", "B", "R", "PIRON"));
    assert_eq!((r.level, point(&r).0), (GeocodeLevel::Numero, 1020.0));
    assert_eq!(r.ban_id.as_deref(), Some("21231_0100_00014_b"));
    // index carried by the number
    let r = ban.geocode(&addr("21231", "9B", "", "R", "PIRON"));
    assert_eq!((r.level, point(&r).0), (GeocodeLevel::Numero, 1001.0));
    // INDREP sentinel 9
    let r = ban.geocode(&addr("21231", "9", "9", "R", "PIRON"));
    assert_eq!((r.level, point(&r).0), (GeocodeLevel::Numero, 1000.0));
}

#[test]
fn number_without_index() {
    let (_d, ban) = piron();
    // 9 quater: 9 exists without index
    let r = ban.geocode(&addr("21231", "9", "Q", "R", "PIRON"));
    assert_eq!(r.level, GeocodeLevel::NumeroSansIndice);
    assert_eq!(r.score, 0.9);
    assert_eq!(point(&r).0, 1000.0);
    let r = ban.geocode(&addr("21231", "12", "B", "R", "PIRON"));
    assert_eq!(
        (r.level, point(&r).0),
        (GeocodeLevel::NumeroSansIndice, 1010.0)
    );
    // only 16 a exists: another index of the same number, lower score
    let r = ban.geocode(&addr("21231", "16", "B", "R", "PIRON"));
    assert_eq!((r.level, r.score), (GeocodeLevel::NumeroSansIndice, 0.85));
    assert_eq!(point(&r).0, 1030.0);
}

#[test]
fn not_found_cases() {
    let (_d, ban) = piron();
    // a commune the BAN does not know, an invalid code
    for depcom in ["21166", "", "2123"] {
        assert_eq!(
            ban.geocode(&addr(depcom, "9", "", "R", "PIRON")),
            GeocodeResult::not_found(),
            "{depcom}"
        );
    }
}

#[test]
fn insee_code_separates_communes_with_the_same_street() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            simple(
                "21231_0200_00001",
                "1",
                "",
                "Rue de la Gare",
                "21231",
                100.0,
                100.0,
            ),
            simple(
                "21166_0200_00001",
                "1",
                "",
                "Rue de la Gare",
                "21166",
                500.0,
                500.0,
            ),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    assert_eq!(ban.streets(), 2);
    let mut q = addr("21166", "1", "", "R", "DE LA GARE");
    // postcode and name of the other commune: ignored
    q.postcode = "21000".into();
    q.commune_name = "DIJON".into();
    let r = ban.geocode(&q);
    assert_eq!(point(&r), (500.0, 500.0));
    assert_eq!(r.runner_up, 0.0);
    let r = ban.geocode(&addr("21231", "1", "", "R", "GARE"));
    assert_eq!(point(&r), (100.0, 100.0));
}

#[test]
fn former_commune_code_and_runner_up() {
    let dir = tempfile::tempdir().unwrap();
    let gare = |id: &str, anc: &str, x: &str| {
        row(
            id,
            "3",
            "",
            "Rue de la Gare",
            "21800",
            "21452",
            "Neuilly-Crimolois",
            anc,
            x,
            "6000.00",
            "",
            "",
        )
    };
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            gare("21452_a_00003", "21452", "100.00"),
            gare("21452_b_00003", "21213", "900.00"),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    assert_eq!(ban.streets(), 2);
    // former commune code: one street
    let r = ban.geocode(&addr("21213", "3", "", "R", "GARE"));
    assert_eq!((point(&r).0, r.runner_up), (900.0, 0.0));
    assert_eq!(r.ban_id.as_deref(), Some("21452_b_00003"));
    // current code: both former communes have the address; first loaded wins, runner-up 1.0
    let r = ban.geocode(&addr("21452", "3", "", "R", "GARE"));
    assert_eq!(
        (r.level, r.score, r.runner_up),
        (GeocodeLevel::Numero, 1.0, 1.0)
    );
    assert_eq!(point(&r).0, 100.0);
}

#[test]
fn afnor_and_alias_spellings_are_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[row(
            "21231_0300_00005",
            "5",
            "",
            "Rue du Général de Gaulle",
            "21000",
            "21231",
            "Dijon",
            "",
            "10.00",
            "20.00",
            "Rue Charles de Gaulle",
            "RUE DU GAL DE GAULLE",
        )],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    for name in ["GAL DE GAULLE", "CHARLES DE GAULLE", "DU GENERAL DE GAULLE"] {
        let r = ban.geocode(&addr("21231", "5", "", "R", name));
        assert_eq!(r.level, GeocodeLevel::Numero, "{name}");
        assert_eq!(r.runner_up, 0.0, "{name}");
    }
}

#[test]
fn gzip_and_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_ban(
        dir.path(),
        "adresses-21.csv.gz",
        &[simple(
            "21231_0100_00001",
            "1",
            "",
            "Rue Piron",
            "21231",
            1.0,
            2.0,
        )],
    );
    let b = write_ban(
        dir.path(),
        "adresses-71.csv",
        &[
            simple("71076_0100_00001", "1", "", "Rue Piron", "71076", 3.0, 4.0),
            // the same street continued in another file, with other ids
            simple("21231_0999_00003", "3", "", "Rue Piron", "21231", 5.0, 6.0),
        ],
    );
    let ban = BanIndex::load(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(ban.files, vec![a, b]);
    assert_eq!(ban.addresses, 3);
    assert_eq!(ban.stats.len(), 2);
    assert_eq!((ban.stats[0].read, ban.stats[0].accepted), (1, 1));
    assert_eq!(ban.stats[0].file, "adresses-21.csv.gz");
    assert_eq!((ban.stats[1].read, ban.stats[1].accepted), (2, 2));
    assert_eq!(ban.streets(), 2);
    let r = ban.geocode(&addr("21231", "1", "", "R", "PIRON"));
    assert_eq!(
        (point(&r), r.ban_id.as_deref()),
        ((1.0, 2.0), Some("21231_0100_00001"))
    );
    let r = ban.geocode(&addr("21231", "3", "", "R", "PIRON"));
    assert_eq!(
        (point(&r), r.ban_id.as_deref()),
        ((5.0, 6.0), Some("21231_0999_00003"))
    );
    let r = ban.geocode(&addr("71076", "1", "", "R", "PIRON"));
    assert_eq!(point(&r), (3.0, 4.0));
}

#[test]
fn bad_rows_are_rejected_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            simple("ok", "1", "", "Rue Piron", "21231", 1.0, 2.0),
            row(
                "a",
                "1",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "abc",
                "2.0",
                "",
                "",
            ),
            row(
                "b",
                "1",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "1.0",
                "",
                "",
                "",
            ),
            row(
                "c",
                "x1",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "1.0",
                "2.0",
                "",
                "",
            ),
            row(
                "d",
                "",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "1.0",
                "2.0",
                "",
                "",
            ),
            row(
                "e",
                "1",
                "",
                "Rue Piron",
                "",
                "212",
                "",
                "",
                "1.0",
                "2.0",
                "",
                "",
            ),
            row("f", "1", "", "", "", "21231", "", "", "1.0", "2.0", "", ""),
            row(
                "g",
                "2000000",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "1.0",
                "2.0",
                "",
                "",
            ),
            row(
                "h",
                "1",
                "",
                "Rue Piron",
                "",
                "21231",
                "",
                "",
                "NaN",
                "2.0",
                "",
                "",
            ),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    let s = &ban.stats[0];
    assert_eq!((s.read, s.accepted, s.rejected), (9, 1, 8));
    assert!(s.reconciles());
    assert_eq!(ban.addresses, 1);
    let want: BTreeMap<String, u64> = [
        (build::reason::XY, 3),
        (build::reason::NUMERO, 2),
        (build::reason::INSEE, 1),
        (build::reason::VOIE, 1),
        (build::reason::NUMERO_BIG, 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(ban.rejects, want);
    // an id that does not follow the pattern is kept as it is
    let r = ban.geocode(&addr("21231", "1", "", "R", "PIRON"));
    assert_eq!(r.ban_id.as_deref(), Some("ok"));
}

/// Regression: x and y swapped on a few BAN rows (or another projection) were accepted; the
/// programme, building and stairwell points of their dwellings were published far outside
/// France, none in the review layer.
#[test]
fn an_address_outside_the_lambert93_domain_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.csv");
    std::fs::write(
        &p,
        "id;numero;rep;nom_voie;code_insee;x;y\n\
         a;1;;Rue Piron;21231;853000.5;6690000.25\n\
         b;2;;Rue Piron;21231;6690000.25;853000.5\n\
         c;3;;Rue Piron;21231;5.04;47.32\n",
    )
    .unwrap();
    let ban = BanIndex::load(&[p]).unwrap();
    let s = &ban.stats[0];
    assert_eq!((s.read, s.accepted, s.rejected), (3, 1, 2));
    assert_eq!(ban.rejects.get(build::reason::XY_DOMAIN), Some(&2));
    let r = ban.geocode(&addr("21231", "2", "", "R", "PIRON"));
    assert_ne!(r.ban_id.as_deref(), Some("b"));
}

#[test]
fn missing_required_column_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.csv");
    std::fs::write(&p, "id;numero;rep;nom_voie;code_insee;x\n1;1;;R;21231;1\n").unwrap();
    match BanIndex::load(&[p]) {
        Err(GeocodeError::Ingest(IngestError::MissingColumn { column, .. })) => {
            assert_eq!(column, "y")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        BanIndex::load(&[dir.path().join("absent.csv")]),
        Err(GeocodeError::Ingest(IngestError::Open { .. }))
    ));
}

#[test]
fn minimal_columns_and_latin1() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.csv");
    // Latin-1 "Rue de l'Église", comma-separated, only the required columns
    std::fs::write(
        &p,
        b"id,numero,rep,nom_voie,code_insee,x,y\n21231_1_00002,2,,Rue de l'\xc9glise,21231,800010.5,6600020.25\n",
    )
    .unwrap();
    let ban = BanIndex::load(&[p]).unwrap();
    let r = ban.geocode(&addr("21231", "2", "", "R", "DE L EGLISE"));
    assert_eq!(point(&r), (10.5, 20.25));
    assert_eq!(r.label, "2 Rue de l'Église");
    assert!(ban.heap_bytes() > 0);
}

#[test]
fn entries_are_compact() {
    assert_eq!(std::mem::size_of::<Entry>(), 12);
}

#[test]
fn locality_is_used_when_no_street_matches() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_ban(
        dir.path(),
        "adresses-21.csv",
        &[
            simple("21231_0400_00003", "3", "", "Les Prés", "21231", 7.0, 8.0),
            simple("21231_0100_00003", "3", "", "Rue Piron", "21231", 1.0, 2.0),
        ],
    );
    let ban = BanIndex::load(&[p]).unwrap();
    let mut q = addr("21231", "3", "", "", "");
    q.locality = "LES PRES".into();
    let r = ban.geocode(&q);
    assert_eq!((r.level, point(&r)), (GeocodeLevel::Numero, (7.0, 8.0)));
    // the street wins when it matches
    q.street_type = "R".into();
    q.street_name = "PIRON".into();
    let r = ban.geocode(&q);
    assert_eq!((point(&r), r.runner_up), ((1.0, 2.0), 0.0));
    // an unknown street falls back to the lieu-dit
    q.street_name = "PIRANHA".into();
    assert_eq!(point(&ban.geocode(&q)), (7.0, 8.0));
}

#[test]
fn too_many_distinct_indices_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (0..MAX_REPS + 2)
        .map(|i| simple("x", "1", &format!("r{i}"), "Rue Piron", "21231", 1.0, 2.0))
        .collect();
    let p = write_ban(dir.path(), "adresses-21.csv", &rows);
    let ban = BanIndex::load(&[p]).unwrap();
    // id 0 is "no index": MAX_REPS - 1 distinct indices fit
    assert_eq!(ban.addresses, MAX_REPS as u64 - 1);
    assert_eq!(ban.rejects[build::reason::REP], 3);
    assert!(ban.stats[0].reconciles());
}

mod cascade;
mod typos;
