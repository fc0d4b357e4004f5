//! The committed demo has plausible, correlated figures (the ones documented in
//! `docs/donnees_demo.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo")
        .join(name)
}

fn rows(text: &str, delim: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b as f64
}

fn within(what: &str, v: f64, lo: f64, hi: f64) {
    assert!(
        (lo..=hi).contains(&v),
        "{what} = {v:.1}, attendu entre {lo} et {hi}"
    );
}

#[test]
fn demo_figures_are_plausible() {
    let raw = std::fs::read(demo("rpls_2022.csv")).unwrap();
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&raw);
    let mut seen = BTreeSet::new();
    let d: Vec<Vec<String>> = rows(&text, b';')
        .into_iter()
        .filter(|r| {
            r.len() == 31
                && r[15].parse::<u8>().is_ok()
                && r[19] != "77"
                && r[23] != "7"
                && r[3] != "00099"
                && seen.insert(r[0].clone())
        })
        .collect();
    let n = d.len();
    assert_eq!(n, 30_000);
    let qpv: Vec<&Vec<String>> = d.iter().filter(|r| r[26] == "1").collect();
    let hors: Vec<&Vec<String>> = d.iter().filter(|r| r[26] == "2").collect();
    within("logements en QPV (%)", pct(qpv.len(), n), 20.0, 32.0);
    let vac = |v: &[&Vec<String>]| pct(v.iter().filter(|r| r[23] == "2").count(), v.len());
    within(
        "vacance (%)",
        pct(d.iter().filter(|r| r[23] == "2").count(), n),
        2.0,
        6.0,
    );
    assert!(vac(&qpv) > vac(&hors) + 1.0);
    within(
        "MODE 3 (%)",
        pct(d.iter().filter(|r| r[23] == "3").count(), n),
        0.3,
        3.0,
    );
    within(
        "X/Y renseignés (%)",
        pct(d.iter().filter(|r| !r[27].is_empty()).count(), n),
        28.0,
        42.0,
    );

    // Rooms, surfaces, rents.
    let mut by_rooms: BTreeMap<u8, (usize, f64)> = BTreeMap::new();
    for r in &d {
        let e = by_rooms
            .entry(r[15].parse::<u8>().unwrap().min(5))
            .or_default();
        e.0 += 1;
        e.1 += r[16].parse::<f64>().unwrap();
    }
    let t3 = by_rooms[&3].0;
    assert!(
        by_rooms.values().all(|(c, _)| *c <= t3),
        "T3 le plus fréquent"
    );
    let means: Vec<f64> = by_rooms.values().map(|(c, s)| s / *c as f64).collect();
    assert!(
        means.windows(2).all(|w| w[0] < w[1]),
        "surface croît avec les pièces"
    );
    let rent_m2 = |codes: &[&str]| {
        let v: Vec<f64> = d
            .iter()
            .filter(|r| r[23] == "1" && codes.contains(&r[19].as_str()))
            .map(|r| {
                r[25].replace(',', ".").parse::<f64>().unwrap() / r[16].parse::<f64>().unwrap()
            })
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (plai, plus, pls) = (
        rent_m2(&["10", "11"]),
        rent_m2(&["12", "13"]),
        rent_m2(&["14"]),
    );
    assert!(
        plai < plus && plus < pls,
        "loyers/m² PLAI {plai:.2} < PLUS {plus:.2} < PLS {pls:.2}"
    );
    assert!(d
        .iter()
        .filter(|r| r[23] != "1")
        .all(|r| r[25] == "9999" && r[24].is_empty()));

    // Ages and DPE.
    let locat: Vec<u16> = d.iter().map(|r| r[18].parse().unwrap()).collect();
    assert!(*locat.iter().min().unwrap() < 1955 && *locat.iter().max().unwrap() == 2021);
    let assessed: Vec<&Vec<String>> = d.iter().filter(|r| r[20] != "01/1900").collect();
    assert!(d
        .iter()
        .filter(|r| r[20] == "01/1900")
        .all(|r| r[21].is_empty() && r[22].is_empty()));
    let cde = assessed
        .iter()
        .filter(|r| ["C", "D", "E"].contains(&r[21].as_str()))
        .count();
    within("DPE C à E (%)", pct(cde, assessed.len()), 65.0, 90.0);

    // Programmes and landlords.
    let mut prog: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut landlords: BTreeMap<String, usize> = BTreeMap::new();
    for r in &d {
        *prog.entry((r[1].clone(), r[11].clone())).or_default() += 1;
        *landlords.entry(r[1].clone()).or_default() += 1;
    }
    within("programmes", prog.len() as f64, 650.0, 850.0);
    assert!(
        prog.values().filter(|v| **v < 11).count() >= 20,
        "petits programmes"
    );
    assert_eq!(landlords.len(), 5);
    let mut shares: Vec<f64> = landlords.values().map(|v| pct(*v, n)).collect();
    shares.sort_by(f64::total_cmp);
    assert!(
        shares.windows(2).all(|w| w[1] - w[0] >= 2.0),
        "parts des bailleurs nettement différentes : {shares:?}"
    );

    // OPS.
    let hh_text = std::fs::read_to_string(demo("ops_menages_2022.csv")).unwrap();
    let by_id: BTreeMap<&str, &Vec<String>> = d.iter().map(|r| (r[0].as_str(), r)).collect();
    let hh: Vec<Vec<String>> = rows(hh_text.trim_start_matches('\u{feff}'), b';')
        .into_iter()
        .filter(|h| by_id.contains_key(h[0].as_str()))
        .collect();
    let resp: Vec<&Vec<String>> = hh.iter().filter(|h| h[1] == "1").collect();
    within("taux de réponse (%)", pct(resp.len(), hh.len()), 75.0, 90.0);
    let in_qpv = |h: &&Vec<String>| by_id[h[0].as_str()][26] == "1";
    let apl = |v: &[&&Vec<String>]| {
        let known: Vec<_> = v.iter().filter(|h| h[6] == "1" || h[6] == "2").collect();
        pct(known.iter().filter(|h| h[6] == "1").count(), known.len())
    };
    let rq: Vec<&&Vec<String>> = resp.iter().filter(|h| in_qpv(h)).collect();
    let rh: Vec<&&Vec<String>> = resp.iter().filter(|h| !in_qpv(h)).collect();
    within("APL en QPV (%)", apl(&rq), 60.0, 80.0);
    within("APL hors QPV (%)", apl(&rh), 28.0, 42.0);
    let mono = |v: &[&&Vec<String>]| pct(v.iter().filter(|h| h[3] == "2").count(), v.len());
    assert!(
        mono(&rq) > mono(&rh) + 4.0,
        "plus de familles monoparentales en QPV"
    );
    let income = |v: &[&&Vec<String>]| {
        let mut x: Vec<u32> = v.iter().filter_map(|h| h[5].parse().ok()).collect();
        x.sort();
        x[x.len() / 2]
    };
    assert!(
        income(&rq) + 10 < income(&rh),
        "revenus plus faibles en QPV"
    );
    let recent = hh
        .iter()
        .filter(|h| {
            let date = if h[1] == "1" && !h[2].is_empty() {
                &h[2]
            } else {
                &by_id[h[0].as_str()][24]
            };
            date.ends_with("/2020") || date.ends_with("/2021")
        })
        .count();
    within("emménagés récents (%)", pct(recent, hh.len()), 12.0, 16.0);
    let mut buildings: BTreeMap<(String, String, String), (usize, usize)> = BTreeMap::new();
    for h in &hh {
        let r = by_id[h[0].as_str()];
        let e = buildings
            .entry((r[1].clone(), r[11].clone(), r[12].clone()))
            .or_default();
        e.0 += 1;
        e.1 += usize::from(h[1] == "1");
    }
    let rates: Vec<f64> = buildings
        .values()
        .filter(|(t, _)| *t >= 5)
        .map(|(t, r)| *r as f64 / *t as f64)
        .collect();
    within(
        "bâtiments sous 60 % de réponse (%)",
        pct(rates.iter().filter(|r| **r < 0.6).count(), rates.len()),
        2.0,
        10.0,
    );
    within(
        "bâtiments entre 70 et 95 % (%)",
        pct(
            rates.iter().filter(|r| (0.7..=0.95).contains(*r)).count(),
            rates.len(),
        ),
        55.0,
        90.0,
    );
}

