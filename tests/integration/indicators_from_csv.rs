//! From CSV to indicators: a small RPLS + OPS set with the RPLS sentinels (`LOYERPRINC` 9999,
//! `DPEDATE` 01/1900) and other traps (a rent of 0, a rent on a vacant dwelling, an OPS date
//! that contradicts the lease), read by the real readers, aggregated by `aggregate()`, and
//! every value checked against hand-worked figures.

use std::collections::BTreeMap;

use opsgeo::aggregate::{aggregate, AggregateInput, Aggregates};
use opsgeo::geocode::{GeocodeLevel, Location};
use opsgeo::indicators::CATALOGUE;
use opsgeo::ingest::ops::{read_households, read_occupants};
use opsgeo::ingest::rejects::RejectLog;
use opsgeo::ingest::rpls::qp::QpValue;
use opsgeo::ingest::rpls::read_rpls;
use opsgeo::join::Placement;
use opsgeo::model::{Population, Scale, Split, YearMonth};

use crate::support::ingest::{input, territory};

const RPLS: &str = "\
IDENT_REP;IDENT_ORG;RS;DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;LIEUDIT;IMMEU;BAT;ESC;ENTREE;NBPIECE;SURFHAB;LOCAT;FINAN;DPEDATE;DPEENERGIE;MODE;BAIL;LOYERPRINC;QPV;PLG_QP15
RPX0000001;210001;OPH;21231;21000;DIJON;12;;RUE;DES ACACIAS;;P1;A;1;;3;60;1970;13;03/2016;D;1;09/2020;400,00;1;QP021001
RPX0000002;210001;OPH;21231;21000;DIJON;12;;RUE;DES ACACIAS;;P1;A;1;;3;70;1970;13;01/1900;D;1;01/2015;9999;1;HZ
RPX0000003;210001;OPH;21231;21000;DIJON;12;;RUE;DES ACACIAS;;P1;A;2;;2;45;2005;11;06/2019;B;2;;9999;1;
RPX0000004;210001;OPH;21166;21300;CHENOVE;3;;RUE;DU MAIL;;P2;;;;2;;;14;;;1;05/2021;350,50;2;
RPX0000005;210001;OPH;21166;21300;CHENOVE;3;;RUE;DU MAIL;;P2;;;;1;25;1930;50;;;3;;9999;2;
RPX0000006;210001;OPH;21166;21300;CHENOVE;3;;RUE;DU MAIL;;P2;;;;4;80;1990;16;01/2020;C;1;03/2021;0;2;
";

const HOUSEHOLDS: &str = "\
IDENT_REP;REPONSE;DATE_EMMENAGEMENT;COMPOSITION;AGE_TITULAIRE;REVENUS_PCT_PLUS;APL;CODE_PROGRAMME
RPX0000001;1;09/2020;2;34;38;1;P1
RPX0000002;2;;;;;;P1
RPX0000004;1;;1;70;120;2;P2
RPX0000006;1;01/2010;4;41;55;9;P2
";

const OCCUPANTS: &str = "\
IDENT_REP;NUM_OCCUPANT;AGE;LIEN_TITULAIRE;SITUATION_EMPLOI
RPX0000001;1;34;1;2
RPX0000001;2;8;3;
RPX0000004;1;70;1;5
RPX0000006;1;41;1;1
RPX0000006;2;40;2;4
RPX0000006;3;17;3;6
RPX0000006;4;12;3;
";

fn run() -> (Aggregates, opsgeo::ingest::rpls::RplsData) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let t = territory();
    let mut rejects = RejectLog::new();
    let rp = read_rpls(&input(write("rpls.csv", RPLS)), &t, &mut rejects).unwrap();
    assert_eq!(rp.stats.accepted, 6, "{:?}", rejects.count_by_reason());
    let (mut households, hs) = read_households(
        &input(write("m.csv", HOUSEHOLDS)),
        &rp.ids,
        &rp.dwellings,
        &mut rejects,
    )
    .unwrap();
    assert_eq!(hs.accepted, 4);
    let os = read_occupants(
        &input(write("o.csv", OCCUPANTS)),
        &rp.ids,
        &mut households,
        &mut rejects,
    )
    .unwrap();
    assert_eq!(os.accepted, 7);
    let n = rp.dwellings.len();
    let locations = vec![
        Location {
            point: None,
            level: GeocodeLevel::NonTrouve,
        };
        n
    ];
    let placements = vec![Placement::default(); n];
    let aggs = aggregate(&AggregateInput {
        dwellings: &rp.dwellings,
        households: &households,
        locations: &locations,
        placements: &placements,
        structure: &rp.structure,
        territory: &t,
        iris_commune: &[],
        qpv_count: 0,
        qva_polygons: None,
        reference: YearMonth::new(2022, 1).unwrap(),
        recent_years: 2,
    });
    (aggs, rp)
}

fn values(a: &Aggregates, pop: Population) -> BTreeMap<&'static str, Option<f64>> {
    let m = &a.table(Scale::Epci, pop, Split::Tout).unwrap().measures[0];
    CATALOGUE
        .iter()
        .filter(|d| d.applies_to(pop))
        .map(|d| (d.field, d.compute(m).map(|v| d.display(v))))
        .collect()
}

#[test]
fn sentinels_and_traps_are_left_out_of_the_values() {
    let (a, _) = run();
    let v = values(&a, Population::Ensemble);
    let expect = [
        ("nb_logements", Some(6.0)),
        ("nb_logements_vacants", Some(1.0)),
        ("taux_vacance", Some(16.7)),
        // let with a rent: #1 400 and #4 350.50; #2 is 9999, #6 is 0, #3 is vacant
        ("loyer_moyen", Some(375.25)),
        ("loyer_moyen_t2", Some(350.5)),
        ("loyer_moyen_t3", Some(400.0)),
        ("loyer_moyen_t4", None),
        ("loyer_m2", Some(6.67)),        // 400 / 60: #4 has no surface
        ("surface_moyenne", Some(56.0)), // (60 + 70 + 45 + 25 + 80) / 5
        // D (#1), B (#3), C (#6); #2 has the class D but DPEDATE 01/1900; #4 #5 none
        ("part_dpe_d", Some(16.7)),
        ("part_dpe_non_realise", Some(50.0)),
        // LOCAT known for 5: 1970 ×2, 2005, 1930, 1990
        ("part_mel_1949_1974", Some(40.0)),
        ("part_mel_avant_1949", Some(20.0)),
        ("part_mel_apres_2000", Some(20.0)),
        ("part_plus", Some(33.3)),
        ("part_plai", Some(16.7)),
        ("part_fin_autre", Some(16.7)),
        ("nb_menages", Some(4.0)),
        ("taux_reponse", Some(75.0)),
        // #1 by its OPS date 09/2020, #4 by its lease 05/2021 (no OPS date); #6's OPS date
        // 01/2010 wins over its lease 03/2021
        ("part_emmenages_recents", Some(50.0)),
        ("part_monoparentale", Some(33.3)),
        ("part_apl", Some(50.0)), // #6 answered 9 (unknown)
        ("part_rev_20_40", Some(33.3)),
        ("part_rev_100_plus", Some(33.3)),
        // 7 occupants in 3 households; adults 34, 70, 41, 40; children 8, 17, 12
        ("nb_moyen_occupants", Some(2.33)),
        ("nb_moyen_adultes", Some(1.33)),
        ("nb_moyen_enfants", Some(1.0)),
        ("nb_moyen_mineurs", Some(1.0)),
        ("part_occupants_moins_18", Some(42.9)), // 3 / 7
        ("part_titulaire_60_74", Some(33.3)),
        // the 17-year-old student is a minor: not counted among adults
        ("part_emploi_precaire", Some(25.0)),
        ("part_etudiants", Some(0.0)),
        ("part_chomeurs", Some(0.0)),
    ];
    for (f, want) in expect {
        assert_eq!(v[f], want, "{f}");
    }
    assert_eq!(a.report.recent_from_ops, 1);
    assert_eq!(a.report.recent_from_lease, 1);
    assert_eq!(a.report.move_in_from_ops, 2);
    assert_eq!(a.report.move_in_from_lease, 2);
    assert_eq!(a.report.recent_window, "01/2020 – 12/2021");
}

#[test]
fn recent_movers_population_holds_their_dwellings_only() {
    let (a, _) = run();
    let v = values(&a, Population::Recents);
    assert_eq!(v["nb_logements"], Some(2.0));
    assert_eq!(v["loyer_moyen"], Some(375.25));
    assert_eq!(v["taux_reponse"], Some(100.0));
    assert_eq!(v["part_personne_seule"], Some(50.0));
    assert_eq!(v["nb_moyen_occupants"], Some(1.5));
    assert!(!v.contains_key("taux_vacance"));
    // both in their own commune: 21231 (#1) and 21166 (#4)
    let com = a
        .table(Scale::Commune, Population::Recents, Split::Tout)
        .unwrap();
    let per_commune: Vec<i64> = com.measures.iter().map(|m| m[0]).collect();
    assert_eq!(per_commune.iter().sum::<i64>(), 2);
    assert!(per_commune.iter().all(|&n| n <= 1));
}

#[test]
fn plg_qp15_codes_are_read_for_the_cross_check() {
    let (_, rp) = run();
    let q = rp.qp15.as_ref().expect("PLG_QP15 present");
    assert_eq!(q.column, "PLG_QP15");
    assert_eq!(q.get(0), QpValue::Code("QP021001"));
    assert_eq!(q.get(1), QpValue::Outside);
    assert_eq!(q.get(2), QpValue::NotGiven);
    assert!(rp.qp24.is_none());
}