#[test]
fn demo_configuration_loads_and_builds_the_fictional_territory() {
    use opsgeo::ingest::zones::{Zone, ZoneKind, ZoneLayer};
    let cfg = opsgeo::config::Config::load(&demo("opsgeo.toml")).expect("opsgeo.toml se charge");
    assert_eq!(cfg.territory.departements["00"].name, "Département fictif");
    assert_eq!(cfg.zones.qpv.vintage, "2015");
    assert!(cfg.ban.paths[0].ends_with("ban/adresses-00.csv.gz"));
    // The EPCI table and the communes give a territory with the fictional codes.
    let text = std::fs::read_to_string(&cfg.territory.epci_table).unwrap();
    let members: Vec<(String, String, String)> = rows(&text, b';')
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    let geo = opsgeo_synth::geography::Geography::build();
    let layer = ZoneLayer {
        kind: ZoneKind::Commune,
        source: cfg.zones.communes.path.clone(),
        vintage: "2022".into(),
        zones: geo
            .communes
            .iter()
            .map(|c| Zone {
                code: c.code.into(),
                name: c.name.into(),
                commune: String::new(),
                geometry: geo::MultiPolygon(vec![c.polygon.clone()]),
            })
            .collect(),
        issues: vec![],
        stats: Default::default(),
    };
    let t = opsgeo::ingest::territory::Territory::from_members(
        members,
        Default::default(),
        &cfg.territory,
        &layer,
    )
    .unwrap();
    assert_eq!(t.communes.len(), 12);
    assert_eq!(t.epcis.len(), 1);
    assert_eq!(t.departements[0].code, "00");
    assert_eq!(t.regions[0].name, "Région fictive");
    let ext = t.extent.unwrap();
    assert!(ext.min().x > 840_000.0 && ext.max().x < 870_000.0);
    assert!(ext.min().y > 6_680_000.0 && ext.max().y < 6_706_000.0);
}
